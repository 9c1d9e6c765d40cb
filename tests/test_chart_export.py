"""Every chart's data, image and citation, from a small exactly known lake: the data is what is
drawn, the image carries title and source line, the citation names snapshot and sources; and
`gigwatch chart` writes every listed chart."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image, ImageStat

from collectors.config import Settings
from collectors.store import Store, get_store
from dashboard import chart_export, chart_registry, queries
from tests.conftest import built_lake

HAS_CHROMIUM = shutil.which("chromium") is not None or Path("/usr/bin/chromium").exists()
needs_chromium = pytest.mark.skipif(not HAS_CHROMIUM, reason="kaleido needs Chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Store]]:
    with built_lake(tmp_path_factory, "charts") as settings:
        yield settings, get_store(settings)


def test_the_data_is_every_point_drawn(small: tuple[Settings, Store]) -> None:
    _, store = small
    built, meta = chart_registry.draw(store, "open_listings")
    data = chart_export.figure_data(built.figure)
    daily = queries.open_listings_daily(store, meta.snapshot_id)
    lines = data[data["kind"] == "line"]
    assert len(lines) == len(daily)  # one row per platform-day, nothing more, nothing less
    drawn = lines.assign(day=pd.to_datetime(lines["x"]).dt.date).set_index(["series_name", "day"])["y"]
    names = dict(zip(*queries.platforms(store).pipe(lambda f: (f["platform_id"], f["name"])), strict=True))
    for row in daily.itertuples():
        assert drawn[(names[row.platform_id], pd.Timestamp(str(row.day)).date())] == row.open_listings


def test_bands_markers_and_reference_lines_are_in_the_data(small: tuple[Settings, Store]) -> None:
    _, store = small
    pay, _ = chart_registry.draw(store, "pay_trend")
    kinds = chart_export.figure_data(pay.figure)["kind"].value_counts()
    assert kinds["band edge"] > 0 and kinds["line"] > 0
    events = chart_export.figure_data(pay.figure).query("kind == 'markers'")
    assert len(events) == 1 and "2026-02-14" in events["label"].iloc[0]  # the fictional cut event
    km, _ = chart_registry.draw(store, "delay_curves")
    marks = chart_export.figure_data(km.figure).query("kind == 'reference line'")
    assert sorted(marks["x"]) == [30, 60, 90]


def test_json_metadata_and_csv_agree(small: tuple[Settings, Store]) -> None:
    _, store = small
    built, meta = chart_registry.draw(store, "pay_trend", filters={"platforms": ("demo_alpha",)})
    body = json.loads(chart_export.data_json(built.figure, meta))
    assert body["metadata"]["snapshot_id"] == store.snapshot_id()
    assert body["metadata"]["filters"] == {"platforms": ["demo_alpha"]}
    assert body["metadata"]["n"] == built.n == 4  # a1, a4 (GBP → USD), a5, a6 open in the last week
    assert body["metadata"]["demo"] is True
    assert [s["name"] for s in body["metadata"]["sources"]] == ["demo_alpha-board"]
    csv = pd.read_csv(io.BytesIO(chart_export.data_csv(built.figure)))
    assert len(csv) == len(body["data"]) > 0
    assert set(body["columns"]) == set(csv.columns)
    sidecar = json.loads(chart_export.metadata_json(meta))
    assert sidecar["metadata"] == body["metadata"]


def test_citations_name_gigwatch_the_view_the_snapshot_and_the_sources(small: tuple[Settings, Store]) -> None:
    _, store = small
    _, meta = chart_registry.draw(store, "flows", filters={"platforms": ("demo_beta",)}, retrieved="2026-12-01")
    snap = meta.snapshot_id
    assert meta.permalink == f"http://localhost:8501/availability?platform=demo_beta&snapshot={snap}"
    text = chart_export.citation_text(meta)
    for part in ("gigwatch", "New and closed listings per week", "Work availability", f"snapshot {snap}",
                 "Retrieved 2026-12-01", meta.permalink, "Original sources: Demo Beta (test)", "Demo data"):
        assert part in text, part
    bib = chart_export.citation_bibtex(meta)
    assert bib.startswith(f"@misc{{gigwatch_flows_{snap},") and "urldate = {2026-12-01}" in bib
    assert bib.count("{") == bib.count("}")
    (csl,) = json.loads(chart_export.citation_csl_json(meta))
    assert csl["type"] == "dataset" and csl["version"] == f"snapshot {snap}"
    assert csl["accessed"] == {"date-parts": [[2026, 12, 1]]} and csl["URL"] == meta.permalink


def test_unknown_chart_filter_or_snapshot_is_a_clear_error(small: tuple[Settings, Store]) -> None:
    _, store = small
    with pytest.raises(KeyError, match="no chart named"):
        chart_registry.draw(store, "nope")
    with pytest.raises(ValueError, match="takes the filters"):
        chart_registry.draw(store, "median_delay", filters={"currency": "usd"})
    with pytest.raises(ValueError, match="does not exist"):
        chart_registry.draw(store, "flows", snapshot_id=10**9)


@needs_chromium
def test_every_chart_renders_as_svg_with_title_and_source_line(small: tuple[Settings, Store], tmp_path: Path) -> None:
    _, store = small
    items = []
    for name in chart_registry.CHARTS:
        built, meta = chart_registry.draw(store, name)
        items.append((built.figure, meta, "svg", tmp_path / f"{name}.svg"))
    chart_export.render_images(items)  # type: ignore[arg-type]
    for _, meta, _, path in items:
        svg = path.read_text()
        assert svg.lstrip().startswith("<svg"), path
        assert chart_export._escape(meta.title) in svg, meta.name
        assert chart_export._escape(chart_export.source_line(meta)) in svg, meta.name
        assert "demo data" in svg


def gigwatch(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIGWATCH_DATA_DIR": str(settings.data_dir), "GIGWATCH_LAKE": settings.lake}
    env.pop("GIGWATCH_CATALOG", None)
    return subprocess.run([sys.executable, "-m", "collectors.cli", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_chart_list_names_every_chart(small: tuple[Settings, Store]) -> None:
    result = gigwatch(small[0], "chart", "--list")
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == list(chart_registry.CHARTS)


@needs_chromium
def test_gigwatch_chart_writes_a_png_that_is_not_blank(small: tuple[Settings, Store], tmp_path: Path) -> None:
    out = tmp_path / "pay.png"
    result = gigwatch(small[0], "chart", "pay_trend", "--format", "png", "--out", str(out),
                      "--platform", "demo_alpha", "--snapshot", str(small[1].snapshot_id()))
    assert result.returncode == 0, result.stderr
    with Image.open(out) as image:
        assert image.format == "PNG"
        assert image.width >= 1000 and image.height >= 400
        variance = ImageStat.Stat(image.convert("L")).var[0]
    assert variance > 100  # lines, text and bands on white, not a blank canvas


def test_gigwatch_chart_refuses_bad_input_clearly(small: tuple[Settings, Store], tmp_path: Path) -> None:
    bad = gigwatch(small[0], "chart", "pay_trend", "--format", "gif", "--out", str(tmp_path / "x.gif"))
    assert bad.returncode == 2 and "--format must be" in bad.stderr + bad.stdout
    unknown = gigwatch(small[0], "chart", "nope", "--out", str(tmp_path / "x.png"))
    assert unknown.returncode == 1 and "no chart named" in unknown.stderr + unknown.stdout
    data = gigwatch(small[0], "chart", "lifetimes", "--format", "csv", "--out", str(tmp_path / "l.csv"))
    assert data.returncode == 0, data.stderr
    assert len(pd.read_csv(tmp_path / "l.csv")) == 2
    assert json.loads((tmp_path / "l.metadata.json").read_text())["metadata"]["name"] == "lifetimes"
