"""The weekly pay table (`weekly_pay_quartiles`, collectors/store/aggregates.py) and the faster pay
and listing queries, each checked against a straightforward computation in pandas from the rows
of the lake as a pinned snapshot holds them.

The lake is written through `save_listing_runs` as collection would write it, with what makes
weekly samples tricky: a listing that closes and reopens with new pay, a failed and a suspicious
run, a running week that is not over, a suspicious run after the lake's last successful one (it
changes a version after "as of"), a source that goes offline and then saves three weeks of runs at
once (they change weeks already stored), two sources of one platform, and a platform that stops
being collected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import collectors.store.listings as listings_store
from collectors.config import load_settings
from collectors.pay import Pay
from collectors.records import ListingRecord
from collectors.store import LAKE, Store, get_store, reset_stores
from collectors.store import migrations as migrations_module
from collectors.store.aggregates import (
    PAY_CHANGES_TABLE,
    SERIES,
    TABLE,
    _quartile_rows_sql,
    backfill_weekly_pay,
    pay_change_rows_sql,
)
from collectors.store.listings import (
    ListingRun,
    RunRecord,
    rebuild_source_history,
    save_listing_runs,
)
from collectors.store.reference import load_reference_data
from dashboard import queries

START = date(2026, 1, 5)  # a Monday
LAST_DAY = 38  # a Thursday: the running week is not over
PLATFORMS = [
    {"platform_id": p, "name": p, "parent_company": "Test data", "website": None}
    for p in ("demo_gamma", "demo_delta", "demo_epsilon")
]


def at(day: int, minute: int = 0) -> datetime:
    return datetime.combine(START + timedelta(days=day), datetime.min.time(), UTC) + timedelta(hours=6, minutes=minute)


def hourly(external_id: str, amount: float, currency: str = "USD", *, remote: bool = True) -> ListingRecord:
    return ListingRecord(
        external_id=external_id, title=f"Rater {external_id}", url=f"https://example.org/{external_id}",
        location="Remote" if remote else "Berlin", is_remote=remote, country=None if remote else "DE",
        pay_text=f"{amount:g} {currency} per hour", pay=Pay(min=amount, max=amount, currency=currency, unit="hour"),
    )


def per_task(external_id: str, amount: float) -> ListingRecord:
    return ListingRecord(
        external_id=external_id, title=f"Tagger {external_id}", url=f"https://example.org/{external_id}",
        is_remote=True, pay_text=f"${amount:g} per task", pay=Pay(min=amount, max=amount, currency="USD", unit="task"),
    )


def run(platform: str, source: str, day: int, records: list[ListingRecord] | None, status: str = "ok",
        minute: int = 0) -> ListingRun:
    record = RunRecord(
        run_id=f"{source}-{day:03d}", source_name=source, platform_id=platform, started_at=at(day, minute),
        finished_at=at(day, minute) + timedelta(seconds=5), status=status,  # type: ignore[arg-type]
        complete=status != "failed", items_count=len(records or []),
        error="HTTP 503 (test)" if status == "failed" else None,
    )
    return ListingRun(run=record, records=records)


def gamma(day: int) -> ListingRun:
    if day == 12:
        return run("demo_gamma", "gamma-board", day, None, "failed")
    records = [hourly("g1", 20), hourly("g3", 25, "EUR", remote=False),
               per_task("g4", 0.5 if day < 30 else 0.6), hourly("g5", 18 if day < 16 else 19, "GBP")]
    if day < 8:
        records.append(hourly("g2", 30))
    elif day >= 20:
        records.append(hourly("g2", 36))  # reopened, with new pay
    if day == 25:  # far fewer items than usual: suspicious, closes nothing
        return run("demo_gamma", "gamma-board", day, records[:2], "suspicious")
    return run("demo_gamma", "gamma-board", day, records)


def delta_a(day: int) -> ListingRun:
    records = [hourly("d1", 50)] + ([hourly("d2", 40)] if day <= 21 else [])
    return run("demo_delta", "delta-a", day, records, minute=1)


def delta_b(day: int) -> ListingRun:
    records = [per_task("e1", 0.2)] + ([hourly("d3", 45)] if day >= 14 else [])
    return run("demo_delta", "delta-b", day, records, minute=2)


def epsilon(day: int) -> ListingRun:
    return run("demo_epsilon", "epsilon-board", day, [hourly("x1", 15), hourly("x2", 25 if day < 5 else 27)], minute=3)


def write_history(store: Store, on_save: Callable[[], None] = lambda: None) -> None:
    """Every source's runs, saved in the order collection would save them."""
    load_reference_data(store, demo_platforms=PLATFORMS)

    def save(platform: str, source: str, runs: list[ListingRun]) -> None:
        save_listing_runs(store, platform_id=platform, source_name=source, runs=runs)
        on_save()

    for day in range(LAST_DAY + 1):
        save("demo_gamma", "gamma-board", [gamma(day)])
        save("demo_delta", "delta-a", [delta_a(day)])
        if day < 10 or day > 30:
            save("demo_delta", "delta-b", [delta_b(day)])
        elif day == 30:  # offline since day 10: three weeks of runs arrive at once
            save("demo_delta", "delta-b", [delta_b(d) for d in range(10, 31)])
        if day <= 10:
            save("demo_epsilon", "epsilon-board", [epsilon(day)])
    # After the lake's last successful run, a suspicious run changes g1's pay.
    save("demo_gamma", "gamma-board", [run("demo_gamma", "gamma-board", LAST_DAY + 1, [hourly("g1", 22)], "suspicious")])


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, list[int]]]:
    settings = load_settings(lake="demo", env={"GIGWATCH_DATA_DIR": str(tmp_path_factory.mktemp("weekly-pay"))})
    # Not the process's cached store: other tests here reset those.
    store = Store(settings)
    store.migrate()
    snapshots: list[int] = []
    write_history(store, lambda: snapshots.append(store.snapshot_id()))
    yield store, snapshots
    store.close()


