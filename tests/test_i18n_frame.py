"""The frame and the Methodology page in another language, with a small catalog made here (the
shipped catalogs are filled by the lead after every page is marked): the translated text is used,
constants marked with N_() are translated where shown, the English README stays English, and the
"In brief" summary says what data/README.md says."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from streamlit.testing.v1 import AppTest

from collectors.store import Store
from dashboard import common, i18n, queries
from tests.apptest_lang import run_in
from tests.conftest import app_lake

ROOT = Path(__file__).resolve().parents[1]
AUTHORITATIVE = ("*The full methodology below is in English; it is the authoritative version, and this "
                 "summary gives way to it wherever they differ.*")
FRENCH = {
    "Methodology": "Méthodologie",
    "In brief": "En bref",
    AUTHORITATIVE: "*La méthodologie complète ci-dessous est en anglais ; elle fait foi.*",
    "No platforms yet.": "Aucune plateforme pour l'instant.",
    common.NO_DATA_TODO: "Rien n'a encore été collecté dans ce lac : lancez `make demo`.",
}


@pytest.fixture
def french_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A compiled French catalog holding FRENCH only, in place of the shipped ones."""
    catalog = Catalog(locale="fr")
    for english, french in FRENCH.items():
        catalog.add(english, french)
    catalog.add("source", "source (fr)", context="column header")
    target = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    i18n.translations.cache_clear()
    yield
    i18n.translations.cache_clear()
    i18n.activate(i18n.DEFAULT_LANGUAGE)


@pytest.fixture
def empty_lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    yield from app_lake(tmp_path, monkeypatch)


def run(page: str, language: str) -> AppTest:
    try:
        return run_in(page, language, timeout=120)
    finally:
        i18n.activate(i18n.DEFAULT_LANGUAGE)


def test_a_constant_marked_with_n_is_translated_where_shown(french_catalog: None) -> None:
    assert common.no_data_todo() == common.NO_DATA_TODO
    i18n.activate("fr")
    assert common.no_data_todo() == FRENCH[common.NO_DATA_TODO]
    assert common.translated("Methodology") == "Méthodologie"
    assert common.translated("a message no catalog has") == "a message no catalog has"


def test_methodology_in_brief_in_french_then_the_english_readme(french_catalog: None, empty_lake: Store) -> None:
    at = run("methodology", "fr")
    assert [t.value for t in at.title] == ["Méthodologie"]
    assert "En bref" in [s.value for s in at.subheader]
    markdown = [m.value for m in at.markdown]
    assert FRENCH[AUTHORITATIVE] in markdown
    # The README itself is not translated: its sections keep their English headings.
    headers = [h.value for h in at.header]
    assert "What is measured" in headers and "Data dictionary" in headers


def test_methodology_in_brief_says_what_the_readme_says(empty_lake: Store) -> None:
    at = run("methodology", "en")
    assert "In brief" in [s.value for s in at.subheader]
    markdown = [str(m.value) for m in at.markdown]
    end = markdown.index(AUTHORITATIVE)
    brief = markdown[:end]
    assert 6 <= len(brief) <= 10, brief
    text = " ".join(brief)
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    # The same conversion assumptions and the same suppression threshold as the README.
    for fact in ("otherwise 40", "2,080 hours a year", "a month is a twelfth of a year", "a day is 8 hours"):
        assert fact in readme.replace("\n  ", " ") and fact in text, fact
    assert f"fewer than {queries.MIN_REPORTS} independent" in text
    assert f"fewer than {queries.MIN_REPORTS} *independent* reports" in readme.replace("\n", " ")
    for topic in ("interval", "suppressed", "private vault", "Demo", "permalink", "(n)"):
        assert topic in text, topic
    # And the README follows, whole.
    assert "What is measured" in [h.value for h in at.header]


def test_empty_state_translates_the_no_data_constant(french_catalog: None, empty_lake: Store) -> None:
    at = run("overview", "fr")
    infos = [str(i.value) for i in at.info]
    assert any("Aucune plateforme pour l'instant." in i and FRENCH[common.NO_DATA_TODO] in i for i in infos), infos
    at = run("overview", "en")
    infos = [str(i.value) for i in at.info]
    assert any("No platforms yet." in i and common.NO_DATA_TODO in i for i in infos), infos


def _table_script() -> None:
    import pandas as pd

    from dashboard import common

    common.language()
    frame = pd.DataFrame({"source_name": ["greenhouse-acme"], "runs_window": [3], "unknown_column": [1]})
    common.frame_table(frame, column_config={"runs_window": "runs (30 d)"})
    common.frame_table(frame, translate_headers=False)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_table_headers_are_translated_at_display_only(french_catalog: None, language: str) -> None:
    at = AppTest.from_function(_table_script, default_timeout=60)
    at.query_params[i18n.LANGUAGE_PARAM] = language
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown, documented = (json.loads(t.proto.columns or "{}") for t in at.dataframe)
    if language == "fr":
        assert shown["source_name"] == {"label": "source (fr)"}
        assert "unknown_column" not in shown  # a column the table does not know keeps its name
    else:  # English keeps the columns' own names, as before
        assert "source_name" not in shown
    assert shown["runs_window"] == {"label": "runs (30 d)"}  # the page's own label wins
    assert "source_name" not in documented  # translate_headers=False: the columns' own names
    # The data itself keeps its column names (what downloads write).
    assert list(at.dataframe[0].value.columns) == ["source_name", "runs_window", "unknown_column"]
