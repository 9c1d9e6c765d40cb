"""The payment-report validator: rules one by one, the published schedules, and properties
(hypothesis): nothing invalid gets through, nothing valid is rejected."""

from __future__ import annotations

import csv
import unicodedata
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectors.reports import schedules
from collectors.reports.codes import COUNTRIES, CURRENCIES
from collectors.reports.schema import (
    CAUSES,
    EVIDENCE_TYPES,
    MAX_DAYS_LATE,
    NARRATIVE_MAX_CHARS,
    PAID_STATUSES,
    PAYMENT_METHODS,
    PLATFORMS,
    STATUSES,
    UNPAID_STATUSES,
    WORK_TYPES,
    PaymentReport,
    report_to_raw,
    validate,
)

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
REPO = Path(__file__).resolve().parents[1]


def base(**changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "platform": "mercor",
        "status": "unpaid_pending",
        "work_period_start": "2025-07-07",
        "work_period_end": "2025-07-13",
        "amount_expected": "350",
        "currency": "USD",
        "consent_publish_aggregate": True,
    }
    raw.update(changes)
    return {k: v for k, v in raw.items() if v is not ...}


def ok(raw: dict[str, Any], **kwargs: Any) -> PaymentReport:
    result = validate(raw, now=NOW, **kwargs)
    assert result.errors == [], result.errors
    assert result.report is not None
    return result.report


def errors_for(raw: dict[str, Any], **kwargs: Any) -> list[str]:
    result = validate(raw, now=NOW, **kwargs)
    assert result.report is None
    assert result.errors
    return result.errors


# -- required fields and clear messages ---------------------------------------------------------


@pytest.mark.parametrize("missing", ["platform", "status"])
def test_missing_required_field_is_rejected_naming_it(missing: str) -> None:
    errors = errors_for(base(**{missing: ...}))
    assert any(e.startswith(f"{missing}: required") for e in errors)


def test_a_work_end_or_an_expected_date_is_required() -> None:
    errors = errors_for(base(work_period_start=..., work_period_end=...))
    assert any(e.startswith("work_period_end: required") for e in errors)
    ok(base(work_period_start=..., work_period_end=..., expected_pay_date="2025-07-20"))


def test_currency_is_required_with_an_amount_or_a_rate() -> None:
    assert any(e.startswith("currency: required") for e in errors_for(base(currency=...)))
    assert any(e.startswith("currency: required") for e in errors_for(
        base(currency=..., amount_expected=..., rate_min=20, rate_unit="hour")))
    ok(base(currency=..., amount_expected=...))


def test_every_error_names_its_field_and_several_are_reported_at_once() -> None:
    errors = errors_for(base(platform="Nowhere Inc", currency="XYZ", country="Nairobi",
                             amount_expected="$350", paid_date="2030-01-01", status="paid_late"))
    fields = {e.split(":", 1)[0] for e in errors}
    assert {"platform", "currency", "country", "amount_expected", "paid_date"} <= fields
    assert all(len(e.split(":", 1)[1].strip()) > 10 for e in errors)  # a reason, not just a name


# -- dates --------------------------------------------------------------------------------------


def test_paid_before_the_work_began_is_rejected() -> None:
    errors = errors_for(base(status="paid_late", paid_date="2025-07-01"))
    assert errors == ["paid_date: 2025-07-01 is before the work began (2025-07-07)"]


@pytest.mark.parametrize("name", ["work_period_start", "work_period_end"])
def test_periods_in_the_future_are_rejected(name: str) -> None:
    raw = base(work_period_start="2025-07-07", work_period_end="2025-07-13")
    raw[name] = "2025-09-10"
    if name == "work_period_start":
        raw["work_period_end"] = "2025-09-11"
    errors = errors_for(raw)
    assert any(e.startswith(name) and "future" in e for e in errors)


def test_paid_date_in_the_future_is_rejected_but_today_anywhere_on_earth_is_not() -> None:
    assert any("future" in e for e in errors_for(base(status="paid_late", paid_date="2025-09-03")))
    # 12:00 UTC on Sep 1 is already Sep 2 in Kiribati (UTC+14): a worker there was paid "today".
    ok(base(status="paid_late", paid_date="2025-09-02"))


