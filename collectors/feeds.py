"""Atom feeds for following gigwatch: one for everything and one per platform.

Entries: pay changes on live listings, weeks with new or closed listings beyond a threshold,
availability drops (a quarter against the one before), new cited events and collection breaks.
Every entry is derived from rows of one DuckLake snapshot (dates are the rows' own dates, never
the clock, so the same snapshot writes the same feed) and links to the permalink of the view that
shows it, pinned to that snapshot.

The scheduler writes the feeds after every collection run, and `gigwatch demo` after building the
demo; they are static files (`dashboard/static/feeds/<lake>/`) that Streamlit serves at
`/app/static/feeds/<lake>/all.atom` (`server.enableStaticServing`).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from feedgen.feed import FeedGenerator

from collectors.store import Store

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent.parent / "dashboard" / "static"
DEFAULT_BASE_URL = "http://localhost:8501"
FLOW_MIN = 10  # a week's new (or closed) listings make an entry from this many on ...
FLOW_FACTOR = 2.0  # ... and when they are at least twice the platform's median week
DROP_PCT = -20.0  # an availability drop: mean open listings this much below the previous quarter
MAX_ENTRIES = 200  # per feed, newest first
_write_lock = threading.Lock()


def feeds_dir(lake: str) -> Path:
    return STATIC_DIR / "feeds" / lake


def feed_url(lake: str, platform_id: str | None = None, base_url: str | None = None) -> str:
    """Where Streamlit serves a feed (relative to the dashboard unless `base_url` is given)."""
    path = f"app/static/feeds/{lake}/{platform_id or 'all'}.atom"
    return f"{base_url.rstrip('/')}/{path}" if base_url else path


def public_base_url() -> str:
    """The dashboard's public address for feed links: GIGWATCH_PUBLIC_URL, else localhost."""
    return os.environ.get("GIGWATCH_PUBLIC_URL", DEFAULT_BASE_URL).rstrip("/")


@dataclass(frozen=True)
class Entry:
    entry_id: str
    kind: str  # pay_change, flow, availability_drop, event, collection
    platform_id: str | None
    updated: pd.Timestamp
    title: str
    summary: str
    link: str


def _permalink(base_url: str, page: str, snapshot_id: int, **params: str) -> str:
    pairs = [(k, v) for k, v in params.items() if v] + [("snapshot", str(snapshot_id))]
    return f"{base_url}/{page}?{urlencode(pairs)}"


def _utc(value: Any) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _rows(frame: pd.DataFrame) -> list[Any]:
    """Rows as objects with attributes (typed Any: the columns are checked by the queries' tests)."""
    return [SimpleNamespace(**{str(k): v for k, v in row.items()}) for row in frame.to_dict("records")]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", ":", text)


def feed_entries(store: Store, snapshot_id: int | None = None, *, base_url: str | None = None) -> list[Entry]:
    """Every entry of the overall feed, from one snapshot, newest first."""
    from dashboard import queries  # the one home of the dashboard's SQL

    snap = store.snapshot_id() if snapshot_id is None else snapshot_id
    base = (base_url or public_base_url()).rstrip("/")
    names_frame = queries.platforms(store, snap)
    names = dict(zip(names_frame["platform_id"], names_frame["name"], strict=True))
    entries: list[Entry] = []

    for row in _rows(queries.pay_changes(store, snap, limit=MAX_ENTRIES)):
        if not bool(row.still_open):
            continue
        name = names.get(row.platform_id, row.platform_id)
        verb = "cut" if row.direction == "cut" else "raised"
        entries.append(Entry(
            f"pay-change/{_slug(str(row.listing_key))}/{_utc(row.changed_at):%Y%m%dT%H%M%SZ}", "pay_change", row.platform_id,
            _utc(row.changed_at), f"{name}: pay {verb} on “{row.title}” ({row.change_pct:+.1f}%)",
            f"{row.pay_before} → {row.pay_after} ({row.compared_in}), on a listing still open.",
            _permalink(base, "pay_trends", snap, platform=row.platform_id),
        ))

    flows = queries.listing_flows_weekly(store, snap)
    for platform_id, weeks in (flows.groupby("platform_id") if not flows.empty else []):
        name = names.get(str(platform_id), str(platform_id))
        for column, what in (("new_listings", "new"), ("closed_listings", "closed")):
            typical = float(weeks[column].median())
            threshold = max(FLOW_MIN, FLOW_FACTOR * typical)
            for week in _rows(weeks[weeks[column] >= threshold]):
                count = int(getattr(week, column))
                entries.append(Entry(
                    f"flow/{platform_id}/{what}/{pd.Timestamp(week.week_start):%Y-%m-%d}", "flow", str(platform_id),
                    _utc(week.week_start) + pd.Timedelta(days=7),
                    f"{name}: {count:,} {what} listings in the week of {pd.Timestamp(week.week_start):%Y-%m-%d}",
                    f"{count:,} {what} listings, against a median week of {typical:,.0f} "
                    f"(threshold: {FLOW_MIN} and {FLOW_FACTOR:g}× the median).",
                    _permalink(base, "availability", snap, platform=str(platform_id)),
                ))

    change = queries.availability_change(store, snap, window_days=91)
    for row in _rows(change):
        if pd.isna(row.change_pct) or float(row.change_pct) > DROP_PCT:
            continue
        name = names.get(row.platform_id, row.platform_id)
        entries.append(Entry(
            f"availability-drop/{row.platform_id}/{pd.Timestamp(row.recent_to):%Y-%m-%d}", "availability_drop",
            row.platform_id, _utc(row.recent_to),
            f"{name}: {-float(row.change_pct):.0f}% fewer open listings than the quarter before",
            f"Mean open listings {float(row.mean_open_recent):,.1f} in the 91 days to "
            f"{pd.Timestamp(row.recent_to):%Y-%m-%d}, against {float(row.mean_open_previous):,.1f} in the 91 days before.",
            _permalink(base, "availability", snap, platform=row.platform_id),
        ))

    events = queries.events(store, snap)
    for row in _rows(events):
        collection = row.kind == "collection"
        event_platform = row.platform_id if isinstance(row.platform_id, str) else None
        entries.append(Entry(
            f"{'collection' if collection else 'event'}/{row.event_id}", "collection" if collection else "event",
            event_platform, _utc(row.event_date), f"{row.platform}: {row.title}",
            (f"Before: {row.figure_before}. " if isinstance(row.figure_before, str) else "")
            + (f"After: {row.figure_after}. " if isinstance(row.figure_after, str) else "")
            + f"Source: {row.source_url}",
            _permalink(base, "health" if collection else "pay_trends", snap, platform=event_platform or ""),
        ))
    for row in _rows(queries.collection_events(store, snap)):
        entries.append(Entry(
            f"collection/{row.event_id}", "collection", str(row.platform_id), _utc(row.event_date),
            f"{row.platform}: collection break: {row.title}",
            "Derived from the collector runs (Sources and health): figures around this date may move "
            "because of the collectors, not the platform.",
            _permalink(base, "health", snap),
        ))
    entries.sort(key=lambda e: (e.updated, e.entry_id), reverse=True)
    return entries


