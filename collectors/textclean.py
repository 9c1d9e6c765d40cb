"""Cleaning scraped text before it is stored: what a platform publishes is data, never markup.

A listing title can carry characters that change how the text *displays* without changing what it
*says*: a right-to-left override turns "Annotator $15" into something a reader sees as "$50 per
hour"; NUL and ESC bytes break CSV readers and terminals; a 200,000-character title swamps every
page it appears on. `clean_text` removes control characters (C0 except tab, newline and carriage
return; DEL; C1), the bidirectional embeddings, overrides, isolates and marks, and caps the length.
The raw response is kept untouched in the archive, so nothing is lost: a parser fix or a different
cleaning can always be re-run over history (`gigwatch reparse`).
"""

from __future__ import annotations

import re

__all__ = ["MAX_LENGTHS", "clean_error", "clean_optional", "clean_text"]

# Bidirectional formatting characters: LRE, RLE, PDF, LRO, RLO (U+202A-202E), the isolates LRI,
# RLI, FSI, PDI (U+2066-2069), the marks LRM, RLM (U+200E, U+200F) and ALM (U+061C).
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
# C0 controls except tab (0x09), newline (0x0a) and carriage return (0x0d); DEL; C1 controls.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_STRIP = re.compile(f"[{_CONTROLS}{_BIDI}]")

# Field caps, in characters. Titles on the boards gigwatch reads are well under 200 characters.
MAX_LENGTHS: dict[str, int] = {
    "external_id": 500,
    "title": 300,
    "url": 2048,
    "location": 200,
    "country": 100,
    "employment_type": 100,
    "department": 200,
    "pay_text": 500,
    "error": 2000,
}
ELLIPSIS = "…"


def clean_text(value: str, *, max_length: int | None = None) -> str:
    """`value` without control or bidi-formatting characters, at most `max_length` long.

    Tab, newline and carriage return stay (titles with line breaks are published that way, and
    text that was already clean must hash as before, or every listing would gain a version). A cut
    value ends with "…" within the cap.
    """
    # Everything removed is non-printable (Cc, Cf): most text is printable and skips the regex.
    text = value if value.isprintable() else _STRIP.sub("", value)
    if max_length is not None and len(text) > max_length:
        text = text[: max(0, max_length - len(ELLIPSIS))].rstrip() + ELLIPSIS
    return text


def clean_optional(value: str | None, *, max_length: int | None = None) -> str | None:
    """`clean_text` for an optional one-line field; None stays None."""
    return None if value is None else clean_text(value, max_length=max_length)


def clean_error(message: str) -> str:
    """A run error fit to store and show: errors echo hostile keys and bodies (cleaned, capped)."""
    return clean_text(message, max_length=MAX_LENGTHS["error"])
