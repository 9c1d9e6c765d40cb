"""A throwaway PostgreSQL server for tests: initdb + pg_ctl in a temporary directory.

initdb refuses to run as root, so as root the server runs as the `postgres` user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


def _find(binary: str) -> str | None:
    found = shutil.which(binary)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{binary}"), reverse=True):
        return str(candidate)
    return None


def why_unavailable() -> str | None:
    """None when a server can be started here, else the reason."""
    for binary in ("initdb", "pg_ctl"):
        if _find(binary) is None:
            return f"PostgreSQL's {binary} is not installed (apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run initdb as"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    root: Path
    port: int
    user: str

    def conninfo(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user={self.user} dbname={dbname}"

    def create_database(self, prefix: str = "gw") -> str:
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.conninfo(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return name

    def _run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        if os.geteuid() == 0:
            args = ["runuser", "-u", "postgres", "--", *args]
        return subprocess.run(args, capture_output=True, text=True, timeout=120)

    def stop(self, mode: str = "fast") -> None:
        self._run([str(_find("pg_ctl")), "-D", str(self.root / "pgdata"), "-m", mode, "-w", "stop"])

    def start(self) -> None:
        result = self._run([
            str(_find("pg_ctl")), "-D", str(self.root / "pgdata"), "-l", str(self.root / "server.log"), "-w",
            "-o", f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off",
            "start",
        ])
        if result.returncode != 0:
            log = (self.root / "server.log").read_text() if (self.root / "server.log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {result.stderr}\n{log}")
        deadline = time.monotonic() + 30
        import psycopg

        while True:
            try:
                with psycopg.connect(self.conninfo(), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)


def start_server() -> PgServer:
    root = Path(tempfile.mkdtemp(prefix="gigwatch-pg-"))
    user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    server = PgServer(root=root, port=_free_port(), user=user)
    result = server._run([
        str(_find("initdb")), "-D", str(root / "pgdata"), "-A", "trust", "-U", user, "--no-sync", "-E", "UTF8",
    ])
    if result.returncode != 0:
        raise RuntimeError(f"initdb failed: {result.stderr}")
    server.start()
    return server


@contextmanager
def server_for_tests() -> Iterator[PgServer]:
    """A started server, stopped afterwards; skips (fails in CI) when PostgreSQL is absent."""
    reason = why_unavailable()
    if reason:
        if os.environ.get("GIGWATCH_REQUIRE_POSTGRES"):
            pytest.fail(f"GIGWATCH_REQUIRE_POSTGRES is set (CI) but {reason}")
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    server = start_server()
    try:
        yield server
    finally:
        server.stop("immediate")
        shutil.rmtree(server.root, ignore_errors=True)
