"""The public side of payment reports: only aggregates, published into the lake.

`publish(store)` reads the approved, consented reports from the vault and replaces the lake's
`report_figures` (time-to-payment figures per group) and `report_risk_sets` (the binned counts the
curves are drawn from). It runs after every moderation write and in the scheduler's maintenance
job. The fixed groupings (`GROUPINGS`): per platform; per platform and month the pay was due;
per platform and payment method (a missing value is the group "unknown", so each grouping
partitions the platform's reports).

Suppression, the same everywhere: a cell of fewer than MIN_GROUP_SIZE independent reports (reports
tagged with one incident count once; a reporter's updates replace their report) is published with
no figures at all, not even its count. Complementary suppression then hides further cells until
neither the platform's figure minus the visible cells of a grouping, nor any visible cell minus a
visible cell it contains (from any grouping), leaves 1 to 4 independent reports. Follow-up days
are binned up to multiples of BIN_DAYS before anything is counted.

Report figures are not time-travelled: the query functions read the latest publication whatever
`?snapshot=` a page is pinned to, so a withdrawn or rejected report leaves every public view at
every snapshot as soon as the next publication (at once, or at the latest within the maintenance
job's 24 hours).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from collectors.reports import delays
from collectors.reports.delays import MIN_GROUP_SIZE, SUMMARY_COLUMNS
from collectors.store import LAKE, Store
from collectors.store import vault as vaults

BIN_DAYS = 5
GROUPINGS: dict[str, list[str]] = {"platform": [], "month": ["month"], "payment_method": ["payment_method"]}
COMPLEMENTARY_NOTE = (f"not shown, so that a group of fewer than {MIN_GROUP_SIZE} reports cannot be "
                      "worked out by subtracting figures")
FIGURES_TABLE = "report_figures"
RISK_TABLE = "report_risk_sets"
FIGURE_COLUMNS = ["grouping", "platform_id", "group_value", *SUMMARY_COLUMNS, "published_at", "is_demo"]
CREATE_FIGURES = f"""CREATE TABLE IF NOT EXISTS {LAKE}.{FIGURES_TABLE} (
    grouping VARCHAR NOT NULL,          -- platform | month | payment_method
    platform_id VARCHAR NOT NULL,
    group_value VARCHAR,                -- the month (YYYY-MM) or payment method; NULL for 'platform'
    n_reports BIGINT, n_independent BIGINT, n_paid BIGINT, n_waiting BIGINT,
    median_days_late DOUBLE, median_ci_low DOUBLE, median_ci_high DOUBLE, median_reached BOOLEAN,
    unpaid_after_30d DOUBLE, unpaid_after_60d DOUBLE, unpaid_after_90d DOUBLE,
    suppressed BOOLEAN NOT NULL, note VARCHAR,
    published_at TIMESTAMPTZ NOT NULL, is_demo BOOLEAN NOT NULL
)"""
CREATE_RISK = f"""CREATE TABLE IF NOT EXISTS {LAKE}.{RISK_TABLE} (
    platform_id VARCHAR NOT NULL, n_independent BIGINT NOT NULL,
    days DOUBLE, paid BIGINT NOT NULL, censored BIGINT NOT NULL,   -- days binned to BIN_DAYS
    published_at TIMESTAMPTZ NOT NULL, is_demo BOOLEAN NOT NULL
)"""


def public_frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """The approved, consented reports reduced to what the figures use (binned days, group keys)."""
    kept = [r for r in rows if r.get("moderation_status") == "approved" and r.get("consent_publish_aggregate")]
    frame = pd.DataFrame({
        "platform_id": [r["platform_id"] for r in kept],
        "month": [r["expected_pay_date"].strftime("%Y-%m") if r.get("expected_pay_date") else "unknown" for r in kept],
        "payment_method": [r.get("payment_method") or "unknown" for r in kept],
        "followup_days": [
            float(BIN_DAYS * math.ceil(r["followup_days"] / BIN_DAYS)) if r.get("followup_days") is not None else None
            for r in kept
        ],
        "paid_in_full": [bool(r.get("paid_in_full")) for r in kept],
        "event_id": [r.get("event_id") for r in kept],
        "independent": [f"event:{r['event_id']}" if r.get("event_id") else f"report:{r['report_id']}" for r in kept],
    })
    return frame


Cell = tuple[str, str, str | None]  # grouping, platform, group value


def cell_members(frame: pd.DataFrame) -> dict[Cell, frozenset[str]]:
    """Each public cell's independent reports (usable ones: with a follow-up)."""
    usable = frame[frame["followup_days"].notna()]
    cells: dict[Cell, frozenset[str]] = {}
    for platform, group in frame.groupby("platform_id", sort=True):
        members = usable[usable["platform_id"] == platform]
        cells[("platform", str(platform), None)] = frozenset(members["independent"])
        for grouping, keys in GROUPINGS.items():
            if not keys:
                continue
            for value in sorted(set(group[keys[0]])):
                cells[(grouping, str(platform), str(value))] = frozenset(
                    members.loc[members[keys[0]] == value, "independent"])
    return cells


