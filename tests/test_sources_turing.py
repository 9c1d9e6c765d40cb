"""Turing /api/jobs/all: strict about its unverified shape, paging by pageNumber."""

from __future__ import annotations

import asyncio

import pytest

from collectors.records import ParseError
from collectors.sources import turing
from collectors.sources.base import SourceConfig
from tests.sources_fakes import FakeFetcher, dumps, fixture

URL = "https://work.turing.com/api/jobs/all"


def test_documented_shape() -> None:
    python, chemistry = turing.parse(fixture("turing", "jobs_all.json"))
    assert python.external_id == "10452"
    assert python.title == "Python Developer - AI Trainer"
    assert python.url == "https://work.turing.com/jobs/python-ai-trainer-10452"
    assert python.location == "Remote" and python.is_remote is True
    assert python.department == "Software Engineering"
    assert python.pay_text == "$30 - $50 per hour, depending on experience."
    assert python.pay is not None and (python.pay.min, python.pay.max, python.pay.unit) == (30, 50, "hour")
    assert chemistry.url == "https://work.turing.com/jobs/10453"  # no jobCode: the id
    assert chemistry.pay is None  # a referral reward is not pay


def test_unknown_row_key_fails_naming_the_keys_seen() -> None:
    with pytest.raises(ParseError, match=r"'jobs' is not in the response.*data, success, totalCount"):
        turing.parse(fixture("turing", "unknown_rows_key.json"))


def test_row_without_title_fails_naming_the_row_keys() -> None:
    with pytest.raises(ParseError, match="lacks title; it has an object with keys id, name"):
        turing.parse(fixture("turing", "row_without_title.json"))


def test_success_false_fails() -> None:
    with pytest.raises(ParseError, match="`success` is False"):
        turing.parse(fixture("turing", "success_false.json"))


def test_collect_one_page_when_total_is_reached() -> None:
    body = dict(turing.DEFAULT_BODY)
    fetcher = FakeFetcher(posts={URL: [(body, fixture("turing", "jobs_all.json"))]})
    source = SourceConfig(name="turing-api", platform="turing", kind="turing", url=URL, options={"body": body})
    result = asyncio.run(turing.collect(source, fetcher))
    assert len(result.records) == 2 and result.complete
    assert fetcher.requests[0][2]["pageNumber"] == 1


def test_collect_pages_until_total_count() -> None:
    body = {**turing.DEFAULT_BODY, "pageSize": 1}
    rows = turing_rows()
    page1 = dumps({"success": True, "totalCount": 2, "jobs": rows[:1]})
    page2 = dumps({"success": True, "totalCount": 2, "jobs": rows[1:]})
    fetcher = FakeFetcher(
        posts={URL: [({**body, "pageNumber": 1}, page1), ({**body, "pageNumber": 2}, page2)]}
    )
    source = SourceConfig(name="turing-api", platform="turing", kind="turing", url=URL, options={"body": body})
    result = asyncio.run(turing.collect(source, fetcher))
    assert [r.external_id for r in result.records] == ["10452", "10453"]
    assert result.complete is True


def turing_rows() -> list:
    import json

    return json.loads(fixture("turing", "jobs_all.json"))["jobs"]
