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

import csv
import functools
import hashlib
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from collectors.platforms import report_platforms
from collectors.reports import dates as approx_dates
from collectors.reports import schedules
from collectors.reports.codes import COUNTRIES, CURRENCIES
from collectors.reports.dates import ApproxDate, DateParseError
from collectors.reports.scrub import clean_text, scrub

SCHEMA_VERSION = "0.3"


def N_(message: str) -> str:
    """Mark a message for extraction (`babel.cfg` extracts this module): the CLI and the importer
    say it in English, the dashboard form translates it (error templates: `Problem`; labels)."""
    return message


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
    "paid_on_time": N_("Paid on time"),
    "paid_late": N_("Paid, but late"),
    "partially_paid": N_("Only partly paid"),
    "unpaid_pending": N_("Still waiting"),
    "never_paid": N_("Never paid (I have given up)"),
    "withheld_under_review": N_("Withheld 'under review'"),
    "reversed": N_("Paid, then taken back"),
    "disputed_hours": N_("Paid for fewer hours or tasks than I worked"),
    "other_grievance": N_("Not about when I was paid (a rate cut, a bonus, an account closed ...)"),
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
    "ach": N_("Bank transfer (US, ACH)"),
    "sepa": N_("Bank transfer (Europe, SEPA)"),
    "amazon_payments": "Amazon Payments",
    "gift_card": N_("Gift card"),
    "other": N_("Something else"),
    "unknown": N_("I don't know"),
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

GRIEVANCES: dict[str, str] = {
    "late_payment": "Paid late",
    "missing_payment": "Not paid at all (yet)",
    "rate_cut": "Pay rate cut on a project already running",
    "paid_less_than_agreed": "Paid less than agreed",
    "bonus_not_paid": "Promised bonus not paid",
    "hours_disputed": "Hours removed or disputed",
    "deactivated_with_balance": "Account closed while money was still owed",
    "processor_hold": "Money held by a payment provider (PayPal, AirTM, Payoneer ...)",
    "legal_action": "A settlement or legal action",
}
# Grievances about *when* money came: only these can enter days-late figures.
TIMING_GRIEVANCES = frozenset({"late_payment", "missing_payment"})
# What each status says by itself, when a report names no grievance.
STATUS_GRIEVANCES: dict[str, tuple[str, ...]] = {
    "paid_late": ("late_payment",),
    "partially_paid": ("paid_less_than_agreed",),
    "unpaid_pending": ("missing_payment",),
    "never_paid": ("missing_payment",),
    "withheld_under_review": ("missing_payment",),
    "reversed": ("missing_payment",),
    "disputed_hours": ("hours_disputed",),
}
CAUSE_GRIEVANCES: dict[str, str] = {
    "bonus_not_applied": "bonus_not_paid",
    "hours_removed": "hours_disputed",
    "processor_hold_kyc": "processor_hold",
}

UNPAID_HOUR_KINDS: dict[str, str] = {
    "onboarding": "Unpaid onboarding or training",
    "assessment": "Unpaid tests or assessments",
    "retraining": "Unpaid retraining",
    "waiting": "Waiting for tasks, unpaid",
    "removed": "Hours the platform removed",
}

PAYMENT_KINDS: dict[str, str] = {
    "paid": "Paid",
    "held": "Held back",
    "conditional_hold": "Held until a condition is met",
}

VERIFICATION_TIERS: dict[str, str] = {
    "self_reported": "Self-reported",
    "evidence_described": "Evidence described (the worker says what proof they hold)",
    "evidence_seen": "Evidence seen by a moderator or the union",
    "public_record": "Public record (news story, court filing or public forum post)",
}
# Source kinds grouped the way statistics count them apart.
SOURCE_CLASSES: dict[str, str] = {
    "self_report": "worker_report",
    "union_import": "union_import",
    "forum_import": "public_record",
    "news_import": "public_record",
    "legal_filing": "public_record",
}

DUE_BASES: dict[str, str] = {
    "stated": "Stated by the worker or on an invoice",
    "published_schedule": "The platform's published pay schedule",
    "estimated_from_cycle": "Estimated: end of work plus the platform's stated pay cycle",
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
    # added in schema 0.3 (issue 14): dates with a precision, grievances, incidents, hours,
    # instalments, vendors, verification
    *(f"{name}_{suffix}" for name in ("work_period_start", "work_period_end", "expected_pay_date",
                                      "paid_date", "submitted_at") for suffix in ("precision", "within_days")),
    "grievances", "processor", "incident_id", "affected_workers", "paid_hours", "unpaid_hours",
    *(f"unpaid_hours_{kind}" for kind in ("onboarding", "assessment", "retraining", "waiting", "removed")),
    "tasks_done", "payments", "vendor", "verification_tier", "source_comment_id",
})
DATE_FIELDS = ("work_period_start", "work_period_end", "expected_pay_date", "paid_date")

# The words the form and the import guide use for each field: error messages speak these.
FIELD_LABELS: dict[str, str] = {
    "report": "Report",
    "source_kind": "Where the report comes from",
    "source_url": "Link to the public page",
    "source_comment_id": "Comment on that page",
    "submitted_at": "Date of the report",
    "external_id": "Your own row id",
    "platform": "Platform",
    "platform_other": "Platform name",
    "intermediary": "Company between you and the platform",
    "vendor": "Company between you and the platform",
    "project_code": "Project name",
    "work_type": "Kind of work",
    "rate": "Pay rate",
    "rate_min": "Pay rate",
    "rate_max": "Highest pay rate",
    "rate_unit": "Pay rate is per",
    "rate_currency": "Currency of the pay rate",
    "amount_expected": "Amount owed",
    "amount_received": "Amount received",
    "currency": "Currency",
    "currency_from_context": "Currency read from context",
    "work_period_start": "First day of the work",
    "work_period_end": "Last day of the work",
    "expected_pay_date": "Date pay was due",
    "expected_pay_date_basis": "Where the due date comes from",
    "paid_date": "Date you were paid",
    "status": "What happened to the pay",
    "payment_method": "How you are paid",
    "causes": "Reason given",
    "grievances": "What went wrong",
    "processor": "Payment provider holding the money",
    "support_contacted": "Contacted support",
    "support_response": "Answer from support",
    "days_to_first_response": "Days until support answered",
    "account_status": "Your account now",
    "country": "Country",
    "evidence_types": "Proof you hold",
    "narrative": "What happened, in your words",
    "consent_publish_aggregate": "Count my report in public totals",
    "days_late": "Days late",
    "event_id": "Incident",
    "incident_id": "Incident",
    "affected_workers": "About how many workers were affected",
    "paid_hours": "Paid hours",
    "unpaid_hours": "Unpaid hours",
    "tasks_done": "Tasks done",
    "payments": "Payments",
    "verification_tier": "Verification",
    **{f"unpaid_hours_{kind}": label for kind, label in UNPAID_HOUR_KINDS.items()},
    **{f"{name}_{suffix}": f"{base} ({'how exact' if suffix == 'precision' else 'give or take days'})"
       for name, base in (("work_period_start", "First day of the work"), ("work_period_end", "Last day of the work"),
                          ("expected_pay_date", "Date pay was due"), ("paid_date", "Date you were paid"),
                          ("submitted_at", "Date of the report"))
       for suffix in ("precision", "within_days")},
}


def label(name: str) -> str:
    """The field's label, as the form and the import guide show it."""
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


_FIELD_NAME_RE = re.compile(r"\b(" + "|".join(sorted((re.escape(n) for n in FIELD_LABELS if "_" in n),
                                                     key=len, reverse=True)) + r")\b")


def in_words(error: str) -> str:
    """An error ("paid_date: ...") in the words of the field labels ("Date you were paid: ...")."""
    name, _, message = error.partition(":")
    message = _FIELD_NAME_RE.sub(lambda m: f"'{label(m.group(1)).lower()}'", message)
    return f"{label(name.strip())}:{message}"