def suppressed_cells(cells: dict[Cell, frozenset[str]]) -> set[Cell]:
    """The cells published without figures (see the module docstring), to a fixed point."""
    hidden = {c for c, members in cells.items() if len(members) < MIN_GROUP_SIZE}
    platforms = {c[1] for c in cells}

    def small(n: int) -> bool:
        return 0 < n < MIN_GROUP_SIZE

    changed = True
    while changed:
        changed = False
        for platform in platforms:
            top = ("platform", platform, None)
            if top in hidden:
                for c in cells:
                    if c[1] == platform and c not in hidden:
                        hidden.add(c)
                        changed = True
                continue
            for grouping, keys in GROUPINGS.items():
                if not keys:
                    continue
                sub = [c for c in cells if c[0] == grouping and c[1] == platform]
                while True:
                    visible = [c for c in sub if c not in hidden]
                    seen: frozenset[str] = frozenset().union(*(cells[c] for c in visible))
                    if not small(len(cells[top] - seen)) or not visible:
                        break
                    hidden.add(min(visible, key=lambda c: (len(cells[c]), str(c[2]))))
                    changed = True
            visible = [c for c in cells if c[1] == platform and c not in hidden]
            for big in visible:
                for part in visible:
                    if part is big or part in hidden or big in hidden:
                        continue
                    # |big - part| = |big| - |part| when part is within big: compare sizes first.
                    if small(len(cells[big]) - len(cells[part])) and cells[part] <= cells[big]:
                        hidden.add(part if part != top else big)
                        changed = True
    return hidden


