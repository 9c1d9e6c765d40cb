"""The report form and the admin page, driven with Streamlit's AppTest on a real lake: a report goes
in through the form, comes back with a receipt, can be updated, and hostile text stays inert."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from collectors.store import Store
from tests.conftest import app_lake, stored_reports

PAGES = Path(__file__).resolve().parents[1] / "dashboard" / "app_pages"
HOSTILE_OTHER = "<script>alert('x')</script>"
HOSTILE_TEXT = ("[click me](javascript:alert(1)) <img src=x onerror=alert(2)> $\\frac{1}{0}$ "
                "**bold** \u202eevil\u202c \u0000\u0007 '); DROP TABLE lake.payment_reports; --")


@pytest.fixture
def lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.delenv("GIGWATCH_ADMIN_PASSWORD_HASH", raising=False)
    monkeypatch.delenv("GIGWATCH_ADMIN_PASSWORD", raising=False)
    yield from app_lake(tmp_path, monkeypatch)


stored = stored_reports


def page(name: str) -> AppTest:
    app = AppTest.from_file(str(PAGES / name), default_timeout=120)
    app.run()
    assert not app.exception, app.exception
    return app


def submit_button(app: AppTest, label: str) -> Any:
    return next(b for b in app.button if b.label == label)


def rendered_markup(app: AppTest) -> str:
    """Everything rendered as Markdown (where HTML or links could come alive)."""
    parts = [m.value for m in app.markdown] + [e.value for e in app.error] + [s.value for s in app.success]
    parts += [w.value for w in app.warning] + [i.value for i in app.info] + [c.value for c in app.caption]
    return "\n".join(str(p) for p in parts)


def fill_report(app: AppTest, *, platform: str = "mercor", other: str = "", narrative: str = "") -> None:
    """Answer the five steps of the form (a Mercor payment still waiting) and tick the consent box,
    ending on the last step, where "Send my report" is."""
    def next_step() -> None:
        app.button(key="nav_next").click().run()
        assert not app.exception, app.exception

    app.checkbox(key="rf_grievance_missing_payment").check()
    app.radio(key="rf_status").set_value("unpaid_pending")
    next_step()
    for name, days_ago in (("work_period_start", 40), ("work_period_end", 34)):
        app.radio(key=f"rf_{name}_how").set_value("day").run()
        app.date_input(key=f"rf_{name}_day").set_value(date.today() - timedelta(days=days_ago))
    next_step()
    app.number_input(key="rf_amount_expected").set_value(350.0)
    next_step()
    app.selectbox(key="rf_platform").set_value(platform).run()
    if platform == "other":
        app.text_input(key="rf_platform_other").input(other)
    app.selectbox(key="rf_country").set_value("KE")
    app.text_area(key="rf_narrative").input(narrative)
    next_step()
    app.checkbox(key="rf_consent").check()


def test_form_stores_a_report_and_shows_the_receipt_once(lake: Store) -> None:
    app = page("report.py")
    fill_report(app, narrative="My QM Sarah Jones said wait; mail me at kamau@gmail.com")
    submit_button(app, "Send my report").click().run()
    assert not app.exception, app.exception
    assert [e.value for e in app.error] == []
    code = app.code[0].value
    assert len(code) == 24 and "Keep this code" in rendered_markup(app)
    row = [(r["platform_id"], r["country"], r["narrative_scrubbed"], r["days_late"]) for r in stored(lake)]
    assert row == [("mercor", "KE", "My QM [name] said wait; mail me at [email]", row[0][3])]
    assert row[0][3] is not None and row[0][3] > 0
    # Dismissed, the code is gone from the page.
    submit_button(app, "I have saved my code").click().run()
    assert not app.code

    # The receipt updates the report.
    app.text_input(key="uf_code").input(code.lower())
    app.selectbox(key="uf_status").set_value("paid_late").run()
    app.radio(key="uf_paid_date_how").set_value("day").run()
    app.date_input(key="uf_paid_date_day").set_value(date.today())
    submit_button(app, "Change my report").click().run()
    assert not app.exception and [e.value for e in app.error] == []
    assert "Your report was changed. Now: yes, all of it, but late." in rendered_markup(app).replace("\\", "").replace("\u2060", "")
    assert stored(lake)[0]["status"] == "paid_late"


def test_form_explains_what_is_wrong_in_plain_words(lake: Store) -> None:
    app = page("report.py")
    app.radio(key="rf_status").set_value("paid_late")
    for _ in range(3):
        app.button(key="nav_next").click().run()
    app.selectbox(key="rf_platform").set_value("other")
    app.button(key="nav_next").click().run()
    app.checkbox(key="rf_consent").check()
    submit_button(app, "Send my report").click().run()
    # Shown through Markdown with every special character escaped: read it as a person would.
    errors = " ".join(e.value for e in app.error).replace("\\", "").replace("\u2060", "")
    # In the words of the form's labels, never the internal names (platform_other, paid_date ...).
    assert "Name of the platform: required when platform is 'other'" in errors
    assert "Day the money came: required" in errors
    assert "Last day of the work: required" in errors
    for internal in ("platform_other", "paid_date", "work_period_end", "expected_pay_date"):
        assert internal not in errors
    assert len(stored(lake)) == 0


def test_hostile_text_through_the_form_is_stored_safely_and_shown_inert(lake: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    app = page("report.py")
    fill_report(app, platform="other", other=HOSTILE_OTHER, narrative=HOSTILE_TEXT)
    submit_button(app, "Send my report").click().run()
    assert not app.exception and [e.value for e in app.error] == []
    other, narrative = next((r["platform_other"], r["narrative_scrubbed"]) for r in stored(lake))
    assert other == HOSTILE_OTHER
    assert "\u202e" not in narrative and "\u0000" not in narrative and "DROP TABLE" in narrative
    assert len(stored(lake)) == 1  # the table survived

    monkeypatch.setenv("GIGWATCH_ADMIN_PASSWORD", "correct horse")
    admin = page("admin.py")
    admin.text_input(key="admin_password").input("correct horse")
    submit_button(admin, "Sign in").click().run()
    assert not admin.exception, admin.exception
    # The hostile values reach the moderator only inside a table (plain cells) ...
    table = admin.dataframe[0].value
    assert HOSTILE_OTHER in set(table["platform_other"])
    assert narrative in set(table["narrative_scrubbed"])
    # ... or as st.text once selected; nothing of them is ever rendered as Markdown or HTML.
    report_id = stored(lake)[0]["report_id"]
    admin.multiselect(key="admin_selected").set_value([report_id]).run()
    assert narrative in [t.value for t in admin.text]
    markup = rendered_markup(admin) + rendered_markup(app)
    for fragment in ("<script", "javascript:", "onerror", "\\frac"):
        assert fragment not in markup


def test_no_page_allows_raw_html() -> None:
    for name in ("report.py", "admin.py"):
        assert "unsafe_allow_html" not in (PAGES / name).read_text()


def test_admin_page_is_locked_without_a_password(lake: Store) -> None:
    admin = page("admin.py")
    assert "GIGWATCH_ADMIN_PASSWORD" in rendered_markup(admin)
    assert not admin.dataframe


def test_admin_login_and_moderation(lake: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIGWATCH_ADMIN_PASSWORD", "s3cret-admin")
    app = page("report.py")
    fill_report(app)
    submit_button(app, "Send my report").click().run()
    admin = page("admin.py")
    admin.text_input(key="admin_password").input("wrong")
    submit_button(admin, "Sign in").click().run()
    assert "Wrong name or password." in rendered_markup(admin) and not admin.dataframe
    admin.text_input(key="admin_password").input("s3cret-admin")
    submit_button(admin, "Sign in").click().run()
    assert admin.dataframe
    report_id = stored(lake)[0]["report_id"]
    admin.multiselect(key="admin_selected").set_value([report_id]).run()
    submit_button(admin, "Approve selected").click().run()
    assert not admin.exception, admin.exception
    assert stored(lake)[0]["moderation_status"] == "approved"
    # The audit log records the approval under the signed-in name, and moderators see it.
    admin.run()
    logs = [d.value for d in admin.dataframe if "moderator" in d.value.columns]
    assert logs and list(logs[0]["action"])[:1] == ["approved"] and list(logs[0]["report_id"])[:1] == [report_id]
    assert list(logs[0]["moderator"])[:1] == ["admin"]
