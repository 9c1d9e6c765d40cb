"""Listing history, pure: turn successive snapshots of one source into listings and versions.

Like git-history's `item` / `item_version`: a listing is written once when first seen, a version
only when what matters changes (title, pay, location, employment type, description hash), so
storage grows with changes, not with the number of scrapes. A listing closes only when it is absent
from a successful, complete scrape; a failed or suspicious run closes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import compress
from operator import attrgetter, is_not
from typing import Any

from collectors.categories import categorise
from collectors.pay import to_hourly_usd
from collectors.records import ListingRecord


def listing_key(platform_id: str, source_name: str, external_id: str) -> str:
    return f"{platform_id}|{source_name}|{external_id}"


def content_hash(record: ListingRecord) -> str:
    pay = record.pay
    parts: tuple[Any, ...] = (
        record.title.strip(),
        record.location,
        record.employment_type,
        record.description_sha256,
        record.pay_text,
        None if pay is None else (pay.min, pay.max, pay.currency, pay.unit, pay.up_to, pay.at_least),
        record.hours_per_week,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


# Pure and slow (a few dozen regular expressions), while titles repeat from version to version.
_category = lru_cache(maxsize=8192)(categorise)
_external_id = attrgetter("external_id")


def version_row(
    record: ListingRecord, *, key: str, version_no: int, observed_at: datetime, run_id: str, digest: str
) -> dict[str, Any]:
    pay = record.pay
    hourly = (
        to_hourly_usd(pay, on=observed_at.date(), hours_per_week=record.hours_per_week)
        if pay is not None
        else None
    )
    return {
        "listing_key": key,
        "version_no": version_no,
        "valid_from": observed_at,
        "valid_to": None,
        "title": record.title.strip(),
        "category": _category(record.title, record.department),
        "department": record.department,
        "location": record.location,
        "is_remote": record.is_remote,
        "country": record.country,
        "employment_type": record.employment_type,
        "pay_text": record.pay_text,
        "pay_min": None if pay is None else pay.min,
        "pay_max": None if pay is None else pay.max,
        "pay_currency": None if pay is None else pay.currency,
        "pay_unit": None if pay is None else pay.unit,
        "pay_approximate": None if pay is None else pay.approximate,
        "pay_up_to": None if pay is None else pay.up_to,
        "pay_at_least": None if pay is None else pay.at_least,
        "hours_per_week": record.hours_per_week,
        "hourly_usd_min": None if hourly is None else hourly.min,
        "hourly_usd_max": None if hourly is None else hourly.max,
        "hourly_assumptions": None if hourly is None else "; ".join(hourly.assumptions),
        "description_sha256": record.description_sha256,
        "content_sha256": digest,
        "run_id": run_id,
    }


@dataclass(slots=True)
class ListingState:
    """What the store knows of one listing before a batch of snapshots."""

    key: str
    content_sha256: str | None  # of its current version (None if it has none)
    version_no: int
    closed: bool


@dataclass(slots=True)
class HistoryChanges:
    """Rows to write and rows to update, accumulated over one or more snapshots of one source."""

    new_listings: list[dict[str, Any]] = field(default_factory=list)
    new_versions: list[dict[str, Any]] = field(default_factory=list)
    # Listings that existed before this batch:
    end_versions: dict[str, datetime] = field(default_factory=dict)  # key -> valid_to for the current version
    close: dict[str, tuple[datetime, datetime | None]] = field(default_factory=dict)  # key -> (closed_at, last_seen_at)
    reopen: set[str] = field(default_factory=set)
    closed_count: int = 0
    reopened_count: int = 0


class SourceHistory:
    """Applies snapshots of one source, in time order, to its listings' state.

    A daily scrape mostly repeats the previous one, and hashing every record was most of the cost
    of a batch of many days. A record that is the very object seen last time for its listing (the
    generators hand over the same objects) is unchanged by definition and is not hashed again;
    any other record is hashed and compared as always, so the history is the same either way.
    """

    def __init__(self, platform_id: str, source_name: str, state: Iterable[ListingState], last_ok_at: datetime | None) -> None:
        self.platform_id = platform_id
        self.source_name = source_name
        self._prefix = listing_key(platform_id, source_name, "")
        # external id -> state, for the listings a record of this source can name ...
        self._by_external_id: dict[str, ListingState] = {}
        # ... and listings stored under another key (the platform id changed), which no record
        # names again: they close at the next complete run, like any listing that is gone.
        self._unreachable: list[ListingState] = []
        # external id -> the record its current version was compared with in this batch (None:
        # only its hash is known), for every open listing.
        self._open: dict[str, ListingRecord | None] = {}
        for listing in state:
            if listing.key.startswith(self._prefix):
                external_id = listing.key[len(self._prefix):]
                self._by_external_id[external_id] = listing
                if not listing.closed:
                    self._open[external_id] = None
            else:
                self._unreachable.append(listing)
        self.preexisting = {listing.key for listing in self._by_external_id.values()}
        self.preexisting.update(listing.key for listing in self._unreachable)
        self.last_ok_at = last_ok_at
        self.changes = HistoryChanges()
        self._new_listing_rows: dict[str, dict[str, Any]] = {}
        self._new_version_rows: dict[str, dict[str, Any]] = {}  # key -> current version row made in this batch

    def apply(self, records: Iterable[ListingRecord], *, observed_at: datetime, run_id: str, may_close: bool) -> None:
        snapshot = _first_of_each(records)
        latest = snapshot.values()
        # Only records that are not the object last seen for an open listing need a look (the
        # filter runs in C: this is the per-record cost of a scrape).
        for record in compress(latest, map(is_not, map(self._open.get, snapshot), latest)):
            self._observe(record, observed_at, run_id)
        if may_close:
            # Sorted: the set difference has no order of its own, and generations must repeat.
            for external_id in sorted(self._open.keys() - snapshot.keys()):
                del self._open[external_id]
                current = self._by_external_id[external_id]
                current.closed = True
                self._close(current.key, observed_at, self.last_ok_at)
            for current in self._unreachable:
                if not current.closed:
                    current.closed = True
                    self._close(current.key, observed_at, self.last_ok_at)
            self.last_ok_at = observed_at

    def _observe(self, record: ListingRecord, observed_at: datetime, run_id: str) -> None:
        external_id = record.external_id
        digest = content_hash(record)
        self._open[external_id] = record
        current = self._by_external_id.get(external_id)
        if current is None:
            key = self._prefix + external_id
            row = {
                "listing_key": key,
                "platform_id": self.platform_id,
                "source_name": self.source_name,
                "external_id": external_id,
                "url": record.url,
                "first_seen_at": observed_at,
                "last_seen_at": None,
                "closed_at": None,
                "run_id": run_id,
            }
            self.changes.new_listings.append(row)
            self._new_listing_rows[key] = row
            self._add_version(record, key, 1, observed_at, run_id, digest)
            self._by_external_id[external_id] = ListingState(key, digest, 1, closed=False)
            return
        if current.closed:
            self._reopen(current.key)
            current.closed = False
        elif current.content_sha256 == digest:
            return
        self._end_version(current.key, observed_at)
        current.version_no += 1
        current.content_sha256 = digest
        self._add_version(record, current.key, current.version_no, observed_at, run_id, digest)

    # -- helpers ------------------------------------------------------------------------------

    def _add_version(self, record: ListingRecord, key: str, version_no: int, observed_at: datetime, run_id: str, digest: str) -> None:
        row = version_row(record, key=key, version_no=version_no, observed_at=observed_at, run_id=run_id, digest=digest)
        self.changes.new_versions.append(row)
        self._new_version_rows[key] = row

    def _end_version(self, key: str, at: datetime) -> None:
        row = self._new_version_rows.get(key)
        if row is not None:
            if row["valid_to"] is None:
                row["valid_to"] = at
        elif key in self.preexisting:
            self.changes.end_versions.setdefault(key, at)

    def _close(self, key: str, closed_at: datetime, last_seen_at: datetime | None) -> None:
        self.changes.closed_count += 1
        self._end_version(key, closed_at)
        row = self._new_listing_rows.get(key)
        if row is not None:
            row["closed_at"] = closed_at
            row["last_seen_at"] = last_seen_at
        else:
            self.changes.reopen.discard(key)
            self.changes.close[key] = (closed_at, last_seen_at)

    def _reopen(self, key: str) -> None:
        self.changes.reopened_count += 1
        row = self._new_listing_rows.get(key)
        if row is not None:
            row["closed_at"] = None
            row["last_seen_at"] = None
        else:
            self.changes.close.pop(key, None)
            self.changes.reopen.add(key)


def _first_of_each(records: Iterable[ListingRecord]) -> dict[str, ListingRecord]:
    """External id -> record, in order; a board listing the same job twice counts once (the first)."""
    listed = records if isinstance(records, (list, tuple)) else list(records)
    snapshot = dict(zip(map(_external_id, listed), listed, strict=True))
    if len(snapshot) < len(listed):
        snapshot = {}
        for record in listed:
            snapshot.setdefault(record.external_id, record)
    return snapshot
