"""The runner against a real HTTP server on loopback and a real lake in tmp_path.

Sources here use the test-only `testjson` format (tests/httpserver.py); the real formats run end to
end in test_collect_e2e.py.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from collectors.fetch import FetchPolicy, FetchSession, PoliteFetcher
from collectors.runner import (
    Collected,
    Collector,
    RunSpooledError,
    UnknownSourceError,
    collect,
    judge,
    listings_collector,
    new_run_id,
    run_cycle,
    run_source,
    select_sources,
)
from collectors.sources.base import Fetcher, SourceConfig
from collectors.store import LAKE, Store, StoreBusyError
from collectors.store import spool as run_spool
from collectors.store.listings import RUN_COLUMNS, RunRecord
from tests.httpserver import JsonListKind, LocalHTTPServer, Reply, items, min_gap

FAST = FetchPolicy(
    connect_timeout=2.0, read_timeout=2.0, write_timeout=2.0, pool_timeout=2.0,
    max_attempts=2, backoff_base=0.05, backoff_jitter=0.1, default_min_interval=0.0,
)
TESTJSON = {"testjson": listings_collector(JsonListKind)}


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as srv:
        yield srv


def source(server: LocalHTTPServer, name: str = "acme-test", path: str = "/jobs", **kwargs: Any) -> SourceConfig:
    kwargs.setdefault("min_interval_seconds", 0.0)
    return SourceConfig(name=name, platform="acme", kind="testjson", url=server.url(path), **kwargs)


def run(src: SourceConfig, store: Store, policy: FetchPolicy = FAST, collectors: Any = TESTJSON) -> RunRecord:
    return asyncio.run(run_source(src, store, policy=policy, collectors=collectors))


def runs(store: Store) -> list[tuple[Any, ...]]:
    return store.read_rows(
        f"""SELECT source_name, status, complete, items_count, error, run_kind
            FROM {LAKE}.collector_runs ORDER BY started_at, run_id"""
    )


def open_listings(store: Store, source_name: str = "acme-test") -> list[str]:
    return [r[0] for r in store.read_rows(
        f"SELECT external_id FROM {LAKE}.listings WHERE source_name = ? AND closed_at IS NULL ORDER BY 1",
        [source_name],
    )]


def test_new_run_id_sorts_by_time() -> None:
    from datetime import UTC, datetime

    a = new_run_id(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    b = new_run_id(datetime(2026, 11, 21, 10, 0, tzinfo=UTC))
    assert a < b and a.startswith("20261121T090000000000Z-")


def test_judge() -> None:
    from datetime import UTC, datetime

    at = datetime(2026, 11, 1, tzinfo=UTC)
    assert judge(10, None) == ("ok", None)
    assert judge(0, None) == ("ok", None)
    assert judge(0, (at, 0)) == ("ok", None)
    assert judge(5, (at, 10)) == ("ok", None)  # exactly half is not under half
    status, why = judge(4, (at, 10))
    assert status == "suspicious" and why is not None and "4 items" in why and "10" in why
    assert judge(0, (at, 1))[0] == "suspicious"


def test_judge_believes_a_shrunken_board_after_consistent_confirmations() -> None:
    from datetime import UTC, datetime

    at = datetime(2026, 11, 1, tzinfo=UTC)
    agreeing = [("suspicious", True, 40), ("suspicious", True, 38)]
    assert judge(40, (at, 100), agreeing) == ("ok", None)
    assert judge(40, (at, 100), agreeing[:1])[0] == "suspicious"  # one confirmation is not enough
    assert judge(40, (at, 100), [("suspicious", True, 40), ("failed", False, 0)])[0] == "suspicious"
    assert judge(40, (at, 100), [("suspicious", True, 40), ("suspicious", True, 12)])[0] == "suspicious"
    assert judge(40, (at, 100), [("suspicious", False, 40), ("suspicious", True, 40)])[0] == "suspicious"
    assert judge(0, (at, 100), [("suspicious", True, 0), ("suspicious", True, 0)])[0] == "suspicious"


def test_ok_run_is_recorded_with_listings_and_raw_responses(store: Store, server: LocalHTTPServer) -> None:
    server.script("/jobs", items("a", "b", next_path="/jobs2"))
    server.script("/jobs2", Reply.json({"items": [{"id": "c", "title": "Rater c"}], "next": None}, etag='"p2"'))
    record = run(source(server), store)

    assert (record.status, record.complete, record.items_count, record.error) == ("ok", True, 3, None)
    assert record.started_at <= record.finished_at
    assert runs(store) == [("acme-test", "ok", True, 3, None, "listings")]
    assert open_listings(store) == ["a", "b", "c"]
    raw = store.read_rows(
        f"SELECT url, http_status, etag, run_id, body_bytes FROM {LAKE}.raw_responses ORDER BY fetched_at"
    )
    assert [(u, s, e, r) for u, s, e, r, _ in raw] == [
        (server.url("/jobs"), 200, None, record.run_id),
        (server.url("/jobs2"), 200, '"p2"', record.run_id),
    ]
    assert all(n > 0 for *_, n in raw)


def test_a_raising_collector_is_a_failed_run_and_closes_nothing(store: Store, server: LocalHTTPServer) -> None:
    server.script("/jobs", items("a", "b"))
    run(source(server), store)

    async def broken(src: SourceConfig, fetcher: Fetcher, st: Store) -> Collected:
        await fetcher.get(src.url)  # what it fetched is still recorded
        raise RuntimeError("a bug in the source module")

    failing = {"testjson": replace(TESTJSON["testjson"], collect=broken)}
    server.script("/jobs", items("a"))
    record = run(source(server), store, collectors=failing)

    assert record.status == "failed" and record.items_count == 0 and not record.complete
    assert record.error == "RuntimeError: a bug in the source module"
    assert runs(store)[-1] == ("acme-test", "failed", False, 0, "RuntimeError: a bug in the source module", "listings")
    assert open_listings(store) == ["a", "b"]
    assert store.read_value(f"SELECT count(*) FROM {LAKE}.raw_responses WHERE run_id = ?", [record.run_id]) == 1


def test_unknown_kind_is_a_failed_run(store: Store, server: LocalHTTPServer) -> None:
    record = asyncio.run(run_source(replace(source(server), kind="nosuchkind"), store, policy=FAST))
    assert record.status == "failed"
    assert record.error is not None and "unknown source kind 'nosuchkind'" in record.error


def test_run_timeout_is_a_failed_run(store: Store, server: LocalHTTPServer) -> None:
    # every page is quick, but the pages keep coming: the whole run is bounded
    server.script("/jobs", items("a", next_path="/jobs"))
    record = run(source(server, min_interval_seconds=0.1), store, policy=replace(FAST, run_timeout=0.8))
    assert record.status == "failed"
    assert record.error == "TimeoutError: the run took longer than 0.8 s"
    assert open_listings(store) == []


def test_suspicious_run_keeps_new_listings_and_closes_nothing(store: Store, server: LocalHTTPServer) -> None:
    server.script("/jobs", items("a", "b", "c", "d", "e"))
    run(source(server), store)
    server.script("/jobs", items("a", "z"))  # 2 of 5: under half
    record = run(source(server), store)

    assert record.status == "suspicious" and record.items_count == 2
    assert record.error is not None and record.error.startswith("suspicious: 2 items, under half of the 5")
    assert open_listings(store) == ["a", "b", "c", "d", "e", "z"]  # z kept, nothing closed

    server.script("/jobs", items("a", "b", "c"))  # 3 of 5 (the last *good* run): ok, closes d, e, z
    record = run(source(server), store)
    assert record.status == "ok"
    assert open_listings(store) == ["a", "b", "c"]


def test_zero_items_after_a_good_run_is_suspicious(store: Store, server: LocalHTTPServer) -> None:
    server.script("/jobs", items("a"))
    run(source(server), store)
    server.script("/jobs", items())
    assert run(source(server), store).status == "suspicious"
    assert open_listings(store) == ["a"]


def test_a_failed_save_records_a_failed_run_then_raises(store: Store, server: LocalHTTPServer) -> None:
    server.script("/jobs", items("a"))
    calls: list[str] = []
    save = TESTJSON["testjson"].save

    def flaky_save(st: Store, src: SourceConfig, rec: RunRecord, found: Sequence[Any] | None, session: FetchSession) -> None:
        calls.append(rec.status)
        if len(calls) == 1:
            raise StoreBusyError("could not save: the catalog stayed busy")
        save(st, src, rec, found, session)

    collectors = {"testjson": replace(TESTJSON["testjson"], save=flaky_save)}
    with pytest.raises(StoreBusyError):
        run(source(server), store, collectors=collectors)
    assert calls == ["ok", "failed"]
    [(_name, status, complete, count, error, _kind)] = runs(store)
    assert (status, complete, count) == ("failed", False, 0)
    assert error == "could not record the run (StoreBusyError: could not save: the catalog stayed busy); it was: ok, 1 items"
    assert open_listings(store) == []


def test_a_run_the_store_cannot_take_is_spooled_and_recorded_once_when_it_is_back(
    store: Store, server: LocalHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer holds the catalog beyond the write bound: the run cannot be recorded, not even
    as failed, so it is kept in the spool; the next run records itself and then it, exactly once."""
    server.script("/jobs", items("a", "b"))
    first = run(source(server), store)
    monkeypatch.setattr(Store, "write_lock_seconds", 0.5)
    with open(Path(store.settings.catalog_target).with_name(".write.lock"), "a") as other_writer:
        fcntl.flock(other_writer, fcntl.LOCK_EX)
        server.script("/jobs", items("a"))  # b is gone, but this run is never recorded as ok
        with pytest.raises(RunSpooledError) as info:
            run(source(server), store)
        fcntl.flock(other_writer, fcntl.LOCK_UN)
    spooled = info.value.run
    assert (spooled.status, spooled.complete, spooled.items_count) == ("failed", False, 0)
    assert spooled.error is not None and spooled.error.startswith("could not record the run (StoreBusyError:")
    assert spooled.error.endswith("it was: ok, 1 items")
    assert run_spool.pending(store.settings) == [spooled]
    kept = [json.loads(line) for line in run_spool.spool_path(store.settings).read_text().splitlines()]
    assert [set(row) for row in kept] == [set(RUN_COLUMNS)]  # the run's row, nothing else
    assert [r[1] for r in runs(store)] == ["ok"]
    assert open_listings(store) == ["a", "b"]  # nothing closed

    server.script("/jobs", items("a", "b", "c"))
    third = run(source(server), store)  # the store is back: this run, then the spooled one
    ids = [row[0] for row in store.read_rows(f"SELECT run_id FROM {LAKE}.collector_runs ORDER BY started_at")]
    assert ids == [first.run_id, spooled.run_id, third.run_id]
    assert [r[1] for r in runs(store)] == ["ok", "failed", "ok"]
    assert run_spool.pending(store.settings) == [] and not run_spool.spool_path(store.settings).exists()
    assert open_listings(store) == ["a", "b", "c"]

    # A spooled run the lake already holds (its commit landed as the connection dropped) is not
    # written again.
    run_spool.keep(store.settings, spooled)
    assert run_spool.replay(store) == 0
    assert store.read_value(f"SELECT count(*) FROM {LAKE}.collector_runs WHERE run_id = ?", [spooled.run_id]) == 1
    assert run_spool.pending(store.settings) == []


