"""The runner: one collection of one source becomes one recorded run, whatever happens.

Every run gets an id (time-sortable), a start time (UTC) and a row in `collector_runs`:

* `failed` when anything goes wrong: a fetch error (robots.txt, 4xx/5xx after retries, timeout),
  a `ParseError` (a layout the parser does not know), any other exception, or the run exceeding
  `FetchPolicy.run_timeout`. The error text is recorded, the traceback logged; nothing is closed.
* `suspicious` when a listings source yields fewer than half the items of its last good run, or
  none when that run had some: the new listings and versions are kept, nothing is closed.
* `ok` otherwise. Only an ok run whose result is `complete` closes the listings absent from it.

The responses a run fetched are recorded with it in the same transaction, failed or not. A run
that cannot be recorded (the store unreachable beyond its retry bound) is recorded as failed; if
even that cannot be written, its row is kept in a local spool (collectors/store/spool.py) and
written to the lake, once, when the store is back (`RunSpooledError` says so).

A cycle (`run_cycle`) runs every enabled source at once, sharing one `PoliteFetcher`, so per-host
limits hold across sources and a cycle takes about as long as its slowest host. One broken source
never stops the others. How a kind of source is collected and saved is a `Collector` looked up by
`SourceConfig.kind`: listing formats (collectors/sources) by default, forums (`reddit`) apart;
another kind registers its own with `register_collector`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import ModuleType
from typing import Any, TypeVar

from collectors.config import Settings
from collectors.fetch import FetchPolicy, FetchSession, PoliteFetcher
from collectors.sources.base import CollectResult, Fetcher, SourceConfig
from collectors.store import Store, StoreError, get_store
from collectors.store import spool as run_spool
from collectors.store.listings import (
    ListingRun,
    RunRecord,
    RunStatus,
    last_ok_run,
    recent_runs,
    save_listing_runs,
)
from collectors.textclean import clean_error

log = logging.getLogger(__name__)
T = TypeVar("T")

__all__ = [
    "COLLECTORS",
    "Collected",
    "Collector",
    "RunSpooledError",
    "UnknownSourceError",
    "collect",
    "configured_sources",
    "judge",
    "listings_collector",
    "new_run_id",
    "register_collector",
    "run_cycle",
    "run_source",
]


class UnknownSourceError(ValueError):
    """A source name that neither data/sources.toml nor data/forums.toml defines."""


class RunSpooledError(StoreError):
    """The store could not record a run, not even as failed: its row (`run`) waits in the spool."""

    def __init__(self, message: str, run: RunRecord) -> None:
        super().__init__(message)
        self.run = run


@dataclass(slots=True)
class Collected:
    """What a collector's `collect` yielded: the items (records, posts) and how far it got."""

    items: Sequence[Any]
    items_count: int
    complete: bool
    warnings: list[str] = field(default_factory=list)


CollectFn = Callable[[SourceConfig, Fetcher, Store], Awaitable[Collected]]
# save(store, source, run, items or None when the run failed, the session that fetched)
SaveFn = Callable[[Store, SourceConfig, RunRecord, Sequence[Any] | None, FetchSession], None]


@dataclass(frozen=True, slots=True)
class Collector:
    """How the runner collects and records one kind of source."""

    run_kind: str  # collector_runs.run_kind
    collect: CollectFn
    save: SaveFn
    judge_volume: bool = True  # a drop to under half the last good run is suspicious


# -- listings (collectors/sources/<kind>.py) --------------------------------------------------------


def listings_collector(module: ModuleType | Any | None = None) -> Collector:
    """The collector of a listing format: `module.collect`, or the kind's module when None."""

    async def collect_listings(source: SourceConfig, fetcher: Fetcher, store: Store) -> Collected:
        if module is None:
            from collectors.sources import get_kind

            kind_module: Any = get_kind(source.kind)
        else:
            kind_module = module
        result: CollectResult = await kind_module.collect(source, fetcher)
        distinct = {record.external_id for record in result.records}
        return Collected(result.records, len(distinct), result.complete, list(result.warnings))

    return Collector(run_kind="listings", collect=collect_listings, save=_save_listings)


