"""Pay trends: weekly median advertised hourly pay per platform, with its spread, minimum wages,
sourced events, per-unit pay apart, and the pay changes seen on live listings."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from collectors.categories import CATEGORY_LABELS
from collectors.store.reference import ReferenceDataError, read_union_scales
from dashboard import common, queries, report_blocks
from dashboard.chart_registry import (
    DEFAULT_PAY_LAYOUT,
    PAY_LAYOUTS,
    events_for,
    minimum_wages_for,
    union_scale_lines,
)
from dashboard.i18n import _, ngettext

UNION_SCALE_CATEGORIES = ("audio_voice", "acting_performance")


def _headers(labels: dict[str, str], *, link: str | None = "source_url") -> dict[str, Any]:
    """Column headers in the view's language (the frame, and so its download, keeps its names)."""
    config: dict[str, Any] = {column: st.column_config.Column(label) for column, label in labels.items()}
    if link:
        config[link] = st.column_config.LinkColumn(_("source"))
    return config


st.title(_("Pay trends"))
st.markdown(_(
    "Weekly median of the **advertised** hourly pay of the listings open at the end of each week; "
    "the shaded band is the middle half of listings (25th to 75th percentile). Pay per task, item "
    "or minute of audio cannot be turned into hourly pay and is shown apart, below."
))

names = common.platform_names()
options = common.query(queries.filter_options)
categories = options.loc[options["kind"] == "category", "value"].tolist()
countries = options.loc[options["kind"] == "country", "value"].tolist()
PERIODS = {"all": _("All"), "365": _("Last 12 months"), "180": _("Last 6 months"), "90": _("Last 3 months")}

with st.container(border=True):
    top = st.columns([3, 2, 2])
    with top[0]:
        platforms = common.platform_filter(label=_("Platforms"))
    with top[1]:
        chosen_categories = common.param_multiselect(
            _("Role category"), categories, key="category",
            format_func=lambda c: CATEGORY_LABELS.get(c, c),
        )
    with top[2]:
        chosen_countries = common.param_multiselect(_("Country"), countries, key="country")
    bottom = st.columns([2, 2, 2])
    with bottom[0]:
        remote = common.param_choice(
            _("Where"), ["any", "remote", "onsite"], key="remote", default="any", widget="radio",
            format_func={"any": _("Any"), "remote": _("Remote only"), "onsite": _("On-site only")}.get,
        )
    with bottom[1]:
        currency_mode = common.param_choice(
            _("Currency"), ["usd", "original"], key="currency", default="usd", widget="radio",
            format_func={"usd": _("USD equivalent"), "original": _("As listed")}.get,
            help=_("USD equivalent converts every time-based rate to US dollars per hour. "
                   "'As listed' keeps only listings that state an hourly rate, in their own currency."),
        )
    with bottom[2]:
        period = common.param_choice(_("Period"), list(PERIODS), key="period", default="all",
                                     format_func=PERIODS.get)
    layout = common.param_choice(
        _("Chart"), list(PAY_LAYOUTS), key="layout", default=DEFAULT_PAY_LAYOUT, widget="radio",
        format_func={"unit": _("One panel per currency and unit"), "apart": _("One panel per platform"),
                     "together": _("All platforms on one axis")}.get,
        help=_("One panel per currency and unit puts on one axis only figures that can be compared "
               "(hourly USD equivalents share one). One panel per platform gives each its own scale, "
               "so a low rate is not flattened by a high one."),
    )

filters = {
    "platforms": tuple(platforms), "categories": tuple(chosen_categories),
    "countries": tuple(chosen_countries), "remote": remote,
}
weekly = common.query(queries.weekly_pay, currency_mode=currency_mode, **filters)
status = common.lake_status()
as_of = status.get("as_of")
since = None
if period != "all" and as_of is not None and not common.is_missing(as_of):
    since = (pd.Timestamp(as_of) - pd.Timedelta(days=int(period))).normalize() - pd.Timedelta(days=6)


def in_period(frame: pd.DataFrame) -> pd.DataFrame:
    if since is None or frame.empty:
        return frame
    return frame[pd.to_datetime(frame["week_start"]) >= since]


weekly = in_period(weekly)

st.subheader(_("Advertised hourly pay"), anchor=False)
if weekly.empty:
    common.empty_state(
        _("No hourly pay matches these filters."),
        _("Widen the filters (clear a country or category), or switch Currency to 'USD equivalent'.") + " "
        + ("" if status.get("n_listings") else common.NO_DATA_TODO),
    )