def test_start_after_end_and_expected_before_end_are_rejected() -> None:
    assert any(e.startswith("work_period_end") for e in errors_for(base(work_period_start="2025-07-20")))
    assert any(e.startswith("expected_pay_date") for e in errors_for(base(expected_pay_date="2025-07-10")))


def test_unreadable_and_ancient_dates_are_rejected() -> None:
    assert any("YYYY-MM-DD" in e for e in errors_for(base(work_period_end="13/07/2025")))
    assert any("not a real date" in e for e in errors_for(base(work_period_end="2025-02-30")))
    assert any("check the year" in e for e in errors_for(base(work_period_end="1925-07-13", work_period_start=...)))


def test_long_period_is_held_for_review() -> None:
    result = validate(base(work_period_start="2025-03-01"), now=NOW)
    assert result.ok and any("longer than 92" in r for r in result.review_reasons)


# -- status and paid date -----------------------------------------------------------------------


@pytest.mark.parametrize("status", sorted(PAID_STATUSES))
def test_paid_statuses_need_a_paid_date(status: str) -> None:
    assert any(e.startswith("paid_date: required") for e in errors_for(base(status=status)))


@pytest.mark.parametrize("status", sorted(UNPAID_STATUSES))
def test_unpaid_statuses_must_not_have_a_paid_date(status: str) -> None:
    assert any(e.startswith("paid_date: must be empty") for e in errors_for(base(status=status, paid_date="2025-08-01")))


# -- days late: computed, never typed ------------------------------------------------------------


def test_days_late_is_computed_from_the_dates_and_a_typed_value_is_ignored() -> None:
    result = validate(base(status="paid_late", expected_pay_date="2025-07-20", paid_date="2025-08-03",
                           days_late=999), now=NOW)
    assert result.report is not None
    assert result.report.days_late == 14
    assert result.report.followup_days == 14 and result.report.paid_in_full
    assert any(n.startswith("days_late: computed") for n in result.notes)


def test_unpaid_report_counts_days_to_the_submission_and_is_censored() -> None:
    report = ok(base(expected_pay_date="2025-08-01"))
    assert report.days_late == (TODAY - date(2025, 8, 1)).days
    assert report.followup_days == report.days_late and not report.paid_in_full


def test_a_report_not_yet_due_stays_out_of_time_to_payment() -> None:
    report = ok(base(work_period_start="2025-08-18", work_period_end="2025-08-24",
                     expected_pay_date="2025-09-10"))
    assert report.days_late == 0 and report.followup_days is None


def test_paid_early_is_zero_days_late() -> None:
    report = ok(base(status="paid_on_time", expected_pay_date="2025-07-20", paid_date="2025-07-18"))
    assert report.days_late == 0


def test_partial_payment_is_censored_at_confirmation_not_at_the_partial_payment() -> None:
    report = ok(base(status="partially_paid", expected_pay_date="2025-07-20", paid_date="2025-07-25",
                     amount_received="100"))
    assert report.days_late == 5
    assert report.followup_days == (TODAY - date(2025, 7, 20)).days
    assert not report.paid_in_full


def test_more_than_two_years_late_is_rejected_and_more_than_one_is_held() -> None:
    errors = errors_for(base(work_period_start="2022-06-01", work_period_end="2022-06-30",
                             expected_pay_date="2022-07-05"))
    assert any(e.startswith("days_late") and "730" in e for e in errors)
    result = validate(base(work_period_start="2024-06-01", work_period_end="2024-06-07",
                           expected_pay_date="2024-06-14"), now=NOW)
    assert result.ok and any("very long delay" in r for r in result.review_reasons)


def test_paid_on_time_but_late_beyond_grace_is_held() -> None:
    result = validate(base(platform="alignerr", status="paid_on_time", paid_date="2025-08-15"), now=NOW)
    assert result.ok and any("paid on time" in r for r in result.review_reasons)


# -- expected pay date from the published schedules -----------------------------------------------


