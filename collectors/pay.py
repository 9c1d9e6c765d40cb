"""Pay normalisation: advertised pay (free text or a platform's fields) to a `Pay`, and a `Pay` to
hourly USD with its assumptions stated.

Per-task, per-item and per-minute-of-media pay stays in its own unit unless the time per unit is
known. How free text is read (currencies, units, numbers, ranges, which amount wins) is set out in
docs/pay-strings.md, each rule tested in `tests/data/pay_strings.jsonl`.
"""

from __future__ import annotations

import html
import logging
import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from collectors import fx

log = logging.getLogger(__name__)

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
    # The currency sign as written ("$", "£", "Rs", "KSh"...), None for structured fields. Kept out
    # of equality: it only lets `to_hourly_usd` read a bare "$" as USD, and says so.
    currency_symbol: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class HourlyUSD:
    """Hourly USD equivalents of a time-based `Pay`, with the assumptions used to get them."""

    min: float | None
    max: float | None
    assumptions: tuple[str, ...]


# Working-time assumptions for turning day/week/month/year pay into hourly pay.
DEFAULT_HOURS_PER_WEEK = 40.0
HOURS_PER_DAY = 8.0
WEEKS_PER_YEAR = 52.0
# Amounts this large (in any currency) are never a pay rate.
_MAX_AMOUNT = 1e9

# --- Currency lexicon -------------------------------------------------------------------------------

def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ISO_CODES: frozenset[str] = frozenset(_words(
    "USD EUR GBP CAD AUD NZD CHF JPY CNY HKD SGD TWD INR PKR BDT LKR NPR PHP IDR MYR THB VND KRW "
    "KES NGN GHS ZAR EGP MAD UGX TZS ETB RWF XOF BRL MXN ARS CLP COP PEN UYU PLN CZK HUF RON BGN "
    "SEK NOK DKK ISK TRY ILS AED SAR QAR UAH RUB"
))
# Currencies written with "$": a code next to a "$" is read only when it is one of these, so that
# "PHP $50/hr" (the programming language) stays dollars.
_DOLLAR_CODES = frozenset(_words("USD CAD AUD NZD SGD HKD MXN TWD ARS CLP COP UYU BRL"))
# Currencies whose amounts are written with a decimal comma: "1.500 €" is one thousand five hundred.
_DECIMAL_COMMA_CURRENCIES = frozenset(
    _words("EUR BRL IDR TRY DKK NOK SEK PLN CZK HUF RON BGN ARS CLP COP VND ISK")
)

_DOLLAR_PREFIXES: dict[str, str] = {
    "US": "USD", "U.S.": "USD", "USD": "USD", "CA": "CAD", "CAN": "CAD", "CAD": "CAD", "C": "CAD",
    "AU": "AUD", "AUD": "AUD", "A": "AUD", "NZ": "NZD", "NZD": "NZD", "S": "SGD", "SG": "SGD",
    "SGD": "SGD", "HK": "HKD", "HKD": "HKD", "MX": "MXN", "MXN": "MXN", "NT": "TWD", "R": "BRL",
}
_SYMBOLS: dict[str, str | None] = {
    "$": None, "£": "GBP", "€": "EUR", "₹": "INR", "₱": "PHP", "₦": "NGN", "¥": "JPY", "￥": "JPY",
    "₩": "KRW", "₺": "TRY", "₪": "ILS", "฿": "THB", "₫": "VND", "₴": "UAH", "₽": "RUB", "¢": None,
    "円": "JPY", "元": "CNY",
}
# Letter prefixes and suffixes, matched case-sensitively (lower-cased key for the lookup).
_LETTER_MARKS: dict[str, str | None] = {
    "rs": "INR", "rs.": "INR", "inr": "INR", "ksh": "KES", "ksh.": "KES", "kshs": "KES", "kshs.": "KES",
    "php": "PHP", "rp": "IDR", "rm": "MYR", "chf": "CHF", "fr.": "CHF", "zł": "PLN", "zl": "PLN",
    "kr": None, "kr.": None, "kč": "CZK", "ft": "HUF", "lei": "RON", "tl": "TRY", "r": "ZAR",
    "n": "NGN", "/=": None,
}
_WORD_CURRENCIES: dict[str, tuple[str | None, str]] = {
    # Keys without dots or spaces: "U.S. dollars" → "usdollar".
    "usdollar": ("USD", "$"), "canadiandollar": ("CAD", "$"),
    "australiandollar": ("AUD", "$"), "dollar": (None, "$"), "buck": (None, "$"),
    "euro": ("EUR", "€"), "pound": ("GBP", "£"), "quid": ("GBP", "£"), "rupee": ("INR", "Rs"),
    "peso": (None, "pesos"), "naira": ("NGN", "₦"), "shilling": (None, "shillings"),
    "reais": ("BRL", "R$"), "real": ("BRL", "R$"), "yen": ("JPY", "¥"), "rand": ("ZAR", "R"),
    "zloty": ("PLN", "zł"), "złotych": ("PLN", "zł"), "cent": (None, "¢"),
}

