"""Submission and privacy: the form's reports, reporters' updates and withdrawals, union imports,
receipt codes, and rate limiting that cannot be linked to a client address.

Privacy, enforced here rather than trusted to callers:

* the receipt code is returned once and stored only as a hash;
* no client address is stored. `client_hash(ip)` is an HMAC with a salt that exists only in this
  process's memory and is replaced every clock hour (`_SALTS`), so with full read access to the data
  directory no guess of an address can be checked against what is stored. Rate limiting keeps one
  counter per clock hour and client key (`rate_counters` in the vault), never a timestamped row
  beside a report, and counters older than `COUNTER_KEEP` (a day) are pruned on every write;
* a burst from one connection (a carrier network, a proxy that forwards no address: every worker
  behind it is `UNKNOWN_CLIENT`) is held for moderation, not refused, so one person cannot close
  the form for everyone; only a known address past `SUBMISSIONS_HARD_LIMIT` an hour is refused;
* an import's file name never becomes a public name: it is kept as an opaque id (`import_label`).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
import sqlite3
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

import pandas as pd

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
from collectors.store import LAKE, Store
from collectors.store import vault as vaults
from collectors.store.listings import RUN_COLUMNS, RunRecord
from collectors.store.reports.base import (
    RateLimited,
    ReceiptNotFound,
    ReportError,
    ReportRejected,
    now_utc,
    report_row,
    stored_report,
)
from collectors.store.reports.duplicates import NearIndex, candidates, dup_view

SUBMISSIONS_PER_HOUR = 5  # more than this from one connection in a clock hour are held for review
SUBMISSIONS_HARD_LIMIT = 50  # a known address past this in a clock hour is refused
UPDATES_PER_HOUR = 20
RATE_WINDOW = timedelta(hours=1)
COUNTER_KEEP = timedelta(days=1)
UNKNOWN_CLIENT = "unknown"  # no address known (bare mode, a proxy that forwards nothing)
BURST_REASON = "many reports from one connection this hour: held for review"


# -- client keys and receipt codes ---------------------------------------------------------------------

_SALTS: dict[int, bytes] = {}
_SALTS_LOCK = threading.Lock()


def _hour(now: datetime) -> int:
    return int(now.timestamp() // 3600)


def _salt_for(hour: int) -> bytes:
    """This process's salt for one clock hour (made on first use; older ones are forgotten)."""
    with _SALTS_LOCK:
        salt = _SALTS.get(hour)
        if salt is None:
            salt = secrets.token_bytes(32)
            _SALTS[hour] = salt
            for old in [h for h in _SALTS if h < hour - 1]:
                del _SALTS[old]
        return salt


def client_hash(ip: str, store: Store | None = None, *, now: datetime | None = None) -> str:
    """A key for a client address, for rate limiting only, valid for the current clock hour.

    An HMAC with a salt held only in this process's memory (never on disk) and replaced every hour:
    nobody can test a guessed address against it. `UNKNOWN_CLIENT` when no address is known.
    (`store` is accepted for callers written before the salt left the lake directory.)
    """
    if not isinstance(ip, str):
        raise TypeError(f"client_hash needs the address as text, not {type(ip).__name__}")
    text = ip.strip().lower()
    if not text or text == UNKNOWN_CLIENT:
        return UNKNOWN_CLIENT
    key = _salt_for(_hour(now_utc(now)))
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:32]