@pytest.mark.parametrize(
    ("platform", "method", "end", "expected", "version"),
    [
        # Mercor: cycle Sat-Fri; paid the following Wednesday.
        ("mercor", None, "2025-07-11", "2025-07-16", "mercor-r1"),  # Fri: end of its cycle
        ("mercor", None, "2025-07-12", "2025-07-23", "mercor-r1"),  # Sat: next cycle
        # Alignerr: Mon-Sun cycle, paid by the following Friday.
        ("alignerr", None, "2025-07-13", "2025-07-18", "alignerr-r1"),
        ("alignerr", None, "2025-07-09", "2025-07-18", "alignerr-r1"),
        # Handshake AI: weekly on Wednesdays.
        ("handshake_ai", None, "2025-07-15", "2025-07-16", "handshake_ai-r1"),
        ("handshake_ai", None, "2025-07-16", "2025-07-23", "handshake_ai-r1"),
        # Appen: Payoneer monthly on the 14th; PayPal weekly on Thursdays.
        ("appen", "payoneer", "2025-06-30", "2025-07-14", "appen-payoneer-r1"),
        ("appen", "payoneer", "2024-12-05", "2025-01-14", "appen-payoneer-r1"),
        ("appen", "paypal", "2025-07-08", "2025-07-10", "appen-paypal-r1"),
        # Prolific: auto-approval after 21 days. MTurk: 7 days. Clickworker: next Friday.
        ("prolific", None, "2025-07-01", "2025-07-22", "prolific-r1"),
        ("mturk", None, "2025-07-01", "2025-07-08", "mturk-r1"),
        ("clickworker", None, "2025-07-11", "2025-07-18", "clickworker-r1"),
    ],
)
def test_expected_date_is_derived_from_the_published_schedule(
    platform: str, method: str | None, end: str, expected: str, version: str
) -> None:
    report = ok(base(platform=platform, payment_method=method, work_period_start=..., work_period_end=end))
    assert report.expected_pay_date == date.fromisoformat(expected)
    assert report.expected_pay_date_basis == "derived_from_policy"
    assert report.policy_version == version


@pytest.mark.parametrize("platform", ["outlier", "remotasks", "oneforma", "dataannotation"])
def test_no_expected_date_is_derived_without_a_verified_schedule(platform: str) -> None:
    result = validate(base(platform=platform), now=NOW)
    assert result.report is not None
    assert result.report.expected_pay_date is None and result.report.days_late is None
    assert any("no published schedule" in n for n in result.notes)


def test_appen_without_a_payment_method_derives_nothing() -> None:
    assert ok(base(platform="appen")).expected_pay_date is None


def test_a_stated_date_beats_the_schedule() -> None:
    report = ok(base(expected_pay_date="2025-07-30"))
    assert report.expected_pay_date == date(2025, 7, 30)
    assert report.expected_pay_date_basis == "user" and report.policy_version is None


def test_every_schedule_cites_its_source_and_names_a_known_platform() -> None:
    platforms = {row["platform_id"] for row in csv.DictReader((REPO / "data" / "platforms.csv").open())}
    for schedule in schedules.SCHEDULES:
        assert schedule.platform_id in PLATFORMS and schedule.platform_id in platforms
        assert schedule.source_urls and all(u.startswith("http") for u in schedule.source_urls)
        assert schedule.policy_version.startswith(schedule.platform_id)


def test_report_platforms_are_the_lakes_platform_ids() -> None:
    platforms = {row["platform_id"] for row in csv.DictReader((REPO / "data" / "platforms.csv").open())}
    assert set(PLATFORMS) <= platforms


@pytest.mark.parametrize(
    ("given", "slug"),
    [("Outlier", "outlier"), ("appen_crowdgen", "appen"), ("CrowdGen", "appen"), ("scale_remotasks", "remotasks"),
     ("Data Annotation Tech", "dataannotation"), ("Mechanical Turk", "mturk"), ("Mindrift", "toloka"),
     ("telus_oneforma", "telus"), ("Handshake AI (MOVE)", "handshake_ai")],
)
def test_platform_names_and_the_research_docs_slugs_are_accepted(given: str, slug: str) -> None:
    assert ok(base(platform=given)).platform_id == slug


