"""Small helpers the format modules share: JSON loading that fails loudly, HTML to text, the
description hash, dates, country codes, and finding the sentence of a description that states pay.

Nothing here does I/O, and nothing here turns pay text into numbers: that is `collectors.pay`.
"""

from __future__ import annotations

import csv
import hashlib
import html as htmllib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag

from collectors.pay import ISO_CODES, Pay, parse_pay
from collectors.records import ParseError

# ---------------------------------------------------------------------------------------------
# JSON


def load_json(body: bytes, kind: str) -> Any:
    """The JSON document in `body`, or a ParseError saying what the body looked like instead."""
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        start = body[:80].decode("utf-8", "replace").strip()
        raise ParseError(f"{kind}: the body is not JSON ({exc}); it starts with {start!r}") from exc


def keys_seen(value: Any) -> str:
    """A short description of a JSON value's shape, for error messages."""
    if isinstance(value, Mapping):
        return "an object with keys " + (", ".join(sorted(map(str, value))) or "(none)")
    if isinstance(value, list):
        return f"an array of {len(value)} items"
    return f"a {type(value).__name__}"


def require_list(container: Mapping[str, Any], key: str, kind: str) -> list[Any]:
    value = container.get(key)
    if not isinstance(value, list):
        raise ParseError(f"{kind}: expected {key!r} to be an array, got {keys_seen(value)}")
    return value


def require_objects(items: Sequence[Any], kind: str, what: str) -> list[Mapping[str, Any]]:
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise ParseError(f"{kind}: {what}[{index}] is {keys_seen(item)}, not an object")
    return list(items)


def text_field(value: Any) -> str | None:
    """A stripped string, or None for missing, empty or non-string values."""
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    return None


def required_text(value: Any, kind: str, where: str, field: str = "title") -> str:
    """A text field a record cannot do without (`text_field`), else ParseError "kind: where has no
    field" (`where` names the item, e.g. "job 123")."""
    text = text_field(value)
    if text is None:
        raise ParseError(f"{kind}: {where} has no {field}")
    return text


def number(value: Any) -> float | None:
    """A JSON number as float; None for null, booleans and strings."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def external_id(value: Any, kind: str, what: str = "id") -> str:
    """Platform ids are kept as strings, whatever JSON type they arrive in."""
    if isinstance(value, bool) or value is None:
        raise ParseError(f"{kind}: a listing has no usable {what} ({value!r})")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ParseError(f"{kind}: a listing has no usable {what} ({value!r})")


# ---------------------------------------------------------------------------------------------
# HTML and text


def soup(markup: str | bytes) -> BeautifulSoup:
    return BeautifulSoup(markup, "html.parser")


def unescape_if_escaped(content: str) -> str:
    """Greenhouse sends `content` as entity-escaped HTML (`&lt;p&gt;`): unescape it once.

    Content that already holds real tags is left alone, so a source that stops double-escaping
    does not get its literal `&lt;` turned into markup.
    """
    if "<" not in content and "&lt;" in content:
        return htmllib.unescape(content)
    return content


_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "body", "html",
    }
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "title"})
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _clean(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def html_lines(markup: str | Tag) -> list[tuple[str, bool]]:
    """The visible text of an HTML fragment as lines, one per block, with a heading flag.

    Inline markup (`<strong>`, `<a>`, `<span>`) stays inside its line, so "Earn <b>$40</b> per
    hour" stays one sentence; `<br>` breaks a line. A line is a heading when it comes from
    `<h1>`–`<h6>` or when its whole text is bold (`<p><strong>Payment</strong></p>`).
    """
    root = soup(markup) if isinstance(markup, str) else markup
    lines: list[tuple[str, bool]] = []
    buffer: list[str] = []
    bold_only: list[bool] = []

    def flush(heading: bool = False) -> None:
        text = _clean("".join(buffer))
        if text:
            lines.append((text, heading or (bool(bold_only) and all(bold_only))))
        buffer.clear()
        bold_only.clear()

    def walk(node: Tag, in_bold: bool) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is not NavigableString:  # comments, CDATA, doctype
                    continue
                buffer.append(str(child))
                if str(child).strip():
                    bold_only.append(in_bold)
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower()
            if name in _SKIP_TAGS:
                continue
            if name == "br":
                flush()
                continue
            if name in _BLOCK_TAGS:
                flush()
                walk(child, False)
                flush(heading=name in _HEADING_TAGS)
                continue
            walk(child, in_bold or name in ("strong", "b"))

    walk(root, False)
    flush()
    return lines


def canonical_url(page: BeautifulSoup) -> str | None:
    """The page's `<link rel="canonical">`, else its `og:url`."""
    link = page.find("link", rel="canonical")
    if isinstance(link, Tag) and isinstance(link.get("href"), str):
        return text_field(link.get("href"))
    meta = page.find("meta", property="og:url")
    if isinstance(meta, Tag) and isinstance(meta.get("content"), str):
        return text_field(meta.get("content"))
    return None


