"""The report form's words and logic, apart from its page (`dashboard/app_pages/report.py`).

Everything a worker reads is in `TEXT` and `CHOICES` (marked with `N_`, translated where shown
through `text()`, `choice_text()` and `choice_label()`), or marked where it is built; plain words
and short sentences, for a worker with little English on a phone. Validator errors come as
templates (`schema.Problem`) and are said in the view's language (`form_message`). The functions
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
from collectors.reports.codes import COUNTRIES, CURRENCIES
from collectors.reports.dates import DEFAULT_APPROX_DAYS, MAX_WITHIN_DAYS, ApproxDate
from collectors.reports.schema import (
    EARLIEST_DATE,
    FIELD_LABELS,
    KNOWN_FIELDS,
    PAYMENT_METHODS,
    PLATFORMS,
    UNPAID_HOUR_KINDS,
    PaymentReport,
    Problem,
    platform_aliases,
)
from dashboard import i18n
from dashboard.i18n import N_, _, ngettext

PREFIX = "rf_"  # the keys of the report's widgets (kept across the steps)

# -- every string the form shows ------------------------------------------------------------------

TEXT: dict[str, str] = {
    "title": N_("Report a payment problem"),
    "intro": N_("Tell us about pay that came late, pay that did not come, or pay that was less than "
             "it should be. You do not give your name. It takes about 5 minutes."),
    "step": N_("Step {n} of {total}: {name}"),
    "next": N_("Next"),
    "back": N_("Back"),
    "send": N_("Send my report"),
    "step_what": N_("What happened"),
    "step_when": N_("When"),
    "step_money": N_("Money and hours"),
    "step_details": N_("Details"),
    "step_review": N_("Check and send"),
    # what happened
    "grievances": N_("What went wrong? Tick all that are true."),
    "status": N_("Did the money come?"),
    "processor": N_("Which payment company holds the money?"),
    "processor_help": N_("The company that moves the money, not the platform you work on."),
    # when
    "when_intro": N_("If you do not know a date, choose “About” or “I don't know”."),
    "how_sure": N_("{question}: how sure are you?"),
    "pick_day": N_("{question}: the day"),
    "pick_month_day": N_("Any day in that month"),
    "within_days": N_("{question}: give or take how many days?"),
    # money and hours
    "amount_expected": N_("Amount you should get"),
    "amount_received": N_("Amount you got"),
    "currency": N_("Currency"),
    "rate": N_("Pay rate (optional)"),
    "rate_unit": N_("The pay rate is for each"),
    "paid_hours": N_("Paid hours"),
    "unpaid_intro": N_("Time you worked but were not paid for (hours)"),
    "tasks_done": N_("Tasks done"),
    "payments_count": N_("Did the money come in parts, or is part of it held back? How many parts?"),
    "payment_date": N_("Part {n}: day"),
    "payment_amount": N_("Part {n}: amount"),
    "payment_kind": N_("Part {n}: what happened"),
    # details
    "platform": N_("Platform or company"),
    "platform_placeholder": N_("Choose one"),
    "platform_other": N_("Name of the platform"),
    "platform_other_help": N_("Only if you chose “Another platform”."),
    "vendor": N_("Company between you and the platform (optional)"),
    "vendor_help": N_("For example a staffing agency, or a company like RaterLabs, HireArt or GlobalLogic."),
    "project_code": N_("Project name or code (optional)"),
    "project_help": N_("Only if you want. Some projects are secret (NDA). We never show a project name "
                    "unless 5 or more separate reports name it."),
    "country": N_("Country you work from (optional)"),
    "payment_method": N_("How are you paid? (optional)"),
    "affected_workers": N_("Did the same thing happen to many workers? About how many? (optional)"),
    "affected_help": N_("Leave it empty if you do not know."),
    "account_status": N_("Your account now (optional)"),
    "support": N_("What did support do? (optional)"),
    "evidence": N_("What proof do you have? Do not upload it. Only tell us what kind. (optional)"),
    "narrative": N_("Anything else? (optional)"),
    "narrative_help": N_("Please do not write names, emails or ID numbers. We remove the ones we find "
                      "before we save your words. Your words are never made public."),
    "optional": N_("Optional"),
    # review
    "review_intro": N_("Please check your answers. Use “Back” to change them."),
    "review_empty": N_("You have not answered any question yet."),
    "privacy_title": N_("What we keep, and who sees it"),
    "consent": N_("I have read this. Keep my report and count it in public totals (numbers only, never my words)."),
    "consent_needed": N_("Please tick the box above to send your report."),
    "not_saved": N_("Your report is not saved yet. Please fix these and send it again:"),
    "in_step": N_("Step {n} ({name})"),
    "choose_day": N_("choose a day, or choose “I don't know”"),
    # after sending
    "saved": N_("Thank you. Your report was saved."),
    "receipt_title": N_("**Your receipt code**"),
    "receipt_keep": N_("Keep this code. It is the only way to change or withdraw your report later. "
                    "Write it on paper, or take a screenshot, or copy it into a note on your phone. "
                    "We cannot show it again. Do not share it: anyone with the code can change your report."),
    "receipt_done": N_("I have saved my code"),
    "held": N_("A moderator will look at your report before it counts. You do not need to do anything."),
    "pending": N_("A moderator checks every report before it counts in public totals."),
    # update and withdraw
    "update_title": N_("Change my report"),
    "update_intro": N_("Did the money come, or did something change? Enter your receipt code and what is new."),
    "receipt_code": N_("Receipt code"),
    "update_status": N_("Did the money come? (now)"),
    "update_paid": N_("Day the money came"),
    "update_received": N_("Total amount you got so far"),
    "update_account": N_("Your account now"),
    "update_send": N_("Change my report"),
    "update_need_code": N_("Enter the receipt code you were given."),
    "update_need_change": N_("Choose what has changed."),
    "updated": N_("Your report was changed. Now: {status}."),
    "withdraw_title": N_("Withdraw my report"),
    "withdraw_intro": N_("This removes your report from every total and erases what you wrote."),
    "withdraw_sure": N_("Yes, withdraw my report"),
    "withdraw_send": N_("Withdraw"),
    "withdraw_tick": N_("Tick the box to say yes."),
    "withdrawn": N_("Your report was withdrawn and erased."),
}

# The privacy notice: exactly what collectors/store/reports/ and collectors/store/vault.py do.
PRIVACY: tuple[str, ...] = (
    N_("We do not ask for your name, email or worker ID."),
    N_("We do not keep your internet address (IP address). To stop floods of reports, we count reports "
    "from each connection in each hour. The count is kept under a code that changes every hour and "
    "is never written to disk. These counts are deleted after one day."),
    N_("Before we save your words, we remove names, emails, phone numbers and ID or account numbers "
    "that we find in them."),
    N_("Your report is kept in a private file on the gigwatch server. It is not part of the public data."),
    N_("gigwatch moderators read each report (your answers and your cleaned words) before it counts. "
    "They never see your internet address."),
    N_("What is public: only totals of 5 or more separate reports. Never one report. Never your words."),
    N_("We keep your receipt code only in a scrambled form (a hash), so we cannot show it to you again."),
    N_("With your receipt code you can withdraw your report at any time. It is then erased from the "
    "private file at once, and the public totals are made again without it. A report that a "
    "moderator rejects is erased in the same way."),
)

PRECISION_CHOICES: dict[str, str] = {
    "day": N_("Exact day"),
    "month": N_("Only the month"),
    "approx": N_("About (give or take some days)"),
    "unknown": N_("I don't know"),
}

CHOICES: dict[str, dict[str, str]] = {
    "grievances": {
        "late_payment": N_("My pay came late"),
        "missing_payment": N_("My pay has not come"),
        "rate_cut": N_("They cut my pay rate on a project I was already doing"),
        "paid_less_than_agreed": N_("I was paid less than we agreed"),
        "bonus_not_paid": N_("A promised bonus was not paid"),
        "hours_disputed": N_("Hours were removed, or they say I worked fewer hours"),
        "deactivated_with_balance": N_("My account was closed while they still owed me money"),
        "processor_hold": N_("A payment company (PayPal, AirTM, Payoneer ...) holds my money"),
        "legal_action": N_("There is a settlement or a court case"),
    },
    "status": {
        "paid_on_time": N_("Yes, all of it, on time"),
        "paid_late": N_("Yes, all of it, but late"),
        "partially_paid": N_("Only part of it"),
        "unpaid_pending": N_("No. I am still waiting"),
        "never_paid": N_("No. I do not think it will come"),
        "withheld_under_review": N_("No. The platform holds it “under review”"),
        "reversed": N_("It came, then it was taken back"),
        "disputed_hours": N_("I was paid for fewer hours or tasks than I worked"),
        "other_grievance": N_("My problem is not about when I was paid"),
    },
    "rate_unit": {
        "hour": N_("Hour"),
        "task": N_("Task"),
        "item": N_("Item"),
        "media_minute": N_("Minute of audio or video"),
    },
    "unpaid_hours": {
        "onboarding": N_("Training or onboarding"),
        "assessment": N_("Tests or assessments"),
        "retraining": N_("Training again (retraining)"),
        "waiting": N_("Waiting for tasks"),
        "removed": N_("Hours the platform removed"),
    },
    "payment_kind": {
        "paid": N_("Paid to me"),
        "held": N_("Held back"),
        "conditional_hold": N_("Held until I do something (for example an ID check)"),
    },
    "account_status": {
        "active": N_("Still open"),
        "under_review": N_("Under review"),
        "deactivated": N_("Closed or blocked"),
        "reactivated": N_("Closed, then opened again"),
        "project_offboarded": N_("Removed from the project"),
    },
    "support": {
        "not_contacted": N_("I did not contact support"),
        "none": N_("No answer at all"),
        "auto_reply": N_("Only an automatic answer"),
        "canned": N_("Answers that did not help"),
        "human": N_("A person answered"),
        "resolved": N_("Support fixed it"),
    },
    "evidence_types": {
        "screenshot": N_("Screenshots"),
        "email": N_("Emails"),
        "invoice": N_("Invoices"),
        "payment_statement": N_("Payment statements"),
        "support_ticket": N_("Support tickets"),
        "contract": N_("A contract or offer"),
        "chat_message": N_("Chat or Slack messages"),
        "time_log": N_("Time logs"),
        "other": N_("Something else"),
    },
}
assert set(CHOICES["unpaid_hours"]) == set(UNPAID_HOUR_KINDS)
NOT_CONTACTED = "not_contacted"

# The dates the form asks, in order, with their questions.
DATE_QUESTIONS: dict[str, str] = {
    "work_period_start": N_("First day of the work"),
    "work_period_end": N_("Last day of the work"),
    "expected_pay_date": N_("Day you were told you would be paid"),
    "paid_date": N_("Day the money came"),
}

STEPS: tuple[str, ...] = ("step_what", "step_when", "step_money", "step_details", "step_review")

# The label each report field has on this form: error messages speak these words.
# Translated through form_label(); the derived keys (unpaid time, precisions) are built there.
FORM_LABELS: dict[str, str] = {
    "grievances": N_("What went wrong"),
    "status": N_("Did the money come"),
    "processor": N_("Payment company that holds the money"),
    **DATE_QUESTIONS,
    "amount_expected": TEXT["amount_expected"],
    "amount_received": TEXT["amount_received"],
    "currency": TEXT["currency"],
    "rate": N_("Pay rate"), "rate_min": N_("Pay rate"), "rate_max": N_("Pay rate"), "rate_currency": TEXT["currency"],
    "rate_unit": TEXT["rate_unit"],
    "paid_hours": TEXT["paid_hours"],
    "unpaid_hours": N_("Unpaid time"),
    **{f"unpaid_hours_{kind}": f"Unpaid time: {text.lower()}" for kind, text in CHOICES["unpaid_hours"].items()},  # i18n-ignore: form_label() builds it
    "tasks_done": TEXT["tasks_done"],
    "payments": N_("Money in parts or held back"),
    "platform": TEXT["platform"],
    "platform_other": TEXT["platform_other"],
    "vendor": N_("Company between you and the platform"),
    "intermediary": N_("Company between you and the platform"),
    "project_code": N_("Project name or code"),
    "country": N_("Country you work from"),
    "payment_method": N_("How you are paid"),
    "affected_workers": N_("About how many workers had the same problem"),
    "account_status": N_("Your account now"),
    "support_contacted": N_("What support did"),
    "support_response": N_("What support did"),
    "evidence_types": N_("Proof you have"),
    "narrative": N_("Anything else (your words)"),
    "consent_publish_aggregate": N_("The box to keep and count your report"),
    "days_late": N_("Days late"),
    "expected_pay_date_basis": DATE_QUESTIONS["expected_pay_date"],
    **{f"{name}_precision": f"{question}: how sure you are" for name, question in DATE_QUESTIONS.items()},  # i18n-ignore: form_label() builds it
    **{f"{name}_within_days": f"{question}: give or take how many days" for name, question in DATE_QUESTIONS.items()},  # i18n-ignore: form_label() builds it
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
    "not_a_delay": N_("Your report is not about when pay came. So it is not counted in “days late”. "
                   "It is counted with the other problems."),
    "no_due_date": N_("We cannot count how many days late your pay is. You did not give the day you were "
                   "told you would be paid, and we know no pay schedule for this platform. Your report "
                   "still counts with the other problems."),
    "no_work_dates": N_("We cannot count how many days late your pay is. We do not know when the work ended "
                     "or when the pay was due. Your report still counts with the other problems."),
    "not_yet_due": N_("We cannot count days late yet. On the day you sent this report, the pay was not due "
                   "yet. When the money comes, change your report with your receipt code."),
    "no_report_date": N_("We cannot count days late: we do not know the day of the report."),
    "no_paid_date": N_("We cannot count how many days late your pay was, because we do not know the day "
                    "the money came."),
    "processor_hold": N_("We do not count this as the platform paying late, because a payment company holds "
                      "the money. It is counted as a payment company hold."),
}

DUE_HOW: dict[str, str] = {
    "stated": N_("the day you gave"),
    "published_schedule": N_("from the platform's published pay schedule"),
    "estimated_from_cycle": N_("an estimate: the end of the work plus the platform's usual pay time"),
}

# -- the words in the view's language ---------------------------------------------------------------


def text(key: str) -> str:
    """`TEXT[key]` in this view's language."""
    return i18n.translated(TEXT[key])


