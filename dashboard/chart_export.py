"""What a chart gives away: its data (CSV and JSON of exactly what is drawn, with a metadata block),
its image (PNG and SVG with title, filters and source line), and its citation (plain text,
BibTeX, CSL-JSON). No Streamlit and no SQL here: the dashboard (`common.chart_block`) and the
command line (`gigwatch chart`) both call these functions on the same figure.

The data is read back from the plotly figure itself, trace by trace and shape by shape, so the
download can never drift from the picture: every point, band edge, error bar and marker line is
one row. (A page draws a long line thinned, `dashboard.downsample`, and says so; these functions
get the whole figure, so the download keeps every point of it.) Images are rendered by plotly's exporter, kaleido, which drives a headless Chromium
(Debian's `/usr/bin/chromium` when present; `BROWSER_PATH` overrides).
"""

from __future__ import annotations

import copy
import html
import json
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from collectors.csvsafe import safe_csv_bytes
from dashboard import i18n
from dashboard.i18n import N_, _

ImageFormat = Literal["png", "svg"]
IMAGE_FORMATS: tuple[ImageFormat, ...] = ("png", "svg")
IMAGE_WIDTH = 1200
METHOD_URL = "https://github.com/gigwatch/gigwatch/blob/main/data/README.md"
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
# The column descriptions of the downloads: a documented format people parse, English by design
# (like the English column names), whatever the view's language.
DATA_COLUMNS = {
    "series": "the trace's position in the chart (0 = drawn first)",  # i18n-ignore: download format, English by design
    "series_name": "the legend label (empty for band edges and reference lines)",  # i18n-ignore: download format
    "kind": "line, markers, bar, stacked area (y is the series' own value, drawn on those below it), band edge, error bar or reference line",  # i18n-ignore: download format
    "panel": "the panel (x/y axes) the row is drawn in, for charts in panels (per currency and unit, or per platform)",  # i18n-ignore: download format
    "x": "the horizontal value (a date, a number of days, or a value for horizontal bars)",  # i18n-ignore: download format
    "y": "the vertical value (for horizontal bars, the platform)",  # i18n-ignore: download format
    "error_minus": "how far the error bar reaches below (or left of) the point",  # i18n-ignore: download format
    "error_plus": "how far the error bar reaches above (or right of) the point",  # i18n-ignore: download format
    "detail": "extra values shown on hover (counts, intervals), in hover order",  # i18n-ignore: download format
    "label": "the hover text of markers (events: date, platform, title, source)",  # i18n-ignore: download format
}
# How the image names a filter (its key is the URL parameter's and the metadata's, in English).
FILTER_LABELS: dict[str, str] = {
    "platforms": N_("platforms"), "categories": N_("categories"), "countries": N_("countries"),
    "remote": N_("remote"), "period": N_("period"), "layout": N_("layout"), "currency": N_("currency"),
    "days": N_("days"), "signal": N_("signal"), "source": N_("source"),
}


@dataclass(frozen=True)
class ChartSource:
    """An original source behind a chart: a platform's listing feed, or the payment reports."""

    platform: str
    name: str
    url: str | None = None


@dataclass(frozen=True)
class ChartMeta:
    """Everything a download, an image and a citation say about one drawn chart."""

    name: str  # the registry name, e.g. "pay_trend"
    title: str
    view: str  # the dashboard page, e.g. "Pay trends"
    units: str
    snapshot_id: int
    as_of: str | None  # ISO time of the last successful collection in the snapshot
    n: int | None  # the rows the chart rests on
    n_what: str  # what n counts
    demo: bool
    permalink: str
    retrieved: str  # ISO date the view was read
    filters: dict[str, Any] = field(default_factory=dict)
    sources: tuple[ChartSource, ...] = ()
    method_url: str = METHOD_URL
    # The language of the view the chart was drawn in: its title and its image's words are in it;
    # units, n_what, view and the citations stay English.
    language: str = i18n.DEFAULT_LANGUAGE

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["sources"] = [asdict(s) for s in self.sources]
        return out


# -- the data behind a figure -------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A JSON/CSV-friendly scalar: ISO dates, floats, None for missing."""
    if value is None:
        return None
    if isinstance(value, (pd.Timestamp, datetime)):
        return pd.Timestamp(value).isoformat()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (np.isnan(value) or np.isinf(value)):
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return "; ".join(str(_plain(v)) for v in value)
    return value


