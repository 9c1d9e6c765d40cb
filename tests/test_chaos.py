"""Heavy fault tests (`make test-chaos`, marker `chaos`): kills at random moments, long writers
fighting over a SQLite catalog while dashboard pages render, and on a PostgreSQL catalog two
schedulers (one leads; kill it and the other takes over) beside two dashboard processes, and the
server restarted while collection runs.

The light versions, and the invariants checked after every fault, are in `tests/test_faults.py`.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import os
import random
import signal
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from collectors.config import Settings
from collectors.fetch import FetchPolicy
from collectors.sources.base import SourceConfig
from collectors.store import LAKE, Store, get_store, reset_stores
from collectors.store import spool as run_spool
from tests import pgserver, test_faults
from tests.conftest import postgres_settings, sqlite_settings
from tests.httpserver import LocalHTTPServer, items
from tests.test_faults import (
    CTX,
    assert_consistent,
    batch_run_ids,
    check_contention,
    check_kill_left_nothing,
    child_save,
    contention_writer,
    dashboard_reader,
    rows_of_runs,
    run_ids_present,
    save_days,
)

pytestmark = pytest.mark.chaos
APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "streamlit_app.py")
PAGES = ["pay_trends", "availability", "delays", "explore", "health"]

own_pg_server = test_faults.own_pg_server  # a PostgreSQL server this module may restart


# -- SIGKILL at random moments ---------------------------------------------------------------------


def history_rows(store: Store) -> set[tuple[Any, ...]]:
    return set(store.read_rows(
        f"""SELECT listing_key, version_no, content_sha256, valid_from, valid_to FROM {LAKE}.listing_versions"""
    ))


@pytest.mark.parametrize("rounds", [8])
def test_sigkill_at_random_moments(catalog_settings: Settings, tmp_path: Path, rounds: int) -> None:
    """A writer killed at a random moment, again and again: each batch is all there or not at all,
    and the lake ends exactly as a lake that was never interrupted."""
    rng = random.Random(7)
    batch = 40
    store = get_store(catalog_settings)
    save_days(store, 0, range(0, 5))
    stored = 5
    committed_by_surprise = 0
    killed_while_writing = 0
    for attempt in range(rounds):
        marker = tmp_path / f"saving-{attempt}"
        process = CTX.Process(target=child_save, args=(catalog_settings, 0, stored, batch, None, 0.0, marker))
        process.start()
        wait_for(marker.exists, 120, "the writer starts its write", step=0.01)
        time.sleep(rng.uniform(0.0, 1.5))  # somewhere in the write (it takes a second or two)
        if process.is_alive():
            os.kill(process.pid or 0, signal.SIGKILL)
            killed_while_writing += 1
        process.join(60)
        reset_stores()
        store = get_store(catalog_settings)
        ids = batch_run_ids(0, stored, batch)
        present = run_ids_present(store, ids)
        assert present in (0, len(ids)), f"{present} of {len(ids)} runs of the killed batch are visible"
        if present == 0:
            assert rows_of_runs(store, ids) == 0
        else:
            committed_by_surprise += 1
            stored += batch
        assert_consistent(store)
    save_days(store, 0, range(stored, stored + batch))  # the next run completes
    final = history_rows(store)
    assert_consistent(store)
    reset_stores()
    # The same batches, never interrupted, make the very same history.
    clean = sqlite_settings(tmp_path / "clean")
    clean_store = get_store(clean)
    save_days(clean_store, 0, range(0, 5))
    for first in range(5, stored + batch, batch):
        save_days(clean_store, 0, range(first, first + batch))
    assert history_rows(clean_store) == final
    assert killed_while_writing >= rounds // 2, f"only {killed_while_writing} of {rounds} kills landed mid-write"
    logging.getLogger(__name__).info("%d of %d batches committed before the kill", committed_by_surprise, rounds)


# -- long writers and dashboard pages on one SQLite catalog ----------------------------------------


def page_reader(settings: Settings, stop: Path, result: Path) -> None:
    """Render dashboard pages with Streamlit's AppTest until `stop` exists; count error pages."""
    os.environ.update({"GIGWATCH_DATA_DIR": str(settings.data_dir), "GIGWATCH_LAKE": settings.lake,
                       "GIGWATCH_CATALOG": settings.catalog, "GIGWATCH_FILES_PATH": settings.files_path})
    from streamlit.testing.v1 import AppTest

    renders, errors = 0, []
    while not stop.exists():
        at = AppTest.from_file(APP, default_timeout=300)
        at.run()
        for page in [None, *PAGES]:
            if page is not None:
                at.switch_page(f"app_pages/{page}.py")
                at.run()
            renders += 1
            errors += [f"{page or 'overview'}: {e.value}"[:300] for e in at.exception]
            if stop.exists():
                break
    result.write_text(json.dumps({"reads": renders, "errors": errors}))


