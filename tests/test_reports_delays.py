"""Time to payment: our Kaplan-Meier against lifelines' KaplanMeierFitter, and the suppression of
small groups."""

from __future__ import annotations

import random
import warnings
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter
from lifelines.utils import median_survival_times

from collectors.reports.delays import (
    MIN_GROUP_SIZE,
    RISK_SET_COLUMNS,
    SUPPRESSED_NOTE,
    by_month,
    by_payment_method,
    by_platform,
    curves_from_risk_sets,
    delay_summary,
    kaplan_meier,
    kaplan_meier_counts,
    km_curves,
    median_days_with_ci,
    risk_sets,
    share_unpaid_after,
    summaries_from_risk_sets,
    summarise,
)


def _fit(durations: list[float], observed: list[bool]) -> KaplanMeierFitter:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return KaplanMeierFitter().fit(durations, observed)


def _first_at_or_below_half(curve: pd.Series) -> float | None:
    """lifelines' qth_survival_time(0.5), up to float rounding: lifelines multiplies survival
    through exp(sum(log)), so an exact 1/2 can come out as 0.5000000000000001."""
    hit = curve[curve <= 0.5 + 1e-12]
    return None if hit.empty else float(hit.index[0])


def assert_matches_lifelines(durations: list[float], observed: list[bool]) -> None:
    ours = kaplan_meier(durations, observed)
    theirs = _fit(durations, observed)
    np.testing.assert_allclose(ours["days"], theirs.survival_function_.index.to_numpy())
    np.testing.assert_allclose(ours["survival"], theirs.survival_function_.iloc[:, 0].to_numpy())
    np.testing.assert_allclose(ours["ci_lower"], theirs.confidence_interval_.iloc[:, 0].to_numpy())
    np.testing.assert_allclose(ours["ci_upper"], theirs.confidence_interval_.iloc[:, 1].to_numpy())
    table = theirs.event_table
    np.testing.assert_array_equal(ours["at_risk"], table["at_risk"].to_numpy())
    np.testing.assert_array_equal(ours["paid"], table["observed"].to_numpy())
    np.testing.assert_array_equal(ours["censored"], table["censored"].to_numpy())
    median = median_days_with_ci(durations, observed)
    assert median.days == _first_at_or_below_half(theirs.survival_function_.iloc[:, 0])
    assert median.ci_low == _first_at_or_below_half(theirs.confidence_interval_.iloc[:, 0])
    assert median.ci_high == _first_at_or_below_half(theirs.confidence_interval_.iloc[:, 1])
    if not np.isinf(theirs.median_survival_time_) and median.days is not None:
        # Where no rounding is involved, lifelines' own median agrees exactly.
        bounds = median_survival_times(theirs.confidence_interval_)
        assert median.days <= theirs.median_survival_time_
        assert bounds.shape == (1, 2)
    for day in (0, 7, 30, 60, 90):
        share = share_unpaid_after(durations, observed, day)
        if share.share is not None:
            assert share.share == pytest.approx(float(theirs.predict(day)))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 120), st.booleans()), min_size=1, max_size=80))
def test_property_matches_lifelines_on_random_data(pairs: list[tuple[int, bool]]) -> None:
    durations = [float(d) for d, _ in pairs]
    observed = [o for _, o in pairs]
    assert_matches_lifelines(durations, observed)


@pytest.mark.parametrize(
    ("durations", "observed"),
    [
        ([5, 10, 20, 30, 40], [False] * 5),  # all censored: nobody paid, survival stays 1
        ([5, 10, 20, 30, 40], [True] * 5),  # all paid: survival reaches 0
        ([0, 0, 0, 3, 3, 7, 7, 7, 7, 30], [True, True, False, True, False, True, True, False, True, False]),  # ties
        ([0, 0, 0, 0, 0], [True] * 5),  # everyone paid on the day
        ([14], [True]),
        ([14], [False]),
        ([1, 2, 3, 4, 5, 6, 100, 100, 100, 100], [True] * 6 + [False] * 4),  # median reached, tail open
        ([10, 20, 30, 40, 50, 60], [True, False, False, False, False, False]),  # median not reached
    ],
)
def test_matches_lifelines_on_edge_cases(durations: list[float], observed: list[bool]) -> None:
    assert_matches_lifelines([float(d) for d in durations], observed)


def test_on_seeded_realistic_data() -> None:
    rng = np.random.default_rng(2024)
    delays = rng.exponential(20, 500).round()
    follow = rng.uniform(0, 120, 500).round()
    observed = delays <= follow
    durations = np.where(observed, delays, follow)
    assert_matches_lifelines(durations.tolist(), observed.tolist())


