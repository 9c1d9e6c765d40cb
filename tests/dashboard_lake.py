"""A small, exactly known demo lake for the dashboard tests, written through the real ingest
functions (`save_listing_runs`, `submit_report` + `approve`, the reference loaders), never by SQL.

Nine weeks of daily collections of two fictional platforms, starting Monday 2026-01-05 06:00 UTC:

* demo_alpha: a1 $20/h (remote) all along; a2 $30/h (remote) closes on day 10; a3 $0.10 per task;
  a4 £20/h on site in GB; a5 $40/h (remote) cut to $30/h on day 40 while live; a6 $25/h (remote)
  from day 20.
* demo_beta: b1 $50/h all along; b2 $10/h until day 30; the run of day 31 fails and the run of day
  45 is suspicious (it sees b1 only), so neither closes anything: b2 closes with the run of day 32.
* Payment reports: six approved for demo_alpha (four paid 10, 20, 30 and 40 days late, two still
  waiting), three approved for demo_beta (too few: suppressed).
* One fictional event for demo_alpha on 2026-02-14, the day of the pay cut.

The expected figures the tests check are worked out by hand in their docstrings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from collectors.config import Settings
from collectors.pay import Pay
from collectors.records import ListingRecord
from collectors.store import Store, get_store
from collectors.store.listings import ListingRun, RunStatus, save_listing_runs
from collectors.store.reference import load_reference_data, replace_demo_events, set_meta
from collectors.store.reports import approve, submit_report, validate_for_store
from collectors.synthetic import synthetic_pay_text, synthetic_run

START = date(2026, 1, 5)  # a Monday
DAYS = 63
RUN_TIME = time(6, 0)
PLATFORMS = [
    {"platform_id": "demo_alpha", "name": "Demo Alpha (test)", "parent_company": "Test data", "website": None},
    {"platform_id": "demo_beta", "name": "Demo Beta (test)", "parent_company": "Test data", "website": None},
]
EVENT_DAY = START + timedelta(days=40)


def at(day: int) -> datetime:
    return datetime.combine(START + timedelta(days=day), RUN_TIME, tzinfo=UTC)


def _hourly(external_id: str, title: str, amount: float, *, currency: str = "USD", remote: bool = True,
            country: str | None = None) -> ListingRecord:
    return ListingRecord(
        external_id=external_id, title=title, url=f"https://example.org/jobs/{external_id}",
        location="Remote" if remote else "London", is_remote=remote, country=country,
        employment_type="contract", pay_text=synthetic_pay_text(amount, amount, currency, "hour"),
        pay=Pay(min=amount, max=amount, currency=currency, unit="hour"),
    )


def alpha_records(day: int) -> list[ListingRecord]:
    records = [
        _hourly("a1", "AI Trainer – Generalist", 20),
        ListingRecord(external_id="a3", title="Image Tagging Tasks", is_remote=True, location="Remote",
                      pay_text=synthetic_pay_text(0.10, 0.10, "USD", "task"), pay=Pay(min=0.10, max=0.10, currency="USD", unit="task")),
        _hourly("a4", "Voice Actor (British accent)", 20, currency="GBP", remote=False, country="GB"),
        _hourly("a5", "Python Engineer – AI Training", 40 if day < 40 else 30),
    ]
    if day < 10:
        records.append(_hourly("a2", "Response Rater (English)", 30))
    if day >= 20:
        records.append(_hourly("a6", "Response Rater (Spanish)", 25))
    return records


def _run(platform_id: str, day: int, status: RunStatus = "ok", records: list[ListingRecord] | None = None) -> ListingRun:
    return synthetic_run(
        f"test-{platform_id}-{day:03d}", f"{platform_id}-board", platform_id, at(day), seconds=5, status=status,
        records=records, error="HTTP 503 (test)" if status == "failed" else None,
    )


def alpha_runs(days: range) -> list[ListingRun]:
    return [_run("demo_alpha", day, records=alpha_records(day)) for day in days]


def beta_runs(days: range) -> list[ListingRun]:
    runs = []
    for day in days:
        if day == 31:
            runs.append(_run("demo_beta", day, "failed"))
            continue
        records = [_hourly("b1", "Medical Expert – Radiology Reviewer", 50)]
        if day <= 30:
            records.append(_hourly("b2", "Search Quality Rater", 10))
        runs.append(_run("demo_beta", day, "suspicious" if day == 45 else "ok", records))
    return runs


def _report(platform: str, expected: date, paid_after_days: int | None) -> dict[str, object]:
    raw: dict[str, object] = {
        "platform": platform,
        "status": "paid_late" if paid_after_days is not None else "unpaid_pending",
        "work_period_start": (expected - timedelta(days=14)).isoformat(),
        "work_period_end": (expected - timedelta(days=7)).isoformat(),
        "expected_pay_date": expected.isoformat(),
        "amount_expected": "200",
        "currency": "USD",
        "payment_method": "paypal",
        "consent_publish_aggregate": True,
    }
    if paid_after_days is not None:
        raw["paid_date"] = (expected + timedelta(days=paid_after_days)).isoformat()
        raw["amount_received"] = "200"
    return raw


def add_reports(store: Store) -> list[str]:
    now = at(DAYS + 5)
    raws = [_report("demo_alpha", START + timedelta(days=7 * i), late) for i, late in enumerate([10, 20, 30, 40])]
    raws += [_report("demo_alpha", START + timedelta(days=10 + i), None) for i in range(2)]
    raws += [_report("demo_beta", START + timedelta(days=3 + i), 5) for i in range(3)]
    ids = []
    for index, raw in enumerate(raws):
        result = validate_for_store(raw, store, now=now)
        assert result.report is not None, result.errors
        ids.append(submit_report(store, result.report, client_hash=f"test-client-{index}", now=now).report_id)
    approve(store, ids, now=now, moderator="test fixture")
    return ids


@dataclass(frozen=True, slots=True)
class SmallLake:
    store: Store
    snapshot_id: int  # after everything above was written


def build_small_lake(settings: Settings, *, with_reports: bool = True) -> SmallLake:
    """Write the small lake described in the module docstring into `settings`' (demo) lake."""
    store = get_store(settings)
    load_reference_data(store, demo_platforms=PLATFORMS)
    save_listing_runs(store, platform_id="demo_alpha", source_name="demo_alpha-board", runs=alpha_runs(range(DAYS)))
    save_listing_runs(store, platform_id="demo_beta", source_name="demo_beta-board", runs=beta_runs(range(DAYS)))
    replace_demo_events(store, [{
        "event_id": "test-alpha-cut", "platform_id": "demo_alpha", "event_date": EVENT_DAY,
        "date_precision": "day", "kind": "event", "title": "Demo Alpha cuts a <b>coding</b> rate (fictional)",
        "figure_before": "$40/h", "figure_after": "$30/h", "source_url": "https://example.org/test-event",
    }])
    if with_reports:
        add_reports(store)
    set_meta(store, {"demo": "true", "demo_built": "true"})
    return SmallLake(store=store, snapshot_id=store.snapshot_id())
