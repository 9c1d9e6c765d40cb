"""Serve the dashboard from a warmed process: `python -m dashboard.serve [streamlit flags]`.

`streamlit run` starts answering before the app's own modules are imported, so the first visitor
after a start pays for importing pandas, plotly and gigwatch, for opening the lake (attach,
migrations, the catalog's first read) and for loading the translations: about two seconds on the
benchmark machine, on every page (benchmarks/, "cold"). Here that work is done once, before the
server listens, and then Streamlit runs in this same process, so its script runs find the modules
imported and the store open (`collectors.store.get_store` keeps one per process).

Nothing read from the data is kept: no query runs beyond the lake's current snapshot id, and every
`st.cache_data` starts empty, so the first visit to a page still runs all of its queries (and a
permalink still reads exactly its snapshot). `gigwatch dashboard` and `make run` start the
dashboard this way; `streamlit run dashboard/streamlit_app.py` still works, unwarmed.
"""

from __future__ import annotations

import ast
import gc
import importlib
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

APP = Path(__file__).resolve().parent / "streamlit_app.py"
PAGES_DIR = APP.parent / "app_pages"

log = logging.getLogger("gigwatch.serve")


def page_modules(pages_dir: Path = PAGES_DIR, app: Path = APP) -> list[str]:
    """Every module the app script, its pages and the `dashboard` package import, those imported
    inside functions included (read from their source, never run)."""
    names: set[str] = set()
    for path in [app, *sorted(pages_dir.glob("*.py")), *sorted(APP.parent.glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                # `from dashboard import charts`: charts is a module of its own.
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return sorted(names - {"dashboard.serve", "__main__"})


def _import_all(names: Sequence[str]) -> list[str]:
    imported = []
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:  # `from dashboard import common` names a module; `import_module("x.Name")` of a class does not
            continue
        imported.append(name)
    return imported


def _warm_libraries() -> None:
    """plotly, narwhals and pyarrow import parts of themselves on first use: a small figure with
    the kinds of traces, lines, annotations and shapes the charts draw, from pandas columns, and a
    small frame turned into Arrow (as `st.dataframe` does), make that happen now. Made-up values:
    nothing is read from the lake."""
    import pandas as pd
    import plotly.graph_objects as go
    import pyarrow as pa
    from plotly.subplots import make_subplots

    frame = pd.DataFrame({"x": pd.to_datetime(["2026-01-05", "2026-01-12"]), "y": [1.0, 2.0]})
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, subplot_titles=["a", "b"])
    figure.add_trace(go.Scatter(x=frame["x"], y=frame["y"], mode="lines", line={"width": 1, "shape": "hv"},
                                error_x={"array": [0, 0]}, error_y={"array": [0, 0]}), row=1, col=1)
    figure.add_trace(go.Bar(x=frame["x"], y=frame["y"], marker={"pattern": {"shape": "/"}},
                            error_x={"array": [0, 0]}), row=2, col=1)
    figure.add_trace(go.Box(y=frame["y"]), row=2, col=1)
    figure.add_trace(go.Heatmap(z=[[0, 1]]), row=2, col=1)
    figure.add_annotation(text="a", font={"size": 10}, x=0.5, y=0.5, xref="paper", yref="paper")
    figure.add_vline(x=frame["x"].iloc[0], line={"dash": "dot"}, row=1, col=1)
    figure.update_layout(title={"text": "t", "font": {"size": 16}}, yaxis_title={"text": "y", "font": {"size": 11}},
                         xaxis_title={"text": "x"})
    figure.to_dict()
    figure.to_json()
    pa.Table.from_pandas(frame)
    frame.to_csv()
    frame.to_dict("records")


def warm() -> dict[str, float]:
    """Import what the pages use, open the lake and load the translations, then freeze what that
    made out of the garbage collector (`gc.freeze`); returns seconds by step.

    A failure to open the lake is logged and left for the pages, which say so to the visitor
    (`common.page_frame`): the server still starts.
    """
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    _import_all(page_modules())
    seconds["imports"] = time.perf_counter() - started

    step = time.perf_counter()
    _warm_libraries()
    seconds["libraries"] = time.perf_counter() - step

    step = time.perf_counter()
    from dashboard import i18n

    for language in i18n.LANGUAGES:
        i18n.translations(language)
    seconds["translations"] = time.perf_counter() - step

    step = time.perf_counter()
    try:
        from collectors.config import load_settings
        from collectors.store import get_store

        get_store(load_settings()).snapshot_id()
    except Exception as exc:  # the pages report a store they cannot open
        log.warning("gigwatch: the lake could not be opened before serving: %s", exc)  # i18n-ignore: server log
    seconds["store"] = time.perf_counter() - step

    # Streamlit runs a full garbage collection after every page run (`runner.postScriptGC`); over
    # the objects made by the imports above it took 0.11-0.19 s a run here. Freezing them leaves
    # the collection to the objects page runs make (Python's `gc.freeze`, meant for this).
    gc.collect()
    gc.freeze()
    return {name: round(value, 3) for name, value in seconds.items()}


def main(argv: Sequence[str] | None = None) -> None:
    """Warm the process, then hand it to `streamlit run dashboard/streamlit_app.py [argv]`."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    flags = list(sys.argv[1:] if argv is None else argv)
    log.info("gigwatch: warmed before serving (seconds): %s", warm())  # i18n-ignore: server log
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *flags]
    cli.main()


if __name__ == "__main__":
    main()
