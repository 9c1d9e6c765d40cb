"""Runs the lake could not take, kept on local disk until it can (the run spool).

The runner records every run, whatever happened. When the store cannot be reached even to record a
run as failed (beyond `Store.write`'s retry bound: `StoreBusyError`, a dropped PostgreSQL
connection), the run's `collector_runs` row is kept in `<lake_dir>/spool/unrecorded_runs.jsonl`
instead, and written to the lake once it is back (after the next recorded run, and on the
scheduler's ticks). Exactly once: the run id is the key, and a run id the lake already holds (a
commit that landed although its connection dropped) is not written again.

Only the run's row is kept (ids, source name, times, status, counts, error text): no listing, no
response body, nothing about people. The file is small and rewritten whole (a temporary file,
fsync, rename) under a file lock, so no reader sees half of it and no writer loses another's line.
The spool is local to one machine: a run spooled by a scheduler on another host is recorded when
that host reaches the store again.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from collectors.config import Settings
from collectors.store import LAKE, Store
from collectors.store.listings import RUN_COLUMNS, RunRecord

log = logging.getLogger(__name__)

__all__ = ["keep", "last_started", "pending", "replay", "spool_path", "try_replay"]


def spool_path(settings: Settings) -> Path:
    return settings.lake_dir / "spool" / "unrecorded_runs.jsonl"


@contextlib.contextmanager
def _lock(path: Path, *, wait: bool = True) -> Iterator[bool]:
    """An exclusive flock on `path` (created); yields False when `wait` is off and it is taken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _file_lock(settings: Settings) -> contextlib.AbstractContextManager[bool]:
    """Held while the spool file is read and rewritten (briefly)."""
    return _lock(spool_path(settings).with_name(".file.lock"))


def _to_json(run: RunRecord) -> str:
    row = asdict(run)
    for key in ("started_at", "finished_at"):
        row[key] = row[key].astimezone(UTC).isoformat()
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


def _from_json(line: str) -> RunRecord:
    row = json.loads(line)
    for key in ("started_at", "finished_at"):
        row[key] = datetime.fromisoformat(row[key])
    return RunRecord(**row)


def _read(path: Path) -> list[RunRecord]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    runs = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            runs.append(_from_json(line))
        except (ValueError, TypeError, KeyError) as exc:  # never written so; say so and move on
            log.error("%s line %d is not a spooled run (%s); dropped", path, number, exc)
    return runs


def _write(path: Path, runs: Sequence[RunRecord]) -> None:
    if not runs:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.writelines(_to_json(run) + "\n" for run in runs)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)  # atomic: the old file or the new one, never half of either


def keep(settings: Settings, run: RunRecord) -> Path:
    """Keep `run` until the lake can take it (a run id already kept is kept once). Returns the file."""
    path = spool_path(settings)
    with _file_lock(settings):
        runs = _read(path)
        if all(r.run_id != run.run_id for r in runs):
            _write(path, [*runs, run])
    return path


def pending(settings: Settings) -> list[RunRecord]:
    """The runs kept and not yet in the lake, oldest first."""
    path = spool_path(settings)
    if not path.exists():
        return []
    with _file_lock(settings):
        return sorted(_read(path), key=lambda r: r.started_at)


def replay(store: Store) -> int:
    """Write the kept runs to the lake, each once, and forget them; returns how many were new.

    Raises what the store raises when it is still unreachable (the runs stay kept). Two processes
    on this machine never replay at once: a second one returns 0 at once.
    """
    settings = store.settings
    path = spool_path(settings)
    if not path.exists():
        return 0
    with _lock(path.with_name(".replay.lock"), wait=False) as mine:
        if not mine:
            return 0
        runs = pending(settings)
        if not runs:
            return 0

        def txn(cur: duckdb.DuckDBPyConnection) -> int:
            known = {row[0] for row in cur.execute(
                f"SELECT run_id FROM {LAKE}.collector_runs WHERE run_id IN (SELECT unnest(?::VARCHAR[]))",
                [[r.run_id for r in runs]],
            ).fetchall()}
            new = [r for r in runs if r.run_id not in known]
            return Store.insert_df(cur, "collector_runs", pd.DataFrame([r.row() for r in new], columns=RUN_COLUMNS))

        written = store.write(txn, what=f"record {len(runs)} spooled run(s)")
        done = {r.run_id for r in runs}
        with _file_lock(settings):
            _write(path, [r for r in _read(path) if r.run_id not in done])
    if written:
        log.warning("recorded %d run(s) kept in %s while the store was unreachable", written, path)
    return written


def try_replay(store: Store) -> int:
    """`replay` when anything is kept; while the store is still away, say so and keep the runs."""
    if not spool_path(store.settings).exists():
        return 0
    try:
        return replay(store)
    except Exception as exc:
        log.warning("the runs kept in %s are not recorded yet (%s: %s)", spool_path(store.settings),
                    type(exc).__name__, exc)
        return 0


def last_started(store: Store, source_names: Sequence[str]) -> dict[str, datetime]:
    """When each named source's last run started, in the lake or in this machine's spool."""
    if not source_names:
        return {}
    rows = store.read_rows(
        f"""SELECT source_name, max(started_at) FROM {LAKE}.collector_runs
            WHERE source_name IN (SELECT unnest(?::VARCHAR[])) GROUP BY source_name""",
        [list(source_names)],
    )
    spooled = [(r.source_name, r.started_at) for r in pending(store.settings) if r.source_name in source_names]
    latest: dict[str, datetime] = {}
    for name, started in [*rows, *spooled]:
        started = started if started.tzinfo else started.replace(tzinfo=UTC)
        if name not in latest or started > latest[name]:
            latest[name] = started
    return latest