def test_heavy_contention_on_sqlite(lake_settings: Settings, tmp_path: Path) -> None:
    """3 writers (2,000 open listings each; 20 live runs, then 120 days in one long write) and 2
    processes rendering every data page: nothing lost, no error page."""
    store = get_store(lake_settings)
    save_days(store, 5, range(0, 30))  # something to show from the start
    stop = tmp_path / "stop"
    readers = [CTX.Process(target=page_reader, args=(lake_settings, stop, tmp_path / f"reader{i}.json")) for i in range(2)]
    writers = [
        CTX.Process(target=contention_writer, args=(lake_settings, i, 20, 120, tmp_path / f"writer{i}.json", 2000))
        for i in range(3)
    ]
    for process in [*readers, *writers]:
        process.start()
    try:
        for process in writers:
            process.join(1200)
        assert [p.exitcode for p in writers] == [0, 0, 0]
    finally:
        stop.write_text("stop")
        for process in readers:
            process.join(600)
        for process in [*readers, *writers]:
            if process.is_alive():
                process.kill()
    written = [json.loads((tmp_path / f"writer{i}.json").read_text()) for i in range(3)]
    read = [json.loads((tmp_path / f"reader{i}.json").read_text()) for i in range(2)]
    check_contention(lake_settings, written, read)


# -- PostgreSQL: two schedulers, two dashboards, a killed leader, a restarted server -----------------

FAST = FetchPolicy(connect_timeout=2.0, read_timeout=5.0, write_timeout=2.0, pool_timeout=2.0,
                   max_attempts=2, backoff_base=0.05, backoff_jitter=0.1, default_min_interval=0.0)
SLOW_PAGES = dataclasses.replace(FAST, read_timeout=30.0)  # pages that take seconds to come
INTERVAL_HOURS = 0.02  # 72 s: long enough to see a double run, short enough to see a next run


