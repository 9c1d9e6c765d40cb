"""Read `data/README.md`, the one source of truth for method and data dictionary, in sections.

The Methodology page renders its sections; Explore shows the dictionary entry of the table being
downloaded; `gigwatch export` ships the same file beside every export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

DATA_README = Path(__file__).resolve().parent.parent / "data" / "README.md"
DICTIONARY_SECTION = "Data dictionary"


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    body: str  # markdown under the heading, without the heading itself


def read_readme(path: Path = DATA_README) -> str:
    """The README's text, or "" when it is missing."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def split_sections(text: str, level: int = 2) -> tuple[str, list[Section]]:
    """The text before the first heading of `level`, and each section at that level in order."""
    marker = re.compile(rf"^{'#' * level} (?!#)(.+?)\s*$", re.MULTILINE)
    matches = list(marker.finditer(text))
    if not matches:
        return text.strip(), []
    preamble = text[: matches[0].start()].strip()
    sections = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        sections.append(Section(match.group(1).strip(), text[match.end() : end].strip()))
    return preamble, sections


def title(text: str) -> str:
    """The document's H1 title ("" when it has none)."""
    match = re.search(r"^# (.+?)\s*$", text, re.MULTILINE)
    return match.group(1) if match else ""


def strip_title(preamble: str) -> str:
    return re.sub(r"^# .+?$", "", preamble, count=1, flags=re.MULTILINE).strip()


_CODE_SPAN = re.compile(r"`[^`]*`")


def escape_table_code(markdown: str) -> str:
    """Escape "|" inside code spans on table rows, so `platform|source|id` stays in one cell."""
    lines = []
    for line in markdown.splitlines():
        if line.lstrip().startswith("|"):
            line = _CODE_SPAN.sub(lambda m: re.sub(r"(?<!\\)\|", r"\\|", m.group(0)), line)
        lines.append(line)
    return "\n".join(lines)


def _cells(line: str) -> list[str]:
    # Split on "|" not escaped as "\|", then unescape.
    parts = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [part.strip().replace("\\|", "|") for part in parts]


def blocks(markdown: str) -> list[str | pd.DataFrame]:
    """Markdown split into prose and tables: each table as a DataFrame (cells keep their inline
    markdown as text), so a page can show tables in a scrollable grid that fits a phone."""
    out: list[str | pd.DataFrame] = []
    prose: list[str] = []
    lines = escape_table_code(markdown).splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        is_table = (
            line.lstrip().startswith("|") and index + 1 < len(lines)
            and re.fullmatch(r"\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*", lines[index + 1]) is not None
        )
        if not is_table:
            prose.append(line)
            index += 1
            continue
        if "\n".join(prose).strip():
            out.append("\n".join(prose).strip())
        prose = []
        header = _cells(line)
        rows = []
        index += 2
        while index < len(lines) and lines[index].lstrip().startswith("|"):
            cells = _cells(lines[index])
            rows.append((cells + [""] * len(header))[: len(header)])
            index += 1
        out.append(pd.DataFrame(rows, columns=header).replace(r"`([^`]*)`", r"\1", regex=True))
    if "\n".join(prose).strip():
        out.append("\n".join(prose).strip())
    return out


def table_dictionary(text: str, table: str) -> str | None:
    """The data dictionary entry (markdown) for `table`, or None when the README has none.

    Headings may name several tables ("### lake_meta, migrations").
    """
    _, sections = split_sections(text)
    dictionary = next((s for s in sections if s.title.lower() == DICTIONARY_SECTION.lower()), None)
    if dictionary is None:
        return None
    _, tables = split_sections(dictionary.body, level=3)
    for entry in tables:
        names = {name.strip() for name in entry.title.split(",")}
        if table in names:
            return escape_table_code(entry.body)
    return None
