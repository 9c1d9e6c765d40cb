"""The scheduler: one leader per lake, jobs configured politely, failures recorded, never raised."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from collectors import runner
from collectors.config import Settings
from collectors.fetch import FetchPolicy
from collectors.records import ListingRecord
from collectors.runner import listings_collector, new_run_id
from collectors.scheduler import (
    CollectorLoop,
    LeaderLock,
    SchedulerLockedError,
    build_scheduler,
    first_run_times,
    make_job,
    run_scheduler,
)
from collectors.sources.base import SourceConfig
from collectors.store import LAKE, Store, get_store, reset_stores
from collectors.store import spool as run_spool
from collectors.store.listings import ListingRun, RunRecord, RunStatus, save_listing_runs
from tests import pgserver
from tests.conftest import postgres_settings
from tests.httpserver import JsonListKind, LocalHTTPServer, Reply, items

FAST = FetchPolicy(
    connect_timeout=2.0, read_timeout=2.0, write_timeout=2.0, pool_timeout=2.0,
    max_attempts=2, backoff_base=0.05, backoff_jitter=0.1, default_min_interval=0.0,
)


@pytest.fixture
def testjson(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the test-only `testjson` format with the runner for this test."""
    monkeypatch.setitem(runner.COLLECTORS, "testjson", listings_collector(JsonListKind))


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as srv:
        yield srv


def src(server: LocalHTTPServer, name: str, path: str, *, interval_hours: float = 24.0, **kw: Any) -> SourceConfig:
    return SourceConfig(
        name=name, platform="acme", kind="testjson", url=server.url(path),
        interval_hours=interval_hours, min_interval_seconds=0.0, **kw,
    )


def runs_by_source(store: Store) -> dict[str, list[tuple[str, str | None]]]:
    result: dict[str, list[tuple[str, str | None]]] = {}
    for name, status, error in store.read_rows(
        f"SELECT source_name, status, error FROM {LAKE}.collector_runs ORDER BY started_at"
    ):
        result.setdefault(name, []).append((status, error))
    return result


