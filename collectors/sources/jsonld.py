"""schema.org `JobPosting` in an HTML page's `<script type="application/ld+json">` blocks.

Used for job detail pages: Mercor (`work.mercor.com/jobs/<listingId>/<slug>`), Ashby job pages and
any site that publishes JobPosting markup. A page can carry several blocks (Organization,
BreadcrumbList, ...), and a block can be an array or an `@graph`; every JobPosting found becomes a
record. A body that is itself JSON (an extracted ld+json object) is read the same way.

Pay comes from `baseSalary` (or `estimatedSalary`) through `from_jsonld_salary`,
which normalises non-standard `unitText` such as Mercor's "HOURLY". `pay_text` renders the fields
as published ("USD 35–45 per HOURLY"), so the raw unit stays visible.

The page's own data wins over `baseSalary.unitText` when it says per task: some Mercor per-task
pages publish `unitText: "HOUR"`/"HOURLY" while the page's `__NEXT_DATA__` listing (Mercor:
`props.pageProps.role`, with `listingId` and `payRateFrequency: "per-task"`) says the rate is per
task. Then the pay's unit is "task" and `pay_text` says why ("USD 20–25 per HOUR; page:
per-task"). Only per task overrides: for any other page frequency the markup stands.

The record's id is `identifier.value` (Mercor: the listingId), else the posting's `url`, else the
page's canonical URL. A page with no JobPosting raises ParseError naming the `@type`s it did have.

Options: `pages`, several page URLs to collect as one source (default: the source `url`).
"""

from __future__ import annotations

import dataclasses
import html
import json
from collections.abc import Iterator, Mapping
from typing import Any

from collectors.pay import Pay, PayUnit, _as_float, _bounds_pay
from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources._collect import gather_pages
from collectors.sources.base import CollectResult, Fetcher, SourceConfig

KIND = "jsonld"


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    text = body.decode("utf-8", "replace")
    canonical: str | None = None
    page_frequencies: dict[str, str] = {}
    blocks: list[Any] = []
    invalid = 0
    if text.lstrip().startswith(("{", "[")):
        blocks.append(c.load_json(body, KIND))
    else:
        page = c.soup(text)
        for script in page.find_all("script"):
            script_type = str(script.get("type") or "").split(";")[0].strip().lower()
            if script_type != "application/ld+json":
                continue
            try:
                blocks.append(json.loads(script.string or script.get_text() or ""))
            except json.JSONDecodeError:
                invalid += 1
        canonical = c.canonical_url(page)
        page_frequencies = _page_pay_frequencies(page)
    postings: list[Mapping[str, Any]] = []
    types_seen: list[str] = []
    for block in blocks:
        for node in _nodes(block):
            node_types = _types(node)
            types_seen.extend(node_types)
            if "JobPosting" in node_types:
                postings.append(node)
    if not postings:
        raise ParseError(
            f"{KIND}: no schema.org JobPosting in {len(blocks)} ld+json block(s)"
            + (f" ({invalid} more were not valid JSON)" if invalid else "")
            + f"; @types seen: {', '.join(sorted(set(types_seen))) or 'none'}"
        )
    page_url = canonical or url
    return [
        _record(posting, page_url, single=len(postings) == 1, page_frequencies=page_frequencies)
        for posting in postings
    ]


def _page_pay_frequencies(page: Any) -> dict[str, str]:
    """`listingId` → `payRateFrequency` of every listing object in the page's `__NEXT_DATA__`
    (Mercor's `props.pageProps.role` and its React-Query cache); empty when there is none."""
    script = page.find("script", id="__NEXT_DATA__")
    if script is None:
        return {}
    try:
        data = json.loads(script.string or script.get_text() or "")
    except json.JSONDecodeError:
        return {}
    found: dict[str, str] = {}
    stack: list[Any] = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            listing_id = c.text_field(node.get("listingId"))
            frequency = c.text_field(node.get("payRateFrequency"))
            if listing_id and frequency:
                found.setdefault(listing_id, frequency)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _says_per_task(frequency: str | None) -> bool:
    return bool(frequency) and "task" in str(frequency).lower()


