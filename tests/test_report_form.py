"""The report form end to end under Streamlit's AppTest, on a real lake and its private vault: a
worker's report with an approximate date, unpaid hours and a payment-company hold goes through the
five steps, is stored with those precisions and values, and is changed later by receipt code;
consent starts unticked and blocks sending; every error speaks the form's labels."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from collectors.reports.delays import MIN_GROUP_SIZE
from collectors.reports.schema import FIELD_LABELS, KNOWN_FIELDS, validate
from collectors.store import Store
from collectors.store.reports.submission import COUNTER_KEEP, receipt_hash
from dashboard import report_form as rf
from tests.conftest import app_lake, approx_dict, stored_reports

PAGE = Path(__file__).resolve().parents[1] / "dashboard" / "app_pages" / "report.py"
TODAY = date.today()
# Any internal field name (snake_case, as the validator and the import format spell them).
INTERNAL_NAME = re.compile(r"\b(" + "|".join(sorted((re.escape(n) for n in {*KNOWN_FIELDS, *FIELD_LABELS} if "_" in n),
                                                    key=len, reverse=True)) + r")\b")


@pytest.fixture
def lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    yield from app_lake(tmp_path, monkeypatch)


stored = stored_reports


def open_form() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=120)
    app.run()
    assert not app.exception, app.exception
    return app


def run(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, app.exception
    return app


def next_step(app: AppTest) -> None:
    app.button(key="nav_next").click()
    run(app)


def plain(text: str) -> str:
    """Markdown-escaped text as a person reads it."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def errors(app: AppTest) -> list[str]:
    return [plain(e.value) for e in app.error]


def shown(app: AppTest) -> str:
    parts = [m.value for m in app.markdown] + [e.value for e in app.error] + [s.value for s in app.success]
    parts += [i.value for i in app.info] + [c.value for c in app.caption]
    return plain("\n".join(str(p) for p in parts))


def fill_hold_report(app: AppTest) -> None:
    """Outlier's pay held by AirTM: work ended about 40 days ago (give or take 5 days), 20 paid
    hours and 6 unpaid hours of onboarding."""
    app.checkbox(key="rf_grievance_missing_payment").check()
    app.checkbox(key="rf_grievance_processor_hold").check()
    run(app)  # the payment-company question appears
    app.radio(key="rf_status").set_value("unpaid_pending")
    app.selectbox(key="rf_processor").set_value("airtm")
    next_step(app)
    assert next(s.value for s in app.subheader) == rf.TEXT["step_when"]
    app.radio(key="rf_work_period_end_how").set_value("approx")
    run(app)
    app.date_input(key="rf_work_period_end_day").set_value(TODAY - timedelta(days=40))
    app.number_input(key="rf_work_period_end_within").set_value(5)
    app.radio(key="rf_work_period_start_how").set_value("month")
    run(app)
    app.date_input(key="rf_work_period_start_day").set_value(TODAY - timedelta(days=70))
    next_step(app)
    app.number_input(key="rf_amount_expected").set_value(300.0)
    app.number_input(key="rf_paid_hours").set_value(20.0)
    app.number_input(key="rf_unpaid_onboarding").set_value(6.0)
    next_step(app)
    app.selectbox(key="rf_platform").set_value("outlier")
    app.selectbox(key="rf_country").set_value("PH")
    next_step(app)


