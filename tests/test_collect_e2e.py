"""End to end: the real greenhouse, lever and mercor collectors, the runner, the fetcher and a real
lake, against local HTTP servers replaying a scripted sequence of snapshots (issue 3).

Each step is one collection cycle over the three sources (each on its own host). After every step
the tables are compared row by row with what the rules say they must hold (`Expected`, a model of
the rules written independently of collectors/history.py):

1. first snapshot                      6. a 429 with Retry-After: retried, ok
2. a listing added                     7. a timeout: failed, nothing closed
3. pay changes: two versions           8. truncated JSON: failed (ParseError), nothing closed
4. listings removed: closed            9. a changed layout: failed, nothing closed
5. a 500: failed, nothing closed      10. robots.txt disallows: failed, the path never requested
                                      11. a drop to under half the items: suspicious, nothing closed
                                      12. back to normal, one listing gone: closed, last seen at the
                                          last *ok* run
At the end: requests per host stayed within their interval, and unchanged Mercor snapshots were
answered 304 from the kept body.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from collectors.fetch import FetchPolicy
from collectors.records import ListingRecord
from collectors.runner import run_cycle
from collectors.sources import greenhouse, lever, mercor
from collectors.sources.base import SourceConfig
from collectors.store import LAKE, Store
from collectors.store.listings import RunRecord
from tests.httpserver import LocalHTTPServer, Reply, min_gap, robots

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
GH_PATH = "/v1/boards/acme/jobs?content=true&pay_transparency=true"
LV_PATH = "/v0/postings/acme?mode=json"
MC_PATH = "/work/listings-explore-page"
INTERVAL = 0.2  # min_interval_seconds of every source
POLICY = FetchPolicy(
    connect_timeout=2.0, read_timeout=0.5, write_timeout=2.0, pool_timeout=2.0,
    max_attempts=2, backoff_base=0.05, backoff_jitter=0.1, retry_after_cap=5.0,
    default_min_interval=INTERVAL,
)


def load(path: str) -> Any:
    return json.loads((FIXTURES / path).read_text())


# -- snapshots ----------------------------------------------------------------------------------


GH_JOBS = load("greenhouse/board_pay_input_ranges.json")["jobs"] + load("greenhouse/board_content_pay.json")["jobs"]
LV_POSTINGS = load("lever/postings_list.json")
MC_LISTINGS = load("mercor/listings_explore_page.json")["listings"]


def gh_board(*, drop: tuple[str, ...] = (), keep: tuple[str, ...] | None = None, physics_cents: int = 4500) -> bytes:
    jobs = []
    for job in copy.deepcopy(GH_JOBS):
        ident = str(job["id"])
        if ident in drop or (keep is not None and ident not in keep):
            continue
        if ident == "4700000005":
            job["pay_input_ranges"][0]["min_cents"] = physics_cents
        jobs.append(job)
    return json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}}).encode()


def lv_postings(*, drop: tuple[str, ...] = (), tagalog_min: int = 12) -> bytes:
    postings = []
    for posting in copy.deepcopy(LV_POSTINGS):
        if posting["id"] in drop:
            continue
        if posting.get("salaryRange") and posting["text"].startswith("Tagalog"):
            posting["salaryRange"]["min"] = tagalog_min
        postings.append(posting)
    return json.dumps(postings).encode()


def mc_listings(*, video_min: float = 15.0) -> bytes:
    listings = copy.deepcopy(MC_LISTINGS)
    for listing in listings:
        if listing["listingId"] == "list_AAABoGdJ4CbRDb3Q0LxObpT2":
            listing["rateMin"] = video_min
    return json.dumps({"listings": listings}).encode()


def json_reply(body: bytes, *, etag: bool = False, **kwargs: Any) -> Reply:
    tag = f'"{hashlib.sha256(body).hexdigest()[:16]}"' if etag else None
    return Reply(body=body, etag=tag, **kwargs)


GH_LATE = "4599700005"  # added in step 2
GH_REMOVED = "4700000025"  # removed in step 4
LV_REMOVED = "9c4d6e8f-0a2b-4c3d-9e5f-7a9b1c3d5e74"  # removed in step 4
GH_PHYSICS = "4700000005"
LV_TAGALOG = "6f1f3b7e-2a0c-4a4e-9a57-1c2d3e4f5a61"
MC_VIDEO = "list_AAABoGdJ4CbRDb3Q0LxObpT2"
GH_AFTER_4 = (GH_REMOVED,)
GH_FEW = ("4700000005", "4700000015")  # step 11: 2 of 6
GH_GONE_12 = "4423297005"  # step 12: absent from a complete ok run


# -- the model of the rules ---------------------------------------------------------------------


@dataclass
class Version:
    no: int
    valid_from: datetime
    valid_to: datetime | None
    title: str
    pay_min: float | None
    pay_max: float | None


@dataclass
class Listing:
    first_seen_at: datetime
    closed_at: datetime | None = None
    last_seen_at: datetime | None = None
    versions: list[Version] = field(default_factory=list)


class Expected:
    """What the tables must hold, by the rules: new → listing + version 1; changed → a new
    version (the old one ends); absent from an ok *complete* run → closed (its version ends,
    last seen = the previous ok run); failed runs change nothing; suspicious ones close nothing."""

    def __init__(self) -> None:
        self.listings: dict[tuple[str, str], Listing] = {}
        self.last_ok: dict[str, datetime | None] = {}
        self.runs: list[tuple[datetime, str, str, str, bool, int]] = []

    def apply(self, run: RunRecord, records: list[ListingRecord] | None) -> None:
        self.runs.append((run.started_at, run.run_id, run.source_name, run.status, run.complete, run.items_count))
        if run.status == "failed" or records is None:
            return
        at, source = run.started_at, run.source_name
        seen = set()
        for record in records:
            key = (source, record.external_id)
            seen.add(key)
            content = (record.title.strip(), record.pay.min if record.pay else None, record.pay.max if record.pay else None)
            listing = self.listings.get(key)
            if listing is None:
                self.listings[key] = Listing(at, versions=[Version(1, at, None, *content)])
                continue
            current = listing.versions[-1]
            if listing.closed_at is not None or (current.title, current.pay_min, current.pay_max) != content:
                listing.closed_at = listing.last_seen_at = None
                if current.valid_to is None:
                    current.valid_to = at
                listing.versions.append(Version(current.no + 1, at, None, *content))
        if run.status == "ok" and run.complete:
            for key, listing in self.listings.items():
                if key[0] == source and key not in seen and listing.closed_at is None:
                    listing.closed_at = at
                    listing.last_seen_at = self.last_ok.get(source)
                    listing.versions[-1].valid_to = at
            self.last_ok[source] = at

    def open_ids(self, source: str) -> set[str]:
        return {k[1] for k, v in self.listings.items() if k[0] == source and v.closed_at is None}


def actual_listings(store: Store) -> dict[tuple[str, str], Listing]:
    listings = {
        (source, ext): Listing(first, closed, last)
        for source, ext, first, closed, last in store.read_rows(
            f"SELECT source_name, external_id, first_seen_at, closed_at, last_seen_at FROM {LAKE}.listings"
        )
    }
    for source, ext, no, valid_from, valid_to, title, pay_min, pay_max in store.read_rows(
        f"""SELECT l.source_name, l.external_id, v.version_no, v.valid_from, v.valid_to, v.title, v.pay_min, v.pay_max
            FROM {LAKE}.listing_versions v JOIN {LAKE}.listings l USING (listing_key)
            ORDER BY v.version_no"""
    ):
        listings[(source, ext)].versions.append(Version(no, valid_from, valid_to, title, pay_min, pay_max))
    return listings


def actual_runs(store: Store) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in store.read_rows(
        f"""SELECT started_at, run_id, source_name, status, complete, items_count
            FROM {LAKE}.collector_runs ORDER BY started_at, run_id"""
    )]


# -- the test -----------------------------------------------------------------------------------


@pytest.fixture
def hosts() -> Iterator[dict[str, LocalHTTPServer]]:
    servers = {name: LocalHTTPServer().start() for name in ("gh", "lv", "mc")}
    yield servers
    for server in servers.values():
        server.stop()


def test_collect_end_to_end(store: Store, hosts: dict[str, LocalHTTPServer]) -> None:
    gh_server, lv_server, mc_server = hosts["gh"], hosts["lv"], hosts["mc"]
    sources = {
        "gh": SourceConfig(name="acme-greenhouse", platform="acme", kind="greenhouse",
                           url=gh_server.url(GH_PATH), min_interval_seconds=INTERVAL),
        "lv": SourceConfig(name="acme-lever", platform="acme", kind="lever",
                           url=lv_server.url(LV_PATH), min_interval_seconds=INTERVAL),
        "mc": SourceConfig(name="mercor-api", platform="mercor", kind="mercor",
                           url=mc_server.url(MC_PATH), min_interval_seconds=INTERVAL,
                           options={"headers": {"Authorization": "Bearer "}}),
    }
    modules: dict[str, ModuleType] = {"gh": greenhouse, "lv": lever, "mc": mercor}
    paths = {"gh": GH_PATH, "lv": LV_PATH, "mc": MC_PATH}
    servers = {"gh": gh_server, "lv": lv_server, "mc": mc_server}
    expected = Expected()
    windows: list[tuple[str, dict[str, int], dict[str, int]]] = []  # per step: requests before/after
    steps: dict[str, dict[str, RunRecord]] = {}

    def step(
        name: str, bodies: dict[str, bytes], replies: dict[str, Reply | tuple[Reply, ...]], statuses: dict[str, str]
    ) -> dict[str, RunRecord]:
        for key, reply in replies.items():
            servers[key].script(paths[key], *(reply if isinstance(reply, tuple) else (reply,)))
        before = {k: len(s.requests) for k, s in servers.items()}
        records = asyncio.run(run_cycle(list(sources.values()), store, policy=POLICY))
        windows.append((name, before, {k: len(s.requests) for k, s in servers.items()}))
        by_key = {k: next(r for r in records if r.source_name == sources[k].name) for k in sources}
        assert {k: r.status for k, r in by_key.items()} == statuses, f"step {name}: {[(r.source_name, r.error) for r in records]}"
        for key, run in sorted(by_key.items(), key=lambda kv: kv[1].started_at):
            parsed = None
            if run.status != "failed":
                parsed = modules[key].parse(bodies[key], url=sources[key].url, options=sources[key].options)
            expected.apply(run, parsed)
        # row by row: runs, listings, versions
        assert actual_runs(store) == sorted(expected.runs), f"step {name}"
        assert actual_listings(store) == expected.listings, f"step {name}"
        steps[name] = by_key
        return by_key

    ok3 = {"gh": "ok", "lv": "ok", "mc": "ok"}
    gh, lv, mc = gh_board(drop=(GH_LATE,)), lv_postings(), mc_listings()

    # 1. first snapshot
    runs = step("1 first", {"gh": gh, "lv": lv, "mc": mc},
                {"gh": json_reply(gh), "lv": json_reply(lv), "mc": json_reply(mc, etag=True)}, ok3)
    assert [r.items_count for r in runs.values()] == [6, 5, 7]
    assert len(expected.listings) == 18

    # 2. a listing added (Mercor unchanged: answered 304)
    gh = gh_board()
    runs = step("2 added", {"gh": gh, "lv": lv, "mc": mc},
                {"gh": json_reply(gh), "lv": json_reply(lv), "mc": json_reply(mc, etag=True)}, ok3)
    late = expected.listings[("acme-greenhouse", GH_LATE)]
    assert late.first_seen_at == runs["gh"].started_at and len(late.versions) == 1
    assert mc_server.requests_to(MC_PATH)[-1].reply_status == 304

    # 3. pay changes on every source: two versions, the first ends when the second begins
    gh, lv, mc = gh_board(physics_cents=5000), lv_postings(tagalog_min=14), mc_listings(video_min=17.0)
    runs = step("3 pay change", {"gh": gh, "lv": lv, "mc": mc},
                {"gh": json_reply(gh), "lv": json_reply(lv), "mc": json_reply(mc, etag=True)}, ok3)
    for key, ext, before, after in (("gh", GH_PHYSICS, 45.0, 50.0), ("lv", LV_TAGALOG, 12.0, 14.0), ("mc", MC_VIDEO, 15.0, 17.0)):
        versions = actual_listings(store)[(sources[key].name, ext)].versions
        assert [(v.no, v.pay_min) for v in versions] == [(1, before), (2, after)]
        assert versions[0].valid_to == versions[1].valid_from == runs[key].started_at
        assert versions[1].valid_to is None

    # 4. listings removed: closed at that run's start, last seen at the previous ok run
    gh, lv = gh_board(physics_cents=5000, drop=GH_AFTER_4), lv_postings(tagalog_min=14, drop=(LV_REMOVED,))
    runs = step("4 removed", {"gh": gh, "lv": lv, "mc": mc},
                {"gh": json_reply(gh), "lv": json_reply(lv), "mc": json_reply(mc, etag=True)}, ok3)
    rows = actual_listings(store)
    assert rows[("acme-greenhouse", GH_REMOVED)].closed_at == runs["gh"].started_at
    assert rows[("acme-greenhouse", GH_REMOVED)].last_seen_at == steps["3 pay change"]["gh"].started_at
    assert rows[("acme-lever", LV_REMOVED)].closed_at == runs["lv"].started_at

    # 5. a 500 (after the retries): failed, nothing closed; the other sources are unaffected
    runs = step("5 http 500", {"gh": gh, "lv": lv, "mc": mc},
                {"gh": Reply(status=500, body=b"Internal Server Error"), "lv": json_reply(lv), "mc": json_reply(mc, etag=True)},
                {"gh": "failed", "lv": "ok", "mc": "ok"})
    assert runs["gh"].error == f"HTTPStatusError: HTTP 500 from {gh_server.url(GH_PATH)}"
    _name, counts_before, counts_after = windows[-1]
    in_step = [r for r in gh_server.requests[counts_before["gh"]:counts_after["gh"]] if r.path == GH_PATH]
    assert [r.reply_status for r in in_step] == [500] * POLICY.max_attempts
    assert expected.open_ids("acme-greenhouse") == {str(j["id"]) for j in GH_JOBS} - {GH_REMOVED}

    # 6. a 429 with Retry-After: retried after the wait, ok
    lv_before = len(lv_server.requests_to(LV_PATH))
    runs = step("6 http 429", {"gh": gh, "lv": lv, "mc": mc},
                {"gh": json_reply(gh), "lv": (Reply(status=429, headers={"Retry-After": "1"}), json_reply(lv)),
                 "mc": json_reply(mc, etag=True)}, ok3)
    limited, retried = lv_server.requests_to(LV_PATH)[lv_before:]
    assert (limited.reply_status, retried.reply_status) == (429, 200)
    assert retried.at - limited.at >= 1.0

    # 7. a timeout (every attempt): failed, nothing closed
    runs = step("7 timeout", {"gh": gh, "lv": lv, "mc": mc},
                {"gh": json_reply(gh), "lv": json_reply(lv), "mc": json_reply(mc, etag=True, delay=1.2)},
                {"gh": "ok", "lv": "ok", "mc": "failed"})
    assert (runs["mc"].error or "").startswith("FetchTimeout: ReadTimeout fetching")

    # 8. truncated JSON: failed with the parser's error, nothing closed
    runs = step("8 truncated", {"gh": gh, "lv": lv, "mc": mc},
                {"gh": Reply(body=gh[: len(gh) // 2]), "lv": json_reply(lv), "mc": json_reply(mc, etag=True)},
                {"gh": "failed", "lv": "ok", "mc": "ok"})
    assert (runs["gh"].error or "").startswith("ParseError: greenhouse: the body is not JSON")

    # 9. a changed layout: failed, nothing closed
    changed = (FIXTURES / "lever" / "changed_layout.json").read_bytes()
    runs = step("9 layout", {"gh": gh, "lv": lv, "mc": mc},
                {"gh": json_reply(gh), "lv": Reply(body=changed), "mc": json_reply(mc, etag=True)},
                {"gh": "ok", "lv": "failed", "mc": "ok"})
    assert (runs["lv"].error or "").startswith("ParseError: lever: expected an array of postings")

    # 10. robots.txt disallows the API: failed, and the path is never requested
    mc_server.script("/robots.txt", robots("/work/"))
    mc_before = len(mc_server.requests_to(MC_PATH))
    runs = step("10 robots", {"gh": gh, "lv": lv, "mc": mc},
                {"gh": json_reply(gh), "lv": json_reply(lv), "mc": json_reply(mc, etag=True)},
                {"gh": "ok", "lv": "ok", "mc": "failed"})
    assert (runs["mc"].error or "").startswith(f"RobotsDisallowed: robots.txt of http://{mc_server.host} disallows")
    assert len(mc_server.requests_to(MC_PATH)) == mc_before
    mc_server.script("/robots.txt", Reply(status=404))

    # 11. a sudden drop to under half the items: suspicious, nothing closed
    few = gh_board(physics_cents=5000, keep=GH_FEW)
    runs = step("11 drop", {"gh": few, "lv": lv, "mc": mc},
                {"gh": json_reply(few), "lv": json_reply(lv), "mc": json_reply(mc, etag=True)},
                {"gh": "suspicious", "lv": "ok", "mc": "ok"})
    assert runs["gh"].items_count == 2
    assert (runs["gh"].error or "").startswith("suspicious: 2 items, under half of the 6")
    assert len(expected.open_ids("acme-greenhouse")) == 6

    # 12. back to normal but one listing gone: closed; last seen at the last *ok* run (step 10)
    gh = gh_board(physics_cents=5000, drop=(*GH_AFTER_4, GH_GONE_12))
    runs = step("12 recovered", {"gh": gh, "lv": lv, "mc": mc},
                {"gh": json_reply(gh), "lv": json_reply(lv), "mc": json_reply(mc, etag=True)}, ok3)
    gone = actual_listings(store)[("acme-greenhouse", GH_GONE_12)]
    assert gone.closed_at == runs["gh"].started_at
    assert gone.last_seen_at == steps["10 robots"]["gh"].started_at

    # -- at the end: politeness per host, raw responses, conditional requests -----------------
    for name, counts_before, counts_after in windows:
        for key, server in servers.items():
            times = [r.at for r in server.requests[counts_before[key]:counts_after[key]]]
            assert min_gap(times) >= INTERVAL, f"step {name}: {key} requests closer than {INTERVAL}s"
    for server in servers.values():
        hosts_seen = {r.host for r in server.requests}
        assert hosts_seen == {server.host}
        assert all(r.headers["user-agent"].startswith("gigwatch/") for r in server.requests)
    assert all("authorization" in r.headers for r in mc_server.requests_to(MC_PATH))  # the source's header

    raw = store.read_rows(
        f"""SELECT r.url, r.http_status, r.not_modified, r.content_sha256, c.status
            FROM {LAKE}.raw_responses r JOIN {LAKE}.collector_runs c USING (run_id) ORDER BY r.fetched_at"""
    )
    mc_raw = [row for row in raw if row[0] == mc_server.url(MC_PATH)]
    not_modified = [row for row in mc_raw if row[2]]
    assert len(not_modified) >= 6 and all(row[1] == 304 for row in not_modified)
    kept = {row[3] for row in mc_raw if row[1] == 200}
    assert {row[3] for row in not_modified} <= kept  # every 304 points at a kept 200 body
    for _url, _status, _nm, sha, _run_status in raw:
        assert hashlib.sha256(store.get_raw_body(sha)).hexdigest() == sha  # every response is kept
    # the failed runs recorded what they fetched: the 500s and the truncated body
    statuses_in_failed = {(row[1], row[4]) for row in raw if row[0] == gh_server.url(GH_PATH)}
    assert (500, "failed") in statuses_in_failed and (200, "failed") in statuses_in_failed