def test_other_platform_needs_a_name() -> None:
    assert any(e.startswith("platform_other") for e in errors_for(base(platform="other")))
    assert ok(base(platform="other", platform_other="Acme Labels")).platform_other == "Acme Labels"


# -- money ---------------------------------------------------------------------------------------


def test_amounts_are_decimals_and_accept_thousands_separators() -> None:
    report = ok(base(amount_expected="1,250.50", amount_received=100))
    assert report.amount_expected == Decimal("1250.50") and report.amount_received == Decimal("100.00")


@pytest.mark.parametrize("value", ["-5", "$350", "1.234,50", "abc", float("nan"), float("inf"), True, "1e9999"])
def test_malformed_or_negative_amounts_are_rejected(value: Any) -> None:
    assert any(e.startswith("amount_expected") for e in errors_for(base(amount_expected=value)))


def test_amount_over_the_usd_cap_is_rejected_and_a_large_one_held() -> None:
    assert any("100,000 USD" in e for e in errors_for(base(amount_expected="150000")))
    result = validate(base(amount_expected="25000"), now=NOW)
    assert result.ok and any("very large amount" in r for r in result.review_reasons)


def test_the_cap_applies_in_usd_equivalent() -> None:
    # 50,000,000 KES (about 390,000 USD) is over the cap; 500,000 KES (about 3,900 USD) is fine.
    assert any("USD" in e for e in errors_for(base(currency="KES", amount_expected="50000000")))
    report = ok(base(currency="KES", amount_expected="500000"))
    assert report.amount_expected_usd is not None and 2_000 < report.amount_expected_usd < 6_000


def test_unknown_currency_is_rejected_and_a_currency_without_a_rate_is_held() -> None:
    assert any(e.startswith("currency") for e in errors_for(base(currency="XYZ")))
    result = validate(base(currency="PKR"), now=NOW)
    assert result.ok and any("no exchange rate" in r for r in result.review_reasons)


def test_received_more_than_owed_is_held() -> None:
    result = validate(base(status="paid_late", paid_date="2025-08-01", amount_received="500"), now=NOW)
    assert result.ok and any("more than the amount owed" in r for r in result.review_reasons)


def test_the_afrisync_hourly_rate_is_rejected_and_odd_rates_are_held() -> None:
    # "$1,500 – $3,500/h" (research doc, rule 6): outside 0.10–1,000 USD an hour.
    errors = errors_for(base(rate_min=1500, rate_max=3500, rate_unit="hour"))
    assert any(e.startswith("rate_min") for e in errors) and any(e.startswith("rate_max") for e in errors)
    result = validate(base(rate_min=0.5, rate_unit="hour"), now=NOW)
    assert result.ok and any("unusual hourly rate" in r for r in result.review_reasons)
    result = validate(base(rate_min=900, rate_unit="task"), now=NOW)
    assert result.ok and any("unusual rate" in r for r in result.review_reasons)
    assert ok(base(rate={"min": 0.35, "max": 0.5, "currency": "USD", "unit": "media_minute"})).rate_unit == "media_minute"


# -- everything else -------------------------------------------------------------------------------


def test_lists_and_booleans_from_csv_cells() -> None:
    report = ok(base(causes="hours_removed; Account deactivated", evidence_types="screenshot|email",
                     support_contacted="yes", support_response="canned", consent_publish_aggregate="no"))
    assert report.causes == ("hours_removed", "account_deactivated")
    assert report.evidence_types == ("screenshot", "email")
    assert report.support_contacted is True and report.consent_publish_aggregate is False
    assert report.processor_hold is False
    assert ok(base(cause_claimed=["processor_hold_kyc"])).processor_hold is True


def test_support_answer_without_contacting_support_is_rejected() -> None:
    assert any(e.startswith("support_response") for e in errors_for(base(support_contacted=False, support_response="human")))


def test_country_is_a_code_only() -> None:
    assert ok(base(country="ke")).country == "KE"
    assert ok(base(country="UK")).country == "GB"
    assert any("never a city" in e for e in errors_for(base(country="Nairobi, Kenya")))


