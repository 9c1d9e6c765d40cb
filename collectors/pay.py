"""Pay normalisation: advertised pay (free text or a platform's fields) to a `Pay`, and a `Pay` to
hourly USD with its assumptions stated.

Per-task, per-item and per-minute-of-media pay is never turned into an hourly wage unless the time
per unit is known: it stays in its own unit, and `Pay.unit_kind` says which kind a unit is: "time"
(hour...year), "output" (task, item, a minute of media) or "lump" (`once`: a bonus). How free text
is read is set out in docs/pay-strings.md, each rule tested in `tests/data/pay_strings.jsonl`; the
honest measure on real strings it was not built with is `collectors.pay_eval` over
`tests/data/pay_strings_real.jsonl` (README, "Pay parsing accuracy").
"""

from __future__ import annotations

import bisect
import functools
import html
import logging
import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from collectors import fx
from collectors import pay_words as words

log = logging.getLogger(__name__)

PayUnit = Literal["hour", "day", "week", "month", "year", "task", "item", "minute", "once", "unknown"]
PAY_UNITS: tuple[PayUnit, ...] = (
    "hour", "day", "week", "month", "year", "task", "item", "minute", "once", "unknown",
)
# Units that describe time worked; the others are per piece of work and stay apart.
TIME_UNITS: frozenset[str] = frozenset({"hour", "day", "week", "month", "year"})
# Units of output: a task, an item, a minute of media. Never turned into time worked.
OUTPUT_UNITS: frozenset[str] = frozenset({"task", "item", "minute"})
UnitKind = Literal["time", "output", "lump", "unknown"]


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

    @property
    def unit_kind(self) -> UnitKind:
        """What `unit` measures: "time" worked (hour...year), "output" (a task, an item, a minute
        of media: pay per unit of output, never hourly pay), "lump" (a one-off sum such as a
        sign-up or referral bonus, unit "once") or "unknown"."""
        return unit_kind(self.unit)


def unit_kind(unit: str) -> UnitKind:
    """The kind of a pay unit (see `Pay.unit_kind`)."""
    if unit in TIME_UNITS:
        return "time"
    if unit in OUTPUT_UNITS:
        return "output"
    if unit == "once":
        return "lump"
    return "unknown"


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
    "SEK NOK DKK ISK TRY ILS AED SAR QAR UAH RUB MGA"
)) | words.MORE_ISO_CODES
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
    "₩": "KRW", "₺": "TRY", "₪": "ILS", "฿": "THB", "₫": "VND", "₴": "UAH", "₽": "RUB", "¢": None, "₵": "GHS",
    "円": "JPY", "元": "CNY",
}
# Letter prefixes and suffixes, matched case-sensitively (lower-cased key for the lookup).
_LETTER_MARKS: dict[str, str | None] = {
    "rs": "INR", "rs.": "INR", "inr": "INR", "ksh": "KES", "ksh.": "KES", "kshs": "KES", "kshs.": "KES",
    "php": "PHP", "rp": "IDR", "rm": "MYR", "chf": "CHF", "fr.": "CHF", "zł": "PLN", "zl": "PLN",
    "kr": None, "kr.": None, "kč": "CZK", "ft": "HUF", "lei": "RON", "tl": "TRY", "r": "ZAR",
    "n": "NGN", "/=": None, "kes": "KES", "kes.": "KES", "sh": "KES", "sh.": "KES", "лв": "BGN", "лв.": "BGN",
    "руб": "RUB", "руб.": "RUB", "грн": "UAH", "грн.": "UAH", "tsh": "TZS", "tsh.": "TZS", "tshs": "TZS", "tshs.": "TZS",
    "tk": "BDT", "tk.": "BDT", "dh": "AED", "dh.": "AED", "dhs": "AED", "dhs.": "AED",
}
_WORD_CURRENCIES: dict[str, tuple[str | None, str]] = {
    # Keys without dots or spaces: "U.S. dollars" → "usdollar".
    "usdollar": ("USD", "$"), "canadiandollar": ("CAD", "$"),
    "australiandollar": ("AUD", "$"), "dollar": (None, "$"), "buck": (None, "$"),
    "euro": ("EUR", "€"), "pound": ("GBP", "£"), "quid": ("GBP", "£"), "rupee": ("INR", "Rs"),
    "peso": (None, "pesos"), "naira": ("NGN", "₦"), "shilling": (None, "shillings"),
    "reais": ("BRL", "R$"), "real": ("BRL", "R$"), "yen": ("JPY", "¥"), "rand": ("ZAR", "R"),
    "zloty": ("PLN", "zł"), "złotych": ("PLN", "zł"), "cent": (None, "¢"),
    "dólar": (None, "$"), "dólare": (None, "$"), "dolar": (None, "$"), "dolare": (None, "$"),
    "kenyanshilling": ("KES", "KSh"), "ariary": ("MGA", "Ar"), "рубль": ("RUB", "₽"),
    "рублей": ("RUB", "₽"), "рубля": ("RUB", "₽"), "лева": ("BGN", "лв"), "лев": ("BGN", "лв"),
    "रुपये": ("INR", "Rs"), "रुपए": ("INR", "Rs"), "रुपया": ("INR", "Rs"),
    # Cents of a currency: "6 centimes de dollars", "5 y 25 centavos de dólar", "40 euro cents".
    "eurocent": ("EUR", "€"), "centavo": (None, "¢"), "centime": (None, "¢"),
    # Currency names in other languages: "60 000 livres", "74 943 dollars singapouriens".
    "livre": ("GBP", "£"), "livresterling": ("GBP", "£"), "livressterling": ("GBP", "£"),
    "dollarssingapouriens": ("SGD", "S$"), "dollarsingapourien": ("SGD", "S$"),
    "singaporedollar": ("SGD", "S$"), "dollarscanadiens": ("CAD", "CA$"), "dollarcanadien": ("CAD", "CA$"),
    "dollarsaustraliens": ("AUD", "A$"), "dollaraustralien": ("AUD", "A$"),
    "dólaresestadounidenses": ("USD", "$"), "dólaresamericanos": ("USD", "$"),
    "dollarsaméricains": ("USD", "$"), "dollaraméricain": ("USD", "$"),
    "دولار": (None, "$"), "دولارا": (None, "$"), "دولارات": (None, "$"),
    # Dollars in other languages: Lithuanian, Croatian, Romanian, Polish, Turkish, Azerbaijani, Urdu.
    "dolerių": (None, "$"), "doleriai": (None, "$"), "doleris": (None, "$"), "dolara": (None, "$"),
    "dolari": (None, "$"), "dolarów": (None, "$"), "doları": (None, "$"), "dollara": (None, "$"),
    "ڈالر": (None, "$"),
}
# Which of the words above are hundredths of their currency.
_CENT_WORDS = frozenset({"cent", "eurocent", "centavo", "centime"})



def _alternation(forms: Any) -> str:
    """A regex alternation of literal forms, longest first (so "euroon" is tried before "euro")."""
    return "|".join(sorted((re.escape(form) for form in forms), key=len, reverse=True))


_CURRENCY_WORDS_ALT = _alternation(words.CURRENCY_WORDS)
_CURRENCY_JOINED_ALT = _alternation(words.CURRENCY_WORDS_JOINED)

_PRE_CURRENCY = re.compile(
    r"""(?:
        (?<![A-Za-z])(?P<dpre>U\.S\.|US|USD|CAN|CAD|CA|AUD|AU|NZD|NZ|SGD|SG|HKD|HK|MXN|MX|NT)\s?\$
      | (?<![A-Za-z])(?P<dpre1>C|A|S|R)\$  # one letter only when joined: "A $500 bonus" is an article
      | (?<![A-Za-z])(?P<usd>U\$SD?|U\$D|U\$)  # "U$S 40", "U$SD 10", "U$ 7" (Spanish, Portuguese press)
      | (?P<dollar>\$)
      | (?P<sym>[£€₹₱₦¥￥₩₺₪฿₫₴₽₵])
      | (?<![A-Za-z])(?P<letters>Rs\.?|RS\.?|Kshs?\.?|KSh|KSH|Kes\.?|KES\.|Tshs?\.?|TSh|Sh\.?|Php|Rp|RM|Tk\.?|Dhs?\.?|Fr\.|R|N|руб\.?|лв\.?)
      | (?<![A-Za-z])(?P<peso>P)  # "P9000", "P482.60": a peso sign (only before 3+ digits, see _amounts)
      | (?<![A-Za-z])(?P<code>[A-Z]{3})
    )[\s:]{0,2}$""",
    re.X,
)
_POST_CURRENCY = re.compile(
    rf"""(?:[.,]-+)?\s?(?:
        (?P<code>[A-Z]{{3}}|usd|eur|gbp|inr|kes|php|ngn|cad|aud|brl|mxn|zar|ghs|idr)(?![A-Za-z])
      | (?P<dollar>\$)
      | (?P<sym>[£€₹₱₦¥￥₩₺₪฿₫₴₽¢円元])
      | (?<=\d)(?P<cent_c>c(?:\s*\((?P<cent_of>(?i:euro|us|usd|american))\w*\))?)  # "8c per word", "1c to 3c (euro)"
        (?=\s+(?:per|a|an|each|to)\s|\s*/)
      | (?P<letters>zł|zl(?![a-z])|kr\.?(?![a-z])|Kč|Ft(?![a-z])|lei(?![a-z])|TL(?![a-z])|/=|Rs\.?(?![a-z])
            |лв\.?(?![а-я])|руб\.?(?![а-я])|грн\.?(?![а-я]))
      | (?i:(?:de\ )?(?P<word>u\.?s\.?\ dollars?|canadian\ dollars?|australian\ dollars?|kenyan\ shillings?
            |dollars?\ (?:singapouriens?|canadiens?|australiens?|am[ée]ricains?)|singapore\ dollars?
            |d[oó]lares\ (?:estadounidenses|americanos)|livres?(?:\ sterling)?|دولار(?:ات|ا)?
            |euro\ cents?|(?:centavos?|centimes?)(?:(?:\ de)?(?:\ d['’]?)?\ ?(?:d[oó]lar(?:es|s)?|dollars?|euros?))?
            |d[oó]lar(?:es|ów|ı|a|i)?|doler(?:ių|iai|is)|dollar(?:s|a)?|ڈالر|bucks|euros?
            |pounds?|quid|rupees?|pesos?|naira|shillings?|reais|yen|rand|zloty|złotych|cents?|ariary
            |рубл(?:ей|я|ь)|лева?|रुपय[ेा]|रुपए)(?![a-zа-яà-ÿ]))
      | (?i:(?:de\ )?(?P<word2>{_CURRENCY_WORDS_ALT})(?![\w]))
      | (?P<joined>{_CURRENCY_JOINED_ALT})
    )""",
    re.X,
)
_GLOBAL_DOLLAR_CODE = re.compile(r"(?<![A-Za-z])(USD|CAD|AUD|NZD|SGD|HKD|MXN)(?![A-Za-z])")
_GLOBAL_US_DOLLARS = re.compile(r"\bU\.?S\.? dollars?\b", re.I)

# --- Numbers -----------------------------------------------------------------------------------------

# Numbers in words that run into the next word ("10만원") and those that end at a word boundary.
_SUFFIXES_JOINED = frozenset({"만", "천", "千", "萬"})
_SUFFIX_JOINED_ALT = _alternation(_SUFFIXES_JOINED)
_SUFFIX_WORDS_ALT = _alternation(
    [*(w for w in words.NUMBER_SUFFIXES if w not in _SUFFIXES_JOINED), *words.MILLION_WORDS, *words.HUGE_WORDS]
)
_NUMBER = re.compile(
    rf"""(?<![\d,])(?<!\d\.)
    (?P<num>
        \d{{1,2}},\d{{2}},\d{{3}}(?:,\d{{3}})*(?:\.\d+)?          # Indian grouping: 1,00,000
      | \d{{1,3}}(?:(?:,|\.|'|\ )\d{{3}}(?!\d))+(?:[.,]\d+)?  # grouped thousands ("$20.0000" is not one)
      | \d+(?:[.,]\d+)?
      | (?<=[$£€₹])\.\d+                                   # "$.75": only right after a sign
    )
    (?P<suffix>
        \s?(?:k|K)(?!\w)
      | \s?(?i:lakhs?|lacs?|lpa|crores?)(?!\w)
      | \s?(?:लाख|करोड़|ألف|هزار|हज़ार|हजार)
      | \s?(?i:ribu|тысяч[аи]?|тыс\.?|tys\.?|bin|juta|millones|milhões)(?!\w)
      | \s?(?:[cC]r|L)(?!\w)
      | \s?(?i:m|mm|mn|mil|million|millions|billion|billions|bn|b|trillion|trillions|tn)(?!\w)
      | 万
      | \s?(?:{_SUFFIX_JOINED_ALT})
      | \s?(?i:{_SUFFIX_WORDS_ALT})(?!\w)
    )?
    (?P<plus>\+(?![\d.,]))?  # "$20+" ("$20 + bonus" is not "$20 or more")
    """,
    re.X,
)
_SUFFIX_FACTORS = {"k": 1e3, "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "lacs": 1e5, "lpa": 1e5,
                   "l": 1e5, "crore": 1e7, "crores": 1e7, "cr": 1e7, "万": 1e4, "लाख": 1e5, "करोड़": 1e7,
                   "m": 1e6, "mn": 1e6, "million": 1e6,
                   "juta": 1e6, "millones": 1e6, "milhões": 1e6, "ribu": 1e3, "тысяч": 1e3, "тысячи": 1e3, "тысяча": 1e3, "тыс": 1e3, "тыс.": 1e3, "tys": 1e3, "tys.": 1e3, "bin": 1e3,
                   "ألف": 1e3, "هزار": 1e3, "हज़ार": 1e3, "हजार": 1e3,
                   **words.NUMBER_SUFFIXES, **words.MILLION_WORDS, **words.HUGE_WORDS}  # millions: `_million_salary`
_HUGE_SUFFIXES = frozenset({"m", "mm", "mn", "mil", "million", "millions", "billion", "billions", "bn", "b",
                            "trillion", "trillions", "tn", "juta", "millones", "milhões", *words.MILLION_WORDS,
                            *words.HUGE_WORDS})
