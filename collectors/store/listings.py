"""Writes of the listings domain: collector runs, raw responses, listings and their versions.

One call, one transaction: a run's row, the raw responses it fetched and the history it derived are
committed together, so a run killed half-way leaves nothing visible and the next run starts clean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import duckdb
import pandas as pd

from collectors.history import ListingState, SourceHistory
from collectors.records import ListingRecord
from collectors.store import LAKE, Store
from collectors.store.aggregates import (
    forget_pay_changes,
    record_pay_changes,
    refresh_daily_counts,
    refresh_weekly_pay,
)

if TYPE_CHECKING:  # sources import the store's types, never the reverse at run time
    from collectors.sources.base import Fetched

RunStatus = Literal["ok", "failed", "suspicious"]

RUN_COLUMNS = [
    "run_id", "source_name", "platform_id", "run_kind", "started_at", "finished_at",
    "status", "complete", "items_count", "error",
]


@dataclass(slots=True)
class RunRecord:
    """How one collection of one source went (one row of collector_runs)."""

    run_id: str
    source_name: str
    platform_id: str | None
    started_at: datetime
    finished_at: datetime
    status: RunStatus
    complete: bool
    items_count: int
    error: str | None = None
    run_kind: str = "listings"

    def row(self) -> dict[str, object]:
        return {c: getattr(self, c) for c in RUN_COLUMNS}


@dataclass(slots=True)
class ListingRun:
    """A run plus what it saw. `records` is None when the run yielded nothing usable."""

    run: RunRecord
    records: Sequence[ListingRecord] | None
    responses: Sequence[Fetched] = field(default_factory=tuple)
    etags: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # url -> (etag, last-modified)


@dataclass(slots=True)
class SaveSummary:
    runs: int
    new_listings: int
    new_versions: int
    closed: int
    reopened: int


def last_ok_run(store: Store, source_name: str) -> tuple[datetime, int] | None:
    """When the source's last successful complete run started, and how many items it had."""
    rows = store.read_rows(
        f"""SELECT started_at, items_count FROM {LAKE}.collector_runs
            WHERE source_name = ? AND status = 'ok' AND complete
            ORDER BY started_at DESC LIMIT 1""",
        [source_name],
    )
    return (rows[0][0], int(rows[0][1])) if rows else None


def recent_runs(store: Store, source_name: str, limit: int = 5) -> list[tuple[str, bool, int]]:
    """(status, complete, items_count) of the source's latest runs, newest first."""
    rows = store.read_rows(
        f"""SELECT status, complete, items_count FROM {LAKE}.collector_runs
            WHERE source_name = ? AND run_kind NOT IN ('archive', 'git')  -- captures are no confirmation
            ORDER BY started_at DESC LIMIT ?""",
        [source_name, limit],
    )
    return [(str(status), bool(complete), int(count)) for status, complete, count in rows]


def _load_state(cur: duckdb.DuckDBPyConnection, source_name: str) -> list[ListingState]:
    rows = cur.execute(
        f"""SELECT l.listing_key, v.content_sha256, coalesce(v.version_no, 0), l.closed_at IS NOT NULL
            FROM {LAKE}.listings l
            LEFT JOIN {LAKE}.listing_versions v ON v.listing_key = l.listing_key
            WHERE l.source_name = ?
            QUALIFY row_number() OVER (PARTITION BY l.listing_key ORDER BY v.version_no DESC) = 1""",
        [source_name],
    ).fetchall()
    return [ListingState(key, sha, int(n), bool(closed)) for key, sha, n, closed in rows]


def _runs_known_and_last_ok(
    cur: duckdb.DuckDBPyConnection, source_name: str, run_ids: Sequence[str]
) -> tuple[int, datetime | None]:
    """(how many of `run_ids` are recorded already, the start of the source's last successful
    complete run), from one read of the runs: aggregate filters rather than a WHERE, which DuckLake
    would push into the scan and pay for with per-file statistics from the catalog."""
    row = cur.execute(
        f"""SELECT count(*) FILTER (WHERE list_contains(?::VARCHAR[], run_id)),
                   max(started_at) FILTER (WHERE source_name = ? AND status = 'ok' AND complete)
            FROM {LAKE}.collector_runs""",
        [list(run_ids), source_name],
    ).fetchone()
    return (int(row[0]), row[1]) if row else (0, None)