def html_to_text(markup: str | None) -> str:
    """Visible text of an HTML fragment, one block per line."""
    if not markup:
        return ""
    return "\n".join(text for text, _ in html_lines(markup))


def plain_lines(text: str) -> list[tuple[str, bool]]:
    """Lines of plain text or markdown, with `#` headings and `**bold**` lines as headings."""
    lines: list[tuple[str, bool]] = []
    for raw in text.splitlines():
        line = _clean(raw)
        if not line:
            continue
        heading = line.startswith("#") or (line.startswith("**") and line.endswith("**"))
        lines.append((line, heading))
    return lines


def description_sha256(text: str | None) -> str | None:
    """sha256 of the description text with whitespace collapsed, so re-wrapping is not an edit."""
    if not text:
        return None
    normalised = _clean(text)
    if not normalised:
        return None
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# Finding the pay statement in a description

_CODES = "|".join(sorted(ISO_CODES))
_MONEY = re.compile(
    rf"(?:[$€£₹₱₦¥₩₺₪฿₫₴₽]\s?\d|\b(?:{_CODES}|Rs\.?|KSh|Kshs)\s?[$€£]?\s?\d|\d\s?(?:{_CODES})\b)"
)
# A line that is only a label for the pay that follows it ("Payment", "Compensation:",
# "5. Compensation & Contract Terms", "Pay Range (rate per hour)").
_PAY_LABEL = re.compile(
    r"^[\W_]*(?:\d+[\W_]*)?(?:the\s+)?(?:expected\s+)?"
    r"(?:pay(?:ment)?|pay\s+rates?|pay\s+range|rate\s+of\s+pay|hourly\s+rates?|rates?|"
    r"compensation|remuneration|base\s+salary|salary|wages?|earnings)"
    r"(?:\s+(?:range|rates?|details?))?\b[^:.$€£]{0,40}:?[\W_]*$",
    re.I,
)
# A line that starts with a pay label and carries the pay itself ("Compensation: $50/hr").
_PAY_LABEL_INLINE = re.compile(
    r"^[\W_]*(?:pay(?:ment)?|pay\s+rates?|pay\s+range|rate\s+of\s+pay|hourly\s+rates?|rates?|"
    r"compensation|remuneration|base\s+salary(?:\s+range)?|salary(?:\s+range)?|wages?)"
    r"[^:]{0,30}:\s*\S",
    re.I,
)
_PAY_PHRASE = re.compile(
    r"\b(?:pay|paid|pays|salary|compensation|hourly|per\s+hour|an\s+hour|/\s?hr\b|/\s?hour|"
    r"rate|rates|earn|earnings|wage|remuneration)",
    re.I,
)
# Money that is not the pay for the work. Under a pay heading only the first group is skipped
# ("$210K - $250K + equity" is pay); in free text the second group is skipped as well.
# A word only disqualifies an amount it stands next to (within _NEAR characters).
_NOT_PAY_UNDER_HEADING = re.compile(
    r"\b(?:referral|refer\s+a\b|stipend|allowance|reimburs|gym|meal|gift)", re.I
)
_NOT_PAY = re.compile(
    r"\b(?:referral|refer\s+a\b|bonus|stipend|allowance|reimburs|gym|meal|401|equity|sign[- ]on|"
    r"signing|relocation|insurance|revenue|funding|raised|valuation|gift)",
    re.I,
)
_NEAR = 60
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def _money_is_all_excluded(text: str, excluded: re.Pattern[str]) -> bool:
    """True when every amount in the text stands next to a word saying it is not pay."""
    amounts = list(_MONEY.finditer(text))
    return all(
        excluded.search(text[max(0, m.start() - _NEAR) : m.end() + _NEAR]) for m in amounts
    )


