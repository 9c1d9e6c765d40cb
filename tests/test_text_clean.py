"""Scraped text is cleaned at parse time (issue 13, item 7), end to end through a loopback board.

A right-to-left override makes "Annotator $15" display as something else; NUL and ESC bytes break
CSV readers and terminals; a 200,000-character title swamps every page. The record layer every
source shares removes them; the raw response is kept exactly as received. Run errors that echo
hostile keys are cleaned the same way.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from collectors.fetch import FetchPolicy
from collectors.records import ListingRecord
from collectors.runner import listings_collector, run_source
from collectors.sources.base import SourceConfig
from collectors.store import LAKE, Store
from collectors.textclean import MAX_LENGTHS, clean_error, clean_text
from tests.httpserver import JsonListKind, LocalHTTPServer, Reply

FAST = FetchPolicy(connect_timeout=2.0, read_timeout=2.0, max_attempts=1, default_min_interval=0.0)
TESTJSON = {"testjson": listings_collector(JsonListKind)}
RLO, PDF = "\u202e", "\u202c"
# Displayed right to left after the override, "Annotator $15 ruoh rep 05$" reads as a different
# offer; the characters stored must be the ones a reader can see.
SPOOFED = f"Annotator $15{RLO}ruoh rep 05${PDF}"
CONTROLS = "Rater\x00 \x1b[31mURGENT\x1b[0m\x07 job\x85\u2066\u2069\u200e\u200f\u061c"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (SPOOFED, "Annotator $15ruoh rep 05$"),
        (CONTROLS, "Rater [31mURGENT[0m job"),
        ("Line one\nline\ttwo\r\n", "Line one\nline\ttwo\r\n"),  # already-clean text is unchanged
        ("Données · 日本語 · عربى", "Données · 日本語 · عربى"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_caps_end_with_an_ellipsis_within_the_cap() -> None:
    capped = clean_text("x" * 200_000, max_length=300)
    assert len(capped) == 300 and capped.endswith("…")
    assert len(clean_error("KeyError: " + "k" * 10_000)) == MAX_LENGTHS["error"]


def test_every_record_is_cleaned_whoever_builds_it() -> None:
    record = ListingRecord(external_id="id\x00 1", title=SPOOFED, location="Remote" + RLO + "\x1b", pay_text="$15\u2067/hr")
    assert (record.external_id, record.title, record.location, record.pay_text) == (
        "id 1", "Annotator $15ruoh rep 05$", "Remote", "$15/hr"
    )


def test_hostile_titles_are_cleaned_end_to_end_and_the_raw_response_kept(store: Store) -> None:
    document = {
        "items": [
            {"id": "rlo", "title": SPOOFED, "pay_min": 15, "pay_max": 15},
            {"id": "ctl", "title": CONTROLS},
            {"id": "huge", "title": "Data annotator " + "A" * 200_000},
        ],
        "next": None,
    }
    body = json.dumps(document, ensure_ascii=False).encode()
    with LocalHTTPServer() as server:
        server.script("/jobs", Reply(body=body))
        src = SourceConfig(name="acme-test", platform="acme", kind="testjson", url=server.url("/jobs"), min_interval_seconds=0.0)
        record = asyncio.run(run_source(src, store, policy=FAST, collectors=TESTJSON))
    assert record.status == "ok", record.error
    titles = dict(store.read_rows(
        f"""SELECT l.external_id, v.title FROM {LAKE}.listing_versions v JOIN {LAKE}.listings l USING (listing_key)"""
    ))
    assert titles["rlo"] == "Annotator $15ruoh rep 05$"
    assert titles["ctl"] == "Rater [31mURGENT[0m job"
    assert len(titles["huge"]) == MAX_LENGTHS["title"] and titles["huge"].startswith("Data annotator AAA")
    for title in titles.values():
        assert not any(ch in title for ch in (RLO, PDF, "\x00", "\x1b", "\x07", "\x85"))
    # the raw response is kept exactly as the board sent it (parsers can be re-run over it)
    (sha,) = store.read_rows(f"SELECT content_sha256 FROM {LAKE}.raw_responses WHERE run_id = ?", [record.run_id])[0]
    assert store.get_raw_body(sha) == body


def test_run_errors_echoing_hostile_keys_are_cleaned(store: Store) -> None:
    hostile_key = f"\x1b]8;;https://evil.example\x07{RLO}click\x00" + "k" * 5000
    with LocalHTTPServer() as server:
        server.script("/jobs", Reply.json({hostile_key: 1}))
        src = SourceConfig(name="acme-test", platform="acme", kind="testjson", url=server.url("/jobs"), min_interval_seconds=0.0)
        record = asyncio.run(run_source(src, store, policy=FAST, collectors=TESTJSON))
    assert record.status == "failed"
    (stored,) = store.read_rows(f"SELECT error FROM {LAKE}.collector_runs WHERE run_id = ?", [record.run_id])[0]
    assert stored.startswith("ParseError: testjson: expected an object with `items`")
    assert "]8;;https://evil.example" in stored  # the text stays readable, the controls go
    assert not any(ch in stored for ch in ("\x1b", "\x07", "\x00", RLO))
    assert len(stored) <= MAX_LENGTHS["error"]
