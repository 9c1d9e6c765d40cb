"""Chart functions: a DataFrame in, a plotly Figure out. No Streamlit and no SQL here.

Every chart puts the count behind each point in its hover text, keeps its legend below the plot
(readable on a phone), and says in the axis title what unit it shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Literal

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from dashboard import i18n
from dashboard.i18n import _, ngettext

PALETTE = qualitative.Safe + qualitative.Vivid
HEIGHT = 430
MIN_WAGE_COLOR = "#6b6b6b"
EVENT_COLOR = "#b23a48"
DASHES = ("solid", "dot", "dash", "dashdot")
# How the pay charts are split: None one axis, "measure" a panel per currency and unit,
# "platform" a panel per platform.
PanelBy = Literal["measure", "platform"] | None


def platform_colors(platform_ids: Iterable[str]) -> dict[str, str]:
    """A stable colour per platform (sorted ids take the palette in turn)."""
    return {pid: PALETTE[i % len(PALETTE)] for i, pid in enumerate(sorted(set(platform_ids)))}


def _rgba(color: str, alpha: float) -> str:
    """`#rrggbb` or `rgb(r, g, b)` as an rgba() string with `alpha`."""
    color = color.strip()
    if color.startswith("#") and len(color) == 7:
        r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    elif color.startswith("rgb"):
        r, g, b = (int(float(x)) for x in color[color.index("(") + 1 : color.index(")")].split(",")[:3])
    else:
        return color
    return f"rgba({r}, {g}, {b}, {alpha})"


def _layout(fig: go.Figure, *, title: str, y_title: str, x_title: str = "", height: int = HEIGHT) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        height=height,
        margin={"l": 10, "r": 10, "t": 56, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.16, "xanchor": "left", "x": 0},
        hovermode="closest",
        yaxis_title=y_title,
        xaxis_title=x_title,
        separators=i18n.plotly_separators(i18n.current()),  # the language explicitly: i18n.locale caches its argument
    )
    return fig


def empty_figure(message: str, *, title: str = "") -> go.Figure:
    """A blank chart that says why it is blank."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title=title, y_title="", height=240)


def _by_platform(frame: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame]]:
    for key, part in frame.groupby("platform_id", sort=True):
        yield str(key), part


def _name(names: Mapping[str, str], platform_id: str) -> str:
    """A platform's display name, escaped: plotly renders a subset of HTML in names and labels."""
    return _escape(names.get(platform_id, platform_id))