_PRE_CURRENCY = re.compile(
    r"""(?:
        (?<![A-Za-z])(?P<dpre>U\.S\.|US|USD|CAN|CAD|CA|C|AUD|AU|A|NZD|NZ|SGD|SG|S|HKD|HK|MXN|MX|NT|R)\s?\$
      | (?P<dollar>\$)
      | (?P<sym>[£€₹₱₦¥￥₩₺₪฿₫₴₽])
      | (?<![A-Za-z])(?P<letters>Rs\.?|RS\.?|Kshs?\.?|KSh|KSH|Php|Rp|RM|Fr\.|R|N)
      | (?<![A-Za-z])(?P<code>[A-Z]{3})
    )\s?$""",
    re.X,
)
_POST_CURRENCY = re.compile(
    r"""(?:[.,]-+)?\s?(?:
        (?P<code>[A-Z]{3})(?![A-Za-z])
      | (?P<dollar>\$)
      | (?P<sym>[£€₹₱₦¥￥₩₺₪฿₫₴₽¢円元])
      | (?P<letters>zł|zl(?![a-z])|kr\.?(?![a-z])|Kč|Ft(?![a-z])|lei(?![a-z])|TL(?![a-z])|/=|Rs\.?(?![a-z]))
      | (?i:(?P<word>u\.?s\.?\ dollars?|canadian\ dollars?|australian\ dollars?|dollars?|bucks|euros?
            |pounds?|quid|rupees?|pesos?|naira|shillings?|reais|yen|rand|zloty|złotych|cents?)(?![a-z]))
    )""",
    re.X,
)
_GLOBAL_DOLLAR_CODE = re.compile(r"(?<![A-Za-z])(USD|CAD|AUD|NZD|SGD|HKD|MXN)(?![A-Za-z])")
_GLOBAL_US_DOLLARS = re.compile(r"\bU\.?S\.? dollars?\b", re.I)

# --- Numbers -----------------------------------------------------------------------------------------

_NUMBER = re.compile(
    r"""(?<![\d,])(?<!\d\.)
    (?P<num>
        \d{1,2},\d{2},\d{3}(?:,\d{3})*(?:\.\d+)?          # Indian grouping: 1,00,000
      | \d{1,3}(?:(?:,|\.|'|\ )\d{3})+(?:[.,]\d+)?        # grouped thousands, optional decimals
      | \d+(?:[.,]\d+)?
    )
    (?P<suffix>
        \s?(?:k|K)(?!\w)
      | \s?(?i:lakhs?|lacs?|lpa|crores?)(?!\w)
      | \s?(?:cr|L)(?!\w)
      | \s?(?i:m|mm|mn|mil|million|millions|billion|billions|bn|b)(?!\w)
      | 万
    )?
    (?P<plus>\+(?![\d.,]))?  # "$20+" ("$20 + bonus" is not "$20 or more")
    """,
    re.X,
)
_SUFFIX_FACTORS = {"k": 1e3, "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "lacs": 1e5, "lpa": 1e5,
                   "l": 1e5, "crore": 1e7, "crores": 1e7, "cr": 1e7, "万": 1e4}
_HUGE_SUFFIXES = frozenset({"m", "mm", "mn", "mil", "million", "millions", "billion", "billions", "bn", "b"})

# --- Units -------------------------------------------------------------------------------------------

_ADJECTIVES = (
    r"(?:\d+\s*-?\s*(?:minutes?|mins?|seconds?|secs?|hours?|hrs?)\s+)?"  # "per 10-minute study"
    r"(?:(?:approved|accepted|completed|correct(?:ly)?|valid|successful|submitted|finished|reviewed"
    r"|qualifying|qualified|eligible|billable|processed|annotated|labell?ed|transcribed|recorded"
    r"|individual|single)\s+){0,2}"
)
_NOUNS: dict[str, tuple[str, ...]] = {
    "hour": ("hours", "hour", "hrs", "hr", "h", "horas", "hora", "heures", "heure", "stunde", "std",
             "godzinę", "godzina", "godz", "uur", "óra", "ora", "timme", "timmen", "saat", "jam",
             "小时", "時間"),
    "day": ("days", "day", "d", "dias", "día", "dia", "jour", "tag", "dzień", "diem", "日"),
    "week": ("weeks", "week", "wks", "wk", "w", "semanas", "semana", "semaine", "woche", "tydzień", "週", "周"),
    "month": ("months", "month", "mths", "mth", "mos", "mo", "mon", "m", "meses", "mes", "mês", "mois",
              "monat", "miesiąc", "月"),
    "year": ("years", "year", "yrs", "yr", "y", "annum", "año", "ano", "an", "jahr", "rok", "年"),
    "task": ("tasks", "task", "hits", "hit", "studies", "study", "surveys", "survey", "questions",
             "question", "prompts", "prompt", "conversations", "conversation", "responses", "response",
             "submissions", "submission", "assignments", "assignment", "sessions", "session",
             "projects", "project", "reviews", "review", "evaluations", "evaluation", "comparisons",
             "comparison", "turns", "turn", "dialogues", "dialogue", "units", "unit", "tareas", "tarea",
             "tâche", "aufgabe", "trajectories", "trajectory", "rubrics", "rubric", "jobs", "job"),
    "item": ("items", "item", "labels", "label", "images", "image", "annotations", "annotation", "words",
             "word", "pages", "page", "records", "record", "videos", "video", "clips", "clip", "files",
             "file", "boxes", "box", "sentences", "sentence", "rows", "row", "utterances", "utterance",
             "recordings", "recording", "transcripts", "transcript", "documents", "document", "photos",
             "photo", "samples", "sample", "segments", "segment", "entries", "entry", "bounding boxes",
             "bounding box", "polygons", "polygon", "frames", "frame"),
}
_NOUN_UNIT = {noun: unit for unit, nouns in _NOUNS.items() for noun in nouns}
# Abbreviations that only count after "/" ("$20/h", "£2,000/m").
_SLASH_ONLY = frozenset({"h", "d", "w", "m", "y", "mo", "mon", "an", "ano", "ora", "日", "月", "年"})
_MEDIA = {"second": 60.0, "seconds": 60.0, "sec": 60.0, "secs": 60.0, "minute": 1.0, "minutes": 1.0,
          "min": 1.0, "mins": 1.0, "hour": 1 / 60, "hours": 1 / 60, "hr": 1 / 60, "hrs": 1 / 60}
