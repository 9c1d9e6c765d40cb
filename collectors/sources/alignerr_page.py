"""An Alignerr Next.js page (`www.alignerr.com/jobs/<uuid>`): its `__NEXT_DATA__` JSON.

The job page holds `props.pageProps.job` with `lowerBoundHourlyRate` / `upperBoundHourlyRate`
(the pay, `salaryType: "HOURLY"`), `name`, `location`, `jobType`, `category`, `longDescription`.
The jobs list page (`/en/jobs`) holds `props.pageProps.initialJobs` in the API's item shape; it is
read too (one record per job).

Pay: the numeric bounds through `collectors.pay.from_hourly_bounds`. The bounds carry no currency
and the page shows only a bare "$" ("$75-90/hr"), so the pay's currency is left unstated with the
sign "$": `to_hourly_usd` then reads it as USD and records that assumption ("currency not stated;
bare '$' read as USD") in the listing's `hourly_assumptions`. `pay_text` is the visible chip when
the page shows one. A `salaryType` other than HOURLY raises ParseError rather than being read as
hourly.

Location: `location` is the *variant's* target place ("Vancouver", "Germany"), while the page
itself says the work is remote (its "Remote" chip, and "Location: Remote" in the description), so
`is_remote` is True when the page says so and `country` comes from `countryCode`, else from a
`location` that is a country name (a city gives no country: nothing is guessed).

Variants: Alignerr publishes one job per target place, all sharing a `masterJobId`. A variant is
recorded under its `masterJobId` as `external_id` (so the variants of one job are ONE listing,
whichever variant page was fetched); the variant's own id stays in `url`. In a list, variants
sharing a `masterJobId` are merged into one record whose `location` names every variant's place.
"""

from __future__ import annotations

import dataclasses
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
        return [_record(job, _chip_text(page), page_says_remote=_page_says_remote(page, job))]
    jobs = page_props.get("initialJobs")
    if isinstance(jobs, list):
        payload = json.dumps({"jobs": jobs}).encode()
        return alignerr.parse(payload, url=url, options=options)  # merges masterJobId variants
    raise ParseError(
        f"{KIND}: props.pageProps has neither `job` nor `initialJobs`; it is {c.keys_seen(page_props)}"
    )


def _chip_text(page: Any) -> str | None:
    for node in page.find_all(string=True):
        text = " ".join(str(node).split())
        if _CHIP.match(text):
            return text
    return None


_REMOTE_LINE = re.compile(r"\blocation\b\W{0,6}:?\W{0,6}remote\b", re.I)


def _page_says_remote(page: Any, job: Mapping[str, Any]) -> bool:
    """The page's own word on remote work: a visible chip reading "Remote", or a "Location: Remote"
    line in the description (the variant's `location` is its target place, not where work is)."""
    for node in page.find_all(string=True):
        if " ".join(str(node).split()).casefold() == "remote" and node.parent.name != "script":
            return True
    for field in ("longDescription", "htmlLongDescription"):
        text = job.get(field)
        if isinstance(text, str) and _REMOTE_LINE.search(c.html_to_text(text).replace("*", "")):
            return True
    return False


def _record(job: Mapping[str, Any], chip: str | None, *, page_says_remote: bool = False) -> ListingRecord:
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
    if pay is not None:  # no currency on the page, only "$": say so rather than assert USD
        pay = dataclasses.replace(pay, currency=None, currency_symbol="$")
    location = c.text_field(job.get("location"))
    country = c.country_code(c.text_field(job.get("countryCode"))) or c.country_code(location)
    master_id = c.text_field(job.get("masterJobId"))
    description = job.get("longDescription")
    if not isinstance(description, str):
        description = c.html_to_text(job.get("htmlLongDescription"))
    return ListingRecord(
        external_id=master_id or job_id,
        title=title,
        url=alignerr.job_url(job_id),
        location=location,
        is_remote=True if page_says_remote else c.mentions_remote(location),
        country=country,
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
