"""Frozen SQL of migration 0005 (the `report_cells` table of the old row-level public view), kept
so that step replays on a new lake exactly as it shipped. Migration 0006 moves the reports into the
vault and drops `payment_reports` and `report_cells` from the lake; nothing else uses this."""

from __future__ import annotations

from pathlib import Path

import duckdb

from collectors.store import LAKE
from collectors.store.aggregates import DAY_US

# Which reports the public view, its figures and its counts are made of: approved ones whose
# reporters let us publish them in aggregates (SQL over payment_reports).
PUBLIC_REPORTS = "moderation_status = 'approved' AND consent_publish_aggregate"

PUBLIC_COLUMNS = [
    "platform_id", "project_code", "source_kind", "work_type", "status", "paid_in_full",
    "days_late", "followup_days", "processor_hold", "payment_method", "causes",
    "support_response", "account_status", "country", "amount_expected_usd", "currency",
    "work_period_end_week", "work_period_end_month", "expected_pay_month", "paid_week", "paid_month",
    "submitted_month", "expected_pay_date", "event_id", "is_demo",
]


# The cells of the public view, by the name of their size: the same platform and the same values
# of these published columns (a missing value is a value too). A row shows what a cell guards only
# where its cell holds MIN_GROUP_SIZE reports. The sizes are kept in `report_cells` (below), with
# each published column in the column of that table named here.
_CELLS: dict[str, dict[str, str]] = {
    "n_period_week": {"work_period_end_week": "week"},  # guards work_period_end_week
    "n_paid_week": {"paid_week": "week"},  # guards paid_week
    "n_country_month": {"country": "country", "month_key": "month"},  # guards country and currency
    "n_month": {"month_key": "month"},  # guards amount_expected_usd
}
_WEEK = "date_trunc('week', {})::DATE"
_MONTH = "date_trunc('month', {})::DATE"
CELLS_TABLE = "report_cells"
CREATE_CELLS = f"""CREATE TABLE {LAKE}.{CELLS_TABLE} (
    platform_id VARCHAR NOT NULL,
    cell VARCHAR NOT NULL,             -- n_period_week | n_paid_week | n_country_month | n_month | project | submitted_month
    week DATE,                         -- Monday of the week, for the week cells
    month DATE,                        -- first of the month, for the month cells
    country VARCHAR,
    project_code VARCHAR,
    n BIGINT NOT NULL                  -- approved, consented reports (independent ones for a project)
)"""


def _cell_rows_sql(payment_reports: str, where: str = "TRUE") -> str:
    """SELECT of `report_cells` rows: the size of every cell of the public view, over the approved,
    consented reports (those `where` selects) of `payment_reports` (a table reference).

    Besides the cells of `_CELLS`: `project`, the independent reports (a tagged event counts once)
    naming each project, and `submitted_month`, the reports submitted each month. Reports are
    first counted per date, then per week, so the date arithmetic runs on a few thousand groups.
    """
    return f"""
        WITH cell_keys AS MATERIALIZED (
            SELECT platform_id, country, work_period_end, paid_date,
                   {_MONTH.format("coalesce(expected_pay_date, work_period_end)")} AS month_key,
                   epoch_us(submitted_at) // {DAY_US} AS submitted_day, project_code,
                   CASE WHEN project_code IS NOT NULL THEN coalesce(event_id, fingerprint) END AS independent
            FROM {payment_reports}
            WHERE {PUBLIC_REPORTS} AND {where}
        )
        SELECT platform_id, 'n_period_week' AS cell, {_WEEK.format("work_period_end")} AS week,
               NULL::DATE AS month, NULL AS country, NULL AS project_code, sum(n)::BIGINT AS n
        FROM (SELECT platform_id, work_period_end, count(*) AS n FROM cell_keys GROUP BY ALL) GROUP BY ALL
        UNION ALL
        SELECT platform_id, 'n_paid_week', {_WEEK.format("paid_date")}, NULL, NULL, NULL, sum(n)::BIGINT
        FROM (SELECT platform_id, paid_date, count(*) AS n FROM cell_keys GROUP BY ALL) GROUP BY ALL
        UNION ALL
        SELECT platform_id, 'n_country_month', NULL, month_key, country, NULL, count(*)
        FROM cell_keys GROUP BY ALL
        UNION ALL
        SELECT platform_id, 'n_month', NULL, month_key, NULL, NULL, count(*) FROM cell_keys GROUP BY ALL
        UNION ALL
        SELECT platform_id, 'project', NULL, NULL, NULL, project_code, count(DISTINCT independent)
        FROM cell_keys WHERE project_code IS NOT NULL GROUP BY ALL
        UNION ALL
        SELECT platform_id, 'submitted_month', NULL, {_MONTH.format(f"make_timestamp(submitted_day * {DAY_US})")},
               NULL, NULL, sum(n)::BIGINT
        FROM (SELECT platform_id, submitted_day, count(*) AS n FROM cell_keys GROUP BY ALL) GROUP BY ALL"""


def backfill_report_cells(cur: duckdb.DuckDBPyConnection) -> None:
    """Fill `report_cells` from every report (the migration that creates it)."""
    cur.execute(f"DELETE FROM {LAKE}.{CELLS_TABLE}")
    cur.execute(f"INSERT INTO {LAKE}.{CELLS_TABLE} {_cell_rows_sql(f'{LAKE}.payment_reports')}")




# -- migration 0006: the reports leave the lake -----------------------------------------------------

DROPPED_TABLES = ("payment_reports", "report_events", "submission_log", "report_cells")


def _lake_tables(cur: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [LAKE]).fetchall()}


