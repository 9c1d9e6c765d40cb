"""Reference data shipped with gigwatch, loaded into the lake: platforms, cited events, FX rates;
and read from its CSV as published: performers' union scale rates (`read_union_scales`).

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
        # Collection breaks the code recorded (a reparse) are not in events.csv: they stay.
        cur.execute(f"DELETE FROM {LAKE}.events WHERE NOT is_demo AND run_id NOT LIKE '{REPARSE_RUN_PREFIX}%'")
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


REPARSE_RUN_PREFIX = "reparse-"


def record_reparse_event(store: Store, *, platform_id: str, source_name: str, detail: str) -> str:
    """A dated collection break (events kind "collection"): `gigwatch reparse` re-derived a
    source's history from its kept responses, so a series may jump where the parser changed."""
    run_id = f"{REPARSE_RUN_PREFIX}{uuid.uuid4().hex[:12]}"
    row = {
        "event_id": run_id, "platform_id": platform_id, "event_date": datetime.now(UTC).date(),
        "date_precision": "day", "kind": "collection",
        "title": f"Reparse: {source_name}'s history re-derived with the current parser ({detail})",
        "figure_before": None, "figure_after": None, "source_url": f"gigwatch reparse --source {source_name}",
        "is_demo": store.is_demo, "run_id": run_id,
    }

    def txn(cur: duckdb.DuckDBPyConnection) -> None:
        Store.insert_df(cur, "events", pd.DataFrame([row]))

    store.write(txn, what="record a reparse as a collection break")
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


UNION_SCALES_CSV = "union_scales.csv"
UNION_SCALE_COLUMNS = (
    "category", "union", "agreement", "role", "amount", "currency", "unit", "effective_from",
    "source_url", "verification", "verified_on", "verified_against", "note",
)
HOURS_PER_SCALE_UNIT = {"hour": 1.0, "day": 8.0}  # a day rate is drawn as 8 hours, and said so


class ReferenceDataError(ValueError):
    """A reference CSV row that cannot be used: the message names the file, the row and why."""


def read_union_scales(path: Path | None = None) -> pd.DataFrame:
    """Performers' union scale rates (data/union_scales.csv), one row per cited rate, validated,
    with `hourly_amount` (own currency; a day rate ÷ 8 hours, stated in `hourly_basis`).

    Every row must name its category (a key of collectors.categories.CATEGORY_LABELS), a positive
    amount, a 3-letter currency, an hour or day unit, an https source URL and its verification
    ("official": checked against a stored copy of the union's own page; else "unverified", which
    the dashboard shows). `effective_from` may be empty when the page states no date.
    """
    from collectors.categories import CATEGORY_LABELS

    path = path or DATA_DIR / UNION_SCALES_CSV
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in UNION_SCALE_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError(f"{path.name}: missing column(s) {', '.join(missing)}")
        rows = list(reader)
    for number, row in enumerate(rows, start=2):
        where = f"{path.name} line {number}"
        if row["category"] not in CATEGORY_LABELS:
            raise ReferenceDataError(f"{where}: unknown category {row['category']!r}")
        try:
            amount = float(row["amount"])
        except ValueError as exc:
            raise ReferenceDataError(f"{where}: amount {row['amount']!r} is not a number") from exc
        if amount <= 0 or len(row["currency"]) != 3 or row["unit"] not in HOURS_PER_SCALE_UNIT:
            raise ReferenceDataError(f"{where}: needs a positive amount, an ISO currency and unit hour or day")
        if not row["source_url"].startswith("https://"):
            raise ReferenceDataError(f"{where}: source_url must be an https URL")
        if row["verification"] not in ("official", "unverified"):
            raise ReferenceDataError(f"{where}: verification must be 'official' or 'unverified'")
        if row["effective_from"]:
            try:
                datetime.fromisoformat(row["effective_from"])
            except ValueError as exc:
                raise ReferenceDataError(f"{where}: effective_from {row['effective_from']!r} is not a date") from exc
    frame = pd.DataFrame(rows, columns=list(UNION_SCALE_COLUMNS))
    frame["amount"] = frame["amount"].astype(float)
    hours = frame["unit"].map(HOURS_PER_SCALE_UNIT)
    frame["hourly_amount"] = frame["amount"] / hours
    frame["hourly_basis"] = [
        "hourly rate as published" if unit == "hour" else f"per {unit} ÷ {HOURS_PER_SCALE_UNIT[unit]:g} hours"
        for unit in frame["unit"]
    ]
    return frame
