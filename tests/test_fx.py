"""The shipped exchange-rate table, its lookups, its regeneration from ECB's file, and the
minimum-wage reference table."""

from __future__ import annotations

import csv
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from collectors import fx

PAY_STRINGS = Path(__file__).parent / "data" / "pay_strings.jsonl"
ECB_CURRENCIES = ("EUR", "GBP", "CAD", "AUD", "INR", "PHP", "BRL", "MXN", "JPY", "CHF", "PLN", "ZAR",
                  "SGD", "NZD", "SEK", "NOK", "DKK", "CZK", "HUF", "KRW", "CNY", "HKD", "IDR", "MYR",
                  "THB", "TRY", "ILS")


def _months(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def test_table_columns_and_sources() -> None:
    with fx.FX_CSV_PATH.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == fx.FX_COLUMNS
        rows = list(reader)
    assert rows
    for row in rows:
        assert row["source"], row
        assert float(row["usd_per_unit"]) > 0
    sources = {row["source"].split(",")[0] for row in rows}
    assert all(s.startswith(("ECB euro reference rates", "Investing.com")) for s in sources), sources


@pytest.mark.parametrize("currency", ECB_CURRENCIES)
def test_ecb_currencies_cover_2023_to_october_2026(currency: str) -> None:
    assert fx.table_months(currency) == tuple(_months("2023-01", "2026-10"))


def test_kes_and_ngn_cover_what_their_sources_had() -> None:
    assert fx.table_months("KES") == tuple(_months("2023-01", "2025-09"))
    assert fx.table_months("NGN") == tuple(_months("2023-01", "2026-05"))


def test_every_currency_in_the_labelled_set_has_a_rate() -> None:
    with PAY_STRINGS.open(encoding="utf-8") as handle:
        currencies = {
            row["expected"]["currency"]
            for row in map(json.loads, handle)
            if row["expected"] and row["expected"]["currency"]
        }
    missing = {c for c in currencies if fx.usd_per_unit(c, date(2025, 6, 1)) is None}
    assert not missing


def test_known_ecb_monthly_figures() -> None:
    # ECB's published monthly average for USD per EUR in January 2023 is 1.0769.
    assert fx.usd_per_unit("EUR", date(2023, 1, 17)) == pytest.approx(1.0769, abs=1e-4)
    assert fx.usd_per_unit("eur", date(2025, 6, 1)) == pytest.approx(1.151619, rel=1e-6)
    assert fx.usd_per_unit("USD", date(2020, 1, 1)) == 1.0
    assert fx.usd_per_unit("XOF", date(2025, 1, 1)) is None


def test_before_the_table_the_first_month_is_used_and_said() -> None:
    assert fx.usd_per_unit("EUR", date(2021, 5, 1)) == fx.usd_per_unit("EUR", date(2023, 1, 1))
    assert "first month 2023-01 used" in fx.rate_source("EUR", date(2021, 5, 1))


def test_after_the_table_the_latest_month_is_used_and_said() -> None:
    assert fx.usd_per_unit("EUR", date(2026, 11, 20)) == fx.usd_per_unit("EUR", date(2026, 10, 1))
    assert "latest earlier month 2026-10 used" in fx.rate_source("EUR", date(2026, 11, 20))
    assert "latest earlier month 2025-09 used" in fx.rate_source("KES", date(2026, 3, 1))


def test_rate_source_names_month_rate_and_source() -> None:
    text = fx.rate_source("GBP", date(2025, 6, 10))
    assert text.startswith("GBP→USD 1.35514 for 2025-06 (ECB euro reference rates")
    assert fx.rate_source("USD", date(2025, 6, 10)) == "USD: no conversion"
    assert "no exchange rate" in fx.rate_source("XOF", date(2025, 6, 10))


ECB_SAMPLE = """Date,USD,JPY,BGN,GBP,KES,
2026-11-03,1.1000,170.00,N/A,0.8800,N/A,
2026-10-31,1.1200,176.00,N/A,0.8400,N/A,
2026-10-30,1.1000,174.00,N/A,0.8200,N/A,
2026-09-30,1.0000,160.00,1.9558,0.8000,N/A,
2022-12-30,1.0666,140.66,1.9558,0.8869,N/A,
"""


def test_monthly_from_ecb_csv(tmp_path: Path) -> None:
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(ECB_SAMPLE)
    rows = {(r.month, r.currency): r for r in fx.monthly_from_ecb_csv(path, origin="test file")}
    assert ("2022-12", "EUR") not in rows  # before 2023-01 by default
    assert rows[("2026-10", "EUR")].usd_per_unit == pytest.approx((1.12 + 1.10) / 2)
    assert rows[("2026-10", "GBP")].usd_per_unit == pytest.approx((1.12 / 0.84 + 1.10 / 0.82) / 2)
    assert rows[("2026-09", "BGN")].usd_per_unit == pytest.approx(1.0 / 1.9558)
    assert ("2026-10", "BGN") not in rows and ("2026-10", "KES") not in rows  # "N/A" days skipped
    assert rows[("2026-10", "JPY")].source.split("), ")[1] == "monthly mean of 2 daily USD cross rates; test file"
    # The file stops on 2026-11-03, before November's last business day: marked partial.
    assert "partial month, to 2026-11-03" in rows[("2026-11", "EUR")].source
    assert "partial" not in rows[("2026-10", "EUR")].source


def test_update_from_ecb_zip_keeps_other_currencies(tmp_path: Path) -> None:
    archive = tmp_path / "eurofxref-hist.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("eurofxref-hist.csv", ECB_SAMPLE)
    table = tmp_path / "fx_rates.csv"
    table.write_text(
        "month,currency,usd_per_unit,source\n"
        "2025-01,KES,0.0077,Investing.com test row\n"
        "2025-01,EUR,9.99,old ECB row\n"
    )
    try:
        fx.update_from_ecb(archive, table)
        rates = fx.load_fx_rates(table)
        assert [r.source for r in rates["KES"]] == ["Investing.com test row"]
        assert [r.month for r in rates["EUR"]] == ["2026-09", "2026-10", "2026-11"]
    finally:
        fx.load_fx_rates.cache_clear()


def test_minimum_wages_table() -> None:
    """data/minimum_wages.csv (read by dashboard.queries.minimum_wages): every row sourced."""
    with (Path(__file__).resolve().parent.parent / "data" / "minimum_wages.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {"US-federal", "GB", "CA-federal", "DE", "FR", "PH-NCR", "KE-cities", "BR"} <= {r["country"] for r in rows}
    for row in rows:
        assert row["source_url"].startswith("https://"), row
        assert row["unit"] in ("hour", "day", "month")
        assert float(row["amount"]) > 0 and len(row["currency"]) == 3
        # each row says whether it was checked against a stored copy of its official page
        assert row["verification"] in ("official", "unverified"), row
        date.fromisoformat(row["verified_on"])
        assert bool(row["verified_against"]) == (row["verification"] == "official"), row
        date.fromisoformat(row["effective_from"])
    assert {r["unit"] for r in rows if r["country"] == "PH-NCR"} == {"day"}
    assert {r["unit"] for r in rows if r["country"] == "BR"} == {"month"}

    def in_force(country: str, on: date) -> dict[str, str] | None:
        rows_in_force = [r for r in rows if r["country"] == country and date.fromisoformat(r["effective_from"]) <= on]
        return max(rows_in_force, key=lambda r: r["effective_from"]) if rows_in_force else None

    uk_2025 = in_force("GB", date(2025, 6, 1))
    assert uk_2025 is not None and float(uk_2025["amount"]) == 12.21 and "21+" in uk_2025["jurisdiction"]
    us = in_force("US-federal", date(2024, 1, 1))
    assert us is not None and float(us["amount"]) == 7.25
    assert in_force("GB", date(2020, 1, 1)) is None
