"""Migrations: an append-only list of named steps, each recorded in `lake.migrations` once applied.

Never edit or reorder a step that has shipped: add a new one at the end. DuckLake tables have no
primary keys or indexes; uniqueness is kept by the code that writes (see the other store modules).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

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
]
