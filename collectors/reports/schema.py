"""Payment reports: the vocabulary, the record, and the one validator every way in goes through.

A report is a worker's claim that a payment was late, partial, withheld or never made (see
`payment-reports-research.md`, whose schema v0.1 this follows). The dashboard form and the union
import both call `validate()`: it turns raw input (strings from a CSV, values from a form or JSON)
into a frozen `PaymentReport`, or says, field by field, why it cannot.

* **Errors** (hard) reject the report: impossible dates (paid before the work began, periods in the
  future), amounts out of bounds, unknown currencies or platforms, missing required fields.
* **Review reasons** (soft) store the report but hold it for a moderator: a very large amount, a
  very long delay, a status that does not match the dates.
* **Notes** tell the submitter what was done with their input (a value ignored, a date derived).

`days_late` is always computed, never taken from input: (paid date, or the date the status was
last confirmed) minus the expected pay date, floored at 0. When the expected date is not stated it
is derived from the platform's published schedule (`schedules.py`), and `policy_version` records
which schedule. Free text is scrubbed of identifiers before it reaches the record (`scrub.py`).

Slugs differ from the research doc where the repo's `data/platforms.csv` already has an id
(`appen` not `appen_crowdgen`, `remotasks` not `scale_remotasks`, `telus` and `oneforma` apart):
reports join listings by `platform_id`. The doc's slugs are accepted as aliases.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from collectors.platforms import report_platforms
from collectors.reports import schedules
from collectors.reports.codes import COUNTRIES, CURRENCIES
from collectors.reports.scrub import clean_text, scrub

SCHEMA_VERSION = "0.2"

# -- vocabulary: slug -> plain-language label (the form shows the labels) ------------------------

# From the registry, data/platforms.csv (its `report_label` column), in the file's order.
PLATFORMS: dict[str, str] = report_platforms()

# Names seen in the wild (and the research doc's slugs) -> slug. Keys are normalised by `_key`.
PLATFORM_ALIASES: dict[str, str] = {
    "outlier_ai": "outlier", "outlierai": "outlier",
    "scale_remotasks": "remotasks", "remotask": "remotasks",
    "data_annotation": "dataannotation", "dataannotation_tech": "dataannotation",
    "data_annotation_tech": "dataannotation", "da": "dataannotation",
    "mercor_ai": "mercor",
    "handshake": "handshake_ai", "handshake_move": "handshake_ai", "move": "handshake_ai",
    "labelbox": "alignerr",
    "appen_crowdgen": "appen", "crowdgen": "appen", "appen_connect": "appen",
    "prolific_ac": "prolific", "prolificac": "prolific",
    "amazon_mechanical_turk": "mturk", "mechanical_turk": "mturk", "m_turk": "mturk",
    "mindrift": "toloka", "toloka_ai": "toloka",
    "invisible_technologies": "invisible", "meridial": "invisible",
    "surge_ai": "surge", "surgehq": "surge",
    "telus_oneforma": "telus", "telus_international": "telus", "telus_digital": "telus",
    "telus_international_ai": "telus", "telus_ai_community": "telus",
    "welo_data": "welocalize", "welodata": "welocalize", "rws_trainai": "rws", "trainai": "rws",
}

STATUSES: dict[str, str] = {
    "paid_on_time": "Paid on time",
    "paid_late": "Paid, but late",
    "partially_paid": "Only partly paid",
    "unpaid_pending": "Still waiting",
    "never_paid": "Never paid (I have given up)",
    "withheld_under_review": "Withheld 'under review'",
    "reversed": "Paid, then taken back",
    "disputed_hours": "Paid for fewer hours or tasks than I worked",
}
PAID_STATUSES = frozenset({"paid_on_time", "paid_late", "partially_paid"})  # a payment arrived
UNPAID_STATUSES = frozenset({"unpaid_pending", "never_paid", "withheld_under_review"})
PAID_IN_FULL_STATUSES = frozenset({"paid_on_time", "paid_late"})  # the event in time-to-payment

WORK_TYPES: dict[str, str] = {
    "hourly": "Paid by the hour",
    "per_task": "Paid per task",
    "per_item": "Paid per item",
    "per_media_minute": "Paid per minute of audio or video",
    "bonus": "A bonus or incentive",
    "onboarding_or_assessment": "Onboarding, training or an assessment",
    "referral": "A referral bonus",
    "other": "Something else",
}

RATE_UNITS: dict[str, str] = {
    "hour": "per hour",
    "task": "per task",
    "item": "per item",
    "media_minute": "per minute of audio or video",
}

PAYMENT_METHODS: dict[str, str] = {
    "paypal": "PayPal",
    "payoneer": "Payoneer",
    "stripe": "Stripe",
    "wise": "Wise",
    "airtm": "AirTM",
    "deel": "Deel",
    "ach": "Bank transfer (US, ACH)",
    "sepa": "Bank transfer (Europe, SEPA)",
    "amazon_payments": "Amazon Payments",
    "gift_card": "Gift card",
    "other": "Something else",
    "unknown": "I don't know",
}

CAUSES: dict[str, str] = {
    "processor_hold_kyc": "Payment provider hold or ID check (KYC)",
    "processor_migration": "Change of payment provider",
    "hours_removed": "Hours removed or not recorded",
    "task_rejected": "Tasks rejected after the work was done",
    "bonus_not_applied": "Promised bonus not paid",
    "project_cancelled": "Project cancelled or paused",
    "account_deactivated": "Account deactivated",
    "country_exit": "Platform stopped working in my country",
    "unknown": "No reason given",
}

SUPPORT_RESPONSES: dict[str, str] = {
    "none": "No answer at all",
    "auto_reply": "Only an automatic reply",
    "canned": "Copy-paste answers that did not help",
    "human": "A person answered",
    "resolved": "Support solved it",
}

ACCOUNT_STATUSES: dict[str, str] = {
    "active": "Still active",
    "under_review": "Under review",
    "deactivated": "Deactivated or blocked",
    "reactivated": "Deactivated, then reactivated",
    "project_offboarded": "Removed from the project",
}

EVIDENCE_TYPES: dict[str, str] = {
    "screenshot": "Screenshots",
    "email": "Emails",
    "invoice": "Invoices",
    "payment_statement": "Payment statements",
    "support_ticket": "Support tickets",
    "contract": "A contract or offer",
    "chat_message": "Chat or Slack messages",
    "time_log": "Time logs",
    "other": "Something else",
}

SOURCE_KINDS: dict[str, str] = {
    "self_report": "Sent by the worker through the gigwatch form",
    "union_import": "Collected by a union or workers' group and imported",
    "forum_import": "From a public forum post (paraphrased, with its link)",
    "news_import": "From a news report (with its link)",
    "legal_filing": "From a court filing (with its link)",
}
SOURCE_KINDS_NEEDING_URL = frozenset({"forum_import", "news_import", "legal_filing"})

EXPECTED_DATE_BASES: dict[str, str] = {
    "user": "Stated by the worker",
    "invoice": "From an invoice",
    "derived_from_policy": "Worked out from the platform's published pay schedule",
}

# -- bounds ----------------------------------------------------------------------------------------

EARLIEST_DATE = date(2005, 1, 1)  # MTurk opened in 2005: nothing in scope is older
MAX_DAYS_LATE = 730
LONG_DELAY_DAYS = 365
LONG_PERIOD_DAYS = 92
AMOUNT_HARD_CAP_USD = 100_000.0
AMOUNT_REVIEW_USD = 10_000.0
AMOUNT_NATIVE_CAP = Decimal("1000000000000")  # any currency: beyond this it is not a real amount
RECEIVED_OVER_EXPECTED = Decimal("1.05")
HOURLY_HARD_USD = (0.10, 1000.0)
HOURLY_REVIEW_USD = (1.0, 400.0)
PIECE_REVIEW_USD = (0.001, 500.0)
NARRATIVE_MAX_CHARS = 2000
PLATFORM_OTHER_MAX_CHARS = 60
PROJECT_CODE_MAX_CHARS = 64
# A date is "in the future" only if it is after today anywhere on Earth (UTC+14).
_FUTURE_SLACK = timedelta(hours=14)

KNOWN_FIELDS = frozenset({
    "source_kind", "source_url", "submitted_at", "external_id", "platform", "platform_other",
    "intermediary", "project_code", "work_type", "rate", "rate_min", "rate_max", "rate_unit",
    "rate_currency", "amount_expected", "amount_received", "currency", "currency_from_context",
    "work_period_start", "work_period_end", "expected_pay_date", "expected_pay_date_basis",
    "policy_version", "paid_date", "status", "payment_method", "causes", "cause_claimed",
    "support_contacted", "support_response", "days_to_first_response", "account_status",
    "country", "evidence_types", "narrative", "consent_publish_aggregate", "days_late",
    "report_id", "event_id",
})
DERIVED_FIELDS = frozenset({"days_late", "policy_version", "report_id"})


@dataclass(frozen=True, slots=True)
class PaymentReport:
    """One validated report, as stored (minus the ids and moderation state the store adds)."""

    source_kind: str
    submitted_at: datetime  # UTC
    confirmed_at: datetime  # UTC; when the status was last confirmed (submission or update)
    platform_id: str
    status: str
    paid_in_full: bool  # status paid_on_time / paid_late: the event in time-to-payment curves
    consent_publish_aggregate: bool
    fingerprint: str  # platform, project, period, amount, currency, country (see `fingerprint`)
    content_hash: str  # everything the reporter said; equal for a row imported twice
    source_url: str | None = None
    source_ref: str | None = None  # hashed external id, or "reddit:<post id>" for forum links
    platform_other: str | None = None
    intermediary: str | None = None
    project_code: str | None = None
    work_type: str | None = None
    rate_min: float | None = None
    rate_max: float | None = None
    rate_unit: str | None = None
    amount_expected: Decimal | None = None
    amount_received: Decimal | None = None
    currency: str | None = None
    currency_from_context: bool = False
    amount_expected_usd: float | None = None
    usd_per_unit: float | None = None  # the rate used for amount_expected_usd
    work_period_start: date | None = None
    work_period_end: date | None = None
    expected_pay_date: date | None = None
    expected_pay_date_basis: str | None = None
    policy_version: str | None = None
    paid_date: date | None = None
    days_late: int | None = None  # derived; None when no expected date is known
    followup_days: int | None = None  # time-to-payment duration: to payment, or to confirmation
    # (None when no expected date is known, or when it was not yet due at the last confirmation)
    grace_days: int | None = None
    processor_hold: bool = False
    payment_method: str | None = None
    causes: tuple[str, ...] = ()
    support_contacted: bool | None = None
    support_response: str | None = None
    days_to_first_response: int | None = None
    account_status: str | None = None
    country: str | None = None
    evidence_types: tuple[str, ...] = ()
    narrative_scrubbed: str | None = None
    event_id: str | None = None
    review_reasons: tuple[str, ...] = ()  # soft failures: stored, but held for a moderator

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class ValidationResult:
    report: PaymentReport | None
    errors: list[str] = field(default_factory=list)  # each "field: what is wrong, what to do"
    review_reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report is not None and not self.errors

    @property
    def held_for_review(self) -> bool:
        return self.ok and bool(self.review_reasons)

    @property
    def error_fields(self) -> set[str]:
        return {e.split(":", 1)[0] for e in self.errors}


@dataclass(frozen=True, slots=True)
class RowError:
    """An import row that could not even be read as fields (e.g. more cells than columns)."""

    message: str


class _Problems:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.review: list[str] = []
        self.notes: list[str] = []

    def error(self, name: str, message: str) -> None:
        self.errors.append(f"{name}: {message}")

    def has_error(self, name: str) -> bool:
        return any(e.startswith(f"{name}:") for e in self.errors)


# -- small parsers (each returns None for "not given") -------------------------------------------


def show(value: Any, limit: int = 40) -> str:
    """A value quoted for an error message: printable, short, never a terminal escape."""
    text = value if isinstance(value, str) else repr(value)
    text = clean_text(text, keep_newlines=False)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset):
        return len(value) == 0
    return False


def _key(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", clean_text(value).casefold()).strip("_")


def _enum(p: _Problems, name: str, value: Any, choices: Mapping[str, str],
          aliases: Mapping[str, str] | None = None) -> str | None:
    if _blank(value):
        return None
    if not isinstance(value, str):
        p.error(name, f"{show(value)} is not one of: {', '.join(choices)}")
        return None
    key = _key(value)
    if key in choices:
        return key
    if aliases and key in aliases:
        return aliases[key]
    by_label = {_key(label): slug for slug, label in choices.items()}
    if key in by_label:
        return by_label[key]
    p.error(name, f"{show(value)} is not one of: {', '.join(choices)}")
    return None


def _enum_list(p: _Problems, name: str, value: Any, choices: Mapping[str, str]) -> tuple[str, ...]:
    if _blank(value):
        return ()
    if isinstance(value, str):
        items: list[Any] = [v for v in re.split(r"[;,|\n]", value) if v.strip()]
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    else:
        p.error(name, f"{show(value)} is not a list; separate values with ';'")
        return ()
    out: list[str] = []
    for item in items:
        slug = _enum(p, name, item, choices)
        if slug and slug not in out:
            out.append(slug)
    return tuple(out)


_TRUE = {"true", "yes", "y", "1", "t", "on", "x"}
_FALSE = {"false", "no", "n", "0", "f", "off"}


def _bool(p: _Problems, name: str, value: Any) -> bool | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().casefold() in _TRUE | _FALSE:
        return value.strip().casefold() in _TRUE
    p.error(name, f"{show(value)} is not yes/no (use true or false)")
    return None


_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


def _date(p: _Problems, name: str, value: Any) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, datetime):
        parsed = value.astimezone(UTC).date() if value.tzinfo else value.date()
    elif isinstance(value, date):
        parsed = value
    elif isinstance(value, str) and _DATE_RE.match(value.strip()):
        try:
            parsed = date.fromisoformat(value.strip()[:10])
        except ValueError:
            p.error(name, f"{show(value)} is not a real date")
            return None
    else:
        p.error(name, f"{show(value)} is not a date; write it as YYYY-MM-DD, e.g. 2025-07-23")
        return None
    if parsed < EARLIEST_DATE:
        p.error(name, f"{parsed.isoformat()} is before {EARLIEST_DATE.year}; check the year")
        return None
    return parsed


def _datetime(p: _Problems, name: str, value: Any) -> datetime | None:
    if _blank(value):
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and _DATE_RE.match(value.strip()):
        text = value.strip().replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            p.error(name, f"{show(value)} is not a real date and time")
            return None
    else:
        p.error(name, f"{show(value)} is not a date; write it as YYYY-MM-DD or an ISO 8601 time")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    if parsed.date() < EARLIEST_DATE:
        p.error(name, f"{parsed.date().isoformat()} is before {EARLIEST_DATE.year}; check the year")
        return None
    return parsed


_AMOUNT_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$")


def _amount(p: _Problems, name: str, value: Any) -> Decimal | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        p.error(name, f"{show(value)} is not an amount")
        return None
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = Decimal("NaN")
    elif isinstance(value, str):
        text = value.strip()
        if text.startswith("-"):
            p.error(name, f"{show(value)} is negative; amounts are 0 or more")
            return None
        if not _AMOUNT_RE.match(text):
            p.error(name, f"{show(value)} is not a plain number like 350 or 1,250.50 "
                          "(put the currency in the currency field)")
            return None
        number = Decimal(text.replace(",", ""))
    else:
        p.error(name, f"{show(value)} is not an amount")
        return None
    if not number.is_finite():
        p.error(name, f"{show(value)} is not a finite number")
        return None
    if number < 0:
        p.error(name, f"{number} is negative; amounts are 0 or more")
        return None
    if number > AMOUNT_NATIVE_CAP:
        p.error(name, f"{number} is out of bounds (more than {AMOUNT_NATIVE_CAP:,} in any currency)")
        return None
    return number.quantize(Decimal("0.01"))


def _float(p: _Problems, name: str, value: Any) -> float | None:
    number = _amount(p, name, value)
    return None if number is None else float(number)


def _int(p: _Problems, name: str, value: Any, low: int, high: int) -> int | None:
    if _blank(value):
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value) if not isinstance(value, str) else float(value.strip())
    except (TypeError, ValueError):
        p.error(name, f"{show(value)} is not a whole number")
        return None
    if not math.isfinite(number) or number != int(number):
        p.error(name, f"{show(value)} is not a whole number")
        return None
    if not low <= int(number) <= high:
        p.error(name, f"{int(number)} is out of bounds ({low}–{high})")
        return None
    return int(number)


def _short_text(p: _Problems, name: str, value: Any, max_chars: int) -> str | None:
    if _blank(value):
        return None
    text = clean_text(str(value), keep_newlines=False)
    if len(text) > max_chars:
        p.error(name, f"{len(text):,} characters; at most {max_chars} are accepted")
        return None
    scrubbed = scrub(text, max_chars=max_chars)
    return scrubbed or None


def _slug(p: _Problems, name: str, value: Any, max_chars: int) -> str | None:
    """Project codes and intermediaries: lower-case words joined by '_'; no identifiers."""
    if _blank(value):
        return None
    text = clean_text(str(value), keep_newlines=False)
    if len(text) > max_chars:
        p.error(name, f"{len(text):,} characters; at most {max_chars} are accepted")
        return None
    slug = _key(text)
    if scrub(text) != text or scrub(slug) != slug:
        p.error(name, f"{show(value)} looks like a personal identifier (an email, number or "
                      "name); give the project's name only")
        return None
    return slug or None


_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]{2,}$", re.IGNORECASE)
_REDDIT_ID = re.compile(r"/comments/([a-z0-9]{4,10})(?:/|$)", re.IGNORECASE)


def reddit_post_id(url: str) -> str | None:
    """The reddit post id in a thread URL (reddit.com, old.reddit, redlib and other mirrors)."""
    match = _REDDIT_ID.search(url)
    return match.group(1).lower() if match else None


def _usd_per_unit(currency: str, on: date) -> float | None:
    from collectors.fx import usd_per_unit

    try:
        return usd_per_unit(currency, on)
    except (KeyError, ValueError, OSError):
        return None


def fingerprint(platform_id: str, project_code: str | None, work_period_start: date | None,
                work_period_end: date | None, amount_expected: Decimal | None,
                currency: str | None, country: str | None) -> str:
    """The duplicate key of the issue: platform, project, period and amount (plus currency and
    country, which tell apart same-amount reports from different places).

    Exact matches share a fingerprint; near matches (period end within 3 days, amount within 1%)
    are found by the store's duplicate check, which compares the fields themselves.
    """
    parts = (
        platform_id, project_code or "", work_period_start.isoformat() if work_period_start else "",
        work_period_end.isoformat() if work_period_end else "",
        f"{amount_expected:.2f}" if amount_expected is not None else "", currency or "", country or "",
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def _content_hash(values: Mapping[str, Any]) -> str:
    skip = {"submitted_at", "confirmed_at", "days_late", "followup_days", "fingerprint",
            "content_hash", "amount_expected_usd", "usd_per_unit", "review_reasons"}
    text = repr(sorted((k, repr(v)) for k, v in values.items() if k not in skip))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# -- the validator ---------------------------------------------------------------------------------


def validate(
    raw: Mapping[str, Any],
    *,
    now: datetime,
    source_kind: str = "self_report",
    submitted_at: datetime | None = None,
    confirmed_at: datetime | None = None,
    allowed_platforms: Collection[str] | None = None,
) -> ValidationResult:
    """Check one raw report; see the module docstring for what is an error and what is held.

    `now` is the time of validation (UTC). `submitted_at` and `confirmed_at` are set when a stored
    report is re-validated after an update: the original submission time, and the update time
    (the status was confirmed then). `allowed_platforms` extends the known platforms (the demo
    lake's fictional ones).
    """
    p = _Problems()
    if not isinstance(raw, Mapping):
        return ValidationResult(None, [f"report: {show(raw)} is not a set of fields"])
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    now = now.astimezone(UTC)

    unknown = sorted(str(k) for k in raw if str(k) not in KNOWN_FIELDS)
    if unknown:
        p.notes.append("ignored unknown field(s): " + ", ".join(show(k, 30) for k in unknown[:10]))
    if not _blank(raw.get("days_late")):
        p.notes.append("days_late: computed by gigwatch from the dates; the given value was ignored")
    if not _blank(raw.get("policy_version")):
        p.notes.append("policy_version: set by gigwatch when it derives a date; the given value was ignored")

    # -- source ---------------------------------------------------------------------------------
    kind = _enum(p, "source_kind", raw.get("source_kind"), SOURCE_KINDS) or source_kind
    if kind not in SOURCE_KINDS:
        p.error("source_kind", f"{show(kind)} is not one of: {', '.join(SOURCE_KINDS)}")
    if kind == "self_report" and source_kind != "self_report":
        p.error("source_kind", "'self_report' is only for reports sent through the gigwatch form")
    source_url: str | None = None
    if not _blank(raw.get("source_url")):
        text = clean_text(str(raw["source_url"]), keep_newlines=False)
        if len(text) > 500 or not _URL_RE.match(text):
            p.error("source_url", f"{show(raw['source_url'])} is not a web address (http:// or https://)")
        else:
            source_url = text
    if kind in SOURCE_KINDS_NEEDING_URL and source_url is None and not p.has_error("source_url"):
        p.error("source_url", f"required for source_kind {kind!r}: the public page the report comes from")
    source_ref: str | None = None
    if source_url and reddit_post_id(source_url):
        source_ref = f"reddit:{reddit_post_id(source_url)}"
    elif not _blank(raw.get("external_id")):
        # The importer's own row id: kept only as a hash (it may be a member number).
        ext = clean_text(str(raw["external_id"]), keep_newlines=False)[:200]
        source_ref = "ext:" + hashlib.sha256(ext.encode()).hexdigest()[:24]

    if submitted_at is None:
        if kind != "self_report" and not _blank(raw.get("submitted_at")):
            submitted_at = _datetime(p, "submitted_at", raw.get("submitted_at"))
            if submitted_at and submitted_at > now + timedelta(minutes=5):
                p.error("submitted_at", f"{submitted_at.isoformat()} is in the future")
                submitted_at = None
        submitted_at = submitted_at or now
    confirmed_at = confirmed_at or submitted_at
    latest_date = (confirmed_at + _FUTURE_SLACK).date()

    # -- what and where -------------------------------------------------------------------------
    platforms = dict(PLATFORMS)
    for extra in allowed_platforms or ():
        platforms.setdefault(extra, extra)
    platform = _enum(p, "platform", raw.get("platform"), platforms, PLATFORM_ALIASES)
    if platform is None and not p.has_error("platform"):
        p.error("platform", "required: which platform owes the money ('other' if it is not listed)")
    platform_other = _short_text(p, "platform_other", raw.get("platform_other"), PLATFORM_OTHER_MAX_CHARS)
    if platform == "other" and not platform_other and not p.has_error("platform_other"):
        p.error("platform_other", "required when platform is 'other': the platform's name")
    if platform not in (None, "other") and platform_other:
        p.notes.append("platform_other: ignored because platform is not 'other'")
        platform_other = None
    intermediary = _slug(p, "intermediary", raw.get("intermediary"), PLATFORM_OTHER_MAX_CHARS)
    project_code = _slug(p, "project_code", raw.get("project_code"), PROJECT_CODE_MAX_CHARS)
    work_type = _enum(p, "work_type", raw.get("work_type"), WORK_TYPES)
    country_raw = raw.get("country")
    country: str | None = None
    if not _blank(country_raw):
        code = clean_text(str(country_raw), keep_newlines=False).upper()
        code = {"UK": "GB", "EL": "GR"}.get(code, code)
        if code in COUNTRIES:
            country = code
        else:
            p.error("country", f"{show(country_raw)} is not a two-letter country code (ISO 3166-1, "
                               "e.g. KE, PH, US); gigwatch keeps the country only, never a city")
    status = _enum(p, "status", raw.get("status"), STATUSES)
    if status is None and not p.has_error("status"):
        p.error("status", "required: paid on time, paid late, partly paid, still waiting, never "
                          "paid, withheld, reversed or hours disputed")
    payment_method = _enum(p, "payment_method", raw.get("payment_method"), PAYMENT_METHODS)
    causes_value = raw.get("causes") if not _blank(raw.get("causes")) else raw.get("cause_claimed")
    causes = _enum_list(p, "causes", causes_value, CAUSES)
    evidence = _enum_list(p, "evidence_types", raw.get("evidence_types"), EVIDENCE_TYPES)
    account_status = _enum(p, "account_status", raw.get("account_status"), ACCOUNT_STATUSES)
    support_contacted = _bool(p, "support_contacted", raw.get("support_contacted"))
    support_response = _enum(p, "support_response", raw.get("support_response"), SUPPORT_RESPONSES)
    if support_response is not None and support_contacted is None:
        support_contacted = True
    if support_contacted is False and support_response not in (None,):
        p.error("support_response", "given, but support_contacted says support was not contacted")
    days_to_first_response = _int(p, "days_to_first_response", raw.get("days_to_first_response"), 0, MAX_DAYS_LATE)
    if days_to_first_response is not None and support_contacted is False:
        p.error("days_to_first_response", "given, but support_contacted says support was not contacted")
    consent = _bool(p, "consent_publish_aggregate", raw.get("consent_publish_aggregate"))
    if consent is None and not p.has_error("consent_publish_aggregate"):
        consent = False
        p.notes.append("consent_publish_aggregate: not given, so the report is kept but not "
                       "counted in public figures")
    event_id = _slug(p, "event_id", raw.get("event_id"), 80)

    narrative_raw = raw.get("narrative")
    narrative: str | None = None
    if not _blank(narrative_raw):
        if not isinstance(narrative_raw, str):
            p.error("narrative", f"{show(narrative_raw)} is not text")
        else:
            cleaned = clean_text(narrative_raw[: NARRATIVE_MAX_CHARS * 4 + 1])
            if len(cleaned) > NARRATIVE_MAX_CHARS:
                p.error("narrative", f"{len(narrative_raw):,} characters; at most "
                                     f"{NARRATIVE_MAX_CHARS:,} are accepted. Shorten it.")
            else:
                narrative = scrub(cleaned, max_chars=NARRATIVE_MAX_CHARS) or None

    # -- money ----------------------------------------------------------------------------------
    amount_expected = _amount(p, "amount_expected", raw.get("amount_expected"))
    amount_received = _amount(p, "amount_received", raw.get("amount_received"))
    rate_value = raw.get("rate")
    rate: Mapping[str, Any] = rate_value if isinstance(rate_value, Mapping) else {}
    if not _blank(raw.get("rate")) and not isinstance(raw.get("rate"), Mapping):
        p.error("rate", f"{show(raw.get('rate'))} is not an object with min, max, currency and unit")
    rate_min = _float(p, "rate_min", raw.get("rate_min", rate.get("min")))
    rate_max = _float(p, "rate_max", raw.get("rate_max", rate.get("max")))
    rate_unit = _enum(p, "rate_unit", raw.get("rate_unit", rate.get("unit")), RATE_UNITS,
                      {"hr": "hour", "hourly": "hour", "h": "hour", "minute": "media_minute",
                       "audio_minute": "media_minute", "video_minute": "media_minute"})
    if rate_min is not None and rate_max is not None and rate_min > rate_max:
        p.error("rate_max", f"{rate_max} is below rate_min {rate_min}")
    if (rate_min is not None or rate_max is not None) and rate_unit is None and not p.has_error("rate_unit"):
        p.error("rate_unit", "required with a rate: hour, task, item or media_minute")
    currency_raw = raw.get("currency")
    if _blank(currency_raw):
        currency_raw = raw.get("rate_currency", rate.get("currency"))
    currency: str | None = None
    if not _blank(currency_raw):
        code = clean_text(str(currency_raw), keep_newlines=False).upper()
        code = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "₱": "PHP", "KSH": "KES"}.get(code, code)
        if code in CURRENCIES:
            currency = code
        else:
            p.error("currency", f"{show(currency_raw)} is not an ISO 4217 currency code (e.g. USD, "
                                "KES, PHP, EUR)")
    other_rate_currency = raw.get("rate_currency", rate.get("currency"))
    if currency and not _blank(other_rate_currency) and str(other_rate_currency).strip().upper() != currency:
        p.error("rate_currency", f"{show(other_rate_currency)} differs from currency {currency}; "
                                 "give the rate in the report's currency")
    has_money = any(v is not None for v in (amount_expected, amount_received, rate_min, rate_max))
    if has_money and currency is None and not p.has_error("currency"):
        p.error("currency", "required when an amount or rate is given (e.g. USD, KES, PHP)")
    currency_from_context = bool(_bool(p, "currency_from_context", raw.get("currency_from_context")))

    # -- dates ----------------------------------------------------------------------------------
    start = _date(p, "work_period_start", raw.get("work_period_start"))
    end = _date(p, "work_period_end", raw.get("work_period_end"))
    stated_expected = _date(p, "expected_pay_date", raw.get("expected_pay_date"))
    paid_date = _date(p, "paid_date", raw.get("paid_date"))
    basis = _enum(p, "expected_pay_date_basis", raw.get("expected_pay_date_basis"), EXPECTED_DATE_BASES)

    for name, value in (("work_period_start", start), ("work_period_end", end)):
        if value and value > latest_date:
            p.error(name, f"{value.isoformat()} is in the future; report work already done")
    if start and end and start > end:
        p.error("work_period_end", f"{end.isoformat()} is before work_period_start {start.isoformat()}")
    if start and end and (end - start).days > LONG_PERIOD_DAYS and not p.errors:
        p.review.append(f"work period of {(end - start).days} days is longer than {LONG_PERIOD_DAYS}; "
                        "it may mix several pay periods")
    if paid_date and paid_date > latest_date:
        p.error("paid_date", f"{paid_date.isoformat()} is in the future")
    if paid_date and start and paid_date < start:
        p.error("paid_date", f"{paid_date.isoformat()} is before the work began ({start.isoformat()})")
    if stated_expected and stated_expected > latest_date + timedelta(days=366):
        p.error("expected_pay_date", f"{stated_expected.isoformat()} is more than a year away")
    if end is None and stated_expected is None and not (p.has_error("work_period_end") or p.has_error("expected_pay_date")):
        p.error("work_period_end", "required (or expected_pay_date): when the work ended, so "
                                   "gigwatch can tell how late the pay is")

    expected: date | None = None
    policy_version: str | None = None
    schedule = None
    if platform:
        schedule = schedules.schedule_for(platform, payment_method)
    if stated_expected and basis != "derived_from_policy":
        expected = stated_expected
        basis = basis or "user"
        if end and expected < end:
            p.error("expected_pay_date", f"{expected.isoformat()} is before the work ended "
                                         f"({end.isoformat()})")
    elif end and platform and not p.has_error("work_period_end"):
        derived = schedules.expected_pay_date(platform, end, payment_method)
        if derived is not None:
            expected, used = derived
            basis, policy_version = "derived_from_policy", used.policy_version
            p.notes.append(f"expected_pay_date: {expected.isoformat()}, worked out from "
                           f"{platforms.get(platform, platform)}'s published schedule ({used.summary})")
        elif basis == "derived_from_policy":
            p.error("expected_pay_date_basis", "derived_from_policy, but gigwatch has no verified "
                                               "published schedule for this platform; give the date")
        else:
            p.notes.append("expected_pay_date: not given and no published schedule is known for "
                           "this platform, so days late cannot be computed; add the date you "
                           "were told to expect payment")
    elif basis == "derived_from_policy":
        basis = None

    if status in PAID_STATUSES and paid_date is None and not p.has_error("paid_date"):
        p.error("paid_date", f"required when status is {status!r}: the day the money arrived")
    if status in UNPAID_STATUSES and paid_date is not None:
        p.error("paid_date", f"must be empty when status is {status!r} (no payment has arrived); "
                             "change the status if you were paid")

    days_late: int | None = None
    followup: int | None = None
    grace = schedule.grace_days if schedule else schedules.grace_days(platform or "", payment_method)
    if expected and not p.errors:
        confirmed_day = confirmed_at.date()
        reference = paid_date if paid_date is not None else confirmed_day
        days_late = max(0, (reference - expected).days)
        if days_late > MAX_DAYS_LATE:
            p.error("days_late", f"{days_late} days from the expected pay date {expected.isoformat()} "
                                 f"to {reference.isoformat()}; gigwatch accepts at most {MAX_DAYS_LATE} "
                                 "(two years). Check the dates.")
            days_late = None
        else:
            if status in PAID_IN_FULL_STATUSES:
                followup = days_late
            elif confirmed_day >= expected:
                followup = min((confirmed_day - expected).days, MAX_DAYS_LATE)
            # else: not yet due when last confirmed. Such a report says nothing about lateness
            # and stays out of time-to-payment curves (followup None), rather than counting
            # as "at risk of being paid on time" on day 0.
            if days_late > LONG_DELAY_DAYS:
                p.review.append(f"very long delay: {days_late} days late")
            if status == "paid_on_time" and days_late > grace:
                p.review.append(f"status says paid on time, but the payment came {days_late} days "
                                f"after the expected date (the platform's grace is {grace} days)")
            if status == "paid_late" and days_late == 0:
                p.review.append("status says paid late, but the paid date is on or before the "
                                "expected date")

    # -- money bounds (need the dates for the exchange rate) ------------------------------------
    amount_usd: float | None = None
    usd_rate: float | None = None
    if currency and not p.errors:
        fx_day = end or expected or submitted_at.date()
        usd_rate = _usd_per_unit(currency, fx_day)
        if usd_rate is None and has_money:
            p.review.append(f"no exchange rate for {currency} in gigwatch's table: check the "
                            "amount's size by hand")
    if amount_expected is not None and usd_rate is not None:
        amount_usd = round(float(amount_expected) * usd_rate, 2)
        if amount_usd > AMOUNT_HARD_CAP_USD:
            p.error("amount_expected", f"{amount_expected:,} {currency} is about {amount_usd:,.0f} "
                                       f"USD, above the {AMOUNT_HARD_CAP_USD:,.0f} USD bound")
            amount_usd = None
        elif amount_usd > AMOUNT_REVIEW_USD:
            p.review.append(f"very large amount: about {amount_usd:,.0f} USD")
    if amount_received is not None and usd_rate is not None:
        received_usd = float(amount_received) * usd_rate
        if received_usd > AMOUNT_HARD_CAP_USD:
            p.error("amount_received", f"{amount_received:,} {currency} is about {received_usd:,.0f} "
                                       f"USD, above the {AMOUNT_HARD_CAP_USD:,.0f} USD bound")
    if amount_expected is not None and amount_received is not None:
        if amount_received > amount_expected * RECEIVED_OVER_EXPECTED:
            p.review.append(f"amount received ({amount_received}) is more than the amount owed "
                            f"({amount_expected})")
        elif status == "partially_paid" and amount_received >= amount_expected:
            p.review.append("status says partly paid, but the amount received covers the amount owed")
    if status in ("never_paid", "unpaid_pending") and amount_received:
        p.review.append(f"status says {STATUSES[status].lower()}, but an amount received is given")
    for name, rate_number in (("rate_min", rate_min), ("rate_max", rate_max)):
        if rate_number is None or usd_rate is None or rate_unit is None:
            continue
        usd = rate_number * usd_rate
        if rate_unit == "hour":
            if not HOURLY_HARD_USD[0] <= usd <= HOURLY_HARD_USD[1]:
                p.error(name, f"{rate_number:g} {currency} an hour (about {usd:,.2f} USD) is outside "
                              f"{HOURLY_HARD_USD[0]:.2f}–{HOURLY_HARD_USD[1]:,.0f} USD an hour")
            elif not HOURLY_REVIEW_USD[0] <= usd <= HOURLY_REVIEW_USD[1]:
                p.review.append(f"unusual hourly rate: about {usd:,.2f} USD an hour")
        elif not PIECE_REVIEW_USD[0] <= usd <= PIECE_REVIEW_USD[1]:
            p.review.append(f"unusual rate: about {usd:,.3f} USD {RATE_UNITS[rate_unit]}")

    if p.errors or platform is None or status is None:
        return ValidationResult(None, p.errors, p.review, p.notes)

    values: dict[str, Any] = {
        "source_kind": kind,
        "submitted_at": submitted_at,
        "confirmed_at": confirmed_at,
        "platform_id": platform,
        "status": status,
        "paid_in_full": status in PAID_IN_FULL_STATUSES,
        "consent_publish_aggregate": bool(consent),
        "source_url": source_url,
        "source_ref": source_ref,
        "platform_other": platform_other,
        "intermediary": intermediary,
        "project_code": project_code,
        "work_type": work_type,
        "rate_min": rate_min,
        "rate_max": rate_max,
        "rate_unit": rate_unit,
        "amount_expected": amount_expected,
        "amount_received": amount_received,
        "currency": currency,
        "currency_from_context": currency_from_context,
        "amount_expected_usd": amount_usd,
        "usd_per_unit": usd_rate if amount_usd is not None else None,
        "work_period_start": start,
        "work_period_end": end,
        "expected_pay_date": expected,
        "expected_pay_date_basis": basis if expected else None,
        "policy_version": policy_version,
        "paid_date": paid_date,
        "days_late": days_late,
        "followup_days": followup,
        "grace_days": grace if expected else None,
        "processor_hold": "processor_hold_kyc" in causes,
        "payment_method": payment_method,
        "causes": causes,
        "support_contacted": support_contacted,
        "support_response": support_response,
        "days_to_first_response": days_to_first_response,
        "account_status": account_status,
        "country": country,
        "evidence_types": evidence,
        "narrative_scrubbed": narrative,
        "event_id": event_id,
    }
    values["fingerprint"] = fingerprint(platform, project_code, start, end, amount_expected, currency, country)
    values["content_hash"] = _content_hash(values)
    values["review_reasons"] = tuple(p.review)
    return ValidationResult(PaymentReport(**values), [], p.review, p.notes)


# Fields a reporter may change with their receipt code ("I was paid on ..."). The rest (platform,
# project, period, amount owed) define which report it is: a different value is a new report.
UPDATABLE_FIELDS = frozenset({
    "status", "paid_date", "amount_received", "support_contacted", "support_response",
    "days_to_first_response", "account_status", "causes", "evidence_types", "narrative",
    "payment_method", "consent_publish_aggregate",
})


def report_to_raw(report: PaymentReport) -> dict[str, Any]:
    """The raw fields that re-validate to `report` (used to apply an update and validate again)."""
    return {
        "source_kind": report.source_kind,
        "source_url": report.source_url,
        "platform": report.platform_id,
        "platform_other": report.platform_other,
        "intermediary": report.intermediary,
        "project_code": report.project_code,
        "work_type": report.work_type,
        "rate_min": report.rate_min,
        "rate_max": report.rate_max,
        "rate_unit": report.rate_unit,
        "amount_expected": report.amount_expected,
        "amount_received": report.amount_received,
        "currency": report.currency,
        "currency_from_context": report.currency_from_context,
        "work_period_start": report.work_period_start,
        "work_period_end": report.work_period_end,
        "expected_pay_date": report.expected_pay_date if report.expected_pay_date_basis != "derived_from_policy" else None,
        "expected_pay_date_basis": report.expected_pay_date_basis if report.expected_pay_date_basis != "derived_from_policy" else None,
        "paid_date": report.paid_date,
        "status": report.status,
        "payment_method": report.payment_method,
        "causes": list(report.causes),
        "support_contacted": report.support_contacted,
        "support_response": report.support_response,
        "days_to_first_response": report.days_to_first_response,
        "account_status": report.account_status,
        "country": report.country,
        "evidence_types": list(report.evidence_types),
        "narrative": report.narrative_scrubbed,
        "consent_publish_aggregate": report.consent_publish_aggregate,
        "event_id": report.event_id,
    }
