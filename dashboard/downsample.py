"""Fewer points to draw than a chart has, never fewer to download.

A daily series over three years is 1,095 points a line, ten lines a chart: more points than a
chart has pixels across, sent to every browser on every visit. `for_drawing` gives a copy of a
figure whose long lines keep at most `MAX_POINTS_PER_LINE` of their points, chosen by MinMaxLTTB
(tsdownsample, the algorithm plotly-resampler draws with): the first and the last point, each
bucket's highest and lowest, then Largest-Triangle-Three-Buckets over those, so peaks, troughs and
the line's shape stay. Every point drawn is a real point of the series, with its own hover text
and values; nothing is averaged. The figure itself is left whole: the chart's downloads (CSV,
JSON, PNG, SVG; `dashboard.chart_export`) are made from it, so they keep every point, and the
page says under a thinned chart how many points it draws of how many.

No Streamlit and no SQL here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from tsdownsample import MinMaxLTTBDownsampler

MAX_POINTS_PER_LINE = 500  # about the width in pixels of a chart on a laptop screen
# Per-point trace attributes that must follow the points kept.
_PER_POINT = ("x", "y", "customdata", "hovertext", "text")


@dataclass(frozen=True)
class Drawn:
    """The figure to draw, and how many points it draws of how many the full figure has."""

    figure: go.Figure
    points_drawn: int
    points_total: int

    @property
    def thinned(self) -> bool:
        return self.points_drawn < self.points_total


def _thinnable(trace: Any) -> bool:
    """Lines only (markers, bars, error bars and band edges are drawn whole)."""
    if trace.type not in ("scatter", "scattergl") or trace.x is None or trace.y is None:
        return False
    mode = trace.mode or "lines"
    if "lines" not in mode or "markers" in mode or trace.fill:
        return False
    has_errors = any(getattr(trace, axis) is not None and getattr(trace, axis).array is not None
                     for axis in ("error_x", "error_y"))
    return not has_errors


def _as_numbers(values: Any) -> np.ndarray | None:
    """x or y values as float64 for the downsampler (dates as epoch nanoseconds); None when they
    are not numbers or dates (e.g. categories), or have gaps."""
    series = pd.Series(list(values) if not isinstance(values, np.ndarray) else values)
    if pd.api.types.is_numeric_dtype(series):
        out = series.to_numpy(dtype="float64")
    else:
        try:
            out = pd.to_datetime(series).astype("int64").to_numpy(dtype="float64")
        except (TypeError, ValueError):
            return None
    return None if np.isnan(out).any() else out


def kept_points(x: Any, y: Any, max_points: int | None = None) -> np.ndarray | None:
    """Indices (sorted) of the points of one line to draw, or None to draw them all."""
    max_points = max_points or MAX_POINTS_PER_LINE
    n = len(y)
    if n <= max_points:
        return None
    xs, ys = _as_numbers(x), _as_numbers(y)
    if xs is None or ys is None or len(xs) != n or (np.diff(xs) < 0).any():
        return None  # unordered or not numeric: drawn whole, as before
    return np.asarray(MinMaxLTTBDownsampler().downsample(xs, ys, n_out=max_points))


def _is_datetimes(values: Any) -> bool:
    return isinstance(values, np.ndarray) and values.dtype.kind == "M"


def compact_dates(values: Any) -> np.ndarray | None:
    """Dates and times as the shortest strings plotly reads as the same instants ("2024-01-01" for
    a midnight, "2024-01-01T08:30:00" otherwise), or None when `values` are not datetime64. Plotly
    sends a datetime64 as "2024-01-01T00:00:00.000000": a weekly line of three years spent more
    bytes on its dates than on everything else."""
    if not _is_datetimes(values):
        return None
    missing = np.isnat(values)
    days = values.astype("datetime64[D]")
    unit: Literal["D", "s"] = "D" if bool((days == values)[~missing].all()) else "s"
    text = np.datetime_as_string(values.astype("datetime64[ns]"), unit=unit).astype(object)
    text[missing] = None
    return text


def for_drawing(figure: go.Figure, max_points: int | None = None) -> Drawn:
    """A copy of `figure` with each line of more than `max_points` (default `MAX_POINTS_PER_LINE`)
    points thinned to that many of them and its dates written short (`compact_dates`; `figure` is
    not changed); the figure itself when there is nothing to thin or shorten."""
    total = drawn = 0
    thinned: dict[int, np.ndarray] = {}
    dated: list[int] = []
    for index, trace in enumerate(figure.data):
        length = max(len(trace.x) if trace.x is not None else 0, len(trace.y) if trace.y is not None else 0)
        total += length
        keep = kept_points(trace.x, trace.y, max_points) if _thinnable(trace) else None
        if _is_datetimes(trace.x):
            dated.append(index)
        if keep is None:
            drawn += length
        else:
            thinned[index] = keep
            drawn += len(keep)
    if not thinned and not dated:
        return Drawn(figure, total, total)
    out = go.Figure(figure)  # a deep copy: the downloads read the original
    for index in dated:
        out.data[index].x = compact_dates(out.data[index].x)
    for index, keep in thinned.items():
        trace = out.data[index]
        length = len(trace.y)  # before any attribute is thinned
        for attribute in _PER_POINT:
            values = getattr(trace, attribute)
            if values is None or isinstance(values, str) or np.isscalar(values):
                continue
            values = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
            if len(values) == length:
                trace[attribute] = values[keep]
    return Drawn(out, drawn, total)
