"""Export the public tables as CSV and Parquet, with the data dictionary and a manifest.

Only public data leaves: listings and their versions, runs, events, FX rates, and payment reports
as the moderated public view (approved, rounded dates, no narrative). The manifest names the
DuckLake snapshot, so an export can be cited and reproduced.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from collectors.store import Store
from collectors.store.exports import PUBLIC_TABLES, public_table

DATA_README = Path(__file__).resolve().parent.parent / "data" / "README.md"

def _public_frames(store: Store, snapshot_id: int | None) -> Iterator[tuple[str, Callable[[], pd.DataFrame]]]:
    for name in PUBLIC_TABLES:

        def frame(table: str = name) -> pd.DataFrame:
            return public_table(store, table, snapshot_id)

        yield name, frame
    from collectors.store.reports import forum_signals, public_reports

    yield "payment_reports_public", lambda: public_reports(store, snapshot_id=snapshot_id)
    yield "forum_signals", lambda: forum_signals(store, snapshot_id=snapshot_id)


def export_public(store: Store, directory: Path, *, snapshot_id: int | None = None) -> list[Path]:
    """Write every public table as `<name>.csv` and `<name>.parquet`; returns the paths written."""
    snapshot_id = store.snapshot_id() if snapshot_id is None else snapshot_id
    if not store.snapshot_exists(snapshot_id):
        raise ValueError(f"snapshot {snapshot_id} does not exist in this lake")
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    counts: dict[str, int] = {}
    for name, frame_of in _public_frames(store, snapshot_id):
        frame = frame_of()
        counts[name] = len(frame)
        csv_path, parquet_path = directory / f"{name}.csv", directory / f"{name}.parquet"
        frame.to_csv(csv_path, index=False)
        frame.to_parquet(parquet_path, index=False)
        written += [csv_path, parquet_path]
    shutil.copyfile(DATA_README, directory / "README.md")
    manifest = {
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "lake": store.settings.lake,
        "demo": store.is_demo,
        "snapshot_id": snapshot_id,
        "row_counts": counts,
        "data_dictionary": "README.md",
        "cite_as": f"gigwatch export, snapshot {snapshot_id}",
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2))
    written += [directory / "README.md", directory / "manifest.json"]
    return written