DERIVED_FIELDS = frozenset({"days_late", "policy_version", "report_id"})


DELAY_REASONS: dict[str, str] = {
    "not_a_delay": "the report is about something other than when pay came (a rate cut, a bonus ...)",
    "no_due_date": "no due date: none was stated, the platform publishes no pay schedule, and no "
                   "pay cycle is known for it",
    "no_work_dates": "no due date: neither the due date nor the end of the work is known",
    "not_yet_due": "the pay was not yet due when the report was made",
    "no_report_date": "still unpaid, but the date of the report is unknown, so the wait cannot be measured",
    "no_paid_date": "paid, but the date of payment is unknown",
    "processor_hold": "the money is held by a payment provider, which is not the platform's lateness",
}


@dataclass(frozen=True, slots=True)
class Payment:
    """One instalment or hold: its date (as given), amount and kind (PAYMENT_KINDS)."""

    on: ApproxDate
    amount: Decimal | None
    kind: str = "paid"

    def to_json(self) -> dict[str, Any]:
        return {"date": self.on.to_json(), "amount": None if self.amount is None else str(self.amount),
                "kind": self.kind}


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
    event_id: str | None = None  # the incident a report belongs to (input `event_id` or `incident_id`)
    review_reasons: tuple[str, ...] = ()  # soft failures: stored, but held for a moderator
    # -- schema 0.3 (issue 14). Defaults keep rows stored before it readable. --
    # Every date as given: its interval and precision. The legacy exact fields above
    # (work_period_end, paid_date, ...) are set only when the date was given to the day.
    work_period_start_approx: ApproxDate | None = None
    work_period_end_approx: ApproxDate | None = None
    expected_pay_date_approx: ApproxDate | None = None
    paid_date_approx: ApproxDate | None = None
    submitted_approx: ApproxDate | None = None  # when the worker reported it; unknown for an undated import
    grievances: tuple[str, ...] = ()
    processor: str | None = None  # the payment provider holding the money, named apart from the platform
    affected_workers: int | None = None  # "about how many workers" a mass incident hit
    paid_hours: float | None = None
    unpaid_hours: tuple[tuple[str, float], ...] = ()  # (kind, hours), kinds from UNPAID_HOUR_KINDS
    tasks_done: int | None = None
    hours_worked: float | None = None  # derived: paid + unpaid hours
    effective_hourly_rate: float | None = None  # derived: amount received / hours worked, in `currency`
    effective_hourly_usd: float | None = None
    payments: tuple[Payment, ...] = ()
    platform_named_as: str | None = None  # the name given when it was a parent company ("Scale AI")
    verification_tier: str = "self_reported"
    source_class: str = "worker_report"  # worker_report, union_import or public_record
    due_lower: date | None = None  # the due date as an interval (derived)
    due_upper: date | None = None
    due_basis: str | None = None  # stated, published_schedule, estimated_from_cycle (DUE_BASES)
    delay_lower_days: int | None = None  # days from due to payment, as an interval (derived)
    delay_upper_days: int | None = None  # None with a lower bound: still unpaid (right-censored)
    delay_reason: str | None = None  # why the report has no delay interval (DELAY_REASONS)

    @property
    def delay_interval(self) -> tuple[int, float] | None:
        """[lower, upper] days from due date to payment; upper is inf while unpaid."""
        if self.delay_lower_days is None:
            return None
        upper = math.inf if self.delay_upper_days is None else float(self.delay_upper_days)
        return self.delay_lower_days, upper

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Problem:
    """One error as its template and values, so a form can say it in the reader's language:
    `_(template).format(**params)`. `text` is the English "field: message" of `errors`.
    A value may itself be a Problem (an instalment's error inside "payment 2: ...")."""

    name: str
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template.format(**self.params)

    @property
    def text(self) -> str:
        return f"{self.name}: {self.message}"

    def __str__(self) -> str:
        return self.message


@dataclass(slots=True)
class ValidationResult:
    report: PaymentReport | None
    errors: list[str] = field(default_factory=list)  # each "field: what is wrong, what to do"
    review_reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # The same errors as templates and values (`Problem`), for a form that translates them.
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report is not None and not self.errors

    @property
    def held_for_review(self) -> bool:
        return self.ok and bool(self.review_reasons)

    @property
    def error_fields(self) -> set[str]:
        return {e.split(":", 1)[0] for e in self.errors}

    @property
    def messages(self) -> list[str]:
        """The errors in the words of the field labels, for people (the form, the account)."""
        return [in_words(e) for e in self.errors]


@dataclass(frozen=True, slots=True)
class RowError:
    """An import row that could not even be read as fields (e.g. more cells than columns)."""

    message: str


class _Problems:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.problems: list[Problem] = []
        self.review: list[str] = []
        self.notes: list[str] = []

    def error(self, name: str, template: str, /, **params: Any) -> None:
        """Record "name: message": `template` is an `N_()` literal with named placeholders,
        `params` the values (data: shown as they are, in every language)."""
        problem = Problem(name, template, params)
        self.problems.append(problem)
        self.errors.append(problem.text)

    def drop(self, prefix: str) -> None:
        """Forget the errors that start with `prefix` (a requirement met after all)."""
        self.errors[:] = [e for e in self.errors if not e.startswith(prefix)]
        self.problems[:] = [p for p in self.problems if not p.text.startswith(prefix)]

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
        p.error(name, N_("{value} is not one of: {choices}"), value=show(value), choices=", ".join(choices))
        return None
    key = _key(value)
    if key in choices:
        return key
    if aliases and key in aliases:
        return aliases[key]
    by_label = {_key(label): slug for slug, label in choices.items()}
    if key in by_label:
        return by_label[key]
    p.error(name, N_("{value} is not one of: {choices}"), value=show(value), choices=", ".join(choices))
    return None


def _enum_list(p: _Problems, name: str, value: Any, choices: Mapping[str, str]) -> tuple[str, ...]:
    if _blank(value):
        return ()
    if isinstance(value, str):
        items: list[Any] = [v for v in re.split(r"[;,|\n]", value) if v.strip()]
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    else:
        p.error(name, N_("{value} is not a list; separate values with ';'"), value=show(value))
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
    p.error(name, N_("{value} is not yes/no (use true or false)"), value=show(value))
    return None


_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


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
            p.error(name, N_("{value} is not a real date and time"), value=show(value))
            return None
    else:
        p.error(name, N_("{value} is not a date; write it as YYYY-MM-DD or an ISO 8601 time"), value=show(value))
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    if parsed.date() < EARLIEST_DATE:
        p.error(name, N_("{day} is before {year}; check the year"), day=parsed.date().isoformat(), year=EARLIEST_DATE.year)
        return None
    return parsed


_AMOUNT_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$")


def _amount(p: _Problems, name: str, value: Any) -> Decimal | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        p.error(name, N_("{value} is not an amount"), value=show(value))
        return None
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = Decimal("NaN")
    elif isinstance(value, str):
        text = value.strip()
        if text.startswith("-"):
            p.error(name, N_("{value} is negative; amounts are 0 or more"), value=show(value))
            return None
        if not _AMOUNT_RE.match(text):
            p.error(name, N_("{value} is not a plain number like 350 or 1,250.50 "
                           "(put the currency in the currency field)"), value=show(value))
            return None
        number = Decimal(text.replace(",", ""))
    else:
        p.error(name, N_("{value} is not an amount"), value=show(value))
        return None
    if not number.is_finite():
        p.error(name, N_("{value} is not a finite number"), value=show(value))
        return None
    if number < 0:
        p.error(name, N_("{value} is negative; amounts are 0 or more"), value=str(number))
        return None
    if number > AMOUNT_NATIVE_CAP:
        p.error(name, N_("{value} is out of bounds (more than {cap:,} in any currency)"), value=str(number),
                cap=AMOUNT_NATIVE_CAP)
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
        p.error(name, N_("{value} is not a whole number"), value=show(value))
        return None
    if not math.isfinite(number) or number != int(number):
        p.error(name, N_("{value} is not a whole number"), value=show(value))
        return None
    if not low <= int(number) <= high:
        p.error(name, N_("{value} is out of bounds ({low}–{high})"), value=int(number), low=low, high=high)
        return None
    return int(number)


