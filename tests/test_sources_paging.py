"""The one paginator (collectors/sources/_paging.py) and its one rule for when a result is complete.

A partial result must never be read as complete: an empty page before the declared end, the page
cap or a repeated cursor gives `complete=False`, and a failing page fails the whole collect.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from collectors.fetch import HTTPStatusError
from collectors.sources import alignerr, telus, turing
from collectors.sources._paging import CursorToken, PageInfo, paginate
from collectors.sources.base import Fetched, SourceConfig
from tests.sources_fakes import FakeFetcher, dumps, fixture

TURING = "https://work.turing.com/api/jobs/all"
TELUS = "https://api.telusinternational.ai/apapi/v1/list-job-posts"


def turing_rows() -> list[Any]:
    return list(json.loads(fixture("turing", "jobs_all.json"))["jobs"])


def turing_source(body: dict[str, Any]) -> SourceConfig:
    return SourceConfig(name="turing-api", platform="turing", kind="turing", url=TURING, options={"body": body})


def test_no_total_a_full_page_asks_for_the_next_and_a_short_page_ends_the_list() -> None:
    body = {**turing.DEFAULT_BODY, "pageSize": 1}
    rows = turing_rows()
    fetcher = FakeFetcher(posts={TURING: [
        ({**body, "pageNumber": 1}, dumps({"success": True, "jobs": rows[:1]})),
        ({**body, "pageNumber": 2}, dumps({"success": True, "jobs": rows[1:2]})),
        ({**body, "pageNumber": 3}, dumps({"success": True, "jobs": []})),
    ]})
    result = asyncio.run(turing.collect(turing_source(body), fetcher))
    assert [r[2]["pageNumber"] for r in fetcher.requests] == [1, 2, 3]
    assert [r.external_id for r in result.records] == ["10452", "10453"]
    assert result.complete is True and result.warnings == []


def test_no_total_a_failing_next_page_fails_the_collect() -> None:
    body = {**turing.DEFAULT_BODY, "pageSize": 1}
    fetcher = FakeFetcher(posts={TURING: [
        ({**body, "pageNumber": 1}, dumps({"success": True, "jobs": turing_rows()[:1]})),
        ({**body, "pageNumber": 2}, 503),
    ]})
    with pytest.raises(HTTPStatusError):
        asyncio.run(turing.collect(turing_source(body), fetcher))


def test_a_declared_total_wins_over_a_short_page() -> None:
    body = {**turing.DEFAULT_BODY, "pageSize": 5}
    rows = turing_rows()
    fetcher = FakeFetcher(posts={TURING: [
        ({**body, "pageNumber": 1}, dumps({"success": True, "totalCount": 2, "jobs": rows[:1]})),
        ({**body, "pageNumber": 2}, dumps({"success": True, "totalCount": 2, "jobs": rows[1:2]})),
    ]})
    result = asyncio.run(turing.collect(turing_source(body), fetcher))
    assert len(fetcher.requests) == 2
    assert len(result.records) == 2 and result.complete is True


def test_an_empty_page_before_the_declared_last_page_is_incomplete() -> None:
    first = json.loads(fixture("telus", "list_page1.json"))
    first["pagination"]["pages"] = 3
    empty = {"data": [], "pagination": {"page": 2, "limit": 3, "total": 9, "pages": 3}}
    body = {"is_global": True, "page": 1, "limit": 100}
    fetcher = FakeFetcher(posts={TELUS: [(body, dumps(first)), ({**body, "page": 2}, dumps(empty))]})
    source = SourceConfig(name="telus", platform="telus", kind="telus", url=TELUS, options={"body": body})
    result = asyncio.run(telus.collect(source, fetcher))
    assert [r[2]["page"] for r in fetcher.requests] == [1, 2]
    assert len(result.records) == 3
    assert result.complete is False and "of the 3 pages declared" in result.warnings[0]


def test_more_pages_declared_than_the_cap_is_incomplete() -> None:
    page = json.loads(fixture("telus", "list_page1.json"))
    page["pagination"]["pages"] = telus.MAX_PAGES + 1
    body = {"is_global": True, "page": 1, "limit": 100}
    answers = [({**body, "page": n}, dumps(page)) for n in range(1, telus.MAX_PAGES + 1)]
    fetcher = FakeFetcher(posts={TELUS: answers})
    source = SourceConfig(name="telus", platform="telus", kind="telus", url=TELUS, options={"body": body})
    result = asyncio.run(telus.collect(source, fetcher))
    assert len(fetcher.requests) == telus.MAX_PAGES
    assert len(result.records) == 3  # the same page each time: deduplicated by external id
    assert result.complete is False and f"stopped after {telus.MAX_PAGES} pages" in result.warnings[0]


def test_the_alignerr_v1_array_is_the_whole_list_in_one_request() -> None:
    url = "https://www.alignerr.com/api/v1/jobs?offset=0&limit=1"
    fetcher = FakeFetcher(gets={url: fixture("alignerr", "v1_array.json")})
    source = SourceConfig(
        name="alignerr-v1", platform="alignerr", kind="alignerr",
        url="https://www.alignerr.com/api/v1/jobs", options={"limit": 1},
    )
    result = asyncio.run(alignerr.collect(source, fetcher))
    assert len(fetcher.requests) == 1
    assert [r.external_id for r in result.records] == ["4672947007"]
    assert result.complete is True


def test_a_cursor_that_never_ends_stops_at_the_cap_incomplete() -> None:
    asked: list[str | None] = []

    async def request(token: str | None) -> Fetched:
        asked.append(token)
        fetcher = FakeFetcher(gets={"u": dumps({"results": [], "nextPage": f"t{len(asked)}"})})
        return await fetcher.get("u")

    def read(body: bytes) -> PageInfo:
        return PageInfo(count=0, next_token=json.loads(body)["nextPage"])

    result = asyncio.run(
        paginate(request, CursorToken(), read, lambda body, **_: [], {}, max_pages=3)
    )
    assert asked == [None, "t1", "t2"]
    assert result.complete is False and "stopped after 3 pages" in result.warnings[0]
    assert len(result.responses) == 3
