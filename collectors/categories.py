"""Role categories for listings, from their title (and department when the title says nothing).

Each category has weighted keyword patterns; a listing gets the category with the highest score
(title matches count in full, department matches at half weight), ties going to the earlier
category in `_PRIORITY`. A title that is only "AI Trainer"-style boilerplate is "generalist"; a
title naming a field no category covers ("Cooking", "Fashion Style") is "other".
"""

from __future__ import annotations

import re

CATEGORIES: tuple[str, ...] = (
    "generalist", "coding", "math_science", "medicine", "law", "finance", "languages",
    "audio_voice", "acting_performance", "writing", "other",
)
def N_(message: str) -> str:
    """Mark a label for translation (babel.cfg extracts this module); the dashboard translates it where
    it shows it. Collectors themselves speak English."""
    return message


CATEGORY_LABELS: dict[str, str] = {
    "generalist": N_("Generalist"),
    "coding": N_("Coding"),
    "math_science": N_("Math and science"),
    "medicine": N_("Medicine"),
    "law": N_("Law"),
    "finance": N_("Finance"),
    "languages": N_("Languages and translation"),
    "audio_voice": N_("Audio and voice"),
    "acting_performance": N_("Acting and performance"),
    "writing": N_("Writing"),
    "other": N_("Other"),
}

_LANGUAGE_NAMES_TEXT = (
    "afrikaans albanian amharic arabic armenian assamese azerbaijani basque belarusian bengali bangla "
    "bosnian bulgarian burmese cantonese catalan cebuano chinese croatian czech danish dari dutch "
    "english estonian farsi filipino finnish french galician georgian german greek gujarati haitian "
    "hausa hebrew hindi hungarian icelandic igbo indonesian irish italian japanese javanese kannada "
    "kazakh khmer kinyarwanda kiswahili korean kurdish kyrgyz lao latvian lithuanian macedonian "
    "malagasy malay malayalam maltese mandarin maori marathi mongolian nepali norwegian odia oriya "
    "pashto persian polish portuguese punjabi romanian russian serbian sesotho shona sindhi sinhala "
    "slovak slovenian somali spanish sundanese swahili swedish tagalog tajik tamil tatar telugu thai "
    "tigrinya turkish turkmen ukrainian urdu uyghur uzbek vietnamese welsh wolof xhosa yiddish yoruba "
    "zulu"
)
_LANGUAGE_NAMES: tuple[str, ...] = tuple(_LANGUAGE_NAMES_TEXT.split())

