"""Scrub free text before it is stored: identifiers out, invisible and control characters out.

Workers describing a late payment paste whatever they have: the email their ticket came from, a
PayPal address, an IBAN, a Prolific ID, a ticket number, their lead's name. Any of these could let
a platform find the reporter, and several reports link complaining to deactivation. So free text is
scrubbed *before* storage and only the scrubbed text is ever kept.

`scrub(text)` replaces each identifier with a tag naming its kind (`[email]`, `[phone]`,
`[payment-handle]`, `[iban]`, `[card]`, `[account-number]`, `[worker-id]`, `[ticket]`,
`[username]`, `[name]`, `[link]`), so a moderator still understands the text. It errs on the side
of removing too much: a scrubbed word costs a little meaning, a leaked identifier can cost a job.
It is idempotent (scrubbing scrubbed text changes nothing), so a report can be re-validated.

Before matching it normalises the text (NFKC, so full-width digits are digits), drops zero-width
characters (which would otherwise split an email address past the patterns), removes control
characters, bidirectional overrides and lone surrogates, and caps the length.
"""

from __future__ import annotations

import re
import unicodedata

DEFAULT_MAX_CHARS = 2000
TRUNCATION_MARK = " […]"

TAGS = (
    "[email]", "[phone]", "[payment-handle]", "[iban]", "[card]", "[account-number]",
    "[worker-id]", "[ticket]", "[username]", "[name]", "[link]",
)

