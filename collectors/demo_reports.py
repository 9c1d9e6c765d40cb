"""Demo payment reports and forum signals, entered through the real import and forum writers.

Fictional, like the rest of the demo: reports on the "Demo" platforms, imported month by month as a
union would, then moderated (most approved, some left pending for the admin queue), and forum
posts with made-up ids. Patterns: Demo Annotate's delays grow over time, Demo Tasky's payments
stop when it leaves a country (one mass incident), Demo Expertly pays mostly on time, and Demo
VoiceLab has too few reports in most months, so its groups show as suppressed.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from collectors.reports.forum import ForumSignal
from collectors.sources.reddit import ForumPost
from collectors.store import Store
from collectors.store.listings import RunRecord
from collectors.store.reports import (
    approve,
    create_event,
    import_reports,
    save_forum_run,
    tag_event,
)

_METHODS = {
    "demo_annotate": ["paypal", "payoneer", "airtm"],
    "demo_expertly": ["stripe", "wise"],
    "demo_voicelab": ["paypal", "wise"],
    "demo_tasky": ["payoneer", "airtm", "paypal"],
}
_COUNTRIES = ["US", "GB", "KE", "PH", "IN", "NG", "DE", "CA"]


def _report(platform: str, period_end: date, fraction: float, now: date, end: date, rng: random.Random) -> dict[str, Any] | None:
    """One report as a union's form export would carry it, or None when it would lie in the future.

    Never-paid reports are marked `_final`: they are imported at the end of the period, when the
    worker has given up waiting.
    """
    expected = period_end + timedelta(days=5)
    if platform == "demo_annotate":
        mean_delay = 3 + 40 * fraction  # delays grow over the period
        p_never = 0.05 + 0.15 * fraction
    elif platform == "demo_tasky":
        mean_delay = 10 if fraction < 0.55 else 60
        p_never = 0.05 if fraction < 0.55 else 0.45
    elif platform == "demo_expertly":
        mean_delay, p_never = 2, 0.02
    else:
        mean_delay, p_never = 8, 0.05
    amount = round(rng.uniform(40, 900), 2)
    row: dict[str, Any] = {
        "platform": platform,
        "project_code": rng.choice(["", "", "aurora", "delta"]),
        "work_type": "per_task" if platform == "demo_tasky" else "hourly",
        "work_period_start": (period_end - timedelta(days=6)).isoformat(),
        "work_period_end": period_end.isoformat(),
        "expected_pay_date": expected.isoformat(),
        "amount_expected": amount,
        "currency": "USD",
        "payment_method": rng.choice(_METHODS[platform]),
        "country": rng.choice(_COUNTRIES),
        "consent_publish_aggregate": "true",
    }
    if expected >= now:
        return None
    if rng.random() < p_never:
        waited = (end - expected).days
        row["status"] = "never_paid" if waited > 60 else "unpaid_pending"
        row["amount_received"] = 0
        row["_final"] = True
        return row
    delay = int(rng.expovariate(1 / mean_delay)) if mean_delay > 0 else 0
    paid = expected + timedelta(days=delay)
    if paid >= now:
        row["status"] = "unpaid_pending"
        row["amount_received"] = 0
        return row
    row["paid_date"] = paid.isoformat()
    if rng.random() < 0.1:
        row["status"] = "partially_paid"
        row["amount_received"] = round(amount * rng.uniform(0.3, 0.9), 2)
    else:
        row["status"] = "paid_on_time" if delay <= 2 else "paid_late"
        row["amount_received"] = amount
    return row


def _month(day: date) -> str:
    return f"{day:%Y-%m}"


def issue14_rows(start: date, end: date, rng: random.Random) -> list[dict[str, Any]]:
    """Demo reports of every kind issue 14 added: approximate and unknown dates, hours worked and
    unpaid (effective pay), a processor hold, rate cuts, reports without a due date, public
    records (news, court filing) with their links, evidence seen by a moderator. Fictional."""
    span = max((end - start).days - 60, 30)
    rows: list[dict[str, Any]] = []

    def day(lo: float = 0.0, hi: float = 1.0) -> date:
        return start + timedelta(days=int(span * rng.uniform(lo, hi)))

    consent = {"consent_publish_aggregate": "true", "currency": "USD"}
    # Approximate paid dates ("about", a month): intervals in the Turnbull estimate; with hours.
    for platform in ("demo_annotate", "demo_expertly", "demo_annotate", "demo_expertly") * 5:
        finished = day()
        due = finished + timedelta(days=5)
        late = rng.randint(3, 45) if platform == "demo_annotate" else rng.randint(0, 6)
        paid = due + timedelta(days=late)
        paid_hours = rng.randint(10, 40)
        rate = 20 if platform == "demo_annotate" else 45
        unpaid = round(rng.uniform(1, 8), 1)
        rows.append({
            **consent, "platform": platform, "status": "paid_late" if late > 2 else "paid_on_time",
            "work_type": "hourly", "work_period_end": finished.isoformat(), "expected_pay_date": due.isoformat(),
            "paid_date": f"about {paid.isoformat()}" if rng.random() < 0.6 else _month(paid),
            "rate_min": str(rate), "rate_unit": "hour", "paid_hours": str(paid_hours),
            "unpaid_hours_onboarding": str(unpaid), "unpaid_hours_waiting": str(round(unpaid / 2, 1)),
            "amount_expected": str(rate * paid_hours), "amount_received": str(rate * paid_hours),
            "verification_tier": "evidence_seen" if rng.random() < 0.3 else None,
            "narrative": "Demo: paid around this date, the worker does not remember the exact day (fictional).",
        })
    # Money held by a payment provider: counted apart, never as the platform's lateness.
    for _ in range(6):
        finished = day(0.5, 1.0)
        rows.append({**consent, "platform": "demo_annotate", "status": "withheld_under_review",
                     "grievances": "missing_payment;processor_hold", "processor": "airtm",
                     "payment_method": "airtm", "work_period_end": finished.isoformat(),
                     "expected_pay_date": (finished + timedelta(days=5)).isoformat(),
                     "amount_expected": str(rng.randint(80, 400)),
                     "narrative": "Demo: the payout sits in the provider's verification queue (fictional)."})
    # Rate cuts on a running project: no pay date needed.
    for number in range(6):
        rows.append({**consent, "platform": "demo_tasky", "grievances": "rate_cut", "project_code": f"delta-{number}",
                     "submitted_at": day(0.3, 0.6).isoformat(), "rate_min": f"0.0{5 + number % 4}", "rate_unit": "task",
                     "narrative": f"Demo: the per-task rate dropped mid-project, worker {number + 1} (fictional)."})
    # No due date: the worker knows roughly when the work ended, the platform publishes no schedule.
    for _ in range(7):
        finished = day(0.6, 1.0)
        rows.append({**consent, "platform": "demo_voicelab", "status": "unpaid_pending",
                     "work_period_end": f"about {finished.isoformat()}", "submitted_at": end.isoformat(),
                     "amount_expected": str(rng.randint(30, 200)), "paid_hours": str(rng.randint(3, 12)),
                     "amount_received": "0",
                     "narrative": "Demo: still waiting; no pay date was ever given (fictional)."})
    # Public records: a news story and a court filing, with their links; one undated collection.
    exit_day = start + timedelta(days=int(max((end - start).days, 1) * 0.55))
    for number in range(6):
        rows.append({**consent, "platform": "demo_tasky", "source_kind": "news_import",
                     "source_url": f"https://example.org/gigwatch-demo/news/{number}",
                     "status": "never_paid", "work_period_end": _month(exit_day),
                     "submitted_at": "unknown" if number < 3 else (exit_day + timedelta(days=40)).isoformat(),
                     "incident_id": "demo-tasky-country-exit", "affected_workers": "1200",
                     "narrative": "Demo: news story on workers left unpaid by the country exit (fictional)."})
    for number in range(5):
        finished = day(0.0, 0.5)
        rows.append({**consent, "platform": "demo_annotate", "source_kind": "legal_filing",
                     "source_url": f"https://example.org/gigwatch-demo/court/{number}",
                     "grievances": "legal_action;hours_disputed", "work_period_end": _month(finished),
                     "paid_hours": str(rng.randint(20, 60)), "unpaid_hours_assessment": str(rng.randint(2, 10)),
                     "amount_received": str(rng.randint(200, 900)),
                     "narrative": "Demo: a court filing says assessment hours went unpaid (fictional)."})
    return rows


def add_demo_reports(store: Store, *, start: date, end: date, rng: random.Random) -> dict[str, int]:
    """Import demo reports month by month, moderate them, and add forum signals."""
    if not store.settings.is_demo:
        raise ValueError("demo reports may only be written to the demo lake")
    volumes = {"demo_annotate": 14, "demo_tasky": 10, "demo_expertly": 6, "demo_voicelab": 1}
    span = max((end - start).days, 1)
    stored_ids: list[str] = []
    tasky_after_exit: list[str] = []
    final_rows: list[dict[str, Any]] = []
    month_start = date(start.year, start.month, 1)

    def import_batch(rows: list[dict[str, Any]], imported_on: date) -> None:
        now = datetime.combine(imported_on, time(12, 0), tzinfo=UTC)
        account = import_reports(store, rows, source_name="Demo Workers Union (fictional)", now=now)
        for row, outcome in zip(rows, account.rows, strict=True):
            if outcome.outcome in ("stored", "held") and outcome.report_id:
                stored_ids.append(outcome.report_id)
                if row["platform"] == "demo_tasky" and (date.fromisoformat(row["work_period_end"]) - start).days / span > 0.55:
                    tasky_after_exit.append(outcome.report_id)

    while month_start <= end:
        next_month = (month_start + timedelta(days=32)).replace(day=1)
        imported_on = min(next_month + timedelta(days=3), end)
        rows: list[dict[str, Any]] = []
        for platform, per_month in volumes.items():
            for _ in range(rng.randint(max(0, per_month - 3), per_month + 3)):
                period_end = month_start + timedelta(days=rng.randint(0, 27))
                if period_end < start or period_end > end:
                    continue
                fraction = (period_end - start).days / span
                report = _report(platform, period_end, fraction, imported_on, end, rng)
                if report is None:
                    continue
                if report.pop("_final", False):
                    final_rows.append(report)
                else:
                    rows.append(report)
        if rows:
            import_batch(rows, imported_on)
        month_start = next_month
    if final_rows:
        import_batch(final_rows, end)
    # Issue 14's kinds of report, from a generator of their own (the reports above stay as they were).
    features = random.Random(14)
    extra = issue14_rows(start, end, features)
    for source_kind in sorted({r.get("source_kind", "union_import") for r in extra}):
        batch = [r for r in extra if r.get("source_kind", "union_import") == source_kind]
        now = datetime.combine(end, time(12, 0), tzinfo=UTC)
        account = import_reports(store, batch, source_name=f"Demo {source_kind} (fictional)", now=now,
                                 source_kind=source_kind)
        stored_ids.extend(o.report_id for o in account.rows if o.outcome in ("stored", "held") and o.report_id)
    pending = set(rng.sample(stored_ids, k=min(12, len(stored_ids))))
    approved = approve(store, [r for r in stored_ids if r not in pending], note="demo: approved",
                       moderator="demo moderator")
    exit_event = create_event(
        store, title="Demo Tasky stops work in one country; balances frozen (fictional)",
        kind="country_exit", platform_id="demo_tasky", event_date=start + timedelta(days=int(span * 0.55)),
        source_url="https://example.org/gigwatch-demo", moderator="demo moderator",
    )
    tag_event(store, tasky_after_exit, exit_event, moderator="demo moderator")
    posts = _add_demo_forum_posts(store, start, end, rng)
    return {"reports": len(stored_ids), "reports_approved": approved, "forum_posts": posts}


_FORUM_TITLES = [
    ("demo_annotate", ("late_payment",), "Still waiting on last week's pay from Demo Annotate"),
    ("demo_annotate", ("empty_queue",), "Queue empty again on Demo Annotate, anyone else?"),
    ("demo_annotate", ("pay_cut",), "Demo Annotate cut the generalist rate again"),
    ("demo_tasky", ("missing_payment",), "Demo Tasky never paid my balance after the country exit"),
    ("demo_tasky", ("empty_queue",), "No tasks on Demo Tasky for two weeks"),
    ("demo_expertly", ("late_payment",), "Demo Expertly payment 5 days late this cycle"),
]


def _add_demo_forum_posts(store: Store, start: date, end: date, rng: random.Random) -> int:
    span = max((end - start).days, 1)
    posts: list[ForumPost] = []
    for number in range(260):
        platform, signals, title = rng.choice(_FORUM_TITLES)
        day = rng.randint(0, span)
        fraction = day / span
        # Empty-queue posts cluster in Demo Annotate's trough and after Demo Tasky's exit.
        if "empty_queue" in signals and platform == "demo_annotate" and not 0.4 < fraction < 0.65 and rng.random() < 0.7:
            continue
        if platform == "demo_tasky" and fraction < 0.5 and rng.random() < 0.8:
            continue
        created = datetime.combine(start + timedelta(days=day), time(15, 0), tzinfo=UTC)
        post_id = f"demo{number:04d}"
        posts.append(ForumPost(
            post_id=post_id, subreddit="DemoGigWorkers", created_at=created,
            url=f"https://example.org/gigwatch-demo/forum/{post_id}",
            title_excerpt_scrubbed=f"{title} (fictional demo post)", flair="Payment",
            signal=ForumSignal(signals=signals, platform_id=platform, amount=None, currency=None,  # type: ignore[arg-type]
                               days_stated=None),
        ))
    now = datetime.now(UTC)
    run = RunRecord(run_id=f"demo-forum-{now:%Y%m%d%H%M%S}", source_name="demo-forum", platform_id=None,
                    started_at=now, finished_at=now, status="ok", complete=True, items_count=len(posts),
                    run_kind="forum")
    return save_forum_run(store, run, posts)
