"""The dashboard in a real browser: Debian's Chromium, driven by Playwright, against a real
`gigwatch dashboard` server on loopback serving a demo lake built in a temporary directory.

Every page loads with no error and draws its charts (plotly's SVG); a report sent through the form
reaches the moderation queue; a permalink opened in a fresh browser shows the same numbers even
after a new collection. Screenshots of every page (desktop and phone widths) are written to
`test-artifacts/screenshots/` for a person to look at.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from collectors.config import Settings, load_settings
from collectors.store import get_store, reset_stores
from collectors.store.listings import ListingRun, RunRecord, save_listing_runs
from tests.browser import REPO, choose_option, chromium, dashboard_server, require_browser
from tests.dashboard_lake import build_small_lake

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
ADMIN_PASSWORD = "browser-test-password"
# URL path -> plotly charts the page draws on demo data. The overview is the app's root.
PAGES = {"": 0, "pay_trends": 2, "availability": 4, "delays": 2, "explore": 0, "health": 0,
         "methodology": 0, "report": 0, "admin": 0}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

require_browser()

from playwright.sync_api import Browser, Page  # noqa: E402


def _build_lake(settings: Settings) -> None:
    if importlib.util.find_spec("collectors.demo_reports") is not None:
        from collectors.demo import build_demo

        build_demo(settings, days=240)
    else:  # until the demo's reports land, the small test lake stands in for it
        build_small_lake(settings)


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = load_settings(lake="demo", env={"GIGWATCH_DATA_DIR": str(tmp_path_factory.mktemp("browser-demo"))})
    _build_lake(settings)
    reset_stores()  # the server opens the lake itself; the tests reopen it when they write
    yield settings
    reset_stores()


@pytest.fixture(scope="module")
def server(lake: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {
        **os.environ, "GIGWATCH_DATA_DIR": str(lake.data_dir), "GIGWATCH_LAKE": "demo",
        "GIGWATCH_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    env.pop("GIGWATCH_ADMIN_PASSWORD_HASH", None)
    with dashboard_server(env, tmp_path_factory.mktemp("browser-server"), "--lake", "demo") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {SCREENSHOTS}")
    with chromium() as instance:
        yield instance


def settle(page: Page, *, charts: int = 0, timeout_ms: int = 180_000) -> None:
    """Wait until the script has run and `charts` plotly charts have drawn their SVG."""
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)
    if charts:
        page.wait_for_function(
            "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n", arg=charts,
            timeout=timeout_ms,
        )
    page.wait_for_timeout(800)  # let late elements paint


def screenshot(page: Page, name: str, viewport: dict[str, int]) -> Path:
    """The whole page, not just the window: Streamlit scrolls inside its main block."""
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]'); return m ? m.scrollHeight : 0 }"
    )
    page.set_viewport_size({"width": viewport["width"], "height": min(max(viewport["height"], int(height) + 40), 16_000)})
    page.wait_for_timeout(600)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    page.set_viewport_size(viewport)
    return path


def problems(page: Page) -> list[str]:
    found = [f"exception: {text[:300]}" for text in page.locator('[data-testid="stException"]').all_inner_texts()]
    body = page.inner_text("body")
    found += [f"text: {word}" for word in ("Traceback", "Error:", "Page not found") if word in body]
    return found


@pytest.mark.parametrize("path", list(PAGES), ids=[p or "overview" for p in PAGES])
def test_every_page_loads_draws_its_charts_and_is_captured(server: str, browser: Browser, path: str) -> None:
    name = path or "overview"
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
        page = context.new_page()
        page.goto(f"{server}/{path}")
        settle(page, charts=PAGES[path])
        assert not problems(page), problems(page)
        assert "Demo data" in page.inner_text("body")
        assert page.locator(".js-plotly-plot .main-svg").count() >= PAGES[path]
        shot = screenshot(page, f"{name}-{label}", viewport)
        assert shot.stat().st_size > 10_000
        if label == "phone":
            # Readable on a phone: nothing wider than the screen.
            overflow = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth")
            assert overflow <= viewport["width"] + 2
        context.close()


def _date(page: Page, label: str, value: date) -> None:
    """Type a date into Streamlit's segmented date field (year, month and day spin buttons)."""
    year = page.locator(f'[role="spinbutton"][aria-label="year, {label}"]').first
    year.scroll_into_view_if_needed()
    year.focus()
    page.keyboard.type(value.strftime("%Y%m%d"), delay=40)  # each segment moves on to the next
    page.keyboard.press("Tab")
    page.wait_for_timeout(300)


def _waiting_in_queue(page: Page, server: str) -> int:
    page.goto(f"{server}/admin")
    settle(page)
    password = page.locator('input[type="password"]')
    if password.count():
        password.fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
        settle(page)
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Waiting for a decision")
    return int(metric.locator('[data-testid="stMetricValue"]').inner_text().replace(",", ""))


