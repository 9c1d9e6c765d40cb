"""The store on both catalogs: migrations, listing history, time travel, retries, concurrency."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from collectors.config import Settings
from collectors.pay import Pay
from collectors.records import ListingRecord
from collectors.store import LAKE, Store, StoreBusyError, StoreError, get_store, reset_stores
from collectors.store.listings import ListingRun, RunRecord, save_listing_runs
from collectors.store.migrations import MIGRATIONS

T0 = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)


def rec(external_id: str, title: str = "AI Trainer", pay: float | None = 40.0) -> ListingRecord:
    return ListingRecord(
        external_id=external_id,
        title=title,
        url=f"https://example.org/jobs/{external_id}",
        pay_text=None if pay is None else f"${pay:g}/hr",
        pay=None if pay is None else Pay(min=pay, max=pay, currency="USD", unit="hour"),
    )


def run(day: int, status: str = "ok", *, complete: bool = True, items: int = 0, source: str = "src") -> RunRecord:
    started = T0 + timedelta(days=day)
    return RunRecord(
        run_id=f"{source}-run-{day}", source_name=source, platform_id="plat", started_at=started,
        finished_at=started + timedelta(seconds=5), status=status, complete=complete,  # type: ignore[arg-type]
        items_count=items, error=None if status != "failed" else "HTTPStatusError: 500",
    )


def save(store: Store, day: int, records: list[ListingRecord] | None, status: str = "ok", complete: bool = True) -> None:
    save_listing_runs(
        store, platform_id="plat", source_name="src",
        runs=[ListingRun(run=run(day, status, complete=complete, items=len(records or [])), records=records)],
    )


def versions(store: Store, key_suffix: str) -> list[tuple]:
    return store.read_rows(
        f"""SELECT version_no, pay_min, valid_from, valid_to FROM {LAKE}.listing_versions
            WHERE listing_key = ? ORDER BY version_no""",
        [f"plat|src|{key_suffix}"],
    )


def listing(store: Store, key_suffix: str) -> tuple:
    rows = store.read_rows(
        f"SELECT first_seen_at, last_seen_at, closed_at FROM {LAKE}.listings WHERE listing_key = ?",
        [f"plat|src|{key_suffix}"],
    )
    assert len(rows) == 1, rows
    return rows[0]


def test_migrations_are_recorded_once(any_store: Store) -> None:
    assert any_store.applied_migrations() == [m.name for m in MIGRATIONS]
    assert any_store.migrate() == []  # a second run applies nothing
    assert any_store.is_migrated()


def test_listing_history_add_change_close_reopen(any_store: Store) -> None:
    store = any_store
    save(store, 0, [rec("a"), rec("b")])
    save(store, 1, [rec("a"), rec("b")])  # nothing changed: no new versions
    assert store.read_value(f"SELECT count(*) FROM {LAKE}.listing_versions") == 2
    save(store, 2, [rec("a", pay=35.0), rec("b")])  # a pay cut on a live listing
    assert versions(store, "a") == [
        (1, 40.0, T0, T0 + timedelta(days=2)),
        (2, 35.0, T0 + timedelta(days=2), None),
    ]
    save(store, 3, [rec("a", pay=35.0)])  # b is gone from a complete, successful scrape
    assert listing(store, "b") == (T0, T0 + timedelta(days=2), T0 + timedelta(days=3))
    assert versions(store, "b")[-1][3] == T0 + timedelta(days=3)
    assert listing(store, "a")[2] is None
    save(store, 4, [rec("a", pay=35.0), rec("b")])  # b comes back
    assert listing(store, "b")[2] is None
    assert [v[0] for v in versions(store, "b")] == [1, 2]
    assert store.read_value(f"SELECT count(*) FROM {LAKE}.collector_runs") == 5


def test_failed_incomplete_and_suspicious_runs_close_nothing(any_store: Store) -> None:
    store = any_store
    save(store, 0, [rec("a"), rec("b"), rec("c")])
    save(store, 1, None, status="failed")
    save(store, 2, [rec("a")], status="suspicious")
    save(store, 3, [rec("a")], status="ok", complete=False)
    closed = store.read_value(f"SELECT count(*) FROM {LAKE}.listings WHERE closed_at IS NOT NULL")
    assert closed == 0
    statuses = store.read_rows(f"SELECT status, complete FROM {LAKE}.collector_runs ORDER BY started_at")
    assert statuses == [("ok", True), ("failed", True), ("suspicious", True), ("ok", False)]


def test_batch_of_days_equals_day_by_day(tmp_path: Path, any_store: Store) -> None:
    """The demo/benchmark path (many runs in one call) gives the same history as live runs."""
    days = [[rec("a"), rec("b")], [rec("a", pay=30.0)], [rec("a", pay=30.0), rec("b")], [rec("b")]]
    save_listing_runs(
        any_store, platform_id="plat", source_name="src",
        runs=[ListingRun(run=run(i, items=len(r)), records=r) for i, r in enumerate(days)],
    )
    batch = any_store.read_rows(
        f"SELECT listing_key, version_no, pay_min, valid_from, valid_to FROM {LAKE}.listing_versions ORDER BY ALL"
    )
    batch_listings = any_store.read_rows(f"SELECT listing_key, first_seen_at, last_seen_at, closed_at FROM {LAKE}.listings ORDER BY ALL")
    from tests.conftest import sqlite_settings

    other = get_store(sqlite_settings(tmp_path / "other"))
    for i, r in enumerate(days):
        save(other, i, r)
    assert other.read_rows(
        f"SELECT listing_key, version_no, pay_min, valid_from, valid_to FROM {LAKE}.listing_versions ORDER BY ALL"
    ) == batch
    assert other.read_rows(f"SELECT listing_key, first_seen_at, last_seen_at, closed_at FROM {LAKE}.listings ORDER BY ALL") == batch_listings


def test_snapshot_pins_what_a_chart_showed(any_store: Store) -> None:
    store = any_store
    save(store, 0, [rec("a")])
    pinned = store.snapshot_id()
    save(store, 1, [rec("a", pay=20.0), rec("b")])
    now = store.refs()
    then = store.refs(pinned)
    assert store.read_value(f"SELECT count(*) FROM {now.listings}") == 2
    assert store.read_value(f"SELECT count(*) FROM {then.listings}") == 1
    assert store.read_value(f"SELECT max(pay_min) FROM {then.listing_versions} WHERE valid_to IS NULL") == 40.0
    assert store.snapshot_exists(pinned)
    assert not store.snapshot_exists(pinned + 10_000)


def test_write_retries_then_gives_up_clearly(store: Store) -> None:
    calls = 0

    def always_locked(cur: duckdb.DuckDBPyConnection) -> None:
        nonlocal calls
        calls += 1
        raise duckdb.TransactionException("TransactionContext Error: database is locked")

    store.write_attempts = 4
    with pytest.raises(StoreBusyError, match="stayed busy after 4 attempts"):
        store.write(always_locked, what="test")
    assert calls == 4

    def fails_once(cur: duckdb.DuckDBPyConnection) -> int:
        nonlocal calls
        calls += 1
        if calls == 5:
            raise duckdb.TransactionException("Transaction conflict: cannot commit")
        cur.execute(f"INSERT INTO {LAKE}.lake_meta VALUES ('k', 'v')")
        return 7

    assert store.write(fails_once, what="test") == 7
    assert store.read_rows(f"SELECT key, value FROM {LAKE}.lake_meta") == [("k", "v")]


def test_opening_the_catalog_again_in_this_process_leaves_the_store_working(store: Store, lake_settings: Settings) -> None:
    """Python's SQLite is not DuckDB's: a connection of it opened and closed on the catalog, while
    DuckDB's holds the file in the same process, dropped DuckDB's locks (POSIX locks are per
    process) and could remove the WAL under it; every later read and write then failed with "disk
    I/O error" (seen in the scheduler test: its report maintenance, which checks the dropped report
    tables' catalog rows, runs while the collector writes). Opening another store and that check now
    go through DuckDB, so a writer and a reader keep working through both, repeated."""
    import threading
    import time

    from collectors.store.reports.legacy import purge_dropped_files

    errors: list[str] = []
    stop = threading.Event()

    def writer() -> None:
        i = 0
        while not stop.is_set():
            try:
                store.write(lambda cur, key=f"k{i}": cur.execute(f"INSERT INTO {LAKE}.lake_meta VALUES (?, 'v')", [key]),
                            what="write a key")
            except Exception as exc:  # the test's finding, reported below
                errors.append(f"write: {exc}")
                return
            i += 1

    def reader() -> None:
        while not stop.is_set():
            try:
                with store.read_batch():
                    store.read_rows(f"SELECT count(*) FROM {LAKE}.lake_meta")
                    time.sleep(0.005)
                    store.read_rows(f"SELECT count(*) FROM {LAKE}.platforms")
            except Exception as exc:  # the test's finding, reported below
                errors.append(f"read: {exc}")
                return

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(12):  # before the fix, the store broke within four rounds
            purge_dropped_files(store)
            Store(lake_settings).close()
            time.sleep(0.01)
            if errors:
                break
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert errors == []
    assert store.read_rows(f"SELECT count(*) FROM {LAKE}.lake_meta")[0][0] > 0


def test_a_read_that_meets_a_transient_disk_io_error_is_retried_and_a_write_is_not(store: Store) -> None:
    """SQLite answers a reader with SQLITE_IOERR while another process writes its journal (seen
    under load in the scheduler test); a read is safe to repeat, a write's outcome is not known."""
    calls = 0

    def io_error_once() -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise duckdb.Error("Failed to query most recent snapshot for DuckLake: disk I/O error")
        return 42

    assert store._retry(io_error_once, what="read") == 42 and calls == 2
    calls = 0
    with pytest.raises(StoreError, match=r"could not write: .*disk I/O error"):
        store._retry(io_error_once, what="write")
    assert calls == 1


