"""Lake upkeep: each DuckLake commit makes small files; `gigwatch maintain` compacts them.

Old snapshots are kept by default, because permalinks cite them: files replaced by a merge stay
until snapshots older than `expire_older_than_days` are expired explicitly.
"""

from __future__ import annotations

from collections.abc import Iterator

from collectors.store import LAKE, Store


def file_stats(store: Store) -> tuple[int, int]:
    """(number of data files, total bytes) currently referenced by the lake's tables."""
    rows = store.read_rows(
        f"SELECT coalesce(sum(file_count), 0), coalesce(sum(file_size_bytes), 0) FROM ducklake_table_info('{LAKE}')"
    )
    return int(rows[0][0]), int(rows[0][1])


def maintain(store: Store, *, expire_older_than_days: int | None = None) -> Iterator[str]:
    cur = store.cursor()
    before = file_stats(store)
    yield f"before: {before[0]} data file(s), {before[1]:,} bytes"
    steps = [
        ("flush inlined data to Parquet", f"CALL ducklake_flush_inlined_data('{LAKE}')"),
        ("merge adjacent small files", f"CALL ducklake_merge_adjacent_files('{LAKE}')"),
    ]
    if expire_older_than_days is not None:
        steps += [
            (
                f"expire snapshots older than {expire_older_than_days} days (permalinks to them stop working)",
                f"CALL ducklake_expire_snapshots('{LAKE}', older_than => now() - INTERVAL {int(expire_older_than_days)} DAY)",
            ),
            ("delete files no snapshot needs", f"CALL ducklake_cleanup_old_files('{LAKE}', cleanup_all => true)"),
        ]
    for label, sql in steps:

        def run_step(statement: str = sql) -> None:
            cur.execute(statement).fetchall()

        store._retry(run_step, what=label)
        yield f"done: {label}"
    after = file_stats(store)
    yield f"after: {after[0]} data file(s), {after[1]:,} bytes"
