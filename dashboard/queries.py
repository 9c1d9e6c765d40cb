"""Every SQL query the dashboard runs, in one place.

Each function takes the `Store` and an optional DuckLake `snapshot_id` (a permalink pins one, so a
chart cited in an article can be rebuilt exactly later) and returns a DataFrame of aggregates, never
raw rows to aggregate in pandas. Nothing here imports Streamlit: benchmarks and tests call these
functions directly; `dashboard.common` wraps them in `st.cache_data`.

Conventions, so that every figure is honest and reproducible:

* "Now" is never the wall clock: it is the start of the last successful collection run in the
  (possibly pinned) snapshot, so the same snapshot always gives the same numbers.
* Times are compared and bucketed in UTC (`_utc`), weeks start on Monday.
* A listing's advertised hourly pay is the midpoint of its hourly USD range, or the one end that is
  published ("up to $40/h" counts as 40). Only time-based pay (hour/day/week/month/year) is hourly;
  per-task, per-item and per-minute pay stays in its own unit (`weekly_unit_pay`).
* Every aggregate carries the count it stands on (`n_listings`, `n_reports`, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd

from collectors.reports import delays
from collectors.reports.delays import MIN_GROUP_SIZE
from collectors.store import LAKE, Store, TableRefs
from collectors.store.aggregates import (  # one definition for the stored table and for these queries
    BOUND_RUNS_COUNT_SQL,
    DAY_US,
    HOURLY_MID,
    MONDAY_US,
    PLATFORM_OF_VERSION,
    SERIES,
    TIME_UNITS,
    WEEK_US,
    WEEKLY_FLOWS_SELECT,
    Series,
    key_range,
    lifetime_rows_sql,
    pay_change_rows_sql,
    platforms_filter,
)
from collectors.store.aggregates import week_of as _week_index
from collectors.store.reports import (
    all_figures,
    forum_signals,
    published_figures,
    published_risk_sets,
)

REPO_DIR = Path(__file__).resolve().parent.parent
MINIMUM_WAGES_CSV = REPO_DIR / "data" / "minimum_wages.csv"
DATA_README = REPO_DIR / "data" / "README.md"

# Hours in one unit of time, used only to put minimum wages that are not hourly on the hourly axis.
HOURS_PER_UNIT = {"hour": 1.0, "day": 8.0, "week": 40.0, "month": 40.0 * 52 / 12, "year": 40.0 * 52}

Remote = Literal["any", "remote", "onsite"]
CurrencyMode = Literal["usd", "original"]



def _utc(column: str) -> str:
    """A TIMESTAMPTZ as a naive UTC TIMESTAMP, so dates and weeks do not depend on the session zone.

    Through epoch microseconds: plain arithmetic, several times faster than `timezone('UTC', ...)`,
    which goes through the ICU calendar for every row.
    """
    return f"make_timestamp(epoch_us({column}))"


def _aliased(ref: str, alias: str) -> str:
    """A table reference with an alias. DuckDB wants the alias before `AT (VERSION => n)`, and
    `TableRefs` renders the whole reference, so a pinned table is wrapped in a subquery instead
    (projections and filters are pushed down into it)."""
    return f"(SELECT * FROM {ref}) {alias}" if " AT " in ref else f"{ref} {alias}"


def _as_of_sql(t: TableRefs) -> str:
    """The start of the last successful collection of any platform (the lake's "now")."""
    return (
        f"(SELECT max({_utc('started_at')}) FROM {t.collector_runs} "
        "WHERE status = 'ok' AND platform_id IS NOT NULL)"
    )


def _platform_bounds_sql(t: TableRefs) -> str:
    """Per platform: first and last successful complete collection (what the data can speak for)."""
    return f"""SELECT platform_id,
                      min({_utc('started_at')}) AS first_ok_at,
                      max({_utc('started_at')}) AS last_ok_at
               FROM {t.collector_runs}
               WHERE status = 'ok' AND complete AND platform_id IS NOT NULL
               GROUP BY platform_id"""


def _version_filters(
    params: dict[str, Any],
    *,
    platforms: Sequence[str] = (),
    categories: Sequence[str] = (),
    countries: Sequence[str] = (),
    remote: Remote = "any",
    alias: str = "v",
    platform_expr: str = "l.platform_id",
) -> str:
    """WHERE fragments (joined with AND) for the filters every pay view shares; fills `params`."""
    clauses = ["TRUE"]
    if platforms:
        params["platforms"] = list(platforms)
        clauses.append(f"list_contains($platforms::VARCHAR[], {platform_expr})")
    if categories:
        params["categories"] = list(categories)
        clauses.append(f"list_contains($categories::VARCHAR[], {alias}.category)")
    if countries:
        params["countries"] = list(countries)
        clauses.append(f"list_contains($countries::VARCHAR[], {alias}.country)")
    if remote == "remote":
        clauses.append(f"{alias}.is_remote IS TRUE")
    elif remote == "onsite":
        clauses.append(f"{alias}.is_remote IS FALSE")
    return " AND ".join(clauses)


def _unless_missing(read: Callable[[], pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    """`read()`, or an empty frame when its table does not exist in the snapshot read (tables
    added by later migrations are missing from older snapshots a permalink may pin)."""
    try:
        return read()
    except duckdb.CatalogException:
        return pd.DataFrame(columns=list(columns))


def _unless_empty(
    store: Store, table: str, read: Callable[[], pd.DataFrame], columns: Sequence[str], condition: str = "TRUE"
) -> pd.DataFrame:
    """`read()` when `table` (a reference of the snapshot read) holds a row meeting `condition`,
    else an empty frame with `columns`, as when the table does not exist (`_unless_missing`). For
    views of tables most lakes keep empty (archive captures before any backfill, forum posts where
    forums are not collected, mass incidents): on DuckLake a read of a table without a data file
    looks up statistics for every column it names, ~4 ms each on a SQLite catalog (the captures
    joined to the runs took 60-110 ms on the benchmark lake), where the count takes ~15 ms."""

    def counted() -> pd.DataFrame:
        kept = store.read_rows(f"SELECT count(*) FILTER (WHERE {condition}) FROM {table}")[0][0]
        return read() if kept else pd.DataFrame(columns=list(columns))

    return _unless_missing(counted, columns)


# -- the lake and its snapshots ---------------------------------------------------------------------


def lake_status(store: Store, snapshot_id: int | None = None) -> pd.DataFrame:
    """One row: the snapshot read, when it was taken, "as of" (last successful collection) and counts."""
    t = store.refs(snapshot_id)
    snapshot = snapshot_id if snapshot_id is not None else store.snapshot_id()
    return store.read_df(
        f"""SELECT $snapshot::BIGINT AS snapshot_id,
                   (SELECT {_utc('snapshot_time')} FROM ducklake_snapshots('{LAKE}')
                    WHERE snapshot_id = $snapshot) AS snapshot_time,
                   {_as_of_sql(t)} AS as_of,
                   (SELECT count(*) FROM {t.listings}) AS n_listings,
                   (SELECT count(*) FROM {t.listing_versions}) AS n_versions,
                   (SELECT count(*) FROM {t.collector_runs}
                    WHERE platform_id IS NOT NULL) AS n_runs""",
        {"snapshot": snapshot},
    )


def platforms(store: Store, snapshot_id: int | None = None) -> pd.DataFrame:
    """Platforms that have listings or collection runs, with their names (demo ones flagged)."""
    t = store.refs(snapshot_id)
    return store.read_df(
        # Every listing was written by a run of its platform, so the runs name them all.
        f"""WITH seen AS (
                SELECT DISTINCT platform_id FROM {t.collector_runs} WHERE platform_id IS NOT NULL
            )
            SELECT s.platform_id, coalesce(p.name, s.platform_id) AS name,
                   coalesce(p.is_demo, FALSE) AS is_demo
            FROM seen s
            LEFT JOIN (SELECT platform_id, any_value(name) AS name, bool_or(is_demo) AS is_demo
                       FROM {t.platforms} GROUP BY platform_id) p USING (platform_id)
            WHERE s.platform_id <> ''
            ORDER BY name"""
    )


def filter_options(store: Store, snapshot_id: int | None = None) -> pd.DataFrame:
    """Values the pay filters can take: (`kind`, `value`, `n_versions`) for category and country."""
    t = store.refs(snapshot_id)
    # One scan of the versions for both kinds (grouping sets), not one per kind.
    return store.read_df(
        f"""SELECT CASE WHEN grouping(category) = 0 THEN 'category' ELSE 'country' END AS kind,
                   CASE WHEN grouping(category) = 0 THEN category ELSE country END AS value,
                   count(*) AS n_versions
            FROM {t.listing_versions} GROUP BY GROUPING SETS ((category), (country))
            HAVING grouping(category) = 0 OR country IS NOT NULL
            ORDER BY kind, value"""
    )


# -- overview -------------------------------------------------------------------------------------


# Views that read only the "now" columns of `overview_pay` (effective pay beside advertised pay)
# ask for it with this `days_back`, Pay trends' default period ("all" compares with a year earlier):
# on that page's default view the change table and the effective-pay chart share one read.
ADVERTISED_NOW_DAYS_BACK = 365


def overview_pay(
    store: Store,
    snapshot_id: int | None = None,
    *,
    days_back: int = 90,
    platforms: Sequence[str] = (),
    categories: Sequence[str] = (),
    countries: Sequence[str] = (),
    remote: Remote = "any",
) -> pd.DataFrame:
    """Per platform: open listings and median advertised hourly USD now and `days_back` days earlier.

    "Now" is the platform's last successful complete collection; "before" is `days_back` days
    earlier, over the listings open at that moment, each at the pay its version then said.
    Columns: platform_id, as_of, compared_at, first_ok_at, open_listings, median_hourly_usd_now,
    n_hourly_now, median_hourly_usd_before, n_hourly_before, change_hourly_usd, change_pct.
    """
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {"days_back": days_back}
    where = _version_filters(
        params, platforms=platforms, categories=categories, countries=countries, remote=remote,
        platform_expr=PLATFORM_OF_VERSION,
    )
    return store.read_df(
        f"""WITH bounds AS ({_platform_bounds_sql(t)}),
            points AS (
                SELECT platform_id, 'now' AS at_label, last_ok_at AS at FROM bounds
                UNION ALL
                SELECT platform_id, 'before', last_ok_at - to_days($days_back) FROM bounds
            ),
            live AS (
                SELECT p.platform_id, p.at_label,
                       count(*) AS n_open,
                       count({HOURLY_MID}) FILTER (WHERE v.pay_unit IN {TIME_UNITS}) AS n_hourly,
                       quantile_cont({HOURLY_MID}, 0.5)
                           FILTER (WHERE v.pay_unit IN {TIME_UNITS}) AS median_hourly_usd
                FROM {_aliased(t.listing_versions, 'v')}
                JOIN points p ON p.platform_id = {PLATFORM_OF_VERSION}
                WHERE {_utc('v.valid_from')} <= p.at
                  AND (v.valid_to IS NULL OR {_utc('v.valid_to')} > p.at)
                  AND {where}
                GROUP BY ALL
            )
            SELECT b.platform_id,
                   b.last_ok_at AS as_of,
                   b.last_ok_at - to_days($days_back) AS compared_at,
                   b.first_ok_at,
                   coalesce(n.n_open, 0) AS open_listings,
                   n.median_hourly_usd AS median_hourly_usd_now,
                   coalesce(n.n_hourly, 0) AS n_hourly_now,
                   o.median_hourly_usd AS median_hourly_usd_before,
                   coalesce(o.n_hourly, 0) AS n_hourly_before,
                   n.median_hourly_usd - o.median_hourly_usd AS change_hourly_usd,
                   100 * (n.median_hourly_usd - o.median_hourly_usd) / o.median_hourly_usd
                       AS change_pct
            FROM bounds b
            LEFT JOIN live n ON n.platform_id = b.platform_id AND n.at_label = 'now'
            LEFT JOIN live o ON o.platform_id = b.platform_id AND o.at_label = 'before'
                             AND b.first_ok_at <= b.last_ok_at - to_days($days_back)
            WHERE {"list_contains($platforms::VARCHAR[], b.platform_id)" if platforms else "TRUE"}
            ORDER BY b.platform_id""",
        params,
    )


# -- pay trends -----------------------------------------------------------------------------------




def _weekly_quantiles_sql(t: TableRefs, value: str, currency: str, unit: str, where: str) -> str:
    """Weekly quartiles of `value` over the listings live at the end of each week.

    A version counts in week k if it was in force at the week's end (Monday 00:00 UTC after it;
    for the running week: at the last collection), i.e. valid_from <= end < valid_to. Each
    version's first and last such week is computed with integer maths and the versions are
    unnested over their weeks, with no join against a week spine. Weeks outside the platform's
    successful collections are dropped after aggregating.
    """
    return f"""
        WITH bounds AS (
            SELECT platform_id, min(epoch_us(started_at)) AS first_ok_us,
                   max(epoch_us(started_at)) AS last_ok_us
            FROM {t.collector_runs}
            WHERE status = 'ok' AND complete AND platform_id IS NOT NULL
            GROUP BY platform_id
        ),
        grid AS (
            SELECT max(epoch_us(started_at)) AS as_of_us FROM {t.collector_runs}
            WHERE status = 'ok' AND platform_id IS NOT NULL
        ),
        v AS (
            SELECT {PLATFORM_OF_VERSION} AS platform_id, {value} AS value, {currency} AS currency,
                   {unit} AS pay_unit, epoch_us(v.valid_from) AS vf, epoch_us(v.valid_to) AS vt
            FROM {_aliased(t.listing_versions, 'v')}
            WHERE {where}
        ),
        spans AS (
            SELECT v.platform_id, v.currency, v.pay_unit, v.value,
                   {_week_index('v.vf - 1')} AS k_first,
                   CASE WHEN v.vt IS NULL OR v.vt > g.as_of_us THEN {_week_index('g.as_of_us')}
                        ELSE {_week_index('v.vt - 1')} - 1 END AS k_last
            FROM v, grid g WHERE v.vf <= g.as_of_us
        ),
        live AS (
            SELECT platform_id, currency, pay_unit, value, unnest(generate_series(k_first, k_last)) AS k
            FROM spans WHERE k_last >= k_first
        ),
        weekly AS (
            SELECT k, platform_id, currency, pay_unit, count(*) AS n_listings,
                   quantile_cont(value, [0.25, 0.5, 0.75]) AS q
            FROM live GROUP BY ALL
        )
        SELECT make_timestamp(w.k * {WEEK_US} + {MONDAY_US})::DATE AS week_start,
               w.platform_id, w.currency, w.pay_unit, w.n_listings,
               w.q[2] AS median, w.q[1] AS p25, w.q[3] AS p75,
               make_timestamp(least((w.k + 1) * {WEEK_US} + {MONDAY_US}, g.as_of_us)) AS sampled_at
        FROM weekly w JOIN bounds b ON b.platform_id = w.platform_id, grid g
        WHERE (w.k + 1) * {WEEK_US} + {MONDAY_US} > b.first_ok_us
          AND w.k * {WEEK_US} + {MONDAY_US} <= b.last_ok_us
        ORDER BY w.platform_id, w.currency, w.pay_unit, week_start"""


def _weekly_stored_sql(t: TableRefs, series: Series, where: str, stored_where: str) -> str:
    """Weekly quartiles of one series for every platform, from `weekly_pay_quartiles`.

    That table holds each week sampled at its end, kept in step with the versions by every save
    (collectors/store/aggregates.py). A completed week's sample is the same whenever it is read;
    the running week is sampled at the last collection instead, which gives the same listings
    unless a run applied changes after it (a suspicious run after the last successful one): for
    such a platform the running week is sampled from the versions, as `_weekly_quantiles_sql`
    does. Same rows as `_weekly_quantiles_sql` with no filter but platforms (`where` on the
    versions `v`, `stored_where` on the stored rows `q`).
    """
    # The two small tables are each read once, whole: cheaper than a filtered scan per use.
    return f"""
        WITH runs AS MATERIALIZED (
            SELECT platform_id, status, complete, epoch_us(started_at) AS started_us
            FROM {t.collector_runs} WHERE platform_id IS NOT NULL
        ),
        bounds AS (
            SELECT platform_id, min(started_us) AS first_ok_us, max(started_us) AS last_ok_us
            FROM runs WHERE status = 'ok' AND complete GROUP BY platform_id
        ),
        grid AS (
            SELECT max(started_us) AS as_of_us, {_week_index('max(started_us)')} AS k_run
            FROM runs WHERE status = 'ok'
        ),
        unsettled AS (
            SELECT DISTINCT r.platform_id FROM runs r, grid g
            WHERE r.status = 'suspicious' AND r.started_us > g.as_of_us
        ),
        stored_all AS MATERIALIZED (SELECT * FROM {t.weekly_pay_quartiles}),
        stored AS (
            SELECT {_week_index('epoch_us(q.week_start::TIMESTAMP)')} AS k, q.platform_id,
                   q.currency, q.pay_unit, q.n_listings, q.median, q.p25, q.p75
            FROM stored_all q
            WHERE q.series = '{series.name}' AND {stored_where}
        ),
        resampled AS (
            SELECT g.k_run AS k, {PLATFORM_OF_VERSION} AS platform_id, {series.currency} AS currency,
                   {series.unit} AS pay_unit, count(*) AS n_listings,
                   quantile_cont({series.value}, [0.25, 0.5, 0.75]) AS q
            FROM {_aliased(t.listing_versions, 'v')}
            JOIN unsettled u ON u.platform_id = {PLATFORM_OF_VERSION}
            CROSS JOIN grid g
            WHERE {series.where} AND {where}
              AND epoch_us(v.valid_from) <= g.as_of_us
              AND (v.valid_to IS NULL OR epoch_us(v.valid_to) > g.as_of_us)
            GROUP BY ALL
        ),
        weekly AS (
            SELECT s.* FROM stored s, grid g
            WHERE s.k < g.k_run
               OR (s.k = g.k_run AND s.platform_id NOT IN (SELECT platform_id FROM unsettled))
            UNION ALL
            SELECT k, platform_id, currency, pay_unit, n_listings, q[2], q[1], q[3] FROM resampled
        )
        SELECT make_timestamp(w.k * {WEEK_US} + {MONDAY_US})::DATE AS week_start,
               w.platform_id, w.currency, w.pay_unit, w.n_listings, w.median, w.p25, w.p75,
               make_timestamp(least((w.k + 1) * {WEEK_US} + {MONDAY_US}, g.as_of_us)) AS sampled_at
        FROM weekly w JOIN bounds b ON b.platform_id = w.platform_id, grid g
        WHERE (w.k + 1) * {WEEK_US} + {MONDAY_US} > b.first_ok_us
          AND w.k * {WEEK_US} + {MONDAY_US} <= b.last_ok_us
        ORDER BY w.platform_id, w.currency, w.pay_unit, week_start"""


def _weekly_series(
    store: Store,
    snapshot_id: int | None,
    series: Series,
    *,
    platforms: Sequence[str],
    categories: Sequence[str],
    countries: Sequence[str],
    remote: Remote,
) -> pd.DataFrame:
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {}
    where = _version_filters(
        params, platforms=platforms, categories=categories, countries=countries, remote=remote,
        platform_expr=PLATFORM_OF_VERSION,
    )
    where += " AND " + _key_range(params, platforms)
    if not (categories or countries or remote != "any"):
        stored_where = "list_contains($platforms::VARCHAR[], q.platform_id)" if platforms else "TRUE"
        try:
            return store.read_df(_weekly_stored_sql(t, series, where, stored_where), params)
        except duckdb.CatalogException:
            pass  # a snapshot from before weekly_pay_quartiles existed
    sql = _weekly_quantiles_sql(t, series.value, series.currency, series.unit, f"{where} AND {series.where}")
    return store.read_df(sql, params)


def weekly_pay(
    store: Store,
    snapshot_id: int | None = None,
    *,
    platforms: Sequence[str] = (),
    categories: Sequence[str] = (),
    countries: Sequence[str] = (),
    remote: Remote = "any",
    currency_mode: CurrencyMode = "usd",
) -> pd.DataFrame:
    """Weekly median and interquartile range of advertised hourly pay, per platform.

    `currency_mode="usd"`: hourly USD equivalents of all time-based pay (conversion assumptions in
    `hourly_assumptions`). `"original"`: only listings that state an hourly rate, in the currency
    they state, one series per platform and currency, with no conversion at all.
    Columns: week_start, platform_id, currency, pay_unit, n_listings, median, p25, p75, sampled_at.
    Without category, country or remote filters the weeks come from `weekly_pay_quartiles`.
    """
    series = SERIES["hourly_original" if currency_mode == "original" else "hourly_usd"]
    return _weekly_series(store, snapshot_id, series, platforms=platforms, categories=categories,
                          countries=countries, remote=remote)


def weekly_unit_pay(
    store: Store,
    snapshot_id: int | None = None,
    *,
    platforms: Sequence[str] = (),
    categories: Sequence[str] = (),
    countries: Sequence[str] = (),
    remote: Remote = "any",
) -> pd.DataFrame:
    """Weekly quartiles of per-piece pay (task, item, minute of media), in its own unit and currency.

    Never converted to hourly: the time a task takes is not published. Same columns as `weekly_pay`.
    """
    return _weekly_series(store, snapshot_id, SERIES["per_unit"], platforms=platforms,
                          categories=categories, countries=countries, remote=remote)


def hourly_assumptions(
    store: Store, snapshot_id: int | None = None, *, platforms: Sequence[str] = ()
) -> pd.DataFrame:
    """How hourly USD figures were reached: per unit, currency and stated weekly hours, how many
    listing versions were converted that way, with one example of the assumptions recorded."""
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {}
    where = _version_filters(params, platforms=platforms, platform_expr=PLATFORM_OF_VERSION)
    return store.read_df(
        f"""SELECT v.pay_unit, v.pay_currency,
                   CASE WHEN v.pay_unit = 'hour' THEN 'not needed'
                        WHEN v.hours_per_week IS NULL THEN 'not stated (40 assumed)'
                        ELSE v.hours_per_week::VARCHAR END AS hours_per_week,
                   count(*) AS n_versions,
                   min(v.hourly_assumptions) AS example_assumptions
            FROM {_aliased(t.listing_versions, 'v')}
            WHERE (v.hourly_usd_min IS NOT NULL OR v.hourly_usd_max IS NOT NULL) AND {where}
            GROUP BY ALL ORDER BY n_versions DESC""",
        params,
    )


def minimum_wages(
    store: Store,
    snapshot_id: int | None = None,
    *,
    countries: Sequence[str] = (),
    csv_path: Path | None = None,
) -> pd.DataFrame:
    """The dated minimum-wage table, with an hourly USD equivalent at each effective date.

    Rows for `countries` (ISO codes; empty = all). Non-hourly minimums are put on the hourly axis
    with `HOURS_PER_UNIT` (stated in `hourly_basis`); currencies convert at the FX month of the
    effective date (the latest month on or before it). Columns: country, jurisdiction, effective_from,
    amount, currency, unit, source_url, verification ("official" when checked against a stored copy
    of the official page, else "unverified"), hourly_amount (own currency), hourly_usd, hourly_basis.
    """
    path = csv_path or MINIMUM_WAGES_CSV
    if not path.exists():
        return pd.DataFrame(
            columns=[
                "country", "jurisdiction", "effective_from", "amount", "currency", "unit",
                "source_url", "verification", "hourly_amount", "hourly_usd", "hourly_basis",
            ]
        )
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {"path": str(path)}
    where = "TRUE"
    if countries:
        params["countries"] = list(countries)
        where = "list_contains($countries::VARCHAR[], left(w.country, 2))"
    hours = " ".join(f"WHEN '{unit}' THEN {value}" for unit, value in HOURS_PER_UNIT.items())
    return store.read_df(
        f"""WITH w AS (
                SELECT country, jurisdiction, effective_from::DATE AS effective_from,
                       amount::DOUBLE AS amount, upper(currency) AS currency, lower(unit) AS unit,
                       source_url, verification
                FROM read_csv($path, header = true, all_varchar = true)
            ),
            fx AS (
                SELECT month, currency, usd_per_unit FROM {t.fx_rates}
                UNION ALL SELECT DATE '1900-01-01', 'USD', 1.0
            ),
            fx_first AS (SELECT currency, min(month) AS first_month FROM fx GROUP BY currency),
            w2 AS (
                SELECT w.*, greatest(w.effective_from, coalesce(f.first_month, w.effective_from))
                           AS fx_on
                FROM w LEFT JOIN fx_first f USING (currency)
            )
            SELECT w.country, w.jurisdiction, w.effective_from, w.amount, w.currency, w.unit,
                   w.source_url, coalesce(w.verification, 'unverified') AS verification,
                   w.amount / (CASE w.unit {hours} END) AS hourly_amount,
                   w.amount / (CASE w.unit {hours} END) * fx.usd_per_unit AS hourly_usd,
                   CASE WHEN w.unit = 'hour' THEN 'hourly rate as published'
                        ELSE 'per ' || w.unit || ' ÷ ' || (CASE w.unit {hours} END)::DECIMAL(8, 1)
                             || ' hours' END AS hourly_basis,
                   fx.month AS fx_month
            FROM w2 w
            ASOF LEFT JOIN fx ON fx.currency = w.currency AND fx.month <= w.fx_on
            WHERE {where} AND (CASE w.unit {hours} END) IS NOT NULL
            ORDER BY w.country, w.jurisdiction, w.effective_from""",
        params,
    )


def events(
    store: Store,
    snapshot_id: int | None = None,
    *,
    platforms: Sequence[str] = (),
    since: date | None = None,
) -> pd.DataFrame:
    """Dated, sourced platform events (for `platforms`, plus events that name no platform)."""
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {"since": since or date(1900, 1, 1)}
    where = "TRUE"
    if platforms:
        params["platforms"] = list(platforms)
        where = "(e.platform_id IS NULL OR list_contains($platforms::VARCHAR[], e.platform_id))"
    return store.read_df(
        f"""SELECT e.event_date, e.platform_id, coalesce(p.name, e.platform_id, 'all platforms') AS platform,
                   e.kind, e.title, e.figure_before, e.figure_after, e.date_precision,
                   e.source_url, e.is_demo, e.event_id
            FROM {_aliased(t.events, 'e')}
            LEFT JOIN (SELECT platform_id, any_value(name) AS name FROM {t.platforms}
                       GROUP BY platform_id) p USING (platform_id)
            WHERE {where} AND e.event_date >= $since
            ORDER BY e.event_date DESC, e.event_id""",
        params,
    )


def _key_range(params: dict[str, Any], platforms: Sequence[str], column: str = "v.listing_key") -> str:
    """SQL keeping the listing keys in `aggregates.key_range(platforms)`, so DuckDB skips other
    sources' files. Not exact with several platforms; the platform filter still applies."""
    if not platforms:
        return "TRUE"
    params["key_from"], params["key_to"] = key_range(platforms)
    return f"{column} >= $key_from AND {column} < $key_to"


def pay_changes(
    store: Store,
    snapshot_id: int | None = None,
    *,
    platforms: Sequence[str] = (),
    only_cuts: bool = False,
    limit: int = 500,
) -> pd.DataFrame:
    """Changes of advertised pay between consecutive versions of the same listing, newest first.

    A change is compared in the listing's own currency and unit when both versions use the same
    ones, otherwise in hourly USD. A cut is a fall of the midpoint. `still_open` says whether the
    listing is open in this snapshot. At most `limit` rows; every version is in Explore →
    Listing versions. Read from `listing_pay_changes`, which every save keeps in step
    (collectors/store/aggregates.py); a snapshot from before that table derives the same rows
    from its versions.
    """
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {"limit": limit}
    clauses = ["TRUE"]
    if platforms:
        params["platforms"] = list(platforms)
        clauses.append("list_contains($platforms::VARCHAR[], c.platform_id)")
    if only_cuts:
        clauses.append("c.after_value < c.before_value")

    def sql(changes: str) -> str:
        where = " AND ".join(clauses)
        return f"""WITH since AS (
                -- The time of the limit-th newest change: the changes since then are read (a time
                -- filter skips older files), then sorted. Changes share their run's start time:
                -- counting per time is cheaper than sorting them all.
                SELECT min(changed_at) AS changed_at FROM (
                    SELECT changed_at, sum(n) OVER (ORDER BY changed_at DESC ROWS UNBOUNDED PRECEDING) - n AS newer
                    FROM (SELECT c.changed_at, count(*) AS n FROM {_aliased(changes, "c")} WHERE {where} GROUP BY ALL))
                WHERE newer < $limit
            ),
            newest AS (
                SELECT * FROM {_aliased(changes, "c")}
                WHERE {where} AND c.changed_at >= (SELECT changed_at FROM since)
                ORDER BY c.changed_at DESC, c.listing_key LIMIT $limit
            )
            SELECT {_utc('c.changed_at')} AS changed_at, c.platform_id, c.title, c.pay_before, c.pay_after,
                   c.before_value, c.after_value,
                   CASE WHEN c.same_terms THEN coalesce(c.pay_currency, '?') || ' per ' || coalesce(c.pay_unit, '?')
                        ELSE 'USD per hour (equivalent)' END AS compared_in,
                   100 * (c.after_value - c.before_value) / c.before_value AS change_pct,
                   CASE WHEN c.after_value < c.before_value THEN 'cut' ELSE 'rise' END AS direction,
                   l.closed_at IS NULL AS still_open,
                   l.listing_key, l.url
            FROM newest c JOIN {_aliased(t.listings, 'l')} ON l.listing_key = c.listing_key
            ORDER BY changed_at DESC, l.listing_key"""

    try:
        return store.read_df(sql(t.listing_pay_changes), params)
    except duckdb.CatalogException:  # a snapshot from before listing_pay_changes existed
        return store.read_df(sql(f"({pay_change_rows_sql(f'(SELECT * FROM {t.listing_versions})')})"), params)


# -- work availability ----------------------------------------------------------------------------


def _listing_filter(params: dict[str, Any], platforms: Sequence[str], categories: Sequence[str]) -> str:
    clauses = ["TRUE"]
    if platforms:
        params["platforms"] = list(platforms)
        clauses.append("list_contains($platforms::VARCHAR[], l.platform_id)")
    if categories:
        # A listing's category is the one its first version was given.
        params["categories"] = list(categories)
        clauses.append(
            "l.listing_key IN (SELECT listing_key FROM {versions} "
            "WHERE version_no = 1 AND list_contains($categories::VARCHAR[], category))"
        )
    return " AND ".join(clauses)


def _open_per_day_sql(t: TableRefs, where: str, *, derived: bool = False) -> str:
    """Open listings at the end of each day, per platform, from a date spine and +1/-1 deltas.

    A listing is open from the day it was first seen until the day of the first complete
    collection it was absent from. The spine runs from each platform's first to its last
    successful complete collection: days after that are unknown, not zero.

    `derived`: the deltas come from `listing_daily_counts` (kept by every save, see
    collectors/store/aggregates.py) instead of every listing; only for a `where` on platforms.
    """
    where = where.format(versions=t.listing_versions)
    if derived:
        # Same deltas, counted at write time: a few thousand rows instead of every listing.
        deltas = f"""SELECT l.platform_id, (l.day - DATE '1970-01-01') AS day, sum(l.opened - l.closed) AS delta
                FROM {_aliased(t.listing_daily_counts, 'l')} WHERE {where} GROUP BY ALL"""
    else:
        # Days are counted as integers (days since 1970-01-01, UTC) until the end: date maths on
        # every listing costs more than the rest of the query.
        deltas = f"""SELECT platform_id, d AS day, sum(delta) AS delta FROM (
                SELECT l.platform_id, unnest([epoch_us(l.first_seen_at) // {DAY_US}, epoch_us(l.closed_at) // {DAY_US}]) AS d,
                       unnest([1, -1]) AS delta
                FROM {_aliased(t.listings, 'l')} WHERE {where})
            WHERE d IS NOT NULL GROUP BY ALL"""
    return f"""
        bounds AS ({_platform_bounds_sql(t)}),
        daily_delta AS (
            {deltas}
        ),
        spine AS (
            SELECT platform_id, epoch_us(first_ok_at) // {DAY_US} AS first_day,
                   unnest(range(epoch_us(first_ok_at) // {DAY_US}, epoch_us(last_ok_at) // {DAY_US} + 1)) AS day
            FROM bounds
            WHERE {"list_contains($platforms::VARCHAR[], platform_id)" if "$platforms" in where else "TRUE"}
        ),
        before_spine AS (
            SELECT d.platform_id, sum(d.delta) AS carried
            FROM daily_delta d JOIN bounds b USING (platform_id)
            WHERE d.day < epoch_us(b.first_ok_at) // {DAY_US} GROUP BY ALL
        ),
        open_per_day AS (
            SELECT s.platform_id, DATE '1970-01-01' + s.day::INTEGER AS day,
                   (coalesce(c.carried, 0)
                    + sum(coalesce(d.delta, 0)) OVER (PARTITION BY s.platform_id ORDER BY s.day))::BIGINT
                       AS open_listings
            FROM spine s
            LEFT JOIN daily_delta d ON d.platform_id = s.platform_id AND d.day = s.day
            LEFT JOIN before_spine c ON c.platform_id = s.platform_id
        )"""


def open_listings_daily(
    store: Store,
    snapshot_id: int | None = None,
    *,
    platforms: Sequence[str] = (),
    categories: Sequence[str] = (),
) -> pd.DataFrame:
    """Open listings at the end of each day, per platform. Columns: day, platform_id, open_listings.

    Without a category filter the rows come from `listing_open_days` (kept by every save) when they
    are current at the snapshot read; else from `listing_daily_counts`, or with a category filter
    or on a snapshot from before those tables, from the listings. Same rows every way
    (tests/test_view_rows.py, tests/test_daily_counts.py)."""
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {}
    where = _listing_filter(params, platforms, categories)
    if not categories:
        kept = _kept_view_rows(store, t.listing_open_days, "day, platform_id, open_listings", "platform_id, day",
                               t, platforms)
        if kept is not None:
            return kept
    return _open_per_day_read(
        store, lambda derived: f"""WITH {_open_per_day_sql(t, where, derived=derived)}
            SELECT day, platform_id, open_listings FROM open_per_day ORDER BY platform_id, day""",
        params, derived=not categories,
    )


def _kept_view_rows(
    store: Store, table: str, columns: str, order: str, t: TableRefs, platforms: Sequence[str]
) -> pd.DataFrame | None:
    """A view's rows as kept at write time (`listing_open_days`, `listing_weekly_flows`; see
    collectors/store/aggregates.py), or None when they cannot be trusted at this snapshot: the
    table is missing (a snapshot from before it), empty, or was written when the lake had fewer
    runs than now (a run recorded since may have moved a platform's bounds).

    One statement, so that the rows and the runs counted are of one snapshot. The newest
    `runs_seen` is taken over every row before the platform filter (a window over all rows, which
    also keeps the filter from being pushed into the scan: DuckLake would read per-file statistics
    from the catalog for it, which costs more than filtering a few thousand rows).
    """
    params: dict[str, Any] = {}
    where = platforms_filter(params, platforms, "platform_id")
    try:
        frame = store.read_df(
            f"""SELECT {columns}, newest_runs_seen = (SELECT {BOUND_RUNS_COUNT_SQL} FROM {t.collector_runs}) AS rows_current
                FROM (SELECT {columns}, max(runs_seen) OVER () AS newest_runs_seen FROM {table})
                WHERE {where} ORDER BY {order}""",
            params,
        )
    except duckdb.CatalogException:
        return None  # a snapshot from before the table existed
    if frame.empty or not bool(frame["rows_current"].iloc[0]):
        return None
    return frame.drop(columns="rows_current")


def _open_per_day_read(store: Store, sql: Callable[[bool], str], params: dict[str, Any], *, derived: bool) -> pd.DataFrame:
    """Read a view built on `_open_per_day_sql`, from `listing_daily_counts` when `derived` and
    the snapshot has that table, else from the listings."""
    if derived:
        try:
            return store.read_df(sql(True), params)
        except duckdb.CatalogException:
            pass  # a snapshot from before listing_daily_counts existed
    return store.read_df(sql(False), params)


def listing_flows_weekly(
    store: Store,
    snapshot_id: int | None = None,
    *,
    platforms: Sequence[str] = (),
    categories: Sequence[str] = (),
) -> pd.DataFrame:
    """New and closed listings per week and platform. Columns: week_start, platform_id,
    new_listings, closed_listings, complete_week (the week is wholly inside the collection period).
    Listings already open at a platform's first collection are not counted as new.

    Without a category filter the rows come from `listing_weekly_flows` (kept by every save) when
    they are current at the snapshot read; else the counts come from `listing_first_seen_counts`
    (new) and `listing_daily_counts` (closed); with a category filter, or on a snapshot from before
    those tables, from the listings. Same rows every way (tests/test_view_rows.py,
    tests/test_first_seen_counts.py)."""
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {}
    where = _listing_filter(params, platforms, categories).format(versions=t.listing_versions)
    if not categories:
        kept = _kept_view_rows(store, t.listing_weekly_flows,
                               "week_start, platform_id, new_listings, closed_listings, complete_week",
                               "platform_id, week_start", t, platforms)
        if kept is not None:
            return kept
        try:
            return store.read_df(_flows_sql(t, where, derived=True), params)
        except duckdb.CatalogException:
            pass  # a snapshot from before listing_first_seen_counts existed
    return store.read_df(_flows_sql(t, where, derived=False), params)


def _flows_sql(t: TableRefs, where: str, *, derived: bool) -> str:
    """`listing_flows_weekly`'s SQL: from the derived tables (`where` on platforms only) or the listings."""
    if derived:
        # Counted at write time: one row per platform and first-seen instant, and per day.
        flows = f"""SELECT l.platform_id, date_trunc('week', {_utc('l.first_seen_at')})::DATE AS week_start,
                   sum(l.n_listings) AS new_listings, 0 AS closed_listings
            FROM {_aliased(t.listing_first_seen_counts, 'l')}
            JOIN bounds b ON b.platform_id = l.platform_id AND {_utc('l.first_seen_at')} > b.first_ok_at
            WHERE {where}
            GROUP BY ALL
            UNION ALL
            SELECT l.platform_id, date_trunc('week', l.day)::DATE, 0, sum(l.closed)
            FROM {_aliased(t.listing_daily_counts, 'l')} WHERE {where} AND l.closed > 0 GROUP BY ALL"""
    else:
        flows = f"""WITH l AS (
                SELECT l.platform_id, {_utc('l.first_seen_at')} AS opened_at, {_utc('l.closed_at')} AS closed_at
                FROM {_aliased(t.listings, 'l')} WHERE {where})
            SELECT l.platform_id, date_trunc('week', l.opened_at)::DATE AS week_start,
                   count(*) AS new_listings, 0 AS closed_listings
            FROM l JOIN bounds b ON b.platform_id = l.platform_id AND l.opened_at > b.first_ok_at
            GROUP BY ALL
            UNION ALL
            SELECT platform_id, date_trunc('week', closed_at)::DATE, 0, count(*)
            FROM l WHERE closed_at IS NOT NULL GROUP BY ALL"""
    return f"""WITH bounds AS ({_platform_bounds_sql(t)}),
        flows AS (
            -- Listings seen by the first collection were open before it: not counted as new.
            {flows}
        )
        {WEEKLY_FLOWS_SELECT}
        ORDER BY f.platform_id, f.week_start"""


def availability_index(
    store: Store,
    snapshot_id: int | None = None,
    *,
    platforms: Sequence[str] = (),
    categories: Sequence[str] = (),
    baseline_weeks: int = 4,
) -> pd.DataFrame:
    """Weekly mean of daily open listings as an index, 100 = the first `baseline_weeks` complete
    weeks of each platform's collection (as labour-market trackers do).

    Only complete weeks (7 collected days) are indexed. Columns: week_start, platform_id,
    mean_open_listings, n_days, index_value, baseline_mean, baseline_from, baseline_to.
    """
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {"baseline_weeks": baseline_weeks}
    where = _listing_filter(params, platforms, categories)
    return _open_per_day_read(
        store, lambda derived: f"""WITH {_open_per_day_sql(t, where, derived=derived)},
            weekly AS (
                SELECT platform_id, date_trunc('week', day)::DATE AS week_start,
                       avg(open_listings) AS mean_open_listings, count(*) AS n_days
                FROM open_per_day GROUP BY ALL
            ),
            complete AS (
                SELECT *, row_number() OVER (PARTITION BY platform_id ORDER BY week_start) AS week_no
                FROM weekly WHERE n_days = 7
            ),
            baseline AS (
                SELECT platform_id, avg(mean_open_listings) AS baseline_mean,
                       min(week_start) AS baseline_from, max(week_start) + 6 AS baseline_to,
                       count(*) AS n_baseline_weeks
                FROM complete WHERE week_no <= $baseline_weeks GROUP BY platform_id
            )
            SELECT c.week_start, c.platform_id, c.mean_open_listings, c.n_days,
                   100 * c.mean_open_listings / nullif(b.baseline_mean, 0) AS index_value,
                   b.baseline_mean, b.baseline_from, b.baseline_to
            FROM complete c JOIN baseline b USING (platform_id)
            WHERE b.n_baseline_weeks = $baseline_weeks
            ORDER BY c.platform_id, c.week_start""",
        params, derived=not categories,
    )


def availability_change(
    store: Store,
    snapshot_id: int | None = None,
    *,
    platforms: Sequence[str] = (),
    categories: Sequence[str] = (),
    window_days: int = 91,
) -> pd.DataFrame:
    """Per platform: mean daily open listings and new listings in the last `window_days` up to
    the platform's last collection, against the `window_days` before ("is there less work than
    last quarter?"). Columns: platform_id, recent_from, recent_to, previous_from,
    mean_open_recent, mean_open_previous, change_pct, new_recent, new_previous, days_recent,
    days_previous. Without a category filter every count comes from `listing_daily_counts`."""
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {"window_days": window_days}
    where = _listing_filter(params, platforms, categories)
    return _open_per_day_read(store, lambda derived: _availability_change_sql(t, where, derived=derived),
                              params, derived=not categories)


def _availability_change_sql(t: TableRefs, where: str, *, derived: bool) -> str:
    """`availability_change`'s SQL: from `listing_daily_counts` (`where` on platforms only) or the listings."""
    if derived:
        first_days = (f"SELECT l.platform_id, l.day AS first_day, l.opened AS n "
                      f"FROM {_aliased(t.listing_daily_counts, 'l')} WHERE {where}")
    else:
        first_days = (f"SELECT l.platform_id, {_utc('l.first_seen_at')}::DATE AS first_day, 1 AS n "
                      f"FROM {_aliased(t.listings, 'l')} WHERE {where.format(versions=t.listing_versions)}")
    return f"""WITH {_open_per_day_sql(t, where, derived=derived)},
        w AS (
            SELECT o.platform_id, o.day, o.open_listings,
                   CASE WHEN o.day > b.last_ok_at::DATE - $window_days THEN 'recent'
                        WHEN o.day > b.last_ok_at::DATE - 2 * $window_days THEN 'previous' END
                       AS period,
                   b.last_ok_at::DATE AS last_day
            FROM open_per_day o JOIN bounds b USING (platform_id)
        ),
        first_days AS (
            {first_days}
        ),
        new AS (
            SELECT f.platform_id,
                   coalesce(sum(f.n) FILTER (WHERE f.first_day > b.last_ok_at::DATE - $window_days), 0)::BIGINT
                       AS new_recent,
                   coalesce(sum(f.n) FILTER (WHERE f.first_day <= b.last_ok_at::DATE - $window_days
                                             AND f.first_day > b.last_ok_at::DATE - 2 * $window_days), 0)::BIGINT
                       AS new_previous
            FROM first_days f JOIN bounds b USING (platform_id)
            GROUP BY f.platform_id
        )
        SELECT w.platform_id,
               any_value(w.last_day) - $window_days + 1 AS recent_from,
               any_value(w.last_day) AS recent_to,
               any_value(w.last_day) - 2 * $window_days + 1 AS previous_from,
               avg(open_listings) FILTER (WHERE period = 'recent') AS mean_open_recent,
               avg(open_listings) FILTER (WHERE period = 'previous') AS mean_open_previous,
               100 * (mean_open_recent - mean_open_previous) / nullif(mean_open_previous, 0)
                   AS change_pct,
               any_value(n.new_recent) AS new_recent,
               CASE WHEN count(*) FILTER (WHERE period = 'previous') = $window_days
                    THEN any_value(n.new_previous) END AS new_previous,
               count(*) FILTER (WHERE period = 'recent') AS days_recent,
               count(*) FILTER (WHERE period = 'previous') AS days_previous
        FROM w LEFT JOIN new n USING (platform_id)
        GROUP BY w.platform_id ORDER BY w.platform_id"""


def listing_lifetimes(
    store: Store,
    snapshot_id: int | None = None,
    *,
    platforms: Sequence[str] = (),
    categories: Sequence[str] = (),
) -> pd.DataFrame:
    """Per platform: median and quartiles of days from first seen to closed, over closed listings,
    and how many are still open (not counted: a known downward bias, said on the page)."""
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {}
    where = _listing_filter(params, platforms, categories).format(versions=t.listing_versions)
    columns = "platform_id, median_lifetime_days, p25_lifetime_days, p75_lifetime_days, n_closed, n_open"
    if not categories:
        # Kept by every save (collectors/store/aggregates.py): one row per platform.
        try:
            return store.read_df(
                f"SELECT {columns} FROM {_aliased(t.listing_lifetime_quartiles, 'l')} WHERE {where} ORDER BY platform_id",
                params,
            )
        except duckdb.CatalogException:
            pass  # a snapshot from before listing_lifetime_quartiles existed
    return store.read_df(f"SELECT {columns} FROM ({lifetime_rows_sql(t.listings, where)}) ORDER BY platform_id", params)


def forum_signals_weekly(
    store: Store,
    snapshot_id: int | None = None,
    *,
    platforms: Sequence[str] = (),
) -> pd.DataFrame:
    """Forum posts per week and platform that carry a signal (e.g. empty queue), by signal.

    Columns: week_start, platform_id, signal, n_posts. Empty when forum posts are not collected.
    """
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {}
    where = platforms_filter(params, platforms, "f.platform_id")
    return _unless_empty(
        store, t.forum_posts,
        lambda: store.read_df(
            f"""SELECT date_trunc('week', {_utc('f.created_at')})::DATE AS week_start,
                       coalesce(f.platform_id, 'unknown') AS platform_id,
                       trim(signal) AS signal, count(DISTINCT f.post_id) AS n_posts
                FROM (SELECT f.post_id, f.platform_id, f.created_at, unnest(f.signals) AS signal
                      FROM {_aliased(t.forum_posts, 'f')} WHERE {where}) f
                WHERE trim(signal) <> ''
                GROUP BY ALL ORDER BY week_start, platform_id, signal""",
            params,
        ),
        ["week_start", "platform_id", "signal", "n_posts"],
    )


def forum_posts(store: Store, snapshot_id: int | None = None) -> pd.DataFrame:
    """Forum posts that carry a signal, as published (links to public posts, scrubbed title
    excerpts, no usernames), from `collectors.store.reports.forum_signals`; newest first."""
    return _unless_missing(
        lambda: forum_signals(store, snapshot_id=snapshot_id),
        ["post_id", "subreddit", "platform_id", "created_at", "url", "signals"],
    )


# -- payment delays -------------------------------------------------------------------------------


MIN_REPORTS = MIN_GROUP_SIZE  # groups of fewer approved reports are suppressed
DelayGrouping = Literal["platform", "month", "payment_method"]


PREVIEW_ROWS = 10_000  # rows a page shows and offers for download; `gigwatch export` gives all

# Report figures are never pinned to a snapshot: every view reads the latest publication, so a
# withdrawn or rejected report leaves them at every `?snapshot=` too (see
# collectors/store/reports/public.py). `snapshot_id` is accepted and ignored for that reason.
_GROUPINGS: dict[DelayGrouping, str] = {"platform": "platform", "month": "month", "payment_method": "payment_method"}


def payment_reports(
    store: Store, snapshot_id: int | None = None, *, platforms: Sequence[str] = (),
    limit: int | None = PREVIEW_ROWS,
) -> pd.DataFrame:
    """The published payment-report figures (no report rows exist in public): one row per grouping
    (platform, month pay was due, payment method) and group, suppressed groups without numbers."""
    frame = all_figures(store)
    if platforms:
        frame = frame[frame["platform_id"].isin(list(platforms))]
    frame = frame.drop(columns=["published_at"], errors="ignore").reset_index(drop=True)
    return frame if limit is None else frame.head(limit)


def delay_summary(
    store: Store,
    snapshot_id: int | None = None,
    *,
    by: DelayGrouping = "platform",
    platforms: Sequence[str] = (),
) -> pd.DataFrame:
    """Time-to-payment per platform (and month the pay was due, or payment method), as published:
    Kaplan-Meier medians, intervals and shares unpaid after 30/60/90 days over binned follow-up days.

    Suppressed groups (fewer than `MIN_REPORTS` independent reports, or hidden so that one cannot
    be recovered by subtraction) come back with `suppressed=True`, no numbers and a note.
    Columns: platform_id, [month | payment_method], and `delays.SUMMARY_COLUMNS`.
    """
    return published_figures(store, _GROUPINGS[by], platforms=platforms)


def delay_curves(
    store: Store, snapshot_id: int | None = None, *, platforms: Sequence[str] = ()
) -> pd.DataFrame:
    """Kaplan-Meier curves per platform (share still unpaid by days after the due date), long
    format: platform_id, n_reports, days, at_risk, paid, censored, survival, ci_lower, ci_upper.
    Only platforms whose figures are published (`delay_summary` says which are suppressed)."""
    return delays.curves_from_risk_sets(published_risk_sets(store, platforms=platforms), "platform_id")


def report_delay_figures(
    store: Store, snapshot_id: int | None = None, *, platforms: Sequence[str] = (),
    source_class: str | None = None,
) -> pd.DataFrame:
    """Issue 14's time-to-payment figures per platform, as published: the Turnbull
    (interval-censored) median as a range, shares paid within 30/60/90 days, counts per reason a
    report gives no delay, per verification tier and grievance kind, incidents, and
    `missing_reason` / `missing_detail` for every missing figure. `source_class` (worker_report,
    union_import, public_record) gives that class's figures alone; None all classes together.
    Not pinned to a snapshot (see collectors/store/reports/public.py)."""
    from collectors.store.reports.public import published_delay_figures

    if source_class is None:
        return published_delay_figures(store, "delay_platform", platforms=platforms)
    frame = published_delay_figures(store, "delay_source_class", platforms=platforms)
    return frame[frame["group_value"] == source_class].reset_index(drop=True)


def report_source_classes(store: Store) -> list[str]:
    """The source classes some published delay figure has (for the page's filter)."""
    from collectors.store.reports.public import published_delay_figures

    return sorted(set(published_delay_figures(store, "delay_source_class")["group_value"].dropna()))


def report_source_classes_frame(store: Store, snapshot_id: int | None = None) -> pd.DataFrame:
    """`report_source_classes` as a one-column frame (source_class), for the page's cached query."""
    return pd.DataFrame({"source_class": report_source_classes(store)})


def report_pay_figures(
    store: Store, snapshot_id: int | None = None, *, platforms: Sequence[str] = (), by_work_type: bool = False,
) -> pd.DataFrame:
    """Effective hourly pay from reports (amount received / all hours worked, paid and unpaid) per
    platform, or per platform and kind of work, as published, with n and suppression."""
    from collectors.store.reports.public import published_pay_figures

    return published_pay_figures(store, "pay_work_type" if by_work_type else "pay_platform", platforms=platforms)


def report_incidents(store: Store, snapshot_id: int | None = None, *, platforms: Sequence[str] = ()) -> pd.DataFrame:
    """Mass incidents as dated events (title, kind, platform, date, source link); counted first,
    as most lakes record none (`_unless_empty`)."""
    from collectors.store.reports.public import (
        INCIDENT_COLUMNS,
        INCIDENTS_TABLE,
        published_incidents,
    )

    return _unless_empty(store, f"{LAKE}.{INCIDENTS_TABLE}", lambda: published_incidents(store, platforms=platforms),
                         INCIDENT_COLUMNS)


# -- sources and health ---------------------------------------------------------------------------


def sources_health(store: Store, snapshot_id: int | None = None, *, window_days: int = 30) -> pd.DataFrame:
    """Every source: its last run, status, items, last success, its latest error (and when), and
    failed / suspicious runs in the `window_days` before the lake's "as of". Sources known only
    from their runs are included."""
    t = store.refs(snapshot_id)
    return store.read_df(
        f"""WITH runs AS MATERIALIZED (
                SELECT source_name, platform_id, run_kind, epoch_us(started_at) AS started_us, status,
                       items_count, error
                FROM {t.collector_runs}
            ),
            window_start AS (
                SELECT coalesce(max(started_us) FILTER (WHERE status = 'ok' AND platform_id IS NOT NULL), 0)
                       - $window_days::BIGINT * 86400000000 AS since_us
                FROM runs
            ),
            r AS (
                SELECT source_name,
                       arg_max(platform_id, started_us) AS platform_id,
                       arg_max(run_kind, started_us) AS run_kind,
                       make_timestamp(max(started_us)) AS last_run_at,
                       arg_max(status, started_us) AS last_status,
                       arg_max(items_count, started_us) AS last_items,
                       arg_max(error, started_us) AS last_error,
                       make_timestamp(max(started_us) FILTER (WHERE error IS NOT NULL)) AS last_error_at,
                       make_timestamp(max(started_us) FILTER (WHERE status = 'ok')) AS last_ok_at,
                       count(*) AS runs_total,
                       count(*) FILTER (WHERE started_us > w.since_us) AS runs_window,
                       count(*) FILTER (WHERE status = 'failed' AND started_us > w.since_us) AS failed_window,
                       count(*) FILTER (WHERE status = 'suspicious' AND started_us > w.since_us)
                           AS suspicious_window
                FROM runs, window_start w GROUP BY source_name
            ),
            s AS (
                SELECT source_name, arg_max(platform_id, updated_at) AS platform_id,
                       arg_max(kind, updated_at) AS kind, arg_max(url, updated_at) AS url,
                       arg_max(enabled, updated_at) AS enabled,
                       arg_max(interval_hours, updated_at) AS interval_hours
                FROM {t.sources} GROUP BY source_name
            )
            SELECT coalesce(s.source_name, r.source_name) AS source_name,
                   coalesce(s.platform_id, r.platform_id) AS platform_id,
                   coalesce(s.kind, r.run_kind) AS kind,
                   s.url, s.enabled, s.interval_hours,
                   r.last_run_at, coalesce(r.last_status, 'never run') AS last_status,
                   r.last_items, r.last_ok_at, r.last_error, r.last_error_at,
                   coalesce(r.runs_total, 0) AS runs_total,
                   coalesce(r.runs_window, 0) AS runs_window,
                   coalesce(r.failed_window, 0) AS failed_window,
                   coalesce(r.suspicious_window, 0) AS suspicious_window
            FROM s FULL OUTER JOIN r USING (source_name)
            ORDER BY (last_status = 'ok'), source_name""",
        {"window_days": window_days},
    )


ARCHIVE_CAPTURE_COLUMNS = ["captured_at", "platform_id", "source_name", "capture_kind", "link", "live_from"]
ARCHIVE_COVERAGE_COLUMNS = ["source_name", "platform_id", "capture_kind", "captures", "used", "unparseable",
                            "first_capture_at", "last_capture_at", "live_from"]


def _live_from_sql(t: TableRefs) -> str:
    return (f"(SELECT source_name, min({_utc('started_at')}) AS live_from FROM {t.collector_runs} "
            "WHERE run_kind = 'listings' GROUP BY source_name)")


def archive_captures(
    store: Store, snapshot_id: int | None = None, *, platforms: Sequence[str] = ()
) -> pd.DataFrame:
    """Every backfilled capture (or commit) that was used, with its link and when live collection
    of its source began: what the charts mark as resting on archives."""
    t = store.refs(snapshot_id)

    def read() -> pd.DataFrame:
        return store.read_df(
            f"""SELECT {_utc('a.captured_at')} AS captured_at, a.platform_id, a.source_name, a.capture_kind,
                       coalesce(a.capture_url, a.repo || ' @ ' || a.commit_sha || ' : ' || a.path) AS link,
                       l.live_from
                FROM {_aliased(t.archive_captures, 'a')} LEFT JOIN {_live_from_sql(t)} l USING (source_name)
                WHERE a.outcome = 'used' AND (len($platforms::VARCHAR[]) = 0
                      OR list_contains($platforms::VARCHAR[], a.platform_id))
                ORDER BY a.captured_at""",
            {"platforms": list(platforms)},
        )

    return _unless_empty(store, t.archive_captures, read, ARCHIVE_CAPTURE_COLUMNS, "outcome = 'used'")


def archive_coverage(store: Store, snapshot_id: int | None = None) -> pd.DataFrame:
    """Per source and kind of archive: captures kept, used, unparseable, first and last, and when
    live collection began (Sources and health)."""
    t = store.refs(snapshot_id)

    def read() -> pd.DataFrame:
        return store.read_df(
            f"""SELECT a.source_name, any_value(a.platform_id) AS platform_id, a.capture_kind,
                       count(*) AS captures, count(*) FILTER (WHERE a.outcome = 'used') AS used,
                       count(*) FILTER (WHERE a.outcome <> 'used') AS unparseable,
                       min({_utc('a.captured_at')}) AS first_capture_at, max({_utc('a.captured_at')}) AS last_capture_at,
                       any_value(l.live_from) AS live_from
                FROM {_aliased(t.archive_captures, 'a')} LEFT JOIN {_live_from_sql(t)} l USING (source_name)
                GROUP BY a.source_name, a.capture_kind ORDER BY a.source_name, a.capture_kind"""
        )

    return _unless_empty(store, t.archive_captures, read, ARCHIVE_COVERAGE_COLUMNS)


def problem_runs(
    store: Store, snapshot_id: int | None = None, *, sources: Sequence[str] = (), limit: int = 200
) -> pd.DataFrame:
    """Failed and suspicious runs, newest first."""
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {"limit": limit}
    where = "TRUE"
    if sources:
        params["sources"] = list(sources)
        where = "list_contains($sources::VARCHAR[], source_name)"
    return store.read_df(
        f"""SELECT {_utc('started_at')} AS started_at, source_name, platform_id, run_kind, status,
                   complete, items_count, error, run_id
            FROM {t.collector_runs}
            WHERE status IN ('failed', 'suspicious') AND {where}
            ORDER BY started_at DESC LIMIT $limit""",
        params,
    )


def listing_raw_responses(
    store: Store, snapshot_id: int | None = None, *, listing_key: str = ""
) -> pd.DataFrame:
    """The kept raw responses of the runs that recorded each version of one listing."""
    t = store.refs(snapshot_id)
    return store.read_df(
        f"""SELECT v.version_no, {_utc('v.valid_from')} AS valid_from, r.url,
                   {_utc('r.fetched_at')} AS fetched_at, r.http_status, r.content_type,
                   r.body_bytes, r.not_modified, r.content_sha256, r.run_id
            FROM {_aliased(t.listing_versions, 'v')}
            JOIN {_aliased(t.raw_responses, 'r')} ON r.run_id = v.run_id
            WHERE v.listing_key = $key
            ORDER BY v.version_no, r.fetched_at""",
        {"key": listing_key},
    )


# -- explore and download -------------------------------------------------------------------------


def listings_table(
    store: Store,
    snapshot_id: int | None = None,
    *,
    platforms: Sequence[str] = (),
    categories: Sequence[str] = (),
    status: Literal["any", "open", "closed"] = "any",
    search: str = "",
    limit: int = 5000,
) -> pd.DataFrame:
    """Listings with their latest version's title, category, place and pay; newest first.

    Without filters on the version (category, title), the newest `limit` listings are picked
    first and only their versions are read; with them, every listing's latest version is.
    """
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {"limit": limit}
    listing_clauses = ["TRUE"]
    if platforms:
        params["platforms"] = list(platforms)
        listing_clauses.append("list_contains($platforms::VARCHAR[], l.platform_id)")
    if status == "open":
        listing_clauses.append("l.closed_at IS NULL")
    elif status == "closed":
        listing_clauses.append("l.closed_at IS NOT NULL")
    version_clauses = ["TRUE"]
    if categories:
        params["categories"] = list(categories)
        version_clauses.append("list_contains($categories::VARCHAR[], v.category)")
    if search.strip():
        params["search"] = f"%{search.strip()}%"
        version_clauses.append("v.title ILIKE $search")
    version_filtered = len(version_clauses) > 1
    candidates = (
        f"SELECT * FROM {_aliased(t.listings, 'l')} WHERE {' AND '.join(listing_clauses)}"
        if version_filtered else
        f"""SELECT * FROM {_aliased(t.listings, 'l')} WHERE {' AND '.join(listing_clauses)}
            ORDER BY l.first_seen_at DESC, l.listing_key LIMIT $limit"""
    )
    return store.read_df(
        # A listing's versions all begin at or after it was first seen, so only versions that
        # began since the oldest candidate was first seen are read (a time filter skips old files).
        f"""WITH l AS MATERIALIZED ({candidates}),
            v AS (
                SELECT v.* FROM {_aliased(t.listing_versions, 'v')}
                WHERE v.listing_key IN (SELECT listing_key FROM l) AND {_key_range(params, platforms)}
                  AND v.valid_from >= (SELECT min(first_seen_at) FROM l)
                QUALIFY row_number() OVER (PARTITION BY v.listing_key ORDER BY v.version_no DESC) = 1
            )
            SELECT l.listing_key, l.platform_id, v.title, v.category, v.location, v.country,
                   v.is_remote, v.employment_type, v.pay_text, v.pay_min, v.pay_max, v.pay_currency,
                   v.pay_unit, v.hourly_usd_min, v.hourly_usd_max, v.hourly_assumptions,
                   {_utc('l.first_seen_at')} AS first_seen_at, {_utc('l.closed_at')} AS closed_at,
                   v.version_no AS versions, l.url, l.source_name
            FROM l JOIN v ON v.listing_key = l.listing_key
            WHERE {" AND ".join(version_clauses)}
            ORDER BY l.first_seen_at DESC, l.listing_key
            LIMIT $limit""",
        params,
    )


def listing_versions_table(
    store: Store,
    snapshot_id: int | None = None,
    *,
    platforms: Sequence[str] = (),
    listing_key: str = "",
    limit: int = 5000,
) -> pd.DataFrame:
    """Listing versions (one row per change), newest first."""
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {"limit": limit}
    where = _version_filters(params, platforms=platforms, platform_expr=PLATFORM_OF_VERSION)
    if listing_key:
        params["key"] = listing_key
        where += " AND v.listing_key = $key"
    return store.read_df(
        f"""SELECT v.listing_key, {PLATFORM_OF_VERSION} AS platform_id, v.version_no, {_utc('v.valid_from')} AS valid_from,
                   {_utc('v.valid_to')} AS valid_to, v.title, v.category, v.location, v.country,
                   v.is_remote, v.pay_text, v.pay_min, v.pay_max, v.pay_currency, v.pay_unit,
                   v.hourly_usd_min, v.hourly_usd_max, v.hourly_assumptions, v.run_id
            FROM {_aliased(t.listing_versions, 'v')}
            WHERE {where}
            ORDER BY v.valid_from DESC, v.listing_key, v.version_no DESC
            LIMIT $limit""",
        params,
    )


def count_rows(
    store: Store,
    snapshot_id: int | None = None,
    *,
    table: Literal["listings", "listing_versions", "events", "payment_reports"] = "listings",
    platforms: Sequence[str] = (),
) -> pd.DataFrame:
    """How many rows a table has for `platforms` (so a truncated download can say so)."""
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {}
    where = platforms_filter(params, platforms, "x.platform_id")
    source = {
        "listings": f"{_aliased(t.listings, 'x')}",
        "listing_versions": f"{_aliased(t.listing_versions, 'v')} JOIN {_aliased(t.listings, 'x')} USING (listing_key)",
        "events": f"{_aliased(t.events, 'x')}",
        # the published figure rows (no report rows are public)
        "payment_reports": f"(SELECT platform_id FROM {LAKE}.report_figures) x",
    }[table]
    return store.read_df(f"SELECT count(*) AS n_rows FROM {source} WHERE {where}", params)


def snapshot_times(store: Store, snapshot_id: int | None = None, *, limit: int = 50) -> pd.DataFrame:
    """The lake's latest snapshots (what a permalink can pin), newest first."""
    params: dict[str, Any] = {"limit": limit, "upto": snapshot_id if snapshot_id is not None else 2**62}
    return store.read_df(
        f"""SELECT snapshot_id, {_utc('snapshot_time')} AS snapshot_time
            FROM ducklake_snapshots('{LAKE}') WHERE snapshot_id <= $upto
            ORDER BY snapshot_id DESC LIMIT $limit""",
        params,
    )



# -- moderation (the Admin page; never cached, never public) ---------------------------------------


def moderation_queue(store: Store, *, include_decided: bool = False) -> pd.DataFrame:
    """Reports awaiting a decision, from the private vault (moderators only: holds report text)."""
    from collectors.store.reports import moderation_queue as queue

    return queue(store, include_decided=include_decided)


def report_events(store: Store) -> pd.DataFrame:
    """Mass incidents and how many stored reports each has (moderators)."""
    from collectors.store.reports import list_events

    return list_events(store)


def audit_entries(store: Store, *, limit: int = 200) -> pd.DataFrame:
    """The moderation audit log, newest first (moderators)."""
    from collectors.store.reports import audit_log

    return audit_log(store, limit=limit)


# -- collection breaks (issue 18) ------------------------------------------------------------------

OUTAGE_MIN_HOURS = 72  # a gap between successful runs longer than this (and 3 intervals) is an outage
STOPPED_AFTER_DAYS = 7  # a source with no run for this long before the lake's last run has stopped


def collection_events(
    store: Store, snapshot_id: int | None = None, *, platforms: Sequence[str] = ()
) -> pd.DataFrame:
    """Collection breaks derived from the runs, as dated events of kind "collection": a source
    added after its platform's first, a source no longer collected, a long outage (no successful
    run for more than 3 days and 3 intervals), a backfill (runs of kind archive or git). Same
    columns as `events`, plus `what` (added, stopped, outage, backfill) and `source_name`; the
    event's "source" is its runs (source_url names the health page)."""
    t = store.refs(snapshot_id)
    params: dict[str, Any] = {"outage_s": OUTAGE_MIN_HOURS * 3600, "stopped_s": STOPPED_AFTER_DAYS * 86400}
    where = "TRUE"
    if platforms:
        params["platforms"] = list(platforms)
        where = "list_contains($platforms::VARCHAR[], b.platform_id)"
    return store.read_df(
        f"""WITH runs AS MATERIALIZED (
                SELECT source_name, platform_id, run_kind, epoch(started_at) AS at_s, status
                FROM {t.collector_runs}
                WHERE platform_id IS NOT NULL AND platform_id <> ''
                  AND (run_kind IN ('listings', 'forum') OR run_kind LIKE '%backfill%' OR run_kind LIKE '%archive%' OR run_kind = 'git')
            ),
            live AS (SELECT * FROM runs WHERE run_kind IN ('listings', 'forum')),
            spans AS (
                SELECT source_name, arg_min(platform_id, at_s) AS platform_id, min(at_s) AS first_s, max(at_s) AS last_s
                FROM live GROUP BY source_name
            ),
            platform_first AS (SELECT platform_id, min(first_s) AS p_first FROM spans GROUP BY platform_id),
            lake_last AS (SELECT max(at_s) AS last_s FROM live WHERE status = 'ok'),
            intervals AS (
                SELECT source_name, arg_max(interval_hours, updated_at) AS interval_hours
                FROM {t.sources} GROUP BY source_name
            ),
            gaps AS (
                SELECT source_name, platform_id, at_s,
                       lag(at_s) OVER (PARTITION BY source_name ORDER BY at_s) AS prev_s
                FROM live WHERE status = 'ok'
            ),
            breaks AS (
                SELECT s.first_s AS at_s, s.platform_id, s.source_name, 'added' AS what,
                       'Source added: ' || s.source_name || ' (series may jump)' AS title
                FROM spans s JOIN platform_first p USING (platform_id)
                WHERE s.first_s > p.p_first + 86400
                UNION ALL
                SELECT s.last_s, s.platform_id, s.source_name, 'stopped',
                       'Source no longer collected: ' || s.source_name
                FROM spans s, lake_last l WHERE s.last_s < l.last_s - $stopped_s
                UNION ALL
                SELECT g.prev_s, g.platform_id, g.source_name, 'outage',
                       'No successful collection from ' || g.source_name || ' for '
                       || CAST(round((g.at_s - g.prev_s) / 86400.0, 1) AS VARCHAR) || ' days'
                FROM gaps g LEFT JOIN intervals i USING (source_name)
                WHERE g.prev_s IS NOT NULL
                  AND g.at_s - g.prev_s > greatest($outage_s, 3 * 3600 * coalesce(i.interval_hours, 24))
                UNION ALL
                SELECT min(at_s), any_value(platform_id), source_name, 'backfill',
                       'Backfill: ' || CAST(count(*) AS VARCHAR) || ' archived run(s) of ' || source_name
                FROM runs WHERE run_kind LIKE '%backfill%' OR run_kind LIKE '%archive%' OR run_kind = 'git'
                GROUP BY source_name
            )
            SELECT CAST(to_timestamp(b.at_s) AT TIME ZONE 'UTC' AS DATE) AS event_date, b.platform_id,
                   coalesce(p.name, b.platform_id) AS platform, 'collection' AS kind, b.title,
                   NULL::VARCHAR AS figure_before, NULL::VARCHAR AS figure_after, 'day' AS date_precision,
                   'health' AS source_url, coalesce(p.is_demo, FALSE) AS is_demo,
                   'collection-' || b.what || '-' || b.source_name || '-'
                       || strftime(to_timestamp(b.at_s) AT TIME ZONE 'UTC', '%Y%m%d') AS event_id,
                   b.what, b.source_name
            FROM breaks b
            LEFT JOIN (SELECT platform_id, any_value(name) AS name, bool_or(is_demo) AS is_demo
                       FROM {t.platforms} GROUP BY platform_id) p USING (platform_id)
            WHERE {where}
            ORDER BY event_date, event_id""",
        params,
    )
