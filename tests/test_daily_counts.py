"""`listing_daily_counts` and `listing_lifetime_quartiles` (collectors/store/aggregates.py):
listings opened and closed per platform and day, and lifetime quartiles per platform, kept by every
save in the save's transaction. On random histories, written through
`save_listing_runs` as collection writes them (listings that close and reopen, failed and
suspicious runs, two sources of one platform, several days saved at once), the table equals the
count from the listings at every snapshot, and the views read from it equal the views computed from
the listings; after a reparse too, and for snapshots from before the table existed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import collectors.store.listings as listings_store
from collectors.config import load_settings
from collectors.store import LAKE, Store, get_store, reset_stores
from collectors.store import migrations as migrations_module
from collectors.store.aggregates import daily_count_rows_sql, lifetime_rows_sql
from collectors.store.listings import ListingRun, rebuild_source_history, save_listing_runs
from collectors.store.reference import load_reference_data
from dashboard import queries
from dashboard.queries import _open_per_day_sql
from tests.test_weekly_pay_aggregate import PLATFORMS, hourly, run

SOURCES = (("demo_gamma", "gamma-board"), ("demo_delta", "delta-a"), ("demo_delta", "delta-b"))
DAYS = 16


def random_runs(seed: int, days: int = DAYS) -> dict[str, list[ListingRun]]:
    """Each source's runs over `days` days: a pool of listings, each open on a random day with a
    chance a day of closing or (once closed) reopening, and some failed or suspicious runs."""
    rng = random.Random(seed)
    out: dict[str, list[ListingRun]] = {}
    for platform, source in SOURCES:
        pool = [f"{source[:1]}{seed}-{i}" for i in range(rng.randint(3, 9))]
        live = {key: rng.random() < 0.5 for key in pool}
        runs = []
        for day in range(days):
            for key in pool:
                if rng.random() < 0.15:
                    live[key] = not live[key]
            records = [hourly(key, 20 + i) for i, key in enumerate(pool) if live[key]]
            roll = rng.random()
            if roll < 0.08:
                runs.append(run(platform, source, day, None, "failed"))
            elif roll < 0.14 and len(records) > 1:
                runs.append(run(platform, source, day, records[:1], "suspicious"))
            else:
                runs.append(run(platform, source, day, records, minute=SOURCES.index((platform, source))))
        out[source] = runs
    return out


def save_randomly(store: Store, runs: dict[str, list[ListingRun]], seed: int) -> list[int]:
    """Save every source's runs in random batches of 1 to 6 days; the snapshot after each save."""
    days = len(runs[SOURCES[0][1]])
    rng = random.Random(seed + 1)
    load_reference_data(store, demo_platforms=PLATFORMS)
    next_day = {source: 0 for _platform, source in SOURCES}
    snapshots = []
    while any(day < days for day in next_day.values()):
        platform, source = rng.choice([s for s in SOURCES if next_day[s[1]] < days])
        batch = rng.randint(1, 6)
        first = next_day[source]
        save_listing_runs(store, platform_id=platform, source_name=source, runs=runs[source][first:first + batch])
        next_day[source] = first + batch
        snapshots.append(store.snapshot_id())
    return snapshots


def stored_rows(store: Store, snapshot: int | None) -> pd.DataFrame:
    table = store.refs(snapshot).listing_daily_counts
    return _sorted(store.read_df(f"SELECT platform_id, day, opened, closed FROM {table}"))


def counted_rows(store: Store, snapshot: int | None) -> pd.DataFrame:
    return _sorted(store.read_df(daily_count_rows_sql(store.refs(snapshot).listings)))


def stored_lifetimes(store: Store, snapshot: int | None) -> pd.DataFrame:
    table = store.refs(snapshot).listing_lifetime_quartiles
    return store.read_df(f"SELECT * FROM {table} ORDER BY platform_id")


def counted_lifetimes(store: Store, snapshot: int | None) -> pd.DataFrame:
    return store.read_df(f"SELECT * FROM ({lifetime_rows_sql(store.refs(snapshot).listings)}) ORDER BY platform_id")


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype({"opened": "int64", "closed": "int64"})
    return frame.sort_values(["platform_id", "day"]).reset_index(drop=True)


def open_per_day(store: Store, snapshot: int | None, *, derived: bool, platforms: list[str] | None = None) -> pd.DataFrame:
    params: dict[str, object] = {}
    where = "TRUE"
    if platforms:
        params["platforms"] = platforms
        where = "list_contains($platforms::VARCHAR[], l.platform_id)"
    sql = _open_per_day_sql(store.refs(snapshot), where, derived=derived)
    return store.read_df(f"WITH {sql} SELECT day, platform_id, open_listings FROM open_per_day "
                         "ORDER BY platform_id, day", params)


