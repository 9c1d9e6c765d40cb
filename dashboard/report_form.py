"""The report form's words and logic, apart from its page (`dashboard/app_pages/report.py`).

Everything a worker reads is in `TEXT` and `CHOICES`, in one place, so the form can be translated
later; plain words and short sentences, for a worker with little English on a phone. The functions
here turn the form's answers into the raw fields `collectors.reports.schema.validate` reads
(`build_raw`), say what is wrong in the words of the form's own labels (`form_messages`), and say
in plain words how late the pay is, or why that cannot be counted (`delay_summary`).

Dates: every date question has "exact day", "only the month", "about (give or take N days)" and
"I don't know", sent as `<field>`, `<field>_precision` and `<field>_within_days`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

import streamlit as st

from collectors.reports import dates as approx_dates
from collectors.reports.dates import DEFAULT_APPROX_DAYS, MAX_WITHIN_DAYS, ApproxDate
from collectors.reports.schema import (
    EARLIEST_DATE,
    FIELD_LABELS,
    KNOWN_FIELDS,
    PAYMENT_METHODS,
    PLATFORMS,
    UNPAID_HOUR_KINDS,
    PaymentReport,
    platform_aliases,
)

PREFIX = "rf_"  # the keys of the report's widgets (kept across the steps)

# -- every string the form shows ------------------------------------------------------------------

TEXT: dict[str, str] = {
    "title": "Report a payment problem",
    "intro": "Tell us about pay that came late, pay that did not come, or pay that was less than "
             "it should be. You do not give your name. It takes about 5 minutes.",
    "step": "Step {n} of {total}: {name}",
    "next": "Next",
    "back": "Back",
    "send": "Send my report",
    "step_what": "What happened",
    "step_when": "When",
    "step_money": "Money and hours",
    "step_details": "Details",
    "step_review": "Check and send",
    # what happened
    "grievances": "What went wrong? Tick all that are true.",
    "status": "Did the money come?",
    "processor": "Which payment company holds the money?",
    "processor_help": "The company that moves the money, not the platform you work on.",
    # when
    "when_intro": "If you do not know a date, choose “About” or “I don't know”.",
    "how_sure": "How sure are you?",
    "pick_day": "The day",
    "pick_month_day": "Any day in that month",
    "within_days": "Give or take how many days?",
    # money and hours
    "amount_expected": "Amount you should get",
    "amount_received": "Amount you got",
    "currency": "Currency",
    "rate": "Pay rate (optional)",
    "rate_unit": "The pay rate is for each",
    "paid_hours": "Paid hours",
    "unpaid_intro": "Time you worked but were not paid for (hours)",
    "tasks_done": "Tasks done",
    "payments_count": "Did the money come in parts, or is part of it held back? How many parts?",
    "payment_date": "Part {n}: day",
    "payment_amount": "Part {n}: amount",
    "payment_kind": "Part {n}: what happened",
    # details
    "platform": "Platform or company",
    "platform_placeholder": "Choose one",
    "platform_other": "Name of the platform",
    "platform_other_help": "Only if you chose “Another platform”.",
    "vendor": "Company between you and the platform (optional)",
    "vendor_help": "For example a staffing agency, or a company like RaterLabs, HireArt or GlobalLogic.",
    "project_code": "Project name or code (optional)",
    "project_help": "Only if you want. Some projects are secret (NDA). We never show a project name "
                    "unless 5 or more separate reports name it.",
    "country": "Country you work from (optional)",
    "payment_method": "How are you paid? (optional)",
    "affected_workers": "Did the same thing happen to many workers? About how many? (optional)",
    "affected_help": "Leave it empty if you do not know.",
    "account_status": "Your account now (optional)",
    "support": "What did support do? (optional)",
    "evidence": "What proof do you have? Do not upload it. Only tell us what kind. (optional)",
    "narrative": "Anything else? (optional)",
    "narrative_help": "Please do not write names, emails or ID numbers. We remove the ones we find "
                      "before we save your words. Your words are never made public.",
    "optional": "Optional",
    # review
    "review_intro": "Please check your answers. Use “Back” to change them.",
    "review_empty": "You have not answered any question yet.",
    "privacy_title": "What we keep, and who sees it",
    "consent": "I have read this. Keep my report and count it in public totals (numbers only, never my words).",
    "consent_needed": "Please tick the box above to send your report.",
    "not_saved": "Your report is not saved yet. Please fix these and send it again:",
    "in_step": "Step {n} ({name})",
    "choose_day": "choose a day, or choose “I don't know”",
    # after sending
    "saved": "Thank you. Your report was saved.",
    "receipt_title": "**Your receipt code**",
    "receipt_keep": "Keep this code. It is the only way to change or withdraw your report later. "
                    "Write it on paper, or take a screenshot, or copy it into a note on your phone. "
                    "We cannot show it again. Do not share it: anyone with the code can change your report.",
    "receipt_done": "I have saved my code",
    "held": "A moderator will look at your report before it counts. You do not need to do anything.",
    "pending": "A moderator checks every report before it counts in public totals.",
    # update and withdraw
    "update_title": "Change my report",
    "update_intro": "Did the money come, or did something change? Enter your receipt code and what is new.",
    "receipt_code": "Receipt code",
    "update_status": "Did the money come? (now)",
    "update_paid": "Day the money came",
    "update_received": "Total amount you got so far",
    "update_account": "Your account now",
    "update_send": "Change my report",
    "update_need_code": "Enter the receipt code you were given.",
    "update_need_change": "Choose what has changed.",
    "updated": "Your report was changed. Now: {status}.",
    "withdraw_title": "Withdraw my report",
    "withdraw_intro": "This removes your report from every total and erases what you wrote.",
    "withdraw_sure": "Yes, withdraw my report",
    "withdraw_send": "Withdraw",
    "withdraw_tick": "Tick the box to say yes.",
    "withdrawn": "Your report was withdrawn and erased.",
}

# The privacy notice: exactly what collectors/store/reports/ and collectors/store/vault.py do.
PRIVACY: tuple[str, ...] = (
    "We do not ask for your name, email or worker ID.",
    "We do not keep your internet address (IP address). To stop floods of reports, we count reports "
    "from each connection in each hour. The count is kept under a code that changes every hour and "
    "is never written to disk. These counts are deleted after one day.",
    "Before we save your words, we remove names, emails, phone numbers and ID or account numbers "
    "that we find in them.",
    "Your report is kept in a private file on the gigwatch server. It is not part of the public data.",
    "gigwatch moderators read each report (your answers and your cleaned words) before it counts. "
    "They never see your internet address.",
    "What is public: only totals of 5 or more separate reports. Never one report. Never your words.",
    "We keep your receipt code only in a scrambled form (a hash), so we cannot show it to you again.",
    "With your receipt code you can withdraw your report at any time. It is then erased from the "
    "private file at once, and the public totals are made again without it. A report that a "
    "moderator rejects is erased in the same way.",
)

PRECISION_CHOICES: dict[str, str] = {
    "day": "Exact day",
    "month": "Only the month",
    "approx": "About (give or take some days)",
    "unknown": "I don't know",
}

CHOICES: dict[str, dict[str, str]] = {
    "grievances": {
        "late_payment": "My pay came late",
        "missing_payment": "My pay has not come",
        "rate_cut": "They cut my pay rate on a project I was already doing",
        "paid_less_than_agreed": "I was paid less than we agreed",
        "bonus_not_paid": "A promised bonus was not paid",
        "hours_disputed": "Hours were removed, or they say I worked fewer hours",
        "deactivated_with_balance": "My account was closed while they still owed me money",
        "processor_hold": "A payment company (PayPal, AirTM, Payoneer ...) holds my money",
        "legal_action": "There is a settlement or a court case",
    },
    "status": {
        "paid_on_time": "Yes, all of it, on time",
        "paid_late": "Yes, all of it, but late",
        "partially_paid": "Only part of it",
        "unpaid_pending": "No. I am still waiting",
        "never_paid": "No. I do not think it will come",
        "withheld_under_review": "No. The platform holds it “under review”",
        "reversed": "It came, then it was taken back",
        "disputed_hours": "I was paid for fewer hours or tasks than I worked",
        "other_grievance": "My problem is not about when I was paid",
    },
    "rate_unit": {
        "hour": "Hour",
        "task": "Task",
        "item": "Item",
        "media_minute": "Minute of audio or video",
    },
    "unpaid_hours": {
        "onboarding": "Training or onboarding",
        "assessment": "Tests or assessments",
        "retraining": "Training again (retraining)",
        "waiting": "Waiting for tasks",
        "removed": "Hours the platform removed",
    },
    "payment_kind": {
        "paid": "Paid to me",
        "held": "Held back",
        "conditional_hold": "Held until I do something (for example an ID check)",
    },
    "account_status": {
        "active": "Still open",
        "under_review": "Under review",
        "deactivated": "Closed or blocked",
        "reactivated": "Closed, then opened again",
        "project_offboarded": "Removed from the project",
    },
    "support": {
        "not_contacted": "I did not contact support",
        "none": "No answer at all",
        "auto_reply": "Only an automatic answer",
        "canned": "Answers that did not help",
        "human": "A person answered",
        "resolved": "Support fixed it",
    },
    "evidence_types": {
        "screenshot": "Screenshots",
        "email": "Emails",
        "invoice": "Invoices",
        "payment_statement": "Payment statements",
        "support_ticket": "Support tickets",
        "contract": "A contract or offer",
        "chat_message": "Chat or Slack messages",
        "time_log": "Time logs",
        "other": "Something else",
    },
}
assert set(CHOICES["unpaid_hours"]) == set(UNPAID_HOUR_KINDS)
NOT_CONTACTED = "not_contacted"

# The dates the form asks, in order, with their questions.
DATE_QUESTIONS: dict[str, str] = {
    "work_period_start": "First day of the work",
    "work_period_end": "Last day of the work",
    "expected_pay_date": "Day you were told you would be paid",
    "paid_date": "Day the money came",
}

STEPS: tuple[str, ...] = ("step_what", "step_when", "step_money", "step_details", "step_review")

# The label each report field has on this form: error messages speak these words.
FORM_LABELS: dict[str, str] = {
    "grievances": "What went wrong",
    "status": TEXT["status"].rstrip("?"),
    "processor": "Payment company that holds the money",
    **DATE_QUESTIONS,
    "amount_expected": TEXT["amount_expected"],
    "amount_received": TEXT["amount_received"],
    "currency": TEXT["currency"],
    "rate": "Pay rate", "rate_min": "Pay rate", "rate_max": "Pay rate", "rate_currency": "Currency",
    "rate_unit": TEXT["rate_unit"],
    "paid_hours": TEXT["paid_hours"],
    "unpaid_hours": "Unpaid time",
    **{f"unpaid_hours_{kind}": f"Unpaid time: {text.lower()}" for kind, text in CHOICES["unpaid_hours"].items()},
    "tasks_done": TEXT["tasks_done"],
    "payments": "Money in parts or held back",
    "platform": TEXT["platform"],
    "platform_other": TEXT["platform_other"],
    "vendor": "Company between you and the platform",
    "intermediary": "Company between you and the platform",
    "project_code": "Project name or code",
    "country": "Country you work from",
    "payment_method": "How you are paid",
    "affected_workers": "About how many workers had the same problem",
    "account_status": "Your account now",
    "support_contacted": "What support did",
    "support_response": "What support did",
    "evidence_types": "Proof you have",
    "narrative": "Anything else (your words)",
    "consent_publish_aggregate": "The box to keep and count your report",
    "days_late": "Days late",
    "expected_pay_date_basis": DATE_QUESTIONS["expected_pay_date"],
    **{f"{name}_precision": f"{question}: how sure you are" for name, question in DATE_QUESTIONS.items()},
    **{f"{name}_within_days": f"{question}: give or take how many days" for name, question in DATE_QUESTIONS.items()},
}

# Which step asks each field (errors say where to go back to).
FIELD_STEP: dict[str, int] = {
    "grievances": 0, "status": 0, "processor": 0,
    **{name: 1 for name in DATE_QUESTIONS}, "expected_pay_date_basis": 1,
    **{f"{name}_{suffix}": 1 for name in DATE_QUESTIONS for suffix in ("precision", "within_days")},
    **{name: 2 for name in ("amount_expected", "amount_received", "currency", "rate", "rate_min", "rate_max",
                            "rate_unit", "rate_currency", "paid_hours", "unpaid_hours", "tasks_done",
                            "payments", "days_late", *(f"unpaid_hours_{k}" for k in UNPAID_HOUR_KINDS))},
    **{name: 3 for name in ("platform", "platform_other", "vendor", "intermediary", "project_code", "country",
                            "payment_method", "affected_workers", "account_status", "support_contacted",
                            "support_response", "evidence_types", "narrative")},
    "consent_publish_aggregate": 4,
}

# Why a report has no days-late figure (schema.DELAY_REASONS), in plain words for the worker.
DELAY_WHY: dict[str, str] = {
    "not_a_delay": "Your report is not about when pay came. So it is not counted in “days late”. "
                   "It is counted with the other problems.",
    "no_due_date": "We cannot count how many days late your pay is. You did not give the day you were "
                   "told you would be paid, and we know no pay schedule for this platform. Your report "
                   "still counts with the other problems.",
    "no_work_dates": "We cannot count how many days late your pay is. We do not know when the work ended "
                     "or when the pay was due. Your report still counts with the other problems.",
    "not_yet_due": "We cannot count days late yet. On the day you sent this report, the pay was not due "
                   "yet. When the money comes, change your report with your receipt code.",
    "no_report_date": "We cannot count days late: we do not know the day of the report.",
    "no_paid_date": "We cannot count how many days late your pay was, because we do not know the day "
                    "the money came.",
    "processor_hold": "We do not count this as the platform paying late, because a payment company holds "
                      "the money. It is counted as a payment company hold.",
}

DUE_HOW: dict[str, str] = {
    "stated": "the day you gave",
    "published_schedule": "from the platform's published pay schedule",
    "estimated_from_cycle": "an estimate: the end of the work plus the platform's usual pay time",
}

# Parent companies the form offers beside the platforms ("Scale AI" for Outlier and Remotasks).
PARENT_PREFIX = "parent:"


def platform_options() -> list[str]:
    """The platform choices: each platform's id, then parent companies (`parent:<name>`)."""
    parents = [f"{PARENT_PREFIX}{name}" for name in _parent_names()]
    return [*PLATFORMS, *parents]


