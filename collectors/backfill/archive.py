"""`gigwatch backfill archive`: replay a source's web-archive captures as dated runs.

For each source whose URL is a GET the archive can hold, the CDX index lists its 200 captures
(identical consecutive bodies collapsed); at most one per `--every` period is kept; each is fetched
in its `id_` form through the one fetcher (a per-host limit on the archive host, backoff on 429 and
5xx), kept with its provenance, parsed with the source's own parser and recorded as a run of kind
`archive` observed at the capture time. Captures already kept are skipped, so an interrupted
backfill resumes where it stopped. The history is then derived again (replay.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from collectors.backfill import BackfillSummary, archive_mode, not_archivable_reason
from collectors.backfill.cdx import (
    DEFAULT_ARCHIVE_URL,
    CaptureRow,
    CDXError,
    capture_url,
    list_captures,
    parse_timestamp,
    timestamp_of,
)
from collectors.backfill.replay import rebuild_history
from collectors.config import Settings
from collectors.fetch import FetchError, FetchPolicy, PoliteFetcher
from collectors.records import ParseError
from collectors.runner import judge, new_run_id
from collectors.sources import get_kind
from collectors.sources.base import SourceConfig
from collectors.store import Store, get_store
from collectors.store.archive import (
    BackfilledRun,
    Capture,
    first_live_run_at,
    kept_capture_keys,
    save_backfilled_runs,
)
from collectors.store.listings import RunRecord, RunStatus

log = logging.getLogger(__name__)

# The Internet Archive asks for modest rates (about 15 requests a minute to the Wayback Machine).
ARCHIVE_MIN_INTERVAL_SECONDS = 4.0
PERIODS = ("capture", "day", "week", "month")

Progress = Callable[[str, int, int], None]  # (source name, done, total)


def archive_urls(source: SourceConfig, mode: str) -> list[str]:
    """What to look up: the endpoint; for page sources, every page its `pages` option lists."""
    if mode != "page":
        return [source.url]
    pages = source.options.get("pages")
    listed = [p for p in pages if isinstance(p, str) and p.startswith(("http://", "https://"))] if isinstance(pages, list) else []
    return list(dict.fromkeys(listed or [source.url]))


def period_of(at: datetime, every: str) -> tuple[int, ...]:
    if every == "month":
        return (at.year, at.month)
    if every == "week":
        iso = at.isocalendar()
        return (iso.year, iso.week)
    if every == "day":
        return (at.year, at.month, at.day)
    return (int(at.timestamp()),)


def choose_captures(rows: Sequence[CaptureRow], every: str, summary: BackfillSummary) -> list[CaptureRow]:
    """200 captures with a new body, at most one per period (the first); the others counted."""
    chosen: list[CaptureRow] = []
    last_digest: str | None = None
    last_period: tuple[int, ...] | None = None
    for row in rows:
        if row.statuscode != "200":  # a server ignoring the filter: archived 404s, redirects
            summary.skipped[f"archived HTTP {row.statuscode}"] += 1
            continue
        if row.digest and row.digest == last_digest:
            summary.skipped["same body as the capture before"] += 1
            continue
        period = period_of(row.captured_at, every)
        if period == last_period:
            summary.skipped[f"another capture the same {every}"] += 1
            continue
        chosen.append(row)
        last_digest, last_period = row.digest, period
    return chosen


async def backfill_source(
    source: SourceConfig,
    store: Store,
    fetcher: PoliteFetcher,
    *,
    archive_url: str = DEFAULT_ARCHIVE_URL,
    from_date: str | None = None,
    to_date: str | None = None,
    every: str = "week",
    progress: Progress | None = None,
) -> BackfillSummary:
    """Backfill one source from the archive; never raises for what the archive answers."""
    summary = BackfillSummary(source.name)
    mode = archive_mode(source)
    if mode == "none":
        summary.note = f"not in web archives: {not_archivable_reason(source)}"
        return summary
    chosen: list[CaptureRow] = []
    for page_url in archive_urls(source, mode):
        try:
            rows = await list_captures(fetcher, page_url, archive_url=archive_url, from_date=from_date, to_date=to_date)
        except (FetchError, CDXError) as exc:
            summary.failed[f"CDX index: {exc}"] += 1
            continue
        summary.found += len(rows)
        chosen += choose_captures(rows, every, summary)
    chosen.sort(key=lambda row: row.timestamp)  # one history in time order, pages interleaved
    kept = await asyncio.to_thread(kept_capture_keys, store, source.name)
    first_live = await asyncio.to_thread(first_live_run_at, store, source.name)
    todo = [row for row in chosen if ("archive", f"{row.original} {row.timestamp}") not in kept]
    summary.already_kept = len(chosen) - len(todo)
    module = get_kind(source.kind)
    last_ok: tuple[datetime, int] | None = None
    for done, row in enumerate(todo, start=1):
        session = fetcher.session()
        url = capture_url(archive_url, row.timestamp, row.original)
        try:
            fetched = await session.get(url)
        except FetchError as exc:
            summary.failed[f"fetch: {type(exc).__name__}"] += 1
            log.warning("%s: capture %s: %s", source.name, url, exc)
            if progress:
                progress(source.name, done, len(todo))
            continue
        timestamp = timestamp_of(fetched.url) or row.timestamp  # a 302 to the nearest capture
        if timestamp != row.timestamp and ("archive", f"{row.original} {timestamp}") in kept:
            summary.skipped["redirected to a capture already kept"] += 1
            continue
        kept.add(("archive", f"{row.original} {timestamp}"))
        captured_at = parse_timestamp(timestamp)
        status: RunStatus = "ok"
        error: str | None = None
        records = []
        try:
            records = module.parse(fetched.body, url=row.original, options=source.options)
        except (ParseError, ValueError) as exc:
            status, error = "failed", f"{type(exc).__name__}: {exc} (the capture is not the endpoint's usual answer)"
            summary.failed["unparseable capture (an error page?)"] += 1
        count = len({record.external_id for record in records})
        within_live = first_live is not None and captured_at >= first_live
        complete = status == "ok" and mode == "board" and not within_live
        if status == "ok" and complete:
            status, error = judge(count, last_ok)
            if status == "ok":
                last_ok = (captured_at, count)
        if within_live:
            error = "captured after live collection began: kept, not replayed (the live history stands)"
        run = RunRecord(
            run_id=new_run_id(captured_at), source_name=source.name, platform_id=source.platform,
            started_at=captured_at, finished_at=captured_at, status=status, complete=complete,
            items_count=count, error=error, run_kind="archive",
        )
        capture = Capture(
            run_id=run.run_id, source_name=source.name, platform_id=source.platform,
            capture_kind="archive", captured_at=captured_at, parse_kind=source.kind,
            content_sha256=fetched.sha256, whole_board=mode == "board",
            outcome="used" if run.status != "failed" else "unparseable",
            original_url=row.original, capture_url=fetched.url, cdx_timestamp=row.timestamp, error=error if run.status == "failed" else None,
        )
        await asyncio.to_thread(save_backfilled_runs, store, [BackfilledRun(run, capture, list(session.responses))])
        if run.status != "failed":
            if within_live:
                summary.after_live += 1
            else:
                summary.used += 1
        if progress:
            progress(source.name, done, len(todo))
    if summary.used:  # captures after live collection began change no history
        await asyncio.to_thread(rebuild_history, store, source)
    return summary


def backfill_archive(
    sources: Sequence[SourceConfig],
    settings: Settings,
    *,
    archive_url: str = DEFAULT_ARCHIVE_URL,
    from_date: str | None = None,
    to_date: str | None = None,
    every: str = "week",
    min_interval_seconds: float = ARCHIVE_MIN_INTERVAL_SECONDS,
    policy: FetchPolicy | None = None,
    progress: Progress | None = None,
) -> list[BackfillSummary]:
    """Backfill every source in turn (they share the archive host, so one at a time)."""
    if every not in PERIODS:
        raise ValueError(f"--every must be one of {', '.join(PERIODS)}, got {every!r}")
    store = get_store(settings)

    async def go() -> list[BackfillSummary]:
        async with PoliteFetcher(settings, store, policy=policy, keep_responses=False) as fetcher:
            fetcher.set_min_interval(archive_url, min_interval_seconds)
            return [
                await backfill_source(source, store, fetcher, archive_url=archive_url, from_date=from_date,
                                      to_date=to_date, every=every, progress=progress)
                for source in sources
            ]

    return asyncio.run(go())