def test_all_censored_has_no_median_and_full_share_unpaid() -> None:
    median = median_days_with_ci([5.0, 10.0, 20.0], [False, False, False])
    assert not median.reached and median.days is None and median.ci_high is None
    assert share_unpaid_after([5.0, 10.0, 20.0], [False] * 3, 10).share == 1.0
    # Beyond the longest follow-up the curve says nothing.
    assert share_unpaid_after([5.0, 10.0, 20.0], [False] * 3, 30).share is None


def test_share_after_everyone_is_paid_is_zero_even_beyond_follow_up() -> None:
    assert share_unpaid_after([1.0, 2.0, 3.0], [True] * 3, 90).share == 0.0


def test_censoring_is_not_dropping() -> None:
    # Three paid quickly, three still waiting at 60 days: dropping the waiting ones would claim
    # everyone is paid within 3 days.
    durations = [1.0, 2.0, 3.0, 60.0, 60.0, 60.0]
    observed = [True, True, True, False, False, False]
    assert share_unpaid_after(durations, observed, 30).share == pytest.approx(0.5)
    assert median_days_with_ci(durations, observed).days == 3.0


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="same length"):
        kaplan_meier([1.0, 2.0], [True])
    with pytest.raises(ValueError, match="0 or more"):
        kaplan_meier([-1.0], [True])
    assert kaplan_meier([], []).empty


# -- grouped summaries ------------------------------------------------------------------------------


def reports(rows: list[dict[str, Any]]) -> pd.DataFrame:
    defaults = {"event_id": None, "payment_method": "paypal", "expected_pay_date": pd.Timestamp("2025-07-01")}
    return pd.DataFrame([{**defaults, **row} for row in rows])


def test_groups_under_five_are_suppressed_with_no_numbers() -> None:
    frame = reports(
        [{"platform_id": "mercor", "followup_days": d, "paid_in_full": d < 20} for d in (3, 5, 8, 25, 40, 9)]
        + [{"platform_id": "alignerr", "followup_days": d, "paid_in_full": True} for d in (1, 2, 3, 4)]
    )
    summary = by_platform(frame).set_index("platform_id")
    small = summary.loc["alignerr"]
    assert bool(small["suppressed"]) and small["note"] == SUPPRESSED_NOTE
    numbers = [c for c in summary.columns if c not in ("suppressed", "note")]
    assert all(pd.isna(small[c]) for c in numbers)  # not even the count
    big = summary.loc["mercor"]
    assert not bool(big["suppressed"]) and big["n_reports"] == 6 and big["n_paid"] == 4
    assert big["median_days_late"] == 8.0
    assert MIN_GROUP_SIZE == 5


def test_exactly_five_is_shown() -> None:
    frame = reports([{"platform_id": "mercor", "followup_days": d, "paid_in_full": True} for d in range(5)])
    assert not bool(by_platform(frame)["suppressed"].iloc[0])


def test_reports_without_an_expected_date_do_not_count_towards_the_group() -> None:
    frame = reports([{"platform_id": "outlier", "followup_days": None, "paid_in_full": False}] * 10
                    + [{"platform_id": "outlier", "followup_days": 3, "paid_in_full": True}] * 4)
    assert bool(by_platform(frame)["suppressed"].iloc[0])


def test_one_event_counts_once_as_independent() -> None:
    frame = reports([{"platform_id": "remotasks", "followup_days": 100, "paid_in_full": False,
                      "event_id": "remotasks-kenya-2024-03"}] * 8
                    + [{"platform_id": "remotasks", "followup_days": 5, "paid_in_full": True}] * 2)
    row = by_platform(frame).iloc[0]
    assert row["n_reports"] == 10 and row["n_independent"] == 3


def test_unpaid_shares_and_grouping_by_month_and_method() -> None:
    rows = []
    for month, method in (("2025-06-01", "paypal"), ("2025-07-01", "stripe")):
        for days, paid in ((2, True), (10, True), (45, True), (70, False), (100, False), (120, False)):
            rows.append({"platform_id": "mercor", "followup_days": days, "paid_in_full": paid,
                         "expected_pay_date": pd.Timestamp(month), "payment_method": method})
    frame = reports(rows)
    monthly = by_month(frame)
    assert list(monthly["month"]) == ["2025-06", "2025-07"]
    first = monthly.iloc[0]
    assert first["unpaid_after_30d"] == pytest.approx(4 / 6)
    assert first["unpaid_after_60d"] == pytest.approx(3 / 6)
    assert first["unpaid_after_90d"] == pytest.approx(3 / 6)  # censored at 70: not counted as paid
    methods = by_payment_method(frame)
    assert set(methods["payment_method"]) == {"paypal", "stripe"}
    both = delay_summary(frame, ["platform_id", "payment_method"])
    assert len(both) == 2 and not both["suppressed"].any()


