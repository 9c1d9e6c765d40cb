"""Platforms' published pay schedules, as data, to derive when a payment was due.

Workers rarely know the exact date they should have been paid, but most platforms publish a cycle
("Mon–Sun, paid by the following Friday"). When a report gives the end of the work period and no
expected date, `expected_pay_date()` derives it from the table below, and the report records which
revision of which schedule was used (`policy_version`), because schedules change.

Each entry comes from section 3 of `payment-reports-research.md` and cites the platform's own page.
A schedule that is only claimed by secondary sources (Remotasks' "monthly on the 21st") is listed
with `derivable=False`: gigwatch never derives a due date from an unverified schedule, and such
reports need the reporter's own expected date.

`due_date()` is the one rule for when pay was due, in order: a date the worker (or an invoice)
states; else the platform's published schedule applied to the end of the work; else the end of the
work plus the pay cycle the platform states (`STATED_CYCLES`, e.g. Remotasks' "get paid weekly"),
marked *estimated*; else no due date, with the reason. Approximate dates give due dates as
intervals.

`grace_days` is the processor delay the platform itself publishes (bank transfer times, a
first-payout hold): a payment within the grace is not called late by the platform's own terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collectors.reports.dates import ApproxDate

Rule = Literal[
    "weekly_after_cycle",  # cycle ends on `cycle_end_weekday`; paid `pay_offset_days` after that
    "next_weekday",  # paid on the first `pay_weekday` strictly after the period ends
    "monthly_day",  # paid on day `pay_day_of_month` of the month after the period's month
    "days_after",  # paid at most `pay_offset_days` after the period ends
]

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)


@dataclass(frozen=True, slots=True)
class PaySchedule:
    platform_id: str
    policy_version: str  # "<platform>-r<n>": the revision of this table's entry, stored with each report
    summary: str  # the schedule in the platform's words, shortened
    source_urls: tuple[str, ...]
    rule: Rule
    payment_methods: tuple[str, ...] = ()  # empty: any method; else only reports paid this way
    cycle_end_weekday: int | None = None
    pay_weekday: int | None = None
    pay_offset_days: int = 0
    pay_day_of_month: int | None = None
    grace_days: int = 3
    derivable: bool = True  # False: published only by unverified secondary sources
    notes: str = ""

    def due_date(self, work_period_end: date) -> date:
        """The date pay for work ending on `work_period_end` was due under this schedule."""
        if self.rule == "weekly_after_cycle":
            assert self.cycle_end_weekday is not None
            cycle_end = work_period_end + timedelta(
                days=(self.cycle_end_weekday - work_period_end.weekday()) % 7
            )
            return cycle_end + timedelta(days=self.pay_offset_days)
        if self.rule == "next_weekday":
            assert self.pay_weekday is not None
            ahead = (self.pay_weekday - work_period_end.weekday()) % 7 or 7
            return work_period_end + timedelta(days=ahead)
        if self.rule == "monthly_day":
            assert self.pay_day_of_month is not None
            year, month = work_period_end.year, work_period_end.month + 1
            if month == 13:
                year, month = year + 1, 1
            return date(year, month, self.pay_day_of_month)
        return work_period_end + timedelta(days=self.pay_offset_days)


SCHEDULES: tuple[PaySchedule, ...] = (
    PaySchedule(
        platform_id="mercor",
        policy_version="mercor-r1",
        summary=(
            "Cycle Sat 00:00 – Fri 23:59 IST; paid the following Wednesday (PST), most funds "
            "Thursday; bank 3–7 business days after 'Paid'. Stripe holds a first payout 7 days."
        ),
        source_urls=(
            "https://talent.docs.mercor.com/policies/time-tracking-pay",
            "https://talent.docs.mercor.com/time-tracking-pay/removal-disputes",
        ),
        rule="weekly_after_cycle",
        cycle_end_weekday=FRIDAY,
        pay_offset_days=5,
        grace_days=9,  # 7 business days of bank transfer
        notes="Hours can be removed before payout; disputes within the next pay period.",
    ),
    PaySchedule(
        platform_id="handshake_ai",
        policy_version="handshake_ai-r1",
        summary="MOVE program: paid weekly on Wednesdays through Deel (after W-9, ID check, contract).",
        source_urls=(
            "https://support.joinhandshake.com/hc/en-us/articles/32263614087575-MOVE-Program-Payments",
        ),
        rule="next_weekday",
        pay_weekday=WEDNESDAY,
        grace_days=3,
        notes="No payment before the W-9, ID/background check and project contract are done.",
    ),
    PaySchedule(
        platform_id="alignerr",
        policy_version="alignerr-r1",
        summary="Mon–Sun cycle; paid by the following Friday (Stripe / PayPal).",
        source_urls=("https://intercom.help/alignerr/en/articles/11315904-when-do-i-get-paid",),
        rule="weekly_after_cycle",
        cycle_end_weekday=SUNDAY,
        pay_offset_days=5,
        grace_days=3,
    ),
    PaySchedule(
        platform_id="appen",
        policy_version="appen-payoneer-r1",
        summary="Payoneer: monthly on the 14th for invoices submitted before the deadline; $5 minimum.",
        source_urls=(
            "https://crowdsupport.appen.com/hc/en-us/articles/4402329636244-When-will-I-be-paid-",
            "https://crowdsupport.appen.com/hc/en-us/articles/13261737231764-Missing-an-invoice-Here-is-what-to-check-for",
        ),
        rule="monthly_day",
        payment_methods=("payoneer",),
        pay_day_of_month=14,
        grace_days=7,  # Appen asks for a ticket only after a week
    ),
    PaySchedule(
        platform_id="appen",
        policy_version="appen-paypal-r1",
        summary="PayPal: weekly on Thursdays 5 pm PST; open a ticket if missing after 1 week.",
        source_urls=(
            "https://crowdsupport.appen.com/hc/en-us/articles/4402329636244-When-will-I-be-paid-",
        ),
        rule="next_weekday",
        payment_methods=("paypal",),
        pay_weekday=THURSDAY,
        grace_days=7,
    ),
    PaySchedule(
        platform_id="prolific",
        policy_version="prolific-r1",
        summary="Researchers must review within 21 days, else the submission is auto-approved; paid on approval.",
        source_urls=(
            "https://researcher-help.prolific.co/hc/en-gb/articles/360009092394-Reviewing-submissions-How-do-I-decide-who-to-accept-reject-",
        ),
        rule="days_after",
        pay_offset_days=21,
        grace_days=1,
    ),
    PaySchedule(
        platform_id="mturk",
        policy_version="mturk-r1",
        summary="Requester-set auto-approval delay; 7 days is a common default (TurkPrime).",
        source_urls=(
            "https://docs.aws.amazon.com/de_de/AWSMechTurk/latest/AWSMechanicalTurkRequester/ApproveRejectWork.html",
            "http://blog.turkprime.com/2016_02_01_archive.html",
        ),
        rule="days_after",
        pay_offset_days=7,
        grace_days=3,
        notes="Each requester sets its own delay; a stated date beats this default.",
    ),
    PaySchedule(
        platform_id="clickworker",
        policy_version="clickworker-r1",
        summary="Paid via Payoneer/PayPal by Friday afternoon CET after the invoice; KYC can stall Payoneer.",
        source_urls=(
            "https://support-workplace.clickworker.com/support/solutions/articles/80000740033-invoice-is-visible-but-payment-was-not-sent-to-my-account",
        ),
        rule="next_weekday",
        pay_weekday=FRIDAY,
        grace_days=3,
    ),
    PaySchedule(
        platform_id="oneforma",
        policy_version="oneforma-r1",
        summary="Invoices issued within 72 h after the cycle closes; payout date not published.",
        source_urls=(
            "https://www.oneforma.com/help-center-pro/payment-issues-and-finance/what-to-do-if-youre-experiencing-payment-issues",
            "https://jobs.oneforma.com/int-faq/what-do-i-need-to-do-to-get-paid/",
        ),
        rule="days_after",
        pay_offset_days=3,
        derivable=False,
        notes="Only the invoice time is published, not the payout: a due date cannot be derived.",
    ),
    PaySchedule(
        platform_id="remotasks",
        policy_version="remotasks-r1",
        summary="'Get paid weekly' (marketing); one secondary source claims monthly on the 21st (unverified).",
        source_urls=("https://morse.works/Grift1.html", "https://tecnobits.com/tl/cuando-paga-remotasks"),
        rule="next_weekday",
        pay_weekday=TUESDAY,
        derivable=False,
        notes="Unverified: never used to derive a due date.",
    ),
)

# CrowdGen freezes payout-method changes from the 6th to the 15th (processing window):
# https://crowdgen.com/docs/payments/general-payments-faq/general-payments-faq


def schedule_for(platform_id: str, payment_method: str | None) -> PaySchedule | None:
    """The derivable schedule for a platform (and payment method, where it matters), if any."""
    candidates = [s for s in SCHEDULES if s.platform_id == platform_id and s.derivable]
    for schedule in candidates:
        if not schedule.payment_methods or payment_method in schedule.payment_methods:
            return schedule
    return None


def expected_pay_date(
    platform_id: str, work_period_end: date, payment_method: str | None = None
) -> tuple[date, PaySchedule] | None:
    """The due date derived from the platform's published schedule, with the schedule used."""
    schedule = schedule_for(platform_id, payment_method)
    if schedule is None:
        return None
    return schedule.due_date(work_period_end), schedule


