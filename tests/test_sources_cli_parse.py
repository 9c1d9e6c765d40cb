"""`gigwatch parse KIND FILE`: one JSON-ready row per record, with hourly USD and category."""

from __future__ import annotations

import json
from datetime import date

import pytest

from collectors.records import ParseError
from collectors.sources import UnknownKindError
from collectors.sources.cli_parse import parse_file
from tests.sources_fakes import FIXTURES

ON = date(2026, 9, 3)


def test_rows_carry_pay_hourly_usd_and_category() -> None:
    rows = list(parse_file("mercor", FIXTURES / "mercor" / "listings_explore_page.json", on=ON))
    assert len(rows) == 7
    coder = rows[1]
    assert coder["external_id"] == "list_AAABoGYcR_Q8k7gMhOdC84s-"
    assert coder["url"] == "https://work.mercor.com/jobs/list_AAABoGYcR_Q8k7gMhOdC84s-"
    assert (coder["pay_min"], coder["pay_max"], coder["pay_currency"], coder["pay_unit"]) == (
        45, 65, "USD", "hour",
    )
    assert (coder["hourly_usd_min"], coder["hourly_usd_max"]) == (45, 65)
    assert isinstance(coder["category"], str) and coder["category"]
    json.dumps(rows)  # JSON-ready as is

    weekly = next(r for r in rows if r["title"] == "Weekly Reviewer")
    assert (weekly["hourly_usd_min"], weekly["hourly_usd_max"]) == (30, 40)  # 900–1200 / 30 h
    assert any("30 h/week" in a for a in weekly["hourly_usd_assumptions"])

    task = next(r for r in rows if r["title"] == "Image Captioning (per task)")
    assert task["pay_unit"] == "task" and task["hourly_usd_min"] is None  # never made hourly

    no_pay = next(r for r in rows if r["title"] == "Research Assistant (rate TBD)")
    assert no_pay["pay_text"] is None and no_pay["pay_min"] is None and no_pay["hourly_usd_max"] is None


def test_bare_dollar_is_read_as_usd_and_says_so() -> None:
    [row] = parse_file("outlier", FIXTURES / "outlier" / "detail_payment_section.json", on=ON)
    assert row["pay_currency"] is None
    assert (row["hourly_usd_min"], row["hourly_usd_max"]) == (50, 50)
    assert any("'$'" in a for a in row["hourly_usd_assumptions"])


def test_url_and_options_reach_the_parser() -> None:
    [row] = parse_file(
        "workable", FIXTURES / "workable" / "single_job.json", on=ON, options={"account": "toloka-ai"}
    )
    assert row["url"] == "https://apply.workable.com/toloka-ai/j/6EF9ADEAB7/"


def test_unknown_kind_and_unknown_shape() -> None:
    with pytest.raises(UnknownKindError, match="known kinds"):
        list(parse_file("nope", FIXTURES / "mercor" / "listings_explore_page.json"))
    with pytest.raises(ParseError):
        list(parse_file("mercor", FIXTURES / "mercor" / "changed_layout.json"))
