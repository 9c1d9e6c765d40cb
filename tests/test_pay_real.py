"""The honest measure of `parse_pay` (issue 15): real pay strings gathered from public pages,
labelled by hand before the parser read them, split by a hash of the text into a half the parser
was tuned on and a half it never was. The holdout's exact-match rate may not fall below its floor."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from collectors.pay import OUTPUT_UNITS, PAY_UNITS, TIME_UNITS, Pay, parse_pay, unit_kind
from collectors.pay_eval import EvalResult, by_round, is_exact, load_labelled, main, round_of, score

REAL = Path(__file__).parent / "data" / "pay_strings_real.jsonl"
# The measured rates after the ninth round of tuning on the tune half, less about half a point
# (README.md, "Pay parsing accuracy"): holdout 77.9% (489/628), tune 94.7% (576/608). The eighth round
# added 86 fresh holdout strings, read at 58.1% by the parser that session started with and at 66.3%
# after it, so the whole holdout rate is below the rate on the rounds 1-7 strings; on the 369 strings
# of rounds 1-3 the rate is 83.5%, and that subset has its own floor.
HOLDOUT_FLOOR = 0.775
TUNE_FLOOR = 0.94
FIRST_THREE_ROUNDS_HOLDOUT_FLOOR = 0.83


def _split_of(text: str) -> str:
    return "tune" if int(hashlib.sha256(text.encode()).hexdigest(), 16) % 2 == 0 else "holdout"


def test_real_set_is_big_varied_and_split_by_hash() -> None:
    rows = load_labelled(REAL)
    assert len(rows) >= 1000
    assert len({row["text"] for row in rows}) == len(rows), "no duplicates"
    assert all(row["source"] and row["note"] for row in rows), "every string says where it was found"
    assert all(row["split"] == _split_of(row["text"]) for row in rows), "the split is the hash's"
    splits = Counter(row["split"] for row in rows)
    assert min(splits.values()) >= 0.4 * len(rows)
    pays = [row["expected"] for row in rows if row["expected"] is not None]
    assert len(rows) - len(pays) >= 40, "traps: prices, market sizes, totals"
    assert {p["unit"] for p in pays} <= set(PAY_UNITS)
    assert {"hour", "month", "year", "task", "item", "minute", "once"} <= {p["unit"] for p in pays}
    assert {"USD", "GBP", "EUR", "INR", "KES", "BRL", "PHP", "NGN", "RUB", "BGN", "MGA", "SGD", "CAD", "AUD",
            "JPY", "KRW", "CNY", "SEK", "DKK", "CZK", "HUF", "TRY", "IDR", "MYR", "BDT", "VND", "RON", "EGP"} <= {
        p["currency"] for p in pays if p["currency"]
    }
    assert {round_of(row) for row in rows} >= {"first and second", "third", "fourth", "fifth", "sixth", "seventh"}


@pytest.mark.parametrize(("split", "floor"), [("holdout", HOLDOUT_FLOOR), ("tune", TUNE_FLOOR)])
def test_exact_match_rate_does_not_fall(split: str, floor: float, capsys: pytest.CaptureFixture[str]) -> None:
    result = score(load_labelled(REAL, split))
    with capsys.disabled():
        print(f"\npay_strings_real.jsonl [{split}] exact-match rate: {result.rate:.1%} "
              f"({result.matched}/{result.total})")
    # Only the rate is shown for the holdout: its misses are not for reading while tuning.
    assert result.rate >= floor


def test_first_three_rounds_holdout_does_not_fall(capsys: pytest.CaptureFixture[str]) -> None:
    rounds = by_round(load_labelled(REAL, "holdout"))
    matched = rounds["first and second"].matched + rounds["third"].matched
    total = rounds["first and second"].total + rounds["third"].total
    with capsys.disabled():
        print(f"\npay_strings_real.jsonl [holdout, rounds 1-3] exact-match rate: {matched / total:.1%} ({matched}/{total})")
    assert total == 369 and matched / total >= FIRST_THREE_ROUNDS_HOLDOUT_FLOOR


# The labelling convention for a salary that states no period (README.md, "Pay parsing accuracy"):
# a label says "year" only when the text states a yearly period. A year word that is a duration ("3 to
# 5 years of experience", "(0-2 years)") does not count.
_YEARLY = re.compile(r"""(?ix)
   \b(?:years?|yrs?|yearly|annual(?:ly)?|annum|p\.?\s?a\.?|per\s+year|a\s+year|/\s*y(?:ea)?r?)\b
 | \d\s?[kK]\b | \b(?:lakhs?|lacs?|lpa|crores?|ctc)\b | लाख | करोड़
 | \b(?:año|anual(?:es)?|anuais|ano|anos|an|ans|annuel\w*|jahr\w*|jährlich\w*|anno|annu[oa]\w*|jaar\w*|rok\w*
     |roczn\w*|godišnj\w*|yıllık|yılda|ildə|год\w*|годишн\w*|tahun\w*|setahun|mwaka|vuo\w*|år\w*|évi|éves|ročn\w*)\b
 | 年 | 연봉 | वर्ष | साल | سنوي\w* | سنة | سال
