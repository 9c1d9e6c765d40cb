"""`dashboard.downsample.for_drawing`: long lines are drawn with at most MAX_POINTS_PER_LINE of
their own points (first, last, peaks and troughs kept; every drawn point exact, with its own hover
values), everything else is drawn whole, the figure the downloads read keeps every point, and the
payload sent to the browser shrinks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard import chart_export, charts
from dashboard.downsample import MAX_POINTS_PER_LINE, compact_dates, for_drawing, kept_points

DAYS = 1095  # three years, daily


def _daily(platforms: tuple[str, ...] = ("p1", "p2", "p3"), seed: int = 16) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-01-01", periods=DAYS, freq="D").date
    return pd.concat([
        pd.DataFrame({"day": days, "platform_id": p, "open_listings": 500 + rng.integers(-20, 21, DAYS).cumsum()})
        for p in platforms
    ], ignore_index=True)


def test_a_three_year_daily_chart_is_drawn_with_fewer_points_and_downloaded_whole() -> None:
    daily = _daily()
    figure = charts.open_listings_figure(daily, names={"p1": "One", "p2": "Two", "p3": "Three"})
    drawn = for_drawing(figure)
    assert drawn.thinned and drawn.points_total == 3 * DAYS
    assert drawn.points_drawn == 3 * MAX_POINTS_PER_LINE
    assert [len(t.x) for t in figure.data] == [DAYS] * 3, "the figure the downloads read is unchanged"
    assert len(chart_export.figure_data(figure)) == 3 * DAYS
    for full, thin in zip(figure.data, drawn.figure.data, strict=True):
        assert len(thin.x) == len(thin.y) == MAX_POINTS_PER_LINE
        exact = dict(zip(pd.to_datetime(full.x), full.y, strict=True))
        drawn_x = pd.to_datetime(thin.x)  # written short ("2024-01-01"), the same instants
        assert all(exact[x] == y for x, y in zip(drawn_x, thin.y, strict=True)), "every drawn point is a real one"
        assert drawn_x[0] == pd.Timestamp(full.x[0]) and drawn_x[-1] == pd.Timestamp(full.x[-1])
        assert max(thin.y) == max(full.y) and min(thin.y) == min(full.y), "peaks and troughs are kept"
        assert list(drawn_x) == sorted(drawn_x)
        assert thin.name == full.name and thin.hovertemplate == full.hovertemplate
    assert len(pio.to_json(drawn.figure)) < 0.6 * len(pio.to_json(figure))


def test_per_point_hover_values_follow_the_points_kept() -> None:
    x = np.arange(2000, dtype=float)
    y = np.sin(x / 50.0)
    custom = np.stack([x * 10, x * 100], axis=1)
    figure = go.Figure(go.Scatter(x=x, y=y, mode="lines", customdata=custom, hovertext=[f"p{i}" for i in range(2000)]))
    thin = for_drawing(figure, max_points=300).figure.data[0]
    assert len(thin.x) == 300
    for xi, row, text in zip(thin.x, thin.customdata, thin.hovertext, strict=True):
        assert list(row) == [xi * 10, xi * 100] and text == f"p{int(xi)}"


def test_short_lines_markers_bars_and_bands_are_drawn_whole() -> None:
    x = list(range(2000))
    figure = go.Figure([
        go.Scatter(x=x[:400], y=x[:400], mode="lines"),  # short enough
        go.Scatter(x=x, y=x, mode="markers"),  # events, captures: every marker is a fact
        go.Bar(x=x, y=x),
        go.Scatter(x=x, y=x, mode="lines", fill="tonexty"),  # a band edge pairs with the one before
        go.Scatter(x=x, y=x, mode="lines", error_y={"array": [1] * 2000}),
    ])
    drawn = for_drawing(figure)
    assert not drawn.thinned and drawn.figure is figure
    assert drawn.points_drawn == drawn.points_total == 400 + 4 * 2000


def test_lines_that_cannot_be_ordered_are_drawn_whole() -> None:
    assert kept_points(list(range(10)), list(range(10)), max_points=20) is None  # short
    assert kept_points(["a", "b", "c"] * 400, list(range(1200)), max_points=100) is None  # categories
    backwards = list(range(1200, 0, -1))
    assert kept_points(backwards, backwards, max_points=100) is None  # not in x order
    with_gap = [1.0] * 1200
    with_gap[7] = float("nan")
    assert kept_points(list(range(1200)), with_gap, max_points=100) is None


def test_dates_are_sent_short_and_mean_the_same_instants() -> None:
    weeks = pd.date_range("2023-10-30", periods=157, freq="W-MON").to_numpy()
    stamps = np.array(["2024-01-01T08:30:00", "NaT", "2024-01-02T00:00:00"], dtype="datetime64[ns]")
    figure = go.Figure([go.Scatter(x=weeks, y=np.arange(157.0), mode="lines"),
                        go.Scatter(x=stamps, y=[1.0, 2.0, 3.0], mode="markers")])
    drawn = for_drawing(figure)
    weekly, timed = drawn.figure.data
    assert list(weekly.x[:2]) == ["2023-10-30", "2023-11-06"], "a midnight is written as its day"
    assert list(timed.x) == ["2024-01-01T08:30:00", None, "2024-01-02T00:00:00"], "a time keeps its time, a gap stays one"
    assert list(pd.to_datetime(weekly.x)) == list(pd.to_datetime(weeks))
    assert figure.data[0].x.dtype.kind == "M", "the figure the downloads read keeps its dates"
    assert not drawn.thinned and drawn.points_drawn == drawn.points_total == 160
    saved = len(pio.to_json(figure)) - len(pio.to_json(drawn.figure))
    assert saved >= 157 * len("T00:00:00.000000"), "the dates are what shrank"
    assert compact_dates(["2024-01-01"]) is None and compact_dates(np.arange(3)) is None
