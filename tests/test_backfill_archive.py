"""`gigwatch backfill archive` against a loopback Wayback Machine, into a real lake.

`FakeWayback` speaks the CDX API as the Internet Archive does (JSON whose first row names the
fields, `filter`, adjacent `collapse=digest`, paging with a resume key after an empty row) and
serves capture bodies at /web/<timestamp>id_/<original>, answering a timestamp it does not hold
with a 302 to the nearest capture. Its index also holds archived 404s and redirects.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from collectors.backfill import BackfillSummary
from collectors.backfill.archive import backfill_archive, choose_captures
from collectors.backfill.cdx import CaptureRow, CDXError, parse_cdx_page
from collectors.config import Settings
from collectors.fetch import FetchPolicy
from collectors.reparse import reparse
from collectors.runner import run_source
from collectors.sources.base import SourceConfig
from collectors.store import LAKE, Store, get_store
from tests.httpserver import LocalHTTPServer, Reply

FAST = FetchPolicy(max_attempts=3, backoff_base=0.01, backoff_jitter=0.0, default_min_interval=0.0)
BOARD_URL = "https://boards-api.greenhouse.io/v1/boards/acmeai/jobs?content=true"
PAGE_URL = "https://work.mercor.com/jobs/list_AAABm4Xm5vZiwyWXybFBRJJN/generalist-writer"
PAGE2_URL = "https://work.mercor.com/jobs/list_BBBBm4Xm5vZiwyWXybFBRJJN/legal-reviewer"
ERROR_PAGE = b"<html><head><title>Service Unavailable</title></head><body>Try again later.</body></html>"


def job(job_id: int, title: str, low: int, high: int) -> dict[str, Any]:
    return {
        "id": job_id, "title": title, "absolute_url": f"https://job-boards.greenhouse.io/acmeai/jobs/{job_id}",
        "location": {"name": "Remote"}, "updated_at": "2025-01-01T00:00:00-05:00", "content": "",
        "departments": [], "offices": [], "metadata": [],
        "pay_input_ranges": [{"min_cents": low * 100, "max_cents": high * 100, "currency_type": "USD",
                              "title": "Hourly rate", "blurb": ""}],
    }


def board(*jobs: dict[str, Any]) -> bytes:
    return json.dumps({"jobs": list(jobs), "meta": {"total": len(jobs)}}).encode()


def job_page(title: str, low: int, high: int, url: str = PAGE_URL) -> bytes:
    listing_id = url.split("/")[-2]
    posting = {
        "@context": "https://schema.org/", "@type": "JobPosting", "title": title,
        "description": "Write prompts.", "identifier": {"@type": "PropertyValue", "value": listing_id},
        "datePosted": "2025-01-03T22:07:41.000Z", "employmentType": "OTHER",
        "hiringOrganization": {"@type": "Organization", "name": "Mercor"},
        "baseSalary": {"@type": "MonetaryAmount", "currency": "USD",
                       "value": {"@type": "QuantitativeValue", "minValue": low, "maxValue": high, "unitText": "HOURLY"}},
        "jobLocationType": "TELECOMMUTE",
    }
    return (f'<html><head><link rel="canonical" href="{url}"/><script type="application/ld+json">'
            f"{json.dumps(posting)}</script></head><body></body></html>").encode()


@dataclass(frozen=True)
class Archived:
    timestamp: str
    status: int
    body: bytes = b""
    location: str = ""  # where an archived redirect pointed

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.body + self.location.encode()).hexdigest().upper()


class FakeWayback:
    """A loopback Wayback Machine: `captures[original url]` is its index, oldest first."""

    page_size = 3

    def __init__(self) -> None:
        self.captures: dict[str, list[Archived]] = {}
        self.requests: list[str] = []
        self.times: list[float] = []  # time.monotonic() of each request
        self.busy: list[int] = []  # statuses answered, in turn, before the index is served
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                outer.requests.append(self.path)
                outer.times.append(time.monotonic())
                if outer.busy and self.path.startswith("/cdx/"):
                    status, headers, body = outer.busy.pop(0), {"Retry-After": "0"}, b"slow down"
                else:
                    status, headers, body = outer.answer(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> FakeWayback:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(path)
        if parts.path == "/cdx/search/cdx":
            return self.cdx(parse_qs(parts.query))
        if parts.path.startswith("/web/"):
            stamp, _, original = path[len("/web/"):].partition("id_/")
            return self.capture(stamp, original)
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def cdx(self, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        rows = list(self.captures.get(query["url"][0], []))
        for spec in query.get("filter", []):
            field, _, value = spec.partition(":")
            assert field == "statuscode"
            rows = [r for r in rows if str(r.status) == value]
        if query.get("collapse") == ["digest"]:
            rows = [r for i, r in enumerate(rows) if i == 0 or rows[i - 1].digest != r.digest]
        since = query.get("from", ["0"])[0]
        until = query.get("to", ["99999999999999"])[0]
        rows = [r for r in rows if since <= r.timestamp[: len(since)] and r.timestamp[: len(until)] <= until]
        start = int(query.get("resumeKey", ["0"])[0])
        size = min(int(query.get("limit", ["10000"])[0]), self.page_size)
        page = rows[start:start + size]
        urlkey = "com,greenhouse,boards-api)/v1/boards/acmeai/jobs?content=true"
        table: list[list[str]] = [["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]]
        table += [[urlkey, r.timestamp, query["url"][0], "application/json", str(r.status), r.digest, str(len(r.body))]
                  for r in page]
        if query.get("showResumeKey") == ["true"] and start + size < len(rows):
            table += [[], [str(start + size)]]
        return 200, {"Content-Type": "text/plain"}, json.dumps(table).encode()

    def capture(self, stamp: str, original: str) -> tuple[int, dict[str, str], bytes]:
        held = self.captures.get(original, [])
        exact = [r for r in held if r.timestamp == stamp]
        if not exact:
            if not held:
                return 404, {}, b"not archived"
            nearest = min(held, key=lambda r: abs(int(r.timestamp) - int(stamp)))
            return 302, {"Location": f"{self.url}/web/{nearest.timestamp}id_/{original}"}, b""
        found = exact[0]
        headers = {"Content-Type": "application/json"}
        if found.location:
            headers["Location"] = found.location
        return found.status, headers, found.body


A = (101, "AI Trainer - Physics")
B = (102, "AI Trainer - Chemistry")
C = (103, "AI Trainer - Biology")


def board_history() -> list[Archived]:
    return [
        Archived("20250106120000", 200, board(job(*A, 45, 55), job(*B, 30, 40))),
        Archived("20250113120000", 200, board(job(*A, 45, 55), job(*B, 30, 40))),  # same body: collapsed
        Archived("20250120120000", 200, board(job(*A, 40, 50), job(*B, 30, 40))),  # A's pay cut
        Archived("20250121120000", 200, board(job(*A, 40, 50), job(*B, 31, 40))),  # same week: skipped
        Archived("20250203120000", 200, board(job(*A, 40, 50))),                   # B removed
        Archived("20250207120000", 302, location="https://boards.greenhouse.io/acmeai"),  # archived redirect
        Archived("20250210120000", 200, ERROR_PAGE),                               # an error page
        Archived("20250214120000", 404, b'{"status": 404}'),                       # archived 404
        Archived("20250224120007", 200, board(job(*A, 40, 50), job(*C, 50, 60))),  # C new
    ]


def page_history() -> list[Archived]:
    return [
        Archived("20250110000000", 200, job_page("Generalist Writer", 35, 45)),
        Archived("20250301000000", 404, b"<html>Page not found</html>"),  # the page disappears
    ]


@pytest.fixture
def wayback() -> Iterator[FakeWayback]:
    with FakeWayback() as fake:
        fake.captures[BOARD_URL] = board_history()
        fake.captures[PAGE_URL] = page_history()
        fake.captures[PAGE2_URL] = [Archived("20250115000000", 200, job_page("Legal Reviewer", 60, 80, PAGE2_URL))]
        yield fake


def sources(board_url: str = BOARD_URL) -> list[SourceConfig]:
    return [
        SourceConfig(name="acme-greenhouse", platform="acme", kind="greenhouse", url=board_url, options={"board": "acmeai"}),
        SourceConfig(name="mercor-page", platform="mercor", kind="jsonld", url=PAGE_URL,
                     options={"pages": [PAGE_URL, PAGE2_URL]}),
        SourceConfig(name="acme-outlier", platform="acme", kind="outlier", url="https://app.outlier.ai/internal/jobs"),
    ]


def run(settings: Settings, wayback: FakeWayback, chosen: list[SourceConfig]) -> list[BackfillSummary]:
    return backfill_archive(chosen, settings, archive_url=wayback.url, every="week", min_interval_seconds=0.0, policy=FAST)


def utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def listings(store: Store, source: str) -> list[tuple[Any, ...]]:
    return store.read_rows(
        f"""SELECT external_id, first_seen_at, last_seen_at, closed_at FROM {LAKE}.listings
            WHERE source_name = ? ORDER BY external_id""", [source])


def versions(store: Store, source: str) -> list[tuple[Any, ...]]:
    return store.read_rows(
        f"""SELECT l.external_id, v.version_no, v.valid_from, v.valid_to, v.pay_min, v.pay_max, v.pay_unit
            FROM {LAKE}.listing_versions v JOIN {LAKE}.listings l USING (listing_key)
            WHERE l.source_name = ? ORDER BY l.external_id, v.version_no""", [source])


def test_cdx_page_reads_fields_from_the_first_row_and_the_resume_key() -> None:
    body = json.dumps([
        ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
        ["k", "20250106120000", "https://x/", "application/json", "200", "D1", "10"],
        [], ["abc def"],
    ]).encode()
    rows, resume = parse_cdx_page(body)
    assert [(r.timestamp, r.statuscode, r.digest) for r in rows] == [("20250106120000", "200", "D1")]
    assert resume == "abc def"
    assert parse_cdx_page(b"") == ([], None)
    headless, _ = parse_cdx_page(json.dumps([["k", "20250107000000", "https://x/", "text/html", "200", "D2", "9"]]).encode())
    assert [r.digest for r in headless] == ["D2"]
    with pytest.raises(CDXError):
        parse_cdx_page(b"<html>Wayback Machine is down</html>")
    with pytest.raises(CDXError):
        parse_cdx_page(b'[["what", "is", "this"]]')


def test_captures_chosen_skip_archived_errors_repeats_and_the_same_week() -> None:
    summary = BackfillSummary("x")
    rows = [CaptureRow(r.timestamp, BOARD_URL, "application/json", str(r.status), r.digest) for r in board_history()]
    chosen = choose_captures(rows, "week", summary)
    assert [r.timestamp for r in chosen] == [
        "20250106120000", "20250120120000", "20250203120000", "20250210120000", "20250224120007"]
    assert summary.skipped == {"same body as the capture before": 1, "another capture the same week": 1,
                               "archived HTTP 302": 1, "archived HTTP 404": 1}


def test_backfill_replays_captures_into_history_row_by_row(lake_settings: Settings, wayback: FakeWayback) -> None:
    store = get_store(lake_settings)
    board_summary, page_summary, outlier_summary = run(lake_settings, wayback, sources())

    # The index asked for 200s, collapsed by digest, page by page with the resume key.
    cdx = [p for p in wayback.requests if p.startswith("/cdx/")]
    assert all("filter=statuscode%3A200" in p and "collapse=digest" in p for p in cdx)
    assert any("resumeKey=3" in p for p in cdx)
    assert board_summary.found == 6 and board_summary.used == 4
    assert dict(board_summary.failed) == {"unparseable capture (an error page?)": 1}
    assert board_summary.skipped == {"another capture the same week": 1}
    assert page_summary.found == 2 and page_summary.used == 2  # every page the source lists
    assert outlier_summary.note is not None and "POST" in outlier_summary.note

    runs = store.read_rows(
        f"""SELECT started_at, run_kind, status, complete, items_count FROM {LAKE}.collector_runs
            WHERE source_name = 'acme-greenhouse' ORDER BY started_at""")
    assert runs == [
        (utc("20250106120000"), "archive", "ok", True, 2),
        (utc("20250120120000"), "archive", "ok", True, 2),
        (utc("20250203120000"), "archive", "ok", True, 1),
        (utc("20250210120000"), "archive", "failed", False, 0),
        (utc("20250224120007"), "archive", "ok", True, 2),
    ]
    assert listings(store, "acme-greenhouse") == [
        ("101", utc("20250106120000"), None, None),
        ("102", utc("20250106120000"), utc("20250120120000"), utc("20250203120000")),  # closed between captures
        ("103", utc("20250224120007"), None, None),
    ]
    assert versions(store, "acme-greenhouse") == [
        ("101", 1, utc("20250106120000"), utc("20250120120000"), 45.0, 55.0, "hour"),
        ("101", 2, utc("20250120120000"), None, 40.0, 50.0, "hour"),                 # the pay cut
        ("102", 1, utc("20250106120000"), utc("20250203120000"), 30.0, 40.0, "hour"),
        ("103", 1, utc("20250224120007"), None, 50.0, 60.0, "hour"),
    ]
    # The job page that disappeared closes nothing: one page proves nothing about the gaps.
    assert listings(store, "mercor-page") == [("list_AAABm4Xm5vZiwyWXybFBRJJN", utc("20250110000000"), None, None),
                                              ("list_BBBBm4Xm5vZiwyWXybFBRJJN", utc("20250115000000"), None, None)]
    assert store.read_rows(
        f"SELECT complete FROM {LAKE}.collector_runs WHERE source_name = 'mercor-page'") == [(False,), (False,)]

    provenance = store.read_rows(
        f"""SELECT cdx_timestamp, capture_url, original_url, outcome FROM {LAKE}.archive_captures
            WHERE source_name = 'acme-greenhouse' ORDER BY captured_at""")
    assert provenance[0] == ("20250106120000", f"{wayback.url}/web/20250106120000id_/{BOARD_URL}", BOARD_URL, "used")
    assert provenance[3][3] == "unparseable"
    # The body kept is the capture's, byte for byte.
    sha = store.read_value(f"SELECT content_sha256 FROM {LAKE}.archive_captures WHERE cdx_timestamp = '20250203120000'")
    assert store.get_raw_body(sha) == board_history()[4].body

    # Resumable: a second run fetches no capture again and changes nothing.
    wayback.requests.clear()
    again, _, _ = run(lake_settings, wayback, sources())
    assert again.used == 0 and again.already_kept == 5
    assert not [p for p in wayback.requests if p.startswith("/web/")]
    assert len(versions(store, "acme-greenhouse")) == 4
    # `gigwatch reparse` replays the captures with the live runs, so it keeps this history.
    history = (listings(store, "acme-greenhouse"), versions(store, "acme-greenhouse"))
    (line,) = list(reparse(store, source="acme-greenhouse", sources=sources()))
    assert "archive captures" in line
    assert (listings(store, "acme-greenhouse"), versions(store, "acme-greenhouse")) == history


def test_a_302_to_the_nearest_capture_is_dated_by_the_capture(lake_settings: Settings, wayback: FakeWayback) -> None:
    wayback.captures[BOARD_URL] = [Archived("20250224120007", 200, board(job(*A, 40, 50)))]
    original_cdx = wayback.cdx

    def shifted(query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        status, headers, body = original_cdx(query)
        return status, headers, body.replace(b"20250224120007", b"20250224120000")

    wayback.cdx = shifted  # type: ignore[method-assign]
    summary, *_ = run(lake_settings, wayback, sources()[:1])
    assert summary.used == 1
    store = get_store(lake_settings)
    assert store.read_rows(f"SELECT cdx_timestamp, captured_at FROM {LAKE}.archive_captures") == [
        ("20250224120000", utc("20250224120007"))]


def test_the_archive_host_is_paced_and_429_and_503_are_retried(lake_settings: Settings, wayback: FakeWayback) -> None:
    wayback.busy = [429, 503]
    summary, = backfill_archive(sources()[:1], lake_settings, archive_url=wayback.url, every="week",
                                min_interval_seconds=0.15, policy=FAST)
    assert summary.used == 4 and not summary.failed.get("CDX index")
    assert wayback.requests[0] == "/robots.txt"
    assert wayback.requests[1:4] == [wayback.requests[1]] * 3  # the same index page, asked again
    gaps = [b - a for a, b in zip(wayback.times[1:], wayback.times[2:], strict=False)]  # after robots.txt
    assert min(gaps) >= 0.14


def live_state(store: Store, source: str) -> list[tuple[Any, ...]]:
    """What the lake says the board was at each live run: (run, listing, content) open then."""
    return store.read_rows(
        f"""SELECT r.run_id, l.external_id, v.content_sha256, v.pay_min
            FROM {LAKE}.collector_runs r
            JOIN {LAKE}.listings l ON l.source_name = r.source_name
                 AND l.first_seen_at <= r.started_at AND (l.closed_at IS NULL OR l.closed_at > r.started_at)
            JOIN {LAKE}.listing_versions v ON v.listing_key = l.listing_key
                 AND v.valid_from <= r.started_at AND (v.valid_to IS NULL OR v.valid_to > r.started_at)
            WHERE r.source_name = ? AND r.run_kind = 'listings'
            ORDER BY r.started_at, l.external_id""", [source])


def test_backfill_interleaved_with_live_runs_leaves_the_live_history_identical(lake_settings: Settings) -> None:
    store = get_store(lake_settings)
    with LocalHTTPServer() as live, FakeWayback() as wayback:
        live.script("/v1/boards/acmeai/jobs", Reply(body=board(job(*A, 40, 50), job(*C, 50, 60))),
                    Reply(body=board(job(*C, 50, 60))))
        source = sources(live.url("/v1/boards/acmeai/jobs?content=true"))[0]
        first = asyncio.run(run_source(source, store, policy=FAST))
        # A capture taken between the two live runs: kept, never replayed over the live history.
        between = (first.started_at + timedelta(seconds=1)).strftime("%Y%m%d%H%M%S")
        time.sleep(max(0.0, (utc(between) - datetime.now(UTC)).total_seconds()) + 0.05)
        second = asyncio.run(run_source(source, store, policy=FAST))
        assert (first.status, second.status) == ("ok", "ok")
        live_runs = store.read_rows(f"SELECT * FROM {LAKE}.collector_runs ORDER BY started_at")
        before = live_state(store, source.name)
        assert [row[1] for row in before] == ["101", "103", "103"]

        wayback.captures[source.url] = [
            Archived("20250106120000", 200, board(job(*A, 45, 55), job(*B, 30, 40))),
            Archived("20250120120000", 200, board(job(*A, 45, 55))),
            Archived(between, 200, board(job(*B, 1, 2))),
        ]
        summary, = run(lake_settings, wayback, [source])
        assert (summary.used, summary.after_live) == (2, 1)

    assert live_state(store, source.name) == before
    assert store.read_rows(
        f"SELECT * FROM {LAKE}.collector_runs WHERE run_kind = 'listings' ORDER BY started_at") == live_runs
    # What the archive adds: the history before the first live run, and nothing after it.
    assert listings(store, source.name) == [
        ("101", utc("20250106120000"), first.started_at, second.started_at),
        ("102", utc("20250106120000"), utc("20250106120000"), utc("20250120120000")),
        ("103", first.started_at, None, None),
    ]
    assert [row[:5] for row in versions(store, source.name) if row[0] == "101"] == [
        ("101", 1, utc("20250106120000"), first.started_at, 45.0),
        ("101", 2, first.started_at, second.started_at, 40.0),
    ]
    kept_after = store.read_rows(
        f"SELECT complete, error FROM {LAKE}.collector_runs WHERE run_kind = 'archive' AND started_at > ?",
        [first.started_at])
    assert kept_after == [(False, "captured after live collection began: kept, not replayed (the live history stands)")]


def test_cli_backfill_archive_prints_a_summary_per_source(lake_settings: Settings, wayback: FakeWayback,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from collectors import cli, runner

    monkeypatch.setattr(runner, "configured_sources", lambda: sources())
    monkeypatch.setattr(cli, "_settings", lambda lake=None: lake_settings)
    result = CliRunner().invoke(cli.app, ["backfill", "archive", "--source", "acme-greenhouse", "--source", "acme-outlier",
                                          "--archive-url", wayback.url, "--min-interval", "0", "--from", "2025-01-01"])
    assert result.exit_code == 0, result.output
    assert "acme-greenhouse: 6 capture(s) found, 4 used, 1 failed (1 unparseable capture (an error page?))" in result.output
    assert "acme-outlier: not in web archives" in result.output
    helped = CliRunner().invoke(cli.app, ["backfill", "archive", "--help"])
    assert all(option in helped.output for option in ("--source", "--from", "--to", "--every", "--archive-url"))
    bad = CliRunner().invoke(cli.app, ["backfill", "archive", "--from", "January"])
    assert bad.exit_code == 1 and "not a date" in bad.output