def _save_listings(
    store: Store, source: SourceConfig, run: RunRecord, items: Sequence[Any] | None, session: FetchSession
) -> None:
    save_listing_runs(
        store,
        platform_id=source.platform,
        source_name=source.name,
        runs=[ListingRun(run=run, records=items, responses=list(session.responses), etags=dict(session.validators))],
    )


# -- forums (collectors/sources/reddit.py) ----------------------------------------------------------


async def _collect_forum(source: SourceConfig, fetcher: Fetcher, store: Store) -> Collected:
    from collectors.sources.reddit import collect_forum
    from collectors.store.reports import last_forum_run_at

    since = await asyncio.to_thread(last_forum_run_at, store, source.name)
    posts, _responses, complete = await collect_forum(source, fetcher, since=since)
    return Collected(posts, len(posts), complete)


def _save_forum(
    store: Store, source: SourceConfig, run: RunRecord, items: Sequence[Any] | None, session: FetchSession
) -> None:
    from collectors.store.reports import save_forum_run

    save_forum_run(store, run, list(items or ()), list(session.responses))


FORUM_COLLECTOR = Collector(run_kind="forum", collect=_collect_forum, save=_save_forum, judge_volume=False)
LISTINGS_COLLECTOR = listings_collector()

# Kinds collected other than as a listing format; every other kind is a listing format.
COLLECTORS: dict[str, Collector] = {"reddit": FORUM_COLLECTOR}


def register_collector(kind: str, collector: Collector) -> None:
    """Collect sources of `kind` with `collector` (a new kind of run, or a test's own format)."""
    COLLECTORS[kind] = collector


def collector_for(kind: str) -> Collector:
    return COLLECTORS.get(kind, LISTINGS_COLLECTOR)


# -- one run ----------------------------------------------------------------------------------------


def new_run_id(started_at: datetime) -> str:
    """Sortable by start time, unique: `20261121T231700123456Z-1f2e3d4c`."""
    return f"{started_at:%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}"


SHRINK_CONFIRMATIONS = 2  # earlier suspicious runs that must agree before a smaller board is believed


def judge(
    items_count: int,
    last_ok: tuple[datetime, int] | None,
    recent: Sequence[tuple[str, bool, int]] = (),
) -> tuple[RunStatus, str | None]:
    """`suspicious` (with why) when a run yields under half the items of the last good run.

    A board that really shrank would otherwise stay suspicious for ever and never close anything:
    when the previous `SHRINK_CONFIRMATIONS` runs (`recent`, newest first) were complete,
    suspicious, and within 25% of this run's non-zero count, the smaller board is accepted.
    """
    if last_ok is None:
        return "ok", None
    last_at, last_count = last_ok
    if last_count > 0 and (items_count == 0 or items_count < last_count / 2):
        earlier = list(recent[:SHRINK_CONFIRMATIONS])
        if items_count > 0 and len(earlier) == SHRINK_CONFIRMATIONS and all(
            status == "suspicious" and complete and abs(count - items_count) <= 0.25 * items_count
            for status, complete, count in earlier
        ):
            return "ok", None
        return "suspicious", (
            f"suspicious: {items_count} items, under half of the {last_count} of the last good run "
            f"({last_at:%Y-%m-%d %H:%M} UTC); nothing closed"
        )
    return "ok", None


_saver: ThreadPoolExecutor | None = None
_saver_lock = threading.Lock()


async def _saving(save: Callable[..., T], *args: Any) -> T:
    """Run a save on the process's one saving thread.

    Writes to a lake take turns anyway (a file lock on SQLite, conflict retries on PostgreSQL); on
    the shared thread pool, saves queued behind that lock would hold up the fetches' own small
    store calls (keeping raw bodies) and slow every host down.
    """
    global _saver
    with _saver_lock:
        if _saver is None:
            _saver = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gigwatch-save")
    return await asyncio.get_running_loop().run_in_executor(_saver, functools.partial(save, *args))


def _describe(exc: BaseException) -> str:
    # Errors echo what a server sent (keys, bodies): cleaned like scraped text before stored/shown.
    return clean_error(f"{type(exc).__name__}: {exc}") if str(exc) else type(exc).__name__


