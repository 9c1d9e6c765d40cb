"""Writes and reads of the payment-report domain: submissions, updates, imports, moderation,
forum signals and the public view. The only code that writes these tables.

Each call is one transaction (`Store.write`), safe to retry: a submission's id and receipt code
are made before the transaction, and the transaction first checks whether that id is already
stored, so a commit retried after a conflict never stores a report twice.

Privacy, enforced here rather than trusted to callers:

* the receipt code is returned once and stored only as a hash;
* no IP address is stored: `client_hash(ip)` is an HMAC with a secret salt kept in a file under the
  lake directory (mode 0600, never in the catalog or exports), used only for rate limiting;
* `public_reports()` returns approved, consented reports only, without ids, narratives, receipt
  hashes or source links, with dates rounded (weeks and months) and project names only when at
  least `MIN_GROUP_SIZE` independent reports name the project.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import os
import secrets
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

import duckdb
import pandas as pd
import pyarrow as pa

from collectors.reports.delays import MIN_GROUP_SIZE, delay_summary
from collectors.reports.schema import (
    UPDATABLE_FIELDS,
    PaymentReport,
    RowError,
    ValidationResult,
    report_to_raw,
    show,
    validate,
)
from collectors.reports.scrub import scrub
from collectors.sources.base import Fetched
from collectors.store import LAKE, Store, get_store
from collectors.store.aggregates import DAY_US
from collectors.store.listings import RUN_COLUMNS, RunRecord
from collectors.store.migrations import arrow_schema

SUBMISSIONS_PER_HOUR = 5
UPDATES_PER_HOUR = 20
RATE_WINDOW = timedelta(hours=1)
NEAR_DUPLICATE_DAYS = 3
NEAR_DUPLICATE_AMOUNT = Decimal("0.01")  # 1%
MODERATION_STATUSES = ("pending", "approved", "rejected", "merged", "withdrawn")
EVENT_KINDS = ("country_exit", "processor_migration", "deactivation_wave", "project_cancelled", "other")


class ReportError(ValueError):
    """A report operation refused with a message the reporter or admin can act on."""


class RateLimited(ReportError):
    """Too many submissions from one client in the last hour."""

    def __init__(self, limit: int, window: timedelta, retry_after: timedelta) -> None:
        minutes = max(1, int(retry_after.total_seconds() // 60) + 1)
        super().__init__(
            f"Too many reports from this connection: at most {limit} an hour. "
            f"Please try again in about {minutes} minutes."
        )
        self.retry_after = retry_after


class ReceiptNotFound(ReportError):
    def __init__(self) -> None:
        super().__init__("No report has this receipt code. Check the code (letters and digits, "
                         "dashes optional) and try again.")


class ReportRejected(ReportError):
    """An update that does not validate; `errors` are the validator's messages."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = list(errors)


# -- columns -----------------------------------------------------------------------------------------

_TS = pa.timestamp("us", tz="UTC")
_STRS = pa.list_(pa.string())
# The table's one definition is its migration (collectors/store/migrations.py).
REPORT_SCHEMA = arrow_schema("payment_reports")
REPORT_COLUMNS = REPORT_SCHEMA.names
# Fields of PaymentReport that are stored under the same name.
_REPORT_FIELDS = [name for name in PaymentReport.__dataclass_fields__ if name in REPORT_COLUMNS]

FORUM_SCHEMA = pa.schema([
    ("post_id", pa.string()), ("subreddit", pa.string()), ("platform_id", pa.string()),
    ("created_at", _TS), ("url", pa.string()), ("title_excerpt_scrubbed", pa.string()),
    ("signals", _STRS), ("amount", pa.float64()), ("currency", pa.string()),
    ("days_stated", pa.int32()), ("first_seen_at", _TS), ("is_demo", pa.bool_()),
    ("run_id", pa.string()),
])


def _insert(cur: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]],
            schema: pa.Schema) -> int:
    """Insert rows with explicit types (an all-empty list column stays VARCHAR[])."""
    if not rows:
        return 0
    batch = pa.Table.from_pylist([{k: row.get(k) for k in schema.names} for row in rows], schema=schema)
    return Store.insert_df(cur, table, batch)


def _now(now: datetime | None) -> datetime:
    now = now or datetime.now(UTC)
    return now if now.tzinfo else now.replace(tzinfo=UTC)


# -- client hashes and receipt codes -------------------------------------------------------------------


def _salt(store: Store) -> bytes:
    """This lake's secret salt for client hashes, made on first use (file mode 0600)."""
    path = store.settings.lake_dir / "secrets" / "client_hash_salt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(FileExistsError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    for _ in range(50):  # another process may be writing it this instant
        text = path.read_text().strip()
        if len(text) == 64:
            return bytes.fromhex(text)
        time.sleep(0.01)
    raise ReportError(f"the client-hash salt at {path} is damaged; delete it to make a new one")


