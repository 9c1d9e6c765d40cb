"""Collect helpers shared by sources whose listing is spread over several independent pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from collectors.records import ListingRecord, ParseError
from collectors.sources.base import CollectResult, Fetched, Fetcher

Parser = Callable[..., list[ListingRecord]]


def fetch_errors() -> tuple[type[Exception], ...]:
    """The fetch layer's error types (imported late: collectors.fetch imports the sources)."""
    from collectors.fetch import FetchError

    return (FetchError,)


async def gather_pages(
    fetcher: Fetcher, urls: Sequence[str], parse: Parser, options: Mapping[str, Any]
) -> CollectResult:
    """GET each page and parse it on its own.

    Pages are independent (one listing each, e.g. DataAnnotation's evergreen role pages), so a page
    that fails to fetch or parse is recorded as a warning and makes the result incomplete, while
    the other pages are kept. When every page fails, the first error is raised: the run fails.
    """
    tolerated: tuple[type[Exception], ...] = (ParseError, *fetch_errors())
    records: list[ListingRecord] = []
    responses: list[Fetched] = []
    warnings: list[str] = []
    first_error: Exception | None = None
    succeeded = 0
    for url in urls:
        try:
            fetched = await fetcher.get(url)
            responses.append(fetched)
            records.extend(parse(fetched.body, url=fetched.url or url, options=options))
            succeeded += 1
        except tolerated as exc:
            first_error = first_error or exc
            warnings.append(f"{url}: {type(exc).__name__}: {exc}")
    if succeeded == 0 and first_error is not None:
        raise first_error
    return CollectResult(
        records=records, responses=responses, complete=not warnings, warnings=warnings
    )


def dedupe(records: Sequence[ListingRecord]) -> list[ListingRecord]:
    """Records with distinct external ids, first kept (paged lists can repeat an item that moved
    from one page to the next while paging)."""
    seen: set[str] = set()
    unique: list[ListingRecord] = []
    for record in records:
        if record.external_id not in seen:
            seen.add(record.external_id)
            unique.append(record)
    return unique