def _record(
    collector: Collector, store: Store, source: SourceConfig, run: RunRecord,
    items: Sequence[Any] | None, session: FetchSession,
) -> Exception | None:
    """Save a run; failing that, save it as failed; failing that too, keep it in the spool.

    Returns None when the run was saved as it went, else the exception `run_source` raises: the
    store's own when the run was recorded as failed instead, `RunSpooledError` when it was spooled.
    """
    try:
        collector.save(store, source, run, items, session)
    except Exception as exc:
        log.exception("%s: could not record run %s (%s)", source.name, run.run_id, run.status)
        failed = replace(
            run,
            status="failed",
            complete=False,
            items_count=0,
            error=f"could not record the run ({_describe(exc)}); it was: {run.status}, {run.items_count} items"
            + (f", {run.error}" if run.error else ""),
        )
        try:
            collector.save(store, source, failed, None, session)
        except Exception:
            log.exception("%s: could not record run %s as failed either", source.name, run.run_id)
            try:
                path = run_spool.keep(store.settings, failed)
            except Exception:
                log.exception("%s: could not keep run %s in the spool either; it is lost", source.name, run.run_id)
                return exc
            spooled = RunSpooledError(
                f"could not record run {run.run_id} of {source.name} ({_describe(exc)}); "
                f"kept as failed in {path} until the store is back", failed,
            )
            spooled.__cause__ = exc
            return spooled
        log.error("%s: run %s recorded as failed instead", source.name, run.run_id)
        return exc
    run_spool.try_replay(store)  # the store took this run: record the ones it could not take before
    return None


async def run_source(
    source: SourceConfig,
    store: Store,
    *,
    fetcher: PoliteFetcher | None = None,
    policy: FetchPolicy | None = None,
    collectors: Mapping[str, Collector] | None = None,
) -> RunRecord:
    """Collect one source and record the run. Raises only when the run could not be recorded as it
    went: with the store's error when it was recorded as failed instead, `RunSpooledError` when it
    could only be kept in the spool, the store's error when it could not even be spooled.

    Without `fetcher`, a fetcher for this source alone is made (and closed) here.
    """
    if fetcher is None:
        async with PoliteFetcher(store.settings, store, policy=policy, sources=[source]) as own:
            return await run_source(source, store, fetcher=own, collectors=collectors)
    collector = (collectors or {}).get(source.kind) or collector_for(source.kind)
    session = fetcher.session()
    started_at = datetime.now(UTC)
    run_id = new_run_id(started_at)
    timeout = fetcher.policy.run_timeout
    items: Sequence[Any] | None = None
    status: RunStatus = "failed"
    complete = False
    items_count = 0
    error: str | None = None
    deadline = asyncio.timeout(timeout)
    interrupted: asyncio.CancelledError | None = None
    try:
        async with deadline:
            collected = await collector.collect(source, session, store)
    except asyncio.CancelledError as exc:  # shutdown: record the run, then let the cancel through
        interrupted = exc
        why = str(exc.args[0]) if exc.args and exc.args[0] else "gigwatch was stopping"
        error = f"CancelledError: the run was interrupted ({why})"
        log.warning("%s: run %s interrupted", source.name, run_id)
    except Exception as exc:
        if isinstance(exc, TimeoutError) and deadline.expired():
            error = f"TimeoutError: the run took longer than {timeout:g} s"
        else:
            error = _describe(exc)
        log.warning("%s: run %s failed: %s", source.name, run_id, error, exc_info=True)
    else:
        items, items_count, complete = collected.items, collected.items_count, collected.complete
        for warning in collected.warnings:
            log.warning("%s: run %s: %s", source.name, run_id, warning)
        status, error = "ok", None
        if collector.judge_volume:
            try:
                last = await asyncio.to_thread(last_ok_run, store, source.name)
                recent = await asyncio.to_thread(recent_runs, store, source.name, SHRINK_CONFIRMATIONS)
            except Exception as exc:  # the run is still recorded; it just cannot close anything
                log.exception("%s: could not read the last good run", source.name)
                status, error = "suspicious", f"suspicious: could not read the last good run ({_describe(exc)})"
            else:
                status, error = judge(items_count, last, recent)
    run = RunRecord(
        run_id=run_id,
        source_name=source.name,
        platform_id=source.platform,
        started_at=started_at,
        finished_at=datetime.now(UTC),
        status=status,
        complete=complete,
        items_count=items_count,
        error=error,
        run_kind=collector.run_kind,
    )
    # On the saving thread as a whole: a run cancelled while it is being saved still ends recorded.
    not_recorded = await _saving(_record, collector, store, source, run, items if status != "failed" else None, session)
    if not_recorded is not None:
        raise not_recorded
    if interrupted is not None:
        raise interrupted
    log.info("%s: run %s %s, %d items%s", source.name, run_id, status, items_count, f" ({error})" if error else "")
    return run