def test_run_cycle_reports_a_spooled_run_by_its_id(store: Store, server: LocalHTTPServer) -> None:
    server.script("/jobs", items("a"))
    save = TESTJSON["testjson"].save

    def unreachable(st: Store, src: SourceConfig, rec: RunRecord, found: Sequence[Any] | None, session: FetchSession) -> None:
        raise StoreBusyError("could not save: the catalog could not be reached")

    records = asyncio.run(run_cycle(
        [source(server)], store, policy=FAST, collectors={"testjson": replace(TESTJSON["testjson"], save=unreachable)},
    ))
    [pending] = run_spool.pending(store.settings)
    assert records == [pending] and pending.status == "failed"
    records = asyncio.run(run_cycle(
        [source(server)], store, policy=FAST, collectors={"testjson": replace(TESTJSON["testjson"], save=save)},
    ))
    assert [r[1] for r in runs(store)] == ["failed", "ok"]
    assert run_spool.pending(store.settings) == []


def test_conditional_requests_across_runs_use_the_lake(store: Store, server: LocalHTTPServer) -> None:
    server.script("/jobs", items("a", "b", etag='"v1"'))
    first = run(source(server), store)
    second = run(source(server), store)  # a new fetcher: the validators come from raw_responses

    assert (first.status, second.status) == ("ok", "ok")
    assert second.items_count == 2
    requests = server.requests_to("/jobs")
    assert "if-none-match" not in requests[0].headers
    assert requests[1].headers["if-none-match"] == '"v1"'
    assert requests[1].reply_status == 304
    rows = store.read_rows(
        f"""SELECT http_status, not_modified, etag, content_sha256 FROM {LAKE}.raw_responses
            ORDER BY fetched_at"""
    )
    assert [r[:3] for r in rows] == [(200, False, '"v1"'), (304, True, '"v1"')]
    assert rows[0][3] == rows[1][3]  # the 304 points at the kept body
    assert open_listings(store) == ["a", "b"]


