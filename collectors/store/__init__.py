"""The one door to storage: connecting, migrating, reading and every write.

gigwatch keeps its tables in a DuckLake: a catalog (SQLite file by default, PostgreSQL to scale out)
plus Parquet files. Several processes (scheduler, dashboard, CLI) share one lake, so:

* one DuckDB connection per process (`get_store()`), a cursor per thread (`Store.cursor()`);
* DDL runs only in migrations, under a lock, never concurrently (`Store.migrate()`);
* every write goes through `Store.write()`, one transaction per collector run or import, retried
  with backoff on SQLite's "database is locked" and DuckLake commit conflicts, and abandoned with
  `StoreBusyError` after a bound;
* reads may pin a DuckLake snapshot (`Store.refs(snapshot_id)`), so a permalink reproduces exactly
  the data a chart showed.

Other modules in this package hold the writes of one domain each (listings, reports, ...); pages and
sources call their functions and never open the database themselves.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import logging
import os
import random
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import pyarrow as pa

from collectors.config import Settings, load_settings

log = logging.getLogger(__name__)

T = TypeVar("T")
LAKE = "lake"  # the name the DuckLake is attached under in every connection

# Substrings of errors that mean "another process holds the catalog right now: try again".
_RETRYABLE = (
    "database is locked",
    "sqlite_busy",
    "transaction conflict",
    "conflict",
    "could not commit",
    "could not serialize",
    "deadlock detected",
    "duplicate key value violates unique constraint",
    "failed to commit",
    "catalog write-write conflict",
    # A PostgreSQL catalog restarting: nothing was sent, so trying again cannot apply a write twice.
    "unable to connect to postgres",
    "the database system is starting up",
    "the database system is shutting down",
)


# SQLite can answer a reader with SQLITE_IOERR while another process is writing its rollback journal.
# A read changes nothing, so it is retried; a write that meets it is not (its outcome is not known).
# (The scheduler test's "Failed to query most recent snapshot for DuckLake: disk I/O error", which
# no retry cleared, had another cause: Python's SQLite closing the catalog in this process; see
# `_use_wal` and reports.legacy._catalog_keeps_rows_of.)
_TRANSIENT_READ = "disk i/o error"


# Substrings of errors that mean the connection to a PostgreSQL catalog dropped. Before COMMIT that
# is safe to retry (the server rolled the transaction back); at COMMIT it is not known whether the
# commit landed, so there only "could not connect" (nothing was sent) is retried.
_CONNECTION_LOST = (
    "server closed the connection unexpectedly",
    "terminating connection due to administrator command",
    "no connection to the server",
    "connection to server",
)


class _LostBeforeCommit(Exception):
    """The catalog connection dropped while the transaction's statements ran: try it again."""


class StoreError(RuntimeError):
    """Storage failed in a way the caller should report (not retry)."""


# Substrings of errors that mean the disk or the directory cannot take writes (or opens).
_NO_SPACE = ("no space left", "disk is full", "database or disk is full", "disk quota exceeded")
_NOT_WRITABLE = ("read-only file system", "readonly database", "unable to open database file",
                 "permission denied")


def storage_problem(exc: BaseException, settings: Settings) -> str | None:
    """A plain statement of a full disk or an unwritable data directory, naming it; else None."""
    message = str(exc).lower()
    where = settings.lake_dir if settings.catalog_kind == "sqlite" else settings.files_path
    if any(fragment in message for fragment in _NO_SPACE):
        return f"the disk holding {where} is full ({exc}). Nothing was written; free some space and try again."
    if "disk i/o error" in message:  # what SQLite says when it cannot grow its log on a full disk
        return (f"the disk holding {where} is full or failing ({exc}). "
                "Nothing was written; check its free space and try again.")
    if any(fragment in message for fragment in _NOT_WRITABLE):
        return (f"{where} is read-only or not writable by this user ({exc}). "
                "Nothing was written; make it writable and try again.")
    return None


class StoreBusyError(StoreError):
    """A write kept conflicting with other writers and was abandoned after the retry bound."""


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, _LostBeforeCommit):
        return True
    message = str(exc).lower()
    return any(fragment in message for fragment in _RETRYABLE)


def _load_extensions(con: duckdb.DuckDBPyConnection, names: Sequence[str]) -> None:
    """Load DuckDB extensions offline from the `duckdb-extension-*` wheels.

    On a connected machine a plain INSTALL would also do; here nothing may be downloaded.
    """
    installed = {
        row[0]: row[1]
        for row in con.execute(
            "SELECT extension_name, installed FROM duckdb_extensions()"
        ).fetchall()
    }
    aliases = {"sqlite": "sqlite_scanner", "postgres": "postgres_scanner"}
    for name in names:
        if not installed.get(aliases.get(name, name)):
            from duckdb_extensions import import_extension

            import_extension(name, con=con)
        con.execute(f"LOAD {name}")


