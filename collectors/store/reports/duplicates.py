"""The near-duplicate index: which stored reports probably tell of the same payment."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from collectors.reports.schema import PaymentReport
from collectors.store import vault

NEAR_DUPLICATE_DAYS = 3
NEAR_DUPLICATE_AMOUNT = Decimal("0.01")  # 1%
DUP_COLUMNS = ("report_id", "fingerprint", "content_hash", "source_ref", "platform_id",
               "project_code", "currency", "country", "work_period_end", "amount_expected")


def near(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Probably the same report: same platform, project, currency and country, period end within
    3 days and amount within 1% (both amounts needed), or the same fingerprint."""
    if a["fingerprint"] == b["fingerprint"]:
        return True
    if any(a[k] != b[k] for k in ("platform_id", "project_code", "currency", "country")):
        return False
    if a["work_period_end"] is None or b["work_period_end"] is None:
        return False
    if abs((a["work_period_end"] - b["work_period_end"]).days) > NEAR_DUPLICATE_DAYS:
        return False
    x, y = a["amount_expected"], b["amount_expected"]
    if x is None or y is None:
        return False
    x, y = Decimal(x), Decimal(y)
    return abs(x - y) <= NEAR_DUPLICATE_AMOUNT * max(x, y)


def candidates(con: sqlite3.Connection, reports: Sequence[PaymentReport],
               refs: Sequence[str | None] | None = None) -> list[dict[str, Any]]:
    """Stored reports that could duplicate any of `reports` (same platform, nearby dates, or the
    same fingerprint, content hash or source reference: `refs`, one per report, when they are
    stored under other references than the reports', else the reports' own)."""
    if not reports:
        return []
    import json

    platforms = sorted({r.platform_id for r in reports})
    ends = [r.work_period_end for r in reports if r.work_period_end]
    low = (min(ends) - timedelta(days=NEAR_DUPLICATE_DAYS)) if ends else date(1900, 1, 1)
    high = (max(ends) + timedelta(days=NEAR_DUPLICATE_DAYS)) if ends else date(1900, 1, 1)
    refs = sorted({ref for ref in (refs if refs is not None else [r.source_ref for r in reports]) if ref})
    prints = sorted({r.fingerprint for r in reports})
    hashes = sorted({r.content_hash for r in reports})
    rows = vault.report_rows(
        con,
        """((platform_id IN (SELECT value FROM json_each(?)) AND work_period_end BETWEEN ? AND ?)
            OR fingerprint IN (SELECT value FROM json_each(?))
            OR content_hash IN (SELECT value FROM json_each(?))
            OR source_ref IN (SELECT value FROM json_each(?)))""",
        [json.dumps(platforms), low.isoformat(), high.isoformat(), json.dumps(prints),
         json.dumps(hashes), json.dumps(refs)],
    )
    return [{k: row.get(k) for k in DUP_COLUMNS} for row in rows]


def dup_view(report: PaymentReport, report_id: str) -> dict[str, Any]:
    view = {k: getattr(report, k) for k in DUP_COLUMNS if k != "report_id"}
    view["report_id"] = report_id
    return view


class NearIndex:
    """Reports (duplicate views) in the order they were added, looked up by what `near` needs
    equal: the fingerprint, or platform, project, currency, country and a period end within
    NEAR_DUPLICATE_DAYS. A report is compared with those only, not with every report before it
    (an import of n rows made n^2 / 2 comparisons)."""

    _CELL = ("platform_id", "project_code", "currency", "country")

    def __init__(self, views: Iterable[dict[str, Any]] = ()) -> None:
        self._views: list[dict[str, Any]] = []
        self._first_with_print: dict[Any, int] = {}
        self._by_cell_and_end: dict[tuple[Any, ...], list[int]] = {}
        for view in views:
            self.add(view)

    def _key(self, view: Mapping[str, Any], end: date) -> tuple[Any, ...]:
        return (*(view[k] for k in self._CELL), end)

    def add(self, view: dict[str, Any]) -> None:
        position = len(self._views)
        self._views.append(view)
        self._first_with_print.setdefault(view["fingerprint"], position)
        if view["work_period_end"] is not None and view["amount_expected"] is not None:
            self._by_cell_and_end.setdefault(self._key(view, view["work_period_end"]), []).append(position)

    def first_near(self, view: Mapping[str, Any]) -> dict[str, Any] | None:
        """The earliest added report `near` the given one (what a scan in order finds first)."""
        positions = []
        same_print = self._first_with_print.get(view["fingerprint"])
        if same_print is not None:
            positions.append(same_print)
        end = view["work_period_end"]
        if end is not None and view["amount_expected"] is not None:
            for shift in range(-NEAR_DUPLICATE_DAYS, NEAR_DUPLICATE_DAYS + 1):
                positions.extend(self._by_cell_and_end.get(self._key(view, end + timedelta(days=shift)), ()))
        for position in sorted(positions):
            if near(view, self._views[position]):
                return self._views[position]
        return None
