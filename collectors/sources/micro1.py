"""micro1's expert job portal API (`POST prod-api.micro1.ai/api/v1/job/portal?page=&limit=&keyword=`).

Body `{"action": "get_all_jobs", "filters": {"type": ["EXPERT"]}}`; the answer is
`{"status": true, "data": [{job_id, job_name, ideal_hourly_rate: {min, max}, skills,
location_type, engagement_type, domain_slug, apply_url, date_posted}], "total": <n>}`
(`posted_at` is `date_posted`, else `created_at`). `collect` asks for
pages 1, 2, ... until `total` jobs are seen or a page is empty (at most 50 pages).

No real response has been saved (MANIFEST "Gaps"); the shape is from sources.md and public
scraper code (growthaudit/humansourcer `scrape-micro1.mjs`). `status: false` or a missing `data`
raises ParseError. Pay: `ideal_hourly_rate` through `collectors.pay.from_hourly_bounds` (USD).
Public page: `https://jobs.micro1.ai/post/<job_id>` (read by the `micro1_page` kind).

Per task: `ideal_hourly_rate` is named hourly, but some jobs' own text says the pay is per task
("paid per approved task"). There the text wins: the range is recorded with unit "task" and
`pay_text` says so, never as an hourly rate.

Options: `body`, merged over the default body; `limit`, the page size (default 100).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from collectors.pay import format_pay, from_hourly_bounds
from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources._paging import PageInfo, PageNumber, paginate
from collectors.sources.base import CollectResult, Fetched, Fetcher, SourceConfig

KIND = "micro1"
PUBLIC_URL = "https://jobs.micro1.ai/post/{job_id}"
MAX_PAGES = 50
DEFAULT_BODY: dict[str, Any] = {"action": "get_all_jobs", "filters": {"type": ["EXPERT"]}}


_PER_TASK = re.compile(
    r"\b(?:paid|pay|pays|payment|compensat\w*|rate|earn\w*)\b[^.\n]{0,60}?"
    r"\bper\s+(?:approved\s+|completed\s+|accepted\s+)?(?:task|submission)s?\b",
    re.I,
)


def says_pay_is_per_task(text: str | None) -> bool:
    """Whether a job's text says its pay is per task ("paid per approved task")."""
    return bool(text) and _PER_TASK.search(text or "") is not None


def _data(document: Any) -> tuple[list[Mapping[str, Any]], int | None]:
    if isinstance(document, Mapping) and document.get("status") is False:
        raise ParseError(f"{KIND}: the API answered status false: {document.get('message')!r}")
    if not isinstance(document, Mapping) or "data" not in document:
        raise ParseError(f"{KIND}: expected {{status, data, total}}, got {c.keys_seen(document)}")
    jobs = c.require_objects(c.require_list(document, "data", KIND), KIND, "data")
    total = document.get("total")
    return jobs, total if isinstance(total, int) and not isinstance(total, bool) else None


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    return [_record(job) for job in _data(c.load_json(body, KIND))[0]]


def page_info(body: bytes) -> PageInfo:
    """The jobs in this page and `total`, for the paginator."""
    jobs, total = _data(c.load_json(body, KIND))
    return PageInfo(count=len(jobs), total=total)


def job_record(job: Mapping[str, Any]) -> ListingRecord:
    """The record of one job object in the portal API's row shape (also used by `micro1_page`)."""
    return _record(job)


def _record(job: Mapping[str, Any], *, extra_text: str = "") -> ListingRecord:
    """One job object (a list row, or the job in a `micro1_page`); `extra_text` is page text read
    with the description for the per-task rule."""
    job_id = c.external_id(job.get("job_id"), KIND, "job_id")
    title = c.text_field(job.get("job_name"))
    if title is None:
        raise ParseError(f"{KIND}: job {job_id} has no job_name")
    rate = job.get("ideal_hourly_rate")
    pay = None
    if isinstance(rate, Mapping):
        low, high = c.number(rate.get("min")), c.number(rate.get("max"))
        if low or high:
            pay = from_hourly_bounds(low, high)
    elif rate is not None:
        raise ParseError(f"{KIND}: ideal_hourly_rate of {job_id} is {c.keys_seen(rate)}")
    location = c.text_field(job.get("location_type"))
    skills = job.get("skills")
    description = job.get("description")
    description_text = description if isinstance(description, str) else ""
    pay_text = format_pay(pay) if pay is not None else None
    if pay is not None and says_pay_is_per_task(f"{c.html_to_text(description_text)}\n{extra_text}"):
        pay = dataclasses.replace(pay, unit="task")
        pay_text = f"{format_pay(pay)} (ideal_hourly_rate; the job's text says pay is per task)"
    if isinstance(skills, list) and skills:
        description_text += "\nSkills: " + ", ".join(str(s) for s in skills)
    return ListingRecord(
        external_id=job_id,
        title=title,
        url=PUBLIC_URL.format(job_id=job_id),
        location=location,
        is_remote=c.mentions_remote(location),
        employment_type=c.text_field(job.get("engagement_type")),
        department=c.text_field(job.get("domain_slug")),
        pay_text=pay_text,
        pay=pay,
        description_sha256=c.description_sha256(description_text),
        # real list rows carry `date_posted`; `created_at` is the older name some scrapers show
        posted_at=c.parse_datetime(job.get("date_posted") or job.get("created_at")),
    )


def _page_url(url: str, page: int, limit: int) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query["page"] = str(page)
    query.setdefault("limit", str(limit))
    query.setdefault("keyword", "")
    return urlunsplit(parts._replace(query=urlencode(query)))


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """POST page 1, 2, ... until `total` jobs are seen (or, with no `total`, a page is short).

    Completeness follows the one rule of collectors/sources/_paging.py.
    """
    body = {**DEFAULT_BODY, **dict(source.options.get("body", {}))}
    limit = int(source.options.get("limit", 100))

    async def request(page: int) -> Fetched:
        return await fetcher.post(_page_url(source.url, page, limit), json=body)

    return await paginate(
        request, PageNumber(limit), page_info, parse, source.options, max_pages=MAX_PAGES
    )