def quantile_band_figure(
    weekly: pd.DataFrame,
    *,
    names: Mapping[str, str],
    title: str,
    y_title: str,
    series_label: str = "{platform}",
    min_wages: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    panels: PanelBy = None,
    panel_label: str = "{currency} per {pay_unit}",
) -> go.Figure:
    """Weekly medians with an interquartile band, one series per platform (and currency/unit).

    `weekly`: week_start, platform_id, median, p25, p75, n_listings, and optionally currency and
    pay_unit (used in `series_label`, e.g. "{platform} · {currency} per {pay_unit}").
    `min_wages`: jurisdiction, effective_from, hourly_value, and optionally currency (step lines,
    in force from each date; with panels by measure, each in its own currency's panels).
    `events`: event_date, title, platform, platform_id, source_url (markers with hover text; with
    panels by platform, each panel shows its platform's events and those naming no platform).
    `panels`: None draws every series on one axis; "measure" gives each currency and unit a panel
    of its own (titled by `panel_label`), so that only figures in one unit share an axis; "platform"
    gives each platform a panel, each with its own y axis, so that a $15 series is not flattened
    by a $90 one. A single panel is drawn as one axis.
    """
    if weekly.empty:
        return empty_figure(_("No listings match these filters."), title=title)
    frame = weekly.copy()
    for column in ("currency", "pay_unit"):
        if column not in frame:
            frame[column] = ""
    frame["week_start"] = pd.to_datetime(frame["week_start"])
    colors = platform_colors(frame["platform_id"])
    panel_of, titles = _panels(frame, names, panels, panel_label)
    n_panels = len(titles)
    if n_panels > 1:
        fig = make_subplots(
            rows=n_panels, cols=1, shared_xaxes=True, vertical_spacing=min(0.08, 0.5 / n_panels),
            subplot_titles=titles,
        )
    else:
        fig = go.Figure()
    x_min, x_max = frame["week_start"].min(), frame["week_start"].max()
    keys = ["platform_id", "currency", "pay_unit"]
    seen_per_platform: dict[str, int] = {}
    for group_key, series in frame.groupby(keys, sort=True):
        platform_id, currency, unit = (str(part) for part in group_key)
        row = panel_of[(platform_id, currency, unit)] + 1 if n_panels > 1 else None
        # Several series of one platform (currencies, units) share its colour and differ in dash.
        dash = DASHES[seen_per_platform.get(platform_id, 0) % len(DASHES)]
        seen_per_platform[platform_id] = seen_per_platform.get(platform_id, 0) + 1
        series = series.sort_values("week_start")
        label = series_label.format(platform=_name(names, platform_id), currency=_escape(currency), pay_unit=_escape(unit))
        color = colors[platform_id]
        group = f"{platform_id}|{currency}|{unit}"
        where = {"row": row, "col": 1} if row else {}
        fig.add_trace(go.Scatter(
            x=series["week_start"], y=series["p75"], mode="lines", line={"width": 0},
            legendgroup=group, showlegend=False, hoverinfo="skip", name=_("{label} 75th percentile").format(label=label),
        ), **where)
        fig.add_trace(go.Scatter(
            x=series["week_start"], y=series["p25"], mode="lines", line={"width": 0},
            fill="tonexty", fillcolor=_rgba(color, 0.16), legendgroup=group, showlegend=False,
            hoverinfo="skip", name=_("{label} interquartile range").format(label=label),
        ), **where)
        fig.add_trace(go.Scatter(
            x=series["week_start"], y=series["median"], mode="lines", name=label,
            legendgroup=group,
            line={"color": color, "width": 2.5, "dash": dash},
            customdata=series[["p25", "p75", "n_listings"]].to_numpy(),
            hovertemplate=_(
                "<b>{label}</b><br>week of %{{x|%Y-%m-%d}}<br>median %{{y:,.2f}}"
                "<br>middle half %{{customdata[0]:,.2f}} – %{{customdata[1]:,.2f}}"
                "<br>n = %{{customdata[2]:,}} listings"
            ).format(label=label) + "<extra></extra>",
        ), **where)
    series_keys = list(zip(frame["platform_id"].astype(str), frame["currency"].astype(str),
                           frame["pay_unit"].astype(str), strict=True))
    panel_rows = pd.Series([panel_of[key] for key in series_keys], index=frame.index)
    wages_drawn = False
    for index in range(n_panels):
        row = index + 1 if n_panels > 1 else None
        mine = frame[panel_rows == index]
        if min_wages is not None and not min_wages.empty:
            wages = min_wages
            if panels == "measure" and "currency" in min_wages and n_panels > 1:
                # Each wage in the panels of its own currency: a GBP minimum beside USD figures misleads.
                wages = min_wages[min_wages["currency"].isin(set(mine["currency"]))]
            if not wages.empty:
                _add_minimum_wages(fig, wages, x_min, x_max, row=row, legend=not wages_drawn)
                wages_drawn = True
        if events is not None and not events.empty:
            shown = events
            if panels == "platform" and row is not None and "platform_id" in events:
                shown = events[events["platform_id"].isna() | events["platform_id"].isin(set(mine["platform_id"]))]
            top = float(pd.concat([mine["p75"], mine["median"]]).max())
            _add_events(fig, shown, x_min, x_max, y=top * 1.06 if top > 0 else 1.0, row=row, legend=index == 0)
    height = HEIGHT if n_panels == 1 else 120 + 230 * n_panels
    fig = _layout(fig, title=title, y_title="" if n_panels > 1 else y_title, height=height)
    if n_panels > 1:
        fig.update_yaxes(rangemode="tozero", title_text=y_title, title_font_size=11)
    return fig


def _panels(
    frame: pd.DataFrame, names: Mapping[str, str], panels: PanelBy, panel_label: str
) -> tuple[dict[tuple[str, str, str], int], list[str]]:
    """Which panel (0-based) each series (platform_id, currency, pay_unit) is drawn in, and the
    panels' titles (one title: one axis)."""
    keys = sorted({(str(p), str(c), str(u)) for p, c, u in zip(
        frame["platform_id"], frame["currency"], frame["pay_unit"], strict=True)})
    if panels == "platform":
        order = sorted({p for p, _, _ in keys}, key=lambda p: _name(names, p).lower())
        return {key: order.index(key[0]) for key in keys}, [_name(names, p) for p in order]
    if panels == "measure":
        measures = sorted({(c, u) for _, c, u in keys})
        titles = [panel_label.format(currency=_escape(c), pay_unit=_escape(u)).strip(" ·") for c, u in measures]
        return {key: measures.index(key[1:]) for key in keys}, titles
    return {key: 0 for key in keys}, [""]