def client_hash(ip: str, store: Store | None = None) -> str:
    """A salted hash of a client address, for rate limiting only. The address itself is never
    stored; without the lake's secret salt the hash cannot be reversed by trying addresses."""
    if not isinstance(ip, str):
        raise TypeError(f"client_hash needs the address as text, not {type(ip).__name__}")
    store = store or get_store()
    key = _salt(store)
    return hmac.new(key, ip.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_receipt_code() -> str:
    """100 random bits as 20 Crockford base-32 characters in groups of 4 (easy to copy by hand)."""
    chars = "".join(secrets.choice(_CROCKFORD) for _ in range(20))
    return "-".join(chars[i : i + 4] for i in range(0, 20, 4))


def normalise_receipt(code: str) -> str:
    text = "".join(ch for ch in code.upper() if ch.isalnum())
    return text.translate(str.maketrans("OIL", "011"))


def receipt_hash(code: str) -> str:
    return hashlib.sha256(f"gigwatch-receipt:{normalise_receipt(code)}".encode()).hexdigest()


# -- rate limiting -------------------------------------------------------------------------------------


def _check_rate(cur: duckdb.DuckDBPyConnection, client: str, action: str, limit: int, now: datetime) -> None:
    rows = cur.execute(
        f"""SELECT count(*), min(submitted_at) FROM {LAKE}.submission_log
            WHERE client_hash = ? AND action = ? AND submitted_at > ?""",
        [client, action, now - RATE_WINDOW],
    ).fetchone()
    count, oldest = (rows or (0, None))
    if count >= limit:
        retry = (oldest + RATE_WINDOW - now) if oldest else RATE_WINDOW
        raise RateLimited(limit, RATE_WINDOW, retry)


def _log(cur: duckdb.DuckDBPyConnection, client: str, action: str, now: datetime) -> None:
    cur.execute(f"INSERT INTO {LAKE}.submission_log VALUES (?, ?, ?)", [client, action, now])


# -- duplicates ----------------------------------------------------------------------------------------


def _near(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Probably the same report: same platform, project, currency and country, period end within
    3 days and amount within 1% (both amounts needed), or the same fingerprint."""
    if a["fingerprint"] == b["fingerprint"]:
        return True
    if any(a[k] != b[k] for k in ("platform_id", "project_code", "currency", "country")):
        return False
    if a["work_period_end"] is None or b["work_period_end"] is None:
        return False
    if abs((a["work_period_end"] - b["work_period_end"]).days) > NEAR_DUPLICATE_DAYS:
        return False
    x, y = a["amount_expected"], b["amount_expected"]
    if x is None or y is None:
        return False
    x, y = Decimal(x), Decimal(y)
    return abs(x - y) <= NEAR_DUPLICATE_AMOUNT * max(x, y)


_DUP_COLUMNS = ("report_id", "fingerprint", "content_hash", "source_ref", "platform_id",
                "project_code", "currency", "country", "work_period_end", "amount_expected")


def _candidates(cur: duckdb.DuckDBPyConnection, reports: Sequence[PaymentReport]) -> list[dict[str, Any]]:
    """Stored reports that could duplicate any of `reports` (same platform, nearby dates, or the
    same fingerprint, content hash or source reference)."""
    if not reports:
        return []
    platforms = sorted({r.platform_id for r in reports})
    ends = [r.work_period_end for r in reports if r.work_period_end]
    low = (min(ends) - timedelta(days=NEAR_DUPLICATE_DAYS)) if ends else date(1900, 1, 1)
    high = (max(ends) + timedelta(days=NEAR_DUPLICATE_DAYS)) if ends else date(1900, 1, 1)
    refs = sorted({r.source_ref for r in reports if r.source_ref})
    prints = sorted({r.fingerprint for r in reports})
    hashes = sorted({r.content_hash for r in reports})
    rows = cur.execute(
        f"""SELECT {", ".join(_DUP_COLUMNS)} FROM {LAKE}.payment_reports
            WHERE moderation_status NOT IN ('rejected', 'withdrawn')
              AND ((platform_id IN (SELECT unnest(?)) AND work_period_end BETWEEN ? AND ?)
                   OR fingerprint IN (SELECT unnest(?))
                   OR content_hash IN (SELECT unnest(?))
                   OR source_ref IN (SELECT unnest(?)))""",
        [platforms, low, high, prints, hashes, refs],
    ).fetchall()
    return [dict(zip(_DUP_COLUMNS, row, strict=True)) for row in rows]


def _dup_view(report: PaymentReport, report_id: str) -> dict[str, Any]:
    view = {k: getattr(report, k) for k in _DUP_COLUMNS if k != "report_id"}
    view["report_id"] = report_id
    return view


class _NearIndex:
    """Reports (duplicate views) in the order they were added, looked up by what `_near` needs
    equal: the fingerprint, or platform, project, currency, country and a period end within
    NEAR_DUPLICATE_DAYS. A report is compared with those only, not with every report before it
    (an import of n rows made n^2 / 2 comparisons)."""

    _CELL = ("platform_id", "project_code", "currency", "country")

    def __init__(self, views: Iterable[dict[str, Any]] = ()) -> None:
        self._views: list[dict[str, Any]] = []
        self._first_with_print: dict[Any, int] = {}
        self._by_cell_and_end: dict[tuple[Any, ...], list[int]] = {}
        for view in views:
            self.add(view)

    def _key(self, view: Mapping[str, Any], end: date) -> tuple[Any, ...]:
        return (*(view[k] for k in self._CELL), end)

    def add(self, view: dict[str, Any]) -> None:
        position = len(self._views)
        self._views.append(view)
        self._first_with_print.setdefault(view["fingerprint"], position)
        if view["work_period_end"] is not None and view["amount_expected"] is not None:
            self._by_cell_and_end.setdefault(self._key(view, view["work_period_end"]), []).append(position)

    def first_near(self, view: Mapping[str, Any]) -> dict[str, Any] | None:
        """The earliest added report `_near` the given one (what a scan in order finds first)."""
        positions = []
        same_print = self._first_with_print.get(view["fingerprint"])
        if same_print is not None:
            positions.append(same_print)
        end = view["work_period_end"]
        if end is not None and view["amount_expected"] is not None:
            for shift in range(-NEAR_DUPLICATE_DAYS, NEAR_DUPLICATE_DAYS + 1):
                positions.extend(self._by_cell_and_end.get(self._key(view, end + timedelta(days=shift)), ()))
        for position in sorted(positions):
            if _near(view, self._views[position]):
                return self._views[position]
        return None


# -- rows ----------------------------------------------------------------------------------------------


def _row(report: PaymentReport, *, report_id: str, receipt: str | None, now: datetime,
         source_name: str | None, review_reasons: Sequence[str], is_demo: bool, run_id: str,
         source_ref: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {name: getattr(report, name) for name in _REPORT_FIELDS}
    row.update(
        report_id=report_id,
        receipt_hash=receipt,
        updated_at=now,
        source_name=source_name,
        source_ref=source_ref if source_ref is not None else report.source_ref,
        causes=list(report.causes),
        evidence_types=list(report.evidence_types),
        duplicate_of=None,
        moderation_status="pending",
        moderated_at=None,
        moderation_note=None,
        review_reasons=list(review_reasons),
        is_demo=is_demo,
        run_id=run_id,
    )
    return row


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the reporter is shown once after submitting. Only a hash of `code` is stored."""

    report_id: str
    code: str
    held_for_review: bool
    review_reasons: tuple[str, ...]
    expected_pay_date: date | None
    days_late: int | None


def submit_report(store: Store, report: PaymentReport, *, client_hash: str,
                  now: datetime | None = None, source_name: str = "form") -> Receipt:
    """Store a validated self-report (pending moderation) and return its receipt, once.

    Raises RateLimited when this client already submitted SUBMISSIONS_PER_HOUR reports in the last
    hour (checked in the same transaction as the insert). A probable duplicate of a stored report
    is stored all the same, held for review: two workers can honestly share a fingerprint.
    """
    now = _now(now)
    report_id = str(uuid.uuid4())
    code = new_receipt_code()
    hashed = receipt_hash(code)
    is_demo = store.is_demo

    def txn(cur: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
        existing = cur.execute(
            f"SELECT review_reasons FROM {LAKE}.payment_reports WHERE report_id = ?", [report_id]
        ).fetchone()
        if existing is not None:  # a retried commit that had in fact gone through
            return tuple(existing[0] or ())
        _check_rate(cur, client_hash, "submit", SUBMISSIONS_PER_HOUR, now)
        reasons = list(report.review_reasons)
        other = _NearIndex(_candidates(cur, [report])).first_near(_dup_view(report, report_id))
        if other is not None:
            reasons.append(f"possible duplicate of report {other['report_id'][:8]}")
        _log(cur, client_hash, "submit", now)
        _insert(cur, "payment_reports", [_row(
            report, report_id=report_id, receipt=hashed, now=now, source_name=source_name,
            review_reasons=reasons, is_demo=is_demo, run_id=f"form-{report_id[:8]}",
        )], REPORT_SCHEMA)
        return tuple(reasons)

    reasons = store.write(txn, what="store a payment report")
    return Receipt(report_id, code, bool(reasons), reasons, report.expected_pay_date, report.days_late)


def validate_for_store(raw: Mapping[str, Any], store: Store, *, now: datetime | None = None,
                       source_kind: str = "self_report") -> ValidationResult:
    """`validate()` knowing the lake's platforms (the demo lake's fictional ones too)."""
    allowed = _lake_platforms(store) if store.is_demo else None
    return validate(raw, now=_now(now), source_kind=source_kind, allowed_platforms=allowed)


def _lake_platforms(store: Store) -> list[str]:
    return [row[0] for row in store.read_rows(f"SELECT platform_id FROM {LAKE}.platforms")]


# -- updates -------------------------------------------------------------------------------------------

_MODERATION_KEEPING = frozenset({"status", "paid_date", "amount_received", "support_contacted",
                                 "support_response", "days_to_first_response", "account_status",
                                 "payment_method", "consent_publish_aggregate"})


@dataclass(frozen=True, slots=True)
class UpdateResult:
    report_id: str
    status: str
    days_late: int | None
    moderation_status: str
    review_reasons: tuple[str, ...]


def _stored_report(row: Mapping[str, Any]) -> PaymentReport:
    values = {name: row[name] for name in _REPORT_FIELDS}
    values["causes"] = tuple(row["causes"] or ())
    values["evidence_types"] = tuple(row["evidence_types"] or ())
    values["paid_in_full"] = bool(row["paid_in_full"])
    values["review_reasons"] = tuple(row["review_reasons"] or ())
    return PaymentReport(**values)


def update_report(store: Store, receipt_code: str, changes: Mapping[str, Any], now: datetime | None = None,
                  *, client_hash: str) -> UpdateResult:
    """Apply a reporter's update ("I was paid on ...") to the report their receipt code names.

    Only UPDATABLE_FIELDS may change; the whole report is validated again, with the update time
    as the day the status was confirmed. An approved report stays approved when only the payment
    facts change and nothing is doubtful; otherwise it goes back to the moderation queue.
    Wrong codes count against the client's update limit, so codes cannot be guessed in bulk.
    """
    now = _now(now)
    not_allowed = sorted(set(changes) - UPDATABLE_FIELDS)
    if not_allowed:
        raise ReportRejected([f"{name}: cannot be changed by an update; send a new report instead"
                              for name in not_allowed[:10]])
    hashed = receipt_hash(receipt_code)
    allowed = _lake_platforms(store) if store.is_demo else None

    def txn(cur: duckdb.DuckDBPyConnection) -> UpdateResult | ReportError:
        _check_rate(cur, client_hash, "update", UPDATES_PER_HOUR, now)
        _log(cur, client_hash, "update", now)
        # Look the code up on one column first: a wrong code (or a guess) costs little.
        hit = cur.execute(
            f"SELECT report_id FROM {LAKE}.payment_reports WHERE receipt_hash = ? AND moderation_status <> 'withdrawn'",
            [hashed],
        ).fetchone()
        if hit is None:
            return ReceiptNotFound()
        result = cur.execute(f"SELECT * FROM {LAKE}.payment_reports WHERE report_id = ?", [hit[0]])
        names = [d[0] for d in result.description or ()]
        found = result.fetchone()
        if found is None:
            return ReceiptNotFound()
        row = dict(zip(names, found, strict=True))
        raw = report_to_raw(_stored_report(row))
        raw.update(changes)
        checked = validate(raw, now=now, source_kind=row["source_kind"],
                           submitted_at=row["submitted_at"], confirmed_at=now,
                           allowed_platforms=allowed)
        if checked.report is None:
            return ReportRejected(checked.errors)
        report = checked.report
        reasons = list(checked.review_reasons)
        moderation = row["moderation_status"]
        if moderation == "approved" and (reasons or not set(changes) <= _MODERATION_KEEPING):
            moderation = "pending"
        new = _row(report, report_id=row["report_id"], receipt=hashed, now=now,
                   source_name=row["source_name"], review_reasons=reasons, is_demo=row["is_demo"],
                   run_id=row["run_id"], source_ref=row["source_ref"])
        keep = ("report_id", "receipt_hash", "submitted_at", "duplicate_of", "event_id",
                "moderated_at", "moderation_note", "is_demo", "run_id", "source_name", "source_ref")
        new.update({k: row[k] for k in keep})
        new["moderation_status"] = moderation
        if report.event_id is None:
            new["event_id"] = row["event_id"]
        columns = [c for c in REPORT_COLUMNS if c not in ("report_id", "receipt_hash")]
        assignments = ", ".join(f'"{c}" = ?' for c in columns)
        cur.execute(
            f"UPDATE {LAKE}.payment_reports SET {assignments} WHERE report_id = ?",
            [_param(new[c]) for c in columns] + [row["report_id"]],
        )
        _refresh_cells(cur, [row["report_id"]])
        return UpdateResult(row["report_id"], report.status, report.days_late, moderation, tuple(reasons))

    outcome = store.write(txn, what="update a payment report")
    if isinstance(outcome, ReportError):
        raise outcome
    return outcome


def _param(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def withdraw_report(store: Store, receipt_code: str, *, client_hash: str, now: datetime | None = None) -> str:
    """The reporter takes their report back: it leaves every figure and its text is erased.

    (Older DuckLake snapshots keep the earlier row until they are expired by `gigwatch maintain`.)
    """
    now = _now(now)
    hashed = receipt_hash(receipt_code)

    def txn(cur: duckdb.DuckDBPyConnection) -> str | None:
        _check_rate(cur, client_hash, "update", UPDATES_PER_HOUR, now)
        _log(cur, client_hash, "update", now)
        found = cur.execute(
            f"SELECT report_id FROM {LAKE}.payment_reports WHERE receipt_hash = ?", [hashed]
        ).fetchone()
        if found is None:
            return None
        cur.execute(
            f"""UPDATE {LAKE}.payment_reports SET moderation_status = 'withdrawn', narrative_scrubbed = NULL,
                project_code = NULL, updated_at = ?, moderation_note = 'withdrawn by the reporter'
                WHERE report_id = ?""",
            [now, found[0]],
        )
        _refresh_cells(cur, [found[0]])
        return str(found[0])

    report_id = store.write(txn, what="withdraw a payment report")
    if report_id is None:
        raise ReceiptNotFound()
    return report_id


# -- imports -------------------------------------------------------------------------------------------

Outcome = Literal["stored", "held", "rejected", "duplicate"]


@dataclass(frozen=True, slots=True)
class RowOutcome:
    row_number: int  # 1-based data row
    label: str  # where the row is in the file ("line 3", "item 2")
    outcome: Outcome
    report_id: str | None
    messages: tuple[str, ...]  # errors (rejected), review reasons (held), or what it duplicates


@dataclass(slots=True)
class ImportAccount:
    run_id: str
    source_name: str
    rows: list[RowOutcome] = field(default_factory=list)
    dry_run: bool = False

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)


def import_reports(
    store: Store,
    rows: Sequence[Mapping[str, Any] | RowError],
    *,
    source_name: str,
    source_kind: str = "union_import",
    now: datetime | None = None,
    labels: Sequence[str] | None = None,
    dry_run: bool = False,
) -> ImportAccount:
    """Validate and store an import in one transaction; returns the row-by-row account.

    Nothing of a rejected row is stored. A row is a *duplicate* (not stored again) when it repeats
    a stored report or an earlier row exactly (same content, the same importer row id, or the same
    forum post); it is *held* when valid but doubtful, including a probable duplicate (same
    platform, project and amount within 1%, period end within 3 days), left to a moderator to merge.
    Every stored row is pending moderation and carries the import's run id.
    """
    now = _now(now)
    source_name = scrub(source_name, max_chars=80) or "import"
    run_id = f"import-{uuid.uuid4().hex[:12]}"
    labels = list(labels) if labels is not None else [f"row {i}" for i in range(1, len(rows) + 1)]
    allowed = _lake_platforms(store) if store.is_demo else None
    checked = [_check_row(raw, now, source_kind, allowed) for raw in rows]
    ids = [str(uuid.uuid4()) for _ in rows]
    is_demo = store.is_demo
    ref_salt = hashlib.sha256(source_name.encode()).hexdigest()[:8]

    def source_ref(report: PaymentReport) -> str | None:
        ref = report.source_ref
        if ref and ref.startswith("ext:"):  # importer row ids are unique only within one source
            return "ext:" + hashlib.sha256(f"{ref_salt}|{ref}".encode()).hexdigest()[:24]
        return ref

    def txn(cur: duckdb.DuckDBPyConnection) -> list[RowOutcome]:
        valid = [c.report for c in checked if c.report is not None]
        stored_views = _candidates(cur, [replace_ref(r, source_ref(r)) for r in valid])
        seen_views = _NearIndex(stored_views)
        by_hash = {v["content_hash"]: v["report_id"] for v in stored_views}
        by_ref = {v["source_ref"]: v["report_id"] for v in stored_views if v["source_ref"]}
        outcomes: list[RowOutcome] = []
        inserts: list[dict[str, Any]] = []
        for index, (result, report_id, label) in enumerate(zip(checked, ids, labels, strict=True), start=1):
            report = result.report
            if report is None:
                outcomes.append(RowOutcome(index, label, "rejected", None, tuple(result.errors)))
                continue
            ref = source_ref(report)
            same = by_ref.get(ref) if ref else None
            same = same or by_hash.get(report.content_hash)
            if same:
                outcomes.append(RowOutcome(index, label, "duplicate", same,
                                           (f"same as report {same[:8]}, already stored or earlier in this file",)))
                continue
            reasons = list(report.review_reasons)
            mine = _dup_view(report, report_id)
            mine["source_ref"] = ref
            other = seen_views.first_near(mine)
            if other is not None:
                reasons.append(f"possible duplicate of report {other['report_id'][:8]}")
            inserts.append(_row(report, report_id=report_id, receipt=None, now=now,
                                source_name=source_name, review_reasons=reasons, is_demo=is_demo,
                                run_id=run_id, source_ref=ref))
            seen_views.add(mine)
            by_hash[report.content_hash] = report_id
            if ref:
                by_ref[ref] = report_id
            outcomes.append(RowOutcome(index, label, "held" if reasons else "stored", report_id, tuple(reasons)))
        if dry_run:
            return outcomes
        _insert(cur, "payment_reports", inserts, REPORT_SCHEMA)
        run = RunRecord(
            run_id=run_id, source_name=f"import:{source_name}", platform_id=None, started_at=now,
            finished_at=datetime.now(UTC), status="ok", complete=True, items_count=len(inserts),
            error=None, run_kind="import",
        )
        Store.insert_df(cur, "collector_runs", pd.DataFrame([run.row()], columns=RUN_COLUMNS))
        return outcomes

    outcomes = store.write(txn, what=f"import {len(rows)} payment report(s)")
    return ImportAccount(run_id=run_id, source_name=source_name, rows=outcomes, dry_run=dry_run)


def _check_row(raw: Any, now: datetime, source_kind: str, allowed: list[str] | None) -> ValidationResult:
    if isinstance(raw, RowError):
        return ValidationResult(None, [raw.message])
    if not isinstance(raw, Mapping):
        return ValidationResult(None, [f"row: {show(raw)} is not an object with fields"])
    return validate(raw, now=now, source_kind=source_kind, allowed_platforms=allowed)


def replace_ref(report: PaymentReport, ref: str | None) -> PaymentReport:
    return dataclasses.replace(report, source_ref=ref)


# -- moderation ----------------------------------------------------------------------------------------

QUEUE_COLUMNS = [
    "report_id", "submitted_at", "source_kind", "source_name", "platform_id", "platform_other",
    "project_code", "status", "amount_expected", "amount_received", "currency",
    "amount_expected_usd", "work_period_start", "work_period_end", "expected_pay_date",
    "expected_pay_date_basis", "paid_date", "days_late", "payment_method", "causes",
    "support_response", "account_status", "country", "evidence_types", "review_reasons",
    "narrative_scrubbed", "fingerprint", "event_id", "source_url", "moderation_status",
]


def moderation_queue(store: Store, *, include_decided: bool = False, limit: int = 500) -> pd.DataFrame:
    """Reports awaiting a decision, doubtful ones first, oldest first (decided ones too if asked)."""
    where = "" if include_decided else "WHERE moderation_status = 'pending'"
    return store.read_df(
        f"""SELECT {", ".join(QUEUE_COLUMNS)} FROM {LAKE}.payment_reports {where}
            ORDER BY len(coalesce(review_reasons, [])) = 0, submitted_at LIMIT ?""",
        [limit],
    )


def _set_moderation(store: Store, report_ids: Iterable[str], status: str, *, note: str | None,
                    now: datetime | None, extra: str = "", extra_params: Sequence[Any] = ()) -> int:
    ids = sorted(set(report_ids))
    if not ids:
        return 0
    stamp = _now(now)
    note = scrub(note, max_chars=300) or None if note else None

    def txn(cur: duckdb.DuckDBPyConnection) -> int:
        found = cur.execute(
            f"SELECT count(*) FROM {LAKE}.payment_reports WHERE report_id IN (SELECT unnest(?))", [ids]
        ).fetchone()
        count = int(found[0]) if found else 0
        if count != len(ids):
            raise ReportError(f"{len(ids) - count} of the selected report ids do not exist")
        cur.execute(
            f"""UPDATE {LAKE}.payment_reports SET moderation_status = ?, moderated_at = ?,
                moderation_note = coalesce(?, moderation_note){extra}
                WHERE report_id IN (SELECT unnest(?)) AND moderation_status <> 'withdrawn'""",
            [status, stamp, note, *extra_params, ids],
        )
        _refresh_cells(cur, ids)
        return count

    return store.write(txn, what=f"mark {len(ids)} report(s) {status}")


def approve(store: Store, report_ids: Iterable[str], *, note: str | None = None, now: datetime | None = None) -> int:
    """Approve reports: from now on they count in public figures (if their reporters consented)."""
    return _set_moderation(store, report_ids, "approved", note=note, now=now, extra=", duplicate_of = NULL")


def reject(store: Store, report_ids: Iterable[str], *, reason: str | None = None, now: datetime | None = None) -> int:
    """Reject reports: kept for the record, never counted."""
    return _set_moderation(store, report_ids, "rejected", note=reason, now=now)


def merge_duplicates(store: Store, keep_id: str, duplicate_ids: Iterable[str], *, now: datetime | None = None) -> int:
    """Mark reports as duplicates of `keep_id` (merged: they stop counting; the kept one counts)."""
    dups = sorted(set(duplicate_ids) - {keep_id})
    exists = store.read_value(
        f"SELECT count(*) FROM {LAKE}.payment_reports WHERE report_id = ? AND moderation_status NOT IN ('merged', 'withdrawn')",
        [keep_id],
    )
    if not exists:
        raise ReportError("the report to keep does not exist (or is itself merged)")
    return _set_moderation(store, dups, "merged", note=f"duplicate of {keep_id[:8]}", now=now,
                           extra=", duplicate_of = ?", extra_params=[keep_id])


def create_event(store: Store, *, title: str, kind: str, platform_id: str | None = None,
                 event_date: date | None = None, source_url: str | None = None,
                 event_id: str | None = None, now: datetime | None = None) -> str:
    """Record a mass incident (a country exit, a payment-provider migration) reports can share."""
    if kind not in EVENT_KINDS:
        raise ReportError(f"kind: {show(kind)} is not one of: {', '.join(EVENT_KINDS)}")
    title = scrub(title, max_chars=200)
    if not title:
        raise ReportError("title: required")
    if source_url and not source_url.startswith(("http://", "https://")):
        raise ReportError("source_url: must start with http:// or https://")
    slug_base = event_id or f"{platform_id or 'event'}-{(event_date or _now(now).date()).isoformat()}-{title}"
    slug = "".join(ch if ch.isalnum() else "-" for ch in slug_base.lower())
    slug = "-".join(part for part in slug.split("-") if part)[:80]

    def txn(cur: duckdb.DuckDBPyConnection) -> str:
        taken = cur.execute(f"SELECT count(*) FROM {LAKE}.report_events WHERE event_id = ?", [slug]).fetchone()
        if taken and taken[0]:
            raise ReportError(f"an event with id {slug!r} already exists")
        cur.execute(
            f"INSERT INTO {LAKE}.report_events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [slug, title, platform_id, event_date, kind, source_url, _now(now), store.is_demo],
        )
        return slug

    return store.write(txn, what="create a report event")


def tag_event(store: Store, report_ids: Iterable[str], event_id: str | None) -> int:
    """Tag reports as part of one mass incident (None removes the tag)."""
    ids = sorted(set(report_ids))
    if event_id is not None and not store.read_value(
        f"SELECT count(*) FROM {LAKE}.report_events WHERE event_id = ?", [event_id]
    ):
        raise ReportError(f"no event {event_id!r}; create it first")

    def txn(cur: duckdb.DuckDBPyConnection) -> int:
        cur.execute(
            f"UPDATE {LAKE}.payment_reports SET event_id = ? WHERE report_id IN (SELECT unnest(?))",
            [event_id, ids],
        )
        _refresh_cells(cur, ids)
        return len(ids)

    return store.write(txn, what="tag reports with an event")


def list_events(store: Store) -> pd.DataFrame:
    return store.read_df(
        f"""SELECT e.event_id, e.title, e.platform_id, e.event_date, e.kind, e.source_url,
                   count(r.report_id) AS n_reports
            FROM {LAKE}.report_events e LEFT JOIN {LAKE}.payment_reports r USING (event_id)
            GROUP BY ALL ORDER BY e.event_date DESC NULLS LAST, e.event_id"""
    )


# -- the public view -----------------------------------------------------------------------------------

# Which reports the public view, its figures and its counts are made of: approved ones whose
# reporters let us publish them in aggregates (SQL over payment_reports).
PUBLIC_REPORTS = "moderation_status = 'approved' AND consent_publish_aggregate"

PUBLIC_COLUMNS = [
    "platform_id", "project_code", "source_kind", "work_type", "status", "paid_in_full",
    "days_late", "followup_days", "processor_hold", "payment_method", "causes",
    "support_response", "account_status", "country", "amount_expected_usd", "currency",
    "work_period_end_week", "work_period_end_month", "expected_pay_month", "paid_week", "paid_month",
    "submitted_month", "expected_pay_date", "event_id", "is_demo",
]


# The cells of the public view, by the name of their size: the same platform and the same values
# of these published columns (a missing value is a value too). A row shows what a cell guards only
# where its cell holds MIN_GROUP_SIZE reports. The sizes are kept in `report_cells` (below), with
# each published column in the column of that table named here.
_CELLS: dict[str, dict[str, str]] = {
    "n_period_week": {"work_period_end_week": "week"},  # guards work_period_end_week
    "n_paid_week": {"paid_week": "week"},  # guards paid_week
    "n_country_month": {"country": "country", "month_key": "month"},  # guards country and currency
    "n_month": {"month_key": "month"},  # guards amount_expected_usd
}
_WEEK = "date_trunc('week', {})::DATE"
_MONTH = "date_trunc('month', {})::DATE"
CELLS_TABLE = "report_cells"
CREATE_CELLS = f"""CREATE TABLE {LAKE}.{CELLS_TABLE} (
    platform_id VARCHAR NOT NULL,
    cell VARCHAR NOT NULL,             -- n_period_week | n_paid_week | n_country_month | n_month | project | submitted_month
    week DATE,                         -- Monday of the week, for the week cells
    month DATE,                        -- first of the month, for the month cells
    country VARCHAR,
    project_code VARCHAR,
    n BIGINT NOT NULL                  -- approved, consented reports (independent ones for a project)
)"""


def _cell_rows_sql(payment_reports: str, where: str = "TRUE") -> str:
    """SELECT of `report_cells` rows: the size of every cell of the public view, over the approved,
    consented reports (those `where` selects) of `payment_reports` (a table reference).

    Besides the cells of `_CELLS`: `project`, the independent reports (a tagged event counts once)
    naming each project, and `submitted_month`, the reports submitted each month. Reports are
    first counted per date, then per week, so the date arithmetic runs on a few thousand groups.
    """
    return f"""
        WITH cell_keys AS MATERIALIZED (
            SELECT platform_id, country, work_period_end, paid_date,
                   {_MONTH.format("coalesce(expected_pay_date, work_period_end)")} AS month_key,
                   epoch_us(submitted_at) // {DAY_US} AS submitted_day, project_code,
                   CASE WHEN project_code IS NOT NULL THEN coalesce(event_id, fingerprint) END AS independent
            FROM {payment_reports}
            WHERE {PUBLIC_REPORTS} AND {where}
        )
        SELECT platform_id, 'n_period_week' AS cell, {_WEEK.format("work_period_end")} AS week,
               NULL::DATE AS month, NULL AS country, NULL AS project_code, sum(n)::BIGINT AS n
        FROM (SELECT platform_id, work_period_end, count(*) AS n FROM cell_keys GROUP BY ALL) GROUP BY ALL
        UNION ALL
        SELECT platform_id, 'n_paid_week', {_WEEK.format("paid_date")}, NULL, NULL, NULL, sum(n)::BIGINT
        FROM (SELECT platform_id, paid_date, count(*) AS n FROM cell_keys GROUP BY ALL) GROUP BY ALL
        UNION ALL
        SELECT platform_id, 'n_country_month', NULL, month_key, country, NULL, count(*)
        FROM cell_keys GROUP BY ALL
        UNION ALL
        SELECT platform_id, 'n_month', NULL, month_key, NULL, NULL, count(*) FROM cell_keys GROUP BY ALL
        UNION ALL
        SELECT platform_id, 'project', NULL, NULL, NULL, project_code, count(DISTINCT independent)
        FROM cell_keys WHERE project_code IS NOT NULL GROUP BY ALL
        UNION ALL
        SELECT platform_id, 'submitted_month', NULL, {_MONTH.format(f"make_timestamp(submitted_day * {DAY_US})")},
               NULL, NULL, sum(n)::BIGINT
        FROM (SELECT platform_id, submitted_day, count(*) AS n FROM cell_keys GROUP BY ALL) GROUP BY ALL"""


def backfill_report_cells(cur: duckdb.DuckDBPyConnection) -> None:
    """Fill `report_cells` from every report (the migration that creates it)."""
    cur.execute(f"DELETE FROM {LAKE}.{CELLS_TABLE}")
    cur.execute(f"INSERT INTO {LAKE}.{CELLS_TABLE} {_cell_rows_sql(f'{LAKE}.payment_reports')}")


def _refresh_cells(cur: duckdb.DuckDBPyConnection, report_ids: Sequence[str]) -> None:
    """Recount the cells of the platforms of `report_ids`, in the transaction that changed them
    (call it after every write that may change which reports are public, or their cells)."""
    platforms = [row[0] for row in cur.execute(
        f"SELECT DISTINCT platform_id FROM {LAKE}.payment_reports WHERE report_id IN (SELECT unnest(?))",
        [list(report_ids)],
    ).fetchall()]
    if not platforms:
        return
    cur.execute(f"DELETE FROM {LAKE}.{CELLS_TABLE} WHERE list_contains(?, platform_id)", [platforms])
    cur.execute(
        f"INSERT INTO {LAKE}.{CELLS_TABLE} {_cell_rows_sql(f'{LAKE}.payment_reports', 'list_contains($platforms, platform_id)')}",
        {"platforms": platforms},
    )


def _cell_sizes_sql() -> tuple[str, str]:
    """CTEs with each kind of cell's sizes from `cells`, and the LEFT JOINs that give every row `a`
    its cells' sizes (LEFT joins of small grouped tables: DuckDB keeps their order; inner ones it
    may reorder into a join of the counts with each other)."""
    ctes, joins = [], []
    for name, columns in _CELLS.items():
        selected = ", ".join(f"{stored} AS {column}" for column, stored in columns.items())
        ctes.append(f"{name}_cells AS (SELECT platform_id, {selected}, n AS {name} FROM cells WHERE cell = '{name}')")
        on = " AND ".join(f"{name}_cells.{k} IS NOT DISTINCT FROM a.{k}" for k in ["platform_id", *columns])
        joins.append(f"LEFT JOIN {name}_cells ON {on}")
    return ",\n".join(ctes), "\n".join(joins)


def public_reports(store: Store, snapshot_id: int | None = None, *, platforms: Sequence[str] = (),
                   limit: int | None = None) -> pd.DataFrame:
    """Approved, consented reports, safe to aggregate and to download (see the module docstring).

    Rows are published (the Explore page and `gigwatch export` offer them), so besides having no
    ids, text or links, what could single a reporter out is hidden in small cells, those with fewer
    than MIN_GROUP_SIZE reports of the same platform:

    * dates are months (`*_month`; `expected_pay_date` holds the month start, for grouping); the
      week of the period end and of the payment only where that platform-week has 5 reports;
    * `country` (and `currency`, which can name it) only where that platform, country and month
      have 5 reports; `project_code` only where 5 independent reports (a tagged event counts
      once) name the project;
    * `amount_expected_usd`, rounded to two significant figures (half away from zero), only where
      that platform and month have 5 reports.

    `days_late` and `followup_days` are kept exact: the delay figures rest on them. Every cell is
    within one platform, so `platforms` (only these) changes no cell. Rows come newest submission
    month first (not in the order they were stored, which would tell submissions apart); `limit`
    keeps the first rows only.

    The cell sizes come from `report_cells`, which every moderation keeps in step; a snapshot from
    before that table counts them from its reports.
    """
    refs = store.refs(snapshot_id)
    params: dict[str, Any] = {}
    only = "TRUE"
    if platforms:
        params["platforms"] = list(platforms)
        only = "list_contains($platforms::VARCHAR[], platform_id)"
    try:
        return _public_reports(store, f"(SELECT * FROM {refs.report_cells} WHERE {only})", refs.payment_reports,
                               only, params, limit)
    except duckdb.CatalogException:  # a snapshot from before report_cells existed
        return _public_reports(store, f"({_cell_rows_sql(refs.payment_reports, only)})", refs.payment_reports,
                               only, params, limit)


def _public_reports(store: Store, cells: str, payment_reports: str, only: str, params: dict[str, Any],
                    limit: int | None) -> pd.DataFrame:
    cell_ctes, cell_joins = _cell_sizes_sql()
    # Sorted by published values only: rows that look the same are interchangeable.
    order = ", ".join(["submitted_month DESC", *(c for c in PUBLIC_COLUMNS if c != "submitted_month")])
    # With a limit, only the rows of the newest submission months that hold it are read (the month
    # of the limit-th newest report, ties included): a time filter skips the older files.
    newest, newest_month, since = "", "TRUE", ""
    if limit is not None:
        params = {**params, "limit": int(limit)}
        newest = "AND submitted_at >= (SELECT since FROM since)"
        newest_month = "submitted_month >= (SELECT month FROM since)"
        since = """since AS (
                SELECT month, to_timestamp(epoch(month::TIMESTAMP)) AS since FROM (
                    SELECT min(month) AS month FROM (
                        SELECT month, sum(n) OVER (ORDER BY month DESC ROWS UNBOUNDED PRECEDING) - n AS newer
                        FROM (SELECT month, sum(n) AS n FROM cells WHERE cell = 'submitted_month' GROUP BY ALL))
                    WHERE newer < $limit)
            ),"""
    m = MIN_GROUP_SIZE
    frame = store.read_df(
        f"""WITH cells AS MATERIALIZED (SELECT * FROM {cells}),
            {since}
            approved AS (
                SELECT platform_id, project_code, source_kind, work_type, status, paid_in_full, days_late,
                       followup_days, processor_hold, payment_method, causes, support_response,
                       account_status, country, amount_expected_usd, currency,
                       {_WEEK.format("work_period_end")} AS work_period_end_week,
                       {_WEEK.format("paid_date")} AS paid_week,
                       {_MONTH.format("coalesce(expected_pay_date, work_period_end)")} AS month_key,
                       {_MONTH.format("make_timestamp(epoch_us(submitted_at))")} AS submitted_month,
                       {_MONTH.format("work_period_end")} AS work_period_end_month,
                       {_MONTH.format("expected_pay_date")} AS expected_pay_month,
                       {_MONTH.format("paid_date")} AS paid_month,
                       event_id, is_demo
                FROM {payment_reports}
                WHERE {PUBLIC_REPORTS} AND {only} {newest}
            ),
            named_projects AS (
                SELECT platform_id, project_code FROM cells WHERE cell = 'project' AND n >= {m}
            ),
            {cell_ctes},
            published AS (
                SELECT a.*, named_projects.project_code IS NOT NULL AS project_named,
                       n_period_week, n_paid_week, n_country_month, n_month,
                       -- two significant figures: scaled to [10, 100), rounded half away from
                       -- zero, scaled back (72.5 -> 73, 1.45 -> 1.5, 1234.5 -> 1200)
                       CASE WHEN a.amount_expected_usd <> 0
                            THEN 1 - floor(log10(abs(a.amount_expected_usd))) END AS digits,
                       CASE WHEN digits >= 0 THEN a.amount_expected_usd * pow(10, digits)
                            ELSE a.amount_expected_usd / pow(10, -digits) END AS scaled
                FROM (SELECT * FROM approved WHERE {newest_month}) a
                LEFT JOIN named_projects ON named_projects.platform_id = a.platform_id
                                        AND named_projects.project_code = a.project_code
                {cell_joins}
            )
            SELECT platform_id, CASE WHEN project_named THEN project_code END AS project_code,
                   source_kind, work_type, status, paid_in_full, days_late, followup_days,
                   processor_hold, payment_method, causes, support_response, account_status,
                   CASE WHEN n_country_month >= {m} THEN country END AS country,
                   CASE WHEN n_month < {m} THEN NULL
                        WHEN amount_expected_usd = 0 THEN 0.0
                        WHEN digits >= 0 THEN round(scaled) / pow(10, digits)
                        ELSE round(scaled) * pow(10, -digits) END AS amount_expected_usd,
                   CASE WHEN n_country_month >= {m} THEN currency END AS currency,
                   CASE WHEN n_period_week >= {m} THEN work_period_end_week END AS work_period_end_week,
                   work_period_end_month, expected_pay_month,
                   CASE WHEN n_paid_week >= {m} THEN paid_week END AS paid_week,
                   paid_month, submitted_month, expected_pay_month AS expected_pay_date, event_id, is_demo
            FROM published
            ORDER BY {order}
            {f"LIMIT {int(limit)}" if limit is not None else ""}""",  # a constant: DuckDB plans a top-N
        params,
    )
    return frame[PUBLIC_COLUMNS]


def public_delay_summary(store: Store, by: str | Sequence[str] = "platform_id",
                         snapshot_id: int | None = None) -> pd.DataFrame:
    """Time-to-payment figures per group from approved reports (small groups suppressed)."""
    frame = public_reports(store, snapshot_id)
    if isinstance(by, str) and by == "month":
        frame = frame.assign(month=pd.to_datetime(frame["expected_pay_month"]).dt.strftime("%Y-%m"))
    return delay_summary(frame, by)


# -- forums --------------------------------------------------------------------------------------------


def save_forum_run(store: Store, run: RunRecord, posts: Sequence[Any], responses: Sequence[Fetched] = ()) -> int:
    """Record one forum collection: its run row, raw responses and the posts that carry a signal
    (new post ids only). Returns how many posts were new. `posts` are `ForumPost`s.

    A run id already stored is not written again (a commit that went through although the
    connection dropped, or a spooled run replayed), and gives 0."""
    is_demo = store.is_demo

    def txn(cur: duckdb.DuckDBPyConnection) -> int:
        stored = cur.execute(f"SELECT count(*) FROM {LAKE}.collector_runs WHERE run_id = ?", [run.run_id]).fetchone()
        if stored and stored[0]:
            return 0
        signalled = {p.post_id: p for p in posts if p.signal is not None}
        known: set[str] = set()
        if signalled:
            known = {
                row[0] for row in cur.execute(
                    f"SELECT post_id FROM {LAKE}.forum_posts WHERE post_id IN (SELECT unnest(?))",
                    [sorted(signalled)],
                ).fetchall()
            }
        rows = [
            {
                "post_id": post.post_id,
                "subreddit": post.subreddit,
                "platform_id": post.signal.platform_id,
                "created_at": post.created_at,
                "url": post.url,
                "title_excerpt_scrubbed": post.title_excerpt_scrubbed,
                "signals": list(post.signal.signals),
                "amount": post.signal.amount,
                "currency": post.signal.currency,
                "days_stated": post.signal.days_stated,
                "first_seen_at": run.started_at,
                "is_demo": is_demo,
                "run_id": run.run_id,
            }
            for post_id, post in signalled.items()
            if post_id not in known
        ]
        run_row = run.row()
        run_row["items_count"] = len(rows) if run.items_count is None else run.items_count
        Store.insert_df(cur, "collector_runs", pd.DataFrame([run_row], columns=RUN_COLUMNS))
        raw_rows = [
            {
                "content_sha256": r.sha256, "url": r.url, "fetched_at": r.fetched_at,
                "http_status": r.status, "content_type": r.content_type, "body_bytes": len(r.body),
                "not_modified": r.not_modified, "etag": None, "last_modified": None, "run_id": run.run_id,
            }
            for r in responses
        ]
        if raw_rows:
            Store.insert_df(cur, "raw_responses", pd.DataFrame(raw_rows))
        _insert(cur, "forum_posts", rows, FORUM_SCHEMA)
        return len(rows)

    return store.write(txn, what=f"save forum run {run.run_id}")


def last_forum_run_at(store: Store, source_name: str) -> datetime | None:
    """When the source's last successful forum run started (collect_forum's `since`)."""
    value = store.read_value(
        f"""SELECT max(started_at) FROM {LAKE}.collector_runs
            WHERE source_name = ? AND run_kind = 'forum' AND status = 'ok'""",
        [source_name],
    )
    return value if isinstance(value, datetime) else None


def forum_signals(store: Store, snapshot_id: int | None = None) -> pd.DataFrame:
    """Forum posts with signals (public: links to public posts, scrubbed titles, no usernames)."""
    refs = store.refs(snapshot_id)
    return store.read_df(
        f"""SELECT post_id, subreddit, platform_id, created_at, url, title_excerpt_scrubbed, signals,
                   amount, currency, days_stated, is_demo
            FROM {refs.forum_posts} ORDER BY created_at DESC"""
    )


def forum_signal_counts(store: Store, snapshot_id: int | None = None) -> pd.DataFrame:
    """Posts per platform, month and signal (a post with two signals counts in both)."""
    refs = store.refs(snapshot_id)
    return store.read_df(
        f"""SELECT platform_id, month, signal, count(*) AS n_posts
            FROM (SELECT coalesce(platform_id, 'unknown') AS platform_id,
                         strftime(date_trunc('month', make_timestamp(epoch_us(created_at))), '%Y-%m') AS month,
                         unnest(signals) AS signal
                  FROM {refs.forum_posts})
            GROUP BY ALL ORDER BY month, platform_id, signal"""
    )