def choice_text(group: str, slug: str) -> str:
    """The label of option `slug` of `CHOICES[group]` in this view's language (the slug if unknown)."""
    label = CHOICES[group].get(slug)
    return slug if label is None else i18n.translated(label)


def choice_label(group: str) -> Callable[[str], str]:
    """A `format_func` for a widget offering the slugs of `CHOICES[group]`."""
    return lambda slug: choice_text(group, slug)


def precision_label(how: str) -> str:
    return i18n.translated(PRECISION_CHOICES[how])


def date_label(name: str) -> str:
    """The question of date `name` (DATE_QUESTIONS) in this view's language."""
    return i18n.translated(DATE_QUESTIONS[name])


def privacy() -> list[str]:
    """The privacy notice, one paragraph a line, in this view's language."""
    return [i18n.translated(paragraph) for paragraph in PRIVACY]


def delay_why(reason: str) -> str:
    return i18n.translated(DELAY_WHY[reason]) if reason in DELAY_WHY else reason


def describe(when: ApproxDate) -> str:
    """`ApproxDate.describe()` in this view's language (dates stay ISO: 2025-07-10, 2025-07)."""
    if when.lower is None or when.upper is None:
        return _("unknown")
    if when.precision in ("day", "month"):
        return when.describe()
    return _("between {start} and {end}").format(start=when.lower.isoformat(), end=when.upper.isoformat())


