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


@pytest.mark.parametrize(("kind", "fixture_path", "first_id"), [
    ("micro1_page", "micro1_page/job_page_hourly.html", "3e2d1c0b-9a8f-4e7d-b6c5-a4b3c2d1e0f9"),
    ("wordpress_jobs", "wordpress_jobs/oneforma_page1.json", "58231"),
    ("afterquery", "afterquery/listings.json", "kQ3vX9bLw2TnR8sYp1Za"),
    ("alignerr_page", "alignerr_page/variant_germany.html", "bf069570-d33d-4c40-b647-045c7b155c29"),
])
def test_new_page_kinds_parse(kind: str, fixture_path: str, first_id: str) -> None:
    """Issue 15's new kinds and shapes work through `gigwatch parse KIND FILE`."""
    rows = list(parse_file(kind, FIXTURES / fixture_path, on=ON))
    assert rows and rows[0]["external_id"] == first_id
    json.dumps(rows)


def test_a_bare_dollar_shows_its_assumption_in_parse_output() -> None:
    [row] = parse_file("alignerr_page", FIXTURES / "alignerr_page" / "variant_germany.html", on=ON)
    assert row["pay_currency"] is None and (row["hourly_usd_min"], row["hourly_usd_max"]) == (75, 90)
    assert "currency not stated; bare '$' read as USD" in row["hourly_usd_assumptions"]
    assert row["is_remote"] is True and row["country"] == "DE"


def test_the_cli_parses_a_micro1_page() -> None:
    from typer.testing import CliRunner

    from collectors.cli import app

    result = CliRunner().invoke(app, ["parse", "micro1_page", str(FIXTURES / "micro1_page" / "job_page_per_task.html")])
    assert result.exit_code == 0, result.output
    [line] = [json.loads(line) for line in result.stdout.splitlines() if line.strip().startswith("{")]
    assert (line["pay_min"], line["pay_max"], line["pay_unit"]) == (5, 8, "task")
