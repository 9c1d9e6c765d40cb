"""Issue 14 wired through the store: the vault keeps the new report model exactly, an update by
receipt code keeps approximate dates and every new field, and the published figures use the
interval-censored estimator with the true reason for every missing figure."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from collectors.reports.dates import ApproxDate
from collectors.reports.schema import PaymentReport, report_from_json, report_to_json, validate
from collectors.store import Store
from collectors.store import reports as reports_store
from collectors.store.reports.base import report_row, stored_report
from collectors.store.vault import decode, encode, get_vault, put_report, report_rows

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=UTC)
MODERATOR = "stats-test"


def rich_raw(**changes: Any) -> dict[str, Any]:
    """A report using the issue 14 fields: approximate dates, hours, a processor hold, instalments."""
    raw: dict[str, Any] = {
        "platform": "outlier", "status": "partially_paid", "work_period_start": "2025-06",
        "work_period_end": "about 2025-07-05", "paid_date": "2025-08-10",
        "amount_expected": "400", "amount_received": "250", "currency": "USD",
        "grievances": ["late_payment", "processor_hold"], "processor": "paypal",
        "paid_hours": 20, "unpaid_hours": {"onboarding": 3, "waiting": 1.5}, "tasks_done": 140,
        "rate_min": 20, "rate_unit": "hour",
        "payments": [{"date": "2025-07-20", "amount": "100", "kind": "paid"},
                     {"date": "early August 2025", "amount": "150", "kind": "paid"}],
        "consent_publish_aggregate": True, "country": "KE",
    }
    raw.update(changes)
    return raw


def valid(raw: dict[str, Any]) -> PaymentReport:
    result = validate(raw, now=NOW)
    assert result.report is not None, result.messages
    return result.report


def test_a_rich_report_survives_the_vault_exactly(store: Store) -> None:
    report = valid(rich_raw())
    assert report.work_period_end_approx is not None and report.work_period_end_approx.precision == "approx"
    assert report.payments and report.unpaid_hours
    submitted = reports_store.submit_report(store, report, client_hash="c-rich", now=NOW)
    (row,) = report_rows(get_vault(store), "report_id = ?", [submitted.report_id])
    back = stored_report(row)
    assert back == report
    # The body as stored is JSON, and the report model's own JSON form reads back equal too.
    assert report_from_json(json.loads(json.dumps(report_to_json(back)))) == report
    assert isinstance(row["work_period_end_approx"], ApproxDate)


def test_bodies_stored_before_the_tags_still_read(store: Store) -> None:
    """A body written by the first vault (ApproxDate and Payment as plain dicts) reads back."""
    report = valid(rich_raw())
    row = report_row(report, report_id="old-1", receipt=None, now=NOW, source_name=None,
                                   review_reasons=(), is_demo=False, run_id="run-old")
    legacy = json.loads(encode(row))
    # What the first vault wrote: dataclasses.asdict, dates tagged one by one.
    legacy["work_period_end_approx"] = {"lower": {"$date": "2025-06-28"}, "upper": {"$date": "2025-07-12"},
                                        "precision": "approx"}
    legacy["payments"] = [{"on": {"lower": {"$date": "2025-07-20"}, "upper": {"$date": "2025-07-20"},
                                  "precision": "day"}, "amount": {"$decimal": "100"}, "kind": "paid"}]
    legacy["unpaid_hours"] = [["onboarding", 3.0]]
    back = stored_report(decode(json.dumps(legacy)))
    assert back.work_period_end_approx == ApproxDate(date(2025, 6, 28), date(2025, 7, 12), "approx")
    assert back.payments[0].on == ApproxDate.day(date(2025, 7, 20)) and str(back.payments[0].amount) == "100"
    assert back.unpaid_hours == (("onboarding", 3.0),)


def test_an_update_by_receipt_code_keeps_approximate_dates_and_new_fields(store: Store) -> None:
    report = valid(rich_raw(status="unpaid_pending", paid_date=None, amount_received=None, payments=None))
    submitted = reports_store.submit_report(store, report, client_hash="c-upd", now=NOW)
    later = datetime(2025, 9, 20, 12, 0, tzinfo=UTC)
    reports_store.update_report(store, submitted.code, {"status": "paid_late", "paid_date": "2025-09-15",
                                                                "amount_received": "400"},
                                now=later, client_hash="c-upd")
    (row,) = report_rows(get_vault(store), "report_id = ?", [submitted.report_id])
    updated = stored_report(row)
    assert updated.status == "paid_late" and updated.paid_date == date(2025, 9, 15)
    assert updated.work_period_end_approx == report.work_period_end_approx
    assert updated.work_period_start_approx == report.work_period_start_approx
    assert updated.work_period_end is None  # approximate: never made exact
    for name in ("grievances", "processor", "paid_hours", "unpaid_hours", "tasks_done", "rate_min"):
        assert getattr(updated, name) == getattr(report, name), name
    assert updated.hours_worked == pytest.approx(24.5)
    assert updated.effective_hourly_rate == pytest.approx(400 / 24.5, abs=1e-3)


def test_put_report_keeps_tagged_values(store: Store) -> None:
    report = valid(rich_raw())
    row = report_row(report, report_id="tag-1", receipt=None, now=NOW, source_name=None,
                                   review_reasons=(), is_demo=False, run_id="run-tag")
    get_vault(store).write(lambda con: put_report(con, row))
    (back,) = report_rows(get_vault(store), "report_id = 'tag-1'")
    assert stored_report(back) == report


# -- the pages, on the demo lake (AppTest) ------------------------------------------------------------


def test_delays_page_shows_interval_figures_reasons_and_a_source_filter(demo_settings: Any,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_dashboard_apptest import app, no_exception

    at = app(demo_settings, monkeypatch, "delays")
    headers = [s.value for s in at.subheader]
    assert "Time to payment, with approximate dates as intervals" in headers
    tables = [t.value for t in at.dataframe]
    interval = next(t for t in tables if "why a figure is missing" in t.columns)
    assert "processor holds (apart)" in interval.columns and interval["median days late"].ne("—").any()
    assert any("Turnbull" in c.value for c in at.caption)
    assert any(t.value.shape[0] and "incident" in t.value.columns for t in at.dataframe)
    at.radio(key="source").set_value("public_record").run()
    no_exception(at)
    assert at.query_params.get("source") == "public_record"
    public = next(t.value for t in at.dataframe if "why a figure is missing" in t.value.columns)
    reasons = " ".join(public["why a figure is missing"])
    assert "other than when pay came" in reasons or "fewer than 5" in reasons


def test_pay_trends_shows_effective_next_to_advertised_pay(demo_settings: Any,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_dashboard_apptest import app

    at = app(demo_settings, monkeypatch, "pay_trends")
    assert "Effective pay from reports, next to advertised pay" in [s.value for s in at.subheader]
    table = next((t.value for t in at.dataframe if "effective $/h (median)" in t.value.columns), None)
    assert table is not None, [i.value for i in at.info]
    assert table["effective $/h (median)"].ne("—").any() and "n (independent)" in table.columns
    assert any("all hours worked, paid and unpaid" in c.value for c in at.caption)


def test_processor_holds_never_count_as_platform_lateness() -> None:
    """Both the Kaplan-Meier figures and the interval-censored ones leave processor holds out of
    days late; the delay table counts them apart."""
    from collectors.store.reports.public import compute_public

    rows = []
    for i in range(12):
        held = i < 6
        raw = rich_raw(status="withheld_under_review" if held else "paid_late", grievances=None,
                       processor="airtm" if held else None, work_period_start="2025-07-01",
                       work_period_end="2025-07-07", expected_pay_date="2025-07-14",
                       paid_date=None if held else f"2025-07-{20 + i}", payments=None,
                       amount_expected=str(300 + i), amount_received=None if held else str(300 + i),
                       causes="processor_hold_kyc" if held else None)
        report = valid(raw)
        assert (report.delay_reason == "processor_hold") == held, (i, report.delay_reason)
        row = report_row(report, report_id=f"r{i}", receipt=None, now=NOW, source_name=None,
                         review_reasons=(), is_demo=False, run_id="run")
        row["moderation_status"] = "approved"
        rows.append(row)
    tables = compute_public(rows)
    km = tables.figures.set_index("grouping").loc["platform"]
    assert km["n_reports"] == 6 and km["n_waiting"] == 0  # only the six paid reports
    delays = tables.delays.set_index("grouping").loc["delay_platform"]
    assert delays["n_processor_hold"] == 6 and delays["n_with_delay"] == 6 and delays["n_unpaid"] == 0


def test_the_new_chart_functions_draw_what_they_are_given() -> None:
    import pandas as pd

    from dashboard import charts

    names = {"outlier": "Outlier", "mercor": "Mercor"}
    figures = pd.DataFrame({"platform_id": ["outlier", "mercor"], "median_days_low": [3.0, 10.0],
                            "median_days_high": [7.0, None], "n_independent": [6, 9]})
    fig = charts.median_range_figure(figures, names=names)
    (bar,) = fig.data
    assert list(bar.base) == [10.0, 3.0] and list(bar.y) == ["Mercor", "Outlier"]  # sorted by name
    assert list(bar.x) == [30.0, 4.0]  # not reached: an open bar; reached: low to high
    empty = charts.median_range_figure(figures.iloc[0:0], names=names)
    assert not empty.data and "table below says why" in str(empty.layout.annotations[0].text)
    incidents = pd.DataFrame({"event_date": [date(2024, 3, 1), None], "platform_id": ["outlier", None],
                              "kind": ["country_exit", "other"], "title": ["Exit <b>", "Undated"]})
    (points,) = charts.incidents_figure(incidents, names=names).data
    assert len(points.x) == 1 and points.customdata[0][0] == "Exit &lt;b&gt;"
    pay = pd.DataFrame({"platform_id": ["outlier"], "effective_hourly_usd_median": [12.0],
                        "effective_hourly_usd_p25": [9.0], "effective_hourly_usd_p75": [15.0], "n_independent": [7]})
    ads = pd.DataFrame({"platform_id": ["outlier", "mercor"], "median_hourly_usd_now": [25.0, 40.0],
                        "n_hourly_now": [30, 12]})
    effective, advertised = charts.effective_pay_figure(pay, ads, names=names).data
    assert list(effective.x) == [12.0] and list(advertised.x) == [25.0]  # only platforms with reports