# -- straightforward computations -----------------------------------------------------------------


def _utc(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True).dt.tz_localize(None)


def _mid(low: pd.Series, high: pd.Series) -> pd.Series:
    return ((low + high) / 2).fillna(low).fillna(high)


def _table(store: Store, snapshot: int | None, table: str) -> pd.DataFrame:
    return store.read_df(f"SELECT * FROM {getattr(store.refs(snapshot), table)}")


def brute_weekly(store: Store, snapshot: int | None, series: str) -> list[tuple[Any, ...]]:
    """Each platform's weeks from its first to its last successful complete collection (none after
    the lake's "as of"): the listing versions in force at the week's end, or at "as of" for the
    running week, and numpy's linear quantiles of their pay."""
    versions = _table(store, snapshot, "listing_versions")
    runs = _table(store, snapshot, "collector_runs")
    runs = runs.assign(started=_utc(runs["started_at"]))
    ok = runs[(runs["status"] == "ok") & runs["platform_id"].notna()]
    if ok.empty:
        return []
    as_of = ok["started"].max()
    bounds = ok[ok["complete"].astype(bool)].groupby("platform_id")["started"].agg(["min", "max"])
    v = versions.assign(platform_id=versions["listing_key"].str.split("|").str[0],
                        vf=_utc(versions["valid_from"]), vt=_utc(versions["valid_to"]))
    if series == "hourly_usd":
        v = v.assign(value=_mid(v["hourly_usd_min"], v["hourly_usd_max"]), currency="USD", unit="hour")
        v = v[v["pay_unit"].isin(["hour", "day", "week", "month", "year"])]
    elif series == "hourly_original":
        v = v.assign(value=_mid(v["pay_min"], v["pay_max"]), currency=v["pay_currency"], unit="hour")
        v = v[(v["pay_unit"] == "hour") & v["pay_currency"].notna()]
    else:
        v = v.assign(value=_mid(v["pay_min"], v["pay_max"]), currency=v["pay_currency"].fillna("unknown"),
                     unit=v["pay_unit"])
        v = v[v["pay_unit"].isin(["task", "item", "minute"])]
    v = v[v["value"].notna()]
    rows = []
    for platform, (first, last) in bounds.iterrows():
        week = (first - pd.Timedelta(days=first.day_of_week)).normalize()
        mine = v[v["platform_id"] == platform]
        while week <= last and week <= as_of:
            sample = min(week + pd.Timedelta(days=7), as_of)
            live = mine[(mine["vf"] <= sample) & (mine["vt"].isna() | (mine["vt"] > sample))]
            for (currency, unit), group in live.groupby(["currency", "unit"]):
                p25, median, p75 = np.quantile(group["value"].to_numpy(), [0.25, 0.5, 0.75])
                rows.append((week.date(), platform, currency, unit, len(group), median, p25, p75, sample))
            week += pd.Timedelta(days=7)
    return sorted(rows, key=lambda r: (r[1], r[2], r[3], r[0]))


