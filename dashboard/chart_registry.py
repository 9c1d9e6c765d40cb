"""Every chart the dashboard draws, by name: which queries feed it, which chart function draws it,
and what its metadata says. The pages (through `common.chart`) and `gigwatch chart` both build
charts here, so a chart downloaded from a page and one drawn on the command line are the same
figure from the same rows.

A build function gets `fetch(queries.some_function, **kwargs)` (the pages pass the cached
`common.query`; the command line runs the query on the chosen snapshot), the platform names and the
view's filters, and returns the figure with the count it rests on. No SQL and no Streamlit here.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go

from collectors import fx
from collectors.store import Store
from collectors.store.reference import ReferenceDataError, read_union_scales
from dashboard import charts, i18n, queries
from dashboard.chart_export import ChartMeta, ChartSource
from dashboard.i18n import N_, _

Fetch = Callable[..., pd.DataFrame]
Filters = Mapping[str, Any]


@dataclass(frozen=True)
class Built:
    """A drawn chart: the figure, the rows it rests on (n) and the platforms it shows."""

    figure: go.Figure
    n: int | None
    platform_ids: tuple[str, ...]


@dataclass(frozen=True)
class ChartSpec:
    """A chart by name. `title`, `view`, `units` and `n_what` are English (the metadata and the
    citations say them so); `shown(...)` gives them in the view's language."""

    name: str
    title: str
    view: str  # the page's title
    page: str  # the page's url path
    units: str
    n_what: str
    filters: tuple[str, ...]  # the filter keys it reads (also `gigwatch chart --filter KEY=VALUE`)
    build: Callable[[Fetch, Mapping[str, str], Filters], Built]
    reports: bool = False  # rests on payment reports (public aggregates), not listings

    def shown(self, text: str) -> str:
        """One of this spec's texts (`spec.shown(spec.units)`) in the view's language."""
        return i18n.translated(text)


def _tuple(filters: Filters, key: str) -> tuple[str, ...]:
    value = filters.get(key) or ()
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


def _listing_filters(filters: Filters) -> dict[str, Any]:
    return {"platforms": _tuple(filters, "platforms"), "categories": _tuple(filters, "categories")}


def _pay_filters(filters: Filters) -> dict[str, Any]:
    return {**_listing_filters(filters), "countries": _tuple(filters, "countries"),
            "remote": str(filters.get("remote") or "any")}


def _platforms(frame: pd.DataFrame) -> tuple[str, ...]:
    if frame.empty or "platform_id" not in frame:
        return ()
    return tuple(sorted({str(p) for p in frame["platform_id"].dropna()}))


def in_period(frame: pd.DataFrame, fetch: Fetch, period: str) -> pd.DataFrame:
    """Weeks within `period` days ("all" keeps every week) of the lake's "as of"."""
    if period in ("", "all") or frame.empty:
        return frame
    status = fetch(queries.lake_status)
    as_of = status["as_of"].iloc[0] if not status.empty else None
    if as_of is None or pd.isna(as_of):
        return frame
    since = (pd.Timestamp(as_of) - pd.Timedelta(days=int(period))).normalize() - pd.Timedelta(days=6)
    if since.tzinfo is not None:
        since = since.tz_localize(None)
    weeks = pd.to_datetime(frame["week_start"])
    if weeks.dt.tz is not None:
        weeks = weeks.dt.tz_localize(None)
    return frame[weeks >= since]


def platform_events(fetch: Fetch, platform_ids: tuple[str, ...]) -> pd.DataFrame:
    """Cited platform events for these platforms (collection breaks are drawn apart)."""
    rows = fetch(queries.events)  # all of them, filtered here: one read serves every chart of a page
    return rows[rows["platform_id"].isin(set(platform_ids)) & (rows["kind"] != "collection")] if not rows.empty else rows


def events_for(fetch: Fetch, platform_ids: tuple[str, ...]) -> pd.DataFrame:
    """`queries.events(platforms=...)` (these platforms' events and those naming none), filtered
    here from all of them (the same rows, in the same order): one read for a page and its charts."""
    rows = fetch(queries.events)
    if not platform_ids or rows.empty:
        return rows
    return rows[rows["platform_id"].isna() | rows["platform_id"].isin(set(platform_ids))].reset_index(drop=True)


