"""The demo lake has the patterns the dashboard must show, and never touches the real lake."""

from __future__ import annotations

from pathlib import Path

import pytest

from collectors.config import Settings
from collectors.demo import build_demo
from collectors.store import LAKE, get_store
from tests.conftest import sqlite_settings


def test_demo_is_marked_and_kept_apart(demo_settings: Settings) -> None:
    store = get_store(demo_settings)
    assert store.is_demo
    assert demo_settings.lake_dir.name == "demo"
    names = store.read_rows(f"SELECT name FROM {LAKE}.platforms WHERE platform_id LIKE 'demo_%'")
    assert len(names) == 4 and all(name.startswith("Demo ") and "fictional" in name for (name,) in names)
    listing_platforms = {p for (p,) in store.read_rows(f"SELECT DISTINCT platform_id FROM {LAKE}.listings")}
    assert listing_platforms == {"demo_annotate", "demo_expertly", "demo_voicelab", "demo_tasky"}
    real = get_store(sqlite_settings(demo_settings.data_dir.parent))
    assert real.settings.catalog != demo_settings.catalog
    assert real.read_value(f"SELECT count(*) FROM {LAKE}.listings") == 0


def test_demo_has_at_least_18_months_of_daily_history(demo_settings: Settings) -> None:
    store = get_store(demo_settings)
    days = store.read_value(
        f"""SELECT count(DISTINCT started_at::DATE) FROM {LAKE}.collector_runs
            WHERE source_name = 'demo_annotate-board'"""
    )
    assert days >= 540


def test_demo_advertised_rate_falls(demo_settings: Settings) -> None:
    store = get_store(demo_settings)
    first, last = store.read_rows(
        f"""WITH q AS (
              SELECT date_trunc('quarter', v.valid_from) AS quarter, median(v.hourly_usd_min) AS median_usd
              FROM {LAKE}.listing_versions v JOIN {LAKE}.listings l USING (listing_key)
              WHERE l.platform_id = 'demo_annotate' GROUP BY 1)
            SELECT median_usd FROM q WHERE quarter IN ((SELECT min(quarter) FROM q), (SELECT max(quarter) FROM q))
            ORDER BY quarter"""
    )
    assert last[0] < first[0] * 0.8


def test_demo_has_a_pay_cut_on_a_live_listing(demo_settings: Settings) -> None:
    store = get_store(demo_settings)
    cut = store.read_rows(
        f"""SELECT a.listing_key FROM {LAKE}.listing_versions a
            JOIN {LAKE}.listing_versions b ON a.listing_key = b.listing_key AND b.version_no = a.version_no + 1
            WHERE b.pay_max = 70 AND a.pay_max > 70
              AND a.listing_key LIKE 'demo_expertly|%'"""
    )
    assert cut


def test_demo_work_comes_and_goes_and_runs_fail(demo_settings: Settings) -> None:
    store = get_store(demo_settings)
    statuses = dict(store.read_rows(f"SELECT status, count(*) FROM {LAKE}.collector_runs WHERE run_kind = 'listings' GROUP BY 1"))
    assert statuses["failed"] >= 1 and statuses["suspicious"] >= 1
    closed = store.read_value(f"SELECT count(*) FROM {LAKE}.listings WHERE closed_at IS NOT NULL")
    assert closed > 1000


def test_demo_reports_include_delays_and_unpaid(demo_settings: Settings) -> None:
    store = get_store(demo_settings)
    from collections import Counter

    from collectors.store.vault import get_vault, report_rows

    stored = report_rows(get_vault(store))  # reports live in the private vault, never in the lake
    by_status = Counter(r["status"] for r in stored if r["moderation_status"] == "approved")
    assert by_status["paid_late"] > 50 and by_status["never_paid"] > 10 and by_status["unpaid_pending"] > 50
    pending = sum(1 for r in stored if r["moderation_status"] == "pending")
    assert pending > 0  # something for the admin queue
    # Every report figure the demo shows is published: some platforms shown, some suppressed.
    from dashboard import queries

    summary = queries.delay_summary(store)
    assert (~summary["suppressed"].astype(bool)).sum() >= 2 and not queries.delay_curves(store).empty
    assert store.read_value(f"SELECT count(*) FROM {LAKE}.forum_posts") > 50


def test_demo_refuses_the_real_lake(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="only ever built into the demo lake"):
        build_demo(sqlite_settings(tmp_path))


def test_demo_shows_every_issue_14_figure(demo_settings: Settings) -> None:
    """Approximate dates, unknown report dates, incidents, processor holds, rate cuts, effective
    pay, public records, several source kinds and tiers: each reaches a published figure."""
    from dashboard import queries

    store = get_store(demo_settings)
    figures = queries.report_delay_figures(store).set_index("platform_id")
    shown = figures[~figures["suppressed"].astype(bool)]
    assert shown["median_days_low"].notna().any() and shown["paid_within_30d_low"].notna().any()
    assert (shown["median_days_low"] != shown["median_days_high"]).any() or shown["n_with_delay"].sum() > 0
    assert figures.loc["demo_annotate", "n_processor_hold"] >= 5
    assert figures.loc["demo_annotate", "n_grievance_legal_action"] >= 5
    assert figures.loc["demo_tasky", "n_grievance_rate_cut"] >= 5
    assert figures.loc["demo_tasky", "n_incidents"] >= 1 and figures.loc["demo_tasky", "n_no_report_date"] >= 1
    assert figures.loc["demo_voicelab", "n_no_due_date"] + figures.loc["demo_voicelab", "n_no_work_dates"] >= 5
    assert shown["n_tier_public_record"].sum() >= 5 and shown["n_tier_evidence_seen"].sum() >= 1
    # Per source: the court filings about unpaid assessment hours give no delay, and say so; the
    # news reports of one incident are one independent report, not shown.
    public = queries.report_delay_figures(store, source_class="public_record").set_index("platform_id")
    assert public.loc["demo_annotate", "missing_reason"] == "not_a_delay"
    assert bool(public.loc["demo_tasky", "suppressed"])
    assert set(queries.report_source_classes(store)) >= {"union_import", "public_record"}
    pay = queries.report_pay_figures(store).set_index("platform_id")
    assert pay["effective_hourly_usd_median"].notna().any()
    assert queries.report_incidents(store)["event_date"].notna().any()
    assert bool(figures["is_demo"].all())
