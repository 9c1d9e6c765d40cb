"""The dashboard under Streamlit's AppTest in one language (`?lang=`), on one page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import i18n

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "streamlit_app.py")


def run_in(page: str, language: str, *, timeout: float = 180) -> AppTest:
    """The app on `page` in `language`, run once; no exception.

    AppTest reads widget values back in the test's own thread, through the widgets' format_func
    (which translates): that thread speaks the page's language too, until `i18n.activate("en")`.
    A real session runs everything in its script thread."""
    i18n.activate(language)
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.query_params[i18n.LANGUAGE_PARAM] = language
    at.run()
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py")
        at.query_params[i18n.LANGUAGE_PARAM] = language
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_lazy(at: AppTest, *keys: str) -> AppTest:
    """Open the lazy popovers and expanders of `keys` (drawn only when opened, as a click does in a
    browser: `common.PERMALINK_BOX_KEY`, a chart's `<key>_cite_popover`...) and run again."""
    for key in keys:
        at.session_state[key] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
