"""`listing_first_seen_counts` (migration 0011, collectors/store/aggregates.py) and the work
availability views that read the derived tables instead of the listings: `listing_flows_weekly`
(new listings from `listing_first_seen_counts`, closed from `listing_daily_counts`) and
`availability_change` (from `listing_daily_counts`).

On random histories written through `save_listing_runs` (listings that close and reopen, failed
and suspicious runs, two sources of one platform, several days saved at once), the table equals the
count from the listings at every snapshot, and each view read from the derived tables equals the
same view computed from the listings, at every snapshot, with and without a platform filter; after
a reparse too, and for snapshots from before the table existed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import collectors.store.listings as listings_store
from collectors.config import load_settings
from collectors.store import LAKE, Store, get_store, reset_stores
from collectors.store import migrations as migrations_module
from collectors.store.aggregates import first_seen_rows_sql
from collectors.store.listings import ListingRun, rebuild_source_history, save_listing_runs
from collectors.store.reference import load_reference_data
from dashboard import queries
from dashboard.queries import _availability_change_sql, _flows_sql
from tests.test_daily_counts import random_runs, save_randomly
from tests.test_weekly_pay_aggregate import PLATFORMS, hourly, run


def stored_first_seen(store: Store, snapshot: int | None) -> pd.DataFrame:
    table = store.refs(snapshot).listing_first_seen_counts
    return _sorted(store.read_df(f"SELECT platform_id, first_seen_at, n_listings FROM {table}"))


def counted_first_seen(store: Store, snapshot: int | None) -> pd.DataFrame:
    return _sorted(store.read_df(first_seen_rows_sql(store.refs(snapshot).listings)))


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype({"n_listings": "int64"})
    return frame.sort_values(["platform_id", "first_seen_at"]).reset_index(drop=True)


def _platform_where(params: dict[str, object], platforms: list[str] | None) -> str:
    if not platforms:
        return "TRUE"
    params["platforms"] = platforms
    return "list_contains($platforms::VARCHAR[], l.platform_id)"


def flows(store: Store, snapshot: int | None, *, derived: bool, platforms: list[str] | None = None) -> pd.DataFrame:
    params: dict[str, object] = {}
    where = _platform_where(params, platforms)
    return store.read_df(_flows_sql(store.refs(snapshot), where, derived=derived), params)


def change(store: Store, snapshot: int | None, *, derived: bool, window_days: int,
           platforms: list[str] | None = None) -> pd.DataFrame:
    params: dict[str, object] = {"window_days": window_days}
    where = _platform_where(params, platforms)
    return store.read_df(_availability_change_sql(store.refs(snapshot), where, derived=derived), params)


@pytest.fixture(params=[3, 4], scope="module")
def random_history(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, list[int]]]:
    seed = int(request.param)
    settings = load_settings(lake="demo", env={"GIGWATCH_DATA_DIR": str(tmp_path_factory.mktemp(f"first-seen-{seed}"))})
    store = Store(settings)
    store.migrate()
    snapshots = save_randomly(store, random_runs(seed), seed)
    yield store, snapshots
    store.close()


def test_the_table_equals_the_count_from_the_listings_at_every_snapshot(random_history: tuple[Store, list[int]]) -> None:
    store, snapshots = random_history
    for snapshot in snapshots:
        pd.testing.assert_frame_equal(stored_first_seen(store, snapshot), counted_first_seen(store, snapshot))
    listings = store.read_rows(f"SELECT count(*) FROM {LAKE}.listings")[0][0]
    assert stored_first_seen(store, None)["n_listings"].sum() == listings > 0


def test_views_from_the_derived_tables_equal_views_from_the_listings(random_history: tuple[Store, list[int]]) -> None:
    store, snapshots = random_history
    checked_new = checked_closed = 0
    for snapshot in [*snapshots[len(snapshots) // 3 :: max(1, len(snapshots) // 4)], None]:
        for platforms in (None, ["demo_delta"]):
            direct = flows(store, snapshot, derived=False, platforms=platforms)
            pd.testing.assert_frame_equal(flows(store, snapshot, derived=True, platforms=platforms), direct)
            checked_new += int(direct["new_listings"].sum())
            checked_closed += int(direct["closed_listings"].sum())
            for window in (3, 5):
                direct_change = change(store, snapshot, derived=False, window_days=window, platforms=platforms)
                assert not direct_change.empty
                pd.testing.assert_frame_equal(
                    change(store, snapshot, derived=True, window_days=window, platforms=platforms), direct_change)
    assert checked_new > 0 and checked_closed > 0, "the random histories open and close listings"
    # The public functions read the derived tables for unfiltered views.
    pd.testing.assert_frame_equal(queries.listing_flows_weekly(store), flows(store, None, derived=False))
    pd.testing.assert_frame_equal(queries.availability_change(store, window_days=5),
                                  change(store, None, derived=False, window_days=5))


def test_a_listing_first_seen_by_a_later_run_of_the_first_day_is_new(tmp_path: Path) -> None:
    """New listings are counted after the platform's first collection to the microsecond: a
    listing the platform's second source first sees five minutes after the first source's first
    run is new, though it was seen on the first day (a table of days could not tell)."""
    store = get_store(load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)}))
    load_reference_data(store, demo_platforms=PLATFORMS)
    save_listing_runs(store, platform_id="demo_delta", source_name="delta-a", runs=[
        run("demo_delta", "delta-a", 0, [hourly("a1", 20)]),
        run("demo_delta", "delta-a", 1, [hourly("a1", 20), hourly("a2", 21)]),
        run("demo_delta", "delta-a", 2, [hourly("a2", 21)]),
    ])
    save_listing_runs(store, platform_id="demo_delta", source_name="delta-b", runs=[
        run("demo_delta", "delta-b", day, [hourly("b1", 30)], minute=5) for day in range(3)
    ])
    derived = queries.listing_flows_weekly(store)
    pd.testing.assert_frame_equal(derived, flows(store, None, derived=False))
    assert derived[["new_listings", "closed_listings"]].values.tolist() == [[2, 1]]  # b1 and a2 new; a1 closed
    assert stored_first_seen(store, None)["n_listings"].tolist() == [1, 1, 1]  # a1, b1 (5 minutes later), a2
    reset_stores()


def test_reparse_rewrites_the_first_sightings(tmp_path: Path) -> None:
    store = get_store(load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)}))
    runs = random_runs(8, days=8)
    save_randomly(store, runs, 8)
    fixed = [
        ListingRun(run=item.run, records=[r for r in item.records if not r.external_id.endswith("-0")]
                   if item.records is not None else None)
        for item in runs["delta-a"]
    ]
    before = stored_first_seen(store, None)
    rebuild_source_history(store, platform_id="demo_delta", source_name="delta-a", runs=fixed)
    after = stored_first_seen(store, None)
    pd.testing.assert_frame_equal(after, counted_first_seen(store, None))
    assert not after.equals(before)
    pd.testing.assert_frame_equal(queries.listing_flows_weekly(store), flows(store, None, derived=False))
    reset_stores()


def test_a_snapshot_from_before_the_table_existed_reads_the_listings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lake written before migration 0008: opening it creates and fills the derived tables
    (0011's own SQL equals `first_seen_rows_sql`), and views pinned to its older snapshots are
    computed from the listings."""
    settings = load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)})
    names = [m.name for m in migrations_module.MIGRATIONS]
    with monkeypatch.context() as patch:
        patch.setattr(migrations_module, "MIGRATIONS", migrations_module.MIGRATIONS[:names.index("0008_listing_daily_counts")])
        patch.setattr(listings_store, "refresh_daily_counts", lambda *args, **kwargs: None)
        old = get_store(settings)
        save_randomly(old, random_runs(6, days=8), 6)
        old_snapshot = old.snapshot_id()
        reset_stores()
    store = get_store(settings)
    assert "0011_listing_first_seen_counts" in store.applied_migrations()
    pd.testing.assert_frame_equal(stored_first_seen(store, None), counted_first_seen(store, None))
    assert not stored_first_seen(store, None).empty
    for function, kwargs in ((queries.listing_flows_weekly, {}), (queries.availability_change, {"window_days": 3})):
        pinned = function(store, old_snapshot, **kwargs)
        assert not pinned.empty
        pd.testing.assert_frame_equal(pinned, function(store, None, **kwargs))
    reset_stores()
