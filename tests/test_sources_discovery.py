"""Source formats are discovered from the modules of collectors/sources, with no list to edit.

The issue's test: in a temporary copy of the package, a throwaway source module is added and
`gigwatch parse KIND FILE` (the real CLI, in a subprocess) finds it and parses with it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import collectors
from collectors.sources import KINDS, discover_kinds, get_kind, is_source_module

REPO = Path(collectors.__file__).resolve().parents[1]

THROWAWAY = '''"""A throwaway format for the discovery test: one listing per `id,title` line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collectors.records import ListingRecord, ParseError
from collectors.sources._collect import one_get
from collectors.sources.base import CollectResult, Fetcher, SourceConfig

KIND = "throwaway_lines"


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    records = []
    for line in body.decode().splitlines():
        external_id, sep, title = line.partition(",")
        if not sep:
            raise ParseError(f"{KIND}: expected `id,title`, got {line!r}")
        records.append(ListingRecord(external_id=external_id, title=title, pay_text=None))
    return records


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    return await one_get(source, fetcher, parse)
'''


def test_the_package_registers_its_formats_and_skips_helpers_and_other_modules() -> None:
    assert discover_kinds() == KINDS
    assert {"greenhouse", "lever", "workable", "micro1"} <= set(KINDS)
    for not_a_format in ("base", "cli_parse", "reddit", "_common", "_collect", "_paging"):
        assert not_a_format not in KINDS
    assert all(is_source_module(module) for module in KINDS.values())


@pytest.fixture()
def package_copy(tmp_path: Path) -> Path:
    """A copy of the collectors package (with the repo's data/ beside it), to add modules to."""
    shutil.copytree(REPO / "collectors", tmp_path / "collectors", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "data").symlink_to(REPO / "data", target_is_directory=True)
    return tmp_path


def gigwatch(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI, importing collectors from `root` (ahead of the installed package)."""
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-c", "from collectors.cli import app; app(prog_name='gigwatch')", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_a_new_module_is_registered_and_parseable_by_gigwatch_parse(package_copy: Path) -> None:
    sources = package_copy / "collectors" / "sources"
    (sources / "throwaway_lines.py").write_text(THROWAWAY, encoding="utf-8")
    # A helper module is never imported by discovery: this one would fail the whole CLI if it were.
    (sources / "_throwaway_helper.py").write_text("raise RuntimeError('helpers are not sources')\n")
    saved = package_copy / "saved.txt"
    saved.write_text("a1,Rater (Spanish)\nb2,Prompt writer\n", encoding="utf-8")

    done = gigwatch(package_copy, "parse", "throwaway_lines", str(saved))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(row["external_id"], row["title"]) for row in rows] == [
        ("a1", "Rater (Spanish)"), ("b2", "Prompt writer"),
    ]

    bad = package_copy / "bad.txt"
    bad.write_text("no comma here\n", encoding="utf-8")
    failed = gigwatch(package_copy, "parse", "throwaway_lines", str(bad))
    assert failed.returncode != 0
    assert "expected `id,title`" in failed.stdout + failed.stderr


def test_the_throwaway_module_is_not_in_this_checkout() -> None:
    with pytest.raises(KeyError, match=r"known kinds: .*greenhouse"):
        get_kind("throwaway_lines")


def test_two_modules_claiming_one_kind_is_an_error(package_copy: Path) -> None:
    sources = package_copy / "collectors" / "sources"
    (sources / "lever_again.py").write_text(
        (sources / "lever.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    saved = package_copy / "saved.json"
    saved.write_text("[]", encoding="utf-8")
    done = gigwatch(package_copy, "parse", "lever", str(saved))
    assert done.returncode != 0
    stderr = " ".join(done.stderr.split())  # the traceback is wrapped to the terminal's width
    assert "claimed by both collectors.sources.lever and collectors.sources.lever_again" in stderr
