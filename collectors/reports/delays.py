"""Time to payment, with unpaid reports counted as censored rather than dropped.

A report still waiting for its money says "at least N days late so far". Dropping such reports
would make delays look shorter than they are; counting them as paid on the day they were reported
would too. The Kaplan-Meier estimator uses them correctly: each report is at risk of being paid
until it is paid (an event) or until the last day its status was confirmed (censored).

Everything here is pure (lists and DataFrames in, DataFrames out) and is checked in the tests
against lifelines' `KaplanMeierFitter`, whose conventions it follows: the survival function is the
share *still unpaid*, its timeline starts at 0 and includes every observed duration, and the
confidence band is the exponential Greenwood ("log-log") interval.

The estimator needs counts only: per group and distinct follow-up day, how many reports were paid
that day and how many were censored (the *risk sets*, `RISK_SET_COLUMNS`). `risk_sets()` counts
report rows; the dashboard has SQL count them (`dashboard.queries`), so 200,000 reports reach
Python as a few thousand counts. Curves, medians and shares all come from one implementation
over such counts (`_stack`), whether the input was rows or counts.

Grouped summaries (by platform, month, payment method) never publish small groups: a group of
fewer than `MIN_GROUP_SIZE` reports comes back as one row with `suppressed=True`, no numbers and a
note saying why, so the page can say so rather than hide it.

Durations are the `followup_days` of each report: from the expected pay date to payment in full
(`paid_in_full`), or to the last confirmation that it was still not fully paid.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from collectors.reports import reasons as reason_table

MIN_GROUP_SIZE = 5
DEFAULT_ALPHA = 0.05
UNPAID_AFTER_DAYS = (30, 60, 90)
SUPPRESSED_NOTE = reason_table.detail("suppressed", min_reports=MIN_GROUP_SIZE)

KM_COLUMNS = ["days", "at_risk", "paid", "censored", "survival", "ci_lower", "ci_upper"]
# Per group (the key columns before these) and distinct follow-up day: the group's independent
# reports, the day, and the reports paid and censored that day. A group none of whose reports has
# a follow-up has one row with no day.
RISK_SET_COLUMNS = ["n_independent", "days", "paid", "censored"]


def _as_arrays(durations_days: Sequence[float], paid_observed: Sequence[bool]) -> tuple[np.ndarray, np.ndarray]:
    durations = np.asarray(durations_days, dtype=float)
    observed = np.asarray(paid_observed, dtype=bool)
    if durations.shape != observed.shape or durations.ndim != 1:
        raise ValueError("durations_days and paid_observed must be two lists of the same length")
    return durations, observed


# -- the estimator, over stacked groups of counts ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Curves:
    """Kaplan-Meier curves of several groups stacked: group g is rows `starts[g]:starts[g + 1]`,
    one row per day of its timeline (0 first, then every day with a report paid or censored)."""

    starts: np.ndarray
    days: np.ndarray
    at_risk: np.ndarray
    paid: np.ndarray
    censored: np.ndarray
    survival: np.ndarray
    ci_lower: np.ndarray
    ci_upper: np.ndarray

    @property
    def group(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.starts) - 1), np.diff(self.starts))

    @property
    def n_reports(self) -> np.ndarray:
        return self.at_risk[self.starts[:-1]]  # on day 0 every report is at risk

    def frame(self, rows: np.ndarray | slice = slice(None)) -> pd.DataFrame:
        return pd.DataFrame({
            "days": self.days[rows],
            "at_risk": self.at_risk[rows].astype(int),
            "paid": self.paid[rows].astype(int),
            "censored": self.censored[rows].astype(int),
            "survival": self.survival[rows],
            "ci_lower": self.ci_lower[rows],
            "ci_upper": self.ci_upper[rows],
        })


def _per_group(accumulate: np.ufunc, values: np.ndarray, starts: np.ndarray, identity: float) -> np.ndarray:
    """A running product or sum (np.multiply, np.add) restarted at each group. The groups are laid
    out as rows of a grid padded at the end, so each group gets exactly the operations np.cumprod
    or np.cumsum would do on it alone (a product, not exp(sum(log)): 5/6 * 4/5 * 3/4 must be
    exactly one half, or the median moves to the next day)."""
    lengths = np.diff(starts)
    width = int(lengths.max(initial=0))
    if len(lengths) * width > 4_000_000:  # many groups and a long one: one at a time, less memory
        return np.concatenate([accumulate.accumulate(values[a:b]) for a, b in pairwise(starts)])
    group = np.repeat(np.arange(len(lengths)), lengths)
    column = np.arange(len(values)) - starts[group]
    grid = np.full((len(lengths), width), identity)
    grid[group, column] = values
    return accumulate.accumulate(grid, axis=1)[group, column]


def _stack(group: np.ndarray, days: np.ndarray, paid: np.ndarray, censored: np.ndarray,
           n_groups: int, alpha: float) -> _Curves:
    """The curves of `n_groups` groups from counts: row i says that in group `group[i]`, on day
    `days[i]`, `paid[i]` reports were paid and `censored[i]` censored. Rows may come in any order
    and repeat a day (one row per report is fine too)."""
    days = np.asarray(days, dtype=float)
    paid = np.asarray(paid, dtype=float)
    censored = np.asarray(censored, dtype=float)
    group = np.asarray(group, dtype=np.int64)
    if not (group.shape == days.shape == paid.shape == censored.shape) or days.ndim != 1:
        raise ValueError("groups, days and counts must be lists of the same length")
    if days.size and (np.isnan(days).any() or (days < 0).any()):
        raise ValueError("durations must be numbers of days, 0 or more")
    if (paid < 0).any() or (censored < 0).any() or np.isnan(paid).any() or np.isnan(censored).any():
        raise ValueError("counts of paid and censored reports must be 0 or more")
    # Every group's timeline starts at day 0, whether or not anything happened that day.
    zero = np.zeros(n_groups)
    group = np.concatenate([np.arange(n_groups), group])
    days, paid, censored = (np.concatenate([zero, a]) for a in (days, paid, censored))
    order = np.lexsort((days, group))
    group, days, paid, censored = group[order], days[order], paid[order], censored[order]
    new_day = np.ones(len(days), dtype=bool)
    new_day[1:] = (group[1:] != group[:-1]) | (days[1:] != days[:-1])
    row = np.cumsum(new_day) - 1
    paid = np.bincount(row, weights=paid)
    censored = np.bincount(row, weights=censored)
    group, days = group[new_day], days[new_day]
    starts = np.searchsorted(group, np.arange(n_groups + 1))
    # At risk on a day: the group's reports not yet paid or censored on an earlier day.
    left = paid + censored
    left_before = np.cumsum(left) - left  # in this group and the groups before it
    group_total = np.add.reduceat(left, starts[:-1]) if n_groups else np.zeros(0)
    at_risk = group_total[group] - (left_before - left_before[starts[:-1]][group])
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = _per_group(np.multiply, np.where(at_risk > 0, (at_risk - paid) / at_risk, 1.0), starts, 1.0)
        greenwood_terms = paid / (at_risk * (at_risk - paid))
        greenwood_terms[~np.isfinite(greenwood_terms)] = 0.0
        greenwood = _per_group(np.add, greenwood_terms, starts, 0.0)
        z = NormalDist().inv_cdf(1 - alpha / 2)
        v = np.log(survival)
        lower = np.exp(-np.exp(np.log(-v) - z * np.sqrt(greenwood) / v))
        upper = np.exp(-np.exp(np.log(-v) + z * np.sqrt(greenwood) / v))
    lower = np.where(np.isnan(lower), 1.0, lower)
    upper = np.where(np.isnan(upper), 1.0, upper)
    return _Curves(starts, days, at_risk, paid, censored, survival, lower, upper)


def _first_day_at_or_below(curves: _Curves, values: np.ndarray, q: float) -> np.ndarray:
    """Per group, the first day `values` is at most q (NaN when it never is)."""
    if len(curves.starts) < 2:
        return np.zeros(0)
    below = values <= q + 1e-9  # a product that is one half up to rounding counts as one half
    index = np.where(below, np.arange(len(values)), len(values))
    first = np.minimum.reduceat(index, curves.starts[:-1])
    return np.where(first < len(values), curves.days[np.minimum(first, len(values) - 1)], np.nan)


def _row_on_day(curves: _Curves, days: float) -> tuple[np.ndarray, np.ndarray]:
    """Per group, the row of the curve on `days` (the last day at or before it), and whether the
    curve says anything about that day: not past the longest follow-up, unless all were paid."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    if len(curves.starts) < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    reached = np.add.reduceat((curves.days <= days).astype(np.int64), curves.starts[:-1])
    row = curves.starts[:-1] + reached - 1
    last = curves.starts[1:] - 1
    known = ~((days > curves.days[last]) & (curves.survival[last] > 0))
    return row, known


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


