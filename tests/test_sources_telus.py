"""TELUS list-job-posts: compensation per hour and per unit, paging by pagination.pages."""

from __future__ import annotations

import asyncio

import pytest

from collectors.records import ParseError
from collectors.sources import telus
from collectors.sources.base import SourceConfig
from tests.sources_fakes import FakeFetcher, fixture

URL = "https://api.telusinternational.ai/apapi/v1/list-job-posts"


def test_compensation_units() -> None:
    analyst, transcription, rater = telus.parse(fixture("telus", "list_page1.json"))
    assert analyst.external_id == "3127"
    assert analyst.url == "https://www.telusinternational.ai/cmp/public/jobs/available/3127"
    assert analyst.is_remote is True and analyst.location == "Remote"
    assert analyst.department == "Search & Ads"
    assert analyst.pay is not None
    assert (analyst.pay.min, analyst.pay.max, analyst.pay.currency, analyst.pay.unit) == (
        6.5, 6.5, "USD", "hour",
    )
    assert analyst.pay_text == "6.5 USD per hour"
    assert transcription.pay is not None
    assert (transcription.pay.min, transcription.pay.unit) == (0.04, "task")  # per unit stays per unit
    assert transcription.pay_text == "0.04 USD per unit"
    assert rater.pay is None and rater.pay_text is None


def test_inactive_posts_are_skipped_and_other_currencies_kept() -> None:
    [maps] = telus.parse(fixture("telus", "list_page2.json"))
    assert maps.external_id == "3130"
    assert maps.pay is not None and (maps.pay.min, maps.pay.currency) == (12, "PLN")


def test_page_count_and_changed_layout() -> None:
    assert telus.page_count(fixture("telus", "list_page1.json")) == 2
    with pytest.raises(ParseError, match=r"pagination\.pages"):
        telus.page_count(fixture("telus", "missing_pagination.json"))
    with pytest.raises(ParseError, match="jobs, meta"):
        telus.parse(fixture("telus", "changed_layout.json"))


def test_collect_posts_every_page() -> None:
    body = {"is_global": True, "page": 1, "limit": 100}
    fetcher = FakeFetcher(
        posts={
            URL: [
                (body, fixture("telus", "list_page1.json")),
                ({**body, "page": 2}, fixture("telus", "list_page2.json")),
            ]
        }
    )
    source = SourceConfig(name="telus", platform="telus", kind="telus", url=URL, options={"body": body})
    result = asyncio.run(telus.collect(source, fetcher))
    assert [r[2]["page"] for r in fetcher.requests] == [1, 2]
    assert [r.external_id for r in result.records] == ["3127", "3128", "3129", "3130"]
    assert result.complete is True