_ADJECTIVE_UNITS = {
    "hourly": "hour", "ph": "hour", "p/h": "hour", "p.h.": "hour", "daily": "day", "weekly": "week",
    "pw": "week", "p/w": "week", "monthly": "month", "pcm": "month", "p.m.": "month", "pm": "month",
    "mensal": "month", "mensais": "month", "mensual": "month", "mensuales": "month",
    "monatlich": "month", "mensuel": "month", "anuales": "year",
    "miesięcznie": "month", "yearly": "year", "annually": "year", "annual": "year", "pa": "year",
    "p.a.": "year", "anual": "year", "jährlich": "year", "annuel": "year", "brutto/jahr": "year",
    "lpa": "year",
}

_nouns_alt = "|".join(sorted((re.escape(n) for n in _NOUN_UNIT), key=len, reverse=True))
_media_alt = "|".join(sorted(_MEDIA, key=len, reverse=True))
_adj_alt = "|".join(sorted((re.escape(a) for a in _ADJECTIVE_UNITS), key=len, reverse=True))
_FILLER = (
    r"(?:(?:base|basic|flat|fixed|gross|net|brutto|netto|brut|bruto|before\s+tax|pre-?tax|all-?in"
    r"|avg|average|[A-Z]{3}|/=|[.,]-+)\s*){0,2}"
)
_CONNECTOR = (
    r"(?:/|\bper\b|\ba\b|\ban\b|\beach\b|\bevery\b|\bpro\b|\bpar\b|\bpor\b|\bla\b|\bal\b|\bdie\b|\bthe\b"
    r"|\bim\b|\bna\b|\bza\b|\bde\s+l'|\bde\s+la\b|\bpor\s+cada\b|\bau\b|毎|每)"
)
_UNIT_AFTER = re.compile(
    rf"""[\s:(),]*{_FILLER}
    (?:
        (?P<conn>{_CONNECTOR})\s*{_ADJECTIVES}
        (?:
            (?P<media>(?:audio|video|media|recorded|transcribed|speech)\s+(?:{_media_alt}))(?![a-z])
          | (?:(?:of\s+)?(?:audio|video)\s+)?(?P<mnoun>{_media_alt})(?=\s+of\s+(?:audio|video|speech|media))
          | (?P<noun>{_nouns_alt})(?![a-zà-ÿ])\.?
          | (?P<minute>minutes|minute|mins|min|seconds|second|secs|sec)(?![a-z])
        )
      | (?P<adj>{_adj_alt})(?![a-zà-ÿ])
      | (?P<hr>hrs|hr)(?![a-z])
    )""",
    re.X | re.I,
)
_UNIT_BEFORE = re.compile(
    r"""(?P<word>hourly|per\s+hour|an\s+hour|daily|per\s+day|day|weekly|per\s+week|monthly|per\s+month
        |yearly|annual|annually|per\s+annum|per\s+year|salary\s+per\s+annum|stundenlohn|taux\s+horaire
        |tarifa\s+por\s+hora|valor\s+hora|per\s+task|per\s+item
        |時給|日給|週給|月給|年収|年俸|时薪|月薪|年薪|每小时)
        (?:\s+(?:rate|pay|wage|range|compensation|salary|earnings|band|stipend|income))*
        [\s():\-=]*(?:(?:is|of|from|between|at|ranges?|:)\s*)*$""",
    re.X | re.I,
)
_BEFORE_UNIT_WORDS = {
    "hourly": "hour", "per hour": "hour", "an hour": "hour", "daily": "day", "per day": "day",
    "day": "day", "weekly": "week", "per week": "week", "monthly": "month", "per month": "month",
    "yearly": "year", "annual": "year", "annually": "year", "per annum": "year", "per year": "year",
    "salary per annum": "year", "stundenlohn": "hour", "taux horaire": "hour", "tarifa por hora": "hour",
    "valor hora": "hour", "per task": "task", "per item": "item", "時給": "hour", "日給": "day",
    "週給": "week", "月給": "month", "年収": "year", "年俸": "year", "时薪": "hour", "月薪": "month",
    "年薪": "year", "每小时": "hour",
}
# Anywhere in the text (last resort): explicit "per hour"-style phrases only, not "weekly", which is
# as often a payment schedule ("paid weekly") as a rate.
_UNIT_ANYWHERE = re.compile(
    r"""(?:\bper\s+|/\s*|\ban?\s+)(?P<noun>hour|hr|h|day|week|wk|month|mo|year|yr|annum|task|item|label)(?![a-z])
      | (?P<adj>hourly|per\s+annum|annually|annual\s+salary|yearly)(?![a-z])""",
    re.X | re.I,
)
_DURATION_BEFORE = re.compile(r"\d\s*(?:-\s*\d+\s*)?(?:hours?|hrs?|h)\s*$", re.I)

# --- Flags and traps ---------------------------------------------------------------------------------

