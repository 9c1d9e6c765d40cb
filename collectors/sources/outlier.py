"""Outlier's expert job board API (`app.outlier.ai/internal/experts/job-board/jobs`).

The list is `POST .../jobs` with body `{}` (or `{"podsToExclude": []}`), answering
`{"jobs": [{"id": ...}, ...]}`; each job's detail is `GET .../jobs/<id>`, a Greenhouse-like object
(`id`, `title`, `location.name`, `content` HTML with a "Payment" section such as
"$50 per hour"). Outlier's job ids are Greenhouse ids (`47xxxxx005`).

`parse` reads a detail object (one record) or a list whose items already carry `title` (2026 list
items carry `title`, `content`, `location`, `maxHourlyRateUsd` and an `absolute_url` of the form
`https://app.outlier.ai/en/expert/job/<id>`). A list of bare ids raises ParseError: its records
come from the detail responses, which `collect` fetches. In a mixed list the bare items are
skipped by `parse` (their records come from their details).

`collect` fetches a job's detail only when its list item lacks what a record needs (`title`, and
`content` or `maxHourlyRateUsd`); a full 2026 list is one request.

Pay: the "Payment" / "Compensation" section or a pay sentence in `content` ("Currently, pay rates
for core project work ... average USD $15 per hour"), through `collectors.pay.parse_pay`; else
`maxHourlyRateUsd` when present, as "up to" that many USD an hour. Public page: the item's
`absolute_url` when it is on outlier.ai (`/en/expert/job/<id>`), else
`https://app.outlier.ai/en/expert/opportunities/<id>` (older items' `absolute_url` is the
Greenhouse board's page, which is not where Outlier's experts apply).

Options: `body`, the JSON body of the list POST (default `{}`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from collectors.pay import Pay, from_hourly_bounds
from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources._collect import dedupe, fetch_errors
from collectors.sources.base import CollectResult, Fetched, Fetcher, SourceConfig

KIND = "outlier"
PUBLIC_URL = "https://app.outlier.ai/en/expert/opportunities/{job_id}"


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    document = c.load_json(body, KIND)
    if isinstance(document, Mapping) and "jobs" in document and "title" not in document:
        jobs = c.require_objects(c.require_list(document, "jobs", KIND), KIND, "jobs")
        if jobs and all("title" not in job for job in jobs):
            raise ParseError(
                f"{KIND}: this is the id-only list ({len(jobs)} ids); parse the detail responses "
                "(GET .../job-board/jobs/<id>) instead"
            )
        return [_record(job) for job in jobs if "title" in job]
    if isinstance(document, Mapping) and "id" in document and "title" in document:
        return [_record(document)]
    raise ParseError(
        f"{KIND}: expected {{jobs: [...]}} or a job {{id, title, content, ...}}; "
        f"got {c.keys_seen(document)}"
    )


def needs_detail(job: Mapping[str, Any]) -> bool:
    """True when a list item lacks what a record needs: a title, and content or a max rate."""
    return "title" not in job or (
        not c.text_field(job.get("content")) and c.number(job.get("maxHourlyRateUsd")) is None
    )


def list_job_ids(body: bytes) -> list[str]:
    """The job ids of a list response, in order."""
    document = c.load_json(body, KIND)
    if not isinstance(document, Mapping) or "jobs" not in document:
        raise ParseError(f"{KIND}: expected {{jobs: [...]}}, got {c.keys_seen(document)}")
    jobs = c.require_objects(c.require_list(document, "jobs", KIND), KIND, "jobs")
    return [c.external_id(job.get("id"), KIND) for job in jobs]


def _record(job: Mapping[str, Any]) -> ListingRecord:
    job_id = c.external_id(job.get("id"), KIND)
    title = c.required_text(job.get("title"), KIND, f"job {job_id}")
    location = job.get("location")
    location_name = (
        c.text_field(location.get("name")) if isinstance(location, Mapping) else c.text_field(location)
    )
    content = job.get("content")
    content_html = c.unescape_if_escaped(content) if isinstance(content, str) else ""
    pay_text, pay = _pay(job, content_html)
    absolute_url = c.text_field(job.get("absolute_url"))
    own_page = absolute_url and (urlsplit(absolute_url).hostname or "").endswith("outlier.ai")
    return ListingRecord(
        external_id=job_id,
        title=title,
        url=absolute_url if own_page else PUBLIC_URL.format(job_id=job_id),
        location=location_name,
        is_remote=c.mentions_remote(location_name),
        country=None,
        employment_type=None,
        department=None,
        pay_text=pay_text,
        pay=pay,
        description_sha256=c.description_sha256(c.html_to_text(content_html)),
        posted_at=c.parse_datetime(job.get("first_published")),
    )


def _pay(job: Mapping[str, Any], content_html: str) -> tuple[str | None, Pay | None]:
    found = c.find_pay_in_html(content_html)
    if found:
        return found
    ceiling = c.number(job.get("maxHourlyRateUsd"))
    pay = from_hourly_bounds(None, ceiling, "USD") if ceiling else None
    if pay is not None:
        return f"Up to ${ceiling:g}/hr (maxHourlyRateUsd)", pay
    return None, None


def reparse_responses(
    responses: Sequence[tuple[str, bytes]], options: Mapping[str, Any]
) -> list[ListingRecord]:
    """A run's kept responses (the id list and the details) to records: the id-only list is
    skipped, every detail is parsed (used by `collectors.reparse`)."""
    records: list[ListingRecord] = []
    for url, body in responses:
        document = c.load_json(body, KIND)
        if isinstance(document, Mapping) and "jobs" in document and "title" not in document:
            jobs = document.get("jobs")
            if isinstance(jobs, list) and all(
                isinstance(job, Mapping) and "title" not in job for job in jobs
            ):
                continue  # the id-only list
        records.extend(parse(body, url=url, options=options))
    return dedupe(records)


def _detail_url(list_url: str, job_id: str) -> str:
    parts = urlsplit(list_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + f"/{job_id}", query=""))


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """POST the list, then GET the detail of each job whose list item lacks its fields.

    A detail that fails to fetch (HTTP error, e.g. a job closed between list and detail) or to
    parse is a warning and makes the result incomplete; the other jobs are kept. A failing list
    request propagates (the run fails).
    """
    body = source.options.get("body", {})
    listing = await fetcher.post(source.url, json=dict(body))
    responses: list[Fetched] = [listing]
    records: list[ListingRecord] = []
    warnings: list[str] = []
    tolerated: tuple[type[Exception], ...] = (ParseError, *fetch_errors())
    document = c.load_json(listing.body, KIND)
    items = c.require_objects(c.require_list(document, "jobs", KIND), KIND, "jobs") if isinstance(
        document, Mapping) and "jobs" in document else []
    complete_items = [job for job in items if not needs_detail(job)]
    records.extend(_record(job) for job in complete_items)
    missing = {c.external_id(job.get("id"), KIND) for job in items if needs_detail(job)}
    for job_id in list_job_ids(listing.body):
        if job_id not in missing:
            continue  # the list item already carries the record
        detail_url = _detail_url(source.url, job_id)
        try:
            fetched = await fetcher.get(detail_url)
            responses.append(fetched)
            records.extend(parse(fetched.body, url=fetched.url, options=source.options))
        except tolerated as exc:
            warnings.append(f"job {job_id}: {type(exc).__name__}: {exc}")
    return CollectResult(
        records=dedupe(records), responses=responses, complete=not warnings, warnings=warnings
    )
