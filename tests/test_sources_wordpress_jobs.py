"""WordPress REST jobs (OneForma `/wp-json/wp/v2/job?_embed=wp:term`): posts, embedded terms,
paging by the X-WP-TotalPages header, and a 404 read as "board gone"."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from collectors.fetch import FetchPolicy
from collectors.records import ParseError
from collectors.runner import run_source
from collectors.sources import wordpress_jobs
from collectors.sources.base import SourceConfig
from collectors.store import LAKE, Store
from tests.httpserver import LocalHTTPServer, Reply
from tests.sources_fakes import fixture

FAST = FetchPolicy(connect_timeout=2.0, read_timeout=2.0, write_timeout=2.0, pool_timeout=2.0,
                   max_attempts=1, default_min_interval=0.0)
PATH = "/wp-json/wp/v2/job"
QUERY = "?per_page=2&_embed=wp:term"


def test_posts_and_their_terms() -> None:
    germany, annotation = wordpress_jobs.parse(fixture("wordpress_jobs", "oneforma_page1.json"))
    assert germany.external_id == "58231"
    assert germany.title == "Search Engine Evaluator – Germany"  # &#8211; decoded
    assert germany.url == "https://www.oneforma.com/jobs/search-engine-evaluator-germany/"
    assert germany.location == "Germany" and germany.country == "DE"
    assert germany.is_remote is True  # the "Remote" job_tag
    assert germany.employment_type == "Annotation"
    assert germany.department == "Artificial Intelligence"
    assert germany.posted_at == datetime(2026, 10, 14, 9, 12, 44, tzinfo=UTC)  # date_gmt
    assert germany.pay is not None and (germany.pay.max, germany.pay.unit) == (12, "hour")
    assert germany.pay_text == "Pay rate: $12 per hour"
    assert annotation.location == "France; Spain" and annotation.country is None
    assert annotation.is_remote is None  # no term says remote: unknown, not False
    assert annotation.pay is None  # "Payment is made monthly" is not a rate


def test_drafts_are_dropped_and_worldwide_is_remote() -> None:
    [speech] = wordpress_jobs.parse(fixture("wordpress_jobs", "oneforma_page2.json"))
    assert speech.external_id == "56112"
    assert speech.location == "Worldwide" and speech.is_remote is True
    assert speech.department == "Speech & Audio"  # the term's &amp; decoded


def test_wordpress_error_and_other_shapes_raise() -> None:
    with pytest.raises(ParseError, match="rest_post_invalid_page_number"):
        wordpress_jobs.parse(fixture("wordpress_jobs", "invalid_page_number.json"))
    with pytest.raises(ParseError, match="JSON array of posts"):
        wordpress_jobs.parse(b'{"jobs": []}')


def test_page_info_reads_the_total_pages_header() -> None:
    body = fixture("wordpress_jobs", "oneforma_page1.json")
    assert wordpress_jobs.page_info(body, {"x-wp-totalpages": "3"}).pages == 3
    assert wordpress_jobs.page_info(body, {}).pages is None
    with pytest.raises(ParseError, match="X-WP-TotalPages"):
        wordpress_jobs.page_info(body, {"x-wp-totalpages": "lots"})


def source(server: LocalHTTPServer) -> SourceConfig:
    return SourceConfig(name="oneforma-wp", platform="oneforma", kind="wordpress_jobs",
                        url=server.url(PATH + QUERY), min_interval_seconds=0.0)


def pages(total_pages: str, *, second: bytes | None = None) -> dict[str, Reply]:
    headers = {"X-WP-Total": "4", "X-WP-TotalPages": total_pages}
    return {
        f"{PATH}{QUERY}&page=1": Reply(body=fixture("wordpress_jobs", "oneforma_page1.json"), headers=headers),
        f"{PATH}{QUERY}&page=2": Reply(body=second if second is not None else fixture("wordpress_jobs", "oneforma_page2.json"),
                                       headers=headers),
    }


def open_listings(store: Store) -> list[str]:
    return [row[0] for row in store.read_rows(
        f"SELECT external_id FROM {LAKE}.listings WHERE closed_at IS NULL ORDER BY external_id")]


def test_collect_pages_by_header_end_to_end_then_a_404_reads_as_board_gone(store: Store) -> None:
    with LocalHTTPServer() as server:
        for path, reply in pages("2").items():
            server.script(path, reply)
        run = asyncio.run(run_source(source(server), store, policy=FAST))
        assert (run.status, run.complete, run.items_count) == ("ok", True, 3)
        assert [r.path for r in server.requests if r.path.startswith(PATH)] == [
            f"{PATH}{QUERY}&page=1", f"{PATH}{QUERY}&page=2",
        ]
        assert open_listings(store) == ["56112", "57990", "58231"]

        server.reset()
        server.script(f"{PATH}{QUERY}&page=1", Reply(status=404, body=b'{"code":"rest_no_route"}'))
        gone = asyncio.run(run_source(source(server), store, policy=FAST))
    assert gone.status == "failed"
    assert gone.error is not None and gone.error.startswith("BoardGone: HTTP 404")
    assert "gone or was renamed" in gone.error
    assert open_listings(store) == ["56112", "57990", "58231"]  # never "all listings closed"


def test_an_empty_page_before_the_declared_last_is_incomplete(store: Store) -> None:
    with LocalHTTPServer() as server:
        for path, reply in pages("3", second=b"[]").items():
            server.script(path, reply)
        run = asyncio.run(run_source(source(server), store, policy=FAST))
        assert len([r for r in server.requests if r.path.startswith(PATH)]) == 2
    assert run.complete is False  # 3 pages declared, page 2 empty: nothing may be closed