def test_missing_consent_means_not_counted_and_says_so() -> None:
    result = validate(base(consent_publish_aggregate=...), now=NOW)
    assert result.report is not None and result.report.consent_publish_aggregate is False
    assert any("consent" in n for n in result.notes)


def test_narrative_is_scrubbed_and_a_megabyte_is_a_clear_error() -> None:
    report = ok(base(narrative="My QM Sarah Jones ignored ticket #482913; email me: a.b@gmail.com"))
    assert report.narrative_scrubbed == "My QM [name] ignored ticket #[ticket]; email me: [email]"
    errors = errors_for(base(narrative="x" * 1_048_576))
    assert errors == [f"narrative: 1,048,576 characters; at most {NARRATIVE_MAX_CHARS:,} are accepted. Shorten it."]


def test_hostile_text_becomes_a_safe_value() -> None:
    report = ok(base(platform="other", platform_other="<script>alert(1)</script>",
                     narrative="'); DROP TABLE lake.payment_reports; --\u202e\u0000\u0007 \ud800 ok"))
    assert report.platform_other == "<script>alert(1)</script>"  # stored as text; pages show it inert
    assert report.narrative_scrubbed == "'); DROP TABLE lake.payment_reports; -- ok"
    for text in (report.platform_other, report.narrative_scrubbed):
        assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in text)


def test_project_code_is_a_slug_and_never_an_identifier() -> None:
    assert ok(base(project_code="Pegasus Aether")).project_code == "pegasus_aether"
    assert any(e.startswith("project_code") for e in errors_for(base(project_code="jane.doe@gmail.com")))


def test_a_number_as_project_code_is_refused_before_and_after_slugging() -> None:
    # Found by the property below: "1.0000000000000002e+16" only looks like an account number
    # once slugged ("1_0000000000000002e_16"), so a stored slug must pass the scrubber too.
    assert any(e.startswith("project_code") for e in errors_for(base(project_code=1.0000000000000002e16)))


def test_imports_need_a_url_for_forum_and_news_sources_and_reddit_posts_get_their_id() -> None:
    assert any(e.startswith("source_url") for e in errors_for(base(source_kind="news_import"), source_kind="union_import"))
    report = ok(base(source_kind="forum_import",
                     source_url="https://redlib.example.org/r/outlier_ai/comments/1m6zhov/still_not_paid/"),
                source_kind="union_import")
    assert report.source_ref == "reddit:1m6zhov"
    assert any(e.startswith("source_kind") for e in errors_for(base(source_kind="self_report"), source_kind="union_import"))


def test_unknown_fields_are_ignored_with_a_note() -> None:
    result = validate(base(favourite_colour="blue"), now=NOW)
    assert result.ok and any("favourite_colour" in n for n in result.notes)


def test_fingerprint_ignores_free_text_and_content_hash_does_not() -> None:
    a = ok(base(narrative="first"))
    b = ok(base(narrative="second"))
    assert a.fingerprint == b.fingerprint and a.content_hash != b.content_hash
    assert ok(base(amount_expected="351")).fingerprint != a.fingerprint


def test_not_a_mapping_is_an_error() -> None:
    assert validate(["platform"], now=NOW).errors  # type: ignore[arg-type]


# -- properties ------------------------------------------------------------------------------------

EARLIEST_END = TODAY - timedelta(days=600)
SAFE_CURRENCIES = ["USD", "EUR", "GBP", "KES", "PHP", "INR"]  # all in data/fx_rates.csv


