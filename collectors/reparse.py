"""Re-derive listing history from the kept raw responses, after a parser fix.

Every run's responses are parsed again with today's parser, in run order, and the source's
listings and versions are rebuilt in one transaction. The runs themselves (collector_runs) and the
raw responses stay as recorded: they are what happened. Running it twice gives the same history.

A format module may define `reparse_responses(responses, options) -> list[ListingRecord]` when its
records span several responses (a list plus detail pages); otherwise each kept response is parsed
on its own with `parse` and the records are joined (later pages win on a repeated id).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from collectors.records import ListingRecord, ParseError
from collectors.sources import get_kind, load_sources
from collectors.sources.base import SourceConfig
from collectors.store import Store
from collectors.store.archive import has_backfilled_runs
from collectors.store.listings import (
    ListingRun,
    RunRecord,
    kept_responses_of,
    listing_runs_of,
    listing_source_names,
    rebuild_source_history,
)
from collectors.store.reference import record_reparse_event


def records_from_responses(
    source: SourceConfig, responses: Sequence[tuple[str, bytes]]
) -> list[ListingRecord]:
    """What a run's kept responses yield with the current parser (raises ParseError)."""
    module = get_kind(source.kind)
    custom = getattr(module, "reparse_responses", None)
    if custom is not None:
        return list(custom(responses, source.options))
    by_id: dict[str, ListingRecord] = {}
    for url, body in responses:
        for record in module.parse(body, url=url, options=source.options):
            by_id[record.external_id] = record
    return list(by_id.values())


def reparse(
    store: Store, *, source: str | None = None, sources: Sequence[SourceConfig] | None = None
) -> Iterator[str]:
    """Rebuild each source's history from its kept responses; yields a line per source."""
    configured = {s.name: s for s in (load_sources() if sources is None else sources)}
    if source is not None and source not in configured:
        raise KeyError(f"unknown source {source!r}; known: {', '.join(sorted(configured))}")
    names = [source] if source else sorted(
listing_source_names(store) & set(configured)
    )
    for name in names:
        config = configured[name]
        if has_backfilled_runs(store, name):  # archive and git runs are replayed with the live ones
            from collectors.backfill.replay import rebuild_history

            summary = rebuild_history(store, config)
            record_reparse_event(store, platform_id=config.platform, source_name=name,
                                 detail=f"{summary.runs} runs, with archive captures")
            yield (f"{name}: {summary.runs} run(s) re-parsed with their archive captures, "
                   f"{summary.new_listings} listing(s), {summary.new_versions} version(s), {summary.closed} closure(s)")
            continue
        responses = kept_responses_of(store, name)
        runs: list[ListingRun] = []
        unparseable = 0
        for row in listing_runs_of(store, name):
            run = RunRecord(**{k: row[k] for k in (
                "run_id", "source_name", "platform_id", "started_at", "finished_at", "status",
                "complete", "items_count", "error")})
            kept = responses.get(run.run_id, [])
            records: list[ListingRecord] | None = None
            if run.status != "failed" and kept:
                try:
                    records = records_from_responses(config, [(url, store.get_raw_body(sha)) for url, sha in kept])
                except ParseError:
                    unparseable += 1
            runs.append(ListingRun(run=run, records=records))
        summary = rebuild_source_history(store, platform_id=config.platform, source_name=name, runs=runs)
        record_reparse_event(store, platform_id=config.platform, source_name=name, detail=f"{summary.runs} runs")
        yield (
            f"{name}: {summary.runs} run(s) re-parsed, {summary.new_listings} listing(s), "
            f"{summary.new_versions} version(s), {summary.closed} closure(s)"
            + (f"; {unparseable} run(s) still do not parse" if unparseable else "")
        )
