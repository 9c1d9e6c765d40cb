"""Derived tables that follow the listing history, so dashboard views need not rescan all of it.

`weekly_pay_quartiles`: per platform and week, the quartiles of advertised pay over the listings
live at the end of the week (Monday 00:00 UTC after it), for the three series the pay trends page
draws. It is rewritten from the listing versions in the same transaction that writes them
(`refresh_weekly_pay`, called by `collectors.store.listings`), so every DuckLake snapshot that has
the table agrees with its own versions and a pinned permalink still rebuilds the same chart.
`dashboard.queries.weekly_pay` reads it for unfiltered views and computes filtered ones from the
versions, with the same definitions (`SERIES`).

`listing_pay_changes`: every edit of a listing that changed its advertised pay, with the pay before
and after (`pay_change_rows_sql`). Versions are only ever appended (a rebuild rewrites a whole
source), so each save adds the rows of the versions it wrote (`record_pay_changes`);
`dashboard.queries.pay_changes` reads the newest of them.

`listing_daily_counts`, `listing_lifetime_quartiles` and `listing_first_seen_counts`: listings
opened and closed per platform and day, lifetime quartiles per platform, and listings per platform
and instant first seen. Each save that opens, closes or reopens a listing rewrites its platform's
rows from the listings (`refresh_daily_counts`); the work availability views read them.

`listing_open_days` and `listing_weekly_flows`: the rows `dashboard.queries.open_listings_daily`
and `listing_flows_weekly` return, rewritten by every listing save (`refresh_view_rows`) and
trusted by the views only at a snapshot with as many runs as when they were written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from collectors.store import LAKE

if TYPE_CHECKING:  # listings imports this module
    from collectors.store.listings import RunRecord

TABLE = "weekly_pay_quartiles"
TIME_UNITS = ("hour", "day", "week", "month", "year")
PIECE_UNITS = ("task", "item", "minute")
HOURLY_MID = (
    "CASE WHEN v.hourly_usd_min IS NOT NULL AND v.hourly_usd_max IS NOT NULL "
    "THEN (v.hourly_usd_min + v.hourly_usd_max) / 2 "
    "ELSE coalesce(v.hourly_usd_min, v.hourly_usd_max) END"
)
PAY_MID = (
    "CASE WHEN v.pay_min IS NOT NULL AND v.pay_max IS NOT NULL "
    "THEN (v.pay_min + v.pay_max) / 2 ELSE coalesce(v.pay_min, v.pay_max) END"
)
# The platform of a listing version without a join: listing keys are `platform|source|external_id`
# (collectors.history.listing_key) and platform ids never contain "|".
PLATFORM_OF_VERSION = "split_part(v.listing_key, '|', 1)"

# Days and weeks in epoch microseconds (integer maths); weeks are numbered from the first Monday
# after the epoch.
DAY_US = 86_400 * 1_000_000
WEEK_US = 7 * DAY_US
MONDAY_US = 4 * DAY_US  # 1970-01-05


def key_range(platforms: Sequence[str]) -> tuple[str, str]:
    """[from, to): a range of listing keys that holds every key of `platforms`. Keys are
    `platform|source|external_id` and "}" sorts right after "|", so DuckDB can check the range
    against each file's key statistics and skip other sources' files. Exact for one platform."""
    return f"{min(platforms)}|", f"{max(platforms)}}}"


def platforms_filter(params: dict[str, Any], platforms: Sequence[str], column: str) -> str:
    """SQL: `column` is one of `platforms`, bound as `$platforms` in `params`; TRUE when none are given."""
    if not platforms:
        return "TRUE"
    params["platforms"] = list(platforms)
    return f"list_contains($platforms::VARCHAR[], {column})"


def week_of(epoch_us: str) -> str:
    """SQL: the Monday-based week number of a UTC instant given in epoch microseconds."""
    return f"(({epoch_us}) - {MONDAY_US}) // {WEEK_US}"


@dataclass(frozen=True, slots=True)
class Series:
    """Which listing versions a weekly pay series takes, and what it takes from each (SQL over `v`)."""

    name: str
    where: str
    value: str
    currency: str
    unit: str


SERIES = {
    # Hourly USD equivalents of all time-based pay.
    "hourly_usd": Series("hourly_usd", f"v.pay_unit IN {TIME_UNITS} AND {HOURLY_MID} IS NOT NULL",
                         HOURLY_MID, "'USD'", "'hour'"),
    # Stated hourly rates in the currency stated, unconverted.
    "hourly_original": Series(
        "hourly_original",
        f"v.pay_unit = 'hour' AND v.pay_currency IS NOT NULL AND {PAY_MID} IS NOT NULL",
        PAY_MID, "v.pay_currency", "'hour'",
    ),
    # Per-piece pay (task, item, minute of media) in its own unit and currency.
    "per_unit": Series("per_unit", f"v.pay_unit IN {PIECE_UNITS} AND {PAY_MID} IS NOT NULL",
                       PAY_MID, "coalesce(v.pay_currency, 'unknown')", "v.pay_unit"),
}

INSERT = (f"INSERT INTO {LAKE}.{TABLE} "
          "(week_start, platform_id, series, currency, pay_unit, n_listings, median, p25, p75)")
CREATE_TABLE = f"""CREATE TABLE {LAKE}.{TABLE} (
    week_start DATE NOT NULL,          -- Monday (UTC); sampled at the end of the week
    platform_id VARCHAR NOT NULL,
    series VARCHAR NOT NULL,           -- hourly_usd | hourly_original | per_unit
    currency VARCHAR NOT NULL,
    pay_unit VARCHAR NOT NULL,
    n_listings BIGINT NOT NULL,
    median DOUBLE NOT NULL,
    p25 DOUBLE NOT NULL,
    p75 DOUBLE NOT NULL
)"""


def _quartile_rows_sql(*, one_platform: bool, from_week: bool = False) -> str:
    """SELECT of the table's rows, from the listing versions: for every platform with a
    successful complete collection (or `$platform` only), for every week (or the weeks from the
    one numbered `$from_week`, which ends at `$from_week_end`) up to the platform's last successful
    complete collection.

    A version counts in week k when it was in force at the week's end E: valid_from <= E <
    valid_to, as in `dashboard.queries.weekly_pay`; a version still current counts up to the last
    week. Each version is unnested over its weeks with integer maths, with no week spine.
    """
    version_clauses = ["TRUE"]
    run_clauses = ["status = 'ok'", "complete", "platform_id IS NOT NULL"]
    if one_platform:
        version_clauses.append(
            f"v.listing_key >= $key_from AND v.listing_key < $key_to AND {PLATFORM_OF_VERSION} = $platform"
        )
        run_clauses.append("platform_id = $platform")
    k_from = week_of("s.vf - 1")
    if from_week:
        # A version that ended by the end of the first week asked for counts in none of them.
        version_clauses.append("(v.valid_to IS NULL OR v.valid_to > $from_week_end)")
        k_from = f"greatest({k_from}, $from_week)"
    series = "\n            UNION ALL\n            ".join(
        f"""SELECT v.platform_id, '{s.name}' AS series, {s.currency} AS currency, {s.unit} AS pay_unit,
                   {s.value} AS value, v.vf, v.vt
            FROM v WHERE {s.where}"""
        for s in SERIES.values()
    )
    return f"""
        WITH last_weeks AS (
            SELECT platform_id, {week_of('max(epoch_us(started_at))')} AS k_last
            FROM {LAKE}.collector_runs WHERE {' AND '.join(run_clauses)}
            GROUP BY platform_id
        ),
        v AS MATERIALIZED (
            SELECT {PLATFORM_OF_VERSION} AS platform_id, v.pay_unit, v.pay_currency, v.pay_min,
                   v.pay_max, v.hourly_usd_min, v.hourly_usd_max,
                   epoch_us(v.valid_from) AS vf, epoch_us(v.valid_to) AS vt
            FROM {LAKE}.listing_versions v WHERE {' AND '.join(version_clauses)}
        ),
        series AS (
            {series}
        ),
        spans AS (
            SELECT s.platform_id, s.series, s.currency, s.pay_unit, s.value, {k_from} AS k_from,
                   CASE WHEN s.vt IS NULL THEN w.k_last
                        ELSE least({week_of('s.vt - 1')} - 1, w.k_last) END AS k_to
            FROM series s JOIN last_weeks w USING (platform_id)
        ),
        live AS (
            SELECT platform_id, series, currency, pay_unit, value,
                   unnest(generate_series(k_from, k_to)) AS k
            FROM spans WHERE k_to >= k_from
        ),
        weekly AS (
            SELECT k, platform_id, series, currency, pay_unit, count(*) AS n_listings,
                   quantile_cont(value, [0.25, 0.5, 0.75]) AS q
            FROM live GROUP BY ALL
        )
        SELECT make_timestamp(k * {WEEK_US} + {MONDAY_US})::DATE AS week_start, platform_id,
               series, currency, pay_unit, n_listings, q[2] AS median, q[1] AS p25, q[3] AS p75
        FROM weekly"""


def _platform_params(platform_id: str) -> dict[str, object]:
    key_from, key_to = key_range([platform_id])
    return {"platform": platform_id, "key_from": key_from, "key_to": key_to}


def _rewrite_platform(cur: duckdb.DuckDBPyConnection, platform_id: str) -> None:
    """Replace every week of one platform with what its versions give."""
    cur.execute(f"DELETE FROM {LAKE}.{TABLE} WHERE platform_id = ?", [platform_id])
    cur.execute(f"{INSERT} {_quartile_rows_sql(one_platform=True)}", _platform_params(platform_id))


def backfill_weekly_pay(cur: duckdb.DuckDBPyConnection) -> None:
    """Fill the table from all the history (the migration that creates it)."""
    cur.execute(f"DELETE FROM {LAKE}.{TABLE}")
    cur.execute(f"{INSERT} {_quartile_rows_sql(one_platform=False)}")


def _week_number(at: datetime) -> int:
    epoch_us = (at.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    return (epoch_us - MONDAY_US) // WEEK_US


def refresh_weekly_pay(
    cur: duckdb.DuckDBPyConnection,
    *,
    platform_id: str,
    source_name: str,
    runs: Sequence[RunRecord],
    rebuild: bool,
    versions_changed: bool = True,
) -> None:
    """Rewrite the weeks a save of `source_name` may have changed; call it in the save's transaction.

    A save changes history only at the start times of its runs that were applied (status ok or
    suspicious): a version in force at a week's end E can change only through a run at or before
    E, so the weeks from the first such run's on are recomputed, together with any week since the
    last one stored (the series runs on while nothing changes). A save that wrote or ended no
    version only adds the weeks its runs reached, if any. A rebuild (`gigwatch reparse`) may have
    changed any week of the platform, and of any platform the source's runs were recorded for.
    """
    if rebuild:
        platforms = {platform_id} | {
            row[0] for row in cur.execute(
                f"SELECT DISTINCT platform_id FROM {LAKE}.collector_runs WHERE source_name = ? AND platform_id IS NOT NULL",
                [source_name],
            ).fetchall()
        }
        for platform in sorted(p for p in platforms if p):
            _rewrite_platform(cur, platform)
        return
    applied = [run.started_at for run in runs if run.status in ("ok", "suspicious")]
    if not platform_id or not applied:
        return  # failed runs change nothing
    row = cur.execute(
        f"""SELECT max(week_start), count(*) - count(DISTINCT (week_start, series, currency, pay_unit))
            FROM {LAKE}.{TABLE} WHERE platform_id = ?""",
        [platform_id],
    ).fetchone()
    if row and row[1]:
        # Two writers that refreshed a platform for the first time at once (PostgreSQL catalogs:
        # neither deleted a row, so DuckLake saw no conflict) each added its weeks. The next save
        # of the platform rewrites all of them from the versions, which by then hold both saves.
        _rewrite_platform(cur, platform_id)
        return
    last_stored = _week_number(datetime.combine(row[0], datetime.min.time(), UTC)) if row and row[0] else None
    if not versions_changed and last_stored is not None and last_stored >= _week_number(max(applied)):
        return  # every week up to this save's is stored, and none of them changed
    # From the week whose end is the first at or after the earliest change, or from the last week
    # stored if that is earlier: the weeks since then have not been stored yet (nothing changed in
    # them, but the platform's later collections carry the series on), and rewriting a row that
    # exists makes two writers refreshing one platform at once (PostgreSQL catalogs) delete the
    # same row, so that DuckLake has one of them retry.
    from_week = _week_number(min(applied) - timedelta(microseconds=1))
    if last_stored is not None:
        from_week = min(from_week, last_stored)
    first_start = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=from_week * WEEK_US + MONDAY_US)
    cur.execute(f"DELETE FROM {LAKE}.{TABLE} WHERE platform_id = ? AND week_start >= ?",
                [platform_id, first_start.date()])
    cur.execute(
        f"{INSERT} {_quartile_rows_sql(one_platform=True, from_week=True)}",
        {**_platform_params(platform_id), "from_week": from_week, "from_week_end": first_start + timedelta(weeks=1)},
    )


# -- pay changes ----------------------------------------------------------------------------------

PAY_CHANGES_TABLE = "listing_pay_changes"
CREATE_PAY_CHANGES = f"""CREATE TABLE {LAKE}.{PAY_CHANGES_TABLE} (
    listing_key VARCHAR NOT NULL,
    version_no INTEGER NOT NULL,       -- the version that changed the pay (compared with version_no - 1)
    platform_id VARCHAR NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,   -- valid_from of that version
    title VARCHAR,
    pay_before VARCHAR,                -- pay_text of both versions, as advertised
    pay_after VARCHAR,
    same_terms BOOLEAN NOT NULL,       -- same currency and unit: compared in them, else in hourly USD
    pay_currency VARCHAR,
    pay_unit VARCHAR,
    before_value DOUBLE NOT NULL,      -- midpoints compared (> 0 before, and different)
    after_value DOUBLE NOT NULL
)"""


def pay_change_rows_sql(versions: str, edits: str | None = None, previous_where: str = "TRUE") -> str:
    """SELECT of `listing_pay_changes` rows from the listing versions `versions` (a table
    reference): for every edit (a version after the first) of `edits` (rows shaped like
    listing_versions; by default `versions` itself), compared with the version before it, which
    is looked up among the `versions` that `previous_where` (SQL over `v`) keeps.

    An edit is compared with the version before it, in the listing's own currency and unit when
    both versions use the same ones, otherwise in hourly USD; an edit whose compared midpoints are
    unknown, zero before, or equal is no pay change.
    """
    columns = f"v.listing_key, v.version_no, v.pay_text, v.pay_currency, v.pay_unit, {PAY_MID} AS pay_mid, {HOURLY_MID} AS hourly_mid"
    return f"""
        WITH a AS MATERIALIZED (
            SELECT {columns}, v.valid_from, v.title, {PLATFORM_OF_VERSION} AS platform_id
            FROM {edits or versions} v WHERE v.version_no > 1
        ),
        b AS (
            SELECT {columns} FROM {versions} v
            SEMI JOIN a ON a.listing_key = v.listing_key AND a.version_no - 1 = v.version_no
            WHERE {previous_where}
        ),
        c AS (
            SELECT a.*, b.pay_text AS before_text,
                   (a.pay_currency IS NOT DISTINCT FROM b.pay_currency
                    AND a.pay_unit IS NOT DISTINCT FROM b.pay_unit) AS same_terms,
                   CASE WHEN same_terms THEN b.pay_mid ELSE b.hourly_mid END AS before_value,
                   CASE WHEN same_terms THEN a.pay_mid ELSE a.hourly_mid END AS after_value
            FROM a JOIN b ON b.listing_key = a.listing_key AND b.version_no = a.version_no - 1
        )
        SELECT listing_key, version_no, platform_id, valid_from AS changed_at, title,
               before_text AS pay_before, pay_text AS pay_after, same_terms, pay_currency, pay_unit,
               before_value, after_value
        FROM c
        WHERE before_value > 0 AND after_value IS NOT NULL AND after_value <> before_value"""


def backfill_pay_changes(cur: duckdb.DuckDBPyConnection) -> None:
    """Fill the table from all the history (the migration that creates it)."""
    cur.execute(f"DELETE FROM {LAKE}.{PAY_CHANGES_TABLE}")
    # In time order, so that each file's time statistics let the newest changes be found quickly.
    cur.execute(f"INSERT INTO {LAKE}.{PAY_CHANGES_TABLE} SELECT * FROM ({pay_change_rows_sql(f'{LAKE}.listing_versions')}) "
                "ORDER BY changed_at")


def record_pay_changes(cur: duckdb.DuckDBPyConnection, new_versions: pd.DataFrame) -> None:
    """Add the pay changes among `new_versions` (rows of one source just inserted into
    listing_versions, in the same transaction; call it after the insert). The edits are read from
    the rows in hand; the versions before them, within the range of the edits' listing keys (one
    source's keys share their `platform|source|` start, so DuckDB skips other sources' files)."""
    if new_versions.empty:
        return
    edits = new_versions[new_versions["version_no"] > 1]
    if edits.empty:
        return
    cur.register("_edits", edits)
    try:
        cur.execute(
            f"""INSERT INTO {LAKE}.{PAY_CHANGES_TABLE} {pay_change_rows_sql(
                f'{LAKE}.listing_versions', '_edits', 'v.listing_key >= $key_from AND v.listing_key <= $key_to',
            )}""",
            {"key_from": edits["listing_key"].min(), "key_to": edits["listing_key"].max()},
        )
    finally:
        cur.unregister("_edits")


def forget_pay_changes(cur: duckdb.DuckDBPyConnection, source_name: str) -> None:
    """Drop a source's pay changes before its history is rebuilt (call it while its listings are there)."""
    cur.execute(
        f"""DELETE FROM {LAKE}.{PAY_CHANGES_TABLE} WHERE listing_key IN
            (SELECT listing_key FROM {LAKE}.listings WHERE source_name = ?)""",
        [source_name],
    )


