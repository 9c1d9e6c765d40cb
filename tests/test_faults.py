"""Fault tests: a collector killed in the middle of a write, writers and readers fighting over a
SQLite catalog, a full disk, a read-only data directory, a PostgreSQL restart in the middle of a run,
and a run that ends while PostgreSQL is down for longer than the store waits (it waits in the local
run spool and is recorded once the server is back).

These are the light versions that `make test` runs; `tests/test_chaos.py` repeats them heavier and
at random moments (`make test-chaos`). Child processes are real processes started with `spawn`, and
SIGKILL is the real signal, so what the lake looks like afterwards is what an operator would find
after an out-of-memory kill or `kill -9`.

After every fault the same invariants are checked (`assert_consistent`): no row without the run
that wrote it (no partial run is visible), nothing duplicated, every listing's versions numbered
1..n with at most one current, and a SQLite catalog that passes `PRAGMA integrity_check`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from collectors.config import Settings
from collectors.fetch import FetchPolicy
from collectors.runner import RunSpooledError, listings_collector, run_source
from collectors.sources.base import SourceConfig
from collectors.store import LAKE, Store, StoreError, get_store, reset_stores
from collectors.store import spool as run_spool
from collectors.store.listings import save_listing_runs
from collectors.synthetic import SimulatedSource
from tests import pgserver
from tests.conftest import postgres_settings, sqlite_settings
from tests.httpserver import JsonListKind, LocalHTTPServer, items

CTX = multiprocessing.get_context("spawn")


# -- invariants ------------------------------------------------------------------------------------


def rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    return store.read_rows(sql.replace("{L}", LAKE))


def assert_consistent(store: Store) -> None:
    """Nothing partial, nothing duplicated, histories well formed."""
    problems = {
        "rows whose run is not recorded (a partial run)": rows(store, """
            SELECT 'listings', count(*) FROM {L}.listings WHERE run_id NOT IN (SELECT run_id FROM {L}.collector_runs)
            UNION ALL SELECT 'listing_versions', count(*) FROM {L}.listing_versions
                WHERE run_id NOT IN (SELECT run_id FROM {L}.collector_runs)
            UNION ALL SELECT 'raw_responses', count(*) FROM {L}.raw_responses
                WHERE run_id NOT IN (SELECT run_id FROM {L}.collector_runs)"""),
        "duplicated runs": rows(store, "SELECT run_id FROM {L}.collector_runs GROUP BY 1 HAVING count(*) > 1"),
        "duplicated listings": rows(store, "SELECT listing_key FROM {L}.listings GROUP BY 1 HAVING count(*) > 1"),
        "duplicated versions": rows(
            store, "SELECT listing_key, version_no FROM {L}.listing_versions GROUP BY ALL HAVING count(*) > 1"
        ),
        "versions not numbered 1..n": rows(store, """
            SELECT listing_key FROM {L}.listing_versions GROUP BY 1
            HAVING min(version_no) <> 1 OR max(version_no) <> count(*)"""),
        "more than one current version": rows(store, """
            SELECT listing_key FROM {L}.listing_versions WHERE valid_to IS NULL GROUP BY 1 HAVING count(*) > 1"""),
        "listings without versions": rows(store, """
            SELECT listing_key FROM {L}.listings
            WHERE listing_key NOT IN (SELECT listing_key FROM {L}.listing_versions)"""),
        "versions without a listing": rows(store, """
            SELECT DISTINCT listing_key FROM {L}.listing_versions
            WHERE listing_key NOT IN (SELECT listing_key FROM {L}.listings)"""),
    }
    partial = [row for row in problems.pop("rows whose run is not recorded (a partial run)") if row[1]]
    assert not partial, f"rows whose run is not recorded (a partial run): {partial}"
    for what, found in problems.items():
        assert not found, f"{what}: {found[:5]}"
    assert_catalog_intact(store.settings)


def assert_catalog_intact(settings: Settings) -> None:
    if settings.catalog_kind != "sqlite":
        return
    con = sqlite3.connect(settings.catalog_target)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        con.close()


def run_ids_present(store: Store, run_ids: list[str]) -> int:
    return int(store.read_value(
        f"SELECT count(*) FROM {LAKE}.collector_runs WHERE run_id IN (SELECT unnest(?::VARCHAR[]))", [run_ids]
    ))


def rows_of_runs(store: Store, run_ids: list[str]) -> int:
    return int(store.read_value(
        f"""SELECT (SELECT count(*) FROM {LAKE}.listings WHERE run_id IN (SELECT unnest($ids::VARCHAR[])))
                 + (SELECT count(*) FROM {LAKE}.listing_versions WHERE run_id IN (SELECT unnest($ids::VARCHAR[])))
                 + (SELECT count(*) FROM {LAKE}.raw_responses WHERE run_id IN (SELECT unnest($ids::VARCHAR[])))""",
        {"ids": run_ids},
    ))


def source_run_count(store: Store, source_name: str) -> int:
    return int(store.read_value(f"SELECT count(*) FROM {LAKE}.collector_runs WHERE source_name = ?", [source_name]))


def source_listing_count(store: Store, source_name: str) -> int:
    return int(store.read_value(f"SELECT count(*) FROM {LAKE}.listings WHERE source_name = ?", [source_name]))


# -- a writer that dies at a chosen moment ---------------------------------------------------------

SIM: dict[str, Any] = {"open_listings": 1500, "change_rate": 0.05, "arrivals_per_day": 20.0, "days": 400, "seed": 3}
STAGES = ("inserting", "before_commit", "committing")


class _CommitTrap:
    """A cursor that calls `on_commit` just before it sends COMMIT."""

    def __init__(self, cursor: Any, on_commit: Callable[[], None]) -> None:
        self._cursor = cursor
        self._on_commit = on_commit

    def execute(self, sql: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(sql, str) and sql.strip().upper() == "COMMIT":
            self._on_commit()
        return self._cursor.execute(sql, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


def _kill_me(after_seconds: float = 0.0) -> None:
    """SIGKILL this process now, or from a thread `after_seconds` from now (while it works)."""
    if after_seconds <= 0:
        os.kill(os.getpid(), signal.SIGKILL)
    threading.Timer(after_seconds, os.kill, (os.getpid(), signal.SIGKILL)).start()


def install_killer(stage: str, delay: float = 0.0) -> None:
    """Make this process SIGKILL itself at `stage` of its next listings write:

    * `inserting`: while DuckDB writes the new versions (a timer fires mid-insert);
    * `before_commit`: after every row is written, before COMMIT is sent;
    * `committing`: `delay` seconds after COMMIT is sent (it may or may not have landed).
    """
    original_insert = Store.insert_df
    original_cursor = Store.cursor

    def insert_df(cur: Any, table: str, frame: Any) -> int:
        if stage == "inserting" and table == "listing_versions":
            _kill_me(max(delay, 0.002))
        written = original_insert(cur, table, frame)
        if stage == "inserting" and table == "listing_versions":
            time.sleep(60)  # the insert was too quick for the timer: die before committing anyway
        if stage == "before_commit" and table == "listing_versions":
            _kill_me()
        return written

    def cursor(self: Store) -> Any:
        real = original_cursor(self)
        if stage != "committing":
            return real
        return _CommitTrap(real, lambda: _kill_me(delay) if delay > 0 else _kill_me(1e-4))

    Store.insert_df = staticmethod(insert_df)  # type: ignore[method-assign]
    Store.cursor = cursor  # type: ignore[method-assign]


def child_save(settings: Settings, index: int, stored_days: int, batch_days: int, stage: str | None,
               delay: float = 0.0, marker: Path | None = None) -> None:
    """Replay a source's first `stored_days` days, then save the next `batch_days` in one call,
    dying at `stage` if given (runs in a spawned process). `marker` is written as the save starts."""
    sim = SimulatedSource.make(index, **SIM)
    sim.runs(range(0, stored_days))
    runs = sim.runs(range(stored_days, stored_days + batch_days))
    if stage:
        install_killer(stage, delay)
    store = get_store(settings)
    if marker is not None:
        marker.write_text("saving")
    save_listing_runs(store, platform_id=sim.platform_id, source_name=sim.source_name, runs=runs)


def batch_run_ids(index: int, stored_days: int, batch_days: int) -> list[str]:
    sim = SimulatedSource.make(index, **SIM)
    sim.runs(range(0, stored_days))
    return [r.run.run_id for r in sim.runs(range(stored_days, stored_days + batch_days))]


def run_child(target: Callable[..., None], *args: Any, timeout: float = 300) -> int:
    process = CTX.Process(target=target, args=args)
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join()
        raise AssertionError(f"{target.__name__} did not finish in {timeout} s")
    return int(process.exitcode or 0)


def save_days(store: Store, index: int, days: range) -> SimulatedSource:
    """Save `days` of source `index` in one call (replaying the days before them first)."""
    sim = SimulatedSource.make(index, **SIM)
    sim.runs(range(0, days.start))
    save_listing_runs(store, platform_id=sim.platform_id, source_name=sim.source_name, runs=sim.runs(days))
    return sim


def check_kill_left_nothing(settings: Settings, stage: str, *, stored_days: int, batch_days: int,
                            delay: float = 0.0, index: int = 0) -> bool:
    """Kill a writer at `stage`; check all-or-nothing; returns whether its batch committed."""
    exit_code = run_child(child_save, settings, index, stored_days, batch_days, stage, delay)
    assert exit_code == -signal.SIGKILL, f"the writer was not killed (exit code {exit_code})"
    reset_stores()
    store = get_store(settings)
    ids = batch_run_ids(index, stored_days, batch_days)
    present = run_ids_present(store, ids)
    assert present in (0, len(ids)), f"{present} of {len(ids)} runs of the killed batch are visible"
    if present == 0:
        assert rows_of_runs(store, ids) == 0, "rows of an uncommitted batch are visible"
    assert_consistent(store)
    return present == len(ids)


# -- SIGKILL in the middle of a write -------------------------------------------------------------


@pytest.mark.parametrize("stage", STAGES)
def test_a_writer_killed_mid_write_leaves_no_partial_run(stage: str, catalog_settings: Settings) -> None:
    store = get_store(catalog_settings)
    save_days(store, 0, range(0, 5))
    before = store.read_rows(f"SELECT count(*), sum(version_no) FROM {LAKE}.listing_versions")
    committed = check_kill_left_nothing(catalog_settings, stage, stored_days=5, batch_days=30)
    store = get_store(catalog_settings)
    if stage != "committing":
        assert not committed
    if not committed:
        assert store.read_rows(f"SELECT count(*), sum(version_no) FROM {LAKE}.listing_versions") == before
    # The next run completes (no lock or half-written file is left in its way), exactly once.
    next_days = range(35, 40) if committed else range(5, 35)
    sim = save_days(store, 0, next_days)
    assert source_run_count(store, sim.source_name) == next_days.stop
    assert source_listing_count(store, sim.source_name) == sim.listings_made
    assert_consistent(store)


# -- three writers and two readers on one SQLite catalog --------------------------------------------


CONTENTION_SIM: dict[str, Any] = {"open_listings": 300, "change_rate": 0.05, "arrivals_per_day": 5.0, "seed": 11}


def contention_writer(settings: Settings, index: int, single_days: int, batch_days: int, result: Path,
                      open_listings: int = CONTENTION_SIM["open_listings"]) -> None:
    """Save `single_days` runs one per call (live collection), then `batch_days` in one long call."""
    sim = SimulatedSource.make(index, days=single_days + batch_days,
                               **{**CONTENTION_SIM, "open_listings": open_listings})
    store = get_store(settings)
    for day in range(single_days):
        save_listing_runs(store, platform_id=sim.platform_id, source_name=sim.source_name, runs=sim.runs(range(day, day + 1)))
    save_listing_runs(store, platform_id=sim.platform_id, source_name=sim.source_name,
                      runs=sim.runs(range(single_days, single_days + batch_days)))
    result.write_text(json.dumps({"source": sim.source_name, "listings": sim.listings_made,
                                  "runs": single_days + batch_days}))


def dashboard_reader(settings: Settings, stop: Path, result: Path, pause: float = 0.05) -> None:
    """Read as the dashboard does (each view pins the current snapshot) until `stop` exists."""
    from dashboard import queries

    views: list[Callable[..., Any]] = [
        queries.lake_status, queries.open_listings_daily, queries.weekly_pay, queries.sources_health,
        queries.listings_table, queries.pay_changes, queries.listing_flows_weekly,
    ]
    store = get_store(settings)
    reads, errors = 0, []
    while not stop.exists():
        try:
            snapshot = store.snapshot_id()
        except Exception as exc:
            errors.append(f"snapshot_id: {type(exc).__name__}: {exc}"[:300])
            continue
        for view in views:
            try:
                view(store, snapshot)
                reads += 1
            except Exception as exc:  # what a page would show as an error
                errors.append(f"{view.__name__}: {type(exc).__name__}: {exc}"[:300])
        time.sleep(pause)  # a person reads the page before the next one
    result.write_text(json.dumps({"reads": reads, "errors": errors}))


def run_contention(settings: Settings, work: Path, *, writers: int, readers: int, single_days: int,
                   batch_days: int, timeout: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    get_store(settings)  # migrated once, before the crowd arrives
    stop = work / "stop"
    reader_procs = [
        CTX.Process(target=dashboard_reader, args=(settings, stop, work / f"reader{i}.json")) for i in range(readers)
    ]
    writer_procs = [
        CTX.Process(target=contention_writer, args=(settings, i, single_days, batch_days, work / f"writer{i}.json"))
        for i in range(writers)
    ]
    for process in [*reader_procs, *writer_procs]:
        process.start()
    try:
        deadline = time.monotonic() + timeout
        for process in writer_procs:
            process.join(max(1.0, deadline - time.monotonic()))
        assert all(p.exitcode == 0 for p in writer_procs), [p.exitcode for p in writer_procs]
    finally:
        stop.write_text("stop")
        for process in reader_procs:
            process.join(60)
        for process in [*reader_procs, *writer_procs]:
            if process.is_alive():
                process.kill()
    written = [json.loads((work / f"writer{i}.json").read_text()) for i in range(writers)]
    read = [json.loads((work / f"reader{i}.json").read_text()) for i in range(readers)]
    return written, read


def check_contention(settings: Settings, written: list[dict[str, Any]], read: list[dict[str, Any]]) -> None:
    reset_stores()
    store = get_store(settings)
    for writer in written:
        assert source_run_count(store, writer["source"]) == writer["runs"], writer
        assert source_listing_count(store, writer["source"]) == writer["listings"], writer
    assert_consistent(store)
    for reader in read:
        assert reader["reads"] > 0
        assert reader["errors"] == []


def test_three_writers_and_two_readers_on_sqlite(lake_settings: Settings, tmp_path: Path) -> None:
    written, read = run_contention(lake_settings, tmp_path, writers=3, readers=2, single_days=5,
                                   batch_days=15, timeout=240)
    check_contention(lake_settings, written, read)


# -- a full disk and a read-only data directory ---------------------------------------------------


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, text=True)


def _can_mount(path: Path) -> str | None:
    if os.geteuid() != 0:
        return "needs root (to mount a small tmpfs or a read-only bind mount)"
    probe = path / "probe"
    probe.mkdir(parents=True, exist_ok=True)
    try:
        _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(probe))
    except (subprocess.CalledProcessError, OSError) as exc:
        return f"mount is not permitted here ({exc})"
    subprocess.run(["umount", str(probe)], check=False)
    return None


@contextlib.contextmanager
def mounted(path: Path, *args: str) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    _mount(*args, str(path))
    try:
        yield path
    finally:
        reset_stores()
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(directory: Path, *, leave: int = 0) -> Path:
    """Fill the filesystem holding `directory`, leaving about `leave` bytes free."""
    filler = directory / "filler"
    with open(filler, "wb", buffering=0) as handle:
        for block in (65536, 512):
            with contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * block)
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


@pytest.fixture
def mount_ok(tmp_path: Path) -> None:
    reason = _can_mount(tmp_path)
    if reason:
        pytest.skip(reason)


@pytest.mark.usefixtures("mount_ok")
@pytest.mark.parametrize("free_bytes", [0, 128 * 1024])
def test_a_full_disk_is_a_clear_error_and_corrupts_nothing(tmp_path: Path, free_bytes: int) -> None:
    with mounted(tmp_path / "disk", "-t", "tmpfs", "-o", "size=24m", "tmpfs") as disk:
        settings = sqlite_settings(disk)
        store = get_store(settings)
        save_days(store, 0, range(0, 3))
        before = store.read_rows(f"SELECT count(*) FROM {LAKE}.listing_versions")
        filler = fill(disk, leave=free_bytes)
        with pytest.raises(StoreError) as info:
            save_days(store, 0, range(3, 30))
        message = str(info.value)
        assert "is full" in message and str(settings.lake_dir) in message, message
        filler.unlink()
        reset_stores()
        store = get_store(settings)
        assert store.read_rows(f"SELECT count(*) FROM {LAKE}.listing_versions") == before
        assert_consistent(store)
        sim = save_days(store, 0, range(3, 30))  # with space again, the same runs go in once
        assert source_run_count(store, sim.source_name) == 30
        assert_consistent(store)


@pytest.mark.usefixtures("mount_ok")
def test_a_read_only_data_directory_is_a_clear_error_and_corrupts_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = sqlite_settings(tmp_path)
    store = get_store(settings)
    save_days(store, 0, range(0, 3))
    before = store.read_rows(f"SELECT count(*) FROM {LAKE}.listing_versions")
    with mounted(data, "--bind", str(data)):
        _mount("-o", "remount,bind,ro", str(data))
        # A process that already had the lake open ...
        with pytest.raises(StoreError) as info:
            save_days(store, 0, range(3, 10))
        assert "read-only" in str(info.value) and str(settings.lake_dir) in str(info.value), str(info.value)
        # ... and one that starts now.
        reset_stores()
        with pytest.raises(StoreError) as info:
            save_days(get_store(settings), 0, range(3, 10))
        assert "read-only" in str(info.value) and str(settings.lake_dir) in str(info.value), str(info.value)
    reset_stores()
    store = get_store(settings)
    assert store.read_rows(f"SELECT count(*) FROM {LAKE}.listing_versions") == before
    assert_consistent(store)
    sim = save_days(store, 0, range(3, 10))
    assert source_run_count(store, sim.source_name) == 10
    assert_consistent(store)


# -- PostgreSQL restarted in the middle of a run --------------------------------------------------


@pytest.fixture(scope="module")
def own_pg_server() -> Iterator[pgserver.PgServer]:
    """A PostgreSQL server of this module's own, so restarting it disturbs no other test."""
    with pgserver.server_for_tests() as server:
        yield server