def _short_text(p: _Problems, name: str, value: Any, max_chars: int) -> str | None:
    if _blank(value):
        return None
    text = clean_text(str(value), keep_newlines=False)
    if len(text) > max_chars:
        p.error(name, N_("{length:,} characters; at most {max_chars} are accepted"), length=len(text),
                max_chars=max_chars)
        return None
    scrubbed = scrub(text, max_chars=max_chars)
    return scrubbed or None


def _slug(p: _Problems, name: str, value: Any, max_chars: int) -> str | None:
    """Project codes and intermediaries: lower-case words joined by '_'; no identifiers."""
    if _blank(value):
        return None
    text = clean_text(str(value), keep_newlines=False)
    if len(text) > max_chars:
        p.error(name, N_("{length:,} characters; at most {max_chars} are accepted"), length=len(text),
                max_chars=max_chars)
        return None
    slug = _key(text)
    if scrub(text) != text or scrub(slug) != slug:
        p.error(name, N_("{value} looks like a personal identifier (an email, number or "
                       "name); give the project's name only"), value=show(value))
        return None
    return slug or None


_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]{2,}$", re.IGNORECASE)
_REDDIT_ID = re.compile(r"/comments/([a-z0-9]{4,10})(?:/|$)", re.IGNORECASE)


def reddit_post_id(url: str) -> str | None:
    """The reddit post id in a thread URL (reddit.com, old.reddit, redlib and other mirrors)."""
    match = _REDDIT_ID.search(url)
    return match.group(1).lower() if match else None


_REDDIT_COMMENT = re.compile(r"/comments/[a-z0-9]{4,10}/[^/?#]*/([a-z0-9]{4,10})(?:/|$|\?)", re.IGNORECASE)


def reddit_comment_id(url: str) -> str | None:
    """The comment id in a reddit comment permalink (/comments/<post>/<slug>/<comment>/)."""
    match = _REDDIT_COMMENT.search(url)
    return match.group(1).lower() if match else None


ALIASES_CSV = Path(__file__).resolve().parents[2] / "data" / "platform_aliases.csv"


@functools.cache
def platform_aliases() -> dict[str, tuple[str, str, str]]:
    """Parent companies and former names -> (platform_id, relation, note), from
    data/platform_aliases.csv (keys normalised like platform names)."""
    out: dict[str, tuple[str, str, str]] = {}
    if not ALIASES_CSV.exists():
        return out
    with ALIASES_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out[_key(row["name"])] = (row["platform_id"], row["relation"], row["note"])
    return out


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


# Fields added in schema 0.3: in the content hash only when they say something, so that a row
# imported before them hashes as it did.
_V03_FIELDS = frozenset(list(PaymentReport.__dataclass_fields__)[
    list(PaymentReport.__dataclass_fields__).index("work_period_start_approx"):])
_V03_DERIVED = frozenset({"submitted_approx", "hours_worked", "effective_hourly_rate", "effective_hourly_usd",
                          "verification_tier", "source_class", "due_lower", "due_upper", "due_basis",
                          "delay_lower_days", "delay_upper_days", "delay_reason", "grievances"})


def _content_hash(values: Mapping[str, Any]) -> str:
    skip = {"submitted_at", "confirmed_at", "days_late", "followup_days", "fingerprint",
            "content_hash", "amount_expected_usd", "usd_per_unit", "review_reasons"} | _V03_DERIVED
    def says_something(k: str, v: Any) -> bool:
        if k not in _V03_FIELDS:
            return True
        return v not in (None, (), "") and not (isinstance(v, ApproxDate) and v.precision == "day")
    text = repr(sorted((k, repr(v)) for k, v in values.items() if k not in skip and says_something(k, v)))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# -- the validator ---------------------------------------------------------------------------------
#
# `validate()` runs one small checker per section of the form, in order; each reads raw input,
# records problems and fills in `_Draft.values` (the PaymentReport fields). Later checkers read
# what earlier ones settled (the due date needs the platform and the dates).


@dataclass(slots=True)
class _Draft:
    raw: Mapping[str, Any]
    now: datetime
    default_kind: str
    submitted_at: datetime | None
    confirmed_at: datetime | None
    platforms: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    latest_date: date = date.max
    schedule: schedules.PaySchedule | None = None
    usd_rate: float | None = None

    def get(self, name: str) -> Any:
        return self.raw.get(name)


def _check_input_fields(p: _Problems, d: _Draft) -> None:
    unknown = sorted(str(k) for k in d.raw if str(k) not in KNOWN_FIELDS)
    if unknown:
        p.notes.append("ignored unknown field(s): " + ", ".join(show(k, 30) for k in unknown[:10]))
    if not _blank(d.get("days_late")):
        p.notes.append("days_late: computed by gigwatch from the dates; the given value was ignored")
    if not _blank(d.get("policy_version")):
        p.notes.append("policy_version: set by gigwatch when it derives a date; the given value was ignored")


def _check_source(p: _Problems, d: _Draft) -> None:
    """Where the report comes from, its link and the key that tells two reports apart."""
    kind = _enum(p, "source_kind", d.get("source_kind"), SOURCE_KINDS) or d.default_kind
    if kind not in SOURCE_KINDS:
        p.error("source_kind", N_("{value} is not one of: {choices}"), value=show(kind), choices=", ".join(SOURCE_KINDS))
    if kind == "self_report" and d.default_kind != "self_report":
        p.error("source_kind", N_("'self_report' is only for reports sent through the gigwatch form"))
    source_url: str | None = None
    if not _blank(d.get("source_url")):
        text = clean_text(str(d.get("source_url")), keep_newlines=False)
        if len(text) > 500 or not _URL_RE.match(text):
            p.error("source_url", N_("{value} is not a web address (http:// or https://)"), value=show(d.get("source_url")))
        else:
            source_url = text
    if kind in SOURCE_KINDS_NEEDING_URL and source_url is None and not p.has_error("source_url"):
        p.error("source_url", N_("required for source_kind {kind!r}: the public page the report comes from"), kind=kind)
    comment = _short_text(p, "source_comment_id", d.get("source_comment_id"), 120)
    source_ref: str | None = None
    post = reddit_post_id(source_url) if source_url else None
    comment = comment or (reddit_comment_id(source_url) if source_url else None)
    if post:
        # Two commenters in one thread are two reports: the key is the comment when there is one.
        source_ref = f"reddit:{post}" + (f":{_key(comment)}" if comment else "")
    elif source_url and comment:
        source_ref = "url:" + hashlib.sha256(f"{source_url}#{comment}".encode()).hexdigest()[:24]
    elif not _blank(d.get("external_id")):
        # The importer's own row id: kept only as a hash (it may be a member number).
        ext = clean_text(str(d.get("external_id")), keep_newlines=False)[:200]
        source_ref = "ext:" + hashlib.sha256(ext.encode()).hexdigest()[:24]
    d.values.update(source_kind=kind, source_url=source_url, source_ref=source_ref,
                    source_class=SOURCE_CLASSES.get(kind, "worker_report"))


