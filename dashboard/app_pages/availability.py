"""Work availability: open listings per day, new and closed per week, an index against a baseline,
listing lifetimes, and forum signals of empty queues."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from collectors.categories import CATEGORY_LABELS
from dashboard import common, queries
from dashboard.i18n import _

st.title(_("Work availability"))
st.markdown(_(
    "How much work platforms advertise: listings open each day, listings opened and closed each "
    "week, and an index against each platform's first four complete weeks of collection "
    "(100 = that baseline), as labour-market trackers do. A listing counts as closed only once a "
    "complete, successful collection no longer finds it."
))

names = common.platform_names()
options = common.query(queries.filter_options)
categories = options.loc[options["kind"] == "category", "value"].tolist()
with st.container(border=True):
    left, right = st.columns(2)
    with left:
        platforms = common.platform_filter(label=_("Platforms"))
    with right:
        chosen_categories = common.param_multiselect(
            _("Role category"), categories, key="category", format_func=lambda c: CATEGORY_LABELS.get(c, c),
            help=_("A listing's category is the one its first version was given."),
        )
filters = {"platforms": tuple(platforms), "categories": tuple(chosen_categories)}
status = common.lake_status()
as_of = status.get("as_of")

daily = common.query(queries.open_listings_daily, **filters)
if daily.empty:
    common.empty_state(_("No listings to count."),
                       _("Clear the filters.") + " " + ("" if status.get("n_listings") else common.NO_DATA_TODO))
    common.permalink_box()
    st.stop()

st.subheader(_("Less work than last quarter?"), anchor=False)
change = common.query(queries.availability_change, window_days=91, **filters)
if not change.empty:
    common.frame_table(pd.DataFrame({
        _("platform"): [names.get(p, p) for p in change["platform_id"]],
        _("mean open listings, last 91 days"): change["mean_open_recent"].round(1),
        _("previous 91 days"): change["mean_open_previous"].round(1),
        _("change (%)"): change["change_pct"].round(1),
        _("new listings, last 91 days"): change["new_recent"],
        # A second column of the same words: the trailing space keeps the two headers apart.
        _("previous 91 days") + " ": change["new_previous"],
        _("up to"): change["recent_to"].map(common.fmt_date),
    }))
    st.caption(_(
        "Means of the daily count of open listings, over the 91 days up to each platform's last "
        "successful collection and the 91 days before. Blank: collection began less than 182 days before."
    ))

common.chart("open_listings", filters, key="open_chart")
latest = daily.sort_values("day").groupby("platform_id").tail(1)
common.caption(int(latest["open_listings"].sum()), _("listings open on the last collected day"), as_of=as_of,
               extra=_("{n} platform-days").format(n=common.fmt_number(len(daily))))

flows = common.query(queries.listing_flows_weekly, **filters)
common.chart("flows", filters, key="flows_chart")
common.caption(int(flows["new_listings"].sum()), _("listings first seen"), as_of=as_of,
               extra=_("{n} closed; the first and last weeks may be partial").format(
                   n=common.fmt_number(int(flows["closed_listings"].sum()))))

index = common.query(queries.availability_index, **filters)
common.chart("availability_index", filters, key="index_chart")
if index.empty:
    st.caption(_("An index needs four complete weeks (7 collected days each) per platform."))
else:
    baselines = index.groupby("platform_id").first().reset_index()
    st.caption(" · ".join(
        _("{platform}: baseline {start} to {end} = {mean} open listings").format(
            platform=common.md_escape(names.get(str(r.platform_id), str(r.platform_id))),
            start=common.fmt_date(r.baseline_from), end=common.fmt_date(r.baseline_to),
            mean=common.fmt_number(r.baseline_mean, 1))
        for r in baselines.itertuples()
    ) + " · " + _("{n} complete weeks · as of {as_of}").format(
        n=common.fmt_number(len(index)), as_of=common.fmt_time(as_of)))

lifetimes = common.query(queries.listing_lifetimes, **filters)
common.chart("lifetimes", filters, key="lifetime_chart")
common.caption(int(lifetimes["n_closed"].sum()), _("closed listings"), as_of=as_of,
               extra=_("{n} still open are not counted, so long-lived listings are under-represented").format(
                   n=common.fmt_number(int(lifetimes["n_open"].sum()))))

st.subheader(_("Forum signals of empty queues"), anchor=False)
signals = common.query(queries.forum_signals_weekly, platforms=tuple(platforms))
if signals.empty:
    common.empty_state(
        _("No forum signals."),
        _("Forum posts are collected by the forum collector (public subreddits); none are in this "
          "lake yet, or none carry a signal for these platforms."),
    )
else:
    kinds = sorted(signals["signal"].unique())
    default = next((k for k in kinds if "queue" in k or "no_work" in k), kinds[0])
    signal = common.param_choice(_("Signal"), kinds, key="signal", default=default,
                                 format_func=lambda k: k.replace("_", " "))
    common.chart("forum_signals", {"platforms": tuple(platforms), "signal": signal}, key="signals_chart")
    chosen = signals[signals["signal"] == signal]
    common.caption(int(chosen["n_posts"].sum()), _("forum posts"), as_of=as_of,
                   extra=_("posts are signals, not measurements: they count people talking, not work"))


common.feed_links(platforms or sorted(names))
common.permalink_box()
