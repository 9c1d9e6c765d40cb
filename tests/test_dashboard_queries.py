"""The dashboard's queries on a small lake whose every figure is known (tests/dashboard_lake.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from collectors.config import load_settings
from collectors.store import reset_stores
from collectors.store.listings import save_listing_runs
from dashboard import queries
from tests.dashboard_lake import DAYS, SmallLake, alpha_runs, build_small_lake


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmallLake]:
    data_dir = tmp_path_factory.mktemp("dashboard-queries")
    yield build_small_lake(load_settings(lake="demo", env={"GIGWATCH_DATA_DIR": str(data_dir)}))
    reset_stores()


@pytest.fixture()
def empty_store(tmp_path: Path) -> Iterator[queries.Store]:
    from collectors.store import get_store

    yield get_store(load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)}))
    reset_stores()


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def _week(frame: pd.DataFrame, platform_id: str, week_start: str) -> pd.Series:
    rows = frame[(frame["platform_id"] == platform_id) & (pd.to_datetime(frame["week_start"]) == pd.Timestamp(week_start))]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_weekly_pay_is_the_median_of_listings_live_at_each_week_end(lake: SmallLake) -> None:
    """Remote hourly listings of demo_alpha at each week's end: [20, 30, 40] in the first week,
    [20, 40] after a2 closed on day 10, [20, 25, 40] once a6 appeared on day 20, and [20, 25, 30]
    after a5's cut on day 40 (2026-02-14)."""
    weekly = queries.weekly_pay(lake.store, remote="remote")
    first = _week(weekly, "demo_alpha", "2026-01-05")
    assert (first["n_listings"], first["median"], first["p25"], first["p75"]) == (3, 30.0, 25.0, 35.0)
    second = _week(weekly, "demo_alpha", "2026-01-12")
    assert (second["n_listings"], second["median"]) == (2, 30.0)
    third = _week(weekly, "demo_alpha", "2026-01-19")
    assert (third["n_listings"], third["median"], third["p75"]) == (3, 25.0, 32.5)
    after_cut = _week(weekly, "demo_alpha", "2026-02-09")
    assert (after_cut["median"], after_cut["p25"], after_cut["p75"]) == (25.0, 22.5, 27.5)
    assert set(weekly["currency"]) == {"USD"} and set(weekly["pay_unit"]) == {"hour"}
    # The running week is sampled at the last collection, and no week runs past it.
    assert pd.Timestamp(weekly["week_start"].max()) == pd.Timestamp("2026-03-02")
    assert weekly["sampled_at"].max() == pd.Timestamp("2026-03-08 06:00")


def test_weekly_pay_matches_a_brute_force_count(lake: SmallLake) -> None:
    """The unnest over week numbers agrees with filtering every version at every week end."""
    fast = queries.weekly_pay(lake.store)
    versions = queries.listing_versions_table(lake.store, limit=10_000)
    versions = versions[versions["pay_unit"] == "hour"]
    value = versions[["hourly_usd_min", "hourly_usd_max"]].mean(axis=1)
    for row in fast.itertuples():
        sample = pd.Timestamp(row.sampled_at)
        live = (versions["platform_id"] == row.platform_id) & (versions["valid_from"] <= sample) & (
            versions["valid_to"].isna() | (versions["valid_to"] > sample))
        assert row.n_listings == int(live.sum())
        assert row.median == pytest.approx(float(value[live].median()))


def test_filters_narrow_the_weekly_series(lake: SmallLake) -> None:
    everything = queries.weekly_pay(lake.store)
    gb_only = queries.weekly_pay(lake.store, countries=("GB",))
    assert set(gb_only["platform_id"]) == {"demo_alpha"} and (gb_only["n_listings"] == 1).all()
    assert len(queries.weekly_pay(lake.store, platforms=("demo_beta",))["platform_id"].unique()) == 1
    onsite = queries.weekly_pay(lake.store, remote="onsite")
    assert (onsite["n_listings"] == 1).all()
    assert len(everything) > len(gb_only)
    # Original currency: only listings stating an hourly rate, one series per currency, no conversion.
    original = queries.weekly_pay(lake.store, currency_mode="original", platforms=("demo_alpha",))
    assert set(original["currency"]) == {"USD", "GBP"}
    assert (original[original["currency"] == "GBP"]["median"] == 20.0).all()


def test_per_unit_pay_stays_apart_in_its_own_unit(lake: SmallLake) -> None:
    units = queries.weekly_unit_pay(lake.store)
    assert set(units["pay_unit"]) == {"task"} and set(units["currency"]) == {"USD"}
    assert (units["median"] == 0.10).all()
    hourly = queries.weekly_pay(lake.store)
    assert (hourly["median"] > 1).all()  # no $0.10 "hourly" rate leaked in


