"""Moderation: approve, reject or merge payment reports, and tag mass incidents as one event.

Behind named moderator accounts (`gigwatch moderators add NAME`; see collectors.moderators): a
lockout shared by every process, sessions that end when idle or old.
Everything reporters wrote is shown as plain text (tables and st.text), never as HTML or Markdown.
"""

from __future__ import annotations

import math
from datetime import date

import streamlit as st

from collectors.config import LEGACY_ADMIN
from collectors.moderators import MAX_PASSWORD_CHARS, SignIn, sign_in
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

st.title("Moderation")
settings = common.settings()

# -- signing in (named moderator accounts; see collectors.moderators) --------------------------------

if not settings.moderators:
    st.warning("The admin page is locked because no moderator account is set up.")
    st.markdown(
        "On the machine that serves the dashboard, add one:\n\n"
        "* `gigwatch moderators add NAME` asks for the password and writes its argon2 hash under "
        "`[moderators]` in gigwatch.toml (read on the next page view, no restart needed), or\n"
        "* `GIGWATCH_MODERATORS=name:hash` in the environment of the dashboard process.\n\n"
        "The older `GIGWATCH_ADMIN_PASSWORD` and `GIGWATCH_ADMIN_PASSWORD_HASH` still work, as a "
        "moderator named `admin`, but are deprecated."
    )
    st.stop()

moderator = common.signed_in_moderator()
if moderator is None:
    ended = st.session_state.pop(common.MODERATOR_SIGNED_OUT_KEY, None)
    if ended:
        st.info(str(ended))
    # Configured the old way there is one account, named "admin": the name is filled in.
    only_legacy = settings.admin_password_hash is not None and len(settings.moderators) == 1
    with st.form("admin_login"):
        name = st.text_input("Moderator name", value=LEGACY_ADMIN if only_legacy else "", key="admin_name",
                             max_chars=64)
        password = st.text_input("Password", type="password", key="admin_password", max_chars=MAX_PASSWORD_CHARS)
        login = st.form_submit_button("Sign in")
    if login:
        client = getattr(st.context, "ip_address", None)  # behind a proxy, the proxy's address
        result = sign_in(settings, name, password, client=str(client) if client else None)
        if result.outcome is SignIn.OK and result.session is not None:
            common.start_moderator_session(result.session)
            st.rerun()
        elif result.outcome is SignIn.LOCKED:
            minutes = math.ceil((result.retry_after_seconds or 60) / 60)
            st.error(f"Too many failed sign-ins. Try again in {minutes} minute(s).")
        else:
            st.error("Wrong name or password.")
    st.stop()

st.sidebar.text(f"Signed in as {moderator}")
if st.sidebar.button("Sign out", key="admin_signout"):
    common.end_moderator_session()
    st.rerun()

store = common.store()
# `moderator` (the signed-in account's name, above) is what every moderation call records in the audit log.


def _short(report_id: str) -> str:
    return report_id[:8]


def _done(message: str) -> None:
    st.session_state["admin_message"] = message
    st.rerun()


if "admin_message" in st.session_state:
    st.success(common.md_escape(str(st.session_state.pop("admin_message"))))

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
            st.error(common.md_escape(str(exc)))
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
        st.error(common.md_escape(str(exc)))
    else:
        _done(f"Created event {event_id}.")

if not events.empty:
    choice = st.selectbox("Tag the selected reports with", [None, *events["event_id"].tolist()],
                          format_func=lambda e: "no event (remove tag)" if e is None else str(e), key="admin_tag_event")
    if st.button("Tag selected", disabled=not selected, key="admin_tag"):
        try:
            count = tag_event(store, selected, choice, moderator=moderator)
        except ReportError as exc:
            st.error(common.md_escape(str(exc)))
        else:
            _done(f"Tagged {count} report(s).")
