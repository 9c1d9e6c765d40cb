"""The scheduler: every enabled source collected on its own interval, by one scheduler per lake.

APScheduler 3 (`BlockingScheduler`, UTC, in-memory job store): one job per enabled source with an
`IntervalTrigger(hours=interval_hours, jitter=...)`, `max_instances=1` (a slow run is never
overlapped by the next), `coalesce=True` (runs missed while busy or asleep collapse into one) and
a `misfire_grace_time`. Each job runs one `run_source` and never raises into the scheduler: a
failure is a recorded failed run.

A scheduler that starts leading (at start-up, or a standby taking over) picks up each source's
cadence where the lake left it: the first run is the source's last run's `started_at` (in
`collector_runs`, or in this machine's run spool) plus its interval, so no source is collected
twice within one interval across a restart or a handover. A source that never ran, or whose next
run is already due, runs a few seconds after start-up (spread over half a minute). Runs the store
could not take are written from the spool on start-up and every minute (collectors/store/spool.py).

Jobs run on one asyncio loop in a background thread sharing one long-lived `PoliteFetcher`, so
per-host limits and robots.txt hold across sources collected at the same time.

Only one scheduler may run per lake (jobs are not persisted, so two schedulers would collect
everything twice). `LeaderLock` enforces it:

* SQLite catalog: an exclusive non-blocking `flock` on `<lake_dir>/scheduler.lock`; a second
  `gigwatch schedule` exits with a message naming the holder's pid.
* PostgreSQL catalog: a session-level `pg_try_advisory_lock` held on a dedicated connection (with
  TCP keepalives, so the server notices a dead leader). A standby (`--standby`) polls every few
  seconds and takes over when the leader's connection drops; a leader that loses its connection
  stops scheduling at once, interrupting its runs in flight (each is recorded as failed, saying
  why), and goes back to standby if it was started as one. A server restart is such a loss: the
  scheduler stands by while the server is down and leads again once it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import CancelledError, Future
from datetime import UTC, datetime, timedelta
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from collectors.config import Settings
from collectors.feeds import after_each_run
from collectors.fetch import FetchPolicy, PoliteFetcher
from collectors.runner import RunSpooledError, configured_sources, run_source
from collectors.sources.base import SourceConfig
from collectors.store import Store, get_store, locks
from collectors.store import spool as run_spool
from collectors.store.listings import RunRecord
from collectors.store.locks import POLL_SECONDS, SchedulerLockedError

log = logging.getLogger(__name__)

__all__ = [
    "CollectorLoop",
    "LeaderLock",
    "SchedulerLockedError",
    "add_source_jobs",
    "build_scheduler",
    "first_run_times",
    "make_job",
    "run_scheduler",
]

START_DELAY_SECONDS = 5.0  # the first run of the first source, after start-up
START_SPREAD_SECONDS = 30.0  # first runs of the other sources are spread over this
MAX_JITTER_SECONDS = 900.0
SPOOL_REPLAY_SECONDS = 60.0  # how often a leader tries to record the runs the store could not take


# -- the leader lock ----------------------------------------------------------------------------


class LeaderLock(locks.LeaderLock):
    """One scheduler per lake (the lock itself lives in collectors/store/locks.py); its messages
    are the scheduler's."""

    log = log


# -- running jobs on one event loop -------------------------------------------------------------


class CollectorLoop:
    """An asyncio loop in a background thread with one long-lived fetcher; `run(source)` blocks."""

    def __init__(self, store: Store, *, policy: FetchPolicy | None = None, sources: Sequence[SourceConfig] = ()) -> None:
        self.store = store
        self.loop = asyncio.new_event_loop()
        self.fetcher = PoliteFetcher(
            store.settings, store, policy=policy, sources=sources, keep_responses=False, fetch_log_size=10_000
        )
        self._thread = threading.Thread(target=self._serve, name="gigwatch-collector-loop", daemon=True)
        self.stop_reason: str | None = None  # why runs in flight are interrupted (recorded with them)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def start(self) -> CollectorLoop:
        self._thread.start()
        return self

    def run(self, source: SourceConfig) -> RunRecord:
        future: Future[RunRecord] = asyncio.run_coroutine_threadsafe(
            run_source(source, self.store, fetcher=self.fetcher), self.loop
        )
        return future.result()

    def stop(self, timeout: float = 30.0) -> None:
        """Interrupt runs in flight (each records itself as failed), close the fetcher, stop."""
        if not self._thread.is_alive():
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._shutdown(self.stop_reason), self.loop).result(timeout)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout)
        if not self._thread.is_alive():
            self.loop.close()

    async def _shutdown(self, reason: str | None) -> None:
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel(reason)
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.fetcher.aclose()

    def __enter__(self) -> CollectorLoop:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# -- jobs ---------------------------------------------------------------------------------------


