"""Ashby posting API: hourly and annual compensation, empty compensation, description pay."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from collectors.records import ParseError
from collectors.sources import ashby
from collectors.sources.base import SourceConfig
from tests.sources_fakes import FakeFetcher, fixture


def records_by_title() -> dict:
    return {r.title: r for r in ashby.parse(fixture("ashby", "board.json"))}


def test_unlisted_jobs_are_skipped() -> None:
    records = records_by_title()
    assert "Recruiter (unlisted)" not in records
    assert len(records) == 5


def test_hourly_compensation_component() -> None:
    rater = records_by_title()["Expert Rater - Mathematics"]
    assert rater.external_id == "373302e0-c4ab-4fdf-a8be-18ec45e4c5f5"
    assert rater.url == "https://jobs.ashbyhq.com/surge-ai/373302e0-c4ab-4fdf-a8be-18ec45e4c5f5"
    assert rater.pay_text == "$50.00 – $60.00 per hour"
    assert rater.pay is not None
    assert (rater.pay.min, rater.pay.max, rater.pay.currency, rater.pay.unit) == (50, 60, "USD", "hour")
    assert rater.is_remote is True
    assert rater.employment_type == "Contract"
    assert rater.department == "Workforce"
    assert rater.country == "US"
    assert rater.posted_at == datetime(2026, 9, 1, 17, 43, 50, 191000, tzinfo=UTC)


def test_annual_compensation_in_euros() -> None:
    engineer = records_by_title()["Infrastructure Engineer"]
    assert engineer.pay is not None
    assert (engineer.pay.min, engineer.pay.max, engineer.pay.currency, engineer.pay.unit) == (
        70000, 90000, "EUR", "year",
    )
    assert engineer.pay_text == "€70K – €90K • Offers Equity"
    assert engineer.country == "DE"
    assert engineer.is_remote is False  # isRemote false, workplaceType Hybrid


def test_empty_compensation_falls_back_to_the_description_section() -> None:
    coder = records_by_title()["Coding Expert (Contract)"]
    assert coder.pay_text == "$40–$80/hr depending on experience."
    assert coder.pay is not None
    assert (coder.pay.min, coder.pay.max, coder.pay.unit) == (40, 80, "hour")


def test_no_pay_anywhere() -> None:
    records = records_by_title()
    security = records["Security Engineer"]
    assert security.pay is None and security.pay_text is None
    assert security.country is None  # San Francisco and Toronto: two countries
    operations = records["Operations Lead"]  # no compensation key at all
    assert operations.pay is None


def test_empty_board() -> None:
    assert ashby.parse(fixture("ashby", "empty_board.json")) == []


def test_changed_layout_raises() -> None:
    with pytest.raises(ParseError, match="apiVersion, results"):
        ashby.parse(fixture("ashby", "changed_layout.json"))


def test_collect_one_get() -> None:
    url = "https://api.ashbyhq.com/posting-api/job-board/surge-ai?includeCompensation=true"
    fetcher = FakeFetcher(gets={url: fixture("ashby", "board.json")})
    source = SourceConfig(name="surge-ashby", platform="surge", kind="ashby", url=url)
    result = asyncio.run(ashby.collect(source, fetcher))
    assert len(result.records) == 5 and result.complete