def move_reports_to_vault(cur: duckdb.DuckDBPyConnection) -> None:
    """Copy every report and event into the vault (withdrawn and rejected ones are not copied:
    they are erased), then drop the report tables from the lake and create the published ones.
    The dropped tables' Parquet files are deleted after the commit (`purge_dropped_files`)."""
    from collectors.store import vault as vaults
    from collectors.store.reports.public import CREATE_FIGURES, CREATE_RISK

    store = vaults.MIGRATING.get()
    tables = _lake_tables(cur)
    if store is not None and "payment_reports" in tables:
        vault = vaults.get_vault(store)
        rows = cur.execute(
            f"SELECT * FROM {LAKE}.payment_reports WHERE moderation_status NOT IN ('withdrawn', 'rejected')"
        ).to_arrow_table().to_pylist()
        events = cur.execute(f"SELECT * FROM {LAKE}.report_events").to_arrow_table().to_pylist() \
            if "report_events" in tables else []

        def copy(con: object) -> None:
            import sqlite3

            assert isinstance(con, sqlite3.Connection)
            for row in rows:
                vaults.put_report(con, row)
            for event in events:
                con.execute(
                    "INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [event["event_id"], event["title"], event["platform_id"],
                     event["event_date"].isoformat() if event["event_date"] else None, event["kind"],
                     event["source_url"], event["created_at"].isoformat(), int(bool(event["is_demo"]))],
                )

        vault.write(copy)
    elif store is None and "payment_reports" in tables and cur.execute(
            f"SELECT count(*) FROM {LAKE}.payment_reports").fetchone() != (0,):
        raise RuntimeError("migration 0006 needs the store being migrated (run it through Store.migrate)")
    for table in DROPPED_TABLES:
        if table in tables:
            cur.execute(f"DROP TABLE {LAKE}.{table}")
    cur.execute(CREATE_FIGURES)
    cur.execute(CREATE_RISK)


def purge_dropped_files(store: object) -> list[str]:
    """Delete the Parquet files of the report tables migration 0006 dropped (local files only).
    Listing tables and their snapshots are not touched. Returns the directories removed."""
    import shutil

    from collectors.store import Store

    assert isinstance(store, Store)
    if "://" in store.settings.files_path:
        return []
    present = {row[0] for row in store.read_rows(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [LAKE])}
    removed = []
    for table in DROPPED_TABLES:
        folder = Path(store.settings.files_path) / "main" / table
        if table not in present and folder.exists():
            shutil.rmtree(folder)
            removed.append(str(folder))
    dropped = [t for t in DROPPED_TABLES if t not in present]
    if store.settings.catalog_kind == "sqlite" and _catalog_keeps_rows_of(store, dropped):
        _purge_catalog_stats(Path(store.settings.catalog_target), dropped)
    return removed


def _catalog_keeps_rows_of(store: object, tables: list[str]) -> bool:
    """Whether the catalog still holds statistics or inlined rows of these dropped tables, asked
    through the store's own connection (DuckLake's metadata database). This runs whenever a store
    opens and in the scheduler's report maintenance, while this process's DuckDB holds the catalog:
    Python's SQLite is opened only when there is something to erase, because closing it there drops
    DuckDB's SQLite locks on the file (POSIX locks are per process) and can remove its WAL."""
    from collectors.store import Store

    assert isinstance(store, Store)
    if not tables:
        return False
    meta = f"__ducklake_metadata_{LAKE}"
    marks = ", ".join("?" for _ in tables)
    ids = [row[0] for row in store.read_rows(
        f"SELECT table_id FROM {meta}.ducklake_table WHERE table_name IN ({marks}) AND end_snapshot IS NOT NULL", tables)]
    if not ids:
        return False
    id_list = ", ".join(str(int(i)) for i in ids)
    left = sum(int(store.read_rows(f"SELECT count(*) FROM {meta}.{stats} WHERE table_id IN ({id_list})")[0][0])
               for stats in ("ducklake_file_column_stats", "ducklake_table_column_stats"))
    inlined = [row[0] for row in store.read_rows(
        f"SELECT table_name FROM {meta}.ducklake_inlined_data_tables WHERE table_id IN ({id_list})")]
    for name in inlined:
        try:
            left += int(store.read_rows(f'SELECT count(*) FROM {meta}."{name}"')[0][0])
        except duckdb.CatalogException:
            continue  # listed, never created
    return left > 0


def _purge_catalog_stats(catalog: Path, tables: list[str]) -> None:
    """DuckLake keeps each string column's min and max value in its catalog (and small inserts
    inline): for the dropped report tables those are report text. Delete them with SQLite's
    secure_delete on, and truncate the WAL so no copy of the old pages remains. Called only when
    `_catalog_keeps_rows_of` found something to erase (it counts the same rows through DuckDB)."""
    import sqlite3

    if not tables or not catalog.exists():
        return
    con = sqlite3.connect(catalog, timeout=60)
    try:
        con.execute("PRAGMA secure_delete = ON")
        marks = ", ".join("?" for _ in tables)
        ids = [row[0] for row in con.execute(
            f"SELECT table_id FROM ducklake_table WHERE table_name IN ({marks}) AND end_snapshot IS NOT NULL", tables)]
        if not ids:
            return
        id_marks = ", ".join("?" for _ in ids)
        names = [row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        inlined = [n for n in names if any(n.startswith(f"ducklake_inlined_data_{t}_") for t in ids)]
        for stats in ("ducklake_file_column_stats", "ducklake_table_column_stats"):
            con.execute(f"DELETE FROM {stats} WHERE table_id IN ({id_marks})", ids)
        for name in inlined:
            con.execute(f'DELETE FROM "{name}"')
        con.commit()
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