else:
    wage_countries = sorted({"US", "GB"} | set(chosen_countries))
    wages = minimum_wages_for(common.query, set(wage_countries))  # one read with the chart's
    if currency_mode == "usd":
        wages = wages.assign(hourly_value=wages["hourly_usd"])
    else:
        wages = wages[wages["currency"].isin(set(weekly["currency"]))].assign(hourly_value=wages["hourly_amount"])
    chart_filters = {**filters, "currency": currency_mode, "period": period, "layout": layout}
    try:
        scales = union_scale_lines(common.query, chart_filters, currency_mode, set(weekly["currency"]))
    except (OSError, ReferenceDataError) as exc:
        st.warning(_("The union scale rates could not be read: {error}").format(error=common.md_escape(str(exc))))
        scales = pd.DataFrame()
    common.chart("pay_trend", chart_filters, key="pay_chart")
    per_week = weekly.groupby("week_start")["n_listings"].sum()
    common.caption(
        int(per_week.iloc[-1]), _("listings in the latest week"), as_of=as_of,
        extra=_("{low}–{high} a week; hover a line for each week's n").format(
            low=common.fmt_number(per_week.min()), high=common.fmt_number(per_week.max())),
    )
    if not wages.empty:
        st.caption(_(
            "Grey step lines: minimum wages in force (US federal and UK always; others for the countries "
            "chosen). Non-hourly minimums are divided by 8 h a day, 40 h a week or 173.3 h a month; "
            "currencies are converted at the month each rate took effect. Lines marked (unverified) "
            "could not be checked against a stored copy of their official page. Sources: Methodology "
            "and the table below."
        ))
    if not scales.empty:
        st.caption(_(
            "Dotted lines: performers' union scale rates for comparable work (Equity UK's recommended "
            "minimums for video-game voice and capture work), as published on the union's page; a day "
            "rate is divided by 8 hours, and converted to USD at the rate of the latest data month. "
            "They are a union's minimum for a session, not a minimum wage. Sources: the table below."
        ))

    days_back = 365 if period == "all" else int(period)
    change = common.query(queries.overview_pay, days_back=days_back, **filters)
    change = change[change["platform_id"].isin(set(weekly["platform_id"]))]
    if not change.empty and currency_mode == "usd":
        st.markdown(_("**Change over {days} days** (median hourly USD of the listings open at each date)").format(
            days=days_back))
        table = pd.DataFrame({
            _("platform"): [names.get(p, p) for p in change["platform_id"]],
            _("median now (USD/h)"): change["median_hourly_usd_now"].round(2),
            _("n now"): change["n_hourly_now"],
            _("median {days} days earlier (USD/h)").format(days=days_back): change["median_hourly_usd_before"].round(2),
            _("n earlier"): change["n_hourly_before"],
            _("change (%)"): change["change_pct"].round(1),
            _("as of"): change["as_of"].map(common.fmt_time),
        })
        common.frame_table(table)

with common.lazy_expander(_("Events on the chart (dated and sourced)"), key="events_box") as opened:
    if opened:
        event_table = events_for(common.query, tuple(platforms))  # one read with the charts'
        if event_table.empty:
            st.write(_("No events recorded for these platforms."))
        else:
            common.frame_table(
                event_table[["event_date", "platform", "kind", "title", "figure_before", "figure_after", "source_url"]],
                # Translators: the headers of a table, its data's column names (event_date, figure_before ...).
                column_config=_headers({"event_date": _("event_date"), "platform": _("platform"), "kind": _("kind"),
                                        "title": _("title"), "figure_before": _("figure_before"),
                                        "figure_after": _("figure_after")}),
            )
            st.caption(_(
                "Kinds: adv = advertised, avg = platform-reported average, rep = reported by press or workers, "
                "pol = policy, law = lawsuit, event = incident. Different kinds are never joined into one series."
            ))

with common.lazy_expander(_("Minimum wages used"), key="wages_box") as opened:
    if opened:
        all_wages = common.query(queries.minimum_wages)
        common.frame_table(
            all_wages[["jurisdiction", "effective_from", "amount", "currency", "unit", "hourly_amount",
                       "hourly_usd", "hourly_basis", "verification", "source_url"]],
            column_config=_headers({"jurisdiction": _("jurisdiction"), "effective_from": _("effective_from"),
                                    "amount": _("amount"), "currency": _("currency"), "unit": _("unit"),
                                    "hourly_amount": _("hourly_amount"), "hourly_usd": _("hourly_usd"),
                                    "hourly_basis": _("hourly_basis"), "verification": _("verification")}),
        )
        st.caption(_(
            "verification: 'official' rows were checked against a stored copy of their official page "
            "(data/minimum_wages.csv names the copy in verified_against); 'unverified' rows could not be, "
            "and are marked (unverified) on the chart."
        ))

