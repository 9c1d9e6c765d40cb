"""Attacks on the fetcher (issue 13, item 4), each against real loopback servers.

* a board redirecting to an internal service (another loopback port the allow-list omits): refused
  before any byte reaches it, nothing kept in the raw archive, a failed run that closes nothing;
* a URL on loopback, by address or by a name resolving to it, with no allow-list: refused;
* a server trickling one byte every half second: the request ends at its overall deadline;
* `Content-Encoding: gzip, gzip` bomb: the cap holds on the decoded size, memory stays small.
"""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from collectors.config import Settings, load_settings
from collectors.fetch import (
    AddressRefused,
    FetchPolicy,
    FetchTimeout,
    PoliteFetcher,
    ResponseTooLarge,
)
from collectors.netguard import AllowList, BoundedDecoder, is_public_address
from collectors.runner import listings_collector, run_source
from collectors.sources.base import SourceConfig
from collectors.store import LAKE, Store
from tests.httpserver import JsonListKind, LocalHTTPServer, Reply, items

FAST = FetchPolicy(
    connect_timeout=2.0, read_timeout=2.0, write_timeout=2.0, pool_timeout=2.0,
    max_attempts=1, backoff_base=0.05, backoff_jitter=0.1, default_min_interval=0.0,
)
TESTJSON = {"testjson": listings_collector(JsonListKind)}
SECRET = b'{"internal": "metadata service credentials"}'


@pytest.fixture
def board() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as srv:
        yield srv


@pytest.fixture
def internal() -> Iterator[LocalHTTPServer]:
    """An internal service on another loopback port: what an attacker wants fetched and kept."""
    with LocalHTTPServer() as srv:
        srv.script("/secret", Reply(body=SECRET))
        yield srv


def only(settings: Settings, *allowed: str) -> Settings:
    return replace(settings, allow_hosts=allowed)


def test_redirect_to_an_internal_address_is_refused_and_nothing_is_kept(
    store: Store, board: LocalHTTPServer, internal: LocalHTTPServer
) -> None:
    board.script("/jobs", Reply(status=302, headers={"Location": internal.url("/secret")}))
    settings = only(store.settings, board.host)  # the board's host:port is allowed, nothing else

    async def go() -> None:
        async with PoliteFetcher(settings, store, policy=FAST) as fetcher:
            with pytest.raises(AddressRefused, match=r"127\.0\.0\.1.*non-public address") as info:
                await fetcher.get(board.url("/jobs"))
            assert info.value.url == internal.url("/secret")
            assert all(SECRET not in r.body for r in fetcher.responses)

    asyncio.run(go())
    assert internal.requests == []  # not even robots.txt: no connection was made
    kept = store.read_rows(f"SELECT url FROM {LAKE}.raw_responses")
    assert all(internal.host not in url for (url,) in kept)


def test_a_refused_fetch_is_a_failed_run_that_closes_nothing(
    store: Store, board: LocalHTTPServer, internal: LocalHTTPServer
) -> None:
    src = SourceConfig(name="acme-test", platform="acme", kind="testjson", url=board.url("/jobs"), min_interval_seconds=0.0)
    settings = only(store.settings, board.host)

    async def run_once() -> tuple[str, str | None]:
        async with PoliteFetcher(settings, store, policy=FAST, sources=[src]) as fetcher:
            record = await run_source(src, store, fetcher=fetcher, collectors=TESTJSON)
        return record.status, record.error

    board.script("/jobs", items("a", "b"))
    assert asyncio.run(run_once()) == ("ok", None)
    board.script("/jobs", Reply(status=301, headers={"Location": internal.url("/secret")}))
    status, error = asyncio.run(run_once())
    assert status == "failed"
    assert error is not None and error.startswith("AddressRefused: not fetching " + internal.url("/secret"))
    still_open = store.read_rows(f"SELECT external_id FROM {LAKE}.listings WHERE closed_at IS NULL ORDER BY 1")
    assert still_open == [("a",), ("b",)]
    failed_run = store.read_rows(
        f"SELECT count(*) FROM {LAKE}.raw_responses r JOIN {LAKE}.collector_runs c USING (run_id) WHERE c.status = 'failed'"
    )
    assert failed_run == [(0,)]  # the redirect itself is not kept either: nothing to offer for download
    assert internal.requests == []


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_without_an_allow_list_is_refused(tmp_path: object, board: LocalHTTPServer, host: str) -> None:
    settings = load_settings(env={"GIGWATCH_DATA_DIR": str(tmp_path)})
    assert settings.allow_hosts == ()

    async def go() -> None:
        from collectors.store import get_store

        async with PoliteFetcher(settings, get_store(settings), policy=FAST) as fetcher:
            with pytest.raises(AddressRefused, match="non-public"):
                await fetcher.get(f"http://{host}:{board.port}/jobs")

    asyncio.run(go())
    assert board.requests == []


def test_allow_list_setting_from_environment_and_toml(tmp_path: object) -> None:
    from pathlib import Path

    env = {"GIGWATCH_DATA_DIR": str(tmp_path), "GIGWATCH_ALLOW_HOSTS": "127.0.0.1, intranet.example:8443 10.0.0.0/8"}
    assert load_settings(env=env).allow_hosts == ("127.0.0.1", "intranet.example:8443", "10.0.0.0/8")
    config = Path(str(tmp_path)) / "gigwatch.toml"
    config.write_text('[collect]\nallow_hosts = ["[::1]:8080"]\n')
    settings = load_settings(env={"GIGWATCH_DATA_DIR": str(tmp_path), "GIGWATCH_CONFIG": str(config)})
    allow = AllowList.parse(settings.allow_hosts)
    assert allow.allows_address(ipaddress.ip_address("::1"), 8080)
    assert not allow.allows_address(ipaddress.ip_address("::1"), 8081)
    nets = AllowList.parse(("10.0.0.0/8",))
    assert nets.allows_address(ipaddress.ip_address("10.1.2.3"), 80)
    assert not nets.allows_address(ipaddress.ip_address("192.168.1.1"), 80)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("127.9.9.9", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.0.10", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),  # reserved
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped
        ("::ffff:10.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
    ],
)
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


