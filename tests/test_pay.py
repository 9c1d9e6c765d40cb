"""Pay normalisation: the labelled set of real-looking pay strings, the structured forms of every
platform, hourly USD conversion and rendering."""

from __future__ import annotations

import csv
import html
import json
import math
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from benchmarks.pay_bench import benchmark_parse_pay
from collectors.pay import (
    PAY_UNITS,
    HourlyUSD,
    Pay,
    format_pay,
    from_hourly_bounds,
    parse_pay,
    pay_to_dict,
    to_hourly_usd,
)
from collectors.sources.ashby import from_ashby_compensation
from collectors.sources.greenhouse import from_greenhouse_range
from collectors.sources.jsonld import from_jsonld_salary
from collectors.sources.lever import from_lever_salary_range
from collectors.sources.mercor import from_mercor
from collectors.sources.telus import from_telus_compensation

PAY_STRINGS = Path(__file__).parent / "data" / "pay_strings.jsonl"
REAL_SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "real-samples"
FIELDS = ("min", "max", "currency", "unit", "approximate", "up_to", "at_least")
MINIMUM_EXACT_MATCH_RATE = 1.0  # the old set stays fully right (issue 15)


def _labelled() -> list[dict[str, Any]]:
    with PAY_STRINGS.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _as_fields(pay: Pay | None) -> dict[str, Any] | None:
    return None if pay is None else {name: getattr(pay, name) for name in FIELDS}


def _same(got: dict[str, Any] | None, expected: dict[str, Any] | None) -> bool:
    if got is None or expected is None:
        return got is None and expected is None
    for name in FIELDS:
        a, b = got[name], expected[name]
        if isinstance(a, float) or isinstance(b, float):
            if a is None or b is None or not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
                return False
        elif a != b:
            return False
    return True


# --- The labelled set -------------------------------------------------------------------------------


def test_labelled_set_is_big_and_varied() -> None:
    rows = _labelled()
    assert len(rows) >= 220
    assert all(row["note"] for row in rows), "every string says where such a string appears"
    assert len({row["text"] for row in rows}) == len(rows), "no duplicates"
    pays = [row["expected"] for row in rows if row["expected"] is not None]
    traps = [row for row in rows if row["expected"] is None]
    assert len(traps) >= 40
    currencies = {p["currency"] for p in pays if p["currency"]}
    assert {"USD", "EUR", "GBP", "CAD", "AUD", "INR", "PHP", "KES", "NGN", "BRL", "MXN", "JPY", "CHF",
            "PLN", "ZAR", "SGD", "NZD", "SEK"} <= currencies
    assert {p["unit"] for p in pays} == set(PAY_UNITS)
    assert sum(p["up_to"] for p in pays) >= 10 and sum(p["at_least"] for p in pays) >= 10
    texts = " ".join(row["text"] for row in rows)
    for feature in ("lakh", "LPA", "k-", "&nbsp;", "&mdash;", "1.234,50", "1,00,000", "万"):
        assert feature in texts, feature


def test_labelled_set_exact_match_rate(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _labelled()
    misses = []
    for row in rows:
        got = _as_fields(parse_pay(row["text"]))
        if not _same(got, row["expected"]):
            misses.append(f"{row['text']!r}: got {got}, expected {row['expected']}")
    rate = 1 - len(misses) / len(rows)
    with capsys.disabled():
        print(f"\npay_strings.jsonl exact-match rate: {rate:.1%} ({len(rows) - len(misses)}/{len(rows)})")
    assert rate >= MINIMUM_EXACT_MATCH_RATE, "\n".join(misses)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$75/hr", Pay(75, 75, None, "hour")),
        ("Up to $40 per hour", Pay(None, 40, None, "hour", up_to=True)),
        ("$20 - $40 USD per hour", Pay(20, 40, "USD", "hour")),
        ("£18.50 an hour", Pay(18.5, 18.5, "GBP", "hour")),
        ("1.234,50 €", Pay(1234.5, 1234.5, "EUR", "unknown")),
        ("CA$45/hr", Pay(45, 45, "CAD", "hour")),
        ("₹500 per hour", Pay(500, 500, "INR", "hour")),
        ("$0.10 per task", Pay(0.1, 0.1, None, "task")),
        ("120k-150k", Pay(120_000, 150_000, None, "year")),
        ("$20+/hr", Pay(20, None, None, "hour", approximate=True, at_least=True)),
        ("from $15/h", Pay(15, None, None, "hour", at_least=True)),
        ("~$40/hr", Pay(40, 40, None, "hour", approximate=True)),
        ("$0.08 per approved audio second", Pay(4.8, 4.8, None, "minute")),
        ("Rs. 2.5 lakh per annum", Pay(250_000, 250_000, "INR", "year")),
    ],
)
def test_issue_examples(text: str, expected: Pay) -> None:
    assert parse_pay(text) == expected


