"""Where a page's time goes: every dashboard page run under Streamlit's AppTest on the benchmark
lake, with each SQL statement the page sends through the store timed and named after the
`dashboard.queries` function that sent it.

`profile_pages` gives, per page, cold (every cache cleared first) and warm (the same page again):
the seconds the script took, the statements run and their seconds, and the rest (Streamlit, plotly,
pandas and the page's own Python). No browser: the browser's share is the difference between this
and `measure_dashboard`'s page times.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from collectors.config import Settings

REPO_DIR = Path(__file__).resolve().parent.parent
APP = REPO_DIR / "dashboard" / "streamlit_app.py"
QUERIES_FILE = str(REPO_DIR / "dashboard" / "queries.py")


def _caller() -> str:
    """The outermost public `dashboard.queries` function (else the page file) that sent a statement:
    the function a page called, not a helper nested in it."""
    stack = traceback.extract_stack()
    for frame in stack:
        if frame.filename == QUERIES_FILE and not frame.name.startswith(("_", "<")) and frame.name != "read":
            return f"queries.{frame.name}"
    for frame in reversed(stack):
        if "/app_pages/" in frame.filename or frame.filename.endswith("common.py"):
            return f"{Path(frame.filename).stem}:{frame.lineno}"
    return "other"


_TABLE = re.compile(r"\blake\.([a-z_][a-z0-9_]*)\b(?!\s*\()")


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement a page sent through the store: who sent it, how long it took, which lake
    tables it named (each needs the catalog's list of the table's files)."""

    caller: str
    seconds: float
    tables: int


@contextlib.contextmanager
def _timed_store() -> Iterator[list[Statement]]:
    """Time every `Store.read_df` / `read_rows` of this process (the class, so the dashboard's
    cached store is included)."""
    from collectors.store import Store

    calls: list[Statement] = []
    originals = {name: getattr(Store, name) for name in ("read_df", "read_rows")}

    def wrap(original: Any) -> Any:
        def timed(self: Any, sql: str, params: Any = None) -> Any:
            started = time.perf_counter()
            try:
                return original(self, sql, params)
            finally:
                tables = len(set(_TABLE.findall(sql)))
                calls.append(Statement(_caller(), time.perf_counter() - started, tables))
        return timed

    for name, original in originals.items():
        setattr(Store, name, wrap(original))
    try:
        yield calls
    finally:
        for name, original in originals.items():
            setattr(Store, name, original)


@contextlib.contextmanager
def _environment(settings: Settings) -> Iterator[None]:
    values = {"GIGWATCH_DATA_DIR": str(settings.data_dir), "GIGWATCH_LAKE": settings.lake,
              "GIGWATCH_CATALOG": settings.catalog, "GIGWATCH_FILES_PATH": settings.files_path}
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _summary(seconds: float, calls: list[Statement], charts: list[dict[str, int]]) -> dict[str, Any]:
    by_function: dict[str, dict[str, float]] = {}
    for call in calls:
        entry = by_function.setdefault(call.caller, {"statements": 0, "ms": 0.0})
        entry["statements"] += 1
        entry["ms"] += call.seconds * 1000
    query_seconds = sum(call.seconds for call in calls)
    ordered = sorted(by_function.items(), key=lambda item: -item[1]["ms"])
    return {
        "seconds": round(seconds, 3),
        "statements": len(calls),
        "query_seconds": round(query_seconds, 3),
        "other_seconds": round(seconds - query_seconds, 3),
        # lake tables named per statement, summed: each is a catalog read of the table's files
        "tables_named": sum(call.tables for call in calls),
        "slowest": {name: round(entry["ms"], 1) for name, entry in ordered[:5]},
        "by_function": {name: {"statements": int(entry["statements"]), "ms": round(entry["ms"], 1)}
                        for name, entry in ordered},
        "charts": charts,
        "plotly_bytes": sum(chart["bytes"] for chart in charts),
        "plotly_points": sum(chart["points"] for chart in charts),
    }


def chart_payloads(at: Any) -> list[dict[str, int]]:
    """Every plotly chart the page drew, as sent to the browser: traces, points (x values over all
    traces) and bytes of the figure's JSON."""
    out = []
    for element in at.get("plotly_chart"):
        spec = element.proto.spec
        figure = json.loads(spec) if spec else {}
        traces = figure.get("data") or []
        points = sum(max(_length(trace.get("x")), _length(trace.get("y"))) for trace in traces)
        out.append({"traces": len(traces), "points": points, "bytes": len(spec)})
    return out


