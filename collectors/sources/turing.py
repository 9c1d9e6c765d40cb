"""Turing's jobs API (`POST work.turing.com/api/jobs/all`).

UNCERTAIN SHAPE: no real response has been saved (see real-samples/MANIFEST.md, "Gaps"). What is
known: sources.md says the body is `{"searchQuery":"","expertise":[],"location":[],"pageNumber":1,
"pageSize":500,"sortingCriteria":"newest"}` and the answer has `success`, `totalCount` and rows;
public scraper code (growthaudit/humansourcer `scrape-turing.mjs`) reads the rows from `jobs`, each
with `id`, `title`, `description`, `locationType`, `roleGroup`, `jobCode`.

So this parser is strict: it accepts only an object with `success: true` and a `jobs` array whose
items have `id` and `title`. Anything else raises ParseError naming the keys it saw, so the first
real response tells us the real shape instead of being read as "no listings". No pay field is
documented: pay is read only from a pay section or sentence in `description`.
Public page: `https://work.turing.com/jobs/<jobCode or id>`.

Options: `body`, merged over the default body (`pageNumber` is set by `collect`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources._paging import PageInfo, PageNumber, paginate
from collectors.sources.base import CollectResult, Fetched, Fetcher, SourceConfig

KIND = "turing"
ROWS_KEY = "jobs"
MAX_PAGES = 50
DEFAULT_BODY: dict[str, Any] = {
    "searchQuery": "",
    "expertise": [],
    "location": [],
    "pageNumber": 1,
    "pageSize": 500,
    "sortingCriteria": "newest",
}


def _rows(document: Any) -> tuple[list[Mapping[str, Any]], int | None]:
    if not isinstance(document, Mapping):
        raise ParseError(f"{KIND}: expected an object {{success, totalCount, jobs}}, got {c.keys_seen(document)}")
    if document.get("success") is not True:
        raise ParseError(
            f"{KIND}: `success` is {document.get('success')!r}, not true; {c.keys_seen(document)}"
        )
    if ROWS_KEY not in document:
        raise ParseError(
            f"{KIND}: the row list key {ROWS_KEY!r} is not in the response; {c.keys_seen(document)}. "
            "The shape is unverified (no real sample): update collectors/sources/turing.py"
        )
    rows = c.require_objects(c.require_list(document, ROWS_KEY, KIND), KIND, ROWS_KEY)
    total = document.get("totalCount")
    return rows, total if isinstance(total, int) and not isinstance(total, bool) else None


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    return [_record(row) for row in _rows(c.load_json(body, KIND))[0]]


def page_info(body: bytes) -> PageInfo:
    """The rows in this page and `totalCount`, for the paginator."""
    rows, total = _rows(c.load_json(body, KIND))
    return PageInfo(count=len(rows), total=total)


def _record(row: Mapping[str, Any]) -> ListingRecord:
    missing = [key for key in ("id", "title") if key not in row]
    if missing:
        raise ParseError(
            f"{KIND}: a row lacks {', '.join(missing)}; it has {c.keys_seen(row)}. "
            "The shape is unverified (no real sample): update collectors/sources/turing.py"
        )
    job_id = c.external_id(row.get("id"), KIND)
    title = c.text_field(row.get("title"))
    if title is None:
        raise ParseError(f"{KIND}: job {job_id} has an empty title")
    slug = c.text_field(row.get("jobCode")) or job_id
    location = c.text_field(row.get("locationType"))
    description = row.get("description")
    description_html = description if isinstance(description, str) else ""
    found = c.find_pay_in_html(description_html)
    return ListingRecord(
        external_id=job_id,
        title=title,
        url=f"https://work.turing.com/jobs/{slug}",
        location=location,
        is_remote=c.mentions_remote(location),
        department=c.text_field(row.get("roleGroup")),
        pay_text=found[0] if found else None,
        pay=found[1] if found else None,
        description_sha256=c.description_sha256(c.html_to_text(description_html)),
    )


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """POST pages (`pageNumber` 1, 2, ...) until `totalCount` rows are seen.

    Without a `totalCount`, a full page asks for the next and a short page ends the list
    (the one rule of collectors/sources/_paging.py).
    """
    body = {**DEFAULT_BODY, **dict(source.options.get("body", {}))}
    page_size = int(body.get("pageSize") or 500)

    async def request(page: int) -> Fetched:
        return await fetcher.post(source.url, json={**body, "pageNumber": page})

    return await paginate(
        request, PageNumber(page_size), page_info, parse, source.options, max_pages=MAX_PAGES
    )