def payment_method_label(slug: str) -> str:
    """A payment method's label (schema.PAYMENT_METHODS: brand names stay) in this view's language."""
    label = PAYMENT_METHODS.get(slug)
    return slug if label is None else i18n.translated(label)


def country_name(code: str) -> str:
    """A country's name in this view's language (Babel's), in English the list's own (codes.COUNTRIES)."""
    if i18n.current() != i18n.DEFAULT_LANGUAGE:
        name = i18n.locale(i18n.current()).territories.get(code)
        if name:
            return str(name)
    return COUNTRIES.get(code, code)


def currency_name(code: str) -> str:
    """A currency's name in this view's language (Babel's), in English the list's own (codes.CURRENCIES)."""
    if i18n.current() != i18n.DEFAULT_LANGUAGE:
        name = i18n.locale(i18n.current()).currencies.get(code)
        if name:
            return str(name)
    return CURRENCIES.get(code, code)


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


_ALIAS_DISPLAY: dict[str, str] = {"scale_ai": "Scale AI", "scale": "Scale", "labelbox": "Labelbox"}  # i18n-ignore: company names


def _parent_display(option: str) -> str:
    key = option[len(PARENT_PREFIX):]
    return _ALIAS_DISPLAY.get(key, key.replace("_", " ").title())