@st.composite
def valid_raw(draw: st.DrawFn) -> dict[str, Any]:
    """A report that meets every hard rule, built from the rules (not from the validator)."""
    platform = draw(st.sampled_from(sorted(PLATFORMS)))
    status = draw(st.sampled_from(sorted(STATUSES)))
    end = draw(st.dates(EARLIEST_END, TODAY))
    start = draw(st.one_of(st.none(), st.dates(end - timedelta(days=120), end)))
    expected = draw(st.one_of(st.none(), st.dates(end, min(end + timedelta(days=60), TODAY + timedelta(days=300)))))
    paid: date | None = None
    if status in PAID_STATUSES or (status in ("reversed", "disputed_hours") and draw(st.booleans())):
        low = start or end - timedelta(days=30)
        paid = draw(st.dates(low, TODAY))
    currency = draw(st.sampled_from(SAFE_CURRENCIES))
    raw: dict[str, Any] = {
        "platform": platform,
        "status": status,
        "work_period_end": end.isoformat(),
        "work_period_start": start.isoformat() if start else None,
        "expected_pay_date": expected.isoformat() if expected else None,
        "paid_date": paid.isoformat() if paid else None,
        "amount_expected": draw(st.one_of(st.none(), st.decimals(0, 5000, places=2))),
        "amount_received": draw(st.one_of(st.none(), st.decimals(0, 5000, places=2))),
        "currency": currency,
        "payment_method": draw(st.one_of(st.none(), st.sampled_from(sorted(PAYMENT_METHODS)))),
        "work_type": draw(st.one_of(st.none(), st.sampled_from(sorted(WORK_TYPES)))),
        "causes": draw(st.lists(st.sampled_from(sorted(CAUSES)), max_size=3)),
        "evidence_types": draw(st.lists(st.sampled_from(sorted(EVIDENCE_TYPES)), max_size=3)),
        "country": draw(st.one_of(st.none(), st.sampled_from(sorted(COUNTRIES)))),
        "narrative": draw(st.text(max_size=300)),
        "consent_publish_aggregate": draw(st.booleans()),
        "project_code": draw(st.one_of(st.none(), st.from_regex(r"[a-z][a-z ]{0,20}", fullmatch=True))),
    }
    if platform == "other":
        raw["platform_other"] = draw(st.from_regex(r"[A-Z][a-z]{2,20}", fullmatch=True))
    if currency == "USD" and draw(st.booleans()):
        raw["rate_min"] = draw(st.decimals("0.10", "1000", places=2))
        raw["rate_unit"] = "hour"
    return raw


def assert_hard_rules(report: PaymentReport) -> None:
    """Every hard rule, checked on the output independently of how the validator checks input."""
    latest = (report.confirmed_at + timedelta(hours=14)).date()
    assert report.platform_id in PLATFORMS and report.status in STATUSES
    # Issue 14: a report about late or missing pay gives some date (of any precision, or an
    # explicit "unknown"); other grievances (a rate cut, hours disputed) need none.
    if set(report.grievances) & {"late_payment", "missing_payment"}:
        assert any(d is not None for d in (report.work_period_end_approx, report.expected_pay_date_approx,
                                           report.paid_date_approx)) or report.payments
    if report.work_period_end_approx is not None and report.work_period_end_approx.precision != "day":
        assert report.work_period_end is None  # an approximate date never becomes exact
    if report.work_period_start and report.work_period_end:
        assert report.work_period_start <= report.work_period_end <= latest
    if report.expected_pay_date and report.work_period_end:
        assert report.expected_pay_date >= report.work_period_end
    if report.status in PAID_STATUSES:
        assert report.paid_date is not None
    if report.status in UNPAID_STATUSES:
        assert report.paid_date is None
    if report.paid_date:
        assert report.paid_date <= latest
        if report.work_period_start:
            assert report.paid_date >= report.work_period_start
    if report.days_late is not None:
        assert 0 <= report.days_late <= MAX_DAYS_LATE
        assert report.expected_pay_date is not None
    for amount in (report.amount_expected, report.amount_received):
        if amount is not None:
            assert amount >= 0 and report.currency in CURRENCIES
    if report.amount_expected_usd is not None:
        assert report.amount_expected_usd <= 100_000
    if report.country is not None:
        assert report.country in COUNTRIES
    if report.narrative_scrubbed is not None:
        assert len(report.narrative_scrubbed) <= NARRATIVE_MAX_CHARS
        assert not any(unicodedata.category(ch) in ("Cc", "Cs") and ch != "\n" for ch in report.narrative_scrubbed)


