"""Moderation and mass incidents: the queue, approve / reject / merge, events and their tags, and the
append-only audit log of every moderation action (who, when, which report or event, before and after).

Every function that decides takes `moderator` (the signed-in name, or `--moderator` on the command
line) and writes one audit entry per report in the same vault transaction as the change; then the
public aggregates are published again (`public.publish`). Rejecting erases the report from the
vault: the audit log keeps that it was rejected, and why, never its text.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import pandas as pd

from collectors.reports.schema import show
from collectors.reports.scrub import scrub
from collectors.store import Store
from collectors.store import vault as vaults
from collectors.store.reports.base import EVENT_KINDS, ReportError, moderation_view, now_utc

QUEUE_COLUMNS = [
    "report_id", "submitted_at", "source_kind", "source_name", "platform_id", "platform_other",
    "project_code", "status", "amount_expected", "amount_received", "currency",
    "amount_expected_usd", "work_period_start", "work_period_end", "expected_pay_date",
    "expected_pay_date_basis", "paid_date", "days_late", "payment_method", "causes",
    "support_response", "account_status", "country", "evidence_types", "review_reasons",
    "narrative_scrubbed", "fingerprint", "event_id", "source_url", "moderation_status", "run_id",
]
AUDIT_COLUMNS = ["seq", "at", "moderator", "action", "report_id", "event_id", "before", "after"]


def _moderator(name: str) -> str:
    cleaned = scrub(name, max_chars=80) if isinstance(name, str) else ""
    if not cleaned or not cleaned.strip():
        raise ReportError("moderator: a moderation needs the moderator's name")
    return cleaned.strip()


def moderation_queue(store: Store, *, include_decided: bool = False, limit: int = 500,
                     import_run: str | None = None) -> pd.DataFrame:
    """Reports awaiting a decision, doubtful ones first, oldest first (approved and merged ones too
    if asked; rejected and withdrawn reports are erased). Moderators only: holds report text."""
    where, params = ("TRUE", []) if include_decided else ("moderation_status = 'pending'", [])
    if import_run:
        where += " AND run_id = ?"
        params.append(import_run)
    rows = vaults.report_rows(vaults.get_vault(store), where, params)
    rows.sort(key=lambda r: (len(r.get("review_reasons") or []) == 0, r["submitted_at"]))
    frame = pd.DataFrame([{c: r.get(c) for c in QUEUE_COLUMNS} for r in rows[:limit]], columns=QUEUE_COLUMNS)
    return frame


def _decide(store: Store, report_ids: Iterable[str], status: str, *, moderator: str, note: str | None,
            now: datetime | None, duplicate_of: str | None = None, erase: bool = False) -> int:
    ids = sorted(set(report_ids))
    if not ids:
        return 0
    who = _moderator(moderator)
    stamp = now_utc(now)
    note = (scrub(note, max_chars=300) or None) if note else None

    def txn(con: sqlite3.Connection) -> tuple[int, list[dict[str, Any]]]:
        rows = vaults.report_rows(con, "report_id IN (SELECT value FROM json_each(?))", [json.dumps(ids)])
        if len(rows) != len(ids):
            raise ReportError(f"{len(ids) - len(rows)} of the selected report ids do not exist "
                              "(or were withdrawn or rejected, which erases them)")
        for row in rows:
            before = moderation_view(row)
            row.update(moderation_status=status, moderated_at=stamp,
                       moderation_note=note if note is not None else row.get("moderation_note"))
            if status == "approved":
                row["duplicate_of"] = None
            if duplicate_of is not None:
                row["duplicate_of"] = duplicate_of
            after = moderation_view(row)
            if erase:
                vaults.erase_report(con, row["report_id"])
                after = {"moderation_status": f"{status} (erased)", "moderation_note": row.get("moderation_note")}
            else:
                vaults.put_moderation(con, row)
            vaults.audit(con, at=stamp, moderator=who, action=status, report_id=row["report_id"],
                         event_id=row.get("event_id"), before=before, after=after)
        # The approved reports once this commits, for the publication that follows: the decided
        # rows in hand and the other approved ones, read here rather than every body again after.
        others = vaults.report_rows(
            con, "moderation_status = 'approved' AND report_id NOT IN (SELECT value FROM json_each(?))",
            [json.dumps(ids)])
        decided = [] if erase else [row for row in rows if row["moderation_status"] == "approved"]
        return len(rows), vaults.in_stored_order([*others, *decided])

    count, approved = vaults.get_vault(store).write(txn)
    from collectors.store.reports.public import publish

    publish(store, approved=approved)
    return count


def approve(store: Store, report_ids: Iterable[str], *, moderator: str, note: str | None = None,
            now: datetime | None = None) -> int:
    """Approve reports: from now on they count in public figures (if their reporters consented)."""
    return _decide(store, report_ids, "approved", moderator=moderator, note=note, now=now)


def approve_import_run(store: Store, run_id: str, *, moderator: str, note: str | None = None,
                       now: datetime | None = None) -> int:
    """Approve every pending report of one import run (a union's own verified records)."""
    ids = [str(r) for r in moderation_queue(store, import_run=run_id, limit=10**9)["report_id"]]
    if not ids:
        raise ReportError(f"import run {run_id!r} has no pending reports")
    return approve(store, ids, moderator=moderator, note=note, now=now)


def reject(store: Store, report_ids: Iterable[str], *, moderator: str, reason: str | None = None,
           now: datetime | None = None) -> int:
    """Reject reports: erased from the vault (the audit log keeps the decision and the reason)."""
    return _decide(store, report_ids, "rejected", moderator=moderator, note=reason, now=now, erase=True)


def merge_duplicates(store: Store, keep_id: str, duplicate_ids: Iterable[str], *, moderator: str,
                     now: datetime | None = None) -> int:
    """Mark reports as duplicates of `keep_id` (merged: they stop counting; the kept one counts)."""
    dups = sorted(set(duplicate_ids) - {keep_id})
    kept = vaults.report_rows(vaults.get_vault(store), "report_id = ? AND moderation_status <> 'merged'", [keep_id])
    if not kept:
        raise ReportError("the report to keep does not exist (or is itself merged)")
    return _decide(store, dups, "merged", moderator=moderator, note=f"duplicate of {keep_id[:8]}", now=now,
                   duplicate_of=keep_id)


def create_event(store: Store, *, title: str, kind: str, moderator: str, platform_id: str | None = None,
                 event_date: date | None = None, source_url: str | None = None,
                 event_id: str | None = None, now: datetime | None = None) -> str:
    """Record a mass incident (a country exit, a payment-provider migration) reports can share."""
    who = _moderator(moderator)
    if kind not in EVENT_KINDS:
        raise ReportError(f"kind: {show(kind)} is not one of: {', '.join(EVENT_KINDS)}")
    title = scrub(title, max_chars=200)
    if not title:
        raise ReportError("title: required")
    if source_url and not source_url.startswith(("http://", "https://")):
        raise ReportError("source_url: must start with http:// or https://")
    stamp = now_utc(now)
    slug_base = event_id or f"{platform_id or 'event'}-{(event_date or stamp.date()).isoformat()}-{title}"
    slug = "".join(ch if ch.isalnum() else "-" for ch in slug_base.lower())
    slug = "-".join(part for part in slug.split("-") if part)[:80]
    is_demo = store.is_demo

    def txn(con: sqlite3.Connection) -> str:
        if con.execute("SELECT 1 FROM events WHERE event_id = ?", [slug]).fetchone():
            raise ReportError(f"an event with id {slug!r} already exists")
        con.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [slug, title, platform_id, event_date.isoformat() if event_date else None, kind,
                     source_url, stamp.isoformat(), int(is_demo)])
        vaults.audit(con, at=stamp, moderator=who, action="create_event", event_id=slug,
                     after={"title": title, "kind": kind, "platform_id": platform_id,
                            "event_date": event_date, "source_url": source_url})
        return slug

    return vaults.get_vault(store).write(txn)


