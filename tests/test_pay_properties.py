"""Properties of pay parsing that hold for any input (hypothesis)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectors.pay import (
    PAY_UNITS,
    Pay,
    _parse_text,
    format_pay,
    parse_pay,
    to_hourly_usd,
)
from collectors.sources.ashby import from_ashby_compensation
from collectors.sources.greenhouse import from_greenhouse_range
from collectors.sources.jsonld import from_jsonld_salary
from collectors.sources.lever import from_lever_salary_range
from collectors.sources.mercor import from_mercor
from collectors.sources.telus import from_telus_compensation

# Pieces that pay strings are made of, so that generated text often looks like pay.
_PIECES = [
    "$", "€", "£", "₹", "₱", "₦", "¥", "円", "R$", "CA$", "US$", "Rs.", "KSh", "USD", " EUR", "kr", "zł",
    "0", "1", "5", "20", "45.50", "1,234", "1.234,50", "1 234,50", "1,00,000", "0.08", "120", "k", "K",
    "lakh", " LPA", "M", "万", "+", "-", " – ", "—", " to ", "~", "～", "/", "/hr", "/h", " per hour",
    " an hour", " per task", " per audio second", " per annum", "/month", " weekly", " hourly",
    "up to ", "from ", "about ", "between ", " and ", "(", ")", "&nbsp;", "&#36;", "&amp;mdash;",
    "<b>", "</b>", " ", ", ", ". ", "hours per week", "bonus", "subscription", "raised", "%", "401(k)",
]
pay_like_text = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)
any_text = st.one_of(st.text(), pay_like_text, st.binary().map(lambda b: b.decode("latin-1")))


def _check(pay: Pay | None) -> None:
    if pay is None:
        return
    assert pay.unit in PAY_UNITS
    assert pay.currency is None or re.fullmatch(r"[A-Z]{3}", pay.currency)
    assert pay.min is not None or pay.max is not None
    if pay.min is not None and pay.max is not None:
        assert pay.min <= pay.max
    for value in (pay.min, pay.max):
        assert value is None or 0 <= value < 1e12
    assert not (pay.up_to and pay.at_least)
    assert isinstance(format_pay(pay), str)


@settings(max_examples=2000, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(any_text)
def test_parse_never_raises_and_results_are_well_formed(text: str) -> None:
    pay = _parse_text(text)  # the strict path: an exception here is a bug
    _check(pay)
    assert parse_pay(text) == pay


@settings(max_examples=500, deadline=None)
@given(pay_like_text, st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
       st.one_of(st.none(), st.floats(min_value=-10, max_value=100)))
def test_hourly_conversion_never_raises(text: str, on: date, hours: float | None) -> None:
    pay = parse_pay(text)
    if pay is not None:
        result = to_hourly_usd(pay, on=on, hours_per_week=hours)
        if result is not None:
            assert pay.unit in ("hour", "day", "week", "month", "year")
            if result.min is not None and result.max is not None:
                assert result.min <= result.max


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
              st.text(max_size=12), st.sampled_from(["HOURLY", "1 HOUR", "2 WEEK", "per_unit", "Salary",
                                                     "per-hour-wage", "USD", "hourly", "35.5"])),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from([
                                   "minValue", "maxValue", "value", "unitText", "currency", "interval",
                                   "min", "max", "amount", "unit", "currencyCode", "compensationType",
                                   "summaryComponents", "compensationTiers", "components",
                                   "compensationTierSummary"]), children, max_size=6)),
    max_leaves=20,
)


@settings(max_examples=1000, deadline=None)
@given(json_values, json_values, json_values)
def test_structured_forms_never_raise(a: Any, b: Any, c: Any) -> None:
    for pay in (
        from_lever_salary_range(a), from_ashby_compensation(a), from_jsonld_salary(a),
        from_telus_compensation(a), from_mercor(a, b, c if isinstance(c, str) else None),
        from_greenhouse_range(a if isinstance(a, int) else None, b if isinstance(b, int) else None,
                              c if isinstance(c, str) else None),
    ):
        _check(pay)