def save_listing_runs(
    store: Store, *, platform_id: str, source_name: str, runs: Sequence[ListingRun]
) -> SaveSummary:
    """Record runs of one source, in time order, with the listing history they imply.

    Live collection passes one run; the demo and benchmark generators pass many days at once.
    Only runs with status "ok" and complete=True may close listings.
    """
    return _save(store, platform_id=platform_id, source_name=source_name, runs=runs, rebuild=False)


def rebuild_source_history(
    store: Store, *, platform_id: str, source_name: str, runs: Sequence[ListingRun]
) -> SaveSummary:
    """Replace a source's listings and versions with the history `runs` imply (`gigwatch reparse`).

    The runs and raw responses already recorded are left as they are.
    """
    return _save(store, platform_id=platform_id, source_name=source_name, runs=runs, rebuild=True)


def _save(
    store: Store, *, platform_id: str, source_name: str, runs: Sequence[ListingRun], rebuild: bool
) -> SaveSummary:
    runs = sorted(runs, key=lambda r: r.run.started_at)

    def txn(cur: duckdb.DuckDBPyConnection) -> SaveSummary:
        last_ok_at: datetime | None = None
        if not rebuild:
            known, last_ok_at = _runs_known_and_last_ok(cur, source_name, [r.run.run_id for r in runs])
            if known:
                # A commit that went through although the connection dropped is not written twice.
                return SaveSummary(runs=0, new_listings=0, new_versions=0, closed=0, reopened=0)
        if rebuild:
            forget_pay_changes(cur, source_name)
            cur.execute(
                f"""DELETE FROM {LAKE}.listing_versions WHERE listing_key IN
                    (SELECT listing_key FROM {LAKE}.listings WHERE source_name = ?)""",
                [source_name],
            )
            cur.execute(f"DELETE FROM {LAKE}.listings WHERE source_name = ?", [source_name])
            history = SourceHistory(platform_id, source_name, [], None)
        else:
            history = SourceHistory(platform_id, source_name, _load_state(cur, source_name), last_ok_at)
        raw_rows: list[dict[str, object]] = []
        for item in runs:
            run = item.run
            if item.records is not None and run.status in ("ok", "suspicious"):
                history.apply(
                    item.records,
                    observed_at=run.started_at,
                    run_id=run.run_id,
                    may_close=run.status == "ok" and run.complete,
                )
            for response in item.responses:
                etag, last_modified = item.etags.get(response.url, (None, None))
                raw_rows.append({
                    "content_sha256": response.sha256,
                    "url": response.url,
                    "fetched_at": response.fetched_at,
                    "http_status": response.status,
                    "content_type": response.content_type,
                    "body_bytes": len(response.body),
                    "not_modified": response.not_modified,
                    "etag": etag,
                    "last_modified": last_modified,
                    "run_id": run.run_id,
                })
        changes = history.changes
        if not rebuild:
            store.insert_df(cur, "collector_runs", pd.DataFrame([r.run.row() for r in runs], columns=RUN_COLUMNS))
            store.insert_df(cur, "raw_responses", pd.DataFrame(raw_rows))
        # Updates first: they must touch only rows that existed before this transaction.
        if changes.end_versions:
            _update_from(cur, "listing_versions", "valid_to",
                         pd.DataFrame({"listing_key": list(changes.end_versions), "value": list(changes.end_versions.values())}),
                         extra="AND t.valid_to IS NULL")
        if changes.close:
            frame = pd.DataFrame({
                "listing_key": list(changes.close),
                "closed_at": [v[0] for v in changes.close.values()],
                "last_seen_at": [v[1] for v in changes.close.values()],
            })
            cur.register("_close", frame)
            try:
                cur.execute(
                    f"""UPDATE {LAKE}.listings AS t SET closed_at = c.closed_at, last_seen_at = c.last_seen_at
                        FROM _close c WHERE t.listing_key = c.listing_key"""
                )
            finally:
                cur.unregister("_close")
        if changes.reopen:
            cur.register("_reopen", pd.DataFrame({"listing_key": sorted(changes.reopen)}))
            try:
                cur.execute(
                    f"""UPDATE {LAKE}.listings SET closed_at = NULL, last_seen_at = NULL
                        WHERE listing_key IN (SELECT listing_key FROM _reopen)"""
                )
            finally:
                cur.unregister("_reopen")
        store.insert_df(cur, "listings", pd.DataFrame(changes.new_listings))
        versions = pd.DataFrame(changes.new_versions)
        store.insert_df(cur, "listing_versions", versions)
        # Derived tables follow the history in the same transaction (collectors/store/aggregates.py).
        record_pay_changes(cur, versions)
        refresh_weekly_pay(cur, platform_id=platform_id, source_name=source_name,
                           runs=[item.run for item in runs], rebuild=rebuild,
                           versions_changed=bool(changes.new_versions or changes.end_versions))
        refresh_daily_counts(cur, platform_id=platform_id, source_name=source_name, rebuild=rebuild,
                             listings_changed=bool(changes.new_listings or changes.close or changes.reopen))
        return SaveSummary(
            runs=len(runs),
            new_listings=len(changes.new_listings),
            new_versions=len(changes.new_versions),
            closed=changes.closed_count,
            reopened=changes.reopened_count,
        )

    return store.write(txn, what=f"save {len(runs)} run(s) of {source_name}")


