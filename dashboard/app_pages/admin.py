"""Moderation: approve, reject or merge payment reports, and tag mass incidents as one event.

Behind a password (GIGWATCH_ADMIN_PASSWORD or GIGWATCH_ADMIN_PASSWORD_HASH; only the hash is kept).
Everything reporters wrote is shown as plain text (tables and st.text), never as HTML or Markdown.
"""

from __future__ import annotations

import time
from datetime import date

import streamlit as st

from collectors.config import check_password
from collectors.reports.schema import PLATFORMS, STATUSES
from collectors.store.reports import (
    EVENT_KINDS,
    ReportError,
    approve,
    create_event,
    merge_duplicates,
    reject,
    tag_event,
)
from dashboard import common, queries

AUTH_KEY = "admin_authenticated"
FAILS_KEY = "admin_failed_attempts"

st.title("Moderation")
settings = common.settings()

if not settings.admin_password_hash:
    st.warning("The admin page is locked because no admin password is set.")
    st.markdown(
        "Set one in the environment of the dashboard process and restart it:\n\n"
        "* `GIGWATCH_ADMIN_PASSWORD=...` (hashed when gigwatch starts; the password itself is not kept), or\n"
        "* `GIGWATCH_ADMIN_PASSWORD_HASH=...` made with "
        "`uv run python -c \"from collectors.config import hash_password; print(hash_password('...'))\"`, "
        "or `password_hash` under `[admin]` in gigwatch.toml."
    )
    st.stop()

if not st.session_state.get(AUTH_KEY):
    with st.form("admin_login"):
        password = st.text_input("Admin password", type="password", key="admin_password")
        login = st.form_submit_button("Sign in")
    if login:
        fails = int(st.session_state.get(FAILS_KEY, 0))
        time.sleep(min(fails, 5))  # slow down guessing within a session
        if check_password(password, settings.admin_password_hash):
            st.session_state[AUTH_KEY] = True
            st.session_state[FAILS_KEY] = 0
            st.rerun()
        else:
            st.session_state[FAILS_KEY] = fails + 1
            st.error("Wrong password.")
    st.stop()

if st.sidebar.button("Sign out", key="admin_signout"):
    st.session_state[AUTH_KEY] = False
    st.rerun()

store = common.store()
# The signed-in moderator's name for the audit log (named accounts set MODERATOR_KEY at login;
# with the shared password the name is "admin").
MODERATOR_KEY = "admin_moderator"
moderator = str(st.session_state.get(MODERATOR_KEY) or "admin")


def _short(report_id: str) -> str:
    return report_id[:8]


