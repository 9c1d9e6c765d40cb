"""Alignerr /api/jobs: paging with offset/total, pay chip text, the older v1 array."""

from __future__ import annotations

import asyncio

import pytest

from collectors.records import ParseError
from collectors.sources import alignerr
from collectors.sources.base import SourceConfig
from tests.sources_fakes import FakeFetcher, dumps, fixture

API = "https://www.alignerr.com/api/jobs?limit=2&offset=0"


def test_api_page_with_pay_chip_text() -> None:
    biology, python = alignerr.parse(fixture("alignerr", "api_page1.json"))
    assert biology.external_id == "43cc3db4-ae8e-40d2-bb61-f948318ee41c"
    assert biology.url == "https://www.alignerr.com/jobs/43cc3db4-ae8e-40d2-bb61-f948318ee41c"
    assert biology.pay_text == "$75-90/hr"
    assert biology.pay is not None and (biology.pay.min, biology.pay.max, biology.pay.unit) == (75, 90, "hour")
    assert biology.department == "STEM"
    assert python.pay is not None and (python.pay.min, python.pay.max) == (40, 120)


def test_api_missing_or_wordy_pay_is_none() -> None:
    korean, generalist = alignerr.parse(fixture("alignerr", "api_page2.json"))
    assert korean.pay is None and korean.pay_text is None
    assert korean.location == "South Korea" and korean.is_remote is None
    assert generalist.pay is None and generalist.pay_text is None  # "Competitive"


def test_v1_array_skips_inactive_jobs() -> None:
    [job] = alignerr.parse(fixture("alignerr", "v1_array.json"))
    assert job.external_id == "4672947007"
    assert job.title == "AI Trainer - Advanced Video Gamer"
    assert job.employment_type == "CONTRACT"


def test_api_empty_and_changed_layout() -> None:
    assert alignerr.parse(fixture("alignerr", "empty.json")) == []
    with pytest.raises(ParseError, match="count, items"):
        alignerr.parse(fixture("alignerr", "changed_layout.json"))
    assert alignerr.page_info(fixture("alignerr", "api_page1.json")) == (2, 4)


def source(limit: int = 2) -> SourceConfig:
    return SourceConfig(
        name="alignerr-api", platform="alignerr", kind="alignerr", url=API, options={"limit": limit}
    )


def test_collect_pages_with_offset_until_total() -> None:
    fetcher = FakeFetcher(
        gets={
            "https://www.alignerr.com/api/jobs?limit=2&offset=0": fixture("alignerr", "api_page1.json"),
            "https://www.alignerr.com/api/jobs?limit=2&offset=2": fixture("alignerr", "api_page2.json"),
        }
    )
    result = asyncio.run(alignerr.collect(source(), fetcher))
    assert [r[1] for r in fetcher.requests] == [
        "https://www.alignerr.com/api/jobs?limit=2&offset=0",
        "https://www.alignerr.com/api/jobs?limit=2&offset=2",
    ]
    assert len(result.records) == 4
    assert result.complete is True


def test_collect_marks_incomplete_when_a_page_is_empty_before_total() -> None:
    short = dumps({"jobs": [], "limit": 2, "offset": 2, "total": 4})
    fetcher = FakeFetcher(
        gets={
            "https://www.alignerr.com/api/jobs?limit=2&offset=0": fixture("alignerr", "api_page1.json"),
            "https://www.alignerr.com/api/jobs?limit=2&offset=2": short,
        }
    )
    result = asyncio.run(alignerr.collect(source(), fetcher))
    assert len(result.records) == 2
    assert result.complete is False
    assert "before total 4" in result.warnings[0]


def test_variants_sharing_a_master_job_id_are_one_listing() -> None:
    records = alignerr.parse(fixture("alignerr", "api_variants.json"))
    assert [r.external_id for r in records] == [
        "bf069570-d33d-4c40-b647-045c7b155c29", "c1d2e3f4-a5b6-4c7d-8e9f-a0b1c2d3e4f5",
    ]
    biology = records[0]
    assert biology.location == "Germany; France"
    assert biology.country is None  # two countries
    assert biology.url == "https://www.alignerr.com/jobs/7e1f0c2a-5b3d-4e6f-9a1b-2c3d4e5f6a70"
    assert records[1].location == "Remote" and records[1].is_remote is True