def _check_submission(p: _Problems, d: _Draft) -> None:
    """When the worker reported it. An import without a date has an *unknown* report date: it is
    stored at the import time, but no wait is ever measured up to the import day."""
    kind = d.values["source_kind"]
    submitted_at = d.submitted_at
    submitted_approx: ApproxDate | None = None
    if submitted_at is not None and (isinstance(d.get("submitted_at"), ApproxDate | dict)
                                     or d.get("submitted_at_precision") == "unknown"):
        # A stored report re-validated after an update keeps its report date as it was given.
        submitted_approx = _approx(p, d, "submitted_at") or ApproxDate.unknown()
    if submitted_at is None:
        if kind != "self_report":
            submitted_approx = _approx(p, d, "submitted_at", today=None)
            if submitted_approx is not None and submitted_approx.precision == "day":
                submitted_at = _datetime(p, "submitted_at", d.get("submitted_at"))
            elif submitted_approx is not None and submitted_approx.upper is not None:
                upper = submitted_approx.upper
                submitted_at = datetime(upper.year, upper.month, upper.day, tzinfo=UTC)
                if submitted_at > d.now:
                    submitted_at = d.now
            if submitted_approx and submitted_approx.lower and submitted_approx.lower > d.now.date():
                p.error("submitted_at", N_("{day} is in the future"), day=submitted_approx.describe())
                submitted_approx, submitted_at = None, None
            if submitted_at and submitted_at > d.now + timedelta(minutes=5):
                p.error("submitted_at", N_("{day} is in the future"), day=submitted_at.isoformat())
                submitted_at = None
            if submitted_approx is None and not p.has_error("submitted_at"):
                submitted_approx = ApproxDate.unknown()
                p.notes.append("submitted_at: not given, so the date of the report is unknown; a "
                               "still-unpaid report is not measured up to the import day")
        submitted_at = submitted_at or d.now
    if submitted_approx is None:
        submitted_approx = ApproxDate.day(submitted_at.astimezone(UTC).date())
    confirmed_at = d.confirmed_at or submitted_at
    d.latest_date = (confirmed_at + _FUTURE_SLACK).date()
    d.values.update(submitted_at=submitted_at, confirmed_at=confirmed_at, submitted_approx=submitted_approx)


def _resolve_platform(p: _Problems, d: _Draft) -> str | None:
    value = d.get("platform")
    if isinstance(value, str) and not _blank(value):
        parent = platform_aliases().get(_key(value))
        if parent is not None and _key(value) not in d.platforms:
            platform_id, relation, note = parent
            d.values["platform_named_as"] = clean_text(value, keep_newlines=False)[:PLATFORM_OTHER_MAX_CHARS]
            p.notes.append(f"platform: {show(value)} read as {d.platforms.get(platform_id, platform_id)} ({note})")
            if relation == "parent":
                p.review.append(f"platform named only by its parent company {show(value)}: check "
                                "which of its platforms the work was on")
            return platform_id
    return _enum(p, "platform", value, d.platforms, PLATFORM_ALIASES)


def _check_what(p: _Problems, d: _Draft) -> None:
    """Platform, vendor, project, status, grievances and the other choices."""
    platform = _resolve_platform(p, d)
    if platform is None and not p.has_error("platform"):
        p.error("platform", N_("required: which platform owes the money ('other' if it is not listed)"))
    platform_other = _short_text(p, "platform_other", d.get("platform_other"), PLATFORM_OTHER_MAX_CHARS)
    if platform == "other" and not platform_other and not p.has_error("platform_other"):
        p.error("platform_other", N_("required when platform is 'other': the platform's name"))
    if platform not in (None, "other") and platform_other:
        p.notes.append("platform_other: ignored because platform is not 'other'")
        platform_other = None
    intermediary = _slug(p, "intermediary", d.get("intermediary"), PLATFORM_OTHER_MAX_CHARS)
    vendor = _slug(p, "vendor", d.get("vendor"), PLATFORM_OTHER_MAX_CHARS)
    if vendor and intermediary and vendor != intermediary:
        p.error("vendor", N_("{value} differs from intermediary {other}; give one company"), value=show(vendor),
                other=show(intermediary))
    country_raw = d.get("country")
    country: str | None = None
    if not _blank(country_raw):
        code = clean_text(str(country_raw), keep_newlines=False).upper()
        code = {"UK": "GB", "EL": "GR"}.get(code, code)
        if code in COUNTRIES:
            country = code
        else:
            p.error("country", N_("{value} is not a two-letter country code (ISO 3166-1, "
                                "e.g. KE, PH, US); gigwatch keeps the country only, never a city"),
                    value=show(country_raw))
    causes_value = d.get("causes") if not _blank(d.get("causes")) else d.get("cause_claimed")
    d.values.update(
        platform_id=platform, platform_other=platform_other, intermediary=intermediary or vendor,
        project_code=_slug(p, "project_code", d.get("project_code"), PROJECT_CODE_MAX_CHARS),
        work_type=_enum(p, "work_type", d.get("work_type"), WORK_TYPES),
        country=country,
        payment_method=_enum(p, "payment_method", d.get("payment_method"), PAYMENT_METHODS),
        causes=_enum_list(p, "causes", causes_value, CAUSES),
        evidence_types=_enum_list(p, "evidence_types", d.get("evidence_types"), EVIDENCE_TYPES),
        account_status=_enum(p, "account_status", d.get("account_status"), ACCOUNT_STATUSES),
    )
    _check_status_and_grievances(p, d)


def _check_status_and_grievances(p: _Problems, d: _Draft) -> None:
    """One or more grievances; the status may be left out when none is about timing."""
    given = _enum_list(p, "grievances", d.get("grievances"), GRIEVANCES)
    status = _enum(p, "status", d.get("status"), STATUSES)
    if status is None and not p.has_error("status"):
        if given and not set(given) & TIMING_GRIEVANCES:
            status = "other_grievance"
        elif not p.has_error("grievances"):
            p.error("status", N_("required: paid on time, paid late, partly paid, still waiting, never "
                               "paid, withheld, reversed or hours disputed"))
    grievances = list(given)
    if not given:
        grievances.extend(STATUS_GRIEVANCES.get(status or "", ()))
        grievances.extend(CAUSE_GRIEVANCES[c] for c in d.values["causes"] if c in CAUSE_GRIEVANCES)
        if ("account_deactivated" in d.values["causes"] or d.values["account_status"] == "deactivated") \
                and status in UNPAID_STATUSES | {"partially_paid"}:
            grievances.append("deactivated_with_balance")
    if status == "other_grievance" and set(grievances) & TIMING_GRIEVANCES:
        p.error("status", N_("'not about when I was paid', but the grievances include late or missing pay"))
    processor = _enum(p, "processor", d.get("processor"), PAYMENT_METHODS)
    if "processor_hold" in grievances and processor is None and not p.has_error("processor"):
        method = d.values["payment_method"]
        if method not in (None, "unknown", "other"):
            processor = method
            p.notes.append(f"processor: {PAYMENT_METHODS[method]} (the payment method) taken as the "
                           "payment provider holding the money")
    if processor is not None and "processor_hold" not in grievances:
        grievances.append("processor_hold")
    d.values.update(status=status, grievances=tuple(dict.fromkeys(grievances)), processor=processor)


def _check_support_and_consent(p: _Problems, d: _Draft) -> None:
    support_contacted = _bool(p, "support_contacted", d.get("support_contacted"))
    support_response = _enum(p, "support_response", d.get("support_response"), SUPPORT_RESPONSES)
    if support_response is not None and support_contacted is None:
        support_contacted = True
    if support_contacted is False and support_response is not None:
        p.error("support_response", N_("given, but support_contacted says support was not contacted"))
    days_to_first_response = _int(p, "days_to_first_response", d.get("days_to_first_response"), 0, MAX_DAYS_LATE)
    if days_to_first_response is not None and support_contacted is False:
        p.error("days_to_first_response", N_("given, but support_contacted says support was not contacted"))
    consent = _bool(p, "consent_publish_aggregate", d.get("consent_publish_aggregate"))
    if consent is None and not p.has_error("consent_publish_aggregate"):
        consent = False
        p.notes.append("consent_publish_aggregate: not given, so the report is kept but not "
                       "counted in public figures")
    d.values.update(support_contacted=support_contacted, support_response=support_response,
                    days_to_first_response=days_to_first_response, consent_publish_aggregate=bool(consent))