def _nodes(value: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from _nodes(item)
    elif isinstance(value, Mapping):
        yield value
        if "@graph" in value:
            yield from _nodes(value["@graph"])


def _types(node: Mapping[str, Any]) -> list[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return [v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)]


def _record(
    posting: Mapping[str, Any], page_url: str | None, *, single: bool,
    page_frequencies: Mapping[str, str] | None = None,
) -> ListingRecord:
    raw_title = c.text_field(posting.get("title")) or c.text_field(posting.get("name"))
    title = " ".join(html.unescape(raw_title).split()) if raw_title else None  # "R&amp;D" seen
    if not title:
        raise ParseError(f"{KIND}: a JobPosting has no title")
    own_url = c.text_field(posting.get("url"))
    url = own_url or (page_url if single else None)
    listing_id = _identifier(posting.get("identifier")) or url
    if listing_id is None:
        raise ParseError(
            f"{KIND}: JobPosting {title!r} has no identifier, no url, and the page has no "
            "canonical URL; pass the page URL"
        )
    salary = posting.get("baseSalary") or posting.get("estimatedSalary")
    if isinstance(salary, list):
        salary = salary[0] if salary else None
    if salary is not None and not isinstance(salary, dict):
        raise ParseError(f"{KIND}: baseSalary is {c.keys_seen(salary)}")
    pay = from_jsonld_salary(salary)
    pay_text = _render_salary(salary) if pay is not None else None
    frequencies = page_frequencies or {}
    page_frequency = frequencies.get(listing_id) or (
        next(iter(frequencies.values())) if single and len(frequencies) == 1 else None
    )
    if pay is not None and pay.unit != "task" and _says_per_task(page_frequency):
        pay = dataclasses.replace(pay, unit="task")
        pay_text = f"{pay_text}; page: {page_frequency}"
    location = _location(posting)
    remote = str(posting.get("jobLocationType") or "").upper() == "TELECOMMUTE"
    description = posting.get("description")
    description_text = c.html_to_text(description) if isinstance(description, str) else ""
    employment = posting.get("employmentType")
    if isinstance(employment, list):
        employment = ", ".join(str(e) for e in employment if e)
    return ListingRecord(
        external_id=listing_id,
        title=title,
        url=url,
        location=location or ("Remote" if remote else None),
        is_remote=True if remote else c.mentions_remote(location),
        country=_country(posting),
        employment_type=c.text_field(employment),
        department=c.text_field(posting.get("occupationalCategory")),
        pay_text=pay_text,
        pay=pay,
        description_sha256=c.description_sha256(description_text),
        posted_at=c.parse_datetime(posting.get("datePosted")),
    )


def _identifier(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("value")
    if isinstance(value, int | str) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    return None


def _places(posting: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    value = posting.get("jobLocation")
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


def _address(place: Mapping[str, Any]) -> Mapping[str, Any]:
    address = place.get("address")
    return address if isinstance(address, Mapping) else {}


def _location(posting: Mapping[str, Any]) -> str | None:
    texts = []
    for place in _places(posting):
        address = _address(place)
        parts = [
            c.text_field(address.get(key))
            for key in ("addressLocality", "addressRegion", "addressCountry")
        ]
        text = ", ".join(p for p in parts if p)
        if text:
            texts.append(text)
    return "; ".join(texts) or None


def _country(posting: Mapping[str, Any]) -> str | None:
    codes = set()
    for place in _places(posting):
        country = _address(place).get("addressCountry")
        if isinstance(country, Mapping):
            country = country.get("name")
        codes.add(c.country_code(country))
    requirements = posting.get("applicantLocationRequirements")
    for requirement in requirements if isinstance(requirements, list) else [requirements]:
        if isinstance(requirement, Mapping):
            codes.add(c.country_code(requirement.get("name")))
    codes.discard(None)
    return codes.pop() if len(codes) == 1 else None


def _render_salary(salary: Mapping[str, Any] | None) -> str | None:
    if not salary:
        return None
    currency = c.text_field(salary.get("currency")) or ""
    value = salary.get("value")
    if isinstance(value, Mapping):
        low, high, single = value.get("minValue"), value.get("maxValue"), value.get("value")
        unit = c.text_field(value.get("unitText")) or ""
    else:
        low = high = None
        single = value
        unit = c.text_field(salary.get("unitText")) or ""
    if low is not None or high is not None:
        amount = f"{_num(low)}–{_num(high)}" if low != high else _num(low)
    else:
        amount = _num(single)
    return " ".join(p for p in (currency, amount, f"per {unit}" if unit else "") if p)


def _num(value: Any) -> str:
    number = c.number(value)
    if number is None:
        return "?" if value is None else str(value)
    return f"{number:g}" if number.is_integer() else f"{number}"


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """GET the page (or each page in the `pages` option) and read its JobPosting markup.

    With several pages, a page that fails to fetch or has no JobPosting is a warning and makes the
    result incomplete; the others are still kept. A single page's failure propagates.
    """
    pages = list(source.options.get("pages", [])) or [source.url]
    if len(pages) == 1:
        fetched = await fetcher.get(pages[0])
        return CollectResult(
            records=parse(fetched.body, url=fetched.url, options=source.options),
            responses=[fetched],
        )
    return await gather_pages(fetcher, pages, parse, source.options)


# --- Pay from the structured fields (the free-text parser is collectors.pay.parse_pay) ---


_JSONLD_UNITS: dict[str, PayUnit] = {
    "HOUR": "hour", "HOURLY": "hour", "PER_HOUR": "hour", "HR": "hour",
    "DAY": "day", "DAILY": "day", "PER_DAY": "day",
    "WEEK": "week", "WEEKLY": "week", "PER_WEEK": "week",
    "MONTH": "month", "MONTHLY": "month", "PER_MONTH": "month",
    "YEAR": "year", "YEARLY": "year", "ANNUAL": "year", "ANNUALLY": "year", "ANNUM": "year",
    "PER_YEAR": "year", "PER_ANNUM": "year",
    "TASK": "task", "PER_TASK": "task",
}


def from_jsonld_salary(base_salary: dict[str, Any] | list[Any] | None) -> Pay | None:
    """A schema.org `baseSalary`/`estimatedSalary` MonetaryAmount.

    `value` may be a QuantitativeValue (`minValue`, `maxValue`, `value`, `unitText`) or a bare
    number; `unitText` is read case-insensitively and the non-standard HOURLY, DAILY, WEEKLY,
    MONTHLY, YEARLY, ANNUAL and ANNUALLY are accepted (Mercor emits "HOURLY").
    """
    if isinstance(base_salary, list):
        base_salary = next((b for b in base_salary if isinstance(b, dict)), None)
    if not isinstance(base_salary, dict):
        return None
    currency = base_salary.get("currency")
    value = base_salary.get("value")
    unit_text = base_salary.get("unitText")
    if isinstance(value, dict):
        unit_text = value.get("unitText") or unit_text
        low = value.get("minValue")
        high = value.get("maxValue")
        if _as_float(low) is None and _as_float(high) is None:
            low = high = value.get("value")
    else:
        low = high = value
    key = str(unit_text or "").strip().upper().replace(" ", "_").replace("-", "_")
    unit = _JSONLD_UNITS.get(key, "unknown")
    return _bounds_pay(low, high, currency, unit)
