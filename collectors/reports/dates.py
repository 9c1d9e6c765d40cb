"""Dates as workers give them: an exact day, a month, "about" a day, or "don't know".

Real reports say "early July", "about three weeks later", "last month", or nothing at all. An
`ApproxDate` keeps what was said as a closed interval of days [lower, upper] and its precision, so
the statistics can treat it as an interval (see `delays.turnbull`) and never as an exact day.

* `day`: lower == upper, the day itself.
* `month`: the whole calendar month ("2025-07", "July 2025", "last month").
* `approx`: a day give or take N days ("~2025-07-10", "about 2025-07-10", "early July 2025"
  = the 1st to the 10th, "about three weeks later" = 21 ± 7 days after an anchor date).
* `unknown`: no bounds at all ("don't know", "unknown").

An approximate date never becomes exact: only `day` precision has an `exact` value, and every
operation here keeps or widens the interval.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

Precision = Literal["day", "month", "approx", "unknown"]
PRECISIONS: dict[str, str] = {
    "day": "On this exact day",
    "month": "Some day in this month",
    "approx": "About this day (give or take some days)",
    "unknown": "I don't know",
}
DEFAULT_APPROX_DAYS = 7  # "about 10 July" with no width: give or take a week
MAX_WITHIN_DAYS = 366

_MONTHS = {name.casefold(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.casefold(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a few": 3,
    "several": 4,
}
_UNKNOWN_WORDS = {"unknown", "dont_know", "don_t_know", "do_not_know", "not_known", "n_a", "na",
                  "not_sure", "no_idea", "i_don_t_know"}
_ABOUT = r"(?:~|about|around|approx(?:imately)?\.?|circa|c\.|roughly|some)\s*"


class DateParseError(ValueError):
    """The text cannot be read as a date with a precision; the message says how to write it."""


@dataclass(frozen=True, slots=True)
class ApproxDate:
    """A date as an interval of days with the precision it was given in."""

    lower: date | None
    upper: date | None
    precision: Precision

    def __post_init__(self) -> None:
        if self.precision == "unknown":
            if self.lower is not None or self.upper is not None:
                raise ValueError("an unknown date has no bounds")
            return
        if self.lower is None or self.upper is None:
            raise ValueError("a known date needs both bounds")
        if self.lower > self.upper:
            raise ValueError(f"lower bound {self.lower} is after upper bound {self.upper}")
        if self.precision == "day" and self.lower != self.upper:
            raise ValueError("a date with precision 'day' is one day")

    # -- constructors --------------------------------------------------------------------------

    @classmethod
    def day(cls, on: date) -> ApproxDate:
        return cls(on, on, "day")

    @classmethod
    def month(cls, year: int, month: int) -> ApproxDate:
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), "month")

    @classmethod
    def around(cls, on: date, within_days: int = DEFAULT_APPROX_DAYS) -> ApproxDate:
        if within_days == 0:
            return cls.day(on)
        return cls(on - timedelta(days=within_days), on + timedelta(days=within_days), "approx")

    @classmethod
    def unknown(cls) -> ApproxDate:
        return cls(None, None, "unknown")

    # -- views ---------------------------------------------------------------------------------

    @property
    def known(self) -> bool:
        return self.precision != "unknown"

    @property
    def exact(self) -> date | None:
        """The day, only when the date was given to the day."""
        return self.lower if self.precision == "day" else None

    @property
    def width_days(self) -> int | None:
        if self.lower is None or self.upper is None:
            return None
        return (self.upper - self.lower).days

    def shift(self, days: int, within_days: int = 0) -> ApproxDate:
        """This date plus `days`, widened by `within_days` either side ("about 3 weeks later")."""
        if self.lower is None or self.upper is None:
            return ApproxDate.unknown()
        lower = self.lower + timedelta(days=days - within_days)
        upper = self.upper + timedelta(days=days + within_days)
        precision: Precision = "day" if self.precision == "day" and within_days == 0 else "approx"
        if self.precision == "month" and within_days == 0 and days == 0:
            precision = "month"
        return ApproxDate(lower, upper, precision)

    def describe(self) -> str:
        if self.lower is None or self.upper is None:
            return "unknown"
        if self.precision == "day":
            return self.lower.isoformat()
        if self.precision == "month":
            return self.lower.strftime("%Y-%m")
        return f"between {self.lower.isoformat()} and {self.upper.isoformat()}"

    # -- serialising ---------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "lower": self.lower.isoformat() if self.lower else None,
            "upper": self.upper.isoformat() if self.upper else None,
            "precision": self.precision,
        }

    @classmethod
    def from_json(cls, value: Any) -> ApproxDate:
        """The inverse of `to_json` (raises DateParseError on anything else)."""
        if not isinstance(value, dict):
            raise DateParseError(f"{value!r} is not an object with lower, upper and precision")
        precision = value.get("precision")
        if precision not in PRECISIONS:
            raise DateParseError(f"precision must be one of: {', '.join(PRECISIONS)}")
        try:
            # ISO text, or dates already decoded (the vault's JSON body reads dates back as dates)
            lower, upper = (_as_date(value.get("lower")), _as_date(value.get("upper")))
            return cls(lower, upper, precision)
        except (TypeError, ValueError) as exc:
            raise DateParseError(str(exc)) from exc

    def to_columns(self, name: str) -> dict[str, Any]:
        """The import columns for this date: `name` (the day, the month or the middle day),
        `name_precision` and, for an approximate date, `name_within_days`."""
        if self.lower is None or self.upper is None:
            return {name: None, f"{name}_precision": "unknown", f"{name}_within_days": None}
        if self.precision == "day":
            return {name: self.lower.isoformat(), f"{name}_precision": "day", f"{name}_within_days": None}
        if self.precision == "month":
            return {name: self.lower.strftime("%Y-%m"), f"{name}_precision": "month",
                    f"{name}_within_days": None}
        half = (self.upper - self.lower).days // 2
        middle = self.lower + timedelta(days=half)
        if (self.upper - middle).days != half:  # an odd width cannot be "a day ± N": give the bounds
            return {name: f"{self.lower.isoformat()}/{self.upper.isoformat()}",
                    f"{name}_precision": "approx", f"{name}_within_days": None}
        return {name: middle.isoformat(), f"{name}_precision": "approx", f"{name}_within_days": half}


def _as_date(value: Any) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)


# -- parsing ---------------------------------------------------------------------------------------

_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:/|\.\.|–|—| to )\s*(\d{4}-\d{2}-\d{2})$")
_WITHIN = re.compile(r"^(.+?)\s*(?:±|\+/-|\+-)\s*(\d{1,3})\s*d(?:ays?)?$")
_PART_OF_MONTH = re.compile(r"^(early|mid|middle of|late|end of|start of|beginning of)\s+([a-z]+)\.?,?\s+(\d{4})$")
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?,?\s+(\d{4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_RELATIVE = re.compile(
    r"^(" + _ABOUT + r")?(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")\s+(day|week|month)s?\s+(later|after|afterwards|ago|before)$"
)


def _real_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateParseError(f"{text!r} is not a real date") from exc


def _month_number(word: str, text: str) -> int:
    number = _MONTHS.get(word.casefold())
    if number is None:
        raise DateParseError(f"{text!r}: {word!r} is not a month name")
    return number


def parse(
    value: Any,
    *,
    precision: str | None = None,
    within_days: int | None = None,
    anchor: ApproxDate | None = None,
    today: date | None = None,
) -> ApproxDate | None:
    """Read a date as a worker or a union gave it. None means "not given" (blank).

    `precision` and `within_days` come from the `<field>_precision` and `<field>_within_days`
    import columns. `anchor` resolves "N weeks later" (the date it is later than); `today`
    resolves "last month" and "N days ago" (the day the report was made, which must be known).
    """
    if isinstance(value, ApproxDate):
        return value
    if isinstance(value, dict):
        return ApproxDate.from_json(value)
    if precision is not None and precision not in PRECISIONS:
        raise DateParseError(f"precision {precision!r} is not one of: {', '.join(PRECISIONS)}")
    if within_days is not None and not 0 <= within_days <= MAX_WITHIN_DAYS:
        raise DateParseError(f"give or take {within_days} days is out of bounds (0–{MAX_WITHIN_DAYS})")
    if precision == "unknown":  # "don't know" wins over whatever was written beside it
        return ApproxDate.unknown()
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, date):
        parsed = ApproxDate.day(value)
    elif isinstance(value, str):
        parsed = _parse_text(value.strip(), anchor=anchor, today=today)
    else:
        raise DateParseError(f"{value!r} is not a date")
    return _apply_precision(parsed, precision, within_days)


def _apply_precision(parsed: ApproxDate, precision: str | None, within_days: int | None) -> ApproxDate:
    if precision is None and within_days is None:
        return parsed
    if precision == "unknown":
        return ApproxDate.unknown()
    if parsed.lower is None or parsed.upper is None:
        return parsed
    if precision == "month":
        if parsed.precision == "day":
            return ApproxDate.month(parsed.lower.year, parsed.lower.month)
        return parsed
    if precision == "approx" or (precision is None and within_days):
        width = within_days if within_days is not None else DEFAULT_APPROX_DAYS
        if parsed.precision == "day":
            if width == 0:  # "approximate, give or take 0 days" is still not a stated exact day
                return ApproxDate(parsed.lower, parsed.upper, "approx")
            return ApproxDate.around(parsed.lower, width)
        if within_days is None:  # already an interval ("early July"): keep its bounds
            return ApproxDate(parsed.lower, parsed.upper, "approx")
        return ApproxDate(parsed.lower - timedelta(days=width), parsed.upper + timedelta(days=width), "approx")
    if precision == "day" and parsed.precision != "day":
        raise DateParseError(f"{parsed.describe()} is not one day, but the precision says 'day'")
    return parsed


def _parse_text(text: str, *, anchor: ApproxDate | None, today: date | None) -> ApproxDate:
    if match := _ISO_DAY.match(text):  # the common case first (no unknown word is a date)
        return ApproxDate.day(_real_date(int(match[1]), int(match[2]), int(match[3]), text))
    lowered = re.sub(r"\s+", " ", text.casefold())
    key = re.sub(r"[^a-z0-9]+", "_", lowered).strip("_")
    if key in _UNKNOWN_WORDS or lowered in {"?", "-"}:
        return ApproxDate.unknown()
    if match := _ISO_MONTH.match(text):
        if not 1 <= int(match[2]) <= 12:
            raise DateParseError(f"{text!r} is not a real month")
        return ApproxDate.month(int(match[1]), int(match[2]))
    if match := _RANGE.match(lowered):
        lower = parse(match[1])
        upper = parse(match[2])
        assert lower is not None and upper is not None and lower.lower and upper.upper
        if lower.lower > upper.upper:
            raise DateParseError(f"{text!r}: the first date is after the second")
        return ApproxDate(lower.lower, upper.upper, "approx") if lower.lower != upper.upper else ApproxDate.day(lower.lower)
    if match := _WITHIN.match(lowered):
        inner_text = re.sub("^" + _ABOUT, "", match[1].strip())
        inner = _parse_text(inner_text, anchor=anchor, today=today)
        return _apply_precision(inner, "approx", int(match[2]))
    about = re.match("^" + _ABOUT, lowered)
    if about and about.end() < len(lowered) and not _RELATIVE.match(lowered):
        inner = _parse_text(lowered[about.end():].strip(), anchor=anchor, today=today)
        if inner.precision == "day":
            return _apply_precision(inner, "approx", DEFAULT_APPROX_DAYS)
        return inner if inner.precision == "unknown" else ApproxDate(inner.lower, inner.upper, "approx")
    if match := _PART_OF_MONTH.match(lowered):
        part, year = match[1], int(match[3])
        month = _month_number(match[2], text)
        last = calendar.monthrange(year, month)[1]
        first_day, last_day = {"early": (1, 10), "start of": (1, 10), "beginning of": (1, 10),
                               "mid": (11, 20), "middle of": (11, 20),
                               "late": (21, last), "end of": (21, last)}[part]
        return ApproxDate(date(year, month, first_day), date(year, month, last_day), "approx")
    if match := _DAY_MONTH_YEAR.match(lowered):
        return ApproxDate.day(_real_date(int(match[3]), _month_number(match[2], text), int(match[1]), text))
    if match := _MONTH_DAY_YEAR.match(lowered):
        return ApproxDate.day(_real_date(int(match[3]), _month_number(match[1], text), int(match[2]), text))
    if match := _MONTH_YEAR.match(lowered):
        return ApproxDate.month(int(match[2]), _month_number(match[1], text))
    if lowered in {"last month", "this month", "last week", "yesterday", "today"} or lowered.endswith(" ago"):
        if today is None:
            raise DateParseError(f"{text!r} needs the date of the report to be known; give the month instead")
        if lowered == "today":
            return ApproxDate.day(today)
        if lowered == "yesterday":
            return ApproxDate.day(today - timedelta(days=1))
        if lowered in {"last month", "this month"}:
            year, month = today.year, today.month
            if lowered == "last month":
                year, month = (year - 1, 12) if month == 1 else (year, month - 1)
            return ApproxDate.month(year, month)
        if lowered == "last week":
            return ApproxDate(today - timedelta(days=13), today - timedelta(days=1), "approx")
    if match := _RELATIVE.match(lowered):
        approximate = bool(match[1]) or match[2] in {"a few", "several", "a couple of"}
        count = int(match[2]) if match[2].isdigit() else _NUMBER_WORDS[match[2]]
        unit_days = {"day": 1, "week": 7, "month": 30}[match[3]]
        days = count * unit_days
        later = match[4] in {"later", "after", "afterwards"}
        # "about three weeks" is give or take a third of it (at least a day, at most a month);
        # "two months" without "about" is still only known to within a few days.
        within = max(1, min(30, days // 3)) if approximate else (0 if unit_days == 1 else max(1, days // 7))
        base = anchor if later else (ApproxDate.day(today) if today else None)
        if base is None or not base.known:
            what = "the date it is later than" if later else "the date of the report"
            raise DateParseError(f"{text!r} needs {what} to be known; give a date instead")
        return base.shift(days if later else -days, within)
    raise DateParseError(
        f"{text!r} is not a date gigwatch can read; write it as YYYY-MM-DD (2025-07-23), 2025-07 (a month), "
        "'about 2025-07-23', 'early July 2025', 'about 3 weeks later' or 'unknown'"
    )