_FLAG_BEFORE = re.compile(
    r"""(?:
        (?P<up_to>up\s*-?\s*to|upto|as\s+much\s+as|no\s+more\s+than|not\s+more\s+than|less\s+than|under
            |below|max(?:imum)?\.?|bis\s+zu|jusqu['’]?\s*à|hasta|até|up\s+till)
      | (?P<at_least>from|starting(?:\s+(?:at|from))?|starts?\s+at|at\s+least|min(?:imum)?\.?(?:\s+of)?
            |no\s+less\s+than|not\s+less\s+than|more\s+than|over|above|upwards\s+of|ab|à\s+partir\s+de
            |a\s+partir\s+de|desde|dès)
      | (?P<approx>~|≈|∼|about|around|approx(?:\.|imately)?|roughly|circa|ca\.|c\.|est(?:imated|\.)?
            |nearly|almost|close\s+to|ungefähr|environ|aprox(?:\.|imadamente)?|cerca\s+de)
      | (?P<between>between|entre|zwischen)
    )[\s:]*$""",
    re.X | re.I,
)
_FLAG_AFTER = re.compile(
    r"""(?P<plus>\+)(?![\d.,])  # "$20/h+" (a spaced " + " adds something else: "+ bonuses")
    | [\s/]*(?:
        (?P<at_least>or\s+more|and\s+up|and\s+above|or\s+higher|or\s+above|[～〜](?!\s*\d))
      | (?P<up_to>max(?:imum)?(?![a-z])|at\s+most|or\s+less|tops)
    )""",
    re.X | re.I,
)
_RANGE_GAP = re.compile(
    r"^\s*\(?\s*(?:-{1,2}|to|up\s+to|bis|à|a|até|hasta|~|～|〜|and|&|y|e|und|et)\s*$", re.I,
)
_TRAP_BEFORE = re.compile(
    r"""(?:\bprice[ds]?|\bpriced\s+at|\bpricing|\bcosts?|\bfees?|\bsubscription|\braised|\braising
        |\braises|\bvaluation|\bvalued\s+at|\brevenue|\bseries\s+[a-f]|\bfunding|\bprize\s+pool
        |\bprizes?(?:\s+of)?|\btuition|\bworth|\bsold\s+for|\bbuy|\bsave|\bdeposit|\brefund|\bdiscount
        |\bgpa|\bgrade|\bpoint|\bbonus\s+of|\breferral\s+bonus\s+of|\bcredit\s+of|\bgift\s+card
        |\bwin|\bbudget)\W{0,3}$""",
    re.X | re.I,
)
_TRAP_AFTER = re.compile(
    r"""^[^.;!?]{0,24}?(?:\bsubscription|\bmembership|\bprizes?|\braised|\bfunding|\bround\b
        |\bvaluation|\brevenue|\barr\b|\breferral|\bsign[- ]?on|\bsigning|\boff\b|\bdiscount
        |\bdeposit|\btuition|\bfee|\bfees\b|\bprice|\bgift\s+card|\bvoucher|\bcredits?\b|\bgrant
        |\bin\s+sales|\bvalue\b|\bplan\b|\bper\s+seat)""",
    re.X | re.I,
)
_REFERRAL_NEAR = re.compile(r"\b(?:refer(?:ral|\s+a\s+friend)|invite\s+a\s+friend)\b[^.]{0,40}$", re.I)
_PERCENT_STARTS = frozenset("%pxsnrt")
_PERCENT_AFTER = re.compile(r"\s?(?:%|percent\b|x\b|st\b|nd\b|rd\b|th\b)", re.I)

# --- Text clean-up -----------------------------------------------------------------------------------

_TAGS = re.compile(r"<[^<>]{0,400}>")
_SPACES = re.compile(r"\s+")
_HAS_DIGIT = re.compile(r"\d")
_TRANSLATE = str.maketrans(
    {
        "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u2002": " ", "\u2003": " ",
        "\u3000": " ", "\u200b": "", "\ufeff": "", "\u00ad": "",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u2212": "-", "\ufe63": "-", "\uff0d": "-",
        "\u2019": "'", "\uff04": "$", "\uff0c": ",", "\uff0e": ".", "\uff0f": "/", "\uff0b": "+",
        **{chr(0xFF10 + i): str(i) for i in range(10)},
    }
)


def _clean(text: str) -> str:
    if "&" in text:
        text = html.unescape(text)
        if "&" in text and ";" in text:  # Greenhouse content is escaped twice
            text = html.unescape(text)
    if "<" in text:
        text = _TAGS.sub(" ", text)
    if not text.isascii():
        text = text.translate(_TRANSLATE)
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text or "\v" in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


# --- Parsing -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Amount:
    """One number in the text and what sits right next to it."""

    start: int  # where the amount begins, currency sign included
    end: int  # where it ends, currency sign included
    raw: str  # the digits as written
    value: float
    factor: float  # suffix multiplier (k, lakh...), 1.0 when none
    has_suffix: bool
    suffix: str
    plus: bool
    code: str | None  # ISO code the text states next to the number
    symbol: str | None  # the sign as written
    cents: bool
    word_currency: bool  # "dollars", "euros": only pay when a unit follows


@dataclass(slots=True)
class _Candidate:
    first: _Amount
    last: _Amount
    low: float
    high: float | None
    unit: PayUnit | None
    unit_factor: float
    unit_end: int
    flags: set[str]


def parse_pay(text: str | None) -> Pay | None:
    """The pay a piece of free text states, or None when it states none (see the module doc).

    Never raises: a string the parser cannot handle is logged and read as stating no pay, so one
    odd listing cannot stop a collector. The tests call `_parse_text`, which does raise.
    """
    try:
        return _parse_text(text)
    except Exception:  # pragma: no cover - a bug; hypothesis tests look for these via _parse_text
        log.warning("parse_pay failed on %r", text[:200] if isinstance(text, str) else text, exc_info=True)
        return None


def _parse_text(text: str | None) -> Pay | None:
    if not isinstance(text, str) or not _HAS_DIGIT.search(text):
        return None
    return _parse(_clean(text))


