"""The records that source parsers yield: one `ListingRecord` per advertised listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from collectors.pay import Pay
from collectors.textclean import MAX_LENGTHS, clean_optional, clean_text

_TEXT_FIELDS = ("url", "location", "country", "employment_type", "department", "pay_text")


@dataclass(frozen=True, slots=True)
class ListingRecord:
    """What one listing says at one moment, as parsed from one response (pure data)."""

    external_id: str  # the platform's own id, stable across scrapes
    title: str
    url: str | None = None  # the public page a reader can open
    location: str | None = None
    is_remote: bool | None = None
    country: str | None = None  # ISO 3166-1 alpha-2 when the listing names exactly one country
    employment_type: str | None = None  # contract, full_time, part_time, ... as published
    department: str | None = None
    pay_text: str | None = None  # the pay exactly as published (text or a rendering of the fields)
    pay: Pay | None = None  # None when the listing states no pay
    hours_per_week: float | None = None  # when the listing states it (Mercor's hoursPerWeek)
    description_sha256: str | None = None  # hash of the description text, to detect edits
    posted_at: datetime | None = None

    def __post_init__(self) -> None:
        # Cleaned here, where every source's records are made, so no parser can forget it: control
        # and bidi-formatting characters go, lengths are capped (see collectors.textclean). The raw
        # response keeps what the platform really sent.
        set_field = object.__setattr__  # frozen
        for name in ("external_id", "title"):
            value = getattr(self, name)
            if isinstance(value, str):  # a parser's wrong type is its own error, found later
                set_field(self, name, clean_text(value, max_length=MAX_LENGTHS[name]))
        for name in _TEXT_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str):
                set_field(self, name, clean_optional(value, max_length=MAX_LENGTHS[name]))


class ParseError(ValueError):
    """A response does not have the shape its parser knows. Never read as 'no listings'."""
