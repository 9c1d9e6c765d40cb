"""Every dashboard page under Streamlit's AppTest: on demo data and on an empty store, widgets that
change what is shown, filters that round-trip through the URL, and pinned snapshots."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collectors.config import Settings, load_settings
from collectors.store import get_store, reset_stores
from dashboard.common import PERMALINK_BOX_KEY
from tests.dashboard_lake import build_small_lake

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "streamlit_app.py")
PAGES = ["overview", "pay_trends", "availability", "delays", "explore", "health", "methodology", "report", "admin"]
DATA_PAGES = ["overview", "pay_trends", "availability", "delays", "explore", "health"]
CHARTS = {"pay_trends": 2, "availability": 4, "delays": 2}  # at least this many on demo data
TIMEOUT = 180


def demo_builder_ready() -> bool:
    """The lead's `build_demo` needs the demo reports module; until it lands, use the small lake."""
    return importlib.util.find_spec("collectors.demo_reports") is not None


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = load_settings(lake="demo", env={"GIGWATCH_DATA_DIR": str(tmp_path_factory.mktemp("apptest-demo"))})
    if demo_builder_ready():
        from collectors.demo import build_demo

        build_demo(settings, days=240)
    else:
        build_small_lake(settings)
    yield settings
    reset_stores()


@pytest.fixture(scope="module")
def empty_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path_factory.mktemp("apptest-empty"))})
    get_store(settings)  # migrated, nothing collected
    yield settings
    reset_stores()


