"""TELUS Digital AI Community job posts (`POST api.telusinternational.ai/apapi/v1/list-job-posts`).

Body `{"is_global": true, "page": <n>, "limit": 100}`; the answer is
`{"data": [{id, title, description, status, job_type, job_domain, compensation: {amount,
currency, unit: "per_hour"|"per_unit"}}], "pagination": {"pages": <n>, ...}}`. `collect` asks for
pages 1..`pagination.pages`. Posts whose `status` is set and is not "active" are skipped.

No real response has been saved (MANIFEST "Gaps"); the shape is from sources.md and public
scraper code. Missing `data` or `pagination.pages` raises ParseError naming the keys seen.
Pay: `compensation` through `from_telus_compensation` (per-unit pay stays per
unit). Public page: `https://www.telusinternational.ai/cmp/public/jobs/available/<id>`.

Options: `body`, merged over the default body (`page` is set by `collect`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collectors.pay import Pay, PayUnit, _as_float, _currency_code, _tidy
from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources._paging import PageInfo, PageNumber, paginate
from collectors.sources.base import CollectResult, Fetched, Fetcher, SourceConfig

KIND = "telus"
PUBLIC_URL = "https://www.telusinternational.ai/cmp/public/jobs/available/{job_id}"
MAX_PAGES = 100
DEFAULT_BODY: dict[str, Any] = {"is_global": True, "page": 1, "limit": 100}


def _data(document: Any) -> list[Mapping[str, Any]]:
    if not isinstance(document, Mapping) or "data" not in document:
        raise ParseError(f"{KIND}: expected {{data, pagination}}, got {c.keys_seen(document)}")
    return c.require_objects(c.require_list(document, "data", KIND), KIND, "data")


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    posts = _data(c.load_json(body, KIND))
    return [_record(post) for post in posts if post.get("status") in (None, "active")]


def page_count(body: bytes) -> int:
    """`pagination.pages` of a list response."""
    document = c.load_json(body, KIND)
    _data(document)
    pagination = document.get("pagination")
    pages = pagination.get("pages") if isinstance(pagination, Mapping) else None
    if isinstance(pages, bool) or not isinstance(pages, int):
        raise ParseError(
            f"{KIND}: pagination.pages is missing or not an integer; pagination is "
            f"{c.keys_seen(pagination)}"
        )
    return pages


def _record(post: Mapping[str, Any]) -> ListingRecord:
    post_id = c.external_id(post.get("id"), KIND)
    title = c.required_text(post.get("title"), KIND, f"job post {post_id}")
    compensation = post.get("compensation")
    if compensation is not None and not isinstance(compensation, dict):
        raise ParseError(f"{KIND}: compensation of {post_id} is {c.keys_seen(compensation)}")
    pay = from_telus_compensation(compensation)
    job_type = c.text_field(post.get("job_type"))
    description = post.get("description")
    return ListingRecord(
        external_id=post_id,
        title=title,
        url=PUBLIC_URL.format(job_id=post_id),
        location="Remote" if job_type and job_type.lower() == "remote" else None,
        is_remote=True if job_type and job_type.lower() == "remote" else None,
        employment_type=None,  # `job_type` says where ("remote"), not the kind of contract
        department=c.text_field(post.get("job_domain")),
        pay_text=_render(compensation, pay),
        pay=pay,
        description_sha256=c.description_sha256(
            c.html_to_text(description) if isinstance(description, str) else None
        ),
        posted_at=c.parse_datetime(post.get("created_at") or post.get("published_at")),
    )


def _render(compensation: Mapping[str, Any] | None, pay: Pay | None) -> str | None:
    if pay is None or not compensation:
        return None
    amount = compensation.get("amount")
    currency = c.text_field(compensation.get("currency")) or ""
    unit = (c.text_field(compensation.get("unit")) or "").replace("_", " ")
    return " ".join(str(p) for p in (amount, currency, unit) if p not in (None, ""))


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """POST page 1, 2, ... up to `pagination.pages` (the one rule of collectors/sources/_paging.py)."""
    body = {**DEFAULT_BODY, **dict(source.options.get("body", {}))}

    async def request(page: int) -> Fetched:
        return await fetcher.post(source.url, json={**body, "page": page})

    return await paginate(
        request, PageNumber(None), _page, parse, source.options, max_pages=MAX_PAGES
    )


def _page(body: bytes) -> PageInfo:
    pages = page_count(body)
    return PageInfo(count=len(_data(c.load_json(body, KIND))), pages=pages)


# --- Pay from the structured fields (the free-text parser is collectors.pay.parse_pay) ---


_TELUS_UNITS: dict[str, PayUnit] = {"per_hour": "hour", "per_unit": "task", "per_task": "task"}


def from_telus_compensation(compensation: dict[str, Any] | None) -> Pay | None:
    """TELUS AI Community `compensation`: `{amount, currency, unit: "per_hour" | "per_unit"}`.

    "per_unit" (one unit of work) gives unit "task".
    """
    if not isinstance(compensation, dict):
        return None
    amount = _as_float(compensation.get("amount"))
    if amount is None:
        return None
    unit = _TELUS_UNITS.get(str(compensation.get("unit") or "").strip().lower(), "unknown")
    return Pay(_tidy(amount), _tidy(amount), _currency_code(compensation.get("currency")), unit)