def _feed(entries: list[Entry], *, feed_id: str, title: str, self_url: str, home: str, demo: bool) -> bytes:
    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(title + (" (DEMO DATA: fictional)" if demo else ""))
    fg.author({"name": "gigwatch"})
    fg.link(href=home, rel="alternate")
    fg.link(href=self_url, rel="self")
    fg.subtitle("Pay changes on live listings, unusual weeks of new or closed listings, availability drops, "
                "cited events and collection breaks, from gigwatch.")
    fg.language("en")
    shown = entries[:MAX_ENTRIES]
    fg.updated(shown[0].updated if shown else pd.Timestamp("1970-01-01", tz="UTC"))
    for entry in reversed(shown):  # feedgen puts the last added first
        fe = fg.add_entry()
        fe.id(f"tag:gigwatch,2026:{entry.entry_id}")
        fe.title(entry.title)
        fe.updated(entry.updated)
        fe.link(href=entry.link, rel="alternate")
        fe.summary(entry.summary)
        fe.category(term=entry.kind)
    data: bytes = fg.atom_str(pretty=True)
    return data


def write_feeds(store: Store, directory: Path | None = None, *, snapshot_id: int | None = None,
                base_url: str | None = None) -> list[Path]:
    """Write `all.atom` and one `<platform_id>.atom` per platform; returns the paths written."""
    from dashboard import queries

    snap = store.snapshot_id() if snapshot_id is None else snapshot_id
    base = (base_url or public_base_url()).rstrip("/")
    lake = store.settings.lake
    directory = directory or feeds_dir(lake)
    entries = feed_entries(store, snap, base_url=base)
    platforms = queries.platforms(store, snap)
    written = []
    with _write_lock:
        directory.mkdir(parents=True, exist_ok=True)
        feeds: list[tuple[str, str, list[Entry], str]] = [("all", "gigwatch: all platforms", entries, f"{base}/")]
        for row in _rows(platforms):
            mine = [e for e in entries if e.platform_id == row.platform_id]
            feeds.append((str(row.platform_id), f"gigwatch: {row.name}", mine,
                          _permalink(base, "pay_trends", snap, platform=str(row.platform_id))))
        for key, title, chosen, home in feeds:
            path = directory / f"{_slug(key)}.atom"
            body = _feed(chosen, feed_id=f"tag:gigwatch,2026:feed/{lake}/{key}", title=title,
                         self_url=feed_url(lake, None if key == "all" else key, base), home=home, demo=store.is_demo)
            tmp = path.with_suffix(".atom.tmp")
            tmp.write_bytes(body)
            tmp.replace(path)  # readers never see half a feed
            written.append(path)
    return written


def after_each_run(store: Store, run_one: Callable[[Any], Any], *, directory: Path | None = None) -> Callable[[Any], Any]:
    """Wrap the scheduler's `run_one` so that the feeds are rewritten after every run; a feed that
    cannot be written is logged and never fails the run."""

    def run(source: Any) -> Any:
        record = run_one(source)
        try:
            write_feeds(store, directory)
        except Exception:
            log.exception("the Atom feeds could not be written after %s", getattr(source, "name", source))
        return record

    return run