def app(settings: Settings, monkeypatch: pytest.MonkeyPatch, page: str = "overview",
        params: dict[str, str | list[str]] | None = None) -> AppTest:
    """The app on `page`, run once, serving `settings`' lake."""
    monkeypatch.setenv("GIGWATCH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GIGWATCH_LAKE", settings.lake)
    monkeypatch.delenv("GIGWATCH_CATALOG", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    if page != "overview" or params:
        at.switch_page(f"app_pages/{page}.py")
        for key, value in (params or {}).items():
            at.query_params[key] = value
        at.run()
    return at


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def texts(at: AppTest, kind: str) -> list[str]:
    return [str(element.value) for element in getattr(at, kind)]


def chart_specs(at: AppTest) -> list[dict[str, object]]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_demo_data_with_the_banner(page: str, demo_settings: Settings,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(demo_settings, monkeypatch, page)
    no_exception(at)
    assert any("Demo data" in text for text in texts(at, "warning")), "demo banner missing"
    assert any("as of" in text.lower() for text in texts(at, "caption")), "no 'as of' shown"
    if page in DATA_PAGES:
        assert any("n = " in text for text in texts(at, "caption")), "no count beside the figures"
    assert len(at.get("plotly_chart")) >= CHARTS.get(page, 0)
    assert not texts(at, "error")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_an_empty_store_and_says_what_to_do(page: str, empty_settings: Settings,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(empty_settings, monkeypatch, page)
    no_exception(at)
    assert not any("Demo data" in text for text in texts(at, "warning"))
    if page in ("overview", "pay_trends", "availability", "delays", "explore"):
        guidance = " ".join(texts(at, "info"))
        assert guidance, "an empty page must explain itself"
        assert "make demo" in guidance or "Report a payment" in guidance or "Clear" in guidance


def test_overview_cards_answer_with_n_and_change_with_the_comparison(demo_settings: Settings,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(demo_settings, monkeypatch)
    metrics = [m.label for m in at.metric]
    assert {"Median advertised pay", "Open listings now", "Median days late", "Unpaid after 30 days"} <= set(metrics)
    before = texts(at, "caption")
    assert any("90 days" in text for text in before)
    at.radio(key="compare").set_value("30").run()
    no_exception(at)
    after = texts(at, "caption")
    assert after != before and any("30 days earlier" in text for text in after)
    assert at.query_params.get("compare") == "30"


def test_pay_trend_widgets_change_the_chart_and_round_trip_through_the_url(demo_settings: Settings,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(demo_settings, monkeypatch, "pay_trends")
    titles = [spec["layout"]["title"]["text"] for spec in chart_specs(at)]  # type: ignore[index]
    assert "Median advertised hourly pay (USD equivalent)" in titles
    at.radio(key="currency").set_value("original").run()
    no_exception(at)
    titles = [spec["layout"]["title"]["text"] for spec in chart_specs(at)]  # type: ignore[index]
    assert "Advertised hourly pay, in the currency listed" in titles
    assert at.query_params.get("currency") == "original"
    platform = at.multiselect(key="platform").options[0]
    at.multiselect(key="platform").set_value([platform]).run()
    assert at.query_params.get("platform") is not None
    # Back to the default: the parameter leaves the URL.
    at.radio(key="currency").set_value("usd").run()
    assert "currency" not in at.query_params


def _panel_titles(at: AppTest, title: str) -> list[str]:
    spec = next(s for s in chart_specs(at) if s["layout"]["title"]["text"].startswith(title))  # type: ignore[index]
    return [a["text"] for a in spec["layout"].get("annotations", []) if a.get("xref") == "paper"
            and a.get("yref") == "paper" and a.get("showarrow") is False and a.get("yanchor") == "bottom"]


def test_pay_charts_share_an_axis_only_within_one_currency_and_unit(demo_settings: Settings,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(demo_settings, monkeypatch, "pay_trends")
    assert at.radio(key="layout").value == "unit" and "layout" not in at.query_params
    # Hourly USD equivalents are one measure: one axis, no panel titles.
    assert _panel_titles(at, "Median advertised hourly pay") == []
    units = _panel_titles(at, "Per-unit pay")
    assert units and all(" per " in t for t in units), units  # "USD per task", never a platform's name
    names = set(get_store(demo_settings).read_df("SELECT name FROM lake.platforms")["name"])
    assert not names & set(units)
    # One panel per platform is a choice, kept in the URL.
    at.radio(key="layout").set_value("apart").run()
    no_exception(at)
    assert at.query_params.get("layout") == "apart"
    assert set(_panel_titles(at, "Median advertised hourly pay")) <= names
    assert len(_panel_titles(at, "Median advertised hourly pay")) > 1


def test_query_params_set_the_widgets(demo_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    platform = get_store(demo_settings).read_value("SELECT min(platform_id) FROM lake.listings")
    params: dict[str, str | list[str]] = {
        "platform": platform, "currency": "original", "remote": "remote", "period": "180", "layout": "together",
    }
    at = app(demo_settings, monkeypatch, "pay_trends", params)
    no_exception(at)
    assert at.radio(key="currency").value == "original"
    assert at.radio(key="remote").value == "remote"
    assert at.selectbox(key="period").value == "180"
    assert at.multiselect(key="platform").value == [platform]
    for key, value in params.items():
        assert at.query_params.get(key) == value  # still in the URL after the run
    # Unknown values fall back to the defaults instead of failing.
    at = app(demo_settings, monkeypatch, "availability", {"platform": ["nope"], "category": "nonsense"})
    no_exception(at)
    assert at.multiselect(key="platform").value == []


def test_other_pages_react_to_their_widgets(demo_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(demo_settings, monkeypatch, "explore")
    columns_before = list(at.dataframe[0].value.columns)
    at.selectbox(key="table").set_value("events").run()
    no_exception(at)
    assert list(at.dataframe[0].value.columns) != columns_before and "source_url" in at.dataframe[0].value.columns
    assert at.query_params.get("table") == "events"
    assert {b.label for b in at.get("download_button")} >= {"Download CSV", "Download Parquet"}

    at = app(demo_settings, monkeypatch, "availability")
    captions_before = texts(at, "caption")
    category = at.multiselect(key="category").options[0]
    at.multiselect(key="category").set_value([category]).run()
    no_exception(at)
    assert texts(at, "caption") != captions_before

    at = app(demo_settings, monkeypatch, "delays")
    charts_before = len(at.get("plotly_chart"))
    at.radio(key="by").set_value("payment_method").run()
    no_exception(at)
    assert len(at.get("plotly_chart")) == charts_before - 1  # the by-month chart gives way to a table
    assert at.query_params.get("by") == "payment_method"


def test_a_charts_downloads_and_citation_are_drawn_when_opened(demo_settings: Settings,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The first load sends no download buttons or code blocks for popovers nobody opened; opening
    one (as a click does) draws its content, from the cached chart."""
    at = app(demo_settings, monkeypatch, "availability")
    no_exception(at)
    charts = len(at.get("plotly_chart"))
    assert charts >= 2 and not at.get("download_button") and not at.code
    at.session_state["open_chart_data_popover"] = True
    at.run()
    no_exception(at)
    assert [b.label for b in at.get("download_button")] == ["CSV", "CSV metadata (JSON)", "JSON (data and metadata)"]
    assert len(at.get("plotly_chart")) == charts
    at.session_state["open_chart_cite_popover"] = True
    at.run()
    code = [str(c.value) for c in at.code]
    assert len(code) == 4 and "snapshot=" in code[0] and code[2].startswith("@misc{gigwatch_open_listings_")


def test_pay_trends_reference_tables_are_drawn_when_opened(demo_settings: Settings,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(demo_settings, monkeypatch, "pay_trends")
    no_exception(at)
    labels = [e.label for e in at.expander]
    assert "Minimum wages used" in labels and "Assumptions behind the hourly figures" in labels

    def tables_with(column: str) -> int:
        return sum(column in frame.value.columns for frame in at.dataframe)

    assert tables_with("hourly_basis") == 0  # neither queried nor sent until opened
    at.session_state["wages_box"] = True
    at.session_state["union_box"] = True
    at.run()
    no_exception(at)
    assert tables_with("hourly_basis") == 2  # the minimum wages and the union scale rates
    assert tables_with("jurisdiction") == 1


def test_a_snapshot_in_the_url_pins_the_view(demo_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    snapshot = get_store(demo_settings).snapshot_id()
    at = app(demo_settings, monkeypatch, "overview", {"snapshot": str(snapshot)})
    no_exception(at)
    assert any(f"snapshot {snapshot}" in text for text in texts(at, "info"))
    at.session_state[PERMALINK_BOX_KEY] = True  # opened, as a click does: its content is drawn when open
    at.run()
    code = [c.value for c in at.code]
    assert any(f"snapshot={snapshot}" in value for value in code), "the permalink names the snapshot"
    at = app(demo_settings, monkeypatch, "overview", {"snapshot": "987654321"})
    no_exception(at)
    assert any("does not have" in text for text in texts(at, "error"))


def test_health_traces_a_listing_to_its_raw_responses(demo_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    key = get_store(demo_settings).read_value("SELECT min(listing_key) FROM lake.listings")
    at = app(demo_settings, monkeypatch, "health", {"listing": key})
    no_exception(at)
    assert at.text_input(key="listing").value == key


def test_explore_sends_a_page_of_rows_and_the_url_keeps_which(demo_settings: Settings,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A long table reaches the browser a page at a time (PAGE_ROWS rows), the page chosen is in
    the URL, and each page holds the next rows of the same query."""
    from dashboard import queries
    from dashboard.app_pages.explore import PAGE_ROWS

    store = get_store(demo_settings)
    every = queries.listing_versions_table(store, store.snapshot_id(), limit=queries.PREVIEW_ROWS)
    assert len(every) > PAGE_ROWS, "the demo lake has too few versions to page"
    at = app(demo_settings, monkeypatch, "explore", {"table": "listing_versions"})
    no_exception(at)
    first = at.dataframe[0].value
    assert len(first) == PAGE_ROWS
    assert list(first["listing_key"]) == list(every["listing_key"].head(PAGE_ROWS))
    pager = at.selectbox(key="rows")
    assert len(pager.options) == -(-len(every) // PAGE_ROWS)
    pager.set_value("2").run()
    no_exception(at)
    second = at.dataframe[0].value
    assert list(second["listing_key"]) == list(every["listing_key"].iloc[PAGE_ROWS:2 * PAGE_ROWS])
    assert at.query_params.get("rows") == "2"
    assert {b.label for b in at.get("download_button")} >= {"Download CSV", "Download Parquet"}
    # A permalink with the page opens on it.
    at = app(demo_settings, monkeypatch, "explore", {"table": "listing_versions", "rows": "2"})
    assert list(at.dataframe[0].value["listing_key"]) == list(second["listing_key"])
