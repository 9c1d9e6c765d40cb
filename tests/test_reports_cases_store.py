"""The thirty realistic cases (tests/data/real_cases/) end to end through the store: imported as
a union would, approved by a named moderator, published; what the vault holds is what validation
said, and the published figures give the true reason for each missing one (issue 14: Outlier's
reports lack due dates; the page must say so, not "fewer than 5 reports")."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from collectors.config import Settings
from collectors.reports.importer import read_rows
from collectors.reports.schema import validate
from collectors.store import Store, get_store
from collectors.store import reports as reports_store
from collectors.store.reports.base import stored_report
from collectors.store.vault import get_vault, report_rows
from dashboard import queries

CASES = Path(__file__).parent / "data" / "real_cases" / "cases.json"
NOW = datetime(2025, 12, 31, 12, 0, tzinfo=UTC)
MODERATOR = "union-moderator"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from tests.conftest import sqlite_settings

    settings = sqlite_settings(tmp_path_factory.mktemp("cases"))
    store = get_store(settings)
    parsed = read_rows(CASES)
    account = reports_store.import_reports(store, parsed.rows, source_name="thirty cases", labels=parsed.labels,
                                           now=NOW)
    approved = reports_store.approve_import_run(store, account.run_id, moderator=MODERATOR, now=NOW)
    return {"settings": settings, "store": store, "account": account, "rows": parsed.rows, "approved": approved}


def test_every_valid_case_is_stored_as_validation_said(imported: dict[str, Any]) -> None:
    account, rows = imported["account"], imported["rows"]
    outcomes = [r.outcome for r in account.rows]
    assert outcomes.count("rejected") == 1 and len(outcomes) == 30
    stored = {r["report_id"]: r for r in report_rows(get_vault(imported["store"]))}
    assert len(stored) == 29 and all(r["moderation_status"] == "approved" for r in stored.values())
    for raw, outcome in zip(rows, account.rows, strict=True):
        if outcome.outcome == "rejected":
            continue
        expected = validate(raw, now=NOW, source_kind="union_import").report
        assert expected is not None
        back = stored_report(stored[outcome.report_id])
        # Everything the reporter said and the model derived survives (ids and refs are the store's).
        for name in ("platform_id", "grievances", "work_period_end_approx", "paid_date_approx", "submitted_approx",
                     "payments", "unpaid_hours", "processor", "event_id", "delay_lower_days", "delay_upper_days",
                     "delay_reason", "due_basis", "verification_tier", "source_class", "effective_hourly_rate",
                     "intermediary", "platform_named_as"):
            assert getattr(back, name) == getattr(expected, name), (raw.get("external_id"), name)


def test_the_import_account_says_why_each_row_has_no_days_late(imported: dict[str, Any]) -> None:
    from collectors.reports.importer import format_account

    text = "\n".join(format_account(imported["account"]))
    assert "Date you were paid: 2025-04-01 is before the work began" in text  # label words, not paid_date
    assert "days late: not counted: the money is held by a payment provider" in text
    assert "days late: 8 days" in text
    assert "outlier: 11 report(s); no figure: no due date for 4 of 5 reports about when pay came" in text


def test_published_figures_give_the_true_reasons(imported: dict[str, Any]) -> None:
    store: Store = imported["store"]
    figures = queries.report_delay_figures(store).set_index("platform_id")
    outlier = figures.loc["outlier"]
    assert not outlier["suppressed"] and outlier["n_reports"] == 11
    assert outlier["missing_reason"] == "no_due_date", outlier["missing_detail"]
    assert "no due date for 4 of 5" in outlier["missing_detail"]
    # Mercor: five reports, but four are about other grievances (rate cuts, disputed hours).
    mercor = figures.loc["mercor"]
    assert mercor["n_reports"] == 5 and mercor["n_not_a_delay"] == 4 and mercor["n_grievance_rate_cut"] == 3
    assert mercor["missing_reason"] == "too_few_independent"
    # Remotasks: six reports, four of one incident (the Kenya exit): three independent, not shown,
    # and no number of it is published.
    remotasks = figures.loc["remotasks"]
    assert remotasks["suppressed"] and remotasks["missing_reason"] == "too_few_independent"
    assert remotasks[["n_reports", "n_processor_hold", "n_incidents"]].isna().all()
    # Tiers beside the figures: every shown report has one.
    shown = figures[~figures["suppressed"].astype(bool)]
    tiers = [c for c in figures.columns if c.startswith("n_tier_")]
    assert (shown[tiers].sum(axis=1) == shown["n_reports"]).all()


def test_reports_stats_cli_prints_what_the_page_reads(imported: dict[str, Any],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from collectors.cli import app

    settings: Settings = imported["settings"]
    monkeypatch.setenv("GIGWATCH_DATA_DIR", str(settings.data_dir))
    runner = CliRunner()
    result = runner.invoke(app, ["reports", "stats", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    by_platform = {row["platform_id"]: row for row in payload["delays"]}
    page = queries.report_delay_figures(imported["store"]).set_index("platform_id")
    assert by_platform["outlier"]["missing_detail"] == page.loc["outlier", "missing_detail"]
    assert set(payload["delays_by_source_class"]) >= {"public_record", "union_import"}
    assert "Turnbull" in payload["method"]
    text = runner.invoke(app, ["reports", "stats", "--platform", "outlier"])
    assert text.exit_code == 0 and "outlier: 11 report(s)" in text.output and "no due date for 4 of 5" in text.output


def test_export_has_the_new_figures_and_no_report_rows(imported: dict[str, Any], tmp_path: Path) -> None:
    import pandas as pd

    from collectors.export import export_public

    names = {p.name for p in export_public(imported["store"], tmp_path / "out")}
    assert {"report_delay_figures.csv", "report_pay_figures.parquet", "report_incidents.csv"} <= names
    delays = pd.read_csv(tmp_path / "out" / "report_delay_figures.csv")
    assert "report_id" not in delays.columns and len(delays) < 29
    assert "no due date for 4 of 5" in " ".join(delays["missing_detail"].dropna())