def make_job(source: SourceConfig, run_one: Callable[[SourceConfig], RunRecord]) -> Callable[[], None]:
    """The job for one source: one run, never raising into the scheduler."""

    def job() -> None:
        try:
            record = run_one(source)
        except CancelledError:
            log.warning("%s: the run was interrupted by shutdown", source.name)
            return
        except RunSpooledError as exc:
            log.error("%s: %s", source.name, exc)
            return
        except Exception:
            log.exception("%s: the run failed and could not be recorded", source.name)
            return
        log.info("%s: %s, %d items", source.name, record.status, record.items_count)

    job.__name__ = f"collect_{source.name}"
    return job


def jitter_seconds(interval_hours: float) -> int:
    """Spread runs a little (5 % of the interval, at most 15 min) so hosts are not hit on the hour."""
    return int(min(interval_hours * 3600 * 0.05, MAX_JITTER_SECONDS))


def misfire_grace_seconds(interval_hours: float) -> int:
    """A run missed by up to half an interval (at most an hour) still runs, late."""
    return int(max(60.0, min(interval_hours * 3600 / 2, 3600.0)))


def first_run_times(
    sources: Sequence[SourceConfig],
    last_started: Mapping[str, datetime],
    *,
    now: datetime,
    start_delay: float = START_DELAY_SECONDS,
    start_spread: float = START_SPREAD_SECONDS,
) -> dict[str, datetime]:
    """When each source first runs under a new leader: its last run's start plus its interval.

    A source that never ran, or whose next run is due before `start_delay` is up, runs soon: the
    first after `start_delay`, the others spread over `start_spread` seconds.
    """
    planned: dict[str, datetime] = {}
    due_now: list[str] = []
    soonest = now + timedelta(seconds=start_delay)
    for source in sources:
        last = last_started.get(source.name)
        next_run = last + timedelta(hours=source.interval_hours) if last is not None else None
        if next_run is None or next_run <= soonest:
            due_now.append(source.name)
        else:
            planned[source.name] = next_run
    for index, name in enumerate(due_now):
        planned[name] = soonest + timedelta(seconds=start_spread * index / len(due_now))
    return planned


def add_source_jobs(
    scheduler: BaseScheduler,
    sources: Sequence[SourceConfig],
    run_one: Callable[[SourceConfig], RunRecord],
    *,
    start_delay: float = START_DELAY_SECONDS,
    start_spread: float = START_SPREAD_SECONDS,
    now: datetime | None = None,
    last_started: Mapping[str, datetime] | None = None,
) -> list[str]:
    """One interval job per enabled source, first runs as `first_run_times` says. Returns the job ids.

    `last_started` (source name -> start of its last run) is empty for a lake that never ran.
    """
    enabled = [s for s in sources if s.enabled]
    now = now or datetime.now(UTC)
    firsts = first_run_times(enabled, last_started or {}, now=now, start_delay=start_delay, start_spread=start_spread)
    ids = []
    for source in enabled:
        first = firsts[source.name]
        scheduler.add_job(
            make_job(source, run_one),
            trigger=IntervalTrigger(hours=source.interval_hours, jitter=jitter_seconds(source.interval_hours), timezone=UTC),
            id=source.name,
            name=f"collect {source.name}",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=misfire_grace_seconds(source.interval_hours),
            next_run_time=first,
            replace_existing=True,
        )
        ids.append(source.name)
    return ids


def build_scheduler(
    sources: Sequence[SourceConfig],
    run_one: Callable[[SourceConfig], RunRecord],
    *,
    scheduler_class: type[BaseScheduler] = BlockingScheduler,
    start_delay: float = START_DELAY_SECONDS,
    start_spread: float = START_SPREAD_SECONDS,
    last_started: Mapping[str, datetime] | None = None,
    now: datetime | None = None,
) -> BaseScheduler:
    """A UTC scheduler, memory job store, one job per enabled source (not started)."""
    workers = max(4, min(64, len(sources)))
    scheduler = scheduler_class(timezone=UTC, executors={"default": ThreadPoolExecutor(workers)})
    add_source_jobs(scheduler, sources, run_one, start_delay=start_delay, start_spread=start_spread,
                    last_started=last_started, now=now)
    return scheduler


# -- the entry point ----------------------------------------------------------------------------


