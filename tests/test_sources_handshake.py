"""Handshake AI: the Framer CMS chunk (inferred binary format), found through preloaded modules."""

from __future__ import annotations

import asyncio
import struct

import pytest

from collectors.records import ParseError
from collectors.sources import handshake
from collectors.sources.base import SourceConfig
from tests.sources_fakes import FakeFetcher, fixture

PAGE = "https://joinhandshake.com/ai/opportunities"
CHUNK = (
    "https://framerusercontent.com/cms/kQ3wX9vB2nM5pL7rT1yZ/Hx8Jd2Kf6Ls0Qp4Wt7Ve/"
    "Opportunities-chunk-default-0.framercms"
)


def test_records_from_the_binary_chunk() -> None:
    education, physics, spanish = handshake.parse(
        fixture("handshake", "opportunities-chunk-default-0.framercms")
    )
    assert education.external_id == "education-bachelor-s-ai-trainer"
    assert education.title == "Education Bachelor's - AI Trainer"
    assert education.url == PAGE
    assert education.pay_text == "Up to $50/hr"
    assert education.pay is not None
    assert (education.pay.min, education.pay.max, education.pay.unit, education.pay.up_to) == (
        None, 50, "hour", True,
    )
    assert education.description_sha256 is not None
    assert physics.pay is not None and physics.pay.max == 125.5
    assert physics.pay_text == "Up to $125.5/hr"
    assert spanish.pay is None and spanish.pay_text is None


def test_field_ids_can_be_changed_in_options() -> None:
    key = b"Zz9NewSlg"
    body = key + bytes([0x0C]) + struct.pack(">I", 4) + b"abcd"
    title = b"Tt1NewTtl" + bytes([0x0C]) + struct.pack(">I", 5) + b"Hello"
    [record] = handshake.parse(body + title, options={"fields": {"slug": "Zz9NewSlg", "title": "Tt1NewTtl"}})
    assert (record.external_id, record.title) == ("abcd", "Hello")


def test_json_chunk_keyed_by_field_ids() -> None:
    body = b'{"items": [{"Vt3dK5Eel": "math-phd", "Hi7WvygoG": {"value": "Math PhD"}, "WFQUwsB06": 100}]}'
    [record] = handshake.parse(body)
    assert (record.external_id, record.title) == ("math-phd", "Math PhD")
    assert record.pay is not None and record.pay.max == 100


def test_schema_change_and_truncation_fail_loudly() -> None:
    with pytest.raises(ParseError, match="no record with the slug field id"):
        handshake.parse(fixture("handshake", "schema_changed.framercms"))
    with pytest.raises(ParseError, match="past the end"):
        handshake.parse(fixture("handshake", "truncated.framercms"))
    with pytest.raises(ParseError, match="none has the title field id"):
        handshake.parse(b"Vt3dK5Eel" + bytes([0x0C]) + struct.pack(">I", 3) + b"abc")


def test_finding_modules_and_the_chunk_url() -> None:
    page = fixture("handshake", "opportunities_page.html").decode()
    assert handshake.modulepreload_urls(page, PAGE) == [
        "https://framerusercontent.com/sites/4Xk9/react.abc123.mjs",
        "https://framerusercontent.com/sites/4Xk9/shared-lib.def456.mjs",
        "https://joinhandshake.com/sites/4Xk9/Opportunities.ghi789.mjs",
        "https://framerusercontent.com/sites/4Xk9/script_main.jkl012.mjs",
    ]
    module = fixture("handshake", "module_opportunities.mjs").decode()
    assert handshake.cms_chunk_urls(module, PAGE) == [CHUNK]
    direct = 'fetch("https://framerusercontent.com/cms/AbC/dEf/Opportunities-chunk-default-0.framercms")'
    assert handshake.cms_chunk_urls(direct, PAGE) == [
        "https://framerusercontent.com/cms/AbC/dEf/Opportunities-chunk-default-0.framercms"
    ]


def test_collect_page_modules_chunk() -> None:
    fetcher = FakeFetcher(
        gets={
            PAGE: fixture("handshake", "opportunities_page.html"),
            "https://framerusercontent.com/sites/4Xk9/react.abc123.mjs": fixture("handshake", "module_react.mjs"),
            "https://framerusercontent.com/sites/4Xk9/shared-lib.def456.mjs": 503,
            "https://joinhandshake.com/sites/4Xk9/Opportunities.ghi789.mjs": fixture(
                "handshake", "module_opportunities.mjs"
            ),
            CHUNK: fixture("handshake", "opportunities-chunk-default-0.framercms"),
        }
    )
    source = SourceConfig(name="handshake-ai", platform="handshake_ai", kind="handshake", url=PAGE)
    result = asyncio.run(handshake.collect(source, fetcher))
    assert [r[1] for r in fetcher.requests][-1] == CHUNK
    assert "script_main" not in " ".join(r[1] for r in fetcher.requests)  # stops once found
    assert len(result.records) == 3
    assert result.warnings and "shared-lib" in result.warnings[0]
    assert result.complete is True  # the chunk is the whole list


def test_collect_fails_when_no_module_names_a_chunk() -> None:
    page = b'<html><head><link rel="modulepreload" href="https://framerusercontent.com/a.mjs"></head></html>'
    fetcher = FakeFetcher(
        gets={PAGE: page, "https://framerusercontent.com/a.mjs": fixture("handshake", "module_react.mjs")}
    )
    source = SourceConfig(name="handshake-ai", platform="handshake_ai", kind="handshake", url=PAGE)
    with pytest.raises(ParseError, match="none of 1 preloaded modules"):
        asyncio.run(handshake.collect(source, fetcher))


def test_reparse_reads_only_the_kept_chunk() -> None:
    responses = [
        (PAGE, fixture("handshake", "opportunities_page.html")),
        ("https://joinhandshake.com/sites/4Xk9/Opportunities.ghi789.mjs", fixture("handshake", "module_opportunities.mjs")),
        (CHUNK, fixture("handshake", "opportunities-chunk-default-0.framercms")),
    ]
    assert len(handshake.reparse_responses(responses, {})) == 3
    with pytest.raises(ParseError, match="no"):
        handshake.reparse_responses(responses[:2], {})


def test_collect_falls_back_to_an_unhinted_chunk_and_parse_decides() -> None:
    blog = "https://framerusercontent.com/cms/AbCdEfGhIjKlMnOpQr/StUvWxYz0123456789/Blog-chunk-default-0.framercms"
    module = "https://framerusercontent.com/sites/4Xk9/shared-lib.def456.mjs"
    page = f'<html><head><link rel="modulepreload" href="{module}"></head></html>'.encode()
    fetcher = FakeFetcher(
        gets={PAGE: page, module: fixture("handshake", "module_shared.mjs"),
              blog: fixture("handshake", "schema_changed.framercms")}
    )
    source = SourceConfig(name="handshake-ai", platform="handshake_ai", kind="handshake", url=PAGE)
    with pytest.raises(ParseError, match="slug field id"):  # another collection: fails loudly
        asyncio.run(handshake.collect(source, fetcher))
    assert fetcher.requests[-1][1] == blog
