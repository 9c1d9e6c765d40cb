"""Locks, in one place: one process migrates a lake at a time, one scheduler leads it, and
writers to a SQLite catalog take turns.

On a SQLite catalog they are file locks beside the lake; on PostgreSQL, advisory locks keyed
by the lake's name (a session lock on its own connection, dropped by the server with the session),
and writers need none.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from collectors.config import Settings

POLL_SECONDS = 5.0  # a standby's polling interval, and how often a leader checks its lock


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock from a name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextlib.contextmanager
def migration_lock(settings: Settings) -> Iterator[None]:
    """Only one process migrates at a time: a file lock, or a PostgreSQL advisory lock (blocking)."""
    if settings.catalog_kind == "sqlite":
        lock_path = settings.lake_dir / ".migrate.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    else:
        import psycopg

        key = advisory_key(f"gigwatch-migrate-{settings.lake}")
        with psycopg.connect(settings.catalog_target, autocommit=True) as pg:
            pg.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                pg.execute("SELECT pg_advisory_unlock(%s)", (key,))


@contextlib.contextmanager
def writer_lock(settings: Settings, *, seconds: float, busy: Callable[[], Exception]) -> Iterator[None]:
    """Writers to a SQLite catalog take turns: a file lock beside the catalog, waited for at most
    `seconds` (then `busy()` is raised). PostgreSQL needs no such lock (see Store._write_lock)."""
    if settings.catalog_kind != "sqlite":
        yield
        return
    lock_path = Path(settings.catalog_target).with_name(".write.lock")
    with open(lock_path, "a") as handle:
        deadline = time.monotonic() + seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise busy() from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class SchedulerLockedError(RuntimeError):
    """Another scheduler already leads this lake."""


class LeaderLock:
    """One scheduler per lake: a file lock (SQLite catalog) or a PostgreSQL advisory lock.

        with LeaderLock(settings):     # raises SchedulerLockedError, naming the holder
            ...

    or `try_acquire()` / `wait_for_leadership()` / `is_held()` / `release()` by hand.
    """

    log = logging.getLogger(__name__)

    def __init__(self, settings: Settings, *, poll_seconds: float = POLL_SECONDS) -> None:
        self.settings = settings
        self.poll_seconds = poll_seconds
        self.identity = f"pid {os.getpid()} on {socket.gethostname()}"
        self._fd: int | None = None
        self._pg: Any = None  # psycopg.Connection while held

    @property
    def path(self) -> Path:
        return self.settings.lake_dir / "scheduler.lock"

    @property
    def key(self) -> int:
        return advisory_key(f"gigwatch-scheduler-{self.settings.lake}")

    @property
    def held(self) -> bool:
        return self._fd is not None or self._pg is not None

    # -- acquiring ----------------------------------------------------------------------------

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; never blocks."""
        if self.held:
            return True
        if self.settings.catalog_kind == "sqlite":
            return self._try_file()
        return self._try_postgres()

    def acquire(self) -> None:
        """Take the lock or raise SchedulerLockedError with a message naming the holder."""
        if not self.try_acquire():
            raise SchedulerLockedError(self.locked_message())

    def wait_for_leadership(self, stop: threading.Event | None = None) -> bool:
        """Poll until the lock is ours (True) or `stop` is set (False)."""
        stop = stop or threading.Event()
        announced = False
        while not stop.is_set():
            if self.try_acquire():
                return True
            if not announced:
                self.log.info("standby: %s; polling every %.0f s", self.holder(), self.poll_seconds)
                announced = True
            stop.wait(self.poll_seconds)
        return False

    def _try_file(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {socket.gethostname()} {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}\n".encode())
        os.fsync(fd)
        self._fd = fd
        return True

    def _try_postgres(self) -> bool:
        import psycopg

        try:
            con = psycopg.connect(
                self.settings.catalog_target,
                autocommit=True,
                application_name=f"gigwatch-scheduler {self.identity}"[:63],
                connect_timeout=10,
                keepalives=1,
                keepalives_idle=10,
                keepalives_interval=5,
                keepalives_count=3,
            )
        except psycopg.OperationalError as exc:
            # The server is down or restarting: not leading now; a standby keeps polling.
            self.log.warning("scheduler lock: PostgreSQL unreachable (%s); will try again", exc)
            return False
        try:
            # The server drops a vanished leader's session (and so its lock) within about 25 s.
            for setting, value in (
                ("tcp_keepalives_idle", "10"), ("tcp_keepalives_interval", "5"),
                ("tcp_keepalives_count", "3"), ("idle_session_timeout", "0"),
                ("statement_timeout", "30s"),
            ):
                with contextlib.suppress(psycopg.Error):
                    con.execute(f"SET {setting} = '{value}'")
            row = con.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
        except BaseException:
            con.close()
            raise
        if not row or not row[0]:
            con.close()
            return False
        self._pg = con
        return True

    # -- who holds it -------------------------------------------------------------------------

    def holder(self) -> str:
        """Who holds the lock, as far as can be told (for messages)."""
        if self.settings.catalog_kind == "sqlite":
            try:
                fields = self.path.read_text().split()
            except OSError:
                fields = []
            if len(fields) >= 2:
                since = f" since {fields[2]}" if len(fields) > 2 else ""
                return f"another gigwatch scheduler (pid {fields[0]} on {fields[1]}{since}) holds {self.path}"
            return f"another gigwatch scheduler holds {self.path}"
        return self._postgres_holder()

    def _postgres_holder(self) -> str:
        import psycopg

        key = self.key & 0xFFFFFFFFFFFFFFFF
        try:
            with psycopg.connect(self.settings.catalog_target, autocommit=True, connect_timeout=10) as con:
                row = con.execute(
                    """SELECT a.application_name, a.pid, a.client_addr::text, a.backend_start
                       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                       WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                         AND l.classid::bigint = %s AND l.objid::bigint = %s
                         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())""",
                    (key >> 32, key & 0xFFFFFFFF),
                ).fetchone()
        except psycopg.Error as exc:
            return f"another gigwatch scheduler holds the PostgreSQL advisory lock (could not ask who: {exc})"
        if row is None:
            return "another gigwatch scheduler held the PostgreSQL advisory lock a moment ago"
        name, backend, client, since = row
        who = name.removeprefix("gigwatch-scheduler ") if name else "an unnamed client"
        return (
            f"another gigwatch scheduler ({who}; PostgreSQL backend {backend} from {client or 'a local socket'}"
            f" since {since:%Y-%m-%d %H:%M:%S %Z}) holds the lake's advisory lock"
        )

    def locked_message(self) -> str:
        hint = (
            "Stop it first (only one scheduler may run per lake)."
            if self.settings.catalog_kind == "sqlite"
            else "Stop it first, or start this one with --standby to take over when it stops."
        )
        return f"gigwatch schedule: not starting for lake {self.settings.lake!r}: {self.holder()}. {hint}"

    # -- keeping and releasing ----------------------------------------------------------------

    def is_held(self) -> bool:
        """Whether the lock is still ours (a PostgreSQL leader loses it with its connection)."""
        if self._fd is not None:
            return True
        if self._pg is None:
            return False
        try:
            row = self._pg.execute(
                """SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
                   AND pid = pg_backend_pid() AND objsubid = 1
                   AND classid::bigint = %s AND objid::bigint = %s""",
                ((self.key & 0xFFFFFFFFFFFFFFFF) >> 32, self.key & 0xFFFFFFFF),
            ).fetchone()
        except Exception as exc:
            self.log.error("the scheduler's lock connection failed: %s", exc)
            self._drop_pg()
            return False
        return bool(row and row[0])

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        if self._pg is not None:
            with contextlib.suppress(Exception):
                self._pg.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            self._drop_pg()

    def _drop_pg(self) -> None:
        with contextlib.suppress(Exception):
            self._pg.close()
        self._pg = None

    def __enter__(self) -> LeaderLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
