"""DataAnnotation evergreen role pages: one record per page, pay text such as "$40+/hr"."""

from __future__ import annotations

import asyncio

import pytest

from collectors.records import ParseError
from collectors.sources import dataannotation
from collectors.sources.base import SourceConfig
from tests.sources_fakes import FakeFetcher, fixture


def test_role_page_with_pay_in_the_rail() -> None:
    [role] = dataannotation.parse(fixture("dataannotation", "software_engineer.html"))
    assert role.external_id == "software-engineer"
    assert role.title == "Software Engineer"
    assert role.url == "https://www.dataannotation.tech/job-board/software-engineer"
    assert role.location == "Remote" and role.is_remote is True
    assert role.employment_type == "Contract"
    assert role.pay_text == "$40+/hr"
    assert role.pay is not None
    assert (role.pay.min, role.pay.max, role.pay.unit, role.pay.at_least) == (40, None, "hour", True)
    assert role.description_sha256 is not None


def test_pay_in_the_hero_text() -> None:
    [role] = dataannotation.parse(fixture("dataannotation", "generalist_pay_in_hero.html"))
    assert role.external_id == "generalist"
    assert role.pay_text == "Starting at $20+/hr"
    assert role.pay is not None and (role.pay.min, role.pay.unit) == (20, "hour")


def test_no_pay_stated() -> None:
    [role] = dataannotation.parse(fixture("dataannotation", "physicist_no_pay.html"))
    assert role.pay is None and role.pay_text is None


def test_slug_from_the_url_when_the_page_has_none() -> None:
    body = b"<html><body><div class='rd-title'><h1>Chemist</h1></div></body></html>"
    [role] = dataannotation.parse(body, url="https://www.dataannotation.tech/job-board/chemist")
    assert role.external_id == "chemist"


def test_pages_that_must_raise() -> None:
    with pytest.raises(ParseError, match="no <h1> title"):
        dataannotation.parse(fixture("dataannotation", "no_title.html"))
    with pytest.raises(ParseError, match="no role slug"):
        dataannotation.parse(fixture("dataannotation", "not_a_role_page.html"))


def test_collect_follows_redirected_domain_pages_and_tolerates_a_404() -> None:
    coding = "https://www.dataannotation.tech/coding"
    bilingual = "https://www.dataannotation.tech/bilingual"
    fetcher = FakeFetcher(
        gets={
            coding: (
                "https://www.dataannotation.tech/job-board/software-engineer",
                fixture("dataannotation", "software_engineer.html"),
            ),
            bilingual: 404,
        }
    )
    source = SourceConfig(
        name="dataannotation-pages", platform="dataannotation", kind="dataannotation", url=coding,
        options={"pages": [coding, "/bilingual"]},
    )
    result = asyncio.run(dataannotation.collect(source, fetcher))
    assert [r.external_id for r in result.records] == ["software-engineer"]
    assert result.complete is False and "bilingual" in result.warnings[0]


def test_collect_raises_when_every_page_fails() -> None:
    from collectors.fetch import BoardGone

    url = "https://www.dataannotation.tech/coding"
    fetcher = FakeFetcher(gets={url: 404})
    source = SourceConfig(name="da", platform="dataannotation", kind="dataannotation", url=url)
    with pytest.raises(BoardGone):
        asyncio.run(dataannotation.collect(source, fetcher))
