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
from dashboard.i18n import _, ngettext

st.title(_("Moderation"))
settings = common.settings()

# -- signing in (named moderator accounts; see collectors.moderators) --------------------------------

if not settings.moderators:
    st.warning(_("The admin page is locked because no moderator account is set up."))
    st.markdown(_(
        "On the machine that serves the dashboard, add one:\n\n"
        "* `gigwatch moderators add NAME` asks for the password and writes its argon2 hash under "
        "`[moderators]` in gigwatch.toml (read on the next page view, no restart needed), or\n"
        "* `GIGWATCH_MODERATORS=name:hash` in the environment of the dashboard process.\n\n"
        "The older `GIGWATCH_ADMIN_PASSWORD` and `GIGWATCH_ADMIN_PASSWORD_HASH` still work, as a "
        "moderator named `admin`, but are deprecated."
    ))
    st.stop()

moderator = common.signed_in_moderator()
if moderator is None:
    ended = st.session_state.pop(common.MODERATOR_SIGNED_OUT_KEY, None)
    if ended:
        st.info(str(ended))  # collectors.moderators' reason, English text (not translated here)
    # Configured the old way there is one account, named "admin": the name is filled in.
    only_legacy = settings.admin_password_hash is not None and len(settings.moderators) == 1
    with st.form("admin_login"):
        name = st.text_input(_("Moderator name"), value=LEGACY_ADMIN if only_legacy else "", key="admin_name",
                             max_chars=64)
        password = st.text_input(_("Password"), type="password", key="admin_password", max_chars=MAX_PASSWORD_CHARS)
        login = st.form_submit_button(_("Sign in"))
    if login:
        client = getattr(st.context, "ip_address", None)  # behind a proxy, the proxy's address
        result = sign_in(settings, name, password, client=str(client) if client else None)
        if result.outcome is SignIn.OK and result.session is not None:
            common.start_moderator_session(result.session)
            st.rerun()
        elif result.outcome is SignIn.LOCKED:
            minutes = math.ceil((result.retry_after_seconds or 60) / 60)
            # Translators: English writes "minute(s)" for every count; give each plural form its own word.
            st.error(ngettext("Too many failed sign-ins. Try again in {minutes} minute(s).",
                              "Too many failed sign-ins. Try again in {minutes} minute(s).", minutes).format(minutes=minutes))
        else:
            st.error(_("Wrong name or password."))
    st.stop()

st.sidebar.text(_("Signed in as {name}").format(name=moderator))
if st.sidebar.button(_("Sign out"), key="admin_signout"):
    common.end_moderator_session()
    st.rerun()

store = common.store()
# `moderator` (the signed-in account's name, above) is what every moderation call records in the audit log.


def _short(report_id: str) -> str:
    return report_id[:8]


def _status(status: str) -> str:
    """A report status's label (collectors.reports.schema.STATUSES, translated when marked there), else the code."""
    return common.translated(STATUSES[status]) if status in STATUSES else status


def _done(message: str) -> None:
    st.session_state["admin_message"] = message
    st.rerun()


if "admin_message" in st.session_state:
    st.success(common.md_escape(str(st.session_state.pop("admin_message"))))

with st.expander(_("Audit log: every moderation action, newest first")):
    st.caption(_("Who, when, which report or event, before and after. Append-only; report text is "
                 "never recorded here."))
    log = queries.audit_entries(store, limit=200)
    if log.empty:
        st.info(_("No moderation actions yet."))
    else:
        common.frame_table(log)

show_all = st.toggle(_("Show decided reports too"), key="admin_show_all")
queue = queries.moderation_queue(store, include_decided=show_all)
pending = queue[queue["moderation_status"] == "pending"] if not queue.empty else queue
held = pending[pending["review_reasons"].map(lambda r: r is not None and len(r) > 0)] if not pending.empty else pending
c1, c2 = st.columns(2)
c1.metric(_("Waiting for a decision"), common.fmt_number(len(pending)))
c2.metric(_("Of which flagged"), common.fmt_number(len(held)))

if queue.empty:
    common.empty_state(_("No reports are waiting."), _("New reports from the form and imports appear here."))
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
                           f"{_status(str(row['status']))} · {row['moderation_status']}"
    for row in queue.to_dict("records")
}
selected: list[str] = [str(r) for r in st.multiselect(
    _("Reports"), list(labels), format_func=lambda r: labels[r], key="admin_selected",
    placeholder=_("Choose reports to act on"))]