def test_overview_pay_compares_now_with_days_back(lake: SmallLake) -> None:
    """Now (day 62) demo_alpha has a1, a3, a4, a5, a6 open, four of them hourly; demo_beta has b1
    ($50) only, where 40 days earlier (day 22) it also had b2 ($10): median 50 against 30."""
    overview = queries.overview_pay(lake.store, days_back=40).set_index("platform_id")
    alpha = overview.loc["demo_alpha"]
    assert alpha["open_listings"] == 5 and alpha["n_hourly_now"] == 4 and alpha["n_hourly_before"] == 4
    assert alpha["as_of"] == pd.Timestamp("2026-03-08 06:00")
    beta = overview.loc["demo_beta"]
    assert (beta["open_listings"], beta["n_hourly_now"], beta["n_hourly_before"]) == (1, 1, 2)
    assert (beta["median_hourly_usd_now"], beta["median_hourly_usd_before"]) == (50.0, 30.0)
    assert beta["change_pct"] == pytest.approx(100 * 20 / 30)
    # Before collection began there is nothing to compare with.
    long_ago = queries.overview_pay(lake.store, days_back=365).set_index("platform_id")
    assert long_ago["median_hourly_usd_before"].isna().all()
    # "Now" does not depend on days_back: effective pay reads it at ADVERTISED_NOW_DAYS_BACK and
    # shares Pay trends' default read.
    now = ["as_of", "open_listings", "median_hourly_usd_now", "n_hourly_now"]
    assert queries.ADVERTISED_NOW_DAYS_BACK == 365
    pd.testing.assert_frame_equal(long_ago[now], overview[now])


def test_pay_changes_find_the_cut_on_a_live_listing(lake: SmallLake) -> None:
    changes = queries.pay_changes(lake.store)
    assert len(changes) == 1
    cut = changes.iloc[0]
    assert cut["direction"] == "cut" and cut["change_pct"] == -25.0 and bool(cut["still_open"])
    assert (cut["pay_before"], cut["pay_after"], cut["compared_in"]) == ("$40 per hour", "$30 per hour", "USD per hour")
    assert len(queries.pay_changes(lake.store, only_cuts=True)) == 1
    assert queries.pay_changes(lake.store, platforms=("demo_beta",)).empty


def test_open_listings_per_day_from_deltas(lake: SmallLake) -> None:
    daily = queries.open_listings_daily(lake.store)
    daily = daily.assign(day=pd.to_datetime(daily["day"]))
    alpha = daily[daily["platform_id"] == "demo_alpha"].set_index("day")["open_listings"]
    assert len(alpha) == DAYS
    assert alpha[day("2026-01-05")] == 5 and alpha[day("2026-01-15")] == 4 and alpha[day("2026-01-25")] == 5
    beta = daily[daily["platform_id"] == "demo_beta"].set_index("day")["open_listings"]
    # The failed run of day 31 closed nothing; b2 closed with the run of day 32; the suspicious
    # run of day 45 closed nothing either.
    assert beta[day("2026-02-05")] == 2 and beta[day("2026-02-06")] == 1 and beta[day("2026-02-19")] == 1
    by_category = queries.open_listings_daily(lake.store, platforms=("demo_alpha",), categories=("audio_voice",))
    assert set(by_category["open_listings"]) == {1}


def test_flows_index_lifetimes_and_quarters(lake: SmallLake) -> None:
    flows = queries.listing_flows_weekly(lake.store, platforms=("demo_alpha",))
    flows = flows.assign(week_start=pd.to_datetime(flows["week_start"])).set_index("week_start")
    # Listings seen by the first collection are not "new"; a6 (day 20, a Sunday) is.
    assert int(flows["new_listings"].sum()) == 1 and flows.loc[day("2026-01-19"), "new_listings"] == 1
    assert flows.loc[day("2026-01-12"), "closed_listings"] == 1
    index = queries.availability_index(lake.store, platforms=("demo_alpha",))
    # Baseline: the mean of the first four complete weeks' mean daily open listings
    # = (35/7 + 31/7 + 29/7 + 35/7) / 4.
    baseline = (35 / 7 + 31 / 7 + 29 / 7 + 35 / 7) / 4
    assert index["baseline_mean"].iloc[0] == pytest.approx(baseline)
    assert index["index_value"].iloc[0] == pytest.approx(100 * 5 / baseline)
    assert (index["n_days"] == 7).all()
    lifetimes = queries.listing_lifetimes(lake.store).set_index("platform_id")
    assert lifetimes.loc["demo_alpha", "median_lifetime_days"] == pytest.approx(10.0)
    assert (lifetimes.loc["demo_alpha", "n_closed"], lifetimes.loc["demo_alpha", "n_open"]) == (1, 5)
    change = queries.availability_change(lake.store, window_days=28).set_index("platform_id")
    assert change.loc["demo_alpha", "mean_open_recent"] == 5.0
    assert change.loc["demo_alpha", "days_recent"] == 28


