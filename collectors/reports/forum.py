"""Classify worker-forum posts: is this about late or missing pay, a pay cut, an empty queue?

Forum posts are *signals*, counted apart from payment reports: nobody validated them, one worker
may post twice, and a title is not a claim about dates. `classify()` reads a post's title and body
and returns what it signals, which platform it is about (from the subreddit, or the text for
general forums), and any amount or number of days it states, or None when the post is about
none of these (most posts: questions, memes, tips).

The patterns are deliberately plain (word lists a reader can check) and tested on real-shaped
posts; they find the common phrasings in r/outlier_ai, r/DataAnnotationTech and friends ("still
haven't been paid", "EQ for a week", "rate dropped from $40 to $25").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Signal = Literal["late_payment", "missing_payment", "pay_cut", "empty_queue"]
SIGNALS: tuple[Signal, ...] = ("late_payment", "missing_payment", "pay_cut", "empty_queue")

# Subreddit (lower case) -> platform slug. General forums map to None: the text must name one.
SUBREDDIT_PLATFORMS: dict[str, str | None] = {
    "outlier_ai": "outlier",
    "dataannotationtech": "dataannotation",
    "mercor_ai": "mercor",
    "alignerr": "alignerr",
    "remotetasks": "remotasks",
    "telusinternational": "telus",
    "prolificac": "prolific",
    "workonline": None,
    "beermoney": None,
}

_PLATFORM_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (slug, re.compile(pattern, re.IGNORECASE))
    for slug, pattern in (
        ("outlier", r"\boutlier(?:\.ai| ai)?\b"),
        ("remotasks", r"\bremotasks?\b"),
        ("dataannotation", r"\bdata ?annotation(?:\.tech| tech)?\b"),
        ("mercor", r"\bmercor\b"),
        ("handshake_ai", r"\bhandshake(?: ai)?\b|\bMOVE program\b"),
        ("alignerr", r"\balignerr\b"),
        ("appen", r"\bappen\b|\bcrowd ?gen\b"),
        ("prolific", r"\bprolific\b"),
        ("mturk", r"\bm-?turk\b|\bmechanical turk\b"),
        ("toloka", r"\btoloka\b|\bmindrift\b"),
        ("turing", r"\bturing\.com\b|\bturing (?:project|ai|job|contract)s?\b"),
        ("invisible", r"\binvisible tech(?:nologies)?\b"),
        ("surge", r"\bsurge ?(?:ai|hq)\b"),
        ("telus", r"\btelus\b"),
        ("oneforma", r"\boneforma\b"),
        ("clickworker", r"\bclickworker\b"),
        ("micro1", r"\bmicro1\b"),
    )
)

_SIGNAL_PATTERNS: dict[Signal, re.Pattern[str]] = {
    "late_payment": re.compile(
        r"\b(?:late|delayed|overdue|slow)\s+(?:pay(?:ment|out)?s?|deposits?|invoices?)\b"
        r"|\bpay(?:ment|out)?s?\s+(?:is|are|was|were|been|being|still)?\s*(?:late|delayed|overdue|pending|held|on hold|stuck)\b"
        r"|\b(?:still|yet to be|not yet|haven'?t|have not|hasn'?t|has not)\s+(?:been\s+)?paid\b"
        r"|\b(?:still|yet to|not yet|haven'?t|have not|hasn'?t|has not)\s+(?:\w+\s+)?(?:received|gotten|got)\s+"
        r"(?:my\s+|the\s+|any\s+|our\s+|last\s+week'?s\s+)?(?:pay(?:ment|out)?|money|deposit|earnings|invoice)"
        r"|\bwaiting\s+(?:for|on)\s+(?:my\s+|the\s+|our\s+)?(?:pay(?:ment|out)?|money|invoice|deposit|earnings)\b"
        r"|\b(?:payment|payout)\s+(?:delay|hold)s?\b|\bwhen\s+(?:will|do)\s+(?:we|i)\s+(?:get\s+)?paid\b"
        r"|\bno\s+pay(?:ment)?\s+(?:yet|this week|since)\b|\bpay ?day\s+(?:came|passed)\b",
        re.IGNORECASE,
    ),
    "missing_payment": re.compile(
        r"\b(?:never|didn'?t|did not|not)\s+(?:get\s+|got\s+|been\s+|being\s+)?paid\b"
        r"|\b(?:missing|lost|unpaid|withheld|stolen|disappeared)\s+(?:pay(?:ment|out)?s?|earnings|money|wages|invoices?|hours|bonus(?:es)?)\b"
        r"|\bpay(?:ment|out)?s?\s+(?:is|was|are|were)?\s*(?:missing|never came|withheld|reversed|clawed back)\b"
        r"|\b(?:owe[sd]?|owing)\s+(?:me|us)\b|\bwhere(?:'s| is)\s+my\s+(?:money|pay(?:ment)?)\b"
        r"|\b(?:scam(?:med)?|wage theft|stole my|not paying)\b|\bhours?\s+(?:removed|deleted|not (?:counted|recorded|approved))\b",
        re.IGNORECASE,
    ),
    "pay_cut": re.compile(
        r"\b(?:pay|rate|wage)s?\s+(?:cut|reduction|decrease|drop)s?\b"
        r"|\b(?:cut|cuts|cutting|lowered|lowering|reduced|reducing|slashed|dropped)\s+(?:the\s+|our\s+|my\s+)?(?:pay|rates?|wages?|hourly)\b"
        r"|\b(?:pay|rate|hourly)s?\s+(?:went|got|has|have|was|were)?\s*(?:been\s+)?(?:cut|lowered|reduced|slashed|dropped|down)\b"
        r"|\bfrom\s+\$\s?\d+(?:\.\d+)?(?:/h(?:r|our)?)?\s+(?:to|down to)\s+\$\s?\d+",
        re.IGNORECASE,
    ),
    "empty_queue": re.compile(
        r"\b(?:empty|dry)\s+(?:queue|dashboard|task ?list)\b|\bqueue\s+(?:is\s+|was\s+|has been\s+)?(?:empty|dry|dead)\b"
        r"|(?-i:\bEQ\b)|\bno\s+(?:tasks?|work|projects?|jobs?)\s+(?:available|left|for (?:days|weeks)|since|in weeks|lately|anymore)\b"
        r"|\bdry\s+spell\b|\b(?:out of|ran out of|running out of)\s+(?:tasks|work)\b|\bnothing\s+to\s+work\s+on\b"
        r"|\bno\s+(?:tasks|projects)\b"
        r"|\b(?:haven'?t|have not|hasn'?t|has not|not|no one has)\s+(?:received|gotten|got|had|seen)\s+(?:any\s+|a\s+single\s+)?(?:new\s+)?(?:tasks?|work|projects?)\b",
        re.IGNORECASE,
    ),
}

_CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "₱": "PHP", "₹": "INR", "₦": "NGN"}
_AMOUNT = re.compile(
    r"(?P<sym>US\$|\$|€|£|₱|₹|₦)\s?(?P<n1>\d{1,3}(?:,\d{3})+|\d+)(?P<d1>\.\d{1,2})?(?P<k1>k\b)?"
    r"|\b(?P<c2>USD|EUR|GBP|KES|KSH|PHP|INR|NGN|CAD|AUD)\s?(?P<n2>\d{1,3}(?:,\d{3})+|\d+)(?P<d2>\.\d{1,2})?"
    r"|\b(?P<n3>\d{1,3}(?:,\d{3})+|\d+)(?P<d3>\.\d{1,2})?\s?(?P<c3>USD|EUR|GBP|KES|KSH|PHP|INR|NGN|CAD|AUD|dollars|bucks)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple of": 2, "few": 3,
}
_UNIT_DAYS = {"day": 1, "week": 7, "wk": 7, "month": 30, "mo": 30}
_DURATION = re.compile(
    r"\b(?:(?P<prep>for|over|than|about|almost|nearly|past|last|in)\s+)?"
    r"(?P<n>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|couple of|few|an?)\s+"
    r"(?P<u>days?|weeks?|wks?|months?|mos?)\b(?!\s+(?:ago|from now))",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ForumSignal:
    signals: tuple[Signal, ...]
    platform_id: str | None
    amount: float | None
    currency: str | None
    days_stated: int | None


def detect_platform(text: str, subreddit: str | None = None) -> str | None:
    """The platform a post is about: its subreddit's, else the first platform the text names."""
    if subreddit and SUBREDDIT_PLATFORMS.get(subreddit.casefold()):
        return SUBREDDIT_PLATFORMS[subreddit.casefold()]
    found = [(m.start(), slug) for slug, pattern in _PLATFORM_PATTERNS if (m := pattern.search(text))]
    return min(found)[1] if found else None


