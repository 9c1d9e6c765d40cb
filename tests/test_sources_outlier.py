"""Outlier job board: id list, Greenhouse-like details with a Payment section, list + detail collect."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from collectors.records import ParseError
from collectors.sources import outlier
from collectors.sources.base import SourceConfig
from tests.sources_fakes import FakeFetcher, fixture

LIST_URL = "https://app.outlier.ai/internal/experts/job-board/jobs"


def test_detail_with_payment_section() -> None:
    [job] = outlier.parse(fixture("outlier", "detail_payment_section.json"))
    assert job.external_id == "4539820005"
    assert job.title == "Advanced Biology Expertise Sought for AI Training"
    assert job.url == "https://app.outlier.ai/en/expert/opportunities/4539820005"
    assert job.location == "Remote - United States, Canada, United Kingdom"
    assert job.is_remote is True
    assert job.pay_text == "$50 per hour"
    assert job.pay is not None
    assert (job.pay.min, job.pay.max, job.pay.unit) == (50, 50, "hour")
    assert job.pay.currency is None and job.pay.currency_symbol == "$"  # bare "$" as written
    assert job.posted_at == datetime(2026, 8, 15, 9, tzinfo=timezone(timedelta(hours=-4)))


def test_entity_escaped_detail_with_a_pay_sentence() -> None:
    [job] = outlier.parse(fixture("outlier", "detail_escaped_pay_sentence.json"))
    assert job.pay_text == (
        "Currently, pay rates for core project work for voice recording are up to $40 USD per hour."
    )
    assert job.pay is not None
    assert (job.pay.min, job.pay.max, job.pay.currency, job.pay.unit, job.pay.up_to) == (
        None, 40, "USD", "hour", True,
    )


def test_referral_bonus_is_not_pay() -> None:
    [job] = outlier.parse(fixture("outlier", "detail_no_pay.json"))
    assert job.pay is None and job.pay_text is None


def test_list_with_full_items_uses_max_hourly_rate_when_content_has_no_pay() -> None:
    polish, biology = outlier.parse(fixture("outlier", "list_with_details.json"))
    assert polish.pay is not None
    assert (polish.pay.min, polish.pay.max, polish.pay.currency, polish.pay.up_to) == (None, 25, "USD", True)
    assert polish.pay_text == "Up to $25/hr (maxHourlyRateUsd)"
    assert biology.pay_text == "$50 per hour"  # the content's Payment section comes first


def test_id_only_list_is_not_read_as_records() -> None:
    assert outlier.list_job_ids(fixture("outlier", "list_ids.json")) == [
        "4539820005", "4552519005", "4423297005",
    ]
    with pytest.raises(ParseError, match="id-only list"):
        outlier.parse(fixture("outlier", "list_ids.json"))


def test_changed_layout_raises() -> None:
    with pytest.raises(ParseError, match="opportunities, page"):
        outlier.parse(fixture("outlier", "changed_layout.json"))


def source() -> SourceConfig:
    return SourceConfig(
        name="outlier-api", platform="outlier", kind="outlier", url=LIST_URL,
        options={"body": {"podsToExclude": []}},
    )


def test_collect_posts_the_list_then_gets_each_detail() -> None:
    fetcher = FakeFetcher(
        gets={
            f"{LIST_URL}/4539820005": fixture("outlier", "detail_payment_section.json"),
            f"{LIST_URL}/4552519005": fixture("outlier", "detail_escaped_pay_sentence.json"),
            f"{LIST_URL}/4423297005": fixture("outlier", "detail_no_pay.json"),
        },
        posts={LIST_URL: [({"podsToExclude": []}, fixture("outlier", "list_ids.json"))]},
    )
    result = asyncio.run(outlier.collect(source(), fetcher))
    assert [(r[0], r[1]) for r in fetcher.requests] == [
        ("POST", LIST_URL),
        ("GET", f"{LIST_URL}/4539820005"),
        ("GET", f"{LIST_URL}/4552519005"),
        ("GET", f"{LIST_URL}/4423297005"),
    ]
    assert [r.external_id for r in result.records] == ["4539820005", "4552519005", "4423297005"]
    assert result.complete is True
    assert len(result.responses) == 4


def test_collect_keeps_going_when_a_detail_fails_and_marks_incomplete() -> None:
    fetcher = FakeFetcher(
        gets={
            f"{LIST_URL}/4539820005": fixture("outlier", "detail_payment_section.json"),
            f"{LIST_URL}/4552519005": 404,
            f"{LIST_URL}/4423297005": fixture("outlier", "changed_layout.json"),
        },
        posts={LIST_URL: [({"podsToExclude": []}, fixture("outlier", "list_ids.json"))]},
    )
    result = asyncio.run(outlier.collect(source(), fetcher))
    assert [r.external_id for r in result.records] == ["4539820005"]
    assert result.complete is False
    assert len(result.warnings) == 2
    assert "4552519005" in result.warnings[0] and "4423297005" in result.warnings[1]


def test_collect_propagates_a_failing_list() -> None:
    from collectors.fetch import HTTPStatusError

    fetcher = FakeFetcher(posts={LIST_URL: [({"podsToExclude": []}, 503)]})
    with pytest.raises(HTTPStatusError):
        asyncio.run(outlier.collect(source(), fetcher))


def test_reparse_skips_the_id_list_and_reads_the_details() -> None:
    responses = [
        (LIST_URL, fixture("outlier", "list_ids.json")),
        (f"{LIST_URL}/4539820005", fixture("outlier", "detail_payment_section.json")),
        (f"{LIST_URL}/4423297005", fixture("outlier", "detail_no_pay.json")),
    ]
    records = outlier.reparse_responses(responses, {})
    assert [r.external_id for r in records] == ["4539820005", "4423297005"]


def test_2026_list_items_are_records_with_their_own_page_url() -> None:
    spanish, physics = outlier.parse(fixture("outlier", "list_2026_full_items.json"))
    assert spanish.url == "https://app.outlier.ai/en/expert/job/4612093005"
    assert spanish.pay is not None and (spanish.pay.max, spanish.pay.up_to) == (20, True)
    assert physics.pay_text == "Up to $60 per hour"


def test_collect_fetches_details_only_for_items_that_lack_them() -> None:
    fetcher = FakeFetcher(
        gets={f"{LIST_URL}/4539820005": fixture("outlier", "detail_payment_section.json")},
        posts={LIST_URL: [({"podsToExclude": []}, fixture("outlier", "list_2026_full_items.json"))]},
    )
    result = asyncio.run(outlier.collect(source(), fetcher))
    assert [(r[0], r[1]) for r in fetcher.requests] == [
        ("POST", LIST_URL), ("GET", f"{LIST_URL}/4539820005"),
    ]
    assert [r.external_id for r in result.records] == ["4612093005", "4598811005", "4539820005"]
    assert result.complete is True and len(result.responses) == 2