def test_a_report_sent_through_the_form_reaches_the_moderation_queue(server: str, browser: Browser) -> None:
    context = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    page = context.new_page()
    waiting = _waiting_in_queue(page, server)

    page.goto(f"{server}/report")
    settle(page)
    today = datetime.now(UTC).date()
    # The form's five steps (tests/test_browser_report_form.py walks them at phone width).
    def click(name: str) -> None:
        page.get_by_role("button", name=name, exact=True).first.click()
        page.wait_for_timeout(300)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)

    def pick(question: str, option: str) -> None:
        page.locator('[data-testid="stRadio"]').filter(has_text=question).first.get_by_text(option, exact=True).click()
        page.wait_for_timeout(300)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)

    pick("Did the money come?", "No. I am still waiting")
    click("Next")
    for question, days_ago in (("First day of the work", 40), ("Last day of the work", 34)):
        pick(f"{question}: how sure are you?", "Exact day")
        _date(page, f"{question}: the day", today - timedelta(days=days_ago))
    click("Next")
    click("Next")
    choose_option(page, "Platform or company", "Mercor")
    click("Next")
    page.locator('[data-testid="stCheckbox"]').filter(has_text="I have read this").locator("label").click()
    page.wait_for_timeout(300)
    page.get_by_role("button", name="Send my report").click()
    page.wait_for_selector("text=Thank you. Your report was saved.", timeout=60_000)
    receipt = page.locator('[data-testid="stCode"]').first.inner_text()
    assert len(receipt.replace("-", "").strip()) >= 16
    screenshot(page, "report-submitted", DESKTOP)

    assert _waiting_in_queue(page, server) == waiting + 1
    screenshot(page, "admin-queue", DESKTOP)
    context.close()


def _metrics(page: Page) -> list[str]:
    """Every card's figures, read once the count of metrics has stopped growing (a busy machine can
    report the script idle while the last cards are still being painted)."""
    metrics = page.locator('[data-testid="stMetricValue"]')
    count = -1
    for _ in range(40):
        if metrics.count() == count:
            break
        count = metrics.count()
        page.wait_for_timeout(500)
    return metrics.all_inner_texts()


def _close_all_listings_of_one_platform(settings: Settings) -> str:
    """A new, complete collection that finds nothing: every open listing of one platform closes."""
    store = get_store(settings)
    platform_id, source_name, last = store.read_rows(
        "SELECT platform_id, source_name, max(started_at) FROM lake.collector_runs "
        "WHERE status = 'ok' AND platform_id IS NOT NULL GROUP BY ALL ORDER BY 1 LIMIT 1"
    )[0]
    started = last + timedelta(days=1)
    run = RunRecord(run_id="browser-test-empty-run", source_name=source_name, platform_id=platform_id,
                    started_at=started, finished_at=started + timedelta(seconds=3), status="ok",
                    complete=True, items_count=0)
    save_listing_runs(store, platform_id=platform_id, source_name=source_name, runs=[ListingRun(run=run, records=[])])
    return str(platform_id)


def test_a_permalink_in_a_fresh_browser_shows_the_same_numbers(server: str, browser: Browser, lake: Settings) -> None:
    first = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    page = first.new_page()
    page.goto(f"{server}/?compare=30")
    settle(page)
    numbers = _metrics(page)
    assert numbers and any(value not in ("—", "") for value in numbers)
    page.get_by_text("Cite or share this view").click()
    permalink = page.locator('[data-testid="stExpander"] [data-testid="stCode"]').last.inner_text().strip()
    assert permalink.startswith(server) and "snapshot=" in permalink and "compare=30" in permalink
    first.close()

    # New data arrives after the article was written...
    from dashboard import queries

    snapshot = int(permalink.rsplit("snapshot=", 1)[1].split("&")[0])
    closed_platform = _close_all_listings_of_one_platform(lake)
    store = get_store(lake)
    latest = queries.overview_pay(store).set_index("platform_id")
    pinned = queries.overview_pay(store, snapshot).set_index("platform_id")
    assert latest.loc[closed_platform, "open_listings"] == 0 < pinned.loc[closed_platform, "open_listings"]

    # ...and the permalink still shows exactly what was cited.
    fresh = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    page = fresh.new_page()
    page.goto(permalink)
    settle(page)
    assert _metrics(page) == numbers
    assert f"snapshot {snapshot}" in page.inner_text("body")
    screenshot(page, "permalink-pinned", DESKTOP)
    fresh.close()


def _in(language: str, message: str) -> str:
    from dashboard import i18n

    i18n.activate(language)
    try:
        return i18n._(message)
    finally:
        i18n.activate(i18n.DEFAULT_LANGUAGE)


@pytest.mark.parametrize(("browser_locale", "query", "language"),
                         [("sw-KE", "", "sw"), ("es-CO", "", "es"), ("sw-KE", "?lang=fr", "fr"), ("de-DE", "", "en")])
def test_the_page_speaks_the_browsers_language_unless_the_link_says_otherwise(
        server: str, browser: Browser, browser_locale: str, query: str, language: str) -> None:
    """On a phone: `st.context.locale` from the browser, `?lang=` winning, English for any other language;
    chart titles and axes follow, and the permalink keeps the language."""
    context = browser.new_context(viewport=PHONE, locale=browser_locale)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{server}/pay_trends{query}")
    settle(page, charts=PAGES["pay_trends"])
    assert not problems(page), problems(page)
    title = page.locator('[data-testid="stMainBlockContainer"] h1').first.inner_text()
    assert title.strip() == _in(language, "Pay trends"), title
    if language != "en":
        assert _in(language, "Pay trends") != "Pay trends", "no catalog"
        chart_titles = page.locator(".js-plotly-plot .gtitle").all_text_contents()
        assert _in(language, "Median advertised hourly pay (USD equivalent)") in " ".join(chart_titles), chart_titles
    screenshot(page, f"pay_trends-phone-{browser_locale}{'-' + language if query else ''}", PHONE)
    context.close()