# (pattern, weight) per category; patterns are matched case-insensitively on word boundaries.
_RULES: dict[str, tuple[tuple[str, float], ...]] = {
    "audio_voice": (
        (r"voice[- ]?(?:over|actor|actress|talent|artist|recording|data)s?", 4),
        (r"voices?", 4), (r"audio", 3), (r"speech(?!\s+(?:therap|patholog))", 2), (r"accents?", 3),
        (r"podcast(?:er)?s?", 3), (r"narrat(?:or|ion)s?", 3), (r"singers?|vocalists?|vocals?", 3),
        (r"dubbing", 3), (r"sound\s+(?:engineer|design)\w*", 3), (r"transcri(?:ption|ber)s?", 2),
    ),
    "acting_performance": (
        (r"(?<!voice )(?<!voice-)act(?:or|ors|ress|resses|ing)", 4), (r"improv(?:isation|isational)?", 4),
        (r"performers?", 4), (r"performance\s+(?:artist|sessions?)", 4), (r"theat(?:re|er)", 3),
        (r"drama", 3), (r"comedians?|stand-?up", 3), (r"dancers?", 3),
        (r"motion[- ]capture|mocap", 4), (r"on-?camera", 3), (r"emotion(?:al)?\s+sessions?", 3),
        (r"role[- ]?play(?:er|ing)?s?", 2),
    ),
    "medicine": (
        (r"medical|medicine", 4), (r"physicians?|doctors?|\bMD\b|M\.D\.", 4),
        (r"nurs(?:e|es|ing)|\bRN\b", 4), (r"radiolog(?:y|ist|ists)", 4), (r"dermatolog(?:y|ist|ists)", 4),
        (r"an(?:a)?esthe(?:tist|tists|siologist|siologists|sia)", 4), (r"pharmac(?:y|ist|ists|ology)", 4),
        (r"clinical|clinicians?", 3), (r"surg(?:eon|eons|ery|ical)", 4), (r"cardiolog\w*|oncolog\w*", 4),
        (r"psychiatr\w*", 4), (r"dentist\w*|dental", 4), (r"veterinar\w*", 4), (r"immunotherapy", 4),
        (r"health\s*care|healthcare|health", 2), (r"patholog(?:y|ist)", 3), (r"pediatric\w*|paediatric\w*", 4),
        (r"diagnostics?", 2), (r"\bICD-?10\b", 3), (r"epidemiolog\w*", 3), (r"physiotherap\w*", 4),
    ),
    "law": (
        (r"legal|law(?:yer|yers)?(?!\s*enforcement)", 4), (r"attorneys?", 4), (r"\bJD\b|J\.D\.", 4),
        (r"paralegals?", 4), (r"solicitors?|barristers?", 4), (r"litigation|litigator", 4),
        (r"contracts?\s+(?:review|law)", 3), (r"immigration", 1), (r"compliance", 1),
        (r"juris\w*", 3), (r"court", 2),
    ),
    "finance": (
        (r"financ(?:e|ial)", 4), (r"accounting|accountants?", 4), (r"\bCPA\b|\bCFA\b|\bACCA\b", 4),
        (r"banking|bankers?", 3), (r"invest(?:ment|ments|or|ing)", 3), (r"econom(?:ics|ist|ists|y)", 3),
        (r"\btax(?:ation)?\b", 3), (r"audit(?:or|ors|ing)?", 3), (r"actuar(?:y|ial|ies)", 4),
        (r"trading|traders?", 3), (r"bookkeep\w*", 4), (r"equity research|private equity", 4),
        (r"\bquant(?:itative)?\s+(?:analyst|finance|research\w*)", 4),
    ),
    "coding": (
        (r"software|developers?|programm(?:er|ers|ing)", 4), (r"coding|coders?|\bcode\b", 4),
        (r"python|javascript|typescript|java|kotlin|golang|\bgo\b\s*\(golang\)|rust|ruby|php|swift|scala", 3),
        (r"c\+\+|c#|\bsql\b|soql|cobol|fortran|haskell|\bbash\b", 3),
        (r"dev-?ops|infrastructure\s+as\s+code|\biac\b|kubernetes|cloud\s+engineer\w*", 4),
        (r"machine\s+learning|\bML\b|deep\s+learning|\bNLP\b", 3), (r"data\s+scien(?:ce|tists?)", 3),
        (r"computer\s+scien(?:ce|tists?)", 4), (r"front[- ]?end|back[- ]?end|full[- ]?stack|web\s+dev\w*", 4),
        (r"\bSWE\b", 4), (r"\bAI\s+research(?:er|ers)?", 2), (r"data\s+engineer\w*", 4),
        (r"cyber\s*security|security\s+engineer\w*", 3), (r"\bLLM\s+evaluation", 1),
    ),
    "math_science": (
        (r"math(?:s|ematics|ematician|ematicians)?", 4), (r"algebra|calculus|geometry|topology|trigonometry", 4),
        (r"number\s+theory|arithmetic", 4), (r"statistic(?:s|ian|ians)|probability", 4),
        (r"physic(?:s|ist|ists)|astrophysic\w*|quantum|thermodynamics|fluid\s+dynamics|relativity", 4),
        (r"chemi(?:stry|st|sts|cal)|biochemi\w*", 4), (r"biolog(?:y|ist|ists|ical)|microbiolog\w*|virolog\w*", 4),
        (r"genetic\w*|genomic\w*|neuroscien\w*|neurobiolog\w*", 4), (r"\bSTEM\b", 3),
        (r"scien(?:ce|ces|tist|tists)", 2), (r"earth\s+sciences?|geolog\w*|climate", 3),
        (r"engineering|engineers?", 2), (r"astronom\w*", 4),
        (r"ecolog\w*|botan\w*|zoolog\w*|plant\s+biolog\w*", 4),
    ),
    "languages": (
        (r"translat(?:or|ors|ion|ions)", 5), (r"locali[sz]ation|locali[sz]ers?", 4), (r"linguists?|linguistics", 4),
        (r"bilingual|multilingual|trilingual", 4), (r"native\s+speakers?", 3), (r"writers?/speakers?", 3),
        (r"interpret(?:er|ers|ation)", 4), (r"language", 4), (r"fluen(?:t|cy)", 2),
        ("|".join(_LANGUAGE_NAMES), 4),
    ),
    "writing": (
        (r"writ(?:er|ers|ing)", 4), (r"copywrit\w*", 4), (r"editors?|editing|proofread\w*", 3),
        (r"journalis(?:t|ts|m)", 4), (r"poe(?:t|ts|try)", 4), (r"authors?|novelists?|screenwrit\w*", 4),
        (r"storytell\w*", 3), (r"creative\s+writing", 5), (r"technical\s+writ\w*", 5), (r"content\s+writ\w*", 5),
    ),
    "generalist": (
        (r"generalists?", 3), (r"general(?:\s+interest)?", 2), (r"annotat(?:or|ors|ion)", 2),
        (r"data\s+label(?:l)?(?:er|ers|ing)|label(?:l)?ing", 2), (r"raters?|search\s+quality", 3),
        (r"content\s+reviewer", 2),
    ),
}
_PRIORITY = (
    "audio_voice", "acting_performance", "medicine", "law", "finance", "languages", "coding",
    "math_science", "writing", "generalist",
)
_COMPILED: dict[str, tuple[tuple[re.Pattern[str], float], ...]] = {
    category: tuple((re.compile(rf"\b(?:{pattern})(?!\w)", re.I), weight) for pattern, weight in rules)
    for category, rules in _RULES.items()
}
# Words that say nothing about the field: a title made only of these is a generalist role.
_BOILERPLATE = re.compile(
    r"""\b(?:ai|a\.i\.|llm|trainers?|training|tutors?|evaluators?|experts?|expertise|specialists?
        |freelance|remote|contract|contractors?|part[- ]time|full[- ]time|temporary|project\s+\w+
        |bachelor'?s?|master'?s?|ph\.?\s?d\.?s?|postdocs?|or|and|for|the|of|in|with|to|a|an|at|on
        |senior|junior|sr|jr|lead|associate|entry[- ]level|level|tier|\d+|us|usa|uk|eu|latam|emea|apac
        |worldwide|global|anywhere|hiring|urgent|new|opportunity|role|position|job|sought|wanted
        |advanced|model|models|human|data|feedback|reviewers?|raters?|annotators?|rlhf)\b""",
    re.X | re.I,
)


def _scores(text: str) -> dict[str, float]:
    scores: dict[str, float] = {}
    for category, rules in _COMPILED.items():
        total = sum(weight for pattern, weight in rules if pattern.search(text))
        if total:
            scores[category] = total
    return scores


def categorise(title: str | None, department: str | None = None) -> str:
    """The role category slug (one of `CATEGORIES`) for a listing's title and department."""
    title = title or ""
    scores = _scores(title)
    if department:
        for category, score in _scores(department).items():
            scores[category] = scores.get(category, 0.0) + score / 2
    if scores:
        best = max(scores.values())
        return next(c for c in _PRIORITY if scores.get(c) == best)
    leftover = _BOILERPLATE.sub(" ", title)
    if re.search(r"[^\W\d_]", leftover):
        return "other"
    return "generalist" if title.strip() else "other"
