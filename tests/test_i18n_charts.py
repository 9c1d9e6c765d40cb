"""Charts in the reader's language: titles, axes, legends and hovers translated, plotly's number
signs per language, the image's words in the chart's language, and citations English by design.

A small catalog is written for the test (the shipped catalogs are filled after translation)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from collectors.reports import reasons as reason_table
from dashboard import chart_export, chart_registry, charts, i18n, reasons

SPANISH = {
    "Open listings per day": "Ofertas abiertas por día",
    "open listings": "ofertas abiertas",
    "{name}<br>%{{x|%Y-%m-%d}}: %{{y:,}} open listings": "{name}<br>%{{x|%Y-%m-%d}}: %{{y:,}} ofertas abiertas",
    "Source: gigwatch, snapshot {snapshot_id}, data as of {as_of}": "Fuente: gigwatch, instantánea {snapshot_id}, datos al {as_of}",
    "; n = {n} {what}": "; n = {n} {what}",
    "listings open on the last collected day": "ofertas abiertas el último día recogido",
    "platforms": "plataformas",
    "Work availability": "Disponibilidad de trabajo",
    "no report gives a delay ({reasons})": "ningún informe da un retraso ({reasons})",
    "{n} {reason}": "{n} {reason}",
    "the pay was not yet due when reported": "el pago aún no vencía al informar",
}


@pytest.fixture
def spanish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    catalog = Catalog(locale="es")
    for source, translated in SPANISH.items():
        catalog.add(source, translated)
    (tmp_path / "es" / "LC_MESSAGES").mkdir(parents=True)
    with (tmp_path / "es" / "LC_MESSAGES" / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    i18n.activate("es")
    try:
        yield
    finally:
        i18n.activate(i18n.DEFAULT_LANGUAGE)
        i18n.translations.cache_clear()


DAILY = pd.DataFrame({"day": ["2026-01-01", "2026-01-02"], "platform_id": ["acme", "acme"],
                      "open_listings": [1200, 1300]})


def test_a_chart_in_english_keeps_its_words_and_plotly_signs() -> None:
    fig = charts.open_listings_figure(DAILY, names={"acme": "Acme"})
    assert fig.layout.title.text == "Open listings per day" and fig.layout.yaxis.title.text == "open listings"
    assert fig.layout.separators == ".,"


def test_a_chart_in_spanish_says_its_title_axis_and_hover_in_spanish(spanish: None) -> None:
    fig = charts.open_listings_figure(DAILY, names={"acme": "Acme"})
    assert fig.layout.title.text == "Ofertas abiertas por día"
    assert fig.layout.yaxis.title.text == "ofertas abiertas"
    assert fig.data[0].hovertemplate == "Acme<br>%{x|%Y-%m-%d}: %{y:,} ofertas abiertas<extra></extra>"
    assert fig.layout.separators == ",."  # 1.234,5 as Spanish writes it
    assert fig.data[0].name == "Acme"  # data stays data


def _meta(language: str) -> chart_export.ChartMeta:
    spec = chart_registry.get("open_listings")
    return chart_export.ChartMeta(
        name=spec.name, title="Ofertas abiertas por día", view=spec.view, units=spec.units, snapshot_id=7,
        as_of="2026-01-02T10:00:00+00:00", n=12345, n_what=spec.n_what, demo=False,
        permalink="http://localhost:8501/availability?snapshot=7", retrieved="2026-01-03",
        filters={"platforms": ["acme"]}, language=language,
    )


def test_the_image_follows_the_charts_language_and_the_citation_stays_english(spanish: None) -> None:
    meta = _meta("es")
    i18n.activate("en")  # an image is rendered when asked for, perhaps outside the view's run
    assert chart_export.source_line(meta) == (
        "Fuente: gigwatch, instantánea 7, datos al 2026-01-02 10:00 UTC; n = 12.345 ofertas abiertas el último "
        "día recogido")
    image = chart_export.image_figure(charts.open_listings_figure(DAILY, names={}), meta)
    assert image.layout.title.subtitle.text == "plataformas: acme"
    assert i18n.current() == "en"  # the image's language does not leak into the view
    citation = chart_export.citation_text(meta)
    assert "[Data view: Work availability; platforms: acme; DuckLake snapshot 7" in citation
    assert "Retrieved 2026-01-03, from http://localhost:8501/availability?snapshot=7" in citation
    body = json.loads(chart_export.metadata_json(meta))
    assert body["metadata"]["language"] == "es" and body["metadata"]["n_what"] == "listings open on the last collected day"
    assert body["columns"]["series"] == "the trace's position in the chart (0 = drawn first)"
    assert "Data view: Work availability" in chart_export.citation_bibtex(meta)


def test_a_specs_words_are_english_and_shown_translated(spanish: None) -> None:
    spec = chart_registry.get("open_listings")
    assert spec.view == "Work availability" and spec.shown(spec.view) == "Disponibilidad de trabajo"


def test_a_stored_reason_is_shown_in_the_views_language(spanish: None) -> None:
    stored = reason_table.detail("no_delay", reasons=[(2, "not_yet_due"), (1, "an_unknown_reason")])
    assert stored == "no report gives a delay (2 the pay was not yet due when reported, 1 an_unknown_reason)"
    assert reasons.shown(stored) == "ningún informe da un retraso (2 el pago aún no vencía al informar, 1 an_unknown_reason)"
    assert reasons.shown("typed by hand") == "typed by hand" and reasons.shown(None) is None