def _seq(values: Any, length: int) -> list[Any]:
    if values is None:
        return [None] * length
    if isinstance(values, (str, bytes)) or np.isscalar(values):
        return [values] * length
    out = list(values)
    return out + [None] * (length - len(out))


def _strip_markup(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    return html.unescape(re.sub(r"<[^>]+>", " ", text.replace("<br>", " · "))).strip()


def _trace_kind(trace: Any) -> str:
    if trace.type == "bar":
        return "bar"
    if getattr(trace, "stackgroup", None):
        return "stacked area"  # i18n-ignore: a value of the download's `kind` column (y: the series' own value)
    mode = getattr(trace, "mode", None) or "lines"
    if getattr(trace, "fill", None) == "tonexty" or (
        getattr(trace, "showlegend", None) is False and getattr(trace, "hoverinfo", None) == "skip"
    ):
        return "band edge"  # i18n-ignore: a value of the download's `kind` column
    return "markers" if mode == "markers" else "line"


def figure_data(fig: go.Figure) -> pd.DataFrame:
    """Every point, band edge, error bar and reference line the figure draws, one row each."""
    rows: list[dict[str, Any]] = []
    for index, trace in enumerate(fig.data):
        xs = list(trace.x) if trace.x is not None else []
        ys = list(trace.y) if trace.y is not None else []
        length = max(len(xs), len(ys))
        xs, ys = _seq(xs, length), _seq(ys, length)
        error = trace.error_x if trace.type in ("bar", "scatter") and trace.error_x and trace.error_x.array is not None else None
        if error is None and trace.type in ("bar", "scatter") and trace.error_y and trace.error_y.array is not None:
            error = trace.error_y
        plus = _seq(error.array if error is not None else None, length)
        minus = _seq((error.arrayminus if error.arrayminus is not None else error.array) if error is not None else None, length)
        custom = trace.customdata if getattr(trace, "customdata", None) is not None else None
        details = _seq(custom, length) if custom is not None else [None] * length
        labels = _seq(getattr(trace, "hovertext", None), length)
        panel = f"{getattr(trace, 'xaxis', None) or 'x'}/{getattr(trace, 'yaxis', None) or 'y'}"
        kind = _trace_kind(trace)
        name = "" if kind == "band edge" else _strip_markup(trace.name or "")
        for x, y, lo, hi, detail, label in zip(xs, ys, minus, plus, details, labels, strict=True):
            rows.append({
                "series": index, "series_name": name, "kind": kind, "panel": panel,
                "x": _plain(x), "y": _plain(y), "error_minus": _plain(lo), "error_plus": _plain(hi),
                "detail": _plain(detail), "label": _strip_markup(label),
            })
    for shape in fig.layout.shapes or ():
        vertical = shape.x0 == shape.x1 and shape.y0 != shape.y1
        rows.append({
            "series": None, "series_name": "", "kind": "reference line",  # i18n-ignore: a `kind` value
            "panel": f"{shape.xref or 'x'}/{shape.yref or 'y'}",
            "x": _plain(shape.x0) if vertical else None, "y": None if vertical else _plain(shape.y0),
            "error_minus": None, "error_plus": None, "detail": None, "label": "vertical" if vertical else "horizontal",
        })
    return pd.DataFrame(rows, columns=list(DATA_COLUMNS))


def data_csv(fig: go.Figure) -> bytes:
    """The drawn data as CSV (through the project's formula-safe writer)."""
    return safe_csv_bytes(figure_data(fig))


def metadata_json(meta: ChartMeta) -> bytes:
    """The sidecar of the CSV: what the chart is, which snapshot, filters, n, units, sources."""
    body = {"metadata": meta.as_dict(), "columns": DATA_COLUMNS, "citation": citation_text(meta)}
    return (json.dumps(body, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")


def data_json(fig: go.Figure, meta: ChartMeta) -> bytes:
    """The drawn data as JSON with its metadata block, in one file."""
    frame = figure_data(fig).astype(object).where(figure_data(fig).notna(), None)
    body = {
        "metadata": meta.as_dict(), "columns": DATA_COLUMNS, "citation": citation_text(meta),
        "data": frame.to_dict(orient="records"),
    }
    return (json.dumps(body, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")


# -- the image -------------------------------------------------------------------------------------------


@contextmanager
def _language(language: str) -> Iterator[None]:
    """Translate into `language` inside the block (an image is rendered when asked for, maybe in
    another thread than the view's script run: it follows the language the chart was drawn in)."""
    previous = i18n.current()
    i18n.activate(language)
    try:
        yield
    finally:
        i18n.activate(previous)


def filters_text(filters: Mapping[str, Any], *, translated: bool = False) -> str:
    """Filters as a short line: `platforms: A, B · currency: usd`, or "all data". English (as the
    citations say it) unless `translated` (the image's subtitle, in the active language)."""
    parts = []
    for key, value in filters.items():
        if value in (None, "", (), [], "any", "all"):
            continue
        shown = ", ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
        name = key.replace("_", " ")
        if translated and key in FILTER_LABELS:
            name = i18n.translated(FILTER_LABELS[key])
        parts.append(f"{name}: {shown}")
    if parts:
        return " · ".join(parts)
    return _("all data, no filters") if translated else "all data, no filters"  # i18n-ignore: citation format, English by design


def source_line(meta: ChartMeta) -> str:
    """ "Source: gigwatch, snapshot N, data as of …; demo data" (the last part only for demo data),
    in the language the chart was drawn in."""
    with _language(meta.language):
        return _source_line(meta)


def _source_line(meta: ChartMeta) -> str:
    as_of = meta.as_of[:16].replace("T", " ") + " UTC" if meta.as_of else _("no collection yet")
    line = _("Source: gigwatch, snapshot {snapshot_id}, data as of {as_of}").format(
        snapshot_id=meta.snapshot_id, as_of=as_of)
    if meta.n is not None:
        # Translators: appended to the image's source line; {what} says what n counts ("approved reports").
        line += _("; n = {n} {what}").format(n=i18n.number(meta.n, language=meta.language), what=i18n.translated(meta.n_what))
    if meta.sources:
        platforms = sorted({s.platform for s in meta.sources})
        names = ", ".join(platforms[:6])
        # Translators: appended to the image's source line; {platforms} are platform names.
        line += (_("; original sources: {platforms} and others") if len(platforms) > 6
                 else _("; original sources: {platforms}")).format(platforms=names)
    if meta.demo:
        line += _("; demo data (fictional, do not cite)")
    return line


def image_figure(fig: go.Figure, meta: ChartMeta) -> go.Figure:
    """A copy of `fig` with the title, a subtitle of filters and the source line baked in (in the
    language the chart was drawn in; the title is the figure's own)."""
    with _language(meta.language):
        subtitle = filters_text(meta.filters, translated=True)
    out = go.Figure(copy.deepcopy(fig))
    height = int(out.layout.height or 450) + 90
    margin = out.layout.margin
    out.update_layout(
        title={"text": _escape(meta.title), "x": 0, "xanchor": "left",
               "subtitle": {"text": _escape(subtitle)}},
        height=height, width=IMAGE_WIDTH, paper_bgcolor="white", plot_bgcolor="white",
        margin={"l": margin.l or 10, "r": margin.r or 10, "t": max(int(margin.t or 56), 80), "b": 150},
    )
    out.add_annotation(
        text=_escape(source_line(meta)), xref="paper", yref="paper", x=0, y=0, yshift=-140,
        xanchor="left", yanchor="bottom", showarrow=False, font={"size": 11, "color": "#444"}, align="left",
    )
    return out


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ensure_browser() -> None:
    """Point kaleido at Debian's chromium (what CI installs) unless BROWSER_PATH names another."""
    if "BROWSER_PATH" not in os.environ and DEBIAN_CHROMIUM.exists():
        os.environ["BROWSER_PATH"] = str(DEBIAN_CHROMIUM)


def render_image(fig: go.Figure, meta: ChartMeta, fmt: ImageFormat) -> bytes:
    """The chart as PNG or SVG, rendered by plotly's exporter (kaleido + headless Chromium)."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format must be one of {', '.join(IMAGE_FORMATS)}, not {fmt!r}")  # i18n-ignore: developer error
    ensure_browser()
    import plotly.io as pio

    drawn = image_figure(fig, meta)
    image: bytes = pio.to_image(drawn, format=fmt, width=IMAGE_WIDTH, height=int(drawn.layout.height))
    return image


def render_images(items: Iterable[tuple[go.Figure, ChartMeta, ImageFormat, Path]]) -> list[Path]:
    """Render several images with one browser (kaleido's sync server): the CLI's `--all`."""
    ensure_browser()
    import kaleido

    kaleido.start_sync_server(silence_warnings=True)
    try:
        written = []
        with warnings.catch_warnings():  # plotly warns that per-call browser options are moot with a server
            warnings.simplefilter("ignore", UserWarning)
            for fig, meta, fmt, path in items:
                path.write_bytes(render_image(fig, meta, fmt))
                written.append(path)
        return written
    finally:
        kaleido.stop_sync_server(silence_warnings=True)


# -- the citation ----------------------------------------------------------------------------------------
# Citations (plain text, BibTeX, CSL-JSON) are formats people paste and parse: English by design,
# whatever the view's language (see data/README.md, "Citing a figure").


def _sources_text(sources: Sequence[ChartSource]) -> str:
    if not sources:
        return ""
    parts = [f"{s.platform} ({s.url})" if s.url else f"{s.platform} ({s.name})" for s in sources]
    return "Original sources: " + "; ".join(parts) + "."  # i18n-ignore: citation format, English by design


def _as_of_date(meta: ChartMeta) -> str:
    return meta.as_of[:10] if meta.as_of else meta.retrieved


def citation_text(meta: ChartMeta) -> str:
    """An APA-like citation naming gigwatch, the view, the snapshot, the retrieval date, the sources."""
    year = _as_of_date(meta)[:4]
    demo = " Demo data: fictional, do not cite." if meta.demo else ""  # i18n-ignore: citation format, English by design
    text = (  # i18n-ignore: citation format, English by design
        f"gigwatch. ({year}). {meta.title} [Data view: {meta.view}; {filters_text(meta.filters)}; "  # i18n-ignore: citation
        f"DuckLake snapshot {meta.snapshot_id}, data as of {_as_of_date(meta)}]. "
        f"Retrieved {meta.retrieved}, from {meta.permalink}"
    )
    sources = _sources_text(meta.sources)
    return text + (" " + sources if sources else "") + demo


def _bib(text: str) -> str:
    return re.sub(r"([{}%&$#_\\])", r"\\\1", text)


def _noted(meta: ChartMeta, note: str) -> str:
    """A citation's note, then the chart's sources and, on demo data, the do-not-cite warning."""
    sources = _sources_text(meta.sources)
    if sources:
        note += " " + sources
    if meta.demo:
        note += " Demo data: fictional, do not cite."  # i18n-ignore: citation format, English by design
    return note


def citation_bibtex(meta: ChartMeta) -> str:
    key = re.sub(r"[^A-Za-z0-9]+", "_", f"gigwatch_{meta.name}_{meta.snapshot_id}")
    note = _noted(meta, f"Data view: {meta.view}; {filters_text(meta.filters)}; DuckLake snapshot {meta.snapshot_id}, data as of {_as_of_date(meta)}.")  # i18n-ignore: citation format, English by design
    fields = {
        "author": "{gigwatch}", "title": _bib(meta.title), "year": _as_of_date(meta)[:4],
        "version": f"snapshot {meta.snapshot_id}", "howpublished": "\\url{" + meta.permalink + "}",
        "url": meta.permalink, "urldate": meta.retrieved, "note": _bib(note),
    }
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@misc{{{key},\n{body}\n}}"


def _date_parts(iso: str) -> dict[str, list[list[int]]]:
    y, m, d = (int(p) for p in iso[:10].split("-"))
    return {"date-parts": [[y, m, d]]}


def citation_csl(meta: ChartMeta) -> dict[str, Any]:
    """CSL-JSON (what Zotero and pandoc read): one dataset item."""
    note = _noted(meta, f"Data view: {meta.view}; {filters_text(meta.filters)}.")  # i18n-ignore: citation format, English by design

    return {
        "id": f"gigwatch-{meta.name}-{meta.snapshot_id}", "type": "dataset", "title": meta.title,
        "author": [{"literal": "gigwatch"}], "publisher": "gigwatch", "version": f"snapshot {meta.snapshot_id}",
        "issued": _date_parts(_as_of_date(meta)), "accessed": _date_parts(meta.retrieved),
        "URL": meta.permalink, "note": note,
    }


def citation_csl_json(meta: ChartMeta) -> str:
    return json.dumps([citation_csl(meta)], indent=2, ensure_ascii=False)


def file_stem(meta: ChartMeta) -> str:
    return f"gigwatch-{meta.name}-snapshot-{meta.snapshot_id}"
