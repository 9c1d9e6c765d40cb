"""Where a page's time goes: every dashboard page run under Streamlit's AppTest on the benchmark
lake, with each SQL statement the page sends through the store timed and named after the
`dashboard.queries` function that sent it.

`profile_pages` gives, per page, cold (every cache cleared first) and warm (the same page again):
the seconds the script took, the statements run and their seconds, and the rest (Streamlit, plotly,
pandas and the page's own Python). No browser: the browser's share is the difference between this
and `measure_dashboard`'s page times.
"""

from __future__ import annotations

import contextlib
import os
import time
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from collectors.config import Settings

REPO_DIR = Path(__file__).resolve().parent.parent
APP = REPO_DIR / "dashboard" / "streamlit_app.py"
QUERIES_FILE = str(REPO_DIR / "dashboard" / "queries.py")


def _caller() -> str:
    """The `dashboard.queries` function (else the page file) that sent a statement."""
    for frame in reversed(traceback.extract_stack()):
        if frame.filename == QUERIES_FILE and not frame.name.startswith(("_", "<")):
            return f"queries.{frame.name}"
    for frame in reversed(traceback.extract_stack()):
        if "/app_pages/" in frame.filename or frame.filename.endswith("common.py"):
            return f"{Path(frame.filename).stem}:{frame.lineno}"
    return "other"


@contextlib.contextmanager
def _timed_store() -> Iterator[list[tuple[str, float]]]:
    """Time every `Store.read_df` / `read_rows` of this process (the class, so the dashboard's
    cached store is included)."""
    from collectors.store import Store

    calls: list[tuple[str, float]] = []
    originals = {name: getattr(Store, name) for name in ("read_df", "read_rows")}

    def wrap(original: Any) -> Any:
        def timed(self: Any, sql: str, params: Any = None) -> Any:
            started = time.perf_counter()
            try:
                return original(self, sql, params)
            finally:
                calls.append((_caller(), time.perf_counter() - started))
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


def _summary(seconds: float, calls: list[tuple[str, float]]) -> dict[str, Any]:
    by_function: dict[str, float] = {}
    for name, spent in calls:
        by_function[name] = by_function.get(name, 0.0) + spent
    query_seconds = sum(spent for _name, spent in calls)
    return {
        "seconds": round(seconds, 3),
        "statements": len(calls),
        "query_seconds": round(query_seconds, 3),
        "other_seconds": round(seconds - query_seconds, 3),
        "slowest": {name: round(spent * 1000, 1) for name, spent in
                    sorted(by_function.items(), key=lambda item: -item[1])[:5]},
    }


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
                    entry[label] = _summary(time.perf_counter() - started, list(calls))
            if at.exception:
                entry["error"] = str(at.exception[0].value)[:200]
            out[page] = entry
    st.cache_data.clear()
    st.cache_resource.clear()
    reset_stores()
    return out