# -- one group ---------------------------------------------------------------------------------------


def kaplan_meier_counts(
    days: Sequence[float], paid: Sequence[float], censored: Sequence[float], *, alpha: float = DEFAULT_ALPHA
) -> pd.DataFrame:
    """`kaplan_meier` from counts: on each of `days`, how many reports were paid and how many
    censored. Days may repeat and come in any order; their counts add up."""
    days_array = np.asarray(days, dtype=float)
    if days_array.size == 0:
        return pd.DataFrame(columns=KM_COLUMNS)
    group = np.zeros(days_array.shape, dtype=np.int64)
    return _stack(group, days_array, np.asarray(paid, dtype=float), np.asarray(censored, dtype=float),
                  1, alpha).frame()


def _from_rows(durations_days: Sequence[float], paid_observed: Sequence[bool], alpha: float) -> _Curves | None:
    """One group's curve, each report a count of one."""
    durations, observed = _as_arrays(durations_days, paid_observed)
    if durations.size == 0:
        return None
    return _stack(np.zeros(durations.size, dtype=np.int64), durations, observed.astype(float),
                  (~observed).astype(float), 1, alpha)


def kaplan_meier(
    durations_days: Sequence[float], paid_observed: Sequence[bool], *, alpha: float = DEFAULT_ALPHA
) -> pd.DataFrame:
    """The share still unpaid after each number of days, with a (1 - alpha) confidence band.

    One row per distinct day on the timeline (0 and every observed duration): how many reports
    were still at risk (not yet paid, not yet censored) on that day, how many were paid and how
    many censored that day, the survival estimate S(t) and its exponential-Greenwood interval.
    """
    curves = _from_rows(durations_days, paid_observed, alpha)
    return pd.DataFrame(columns=KM_COLUMNS) if curves is None else curves.frame()


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
    curves = _from_rows(durations_days, paid_observed, alpha)
    if curves is None:
        return MedianEstimate(None, None, None, 0)
    return MedianEstimate(
        days=_number(_first_day_at_or_below(curves, curves.survival, 0.5)[0]),
        ci_low=_number(_first_day_at_or_below(curves, curves.ci_lower, 0.5)[0]),
        ci_high=_number(_first_day_at_or_below(curves, curves.ci_upper, 0.5)[0]),
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
    curves = _from_rows(durations_days, paid_observed, alpha)
    if curves is None:
        return ShareEstimate(int(days), None, None, None)
    rows, known = _row_on_day(curves, days)
    if not known[0]:
        return ShareEstimate(int(days), None, None, None)
    row = rows[0]
    return ShareEstimate(int(days), float(curves.survival[row]), float(curves.ci_lower[row]),
                         float(curves.ci_upper[row]))


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


def _summaries(curves: _Curves, n_independent: Sequence[int] | np.ndarray) -> list[dict[str, object]]:
    """One summary row per group of `curves` (SUMMARY_COLUMNS); small groups suppressed."""
    if len(curves.starts) < 2:
        return []
    n_reports = curves.n_reports
    n_paid = np.add.reduceat(curves.paid, curves.starts[:-1])
    median = _first_day_at_or_below(curves, curves.survival, 0.5)
    low = _first_day_at_or_below(curves, curves.ci_lower, 0.5)
    high = _first_day_at_or_below(curves, curves.ci_upper, 0.5)
    shares = {days: _row_on_day(curves, days) for days in UNPAID_AFTER_DAYS}
    rows: list[dict[str, object]] = []
    for g, n in enumerate(n_reports):
        if n < MIN_GROUP_SIZE:
            row: dict[str, object] = {c: None for c in SUMMARY_COLUMNS}
            row.update(suppressed=True, note=SUPPRESSED_NOTE)
            rows.append(row)
            continue
        reached = not math.isnan(median[g])
        row = {
            "n_reports": int(n),
            "n_independent": int(n_independent[g]),
            "n_paid": int(n_paid[g]),
            "n_waiting": int(n) - int(n_paid[g]),
            "median_days_late": _number(median[g]),
            "median_ci_low": _number(low[g]),
            "median_ci_high": _number(high[g]),
            "median_reached": reached,
            "suppressed": False,
            "note": "" if reached else reason_table.detail("median_not_reached_note"),
        }
        for days, (on_day, known) in shares.items():
            row[f"unpaid_after_{days}d"] = float(curves.survival[on_day[g]]) if known[g] else None
        rows.append(row)
    return rows


def summarise(frame: pd.DataFrame, *, alpha: float = DEFAULT_ALPHA) -> dict[str, object]:
    """One summary row for a set of reports with `followup_days` and `paid_in_full`."""
    usable = frame.dropna(subset=["followup_days"])
    observed = usable["paid_in_full"].astype(bool).to_numpy()
    curves = _stack(np.zeros(len(usable), dtype=np.int64), usable["followup_days"].astype(float).to_numpy(),
                    observed.astype(float), (~observed).astype(float), 1, alpha)
    return _summaries(curves, [_independent_count(usable)])[0]


def risk_sets(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Count report rows (`followup_days`, `paid_in_full`, optionally `event_id`) into risk sets
    per group of `keys`: the key columns, then RISK_SET_COLUMNS, sorted by group and day."""
    keys = list(keys)
    if frame.empty:
        return pd.DataFrame(columns=[*keys, *RISK_SET_COLUMNS])
    grouped = frame.groupby(keys, dropna=False, sort=True)
    code = grouped.ngroup().to_numpy()
    n_groups = grouped.ngroups
    usable = frame["followup_days"].notna().to_numpy()
    paid = frame.loc[usable, "paid_in_full"].astype(bool).to_numpy()
    counted = pd.DataFrame({
        "group": code[usable],
        "days": frame.loc[usable, "followup_days"].astype(float).to_numpy(),
        "paid": paid.astype(np.int64),
        "censored": (~paid).astype(np.int64),
    }).groupby(["group", "days"], sort=True, as_index=False).sum()
    # Groups whose reports all lack a follow-up still exist (they show as suppressed).
    silent = np.setdiff1d(np.arange(n_groups), counted["group"].to_numpy())
    if silent.size:
        counted = pd.concat([counted, pd.DataFrame({"group": silent, "days": np.nan, "paid": 0, "censored": 0})])
        counted = counted.sort_values(["group", "days"], kind="stable", ignore_index=True)
    if "event_id" in frame.columns:
        events = frame.loc[usable, "event_id"]
        independent = np.bincount(code[usable][events.isna().to_numpy()], minlength=n_groups)
        tagged = pd.DataFrame({"group": code[usable], "event_id": events.to_numpy()}).dropna().drop_duplicates()
        independent += np.bincount(tagged["group"].to_numpy(dtype=np.int64), minlength=n_groups)
    else:
        independent = np.bincount(code[usable], minlength=n_groups)
    group = counted["group"].to_numpy()
    key_values = grouped.size().index.to_frame(index=False).iloc[group].reset_index(drop=True)
    return pd.concat([
        key_values,
        pd.DataFrame({"n_independent": independent[group], "days": counted["days"],
                      "paid": counted["paid"], "censored": counted["censored"]}),
    ], axis=1)


def _stack_risk_sets(risk: pd.DataFrame, keys: list[str], alpha: float) -> tuple[list[tuple[Any, ...]], np.ndarray, _Curves]:
    """The groups of a risk-set table (key values, in pandas' sorted group order, missing values
    last), each group's independent reports, and their curves."""
    grouped = risk.groupby(keys, dropna=False, sort=True)
    code = grouped.ngroup().to_numpy()
    groups = [g if isinstance(g, tuple) else (g,) for g in grouped.size().index.tolist()]
    independent = np.zeros(len(groups), dtype=np.int64)
    independent[code] = risk["n_independent"].fillna(0).to_numpy(dtype=np.int64)
    counted = risk["days"].notna().to_numpy()
    curves = _stack(code[counted], risk["days"].to_numpy(dtype=float)[counted],
                    risk["paid"].to_numpy(dtype=float)[counted], risk["censored"].to_numpy(dtype=float)[counted],
                    len(groups), alpha)
    return groups, independent, curves


def summaries_from_risk_sets(risk: pd.DataFrame, by: str | Sequence[str], *, alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """`delay_summary` from a risk-set table (see `risk_sets`) grouped by `by`."""
    keys = [by] if isinstance(by, str) else list(by)
    if risk.empty:
        return pd.DataFrame(columns=[*keys, *SUMMARY_COLUMNS])
    groups, independent, curves = _stack_risk_sets(risk, keys, alpha)
    rows = [
        {**dict(zip(keys, values, strict=True)), **summary}
        for values, summary in zip(groups, _summaries(curves, independent), strict=True)
    ]
    return pd.DataFrame(rows, columns=[*keys, *SUMMARY_COLUMNS])


def delay_summary(frame: pd.DataFrame, by: str | Sequence[str], *, alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """Time-to-payment figures per group (e.g. by="platform_id", by=["platform_id", "month"]).

    Groups of fewer than MIN_GROUP_SIZE usable reports are returned suppressed (no numbers).
    """
    keys = [by] if isinstance(by, str) else list(by)
    return summaries_from_risk_sets(risk_sets(frame, keys), keys, alpha=alpha)


def by_platform(frame: pd.DataFrame) -> pd.DataFrame:
    return delay_summary(frame, "platform_id")


def by_month(frame: pd.DataFrame, date_column: str = "expected_pay_date") -> pd.DataFrame:
    """Grouped by the month pay was due (reports without an expected date have no delay)."""
    data = frame.assign(month=pd.to_datetime(frame[date_column]).dt.strftime("%Y-%m"))
    return delay_summary(data, "month")


def by_payment_method(frame: pd.DataFrame) -> pd.DataFrame:
    data = frame.assign(payment_method=frame["payment_method"].fillna("unknown"))
    return delay_summary(data, "payment_method")


def curves_from_risk_sets(risk: pd.DataFrame, by: str = "platform_id", *, alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """`km_curves` from a risk-set table (see `risk_sets`) grouped by `by`."""
    empty = pd.DataFrame(columns=[by, "n_reports", *KM_COLUMNS])
    if risk.empty:
        return empty
    groups, _, curves = _stack_risk_sets(risk, [by], alpha)
    shown = (curves.n_reports >= MIN_GROUP_SIZE) & pd.notna([g[0] for g in groups])
    rows = shown[curves.group]
    if not rows.any():
        return empty
    frame = curves.frame(rows)
    group = curves.group[rows]
    frame.insert(0, by, [groups[g][0] for g in group])
    frame.insert(1, "n_reports", curves.n_reports[group].astype(int))
    return frame


def km_curves(frame: pd.DataFrame, by: str = "platform_id", *, alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """Kaplan-Meier curves per group, long format (group column + KM_COLUMNS), for plotting.

    Groups too small to publish are left out; `delay_summary` says which.
    """
    return curves_from_risk_sets(risk_sets(frame, [by]), by, alpha=alpha)


# -- interval-censored time to payment (issue 14) ---------------------------------------------------
#
# Real reports give dates as intervals ("early July", "about three weeks later"), so each report
# says only that payment came between `lower` and `upper` days after the due date (`upper` = inf
# while it is still unpaid: right-censored). The Turnbull estimator is the nonparametric maximum
# likelihood estimate of the distribution of such data: it puts probability mass only on the
# *innermost intervals* (a left end immediately followed by a right end, among all ends sorted)
# and finds the masses by EM. Where a mass sits inside its interval is not identified, so the
# survival curve, the median and every share are intervals, never a single made-up day. Checked
# against lifelines' `KaplanMeierFitter.fit_interval_censoring` in tests/test_reports_turnbull.py.

SHARE_PAID_WITHIN_DAYS = (30, 60, 90)


@dataclass(frozen=True, slots=True)
class TurnbullFit:
    """The NPMLE: probability `mass[j]` that payment came in the closed interval
    [`left[j]`, `right[j]`] of days after the due date (right may be inf: never paid in view)."""

    left: np.ndarray
    right: np.ndarray
    mass: np.ndarray
    n: int
    iterations: int
    log_likelihood: float

    def survival_bounds(self, days: float) -> tuple[float, float]:
        """(lowest, highest) share still unpaid `days` after the due date that fits the data."""
        lowest = float(self.mass[self.left > days].sum())
        highest = float(self.mass[self.right > days].sum())
        return min(lowest, 1.0), min(highest, 1.0)

    def share_paid_within(self, days: float) -> tuple[float, float]:
        """(lowest, highest) share paid within `days` days of the due date."""
        lowest_unpaid, highest_unpaid = self.survival_bounds(days)
        return max(0.0, 1.0 - highest_unpaid), max(0.0, 1.0 - lowest_unpaid)

    def median_bounds(self) -> tuple[float | None, float | None]:
        """The earliest and latest day the median can be; None when more than half may never
        have been paid within the data's view (the median is not reached)."""
        cumulative = np.cumsum(self.mass)
        k = int(np.searchsorted(cumulative, 0.5 - 1e-9))
        if k >= len(self.mass):
            return None, None
        low = float(self.left[k])
        high = float(self.right[k])
        return (None if math.isinf(low) else low), (None if math.isinf(high) else high)


def turnbull_intervals(lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The innermost intervals of closed observation intervals (lifelines' convention: at a tie
    a left end sorts before a right end, so [3, 3] and [0, 3] share the point 3)."""
    ends = sorted([(float(x), 0) for x in lower] + [(float(x), 1) for x in upper])
    pairs = sorted({(a[0], b[0]) for a, b in pairwise(ends) if a[1] == 0 and b[1] == 1})
    return np.array([a for a, _ in pairs], dtype=float), np.array([b for _, b in pairs], dtype=float)


def turnbull(lower_days: Sequence[float] | np.ndarray, upper_days: Sequence[float] | np.ndarray, *,
             weights: Sequence[float] | np.ndarray | None = None, tol: float = 1e-10,
             max_iter: int = 100_000) -> TurnbullFit:
    """The Turnbull NPMLE of time to payment from intervals [lower, upper] (upper may be inf).
    `weights` (default 1 each) lets the k reports of one incident weigh 1/k each."""
    lower = np.asarray(lower_days, dtype=float)
    upper = np.asarray(upper_days, dtype=float)
    weight = np.ones(lower.shape) if weights is None else np.asarray(weights, dtype=float)
    if not (lower.shape == upper.shape == weight.shape) or lower.ndim != 1:
        raise ValueError("lower_days, upper_days and weights must be lists of the same length")
    if lower.size == 0:
        raise ValueError("no intervals: nothing to estimate")
    if np.isnan(lower).any() or np.isnan(upper).any() or (lower < 0).any() or np.isinf(lower).any():
        raise ValueError("interval bounds must be numbers of days, 0 or more (upper may be inf)")
    if (upper < lower).any():
        raise ValueError("an interval's upper bound is below its lower bound")
    if (weight <= 0).any() or not np.isfinite(weight).all():
        raise ValueError("weights must be positive numbers")
    n = int(lower.size)
    # Reports with the same interval enter the likelihood as one interval weighing their sum: the
    # same estimate, from a few hundred distinct intervals instead of one row per report (a
    # platform's 17,000 reports made a matrix that took seconds per EM run).
    distinct, inverse = np.unique(np.stack([lower, upper], axis=1), axis=0, return_inverse=True)
    weight = np.bincount(inverse.reshape(-1), weights=weight, minlength=len(distinct))
    lower, upper = distinct[:, 0], distinct[:, 1]
    left, right = turnbull_intervals(lower, upper)
    # contains[i, j]: observation i's interval holds innermost interval j.
    contains = ((lower[:, None] <= left[None, :]) & (right[None, :] <= upper[:, None])).astype(float)
    mass = np.full(len(left), 1.0 / len(left))
    total = weight.sum()
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 (the count is reported)
        updated = mass * (contains.T @ (weight / (contains @ mass))) / total
        updated /= updated.sum()
        done = float(np.abs(updated - mass).max()) < tol
        mass = updated
        if done:
            break
    log_likelihood = float((weight * np.log(contains @ mass)).sum())
    return TurnbullFit(left, right, mass, n, iterations, log_likelihood)


# -- per-group figures with the reason for each missing one ------------------------------------------

# Why a report gives no delay interval (PaymentReport.delay_reason), or a group no figure.
# The words come from collectors/reports/reasons.py (one table, translated at display).
MISSING_REASONS: dict[str, str] = {key: reason_table.reason_text(key, min_reports=MIN_GROUP_SIZE) for key in reason_table.REASONS}

DELAY_FIGURE_COLUMNS = [
    "n_reports", "n_with_delay", "n_independent", "n_paid", "n_unpaid", "n_estimated_due",
    "n_public_record", "median_days_low", "median_days_high",
    *(f"paid_within_{d}d_{bound}" for d in SHARE_PAID_WITHIN_DAYS for bound in ("low", "high")),
    *(f"n_{reason}" for reason in ("not_a_delay", "no_due_date", "no_work_dates", "not_yet_due",
                                   "no_report_date", "no_paid_date", "processor_hold")),
    "suppressed", "missing_reason", "missing_detail",
]

_FRAME_COLUMNS = [
    "platform_id", "source_kind", "source_class", "verification_tier", "status", "grievances",
    "event_id", "due_basis", "delay_lower_days", "delay_upper_days", "delay_reason", "payment_method",
    "processor", "country", "work_type", "rate_min", "rate_unit", "usd_per_unit", "currency",
    "effective_hourly_rate", "effective_hourly_usd", "hours_worked", "amount_received",
]

REPORT_FRAME_COLUMNS = _FRAME_COLUMNS  # the report fields the figures read (public name)


def report_frame(reports: Sequence[Any] | pd.DataFrame) -> pd.DataFrame:
    """PaymentReports (or a DataFrame of their fields) as the frame the figures read."""
    if isinstance(reports, pd.DataFrame):
        return reports
    rows = [{name: getattr(r, name, None) for name in _FRAME_COLUMNS} for r in reports]
    return pd.DataFrame(rows, columns=_FRAME_COLUMNS)


def _group_frames(frame: pd.DataFrame, keys: list[str]) -> list[tuple[tuple[Any, ...], pd.DataFrame]]:
    if "grievance" in keys and "grievance" not in frame.columns:
        frame = frame.assign(grievance=frame["grievances"].map(lambda g: list(g) or [None])).explode("grievance")
    if not keys:
        return [((), frame)]
    return [((k if isinstance(k, tuple) else (k,)), g)
            for k, g in frame.groupby(keys, dropna=False, sort=True)]


def _independent(frame: pd.DataFrame) -> int:
    """Reports counted so that the reports of one incident (event_id) count once."""
    if frame.empty:
        return 0
    events = frame["event_id"] if "event_id" in frame.columns else pd.Series([None] * len(frame))
    return int(events.isna().sum()) + int(events.dropna().nunique())


def _one_per_incident(frame: pd.DataFrame) -> pd.DataFrame:
    """An incident's reports stand for one report in the estimate: each gets weight 1/k."""
    if "event_id" not in frame.columns:
        return frame.assign(weight=1.0)
    sizes = frame.groupby("event_id")["event_id"].transform("size")
    return frame.assign(weight=np.where(frame["event_id"].isna(), 1.0, 1.0 / sizes.fillna(1.0)))


def delay_figures(reports: Sequence[Any] | pd.DataFrame, by: Sequence[str] = ("platform_id",)) -> pd.DataFrame:
    """Time-to-payment figures per group, censoring- and precision-aware, with the reason for
    every missing figure.

    `reports`: PaymentReports, or a DataFrame with their fields (at least `delay_lower_days`,
    `delay_upper_days`, `delay_reason`, `event_id` and the `by` columns). `by`: any report fields
    (`platform_id`, `source_kind`, `source_class`, `verification_tier`, ...) and `grievance`
    (a report counts in each of its grievances).

    Columns, after the `by` columns:

    * `n_reports`: reports in the group; `n_with_delay`: those with a delay interval;
      `n_independent`: of those, incidents counted once; `n_paid` / `n_unpaid`: closed and
      right-censored intervals; `n_estimated_due`: due date estimated from a stated pay cycle;
      `n_public_record`: from news, court filings or public forum posts.
    * `median_days_low`, `median_days_high`: the median days from due date to payment; an
      interval because imprecise dates leave the NPMLE not unique; high is None when the median
      is not reached.
    * `paid_within_{30,60,90}d_{low,high}`: the share paid within so many days of the due date
      (None past the longest follow-up while some reports are still unpaid).
    * `n_<reason>`: reports without a delay interval, by reason (see MISSING_REASONS).
    * `suppressed`: True when the group has fewer than MIN_GROUP_SIZE independent reports; then
      every figure is None.
    * `missing_reason`: None when the figures are shown, else the MISSING_REASONS key saying why
      not (`too_few_independent`, or the reason most reports lack an interval, or
      `median_not_reached` when only the median is missing); `missing_detail` says it in words,
      with the counts.

    Each incident's reports together weigh one report in the estimate, as they count once.
    """
    keys = list(by)
    frame = report_frame(reports)
    rows: list[dict[str, Any]] = []
    for values, group in _group_frames(frame, keys):
        row: dict[str, Any] = dict(zip(keys, values, strict=True))
        row.update(_delay_row(group))
        rows.append(row)
    return pd.DataFrame(rows, columns=[*keys, *DELAY_FIGURE_COLUMNS])


def censored_intervals(lower_days: pd.Series, upper_days: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Reports' delay intervals as the estimator reads them. A report still unpaid with at
    least c days so far says payment came *after* day c: in whole days, [c + 1, inf). (So that
    with exact dates the NPMLE is Kaplan-Meier's, whose censored reports are at risk on their day.)"""
    lower = lower_days.astype(float).to_numpy()
    upper = upper_days.astype(float).to_numpy()
    censored = np.isnan(upper)
    return np.where(censored, lower + 1, lower), np.where(censored, math.inf, upper)


def _count(frame: pd.DataFrame, column: str, value: str) -> int:
    return int((frame[column] == value).sum()) if column in frame.columns else 0


# Reasons that say the same thing to a reader ("no due date"), counted together when choosing
# the dominant one; and short forms for "<reason> for N of M reports".
_REASON_FAMILY: dict[str, tuple[str, ...]] = {"no_due_date": ("no_due_date", "no_work_dates")}
_REASON_SHORT: dict[str, str] = dict(reason_table.SHORT_REASONS)


def _dominant_reason(counts: pd.Series) -> str:
    """The reason most reports without a delay share. A report about a rate cut or a bonus is not
    about timing: such reports give the reason only when no timing report lacks a delay."""
    timing = counts.drop("not_a_delay", errors="ignore")
    timing = timing[timing > 0]
    if timing.empty:
        return str(counts.idxmax())
    merged: dict[str, int] = {}
    for reason, n in timing.items():
        key = next((k for k, family in _REASON_FAMILY.items() if reason in family), str(reason))
        merged[key] = merged.get(key, 0) + int(n)
    return max(sorted(merged), key=lambda k: merged[k])


def _delay_row(group: pd.DataFrame) -> dict[str, Any]:
    row: dict[str, Any] = {c: None for c in DELAY_FIGURE_COLUMNS}
    usable = group[group["delay_lower_days"].notna()]
    reasons = group.loc[group["delay_lower_days"].isna(), "delay_reason"].fillna("no_due_date")
    counts = reasons.value_counts()
    for reason in ("not_a_delay", "no_due_date", "no_work_dates", "not_yet_due", "no_report_date", "no_paid_date",
                   "processor_hold"):
        row[f"n_{reason}"] = int(counts.get(reason, 0))
    upper = usable["delay_upper_days"]
    independent = _independent(usable)
    row.update(
        n_reports=len(group), n_with_delay=len(usable), n_independent=independent,
        n_paid=int(upper.notna().sum()), n_unpaid=int(upper.isna().sum()),
        n_estimated_due=_count(usable, "due_basis", "estimated_from_cycle"),
        n_public_record=_count(group, "source_class", "public_record"),
        suppressed=independent < MIN_GROUP_SIZE,
    )
    if usable.empty:
        reason = _dominant_reason(counts) if not counts.empty else "too_few_independent"
        listed = [(int(n), str(r)) for r, n in counts.items()]
        row.update(missing_reason=reason, missing_detail=reason_table.detail("no_delay", reasons=listed) if listed
                   else reason_table.detail("no_reports"))
        return row
    timing = group[group["delay_reason"].fillna("") != "not_a_delay"]
    if independent < MIN_GROUP_SIZE and _independent(timing) >= MIN_GROUP_SIZE:
        # Enough reports about when pay came, but too few of them give a delay: the true reason
        # is why the others give none (issue 14: "no due date", not "fewer than 5 reports").
        without = counts.drop("not_a_delay", errors="ignore")
        reason = _dominant_reason(without)
        n_reason = int(sum(int(without.get(r, 0)) for r in _REASON_FAMILY.get(reason, (reason,))))
        others = [(int(n), str(r)) for r, n in without.items() if r not in _REASON_FAMILY.get(reason, (reason,))]
        counts_: dict[str, Any] = {"n_reason": n_reason, "n_timing": len(timing), "n_delay": len(usable),
                   "n_independent": independent, "min_reports": MIN_GROUP_SIZE}
        row.update(missing_reason=reason,
                   missing_detail=reason_table.detail("mostly_reason_also", reason=reason, others=others, **counts_)
                   if others else reason_table.detail("mostly_reason", reason=reason, **counts_))
        return row
    if independent < MIN_GROUP_SIZE:
        row.update(missing_reason="too_few_independent",
                   missing_detail=reason_table.detail("too_few_more", n_independent=independent, min_reports=MIN_GROUP_SIZE,
                                                 n_without=len(group) - len(usable))
                   if len(group) > len(usable) else
                   reason_table.detail("too_few", n_independent=independent, min_reports=MIN_GROUP_SIZE))
        return row
    weighted = _one_per_incident(usable)
    lower_days, upper_days = censored_intervals(weighted["delay_lower_days"], weighted["delay_upper_days"])
    fit = turnbull(lower_days, upper_days, weights=weighted["weight"].to_numpy(dtype=float))
    low, high = fit.median_bounds()
    row.update(median_days_low=low, median_days_high=high)
    finite = np.concatenate([lower_days, upper_days[np.isfinite(upper_days)]])
    horizon = float(finite.max()) if finite.size else 0.0
    for days in SHARE_PAID_WITHIN_DAYS:
        if days > horizon and np.isinf(upper_days).any():
            continue  # past the longest follow-up the data say nothing (as Kaplan-Meier): None
        share_low, share_high = fit.share_paid_within(days)
        row[f"paid_within_{days}d_low"], row[f"paid_within_{days}d_high"] = round(share_low, 4), round(share_high, 4)
    if high is None:
        row.update(missing_reason="median_not_reached", missing_detail=reason_table.detail("median_not_reached"))
    return row


EFFECTIVE_PAY_COLUMNS = [
    "n_reports", "n_with_hours", "n_independent", "effective_hourly_usd_median",
    "effective_hourly_usd_p25", "effective_hourly_usd_p75", "n_with_stated_rate",
    "stated_hourly_usd_median", "share_below_stated_rate", "suppressed", "missing_reason", "missing_detail",
]


def effective_pay_figures(reports: Sequence[Any] | pd.DataFrame, by: Sequence[str] = ("platform_id",)) -> pd.DataFrame:
    """What workers really earned an hour (amount received / all hours worked, paid and unpaid),
    per group, next to the hourly rate they were told.

    Columns, after the `by` columns: `n_reports`; `n_with_hours` (reports giving received amount,
    paid hours and an exchange rate); `n_independent` (incidents once); the median and quartiles
    of `effective_hourly_usd`; `n_with_stated_rate` and `stated_hourly_usd_median` (the reported
    hourly rate, `rate_min` with `rate_unit` hour, in USD) among the reports with hours;
    `share_below_stated_rate` (of the reports giving both, those that earned less than the rate);
    `suppressed` (fewer than MIN_GROUP_SIZE independent reports: figures None);
    `missing_reason` / `missing_detail` (`no_hours`, `too_few_independent`, or None).
    """
    keys = list(by)
    frame = report_frame(reports)
    rows: list[dict[str, Any]] = []
    for values, group in _group_frames(frame, keys):
        row: dict[str, Any] = {**dict(zip(keys, values, strict=True)), **{c: None for c in EFFECTIVE_PAY_COLUMNS}}
        with_hours = group[group["effective_hourly_usd"].notna()]
        independent = _independent(with_hours)
        row.update(n_reports=len(group), n_with_hours=len(with_hours), n_independent=independent,
                   suppressed=independent < MIN_GROUP_SIZE)
        if with_hours.empty:
            row.update(missing_reason="no_hours", missing_detail=reason_table.detail("no_hours", n_reports=len(group)))
        elif independent < MIN_GROUP_SIZE:
            row.update(missing_reason="too_few_independent",
                       missing_detail=reason_table.detail("too_few_hours", n_independent=independent,
                                                     min_reports=MIN_GROUP_SIZE))
        else:
            effective = with_hours["effective_hourly_usd"].astype(float)
            stated = with_hours["rate_min"].astype(float) * with_hours["usd_per_unit"].astype(float)
            stated = stated.where(with_hours["rate_unit"] == "hour")
            both = stated.notna()
            row.update(
                effective_hourly_usd_median=round(float(effective.median()), 2),
                effective_hourly_usd_p25=round(float(effective.quantile(0.25)), 2),
                effective_hourly_usd_p75=round(float(effective.quantile(0.75)), 2),
                n_with_stated_rate=int(both.sum()),
                stated_hourly_usd_median=round(float(stated[both].median()), 2) if both.any() else None,
                share_below_stated_rate=round(float((effective[both] < stated[both]).mean()), 4) if both.any() else None,
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=[*keys, *EFFECTIVE_PAY_COLUMNS])
