"""Scrub free text before it is stored: identifiers out, invisible and control characters out.

Workers describing a late payment paste whatever they have: the email their ticket came from, a
PayPal address, an IBAN, a Prolific ID, a ticket number, their lead's name. Any of these could let
a platform find the reporter, and several reports link complaining to deactivation. So free text is
scrubbed *before* storage and only the scrubbed text is ever kept.

`scrub(text)` replaces each identifier with a tag naming its kind (`[email]`, `[phone]`,
`[payment-handle]`, `[iban]`, `[card]`, `[account-number]`, `[worker-id]`, `[ticket]`,
`[username]`, `[name]`, `[link]`, `[id-number]` for passports, tax and national ids, `[address]`),
so a moderator still understands the text. It errs on the side
of removing too much: a scrubbed word costs a little meaning, a leaked identifier can cost a job.
It is idempotent (scrubbing scrubbed text changes nothing), so a report can be re-validated.

Names are found by heuristics, not a model: after a cue ("my name is", "my QM", "Dr."), in
self-introductions ("I am Priya Ramanathan", "Jane Wanjiru Kamau here", "Soy Carlos Pérez") and in
dash sign-offs, needing two capitalised words where there is no cue word. A named-entity model
(spaCy and the like) would find more but means a model download of hundreds of megabytes that
offline installs cannot fetch, and it still misses the Kenyan, Filipino and Venezuelan names of
these reports often enough to need the same rules. Known limits: a lone first name with no cue
("Priya said"), names written in lower case, and handles after an unusual separator
("Discord - name") stay. On tests/data/scrub_cases.jsonl (92 sentences with identifiers from eight
countries, 53 that must not change) every identifier is removed and no clean sentence is touched;
on 36 sentences written afterwards (not used to build the patterns) 35 were caught, 0 of 12 clean
ones changed.

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
    "[worker-id]", "[ticket]", "[username]", "[name]", "[link]", "[id-number]", "[address]",
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
_SPACE_RUNS = re.compile(r"[ ]{2,}")


def clean_text(text: str, *, keep_newlines: bool = True) -> str:
    """Text safe to store and to show as plain text: NFKC, no control or invisible characters.

    Keeps line breaks (as "\\n", at most two in a row) when `keep_newlines`; every other control
    character (C0, C1, DEL) is removed, tabs and odd spaces become plain spaces.
    """
    if text.isascii() and text.isprintable():
        # Printable ASCII (most fields of an import: codes, dates, amounts) is already NFKC, with
        # no control, invisible or odd space character and no line break: only runs of spaces
        # and the ends change. The same result as the full path, several times faster.
        return _SPACE_RUNS.sub(" ", text).strip() if "  " in text else text.strip()
    return _clean_text_fully(text, keep_newlines=keep_newlines)


def _clean_text_fully(text: str, *, keep_newlines: bool) -> str:
    text = _SURROGATES.sub("", text)
    text = _NEWLINES.sub("\n", text)
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\n" if keep_newlines else " ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue  # control, format (tag characters too), surrogate, private use, unassigned
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
    r"gcash|g-cash|maya|paymaya|m-?pesa|revolut|stripe|deel|upwork|remitly|binance(?:[ \t]+pay)?|zinli|"
    r"opay|palmpay|chipper(?:[ \t]*cash)?|kuda|moniepoint|payeer|nequi|airtel[ \t]*money|mtn[ \t]*momo|"
    r"pago[ \t]*m[oó]vil"
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
    r"\b[\w+-][\w.+-]{0,63}(?:\s+dot\s+[\w+-]{1,64}){0,3}\s+at\s+(?:gmail|googlemail|yahoo|ymail|hotmail|"
    r"outlook|proton(?:mail)?|icloud|live|aol|gmx|yandex|web|btinternet|rediffmail|zoho|mail)"
    r"(?:\s*(?:dot|\.)\s*[a-z]{2,6}){0,2}\b",
    re.IGNORECASE,
)

_PAYMENT_LINK = re.compile(
    r"\b(?:https?://)?(?:www\.)?(?:paypal\.me|paypal\.com/(?:paypalme|pools)|venmo\.com(?:/u)?|"
    r"cash\.app|cash\.me|wise\.com/pay|revolut\.me|buymeacoffee\.com|ko-fi\.com|"
    r"payoneer\.com/\S*)/\$?[\w.\-]+",
    re.IGNORECASE,
)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'\]\[)]+", re.IGNORECASE)
# Profile and chat links are written without a scheme ("t.me/name", "linkedin.com/in/name"): the
# path names a person, whatever the site.
_SOCIAL_LINK = re.compile(
    r"(?<![\w.@/-])(?:https?://)?(?:www\.|m\.|mobile\.)?(?P<host>t\.me|telegram\.(?:me|dog)|wa\.me|"
    r"linkedin\.com|github\.com|gitlab\.com|bitbucket\.org|facebook\.com|fb\.com|fb\.me|instagram\.com|"
    r"twitter\.com|x\.com|tiktok\.com|threads\.net|bsky\.app|discord\.gg|discord\.com|reddit\.com|"
    r"medium\.com|upwork\.com|fiverr\.com|freelancer\.com|linktr\.ee|youtube\.com|youtu\.be|"
    r"snapchat\.com|vk\.com|calendly\.com|about\.me|wellfound\.com|angel\.co)/[^\s<>\"'\]\[)]+",
    re.IGNORECASE,
)
# Crypto wallets (paid through Binance or USDT where PayPal does not reach): Ethereum, Tron, Bitcoin.
_WALLET = re.compile(
    r"\b(?:0x[0-9a-fA-F]{40}|T[1-9A-HJ-NP-Za-km-z]{33}|bc1[02-9ac-hj-np-z]{11,71}|"
    r"[13](?=[1-9A-HJ-NP-Za-km-z]*\d)(?=[1-9A-HJ-NP-Za-km-z]*[A-Za-z])[1-9A-HJ-NP-Za-km-z]{25,34})\b"
)

# Passports, tax and national ids: after their name, or in their own shapes where those are
# distinctive (Kenyan KRA PIN, Indian PAN and Aadhaar, US SSN, UK NI, Venezuelan cédula,
# Philippine TIN and SSS).
_GOV_ID = re.compile(
    r"\b(?:passport|pass|reisepass|pasaporte|national[ \t]+id(?:entity)?(?:[ \t]+card)?|id[ \t]+card|"
    r"kra[ \t]+pin|pin|pan|aadhaa?r|ssn|social[ \t]+security|nin|bvn|ni|national[ \t]+insurance|tin|"
    r"sss|philhealth|pag-?ibig|umid|c[ée]dula|c\.[ \t]?i\.|rif|dni|nie|steuer-?id|steuernummer|"
    r"personalausweis|tax[ \t]+(?:id|number|file[ \t]+number)|itin|ein|huduma(?:[ \t]+namba)?|"
    r"voter'?s?[ \t]+(?:id|card)|driver'?s?[ \t]+licen[cs]e|driving[ \t]+licen[cs]e)"
    r"[ \t]*(?:(?:number|no|num|nr|card|id)\b\.?|#)?[ \t]*(?:is|was|es|ist|:|=|-)?[ \t]*(?::[ \t]*)?"
    r"(?P<v>(?-i:(?!\[)(?=[A-Z0-9 .-]*\d)[A-Z0-9][A-Z0-9 .-]{3,22}[A-Z0-9]))(?![\w-])",
    re.IGNORECASE,
)
_GOV_ID_SHAPES = re.compile(
    r"\b(?:[AP]\d{9}[A-Z]"  # KRA PIN
    r"|[A-Z]{3}[PCHABGJLFT][A-Z]\d{4}[A-Z]"  # PAN (the fourth letter is the holder's type)
    r"|[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]"  # UK National Insurance
    r"|[VE]-?\d{1,2}\.\d{3}\.\d{3}"  # cédula
    r")\b"
    r"|(?<![\d-])(?:\d{3}-\d{2}-\d{4}|\d{3}-\d{3}-\d{3}(?:-\d{3,5})?|\d{2}-\d{7}-\d)(?![\d-])"  # SSN, TIN, SSS
    r"|(?<![\d ])[2-9]\d{3} \d{4} \d{4}(?! ?\d)"  # Aadhaar
)

# Street addresses: a house number with a street type, European "Name-straße 5", unit and plot
# numbers, barangays, P.O. boxes, postcodes. Capitalised words only (case-sensitive), so "5 tasks
# a day" and "the way to go" stay.
_CAP = r"[A-ZÀ-ÖØ-Þ][\wÀ-ÿ'’.-]*"
_STREET_TYPE = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Av|Lane|Ln|Drive|Dr|Way|Close|Crescent|Cres|Boulevard|Blvd|Court|Ct|"
    r"Place|Pl|Terrace|Highway|Hwy|Parkway|Pkwy|Square|Sq|Gardens|Grove|Mews|Estate|Marg|Nagar|Layout|Chowk)"
)
_ADDRESS = re.compile(
    r"(?:"
    rf"\b\d{{1,5}}[A-Z]?(?:[-/]\d{{1,5}})?,?[ \t]+(?:{_CAP}[ \t]+){{1,3}}{_STREET_TYPE}\b\.?"
    rf"|(?<![\w-])(?!(?:The|A|An|By|On|My|No|Any|This|That|Our|Your|In|Of|To|All|Half|Same|Wrong|Right|Long|"
    rf"Easy|Hard|Which|Either|Other|Every|Each|Some|One|Fast|Slow|Quick|Only|New|Old)\b)"
    rf"(?:{_CAP}[ \t]+){{1,3}}(?:Street|Road|Avenue|Lane|Way|Close|Crescent|Boulevard|Highway)\b"
    r"(?:[ \t]+No\.?[ \t]*\d+)?"
    r"|\b(?:Road|Street|Lane|Sector|Phase|Block)[ \t]+No\.?[ \t]*\d+[A-Z]?"
    r"|\b[A-ZÄÖÜ][a-zäöüß]+(?:straße|strasse|str\.|weg|gasse|allee|platz|ring|damm|ufer)[ \t]*\d{1,4}[a-z]?\b"
    r"|\b(?:Flat|Apt\.?|Apartment|Unit|Suite|Ste\.?|Plot|House[ \t]+No\.?|H\.[ \t]?No\.?|Door[ \t]+No\.?|"
    r"Block[ \t]*\d+[ \t]*Lot|Blk\.?|Lot|Room|Rm\.?|Bldg\.?|Building|Piso|Apto\.?|Wohnung)[ \t]*(?:No\.?)?[ \t]*#?"
    r"[\w/-]*\d[\w/-]*"
    rf"|\b(?:Brgy\.?|Barangay|Purok|Sitio)[ \t]+(?:{_CAP}[ \t]?){{1,3}}"
    rf"|\b(?:Calle|Carrera|Cra\.|Avenida|Av\.|Urb\.|Urbanizaci[oó]n|Edificio|Edif\.|Residencias|Quinta)[ \t]+"
    rf"(?:No\.?[ \t]*)?(?:\d+[A-Za-z]?|{_CAP}(?:[ \t]+{_CAP}){{0,2}})"
    r"|\b(?:P\.?[ \t]?O\.?[ \t]?Box|Post[ \t]+Office[ \t]+Box|Apartado(?:[ \t]+Postal)?)[ \t]*\d[\d-]*"
    r"|\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b"  # UK postcode
    r"|\b(?:AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|"
    r"NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC) \d{5}(?:-\d{4})?\b"  # US state and ZIP
    r"|(?<=, )\d{5} (?=[A-ZÄÖÜ][a-zäöüß]+)"  # German, French, Spanish postcodes before a town
    r")"
)

# Chat and platform handles after the service's name or a "username" label.
_HANDLE_VALUE = r"(?!\[)[\w][\w.:#+-]{0,40}\w"
_LABELLED_HANDLE = re.compile(
    r"\b(?:discord|telegram|tg|skype|slack|signal|whatsapp|instagram|insta|ig|twitter|tiktok|snapchat|"
    r"wechat|reddit|user(?:[ \t]*name)?|usuario|nombre[ \t]+de[ \t]+usuario|benutzername|nutzername|handle|"
    r"screen[ \t]*name|gamertag|nick(?:name)?)"
    r"[ \t]*(?:(?:id|handle|user(?:[ \t]*name)?|name|tag|account)\b)?"
    rf"(?:[ \t]*(?:is|was|es|ist)?[ \t]*[:=][ \t]*(?P<v>{_HANDLE_VALUE})"
    rf"|[ \t]+(?:(?:is|was|es|ist)[ \t]+)?(?P<w>(?=[\w.:#+-]*[\d_.#])(?![\d.,]+\b){_HANDLE_VALUE}))",
    re.IGNORECASE,
)
_DISCRIMINATOR = re.compile(r"(?<![\w#])[A-Za-z0-9_.]{2,32}#\d{4}\b")  # Discord's older "name#1234"
# "ID: OUT-123456", "my ID is 4471", "Mitarbeiter-ID: DE-55120": an id with a digit after the label.
_BARE_ID = re.compile(
    r"\b(?:ID|Id|id|I\.D\.)(?:[ \t]*(?:number|no|num|nr)\b\.?)?[ \t]*(?:is|was|es|ist|:|#|=)[ \t]*#?[ \t]*"
    r"(?P<v>(?!\[)(?=[\w-]*\d)[A-Za-z0-9][\w-]{2,40})"
)

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
    r"freelancer|candidate|employee|emp|staff|badge|payroll|personnel|rater|agent|account|profile|"
    r"prolific|mturk|outlier|appen|crowdgen|remotasks|mercor|alignerr|toloka|telus|oneforma|taskus|sama|"
    r"welocalize|lionbridge|scale|dataannotation|turing|mindrift|handshake|micro1|invisible)"
    r"[ \t]*(?:(?:id|identifier|number|no|num|nr|code)\b\.?|#)[ \t]*(?:is|was)?[ \t]*[:#=-]?[ \t]*"
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
    r"(?:[ \t]*(?:is|was)[ \t]+(?:[:=][ \t]*)?(?P<u>(?!\[)(?=[\w\-@+$]*(?:[\d@_$]|\.\w))[@$]?[\w][\w.\-@+]{2,63})"
    r"|(?::|=|-)[ \t]*(?:[:=][ \t]*)?"
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
    r"|[6-9]\d{4}[ -]\d{5}"  # Indian mobiles as written, 98765 43210
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
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+(?:-[A-ZÀ-ÖØ-Þ]?[a-zà-öø-ÿ'’]+)*"
_NAME = rf"{_NAME_WORD}(?:[ \t]+(?:{_NAME_WORD}|[A-Z]\.))?(?:[ \t]+{_NAME_WORD})?"
# A full name with no cue word before it: two to four capitalised words, with the particles of
# Filipino, Spanish, Dutch, German and Arabic names between them ("Maria Clara dela Cruz").
_PARTICLE = r"(?:de|del|dela|de[ \t]+la|de[ \t]+los|da|das|do|dos|van|von|der|den|ter|bin|binti|bint|ibn|al|el|le|la|di|du)"
_FULL_NAME = rf"{_NAME_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_NAME_WORD}){{1,3}}"
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
    # Self-introductions and sign-offs, in the languages of the reports: these need a full name
    # (two words or more), so "I am Kenyan" and "this is Outlier" stay.
    rf"|\b(?i:i am|i'm|i’m|im|this is|it's|it’s|it is|here is|ich bin|hier ist|soy|me llamo|je suis|"
    rf"ako si|mimi ni|naitwa)[ \t]+(?P<n5>{_FULL_NAME})"
    rf"|(?m:^|(?<=[.!?])[ \t]+)(?P<n6>{_FULL_NAME})[ \t]+(?i:here|hapa|aqui|aquí)\b"
    rf"|(?m:^)[ \t]*[-–—~][ \t]*(?P<n7>{_FULL_NAME})[ \t]*(?m:$)"
    r")"
)
_NEEDS_FULL_NAME = ("n5", "n6", "n7")
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
        "Project", "Projects", "Task", "Tasks", "Week", "Weeks", "Month", "Level", "Batch", "Phase",
        "Stripe", "Zinli", "Binance", "GCash", "Maya", "Revolut", "Venmo", "Zelle", "Skrill",
        "Kenya", "India", "Nigeria", "Philippines", "Venezuela", "Germany", "UK", "US", "USA",
        "Kenyan", "Indian", "Nigerian", "Filipino", "Venezuelan", "German", "British", "American",
        "Nairobi", "Lagos", "Manila", "Caracas", "Berlin", "London", "AI", "International", "Labs",
        "Waiting", "Unpaid", "Paid", "Late", "Again", "Here", "Just", "Also", "Really", "Very",
    )
)


def _replace_names(text: str) -> str:
    out: list[str] = []
    pos = 0
    while (match := _NAME_CUES.search(text, pos)) is not None:
        group = next(g for g in ("n1", "n2", "n3", "n4", "n5", "n6", "n7") if match.group(g))
        start = match.start(group)
        words = match.group(group).split()
        kept: list[str] = []
        for word in words:  # "Sarah Monday" -> "Sarah"
            if word.lower() in _NOT_NAMES:
                break
            kept.append(word)
        if group in _NEEDS_FULL_NAME and sum(w[0].isupper() for w in kept) < 2:
            kept = []
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
    text = _SOCIAL_LINK.sub(lambda m: f"[link: {m.group('host').lower()}]", text)
    text = _URL.sub(_link, text)
    text = _EMAIL.sub("[email]", text)
    text = _EMAIL_PLAIN_AT.sub("[email]", text)
    text = _WALLET.sub("[payment-handle]", text)
    text = _STRIPE_ID.sub("[worker-id]", text)
    text = _UUID.sub("[worker-id]", text)
    text = _GOV_ID.sub(lambda m: _labelled(m, "[id-number]"), text)
    text = _GOV_ID_SHAPES.sub("[id-number]", text)
    text = _ADDRESS.sub("[address]", text)
    text = _IBAN.sub(_iban, text)
    text = _LABELLED_ACCOUNT.sub(lambda m: _labelled(m, "[account-number]"), text)
    text = _CARD.sub(_card_or_account, text)
    text = _PAYMENT_HANDLE.sub(lambda m: _labelled(m, "[payment-handle]"), text)
    text = _CASHTAG.sub("[payment-handle]", text)
    text = _LABELLED_ID.sub(lambda m: _labelled(m, "[worker-id]"), text)
    text = _BARE_ID.sub(lambda m: _labelled(m, "[worker-id]"), text)
    text = _LABELLED_HANDLE.sub(lambda m: _labelled(m, "[username]"), text)
    text = _DISCRIMINATOR.sub("[username]", text)
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
    group = next(g for g in ("v", "u", "w", "x") if g in match.re.groupindex and match.group(g) is not None)
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