def _update_from(cur: duckdb.DuckDBPyConnection, table: str, column: str, frame: pd.DataFrame, extra: str = "") -> None:
    cur.register("_upd", frame)
    try:
        cur.execute(
            f"UPDATE {LAKE}.{table} AS t SET {column} = u.value FROM _upd u WHERE t.listing_key = u.listing_key {extra}"
        )
    finally:
        cur.unregister("_upd")



# -- reads for the fetcher and for reparse ------------------------------------------------------


def kept_validators(store: Store) -> list[tuple[str, str, str | None, str | None, str | None]]:
    """(url, content_sha256, etag, last_modified, content_type) of the last kept response of every
    URL that carried validators: what a conditional request sends. One query per fetcher rather than
    one per request: a source may fetch hundreds of pages."""
    return store.read_rows(
        f"""SELECT url, content_sha256, etag, last_modified, content_type
            FROM {LAKE}.raw_responses
            WHERE http_status IN (200, 304) AND (etag IS NOT NULL OR last_modified IS NOT NULL)
            QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1"""
    )


def listing_runs_of(store: Store, source_name: str) -> list[dict[str, Any]]:
    """A source's recorded listing runs (collector_runs rows), in run order."""
    frame = store.read_df(
        f"""SELECT run_id, source_name, platform_id, started_at, finished_at, status, complete,
                   items_count, error
            FROM {LAKE}.collector_runs WHERE source_name = ? AND run_kind = 'listings'
            ORDER BY started_at, run_id""",
        [source_name],
    )
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def kept_responses_of(store: Store, source_name: str) -> dict[str, list[tuple[str, str]]]:
    """run_id -> (url, content_sha256) of the source's kept 200/304 responses, in fetch order."""
    rows = store.read_rows(
        f"""SELECT r.run_id, r.url, r.content_sha256 FROM {LAKE}.raw_responses r
            JOIN {LAKE}.collector_runs c USING (run_id)
            WHERE c.source_name = ? AND r.http_status IN (200, 304)
            ORDER BY r.fetched_at""",
        [source_name],
    )
    by_run: dict[str, list[tuple[str, str]]] = {}
    for run_id, url, sha in rows:
        by_run.setdefault(run_id, []).append((url, sha))
    return by_run


def listing_source_names(store: Store) -> set[str]:
    """Every source with a recorded listing run."""
    return {row[0] for row in store.read_rows(
        f"SELECT DISTINCT source_name FROM {LAKE}.collector_runs WHERE run_kind = 'listings'"
    )}