def test_other_errors_are_not_retried(store: Store) -> None:
    with pytest.raises(duckdb.Error):
        store.write(lambda cur: cur.execute("SELECT * FROM lake.no_such_table"), what="test")


def test_raw_bodies_round_trip(store: Store) -> None:
    sha = store.put_raw_body(b'{"jobs": []}')
    assert store.get_raw_body(sha) == b'{"jobs": []}'
    assert store.raw_path(sha).stat().st_size > 0
    assert store.put_raw_body(b'{"jobs": []}') == sha


def _collector_writer(settings: Settings, count: int) -> None:
    """A collector: `count` runs, each one transaction with a new listing."""
    store = get_store(settings)
    for i in range(count):
        started = T0 + timedelta(minutes=i)
        save_listing_runs(
            store, platform_id="plat", source_name="collector",
            runs=[ListingRun(
                run=RunRecord(f"collector-{i}", "collector", "plat", started, started, "suspicious", True, 1),
                records=[rec(f"collector-{i}")],
            )],
        )
    reset_stores()


def _report_writer(settings: Settings, count: int) -> None:
    """Workers submitting `count` payment reports through the form's write path."""
    from collectors.store.reports import submit_report, validate_for_store

    store = get_store(settings)
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    for i in range(count):
        result = validate_for_store({
            "platform": "outlier", "status": "paid_late", "work_period_start": "2026-01-05",
            "work_period_end": "2026-01-11", "expected_pay_date": "2026-01-14",
            "paid_date": "2026-01-20", "amount_expected": 100 + i, "amount_received": 100 + i,
            "currency": "USD", "payment_method": "paypal",
        }, store, now=now)
        assert result.report is not None, result.errors
        submit_report(store, result.report, client_hash=f"client-{i}", now=now)
    reset_stores()


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_and_duplicate_nothing(catalog_settings: Settings) -> None:
    """A collector run and report submissions, each in its own process, 200 writes each."""
    get_store(catalog_settings)  # migrate once, before the writers start
    context = multiprocessing.get_context("spawn")
    writers = [
        context.Process(target=_collector_writer, args=(catalog_settings, 200)),
        context.Process(target=_report_writer, args=(catalog_settings, 200)),
    ]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=900)
        assert process.exitcode == 0
    store = get_store(catalog_settings)
    runs = store.read_rows(
        f"SELECT count(*), count(DISTINCT run_id) FROM {LAKE}.collector_runs WHERE source_name = 'collector'"
    )
    assert runs == [(200, 200)]
    assert store.read_value(f"SELECT count(*) FROM {LAKE}.listings") == 200
    assert store.read_value(f"SELECT count(DISTINCT listing_key) FROM {LAKE}.listing_versions") == 200
    from collectors.store.vault import get_vault, report_rows

    stored = report_rows(get_vault(store))  # reports live in the private vault
    assert (len(stored), len({r["report_id"] for r in stored}), len({r["amount_expected"] for r in stored})) == (200, 200, 200)


def test_a_run_saved_twice_is_written_once(store: Store) -> None:
    """A retried commit that had in fact gone through must not duplicate the run or its history."""
    save(store, 0, [rec("a")])
    save(store, 0, [rec("a"), rec("b")])  # same run id again
    assert store.read_value(f"SELECT count(*) FROM {LAKE}.collector_runs") == 1
    assert store.read_value(f"SELECT count(*) FROM {LAKE}.listings") == 1
