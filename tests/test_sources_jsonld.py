"""schema.org JobPosting in HTML: several blocks, arrays, @graph, unitText variants, fail loudly."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest

from collectors.records import ParseError
from collectors.sources import jsonld
from collectors.sources.base import SourceConfig
from tests.sources_fakes import FakeFetcher, fixture


def test_mercor_page_hourly_unit_text_and_identifier() -> None:
    [job] = jsonld.parse(fixture("jsonld", "mercor_job_page_hourly.html"))
    assert job.external_id == "list_AAABm4Xm5vZiwyWXybFBRJJN"
    assert job.title == "Generalist Writer"
    assert job.url == "https://work.mercor.com/jobs/list_AAABm4Xm5vZiwyWXybFBRJJN/generalist-writer"
    assert job.pay is not None
    assert (job.pay.min, job.pay.max, job.pay.currency, job.pay.unit) == (35, 45, "USD", "hour")
    assert job.pay_text == "USD 35–45 per HOURLY"  # the raw, non-standard unit stays visible
    assert job.is_remote is True
    assert job.country == "US"
    assert job.employment_type == "OTHER"
    assert job.posted_at == datetime(2026, 1, 3, 22, 7, 41, tzinfo=UTC)
    assert job.description_sha256 is not None


def test_graph_with_type_list_single_value_and_two_locations() -> None:
    [job] = jsonld.parse(fixture("jsonld", "graph_page.html"))
    assert job.external_id == "98765"  # numeric identifier kept as a string
    assert job.title == "Physics Expert & Reviewer"  # entity-escaped title unescaped
    assert job.url == "https://careers.example.org/jobs/physics-expert"
    assert job.location == "Toronto, ON, CA; Vancouver, BC, CA"
    assert job.country == "CA"
    assert job.employment_type == "CONTRACTOR, PART_TIME"
    assert job.pay is not None
    assert (job.pay.min, job.pay.max, job.pay.currency, job.pay.unit) == (55, 55, "CAD", "hour")


def test_array_block_with_two_postings_next_to_a_broken_block() -> None:
    french, german = jsonld.parse(fixture("jsonld", "array_two_postings.html"))
    assert french.external_id == "https://jobs.example.com/annotator-fr"  # no identifier: its url
    assert french.country == "FR"  # addressCountry as a Country object
    assert french.posted_at == datetime(2026, 7, 1, 9, tzinfo=timezone(timedelta(hours=2)))
    assert french.pay is not None
    assert (french.pay.min, french.pay.max, french.pay.currency, french.pay.unit) == (
        2200, 2600, "EUR", "month",
    )
    assert german.pay is not None  # estimatedSalary with unitText YEARLY
    assert (german.pay.min, german.pay.max, german.pay.unit) == (30000, 36000, "year")
    assert german.pay_text == "EUR 30000–36000 per YEARLY"


def test_no_salary_uses_canonical_url_as_id() -> None:
    [job] = jsonld.parse(fixture("jsonld", "no_salary_canonical_id.html"))
    assert job.external_id == "https://example.ai/careers/ai-trainer-law"
    assert job.pay is None and job.pay_text is None
    assert job.location == "Remote" and job.is_remote is True
    assert job.country == "GB"


def test_page_without_jobposting_names_the_types_it_had() -> None:
    with pytest.raises(ParseError, match="BreadcrumbList, Organization"):
        jsonld.parse(fixture("jsonld", "no_jobposting.html"))


def test_posting_without_any_id_asks_for_the_page_url() -> None:
    body = b'{"@type": "JobPosting", "title": "Rater"}'
    with pytest.raises(ParseError, match="no identifier"):
        jsonld.parse(body)
    [job] = jsonld.parse(body, url="https://example.com/jobs/rater")
    assert job.external_id == "https://example.com/jobs/rater"


def test_collect_several_pages_keeps_going_past_a_failure() -> None:
    good = "https://work.mercor.com/jobs/list_AAABm4Xm5vZiwyWXybFBRJJN"
    gone = "https://work.mercor.com/jobs/list_GONE"
    fetcher = FakeFetcher(gets={good: fixture("jsonld", "mercor_job_page_hourly.html"), gone: 404})
    source = SourceConfig(
        name="mercor-pages", platform="mercor", kind="jsonld", url=good, options={"pages": [good, gone]}
    )
    result = asyncio.run(jsonld.collect(source, fetcher))
    assert [r.external_id for r in result.records] == ["list_AAABm4Xm5vZiwyWXybFBRJJN"]
    assert result.complete is False
    assert "list_GONE" in result.warnings[0] and "BoardGone" in result.warnings[0]


def test_page_data_per_task_wins_over_unit_text_hour() -> None:
    """A Mercor per-task page whose JSON-LD says `unitText: "HOUR"` while its own `__NEXT_DATA__`
    listing says `payRateFrequency: "per-task"`: the page wins."""
    [job] = jsonld.parse(fixture("jsonld", "mercor_per_task_unit_hour.html"))
    assert job.external_id == "list_AAABnTaskPg7Qw2Lk9Rs4Vx1"
    assert job.pay is not None
    assert (job.pay.min, job.pay.max, job.pay.currency, job.pay.unit) == (20, 25, "USD", "task")
    assert job.pay_text == "USD 20–25 per HOUR; page: per-task"


def test_page_data_hourly_leaves_the_markup_alone() -> None:
    [job] = jsonld.parse(fixture("jsonld", "mercor_job_page_hourly.html"))
    assert job.pay is not None and job.pay.unit == "hour"