def test_one_broken_source_never_stops_the_others(store: Store, server: LocalHTTPServer) -> None:
    server.script("/good", items("g1", "g2"))
    server.script("/bad", Reply(status=500))
    server.script("/gone", Reply(status=404))
    server.script("/mangled", Reply(body=b'{"items": [{"id": "x", "ti'))
    sources = [
        source(server, "good", "/good"),
        source(server, "bad", "/bad"),
        source(server, "gone", "/gone"),
        source(server, "mangled", "/mangled"),
        source(server, "disabled", "/good", enabled=False),
    ]
    records = asyncio.run(run_cycle(sources, store, policy=FAST, collectors=TESTJSON))

    by_name = {r.source_name: r for r in records}
    assert set(by_name) == {"good", "bad", "gone", "mangled"}
    assert by_name["good"].status == "ok" and by_name["good"].items_count == 2
    assert by_name["bad"].error == f"HTTPStatusError: HTTP 500 from {server.url('/bad')}"
    assert by_name["gone"].error is not None and by_name["gone"].error.startswith("BoardGone: HTTP 404")
    assert by_name["mangled"].error is not None and by_name["mangled"].error.startswith("ParseError: testjson: not JSON")
    assert sorted((r[0], r[1]) for r in runs(store)) == [
        ("bad", "failed"), ("gone", "failed"), ("good", "ok"), ("mangled", "failed")
    ]


