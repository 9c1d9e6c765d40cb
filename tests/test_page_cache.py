"""What a page run reuses (issue 16), under Streamlit's AppTest on the small test lake: a chart is
built once per snapshot, filters and language (a rerun draws the cached figure; a pinned snapshot
builds its own, from that snapshot's rows), `common.query` keeps one cache entry whatever defaults
a caller spells out, a page's reads run in one read transaction, and a long line is drawn thinned
with the page saying so, while the chart's downloads keep every point."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from collectors.config import Settings, load_settings
from collectors.store import Store, get_store, reset_stores
from dashboard import chart_export, chart_registry, charts, common, downsample, queries
from tests.dashboard_lake import DAYS, build_small_lake

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "streamlit_app.py")


@pytest.fixture(scope="module")
def small_lake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = load_settings(lake="demo", env={"GIGWATCH_DATA_DIR": str(tmp_path_factory.mktemp("page-cache"))})
    build_small_lake(settings)
    yield settings
    reset_stores()


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def availability(settings: Settings, monkeypatch: pytest.MonkeyPatch, params: dict[str, str] | None = None) -> AppTest:
    monkeypatch.setenv("GIGWATCH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GIGWATCH_LAKE", settings.lake)
    monkeypatch.delenv("GIGWATCH_CATALOG", raising=False)
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page("app_pages/availability.py")
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open_listings_chart(at: AppTest) -> dict[str, Any]:
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return next(s for s in specs if "Open listings per day" in json.dumps(s.get("layout", {}).get("title", {})))


def _open_listing_days(store: Store, snapshot: int) -> int:
    try:
        return len(queries.open_listings_daily(store, snapshot))
    except duckdb.CatalogException:  # a snapshot from before the lake's tables were made
        return 0


def test_a_chart_is_built_once_per_snapshot(small_lake: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []
    original = charts.open_listings_figure

    def counted(daily: pd.DataFrame, **kwargs: Any) -> Any:
        built.append(len(daily))
        return original(daily, **kwargs)

    monkeypatch.setattr(charts, "open_listings_figure", counted)
    at = availability(small_lake, monkeypatch)
    at.run()  # a rerun (a widget changed elsewhere, the same view)
    assert len(built) == 1, "the rerun drew the cached chart"
    store = get_store(small_lake)
    latest = len(queries.open_listings_daily(store))
    snapshots = sorted(int(snap) for snap in queries.snapshot_times(store, limit=10_000)["snapshot_id"])
    earlier = next(snap for snap in snapshots if 0 < _open_listing_days(store, snap) < latest)
    pinned = availability(small_lake, monkeypatch, {"snapshot": str(earlier)})
    assert len(built) == 2, "a pinned snapshot builds its own chart"
    assert built[1] == len(queries.open_listings_daily(store, earlier)) < built[0], "from that snapshot's rows"
    assert _open_listings_chart(pinned) != _open_listings_chart(at)


def test_defaults_spelled_out_share_one_cache_entry() -> None:
    assert common._frozen(queries.events, {"platforms": ()}) == common._frozen(queries.events, {}) == ()
    assert common._frozen(queries.overview_pay, {"days_back": 90, "platforms": ["a"]}) == (("platforms", ("a",)),)
    assert common._frozen(queries.overview_pay, {"days_back": 30}) == (("days_back", 30),)


def test_a_page_reads_in_one_transaction(small_lake: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    batches: list[bool] = []
    original = Store.read_df

    def watched(self: Store, sql: str, params: Any = None) -> pd.DataFrame:
        batches.append(bool(getattr(self._local, "read_batch", False)))
        return original(self, sql, params)

    monkeypatch.setattr(Store, "read_df", watched)
    availability(small_lake, monkeypatch)
    assert batches and all(batches), f"{batches.count(False)} of {len(batches)} reads outside the page's batch"


def test_a_long_line_is_drawn_thinned_and_downloaded_whole(small_lake: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(downsample, "MAX_POINTS_PER_LINE", 20)  # the small lake's lines have DAYS points
    at = availability(small_lake, monkeypatch)
    drawn = _open_listings_chart(at)
    lengths = [len(trace["x"]) for trace in drawn["data"] if trace.get("mode") == "lines"]
    assert lengths and all(n <= 20 for n in lengths)
    notes = [str(c.value) for c in at.caption if "points" in str(c.value) and "downloads" in str(c.value).lower()]
    assert notes, "the page says the chart is thinned"
    built, _meta = chart_registry.draw(get_store(small_lake), "open_listings")
    rows = chart_export.figure_data(built.figure)
    lines = rows[rows["kind"] == "line"]
    assert len(lines) == sum(len(t.x) for t in built.figure.data if t.mode == "lines") > 20 * len(lengths)
    assert lines.groupby("series").size().max() >= DAYS - 1, "the download has every day"


def test_one_read_of_events_and_minimum_wages_serves_every_filter(small_lake: Settings) -> None:
    store = get_store(small_lake)

    def fetch(function: Any, **kwargs: Any) -> pd.DataFrame:
        return function(store, None, **kwargs)

    for platforms in ((), ("demo_alpha",), ("demo_alpha", "demo_beta"), ("nowhere",)):
        shared = chart_registry.events_for(fetch, platforms)
        pd.testing.assert_frame_equal(shared, queries.events(store, platforms=platforms), check_dtype=False)
    assert len(chart_registry.events_for(fetch, ("demo_alpha",))) > 0
    for countries in ({"US", "GB"}, {"US", "GB", "DE", "KE"}):
        pd.testing.assert_frame_equal(chart_registry.minimum_wages_for(fetch, countries),
                                      queries.minimum_wages(store, countries=tuple(sorted(countries))))
