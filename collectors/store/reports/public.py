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
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from collectors.reports import delays
from collectors.reports.delays import (
    DELAY_FIGURE_COLUMNS,
    EFFECTIVE_PAY_COLUMNS,
    MIN_GROUP_SIZE,
    REPORT_FRAME_COLUMNS,
    SUMMARY_COLUMNS,
)
from collectors.reports.schema import GRIEVANCES, VERIFICATION_TIERS
from collectors.store import LAKE, Store
from collectors.store import vault as vaults
from collectors.store.migrations import arrow_schema

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


# -- issue 14: interval-censored delay figures, effective pay and incidents ------------------------

DELAY_TABLE = "report_delay_figures"
PAY_TABLE = "report_pay_figures"
INCIDENTS_TABLE = "report_incidents"
PUBLISHED_TABLES = (DELAY_TABLE, PAY_TABLE, INCIDENTS_TABLE)  # also in `gigwatch export`
# Grouping name -> the report field that splits the platform ([] for the platform as a whole).
DELAY_GROUPINGS: dict[str, list[str]] = {"delay_platform": [], "delay_source_class": ["source_class"]}
PAY_GROUPINGS: dict[str, list[str]] = {"pay_platform": [], "pay_work_type": ["work_type"]}
TIERS = tuple(VERIFICATION_TIERS)
GRIEVANCE_KINDS = tuple(GRIEVANCES)
DELAY_COLUMNS = ["grouping", "platform_id", "group_value", *DELAY_FIGURE_COLUMNS,
                 *(f"n_tier_{t}" for t in TIERS), *(f"n_grievance_{g}" for g in GRIEVANCE_KINDS),
                 "n_incidents", "published_at", "is_demo"]
PAY_COLUMNS = ["grouping", "platform_id", "group_value", *EFFECTIVE_PAY_COLUMNS, "published_at", "is_demo"]
INCIDENT_COLUMNS = ["event_id", "title", "kind", "platform_id", "event_date", "source_url", "published_at", "is_demo"]
_DELAY_COUNTS = [c for c in DELAY_COLUMNS if c.startswith("n_")]
_PAY_COUNTS = [c for c in PAY_COLUMNS if c.startswith("n_")]


