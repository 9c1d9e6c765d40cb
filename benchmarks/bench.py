"""Benchmarks: how gigwatch performs on years of history (`make bench`, `python -m benchmarks`).

This lives outside the installed package (it needs the repository: `tests/httpserver.py`, the
labelled pay strings, the dashboard's page files), so it runs from a checkout only. A new part of
the benchmark is one `measure_*` function plus one line in `run_bench` (and its headline figures
in `HEADLINE_FIGURES`, its size in `BenchSize`).

`generate_store` builds a large synthetic lake through the real ingest path (`save_listing_runs`,
many days of one source per call, and the bulk report import), and `run_bench` measures on it:

* ingest: scraped records and written rows per second through `save_listing_runs`;
* every public function of `dashboard.queries`: p50/p95 latency as the app runs it, and the very
  same SQL on a bare DuckDB connection attached to the same lake (app / bare);
* the main aggregates computed the way many dashboards do, by loading the rows into pandas
  (pandas / gigwatch);
* the peak memory (VmHWM) of a real `streamlit run` process while a headless browser opens every
  page;
* storage bytes per daily scrape when 2% of listings change, against 0% (history grows with
  changes, not scrapes);
* one collection cycle over 30 sources served by local HTTP servers with politeness limits, against
  the slowest host;
* pay strings parsed per second.

Everything generated is synthetic: platforms are "Bench Platform NN (synthetic)", and the lake lives
in `data/bench/` (gitignored), never in the real or the demo lake. A generated lake is reused while
the parameters it was made with (kept in `data/bench/bench_params.json` and in `lake_meta`) match.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import json
import logging
import math
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from collectors.config import Settings, load_settings
from collectors.synthetic import (
    END_DATE,
    ROLES,
    SimulatedSource,
    SourceSpec,
    bench_platforms,
    report_rows,
    runs_for_days,
    source_specs,
)

log = logging.getLogger(__name__)

REPO_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO_DIR / "data" / "bench"
PARAMS_FILE = "bench_params.json"
GENERATOR_VERSION = 7  # bump when the generator changes what it makes, so old lakes are rebuilt
QUERY_P95_TARGET_MS = 200.0
DASHBOARD_PEAK_TARGET_BYTES = int(1.5 * 1024**3)

@dataclass(slots=True)
class _IngestStats:
    calls: int = 0
    runs: int = 0
    records: int = 0  # listing records in the scrapes (what a collector hands over)
    rows_written: int = 0  # rows inserted into lake tables
    new_listings: int = 0
    new_versions: int = 0
    save_seconds: float = 0.0

    def add(self, other: _IngestStats) -> None:
        for name in ("calls", "runs", "records", "rows_written", "new_listings", "new_versions", "save_seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _ingest_source(settings: Settings, spec: SourceSpec, batch_days: int) -> _IngestStats:
    """Simulate one source and save it `batch_days` days per call (runs in a worker process)."""
    from collectors.store import get_store

    return _ingest_days(get_store(settings), SimulatedSource(spec), range(spec.days), batch_days)


def _ingest_days(store: Any, sim: SimulatedSource, days: range, batch_days: int) -> _IngestStats:
    """Save `days` of one simulated source (the next ones it has not made), `batch_days` per call."""
    from collectors.store.listings import save_listing_runs

    spec = sim.spec
    stats = _IngestStats()
    for first in range(days.start, days.stop, batch_days):
        runs = runs_for_days(sim, range(first, min(days.stop, first + batch_days)))
        started = time.perf_counter()
        summary = save_listing_runs(store, platform_id=spec.platform_id, source_name=spec.source_name, runs=runs)
        stats.save_seconds += time.perf_counter() - started
        stats.calls += 1
        stats.runs += summary.runs
        stats.records += sum(len(r.records) for r in runs if r.records is not None)
        stats.rows_written += summary.runs + sum(len(r.responses) for r in runs) + summary.new_listings + summary.new_versions
        stats.new_listings += summary.new_listings
        stats.new_versions += summary.new_versions
    return stats


def bench_settings(data_dir: Path | None = None) -> Settings:
    """Settings for the benchmark lake: `data/bench/gigwatch/` unless `data_dir` says otherwise."""
    # The benchmark's boards are loopback servers, which the fetcher refuses unless allowed.
    return load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(data_dir or BENCH_DIR), "GIGWATCH_ALLOW_HOSTS": "127.0.0.1"})


HISTORY_FRACTIONS = {"quarter": 0.25, "half": 0.5, "all": 1.0}


def _run_ingest_in_steps(settings: Settings, specs: Sequence[SourceSpec], *, batch_days: int) -> tuple[_IngestStats, float, dict[str, int]]:
    """Ingest every source in one process, in time order by steps: every source's first quarter
    of its days, then up to half, then all. Returns stats, wall time and the snapshot id after
    each step (`HISTORY_FRACTIONS`), so the same views can be timed on a quarter, a half and all
    of the history."""
    from collectors.store import get_store

    store = get_store(settings)
    sims = [SimulatedSource(spec) for spec in specs]
    done = [0 for _ in specs]
    total = _IngestStats()
    snapshots: dict[str, int] = {}
    started = time.perf_counter()
    for label, fraction in HISTORY_FRACTIONS.items():
        for i, sim in enumerate(sims):
            upto = sim.spec.days if fraction >= 1 else math.ceil(sim.spec.days * fraction)
            total.add(_ingest_days(store, sim, range(done[i], upto), batch_days))
            done[i] = max(done[i], upto)
        snapshots[label] = store.snapshot_id()
    return total, time.perf_counter() - started, snapshots


def _run_ingest(
    settings: Settings, specs: Sequence[SourceSpec], *, batch_days: int, workers: int
) -> tuple[_IngestStats, float]:
    """Ingest every source (sources in parallel worker processes); returns stats and wall time."""
    total = _IngestStats()
    started = time.perf_counter()
    if workers <= 1:
        for spec in specs:
            total.add(_ingest_source(settings, spec, batch_days))
    else:
        # Biggest sources first, so the workers finish together.
        ordered = sorted(specs, key=lambda s: -s.open_target)
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(_ingest_source, settings, spec, batch_days) for spec in ordered]
            for future in futures:
                total.add(future.result())
    return total, time.perf_counter() - started


def generate_store(
    settings: Settings,
    *,
    sources: int = 30,
    days: int = 1095,
    listings: int = 100_000,
    versions: int = 1_000_000,
    reports: int = 200_000,
    change_rate: float = 0.02,
    seed: int = 20261031,
    batch_days: int = 1095,
    workers: int | None = None,
) -> dict[str, Any]:
    """Fill an empty lake with synthetic history through the real ingest path; returns what it made.

    Each source's history is saved `batch_days` days per call, in three steps (a quarter, a half,
    all of it: see `_run_ingest_in_steps`); the default makes it one call per source and step, as
    every call pays for reading the source's state and refreshing the derived tables.
    `sources` sources (over `sources // 3` platforms, at most 12) are scraped once a day for `days`
    days; about `listings` listings appear and `versions` versions are recorded (each change of
    an open listing is one version); `reports` payment reports go through the bulk import.
    Listings change with probability `change_rate` a day (more when the targets need it).
    """
    from collectors.store import get_store
    from collectors.store.maintenance import file_stats, maintain
    from collectors.store.reference import load_reference_data, set_meta

    params = _params(sources=sources, days=days, listings=listings, versions=versions, reports=reports,
                     change_rate=change_rate, seed=seed, batch_days=batch_days)
    began = time.perf_counter()
    parts: dict[str, float] = {}  # seconds of each step, so a slow generation says where it went

    def step_done(label: str, since: float) -> float:
        now = time.perf_counter()
        parts[label] = round(now - since, 1)
        return now

    store = get_store(settings)
    specs = source_specs(sources=sources, days=days, listings=listings, versions=versions,
                          change_rate=change_rate, seed=seed)
    n_platforms = len({s.platform_id for s in specs})
    load_reference_data(store, demo_platforms=bench_platforms(n_platforms))
    mark = step_done("open_and_reference_data", began)
    # SQLite catalogs take one writer at a time (see Store._write_lock), so more workers only
    # help on PostgreSQL.
    workers = workers or (1 if settings.catalog_kind == "sqlite" else min(2, os.cpu_count() or 1))
    history_snapshots: dict[str, int] = {}
    # Synthetic data is flagged like the demo's: the dashboard shows its banner, and the report
    # import accepts the synthetic platforms (and marks the reports as demo rows).
    set_meta(store, {"demo": "true", "bench": "true"})
    # The reports are made in a process of their own while the listings are ingested here: the two
    # touch different tables (the reports the vault, their run rows and the published figures),
    # each is mostly single-threaded Python, and writers take turns at the catalog's lock, as the
    # collector and the report form do in a live deployment. The worker is spawned, so it imports
    # the caller's __main__ again: a script calling this must keep its work under
    # `if __name__ == "__main__":` (one that did not deleted the lake from the worker).
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        reports_done = pool.submit(_generate_reports_apart, settings, specs, reports, seed)
        if workers <= 1:
            stats, wall, history_snapshots = _run_ingest_in_steps(settings, specs, batch_days=batch_days)
        else:
            stats, wall = _run_ingest(settings, specs, batch_days=batch_days, workers=workers)
        mark = step_done("ingest", mark)
        report_stats = reports_done.result()
    parts.update(report_stats.pop("parts_seconds", {}))
    mark = step_done("reports_after_ingest", mark)  # what the reports took beyond the ingest
    files_before = file_stats(store)
    for _line in maintain(store):
        pass
    files_after = file_stats(store)
    mark = step_done("maintain", mark)
    made = {
        **params,
        "platforms": n_platforms,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "listings_made": stats.new_listings,
        "versions_made": stats.new_versions,
        "runs_made": stats.runs,
        "scraped_records": stats.records,
        "rows_written": stats.rows_written,
        "open_listings_per_day": sum(s.open_target for s in specs),
        "change_probability": specs[0].change_probability if specs else 0.0,
        "save_calls": stats.calls,
        "ingest_workers": workers,
        "ingest_wall_seconds": round(wall, 2),
        "ingest_records_per_second": round(stats.records / wall) if wall else None,
        "ingest_rows_per_second": round(stats.rows_written / wall) if wall else None,
        **report_stats,
        "data_files_before_maintain": files_before[0],
        "data_files_after_maintain": files_after[0],
        "lake_bytes": lake_bytes(settings),
        "generation_seconds": round(time.perf_counter() - began, 1),
        "generation_parts_seconds": parts,
        # The lake's snapshot after a quarter, a half and all of the listing history (the
        # reports are imported alongside, in a process of their own); empty when sources were
        # ingested in parallel.
        "history_snapshots": history_snapshots,
    }
    set_meta(store, {"bench_params": json.dumps(params, sort_keys=True)})
    return made


def _params(**values: Any) -> dict[str, Any]:
    return {"generator_version": GENERATOR_VERSION, **values}


# -- payment reports ------------------------------------------------------------------------------

REPORT_SOURCE = "Synthetic benchmark union"
_REPORT_CHUNK_DAYS = 365  # one import per platform and year of work, as a union's yearly export


def _generate_reports_apart(settings: Settings, specs: Sequence[SourceSpec], count: int, seed: int) -> dict[str, Any]:
    """`_generate_reports` in a worker process, on its own store of the lake."""
    from collectors.store import get_store, reset_stores

    try:
        return _generate_reports(get_store(settings), specs, count, seed)
    finally:
        reset_stores()


def _generate_reports(store: Any, specs: Sequence[SourceSpec], count: int, seed: int) -> dict[str, Any]:
    """`count` synthetic payment reports through the bulk import, then approved by a moderator.

    Imported per platform and year of work (a union's yearly export, about 5,000 rows each): the
    import's duplicate check looks each row up among the stored reports of nearby dates and the
    earlier rows of its file, so its cost follows the rows, not the imports; every import also
    records a run in the lake, so a few large imports cost less than many small ones.
    """
    from collectors.store.reports import approve, import_reports

    if count <= 0:
        return {"reports_made": 0}
    began = time.perf_counter()
    rows = report_rows(specs, count, seed)
    chunks: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in rows:
        window = (date.fromisoformat(row["work_period_end"]) - date(2000, 1, 1)).days // _REPORT_CHUNK_DAYS
        chunks.setdefault((row["platform"], window), []).append(row)
    now = datetime.combine(END_DATE + timedelta(days=1), dtime(12, 0), tzinfo=UTC)
    started = time.perf_counter()
    stored: list[str] = []
    outcomes: dict[str, int] = {}
    # The generated rows of the imports still to come are out of the garbage collector's sight
    # (frozen), so that it does not walk them all again each time an import's work triggers a
    # collection: a union's real import holds its own file's rows only. Each chunk is let go once
    # imported.
    del rows
    gc.freeze()
    try:
        for key in sorted(chunks):
            account = import_reports(store, chunks.pop(key), source_name=REPORT_SOURCE, now=now)
            for result in account.rows:
                outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
                if result.report_id and result.outcome in ("stored", "held"):
                    stored.append(result.report_id)
    finally:
        gc.unfreeze()
    import_seconds = time.perf_counter() - started
    # One decision for all of them: every approval publishes the public figures again, from all
    # the approved reports, so approving in parts would publish (and read the vault) once a part.
    approve(store, stored, note="synthetic benchmark data", now=now, moderator="benchmark")
    approve_seconds = time.perf_counter() - started - import_seconds
    return {
        "parts_seconds": {"report_rows": round(started - began, 1), "report_import": round(import_seconds, 1),
                          "report_approve": round(approve_seconds, 1)},
        "reports_made": len(stored),
        "report_outcomes": outcomes,
        "report_imports": len(chunks),
        "reports_import_seconds": round(import_seconds, 1),
        "reports_per_second": round(len(stored) / import_seconds) if import_seconds else None,
    }


# -- reuse --------------------------------------------------------------------------------------


def ensure_store(settings: Settings, params: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The benchmark lake for `params`: reused when it was made with them, else rebuilt.

    Returns (what the generator made, whether it was reused).
    """
    from collectors.store import reset_stores

    params_path = settings.data_dir / PARAMS_FILE
    wanted = _params(**params)
    if params_path.exists() and settings.lake_dir.exists():
        with contextlib.suppress(ValueError, OSError):
            made = json.loads(params_path.read_text())
            if {k: made.get(k) for k in wanted} == wanted and _lake_has_params(settings, wanted):
                return made, True
    reset_stores()
    if settings.catalog_kind == "sqlite":
        shutil.rmtree(settings.lake_dir, ignore_errors=True)
    params_path.unlink(missing_ok=True)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    made = generate_store(settings, **params)
    params_path.write_text(json.dumps(made, indent=2, sort_keys=True))
    return made, False


def _lake_has_params(settings: Settings, wanted: dict[str, Any]) -> bool:
    from collectors.store import get_store

    try:
        stored = json.loads(get_store(settings).meta().get("bench_params") or "{}")
    except (duckdb.Error, OSError, ValueError):
        return False
    return isinstance(stored, dict) and {k: stored.get(k) for k in wanted} == wanted


# -- ingest throughput ----------------------------------------------------------------------------


def measure_ingest(work_dir: Path, *, sources: int, days: int, listings: int, versions: int,
                   batch_days: int) -> dict[str, Any]:
    """Bulk ingest into a fresh lake in one process: records in and rows written per second."""
    from collectors.store import get_store, reset_stores

    settings = bench_settings(work_dir / "ingest")
    get_store(settings)
    specs = source_specs(sources=sources, days=days, listings=listings, versions=versions,
                          change_rate=0.02, seed=11)
    stats, _wall = _run_ingest(settings, specs, batch_days=batch_days, workers=1)
    reset_stores()
    shutil.rmtree(work_dir / "ingest", ignore_errors=True)
    return {
        "sources": sources,
        "days": days,
        "days_per_call": batch_days,
        "calls": stats.calls,
        "scraped_records": stats.records,
        "rows_written": stats.rows_written,
        "new_versions": stats.new_versions,
        "seconds_in_save": round(stats.save_seconds, 2),
        "records_per_second": round(stats.records / stats.save_seconds),
        "rows_written_per_second": round(stats.rows_written / stats.save_seconds),
    }


# -- storage growth -------------------------------------------------------------------------------


def _dir_bytes(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(root) / name).stat().st_size
    return total


def lake_bytes(settings: Settings) -> int:
    """Bytes the lake holds: its data files, plus the pages of a SQLite catalog in use (not the
    file's size, which grows in steps and keeps free pages and a write-ahead log)."""
    import sqlite3

    total = _dir_bytes(Path(settings.files_path)) + _dir_bytes(settings.raw_dir)
    if settings.catalog_kind == "sqlite":
        con = sqlite3.connect(f"file:{settings.catalog_target}?mode=ro", uri=True)
        try:
            pages = con.execute("PRAGMA page_count").fetchone()[0]
            free = con.execute("PRAGMA freelist_count").fetchone()[0]
            size = con.execute("PRAGMA page_size").fetchone()[0]
        finally:
            con.close()
        total += (pages - free) * size
    return total


def daily_sources(*, sources: int, open_per_source: int, days: int, change_rate: float) -> list[SimulatedSource]:
    """Simulated sources of `open_per_source` steady listings (no arrivals, no failed runs), a
    first day and then `days` daily scrapes, with `change_rate` of them changing a day: what the
    storage figure and `benchmarks.save_profile` save."""
    return [
        SimulatedSource(SourceSpec(
            index=i, platform_id=f"bench_p{i + 1:02d}", source_name=f"bench-store-s{i + 1:02d}",
            days=days + 1, start=END_DATE - timedelta(days=days), open_target=open_per_source,
            arrivals_per_day=0.0, change_probability=change_rate, failed_rate=0.0,
            suspicious_rate=0.0, seed=100 + i, pay_trend=-0.1,
        ))
        for i in range(sources)
    ]


def measure_storage(work_dir: Path, *, sources: int, open_per_source: int, scrapes: int,
                    change_rate: float) -> dict[str, Any]:
    """Bytes a lake grows by per daily scrape (every source once, one transaction each, as live
    collection saves them), with `change_rate` of the open listings changing each day."""
    from collectors.store import get_store, reset_stores
    from collectors.store.listings import save_listing_runs

    settings = bench_settings(work_dir / f"storage-{change_rate:g}")
    store = get_store(settings)
    sims = daily_sources(sources=sources, open_per_source=open_per_source, days=scrapes, change_rate=change_rate)
    for sim in sims:
        save_listing_runs(store, platform_id=sim.spec.platform_id, source_name=sim.spec.source_name,
                          runs=runs_for_days(sim, range(0, 1)))
    before = lake_bytes(settings)
    versions = 0
    for day in range(1, scrapes + 1):
        for sim in sims:
            summary = save_listing_runs(store, platform_id=sim.spec.platform_id,
                                        source_name=sim.spec.source_name, runs=runs_for_days(sim, range(day, day + 1)))
            versions += summary.new_versions
    after = lake_bytes(settings)
    reset_stores()
    shutil.rmtree(settings.data_dir, ignore_errors=True)
    return {
        "change_rate": change_rate,
        "sources": sources,
        "open_listings": sources * open_per_source,
        "scrapes": scrapes,
        "new_versions": versions,
        "bytes_added": after - before,
        "bytes_per_scrape": round((after - before) / scrapes),
    }


# -- query latency ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Call:
    kind: str  # "df" or "rows"
    sql: str
    params: Any


@contextlib.contextmanager
def _capture(store: Any) -> Iterator[list[_Call]]:
    """Record the SQL a query function sends through `Store.read_df` / `read_rows`."""
    calls: list[_Call] = []
    original_df, original_rows = store.read_df, store.read_rows

    def read_df(sql: str, params: Any = None) -> pd.DataFrame:
        calls.append(_Call("df", sql, params))
        return original_df(sql, params)

    def read_rows(sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        calls.append(_Call("rows", sql, params))
        return original_rows(sql, params)

    setattr(store, "read_df", read_df)  # noqa: B010 - shadowing a method on this one instance
    setattr(store, "read_rows", read_rows)  # noqa: B010
    try:
        yield calls
    finally:
        del store.read_df
        del store.read_rows


def bare_connection(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A plain DuckDB connection with the lake attached exactly as the app attaches it."""
    from collectors.store import LAKE, _load_extensions, attach_sql

    con = duckdb.connect()
    extensions, attach_statement = attach_sql(settings)
    _load_extensions(con, extensions)
    con.execute(attach_statement)
    con.execute(f"USE {LAKE}")
    return con


def _replay(con: duckdb.DuckDBPyConnection, calls: Sequence[_Call]) -> None:
    for call in calls:
        result = con.execute(call.sql, call.params)
        if call.kind == "df":
            result.df()
        else:
            result.fetchall()


def query_cases(store: Any) -> list[tuple[str, Callable[[], Any]]]:
    """Every public query function of `dashboard.queries`, with defaults, plus filtered variants
    of the main ones (one platform), as a page calls them."""
    from dashboard import queries

    sample = _sample_keys(store)
    cases: list[tuple[str, Callable[[], Any]]] = []
    for name, function in inspect.getmembers(queries, inspect.isfunction):
        if name.startswith("_") or function.__module__ != queries.__name__:
            continue
        parameters = list(inspect.signature(function).parameters.values())
        if len(parameters) < 2 or parameters[0].name != "store" or parameters[1].name != "snapshot_id":
            continue
        kwargs = {k: v for k, v in sample.items() if k in inspect.signature(function).parameters}
        cases.append((name, _bind(function, store, kwargs)))
        if "platforms" in inspect.signature(function).parameters and name in (
            "weekly_pay", "open_listings_daily", "availability_index", "listings_table", "pay_changes",
        ) and sample.get("platform"):
            cases.append((f"{name}[1 platform]", _bind(function, store, {**kwargs, "platforms": [sample["platform"]]})))
    return cases


def _bind(function: Callable[..., Any], store: Any, kwargs: dict[str, Any]) -> Callable[[], Any]:
    return lambda: function(store, None, **kwargs)


def _sample_keys(store: Any) -> dict[str, Any]:
    from collectors.store import LAKE

    sample: dict[str, Any] = {}
    row = store.read_rows(
        f"SELECT listing_key FROM {LAKE}.listing_versions WHERE version_no > 2 ORDER BY listing_key LIMIT 1"
    )
    if row:
        sample["listing_key"] = row[0][0]
    row = store.read_rows(
        f"SELECT platform_id FROM {LAKE}.listings GROUP BY platform_id ORDER BY count(*) DESC LIMIT 1"
    )
    if row:
        sample["platform"] = row[0][0]
    return sample


def _percentile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def measure_queries(store: Any, settings: Settings, *, repeats: int, min_repeats: int = 5,
                    budget_seconds: float = 20.0) -> dict[str, dict[str, Any]]:
    """p50/p95 of each dashboard query as the app runs it and as bare DuckDB runs the same SQL.

    Each query runs `repeats` times (app and bare alternately, after a warm-up of each), or at
    least `min_repeats` times when that takes more than `budget_seconds`.
    """
    bare = bare_connection(settings)
    figures: dict[str, dict[str, Any]] = {}
    for name, call in query_cases(store):
        app_ms: list[float] = []
        bare_ms: list[float] = []
        rows = 0
        error = None
        try:
            with _capture(store) as calls:
                result = call()  # warm-up, and the SQL to replay
            rows = len(result) if hasattr(result, "__len__") else 0
            captured = list(calls)
            _replay(bare, captured)  # warm-up
            began = time.perf_counter()
            for done in range(repeats):
                if done >= min_repeats and time.perf_counter() - began > budget_seconds:
                    break
                started = time.perf_counter()
                call()
                app_ms.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                _replay(bare, captured)
                bare_ms.append((time.perf_counter() - started) * 1000)
        except Exception as exc:  # a broken query is a finding, not a reason to stop measuring
            error = f"{type(exc).__name__}: {exc}"[:300]
        entry: dict[str, Any] = {"rows": rows, "sql_statements": len(captured) if not error else None,
                                 "repeats": len(app_ms)}
        if app_ms:
            entry.update({
                "app_p50_ms": round(_percentile(app_ms, 0.5), 2),
                "app_p95_ms": round(_percentile(app_ms, 0.95), 2),
                "bare_p50_ms": round(_percentile(bare_ms, 0.5), 2),
                "bare_p95_ms": round(_percentile(bare_ms, 0.95), 2),
            })
            entry["app_over_bare_p50"] = round(entry["app_p50_ms"] / max(entry["bare_p50_ms"], 1e-3), 3)
            # Each repeat runs app then bare: the median of their ratios, so one noisy run does not decide.
            entry["app_over_bare_median_of_runs"] = round(
                statistics.median(a / max(b, 1e-3) for a, b in zip(app_ms, bare_ms, strict=True)), 3)
        if error:
            entry["error"] = error
        figures[name] = entry
    bare.close()
    return figures


# -- cost as history grows ---------------------------------------------------------------------------

HISTORY_VIEWS = ("open_listings_daily", "availability_index", "availability_change", "listing_flows_weekly",
                 "listing_lifetimes", "weekly_pay", "pay_changes", "listings_table")


def measure_history(store: Any, snapshots: dict[str, int], *, repeats: int) -> dict[str, Any]:
    """The same views pinned to the snapshot after a quarter, a half and all of the listing
    history: p50 ms of `repeats` runs each (after a warm-up), and how the history itself grew."""
    from collectors.store import LAKE
    from dashboard import queries

    if not snapshots:
        return {"skipped": "the lake was ingested in parallel, with no snapshots in time order"}
    versions = {
        label: store.read_rows(f"SELECT count(*) FROM {LAKE}.listing_versions AT (VERSION => {int(snapshot)})")[0][0]
        for label, snapshot in snapshots.items()
    }
    views: dict[str, dict[str, Any]] = {}
    for name in HISTORY_VIEWS:
        function = getattr(queries, name)
        entry: dict[str, Any] = {}
        for label, snapshot in snapshots.items():
            function(store, snapshot)  # warm-up
            samples = []
            for _ in range(repeats):
                started = time.perf_counter()
                function(store, snapshot)
                samples.append((time.perf_counter() - started) * 1000)
            entry[f"{label}_p50_ms"] = round(_percentile(samples, 0.5), 2)
        if entry.get("quarter_p50_ms"):
            entry["all_over_quarter"] = round(entry["all_p50_ms"] / entry["quarter_p50_ms"], 2)
        views[name] = entry
    return {
        "snapshots": snapshots,
        "listing_versions": versions,
        "versions_all_over_quarter": round(versions["all"] / versions["quarter"], 2) if versions.get("quarter") else None,
        "views": views,
    }


# -- the same aggregates in pandas ------------------------------------------------------------------

_TIME_UNITS = ("hour", "day", "week", "month", "year")
_QUARTILES = np.array([0.25, 0.5, 0.75])


def _naive_utc(series: pd.Series) -> pd.Series:
    if getattr(series.dt, "tz", None) is not None:
        return series.dt.tz_convert("UTC").dt.tz_localize(None)
    return series


def _load_tables(con: duckdb.DuckDBPyConnection, *tables: str) -> dict[str, pd.DataFrame]:
    """`SELECT *` of whole tables into pandas, as a dashboard that aggregates in pandas does."""
    return {table: con.execute(f"SELECT * FROM lake.{table}").df() for table in tables}


def _bounds(runs: pd.DataFrame) -> tuple[pd.DataFrame, pd.Timestamp]:
    started = _naive_utc(runs["started_at"])
    ok = (runs["status"] == "ok") & runs["platform_id"].notna()
    complete = ok & runs["complete"].astype(bool)
    bounds = runs.assign(started=started)[complete].groupby("platform_id")["started"].agg(["min", "max"])
    return bounds, started[ok].max()


def pandas_weekly_median_pay(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """`queries.weekly_pay()` the pandas way: load versions, listings and runs, then filter per week."""
    t = _load_tables(con, "listing_versions", "listings", "collector_runs")
    v = t["listing_versions"].merge(t["listings"][["listing_key", "platform_id"]], on="listing_key")
    v = v[v["pay_unit"].isin(_TIME_UNITS)]
    low, high = v["hourly_usd_min"], v["hourly_usd_max"]
    v = v.assign(value=((low + high) / 2).fillna(low).fillna(high))
    v = v[v["value"].notna()]
    vf = _naive_utc(v["valid_from"])
    vt = _naive_utc(v["valid_to"])
    vt = vt.fillna(pd.Timestamp("9999-12-31").as_unit(vt.dt.unit))
    bounds, as_of = _bounds(t["collector_runs"])
    first = bounds["min"].min()
    weeks = pd.date_range(first.normalize() - pd.Timedelta(days=first.day_of_week), as_of, freq="7D")
    frames = []
    for week in weeks:
        sample_at = min(week + pd.Timedelta(days=7), as_of)
        live = v[(vf <= sample_at) & (vt > sample_at)]
        grouped = live.groupby("platform_id")["value"]
        frame = grouped.quantile(_QUARTILES).unstack()
        frame["n_listings"] = grouped.size()
        frame["week_start"] = week
        frames.append(frame.reset_index())
    out = pd.concat(frames, ignore_index=True)
    out = out.merge(bounds, left_on="platform_id", right_index=True)
    first_week = out["min"].dt.normalize() - pd.to_timedelta(out["min"].dt.day_of_week, unit="D")
    return out[(out["week_start"] >= first_week) & (out["week_start"] <= out["max"])]


def pandas_open_listings_daily(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """`queries.open_listings_daily()` the pandas way: load listings and runs, count per day."""
    t = _load_tables(con, "listings", "collector_runs")
    listings = t["listings"]
    opened = _naive_utc(listings["first_seen_at"]).dt.normalize()
    closed = _naive_utc(listings["closed_at"]).dt.normalize()
    bounds, _ = _bounds(t["collector_runs"])
    frames = []
    for platform_id, (first, last) in bounds.iterrows():
        mine = listings["platform_id"] == platform_id
        days = pd.date_range(first.normalize(), last.normalize(), freq="D")
        opens = opened[mine].value_counts().reindex(days, fill_value=0)
        closes = closed[mine].dropna().value_counts().reindex(days, fill_value=0)
        carried = int((opened[mine] < days[0]).sum() - (closed[mine] < days[0]).sum())
        frames.append(pd.DataFrame({"day": days, "platform_id": platform_id,
                                    "open_listings": carried + (opens - closes).cumsum().to_numpy()}))
    return pd.concat(frames, ignore_index=True)


def pandas_listing_lifetimes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """`queries.listing_lifetimes()` the pandas way."""
    listings = _load_tables(con, "listings")["listings"]
    lifetime = (listings["closed_at"] - listings["first_seen_at"]).dt.total_seconds() / 86400
    frame = listings.assign(lifetime=lifetime)
    closed = frame[frame["closed_at"].notna()].groupby("platform_id")["lifetime"]
    out = closed.quantile(_QUARTILES).unstack()
    out["n_closed"] = closed.size()
    out["n_open"] = frame[frame["closed_at"].isna()].groupby("platform_id").size()
    return out.reset_index()


def pandas_listing_flows_weekly(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """`queries.listing_flows_weekly()` the pandas way: load listings and runs, count per week."""
    t = _load_tables(con, "listings", "collector_runs")
    listings = t["listings"]
    opened = _naive_utc(listings["first_seen_at"])
    closed = _naive_utc(listings["closed_at"])
    bounds, _ = _bounds(t["collector_runs"])
    after_first = opened > listings["platform_id"].map(bounds["min"])
    new = listings[after_first].groupby(
        [listings["platform_id"][after_first], opened[after_first].dt.to_period("W-SUN").dt.start_time]).size()
    ended = closed.notna()
    gone = listings[ended].groupby([listings["platform_id"][ended], closed[ended].dt.to_period("W-SUN").dt.start_time]).size()
    return pd.concat({"new_listings": new, "closed_listings": gone}, axis=1).fillna(0).astype("int64").reset_index()


PANDAS_CASES: dict[str, tuple[Callable[[duckdb.DuckDBPyConnection], pd.DataFrame], str]] = {
    "weekly_median_pay": (pandas_weekly_median_pay, "weekly_pay"),
    "open_listings_per_day": (pandas_open_listings_daily, "open_listings_daily"),
    "listing_lifetimes": (pandas_listing_lifetimes, "listing_lifetimes"),
    "listing_flows_weekly": (pandas_listing_flows_weekly, "listing_flows_weekly"),
    # km_curves: no pandas counterpart since reports left the lake (the curves read published risk sets)
}


def measure_pandas(store: Any, settings: Settings, app_figures: dict[str, dict[str, Any]],
                   *, repeats: int, budget_seconds: float = 5.0) -> dict[str, dict[str, Any]]:
    """The main aggregates computed by loading rows into pandas, against gigwatch's p50: each
    `repeats` times, or fewer once `budget_seconds` have passed (weekly pay takes about 7 s in
    pandas, over 100 times gigwatch's figure, so one run of it says all there is)."""

    con = bare_connection(settings)
    out: dict[str, dict[str, Any]] = {}
    for label, (function, query_name) in PANDAS_CASES.items():
        app = app_figures.get(query_name, {})
        if "app_p50_ms" not in app:
            out[label] = {"skipped": f"dashboard.queries.{query_name} was not timed: {app.get('error')}"}
            continue
        timings: list[float] = []
        rows = 0
        try:
            began = time.perf_counter()
            for _ in range(repeats):
                started = time.perf_counter()
                frame = function(con)
                timings.append((time.perf_counter() - started) * 1000)
                rows = len(frame)
                if time.perf_counter() - began > budget_seconds:
                    break
        except Exception as exc:
            out[label] = {"skipped": f"{type(exc).__name__}: {exc}"[:300]}
            continue
        pandas_ms = statistics.median(timings)
        out[label] = {
            "query": query_name,
            "pandas_ms": round(pandas_ms, 1),
            "gigwatch_p50_ms": app["app_p50_ms"],
            "pandas_over_gigwatch": round(pandas_ms / max(app["app_p50_ms"], 1e-3), 1),
            "pandas_rows": rows,
            "repeats": len(timings),
            "gigwatch_rows": app.get("rows"),
        }
    con.close()
    return out


# -- dashboard memory ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _proc_status_bytes(pid: int, field_name: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def dashboard_pages() -> list[str]:
    """URL paths of the dashboard's pages (one per file in dashboard/app_pages/)."""
    return sorted(p.stem for p in (REPO_DIR / "dashboard" / "app_pages").glob("*.py") if not p.stem.startswith("_"))


def find_chromium() -> str | None:
    for candidate in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


BENCH_MODERATOR = "bench"
BENCH_MODERATOR_PASSWORD = "bench-moderator-password-16"  # a throwaway account on the synthetic lake only
FLOOR_APP = REPO_DIR / "benchmarks" / "floor_app.py"
DASHBOARD_APP = REPO_DIR / "dashboard" / "streamlit_app.py"


@contextlib.contextmanager
def _streamlit_server(script: Path, env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[bytes], str, str]]:
    """`streamlit run script` on a free loopback port: yields (process, base URL, log path).

    The dashboard is started as `gigwatch dashboard` starts it (`python -m dashboard.serve`: the
    process imports the pages' modules and opens the lake before it listens); the floor page as
    plain `streamlit run`.
    """
    port = _free_port()
    log_file = tempfile.NamedTemporaryFile(prefix=f"gigwatch-bench-{script.stem}-", suffix=".log", delete=False)  # noqa: SIM115
    launcher = ["-m", "dashboard.serve"] if script == DASHBOARD_APP else ["-m", "streamlit", "run", str(script)]
    process = subprocess.Popen(
        [sys.executable, *launcher,
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        env=env, cwd=REPO_DIR, stdout=log_file, stderr=subprocess.STDOUT,
    )
    try:
        _wait_http(f"http://127.0.0.1:{port}/_stcore/health", timeout=60, process=process)
        yield process, f"http://127.0.0.1:{port}", log_file.name
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log_file.close()


def _visit(page: Any, url: str, timeout: float) -> float:
    """Seconds from asking for `url` until Streamlit has been idle for a second (the quiet second
    included, as for the floor)."""
    started = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    _wait_streamlit_idle(page, timeout=timeout)
    return round(time.perf_counter() - started, 2)


@contextlib.contextmanager
def _received_bytes(page: Any) -> Iterator[list[int]]:
    """Bytes the page receives over Streamlit's websocket while the block runs (one counter, in a
    list): what a visit sends to the browser (figures, tables, text)."""
    received = [0]

    def on_websocket(websocket: Any) -> None:
        websocket.on("framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload)))

    page.on("websocket", on_websocket)
    try:
        yield received
    finally:
        page.remove_listener("websocket", on_websocket)


def _page_error(page: Any) -> str | None:
    errors = page.locator('[data-testid="stException"]')
    return str(errors.first.inner_text())[:200] if errors.count() else None


def _sign_in_seconds(page: Any, timeout: float) -> float:
    """On the locked admin page: fill the form, press Sign in, until the queue has drawn."""
    if not page.locator('input[type="password"]').count():
        main = page.inner_text('[data-testid="stMain"]')[:400]
        raise RuntimeError(f"no sign-in form on the admin page: {main!r}")
    page.get_by_label("Moderator name").fill(BENCH_MODERATOR)
    page.locator('input[type="password"]').fill(BENCH_MODERATOR_PASSWORD)
    started = time.perf_counter()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector('[data-testid="stSidebar"] >> text=Signed in as', timeout=timeout * 1000)
    _wait_streamlit_idle(page, timeout=timeout)
    return round(time.perf_counter() - started, 2)


def _navigate_seconds(page: Any, path: str, timeout: float) -> float:
    """Open `path` from the sidebar's page links (the session, and so a sign-in, is kept)."""
    started = time.perf_counter()
    page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').first.click()
    page.wait_for_url(f"**/{path}", timeout=timeout * 1000)
    _wait_streamlit_idle(page, timeout=timeout)
    return round(time.perf_counter() - started, 2)


def _ratios(pages: dict[str, float], floor: float | None) -> dict[str, float]:
    return {name: round(seconds / floor, 2) for name, seconds in pages.items() if floor}


def measure_floor(chromium: str, *, page_timeout: float = 60.0, load_contexts: int = 0,
                  load_pages_each: int = 3) -> dict[str, Any]:
    """The floor page (benchmarks/floor_app.py) cold (first visit after its server starts) and
    warm (the second visit), in its own server, with the browser settings the dashboard gets;
    with `load_contexts`, also under the load the dashboard gets (`_measure_load`): what ten
    browsers and one Streamlit server sharing this machine cost even for the least page."""
    from playwright.sync_api import sync_playwright

    with _streamlit_server(FLOOR_APP, dict(os.environ)) as (process, base, _log):
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            cold = _visit(page, base, page_timeout)
            with _received_bytes(page) as received:
                warm = _visit(page, base, page_timeout)
            error = _page_error(page)
            browser.close()
        load = (_measure_load(chromium, base, [""], contexts=load_contexts, pages_each=load_pages_each,
                              timeout=page_timeout) if load_contexts else None)
        peak = _proc_status_bytes(process.pid, "VmHWM")
    if load is not None:
        load["p95_over_single_user"] = round(load["p95_seconds"] / warm, 2) if warm else None
    return {"cold_seconds": cold, "warm_seconds": warm, "warm_kilobytes_received": round(received[0] / 1024, 1),
            "error": error, "load": load,
            "peak_rss_mb": round(peak / 1024**2, 1) if peak else None,
            "what": "one plotly chart of 1,000 points and one 100-row table (benchmarks/floor_app.py)"}


async def _load_context(browser: Any, base: str, paths: Sequence[str], timeout: float) -> list[float]:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    seconds: list[float] = []
    try:
        for path in paths:
            started = time.perf_counter()
            await page.goto(f"{base}/{path}", wait_until="domcontentloaded")
            await _wait_streamlit_idle_async(page, timeout=timeout)
            seconds.append(time.perf_counter() - started)
    finally:
        await context.close()
    return seconds


async def _wait_streamlit_idle_async(page: Any, *, timeout: float) -> None:
    await page.wait_for_selector('[data-testid="stApp"]', timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        running = await page.locator('[data-testid="stStatusWidget"]').count() > 0
        ready = await page.locator('[data-testid="stMain"], [data-testid="stAppViewContainer"]').count() > 0
        if ready and not running:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= 1.0:
                return
        else:
            quiet_since = None
        await asyncio.sleep(0.2)
    raise TimeoutError(f"page {page.url} still running after {timeout:.0f} s")


def _measure_load(chromium: str, base: str, pages: Sequence[str], *, contexts: int, pages_each: int,
                  timeout: float) -> dict[str, Any]:
    """`contexts` browser contexts (one browser), each loading `pages_each` pages one after
    another, all at once: every page time under that load."""
    from playwright.async_api import async_playwright

    async def run() -> list[list[float]]:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            try:
                plans = [[pages[(i + j) % len(pages)] for j in range(pages_each)] for i in range(contexts)]
                return list(await asyncio.gather(*(_load_context(browser, base, plan, timeout) for plan in plans)))
            finally:
                await browser.close()

    started = time.perf_counter()
    per_context = asyncio.run(run())
    samples = [s for seconds in per_context for s in seconds]
    return {
        "contexts": contexts,
        "pages_per_context": pages_each,
        "loads": len(samples),
        "wall_seconds": round(time.perf_counter() - started, 2),
        "p50_seconds": round(_percentile(samples, 0.5), 2),
        "p95_seconds": round(_percentile(samples, 0.95), 2),
    }


def _empty_config() -> Path:
    path = Path(tempfile.gettempdir()) / "gigwatch-bench-empty-config.toml"
    path.write_text("# gigwatch benchmark: no settings beyond the environment\n", encoding="utf-8")
    return path


# Other views of a page, measured as the pages are (a server each, cold then warm) and reported
# apart from the page targets: what a choice on a page costs. Pay trends draws a panel per
# currency and unit by default (hourly USD on one axis); one panel per platform is its costliest view.
VIEW_VARIANTS = {"pay_trends_per_platform": "pay_trends?layout=apart"}


def measure_dashboard(settings: Settings, *, pages: Sequence[str] | None = None, page_timeout: float = 180.0,
                      load_contexts: int = 10, load_pages_each: int = 3,
                      variants_asked: Mapping[str, str] = VIEW_VARIANTS) -> dict[str, Any]:
    """The dashboard's pages in headless Chromium against the floor page, by the same method.

    Per page: cold (its first visit since the server started, so its cached queries are empty;
    the first page also pays the process's imports, as the floor's cold visit does) and warm (a
    second visit, in the same browser). Admin is measured locked and signed in (a moderator
    account made for the run; signed in cold is pressing Sign in until the queue has drawn, warm
    is coming back to Admin from the sidebar). `variants_asked` (name -> URL path and query) are
    measured the same way when their page is among `pages`. Then `load_contexts` contexts load
    pages at once, and the server's peak resident memory (VmHWM) is read at the end.
    """
    chromium = find_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright is not installed"}
    if chromium is None:
        return {"skipped": "no chromium on PATH (apt-get install chromium)"}
    from collectors.moderators import hash_password

    floor = measure_floor(chromium, page_timeout=page_timeout, load_contexts=load_contexts,
                          load_pages_each=load_pages_each)
    env = {**os.environ, "GIGWATCH_DATA_DIR": str(settings.data_dir), "GIGWATCH_LAKE": settings.lake,
           "GIGWATCH_CATALOG": settings.catalog, "GIGWATCH_FILES_PATH": settings.files_path,
           "GIGWATCH_MODERATORS": f"{BENCH_MODERATOR}:{hash_password(BENCH_MODERATOR_PASSWORD)}",
           # An empty gigwatch.toml: not the checkout's (its accounts, its settings).
           "GIGWATCH_CONFIG": str(_empty_config())}
    pages = list(pages) if pages is not None else dashboard_pages()
    app = DASHBOARD_APP
    cold: dict[str, float] = {}
    warm: dict[str, float] = {}
    page_errors: dict[str, str] = {}
    kilobytes: dict[str, float] = {}  # received over the websocket in the warm visit
    variants: dict[str, dict[str, Any]] = {}  # VIEW_VARIANTS, measured the same way
    peaks: list[int] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        # A server of its own for each page, as the floor has: cold is the first visit after start.
        for path in pages:
            with _streamlit_server(app, env) as (process, base, _log):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                for visit in (cold, warm):
                    with _received_bytes(page) as received:
                        visit[path] = _visit(page, f"{base}/{path}", page_timeout)
                    if visit is warm:
                        kilobytes[path] = round(received[0] / 1024, 1)
                    error = _page_error(page)
                    if error:
                        page_errors[path] = error
                if path == "admin":
                    cold["admin_signed_in"] = _sign_in_seconds(page, page_timeout)
                    # Away to a light page and back through the sidebar (a new URL would lose the session).
                    _navigate_seconds(page, "methodology", page_timeout)
                    warm["admin_signed_in"] = _navigate_seconds(page, "admin", page_timeout)
                    error = _page_error(page)
                    if error:
                        page_errors["admin_signed_in"] = error
                page.close()
                peaks.append(_proc_status_bytes(process.pid, "VmHWM") or 0)
        for name, url in variants_asked.items():
            if url.split("?")[0] not in pages:
                continue
            with _streamlit_server(app, env) as (process, base, _log):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                seconds: dict[str, float] = {}
                for kind in ("cold", "warm"):
                    with _received_bytes(page) as received:
                        seconds[kind] = _visit(page, f"{base}/{url}", page_timeout)
                error = _page_error(page)
                variants[name] = {
                    "url": url, "cold_seconds": seconds["cold"], "warm_seconds": seconds["warm"],
                    "over_floor_cold": round(seconds["cold"] / floor["cold_seconds"], 2) if floor["cold_seconds"] else None,
                    "over_floor_warm": round(seconds["warm"] / floor["warm_seconds"], 2) if floor["warm_seconds"] else None,
                    "kilobytes_received_warm": round(received[0] / 1024, 1),
                    **({"error": error} if error else {}),
                }
                page.close()
        browser.close()
    single = [s for name, s in warm.items() if name != "admin_signed_in"]
    single_p95 = _percentile(single, 0.95) if single else 0.0
    with _streamlit_server(app, env) as (process, base, log_path):
        # Warm first (every page once), so the load is compared with warm single-user visits.
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for path in pages:
                _visit(page, f"{base}/{path}", page_timeout)
            browser.close()
        load = _measure_load(chromium, base, pages, contexts=load_contexts, pages_each=load_pages_each,
                             timeout=page_timeout)
        load["single_user_p95_seconds"] = round(single_p95, 2)
        load["p95_over_single_user"] = round(load["p95_seconds"] / single_p95, 2) if single_p95 else None
        # The floor page under the same load, on the same machine: the part of the figure above
        # that is the machine's (ten Chromium contexts and the server on its cores), not gigwatch's.
        floor_load = floor.get("load") or {}
        load["floor_p95_seconds"] = floor_load.get("p95_seconds")
        load["floor_p95_over_single_user"] = floor_load.get("p95_over_single_user")
        load["p95_over_floor_p95"] = (round(load["p95_seconds"] / floor_load["p95_seconds"], 2)
                                      if floor_load.get("p95_seconds") else None)
        load_peak = _proc_status_bytes(process.pid, "VmHWM")
        current = _proc_status_bytes(process.pid, "VmRSS")
    peak = max([*peaks, load_peak or 0]) or None
    over_cold = _ratios(cold, floor["cold_seconds"])
    over_warm = _ratios(warm, floor["warm_seconds"])
    return {
        "floor": floor,
        "method": "each page in a fresh server (cold: first visit after start; warm: the second visit), "
                  "timed from navigation until Streamlit has been idle for 1 s (that second included)",
        "page_seconds_cold": cold,
        "page_seconds_warm": warm,
        "page_kilobytes_received_warm": kilobytes,
        "page_over_floor_cold": over_cold,
        "page_over_floor_warm": over_warm,
        "max_page_over_floor_cold": max(over_cold.values(), default=None),
        "max_page_over_floor_warm": max(over_warm.values(), default=None),
        "variants": variants,
        "load": load,
        "peak_rss_bytes": peak,  # the highest VmHWM of any dashboard server, the loaded one included
        "peak_rss_mb": round(peak / 1024**2, 1) if peak else None,
        "peak_rss_under_load_mb": round(load_peak / 1024**2, 1) if load_peak else None,
        "rss_after_load_mb": round(current / 1024**2, 1) if current else None,
        "pages_loaded": len(cold) + len(warm) + load["loads"],
        "page_seconds": cold,  # the older name, kept for readers of earlier JSON
        "page_errors": page_errors,
        "server_log": log_path,
    }


def _wait_http(url: str, *, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before answering {url}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.3)


def _wait_streamlit_idle(page: Any, *, timeout: float) -> None:
    """Until the app has rendered and its "Running..." indicator stayed off for a second."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        ready = page.locator('[data-testid="stMain"], [data-testid="stAppViewContainer"]').count() > 0
        if ready and not running:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= 1.0:
                return
        else:
            quiet_since = None
        time.sleep(0.2)
    raise TimeoutError(f"page {page.url} still running after {timeout:.0f} s")


# -- one collection cycle over 30 local hosts --------------------------------------------------------


def measure_cycle(work_dir: Path, *, hosts: int, pages_max: int, interval_max: float) -> dict[str, Any]:
    """One collection cycle over `hosts` local HTTP servers (Workable-format boards of 1 to
    `pages_max` pages, minimum intervals up to `interval_max` s), against the slowest host."""
    from collectors.runner import run_cycle
    from collectors.sources.base import SourceConfig
    from collectors.store import get_store, reset_stores
    from tests.httpserver import LocalHTTPServer, Reply

    settings = bench_settings(work_dir / "cycle")
    store = get_store(settings)
    servers: list[LocalHTTPServer] = []
    sources: list[SourceConfig] = []
    planned: dict[str, float] = {}
    try:
        for i in range(hosts):
            server = LocalHTTPServer().start()
            servers.append(server)
            pages = 1 + i % pages_max
            interval = round(interval_max * (1 + i % 5) / 5, 3)
            path = f"/api/v3/accounts/bench{i:02d}/jobs"
            replies = [
                Reply.json({
                    "results": [_workable_job(i, page * 50 + j) for j in range(50)],
                    "nextPage": f"p{page + 1}" if page + 1 < pages else None,
                })
                for page in range(pages)
            ]
            server.script(path, *replies)
            sources.append(SourceConfig(
                name=f"bench-cycle-{i:02d}", platform=f"bench_p{i % 10 + 1:02d}", kind="workable",
                url=server.url(path), min_interval_seconds=interval, options={"account": f"bench{i:02d}"},
            ))
            planned[server.host] = interval * pages  # robots.txt plus `pages` requests, `interval` apart
        started = time.perf_counter()
        outcome = asyncio.run(run_cycle(sources, store, settings=settings))
        wall = time.perf_counter() - started
        spans = {}
        for server in servers:
            times = sorted(r.at for r in server.requests)
            spans[server.host] = times[-1] - times[0] if len(times) > 1 else 0.0
        slowest = max(spans.values()) if spans else 0.0
    finally:
        for server in servers:
            server.stop()
        reset_stores()
        shutil.rmtree(work_dir / "cycle", ignore_errors=True)
    return {
        "sources": hosts,
        "requests": sum(len(s.requests) for s in servers),
        "wall_seconds": round(wall, 2),
        "slowest_host_seconds": round(slowest, 2),
        "slowest_host_politeness_floor_seconds": round(max(planned.values()), 2),
        "wall_over_slowest_host": round(wall / slowest, 2) if slowest else None,
        "runs_ok": sum(1 for run in outcome if run.status == "ok"),
    }


def _workable_job(host: int, n: int) -> dict[str, Any]:
    return {
        "shortcode": f"B{host:02d}{n:05d}",
        "title": ROLES[n % len(ROLES)].title,
        "remote": True,
        "location": {"country": "United States", "countryCode": "US", "city": "", "region": ""},
        "department": [ROLES[n % len(ROLES)].department],
        "type": "contract",
        "published": "2026-10-01T00:00:00.000Z",
    }


# -- pay parsing -----------------------------------------------------------------------------------


def measure_pay_parsing(seconds: float) -> dict[str, Any]:
    from benchmarks.pay_bench import benchmark_parse_pay, hostile_text_seconds

    return {**benchmark_parse_pay(seconds), "hostile_text_seconds": hostile_text_seconds()}


# -- the machine -------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = None
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024**2, 1)
    return {
        "load_average_1_5_15min": [round(x, 2) for x in os.getloadavg()],
        "nproc": os.cpu_count(),
        "memory_gib": memory,
        "cpu": cpu,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "os": platform.platform(),
    }


# -- everything ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BenchSize:
    """How big each part of the benchmark is."""

    store: dict[str, Any]
    ingest: dict[str, Any]
    storage: dict[str, Any]
    query_repeats: int
    pandas_repeats: int
    cycle: dict[str, Any]
    pay_seconds: float
    dashboard_pages: tuple[str, ...] | None = None  # None: every page
    dashboard_variants: tuple[tuple[str, str], ...] = tuple(VIEW_VARIANTS.items())
    load_contexts: int = 10  # browser contexts loading pages at once
    load_pages_each: int = 3  # pages each of them loads, one after another


# The figures `make bench` must print (dotted paths into run_bench's result), besides every
# query's app_p50_ms / app_p95_ms / bare_p50_ms / bare_p95_ms.
HEADLINE_FIGURES = (
    "ingest.records_per_second",
    "ingest.rows_written_per_second",
    "queries_summary.max_app_p95_ms",
    "queries_summary.median_app_over_bare",
    "queries_summary.max_app_over_bare",
    "pandas.weekly_median_pay.pandas_over_gigwatch",
    "pandas.open_listings_per_day.pandas_over_gigwatch",
    "pandas.listing_lifetimes.pandas_over_gigwatch",
    "pandas.listing_flows_weekly.pandas_over_gigwatch",
    "history.views.listing_flows_weekly.all_over_quarter",
    "history.versions_all_over_quarter",
    "history.views.open_listings_daily.all_over_quarter",
    "dashboard.peak_rss_mb",
    "dashboard.floor.cold_seconds",
    "dashboard.floor.warm_seconds",
    "dashboard.max_page_over_floor_cold",
    "dashboard.max_page_over_floor_warm",
    "dashboard.load.p95_seconds",
    "dashboard.load.p95_over_single_user",
    "storage.bytes_per_scrape_2pct_change",
    "storage.bytes_per_scrape_no_change",
    "storage.bytes_per_new_version",
    "cycle.wall_seconds",
    "cycle.slowest_host_seconds",
    "cycle.wall_over_slowest_host",
    "pay_parsing.pay_strings_per_second",
    "pay_parsing.hostile_text_seconds",
)
QUERY_FIGURES = ("app_p50_ms", "app_p95_ms", "bare_p50_ms", "bare_p95_ms")


def figure(figures: dict[str, Any], path: str) -> Any:
    """The value at a dotted `path` of run_bench's result (None when absent)."""
    value: Any = figures
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


FULL = BenchSize(
    store={"sources": 30, "days": 1095, "listings": 100_000, "versions": 1_000_000, "reports": 200_000,
           "change_rate": 0.02},
    ingest={"sources": 4, "days": 365, "listings": 12_000, "versions": 60_000, "batch_days": 92},
    storage={"sources": 5, "open_per_source": 2_000, "scrapes": 10},  # bytes are counted, not timed: 10 days suffice
    query_repeats=12,  # app and bare DuckDB alternating, each; p95 and the median of the per-run ratios
    pandas_repeats=3,
    cycle={"hosts": 30, "pages_max": 4, "interval_max": 1.0},
    pay_seconds=3.0,
)
QUICK = BenchSize(
    store={"sources": 3, "days": 40, "listings": 300, "versions": 600, "reports": 200, "change_rate": 0.02},
    ingest={"sources": 1, "days": 20, "listings": 100, "versions": 200, "batch_days": 10},
    storage={"sources": 1, "open_per_source": 200, "scrapes": 2},
    query_repeats=1,
    pandas_repeats=1,
    cycle={"hosts": 4, "pages_max": 2, "interval_max": 0.2},
    pay_seconds=0.2,
    dashboard_pages=("overview", "admin"),
    dashboard_variants=(("overview_in_french", "overview?lang=fr"),),  # the variant code path, cheaply
    load_contexts=2,
    load_pages_each=1,
)


def scaled(size: BenchSize, scale: float) -> BenchSize:
    """`size` with the lake's listings, versions and reports times `scale` (same sources and days):
    a reduced run on a busy machine, said in the JSON (`store.scale`)."""
    store = dict(size.store)
    for key in ("listings", "versions", "reports"):
        store[key] = max(1, round(store[key] * scale))
    return BenchSize(**{**{f: getattr(size, f) for f in size.__dataclass_fields__}, "store": store})


def run_bench(quick: bool = False, *, data_dir: Path | None = None, dashboard: bool = True,
              scale: float = 1.0) -> dict[str, Any]:
    """Measure every figure; `quick` makes a tiny version (under a minute) to check it all works;
    `scale` < 1 shrinks the benchmark lake (see `scaled`)."""
    from collectors.store import get_store, reset_stores

    size = QUICK if quick else FULL
    if scale != 1.0:
        size = scaled(size, scale)
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def timed(label: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        try:
            return fn()
        finally:
            timings[label] = round(time.perf_counter() - t0, 1)
            log.info("bench: %s took %.1f s", label, timings[label])

    base = data_dir or (Path(tempfile.mkdtemp(prefix="gigwatch-bench-")) if quick else BENCH_DIR)
    settings = bench_settings(base)
    figures: dict[str, Any] = {
        "command": "python -m benchmarks" + (" --quick" if quick else "") + (f" --scale {scale:g}" if scale != 1.0 else ""),
        "quick": quick,
        "date": datetime.now(UTC).date().isoformat(),
        "machine": machine(),
    }
    made, reused = timed("store", lambda: ensure_store(settings, dict(size.store)))
    figures["store"] = {**made, "reused": reused, "path": str(settings.lake_dir), "scale": scale}
    work = Path(tempfile.mkdtemp(prefix="gigwatch-bench-work-"))
    try:
        figures["ingest"] = timed("ingest", lambda: measure_ingest(work, **size.ingest))
        store = get_store(settings)  # (measure_ingest closed every store of this process)
        queries = timed("queries", lambda: measure_queries(store, settings, repeats=size.query_repeats))
        figures["queries"] = queries
        figures["queries_summary"] = _query_summary(queries)
        figures["pandas"] = timed("pandas", lambda: measure_pandas(store, settings, queries, repeats=size.pandas_repeats))
        figures["history"] = timed("history", lambda: measure_history(
            store, dict(made.get("history_snapshots") or {}), repeats=max(3, size.pandas_repeats)))
        reset_stores()  # the dashboard process opens the lake itself
        figures["dashboard"] = (
            timed("dashboard", lambda: measure_dashboard(settings, pages=size.dashboard_pages,
                                                        load_contexts=size.load_contexts,
                                                        load_pages_each=size.load_pages_each,
                                                        variants_asked=dict(size.dashboard_variants)))
            if dashboard else {"skipped": "not asked"}
        )
        from benchmarks.profile import profile_pages

        profiled = list(size.dashboard_pages) if size.dashboard_pages is not None else dashboard_pages()
        figures["page_profile"] = timed("page_profile", lambda: profile_pages(settings, profiled))
        reset_stores()
        storage_2 = timed("storage_2pct", lambda: measure_storage(work, change_rate=0.02, **size.storage))
        storage_0 = timed("storage_0pct", lambda: measure_storage(work, change_rate=0.0, **size.storage))
        figures["storage"] = {
            "bytes_per_scrape_2pct_change": storage_2["bytes_per_scrape"],
            "bytes_per_scrape_no_change": storage_0["bytes_per_scrape"],
            "bytes_per_new_version": round(
                (storage_2["bytes_added"] - storage_0["bytes_added"]) / max(1, storage_2["new_versions"])
            ),
            "with_changes": storage_2,
            "without_changes": storage_0,
        }
        figures["cycle"] = timed("cycle", lambda: measure_cycle(work, **size.cycle))
        figures["pay_parsing"] = timed("pay_parsing", lambda: measure_pay_parsing(size.pay_seconds))
    finally:
        reset_stores()
        shutil.rmtree(work, ignore_errors=True)
        if quick and data_dir is None:
            shutil.rmtree(base, ignore_errors=True)
    figures["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    figures["targets"] = _targets(figures)
    figures["seconds"] = {**timings, "total": round(time.perf_counter() - started, 1)}
    return figures


def _query_summary(queries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    timed = {name: q for name, q in queries.items() if "app_p95_ms" in q}
    if not timed:
        return {"queries": 0}
    worst = max(timed, key=lambda n: timed[n]["app_p95_ms"])
    ratios = [q["app_over_bare_median_of_runs"] for q in timed.values() if q["bare_p50_ms"] >= 1.0]
    return {
        "queries": len(timed),
        "failed": sorted(n for n, q in queries.items() if "error" in q),
        "max_app_p95_ms": timed[worst]["app_p95_ms"],
        "slowest_query": worst,
        "over_200ms_p95": sorted(n for n, q in timed.items() if q["app_p95_ms"] > QUERY_P95_TARGET_MS),
        "median_app_over_bare": round(statistics.median(ratios), 3) if ratios else None,
        "max_app_over_bare": round(max(ratios), 3) if ratios else None,
    }


def _targets(figures: dict[str, Any]) -> dict[str, Any]:
    summary = figures.get("queries_summary", {})
    dashboard = figures.get("dashboard", {})
    pandas_ratios = [v["pandas_over_gigwatch"] for v in figures.get("pandas", {}).values() if "pandas_over_gigwatch" in v]
    peak = dashboard.get("peak_rss_bytes")
    return {
        "every_query_p95_under_200ms": bool(summary.get("queries")) and not summary.get("over_200ms_p95")
        and not summary.get("failed"),
        "app_over_bare_at_most_1_3": summary.get("max_app_over_bare") is not None
        and summary["max_app_over_bare"] <= 1.3,
        "pandas_over_gigwatch_at_least_10": bool(pandas_ratios) and min(pandas_ratios) >= 10,
        "dashboard_peak_under_1_5GB": peak is not None and peak < DASHBOARD_PEAK_TARGET_BYTES,
        "every_page_at_most_1_5x_floor_cold": _all_at_most(dashboard.get("page_over_floor_cold"), 1.5),
        "every_page_at_most_1_2x_floor_warm": _all_at_most(dashboard.get("page_over_floor_warm"), 1.2),
        "p95_under_load_at_most_3x_single_user": (dashboard.get("load") or {}).get("p95_over_single_user")
        is not None and dashboard["load"]["p95_over_single_user"] <= 3,
        # Not the target, beside it: is the dashboard under load any slower than the floor
        # page under the same load (what the machine allows)?
        "p95_under_load_at_most_floor_under_load": (dashboard.get("load") or {}).get("p95_over_floor_p95")
        is not None and dashboard["load"]["p95_over_floor_p95"] <= 1,
    }


def _all_at_most(ratios: dict[str, float] | None, limit: float) -> bool:
    return ratios is not None and bool(ratios) and max(ratios.values()) <= limit


def main(argv: Sequence[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-dashboard", action="store_true")
    parser.add_argument("--json", action="store_true", help="one line of JSON (as make bench prints)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="the lake's listings, versions and reports times this (a reduced run)")
    parser.add_argument("--data-dir", type=Path, default=None, help="where the lake lives (default data/bench/)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    figures = run_bench(quick=args.quick, dashboard=not args.no_dashboard, scale=args.scale, data_dir=args.data_dir)
    print(json.dumps(figures, indent=None if args.json else 2, default=str))


if __name__ == "__main__":
    main()