def test_a_cycle_takes_as_long_as_its_slowest_host(store: Store) -> None:
    """30 sources on 6 hosts (5 each, 0.25 s apart per host): ≈ one host's time, not the sum."""
    hosts, per_host, interval = 6, 5, 0.25
    servers = [LocalHTTPServer().start() for _ in range(hosts)]
    try:
        sources = []
        for h, srv in enumerate(servers):
            for n in range(per_host):
                srv.script(f"/board{n}", items(f"h{h}n{n}a", f"h{h}n{n}b"))
                sources.append(source(srv, f"host{h}-board{n}", f"/board{n}", min_interval_seconds=interval))
        started = time.monotonic()
        records = asyncio.run(run_cycle(sources, store, policy=FAST, collectors=TESTJSON))
        wall = time.monotonic() - started
        all_times = sorted(t for srv in servers for t in srv.request_times())
        spans = [max(srv.request_times()) - min(srv.request_times()) for srv in servers]
    finally:
        for srv in servers:
            srv.stop()

    assert [r.status for r in records] == ["ok"] * hosts * per_host
    for srv in servers:
        assert len(srv.requests) == 1 + per_host  # robots.txt once, then one page per source
        assert min_gap(srv.request_times()) >= interval
    floor = per_host * interval  # robots.txt + 5 pages: 5 quiet intervals per host
    fetching = all_times[-1] - all_times[0]
    print(f"\ncycle of {len(sources)} sources on {hosts} hosts: fetching {fetching:.2f} s, "
          f"slowest host {max(spans):.2f} s (floor {floor:.2f} s), sum of hosts {sum(spans):.2f} s, "
          f"wall with saving {wall:.2f} s")
    assert max(spans) >= floor
    assert fetching < max(spans) * 1.3  # concurrent hosts: about the slowest, far from the sum
    assert fetching < sum(spans) / 3


def test_sources_sharing_a_host_share_its_limit(store: Store, server: LocalHTTPServer) -> None:
    for n in range(4):
        server.script(f"/b{n}", items(f"x{n}"))
    sources = [source(server, f"s{n}", f"/b{n}", min_interval_seconds=0.1 * n) for n in range(4)]
    asyncio.run(run_cycle(sources, store, policy=FAST, collectors=TESTJSON))
    assert min_gap(server.request_times()) >= 0.3  # the largest interval of the four


def test_run_cycle_accepts_a_shared_fetcher(store: Store, server: LocalHTTPServer) -> None:
    server.script("/jobs", items("a"))

    async def go() -> list[RunRecord]:
        async with PoliteFetcher(store.settings, store, policy=FAST) as fetcher:
            first = await run_cycle([source(server)], store, fetcher=fetcher, collectors=TESTJSON)
            second = await run_cycle([source(server)], store, fetcher=fetcher, collectors=TESTJSON)
            return first + second

    assert [r.status for r in asyncio.run(go())] == ["ok", "ok"]
    assert len(server.requests_to("/robots.txt")) == 1  # robots.txt cached across cycles


