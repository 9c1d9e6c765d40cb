"""Lever Postings API (`api.lever.co/v0/postings/<site>?mode=json`, EU: `api.eu.lever.co`).

Used by Appen (`appen`), Welocalize (`weloglobal`), RWS TrainAI (`rws`). The list is a JSON array
of postings; a single posting (`.../postings/<site>/<id>`) is an object; `&group=team` gives an
array of `{title, postings}` groups. All three are read.

Pay, in order: `salaryRange` (through `from_lever_salary_range`; `pay_text` is its
rendering, since `salaryDescriptionPlain` is often a note such as "depends on location"), the free-text
`salaryDescriptionPlain`, then a pay heading or pay sentence in the posting's text (`lists` such as
"Compensation", `descriptionPlain`, `additionalPlain`). Otherwise None.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collectors.pay import Pay, PayUnit, _bounds_pay, format_pay, parse_pay
from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources._collect import one_get
from collectors.sources.base import CollectResult, Fetcher, SourceConfig

KIND = "lever"

_WORKPLACE_REMOTE = {"remote": True, "on-site": False, "onsite": False, "hybrid": False}


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    document = c.load_json(body, KIND)
    if isinstance(document, Mapping):
        if document.get("ok") is False:
            raise ParseError(f"{KIND}: the API answered an error: {document.get('error')!r}")
        if "id" in document and "text" in document:
            return [_record(document)]
        raise ParseError(
            f"{KIND}: expected an array of postings or one posting {{id, text, ...}}; "
            f"got {c.keys_seen(document)}"
        )
    if not isinstance(document, list):
        raise ParseError(f"{KIND}: expected an array of postings, got {c.keys_seen(document)}")
    postings: list[Mapping[str, Any]] = []
    for item in c.require_objects(document, KIND, "postings"):
        if "postings" in item and "id" not in item:  # &group=team
            postings.extend(c.require_objects(c.require_list(item, "postings", KIND), KIND, "postings"))
        else:
            postings.append(item)
    return [_record(posting) for posting in postings]


def _record(posting: Mapping[str, Any]) -> ListingRecord:
    posting_id = c.external_id(posting.get("id"), KIND)
    title = c.required_text(posting.get("text"), KIND, f"posting {posting_id}", "`text` (title)")
    categories = posting.get("categories")
    if not isinstance(categories, Mapping):
        categories = {}
    location = c.text_field(categories.get("location"))
    workplace = c.text_field(posting.get("workplaceType"))
    is_remote = _WORKPLACE_REMOTE.get((workplace or "").lower())
    if is_remote is None:
        is_remote = c.mentions_remote(location)
    country = c.text_field(posting.get("country"))
    pay_text, pay = _pay(posting)
    return ListingRecord(
        external_id=posting_id,
        title=title,
        url=c.text_field(posting.get("hostedUrl")),
        location=location,
        is_remote=is_remote,
        country=country.upper() if country and len(country) == 2 else c.country_code(country),
        employment_type=c.text_field(categories.get("commitment")),
        department=c.text_field(categories.get("department")) or c.text_field(categories.get("team")),
        pay_text=pay_text,
        pay=pay,
        description_sha256=c.description_sha256(_description_text(posting)),
        posted_at=c.parse_datetime(posting.get("createdAt")),
    )


def _description_text(posting: Mapping[str, Any]) -> str:
    parts: list[str] = []
    plain = posting.get("descriptionPlain")
    parts.append(plain if isinstance(plain, str) else c.html_to_text(posting.get("description")))
    for item in posting.get("lists") or []:
        if isinstance(item, Mapping):
            parts.append(str(item.get("text") or ""))
            parts.append(c.html_to_text(str(item.get("content") or "")))
    additional = posting.get("additionalPlain")
    parts.append(
        additional if isinstance(additional, str) else c.html_to_text(posting.get("additional"))
    )
    return "\n".join(p for p in parts if p)


def _pay(posting: Mapping[str, Any]) -> tuple[str | None, Pay | None]:
    salary_range = posting.get("salaryRange")
    description = c.text_field(posting.get("salaryDescriptionPlain"))
    if isinstance(salary_range, dict):
        pay = from_lever_salary_range(salary_range)
        if pay is not None:
            return format_pay(pay), pay
    if description:
        pay = parse_pay(description)
        if pay is not None:
            return description, pay
    lines: list[tuple[str, bool]] = []
    for item in posting.get("lists") or []:
        if isinstance(item, Mapping):
            lines.append((" ".join(str(item.get("text") or "").split()), True))
            lines.extend(c.html_lines(str(item.get("content") or "")))
    for field in ("descriptionPlain", "additionalPlain"):
        value = posting.get(field)
        if isinstance(value, str):
            lines.extend(c.plain_lines(value))
    found = c.find_pay_in_lines(lines)
    return found or (None, None)


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """One GET: `?mode=json` returns every posting of the site."""
    return await one_get(source, fetcher, parse)


# --- Pay from the structured fields (the free-text parser is collectors.pay.parse_pay) ---


_LEVER_INTERVALS: dict[str, PayUnit] = {
    "per-hour-wage": "hour", "per-day-wage": "day", "per-week-salary": "week",
    "per-month-salary": "month", "per-year-salary": "year", "one-time": "unknown",
}


def from_lever_salary_range(salary_range: dict[str, Any] | None) -> Pay | None:
    """A Lever posting's `salaryRange`: `{currency, interval, min, max}`."""
    if not isinstance(salary_range, dict):
        return None
    interval = str(salary_range.get("interval") or "").strip().lower()
    unit = _LEVER_INTERVALS.get(interval, "unknown")
    return _bounds_pay(salary_range.get("min"), salary_range.get("max"), salary_range.get("currency"), unit)