# -- listings opened and closed per day -----------------------------------------------------------

DAILY_COUNTS_TABLE = "listing_daily_counts"
def daily_count_rows_sql(listings: str, where: str = "TRUE") -> str:
    """SELECT of `listing_daily_counts` rows from a listings table reference (alias `l`; a pinned
    `AT (VERSION => n)` one too), filtered by `where`.

    Days are integers (days since 1970-01-01, UTC) until the end, as `dashboard.queries` counts
    them: date maths on every listing costs more than the rest.
    """
    return f"""
        SELECT platform_id, DATE '1970-01-01' + d::INTEGER AS day,
               count(*) FILTER (WHERE delta = 1) AS opened, count(*) FILTER (WHERE delta = -1) AS closed
        FROM (SELECT l.platform_id,
                     unnest([epoch_us(l.first_seen_at) // {DAY_US}, epoch_us(l.closed_at) // {DAY_US}]) AS d,
                     unnest([1, -1]) AS delta
              FROM {_aliased(listings)} WHERE {where})
        WHERE d IS NOT NULL GROUP BY ALL"""


LIFETIMES_TABLE = "listing_lifetime_quartiles"
def lifetime_rows_sql(listings: str, where: str = "TRUE") -> str:
    """SELECT of `listing_lifetime_quartiles` rows (one per platform) from a listings table
    reference (alias `l`), filtered by `where`: `dashboard.queries.listing_lifetimes` runs it too.

    Integer microseconds (interval maths is slow); an open listing's lifetime is NULL, which the
    quantiles skip. One sort per platform gives the three quartiles.
    """
    lifetime = f"(epoch_us(l.closed_at) - epoch_us(l.first_seen_at)) / {DAY_US}"
    return f"""
        SELECT platform_id, q[2] AS median_lifetime_days, q[1] AS p25_lifetime_days,
               q[3] AS p75_lifetime_days, n_closed, n_open
        FROM (SELECT l.platform_id, quantile_cont({lifetime}, [0.25, 0.5, 0.75]) AS q,
                     count(l.closed_at) AS n_closed, count(*) - count(l.closed_at) AS n_open
              FROM {_aliased(listings)} WHERE {where}
              GROUP BY l.platform_id)"""