def _parent_names() -> list[str]:
    names: list[str] = []
    for key, (platform_id, relation, _note) in platform_aliases().items():
        if relation in ("parent", "operator") and platform_id in PLATFORMS:
            names.append(key)
    return names


def _parent_row(option: str) -> tuple[str, str, str] | None:
    if not option.startswith(PARENT_PREFIX):
        return None
    return platform_aliases().get(option[len(PARENT_PREFIX):])


_ALIAS_DISPLAY: dict[str, str] = {"scale_ai": "Scale AI", "scale": "Scale", "labelbox": "Labelbox"}


def platform_label(option: str) -> str:
    row = _parent_row(option)
    if row is None:
        return PLATFORMS.get(option, option)
    name = _ALIAS_DISPLAY.get(option[len(PARENT_PREFIX):], option[len(PARENT_PREFIX):].replace("_", " ").title())
    return f"{name} (the company behind {PLATFORMS.get(row[0], row[0]).split(' (', 1)[0]})"


def platform_note(option: str | None) -> str | None:
    """What a parent company is read as (shown under the choice)."""
    row = _parent_row(option) if option else None
    return row[2] if row else None


def _platform_raw(option: str | None) -> str | None:
    if option is None:
        return None
    if option.startswith(PARENT_PREFIX):
        return platform_label(option).split(" (", 1)[0]
    return option