OTHER_PLATFORM = "other"  # data/platforms.csv's "Another platform": a form choice, not a platform's name


def platform_label(option: str) -> str:
    row = _parent_row(option)
    if option == OTHER_PLATFORM and option in PLATFORMS:
        return _("Another platform")
    if row is None:
        return PLATFORMS.get(option, option)
    return _("{name} (the company behind {platform})").format(
        name=_parent_display(option), platform=PLATFORMS.get(row[0], row[0]).split(" (", 1)[0])


def platform_note(option: str | None) -> str | None:
    """What a parent company is read as (shown under the choice)."""
    row = _parent_row(option) if option else None
    return row[2] if row else None


def _platform_raw(option: str | None) -> str | None:
    if option is None:
        return None
    if option.startswith(PARENT_PREFIX):
        return _parent_display(option)
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
        return {}, f"{name}: {text('choose_day')}"
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
            problems.append(f"payments: {_('part {n}: {problem}').format(n=i + 1, problem=text('choose_day'))}")
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
        problems.append(f"consent_publish_aggregate: {text('consent_needed').lower()}")
    return raw, problems


# -- messages in the form's words ---------------------------------------------------------------------

_NAMES = sorted({*KNOWN_FIELDS, *FIELD_LABELS, *FORM_LABELS}, key=len, reverse=True)
_NAME_RE = re.compile(r"\b(" + "|".join(re.escape(n) for n in _NAMES if "_" in n) + r")\b")
_SLUG_GROUPS = ("status", "grievances")
_SLUG_RE = re.compile(r"'(" + "|".join(re.escape(s) for g in _SLUG_GROUPS for s in CHOICES[g]) + r")'")
_UNPAID_PREFIX = "unpaid_hours_"