@pytest.mark.parametrize(
    "text", ["Competitive", "DOE", "401(k)", "GPA 3.5", "Series B $100M raised", "$19.99 subscription",
             "Grade 7 salary point 32", "$1M+ in prizes", "paid weekly", "", None],
)
def test_not_pay(text: str | None) -> None:
    assert parse_pay(text) is None


def test_bare_dollar_keeps_its_sign_but_not_a_currency() -> None:
    pay = parse_pay("$50 per hour")
    assert pay is not None and pay.currency is None and pay.currency_symbol == "$"
    # The sign is informative only: equality ignores it, so structured and text forms compare equal.
    assert pay == Pay(50, 50, None, "hour")


def test_first_pay_with_currency_and_unit_wins() -> None:
    assert parse_pay("$500 bonus, then $20 per hour") == Pay(20, 20, None, "hour")
    assert parse_pay("KSh 26,600–40,000 per month ($210–$323)") == Pay(26_600, 40_000, "KES", "month")


def test_html_content_from_greenhouse_is_unescaped_twice() -> None:
    content = html.escape(
        '<div class="title">Pay Range (rate per hour)</div><div class="pay-range"><span>$15 USD</span>'
        '<span class="divider">&mdash;</span><span>$150 USD</span></div>'
    )
    assert parse_pay(content) == Pay(15, 150, "USD", "hour")


# --- Rendering and the CLI text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pay", "text"),
    [
        (Pay(20, 40, None, "hour", currency_symbol="$"), "$20–40/hour"),
        (Pay(None, 18.5, "GBP", "hour", up_to=True), "up to £18.50/hour"),
        (Pay(26_600, 40_000, "KES", "month"), "KES 26,600–40,000/month"),
        (Pay(20, None, None, "hour", approximate=True, at_least=True, currency_symbol="$"), "$20+/hour"),
        (Pay(15, None, "EUR", "hour", at_least=True), "from €15/hour"),
        (Pay(40, 40, None, "hour", approximate=True, currency_symbol="$"), "~$40/hour"),
        (Pay(120_000, 150_000, None, "year"), "120,000–150,000/year"),
        (Pay(0.1, 0.1, "USD", "task"), "$0.10/task"),
        (Pay(1234.5, 1234.5, "EUR", "unknown"), "€1,234.50"),
    ],
)
def test_format_pay(pay: Pay, text: str) -> None:
    assert format_pay(pay) == text


def test_pay_to_dict() -> None:
    pay = parse_pay("£18.50 an hour")
    assert pay is not None
    assert pay_to_dict(pay) == {
        "min": 18.5, "max": 18.5, "currency": "GBP", "unit": "hour", "approximate": False,
        "up_to": False, "at_least": False, "currency_symbol": "£", "unit_kind": "time",
    }
    assert pay_to_dict(Pay(1, 2, "USD", "hour"))["currency_symbol"] is None


# --- Structured forms -------------------------------------------------------------------------------


class TestGreenhouse:
    def test_hourly_by_size(self) -> None:
        assert from_greenhouse_range(4500, 5500, "USD") == Pay(45, 55, "USD", "hour")

    def test_annual_by_size(self) -> None:
        assert from_greenhouse_range(22_280_000, 30_000_000, "USD") == Pay(222_800, 300_000, "USD", "year")

    def test_threshold_is_one_thousand_dollars(self) -> None:
        assert from_greenhouse_range(99_999, 99_999, "USD").unit == "hour"  # type: ignore[union-attr]
        assert from_greenhouse_range(100_000, 100_000, "USD").unit == "year"  # type: ignore[union-attr]

    def test_title_words_win_over_size(self) -> None:
        assert from_greenhouse_range(300_000, 450_000, "EUR", title="Monthly salary").unit == "month"  # type: ignore[union-attr]
        assert from_greenhouse_range(150_000, 200_000, "USD", title="Hourly Rate").unit == "hour"  # type: ignore[union-attr]
        assert from_greenhouse_range(4000, 6000, "USD", title="Annual Salary:").unit == "year"  # type: ignore[union-attr]

    def test_blurb_words(self) -> None:
        blurb = "&lt;p&gt;The expected daily rate for this role&lt;/p&gt;"
        assert from_greenhouse_range(40_000, 60_000, "GBP", title="Zone 1", blurb=blurb) == Pay(
            400, 600, "GBP", "day"
        )
        # A blurb saying "hour" next to a six-figure range is overruled by the size rule.
        annual = from_greenhouse_range(12_000_000, 15_000_000, "USD", blurb="Paid by the hour")
        assert annual is not None and annual.unit == "year"

    def test_missing_and_zero_bounds(self) -> None:
        assert from_greenhouse_range(None, None, "USD") is None
        assert from_greenhouse_range(0, 0, "USD") is None
        assert from_greenhouse_range(0, 5000, "usd") == Pay(None, 50, "USD", "hour", up_to=True)


