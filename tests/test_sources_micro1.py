"""micro1 job portal: ideal_hourly_rate, paging with ?page= until total."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from collectors.records import ParseError
from collectors.sources import micro1
from collectors.sources.base import SourceConfig
from tests.sources_fakes import FakeFetcher, fixture

BASE = "https://prod-api.micro1.ai/api/v1/job/portal"
BODY = {"action": "get_all_jobs", "filters": {"type": ["EXPERT"]}}


def test_rates_and_fields() -> None:
    engineer, radiologist = micro1.parse(fixture("micro1", "portal_page1.json"))
    assert engineer.external_id == "0b9f6a5e-3c2d-4e1f-9a8b-7c6d5e4f3a21"
    assert engineer.url == "https://jobs.micro1.ai/post/0b9f6a5e-3c2d-4e1f-9a8b-7c6d5e4f3a21"
    assert engineer.title == "Senior Python Engineer - AI Trainer"
    assert engineer.employment_type == "contract"
    assert engineer.department == "software-engineering"
    assert engineer.is_remote is True
    assert engineer.pay is not None
    assert (engineer.pay.min, engineer.pay.max, engineer.pay.currency, engineer.pay.unit) == (
        60, 90, "USD", "hour",
    )
    assert radiologist.pay is not None
    assert (radiologist.pay.min, radiologist.pay.max, radiologist.pay.at_least) == (150, None, True)


def test_missing_rate_and_nulls() -> None:
    [hindi] = micro1.parse(fixture("micro1", "portal_page2.json"))
    assert hindi.pay is None and hindi.pay_text is None
    assert hindi.location is None and hindi.is_remote is None


def test_shapes_that_must_raise() -> None:
    with pytest.raises(ParseError, match="status false: 'Invalid action'"):
        micro1.parse(fixture("micro1", "status_false.json"))
    with pytest.raises(ParseError, match="jobs, status"):
        micro1.parse(fixture("micro1", "changed_layout.json"))


def test_collect_pages_until_total() -> None:
    url = f"{BASE}?page=1&limit=100&keyword="
    fetcher = FakeFetcher(
        posts={
            f"{BASE}?page=1&limit=100&keyword=": [(BODY, fixture("micro1", "portal_page1.json"))],
            f"{BASE}?page=2&limit=100&keyword=": [(BODY, fixture("micro1", "portal_page2.json"))],
        }
    )
    source = SourceConfig(name="micro1", platform="micro1", kind="micro1", url=url, options={"body": BODY})
    result = asyncio.run(micro1.collect(source, fetcher))
    assert [r[1] for r in fetcher.requests] == [
        f"{BASE}?page=1&limit=100&keyword=", f"{BASE}?page=2&limit=100&keyword=",
    ]
    assert len(result.records) == 3 and result.complete is True


def test_collect_empty_page_before_total_is_incomplete() -> None:
    url = f"{BASE}?page=1&limit=100&keyword="
    fetcher = FakeFetcher(
        posts={
            f"{BASE}?page=1&limit=100&keyword=": [(BODY, fixture("micro1", "portal_page1.json"))],
            f"{BASE}?page=2&limit=100&keyword=": [(BODY, fixture("micro1", "portal_empty.json"))],
        }
    )
    source = SourceConfig(name="micro1", platform="micro1", kind="micro1", url=url, options={"body": BODY})
    result = asyncio.run(micro1.collect(source, fetcher))
    assert len(result.records) == 2
    assert result.complete is False and "2 of total 3" in result.warnings[0]


def test_posted_at_comes_from_date_posted() -> None:
    """Real list rows carry `date_posted` (not `created_at`)."""
    engineer, radiologist = micro1.parse(fixture("micro1", "portal_date_posted.json"))
    assert engineer.posted_at == datetime(2026, 11, 3, 14, 21, 8, 512000, tzinfo=UTC)
    assert radiologist.posted_at == datetime(2026, 10, 28, 9, tzinfo=UTC)