FIRST_SEEN_TABLE = "listing_first_seen_counts"
def first_seen_rows_sql(listings: str, where: str = "TRUE") -> str:
    """SELECT of `listing_first_seen_counts` rows from a listings table reference (alias `l`),
    filtered by `where`: how many listings each platform first saw at each instant (a run's start).

    Kept to the instant, not the day, because `dashboard.queries.listing_flows_weekly` counts as
    new only the listings first seen after the platform's first collection, to the microsecond.
    """
    return f"""
        SELECT l.platform_id, l.first_seen_at, count(*) AS n_listings
        FROM {_aliased(listings)} WHERE {where} GROUP BY ALL"""


def _aliased(listings: str) -> str:
    """`listings` as `l`; a pinned reference (`AT (VERSION => n)`) takes its alias outside a subquery."""
    return f"(SELECT * FROM {listings}) l" if " AT " in listings else f"{listings} l"


def _rewrite_daily_counts(cur: duckdb.DuckDBPyConnection, platforms: Sequence[str]) -> None:
    """Rewrite the three tables of `platforms` from their listings, read once for all three (each
    read of a lake table costs the catalog's list of its files, whatever it returns)."""
    params = {"platforms": list(platforms)}
    where = "list_contains($platforms::VARCHAR[], platform_id)"
    listings = cur.execute(
        f"SELECT platform_id, first_seen_at, closed_at FROM {LAKE}.listings WHERE {where}", params
    ).fetch_arrow_table()
    cur.register("_platform_listings", listings)
    try:
        for table, columns, rows_sql in (
            (DAILY_COUNTS_TABLE, "(platform_id, day, opened, closed)", daily_count_rows_sql),
            (LIFETIMES_TABLE, "", lifetime_rows_sql),
            (FIRST_SEEN_TABLE, "(platform_id, first_seen_at, n_listings)", first_seen_rows_sql),
        ):
            cur.execute(f"DELETE FROM {LAKE}.{table} WHERE {where}", params)
            cur.execute(f"INSERT INTO {LAKE}.{table} {columns} {rows_sql('_platform_listings')}")
    finally:
        cur.unregister("_platform_listings")


