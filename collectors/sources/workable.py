"""Workable public job widget API (`apply.workable.com/api/v3/accounts/<account>/jobs`).

Used by Toloka/Mindrift (`toloka-ai`) and CloudFactory (`cloudfactory`). The list is a POST whose
answer is `{"results": [...], "nextPage": "<token>"}` (plus `total` on some accounts); the next
page is the same POST with body `{"token": "<nextPage>"}`. A single job
(`GET /api/v2/accounts/<account>/jobs/<shortcode>`) is an object with `shortcode` and, unlike list
items, `description` / `requirements` / `benefits` HTML.

Public page: `https://apply.workable.com/<account>/j/<shortcode>/`. The account comes from
`options["account"]` or from the API URL.

Pay: Workable has no pay field in these responses; pay comes only from a pay section or pay
sentence in `description` (e.g. "Base Salary Range: $210K - $250K"). List items carry no
description, so their pay is None.

Jobs whose `state` is not "published" or that are `isInternal` are dropped (they are not open
public listings; the raw response is still kept with the run).

Options: `account` (for public URLs); `body`, the first POST's body (default `{}`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources._paging import CursorToken, PageInfo, paginate
from collectors.sources.base import CollectResult, Fetched, Fetcher, SourceConfig

KIND = "workable"
MAX_PAGES = 100

_ACCOUNT_IN_URL = re.compile(r"/accounts/([^/?#]+)")


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    options = options or {}
    document = c.load_json(body, KIND)
    account = options.get("account") or _account_from_url(url)
    if isinstance(document, Mapping) and "results" in document:
        jobs = c.require_objects(c.require_list(document, "results", KIND), KIND, "results")
        return [_record(job, account) for job in jobs if _is_public(job)]
    if isinstance(document, Mapping) and "shortcode" in document:
        return [_record(document, account)] if _is_public(document) else []
    raise ParseError(
        f"{KIND}: expected {{results, nextPage}} or one job {{shortcode, title, ...}}; "
        f"got {c.keys_seen(document)}"
    )


def _is_public(job: Mapping[str, Any]) -> bool:
    """False for a job whose `state` is not "published" (draft, closed, archived) or that is
    `isInternal` (open to the account's staff only): neither is an open public listing. Jobs
    without these fields (older captures) are kept."""
    state = job.get("state")
    if isinstance(state, str) and state.strip().lower() != "published":
        return False
    return job.get("isInternal") is not True


def next_page_token(body: bytes) -> str | None:
    """The `nextPage` token of a list response, None on the last page."""
    document = c.load_json(body, KIND)
    if not isinstance(document, Mapping):
        raise ParseError(f"{KIND}: expected an object, got {c.keys_seen(document)}")
    token = document.get("nextPage")
    return token if isinstance(token, str) and token else None


def _account_from_url(url: str | None) -> str | None:
    match = _ACCOUNT_IN_URL.search(url or "")
    return match.group(1) if match else None


def _record(job: Mapping[str, Any], account: str | None) -> ListingRecord:
    shortcode = c.external_id(job.get("shortcode"), KIND, "shortcode")
    title = c.required_text(job.get("title"), KIND, f"job {shortcode}")
    raw_location = job.get("location")
    location: Mapping[str, Any] = raw_location if isinstance(raw_location, Mapping) else {}
    remote = job.get("remote")
    workplace = c.text_field(job.get("workplace"))
    is_remote: bool | None = None
    if workplace:
        is_remote = workplace.lower() == "remote"
    elif isinstance(remote, bool):
        is_remote = remote
    departments = job.get("department")
    if isinstance(departments, list):
        department = ", ".join(str(d).strip() for d in departments if str(d).strip()) or None
    else:
        department = c.text_field(departments)
    description_html = "\n".join(
        str(job.get(field) or "") for field in ("description", "requirements", "benefits")
    )
    description = job.get("description")
    found = c.find_pay_in_html(description if isinstance(description, str) else None)
    return ListingRecord(
        external_id=shortcode,
        title=title,
        url=f"https://apply.workable.com/{account}/j/{shortcode}/" if account else None,
        location=_location_text(location, is_remote),
        is_remote=is_remote,
        country=_country(job, location),
        employment_type=c.text_field(job.get("type")),
        department=department,
        pay_text=found[0] if found else None,
        pay=found[1] if found else None,
        description_sha256=c.description_sha256(c.html_to_text(description_html)),
        posted_at=c.parse_datetime(job.get("published")),
    )


def _location_text(location: Mapping[str, Any], is_remote: bool | None) -> str | None:
    parts = [c.text_field(location.get(key)) for key in ("city", "region", "country")]
    text = ", ".join(p for p in parts if p)
    if is_remote:
        return f"Remote ({text})" if text else "Remote"
    return text or None


def _country(job: Mapping[str, Any], location: Mapping[str, Any]) -> str | None:
    codes = {
        str(place.get("countryCode")).upper()
        for place in job.get("locations") or []
        if isinstance(place, Mapping) and place.get("countryCode") and not place.get("hidden")
    }
    if len(codes) == 1:
        return codes.pop()
    if not codes:
        code = c.text_field(location.get("countryCode"))
        return code.upper() if code else None
    return None


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """POST the account's job list, then POST `{"token": nextPage}` until there is no next page.

    A token seen twice or more than MAX_PAGES pages gives `complete=False` (the one rule of
    collectors/sources/_paging.py).
    """
    first: Any = dict(source.options.get("body", {}))

    async def request(token: str | None) -> Fetched:
        return await fetcher.post(source.url, json=first if token is None else {"token": token})

    return await paginate(
        request, CursorToken(), _page, parse, source.options, max_pages=MAX_PAGES,
        record_url=source.url,
    )


def _page(body: bytes) -> PageInfo:
    token = next_page_token(body)  # raises ParseError on a body that is not an object
    results = c.load_json(body, KIND).get("results")
    return PageInfo(count=len(results) if isinstance(results, list) else 0, next_token=token)
