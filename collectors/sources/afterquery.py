"""AfterQuery's own expert listings API (`GET experts.afterquery.com/api/jobs/listings`).

AfterQuery's expert gigs are published here, not on its Ashby board (which holds staff roles).
One GET answers `{"jobs": [{id, docId, title, description, salary, department, link, archived,
featured, detailPage: {location, ...}}]}`, the whole list with no paging. The shape is from public
scrapers that read this endpoint (no raw response has been saved; fixtures follow their field
use exactly): `salary` is the pay as text ("$50-$100/hr", sometimes a yearly range), `link` the
slug of the apply page `https://experts.afterquery.com/apply/<link>`, `docId` the stable id (`id`
is a number that looks like an epoch-ms timestamp, but that is not documented, so no posting date
is inferred from it). Archived jobs are dropped.

Pay: `salary` through `collectors.pay.parse_pay` (a bare "$" stays currency-unstated, and
`to_hourly_usd` records reading it as USD). Location: `detailPage.location` when present.

Access: the endpoint sits behind Vercel's bot protection; a scripted request may get HTTP 429 with
`X-Vercel-Mitigated: challenge` (a challenge page, not a rate limit). That run is recorded as
failed with that status, and closes nothing.

Options: none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from collectors.pay import parse_pay
from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources._collect import one_get
from collectors.sources.base import CollectResult, Fetcher, SourceConfig

KIND = "afterquery"
APPLY_URL = "https://experts.afterquery.com/apply/{link}"
APPLY_BY_ID_URL = "https://experts.afterquery.com/apply?job={job_id}"


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    document = c.load_json(body, KIND)
    if not isinstance(document, Mapping) or "jobs" not in document:
        raise ParseError(f"{KIND}: expected {{jobs: [...]}}, got {c.keys_seen(document)}")
    jobs = c.require_objects(c.require_list(document, "jobs", KIND), KIND, "jobs")
    return [_record(job) for job in jobs if job.get("archived") is not True]


def _record(job: Mapping[str, Any]) -> ListingRecord:
    raw_id = job.get("docId") if c.text_field(job.get("docId")) else job.get("id")
    job_id = c.external_id(raw_id, KIND, "docId or id")
    title = c.required_text(job.get("title"), KIND, f"job {job_id}")
    salary = c.text_field(job.get("salary"))
    pay = parse_pay(salary) if salary else None
    detail = job.get("detailPage")
    location = c.text_field(detail.get("location")) if isinstance(detail, Mapping) else None
    link = c.text_field(job.get("link"))
    numeric_id = c.text_field(job.get("id")) or (str(job["id"]) if isinstance(job.get("id"), int) else None)
    if link:
        public_url: str | None = APPLY_URL.format(link=quote(link, safe="-_.~"))
    elif numeric_id:
        public_url = APPLY_BY_ID_URL.format(job_id=quote(numeric_id))
    else:
        public_url = None
    description = job.get("description")
    description_text = (
        c.html_to_text(description) if isinstance(description, str) and "<" in description
        else description if isinstance(description, str) else None
    )
    return ListingRecord(
        external_id=job_id,
        title=title,
        url=public_url,
        location=location,
        is_remote=c.mentions_remote(location),
        country=c.country_code(location),
        employment_type=None,
        department=c.text_field(job.get("department")),
        pay_text=salary if pay is not None else None,
        pay=pay,
        description_sha256=c.description_sha256(description_text),
        posted_at=None,
    )


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """One GET of the listings API."""
    return await one_get(source, fetcher, parse)