# Millions are pay only as a salary: "1M/year", "₹2M - ₹4M INR" (currencies whose salaries run to
# millions); never "$2M daily" (a payout total) or billions.
_MILLION_SUFFIXES = frozenset({"m", "mn", "million", "juta", "millones", "milhões", *words.MILLION_WORDS})
_MILLION_SALARY_AFTER = re.compile(
    r"\s*(?:de\s+)?(?:pesos|reais|euros|d[óo]lares|rupiah)?\s*(?:(?:/\s*|per\s+)(?:year|yr|annum|y)\b"
    r"|al\s+año|anuales|por\s+año|ao\s+ano|por\s+ano|anuais)",
    re.I,
)
# Currencies whose salaries run to millions: "₹2M - ₹4M", "Rp 4,5 juta per bulan".
_MILLION_SALARY_CURRENCIES = frozenset({"₹", "INR", "Rs", "Rs.", "Rp", "IDR"})

# --- Units -------------------------------------------------------------------------------------------

_ADJECTIVES = (
    r"(?:\d+\s*-?\s*(?:minutes?|mins?|seconds?|secs?|hours?|hrs?)\s+)?"  # "per 10-minute study"
    r"(?:(?:approved|accepted|completed|correct(?:ly)?|valid|successful|submitted|finished|reviewed"
    r"|qualifying|qualified|eligible|billable|processed|annotated|labell?ed|transcribed|recorded"
    r"|individual|single|source|target|spoken|" + _alternation(words.DONE_ADJECTIVES) + r")\s+){0,2}"
)
_NOUNS: dict[str, tuple[str, ...]] = {
    "hour": ("hours", "hour", "hrs", "hr", "h", "horas", "hora", "heures", "heure", "stunde", "std",
             "godzinę", "godzina", "godz", "uur", "óra", "ora", "timme", "timmen", "timen", "saat", "sat", "jam",
             "час", "годину", "الساعة", "ساعة", "valandą", "valandos", "valanda", "satu", "oră", "jamnya",
             "گھنٹہ", "گھنٹے", "ساعت", "小時", "小时", "घंटा", "घंटे", "saa", "時",
             "小时", "時間"),
    "day": ("days", "day", "d", "dias", "día", "dia", "jour", "tag", "dzień", "diem", "день", "ден", "日", "hari",
            "दिन", "siku", "harinya"),
    "week": ("weeks", "week", "wks", "wk", "w", "semanas", "semana", "semaine", "woche", "tydzień", "週", "周",
             "minggu", "wiki"),
    "month": ("months", "month", "mths", "mth", "mos", "mo", "mon", "m", "meses", "mes", "mês", "mois",
              "monat", "miesiąc", "месяц", "месец", "月", "bulan", "माह", "महीना", "महीने", "mwezi"),
    "year": ("years", "year", "yrs", "yr", "y", "annum", "año", "ano", "an", "anno", "jaar", "jahr", "rok", "год",
             "година", "tahun", "वर्ष", "साल", "mwaka",
             "年"),
    "task": ("tasks", "task", "hits", "hit", "studies", "study", "surveys", "survey", "questions",
             "question", "prompts", "prompt", "conversations", "conversation", "responses", "response",
             "submissions", "submission", "assignments", "assignment", "sessions", "session",
             "projects", "project", "reviews", "review", "evaluations", "evaluation", "comparisons",
             "comparison", "turns", "turn", "dialogues", "dialogue", "units", "unit", "tareas", "tarea",
             "tâche", "aufgabe", "trajectories", "trajectory", "rubrics", "rubric", "jobs", "job",
             "clics", "clic", "clicks", "click", "rides", "ride", "trips", "trip", "deliveries", "delivery",
             "judgments", "judgment", "judgements", "judgement", "tests", "test", "sesiones", "sesión",
             "sesion", "sessão", "unidades", "unidad", "entregas", "entrega", "pedidos", "pedido", "encargos",
             "encargo", "auftrag", "aufträge", "answers", "answer", "задание", "задания", "задачу", "задача", "captchas", "captcha", "spots", "spot", "articles", "article", "tarefas", "tarefa"),
    "item": ("items", "item", "labels", "label", "images", "image", "annotations", "annotation", "words",
             "word", "pages", "page", "records", "record", "videos", "video", "clips", "clip", "files",
             "file", "boxes", "box", "sentences", "sentence", "rows", "row", "utterances", "utterance",
             "recordings", "recording", "transcripts", "transcript", "documents", "document", "photos",
             "photo", "samples", "sample", "segments", "segment", "entries", "entry", "bounding boxes",
             "formulaires", "formulaire", "forms", "form",
             "bounding box", "polygons", "polygon", "frames", "frame", "lines", "line", "líneas", "línea",
             "lineas", "linea", "characters", "character", "caracteres", "zeichen"),
}
for _unit, _forms in (*words.PERIOD_NOUNS.items(), *words.PIECE_NOUNS.items()):
    _NOUNS[_unit] = _NOUNS[_unit] + tuple(form for form in _forms if form not in _NOUNS[_unit])
_NOUN_UNIT = {noun: unit for unit, nouns in _NOUNS.items() for noun in nouns}
# Abbreviations that only count after "/" ("$20/h", "£2,000/m").
_SLASH_ONLY = frozenset({"h", "d", "w", "m", "y", "mo", "mon", "an", "ano", "ora", "日", "月", "年", "時"})
_MEDIA = {"second": 60.0, "seconds": 60.0, "sec": 60.0, "secs": 60.0, "minute": 1.0, "minutes": 1.0,
          "min": 1.0, "mins": 1.0, "hour": 1 / 60, "hours": 1 / 60, "hr": 1 / 60, "hrs": 1 / 60,
          # "por hora de áudio", "par minute d'audio", "por minuto de audio"
          "hora": 1 / 60, "horas": 1 / 60, "heure": 1 / 60, "heures": 1 / 60, "minuto": 1.0, "minutos": 1.0,
          "segundo": 60.0, "segundos": 60.0, "seconde": 60.0, "secondes": 60.0}
_ADJECTIVE_UNITS = {
    "hourly": "hour", "ph": "hour", "p/h": "hour", "p.h.": "hour", "daily": "day", "weekly": "week",
    "pw": "week", "p/w": "week", "monthly": "month", "pcm": "month", "p.m.": "month", "pm": "month",
    "mensal": "month", "mensais": "month", "mensual": "month", "mensuales": "month",
    "monatlich": "month", "mensuel": "month", "anuales": "year",
    "miesięcznie": "month", "yearly": "year", "annually": "year", "annual": "year", "pa": "year",
    "p.a.": "year", "anual": "year", "jährlich": "year", "annuel": "year", "brutto/jahr": "year",
    "lpa": "year", "месечно": "month", "месячно": "month", "ежемесячно": "month", "годишно": "year",
    "mensuels": "month", "semanales": "week", "semanal": "week", "diarios": "day", "diario": "day",
    "sejam": "hour", "sehari": "day", "seminggu": "week", "sebulan": "month", "setahun": "year",
    "-an-hour": "hour", "-a-day": "day", "-a-week": "week", "-a-month": "month", "-a-year": "year",
    **{adverb: period for period, adverbs in words.PERIOD_ADVERBS.items() for adverb in adverbs},
}

_nouns_alt = "|".join(sorted((re.escape(n) for n in _NOUN_UNIT), key=len, reverse=True))
_media_alt = "|".join(sorted(_MEDIA, key=len, reverse=True))
# What media time is of ("an hour of audio", "per minute of video"): the kinds of media, and the
# words for a recording in French, Spanish and Portuguese.
_MEDIA_KINDS = "audio|áudio|video|vídeo|speech|media"
_RECORDING_WORDS = "enregistrement|grabación|gravação"
_output_nouns_alt = _alternation({*_NOUNS["task"], *_NOUNS["item"]})
_adj_alt = "|".join(sorted((re.escape(a) for a in _ADJECTIVE_UNITS), key=len, reverse=True))
_FILLER = (
    r"(?:(?:de\s+base|extra|additional|base|basic|flat|fixed|gross|net|brutto|netto|brut|bruto|before\s+tax|pre-?tax|all-?in"
    r"|avg|average|[A-Z]{3}|/=|[.,]-+|nets?|nettes?|bruts?|brutos?|netos?|l[íi]quidos?|en\s+promedio|em\s+m[ée]dia|on\s+average|en\s+moyenne|in\s+media"
    r"|im\s+(?:durch)?schnitt|\((?:american|us|usd|u\.s\.|euro|eur|canadian|australian)\))\s*){0,2}"
)
_CONNECTOR = (
    r"(?:/|(?<![A-Za-z])per\b|\ba\s+la\b|\ba\b|\ban\b|\beach\b|\bevery\b|\bpro\b|\bpar\b|\bpor\b|\bla\b|\bal\b|\bdie\b|\bthe\b"
    r"|\bim\b|\bna\b|\bza\b|\bde\s+l'|\bde\s+la\b|\bpor\s+cada\b|\bau\b|à\s+chaque\b|(?<!\w)в(?!\w)"
    r"|(?<!\w)на(?!\w)|(?<!\w)за(?!\w)|(?<!\w)في(?!\w)|\ble\b|\ball'|\bl'|\bi(?=\s+tim)|\bpara\s+cada\b"
    r"|\bfor\s+(?:each|every|an?|one|this|that)\b|\bpo\b|\bpe\b|(?<!\w)فی(?!\w)|(?<!\w)प्रति(?!\w)|\bkwa\b|\bem\s+um\b|\ben\s+un\b|\bin\s+an?\b(?=\s+(?:day|week|month|year|hour)\b)|毎|每"
    rf"|(?<!\w)(?:{_alternation(words.CONNECTORS)})(?!\w))"
)
_UNIT_AFTER = re.compile(
    rf"""[\s:(),]*{_FILLER}(?=-an?-|[^-])
    (?:
        (?P<conn>{_CONNECTOR})\s*(?:(?P<count>\d{{1,3}}(?:[,.]\d{{3}})+|\d{{2,6}})\s+(?!(?:minutes?|mins?|seconds?|secs?|hours?|hrs?)\b)(?=\S))?{_ADJECTIVES}
        (?:
            (?P<media>(?:audio|video|media|recorded|transcribed|speech|finished)\s+(?:{_media_alt}))(?![a-z])
          | (?:(?:of\s+)?(?:audio|video)\s+)?(?P<mnoun>{_media_alt})(?=\s+(?:of|de|del|d['’])\s*(?:{_MEDIA_KINDS}|{_RECORDING_WORDS}))
          | (?P<noun>{_nouns_alt})(?![a-zà-ÿ])\.?
          | (?P<minute>minutes|minute|mins|min|seconds|second|secs|sec)(?![a-z])
          # one word that names the kind of piece: "per user recording", "per Japanese character"
          | (?!(?:the|and|for|from|with|this|that|each|every|other|more|less|than)\s)[^\W\d_]{{3,15}}\s+
            (?P<onoun>{_output_nouns_alt})(?![a-zà-ÿ])
        )
      | (?P<adj>{_adj_alt})(?![a-zà-ÿа-я])
      | (?P<pfh>PFH|PAH)(?![A-Za-z])  # per finished hour (audiobooks), per audio hour (transcription)
      | (?P<hr>hrs|hr)(?![a-z])
    )""",
    re.X | re.I,
)
_UNIT_BEFORE_ALT = _alternation(word for word in words.UNIT_BEFORE if word != "월")
_UNIT_BEFORE = re.compile(
    rf"""(?P<word>hourly|per\s+hour|an\s+hour|daily|per\s+day|day|weekly|per\s+week|monthly|per\s+month
        |yearly|annual|annually|per\s+annum|per\s+year|salary\s+per\s+annum|stundenlohn|taux\s+horaire
        |tarifa\s+por\s+hora|valor\s+hora|per\s+task|per\s+item|by\s+the\s+hour|pro\s+stunde|pro\s+jahr
        |pro\s+monat|por\s+hora|por\s+mes|par\s+heure|par\s+mois|मासिक|सालाना|वार्षिक
        |時給|日給|週給|月給|年収|年俸|时薪|月薪|年薪|每小时
        |(?<!\d)월|(?<![^\W\d])(?:{_UNIT_BEFORE_ALT})(?![\w]))
        (?:\s+(?:rates?|pay|wages?|range|compensation|salary|salaries|earnings|band|stipend|income|reward|ctc
            |in-hand|take-home|package|gross|minimum|औसत|वेतन|सैलरी))*
        [\s():\-=,]*(?:(?:is|of|from|between|at|ranges?|ranging|varies|vary|goes|the|to|:|は|が|で|約|은|는|이|가|약)\s*)*$""",
    re.X | re.I,
)
_BEFORE_UNIT_WORDS = {
    "hourly": "hour", "per hour": "hour", "an hour": "hour", "daily": "day", "per day": "day",
    "day": "day", "weekly": "week", "per week": "week", "monthly": "month", "per month": "month",
    "yearly": "year", "annual": "year", "annually": "year", "per annum": "year", "per year": "year",
    "salary per annum": "year", "stundenlohn": "hour", "taux horaire": "hour", "tarifa por hora": "hour",
    "valor hora": "hour", "per task": "task", "per item": "item", "時給": "hour", "日給": "day",
    "週給": "week", "月給": "month", "年収": "year", "年俸": "year", "时薪": "hour", "月薪": "month",
    "年薪": "year", "每小时": "hour", "by the hour": "hour", "pro stunde": "hour", "pro jahr": "year",
    "pro monat": "month", "por hora": "hour", "por mes": "month", "par heure": "hour", "par mois": "month",
    "मासिक": "month", "सालाना": "year", "वार्षिक": "year",
    **words.UNIT_BEFORE,
}
# Anywhere in the text (last resort): explicit "per hour"-style phrases only, not "weekly", which is
# as often a payment schedule ("paid weekly") as a rate.
_UNIT_ANYWHERE = re.compile(
    r"""(?:\bper\s+|/\s*|\ban?\s+)(?P<noun>hour|hr|h|day|week|wk|month|mo|year|yr|annum|task|item|label)(?![a-z])
      | (?P<adj>hourly|per\s+annum|annually|annual\s+salary|yearly|salaire\s+horaire|taux\s+horaire|stundenlohn
            |salario\s+por\s+hora)(?![a-z])""",
    re.X | re.I,
)
_NEGATED_BEFORE = re.compile(r"\b(?:instead\s+of|rather\s+than|not|never|no\s+longer)\s*$", re.I)
_HOURLY_WORDS = frozenset({"salaire horaire", "taux horaire", "stundenlohn", "salario por hora"})
# "20 hours per week", "40 horas por semana", "60 heures de travail par mois": a time commitment.
_DURATION_BEFORE = re.compile(
    r"\d\s*(?:-\s*\d+\s*)?(?:hours?|hrs?|h|horas?|heures?|stunden|std\.?|ore|uur|часов|часа|jam|saat)"
    r"(?:\s+(?:de\s+travail|de\s+trabajo|de\s+trabalho|of\s+work))?\s*$",
    re.I,
)