def refresh_daily_counts(
    cur: duckdb.DuckDBPyConnection, *, platform_id: str, source_name: str, rebuild: bool, listings_changed: bool
) -> None:
    """Rewrite the days (`listing_daily_counts`), lifetimes (`listing_lifetime_quartiles`) and
    first sightings (`listing_first_seen_counts`) of the platforms a save may have changed; call it
    in the save's transaction.

    A platform's rows are rewritten whole from its listings (a few thousand rows to count), so
    every snapshot that has the table agrees with its own listings. A save that opened, closed or
    reopened no listing changes nothing. A rebuild (`gigwatch reparse`) may have moved listings of
    any platform the source's runs were recorded for. Two first saves of one platform at once
    (PostgreSQL catalogs) may both insert; the platform's next save rewrites it whole.
    """
    platforms = {platform_id} if platform_id and (listings_changed or rebuild) else set()
    if rebuild:
        platforms |= {
            row[0] for row in cur.execute(
                f"SELECT DISTINCT platform_id FROM {LAKE}.collector_runs WHERE source_name = ? AND platform_id IS NOT NULL",
                [source_name],
            ).fetchall()
        }
    if any(platforms):
        _rewrite_daily_counts(cur, sorted(p for p in platforms if p))
    # Every save records runs, which may move a platform's bounds: the view rows follow each time.
    refresh_view_rows(cur, {p for p in platforms | {platform_id} if p})


