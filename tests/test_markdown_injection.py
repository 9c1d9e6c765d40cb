"""Markdown injection (issue 13, item 5): values from the URL or the data never become markup.

`?snapshot=[Official notice](https://evil.example) ![](http://tracker/)` used to render a clickable
link and load a tracking image inside the page's error box; a platform name is data too. Checked
three ways: `md_escape` itself (rendered by a CommonMark parser, the text comes back unchanged and
without tags), every page under AppTest (no element's markdown renders a link or an image), and the
real dashboard in Chromium (no `<a href="https://evil.example">`, no `<img>` to the tracker; the
production `.streamlit/config.toml` is in force: no Deploy button).
"""

from __future__ import annotations

import html
import os
import re
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from collectors.cli import streamlit_flags
from collectors.config import Settings, load_settings
from collectors.pay import Pay
from collectors.records import ListingRecord
from collectors.store import get_store, reset_stores
from collectors.store.listings import ListingRun, RunRecord, save_listing_runs
from collectors.store.reference import load_reference_data, set_meta
from dashboard.common import md_escape
from tests.browser import REPO, chromium, dashboard_server, require_browser

APP = str(REPO / "dashboard" / "streamlit_app.py")
PAYLOAD = "[Official notice](https://evil.example) ![](http://tracker/)"
HOSTILE = [
    PAYLOAD,
    '<img src="http://tracker/pixel.png" onerror="alert(1)"> <a href="https://evil.example">x</a>',
    "**bold** _it_ `code` # not a heading | a | b | ~~strike~~ $x^2$ :red[alarm] :material/warning:",
    "www.evil.example and https://evil.example/autolink <https://evil.example/angle>",
    "line one\n# heading\n> quote\n- item",
    "\\[still escaped\\](https://evil.example)",
]
HOSTILE_PLATFORM = "Evil [Official notice](https://evil.example) ![](http://tracker/p.png)"
MD = MarkdownIt("commonmark", {"html": True, "linkify": False})
LINK_OR_IMAGE = re.compile(r"<a\s|<img\s", re.IGNORECASE)


def rendered(markdown: str) -> str:
    return MD.render(markdown)


def visible_text(markdown: str) -> str:
    """What a reader sees (md_escape's invisible word joiners, which stop autolinks, left out)."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered(markdown))).replace("\u2060", "").strip()


@pytest.mark.parametrize("value", HOSTILE)
def test_md_escape_shows_the_characters_and_nothing_else(value: str) -> None:
    escaped = md_escape(value)
    out = rendered(escaped)
    assert not LINK_OR_IMAGE.search(out), out
    assert re.fullmatch(r"<p>.*</p>\n", out, re.DOTALL), out  # one plain paragraph, no other block
    assert visible_text(escaped) == " ".join(value.splitlines())
    assert not re.search(r"(?<!\\)[$:]", escaped)  # no LaTeX, no autolink, no :directive[...]


def markdown_of(at: AppTest) -> list[str]:
    """The markdown source of every element that renders markdown."""
    found: list[str] = []
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "subheader", "header", "title"):
        found += [str(element.value) for element in getattr(at, kind)]
    return found


@pytest.fixture(scope="module")
def hostile_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A lake whose one platform has a hostile name (platform names are data, like titles)."""
    settings = load_settings(lake="demo", env={"GIGWATCH_DATA_DIR": str(tmp_path_factory.mktemp("md-hostile"))})
    store = get_store(settings)
    load_reference_data(store, demo_platforms=[
        {"platform_id": "demo_evil", "name": HOSTILE_PLATFORM, "parent_company": "Test data", "website": None},
    ])
    started = datetime.now(UTC) - timedelta(hours=1)
    records = [
        ListingRecord(external_id=f"e{i}", title=title, url=f"https://example.org/e{i}", is_remote=True,
                      pay_text="$20 per hour", pay=Pay(min=20, max=20, currency="USD", unit="hour"))
        for i, title in enumerate(HOSTILE)
    ]
    run = RunRecord(
        run_id="test-md-001", source_name="demo_evil-board", platform_id="demo_evil", started_at=started,
        finished_at=started + timedelta(seconds=5), status="ok", complete=True, items_count=len(records), error=None,
    )
    save_listing_runs(store, platform_id="demo_evil", source_name="demo_evil-board", runs=[ListingRun(run=run, records=records)])
    set_meta(store, {"demo": "true", "demo_built": "true"})
    reset_stores()
    yield settings
    reset_stores()


def app(settings: Settings, monkeypatch: pytest.MonkeyPatch, page: str, params: dict[str, str]) -> AppTest:
    monkeypatch.setenv("GIGWATCH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GIGWATCH_LAKE", settings.lake)
    monkeypatch.delenv("GIGWATCH_CATALOG", raising=False)
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", ["overview", "pay_trends", "availability", "delays", "explore", "health"])
def test_no_page_renders_a_link_or_image_from_the_url_or_the_data(
    page: str, hostile_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = {"snapshot": PAYLOAD, "listing": PAYLOAD, "q": PAYLOAD}
    at = app(hostile_settings, monkeypatch, page, params)
    sources = markdown_of(at)
    for source in sources:
        assert not LINK_OR_IMAGE.search(rendered(source)), source
    notice = [s for s in at.error if "This link asks for snapshot" in str(s.value)]
    assert len(notice) == 1
    assert "[Official notice](https://evil.example)" in visible_text(str(notice[0].value))  # shown, as text
    if page == "overview":
        names = [s for s in sources if "Official notice" in s and s not in {str(n.value) for n in notice}]
        assert names, "the hostile platform name is shown somewhere"
        assert all(HOSTILE_PLATFORM in visible_text(s) for s in names)


# -- in Chromium ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dashboard_url(hostile_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {**os.environ, "GIGWATCH_DATA_DIR": str(hostile_settings.data_dir), "GIGWATCH_LAKE": "demo"}
    with dashboard_server(env, tmp_path_factory.mktemp("md-server"), "--lake", "demo", start_timeout=120) as url:
        yield url


@pytest.mark.browser
def test_in_chromium_no_link_nor_tracker_image_and_the_production_config(dashboard_url: str) -> None:
    require_browser()
    tracker_requests: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on("request", lambda request: tracker_requests.append(request.url)
                if urllib.parse.urlsplit(request.url).hostname in ("tracker", "evil.example") else None)
        page.goto(f"{dashboard_url}/?snapshot={urllib.parse.quote(PAYLOAD)}")
        page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=120_000)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)
        page.get_by_text("This link asks for snapshot").wait_for(timeout=60_000)
        body = page.locator('[data-testid="stMain"]')
        assert body.get_by_text("[Official notice](https").count() >= 1  # shown as text
        links = page.locator('a[href^="https://evil.example"]')
        assert links.count() == 0, "\n".join(links.nth(i).evaluate("e => e.parentElement.parentElement.outerHTML") for i in range(links.count()))
        assert page.locator('img[src^="http://tracker"]').count() == 0
        assert tracker_requests == []
        # .streamlit/config.toml in force: toolbarMode "viewer" leaves no Deploy button.
        assert page.locator('[data-testid="stAppDeployButton"]').count() == 0


def test_the_dashboard_command_passes_the_production_config() -> None:
    flags = streamlit_flags()
    pairs = dict(zip(flags[::2], flags[1::2], strict=True))
    assert pairs["--client.toolbarMode"] == "viewer"
    assert pairs["--client.showErrorDetails"] == "none"
    assert pairs["--server.enableXsrfProtection"] == "true"
    assert 0 < int(pairs["--server.maxUploadSize"]) <= 10