def public_reports(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """The approved, consented reports as the frame `delays.delay_figures` and
    `delays.effective_pay_figures` read (`delays._FRAME_COLUMNS`), plus `independent` (the key
    suppression counts: an incident once). Rows stored before the interval fields (schema < 0.3)
    give their exact follow-up as an interval: [f, f] when paid in full, [f, unpaid) otherwise."""
    kept = [r for r in rows if r.get("moderation_status") == "approved" and r.get("consent_publish_aggregate")]
    records = []
    for r in kept:
        record = {name: r.get(name) for name in REPORT_FRAME_COLUMNS}
        record["grievances"] = tuple(r.get("grievances") or ())
        record["source_class"] = r.get("source_class") or "worker_report"
        record["verification_tier"] = r.get("verification_tier") or "self_reported"
        record["work_type"] = r.get("work_type") or "unknown"
        if "delay_lower_days" not in r and r.get("followup_days") is not None:
            record["delay_lower_days"] = r["followup_days"]
            record["delay_upper_days"] = r["followup_days"] if r.get("paid_in_full") else None
        if record["delay_lower_days"] is None and record["delay_reason"] is None:
            record["delay_reason"] = "no_due_date"
        record["independent"] = f"event:{r['event_id']}" if r.get("event_id") else f"report:{r['report_id']}"
        records.append(record)
    return pd.DataFrame(records, columns=[*REPORT_FRAME_COLUMNS, "independent"])


def report_cells(reports: pd.DataFrame) -> dict[Cell, frozenset[str]]:
    """The cells of the delay and pay tables and their independent reports. A delay cell holds
    every report of its group (the counts of reasons are published too); a pay cell, those that
    give an effective hourly rate."""
    cells: dict[Cell, frozenset[str]] = {}
    with_hours = reports[reports["effective_hourly_usd"].notna()]
    for families, members in ((DELAY_GROUPINGS, reports), (PAY_GROUPINGS, with_hours)):
        for platform in sorted(set(reports["platform_id"])):
            mine = members[members["platform_id"] == platform]
            for grouping, keys in families.items():
                if not keys:
                    cells[(grouping, str(platform), None)] = frozenset(mine["independent"])
                    continue
                for value in sorted(set(reports.loc[reports["platform_id"] == platform, keys[0]].astype(str))):
                    cells[(grouping, str(platform), value)] = frozenset(
                        mine.loc[mine[keys[0]].astype(str) == value, "independent"])
    return cells


def _hide(frame: pd.DataFrame, hidden: set[Cell], cells: dict[Cell, frozenset[str]],
          numbers: list[str], reason_column: str, detail_column: str) -> pd.DataFrame:
    frame = frame.copy()
    frame[numbers] = frame[numbers].astype(object)
    # In the public tables `suppressed` means the cell is not shown at all; a shown cell may still
    # lack a figure (too few reports give a delay, no due date ...): `missing_reason` says why.
    frame["suppressed"] = False
    for index, row in frame.iterrows():
        value = row["group_value"]
        cell: Cell = (str(row["grouping"]), str(row["platform_id"]), None if value is None else str(value))
        if cell in hidden:
            small = len(cells.get(cell, frozenset())) < MIN_GROUP_SIZE
            frame.loc[index, numbers] = None
            frame.loc[index, "suppressed"] = True
            frame.loc[index, reason_column] = "too_few_independent" if small else "complementary"
            frame.loc[index, detail_column] = (
                f"fewer than {MIN_GROUP_SIZE} independent reports: not shown, to protect reporters"
                if small else COMPLEMENTARY_NOTE)
    return frame


def delay_table(reports: pd.DataFrame, hidden: set[Cell], cells: dict[Cell, frozenset[str]]) -> pd.DataFrame:
    """`report_delay_figures` before its stamp: per cell, delays.delay_figures plus the count of
    reports per verification tier, per grievance kind, and of incidents."""
    parts = []
    # Each report's tier and grievances are looked at once, not once per cell (a publication of
    # 200k reports spent most of its time in those per-cell passes).
    tier_of = {tier: (reports["verification_tier"] == tier).to_numpy() for tier in TIERS}
    grievance_of = {kind: reports["grievances"].map(lambda g, k=kind: k in g).to_numpy(dtype=bool)
                    for kind in GRIEVANCE_KINDS}
    for grouping, keys in DELAY_GROUPINGS.items():
        by = ["platform_id", *keys]
        figures = delays.delay_figures(reports, by=by)
        as_text = {column: reports[column].astype(str) for column in by}
        cell_masks = [_match(as_text, by, key).to_numpy() for key in _keys(figures, by)]
        for tier in TIERS:
            figures[f"n_tier_{tier}"] = [int((mask & tier_of[tier]).sum()) for mask in cell_masks]
        for kind in GRIEVANCE_KINDS:
            figures[f"n_grievance_{kind}"] = [int((mask & grievance_of[kind]).sum()) for mask in cell_masks]
        figures["n_incidents"] = [int(reports.loc[mask, "event_id"].dropna().nunique()) for mask in cell_masks]
        figures["grouping"] = grouping
        figures["group_value"] = figures[keys[0]].astype(str) if keys else None
        parts.append(figures)
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    numbers = [c for c in DELAY_COLUMNS if c not in ("grouping", "platform_id", "group_value", "suppressed",
                                                    "missing_reason", "missing_detail", "published_at", "is_demo")]
    return _hide(frame, hidden, cells, numbers, "missing_reason", "missing_detail")


def _keys(figures: pd.DataFrame, by: list[str]) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in figures[by].itertuples(index=False)]


def _match(as_text: dict[str, pd.Series], by: list[str], key: tuple[Any, ...]) -> pd.Series:
    """The reports of one cell: `as_text` holds the `by` columns as text (made once per grouping)."""
    mask: pd.Series | None = None
    for column, value in zip(by, key, strict=True):
        same = as_text[column] == str(value)
        mask = same if mask is None else mask & same
    if mask is None:
        raise ValueError("a cell needs at least one column")
    return mask