def _try_pay(text: str, *, under_heading: bool) -> tuple[str, Pay] | None:
    excluded = _NOT_PAY_UNDER_HEADING if under_heading else _NOT_PAY
    if not _MONEY.search(text) or _money_is_all_excluded(text, excluded):
        return None
    pay = parse_pay(text)
    if pay is None:
        return None
    return text, pay


def find_pay_in_lines(lines: Sequence[tuple[str, bool]]) -> tuple[str, Pay] | None:
    """The first statement of pay in a description, as (the text parsed, its Pay).

    In order: the lines under a pay heading ("Payment", "Compensation", "Pay Range"); a line
    labelled inline ("Base Salary Range: $210K - $250K"); then any sentence that both names pay
    ("pay rates", "salary", "per hour", "/hr") and gives an amount, skipping referral bonuses,
    stipends and allowances. Returns None when nothing qualifies: pay is never guessed.
    """
    for index, (text, _heading) in enumerate(lines):
        if _PAY_LABEL.match(text):
            for following, heading in lines[index + 1 : index + 6]:
                # the next heading ends the section, unless it is the amount itself in bold
                if (heading and not _MONEY.search(following)) or _PAY_LABEL.match(following):
                    break
                for sentence in _sentences(following):
                    found = _try_pay(sentence, under_heading=True)
                    if found:
                        return found
        elif _PAY_LABEL_INLINE.match(text):
            for sentence in _sentences(text):
                found = _try_pay(sentence, under_heading=True)
                if found:
                    return found
    for text, _heading in lines:
        for sentence in _sentences(text):
            if _PAY_PHRASE.search(sentence):
                found = _try_pay(sentence, under_heading=False)
                if found:
                    return found
    return None


def _sentences(text: str) -> Iterator[str]:
    for part in _SENTENCE_END.split(text):
        part = part.strip()
        if part:
            yield part


def find_pay_in_html(markup: str | None) -> tuple[str, Pay] | None:
    if not markup:
        return None
    return find_pay_in_lines(html_lines(markup))


def find_pay_in_text(text: str | None) -> tuple[str, Pay] | None:
    if not text:
        return None
    return find_pay_in_lines(plain_lines(text))


# ---------------------------------------------------------------------------------------------
# Dates


def parse_datetime(value: Any) -> datetime | None:
    """ISO-8601 (with or without offset, `Z`, milliseconds, or a bare date) or epoch milliseconds.

    Naive timestamps (Mercor's `postedAt`) are read as UTC. Unreadable values give None: a missing
    posting date is not a reason to drop a listing.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 10**11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(text[:10]), datetime.min.time())
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


# ---------------------------------------------------------------------------------------------
# Countries: ISO 3166-1 alpha-2 when a listing names exactly one country. Only the countries the
# platforms commonly name; an unknown name gives None rather than a guess.

# collectors/sources/countries.csv: `alpha2` and `names`, the alpha-3 code and names separated by "|".
COUNTRIES_CSV = Path(__file__).with_name("countries.csv")


def _country_lookup(path: Path) -> dict[str, str]:
    lookup: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            code = row["alpha2"]
            lookup[code.casefold()] = code
            for name in row["names"].split("|"):
                lookup[name.casefold()] = code
    return lookup


_COUNTRY_LOOKUP: dict[str, str] = _country_lookup(COUNTRIES_CSV)


def country_code(value: Any) -> str | None:
    """ISO alpha-2 for an alpha-2 code, an alpha-3 code or a common English country name."""
    if not isinstance(value, str) or not value.strip():
        return None
    return _COUNTRY_LOOKUP.get(value.strip().casefold())


def single_country(values: Any) -> str | None:
    """The country when a list names exactly one (Mercor's `eligibleLocation: ["USA"]`)."""
    if isinstance(values, list) and len(values) == 1:
        return country_code(values[0])
    return None


def mentions_remote(*texts: str | None) -> bool | None:
    """True when a location text says remote; None (unknown) otherwise, never a guessed False."""
    for text in texts:
        if text and re.search(r"\bremote\b|\banywhere\b|world\s*wide", text, re.I):
            return True
    return None