def _parse(text: str) -> Pay | None:
    amounts = _amounts(text)
    if not amounts:
        return None
    candidates: list[tuple[int, _Candidate, str | None, str | None]] = []
    i = 0
    while i < len(amounts):
        first = amounts[i]
        last = first
        unit_match = _UNIT_AFTER.match(text, first.end)
        if i + 1 < len(amounts):
            nxt = amounts[i + 1]
            gap_start = unit_match.end() if unit_match else first.end
            gap = text[gap_start : nxt.start] if gap_start <= nxt.start else text[first.end : nxt.start]
            if _RANGE_GAP.match(gap) and _range_allowed(text, first, gap):
                last = nxt
                unit_match = _UNIT_AFTER.match(text, last.end)
        i += 2 if last is not first else 1
        candidate = _candidate(text, first, last, unit_match)
        if candidate is None:
            continue
        code, symbol = _currency(text, first, last)
        has_currency = bool(code or symbol)
        if not has_currency and candidate.unit is None and not _bare_k_range(first, last):
            continue
        if first.word_currency and last.word_currency and candidate.unit is None:
            continue
        score = (2 if candidate.unit is not None else 0) + (1 if has_currency else 0)
        candidates.append((score, candidate, code, symbol))
    if not candidates:
        return None
    best = max(candidates, key=lambda c: c[0])  # max keeps the first of equal scores
    _, candidate, code, symbol = best
    return _to_pay(text, candidate, code, symbol)


def _amounts(text: str) -> list[_Amount]:
    found: list[_Amount] = []
    for match in _NUMBER.finditer(text):
        start, end = match.start(), match.end()
        if text[end : end + 2].lstrip()[:1].lower() in _PERCENT_STARTS and _PERCENT_AFTER.match(text, end):
            continue
        suffix = (match.group("suffix") or "").strip()
        suffix_key = suffix.lower()
        if suffix_key in _HUGE_SUFFIXES:
            continue  # millions and billions are funding, prizes or aggregates, never a rate
        pre = _PRE_CURRENCY.search(text, max(0, start - 8), start)
        if pre is None and start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
            continue  # part of a word or model name: "H100", "COVID19", "v2"
        code: str | None = None
        symbol: str | None = None
        word_currency = False
        cents = False
        amount_start = start
        amount_end = end
        if pre is not None:
            amount_start = pre.start()
            code, symbol = _pre_currency(pre)
        post = _POST_CURRENCY.match(text, end)
        if post is not None:
            post_code, post_symbol, is_word, is_cents = _post_currency(post)
            if post_code is not None or post_symbol is not None:
                amount_end = post.end()
                if is_cents:
                    cents = True
                word_currency = is_word and symbol is None and code is None
                # A code after the number names the currency ("$20 USD", "20 EUR"), but a code
                # after a "$" only counts when it is a dollar ("$50 CAD", not "$50 PHP").
                if post_code is not None and code is None and (
                    symbol is None or (symbol == "$" and post_code in _DOLLAR_CODES)
                ):
                    code = post_code
                if symbol is None:
                    symbol = post_symbol
        if suffix_key == "l" and code != "INR":
            continue
        value = _number(match.group("num"), code)
        if value is None:
            continue
        factor = _SUFFIX_FACTORS.get(suffix_key, 1.0)
        found.append(
            _Amount(
                start=amount_start, end=amount_end, raw=match.group("num"), value=value, factor=factor,
                has_suffix=bool(suffix), suffix=suffix_key, plus=bool(match.group("plus")),
                code=code, symbol=symbol, cents=cents, word_currency=word_currency,
            )
        )
    return found


def _pre_currency(match: re.Match[str]) -> tuple[str | None, str | None]:
    if match.group("dpre"):
        prefix = match.group("dpre")
        code = _DOLLAR_PREFIXES[prefix]
        return code, f"{prefix}$"
    if match.group("dollar"):
        return None, "$"
    if match.group("sym"):
        sym = match.group("sym")
        return _SYMBOLS[sym], sym
    if match.group("letters"):
        letters = match.group("letters")
        return _LETTER_MARKS.get(letters.lower()), letters
    code = match.group("code")
    if code in ISO_CODES:
        return code, None
    return None, None


def _post_currency(match: re.Match[str]) -> tuple[str | None, str | None, bool, bool]:
    """(code, symbol, is a currency word, is cents)."""
    if match.group("code"):
        code = match.group("code")
        return (code, None, False, False) if code in ISO_CODES else (None, None, False, False)
    if match.group("dollar"):
        return None, "$", False, False
    if match.group("sym"):
        sym = match.group("sym")
        return _SYMBOLS[sym], sym, False, sym == "¢"
    if match.group("letters"):
        letters = match.group("letters")
        return _LETTER_MARKS.get(letters.lower()), letters, False, False
    word = match.group("word").lower().replace(".", "").replace(" ", "")
    key = word if word in _WORD_CURRENCIES else word.removesuffix("s")
    code, symbol = _WORD_CURRENCIES.get(key, (None, None))
    return code, symbol, True, key == "cent"


def _number(raw: str, code: str | None) -> float | None:
    """A number as written, reading its separators (see the module doc)."""
    digits = raw.replace(" ", "").replace("'", "")
    commas, dots = digits.count(","), digits.count(".")
    if commas and dots:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        digits = digits.replace(thousands, "").replace(decimal, ".")
    elif commas:
        tail = digits.rsplit(",", 1)[1]
        if commas == 1 and len(tail) != 3:
            digits = digits.replace(",", ".")
        else:
            digits = digits.replace(",", "")
    elif dots:
        head, tail = digits.split(".", 1) if dots == 1 else ("", "")
        # One dot and three digits is a thousands separator ("R$ 1.412", "$8.000 MXN") unless
        # the whole part is 0 ("$0.125 per task").
        if dots > 1 or (len(tail) == 3 and head.lstrip("0") != "" and len(head) <= 3):
            digits = digits.replace(".", "")
    try:
        value = float(digits)
    except ValueError:
        return None
    if not math.isfinite(value) or value < 0:
        return None
    return value


