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
from dashboard.report_form import CHOICES, PREFIX, STEPS, TEXT

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
    st.success(TEXT["saved"])
    st.markdown(TEXT["receipt_title"])
    st.code(receipt["code"], language=None)
    st.markdown(common.md_escape(TEXT["receipt_keep"]))
    for line in receipt.get("delay", []):
        st.info(common.md_escape(line))
    st.info(TEXT["held"] if receipt.get("held") else TEXT["pending"])
    if st.button(TEXT["receipt_done"], key="receipt_done"):
        del st.session_state[RECEIPT_KEY]
        st.rerun()


def step_what() -> None:
    st.markdown(f"**{TEXT['grievances']}**")
    for slug, text in CHOICES["grievances"].items():
        st.checkbox(text, key=f"{PREFIX}grievance_{slug}")
    st.radio(TEXT["status"], list(CHOICES["status"]), index=None, format_func=rf.choice_label("status"),
             key=f"{PREFIX}status")
    if st.session_state.get(f"{PREFIX}grievance_processor_hold"):
        st.selectbox(TEXT["processor"], [m for m in PAYMENT_METHODS if m != "unknown"], index=None,
                     format_func=PAYMENT_METHODS.__getitem__, placeholder=TEXT["platform_placeholder"],
                     key=f"{PREFIX}processor", help=TEXT["processor_help"])


def step_when(today: date) -> None:
    st.caption(TEXT["when_intro"])
    for name, question in rf.DATE_QUESTIONS.items():
        if name == "paid_date" and st.session_state.get(f"{PREFIX}status") in UNPAID_STATUSES:
            continue  # the money has not come: there is no day to ask for
        latest = today + timedelta(days=366) if name == "expected_pay_date" else today
        with st.container(border=True):
            rf.date_question(name, question, latest=latest)


def step_money(today: date) -> None:
    st.number_input(TEXT["amount_expected"], min_value=0.0, value=None, step=1.0, key=f"{PREFIX}amount_expected")
    st.number_input(TEXT["amount_received"], min_value=0.0, value=None, step=1.0, key=f"{PREFIX}amount_received")
    options = COMMON_CURRENCIES + sorted(c for c in CURRENCIES if c not in COMMON_CURRENCIES)
    st.selectbox(TEXT["currency"], options, index=0, key=f"{PREFIX}currency",
                 format_func=lambda c: f"{c}: {CURRENCIES.get(c, c)}")
    st.number_input(TEXT["rate"], min_value=0.0, value=None, step=0.5, key=f"{PREFIX}rate")
    st.selectbox(TEXT["rate_unit"], list(CHOICES["rate_unit"]), index=0, format_func=rf.choice_label("rate_unit"),
                 key=f"{PREFIX}rate_unit")
    st.number_input(TEXT["paid_hours"], min_value=0.0, max_value=5000.0, value=None, step=1.0,
                    key=f"{PREFIX}paid_hours")
    st.markdown(f"**{TEXT['unpaid_intro']}**")
    for kind in UNPAID_HOUR_KINDS:
        st.number_input(CHOICES["unpaid_hours"][kind], min_value=0.0, max_value=5000.0, value=None, step=1.0,
                        key=f"{PREFIX}unpaid_{kind}")
    st.number_input(TEXT["tasks_done"], min_value=0, max_value=10_000_000, value=None, step=1,
                    key=f"{PREFIX}tasks_done")
    count = st.number_input(TEXT["payments_count"], min_value=0, max_value=5, value=0, step=1,
                            key=f"{PREFIX}payments_count")
    for i in range(int(count or 0)):
        with st.container(border=True):
            rf.date_question(f"payment{i}", TEXT["payment_date"].format(n=i + 1), latest=today + timedelta(days=366))
            st.number_input(TEXT["payment_amount"].format(n=i + 1), min_value=0.0, value=None, step=1.0,
                            key=f"{PREFIX}payment{i}_amount")
            st.selectbox(TEXT["payment_kind"].format(n=i + 1), list(CHOICES["payment_kind"]), index=0,
                         format_func=rf.choice_label("payment_kind"), key=f"{PREFIX}payment{i}_kind")