def test_a_pinned_snapshot_keeps_its_numbers_after_new_collections(lake: SmallLake, tmp_path: Path) -> None:
    pinned = lake.snapshot_id
    before = queries.open_listings_daily(lake.store, pinned)
    # A new day's collection without a1: it closes, and the latest data changes.
    runs = alpha_runs(range(DAYS, DAYS + 1))
    runs[0].records = [r for r in runs[0].records or [] if r.external_id != "a1"]
    save_listing_runs(lake.store, platform_id="demo_alpha", source_name="demo_alpha-board", runs=runs)
    latest = queries.overview_pay(lake.store).set_index("platform_id")
    assert latest.loc["demo_alpha", "open_listings"] == 4
    assert queries.overview_pay(lake.store, pinned).set_index("platform_id").loc["demo_alpha", "open_listings"] == 5
    pd.testing.assert_frame_equal(queries.open_listings_daily(lake.store, pinned), before)
    for name in ("weekly_pay", "listings_table", "events", "sources_health", "delay_summary", "lake_status"):
        getattr(queries, name)(lake.store, pinned)  # every query runs on a pinned snapshot
    assert queries.lake_status(lake.store, pinned)["snapshot_id"].iloc[0] == pinned


def test_delay_summary_suppresses_small_groups_and_curves_leave_them_out(lake: SmallLake) -> None:
    summary = queries.delay_summary(lake.store, lake.snapshot_id).set_index("platform_id")
    alpha = summary.loc["demo_alpha"]
    assert not alpha["suppressed"] and alpha["n_reports"] == 6 and alpha["n_waiting"] == 2
    assert alpha["median_days_late"] == 30  # paid after 10, 20, 30, 40 days; two still waiting
    assert bool(summary.loc["demo_beta", "suppressed"]) and pd.isna(summary.loc["demo_beta", "n_reports"])
    curves = queries.delay_curves(lake.store, lake.snapshot_id)
    assert set(curves["platform_id"]) == {"demo_alpha"}
    by_method = queries.delay_summary(lake.store, lake.snapshot_id, by="payment_method")
    assert set(by_method["payment_method"]) == {"paypal"}
    by_month = queries.delay_summary(lake.store, lake.snapshot_id, by="month").set_index(["platform_id", "month"])
    assert by_month.loc[("demo_alpha", "2026-01"), "n_reports"] == 6  # all due in January
    assert bool(by_month.loc[("demo_beta", "2026-01"), "suppressed"])


def test_reference_tables_events_wages_health_and_downloads(lake: SmallLake) -> None:
    events = queries.events(lake.store, platforms=("demo_alpha",))
    assert "test-alpha-cut" in set(events["event_id"])
    assert set(events["platform_id"].dropna()) == {"demo_alpha"}
    wages = queries.minimum_wages(lake.store, countries=("US", "GB"))
    assert {"US-federal", "GB"} <= set(wages["country"])
    assert wages["hourly_usd"].notna().all() and (wages["hourly_usd"] > 5).all()
    assert (wages.loc[wages["country"] == "US-federal", "hourly_usd"] == 7.25).all()
    health = queries.sources_health(lake.store, lake.snapshot_id, window_days=60).set_index("source_name")
    assert health.loc["demo_beta-board", "failed_window"] == 1
    assert health.loc["demo_beta-board", "suspicious_window"] == 1
    problems = queries.problem_runs(lake.store, lake.snapshot_id)
    assert set(problems["status"]) == {"failed", "suspicious"}
    listings = queries.listings_table(lake.store, lake.snapshot_id, status="closed")
    assert set(listings["listing_key"]) == {"demo_alpha|demo_alpha-board|a2", "demo_beta|demo_beta-board|b2"}
    found = queries.listings_table(lake.store, lake.snapshot_id, search="python")
    assert list(found["listing_key"]) == ["demo_alpha|demo_alpha-board|a5"] and found["versions"].iloc[0] == 2
    versions = queries.listing_versions_table(lake.store, lake.snapshot_id, listing_key="demo_alpha|demo_alpha-board|a5")
    assert list(versions["version_no"]) == [2, 1]
    assert queries.count_rows(lake.store, lake.snapshot_id, table="listings")["n_rows"].iloc[0] == 8
    assert {"generalist", "coding"} <= set(queries.filter_options(lake.store)["value"])
    assert not queries.hourly_assumptions(lake.store).empty


def test_every_query_runs_on_an_empty_lake(empty_store: queries.Store) -> None:
    for name in dir(queries):
        function = getattr(queries, name)
        if name.startswith("_") or not callable(function) or getattr(function, "__module__", "") != queries.__name__:
            continue
        parameters = list(function.__code__.co_varnames[:2])
        if parameters != ["store", "snapshot_id"]:
            continue
        frame = function(empty_store)
        assert isinstance(frame, pd.DataFrame), name
        if name not in ("lake_status", "minimum_wages", "snapshot_times", "count_rows", "delay_summary"):
            assert frame.empty, name