def as_rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    return [
        (pd.Timestamp(r.week_start).date(), r.platform_id, r.currency, r.pay_unit, int(r.n_listings),
         r.median, r.p25, r.p75, pd.Timestamp(r.sampled_at))
        for r in frame.itertuples()
    ]


def assert_same_rows(got: list[tuple[Any, ...]], expected: list[tuple[Any, ...]]) -> None:
    assert [r[:5] + r[8:] for r in got] == [r[:5] + r[8:] for r in expected]
    for g, e in zip(got, expected, strict=True):
        assert g[5:8] == pytest.approx(e[5:8], rel=1e-12), g


def from_versions(store: Store, snapshot: int | None, series: str) -> pd.DataFrame:
    """The same weeks computed from the versions alone (what filtered views run)."""
    s = SERIES[series]
    return store.read_df(queries._weekly_quantiles_sql(store.refs(snapshot), s.value, s.currency, s.unit, s.where))


def weekly(store: Store, snapshot: int | None, series: str, **filters: Any) -> pd.DataFrame:
    if series == "per_unit":
        return queries.weekly_unit_pay(store, snapshot, **filters)
    return queries.weekly_pay(store, snapshot, currency_mode="original" if series == "hourly_original" else "usd",
                              **filters)


# -- weekly pay -----------------------------------------------------------------------------------


@pytest.mark.parametrize("series", list(SERIES))
def test_weekly_series_equal_a_straightforward_count_at_every_snapshot(
    history: tuple[Store, list[int]], series: str
) -> None:
    store, snapshots = history
    for snapshot in [None, *snapshots[::7], *snapshots[-4:]]:
        expected = brute_weekly(store, snapshot, series)
        assert_same_rows(as_rows(weekly(store, snapshot, series)), expected)
        assert_same_rows(as_rows(from_versions(store, snapshot, series)), expected)
    assert brute_weekly(store, None, series)  # not vacuous


def test_the_edge_cases_are_in_the_history(history: tuple[Store, list[int]]) -> None:
    store, _ = history
    usd = weekly(store, None, "hourly_usd")
    usd = usd.assign(week_start=pd.to_datetime(usd["week_start"]).dt.date).set_index(["platform_id", "week_start"])
    # The running week (from Monday 2026-02-09) is sampled at the lake's last successful run.
    running = usd.loc[("demo_gamma", date(2026, 2, 9))]
    assert running["sampled_at"] == pd.Timestamp(at(LAST_DAY, 2).replace(tzinfo=None))
    # g1's $22 came from a suspicious run after that: the running week counts g1 at $20, g2, g3 and
    # g5 (EUR and GBP in USD).
    assert running["n_listings"] == 4
    # g2 closed on day 8 (in the second week) and reopened on day 20 (a Sunday, in the third).
    weeks = [usd.loc[("demo_gamma", date(2026, 1, 5) + timedelta(weeks=w)), "n_listings"] for w in range(5)]
    assert weeks == [4, 3, 4, 4, 4]
    # demo_epsilon stopped being collected on day 10: its weeks stop there.
    assert max(usd.loc["demo_epsilon"].index) == date(2026, 1, 12)
    # delta-b's runs of days 10-30, saved late, count in the weeks they were seen in: d3 from day
    # 14 (a Monday), so from the week of 2026-01-19.
    assert usd.loc[("demo_delta", date(2026, 1, 12)), "n_listings"] == 2
    assert usd.loc[("demo_delta", date(2026, 1, 19)), "n_listings"] == 3


