"""Overview: one card per platform with pay, open listings and payment delays, each with its n."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import common, queries, reasons
from dashboard.i18n import _

st.title(_("Overview"))
st.markdown(
    _("One card per platform: the median **advertised** hourly pay of its open listings and how it "
      "moved, how many listings are open, and how long workers report waiting to be paid. "
      "Every figure shows the count it rests on (n) and when the platform was last collected.")
)

with st.container(border=True):
    st.markdown(_("**Questions this dashboard answers**"))
    links = st.columns(4)
    links[0].page_link("app_pages/pay_trends.py", label=_("Has pay fallen this year?"), icon=":material/trending_down:")
    links[1].page_link("app_pages/availability.py", label=_("Is there less work than last quarter?"),
                       icon=":material/work_history:")
    links[2].page_link("app_pages/delays.py", label=_("How long do workers wait to be paid?"),
                       icon=":material/hourglass_bottom:")
    links[3].page_link("app_pages/explore.py", label=_("Can I download and cite it?"), icon=":material/download:")

days = int(common.param_choice(
    _("Compare pay with"), ["30", "90", "180", "365"], key="compare", default="90",
    format_func=lambda d: _("{days} days earlier").format(days=d), widget="radio",
))
pay = common.query(queries.overview_pay, days_back=days)
delays = common.query(queries.delay_summary, by="platform")
names = common.platform_names()
platform_ids: list[str] = sorted(
    {str(p) for p in pay["platform_id"]} | {str(p) for p in delays.get("platform_id", pd.Series(dtype=str))},
    key=lambda p: str(names.get(p, p)).lower(),
)

if not platform_ids:
    common.empty_state(_("No platforms yet."), common.no_data_todo())
    st.stop()


def _row(frame: pd.DataFrame, platform_id: str) -> dict[str, Any]:
    rows = frame[frame["platform_id"] == platform_id] if not frame.empty else frame
    return {str(k): v for k, v in rows.iloc[0].items()} if not rows.empty else {}


def card(platform_id: str) -> None:
    p, d = _row(pay, platform_id), _row(delays, platform_id)
    with st.container(border=True):
        st.subheader(common.md_escape(names.get(platform_id, platform_id)), anchor=False)
        now, before = p.get("median_hourly_usd_now"), p.get("median_hourly_usd_before")
        delta = None
        if now is not None and before is not None and not common.is_missing(now) and not common.is_missing(before):
            # Translators: a metric's change; {change} is signed ("+1.25"), {percent} too ("+5%").
            delta = _("{change} USD/h ({percent}) vs {days} days earlier").format(
                change=f"{float(now) - float(before):+,.2f}", percent=f"{p['change_pct']:+.0f}%", days=days)
        st.metric(_("Median advertised pay"), common.fmt_usd(now), delta=delta)
        if common.is_missing(before):
            note = _("no comparison: collection began less than {days} days before").format(days=days) if p else ""
        else:
            # Translators: "n" is the count of listings the earlier median rests on.
            note = _("{days} days earlier: {pay}, n = {n}").format(
                days=days, pay=common.fmt_usd(before), n=common.fmt_number(p.get("n_hourly_before")))
        common.caption(p.get("n_hourly_now", 0), _("listings with hourly pay"), extra=note)
        st.metric(_("Open listings now"), common.fmt_number(p.get("open_listings")))
        left, right = st.columns(2)
        suppressed = bool(d.get("suppressed", True))
        with left:
            median = d.get("median_days_late")
            if suppressed:
                shown = "—"
            elif common.is_missing(median):
                # Translators: the median wait was not reached (fewer than half were paid by the end of follow-up).
                shown = _("not reached")
            else:
                shown = _("{days} days").format(days=common.fmt_number(median))
            st.metric(_("Median days late"), shown)
        with right:
            st.metric(_("Unpaid after 30 days"), "—" if suppressed else common.fmt_share(d.get("unpaid_after_30d")))
        if not d:
            st.caption(_("No approved payment reports for this platform yet."))
        elif suppressed:
            st.caption(
                _("Payment figures suppressed: fewer than {n} approved reports, too few "
                  "to publish without false precision or risk to reporters.").format(n=queries.MIN_REPORTS)
            )
        else:
            note = reasons.shown(d.get("note") or "")  # stored English, shown in the view's language
            waiting = _("{n} still waiting").format(n=common.fmt_number(d.get("n_waiting")))
            common.caption(d.get("n_reports"), _("approved payment reports"),
                           extra=waiting + (f" · {note}" if note else ""))
        st.caption(_("Last successful collection: {time}").format(time=common.fmt_time(p.get("as_of"))))
        common.feed_links([platform_id], overall=False)


columns_per_row = 3
for start in range(0, len(platform_ids), columns_per_row):
    columns = st.columns(columns_per_row)
    for column, platform_id in zip(columns, platform_ids[start : start + columns_per_row], strict=False):
        with column:
            card(platform_id)

st.caption(
    _("Pay is what listings advertise, converted to US dollars per hour where the pay is time-based "
      "(see Methodology); per-task pay is on the Pay trends page, apart. A change in the median can "
      "come from a different mix of roles: filter by role category on Pay trends to check.")
)
common.feed_links()
common.permalink_box()
