"""Pay normalisation: any advertised pay (free text or a platform's structured fields) to a `Pay`,
and a `Pay` to comparable hourly USD figures with their assumptions stated.

Per-task, per-item and per-minute-of-media pay is never turned into an hourly wage unless the time
per unit is known: it stays in its own unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PayUnit = Literal["hour", "day", "week", "month", "year", "task", "item", "minute", "unknown"]
PAY_UNITS: tuple[PayUnit, ...] = (
    "hour", "day", "week", "month", "year", "task", "item", "minute", "unknown",
)
# Units that describe time worked; the others are per piece of work and stay apart.
TIME_UNITS: frozenset[str] = frozenset({"hour", "day", "week", "month", "year"})


@dataclass(frozen=True, slots=True)
class Pay:
    """One advertised rate. `min`/`max` are in `currency` per `unit`; either may be None."""

    min: float | None
    max: float | None
    currency: str | None  # ISO 4217, None when the source does not say
    unit: PayUnit
    approximate: bool = False  # "~$40/hr", "about", "$20+"
    up_to: bool = False  # "up to $40/hr": max only
    at_least: bool = False  # "from $20/hr", "$20+": min only


@dataclass(frozen=True, slots=True)
class HourlyUSD:
    """Hourly USD equivalents of a time-based `Pay`, with the assumptions used to get them."""

    min: float | None
    max: float | None
    assumptions: tuple[str, ...]
