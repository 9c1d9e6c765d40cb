"""Every chart's data, image and citation controls, in a real browser (Debian's Chromium driven by
Playwright) against a real `gigwatch dashboard` on loopback serving the small test lake; and the
Atom feed served by Streamlit's static file serving."""

from __future__ import annotations

import csv
import io
import os
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from collectors.config import Settings
from collectors.feeds import feed_url, feeds_dir, write_feeds
from collectors.store import get_store, reset_stores
from tests.browser import chromium, dashboard_server
from tests.conftest import built_lake
from tests.test_browser import DESKTOP, settle

pytestmark = pytest.mark.browser

from playwright.sync_api import Browser, Page  # noqa: E402

# URL path -> charts the page draws on the small lake (forum signals: none collected).
# pay_trends: advertised, per-unit and effective pay; delays: curves, median, unpaid share and the
# interval-censored median range (every one with its three controls).
CHART_PAGES = {"pay_trends": 3, "availability": 4, "delays": 4}
CONTROLS = ("Download this chart's data", "Download this chart's image", "Cite or share this view")


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    with built_lake(tmp_path_factory, "cite-browser") as settings:
        yield settings


@pytest.fixture(scope="module")
def feeds(lake: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The small lake's feeds where the server serves them; a developer's own demo feeds are put back."""
    target = feeds_dir(lake.lake)
    backup = tmp_path_factory.mktemp("feeds-backup") / "feeds"
    if target.exists():
        shutil.copytree(target, backup)
    write_feeds(get_store(lake))
    reset_stores()
    yield target
    shutil.rmtree(target, ignore_errors=True)
    if backup.exists():
        shutil.copytree(backup, target)


@pytest.fixture(scope="module")
def server(lake: Settings, feeds: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {**os.environ, "GIGWATCH_DATA_DIR": str(lake.data_dir), "GIGWATCH_LAKE": "demo"}
    with dashboard_server(env, tmp_path_factory.mktemp("cite-server"), "--lake", "demo") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as instance:
        yield instance


def _popover(page: Page, label: str, index: int = 0) -> None:
    button = page.locator('[data-testid="stPopover"] button').filter(has_text=label).nth(index)
    button.scroll_into_view_if_needed()
    button.click()
    page.wait_for_selector('[data-testid="stPopoverBody"]', timeout=30_000)
    # The chart popovers draw their content when opened (a rerun): wait for its buttons, links or code.
    page.wait_for_function(
        """() => { const body = document.querySelector('[data-testid="stPopoverBody"]');
                   return body && body.querySelector('button, a, [data-testid="stCode"]') }""",
        timeout=60_000,
    )


def test_explore_downloads_every_row_the_filters_give(server: str, browser: Browser, lake: Settings) -> None:
    """Explore sends the browser a page of rows; its CSV download, built when clicked, holds them all."""
    from dashboard import queries

    store = get_store(lake)
    expected = queries.listing_versions_table(store, store.snapshot_id(), limit=queries.PREVIEW_ROWS)
    reset_stores()
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{server}/explore?table=listing_versions")
    settle(page)
    with page.expect_download(timeout=60_000) as download:
        page.locator("button").filter(has_text="Download CSV").first.click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert len(rows) == len(expected) > 0
    assert [row["listing_key"] for row in rows] == list(expected["listing_key"])
    context.close()


@pytest.mark.parametrize("path", list(CHART_PAGES))
def test_every_chart_has_its_data_image_and_citation_controls(server: str, browser: Browser, path: str) -> None:
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{server}/{path}")
    settle(page, charts=CHART_PAGES[path])
    charts = page.locator(".js-plotly-plot").count()
    assert charts == CHART_PAGES[path]
    for label in CONTROLS:
        assert page.locator('[data-testid="stPopover"] button').filter(has_text=label).count() == charts, label
    assert page.locator('[data-testid="stPopover"] button').filter(has_text="Follow this view").count() == 1
    context.close()


def test_a_chart_gives_its_csv_its_png_and_its_citation(server: str, browser: Browser, lake: Settings) -> None:
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{server}/availability")
    settle(page, charts=CHART_PAGES["availability"])
    _popover(page, CONTROLS[0])
    with page.expect_download(timeout=60_000) as csv_download:
        page.locator('[data-testid="stPopoverBody"] button').filter(has_text="CSV").first.click()
    csv = Path(csv_download.value.path()).read_text()
    assert csv.splitlines()[0].startswith("series,series_name,kind,panel,x,y")
    assert len(csv.splitlines()) > 100  # every platform-day of the open-listings chart
    page.keyboard.press("Escape")
    _popover(page, CONTROLS[1])
    with page.expect_download(timeout=120_000) as png_download:  # rendered by kaleido on the click
        page.locator('[data-testid="stPopoverBody"] button').filter(has_text="PNG").first.click()
    png = Path(png_download.value.path()).read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
    page.keyboard.press("Escape")
    _popover(page, CONTROLS[2])
    body = page.locator('[data-testid="stPopoverBody"]').inner_text()
    snap = get_store(lake).snapshot_id()
    assert f"snapshot={snap}" in body and "@misc{gigwatch_open_listings_" in body and '"type": "dataset"' in body
    assert "Original sources" in body
    context.close()


def test_the_atom_feed_is_served_and_linked(server: str, browser: Browser, feeds: Path) -> None:
    with urllib.request.urlopen(f"{server}/{feed_url('demo')}", timeout=30) as response:
        served = response.read()
    assert served == (feeds / "all.atom").read_bytes()
    parsed = feedparser.parse(served)
    assert not parsed.bozo and parsed.entries
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(server)
    settle(page)
    def hrefs() -> list[str]:
        found: list[str] = page.eval_on_selector_all("a[href*='static/feeds/']", "els => els.map(e => e.getAttribute('href'))")
        return found

    assert "app/static/feeds/demo/demo_alpha.atom" in hrefs()  # on demo_alpha's card
    _popover(page, "Follow this view")
    assert "app/static/feeds/demo/all.atom" in hrefs()
    context.close()
