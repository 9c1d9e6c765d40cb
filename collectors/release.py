"""Numbered, dated, reproducible releases of the public data, ready to deposit (Zenodo or alike).

`gigwatch release DIR [--snapshot N]` writes `DIR/gigwatch-release-<number>/`: the public tables
of one DuckLake snapshot as CSV (formula-safe, collectors.csvsafe) and Parquet, the data
dictionary, a CHANGELOG of what changed since the previous release in DIR (row counts, collection
breaks: failed and suspicious runs, events of kind "collection"), CITATION.cff, .zenodo.json, a
manifest and SHA256SUMS. The same snapshot gives byte-identical files: nothing depends on the
clock (the release is dated by its snapshot), Parquet is written with fixed settings, and every
file is sorted. Payment-report data is only what `gigwatch export` publishes (collectors.export).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from collectors.csvsafe import safe_csv_bytes
from collectors.export import DATA_README, _public_frames
from collectors.store import Store

RELEASE_PREFIX = "gigwatch-release-"
STATIC_RELEASES = Path(__file__).resolve().parent.parent / "dashboard" / "static" / "releases"
PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "compression_level": 9, "use_dictionary": True,
                                   "write_statistics": True, "version": "2.6"}
REPOSITORY_URL = "https://github.com/gigwatch/gigwatch"


@dataclass(frozen=True)
class Release:
    number: int
    snapshot_id: int
    directory: Path
    files: tuple[Path, ...]


def _releases(directory: Path) -> list[tuple[int, dict[str, Any]]]:
    found = []
    for path in directory.glob(f"{RELEASE_PREFIX}*/manifest.json") if directory.exists() else []:
        match = re.fullmatch(rf"{RELEASE_PREFIX}(\d+)", path.parent.name)
        if match:
            found.append((int(match.group(1)), json.loads(path.read_text(encoding="utf-8"))))
    return sorted(found, key=lambda item: item[0])


def releases_dir(lake: str) -> Path:
    """Where the dashboard's Explore page looks for releases (and `gigwatch release` writes by default)."""
    return STATIC_RELEASES / lake


def list_releases(directory: Path) -> list[dict[str, Any]]:
    """The manifests of the releases in `directory`, oldest first (what the Explore page lists)."""
    return [manifest for _, manifest in _releases(directory)]


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, path, **PARQUET_OPTIONS)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    path.write_bytes(safe_csv_bytes(frame))  # the one formula-safe CSV writer


def _iso(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).isoformat()


def _changelog(number: int, snapshot_id: int, date: str, counts: dict[str, int], frames: dict[str, pd.DataFrame],
               previous: dict[str, Any] | None, derived: pd.DataFrame) -> str:
    lines = [f"# gigwatch release {number}", "", f"DuckLake snapshot {snapshot_id}, data as of {date}.", ""]
    since = None
    if previous is None:
        lines += ["First release in this directory: every row is new.", ""]
    else:
        since = previous.get("as_of")
        lines += [f"Since release {previous['release']} (snapshot {previous['snapshot_id']}, data as of "
                  f"{previous.get('as_of') or 'no collection'}).", "", "## Rows per table", "",
                  "| table | previous | now | change |", "|---|---:|---:|---:|"]
        before = previous.get("row_counts", {})
        for table, n in counts.items():
            old = int(before.get(table, 0))
            lines.append(f"| {table} | {old:,} | {n:,} | {n - old:+,} |")
        lines.append("")
    lines += ["## Collection breaks", "",
              "Failed and suspicious collection runs (a suspicious run closes nothing), and dated events of kind "
              "\"collection\" (a source added or removed, a parser change and reparse, an outage, a backfill).", ""]
    runs = frames.get("collector_runs", pd.DataFrame())
    breaks: list[str] = []
    if not runs.empty and "status" in runs:
        bad = runs[runs["status"].isin(["failed", "suspicious"])]
        if since is not None:
            cut = pd.Timestamp(since)
            bad = bad[pd.to_datetime(bad["started_at"], utc=True) > (cut.tz_localize("UTC") if cut.tzinfo is None else cut)]
        for row in bad.sort_values(["started_at", "source_name"]).itertuples():
            error = f": {row.error}" if isinstance(getattr(row, "error", None), str) else ""
            breaks.append(f"- {_iso(row.started_at)} · {row.source_name} · {row.status}{error}")
    events = frames.get("events", pd.DataFrame())
    if not events.empty and "kind" in events:
        collection = events[events["kind"] == "collection"]
        if since is not None:
            collection = collection[pd.to_datetime(collection["event_date"]) > pd.Timestamp(since[:10])]
        for row in collection.sort_values(["event_date", "event_id"]).itertuples():
            breaks.append(f"- {row.event_date} · {row.title} · {row.source_url}")
    if not derived.empty:
        dated = derived.assign(event_date=pd.to_datetime(derived["event_date"]))
        if since is not None:
            dated = dated[dated["event_date"] > pd.Timestamp(since[:10])]
        for row in dated.sort_values(["event_date", "event_id"]).itertuples():
            breaks.append(f"- {row.event_date:%Y-%m-%d} · {row.title} (derived from the runs)")
    lines += breaks or ["None."]
    return "\n".join(lines) + "\n"


