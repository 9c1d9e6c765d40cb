"""Failed moderator sign-ins, counted where every process on the host sees them.

A counter in the browser session is reset by opening a new session, so the failures are kept in a
small SQLite file in the lake's private directory (`<data_dir>/<lake>/private/auth.sqlite`): not
part of the time-travelled lake, never exported, created readable by its owner only. Every
dashboard process, and the command line, that shares the data directory shares the count.

Failures are counted per moderator name and per client (a keyed digest of the address the
dashboard sees, so the file does not list addresses): `NAME_LIMIT` failures for one name, or
`CLIENT_LIMIT` from one client, within `WINDOW_SECONDS` lock further attempts until the oldest
failure leaves the window. Rows older than the window are deleted on every write.

An attempt is recorded as a failure *before* the password is checked and cleared if it was right
(`begin_attempt` / `Attempt.succeeded`), so parallel guesses cannot slip past the count, and an
attempt whose check crashed still counts.

Limits: a shared SQLite file holds across processes on one host (or a file system with working
locks), not across hosts; an attacker can lock a moderator's name for `WINDOW_SECONDS` by guessing
at it (the usual trade-off; `gigwatch moderators unlock NAME` clears it).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from collectors.config import Settings

AUTH_DB = "auth.sqlite"
NAME_LIMIT = 5
CLIENT_LIMIT = 20
WINDOW_SECONDS = 15 * 60

_SCHEMA = """
CREATE TABLE IF NOT EXISTS login_failures (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('name', 'client')),
    subject TEXT NOT NULL,
    failed_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_subject ON login_failures (scope, subject, failed_at);
CREATE TABLE IF NOT EXISTS auth_keys (name TEXT PRIMARY KEY, value BLOB NOT NULL);
"""


def private_dir(settings: Settings) -> Path:
    """The lake's private directory (outside the time-travelled lake), created owner-only."""
    path = settings.lake_dir / "private"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


class Locked(Exception):
    """Too many failed sign-ins: no password is checked until `retry_after_seconds` have passed."""

    def __init__(self, retry_after_seconds: float, scope: str) -> None:
        self.retry_after_seconds = retry_after_seconds
        self.scope = scope
        super().__init__(f"sign-in locked for {retry_after_seconds:.0f} s ({scope})")


@dataclass(frozen=True, slots=True)
class Attempt:
    """A sign-in attempt already counted as failed; `succeeded()` takes it back."""

    throttle: LoginThrottle
    name: str
    row_ids: tuple[int, ...]

    def succeeded(self) -> None:
        """The password was right: forget this attempt and the name's earlier failures."""
        with self.throttle._connect() as db:
            db.executemany("DELETE FROM login_failures WHERE id = ?", [(row_id,) for row_id in self.row_ids])
            db.execute("DELETE FROM login_failures WHERE scope = 'name' AND subject = ?", (self.name,))


class LoginThrottle:
    """The failure counter in one SQLite file (see the module docstring)."""

    def __init__(
        self,
        path: Path,
        *,
        name_limit: int = NAME_LIMIT,
        client_limit: int = CLIENT_LIMIT,
        window_seconds: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.name_limit = name_limit
        self.client_limit = client_limit
        self.window_seconds = window_seconds
        self.clock = clock
        self._ready = False

    @classmethod
    def for_settings(cls, settings: Settings, **kwargs: object) -> LoginThrottle:
        return cls(private_dir(settings) / AUTH_DB, **kwargs)  # type: ignore[arg-type]

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One short IMMEDIATE transaction: the writer lock is taken before anything is read."""
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self.path.exists():
                # Created owner-only; sqlite keeps the mode of an existing file.
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            if not self._ready:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
                self._ready = True
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    def _client_key(self, db: sqlite3.Connection) -> bytes:
        row = db.execute("SELECT value FROM auth_keys WHERE name = 'client'").fetchone()
        if row is not None:
            return bytes(row[0])
        key = secrets.token_bytes(32)
        db.execute("INSERT INTO auth_keys (name, value) VALUES ('client', ?)", (key,))
        return key

    def _subjects(self, db: sqlite3.Connection, name: str, client: str | None) -> list[tuple[str, str, int]]:
        subjects = [("name", name.strip().lower()[:200], self.name_limit)]
        if client:
            digest = hmac.new(self._client_key(db), client.encode(), hashlib.sha256).hexdigest()[:32]
            subjects.append(("client", digest, self.client_limit))
        return subjects

    def _retry_after(self, db: sqlite3.Connection, scope: str, subject: str, limit: int, now: float) -> float | None:
        rows = db.execute(
            "SELECT failed_at FROM login_failures WHERE scope = ? AND subject = ? AND failed_at > ? "
            "ORDER BY failed_at DESC LIMIT ?",
            (scope, subject, now - self.window_seconds, limit),
        ).fetchall()
        if len(rows) < limit:
            return None
        # Locked until the limit-th most recent failure leaves the window.
        return max(1.0, rows[-1][0] + self.window_seconds - now)

    def begin_attempt(self, name: str, client: str | None) -> Attempt:
        """Count an attempt as failed, or raise `Locked` (and count nothing) if a limit is reached."""
        now = self.clock()
        with self._connect() as db:
            db.execute("DELETE FROM login_failures WHERE failed_at <= ?", (now - self.window_seconds,))
            subjects = self._subjects(db, name, client)
            for scope, subject, limit in subjects:
                wait = self._retry_after(db, scope, subject, limit, now)
                if wait is not None:
                    raise Locked(wait, scope)
            ids = []
            for scope, subject, _ in subjects:
                cursor = db.execute(
                    "INSERT INTO login_failures (scope, subject, failed_at) VALUES (?, ?, ?)", (scope, subject, now)
                )
                ids.append(int(cursor.lastrowid or 0))
        return Attempt(self, subjects[0][1], tuple(ids))

    def retry_after(self, name: str, client: str | None = None) -> float | None:
        """Seconds until `name` (or this client) may try again, or None if it may try now."""
        now = self.clock()
        with self._connect() as db:
            for scope, subject, limit in self._subjects(db, name, client):
                wait = self._retry_after(db, scope, subject, limit, now)
                if wait is not None:
                    return wait
        return None

    def failures(self, name: str) -> int:
        """Failed attempts for `name` within the window."""
        now = self.clock()
        with self._connect() as db:
            row = db.execute(
                "SELECT count(*) FROM login_failures WHERE scope = 'name' AND subject = ? AND failed_at > ?",
                (name.strip().lower(), now - self.window_seconds),
            ).fetchone()
        return int(row[0])

    def unlock(self, name: str) -> int:
        """Forget the failures of `name` (an administrator's decision); returns how many."""
        with self._connect() as db:
            cursor = db.execute("DELETE FROM login_failures WHERE scope = 'name' AND subject = ?",
                                (name.strip().lower(),))
        return cursor.rowcount