# -- the two work availability views, row for row ---------------------------------------------------

# `dashboard.queries.open_listings_daily` and `listing_flows_weekly` (without a category filter),
# kept at write time as the rows they return, so that reading one is a plain scan. Both also depend
# on each platform's first and last successful complete collection, which any write of a run may
# move (backfilled archive captures, forum runs), not only the listing saves that call
# `refresh_daily_counts`. So every row carries `runs_seen`, the number of successful complete runs
# of a platform the refresh that wrote it saw (`BOUND_RUNS_COUNT_SQL`), and a view uses the rows
# only when the newest `runs_seen` equals that count at the snapshot read (`collector_runs` is
# append-only: equal counts mean the same runs).
# Every refresh first rewrites each platform whose stored bounds no longer match the runs, so at
# the commit that wrote the newest `runs_seen` every platform's rows were current.
OPEN_DAYS_TABLE = "listing_open_days"
WEEKLY_FLOWS_TABLE = "listing_weekly_flows"
# The runs `runs_seen` counts: those that can move a platform's bounds (`_platform_bounds`). A run of no
# platform (a report import, a reference-data load) changes neither view, so it does not send them
# back to computing from the listings. As an aggregate FILTER, not a WHERE: DuckLake would read
# per-file statistics from the catalog for a filter pushed into the scan.
BOUND_RUNS_COUNT_SQL = "count(*) FILTER (WHERE status = 'ok' AND complete AND platform_id IS NOT NULL)"