# --- Flags and traps ---------------------------------------------------------------------------------

_FLAG_BEFORE = re.compile(
    r"""(?:
        (?P<up_to>up\s*-?\s*to|upto|as\s+much\s+as|no\s+more\s+than|not\s+more\s+than|(?:not|no)\s+higher\s+than
            |less\s+than|under|n[ãa]o\s+passa\s+de|at\s+maximum,?|maximum\s+of|tops?\s+out\s+at|capped\s+at
            |menos\s+de|weniger\s+als|moins\s+de|moins\s+d['’]|unter|ne\s+d[ée]passe\s+pas(?:\s+les)?|n['’]exc[ée]d\w*
            |below|max(?:imum)?\.?|bis\s+zu|jusqu['’]?\s*à|hasta|até|up\s+till|[تي]صل\s+إلى|حتى|fino\s+a
            |al\s+massimo|(?<!\w)до|soars?\s+to|(?:can\s+)?soar\s+to|sięga\w*(?:\s+nawet)?|(?<!\w)nawet|(?:can\s+)?reach(?:es)?)
      | (?P<at_least>from|starting(?:\s+(?:at|from))?|starts?\s+at|at\s+least|higher\s+than|m[áa]s\s+de
            |mehr\s+als|plus\s+de|plus\s+d['’]|mais\s+de|über
            |min(?:imum)?\s+(?:hourly\s+)?(?:pay|reward|rate|payment)(?:\s+allowed)?\s+(?:of|is)
            |min(?:imum)?\.?(?:\s+of)?
            |no\s+less\s+than|not\s+less\s+than|more\s+than|over|above|upwards\s+of|ab|à\s+partir\s+de
            |a\s+partir\s+de|desde|dès|almeno|a\s+partire\s+da|più\s+di|oltre|(?<!\w)от|(?<!\w)свыше
            |ultrapassar|exceed(?:s|ing)?|northward\s+of)
      | (?P<approx>~|≈|∼|about|around|approx(?:\.|imately)?|roughly|circa|ca\.|c\.|est(?:imated|\.)?
            |nearly|almost|close\s+to|ungefähr|environ|aprox(?:\.|imadamente)?|cerca\s+de)
      | (?P<between>between|entre|zwischen|بين)
    )(?:\s+(?:los|las|les|the|de|os|as))?[\s:"“”'‘’]*$""",
    re.X | re.I,
)
# The same bounds in more languages (collectors.pay_words), tried when the words above are not there.
_WORD_FLAG_BEFORE = re.compile(
    rf"""(?<![\w])(?:
        (?P<up_to>{_alternation(words.UP_TO_BEFORE)})
      | (?P<at_least>{_alternation(words.AT_LEAST_BEFORE)})
      | (?P<approx>{_alternation(words.APPROX_BEFORE)})
      | (?P<between>{_alternation(words.BETWEEN_BEFORE)})
    )[\s:"“”'‘’]*$""",
    re.X | re.I,
)
_WORD_FLAG_LAST = frozenset(
    phrase.split()[-1].lower()
    for phrase in (*words.UP_TO_BEFORE, *words.AT_LEAST_BEFORE, *words.APPROX_BEFORE, *words.BETWEEN_BEFORE)
)
# "At maximum, this pays $10.20 an hour": a bound that opens its clause.
_CLAUSE_FLAG = re.compile(
    r"""(?:^|(?<=[.;!?]\s))(?:
        (?P<up_to>at\s+(?:maximum|most|best)|maximum)
      | (?P<at_least>at\s+(?:minimum|least))
      | (?P<approx>(?!x)x)
      | (?P<between>(?!x)x)
    )\s*,\s*(?:[A-Za-z']+\s+){1,3}$""",
    re.X | re.I,
)
_FLAG_AFTER = re.compile(
    rf"""(?P<plus>\+)(?![\d.,])  # "$20/h+" (a spaced " + " adds something else: "+ bonuses")
    | [\s/,(-]*(?:
        (?P<at_least>or\s+more|and\s+up(?!\s*-?\s*to\b)|and\s+above|or\s+higher|or\s+above|o\s+m[áa]s|ou\s+mais|oder\s+mehr
            |[～〜](?!\s*\d))
      | (?P<up_to>max(?:imum)?(?![a-z])|at\s+most|or\s+less|tops)
      | (?P<at_least2>{_alternation(words.AT_LEAST_AFTER)})
      | (?P<up_to2>{_alternation(words.UP_TO_AFTER)})
    )""",
    re.X | re.I,
)
_RANGE_GAP = re.compile(
    r"^\s*\(?\s*(?:-{1,2}|-?d[əae]n|-?t[əae]n|to|up\s+to|bis|à|a|até|hasta|до|~|～|〜|to\s+a\s+maximum\s+of"
    r"|or|ou|oder|o"
    rf"|{_alternation(words.RANGE_TO_WORDS)}|{_alternation(words.RANGE_AND_WORDS)}"
    r"|(?:and|&|y|e|und|et|و)(?:\s+(?:los|las|les|the|os|as|a\s+maximum\s+of|a\s+max\.?\s+of))?)\s*$",
    re.I,
)
_RANGE_AND_WORDS = frozenset(("and", "&", "y", "e", "und", "et", "و", *words.RANGE_AND_WORDS))
_TRAP_BEFORE = re.compile(
    r"""(?:\bprice[ds]?|\bpriced\s+at|\bpricing|\bcosts?|\bfees?|\bsubscription|\braised|\braising
        |\braises|\bvaluation|\bvalued\s+at|\brevenue|\bseries\s+[a-f]|\bfunding|\bprize\s+pool
        |\bprizes?(?:\s+of)?|\btuition|\bworth|\bsold\s+for|\bsell(?:s|ing)\s+for|\bretail(?:s|ing)?\s+(?:for|at)
        |\bbuy|\bbought(?:\s+(?:a|an|the|my))?|\bpurchased?(?:\s+(?:a|an|the|my))?|\bsave|(?<!direct\s)\bdeposit|\brefund|\bdiscount
        |\bgpa|\bgrade|\bpoint|\bcredit\s+of|\bgift\s+card|\bcharged(?:\s+a)?
        |\bwin|\bbudget|\bplan|\bmembership|\brent(?:\s+(?:is|of))?|\bloans?(?:\s+of)?
        # Prices in other languages: "cuesta 20 dólares", "kostet 9,99 €", "стоит 500 руб."
        |\bprecios?(?:\s+de)?|\bcuestan?|\bcost[oe](?:\s+de)?|\bpreço(?:\s+de)?|\bcustam?|\bprix(?:\s+de)?
        |\bco[uû]te(?:nt)?|\bPreis(?:\s+von)?|\bkostet|\bKosten(?:\s+von)?|(?<!\w)цена|(?<!\w)стоит|(?<!\w)стоимость
        |\bharga|\bbiaya|(?<!\w)कीमत|(?<!\w)سعر
        # A payout threshold is not pay: "Mindestbetrag (meist 10 €)", "minimum payout of $10".
        |\bmindestbetrag\w*(?:\s*\(\s*(?:meist|usually|typically|often))?|\bauszahlungs\w*|\b(?:minimum\s+)?(?:payout|withdrawal|cash-?out)\s+(?:threshold|minimum)(?:\s+(?:is|of))?
        |\bminimum\s+(?:payout|withdrawal|cash-?out)(?:\s+(?:is|of))?
        |\bbalance\s+(?:reaches|hits|is|of|exceeds)(?:\s+(?:at\s+least|over))?
        # Money spent, and a change by an amount, are not pay: "I spent $407", "an increase ... of 70 cents".
        |\bspen(?:t|d|ds|ding)(?:\s+(?:about|around|over|nearly|almost))?
        |\bcharged\s+(?:at\s+)?(?:a\s+)?(?:set|flat|fixed|standard)?|\bfees?\W{0,2}\s+of|\bfees?\s+(?:are|is|was|were|run|start\s+at)(?:\s+(?:about|around|only|just))?
        # The value of an order is what the customer pays: "Brüt Sipariş Tutarı: 150,00 TL".
        |\bsipariş\s+tutar\w*|\border\s+(?:value|total|amount)(?:\s+(?:is|of))?|\bvalor\s+(?:do|del)\s+pedido
        # A limit is not pay: "spending limit of $500 per month", "a withdrawal limit of KSh 70,000".
        |\blimits?(?:\s+(?:is|of|at|set\s+at))?|\blimited\s+to|\bcap(?:ped)?\s+(?:spending|purchases)\s+at
        # What a learner pays: "Lessons are $30 per hour", "classes cost R$ 80 por mês".
        |\b(?:lessons?|classes|courses?|tutoring|coaching|tuition|lecciones|clases|cours|aulas?|Unterricht|Nachhilfe)
            (?:\s+(?:sessions?|fees?))?(?:\s+(?:de|of|d['’]|particulares|privadas|privées|priv[ée]s?)(?:\s+[^\W\d]+)?)?
            \s+(?:are|is|cost|costs|start(?:s|ing)?\s+at|for|at|a|à|priced\s+at|cuestan|cuesta|coûtent|custam|custa|kosten)
            (?:\s+(?:only|just|about|around|from))?
        )\W{0,3}$""",
    re.X | re.I,
)
_TRAP_AFTER = re.compile(
    r"""^[^.;!?]{0,24}?(?:\bsubscription|\bmembership|\bprizes?|\braised|\bfunding|\bround\b
        |\bvaluation|\brevenue|\barr\b|\boff\b|\bdiscount|\bpackage\b|\b(?:be|been|get|is|are)\s+charged
        |(?<!direct\s)\bdeposit|\bbalance\b|\btuition|\bfee|\bfees\b|\bprice|\bgift\s+card|\bvoucher|\bcredits?\b|\bgrant
        |\bin\s+sales|\bvalue\b|\bplan\b|\bper\s+seat
        # A difference is not a rate: "$2.40 more per hour than women", "£3.42 less than if he had been paid".
        |\b(?:more|less)\s+per\s+\w+\s+than\b|\b(?:more|less)\s+than\s+(?:if|what|he|she|they|it|we|would)\b
        |\bworth\s+of\b|\bloans?\b
        # Goods sold by quantity: "₦895 per litre" is a price, not pay.
        |\b(?:per|a|/|for\s+a|for\s+one|for\s+each)\s*(?:litre|liter|gallon|kg|kilo|kilogram|pound\s+of|bottle|pack|bag)s?\b)""",
    re.X | re.I,
)
_CHANGE_OF_BEFORE = re.compile(
    r"\b(?:increase|rise|raise|hike|increment|boost|jump|cut|drop|decrease|reduction|difference)\b[^.;!?\d$£€₹]{0,45}?\bof"
    r"(?:\s+(?:around|about|just|only|nearly|almost|roughly))*\W{0,3}$",
    re.I,
)
_THRESHOLD_VERB_BEFORE = re.compile(
    rf"(?<!\w)(?:{'|'.join(words.THRESHOLD_VERB_STEMS)})(?:\s+(?:the|a|an|of|about|around|over|just|at\s+least|los|las|les|le|la|os|as|die|den|der))*\W{{0,3}}$",
    re.I,
)
_THRESHOLD_VERB_AFTER = re.compile(rf"\s*(?:{'|'.join(words.THRESHOLD_VERB_STEMS)})(?!\w)", re.I)
_CONDITION_BEFORE = re.compile(rf"(?<!\w)(?:{_alternation(words.CONDITION_WORDS)})(?!\w)", re.I)
_DEDUCTIONS_AFTER = re.compile(
    r"[\s,(]*(?:net\s+of|after\s+(?:all\s+)?(?:tax|taxes|fees|commissions?|costs|expenses|deductions)|minus|excluding"
    r"|before\s+(?:tax|taxes|fees|commissions?|deductions)|not\s+counting|sin\s+contar|sem\s+contar)\b",
    re.I,
)
_DEDUCTIONS_BEFORE = re.compile(
    r"\b(?:net\s+of|after|minus|less|excluding|not\s+counting|without\s+counting|sin|sem|ohne|hors|fără\s+să\s+pun"
    r"|después\s+de|depois\s+de|après|nach)\b[^.;!?]{0,70}$",
    re.I,
)
# A payout threshold after the amount: "From an amount of 25 € or more you will get your payout".
_THRESHOLD_AFTER = re.compile(
    r"^[^.;!?]{0,30}?\b(?:get|receive|request|make|cash\s+out)\s+(?:your\s+|a\s+)?(?:payouts?|withdrawals?)\b", re.I,
)
# Costs are not pay: "esses custos incluem combustível, que pode representar entre 100 e 200 euros".
_EXPENSE_WORDS = re.compile(
    r"(?<!after\s)(?<!net\sof\s)\b(?:costs|expenses|custos|despesas|gastos|costes|Kosten|Ausgaben|frais|d[ée]penses|spese"
    r"|costi|koszty|kosztów|náklady|nákladů|расходы|затраты|витрати|kostnader|kosten|uitgaven|costos|kostade|kostar"
    r"|koster|kostet|kosztuje|kosztował\w*|maliyet\w*|giderler\w*|masraf\w*|biaya|ongkos"
    # What a customer pays, and what a platform takes: "the average price for “computer help” is $77",
    # "commission of around Rs 20,000 will have to be paid to Swiggy".
    r"|prices?|commissions?|comisi[óo]n|comisiones|comiss[ãa]o|comiss[õo]es|commissione|komisyon\w*|prowizj\w*)\b",
    re.I,
)
# Bonuses (referral, sign-up, hiring, retention) are pay, but a lump sum: unit "once", never a rate.
# The word for a bonus, in the languages read; the three bonus patterns below (a bonus named right
# after the amount, just before it, or anywhere in its sentence) share it.
_BONUS_NOUN = r"bonus(?:es)?|bonos?|bônus|prämien?"
_BONUS_AFTER = re.compile(
    rf"\s*(?:[\w-]+\s+){{0,2}}?(?:{_BONUS_NOUN}|incentives?|referral\s+(?:reward|payout)s?)\b", re.I,
)
_BONUS_BEFORE = re.compile(
    rf"\b(?:{_BONUS_NOUN}|incentives?|refer(?:ral|\s+a\s+friend)s?|invite\s+a\s+friend)\b[^.;!?$£€₹\d]{{0,40}}$", re.I,
)
# Money in these settings is a price, not pay: "Pro now has two tiers — $100 per month".
_PRICE_HINTS = ("tier", "fare", "subscri", "suscrip", "abonnement", "abo ", "assinatura", "abbonament", "billed",
                "pricing", "pegged", "exchange", "charge", "cost per", "price per",
                "fuel price", "petrol price", "gas price", "gasoline price", "diesel price")
