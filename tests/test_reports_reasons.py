"""Why a payment-report figure is missing: one table of templates (collectors/reports/reasons.py)
makes the English text stored in the lake, and reads it back so the dashboard shows it translated."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest

from collectors.reports import delays, reasons
from collectors.store.reports import public

MIN = delays.MIN_GROUP_SIZE
LONG = [(7, "no_due_date"), (2, "not_a_delay"), (1, "no_work_dates"), (3, "processor_hold")]
# Parameters for every template of the table: each must come back from its text unchanged.
PARAMS: dict[str, dict[str, Any]] = {
    "no_delay": {"reasons": LONG},
    "no_reports": {},
    "mostly_reason": {"reason": "no_due_date", "n_reason": 4, "n_timing": 5, "n_delay": 1, "n_independent": 1,
                      "min_reports": MIN},
    "mostly_reason_also": {"reason": "not_yet_due", "n_reason": 4, "n_timing": 6, "n_delay": 1,
                           "n_independent": 1, "min_reports": MIN, "others": [(1, "no_paid_date"), (2, "weird_key")]},
    "too_few": {"n_independent": 3, "min_reports": MIN},
    "too_few_more": {"n_independent": 3, "min_reports": MIN, "n_without": 12},
    "median_not_reached": {},
    "median_not_reached_note": {},
    "no_hours": {"n_reports": 9},
    "too_few_hours": {"n_independent": 2, "min_reports": MIN},
    "suppressed": {"min_reports": MIN},
    "complementary": {"min_reports": MIN},
}


def _shout(message: str) -> str:
    """A pretend catalog: every message upper-cased, its placeholders kept."""
    return re.sub(r"\{[a-z_]+\}|[^{}]+", lambda m: m.group() if m.group().startswith("{") else m.group().upper(),
                  message)


def test_every_template_has_a_case() -> None:
    assert set(PARAMS) == set(reasons.DETAILS)


@pytest.mark.parametrize("key", sorted(reasons.DETAILS))
def test_a_stored_reason_reads_back_into_its_template_and_parameters(key: str) -> None:
    text = reasons.detail(key, **PARAMS[key])
    assert reasons.parse(text) == (key, PARAMS[key])
    assert reasons.shown(text, lambda message: message) == text


@pytest.mark.parametrize("key", sorted(reasons.DETAILS))
def test_shown_formats_the_translated_template_with_translated_parts(key: str) -> None:
    """A pretend catalog that upper-cases every message: the sentence, the counted reasons and the
    short reason are all translated; the numbers stay."""
    text = reasons.detail(key, **PARAMS[key])
    shown = reasons.shown(text, _shout)
    assert shown != text
    for value in PARAMS[key].values():
        if isinstance(value, int):
            assert str(value) in shown
    if key == "no_delay":
        assert "7 NO DUE DATE: NONE STATED" in shown and "3 THE MONEY IS HELD" in shown
    if key == "mostly_reason_also":
        assert shown.startswith("NOT YET DUE FOR 4 OF 6") and "2 weird_key" in shown  # an unknown key as stored


def test_the_english_text_is_what_it_was() -> None:
    """The stored words did not change: the figures' texts as the module wrote them before."""
    assert reasons.detail("no_delay", reasons=[(7, "no_due_date")]) == (
        "no report gives a delay (7 no due date: none stated, no published schedule and no stated pay cycle)")
    assert reasons.detail("mostly_reason", **PARAMS["mostly_reason"]) == (
        "no due date for 4 of 5 reports about when pay came; 1 give a delay (1 independent, at least 5 are needed)")
    assert reasons.detail("too_few_more", **PARAMS["too_few_more"]) == (
        "3 independent report(s) with a delay; at least 5 are needed (12 more without one)")
    assert reasons.detail("suppressed", min_reports=MIN) == delays.SUPPRESSED_NOTE
    assert reasons.detail("complementary", min_reports=MIN) == public.COMPLEMENTARY_NOTE
    assert delays.MISSING_REASONS["too_few_independent"] == (
        f"fewer than {MIN} independent reports (one incident counts once)")


def _reports(reasons_: list[str | None], lower: list[float | None], upper: list[float | None]) -> pd.DataFrame:
    n = len(reasons_)
    return pd.DataFrame({
        "platform_id": ["p"] * n, "source_kind": ["worker"] * n, "source_class": ["worker_report"] * n,
        "verification_tier": [None] * n, "status": ["approved"] * n, "grievances": [[] for _ in range(n)],
        "event_id": [None] * n, "due_basis": ["stated"] * n, "delay_lower_days": lower, "delay_upper_days": upper,
        "delay_reason": reasons_, "payment_method": [None] * n, "processor": [None] * n, "country": [None] * n,
        "work_type": [None] * n, "rate_min": [None] * n, "rate_unit": [None] * n, "usd_per_unit": [None] * n,
        "currency": [None] * n, "effective_hourly_rate": [None] * n, "effective_hourly_usd": [None] * n,
        "hours_worked": [None] * n, "amount_received": [None] * n,
    })


CASES = {
    "no delay at all": _reports(["no_due_date"] * 3 + ["not_a_delay", "processor_hold"], [None] * 5, [None] * 5),
    "mostly no due date": _reports(["no_due_date"] * 4 + [None] + ["no_paid_date"], [None] * 4 + [3.0] + [None],
                                   [None] * 4 + [5.0] + [None]),
    "too few": _reports([None, None, "not_a_delay"], [1.0, 2.0, None], [4.0, None, None]),
    "too few, none more": _reports([None, None], [1.0, 2.0], [4.0, 3.0]),
    "median not reached": _reports([None] * 6, [1.0] * 6, [None] * 6),
}
# What delay_figures stored for these cases before the table (the lake's texts must not change).
BEFORE = {
    "median not reached": "more than half may still be unpaid: the median is not reached",
    "mostly no due date": "no due date for 4 of 6 reports about when pay came; 1 give a delay (1 independent, at "
                          "least 5 are needed); also 1 paid, but the date of payment is unknown",
    "no delay at all": "no report gives a delay (3 no due date: none stated, no published schedule and no stated pay "
                       "cycle, 1 reports about something other than when pay came (a rate cut, a bonus ...), 1 the "
                       "money is held by a payment provider (not the platform's lateness))",
    "too few": "2 independent report(s) with a delay; at least 5 are needed (1 more without one)",
    "too few, none more": "2 independent report(s) with a delay; at least 5 are needed",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_figures_write_what_they_wrote_before_and_it_reads_back(case: str) -> None:
    text = str(delays.delay_figures(CASES[case])["missing_detail"].iloc[0])
    assert text == BEFORE[case]
    assert reasons.parse(text) is not None, text


def test_text_no_template_made_is_shown_as_stored() -> None:
    assert reasons.parse("something a moderator typed") is None
    assert reasons.shown("something a moderator typed", str.upper) == "something a moderator typed"
    assert reasons.shown(None, str.upper) == "" and reasons.shown("", str.upper) == ""


def test_a_translation_with_broken_placeholders_falls_back_to_the_stored_text() -> None:
    text = reasons.detail("no_hours", n_reports=3)
    assert reasons.shown(text, lambda m: m.replace("{n_reports}", "{n}")) == text
