"""Reference data shipped with gigwatch, loaded into the lake: platforms, cited events, FX rates.

Each load is one transaction recorded as a `reference` run, so every row carries the run id that
wrote it and can be traced to the CSV file (and, for events, to the published source URL).
"""

from __future__ import annotations

import csv
import uuid
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from collectors.platforms import LAKE_COLUMNS
from collectors.store import LAKE, Store
from collectors.store.listings import RUN_COLUMNS

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def read_csv_rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(store: Store, *, demo_platforms: list[dict[str, str | None]] | None = None) -> str:
    """Replace the shipped reference rows (not demo rows) with the CSVs' current content."""
    run_id = f"ref-{uuid.uuid4().hex[:12]}"
    now = datetime.now(UTC)
    platforms = pd.DataFrame(read_csv_rows("platforms.csv"))[list(LAKE_COLUMNS)].copy()
    platforms["is_demo"] = False
    if demo_platforms:
        demo = pd.DataFrame(demo_platforms)
        demo["is_demo"] = True
        platforms = pd.concat([platforms, demo], ignore_index=True)
    platforms = platforms.replace({"": None})
    platforms["run_id"] = run_id
    events = pd.DataFrame(read_csv_rows("events.csv")).replace({"": None})
    events["event_date"] = pd.to_datetime(events["event_date"]).dt.date
    events["is_demo"] = False
    events["run_id"] = run_id
    fx_path = DATA_DIR / "fx_rates.csv"
    fx = pd.DataFrame(read_csv_rows("fx_rates.csv")) if fx_path.exists() else pd.DataFrame()
    if not fx.empty:
        fx = fx[["month", "currency", "usd_per_unit", "source"]].copy()
        fx["month"] = pd.to_datetime(fx["month"] + "-01").dt.date
        fx["usd_per_unit"] = fx["usd_per_unit"].astype(float)
        fx["run_id"] = run_id

    def txn(cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute(f"DELETE FROM {LAKE}.platforms")
        cur.execute(f"DELETE FROM {LAKE}.events WHERE NOT is_demo")
        cur.execute(f"DELETE FROM {LAKE}.fx_rates")
        Store.insert_df(cur, "platforms", platforms)
        Store.insert_df(cur, "events", events)
        Store.insert_df(cur, "fx_rates", fx)
        run = {
            "run_id": run_id, "source_name": "reference-data", "platform_id": None,
            "run_kind": "reference", "started_at": now, "finished_at": datetime.now(UTC),
            "status": "ok", "complete": True, "items_count": len(platforms) + len(events) + len(fx),
            "error": None,
        }
        Store.insert_df(cur, "collector_runs", pd.DataFrame([run], columns=RUN_COLUMNS))

    store.write(txn, what="load reference data")
    return run_id


def replace_demo_events(store: Store, rows: list[dict[str, object]]) -> str:
    """Replace the demo lake's fictional events (never called on the real lake)."""
    if not store.settings.is_demo:
        raise ValueError("demo events may only be written to the demo lake")
    run_id = f"demo-events-{uuid.uuid4().hex[:8]}"
    frame = pd.DataFrame(rows)
    frame["is_demo"] = True
    frame["run_id"] = run_id

    def txn(cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute(f"DELETE FROM {LAKE}.events WHERE is_demo")
        Store.insert_df(cur, "events", frame)

    store.write(txn, what="replace demo events")
    return run_id


def set_meta(store: Store, values: dict[str, str]) -> None:
    """Set key/value facts about the lake (e.g. that it is the demo)."""

    def txn(cur: duckdb.DuckDBPyConnection) -> None:
        for key, value in values.items():
            cur.execute(f"DELETE FROM {LAKE}.lake_meta WHERE key = ?", [key])
            cur.execute(f"INSERT INTO {LAKE}.lake_meta VALUES (?, ?)", [key, value])

    store.write(txn, what="set lake metadata")
    store._meta_cache = None
