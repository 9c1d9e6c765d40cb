"""The dashboard in workers' languages: gettext catalogs (managed with Babel) and Babel formatting.

Every user-facing string of the dashboard is marked: `_("…")` where it is shown, `N_("…")` for a
module-level constant that is translated where it is shown (`_(CONSTANT)`), `ngettext(singular,
plural, n)` where a count decides the form. Placeholders are named (`_("{n} reports").format(n=…)`),
never f-strings inside `_()` (an f-string cannot be extracted). Data stays data: platform names,
listing titles and reporters' words are never passed through `_()`.

The language of a view comes from `?lang=` (kept in permalinks), then the browser's language
(`st.context.locale`), then English. It is set once per script run (`activate`), before anything is
drawn, and read by `_()` through a context variable, so a cached function that returns translated
text must take the language as an argument.

Catalogs live in `dashboard/locale/<lang>/LC_MESSAGES/messages.po` (compiled `.mo` beside them);
`make i18n` extracts, updates and compiles them (see CONTRIBUTING.md, "Translations").
"""

from __future__ import annotations

import gettext
import math
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import Translations

DEFAULT_LANGUAGE = "en"
# Language code -> its name in itself (how the picker shows it). The order is the picker's.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "pt_BR": "Português (Brasil)",
    "fr": "Français",
    "sw": "Kiswahili",
    "fil": "Filipino",
}
LANGUAGE_PARAM = "lang"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"

# Browser tags that name one of our languages under another code ("tl" is the older code for
# Filipino; a Portuguese reader outside Brazil still reads Brazilian Portuguese better than English).
_ALIASES = {"tl": "fil", "pt": "pt_BR", "swa": "sw", "spa": "es", "fra": "fr", "por": "pt_BR"}

_current: ContextVar[str] = ContextVar("gigwatch_language", default=DEFAULT_LANGUAGE)


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it now (translate it where it is shown)."""
    return message


def normalise(tag: str | None) -> str | None:
    """One of LANGUAGES for a language tag (`es-419`, `pt_BR`, `sw-KE`, `fil`, `tl-PH`), else None."""
    if not tag:
        return None
    cleaned = str(tag).strip().replace("-", "_")
    if not cleaned or len(cleaned) > 35:
        return None
    for code in LANGUAGES:
        if cleaned.lower() == code.lower():
            return code
    base = cleaned.split("_", 1)[0].lower()
    if base in LANGUAGES:
        return base
    return _ALIASES.get(base)


def choose(param: str | None, browser: str | None) -> str:
    """The language of a view: `?lang=` if it names one of ours, then the browser's, then English."""
    return normalise(param) or normalise(browser) or DEFAULT_LANGUAGE


def activate(language: str) -> None:
    """Make `language` the one `_()` translates into for the rest of this script run."""
    _current.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def current() -> str:
    return _current.get()


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of `language` (English is the source text: no catalog)."""
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language], DOMAIN)


def _(message: str) -> str:
    """`message` in this view's language (as is when the catalog has no translation)."""
    return translations(_current.get()).gettext(message)


def translated(message: str) -> str:
    """A module-level constant marked with `N_()` (so extracted), in the view's language.

    `_()` takes only literals (that is what extraction reads and the i18n test checks); a
    constant goes through here."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural (in the language's own plural rules) of a message for `n`."""
    return translations(_current.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` translated in `context` (for a short word whose sense depends on where it is)."""
    return translations(_current.get()).pgettext(context, message)


# -- formatting for the view's language (Babel) -----------------------------------------------------


def locale(language: str | None = None) -> Locale:
    """Babel's locale for `language`, or for this view's language."""
    return _locale(language or _current.get())


@lru_cache(maxsize=2 * len(LANGUAGES))
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LANGUAGE)


def number(value: float, digits: int = 0, *, language: str | None = None) -> str:
    """`value` with the language's grouping and decimal signs, `digits` after the decimal sign."""
    if math.isinf(value):
        return "∞"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=locale(language))


def percent(share: float, *, language: str | None = None) -> str:
    """A share (0.25) as the language writes a percentage (25%, 25 %)."""
    return format_percent(share, locale=locale(language))


def money(value: float, currency: str = "USD", *, language: str | None = None) -> str:
    """An amount in `currency` as the language writes it ($12.00, 12,00 US$, US$ 12,00)."""
    return format_currency(value, currency, locale=locale(language))


def day(value: date, *, language: str | None = None) -> str:
    """A date as the language writes it (Jul 4, 2026; 4 jul 2026; 4 Jul 2026)."""
    return format_date(value, format="medium", locale=locale(language))


def moment(value: datetime, *, language: str | None = None) -> str:
    """A UTC time as the language writes it, with "UTC" (the dashboard's times are all UTC)."""
    loc = locale(language)
    return f"{format_date(value.date(), format='medium', locale=loc)} {format_time(value.time(), format='short', locale=loc)} UTC"


def plotly_separators(language: str | None = None) -> str:
    """Plotly's `separators` (decimal sign, then group sign) for the language."""
    symbols: Any = locale(language).number_symbols
    latn = symbols.get("latn", symbols) if hasattr(symbols, "get") else symbols
    decimal, group = latn.get("decimal", "."), latn.get("group", ",")
    return f"{decimal}{group}"
