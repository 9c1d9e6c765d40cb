"""Backfilled history on screen: the chart marking (pure), the queries, the demo's captures, the pages."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from collectors.demo import build_demo
from collectors.store import Store
from dashboard import chart_registry, charts, queries
from tests.conftest import sqlite_settings

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py")


def test_archive_captures_are_marked_with_a_legend_count_and_links() -> None:
    fig = go.Figure(go.Scatter(x=pd.to_datetime(["2025-01-01", "2025-06-01"]), y=[95.0, 105.0], name="Acme"))
    captures = pd.DataFrame({
        "captured_at": pd.to_datetime(["2025-01-06 12:00", "2025-01-20 12:00", "2025-02-01 00:00"]),
        "platform_id": ["acme", "acme", "acme"],
        "source_name": ["acme-greenhouse"] * 3,
        "capture_kind": ["archive", "archive", "git"],
        "link": ["https://web.archive.org/web/20250106120000id_/https://x/", "https://web.archive.org/web/20250120120000id_/https://x/",
                 "/src/tracker @ abc : boards/acme.json"],
        "live_from": pd.to_datetime(["2025-03-01"] * 3),
    })
    marked = charts.add_archive_captures(fig, captures, names={"acme": "Acme <AI>"})
    names = [trace.name for trace in marked.data]
    assert names == ["Acme", "from web-archive captures, 2 captures", "from git-scraped archives, 1 commits"]
    web = marked.data[1]
    assert list(web.y) == [95.0, 95.0]  # on the floor of the data, not at zero
    assert "https://web.archive.org/web/20250106120000id_/https://x/" in web.hovertext[0]
    assert "Acme &lt;AI&gt;" in web.hovertext[0]
    (span,) = marked.layout.shapes
    assert (pd.Timestamp(span.x0), pd.Timestamp(span.x1)) == (pd.Timestamp("2025-01-06 12:00"), pd.Timestamp("2025-03-01"))
    untouched = go.Figure(go.Scatter(x=[1], y=[1]))
    assert len(charts.add_archive_captures(untouched, captures.iloc[0:0], names={}).data) == 1


def test_demo_has_archive_points_marked_on_the_charts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = sqlite_settings(tmp_path, lake="demo")
    build_demo(settings, days=56, today=date(2026, 11, 30))
    from collectors.store import get_store, reset_stores

    store = get_store(settings)
    try:
        coverage = queries.archive_coverage(store)
        assert coverage[["source_name", "capture_kind", "captures", "used"]].values.tolist() == [
            ["demo_voicelab-board", "archive", 2, 2]]  # days 0 and 7 of the first 14
        captures = queries.archive_captures(store, platforms=("demo_voicelab",))
        assert len(captures) == 2 and all("demo: fictional capture" in link for link in captures["link"])
        assert (captures["captured_at"] < captures["live_from"]).all()
        assert queries.archive_captures(store, platforms=("demo_tasky",)).empty
        # The charts read every platform's captures and breaks once and keep their own platforms'
        # rows: the same rows, in the same order, as the queries' platforms= filter.
        for platforms in (("demo_voicelab",), ("demo_tasky",), ("demo_voicelab", "demo_tasky")):
            for read in (queries.archive_captures, queries.collection_events):
                pd.testing.assert_frame_equal(chart_registry._of_platforms(read(store), platforms),
                                              read(store, platforms=platforms), check_dtype=False)
        assert not queries.collection_events(store, platforms=("demo_voicelab",)).empty
    finally:
        reset_stores()
    monkeypatch.setenv("GIGWATCH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GIGWATCH_LAKE", "demo")
    monkeypatch.delenv("GIGWATCH_CATALOG", raising=False)
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    for page in ("pay_trends", "availability", "health"):
        at.switch_page(f"app_pages/{page}.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        legends = {trace.get("name") for chart in at.get("plotly_chart")
                   for trace in json.loads(chart.proto.spec)["data"]}
        if page != "health":
            assert "from web-archive captures, 2 captures" in legends, page
    assert any("History from archives" in h.value for h in at.subheader)
    assert any("Not in web archives" in c.value and "`outlier-api` (the job list is a POST API" in c.value
               for c in at.caption)
    # The archive coverage table (the page also shows sources, boards gone and partial coverage).
    table = next(d.value for d in at.dataframe if "capture_kind" in d.value.columns)
    assert table["source_name"].tolist() == ["demo_voicelab-board"] and table["used"].tolist() == [2]
    reset_stores()


def test_tables_most_lakes_keep_empty_read_empty_in_their_columns(store: Store) -> None:
    """No capture, forum post or incident: each read is empty, in its own columns (they count first
    and read nothing more). An unparseable capture is counted on Sources and health but marks no chart."""
    from datetime import UTC, datetime

    from collectors.store.archive import Capture, save_captures
    from collectors.store.reports.public import INCIDENT_COLUMNS

    assert queries.archive_captures(store).columns.tolist() == queries.ARCHIVE_CAPTURE_COLUMNS
    assert queries.archive_captures(store).empty
    assert queries.archive_coverage(store).columns.tolist() == queries.ARCHIVE_COVERAGE_COLUMNS
    assert queries.archive_coverage(store).empty
    signals = queries.forum_signals_weekly(store)  # forums not collected: counted, not read
    assert signals.empty and signals.columns.tolist() == ["week_start", "platform_id", "signal", "n_posts"]
    incidents = queries.report_incidents(store)  # no mass incident recorded (tests/test_demo.py reads some)
    assert incidents.empty and incidents.columns.tolist() == INCIDENT_COLUMNS
    save_captures(store, [Capture(
        run_id="r1", source_name="acme-board", platform_id="acme", capture_kind="archive",
        captured_at=datetime(2025, 1, 6, 12, tzinfo=UTC), parse_kind="greenhouse", content_sha256="0" * 64,
        whole_board=True, outcome="unparseable", capture_url="https://web.archive.org/web/20250106120000id_/https://x/",
        error="no jobs array")])
    assert queries.archive_captures(store).empty
    coverage = queries.archive_coverage(store)
    assert coverage[["source_name", "captures", "used", "unparseable"]].values.tolist() == [["acme-board", 1, 0, 1]]
