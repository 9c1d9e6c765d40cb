"""Chart functions are pure: a DataFrame in, a plotly Figure out, honest about units and counts."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from collectors.reports import delays
from dashboard import charts

NAMES = {"alpha": "Alpha <script>", "beta": "Beta"}


def weekly(platforms: tuple[str, ...] = ("alpha", "beta"), weeks: int = 6) -> pd.DataFrame:
    rows = []
    for index, platform in enumerate(platforms):
        for week in range(weeks):
            median = 20.0 + 10 * index - week
            rows.append({"week_start": pd.Timestamp("2026-01-05") + pd.Timedelta(weeks=week), "platform_id": platform,
                         "currency": "USD", "pay_unit": "hour", "n_listings": 10 + week,
                         "median": median, "p25": median - 2, "p75": median + 3})
    return pd.DataFrame(rows)


def named_traces(fig: go.Figure) -> list[str]:
    return [trace.name for trace in fig.data if trace.showlegend is not False]


def test_pay_trend_has_a_band_and_a_median_per_platform_with_n_in_hover() -> None:
    fig = charts.pay_trend_figure(weekly(), names=NAMES)
    # Names are escaped: plotly renders a subset of HTML in legends, titles and hover text.
    assert named_traces(fig) == ["Alpha &lt;script&gt;", "Beta"]
    medians = [t for t in fig.data if t.name == "Beta"]
    assert list(medians[0].y) == [30.0, 29.0, 28.0, 27.0, 26.0, 25.0]
    assert "n = %{customdata[2]:,} listings" in medians[0].hovertemplate
    bands = [t for t in fig.data if t.fill == "tonexty"]
    assert len(bands) == 2  # one interquartile band per series
    assert all("<script>" not in (t.hovertemplate or "") + (t.name or "") for t in fig.data)
    assert fig.layout.yaxis.title.text == "USD per hour"


def test_minimum_wages_are_steps_in_force_and_events_are_markers() -> None:
    wages = pd.DataFrame({
        "jurisdiction": ["United States (federal)", "United Kingdom", "United Kingdom"],
        "effective_from": pd.to_datetime(["2009-07-24", "2025-04-01", "2026-01-20"]),
        "hourly_value": [7.25, 16.3, 17.0],
    })
    events = pd.DataFrame({"event_date": [pd.Timestamp("2026-01-28"), pd.Timestamp("2020-01-01")],
                           "platform_id": ["alpha", "alpha"], "platform": ["Alpha", "Alpha"],
                           "title": ["Rate cut <b>now</b>", "Too early to show"],
                           "source_url": ["https://example.org/a", "https://example.org/b"]})
    fig = charts.pay_trend_figure(weekly(), names=NAMES, min_wages=wages, events=events)
    us = next(t for t in fig.data if t.name == "Minimum wage: United States (federal)")
    assert us.line.shape == "hv" and list(us.y) == [7.25, 7.25]
    uk = next(t for t in fig.data if t.name == "Minimum wage: United Kingdom")
    # In force at the chart's start (16.3), then the rise of 2026-01-20, held to the end.
    assert list(uk.y) == [16.3, 17.0, 17.0]
    markers = next(t for t in fig.data if t.name == "Platform events (sourced)")
    assert len(markers.x) == 1 and "Rate cut &lt;b&gt;now&lt;/b&gt;" in markers.hovertext[0]
    assert "https://example.org/a" in markers.hovertext[0]


def test_one_panel_per_platform_gives_each_its_own_axis() -> None:
    fig = charts.pay_trend_figure(weekly(), names=NAMES, panels="platform")
    assert {t.yaxis for t in fig.data} == {"y", "y2"}
    titles = [a.text for a in fig.layout.annotations]
    assert "Alpha &lt;script&gt;" in titles and "Beta" in titles


def test_panels_by_measure_share_an_axis_only_within_one_currency_and_unit() -> None:
    wages = pd.DataFrame({"jurisdiction": ["United Kingdom", "United States (federal)"],
                          "effective_from": pd.to_datetime(["2025-04-01", "2009-07-24"]),
                          "hourly_value": [12.21, 7.25], "currency": ["GBP", "USD"]})
    # Hourly USD equivalents are one measure: one axis, no panel titles.
    usd = charts.pay_trend_figure(weekly(), names=NAMES, panels="measure", min_wages=wages)
    assert {t.yaxis for t in usd.data} == {None} and not usd.layout.annotations
    # As listed, each currency is a panel; a minimum wage is drawn only beside figures in its currency.
    listed = pd.concat([weekly(("alpha",)).assign(currency="GBP"), weekly(("beta",))])
    fig = charts.pay_trend_figure(listed, names=NAMES, currency_mode="original", panels="measure", min_wages=wages)
    assert [a.text for a in fig.layout.annotations] == ["GBP per hour", "USD per hour"]
    axis_of = {t.name: t.yaxis for t in fig.data}
    assert axis_of["Alpha &lt;script&gt; · GBP"] == "y" and axis_of["Beta · USD"] == "y2"
    assert axis_of["Minimum wage: United Kingdom"] == "y" and axis_of["Minimum wage: United States (federal)"] == "y2"
    # Per-unit pay: a panel per currency and unit, every platform paying in that unit on its axis.
    units = pd.concat([weekly().assign(pay_unit="task", median=0.1, p25=0.08, p75=0.12),
                       weekly(("beta",)).assign(pay_unit="minute", median=0.5, p25=0.4, p75=0.6)])
    fig = charts.unit_pay_figure(units, names=NAMES, panels="measure")
    assert [a.text for a in fig.layout.annotations] == ["USD per minute", "USD per task"]
    axis_of = {t.name: t.yaxis for t in fig.data if t.showlegend is not False}
    assert axis_of == {"Beta · USD per minute": "y", "Alpha &lt;script&gt; · USD per task": "y2",
                       "Beta · USD per task": "y2"}


def test_original_currency_and_per_unit_series_say_their_unit() -> None:
    frame = weekly(("alpha",)).assign(currency="GBP")
    fig = charts.pay_trend_figure(frame, names=NAMES, currency_mode="original")
    assert named_traces(fig) == ["Alpha &lt;script&gt; · GBP"] and "own currency" in fig.layout.yaxis.title.text
    units = weekly(("beta",)).assign(pay_unit="task", median=0.1, p25=0.08, p75=0.12)
    fig = charts.unit_pay_figure(units, names=NAMES)
    assert named_traces(fig) == ["Beta · USD per task"]
    assert "not convertible to hourly" in fig.layout.title.text


def test_empty_inputs_give_a_figure_that_says_why() -> None:
    for fig in (
        charts.pay_trend_figure(weekly().iloc[0:0], names=NAMES),
        charts.open_listings_figure(pd.DataFrame(columns=["day", "platform_id", "open_listings"]), names=NAMES),
        charts.index_figure(pd.DataFrame(columns=["week_start", "platform_id", "index_value"]), names=NAMES),
        charts.km_figure(pd.DataFrame(columns=["platform_id", "days", "survival"]), names=NAMES),
    ):
        assert len(fig.data) == 0 and fig.layout.annotations and fig.layout.annotations[0].text


def test_availability_charts() -> None:
    daily = pd.DataFrame({"day": pd.date_range("2026-01-01", periods=4), "platform_id": "alpha",
                          "open_listings": [5, 6, 6, 4]})
    fig = charts.open_listings_figure(daily, names=NAMES)
    assert list(fig.data[0].y) == [5, 6, 6, 4]
    flows = pd.DataFrame({"week_start": [pd.Timestamp("2026-01-05")], "platform_id": ["beta"],
                          "new_listings": [7], "closed_listings": [3]})
    fig = charts.flows_figure(flows, names=NAMES)
    assert [list(t.y) for t in fig.data] == [[7], [-3]] and fig.layout.barmode == "relative"
    assert {t.type for t in fig.data} == {"bar"} and list(fig.data[1].customdata) == [3]
    # Years of weeks: stacked steps, one shape per platform and direction, with the same counts.
    weeks = pd.date_range("2024-01-01", periods=charts.FLOW_STEPS_FROM_WEEKS, freq="W-MON")
    many = pd.concat([pd.DataFrame({"week_start": weeks, "platform_id": p, "new_listings": 2 + i,
                                    "closed_listings": 1}) for i, p in enumerate(("alpha", "beta"))])
    fig = charts.flows_figure(many, names=NAMES)
    assert [t.type for t in fig.data] == ["scatter"] * 4 and not fig.layout.barmode
    assert [t.stackgroup for t in fig.data] == ["new", "closed", "new", "closed"]
    assert set(fig.data[2].y) == {3} and set(fig.data[3].y) == {-1} and set(fig.data[3].customdata) == {1}
    assert all(t.line.shape == "hvh" for t in fig.data)
    index = pd.DataFrame({"week_start": [pd.Timestamp("2026-01-05")], "platform_id": ["alpha"],
                          "index_value": [104.0], "mean_open_listings": [5.2]})
    fig = charts.index_figure(index, names=NAMES)
    assert any(shape.y0 == 100 for shape in fig.layout.shapes)
    lifetimes = pd.DataFrame({"platform_id": ["alpha"], "median_lifetime_days": [10.0], "p25_lifetime_days": [4.0],
                              "p75_lifetime_days": [20.0], "n_closed": [12], "n_open": [3]})
    fig = charts.lifetime_figure(lifetimes, names=NAMES)
    assert list(fig.data[0].error_x.array) == [10.0] and list(fig.data[0].error_x.arrayminus) == [6.0]
    signals = pd.DataFrame({"week_start": [pd.Timestamp("2026-01-05")] * 2, "platform_id": ["alpha", "beta"],
                            "signal": ["empty_queue", "late_payment"], "n_posts": [4, 2]})
    fig = charts.forum_signals_figure(signals, names=NAMES, signal="empty_queue")
    assert len(fig.data) == 1 and list(fig.data[0].y) == [4]


def test_delay_charts_use_the_delays_module_output_and_leave_suppressed_groups_out() -> None:
    reports = pd.DataFrame({
        "platform_id": ["alpha"] * 6 + ["beta"] * 2,
        "followup_days": [5, 10, 15, 20, 40, 60, 3, 4],
        "paid_in_full": [True, True, True, True, False, False, True, True],
        "expected_pay_month": pd.to_datetime(["2026-01-01"] * 8),
    })
    curves = delays.km_curves(reports)
    fig = charts.km_figure(curves, names=NAMES)
    assert [t.name for t in fig.data if t.showlegend is not False] == ["Alpha &lt;script&gt;"]
    assert fig.layout.yaxis.tickformat == ".0%"
    summary = delays.delay_summary(reports, "platform_id")
    fig = charts.median_delay_figure(summary, names=NAMES)
    # Paid on days 5, 10, 15, 20 of six: half are paid by day 15.
    assert list(fig.data[0].y) == ["Alpha &lt;script&gt;"] and list(fig.data[0].x) == [15.0]
    by_month = delays.delay_summary(reports.assign(month="2026-01"), ["platform_id", "month"])
    fig = charts.unpaid_share_figure(by_month, names=NAMES, days=30)
    assert len(fig.data) == 1 and fig.data[0].name == "Alpha &lt;script&gt;"


def test_colours_are_stable_per_platform() -> None:
    assert charts.platform_colors(["b", "a"]) == charts.platform_colors(["a", "b"])
    assert len(set(charts.platform_colors([f"p{i}" for i in range(8)]).values())) == 8