def test_a_report_with_an_about_date_unpaid_hours_and_a_hold_is_stored_then_updated_by_receipt(lake: Store) -> None:
    app = open_form()
    fill_hold_report(app)
    # The review step repeats the answers (the "about" date with its width) before sending.
    review = shown(app)
    assert f"about {(TODAY - timedelta(days=40)).isoformat()}, give or take 5 days" in review
    assert "AirTM" in review and "6 hours" in review
    app.checkbox(key="rf_consent").check()
    app.button(key="nav_send").click()
    run(app)
    assert errors(app) == []
    code = app.code[0].value
    assert len(code) == 24
    after = shown(app)
    assert "Keep this code" in after and "Write it on paper" in after
    # Days late cannot be counted for a payment company's hold: the worker is told why.
    assert rf.DELAY_WHY["processor_hold"] in after

    (row,) = stored(lake)
    end = TODAY - timedelta(days=40)
    assert approx_dict(row["work_period_end_approx"]) == {"lower": end - timedelta(days=5), "upper": end + timedelta(days=5),
                                             "precision": "approx"}
    assert row["work_period_end"] is None  # an approximate date never becomes exact
    start = TODAY - timedelta(days=70)
    assert approx_dict(row["work_period_start_approx"])["precision"] == "month"
    assert approx_dict(row["work_period_start_approx"])["lower"] == start.replace(day=1)
    assert row["unpaid_hours"] == [["onboarding", 6.0]] and row["paid_hours"] == 20.0
    assert row["hours_worked"] == 26.0
    assert row["processor"] == "airtm" and row["processor_hold"] is True
    assert set(row["grievances"]) == {"missing_payment", "processor_hold"}
    assert row["delay_reason"] == "processor_hold" and row["delay_lower_days"] is None
    assert (row["platform_id"], row["country"], row["status"]) == ("outlier", "PH", "unpaid_pending")
    assert row["consent_publish_aggregate"] is True and row["source_kind"] == "self_report"
    assert row["receipt_hash"] == receipt_hash(code) and code not in str(row)

    # A fresh step 1 for the next report: the answers were cleared.
    assert app.checkbox(key="rf_grievance_processor_hold").value is False
    app.button(key="receipt_done").click()
    run(app)
    assert not app.code

    # Later: the money came, about 3 days ago, give or take 2 days.
    app.text_input(key="uf_code").input(code.lower())
    app.selectbox(key="uf_status").set_value("paid_late")
    run(app)
    app.radio(key="uf_paid_date_how").set_value("approx")
    run(app)
    app.date_input(key="uf_paid_date_day").set_value(TODAY - timedelta(days=3))
    app.number_input(key="uf_paid_date_within").set_value(2)
    app.number_input(key="uf_received").set_value(300.0)
    app.button(key="uf_send").click()
    run(app)
    assert errors(app) == []
    assert "Your report was changed. Now: yes, all of it, but late." in shown(app)
    (row,) = stored(lake)
    paid = TODAY - timedelta(days=3)
    assert row["status"] == "paid_late" and row["paid_date"] is None
    assert approx_dict(row["paid_date_approx"]) == {"lower": paid - timedelta(days=2), "upper": paid + timedelta(days=2),
                                       "precision": "approx"}
    assert approx_dict(row["work_period_end_approx"])["precision"] == "approx"  # kept as given
    assert row["unpaid_hours"] == [["onboarding", 6.0]] and row["processor"] == "airtm"
    assert float(row["amount_received"]) == 300.0
    assert row["effective_hourly_rate"] == pytest.approx(300 / 26, rel=1e-3)


def test_consent_starts_unticked_and_blocks_sending(lake: Store) -> None:
    app = open_form()
    fill_hold_report(app)
    assert app.checkbox(key="rf_consent").value is False
    app.button(key="nav_send").click()
    run(app)
    found = errors(app)
    assert found[0] == rf.TEXT["not_saved"]
    assert any("The box to keep and count your report" in e and "tick the box" in e for e in found)
    assert stored(lake) == [] and not app.code
    # Every answer is still there: ticking the box sends the same report.
    app.checkbox(key="rf_consent").check()
    app.button(key="nav_send").click()
    run(app)
    assert errors(app) == [] and app.code
    assert len(stored(lake)) == 1


def test_errors_are_in_the_words_of_the_labels_and_say_which_step(lake: Store) -> None:
    app = open_form()
    app.checkbox(key="rf_grievance_late_payment").check()
    app.radio(key="rf_status").set_value("paid_late")
    next_step(app)
    app.radio(key="rf_paid_date_how").set_value("day")  # "exact day", but no day chosen
    next_step(app)
    next_step(app)
    app.selectbox(key="rf_platform").set_value("other")
    run(app)
    app.number_input(key="rf_affected_workers").set_value(120)
    next_step(app)
    app.checkbox(key="rf_consent").check()
    app.button(key="nav_send").click()
    run(app)
    found = errors(app)[1:]
    assert found, "the report should have been refused"
    text = " ".join(found)
    assert "Step 4 (details): Name of the platform: required" in text
    assert "Step 2 (when): Day the money came: choose a day, or choose “I don't know”" in text
    assert "Step 2 (when): Last day of the work: required" in text
    for message in found:
        assert not INTERNAL_NAME.search(message), message
        assert "'paid_late'" not in message
    assert stored(lake) == []


def test_every_validator_error_is_put_in_the_forms_words() -> None:
    # Each field's name inside any message, and as the message's subject, becomes a label.
    for name in sorted(KNOWN_FIELDS | set(FIELD_LABELS)):
        message = rf.form_message(f"{name}: given, but {name} says otherwise; when status is 'paid_late'")
        assert not INTERNAL_NAME.search(message), message
        assert "“Yes, all of it, but late”" in message
    # Real validator errors, for the form's raw fields.
    raw, problems = rf.build_raw({"status": "never_paid", "paid_date_how": "day", "paid_date_day": TODAY,
                                  "platform": "mercor", "amount_expected": 5e9, "rate": 2.0,
                                  "consent": True})
    from datetime import UTC, datetime

    result = validate(raw, now=datetime.now(UTC))
    assert result.report is None and result.errors
    for message in rf.form_messages(problems + result.errors):
        assert not INTERNAL_NAME.search(message), message


