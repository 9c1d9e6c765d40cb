"""`gigwatch reparse`: history re-derived from the kept raw responses, idempotently."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from collectors.reparse import reparse
from collectors.sources import greenhouse
from collectors.sources.base import Fetched, SourceConfig
from collectors.store import LAKE, Store
from collectors.store.listings import ListingRun, RunRecord, save_listing_runs
from tests.conftest import REPO_ROOT

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "sources" / "greenhouse" / "board_pay_input_ranges.json"
SOURCE = SourceConfig(name="gh-test", platform="scale_ai", kind="greenhouse",
                      url="https://boards-api.greenhouse.io/v1/boards/scaleai/jobs?content=true&pay_transparency=true")
T0 = datetime(2026, 5, 1, 6, tzinfo=UTC)


def history(store: Store) -> list[tuple]:
    return store.read_rows(
        f"""SELECT listing_key, version_no, pay_min, pay_max, pay_unit, valid_from, valid_to
            FROM {LAKE}.listing_versions ORDER BY ALL"""
    )


def test_reparse_applies_a_parser_fix_to_kept_responses_and_is_idempotent(store: Store) -> None:
    body = FIXTURE.read_bytes()
    records = greenhouse.parse(body, url=SOURCE.url)
    assert any(r.pay is not None for r in records)
    sha = store.put_raw_body(body)
    # What an older parser that missed the pay would have stored, over two daily runs.
    broken = [dataclasses.replace(r, pay=None, pay_text=None) for r in records]
    for day in range(2):
        started = T0 + timedelta(days=day)
        fetched = Fetched(url=SOURCE.url, status=200, content_type="application/json", body=body,
                          sha256=sha, fetched_at=started)
        save_listing_runs(store, platform_id=SOURCE.platform, source_name=SOURCE.name, runs=[ListingRun(
            run=RunRecord(f"run-{day}", SOURCE.name, SOURCE.platform, started, started, "ok", True, len(broken)),
            records=broken, responses=[fetched],
        )])
    assert all(row[2] is None for row in history(store))
    runs_before = store.read_value(f"SELECT count(*) FROM {LAKE}.collector_runs")

    lines = list(reparse(store, sources=[SOURCE]))
    assert lines and lines[0].startswith("gh-test: 2 run(s) re-parsed")
    fixed = history(store)
    expected_paid = sum(1 for r in records if r.pay is not None)
    assert sum(1 for row in fixed if row[2] is not None or row[3] is not None) == expected_paid
    assert all(row[1] == 1 and row[5] == T0 and row[6] is None for row in fixed)  # one version each
    assert store.read_value(f"SELECT count(*) FROM {LAKE}.collector_runs") == runs_before

    list(reparse(store, sources=[SOURCE]))
    assert history(store) == fixed  # idempotent


def test_a_reparse_is_a_dated_collection_break_on_the_charts_and_survives_reloading_reference_data(
        store: Store) -> None:
    from collectors.store.reference import load_reference_data
    from dashboard import chart_registry, queries

    body = FIXTURE.read_bytes()
    records = greenhouse.parse(body, url=SOURCE.url)
    sha = store.put_raw_body(body)
    fetched = Fetched(url=SOURCE.url, status=200, content_type="application/json", body=body,
                      sha256=sha, fetched_at=T0)
    save_listing_runs(store, platform_id=SOURCE.platform, source_name=SOURCE.name, runs=[ListingRun(
        run=RunRecord("run-0", SOURCE.name, SOURCE.platform, T0, T0, "ok", True, len(records)),
        records=records, responses=[fetched],
    )])
    list(reparse(store, sources=[SOURCE]))
    rows = store.read_rows(f"SELECT kind, platform_id, title FROM {LAKE}.events WHERE kind = 'collection'")
    assert len(rows) == 1 and rows[0][1] == "scale_ai" and "Reparse: gh-test" in rows[0][2]
    load_reference_data(store)  # `gigwatch init` reloads events.csv: the recorded break stays
    assert store.read_value(f"SELECT count(*) FROM {LAKE}.events WHERE kind = 'collection'") == 1

    def fetch(function, **kwargs):  # type: ignore[no-untyped-def]
        return function(store, **kwargs)

    breaks = chart_registry.breaks_for(fetch, ("scale_ai",))
    assert any("Reparse: gh-test" in title for title in breaks["title"])
    assert not queries.events(store, platforms=("scale_ai",)).empty