def open_day_rows_sql(daily_counts: str, bounds: str, where: str = "TRUE") -> str:
    """SELECT of `listing_open_days` rows (without `runs_seen`) for the platforms `where` (over
    `platform_id`) keeps, from `listing_daily_counts` and the platforms' `bounds` (a relation shaped
    like `_platform_bounds`'s rows, read once per save): open listings at the end of
    each day of each platform's collection, as `dashboard.queries.open_listings_daily` counts them
    (a date spine from the first to the last successful complete collection, +1/-1 deltas, the
    deltas from before the spine carried into its first day)."""
    return f"""
        WITH bounds AS (SELECT * FROM {bounds} WHERE {where}),
        daily_delta AS (
            SELECT platform_id, (day - DATE '1970-01-01') AS day, sum(opened - closed) AS delta
            FROM (SELECT * FROM {daily_counts}) WHERE {where} GROUP BY ALL
        ),
        spine AS (
            SELECT platform_id, first_ok_at, last_ok_at,
                   unnest(range(epoch_us(first_ok_at) // {DAY_US}, epoch_us(last_ok_at) // {DAY_US} + 1)) AS day
            FROM bounds
        ),
        before_spine AS (
            SELECT d.platform_id, sum(d.delta) AS carried
            FROM daily_delta d JOIN bounds b USING (platform_id)
            WHERE d.day < epoch_us(b.first_ok_at) // {DAY_US} GROUP BY ALL
        )
        SELECT s.platform_id, DATE '1970-01-01' + s.day::INTEGER AS day,
               (coalesce(c.carried, 0)
                + sum(coalesce(d.delta, 0)) OVER (PARTITION BY s.platform_id ORDER BY s.day))::BIGINT
                   AS open_listings,
               s.first_ok_at, s.last_ok_at
        FROM spine s
        LEFT JOIN daily_delta d ON d.platform_id = s.platform_id AND d.day = s.day
        LEFT JOIN before_spine c ON c.platform_id = s.platform_id"""