@pytest.fixture
def restartable_pg(tmp_path: Path, own_pg_server: pgserver.PgServer) -> Iterator[Settings]:
    yield postgres_settings(tmp_path, own_pg_server)
    reset_stores()


@pytest.mark.postgres
@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgres_restarted_during_a_write(
    restartable_pg: Settings, own_pg_server: pgserver.PgServer, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """The server goes away between a write's rows and its commit: the write is tried again once the
    server is back, and lands exactly once; the next run completes."""
    store = get_store(restartable_pg)
    save_days(store, 0, range(0, 3))
    original = Store.insert_df
    restarted: list[bool] = []

    def insert_df(cur: Any, table: str, frame: Any) -> int:
        written = original(cur, table, frame)
        if table == "listing_versions" and not restarted:
            restarted.append(True)
            own_pg_server.stop(mode)
            own_pg_server.start()
        return written

    monkeypatch.setattr(Store, "insert_df", staticmethod(insert_df))
    sim = save_days(store, 0, range(3, 20))
    monkeypatch.undo()
    assert restarted
    assert source_run_count(store, sim.source_name) == 20
    assert_consistent(store)
    sim = save_days(store, 0, range(20, 25))
    assert source_run_count(store, sim.source_name) == 25
    assert_consistent(store)


@pytest.mark.postgres
def test_postgres_down_when_a_run_ends_is_bridged(restartable_pg: Settings, own_pg_server: pgserver.PgServer) -> None:
    """A run that ends while the server restarts waits for it (within the store's retry bound)
    rather than losing the run; nothing is written twice."""
    store = get_store(restartable_pg)
    save_days(store, 0, range(0, 3))
    own_pg_server.stop("fast")
    threading.Timer(3.0, own_pg_server.start).start()
    started = time.monotonic()
    sim = save_days(store, 0, range(3, 8))
    assert time.monotonic() - started >= 2.5
    assert source_run_count(store, sim.source_name) == 8
    assert_consistent(store)


@pytest.mark.postgres
def test_postgres_down_beyond_the_retry_bound_is_a_clear_error(
    restartable_pg: Settings, own_pg_server: pgserver.PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = get_store(restartable_pg)
    save_days(store, 0, range(0, 3))
    monkeypatch.setattr(Store, "write_max_seconds", 2.0)
    own_pg_server.stop("fast")
    try:
        with pytest.raises(StoreError) as info:
            save_days(store, 0, range(3, 8))
        assert "Postgres" in str(info.value) or "postgres" in str(info.value)
    finally:
        own_pg_server.start()
    monkeypatch.undo()
    sim = save_days(store, 0, range(3, 8))
    assert source_run_count(store, sim.source_name) == 8
    assert_consistent(store)


@pytest.mark.postgres
def test_a_run_that_ends_while_postgres_is_down_is_recorded_once_it_is_back(
    restartable_pg: Settings, own_pg_server: pgserver.PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server is down for longer than the store's retry bound while a run ends: the run cannot
    be recorded, not even as failed, so it waits in the local spool; once the server is back the
    next run records itself and then the spooled one, exactly once."""
    policy = FetchPolicy(connect_timeout=2.0, read_timeout=2.0, max_attempts=1, default_min_interval=0.0)
    collectors = {"testjson": listings_collector(JsonListKind)}
    store = get_store(restartable_pg)
    with LocalHTTPServer() as board:
        board.script("/jobs", items("a", "b"))
        source = SourceConfig(name="acme-board", platform="acme", kind="testjson", url=board.url("/jobs"),
                              min_interval_seconds=0.0)

        def run() -> Any:
            return asyncio.run(run_source(source, store, policy=policy, collectors=collectors))

        first = run()
        monkeypatch.setattr(Store, "write_max_seconds", 2.0)
        own_pg_server.stop("fast")
        try:
            with pytest.raises(RunSpooledError) as info:
                run()
        finally:
            own_pg_server.start()
        monkeypatch.undo()
        spooled = info.value.run
        assert spooled.status == "failed" and spooled.error is not None
        assert run_spool.pending(restartable_pg) == [spooled]
        third = run()
    assert third.status == "ok"
    recorded = store.read_rows(
        f"SELECT run_id, status FROM {LAKE}.collector_runs WHERE source_name = 'acme-board' ORDER BY started_at"
    )
    assert recorded == [(first.run_id, "ok"), (spooled.run_id, "failed"), (third.run_id, "ok")]
    assert run_spool.pending(restartable_pg) == []
    assert source_listing_count(store, "acme-board") == 2
    assert_consistent(store)