def test_curves_leave_out_small_groups() -> None:
    frame = reports([{"platform_id": "mercor", "followup_days": d, "paid_in_full": True} for d in range(6)]
                    + [{"platform_id": "alignerr", "followup_days": 1, "paid_in_full": True}])
    curves = km_curves(frame)
    assert set(curves["platform_id"]) == {"mercor"}
    assert (curves["n_reports"] == 6).all()


def test_empty_input_gives_empty_frames() -> None:
    assert by_platform(pd.DataFrame(columns=["platform_id", "followup_days", "paid_in_full"])).empty


# -- counts instead of rows -------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["mercor", "outlier", "alignerr"]), st.integers(0, 30), st.booleans()),
             max_size=120),
    st.randoms(use_true_random=False),
)
def test_property_counts_give_exactly_the_figures_rows_give(reports_: list[tuple[str, int, bool]],
                                                            rng: random.Random) -> None:
    """What the dashboard does (SQL counts reports per platform and day, Python estimates from the
    counts) equals estimating from the rows, with ties and censoring, however the counts come:
    split over several rows, in any order."""
    frame = pd.DataFrame(reports_, columns=["platform_id", "followup_days", "paid_in_full"])
    per_platform = Counter(platform for platform, _, _ in reports_)
    counts = []
    for (platform, day, paid), n in Counter(reports_).items():
        first = rng.randint(0, n)
        for part in (first, n - first):
            counts.append({"platform_id": platform, "n_independent": per_platform[platform], "days": float(day),
                           "paid": part if paid else 0, "censored": 0 if paid else part})
    rng.shuffle(counts)
    risk = pd.DataFrame(counts, columns=["platform_id", *RISK_SET_COLUMNS])
    summary = delay_summary(frame, "platform_id")
    pd.testing.assert_frame_equal(summaries_from_risk_sets(risk, "platform_id"), summary, check_exact=True)
    curves = km_curves(frame)
    pd.testing.assert_frame_equal(curves_from_risk_sets(risk, "platform_id"), curves, check_exact=True)
    pd.testing.assert_frame_equal(curves_from_risk_sets(risk_sets(frame, ["platform_id"]), "platform_id"), curves,
                                  check_exact=True)
    # Groups are estimated together but never mix: each equals the group estimated alone.
    for platform, part in frame.groupby("platform_id"):
        alone = kaplan_meier(part["followup_days"].astype(float).tolist(), part["paid_in_full"].tolist())
        mine = risk[risk["platform_id"] == platform]
        pd.testing.assert_frame_equal(kaplan_meier_counts(mine["days"], mine["paid"], mine["censored"]), alone,
                                      check_exact=True)
        row = summary.set_index("platform_id").loc[platform].to_dict()
        assert _missing_as_none(row) == _missing_as_none(summarise(part))
        if len(part) >= MIN_GROUP_SIZE:
            drawn = curves[curves["platform_id"] == platform].drop(columns=["platform_id", "n_reports"])
            pd.testing.assert_frame_equal(drawn.reset_index(drop=True), alone, check_exact=True)


def test_risk_sets_count_per_group_and_day_and_keep_groups_without_follow_up() -> None:
    frame = reports(
        [{"platform_id": "mercor", "followup_days": d, "paid_in_full": p, "event_id": e}
         for d, p, e in ((3, True, None), (3, True, "ev1"), (3, False, "ev1"), (9, False, None), (None, False, "ev2"))]
        + [{"platform_id": "outlier", "followup_days": None, "paid_in_full": False}] * 2
    )
    risk = risk_sets(frame, ["platform_id"])
    # Two independent mercor reports with a follow-up and one event (its report without a
    # follow-up does not count); outlier's reports have none, but the group is still there.
    assert risk.drop(columns="days").to_dict("records") == [
        {"platform_id": "mercor", "n_independent": 3, "paid": 2, "censored": 1},
        {"platform_id": "mercor", "n_independent": 3, "paid": 0, "censored": 1},
        {"platform_id": "outlier", "n_independent": 0, "paid": 0, "censored": 0},
    ]
    assert risk["days"].iloc[:2].tolist() == [3.0, 9.0] and pd.isna(risk["days"].iloc[2])
    assert bool(by_platform(frame).set_index("platform_id").loc["outlier", "suppressed"])


def _missing_as_none(row: dict[str, Any]) -> dict[str, Any]:
    return {k: None if not isinstance(v, str) and pd.isna(v) else v for k, v in row.items()}
