"""Issue 14's report figures on the pages: the interval-censored delay figures with the reason for
every missing one, a source filter, incidents as dated events (Payment delays), and effective
against advertised hourly pay (Pay trends). Thin: widgets call `dashboard.queries`, charts come
from `dashboard.charts`; kept apart from the page files so each page needs one call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from collectors.report_stats import METHOD
from dashboard import common, i18n, queries, reasons
from dashboard.i18n import N_, _

SOURCE_LABELS = {"all": N_("All sources"), "worker_report": N_("Workers' own reports (form)"),
                 "union_import": N_("Imported by a union or workers' group"),
                 "public_record": N_("Public records (news, court filings, public forum posts)")}
TIER_LABELS = {"self_reported": N_("self-reported"), "evidence_described": N_("evidence described"),
               "evidence_seen": N_("evidence seen"), "public_record": N_("public record")}
GRIEVANCE_LABELS = {"late_payment": N_("late"), "missing_payment": N_("not paid"), "rate_cut": N_("rate cut"),
                    "paid_less_than_agreed": N_("paid less"), "bonus_not_paid": N_("bonus not paid"),
                    "hours_disputed": N_("hours disputed"), "deactivated_with_balance": N_("closed with balance"),
                    "processor_hold": N_("processor hold"), "legal_action": N_("legal action")}


def source_label(source: str) -> str:
    return i18n.translated(SOURCE_LABELS[source]) if source in SOURCE_LABELS else source


def _range(low: object, high: object) -> str:
    if common.is_missing(low):
        return "—"
    if common.is_missing(high):
        return _("≥ {n} (not reached)").format(n=common.fmt_number(low))
    return common.fmt_number(low) if low == high else f"{common.fmt_number(low)}–{common.fmt_number(high)}"


def _share(low: object, high: object) -> str:
    if common.is_missing(low):
        return "—"
    return common.fmt_share(low) if low == high else f"{common.fmt_share(low)}–{common.fmt_share(high)}"


def _counts(row: Mapping[Any, Any], prefix: str, labels: Mapping[str, str]) -> str:
    parts = [f"{int(row[f'{prefix}{k}'])} {i18n.translated(v)}" for k, v in labels.items()
             if not common.is_missing(row.get(f"{prefix}{k}")) and row.get(f"{prefix}{k}")]
    return ", ".join(parts) or "—"


def delay_figures_block(platforms: Sequence[str], names: Mapping[str, str]) -> None:
    """Payment delays: the interval-censored figures, with the reason for each missing one."""
    st.subheader(_("Time to payment, with approximate dates as intervals"), anchor=False)
    classes = ["all", *common.query(queries.report_source_classes_frame)["source_class"].tolist()]
    source = common.param_choice(_("Source of the reports"), classes, key="source", default="all",
                                 widget="radio", format_func=source_label)
    figures = common.query(queries.report_delay_figures, platforms=tuple(platforms),
                           source_class=None if source == "all" else source)
    if figures.empty:
        st.info(_("No published figures from approved reports yet: once a moderator approves reports, "
                  "they appear here with the reason for every missing figure."))
        return
    shown = figures[~figures["suppressed"].astype(bool)]
    common.chart("median_range", {"platforms": tuple(platforms), "source": source}, key="median_range_chart")
    rows = []
    for row in figures.to_dict("records"):
        hidden = bool(row["suppressed"])
        rows.append({
            _("platform"): names.get(str(row["platform_id"]), str(row["platform_id"])),
            _("reports"): "—" if hidden else common.fmt_number(row["n_reports"]),
            _("with a delay (independent)"): "—" if hidden else
            f"{common.fmt_number(row['n_with_delay'])} ({common.fmt_number(row['n_independent'])})",
            _("median days late"): _range(row["median_days_low"], row["median_days_high"]),
            _("paid within 30 d"): _share(row["paid_within_30d_low"], row["paid_within_30d_high"]),
            _("60 d"): _share(row["paid_within_60d_low"], row["paid_within_60d_high"]),
            _("90 d"): _share(row["paid_within_90d_low"], row["paid_within_90d_high"]),
            _("processor holds (apart)"): "—" if hidden else common.fmt_number(row["n_processor_hold"]),
            _("verification"): "—" if hidden else _counts(row, "n_tier_", TIER_LABELS),
            _("grievances"): "—" if hidden else _counts(row, "n_grievance_", GRIEVANCE_LABELS),
            _("incidents"): "—" if hidden else common.fmt_number(row["n_incidents"]),
            _("why a figure is missing"): reasons.shown(row["missing_detail"] or ""),
        })
    common.frame_table(pd.DataFrame(rows))
    common.caption(int(shown["n_reports"].sum()) if not shown.empty else 0,
                   _("approved reports in shown groups"),
                   extra=_("{n} group(s) not shown · {source} · latest publication").format(
                       n=len(figures) - len(shown), source=source_label(source))
                   + (" · " + _("DEMO DATA") if bool(figures["is_demo"].any()) else ""))
    # Translators: {method} is the method's description (kept in English for now).
    st.caption(_("Method: {method} A report held by a payment provider (PayPal, AirTM ...) is counted "
                 "under “processor holds”, never in days late. “Paid within N days” is blank where no "
                 "report was followed that long.").format(method=METHOD))
    incidents = common.query(queries.report_incidents, platforms=tuple(platforms))
    if not incidents.empty:
        common.chart("incidents", {"platforms": tuple(platforms)}, key="incidents_chart")
        common.frame_table(pd.DataFrame({
            _("date"): incidents["event_date"].map(common.fmt_date),
            _("platform"): [names.get(p, p) if isinstance(p, str) else "—" for p in incidents["platform_id"]],
            _("what"): incidents["kind"].str.replace("_", " "),
            _("incident"): incidents["title"],
            _("source"): incidents["source_url"].fillna(""),
        }))
        common.caption(len(incidents), _("incidents recorded by moderators"),
                       extra=_("the reports of one incident count once in every figure"))


def effective_pay_block(platforms: Sequence[str], categories: Sequence[str], names: Mapping[str, str]) -> None:
    """Pay trends: what workers earned an hour (reports) next to what listings advertise."""
    st.subheader(_("Effective pay from reports, next to advertised pay"), anchor=False)
    pay = common.query(queries.report_pay_figures, platforms=tuple(platforms))
    if pay.empty:
        st.info(_("No published pay figures from approved reports yet."))
        return
    advertised = common.query(queries.overview_pay, days_back=queries.ADVERTISED_NOW_DAYS_BACK, platforms=tuple(platforms),
                              categories=tuple(categories))
    common.chart("effective_pay", {"platforms": tuple(platforms), "categories": tuple(categories)},
                 key="effective_pay_chart")
    ads = advertised.set_index("platform_id") if not advertised.empty else pd.DataFrame()
    rows = []
    for row in pay.to_dict("records"):
        platform = str(row["platform_id"])
        ad = ads.loc[platform] if platform in ads.index else None
        rows.append({
            _("platform"): names.get(platform, platform),
            _("effective $/h (median)"): common.fmt_usd(row["effective_hourly_usd_median"]),
            _("middle half"): "—" if common.is_missing(row["effective_hourly_usd_p25"]) else
            f"{common.fmt_usd(row['effective_hourly_usd_p25'])}–{common.fmt_usd(row['effective_hourly_usd_p75'])}",
            _("n (independent)"): common.fmt_number(row["n_independent"]),
            _("rate workers were told"): common.fmt_usd(row["stated_hourly_usd_median"]),
            _("earned less than told"): common.fmt_share(row["share_below_stated_rate"]),
            _("advertised $/h (listings)"): common.fmt_usd(ad["median_hourly_usd_now"]) if ad is not None else "—",
            _("n listings"): common.fmt_number(ad["n_hourly_now"]) if ad is not None else "—",
            _("why a figure is missing"): reasons.shown(row["missing_detail"] or ""),
        })
    common.frame_table(pd.DataFrame(rows))
    st.caption(
        _("Effective hourly pay = amount received ÷ all hours worked, paid and unpaid (onboarding, "
          "assessments, retraining, waiting for tasks, hours removed), converted to USD; median and "
          "middle half over independent reports (one incident once); groups of fewer than 5 not shown. "
          "Reports do not carry a role category, so the effective figure covers the platform's roles; "
          "the advertised median follows the Role category filter above (listings open now).")
        + (" " + _("DEMO DATA.") if bool(pay["is_demo"].any()) else "")
    )