def stated_amount(text: str) -> tuple[float, str | None] | None:
    """The largest amount of money the text states, with its currency when it says one."""
    best: tuple[float, str | None] | None = None
    for m in _AMOUNT.finditer(text):
        digits = m.group("n1") or m.group("n2") or m.group("n3")
        decimals = m.group("d1") or m.group("d2") or m.group("d3") or ""
        value = float(digits.replace(",", "") + decimals)
        if m.group("k1"):
            value *= 1000
        code = m.group("sym") or m.group("c2") or m.group("c3") or ""
        currency = _CURRENCY_SYMBOLS.get(code.upper(), code.upper())
        currency = {"KSH": "KES", "DOLLARS": "USD", "BUCKS": "USD"}.get(currency, currency)
        if best is None or value > best[0]:
            best = (value, currency or None)
    return best


def stated_days(text: str) -> int | None:
    """The longest waiting time the text states, in days ("3 weeks" -> 21)."""
    longest: int | None = None
    for m in _DURATION.finditer(text):
        word = m.group("n").casefold()
        if word in ("a", "an") and not m.group("prep"):
            continue  # "$20 a day" is a rate, "for a week" is a wait
        count = int(word) if word.isdigit() else _NUMBER_WORDS.get(word, 1)
        unit = m.group("u").casefold().rstrip("s")
        days = count * _UNIT_DAYS.get(unit, 1)
        if days <= 3650 and (longest is None or days > longest):
            longest = days
    return longest


def classify(title: str, body: str = "", *, subreddit: str | None = None,
             flair: str | None = None) -> ForumSignal | None:
    """What a post signals, or None when it is about none of the four signals (or, on a general
    forum, about none of the platforms gigwatch watches)."""
    text = f"{title}\n{body}"
    signals = tuple(s for s in SIGNALS if _SIGNAL_PATTERNS[s].search(text))
    if not signals:
        return None
    platform = detect_platform(text, subreddit)
    if platform is None and subreddit and subreddit.casefold() not in {
        k for k, v in SUBREDDIT_PLATFORMS.items() if v
    }:
        return None
    amount = stated_amount(text)
    return ForumSignal(
        signals=signals,
        platform_id=platform,
        amount=amount[0] if amount else None,
        currency=amount[1] if amount else None,
        days_stated=stated_days(text),
    )
