"""Alignerr job page (`www.alignerr.com/jobs/<uuid>`): `__NEXT_DATA__` job and list pages."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from collectors.pay import to_hourly_usd
from collectors.records import ParseError
from collectors.sources import alignerr_page
from collectors.sources.base import SourceConfig
from tests.sources_fakes import FakeFetcher, fixture


def test_job_page_next_data() -> None:
    [job] = alignerr_page.parse(fixture("alignerr_page", "job_page.html"))
    assert job.external_id == "bf069570-d33d-4c40-b647-045c7b155c29"  # its masterJobId
    assert job.title == "Biology Expert (Masters/PhDs)"
    assert job.url == "https://www.alignerr.com/jobs/43cc3db4-ae8e-40d2-bb61-f948318ee41c"
    assert job.pay is not None
    assert (job.pay.min, job.pay.max, job.pay.unit) == (75, 90, "hour")
    assert job.pay_text == "$75-90/hr"  # the visible chip
    assert job.location == "Vancouver"
    assert job.country == "CA"
    assert job.employment_type == "CONTRACT"
    assert job.department == "STEM"
    assert job.posted_at == datetime(2026, 9, 2, 0, 0, 1, 162000, tzinfo=UTC)


def test_job_page_with_zero_rate_has_no_pay() -> None:
    [job] = alignerr_page.parse(fixture("alignerr_page", "job_page_no_rate.html"))
    assert job.pay is None and job.pay_text is None


def test_jobs_list_page_initial_jobs() -> None:
    records = alignerr_page.parse(fixture("alignerr_page", "jobs_list_page.html"))
    assert [r.title for r in records] == ["Biology Expert (Masters/PhDs)", "Software Engineer - Python"]


def test_job_page_shapes_that_must_raise() -> None:
    with pytest.raises(ParseError, match="YEARLY"):
        alignerr_page.parse(fixture("alignerr_page", "job_page_yearly.html"))
    with pytest.raises(ParseError, match="__NEXT_DATA__"):
        alignerr_page.parse(fixture("alignerr_page", "no_next_data.html"))


def test_collect_one_get() -> None:
    url = "https://www.alignerr.com/jobs/43cc3db4-ae8e-40d2-bb61-f948318ee41c"
    fetcher = FakeFetcher(gets={url: fixture("alignerr_page", "job_page.html")})
    source = SourceConfig(name="alignerr-page", platform="alignerr", kind="alignerr_page", url=url)
    result = asyncio.run(alignerr_page.collect(source, fetcher))
    assert [r.external_id for r in result.records] == ["bf069570-d33d-4c40-b647-045c7b155c29"]


def test_variant_page_is_remote_with_its_country() -> None:
    """Real pages: `location` is the variant's target place ("Germany", countryCode null) while the
    page shows a "Remote" chip and "Location: Remote" in the description."""
    [job] = alignerr_page.parse(fixture("alignerr_page", "variant_germany.html"))
    assert job.location == "Germany"
    assert job.is_remote is True
    assert job.country == "DE"
    [city] = alignerr_page.parse(fixture("alignerr_page", "variant_city.html"))
    assert city.is_remote is True and city.location == "Vancouver"
    assert city.country is None  # a city names no country: nothing is guessed


def test_variants_of_one_master_job_are_one_listing() -> None:
    [germany] = alignerr_page.parse(fixture("alignerr_page", "variant_germany.html"))
    [city] = alignerr_page.parse(fixture("alignerr_page", "variant_city.html"))
    assert germany.external_id == city.external_id == "bf069570-d33d-4c40-b647-045c7b155c29"
    assert germany.url == "https://www.alignerr.com/jobs/7e1f0c2a-5b3d-4e6f-9a1b-2c3d4e5f6a70"


def test_bare_dollar_is_usd_only_as_a_recorded_assumption() -> None:
    [job] = alignerr_page.parse(fixture("alignerr_page", "variant_germany.html"))
    assert job.pay is not None
    assert job.pay.currency is None and job.pay.currency_symbol == "$"
    hourly = to_hourly_usd(job.pay, on=date(2026, 9, 2))
    assert hourly is not None and (hourly.min, hourly.max) == (75, 90)
    assert "currency not stated; bare '$' read as USD" in hourly.assumptions
