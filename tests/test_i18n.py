"""Translations: every catalog complete and current, every user-facing string marked, formatting per
locale, and the language chosen from `?lang=`, then the browser, then English.

A string is "user-facing" here when it reads as words (two words of letters) and is not a
docstring, a `key=`, a subscript or a comparison operand; such a string in `dashboard/` must be an
argument of `_()`, `N_()`, `ngettext()` or `pgettext()`, or its line must say `# i18n-ignore:` and
why (SQL, a log line, a code name). `_()` itself must get a literal, never an f-string.
"""

from __future__ import annotations

import ast
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from dashboard import i18n

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "dashboard" / "locale"
LANGUAGES = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT_LANGUAGE]
MARKERS = {"_", "N_", "ngettext", "pgettext"}
# Modules that hold no user-facing text of their own: SQL, README parsing, file rendering.
NOT_TEXT_MODULES = {"dashboard/queries.py", "dashboard/readme.py", "dashboard/i18n.py", "dashboard/__init__.py"}
WORDS = re.compile(r"[^\W\d_]{2,}[\s\u00a0]+[^\W\d_]{2,}", re.UNICODE)
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-zA-Z_][a-zA-Z0-9_]*)(?:[:!][^{}]*)?\}(?!\})")


def dashboard_modules() -> list[str]:
    files = sorted((ROOT / "dashboard").rglob("*.py"))
    return [str(f.relative_to(ROOT)) for f in files if str(f.relative_to(ROOT)) not in NOT_TEXT_MODULES]


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _callee(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def unmarked_strings(path: Path) -> list[str]:
    """Every string in `path` that reads as words and is neither marked nor excused."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    docstrings = _docstring_nodes(tree)
    excused: set[int] = set()  # ids of nodes under a marker, a key=, a subscript or a comparison
    problems: list[str] = []

    def excuse(node: ast.AST) -> None:
        for child in ast.walk(node):
            excused.add(id(child))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if _callee(node) in MARKERS:
                excuse(node)
                literal_args = node.args[:2] if _callee(node) in {"ngettext", "pgettext"} else node.args[:1]
                for arg in literal_args:
                    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                        problems.append(f"{path.name}:{node.lineno}: {_callee(node)}() needs a string literal "
                                        "(named placeholders and .format(), not an f-string or a variable)")
            for keyword in node.keywords:
                if keyword.arg in {"key", "mime", "file_name", "language", "icon", "anchor", "url_path", "type"}:
                    excuse(keyword.value)
        elif isinstance(node, ast.Subscript):
            excuse(node.slice)
        elif isinstance(node, ast.Compare):
            excuse(node)
        elif isinstance(node, ast.Dict):
            for key in node.keys:
                if key is not None:
                    excuse(key)
    for node in ast.walk(tree):
        if id(node) in excused or id(node) in docstrings:
            continue
        text: str | None = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            for value in node.values:
                excuse(value)
        if text is None or not WORDS.search(text):
            continue
        span = lines[node.lineno - 1 : (node.end_lineno or node.lineno)]
        if any("i18n-ignore" in line for line in span):
            continue
        problems.append(f"{path.name}:{node.lineno}: not marked for translation: {text[:70]!r}")
    return problems


@pytest.mark.parametrize("module", dashboard_modules())
def test_every_user_facing_string_is_marked(module: str) -> None:
    assert unmarked_strings(ROOT / module) == []


def test_the_checker_catches_an_unmarked_string(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        'import streamlit as st\nfrom dashboard.i18n import _\n'
        'st.title(_("Pay trends"))\n'
        'st.caption("Weekly median pay")\n'
        'st.markdown(f"{n} listings open")\n'
        'st.info(_(f"{n} reports"))\n'
        'frame["median pay"]\n'
        'st.code("SELECT * FROM x")  # i18n-ignore: SQL shown as code\n',
        encoding="utf-8",
    )
    found = unmarked_strings(page)
    assert len(found) == 3, found
    assert "Weekly median pay" in found[1] or "Weekly median pay" in found[0] or any("Weekly" in f for f in found)
    assert any("listings open" in f for f in found)
    assert any("needs a string literal" in f for f in found)


def _extracted() -> Catalog:
    """What `pybabel extract -F babel.cfg` finds now."""
    catalog = Catalog()
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    for filename, lineno, message, comments, context in extract_from_dir(str(ROOT), method_map, options_map,
                                                                                 comment_tags=("Translators:",)):
        if filename.startswith((".venv", "data")):
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _ids(catalog: Catalog) -> set[tuple[str, str | None]]:
    return {(str(m.id if isinstance(m.id, str) else m.id[0]), m.context) for m in catalog if m.id}


def _po(language: str) -> Catalog:
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def test_babel_config_extracts_the_dashboard_and_the_texts_it_shows_from_collectors() -> None:
    files = {filename for filename, *_ in _extracted_locations()}
    assert any(f.startswith("dashboard/app_pages/") for f in files)
    assert {"collectors/reports/schema.py", "collectors/reports/reasons.py", "collectors/categories.py"} <= files


def _extracted_locations() -> list[tuple[str, int]]:
    return [loc for message in _extracted() for loc in message.locations]


def test_the_template_holds_exactly_what_extraction_finds() -> None:
    """Extracting yields no new message id and leaves none stale: run `make i18n` when this fails."""
    with (LOCALES / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    now, committed = _ids(_extracted()), _ids(template)
    assert sorted(map(str, now - committed)) == [], "new strings: run `make i18n`"
    assert sorted(map(str, committed - now)) == [], "stale strings: run `make i18n`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_translates_every_message_with_its_placeholders(language: str) -> None:
    with (LOCALES / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    catalog = _po(language)
    problems: list[str] = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id, context=message.context)
        ident = message.id if isinstance(message.id, str) else message.id[0]
        if translated is None:
            problems.append(f"missing: {ident!r}")
            continue
        if translated.fuzzy:
            problems.append(f"fuzzy: {ident!r}")
        strings = list(translated.string) if isinstance(translated.string, list | tuple) else [translated.string]
        if not strings or any(not s for s in strings):
            problems.append(f"untranslated: {ident!r}")
            continue
        sources = list(message.id) if isinstance(message.id, list | tuple) else [message.id]
        wanted = set().union(*(set(PLACEHOLDER.findall(s)) for s in sources))
        for s in strings:
            got = set(PLACEHOLDER.findall(s))
            if got - wanted or (len(sources) == 1 and got != wanted):
                problems.append(f"placeholders {sorted(got)} != {sorted(wanted)}: {ident!r}")
    # As many plural forms as the language's CLDR rule has (its tags plus "other").
    assert catalog.num_plurals == len(i18n.locale(language).plural_form.tags) + 1
    assert problems == [], f"{len(problems)} problems in {language}: {problems[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_is_current(language: str) -> None:
    """The shipped `.mo` says what the `.po` says (run `make i18n-compile` when this fails)."""
    with (LOCALES / language / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        compiled = read_mo(handle)
    source = _po(language)
    def pairs(catalog: Catalog) -> dict[object, object]:
        def same(value: object) -> object:  # read_mo gives plural ids and strings as lists, read_po as tuples
            return tuple(value) if isinstance(value, list | tuple) else value
        return {(same(m.id), m.context): same(m.string) for m in catalog if m.id and not m.fuzzy}
    assert pairs(compiled) == pairs(source)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_translation_is_used_at_run_time(language: str) -> None:
    catalog = _po(language)
    message = next(m for m in catalog if m.id == "never")
    i18n.activate(language)
    try:
        assert i18n._("never") == message.string != "never"
    finally:
        i18n.activate(i18n.DEFAULT_LANGUAGE)


@pytest.mark.parametrize(
    ("param", "browser", "chosen"),
    [
        ("sw", "es-ES", "sw"),  # the URL wins
        (None, "es-419", "es"),
        (None, "pt-PT", "pt_BR"),
        ("pt-BR", None, "pt_BR"),
        (None, "fr-CI", "fr"),  # francophone Africa
        (None, "sw-KE", "sw"),
        (None, "tl-PH", "fil"),
        (None, "fil", "fil"),
        ("xx", "de-DE", "en"),  # neither is ours: English
        ("<script>", None, "en"),
        (None, None, "en"),
    ],
)
def test_the_language_comes_from_the_url_then_the_browser_then_english(param: str | None, browser: str | None,
                                                                      chosen: str) -> None:
    assert i18n.choose(param, browser) == chosen


@pytest.mark.parametrize(
    ("language", "money", "number", "share", "day"),
    [
        ("en", "$1,234.50", "1,234.5", "25%", "Jul 4, 2026"),
        ("es", "1.234,50\u00a0US$", "1.234,5", "25\u00a0%", "4 jul 2026"),
        ("pt_BR", "US$\u00a01.234,50", "1.234,5", "25%", "4 de jul. de 2026"),
        ("fr", "1\u202f234,50\u00a0$US", "1\u202f234,5", "25\u00a0%", "4 juil. 2026"),
        ("sw", "US$\u00a01,234.50", "1,234.5", "25%", "4 Jul 2026"),
        ("fil", "$1,234.50", "1,234.5", "25%", "Hul 4, 2026"),
    ],
)
def test_the_same_amount_and_date_read_right_in_each_locale(language: str, money: str, number: str, share: str,
                                                           day: str) -> None:
    assert i18n.money(1234.5, "USD", language=language) == money
    assert i18n.number(1234.5, 1, language=language) == number
    assert i18n.percent(0.25, language=language) == share
    assert i18n.day(date(2026, 7, 4), language=language) == day
    assert i18n.moment(datetime(2026, 7, 4, 6, 0), language=language).startswith(day)
    assert i18n.moment(datetime(2026, 7, 4, 6, 0), language=language).endswith("UTC")