# -- the answers as raw report fields ----------------------------------------------------------------


def date_answer(values: Mapping[str, Any], name: str) -> tuple[dict[str, Any], str | None]:
    """One date question's raw fields, and a form error when a day is missing."""
    how = values.get(f"{name}_how")
    day = values.get(f"{name}_day")
    if how is None:
        return {}, None
    if how == "unknown":
        return {f"{name}_precision": "unknown"}, None
    if not isinstance(day, date):
        return {}, f"{name}: {TEXT['choose_day']}"
    if how == "day":
        return {name: day.isoformat(), f"{name}_precision": "day"}, None
    if how == "month":
        return {name: day.strftime("%Y-%m"), f"{name}_precision": "month"}, None
    within = values.get(f"{name}_within")
    within_days = DEFAULT_APPROX_DAYS if within is None else int(within)
    return {name: day.isoformat(), f"{name}_precision": "approx", f"{name}_within_days": within_days}, None


def approx_from(values: Mapping[str, Any], name: str) -> ApproxDate | None:
    """One date question's answer as an ApproxDate (None when not answered)."""
    fields, problem = date_answer(values, name)
    if problem or not fields:
        return None
    return approx_dates.parse(fields.get(name), precision=fields.get(f"{name}_precision"),
                              within_days=fields.get(f"{name}_within_days"))