def _range_allowed(text: str, first: _Amount, gap: str) -> bool:
    word = gap.strip().lower()
    if word in ("and", "&", "y", "e", "und", "et"):
        before = _flag_before(text, first.start)
        return before is not None and before.group("between") is not None
    return True


def _bare_k_range(first: _Amount, last: _Amount) -> bool:
    """ "120k-150k": thousands on both ends of a range read as a salary even without a currency."""
    return first is not last and last.suffix == "k" and first.value * first.factor >= 1000


def _candidate(
    text: str, first: _Amount, last: _Amount, unit_match: re.Match[str] | None
) -> _Candidate | None:
    low_factor, high_factor = first.factor, last.factor
    code = first.code or last.code
    if first is not last and code in _DECIMAL_COMMA_CURRENCIES:
        # "2.000 - 2.500 €": the currency that gives the separators their meaning may be on one end
        first.value = _number(first.raw, code) or first.value
        last.value = _number(last.raw, code) or last.value
    if first is not last and not first.has_suffix and last.has_suffix and first.value <= last.value:
        low_factor = last.factor  # "$120-150K": the suffix covers both ends
    if first is not last and first.has_suffix and not last.has_suffix and last.value < first.value:
        high_factor = first.factor
    low = first.value * low_factor * (0.01 if first.cents or (first is not last and last.cents) else 1)
    high: float | None = None
    if first is not last:
        high = last.value * high_factor * (0.01 if last.cents else 1)
    if low > _MAX_AMOUNT or (high is not None and high > _MAX_AMOUNT):
        return None
    flags: set[str] = set()
    unit: PayUnit | None = None
    unit_factor = 1.0
    unit_end = last.end
    if unit_match is not None:
        unit, unit_factor = _unit_from_match(unit_match, is_bare=not (first.code or first.symbol or last.code or last.symbol))
        if unit is not None:
            unit_end = unit_match.end()
    if unit is None and (first.suffix == "lpa" or last.suffix == "lpa"):
        unit = "year"
    # Words just before the amount: flags first ("up to"), then a unit ("Hourly rate:").
    cursor = first.start
    for _ in range(3):
        flag = _flag_before(text, cursor)
        if flag is None:
            break
        flags.update(name for name in ("up_to", "at_least", "approx", "between") if flag.group(name))
        cursor = flag.start()
    if unit is None:
        before = _unit_before(text, cursor)
        if before is not None:
            unit = _BEFORE_UNIT_WORDS.get(_SPACES.sub(" ", before.group("word").lower()))  # type: ignore[assignment]
    after = _FLAG_AFTER.match(text, unit_end)
    if after is None and unit_end != last.end:
        after = _FLAG_AFTER.match(text, last.end)
    if after is not None:
        flags.update(name for name in ("up_to", "at_least") if after.group(name))
    plus_after = after is not None and bool(after.group("plus"))
    if first is last and (first.plus or plus_after):
        flags.update(("at_least", "approx"))
    if first is not last and (last.plus or plus_after):
        flags.add("approx")
    if _is_trap(text, cursor, unit_end):
        return None
    return _Candidate(first, last, low, high, unit, unit_factor, unit_end, flags)


# Cheap pre-checks: the regexes above are only run when their words can be there (speed).
_FLAG_LAST_WORDS = frozenset(_words(
    "to up-to upto as than under below max max. maximum zu à jusqu'à jusqu’à hasta até till from "
    "starting at least min min. minimum of above over ab de desde dès about around approx approx. "
    "approximately roughly circa ca. c. est est. estimated nearly almost ungefähr environ aprox "
    "aprox. aproximadamente between entre zwischen"
))
_UNIT_BEFORE_HINTS = re.compile(
    "hour|day|week|month|year|annual|annum|salary|stunden|horaire|hora|task|item|時|日|週|月|年|薪|每",
    re.I,
)


_LAST_WORD = re.compile(r"(\w+)\W{0,3}$")
_TRAP_LAST_WORDS = frozenset(_words(
    "price prices priced pricing at cost costs fee fees subscription raised raising raises valuation "
    "revenue a b c d e f funding pool prize prizes of tuition worth for buy save deposit refund "
    "discount gpa grade point card win budget"
))
_TRAP_AFTER_HINTS = re.compile(
    "subscri|member|prize|raised|funding|round|valuation|revenue|arr|referral|sign|off|discount"
    "|deposit|tuition|fee|price|gift|voucher|credit|grant|sales|value|plan|seat",
    re.I,
)


def _flag_before(text: str, cursor: int) -> re.Match[str] | None:
    window_start = max(0, cursor - 30)
    tail = text[window_start:cursor].rstrip(" :")
    if not tail:
        return None
    if tail[-1] not in "~≈∼" and tail.rsplit(" ", 1)[-1].lower() not in _FLAG_LAST_WORDS:
        return None
    return _FLAG_BEFORE.search(text, window_start, cursor)


def _unit_before(text: str, cursor: int) -> re.Match[str] | None:
    window_start = max(0, cursor - 60)
    if not _UNIT_BEFORE_HINTS.search(text, window_start, cursor):
        return None
    return _UNIT_BEFORE.search(text, window_start, cursor)