def compute_figures(rows: Sequence[dict[str, Any]], *, now: datetime | None = None,
                    is_demo: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(figures, risk sets) as `publish` writes them, from stored report rows."""
    stamp = now or datetime.now(UTC)
    frame = public_frame(rows)
    if frame.empty:
        return pd.DataFrame(columns=FIGURE_COLUMNS), pd.DataFrame(
            columns=["platform_id", *delays.RISK_SET_COLUMNS, "published_at", "is_demo"])
    cells = cell_members(frame)
    hidden = suppressed_cells(cells)
    parts = []
    for grouping, keys in GROUPINGS.items():
        by = ["platform_id", *keys]
        summary = delays.summaries_from_risk_sets(delays.risk_sets(frame, by), by)
        summary["grouping"] = grouping
        summary["group_value"] = summary[keys[0]].astype(str) if keys else None
        parts.append(summary[["grouping", "platform_id", "group_value", *SUMMARY_COLUMNS]])
    figures = pd.concat(parts, ignore_index=True)
    numbers = [c for c in SUMMARY_COLUMNS if c not in ("suppressed", "note")]
    figures[numbers] = figures[numbers].astype(object)
    for index, row in figures.iterrows():
        cell: Cell = (str(row["grouping"]), str(row["platform_id"]), None if row["grouping"] == "platform"
                      else str(row["group_value"]))
        if cell in hidden:
            small = len(cells.get(cell, frozenset())) < MIN_GROUP_SIZE
            figures.loc[index, numbers] = None
            figures.loc[index, "suppressed"] = True
            figures.loc[index, "note"] = delays.SUPPRESSED_NOTE if small else COMPLEMENTARY_NOTE
    figures["published_at"] = stamp
    figures["is_demo"] = is_demo
    shown = [c[1] for c in cells if c[0] == "platform" and c not in hidden]
    risk = delays.risk_sets(frame[frame["platform_id"].isin(shown)], ["platform_id"])
    risk["published_at"] = stamp
    risk["is_demo"] = is_demo
    return figures[FIGURE_COLUMNS], risk


def publish(store: Store, *, now: datetime | None = None) -> int:
    """Recompute the public aggregates from the vault and replace them in the lake (one commit).
    Returns the number of figure rows published."""
    rows = vaults.report_rows(vaults.get_vault(store), "moderation_status = 'approved'")
    figures, risk = compute_figures(rows, now=now, is_demo=store.is_demo)
    figures = figures.astype({"n_reports": "Int64", "n_independent": "Int64", "n_paid": "Int64",
                              "n_waiting": "Int64", "median_reached": "boolean", "suppressed": bool})
    for column in ("median_days_late", "median_ci_low", "median_ci_high", "unpaid_after_30d",
                   "unpaid_after_60d", "unpaid_after_90d"):
        figures[column] = pd.to_numeric(figures[column], errors="coerce").astype("float64")

    def txn(cur: Any) -> int:
        cur.execute(f"DELETE FROM {LAKE}.{FIGURES_TABLE}")
        cur.execute(f"DELETE FROM {LAKE}.{RISK_TABLE}")
        Store.insert_df(cur, FIGURES_TABLE, figures)
        Store.insert_df(cur, RISK_TABLE, risk)
        return len(figures)

    return store.write(txn, what="publish report figures")


def _present(store: Store, table: str) -> bool:
    return bool(store.read_value(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = ?", [LAKE, table]))


def published_figures(store: Store, grouping: str = "platform", *, platforms: Sequence[str] = ()) -> pd.DataFrame:
    """The latest published figures of one grouping: platform_id, [month | payment_method], then
    SUMMARY_COLUMNS. Not pinned to a snapshot (see the module docstring)."""
    keys = GROUPINGS[grouping]
    columns = ["platform_id", *keys, *SUMMARY_COLUMNS]
    if not _present(store, FIGURES_TABLE):
        return pd.DataFrame(columns=columns)
    params: dict[str, Any] = {"grouping": grouping}
    where = "grouping = $grouping"
    if platforms:
        params["platforms"] = list(platforms)
        where += " AND list_contains($platforms::VARCHAR[], platform_id)"
    frame = store.read_df(
        f"SELECT * FROM {LAKE}.{FIGURES_TABLE} WHERE {where} ORDER BY platform_id, group_value", params)
    if keys:
        frame[keys[0]] = frame["group_value"]
    return frame[columns].reset_index(drop=True)


def published_risk_sets(store: Store, *, platforms: Sequence[str] = ()) -> pd.DataFrame:
    columns = ["platform_id", *delays.RISK_SET_COLUMNS]
    if not _present(store, RISK_TABLE):
        return pd.DataFrame(columns=columns)
    params: dict[str, Any] = {}
    where = "TRUE"
    if platforms:
        params["platforms"] = list(platforms)
        where = "list_contains($platforms::VARCHAR[], platform_id)"
    return store.read_df(f"SELECT {', '.join(columns)} FROM {LAKE}.{RISK_TABLE} WHERE {where} ORDER BY platform_id, days",
                         params)


def all_figures(store: Store) -> pd.DataFrame:
    """Every published figure row (Explore's table and `gigwatch export`)."""
    if not _present(store, FIGURES_TABLE):
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    return store.read_df(f"SELECT * FROM {LAKE}.{FIGURES_TABLE} ORDER BY grouping, platform_id, group_value")




MAINTENANCE_WINDOW_HOURS = 24  # the scheduler runs `report_maintenance` this often


def report_maintenance(store: Store, *, now: datetime | None = None) -> int:
    """The reports' part of the maintenance job (every MAINTENANCE_WINDOW_HOURS): prune rate
    counters older than a day, publish the aggregates again, VACUUM the vault so no free page keeps
    bytes of an erased report, and delete files of report tables dropped from the lake."""
    from datetime import timedelta

    from collectors.store.reports.legacy import purge_dropped_files

    stamp = now or datetime.now(UTC)
    vault = vaults.get_vault(store)
    oldest = int((stamp - timedelta(days=1)).timestamp() // 3600)
    vault.write(lambda con: con.execute("DELETE FROM rate_counters WHERE bucket_hour < ?", [oldest]))
    published = publish(store, now=stamp)
    vault.vacuum()
    purge_dropped_files(store)
    return published