def pay_table(reports: pd.DataFrame, hidden: set[Cell], cells: dict[Cell, frozenset[str]]) -> pd.DataFrame:
    """`report_pay_figures` before its stamp: delays.effective_pay_figures per cell."""
    parts = []
    for grouping, keys in PAY_GROUPINGS.items():
        figures = delays.effective_pay_figures(reports, by=["platform_id", *keys])
        figures["grouping"] = grouping
        figures["group_value"] = figures[keys[0]].astype(str) if keys else None
        parts.append(figures)
    frame = pd.concat(parts, ignore_index=True)
    numbers = [c for c in EFFECTIVE_PAY_COLUMNS if c not in ("suppressed", "missing_reason", "missing_detail")]
    return _hide(frame, hidden, cells, numbers, "missing_reason", "missing_detail")


@dataclass(frozen=True, slots=True)
class PublicTables:
    """Everything one publication writes into the lake."""

    figures: pd.DataFrame      # report_figures (exact-date Kaplan-Meier, binned)
    risk: pd.DataFrame         # report_risk_sets
    delays: pd.DataFrame       # report_delay_figures (interval-censored, reasons, tiers, grievances)
    pay: pd.DataFrame          # report_pay_figures (effective hourly pay)
    incidents: pd.DataFrame    # report_incidents (dated events, moderator-written)


def compute_public(rows: Sequence[dict[str, Any]], *, events: Sequence[dict[str, Any]] = (),
                   now: datetime | None = None, is_demo: bool = False) -> PublicTables:
    """Every public table from stored report rows and the vault's incidents, with one suppression
    over all their cells, so no two published cells (of any table) can be subtracted to fewer
    than MIN_GROUP_SIZE independent reports."""
    stamp = now or datetime.now(UTC)
    frame = public_frame(rows)
    reports = public_reports(rows)
    cells = {**(cell_members(frame) if not frame.empty else {}), **report_cells(reports)}
    hidden = suppressed_cells(cells)
    figures, risk = _km_tables(frame, cells, hidden, stamp, is_demo)
    if reports.empty:
        delay_frame = pd.DataFrame(columns=DELAY_COLUMNS)
        pay_frame = pd.DataFrame(columns=PAY_COLUMNS)
    else:
        delay_frame = delay_table(reports, hidden, cells)
        pay_frame = pay_table(reports, hidden, cells)
    for table in (delay_frame, pay_frame):
        table["published_at"] = stamp
        table["is_demo"] = is_demo
    incidents = pd.DataFrame([{k: e.get(k) for k in INCIDENT_COLUMNS} for e in events], columns=INCIDENT_COLUMNS)
    incidents["published_at"] = stamp
    incidents["is_demo"] = is_demo
    return PublicTables(figures, risk, delay_frame[DELAY_COLUMNS], pay_frame[PAY_COLUMNS], incidents)


def held_by_processor(row: dict[str, Any]) -> bool:
    """Money held by a payment provider (PayPal, AirTM ...): not the platform's lateness, so never
    in the Kaplan-Meier days late (`report_delay_figures` counts these apart)."""
    return bool(row.get("processor_hold")) or row.get("delay_reason") == "processor_hold"


def public_frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """The approved, consented reports reduced to what the Kaplan-Meier figures use (binned days,
    group keys); processor holds left out."""
    kept = [r for r in rows if r.get("moderation_status") == "approved" and r.get("consent_publish_aggregate")
            and not held_by_processor(r)]
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


# Each grouping's parent: its cells partition the parent cell of the same platform (a missing
# value is a group of its own), so the parent minus the visible cells must not leave 1 to 4.
PARENTS: dict[str, str] = {"month": "platform", "payment_method": "platform",
                           "delay_source_class": "delay_platform", "pay_work_type": "pay_platform"}


# When two top cells of a platform differ by 1 to 4 reports one must go: the lower priority one.
TOP_PRIORITY: dict[str, int] = {"delay_platform": 3, "pay_platform": 2, "platform": 1}


