"""`gigwatch reports import FILE`: read a union's export (CSV or a JSON array), validate every row,
store the valid ones in one transaction, and print what happened to each row.

The format is documented in docs/report-import-format.md. Field names follow the report schema
(`platform`, `status`, `work_period_start`, `work_period_end`, `expected_pay_date`, `paid_date`,
`amount_expected`, `amount_received`, `currency`, `payment_method`, ...). CSV files must be UTF-8
(a BOM, as Excel writes, is fine); anything else is refused with the byte and line where decoding
failed, before anything is stored. Lists (`causes`, `evidence_types`) are separated by ";" in CSV
and are arrays in JSON.

Exit codes: 0 every row stored, held or a duplicate; 1 some rows rejected (the others stored);
2 the file could not be read (nothing stored).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from collectors.config import Settings
from collectors.reports.schema import RowError, show

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
# A narrative may be up to 2,000 characters; a cell far larger is still read so that its row is
# rejected with a clear message rather than the whole file failing.
csv.field_size_limit(4 * 1024 * 1024)


class ImportFormatError(ValueError):
    """The file as a whole cannot be read; nothing from it is stored."""


@dataclass(frozen=True, slots=True)
class ImportRows:
    rows: list[Any]  # dicts (or, from a malformed JSON array, whatever the item was)
    labels: list[str]  # where each row is: "line 3" (CSV) or "item 2" (JSON)
    file_format: str


def _decode(data: bytes, path: Path) -> str:
    if b"\x00" in data[:4096]:
        raise ImportFormatError(f"{path.name}: looks like a binary or UTF-16 file, not UTF-8 text. "
                                "Save it as 'CSV UTF-8' (or JSON in UTF-8) and try again.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFormatError(
            f"{path.name}: not UTF-8 (byte 0x{data[exc.start]:02X} on line {line} cannot be "
            "decoded). Save the file as 'CSV UTF-8' (Excel: File > Save As > CSV UTF-8; "
            "LibreOffice: character set Unicode (UTF-8)) and try again. Nothing was stored."
        ) from exc


def _blank_to_none(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in row.items()}


def read_rows(path: Path) -> ImportRows:
    """The rows of a CSV or JSON export. Raises ImportFormatError when the file cannot be read."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot be read ({exc.strerror})") from exc
    if size > MAX_FILE_BYTES:
        raise ImportFormatError(f"{path.name}: {size:,} bytes; at most {MAX_FILE_BYTES:,} are "
                                "accepted in one import. Split the file.")
    data = path.read_bytes()
    text = _decode(data, path)
    stripped = text.lstrip()
    is_json = path.suffix.lower() == ".json" or (path.suffix.lower() != ".csv" and stripped[:1] in "[{")
    if is_json:
        return _json_rows(text, path)
    return _csv_rows(text, path)


MAX_JSON_DEPTH = 8  # a report is an array of objects holding lists and small objects (rate, payments)
MAX_INT_DIGITS = 30  # no amount, count or id in a report is longer


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"a number {len(text):,} digits long")
    return int(text)


