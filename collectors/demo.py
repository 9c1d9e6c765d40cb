"""The demo lake: fictional platforms with the patterns the dashboard must show.

Everything here is invented and labelled as such: platform names start with "Demo", the lake is
`data/demo/` (never the real one), and `lake_meta.demo = true` makes every page show a banner.
The data enters through the same ingest functions as live data (`save_listing_runs`, the report
import and the forum-run writer), never by direct SQL.

Patterns built in, so that every page has something true-to-life to show:
* Demo Annotate: generalist hourly work whose advertised rate falls from about $22 to $15/h, and
  whose volume of work comes and goes (a trough in the middle of the period).
* Demo Expertly: expert roles (coding, medicine, law, maths) at $45–150/h; one live listing has its
  pay cut from $90 to $70/h; two failed runs and one suspicious run.
* Demo VoiceLab: voice and acting sessions (about $75/h improv sessions), some in GBP and EUR, plus
  per-audio-minute pay that stays in its own unit.
* Demo VoiceLab's first quarter of history comes from weekly web-archive captures (fictional, run
  kind `archive`, with provenance), the rest from daily live runs: the charts mark the difference.
* Demo Tasky: per-task pay ($0.05–0.12/task) and hourly work in INR and PHP; the work collapses
  when the platform "leaves" a country half-way through.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from collectors.config import Settings
from collectors.pay import Pay, PayUnit
from collectors.records import ListingRecord
from collectors.store import Store, get_store
from collectors.store.archive import Capture, save_captures
from collectors.store.listings import ListingRun, RunStatus, save_listing_runs
from collectors.store.reference import load_reference_data, replace_demo_events, set_meta
from collectors.synthetic import synthetic_pay_text, synthetic_run

DEMO_PLATFORMS = [
    {"platform_id": "demo_annotate", "name": "Demo Annotate (fictional)", "parent_company": "Demo data", "website": None},
    {"platform_id": "demo_expertly", "name": "Demo Expertly (fictional)", "parent_company": "Demo data", "website": None},
    {"platform_id": "demo_voicelab", "name": "Demo VoiceLab (fictional)", "parent_company": "Demo data", "website": None},
    {"platform_id": "demo_tasky", "name": "Demo Tasky (fictional)", "parent_company": "Demo data", "website": None},
]


@dataclass(slots=True)
class _Role:
    title: str
    department: str
    unit: PayUnit
    currency: str
    base_min: float
    base_max: float
    location: str = "Remote"
    country: str | None = None
    hours_per_week: float | None = None


@dataclass(slots=True)
class _Listing:
    external_id: str
    role: _Role
    pay_min: float
    pay_max: float
    opened: int  # day index
    closes: int  # day index (exclusive)


@dataclass(frozen=True, slots=True)
class _PlatformSpec:
    platform_id: str
    roles: list[_Role]
    volume: Callable[[float], float]  # fraction of the period (0..1) -> target open listings
    rate_factor: Callable[[float], float]  # fraction of the period -> multiplier of the base rates
    mean_lifetime_days: float


SPECS: list[_PlatformSpec] = [
    _PlatformSpec(
        "demo_annotate",
        [
            _Role("AI Trainer – Generalist", "Generalist", "hour", "USD", 20, 24),
            _Role("Response Rater (English)", "Generalist", "hour", "USD", 18, 22),
            _Role("Creative Writing Evaluator", "Writing", "hour", "USD", 22, 26),
            _Role("Search Quality Rater", "Generalist", "hour", "USD", 17, 20, "United States", "US"),
        ],
        volume=lambda f: 120 + 90 * math.sin(2 * math.pi * f * 1.5) ** 2 - (60 if 0.45 < f < 0.6 else 0),
        rate_factor=lambda f: 1.0 - 0.32 * f,  # about $22 -> $15 over the period
        mean_lifetime_days=21,
    ),
    _PlatformSpec(
        "demo_expertly",
        [
            _Role("Python Engineer – AI Training", "Coding", "hour", "USD", 60, 110, hours_per_week=20),
            _Role("Medical Expert – Radiology Reviewer", "Medicine", "hour", "USD", 90, 150, hours_per_week=10),
            _Role("Legal Expert (JD) – Contract Review", "Law", "hour", "USD", 80, 130),
            _Role("Mathematics PhD Evaluator", "Math", "hour", "USD", 50, 90),
            _Role("Finance Expert – CFA", "Finance", "hour", "USD", 70, 120, "United Kingdom", "GB"),
        ],
        volume=lambda f: 60 + 50 * f,
        rate_factor=lambda f: 1.0 - 0.05 * f,
        mean_lifetime_days=45,
    ),
    _PlatformSpec(
        "demo_voicelab",
        [
            _Role("Improv Actor – Emotion Sessions", "Acting", "hour", "USD", 70, 80),
            _Role("Voice Actor for AI Training (British accent)", "Audio", "hour", "GBP", 25, 30, "United Kingdom", "GB"),
            _Role("German Voice Talent", "Audio", "hour", "EUR", 28, 34, "Germany", "DE"),
            _Role("Audio Transcriber", "Audio", "minute", "USD", 0.4, 0.6),
        ],
        volume=lambda f: 30 + 25 * math.sin(2 * math.pi * f * 3) ** 2,
        rate_factor=lambda f: 1.0,
        mean_lifetime_days=14,
    ),
    _PlatformSpec(
        "demo_tasky",
        [
            _Role("Image Tagging Tasks", "Generalist", "task", "USD", 0.08, 0.12),
            _Role("Hindi Language Annotator", "Languages", "hour", "INR", 400, 550, "India", "IN"),
            _Role("Filipino Chat Rater", "Languages", "hour", "PHP", 150, 220, "Philippines", "PH"),
            _Role("Bounding Box Labeller", "Generalist", "task", "USD", 0.05, 0.08),
        ],
        volume=lambda f: 90 if f < 0.55 else 25,  # the platform "leaves" a country
        rate_factor=lambda f: 1.0 - 0.15 * f,
        mean_lifetime_days=10,
    ),
]


def _record(listing: _Listing, platform_id: str) -> ListingRecord:
    role = listing.role
    pay = Pay(min=listing.pay_min, max=listing.pay_max, currency=role.currency, unit=role.unit)
    description = f"{role.title}. Fictional demo listing {listing.external_id}."
    return ListingRecord(
        external_id=listing.external_id,
        title=role.title,
        url=None,
        location=role.location,
        is_remote=role.location == "Remote",
        country=role.country,
        employment_type="contract",
        department=role.department,
        pay_text=synthetic_pay_text(listing.pay_min, listing.pay_max, role.currency, role.unit),
        pay=pay,
        hours_per_week=role.hours_per_week,
        description_sha256=hashlib.sha256(description.encode()).hexdigest(),
    )


def _round_rate(value: float, role: _Role) -> float:
    if role.unit in ("task", "minute", "item"):
        return round(value, 2)
    return float(round(value)) if value >= 10 else round(value, 2)


def _simulate(spec: _PlatformSpec, start: date, days: int, rng: random.Random) -> list[ListingRun]:
    """Day-by-day snapshots of one platform, as its collector would have seen them."""
    latest_run_at = datetime.now(UTC) - timedelta(minutes=5)
    open_listings: list[_Listing] = []
    counter = 0
    runs: list[ListingRun] = []
    cut_done = False
    failed_days = {int(days * 0.3), int(days * 0.31)} if spec.platform_id == "demo_expertly" else set()
    suspicious_days = {int(days * 0.7)} if spec.platform_id == "demo_expertly" else set()
    for day in range(days):
        fraction = day / max(days - 1, 1)
        open_listings = [item for item in open_listings if item.closes > day]
        target = max(3, int(spec.volume(fraction) * (0.95 + 0.1 * rng.random())))
        while len(open_listings) < target:
            role = rng.choice(spec.roles)
            factor = spec.rate_factor(fraction) * (0.9 + 0.2 * rng.random())
            low = _round_rate(role.base_min * factor, role)
            high = max(low, _round_rate(role.base_max * factor, role))
            lifetime = max(2, int(rng.expovariate(1 / spec.mean_lifetime_days)))
            counter += 1
            open_listings.append(
                _Listing(f"{spec.platform_id}-{counter:05d}", role, low, high, day, day + lifetime)
            )
        # A pay cut on a live listing: Demo Expertly's long-running radiology listing.
        if spec.platform_id == "demo_expertly" and not cut_done and fraction > 0.8:
            for item in open_listings:
                if item.role.department == "Medicine" and item.closes - day > 20:
                    item.pay_min, item.pay_max = 70.0, 70.0
                    cut_done = True
                    break
        # Occasional edits to pay on live listings (about 0.3% a day), both ways.
        for item in open_listings:
            if rng.random() < 0.003:
                delta = rng.choice([-0.1, -0.05, 0.05])
                item.pay_min = _round_rate(item.pay_min * (1 + delta), item.role)
                item.pay_max = max(item.pay_min, _round_rate(item.pay_max * (1 + delta), item.role))
        # Daily at 06:00 UTC; today's run, when built before 06:00, just before the build.
        started = min(datetime.combine(start + timedelta(days=day), time(6, 0), tzinfo=UTC), latest_run_at)
        source_name = f"{spec.platform_id}-board"
        run_id = f"demo-{spec.platform_id}-{day:04d}"
        if day in failed_days:
            runs.append(synthetic_run(run_id, source_name, spec.platform_id, started, seconds=4, status="failed",
                                      error="HTTPStatusError: 503 Service Unavailable (demo)"))
            continue
        visible = open_listings
        status: RunStatus = "ok"
        if day in suspicious_days:
            visible = open_listings[: len(open_listings) // 3]
            status = "suspicious"
        records = [_record(item, spec.platform_id) for item in visible]
        runs.append(synthetic_run(run_id, source_name, spec.platform_id, started, seconds=12, status=status,
                                  records=records))
    return runs


ARCHIVE_DEMO_PLATFORM = "demo_voicelab"


def _as_archive_captures(
    store: Store, runs: list[ListingRun], *, archive_days: int
) -> tuple[list[ListingRun], list[Capture]]:
    """The first `archive_days` of a platform as a backfill would see them: one capture a week
    (run kind `archive`, with a fictional capture URL marked demo), the daily live runs after."""
    kept: list[ListingRun] = []
    captures: list[Capture] = []
    for day, item in enumerate(runs):
        if day >= archive_days:
            kept.append(item)
            continue
        if day % 7 or item.records is None:
            continue
        run = replace(item.run, run_id=item.run.run_id.replace("demo-", "demo-archive-"), run_kind="archive",
                      finished_at=item.run.started_at)
        stamp = f"{run.started_at:%Y%m%d%H%M%S}"
        body = repr(sorted(r.external_id for r in item.records)).encode()  # stands for the capture's body
        captures.append(Capture(
            run_id=run.run_id, source_name=run.source_name, platform_id=run.platform_id, capture_kind="archive",
            captured_at=run.started_at, parse_kind="demo", content_sha256=store.put_raw_body(body),
            whole_board=True, outcome="used", original_url=f"https://demo.invalid/{run.source_name}/jobs",
            capture_url=f"https://web.archive.org/web/{stamp}id_/https://demo.invalid/{run.source_name}/jobs (demo: fictional capture)",
            cdx_timestamp=stamp,
        ))
        kept.append(replace(item, run=run))
    return kept, captures


def demo_is_built(settings: Settings) -> bool:
    store = get_store(settings)
    return store.meta().get("demo_built") == "true"


def build_demo(settings: Settings, *, days: int = 600, seed: int = 7, today: date | None = None) -> dict[str, Any]:
    """Generate the demo lake through the real ingest functions; returns what was made."""
    if not settings.is_demo:
        raise ValueError("the demo is only ever built into the demo lake (lake='demo')")
    store = get_store(settings)
    rng = random.Random(seed)
    end = today or datetime.now(UTC).date()
    start = end - timedelta(days=days - 1)
    load_reference_data(store, demo_platforms=DEMO_PLATFORMS)
    totals = {"listings": 0, "versions": 0, "runs": 0}
    for spec in SPECS:
        runs = _simulate(spec, start, days, rng)
        captures: list[Capture] = []
        if spec.platform_id == ARCHIVE_DEMO_PLATFORM:
            runs, captures = _as_archive_captures(store, runs, archive_days=days // 4)
        summary = save_listing_runs(store, platform_id=spec.platform_id, source_name=f"{spec.platform_id}-board", runs=runs)
        save_captures(store, captures)
        totals["listings"] += summary.new_listings
        totals["versions"] += summary.new_versions
        totals["runs"] += summary.runs
    from collectors.demo_reports import add_demo_reports

    totals.update(add_demo_reports(store, start=start, end=end, rng=rng))
    _add_demo_events(store, start, end)
    set_meta(store, {"demo": "true", "demo_built": "true", "demo_built_at": datetime.now(UTC).isoformat(timespec="seconds")})
    return totals


def _add_demo_events(store: Store, start: date, end: date) -> None:
    span = (end - start).days
    rows = [
        ("demo-annotate-rate-review", "demo_annotate", start + timedelta(days=int(span * 0.4)),
         "Demo Annotate announces a 'rate review' for generalist projects (fictional)"),
        ("demo-tasky-country-exit", "demo_tasky", start + timedelta(days=int(span * 0.55)),
         "Demo Tasky stops work in one country; balances frozen (fictional)"),
        ("demo-expertly-pay-cut", "demo_expertly", start + timedelta(days=int(span * 0.8)),
         "Demo Expertly cuts a radiology reviewer rate from $90 to $70/h (fictional)"),
    ]
    replace_demo_events(
        store,
        [
            {"event_id": event_id, "platform_id": platform, "event_date": when, "date_precision": "day",
             "kind": "event", "title": title, "figure_before": None, "figure_after": None,
             "source_url": "https://example.org/gigwatch-demo (fictional demo event)"}
            for event_id, platform, when, title in rows
        ],
    )