def _slug_label(slug: str) -> str:
    group = next(g for g in _SLUG_GROUPS if slug in CHOICES[g])
    return choice_text(group, slug)


def form_label(name: str) -> str:
    """The label field `name` has on this form, in this view's language."""
    kind = name[len(_UNPAID_PREFIX):] if name.startswith(_UNPAID_PREFIX) else None
    if kind in CHOICES["unpaid_hours"]:
        return _("Unpaid time: {kind}").format(kind=choice_text("unpaid_hours", kind).lower())
    for question in DATE_QUESTIONS:
        if name == f"{question}_precision":
            return _("{question}: how sure you are").format(question=date_label(question))
        if name == f"{question}_within_days":
            return _("{question}: give or take how many days").format(question=date_label(question))
    if name in DATE_QUESTIONS:
        return date_label(name)
    if name in FORM_LABELS:
        return i18n.translated(FORM_LABELS[name])
    return FIELD_LABELS.get(name) or name.replace("_", " ").capitalize()


_BETWEEN_RE = re.compile(r"between (\S+) and (\S+)")


def _param(value: Any) -> Any:
    """A validator value in this view's language where it is the validator's own word (an
    `ApproxDate.describe()`: "unknown", "between <day> and <day>"); data stays as it is."""
    if value == "unknown":
        return _("unknown")
    found = _BETWEEN_RE.fullmatch(value) if isinstance(value, str) else None
    if found:
        return _("between {start} and {end}").format(start=found.group(1), end=found.group(2))
    return value


