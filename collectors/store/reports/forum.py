"""Forum runs: public forum posts that carry a signal (late pay, empty queues), kept in the lake
(they are public posts, linked, with scrubbed titles and no usernames)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from collectors.sources.base import Fetched
from collectors.store import LAKE, Store
from collectors.store.listings import RUN_COLUMNS, RunRecord

_TS = pa.timestamp("us", tz="UTC")
_STRS = pa.list_(pa.string())
FORUM_SCHEMA = pa.schema([
    ("post_id", pa.string()), ("subreddit", pa.string()), ("platform_id", pa.string()),
    ("created_at", _TS), ("url", pa.string()), ("title_excerpt_scrubbed", pa.string()),
    ("signals", _STRS), ("amount", pa.float64()), ("currency", pa.string()),
    ("days_stated", pa.int32()), ("first_seen_at", _TS), ("is_demo", pa.bool_()),
    ("run_id", pa.string()),
])


def _insert(cur: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]],
            schema: pa.Schema) -> int:
    """Insert rows with explicit types (an all-empty list column stays VARCHAR[])."""
    if not rows:
        return 0
    batch = pa.Table.from_pylist([{k: row.get(k) for k in schema.names} for row in rows], schema=schema)
    return Store.insert_df(cur, table, batch)


def save_forum_run(store: Store, run: RunRecord, posts: Sequence[Any], responses: Sequence[Fetched] = ()) -> int:
    """Record one forum collection: its run row, raw responses and the posts that carry a signal
    (new post ids only). Returns how many posts were new. `posts` are `ForumPost`s.

    A run id already stored is not written again (a commit that went through although the
    connection dropped, or a spooled run replayed), and gives 0."""
    is_demo = store.is_demo

    def txn(cur: duckdb.DuckDBPyConnection) -> int:
        stored = cur.execute(f"SELECT count(*) FROM {LAKE}.collector_runs WHERE run_id = ?", [run.run_id]).fetchone()
        if stored and stored[0]:
            return 0
        signalled = {p.post_id: p for p in posts if p.signal is not None}
        known: set[str] = set()
        if signalled:
            known = {
                row[0] for row in cur.execute(
                    f"SELECT post_id FROM {LAKE}.forum_posts WHERE post_id IN (SELECT unnest(?))",
                    [sorted(signalled)],
                ).fetchall()
            }
        rows = [
            {
                "post_id": post.post_id,
                "subreddit": post.subreddit,
                "platform_id": post.signal.platform_id,
                "created_at": post.created_at,
                "url": post.url,
                "title_excerpt_scrubbed": post.title_excerpt_scrubbed,
                "signals": list(post.signal.signals),
                "amount": post.signal.amount,
                "currency": post.signal.currency,
                "days_stated": post.signal.days_stated,
                "first_seen_at": run.started_at,
                "is_demo": is_demo,
                "run_id": run.run_id,
            }
            for post_id, post in signalled.items()
            if post_id not in known
        ]
        run_row = run.row()
        run_row["items_count"] = len(rows) if run.items_count is None else run.items_count
        Store.insert_df(cur, "collector_runs", pd.DataFrame([run_row], columns=RUN_COLUMNS))
        raw_rows = [
            {
                "content_sha256": r.sha256, "url": r.url, "fetched_at": r.fetched_at,
                "http_status": r.status, "content_type": r.content_type, "body_bytes": len(r.body),
                "not_modified": r.not_modified, "etag": None, "last_modified": None, "run_id": run.run_id,
            }
            for r in responses
        ]
        if raw_rows:
            Store.insert_df(cur, "raw_responses", pd.DataFrame(raw_rows))
        _insert(cur, "forum_posts", rows, FORUM_SCHEMA)
        return len(rows)

    return store.write(txn, what=f"save forum run {run.run_id}")


def last_forum_run_at(store: Store, source_name: str) -> datetime | None:
    """When the source's last successful forum run started (collect_forum's `since`)."""
    value = store.read_value(
        f"""SELECT max(started_at) FROM {LAKE}.collector_runs
            WHERE source_name = ? AND run_kind = 'forum' AND status = 'ok'""",
        [source_name],
    )
    return value if isinstance(value, datetime) else None


def forum_signals(store: Store, snapshot_id: int | None = None) -> pd.DataFrame:
    """Forum posts with signals (public: links to public posts, scrubbed titles, no usernames)."""
    refs = store.refs(snapshot_id)
    return store.read_df(
        f"""SELECT post_id, subreddit, platform_id, created_at, url, title_excerpt_scrubbed, signals,
                   amount, currency, days_stated, is_demo
            FROM {refs.forum_posts} ORDER BY created_at DESC"""
    )


def forum_signal_counts(store: Store, snapshot_id: int | None = None) -> pd.DataFrame:
    """Posts per platform, month and signal (a post with two signals counts in both)."""
    refs = store.refs(snapshot_id)
    return store.read_df(
        f"""SELECT platform_id, month, signal, count(*) AS n_posts
            FROM (SELECT coalesce(platform_id, 'unknown') AS platform_id,
                         strftime(date_trunc('month', make_timestamp(epoch_us(created_at))), '%Y-%m') AS month,
                         unnest(signals) AS signal
                  FROM {refs.forum_posts})
            GROUP BY ALL ORDER BY month, platform_id, signal"""
    )
