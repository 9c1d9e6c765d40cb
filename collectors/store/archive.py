"""Writes and reads of backfilled runs: captures from web archives and commits of git-scraped files.

A backfilled run is an ordinary `collector_runs` row of kind `archive` or `git`, observed at the
capture (or commit) time; `archive_captures` keeps its provenance beside the raw body's hash:
capture URL and time, original URL, or repository, commit and path. The history these runs imply
is derived by collectors/backfill/replay.py (through `rebuild_source_history`), never here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from collectors.store import LAKE, Store
from collectors.store.listings import RUN_COLUMNS, RunRecord

if TYPE_CHECKING:
    from collectors.sources.base import Fetched

BACKFILL_RUN_KINDS = ("archive", "git")


CAPTURE_COLUMNS = [
    "run_id", "source_name", "platform_id", "capture_kind", "captured_at", "original_url",
    "capture_url", "cdx_timestamp", "repo", "commit_sha", "path", "parse_kind", "content_sha256", "whole_board",
    "outcome", "error",
]


@dataclass(slots=True)
class Capture:
    """One capture or commit as kept (one row of archive_captures)."""

    run_id: str
    source_name: str
    platform_id: str | None
    capture_kind: str
    captured_at: datetime
    parse_kind: str
    content_sha256: str
    whole_board: bool
    outcome: str
    original_url: str | None = None
    capture_url: str | None = None
    cdx_timestamp: str | None = None
    repo: str | None = None
    commit_sha: str | None = None
    path: str | None = None
    error: str | None = None

    def row(self) -> dict[str, object]:
        return {c: getattr(self, c) for c in CAPTURE_COLUMNS}


@dataclass(slots=True)
class BackfilledRun:
    """A backfilled run, its provenance and the HTTP responses it fetched (none for git)."""

    run: RunRecord
    capture: Capture
    responses: Sequence[Fetched] = ()


def save_backfilled_runs(store: Store, runs: Sequence[BackfilledRun]) -> int:
    """Record runs, their raw responses and their provenance in one transaction (no history)."""
    if not runs:
        return 0

    def txn(cur: duckdb.DuckDBPyConnection) -> int:
        known = {row[0] for row in cur.execute(
            f"SELECT run_id FROM {LAKE}.collector_runs WHERE run_id IN (SELECT unnest(?))",
            [[r.run.run_id for r in runs]],
        ).fetchall()}
        fresh = [r for r in runs if r.run.run_id not in known]
        if not fresh:
            return 0
        raw_rows = [{
            "content_sha256": response.sha256, "url": response.url, "fetched_at": response.fetched_at,
            "http_status": response.status, "content_type": response.content_type,
            "body_bytes": len(response.body), "not_modified": response.not_modified,
            "etag": None, "last_modified": None, "run_id": item.run.run_id,
        } for item in fresh for response in item.responses]
        store.insert_df(cur, "collector_runs", pd.DataFrame([r.run.row() for r in fresh], columns=RUN_COLUMNS))
        if raw_rows:
            store.insert_df(cur, "raw_responses", pd.DataFrame(raw_rows))
        store.insert_df(cur, "archive_captures", pd.DataFrame([r.capture.row() for r in fresh], columns=CAPTURE_COLUMNS))
        return len(fresh)

    return store.write(txn, what=f"save {len(runs)} backfilled run(s)")


def kept_capture_keys(store: Store, source_name: str) -> set[tuple[str, str]]:
    """(capture kind, key) of the captures already kept for a source: ("git", commit), and
    ("archive", "<original url> <timestamp>") for both the index's timestamp and the capture's own."""
    rows = store.read_rows(
        f"""SELECT capture_kind, commit_sha, original_url, cdx_timestamp,
                   strftime(captured_at AT TIME ZONE 'UTC', '%Y%m%d%H%M%S')
            FROM {LAKE}.archive_captures WHERE source_name = ?""",
        [source_name],
    )
    keys: set[tuple[str, str]] = set()
    for kind, commit, original, cdx_timestamp, captured in rows:
        if kind == "git":
            keys.add(("git", str(commit)))
            continue
        for stamp in (cdx_timestamp, captured):
            if stamp:
                keys.add(("archive", f"{original} {stamp}"))
    return keys


@dataclass(frozen=True, slots=True)
class RunToReplay:
    """A run of a source as recorded, with the bodies (URL to parse with, sha256) it yields."""

    run: RunRecord
    bodies: tuple[tuple[str, str], ...]
    parse_kind: str | None  # None: the source's own kind


def runs_to_replay(store: Store, source_name: str) -> list[RunToReplay]:
    """Every listings, archive and git run of a source in time order, with its bodies.

    Live runs yield the 200/304 responses they fetched; backfilled runs the body their capture or
    commit kept (only when it parsed), to be parsed as from its original URL.
    """
    frame = store.read_df(
        f"""SELECT run_id, source_name, platform_id, run_kind, started_at, finished_at, status,
                   complete, items_count, error
            FROM {LAKE}.collector_runs
            WHERE source_name = ? AND run_kind IN ('listings', 'archive', 'git')
            ORDER BY started_at, run_id""",
        [source_name],
    )
    live_bodies: dict[str, list[tuple[str, str]]] = {}
    for run_id, url, sha in store.read_rows(
        f"""SELECT r.run_id, r.url, r.content_sha256 FROM {LAKE}.raw_responses r
            JOIN {LAKE}.collector_runs c USING (run_id)
            WHERE c.source_name = ? AND c.run_kind = 'listings' AND r.http_status IN (200, 304)
            ORDER BY r.fetched_at""",
        [source_name],
    ):
        live_bodies.setdefault(run_id, []).append((url, sha))
    captures: dict[str, tuple[str, str, str]] = {}
    for run_id, url, sha, parse_kind in store.read_rows(
        f"""SELECT run_id, coalesce(original_url, ''), content_sha256, parse_kind
            FROM {LAKE}.archive_captures WHERE source_name = ? AND outcome = 'used'""",
        [source_name],
    ):
        captures[run_id] = (url, sha, parse_kind)
    replay: list[RunToReplay] = []
    for row in frame.to_dict("records"):
        run = RunRecord(
            run_id=row["run_id"], source_name=row["source_name"], platform_id=row["platform_id"],
            started_at=row["started_at"], finished_at=row["finished_at"], status=row["status"],
            complete=bool(row["complete"]), items_count=int(row["items_count"]), error=row["error"],
            run_kind=row["run_kind"],
        )
        if run.run_kind == "listings":
            replay.append(RunToReplay(run, tuple(live_bodies.get(run.run_id, ())), None))
        else:
            kept = captures.get(run.run_id)
            bodies = ((kept[0], kept[1]),) if kept else ()
            replay.append(RunToReplay(run, bodies, kept[2] if kept else None))
    return replay


def first_live_run_at(store: Store, source_name: str) -> datetime | None:
    """When live collection of a source began (its first listings run), if it has."""
    value = store.read_value(
        f"SELECT min(started_at) FROM {LAKE}.collector_runs WHERE source_name = ? AND run_kind = 'listings'",
        [source_name],
    )
    return value if isinstance(value, datetime) else None


def save_captures(store: Store, captures: Sequence[Capture]) -> int:
    """Record the provenance of runs already recorded (the demo's, saved with their history)."""
    if not captures:
        return 0
    frame = pd.DataFrame([c.row() for c in captures], columns=CAPTURE_COLUMNS)
    return store.write(lambda cur: store.insert_df(cur, "archive_captures", frame), what="save capture provenance")


def has_backfilled_runs(store: Store, source_name: str) -> bool:
    return bool(store.read_value(
        f"SELECT count(*) FROM {LAKE}.collector_runs WHERE source_name = ? AND run_kind IN ('archive', 'git')",
        [source_name],
    ))