def _depth(value: Any, limit: int) -> int:
    """How deeply `value` nests arrays and objects, counting at most to `limit + 1`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def _json_rows(text: str, path: Path) -> ImportRows:
    try:
        document = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"{path.name}: not valid JSON (line {exc.lineno}, column "
                                f"{exc.colno}: {exc.msg}). Nothing was stored.") from exc
    except RecursionError as exc:
        raise ImportFormatError(f"{path.name}: the JSON nests arrays or objects too deeply to be a "
                                f"report file (at most {MAX_JSON_DEPTH} levels). Nothing was stored.") from exc
    except ValueError as exc:  # parse_int's refusal, or Python's own digit limit
        raise ImportFormatError(f"{path.name}: the JSON holds {exc}; numbers in a report file have "
                                f"at most {MAX_INT_DIGITS} digits. Nothing was stored.") from exc
    if _depth(document, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise ImportFormatError(f"{path.name}: the JSON nests arrays or objects more than "
                                f"{MAX_JSON_DEPTH} levels deep; a report file is an array of flat "
                                "objects. Nothing was stored.")
    if not isinstance(document, list):
        raise ImportFormatError(f"{path.name}: the JSON must be an array of objects, one per report "
                                f"([{{...}}, {{...}}]), not {type(document).__name__}")
    if len(document) > MAX_ROWS:
        raise ImportFormatError(f"{path.name}: {len(document):,} items; at most {MAX_ROWS:,} per import")
    rows = [_blank_to_none(item) if isinstance(item, dict) else item for item in document]
    return ImportRows(rows, [f"item {i}" for i in range(1, len(rows) + 1)], "json")


def _csv_rows(text: str, path: Path) -> ImportRows:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise ImportFormatError(f"{path.name}: empty file (no header row)")
    header = [h.strip() for h in reader.fieldnames]
    if len(set(header)) != len(header):
        dups = sorted({h for h in header if header.count(h) > 1})
        raise ImportFormatError(f"{path.name}: duplicate column(s) {', '.join(map(show, dups))}")
    if "platform" not in header or "status" not in header:
        raise ImportFormatError(
            f"{path.name}: the header row must name at least the columns 'platform' and 'status' "
            f"(found: {', '.join(show(h, 20) for h in header[:12])}). See docs/report-import-format.md."
        )
    reader.fieldnames = header
    rows: list[Any] = []
    labels: list[str] = []
    try:
        start = 2
        for record in reader:
            if len(rows) >= MAX_ROWS:
                raise ImportFormatError(f"{path.name}: more than {MAX_ROWS:,} rows; split the file")
            extra = record.pop(None, None)
            row = _blank_to_none(dict(record))
            if all(v is None for v in row.values()) and not extra:
                start = reader.line_num + 1
                continue  # blank line
            if extra:
                # Usually an unquoted comma in a narrative: every later cell is shifted, so the
                # row's values cannot be trusted.
                rows.append(RowError(f"row: {len(header) + len(extra)} cells but {len(header)} "
                                     "columns; quote cells that contain commas"))
            else:
                rows.append(row)
            labels.append(f"line {start}" if reader.line_num == start else f"lines {start}-{reader.line_num}")
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFormatError(f"{path.name}: CSV error on line {reader.line_num}: {exc}") from exc
    return ImportRows(rows, labels, "csv")


def format_account(account: Any) -> list[str]:
    """The printed account: one line per row, then a summary."""
    lines: list[str] = []
    verbs = {
        "stored": "stored",
        "held": "stored, held for review",
        "duplicate": "duplicate, not stored again",
        "rejected": "REJECTED, nothing stored",
    }
    from collectors.reports.delays import MISSING_REASONS, delay_figures
    from collectors.reports.schema import in_words

    reports = []
    for row in account.rows:
        ident = f" as report {row.report_id[:8]}" if row.report_id and row.outcome != "duplicate" else ""
        head = f"{row.label}: {verbs[row.outcome]}{ident}"
        lines.append(head + (":" if row.messages else ""))
        # Errors in the words of the form's labels ("Date you were paid: ..."), not field names.
        lines.extend(f"    - {in_words(message) if row.outcome == 'rejected' else message}"
                     for message in row.messages)
        report = getattr(row, "report", None)
        if report is not None:
            reports.append(report)
            lines.append(f"    days late: {_delay_words(report, MISSING_REASONS)}")
    total = len(account.rows)
    prefix = "DRY RUN (nothing stored): " if account.dry_run else ""
    lines.append(
        f"{prefix}{total} row(s): {account.count('stored')} stored, {account.count('held')} held for "
        f"review, {account.count('duplicate')} duplicate, {account.count('rejected')} rejected."
    )
    if not account.dry_run and total:
        lines.append(f"Import run {account.run_id} ({account.source_name}). Stored reports await "
                     "moderation before they count in public figures.")
    if reports:
        lines.append("Days-late figures these reports alone would give, per platform (before moderation, "
                     "and before other reports are counted with them):")
        for figure in delay_figures(reports, by=["platform_id"]).to_dict("records"):
            if figure["missing_reason"] is None:
                text = (f"median {_days(figure['median_days_low'], figure['median_days_high'])} days late "
                        f"({figure['n_independent']} independent reports with a delay)")
            else:
                text = f"no figure: {figure['missing_detail']}"
            lines.append(f"    {figure['platform_id']}: {figure['n_reports']} report(s); {text}")
    return lines


def _days(low: Any, high: Any) -> str:
    if high is None:
        return f"at least {low:g}"
    return f"{low:g}" if low == high else f"{low:g} to {high:g}"


def _delay_words(report: Any, reasons: dict[str, str]) -> str:
    """Whether and how a report enters days late: its interval, or why it does not."""
    if report.delay_lower_days is None:
        return f"not counted: {reasons.get(report.delay_reason or 'no_due_date', report.delay_reason)}"
    basis = {"stated": "stated due date", "published_schedule": "platform's published schedule",
             "estimated_from_cycle": "due date estimated from the stated pay cycle"}.get(report.due_basis or "", "")
    span = (f"still unpaid after {report.delay_lower_days} days" if report.delay_upper_days is None
            else f"{report.delay_lower_days} days" if report.delay_lower_days == report.delay_upper_days
            else f"between {report.delay_lower_days} and {report.delay_upper_days} days")
    return span + (f" (from the {basis})" if basis else "")


def run_import(path: Path, settings: Settings, *, source_name: str | None = None,
               source_kind: str = "union_import", dry_run: bool = False,
               echo: Callable[[str], None] = print) -> int:
    """Read, validate, store and print the account; returns the exit code (see module doc)."""
    from collectors.store import StoreError, get_store
    from collectors.store.reports import import_reports

    try:
        parsed = read_rows(path)
    except ImportFormatError as exc:
        echo(f"error: {exc}")
        return 2
    if not parsed.rows:
        echo(f"{path.name}: no rows to import.")
        return 0
    try:
        store = get_store(settings)
        account = import_reports(store, parsed.rows, source_name=source_name or path.stem,
                                 source_kind=source_kind, labels=parsed.labels, dry_run=dry_run)
    except StoreError as exc:
        echo(f"error: {exc}. Nothing was stored.")
        return 2
    for line in format_account(account):
        echo(line)
    return 1 if account.count("rejected") else 0


def run_import_cli(path: Path, settings: Settings, *, source_name: str | None = None,
                   source_kind: str = "union_import", dry_run: bool = False,
                   out: TextIO | None = None) -> int:
    """Entry point for `gigwatch reports import FILE`: prints the row-by-row account."""
    stream = out or sys.stdout

    def echo(line: str) -> None:
        print(line, file=stream)

    return run_import(path, settings, source_name=source_name, source_kind=source_kind,
                      dry_run=dry_run, echo=echo)