def wait_until(condition: Callable[[], bool], timeout: float = 30.0, step: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(step)


# -- the leader lock (SQLite catalog: a file lock) ---------------------------------------------------


def test_a_second_leader_lock_fails_with_a_clear_message(lake_settings: Settings) -> None:
    with LeaderLock(lake_settings) as first:
        assert first.held and first.is_held()
        second = LeaderLock(lake_settings)
        assert not second.try_acquire()
        with pytest.raises(SchedulerLockedError) as info:
            second.acquire()
        message = str(info.value)
        assert f"pid {os.getpid()}" in message
        assert str(lake_settings.lake_dir / "scheduler.lock") in message
        assert "only one scheduler may run per lake" in message
    # released: the next one leads
    with LeaderLock(lake_settings) as third:
        assert third.held


def test_the_lock_names_another_process(lake_settings: Settings) -> None:
    code = textwrap.dedent(f"""
        import sys, time
        from collectors.config import load_settings
        from collectors.scheduler import LeaderLock
        settings = load_settings(env={{"GIGWATCH_DATA_DIR": {str(lake_settings.data_dir)!r}}})
        lock = LeaderLock(settings)
        assert lock.try_acquire()
        print("held", flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        with pytest.raises(SchedulerLockedError, match=f"pid {child.pid} on "):
            LeaderLock(lake_settings).acquire()
    finally:
        child.kill()
        child.wait()
    # the holder died: the lock is free again (the kernel dropped it with the process)
    with LeaderLock(lake_settings) as lock:
        assert lock.held


# -- jobs -------------------------------------------------------------------------------------------


def test_jobs_are_configured_one_per_enabled_source(server: LocalHTTPServer) -> None:
    sources = [
        src(server, "daily", "/a"),
        src(server, "sixhourly", "/b", interval_hours=6),
        src(server, "off", "/c", enabled=False),
    ]
    before = datetime.now(UTC)
    scheduler = build_scheduler(sources, lambda s: None, scheduler_class=BackgroundScheduler)  # type: ignore[arg-type,return-value]
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"daily", "sixhourly"}
        for job in jobs.values():
            assert job.max_instances == 1
            assert job.coalesce is True
            assert job.misfire_grace_time >= 60
            assert isinstance(job.trigger, IntervalTrigger)
            assert job.trigger.timezone == UTC or str(job.trigger.timezone) == "UTC"
            # the first run is soon after start, not a whole interval later
            assert before <= job.next_run_time <= before + timedelta(seconds=40)
        assert jobs["daily"].trigger.interval == timedelta(hours=24)
        assert jobs["daily"].trigger.jitter == 900  # capped at 15 min
        assert jobs["sixhourly"].trigger.interval == timedelta(hours=6)
        assert jobs["daily"].misfire_grace_time == 3600
        assert str(scheduler.timezone) == "UTC"
    finally:
        scheduler.shutdown(wait=False)


def test_a_job_never_raises_into_the_scheduler(caplog: pytest.LogCaptureFixture, server: LocalHTTPServer) -> None:
    def broken(source: SourceConfig) -> RunRecord:
        raise RuntimeError("the store is on fire")

    with caplog.at_level(logging.ERROR, logger="collectors.scheduler"):
        make_job(src(server, "x", "/x"), broken)()  # returns normally
    assert "x: the run failed and could not be recorded" in caplog.text


@pytest.mark.usefixtures("testjson")
def test_failing_sources_record_failed_runs_and_the_scheduler_keeps_going(store: Store, server: LocalHTTPServer) -> None:
    server.script("/good", items("a", "b"))
    server.script("/bad", Reply(status=500))
    server.script("/mangled", Reply(body=b"<html>maintenance</html>", content_type="text/html"))
    every_half_second = 0.5 / 3600
    sources = [
        src(server, "good", "/good", interval_hours=every_half_second),
        src(server, "bad", "/bad", interval_hours=every_half_second),
        src(server, "mangled", "/mangled", interval_hours=every_half_second),
    ]
    with CollectorLoop(store, policy=FAST, sources=sources) as loop:
        scheduler = build_scheduler(sources, loop.run, scheduler_class=BackgroundScheduler, start_delay=0, start_spread=0)
        scheduler.start()
        try:
            wait_until(lambda: all(len(v) >= 2 for v in runs_by_source(store).values()) and len(runs_by_source(store)) == 3)
            assert scheduler.running
        finally:
            scheduler.shutdown(wait=True)
    recorded = runs_by_source(store)
    assert {status for status, _ in recorded["good"]} == {"ok"}
    assert {status for status, _ in recorded["bad"]} == {"failed"}
    assert recorded["bad"][0][1] == f"HTTPStatusError: HTTP 500 from {server.url('/bad')}"
    assert {status for status, _ in recorded["mangled"]} == {"failed"}
    assert (recorded["mangled"][0][1] or "").startswith("ParseError: testjson: not JSON")


# -- a new leader picks up where the lake left off --------------------------------------------------


def a_run(name: str, started_at: datetime, status: RunStatus = "ok") -> RunRecord:
    return RunRecord(
        run_id=new_run_id(started_at), source_name=name, platform_id="acme", started_at=started_at,
        finished_at=started_at + timedelta(minutes=20), status=status, complete=status == "ok", items_count=0,
        error=None if status == "ok" else "HTTPStatusError: HTTP 503 from the board",
    )


def recorded_run(store: Store, name: str, started_at: datetime, status: RunStatus = "ok") -> RunRecord:
    run = a_run(name, started_at, status)
    records: list[ListingRecord] | None = [] if status == "ok" else None
    save_listing_runs(store, platform_id="acme", source_name=name, runs=[ListingRun(run=run, records=records)])
    return run


def test_a_new_leader_schedules_each_source_from_its_last_run(store: Store, server: LocalHTTPServer) -> None:
    """A new leader (a restart, a standby taking over) schedules each source's first run at its last
    run's start plus its interval, from the lake and the run spool; a source that is due, or never
    ran, runs soon after start-up."""
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    hours = timedelta(hours=1)
    recorded_run(store, "recent", now - 1 * hours)  # every 6 h: next in 5 h
    recorded_run(store, "recent", now - 7 * hours)
    recorded_run(store, "overdue", now - 3 * hours)  # every 1 h: due
    recorded_run(store, "failed-last", now - 20 * hours)  # every 12 h, failed 1 h ago: a run is a run
    recorded_run(store, "failed-last", now - 1 * hours, status="failed")
    recorded_run(store, "spooled", now - 30 * hours)  # every 24 h; its last run is only in the spool
    run_spool.keep(store.settings, a_run("spooled", now - 2 * hours, status="failed"))
    recorded_run(store, "other", now)  # not scheduled here
    sources = [
        src(server, "recent", "/a", interval_hours=6),
        src(server, "overdue", "/b", interval_hours=1),
        src(server, "failed-last", "/c", interval_hours=12),
        src(server, "spooled", "/d", interval_hours=24),
        src(server, "never", "/e", interval_hours=24),
        src(server, "off", "/f", enabled=False),
    ]
    last = run_spool.last_started(store, [s.name for s in sources])
    assert last["spooled"] == now - 2 * hours and "never" not in last and "other" not in last

    scheduler = build_scheduler(sources, lambda s: None, scheduler_class=BackgroundScheduler,  # type: ignore[arg-type,return-value]
                                start_delay=5, start_spread=30, last_started=last, now=now)
    scheduler.start(paused=True)
    try:
        planned = {job.id: job.next_run_time for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    assert planned == {
        "recent": now + 5 * hours,
        "failed-last": now + 11 * hours,
        "spooled": now + 22 * hours,
        "overdue": now + timedelta(seconds=5),  # due: soon, the due ones spread over 30 s
        "never": now + timedelta(seconds=5 + 15),
    }
    # a next run due within the start-up delay is as good as due
    assert first_run_times([sources[0]], {"recent": now - 6 * hours + timedelta(seconds=2)}, now=now,
                           start_delay=5) == {"recent": now + timedelta(seconds=5)}


@pytest.mark.usefixtures("testjson")
def test_a_leader_records_the_spooled_runs_on_start_up(lake_settings: Settings, server: LocalHTTPServer) -> None:
    store = get_store(lake_settings)
    kept = a_run("acme", datetime.now(UTC) - timedelta(minutes=5), status="failed")
    run_spool.keep(lake_settings, kept)
    stop = threading.Event()
    leader = threading.Thread(target=run_scheduler, args=(lake_settings,), kwargs={
        "sources": [src(server, "acme", "/jobs")], "policy": FAST, "stop": stop, "poll_seconds": 0.2,
    })
    leader.start()
    try:
        wait_until(lambda: bool(runs_by_source(store).get("acme")))
    finally:
        stop.set()
        leader.join(30)
    assert runs_by_source(store)["acme"] == [("failed", kept.error)]  # and no new run: it ran 5 min ago
    assert run_spool.pending(lake_settings) == []
    assert not server.requests


@pytest.mark.usefixtures("testjson")
def test_runs_interrupted_by_a_lost_lock_are_recorded_as_failed_saying_so(store: Store, server: LocalHTTPServer) -> None:
    server.script("/slow", items("a", delay=20))
    source = src(server, "slow", "/slow")
    outcome: list[BaseException | RunRecord] = []
    with CollectorLoop(store, policy=replace(FAST, read_timeout=30), sources=[source]) as loop:
        def job() -> None:
            try:
                outcome.append(loop.run(source))
            except BaseException as exc:
                outcome.append(exc)

        runner_thread = threading.Thread(target=job)
        runner_thread.start()
        wait_until(lambda: bool(server.requests_to("/slow")))
        loop.stop_reason = "the scheduler lost its leader lock"
    runner_thread.join(30)
    assert [type(o).__name__ for o in outcome] == ["CancelledError"]
    assert runs_by_source(store)["slow"] == [
        ("failed", "CancelledError: the run was interrupted (the scheduler lost its leader lock)")
    ]


# -- run_scheduler ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("testjson")
def test_run_scheduler_leads_and_a_second_one_exits(
    lake_settings: Settings, server: LocalHTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    store = get_store(lake_settings)
    server.script("/jobs", items("a"))
    sources = [src(server, "acme", "/jobs")]
    stop = threading.Event()
    results: list[int] = []
    leader = threading.Thread(target=lambda: results.append(run_scheduler(
        lake_settings, sources=sources, policy=FAST, stop=stop, poll_seconds=0.2, start_delay=0,
    )))
    leader.start()
    try:
        wait_until(lambda: bool(runs_by_source(store).get("acme")))
        # a second scheduler on the same lake exits at once, naming the leader
        assert run_scheduler(lake_settings, sources=sources, policy=FAST, standby=True) == 1
        err = capsys.readouterr().err
        assert f"pid {os.getpid()}" in err and "not starting for lake 'gigwatch'" in err
    finally:
        stop.set()
        leader.join(30)
    assert results == [0]
    assert runs_by_source(store)["acme"][0] == ("ok", None)
    assert LeaderLock(lake_settings).try_acquire()  # released on the way out


# -- PostgreSQL catalog: an advisory lock and a standby ----------------------------------------------


@pytest.fixture
def pg_settings(tmp_path: Path, pg_server: pgserver.PgServer) -> Iterator[Settings]:
    yield postgres_settings(tmp_path, pg_server)
    reset_stores()


@pytest.mark.postgres
def test_postgres_leader_lock_and_takeover(pg_settings: Settings, pg_server: pgserver.PgServer) -> None:
    import psycopg

    leader = LeaderLock(pg_settings, poll_seconds=0.2)
    assert leader.try_acquire() and leader.is_held()
    standby = LeaderLock(pg_settings, poll_seconds=0.2)
    with pytest.raises(SchedulerLockedError) as info:
        standby.acquire()
    assert f"pid {os.getpid()}" in str(info.value) and "--standby" in str(info.value)

    took_over = threading.Event()

    def stand_by() -> None:
        if standby.wait_for_leadership():
            took_over.set()

    waiter = threading.Thread(target=stand_by)
    waiter.start()
    time.sleep(0.5)
    assert not took_over.is_set()
    # the leader "dies": its connection is dropped by the server
    with psycopg.connect(pg_settings.catalog_target, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'gigwatch-scheduler%'"
        )
    waiter.join(10)
    assert took_over.is_set() and standby.is_held()
    assert not leader.is_held()  # the old leader notices it lost the lock
    standby.release()
    leader.release()


@pytest.mark.postgres
@pytest.mark.usefixtures("testjson")
def test_postgres_standby_scheduler_takes_over(
    pg_settings: Settings, server: LocalHTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The standby takes over when the leader stops, and collects when the source's interval since
    the old leader's run is up, not at once."""
    store = get_store(pg_settings)
    server.script("/jobs", items("a"))
    interval = timedelta(seconds=8)
    sources = [src(server, "acme", "/jobs", interval_hours=interval.total_seconds() / 3600)]
    stops = [threading.Event(), threading.Event()]
    results: list[int] = []
    threads: list[threading.Thread] = []

    def start(stop: threading.Event) -> None:
        thread = threading.Thread(target=lambda: results.append(run_scheduler(
            pg_settings, sources=sources, policy=FAST, stop=stop, poll_seconds=0.2, start_delay=0, standby=True,
        )))
        thread.start()
        threads.append(thread)

    try:
        with caplog.at_level(logging.INFO, logger="collectors.scheduler"):
            start(stops[0])
            wait_until(lambda: len(runs_by_source(store).get("acme", [])) == 1)
            start(stops[1])
            wait_until(lambda: "standby:" in caplog.text)
            assert len(runs_by_source(store)["acme"]) == 1  # the standby runs nothing
            stops[0].set()  # the leader stops: the standby takes over and collects when it is due
            threads[0].join(30)
            wait_until(lambda: caplog.text.count("leading collection for lake 'gigwatch'") == 2)
            wait_until(lambda: len(runs_by_source(store).get("acme", [])) == 2)
    finally:
        for stop in stops:
            stop.set()
        for thread in threads:
            thread.join(30)
    assert results == [0, 0]
    first, second = store.read_rows(
        f"SELECT started_at FROM {LAKE}.collector_runs WHERE source_name = 'acme' ORDER BY started_at"
    )
    assert interval <= second[0] - first[0] < interval + timedelta(seconds=6)