def _length(values: Any) -> int:
    """Values in a trace's x or y as plotly sends them: a list, or a typed array (numpy data is
    sent as {"dtype", "bdata": base64, "shape"})."""
    if isinstance(values, list):
        return len(values)
    if isinstance(values, dict) and "bdata" in values:
        if values.get("shape"):
            return int(str(values["shape"]).split(",")[0])
        return len(base64.b64decode(values["bdata"])) // np.dtype(values.get("dtype", "f8")).itemsize
    return 0


def profile_pages(settings: Settings, pages: Sequence[str], *, timeout: float = 300.0) -> dict[str, Any]:
    """Per page: its script's time under AppTest, cold and warm, split into SQL and the rest."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from collectors.store import reset_stores

    out: dict[str, Any] = {}
    with _environment(settings):
        for page in pages:
            st.cache_data.clear()
            st.cache_resource.clear()
            reset_stores()
            at = AppTest.from_file(str(APP), default_timeout=timeout)
            entry: dict[str, Any] = {}
            with _timed_store() as calls:
                if page != "overview":
                    at.run()  # the default page first, untimed, then its caches cleared
                    st.cache_data.clear()
                    calls.clear()
                    at.switch_page(f"app_pages/{page}.py")
                for label in ("cold", "warm"):
                    calls.clear()
                    started = time.perf_counter()
                    at.run()
                    entry[label] = _summary(time.perf_counter() - started, list(calls), chart_payloads(at))
            if at.exception:
                entry["error"] = str(at.exception[0].value)[:200]
            elif at.error:  # a page that says it could not open the lake drew nothing worth timing
                entry["error"] = str(at.error[0].value)[:200]
            out[page] = entry
    st.cache_data.clear()
    st.cache_resource.clear()
    reset_stores()
    return out


def compare(before: dict[str, Any], after: dict[str, Any]) -> str:
    """A Markdown table of two profiles (e.g. before and after a change), page by page: the
    statements and lake tables a cold page sends, its seconds cold and warm, and what its charts
    send to the browser."""
    lines = ["| page | statements (cold) | tables named (cold) | seconds cold | seconds warm | plotly points | plotly KB |",
             "|---|---|---|---|---|---|---|"]

    def pair(page: str, run: str, key: str, scale: float = 1.0, digits: int = 0) -> str:
        values = [profile.get(page, {}).get(run, {}).get(key) for profile in (before, after)]
        shown = ["–" if v is None else f"{v / scale:,.{digits}f}" for v in values]
        return shown[0] if shown[0] == shown[1] else f"{shown[0]} → {shown[1]}"

    for page in before:
        lines.append(f"| {page} | {pair(page, 'cold', 'statements')} | {pair(page, 'cold', 'tables_named')} "
                     f"| {pair(page, 'cold', 'seconds', digits=2)} | {pair(page, 'warm', 'seconds', digits=2)} "
                     f"| {pair(page, 'cold', 'plotly_points')} | {pair(page, 'cold', 'plotly_bytes', 1000)} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    import argparse

    from benchmarks.bench import BENCH_DIR, bench_settings, dashboard_pages

    parser = argparse.ArgumentParser(description="Where each dashboard page's time goes (AppTest, no browser).")
    parser.add_argument("pages", nargs="*", help="pages (app_pages/*.py stems); default: every page")
    parser.add_argument("--data-dir", type=Path, default=BENCH_DIR, help="the benchmark lake's directory")
    parser.add_argument("--scale", type=float, default=None,
                        help="make (or reuse) the benchmark lake at this scale first, as `python -m benchmarks --scale` does")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"),
                        help="print two saved profiles side by side as a Markdown table, and stop")
    args = parser.parse_args(argv)
    if args.compare:
        before, after = (json.loads(path.read_text()) for path in args.compare)
        print(compare(before, after))
        return
    settings = bench_settings(args.data_dir)
    if args.scale is not None:
        from benchmarks.bench import FULL, ensure_store, scaled
        from collectors.store import reset_stores

        ensure_store(settings, dict(scaled(FULL, args.scale).store))
        reset_stores()
    if not settings.lake_dir.exists():
        parser.error(f"no lake at {settings.lake_dir}: add --scale 0.1 to make one")
    print(json.dumps(profile_pages(settings, args.pages or dashboard_pages()), indent=2, default=str))


if __name__ == "__main__":
    main()
