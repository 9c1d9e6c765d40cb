"""The pure listing history: versions, closing and reopening, whatever objects a caller hands over."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from collectors.history import (
    HistoryChanges,
    ListingState,
    SourceHistory,
    content_hash,
    listing_key,
)
from collectors.pay import Pay
from collectors.records import ListingRecord

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def rec(external_id: str, pay: float | None = 20.0, edit: int = 0) -> ListingRecord:
    return ListingRecord(
        external_id=external_id,
        title="AI Trainer – Generalist",
        url=f"https://example.org/jobs/{external_id}",
        location="Remote",
        pay_text=None if pay is None else f"${pay:g} per hour",
        pay=None if pay is None else Pay(min=pay, max=pay, currency="USD", unit="hour"),
        description_sha256=f"{edit:064x}",
    )


def apply_days(history: SourceHistory, days: list[tuple[list[ListingRecord], bool]]) -> HistoryChanges:
    for day, (records, may_close) in enumerate(days):
        history.apply(records, observed_at=T0 + timedelta(days=day), run_id=f"run-{day}", may_close=may_close)
    return history.changes


def summary(changes: HistoryChanges) -> dict[str, Any]:
    """Everything the store would write, in a comparable form."""

    def rows(items: list[dict[str, Any]]) -> list[tuple[tuple[str, str], ...]]:
        return [tuple(sorted((k, repr(v)) for k, v in row.items())) for row in items]

    return {
        "new_listings": rows(changes.new_listings),
        "new_versions": rows(changes.new_versions),
        "end_versions": dict(changes.end_versions),
        "close": dict(changes.close),
        "reopen": set(changes.reopen),
        "counts": (changes.closed_count, changes.reopened_count),
    }


def test_content_hash_is_what_existing_lakes_store() -> None:
    """Stored versions are compared with these digests: they must never drift."""
    record = ListingRecord(
        external_id="42", title=" AI Trainer – Generalist ", location="Remote", employment_type="contract",
        pay_text="$15 - $25 per hour", pay=Pay(min=15.0, max=25.0, currency="USD", unit="hour"),
        hours_per_week=20.0, description_sha256="ab" * 32,
    )
    assert content_hash(record) == "07b1c5bcd0eef817e02b782a580a806c89f4a01137957605d50723621c2bc3e3"
    assert content_hash(ListingRecord(external_id="7", title="Rater")) == (
        "8dc745f03caf7cd34707f589600e94501a522858d950fd2a3c639149c47cf20a"
    )


def test_the_same_objects_and_fresh_copies_make_the_same_history() -> None:
    """Generators hand over the same record objects day after day (not hashed again); parsers make
    new ones every scrape (hashed every time). Both must give exactly the same history."""
    rng = random.Random(7)
    pool = {i: rec(f"j{i}", pay=float(10 + i)) for i in range(40)}
    days: list[tuple[list[ListingRecord], bool]] = []
    for _ in range(60):
        for i in rng.sample(range(40), 6):
            roll = rng.random()
            old = pool[i]
            if roll < 0.3:
                pool[i] = rec(old.external_id, pay=float(rng.randrange(10, 14)), edit=rng.randrange(3))
            elif roll < 0.5:
                pool[i] = dataclasses.replace(old, url=f"{old.url}?ref=x")  # not part of the content
        present = [pool[i] for i in sorted(pool) if rng.random() < 0.85]  # the rest is absent today
        if rng.random() < 0.2:
            present.append(dataclasses.replace(present[0], title="A duplicate"))
        days.append((present, rng.random() < 0.8))  # some runs failed or were suspicious
    state = [
        ListingState(listing_key("plat", "src", "j3"), content_hash(pool[3]), 2, closed=False),
        ListingState(listing_key("plat", "src", "j4"), content_hash(rec("j4", pay=99.0)), 1, closed=False),
        ListingState(listing_key("plat", "src", "j5"), None, 0, closed=True),
    ]
    reused = apply_days(SourceHistory("plat", "src", [dataclasses.replace(s) for s in state], None), days)
    copies = [([dataclasses.replace(r) for r in records], may_close) for records, may_close in days]
    fresh = apply_days(SourceHistory("plat", "src", [dataclasses.replace(s) for s in state], None), copies)
    assert summary(reused) == summary(fresh)
    assert reused.reopened_count > 0 and reused.closed_count > 0 and reused.end_versions


def test_a_listing_back_after_closing_reopens_with_a_new_version_even_when_unchanged() -> None:
    a = rec("a")
    changes = apply_days(SourceHistory("plat", "src", [], None), [([a], True), ([], True), ([a], True)])
    assert [(v["version_no"], v["valid_to"]) for v in changes.new_versions] == [
        (1, T0 + timedelta(days=1)), (2, None),
    ]
    assert changes.new_listings[0]["closed_at"] is None and changes.reopened_count == 1


def test_absent_from_a_failed_or_suspicious_run_closes_nothing() -> None:
    a, b = rec("a"), rec("b")
    changes = apply_days(SourceHistory("plat", "src", [], None), [([a, b], True), ([a], False), ([a, b], True)])
    assert changes.closed_count == 0 and len(changes.new_versions) == 2


def test_a_job_listed_twice_counts_once_as_first_listed() -> None:
    changes = apply_days(SourceHistory("plat", "src", [], None), [([rec("a", pay=10.0), rec("a", pay=12.0)], True)])
    assert [v["pay_min"] for v in changes.new_versions] == [10.0]


def test_stored_listings_under_another_platform_id_close_at_the_next_complete_run() -> None:
    """Records of the source can never name them again, so they are gone like any absent listing."""
    old_key = listing_key("old-plat", "src", "a")
    state = [ListingState(old_key, content_hash(rec("a")), 1, closed=False)]
    history = SourceHistory("plat", "src", state, T0 - timedelta(days=1))
    changes = apply_days(history, [([rec("a")], False), ([rec("a")], True)])
    assert changes.close == {old_key: (T0 + timedelta(days=1), T0 - timedelta(days=1))}
    assert [r["listing_key"] for r in changes.new_listings] == [listing_key("plat", "src", "a")]


def test_a_stored_listing_is_compared_by_its_stored_hash() -> None:
    key = listing_key("plat", "src", "a")
    state = [ListingState(key, content_hash(rec("a")), 3, closed=False)]
    unchanged = apply_days(SourceHistory("plat", "src", [dataclasses.replace(s) for s in state], None), [([rec("a")], True)])
    assert not unchanged.new_versions and not unchanged.end_versions
    changed = apply_days(SourceHistory("plat", "src", [dataclasses.replace(s) for s in state], None), [([rec("a", pay=25.0)], True)])
    assert [v["version_no"] for v in changed.new_versions] == [4]
    assert changed.end_versions == {key: T0}
