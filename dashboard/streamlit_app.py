"""gigwatch dashboard: advertised pay, work availability and payment delays on AI-training platforms.

Run with `gigwatch dashboard` (or `gigwatch demo --serve` for the fictional demo lake). The pages
live in `app_pages/`; each is thin: widgets call `dashboard.queries` through `dashboard.common`
and draw with `dashboard.charts`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import common

common.language()
st.set_page_config(
    page_title="gigwatch: pay and conditions in AI-training gig work",
    page_icon=":material/monitoring:",
    layout="wide",
    menu_items={"About": "gigwatch monitors advertised pay, work availability and payment delays."},
)


def _page(file: str, title: str, icon: str, *, default: bool = False) -> st.Page:
    return st.Page(f"app_pages/{file}", title=title, icon=icon, url_path=Path(file).stem, default=default)


pages: dict[str, list[st.Page]] = {
    "Data": [
        _page("overview.py", "Overview", ":material/dashboard:", default=True),
        _page("pay_trends.py", "Pay trends", ":material/payments:"),
        _page("availability.py", "Work availability", ":material/work_history:"),
        _page("delays.py", "Payment delays", ":material/hourglass_bottom:"),
        _page("explore.py", "Explore and download", ":material/download:"),
    ],
    "Take part": [_page("report.py", "Report a payment", ":material/edit_note:")],
    "About the data": [
        _page("health.py", "Sources and health", ":material/monitor_heart:"),
        _page("methodology.py", "Methodology", ":material/menu_book:"),
    ],
    "Moderators": [_page("admin.py", "Admin", ":material/lock:")],
}

navigation = st.navigation(pages)
common.page_frame()
navigation.run()
