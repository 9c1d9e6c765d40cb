"""Migrations: an append-only list of named steps, each recorded in `lake.migrations` once applied.

Never edit or reorder a step that has shipped: add a new one at the end. DuckLake tables have no
primary keys or indexes; uniqueness is kept by the code that writes (see the other store modules).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from collectors.store import aggregates, reports

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
    Migration(
        "0003_weekly_pay_quartiles",
        (aggregates.CREATE_TABLE,),
        aggregates.backfill_weekly_pay,
    ),
    # Pay changes between consecutive listing versions, added by every save (see
    # collectors/store/aggregates.py); created and filled from the history already recorded.
    Migration(
        "0004_listing_pay_changes",
        (aggregates.CREATE_PAY_CHANGES,),
        aggregates.backfill_pay_changes,
    ),
    # The sizes of the public view's small cells, recounted by every moderation (see
    # collectors/store/reports.py); created and filled from the reports already stored.
    Migration(
        "0005_report_cells",
        (reports.CREATE_CELLS,),
        reports.backfill_report_cells,
    ),
    # Listings opened and closed per platform and day, rewritten by every save that changes them
    # (see collectors/store/aggregates.py); created and filled from the listings already recorded.
    Migration(
        "0006_listing_daily_counts",
        (aggregates.CREATE_DAILY_COUNTS,),
        aggregates.backfill_daily_counts,
    ),
    # Lifetime quartiles of closed listings per platform, rewritten by the same saves (see
    # collectors/store/aggregates.py); created and filled from the listings already recorded.
    Migration(
        "0007_listing_lifetime_quartiles",
        (aggregates.CREATE_LIFETIMES,),
        aggregates.backfill_lifetimes,
    ),
]
