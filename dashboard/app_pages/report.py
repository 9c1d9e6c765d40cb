"""Report a payment: the anonymous form workers use on a phone to report late, missing or short pay
(and the other grievances real reports carry), in five short steps, and to change or withdraw their
report later with the receipt code it gives them.

Thin: the words and the mapping of answers to report fields live in `dashboard.report_form`;
validation in `collectors.reports.schema`; storage in `collectors.store.reports`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import streamlit as st

from collectors.reports.codes import COUNTRIES, CURRENCIES
from collectors.reports.schema import (
    NARRATIVE_MAX_CHARS,
    PAID_STATUSES,
    PAYMENT_METHODS,
    UNPAID_HOUR_KINDS,
    UNPAID_STATUSES,
)
from collectors.store.reports import (
    RateLimited,
    ReceiptNotFound,
    ReportError,
    ReportRejected,
    client_address_from,
    client_hash,
    submit_report,
    trusted_proxies,
    update_report,
    validate_for_store,
    withdraw_report,
)
from dashboard import common
from dashboard import report_form as rf
from dashboard.i18n import _, ngettext
from dashboard.report_form import CHOICES, PREFIX, STEPS

RECEIPT_KEY = "report_last_receipt"
STEP_KEY = "report_step"
UPDATE_PREFIX = "uf_"
COMMON_CURRENCIES = ["USD", "EUR", "GBP", "KES", "PHP", "INR", "NGN", "CAD", "AUD", "BRL", "ZAR", "MXN", "PKR", "EGP"]
_PROXIES = trusted_proxies()


def client_address() -> str:
    """The client's address for rate limiting (keyed at once by the caller, never stored).

    X-Forwarded-For is believed only from a configured trusted proxy (GIGWATCH_TRUSTED_PROXIES;
    default none); without an address every client is "unknown", whose bursts are held for
    moderation rather than refused."""
    found = getattr(st.context, "ip_address", None)
    headers: Mapping[str, str] = st.context.headers or {}
    return client_address_from(found if isinstance(found, str) else None, headers, _PROXIES)


def _go(step: int) -> None:
    st.session_state[STEP_KEY] = step


def _escaped_lines(lines: list[str]) -> str:
    return "\n".join(f"- {common.md_escape(line)}" for line in lines)


def show_receipt(receipt: Mapping[str, Any]) -> None:
    st.success(rf.text("saved"))
    st.markdown(rf.text("receipt_title"))
    st.code(receipt["code"], language=None)
    st.markdown(common.md_escape(rf.text("receipt_keep")))
    for line in receipt.get("delay", []):
        st.info(common.md_escape(line))
    st.info(rf.text("held") if receipt.get("held") else rf.text("pending"))
    if st.button(rf.text("receipt_done"), key="receipt_done"):
        del st.session_state[RECEIPT_KEY]
        st.rerun()


def step_what() -> None:
    st.markdown(f"**{rf.text('grievances')}**")
    for slug in CHOICES["grievances"]:
        st.checkbox(rf.choice_text("grievances", slug), key=f"{PREFIX}grievance_{slug}")
    st.radio(rf.text("status"), list(CHOICES["status"]), index=None, format_func=rf.choice_label("status"),
             key=f"{PREFIX}status")
    if st.session_state.get(f"{PREFIX}grievance_processor_hold"):
        st.selectbox(rf.text("processor"), [m for m in PAYMENT_METHODS if m != "unknown"], index=None,
                     format_func=rf.payment_method_label, placeholder=rf.text("platform_placeholder"),
                     key=f"{PREFIX}processor", help=rf.text("processor_help"))


def step_when(today: date) -> None:
    st.caption(rf.text("when_intro"))
    for name in rf.DATE_QUESTIONS:
        if name == "paid_date" and st.session_state.get(f"{PREFIX}status") in UNPAID_STATUSES:
            continue  # the money has not come: there is no day to ask for
        latest = today + timedelta(days=366) if name == "expected_pay_date" else today
        with st.container(border=True):
            rf.date_question(name, rf.date_label(name), latest=latest)


def step_money(today: date) -> None:
    st.number_input(rf.text("amount_expected"), min_value=0.0, value=None, step=1.0, key=f"{PREFIX}amount_expected")
    st.number_input(rf.text("amount_received"), min_value=0.0, value=None, step=1.0, key=f"{PREFIX}amount_received")
    options = COMMON_CURRENCIES + sorted(c for c in CURRENCIES if c not in COMMON_CURRENCIES)
    st.selectbox(rf.text("currency"), options, index=0, key=f"{PREFIX}currency",
                 format_func=lambda c: f"{c}: {rf.currency_name(c)}")
    st.number_input(rf.text("rate"), min_value=0.0, value=None, step=0.5, key=f"{PREFIX}rate")
    st.selectbox(rf.text("rate_unit"), list(CHOICES["rate_unit"]), index=0, format_func=rf.choice_label("rate_unit"),
                 key=f"{PREFIX}rate_unit")
    st.number_input(rf.text("paid_hours"), min_value=0.0, max_value=5000.0, value=None, step=1.0,
                    key=f"{PREFIX}paid_hours")
    st.markdown(f"**{rf.text('unpaid_intro')}**")
    for kind in UNPAID_HOUR_KINDS:
        st.number_input(rf.choice_text("unpaid_hours", kind), min_value=0.0, max_value=5000.0, value=None, step=1.0,
                        key=f"{PREFIX}unpaid_{kind}")
    st.number_input(rf.text("tasks_done"), min_value=0, max_value=10_000_000, value=None, step=1,
                    key=f"{PREFIX}tasks_done")
    count = st.number_input(rf.text("payments_count"), min_value=0, max_value=5, value=0, step=1,
                            key=f"{PREFIX}payments_count")
    for i in range(int(count or 0)):
        with st.container(border=True):
            rf.date_question(f"payment{i}", rf.text("payment_date").format(n=i + 1), latest=today + timedelta(days=366))
            st.number_input(rf.text("payment_amount").format(n=i + 1), min_value=0.0, value=None, step=1.0,
                            key=f"{PREFIX}payment{i}_amount")
            st.selectbox(rf.text("payment_kind").format(n=i + 1), list(CHOICES["payment_kind"]), index=0,
                         format_func=rf.choice_label("payment_kind"), key=f"{PREFIX}payment{i}_kind")


def step_details() -> None:
    platform = st.selectbox(rf.text("platform"), rf.platform_options(), index=None, format_func=rf.platform_label,
                            placeholder=rf.text("platform_placeholder"), key=f"{PREFIX}platform")
    note = rf.platform_note(platform)
    if note:
        st.caption(common.md_escape(note))
    if platform == "other":
        st.text_input(rf.text("platform_other"), max_chars=60, key=f"{PREFIX}platform_other",
                      help=rf.text("platform_other_help"))
    st.text_input(rf.text("vendor"), max_chars=60, key=f"{PREFIX}vendor", help=rf.text("vendor_help"))
    st.text_input(rf.text("project_code"), max_chars=64, key=f"{PREFIX}project_code", help=rf.text("project_help"))
    st.selectbox(rf.text("country"), sorted(COUNTRIES, key=rf.country_name), index=None,
                 format_func=rf.country_name, placeholder=rf.text("optional"), key=f"{PREFIX}country")
    st.selectbox(rf.text("payment_method"), list(PAYMENT_METHODS), index=None, format_func=rf.payment_method_label,
                 placeholder=rf.text("optional"), key=f"{PREFIX}payment_method")
    st.number_input(rf.text("affected_workers"), min_value=1, max_value=10_000_000, value=None, step=1,
                    key=f"{PREFIX}affected_workers", help=rf.text("affected_help"))
    st.selectbox(rf.text("account_status"), list(CHOICES["account_status"]), index=None,
                 format_func=rf.choice_label("account_status"), placeholder=rf.text("optional"),
                 key=f"{PREFIX}account_status")
    st.selectbox(rf.text("support"), list(CHOICES["support"]), index=None, format_func=rf.choice_label("support"),
                 placeholder=rf.text("optional"), key=f"{PREFIX}support")
    st.multiselect(rf.text("evidence"), list(CHOICES["evidence_types"]), format_func=rf.choice_label("evidence_types"),
                   placeholder=rf.text("optional"), key=f"{PREFIX}evidence_types")
    st.text_area(rf.text("narrative"), max_chars=NARRATIVE_MAX_CHARS, key=f"{PREFIX}narrative",
                 help=rf.text("narrative_help"))


def _current_raw() -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    values = rf.answers(st.session_state)
    if values.get("status") in UNPAID_STATUSES:  # a paid day left from an earlier answer is not sent
        values.pop("paid_date_how", None)
    raw, problems = rf.build_raw(values)
    return raw, problems, values


def step_review() -> None:
    raw, _problems, values = _current_raw()
    st.caption(rf.text("review_intro"))
    lines = rf.review_lines(raw, values)
    if lines:
        st.markdown("\n".join(f"- **{common.md_escape(q)}:** {common.md_escape(a)}" for q, a in lines))
    else:
        st.info(rf.text("review_empty"))
    with st.container(border=True):
        st.markdown(f"**{rf.text('privacy_title')}**")
        st.markdown(_escaped_lines(rf.privacy()))
    st.checkbox(rf.text("consent"), value=False, key=f"{PREFIX}consent")


def error_text(exc: ReportError) -> str:
    """A refusal from the store in the reporter's language (the store's own words are English)."""
    if isinstance(exc, ReceiptNotFound):
        return _("No report has this receipt code. Check the code (letters and digits, dashes optional) and "
                 "try again.")
    if isinstance(exc, RateLimited):
        return _("Too many reports from this connection: at most {limit} an hour. Please try again in about "
                 "{minutes} minutes.").format(limit=exc.limit, minutes=exc.minutes)
    return str(exc)


def send(store: Any) -> None:
    raw, problems, _values = _current_raw()
    result = validate_for_store(raw, store)
    errors = [*problems, *rf.with_templates(result.errors, result.problems)]
    if errors:
        st.error(rf.text("not_saved"))
        for message in rf.form_messages(errors):
            st.error(common.md_escape(message))
        return
    assert result.report is not None
    try:
        saved = submit_report(store, result.report, client_hash=client_hash(client_address(), store))
    except ReportError as exc:
        st.error(common.md_escape(error_text(exc)))
        return
    st.session_state[RECEIPT_KEY] = {"code": saved.code, "held": saved.held_for_review,
                                     "delay": rf.delay_summary(result.report)}
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(PREFIX)]:
        del st.session_state[key]
    st.session_state[STEP_KEY] = 0
    st.rerun()


def update_section(store: Any, today: date) -> None:
    st.header(rf.text("update_title"))
    st.markdown(common.md_escape(rf.text("update_intro")))
    code = st.text_input(rf.text("receipt_code"), max_chars=40, key="uf_code", placeholder="XXXX-XXXX-XXXX-XXXX-XXXX")
    status = st.selectbox(rf.text("update_status"), list(CHOICES["status"]), index=None,
                          format_func=rf.choice_label("status"), placeholder=rf.text("platform_placeholder"),
                          key="uf_status")
    if status not in UNPAID_STATUSES:
        rf.date_question("paid_date", rf.text("update_paid"), prefix=UPDATE_PREFIX, latest=today)
    received = st.number_input(rf.text("update_received"), min_value=0.0, value=None, step=1.0, key="uf_received")
    account = st.selectbox(rf.text("update_account"), list(CHOICES["account_status"]), index=None,
                           format_func=rf.choice_label("account_status"), placeholder=rf.text("optional"),
                           key="uf_account")
    if not st.button(rf.text("update_send"), key="uf_send", width="stretch"):
        return
    values = rf.answers(st.session_state, UPDATE_PREFIX)
    changes: dict[str, Any] = {}
    problems: list[str] = []
    if status:
        changes["status"] = status
    if status in UNPAID_STATUSES:
        changes["paid_date"] = None
    else:
        fields, problem = rf.date_answer(values, "paid_date")
        if problem:
            problems.append(problem)
        elif fields:
            changes["paid_date"] = rf.approx_from(values, "paid_date")
    if received is not None:
        changes["amount_received"] = received
    if account:
        changes["account_status"] = account
    if not code.strip():
        problems.insert(0, rf.text("update_need_code"))
    elif not changes and not problems:
        problems.append(rf.text("update_need_change"))
    if problems:
        for message in problems:
            # "field: message" from the form's own checks; a sentence of its own otherwise (a translated
            # sentence may hold a colon of its own).
            is_field = message.partition(":")[0].strip() in rf.FIELD_STEP
            st.error(common.md_escape(rf.form_message(message, with_step=False) if is_field else message))
        return
    try:
        outcome = update_report(store, code, changes, client_hash=client_hash(client_address(), store))
    except ReportRejected as exc:
        st.error(rf.text("not_saved"))
        for message in rf.form_messages(rf.with_templates(exc.errors, exc.problems), with_step=False):
            st.error(common.md_escape(message))
    except ReportError as exc:
        st.error(common.md_escape(error_text(exc)))
    else:
        message = rf.text("updated").format(status=rf.choice_text("status", outcome.status).lower())
        if outcome.days_late and outcome.status in PAID_STATUSES:
            # Translators: English keeps "days" for every count; give your language's plural forms.
            message += " " + ngettext("It came {n} days after it was due.", "It came {n} days after it was due.",
                                      outcome.days_late).format(n=outcome.days_late)
        st.success(common.md_escape(message))


def withdraw_section(store: Any) -> None:
    with st.expander(rf.text("withdraw_title")):
        st.markdown(common.md_escape(rf.text("withdraw_intro")))
        with st.form("withdraw_form"):
            withdraw_code = st.text_input(rf.text("receipt_code"), max_chars=40, key="wf_code")
            sure = st.checkbox(rf.text("withdraw_sure"), key="wf_sure")
            withdraw = st.form_submit_button(rf.text("withdraw_send"))
        if withdraw:
            if not sure:
                st.error(rf.text("withdraw_tick"))
                return
            try:
                withdraw_report(store, withdraw_code, client_hash=client_hash(client_address(), store))
            except ReportError as exc:
                st.error(common.md_escape(error_text(exc)))
            else:
                st.success(rf.text("withdrawn"))


store = common.store()
today = date.today()
rf.keep_answers(st.session_state)

st.title(rf.text("title"))
receipt = st.session_state.get(RECEIPT_KEY)
if receipt:
    show_receipt(receipt)
    st.divider()
st.markdown(common.md_escape(rf.text("intro")))

step = min(max(int(st.session_state.get(STEP_KEY, 0)), 0), len(STEPS) - 1)
st.progress((step + 1) / len(STEPS), text=rf.text("step").format(n=step + 1, total=len(STEPS), name=rf.text(STEPS[step])))
st.subheader(rf.text(STEPS[step]))
if step == 0:
    step_what()
elif step == 1:
    step_when(today)
elif step == 2:
    step_money(today)
elif step == 3:
    step_details()
else:
    step_review()

back, forward = st.columns(2)
if step > 0:
    back.button(rf.text("back"), key="nav_back", on_click=_go, args=(step - 1,), width="stretch")
if step < len(STEPS) - 1:
    forward.button(rf.text("next"), key="nav_next", on_click=_go, args=(step + 1,), type="primary", width="stretch")
elif forward.button(rf.text("send"), key="nav_send", type="primary", width="stretch"):
    send(store)

st.divider()
update_section(store, today)
withdraw_section(store)
