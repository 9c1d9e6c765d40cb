"""Mercor listings API: explore-page object and the older bare array; rates and frequencies."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from collectors.records import ParseError
from collectors.sources import mercor
from collectors.sources.base import SourceConfig
from tests.sources_fakes import FakeFetcher, fixture


def listings() -> dict:
    return {r.external_id: r for r in mercor.parse(fixture("mercor", "listings_explore_page.json"))}


def test_hourly_listing_fields() -> None:
    coder = listings()["list_AAABoGYcR_Q8k7gMhOdC84s-"]
    assert coder.title == "Certified Medical Coder (ICD-10)"
    assert coder.url == "https://work.mercor.com/jobs/list_AAABoGYcR_Q8k7gMhOdC84s-"
    assert coder.pay is not None
    assert (coder.pay.min, coder.pay.max, coder.pay.currency, coder.pay.unit) == (45, 65, "USD", "hour")
    assert coder.pay_text == "$45–$65 hourly"
    assert coder.hours_per_week == 10
    assert coder.country == "US"  # eligibleLocation ["USA"]
    assert coder.is_remote is True
    assert coder.employment_type == "hourly"
    assert coder.department == "medical"
    assert coder.posted_at == datetime(2026, 9, 2, 21, 43, 26, tzinfo=UTC)  # naive, read as UTC


def test_single_rate_per_task_and_weekly() -> None:
    records = listings()
    legal = records["list_AAABoGQVR9iMVuEq5bVB2pgv"]
    assert legal.pay is not None and (legal.pay.min, legal.pay.max) == (87, 87)
    assert legal.pay_text == "$87 hourly"
    assert legal.country is None  # eligibleLocation []
    task = records["list_AAABoHTask00000000000001"]
    assert task.pay is not None
    assert (task.pay.min, task.pay.max, task.pay.unit) == (2.5, 4, "task")  # never made hourly
    assert task.hours_per_week is None
    weekly = records["list_AAABoHWeek00000000000005"]
    assert weekly.pay is not None and (weekly.pay.min, weekly.pay.max, weekly.pay.unit) == (900, 1200, "week")
    assert weekly.hours_per_week == 30


def test_zero_and_null_rates_are_no_pay() -> None:
    records = listings()
    assert records["list_AAABoHZero00000000000002"].pay is None
    assert records["list_AAABoHZero00000000000002"].pay_text is None
    finance = records["list_AAABoHNone00000000000003"]
    assert finance.pay is None
    assert finance.hours_per_week is None  # hoursPerWeek 0
    assert finance.country is None  # two eligible countries


def test_deleted_listings_are_skipped() -> None:
    records = listings()
    assert "list_AAABoHDel000000000000004" not in records
    assert len(records) == 7


def test_older_bare_array() -> None:
    records = mercor.parse(fixture("mercor", "listings_public_array.json"))
    assert [r.external_id for r in records] == [
        "list_AAABoGdJ4CbRDb3Q0LxObpT2", "list_AAABoGYcR_Q8k7gMhOdC84s-",
    ]
    assert records[0].pay is not None and (records[0].pay.min, records[0].pay.max) == (15, 20)


def test_changed_layout_and_missing_id_raise() -> None:
    with pytest.raises(ParseError, match="cursor, data"):
        mercor.parse(fixture("mercor", "changed_layout.json"))
    with pytest.raises(ParseError, match="no listingId"):
        mercor.parse(fixture("mercor", "missing_listing_id.json"))


def test_collect_sends_the_configured_headers() -> None:
    url = "https://aws.api.mercor.com/work/listings-explore-page"
    fetcher = FakeFetcher(gets={url: fixture("mercor", "listings_explore_page.json")})
    source = SourceConfig(
        name="mercor-api", platform="mercor", kind="mercor", url=url,
        options={"headers": {"Authorization": "Bearer"}},
    )
    result = asyncio.run(mercor.collect(source, fetcher))
    assert fetcher.requests == [("GET", url, {"Authorization": "Bearer"})]
    assert len(result.records) == 7 and result.complete


def test_onsite_arrangement_beside_remote_location_keeps_both() -> None:
    """`workArrangement: "onsite"` beside location "Remote": the location text is kept as published
    and the remote flag trusts workArrangement (documented in the module)."""
    [listing] = mercor.parse(fixture("mercor", "onsite_beside_remote.json"))
    assert listing.location == "Remote"
    assert listing.is_remote is False