# The weekly flows from CTEs `flows` (platform_id, week_start, new_listings, closed_listings) and
# `bounds` (platform_id, first_ok_at, last_ok_at): kept rows and `dashboard.queries` alike.
WEEKLY_FLOWS_SELECT = """SELECT f.week_start, f.platform_id,
               sum(f.new_listings)::BIGINT AS new_listings,
               sum(f.closed_listings)::BIGINT AS closed_listings,
               (f.week_start > any_value(b.first_ok_at)::DATE
                AND f.week_start + 6 <= any_value(b.last_ok_at)::DATE) AS complete_week
        FROM flows f LEFT JOIN bounds b USING (platform_id)
        GROUP BY f.week_start, f.platform_id"""


def weekly_flow_rows_sql(first_seen: str, daily_counts: str, bounds: str, where: str = "TRUE") -> str:
    """SELECT of `listing_weekly_flows` rows (without `runs_seen`) for the platforms `where` (over
    `platform_id`) keeps, from `listing_first_seen_counts`, `listing_daily_counts` and the
    platforms' `bounds` (as in `open_day_rows_sql`): new and closed listings per week, as `dashboard.queries.listing_flows_weekly` counts them
    (new only after the platform's first collection, to the microsecond)."""
    return f"""
        WITH bounds AS (SELECT * FROM {bounds} WHERE {where}),
        flows AS (
            SELECT l.platform_id, date_trunc('week', make_timestamp(epoch_us(l.first_seen_at)))::DATE AS week_start,
                   sum(l.n_listings) AS new_listings, 0 AS closed_listings
            FROM (SELECT * FROM {first_seen} WHERE {where}) l
            JOIN bounds b ON b.platform_id = l.platform_id AND make_timestamp(epoch_us(l.first_seen_at)) > b.first_ok_at
            GROUP BY ALL
            UNION ALL
            SELECT platform_id, date_trunc('week', day)::DATE, 0, sum(closed)
            FROM (SELECT * FROM {daily_counts}) WHERE {where} AND closed > 0 GROUP BY ALL
        )
        {WEEKLY_FLOWS_SELECT}"""


def _platform_bounds(cur: duckdb.DuckDBPyConnection) -> tuple[int, Any]:
    """(`runs_seen` now: `BOUND_RUNS_COUNT_SQL` over the runs; every platform's first and last
    successful complete collection, as naive UTC timestamps (as
    `dashboard.queries._platform_bounds_sql`), in an Arrow table of platform_id, first_ok_at,
    last_ok_at and the two in epoch microseconds), from one read of the runs."""
    bounds = cur.execute(
        f"""SELECT platform_id, first_ok_at, last_ok_at, sum(n_runs) OVER () AS runs_seen,
                   epoch_us(first_ok_at) AS first_us, epoch_us(last_ok_at) AS last_us
            FROM (SELECT platform_id,
                         min(make_timestamp(epoch_us(started_at))) FILTER (WHERE status = 'ok' AND complete) AS first_ok_at,
                         max(make_timestamp(epoch_us(started_at))) FILTER (WHERE status = 'ok' AND complete) AS last_ok_at,
                         {BOUND_RUNS_COUNT_SQL} AS n_runs
                  FROM {LAKE}.collector_runs GROUP BY platform_id)
            WHERE platform_id IS NOT NULL AND first_ok_at IS NOT NULL"""
    ).fetch_arrow_table()
    runs_seen = int(bounds.column("runs_seen")[0].as_py()) if bounds.num_rows else 0
    return runs_seen, bounds.drop_columns(["runs_seen"])  # with first_us, last_us: epoch microseconds