def _check_incident(p: _Problems, d: _Draft) -> None:
    event = _slug(p, "event_id", d.get("event_id"), 80)
    incident = _slug(p, "incident_id", d.get("incident_id"), 80)
    if event and incident and event != incident:
        p.error("incident_id", N_("{value} differs from event_id {other}; give one incident"), value=show(incident),
                other=show(event))
    affected = _int(p, "affected_workers", d.get("affected_workers"), 1, 10_000_000)
    d.values.update(event_id=event or incident, affected_workers=affected)


def _check_narrative(p: _Problems, d: _Draft) -> None:
    narrative_raw = d.get("narrative")
    narrative: str | None = None
    if not _blank(narrative_raw):
        if not isinstance(narrative_raw, str):
            p.error("narrative", N_("{value} is not text"), value=show(narrative_raw))
        else:
            cleaned = clean_text(narrative_raw[: NARRATIVE_MAX_CHARS * 4 + 1])
            if len(cleaned) > NARRATIVE_MAX_CHARS:
                p.error("narrative", N_("{length:,} characters; at most {max_chars:,} are accepted. Shorten it."),
                        length=len(narrative_raw), max_chars=NARRATIVE_MAX_CHARS)
            else:
                narrative = scrub(cleaned, max_chars=NARRATIVE_MAX_CHARS) or None
    d.values["narrative_scrubbed"] = narrative


def _check_money(p: _Problems, d: _Draft) -> None:
    """Amounts, the pay rate and the currency."""
    amount_expected = _amount(p, "amount_expected", d.get("amount_expected"))
    amount_received = _amount(p, "amount_received", d.get("amount_received"))
    rate_value = d.get("rate")
    rate: Mapping[str, Any] = rate_value if isinstance(rate_value, Mapping) else {}
    if not _blank(rate_value) and not isinstance(rate_value, Mapping):
        p.error("rate", N_("{value} is not an object with min, max, currency and unit"), value=show(rate_value))
    rate_min = _float(p, "rate_min", d.raw.get("rate_min", rate.get("min")))
    rate_max = _float(p, "rate_max", d.raw.get("rate_max", rate.get("max")))
    rate_unit = _enum(p, "rate_unit", d.raw.get("rate_unit", rate.get("unit")), RATE_UNITS,
                      {"hr": "hour", "hourly": "hour", "h": "hour", "minute": "media_minute",
                       "audio_minute": "media_minute", "video_minute": "media_minute"})
    if rate_min is not None and rate_max is not None and rate_min > rate_max:
        p.error("rate_max", N_("{value} is below rate_min {low}"), value=str(rate_max), low=str(rate_min))
    if (rate_min is not None or rate_max is not None) and rate_unit is None and not p.has_error("rate_unit"):
        p.error("rate_unit", N_("required with a rate: hour, task, item or media_minute"))
    currency_raw = d.get("currency")
    if _blank(currency_raw):
        currency_raw = d.raw.get("rate_currency", rate.get("currency"))
    currency: str | None = None
    if not _blank(currency_raw):
        code = clean_text(str(currency_raw), keep_newlines=False).upper()
        code = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "₱": "PHP", "KSH": "KES"}.get(code, code)
        if code in CURRENCIES:
            currency = code
        else:
            p.error("currency", N_("{value} is not an ISO 4217 currency code (e.g. USD, KES, PHP, EUR)"),
                    value=show(currency_raw))
    other_rate_currency = d.raw.get("rate_currency", rate.get("currency"))
    if currency and not _blank(other_rate_currency) and str(other_rate_currency).strip().upper() != currency:
        p.error("rate_currency", N_("{value} differs from currency {currency}; give the rate in the "
                                 "report's currency"), value=show(other_rate_currency), currency=currency)
    d.values.update(amount_expected=amount_expected, amount_received=amount_received, rate_min=rate_min,
                    rate_max=rate_max, rate_unit=rate_unit, currency=currency,
                    currency_from_context=bool(_bool(p, "currency_from_context", d.get("currency_from_context"))))


def _approx(p: _Problems, d: _Draft, name: str, *, anchor: ApproxDate | None = None,
            today: date | None = None) -> ApproxDate | None:
    """A date field with its `_precision` and `_within_days` columns (None: not given)."""
    precision = d.get(f"{name}_precision")
    precision_key = _enum(p, f"{name}_precision", precision, approx_dates.PRECISIONS,
                          {"exact": "day", "exact_day": "day", "about": "approx",
                           "approximate": "approx", "dont_know": "unknown", "don_t_know": "unknown"})
    if p.has_error(f"{name}_precision"):
        return None
    within = _int(p, f"{name}_within_days", d.get(f"{name}_within_days"), 0, approx_dates.MAX_WITHIN_DAYS)
    value = d.get(name)
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date() if value.tzinfo else value.date()
    try:
        parsed = approx_dates.parse(value, precision=precision_key, within_days=within, anchor=anchor, today=today)
    except DateParseError as exc:
        p.error(name, "{detail}", detail=str(exc))
        return None
    if parsed is not None and parsed.lower is not None and parsed.lower < EARLIEST_DATE:
        p.error(name, N_("{day} is before {year}; check the year"), day=parsed.lower.isoformat(), year=EARLIEST_DATE.year)
        return None
    return parsed


def _check_dates(p: _Problems, d: _Draft) -> None:
    """The work period, the stated due date and the payment date, each with its precision."""
    report_day = d.values["submitted_approx"].exact
    start = _approx(p, d, "work_period_start", today=report_day)
    end = _approx(p, d, "work_period_end", anchor=start, today=report_day)
    stated = _approx(p, d, "expected_pay_date", anchor=end, today=report_day)
    paid = _approx(p, d, "paid_date", anchor=end or stated, today=report_day)
    basis = _enum(p, "expected_pay_date_basis", d.get("expected_pay_date_basis"), EXPECTED_DATE_BASES)
    latest = d.latest_date
    for name, value in (("work_period_start", start), ("work_period_end", end)):
        if value and value.lower and value.lower > latest:
            p.error(name, N_("{day} is in the future; report work already done"), day=value.describe())
    if start and end and start.lower and end.upper and start.lower > end.upper:
        p.error("work_period_end", N_("{day} is before work_period_start {start}"), day=end.describe(),
                start=start.describe())
    if start and end and start.exact and end.exact and (end.exact - start.exact).days > LONG_PERIOD_DAYS and not p.errors:
        p.review.append(f"work period of {(end.exact - start.exact).days} days is longer than "
                        f"{LONG_PERIOD_DAYS}; it may mix several pay periods")
    if paid and paid.lower and paid.lower > latest:
        p.error("paid_date", N_("{day} is in the future"), day=paid.describe())
    if paid and start and paid.upper and start.lower and paid.upper < start.lower:
        p.error("paid_date", N_("{day} is before the work began ({start})"), day=paid.describe(), start=start.describe())
    if stated and stated.lower and stated.lower > latest + timedelta(days=366):
        p.error("expected_pay_date", N_("{day} is more than a year away"), day=stated.describe())
    if stated and end and stated.upper and end.lower and stated.upper < end.lower and basis != "derived_from_policy":
        p.error("expected_pay_date", N_("{day} is before the work ended ({end})"), day=stated.describe(),
                end=end.describe())
    status = d.values["status"]
    timing = bool(set(d.values["grievances"]) & TIMING_GRIEVANCES) or status in PAID_STATUSES
    if end is None and stated is None and timing and _all_dates_blank(d) \
            and not (p.has_error("work_period_end") or p.has_error("expected_pay_date")):
        p.error("work_period_end", N_("required (or expected_pay_date): when the work ended, so "
                                    "gigwatch can tell how late the pay is; write 'about' a date, a "
                                    "month, or 'unknown' if you are not sure"))
    if status in PAID_STATUSES and paid is None and not p.has_error("paid_date") and _blank(d.get("payments")):
        p.error("paid_date", N_("required when status is {status!r}: the day the money arrived "
                              "('about', a month or 'unknown' are fine)"), status=status)
    if status in UNPAID_STATUSES and paid is not None and paid.known:
        p.error("paid_date", N_("must be empty when status is {status!r} (no payment has arrived); "
                              "change the status if you were paid"), status=status)
    d.values.update(
        work_period_start_approx=start, work_period_end_approx=end, expected_pay_date_approx=stated,
        paid_date_approx=paid, expected_pay_date_basis=basis,
        work_period_start=start.exact if start else None, work_period_end=end.exact if end else None,
        paid_date=paid.exact if paid else None,
    )


