"""data/sources.toml and the registry of formats: every entry loads, every kind is registered,
every platform of sources.md section 1 is watched, and bad entries fail naming the entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from collectors.platforms import load_platforms, research_names
from collectors.sources import (
    DEFAULT_SOURCES_PATH,
    KINDS,
    SourcesError,
    UnknownKindError,
    get_kind,
    load_sources,
)

SOURCES_MD = Path(__file__).resolve().parents[2] / "shared" / "sources.md"

# sources.md section 1 platform names -> the platform slug used in data/sources.toml
# (the registry's `research_name` column).
PLATFORM_SLUGS = research_names()
# "Other, for context" platforms whose format gigwatch reads.
CONTEXT_SLUGS = {"welocalize", "rws", "cloudfactory", "sama", "braintrust", "afterquery", "labelbox"}


def test_every_entry_loads() -> None:
    sources = load_sources()
    assert len(sources) >= 30
    names = [s.name for s in sources]
    assert len(names) == len(set(names))
    for source in sources:
        assert source.kind in KINDS, source.name
        assert source.url.startswith("https://"), source.name
        assert source.interval_hours > 0 and source.min_interval_seconds >= 0
        assert source.notes, f"{source.name} has no notes"
        assert re.fullmatch(r"[a-z0-9_]+", source.platform), source.platform


def test_every_kind_is_a_complete_module() -> None:
    assert set(KINDS) >= {
        "greenhouse", "lever", "ashby", "workable", "jsonld", "mercor", "alignerr", "alignerr_page",
        "outlier", "turing", "telus", "micro1", "handshake", "dataannotation",
    }
    for kind, module in KINDS.items():
        assert kind == module.KIND
        assert callable(module.parse) and callable(module.collect)
        assert module.__doc__ and len(module.__doc__) > 100, f"{kind} needs a docstring"
        assert (Path(__file__).parent / "fixtures" / "sources" / kind).is_dir(), f"no fixtures for {kind}"
        assert (Path(__file__).parent / f"test_sources_{kind}.py").is_file(), f"no tests for {kind}"


def test_every_platform_of_section_one_has_an_entry() -> None:
    platforms = {s.platform for s in load_sources()}
    assert set(PLATFORM_SLUGS.values()) <= platforms
    assert platforms >= CONTEXT_SLUGS


def test_every_platform_is_in_the_platforms_table() -> None:
    known = {p.platform_id for p in load_platforms()}
    assert {s.platform for s in load_sources()} <= known


def test_section_one_names_no_platform_we_do_not_map() -> None:
    if not SOURCES_MD.is_file():
        pytest.skip(f"{SOURCES_MD} not available")
    text = SOURCES_MD.read_text(encoding="utf-8")
    section = text.split("## 1.", 1)[1].split("### Worker forums", 1)[0]
    named = set(re.findall(r"^\| \*\*(.+?)\*\*", section, re.M))
    assert named, "the table layout of sources.md changed"
    assert named <= set(PLATFORM_SLUGS), f"new platform(s) in sources.md: {named - set(PLATFORM_SLUGS)}"


def test_key_entries_match_sources_md() -> None:
    by_name = {s.name: s for s in load_sources()}
    assert "/boards/scaleai/jobs" in by_name["scaleai-greenhouse"].url
    assert by_name["outlier-api"].kind == "outlier"
    assert by_name["mercor-api"].url == "https://aws.api.mercor.com/work/listings-explore-page"
    assert by_name["mercor-ashby"].kind == "ashby"
    agency = by_name["invisible-agency-greenhouse"]
    assert "/boards/agency/" in agency.url
    assert agency.options["eu"] is True and agency.options["department_ids"] == [4012485101]
    assert "/boards/invisibletech/" in by_name["invisible-greenhouse"].url
    assert by_name["appen-lever"].url == "https://api.lever.co/v0/postings/appen?mode=json"
    assert by_name["toloka-workable"].options["account"] == "toloka-ai"
    assert by_name["turing-api"].options["body"]["pageSize"] == 500
    assert by_name["telus-ai-community"].options["body"] == {"is_global": True, "page": 1, "limit": 100}
    assert by_name["micro1-portal"].options["body"]["action"] == "get_all_jobs"
    assert len(by_name["dataannotation-pages"].options["pages"]) == 10
    assert by_name["remotasks-greenhouse"].platform == "remotasks"


def test_issue_15_configuration() -> None:
    """Prolific on the EU host; Turing's partial coverage said; AfterQuery's expert gigs on its own
    API; OneForma through WordPress JSON."""
    by_name = {s.name: s for s in load_sources()}
    prolific = by_name["prolific-greenhouse"]
    assert prolific.url.startswith("https://boards-api.eu.greenhouse.io/v1/boards/prolific/")
    assert prolific.options["eu"] is True
    assert by_name["turing-api"].coverage.startswith("Partial:")
    assert all(not s.coverage for s in by_name.values() if s.name != "turing-api")
    afterquery = by_name["afterquery-api"]
    assert (afterquery.kind, afterquery.url) == ("afterquery", "https://experts.afterquery.com/api/jobs/listings")
    oneforma = by_name["oneforma-wordpress"]
    assert oneforma.kind == "wordpress_jobs" and oneforma.platform == "oneforma"
    assert oneforma.url == "https://www.oneforma.com/wp-json/wp/v2/job?per_page=100&_embed=wp:term"


def test_coverage_must_be_a_string(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text('[[source]]\nname = "x"\nplatform = "p"\nkind = "lever"\nurl = "https://a.b/c"\ncoverage = 3\n')
    with pytest.raises(SourcesError, match="`coverage` must be a string"):
        load_sources(path)


def test_get_kind_and_unknown_kinds() -> None:
    assert get_kind("greenhouse").KIND == "greenhouse"
    with pytest.raises(UnknownKindError) as caught:
        get_kind("smartrecruiters")
    message = str(caught.value)
    assert message.startswith("unknown source kind 'smartrecruiters'; known kinds: afterquery, alignerr,")
    assert isinstance(caught.value, KeyError)


def test_default_path_is_the_repository_data_file() -> None:
    assert Path(__file__).resolve().parents[1] / "data" / "sources.toml" == DEFAULT_SOURCES_PATH


ENTRY = """
[[source]]
name = "{name}"
platform = "acme"
kind = "{kind}"
url = "{url}"
notes = "test"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (ENTRY.format(name="a", kind="nope", url="https://x.test/"), r"#1 \('a'\): unknown kind 'nope'"),
        (ENTRY.format(name="a", kind="lever", url="https://x.test/") * 2, r"#2: duplicate name 'a'"),
        ('[[source]]\nname = "b"\nplatform = "acme"\nkind = "lever"\n', r"#1 \('b'\): missing `url`"),
        (ENTRY.format(name="c", kind="lever", url="ftp://x.test/"), r"\('c'\): `url` 'ftp://x.test/'"),
        (ENTRY.format(name="d", kind="lever", url="https://x.test/") + "intervl_hours = 2\n",
         r"\('d'\): unknown field\(s\) intervl_hours"),
        (ENTRY.format(name="e", kind="lever", url="https://x.test/") + "interval_hours = 0\n",
         r"\('e'\): `interval_hours` must be more than 0"),
        (ENTRY.format(name="f", kind="lever", url="https://x.test/") + 'enabled = "yes"\n',
         r"\('f'\): `enabled` must be true or false"),
        ('[[source]]\nplatform = "acme"\n', r"#1: missing `name`"),
        ("[[source]\n", r"not valid TOML"),
    ],
)
def test_bad_entries_fail_naming_the_entry(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SourcesError, match=message):
        load_sources(write(tmp_path, text))


def test_a_minimal_entry_gets_the_defaults(tmp_path: Path) -> None:
    [source] = load_sources(write(tmp_path, ENTRY.format(name="acme", kind="ashby", url="https://x.test/")))
    assert (source.interval_hours, source.min_interval_seconds, source.enabled) == (24.0, 1.0, True)
    assert source.options == {}


def test_every_option_used_in_sources_toml_is_documented_by_its_module() -> None:
    for source in load_sources():
        doc = get_kind(source.kind).__doc__ or ""
        for key in source.options:
            assert f"`{key}`" in doc, f"{source.name}: option {key!r} is not documented in {source.kind}.py"
