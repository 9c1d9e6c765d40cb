"""Interval-censored time to payment: the Turnbull NPMLE checked against lifelines, on random
reports with day, month and approximate dates and on the edge cases; and the per-group figures
with the reason for every missing one."""

from __future__ import annotations

import itertools
import math
import random
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from lifelines.fitters.npmle import npmle, reconstruct_survival_function

from collectors.reports.dates import ApproxDate
from collectors.reports.delays import (
    MIN_GROUP_SIZE,
    delay_figures,
    effective_pay_figures,
    kaplan_meier,
    turnbull,
    turnbull_intervals,
)


def random_date(rng: random.Random, on: date) -> ApproxDate:
    kind = rng.choice(["day", "day", "month", "approx"])
    if kind == "day":
        return ApproxDate.day(on)
    if kind == "month":
        return ApproxDate.month(on.year, on.month)
    return ApproxDate.around(on, rng.choice([2, 3, 7, 10]))


def random_intervals(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Reports as workers give them: a due date, then paid some days later (the dates given
    to the day, the month or about), or still unpaid when reported."""
    rng = random.Random(seed)
    lower, upper = [], []
    for _ in range(n):
        due = date(2025, 3, 1) + timedelta(days=rng.randrange(0, 120))
        due_given = random_date(rng, due) if rng.random() < 0.3 else ApproxDate.day(due)
        assert due_given.lower and due_given.upper
        if rng.random() < 0.25:  # still unpaid when reported, some weeks after the due date
            seen = due + timedelta(days=rng.randrange(0, 80))
            lower.append(max(0, (seen - due_given.upper).days) + 1)
            upper.append(math.inf)
            continue
        paid = random_date(rng, due + timedelta(days=int(rng.expovariate(1 / 20))))
        assert paid.lower and paid.upper
        lower.append(max(0, (paid.lower - due_given.upper).days))
        upper.append(max(0, (paid.upper - due_given.lower).days))
    return np.array(lower, dtype=float), np.array(upper, dtype=float)


def lifelines_fit(lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    p, intervals = npmle(lower, upper, tol=1e-12, max_iter=200_000)
    return np.asarray(p), intervals


def log_likelihood(lower: np.ndarray, upper: np.ndarray, left: np.ndarray, right: np.ndarray, mass: np.ndarray) -> float:
    contains = (lower[:, None] <= left[None, :]) & (right[None, :] <= upper[:, None])
    return float(np.log(contains.astype(float) @ mass).sum())


@pytest.mark.parametrize("seed", range(8))
def test_turnbull_matches_lifelines_on_random_imprecise_reports(seed: int) -> None:
    lower, upper = random_intervals(seed, 60)
    ours = turnbull(lower, upper)
    theirs, intervals = lifelines_fit(lower, upper)
    # The same innermost intervals ...
    assert [(float(a), float(b)) for a, b in zip(ours.left, ours.right, strict=True)] == [
        (float(i.left), float(i.right)) for i in intervals]
    # ... the same maximum of the likelihood, and the same masses (to EM's precision).
    theirs_ll = log_likelihood(lower, upper, ours.left, ours.right, theirs)
    assert ours.log_likelihood == pytest.approx(theirs_ll, abs=1e-6)
    np.testing.assert_allclose(np.cumsum(ours.mass), np.cumsum(theirs), atol=1e-3)
    # The survival bounds hold lifelines' fitted curve between every two interval ends (at the
    # ends themselves lifelines shows the value just before a drop, S(t-), where ours is S(t)).
    ends = sorted({*ours.left, *ours.right} - {math.inf})
    between = [(a + b) / 2 for a, b in itertools.pairwise(ends)]
    curve = reconstruct_survival_function(theirs, intervals, timeline=between)
    for t in between:
        low, high = ours.survival_bounds(t)
        assert low - 2e-3 <= float(curve.loc[t].min()) and float(curve.loc[t].max()) <= high + 2e-3, t


def test_exact_dates_and_right_censoring_give_kaplan_meier() -> None:
    rng = random.Random(3)
    days = [rng.randrange(0, 60) for _ in range(80)]
    paid = [rng.random() < 0.7 for _ in range(80)]
    # Still unpaid on day d: paid after it, [d + 1, inf) in whole days (see censored_intervals).
    fit = turnbull([float(d) if p else d + 1.0 for d, p in zip(days, paid, strict=True)],
                   [float(d) if p else math.inf for d, p in zip(days, paid, strict=True)])
    km = kaplan_meier(days, paid)
    for _, row in km.iterrows():
        if row["paid"] > 0:  # on a day with a payment the NPMLE is Kaplan-Meier's estimate
            low, high = fit.survival_bounds(row["days"])
            assert low == pytest.approx(row["survival"], abs=1e-6)
            assert high == pytest.approx(row["survival"], abs=1e-6)


def test_all_censored() -> None:
    lower, upper = np.array([3.0, 10.0, 40.0]), np.array([math.inf] * 3)
    fit = turnbull(lower, upper)
    theirs, intervals = lifelines_fit(lower, upper)
    assert list(zip(fit.left, fit.right, strict=True)) == [(40.0, math.inf)] == [(i.left, i.right) for i in intervals]
    np.testing.assert_allclose(fit.mass, theirs)
    assert fit.median_bounds() == (40.0, None)  # not reached
    assert fit.share_paid_within(30) == (0.0, 0.0)
    assert fit.share_paid_within(60) == (0.0, 1.0)  # anything, as far as the data can tell


def test_all_in_one_interval() -> None:
    fit = turnbull([2.0] * 6, [5.0] * 6)
    theirs, intervals = lifelines_fit(np.array([2.0] * 6), np.array([5.0] * 6))
    assert [(i.left, i.right) for i in intervals] == [(2.0, 5.0)] and list(theirs) == [1.0]
    assert list(fit.mass) == [1.0]
    assert fit.median_bounds() == (2.0, 5.0)  # an interval: the NPMLE is not unique inside it
    assert fit.share_paid_within(3) == (0.0, 1.0)
    assert fit.share_paid_within(5) == (1.0, 1.0)


def unmerged_em(lower: np.ndarray, upper: np.ndarray, weight: np.ndarray, left: np.ndarray,
                right: np.ndarray) -> np.ndarray:
    """The EM with one row per report (what turnbull did before it merged equal intervals)."""
    contains = ((lower[:, None] <= left[None, :]) & (right[None, :] <= upper[:, None])).astype(float)
    mass = np.full(len(left), 1.0 / len(left))
    for _ in range(100_000):
        updated = mass * (contains.T @ (weight / (contains @ mass))) / weight.sum()
        updated /= updated.sum()
        done = float(np.abs(updated - mass).max()) < 1e-10
        mass = updated
        if done:
            break
    return mass


@pytest.mark.parametrize("seed", range(4))
def test_reports_with_equal_intervals_weigh_as_one_interval(seed: int) -> None:
    # Thousands of reports over a few dozen distinct intervals, as a platform's imports give:
    # turnbull fits the distinct intervals, weighted, and must find what the fit per report finds.
    base_lower, base_upper = random_intervals(seed, 40)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(base_lower), 3000)
    lower, upper = base_lower[picks], base_upper[picks]
    weight = rng.choice([1.0, 1.0, 1.0, 0.5, 0.25], len(picks))
    fit = turnbull(lower, upper, weights=weight)
    assert fit.n == 3000
    left, right = turnbull_intervals(lower, upper)  # the innermost intervals of every report
    assert list(fit.left) == list(left) and list(fit.right) == list(right)
    np.testing.assert_allclose(fit.mass, unmerged_em(lower, upper, weight, left, right), atol=1e-9)


def test_bad_intervals_are_refused() -> None:
    with pytest.raises(ValueError, match="below its lower"):
        turnbull([5.0], [2.0])
    with pytest.raises(ValueError, match="nothing to estimate"):
        turnbull([], [])
    with pytest.raises(ValueError, match="0 or more"):
        turnbull([-1.0], [2.0])


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    base = {"platform_id": "mercor", "source_kind": "union_import", "source_class": "union_import",
            "event_id": None, "delay_lower_days": None, "delay_upper_days": None, "delay_reason": None,
            "due_basis": "stated", "grievances": ("late_payment",), "effective_hourly_usd": None,
            "rate_min": None, "rate_unit": None, "usd_per_unit": None}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_figures_say_exactly_why_each_is_missing() -> None:
    rows = (
        # outlier: nine reports, none with a due date (the case)
        [{"platform_id": "outlier", "delay_reason": "no_due_date"}] * 7
        + [{"platform_id": "outlier", "delay_reason": "not_a_delay", "grievances": ("rate_cut",)}] * 2
        # mercor: six reports, but five of them of one incident: two independent
        + [{"platform_id": "mercor", "delay_lower_days": 10, "delay_upper_days": 14, "event_id": "freeze"}] * 5
        + [{"platform_id": "mercor", "delay_lower_days": 3, "delay_upper_days": 3}]
        # alignerr: enough, one of them approximate and two still unpaid
        + [{"platform_id": "alignerr", "delay_lower_days": d, "delay_upper_days": d} for d in (0, 2, 5, 9)]
        + [{"platform_id": "alignerr", "delay_lower_days": 20, "delay_upper_days": 40, "due_basis": "estimated_from_cycle"}]
        + [{"platform_id": "alignerr", "delay_lower_days": 30, "delay_upper_days": None}] * 2
        # appen: all not yet due
        + [{"platform_id": "appen", "delay_reason": "not_yet_due"}] * 3
    )
    figures = delay_figures(frame(rows), by=["platform_id"]).set_index("platform_id")
    outlier = figures.loc["outlier"]
    assert outlier["n_reports"] == 9 and outlier["missing_reason"] == "no_due_date"
    assert outlier["n_no_due_date"] == 7 and outlier["n_not_a_delay"] == 2
    assert "7 no due date" in outlier["missing_detail"] and pd.isna(outlier["median_days_low"])
    mercor = figures.loc["mercor"]
    assert mercor["n_with_delay"] == 6 and mercor["n_independent"] == 2
    assert mercor["missing_reason"] == "too_few_independent" and bool(mercor["suppressed"])
    alignerr = figures.loc["alignerr"]
    assert pd.isna(alignerr["missing_reason"]) and not alignerr["suppressed"]
    assert alignerr["n_paid"] == 5 and alignerr["n_unpaid"] == 2 and alignerr["n_estimated_due"] == 1
    assert alignerr["median_days_low"] == 9.0 and alignerr["median_days_high"] == 9.0
    # The NPMLE puts the [20, 40] report's payment in [31, 40], with the two still unpaid after 30.
    assert alignerr["paid_within_30d_low"] == alignerr["paid_within_30d_high"] == pytest.approx(4 / 7, abs=1e-4)
    # Past the longest follow-up (40 days) with reports still unpaid, nothing is known.
    assert pd.isna(alignerr["paid_within_60d_low"]) and pd.isna(alignerr["paid_within_90d_high"])
    assert figures.loc["appen", "missing_reason"] == "not_yet_due"


def test_an_incident_weighs_one_report_in_the_estimate() -> None:
    incident = [{"delay_lower_days": 100, "delay_upper_days": 100, "event_id": "exit"}] * 20
    single = [{"delay_lower_days": d, "delay_upper_days": d} for d in (1, 2, 3, 4, 5, 6)]
    figures = delay_figures(frame(incident + single), by=["platform_id"]).iloc[0]
    assert figures["n_independent"] == 7
    assert figures["median_days_low"] == 4.0  # of 1..6 and 100 once, not of twenty 100s


def test_figures_by_grievance_count_a_report_in_each_of_its_grievances() -> None:
    rows = [{"delay_lower_days": 5, "delay_upper_days": 5, "grievances": ("late_payment", "processor_hold")}] * 5
    figures = delay_figures(frame(rows), by=["grievance"]).set_index("grievance")
    assert set(figures.index) == {"late_payment", "processor_hold"}
    assert (figures["n_reports"] == 5).all()


def test_effective_pay_figures_and_their_missing_reasons() -> None:
    rows = (
        [{"platform_id": "mercor", "effective_hourly_usd": v, "rate_min": 40.0, "rate_unit": "hour",
          "usd_per_unit": 1.0} for v in (20.0, 25.0, 30.0, 35.0, 45.0)]
        + [{"platform_id": "outlier"}] * 4
        + [{"platform_id": "alignerr", "effective_hourly_usd": 12.0}] * 2
    )
    figures = effective_pay_figures(frame(rows), by=["platform_id"]).set_index("platform_id")
    mercor = figures.loc["mercor"]
    assert mercor["effective_hourly_usd_median"] == 30.0 and mercor["stated_hourly_usd_median"] == 40.0
    assert mercor["share_below_stated_rate"] == 0.8 and pd.isna(mercor["missing_reason"])
    assert figures.loc["outlier", "missing_reason"] == "no_hours"
    assert figures.loc["alignerr", "missing_reason"] == "too_few_independent"
    assert MIN_GROUP_SIZE == 5
