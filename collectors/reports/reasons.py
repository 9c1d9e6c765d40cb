"""Why a payment-report figure is missing, as one table of templates with named parameters.

The figures (`delays.delay_figures`, `delays.effective_pay_figures`) store `missing_detail` in the
lake as English text made from these templates; the dashboard shows it in the reader's language
by parsing the stored text back into (template, parameters) with the same table (`parse`) and
formatting the translated template (`shown`). Text no template makes is shown as stored.

The templates are marked with `N_` so that Babel extracts them into the dashboard's catalogs
(babel.cfg names this module). Collectors never import the dashboard: `N_` is defined here, and
`shown` takes the translating function.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated where it is shown (the dashboard)."""
    return message


# Why a report gives no delay interval (PaymentReport.delay_reason), or a group no figure.
REASONS: dict[str, str] = {
    "not_a_delay": N_("reports about something other than when pay came (a rate cut, a bonus ...)"),
    "no_due_date": N_("no due date: none stated, no published schedule and no stated pay cycle"),
    "no_work_dates": N_("no due date: neither the due date nor the end of the work is known"),
    "not_yet_due": N_("the pay was not yet due when reported"),
    "no_report_date": N_("still unpaid, but the date of the report is unknown"),
    "no_paid_date": N_("paid, but the date of payment is unknown"),
    "processor_hold": N_("the money is held by a payment provider (not the platform's lateness)"),
    "too_few_independent": N_("fewer than {min_reports} independent reports (one incident counts once)"),
    "median_not_reached": N_("more than half may still be unpaid: the median is not reached"),
    "no_hours": N_("no report gives the hours worked and the amount received"),
}

# Short forms of the reasons, for "<reason> for N of M reports".
SHORT_REASONS: dict[str, str] = {
    "no_due_date": N_("no due date"), "not_yet_due": N_("not yet due"),
    "no_report_date": N_("no date of the report"), "no_paid_date": N_("no date of payment"),
    "processor_hold": N_("money held by a payment provider"),
}

# One counted reason in a list of them ("7 no due date: none stated, ..."), joined with ", ".
# Translators: {n} reports, then why they give no delay (a reason of the table above).
COUNTED = N_("{n} {reason}")

# Every sentence `missing_detail` (and a suppressed group's note) can be. Parameters: `n_*` and
# `min_reports` are counts; `reason` is a short reason (SHORT_REASONS, else REASONS, by key);
# `reasons` and `others` are lists of (count, reason key), written as COUNTED joined with ", ".
DETAILS: dict[str, str] = {
    "no_delay": N_("no report gives a delay ({reasons})"),
    "no_reports": N_("no reports"),
    "mostly_reason": N_("{reason} for {n_reason} of {n_timing} reports about when pay came; {n_delay} give a "
                        "delay ({n_independent} independent, at least {min_reports} are needed)"),
    "mostly_reason_also": N_("{reason} for {n_reason} of {n_timing} reports about when pay came; {n_delay} "
                             "give a delay ({n_independent} independent, at least {min_reports} are needed); "
                             "also {others}"),
    "too_few": N_("{n_independent} independent report(s) with a delay; at least {min_reports} are needed"),
    "too_few_more": N_("{n_independent} independent report(s) with a delay; at least {min_reports} are needed "
                       "({n_without} more without one)"),
    "median_not_reached": REASONS["median_not_reached"],
    "median_not_reached_note": N_("median not reached: more than half still unpaid"),
    "no_hours": N_("none of {n_reports} report(s) gives the hours worked and the amount received"),
    "too_few_hours": N_("{n_independent} independent report(s) give hours; at least {min_reports} are needed"),
    "suppressed": N_("fewer than {min_reports} reports: not shown, to protect reporters"),
    "complementary": N_("not shown, so that a group of fewer than {min_reports} reports cannot be worked out "
                        "by subtracting figures"),
}

LIST_PARAMS = ("reasons", "others")
REASON_PARAMS = ("reason",)

Translate = Callable[[str], str]
Counted = Sequence[tuple[int, str]]


def _same(message: str) -> str:
    return message


def reason_text(key: str, translate: Translate = _same, *, min_reports: int = 5) -> str:
    """A reason (REASONS) by key in words; an unknown key as it is."""
    template = REASONS.get(key)
    return translate(template).format(min_reports=min_reports) if template else key


def short_reason(key: str, translate: Translate = _same, *, min_reports: int = 5) -> str:
    """The short form of a reason (SHORT_REASONS, else the reason itself)."""
    template = SHORT_REASONS.get(key)
    return translate(template) if template else reason_text(key, translate, min_reports=min_reports)


