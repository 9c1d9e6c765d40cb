"""`gigwatch release`: numbered, reproducible bundles of the public data."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from collectors.config import Settings
from collectors.export import PUBLIC_TABLES
from collectors.release import list_releases, make_release
from collectors.store import Store, get_store
from tests.conftest import built_lake
from tests.dashboard_lake import at


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Store]]:
    with built_lake(tmp_path_factory, "release") as settings:
        yield settings, get_store(settings)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_releases_of_one_snapshot_are_byte_identical(small: tuple[Settings, Store], tmp_path: Path) -> None:
    _, store = small
    snap = store.snapshot_id()
    one = make_release(store, tmp_path / "a", snapshot_id=snap)
    two = make_release(store, tmp_path / "b", snapshot_id=snap)
    first, second = _tree(one.directory), _tree(two.directory)
    assert first == second
    for name in PUBLIC_TABLES:
        assert f"data/{name}.parquet" in first and f"data/{name}.csv" in first
    for name in ("README.md", "CHANGELOG.md", "CITATION.cff", ".zenodo.json", "manifest.json", "SHA256SUMS"):
        assert name in first, name
    # SHA256SUMS covers every other file, and its sums are right.
    sums = {name: digest for digest, name in (line.split("  ", 1) for line in first["SHA256SUMS"].decode().splitlines())}
    assert set(sums) == set(first) - {"SHA256SUMS"}
    assert all(hashlib.sha256(first[n]).hexdigest() == digest for n, digest in sums.items())


def test_the_release_holds_the_snapshots_rows(small: tuple[Settings, Store], tmp_path: Path) -> None:
    _, store = small
    made = make_release(store, tmp_path)
    manifest = json.loads((made.directory / "manifest.json").read_text())
    listings = pd.read_parquet(made.directory / "data" / "listings.parquet")
    assert len(listings) == manifest["row_counts"]["listings"] == 8  # a1-a6 and b1-b2
    assert len(pd.read_csv(made.directory / "data" / "listings.csv")) == 8
    assert manifest["as_of"].startswith(at(62).date().isoformat())
    cff = (made.directory / "CITATION.cff").read_text().splitlines()
    assert {"cff-version: 1.2.0", "type: dataset", 'version: "1"'} <= set(cff)
    assert any(line.startswith("abstract:") and "DEMO DATA" in line for line in cff)
    zenodo = json.loads((made.directory / ".zenodo.json").read_text())
    assert zenodo["upload_type"] == "dataset" and zenodo["publication_date"] == manifest["as_of"][:10]
    changelog = (made.directory / "CHANGELOG.md").read_text()
    assert "First release" in changelog
    assert "failed" in changelog and "suspicious" in changelog  # beta's day-31 and day-45 runs
    assert not any("report_id" in pd.read_parquet(p).columns for p in (made.directory / "data").glob("*.parquet"))


def test_the_next_release_is_numbered_and_says_what_changed(small: tuple[Settings, Store], tmp_path: Path) -> None:
    settings, store = small
    first_snapshot = store.snapshot_id() - 3
    one = make_release(store, tmp_path, snapshot_id=first_snapshot)
    again = make_release(store, tmp_path, snapshot_id=first_snapshot)
    assert again.number == one.number == 1  # the same snapshot is not released twice
    env = {**os.environ, "GIGWATCH_DATA_DIR": str(settings.data_dir), "GIGWATCH_LAKE": settings.lake}
    env.pop("GIGWATCH_CATALOG", None)
    result = subprocess.run([sys.executable, "-m", "collectors.cli", "release", str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "release 2 of snapshot" in result.stdout
    assert [m["release"] for m in list_releases(tmp_path)] == [1, 2]
    changelog = (tmp_path / "gigwatch-release-2" / "CHANGELOG.md").read_text()
    assert f"Since release 1 (snapshot {first_snapshot}" in changelog and "| listings |" in changelog
    bad = subprocess.run([sys.executable, "-m", "collectors.cli", "release", str(tmp_path), "--snapshot", "999999"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert bad.returncode == 1 and "does not exist" in bad.stderr + bad.stdout


def test_the_explore_page_lists_the_releases_and_links_their_files(
    small: tuple[Settings, Store], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    import collectors.release

    settings, store = small
    monkeypatch.setattr(collectors.release, "STATIC_RELEASES", tmp_path)
    made = make_release(store, collectors.release.releases_dir(settings.lake))
    monkeypatch.setenv("GIGWATCH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GIGWATCH_LAKE", settings.lake)
    monkeypatch.delenv("GIGWATCH_CATALOG", raising=False)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "dashboard" / "streamlit_app.py"),
                           default_timeout=180)
    at.run()
    at.switch_page("app_pages/explore.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (expander,) = [e for e in at.expander if e.label.startswith("Release 1 · snapshot")]
    assert f"snapshot {made.snapshot_id}" in expander.label and "demo data" in expander.label
    (files,) = expander.dataframe
    assert list(files.value["file"]) == [p.name if p.parent == made.directory else f"data/{p.name}" for p in made.files]
    assert all(link.startswith(f"app/static/releases/{settings.lake}/gigwatch-release-1/")
               for link in files.value["link"])