def scheduler_child(settings: Settings, sources: list[SourceConfig], contact: str, log_path: Path,
                    policy: FetchPolicy = FAST) -> None:
    """`gigwatch schedule --standby` in a process of its own, fetching as `contact`."""
    from collectors import runner
    from collectors.runner import listings_collector
    from collectors.scheduler import run_scheduler
    from tests.httpserver import JsonListKind

    logging.basicConfig(filename=log_path, level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    runner.COLLECTORS["testjson"] = listings_collector(JsonListKind)
    mine = dataclasses.replace(settings, contact_url=contact)
    run_scheduler(mine, sources=sources, policy=policy, poll_seconds=1.0, start_delay=0.5, standby=True)


def wait_for(condition: Any, timeout: float, what: str, step: float = 0.2) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(step)
    return time.monotonic() - started


def leads(log_path: Path) -> bool:
    return log_path.exists() and "leading collection" in log_path.read_text()


def requesters(server: LocalHTTPServer) -> dict[str, int]:
    """How many requests each scheduler made (told apart by the contact URL in the User-Agent)."""
    counts: dict[str, int] = {}
    for request in list(server.requests):
        agent = request.headers.get("user-agent", "")
        who = "a" if "scheduler-a" in agent else "b" if "scheduler-b" in agent else agent
        counts[who] = counts.get(who, 0) + 1
    return counts


def runs(store: Store) -> list[tuple[str, Any, Any, str]]:
    return [tuple(r) for r in store.read_rows(
        f"""SELECT source_name, started_at, finished_at, status FROM {LAKE}.collector_runs
            WHERE run_kind = 'listings' ORDER BY source_name, started_at""")]


def assert_no_double_runs(all_runs: list[tuple[str, Any, Any, str]], interval: timedelta) -> None:
    by_source: dict[str, list[tuple[Any, Any]]] = {}
    for source, started, finished, _status in all_runs:
        by_source.setdefault(source, []).append((started, finished))
    for source, spans in by_source.items():
        for (start_a, end_a), (start_b, _end_b) in itertools.pairwise(spans):
            assert start_b >= end_a, f"{source}: runs overlap ({start_a}..{end_a} and {start_b})"
            # A takeover must not collect a source again before its interval is up (the jitter
            # of the interval trigger is 5 %).
            assert start_b - start_a >= interval * 0.9, (
                f"{source}: run again after {(start_b - start_a).total_seconds():.0f} s, "
                f"its interval is {interval.total_seconds():.0f} s (a double run)"
            )


@pytest.fixture
def pg_lake(tmp_path: Path, own_pg_server: pgserver.PgServer) -> Iterator[Settings]:
    yield postgres_settings(tmp_path, own_pg_server)
    reset_stores()


@pytest.fixture
def board() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as server:
        yield server


def board_sources(server: LocalHTTPServer, n: int = 3, delay: float = 0.0) -> list[SourceConfig]:
    sources = []
    for i in range(n):
        path = f"/board{i}"
        server.script(path, items(*[f"{i}-{j}" for j in range(20)], delay=delay))
        sources.append(SourceConfig(name=f"board-{i}", platform="acme", kind="testjson", url=server.url(path),
                                    interval_hours=INTERVAL_HOURS, min_interval_seconds=0.0))
    return sources


def test_postgres_two_schedulers_one_leads_and_the_standby_takes_over(
    pg_lake: Settings, board: LocalHTTPServer, tmp_path: Path
) -> None:
    store = get_store(pg_lake)
    sources = board_sources(board)
    stop = tmp_path / "stop"
    dashboards = [CTX.Process(target=dashboard_reader, args=(pg_lake, stop, tmp_path / f"dash{i}.json", 0.2))
                  for i in range(2)]
    logs = {name: tmp_path / f"scheduler-{name}.log" for name in "ab"}
    first = CTX.Process(target=scheduler_child, args=(pg_lake, sources, "https://example.org/scheduler-a", logs["a"]))
    second = CTX.Process(target=scheduler_child, args=(pg_lake, sources, "https://example.org/scheduler-b", logs["b"]))
    for process in [*dashboards, first]:
        process.start()
    try:
        wait_for(lambda: leads(logs["a"]), 60, "the first scheduler leads")
        wait_for(lambda: len(runs(store)) >= len(sources), 60, "the leader collects every source")
        second.start()
        wait_for(lambda: logs["b"].exists() and "standby" in logs["b"].read_text(), 60, "the second one stands by")
        time.sleep(10)
        assert not leads(logs["b"]), "two schedulers lead at once"
        assert set(requesters(board)) == {"a"}, requesters(board)
        os.kill(first.pid or 0, signal.SIGKILL)
        first.join(10)
        took = wait_for(lambda: leads(logs["b"]), 60, "the standby takes over")
        wait_for(lambda: requesters(board).get("b", 0) >= len(sources), 180, "the new leader collects every source")
        assert took < 60
        time.sleep(5)
    finally:
        stop.write_text("stop")
        for process in (first, second):
            if process.is_alive():
                os.kill(process.pid or 0, signal.SIGTERM)
                process.join(30)
        for process in dashboards:
            process.join(120)
        for process in [*dashboards, first, second]:
            if process.is_alive():
                process.kill()
    reset_stores()
    store = get_store(pg_lake)
    all_runs = runs(store)
    assert all(status == "ok" for *_, status in all_runs), all_runs
    assert_consistent(store)
    for i in range(2):
        result = json.loads((tmp_path / f"dash{i}.json").read_text())
        assert result["reads"] > 0 and result["errors"] == [], result
    assert_no_double_runs(all_runs, timedelta(hours=INTERVAL_HOURS))


def ok_since(store: Store, since: datetime) -> set[str]:
    """The sources with an ok run started after `since` (none while the lake cannot be read)."""
    try:
        return {source for source, started, _finished, status in runs(store) if status == "ok" and started > since}
    except Exception:  # the test's own connection, while the server restarts
        return set()


def test_postgres_restarted_while_the_scheduler_collects(
    pg_lake: Settings, board: LocalHTTPServer, own_pg_server: pgserver.PgServer, tmp_path: Path
) -> None:
    """The server restarts while a run is in flight (a slow page): the scheduler loses its leader
    lock, stands by while the server is down and leads again once it is back. The run in flight is
    recorded once, as failed with the reason (from the spool if the lake could not take it then);
    the next run of every source succeeds; no source is collected twice within its interval."""
    store = get_store(pg_lake)
    sources = board_sources(board, delay=8.0)
    log_path = tmp_path / "scheduler.log"
    scheduler = CTX.Process(target=scheduler_child,
                            args=(pg_lake, sources, "https://example.org/scheduler-a", log_path, SLOW_PAGES))
    scheduler.start()
    try:
        wait_for(lambda: bool(board.requests_to("/board0")), 60, "board-0's run is in flight")
        restarted_at = datetime.now(UTC)
        own_pg_server.stop("fast")
        threading.Timer(3.0, own_pg_server.start).start()
        for i in range(len(sources)):  # the next pages come at once
            board.script(f"/board{i}", items(*[f"{i}-{j}" for j in range(20)]))
        wait_for(lambda: "leading collection" in log_path.read_text().split("lost the scheduler lock", 1)[-1], 60,
                 "the scheduler leads again once the server is back")
        wait_for(lambda: ok_since(store, restarted_at) == {s.name for s in sources}, 240,
                 "the next run of every source succeeds")
    finally:
        if scheduler.is_alive():
            os.kill(scheduler.pid or 0, signal.SIGTERM)
            scheduler.join(30)
        if scheduler.is_alive():
            scheduler.kill()
    reset_stores()
    store = get_store(pg_lake)
    assert "lost the scheduler lock; back to standby" in log_path.read_text()
    in_flight = store.read_rows(
        f"""SELECT status, error FROM {LAKE}.collector_runs WHERE source_name = 'board-0' AND started_at < ?
            ORDER BY started_at""", [restarted_at])
    assert len(in_flight) == 1, in_flight
    status, error = in_flight[0]
    assert status == "failed" and "interrupted (the scheduler lost its leader lock)" in (error or ""), in_flight
    assert run_spool.pending(pg_lake) == []
    all_runs = runs(store)
    assert_no_double_runs(all_runs, timedelta(hours=INTERVAL_HOURS))
    assert all(status == "ok" for source, started, _end, status in all_runs if started > restarted_at), all_runs
    assert_consistent(store)


def test_sigkill_during_postgres_write_is_all_or_nothing_many_times(
    pg_lake: Settings,
) -> None:
    """The light test's three kill points, each five times, on PostgreSQL."""
    store = get_store(pg_lake)
    save_days(store, 0, range(0, 5))
    stored = 5
    rng = random.Random(3)
    for stage in ("inserting", "before_commit", "committing") * 5:
        if check_kill_left_nothing(pg_lake, stage, stored_days=stored, batch_days=10, delay=rng.uniform(0, 0.05)):
            stored += 10
    reset_stores()
    assert_consistent(get_store(pg_lake))