def counted(items: Counted, translate: Translate = _same, *, min_reports: int = 5) -> str:
    """(count, reason key) pairs as "7 no due date: ..., 2 the pay was not yet due when reported"."""
    return ", ".join(translate(COUNTED).format(n=n, reason=reason_text(r, translate, min_reports=min_reports))
                     for n, r in items)


def detail(key: str, translate: Translate = _same, **params: Any) -> str:
    """The sentence `key` of DETAILS with its parameters (English unless `translate` is given):
    what `missing_detail` stores."""
    min_reports = int(params.get("min_reports", 5))
    values: dict[str, Any] = {}
    for name, value in params.items():
        if name in LIST_PARAMS:
            values[name] = counted(value, translate, min_reports=min_reports)
        elif name in REASON_PARAMS:
            values[name] = short_reason(str(value), translate, min_reports=min_reports)
        else:
            values[name] = value
    return translate(DETAILS[key]).format(**values)


# -- reading a stored text back ------------------------------------------------------------------------

_FIELD = re.compile(r"\{([a-z_]+)\}")


@lru_cache(maxsize=len(DETAILS))
def _pattern(key: str) -> re.Pattern[str]:
    """DETAILS[key] as an anchored regex: counts as digits, reasons and lists as text."""
    template, out, at = DETAILS[key], [], 0
    for match in _FIELD.finditer(template):
        out.append(re.escape(template[at:match.start()]))
        name = match.group(1)
        out.append(rf"(?P<{name}>\d+)" if name.startswith("n_") or name == "min_reports" else rf"(?P<{name}>.+?)")
        at = match.end()
    out.append(re.escape(template[at:]))
    return re.compile("^" + "".join(out) + "$", re.DOTALL)


def _reason_key(text: str, table: Mapping[str, str], min_reports: int) -> str | None:
    return next((k for k, t in table.items() if t.format(min_reports=min_reports) == text), None)


def _parse_counted(text: str, min_reports: int) -> list[tuple[int, str]] | None:
    """"7 no due date: ..., 2 ..." back into [(7, "no_due_date"), (2, ...)]; None if it is not one.
    Reason texts hold commas, so each item is matched against the known texts (longest first)."""
    known = sorted(((t.format(min_reports=min_reports), k) for k, t in REASONS.items()), key=lambda p: -len(p[0]))
    items: list[tuple[int, str]] = []
    at = 0
    while at < len(text):
        number = re.match(r"(\d+) ", text[at:])
        if number is None:
            return None
        at += number.end()
        rest = text[at:]
        found = next(((k, len(t)) for t, k in known if rest.startswith(t) and
                      (len(rest) == len(t) or rest[len(t):].startswith(", "))), None)
        if found is None:  # a reason key no text was written for: up to the next ", <count> "
            nxt = re.search(r", \d+ ", rest)
            found = (rest[: nxt.start()] if nxt else rest, nxt.start() if nxt else len(rest))
        items.append((int(number.group(1)), found[0]))
        at += found[1]
        if at < len(text):
            if not text.startswith(", ", at):
                return None
            at += 2
    return items or None


def parse(text: str) -> tuple[str, dict[str, Any]] | None:
    """A stored `missing_detail` (or note) back into (DETAILS key, parameters as `detail` takes
    them), so that `detail(*parse(text))` gives `text` again; None when no template made it."""
    for key in sorted(DETAILS, key=lambda k: -len(DETAILS[k])):
        match = _pattern(key).match(text)
        if match is None:
            continue
        raw = match.groupdict()
        min_reports = int(raw.get("min_reports") or 5)
        params: dict[str, Any] = {}
        for name, value in raw.items():
            if name in LIST_PARAMS:
                items = _parse_counted(value, min_reports)
                if items is None:
                    break
                params[name] = items
            elif name in REASON_PARAMS:
                reason = _reason_key(value, SHORT_REASONS, min_reports) or _reason_key(value, REASONS, min_reports)
                params[name] = reason or value
            else:
                params[name] = int(value)
        else:
            if detail(key, **params) == text:
                return key, params
    return None


def shown(text: str | None, translate: Translate) -> str:
    """A stored `missing_detail` in the reader's language (`translate`: the dashboard's gettext);
    as stored when no template made it (or it is empty)."""
    if not text:
        return text or ""
    parsed = parse(text)
    if parsed is None:
        return text
    key, params = parsed
    try:
        return detail(key, translate, **params)
    except (KeyError, IndexError, ValueError):  # a translation with broken placeholders
        return text
