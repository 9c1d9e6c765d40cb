"""Backfill: history from before the first live run, from web archives and git-scraped archives.

`gigwatch backfill archive` asks a CDX server (the Internet Archive's by default) for captures of
each source's GET endpoint and replays them (archive.py); `gigwatch backfill git` replays every
commit of a board file in a local clone (gitreplay.py). Both record ordinary runs of kind
`archive` or `git`, observed at the capture or commit time, with their provenance
(collectors/store/archive.py), then derive the source's history again from every run in time order
(replay.py). What a capture proves, and what it does not, is in data/README.md ("Backfilled
history").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from collectors.sources.base import SourceConfig

# One GET of these is the whole board: consecutive complete captures may close listings.
WHOLE_BOARD_KINDS = frozenset({"greenhouse", "lever", "ashby", "mercor"})
# What the archive cannot hold, and why (a source's `archive_note` in data/sources.toml wins).
NOT_ARCHIVABLE = {
    "outlier": "the job list is a POST API; the archive keeps GETs only",
    "turing": "the job list is a POST API; the archive keeps GETs only",
    "telus": "the job list is a POST API; the archive keeps GETs only",
    "micro1": "the job list is a POST API; the archive keeps GETs only",
    "workable": "the Workable v3 widget API is a POST; the archive keeps GETs only",
    "handshake": "the board is hydrated from JavaScript chunks; a capture of the page holds no listings",
    "reddit": "forums are not listings",
}


def archive_mode(source: SourceConfig) -> str:
    """"board", "page" or "none": what one archived GET of `source.url` is."""
    if source.archive:
        return source.archive
    if source.kind in NOT_ARCHIVABLE:
        return "none"
    return "board" if source.kind in WHOLE_BOARD_KINDS else "page"


def not_archivable_reason(source: SourceConfig) -> str:
    return source.archive_note or NOT_ARCHIVABLE.get(source.kind, "marked archive = \"none\" in its sources file")


@dataclass(slots=True)
class BackfillSummary:
    """What one source's backfill did: captures found, used, failed (with reasons), skipped."""

    source_name: str
    found: int = 0
    used: int = 0
    already_kept: int = 0
    after_live: int = 0  # kept with provenance, not replayed: captured after live collection began
    failed: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    note: str | None = None

    def line(self) -> str:
        if self.note and not self.found:
            return f"{self.source_name}: {self.note}"
        parts = [f"{self.found} capture(s) found", f"{self.used} used"]
        if self.after_live:
            parts.append(f"{self.after_live} kept but not replayed (taken after live collection began)")
        if self.already_kept:
            parts.append(f"{self.already_kept} already kept")
        if self.failed:
            parts.append(f"{sum(self.failed.values())} failed (" + "; ".join(
                f"{count} {why}" for why, count in self.failed.most_common()) + ")")
        if self.skipped:
            parts.append("skipped: " + "; ".join(f"{count} {why}" for why, count in self.skipped.most_common()))
        return f"{self.source_name}: " + ", ".join(parts) + (f" ({self.note})" if self.note else "")