def _escape(text: object) -> str:
    """Plotly renders a subset of HTML in hover text and titles: keep data inert."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _add_minimum_wages(
    fig: go.Figure, min_wages: pd.DataFrame, x_min: pd.Timestamp, x_max: pd.Timestamp,
    *, row: int | None = None, legend: bool = True,
) -> None:
    wages = min_wages.dropna(subset=["hourly_value"]).copy()
    wages["effective_from"] = pd.to_datetime(wages["effective_from"])
    where = {"row": row, "col": 1} if row else {}
    for dash, (jurisdiction, rows) in zip(
        ["dash", "dot", "longdash", "dashdot", "longdashdot"] * 10, wages.groupby("jurisdiction", sort=True), strict=False
    ):
        rows = rows.sort_values("effective_from")
        in_force = rows[rows["effective_from"] <= x_min].tail(1)
        later = rows[(rows["effective_from"] > x_min) & (rows["effective_from"] <= x_max)]
        steps = pd.concat([in_force.assign(effective_from=x_min), later])
        if steps.empty:
            continue
        xs = [*steps["effective_from"], x_max]
        ys = [*steps["hourly_value"], steps["hourly_value"].iloc[-1]]
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", line={"shape": "hv", "color": MIN_WAGE_COLOR, "width": 1.3, "dash": dash},
            name=_("Minimum wage: {jurisdiction}").format(jurisdiction=_escape(jurisdiction)),
            legendgroup=f"wage|{jurisdiction}", showlegend=legend,
            hovertemplate=_("{jurisdiction}<br>%{{y:,.2f}} per hour from %{{x|%Y-%m-%d}}").format(
                jurisdiction=_escape(jurisdiction)) + "<extra></extra>",
        ), **where)


def _add_events(
    fig: go.Figure, events: pd.DataFrame, x_min: pd.Timestamp, x_max: pd.Timestamp, *, y: float,
    row: int | None = None, legend: bool = True,
) -> None:
    shown = events.copy()
    shown["event_date"] = pd.to_datetime(shown["event_date"])
    shown = shown[(shown["event_date"] >= x_min) & (shown["event_date"] <= x_max)]
    if shown.empty:
        return
    where = {"row": row, "col": 1} if row else {}
    for when in shown["event_date"].unique():
        fig.add_vline(x=pd.Timestamp(when), line={"color": EVENT_COLOR, "width": 1, "dash": "dot"}, opacity=0.6, **where)
    hover = [
        _("<b>{date}</b> · {platform}<br>{title}<br>source: {url}").format(
            date=f"{d:%Y-%m-%d}", platform=_escape(p), title=_escape(t), url=_escape(u))
        for d, p, t, u in zip(shown["event_date"], shown["platform"], shown["title"], shown["source_url"], strict=True)
    ]
    fig.add_trace(go.Scatter(
        x=shown["event_date"], y=[y] * len(shown), mode="markers", name=_("Platform events (sourced)"),
        marker={"symbol": "diamond", "size": 11, "color": EVENT_COLOR}, legendgroup="events", showlegend=legend,
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
    ), **where)


def pay_trend_figure(
    weekly: pd.DataFrame,
    *,
    names: Mapping[str, str],
    currency_mode: str = "usd",
    min_wages: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    panels: PanelBy = None,
) -> go.Figure:
    """Weekly median advertised hourly pay per platform, with the middle half of listings shaded.
    With panels by measure, one panel per currency ("As listed"); in USD equivalent, one axis."""
    if currency_mode == "original":
        return quantile_band_figure(
            weekly, names=names, title=_("Advertised hourly pay, in the currency listed"),
            y_title=_("per hour, own currency"), series_label="{platform} · {currency}",
            min_wages=min_wages, events=events, panels=panels,
            # Translators: the title of a panel of pay in one currency and unit, e.g. "GBP per hour".
            panel_label=_("{currency} per {pay_unit}"),
        )
    return quantile_band_figure(
        weekly, names=names, title=_("Median advertised hourly pay (USD equivalent)"),
        y_title=_("USD per hour"), min_wages=min_wages, events=events, panels=panels,
    )


def unit_pay_figure(weekly: pd.DataFrame, *, names: Mapping[str, str], panels: PanelBy = None) -> go.Figure:
    """Per-task, per-item and per-minute pay, each in its own unit and currency (never hourly).
    With panels by measure, one panel per currency and unit."""
    return quantile_band_figure(
        weekly, names=names, title=_("Per-unit pay (not convertible to hourly)"),
        y_title=_("pay per unit, own currency"),
        # Translators: a series of the per-unit pay chart, e.g. "Scale AI · USD per task".
        series_label=_("{platform} · {currency} per {pay_unit}"),
        panels=panels, panel_label=_("{currency} per {pay_unit}"),
    )


def open_listings_figure(daily: pd.DataFrame, *, names: Mapping[str, str]) -> go.Figure:
    """Open listings at the end of each day, per platform."""
    title = _("Open listings per day")
    if daily.empty:
        return empty_figure(_("No listings match these filters."), title=title)
    frame = daily.assign(day=pd.to_datetime(daily["day"]))
    colors = platform_colors(frame["platform_id"])
    fig = go.Figure()
    for platform_id, series in _by_platform(frame):
        fig.add_trace(go.Scatter(
            x=series["day"], y=series["open_listings"], mode="lines", name=_name(names, platform_id),
            line={"color": colors[platform_id], "width": 2},
            hovertemplate=_("{name}<br>%{{x|%Y-%m-%d}}: %{{y:,}} open listings").format(
                name=_name(names, platform_id)) + "<extra></extra>",
        ))
    return _layout(fig, title=title, y_title=_("open listings"))


# From about half a year of weeks, a bar a week is a sliver a few pixels wide and thousands of them
# (one per platform and week, up and down) are slow to draw: the weeks are drawn as stacked steps,
# one shape per platform and direction, with the same counts. Fewer weeks stay bars.
FLOW_STEPS_FROM_WEEKS = 27


def flows_figure(flows: pd.DataFrame, *, names: Mapping[str, str]) -> go.Figure:
    """New listings (up) and closed listings (down) per week, per platform: stacked bars, or
    stacked steps centred on each week from `FLOW_STEPS_FROM_WEEKS` weeks on."""
    title = _("New and closed listings per week")
    if flows.empty:
        return empty_figure(_("No listings match these filters."), title=title)
    frame = flows.assign(week_start=pd.to_datetime(flows["week_start"]))
    colors = platform_colors(frame["platform_id"])
    steps = frame["week_start"].nunique() >= FLOW_STEPS_FROM_WEEKS
    fig = go.Figure()
    for platform_id, series in _by_platform(frame):
        name = _name(names, platform_id)
        for direction, values, color, label, hover in (
            ("new", series["new_listings"], colors[platform_id], _("{name}: new"),
             _("{name}<br>week of %{{x|%Y-%m-%d}}: %{{customdata:,}} new")),
            ("closed", -series["closed_listings"], _rgba(colors[platform_id], 0.45), _("{name}: closed"),
             _("{name}<br>week of %{{x|%Y-%m-%d}}: %{{customdata:,}} closed")),
        ):
            drawn = {
                "x": series["week_start"], "y": values, "name": label.format(name=name), "legendgroup": platform_id,
                "customdata": values.abs(), "hovertemplate": hover.format(name=name) + "<extra></extra>",
            }
            if steps:
                fig.add_trace(go.Scatter(**drawn, mode="lines", stackgroup=direction, fillcolor=color,
                                         line={"shape": "hvh", "width": 0.5, "color": color}))
            else:
                fig.add_trace(go.Bar(**drawn, marker_color=color))
    if not steps:
        fig.update_layout(barmode="relative", bargap=0.1)
    return _layout(fig, title=title, y_title=_("listings (closed shown below zero)"))


def index_figure(index: pd.DataFrame, *, names: Mapping[str, str]) -> go.Figure:
    """Weekly open listings as an index, 100 = each platform's first four complete weeks."""
    title = _("Open listings index (100 = first four complete weeks)")
    if index.empty:
        return empty_figure(_("Not enough complete weeks yet to set a baseline."), title=title)
    frame = index.assign(week_start=pd.to_datetime(index["week_start"]))
    colors = platform_colors(frame["platform_id"])
    fig = go.Figure()
    for platform_id, series in _by_platform(frame):
        name = _name(names, platform_id)
        fig.add_trace(go.Scatter(
            x=series["week_start"], y=series["index_value"], mode="lines", name=name,
            line={"color": colors[platform_id], "width": 2},
            customdata=series[["mean_open_listings"]].to_numpy(),
            hovertemplate=_("{name}<br>week of %{{x|%Y-%m-%d}}: index %{{y:.0f}}"
                            "<br>mean open listings %{{customdata[0]:,.1f}}").format(name=name) + "<extra></extra>",
        ))
    fig.add_hline(y=100, line={"color": MIN_WAGE_COLOR, "dash": "dash", "width": 1})
    return _layout(fig, title=title, y_title=_("index (baseline = 100)"))


