"""An Alignerr Next.js page (`www.alignerr.com/jobs/<uuid>`): its `__NEXT_DATA__` JSON.

The job page holds `props.pageProps.job` with `lowerBoundHourlyRate` / `upperBoundHourlyRate`
(the pay, `salaryType: "HOURLY"`), `name`, `location`, `jobType`, `category`, `longDescription`.
The jobs list page (`/en/jobs`) holds `props.pageProps.initialJobs` in the API's item shape; it is
read too (one record per job).

Pay: the numeric bounds through `collectors.pay.from_hourly_bounds` (USD). `pay_text` is the
visible chip ("$75-90/hr") when the page shows one. A `salaryType` other than HOURLY raises
ParseError rather than being read as hourly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from bs4 import Tag

from collectors.pay import format_pay, from_hourly_bounds
from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources import alignerr
from collectors.sources._collect import one_get
from collectors.sources.base import CollectResult, Fetcher, SourceConfig

KIND = "alignerr_page"

_CHIP = re.compile(r"^\$\s?\d[\d,.]*(?:\s?[-–]\s?\$?\d[\d,.]*)?\s?/\s?(?:hr|hour)$", re.I)


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    page = c.soup(body.decode("utf-8", "replace"))
    script = page.find("script", id="__NEXT_DATA__")
    if not isinstance(script, Tag):
        raise ParseError(f"{KIND}: the page has no <script id=\"__NEXT_DATA__\">")
    try:
        data = json.loads(script.string or script.get_text() or "")
    except json.JSONDecodeError as exc:
        raise ParseError(f"{KIND}: __NEXT_DATA__ is not JSON ({exc})") from exc
    props = data.get("props") if isinstance(data, Mapping) else None
    page_props = props.get("pageProps") if isinstance(props, Mapping) else None
    if not isinstance(page_props, Mapping):
        raise ParseError(f"{KIND}: __NEXT_DATA__ has no props.pageProps; it is {c.keys_seen(data)}")
    job = page_props.get("job")
    if isinstance(job, Mapping):
        return [_record(job, _chip_text(page))]
    jobs = page_props.get("initialJobs")
    if isinstance(jobs, list):
        payload = json.dumps({"jobs": jobs}).encode()
        return alignerr.parse(payload, url=url, options=options)
    raise ParseError(
        f"{KIND}: props.pageProps has neither `job` nor `initialJobs`; it is {c.keys_seen(page_props)}"
    )


def _chip_text(page: Any) -> str | None:
    for node in page.find_all(string=True):
        text = " ".join(str(node).split())
        if _CHIP.match(text):
            return text
    return None


def _record(job: Mapping[str, Any], chip: str | None) -> ListingRecord:
    job_id = c.external_id(job.get("id"), KIND)
    title = c.text_field(job.get("name")) or c.text_field(job.get("title"))
    if title is None:
        raise ParseError(f"{KIND}: job {job_id} has no name")
    salary_type = c.text_field(job.get("salaryType"))
    if salary_type is not None and salary_type.upper() != "HOURLY":
        raise ParseError(f"{KIND}: job {job_id} has salaryType {salary_type!r}, not HOURLY")
    lower = c.number(job.get("lowerBoundHourlyRate"))
    upper = c.number(job.get("upperBoundHourlyRate"))
    pay = from_hourly_bounds(lower, upper) if (lower or upper) else None
    location = c.text_field(job.get("location"))
    country = c.text_field(job.get("countryCode"))
    description = job.get("longDescription")
    if not isinstance(description, str):
        description = c.html_to_text(job.get("htmlLongDescription"))
    return ListingRecord(
        external_id=job_id,
        title=title,
        url=alignerr.job_url(job_id),
        location=location,
        is_remote=c.mentions_remote(location),
        country=c.country_code(country),
        employment_type=c.text_field(job.get("jobType")),
        department=c.text_field(job.get("category")),
        pay_text=(chip or format_pay(pay)) if pay is not None else None,
        pay=pay,
        description_sha256=c.description_sha256(description),
        posted_at=c.parse_datetime(job.get("firstPostDate") or job.get("createdAt")),
    )


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """One GET of the page at `url`."""
    return await one_get(source, fetcher, parse)