class TestLever:
    @pytest.mark.parametrize(
        ("interval", "unit"),
        [("per-hour-wage", "hour"), ("per-day-wage", "day"), ("per-week-salary", "week"),
         ("per-month-salary", "month"), ("per-year-salary", "year"), ("one-time", "unknown"),
         ("something-new", "unknown")],
    )
    def test_intervals(self, interval: str, unit: str) -> None:
        pay = from_lever_salary_range({"currency": "EUR", "interval": interval, "min": 30, "max": 45})
        assert pay == Pay(30, 45, "EUR", unit)  # type: ignore[arg-type]

    def test_absent_or_empty(self) -> None:
        assert from_lever_salary_range(None) is None
        assert from_lever_salary_range({"currency": "USD", "interval": "per-hour-wage"}) is None


class TestAshby:
    def _component(self, interval: str, low: float | None, high: float | None, kind: str = "Salary") -> dict[str, Any]:
        return {"compensationType": kind, "interval": interval, "currencyCode": "USD",
                "minValue": low, "maxValue": high}

    def test_summary_components_first(self) -> None:
        comp = {
            "summaryComponents": [self._component("NONE", None, None, "EquityPercentage"),
                                  self._component("1 HOUR", 50, 60)],
            "compensationTiers": [{"components": [self._component("1 HOUR", 1, 2)]}],
        }
        assert from_ashby_compensation(comp) == Pay(50, 60, "USD", "hour")

    def test_tiers_when_no_summary(self) -> None:
        comp = {"summaryComponents": [], "compensationTiers": [
            {"components": [self._component("1 YEAR", 100_000, 150_000)]},
            {"components": [self._component("1 YEAR", 120_000, 200_000)]},
        ]}
        assert from_ashby_compensation(comp) == Pay(100_000, 200_000, "USD", "year")

    def test_two_weeks_is_halved_to_weekly(self) -> None:
        comp = {"summaryComponents": [self._component("2 WEEK", 3000, 4000)]}
        assert from_ashby_compensation(comp) == Pay(1500, 2000, "USD", "week")

    @pytest.mark.parametrize(("interval", "unit"), [("1 DAY", "day"), ("1 MONTH", "month"), ("NONE", "unknown")])
    def test_other_intervals(self, interval: str, unit: str) -> None:
        pay = from_ashby_compensation({"summaryComponents": [self._component(interval, 10, 20)]})
        assert pay is not None and pay.unit == unit

    def test_no_compensation(self) -> None:
        empty: dict[str, Any] = {"compensationTierSummary": None, "scrapeableCompensationSalarySummary": None,
                 "compensationTiers": [], "summaryComponents": []}
        assert from_ashby_compensation(empty) is None
        assert from_ashby_compensation(None) is None

    def test_summary_text_when_components_are_empty(self) -> None:
        comp = {"compensationTierSummary": "$50.00 – $60.00 per hour", "summaryComponents": [],
                "compensationTiers": []}
        assert from_ashby_compensation(comp) == Pay(50, 60, None, "hour")


