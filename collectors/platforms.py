"""The platform registry: `data/platforms.csv` is the one list of platforms gigwatch knows.

The lake's `platforms` table, the report form's choices (`report_label`), the test mapping of
`../shared/sources.md` names (`research_name`) and the platform list in
`docs/report-import-format.md` (written by `gigwatch docs`) all come from it. Adding a platform is
one row here.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PLATFORMS_CSV = Path(__file__).resolve().parents[1] / "data" / "platforms.csv"
IMPORT_FORMAT_DOC = Path(__file__).resolve().parents[1] / "docs" / "report-import-format.md"

# Columns of the lake's `platforms` table (the registry's other columns stay in the file).
LAKE_COLUMNS = ("platform_id", "name", "parent_company", "website")


@dataclass(frozen=True)
class Platform:
    platform_id: str
    name: str
    parent_company: str | None
    website: str | None
    report_label: str | None  # the label the report form shows; None: reports cannot name it
    research_name: str | None  # its name in sources.md section 1, when it is listed there


@cache
def load_platforms(path: Path = PLATFORMS_CSV) -> tuple[Platform, ...]:
    """Every platform of the registry, in the file's order (the order the report form lists)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    platforms = tuple(
        Platform(
            platform_id=row["platform_id"], name=row["name"],
            parent_company=row.get("parent_company") or None, website=row.get("website") or None,
            report_label=row.get("report_label") or None, research_name=row.get("research_name") or None,
        )
        for row in rows
    )
    ids = [p.platform_id for p in platforms]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"{path}: platform_id listed twice: {', '.join(duplicated)}")
    return platforms


def report_platforms(path: Path = PLATFORMS_CSV) -> dict[str, str]:
    """slug -> plain-language label, for the platforms a payment report can name."""
    return {p.platform_id: p.report_label for p in load_platforms(path) if p.report_label}


def research_names(path: Path = PLATFORMS_CSV) -> dict[str, str]:
    """sources.md section 1 name -> platform slug."""
    return {p.research_name: p.platform_id for p in load_platforms(path) if p.research_name}


# -- the generated list in docs/report-import-format.md ------------------------------------------

_DOC_PLATFORM_LIST = re.compile(r"(\| `platform` \| yes \| )one of .*?, or `other`\.")


def doc_platform_list(path: Path = PLATFORMS_CSV) -> str:
    slugs = [f"`{slug}`" for slug in report_platforms(path) if slug != "other"]
    return f"one of {', '.join(slugs)}, or `other`."


def render_import_format_doc(text: str, path: Path = PLATFORMS_CSV) -> str:
    """`text` (the import-format doc) with its platform list rewritten from the registry."""
    rendered, count = _DOC_PLATFORM_LIST.subn(lambda m: m.group(1) + doc_platform_list(path), text, count=1)
    if count != 1:
        raise ValueError("the import-format doc has no '| `platform` | yes | one of ..., or `other`.' row")
    return rendered


def write_docs(doc: Path = IMPORT_FORMAT_DOC) -> bool:
    """Regenerate the doc's platform list; True when the file changed."""
    text = doc.read_text(encoding="utf-8")
    rendered = render_import_format_doc(text)
    if rendered != text:
        doc.write_text(rendered, encoding="utf-8")
    return rendered != text