# -- a cycle ----------------------------------------------------------------------------------------


async def run_cycle(
    sources: Sequence[SourceConfig],
    store: Store,
    *,
    settings: Settings | None = None,
    policy: FetchPolicy | None = None,
    fetcher: PoliteFetcher | None = None,
    collectors: Mapping[str, Collector] | None = None,
) -> list[RunRecord]:
    """Run every enabled source concurrently, one shared fetcher; one RunRecord per source.

    A source whose run could not even be recorded gets a `failed` RunRecord whose error says so
    (it is logged, and is not in the lake); a spooled run is its spooled RunRecord.
    """
    enabled = [source for source in sources if source.enabled]
    own = fetcher is None
    active = fetcher or PoliteFetcher(settings or store.settings, store, policy=policy, sources=enabled)
    if not own:
        for source in enabled:
            active.set_min_interval(source.url, source.min_interval_seconds)
    try:
        outcomes = await asyncio.gather(
            *(run_source(s, store, fetcher=active, collectors=collectors) for s in enabled),
            return_exceptions=True,
        )
    finally:
        if own:
            await active.aclose()
    runs: list[RunRecord] = []
    for source, outcome in zip(enabled, outcomes, strict=True):
        if isinstance(outcome, RunRecord):
            runs.append(outcome)
            continue
        if isinstance(outcome, RunSpooledError):
            runs.append(outcome.run)  # recorded when the store is back
            continue
        if not isinstance(outcome, Exception):
            raise outcome  # cancellation, KeyboardInterrupt: stop the cycle
        now = datetime.now(UTC)
        runs.append(RunRecord(
            run_id=new_run_id(now), source_name=source.name, platform_id=source.platform,
            started_at=now, finished_at=now, status="failed", complete=False, items_count=0,
            error=f"the run could not be recorded: {_describe(outcome)}",
            run_kind=collector_for(source.kind).run_kind,
        ))
    return runs


# -- the command line entry point -------------------------------------------------------------------


def configured_sources() -> list[SourceConfig]:
    """Every source of data/sources.toml and data/forums.toml (disabled ones included)."""
    from collectors.sources import load_sources
    from collectors.sources.reddit import load_forums

    return [*load_sources(), *load_forums()]


def select_sources(names: Sequence[str] | None, sources: Sequence[SourceConfig]) -> list[SourceConfig]:
    """The named sources (a disabled one is run when named), or every enabled one."""
    if not names:
        return [s for s in sources if s.enabled]
    by_name = {s.name: s for s in sources}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise UnknownSourceError(
            f"unknown source{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"known sources: {', '.join(sorted(by_name))}"
        )
    chosen = []
    for name in dict.fromkeys(names):
        source = by_name[name]
        if not source.enabled:
            log.warning("%s is disabled in its sources file; running it because it was named", name)
            source = replace(source, enabled=True)
        chosen.append(source)
    return chosen


def collect(
    names: list[str] | None,
    settings: Settings,
    *,
    sources: Sequence[SourceConfig] | None = None,
    policy: FetchPolicy | None = None,
) -> list[RunRecord]:
    """One cycle now (`gigwatch collect [--source NAME]...`): the named sources, or all enabled.

    Raises UnknownSourceError, naming the known sources, for a name no sources file defines.
    """
    chosen = select_sources(names, configured_sources() if sources is None else sources)
    store = get_store(settings)
    return asyncio.run(run_cycle(chosen, store, settings=settings, policy=policy))
