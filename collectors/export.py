"""Export the public tables as CSV and Parquet, with the data dictionary and a manifest.

Only public data leaves: listings and their versions, runs, events, FX rates, and payment reports
as the moderated public view (approved, rounded dates, no narrative). The manifest names the
DuckLake snapshot, so an export can be cited and reproduced. CSV text cells that a spreadsheet would
run as a formula are prefixed with `'` (collectors.csvsafe); Parquet keeps the true values.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from collectors.csvsafe import write_safe_csv
from collectors.store import Store
from collectors.store.exports import PUBLIC_TABLES, public_table

DATA_README = Path(__file__).resolve().parent.parent / "data" / "README.md"


def _public_frames(store: Store, snapshot_id: int | None) -> Iterator[tuple[str, Callable[[], pd.DataFrame]]]:
    for name in PUBLIC_TABLES:

        def frame(table: str = name) -> pd.DataFrame:
            return public_table(store, table, snapshot_id)

        yield name, frame
    from collectors.store.reports import all_figures, forum_signals

    # Payment reports are published as grouped figures only (never rows); always the latest
    # publication, whatever the snapshot (a withdrawn report leaves every export).
    yield "payment_report_figures", lambda: all_figures(store).drop(columns=["published_at"])
    from collectors.store.reports.public import PUBLISHED_TABLES, all_published

    for published in PUBLISHED_TABLES:  # issue 14's figures, grouped and suppressed

        def figures(table: str = published) -> pd.DataFrame:
            return all_published(store, table).drop(columns=["published_at"])

        yield published, figures
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
        write_safe_csv(frame, csv_path)  # formula-like text cells prefixed with ' (collectors.csvsafe)
        frame.to_parquet(parquet_path, index=False)  # the true values
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
