"""Reference tables shipped with the project, other than exchange rates: statutory minimum wages.

`data/minimum_wages.csv` has one row per jurisdiction and date a rate took effect: `country`
(ISO 3166-1 alpha-2, or a jurisdiction code such as "US-federal", "PH-NCR"), `jurisdiction` (label),
`effective_from` (YYYY-MM-DD), `amount`, `currency` (ISO 4217), `unit` (hour, day or month, as the
law states it: the Philippines sets daily rates, Brazil and Kenya monthly ones), `source_url` (the
official page) and `note`. The table was compiled without network access: every note says so, and
each figure should be checked against its `source_url` before it is quoted.
"""

from __future__ import annotations

import csv
from datetime import date
from functools import cache
from pathlib import Path
from typing import TypedDict

MINIMUM_WAGES_CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "minimum_wages.csv"


class MinimumWage(TypedDict):
    country: str
    jurisdiction: str
    effective_from: date
    amount: float
    currency: str
    unit: str
    source_url: str
    note: str


@cache
def _load(path: Path) -> tuple[MinimumWage, ...]:
    with path.open(newline="", encoding="utf-8") as handle:
        return tuple(
            MinimumWage(
                country=row["country"],
                jurisdiction=row["jurisdiction"],
                effective_from=date.fromisoformat(row["effective_from"]),
                amount=float(row["amount"]),
                currency=row["currency"],
                unit=row["unit"],
                source_url=row["source_url"],
                note=row["note"],
            )
            for row in csv.DictReader(handle)
        )


def load_minimum_wages(path: Path = MINIMUM_WAGES_CSV_PATH) -> list[MinimumWage]:
    """Every row of the table, in file order (a fresh list; the file is read once per process)."""
    return list(_load(path))


def minimum_wage_on(country: str, on: date) -> MinimumWage | None:
    """The rate in force for `country` (as in the table's `country` column) on `on`, if known."""
    in_force = [
        row for row in _load(MINIMUM_WAGES_CSV_PATH)
        if row["country"] == country and row["effective_from"] <= on
    ]
    return max(in_force, key=lambda row: row["effective_from"]) if in_force else None