def step_details() -> None:
    platform = st.selectbox(TEXT["platform"], rf.platform_options(), index=None, format_func=rf.platform_label,
                            placeholder=TEXT["platform_placeholder"], key=f"{PREFIX}platform")
    note = rf.platform_note(platform)
    if note:
        st.caption(common.md_escape(note))
    if platform == "other":
        st.text_input(TEXT["platform_other"], max_chars=60, key=f"{PREFIX}platform_other",
                      help=TEXT["platform_other_help"])
    st.text_input(TEXT["vendor"], max_chars=60, key=f"{PREFIX}vendor", help=TEXT["vendor_help"])
    st.text_input(TEXT["project_code"], max_chars=64, key=f"{PREFIX}project_code", help=TEXT["project_help"])
    st.selectbox(TEXT["country"], sorted(COUNTRIES, key=lambda c: COUNTRIES[c]), index=None,
                 format_func=COUNTRIES.__getitem__, placeholder=TEXT["optional"], key=f"{PREFIX}country")
    st.selectbox(TEXT["payment_method"], list(PAYMENT_METHODS), index=None, format_func=PAYMENT_METHODS.__getitem__,
                 placeholder=TEXT["optional"], key=f"{PREFIX}payment_method")
    st.number_input(TEXT["affected_workers"], min_value=1, max_value=10_000_000, value=None, step=1,
                    key=f"{PREFIX}affected_workers", help=TEXT["affected_help"])
    st.selectbox(TEXT["account_status"], list(CHOICES["account_status"]), index=None,
                 format_func=rf.choice_label("account_status"), placeholder=TEXT["optional"],
                 key=f"{PREFIX}account_status")
    st.selectbox(TEXT["support"], list(CHOICES["support"]), index=None, format_func=rf.choice_label("support"),
                 placeholder=TEXT["optional"], key=f"{PREFIX}support")
    st.multiselect(TEXT["evidence"], list(CHOICES["evidence_types"]), format_func=rf.choice_label("evidence_types"),
                   placeholder=TEXT["optional"], key=f"{PREFIX}evidence_types")
    st.text_area(TEXT["narrative"], max_chars=NARRATIVE_MAX_CHARS, key=f"{PREFIX}narrative",
                 help=TEXT["narrative_help"])


def _current_raw() -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    values = rf.answers(st.session_state)
    if values.get("status") in UNPAID_STATUSES:  # a paid day left from an earlier answer is not sent
        values.pop("paid_date_how", None)
    raw, problems = rf.build_raw(values)
    return raw, problems, values


def step_review() -> None:
    raw, _problems, values = _current_raw()
    st.caption(TEXT["review_intro"])
    lines = rf.review_lines(raw, values)
    if lines:
        st.markdown("\n".join(f"- **{common.md_escape(q)}:** {common.md_escape(a)}" for q, a in lines))
    else:
        st.info(TEXT["review_empty"])
    with st.container(border=True):
        st.markdown(f"**{TEXT['privacy_title']}**")
        st.markdown(_escaped_lines(list(rf.PRIVACY)))
    st.checkbox(TEXT["consent"], value=False, key=f"{PREFIX}consent")


def send(store: Any) -> None:
    raw, problems, _values = _current_raw()
    result = validate_for_store(raw, store)
    errors = problems + result.errors
    if errors:
        st.error(TEXT["not_saved"])
        for message in rf.form_messages(errors):
            st.error(common.md_escape(message))
        return
    assert result.report is not None
    try:
        saved = submit_report(store, result.report, client_hash=client_hash(client_address(), store))
    except ReportError as exc:
        st.error(common.md_escape(str(exc)))
        return
    st.session_state[RECEIPT_KEY] = {"code": saved.code, "held": saved.held_for_review,
                                     "delay": rf.delay_summary(result.report)}
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(PREFIX)]:
        del st.session_state[key]
    st.session_state[STEP_KEY] = 0
    st.rerun()