@pytest.mark.parametrize(("how", "day", "within", "expected"), [
    ("day", date(2025, 7, 10), None, {"lower": date(2025, 7, 10), "upper": date(2025, 7, 10), "precision": "day"}),
    ("month", date(2025, 7, 10), None, {"lower": date(2025, 7, 1), "upper": date(2025, 7, 31), "precision": "month"}),
    ("approx", date(2025, 7, 10), 3, {"lower": date(2025, 7, 7), "upper": date(2025, 7, 13), "precision": "approx"}),
    ("approx", date(2025, 7, 10), None, {"lower": date(2025, 7, 3), "upper": date(2025, 7, 17), "precision": "approx"}),
    ("unknown", None, None, {"lower": None, "upper": None, "precision": "unknown"}),
])
def test_every_date_answer_keeps_its_precision(how: str, day: date | None, within: int | None,
                                               expected: dict[str, Any]) -> None:
    from datetime import UTC, datetime

    values = {"grievance_late_payment": True, "status": "unpaid_pending", "platform": "mercor", "consent": True,
              "work_period_end_how": "day", "work_period_end_day": date(2025, 6, 30),
              "expected_pay_date_how": how, "expected_pay_date_day": day, "expected_pay_date_within": within}
    raw, problems = rf.build_raw(values)
    assert problems == []
    report = validate(raw, now=datetime(2025, 9, 1, tzinfo=UTC)).report
    assert report is not None
    if how == "unknown":
        assert report.expected_pay_date_approx is not None and not report.expected_pay_date_approx.known
    else:
        assert report.expected_pay_date_approx is not None
        assert report.expected_pay_date_approx.to_json() == {k: v.isoformat() if isinstance(v, date) else v for k, v in expected.items()}
    # Only a date given to the day is a stated exact due date ("don't know" leaves it to Mercor's
    # published schedule).
    assert (report.due_basis == "stated" and report.expected_pay_date is not None) == (how == "day")


def test_a_parent_company_is_accepted_and_its_mapping_shown(lake: Store) -> None:
    app = open_form()
    for _ in range(3):
        next_step(app)
    option = next(o for o in rf.platform_options() if o.startswith(rf.PARENT_PREFIX) and "scale" in o)
    app.selectbox(key="rf_platform").set_value(option)
    run(app)
    assert "Scale AI runs Outlier and Remotasks" in shown(app)
    raw, _ = rf.build_raw({"platform": option})
    assert raw["platform"] == "Scale AI"


def test_the_privacy_notice_rests_on_what_the_code_does() -> None:
    notice = " ".join(rf.PRIVACY)
    assert f"{MIN_GROUP_SIZE} or more separate reports" in notice
    assert timedelta(days=1) == COUNTER_KEEP and "deleted after one day" in notice
    for word in ("never written to disk", "erased", "scrambled form (a hash)"):
        assert word in notice


def test_changing_a_report_says_what_is_wrong_in_plain_words(lake: Store) -> None:
    app = open_form()
    app.button(key="uf_send").click()
    run(app)
    assert errors(app) == [rf.TEXT["update_need_code"]]
    app.text_input(key="uf_code").input("AAAA-BBBB-CCCC-DDDD-EEEE")
    app.radio(key="uf_paid_date_how").set_value("month")
    app.button(key="uf_send").click()
    run(app)
    assert errors(app) == ["Day the money came: choose a day, or choose “I don't know”"]
    app.radio(key="uf_paid_date_how").set_value("unknown")
    app.selectbox(key="uf_status").set_value("paid_late")
    app.button(key="uf_send").click()
    run(app)
    assert errors(app) == ["No report has this receipt code. Check the code (letters and digits, dashes "
                           "optional) and try again."]


def test_answers_shown_for_review_are_escaped(lake: Store) -> None:
    hostile = "[N](https://evil.example) ![](http://t.example/) <b>x</b>"  # within 60
    app = open_form()
    for _ in range(3):
        next_step(app)
    app.selectbox(key="rf_platform").set_value("other")
    run(app)
    app.text_input(key="rf_platform_other").input(hostile)
    app.text_input(key="rf_vendor").input("**RaterLabs**")
    next_step(app)
    review = next(m.value for m in app.markdown if "Name of the platform" in m.value)
    assert "](https://evil.example)" not in review and "![](" not in review and "<b>" not in review
    assert "\\*\\*RaterLabs\\*\\*" in review
    assert hostile in plain(review)


# -- the form in the worker's language -------------------------------------------------------------