def test_select_sources(server: LocalHTTPServer) -> None:
    a, b = source(server, "a"), source(server, "b", enabled=False)
    assert select_sources(None, [a, b]) == [a]
    assert select_sources(["b"], [a, b]) == [replace(b, enabled=True)]  # named: run anyway
    with pytest.raises(UnknownSourceError, match="unknown source 'nope'; known sources: a, b"):
        select_sources(["nope"], [a, b])


def test_collect_entry_point(store: Store, server: LocalHTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from collectors import runner

    monkeypatch.setitem(runner.COLLECTORS, "testjson", TESTJSON["testjson"])
    server.script("/jobs", items("a"))
    records = collect(["acme-test"], store.settings, sources=[source(server), source(server, "other")], policy=FAST)
    assert [(r.source_name, r.status) for r in records] == [("acme-test", "ok")]
    with pytest.raises(UnknownSourceError, match="known sources: acme-test, other"):
        collect(["typo"], store.settings, sources=[source(server), source(server, "other")])


def test_configured_sources_know_every_kind() -> None:
    from collectors.runner import collector_for, configured_sources

    configured = configured_sources()
    assert configured, "data/sources.toml and data/forums.toml define sources"
    assert {collector_for(s.kind).run_kind for s in configured} <= {"listings", "forum"}
    assert len({s.name for s in configured}) == len(configured)


def test_forum_sources_are_collected_as_forum_runs(store: Store, server: LocalHTTPServer) -> None:
    fixtures = Path(__file__).parent / "fixtures" / "reddit"
    page1 = (fixtures / "outlier_ai_new_page1.json").read_bytes()
    page2 = (fixtures / "outlier_ai_new_page2.json").read_bytes()
    path = "/r/outlier_ai/new.json"
    server.script(path + "?limit=100&raw_json=1", Reply(body=page1))
    server.script(path + "?limit=100&raw_json=1&after=t3_1m6uu3e", Reply(body=page2))
    forum = SourceConfig(
        name="reddit-outlier_ai", platform="outlier", kind="reddit",
        url=server.url(path + "?limit=100&raw_json=1"), min_interval_seconds=0.0,
    )
    record = asyncio.run(run_source(forum, store, policy=FAST))

    assert (record.status, record.run_kind, record.complete, record.items_count) == ("ok", "forum", True, 8)
    assert runs(store) == [("reddit-outlier_ai", "ok", True, 8, None, "forum")]
    assert store.read_value(f"SELECT count(*) FROM {LAKE}.forum_posts") > 0
    assert store.read_value(f"SELECT count(*) FROM {LAKE}.raw_responses WHERE run_id = ?", [record.run_id]) == 2

    server.script(path + "?limit=100&raw_json=1", Reply(status=503))
    failed = asyncio.run(run_source(forum, store, policy=FAST))
    assert (failed.status, failed.run_kind) == ("failed", "forum")
    assert failed.error is not None and "HTTP 503" in failed.error


def test_a_run_never_raises_on_collect_errors(store: Store, server: LocalHTTPServer) -> None:
    class Boom(BaseException):
        pass

    async def cancelled(src: SourceConfig, fetcher: Fetcher, st: Store) -> Collected:
        raise Boom()

    # BaseExceptions other than Exception (KeyboardInterrupt, cancellation) are not swallowed
    with pytest.raises(Boom):
        run(source(server), store, collectors={"testjson": Collector("listings", cancelled, TESTJSON["testjson"].save)})


def test_an_interrupted_run_is_recorded_as_failed(store: Store, server: LocalHTTPServer) -> None:
    async def slow(src: SourceConfig, fetcher: Fetcher, st: Store) -> Collected:
        await asyncio.sleep(30)
        raise AssertionError("not reached")

    collectors = {"testjson": replace(TESTJSON["testjson"], collect=slow)}

    async def go() -> None:
        task = asyncio.create_task(run_source(source(server), store, policy=FAST, collectors=collectors))
        await asyncio.sleep(0.3)
        task.cancel()  # what stopping the scheduler does to runs in flight
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(go())
    [(_name, status, complete, count, error, _kind)] = runs(store)
    assert (status, complete, count) == ("failed", False, 0)
    assert error == "CancelledError: the run was interrupted (gigwatch was stopping)"
