"""Atom feeds and collection breaks, checked with a maintained feed parser against the lake."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pandas as pd
import pytest

from collectors.config import Settings, load_settings
from collectors.feeds import after_each_run, feed_entries, write_feeds
from collectors.records import ListingRecord
from collectors.store import Store, get_store, reset_stores
from collectors.store.listings import save_listing_runs
from collectors.store.reference import load_reference_data
from collectors.synthetic import synthetic_run
from dashboard import chart_export, chart_registry, queries
from tests.dashboard_lake import EVENT_DAY, build_small_lake


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    settings = load_settings(lake="demo", env={"GIGWATCH_DATA_DIR": str(tmp_path_factory.mktemp("feeds"))})
    build_small_lake(settings)
    yield get_store(settings)
    reset_stores()


def parse(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_feeds_validate_and_every_entry_links_to_its_pinned_view(small: Store, tmp_path: Path) -> None:
    written = write_feeds(small, tmp_path, base_url="https://gigwatch.example")
    assert sorted(p.name for p in written) == ["all.atom", "demo_alpha.atom", "demo_beta.atom"]
    snap = small.snapshot_id()
    overall = parse(tmp_path / "all.atom")
    assert "DEMO DATA" in overall.feed.title
    ids = [e.id for e in overall.entries]
    assert len(ids) == len(set(ids)) > 0
    for entry in overall.entries:
        assert entry.link.startswith("https://gigwatch.example/") and entry.link.endswith(f"snapshot={snap}")
    alpha = parse(tmp_path / "demo_alpha.atom")
    assert alpha.entries and all("platform=demo_alpha" in e.link or "/health?" in e.link for e in alpha.entries)
    assert {e.id for e in alpha.entries} | {e.id for e in parse(tmp_path / "demo_beta.atom").entries} <= set(ids)


def test_the_pay_cut_and_the_event_match_the_lake(small: Store, tmp_path: Path) -> None:
    write_feeds(small, tmp_path)
    alpha = parse(tmp_path / "demo_alpha.atom").entries
    cuts = [e for e in alpha if e.tags[0].term == "pay_change"]
    changes = queries.pay_changes(small)
    live = changes[changes["still_open"].astype(bool)]
    assert len(cuts) == len(live) == 1  # a5: $40/h cut to $30/h on day 40, still open
    (row,) = live.itertuples()
    assert "-25.0%" in cuts[0].title and row.pay_before in cuts[0].summary and row.pay_after in cuts[0].summary
    year, month, day, hour, minute, second = cuts[0].updated_parsed[:6]
    assert datetime(year, month, day, hour, minute, second, tzinfo=UTC) == pd.Timestamp(str(row.changed_at)).tz_localize("UTC")
    events = [e for e in alpha if e.tags[0].term == "event"]
    lake_events = queries.events(small, platforms=("demo_alpha",))
    assert len(events) == len(lake_events) == 1
    assert events[0].updated.startswith(EVENT_DAY.isoformat())


def test_the_same_snapshot_writes_the_same_feed(small: Store, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    write_feeds(small, one)
    write_feeds(small, two)
    assert (one / "all.atom").read_bytes() == (two / "all.atom").read_bytes()


def test_the_scheduler_hook_writes_feeds_and_a_failed_write_never_fails_the_run(
    small: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    run = after_each_run(small, lambda source: f"ran {source}", directory=tmp_path / "feeds")
    assert run("board") == "ran board"
    assert (tmp_path / "feeds" / "all.atom").exists()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    with caplog.at_level(logging.ERROR):
        assert after_each_run(small, lambda source: "ok", directory=blocked)("board") == "ok"
    assert "could not be written" in caplog.text


START = datetime(2026, 3, 2, 6, tzinfo=UTC)


def _record(i: int) -> ListingRecord:
    return ListingRecord(external_id=f"g{i}", title=f"Rater {i}", is_remote=True, location="Remote")


@pytest.fixture(scope="module")
def gappy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """demo_gap: board A collected on days 0-9, then nothing until day 20 (an 11-day outage), to
    day 29; board B added on day 15."""
    settings = load_settings(lake="demo", env={"GIGWATCH_DATA_DIR": str(tmp_path_factory.mktemp("gaps"))})
    store = get_store(settings)
    load_reference_data(store)
    days_a = [*range(0, 10), *range(20, 30)]
    runs = [synthetic_run(f"a-{d}", "gap-a", "demo_gap", START + timedelta(days=d), seconds=3,
                          records=[_record(1), _record(2)]) for d in days_a]
    save_listing_runs(store, platform_id="demo_gap", source_name="gap-a", runs=runs)
    save_listing_runs(store, platform_id="demo_gap", source_name="gap-b", runs=[synthetic_run(f"b-{d}", "gap-b", "demo_gap", START + timedelta(days=d), seconds=3,
                                            records=[_record(10 + d % 3)]) for d in range(15, 30)])
    yield settings
    reset_stores()


def test_collection_breaks_are_derived_from_the_runs(gappy: Settings) -> None:
    store = get_store(gappy)
    breaks = queries.collection_events(store)
    found = {(r.what, r.source_name, pd.Timestamp(str(r.event_date)).date()) for r in breaks.itertuples()}
    assert found == {
        ("outage", "gap-a", (START + timedelta(days=9)).date()),
        ("added", "gap-b", (START + timedelta(days=15)).date()),
    }
    assert set(breaks["kind"]) == {"collection"}
    assert "for 11.0 days" in breaks.loc[breaks["what"] == "outage", "title"].iloc[0]


def test_collection_breaks_are_drawn_on_the_charts_and_in_the_feed(gappy: Settings, tmp_path: Path) -> None:
    store = get_store(gappy)
    built, _ = chart_registry.draw(store, "open_listings")
    data = chart_export.figure_data(built.figure)
    markers = data[data["series_name"] == "Collection breaks"]
    assert sorted(pd.to_datetime(markers["x"]).dt.date) == [(START + timedelta(days=d)).date() for d in (9, 15)]
    assert markers["label"].str.contains("collection break").all()
    write_feeds(store, tmp_path)
    entries = parse(tmp_path / "demo_gap.atom").entries
    collection = [e for e in entries if e.tags[0].term == "collection"]
    assert len(collection) == 2 and all("/health?" in e.link for e in collection)
    assert len(feed_entries(store)) >= 2
