"""`gigwatch reports stats`: the figures the Payment delays page shows, as text or JSON.

It reads them with the page's own query functions (`dashboard.queries.report_delay_figures`,
`report_pay_figures`, `report_incidents`), so a journalist, a test and the page read the same
published numbers, and every missing figure comes with the reason the page gives.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from collectors.store import Store

METHOD = ("Time from the due date to payment in full, estimated with the Turnbull estimator "
          "(interval-censored: a date given as a month or 'about' is an interval, never a day; a report "
          "still unpaid is right-censored). The median is a range where approximate dates leave it "
          "undetermined. Reports of one incident count once. Groups of fewer than 5 independent reports "
          "are not shown. Processor holds are counted apart, never as the platform's lateness.")


def _clean(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _records(frame: pd.DataFrame, drop: Sequence[str] = ("published_at",)) -> list[dict[str, Any]]:
    return [{str(k): _clean(v) for k, v in row.items() if k not in drop}
            for row in frame.to_dict("records")]


def stats_payload(store: Store, *, platform: str | None = None, source_class: str | None = None) -> dict[str, Any]:
    """The published report figures as plain values: delays (all classes, then per source class),
    effective pay, incidents, the method and whether it is demo data."""
    from dashboard import queries

    platforms = [platform] if platform else []
    delays = queries.report_delay_figures(store, platforms=platforms, source_class=source_class)
    by_class = {cls: _records(queries.report_delay_figures(store, platforms=platforms, source_class=cls))
                for cls in queries.report_source_classes(store)} if source_class is None else {}
    pay = queries.report_pay_figures(store, platforms=platforms)
    incidents = queries.report_incidents(store, platforms=platforms)
    published = delays["published_at"].max() if not delays.empty else None
    return {
        "method": METHOD,
        "is_demo": bool(store.is_demo),
        "published_at": _clean(published),
        "platform": platform,
        "source_class": source_class,
        "delays": _records(delays),
        "delays_by_source_class": by_class,
        "effective_pay": _records(pay),
        "incidents": _records(incidents),
    }


def _range(low: Any, high: Any, unit: str = "") -> str:
    if low is None:
        return "-"
    if high is None:
        return f"at least {low:g}{unit}"
    return f"{low:g}{unit}" if low == high else f"{low:g} to {high:g}{unit}"


def _share(low: Any, high: Any) -> str:
    if low is None:
        return "-"
    return f"{100 * low:.0f}%" if low == high else f"{100 * low:.0f}-{100 * high:.0f}%"


def delay_line(row: dict[str, Any]) -> str:
    """One platform's delay figure in words, or the reason it is missing."""
    name = row["platform_id"]
    if row.get("suppressed"):
        return f"{name}: not shown ({row.get('missing_detail')})"
    head = f"{name}: {row['n_reports']} report(s), {row['n_with_delay']} with a delay ({row['n_independent']} independent)"
    tiers = ", ".join(f"{row[f'n_tier_{t}']} {t.replace('_', ' ')}" for t in
                      ("self_reported", "evidence_described", "evidence_seen", "public_record")
                      if row.get(f"n_tier_{t}"))
    holds = row.get("n_processor_hold") or 0
    parts = [head]
    if row.get("median_days_low") is not None:
        parts.append(f"median {_range(row['median_days_low'], row['median_days_high'])} days late")
        parts.append("paid within 30/60/90 days: " + " / ".join(
            _share(row.get(f"paid_within_{d}d_low"), row.get(f"paid_within_{d}d_high")) for d in (30, 60, 90)))
    if row.get("missing_reason"):
        parts.append(f"no figure: {row['missing_detail']}")
    if holds:
        parts.append(f"{holds} held by a payment provider (counted apart)")
    if tiers:
        parts.append(f"tiers: {tiers}")
    if row.get("n_incidents"):
        parts.append(f"{row['n_incidents']} incident(s)")
    return "; ".join(parts)


def pay_line(row: dict[str, Any]) -> str:
    name = row["platform_id"]
    if row.get("suppressed"):
        return f"{name}: not shown ({row.get('missing_detail')})"
    if row.get("effective_hourly_usd_median") is None:
        return f"{name}: no figure: {row.get('missing_detail')}"
    stated = (f"; stated rate median ${row['stated_hourly_usd_median']:.2f} ({row['n_with_stated_rate']} reports), "
              f"{100 * row['share_below_stated_rate']:.0f}% earned less") if row.get("stated_hourly_usd_median") else ""
    return (f"{name}: effective ${row['effective_hourly_usd_median']:.2f}/hour (median; quartiles "
            f"${row['effective_hourly_usd_p25']:.2f}-${row['effective_hourly_usd_p75']:.2f}; "
            f"{row['n_independent']} independent reports with hours){stated}")


def format_stats(payload: dict[str, Any]) -> list[str]:
    lines = []
    if payload["is_demo"]:
        lines.append("DEMO DATA: these figures come from generated reports, not real workers.")
    if not payload["delays"] and not payload["effective_pay"]:
        lines.append("No published report figures yet: approve some reports (gigwatch reports approve).")
        return lines
    lines.append(f"Payment delays (published {payload['published_at']})"
                 + (f", {payload['source_class']} only" if payload["source_class"] else "") + ":")
    lines.extend(f"  {delay_line(row)}" for row in payload["delays"])
    for cls, rows in payload["delays_by_source_class"].items():
        lines.append(f"  by source: {cls}")
        lines.extend(f"    {delay_line(row)}" for row in rows)
    lines.append("Effective hourly pay (amount received / all hours worked, paid and unpaid):")
    lines.extend(f"  {pay_line(row)}" for row in payload["effective_pay"])
    if payload["incidents"]:
        lines.append("Incidents:")
        lines.extend(f"  {row['event_date'] or 'date unknown'}  {row['platform_id'] or '-'}  {row['kind']}: {row['title']}"
                     for row in payload["incidents"])
    lines.append(f"Method: {payload['method']}")
    return lines