def _stale_view_platforms(cur: duckdb.DuckDBPyConnection, bounds: Any) -> tuple[set[str], set[str]]:
    """(platforms with a successful complete collection, platforms whose stored view rows do not
    match `bounds` (`_platform_bounds`): other bounds, or rows twice after two first refreshes at
    once)."""
    live: dict[str, tuple[int, int] | None] = {
        platform: (first, last) for platform, first, last in zip(
            *(bounds.column(c).to_pylist() for c in ("platform_id", "first_us", "last_us")), strict=True)
    }
    stored: dict[str, tuple[int, int] | None] = {}
    doubled: set[str] = set()
    for kind, platform, first, last, unique in cur.execute(
        f"""SELECT 'days', platform_id, epoch_us(min(first_ok_at)), epoch_us(min(last_ok_at)),
                   count(*) = count(DISTINCT day) AND min(first_ok_at) = max(first_ok_at)
                   AND min(last_ok_at) = max(last_ok_at)
            FROM {LAKE}.{OPEN_DAYS_TABLE} GROUP BY platform_id
            UNION ALL
            SELECT 'weeks', platform_id, NULL, NULL, count(*) = count(DISTINCT week_start)
            FROM {LAKE}.{WEEKLY_FLOWS_TABLE} GROUP BY platform_id"""
    ).fetchall():
        if kind == "days":
            stored[platform] = (first, last) if unique else None
        elif not unique:
            doubled.add(platform)
    stale = {p for p in live.keys() | stored.keys() if live.get(p) != stored.get(p)} | doubled
    return set(live), stale


def refresh_view_rows(cur: duckdb.DuckDBPyConnection, platforms: set[str]) -> None:
    """Rewrite the view rows of `platforms` (whose listings a save may have changed) and of every
    platform whose collection bounds moved since its rows were written; call it in the save's
    transaction, after `listing_daily_counts` and `listing_first_seen_counts` are current.

    The rows written carry the number of runs this transaction sees, so at least one platform's
    rows are rewritten every time (the views trust the rows only when that number is current).
    The runs and the daily counts are read once, for both tables."""
    runs_seen, bounds = _platform_bounds(cur)
    collected, stale = _stale_view_platforms(cur, bounds)
    rewrite = set(platforms) | stale
    if collected and not rewrite & collected:
        rewrite.add(min(collected))  # a save of a platform not yet collected completely
    if not rewrite:
        return
    params = {"platforms": sorted(rewrite), "runs_seen": runs_seen}
    where = "list_contains($platforms::VARCHAR[], platform_id)"
    days = cur.execute(f"SELECT * FROM {LAKE}.{DAILY_COUNTS_TABLE} WHERE {where}",
                       {"platforms": params["platforms"]}).fetch_arrow_table()
    cur.register("_bounds", bounds.select(["platform_id", "first_ok_at", "last_ok_at"]))
    cur.register("_days", days)
    try:
        cur.execute(f"DELETE FROM {LAKE}.{OPEN_DAYS_TABLE} WHERE {where}", {"platforms": params["platforms"]})
        cur.execute(
            f"""INSERT INTO {LAKE}.{OPEN_DAYS_TABLE}
                    (platform_id, day, open_listings, first_ok_at, last_ok_at, runs_seen)
                SELECT *, $runs_seen FROM ({open_day_rows_sql('_days', '_bounds', where)})
                ORDER BY platform_id, day""",
            params,
        )
        cur.execute(f"DELETE FROM {LAKE}.{WEEKLY_FLOWS_TABLE} WHERE {where}", {"platforms": params["platforms"]})
        cur.execute(
            f"""INSERT INTO {LAKE}.{WEEKLY_FLOWS_TABLE}
                    (week_start, platform_id, new_listings, closed_listings, complete_week, runs_seen)
                SELECT *, $runs_seen FROM ({weekly_flow_rows_sql(
                    f'{LAKE}.{FIRST_SEEN_TABLE}', '_days', '_bounds', where)})
                ORDER BY platform_id, week_start""",
            params,
        )
    finally:
        cur.unregister("_bounds")
        cur.unregister("_days")