for report_id in selected:
    row = queue[queue["report_id"] == report_id].iloc[0]
    with st.expander(_("Report {id}").format(id=_short(report_id)), expanded=len(selected) == 1):
        # The flags are the store's review reasons (English code text, not translated here).
        st.text(_("Flags: {flags}").format(flags=row["review_reasons"] if row["review_reasons"] is not None else []))
        st.text(_("What the reporter wrote (scrubbed):"))
        st.text(row["narrative_scrubbed"] if isinstance(row["narrative_scrubbed"], str) else _("(nothing)"))

a1, a2 = st.columns(2)
if a1.button(_("Approve selected"), type="primary", disabled=not selected, key="admin_approve"):
    approved = approve(store, selected, moderator=moderator)
    # Translators: English writes "report(s)" for every count; give each plural form its own word.
    _done(ngettext("Approved {n} report(s).", "Approved {n} report(s).", approved).format(n=approved))
reason = a2.text_input(_("Reason for rejecting"), key="admin_reject_reason", max_chars=300)
if a2.button(_("Reject selected"), disabled=not selected, key="admin_reject"):
    rejected = reject(store, selected, reason=reason or None, moderator=moderator)
    # Translators: English writes "report(s)" for every count; give each plural form its own word.
    _done(ngettext("Rejected {n} report(s).", "Rejected {n} report(s).", rejected).format(n=rejected))

unflagged = pending[pending["review_reasons"].map(lambda r: r is None or len(r) == 0)] if not pending.empty else pending
# Translators: English writes "report(s)" for every count; give each plural form its own word.
if st.button(ngettext("Approve all {n} unflagged waiting report(s)", "Approve all {n} unflagged waiting report(s)",
                      len(unflagged)).format(n=len(unflagged)), disabled=unflagged.empty,
             key="admin_approve_unflagged"):
    approved = approve(store, [str(r) for r in unflagged["report_id"]], moderator=moderator)
    # Translators: English writes "report(s)" for every count; give each plural form its own word.
    _done(ngettext("Approved {n} report(s).", "Approved {n} report(s).", approved).format(n=approved))

st.subheader(_("Merge duplicates"))
st.caption(_("Keep one report; the others stop counting and point to it."))
if len(selected) >= 2:
    keep = str(st.selectbox(_("Keep"), selected, format_func=lambda r: labels[r], key="admin_keep"))
    if st.button(_("Merge the others into it"), key="admin_merge"):
        try:
            count = merge_duplicates(store, keep, [r for r in selected if r != keep], moderator=moderator)
        except ReportError as exc:
            st.error(common.md_escape(str(exc)))
        else:
            # Translators: English writes "report(s)" for every count; {id} is the kept report's short id.
            _done(ngettext("Merged {n} report(s) into {id}.", "Merged {n} report(s) into {id}.", count).format(
                n=count, id=_short(keep)))
else:
    st.caption(_("Select two or more reports above."))

st.subheader(_("Events (one incident, many reports)"))
events = queries.report_events(store)
if not events.empty:
    common.frame_table(events)
with st.form("admin_event"):
    title = st.text_input(_("New event: what happened"), max_chars=200, key="admin_event_title")
    e1, e2, e3 = st.columns(3)
    kind = e1.selectbox(_("Kind"), EVENT_KINDS, key="admin_event_kind")
    platform = e2.selectbox(_("Platform"), [None, *PLATFORMS], format_func=lambda p: "—" if p is None else PLATFORMS[p],
                            key="admin_event_platform")
    when = e3.date_input(_("Date"), value=None, max_value=date.today(), key="admin_event_date")
    url = st.text_input(_("Source link (news, notice)"), max_chars=500, key="admin_event_url")
    create = st.form_submit_button(_("Create event"))
if create:
    try:
        event_id = create_event(store, title=title, kind=kind, platform_id=platform, event_date=when,
                                source_url=url or None, moderator=moderator)
    except ReportError as exc:
        st.error(common.md_escape(str(exc)))
    else:
        _done(_("Created event {id}.").format(id=event_id))

if not events.empty:
    choice = st.selectbox(_("Tag the selected reports with"), [None, *events["event_id"].tolist()],
                          format_func=lambda e: _("no event (remove tag)") if e is None else str(e), key="admin_tag_event")
    if st.button(_("Tag selected"), disabled=not selected, key="admin_tag"):
        try:
            count = tag_event(store, selected, choice, moderator=moderator)
        except ReportError as exc:
            st.error(common.md_escape(str(exc)))
        else:
            # Translators: English writes "report(s)" for every count; give each plural form its own word.
            _done(ngettext("Tagged {n} report(s).", "Tagged {n} report(s).", count).format(n=count))