def test_the_table_holds_what_a_full_recomputation_gives(history: tuple[Store, list[int]]) -> None:
    store, _ = history
    stored = store.read_df(f"SELECT * FROM {LAKE}.{TABLE} ORDER BY ALL")
    recomputed = store.read_df(f"SELECT * FROM ({_quartile_rows_sql(one_platform=False)}) ORDER BY ALL")
    assert len(stored) > 20
    pd.testing.assert_frame_equal(stored, recomputed, check_dtype=False, rtol=1e-12)


def test_weeks_doubled_by_two_first_refreshes_are_rewritten_by_the_next_save(tmp_path: Path) -> None:
    """On a PostgreSQL catalog two processes refreshing a platform for the first time at once
    both insert its weeks (neither deletes a row, so neither conflicts). The next save finds the
    doubled weeks and rewrites the platform from its versions."""
    store = get_store(load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)}))
    write_history(store)
    store.write(lambda cur: cur.execute(
        f"""INSERT INTO {LAKE}.{TABLE} SELECT week_start, platform_id, series, currency, pay_unit,
                   n_listings - 1, median + 1, p25, p75
            FROM {LAKE}.{TABLE} WHERE platform_id = 'demo_delta' AND week_start < DATE '2026-01-26'"""),
        what="what a second writer's first refresh adds")
    doubled = store.read_value(f"SELECT count(*) FROM {LAKE}.{TABLE} WHERE platform_id = 'demo_delta'")
    save_listing_runs(store, platform_id="demo_delta", source_name="delta-a",
                      runs=[run("demo_delta", "delta-a", LAST_DAY + 2, [hourly("d1", 19)])])
    stored = store.read_df(f"SELECT * FROM {LAKE}.{TABLE} ORDER BY ALL")
    recomputed = store.read_df(f"SELECT * FROM ({_quartile_rows_sql(one_platform=False)}) ORDER BY ALL")
    pd.testing.assert_frame_equal(stored, recomputed, check_dtype=False, rtol=1e-12)
    assert len(stored[stored["platform_id"] == "demo_delta"]) < doubled
    reset_stores()


def test_filters_and_platforms(history: tuple[Store, list[int]]) -> None:
    store, _ = history
    everything = weekly(store, None, "hourly_usd")
    one = weekly(store, None, "hourly_usd", platforms=("demo_delta",))
    pd.testing.assert_frame_equal(one, everything[everything["platform_id"] == "demo_delta"].reset_index(drop=True))
    two = weekly(store, None, "hourly_original", platforms=("demo_gamma", "demo_epsilon"))
    assert set(two["platform_id"]) == {"demo_gamma", "demo_epsilon"}
    # A filter on the versions is computed from them: only g3 is on site.
    onsite = weekly(store, None, "hourly_original", remote="onsite")
    assert set(onsite["currency"]) == {"EUR"} and (onsite["n_listings"] == 1).all()


