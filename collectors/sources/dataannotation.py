"""DataAnnotation.tech evergreen role pages (`www.dataannotation.tech/job-board/<slug>`).

DataAnnotation (Surge AI's worker brand) publishes no listing feed: each domain page
(`/coding`, `/math`, ...) redirects to one Webflow role page, `/job-board/<slug>`. One page is one
record; its id is the slug, read from the page's `data-wf-item-slug` attribute or from the
`/job-board/<slug>` URL (the fetched URL, `<link rel="canonical">` or `og:url`).

Seen structure (public scraper tests, no saved sample): `<div class="rd-title"><h1>Title</h1>`,
`<div class="rail-row"><span>Location</span><span>Remote</span></div>`, sections
`<section class="rd-section"><h2>Overview</h2>`. Pay is published as text such as "$20+/hr":
read from a rail row labelled Pay / Compensation / Rate, else from the first short text that states
an hourly amount, through `collectors.pay.parse_pay`; None when the page states none.
A page without a title or a slug raises ParseError.

`collect` fetches every page listed in the `pages` option (or `url`); a page that fails (the
`/bilingual` page has answered 404) is a warning and makes the result incomplete.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from collectors.pay import parse_pay
from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources._collect import gather_pages
from collectors.sources.base import CollectResult, Fetcher, SourceConfig

KIND = "dataannotation"
SITE = "https://www.dataannotation.tech"

_SLUG_PATH = re.compile(r"/job-board/([a-z0-9][a-z0-9-]*)/?$", re.I)
_PAY_LABEL = re.compile(r"^(?:pay|pay rate|compensation|rate|earnings?)$", re.I)
_HOURLY_AMOUNT = re.compile(r"[$€£]\s?\d[\d,.]*\s?\+?\s?(?:USD\s?)?(?:/|per\s)\s?(?:hr|hour)\b", re.I)


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    page = c.soup(body.decode("utf-8", "replace"))
    slug = _slug(page, url)
    heading = page.select_one(".rd-title h1") or page.find("h1")
    title = " ".join(heading.get_text(" ").split()) if heading is not None else ""
    if not title:
        raise ParseError(f"{KIND}: the page for {slug!r} has no <h1> title")
    rails = _rail_rows(page)
    location = rails.get("location")
    pay_text = next((v for k, v in rails.items() if _PAY_LABEL.match(k)), None)
    pay = parse_pay(pay_text) if pay_text else None
    if pay is None:
        pay_text, pay = _hourly_statement(page)
    sections = page.select("section.rd-section")
    description = "\n".join(c.html_to_text(str(s)) for s in sections) or c.html_to_text(str(page))
    return [
        ListingRecord(
            external_id=slug,
            title=title,
            url=f"{SITE}/job-board/{slug}",
            location=location,
            is_remote=c.mentions_remote(location),
            employment_type=rails.get("type"),
            pay_text=pay_text if pay is not None else None,
            pay=pay,
            description_sha256=c.description_sha256(description),
        )
    ]


def _slug(page: BeautifulSoup, url: str | None) -> str:
    for tag in page.find_all(attrs={"data-wf-item-slug": True}):
        value = c.text_field(tag.get("data-wf-item-slug"))
        if value:
            return value
    for candidate in (url, c.canonical_url(page)):
        if candidate:
            match = _SLUG_PATH.search(urlsplit(candidate).path)
            if match:
                return match.group(1)
    raise ParseError(
        f"{KIND}: no role slug: the page has no data-wf-item-slug and no /job-board/<slug> URL "
        f"(url={url!r})"
    )


def _rail_rows(page: BeautifulSoup) -> dict[str, str]:
    rows: dict[str, str] = {}
    for row in page.select(".rail-row"):
        spans = [" ".join(s.get_text(" ").split()) for s in row.find_all("span", recursive=False)]
        if len(spans) >= 2 and spans[0]:
            rows.setdefault(spans[0].lower(), " ".join(spans[1:]))
    return rows


def _hourly_statement(page: BeautifulSoup) -> tuple[str | None, Any]:
    for text, _heading in c.html_lines(page):
        match = _HOURLY_AMOUNT.search(text)
        if match and len(text) <= 200:
            pay = parse_pay(text)
            if pay is not None:
                return text, pay
    return None, None


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """GET each role page (following the domain page's redirect) and read it."""
    pages = list(source.options.get("pages", [])) or [source.url]
    urls = [p if p.startswith("http") else f"{SITE}/{p.lstrip('/')}" for p in pages]
    return await gather_pages(fetcher, urls, parse, source.options)