def trusted_proxies(env: Mapping[str, str] | None = None) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The reverse proxies whose X-Forwarded-For is believed: GIGWATCH_TRUSTED_PROXIES (comma-separated
    addresses or networks) or `trusted_proxies` under `[report]` in gigwatch.toml. Default: none."""
    from collectors.config import ConfigError, _read_toml

    env = dict(os.environ) if env is None else dict(env)
    raw: Any = env.get("GIGWATCH_TRUSTED_PROXIES")
    if raw is None:
        raw = _read_toml(env).get("report", {}).get("trusted_proxies", [])
    items = [p.strip() for p in raw.split(",")] if isinstance(raw, str) else [str(p).strip() for p in raw]
    networks = []
    for item in items:
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ConfigError(f"trusted_proxies: {item!r} is not an address or network") from exc
    return networks


def client_address_from(direct: str | None, headers: Mapping[str, str],
                        proxies: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> str:
    """The client's address: the direct peer, unless that peer is a trusted proxy, in which case the
    right-most X-Forwarded-For entry that is not itself a trusted proxy. UNKNOWN_CLIENT if none."""

    def trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in proxies)

    ip = direct.strip() if isinstance(direct, str) and direct.strip() else None
    if ip is not None and trusted(ip):
        forwarded = headers.get("X-Forwarded-For") or headers.get("x-forwarded-for") or ""
        hops = [hop.strip() for hop in str(forwarded).split(",") if hop.strip()]
        while hops and trusted(hops[-1]):
            hops.pop()
        ip = hops[-1] if hops else None
    return ip or UNKNOWN_CLIENT


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


# -- rate counters ---------------------------------------------------------------------------------------


def _count(con: sqlite3.Connection, client: str, action: str, now: datetime) -> int:
    """Add one to this hour's counter of `client` and `action`; returns the count before it.
    Prunes counters older than COUNTER_KEEP."""
    hour = _hour(now)
    con.execute("DELETE FROM rate_counters WHERE bucket_hour < ?", [_hour(now - COUNTER_KEEP)])
    found = con.execute(
        "SELECT n FROM rate_counters WHERE bucket_hour = ? AND client_key = ? AND action = ?", [hour, client, action]
    ).fetchone()
    before = int(found[0]) if found else 0
    con.execute(
        """INSERT INTO rate_counters VALUES (?, ?, ?, 1)
           ON CONFLICT (bucket_hour, client_key, action) DO UPDATE SET n = n + 1""",
        [hour, client, action],
    )
    return before


def _retry_after(now: datetime) -> timedelta:
    return datetime.fromtimestamp((_hour(now) + 1) * 3600, UTC) - now


# -- submissions -------------------------------------------------------------------------------------------


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
    """Store a validated self-report (pending moderation) in the vault and return its receipt, once.

    More than SUBMISSIONS_PER_HOUR reports from one client key in a clock hour are stored held for
    review (BURST_REASON); a known address past SUBMISSIONS_HARD_LIMIT is refused (RateLimited).
    A probable duplicate of a stored report is stored all the same, held for review.
    """
    now = now_utc(now)
    report_id = str(uuid.uuid4())
    code = new_receipt_code()
    hashed = receipt_hash(code)
    is_demo = store.is_demo

    def txn(con: sqlite3.Connection) -> tuple[str, ...]:
        before = _count(con, client_hash, "submit", now)
        if client_hash != UNKNOWN_CLIENT and before >= SUBMISSIONS_HARD_LIMIT:
            raise RateLimited(SUBMISSIONS_HARD_LIMIT, RATE_WINDOW, _retry_after(now))
        reasons = list(report.review_reasons)
        if before >= SUBMISSIONS_PER_HOUR:
            reasons.append(BURST_REASON)
        other = NearIndex(candidates(con, [report])).first_near(dup_view(report, report_id))
        if other is not None:
            reasons.append(f"possible duplicate of report {other['report_id'][:8]}")
        vaults.put_report(con, report_row(
            report, report_id=report_id, receipt=hashed, now=now, source_name=source_name,
            review_reasons=reasons, is_demo=is_demo, run_id=f"form-{report_id[:8]}",
        ))
        return tuple(reasons)

    reasons = vaults.get_vault(store).write(txn)
    return Receipt(report_id, code, bool(reasons), reasons, report.expected_pay_date, report.days_late)


def validate_for_store(raw: Mapping[str, Any], store: Store, *, now: datetime | None = None,
                       source_kind: str = "self_report") -> ValidationResult:
    """`validate()` knowing the lake's platforms (the demo lake's fictional ones too)."""
    allowed = _lake_platforms(store) if store.is_demo else None
    return validate(raw, now=now_utc(now), source_kind=source_kind, allowed_platforms=allowed)


def _lake_platforms(store: Store) -> list[str]:
    return [row[0] for row in store.read_rows(f"SELECT platform_id FROM {LAKE}.platforms")]


# -- updates and withdrawals ---------------------------------------------------------------------------------

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


def _check_update_rate(con: sqlite3.Connection, client: str, now: datetime) -> None:
    before = _count(con, client, "update", now)
    # Receipt codes carry 100 random bits: guessing is hopeless whatever the rate, so an unknown
    # address (shared by everyone behind a silent proxy) is never locked out of updating.
    if client != UNKNOWN_CLIENT and before >= UPDATES_PER_HOUR:
        raise RateLimited(UPDATES_PER_HOUR, RATE_WINDOW, _retry_after(now))


def update_report(store: Store, receipt_code: str, changes: Mapping[str, Any], now: datetime | None = None,
                  *, client_hash: str) -> UpdateResult:
    """Apply a reporter's update ("I was paid on ...") to the report their receipt code names.

    Only UPDATABLE_FIELDS may change; the whole report is validated again, with the update time
    as the day the status was confirmed. An approved report stays approved when only the payment
    facts change and nothing is doubtful; otherwise it goes back to the moderation queue.
    Wrong codes count against the client's update limit. One reporter's updates replace their
    report: it counts once however often it is updated.
    """
    now = now_utc(now)
    not_allowed = sorted(set(changes) - UPDATABLE_FIELDS)
    if not_allowed:
        raise ReportRejected([f"{name}: cannot be changed by an update; send a new report instead"
                              for name in not_allowed[:10]])
    hashed = receipt_hash(receipt_code)
    allowed = _lake_platforms(store) if store.is_demo else None

    def txn(con: sqlite3.Connection) -> UpdateResult | ReportError:
        _check_update_rate(con, client_hash, now)
        found = vaults.report_rows(con, "receipt_hash = ?", [hashed])
        if not found:
            return ReceiptNotFound()
        row = found[0]
        raw = report_to_raw(stored_report(row))
        raw.update(changes)
        checked = validate(raw, now=now, source_kind=row["source_kind"],
                           submitted_at=row["submitted_at"], confirmed_at=now,
                           allowed_platforms=allowed)
        if checked.report is None:
            return ReportRejected(checked.errors, checked.problems)
        report = checked.report
        reasons = list(checked.review_reasons)
        moderation = row["moderation_status"]
        if moderation == "approved" and (reasons or not set(changes) <= _MODERATION_KEEPING):
            moderation = "pending"
        new = report_row(report, report_id=row["report_id"], receipt=hashed, now=now,
                         source_name=row.get("source_name"), review_reasons=reasons, is_demo=row["is_demo"],
                         run_id=row["run_id"], source_ref=row.get("source_ref"))
        keep = ("submitted_at", "duplicate_of", "event_id", "moderated_at", "moderation_note")
        new.update({k: row.get(k) for k in keep})
        new["moderation_status"] = moderation
        if report.event_id is not None:
            new["event_id"] = report.event_id
        vaults.put_report(con, new)
        return UpdateResult(row["report_id"], report.status, report.days_late, moderation, tuple(reasons))

    outcome = vaults.get_vault(store).write(txn)
    if isinstance(outcome, ReportError):
        raise outcome
    from collectors.store.reports.public import publish

    publish(store)
    return outcome


def withdraw_report(store: Store, receipt_code: str, *, client_hash: str, now: datetime | None = None) -> str:
    """The reporter takes their report back: it is erased from the vault (its text overwritten on
    disk), the public aggregates are published again without it, and the audit log records that a
    report was withdrawn (its id only)."""
    now = now_utc(now)
    hashed = receipt_hash(receipt_code)

    def txn(con: sqlite3.Connection) -> str | None:
        _check_update_rate(con, client_hash, now)
        found = vaults.report_rows(con, "receipt_hash = ?", [hashed])
        if not found:
            return None
        row = found[0]
        vaults.erase_report(con, row["report_id"])
        vaults.audit(con, at=now, moderator="reporter", action="withdraw", report_id=row["report_id"],
                     before={"moderation_status": row["moderation_status"]},
                     after={"moderation_status": "withdrawn (erased)"})
        return str(row["report_id"])

    report_id = vaults.get_vault(store).write(txn)
    if report_id is None:
        raise ReceiptNotFound()
    from collectors.store.reports.public import publish

    publish(store)
    return report_id


# -- imports -------------------------------------------------------------------------------------------------

Outcome = Literal["stored", "held", "rejected", "duplicate"]


@dataclass(frozen=True, slots=True)
class RowOutcome:
    row_number: int  # 1-based data row
    label: str  # where the row is in the file ("line 3", "item 2")
    outcome: Outcome
    report_id: str | None
    messages: tuple[str, ...]  # errors (rejected), review reasons (held), or what it duplicates
    report: PaymentReport | None = None  # the validated report (stored and held rows), for the account


@dataclass(slots=True)
class ImportAccount:
    run_id: str
    source_name: str
    rows: list[RowOutcome] = field(default_factory=list)
    dry_run: bool = False

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)


def import_label(source_name: str) -> str:
    """The opaque id an import's source is stored under: a file name ("kenya-members-2024.csv")
    can name people or places, so only a hash of it is kept."""
    return "import-" + hashlib.sha256(f"gigwatch-import:{source_name}".encode()).hexdigest()[:12]


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
    """Validate and store an import in one vault transaction; returns the row-by-row account.

    Nothing of a rejected row is stored. A row is a *duplicate* (not stored again) when it repeats
    a stored report or an earlier row exactly (same content, the same importer row id, or the same
    forum post); it is *held* when valid but doubtful, including a probable duplicate (same
    platform, project and amount within 1%, period end within 3 days), left to a moderator to merge.
    Every stored row is pending moderation and carries the import's run id. The source is stored
    as `import_label(source_name)`, never as given; the lake's run row names the run id only.
    """
    now = now_utc(now)
    source_name = scrub(source_name, max_chars=80) or "import"
    opaque = import_label(source_name)
    run_id = f"import-{uuid.uuid4().hex[:12]}"
    labels = list(labels) if labels is not None else [f"row {i}" for i in range(1, len(rows) + 1)]
    allowed = _lake_platforms(store) if store.is_demo else None
    with vaults.paused_gc():
        checked = [_check_row(raw, now, source_kind, allowed) for raw in rows]
    ids = [str(uuid.uuid4()) for _ in rows]
    is_demo = store.is_demo
    ref_salt = hashlib.sha256(source_name.encode()).hexdigest()[:8]

    def source_ref(report: PaymentReport) -> str | None:
        ref = report.source_ref
        if ref and ref.startswith("ext:"):  # importer row ids are unique only within one source
            return "ext:" + hashlib.sha256(f"{ref_salt}|{ref}".encode()).hexdigest()[:24]
        return ref

    def txn(con: sqlite3.Connection) -> list[RowOutcome]:
        valid = [c.report for c in checked if c.report is not None]
        stored_views = candidates(con, valid, refs=[source_ref(r) for r in valid])
        seen_views = NearIndex(stored_views)
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
            mine = dup_view(report, report_id)
            mine["source_ref"] = ref
            other = seen_views.first_near(mine)
            if other is not None:
                reasons.append(f"possible duplicate of report {other['report_id'][:8]}")
            inserts.append(report_row(report, report_id=report_id, receipt=None, now=now,
                                      source_name=opaque, review_reasons=reasons, is_demo=is_demo,
                                      run_id=run_id, source_ref=ref))
            seen_views.add(mine)
            by_hash[report.content_hash] = report_id
            if ref:
                by_ref[ref] = report_id
            outcomes.append(RowOutcome(index, label, "held" if reasons else "stored", report_id, tuple(reasons),
                                       report))
        if not dry_run:
            for row in inserts:
                vaults.put_report(con, row)
        return outcomes

    if dry_run:
        # Read-only: the transaction is rolled back by raising after the account is made.
        outcomes = _dry_run(store, txn)
        return ImportAccount(run_id=run_id, source_name=opaque, rows=outcomes, dry_run=True)
    outcomes = vaults.get_vault(store).write(txn)
    stored = sum(1 for o in outcomes if o.outcome in ("stored", "held"))
    run = RunRecord(
        run_id=run_id, source_name=f"import:{run_id}", platform_id=None, started_at=now,
        finished_at=datetime.now(UTC), status="ok", complete=True, items_count=stored,
        error=None, run_kind="import",
    )
    store.write(lambda cur: Store.insert_df(cur, "collector_runs", pd.DataFrame([run.row()], columns=RUN_COLUMNS)),
                what="record an import run")
    return ImportAccount(run_id=run_id, source_name=opaque, rows=outcomes, dry_run=False)


class _Rollback(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


def _dry_run(store: Store, txn: Any) -> list[RowOutcome]:
    def run(con: sqlite3.Connection) -> None:
        raise _Rollback(txn(con))

    try:
        vaults.get_vault(store).write(run)
    except _Rollback as done:
        return list(done.value)
    raise AssertionError("unreachable")


def _check_row(raw: Any, now: datetime, source_kind: str, allowed: list[str] | None) -> ValidationResult:
    if isinstance(raw, RowError):
        return ValidationResult(None, [raw.message])
    if not isinstance(raw, Mapping):
        return ValidationResult(None, [f"row: {show(raw)} is not an object with fields"])
    return validate(raw, now=now, source_kind=source_kind, allowed_platforms=allowed)