def build_raw(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The form's answers (widget values keyed without the `rf_` prefix) as the raw fields the
    validator reads, and the form's own errors ("field: message", like the validator's)."""
    problems: list[str] = []
    grievances = [slug for slug in CHOICES["grievances"] if values.get(f"grievance_{slug}")]
    raw: dict[str, Any] = {"grievances": grievances, "status": values.get("status")}
    if "processor_hold" in grievances:
        raw["processor"] = values.get("processor")
    for name in DATE_QUESTIONS:
        fields, problem = date_answer(values, name)
        raw.update(fields)
        if problem:
            problems.append(problem)
    money = values.get("amount_expected") is not None or values.get("amount_received") is not None \
        or values.get("rate") is not None
    raw.update(
        amount_expected=values.get("amount_expected"), amount_received=values.get("amount_received"),
        currency=values.get("currency") if money else None,
        rate_min=values.get("rate"), rate_unit=values.get("rate_unit") if values.get("rate") is not None else None,
        paid_hours=values.get("paid_hours"), tasks_done=values.get("tasks_done"),
    )
    for kind in UNPAID_HOUR_KINDS:
        hours = values.get(f"unpaid_{kind}")
        if hours:
            raw[f"unpaid_hours_{kind}"] = hours
    payments: list[dict[str, Any]] = []
    for i in range(int(values.get("payments_count") or 0)):
        when = approx_from(values, f"payment{i}")
        if when is None:
            problems.append(f"payments: part {i + 1}: {TEXT['choose_day']}")
            continue
        payments.append({"date": when, "amount": values.get(f"payment{i}_amount"),
                         "kind": values.get(f"payment{i}_kind") or "paid"})
    if payments:
        raw["payments"] = payments
    support = values.get("support")
    raw.update(
        platform=_platform_raw(values.get("platform")), platform_other=values.get("platform_other"),
        vendor=values.get("vendor"), project_code=values.get("project_code"), country=values.get("country"),
        payment_method=values.get("payment_method"), affected_workers=values.get("affected_workers"),
        account_status=values.get("account_status"),
        support_contacted=None if support is None else support != NOT_CONTACTED,
        support_response=None if support in (None, NOT_CONTACTED) else support,
        evidence_types=list(values.get("evidence_types") or []), narrative=values.get("narrative"),
        consent_publish_aggregate=bool(values.get("consent")),
    )
    if not raw["consent_publish_aggregate"]:
        problems.append(f"consent_publish_aggregate: {TEXT['consent_needed'].lower()}")
    return raw, problems


# -- messages in the form's words ---------------------------------------------------------------------

_NAMES = sorted({*KNOWN_FIELDS, *FIELD_LABELS, *FORM_LABELS}, key=len, reverse=True)
_NAME_RE = re.compile(r"\b(" + "|".join(re.escape(n) for n in _NAMES if "_" in n) + r")\b")
_SLUG_LABELS: dict[str, str] = {slug: text for group in ("status", "grievances") for slug, text in CHOICES[group].items()}
_SLUG_RE = re.compile(r"'(" + "|".join(re.escape(s) for s in _SLUG_LABELS) + r")'")


def form_label(name: str) -> str:
    return FORM_LABELS.get(name) or FIELD_LABELS.get(name) or name.replace("_", " ").capitalize()


def form_message(error: str, *, with_step: bool = True) -> str:
    """A validator error ("paid_date: required when status is 'paid_late' ...") in the form's words
    ("Day the money came: required when the answer is “Yes, all of it, but late” ...")."""
    name, _, message = error.partition(":")
    message = _SLUG_RE.sub(lambda m: f"“{_SLUG_LABELS[m.group(1)]}”", message)
    message = _NAME_RE.sub(lambda m: f"“{form_label(m.group(1)).lower()}”", message)
    message = message.replace("status is “", "the answer is “")
    step = FIELD_STEP.get(name.strip()) if with_step else None
    where = f"{TEXT['in_step'].format(n=step + 1, name=TEXT[STEPS[step]].lower())}: " if step is not None else ""
    return f"{where}{form_label(name.strip())}:{message}"


def form_messages(errors: list[str], *, with_step: bool = True) -> list[str]:
    return [form_message(e, with_step=with_step) for e in errors]


# -- after sending ----------------------------------------------------------------------------------------


def _day_range(lower: date | None, upper: date | None) -> str:
    if lower is None or upper is None:
        return "unknown"
    return lower.isoformat() if lower == upper else f"between {lower.isoformat()} and {upper.isoformat()}"


def delay_summary(report: PaymentReport) -> list[str]:
    """How late the pay is, or why that cannot be counted, in plain words (plain text: escape it
    before showing it as Markdown)."""
    lines: list[str] = []
    if report.due_lower is not None and report.due_basis is not None and report.delay_reason != "not_a_delay":
        lines.append(f"Your pay was due {_day_range(report.due_lower, report.due_upper)} "
                     f"({DUE_HOW.get(report.due_basis, report.due_basis)}).")
    low, high = report.delay_lower_days, report.delay_upper_days
    if low is not None and high is not None:
        if low == high:
            lines.append(f"It came {low} days after it was due." if low else "It came on time.")
        else:
            lines.append(f"It came between {low} and {high} days after it was due. Your dates are not "
                         "exact, so we keep this range, not one number.")
    elif low is not None:
        lines.append(f"It is at least {low} days late so far.")
    elif report.delay_reason:
        lines.append(DELAY_WHY.get(report.delay_reason, report.delay_reason))
    return lines


def review_lines(raw: Mapping[str, Any], values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(question, answer) for every answered question, as plain text, for the review step."""
    out: list[tuple[str, str]] = []
    if raw.get("grievances"):
        out.append((FORM_LABELS["grievances"], "; ".join(CHOICES["grievances"][g] for g in raw["grievances"])))
    if raw.get("status"):
        out.append((TEXT["status"], CHOICES["status"].get(raw["status"], raw["status"])))
    if raw.get("processor"):
        out.append((TEXT["processor"], PAYMENT_METHODS.get(raw["processor"], raw["processor"])))
    for name, question in DATE_QUESTIONS.items():
        how = values.get(f"{name}_how")
        if how is None:
            continue
        when = approx_from(values, name)
        if how == "unknown":
            out.append((question, PRECISION_CHOICES["unknown"]))
        elif when is not None and how == "approx":
            out.append((question, f"about {values[f'{name}_day'].isoformat()}, give or take "
                                  f"{raw.get(f'{name}_within_days')} days"))
        elif when is not None:
            out.append((question, when.describe()))
    currency = raw.get("currency") or ""
    for name in ("amount_expected", "amount_received"):
        if raw.get(name) is not None:
            out.append((TEXT[name], f"{raw[name]:,.2f} {currency}".strip()))
    if raw.get("rate_min") is not None:
        unit = CHOICES["rate_unit"].get(raw.get("rate_unit") or "", "?").lower()
        out.append((TEXT["rate"].replace(" (optional)", ""), f"{raw['rate_min']:,.2f} {currency} for each {unit}"))
    for name in ("paid_hours", "tasks_done"):
        if raw.get(name) is not None:
            out.append((TEXT[name], f"{raw[name]:g}"))
    for kind, text in CHOICES["unpaid_hours"].items():
        if raw.get(f"unpaid_hours_{kind}"):
            out.append((f"Unpaid: {text.lower()}", f"{raw[f'unpaid_hours_{kind}']:g} hours"))
    for i, payment in enumerate(raw.get("payments") or [], 1):
        amount = "" if payment["amount"] is None else f"{payment['amount']:,.2f} {currency} "
        out.append((f"Part {i}", f"{amount}{CHOICES['payment_kind'].get(payment['kind'], '').lower()}, "
                                 f"{payment['date'].describe()}"))
    if values.get("platform"):
        out.append((TEXT["platform"], platform_label(values["platform"])))
    for name in ("platform_other", "vendor", "project_code"):
        if raw.get(name):
            out.append((form_label(name), str(raw[name])))
    if raw.get("country"):
        out.append((form_label("country"), str(raw["country"])))
    if raw.get("payment_method"):
        out.append((form_label("payment_method"), PAYMENT_METHODS.get(raw["payment_method"], raw["payment_method"])))
    if raw.get("affected_workers"):
        out.append((form_label("affected_workers"), f"about {raw['affected_workers']:,}"))
    if raw.get("account_status"):
        out.append((form_label("account_status"), CHOICES["account_status"][raw["account_status"]]))
    if values.get("support"):
        out.append((form_label("support_response"), CHOICES["support"][values["support"]]))
    if raw.get("evidence_types"):
        out.append((form_label("evidence_types"), "; ".join(CHOICES["evidence_types"][e] for e in raw["evidence_types"])))
    if raw.get("narrative"):
        out.append((form_label("narrative"), "(your words, cleaned before we save them)"))
    return out


