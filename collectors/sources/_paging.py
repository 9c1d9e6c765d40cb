"""One paginator for the sources whose listing comes in pages (in the spirit of dlt's paginators).

A source says how to ask for a page (`request(position)`), how to read the paging fields of a
response (`read(body) -> PageInfo`) and which strategy moves from one page to the next:
`PageNumber` (page 1, 2, ...), `Offset` (offset += items received) or `CursorToken` (the token
the last page named). `paginate` runs the loop and applies ONE rule for when a result is complete.

The rule: a result is complete only when the API itself said the list has ended, by the first of
these the response declares:

1. a total number of items: complete once that many were received; an empty page before that is
   incomplete (the list shrank while paging, or the API stopped early);
2. a total number of pages: complete once the last page was received; an empty page before it is
   incomplete;
3. a cursor: complete on a page with no next token; a token that repeats is incomplete;
4. none of these: a page shorter than the page size asked for (an empty one included) is the
   end, complete; a full page means more may exist, so the next page is asked for.

Reaching `max_pages` before any of these ends is incomplete. Everything else (a request or a body
that fails) propagates and the run fails: a partial result is never read as "all listings seen",
so a scraper failure never closes listings.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from collectors.records import ListingRecord
from collectors.sources._collect import Parser, dedupe
from collectors.sources.base import CollectResult, Fetched

__all__ = ["CursorToken", "Offset", "PageInfo", "PageNumber", "paginate"]

Position = TypeVar("Position")


@dataclass(frozen=True, slots=True)
class PageInfo:
    """The paging fields of one response, as its source reads them."""

    count: int  # items on this page, before any filtering by the parser
    total: int | None = None  # items the API says the whole list holds
    pages: int | None = None  # pages the API says the whole list spans
    next_token: str | None = None  # cursor paging: the token that asks for the next page


class _Strategy(Generic[Position]):
    page_size: int | None = None  # what was asked for per page, where the request says it
    uses_cursor = False

    def first(self) -> Position:
        raise NotImplementedError

    def after(self, position: Position, info: PageInfo) -> Position:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class PageNumber(_Strategy[int]):
    """Pages numbered `start`, `start + 1`, ... of `page_size` items."""

    page_size: int | None
    start: int = 1

    def first(self) -> int:
        return self.start

    def after(self, position: int, info: PageInfo) -> int:
        return position + 1


@dataclass(frozen=True, slots=True)
class Offset(_Strategy[int]):
    """Pages asked for by an item offset, which moves by the items each page held."""

    page_size: int | None

    def first(self) -> int:
        return 0

    def after(self, position: int, info: PageInfo) -> int:
        return position + info.count


@dataclass(frozen=True, slots=True)
class CursorToken(_Strategy[str | None]):
    """The first page asked for without a token, each next one with the token the last named."""

    uses_cursor = True

    def first(self) -> str | None:
        return None

    def after(self, position: str | None, info: PageInfo) -> str | None:
        return info.next_token


def _end(
    info: PageInfo, *, number: int, seen: int, strategy: _Strategy[Any], tokens: set[str]
) -> tuple[bool, str] | None:
    """None to go on; else (complete, warning): the rule in the module docstring, in its order."""
    if info.total is not None:
        if seen >= info.total:
            return True, ""
        if info.count == 0:
            return False, (
                f"empty page {number} after {seen} of total {info.total} "
                f"(stopped short, before total {info.total})"
            )
        return None
    if info.pages is not None:
        if number >= info.pages:
            return True, ""
        if info.count == 0:
            return False, f"empty page {number} of the {info.pages} pages declared ({seen} items seen)"
        return None
    if strategy.uses_cursor:
        if info.next_token is None:
            return True, ""
        if info.next_token in tokens:
            return False, f"next-page token {info.next_token!r} repeated; stopped paging"
        tokens.add(info.next_token)
        return None
    if strategy.page_size is None or info.count < strategy.page_size:
        return True, ""
    return None


async def paginate(
    request: Callable[[Position], Awaitable[Fetched]],
    strategy: _Strategy[Position],
    read: Callable[[bytes], PageInfo],
    parse: Parser,
    options: Mapping[str, Any],
    *,
    max_pages: int,
    record_url: str | None = None,
) -> CollectResult:
    """Fetch and parse page after page until the rule above ends the list or `max_pages` is hit.

    `record_url` is passed to `parse` as the URL of every page (default: each page's own URL).
    Records are deduplicated by external id, first kept: an item can move from one page to the
    next while paging.
    """
    records: list[ListingRecord] = []
    responses: list[Fetched] = []
    warnings: list[str] = []
    tokens: set[str] = set()
    complete = False
    seen = 0
    position = strategy.first()
    for number in range(1, max_pages + 1):
        fetched = await request(position)
        responses.append(fetched)
        records.extend(parse(fetched.body, url=record_url or fetched.url, options=options))
        info = read(fetched.body)
        seen += info.count
        end = _end(info, number=number, seen=seen, strategy=strategy, tokens=tokens)
        if end is not None:
            complete, warning = end
            if warning:
                warnings.append(warning)
            break
        position = strategy.after(position, info)
    else:
        warnings.append(f"stopped after {max_pages} pages ({seen} items seen) with more to fetch")
    return CollectResult(
        records=dedupe(records), responses=responses, complete=complete, warnings=warnings
    )
