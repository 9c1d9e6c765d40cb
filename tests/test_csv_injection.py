"""CSV formula injection (issue 13, item 6): listing titles a platform controls reach CSV files.

A title `=HYPERLINK("https://evil.example","Pay $50")` in a CSV opened by a journalist's spreadsheet
becomes a live formula. Every CSV gigwatch writes (`gigwatch export`, the Explore page download)
prefixes text cells beginning with `=`, `+`, `-`, `@`, tab or CR with `'`; Parquet keeps the true
value; numbers, negative ones included, stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from collectors.config import Settings
from collectors.csvsafe import neutralise_cell, neutralise_formulas, safe_csv_bytes
from collectors.export import export_public
from collectors.pay import Pay
from collectors.records import ListingRecord
from collectors.store import Store, get_store
from collectors.store.listings import ListingRun, RunRecord, save_listing_runs
from collectors.store.reference import load_reference_data
from tests.conftest import built_lake

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "streamlit_app.py")
FORMULAS = [
    '=HYPERLINK("https://evil.example","Pay $50/h")',
    "+1 555 0100 call now",
    "-2+3 AI rater",
    "@SUM(A1:A9) annotator",
    "\tTabbed trainer",
]
MARKUP = [
    "[Official notice](https://evil.example) ![](http://tracker/)",
    '<img src="http://tracker/pixel.png"> **Urgent** $x^2$ `code` | pipe # heading ~strike~',
]
HOSTILE_TITLES = FORMULAS + MARKUP
PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Titles are stored trimmed (collectors.history), so the tab-led one is no formula once stored.
STORED_FORMULAS = [t.strip() for t in FORMULAS if t.strip().startswith(PREFIXES)]


def hostile_lake(settings: Settings) -> Store:
    """A real lake with one Outlier collection whose listing titles are the attacks above."""
    store = get_store(settings)
    load_reference_data(store)
    started = datetime.now(UTC) - timedelta(hours=1)
    records = [
        ListingRecord(
            external_id=f"x{i}", title=title, url=f"https://outlier.ai/jobs/x{i}", location="Remote", is_remote=True,
            pay_text="$20 per hour", pay=Pay(min=20, max=20, currency="USD", unit="hour"),
        )
        for i, title in enumerate(HOSTILE_TITLES)
    ]
    run = RunRecord(
        run_id="test-hostile-001", source_name="outlier-board", platform_id="outlier", started_at=started,
        finished_at=started + timedelta(seconds=5), status="ok", complete=True, items_count=len(records), error=None,
    )
    save_listing_runs(store, platform_id="outlier", source_name="outlier-board", runs=[ListingRun(run=run, records=records)])
    return store


@pytest.fixture(scope="module")
def hostile_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    with built_lake(tmp_path_factory, "hostile", hostile_lake, lake="gigwatch") as settings:
        yield settings


def test_the_rule() -> None:
    for title in FORMULAS:
        assert neutralise_cell(title) == "'" + title
    for harmless in ("AI trainer", "", " =not first", "'already quoted", "Data - annotation"):
        assert neutralise_cell(harmless) == harmless
    frame = pd.DataFrame({"title": ["=1+1", "ok", None], "amount": [-5, 3, 0], "rate": [-1.5, 2.0, None],
                          "kind": pd.Categorical(["-x", "y", "y"])})
    safe = neutralise_formulas(frame)
    assert safe["title"].tolist()[:2] == ["'=1+1", "ok"] and safe["title"].isna().tolist()[2]
    assert safe["amount"].tolist() == [-5, 3, 0] and safe["amount"].dtype == frame["amount"].dtype
    assert safe["rate"].tolist()[:2] == [-1.5, 2.0]
    assert safe["kind"].tolist() == ["'-x", "y", "y"]
    assert frame["title"].tolist()[0] == "=1+1"  # the caller's frame is untouched
    rows = list(csv.DictReader(io.StringIO(safe_csv_bytes(frame).decode())))
    assert rows[0]["amount"] == "-5" and rows[0]["rate"] == "-1.5"  # negative numbers stay numbers


def csv_titles(data: bytes) -> set[str]:
    return {row["title"] for row in csv.DictReader(io.StringIO(data.decode("utf-8")))}


def test_export_neutralises_csv_and_parquet_keeps_the_truth(hostile_settings: Settings, tmp_path: Path) -> None:
    store = get_store(hostile_settings)
    export_public(store, tmp_path / "export")
    for table in ("listing_versions",):  # listings carry no title; their versions do
        titles = csv_titles((tmp_path / "export" / f"{table}.csv").read_bytes())
        assert {"'" + t for t in STORED_FORMULAS} <= titles, table
        assert not [t for t in titles if t.startswith(PREFIXES)]
        assert set(MARKUP) <= titles  # not formulas: unchanged
        parquet = pd.read_parquet(tmp_path / "export" / f"{table}.parquet")
        assert set(STORED_FORMULAS) <= set(parquet["title"])


class KeptMedia(MemoryMediaFileStorage):
    """Streamlit's own in-memory media storage, remembering what download buttons offered."""

    offered: ClassVar[dict[str, bytes]] = {}
    deferred: ClassVar[dict[str, Callable[[], Any]]] = {}  # file name -> what a click runs

    def load_and_get_id(self, path_or_data: Any, mimetype: str, kind: Any, filename: str | None = None) -> str:
        file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
        if isinstance(path_or_data, bytes) and filename:
            KeptMedia.offered[filename] = path_or_data
        return file_id


def test_explore_csv_download_is_neutralised(hostile_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit.testing.v1.app_test as app_test

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", KeptMedia)
    original_add_deferred = MediaFileManager.add_deferred

    def add_deferred(self: MediaFileManager, data_callable: Any, mimetype: Any, coordinates: str,
                     file_name: str | None = None, **kwargs: Any) -> str:
        KeptMedia.deferred[file_name or coordinates] = data_callable
        return original_add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    KeptMedia.deferred.clear()
    monkeypatch.setenv("GIGWATCH_DATA_DIR", str(hostile_settings.data_dir))
    monkeypatch.setenv("GIGWATCH_LAKE", hostile_settings.lake)
    monkeypatch.delenv("GIGWATCH_CATALOG", raising=False)
    KeptMedia.offered.clear()
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page("app_pages/explore.py")
    at.query_params["table"] = "listings"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # The downloads are built when clicked: run what each button would run on a click.
    assert len(KeptMedia.deferred) == 3, "CSV, Parquet and README, each built on the click"
    for filename, make in KeptMedia.deferred.items():
        data = make()
        KeptMedia.offered[filename] = data.encode("utf-8") if isinstance(data, str) else data
    csvs = {name: data for name, data in KeptMedia.offered.items() if name.endswith(".csv")}
    assert len(csvs) == 1, sorted(KeptMedia.offered)
    titles = csv_titles(next(iter(csvs.values())))
    assert {"'" + t for t in STORED_FORMULAS} <= titles
    assert not [t for t in titles if t.startswith(PREFIXES)]
    parquets = [data for name, data in KeptMedia.offered.items() if name.endswith(".parquet")]
    assert set(STORED_FORMULAS) <= set(pd.read_parquet(io.BytesIO(parquets[0]))["title"])
