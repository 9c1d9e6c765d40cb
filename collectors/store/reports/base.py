"""What the report modules share: their errors, the stored columns of a report, and row building."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pyarrow as pa

from collectors.reports.dates import ApproxDate
from collectors.reports.schema import Payment, PaymentReport
from collectors.store.migrations import arrow_schema

MODERATION_STATUSES = ("pending", "approved", "rejected", "merged", "withdrawn")
EVENT_KINDS = ("country_exit", "processor_migration", "deactivation_wave", "project_cancelled", "other")


class ReportError(ValueError):
    """A report operation refused with a message the reporter or admin can act on."""


class RateLimited(ReportError):
    """Too many submissions from one client this hour."""

    def __init__(self, limit: int, window: timedelta, retry_after: timedelta) -> None:
        minutes = max(1, int(retry_after.total_seconds() // 60) + 1)
        self.limit, self.minutes = limit, minutes  # the form says it again in the reporter's language
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

    def __init__(self, errors: Sequence[str], problems: Sequence[Any] = ()) -> None:
        super().__init__("; ".join(errors))
        self.errors = list(errors)
        self.problems = list(problems)  # the same errors as schema.Problem (the form translates them)


_TS = pa.timestamp("us", tz="UTC")
_STRS = pa.list_(pa.string())
# The columns of a stored report (each row's JSON body in the vault holds these and any field the
# report model adds); also the Arrow schema the publish step computes over.
# The report row layout is the one the lake table was created with (its migration, 0002); the
# vault keeps the same columns plus the JSON body.
REPORT_SCHEMA = arrow_schema("payment_reports")
REPORT_COLUMNS = REPORT_SCHEMA.names
_REPORT_FIELD_NAMES = [f.name for f in fields(PaymentReport)]
# The moderation fields the audit log records before and after (never report text).
MODERATION_FIELDS = ("moderation_status", "moderated_at", "moderation_note", "duplicate_of", "event_id")


def now_utc(now: datetime | None) -> datetime:
    now = now or datetime.now(UTC)
    return now if now.tzinfo else now.replace(tzinfo=UTC)


def report_row(report: PaymentReport, *, report_id: str, receipt: str | None, now: datetime,
               source_name: str | None, review_reasons: Sequence[str], is_demo: bool, run_id: str,
               source_ref: str | None = None) -> dict[str, Any]:
    """A stored row: every field of the validated report, plus the store's own fields."""
    row: dict[str, Any] = {name: getattr(report, name) for name in _REPORT_FIELD_NAMES}
    for name, value in row.items():
        if isinstance(value, tuple):
            row[name] = list(value)
    row.update(
        report_id=report_id,
        receipt_hash=receipt,
        updated_at=now,
        source_name=source_name,
        source_ref=source_ref if source_ref is not None else report.source_ref,
        duplicate_of=None,
        moderation_status="pending",
        moderated_at=None,
        moderation_note=None,
        review_reasons=list(review_reasons),
        is_demo=is_demo,
        run_id=run_id,
    )
    return row


_APPROX_FIELDS = ("work_period_start_approx", "work_period_end_approx", "expected_pay_date_approx",
                  "paid_date_approx", "submitted_approx")


def _approx(value: Any) -> ApproxDate | None:
    """An ApproxDate from a body: tagged ones decode to ApproxDate already; bodies written before
    the tag (a plain dict of lower, upper, precision, with date objects or ISO strings) still read."""
    if value is None or isinstance(value, ApproxDate):
        return value
    def iso(d: Any) -> str | None:
        return d.isoformat() if isinstance(d, date) else d
    return ApproxDate.from_json({"lower": iso(value.get("lower")), "upper": iso(value.get("upper")),
                                 "precision": value.get("precision")})


def _payment(value: Any) -> Payment:
    if isinstance(value, Payment):
        return value
    on = value.get("on", value.get("date"))
    amount = value.get("amount")
    return Payment(_approx(on) or ApproxDate.unknown(), None if amount is None else Decimal(str(amount)),
                   value.get("kind", "paid"))


def stored_report(row: Mapping[str, Any]) -> PaymentReport:
    """The validated report a stored row holds (fields the model has, lists back to tuples,
    approximate dates and payments back to their types, also from bodies stored before the tags)."""
    values: dict[str, Any] = {}
    for name in _REPORT_FIELD_NAMES:
        if name in row:
            value = row[name]
            if name in _APPROX_FIELDS:
                value = _approx(value)
            elif name == "payments":
                value = tuple(_payment(p) for p in value or ())
            elif name == "unpaid_hours":
                value = tuple((str(kind), float(hours)) for kind, hours in value or ())
            values[name] = tuple(value) if isinstance(value, list) else value
    values["paid_in_full"] = bool(values.get("paid_in_full"))
    values["review_reasons"] = tuple(row.get("review_reasons") or ())
    return PaymentReport(**values)


def moderation_view(row: Mapping[str, Any]) -> dict[str, Any]:
    return {name: row.get(name) for name in MODERATION_FIELDS}


def rows_to_table(rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """Stored rows as an Arrow table of REPORT_SCHEMA (for SQL over them)."""
    return pa.Table.from_pylist([{k: row.get(k) for k in REPORT_COLUMNS} for row in rows], schema=REPORT_SCHEMA)
