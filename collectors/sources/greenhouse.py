"""Greenhouse Job Board API (`boards-api.greenhouse.io`, EU: `boards-api.eu.greenhouse.io`).

Used by Scale AI, Remotasks, Invisible (`agency`, `invisibletech`), Prolific, Snorkel, Labelbox,
Sama and others. One GET returns the whole board; there is no paging.

`parse` reads the three response shapes the API has: the board list `{"jobs": [...], "meta": ...}`,
a single job `GET .../jobs/<id>` (an object with `id` and `title`), and a department
(`.../departments/<id>?render_as=tree`: `{id, name, jobs, children}`, or `{"departments": [...]}`),
whose jobs are gathered recursively.

Pay, in order: `pay_input_ranges` (integer cents; the period is inferred by
`from_greenhouse_range` from size, title and blurb), then the pay-transparency
block Greenhouse renders inside `content` (`<div class="pay-range">`), then the description's
"Payment" / "Pay" / "Compensation" section text through `collectors.pay.parse_pay`.

Options (data/sources.toml `[source.options]`):
- `board`: the board token, used to build public URLs when a job has no `absolute_url`.
- `eu`: true when the board's public pages are on `job-boards.eu.greenhouse.io` (EU-hosted boards
  such as Invisible's `agency`; their JSON is served by the ordinary `boards-api` host too).
- `department_ids`: keep only jobs in these departments, e.g. Invisible's expert network is
  department 4012485101 of the board `agency`. `parse` alone keeps jobs whose department or its
  parent matches; `collect` also fetches each department's tree and keeps every job under it,
  at any depth.
- `job_ids`: keep only these job ids, when given (set by `collect` from the department trees).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from bs4 import Tag

from collectors.pay import Pay, PayUnit, _bounds_pay, _clean, parse_pay
from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources.base import CollectResult, Fetched, Fetcher, SourceConfig

KIND = "greenhouse"

_BOARD_IN_URL = re.compile(r"/boards/([^/?#]+)")
_AMOUNT = re.compile(r"^\s*([$€£])?\s*([\d,]+(?:\.\d+)?)\s*([A-Z]{3})?\s*$")
_SYMBOL_CURRENCY = {"€": "EUR", "£": "GBP"}  # a bare "$" names no currency: left to parse_pay


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    options = options or {}
    document = c.load_json(body, KIND)
    jobs = list(_jobs_in(document))
    board = options.get("board") or _board_from_url(url)
    eu = bool(options.get("eu")) or bool(url and ".eu." in urlsplit(url).netloc)
    wanted_jobs = {str(j) for j in options["job_ids"]} if "job_ids" in options else None
    wanted_departments = {str(d) for d in options.get("department_ids", [])}
    records = []
    for job in jobs:
        if wanted_jobs is not None:
            if str(job.get("id")) not in wanted_jobs:
                continue
        elif wanted_departments and not _in_departments(job, wanted_departments):
            continue
        records.append(_record(job, board=board, eu=eu))
    return records


def department_job_ids(body: bytes) -> list[str]:
    """Every job id in a department response (`render_as=tree`), at any depth."""
    return [c.external_id(job.get("id"), KIND) for job in _jobs_in(c.load_json(body, KIND))]


def _jobs_in(document: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(document, Mapping):
        if "jobs" in document and "title" not in document:
            yield from c.require_objects(c.require_list(document, "jobs", KIND), KIND, "jobs")
            for child in document.get("children") or []:  # a department tree
                yield from _jobs_in(child)
            return
        if "departments" in document and "title" not in document:
            for department in c.require_list(document, "departments", KIND):
                yield from _jobs_in(department)
            return
        if "id" in document and "title" in document:  # GET .../jobs/<id>
            yield document
            return
    raise ParseError(
        f"{KIND}: expected a board list {{jobs, meta}}, a job {{id, title, ...}} or a department "
        f"{{id, name, jobs, children}}; got {c.keys_seen(document)}"
    )


def reparse_responses(
    responses: Sequence[tuple[str, bytes]], options: Mapping[str, Any]
) -> list[ListingRecord]:
    """A run's kept responses to records (used by `collectors.reparse`): department trees, when
    the source filters by department, give the job ids kept from the board response."""
    trees = [(u, b) for u, b in responses if "/departments/" in urlsplit(u).path]
    boards = [(u, b) for u, b in responses if "/departments/" not in urlsplit(u).path]
    board_options = dict(options)
    if options.get("department_ids") and trees:
        board_options["job_ids"] = [i for _, body in trees for i in department_job_ids(body)]
    records: list[ListingRecord] = []
    for url, body in boards or trees:
        records.extend(parse(body, url=url, options=board_options))
    return records


def _board_from_url(url: str | None) -> str | None:
    match = _BOARD_IN_URL.search(url or "")
    return match.group(1) if match else None


def _in_departments(job: Mapping[str, Any], wanted: set[str]) -> bool:
    for department in job.get("departments") or []:
        if isinstance(department, Mapping) and (
            str(department.get("id")) in wanted or str(department.get("parent_id")) in wanted
        ):
            return True
    return False


def _record(job: Mapping[str, Any], *, board: str | None, eu: bool) -> ListingRecord:
    job_id = c.external_id(job.get("id"), KIND)
    title = c.required_text(job.get("title"), KIND, f"job {job_id}")
    content = job.get("content")
    content_html = c.unescape_if_escaped(content) if isinstance(content, str) else ""
    location = job.get("location")
    location_name = c.text_field(location.get("name")) if isinstance(location, Mapping) else None
    pay_text, pay = _pay(job, content_html)
    return ListingRecord(
        external_id=job_id,
        title=title,
        url=c.text_field(job.get("absolute_url")) or _public_url(board, job_id, eu),
        location=location_name,
        is_remote=c.mentions_remote(location_name),
        country=None,
        employment_type=_metadata_value(job, "employment type"),
        department=_department(job),
        pay_text=pay_text,
        pay=pay,
        description_sha256=c.description_sha256(c.html_to_text(content_html)),
        posted_at=c.parse_datetime(job.get("first_published")),
    )


def _public_url(board: str | None, job_id: str, eu: bool) -> str | None:
    if not board:
        return None
    host = "job-boards.eu.greenhouse.io" if eu else "job-boards.greenhouse.io"
    return f"https://{host}/{board}/jobs/{job_id}"


def _department(job: Mapping[str, Any]) -> str | None:
    for department in job.get("departments") or []:
        if isinstance(department, Mapping) and c.text_field(department.get("name")):
            return c.text_field(department.get("name"))
    return None


def _metadata_value(job: Mapping[str, Any], name: str) -> str | None:
    for field in job.get("metadata") or []:
        if not isinstance(field, Mapping) or str(field.get("name", "")).strip().lower() != name:
            continue
        value = field.get("value")
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v)
        return c.text_field(value)
    return None


# ---------------------------------------------------------------------------------------------
# Pay


def _pay(job: Mapping[str, Any], content_html: str) -> tuple[str | None, Pay | None]:
    ranges = job.get("pay_input_ranges")
    if isinstance(ranges, list) and ranges:
        found = _from_input_ranges(ranges)
        if found:
            return found
    if content_html:
        found = pay_from_content(content_html)
        if found:
            return found
    return None, None


def _from_input_ranges(ranges: list[Any]) -> tuple[str, Pay] | None:
    pays: list[tuple[str, Pay]] = []
    for zone in ranges:
        if not isinstance(zone, Mapping):
            raise ParseError(f"{KIND}: pay_input_ranges holds {c.keys_seen(zone)}")
        low, high = zone.get("min_cents"), zone.get("max_cents")
        currency = c.text_field(zone.get("currency_type"))  # documented as always present
        title = str(zone.get("title") or "")
        blurb = c.html_to_text(str(zone.get("blurb") or ""))
        pay = from_greenhouse_range(low, high, currency, title=title, blurb=blurb)
        if pay is not None:
            text = f"{_cents(low)}–{_cents(high)} {currency or ''}".strip()
            pays.append((f"{title.strip()} {text}".strip(), pay))
    return _combine(pays)


def _cents(value: Any) -> str:
    amount = c.number(value)
    if amount is None:
        return "?"
    return f"{amount / 100:,.2f}".removesuffix(".00")


def _combine(pays: list[tuple[str, Pay]]) -> tuple[str, Pay] | None:
    """Several zones (e.g. "Zone 1", "Zone 2") in one currency and unit become one range."""
    if not pays:
        return None
    if len(pays) == 1:
        return pays[0]
    first = pays[0][1]
    if any(p.currency != first.currency or p.unit != first.unit for _, p in pays):
        return pays[0]
    lows = [p.min for _, p in pays if p.min is not None]
    highs = [p.max for _, p in pays if p.max is not None]
    combined = Pay(
        min=min(lows) if lows else None,
        max=max(highs) if highs else None,
        currency=first.currency,
        unit=first.unit,
    )
    return "; ".join(text for text, _ in pays), combined


def pay_from_content(content_html: str) -> tuple[str, Pay] | None:
    """Pay stated in an (already unescaped) Greenhouse `content`: the embedded pay-transparency
    block first, then a "Payment" / "Pay" / "Compensation" section or a pay sentence."""
    document = c.soup(content_html)
    pays: list[tuple[str, Pay]] = []
    for block in document.select("div.pay-input"):
        found = _from_pay_block(block)
        if found:
            pays.append(found)
    if not pays:
        for block in document.select("div.pay-range"):  # a pay-range without its pay-input wrapper
            found = _from_pay_block(block)
            if found:
                pays.append(found)
    combined = _combine(pays)
    if combined:
        return combined
    return c.find_pay_in_lines(c.html_lines(document))


def _from_pay_block(block: Tag) -> tuple[str, Pay] | None:
    pay_range = block if "pay-range" in (block.get("class") or []) else block.select_one(".pay-range")
    if pay_range is None:
        return None
    container = block if pay_range is not block else block.parent
    title_tag = container.select_one(".title") if isinstance(container, Tag) else None
    description_tag = container.select_one(".description") if isinstance(container, Tag) else None
    title = " ".join(title_tag.get_text(" ").split()) if title_tag else ""
    blurb = " ".join(description_tag.get_text(" ").split()) if description_tag else ""
    spans = [
        " ".join(span.get_text(" ").split())
        for span in pay_range.find_all("span")
        if "divider" not in (span.get("class") or [])
    ]
    range_text = " — ".join(s for s in spans if s)
    if not range_text:
        return None
    amounts = [_AMOUNT.match(s) for s in spans if s]
    pay: Pay | None = None
    if amounts and all(amounts) and 1 <= len(amounts) <= 2:
        values = [float(m.group(2).replace(",", "")) for m in amounts if m]
        currency = next((m.group(3) for m in amounts if m and m.group(3)), None)
        symbol = next((m.group(1) for m in amounts if m and m.group(1)), None)
        currency = currency or _SYMBOL_CURRENCY.get(symbol or "")
        if currency:
            low_cents = round(values[0] * 100)
            high_cents = round(values[-1] * 100)
            pay = from_greenhouse_range(low_cents, high_cents, currency, title=title, blurb=blurb)
    if pay is None:
        pay = parse_pay(f"{range_text} {title}")
    if pay is None:
        return None
    # Short titles name the period ("Pay Range (rate per hour)"); long ones are boilerplate.
    label = title.rstrip(":").strip()
    return (f"{label}: {range_text}" if label and len(label) <= 60 else range_text), pay


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """One GET of the board (its URL in sources.toml carries `content=true&pay_transparency=true`).

    With `department_ids`, each department's tree is fetched first (same board, same host) and
    only the jobs under it are kept. A failing department request propagates: without it the
    filter would be wrong.
    """
    responses: list[Fetched] = []
    options = dict(source.options)
    department_ids = [str(d) for d in options.get("department_ids", [])]
    if department_ids:
        base = source.url.split("/jobs", 1)[0]
        job_ids: list[str] = []
        for department_id in department_ids:
            tree = await fetcher.get(f"{base}/departments/{department_id}?render_as=tree")
            responses.append(tree)
            job_ids.extend(department_job_ids(tree.body))
        options["job_ids"] = job_ids  # an empty department keeps nothing, not the whole board
    fetched = await fetcher.get(source.url)
    responses.append(fetched)
    records = parse(fetched.body, url=source.url, options=options)
    return CollectResult(records=records, responses=responses)


# --- Pay from the structured fields (the free-text parser is collectors.pay.parse_pay) ---


# Greenhouse `pay_input_ranges` carry no period: below this many cents ($1,000) a bound is hourly.
GREENHOUSE_HOURLY_BELOW_CENTS = 100_000

_PERIOD_WORDS = re.compile(
    r"""(?P<hour>hourly|\bhours?\b|\bhr\b|/\s*h\b|per\s+hour)
      | (?P<year>annual|annually|\bannum\b|yearly|\byears?\b|salary|\bOTE\b)
      | (?P<month>monthly|\bmonths?\b)
      | (?P<week>weekly|\bweeks?\b)
      | (?P<day>daily|day\s+rate|per\s+day)""",
    re.X | re.I,
)


_PERIODS: tuple[PayUnit, ...] = ("hour", "year", "month", "week", "day")


def _period_from_words(text: str) -> PayUnit | None:
    match = _PERIOD_WORDS.search(text)
    if match is None:
        return None
    return next(unit for unit in _PERIODS if match.group(unit))


def from_greenhouse_range(
    min_cents: int | None,
    max_cents: int | None,
    currency: str | None,
    title: str = "",
    blurb: str = "",
) -> Pay | None:
    """A Greenhouse `pay_input_ranges` entry (integer cents, no period field).

    The period is read from the entry's `title` ("Hourly Rate", "Annual Salary:"), then its
    `blurb`; when neither names one, a range whose larger bound is below
    `GREENHOUSE_HOURLY_BELOW_CENTS` ($1,000) is hourly and anything larger is annual. A blurb that
    says "hour" next to a bound of $1,000 or more (or "year" next to one below $1,000) is
    overruled by the size rule; the title never is.
    """
    top = max((c for c in (min_cents, max_cents) if isinstance(c, int | float) and c > 0), default=None)
    if top is None:
        return None
    by_size: PayUnit = "hour" if top < GREENHOUSE_HOURLY_BELOW_CENTS else "year"
    unit = _period_from_words(title or "")
    if unit is None and blurb:
        unit = _period_from_words(_clean(blurb))
        if unit in ("hour", "year") and unit != by_size:
            unit = by_size
    return _bounds_pay(min_cents, max_cents, currency, unit or by_size, divide_by=100.0)
