"""What the browser tests share: a real `gigwatch dashboard` server on loopback, Debian's Chromium
driven by Playwright, and the rule for when neither is there (skipped on a developer's machine, a
failure in CI where GIGWATCH_REQUIRE_BROWSER is set).

Playwright is imported only when a browser is launched, so a test module that imports this one
still loads where the package is missing and decides for itself when to call `require_browser`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def why_unavailable() -> str | None:
    if not CHROMIUM.exists():
        return "Debian's Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright Python package is not installed (uv sync)"
    return None


def require_browser() -> None:
    """Skip (a whole module when called at its top, else the test) where there is no browser;
    with GIGWATCH_REQUIRE_BROWSER set (CI) a missing browser is a failure instead."""
    if reason := why_unavailable():
        if os.environ.get("GIGWATCH_REQUIRE_BROWSER"):
            pytest.fail(f"GIGWATCH_REQUIRE_BROWSER is set but {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def dashboard_server(
    env: Mapping[str, str], log_dir: Path, *args: str, start_timeout: float = 180
) -> Iterator[str]:
    """`gigwatch dashboard *args` on a free loopback port with `env`; yields its URL once
    Streamlit answers its health check, and stops the CLI and the streamlit it started after."""
    port = free_port()
    log_path = log_dir / "dashboard.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "collectors.cli", "dashboard", *args, "--port", str(port),
             "--address", "127.0.0.1"],
            cwd=REPO, env=dict(env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if process.poll() is not None:
                pytest.fail(f"the dashboard exited ({process.returncode}):\n{log_path.read_text()[-3000:]}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"the dashboard did not start in time:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # the CLI and the streamlit process it started
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, launched by Playwright (a `playwright.sync_api.Browser`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def choose_option(page: Any, label: str, option: str) -> None:
    """Pick `option` in the Streamlit select box labelled `label` (typing filters the options)."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first.locator("input")
    box.scroll_into_view_if_needed()
    choice = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):  # on a busy machine the list may open after the typing: open it, then type
        box.click()
        box.fill(option)  # typing filters the options
        try:
            choice.wait_for(state="visible", timeout=10_000)
        except Exception:
            page.keyboard.press("Escape")
            continue
        choice.click()
        return
    choice.click()  # the last try: fails with Playwright's own message