""")
_DURATION = re.compile(r"\d\s*(?:-|to|a|bis)?\s*\d*\+?\s*$")
_DURATION_WORD = re.compile(r"(?i)(?:years?|yrs?|años|anos|ans|jahre|anni|jaar|lat|let)\b")


def states_a_yearly_period(text: str) -> bool:
    for match in _YEARLY.finditer(text):
        if _DURATION.search(text[max(0, match.start() - 12) : match.start()]) and _DURATION_WORD.match(match.group(0)):
            continue
        return True
    return False


def test_a_label_says_yearly_only_when_the_text_does() -> None:
    # A count, not the strings: a failure must not print holdout strings.
    unstated = sum(
        1 for row in load_labelled(REAL)
        if row["expected"] is not None and row["expected"]["unit"] == "year" and not states_a_yearly_period(row["text"])
    )
    assert unstated == 0
    assert states_a_yearly_period("Rs 347,500 CTC") and not states_a_yearly_period("With 3 to 5 years of experience: $90,000")


def test_rates_by_round_are_reported(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(REAL), "--split", "tune", "--by-round"]) == 0
    out = capsys.readouterr().out
    assert "  first and second rounds: " in out and "  sixth round: " in out


def test_score_counts_every_field() -> None:
    rows = [
        {"text": "$20 per hour", "expected": {"min": 20, "max": 20, "currency": None, "unit": "hour"}},
        {"text": "$20 per hour", "expected": {"min": 20, "max": 20, "currency": "USD", "unit": "hour"}},
        {"text": "$20 per hour", "expected": {"min": 20, "max": 20, "currency": None, "unit": "task"}},
        {"text": "$20 per hour", "expected": None},
        {"text": "Competitive", "expected": None},
    ]
    result = score(rows)
    assert (result.matched, result.total) == (2, 5)
    assert result.rate == pytest.approx(0.4)
    assert [miss.expected for miss in result.misses][2] is None
    assert is_exact(Pay(4.166667, 4.166667, None, "minute"), {"min": 250 / 60, "max": 250 / 60,
                                                               "currency": None, "unit": "minute"})
    assert EvalResult(0, 0).rate == 0.0


def test_bad_labelled_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "$5/hr", "expected": null}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        load_labelled(bad)
    assert main([str(bad)]) == 2
    assert "bad.jsonl:2" in capsys.readouterr().err
    with pytest.raises(ValueError, match="split"):
        load_labelled(REAL, "train")


def test_cli_prints_the_rate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(REAL), "--split", "tune"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("pay_strings_real.jsonl [tune]: ") and "% exact (" in out


# --- The classes of issue 15, on its own examples ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # several amounts: a rate then its conversion; "or" as a range; from ... to across a sentence
        ("£9.00 / $12.00 per hour", Pay(9, 9, "GBP", "hour")),
        ("Sama pays them about Sh250 ($2.20) per hour", Pay(250, 250, "KES", "hour", approximate=True)),
        ("$14 or $14.50 an hour", Pay(14, 14.5, None, "hour")),
        ("roles ranging from $15/hr entry-level annotators to $1,000/hr domain experts", Pay(15, 1000, None, "hour")),
        ("pay rose from $12 an hour to $15 an hour", Pay(15, 15, None, "hour")),
        # bounds in words
        ("pay tops out at $25 an hour", Pay(None, 25, None, "hour", up_to=True)),
        ("between a couple of dollars and about $40", Pay(None, 40, None, "unknown", approximate=True, up_to=True)),
        ("less than a dollar an hour", Pay(None, 1, None, "hour", up_to=True)),
        ("$0.75–$5.00+ per minute of audio", Pay(0.75, 5, None, "minute", approximate=True)),
        # number and currency forms
        ("₹6,55,958", Pay(655_958, 655_958, "INR", "unknown")),
        ("6 - 9 Lakhs", Pay(600_000, 900_000, "INR", "year")),  # bare lakhs are rupees (docs/pay-strings.md)
        ("15 Lacs P.A.", Pay(1_500_000, 1_500_000, "INR", "year")),
        ("₹2M - ₹4M INR", Pay(2_000_000, 4_000_000, "INR", "unknown")),
        ("He made about 60,000 Kenyan shillings ($483) a month.", Pay(60_000, 60_000, "KES", "month", approximate=True)),
        ("US$:12.99", Pay(12.99, 12.99, "USD", "unknown")),
        ("$.75 per task", Pay(0.75, 0.75, None, "task")),
        ("£28,142- £31,022", Pay(28_142, 31_022, "GBP", "unknown")),
        ("£15.20per hour", Pay(15.2, 15.2, "GBP", "hour")),
        ("от 25 000 до 50 000 рублей в месяц", Pay(25_000, 50_000, "RUB", "month")),
        ("933 лева месечно", Pay(933, 933, "BGN", "month")),
        ("10 dólares por hora", Pay(10, 10, None, "hour")),
    ],
)
def test_issue_15_classes(text: str, expected: Pay) -> None:
    assert parse_pay(text) == expected


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("$60/audio hour", "minute", 1.0),
        ("$0.08 per approved second of audio", "minute", 4.8),
        ("$250 per finished hour", "minute", 250 / 60),
        ("$135 PFH", "minute", 2.25),
        ("$0.82 per approved label", "item", 0.82),
        ("$0.50 per image tag", "item", 0.5),
        ("$2 per question", "task", 2.0),
    ],
)
def test_pay_per_unit_of_output_is_never_time(text: str, unit: str, value: float) -> None:
    pay = parse_pay(text)
    assert pay is not None and pay.unit == unit and pay.min == pytest.approx(value, rel=1e-4)
    assert pay.unit_kind == "output" and pay.unit not in TIME_UNITS


@pytest.mark.parametrize(
    "text",
    ["Pro now has two tiers — $100 per month", "ChatGPT Plus is a subscription plan for $20/month.",
     "The minimum fare for this service is just $1.45.",
     "The data labelling market will grow from USD 1.5 billion in 2019 to USD 3.5 billion in 2024.",
     "Mercor pays about $2M daily to ~30K experts", "Hours *36 hrs per week."],
)
def test_prices_market_sizes_and_totals_are_not_pay(text: str) -> None:
    assert parse_pay(text) is None


@pytest.mark.parametrize(
    "text", ["$500 referral bonus", "Earn a $100 sign-on bonus", "Sign-up bonus of up to $325",
             "A $500 Sign-On Bonus To Deliver Pizzas?"],
)
def test_bonuses_are_pay_but_a_lump_sum(text: str) -> None:
    pay = parse_pay(text)
    assert pay is not None and pay.unit == "once" and pay.unit_kind == "lump"
    assert pay.currency is None, "a one-letter 'A' before '$' is an article, not Australian dollars"


def test_a_rate_beats_a_bonus_in_one_string() -> None:
    assert parse_pay("a $1,000 hiring bonus for hourly workers who make between $16.50 and $25 an hour") == Pay(
        16.5, 25, None, "hour")


def test_unit_kinds_cover_every_unit() -> None:
    kinds = {unit: unit_kind(unit) for unit in PAY_UNITS}
    assert {u for u, k in kinds.items() if k == "time"} == TIME_UNITS
    assert {u for u, k in kinds.items() if k == "output"} == OUTPUT_UNITS
    assert kinds["once"] == "lump" and kinds["unknown"] == "unknown"


def test_holdout_file_lines_are_json() -> None:
    for line in REAL.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        assert set(row) >= {"text", "expected", "split", "source", "note"}
