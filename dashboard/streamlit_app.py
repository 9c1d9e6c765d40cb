"""gigwatch dashboard: advertised pay, work availability and payment delays on AI-training platforms.

Run with `gigwatch dashboard` (or `gigwatch demo --serve` for the fictional demo lake). The pages
live in `app_pages/`; each is thin: widgets call `dashboard.queries` through `dashboard.common`
and draw with `dashboard.charts`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import common
from dashboard.i18n import _

common.language()
st.set_page_config(
    page_title=_("gigwatch: pay and conditions in AI-training gig work"),
    page_icon=":material/monitoring:",
    layout="wide",
    menu_items={"About": _("gigwatch monitors advertised pay, work availability and payment delays.")},
)


def _page(file: str, title: str, icon: str, *, default: bool = False) -> st.Page:
    return st.Page(f"app_pages/{file}", title=title, icon=icon, url_path=Path(file).stem, default=default)


pages: dict[str, list[st.Page]] = {
    # Translators: section names and page titles of the navigation menu ("Data" = the published figures).
    _("Data"): [
        _page("overview.py", _("Overview"), ":material/dashboard:", default=True),
        _page("pay_trends.py", _("Pay trends"), ":material/payments:"),
        _page("availability.py", _("Work availability"), ":material/work_history:"),
        _page("delays.py", _("Payment delays"), ":material/hourglass_bottom:"),
        _page("explore.py", _("Explore and download"), ":material/download:"),
    ],
    _("Take part"): [_page("report.py", _("Report a payment"), ":material/edit_note:")],
    _("About the data"): [
        _page("health.py", _("Sources and health"), ":material/monitor_heart:"),
        _page("methodology.py", _("Methodology"), ":material/menu_book:"),
    ],
    _("Moderators"): [_page("admin.py", _("Admin"), ":material/lock:")],
}

navigation = st.navigation(pages)
with common.reading():  # the page's reads in one transaction: the catalog is read once per run
    common.page_frame()
    navigation.run()
