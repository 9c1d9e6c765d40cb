"""`python -m benchmarks --quick` (benchmarks/bench.py): every figure the benchmark publishes is measured (no timing asserts:
the quick run is tiny and CI machines vary; the full figures are in README "Performance")."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from benchmarks.bench import HEADLINE_FIGURES, QUERY_FIGURES, figure, run_bench
from collectors.store import reset_stores


@pytest.mark.slow
def test_quick_bench_measures_every_figure(tmp_path: Path) -> None:
    try:
        figures = run_bench(quick=True, data_dir=tmp_path / "bench")
    finally:
        reset_stores()
    required = list(HEADLINE_FIGURES)
    browser = "skipped" not in figures["dashboard"]
    if not browser and not os.environ.get("GIGWATCH_REQUIRE_BROWSER"):
        # No Chromium here; CI installs it and requires it.
        required = [path for path in required if not path.startswith("dashboard.")]
    missing = {path: figure(figures, path) for path in required}
    not_numbers = {path: value for path, value in missing.items()
                   if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value)}
    assert not not_numbers, not_numbers
    assert figures["queries"], "no dashboard query was measured"
    for name, timings in figures["queries"].items():
        assert "error" not in timings, (name, timings["error"])
        for key in QUERY_FIGURES:
            assert isinstance(timings.get(key), int | float), (name, key, timings)
    assert figures["store"]["listings_made"] > 0 and figures["store"]["reports_made"] > 0
    assert figures["dashboard"].get("page_errors", {}) == {}
    assert figures["cycle"]["runs_ok"] == figures["cycle"]["sources"]
    history = figures["history"]
    assert set(history["snapshots"]) == {"quarter", "half", "all"}
    assert history["listing_versions"]["quarter"] <= history["listing_versions"]["half"] <= history["listing_versions"]["all"]
    for name, entry in history["views"].items():
        assert {"quarter_p50_ms", "half_p50_ms", "all_p50_ms"} <= set(entry), (name, entry)
    for page in ("overview", "admin"):
        profile = figures["page_profile"][page]
        assert "error" not in profile, profile
        assert profile["cold"]["statements"] > 0 and profile["cold"]["seconds"] > 0, profile
    if browser:
        dashboard = figures["dashboard"]
        # Every page measured, cold and warm, against the floor; Admin locked and signed in.
        pages = {"overview", "admin", "admin_signed_in"}
        for key in ("page_seconds_cold", "page_seconds_warm", "page_over_floor_cold", "page_over_floor_warm"):
            assert set(dashboard[key]) == pages, (key, dashboard[key])
            assert all(value > 0 for value in dashboard[key].values()), (key, dashboard[key])
        assert dashboard["floor"]["error"] is None
        # Other views of a page, measured the same way and kept apart from the page targets.
        variant = dashboard["variants"]["overview_in_french"]
        assert variant["url"] == "overview?lang=fr" and "error" not in variant, variant
        assert variant["cold_seconds"] > 0 and variant["over_floor_warm"] > 0 and variant["kilobytes_received_warm"] > 0
        assert dashboard["load"]["loads"] == dashboard["load"]["contexts"] * dashboard["load"]["pages_per_context"]
        # The floor page under the same load, for what the machine itself allows.
        floor_load = dashboard["floor"]["load"]
        assert floor_load["loads"] == dashboard["load"]["loads"]
        assert dashboard["load"]["p95_over_floor_p95"] > 0 and floor_load["p95_over_single_user"] > 0
    assert set(figures["targets"]) == {
        "every_query_p95_under_200ms", "app_over_bare_at_most_1_3", "pandas_over_gigwatch_at_least_10",
        "dashboard_peak_under_1_5GB", "every_page_at_most_1_5x_floor_cold", "every_page_at_most_1_2x_floor_warm",
        "p95_under_load_at_most_3x_single_user", "p95_under_load_at_most_floor_under_load",
    }


def test_the_save_profile_times_saves_and_names_the_store_functions() -> None:
    from benchmarks.save_profile import profile_saves

    per_save_ms, table = profile_saves(sources=1, open_per_source=50, days=2)
    assert per_save_ms > 0
    assert "refresh_view_rows" in table and "save_listing_runs" in table