def lifetime_figure(lifetimes: pd.DataFrame, *, names: Mapping[str, str]) -> go.Figure:
    """Median days a listing stays up (closed listings), with the middle half as error bars."""
    title = _("Median listing lifetime (closed listings)")
    frame = lifetimes.dropna(subset=["median_lifetime_days"]) if not lifetimes.empty else lifetimes
    if frame.empty:
        return empty_figure(_("No listing has closed yet."), title=title)
    frame = frame.assign(name=[_name(names, p) for p in frame["platform_id"]]).sort_values("name")
    colors = platform_colors(frame["platform_id"])
    fig = go.Figure(go.Bar(
        x=frame["median_lifetime_days"], y=frame["name"], orientation="h",
        marker_color=[colors[p] for p in frame["platform_id"]],
        error_x={"type": "data", "symmetric": False,
                 "array": frame["p75_lifetime_days"] - frame["median_lifetime_days"],
                 "arrayminus": frame["median_lifetime_days"] - frame["p25_lifetime_days"]},
        customdata=frame[["n_closed", "p25_lifetime_days", "p75_lifetime_days"]].to_numpy(),
        hovertemplate=_("%{y}<br>median %{x:.1f} days (middle half %{customdata[1]:.1f}–%{customdata[2]:.1f})"
                        "<br>n = %{customdata[0]:,} closed listings") + "<extra></extra>",
    ))
    return _layout(fig, title=title, y_title="", x_title=_("days from first seen to closed"),
                   height=max(240, 70 * len(frame) + 110))


