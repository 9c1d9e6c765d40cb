"""Shipped migrations are frozen: each step's SQL is its own text, checked against the checksum it
shipped with, so editing a store module can never change what an old step does."""

from __future__ import annotations

import ast
import hashlib

import pyarrow as pa
import pytest

from collectors.store import migrations
from collectors.store.migrations import MIGRATIONS, Migration, arrow_schema, table_columns

# sha256 of each shipped step's statements, joined by NUL. A new step is added here once it ships;
# a line here never changes.
SHIPPED = {
    "0001_core_tables": "dad1129194b8a3e46919f25c5b336384a0c6ee928f30b25093514109738c533f",
    "0002_reports_and_forums": "b4ccd622f676203bf7e5116d16352dd3775d4cf7e93f8bce937f4b0a6816dcf5",
    "0003_weekly_pay_quartiles": "68b21e46e8ee72c6c6dff8a2ee7e04d74a8b77b536e5ed3a9b93978a3595ba48",
    "0004_listing_pay_changes": "b320ef39df82df1bd198fcb461ea988d37c25ca134eca176b2562028977c9cfa",
    "0005_report_cells": "9800f6a442b07338b8094ec3a6493a13ab088664b23431e0cbf0c9c9a2d2b242",
}


# The steps after 0006's data move (whose code is frozen in store/reports/legacy.py, so it has no
# checksum here), frozen the same way.
SHIPPED_AFTER_DATA_MOVE = {
    "0007_archive_captures": "c77b6593ca07d44c05a26bc394bc7db0404ec1ca863482ff45d31f33abf82c80",
    "0008_listing_daily_counts": "c0da29bada9adf5c445855d9dda27d78102450eb0a6e161bc0e0057ba1d1d680",
    "0009_listing_lifetime_quartiles": "88f17520b6f727b83307ff5277a73790819eabf04c084d4f90d4e1d827224a95",
    "0010_report_delay_pay_incidents": "04e86b4d7c5c609bc3ea042fcf5a6787bc0af7c668553f6aecb5502b8e911a01",
    "0011_listing_first_seen_counts": "c6b1b0e7dc4ca4abc0d29659559d2b563bbeccc69da0eb4c0e7874250996dc43",
    "0012_listing_open_days_weekly_flows": "cbfdb66939ec55c3654b383dd8b330e988420df5d8c31b33a699312e6101972a",
}


def _checksum(migration: Migration) -> str:
    return hashlib.sha256("\0".join(migration.statements).encode()).hexdigest()


def test_shipped_steps_are_unchanged() -> None:
    names = [m.name for m in MIGRATIONS]
    assert names[: len(SHIPPED)] == list(SHIPPED), "a shipped step was removed, renamed or moved"
    assert len(names) == len(set(names))
    for migration in MIGRATIONS[: len(SHIPPED)]:
        assert _checksum(migration) == SHIPPED[migration.name], f"{migration.name} was edited: add a new step"
        assert migration.function is None, f"{migration.name} runs code from outside the step"
    later = MIGRATIONS[names.index("0006_reports_to_vault") + 1:][: len(SHIPPED_AFTER_DATA_MOVE)]
    assert [m.name for m in later] == list(SHIPPED_AFTER_DATA_MOVE), "a shipped step was removed, renamed or moved"
    for migration in later:
        assert _checksum(migration) == SHIPPED_AFTER_DATA_MOVE[migration.name], f"{migration.name} was edited: add a new step"
        assert migration.function is None, f"{migration.name} runs code from outside the step"


def test_steps_hold_their_own_sql() -> None:
    # The frozen steps are written out, not built from the store modules they once imported.
    with open(migrations.__file__, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    # A data move (0006) calls code frozen with its step in a `legacy` module, imported late.
    outside = {m for m in imported if m and m.startswith("collectors") and not m.endswith(".legacy")}
    outside -= {"collectors.store.reports"}  # `from collectors.store.reports import legacy`
    assert not outside, imported
    lazily = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
              and node.module == "collectors.store.reports"]
    assert all(alias.name == "legacy" for node in lazily for alias in node.names)
    assert any("INSERT INTO lake.weekly_pay_quartiles" in s for s in MIGRATIONS[2].statements)


def test_schemas_are_read_from_the_steps() -> None:
    reports = arrow_schema("payment_reports")
    assert reports.field("amount_expected").type == pa.decimal128(18, 2)
    assert reports.field("causes").type == pa.list_(pa.string())
    assert reports.names[:2] == ["report_id", "receipt_hash"] and reports.names[-1] == "run_id"
    assert len(reports) == 55
    assert table_columns("migrations") == [("name", "VARCHAR"), ("applied_at", "TIMESTAMPTZ")]
    with pytest.raises(KeyError, match=r"no migration creates lake\.nowhere"):
        table_columns("nowhere")


def test_a_later_add_column_extends_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    added = Migration("9999_test", ("ALTER TABLE lake.forum_posts ADD COLUMN score DOUBLE",))
    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, added])
    assert table_columns("forum_posts")[-1] == ("score", "DOUBLE")
    assert arrow_schema("forum_posts").field("score").type == pa.float64()
