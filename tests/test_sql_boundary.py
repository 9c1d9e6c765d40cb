"""One door to storage: outside `collectors/store/` and `dashboard/queries.py`, no module of the
package holds SQL. Storage SQL belongs in collectors/store/, dashboard reads in dashboard/queries.py."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("collectors", "dashboard")
ALLOWED = ("collectors/store/", "dashboard/queries.py")

# A string literal that opens with an SQL statement (keywords in capitals, as the code writes them).
SQL = re.compile(
    r"""[rbfu]*["']\s*("""
    r"SELECT\s+(?:DISTINCT\s+)?[\w*(]|INSERT\s+INTO\s|UPDATE\s+[\w{}.]+\s+(?:AS\s+\w+\s+)?SET\s|"
    r"DELETE\s+FROM\s|CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\s+)?(?:TABLE|VIEW|INDEX|SCHEMA|MACRO)\s|"
    r"ALTER\s+TABLE\s|DROP\s+(?:TABLE|VIEW)\s|ATTACH\s|DETACH\s|COPY\s+[\w{(]|WITH\s+\w+\s+AS\s+(?:MATERIALIZED\s+)?\("
    r")"
)

# Pending moves, each with who moves it (none left: the benchmark, which times bare DuckDB against
# the app on purpose, lives outside the package in benchmarks/).
PENDING: dict[str, int] = {}


def sql_statements(text: str) -> list[tuple[int, str]]:
    """(line, text of the line) of every string literal in `text` that opens with SQL."""
    lines = text.splitlines()
    found = []
    for match in SQL.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append((line, lines[line - 1].strip()))
    return found


def test_no_sql_outside_the_store_and_the_dashboard_queries() -> None:
    offenders: dict[str, list[tuple[int, str]]] = {}
    scanned = 0
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            relative = path.relative_to(REPO).as_posix()
            if relative.startswith(ALLOWED[0]) or relative == ALLOWED[1]:
                continue
            scanned += 1
            statements = sql_statements(path.read_text(encoding="utf-8"))
            if statements and len(statements) != PENDING.get(relative):
                offenders[relative] = statements
    assert scanned > 30
    assert not offenders, f"SQL outside collectors/store/ and dashboard/queries.py: {offenders}"


def test_the_pattern_finds_sql_and_not_prose() -> None:
    found = sql_statements(
        'x = f"SELECT url FROM {LAKE}.raw_responses"\n'
        'y = """\n    INSERT INTO lake.t VALUES (1)"""\n'
        "z = 'DELETE FROM lake.t WHERE a = ?'\n"
        'w = f"UPDATE {LAKE}.listings AS t SET closed_at = u.value"\n'
        'v = "WITH a AS MATERIALIZED (SELECT 1)"\n'
        's = st.caption("Select two or more reports above.")\n'
        't = "Delete from the queue"\n'
    )
    assert [line for line, _ in found] == [1, 2, 4, 5, 6]