class TricklingServer:
    """Answers /robots.txt with a 404, anything else with headers, then a byte every half second."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            request = conn.recv(65536)
            try:
                if request.startswith(b"GET /robots.txt"):
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    request = conn.recv(65536)  # the same connection is reused
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n")
                while not self.stop.is_set():
                    conn.sendall(b" ")
                    time.sleep(0.5)
            except OSError:
                return

    def __enter__(self) -> TricklingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        self.sock.close()


def test_a_trickling_server_is_cut_at_the_overall_deadline(store: Store) -> None:
    policy = replace(FAST, read_timeout=5.0, request_deadline=1.5)  # each byte arrives well within read_timeout

    async def go() -> float:
        async with PoliteFetcher(store.settings, store, policy=policy) as fetcher:
            started = time.monotonic()
            with pytest.raises(FetchTimeout, match="RequestDeadlineExceeded"):
                await fetcher.get(f"http://127.0.0.1:{trickle.port}/jobs")
            return time.monotonic() - started

    with TricklingServer() as trickle:
        elapsed = asyncio.run(go())
    assert elapsed < 4.0  # robots.txt, then the 1.5 s deadline (the body alone would take 83 minutes)


def gzip_twice(data: bytes) -> bytes:
    return gzip.compress(gzip.compress(data, compresslevel=9), compresslevel=9)


def test_stacked_gzip_bomb_stops_at_the_decoded_cap_with_little_memory(store: Store, board: LocalHTTPServer) -> None:
    cap = 1024 * 1024
    bomb = gzip_twice(bytes(64 * 1024 * 1024))  # a few hundred bytes on the wire, 64 MiB decoded
    assert len(bomb) < 10_000
    board.script("/jobs", Reply(body=bomb, headers={"Content-Encoding": "gzip, gzip"}))
    board.script("/warm", Reply(body=gzip.compress(b"{}"), headers={"Content-Encoding": "gzip"}))
    policy = replace(FAST, max_body_bytes=cap)

    async def go() -> int:
        async with PoliteFetcher(store.settings, store, policy=policy) as fetcher:
            await fetcher.get(board.url("/warm"))  # client, TLS context, robots.txt: not the bomb's cost
            tracemalloc.start()
            try:
                with pytest.raises(ResponseTooLarge, match=r"more than the 1048576-byte cap \(decoded from Content-Encoding gzip, gzip\)"):
                    await fetcher.get(board.url("/jobs"))
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

    peak = asyncio.run(go())
    assert peak < cap + 3 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"  # was 64 MiB and more


def test_stacked_and_single_encodings_still_decode(store: Store, board: LocalHTTPServer) -> None:
    payload = items("a", "b").body
    deflated = zlib.compress(payload)
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflated = raw_deflate.compress(payload) + raw_deflate.flush()
    board.script("/gz", Reply(body=gzip.compress(payload), headers={"Content-Encoding": "gzip"}))
    board.script("/gzgz", Reply(body=gzip_twice(payload), headers={"Content-Encoding": "gzip, gzip"}))
    board.script("/mixed", Reply(body=gzip.compress(deflated), headers={"Content-Encoding": "deflate, gzip"}))
    board.script("/rawdeflate", Reply(body=raw_deflated, headers={"Content-Encoding": "deflate"}))
    board.script("/br", Reply(body=payload, headers={"Content-Encoding": "br"}))

    async def go() -> None:
        async with PoliteFetcher(store.settings, store, policy=FAST) as fetcher:
            for path in ("/gz", "/gzgz", "/mixed", "/rawdeflate"):
                assert (await fetcher.get(board.url(path))).body == payload, path
            from collectors.fetch import FetchError

            with pytest.raises(FetchError, match="Content-Encoding 'br' is not supported"):
                await fetcher.get(board.url("/br"))

    asyncio.run(go())
    assert board.requests_to("/gz")[0].headers["accept-encoding"] == "gzip, deflate"


def test_bounded_decoder_yields_small_pieces() -> None:
    decoder = BoundedDecoder("gzip")
    pieces = list(decoder.feed(gzip.compress(bytes(1_000_000)))) + list(decoder.finish())
    assert sum(map(len, pieces)) == 1_000_000
    assert max(map(len, pieces)) <= 64 * 1024


def test_one_non_public_answer_among_public_ones_refuses_the_name() -> None:
    """A rebinding-style DNS answer mixing a public and an internal address: nothing is connected."""
    from collectors.netguard import AddressNotAllowed, _GuardedBackend

    class MixedAnswers(_GuardedBackend):
        async def _resolve(self, host: str, port: int, timeout: float | None) -> list[Any]:
            return [ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("127.0.0.1")]

    backend = MixedAnswers(AllowList())
    with pytest.raises(AddressNotAllowed, match=r"board\.example:443 resolves to 127\.0\.0\.1, a non-public address"):
        asyncio.run(backend.connect_tcp("board.example", 443, timeout=1.0))