# -- widgets ------------------------------------------------------------------------------------------------


def keep_answers(state: Any, prefix: str = PREFIX) -> None:
    """Keep the answers of steps not shown in this run (Streamlit forgets a widget's value when the
    widget is not drawn; a value set through session state is kept)."""
    for key in [k for k in state if isinstance(k, str) and k.startswith(prefix)]:
        state[key] = state[key]


def answers(state: Any, prefix: str = PREFIX) -> dict[str, Any]:
    """The form's answers, keyed without the prefix."""
    return {k[len(prefix):]: state[k] for k in state if isinstance(k, str) and k.startswith(prefix)}


def date_question(name: str, question: str, *, prefix: str = PREFIX, latest: date | None = None,
                  help_text: str | None = None) -> None:
    """A date with its precision: the choice, then the day (or any day of the month), then for
    "about" the number of days either side."""
    today = date.today()
    how = st.radio(f"{question}: {TEXT['how_sure'].lower()}", list(PRECISION_CHOICES), index=None,
                   format_func=PRECISION_CHOICES.__getitem__, key=f"{prefix}{name}_how", help=help_text)
    if how in ("day", "month", "approx"):
        if how == "month":
            st.caption(TEXT["pick_month_day"])
        # One label whatever the choice: a widget keeps its value only while its label stays.
        st.date_input(f"{question}: {TEXT['pick_day'].lower()}", value=None, min_value=EARLIEST_DATE, max_value=latest or today + timedelta(days=366),
                      key=f"{prefix}{name}_day", format="YYYY-MM-DD")
    if how == "approx":
        st.number_input(f"{question}: {TEXT['within_days'].lower()}", min_value=1, max_value=MAX_WITHIN_DAYS,
                        value=None, step=1, key=f"{prefix}{name}_within", placeholder=str(DEFAULT_APPROX_DAYS))


def choice_label(group: str) -> Callable[[str], str]:
    labels = CHOICES[group]
    return lambda slug: labels.get(slug, slug)