_PRICE_WORDS = re.compile(
    r"\b(?:tiers?|fares?|subscriptions?|subscribe|suscripci[óo]n|abonnements?|abo|assinaturas?|abbonamento|billed"
    r"|pricing|pegged|exchange\s+rate|charges|cost\s+per|price\s+per"
    r"|(?:fuel|petrol|gas|gasoline|diesel)\s+prices?)\b", re.I
)
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
        # Digits of other scripts (Devanagari, Bengali, Arabic-Indic, Persian) read as 0-9.
        **{chr(base + i): str(i) for base in (0x0966, 0x09E6, 0x0660, 0x06F0) for i in range(10)},
        # Arabic short vowels and tanween are not letters of the word: "دولارًا" is "دولارا".
        **{chr(c): "" for c in range(0x064B, 0x0653)},
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
    if "H.I.T" in text:
        text = text.replace("H.I.T.", "HIT").replace("H.I.T", "HIT")  # "$.01 to $.50 per H.I.T."
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
    gross: bool = False  # a bare number said to be gross or net pay: "22.80 brutto" is money


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


# A text is read on its first this many characters: no job post or help page is longer, and every
# reading step is a pass over the text (a hostile megabyte took seconds).
MAX_TEXT_CHARS = 100_000


def _parse_text(text: str | None) -> Pay | None:
    if not isinstance(text, str):
        return None
    text = text[:MAX_TEXT_CHARS]
    if not _HAS_DIGIT.search(text):
        # "less than a dollar an hour": one unit of a currency, written as a word; "dos dólares"
        text = _numbers_in_words(_A_CURRENCY_UNIT.sub(r"1 \1", text))
        if not _HAS_DIGIT.search(text):
            return None
    return _parse(_numbers_in_words(_thousands_in_words(_clean(text))))


# "dos dólares", "neljä euroa", "twenty dollars": a number word right before a currency word.
_CURRENCY_WORD_FORMS = (
    *words.CURRENCY_WORDS, "dollars", "dollar", "dólares", "dólar", "euros", "euro", "pesos", "peso", "reais",
    "pounds", "pound", "rupees", "shillings", "cents", "cent", "centavos", "centimes", "bucks", "naira", "yen",
    "libras", "rands", "francs", "francos", "franken", "zlotys", "złotych",
)
_NUMBER_WORD_CURRENCY = re.compile(
    rf"(?<![\w-])(?P<word>{_alternation(words.NUMBER_WORDS)})\s+(?=(?:{_alternation(_CURRENCY_WORD_FORMS)})(?!\w))",
    re.I,
)


def _numbers_in_words(text: str) -> str:
    text = _NUMBER_WORD_CURRENCY.sub(lambda m: f"{words.NUMBER_WORDS[m.group('word').lower()]} ", text)
    if not text.isascii() and _CJK_NUMERAL_CURRENCY.search(text):
        text = _CJK_NUMERAL_CURRENCY.sub(lambda m: _cjk_number(m.group("num")), text)
    return text


# "一千美元", "两百块", "三万日元": Chinese and Japanese numerals right before a currency word.
_CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
               "八": 8, "九": 9}
_CJK_POWERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "萬": 10_000}
_CJK_NUMERAL_CURRENCY = re.compile(
    r"(?<![\d.,几幾数數多])(?P<num>[零〇一二两兩三四五六七八九十百千万萬]{1,8})(?=(?:美元|美金|欧元|英镑|人民币|块钱|块|元|港元|港币|日元|円|ドル|ユーロ|ポンド))"
)


def _cjk_number(numeral: str) -> str:
    """The digits of a Chinese or Japanese numeral ("一千" → "1000", "三万五千" → "35000", "十五" → "15")."""
    total, section, digit, power = 0, 0, 0, 1
    for char in numeral:
        if char in _CJK_DIGITS:
            digit = _CJK_DIGITS[char]
        elif char in ("万", "萬"):
            total += (section + digit) * 10_000
            section, digit, power = 0, 0, 10_000
        else:
            power = _CJK_POWERS[char]
            section += (digit or 1) * power
            digit = 0
    # A last digit right after a power is a tenth of it: "三千五" is 3,500, "一万二" 12,000.
    last = digit * (power // 10) if digit and power >= 100 and numeral[-2:-1] in _CJK_POWERS else digit
    return str(total + section + last)


# "mil" is a thousand in Spanish and Portuguese ("$296 mil", "7 mil 380 pesos", "mil 500 pesos") and a
# million in English ("$5 mil in funding"): it is read as a thousand only in Spanish or Portuguese text.
_IBERIAN_WORDS = re.compile(r"\b(?:de|que|por|para|los|las|el|la|y|em|os|um|uma|com|pesos|reais|d[óo]lares|en)\b", re.I)
_MIL_AND = re.compile(r"(?<![\w.,])(\d{1,3})\s+mil\s+(\d{3})(?![\d.,]\d)", re.I)
_MIL_ALONE_AND = re.compile(r"(?<!\d\s)(?<![\w.,])\bmil\s+(\d{3})(?![\d.,]\d)", re.I)
_MIL = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,]\d{1,3})?)\s+mil\b(?!\s+mill)", re.I)


def _thousands_in_words(text: str) -> str:
    if "mil" not in text.lower() or len(_IBERIAN_WORDS.findall(text)) < 2:
        return text
    text = _MIL_AND.sub(lambda m: f"{m.group(1)}{m.group(2)}", text)
    text = _MIL_ALONE_AND.sub(lambda m: f"1{m.group(1)}", text)
    return _MIL.sub(lambda m: f"{m.group(1)}k", text)


_A_CURRENCY_UNIT = re.compile(
    r"\b(?:a|one)\s+(dollar|euro|pound|buck|rupee)(?=\s+(?:an?|per|each|every)\s+\w)", re.I,
)


# A text is read on its first this many amounts (numbers, with or without a currency): pay is
# stated long before that in any real text, and each amount costs a few scans of its sentence, so
# a hostile string of thousands of numbers would take seconds.
MAX_AMOUNTS = 500


def _parse(text: str) -> Pay | None:
    amounts = _drop_conversions(text, _amounts(text, limit=MAX_AMOUNTS))
    if not amounts:
        return None
    candidates: list[tuple[int, _Candidate, str | None, str | None]] = []
    # Where each amount with a currency (or said to be gross or net) ends, in order: the floor of
    # an amount is the last of them before it.
    money_ends = sorted(a.end for a in amounts if a.code or a.symbol or a.gross)
    i = 0
    while i < len(amounts):
        first = amounts[i]
        last = first
        unit_match = _UNIT_AFTER.match(text, first.end)
        if i + 1 < len(amounts):
            nxt = amounts[i + 1]
            gap_start = unit_match.end() if unit_match else first.end
            gap = text[gap_start : nxt.start] if gap_start <= nxt.start else text[first.end : nxt.start]
            if _RANGE_GAP.match(gap) and (
                _range_allowed(text, first, gap, nxt) or _or_range(first, nxt, gap)
            ):
                last = nxt
                unit_match = _UNIT_AFTER.match(text, last.end)
                if _changed_before(text, first.start):
                    first = nxt  # "will rise by Sh2,058 to Sh36,360": the pay is now Sh36,360
        skip = 0
        if last is first:
            listed = _listed_range(text, amounts, i)
            if listed is not None:  # "1, 2 o 3 dólares por tarea": the list's ends are a range
                last = amounts[listed]
                unit_match = _UNIT_AFTER.match(text, last.end)
                skip = listed - i - 1
        if last is first and i + 1 < len(amounts):
            for ahead in range(i + 1, min(i + 3, len(amounts))):
                spread = _spread_range(text, first, amounts[ahead], unit_match)
                if spread is not None:
                    first, last = spread
                    unit_match = _UNIT_AFTER.match(text, first.end)
                    if unit_match is None or _unit_from_match(unit_match, is_bare=False)[0] is None:
                        unit_match = _UNIT_AFTER.match(text, last.end)
                    skip = ahead - i - (0 if last is first else 1)
                    break
                if amounts[ahead].code or amounts[ahead].symbol:
                    break  # only bare numbers ("in September 2017") are looked past
        i += skip + (2 if last is not first else 1)
        at = bisect.bisect_right(money_ends, first.start)
        floor = money_ends[at - 1] if at else 0
        candidate = _candidate(text, first, last, unit_match, floor)
        if candidate is not None and _changed_before(text, first.start):
            candidate.flags.discard("at_least")  # "up from around $1.50": a past value, not a bound
        if candidate is None:
            continue
        code, symbol = _currency(text, first, last)
        if code is None and symbol is None and candidate.unit is not None:
            code = _script_currency(text)  # "収入:5~6万/月": a bare amount in Japanese text is yen
        has_currency = bool(code or symbol)
        top = candidate.high if candidate.high is not None else candidate.low
        if candidate.unit is None and top >= 1e6 and code in _NO_MILLION_SALARIES and symbol in _NO_MILLION_SIGNS:
            continue  # "have paid around $4,505,526.98": a dollar, euro or pound sum in millions is a total
        if not has_currency and candidate.unit is None and not _bare_k_range(first, last) and not (first.gross or last.gross):
            continue
        if first.word_currency and last.word_currency and candidate.unit is None and code is None and (
            symbol not in ("$", "Rs", "¢") or first.value < 1
        ):
            continue  # "pesos", "shillings", "cents" alone do not say which currency or rate
        # A bonus is pay but no rate: it wins only over nothing ("puede ganar más de $ 31.701, con pagos
        # adicionales de $ 9.575 entre bonos" is $31,701), and a rate wins over it.
        unit_score = 0 if candidate.unit is None or candidate.unit == "once" else 2
        score = unit_score + (1 if has_currency else 0)
        # "ganaba mil 500 pesos semanales, y ahora ... obtiene 500 pesos al día": the pay now wins a tie
        now = 1 if _NOW_BEFORE.search(text, max(0, candidate.first.start - 40), candidate.first.start) else 0
        candidates.append((score * 2 + now, candidate, code, symbol))
    if not candidates:
        return None
    best = max(candidates, key=lambda c: c[0])  # max keeps the first of equal scores
    _, candidate, code, symbol = best
    if code is None and symbol is None and _lakh_rupees(text, candidate.first, candidate.last):
        code = "INR"  # "6 - 9 Lakhs per annum", "CTC: 3.5 - 5 LPA": an Indian salary
    return _to_pay(text, candidate, code, symbol)


