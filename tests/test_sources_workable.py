"""Workable widget API: list pages with a nextPage token, single job with description pay."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest

from collectors.records import ParseError
from collectors.sources import workable
from collectors.sources.base import SourceConfig
from tests.sources_fakes import FakeFetcher, dumps, fixture

LIST_URL = "https://apply.workable.com/api/v3/accounts/toloka-ai/jobs"


def test_list_page_fields() -> None:
    records = workable.parse(fixture("workable", "list_page1.json"), url=LIST_URL)
    assert [r.external_id for r in records] == ["6EF9ADEAB7", "A1B2C3D4E5"]
    tutor, editor = records
    assert tutor.title == "AI Tutor - Chemistry (Freelance)"
    assert tutor.url == "https://apply.workable.com/toloka-ai/j/6EF9ADEAB7/"
    assert tutor.is_remote is True
    assert tutor.location == "Remote (United States)"
    assert tutor.country == "US"
    assert tutor.employment_type == "contract"
    assert tutor.department == "AI Training"
    assert tutor.posted_at == datetime(2026, 8, 28, tzinfo=UTC)
    assert tutor.pay is None  # list items carry no description
    assert editor.is_remote is False and editor.location == "Berlin, Germany" and editor.country == "DE"


def test_several_countries_give_no_single_country() -> None:
    [writer] = workable.parse(fixture("workable", "list_page2.json"), options={"account": "toloka-ai"})
    assert writer.country is None
    assert writer.url == "https://apply.workable.com/toloka-ai/j/F6E5D4C3B2/"


def test_single_job_reads_pay_from_the_description() -> None:
    [job] = workable.parse(fixture("workable", "single_job.json"), options={"account": "toloka-ai"})
    assert job.pay_text == "Hourly rate: up to $45/hour, depending on expertise"
    assert job.pay is not None
    assert (job.pay.min, job.pay.max, job.pay.unit, job.pay.up_to) == (None, 45, "hour", True)
    assert job.description_sha256 is not None


def test_unknown_account_gives_no_url() -> None:
    [job] = workable.parse(fixture("workable", "single_job.json"))
    assert job.url is None


def test_next_page_token() -> None:
    assert workable.next_page_token(fixture("workable", "list_page1.json")) == "WzE3MjQ4MDAwMDAwMDAsNTc2MzU5NF0="
    assert workable.next_page_token(fixture("workable", "list_page2.json")) is None


def test_changed_layout_raises() -> None:
    with pytest.raises(ParseError, match="jobs, paging"):
        workable.parse(fixture("workable", "changed_layout.json"))


def source() -> SourceConfig:
    return SourceConfig(
        name="toloka-workable", platform="toloka", kind="workable", url=LIST_URL,
        options={"account": "toloka-ai", "body": {}},
    )


def test_collect_follows_next_page_tokens() -> None:
    token = "WzE3MjQ4MDAwMDAwMDAsNTc2MzU5NF0="
    fetcher = FakeFetcher(
        posts={
            LIST_URL: [
                ({}, fixture("workable", "list_page1.json")),
                ({"token": token}, fixture("workable", "list_page2.json")),
            ]
        }
    )
    result = asyncio.run(workable.collect(source(), fetcher))
    assert [r[2] for r in fetcher.requests] == [{}, {"token": token}]
    assert [r.external_id for r in result.records] == ["6EF9ADEAB7", "A1B2C3D4E5", "F6E5D4C3B2"]
    assert result.complete is True


def test_collect_stops_on_a_repeated_token() -> None:
    looping = dumps({"results": [], "nextPage": "same"})
    fetcher = FakeFetcher(posts={LIST_URL: [({}, looping), ({"token": "same"}, looping)]})
    result = asyncio.run(workable.collect(source(), fetcher))
    assert result.complete is False
    assert "repeated" in result.warnings[0]
    assert len(fetcher.requests) == 2


def test_unpublished_and_internal_jobs_are_dropped() -> None:
    """Real Workable rows carry `state` and `isInternal`: only published, public jobs are listings."""
    records = workable.parse(fixture("workable", "list_states.json"), url=LIST_URL)
    assert [r.external_id for r in records] == ["PUB0000001"]


def test_a_single_draft_job_gives_no_record() -> None:
    job = json.loads(fixture("workable", "single_job.json"))
    assert len(workable.parse(json.dumps(job).encode())) == 1
    job["state"] = "archived"
    assert workable.parse(json.dumps(job).encode()) == []
