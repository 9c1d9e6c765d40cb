"""Synthetic gig-work history, written through the real ingest functions: the one fixture builder.

The benchmark lake (`benchmarks/bench.py`, at any size from `--quick` to years of history), the
fault tests (`tests/test_faults.py`) and the demo and the dashboard tests (`collectors/demo.py`,
`tests/dashboard_lake.py`, through `synthetic_pay_text` and `synthetic_run`) all make their listings
here, so a listing, its pay text and its runs look the same wherever synthetic data appears.

`SimulatedSource` makes the daily snapshots of one source: listings open, change, close and arrive,
deterministically from a seed; `source_specs` splits size targets (sources, days, listings,
versions) over sources of unequal size; `report_rows` makes payment reports for the bulk import.
Everything made is labelled synthetic ("Bench Platform NN (synthetic)", `bench.invalid` URLs).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from collectors.pay import Pay, PayUnit
from collectors.records import ListingRecord
from collectors.sources.base import Fetched
from collectors.store.listings import ListingRun, RunRecord, RunStatus

END_DATE = date(2026, 10, 31)  # fixed, so two generations with the same parameters are identical


def synthetic_run(
    run_id: str, source_name: str, platform_id: str, started: datetime, *, seconds: float,
    status: RunStatus = "ok", records: list[ListingRecord] | None = None, error: str | None = None,
    responses: Sequence[Fetched] = (),
) -> ListingRun:
    """One recorded collector run: a failed run has no records and is incomplete."""
    complete = status != "failed"
    run = RunRecord(run_id, source_name, platform_id, started, started + timedelta(seconds=seconds), status,
                    complete, len(records) if records is not None and complete else 0, error)
    if responses:
        return ListingRun(run=run, records=records if complete else None, responses=list(responses))
    return ListingRun(run=run, records=records if complete else None)




@dataclass(frozen=True, slots=True)
class _Role:
    title: str
    department: str
    unit: PayUnit | None  # None: the listing states no pay
    currency: str
    low: float
    high: float
    location: str
    country: str | None
    employment_type: str = "contract"


ROLES: tuple[_Role, ...] = (
    _Role("AI Trainer – Generalist", "Generalist", "hour", "USD", 15, 25, "Remote", None),
    _Role("Response Rater (English)", "Generalist", "hour", "USD", 14, 22, "Remote", "US"),
    _Role("Python Engineer – AI Training", "Coding", "hour", "USD", 40, 110, "Remote", None),
    _Role("Medical Expert – Radiology Reviewer", "Medicine", "hour", "USD", 80, 150, "Remote", "US"),
    _Role("Legal Expert (JD) – Contract Review", "Law", "hour", "USD", 60, 130, "Remote", None),
    _Role("Mathematics PhD Evaluator", "Math", "hour", "USD", 50, 90, "Remote", None),
    _Role("Voice Actor (British accent)", "Audio", "hour", "GBP", 20, 35, "United Kingdom", "GB"),
    _Role("German Language Evaluator", "Languages", "hour", "EUR", 18, 30, "Germany", "DE"),
    _Role("Hindi Language Annotator", "Languages", "hour", "INR", 350, 600, "India", "IN"),
    _Role("Image Tagging Tasks", "Generalist", "task", "USD", 0.05, 0.15, "Remote", None),
    _Role("Audio Transcriber", "Audio", "minute", "USD", 0.3, 0.7, "Remote", None),
    _Role("Machine Learning Engineer", "Engineering", "year", "USD", 150_000, 250_000,
          "San Francisco, CA", "US", "full_time"),
    _Role("Annotation Team Lead", "Operations", "month", "USD", 3_000, 6_000, "Remote", None),
    _Role("Community Moderator", "Operations", None, "USD", 0, 0, "Remote", None),
)
_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "INR": "₹", "PHP": "₱"}
_UNIT_WORDS = {"hour": "per hour", "task": "per task", "minute": "per audio minute", "item": "per item",
               "year": "per year", "month": "per month"}
_PAGE_SIZE = 500  # listings per fetched page, for the synthetic raw-response rows
_BODY = bytes(48_000)  # stands in for a page's body: only its length is recorded


def money_text(value: float, currency: str) -> str:
    symbol = _SYMBOLS.get(currency, currency + " ")
    if value >= 1000:
        return f"{symbol}{value:,.0f}"
    return f"{symbol}{value:,.2f}".replace(".00", "")


def synthetic_pay_text(low: float, high: float, currency: str, unit: str) -> str:
    """How a synthetic listing states its pay: "$20 per hour", "£25 - £30 per hour"."""
    low_text, high_text = money_text(low, currency), money_text(high, currency)
    span = low_text if math.isclose(low, high) else f"{low_text} - {high_text}"
    return f"{span} {_UNIT_WORDS.get(unit, 'per ' + unit)}"


def _round_rate(value: float, role: _Role) -> float:
    if role.high < 1:
        return round(value, 3)
    if role.high < 1000:
        return round(value * 2) / 2
    return round(value, -2)


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """What to simulate for one source; everything it does derives from `seed`."""

    index: int
    platform_id: str
    source_name: str
    days: int
    start: date
    open_target: int  # listings open on day 0
    arrivals_per_day: float  # new listings a day (as many close)
    change_probability: float  # chance a day that an open listing changes
    failed_rate: float
    suspicious_rate: float
    seed: int
    pay_trend: float  # relative change of the platform's rates over the period


@dataclass(slots=True)
class _Live:
    external_id: str
    role: _Role
    pay_min: float
    pay_max: float
    edit: int
    record: ListingRecord


class SimulatedSource:
    """Daily snapshots of one synthetic source: listings open, change, close and arrive.

    Deterministic: the same spec gives the same runs, so a test can replay what a killed process
    was writing. `runs(days)` must be called with consecutive day ranges from day 0.
    """

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.roles = [ROLES[(spec.index + i * 3) % len(ROLES)] for i in range(5)]
        self.open: list[_Live] = []
        self.next_id = 0
        self.listings_made = 0
        self.changes_made = 0
        for _ in range(spec.open_target):
            self.open.append(self._new(0))

    @classmethod
    def make(
        cls, index: int, *, open_listings: int, change_rate: float = 0.02, arrivals_per_day: float = 0.0,
        days: int = 365, seed: int = 0, failed_rate: float = 0.0, suspicious_rate: float = 0.0,
    ) -> SimulatedSource:
        """A source `bench-sNN` of platform `bench_pNN` (tests use it to make realistic runs)."""
        return cls(SourceSpec(
            index=index, platform_id=f"bench_p{index + 1:02d}", source_name=f"bench-s{index + 1:02d}",
            days=days, start=END_DATE - timedelta(days=days - 1), open_target=open_listings,
            arrivals_per_day=arrivals_per_day, change_probability=change_rate, failed_rate=failed_rate,
            suspicious_rate=suspicious_rate, seed=seed * 1000 + index, pay_trend=-0.1,
        ))

    @property
    def platform_id(self) -> str:
        return self.spec.platform_id

    @property
    def source_name(self) -> str:
        return self.spec.source_name

    def runs(self, days: range) -> list[ListingRun]:
        """The runs of `days` (one a day), advancing the simulation."""
        return runs_for_days(self, days)

    def _factor(self, day: int) -> float:
        return 1.0 + self.spec.pay_trend * day / max(1, self.spec.days - 1)

    def _record(self, item: _Live) -> ListingRecord:
        role = item.role
        pay: Pay | None = None
        pay_text: str | None = None
        if role.unit is not None:
            pay = Pay(min=item.pay_min, max=item.pay_max, currency=role.currency, unit=role.unit)
            pay_text = synthetic_pay_text(item.pay_min, item.pay_max, role.currency, role.unit)
        digest = hashlib.sha256(f"{self.spec.source_name}/{item.external_id}/{item.edit}".encode()).hexdigest()
        return ListingRecord(
            external_id=item.external_id,
            title=role.title,
            url=f"https://bench.invalid/{self.spec.source_name}/jobs/{item.external_id}",
            location=role.location,
            is_remote=role.location == "Remote",
            country=role.country,
            employment_type=role.employment_type,
            department=role.department,
            pay_text=pay_text,
            pay=pay,
            description_sha256=digest,
        )

    def _pay(self, role: _Role, day: int) -> tuple[float, float]:
        factor = self._factor(day) * self.rng.uniform(0.9, 1.1)
        low = _round_rate(role.low * factor, role)
        high = max(low, _round_rate(role.high * factor * self.rng.uniform(0.85, 1.0), role))
        return low, high

    def _new(self, day: int) -> _Live:
        role = self.rng.choice(self.roles)
        low, high = self._pay(role, day)
        self.next_id += 1
        self.listings_made += 1
        item = _Live(f"{self.spec.index:02d}-{self.next_id:07d}", role, low, high, 0,
                     ListingRecord(external_id="", title=""))
        item.record = self._record(item)
        return item

    def _change(self, item: _Live, day: int) -> None:
        self.changes_made += 1
        if item.role.unit is not None and self.rng.random() < 0.7:
            item.pay_min, item.pay_max = self._pay(item.role, day)
        else:
            item.edit += 1
        item.record = self._record(item)

    def day(self, day: int) -> tuple[list[ListingRecord], int]:
        """Advance to `day` (arrivals, closures, changes); returns its snapshot and page count."""
        rng = self.rng
        if day > 0:
            arrivals = _stochastic_round(self.spec.arrivals_per_day, rng)
            for _ in range(min(arrivals, len(self.open) - 1)):
                gone = rng.randrange(len(self.open))
                self.open[gone] = self.open[-1]
                self.open.pop()
            for _ in range(arrivals):
                self.open.append(self._new(day))
            changes = _stochastic_round(self.spec.change_probability * len(self.open), rng)
            for index in rng.sample(range(len(self.open)), min(changes, len(self.open))):
                self._change(self.open[index], day)
        records = [item.record for item in self.open]
        return records, max(1, math.ceil(len(records) / _PAGE_SIZE))


def _stochastic_round(value: float, rng: random.Random) -> int:
    whole = int(value)
    return whole + (1 if rng.random() < value - whole else 0)


def runs_for_days(sim: SimulatedSource, days: range) -> list[ListingRun]:
    spec = sim.spec
    runs: list[ListingRun] = []
    for day in days:
        records, pages = sim.day(day)
        started = datetime.combine(spec.start + timedelta(days=day), dtime(6, spec.index % 60), tzinfo=UTC)
        run_id = f"bench-{spec.source_name}-{day:04d}"
        roll = sim.rng.random()
        shas = [f"{sim.rng.getrandbits(256):064x}" for _ in range(pages)]
        if roll < spec.failed_rate:
            runs.append(synthetic_run(
                run_id, spec.source_name, spec.platform_id, started, seconds=3, status="failed",
                error="HTTPStatusError: HTTP 503 (synthetic benchmark failure)",
                responses=[Fetched(f"https://bench.invalid/{spec.source_name}/jobs?page=1", 503,
                                   "text/html", b"", shas[0], started)],
            ))
            continue
        status: RunStatus = "ok"
        if roll < spec.failed_rate + spec.suspicious_rate:
            records = records[: len(records) // 3]
            status = "suspicious"
        responses = [
            Fetched(f"https://bench.invalid/{spec.source_name}/jobs?page={page + 1}", 200,
                    "application/json", _BODY, shas[page], started + timedelta(seconds=2 * page))
            for page in range(pages)
        ]
        runs.append(synthetic_run(run_id, spec.source_name, spec.platform_id, started, seconds=2 * pages + 1,
                                  status=status, records=records, responses=responses))
    return runs



def source_specs(
    *, sources: int, days: int, listings: int, versions: int, change_rate: float, seed: int,
    platforms: int | None = None,
) -> list[SourceSpec]:
    """Split the targets over sources of unequal size (a few big boards, many small ones).

    With `open` listings open at any time and `change_rate` of them changing a day, `days` of
    scrapes make `open * change_rate * days` new versions on top of one per listing, so `open`
    follows from the targets; when that exceeds what the listing target allows, listings change
    more often instead.
    """
    # Changes that happen on a failed or suspicious day are seen later, merged with the next ones:
    # aim a little higher, so that at least `versions` versions are recorded.
    changes = max(0, versions - listings) * 1.012
    open_total = changes / max(1e-9, days * change_rate) if change_rate > 0 else listings * 0.4
    open_total = min(open_total, listings * 0.8)
    probability = changes / max(1.0, open_total * days) if changes else 0.0
    arrivals_total = max(0.0, (listings * 1.005 - open_total) / max(1, days - 1))  # "at least"
    weights = [1.0 / (1.0 + 0.12 * i) for i in range(sources)]
    scale = 1.0 / sum(weights)
    n_platforms = platforms or max(1, min(12, sources // 3))
    start = END_DATE - timedelta(days=days - 1)
    master = random.Random(seed)
    specs = []
    for i, weight in enumerate(weights):
        platform_index = i % n_platforms
        specs.append(SourceSpec(
            index=i,
            platform_id=f"bench_p{platform_index + 1:02d}",
            source_name=f"bench-p{platform_index + 1:02d}-s{i + 1:02d}",
            days=days,
            start=start,
            open_target=max(1, round(open_total * weight * scale)),
            arrivals_per_day=arrivals_total * weight * scale,
            change_probability=probability,
            failed_rate=0.005,
            suspicious_rate=0.002,
            seed=master.getrandbits(32),
            pay_trend=[-0.3, -0.15, 0.0, 0.08, -0.05][platform_index % 5],
        ))
    return specs


def bench_platforms(n: int) -> list[dict[str, str | None]]:
    return [
        {"platform_id": f"bench_p{i + 1:02d}", "name": f"Bench Platform {i + 1:02d} (synthetic)",
         "parent_company": "Synthetic benchmark data", "website": None}
        for i in range(n)
    ]



def report_rows(specs: Sequence[SourceSpec], count: int, seed: int) -> list[dict[str, Any]]:
    """Synthetic reports over the generated span: most paid, some late, some still waiting."""
    rng = random.Random(seed + 1)
    platforms = sorted({s.platform_id for s in specs})
    start = specs[0].start if specs else END_DATE - timedelta(days=365)
    span = max(1, (END_DATE - start).days - 40)
    methods = ["paypal", "payoneer", "stripe", "wise", "airtm", "deel"]
    countries = ["US", "GB", "IN", "PH", "KE", "NG", "DE", "BR"]
    rows = []
    for i in range(count):
        platform_id = platforms[i % len(platforms)]
        work_end = start + timedelta(days=rng.randrange(span))
        expected = work_end + timedelta(days=7)
        delay = int(rng.expovariate(1 / (4 + 3 * (i % len(platforms)))))
        roll = rng.random()
        amount = round(rng.uniform(20, 900), 2)
        paid: date | None = expected + timedelta(days=delay)
        received = amount
        if roll < 0.08:
            status, paid, received = "unpaid_pending", None, 0.0
        elif roll < 0.11:
            status, paid, received = "never_paid", None, 0.0
        elif roll < 0.16:
            status, received = "partially_paid", round(amount * 0.5, 2)
        else:
            status = "paid_on_time" if delay == 0 else "paid_late"
        if paid is not None and paid > END_DATE:
            status, paid, received = "unpaid_pending", None, 0.0
        # Reported a few weeks after it was paid (or after it was due, when still unpaid).
        submitted = min(END_DATE, (paid or expected) + timedelta(days=rng.randrange(3, 45)))
        rows.append({
            "external_id": f"bench-report-{i:07d}",
            "platform": platform_id,
            "work_type": "hourly",
            "status": status,
            "work_period_start": (work_end - timedelta(days=6)).isoformat(),
            "work_period_end": work_end.isoformat(),
            "expected_pay_date": expected.isoformat(),
            "paid_date": paid.isoformat() if paid else None,
            "amount_expected": f"{amount:.2f}",
            "amount_received": f"{received:.2f}",
            "currency": "USD",
            "payment_method": methods[i % len(methods)],
            "country": countries[rng.randrange(len(countries))],
            "consent_publish_aggregate": "yes",
            "submitted_at": submitted.isoformat(),
        })
    return rows
