"""data/platforms.csv is the one platform registry: the report vocabulary, the lake table and the
import-format doc are all derived from it, and the doc fails this test when it is stale."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from collectors.cli import app
from collectors.platforms import (
    IMPORT_FORMAT_DOC,
    doc_platform_list,
    load_platforms,
    render_import_format_doc,
    report_platforms,
    research_names,
)
from collectors.reports.schema import PLATFORMS


def test_report_vocabulary_is_the_registry() -> None:
    assert report_platforms() == PLATFORMS
    assert list(PLATFORMS)[:3] == ["outlier", "remotasks", "dataannotation"]
    assert list(PLATFORMS)[-1] == "other" and PLATFORMS["outlier"] == "Outlier (Scale AI)"
    assert "scale_ai" not in PLATFORMS  # in the registry, but not something a report can name
    ids = {p.platform_id for p in load_platforms()}
    assert set(PLATFORMS) <= ids and set(research_names().values()) <= ids


def test_import_format_doc_lists_the_registry() -> None:
    text = IMPORT_FORMAT_DOC.read_text(encoding="utf-8")
    assert render_import_format_doc(text) == text, "docs/report-import-format.md is stale: run `gigwatch docs`"
    assert doc_platform_list() in text and "`welocalize`" in doc_platform_list()


def test_a_new_row_changes_the_generated_doc(tmp_path: Path) -> None:
    registry = tmp_path / "platforms.csv"
    registry.write_text(
        "platform_id,name,parent_company,website,report_label,research_name\n"
        "newco,NewCo,,,NewCo Tasks,\nhidden,Hidden,,,,\nother,Other platform,,,Another platform,\n",
        encoding="utf-8",
    )
    assert report_platforms(registry) == {"newco": "NewCo Tasks", "other": "Another platform"}
    rendered = render_import_format_doc(IMPORT_FORMAT_DOC.read_text(encoding="utf-8"), registry)
    assert "| `platform` | yes | one of `newco`, or `other`." in rendered


def test_bad_registry_fails_clearly(tmp_path: Path) -> None:
    registry = tmp_path / "platforms.csv"
    registry.write_text("platform_id,name\na,A\na,A again\n", encoding="utf-8")
    with pytest.raises(ValueError, match="listed twice: a"):
        load_platforms(registry)
    with pytest.raises(ValueError, match="no '\\| `platform`"):
        render_import_format_doc("no table here")


def test_gigwatch_docs_check(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["docs", "--check"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