def run_scheduler(
    settings: Settings,
    *,
    standby: bool = True,
    sources: Sequence[SourceConfig] | None = None,
    policy: FetchPolicy | None = None,
    stop: threading.Event | None = None,
    poll_seconds: float = POLL_SECONDS,
    start_delay: float = START_DELAY_SECONDS,
) -> int:
    """`gigwatch schedule`: lead the lake's collection until stopped; returns an exit status.

    When another scheduler leads: exits with status 1 and a message naming it, or (PostgreSQL
    catalog with `standby`) waits and takes over when it stops. `stop` ends it (tests, signals).
    """
    stop = stop or threading.Event()
    sources = list(configured_sources() if sources is None else sources)
    lock = LeaderLock(settings, poll_seconds=poll_seconds)
    can_stand_by = standby and settings.catalog_kind == "postgres"
    restore = _stop_on_signals(stop)
    try:
        while not stop.is_set():
            if not lock.try_acquire():
                if not can_stand_by:
                    print(lock.locked_message(), file=sys.stderr)
                    return 1
                if not lock.wait_for_leadership(stop):
                    return 0
            log.info("leading collection for lake %r (%s)", settings.lake, lock.identity)
            broke = False
            try:
                lost = _lead(settings, lock, sources, policy, stop, poll_seconds, start_delay)
            except Exception:
                if not can_stand_by:
                    raise
                # e.g. the store went away again while this leader read where the lake left off
                log.exception("could not lead collection for lake %r", settings.lake)
                lost = broke = True
            finally:
                lock.release()
            if broke:
                stop.wait(poll_seconds)  # let the store (or another standby) settle before trying again
            if not lost:
                return 0
            if not can_stand_by:
                log.error("lost the scheduler lock; stopping")
                return 1
            log.warning("lost the scheduler lock; back to standby")
        return 0
    finally:
        restore()


def _lead(
    settings: Settings,
    lock: LeaderLock,
    sources: Sequence[SourceConfig],
    policy: FetchPolicy | None,
    stop: threading.Event,
    poll_seconds: float,
    start_delay: float,
) -> bool:
    """Schedule until `stop` (False) or until the lock is lost (True)."""
    store = get_store(settings)
    lost = threading.Event()
    enabled = [s for s in sources if s.enabled]
    # Where the lake left each source's cadence: a new leader must not collect anything early.
    last_started = run_spool.last_started(store, [s.name for s in enabled])
    with CollectorLoop(store, policy=policy, sources=enabled) as loop:
        # The Atom feeds (collectors/feeds.py) are rewritten after every run.
        scheduler = build_scheduler(enabled, after_each_run(store, loop.run), start_delay=start_delay,
                                    last_started=last_started)

        def watchdog() -> None:
            if stop.is_set():
                scheduler.shutdown(wait=False)
            elif not lock.is_held():
                lost.set()
                loop.stop_reason = "the scheduler lost its leader lock"
                scheduler.shutdown(wait=False)

        scheduler.add_job(
            watchdog, IntervalTrigger(seconds=max(0.2, min(poll_seconds, 5.0)), timezone=UTC),
            id="_watchdog", max_instances=1, coalesce=True,
        )
        scheduler.add_job(
            run_spool.try_replay, IntervalTrigger(seconds=SPOOL_REPLAY_SECONDS, timezone=UTC), args=[store], id="_spool",
            max_instances=1, coalesce=True, next_run_time=datetime.now(UTC),
        )
        from collectors.store.reports.public import MAINTENANCE_WINDOW_HOURS, report_maintenance

        scheduler.add_job(  # erased reports leave the published figures and the vault file within 24 h
            report_maintenance, IntervalTrigger(hours=MAINTENANCE_WINDOW_HOURS, timezone=UTC), args=[store],
            id="_report_maintenance", max_instances=1, coalesce=True, next_run_time=datetime.now(UTC),
        )
        for job in scheduler.get_jobs():
            if job.id in last_started:
                log.info("%s: last run started %s UTC; next run at %s UTC", job.id,
                         f"{last_started[job.id].astimezone(UTC):%Y-%m-%d %H:%M:%S}",
                         f"{job.next_run_time.astimezone(UTC):%Y-%m-%d %H:%M:%S}")
        log.info("%d source jobs scheduled", len(enabled))
        scheduler.start()  # blocks until the watchdog shuts it down
    return lost.is_set()


def _stop_on_signals(stop: threading.Event) -> Callable[[], None]:
    """SIGTERM/SIGINT set `stop` (main thread only); returns how to restore the old handlers."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, frame: FrameType | None) -> None:
        log.info("signal %d: stopping the scheduler", signum)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore
