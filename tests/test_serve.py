"""The warmed dashboard process (dashboard/serve.py): what `gigwatch dashboard` starts.

The browser tests start the dashboard through `gigwatch dashboard` (tests/browser.py), so every
page they drive is served by this launcher; these tests check what the warm-up itself promises.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from collectors.config import Settings, load_settings
from collectors.store import get_store, reset_stores
from dashboard import serve
from tests.conftest import REPO_ROOT, built_lake


@pytest.fixture(scope="module")
def small_lake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    with built_lake(tmp_path_factory, "serve") as settings:
        yield settings


def test_page_modules_include_what_the_pages_import_inside_functions() -> None:
    modules = serve.page_modules()
    # Imported at the top of pages and of dashboard modules...
    assert {"dashboard.common", "dashboard.charts", "dashboard.queries", "pandas", "streamlit"} <= set(modules)
    # ...and inside functions (common.release_links imports collectors.release when it draws).
    assert "collectors.release" in modules
    assert "dashboard.serve" not in modules


@pytest.fixture(autouse=True)
def _unfreeze() -> Iterator[None]:
    """warm() freezes this process's objects out of the garbage collector: undo it after each test."""
    yield
    gc.unfreeze()


def test_warm_opens_this_process_store_and_loads_the_translations(small_lake: Settings,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIGWATCH_DATA_DIR", str(small_lake.data_dir))
    monkeypatch.setenv("GIGWATCH_LAKE", small_lake.lake)
    reset_stores()
    seconds = serve.warm()
    assert set(seconds) == {"imports", "libraries", "translations", "store"}
    assert all(value >= 0 for value in seconds.values())
    from dashboard import i18n

    assert i18n.translations.cache_info().currsize == len(i18n.LANGUAGES)
    # The store the pages will ask for is the one warm() opened: no second attach on the first visit.
    opened = get_store(load_settings())
    assert get_store(load_settings()) is opened
    assert opened.snapshot_id() > 0
    # What the imports and the store made is frozen: Streamlit's collection after each page run
    # (runner.postScriptGC) no longer walks it.
    assert gc.get_freeze_count() > 0


def test_warm_starts_the_server_even_when_the_lake_cannot_be_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("a file where the lake's folder should be")
    monkeypatch.setenv("GIGWATCH_DATA_DIR", str(not_a_folder))
    reset_stores()
    with caplog.at_level("WARNING", logger="gigwatch.serve"):
        seconds = serve.warm()
    reset_stores()
    assert "store" in seconds
    assert "the lake could not be opened before serving" in caplog.text


def test_after_warming_no_page_imports_a_module_of_gigwatch(small_lake: Settings) -> None:
    """In a fresh interpreter: warm, then run every page under AppTest; the pages import none of
    gigwatch's modules any more (the first visitor does not pay for them)."""
    script = textwrap.dedent("""
        import json, sys
        from dashboard.serve import APP, PAGES_DIR, warm
        warm()
        from streamlit.testing.v1 import AppTest
        before = set(sys.modules)
        failed = []
        for page in sorted(PAGES_DIR.glob("*.py")):
            at = AppTest.from_file(str(APP), default_timeout=120)
            at.run()
            at.switch_page(f"app_pages/{page.name}")
            at.run()
            failed += [f"{page.stem}: {e.value}" for e in at.exception]
        new = sorted(set(sys.modules) - before)
        print(json.dumps({"new": new, "failed": failed}))
    """)
    env = {"PATH": "/usr/bin:/bin", "GIGWATCH_DATA_DIR": str(small_lake.data_dir), "GIGWATCH_LAKE": small_lake.lake,
           "GIGWATCH_CONFIG": str(small_lake.data_dir / "none.toml"), "HOME": str(small_lake.data_dir)}
    (small_lake.data_dir / "none.toml").write_text("")
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["failed"] == []
    ours = [name for name in result["new"] if name.split(".")[0] in {"dashboard", "collectors"}]
    assert ours == []
    # Besides Streamlit's own (its testing module, the component scan), the libraries the charts
    # use were warmed too: at most a handful of small plotly or pandas parts remain.
    libraries = [name for name in result["new"] if name.split(".")[0] in {"plotly", "narwhals", "pyarrow", "pandas"}]
    assert len(libraries) <= 5, libraries
