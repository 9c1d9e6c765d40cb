"""Lever postings API: list, single posting, grouped list; salaryRange, salary text, pay lists."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from collectors.records import ParseError
from collectors.sources import lever
from collectors.sources.base import SourceConfig
from tests.sources_fakes import FakeFetcher, fixture


def by_title(records: list) -> dict:
    return {r.title: r for r in records}


def test_list_fields_and_structured_salary_range() -> None:
    records = lever.parse(fixture("lever", "postings_list.json"))
    assert len(records) == 5
    tagalog = records[0]
    assert tagalog.external_id == "6f1f3b7e-2a0c-4a4e-9a57-1c2d3e4f5a61"
    assert tagalog.title == "Tagalog Language Expert - AI Trainer"
    assert tagalog.url == "https://jobs.lever.co/appen/6f1f3b7e-2a0c-4a4e-9a57-1c2d3e4f5a61"
    assert tagalog.location == "Remote - Philippines"
    assert tagalog.is_remote is True
    assert tagalog.country == "PH"
    assert tagalog.employment_type == "Independent Contractor - Project Based"
    assert tagalog.department == "AI Trainers - Domain Experts"
    assert tagalog.posted_at == datetime(2026, 4, 4, 1, 54, 59, 644000, tzinfo=UTC)  # ms epoch
    assert tagalog.pay is not None
    assert (tagalog.pay.min, tagalog.pay.max, tagalog.pay.currency, tagalog.pay.unit) == (
        12, 18, "USD", "hour",
    )
    assert tagalog.pay_text == "$12–18/hour"  # a rendering: the salary note says no amount


def test_salary_description_text_when_no_range() -> None:
    doctor = by_title(lever.parse(fixture("lever", "postings_list.json")))[
        "Medical Doctor - AI Evaluation (Freelance)"
    ]
    assert doctor.pay_text == "Up to $80 per hour, paid monthly"
    assert doctor.pay is not None
    assert (doctor.pay.min, doctor.pay.max, doctor.pay.unit, doctor.pay.up_to) == (None, 80, "hour", True)
    assert doctor.pay.currency is None and doctor.pay.currency_symbol == "$"  # a bare "$"


def test_compensation_list_section_in_local_currency() -> None:
    rater = by_title(lever.parse(fixture("lever", "postings_list.json")))[
        "Search Quality Rater - Spanish (Mexico)"
    ]
    assert rater.pay_text == "MXN 95 per hour"
    assert rater.pay is not None
    assert (rater.pay.min, rater.pay.max, rater.pay.currency, rater.pay.unit) == (95, 95, "MXN", "hour")
    assert rater.is_remote is None  # workplaceType "unspecified", location "Mexico"


def test_perks_are_not_pay_and_hybrid_is_not_remote() -> None:
    director = by_title(lever.parse(fixture("lever", "postings_list.json")))["Account Director, Enterprise"]
    assert director.pay is None and director.pay_text is None
    assert director.is_remote is False
    assert director.employment_type == "Full-time"


def test_odd_salary_range_with_zero_max() -> None:
    annotator = by_title(lever.parse(fixture("lever", "postings_list.json")))[
        "Data Annotator (Weekly Contract)"
    ]
    assert annotator.pay is not None
    assert (annotator.pay.min, annotator.pay.max, annotator.pay.currency, annotator.pay.unit) == (
        9000, None, "INR", "week",
    )
    assert annotator.pay.at_least is True


def test_single_posting_and_grouped_list() -> None:
    [single] = lever.parse(fixture("lever", "single_posting.json"))
    assert single.external_id == "7a2b4c6d-8e0f-4a1b-9c3d-5e7f9a1b3c52"
    grouped = lever.parse(fixture("lever", "grouped_by_team.json"))
    assert [r.title for r in grouped] == [
        "Tagalog Language Expert - AI Trainer",
        "Search Quality Rater - Spanish (Mexico)",
        "Account Director, Enterprise",
    ]


def test_empty_site() -> None:
    assert lever.parse(fixture("lever", "empty_site.json")) == []


def test_not_found_document_raises() -> None:
    with pytest.raises(ParseError, match="Document not found"):
        lever.parse(fixture("lever", "not_found.json"))


def test_changed_layout_raises() -> None:
    with pytest.raises(ParseError, match="data, hasNext"):
        lever.parse(fixture("lever", "changed_layout.json"))


def test_collect_one_get() -> None:
    url = "https://api.lever.co/v0/postings/appen?mode=json"
    fetcher = FakeFetcher(gets={url: fixture("lever", "postings_list.json")})
    source = SourceConfig(name="appen-lever", platform="appen", kind="lever", url=url)
    result = asyncio.run(lever.collect(source, fetcher))
    assert len(result.records) == 5 and result.complete and len(result.responses) == 1
