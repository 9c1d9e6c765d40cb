"""`listing_open_days` and `listing_weekly_flows` (migration 0012, collectors/store/aggregates.py):
the rows of `open_listings_daily` and `listing_flows_weekly` kept at write time, trusted by the
views only at a snapshot with as many runs as when they were written.

On random histories written through `save_listing_runs` (listings that close and reopen, failed
and suspicious runs, two sources of one platform, several days saved at once), both views equal
the same views computed from the listings at every snapshot, with and without a platform filter,
and the kept rows are what they read; after a reparse too. A run recorded by another writer (an
archive capture that moves a platform's first collection earlier) makes the views compute from the
listings until the next save rewrites the rows; snapshots from before the tables read the listings.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import collectors.store.aggregates as aggregates
from collectors.config import load_settings
from collectors.store import LAKE, Store, get_store, reset_stores
from collectors.store import migrations as migrations_module
from collectors.store.listings import (
    RUN_COLUMNS,
    ListingRun,
    RunRecord,
    rebuild_source_history,
    save_listing_runs,
)
from dashboard import queries
from dashboard.queries import _kept_view_rows
from tests.test_daily_counts import open_per_day, random_runs, save_randomly
from tests.test_first_seen_counts import flows
from tests.test_weekly_pay_aggregate import hourly, run


def kept(store: Store, snapshot: int | None, view: str, platforms: list[str] | None = None) -> pd.DataFrame | None:
    """The kept rows a view would return at `snapshot`, or None when it would not trust them."""
    t = store.refs(snapshot)
    if view == "open":
        return _kept_view_rows(store, t.listing_open_days, "day, platform_id, open_listings", "platform_id, day",
                               t, platforms or [])
    return _kept_view_rows(store, t.listing_weekly_flows,
                           "week_start, platform_id, new_listings, closed_listings, complete_week",
                           "platform_id, week_start", t, platforms or [])


def assert_views_equal_the_listings(store: Store, snapshot: int | None, *, from_kept_rows: bool) -> None:
    for platforms in (None, ["demo_delta"]):
        direct_open = open_per_day(store, snapshot, derived=False, platforms=platforms)
        direct_flows = flows(store, snapshot, derived=False, platforms=platforms)
        pd.testing.assert_frame_equal(queries.open_listings_daily(store, snapshot, platforms=platforms or ()), direct_open)
        pd.testing.assert_frame_equal(queries.listing_flows_weekly(store, snapshot, platforms=platforms or ()), direct_flows)
        for view, direct in (("open", direct_open), ("flows", direct_flows)):
            rows = kept(store, snapshot, view, platforms)
            if direct.empty:
                assert rows is None  # nothing kept to trust: the views compute (nothing) from the listings
            elif from_kept_rows:
                assert rows is not None, f"{view} at {snapshot}: the kept rows are not current"
                pd.testing.assert_frame_equal(rows, direct)
            else:
                assert rows is None, f"{view} at {snapshot}: stale rows were trusted"


@pytest.fixture(params=[11, 12], scope="module")
def random_history(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, list[int]]]:
    seed = int(request.param)
    settings = load_settings(lake="demo", env={"GIGWATCH_DATA_DIR": str(tmp_path_factory.mktemp(f"view-rows-{seed}"))})
    store = Store(settings)
    store.migrate()
    snapshots = save_randomly(store, random_runs(seed), seed)
    yield store, snapshots
    store.close()


def test_the_views_read_the_kept_rows_and_equal_the_listings_at_every_snapshot(
    random_history: tuple[Store, list[int]],
) -> None:
    store, snapshots = random_history
    for snapshot in snapshots:
        assert_views_equal_the_listings(store, snapshot, from_kept_rows=True)
    assert len(open_per_day(store, None, derived=False, platforms=["demo_delta"])) > 10
    assert flows(store, None, derived=False)["new_listings"].sum() > 0


def test_a_run_recorded_by_another_writer_is_not_missed(tmp_path: Path) -> None:
    """An archive capture recorded without history (collectors/store/archive.py writes only the
    run) moves demo_delta's first collection two days earlier: the spine starts there and
    listings first seen on the old first day become new. The kept rows predate it, so the views
    compute from the listings; the next listing save (of another platform) rewrites demo_delta's
    rows and the views read them again."""
    store = get_store(load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)}))
    runs = random_runs(13, days=8)
    save_randomly(store, {source: items[:-1] for source, items in runs.items()}, 13)
    assert_views_equal_the_listings(store, None, from_kept_rows=True)
    before = queries.open_listings_daily(store, platforms=["demo_delta"])
    earliest = min(item.run.started_at for item in runs["delta-a"] + runs["delta-b"]
                   if item.run.status == "ok" and item.run.complete)
    capture = RunRecord(run_id="archive-capture", source_name="delta-a", platform_id="demo_delta",
                        started_at=earliest - timedelta(days=2), finished_at=earliest - timedelta(days=2),
                        status="ok", complete=True, items_count=3, run_kind="archive")
    store.write(lambda cur: Store.insert_df(cur, "collector_runs", pd.DataFrame([capture.row()], columns=RUN_COLUMNS)),
                what="record an archive capture")
    after_capture = store.snapshot_id()
    assert_views_equal_the_listings(store, after_capture, from_kept_rows=False)
    moved = queries.open_listings_daily(store, platforms=["demo_delta"])
    assert len(moved) == len(before) + 2 and moved["open_listings"].iloc[:2].tolist() == [0, 0]
    assert queries.listing_flows_weekly(store, platforms=["demo_delta"])["new_listings"].sum() > \
        flows(store, after_capture - 1, derived=False, platforms=["demo_delta"])["new_listings"].sum()
    save_listing_runs(store, platform_id="demo_gamma", source_name="gamma-board", runs=runs["gamma-board"][-1:])
    assert_views_equal_the_listings(store, None, from_kept_rows=True)
    assert_views_equal_the_listings(store, after_capture, from_kept_rows=False)  # a pinned snapshot stays as it was
    reset_stores()


def test_runs_of_no_platform_leave_the_kept_rows_trusted(tmp_path: Path) -> None:
    """A report import or a reference-data load records a run of no platform (and a failed run
    moves no bounds): neither view changes, so the kept rows stay trusted (the benchmark lake
    records 41 such runs after its last listing save)."""
    store = get_store(load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)}))
    save_randomly(store, random_runs(14, days=6), 14)
    assert_views_equal_the_listings(store, None, from_kept_rows=True)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    others = [RunRecord(run_id="import-1", source_name="import:import-1", platform_id=None, started_at=now,
                        finished_at=now, status="ok", complete=True, items_count=5, run_kind="import"),
              RunRecord(run_id="failed-1", source_name="delta-a", platform_id="demo_delta", started_at=now,
                        finished_at=now, status="failed", complete=False, items_count=0)]
    store.write(lambda cur: Store.insert_df(cur, "collector_runs", pd.DataFrame([r.row() for r in others], columns=RUN_COLUMNS)),
                what="record runs of no platform")
    assert_views_equal_the_listings(store, None, from_kept_rows=True)
    reset_stores()


def test_a_save_of_a_platform_without_a_complete_collection_keeps_the_rows_current(tmp_path: Path) -> None:
    store = get_store(load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)}))
    save_randomly(store, random_runs(14, days=6), 14)
    save_listing_runs(store, platform_id="demo_epsilon", source_name="epsilon-board",
                      runs=[run("demo_epsilon", "epsilon-board", 0, None, "failed")])
    assert_views_equal_the_listings(store, None, from_kept_rows=True)
    reset_stores()


def test_reparse_rewrites_the_rows(tmp_path: Path) -> None:
    store = get_store(load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)}))
    runs = random_runs(15, days=8)
    save_randomly(store, runs, 15)
    before = kept(store, None, "flows")
    # A parser fix that drops one listing from every scrape of delta-a.
    fixed = [
        ListingRun(run=item.run, records=[r for r in item.records if not r.external_id.endswith("-0")]
                   if item.records is not None else None)
        for item in runs["delta-a"]
    ]
    rebuild_source_history(store, platform_id="demo_delta", source_name="delta-a", runs=fixed)
    assert_views_equal_the_listings(store, None, from_kept_rows=True)
    assert before is not None and not before.equals(kept(store, None, "flows"))
    reset_stores()


def test_rows_twice_after_two_first_refreshes_at_once_are_rewritten(tmp_path: Path) -> None:
    """Two first saves of one platform at once (PostgreSQL catalogs) may both insert its rows:
    the views would count them twice, so the next save finds and rewrites them."""
    store = get_store(load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)}))
    save_listing_runs(store, platform_id="demo_delta", source_name="delta-a", runs=[
        run("demo_delta", "delta-a", day, [hourly("a1", 20), hourly(f"a{day + 2}", 21)]) for day in range(3)
    ])

    def insert_twice(cur: duckdb.DuckDBPyConnection) -> None:
        for table in (aggregates.OPEN_DAYS_TABLE, aggregates.WEEKLY_FLOWS_TABLE):
            cur.execute(f"INSERT INTO {LAKE}.{table} SELECT * FROM {LAKE}.{table}")

    store.write(insert_twice, what="double the rows")
    save_listing_runs(store, platform_id="demo_gamma", source_name="gamma-board",
                      runs=[run("demo_gamma", "gamma-board", 0, [hourly("g1", 30)])])
    for view in ("open", "flows"):
        rows = kept(store, None, view, ["demo_delta"])
        assert rows is not None and not rows.duplicated().any()
    reset_stores()


def test_a_snapshot_from_before_the_tables_existed_reads_the_listings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lake written before migration 0012: opening it creates and fills the tables (0012's own
    SQL gives the rows `refresh_view_rows` writes), and views pinned to its older snapshots are
    computed from the derived tables of 0008 and 0011."""
    settings = load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)})
    names = [m.name for m in migrations_module.MIGRATIONS]
    with monkeypatch.context() as patch:
        patch.setattr(migrations_module, "MIGRATIONS",
                      migrations_module.MIGRATIONS[:names.index("0012_listing_open_days_weekly_flows")])
        patch.setattr(aggregates, "refresh_view_rows", lambda *args, **kwargs: None)
        old = get_store(settings)
        save_randomly(old, random_runs(16, days=8), 16)
        old_snapshot = old.snapshot_id()
        reset_stores()
    store = get_store(settings)
    assert "0012_listing_open_days_weekly_flows" in store.applied_migrations()
    assert kept(store, old_snapshot, "open") is None and kept(store, old_snapshot, "flows") is None
    for platforms in ((), ("demo_delta",)):
        pd.testing.assert_frame_equal(queries.open_listings_daily(store, old_snapshot, platforms=platforms),
                                      open_per_day(store, old_snapshot, derived=False, platforms=list(platforms) or None))
        pd.testing.assert_frame_equal(queries.listing_flows_weekly(store, old_snapshot, platforms=platforms),
                                      flows(store, old_snapshot, derived=False, platforms=list(platforms) or None))
    assert_views_equal_the_listings(store, None, from_kept_rows=True)  # filled by the migration
    # The migration's rows are the rows a refresh writes.
    migrated = {view: kept(store, None, view) for view in ("open", "flows")}
    store.write(lambda cur: aggregates.refresh_view_rows(cur, {"demo_gamma", "demo_delta"}), what="refresh")
    for view, rows in migrated.items():
        pd.testing.assert_frame_equal(kept(store, None, view), rows)
    reset_stores()
