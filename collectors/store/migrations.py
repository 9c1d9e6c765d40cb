"""Migrations: an append-only list of named steps, each recorded in `lake.migrations` once applied.

Never edit or reorder a step that has shipped: add a new one at the end. A step's SQL is written
out in the step, never taken from another module (that module's SQL may change, a shipped step may
not); tests/test_migrations.py holds a checksum of every shipped step. DuckLake tables have no
primary keys or indexes; uniqueness is kept by the code that writes (see the other store modules).
The steps are also the one definition of a table's columns: `arrow_schema` reads them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pyarrow as pa

L = "lake"


@dataclass(frozen=True, slots=True)
class Migration:
    name: str
    statements: tuple[str, ...] = ()
    function: Callable[[duckdb.DuckDBPyConnection], None] | None = None

    def apply(self, cur: duckdb.DuckDBPyConnection) -> None:
        for statement in self.statements:
            cur.execute(statement)
        if self.function is not None:
            self.function(cur)


def _move_reports_to_vault(cur: duckdb.DuckDBPyConnection) -> None:
    """Step 0006's data move. Its code is frozen in collectors/store/reports/legacy.py (imported
    here, late, because the reports package imports this module)."""
    from collectors.store.reports import legacy

    legacy.move_reports_to_vault(cur)


MIGRATIONS: list[Migration] = [
    Migration(
        "0001_core_tables",
        (
            f"CREATE TABLE IF NOT EXISTS {L}.migrations (name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)",
            f"CREATE TABLE {L}.lake_meta (key VARCHAR NOT NULL, value VARCHAR NOT NULL)",
            f"""CREATE TABLE {L}.platforms (
                platform_id VARCHAR NOT NULL,      -- slug, e.g. 'outlier'
                name VARCHAR NOT NULL,
                parent_company VARCHAR,
                website VARCHAR,
                is_demo BOOLEAN NOT NULL,
                run_id VARCHAR NOT NULL
            )""",
            f"""CREATE TABLE {L}.sources (
                source_name VARCHAR NOT NULL,
                platform_id VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,             -- format module, e.g. 'greenhouse'
                url VARCHAR NOT NULL,
                interval_hours DOUBLE NOT NULL,
                enabled BOOLEAN NOT NULL,
                notes VARCHAR,
                updated_at TIMESTAMPTZ NOT NULL,
                run_id VARCHAR NOT NULL
            )""",
            f"""CREATE TABLE {L}.collector_runs (
                run_id VARCHAR NOT NULL,
                source_name VARCHAR NOT NULL,
                platform_id VARCHAR,
                run_kind VARCHAR NOT NULL,         -- listings | forum | import | demo | events
                started_at TIMESTAMPTZ NOT NULL,
                finished_at TIMESTAMPTZ NOT NULL,
                status VARCHAR NOT NULL,           -- ok | failed | suspicious
                complete BOOLEAN NOT NULL,         -- every page fetched and parsed
                items_count INTEGER NOT NULL,
                error VARCHAR
            )""",
            f"""CREATE TABLE {L}.raw_responses (
                content_sha256 VARCHAR NOT NULL,   -- body kept at raw/<sha[:2]>/<sha>.gz
                url VARCHAR NOT NULL,
                fetched_at TIMESTAMPTZ NOT NULL,
                http_status INTEGER NOT NULL,
                content_type VARCHAR,
                body_bytes BIGINT NOT NULL,
                not_modified BOOLEAN NOT NULL,
                etag VARCHAR,
                last_modified VARCHAR,
                run_id VARCHAR NOT NULL
            )""",
            f"""CREATE TABLE {L}.listings (
                listing_key VARCHAR NOT NULL,      -- platform|source|external_id
                platform_id VARCHAR NOT NULL,
                source_name VARCHAR NOT NULL,
                external_id VARCHAR NOT NULL,
                url VARCHAR,
                first_seen_at TIMESTAMPTZ NOT NULL,
                last_seen_at TIMESTAMPTZ,          -- set when closed; open listings: the source's last ok run
                closed_at TIMESTAMPTZ,             -- first complete scrape it was absent from
                run_id VARCHAR NOT NULL            -- the run that first saw it
            )""",
            f"""CREATE TABLE {L}.listing_versions (
                listing_key VARCHAR NOT NULL,
                version_no INTEGER NOT NULL,
                valid_from TIMESTAMPTZ NOT NULL,
                valid_to TIMESTAMPTZ,              -- NULL while current
                title VARCHAR NOT NULL,
                category VARCHAR NOT NULL,
                department VARCHAR,
                location VARCHAR,
                is_remote BOOLEAN,
                country VARCHAR,
                employment_type VARCHAR,
                pay_text VARCHAR,
                pay_min DOUBLE,
                pay_max DOUBLE,
                pay_currency VARCHAR,
                pay_unit VARCHAR,                  -- hour | day | week | month | year | task | item | minute | unknown
                pay_approximate BOOLEAN,
                pay_up_to BOOLEAN,
                pay_at_least BOOLEAN,
                hours_per_week DOUBLE,
                hourly_usd_min DOUBLE,
                hourly_usd_max DOUBLE,
                hourly_assumptions VARCHAR,
                description_sha256 VARCHAR,
                content_sha256 VARCHAR NOT NULL,
                run_id VARCHAR NOT NULL
            )""",
            f"""CREATE TABLE {L}.events (
                event_id VARCHAR NOT NULL,
                platform_id VARCHAR,
                event_date DATE NOT NULL,
                date_precision VARCHAR NOT NULL,   -- day | month | year | approximate
                kind VARCHAR NOT NULL,             -- adv | avg | rep | pol | law | event
                title VARCHAR NOT NULL,
                figure_before VARCHAR,
                figure_after VARCHAR,
                source_url VARCHAR NOT NULL,
                is_demo BOOLEAN NOT NULL,
                run_id VARCHAR NOT NULL
            )""",
            f"""CREATE TABLE {L}.fx_rates (
                month DATE NOT NULL,
                currency VARCHAR NOT NULL,
                usd_per_unit DOUBLE NOT NULL,
                source VARCHAR NOT NULL,
                run_id VARCHAR NOT NULL
            )""",
        ),
    ),
    Migration(
        "0002_reports_and_forums",
        (
            # Payment reports: one row per report; updated in place (DuckLake snapshots keep the
            # history). Written only by collectors/store/reports.py.
            f"""CREATE TABLE {L}.payment_reports (
                report_id VARCHAR NOT NULL,
                receipt_hash VARCHAR,              -- sha256 of the receipt code (self-reports only)
                submitted_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                confirmed_at TIMESTAMPTZ NOT NULL, -- last time the reporter confirmed the status
                source_kind VARCHAR NOT NULL,      -- self_report | union_import | forum_import | news_import | legal_filing
                source_name VARCHAR,               -- 'form' or the import's name (e.g. a union)
                source_url VARCHAR,
                source_ref VARCHAR,                -- 'reddit:<post id>' or a hash of the importer's row id
                platform_id VARCHAR NOT NULL,
                platform_other VARCHAR,
                intermediary VARCHAR,
                project_code VARCHAR,
                work_type VARCHAR,
                rate_min DOUBLE,
                rate_max DOUBLE,
                rate_unit VARCHAR,                 -- hour | task | item | media_minute
                amount_expected DECIMAL(18, 2),
                amount_received DECIMAL(18, 2),
                currency VARCHAR,                  -- ISO 4217
                currency_from_context BOOLEAN NOT NULL,
                amount_expected_usd DOUBLE,
                usd_per_unit DOUBLE,               -- the monthly rate used (data/fx_rates.csv)
                work_period_start DATE,
                work_period_end DATE,
                expected_pay_date DATE,
                expected_pay_date_basis VARCHAR,   -- user | invoice | derived_from_policy
                policy_version VARCHAR,            -- schedule revision when derived
                paid_date DATE,
                status VARCHAR NOT NULL,
                days_late INTEGER,                 -- derived, never typed
                paid_in_full BOOLEAN NOT NULL,     -- the event in time-to-payment curves
                followup_days INTEGER,             -- time-to-payment duration (event or censored)
                grace_days INTEGER,
                processor_hold BOOLEAN NOT NULL,
                payment_method VARCHAR,
                causes VARCHAR[],
                support_contacted BOOLEAN,
                support_response VARCHAR,
                days_to_first_response INTEGER,
                account_status VARCHAR,
                country VARCHAR,                   -- ISO 3166-1 alpha-2, never finer
                evidence_types VARCHAR[],          -- flags only; no files
                narrative_scrubbed VARCHAR,        -- scrubbed before storage; never shown publicly
                consent_publish_aggregate BOOLEAN NOT NULL,
                fingerprint VARCHAR NOT NULL,      -- platform, project, period, amount, currency, country
                content_hash VARCHAR NOT NULL,
                duplicate_of VARCHAR,              -- report_id kept when merged
                event_id VARCHAR,                  -- report_events.event_id (mass incident)
                moderation_status VARCHAR NOT NULL, -- pending | approved | rejected | merged
                moderated_at TIMESTAMPTZ,
                moderation_note VARCHAR,
                review_reasons VARCHAR[],          -- why it is held (soft validation failures)
                is_demo BOOLEAN NOT NULL,
                run_id VARCHAR NOT NULL            -- the form submission or import run that wrote it
            )""",
            f"""CREATE TABLE {L}.report_events (
                event_id VARCHAR NOT NULL,         -- slug, e.g. 'remotasks-kenya-2024-03'
                title VARCHAR NOT NULL,
                platform_id VARCHAR,
                event_date DATE,
                kind VARCHAR NOT NULL,             -- country_exit | processor_migration | deactivation_wave | project_cancelled | other
                source_url VARCHAR,
                created_at TIMESTAMPTZ NOT NULL,
                is_demo BOOLEAN NOT NULL
            )""",
            f"""CREATE TABLE {L}.submission_log (
                client_hash VARCHAR NOT NULL,      -- salted hash of the client address, never the address
                action VARCHAR NOT NULL,           -- submit | update
                submitted_at TIMESTAMPTZ NOT NULL
            )""",
            f"""CREATE TABLE {L}.forum_posts (
                post_id VARCHAR NOT NULL,          -- reddit base36 id (mirrors share it)
                subreddit VARCHAR NOT NULL,
                platform_id VARCHAR,
                created_at TIMESTAMPTZ NOT NULL,
                url VARCHAR NOT NULL,
                title_excerpt_scrubbed VARCHAR NOT NULL,
                signals VARCHAR[] NOT NULL,        -- late_payment | missing_payment | pay_cut | empty_queue
                amount DOUBLE,
                currency VARCHAR,
                days_stated INTEGER,
                first_seen_at TIMESTAMPTZ NOT NULL,
                is_demo BOOLEAN NOT NULL,
                run_id VARCHAR NOT NULL            -- no author column: usernames are never stored
            )""",
        ),
    ),
    # Weekly pay quartiles derived from listing_versions, kept in step by every save (see
    # collectors/store/aggregates.py); created and filled from the history already recorded.
    # Frozen: the SQL as shipped (the module's own SQL may change; this step may not).
    Migration(
        "0003_weekly_pay_quartiles",
        (
            """CREATE TABLE lake.weekly_pay_quartiles (
    week_start DATE NOT NULL,          -- Monday (UTC); sampled at the end of the week
    platform_id VARCHAR NOT NULL,
    series VARCHAR NOT NULL,           -- hourly_usd | hourly_original | per_unit
    currency VARCHAR NOT NULL,
    pay_unit VARCHAR NOT NULL,
    n_listings BIGINT NOT NULL,
    median DOUBLE NOT NULL,
    p25 DOUBLE NOT NULL,
    p75 DOUBLE NOT NULL
)""",
            """DELETE FROM lake.weekly_pay_quartiles""",
            """INSERT INTO lake.weekly_pay_quartiles (week_start, platform_id, series, currency, pay_unit, n_listings, median, p25, p75)
        WITH last_weeks AS (
            SELECT platform_id, ((max(epoch_us(started_at))) - 345600000000) // 604800000000 AS k_last
            FROM lake.collector_runs WHERE status = 'ok' AND complete AND platform_id IS NOT NULL
            GROUP BY platform_id
        ),
        v AS MATERIALIZED (
            SELECT split_part(v.listing_key, '|', 1) AS platform_id, v.pay_unit, v.pay_currency, v.pay_min,
                   v.pay_max, v.hourly_usd_min, v.hourly_usd_max,
                   epoch_us(v.valid_from) AS vf, epoch_us(v.valid_to) AS vt
            FROM lake.listing_versions v WHERE TRUE
        ),
        series AS (
            SELECT v.platform_id, 'hourly_usd' AS series, 'USD' AS currency, 'hour' AS pay_unit,
                   CASE WHEN v.hourly_usd_min IS NOT NULL AND v.hourly_usd_max IS NOT NULL THEN (v.hourly_usd_min + v.hourly_usd_max) / 2 ELSE coalesce(v.hourly_usd_min, v.hourly_usd_max) END AS value, v.vf, v.vt
            FROM v WHERE v.pay_unit IN ('hour', 'day', 'week', 'month', 'year') AND CASE WHEN v.hourly_usd_min IS NOT NULL AND v.hourly_usd_max IS NOT NULL THEN (v.hourly_usd_min + v.hourly_usd_max) / 2 ELSE coalesce(v.hourly_usd_min, v.hourly_usd_max) END IS NOT NULL
            UNION ALL
            SELECT v.platform_id, 'hourly_original' AS series, v.pay_currency AS currency, 'hour' AS pay_unit,
                   CASE WHEN v.pay_min IS NOT NULL AND v.pay_max IS NOT NULL THEN (v.pay_min + v.pay_max) / 2 ELSE coalesce(v.pay_min, v.pay_max) END AS value, v.vf, v.vt
            FROM v WHERE v.pay_unit = 'hour' AND v.pay_currency IS NOT NULL AND CASE WHEN v.pay_min IS NOT NULL AND v.pay_max IS NOT NULL THEN (v.pay_min + v.pay_max) / 2 ELSE coalesce(v.pay_min, v.pay_max) END IS NOT NULL
            UNION ALL
            SELECT v.platform_id, 'per_unit' AS series, coalesce(v.pay_currency, 'unknown') AS currency, v.pay_unit AS pay_unit,
                   CASE WHEN v.pay_min IS NOT NULL AND v.pay_max IS NOT NULL THEN (v.pay_min + v.pay_max) / 2 ELSE coalesce(v.pay_min, v.pay_max) END AS value, v.vf, v.vt
            FROM v WHERE v.pay_unit IN ('task', 'item', 'minute') AND CASE WHEN v.pay_min IS NOT NULL AND v.pay_max IS NOT NULL THEN (v.pay_min + v.pay_max) / 2 ELSE coalesce(v.pay_min, v.pay_max) END IS NOT NULL
        ),
        spans AS (
            SELECT s.platform_id, s.series, s.currency, s.pay_unit, s.value, ((s.vf - 1) - 345600000000) // 604800000000 AS k_from,
                   CASE WHEN s.vt IS NULL THEN w.k_last
                        ELSE least(((s.vt - 1) - 345600000000) // 604800000000 - 1, w.k_last) END AS k_to
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
        SELECT make_timestamp(k * 604800000000 + 345600000000)::DATE AS week_start, platform_id,
               series, currency, pay_unit, n_listings, q[2] AS median, q[1] AS p25, q[3] AS p75
        FROM weekly""",
        ),
    ),
    # Pay changes between consecutive listing versions, added by every save (see
    # collectors/store/aggregates.py); created and filled from the history already recorded.
    # Frozen: the SQL as shipped (the module's own SQL may change; this step may not).
    Migration(
        "0004_listing_pay_changes",
        (
            """CREATE TABLE lake.listing_pay_changes (
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
)""",
            """DELETE FROM lake.listing_pay_changes""",
            """INSERT INTO lake.listing_pay_changes SELECT * FROM (
        WITH a AS MATERIALIZED (
            SELECT v.listing_key, v.version_no, v.pay_text, v.pay_currency, v.pay_unit, CASE WHEN v.pay_min IS NOT NULL AND v.pay_max IS NOT NULL THEN (v.pay_min + v.pay_max) / 2 ELSE coalesce(v.pay_min, v.pay_max) END AS pay_mid, CASE WHEN v.hourly_usd_min IS NOT NULL AND v.hourly_usd_max IS NOT NULL THEN (v.hourly_usd_min + v.hourly_usd_max) / 2 ELSE coalesce(v.hourly_usd_min, v.hourly_usd_max) END AS hourly_mid, v.valid_from, v.title, split_part(v.listing_key, '|', 1) AS platform_id
            FROM lake.listing_versions v WHERE v.version_no > 1
        ),
        b AS (
            SELECT v.listing_key, v.version_no, v.pay_text, v.pay_currency, v.pay_unit, CASE WHEN v.pay_min IS NOT NULL AND v.pay_max IS NOT NULL THEN (v.pay_min + v.pay_max) / 2 ELSE coalesce(v.pay_min, v.pay_max) END AS pay_mid, CASE WHEN v.hourly_usd_min IS NOT NULL AND v.hourly_usd_max IS NOT NULL THEN (v.hourly_usd_min + v.hourly_usd_max) / 2 ELSE coalesce(v.hourly_usd_min, v.hourly_usd_max) END AS hourly_mid FROM lake.listing_versions v
            SEMI JOIN a ON a.listing_key = v.listing_key AND a.version_no - 1 = v.version_no
            WHERE TRUE
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
        WHERE before_value > 0 AND after_value IS NOT NULL AND after_value <> before_value) ORDER BY changed_at""",
        ),
    ),
    # The sizes of the public view's small cells, recounted by every moderation (see
    # collectors/store/reports.py); created and filled from the reports already stored.
    # Frozen: the SQL as shipped (the module's own SQL may change; this step may not).
    Migration(
        "0005_report_cells",
        (
            """CREATE TABLE lake.report_cells (
    platform_id VARCHAR NOT NULL,
    cell VARCHAR NOT NULL,             -- n_period_week | n_paid_week | n_country_month | n_month | project | submitted_month
    week DATE,                         -- Monday of the week, for the week cells
    month DATE,                        -- first of the month, for the month cells
    country VARCHAR,
    project_code VARCHAR,
    n BIGINT NOT NULL                  -- approved, consented reports (independent ones for a project)
)""",
            """DELETE FROM lake.report_cells""",
            """INSERT INTO lake.report_cells
        WITH cell_keys AS MATERIALIZED (
            SELECT platform_id, country, work_period_end, paid_date,
                   date_trunc('month', coalesce(expected_pay_date, work_period_end))::DATE AS month_key,
                   epoch_us(submitted_at) // 86400000000 AS submitted_day, project_code,
                   CASE WHEN project_code IS NOT NULL THEN coalesce(event_id, fingerprint) END AS independent
            FROM lake.payment_reports
            WHERE moderation_status = 'approved' AND consent_publish_aggregate AND TRUE
        )
        SELECT platform_id, 'n_period_week' AS cell, date_trunc('week', work_period_end)::DATE AS week,
               NULL::DATE AS month, NULL AS country, NULL AS project_code, sum(n)::BIGINT AS n
        FROM (SELECT platform_id, work_period_end, count(*) AS n FROM cell_keys GROUP BY ALL) GROUP BY ALL
        UNION ALL
        SELECT platform_id, 'n_paid_week', date_trunc('week', paid_date)::DATE, NULL, NULL, NULL, sum(n)::BIGINT
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
        SELECT platform_id, 'submitted_month', NULL, date_trunc('month', make_timestamp(submitted_day * 86400000000))::DATE,
               NULL, NULL, sum(n)::BIGINT
        FROM (SELECT platform_id, submitted_day, count(*) AS n FROM cell_keys GROUP BY ALL) GROUP BY ALL""",
        ),
    ),
    # Payment reports leave the time-travelled lake for the private vault (collectors/store/vault.py):
    # reports and events are copied there (withdrawn and rejected ones are erased), the report
    # tables are dropped (their files deleted after the commit) and the published aggregates'
    # tables are created (collectors/store/reports/public.py).
    Migration(
        "0006_reports_to_vault",
        (),
        _move_reports_to_vault,
    ),
    # Provenance of backfilled runs (web-archive captures, git commits): see collectors/store/archive.py.
    Migration("0007_archive_captures", (
        f"""CREATE TABLE IF NOT EXISTS {L}.archive_captures (
    run_id VARCHAR NOT NULL,           -- collector_runs.run_id of the run this capture became
    source_name VARCHAR NOT NULL,
    platform_id VARCHAR,
    capture_kind VARCHAR NOT NULL,     -- archive | git
    captured_at TIMESTAMPTZ NOT NULL,  -- the capture's timestamp, or the commit time
    original_url VARCHAR,              -- what the archive captured (archive)
    capture_url VARCHAR,               -- /web/<timestamp>id_/<original>, as fetched (archive)
    cdx_timestamp VARCHAR,             -- the index's timestamp (a 302 may lead to the nearest capture)
    repo VARCHAR,                      -- the clone replayed (git)
    commit_sha VARCHAR,                -- (git)
    path VARCHAR,                      -- the file in the repository (git)
    parse_kind VARCHAR NOT NULL,       -- the format its body was parsed with
    content_sha256 VARCHAR NOT NULL,   -- body kept at raw/<sha[:2]>/<sha>.gz
    whole_board BOOLEAN NOT NULL,      -- a whole-board endpoint (may close listings) or one page
    outcome VARCHAR NOT NULL,          -- used | unparseable
    error VARCHAR
)""",
    )),
    # Listings opened and closed per platform and day, rewritten by every save that changes them
    # (collectors/store/aggregates.py), filled here from the listings already recorded (SQL as shipped).
    Migration(
        "0008_listing_daily_counts",
        (
            """CREATE TABLE lake.listing_daily_counts (
    platform_id VARCHAR NOT NULL,
    day DATE NOT NULL,                 -- UTC
    opened BIGINT NOT NULL,            -- listings whose first_seen_at falls on the day
    closed BIGINT NOT NULL             -- listings whose closed_at falls on the day
)""",
            """INSERT INTO lake.listing_daily_counts (platform_id, day, opened, closed)
        SELECT platform_id, DATE '1970-01-01' + d::INTEGER AS day,
               count(*) FILTER (WHERE delta = 1) AS opened, count(*) FILTER (WHERE delta = -1) AS closed
        FROM (SELECT l.platform_id,
                     unnest([epoch_us(l.first_seen_at) // 86400000000, epoch_us(l.closed_at) // 86400000000]) AS d,
                     unnest([1, -1]) AS delta
              FROM lake.listings l WHERE TRUE)
        WHERE d IS NOT NULL GROUP BY ALL""",
        ),
    ),
    # Lifetime quartiles of closed listings per platform, rewritten by the same saves
    # (collectors/store/aggregates.py), filled here from the listings already recorded (SQL as shipped).
    Migration(
        "0009_listing_lifetime_quartiles",
        (
            """CREATE TABLE lake.listing_lifetime_quartiles (
    platform_id VARCHAR NOT NULL,
    median_lifetime_days DOUBLE,       -- over closed listings: first_seen_at to closed_at; NULL if none closed
    p25_lifetime_days DOUBLE,
    p75_lifetime_days DOUBLE,
    n_closed BIGINT NOT NULL,
    n_open BIGINT NOT NULL
)""",
            """INSERT INTO lake.listing_lifetime_quartiles
        SELECT platform_id, q[2] AS median_lifetime_days, q[1] AS p25_lifetime_days,
               q[3] AS p75_lifetime_days, n_closed, n_open
        FROM (SELECT l.platform_id, quantile_cont((epoch_us(l.closed_at) - epoch_us(l.first_seen_at)) / 86400000000, [0.25, 0.5, 0.75]) AS q,
                     count(l.closed_at) AS n_closed, count(*) - count(l.closed_at) AS n_open
              FROM lake.listings l WHERE TRUE
              GROUP BY l.platform_id)""",
        ),
    ),
    # Issue 14's public report figures (collectors/store/reports/public.py): interval-censored
    # delay figures with the reason for every missing one, effective hourly pay, dated incidents.
    # Frozen: the SQL as shipped.
    Migration(
        "0010_report_delay_pay_incidents",
        (
            """CREATE TABLE IF NOT EXISTS lake.report_delay_figures (
    grouping VARCHAR NOT NULL,
    platform_id VARCHAR NOT NULL,
    group_value VARCHAR,
    n_reports BIGINT,
    n_with_delay BIGINT,
    n_independent BIGINT,
    n_paid BIGINT,
    n_unpaid BIGINT,
    n_estimated_due BIGINT,
    n_public_record BIGINT,
    median_days_low DOUBLE,
    median_days_high DOUBLE,
    paid_within_30d_low DOUBLE,
    paid_within_30d_high DOUBLE,
    paid_within_60d_low DOUBLE,
    paid_within_60d_high DOUBLE,
    paid_within_90d_low DOUBLE,
    paid_within_90d_high DOUBLE,
    n_not_a_delay BIGINT,
    n_no_due_date BIGINT,
    n_no_work_dates BIGINT,
    n_not_yet_due BIGINT,
    n_no_report_date BIGINT,
    n_no_paid_date BIGINT,
    n_processor_hold BIGINT,
    suppressed BOOLEAN NOT NULL,
    missing_reason VARCHAR,
    missing_detail VARCHAR,
    n_tier_self_reported BIGINT,
    n_tier_evidence_described BIGINT,
    n_tier_evidence_seen BIGINT,
    n_tier_public_record BIGINT,
    n_grievance_late_payment BIGINT,
    n_grievance_missing_payment BIGINT,
    n_grievance_rate_cut BIGINT,
    n_grievance_paid_less_than_agreed BIGINT,
    n_grievance_bonus_not_paid BIGINT,
    n_grievance_hours_disputed BIGINT,
    n_grievance_deactivated_with_balance BIGINT,
    n_grievance_processor_hold BIGINT,
    n_grievance_legal_action BIGINT,
    n_incidents BIGINT,
    published_at TIMESTAMPTZ NOT NULL,
    is_demo BOOLEAN NOT NULL
)""",
            """CREATE TABLE IF NOT EXISTS lake.report_pay_figures (
    grouping VARCHAR NOT NULL,
    platform_id VARCHAR NOT NULL,
    group_value VARCHAR,
    n_reports BIGINT,
    n_with_hours BIGINT,
    n_independent BIGINT,
    effective_hourly_usd_median DOUBLE,
    effective_hourly_usd_p25 DOUBLE,
    effective_hourly_usd_p75 DOUBLE,
    n_with_stated_rate BIGINT,
    stated_hourly_usd_median DOUBLE,
    share_below_stated_rate DOUBLE,
    suppressed BOOLEAN NOT NULL,
    missing_reason VARCHAR,
    missing_detail VARCHAR,
    published_at TIMESTAMPTZ NOT NULL,
    is_demo BOOLEAN NOT NULL
)""",
            """CREATE TABLE IF NOT EXISTS lake.report_incidents (
    event_id VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    platform_id VARCHAR,
    event_date DATE,
    source_url VARCHAR,
    published_at TIMESTAMPTZ NOT NULL,
    is_demo BOOLEAN NOT NULL
)""",
        ),
    ),
    # Listings per platform and the instant they were first seen, rewritten by the same saves as
    # 0008 (collectors/store/aggregates.py), so that new listings per week (after a platform's first
    # collection, to the microsecond) are counted without reading the listings. Filled here from the
    # listings already recorded (SQL as shipped).
    Migration(
        "0011_listing_first_seen_counts",
        (
            """CREATE TABLE lake.listing_first_seen_counts (
    platform_id VARCHAR NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,  -- the instant (a run's start) these listings were first seen
    n_listings BIGINT NOT NULL
)""",
            """INSERT INTO lake.listing_first_seen_counts (platform_id, first_seen_at, n_listings)
        SELECT l.platform_id, l.first_seen_at, count(*) AS n_listings
        FROM lake.listings l WHERE TRUE GROUP BY ALL""",
        ),
    ),
    # The rows of the two work availability views without a category filter, rewritten by every
    # listing save (collectors/store/aggregates.py, `refresh_view_rows`), so that reading them is a
    # plain scan. `runs_seen`: the collector_runs rows the refresh saw; the views trust the rows
    # only at a snapshot with as many runs. Filled here from the derived tables of 0008 and 0011
    # and the runs (SQL as shipped).
    Migration(
        "0012_listing_open_days_weekly_flows",
        (
            """CREATE TABLE lake.listing_open_days (
    platform_id VARCHAR NOT NULL,
    day DATE NOT NULL,                 -- UTC; every day from the first to the last successful complete collection
    open_listings BIGINT NOT NULL,     -- open at the end of the day
    first_ok_at TIMESTAMP NOT NULL,    -- the platform's first and last successful complete collection (UTC)
    last_ok_at TIMESTAMP NOT NULL,
    runs_seen BIGINT NOT NULL          -- successful complete runs of a platform when these rows were written
)""",
            """CREATE TABLE lake.listing_weekly_flows (
    week_start DATE NOT NULL,          -- Monday (UTC)
    platform_id VARCHAR NOT NULL,
    new_listings BIGINT NOT NULL,      -- first seen after the platform's first collection
    closed_listings BIGINT NOT NULL,
    complete_week BOOLEAN,             -- the week is wholly inside the collection period
    runs_seen BIGINT NOT NULL          -- successful complete runs of a platform when these rows were written
)""",
            """INSERT INTO lake.listing_open_days (platform_id, day, open_listings, first_ok_at, last_ok_at, runs_seen)
        WITH bounds AS (SELECT platform_id,
                      min(make_timestamp(epoch_us(started_at))) AS first_ok_at,
                      max(make_timestamp(epoch_us(started_at))) AS last_ok_at
               FROM lake.collector_runs
               WHERE status = 'ok' AND complete AND platform_id IS NOT NULL
               GROUP BY platform_id),
        daily_delta AS (
            SELECT platform_id, (day - DATE '1970-01-01') AS day, sum(opened - closed) AS delta
            FROM lake.listing_daily_counts GROUP BY ALL
        ),
        spine AS (
            SELECT platform_id, first_ok_at, last_ok_at,
                   unnest(range(epoch_us(first_ok_at) // 86400000000, epoch_us(last_ok_at) // 86400000000 + 1)) AS day
            FROM bounds
        ),
        before_spine AS (
            SELECT d.platform_id, sum(d.delta) AS carried
            FROM daily_delta d JOIN bounds b USING (platform_id)
            WHERE d.day < epoch_us(b.first_ok_at) // 86400000000 GROUP BY ALL
        )
        SELECT s.platform_id, DATE '1970-01-01' + s.day::INTEGER AS day,
               (coalesce(c.carried, 0)
                + sum(coalesce(d.delta, 0)) OVER (PARTITION BY s.platform_id ORDER BY s.day))::BIGINT
                   AS open_listings,
               s.first_ok_at, s.last_ok_at, (SELECT count(*) FILTER (WHERE status = 'ok' AND complete AND platform_id IS NOT NULL) FROM lake.collector_runs) AS runs_seen
        FROM spine s
        LEFT JOIN daily_delta d ON d.platform_id = s.platform_id AND d.day = s.day
        LEFT JOIN before_spine c ON c.platform_id = s.platform_id
        ORDER BY s.platform_id, s.day""",
            """INSERT INTO lake.listing_weekly_flows (week_start, platform_id, new_listings, closed_listings, complete_week, runs_seen)
        WITH bounds AS (SELECT platform_id,
                      min(make_timestamp(epoch_us(started_at))) AS first_ok_at,
                      max(make_timestamp(epoch_us(started_at))) AS last_ok_at
               FROM lake.collector_runs
               WHERE status = 'ok' AND complete AND platform_id IS NOT NULL
               GROUP BY platform_id),
        flows AS (
            SELECT l.platform_id, date_trunc('week', make_timestamp(epoch_us(l.first_seen_at)))::DATE AS week_start,
                   sum(l.n_listings) AS new_listings, 0 AS closed_listings
            FROM lake.listing_first_seen_counts l
            JOIN bounds b ON b.platform_id = l.platform_id AND make_timestamp(epoch_us(l.first_seen_at)) > b.first_ok_at
            GROUP BY ALL
            UNION ALL
            SELECT platform_id, date_trunc('week', day)::DATE, 0, sum(closed)
            FROM lake.listing_daily_counts WHERE closed > 0 GROUP BY ALL
        )
        SELECT f.week_start, f.platform_id,
               sum(f.new_listings)::BIGINT AS new_listings,
               sum(f.closed_listings)::BIGINT AS closed_listings,
               (f.week_start > any_value(b.first_ok_at)::DATE
                AND f.week_start + 6 <= any_value(b.last_ok_at)::DATE) AS complete_week,
               (SELECT count(*) FILTER (WHERE status = 'ok' AND complete AND platform_id IS NOT NULL) FROM lake.collector_runs) AS runs_seen
        FROM flows f LEFT JOIN bounds b USING (platform_id)
        GROUP BY f.week_start, f.platform_id
        ORDER BY f.platform_id, f.week_start""",
        ),
    ),
]


# -- table definitions, read back from the steps ----------------------------------------------------

_TS = pa.timestamp("us", tz="UTC")
_ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(), "TIMESTAMPTZ": _TS, "TIMESTAMP": pa.timestamp("us"), "DOUBLE": pa.float64(), "INTEGER": pa.int32(),
    "BIGINT": pa.int64(), "BOOLEAN": pa.bool_(), "DATE": pa.date32(), "VARCHAR[]": pa.list_(pa.string()),
}
_COLUMN = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s+([A-Z]+(?:\(\d+,\s*\d+\))?(?:\[\])?)")
_ADD_COLUMN = re.compile(r"ALTER TABLE \S+\.(\w+) ADD COLUMN (?:IF NOT EXISTS )?(\w+) ([A-Z]+(?:\(\d+,\s*\d+\))?(?:\[\])?)")


def table_columns(table: str) -> list[tuple[str, str]]:
    """(name, SQL type) of `table`'s columns as the steps define them: its CREATE TABLE, then
    every later ALTER TABLE ... ADD COLUMN."""
    columns: list[tuple[str, str]] = []
    create = re.compile(rf"CREATE TABLE (?:IF NOT EXISTS )?{L}\.{table} \((.*)\)\s*$", re.S)
    for migration in MIGRATIONS:
        for statement in migration.statements:
            if (found := create.match(statement.strip())) is not None:
                body = re.sub(r"--[^\n]*", "", found.group(1))
                columns = [(m.group(1), m.group(2)) for line in re.split(r",(?![^()]*\))", body)
                           if (m := _COLUMN.match(line)) is not None]
            elif (added := _ADD_COLUMN.match(statement.strip())) is not None and added.group(1) == table:
                columns.append((added.group(2), added.group(3)))
    if not columns:
        raise KeyError(f"no migration creates {L}.{table}")
    return columns


def arrow_type(sql_type: str) -> pa.DataType:
    decimal = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", sql_type)
    if decimal:
        return pa.decimal128(int(decimal.group(1)), int(decimal.group(2)))
    return _ARROW_TYPES[sql_type]


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of `table`, from its definition in the steps (for bulk inserts)."""
    return pa.schema([(name, arrow_type(sql_type)) for name, sql_type in table_columns(table)])