def suppressed_cells(cells: dict[Cell, frozenset[str]], parents: dict[str, str] | None = None) -> set[Cell]:
    """The cells published without figures (see the module docstring), to a fixed point. A cell
    whose group_value is None is a top cell (one per platform and family); `parents` says which
    groupings partition which top (default: PARENTS)."""
    parents = PARENTS if parents is None else parents
    hidden = {c for c, members in cells.items() if len(members) < MIN_GROUP_SIZE}
    platforms = {c[1] for c in cells}

    def small(n: int) -> bool:
        return 0 < n < MIN_GROUP_SIZE

    changed = True
    while changed:
        changed = False
        for platform in platforms:
            for top_grouping in sorted({c[0] for c in cells if c[1] == platform and c[2] is None}):
                top = (top_grouping, platform, None)
                children = [g for g, parent in parents.items() if parent == top_grouping]
                if top in hidden:
                    for c in cells:
                        if c[1] == platform and c[0] in children and c not in hidden:
                            hidden.add(c)
                            changed = True
                    continue
                for grouping in children:
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
                        if part[2] is not None:
                            hidden.add(part)
                        else:  # two top cells: keep the one readers are shown first
                            hidden.add(min((part, big), key=lambda c: TOP_PRIORITY.get(c[0], 0)))
                        changed = True
    return hidden


