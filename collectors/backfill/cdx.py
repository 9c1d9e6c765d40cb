"""A small CDX client: the captures a Wayback Machine (or a mirror) holds of one URL.

Written here rather than taken from EDGI's `wayback` or `cdx_toolkit`: both bring their own
`requests` session, so their requests would bypass gigwatch's one fetcher (robots.txt, the per-host
limit the Internet Archive asks for, backoff on 429/5xx, size caps, keeping raw responses). What
is needed is small: the JSON output (the first row names the fields), paging with a resume key,
and the `id_` form of a capture URL, which serves the body as originally captured.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from collectors.sources.base import Fetcher

DEFAULT_ARCHIVE_URL = "https://web.archive.org"
CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
PAGE_LIMIT = 500  # rows per CDX request
_CAPTURE_TIMESTAMP = re.compile(r"/web/(\d{14})id_/")


class CDXError(ValueError):
    """The CDX server answered something that is not CDX JSON."""


@dataclass(frozen=True, slots=True)
class CaptureRow:
    """One row of the CDX index."""

    timestamp: str  # YYYYMMDDhhmmss, UTC
    original: str
    mimetype: str
    statuscode: str
    digest: str

    @property
    def captured_at(self) -> datetime:
        return parse_timestamp(self.timestamp)


def parse_timestamp(timestamp: str) -> datetime:
    return datetime.strptime(timestamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def capture_url(archive_url: str, timestamp: str, original: str) -> str:
    """The capture as originally served (no Wayback banner or rewritten links)."""
    return f"{archive_url.rstrip('/')}/web/{timestamp}id_/{original}"


def timestamp_of(url: str) -> str | None:
    """The capture timestamp in a capture URL (after a redirect to the nearest capture)."""
    match = _CAPTURE_TIMESTAMP.search(url)
    return match.group(1) if match else None


def parse_cdx_page(body: bytes) -> tuple[list[CaptureRow], str | None]:
    """Rows of one CDX JSON page and its resume key (None on the last page)."""
    if not body.strip():
        return [], None
    try:
        table = json.loads(body)
    except ValueError as exc:
        raise CDXError(f"not CDX JSON: {exc}") from exc
    if not isinstance(table, list) or not table:
        return [], None
    first = table[0]
    if not isinstance(first, list):
        raise CDXError(f"not a CDX table: the first row is {first!r}")
    if {"timestamp", "original", "statuscode"} <= set(first):
        header, body_rows = first, table[1:]
    elif len(first) == len(CDX_FIELDS) and str(first[1]).isdigit():
        # A page after a resume key may come without the field names: the default field order.
        header, body_rows = list(CDX_FIELDS), table
    elif first == []:
        header, body_rows = list(CDX_FIELDS), table
    else:
        raise CDXError(f"the first row does not name the CDX fields: {first!r}")
    index = {name: header.index(name) for name in header}
    rows: list[CaptureRow] = []
    resume: str | None = None
    for position, row in enumerate(body_rows):
        if row == []:  # with showResumeKey, an empty row comes before the key
            rest = body_rows[position + 1:]
            resume = str(rest[0][0]) if rest and rest[0] else None
            break
        if not isinstance(row, list) or len(row) < len(header):
            raise CDXError(f"a CDX row with missing fields: {row!r}")
        rows.append(CaptureRow(
            timestamp=str(row[index["timestamp"]]),
            original=str(row[index["original"]]),
            mimetype=str(row[index["mimetype"]]) if "mimetype" in index else "",
            statuscode=str(row[index["statuscode"]]),
            digest=str(row[index["digest"]]) if "digest" in index else "",
        ))
    return rows, resume


async def list_captures(
    fetcher: Fetcher,
    url: str,
    *,
    archive_url: str = DEFAULT_ARCHIVE_URL,
    from_date: str | None = None,
    to_date: str | None = None,
    limit: int = PAGE_LIMIT,
) -> list[CaptureRow]:
    """Every 200 capture of `url`, oldest first, identical consecutive bodies collapsed."""
    params: dict[str, str] = {
        "url": url, "output": "json", "filter": "statuscode:200", "collapse": "digest",
        "showResumeKey": "true", "limit": str(limit),
    }
    if from_date:
        params["from"] = from_date.replace("-", "")
    if to_date:
        params["to"] = to_date.replace("-", "")
    rows: list[CaptureRow] = []
    resume: str | None = None
    seen_keys: set[str] = set()
    while True:
        query = dict(params, resumeKey=resume) if resume else params
        fetched = await fetcher.get(f"{archive_url.rstrip('/')}/cdx/search/cdx?{urlencode(query)}")
        page, resume = parse_cdx_page(fetched.body)
        rows.extend(page)
        if not resume or resume in seen_keys:  # a server repeating a key would loop for ever
            break
        seen_keys.add(resume)
    return sorted(rows, key=lambda row: row.timestamp)