def md_escape(text: str) -> str:
    """Text shown inside st.error (which renders Markdown) as plain characters."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>~$:" else ch for ch in text)


def _done(message: str) -> None:
    st.session_state["admin_message"] = message
    st.rerun()


if "admin_message" in st.session_state:
    st.success(st.session_state.pop("admin_message"))

with st.expander("Audit log: every moderation action, newest first"):
    st.caption("Who, when, which report or event, before and after. Append-only; report text is "
               "never recorded here.")
    log = queries.audit_entries(store, limit=200)
    if log.empty:
        st.info("No moderation actions yet.")
    else:
        common.frame_table(log)

show_all = st.toggle("Show decided reports too", key="admin_show_all")
queue = queries.moderation_queue(store, include_decided=show_all)
pending = queue[queue["moderation_status"] == "pending"] if not queue.empty else queue
held = pending[pending["review_reasons"].map(lambda r: r is not None and len(r) > 0)] if not pending.empty else pending
c1, c2 = st.columns(2)
c1.metric("Waiting for a decision", f"{len(pending):,}")
c2.metric("Of which flagged", f"{len(held):,}")

if queue.empty:
    common.empty_state("No reports are waiting.", "New reports from the form and imports appear here.")
    st.stop()

table = queue.assign(
    id=queue["report_id"].map(_short),
    reasons=queue["review_reasons"].map(lambda r: "; ".join(r) if r is not None and len(r) else ""),
    causes=queue["causes"].map(lambda r: ", ".join(r) if r is not None and len(r) else ""),
    evidence_types=queue["evidence_types"].map(lambda r: ", ".join(r) if r is not None and len(r) else ""),
)
common.frame_table(
    table[["id", "moderation_status", "reasons", "submitted_at", "source_kind", "source_name", "platform_id",
           "platform_other", "project_code", "status", "amount_expected", "amount_received", "currency",
           "work_period_start", "work_period_end", "expected_pay_date", "paid_date", "days_late",
           "payment_method", "causes", "support_response", "account_status", "country", "evidence_types",
           "event_id", "fingerprint", "narrative_scrubbed", "source_url"]],
)

labels: dict[str, str] = {
    str(row["report_id"]): f"{_short(str(row['report_id']))} · {PLATFORMS.get(str(row['platform_id']), str(row['platform_id']))} · "
                           f"{STATUSES.get(str(row['status']), str(row['status']))} · {row['moderation_status']}"
    for row in queue.to_dict("records")
}
selected: list[str] = [str(r) for r in st.multiselect(
    "Reports", list(labels), format_func=lambda r: labels[r], key="admin_selected",
    placeholder="Choose reports to act on")]

for report_id in selected:
    row = queue[queue["report_id"] == report_id].iloc[0]
    with st.expander(f"Report {_short(report_id)}", expanded=len(selected) == 1):
        st.text(f"Flags: {row['review_reasons'] if row['review_reasons'] is not None else []}")
        st.text("What the reporter wrote (scrubbed):")
        st.text(row["narrative_scrubbed"] if isinstance(row["narrative_scrubbed"], str) else "(nothing)")

a1, a2 = st.columns(2)
if a1.button("Approve selected", type="primary", disabled=not selected, key="admin_approve"):
    _done(f"Approved {approve(store, selected, moderator=moderator)} report(s).")
reason = a2.text_input("Reason for rejecting", key="admin_reject_reason", max_chars=300)
if a2.button("Reject selected", disabled=not selected, key="admin_reject"):
    _done(f"Rejected {reject(store, selected, reason=reason or None, moderator=moderator)} report(s).")

unflagged = pending[pending["review_reasons"].map(lambda r: r is None or len(r) == 0)] if not pending.empty else pending
if st.button(f"Approve all {len(unflagged)} unflagged waiting report(s)", disabled=unflagged.empty,
             key="admin_approve_unflagged"):
    _done(f"Approved {approve(store, [str(r) for r in unflagged['report_id']], moderator=moderator)} report(s).")

st.subheader("Merge duplicates")
st.caption("Keep one report; the others stop counting and point to it.")
if len(selected) >= 2:
    keep = str(st.selectbox("Keep", selected, format_func=lambda r: labels[r], key="admin_keep"))
    if st.button("Merge the others into it", key="admin_merge"):
        try:
            count = merge_duplicates(store, keep, [r for r in selected if r != keep], moderator=moderator)
        except ReportError as exc:
            st.error(md_escape(str(exc)))
        else:
            _done(f"Merged {count} report(s) into {_short(keep)}.")
else:
    st.caption("Select two or more reports above.")

st.subheader("Events (one incident, many reports)")
events = queries.report_events(store)
if not events.empty:
    common.frame_table(events)
with st.form("admin_event"):
    title = st.text_input("New event: what happened", max_chars=200, key="admin_event_title")
    e1, e2, e3 = st.columns(3)
    kind = e1.selectbox("Kind", EVENT_KINDS, key="admin_event_kind")
    platform = e2.selectbox("Platform", [None, *PLATFORMS], format_func=lambda p: "—" if p is None else PLATFORMS[p],
                            key="admin_event_platform")
    when = e3.date_input("Date", value=None, max_value=date.today(), key="admin_event_date")
    url = st.text_input("Source link (news, notice)", max_chars=500, key="admin_event_url")
    create = st.form_submit_button("Create event")
if create:
    try:
        event_id = create_event(store, title=title, kind=kind, platform_id=platform, event_date=when,
                                source_url=url or None, moderator=moderator)
    except ReportError as exc:
        st.error(md_escape(str(exc)))
    else:
        _done(f"Created event {event_id}.")

if not events.empty:
    choice = st.selectbox("Tag the selected reports with", [None, *events["event_id"].tolist()],
                          format_func=lambda e: "no event (remove tag)" if e is None else str(e), key="admin_tag_event")
    if st.button("Tag selected", disabled=not selected, key="admin_tag"):
        try:
            count = tag_event(store, selected, choice, moderator=moderator)
        except ReportError as exc:
            st.error(md_escape(str(exc)))
        else:
            _done(f"Tagged {count} report(s).")