@pytest.fixture(params=[1, 2], scope="module")
def random_history(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, list[int], int]]:
    seed = int(request.param)
    settings = load_settings(lake="demo", env={"GIGWATCH_DATA_DIR": str(tmp_path_factory.mktemp(f"daily-{seed}"))})
    store = Store(settings)
    store.migrate()
    snapshots = save_randomly(store, random_runs(seed), seed)
    yield store, snapshots, seed
    store.close()


def test_the_table_equals_the_count_from_the_listings_at_every_snapshot(random_history: tuple[Store, list[int], int]) -> None:
    store, snapshots, _seed = random_history
    closed = store.read_rows(f"SELECT count(closed_at) FROM {LAKE}.listings")[0][0]
    assert closed > 0, "the random history closes listings"
    for snapshot in snapshots:
        pd.testing.assert_frame_equal(stored_rows(store, snapshot), counted_rows(store, snapshot))
        pd.testing.assert_frame_equal(stored_lifetimes(store, snapshot), counted_lifetimes(store, snapshot))
    assert stored_lifetimes(store, None)["n_closed"].sum() == closed


def test_views_from_the_table_equal_views_from_the_listings(random_history: tuple[Store, list[int], int]) -> None:
    store, snapshots, _seed = random_history
    for snapshot in (snapshots[len(snapshots) // 2], None):
        direct = open_per_day(store, snapshot, derived=False)
        assert len(direct) > DAYS
        pd.testing.assert_frame_equal(open_per_day(store, snapshot, derived=True), direct)
        pd.testing.assert_frame_equal(open_per_day(store, snapshot, derived=True, platforms=["demo_delta"]),
                                      open_per_day(store, snapshot, derived=False, platforms=["demo_delta"]))
    # The public function reads the table for unfiltered views.
    pd.testing.assert_frame_equal(queries.open_listings_daily(store), open_per_day(store, None, derived=False))


def test_reparse_rewrites_the_days(tmp_path: Path) -> None:
    store = get_store(load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)}))
    runs = random_runs(7, days=8)
    save_randomly(store, runs, 7)
    # A parser fix that drops one listing from every scrape of delta-a.
    fixed = [
        ListingRun(run=item.run, records=[r for r in item.records if not r.external_id.endswith("-0")]
                   if item.records is not None else None)
        for item in runs["delta-a"]
    ]
    before = stored_rows(store, None)
    rebuild_source_history(store, platform_id="demo_delta", source_name="delta-a", runs=fixed)
    after = stored_rows(store, None)
    pd.testing.assert_frame_equal(after, counted_rows(store, None))
    pd.testing.assert_frame_equal(stored_lifetimes(store, None), counted_lifetimes(store, None))
    assert not after.equals(before)
    reset_stores()


def test_a_snapshot_from_before_the_table_existed_reads_the_listings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lake written before migration 0006: opening it creates and fills the table, and views
    pinned to its older snapshots are computed from the listings."""
    settings = load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)})
    names = [m.name for m in migrations_module.MIGRATIONS]
    with monkeypatch.context() as patch:
        patch.setattr(migrations_module, "MIGRATIONS", migrations_module.MIGRATIONS[:names.index("0008_listing_daily_counts")])  # and 0009
        patch.setattr(listings_store, "refresh_daily_counts", lambda *args, **kwargs: None)
        old = get_store(settings)
        save_randomly(old, random_runs(5, days=8), 5)
        old_snapshot = old.snapshot_id()
        reset_stores()
    store = get_store(settings)
    assert {"0008_listing_daily_counts", "0009_listing_lifetime_quartiles"} <= set(store.applied_migrations())
    pd.testing.assert_frame_equal(stored_rows(store, None), counted_rows(store, None))
    pd.testing.assert_frame_equal(stored_lifetimes(store, None), counted_lifetimes(store, None))
    pd.testing.assert_frame_equal(queries.listing_lifetimes(store, old_snapshot), queries.listing_lifetimes(store, None))
    assert not stored_rows(store, None).empty
    pd.testing.assert_frame_equal(queries.open_listings_daily(store, old_snapshot),
                                  open_per_day(store, old_snapshot, derived=False))
    pd.testing.assert_frame_equal(queries.availability_index(store, old_snapshot, baseline_weeks=1),
                                  queries.availability_index(store, None, baseline_weeks=1))
    reset_stores()