def tag_event(store: Store, report_ids: Iterable[str], event_id: str | None, *, moderator: str,
              now: datetime | None = None) -> int:
    """Tag reports as part of one mass incident (None removes the tag): they count once."""
    ids = sorted(set(report_ids))
    who = _moderator(moderator)
    stamp = now_utc(now)

    def txn(con: sqlite3.Connection) -> int:
        if event_id is not None and not con.execute("SELECT 1 FROM events WHERE event_id = ?", [event_id]).fetchone():
            raise ReportError(f"no event {event_id!r}; create it first")
        rows = vaults.report_rows(con, "report_id IN (SELECT value FROM json_each(?))", [json.dumps(ids)])
        for row in rows:
            before = moderation_view(row)
            row["event_id"] = event_id
            vaults.put_report(con, row)
            vaults.audit(con, at=stamp, moderator=who, action="tag_event", report_id=row["report_id"],
                         event_id=event_id, before=before, after=moderation_view(row))
        return len(rows)

    count = vaults.get_vault(store).write(txn)
    from collectors.store.reports.public import publish

    publish(store)
    return count


def list_events(store: Store) -> pd.DataFrame:
    """Mass incidents with how many stored reports each has (moderators)."""
    rows = vaults.get_vault(store).rows(
        """SELECT e.event_id, e.title, e.platform_id, e.event_date, e.kind, e.source_url,
                  count(r.report_id) AS n_reports
           FROM events e LEFT JOIN reports r USING (event_id)
           GROUP BY e.event_id ORDER BY e.event_date IS NULL, e.event_date DESC, e.event_id"""
    )
    columns = ["event_id", "title", "platform_id", "event_date", "kind", "source_url", "n_reports"]
    frame = pd.DataFrame([tuple(r) for r in rows], columns=columns)
    frame["event_date"] = pd.to_datetime(frame["event_date"]).dt.date
    return frame


def audit_log(store: Store, *, limit: int = 500, report_id: str | None = None) -> pd.DataFrame:
    """The newest audit entries first (moderators only): who did what to which report, when."""
    where, params = ("TRUE", [])
    if report_id:
        where, params = "report_id = ?", [report_id]
    rows = vaults.get_vault(store).rows(
        f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_log WHERE {where} ORDER BY seq DESC LIMIT ?", [*params, limit]
    )
    return pd.DataFrame([tuple(r) for r in rows], columns=AUDIT_COLUMNS)