def _all_dates_blank(d: _Draft) -> bool:
    """No date that could place the pay in time. The form asks for the end of the work or the
    due date (each with "about" and "don't know"); an import may give any date, or "unknown"."""
    fields = ("work_period_end", "expected_pay_date") if d.values["source_kind"] == "self_report" else DATE_FIELDS
    names = [*fields, *(f"{n}_precision" for n in fields)]
    if d.values["source_kind"] != "self_report":
        names.append("payments")
    return all(_blank(d.get(n)) for n in names)


def _check_payments(p: _Problems, d: _Draft) -> None:
    """Instalments and holds. With payments but no paid date or amount received, the last
    payment's date and the sum of payments stand in (and the account says so)."""
    value = d.get("payments")
    if _blank(value):
        d.values["payments"] = ()
        return
    items: list[Any]
    if isinstance(value, str):
        items = [v.strip() for v in value.split(";") if v.strip()]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        p.error("payments", N_("{value} is not a list of payments"), value=show(value))
        return
    if len(items) > 50:
        p.error("payments", N_("{count} payments; at most 50 are accepted"), count=len(items))
        return
    out: list[Payment] = []
    for i, item in enumerate(items, 1):
        if isinstance(item, str):
            when, _, rest = item.partition("=")
            parts = rest.split()
            item = {"date": when.strip(), "amount": parts[0] if parts else None,
                    "kind": "_".join(parts[1:]) or "paid"}
        if not isinstance(item, Mapping):
            p.error("payments", N_("payment {i}: {value} is not a date and an amount ('2025-07-10=100')"), i=i,
                        value=show(item))
            continue
        sub = _Problems()
        kind = _enum(sub, "payments", item.get("kind") or "paid", PAYMENT_KINDS, {"hold": "held", "conditional": "conditional_hold"})
        amount = _amount(sub, "payments", item.get("amount"))
        try:
            when_date = approx_dates.parse(item.get("date"), anchor=d.values.get("work_period_end_approx"))
        except DateParseError as exc:
            sub.error("payments", "{detail}", detail=str(exc))
            when_date = None
        if when_date is None and not sub.errors:
            sub.error("payments", N_("needs a date ('unknown' if it is not known)"))
        if when_date and when_date.lower and when_date.lower > d.latest_date and kind == "paid":
            sub.error("payments", N_("{day} is in the future"), day=when_date.describe())
        for problem in sub.problems:
            p.error("payments", N_("payment {i}: {problem}"), i=i, problem=problem)
        if not sub.errors and when_date is not None and kind is not None:
            out.append(Payment(when_date, amount, kind))
    paid = [x for x in out if x.kind == "paid"]
    if paid and d.values.get("amount_received") is None and all(x.amount is not None for x in paid):
        total = sum((x.amount for x in paid if x.amount is not None), Decimal("0"))
        d.values["amount_received"] = total
        p.notes.append(f"amount_received: {total} (the sum of the payments)")
    status = d.values["status"]
    if paid and status in PAID_IN_FULL_STATUSES and d.values.get("paid_date_approx") is None:
        last = max(paid, key=lambda x: (x.on.upper or date.min))
        d.values["paid_date_approx"] = last.on
        d.values["paid_date"] = last.on.exact
        p.drop("paid_date: required")
        p.notes.append(f"paid_date: {last.on.describe()} (the last payment)")
    d.values["payments"] = tuple(out)


def _check_hours(p: _Problems, d: _Draft) -> None:
    """Paid and unpaid hours, tasks done, and the effective hourly rate they give."""
    paid_hours = _hours(p, "paid_hours", d.get("paid_hours"))
    unpaid_raw = d.get("unpaid_hours")
    unpaid: dict[str, float] = {}
    if isinstance(unpaid_raw, Mapping):
        for kind, hours in unpaid_raw.items():
            slug = _enum(p, "unpaid_hours", kind, UNPAID_HOUR_KINDS)
            number = _hours(p, "unpaid_hours", hours)
            if slug and number is not None:
                unpaid[slug] = unpaid.get(slug, 0.0) + number
    elif not _blank(unpaid_raw):
        number = _hours(p, "unpaid_hours", unpaid_raw)
        if number is not None:
            p.error("unpaid_hours", N_("give the kind of unpaid time (onboarding, assessment, retraining, "
                                     "waiting, removed), e.g. unpaid_hours_waiting"))
    for kind in UNPAID_HOUR_KINDS:
        number = _hours(p, f"unpaid_hours_{kind}", d.get(f"unpaid_hours_{kind}"))
        if number is not None:
            unpaid[kind] = unpaid.get(kind, 0.0) + number
    tasks = _int(p, "tasks_done", d.get("tasks_done"), 0, 10_000_000)
    worked: float | None = None
    if paid_hours is not None or unpaid:
        worked = round((paid_hours or 0.0) + sum(unpaid.values()), 2)
    effective: float | None = None
    received = d.values.get("amount_received")
    if received is not None and worked and paid_hours is not None:
        effective = round(float(received) / worked, 4)
    d.values.update(paid_hours=paid_hours, unpaid_hours=tuple(sorted(unpaid.items())), tasks_done=tasks,
                    hours_worked=worked, effective_hourly_rate=effective)


def _hours(p: _Problems, name: str, value: Any) -> float | None:
    number = _float(p, name, value)
    if number is not None and number > 5000:
        p.error(name, N_("{hours:g} hours is out of bounds (at most 5,000)"), hours=number)
        return None
    return number


def _check_verification(p: _Problems, d: _Draft) -> None:
    kind = d.values["source_kind"]
    tier = _enum(p, "verification_tier", d.get("verification_tier"), VERIFICATION_TIERS)
    if SOURCE_CLASSES.get(kind) == "public_record":
        derived = "public_record"
    elif d.values["evidence_types"]:
        derived = "evidence_described"
    else:
        derived = "self_reported"
    if tier == "evidence_seen" and kind != "union_import":
        p.error("verification_tier", N_("evidence seen: only a moderator (or a union importing records "
                                      "it has checked) can say the evidence was seen"))
    elif tier == "public_record" and derived != "public_record":
        p.error("verification_tier", N_("public record: only for reports taken from a public page "
                                      "(forum_import, news_import, legal_filing)"))
    elif tier is not None and tier != "evidence_seen" and tier != derived:
        p.notes.append(f"verification_tier: {tier} given; {derived} follows from the source and "
                       "the evidence described")
        tier = derived
    d.values["verification_tier"] = tier or derived