# Invisible characters that can hide an identifier from the patterns or reorder what a reader
# sees: zero-width space/joiners, word joiner, BOM, soft hyphen, bidi marks, embeddings,
# overrides and isolates, the Arabic letter mark.
_INVISIBLE = re.compile(
    "[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\u061c\ufff9-\ufffb]"
)
_SURROGATES = re.compile("[\ud800-\udfff]")
_SPACES = re.compile("[\t\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_NEWLINES = re.compile(r"\r\n?|\x85|\u2028|\u2029")


def clean_text(text: str, *, keep_newlines: bool = True) -> str:
    """Text safe to store and to show as plain text: NFKC, no control or invisible characters.

    Keeps line breaks (as "\\n", at most two in a row) when `keep_newlines`; every other control
    character (C0, C1, DEL) is removed, tabs and odd spaces become plain spaces.
    """
    text = _SURROGATES.sub("", text)
    text = _NEWLINES.sub("\n", text)
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\n" if keep_newlines else " ")
        elif unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
            continue  # control, surrogate, private use, unassigned
        else:
            out.append(ch)
    text = "".join(out)
    text = re.sub(r"[ ]{2,}", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def cap_length(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    return text[: max(0, max_chars - len(TRUNCATION_MARK))].rstrip() + TRUNCATION_MARK


# -- the patterns, applied in this order ---------------------------------------------------------

_TAG_ALT = "|".join(re.escape(t[1:-1]) for t in TAGS)
_TAG = re.compile(rf"\[(?:{_TAG_ALT})\]")

_PAY_SERVICES = (
    r"pay\s?pal|payoneer|airtm|air\s?tm|venmo|cash\s?app|zelle|wise|transferwise|skrill|"
    r"gcash|g-cash|maya|paymaya|m-?pesa|revolut|stripe|deel|upwork|remitly"
)

# "@" or a bracketed "(at)"; the bare word "at" only in _EMAIL_PLAIN_AT ("worked at Outlier. Then"
# is a sentence, not an address).
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]{1,64}\s*(?:@|\(at\)|\[at\]|\{at\})\s*"
    r"[\w-]{1,63}(?:\s*(?:\.|\(dot\)|\[dot\]|\{dot\})\s*[\w-]{1,63})*"
    r"\s*(?:\.|\(dot\)|\[dot\]|\{dot\})\s*[A-Za-z]{2,24}\b",
    re.IGNORECASE,
)
# The plain "name at domain dot com" form only with a well-known mail domain, so ordinary
# sentences with "at" and "dot" are left alone.
_EMAIL_PLAIN_AT = re.compile(
    r"\b[\w.+-]{2,64}\s+at\s+(?:gmail|yahoo|hotmail|outlook|proton(?:mail)?|icloud|live|aol|gmx|"
    r"yandex|mail)\s*(?:dot|\.)\s*[a-z]{2,6}\b",
    re.IGNORECASE,
)

_PAYMENT_LINK = re.compile(
    r"\b(?:https?://)?(?:www\.)?(?:paypal\.me|paypal\.com/(?:paypalme|pools)|venmo\.com(?:/u)?|"
    r"cash\.app|cash\.me|wise\.com/pay|revolut\.me|buymeacoffee\.com|ko-fi\.com|"
    r"payoneer\.com/\S*)/\$?[\w.\-]+",
    re.IGNORECASE,
)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'\]\[)]+", re.IGNORECASE)

# IBAN: two letters, two check digits, 11-30 alphanumerics, optionally grouped in fours.
_IBAN = re.compile(
    r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b", re.IGNORECASE
)
# Card numbers: 13-19 digits, optionally grouped by spaces or dashes.
_CARD = re.compile(r"(?<![\d.,+])\d(?:[ -]?\d){12,18}(?![\d])")
_STRIPE_ID = re.compile(r"\b(?:acct|cus|ba|card|pm|src|po|tr|py)_[A-Za-z0-9]{8,}\b")
_UUID = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE
)
_HEX_ID = re.compile(r"\b[0-9a-f]{24}\b", re.IGNORECASE)  # Prolific / Outlier (Mongo ObjectId)
_MTURK_ID = re.compile(r"\bA(?=[A-Z0-9]*\d)[A-Z0-9]{12,20}\b")  # MTurk: 'A' + 12-20 upper alnum
_LABELLED_ID = re.compile(
    r"\b(?:worker|user|contributor|expert|annotator|tasker|attempter|participant|member|"
    r"freelancer|candidate|employee|account|profile|prolific|mturk|outlier|appen|crowdgen|"
    r"remotasks|mercor|alignerr|toloka|telus|oneforma)"
    r"[ \t]*(?:id|identifier|number|no\.?|num|#|code)\b[ \t]*(?:is|was)?[ \t]*[:#=-]?[ \t]*"
    r"(?P<v>(?!\[)[A-Za-z0-9][\w-]{3,40})",
    re.IGNORECASE,
)
# "ticket 48291" and "case 00123456" are tickets as they stand. The looser words ("request",
# "claim", "support") take a number marker, or a number of 5+ characters not followed by a unit,
# so "claim 500 USD" and "request 100 times" keep their numbers.
_TICKET = re.compile(
    r"\b(?:"
    r"(?:ticket|case|incident|complaint)[ \t]*(?:id|number|no\.?|num|#)?[ \t]*(?:is|was)?[ \t]*[:#=-]?"
    r"[ \t]*#?[ \t]*(?P<v>(?=[A-Za-z-]*\d)[A-Za-z0-9][\w-]{2,30})"
    r"|(?:request|req|support|reference|ref|dispute|claim|inc)[ \t]*"
    r"(?:(?:id|number|no\.?|num)\b[ \t]*(?:is|was)?[ \t]*[:#=-]?|[:#])"
    r"[ \t]*#?[ \t]*(?P<w>(?=[A-Za-z-]*\d)[A-Za-z0-9][\w-]{2,30})"
    r"|(?:request|req|support|reference|ref|dispute|claim)[ \t]+"
    r"(?P<x>(?=[A-Za-z-]*\d)[A-Za-z0-9][\w-]{4,30})"
    r"(?![\w-]|[ \t]*(?:usd|dollars?|bucks|eur|euros?|gbp|kes|ksh|php|inr|ngn|times|hours?|hrs?|"
    r"days?|weeks?|months?|tasks?|items?|%))"
    r")",
    re.IGNORECASE,
)
_HASH_NUMBER = re.compile(r"(?<![\w&])#\d{4,}\b")
_PAYMENT_HANDLE = re.compile(
    rf"\b(?:{_PAY_SERVICES})[ \t]*(?:(?:id|handle|account|acct|user(?:name)?|tag|email|address|"
    r"number|no\.?|#|details?)\b)?[ \t]*"
    r"(?:(?:is|was|:|=|-)[ \t]*(?:[:=][ \t]*)?"
    r"(?P<v>(?!\[)(?!(?:slow|late|fine|down|broken|delayed|pending|gone|blocked|closed|on|off|not|"
    r"the|a|an|my|your|their|our|still|also|now|just|very|so|really|taking|being|working|"
    r"unavailable|available|supported|frozen|limited|suspended|better|worse|faster|great|"
    r"terrible|awful|ok|okay|good|bad|and|or|but|to|for|with|in|at)\b)"
    r"[@$]?[\w][\w.\-@+]{2,63})"
    r"|(?P<w>[@$][\w][\w.\-]{2,63}))",
    re.IGNORECASE,
)
_CASHTAG = re.compile(r"(?<![\w$])\$(?=[A-Za-z_]*[A-Za-z])(?![A-Z]{3}\b)[A-Za-z_][A-Za-z0-9_]{1,19}\b")
_REDDIT_USER = re.compile(r"(?<![\w/])/?u/[A-Za-z0-9_-]{3,20}\b")
_AT_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_][A-Za-z0-9_.-]{1,29}\b")
# Phones: a leading "+" country code, a trunk "0", a bracketed area code, or North American
# 3-3-4 grouping; 9 to 15 digits in all. Dates and money are not matched.
_PHONE = re.compile(
    r"(?<![\w$€£¥₹₱₦.,/-])"
    r"(?:"
    r"\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,5}(?:[ .-]?\d{2,5}){1,4}"
    r"|\(\d{2,5}\)[ .-]?\d{2,5}(?:[ .-]?\d{2,5}){1,3}"
    r"|0\d{2,4}[ .-]?\d{3,4}[ .-]?\d{3,4}"
    r"|\d{3}[ .-]\d{3}[ .-]\d{4}"
    r"|0[1-9]\d{8,10}"
    r")(?![\w])"
)
# Bank account and similar numbers: a run of 8 or more digits not already caught above.
_LONG_NUMBER = re.compile(r"(?<![\w.,$€£])\d{8,}(?![\w])")
_LABELLED_ACCOUNT = re.compile(
    r"\b(?:account|acct|a/c|routing|sort[ \t]*code|swift|bic|bank)[ \t]*(?:number|no\.?|#|code)?"
    r"[ \t]*(?:is|was)?[ \t]*[:#=-]?[ \t]*"
    r"(?P<v>(?-i:(?!\[)(?=[A-Z0-9 -]*\d)[A-Z0-9][A-Z0-9 -]{4,34}[A-Z0-9]))\b",
    re.IGNORECASE,
)

