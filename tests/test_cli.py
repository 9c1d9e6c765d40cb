"""The command line as a user runs it: a real process, a real lake in a temporary directory."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

COMMANDS = ["init", "demo", "dashboard", "schedule", "serve", "collect", "reparse", "pay", "parse",
            "reports", "export", "maintain", "bench", "fx-update", "chart", "release"]


def gigwatch(tmp_path: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIGWATCH_DATA_DIR": str(tmp_path / "data")}
    env.pop("GIGWATCH_LAKE", None)
    result = subprocess.run(
        [sys.executable, "-m", "collectors.cli", *args],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600,
    )
    if check:
        assert result.returncode == 0, result.stderr + result.stdout
    return result


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(tmp_path: Path, command: str) -> None:
    result = gigwatch(tmp_path, command, "--help")
    assert "Usage:" in result.stdout
    assert len(result.stdout.splitlines()) > 3


def test_readme_opens_with_the_two_commands_and_make_has_them() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert re.search(r"^make demo\b", first_block.split("\n", 1)[1], re.M)
    assert re.search(r"^make test\b", first_block, re.M)
    assert "data/README.md" in readme
    makefile = (REPO_ROOT / "Makefile").read_text()
    for target in ("demo", "test", "run", "lint", "bench"):
        assert re.search(rf"^{target}:", makefile, re.M), target
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text()


def test_init_creates_the_lake_and_loads_reference_data(tmp_path: Path) -> None:
    result = gigwatch(tmp_path, "init")
    assert "applied" in result.stdout
    assert (tmp_path / "data" / "gigwatch" / "catalog.sqlite").exists()
    again = gigwatch(tmp_path, "init")
    assert "none pending" in again.stdout


def test_pay_prints_the_normalisation(tmp_path: Path) -> None:
    result = gigwatch(tmp_path, "pay", "Up to $40 per hour", "--json")
    parsed = json.loads(result.stdout)
    assert parsed["pay"]["max"] == 40
    assert parsed["pay"]["min"] is None
    assert parsed["pay"]["unit"] == "hour"
    assert parsed["pay"]["up_to"] is True
    assert gigwatch(tmp_path, "pay", "Competitive").stdout.strip() == "no pay stated"


def test_export_writes_public_tables_with_the_dictionary(tmp_path: Path) -> None:
    gigwatch(tmp_path, "init")
    out = tmp_path / "export"
    gigwatch(tmp_path, "export", str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["row_counts"]["events"] > 5
    assert manifest["demo"] is False
    assert (out / "listing_versions.parquet").exists()
    assert "Data dictionary" in (out / "README.md").read_text()
    bad = gigwatch(tmp_path, "export", str(out), "--snapshot", "999999", check=False)
    assert bad.returncode != 0
    assert "does not exist" in bad.stderr + bad.stdout


def test_maintain_compacts_and_keeps_data(tmp_path: Path) -> None:
    gigwatch(tmp_path, "init")
    result = gigwatch(tmp_path, "maintain")
    assert "done: merge adjacent small files" in result.stdout


def test_unknown_lake_is_a_clear_error(tmp_path: Path) -> None:
    result = gigwatch(tmp_path, "init", "--lake", "prod", check=False)
    assert result.returncode != 0
    assert "lake must be one of" in result.stderr