with common.lazy_expander(_("Union scale rates (Acting and performance, Audio and voice)"), key="union_box") as opened:
    if opened:
        try:
            union_table = read_union_scales()
        except (OSError, ReferenceDataError) as exc:
            st.warning(_("data/union_scales.csv could not be read: {error}").format(error=exc))
        else:
            common.frame_table(
                union_table[["category", "union", "agreement", "role", "amount", "currency", "unit",
                             "hourly_amount", "hourly_basis", "effective_from", "verification", "verified_on",
                             "note", "source_url"]],
                column_config=_headers({"category": _("category"), "union": _("union"), "agreement": _("agreement"),
                                        "role": _("role"), "amount": _("amount"), "currency": _("currency"),
                                        "unit": _("unit"), "hourly_amount": _("hourly_amount"),
                                        "hourly_basis": _("hourly_basis"), "effective_from": _("effective_from"),
                                        "verification": _("verification"), "verified_on": _("verified_on"),
                                        "note": _("note")}),
            )
            st.caption(_("Drawn on the chart when the Acting and performance or Audio and voice category is chosen. "
                         "No SAG-AFTRA Interactive Media Agreement rate is listed: no stored copy of a current "
                         "official rate sheet was found."))

with common.lazy_expander(_("Assumptions behind the hourly figures"), key="assumptions_box") as opened:
    if opened:
        assumptions = common.query(queries.hourly_assumptions, platforms=tuple(platforms))
        if assumptions.empty:
            st.write(_("No converted figures yet."))
        else:
            common.frame_table(assumptions)
            st.caption(_("n_versions: how many listing versions each assumption was applied to."))

st.subheader(_("Per-unit pay (task, item, minute of media)"), anchor=False)
unit_weekly = in_period(common.query(queries.weekly_unit_pay, **filters))
if unit_weekly.empty:
    st.info(_("No per-unit pay matches these filters."))
else:
    common.chart("unit_pay", {**filters, "period": period, "layout": layout}, key="unit_chart")
    latest = unit_weekly.groupby(["platform_id", "currency", "pay_unit"]).tail(1)
    common.caption(int(latest["n_listings"].sum()), _("per-unit listings in the latest week"), as_of=as_of,
                   extra=_("never converted to hourly: the time a unit takes is not published"))

st.subheader(_("Pay changes on live listings"), anchor=False)
only_cuts = common.param_toggle(_("Cuts only"), key="cuts",
                                help=_("A cut is a listing whose pay fell between two versions."))
changes = common.query(queries.pay_changes, platforms=tuple(platforms), only_cuts=only_cuts)
if changes.empty:
    st.info(_("No listing has changed its advertised pay downwards.") if only_cuts
            else _("No listing has changed its advertised pay."))
else:
    shown = changes.assign(platform=[names.get(p, p) for p in changes["platform_id"]])
    common.frame_table(
        shown[["changed_at", "platform", "title", "pay_before", "pay_after", "change_pct", "direction",
               "compared_in", "still_open", "url"]],
        column_config={
            **_headers(link=None, labels={"changed_at": _("changed_at"), "platform": _("platform"), "title": _("title"),
                        "pay_before": _("pay_before"), "pay_after": _("pay_after"), "direction": _("direction"),
                        "compared_in": _("compared_in"), "still_open": _("still_open")}),
            "change_pct": st.column_config.NumberColumn(_("change (%)"), format="%.1f"),
            "url": st.column_config.LinkColumn(_("listing")),
        },
    )
    cuts = int((changes["direction"] == "cut").sum())
    common.caption(len(changes), _("pay changes"), as_of=as_of,
                   # Translators: English keeps one form for every count; your language may give the singular its own.
                   extra=ngettext("{n} cuts", "{n} cuts", cuts).format(n=cuts))


# Issue 14: effective pay from reports next to advertised pay (dashboard/report_blocks.py).
report_blocks.effective_pay_block(platforms, chosen_categories, names)
common.feed_links(platforms or sorted(names))
common.permalink_box()
