"""Ashby public posting API (`api.ashbyhq.com/posting-api/job-board/<board>?includeCompensation=true`).

Used by Mercor (staff), Surge AI (`surge-ai`), Braintrust, AfterQuery, Handshake (corporate). One
GET returns `{"apiVersion": "1", "jobs": [...]}`, the whole board. Jobs with `isListed: false` are
skipped: they are not advertised on the board.

Pay comes from `compensation` (through `from_ashby_compensation`; `pay_text` is
Ashby's own `compensationTierSummary`), or, when the board publishes none, from a pay section or
pay sentence in `descriptionHtml` (gig boards such as AfterQuery write "$X/hr" there).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collectors.pay import Pay, PayUnit, _as_float, _bounds_pay, _dicts, format_pay, parse_pay
from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources._collect import one_get
from collectors.sources.base import CollectResult, Fetcher, SourceConfig

KIND = "ashby"


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    document = c.load_json(body, KIND)
    if not isinstance(document, Mapping) or "jobs" not in document:
        raise ParseError(f"{KIND}: expected {{apiVersion, jobs}}, got {c.keys_seen(document)}")
    jobs = c.require_objects(c.require_list(document, "jobs", KIND), KIND, "jobs")
    return [_record(job) for job in jobs if job.get("isListed") is not False]


def _record(job: Mapping[str, Any]) -> ListingRecord:
    job_id = c.external_id(job.get("id"), KIND)
    title = c.required_text(job.get("title"), KIND, f"job {job_id}")
    location = c.text_field(job.get("location"))
    workplace = c.text_field(job.get("workplaceType"))
    is_remote: bool | None
    if isinstance(job.get("isRemote"), bool):
        is_remote = bool(job["isRemote"]) or workplace == "Remote"
    elif workplace:
        is_remote = workplace == "Remote"
    else:
        is_remote = c.mentions_remote(location)
    description = job.get("descriptionPlain")
    if not isinstance(description, str):
        description = c.html_to_text(job.get("descriptionHtml"))
    pay_text, pay = _pay(job)
    return ListingRecord(
        external_id=job_id,
        title=title,
        url=c.text_field(job.get("jobUrl")),
        location=location,
        is_remote=is_remote,
        country=_country(job),
        employment_type=c.text_field(job.get("employmentType")),
        department=c.text_field(job.get("department")) or c.text_field(job.get("team")),
        pay_text=pay_text,
        pay=pay,
        description_sha256=c.description_sha256(description),
        posted_at=c.parse_datetime(job.get("publishedAt")),
    )


def _country(job: Mapping[str, Any]) -> str | None:
    if job.get("secondaryLocations"):
        countries = {c.country_code(_address_country(job))} | {
            c.country_code(_address_country(other))
            for other in job["secondaryLocations"]
            if isinstance(other, Mapping)
        }
        return countries.pop() if len(countries) == 1 else None
    return c.country_code(_address_country(job))


def _address_country(holder: Mapping[str, Any]) -> str | None:
    address = holder.get("address")
    if isinstance(address, Mapping) and isinstance(address.get("postalAddress"), Mapping):
        return c.text_field(address["postalAddress"].get("addressCountry"))
    return None


def _pay(job: Mapping[str, Any]) -> tuple[str | None, Pay | None]:
    compensation = job.get("compensation")
    if compensation is not None and not isinstance(compensation, dict):
        raise ParseError(f"{KIND}: compensation is {c.keys_seen(compensation)}")
    pay = from_ashby_compensation(compensation)
    if pay is not None and isinstance(compensation, Mapping):
        summary = c.text_field(compensation.get("compensationTierSummary")) or c.text_field(
            compensation.get("scrapeableCompensationSalarySummary")
        )
        return summary or format_pay(pay), pay
    found = c.find_pay_in_html(job.get("descriptionHtml"))
    if found is None and isinstance(job.get("descriptionPlain"), str):
        found = c.find_pay_in_text(job["descriptionPlain"])
    return found or (None, None)


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """One GET: the board API returns every job, with compensation when asked for."""
    return await one_get(source, fetcher, parse)


# --- Pay from the structured fields (the free-text parser is collectors.pay.parse_pay) ---


_ASHBY_UNITS: dict[str, PayUnit] = {
    "HOUR": "hour", "DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year",
}


def _ashby_interval(interval: Any) -> tuple[PayUnit, float]:
    """'1 HOUR' → (hour, 1); '2 WEEK' (paid every two weeks) → (week, 2): values are divided by 2."""
    parts = str(interval or "").strip().upper().split()
    if len(parts) == 2 and parts[0].isdigit() and parts[1] in _ASHBY_UNITS and int(parts[0]) > 0:
        return _ASHBY_UNITS[parts[1]], float(parts[0])
    return "unknown", 1.0


def from_ashby_compensation(compensation: dict[str, Any] | None) -> Pay | None:
    """An Ashby posting-API `compensation` object (with `includeCompensation=true`).

    Uses the `Salary` component of `summaryComponents`, else the `Salary` components of every
    tier (lowest minimum to highest maximum, when the tiers share interval and currency). An
    interval of "2 WEEK" means pay per two weeks: the values are halved to give weekly pay. When
    no component has values, the `compensationTierSummary` text is parsed instead.
    """
    if not isinstance(compensation, dict):
        return None
    chosen = _ashby_salary(_dicts(compensation.get("summaryComponents")))
    if chosen is None:
        tiers = _dicts(compensation.get("compensationTiers"))
        chosen = _ashby_salary([c for t in tiers for c in _dicts(t.get("components"))])
    if chosen is not None:
        return chosen
    text = compensation.get("compensationTierSummary") or compensation.get(
        "scrapeableCompensationSalarySummary"
    )
    return parse_pay(text) if isinstance(text, str) else None


def _ashby_salary(components: list[dict[str, Any]]) -> Pay | None:
    salaries = [
        c for c in components
        if c.get("compensationType") == "Salary"
        and (_as_float(c.get("minValue")) is not None or _as_float(c.get("maxValue")) is not None)
    ]
    if not salaries:
        return None
    first = salaries[0]
    same = [
        c for c in salaries
        if c.get("interval") == first.get("interval") and c.get("currencyCode") == first.get("currencyCode")
    ]
    lows = [v for c in same if (v := _as_float(c.get("minValue"))) is not None]
    highs = [v for c in same if (v := _as_float(c.get("maxValue"))) is not None]
    unit, per = _ashby_interval(first.get("interval"))
    return _bounds_pay(
        min(lows) if lows else None, max(highs) if highs else None, first.get("currencyCode"), unit,
        divide_by=per,
    )
