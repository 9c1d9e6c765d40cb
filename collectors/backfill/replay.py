"""One history in time order: a source's live and backfilled runs replayed together.

A backfill may add runs older than the live ones, and the history is a fold over runs in time
order, so after a backfill the source's listings and versions are derived again from every run
(as `gigwatch reparse` does). Live runs yield what their kept responses parse to; a backfilled run
yields its capture's body, parsed as from its original URL, but only when it is older than the
first live run: from then on the live history stands exactly as it was, and later captures are
kept (with their provenance) without being replayed.
"""

from __future__ import annotations

from dataclasses import replace

from collectors.records import ListingRecord, ParseError
from collectors.reparse import records_from_responses
from collectors.sources.base import SourceConfig
from collectors.store import Store
from collectors.store.archive import runs_to_replay
from collectors.store.listings import ListingRun, SaveSummary, rebuild_source_history


def rebuild_history(store: Store, source: SourceConfig) -> SaveSummary:
    """Derive `source`'s listings and versions again from its live and backfilled runs."""
    replay = runs_to_replay(store, source.name)
    live_starts = [item.run.started_at for item in replay if item.run.run_kind == "listings"]
    first_live = min(live_starts) if live_starts else None
    runs: list[ListingRun] = []
    for item in replay:
        run = item.run
        backfilled = run.run_kind != "listings"
        if backfilled and first_live is not None and run.started_at >= first_live:
            continue  # within live collection: the live history stands
        records: list[ListingRecord] | None = None
        if run.status != "failed" and item.bodies:
            config = replace(source, kind=item.parse_kind) if item.parse_kind else source
            try:
                records = records_from_responses(
                    config, [(url, store.get_raw_body(sha)) for url, sha in item.bodies]
                )
            except ParseError:
                records = None
        runs.append(ListingRun(run=run, records=records))
    return rebuild_source_history(store, platform_id=source.platform, source_name=source.name, runs=runs)
