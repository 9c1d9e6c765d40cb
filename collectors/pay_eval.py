"""The honest measure of `parse_pay`: its exact-match rate on a labelled set of pay strings.

A labelled set is JSON lines, one string a line, in the form of `tests/data/pay_strings.jsonl`:
`{"text": ..., "expected": {"min", "max", "currency", "unit", ...} | null, ...}`, where a null
`expected` says the text states no pay. `tests/data/pay_strings_real.jsonl` adds `source` (the
public page the string was found on, as found) and `split`: "tune" or "holdout", assigned from a
hash of the text. The parser may be tuned on "tune" strings only; "holdout" strings are scored, never
read while tuning, so their rate is the rate on strings the parser was not built with.

A string counts as right only when all of these are: whether it states pay, `min`, `max`,
`currency` and `unit` (amounts to 4 significant figures, so a label of 4.166667 for "$250 per
finished hour" read as per media minute matches). The flags (`approximate`, `up_to`, `at_least`)
are labelled too but not scored here; `tests/test_pay.py` scores them on the first set.

    uv run --no-sync python -m collectors.pay_eval tests/data/pay_strings_real.jsonl --split holdout

prints the rate; `--by-round` adds the rate of each round of strings gathered (the round a string
was added in is in its `note`: "(fourth round)"; the first two rounds carry none); `--misses` also
lists the wrong strings (use it on the tune split only).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from collectors.pay import Pay, parse_pay

SCORED_FIELDS = ("min", "max", "currency", "unit")
_ROUND_NOTE = re.compile(r"\((\w+) round\)")
ROUND_ORDER = ("first and second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
SPLITS = ("tune", "holdout", "all")


@dataclass(frozen=True, slots=True)
class Miss:
    """One string the parser got wrong: what it read and what the label says."""

    text: str
    got: dict[str, Any] | None
    expected: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class EvalResult:
    """How many strings of a labelled set the parser read exactly right."""

    matched: int
    total: int
    misses: tuple[Miss, ...] = field(default=())

    @property
    def rate(self) -> float:
        return self.matched / self.total if self.total else 0.0


def load_labelled(path: Path, split: str = "all") -> list[dict[str, Any]]:
    """The rows of a labelled set, only those of `split` ("tune", "holdout" or "all")."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON ({error.msg})") from error
            if not isinstance(row, dict) or not isinstance(row.get("text"), str) or "expected" not in row:
                raise ValueError(f"{path}:{number}: a row needs \"text\" and \"expected\"")
            if split == "all" or row.get("split") == split:
                rows.append(row)
    return rows


def _same_amount(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-4, abs_tol=1e-9)


def is_exact(got: Pay | None, expected: dict[str, Any] | None) -> bool:
    """Whether a parse agrees with a label on pay-or-not, min, max, currency and unit."""
    if got is None or expected is None:
        return got is None and expected is None
    return (
        _same_amount(got.min, expected["min"])
        and _same_amount(got.max, expected["max"])
        and got.currency == expected["currency"]
        and got.unit == expected["unit"]
    )


def _fields(pay: Pay | None) -> dict[str, Any] | None:
    if pay is None:
        return None
    return {"min": pay.min, "max": pay.max, "currency": pay.currency, "unit": pay.unit}


def score(rows: list[dict[str, Any]]) -> EvalResult:
    """The exact-match result of `parse_pay` over labelled rows."""
    misses: list[Miss] = []
    for row in rows:
        got = parse_pay(row["text"])
        if not is_exact(got, row["expected"]):
            expected = row["expected"]
            misses.append(Miss(
                row["text"], _fields(got),
                None if expected is None else {name: expected[name] for name in SCORED_FIELDS},
            ))
    return EvalResult(len(rows) - len(misses), len(rows), tuple(misses))


def round_of(row: dict[str, Any]) -> str:
    """The round a labelled string was gathered in, from its note ("first and second" when unmarked)."""
    match = _ROUND_NOTE.search(str(row.get("note", "")))
    return match.group(1) if match else "first and second"


def by_round(rows: list[dict[str, Any]]) -> dict[str, EvalResult]:
    """The exact-match result of each round of strings, in the order they were gathered."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(round_of(row), []).append(row)
    order = {name: index for index, name in enumerate(ROUND_ORDER)}
    return {name: score(groups[name]) for name in sorted(groups, key=lambda name: order.get(name, len(order)))}


def main(argv: list[str] | None = None) -> int:
    """`python -m collectors.pay_eval FILE [--split tune|holdout|all] [--misses]`."""
    parser = argparse.ArgumentParser(prog="python -m collectors.pay_eval", description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path, help="a labelled set of pay strings (JSON lines)")
    parser.add_argument("--split", choices=SPLITS, default="all")
    parser.add_argument("--by-round", action="store_true", help="also the rate of each round of strings gathered")
    parser.add_argument("--misses", action="store_true", help="list the strings read wrong")
    args = parser.parse_args(argv)
    try:
        rows = load_labelled(args.path, args.split)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    result = score(rows)
    print(f"{args.path.name} [{args.split}]: {result.rate:.1%} exact ({result.matched}/{result.total})")
    if args.by_round:
        for name, part in by_round(rows).items():
            print(f"  {name} round{'s' if name == 'first and second' else ''}: {part.rate:.1%} ({part.matched}/{part.total})")
    if args.misses:
        for miss in result.misses:
            print(f"- {miss.text!r}\n    got      {miss.got}\n    expected {miss.expected}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