def forum_signals_figure(signals: pd.DataFrame, *, names: Mapping[str, str], signal: str) -> go.Figure:
    """Forum posts per week that carry `signal`, stacked by platform."""
    title = _("Forum posts signalling “{signal}” per week").format(signal=signal.replace("_", " "))
    frame = signals[signals["signal"] == signal] if not signals.empty else signals
    if frame.empty:
        return empty_figure(_("No forum posts carry this signal."), title=title)
    frame = frame.assign(week_start=pd.to_datetime(frame["week_start"]))
    colors = platform_colors(frame["platform_id"])
    fig = go.Figure()
    for platform_id, series in _by_platform(frame):
        name = _name(names, platform_id)
        fig.add_trace(go.Bar(
            x=series["week_start"], y=series["n_posts"], name=name,
            marker_color=colors.get(platform_id, MIN_WAGE_COLOR),
            hovertemplate=_("{name}<br>week of %{{x|%Y-%m-%d}}: %{{y:,}} posts").format(name=name) + "<extra></extra>",
        ))
    fig.update_layout(barmode="stack")
    return _layout(fig, title=title, y_title=_("posts"))


def km_figure(curves: pd.DataFrame, *, names: Mapping[str, str], marks: Iterable[int] = (30, 60, 90)) -> go.Figure:
    """Kaplan-Meier curves: share of reports still unpaid, by days since the expected pay date.

    `curves` (as `collectors.reports.delays.km_curves` returns them): platform_id, days, survival,
    ci_lower, ci_upper, at_risk.
    """
    title = _("Still unpaid, by days after the expected pay date (Kaplan-Meier)")
    if curves.empty:
        return empty_figure(_("No group has enough reports to draw a curve."), title=title)
    colors = platform_colors(curves["platform_id"])
    fig = go.Figure()
    for platform_id, series in _by_platform(curves):
        series = series.sort_values("days")
        name = _name(names, platform_id)
        color = colors[platform_id]
        if {"ci_lower", "ci_upper"} <= set(series.columns) and series["ci_lower"].notna().any():
            fig.add_trace(go.Scatter(x=series["days"], y=series["ci_upper"], mode="lines", line={"width": 0, "shape": "hv"},
                                     legendgroup=platform_id, showlegend=False, hoverinfo="skip"))
            fig.add_trace(go.Scatter(x=series["days"], y=series["ci_lower"], mode="lines", line={"width": 0, "shape": "hv"},
                                     fill="tonexty", fillcolor=_rgba(color, 0.14), legendgroup=platform_id,
                                     showlegend=False, hoverinfo="skip"))
        at_risk = series["at_risk"] if "at_risk" in series else pd.Series([None] * len(series), index=series.index)
        fig.add_trace(go.Scatter(
            x=series["days"], y=series["survival"], mode="lines", name=name, legendgroup=platform_id,
            line={"shape": "hv", "color": color, "width": 2.5}, customdata=at_risk.to_numpy(),
            hovertemplate=_("{name}<br>day %{{x}}: %{{y:.0%}} still unpaid<br>at risk: %{{customdata}}").format(name=name)
            + "<extra></extra>",
        ))
    for mark in marks:
        fig.add_vline(x=mark, line={"color": MIN_WAGE_COLOR, "dash": "dot", "width": 1})
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return _layout(fig, title=title, y_title=_("share of reports still unpaid"),
                   x_title=_("days after the expected pay date"))