def _check_due_and_delay(p: _Problems, d: _Draft) -> None:
    """The due date (stated > published schedule > end of work + stated cycle) and the interval of
    days from it to payment; legacy `days_late` only when every date involved is exact."""
    v = d.values
    platform, method = v["platform_id"], v["payment_method"]
    end: ApproxDate | None = v["work_period_end_approx"]
    stated: ApproxDate | None = v["expected_pay_date_approx"]
    basis = v["expected_pay_date_basis"]
    d.schedule = schedules.schedule_for(platform, method) if platform else None
    due = schedules.due_date(platform or "", end, stated if basis != "derived_from_policy" else None, method)
    expected: date | None = None
    policy_version: str | None = None
    if due.basis == "stated":
        basis = basis if basis in ("user", "invoice") else "user"
        expected = stated.exact if stated else None
    elif due.basis == "published_schedule":
        assert due.schedule is not None
        basis, policy_version = "derived_from_policy", due.schedule.policy_version
        expected = due.lower if due.lower == due.upper and end and end.exact else None
        p.notes.append(f"expected_pay_date: {_describe_range(due.lower, due.upper)}, worked out from "
                       f"{d.platforms.get(platform, platform)}'s published schedule ({due.schedule.summary})")
    elif due.basis == "estimated_from_cycle":
        basis = None
        p.notes.append(f"expected_pay_date: estimated as {_describe_range(due.lower, due.upper)} "
                       f"({due.reason}); marked as estimated")
    else:
        if v["expected_pay_date_basis"] == "derived_from_policy":
            p.error("expected_pay_date_basis", N_("derived_from_policy, but gigwatch has no verified "
                                                "published schedule for this platform; give the date"))
        basis = None
        if set(v["grievances"]) & TIMING_GRIEVANCES or v["status"] in PAID_STATUSES:
            p.notes.append("expected_pay_date: " + due.reason + "; the report counts among "
                           "grievances but not in days late. Add the date you were told to expect payment")
    grace = d.schedule.grace_days if d.schedule else schedules.grace_days(platform or "", method)
    v.update(expected_pay_date=expected, expected_pay_date_basis=basis if expected else None,
             policy_version=policy_version, grace_days=grace if expected else None,
             due_lower=due.lower, due_upper=due.upper, due_basis=due.basis)
    _delay(p, d)


def _describe_range(lower: date | None, upper: date | None) -> str:
    if lower is None or upper is None:
        return "unknown"
    return lower.isoformat() if lower == upper else f"between {lower.isoformat()} and {upper.isoformat()}"


def _delay(p: _Problems, d: _Draft) -> None:
    v = d.values
    status = v["status"]
    days_late: int | None = None
    followup: int | None = None
    lower: int | None = None
    upper: int | None = None
    reason: str | None = None
    due_lower, due_upper = v["due_lower"], v["due_upper"]
    confirmed: ApproxDate = v["submitted_approx"] if d.confirmed_at is None else ApproxDate.day(v["confirmed_at"].date())
    paid: ApproxDate | None = v["paid_date_approx"]
    timing = bool(set(v["grievances"]) & TIMING_GRIEVANCES) or status in PAID_STATUSES
    if not timing:
        reason = "not_a_delay"
    elif v["processor"] is not None and "processor_hold" in v["grievances"] and status not in PAID_IN_FULL_STATUSES:
        reason = "processor_hold"  # a payment provider's hold is not the platform's lateness
    elif due_lower is None or due_upper is None:
        reason = "no_due_date" if v["work_period_end_approx"] is not None and v["work_period_end_approx"].known else "no_work_dates"
    elif status in PAID_IN_FULL_STATUSES:
        if paid is None or paid.lower is None or paid.upper is None:
            reason = "no_paid_date"
        else:
            lower = max(0, (paid.lower - due_upper).days)
            upper = max(0, (paid.upper - due_lower).days)
    else:  # not (fully) paid when last confirmed: right-censored at the confirmation
        if confirmed.lower is None or confirmed.upper is None:
            reason = "no_report_date"
        elif confirmed.upper < due_lower:
            reason = "not_yet_due"
        else:
            lower, upper = max(0, (confirmed.lower - due_upper).days), None
    exact_due = v["expected_pay_date"]
    # The legacy exact figures: only when every date they rest on was given to the day.
    paid_exactly = paid is None or paid.exact is not None
    reference = v["paid_date"] if v["paid_date"] is not None else confirmed.exact
    if exact_due is not None and not p.errors and paid_exactly and reference is not None:
        days_late = max(0, (reference - exact_due).days)
        if days_late > MAX_DAYS_LATE:
            p.error("days_late", N_("{days} days from the expected pay date {due} to {reference}; gigwatch "
                                "accepts at most {most} (two years). Check the dates."),
                    days=days_late, due=exact_due.isoformat(), reference=reference.isoformat(), most=MAX_DAYS_LATE)
            days_late = None
        else:
            confirmed_day = confirmed.exact or reference
            if status in PAID_IN_FULL_STATUSES:
                followup = days_late
            elif confirmed_day >= exact_due:
                followup = min((confirmed_day - exact_due).days, MAX_DAYS_LATE)
            # else: not yet due when last confirmed. Such a report says nothing about lateness
            # and stays out of time-to-payment curves (followup None).
            _delay_review(p, d, days_late)
    elif lower is not None and lower > MAX_DAYS_LATE and not p.errors:
        p.error("days_late", N_("at least {days} days late; gigwatch accepts at most {most} "
                              "(two years). Check the dates."), days=lower, most=MAX_DAYS_LATE)
    if lower is not None and lower > LONG_DELAY_DAYS and days_late is None and not p.errors:
        p.review.append(f"very long delay: at least {lower} days late")
    v.update(days_late=days_late, followup_days=followup, delay_lower_days=lower,
             delay_upper_days=upper, delay_reason=reason)


def _delay_review(p: _Problems, d: _Draft, days_late: int) -> None:
    status = d.values["status"]
    grace = d.values["grace_days"]
    if days_late > LONG_DELAY_DAYS:
        p.review.append(f"very long delay: {days_late} days late")
    if status == "paid_on_time" and grace is not None and days_late > grace:
        p.review.append(f"status says paid on time, but the payment came {days_late} days "
                        f"after the expected date (the platform's grace is {grace} days)")
    if status == "paid_late" and days_late == 0:
        p.review.append("status says paid late, but the paid date is on or before the expected date")