class TestJsonLd:
    def test_mercor_hourly(self) -> None:
        salary = {"@type": "MonetaryAmount", "currency": "USD",
                  "value": {"@type": "QuantitativeValue", "minValue": 35, "maxValue": 45, "unitText": "HOURLY"}}
        assert from_jsonld_salary(salary) == Pay(35, 45, "USD", "hour")

    @pytest.mark.parametrize(
        ("unit_text", "unit"),
        [("HOUR", "hour"), ("hour", "hour"), ("DAY", "day"), ("Daily", "day"), ("WEEK", "week"),
         ("WEEKLY", "week"), ("MONTH", "month"), ("monthly", "month"), ("YEAR", "year"),
         ("YEARLY", "year"), ("ANNUAL", "year"), ("annually", "year"), ("fortnight", "unknown")],
    )
    def test_unit_text(self, unit_text: str, unit: str) -> None:
        salary = {"currency": "GBP", "value": {"minValue": 1, "maxValue": 2, "unitText": unit_text}}
        assert from_jsonld_salary(salary) == Pay(1, 2, "GBP", unit)  # type: ignore[arg-type]

    def test_single_value_and_bare_number(self) -> None:
        assert from_jsonld_salary({"currency": "EUR", "value": {"value": "42.50", "unitText": "HOUR"}}) == Pay(
            42.5, 42.5, "EUR", "hour"
        )
        assert from_jsonld_salary({"currency": "USD", "value": 60000, "unitText": "YEAR"}) == Pay(
            60000, 60000, "USD", "year"
        )
        assert from_jsonld_salary([{"currency": "USD", "value": 20}]) == Pay(20, 20, "USD", "unknown")
        assert from_jsonld_salary(None) is None
        assert from_jsonld_salary({"currency": "USD", "value": {"unitText": "HOUR"}}) is None


class TestMercor:
    def test_hourly(self) -> None:
        assert from_mercor(45.0, 65.0, "hourly") == Pay(45, 65, "USD", "hour")

    def test_frequencies(self) -> None:
        assert from_mercor(55, 55, "per-task") == Pay(55, 55, "USD", "task")
        assert from_mercor(800, 1000, "weekly") == Pay(800, 1000, "USD", "week")
        assert from_mercor(4000, 5000, "monthly") == Pay(4000, 5000, "USD", "month")
        assert from_mercor(90000, 120000, "yearly") == Pay(90000, 120000, "USD", "year")
        assert from_mercor(500, 500, "one-time") == Pay(500, 500, "USD", "unknown")
        assert from_mercor(30, 40, None) == Pay(30, 40, "USD", "unknown")

    def test_zero_and_missing_bounds(self) -> None:
        assert from_mercor(0, 0, "hourly") is None
        assert from_mercor(None, None, "hourly") is None
        assert from_mercor(87.0, 0, "hourly") == Pay(87, 87, "USD", "hour")
        assert from_mercor(None, 120, "hourly") == Pay(120, 120, "USD", "hour")
        assert from_mercor(120, 100, "hourly") == Pay(100, 120, "USD", "hour")


def test_alignerr_hourly_bounds() -> None:
    assert from_hourly_bounds(75, 90) == Pay(75, 90, "USD", "hour")
    assert from_hourly_bounds(None, 150) == Pay(None, 150, "USD", "hour", up_to=True)
    assert from_hourly_bounds(0, None) is None


def test_telus_compensation() -> None:
    assert from_telus_compensation({"amount": 12.5, "currency": "usd", "unit": "per_hour"}) == Pay(
        12.5, 12.5, "USD", "hour"
    )
    assert from_telus_compensation({"amount": "0.12", "currency": "USD", "unit": "per_unit"}) == Pay(
        0.12, 0.12, "USD", "task"
    )
    assert from_telus_compensation({"amount": 0, "currency": "USD", "unit": "per_hour"}) is None
    assert from_telus_compensation(None) is None


# --- The same forms on saved real responses (skipped when shared/real-samples is absent) -----------

needs_real_samples = pytest.mark.skipif(not REAL_SAMPLES.is_dir(), reason="shared/real-samples not present")