def median_delay_figure(summary: pd.DataFrame, *, names: Mapping[str, str]) -> go.Figure:
    """Median days late per group with its confidence interval (suppressed groups left out).

    `summary` (as `delays.delay_summary` returns it): platform_id, median_days_late,
    median_ci_low, median_ci_high, n_reports; suppressed rows have no median and are left out.
    """
    title = _("Median days late (95% interval)")
    frame = summary.dropna(subset=["median_days_late"]) if not summary.empty else summary
    if frame.empty:
        return empty_figure(_("No group has enough reports (5 or more) to show a median."), title=title)
    frame = frame.assign(name=[_name(names, p) for p in frame["platform_id"]]).sort_values("name")
    colors = platform_colors(frame["platform_id"])
    frame = frame.astype({"median_days_late": float, "median_ci_low": float, "median_ci_high": float})
    high = (frame["median_ci_high"] - frame["median_days_late"]).fillna(0)
    low = (frame["median_days_late"] - frame["median_ci_low"]).fillna(0)
    fig = go.Figure(go.Scatter(
        x=frame["median_days_late"], y=frame["name"], mode="markers",
        marker={"size": 13, "color": [colors[p] for p in frame["platform_id"]]},
        error_x={"type": "data", "symmetric": False, "array": high, "arrayminus": low},
        customdata=frame[["n_reports", "median_ci_low", "median_ci_high"]].to_numpy(),
        hovertemplate=_("%{y}<br>median %{x:.0f} days late<br>95% interval %{customdata[1]:.0f}–%{customdata[2]:.0f}"
                        "<br>n = %{customdata[0]} reports") + "<extra></extra>",
    ))
    return _layout(fig, title=title, y_title="", x_title=_("days late (median)"), height=max(240, 70 * len(frame) + 110))


def unpaid_share_figure(by_month: pd.DataFrame, *, names: Mapping[str, str], days: int) -> go.Figure:
    """Share of reports still unpaid `days` after the expected date, by month of expected pay.

    `by_month` (`delays.delay_summary` by platform and month): month, platform_id, n_reports and
    `unpaid_after_{days}d` (empty for suppressed groups and where follow-up is too short).
    """
    title = _("Share still unpaid after {days} days, by month the pay was due").format(days=days)
    column = f"unpaid_after_{days}d"
    frame = by_month.dropna(subset=[column]) if not by_month.empty else by_month
    if frame.empty:
        return empty_figure(_("No month has enough reports (5 or more) to show a share."), title=title)
    frame = frame.assign(month=pd.to_datetime(frame["month"]), share=frame[column].astype(float))
    colors = platform_colors(frame["platform_id"])
    fig = go.Figure()
    for platform_id, series in _by_platform(frame):
        name = _name(names, platform_id)
        fig.add_trace(go.Scatter(
            x=series["month"], y=series["share"], mode="lines+markers", name=name,
            line={"color": colors[platform_id]}, customdata=series["n_reports"],
            hovertemplate=_("{name}<br>%{{x|%Y-%m}}: %{{y:.0%}} unpaid<br>n = %{{customdata}} reports").format(name=name)
            + "<extra></extra>",
        ))
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    return _layout(fig, title=title, y_title=_("still unpaid after {days} days").format(days=days))


REFERENCE_LINE_COLOR = "#8c6d1f"


def add_reference_lines(fig: go.Figure, lines: pd.DataFrame) -> go.Figure:
    """Flat, labelled reference lines across every panel (performers' union scale rates).

    `lines`: label, hourly_value. Each is drawn as a dotted horizontal line with its label; the
    label says what the line is, so it is never mistaken for a minimum wage or a platform.
    """
    shown = lines.dropna(subset=["hourly_value"])
    for label, value in zip(shown["label"].tolist(), shown["hourly_value"].tolist(), strict=True):
        kwargs = {
            "y": float(value), "line": {"color": REFERENCE_LINE_COLOR, "width": 1.2, "dash": "dot"},
            "annotation_text": _escape(label), "annotation_position": "top left",  # i18n-ignore: plotly option
            "annotation_font": {"size": 10, "color": REFERENCE_LINE_COLOR},
        }
        try:
            fig.add_hline(row="all", col="all", exclude_empty_subplots=False, **kwargs)
        except Exception:  # plotly refuses row/col on a figure made without make_subplots
            fig.add_hline(**kwargs)
    return fig


ARCHIVE_COLOR = "#5b5b5b"