def _problem_message(problem: Problem) -> str:
    """A validator error's message in this view's language (values that are data stay as they are)."""
    params = {k: _problem_message(v) if isinstance(v, Problem) else _param(v) for k, v in problem.params.items()}
    return i18n.translated(problem.template).format(**params)


def with_templates(errors: list[str], problems: list[Problem]) -> list[str | Problem]:
    """The validator's errors, each as its Problem when there is one (so it can be translated)."""
    found = {problem.text: problem for problem in problems}
    return [found.get(error, error) for error in errors]


def form_message(error: str | Problem, *, with_step: bool = True) -> str:
    """A validator error ("paid_date: required when status is 'paid_late' ...", or the same as a
    Problem) in the form's words, in this view's language ("Day the money came: required when the
    answer is “Yes, all of it, but late” ...")."""
    if isinstance(error, Problem):
        name, message = error.name, f" {_problem_message(error)}"
    else:
        name, _sep, message = error.partition(":")
    message = _SLUG_RE.sub(lambda m: f"“{_slug_label(m.group(1))}”", message)
    message = _NAME_RE.sub(lambda m: f"“{form_label(m.group(1)).lower()}”", message)
    if i18n.current() == i18n.DEFAULT_LANGUAGE:
        message = message.replace("status is “", "the answer is “")  # i18n-ignore: English wording of the validator's
    step = FIELD_STEP.get(name.strip()) if with_step else None
    where = f"{text('in_step').format(n=step + 1, name=text(STEPS[step]).lower())}: " if step is not None else ""
    return f"{where}{form_label(name.strip())}:{message}"


def form_messages(errors: list[str | Problem] | list[str], *, with_step: bool = True) -> list[str]:
    return [form_message(e, with_step=with_step) for e in errors]


# -- after sending ----------------------------------------------------------------------------------------


def _day_range(lower: date | None, upper: date | None) -> str:
    if lower is None or upper is None:
        return _("unknown")
    if lower == upper:
        return lower.isoformat()
    return _("between {start} and {end}").format(start=lower.isoformat(), end=upper.isoformat())


def due_how(basis: str) -> str:
    return i18n.translated(DUE_HOW[basis]) if basis in DUE_HOW else basis


def delay_summary(report: PaymentReport) -> list[str]:
    """How late the pay is, or why that cannot be counted, in plain words (plain text: escape it
    before showing it as Markdown)."""
    lines: list[str] = []
    if report.due_lower is not None and report.due_basis is not None and report.delay_reason != "not_a_delay":
        # Translators: {when} is a day or "between <day> and <day>"; {how} says where that day comes from.
        lines.append(_("Your pay was due {when} ({how}).").format(
            when=_day_range(report.due_lower, report.due_upper), how=due_how(report.due_basis)))
    low, high = report.delay_lower_days, report.delay_upper_days
    if low is not None and high is not None:
        if low == high:
            # Translators: English keeps "days" for every count; give your language's plural forms.
            lines.append(ngettext("It came {n} days after it was due.", "It came {n} days after it was due.",
                                  low).format(n=low) if low else _("It came on time."))
        else:
            lines.append(_("It came between {low} and {high} days after it was due. Your dates are not "
                           "exact, so we keep this range, not one number.").format(low=low, high=high))
    elif low is not None:
        lines.append(ngettext("It is at least {n} days late so far.", "It is at least {n} days late so far.",
                              low).format(n=low))
    elif report.delay_reason:
        lines.append(delay_why(report.delay_reason))
    return lines


def _amount(value: Any) -> str:
    return i18n.number(float(value), 2, language=i18n.current())


