"""Reference lines: minimum wages verified or marked unverified (data/minimum_wages.csv), and
performers' union scale rates (data/union_scales.csv) drawn on Pay trends for Acting and
performance and Audio and voice."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots
from streamlit.testing.v1 import AppTest

from collectors.config import Settings
from collectors.store import Store, reset_stores
from collectors.store.reference import DATA_DIR, ReferenceDataError, read_union_scales
from dashboard import charts, queries
from tests.conftest import app_on_page, built_lake


def wage_rows() -> list[dict[str, str]]:
    with (DATA_DIR / "minimum_wages.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_minimum_wage_row_is_verified_or_marked() -> None:
    rows = wage_rows()
    for row in rows:
        date.fromisoformat(row["verified_on"])
        if row["verification"] == "official":
            assert row["verified_against"].startswith("https://"), row
            assert "compiled offline from memory" not in row["note"], row
        else:
            assert row["verification"] == "unverified" and row["note"].startswith("UNVERIFIED"), row
    official = {(r["country"], r["effective_from"], r["amount"]) for r in rows if r["verification"] == "official"}
    # the rows whose official page was found in a stored copy, with the figure that page shows
    assert ("US-federal", "2009-07-24", "7.25") in official
    assert {("GB", "2025-04-01", "12.21"), ("GB", "2026-04-01", "12.71")} <= official
    assert ("DE", "2025-01-01", "12.82") in official
    assert not any(r["country"] in ("FR", "BR", "KE-cities", "PH-NCR") for r in rows if r["verification"] == "official")


def test_minimum_wages_query_carries_the_verification(store: Store) -> None:
    wages = queries.minimum_wages(store, countries=("US", "DE"))
    by_date = dict(zip(wages["effective_from"].astype(str), wages["verification"], strict=True))
    assert by_date["2009-07-24"] == "official"
    assert by_date["2022-10-01"] == "unverified" and by_date["2024-01-01"] == "official"


def test_union_scales_are_cited_and_per_hour() -> None:
    scales = read_union_scales()
    assert set(scales["category"]) == {"audio_voice", "acting_performance"}
    assert scales["source_url"].str.startswith("https://equity.org.uk/").all()
    assert (scales["verification"] == "official").all() and scales["verified_on"].map(date.fromisoformat).notna().all()
    voice = scales[scales["role"] == "Voiceover (video games)"].iloc[0]
    assert (voice["amount"], voice["currency"], voice["hourly_amount"]) == (300, "GBP", 300)
    capture = scales[scales["role"] == "Performance capture (video games)"].iloc[0]
    assert capture["hourly_amount"] == 850 / 8 and capture["hourly_basis"] == "per day ÷ 8 hours"


@pytest.mark.parametrize(("bad", "message"), [
    ("acting_performance,U,A,R,-5,GBP,hour,,https://x.org,official,2026-12-06,,n", "positive amount"),
    ("painting,U,A,R,5,GBP,hour,,https://x.org,official,2026-12-06,,n", "unknown category"),
    ("audio_voice,U,A,R,5,GBP,hour,,http://x.org,official,2026-12-06,,n", "https URL"),
    ("audio_voice,U,A,R,5,GBP,hour,,https://x.org,trust me,2026-12-06,,n", "verification"),
])
def test_bad_union_scale_rows_raise(tmp_path: Path, bad: str, message: str) -> None:
    header = (DATA_DIR / "union_scales.csv").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "union_scales.csv"
    path.write_text(f"{header}\n{bad}\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=message):
        read_union_scales(path)


def test_reference_lines_on_plain_and_panelled_figures() -> None:
    lines = pd.DataFrame({"label": ["Union scale: Equity (UK), Voiceover", "no rate"], "hourly_value": [380.0, None]})
    plain = charts.add_reference_lines(go.Figure(go.Scatter(x=[1, 2], y=[1, 2])), lines)
    assert [s["y0"] for s in plain.layout.shapes] == [380.0]
    assert [a["text"] for a in plain.layout.annotations] == ["Union scale: Equity (UK), Voiceover"]
    panels = charts.add_reference_lines(make_subplots(rows=2, cols=1), lines)
    assert [s["y0"] for s in panels.layout.shapes] == [380.0, 380.0]  # every panel


@pytest.fixture(scope="module")
def small_lake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    with built_lake(tmp_path_factory, "ref-lake") as settings:
        reset_stores()
        yield settings


def pay_trends(settings: Settings, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    at = app_on_page(settings, monkeypatch, "app_pages/pay_trends.py")
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_pay_trends_draws_union_scale_for_audio_and_voice(small_lake: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    at = pay_trends(small_lake, monkeypatch, category="audio_voice", layout="together")
    captions = " ".join(c.value for c in at.caption)
    assert "performers' union scale rates" in captions
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    lines = {a["text"]: a["y"] for a in figure["layout"]["annotations"] if a["text"].startswith("Union scale")}
    assert list(lines) == ["Union scale: Equity (UK), Voiceover (video games) (300 GBP/hour)"]
    assert 300 < lines["Union scale: Equity (UK), Voiceover (video games) (300 GBP/hour)"] < 500  # GBP in USD


def test_pay_trends_without_a_union_category_draws_none(small_lake: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    at = pay_trends(small_lake, monkeypatch, layout="together")
    assert "performers' union scale rates" not in " ".join(c.value for c in at.caption)
    assert any("Union scale rates" in e.label for e in at.expander)


def test_an_unverified_minimum_wage_is_marked_where_its_line_is_drawn(
    small_lake: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import streamlit as st

    rows = wage_rows()
    for row in rows:
        if row["country"] == "US-federal":
            row.update(verification="unverified", verified_against="", note="UNVERIFIED: test copy")
    path = tmp_path / "minimum_wages.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setattr(queries, "MINIMUM_WAGES_CSV", path)
    from dashboard import common

    # The page caches query results and built charts; this test changes the CSV under them.
    st.cache_data.clear()
    common._cached_chart.clear()
    try:
        at = pay_trends(small_lake, monkeypatch, layout="together")
        figure = json.loads(at.get("plotly_chart")[0].proto.spec)
        names = {trace.get("name", "") for trace in figure["data"]}
        assert "Minimum wage: United States (federal minimum wage) (unverified)" in names
        assert any(n.startswith("Minimum wage: United Kingdom") and "(unverified)" not in n for n in names)
    finally:
        st.cache_data.clear()
        common._cached_chart.clear()