BAD_REPORTS: list[dict[str, Any]] = [
    {"status": "never_paid", "paid_date": TODAY.isoformat(), "platform": "mercor", "amount_expected": 5e9,
     "rate_min": 2.0, "currency": "USD", "consent_publish_aggregate": True},
    {"status": "paid_late", "platform": "other", "grievances": ["late_payment"], "amount_expected": "-5",
     "currency": "XYZ", "country": "Kenya!", "payments": "2099-01-01=5;nonsense",
     "support_contacted": False, "support_response": "human", "paid_hours": 9000,
     "work_period_start": "2025-05-01", "work_period_end": "2025-04-01", "tasks_done": "many"},
    {"status": "other_grievance", "grievances": ["missing_payment"], "platform": "outlier",
     "project_code": "me@example.com", "narrative": "x" * 20_000, "rate_min": 3, "rate_max": 1},
    {"platform": "outlier", "status": "paid_late", "paid_date": "2099-02", "paid_date_precision": "month"},
]


@pytest.mark.parametrize("raw", BAD_REPORTS)
def test_every_validator_error_has_its_template_and_says_the_same_in_english(raw: dict[str, Any]) -> None:
    from datetime import UTC, datetime

    result = validate(raw, now=datetime.now(UTC))
    assert result.errors
    assert [problem.text for problem in result.problems] == result.errors
    # In English the form says exactly what it said from the English strings.
    assert rf.form_messages(rf.with_templates(result.errors, result.problems)) == rf.form_messages(result.errors)


@pytest.fixture
def pseudo_swahili(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A throwaway `sw` catalog ("SW " before every message) built by Babel from the real extraction."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.mofile import write_mo

    from dashboard import i18n

    root = Path(__file__).resolve().parents[1]
    catalog = Catalog(locale="sw")
    for filename, _lineno, message, _comments, context in extract_from_dir(
            str(root), [("dashboard/**.py", "python"), ("collectors/reports/schema.py", "python")]):
        if filename.startswith((".venv", "data")):
            continue
        ids = message if isinstance(message, tuple) else (message,)
        catalog.add(message, tuple(f"SW {m}" for m in ids[:2]) if len(ids) > 1 else f"SW {ids[0]}", context=context)
    folder = tmp_path / "sw" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    i18n.activate("sw")
    yield "sw"
    i18n.activate(i18n.DEFAULT_LANGUAGE)
    i18n.translations.cache_clear()


def test_the_form_says_validator_errors_in_the_workers_language(pseudo_swahili: str) -> None:
    from datetime import UTC, datetime

    result = validate({"platform": "outlier", "status": "paid_late", "grievances": ["late_payment"],
                       "work_period_end": "2025-01-01", "amount_expected": "-5", "currency": "USD",
                       "payments": "2099-01-01=5"}, now=datetime.now(UTC))
    messages = rf.form_messages(rf.with_templates(result.errors, result.problems))
    # The step, the field's label, the message and an instalment's own message are all translated;
    # the value the worker gave stays as they gave it.
    assert "SW Step 3 (sw money and hours): SW Amount you should get: SW '-5' is negative; amounts are 0 or more" \
        in messages, messages
    assert any("SW payment 1: SW 2099-01-01 is in the future" in m for m in messages), messages
    # The English errors (the CLI's, the importer's) do not change.
    assert "amount_expected: '-5' is negative; amounts are 0 or more" in result.errors
    # A slug in a message becomes its translated label.
    required = validate({"platform": "outlier", "status": "paid_late", "work_period_end": "2025-01-01"},
                        now=datetime.now(UTC))
    said = rf.form_messages(rf.with_templates(required.errors, required.problems))
    assert any("“SW Yes, all of it, but late”" in m for m in said), said



@pytest.mark.parametrize("language", ["sw", "es"])
def test_a_wrong_receipt_code_is_answered_in_the_workers_language(language: str, lake: Store) -> None:
    """The store refuses in English; the form says it in the worker's language (?lang=)."""
    from dashboard import i18n

    app_file = PAGE.parents[1] / "streamlit_app.py"
    i18n.activate(language)  # AppTest reads widget values back in this thread (format_func translates)
    try:
        app = AppTest.from_file(str(app_file), default_timeout=120)
        app.query_params["lang"] = language
        run(app)
        app.switch_page("app_pages/report.py")
        app.query_params["lang"] = language
        run(app)
        app.text_input(key="uf_code").input("AAAA-BBBB-CCCC-DDDD-EEEE")
        app.radio(key="uf_paid_date_how").set_value("unknown")
        app.selectbox(key="uf_status").set_value("paid_late")
        app.button(key="uf_send").click()
        run(app)
        english = ("No report has this receipt code. Check the code (letters and digits, dashes optional) and "
                   "try again.")
        assert i18n._(english) != english
        assert errors(app) == [plain(i18n._(english))]
    finally:
        i18n.activate(i18n.DEFAULT_LANGUAGE)
