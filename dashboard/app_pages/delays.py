"""Payment delays: Kaplan-Meier time-to-payment curves, median days late with intervals, and
shares still unpaid after 30/60/90 days, by platform, month and payment method."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import common, queries, reasons, report_blocks
from dashboard.i18n import _, ngettext, pgettext

st.title(_("Payment delays"))
st.markdown(_(
    "How long workers wait to be paid after the date pay was due, from **approved** payment "
    "reports. Reports still waiting are not dropped (that would make delays look shorter): the "
    "Kaplan-Meier method counts them as *censored*, i.e. unpaid for at least as long as they have "
    "been watched. Groups of fewer than {n} independent reports are suppressed, "
    "as are groups that would let one be worked out by subtraction, and the page says which. Days "
    "are counted in bins of 5. These are the latest published figures, whatever snapshot the page is "
    "pinned to: a report its reporter withdraws leaves them everywhere."
).format(n=queries.MIN_REPORTS))



def median_text(days: object) -> str:
    """Median days late, or why there is none (more than half still unpaid)."""
    return _("not reached") if common.is_missing(days) else common.fmt_number(days)


names = common.platform_names()
platforms = common.platform_filter(label=_("Platforms"))
# Issue 14: interval-censored figures, reasons, source filter, incidents (dashboard/report_blocks.py).
report_blocks.delay_figures_block(platforms, names)
st.subheader(_("Reports with exact dates: Kaplan-Meier curves"), anchor=False)
summary = common.query(queries.delay_summary, by="platform", platforms=tuple(platforms))
if summary.empty:
    common.empty_state(
        _("No approved payment reports yet."),
        _("Workers can report a late or missing payment on the **Report a payment** page; unions can "
          "import theirs with `gigwatch reports import`. Reports appear here once a moderator approves them."),
    )
    common.permalink_box()
    st.stop()

as_of_note = _("approved reports, latest publication")
shown = summary[~summary["suppressed"].astype(bool)]
suppressed = summary[summary["suppressed"].astype(bool)]

st.subheader(_("How long until paid"), anchor=False)
common.chart("delay_curves", {"platforms": tuple(platforms)}, key="km_chart")
common.caption(
    int(shown["n_reports"].sum()) if not shown.empty else 0, _("approved reports in the curves"),
    extra=_("{n} still waiting (censored) · {note}").format(
        n=int(shown["n_waiting"].sum()) if not shown.empty else 0, note=as_of_note),
)

left, right = st.columns([3, 2])
with right:
    common.chart("median_delay", {"platforms": tuple(platforms)}, key="median_chart")
with left:
    if shown.empty:
        st.info(_("No platform has {n} or more approved reports yet.").format(n=queries.MIN_REPORTS))
    else:
        open_text = pgettext("interval without an upper end", "open")
        common.frame_table(pd.DataFrame({
            _("platform"): [names.get(p, p) for p in shown["platform_id"]],
            # Translators: a table header, "n" is the number of reports.
            _("n reports"): shown["n_reports"],
            _("independent"): shown["n_independent"],
            _("paid"): shown["n_paid"],
            _("waiting"): shown["n_waiting"],
            _("median days late"): shown["median_days_late"].map(median_text),
            _("95% interval"): [
                f"{common.fmt_number(lo)}–{common.fmt_number(hi) if not common.is_missing(hi) else open_text}"
                for lo, hi in zip(shown["median_ci_low"], shown["median_ci_high"], strict=True)
            ],
            # Translators: a table header; "d" is days.
            _("unpaid after 30 d"): shown["unpaid_after_30d"].map(common.fmt_share),
            _("60 d"): shown["unpaid_after_60d"].map(common.fmt_share),
            _("90 d"): shown["unpaid_after_90d"].map(common.fmt_share),
            _("note"): shown["note"].map(reasons.shown),
        }))
        st.caption(_(
            "“Independent” counts one mass incident (many reports of one event) once. “Unpaid after N "
            "days” is blank where no report was followed that long. The interval is the 95% "
            "confidence interval of the median (exponential Greenwood)."
        ))

if not suppressed.empty:
    st.warning(
        _("Suppressed: {platforms} — fewer than {n} approved reports each. Their numbers are not shown: "
          "with so few reports a median would be false precision, and could point at the reporters.").format(
            platforms=", ".join(common.md_escape(names.get(p, p)) for p in suppressed["platform_id"]),
            n=queries.MIN_REPORTS),
        icon=":material/lock:",
    )

st.subheader(_("By month and by payment method"), anchor=False)
grouping = common.param_choice(
    _("Group by"), ["month", "payment_method"], key="by", default="month", widget="radio",
    format_func={"month": _("Month pay was due"), "payment_method": _("Payment method")}.get,
)
grouped = common.query(queries.delay_summary, by=grouping, platforms=tuple(platforms))
if grouping == "month":
    days = int(common.param_choice(_("Still unpaid after"), ["30", "60", "90"], key="days", default="30",
                                   widget="radio", format_func=lambda d: _("{days} days").format(days=d)))
    common.chart("unpaid_share", {"platforms": tuple(platforms), "days": str(days)}, key="month_chart")
visible = grouped[~grouped["suppressed"].astype(bool)]
hidden = grouped[grouped["suppressed"].astype(bool)]
key_column = "month" if grouping == "month" else "payment_method"
key_header = _("month") if grouping == "month" else _("payment method")
if not visible.empty:
    common.frame_table(pd.DataFrame({
        _("platform"): [names.get(p, p) for p in visible["platform_id"]],
        key_header: visible[key_column],
        _("n reports"): visible["n_reports"],
        _("median days late"): visible["median_days_late"].map(median_text),
        _("unpaid after 30 d"): visible["unpaid_after_30d"].map(common.fmt_share),
        _("60 d"): visible["unpaid_after_60d"].map(common.fmt_share),
        _("90 d"): visible["unpaid_after_90d"].map(common.fmt_share),
    }))
common.caption(int(visible["n_reports"].sum()) if not visible.empty else 0, _("approved reports shown"),
               # Translators: English keeps one form for every count.
               extra=ngettext("{n} groups suppressed (small, or hidden so a small one cannot be worked out) · {note}",
                              "{n} groups suppressed (small, or hidden so a small one cannot be worked out) · {note}",
                              len(hidden)).format(n=len(hidden), note=as_of_note))
if not hidden.empty:
    with st.expander(_("Which groups are suppressed ({n})").format(n=len(hidden))):
        common.frame_table(pd.DataFrame({
            _("platform"): [names.get(p, p) for p in hidden["platform_id"]],
            key_header: hidden[key_column],
            _("why"): hidden["note"].map(reasons.shown),
        }))

st.caption(_(
    "Days late run from the expected pay date (stated by the worker, or derived from the platform's "
    "published schedule) to payment in full. Reports are claims by workers, checked by moderators, "
    "not verified facts. See Methodology."
))

common.feed_links(platforms or sorted(names))
common.permalink_box()