def add_archive_captures(fig: go.Figure, captures: pd.DataFrame, *, names: Mapping[str, str]) -> go.Figure:
    """Mark what rests on backfilled captures: a shaded span up to live collection, and a marker
    per capture (legend "from web-archive captures, n captures"; hover: when, what, its link).

    `captures`: captured_at, platform_id, capture_kind (archive | git), link, and live_from (when
    live collection of that source began; NaT when it has not). A figure drawn from no capture is
    returned as it was.
    """
    if captures.empty or not fig.data:
        return fig
    frame = captures.assign(captured_at=pd.to_datetime(captures["captured_at"]),
                            live_from=pd.to_datetime(captures["live_from"]))
    subplots = getattr(fig, "_grid_ref", None) is not None
    where = {"row": 1, "col": 1} if subplots else {}
    start = frame["captured_at"].min()
    live = frame["live_from"].dropna()
    end = live.min() if not live.empty else frame["captured_at"].max()
    if end > start:
        span = {"row": "all", "col": "all"} if subplots else {}
        fig.add_vrect(x0=start, x1=end, fillcolor=ARCHIVE_COLOR, opacity=0.08, line_width=0, layer="below", **span)
    # On the floor of the data drawn, so an index near 100 is not squashed down to zero.
    floors = [pd.to_numeric(pd.Series(trace.y), errors="coerce").min() for trace in fig.data
              if getattr(trace, "y", None) is not None and len(trace.y)]
    floor = min((float(v) for v in floors if pd.notna(v)), default=0.0)
    web = frame[frame["capture_kind"] == "archive"]
    git = frame[frame["capture_kind"] == "git"]
    for part, label, what, symbol in (
        # Translators: a legend entry; English keeps one form for every count (a published format),
        # your language may give the singular its own form.
        (web, ngettext("from web-archive captures, {n} captures", "from web-archive captures, {n} captures",
                       len(web)).format(n=i18n.number(len(web), language=i18n.current())), _("from web-archive captures"), "triangle-up-open"),
        # Translators: a legend entry; English keeps one form for every count.
        (git, ngettext("from git-scraped archives, {n} commits", "from git-scraped archives, {n} commits",
                       len(git)).format(n=i18n.number(len(git), language=i18n.current())), _("from git-scraped archives"), "square-open"),
    ):
        if part.empty:
            continue
        hover = [
            f"<b>{what}</b><br>{when:%Y-%m-%d %H:%M} UTC · {_name(names, str(pid))}<br>{_escape(link)}"
            for when, pid, link in zip(part["captured_at"], part["platform_id"], part["link"], strict=True)
        ]
        fig.add_trace(go.Scatter(
            x=part["captured_at"], y=[floor] * len(part), mode="markers", name=label,
            marker={"symbol": symbol, "size": 9, "color": ARCHIVE_COLOR}, legendgroup="captures",
            customdata=part[["link"]].to_numpy(), hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        ), **where)
    return fig


BREAK_COLOR = "#8a5a00"


def add_collection_breaks(fig: go.Figure, breaks: pd.DataFrame) -> go.Figure:
    """Mark collection breaks (events of kind "collection": a source added or stopped, an outage,
    a backfill) on a time chart: a dashed line in every panel and a hoverable marker at zero, so
    that a jump caused by the collectors is not read as a change on the platform."""
    if breaks.empty or not fig.data:
        return fig
    when = pd.to_datetime(breaks["event_date"])
    times = [pd.Series(list(trace.x)) for trace in fig.data if trace.x is not None and len(trace.x)]
    times = [x for x in times if pd.api.types.is_datetime64_any_dtype(x)]
    if not times:
        return fig
    x_min, x_max = min(x.min() for x in times), max(x.max() for x in times)
    shown = breaks[(when >= x_min) & (when <= x_max)].assign(event_date=when)
    if shown.empty:
        return fig
    subplots = getattr(fig, "_grid_ref", None) is not None
    for day in shown["event_date"].unique():
        where = {"row": "all", "col": 1} if subplots else {}
        fig.add_vline(x=pd.Timestamp(day), line={"color": BREAK_COLOR, "width": 1, "dash": "dash"}, opacity=0.5, **where)
    hover = [_("<b>{date}</b> · collection break · {platform}<br>{title}").format(
                 date=f"{d:%Y-%m-%d}", platform=_escape(p), title=_escape(t))
             for d, p, t in zip(shown["event_date"], shown["platform"], shown["title"], strict=True)]
    fig.add_trace(go.Scatter(
        x=shown["event_date"], y=[0] * len(shown), mode="markers", name=_("Collection breaks"),
        marker={"symbol": "triangle-up", "size": 10, "color": BREAK_COLOR}, legendgroup="breaks",
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
    ))
    return fig


def median_range_figure(figures: pd.DataFrame, *, names: Mapping[str, str]) -> go.Figure:
    """Median days from due date to payment per platform as the range the interval-censored
    (Turnbull) estimate allows: a bar from `median_days_low` to `median_days_high` (a point when
    they agree; an arrow-ended open bar when the median is not reached). Groups without a median
    are left out (the page lists them with their reason).

    `figures` (`queries.report_delay_figures`): platform_id, median_days_low, median_days_high,
    n_independent.
    """
    title = _("Median days late (range the approximate dates allow)")
    frame = figures.dropna(subset=["median_days_low"]) if not figures.empty else figures
    if frame.empty:
        return empty_figure(_("No platform has a median yet: the table below says why."), title=title)
    frame = frame.assign(name=[_name(names, p) for p in frame["platform_id"]]).sort_values("name")
    colors = platform_colors(frame["platform_id"])
    low = frame["median_days_low"].astype(float)
    reached = frame["median_days_high"].notna()
    high = frame["median_days_high"].astype(float).where(reached, low + 30)
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=frame["name"], x=(high - low).clip(lower=0.6), base=low, orientation="h",
        marker={"color": [colors[p] for p in frame["platform_id"]],
                "pattern": {"shape": ["" if r else "/" for r in reached]}},
        customdata=list(zip(frame["median_days_low"],
                            frame["median_days_high"].astype(object).where(reached, _("not reached")),
                            frame["n_independent"], strict=True)),
        hovertemplate=_("%{y}<br>median between %{customdata[0]} and %{customdata[1]} days late"
                        "<br>n = %{customdata[2]} independent reports") + "<extra></extra>",
        showlegend=False,
    ))
    return _layout(fig, title=title, y_title="", x_title=_("days after the due date"),
                   height=max(240, 70 * len(frame) + 110))