def _ld_json_blocks(page: str) -> list[Any]:
    blocks = re.findall(r'<script[^>]*type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)
    return [json.loads(block) for block in blocks]


@needs_real_samples
class TestRealSamples:
    def test_ashby_gimlet_hourly_tiers(self) -> None:
        jobs = json.loads((REAL_SAMPLES / "ashby/gimlet_posting-api_hourly-comp_2025-10-28.json").read_text())["jobs"]
        by_title = {job["title"]: from_ashby_compensation(job.get("compensation")) for job in jobs}
        assert by_title["AI Researcher (Intern)"] == Pay(50, 60, "USD", "hour")
        assert by_title["Chief of Staff"] == Pay(100_000, 250_000, "USD", "year")
        assert by_title["Founding Marketer"] is None
        # The tier summary text reads the same as the components (bar the currency: a bare "$").
        checked = 0
        for job in jobs:
            comp = job.get("compensation") or {}
            summary = comp.get("compensationTierSummary")
            structured = from_ashby_compensation(comp)
            if summary and structured is not None:
                text = parse_pay(summary)
                assert text is not None
                assert (text.min, text.max, text.unit) == (structured.min, structured.max, structured.unit)
                checked += 1
        assert checked >= 5

    def test_ashby_mercor_annual_and_no_comp_board(self) -> None:
        jobs = json.loads((REAL_SAMPLES / "ashby/mercor_posting-api_job-board_2025-10-28.json").read_text())["jobs"]
        pays = [from_ashby_compensation(job.get("compensation")) for job in jobs]
        assert any(p is not None for p in pays)
        assert all(p is None or (p.unit == "year" and p.currency == "USD") for p in pays)
        empty = json.loads((REAL_SAMPLES / "ashby/ericleerepo_board_list_no-comp.json").read_text())["jobs"]
        assert [from_ashby_compensation(job.get("compensation")) for job in empty] == [None] * len(empty)

    def test_mercor_job_page_jsonld_hourly(self) -> None:
        page = (REAL_SAMPLES / "jsonld/mercor_job_page_generalist-writer_list_AAABm4Xm5vZiwyWXybFBRJJN.html").read_text()
        postings = [b for b in _ld_json_blocks(page) if isinstance(b, dict) and b.get("@type") == "JobPosting"]
        assert from_jsonld_salary(postings[0]["baseSalary"]) == Pay(35, 45, "USD", "hour")

    def test_ashby_confluent_jsonld_annual(self) -> None:
        posting = json.loads((REAL_SAMPLES / "jsonld/ashby_confluent_jobposting_ldjson.json").read_text())
        assert from_jsonld_salary(posting["baseSalary"]) == Pay(285_000, 342_000, "USD", "year")

    def test_mercor_explore_page(self) -> None:
        listings = json.loads((REAL_SAMPLES / "other/mercor_listings-explore-page_2026-09-03_first8.json").read_text())["listings"]
        pays = [from_mercor(x["rateMin"], x["rateMax"], x["payRateFrequency"]) for x in listings]
        assert pays[0] == Pay(15, 20, "USD", "hour")
        assert pays[2] == Pay(87, 87, "USD", "hour")
        assert all(p is not None and p.unit == "hour" for p in pays)

    def test_alignerr_job_page_bounds_and_chip_agree(self) -> None:
        page = (REAL_SAMPLES / "other/alignerr_job_page_43cc3db4_RECONSTRUCTED.html").read_text()
        data = json.loads(re.search(r'<script id="__NEXT_DATA__"[^>]*>(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
        job = data["props"]["pageProps"]["job"]
        bounds = from_hourly_bounds(job["lowerBoundHourlyRate"], job["upperBoundHourlyRate"])
        assert bounds == Pay(75, 90, "USD", "hour")
        chip = parse_pay("$75-90/hr")
        assert chip is not None and (chip.min, chip.max, chip.unit) == (bounds.min, bounds.max, bounds.unit)

    def test_alignerr_greenhouse_content_pay_block(self) -> None:
        csv.field_size_limit(10**8)
        with (REAL_SAMPLES / "other/alignerr_greenhouse_content_derived_2025-06.csv").open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        pays = [parse_pay(row["description_raw"]) for row in rows]
        with_block = [p for p, row in zip(pays, rows, strict=True) if "pay-range" in html.unescape(row["description_raw"])]
        assert len(with_block) >= 140
        assert all(p is not None and p.unit == "hour" and p.currency == "USD" for p in with_block)
        assert sum(1 for p in with_block if p is not None and (p.min, p.max) == (15, 150)) >= 100

    @pytest.mark.parametrize(
        ("name", "column", "unit", "up_to"),
        [("handshake_move_jobs_derived_2025-06.csv", "pay", "hour", True),
         ("outlier_jobs_derived_2025-06.csv", "payment", "hour", False),
         ("mercor_listings-public_derived_2025-06.csv", "compensation", "hour", False)],
    )
    def test_derived_pay_columns(self, name: str, column: str, unit: str, up_to: bool) -> None:
        csv.field_size_limit(10**8)
        with (REAL_SAMPLES / "other" / name).open(newline="") as handle:
            values = [row[column] for row in csv.DictReader(handle) if row[column].strip()]
        assert values
        for value in values:
            pay = parse_pay(value)
            assert pay is not None and pay.unit == unit and pay.up_to is up_to, value


# --- Hourly USD -------------------------------------------------------------------------------------


def test_hourly_is_hourly_and_bare_dollar_is_read_as_usd() -> None:
    result = to_hourly_usd(parse_pay("$20-$40/hr"), on=date(2025, 6, 15))  # type: ignore[arg-type]
    assert result == HourlyUSD(20, 40, ("currency not stated; bare '$' read as USD",))
    assert to_hourly_usd(Pay(20, 40, "USD", "hour"), on=date(2025, 6, 1)) == HourlyUSD(20, 40, ())


def test_eur_and_gbp_use_the_month_of_the_listing() -> None:
    june = to_hourly_usd(Pay(20, 20, "EUR", "hour"), on=date(2025, 6, 30))
    january = to_hourly_usd(Pay(20, 20, "EUR", "hour"), on=date(2023, 1, 2))
    assert june is not None and january is not None
    assert june.min == pytest.approx(20 * 1.151619, rel=1e-5)
    assert january.min == pytest.approx(20 * 1.0769, rel=1e-5)
    assert "EUR→USD 1.15162 for 2025-06" in june.assumptions[0] and "ECB" in june.assumptions[0]
    pounds = to_hourly_usd(Pay(None, 18.5, "GBP", "hour", up_to=True), on=date(2025, 6, 1))
    assert pounds is not None and pounds.min is None
    assert pounds.max == pytest.approx(18.5 * 1.3551436, rel=1e-5)


def test_year_is_divided_by_2080_hours() -> None:
    result = to_hourly_usd(Pay(104_000, 124_800, "USD", "year"), on=date(2025, 1, 1))
    assert result == HourlyUSD(50, 60, ("40 h/week assumed", "2,080 h/year (52 weeks)"))


def test_month_is_a_twelfth_of_a_2080_hour_year() -> None:
    result = to_hourly_usd(Pay(4160, 4160, "USD", "month"), on=date(2025, 1, 1))
    assert result is not None
    assert result.min == pytest.approx(4160 * 12 / 2080)
    assert result.assumptions == ("40 h/week assumed", "month = year/12: 2,080 h/year ÷ 12 = 173.33 h")


def test_week_uses_the_listings_hours_per_week() -> None:
    assert to_hourly_usd(Pay(800, 800, "USD", "week"), on=date(2025, 1, 1)) == HourlyUSD(
        20, 20, ("40 h/week assumed",)
    )
    assert to_hourly_usd(Pay(800, 800, "USD", "week"), on=date(2025, 1, 1), hours_per_week=20) == HourlyUSD(
        40, 40, ("20 h/week from the listing",)
    )
    yearly = to_hourly_usd(Pay(52_000, 52_000, "USD", "year"), on=date(2025, 1, 1), hours_per_week=20)
    assert yearly == HourlyUSD(50, 50, ("20 h/week from the listing", "1,040 h/year (52 weeks)"))


def test_day_is_eight_hours() -> None:
    assert to_hourly_usd(Pay(200, 240, "USD", "day"), on=date(2025, 1, 1)) == HourlyUSD(
        25, 30, ("8 h/day assumed",)
    )


@pytest.mark.parametrize("unit", ["task", "item", "minute", "unknown"])
def test_piece_rates_are_never_hourly(unit: str) -> None:
    assert to_hourly_usd(Pay(1, 2, "USD", unit), on=date(2025, 1, 1)) is None  # type: ignore[arg-type]


def test_unknown_currency_gives_no_hourly_figure() -> None:
    assert to_hourly_usd(Pay(20, 20, None, "hour"), on=date(2025, 1, 1)) is None  # no sign at all
    assert to_hourly_usd(Pay(150, 150, None, "hour", currency_symbol="kr"), on=date(2025, 1, 1)) is None
    assert to_hourly_usd(Pay(20, 20, "XOF", "hour"), on=date(2025, 1, 1)) is None  # not in the table


def test_kes_month_converts_with_its_named_source() -> None:
    result = to_hourly_usd(Pay(26_600, 40_000, "KES", "month"), on=date(2024, 3, 10))
    assert result is not None and result.min is not None
    assert result.min == pytest.approx(26_600 / 131.75 * 12 / 2080, rel=1e-5)
    assert "Investing.com" in result.assumptions[0]


# --- Benchmark (reported, not timed) ----------------------------------------------------------------


def test_benchmark_reports_strings_per_second(capsys: pytest.CaptureFixture[str]) -> None:
    result = benchmark_parse_pay(seconds=0.3)
    assert result["pay_strings_per_second"] > 0 and result["distinct_strings"] == len(_labelled())
    with capsys.disabled():
        print(f"\nparse_pay: {result['pay_strings_per_second']:,} strings/s (0.3 s sample; "
              "python -m benchmarks.pay_bench for the real figure)")


# --- Ninth round: general readings (docs/pay-strings.md), on strings written for each rule -------------


def test_a_full_stop_after_an_abbreviation_does_not_end_the_sentence() -> None:
    # "i.e. " ends no sentence, so "surveys" is in the sum's sentence: what one survey pays.
    pay = parse_pay("For these surveys you receive a fixed sum (i.e. $2.50) instead of per hour.")
    assert pay == Pay(2.5, 2.5, None, "task")


def test_and_up_to_is_no_lower_bound() -> None:
    # "and up" is "or more", but "and up to $200 per day" is another rate: the first stays a single figure.
    assert parse_pay("They earn $25 per hour and up to $200 per day.") == Pay(25, 25, None, "hour")
    assert parse_pay("$25 per hour and up") == Pay(25, None, None, "hour", at_least=True)


def test_each_piece_named_earlier_in_the_clause_is_the_unit() -> None:
    # Every task and item noun the parser reads after "per" is read after "each" earlier in the clause.
    assert parse_pay("Each transcript you finish pays about 40 cents.") == Pay(0.4, 0.4, None, "item", approximate=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We pay $0.20 per English sentence", Pay(0.2, 0.2, None, "item")),
        ("$4 for a short survey", Pay(4, 4, None, "task")),
        ("10 cents (US) per source character", Pay(0.1, 0.1, None, "item")),
        ("$50 a good day", Pay(50, 50, None, "unknown")),  # a word before a period is no rate
    ],
)
def test_one_word_may_name_the_kind_of_piece(text: str, expected: Pay) -> None:
    assert parse_pay(text) == expected


def test_a_bound_named_a_few_words_before_its_verb() -> None:
    assert parse_pay("The highest rate I have ever been offered was $60 per hour") == Pay(
        None, 60, None, "hour", up_to=True
    )
    assert parse_pay("They doubled the minimum salaries for all new hires, to Rs 3,00,000 a year.") == Pay(
        300_000, None, "INR", "year", at_least=True
    )
    # "minimum wage" is a figure, not a bound.
    assert parse_pay("The company raised minimum wages in its warehouses to $18 an hour") == Pay(18, 18, None, "hour")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The $90 they offered was for a full hour of recorded audio, not an hour of work.",
         Pay(1.5, 1.5, None, "minute")),
        ("I got 30 dollars, which is what they pay per audio hour", Pay(0.5, 0.5, None, "minute")),
        ("Paguei R$ 90, o valor por hora de áudio", Pay(1.5, 1.5, "BRL", "minute")),
        # "an hour of audio" elsewhere is no hourly period either
        ("Transcribers earn $45. That covers an hour of audio.", Pay(45, 45, None, "unknown")),
    ],
)
def test_media_time_named_later_in_the_clause_is_per_media_minute(text: str, expected: Pay) -> None:
    assert parse_pay(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Your account is paused once your weekly earnings exceed $300.",
        "Wenn dein Verdienst 50 € übersteigt, wird ausgezahlt.",
        "Si tus ganancias superan los 100 dólares al mes, debes declararlas.",
        "Payments are sent when your balance reaches at least $25.",
    ],
)
def test_a_sum_a_condition_waits_for_is_a_threshold(text: str) -> None:
    assert parse_pay(text) is None, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Top earners exceed $40 per hour", Pay(40, None, None, "hour", at_least=True)),
        ("pode ultrapassar R$ 5.000 por mês", Pay(5000, None, "BRL", "month", at_least=True)),
        ("Pay can reach $50 an hour", Pay(None, 50, None, "hour", up_to=True)),
    ],
)
def test_reaching_and_exceeding_words_are_bounds(text: str, expected: Pay) -> None:
    assert parse_pay(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hän tienaa 120 euron päiväpalkan", Pay(120, 120, "EUR", "day")),
        ("ze verdient 2.800 euro maandsalaris", Pay(2800, 2800, "EUR", "month")),
        ("2000 Ft-os órabér", Pay(2000, 2000, "HUF", "hour")),
        ("Sie verdient 45.000 Euro Jahresgehalt", Pay(45000, 45000, "EUR", "year")),
    ],
)
def test_a_period_pay_noun_right_after_the_amount(text: str, expected: Pay) -> None:
    assert parse_pay(text) == expected


