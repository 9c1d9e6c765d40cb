"""CSV that is safe to open in a spreadsheet: one rule for every CSV gigwatch publishes.

Journalists open gigwatch's CSV files in Excel, LibreOffice or Google Sheets, which run a cell
beginning with `=`, `+`, `-` or `@` as a formula (and treat a leading tab or carriage return the
same way). A listing title such as `=HYPERLINK("https://evil.example","Pay: $50")` would become a
live link, or worse. The OWASP rule: prefix such a text cell with a single quote, which the
spreadsheet shows as text. Only text cells change: numbers (negative ones too) stay numbers, and
Parquet files keep the true value. Documented in data/README.md ("CSV files and spreadsheets").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from pandas.api.types import is_numeric_dtype

__all__ = ["FORMULA_PREFIXES", "neutralise_cell", "neutralise_formulas", "safe_csv_bytes", "write_safe_csv"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """`'` + value when `value` is text a spreadsheet would read as a formula; else `value`."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells cannot run as spreadsheet formulas (numbers untouched)."""
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if is_numeric_dtype(series.dtype) or pd.api.types.is_datetime64_any_dtype(series.dtype):
            continue
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        safe[column] = series.map(neutralise_cell)
    return safe


def safe_csv_bytes(frame: pd.DataFrame) -> bytes:
    """`frame` as UTF-8 CSV (no index), formulas neutralised: what a download button offers."""
    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8")


def write_safe_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write `frame` to `path` as CSV (no index), formulas neutralised."""
    neutralise_formulas(frame).to_csv(path, index=False)
