"""Greenhouse Job Board API: list, single job, department tree; pay from ranges, block and text."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from collectors.records import ParseError
from collectors.sources import greenhouse
from collectors.sources.base import SourceConfig
from tests.sources_fakes import FakeFetcher, fixture

BOARD_URL = "https://boards-api.greenhouse.io/v1/boards/acmeai/jobs?content=true&pay_transparency=true"


def by_id(records: list) -> dict:
    return {r.external_id: r for r in records}


def test_pay_input_ranges_hourly_zones_and_none() -> None:
    records = by_id(greenhouse.parse(fixture("greenhouse", "board_pay_input_ranges.json")))
    assert list(records) == ["4700000005", "4700000015", "4700000025"]

    trainer = records["4700000005"]
    assert trainer.title == "AI Trainer - Physics (Contract)"
    assert trainer.url == "https://job-boards.greenhouse.io/acmeai/jobs/4700000005"
    assert trainer.location == "World Wide - Remote"
    assert trainer.is_remote is True
    assert trainer.employment_type == "Contract"
    assert trainer.department == "AI Training"
    assert trainer.posted_at == datetime(2026, 9, 1, 14, 0, tzinfo=UTC)
    assert trainer.pay is not None
    assert (trainer.pay.min, trainer.pay.max, trainer.pay.currency, trainer.pay.unit) == (
        45, 55, "USD", "hour",
    )
    assert trainer.pay_text == "Hourly rate 45–55 USD"

    engineer = records["4700000015"]  # two zones in one currency and unit: one range over both
    assert engineer.pay is not None
    assert (engineer.pay.min, engineer.pay.max, engineer.pay.unit) == (160000, 220000, "year")
    assert engineer.pay_text == "Zone 1 180,000–220,000 USD; Zone 2 160,000–200,000 USD"
    assert engineer.employment_type == "Full-time"

    coordinator = records["4700000025"]  # "Pay Transparency provision" and a $500 stipend: no pay
    assert coordinator.pay is None
    assert coordinator.pay_text is None
    assert coordinator.is_remote is None


def test_content_is_unescaped_once_then_read_as_html() -> None:
    records = by_id(greenhouse.parse(fixture("greenhouse", "board_content_pay.json")))
    gamer = records["4672947007"]
    assert gamer.pay is not None
    assert (gamer.pay.min, gamer.pay.max, gamer.pay.currency, gamer.pay.unit) == (
        15, 150, "USD", "hour",
    )
    assert gamer.pay_text == "Pay Range (rate per hour): $15 — $150 USD"
    assert gamer.description_sha256 is not None and len(gamer.description_sha256) == 64


def test_payment_section_and_pay_sentence() -> None:
    records = by_id(greenhouse.parse(fixture("greenhouse", "board_content_pay.json")))
    biology = records["4539820005"]
    assert biology.pay_text == "$50 per hour"
    assert biology.pay is not None
    assert (biology.pay.min, biology.pay.max, biology.pay.unit) == (50, 50, "hour")

    catalan = records["4423297005"]
    assert catalan.pay_text is not None and "USD $22.5 per hour" in catalan.pay_text
    assert "referral" not in catalan.pay_text
    assert catalan.pay is not None
    assert (catalan.pay.min, catalan.pay.max, catalan.pay.currency, catalan.pay.unit) == (
        22.5, 22.5, "USD", "hour",
    )


def test_annual_pay_block_keeps_range_text_without_boilerplate_title() -> None:
    staff = by_id(greenhouse.parse(fixture("greenhouse", "board_content_pay.json")))["4599700005"]
    assert staff.pay is not None
    assert (staff.pay.min, staff.pay.max, staff.pay.unit) == (252000, 315000, "year")
    assert staff.pay_text == "$252,000 — $315,000 USD"


def test_single_job_response() -> None:
    [job] = greenhouse.parse(fixture("greenhouse", "single_job.json"))
    assert job.external_id == "4599800005"
    assert job.title == "AI Red Teamer - Cybersecurity"
    assert job.pay_text == "Pay: $60/hr"
    assert job.pay is not None and (job.pay.min, job.pay.max, job.pay.unit) == (60, 60, "hour")


def test_eu_board_builds_eu_public_urls_and_filters_departments() -> None:
    body = fixture("greenhouse", "eu_agency_board.json")
    everything = greenhouse.parse(body, options={"board": "agency", "eu": True})
    assert [r.external_id for r in everything] == ["4778238101", "4778238201", "4778238301"]
    assert everything[0].url == "https://job-boards.eu.greenhouse.io/agency/jobs/4778238101"
    maths = everything[0]
    assert maths.pay is not None and (maths.pay.min, maths.pay.max, maths.pay.unit) == (40, 60, "hour")

    ai_only = greenhouse.parse(body, options={"board": "agency", "department_ids": [4012485101]})
    assert [r.external_id for r in ai_only] == ["4778238101", "4778238201"]
    # the board token is also read from the API URL, and an EU API host means EU public pages
    from_url = greenhouse.parse(
        body, url="https://boards-api.eu.greenhouse.io/v1/boards/agency/jobs?content=true"
    )
    assert from_url[1].url == "https://job-boards.eu.greenhouse.io/agency/jobs/4778238201"


def test_department_tree_yields_jobs_at_every_depth() -> None:
    body = fixture("greenhouse", "agency_department_tree.json")
    assert greenhouse.department_job_ids(body) == ["4778238201", "4778238101"]
    records = greenhouse.parse(body)
    assert {r.external_id for r in records} == {"4778238201", "4778238101"}
    assert all(r.pay is None for r in records)  # tree jobs carry no content


def test_empty_board_is_an_empty_list() -> None:
    assert greenhouse.parse(fixture("greenhouse", "empty_board.json")) == []


def test_changed_layout_raises_naming_the_keys() -> None:
    with pytest.raises(ParseError, match="count, postings"):
        greenhouse.parse(fixture("greenhouse", "changed_layout.json"))


def test_not_json_raises() -> None:
    with pytest.raises(ParseError, match="not JSON"):
        greenhouse.parse(b"<html>Service unavailable</html>")


def test_collect_fetches_department_trees_then_the_board() -> None:
    board = "https://boards-api.greenhouse.io/v1/boards/agency/jobs?content=true&pay_transparency=true"
    tree = "https://boards-api.greenhouse.io/v1/boards/agency/departments/4012485101?render_as=tree"
    fetcher = FakeFetcher(
        gets={
            tree: fixture("greenhouse", "agency_department_tree.json"),
            board: fixture("greenhouse", "eu_agency_board.json"),
        }
    )
    source = SourceConfig(
        name="invisible-agency", platform="invisible", kind="greenhouse", url=board,
        options={"board": "agency", "eu": True, "department_ids": [4012485101]},
    )
    result = asyncio.run(greenhouse.collect(source, fetcher))
    assert [r[1] for r in fetcher.requests] == [tree, board]
    assert sorted(r.external_id for r in result.records) == ["4778238101", "4778238201"]
    assert result.complete is True
    assert len(result.responses) == 2


def test_collect_plain_board() -> None:
    fetcher = FakeFetcher(gets={BOARD_URL: fixture("greenhouse", "board_pay_input_ranges.json")})
    source = SourceConfig(name="acme", platform="acme", kind="greenhouse", url=BOARD_URL)
    result = asyncio.run(greenhouse.collect(source, fetcher))
    assert len(result.records) == 3 and result.complete


def test_reparse_uses_the_kept_department_tree_to_filter_the_board() -> None:
    board = "https://boards-api.greenhouse.io/v1/boards/agency/jobs?content=true"
    tree = "https://boards-api.greenhouse.io/v1/boards/agency/departments/4012485101?render_as=tree"
    records = greenhouse.reparse_responses(
        [
            (tree, fixture("greenhouse", "agency_department_tree.json")),
            (board, fixture("greenhouse", "eu_agency_board.json")),
        ],
        {"board": "agency", "eu": True, "department_ids": [4012485101]},
    )
    assert sorted(r.external_id for r in records) == ["4778238101", "4778238201"]
    assert all(r.url and "job-boards.eu.greenhouse.io/agency" in r.url for r in records)


def test_pay_block_without_a_currency_code_keeps_the_bare_dollar() -> None:
    content = (
        '<div class="content-pay-transparency"><div class="pay-input"><div class="title">Hourly rate'
        '</div><div class="pay-range"><span>$20</span><span class="divider">&mdash;</span>'
        "<span>$30</span></div></div></div>"
    )
    found = greenhouse.pay_from_content(content)
    assert found is not None
    text, pay = found
    assert text == "Hourly rate: $20 — $30"
    assert (pay.min, pay.max, pay.unit, pay.currency, pay.currency_symbol) == (20, 30, "hour", None, "$")