def test_kanji_written_only_in_japan_make_a_bare_amount_yen() -> None:
    assert parse_pay("月収:25万/月") == Pay(250_000, 250_000, "JPY", "month")  # 収 is 收 in Chinese
    assert parse_pay("月收入:5000/月") == Pay(5000, 5000, None, "month")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Watch a video: $0.05", Pay(0.05, 0.05, None, "task")),
        ("- Ein Video ansehen: 10 Cent", Pay(0.1, 0.1, None, "task")),
        ("Reviewing a search result ($0.02)", Pay(0.02, 0.02, None, "task")),
        ("• Traduire une phrase : 15 centimes d'euro", Pay(0.15, 0.15, "EUR", "task")),
        # a label that names no piece of work gives no unit
        ("Salaire : 1500 €", Pay(1500, 1500, "EUR", "unknown")),
        ("Take home pay: $500", Pay(500, 500, None, "unknown")),
    ],
)
def test_a_label_naming_a_piece_of_work_gives_its_pay(text: str, expected: Pay) -> None:
    assert parse_pay(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$50 for a 30-minute interview", Pay(50, 50, None, "task")),
        ("£40 cash incentive for a 60 minute remote session", Pay(40, 40, "GBP", "task")),
        ("£25 Amazon gift card for 1 hour of usability testing", Pay(25, 25, "GBP", "task")),
        ("She paid her 30 cents for four hours of work", None),  # work is no piece: a total
        ("Tickets cost $20 for a 2-hour session", None),  # a price stays a price
    ],
)
def test_a_sum_for_a_session_of_a_stated_length_is_its_pay(text: str, expected: Pay | None) -> None:
    assert parse_pay(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I did a $5 task today", Pay(5, 5, None, "task")),
        ("Most are $2 HITs", Pay(2, 2, None, "task")),
        ("her $60,000 job", Pay(60_000, 60_000, None, "unknown")),  # a job is no piece
        ("Complete 3 tasks per day", None),  # a count of tasks, no money
    ],
)
def test_an_amount_before_a_piece_noun_is_what_one_piece_pays(text: str, expected: Pay | None) -> None:
    assert parse_pay(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Stundenlohn: 14,50 brutto", Pay(14.5, 14.5, None, "hour")),
        ("Max. 4200 brutto", Pay(None, 4200, None, "unknown", up_to=True)),
        ("za godzinę dostaję 25 netto, a kolega 30 zł", Pay(25, 25, None, "hour")),
        ("Complete 3 tasks per day", None),  # still no money
    ],
)
def test_a_bare_number_said_to_be_gross_or_net_is_money(text: str, expected: Pay | None) -> None:
    assert parse_pay(text) == expected