_PAY_VERB = re.compile(rf"(?<!\w)(?:{_alternation(words.PAY_VERB_STEMS)})", re.I)
_NO_MILLION_SALARIES = frozenset({None, "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "SGD"})
_NO_MILLION_SIGNS = frozenset({None, "$", "€", "£", "US$", "CA$", "A$", "C$", "S$", "NZ$"})
# Kana, or kanji written only in Japan (shinjitai forms and kokuji: "収入" is 收入 in Chinese).
_KANA = re.compile(r"[\u3040-\u30ff収円働払駅売続険験気労営対込応様単価歳総実経読県従]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_THAI = re.compile(r"[\u0e00-\u0e7f]")


def _script_currency(text: str) -> str | None:
    """The currency of a bare amount from the script the text is written in, where one country writes
    it: kana or kanji written only in Japan (Japan), Hangul (Korea), Thai."""
    if _KANA.search(text):
        return "JPY"
    if _HANGUL.search(text):
        return "KRW"
    if _THAI.search(text):
        return "THB"
    return None


_NOW_BEFORE = re.compile(
    r"(?<!\w)(?:now|nowadays|currently|today|ahora|actualmente|hoy|agora|atualmente|hoje|maintenant|aujourd'hui"
    rf"|jetzt|heute|derzeit|{_alternation(words.NOW_WORDS)})(?!\w)[^.;!?$£€₹\d]{{0,35}}$",
    re.I,
)
# "from $15/hr entry-level annotators to $1,000/hr domain experts": a range spread over a sentence;
# "increased by 0.8% from £31,929 in September to £32,174 in October": a change, the last is now.
_PAREN_TO = re.compile(
    rf"^\s*\([^()]{{1,30}}\)\s*(?:to|-|–|bis|a|hasta|até|{_alternation(words.RANGE_TO_WORDS)})\s*$", re.I
)
_FROM_BEFORE = re.compile(
    r"\b(?:from|by|starts?\s+at|starting\s+at|begins?\s+at|beginning\s+at)\s+(?:as\s+little\s+as\s+|as\s+low\s+as\s+"
    r"|about\s+|around\s+|roughly\s+)?$",
    re.I,
)
_TO_LATER = re.compile(r"^[^.;!?]{0,90}?\b(?:up\s+)?to\b[^.;!?\d]{0,45}$", re.I)
_CHANGE_BEFORE = re.compile(
    r"(?<!\w)(?:increase[sd]?|rise[sn]?|rising|rose|raised?|grew|grow[sn]?|fell|falls?|dropp?(?:ed|s)?|reduced?|reduces"
    r"|cut|cuts|jump(?:ed|s)?|climb(?:ed|s)?|went|changed?|up|down|lower(?:ed|s|ing)?|slash(?:ed|es)?|decrease[sd]?"
    r"|declined?|dipped|plunged|plummeted|sank|soared|doubled|halved|moved|shifted"
    # the same in Spanish, Portuguese, French, German and Italian
    r"|baj[óo]|bajaron|subi[óo]|subieron|cay[óo]|cayeron|pas[óo]|pasaron|reduj(?:o|eron)|aument(?:ó|o|aron|ou)"
    r"|disminuy[óo]|recort[óo]|caiu|ca[íi]ram|subiram|passou|passaram|reduziu|diminuiu|baixou|cortou"
    r"|pass[ée]e?s?|baiss[ée]e?s?|augment[ée]e?s?|diminu[ée]e?s?|tomb[ée]e?s?|chut[ée]e?s?|r[ée]duite?s?"
    r"|sank|sanken|stieg|stiegen|fiel|fielen|gesenkt|erh[öo]ht|gesunken|gestiegen|reduziert|gek[üu]rzt"
    r"|sces[oa]|salit[oa]|passat[oa]|ridott[oa]|aumentat[oa]|calat[oa])(?!\w)"
    r"(?:(?!\.\s)[^;!?$£€₹]){0,30}?(?<!\w)(?:from|by|de|desde|von|da|di|od|от)(?!\w)"
    r"[^.;!?]{0,25}$",
    re.I,
)
_FROM_WORDS = ("from", "by", "de", "desde", "von", "da", "di", "od", "от")


def _changed_before(text: str, start: int) -> bool:
    window = text[max(0, start - 45) : start].lower()
    if not any(word in window for word in _FROM_WORDS):
        return False
    if _CHANGE_BEFORE.search(text, max(0, start - 45), start) is not None:
        return True
    # "will see an increase to their hourly wage of around just 70 cents, from $1.50 to $2.20": a change
    # named earlier in the clause, then "from X to Y"
    # (with no pay verb between: "After the raise, riders were paid from $15 to $20" is a range)
    if not _JUST_FROM_BEFORE.search(text, max(0, start - 12), start):
        return False
    changes = list(_CHANGE_NOUN.finditer(text, _clause_start(text, max(0, start - 160), start), start))
    return bool(changes) and not _PAID_VERB.search(text, changes[-1].end(), start)


# Not `_PAY_VERB`: its stems match the noun "pay" too ("their hourly pay of about 60 cents"), which
# is what a change names; a verb of being paid between the change and the amount makes it a range.
_PAID_VERB = re.compile(
    r"(?<!\w)(?:paid|earn(?:s|ed|ing)?|makes?|made|making|receiv\w*|gets?|got|pagad[oa]s?|pagan|ganan?|recib\w*"
    r"|receb\w*|ganh\w*|pay[ée]s?|gagn\w*|touch\w*|bezahlt|verdien\w*|bekomm\w*)(?!\w)",
    re.I,
)
_JUST_FROM_BEFORE = re.compile(r"(?<!\w)(?:from|desde|von|od|от)\s+$", re.I)  # not "de": "mais de R$ 1.300"
_CHANGE_NOUN = re.compile(
    r"(?<!\w)(?:increases?|rises?|raises?|hikes?|increments?|cuts?|reductions?|decreases?|drops?|aumentos?|subidas?"
    r"|recortes?|reducci[óo]n|reajustes?|augmentations?|hausses?|baisses?|erh[öo]hung(?:en)?|senkung(?:en)?"
    r"|kürzung(?:en)?|aumenti|riduzion[ei]|podwyżk\w*|obniżk\w*|повышени\w*|снижени\w*)(?!\w)",
    re.I,
)


def _spread_range(
    text: str, first: _Amount, nxt: _Amount, unit_match: re.Match[str] | None
) -> tuple[_Amount, _Amount] | None:
    """(first, last) of a "from X ... to Y" range, (Y, Y) for a change "from X to Y", else None."""
    gap_start = unit_match.end() if unit_match is not None else first.end
    if not _FROM_BEFORE.search(text, max(0, first.start - 25), first.start):
        # "$18/hr (Level 1) to $25/hr (Level 3)": a range with a note on each end
        same = (first.code or first.symbol) is not None and (first.code or first.symbol) == (nxt.code or nxt.symbol)
        if same and gap_start <= nxt.start and _PAREN_TO.match(text[gap_start : nxt.start]):
            return first, nxt
        return None
    if gap_start > nxt.start or not _TO_LATER.match(text[gap_start : nxt.start]):
        return None
    if (first.code or first.symbol) != (nxt.code or nxt.symbol):
        return None
    # "$40 per hour and up to $400 per day": two rates in different units are not one range
    later = _UNIT_AFTER.match(text, nxt.end)
    if unit_match is not None and later is not None:
        first_unit = _unit_from_match(unit_match, is_bare=False)[0]
        later_unit = _unit_from_match(later, is_bare=False)[0]
        if first_unit is not None and later_unit is not None and first_unit != later_unit:
            return None
    if _changed_before(text, first.start):
        return nxt, nxt
    return first, nxt


# A bare number said to be gross or net is money with its currency unstated: "Max. 3900 brutto",
# "na godzinę jest 22.80 brutto", "2.500 netto".
_GROSS_NET_AFTER = re.compile(r"\s?(?:brutto|netto|bruto|neto|brut)(?!\w)", re.I)
# A case ending joined to a currency by an apostrophe (Turkish): "100 TL’ye kadar", "50 TL'den fazla".
_CASE_ENDING = re.compile(r"['’](?:[yn]?[eaıiuü]|[dt][ea]n|[dt][ea]|l[ıiuü]k|[yn]?[ıiuü]n)(?![\w])")
# A bare number right before an hour word in a script that writes no space: a length of time.
_DURATION_AFTER = re.compile(r"\s?(?:時間|小時|小时|個小時|个小时|시간)")


def _amounts(text: str, *, limit: int | None = None) -> list[_Amount]:
    """The amounts of `text` in order (the first `limit` of them)."""
    found: list[_Amount] = []
    for match in _NUMBER.finditer(text):
        if limit is not None and len(found) >= limit:
            break
        start, end = match.start(), match.end()
        if text[end : end + 2].lstrip()[:1].lower() in _PERCENT_STARTS and _PERCENT_AFTER.match(text, end):
            continue
        suffix = (match.group("suffix") or "").strip()
        suffix_key = suffix.lower()
        pre = _PRE_CURRENCY.search(text, max(0, start - 8), start)
        if pre is not None and pre.group("peso") and not _peso_amount(text, pre, start, match.group("num")):
            pre = None  # "P90" is a percentile, "P1" a priority
        if suffix_key in _HUGE_SUFFIXES and not _million_salary(text, match, pre, suffix_key):
            continue  # millions and billions are funding, prizes or aggregates, never a rate
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
                case_ending = _CASE_ENDING.match(text, amount_end)
                if case_ending is not None:
                    amount_end = case_ending.end()  # "100 TL’ye kadar": the ending belongs to the amount
        if suffix_key == "l" and code != "INR":
            continue
        if code is None and symbol is None and _DURATION_AFTER.match(text, end):
            continue  # "1時間あたり1,500円", "2小时": a length of time, not money
        value = _number(match.group("num"), code)
        if value is None:
            continue
        factor = _SUFFIX_FACTORS.get(suffix_key, 1.0)
        found.append(
            _Amount(
                start=amount_start, end=amount_end, raw=match.group("num"), value=value, factor=factor,
                has_suffix=bool(suffix), suffix=suffix_key, plus=bool(match.group("plus")),
                code=code, symbol=symbol, cents=cents, word_currency=word_currency,
                gross=code is None and symbol is None and _GROSS_NET_AFTER.match(text, end) is not None,
            )
        )
    return found


def _peso_amount(text: str, pre: re.Match[str], start: int, raw: str) -> bool:
    """Whether "P" before a number is a peso sign: joined to it and before 3+ digits, or 2 digits
    beside another such amount ("P50 to P100 a day")."""
    if pre.end() != start:
        return False
    digits = sum(c.isdigit() for c in raw.split(".")[0])
    return digits >= 3 or (digits == 2 and _PESO_3_DIGITS.search(text) is not None)


_PESO_3_DIGITS = re.compile(r"(?<![A-Za-z])P\d{1,3}(?:,\d{3})+|(?<![A-Za-z])P\d{3,}")


def _million_salary(text: str, number: re.Match[str], pre: re.Match[str] | None, suffix: str) -> bool:
    if suffix not in _MILLION_SUFFIXES:
        return False
    if suffix in words.MILLION_WORDS:  # "6 triệu đồng/tháng": salaries in đồng run to millions
        return True
    if _MILLION_SALARY_AFTER.match(text, number.end()):
        return True
    sign = pre.group(0).strip() if pre is not None else ""
    after = text[number.end() : number.end() + 5].strip()[:3]
    return sign in _MILLION_SALARY_CURRENCIES or after in _MILLION_SALARY_CURRENCIES


def _drop_conversions(text: str, amounts: list[_Amount]) -> list[_Amount]:
    """Amounts that are a conversion of the one before them are dropped, and the rate keeps the unit
    written after the conversion: "£9.00 / $12.00 per hour", "Sh250 ($2.20) per hour",
    "400 000 ariary, soit 80 euros par mois" are £9, Sh250 and 400,000 ariary."""
    kept: list[_Amount] = []
    for amount in amounts:
        previous = kept[-1] if kept else None
        if previous is not None and (previous.code or previous.symbol) and (amount.code or amount.symbol):
            gap = text[previous.end : amount.start]
            other_currency = (previous.code or previous.symbol) != (amount.code or amount.symbol)
            if _CONVERSION_OPEN.match(gap) and (other_currency or _close_values(previous, amount)):
                close = _CONVERSION_CLOSE.match(text, amount.end)
                if close is None:
                    unit = _UNIT_AFTER.match(text, amount.end)
                    if unit is not None and _CONVERSION_CLOSE.match(text, unit.end()):
                        previous.end = amount.end
                        continue
                else:
                    previous.end = close.end()
                    continue
            elif other_currency and _CONVERSION_BETWEEN.match(gap):
                previous.end = amount.end
                continue
        kept.append(amount)
    return kept


def _close_values(a: _Amount, b: _Amount) -> bool:
    """Whether two amounts in one currency are the same figure twice (a restatement, not a second
    rate): "£2.25 (£9.00/hr)" is a reward and its hourly rate, not a conversion."""
    return math.isclose(a.value * a.factor, b.value * b.factor, rel_tol=0.05)


_CONVERSION_OPEN = re.compile(
    r"^\s*\(\s*(?:(?:or|ou|o|oder|about|approx\.?|approximately|around|roughly|c\.|ca\.|~|≈|i\.e\.|soit|約|约|약|대략"
    r"|that's|that\s+is|that’s|which\s+is|c'est|es\s+decir|ou\s+seja|d\.\s?h\."
    r"|около|примерно|noin|n\.|asi|cca\.?|circa|environ|cerca\s+de|aprox\.?|aproximadamente|ok\.|około|ongeveer|etwa|ca"
    r"|equivalent\s+to|equal\s+to|about)\s*)?$",
    re.I,
)
_CONVERSION_CLOSE = re.compile(r"\s*\)")
_CONVERSION_BETWEEN = re.compile(
    r"^\s*(?:/|,?\s*(?:soit|i\.e\.|that\s+is|or\s+(?:about|around|roughly|close\s+to)|equivalent\s+to"
    r"|which\s+is\s+(?:like|about|around|roughly))"
    # "1,500 bolívares, about $1, per week", "KSh 500 – roughly $3.85 – a day"
    r"|\s*[,–—]\s*(?:about|around|roughly|approximately|approx\.?|some|nearly|almost|just\s+over|just\s+under"
    r"|unos|unas|cerca\s+de|alrededor\s+de|environ|cerca|etwa|rund|ungefähr))\s*$",
    re.I,
)


def _pre_currency(match: re.Match[str]) -> tuple[str | None, str | None]:
    if match.group("dpre") or match.group("dpre1"):
        prefix = match.group("dpre") or match.group("dpre1")
        code = _DOLLAR_PREFIXES[prefix]
        return code, f"{prefix}$"
    if match.group("usd"):
        return "USD", match.group("usd")
    if match.group("peso"):
        return "PHP", "P"
    if match.group("dollar"):
        return None, "$"
    if match.group("sym"):
        sym = match.group("sym")
        return _SYMBOLS[sym], sym
    if match.group("letters"):
        letters = match.group("letters")
        return _LETTER_MARKS.get(letters.lower()), letters
    code = words.CODE_ALIASES.get(match.group("code"), match.group("code"))
    if code in ISO_CODES:
        return code, None
    return None, None


def _post_currency(match: re.Match[str]) -> tuple[str | None, str | None, bool, bool]:
    """(code, symbol, is a currency word, is cents)."""
    if match.group("code"):
        code = match.group("code").upper()
        code = words.CODE_ALIASES.get(code, code)  # "20,000 KSH"
        return (code, None, False, False) if code in ISO_CODES else (None, None, False, False)
    if match.group("dollar"):
        return None, "$", False, False
    if match.group("sym"):
        sym = match.group("sym")
        return _SYMBOLS[sym], sym, False, sym == "¢"
    if match.group("cent_c"):
        of = (match.group("cent_of") or "").lower()
        return ("EUR", "€", False, True) if of.startswith("eur") else ("USD" if of else None, "¢", False, True)
    if match.group("letters"):
        letters = match.group("letters")
        return _LETTER_MARKS.get(letters.lower()), letters, False, False
    if match.group("joined"):
        joined_code, joined_sign = words.CURRENCY_WORDS_JOINED[match.group("joined")]
        return joined_code, joined_sign, False, False
    if match.group("word2"):
        form = match.group("word2").lower()
        word_code, word_sign = words.CURRENCY_WORDS[form]
        return word_code, word_sign, True, form in words.CENT_WORDS
    word = match.group("word").lower().replace(".", "").replace(" ", "")
    if word.startswith(("centavo", "centime")):  # "centavos de dólar", "centimes d'euro": hundredths
        return ("EUR", "€", True, True) if "euro" in word else (None, "¢", True, True)
    key = word if word in _WORD_CURRENCIES else word.removesuffix("s")
    code, symbol = _WORD_CURRENCIES.get(key, (None, None))
    return code, symbol, True, key in _CENT_WORDS


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


_BETWEEN_AFTER = re.compile(rf"\s*(?:{_alternation(words.BETWEEN_AFTER)})(?!\w)", re.I)


def _range_allowed(text: str, first: _Amount, gap: str, last: _Amount | None = None) -> bool:
    word = gap.strip().lower()
    if "max" in word:  # "a minimum of KSh 15,000 and a maximum of KSh 50,000"
        return True
    if word in ("or", "ou", "oder", "o"):
        # "$14 or $14.50 an hour" is a range; "£6 or $8" and "$5 or $500" are not
        return False
    if word.split(" ", 1)[0] in _RANGE_AND_WORDS:
        if last is not None and _BETWEEN_AFTER.match(text, last.end):
            return True  # "250 és 600 ezer forint között": "between" after the pair
        before = _flag_before(text, first.start)
        return before is not None and before.group("between") is not None
    return True


_LIST_COMMA = re.compile(r"\s*,\s*")
_LIST_LAST = re.compile(r"\s*,?\s*(?:or|and|o|ou|y|e|et|oder|und)\s+", re.I)


def _listed_range(text: str, amounts: list[_Amount], i: int) -> int | None:
    """ "1, 2 o 3 dólares por tarea", "2, 3 or 4 dollars": bare numbers listed up to one that names
    its currency, rising and within ten times the first, are a range from the first to the last.
    Returns the index of the last amount, or None. A digit group after a comma ("5, 500 টাকা") has
    no "or" and is no list; a currency word needs a unit after it, as alone."""
    first = amounts[i]
    if first.code or first.symbol or first.word_currency or first.value <= 0:
        return None
    j = i
    while j + 1 < len(amounts):
        here, nxt = amounts[j], amounts[j + 1]
        gap = text[here.end:nxt.start]
        if nxt.value <= here.value or nxt.value > 10 * first.value:
            return None
        if _LIST_LAST.fullmatch(gap):
            if nxt.word_currency:
                # A currency word is pay only with a unit after it ("in 2019, 2020 or 2021 dollars").
                unit = _UNIT_AFTER.match(text, nxt.end)
                return j + 1 if unit and _unit_from_match(unit, is_bare=False)[0] else None
            return j + 1 if nxt.code or nxt.symbol else None
        if not _LIST_COMMA.fullmatch(gap) or nxt.code or nxt.symbol or nxt.word_currency:
            return None
        j += 1
    return None


def _or_range(first: _Amount, last: _Amount, gap: str) -> bool:
    """ "$14 or $14.50 an hour": two close amounts in one currency joined by "or" are a range."""
    if gap.strip().lower() not in ("or", "ou", "oder", "o"):
        return False
    same_sign = (first.code or first.symbol) is not None and (first.code or first.symbol) == (last.code or last.symbol)
    return same_sign and 0 < first.value <= last.value <= 2 * first.value


def _bare_k_range(first: _Amount, last: _Amount) -> bool:
    """ "120k-150k", "6 - 9 Lakhs": thousands or lakhs on both ends of a range read as a salary even
    without a currency."""
    if first is last:
        return False
    if last.suffix in _LAKH_SUFFIXES:
        return True
    return last.suffix == "k" and first.value * first.factor >= 1000


# Lakhs and crores are written in Pakistan, Bangladesh and Nepal too: a bare amount in lakhs is read
# as rupees only when nothing in the text points to one of those.
_NOT_INDIAN = re.compile(r"[\u0980-\u09ff]|\b(?:pakistan\w*|PKR|bangladesh\w*|BDT|taka|nepal\w*|NPR|sri\s+lanka\w*|LKR)\b", re.I)


def _lakh_rupees(text: str, first: _Amount, last: _Amount) -> bool:
    """Whether a bare amount in lakhs, crores or LPA is Indian rupees."""
    return (
        (first.suffix in _LAKH_SUFFIXES or last.suffix in _LAKH_SUFFIXES or "lpa" in (first.suffix, last.suffix))
        and _NOT_INDIAN.search(text) is None
    )


_LAKH_SUFFIXES = frozenset({"lakh", "lakhs", "lac", "lacs", "लाख", "crore", "crores", "करोड़"})


def _candidate(
    text: str, first: _Amount, last: _Amount, unit_match: re.Match[str] | None, floor: int = 0
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
    if unit is None:
        compound = _PERIOD_COMPOUND_AFTER.match(text, last.end)
        if compound is not None:  # "150–180 euron päiväansioihin", "2.800 euro maandsalaris"
            unit = next(period for period in _PERIODS if compound.group(period))
            unit_end = compound.end()
    if not (first.code or first.symbol or last.code or last.symbol) and _HOURS_AFTER.match(text, last.end):
        return None  # "36 hrs per week" is a time commitment, not money
    # Words just before the amount: flags first ("up to"), then a unit ("Hourly rate:").
    cursor = first.start
    bound: str | None = None  # the bound word nearest the number wins: "hasta más de 1000" is "more than"
    for _ in range(3):
        flag = _flag_before(text, cursor)
        if flag is None:
            break
        names = [name for name in ("up_to", "at_least", "approx", "between") if flag.group(name)]
        flags.update(name for name in names if name not in ("up_to", "at_least"))
        if bound is None:
            bound = next((name for name in names if name in ("up_to", "at_least")), None)
        cursor = flag.start()
    if bound is None:
        phrase = _BOUND_PHRASE_BEFORE.search(text, max(0, cursor - 70), cursor)
        if phrase is not None:
            bound = "at_least" if phrase.group("at_least") else "up_to"
    if bound is not None:
        flags.add(bound)
    if first is last and _BETWEEN_WORDS_AND.search(text, max(0, cursor - 60), cursor):
        flags.add("up_to")  # "between a couple of dollars and about $40": only the top is a number
    if unit is None:
        before = _unit_before(text, cursor)
        if before is not None:
            unit = _BEFORE_UNIT_WORDS.get(_SPACES.sub(" ", before.group("word").lower()))
    if unit is None and ":" in text[max(0, cursor - 4) : cursor]:
        label = _PER_NOUN_BEFORE.search(text, max(0, cursor - 80), cursor)
        media = _PER_MEDIA_BEFORE.search(text, max(0, cursor - 80), cursor)
        if media is not None:
            unit, unit_factor = "minute", _MEDIA[media.group("media").lower()]
        elif label is not None:
            unit = _NOUN_UNIT.get(label.group("noun").lower())  # type: ignore[assignment]
    if unit is None:
        media_later = _media_later(text, last.end)
        if media_later is not None:
            unit, unit_factor = "minute", media_later  # "That $50 rate was for an hour of audio"
    after = _FLAG_AFTER.match(text, unit_end)
    if after is None and unit_end != last.end:
        after = _FLAG_AFTER.match(text, last.end)
    if after is not None:
        flags.update(name for name in ("up_to", "at_least") if after.group(name) or after.group(f"{name}2"))
    plus_after = after is not None and bool(after.group("plus"))
    if first is last and (first.plus or plus_after):
        flags.update(("at_least", "approx"))
    if first is not last and (last.plus or plus_after):
        flags.add("approx")
    if unit is None and (first.code or first.symbol or last.code or last.symbol) and _PIECE_HEAD_AFTER.match(text, last.end):
        unit = "task"  # "a $5 task", "meinen 0,06 Euro-Job": the amount names what one piece pays
    session = unit is None and _SESSION_AFTER.match(text, unit_end) is not None
    if session:
        unit = "task"  # "£100 cash incentives for a 45 minute research session": what one session pays
    if _is_trap(
        text, cursor, unit_end, output_rate=unit in ("task", "item"), amount_start=first.start, amount_end=last.end,
        paid_in_kind=session,
    ):
        return None
    if unit is None and _is_bonus(text, cursor, unit_end):
        unit = "once"
        bonus = _BONUS_AFTER.match(text, unit_end)
        per_unit = _UNIT_AFTER.match(text, bonus.end()) if bonus is not None else None
        per_output = _unit_from_match(per_unit, is_bare=False)[0] if per_unit is not None else None
        if per_output in OUTPUT_UNITS:  # "$3 bonus per task" is paid per task; a bonus is never time pay
            unit = per_output
    if unit is None and (first.code or first.symbol or last.code or last.symbol or first.gross or last.gross):
        unit = _unit_in_clause(text, floor, cursor)
    if unit is None and _EACH_AFTER.match(text, last.end):
        unit = _each_noun_unit(text, floor, cursor)  # "Tasks pay between 10 and 50 cents each"
    if unit is None and (first.code or first.symbol or last.code or last.symbol) and _action_label(text, cursor):
        unit = "task"  # "Voter pour une vidéo sur Youtube : 10 cents": a list of pieces of work and their pay
    if unit is None and _DURATION_LABEL_BEFORE.search(text, max(0, cursor - 30), cursor):
        unit = "task"  # "30 Minutes: $60": an incentive for a session of that length
    if unit is None and _TIMED_TASK_BEFORE.search(text, max(0, cursor - 50), cursor):
        unit = "task"  # "Short test (5-7 minutes) $4": a piece of work described by its length
    if unit is None and (
        _TOTAL_AFTER.match(text, unit_end) or _TOTAL_BEFORE.search(text, max(0, first.start - 40), first.start)
    ):
        return None
    return _Candidate(first, last, low, high, unit, unit_factor, unit_end, flags)


# An amount before the noun of a piece of work names what one piece pays: "a $5 task", "$2 HITs",
# "€2 micro-tasks". Not a job: "her $60,000 job" is a salary, a German "400-Euro-Job" a month's pay.
_PIECE_HEAD_AFTER = re.compile(
    r"(?:\s+|\s?-)(?:micro-?)?(?:tasks?|gigs?|hits?|surveys?|stud(?:y|ies)|microtasks?|playtests?|aufgaben?|aufträge"
    r"|auftrag|umfragen?)(?![\w-])",
    re.I,
)
# A sum for a session of a stated length is what that session pays: "£100 cash incentives for 45 minute
# research session", "£30 of gift vouchers for 1.5 hours of in-person usability testing", "$50 for a
# 30-minute interview". Not "30 cents for four hours of work": work is no piece.
_SESSION_AFTER = re.compile(
    r"""(?:\s+[^\W\d][\w'-]*){0,5}?\s+(?:for|per|por|pour|para|für)\s+(?:(?:a|an|one|each|every|the|your|un|una|une|um|uma|einen?)\s+)?
    (?:\d+(?:[.,]\d+)?|one|two|three|four|five|ten|fifteen|twenty|thirty|forty|sixty|ninety|half\s+an?)
    (?:\s*(?:-|to)\s*\d+)?\s*-?\s*(?:minutes?|mins?|hours?|hrs?|h|minutos|minutes|heures?|horas?|minuten|stunden)\b
    (?:\s+(?:of|de|d['’]))?(?:\s+[^\W\d][\w'-]*){0,3}?
    \s+(?:sessions?|interviews?|stud(?:y|ies)|tests?|testing|usability|surveys?|calls?|conversations?|focus\s+groups?
       |experiments?|playtests?|entrevistas?|sesi[óo]n(?:es)?|sess[ãa]o|sess[õo]es|séances?|entretiens?|études?
       |studien?|sitzungen?|umfragen?)\b""",
    re.X | re.I,
)
_IN_KIND_AFTER = re.compile(r"^[^.;!?]{0,30}?\b(?:vouchers?|gift\s+cards?|e-?gift|gift\s+certificates?|amazon\s+credit)", re.I)
_PERIODS: tuple[words.Period, ...] = ("hour", "day", "week", "month", "year")
_PERIOD_COMPOUND_AFTER = re.compile(
    r"[\s-]*(?:-?(?:os|es|ös|as)\s+)?(?:i\s+|als\s+|im\s+)?(?:"
    + "|".join(f"(?P<{period}>{'|'.join(words.PERIOD_COMPOUNDS_AFTER[period])})" for period in _PERIODS)
    + r")(?!\w)",
    re.I,
)
# Media time named later in the amount's clause: "That $50 rate was almost certainly for an hour of
# audio", "30 dollars, which is what they pay per audio hour": output, per media minute.
_MEDIA_LATER = re.compile(
    rf"""(?<!\w)(?:for|per|por|par|pour|pro|para|each|every|/)\s+(?:(?:an?|one|each|every|una?|cada|une|chaque|jede)\s+)?
    (?:(?:(?:single|whole|full|finished|recorded|entire)\s+)?(?P<media>{_media_alt})\s+(?:of|de|del|d['’])\s*
        (?:(?:recorded|transcribed|finished|spoken)\s+)?(?:{_MEDIA_KINDS}|recordings?|{_RECORDING_WORDS})
      | (?:audio|video|media|recorded|transcribed|finished)\s+(?P<media2>{_media_alt}))(?![\w])""",
    re.X | re.I,
)
_MEDIA_WORDS = re.compile(f"{_MEDIA_KINDS}|recording|{_RECORDING_WORDS}|finished", re.I)


def _media_later(text: str, end: int) -> float | None:
    """The per-minute factor of media time named later in the clause of the amount ending at `end`
    (before the clause ends or another number starts), or None."""
    stop = min(len(text), end + 90)
    clause_end = _CLAUSE_END.search(text, end, stop)
    if clause_end is not None:
        stop = clause_end.start()
    digit = _HAS_DIGIT.search(text, end, stop)
    if digit is not None:
        stop = digit.start()
    if not _MEDIA_WORDS.search(text, end, stop):
        return None
    match = _MEDIA_LATER.search(text, end, stop)
    if match is None:
        return None
    return _MEDIA[(match.group("media") or match.group("media2")).lower()]


# A rate word earlier in the amount's own clause: "the average monthly salary is estimated to be around
# PHP 18,000", "o valor médio bruto por hora trabalhada é de R$ 23", "payment for a 15-minute test is $10".
_CLAUSE_NOUN_UNIT: dict[str, PayUnit] = {
    noun: unit
    for unit in ("hour", "day", "week", "month", "year")
    for noun in _NOUNS[unit]
    if len(noun) > 2 and noun not in _SLASH_ONLY and noun not in ("ano", "tag", "sat", "den", "dan", "mes")
} | {"hora": "hour", "día": "day", "dia": "day", "tag": "day", "ano": "year", "mes": "month", "mês": "month"}
_CLAUSE_NOUNS_ALT = _alternation(_CLAUSE_NOUN_UNIT)
# Han and kana words are not set apart by spaces: "每月可以赚5000元", "月給は25万円".
_NOT_HAN_WORD = r"[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]"
_CLAUSE_UNIT = re.compile(
    rf"""(?<!{_NOT_HAN_WORD})(?<!-)(?:
        (?P<adj>hourly|daily|weekly|monthly|yearly|annual(?:ly|ized|ised)?|per\s+annum|mensal(?:mente)?|mensuale?s?
            |mensuel(?:le)?s?|annuel(?:le)?s?|anuale?s?|semanale?s?|semanais|diari[oa]s?|jährlich\w*|monatlich\w*
            |stündlich\w*|sueldo\s+mensual|salario\s+mensual|godišnj\w*|yıllık|yılda|ildə|rocz\w*)
      | (?:per|por|par|pro|a|an|na|za|на|за|в|po|pe|kwa|al|ao|à|no|im|am|mỗi|/)\s*(?:cada\s+)?(?P<noun>{_CLAUSE_NOUNS_ALT})
      | \b(?:payment|pay|reward|compensation|paid)\s+(?:for|per)\s+(?:an?\s+|each\s+|every\s+)?(?:[\w-]+\s+){{0,7}}?
            (?P<task>tests?|stud(?:y|ies)|surveys?|tasks?|sessions?|articles?|hits?)
      | (?:per|por|par|pro|each|cada|every|à\s+chaque|ogni|za|на|за|প্রতি|setiap|tiap|kila|her)\s+(?:(?:un[oa]|one)\s+(?:de|of)\s+(?:los|las|the)\s+)?
            (?P<task2>{_alternation({*words.CLAUSE_PIECES["task"], *_NOUNS["task"]})})(?:e?s)?
      | (?P<task3>task|hit|survey|study)\s+(?:payments?|pay|rates?|rewards?)
      | (?:per|por|par|pro|each|cada|every|à\s+chaque|ogni|za|на|за)\s+(?P<item2>{_alternation({*words.CLAUSE_PIECES["item"], *_NOUNS["item"]})})(?:e?s)?
      | (?P<stem_hour>{"|".join(words.CLAUSE_STEMS["hour"])})
      | (?P<stem_day>{"|".join(words.CLAUSE_STEMS["day"])})
      | (?P<stem_week>{"|".join(words.CLAUSE_STEMS["week"])})
      | (?P<stem_month>{"|".join(words.CLAUSE_STEMS["month"])})
      | (?P<stem_year>{"|".join(words.CLAUSE_STEMS["year"])})
    )(?!{_NOT_HAN_WORD})(?!-)""",
    re.X | re.I,
)
_STEM_GROUPS = ("stem_hour", "stem_day", "stem_week", "stem_month", "stem_year")
_EACH_AFTER = re.compile(r"\s*(?:each|apiece|a\s+piece|cada\s+un[oa])\b", re.I)
_PLURAL_OUTPUT_NOUNS = re.compile(
    r"\b(?:tasks|hits|surveys|studies|questions|prompts|tests|tareas|images|labels|annotations|videos|clips|photos"
    r"|recordings|transcripts|articles|words)\b",
    re.I,
)


def _each_noun_unit(text: str, floor: int, cursor: int) -> PayUnit | None:
    """The output unit of "<nouns> ... $X each": the last plural task or item noun in the clause."""
    start = max(floor, cursor - 120)
    start = _clause_start(text, start, cursor)
    nouns = _PLURAL_OUTPUT_NOUNS.findall(text, start, cursor)
    if not nouns:
        return None
    return _NOUN_UNIT.get(nouns[-1].lower())  # type: ignore[return-value]


_LABEL_LINE_START = re.compile(r"(?:^|[\n•*;]|\s[-–]\s|^[-–]\s)\s*(?=[^\n•*;]*$)")
_LABEL_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _action_label(text: str, cursor: int) -> bool:
    """Whether the amount at `cursor` follows a label naming a piece of work (see `words.ACTION_WORDS`):
    a line of up to ten words that opens (or, in German, closes) with a verb of doing one thing, then ":"
    or "("."""
    window_start = max(0, cursor - 90)
    label = text[window_start:cursor].rstrip()
    if not label.endswith((":", "(")):
        return False
    label = label[:-1]
    line = _LABEL_LINE_START.search(label)
    if line is None or (line.end() == 0 and window_start > 0):
        return False
    label_words = _LABEL_WORD.findall(label, line.end())
    if not 1 <= len(label_words) <= 10:
        return False
    return (
        label_words[0].lower().replace("’", "'") in words.ACTION_WORDS
        or label_words[-1].lower() in words.ACTION_WORDS_LAST
    )


_DURATION_LABEL_BEFORE = re.compile(
    r"(?:^|[\n•*]\s*|[-–]\s+)\d+(?:\s*[-–]\s*\d+)?\s*(?:minutes?|mins?|min|hours?|hrs?|minutos|minuten|minuti)\s*[:=–-]\s*$",
    re.I,
)
_TIMED_TASK_BEFORE = re.compile(
    r"\b(?:tests?|surveys?|stud(?:y|ies)|tasks?|sessions?|interviews?|conversations?|calls?)\s*\(\s*\d+(?:\s*-\s*\d+)?"
    r"\s*(?:minutes?|mins?|hours?|hrs?)\s*\)\s*:?\s*$",
    re.I,
)
# A rate word that names a payment schedule or a lump sum, not the rate: "paid weekly", "monthly bonus".
_CLAUSE_UNIT_NOT = re.compile(r"\b(?:paid|pay(?:ments?|outs?)?|issued|processed|billed|settled)\s+(?:\w+\s+)?$", re.I)
_CLAUSE_UNIT_NOT_AFTER = re.compile(r"\s*(?:payments?|payouts?|basis|schedule|bonus(?:es)?|cycle|billing)\b", re.I)
_CLAUSE_END = re.compile(r"[.;!?](?:\s|$)|\n")


def _clause_start(text: str, start: int, cursor: int) -> int:
    """Where the clause that ends at `cursor` begins, not before `start`: after the last break (a full
    stop after an abbreviation is none)."""
    for end in _CLAUSE_END.finditer(text, start, cursor):
        if text[end.start()] != "." or not _is_abbreviation(text, end.start()):
            start = end.end()
    return start


_CLAUSE_UNITS = {
    "hour": "hour", "hora": "hour", "heure": "hour", "stunde": "hour", "jam": "hour", "day": "day", "día": "day",
    "dia": "day", "jour": "day", "tag": "day", "week": "week", "semana": "week", "semaine": "week", "woche": "week",
    "month": "month", "mes": "month", "mês": "month", "mois": "month", "monat": "month", "year": "year",
    "año": "year", "ano": "year", "jahr": "year", "annum": "year",
}


def _unit_in_clause(text: str, floor: int, cursor: int) -> PayUnit | None:
    """The unit a rate word earlier in the amount's clause names (see `_CLAUSE_UNIT`), or None. The
    clause starts after the last sentence break and after the previous amount with a currency."""
    start = max(floor, cursor - 160)
    start = _clause_start(text, start, cursor)
    found: PayUnit | None = None
    for match in _CLAUSE_UNIT.finditer(text, start, cursor):
        piece = bool(match.group("task") or match.group("task2") or match.group("task3") or match.group("item2"))
        if not piece and _CLAUSE_UNIT_NOT.search(text, max(0, match.start() - 30), match.start()):
            continue  # "paid weekly": a schedule; "paid per batch" is a rate
        if _CLAUSE_UNIT_NOT_AFTER.match(text, match.end()):
            continue
        here: PayUnit
        if match.group("task") or match.group("task2") or match.group("task3"):
            here = "task"
        elif match.group("item2"):
            here = "item"
        elif match.group("noun"):
            here = _CLAUSE_NOUN_UNIT[match.group("noun").lower()]
        elif stem := next((name for name in _STEM_GROUPS if match.group(name)), None):
            here = stem.removeprefix("stem_")  # type: ignore[assignment]
        else:
            here = _clause_adjective_unit(_SPACES.sub(" ", match.group("adj").lower()))
        # A time commitment: "40 horas por semana ... R$ 1.980" (hours a week are how big a job is,
        # not the pay period), but "8 horas por dia, a média de ganhos é de R$ 184" is a day's pay and
        # "60 heures de travail par mois ... 135€" a month's.
        if here not in ("day", "month") and _DURATION_BEFORE.search(text, max(0, match.start() - 14), match.start()):
            continue
        found = here
    return found


def _clause_adjective_unit(adj: str) -> PayUnit:
    if adj.startswith(("hour", "stünd")):
        return "hour"
    if adj.startswith(("dai", "diari")):
        return "day"
    if adj.startswith(("week", "seman")):
        return "week"
    if adj.startswith(("month", "mens", "monat", "sueldo", "salario")):
        return "month"
    return "year"


# A sum earned so far is a total, not a rate: "earned Sh 45,000 since he opened an account".
_TOTAL_BEFORE = re.compile(
    r"(?:\b(?:have|has|had)\s+)?\bearned\s+(?:is\s+|was\s+)?(?:a\s+total\s+of\s+|at\s+least\s+|more\s+than\s+|over\s+"
    r"|about\s+)?$"
    r"|\b(?:gesamt\w*|total(?:\s+earnings)?(?:\s+of)?|lifetime\s+earnings|in\s+total)\s*:?\s*$"
    r"|\btotal\s+(?:amount|sum|earnings)\b[^.;!?\d]{0,45}$|\bsum\s+of\s*$"
    r"|\b(?:have|has)\s+paid(?:\s+out)?\s+(?:around\s+|about\s+|over\s+|more\s+than\s+|nearly\s+|almost\s+)?$"
    r"|\b(?:I|we)\s+(?:have\s+|'ve\s+)?made\s+$|\bburn(?:ed|t)?\s+through\s+$|\bpaycheck\b[^.;!?\d]{0,40}$|\b(?:owes?|owed|owing|adeuda|debe|doit)\b[^.;!?\d]{0,25}$",
    re.I,
)
_TOTAL_AFTER = re.compile(
    r"\s*(?:since|so\s+far|in\s+total|to\s+date|altogether)\b"
    # "paid her 30 cents for four hours of work", "$12 for working on a project for three workdays"
    r"|\s*for\s+(?:working\s+)?(?:on\s+)?(?:an?\s+[\w-]+\s+)?(?:for\s+)?(?:\d+|one|two|three|four|five|six|seven"
    r"|eight|nine|ten|several|a\s+few)\s+(?:full\s+)?(?:hours?|days?|workdays?|weeks?|months?)\b"
    # "burn through $450,000 in six months": a sum over a stated span is a total
    r"|\s*(?:in|within|over)\s+(?:the\s+(?:first|last|past)\s+)?(?:\d+|one|two|three|four|five|six|seven|eight|nine"
    r"|ten|twelve|several|a\s+few)\s+(?:full\s+)?(?:hours?|days?|weeks?|months?|years?)\b",
    re.I,
)
# "a guaranteed lowest hourly pay of 100 kronor", "the maximum week-day incentive of Rs 1,000": a
# minimum or a maximum named before the pay noun bounds the amount after it. Not "minimum wage":
# a legal minimum is a figure, not a bound on this pay.
_BOUND_PHRASE_BEFORE = re.compile(
    r"""(?<!\w)(?:
        (?P<at_least>minimum|lowest|guaranteed\s+minimum|minimal\w*|m[íi]nim[oa]s?|lägsta|laveste|laagste
            |niedrigste\w*|plancher)
      | (?P<up_to>maximum|max\.?|highest|top|m[áa]xim[oa]s?|högsta|høyeste|hoogste|höchste\w*)
    )\s+(?:[\w’'-]+\s+){0,3}?
    (?:pay|rates?|payments?|rewards?|incentives?|bonus(?:es)?|fees?|earnings|income|salar(?:y|ies)|stipends?|compensation
       |\w*betalning|\w*lön(?:en)?|\w*lønn(?:en)?|salarios?|sueldos?|pagos?|tarifas?|salaires?|rémunérations?|\w*gehalt|\w*lohn)
    # a few words may stand before the verb: "the lowest rate anyone should be working for was 10 cents",
    # "doubled minimum salaries for new recruits to Rs 2,50,000"
    (?:\s+(?:[^\W\d][\w’'-]*,?\s+){1,10}?(?:is|was|are|were|will\s+be|to)|\s*(?:of|is|was|will\s+be|på|är|er|de|von|:|=|at)?)\s*$""",
    re.X | re.I,
)
_BETWEEN_WORDS_AND = re.compile(
    r"\b(?:between|entre|zwischen)\b[^\d$£€₹.;!?]{2,40}\b(?:and|y|e|und|et|to|a)\s+$|بين[^\d$.;!?]{2,40}(?:إلى|و)\s*$", re.I
)
_HOURS_AFTER = re.compile(r"\s*(?:hours?|hrs?)\b", re.I)


# Cheap pre-checks: the regexes above are only run when their words can be there (speed).
_FLAG_LAST_WORDS = frozenset(_words(
    "to up-to upto as than under below max max. maximum zu à jusqu'à jusqu’à hasta até till from "
    "starting at least min min. minimum of above over ab de desde dès about around approx approx. "
    "approximately roughly circa ca. c. est est. estimated nearly almost ungefähr environ aprox "
    "aprox. aproximadamente between entre zwischen los las les the os as de is maximum maximum, de als unter über pas "
    "إلى بين حتى a massimo almeno da di oltre до от свыше nawet d exceed exceeds exceeding ultrapassar reach reaches "
    "sięga sięgają sięgać"
))
_UNIT_BEFORE_HINTS = re.compile(
    "hour|day|week|month|year|annual|annum|salary|stunden|horaire|hora|task|item|jahr|monat|mes|heure|mois"
    "|मासिक|सालाना|वार्षिक|時|日|週|月|年|薪|每|당|시급|일당|주급|월|연봉|あたり|文字|" + _UNIT_BEFORE_ALT,
    re.I,
)


_LAST_WORD = re.compile(r"(\w+)\W{0,3}$")
_TRAP_LAST_WORDS = frozenset(_words(
    "price prices priced pricing at cost costs fee fees subscription raised raising raises valuation "
    "revenue a b c d e f funding pool prize prizes of tuition worth for buy save deposit refund "
    "discount gpa grade point card win budget charged plan membership is loan loans rent precio precios de "
    "cuesta cuestan costo coste preço custa custam prix coûte coute coûtent preis von kostet kosten цена стоит "
    "стоимость harga biaya कीमत سعر mindestbetrag meist threshold payout withdrawal minimum cashout reaches least "
    "hits exceeds over spent spend spends spending about around nearly almost just only roughly set flat fixed standard "
    "limit limits to are from starts starting cuesta coûtent kosten tutarı value total amount pedido"
))
_TRAP_AFTER_HINTS = re.compile(
    "subscri|member|prize|raised|funding|round|valuation|revenue|arr|package|charged|off|discount"
    "|deposit|tuition|fee|price|gift|voucher|credit|grant|sales|value|plan|seat|balance|than|payout|withdraw|worth|loan"
    "|litre|liter|gallon|kg|kilo|bottle|pack|bag",
    re.I,
)


def _flag_before(text: str, cursor: int) -> re.Match[str] | None:
    window_start = max(0, cursor - 30)
    tail = text[window_start:cursor].rstrip(" :")
    if not tail:
        return None
    if "," in tail[-40:]:
        clause = _CLAUSE_FLAG.search(text, max(0, cursor - 45), cursor)
        if clause is not None:
            return clause
    last = tail.rsplit(" ", 1)[-1].lower().strip("'\"“”‘’(")
    found = None
    if tail[-1] in "~≈∼" or last in _FLAG_LAST_WORDS:
        found = _FLAG_BEFORE.search(text, window_start, cursor)
    if found is None and last in _WORD_FLAG_LAST:
        found = _WORD_FLAG_BEFORE.search(text, window_start, cursor)
    return found


# "Per completed delivery: DKK 30", "Per pick-up (per restaurant): DKK 15": a label naming the unit.
_PER_NOUN_BEFORE = re.compile(
    rf"(?<!\w)(?:per|pro|por|par|each|every|cada|je|pr\.)\s+{_ADJECTIVES}(?P<noun>{_nouns_alt})(?![\w])"
    r"\s*(?:\([^()]{0,40}\))?\s*[:=–-]\s*$",
    re.I,
)


# "Per audio hour (general): $60–$150", "Medical (per audio minute): $2.00–$5.00": a label naming a
# unit of media time, which is output, per media minute.
_PER_MEDIA_BEFORE = re.compile(
    rf"(?<!\w)(?:per|/)\s+(?:audio|video|media|recorded|transcribed|finished)\s+(?P<media>{_media_alt})(?![\w])"
    r"\s*(?:\([^()]{0,40}\))?\s*\)?\s*[:=–-]\s*$",
    re.I,
)


def _unit_before(text: str, cursor: int) -> re.Match[str] | None:
    window_start = max(0, cursor - 60)
    if not _UNIT_BEFORE_HINTS.search(text, window_start, cursor):
        return None
    return _UNIT_BEFORE.search(text, window_start, cursor)


_MODIFIED_PIECE_CONNECTORS = frozenset(
    {"per", "each", "every", "a", "an", "for a", "for an", "for each", "for every", "for one", "pro", "por", "par", "por cada",
     "para cada", "pour chaque"}
)
_ARTICLE_CONNECTORS = frozenset({"a", "an", "the", "la", "le", "al", "die", "l'", "no"})


def _text_before_conn(match: re.Match[str]) -> str:
    """What stands between the amount and the connector of a unit match."""
    return match.string[match.start() : match.start("conn")]


def _unit_from_match(match: re.Match[str], *, is_bare: bool) -> tuple[PayUnit | None, float]:
    if match.group("pfh"):
        return "minute", 1 / 60
    if match.group("media"):
        media_words = match.group("media").lower().split()
        return "minute", _MEDIA.get(media_words[-1], 1.0)
    if match.group("mnoun"):
        return "minute", _MEDIA.get(match.group("mnoun").lower(), 1.0)
    if match.group("minute"):
        return "minute", _MEDIA.get(match.group("minute").lower(), 1.0)
    if match.group("onoun"):
        # A word naming the kind of piece only after "per", "each", "every" or "for a": "$50 a good day" is no rate.
        conn = _SPACES.sub(" ", match.group("conn").strip().lower())
        if conn not in _MODIFIED_PIECE_CONNECTORS or match.group("count"):
            return None, 1.0
        return _NOUN_UNIT[match.group("onoun").lower()], 1.0  # type: ignore[return-value]
    if match.group("noun"):
        noun = match.group("noun").lower()
        conn = _SPACES.sub(" ", match.group("conn").strip().lower())
        if conn in _ARTICLE_CONNECTORS and "," in _text_before_conn(match):
            return None, 1.0  # "Rs 1,000, a delivery person has to...": an article after a comma starts a new phrase
        if noun in ("an", "ano"):  # "/an", "par an", "por ano"; "an" alone is an article
            return ("year", 1.0) if conn in ("/", "par", "por") else (None, 1.0)
        if noun in _SLASH_ONLY and conn not in ("/", "毎", "每", "l'", "all'"):
            return None, 1.0
        if match.group("count"):
            unit = _NOUN_UNIT[noun]
            count = _number(match.group("count"), None)
            if unit not in OUTPUT_UNITS or not count:
                return None, 1.0  # "per 2 weeks": a period the parser does not divide
            return unit, 1 / count  # type: ignore[return-value]  # "$3 per 1,000 words": $0.003 a word
        if noun in _MEDIA and "finished" in match.group(0).lower():
            return "minute", _MEDIA[noun]  # "per finished hour": an hour of finished audio
        return _NOUN_UNIT[noun], 1.0  # type: ignore[return-value]
    if match.group("adj"):
        adj = match.group("adj").lower()
        if is_bare and adj in ("pm", "pa", "ph", "pw", "annual", "daily", "weekly", "monthly"):
            return None, 1.0
        return _ADJECTIVE_UNITS[adj], 1.0
    if match.group("hr") and not is_bare:
        return "hour", 1.0
    return None, 1.0


def _is_trap(
    text: str, start: int, end: int, *, output_rate: bool = False, amount_start: int | None = None,
    amount_end: int | None = None, paid_in_kind: bool = False,
) -> bool:
    """Whether the amount at `start` (its unit ending at `end`) is money that is not pay. A price per
    piece of work (`output_rate`) is what the one who does it charges: a rate ("the average price for
    translation of English is $10 to $12 per 100 source words"). `start` is before any bound words
    ("at least"), `amount_start` the amount itself: words before either may name a trap. Vouchers and
    gift cards given for a session (`paid_in_kind`) are its pay."""
    for here in (start,) if amount_start is None or amount_start == start else (start, amount_start):
        before_start = max(0, here - 30)
        last_word = _LAST_WORD.search(text, before_start, here)
        if (
            last_word is not None
            and last_word.group(1).lower() in _TRAP_LAST_WORDS
            and _TRAP_BEFORE.search(text, before_start, here)
        ):
            return True
        if (
            _THRESHOLD_VERB_BEFORE.search(text, max(0, here - 40), here)
            or (amount_end is not None and _THRESHOLD_VERB_AFTER.match(text, amount_end))
        ) and _CONDITION_BEFORE.search(text, max(_sentence_start(text, here), here - 120), here):
            return True  # "if daily earnings for tasks in the pool reaches 20 dollars": a threshold, not pay
    if _CHANGE_OF_BEFORE.search(text, max(0, start - 70), start):
        return True  # "an increase to their hourly wage of around just 70 cents": a difference, not the pay
    after = text[end : end + 60]
    deductions = _DEDUCTIONS_AFTER.match(after) is not None  # "₹312 per hour, net of commissions, fee and costs"
    if (
        not deductions
        and _TRAP_AFTER_HINTS.search(after[:40])
        and _TRAP_AFTER.match(after[:40])
        and not (paid_in_kind and _IN_KIND_AFTER.match(after))
    ):
        return True
    if ("payout" in after or "withdraw" in after) and _THRESHOLD_AFTER.match(after):
        return True
    # A price context holds for the rest of its sentence: "two tiers — $100 per month and $200 per
    # month — rather than the single $200 option".
    sentence_start = _sentence_start(text, start)
    before = text[sentence_start:start].lower()
    expense = _EXPENSE_WORDS.search(text, sentence_start, start)
    if (
        expense is not None
        and not _PAY_VERB.search(text, expense.end(), start)
        and not _DEDUCTIONS_BEFORE.search(text, sentence_start, expense.start())
        and not (output_rate and expense.group(0).lower().startswith("price"))
    ):
        return True  # a cost or price named earlier in the sentence, and no pay verb since
    if not any(hint in before for hint in _PRICE_HINTS):
        return False
    return bool(_PRICE_WORDS.search(text, sentence_start, start))


def _is_bonus(text: str, start: int, end: int) -> bool:
    return bool(_BONUS_AFTER.match(text, end) or _BONUS_BEFORE.search(text, max(0, start - 60), start))


def _currency(text: str, first: _Amount, last: _Amount) -> tuple[str | None, str | None]:
    code = first.code or last.code
    symbol = first.symbol or last.symbol
    if code is None and symbol in ("$", "¢", "dollars"):
        code = _dollar_code_of(text)
    return code, symbol


@functools.lru_cache(maxsize=8)
def _dollar_code_of(text: str) -> str | None:
    """The dollar a whole text names, if one ("US$", "CAD" once, "US dollars"): read once per text,
    not once per amount in it (a text of thousands of amounts took minutes)."""
    codes = set(_GLOBAL_DOLLAR_CODE.findall(text))
    if len(codes) == 1:
        return codes.pop()
    return "USD" if _GLOBAL_US_DOLLARS.search(text) else None


def _to_pay(text: str, candidate: _Candidate, code: str | None, symbol: str | None) -> Pay:
    unit = candidate.unit
    if unit is None:
        unit = _unit_anywhere(text)
    if unit is None:
        top = candidate.high if candidate.high is not None else candidate.low
        k_suffixed = "k" in (candidate.first.suffix, candidate.last.suffix)
        lakhs = candidate.last.suffix in _LAKH_SUFFIXES  # Indian salaries in lakhs are yearly (CTC)
        unit = "year" if (k_suffixed and top >= 20_000) or lakhs else "unknown"
        sentence = _sentence(text, candidate.first.start) if unit == "unknown" else ""
        if unit == "unknown" and (_FOR_AN_ACTION_AFTER.match(text, candidate.unit_end) or _piece_sentence(sentence)):
            # "an extra $500 for signing up", "a guarantee of $500-$1,000 if they sign up and do 50 rides"
            unit = "once" if _BONUS_SENTENCE.search(sentence) else "task"
    factor = candidate.unit_factor if unit in OUTPUT_UNITS else 1.0
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


# A sum for doing one thing is what that piece of work pays: "R14 for picking up food", "$10 for
# completing a short survey", "5 € pour remplir un questionnaire".
_FOR_AN_ACTION_AFTER = re.compile(
    r"\s*(?:just\s+|simply\s+|only\s+)?(?:for|por|pour|para|für)\s+(?:(?!working\b|work\b)[a-z]+ing\b"
    r"|(?:completar|hacer|realizar|responder|contestar|llenar|rellenar|fazer|preencher|remplir|faire|compléter"
    r"|répondre|ausfüllen|beantworten)\b)",
    re.I,
)
# A sentence about pieces of work: a single sum in it with no period is what one piece pays ("Most
# tests are 20 minutes where you earn $10", "Tasks can earn anything from one euro").
_PIECE_SENTENCE = re.compile(
    rf"(?<![\w-])(?:tasks?|hits?|surveys?|stud(?:y|ies)|tests?|questions?|prompts?|gigs?|micro-?tasks?|microtareas?"
    rf"|{_alternation(words.CLAUSE_PIECES['task'])}|{_alternation(words.PIECE_NOUNS['task'])})(?:e?s)?(?![\w-])",
    re.I,
)
_SALARY_SENTENCE = re.compile(
    r"(?<![\w-])(?:salar\w*|wages?|income|earnings|revenue|minimum|average|median|typical|sueldos?|ingresos?|renda"
    r"|rendimento|gehalt|lohn|einkommen|revenu|zarobki|зарплат\w*|доход\w*)(?![\w-])",
    re.I,
)


_BONUS_SENTENCE = re.compile(
    rf"(?<![\w-])(?:{_BONUS_NOUN}|sign[- ]?(?:up|on)|signing\s+up|referrals?|refer\s+a\s+friend)(?![\w-])",
    re.I,
)


# A full stop after an abbreviation ends no sentence: "a set amount (e.g. $0.30)", "in U.S. dollars".
_ABBREVIATIONS = frozenset(_words(
    "e.g e.g i.e etc approx aprox ca cca vs no nr mr mrs ms dr st inc ltd co corp jr sr p pp u.s u.k u.s.a "
    "z.b d.h bzw u.a ggf usw p.ex p.e ej vgl cf resp min max avg est ok n"
))


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the "." at `dot` ends an abbreviation (the word before it is one, or a single letter)."""
    word_start = text.rfind(" ", 0, dot) + 1
    word = text[word_start:dot].lstrip("(\"'“‘[").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


# A "sentence" reaches at most this far either side of an amount: text with no sentence breaks (a
# list of 2,000 amounts, a page flattened to one line) would otherwise make every amount scan all of
# it, and a string of a few thousand characters take seconds.
MAX_SENTENCE_CHARS = 400


def _sentence_start(text: str, start: int) -> int:
    """Where the sentence the position `start` is in begins (at most `MAX_SENTENCE_CHARS` before it)."""
    end = start
    bound = max(0, start - MAX_SENTENCE_CHARS)
    while True:
        found = max(text.rfind(". ", bound, end), text.rfind("! ", bound, end), text.rfind("? ", bound, end))
        if found < 0:
            return bound
        if text[found] != "." or not _is_abbreviation(text, found):
            return found + 1
        end = found


def _sentence_end(text: str, start: int) -> int:
    """Where the sentence the position `start` is in ends (at most `MAX_SENTENCE_CHARS` after it)."""
    bound = min(len(text), start + MAX_SENTENCE_CHARS)
    while True:
        ends = [i for i in (text.find(". ", start, bound + 1), text.find("! ", start, bound + 1),
                            text.find("? ", start, bound + 1)) if i >= 0]
        if not ends:
            return bound
        found = min(ends)
        if text[found] != "." or not _is_abbreviation(text, found):
            return found
        start = found + 1


def _sentence(text: str, start: int) -> str:
    """The sentence the position `start` is in."""
    return text[_sentence_start(text, start) : _sentence_end(text, start)]


def _piece_sentence(sentence: str) -> bool:
    if _SALARY_SENTENCE.search(sentence):
        return False
    # "Making $2,000 From Online Gigs": pieces the sum was earned from are its source, not its unit
    return any(
        not _FROM_PIECES_BEFORE.search(sentence, max(0, piece.start() - 30), piece.start())
        for piece in _PIECE_SENTENCE.finditer(sentence)
    )


_FROM_PIECES_BEFORE = re.compile(
    r"(?<!\w)(?:from|through|via|by\s+doing|por\s+medio\s+de|grâce\s+aux?|durch)\s+(?:[^\W\d]+\s+){0,2}$",
    re.I,
)


def _unit_anywhere(text: str) -> PayUnit | None:
    for match in _UNIT_ANYWHERE.finditer(text):
        if _DURATION_BEFORE.search(text, max(0, match.start() - 14), match.start()):
            continue  # "20 hours per week" is a time commitment, not a rate
        if _NEGATED_BEFORE.search(text, max(0, match.start() - 16), match.start()):
            continue  # "a set amount (e.g. $0.30) instead of per hour"
        if _OF_MEDIA_AFTER.match(text, match.end()):
            continue  # "an hour of audio" is output, not time worked
        word = (match.group("noun") or match.group("adj")).lower()
        if word in ("hour", "hr", "h", "hourly") or _SPACES.sub(" ", word) in _HOURLY_WORDS:
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


_OF_MEDIA_AFTER = re.compile(rf"\s+(?:of|de|del|d['’])\s*(?:{_MEDIA_KINDS}|recordings?)\b", re.I)


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
    unit = _UNIT_TEXT.get(pay.unit, f"/{pay.unit}")
    return f"{amount}{code_suffix}{unit}"


# A minute of media is output, not time worked: "$1/media minute", never "$1/minute".
_UNIT_TEXT = {"unknown": "", "minute": "/media minute", "once": " one-off"}


def pay_to_dict(pay: Pay) -> dict[str, Any]:
    """The fields of a `Pay` as a JSON-ready dict (the sign as written included)."""
    return {
        "min": pay.min, "max": pay.max, "currency": pay.currency, "unit": pay.unit,
        "approximate": pay.approximate, "up_to": pay.up_to, "at_least": pay.at_least,
        "currency_symbol": pay.currency_symbol, "unit_kind": pay.unit_kind,
    }