def test_a_snapshot_from_before_the_table_existed_is_computed_from_the_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lake written before migrations 0003 and 0004: opening it creates and fills the tables,
    and permalinks pinned to its older snapshots still work."""
    settings = load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)})
    with monkeypatch.context() as patch:
        patch.setattr(migrations_module, "MIGRATIONS", migrations_module.MIGRATIONS[:2])
        patch.setattr(listings_store, "refresh_weekly_pay", lambda *args, **kwargs: None)
        patch.setattr(listings_store, "record_pay_changes", lambda *args, **kwargs: None)
        patch.setattr(listings_store, "forget_pay_changes", lambda *args, **kwargs: None)
        patch.setattr(listings_store, "refresh_daily_counts", lambda *args, **kwargs: None)
        old = get_store(settings)
        write_history(old)
        old_snapshot = old.snapshot_id()
        reset_stores()
    store = get_store(settings)
    assert {"0003_weekly_pay_quartiles", "0004_listing_pay_changes"} <= set(store.applied_migrations())
    for series in SERIES:
        assert_same_rows(as_rows(weekly(store, old_snapshot, series)), brute_weekly(store, old_snapshot, series))
        assert_same_rows(as_rows(weekly(store, None, series)), brute_weekly(store, None, series))
    for snapshot in (old_snapshot, None):
        expected = brute_pay_changes(store, snapshot)
        assert len(expected) > 3
        pd.testing.assert_frame_equal(queries.pay_changes(store, snapshot)[list(expected.columns)], expected,
                                      check_dtype=False)
    reset_stores()


def test_reparse_rewrites_the_platform_weeks(tmp_path: Path) -> None:
    store = get_store(load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)}))
    write_history(store)
    # What a parser fix would give: g5's rate was £21 all along.
    runs = [gamma(day) for day in range(LAST_DAY + 1)]
    for item in runs:
        if item.records:
            item.records = [hourly("g5", 21, "GBP") if r.external_id == "g5" else r for r in item.records]
    rebuild_source_history(store, platform_id="demo_gamma", source_name="gamma-board", runs=runs)
    for series in SERIES:
        assert_same_rows(as_rows(weekly(store, None, series)), brute_weekly(store, None, series))
    original = weekly(store, None, "hourly_original")
    assert 21.0 in set(original.loc[original["currency"] == "GBP", "median"])
    store.write(backfill_weekly_pay, what="refill weekly_pay_quartiles")
    for series in SERIES:
        assert_same_rows(as_rows(weekly(store, None, series)), brute_weekly(store, None, series))
    # The pay changes follow the rebuilt versions: each is kept once, g1's (from a suspicious run
    # the rebuild did not replay) is gone.
    expected = brute_pay_changes(store, None)
    got = queries.pay_changes(store)
    pd.testing.assert_frame_equal(got[list(expected.columns)], expected, check_dtype=False)
    assert set(got["listing_key"].str.split("|").str[2]) == {"g2", "g4", "x2"}
    assert_pay_changes_table_is_complete(store)
    reset_stores()


# -- pay changes and the listings table --------------------------------------------------------


def brute_pay_changes(store: Store, snapshot: int | None, *, limit: int = 500,
                      platforms: tuple[str, ...] = ()) -> pd.DataFrame:
    v = _table(store, snapshot, "listing_versions")
    listings = _table(store, snapshot, "listings")
    v = v.assign(platform_id=v["listing_key"].str.split("|").str[0])
    if platforms:
        v = v[v["platform_id"].isin(platforms)]
    v = v.assign(pay_mid=_mid(v["pay_min"], v["pay_max"]), hourly_mid=_mid(v["hourly_usd_min"], v["hourly_usd_max"]))
    edits = v[v["version_no"] > 1]
    before = v.assign(version_no=v["version_no"] + 1)[
        ["listing_key", "version_no", "pay_text", "pay_currency", "pay_unit", "pay_mid", "hourly_mid"]]
    pairs = edits.merge(before, on=["listing_key", "version_no"], suffixes=("", "_before"))
    same = (pairs["pay_currency"].fillna("\0") == pairs["pay_currency_before"].fillna("\0")) & (
        pairs["pay_unit"].fillna("\0") == pairs["pay_unit_before"].fillna("\0"))
    pairs = pairs.assign(before_value=pairs["pay_mid_before"].where(same, pairs["hourly_mid_before"]),
                         after_value=pairs["pay_mid"].where(same, pairs["hourly_mid"]), same=same)
    pairs = pairs[pairs["before_value"].notna() & pairs["after_value"].notna() & (pairs["before_value"] > 0)
                  & (pairs["after_value"] != pairs["before_value"])]
    pairs = pairs.merge(listings[["listing_key", "closed_at", "url"]], on="listing_key")
    pairs = pairs.sort_values(["valid_from", "listing_key"], ascending=[False, True]).head(limit)
    return pd.DataFrame({
        "changed_at": _utc(pairs["valid_from"]).to_numpy(),
        "listing_key": pairs["listing_key"].to_numpy(),
        "pay_before": pairs["pay_text_before"].to_numpy(),
        "pay_after": pairs["pay_text"].to_numpy(),
        "change_pct": (100 * (pairs["after_value"] - pairs["before_value"]) / pairs["before_value"]).to_numpy(),
        "still_open": pairs["closed_at"].isna().to_numpy(),
    })


def assert_pay_changes_table_is_complete(store: Store) -> None:
    stored = store.read_df(f"SELECT * FROM {LAKE}.{PAY_CHANGES_TABLE} ORDER BY ALL")
    recomputed = store.read_df(f"SELECT * FROM ({pay_change_rows_sql(f'{LAKE}.listing_versions')}) ORDER BY ALL")
    assert len(stored) >= 3
    pd.testing.assert_frame_equal(stored, recomputed, check_dtype=False)


@pytest.mark.parametrize("limit", [500, 3])
def test_pay_changes_equal_consecutive_versions_compared(history: tuple[Store, list[int]], limit: int) -> None:
    store, snapshots = history
    for snapshot in (None, snapshots[len(snapshots) // 2], snapshots[3]):
        for platforms in ((), ("demo_gamma",)):
            got = queries.pay_changes(store, snapshot, limit=limit, platforms=platforms)
            expected = brute_pay_changes(store, snapshot, limit=limit, platforms=platforms)
            pd.testing.assert_frame_equal(got[list(expected.columns)], expected, check_dtype=False)
    assert len(brute_pay_changes(store, None)) > 3  # not vacuous
    assert_pay_changes_table_is_complete(store)
    # The reopened listing's change is measured against the version before it closed.
    changes = queries.pay_changes(store).set_index("listing_key")
    reopened = changes.loc["demo_gamma|gamma-board|g2"]
    assert (reopened["pay_before"], reopened["pay_after"], reopened["direction"]) == ("30 USD per hour", "36 USD per hour", "rise")
    assert reopened["change_pct"] == pytest.approx(20.0)
    cuts = queries.pay_changes(store, only_cuts=True)
    assert (cuts["direction"] == "cut").all() and set(cuts["listing_key"]) < set(changes.index)


def brute_listings(store: Store, snapshot: int | None, limit: int) -> pd.DataFrame:
    v = _table(store, snapshot, "listing_versions")
    listings = _table(store, snapshot, "listings")
    latest = v.sort_values("version_no").groupby("listing_key").tail(1)
    frame = listings.merge(latest, on="listing_key")
    frame = frame.sort_values(["first_seen_at", "listing_key"], ascending=[False, True]).head(limit)
    return pd.DataFrame({"listing_key": frame["listing_key"].to_numpy(), "title": frame["title"].to_numpy(),
                         "pay_text": frame["pay_text"].to_numpy(), "versions": frame["version_no"].to_numpy()})


@pytest.mark.parametrize("limit", [5000, 4])
def test_listings_table_shows_each_listings_latest_version(history: tuple[Store, list[int]], limit: int) -> None:
    store, snapshots = history
    for snapshot in (None, snapshots[len(snapshots) // 2]):
        got = queries.listings_table(store, snapshot, limit=limit)
        expected = brute_listings(store, snapshot, limit)
        pd.testing.assert_frame_equal(got[list(expected.columns)], expected, check_dtype=False)
    g2 = queries.listings_table(store).set_index("listing_key").loc["demo_gamma|gamma-board|g2"]
    assert (g2["pay_text"], g2["versions"]) == ("36 USD per hour", 2)
