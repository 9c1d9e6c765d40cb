"""The private vault: payment reports, their free text, mass incidents, rate-limit counters and the
moderation audit log, kept outside the time-travelled lake.

A DuckLake keeps every snapshot, so a row written there can be read back from history for as long
as the snapshot lives; a withdrawn report would stay readable. Reports therefore never enter the
lake: they live here, in a SQLite file in a private directory (`<lake_dir>/private/vault.sqlite`,
mode 0700/0600), and the lake receives only the published aggregates (see
`collectors.store.reports.public`).

* `PRAGMA secure_delete = ON`: a deleted row's bytes are overwritten with zeros in the file;
* the rollback journal (`journal_mode = DELETE`), not WAL: no log file keeps old pages after a
  commit; `vacuum()` (run by the maintenance job) rebuilds the file so no free page is left over;
* each report is its core columns (ids, platform, moderation state, dates used for moderation,
  receipt hash, import run) plus a JSON `body` holding the validated report, so fields the report
  model gains flow through without a schema change;
* `audit_log` is append-only (triggers refuse UPDATE and DELETE) and never holds report text.

With a PostgreSQL catalog the vault is still this local SQLite file (a schema in that PostgreSQL is
not built yet): run the dashboard, the CLI and the scheduler on the machine holding the data dir.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import gc
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from collectors.reports.dates import ApproxDate
from collectors.reports.schema import Payment
from collectors.store import Store, StoreBusyError

T = TypeVar("T")

VAULT_FILE = "vault.sqlite"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT PRIMARY KEY,
    receipt_hash TEXT UNIQUE,          -- sha256 of the receipt code (self-reports only)
    platform_id TEXT NOT NULL,
    moderation_status TEXT NOT NULL,   -- pending | approved | merged (rejected and withdrawn are erased)
    submitted_at TEXT NOT NULL,        -- ISO 8601, UTC
    moderated_at TEXT,
    fingerprint TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    source_ref TEXT,
    event_id TEXT,
    duplicate_of TEXT,
    work_period_end TEXT,
    run_id TEXT NOT NULL,              -- the form submission or import run that wrote it
    is_demo INTEGER NOT NULL,
    body TEXT NOT NULL                 -- JSON: every field of the validated report and its storage fields
);
CREATE INDEX IF NOT EXISTS reports_platform ON reports (platform_id, work_period_end);
CREATE INDEX IF NOT EXISTS reports_fingerprint ON reports (fingerprint);
CREATE INDEX IF NOT EXISTS reports_content ON reports (content_hash);
CREATE INDEX IF NOT EXISTS reports_run ON reports (run_id);
-- The duplicate check looks imported rows up by their source reference: without this index every
-- import scanned the whole table (duplicates.candidates), so imports slowed as the vault grew.
CREATE INDEX IF NOT EXISTS reports_source_ref ON reports (source_ref);
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    platform_id TEXT,
    event_date TEXT,
    kind TEXT NOT NULL,
    source_url TEXT,
    created_at TEXT NOT NULL,
    is_demo INTEGER NOT NULL
);
-- Rate limiting: a count per clock hour and keyed client, never a timestamped row per action.
-- client_key is an HMAC with a salt held only in the memory of the process (rotated hourly).
CREATE TABLE IF NOT EXISTS rate_counters (
    bucket_hour INTEGER NOT NULL,      -- hours since 1970-01-01 UTC
    client_key TEXT NOT NULL,
    action TEXT NOT NULL,              -- submit | update
    n INTEGER NOT NULL,
    PRIMARY KEY (bucket_hour, client_key, action)
);
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,                  -- ISO 8601, UTC
    moderator TEXT NOT NULL,           -- the moderator's name ('reporter' for a withdrawal)
    action TEXT NOT NULL,              -- approve | reject | merge | tag_event | create_event | withdraw | publish_migration
    report_id TEXT,
    event_id TEXT,
    before TEXT,                       -- JSON of the moderation fields before (never report text)
    after TEXT                         -- JSON of the moderation fields after
);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while bulk report work runs (decoding, validating, encoding
    thousands of rows), then as before.

    Report rows are trees of dicts, lists and immutable values, with no reference cycles for the
    collector to find, but every few thousand new containers it walks all the objects alive, the
    rows already made included: with 200,000 rows in hand that was a third of an import's and an
    approval's time. Nested pauses, or one in another thread, leave the collector to the outermost.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class VaultError(RuntimeError):
    """The vault could not be opened or written."""


def _default(value: Any) -> Any:
    # The report model's own values are tagged, so `decode` gives back the same objects (an
    # ApproxDate keeps its precision, a Payment its date, amount and kind).
    tag = _TAGGERS.get(type(value))  # the common types first, by exact type (a few per report)
    if tag is not None:
        return tag(value)
    if isinstance(value, ApproxDate):
        return {"$approx": value.to_json()}
    if isinstance(value, Payment):
        return {"$payment": value.to_json()}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"cannot store {type(value).__name__} in a report body")


# A report body holds a few dozen tagged values drawn from few distinct ones (the same days, the
# same import time), and every one of them is immutable: each is made once and looked up after.
_MEMO = 65_536


@functools.lru_cache(maxsize=_MEMO)
def _approx_tag(value: ApproxDate) -> dict[str, Any]:
    return {"$approx": value.to_json()}


@functools.lru_cache(maxsize=_MEMO)
def _datetime_tag(value: datetime) -> dict[str, Any]:
    return {"$datetime": value.isoformat()}


@functools.lru_cache(maxsize=_MEMO)
def _date_tag(value: date) -> dict[str, Any]:
    return {"$date": value.isoformat()}


_TAGGERS: dict[type, Callable[[Any], Any]] = {
    # Copies: json may hold on to what `default` returns only while it writes it out, but a caller
    # must never see one tag dict shared between values.
    ApproxDate: lambda v: {"$approx": dict(_approx_tag(v)["$approx"])},
    datetime: lambda v: dict(_datetime_tag(v)),
    date: lambda v: dict(_date_tag(v)),
    Decimal: lambda v: {"$decimal": str(v)},
}


@functools.lru_cache(maxsize=_MEMO)
def _datetime_from(text: str) -> datetime:
    return datetime.fromisoformat(text)


@functools.lru_cache(maxsize=_MEMO)
def _date_from(text: str) -> date:
    return date.fromisoformat(text)


@functools.lru_cache(maxsize=_MEMO)
def _decimal_from(text: str) -> Decimal:
    return Decimal(text)


@functools.lru_cache(maxsize=_MEMO)
def _approx_from(lower: Any, upper: Any, precision: Any) -> ApproxDate:
    return ApproxDate.from_json({"lower": lower, "upper": upper, "precision": precision})


def _approx_of(text: Any) -> ApproxDate:
    if isinstance(text, dict) and len(text) == 3:
        try:
            return _approx_from(text.get("lower"), text.get("upper"), text.get("precision"))
        except TypeError:  # an unhashable bound: no memo, the same checks
            pass
    return ApproxDate.from_json(text)


def _hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        ((key, text),) = obj.items()
        if key == "$datetime":
            return _datetime_from(text)
        if key == "$date":
            return _date_from(text)
        if key == "$decimal":
            return _decimal_from(text)
        if key == "$approx":
            return _approx_of(text)
        if key == "$payment":
            return Payment(_approx_of(text["date"]),
                           None if text["amount"] is None else _decimal_from(text["amount"]), text["kind"])
    return obj


def encode(value: Mapping[str, Any]) -> str:
    """JSON of a report row that `decode` turns back into the same Python values."""
    return json.dumps(dict(value), default=_default, ensure_ascii=False, sort_keys=True)


def decode(text: str) -> dict[str, Any]:
    result = json.loads(text, object_hook=_hook)
    if not isinstance(result, dict):
        raise VaultError("a report body is not a JSON object")
    return result


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)


class Vault:
    """One lake's vault. Get it with `get_vault(store)`."""

    busy_seconds = 60.0

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(OSError):
            os.chmod(path.parent, 0o700)
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
            os.close(fd)
        self._local = threading.local()
        con = self._connection()
        con.execute("PRAGMA journal_mode = DELETE")
        con.executescript(_SCHEMA)
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _connection(self) -> sqlite3.Connection:
        con: sqlite3.Connection | None = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self.path, timeout=self.busy_seconds, isolation_level=None,
                                  check_same_thread=False)
            con.row_factory = sqlite3.Row
            con.execute("PRAGMA secure_delete = ON")
            con.execute("PRAGMA foreign_keys = ON")
            self._local.con = con
        return con

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        con = self._connection()
        deadline = time.monotonic() + self.busy_seconds
        while True:
            try:
                con.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                    raise StoreBusyError(f"the report vault {self.path} stayed busy: {exc}") from exc
                time.sleep(0.05)
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn(connection)` in one immediate transaction (one writer at a time)."""
        with paused_gc(), self._transaction() as con:
            return fn(con)

    def rows(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[sqlite3.Row]:
        return list(self._connection().execute(sql, params).fetchall())

    def vacuum(self) -> None:
        """Rebuild the file so no free page keeps bytes of erased rows."""
        self._connection().execute("VACUUM")

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None


# -- reports ---------------------------------------------------------------------------------------


def put_report(con: sqlite3.Connection, row: Mapping[str, Any]) -> None:
    """Insert or replace one report row (a dict of REPORT_SCHEMA columns and any further fields)."""
    con.execute(
        """INSERT OR REPLACE INTO reports (report_id, receipt_hash, platform_id, moderation_status,
               submitted_at, moderated_at, fingerprint, content_hash, source_ref, event_id, duplicate_of,
               work_period_end, run_id, is_demo, body)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [row["report_id"], row.get("receipt_hash"), row["platform_id"], row["moderation_status"],
         _iso(row["submitted_at"]), _iso(row.get("moderated_at")), row["fingerprint"], row["content_hash"],
         row.get("source_ref"), row.get("event_id"), row.get("duplicate_of"), _iso(row.get("work_period_end")),
         row["run_id"], int(bool(row.get("is_demo"))), encode(row)],
    )


def put_moderation(con: sqlite3.Connection, row: Mapping[str, Any]) -> None:
    """Store a moderation decision on a stored report: its moderation columns and its body.

    The same stored row as `put_report` for a report whose other core columns are unchanged, but
    written in place: a replace deletes and re-inserts the row in every index, which made
    approving a large import several times slower than importing it.
    """
    changed = con.execute(
        """UPDATE reports SET moderation_status = ?, moderated_at = ?, duplicate_of = ?, event_id = ?, body = ?
           WHERE report_id = ?""",
        [row["moderation_status"], _iso(row.get("moderated_at")), row.get("duplicate_of"), row.get("event_id"),
         encode(row), row["report_id"]],
    ).rowcount
    if changed != 1:
        raise VaultError(f"report {row['report_id']} is not stored, so its moderation cannot be")


def report_rows(source: Vault | sqlite3.Connection, where: str = "TRUE",
                params: Sequence[Any] | Mapping[str, Any] = ()) -> list[dict[str, Any]]:
    """The stored report rows `where` selects (SQL over the core columns), decoded."""
    sql = f"SELECT body FROM reports WHERE {where} ORDER BY submitted_at, report_id"
    found = source.rows(sql, params) if isinstance(source, Vault) else source.execute(sql, params).fetchall()
    with paused_gc():
        return [decode(row[0]) for row in found]


def in_stored_order(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Report rows in the order `report_rows` returns them (submitted_at as stored, report id)."""
    return sorted((dict(row) for row in rows), key=lambda row: (_iso(row["submitted_at"]) or "", row["report_id"]))


def erase_report(con: sqlite3.Connection, report_id: str) -> bool:
    """Delete a report and its text (secure_delete overwrites the freed bytes)."""
    return con.execute("DELETE FROM reports WHERE report_id = ?", [report_id]).rowcount > 0


# -- the audit log ----------------------------------------------------------------------------------


def audit(con: sqlite3.Connection, *, at: datetime, moderator: str, action: str,
          report_id: str | None = None, event_id: str | None = None,
          before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> None:
    """Append one moderation action to the audit log (in the caller's transaction)."""
    con.execute(
        "INSERT INTO audit_log (at, moderator, action, report_id, event_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [at.isoformat(), moderator, action, report_id, event_id,
         encode(before) if before is not None else None, encode(after) if after is not None else None],
    )


# -- one vault per lake -----------------------------------------------------------------------------

_vaults: dict[Path, Vault] = {}
_vaults_lock = threading.Lock()


def vault_path(store: Store) -> Path:
    return store.settings.lake_dir / "private" / VAULT_FILE


def get_vault(store: Store) -> Vault:
    """This process's vault for the store's lake (created on first use)."""
    path = vault_path(store)
    with _vaults_lock:
        vault = _vaults.get(path)
        if vault is None or not path.exists():
            vault = Vault(path)
            _vaults[path] = vault
    return vault


def reset_vaults() -> None:
    """Close every cached vault (tests)."""
    with _vaults_lock:
        for vault in _vaults.values():
            vault.close()
        _vaults.clear()


# The store whose migrations are running (migration 0006 copies its reports into its vault).
MIGRATING: contextvars.ContextVar[Store | None] = contextvars.ContextVar("gigwatch_migrating_store", default=None)


def after_migrations(store: Store, applied: list[str]) -> None:
    """Once migrations committed: delete the dropped report tables' files; publish if 0006 ran."""
    from collectors.store.reports.legacy import purge_dropped_files
    from collectors.store.reports.public import publish

    purge_dropped_files(store)
    if any(name.startswith(("0006", "0010_report")) for name in applied):
        publish(store)