def _citation_cff(number: int, snapshot_id: int, date: str, demo: bool) -> str:
    title = f"gigwatch public data, release {number} (DuckLake snapshot {snapshot_id})"
    abstract = ("Advertised pay, work availability and payment delays on AI-training gig platforms, collected "
                "from the platforms' public listings and from moderated payment reports (published only as "
                "suppressed aggregates).")
    if demo:
        abstract += " DEMO DATA: fictional, do not cite."
    return (
        "cff-version: 1.2.0\n"
        "message: \"If you use this data, please cite it as below, and cite the platforms' original sources too.\"\n"
        "type: dataset\n"
        f"title: \"{title}\"\n"
        "authors:\n  - name: gigwatch\n"
        f"version: \"{number}\"\n"
        f"date-released: \"{date[:10]}\"\n"
        f"repository-code: \"{REPOSITORY_URL}\"\n"
        f"abstract: \"{abstract}\"\n"
        "keywords:\n  - gig work\n  - AI training data\n  - wages\n  - labour\n"
        "license: CC-BY-4.0\n"
    )


def _zenodo(number: int, snapshot_id: int, date: str, demo: bool, counts: dict[str, int]) -> dict[str, Any]:
    description = (f"Public tables of gigwatch at DuckLake snapshot {snapshot_id} (data as of {date}): "
                   + ", ".join(f"{name} ({n:,} rows)" for name, n in counts.items())
                   + ". CSV and Parquet, with the data dictionary (README.md) and a CHANGELOG.")
    if demo:
        description += " DEMO DATA: fictional, do not cite."
    return {
        "title": f"gigwatch public data, release {number}",
        "upload_type": "dataset", "version": str(number), "publication_date": date[:10],
        "creators": [{"name": "gigwatch"}], "description": description, "license": "cc-by-4.0",
        "access_right": "open", "keywords": ["gig work", "AI training data", "wages", "labour"],
        "related_identifiers": [{"identifier": REPOSITORY_URL, "relation": "isSupplementTo", "scheme": "url"}],
    }


def make_release(store: Store, directory: Path, *, snapshot_id: int | None = None) -> Release:
    """Write the next numbered release of `snapshot_id` (default: the latest) into `directory`.

    If the latest release in `directory` is already of that snapshot, it is returned unchanged.
    """
    from dashboard import queries  # the one home of dashboard SQL: the snapshot's time and "as of"

    snapshot_id = store.snapshot_id() if snapshot_id is None else snapshot_id
    if not store.snapshot_exists(snapshot_id):
        raise ValueError(f"snapshot {snapshot_id} does not exist in this lake")
    existing = _releases(directory)
    if existing and existing[-1][1]["snapshot_id"] == snapshot_id:
        number, manifest = existing[-1]
        folder = directory / f"{RELEASE_PREFIX}{number}"
        return Release(number, snapshot_id, folder, tuple(folder / f for f in manifest["files"]))
    previous = existing[-1][1] if existing else None
    number = existing[-1][0] + 1 if existing else 1
    status = queries.lake_status(store, snapshot_id)
    as_of = _iso(status["as_of"].iloc[0]) if not status.empty else None
    taken = _iso(status["snapshot_time"].iloc[0]) if not status.empty else None
    date = as_of or taken or "1970-01-01T00:00:00"
    folder = directory / f"{RELEASE_PREFIX}{number}"
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=False)
    frames: dict[str, pd.DataFrame] = {}
    counts: dict[str, int] = {}
    for name, frame_of in _public_frames(store, snapshot_id):
        frame = frame_of().reset_index(drop=True)
        frames[name], counts[name] = frame, len(frame)
        _write_csv(frame, data / f"{name}.csv")
        _write_parquet(frame, data / f"{name}.parquet")
    (folder / "README.md").write_bytes(DATA_README.read_bytes())
    derived = queries.collection_events(store, snapshot_id)
    (folder / "CHANGELOG.md").write_text(_changelog(number, snapshot_id, date, counts, frames, previous, derived),
                                         encoding="utf-8")
    (folder / "CITATION.cff").write_text(_citation_cff(number, snapshot_id, date, store.is_demo), encoding="utf-8")
    (folder / ".zenodo.json").write_text(json.dumps(_zenodo(number, snapshot_id, date, store.is_demo, counts),
                                                    indent=2, sort_keys=True) + "\n", encoding="utf-8")
    names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    manifest = {
        "release": number, "snapshot_id": snapshot_id, "snapshot_time": taken, "as_of": as_of,
        "demo": store.is_demo, "row_counts": counts, "files": [*names, "manifest.json", "SHA256SUMS"],
        "data_dictionary": "README.md", "cite_as": f"gigwatch public data, release {number} (snapshot {snapshot_id})",
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    sums = [f"{hashlib.sha256((folder / n).read_bytes()).hexdigest()}  {n}" for n in [*names, "manifest.json"]]
    (folder / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    return Release(number, snapshot_id, folder, tuple(folder / n for n in manifest["files"]))
