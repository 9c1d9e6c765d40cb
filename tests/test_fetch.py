"""PoliteFetcher against a real HTTP server on loopback and a real lake in tmp_path."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from collectors.config import Settings
from collectors.fetch import (
    BoardGone,
    FetchConnectError,
    FetchError,
    FetchPolicy,
    FetchTimeout,
    HTTPStatusError,
    PoliteFetcher,
    ResponseTooLarge,
    RobotsDisallowed,
    TooManyRedirects,
    host_key,
    parse_retry_after,
)
from collectors.sources.base import SourceConfig
from collectors.store import Store, get_store, reset_stores
from tests.conftest import sqlite_settings
from tests.httpserver import LocalHTTPServer, Reply, min_gap, robots

FAST = FetchPolicy(
    connect_timeout=2.0,
    read_timeout=2.0,
    write_timeout=2.0,
    pool_timeout=2.0,
    max_attempts=3,
    backoff_base=0.05,
    backoff_jitter=0.1,
    default_min_interval=0.0,
)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """One real lake for the module: these tests share nothing through it but raw bodies."""
    yield sqlite_settings(tmp_path_factory.mktemp("fetch"))
    reset_stores()


@pytest.fixture(scope="module")
def store(settings: Settings) -> Store:
    return get_store(settings)


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as srv:
        yield srv


@pytest.fixture
def server_b() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as srv:
        yield srv


def fetcher(
    settings: Settings, store: Store, policy: FetchPolicy = FAST, sources: list[SourceConfig] | None = None
) -> PoliteFetcher:
    return PoliteFetcher(settings, store, policy=policy, sources=sources or ())


def test_user_agent_names_gigwatch_and_contact_url(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/jobs", Reply.json({"jobs": []}))

    async def go() -> None:
        async with fetcher(settings, store) as f:
            got = await f.get(server.url("/jobs"))
        assert got.status == 200
        assert json.loads(got.body) == {"jobs": []}

    asyncio.run(go())
    for request in server.requests:  # robots.txt and the page
        ua = request.headers["user-agent"]
        assert ua.startswith("gigwatch/")
        assert settings.contact_url in ua
    assert [r.path for r in server.requests] == ["/robots.txt", "/jobs"]


def test_every_response_is_kept_compressed_in_the_store(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/jobs", Reply.json({"jobs": [1, 2, 3]}))

    async def go() -> PoliteFetcher:
        async with fetcher(settings, store) as f:
            await f.get(server.url("/jobs"))
            return f

    f = asyncio.run(go())
    page = [r for r in f.responses if r.url.endswith("/jobs")]
    assert len(page) == 1
    assert store.get_raw_body(page[0].sha256) == b'{"jobs": [1, 2, 3]}'
    assert store.raw_path(page[0].sha256).read_bytes()[:2] == b"\x1f\x8b"  # gzip
    # robots.txt is not among a run's responses: those are what the source's parser reads again
    assert [r.url for r in f.responses] == [server.url("/jobs")]


def test_robots_disallow_raises_and_never_requests_the_path(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/robots.txt", robots("/private"))
    server.script("/private/jobs", Reply.json({"jobs": []}))
    server.script("/public", Reply.json({"ok": True}))

    async def go() -> None:
        async with fetcher(settings, store) as f:
            with pytest.raises(RobotsDisallowed, match="disallows"):
                await f.get(server.url("/private/jobs"))
            # robots.txt is fetched once per host, also for concurrent first requests
            await asyncio.gather(*(f.get(server.url("/public")) for _ in range(3)))
            with pytest.raises(RobotsDisallowed):
                await f.get(server.url("/private/other"))

    asyncio.run(go())
    assert server.requests_to("/private/jobs") == []
    assert len(server.requests_to("/robots.txt")) == 1
    assert len(server.requests_to("/public")) == 3


def test_robots_for_our_agent_only(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/robots.txt", Reply.text("User-agent: gigwatch\nDisallow: /\n\nUser-agent: *\nAllow: /\n"))
    server.script("/x", Reply.json({}))

    async def go() -> None:
        async with fetcher(settings, store) as f:
            with pytest.raises(RobotsDisallowed):
                await f.get(server.url("/x"))

    asyncio.run(go())
    assert server.requests_to("/x") == []


def test_robots_5xx_disallows_the_host_for_the_cycle_and_404_allows(
    settings: Settings, store: Store, server: LocalHTTPServer, server_b: LocalHTTPServer
) -> None:
    server.script("/robots.txt", Reply(status=503))
    server.script("/jobs", Reply.json({}))
    server_b.script("/jobs", Reply.json({}))  # no robots.txt on B: a 404, everything allowed

    async def go() -> None:
        async with fetcher(settings, store) as f:
            for _ in range(2):
                with pytest.raises(RobotsDisallowed, match="could not be read"):
                    await f.get(server.url("/jobs"))
            assert (await f.get(server_b.url("/jobs"))).status == 200

    asyncio.run(go())
    assert server.requests_to("/jobs") == []
    assert len(server.requests_to("/robots.txt")) == 1  # not retried within the cycle


def test_robots_timeout_disallows(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/robots.txt", Reply.text("User-agent: *\nAllow: /\n", delay=1.0))
    server.script("/jobs", Reply.json({}))
    policy = replace(FAST, read_timeout=0.2)

    async def go() -> None:
        async with fetcher(settings, store, policy) as f:
            with pytest.raises(RobotsDisallowed, match="ReadTimeout"):
                await f.get(server.url("/jobs"))

    asyncio.run(go())
    assert server.requests_to("/jobs") == []


def test_crawl_delay_is_honoured(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/robots.txt", robots(crawl_delay=0.3))
    server.script("/p", Reply.json({}))

    async def go() -> None:
        async with fetcher(settings, store) as f:
            for _ in range(3):
                await f.get(server.url("/p"))

    asyncio.run(go())
    assert min_gap([r.at for r in server.requests]) >= 0.3


def test_429_retry_after_seconds_is_honoured(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/jobs", Reply(status=429, headers={"Retry-After": "1"}), Reply.json({"jobs": []}))

    async def go() -> None:
        async with fetcher(settings, store) as f:
            got = await f.get(server.url("/jobs"))
            assert got.status == 200
            # both responses are kept: the 429 is part of what happened
            assert [r.status for r in f.responses if r.url.endswith("/jobs")] == [429, 200]

    asyncio.run(go())
    first, second = server.requests_to("/jobs")
    assert first.reply_status == 429
    assert second.at - first.at >= 0.98


def test_retry_after_http_date(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    when = datetime.now(UTC) + timedelta(seconds=2)
    server.script("/jobs", Reply(status=503, headers={"Retry-After": format_datetime(when, usegmt=True)}), Reply.json({}))

    async def go() -> None:
        async with fetcher(settings, store) as f:
            assert (await f.get(server.url("/jobs"))).status == 200

    asyncio.run(go())
    first, second = server.requests_to("/jobs")
    assert second.at - first.at >= 0.9  # the date has second precision


def test_parse_retry_after() -> None:
    now = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Sat, 21 Nov 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Sat, 21 Nov 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_retry_after_over_the_cap_gives_up_at_once(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/jobs", Reply(status=429, headers={"Retry-After": "3600"}), Reply.json({}))
    policy = replace(FAST, retry_after_cap=5.0)

    async def go() -> None:
        async with fetcher(settings, store, policy) as f:
            with pytest.raises(HTTPStatusError, match="over the 5s cap") as info:
                await f.get(server.url("/jobs"))
            assert info.value.status == 429

    asyncio.run(go())
    assert len(server.requests_to("/jobs")) == 1


def test_5xx_is_retried_then_raises(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/jobs", Reply(status=500, body=b"oops"))

    async def go() -> None:
        async with fetcher(settings, store) as f:
            with pytest.raises(HTTPStatusError) as info:
                await f.get(server.url("/jobs"))
            assert info.value.status == 500
            assert info.value.url == server.url("/jobs")

    asyncio.run(go())
    times = [r.at for r in server.requests_to("/jobs")]
    assert len(times) == FAST.max_attempts
    # exponential backoff: 0.05 then 0.1 (times at least 1, at most 1.1)
    assert times[1] - times[0] >= 0.05
    assert times[2] - times[1] >= 0.1


def test_5xx_then_success(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/jobs", Reply(status=502), Reply(status=504), Reply.json({"ok": 1}))

    async def go() -> None:
        async with fetcher(settings, store) as f:
            assert json.loads((await f.get(server.url("/jobs"))).body) == {"ok": 1}

    asyncio.run(go())
    assert len(server.requests_to("/jobs")) == 3


def test_4xx_is_not_retried_and_404_is_board_gone(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/forbidden", Reply(status=403))

    async def go() -> None:
        async with fetcher(settings, store) as f:
            with pytest.raises(HTTPStatusError) as info:
                await f.get(server.url("/forbidden"))
            assert info.value.status == 403 and not isinstance(info.value, BoardGone)
            with pytest.raises(BoardGone, match="gone or was renamed") as gone:
                await f.get(server.url("/v1/boards/renamed/jobs"))
            assert gone.value.status == 404

    asyncio.run(go())
    assert len(server.requests_to("/forbidden")) == 1
    assert len(server.requests_to("/v1/boards/renamed/jobs")) == 1


def test_timeout_is_retried_then_raises(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/slow", Reply.json({}, delay=0.8))
    policy = replace(FAST, read_timeout=0.2, max_attempts=2)

    async def go() -> None:
        async with fetcher(settings, store, policy) as f:
            started = time.monotonic()
            with pytest.raises(FetchTimeout, match="ReadTimeout"):
                await f.get(server.url("/slow"))
            assert time.monotonic() - started < 0.8 * 2  # gave up on each attempt

    asyncio.run(go())
    assert len(server.requests_to("/slow")) == 2


def test_timeout_then_success(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/slow", Reply.json({}, delay=0.8), Reply.json({"ok": 1}))
    policy = replace(FAST, read_timeout=0.2)

    async def go() -> None:
        async with fetcher(settings, store, policy) as f:
            assert json.loads((await f.get(server.url("/slow"))).body) == {"ok": 1}

    asyncio.run(go())


def test_connection_refused_is_retried_then_raises(settings: Settings, store: Store) -> None:
    dead = LocalHTTPServer()
    url = dead.url("/jobs")
    dead.stop()  # never started: the port is closed

    async def go() -> None:
        async with fetcher(settings, store) as f:
            # robots.txt unreachable → the conservative reading
            with pytest.raises(RobotsDisallowed, match="ConnectError"):
                await f.get(url)

    asyncio.run(go())


def test_connection_error_on_the_page_is_retried(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    # The page answers with a Content-Length longer than the body and closes: a protocol error.
    server.script("/cut", Reply(body=b'{"jobs": [', declared_length=1000), Reply.json({"jobs": []}))

    async def go() -> None:
        async with fetcher(settings, store) as f:
            assert json.loads((await f.get(server.url("/cut"))).body) == {"jobs": []}

    asyncio.run(go())
    assert len(server.requests_to("/cut")) == 2

    server.script("/cut", Reply(body=b'{"jobs": [', declared_length=1000))

    async def go_fail() -> None:
        async with fetcher(settings, store) as f:
            with pytest.raises(FetchConnectError, match="RemoteProtocolError"):
                await f.get(server.url("/cut"))

    asyncio.run(go_fail())


def test_etag_304_returns_the_kept_body(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    body = {"jobs": [{"id": 1}]}
    server.script("/jobs", Reply.json(body, etag='"v1"', last_modified="Sat, 21 Nov 2026 10:00:00 GMT"))

    async def go() -> PoliteFetcher:
        async with fetcher(settings, store) as f:
            first = await f.get(server.url("/jobs"))
            second = await f.get(server.url("/jobs"))
            assert (first.status, first.not_modified) == (200, False)
            assert (second.status, second.not_modified) == (304, True)
            assert second.body == first.body and second.sha256 == first.sha256
            assert second.content_type == "application/json"
            return f

    f = asyncio.run(go())
    first_req, second_req = server.requests_to("/jobs")
    assert "if-none-match" not in first_req.headers
    assert second_req.headers["if-none-match"] == '"v1"'
    assert second_req.headers["if-modified-since"] == "Sat, 21 Nov 2026 10:00:00 GMT"
    assert second_req.reply_status == 304
    assert f.validators[server.url("/jobs")] == ('"v1"', "Sat, 21 Nov 2026 10:00:00 GMT")


def test_post_sends_json_and_no_validators(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/api/jobs", Reply.json({"jobs": []}, etag='"p"'))

    async def go() -> None:
        async with fetcher(settings, store) as f:
            await f.post(server.url("/api/jobs"), json={"page": 1})
            await f.post(server.url("/api/jobs"), json={"page": 1})

    asyncio.run(go())
    posts = server.requests_to("/api/jobs")
    assert [json.loads(p.body) for p in posts] == [{"page": 1}, {"page": 1}]
    assert all(p.method == "POST" and "if-none-match" not in p.headers for p in posts)
    assert posts[0].headers["content-type"] == "application/json"


def test_header_values_are_trimmed_and_bad_requests_not_retried(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/api", Reply.json({}))

    async def go() -> None:
        async with fetcher(settings, store) as f:
            # Mercor's empty bearer token, configured as "Bearer ", is sent as a legal header
            await f.get(server.url("/api"), headers={"Authorization": "Bearer "})
            with pytest.raises(FetchError, match="UnsupportedProtocol"):
                await f.get("ftp://127.0.0.1/x")

    asyncio.run(go())
    [request] = server.requests_to("/api")
    assert request.headers["authorization"] == "Bearer"


def test_size_cap_declared_and_streamed(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    big = b"x" * 5000
    server.script("/declared", Reply(body=big))
    server.script("/chunked", Reply(body=big, chunked=True))
    server.script("/small", Reply(body=b"x" * 100, chunked=True))
    policy = replace(FAST, max_body_bytes=1000)

    async def go() -> None:
        async with fetcher(settings, store, policy) as f:
            with pytest.raises(ResponseTooLarge, match="declares 5000 bytes"):
                await f.get(server.url("/declared"))
            with pytest.raises(ResponseTooLarge, match="more than the 1000-byte cap"):
                await f.get(server.url("/chunked"))
            assert len((await f.get(server.url("/small"))).body) == 100

    asyncio.run(go())
    # too large is not retried
    assert len(server.requests_to("/declared")) == 1
    assert len(server.requests_to("/chunked")) == 1


def test_redirects_are_followed_checked_and_bounded(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/robots.txt", robots("/private"))
    server.script("/old", Reply(status=301, headers={"Location": "/new"}))
    server.script("/new", Reply.json({"here": True}))
    server.script("/sneaky", Reply(status=302, headers={"Location": "/private/page"}))
    server.script("/loop", Reply(status=302, headers={"Location": "/loop"}))
    policy = replace(FAST, max_redirects=3)

    async def go() -> None:
        async with fetcher(settings, store, policy) as f:
            got = await f.get(server.url("/old"))
            assert got.url == server.url("/new") and json.loads(got.body) == {"here": True}
            with pytest.raises(RobotsDisallowed):
                await f.get(server.url("/sneaky"))
            with pytest.raises(TooManyRedirects):
                await f.get(server.url("/loop"))

    asyncio.run(go())
    assert server.requests_to("/private/page") == []
    assert len(server.requests_to("/loop")) == 4  # the first request and 3 redirects


def test_per_host_interval_holds_while_hosts_run_concurrently(
    settings: Settings, store: Store, server: LocalHTTPServer, server_b: LocalHTTPServer
) -> None:
    for srv in (server, server_b):
        for n in range(4):
            srv.script(f"/page{n}", Reply.json({"n": n}))
    interval = 0.3
    sources = [
        SourceConfig(name="a", platform="a", kind="test", url=server.url("/page0"), min_interval_seconds=interval),
        # two sources on one host: the larger interval wins
        SourceConfig(name="a2", platform="a", kind="test", url=server.url("/page1"), min_interval_seconds=0.1),
        SourceConfig(name="b", platform="b", kind="test", url=server_b.url("/page0"), min_interval_seconds=interval),
    ]

    async def go() -> tuple[float, PoliteFetcher]:
        async with fetcher(settings, store, sources=sources) as f:
            started = time.monotonic()
            await asyncio.gather(
                *(f.get(srv.url(f"/page{n}")) for srv in (server, server_b) for n in range(4))
            )
            return time.monotonic() - started, f

    elapsed, f = asyncio.run(go())
    for srv in (server, server_b):
        times = [r.at for r in srv.requests]
        assert len(times) == 5  # robots.txt + 4 pages
        assert min_gap(times) >= interval  # as the server sees it, whatever the latency
    # 4 quiet intervals of 0.3 s per host (plus the requests themselves); the two hosts
    # overlap, so about 1.2 s, not the 2.4 s of the sum
    assert 4 * interval <= elapsed < 8 * interval * 0.85
    # the fetcher's own log agrees
    by_host: dict[str, list[float]] = {}
    for entry in f.fetch_log:
        by_host.setdefault(entry.host, []).append(entry.at)
    assert set(by_host) == {host_key(server.base_url), host_key(server_b.base_url)}
    assert all(min_gap(t) >= interval - 0.001 for t in by_host.values())


def test_one_request_at_a_time_per_host(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/slow", Reply.json({}, delay=0.2))

    async def go() -> float:
        async with fetcher(settings, store) as f:
            started = time.monotonic()
            await asyncio.gather(*(f.get(server.url("/slow")) for _ in range(3)))
            return time.monotonic() - started

    assert asyncio.run(go()) >= 0.6  # serialised, although the interval is 0
    assert len(server.requests_to("/slow")) == 3


def test_sessions_record_their_own_responses(settings: Settings, store: Store, server: LocalHTTPServer) -> None:
    server.script("/a", Reply.json({"a": 1}, etag='"a"'))
    server.script("/b", Reply.json({"b": 1}))

    async def go() -> None:
        async with fetcher(settings, store) as f:
            one, two = f.session(), f.session()
            await one.get(server.url("/a"))
            await two.get(server.url("/b"))
            assert [r.url for r in one.responses] == [server.url("/a")]
            assert [r.url for r in two.responses] == [server.url("/b")]
            assert one.validators == {server.url("/a"): ('"a"', None)}
            assert two.validators == {}
            assert len(f.responses) == 2

    asyncio.run(go())
