"""The source formats gigwatch can read, and the sources configured in data/sources.toml.

Every format is a module here and is found by `discover_kinds`: a module of this package whose
name does not begin with `_` (those are helpers) and that exposes `KIND` (a str), `parse` and
`collect` (see `base.py`) is registered under its `KIND`, so `KINDS` lists exactly what
`gigwatch parse KIND` and `kind = "..."` in sources.toml accept. Adding a platform that uses a
known format is one `[[source]]` entry in data/sources.toml; adding a format is one module,
one fixtures folder and one test file, with no edit here.
"""

from __future__ import annotations

import importlib
import pkgutil
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from collectors.sources.base import SourceConfig

__all__ = [
    "DEFAULT_SOURCES_PATH",
    "KINDS",
    "SourcesError",
    "UnknownKindError",
    "discover_kinds",
    "get_kind",
    "load_sources",
]



def is_source_module(module: ModuleType) -> bool:
    """Whether a module is a source format: it exposes `KIND` (a str), `parse` and `collect`."""
    kind = getattr(module, "KIND", None)
    return (
        isinstance(kind, str)
        and bool(kind)
        and callable(getattr(module, "parse", None))
        and callable(getattr(module, "collect", None))
    )


def discover_kinds(
    paths: Iterable[str] | None = None, package: str = __name__
) -> dict[str, ModuleType]:
    """Every source format among the modules of `package` (found in `paths`), by `KIND`.

    Modules whose name begins with `_` are helpers and are not imported here; modules without the
    agreed attributes (`base`, `cli_parse`, the forum reader `reddit`) are skipped. Two modules
    claiming one `KIND` is an error naming both.
    """
    kinds: dict[str, ModuleType] = {}
    found = pkgutil.iter_modules(list(paths) if paths is not None else __path__)
    for info in sorted(found, key=lambda info: info.name):
        if info.name.startswith("_") or info.ispkg:
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        if not is_source_module(module):
            continue
        if module.KIND in kinds:
            raise ImportError(
                f"source kind {module.KIND!r} is claimed by both {kinds[module.KIND].__name__} "
                f"and {module.__name__}"
            )
        kinds[module.KIND] = module
    return kinds


DEFAULT_SOURCES_PATH = Path(__file__).resolve().parents[2] / "data" / "sources.toml"

_FIELDS = {
    "name", "platform", "kind", "url", "interval_hours", "min_interval_seconds", "enabled",
    "options", "notes",
    "archive", "archive_note",  # what a web archive can hold of it (collectors/backfill)
}
_FIELDS.add("coverage")  # what a source cannot see (e.g. a public endpoint's subset), shown on health
ARCHIVE_MODES = ("board", "page", "none")


class UnknownKindError(KeyError):
    """A format name that no module in collectors/sources registers."""

    def __str__(self) -> str:  # KeyError would print the message with quotes around it
        return str(self.args[0]) if self.args else "unknown kind"


class SourcesError(ValueError):
    """data/sources.toml has an entry that cannot be used; the message names the entry."""


def get_kind(kind: str) -> ModuleType:
    """The module for a format name, e.g. `get_kind("greenhouse")`."""
    try:
        return KINDS[kind]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise UnknownKindError(f"unknown source kind {kind!r}; known kinds: {known}") from None


def load_sources(path: Path | None = None) -> list[SourceConfig]:
    """Every `[[source]]` entry of the file, validated, in file order (disabled ones included)."""
    path = path or DEFAULT_SOURCES_PATH
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path}: not valid TOML: {exc}") from exc
    entries = document.get("source", [])
    if not isinstance(entries, list):
        raise SourcesError(f"{path}: `source` must be an array of tables ([[source]])")
    sources: list[SourceConfig] = []
    names: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        source = _source(entry, f"{path}: [[source]] #{index}")
        if source.name in names:
            raise SourcesError(f"{path}: [[source]] #{index}: duplicate name {source.name!r}")
        names.add(source.name)
        sources.append(source)
    return sources


def _source(entry: Any, where: str) -> SourceConfig:
    if not isinstance(entry, Mapping):
        raise SourcesError(f"{where}: not a table")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SourcesError(f"{where}: missing `name`")
    where = f"{where} ({name!r})"
    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        raise SourcesError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for field in ("platform", "kind", "url"):
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            raise SourcesError(f"{where}: missing `{field}`")
    kind = entry["kind"]
    if kind not in KINDS:
        raise SourcesError(f"{where}: unknown kind {kind!r}; known kinds: {', '.join(sorted(KINDS))}")
    url = entry["url"]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourcesError(f"{where}: `url` {url!r} is not an http(s) URL")
    interval = entry.get("interval_hours", 24.0)
    gap = entry.get("min_interval_seconds", 1.0)
    for label, value in (("interval_hours", interval), ("min_interval_seconds", gap)):
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise SourcesError(f"{where}: `{label}` must be a non-negative number, got {value!r}")
    if interval == 0:
        raise SourcesError(f"{where}: `interval_hours` must be more than 0")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise SourcesError(f"{where}: `enabled` must be true or false, got {enabled!r}")
    options = entry.get("options", {})
    if not isinstance(options, Mapping):
        raise SourcesError(f"{where}: `options` must be a table ([source.options])")
    notes = entry.get("notes", "")
    if not isinstance(notes, str):
        raise SourcesError(f"{where}: `notes` must be a string")
    coverage = entry.get("coverage", "")
    if not isinstance(coverage, str):
        raise SourcesError(f"{where}: `coverage` must be a string")
    archive = entry.get("archive", "")
    if archive not in ("", *ARCHIVE_MODES):
        raise SourcesError(f"{where}: `archive` must be one of {', '.join(ARCHIVE_MODES)}, got {archive!r}")
    archive_note = entry.get("archive_note", "")
    if not isinstance(archive_note, str):
        raise SourcesError(f"{where}: `archive_note` must be a string")
    return SourceConfig(
        coverage=coverage.strip(),
        archive=archive,
        archive_note=archive_note.strip(),
        name=name.strip(),
        platform=entry["platform"].strip(),
        kind=kind,
        url=url,
        interval_hours=float(interval),
        min_interval_seconds=float(gap),
        enabled=enabled,
        options=dict(options),
        notes=notes.strip(),
    )


# Last, so that a source module importing from this package during discovery finds it complete.
KINDS: dict[str, ModuleType] = discover_kinds()
