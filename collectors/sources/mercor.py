"""Mercor's public listings API (`aws.api.mercor.com/work/listings-explore-page`).

One GET returns `{"listings": [...]}`, the whole catalogue with no paging. The older
`/work/listings-public?search=` returns the same listings as a bare array; both are read.

Pay is `rateMin` / `rateMax` (USD; Mercor has no currency field) in the unit `payRateFrequency`
("hourly", "per-task", "weekly", ...), through `from_mercor`. Per-task rates stay
per task. `hoursPerWeek` is kept. Listings with `deletedAt` set, or a `status` other than
"active", are skipped: they are not open. `postedAt` is naive and read as UTC.

Remote: `is_remote` trusts `workArrangement` ("remote" → True, "onsite"/"hybrid" → False), the
structured field Mercor's own filters use; only without it does the `location` text decide. Both
are kept: `location` stays exactly as published, so a listing with `workArrangement: "onsite"`
beside location "Remote" (seen on real listings) reads `location="Remote"`, `is_remote=False`, and
the disagreement stays visible in the data rather than being resolved silently.

Public page: `https://work.mercor.com/jobs/<listingId>` (Mercor redirects it to the slugged URL).
Clients send `Authorization: Bearer` with an empty token; the `headers` option carries that.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collectors.pay import Pay, PayUnit, _bounds_pay
from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources._collect import one_get
from collectors.sources.base import CollectResult, Fetcher, SourceConfig

KIND = "mercor"
JOB_URL = "https://work.mercor.com/jobs/{listing_id}"


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    document = c.load_json(body, KIND)
    if isinstance(document, Mapping) and "listings" in document:
        listings = c.require_list(document, "listings", KIND)
    elif isinstance(document, list):
        listings = document
    else:
        raise ParseError(
            f"{KIND}: expected {{listings: [...]}} or an array of listings; "
            f"got {c.keys_seen(document)}"
        )
    records = []
    for listing in c.require_objects(listings, KIND, "listings"):
        if listing.get("deletedAt") or listing.get("status") not in (None, "active"):
            continue
        records.append(_record(listing))
    return records


def _record(listing: Mapping[str, Any]) -> ListingRecord:
    if "listingId" not in listing:
        raise ParseError(f"{KIND}: a listing has no listingId; it has {c.keys_seen(listing)}")
    listing_id = c.external_id(listing.get("listingId"), KIND, "listingId")
    title = c.required_text(listing.get("title"), KIND, f"listing {listing_id}")
    rate_min, rate_max = c.number(listing.get("rateMin")), c.number(listing.get("rateMax"))
    frequency = c.text_field(listing.get("payRateFrequency"))
    pay = from_mercor(rate_min, rate_max, frequency)
    location = c.text_field(listing.get("location"))
    arrangement = c.text_field(listing.get("workArrangement"))
    hours = c.number(listing.get("hoursPerWeek"))
    description = listing.get("description")
    return ListingRecord(
        external_id=listing_id,
        title=title,
        url=JOB_URL.format(listing_id=listing_id),
        location=location,
        is_remote=(arrangement.lower() == "remote") if arrangement else c.mentions_remote(location),
        country=c.single_country(listing.get("eligibleLocation")),
        employment_type=c.text_field(listing.get("commitment")),
        department=c.text_field(listing.get("listingDomain")),
        pay_text=_render(rate_min, rate_max, frequency) if pay is not None else None,
        pay=pay,
        hours_per_week=hours if hours else None,
        description_sha256=c.description_sha256(description if isinstance(description, str) else None),
        posted_at=c.parse_datetime(listing.get("postedAt") or listing.get("createdAt")),
    )


def _render(low: float | None, high: float | None, frequency: str | None) -> str:
    def money(value: float | None) -> str:
        return "?" if value is None else f"${value:,.2f}".removesuffix(".00")

    amount = money(low) if low == high else f"{money(low)}–{money(high)}"
    return f"{amount} {frequency or ''}".strip()


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """One GET: the explore-page endpoint returns the whole catalogue."""
    headers = source.options.get("headers")
    return await one_get(source, fetcher, parse, headers=dict(headers) if headers else None)


# --- Pay from the structured fields (the free-text parser is collectors.pay.parse_pay) ---


_MERCOR_FREQUENCIES: dict[str, PayUnit] = {
    "hourly": "hour", "per-hour": "hour", "per-task": "task", "task": "task", "daily": "day",
    "weekly": "week", "monthly": "month", "yearly": "year", "annual": "year", "annually": "year",
    "one-time": "unknown", "fixed": "unknown",
}


def from_mercor(rate_min: Any, rate_max: Any, pay_rate_frequency: str | None) -> Pay | None:
    """Mercor's `rateMin`/`rateMax`/`payRateFrequency` (USD; 0 or None means not given).

    A missing or unrecognised frequency gives unit "unknown".
    """
    unit = _MERCOR_FREQUENCIES.get(str(pay_rate_frequency or "").strip().lower(), "unknown")
    pay = _bounds_pay(rate_min, rate_max, "USD", unit)
    if pay is not None and (pay.up_to or pay.at_least):
        # Mercor gives one bound when the rate is fixed: a single rate, not "up to"/"from".
        value = pay.max if pay.min is None else pay.min
        return Pay(value, value, "USD", unit)
    return pay
