"""Every page in every language under Streamlit's AppTest, on demo data: no error, the page's own
words translated (titles, headings, widget labels, chart titles and axes), data left as data, the
unreviewed-translation notice once, the language kept in the permalink."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from collectors.config import Settings, load_settings
from collectors.store import reset_stores
from dashboard import i18n
from dashboard.common import PERMALINK_BOX_KEY
from tests.apptest_lang import open_lazy, run_in

PAGES = ["overview", "pay_trends", "availability", "delays", "explore", "health", "methodology", "report", "admin"]
TIMEOUT = 180
NOTICE = ("This translation was made without review by native speakers. For the method, the "
          "English version is authoritative.")


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    from collectors.demo import build_demo

    settings = load_settings(lake="demo", env={"GIGWATCH_DATA_DIR": str(tmp_path_factory.mktemp("i18n-demo"))})
    build_demo(settings, days=120)
    yield settings
    reset_stores()


def run_page(settings: Settings, monkeypatch: pytest.MonkeyPatch, page: str, language: str) -> AppTest:
    monkeypatch.setenv("GIGWATCH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GIGWATCH_LAKE", settings.lake)
    monkeypatch.delenv("GIGWATCH_CATALOG", raising=False)
    return run_in(page, language, timeout=TIMEOUT)


def ui_words(at: AppTest) -> dict[str, list[str]]:
    """The page's own words: titles, headings, widget labels and chart titles and axis titles."""
    charts = [json.loads(chart.proto.spec)["layout"] for chart in at.get("plotly_chart")]
    labels = [w.label for kind in ("selectbox", "multiselect", "radio", "toggle", "checkbox", "text_input",
                                    "button") for w in getattr(at, kind)
              if not w.label.startswith("Language · ")]
    return {
        "title": [str(t.value) for t in at.title],
        "warning": [str(w.value) for w in at.warning],
        "header": [str(h.value) for h in at.header],
        "label": labels,
        "chart": [str(layout.get("title", {}).get("text", "")) for layout in charts]
        + [str(layout.get("yaxis", {}).get("title", {}).get("text", "")) for layout in charts],
    }


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    yield
    i18n.activate(i18n.DEFAULT_LANGUAGE)


@pytest.fixture(scope="module")
def english(demo_settings: Settings) -> dict[str, dict[str, list[str]]]:
    words: dict[str, dict[str, list[str]]] = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        for page in PAGES:
            words[page] = ui_words(run_page(demo_settings, monkeypatch, page, "en"))
    return words


@pytest.mark.parametrize("language", [code for code in i18n.LANGUAGES if code != "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_reads_in_every_language(page: str, language: str, demo_settings: Settings,
                                            english: dict[str, dict[str, list[str]]],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page(demo_settings, monkeypatch, page, language)
    assert not [str(e.value) for e in at.error], "an error on the page"
    words = ui_words(at)
    before = english[page]
    assert words["title"] and not set(words["title"]) & set(before["title"]), (words["title"], before["title"])
    # Methodology's headings are data/README.md's, English by design (the page says so, translated).
    for kind in ("label", "chart") if page == "methodology" else ("header", "label", "chart"):
        same = [w for w in words[kind] if w and w in before[kind] and any(c.isalpha() for c in w)]
        # Platform names and other data may stay the same; the page's own words may not.
        assert len(same) <= max(1, len(words[kind]) // 5), (kind, same)
    i18n.activate(language)
    notice = i18n._(NOTICE)
    i18n.activate(i18n.DEFAULT_LANGUAGE)
    assert notice != NOTICE
    notices = [str(c.value) for c in at.caption if str(c.value) == notice]
    assert len(notices) == 1, "the unreviewed-translation notice, once"
    demo = [str(w.value) for w in at.warning]
    assert demo and not set(demo) & set(before["warning"]), "the demo banner is translated too"


def test_english_has_no_translation_notice(demo_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page(demo_settings, monkeypatch, "overview", "en")
    assert not [c for c in at.caption if "native speakers" in str(c.value)]


def test_the_language_stays_in_the_permalink(demo_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page(demo_settings, monkeypatch, "pay_trends", "sw")
    assert not [code for code in at.code if "snapshot=" in str(code.value)], "drawn only when opened"
    open_lazy(at, PERMALINK_BOX_KEY, "pay_chart_cite_popover")
    links = [str(code.value) for code in at.code if "snapshot=" in str(code.value)]
    assert len(links) >= 2 and all("lang=sw" in link for link in links)


def test_the_picker_switches_the_language_into_the_url(demo_settings: Settings,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page(demo_settings, monkeypatch, "overview", "en")
    picker = next(s for s in at.selectbox if s.label.startswith("Language · "))
    picker.set_value("es").run()
    assert at.query_params.get(i18n.LANGUAGE_PARAM) == "es" or at.query_params.get(i18n.LANGUAGE_PARAM) == ["es"]
    assert not at.exception


def test_data_stays_data_platform_names_and_titles_are_never_translated(demo_settings: Settings,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    english_cards = [str(s.value) for s in run_page(demo_settings, monkeypatch, "overview", "en").subheader]
    for language in ("sw", "es"):
        cards = [str(s.value) for s in run_page(demo_settings, monkeypatch, "overview", language).subheader]
        assert cards == english_cards and any("Demo" in c for c in cards), cards