def test_a_change_named_earlier_in_the_clause_makes_from_to_a_change() -> None:
    text = "Moderators will see an increase to their hourly pay of about 60 cents, from $2.10 to $2.70."
    assert parse_pay(text) == Pay(2.7, 2.7, None, "hour")
    assert parse_pay("Pay ranges from $15 to $20 an hour") == Pay(15, 20, None, "hour")


def test_pieces_a_sum_was_earned_from_are_its_source_not_its_unit() -> None:
    assert parse_pay("How Students Are Making $1,500 From Online Surveys") == Pay(1500, 1500, None, "unknown")
    assert parse_pay("Most tests are 20 minutes where you earn $10") == Pay(10, 10, None, "task")


def test_a_hostile_text_is_read_on_its_first_amounts_and_characters() -> None:
    """Thousands of amounts with no sentence break, or a megabyte, are read on their first
    `MAX_AMOUNTS` amounts and `MAX_TEXT_CHARS` characters, a sentence reaching at most
    `MAX_SENTENCE_CHARS` either side of an amount (speed is measured by `make bench`, not here)."""
    from collectors import pay

    # Pay stated after more than MAX_AMOUNTS other numbers is not read: the text is read on its start.
    numbers = "Ticket $1 " * (pay.MAX_AMOUNTS + 10)
    capped = parse_pay(f"{numbers} $20 per hour")
    assert capped is not None and (capped.min, capped.max) == (1, 1)  # the $20 is past the amounts read
    assert parse_pay(f"$20 per hour {numbers}") == Pay(20, 20, None, "hour")
    assert parse_pay("Ticket $1 " * (pay.MAX_AMOUNTS - 10) + " $20 per hour") == Pay(20, 20, None, "hour")
    assert parse_pay("x" * pay.MAX_TEXT_CHARS + " $20 per hour") is None
    assert parse_pay("$20 per hour " + "x" * pay.MAX_TEXT_CHARS) == Pay(20, 20, None, "hour")
    # A price word further back than a sentence reaches no longer makes a later amount a price.
    far = "The subscription costs a lot " + "and " * (pay.MAX_SENTENCE_CHARS // 4) + "you earn $20 per hour"
    assert parse_pay(far) == Pay(20, 20, None, "hour")
    assert parse_pay("The subscription costs $20 per month") is None
    for hostile in ("$1 " * 20_000, "1, " * 20_000, "." * 1_000_000, "$" * 1_000_000):
        parse_pay(hostile)  # returns (no exception, no minutes-long scan)