def grace_days(platform_id: str, payment_method: str | None = None) -> int:
    """Days after the due date that the platform's own terms still count as on time."""
    schedule = schedule_for(platform_id, payment_method)
    return schedule.grace_days if schedule else 3


@dataclass(frozen=True, slots=True)
class StatedCycle:
    """A pay cycle a platform states without publishing a payout day ("get paid weekly")."""

    platform_id: str
    days: int  # pay is due at most this many days after the work ends
    summary: str
    source_urls: tuple[str, ...]


STATED_CYCLES: tuple[StatedCycle, ...] = (
    StatedCycle(
        platform_id="remotasks",
        days=7,
        summary=("no published schedule; Remotasks states workers 'get paid weekly', so pay is "
                 "estimated as due within 7 days of the end of the work"),
        source_urls=("https://morse.works/Grift1.html",),
    ),
)


@dataclass(frozen=True, slots=True)
class DueDate:
    """When pay was due, as an interval of days, and on what basis (None: no due date)."""

    lower: date | None
    upper: date | None
    basis: Literal["stated", "published_schedule", "estimated_from_cycle"] | None
    reason: str  # how it was found, or why there is none
    schedule: PaySchedule | None = None

    @property
    def estimated(self) -> bool:
        return self.basis == "estimated_from_cycle"


