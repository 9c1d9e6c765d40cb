"""What every source module shares: its configuration, the fetcher it is given, what it returns.

A source module (`collectors/sources/<kind>.py`) exposes:

    KIND: str                       # the format name used in data/sources.toml and `gigwatch parse KIND`
    def parse(body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None)
        -> list[ListingRecord]      # pure: one saved response -> records; raises ParseError on a shape it does not know
    async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult
                                    # what to fetch (paging, list + detail), calling `parse` on each body

A module with these three is registered by its `KIND` when collectors.sources is imported (modules
whose name begins with `_` are helpers: `_common` for reading fields, `_collect` for one GET or
independent pages, `_paging` for paged lists and the one rule for when a result is complete).

Sources never build HTTP clients: they get a `Fetcher` (see collectors/fetch.py) that owns timeouts,
robots.txt, per-host politeness, retries, conditional requests and keeping the raw response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from collectors.records import ListingRecord, ParseError

__all__ = [
    "CollectResult",
    "Fetched",
    "Fetcher",
    "ListingRecord",
    "ParseError",
    "SourceConfig",
]


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One entry of data/sources.toml: a platform watched through one format."""

    name: str  # unique, e.g. "appen-lever"
    platform: str  # platform slug, e.g. "appen"
    kind: str  # format module, e.g. "lever"
    url: str  # the endpoint fetched first (board API URL, list URL, page URL)
    interval_hours: float = 24.0
    min_interval_seconds: float = 1.0  # politeness: minimum gap between requests to this host
    enabled: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)  # format-specific (board token, body, ...)
    notes: str = ""
    # empty when the source sees the platform's whole public list; else what it misses and why
    # (shown on Sources and health beside the source's runs)
    coverage: str = ""
    # What a web archive can hold of this source (collectors/backfill): "board" (one GET is the
    # whole board), "page" (one page, never closes anything), "none" (POST, JavaScript); "" = the
    # kind's default. `archive_note` says why.
    archive: str = ""
    archive_note: str = ""


@dataclass(frozen=True, slots=True)
class Fetched:
    """One HTTP response as kept: the body is stored compressed under data/, addressed by sha256."""

    url: str
    status: int
    content_type: str | None
    body: bytes
    sha256: str
    fetched_at: datetime
    not_modified: bool = False  # a 304: `body` is the kept body of the earlier response
    # response headers, names lower-cased (paging headers such as WordPress's X-WP-TotalPages);
    # not kept with the raw body, so a parser must never need them
    headers: Mapping[str, str] = field(default_factory=dict)


class Fetcher(Protocol):
    """The only way sources reach the network (implemented in collectors/fetch.py).

    Raises `collectors.fetch.FetchError` subclasses on robots.txt disallow, timeouts after retries,
    4xx/5xx after retries, oversize bodies. A 404 from an ATS means "board gone or renamed".
    """

    async def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> Fetched: ...

    async def post(
        self, url: str, *, json: Any = None, headers: Mapping[str, str] | None = None
    ) -> Fetched: ...


@dataclass(slots=True)
class CollectResult:
    """What one collection of one source yielded.

    `complete` is True only when every page of the listing was fetched and parsed: only a complete
    result may close listings that are absent from it.
    """

    records: list[ListingRecord]
    responses: list[Fetched]
    complete: bool = True
    warnings: list[str] = field(default_factory=list)