def incidents_figure(incidents: pd.DataFrame, *, names: Mapping[str, str]) -> go.Figure:
    """Mass incidents as dated events: one marker per incident on a time line, one row per
    platform. `incidents` (`queries.report_incidents`): event_date, platform_id, kind, title.
    Incidents without a date are left out (the page lists them)."""
    title = _("Mass incidents (dated events)")
    frame = incidents.dropna(subset=["event_date"]) if not incidents.empty else incidents
    if frame.empty:
        return empty_figure(_("No dated incident recorded yet."), title=title)
    frame = frame.assign(name=[_name(names, p) if isinstance(p, str) else _("several platforms")
                               for p in frame["platform_id"]], when=pd.to_datetime(frame["event_date"]))
    fig = go.Figure(go.Scatter(
        x=frame["when"], y=frame["name"], mode="markers", marker={"size": 14, "symbol": "diamond"},
        customdata=list(zip(frame["title"].map(_escape), frame["kind"].map(_escape), strict=True)),
        hovertemplate="%{x|%Y-%m-%d} · %{y}<br>%{customdata[0]}<br>(%{customdata[1]})<extra></extra>",
        showlegend=False,
    ))
    return _layout(fig, title=title, y_title="", x_title=_("date"), height=max(220, 60 * frame["name"].nunique() + 120))


def effective_pay_figure(pay: pd.DataFrame, advertised: pd.DataFrame, *, names: Mapping[str, str]) -> go.Figure:
    """Effective hourly pay from reports (median, with the middle half) next to the median
    advertised hourly rate of the same platform's listings.

    `pay` (`queries.report_pay_figures`): platform_id, effective_hourly_usd_median, _p25, _p75,
    n_independent (suppressed or missing rows left out). `advertised` (`queries.overview_pay`):
    platform_id, median_hourly_usd_now, n_hourly_now.
    """
    title = _("Effective hourly pay (reports) and advertised hourly pay (listings), USD")
    frame = pay.dropna(subset=["effective_hourly_usd_median"]) if not pay.empty else pay
    if frame.empty:
        return empty_figure(_("No platform has 5 or more independent reports giving hours and pay."), title=title)
    frame = frame.assign(name=[_name(names, p) for p in frame["platform_id"]]).sort_values("name")
    median = frame["effective_hourly_usd_median"].astype(float)
    fig = go.Figure(go.Scatter(
        x=median, y=frame["name"], mode="markers", name=_("effective (reports)"),
        marker={"size": 13, "symbol": "circle"},
        error_x={"type": "data", "symmetric": False,
                 "array": (frame["effective_hourly_usd_p75"].astype(float) - median).fillna(0),
                 "arrayminus": (median - frame["effective_hourly_usd_p25"].astype(float)).fillna(0)},
        customdata=frame["n_independent"],
        # Translators: "/h" is "per hour".
        hovertemplate=_("%{y}<br>effective $%{x:.2f}/h (median)<br>n = %{customdata} independent reports")
        + "<extra></extra>",
    ))
    ads = advertised[advertised["platform_id"].isin(frame["platform_id"])].dropna(subset=["median_hourly_usd_now"]) \
        if not advertised.empty else advertised
    if not ads.empty:
        fig.add_trace(go.Scatter(
            x=ads["median_hourly_usd_now"].astype(float), y=[_name(names, p) for p in ads["platform_id"]],
            mode="markers", name=_("advertised (listings)"), marker={"size": 13, "symbol": "line-ns-open",
                                                                  "line": {"width": 3}},
            customdata=ads["n_hourly_now"],
            # Translators: "/h" is "per hour".
            hovertemplate=_("%{y}<br>advertised $%{x:.2f}/h (median)<br>n = %{customdata} listings")
            + "<extra></extra>",
        ))
    return _layout(fig, title=title, y_title="", x_title=_("USD per hour"), height=max(240, 70 * len(frame) + 110))