def _unit_from_match(match: re.Match[str], *, is_bare: bool) -> tuple[PayUnit | None, float]:
    if match.group("media"):
        words = match.group("media").lower().split()
        return "minute", _MEDIA.get(words[-1], 1.0)
    if match.group("mnoun"):
        return "minute", _MEDIA.get(match.group("mnoun").lower(), 1.0)
    if match.group("minute"):
        return "minute", _MEDIA.get(match.group("minute").lower(), 1.0)
    if match.group("noun"):
        noun = match.group("noun").lower()
        conn = match.group("conn").strip().lower()
        if noun in _SLASH_ONLY and conn not in ("/", "毎", "每"):
            return None, 1.0
        if noun in ("an", "ano") and conn != "/":
            return None, 1.0
        return _NOUN_UNIT[noun], 1.0  # type: ignore[return-value]
    if match.group("adj"):
        adj = match.group("adj").lower()
        if is_bare and adj in ("pm", "pa", "ph", "pw", "annual", "daily", "weekly", "monthly"):
            return None, 1.0
        return _ADJECTIVE_UNITS[adj], 1.0  # type: ignore[return-value]
    if match.group("hr") and not is_bare:
        return "hour", 1.0
    return None, 1.0


def _is_trap(text: str, start: int, end: int) -> bool:
    before_start = max(0, start - 30)
    last_word = _LAST_WORD.search(text, before_start, start)
    if (
        last_word is not None
        and last_word.group(1).lower() in _TRAP_LAST_WORDS
        and _TRAP_BEFORE.search(text, before_start, start)
    ):
        return True
    after = text[end : end + 40]
    if _TRAP_AFTER_HINTS.search(after) and _TRAP_AFTER.match(after):
        return True
    window_start = max(0, start - 60)
    window = text[window_start:start].lower()
    if "refer" not in window and "invite" not in window:
        return False
    return bool(_REFERRAL_NEAR.search(text, window_start, start))


def _currency(text: str, first: _Amount, last: _Amount) -> tuple[str | None, str | None]:
    code = first.code or last.code
    symbol = first.symbol or last.symbol
    if code is None and symbol in ("$", "¢", "dollars"):
        codes = set(_GLOBAL_DOLLAR_CODE.findall(text))
        if len(codes) == 1:
            code = codes.pop()
        elif _GLOBAL_US_DOLLARS.search(text):
            code = "USD"
    return code, symbol


def _to_pay(text: str, candidate: _Candidate, code: str | None, symbol: str | None) -> Pay:
    unit = candidate.unit
    if unit is None:
        unit = _unit_anywhere(text)
    if unit is None:
        top = candidate.high if candidate.high is not None else candidate.low
        k_suffixed = "k" in (candidate.first.suffix, candidate.last.suffix)
        unit = "year" if k_suffixed and top >= 20_000 else "unknown"
    factor = candidate.unit_factor if unit == "minute" else 1.0
    low = _tidy(candidate.low * factor)
    high = None if candidate.high is None else _tidy(candidate.high * factor)
    flags = candidate.flags
    approximate = "approx" in flags
    if high is not None:
        if high < low:
            low, high = high, low
        return Pay(low, high, code, unit, approximate=approximate, currency_symbol=symbol)
    if "up_to" in flags:
        return Pay(None, low, code, unit, approximate=approximate, up_to=True, currency_symbol=symbol)
    if "at_least" in flags:
        return Pay(low, None, code, unit, approximate=approximate, at_least=True, currency_symbol=symbol)
    return Pay(low, low, code, unit, approximate=approximate, currency_symbol=symbol)


def _unit_anywhere(text: str) -> PayUnit | None:
    for match in _UNIT_ANYWHERE.finditer(text):
        if _DURATION_BEFORE.search(text, max(0, match.start() - 14), match.start()):
            continue  # "20 hours per week" is a time commitment, not a rate
        word = (match.group("noun") or match.group("adj")).lower()
        if word in ("hour", "hr", "h", "hourly"):
            return "hour"
        if word == "day":
            return "day"
        if word in ("week", "wk"):
            return "week"
        if word in ("month", "mo"):
            return "month"
        if word in ("task",):
            return "task"
        if word in ("item", "label"):
            return "item"
        return "year"
    return None


def _tidy(value: float) -> float:
    """Round away float noise from unit conversions (0.08 × 60 is 4.8, not 4.800000000000001)."""
    return round(value, 6)


# --- Structured forms --------------------------------------------------------------------------------


def _as_float(value: Any) -> float | None:
    """A positive finite number from a field that may be a number, a numeric string, 0 or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        cleaned = value.strip().replace(",", "").lstrip("$€£")
        try:
            number = float(cleaned)
        except ValueError:
            return None
    else:
        return None
    if not math.isfinite(number) or number <= 0 or number > _MAX_AMOUNT:
        return None
    return number


def _currency_code(value: Any) -> str | None:
    """An ISO 4217-shaped code from a structured field ("usd" → "USD"); anything else is None."""
    if not isinstance(value, str):
        return None
    code = value.strip().upper()
    return code if len(code) == 3 and code.isascii() and code.isalpha() else None


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The dicts in a field that should be a list of objects (anything else gives [])."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _bounds_pay(
    low: Any, high: Any, currency: Any, unit: PayUnit, *, divide_by: float = 1.0
) -> Pay | None:
    """A `Pay` from two bounds; non-positive bounds count as missing, reversed ones are swapped."""
    lo, hi = _as_float(low), _as_float(high)
    if lo is None and hi is None:
        return None
    if lo is not None:
        lo = _tidy(lo / divide_by)
    if hi is not None:
        hi = _tidy(hi / divide_by)
    if lo is not None and hi is not None and hi < lo:
        lo, hi = hi, lo
    code = _currency_code(currency)
    if lo is None:
        return Pay(None, hi, code, unit, up_to=True)
    if hi is None:
        return Pay(lo, None, code, unit, at_least=True)
    return Pay(lo, hi, code, unit)


def from_hourly_bounds(lower: Any, upper: Any, currency: str = "USD") -> Pay | None:
    """Alignerr's `lowerBoundHourlyRate`/`upperBoundHourlyRate`."""
    return _bounds_pay(lower, upper, currency, "hour")