def _check_money_bounds(p: _Problems, d: _Draft) -> None:
    """Amount caps and rate bounds in USD-equivalent (needs the dates for the exchange rate)."""
    v = d.values
    currency = v["currency"]
    amount_expected, amount_received = v["amount_expected"], v["amount_received"]
    rate_min, rate_max, rate_unit = v["rate_min"], v["rate_max"], v["rate_unit"]
    status = v["status"]
    has_money = any(x is not None for x in (amount_expected, amount_received, rate_min, rate_max))
    if has_money and currency is None and not p.has_error("currency"):
        p.error("currency", N_("required when an amount or rate is given (e.g. USD, KES, PHP)"))
    amount_usd: float | None = None
    usd_rate: float | None = None
    if currency and not p.errors:
        end: ApproxDate | None = v["work_period_end_approx"]
        fx_day = (end.lower if end and end.known else None) or v["due_lower"] or v["submitted_at"].date()
        usd_rate = _usd_per_unit(currency, fx_day)
        if usd_rate is None and has_money:
            p.review.append(f"no exchange rate for {currency} in gigwatch's table: check the "
                            "amount's size by hand")
    if amount_expected is not None and usd_rate is not None:
        amount_usd = round(float(amount_expected) * usd_rate, 2)
        if amount_usd > AMOUNT_HARD_CAP_USD:
            p.error("amount_expected", N_("{amount:,} {currency} is about {usd:,.0f} USD, above the {cap:,.0f} USD bound"),
                    amount=amount_expected, currency=currency, usd=amount_usd, cap=AMOUNT_HARD_CAP_USD)
            amount_usd = None
        elif amount_usd > AMOUNT_REVIEW_USD:
            p.review.append(f"very large amount: about {amount_usd:,.0f} USD")
    if amount_received is not None and usd_rate is not None:
        received_usd = float(amount_received) * usd_rate
        if received_usd > AMOUNT_HARD_CAP_USD:
            p.error("amount_received", N_("{amount:,} {currency} is about {usd:,.0f} USD, above the {cap:,.0f} USD bound"),
                    amount=amount_received, currency=currency, usd=received_usd, cap=AMOUNT_HARD_CAP_USD)
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
                p.error(name, N_("{rate:g} {currency} an hour (about {usd:,.2f} USD) is outside "
                               "{low:.2f}–{high:,.0f} USD an hour"),
                        rate=rate_number, currency=currency, usd=usd, low=HOURLY_HARD_USD[0], high=HOURLY_HARD_USD[1])
            elif not HOURLY_REVIEW_USD[0] <= usd <= HOURLY_REVIEW_USD[1]:
                p.review.append(f"unusual hourly rate: about {usd:,.2f} USD an hour")
        elif not PIECE_REVIEW_USD[0] <= usd <= PIECE_REVIEW_USD[1]:
            p.review.append(f"unusual rate: about {usd:,.3f} USD {RATE_UNITS[rate_unit]}")
    effective = v.get("effective_hourly_rate")
    v.update(amount_expected_usd=amount_usd, usd_per_unit=usd_rate if amount_usd is not None else None,
             effective_hourly_usd=round(effective * usd_rate, 4) if effective is not None and usd_rate else None)


_CHECKS = (
    _check_input_fields, _check_source, _check_submission, _check_what, _check_support_and_consent,
    _check_incident, _check_narrative, _check_money, _check_dates, _check_payments, _check_hours,
    _check_verification, _check_due_and_delay, _check_money_bounds,
)


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
    if not isinstance(raw, Mapping):
        problem = Problem("report", N_("{value} is not a set of fields"), {"value": show(raw)})
        return ValidationResult(None, [problem.text], problems=[problem])
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    platforms = dict(PLATFORMS)
    for extra in allowed_platforms or ():
        platforms.setdefault(extra, extra)
    p = _Problems()
    d = _Draft(raw, now.astimezone(UTC), source_kind, submitted_at, confirmed_at, platforms)
    for check in _CHECKS:
        check(p, d)
    v = d.values
    if p.errors or v.get("platform_id") is None or v.get("status") is None:
        return ValidationResult(None, p.errors, p.review, p.notes, p.problems)
    v["paid_in_full"] = v["status"] in PAID_IN_FULL_STATUSES
    v["processor_hold"] = "processor_hold_kyc" in v["causes"] or "processor_hold" in v["grievances"]
    v["fingerprint"] = fingerprint(v["platform_id"], v["project_code"], v["work_period_start"],
                                   v["work_period_end"], v["amount_expected"], v["currency"], v["country"])
    v["content_hash"] = _content_hash(v)
    v["review_reasons"] = tuple(p.review)
    return ValidationResult(PaymentReport(**v), [], p.review, p.notes)


# Fields a reporter may change with their receipt code ("I was paid on ..."). The rest (platform,
# project, period, amount owed) define which report it is: a different value is a new report.
UPDATABLE_FIELDS = frozenset({
    "status", "paid_date", "amount_received", "support_contacted", "support_response",
    "days_to_first_response", "account_status", "causes", "evidence_types", "narrative",
    "payment_method", "consent_publish_aggregate",
})


def _stated_due(report: PaymentReport) -> ApproxDate | date | None:
    if report.expected_pay_date_basis == "derived_from_policy" or report.due_basis not in (None, "stated"):
        return None
    return report.expected_pay_date_approx or report.expected_pay_date


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
        "work_period_start": report.work_period_start_approx or report.work_period_start,
        "work_period_end": report.work_period_end_approx or report.work_period_end,
        "expected_pay_date": _stated_due(report),
        "expected_pay_date_basis": report.expected_pay_date_basis if report.expected_pay_date_basis != "derived_from_policy" else None,
        "paid_date": report.paid_date_approx or report.paid_date,
        "submitted_at": report.submitted_approx,
        "grievances": list(report.grievances),
        "processor": report.processor,
        "affected_workers": report.affected_workers,
        "paid_hours": report.paid_hours,
        "unpaid_hours": dict(report.unpaid_hours),
        "tasks_done": report.tasks_done,
        "payments": [{"date": x.on, "amount": x.amount, "kind": x.kind} if isinstance(x, Payment)
                     else {"date": x["on"], "amount": x["amount"], "kind": x["kind"]}  # as the vault decodes it
                     for x in report.payments],
        "verification_tier": report.verification_tier if report.verification_tier == "evidence_seen" else None,
        "source_comment_id": report.source_ref.split(":", 2)[2] if report.source_ref and report.source_ref.count(":") == 2 else None,
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


# -- the report as JSON (the `body` a private store keeps beside its core columns) ----------------

_DATE_FIELDS_OF_REPORT = frozenset({"work_period_start", "work_period_end", "expected_pay_date", "paid_date",
                                    "due_lower", "due_upper"})
_DATETIME_FIELDS = frozenset({"submitted_at", "confirmed_at"})
_DECIMAL_FIELDS = frozenset({"amount_expected", "amount_received"})
_APPROX_FIELDS = frozenset({"work_period_start_approx", "work_period_end_approx", "expected_pay_date_approx",
                            "paid_date_approx", "submitted_approx"})
_TUPLE_FIELDS = frozenset({"causes", "evidence_types", "review_reasons", "grievances"})


def report_to_json(report: PaymentReport) -> dict[str, Any]:
    """Every field of the report as JSON values (dates ISO 8601, amounts as strings, approximate
    dates as {lower, upper, precision}); `report_from_json` reads it back to an equal report."""
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    for name in PaymentReport.__dataclass_fields__:
        value = getattr(report, name)
        if value is None:
            out[name] = None
        elif name in _APPROX_FIELDS:
            out[name] = value.to_json()
        elif name in _DATE_FIELDS_OF_REPORT or name in _DATETIME_FIELDS:
            out[name] = value.isoformat()
        elif name in _DECIMAL_FIELDS:
            out[name] = str(value)
        elif name == "payments":
            out[name] = [p.to_json() for p in value]
        elif name == "unpaid_hours":
            out[name] = [[kind, hours] for kind, hours in value]
        elif name in _TUPLE_FIELDS:
            out[name] = list(value)
        else:
            out[name] = value
    return out


def report_from_json(body: Mapping[str, Any]) -> PaymentReport:
    """The report `report_to_json` wrote (fields it lacks, from older bodies, take their defaults)."""
    values: dict[str, Any] = {}
    for name in PaymentReport.__dataclass_fields__:
        if name not in body:
            continue
        value = body[name]
        if value is None:
            values[name] = None
        elif name in _APPROX_FIELDS:
            values[name] = ApproxDate.from_json(value)
        elif name in _DATE_FIELDS_OF_REPORT:
            values[name] = date.fromisoformat(value)
        elif name in _DATETIME_FIELDS:
            values[name] = datetime.fromisoformat(value)
        elif name in _DECIMAL_FIELDS:
            values[name] = Decimal(value)
        elif name == "payments":
            values[name] = tuple(Payment(ApproxDate.from_json(p["date"]),
                                         None if p["amount"] is None else Decimal(p["amount"]), p["kind"])
                                 for p in value)
        elif name == "unpaid_hours":
            values[name] = tuple((str(kind), float(hours)) for kind, hours in value)
        elif name in _TUPLE_FIELDS:
            values[name] = tuple(value)
        else:
            values[name] = value
    return PaymentReport(**values)