# Names: only where the text says a name follows. Person names need NER to find in general; these
# cues catch the common cases in reports ("my name is", sign-offs, "my QM Sarah", titles).
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]+"
_NAME = rf"{_NAME_WORD}(?:[ \t]+(?:{_NAME_WORD}|[A-Z]\.))?(?:[ \t]+{_NAME_WORD})?"
_NAME_CUES = re.compile(
    r"(?:"
    rf"\b(?i:my name is|my name's|name:|i am called|call me|signed|regards|cheers|thanks|thank you|"
    rf"best|sincerely|dear|hello|hi|hey)[,:]?[ \t\n]+(?P<n1>{_NAME})"
    rf"|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam)\.?[ \t]+(?P<n2>{_NAME})"
    rf"|\b(?i:my|our|the|a)[ \t]+(?i:qm|quality manager|team lead|teamlead|tl|lead|manager|"
    rf"reviewer|recruiter|supervisor|admin|coordinator|project manager|pm|contact|"
    rf"support agent|agent|rep|representative|onboarding specialist|specialist)"
    rf"(?:[ \t]+(?i:named|called|is|was))?[,:]?[ \t]+(?P<n3>{_NAME})"
    rf"|\b(?i:named|called)[ \t]+(?P<n4>{_NAME})"
    r")"
)
# Capitalised words after a cue that are not names (platforms, months, days, common words).
_NOT_NAMES = frozenset(
    word.lower()
    for word in (
        "Outlier", "Remotasks", "Scale", "Mercor", "Alignerr", "Appen", "CrowdGen",
        "Prolific", "Toloka", "Mindrift", "Turing", "Invisible", "Surge", "DataAnnotation",
        "Data", "Annotation", "Handshake", "Telus", "TELUS", "OneForma", "Clickworker",
        "Sama", "Labelbox", "Snorkel", "Micro1", "MTurk", "Amazon", "Mechanical", "Turk",
        "PayPal", "Payoneer", "AirTM", "Stripe", "Wise", "Deel", "Google", "Slack",
        "Discord", "Reddit", "Upwork", "Welocalize", "RWS", "Xylophone", "Pegasus",
        "Aether", "Valkyrie", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
        "Saturday", "Sunday", "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December", "I", "I'm", "Im",
        "The", "A", "An", "All", "Any", "Everyone", "Team", "Support", "Guys", "Folks",
        "There", "This", "That", "It", "They", "We", "You", "Still", "No", "Not", "Yes",
        "Again", "Anyone", "Everybody", "Nobody", "Please", "Sorry", "Hope", "Update",
        "Edit", "Regards", "Wishes", "Luck", "God", "Lord", "Sir", "Madam", "Friends",
        "Mods", "Moderators", "Redditors", "Workers", "Taskers", "Y'all",
    )
)