# --- Hourly USD ------------------------------------------------------------------------------------


def to_hourly_usd(
    pay: Pay, *, on: date, hours_per_week: float | None = None
) -> HourlyUSD | None:
    """Hourly US-dollar equivalents of a time-based `Pay`, with every assumption spelled out.

    - hour: as is; day: ÷ 8 hours; week: ÷ the listing's hours per week, else 40;
      month: × 12 ÷ (52 × hours per week), i.e. ÷ 173.33 at 40 h; year: ÷ (52 × hours per week),
      i.e. ÷ 2,080 at 40 h.
    - Currency: the monthly rate from `data/fx_rates.csv` for the month of `on` (see
      `collectors.fx`). A bare "$" (currency None, sign "$") is read as USD, and said so.
    - None for task, item, minute and unknown units (never turned into hourly pay), for an unknown
      currency and for a currency with no rate in the table.
    """
    if pay.unit not in TIME_UNITS or (pay.min is None and pay.max is None):
        return None
    assumptions: list[str] = []
    currency = pay.currency
    if currency is None:
        if pay.currency_symbol not in ("$", "¢"):
            return None
        currency = "USD"
        assumptions.append("currency not stated; bare '$' read as USD")
    rate = fx.usd_per_unit(currency, on)
    if rate is None:
        return None
    if currency != "USD":
        assumptions.append(fx.rate_source(currency, on))
    weekly_hours = hours_per_week if hours_per_week and hours_per_week > 0 else DEFAULT_HOURS_PER_WEEK
    hours_note = (
        f"{weekly_hours:g} h/week from the listing" if hours_per_week and hours_per_week > 0
        else f"{DEFAULT_HOURS_PER_WEEK:g} h/week assumed"
    )
    yearly_hours = weekly_hours * WEEKS_PER_YEAR
    if pay.unit == "hour":
        hours = 1.0
    elif pay.unit == "day":
        hours = HOURS_PER_DAY
        assumptions.append(f"{HOURS_PER_DAY:g} h/day assumed")
    elif pay.unit == "week":
        hours = weekly_hours
        assumptions.append(hours_note)
    elif pay.unit == "month":
        hours = yearly_hours / 12
        assumptions.extend((hours_note, f"month = year/12: {yearly_hours:,.0f} h/year ÷ 12 = {hours:.2f} h"))
    else:
        hours = yearly_hours
        assumptions.extend((hours_note, f"{yearly_hours:,.0f} h/year (52 weeks)"))

    def convert(value: float | None) -> float | None:
        return None if value is None else round(value * rate / hours, 4)

    return HourlyUSD(convert(pay.min), convert(pay.max), tuple(assumptions))


# --- Rendering ---------------------------------------------------------------------------------------

_DISPLAY_SIGNS = {
    "USD": "$", "GBP": "£", "EUR": "€", "INR": "₹", "JPY": "¥", "PHP": "₱", "NGN": "₦", "CAD": "CA$",
    "AUD": "A$", "NZD": "NZ$", "SGD": "S$", "HKD": "HK$", "MXN": "MX$", "BRL": "R$", "KRW": "₩",
}


def _amount_text(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    if value >= 0.1:
        return f"{value:,.2f}"
    return f"{value:.4g}"


def format_pay(pay: Pay) -> str:
    """A short human rendering: "$20–40/hour", "up to £18.50/hour", "KES 26,600–40,000/month"."""
    sign = ""
    code_suffix = ""
    if pay.currency is not None:
        sign = _DISPLAY_SIGNS.get(pay.currency, "")
        if not sign:
            sign = f"{pay.currency} "
    elif pay.currency_symbol:
        sign = pay.currency_symbol if len(pay.currency_symbol) <= 3 else ""
        if not sign:
            code_suffix = f" {pay.currency_symbol}"
    if pay.min is not None and pay.max is not None and pay.min != pay.max:
        amount = f"{sign}{_amount_text(pay.min)}–{_amount_text(pay.max)}"
    elif pay.min is not None and pay.max is not None:
        amount = f"{sign}{_amount_text(pay.min)}"
    elif pay.max is not None:
        amount = f"up to {sign}{_amount_text(pay.max)}"
    elif pay.min is not None and pay.approximate:
        amount = f"{sign}{_amount_text(pay.min)}+"
    elif pay.min is not None:
        amount = f"from {sign}{_amount_text(pay.min)}"
    else:
        amount = "pay not stated"
    if pay.approximate and not (pay.at_least and pay.max is None):
        amount = f"~{amount}"
    unit = "" if pay.unit == "unknown" else f"/{pay.unit}"
    return f"{amount}{code_suffix}{unit}"


def pay_to_dict(pay: Pay) -> dict[str, Any]:
    """The fields of a `Pay` as a JSON-ready dict (the sign as written included)."""
    return {
        "min": pay.min, "max": pay.max, "currency": pay.currency, "unit": pay.unit,
        "approximate": pay.approximate, "up_to": pay.up_to, "at_least": pay.at_least,
        "currency_symbol": pay.currency_symbol,
    }