def review_lines(raw: Mapping[str, Any], values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(question, answer) for every answered question, as plain text, for the review step."""
    out: list[tuple[str, str]] = []
    if raw.get("grievances"):
        out.append((form_label("grievances"), "; ".join(choice_text("grievances", g) for g in raw["grievances"])))
    if raw.get("status"):
        out.append((text("status"), choice_text("status", raw["status"])))
    if raw.get("processor"):
        out.append((text("processor"), payment_method_label(raw["processor"])))
    for name in DATE_QUESTIONS:
        question = date_label(name)
        how = values.get(f"{name}_how")
        if how is None:
            continue
        when = approx_from(values, name)
        if how == "unknown":
            out.append((question, precision_label("unknown")))
        elif when is not None and how == "approx":
            out.append((question, _("about {day}, give or take {n} days").format(
                day=values[f"{name}_day"].isoformat(), n=raw.get(f"{name}_within_days"))))
        elif when is not None:
            out.append((question, describe(when)))
    currency = raw.get("currency") or ""
    for name in ("amount_expected", "amount_received"):
        if raw.get(name) is not None:
            out.append((text(name), f"{_amount(raw[name])} {currency}".strip()))
    if raw.get("rate_min") is not None:
        unit = choice_text("rate_unit", raw.get("rate_unit") or "").lower() if raw.get("rate_unit") in CHOICES["rate_unit"] else "?"
        out.append((form_label("rate"), _("{amount} {currency} for each {unit}").format(
            amount=_amount(raw["rate_min"]), currency=currency, unit=unit)))
    for name in ("paid_hours", "tasks_done"):
        if raw.get(name) is not None:
            out.append((text(name), f"{raw[name]:g}"))
    for kind in CHOICES["unpaid_hours"]:
        if raw.get(f"unpaid_hours_{kind}"):
            out.append((_("Unpaid: {kind}").format(kind=choice_text("unpaid_hours", kind).lower()),
                        _("{n} hours").format(n=f"{raw[f'unpaid_hours_{kind}']:g}")))
    for i, payment in enumerate(raw.get("payments") or [], 1):
        amount = "" if payment["amount"] is None else f"{_amount(payment['amount'])} {currency} "
        kind = choice_text("payment_kind", payment["kind"]).lower() if payment["kind"] in CHOICES["payment_kind"] else ""
        out.append((_("Part {n}").format(n=i), f"{amount}{kind}, {describe(payment['date'])}"))
    if values.get("platform"):
        out.append((text("platform"), platform_label(values["platform"])))
    for name in ("platform_other", "vendor", "project_code"):
        if raw.get(name):
            out.append((form_label(name), str(raw[name])))
    if raw.get("country"):
        out.append((form_label("country"), str(raw["country"])))
    if raw.get("payment_method"):
        out.append((form_label("payment_method"), payment_method_label(raw["payment_method"])))
    if raw.get("affected_workers"):
        out.append((form_label("affected_workers"), _("about {n}").format(n=i18n.number(raw["affected_workers"], language=i18n.current()))))
    if raw.get("account_status"):
        out.append((form_label("account_status"), choice_text("account_status", raw["account_status"])))
    if values.get("support"):
        out.append((form_label("support_response"), choice_text("support", values["support"])))
    if raw.get("evidence_types"):
        out.append((form_label("evidence_types"), "; ".join(choice_text("evidence_types", e) for e in raw["evidence_types"])))
    if raw.get("narrative"):
        out.append((form_label("narrative"), _("(your words, cleaned before we save them)")))
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
    how = st.radio(text("how_sure").format(question=question), list(PRECISION_CHOICES), index=None,
                   format_func=precision_label, key=f"{prefix}{name}_how", help=help_text)
    if how in ("day", "month", "approx"):
        if how == "month":
            st.caption(text("pick_month_day"))
        # One label whatever the choice: a widget keeps its value only while its label stays.
        st.date_input(text("pick_day").format(question=question), value=None, min_value=EARLIEST_DATE,
                      max_value=latest or today + timedelta(days=366), key=f"{prefix}{name}_day", format="YYYY-MM-DD")
    if how == "approx":
        st.number_input(text("within_days").format(question=question), min_value=1, max_value=MAX_WITHIN_DAYS,
                        value=None, step=1, key=f"{prefix}{name}_within", placeholder=str(DEFAULT_APPROX_DAYS))