@dataclass(frozen=True, slots=True)
class TableRefs:
    """Qualified table names for SQL, optionally pinned to a DuckLake snapshot.

    `refs.listings` renders as `lake.listings` or `lake.listings AT (VERSION => 42)`.
    """

    snapshot_id: int | None = None

    def __getattr__(self, table: str) -> str:
        if table.startswith("_"):
            raise AttributeError(table)
        if self.snapshot_id is None:
            return f"{LAKE}.{table}"
        return f"{LAKE}.{table} AT (VERSION => {int(self.snapshot_id)})"


class Store:
    """One process's connection to the lake. Create it with `get_store()`."""

    write_attempts = 40
    write_max_seconds = 120.0

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._local = threading.local()
        self._con = self._connect()

    # -- connecting -------------------------------------------------------------------------

    def _connect(self) -> duckdb.DuckDBPyConnection:
        s = self.settings
        con = duckdb.connect(config={"threads": max(2, os.cpu_count() or 2)})
        extensions, attach_statement = attach_sql(s)
        _load_extensions(con, extensions)
        if s.catalog_kind == "sqlite":
            Path(s.catalog_target).parent.mkdir(parents=True, exist_ok=True)
            _use_wal(Path(s.catalog_target))
            if "://" not in s.files_path:
                Path(s.files_path).mkdir(parents=True, exist_ok=True)
        s.raw_dir.mkdir(parents=True, exist_ok=True)
        self._retry(
            lambda: con.execute(attach_statement),
            what="attach the lake",
        )
        con.execute(f"USE {LAKE}")
        return con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor (DuckDB connections are not shared across threads)."""
        cur: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            cur.execute(f"USE {LAKE}")
            self._local.cursor = cur
        return cur

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._con.close()

    # -- retrying ---------------------------------------------------------------------------

    def _retry(self, fn: Callable[[], T], *, what: str) -> T:
        deadline = time.monotonic() + self.write_max_seconds
        delay = 0.02
        for attempt in range(1, self.write_attempts + 1):
            try:
                return fn()
            except (duckdb.Error, OSError, _LostBeforeCommit) as exc:
                if not (is_retryable(exc) or (what == "read" and _TRANSIENT_READ in str(exc).lower())):
                    problem = storage_problem(exc, self.settings)
                    if problem:
                        raise StoreError(f"could not {what}: {problem}") from exc
                    raise
                if attempt == self.write_attempts or time.monotonic() > deadline:
                    if isinstance(exc, _LostBeforeCommit) or any(
                        fragment in str(exc).lower() for fragment in ("unable to connect", "database system is")
                    ):
                        raise StoreBusyError(
                            f"could not {what}: the catalog could not be reached for {attempt} attempts "
                            f"({exc}). Is the PostgreSQL server running?"
                        ) from exc
                    raise StoreBusyError(
                        f"could not {what}: the catalog stayed busy after {attempt} attempts "
                        f"({exc}). Another gigwatch process may be holding it; try again."
                    ) from exc
                log.debug("retrying %s after %s (attempt %d)", what, exc, attempt)
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 2.0)
        raise AssertionError("unreachable")

    def write(self, fn: Callable[[duckdb.DuckDBPyConnection], T], *, what: str) -> T:
        """Run `fn(cursor)` in one transaction; retry the whole transaction on conflicts.

        `fn` must be safe to re-run (it sees the catalog as it is at each attempt).
        """
        def attempt() -> T:
            self._end_read_batch(commit=True)  # a write ends this thread's read batch first
            cur = self.cursor()  # inside the retry: a first call during an outage waits it out too
            with self._write_lock(what):
                cur.execute("BEGIN TRANSACTION")
                try:
                    try:
                        result = fn(cur)
                    except duckdb.Error as exc:
                        if any(fragment in str(exc).lower() for fragment in _CONNECTION_LOST):
                            raise _LostBeforeCommit(str(exc)) from exc
                        raise
                    cur.execute("COMMIT")
                    return result
                except BaseException:
                    with contextlib.suppress(duckdb.Error):
                        cur.execute("ROLLBACK")
                    raise

        return self._retry(attempt, what=what)

    write_lock_seconds = 900.0

    @contextlib.contextmanager
    def _write_lock(self, what: str) -> Iterator[None]:
        """Writers to a SQLite catalog take turns (a file lock beside the catalog).

        DuckLake keeps its SQLite transaction open for the whole write, and SQLite lets only the
        oldest open transaction commit: two long writes (a bulk import, a reparse, a collector run)
        would make each other's commits fail again and again, each retry redoing all its work, until
        one gave up. Queued on a lock, they run one after the other. PostgreSQL needs no such lock.
        """
        from collectors.store.locks import writer_lock

        def busy() -> StoreBusyError:
            return StoreBusyError(
                f"could not {what}: another gigwatch process kept writing to "
                f"{self.settings.catalog_target} for {self.write_lock_seconds:.0f} s"
            )

        with writer_lock(self.settings, seconds=self.write_lock_seconds, busy=busy):
            yield

    # -- reading ----------------------------------------------------------------------------

    def refs(self, snapshot_id: int | None = None) -> TableRefs:
        return TableRefs(snapshot_id)

    def read_df(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a query and return a DataFrame; retried while the catalog is locked."""
        return self._retry(lambda: self._read(lambda cur: cur.execute(sql, params).df()), what="read")

    def read_rows(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return self._retry(lambda: self._read(lambda cur: cur.execute(sql, params).fetchall()), what="read")

    def _read(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        try:
            return fn(self.cursor())
        except BaseException:
            # A failed statement aborts the batch's transaction: end it, so that a retry (and the
            # reads after it, e.g. a fallback for a snapshot from before a table) run on their own.
            self._end_read_batch(commit=False)
            raise

    @contextlib.contextmanager
    def read_batch(self) -> Iterator[None]:
        """Run this thread's reads in one read-only transaction, so that DuckLake reads the
        catalog (the snapshot, the schema, each table's list of files) once for all of them
        instead of once per statement (10-15 ms each on a SQLite catalog).

        Reads pinned to a snapshot (`AT (VERSION => n)`) give the same rows either way; unpinned
        reads see the lake as it was when the batch began, so keep a batch short (one page run).
        A write on this thread ends the batch first, and a failed read ends it (rolled back): the
        reads after either run on their own, as without a batch. Nested batches are one batch.
        """
        if getattr(self._local, "read_batch", False):
            yield
            return
        self.cursor().execute("BEGIN TRANSACTION")
        self._local.read_batch = True
        try:
            yield
        finally:
            self._end_read_batch(commit=True)

    def _end_read_batch(self, *, commit: bool) -> None:
        if not getattr(self._local, "read_batch", False):
            return
        self._local.read_batch = False
        with contextlib.suppress(duckdb.Error):
            self.cursor().execute("COMMIT" if commit else "ROLLBACK")

    def read_value(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        rows = self.read_rows(sql, params)
        return rows[0][0] if rows else None

    def snapshot_id(self) -> int:
        """The lake's current DuckLake snapshot id (what a permalink pins)."""
        return int(self.read_value(f"SELECT id FROM {LAKE}.current_snapshot()"))

    def snapshot_exists(self, snapshot_id: int) -> bool:
        return bool(
            self.read_value(
                f"SELECT count(*) FROM ducklake_snapshots('{LAKE}') WHERE snapshot_id = ?",
                [snapshot_id],
            )
        )

    # -- migrations -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        """Only one process migrates at a time (collectors/store/locks.py)."""
        from collectors.store.locks import migration_lock

        with migration_lock(self.settings):
            yield

    def applied_migrations(self) -> list[str]:
        exists = self.read_value(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = 'migrations'",
            [LAKE],
        )
        if not exists:
            return []
        return [row[0] for row in self.read_rows(f"SELECT name FROM {LAKE}.migrations ORDER BY applied_at, name")]

    def migrate(self) -> list[str]:
        """Apply the migrations not yet recorded; returns the names applied now."""
        from collectors.store import vault
        from collectors.store.migrations import MIGRATIONS

        applied_now: list[str] = []
        token = vault.MIGRATING.set(self)  # migration 0006 moves reports into this store's vault
        with self._migration_lock():
            done = set(self.applied_migrations())
            for migration in MIGRATIONS:
                if migration.name in done:
                    continue

                def step(cur: duckdb.DuckDBPyConnection, m: Any = migration) -> None:
                    m.apply(cur)
                    cur.execute(
                        f"INSERT INTO {LAKE}.migrations VALUES (?, now())", [m.name]
                    )

                self.write(step, what=f"apply migration {migration.name}")
                applied_now.append(migration.name)
        vault.MIGRATING.reset(token)
        self._meta_cache = None
        vault.after_migrations(self, applied_now)
        return applied_now

    def is_migrated(self) -> bool:
        from collectors.store.migrations import MIGRATIONS

        return set(self.applied_migrations()) >= {m.name for m in MIGRATIONS}

    # -- meta -------------------------------------------------------------------------------

    _meta_cache: dict[str, str] | None = None

    def meta(self) -> dict[str, str]:
        """Key/value facts about this lake (e.g. `demo` = "true")."""
        if self._meta_cache is None:
            rows = self.read_rows(f"SELECT key, value FROM {LAKE}.lake_meta")
            self._meta_cache = {k: v for k, v in rows}
        return self._meta_cache

    @property
    def is_demo(self) -> bool:
        return self.settings.is_demo or self.meta().get("demo") == "true"

    # -- raw bodies -------------------------------------------------------------------------

    def raw_path(self, sha256: str) -> Path:
        return self.settings.raw_dir / sha256[:2] / f"{sha256}.gz"

    def put_raw_body(self, body: bytes) -> str:
        """Keep a response body compressed, addressed by its sha256; returns the hash."""
        sha = hashlib.sha256(body).hexdigest()
        path = self.raw_path(sha)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}-{random.random():.12f}")
            tmp.write_bytes(gzip.compress(body, compresslevel=6))
            tmp.replace(path)  # atomic: a reader never sees half a file
        return sha

    def get_raw_body(self, sha256: str) -> bytes:
        try:
            return gzip.decompress(self.raw_path(sha256).read_bytes())
        except FileNotFoundError as exc:
            raise StoreError(f"no kept raw response with sha256 {sha256}") from exc

    # -- bulk insert ------------------------------------------------------------------------

    @staticmethod
    def insert_df(cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame | pa.Table) -> int:
        """Bulk-insert a DataFrame or Arrow table by column name (inside a `write` transaction)."""
        if len(frame) == 0:
            return 0
        name = f"_batch_{table}_{zlib.crc32(str(id(frame)).encode())}"
        cur.register(name, frame)
        try:
            columns = ", ".join(f'"{c}"' for c in frame.columns) if isinstance(frame, pd.DataFrame) \
                else ", ".join(f'"{c}"' for c in frame.column_names)
            cur.execute(f"INSERT INTO {LAKE}.{table} ({columns}) SELECT {columns} FROM {name}")
        finally:
            cur.unregister(name)
        return len(frame)


def _is_wal(catalog: Path) -> bool:
    """Whether a SQLite file is in WAL mode, from its header (bytes 18 and 19 are 2), without
    opening it with SQLite."""
    try:
        with catalog.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[18] == 2 and header[19] == 2


def _use_wal(catalog: Path) -> None:
    """Put a SQLite catalog in WAL mode, so dashboard reads never block a commit nor wait for one.

    Best effort: the mode is a property of the file, set once; if another process has the file
    open right now, the next process to start sets it. A file already in WAL mode is not opened:
    Python's SQLite is not DuckDB's, and closing its connection while DuckDB's holds the file in
    this process drops that connection's locks (POSIX locks are per process) and can remove the
    WAL under it (tests/test_store.py).
    """
    import sqlite3

    if _is_wal(catalog):
        return
    try:
        con = sqlite3.connect(catalog, timeout=5)
        try:
            con.execute("PRAGMA journal_mode=WAL")
        finally:
            con.close()
    except sqlite3.Error as exc:
        log.debug("could not switch %s to WAL mode: %s", catalog, exc)


def attach_sql(settings: Settings) -> tuple[list[str], str]:
    """The extensions a lake needs and the ATTACH statement that opens it as `lake`."""
    files = f"DATA_PATH '{_sql_str(settings.files_path)}'"
    if settings.catalog_kind == "sqlite":
        extensions, attach, options = ["sqlite", "ducklake"], f"ducklake:sqlite:{settings.catalog_target}", files
    else:
        extensions = ["postgres", "ducklake"]
        attach = f"ducklake:postgres:{settings.catalog_target}"
        options = f"{files}, METADATA_SCHEMA '{settings.lake}'"
    return extensions, f"ATTACH IF NOT EXISTS '{_sql_str(attach)}' AS {LAKE} ({options})"


def _sql_str(value: str) -> str:
    return value.replace("'", "''")


_stores: dict[tuple[str, str, str], Store] = {}
_stores_lock = threading.Lock()


def get_store(settings: Settings | None = None, *, migrate: bool = True) -> Store:
    """This process's store for `settings` (default: from the environment), migrated."""
    settings = settings or load_settings()
    key = (settings.catalog, settings.files_path, settings.lake)
    with _stores_lock:
        store = _stores.get(key)
        if store is None:
            store = Store(settings)
            if migrate:
                store.migrate()
            _stores[key] = store
    return store


def reset_stores() -> None:
    """Close every cached store (tests, and processes that change settings)."""
    with _stores_lock:
        for store in _stores.values():
            store.close()
        _stores.clear()
