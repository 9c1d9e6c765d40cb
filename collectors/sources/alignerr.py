"""Alignerr's public jobs API (`www.alignerr.com/api/jobs?limit=<n>&offset=<n>`).

The answer is `{"jobs": [{id, title, description, pay, location, applyUrl, category,
originalCategory}], "limit", "offset", "total"}`; `collect` pages with `offset` until `total`.
An older v1 answered a bare array of `{id, name, isActive, absolute_url, location, category,
jobType}` (inactive jobs skipped); it is still read.

Pay is the published chip text `pay` ("$40-120/hr") through `collectors.pay.parse_pay`.
Public page: `https://www.alignerr.com/jobs/<id>` (`applyUrl` is that path). The job page itself
(`__NEXT_DATA__`, with numeric hourly bounds) is the `alignerr_page` kind.

Variants: Alignerr publishes one job per target place, sharing a `masterJobId`. Items that carry a
`masterJobId` are recorded under it (`external_id`), and the variants of one master job in a
response are merged into ONE record whose `location` lists every variant's place ("Germany;
France") and whose `country` is set only when all variants name the same one.

Options: `limit`, the page size `collect` asks for (default 120).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from collectors.pay import parse_pay
from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources._paging import Offset, PageInfo, paginate
from collectors.sources.base import CollectResult, Fetched, Fetcher, SourceConfig

KIND = "alignerr"
SITE = "https://www.alignerr.com"
PAGE_SIZE = 120
MAX_PAGES = 200


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    document = c.load_json(body, KIND)
    if isinstance(document, Mapping) and "jobs" in document:
        jobs = c.require_objects(c.require_list(document, "jobs", KIND), KIND, "jobs")
        return merge_variants([_record(job) for job in jobs])
    if isinstance(document, list):  # v1
        jobs = c.require_objects(document, KIND, "jobs")
        return merge_variants([_record(job) for job in jobs if job.get("isActive") is not False])
    raise ParseError(
        f"{KIND}: expected {{jobs, limit, offset, total}} or a v1 array; got {c.keys_seen(document)}"
    )


def page_info(body: bytes) -> tuple[int, int | None]:
    """(number of jobs in this page, `total`), for paging. `total` is None for the v1 array."""
    document = c.load_json(body, KIND)
    if isinstance(document, list):
        return len(document), None
    if not isinstance(document, Mapping) or "jobs" not in document:
        raise ParseError(f"{KIND}: expected {{jobs, total}}, got {c.keys_seen(document)}")
    total = document.get("total")
    if isinstance(total, bool) or not isinstance(total, int):
        raise ParseError(f"{KIND}: `total` is {total!r}, not an integer")
    return len(c.require_list(document, "jobs", KIND)), total


def job_url(job_id: str, apply_url: str | None = None) -> str:
    if apply_url:
        return urljoin(SITE + "/", apply_url)
    return f"{SITE}/jobs/{job_id}"


def merge_variants(records: list[ListingRecord]) -> list[ListingRecord]:
    """One record per `external_id` (a variant's `masterJobId`), in first-seen order: the first
    variant's fields, every variant's place as `location`, `country` only when all agree, remote
    when any variant says so."""
    groups: dict[str, list[ListingRecord]] = {}
    for record in records:
        groups.setdefault(record.external_id, []).append(record)
    merged: list[ListingRecord] = []
    for variants in groups.values():
        first = variants[0]
        if len(variants) == 1:
            merged.append(first)
            continue
        places = list(dict.fromkeys(v.location for v in variants if v.location))
        countries = {v.country for v in variants}
        remote = [v.is_remote for v in variants if v.is_remote is not None]
        merged.append(dataclasses.replace(
            first,
            location="; ".join(places) or None,
            country=countries.pop() if len(countries) == 1 else None,
            is_remote=any(remote) if remote else None,
        ))
    return merged


def _record(job: Mapping[str, Any]) -> ListingRecord:
    job_id = c.external_id(job.get("id"), KIND)
    master_id = c.text_field(job.get("masterJobId"))
    title = c.required_text(c.text_field(job.get("title")) or job.get("name"), KIND, f"job {job_id}")
    pay_text = c.text_field(job.get("pay"))
    pay = parse_pay(pay_text) if pay_text else None
    location = c.text_field(job.get("location"))
    description = job.get("description")
    return ListingRecord(
        external_id=master_id or job_id,
        title=title,
        url=c.text_field(job.get("absolute_url"))
        or job_url(job_id, c.text_field(job.get("applyUrl"))),
        location=location,
        is_remote=c.mentions_remote(location),
        country=c.country_code(c.text_field(job.get("countryCode"))) or c.country_code(location),
        employment_type=c.text_field(job.get("jobType")),
        department=c.text_field(job.get("category")) or c.text_field(job.get("originalCategory")),
        pay_text=pay_text if pay is not None else None,
        pay=pay,
        description_sha256=c.description_sha256(
            c.html_to_text(description) if isinstance(description, str) else None
        ),
        posted_at=None,
    )


def _with_offset(url: str, offset: int, limit: int) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query["offset"] = str(offset)
    query.setdefault("limit", str(limit))
    return urlunsplit(parts._replace(query=urlencode(query)))


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """GET pages with `offset` += the page's size until `total` is reached.

    An empty page before `total` (the list shrank while paging) or MAX_PAGES pages gives
    `complete=False`, with a warning saying how many of `total` were seen (the one rule of
    collectors/sources/_paging.py). The v1 array is the whole list in one response.
    """
    limit = int(source.options.get("limit", PAGE_SIZE))

    async def request(offset: int) -> Fetched:
        return await fetcher.get(_with_offset(source.url, offset, limit))

    return await paginate(request, Offset(limit), _page, parse, source.options, max_pages=MAX_PAGES)


def _page(body: bytes) -> PageInfo:
    count, total = page_info(body)
    # The v1 array is not paged: it is the whole list, so its own length is the total.
    return PageInfo(count=count, total=count if total is None else total)
