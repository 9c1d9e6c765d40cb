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


def _checksum(migration: Migration) -> str:
    return hashlib.sha256("\0".join(migration.statements).encode()).hexdigest()


def test_shipped_steps_are_unchanged() -> None:
    names = [m.name for m in MIGRATIONS]
    assert names[: len(SHIPPED)] == list(SHIPPED), "a shipped step was removed, renamed or moved"
    assert len(names) == len(set(names))
    for migration in MIGRATIONS[: len(SHIPPED)]:
        assert _checksum(migration) == SHIPPED[migration.name], f"{migration.name} was edited: add a new step"
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