def _replace_names(text: str) -> str:
    out: list[str] = []
    pos = 0
    while (match := _NAME_CUES.search(text, pos)) is not None:
        group = next(g for g in ("n1", "n2", "n3", "n4") if match.group(g))
        start = match.start(group)
        words = match.group(group).split()
        kept: list[str] = []
        for word in words:  # "Sarah Monday" -> "Sarah"
            if word.lower() in _NOT_NAMES:
                break
            kept.append(word)
        if not kept:
            # Not a name ("Best Regards, ..."): the word may itself be a cue, so look again from it.
            out.append(text[pos:start])
            pos = start
            if _NAME_CUES.match(text, pos) is None or match.start() == start:
                out.append(text[pos : pos + 1])
                pos += 1
            continue
        out.append(text[pos:start] + "[name]")
        pos = start + len(" ".join(kept))
    out.append(text[pos:])
    return "".join(out)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _card_or_account(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if len(set(digits)) == 1:
        return match.group(0)
    return "[card]" if _luhn_ok(digits) else "[account-number]"


def _iban(match: re.Match[str]) -> str:
    compact = re.sub(r"[ -]", "", match.group(0))
    # An IBAN has digits after the check digits; "AB12 CDEF GHIJ" made of words is not one.
    if len(compact) < 15 or sum(ch.isdigit() for ch in compact[4:]) < 4:
        return match.group(0)
    return "[iban]"


def _link(match: re.Match[str]) -> str:
    url = match.group(0)
    host = re.sub(r"^(?:https?://)?(?:www\.)?", "", url, flags=re.IGNORECASE).split("/")[0]
    # A bare domain tells a moderator which site was meant; a path may name a person or account.
    if "/" not in url.rstrip("/").split("://")[-1] and "?" not in url:
        return url
    return f"[link: {host.lower()}]" if host else "[link]"


def scrub_identifiers(text: str) -> str:
    """Replace identifiers in already clean text with tags (see the module docstring)."""
    text = _PAYMENT_LINK.sub("[payment-handle]", text)
    text = _URL.sub(_link, text)
    text = _EMAIL.sub("[email]", text)
    text = _EMAIL_PLAIN_AT.sub("[email]", text)
    text = _STRIPE_ID.sub("[worker-id]", text)
    text = _UUID.sub("[worker-id]", text)
    text = _IBAN.sub(_iban, text)
    text = _LABELLED_ACCOUNT.sub(lambda m: _labelled(m, "[account-number]"), text)
    text = _CARD.sub(_card_or_account, text)
    text = _PAYMENT_HANDLE.sub(lambda m: _labelled(m, "[payment-handle]"), text)
    text = _CASHTAG.sub("[payment-handle]", text)
    text = _LABELLED_ID.sub(lambda m: _labelled(m, "[worker-id]"), text)
    text = _HEX_ID.sub("[worker-id]", text)
    text = _MTURK_ID.sub("[worker-id]", text)
    text = _TICKET.sub(lambda m: _labelled(m, "[ticket]"), text)
    text = _HASH_NUMBER.sub("[ticket]", text)
    text = _PHONE.sub(_phone, text)
    text = _LONG_NUMBER.sub("[account-number]", text)
    text = _REDDIT_USER.sub("[username]", text)
    text = _AT_HANDLE.sub("[username]", text)
    text = _replace_names(text)
    return text


def _phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "[phone]" if 9 <= len(digits) <= 15 else match.group(0)


def _labelled(match: re.Match[str], tag: str) -> str:
    """Replace only the identifier of a labelled match ("ticket #123456" -> "ticket #[ticket]"),
    so the sentence still reads."""
    group = next(g for g in ("v", "w", "x") if g in match.re.groupindex and match.group(g) is not None)
    start, end = match.span(group)
    whole = match.group(0)
    offset = match.start()
    return whole[: start - offset] + tag + whole[end - offset :]


def scrub(text: str | None, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Free text safe to store: cleaned (see `clean_text`), identifiers tagged, length capped.

    The cap is applied after scrubbing, so a truncated identifier cannot survive half-scrubbed;
    the input is first cut at a generous bound so a megabyte of text costs little.
    """
    if not text:
        return ""
    bound = max_chars * 8 + 1000
    if len(text) > bound:
        # Cut at a space so no identifier is split into a piece the patterns no longer know.
        text = text[:bound].rsplit(None, 1)[0]
    text = clean_text(text)
    # Replacing one identifier can expose another ("@00@00"); repeat to a fixed point, so that
    # scrubbing scrubbed text changes nothing.
    for _ in range(4):
        scrubbed = scrub_identifiers(text)
        if scrubbed == text:
            break
        text = scrubbed
    return cap_length(text, max_chars)