def stated_cycle(platform_id: str) -> StatedCycle | None:
    return next((c for c in STATED_CYCLES if c.platform_id == platform_id), None)


def due_date(platform_id: str, work_period_end: ApproxDate | None, stated: ApproxDate | None,
             payment_method: str | None = None) -> DueDate:
    """Stated due date > published schedule > end of work + stated cycle (estimated) > none."""
    if stated is not None and stated.lower is not None and stated.upper is not None:
        return DueDate(stated.lower, stated.upper, "stated", "stated by the worker or an invoice")
    end_known = work_period_end is not None and work_period_end.lower is not None and work_period_end.upper is not None
    schedule = schedule_for(platform_id, payment_method)
    if end_known and schedule is not None:
        assert work_period_end is not None and work_period_end.lower and work_period_end.upper
        # Every schedule's due date moves forward with the end of the work, so the interval of
        # ends gives the interval of due dates.
        return DueDate(schedule.due_date(work_period_end.lower), schedule.due_date(work_period_end.upper),
                       "published_schedule", schedule.summary, schedule)
    cycle = stated_cycle(platform_id)
    if end_known and cycle is not None:
        assert work_period_end is not None and work_period_end.lower and work_period_end.upper
        return DueDate(work_period_end.lower, work_period_end.upper + timedelta(days=cycle.days),
                       "estimated_from_cycle", cycle.summary)
    if not end_known:
        return DueDate(None, None, None, "no due date: neither the due date nor the end of the work is known")
    if any(s.platform_id == platform_id for s in SCHEDULES) and schedule is None:
        return DueDate(None, None, None, "no due date: no published schedule applies (it depends on "
                                         "the payment method, or only unverified sources give one)")
    return DueDate(None, None, None, "no due date: none was stated and no published schedule is "
                                     "known for this platform")
