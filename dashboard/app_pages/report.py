"""Report a payment: the anonymous form workers use to report late or missing pay, and to update
their report later with the receipt code it gives them. Thin: validation and storage live in
`collectors.reports.schema` and `collectors.store.reports`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import streamlit as st

from collectors.reports.codes import COUNTRIES, CURRENCIES
from collectors.reports.schema import (
    ACCOUNT_STATUSES,
    CAUSES,
    EVIDENCE_TYPES,
    NARRATIVE_MAX_CHARS,
    PAYMENT_METHODS,
    PLATFORMS,
    STATUSES,
    SUPPORT_RESPONSES,
    WORK_TYPES,
)
from collectors.store.reports import (
    ReportError,
    client_address_from,
    client_hash,
    submit_report,
    trusted_proxies,
    update_report,
    validate_for_store,
    withdraw_report,
)
from dashboard import common

NOT_CONTACTED = "not_contacted"
RECEIPT_KEY = "report_last_receipt"
COMMON_CURRENCIES = ["USD", "EUR", "GBP", "KES", "PHP", "INR", "NGN", "CAD", "AUD", "BRL", "ZAR", "MXN", "PKR", "EGP"]


def client_address() -> str:
    """The client's address for rate limiting (keyed at once by the caller, never stored).

    X-Forwarded-For is believed only from a configured trusted proxy (GIGWATCH_TRUSTED_PROXIES;
    default none); without an address every client is "unknown", whose bursts are held for
    moderation rather than refused."""
    found = getattr(st.context, "ip_address", None)
    headers: Mapping[str, str] = st.context.headers or {}
    return client_address_from(found if isinstance(found, str) else None, headers, _PROXIES)


_PROXIES = trusted_proxies()


def _label(choices: dict[str, str]) -> Any:
    return lambda slug: choices.get(slug, slug)


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


store = common.store()
today = date.today()

st.title("Report a late or missing payment")
st.markdown(
    "Tell us about pay that came late, came short, or never came. Your report is **anonymous**: "
    "we do not ask for your name, email or worker ID, we do not keep your IP address, and we "
    "remove names, emails, phone numbers and account numbers from anything you write. "
    "A moderator checks each report before it counts. Public figures only ever show totals from "
    "5 or more reports, never a single report."
)

receipt = st.session_state.get(RECEIPT_KEY)
if receipt:
    st.success("Thank you. Your report was saved.")
    st.markdown("**Your receipt code.** Keep it: it is the only way to update this report later "
                "(for example when you get paid). We cannot show it again or recover it.")
    st.code(receipt["code"], language=None)
    if receipt.get("expected"):
        st.caption(f"Pay was due on {receipt['expected']}" + (
            f"; it is {receipt['days_late']} days late so far." if receipt.get("days_late") else "."))
    if receipt.get("held"):
        st.info("A moderator will look at a detail of your report before it counts. Nothing else "
                "is needed from you.")
    if st.button("I have saved my code", key="receipt_done"):
        del st.session_state[RECEIPT_KEY]
        st.rerun()

with st.form("report_form"):
    st.subheader("What happened")
    platform = st.selectbox("Which platform owes you?", list(PLATFORMS), index=None,
                            format_func=_label(PLATFORMS), placeholder="Choose a platform",
                            key="rf_platform", help="Choose 'Another platform' if yours is not listed.")
    platform_other = st.text_input("If another platform: its name", max_chars=60, key="rf_platform_other")
    status = st.selectbox("Where things stand", list(STATUSES), index=None, format_func=_label(STATUSES),
                          placeholder="Choose one", key="rf_status")
    work_type = st.selectbox("Kind of work", list(WORK_TYPES), index=None, format_func=_label(WORK_TYPES),
                             placeholder="Optional", key="rf_work_type")
    project = st.text_input(
        "Project name (optional)", max_chars=64, key="rf_project",
        help="Only if you are comfortable: projects can be under an NDA. We never publish a project "
             "name unless at least 5 separate reports name it.")

    st.subheader("Dates")
    c1, c2 = st.columns(2)
    start = c1.date_input("Work started", value=None, min_value=date(2005, 1, 1), max_value=today,
                          key="rf_start", help="The first day of the work this pay is for.")
    end = c2.date_input("Work ended", value=None, min_value=date(2005, 1, 1), max_value=today,
                        key="rf_end", help="The last day of the work this pay is for.")
    expected = st.date_input(
        "When were you told you would be paid? (optional)", value=None, min_value=date(2005, 1, 1),
        key="rf_expected",
        help="Leave empty and we work it out from the platform's published pay schedule, where it has one.")
    paid = st.date_input("When did the money arrive? (if it did)", value=None, min_value=date(2005, 1, 1),
                         max_value=today, key="rf_paid")

    st.subheader("Money")
    c3, c4 = st.columns(2)
    owed = c3.number_input("Amount you were owed", min_value=0.0, value=None, step=1.0, key="rf_owed")
    received = c4.number_input("Amount you received", min_value=0.0, value=None, step=1.0, key="rf_received")
    currency_options = COMMON_CURRENCIES + sorted(c for c in CURRENCIES if c not in COMMON_CURRENCIES)
    currency = st.selectbox("Currency", currency_options, index=0, key="rf_currency",
                            format_func=lambda c: f"{c}: {CURRENCIES.get(c, c)}")
    method = st.selectbox("How are you paid?", list(PAYMENT_METHODS), index=None,
                          format_func=_label(PAYMENT_METHODS), placeholder="Optional", key="rf_method")

    st.subheader("More about it (all optional)")
    causes = st.multiselect("What reason were you given?", list(CAUSES), format_func=_label(CAUSES),
                            key="rf_causes", placeholder="Choose any that apply")
    support_options = [NOT_CONTACTED, *SUPPORT_RESPONSES]
    support_labels = {NOT_CONTACTED: "I did not contact support", **SUPPORT_RESPONSES}
    support = st.selectbox("What did support do?", support_options, index=None,
                           format_func=_label(support_labels), placeholder="Optional", key="rf_support")
    account = st.selectbox("Your account now", list(ACCOUNT_STATUSES), index=None,
                           format_func=_label(ACCOUNT_STATUSES), placeholder="Optional", key="rf_account")
    country = st.selectbox("Country you work from", sorted(COUNTRIES, key=lambda c: COUNTRIES[c]), index=None,
                           format_func=_label(COUNTRIES), placeholder="Optional (country only)",
                           key="rf_country")
    evidence = st.multiselect(
        "What proof do you have? (don't upload it: just tell us what kind)", list(EVIDENCE_TYPES),
        format_func=_label(EVIDENCE_TYPES), key="rf_evidence", placeholder="Choose any that apply")
    narrative = st.text_area(
        "Anything else? (optional)", max_chars=NARRATIVE_MAX_CHARS, key="rf_narrative",
        help="Please leave out names, emails and IDs. We remove any we find before saving, and "
             "this text is never published.")
    consent = st.checkbox("Count my report in public totals (numbers only, never my words)", value=True,
                          key="rf_consent")
    send = st.form_submit_button("Send my report", type="primary", width="stretch")

if send:
    raw: dict[str, Any] = {
        "platform": platform, "platform_other": platform_other, "status": status,
        "work_type": work_type, "project_code": project,
        "work_period_start": _iso(start), "work_period_end": _iso(end),
        "expected_pay_date": _iso(expected), "paid_date": _iso(paid),
        "amount_expected": owed, "amount_received": received,
        "currency": currency if owed is not None or received is not None else None,
        "payment_method": method, "causes": causes,
        "support_contacted": None if support is None else support != NOT_CONTACTED,
        "support_response": None if support in (None, NOT_CONTACTED) else support,
        "account_status": account, "country": country, "evidence_types": evidence,
        "narrative": narrative, "consent_publish_aggregate": consent,
    }
    result = validate_for_store(raw, store)
    if result.report is None:
        st.error("Your report was not saved yet. Please fix these and send it again:")
        for message in result.errors:
            st.error(common.md_escape(message))
    else:
        hashed = client_hash(client_address(), store)
        try:
            saved = submit_report(store, result.report, client_hash=hashed)
        except ReportError as exc:
            st.error(common.md_escape(str(exc)))
        else:
            st.session_state[RECEIPT_KEY] = {
                "code": saved.code,
                "held": saved.held_for_review,
                "expected": saved.expected_pay_date.isoformat() if saved.expected_pay_date else None,
                "days_late": saved.days_late,
            }
            st.rerun()

st.divider()
st.header("Update my report")
st.markdown("Got paid, or something changed? Enter your receipt code and what is new. "
            "Updating a waiting report helps: reports left open make delays look longer or shorter "
            "than they are.")
with st.form("update_form"):
    code = st.text_input("Receipt code", max_chars=40, key="uf_code", placeholder="XXXX-XXXX-XXXX-XXXX-XXXX")
    new_status = st.selectbox("Where things stand now", list(STATUSES), index=None,
                              format_func=_label(STATUSES), placeholder="Choose one", key="uf_status")
    new_paid = st.date_input("When did the money arrive? (if it did)", value=None, min_value=date(2005, 1, 1),
                             max_value=today, key="uf_paid")
    new_received = st.number_input("Total amount received so far", min_value=0.0, value=None, step=1.0,
                                   key="uf_received")
    new_account = st.selectbox("Your account now", list(ACCOUNT_STATUSES), index=None,
                               format_func=_label(ACCOUNT_STATUSES), placeholder="Unchanged", key="uf_account")
    update = st.form_submit_button("Update my report", width="stretch")

if update:
    changes: dict[str, Any] = {}
    if new_status:
        changes["status"] = new_status
        changes["paid_date"] = _iso(new_paid)
    elif new_paid:
        changes["paid_date"] = _iso(new_paid)
    if new_received is not None:
        changes["amount_received"] = new_received
    if new_account:
        changes["account_status"] = new_account
    if not code.strip():
        st.error("Enter the receipt code you were given.")
    elif not changes:
        st.error("Choose what has changed.")
    else:
        try:
            outcome = update_report(store, code, changes, client_hash=client_hash(client_address(), store))
        except ReportError as exc:
            st.error(common.md_escape(str(exc)))
        else:
            st.success(f"Updated: {STATUSES[outcome.status].lower()}"
                       + (f", {outcome.days_late} days late." if outcome.days_late else "."))

with st.expander("Withdraw my report"):
    st.markdown("This removes your report from every figure and erases what you wrote.")
    with st.form("withdraw_form"):
        withdraw_code = st.text_input("Receipt code", max_chars=40, key="wf_code")
        sure = st.checkbox("Yes, withdraw it", key="wf_sure")
        withdraw = st.form_submit_button("Withdraw")
    if withdraw:
        if not sure:
            st.error("Tick the box to confirm.")
        else:
            try:
                withdraw_report(store, withdraw_code, client_hash=client_hash(client_address(), store))
            except ReportError as exc:
                st.error(common.md_escape(str(exc)))
            else:
                st.success("Your report was withdrawn.")