def compute_figures(rows: Sequence[dict[str, Any]], *, now: datetime | None = None,
                    is_demo: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(figures, risk sets) as `publish` writes them, from stored report rows."""
    tables = compute_public(rows, now=now, is_demo=is_demo)
    return tables.figures, tables.risk


def _km_tables(frame: pd.DataFrame, cells: dict[Cell, frozenset[str]], hidden: set[Cell], stamp: datetime,
               is_demo: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    if frame.empty:
        return pd.DataFrame(columns=FIGURE_COLUMNS), pd.DataFrame(
            columns=["platform_id", *delays.RISK_SET_COLUMNS, "published_at", "is_demo"])
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


def publish(store: Store, *, now: datetime | None = None, approved: Sequence[dict[str, Any]] | None = None) -> int:
    """Recompute the public aggregates from the vault and replace them in the lake (one commit).
    Returns the number of figure rows published.

    `approved`: the vault's approved report rows, as `vaults.report_rows` gives them, when the
    caller has just read them in the vault transaction it committed (a moderation decision), so
    that the bodies are not all read and decoded a second time."""
    vault = vaults.get_vault(store)
    rows = list(approved) if approved is not None else vaults.report_rows(vault, "moderation_status = 'approved'")
    events = [dict(r) for r in vault.rows(
        "SELECT event_id, title, kind, platform_id, event_date, source_url FROM events ORDER BY event_date, event_id")]
    for event in events:
        event["event_date"] = date.fromisoformat(event["event_date"][:10]) if event["event_date"] else None
    with vaults.paused_gc():
        tables = compute_public(rows, events=events, now=now, is_demo=store.is_demo)
    figures, risk = tables.figures, tables.risk
    # A lake part-way through its migrations (0006 ran, 0010 not yet) has no issue-14 tables yet:
    # they are filled by the publication that follows migration 0010.
    extra = {name: pa.Table.from_pandas(frame, schema=arrow_schema(name), preserve_index=False)
             for name, frame in ((DELAY_TABLE, tables.delays), (PAY_TABLE, tables.pay),
                                 (INCIDENTS_TABLE, tables.incidents)) if _present(store, name)}
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
        for name, table in extra.items():
            cur.execute(f"DELETE FROM {LAKE}.{name}")
            Store.insert_df(cur, name, table)
        return len(figures)

    return store.write(txn, what="publish report figures")


def _present(store: Store, table: str) -> bool:
    return bool(store.read_value(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = ?", [LAKE, table]))


def _read_published(store: Store, table: str, columns: Sequence[str], sql: str,
                    params: dict[str, Any] | None = None) -> pd.DataFrame:
    """`sql` (which reads `table`), or an empty frame with `columns` on a lake from before the
    table existed: one statement, where asking the catalog first (`_present`) was a second."""
    try:
        return store.read_df(sql, params or {})
    except duckdb.CatalogException as exc:
        if f"{table}" not in str(exc) or "does not exist" not in str(exc):
            raise
        return pd.DataFrame(columns=list(columns))


def published_figures(store: Store, grouping: str = "platform", *, platforms: Sequence[str] = ()) -> pd.DataFrame:
    """The latest published figures of one grouping: platform_id, [month | payment_method], then
    SUMMARY_COLUMNS. Not pinned to a snapshot (see the module docstring)."""
    keys = GROUPINGS[grouping]
    columns = ["platform_id", *keys, *SUMMARY_COLUMNS]
    frame = _read_grouping(store, FIGURES_TABLE, columns, grouping, platforms)
    if frame.empty and "group_value" not in frame:
        return frame
    if keys:
        frame[keys[0]] = frame["group_value"]
    return frame[columns].reset_index(drop=True)


def published_risk_sets(store: Store, *, platforms: Sequence[str] = ()) -> pd.DataFrame:
    columns = ["platform_id", *delays.RISK_SET_COLUMNS]
    params: dict[str, Any] = {}
    where = "TRUE"
    if platforms:
        params["platforms"] = list(platforms)
        where = "list_contains($platforms::VARCHAR[], platform_id)"
    return _read_published(
        store, RISK_TABLE, columns,
        f"SELECT {', '.join(columns)} FROM {LAKE}.{RISK_TABLE} WHERE {where} ORDER BY platform_id, days", params)


def published_delay_figures(store: Store, grouping: str = "delay_platform", *,
                            platforms: Sequence[str] = ()) -> pd.DataFrame:
    """The latest `report_delay_figures` rows of one grouping (DELAY_GROUPINGS), by platform."""
    return _published(store, DELAY_TABLE, DELAY_COLUMNS, grouping, platforms)


def published_pay_figures(store: Store, grouping: str = "pay_platform", *,
                          platforms: Sequence[str] = ()) -> pd.DataFrame:
    """The latest `report_pay_figures` rows of one grouping (PAY_GROUPINGS), by platform."""
    return _published(store, PAY_TABLE, PAY_COLUMNS, grouping, platforms)


def published_incidents(store: Store, *, platforms: Sequence[str] = ()) -> pd.DataFrame:
    """The mass incidents moderators recorded (dated events), oldest first."""
    params: dict[str, Any] = {}
    where = "TRUE"
    if platforms:
        params["platforms"] = list(platforms)
        where = "list_contains($platforms::VARCHAR[], platform_id)"
    return _read_published(store, INCIDENTS_TABLE, INCIDENT_COLUMNS,
                           f"SELECT * FROM {LAKE}.{INCIDENTS_TABLE} WHERE {where} "
                           "ORDER BY event_date NULLS LAST, event_id", params)


def _published(store: Store, table: str, columns: list[str], grouping: str, platforms: Sequence[str]) -> pd.DataFrame:
    if grouping not in (DELAY_GROUPINGS if table == DELAY_TABLE else PAY_GROUPINGS):
        raise ValueError(f"unknown grouping {grouping!r}")
    return _read_grouping(store, table, columns, grouping, platforms)


def _read_grouping(store: Store, table: str, columns: list[str], grouping: str,
                   platforms: Sequence[str]) -> pd.DataFrame:
    """One grouping's rows of a published table (empty, with `columns`, before it exists)."""
    params: dict[str, Any] = {"grouping": grouping}
    where = "grouping = $grouping"
    if platforms:
        params["platforms"] = list(platforms)
        where += " AND list_contains($platforms::VARCHAR[], platform_id)"
    return _read_published(store, table, columns,
                           f"SELECT * FROM {LAKE}.{table} WHERE {where} ORDER BY platform_id, group_value", params)


def all_published(store: Store, table: str) -> pd.DataFrame:
    """Every row of one of issue 14's published tables (DELAY_TABLE, PAY_TABLE, INCIDENTS_TABLE),
    for `gigwatch export`."""
    columns = {DELAY_TABLE: DELAY_COLUMNS, PAY_TABLE: PAY_COLUMNS, INCIDENTS_TABLE: INCIDENT_COLUMNS}[table]
    order = "event_date NULLS LAST, event_id" if table == INCIDENTS_TABLE else "grouping, platform_id, group_value"
    return _read_published(store, table, columns, f"SELECT * FROM {LAKE}.{table} ORDER BY {order}")


def all_figures(store: Store) -> pd.DataFrame:
    """Every published figure row (Explore's table and `gigwatch export`)."""
    return _read_published(store, FIGURES_TABLE, FIGURE_COLUMNS,
                           f"SELECT * FROM {LAKE}.{FIGURES_TABLE} ORDER BY grouping, platform_id, group_value")




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