def update_section(store: Any, today: date) -> None:
    st.header(TEXT["update_title"])
    st.markdown(common.md_escape(TEXT["update_intro"]))
    code = st.text_input(TEXT["receipt_code"], max_chars=40, key="uf_code", placeholder="XXXX-XXXX-XXXX-XXXX-XXXX")
    status = st.selectbox(TEXT["update_status"], list(CHOICES["status"]), index=None,
                          format_func=rf.choice_label("status"), placeholder=TEXT["platform_placeholder"],
                          key="uf_status")
    if status not in UNPAID_STATUSES:
        rf.date_question("paid_date", TEXT["update_paid"], prefix=UPDATE_PREFIX, latest=today)
    received = st.number_input(TEXT["update_received"], min_value=0.0, value=None, step=1.0, key="uf_received")
    account = st.selectbox(TEXT["update_account"], list(CHOICES["account_status"]), index=None,
                           format_func=rf.choice_label("account_status"), placeholder=TEXT["optional"],
                           key="uf_account")
    if not st.button(TEXT["update_send"], key="uf_send", width="stretch"):
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
        problems.insert(0, TEXT["update_need_code"])
    elif not changes and not problems:
        problems.append(TEXT["update_need_change"])
    if problems:
        for message in problems:
            st.error(common.md_escape(rf.form_message(message, with_step=False) if ":" in message else message))
        return
    try:
        outcome = update_report(store, code, changes, client_hash=client_hash(client_address(), store))
    except ReportRejected as exc:
        st.error(TEXT["not_saved"])
        for message in rf.form_messages(exc.errors, with_step=False):
            st.error(common.md_escape(message))
    except ReportError as exc:
        st.error(common.md_escape(str(exc)))
    else:
        message = TEXT["updated"].format(status=CHOICES["status"].get(outcome.status, outcome.status).lower())
        if outcome.days_late and outcome.status in PAID_STATUSES:
            message += f" It came {outcome.days_late} days after it was due."
        st.success(common.md_escape(message))


def withdraw_section(store: Any) -> None:
    with st.expander(TEXT["withdraw_title"]):
        st.markdown(common.md_escape(TEXT["withdraw_intro"]))
        with st.form("withdraw_form"):
            withdraw_code = st.text_input(TEXT["receipt_code"], max_chars=40, key="wf_code")
            sure = st.checkbox(TEXT["withdraw_sure"], key="wf_sure")
            withdraw = st.form_submit_button(TEXT["withdraw_send"])
        if withdraw:
            if not sure:
                st.error(TEXT["withdraw_tick"])
                return
            try:
                withdraw_report(store, withdraw_code, client_hash=client_hash(client_address(), store))
            except ReportError as exc:
                st.error(common.md_escape(str(exc)))
            else:
                st.success(TEXT["withdrawn"])


store = common.store()
today = date.today()
rf.keep_answers(st.session_state)

st.title(TEXT["title"])
receipt = st.session_state.get(RECEIPT_KEY)
if receipt:
    show_receipt(receipt)
    st.divider()
st.markdown(common.md_escape(TEXT["intro"]))

step = min(max(int(st.session_state.get(STEP_KEY, 0)), 0), len(STEPS) - 1)
st.progress((step + 1) / len(STEPS), text=TEXT["step"].format(n=step + 1, total=len(STEPS), name=TEXT[STEPS[step]]))
st.subheader(TEXT[STEPS[step]])
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
    back.button(TEXT["back"], key="nav_back", on_click=_go, args=(step - 1,), width="stretch")
if step < len(STEPS) - 1:
    forward.button(TEXT["next"], key="nav_next", on_click=_go, args=(step + 1,), type="primary", width="stretch")
elif forward.button(TEXT["send"], key="nav_send", type="primary", width="stretch"):
    send(store)

st.divider()
update_section(store, today)
withdraw_section(store)