@settings(max_examples=300, deadline=None)
@given(valid_raw())
def test_property_nothing_valid_is_rejected(raw: dict[str, Any]) -> None:
    result = validate(raw, now=NOW)
    assert result.errors == [], (raw, result.errors)
    assert result.report is not None
    assert_hard_rules(result.report)


Mutation = tuple[str, dict[str, Any]]
INVALIDATING: list[Mutation] = [
    ("platform", {"platform": None}),
    ("platform", {"platform": "not-a-platform"}),
    ("status", {"status": None}),
    ("status", {"status": "paid_maybe"}),
    ("currency", {"currency": "ABC", "amount_expected": "10"}),
    ("amount_expected", {"amount_expected": "-1"}),
    ("amount_expected", {"amount_expected": "900000", "currency": "USD"}),
    ("work_period_end", {"work_period_end": (TODAY + timedelta(days=5)).isoformat(), "work_period_start": None}),
    ("paid_date", {"status": "paid_late", "paid_date": (TODAY + timedelta(days=3)).isoformat()}),
    ("paid_date", {"status": "paid_late", "paid_date": None}),
    ("paid_date", {"status": "never_paid", "paid_date": TODAY.isoformat()}),
    ("country", {"country": "Atlantis"}),
    ("narrative", {"narrative": "y" * (NARRATIVE_MAX_CHARS + 1)}),
    ("rate_min", {"currency": "USD", "rate_min": "5000", "rate_unit": "hour"}),
    ("work_period_end", {"work_period_end": None, "work_period_start": None, "expected_pay_date": None}),
]


@settings(max_examples=300, deadline=None)
@given(valid_raw(), st.sampled_from(INVALIDATING))
def test_property_nothing_invalid_gets_through(raw: dict[str, Any], mutation: Mutation) -> None:
    field, changes = mutation
    raw = {**raw, **changes}
    if field == "work_period_end" and raw["status"] in ("disputed_hours", "other_grievance"):
        # Issue 14: a grievance that is not about timing (hours disputed) needs no dates.
        raw["status"] = "unpaid_pending"
    result = validate(raw, now=NOW)
    assert result.report is None
    assert field in result.error_fields, (field, result.errors)


@st.composite
def anything_raw(draw: st.DrawFn) -> dict[str, Any]:
    """Raw input from hostile and careless sources: valid values, junk, wrong types, mixed."""
    junk = st.one_of(
        st.none(), st.text(max_size=40), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
        st.booleans(), st.dates(date(1900, 1, 1), date(2100, 1, 1)).map(date.isoformat),
        st.lists(st.text(max_size=10), max_size=3),
    )
    raw = draw(valid_raw())
    for key in draw(st.lists(st.sampled_from([*sorted(raw), "rate_max", "days_late", "source_url"]), max_size=4)):
        raw[key] = draw(junk)
    return raw


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(anything_raw())
def test_property_whatever_comes_in_what_comes_out_keeps_every_rule(raw: dict[str, Any]) -> None:
    result = validate(raw, now=NOW)
    if result.report is None:
        assert result.errors and all(":" in e for e in result.errors)
        return
    assert not result.errors
    assert_hard_rules(result.report)
    # A stored report re-validates to itself (updates re-validate stored reports).
    again = validate(report_to_raw(result.report), now=NOW, source_kind=result.report.source_kind,
                     submitted_at=result.report.submitted_at)
    assert again.report is not None, again.errors
    assert again.report.fingerprint == result.report.fingerprint
    assert again.report.narrative_scrubbed == result.report.narrative_scrubbed
    assert again.report.days_late == result.report.days_late


def test_every_field_the_validator_reads_is_documented() -> None:
    from collectors.reports.schema import KNOWN_FIELDS

    doc = (REPO / "docs" / "report-import-format.md").read_text()
    missing = [f for f in sorted(KNOWN_FIELDS) if f"`{f}`" not in doc and f'"{f}"' not in doc]
    assert missing == []
    for slug in (*PLATFORMS, *STATUSES, *PAYMENT_METHODS, *CAUSES, *EVIDENCE_TYPES, *WORK_TYPES):
        assert f"`{slug}`" in doc, slug