def minimum_wages_for(fetch: Fetch, countries: set[str]) -> pd.DataFrame:
    """`queries.minimum_wages(countries=...)`, filtered here from the whole table (the same rows,
    in the same order), so that the page's tables and its chart share one read."""
    wages = fetch(queries.minimum_wages)
    return wages[wages["country"].str[:2].isin(countries)].reset_index(drop=True) if not wages.empty else wages


def breaks_for(fetch: Fetch, platform_ids: tuple[str, ...]) -> pd.DataFrame:
    """Collection breaks of these platforms: derived from their runs (`queries.collection_events`)
    and recorded by hand (events of kind "collection" in data/events.csv, e.g. a parser change
    and the reparse that followed)."""
    if not platform_ids:
        return pd.DataFrame()
    derived = _of_platforms(fetch(queries.collection_events), platform_ids)
    cited = fetch(queries.events)
    cited = cited[(cited["kind"] == "collection") & cited["platform_id"].isin(set(platform_ids))] if not cited.empty else cited
    frames = [f for f in (derived, cited) if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else derived


def _marked(fig: go.Figure, fetch: Fetch, platform_ids: tuple[str, ...],
            names: Mapping[str, str] | None = None) -> go.Figure:
    """Collection breaks, and the points that rest on web-archive or git captures (issue 17)."""
    fig = charts.add_collection_breaks(fig, breaks_for(fetch, platform_ids))
    if not platform_ids:
        return fig
    return charts.add_archive_captures(fig, _of_platforms(fetch(queries.archive_captures), platform_ids),
                                       names=names or {})


def _of_platforms(rows: pd.DataFrame, platform_ids: tuple[str, ...]) -> pd.DataFrame:
    """The rows of these platforms, in their order: what the query's `platforms=` filter gives
    (`collection_events`, `archive_captures`), from one read of all of them, so that charts
    showing different platforms share it."""
    return rows[rows["platform_id"].isin(set(platform_ids))].reset_index(drop=True) if not rows.empty else rows


UNION_SCALE_CATEGORIES = ("audio_voice", "acting_performance")


def union_scale_lines(fetch: Fetch, f: Filters, currency: str, weekly_currencies: set[str]) -> pd.DataFrame:
    """Performers' union scale rates (data/union_scales.csv) for the categories chosen, as
    reference lines (label, hourly_value); empty unless Acting and performance or Audio and voice
    is chosen. USD values use the rate of the lake's latest data day."""
    chosen = set(_tuple(f, "categories")) & set(UNION_SCALE_CATEGORIES)
    if not chosen:
        return pd.DataFrame()
    scales = read_union_scales()
    scales = scales[scales["category"].isin(chosen)]
    status = fetch(queries.lake_status)
    as_of = status["as_of"].iloc[0] if not status.empty else None
    on = pd.Timestamp(as_of).date() if as_of is not None and not pd.isna(as_of) else date.today()
    if currency == "usd":
        rates = pd.Series([fx.usd_per_unit(c, on) for c in scales["currency"]], index=scales.index, dtype="float64")
        scales = scales.assign(hourly_value=scales["hourly_amount"] * rates)  # NaN: no rate, not drawn
    else:
        scales = scales[scales["currency"].isin(weekly_currencies)].assign(hourly_value=scales["hourly_amount"])
    return scales.assign(label=[
        (_("Union scale: {union}, {role} ({amount} {currency}/{unit})") if v == "official"
         else _("Union scale: {union}, {role} ({amount} {currency}/{unit}) (unverified)")).format(
            union=u, role=r, amount=f"{a:g}", currency=c, unit=unit)
        for u, r, a, c, unit, v in zip(scales["union"], scales["role"], scales["amount"], scales["currency"],
                                      scales["unit"], scales["verification"], strict=True)
    ])


# The pay charts' `layout` filter (`?layout=` on Pay trends): "unit" (the default) a panel per
# currency and unit, so only figures in one unit share an axis (hourly USD: one axis); "apart" a
# panel per platform; "together" every series on one axis.
PAY_LAYOUTS: dict[str, charts.PanelBy] = {"unit": "measure", "apart": "platform", "together": None}
DEFAULT_PAY_LAYOUT = "unit"


def panels_for(f: Filters) -> charts.PanelBy:
    """How a pay chart is split for the `layout` filter (an unknown value: the default's)."""
    return PAY_LAYOUTS.get(str(f.get("layout") or DEFAULT_PAY_LAYOUT), PAY_LAYOUTS[DEFAULT_PAY_LAYOUT])


def _pay_trend(fetch: Fetch, names: Mapping[str, str], f: Filters) -> Built:
    currency = str(f.get("currency") or "usd")
    weekly = in_period(fetch(queries.weekly_pay, currency_mode=currency, **_pay_filters(f)), fetch, str(f.get("period") or "all"))
    panels = panels_for(f)
    if weekly.empty:
        return Built(charts.pay_trend_figure(weekly, names=names, currency_mode=currency), 0, ())
    wages = minimum_wages_for(fetch, {"US", "GB"} | set(_tuple(f, "countries")))
    if currency == "usd":
        wages = wages.assign(hourly_value=wages["hourly_usd"])
    else:
        wages = wages[wages["currency"].isin(set(weekly["currency"]))].assign(hourly_value=wages["hourly_amount"])
    # Rows not checked against a stored copy of their official page say so where the line is drawn.
    wages = wages.assign(jurisdiction=[
        j if v == "official" else _("{jurisdiction} (unverified)").format(jurisdiction=j) for j, v in zip(wages["jurisdiction"], wages["verification"], strict=True)
    ])
    shown = _platforms(weekly)
    fig = charts.pay_trend_figure(weekly, names=names, currency_mode=currency, min_wages=wages,
                                  events=platform_events(fetch, shown), panels=panels)
    try:
        scales = union_scale_lines(fetch, f, currency, set(weekly["currency"]))
    except (OSError, ReferenceDataError):  # the page says so; the chart is drawn without them
        scales = pd.DataFrame()
    if not scales.empty:
        fig = charts.add_reference_lines(fig, scales)
    per_week = weekly.groupby("week_start")["n_listings"].sum()
    return Built(_marked(fig, fetch, shown, names), int(per_week.iloc[-1]), shown)


def _unit_pay(fetch: Fetch, names: Mapping[str, str], f: Filters) -> Built:
    weekly = in_period(fetch(queries.weekly_unit_pay, **_pay_filters(f)), fetch, str(f.get("period") or "all"))
    fig = charts.unit_pay_figure(weekly, names=names, panels=panels_for(f))
    n = int(weekly.groupby(["platform_id", "currency", "pay_unit"]).tail(1)["n_listings"].sum()) if not weekly.empty else 0
    return Built(_marked(fig, fetch, _platforms(weekly), names), n, _platforms(weekly))


def _open_listings(fetch: Fetch, names: Mapping[str, str], f: Filters) -> Built:
    daily = fetch(queries.open_listings_daily, **_listing_filters(f))
    n = int(daily.sort_values("day").groupby("platform_id").tail(1)["open_listings"].sum()) if not daily.empty else 0
    shown = _platforms(daily)
    return Built(_marked(charts.open_listings_figure(daily, names=names), fetch, shown, names), n, shown)


def _flows(fetch: Fetch, names: Mapping[str, str], f: Filters) -> Built:
    flows = fetch(queries.listing_flows_weekly, **_listing_filters(f))
    n = int(flows["new_listings"].sum()) if not flows.empty else 0
    shown = _platforms(flows)
    return Built(_marked(charts.flows_figure(flows, names=names), fetch, shown, names), n, shown)


def _index(fetch: Fetch, names: Mapping[str, str], f: Filters) -> Built:
    index = fetch(queries.availability_index, **_listing_filters(f))
    shown = _platforms(index)
    return Built(_marked(charts.index_figure(index, names=names), fetch, shown, names), len(index), shown)


def _lifetimes(fetch: Fetch, names: Mapping[str, str], f: Filters) -> Built:
    lifetimes = fetch(queries.listing_lifetimes, **_listing_filters(f))
    n = int(lifetimes["n_closed"].sum()) if not lifetimes.empty else 0
    return Built(charts.lifetime_figure(lifetimes, names=names), n, _platforms(lifetimes))


def _signals(fetch: Fetch, names: Mapping[str, str], f: Filters) -> Built:
    signals = fetch(queries.forum_signals_weekly, platforms=_tuple(f, "platforms"))
    kinds = sorted(signals["signal"].unique()) if not signals.empty else []
    default = next((k for k in kinds if "queue" in k or "no_work" in k), kinds[0] if kinds else "empty_queue")
    signal = str(f.get("signal") or default)
    chosen = signals[signals["signal"] == signal] if not signals.empty else signals
    n = int(chosen["n_posts"].sum()) if not chosen.empty else 0
    shown = _platforms(chosen)
    return Built(_marked(charts.forum_signals_figure(signals, names=names, signal=signal), fetch, shown), n, shown)


def _shown_summary(fetch: Fetch, f: Filters) -> pd.DataFrame:
    summary = fetch(queries.delay_summary, by="platform", platforms=_tuple(f, "platforms"))
    return summary[~summary["suppressed"].astype(bool)] if not summary.empty else summary


def _km(fetch: Fetch, names: Mapping[str, str], f: Filters) -> Built:
    curves = fetch(queries.delay_curves, platforms=_tuple(f, "platforms"))
    shown = _shown_summary(fetch, f)
    n = int(shown["n_reports"].sum()) if not shown.empty else 0
    return Built(charts.km_figure(curves, names=names), n, _platforms(curves))


def _median_delay(fetch: Fetch, names: Mapping[str, str], f: Filters) -> Built:
    shown = _shown_summary(fetch, f)
    n = int(shown["n_reports"].sum()) if not shown.empty else 0
    return Built(charts.median_delay_figure(shown, names=names), n, _platforms(shown))


def _unpaid_share(fetch: Fetch, names: Mapping[str, str], f: Filters) -> Built:
    grouped = fetch(queries.delay_summary, by="month", platforms=_tuple(f, "platforms"))
    days = int(f.get("days") or 30)
    visible = grouped[~grouped["suppressed"].astype(bool)] if not grouped.empty else grouped
    n = int(visible["n_reports"].sum()) if not visible.empty else 0
    return Built(charts.unpaid_share_figure(grouped, names=names, days=days), n, _platforms(visible))


def _source_class(f: Filters) -> str | None:
    value = str(f.get("source") or "all")
    return None if value == "all" else value


def _median_range(fetch: Fetch, names: Mapping[str, str], f: Filters) -> Built:
    figures = fetch(queries.report_delay_figures, platforms=_tuple(f, "platforms"), source_class=_source_class(f))
    shown = figures[~figures["suppressed"].astype(bool)] if not figures.empty else figures
    n = int(shown["n_reports"].sum()) if not shown.empty else 0
    return Built(charts.median_range_figure(shown, names=names), n, _platforms(shown))


def _incidents(fetch: Fetch, names: Mapping[str, str], f: Filters) -> Built:
    incidents = fetch(queries.report_incidents, platforms=_tuple(f, "platforms"))
    return Built(charts.incidents_figure(incidents, names=names), len(incidents), _platforms(incidents))


def _effective_pay(fetch: Fetch, names: Mapping[str, str], f: Filters) -> Built:
    pay = fetch(queries.report_pay_figures, platforms=_tuple(f, "platforms"))
    shown = pay[~pay["suppressed"].astype(bool)] if not pay.empty else pay
    advertised = fetch(queries.overview_pay, days_back=queries.ADVERTISED_NOW_DAYS_BACK, platforms=_tuple(f, "platforms"),
                       categories=_tuple(f, "categories"))
    n = int(shown["n_reports"].sum()) if not shown.empty else 0
    return Built(charts.effective_pay_figure(shown, advertised, names=names), n, _platforms(shown))


PAY_FILTERS = ("platforms", "categories", "countries", "remote", "period", "layout")
CHARTS: dict[str, ChartSpec] = {spec.name: spec for spec in (
    ChartSpec("pay_trend", N_("Median advertised hourly pay"), N_("Pay trends"), "pay_trends",
              N_("USD per hour (or the listed currency per hour with currency=original)"),
              N_("listings in the latest week"), (*PAY_FILTERS, "currency"), _pay_trend),
    ChartSpec("unit_pay", N_("Per-unit pay (not convertible to hourly)"), N_("Pay trends"), "pay_trends",
              N_("pay per task, item or minute, in its own currency"), N_("per-unit listings in the latest week"),
              PAY_FILTERS, _unit_pay),
    ChartSpec("open_listings", N_("Open listings per day"), N_("Work availability"), "availability",
              N_("open listings"), N_("listings open on the last collected day"), ("platforms", "categories"),
              _open_listings),
    ChartSpec("flows", N_("New and closed listings per week"), N_("Work availability"), "availability",
              N_("listings per week"), N_("listings first seen"), ("platforms", "categories"), _flows),
    ChartSpec("availability_index", N_("Open listings index (100 = first four complete weeks)"),
              N_("Work availability"), "availability", N_("index, baseline = 100"), N_("complete weeks"),
              ("platforms", "categories"), _index),
    ChartSpec("lifetimes", N_("Median listing lifetime (closed listings)"), N_("Work availability"), "availability",
              N_("days"), N_("closed listings"), ("platforms", "categories"), _lifetimes),
    ChartSpec("forum_signals", N_("Forum posts signalling empty queues per week"), N_("Work availability"),
              "availability", N_("posts per week"), N_("forum posts"), ("platforms", "signal"), _signals),
    ChartSpec("delay_curves", N_("Still unpaid, by days after the expected pay date (Kaplan-Meier)"),
              N_("Payment delays"), "delays", N_("share of reports still unpaid"),
              N_("approved reports in the curves"), ("platforms",), _km, reports=True),
    ChartSpec("median_delay", N_("Median days late (95% interval)"), N_("Payment delays"), "delays", N_("days late"),
              N_("approved reports"), ("platforms",), _median_delay, reports=True),
    ChartSpec("unpaid_share", N_("Share still unpaid after N days, by month the pay was due"), N_("Payment delays"),
              "delays", N_("share of reports"), N_("approved reports shown"), ("platforms", "days"), _unpaid_share,
              reports=True),
    ChartSpec("median_range", N_("Median days from due date to payment (interval-censored)"), N_("Payment delays"),
              "delays", N_("days after the due date (a range where approximate dates allow several)"),
              N_("approved reports in shown groups"), ("platforms", "source"), _median_range, reports=True),
    ChartSpec("incidents", N_("Mass incidents recorded by moderators"), N_("Payment delays"), "delays",
              N_("dated incidents"), N_("incidents"), ("platforms",), _incidents, reports=True),
    ChartSpec("effective_pay", N_("Effective hourly pay from reports, next to advertised pay"), N_("Pay trends"),
              "pay_trends", N_("USD per hour"), N_("approved reports with hours"), ("platforms", "categories"),
              _effective_pay, reports=True),
)}


def get(name: str) -> ChartSpec:
    try:
        return CHARTS[name]
    except KeyError:
        raise KeyError(f"no chart named {name!r}; charts: {', '.join(CHARTS)}") from None  # i18n-ignore: CLI error


def chart_meta(spec: ChartSpec, built: Built, fetch: Fetch, names: Mapping[str, str], filters: Filters, *,
               snapshot_id: int, permalink: str, demo: bool, retrieved: str) -> ChartMeta:
    """The metadata block of a drawn chart (downloads, image source line, citation)."""
    status = fetch(queries.lake_status)
    as_of = status["as_of"].iloc[0] if not status.empty else None
    as_of_text = None if as_of is None or pd.isna(as_of) else pd.Timestamp(as_of).isoformat()
    shown = {k: (list(v) if isinstance(v, tuple) else v) for k, v in filters.items() if k in spec.filters}
    return ChartMeta(
        name=spec.name, title=_figure_title(built.figure) or spec.shown(spec.title), view=spec.view, units=spec.units,
        snapshot_id=snapshot_id, as_of=as_of_text, n=built.n, n_what=spec.n_what, demo=demo,
        permalink=permalink, retrieved=retrieved, filters=shown,
        sources=original_sources(fetch, spec, names, built.platform_ids), language=i18n.current(),
    )


def _figure_title(fig: go.Figure) -> str:
    text = fig.layout.title.text if fig.layout.title else None
    return html.unescape(str(text)) if text else ""


def original_sources(fetch: Fetch, spec: ChartSpec, names: Mapping[str, str],
                     platform_ids: tuple[str, ...]) -> tuple[ChartSource, ...]:
    """The platforms' own sources behind a chart: their listing feeds, or the payment reports."""
    if spec.reports:
        # i18n-ignore: a source's name in the metadata and the citations, English by design
        return tuple(ChartSource(names.get(p, p), "payment reports from workers and unions, moderated "  # i18n-ignore: metadata
                                 "(published as suppressed aggregates)") for p in platform_ids)
    health = fetch(queries.sources_health)
    if health.empty:
        return ()
    rows = health[health["platform_id"].isin(set(platform_ids))].sort_values(["platform_id", "source_name"])
    return tuple(
        ChartSource(names.get(str(r.platform_id), str(r.platform_id)), str(r.source_name),
                    str(r.url) if isinstance(r.url, str) and r.url else None)
        for r in rows.itertuples()
    )


DEFAULT_BASE_URL = "http://localhost:8501"


def view_permalink(spec: ChartSpec, filters: Filters, snapshot_id: int, base_url: str = DEFAULT_BASE_URL) -> str:
    """The dashboard address that shows this chart with these filters, pinned to the snapshot.

    Filter keys are spelled as the pages' URL parameters (`platform`, `category`, `country`, ...).
    """
    pairs: list[tuple[str, str]] = []
    for key in spec.filters:
        value = filters.get(key)
        if value in (None, "", (), []):
            continue
        param = URL_PARAMS.get(key, key)
        pairs.extend((param, str(v)) for v in (value if isinstance(value, (list, tuple)) else [value]))
    pairs.append(("snapshot", str(snapshot_id)))
    return f"{base_url.rstrip('/')}/{spec.page}?{urlencode(pairs)}"


URL_PARAMS = {"platforms": "platform", "categories": "category", "countries": "country", "days": "days",
              "signal": "signal", "currency": "currency", "period": "period", "layout": "layout", "remote": "remote"}


def draw(store: Store, name: str, *, snapshot_id: int | None = None, filters: Filters | None = None,
         base_url: str = DEFAULT_BASE_URL, retrieved: str | None = None) -> tuple[Built, ChartMeta]:
    """Build chart `name` from the lake at `snapshot_id` (default: the latest), with its metadata:
    what `gigwatch chart` writes."""
    spec = get(name)
    snap = store.snapshot_id() if snapshot_id is None else snapshot_id
    if not store.snapshot_exists(snap):
        raise ValueError(f"snapshot {snap} does not exist in this lake")  # i18n-ignore: CLI error
    filters = dict(filters or {})
    unknown = sorted(set(filters) - set(spec.filters))
    if unknown:
        raise ValueError(f"chart {name!r} takes the filters {', '.join(spec.filters)}; not {', '.join(unknown)}")  # i18n-ignore: CLI error

    def fetch(function: Callable[..., pd.DataFrame], **kwargs: Any) -> pd.DataFrame:
        return function(store, snap, **kwargs)

    platform_frame = fetch(queries.platforms)
    names = dict(zip(platform_frame["platform_id"], platform_frame["name"], strict=True))
    built = spec.build(fetch, names, filters)
    meta = chart_meta(spec, built, fetch, names, filters, snapshot_id=snap,
                      permalink=view_permalink(spec, filters, snap, base_url), demo=store.is_demo,
                      retrieved=retrieved or date.today().isoformat())
    return built, meta
