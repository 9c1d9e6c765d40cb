"""`gigwatch parse KIND FILE`: run one format's parser over a saved response and show the rows.

For checking a parser against a fresh capture, or a fix against history, without touching the
lake. Each record becomes one JSON-ready dict with its pay, the hourly USD equivalent (with the
assumptions used) and its category.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from collectors.categories import categorise
from collectors.pay import to_hourly_usd
from collectors.records import ListingRecord
from collectors.sources import get_kind


def parse_file(
    kind: str,
    path: Path,
    *,
    on: date | None = None,
    url: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> Iterator[dict[str, Any]]:
    """One dict per record of the saved response at `path`, read as `kind`.

    `on` is the date used for currency conversion (default today). `url` and `options` are passed
    to the parser as the collector would (some formats build public URLs from them).
    Raises `collectors.sources.UnknownKindError` for an unknown kind and `ParseError` for a body
    the parser does not recognise.
    """
    module = get_kind(kind)
    records: list[ListingRecord] = module.parse(path.read_bytes(), url=url, options=options)
    day = on or date.today()
    for record in records:
        yield record_row(record, on=day)


def record_row(record: ListingRecord, *, on: date) -> dict[str, Any]:
    pay = record.pay
    hourly = to_hourly_usd(pay, on=on, hours_per_week=record.hours_per_week) if pay else None
    return {
        "external_id": record.external_id,
        "title": record.title,
        "url": record.url,
        "location": record.location,
        "is_remote": record.is_remote,
        "country": record.country,
        "employment_type": record.employment_type,
        "department": record.department,
        "category": categorise(record.title, record.department),
        "pay_text": record.pay_text,
        "pay_min": pay.min if pay else None,
        "pay_max": pay.max if pay else None,
        "pay_currency": pay.currency if pay else None,
        "pay_unit": pay.unit if pay else None,
        "pay_up_to": pay.up_to if pay else None,
        "pay_at_least": pay.at_least if pay else None,
        "hourly_usd_min": hourly.min if hourly else None,
        "hourly_usd_max": hourly.max if hourly else None,
        "hourly_usd_assumptions": list(hourly.assumptions) if hourly else [],
        "hours_per_week": record.hours_per_week,
        "posted_at": record.posted_at.isoformat() if record.posted_at else None,
        "description_sha256": record.description_sha256,
    }
