"""Time to payment, with unpaid reports counted as censored rather than dropped.

A report still waiting for its money says "at least N days late so far". Dropping such reports
would make delays look shorter than they are; counting them as paid on the day they were reported
would too. The Kaplan-Meier estimator uses them correctly: each report is at risk of being paid
until it is paid (an event) or until the last day its status was confirmed (censored).

Everything here is pure (lists and DataFrames in, DataFrames out) and is checked in the tests
against lifelines' `KaplanMeierFitter`, whose conventions it follows: the survival function is the
share *still unpaid*, its timeline starts at 0 and includes every observed duration, and the
confidence band is the exponential Greenwood ("log-log") interval.

Grouped summaries (by platform, month, payment method) never publish small groups: a group of
fewer than `MIN_GROUP_SIZE` reports comes back as one row with `suppressed=True`, no numbers and a
note saying why, so the page can say so rather than hide it.

Durations are the `followup_days` of each report: from the expected pay date to payment in full
(`paid_in_full`), or to the last confirmation that it was still not fully paid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

MIN_GROUP_SIZE = 5
DEFAULT_ALPHA = 0.05
UNPAID_AFTER_DAYS = (30, 60, 90)
SUPPRESSED_NOTE = f"fewer than {MIN_GROUP_SIZE} reports: not shown, to protect reporters"

KM_COLUMNS = ["days", "at_risk", "paid", "censored", "survival", "ci_lower", "ci_upper"]


def _as_arrays(durations_days: Sequence[float], paid_observed: Sequence[bool]) -> tuple[np.ndarray, np.ndarray]:
    durations = np.asarray(durations_days, dtype=float)
    observed = np.asarray(paid_observed, dtype=bool)
    if durations.shape != observed.shape or durations.ndim != 1:
        raise ValueError("durations_days and paid_observed must be two lists of the same length")
    if durations.size and (np.isnan(durations).any() or (durations < 0).any()):
        raise ValueError("durations must be numbers of days, 0 or more")
    return durations, observed


def kaplan_meier(
    durations_days: Sequence[float], paid_observed: Sequence[bool], *, alpha: float = DEFAULT_ALPHA
) -> pd.DataFrame:
    """The share still unpaid after each number of days, with a (1 - alpha) confidence band.

    One row per distinct day on the timeline (0 and every observed duration): how many reports
    were still at risk (not yet paid, not yet censored) on that day, how many were paid and how
    many censored that day, the survival estimate S(t) and its exponential-Greenwood interval.
    """
    durations, observed = _as_arrays(durations_days, paid_observed)
    if durations.size == 0:
        return pd.DataFrame(columns=KM_COLUMNS)
    timeline = np.unique(np.concatenate([[0.0], durations]))
    at_risk = np.array([(durations >= t).sum() for t in timeline], dtype=float)
    paid = np.array([((durations == t) & observed).sum() for t in timeline], dtype=float)
    censored = np.array([((durations == t) & ~observed).sum() for t in timeline], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        # A product, not lifelines' exp(sum(log)): 5/6 * 4/5 * 3/4 must be exactly one half, or
        # the median moves to the next day.
        survival = np.cumprod(np.where(at_risk > 0, (at_risk - paid) / at_risk, 1.0))
        greenwood_terms = paid / (at_risk * (at_risk - paid))
        greenwood_terms[~np.isfinite(greenwood_terms)] = 0.0
        greenwood = np.cumsum(greenwood_terms)
        z = NormalDist().inv_cdf(1 - alpha / 2)
        v = np.log(survival)
        lower = np.exp(-np.exp(np.log(-v) - z * np.sqrt(greenwood) / v))
        upper = np.exp(-np.exp(np.log(-v) + z * np.sqrt(greenwood) / v))
    lower = np.where(np.isnan(lower), 1.0, lower)
    upper = np.where(np.isnan(upper), 1.0, upper)
    return pd.DataFrame({
        "days": timeline,
        "at_risk": at_risk.astype(int),
        "paid": paid.astype(int),
        "censored": censored.astype(int),
        "survival": survival,
        "ci_lower": lower,
        "ci_upper": upper,
    })


def _first_day_at_or_below(days: pd.Series, values: pd.Series, q: float) -> float | None:
    below = values <= q + 1e-9  # a product that is one half up to rounding counts as one half
    if not below.any():
        return None
    return float(days[below.to_numpy().argmax()])


@dataclass(frozen=True, slots=True)
class MedianEstimate:
    """Median days late. `days` is None when more than half were still unpaid at the end of
    follow-up ("not reached"); `ci_high` is None when the interval is open-ended."""

    days: float | None
    ci_low: float | None
    ci_high: float | None
    n: int

    @property
    def reached(self) -> bool:
        return self.days is not None


def median_days_with_ci(
    durations_days: Sequence[float], paid_observed: Sequence[bool], *, alpha: float = DEFAULT_ALPHA
) -> MedianEstimate:
    """The first day by which half were paid, with the interval where the band crosses one half."""
    curve = kaplan_meier(durations_days, paid_observed, alpha=alpha)
    if curve.empty:
        return MedianEstimate(None, None, None, 0)
    days = curve["days"]
    return MedianEstimate(
        days=_first_day_at_or_below(days, curve["survival"], 0.5),
        ci_low=_first_day_at_or_below(days, curve["ci_lower"], 0.5),
        ci_high=_first_day_at_or_below(days, curve["ci_upper"], 0.5),
        n=len(durations_days),
    )


@dataclass(frozen=True, slots=True)
class ShareEstimate:
    """The share still unpaid after `days`, or None when follow-up does not reach that far."""

    days: int
    share: float | None
    ci_low: float | None
    ci_high: float | None


def share_unpaid_after(
    durations_days: Sequence[float], paid_observed: Sequence[bool], days: float,
    *, alpha: float = DEFAULT_ALPHA,
) -> ShareEstimate:
    """S(days): the estimated share of reports not yet paid `days` days after the due date.

    Undefined (None) past the longest follow-up unless everyone was already paid: the curve says
    nothing about days no report was watched for.
    """
    curve = kaplan_meier(durations_days, paid_observed, alpha=alpha)
    if curve.empty:
        return ShareEstimate(int(days), None, None, None)
    row_index = int((curve["days"] <= days).to_numpy().nonzero()[0][-1])
    row = curve.iloc[row_index]
    if days > curve["days"].iloc[-1] and curve["survival"].iloc[-1] > 0:
        return ShareEstimate(int(days), None, None, None)
    return ShareEstimate(int(days), float(row["survival"]), float(row["ci_lower"]), float(row["ci_upper"]))


# -- grouped summaries ------------------------------------------------------------------------------

SUMMARY_COLUMNS = [
    "n_reports", "n_independent", "n_paid", "n_waiting", "median_days_late", "median_ci_low",
    "median_ci_high", "median_reached", *(f"unpaid_after_{d}d" for d in UNPAID_AFTER_DAYS),
    "suppressed", "note",
]


def _independent_count(frame: pd.DataFrame) -> int:
    """Reports counted so that one tagged mass incident (event_id) counts once."""
    if "event_id" not in frame.columns:
        return len(frame)
    events = frame["event_id"].dropna()
    return int(frame["event_id"].isna().sum()) + int(events.nunique())


def summarise(frame: pd.DataFrame, *, alpha: float = DEFAULT_ALPHA) -> dict[str, object]:
    """One summary row for a set of reports with `followup_days` and `paid_in_full`."""
    usable = frame.dropna(subset=["followup_days"])
    n = len(usable)
    if n < MIN_GROUP_SIZE:
        row: dict[str, object] = {c: None for c in SUMMARY_COLUMNS}
        row.update(suppressed=True, note=SUPPRESSED_NOTE)
        return row
    durations = usable["followup_days"].astype(float).tolist()
    observed = usable["paid_in_full"].astype(bool).tolist()
    median = median_days_with_ci(durations, observed, alpha=alpha)
    row = {
        "n_reports": n,
        "n_independent": _independent_count(usable),
        "n_paid": int(sum(observed)),
        "n_waiting": n - int(sum(observed)),
        "median_days_late": median.days,
        "median_ci_low": median.ci_low,
        "median_ci_high": median.ci_high,
        "median_reached": median.reached,
        "suppressed": False,
        "note": "" if median.reached else "median not reached: more than half still unpaid",
    }
    for days in UNPAID_AFTER_DAYS:
        row[f"unpaid_after_{days}d"] = share_unpaid_after(durations, observed, days, alpha=alpha).share
    return row


def delay_summary(frame: pd.DataFrame, by: str | Sequence[str], *, alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """Time-to-payment figures per group (e.g. by="platform_id", by=["platform_id", "month"]).

    Groups of fewer than MIN_GROUP_SIZE usable reports are returned suppressed (no numbers).
    """
    keys = [by] if isinstance(by, str) else list(by)
    if frame.empty:
        return pd.DataFrame(columns=[*keys, *SUMMARY_COLUMNS])
    rows = []
    for group, part in frame.groupby(keys, dropna=False, sort=True):
        values = group if isinstance(group, tuple) else (group,)
        rows.append({**dict(zip(keys, values, strict=True)), **summarise(part, alpha=alpha)})
    return pd.DataFrame(rows, columns=[*keys, *SUMMARY_COLUMNS])


def by_platform(frame: pd.DataFrame) -> pd.DataFrame:
    return delay_summary(frame, "platform_id")


def by_month(frame: pd.DataFrame, date_column: str = "expected_pay_date") -> pd.DataFrame:
    """Grouped by the month pay was due (reports without an expected date have no delay)."""
    data = frame.assign(month=pd.to_datetime(frame[date_column]).dt.strftime("%Y-%m"))
    return delay_summary(data, "month")


def by_payment_method(frame: pd.DataFrame) -> pd.DataFrame:
    data = frame.assign(payment_method=frame["payment_method"].fillna("unknown"))
    return delay_summary(data, "payment_method")


def km_curves(frame: pd.DataFrame, by: str = "platform_id", *, alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """Kaplan-Meier curves per group, long format (group column + KM_COLUMNS), for plotting.

    Groups too small to publish are left out; `delay_summary` says which.
    """
    parts = []
    for group, part in frame.dropna(subset=["followup_days"]).groupby(by, sort=True):
        if len(part) < MIN_GROUP_SIZE:
            continue
        curve = kaplan_meier(part["followup_days"].astype(float).tolist(),
                             part["paid_in_full"].astype(bool).tolist(), alpha=alpha)
        curve.insert(0, by, group)
        curve.insert(1, "n_reports", len(part))
        parts.append(curve)
    if not parts:
        return pd.DataFrame(columns=[by, "n_reports", *KM_COLUMNS])
    return pd.concat(parts, ignore_index=True)

