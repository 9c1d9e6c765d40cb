"""One way to fetch: the HTTP client every source is given, and nothing else reaches the network.

`PoliteFetcher` owns what Scrapy keeps in its downloader middlewares: explicit timeouts and a
User-Agent with a contact URL; robots.txt per origin, RFC 9309 (a 4xx one allows everything; a 5xx,
429 or timeout disallows the origin for a while; Crawl-delay honoured, capped); one request at a
time per `host:port`, with a minimum quiet interval between requests; retries with backoff and
jitter on timeouts, connection errors, 429 and 5xx, honouring `Retry-After` up to a cap; bounded
redirects followed by hand, each hop checked against robots.txt; no connection to loopback,
private, link-local, multicast, reserved or unspecified addresses, checked after DNS resolution at
every hop on the address actually connected to, unless `Settings.allow_hosts` names the host
(collectors.netguard); an overall deadline per request; a size cap on the decoded body whatever
`Content-Encoding` stack it comes in; conditional GETs from the last kept response of a URL (a 304
returns the kept body, `not_modified=True`); and every body kept compressed in the store and
recorded for the run (robots.txt excepted: a disallow shows in the failed run's error instead).

Every failure is a `FetchError` carrying its `url`; each subclass below documents its case. Use the
fetcher as an async context manager, one per cycle, and give each source run its own `session()`.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
import zlib
from collections import deque
from collections.abc import Iterable, Mapping, MutableSequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, NamedTuple

import httpx
from protego import Protego

from collectors.config import Settings
from collectors.netguard import (
    ACCEPT_ENCODING,
    AddressNotAllowed,
    AllowList,
    BoundedDecoder,
    UnsupportedEncoding,
    guarded_transport,
)
from collectors.sources.base import Fetched, SourceConfig
from collectors.store import Store, StoreError
from collectors.store.listings import kept_validators

log = logging.getLogger(__name__)

__all__ = [
    "AddressRefused",
    "BoardGone",
    "FetchConnectError",
    "FetchError",
    "FetchPolicy",
    "FetchSession",
    "FetchTimeout",
    "HTTPStatusError",
    "LoggedRequest",
    "PoliteFetcher",
    "ResponseTooLarge",
    "RobotsDisallowed",
    "TooManyRedirects",
    "host_key",
]

ROBOTS_AGENT = "gigwatch"  # the product token robots.txt rules are matched against
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
GONE_STATUSES = frozenset({404, 410})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: crawlers must parse at least the first 500 KiB


# -- errors --------------------------------------------------------------------------------------


class FetchError(Exception):
    """A URL could not be fetched in a way a source can use. Never read as 'no listings'."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class RobotsDisallowed(FetchError):
    """robots.txt forbids this URL to gigwatch, or robots.txt could not be read (5xx, timeout)."""


class HTTPStatusError(FetchError):
    """The server answered with an error status (after retries, for 429 and 5xx)."""

    def __init__(self, status: int, url: str, message: str | None = None) -> None:
        super().__init__(message or f"HTTP {status} from {url}", url=url)
        self.status = status


class BoardGone(HTTPStatusError):
    """404 or 410: the board (or page) is gone or was renamed; its token needs checking."""

    def __init__(self, status: int, url: str) -> None:
        super().__init__(
            status, url, f"HTTP {status} from {url}: the board or page is gone or was renamed"
        )


class FetchTimeout(FetchError):
    """The request kept timing out (connect, read, write or pool) after the retries."""


class FetchConnectError(FetchError):
    """The connection kept failing (refused, reset, protocol error) after the retries."""


class TooManyRedirects(FetchError):
    """More redirects than `FetchPolicy.max_redirects`."""


class ResponseTooLarge(FetchError):
    """The body exceeded `FetchPolicy.max_body_bytes`; the transfer was aborted."""


class AddressRefused(FetchError):
    """The host (or a redirect's) resolves to a non-public address not in `Settings.allow_hosts`."""


class RequestDeadlineExceeded(httpx.TimeoutException):
    """One exchange took longer than `FetchPolicy.request_deadline` (handled as a timeout)."""


# -- policy --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Every knob of the fetcher, in seconds and bytes. Tests shrink them to run fast."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    write_timeout: float = 30.0
    pool_timeout: float = 30.0
    max_attempts: int = 4  # per request, the first included
    backoff_base: float = 2.0  # delay before retry n is base * 2**(n-1) ...
    backoff_max: float = 120.0
    backoff_jitter: float = 0.5  # ... times a random factor in [1, 1 + jitter]
    retry_after_cap: float = 300.0  # a longer Retry-After means "give up for now", not "hammer"
    max_redirects: int = 5
    max_body_bytes: int = 25 * 1024 * 1024  # decoded
    request_deadline: float = 120.0  # one exchange, connect to last byte, whatever the trickle
    default_min_interval: float = 1.0  # for hosts no source names
    crawl_delay_cap: float = 60.0  # a robots.txt Crawl-delay above this is capped (and logged)
    robots_ttl: float = 24 * 3600.0  # RFC 9309: do not use a cached robots.txt for longer
    robots_unreachable_ttl: float = 15 * 60.0  # how long a 5xx/timeout robots.txt disallows
    run_timeout: float = 3 * 3600.0  # one source run, all pages included (used by the runner)

    @property
    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(
            connect=self.connect_timeout,
            read=self.read_timeout,
            write=self.write_timeout,
            pool=self.pool_timeout,
        )

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retrying after failed attempt number `attempt` (1-based)."""
        delay = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        return delay * (1.0 + self.backoff_jitter * random.random())


class LoggedRequest(NamedTuple):
    """One request as sent: its host (`host:port`), when (time.monotonic()), what."""

    host: str
    at: float
    method: str
    url: str


def host_key(url: str | httpx.URL) -> str:
    """`host:port` of a URL, the unit of politeness (the port is explicit, default or not)."""
    parsed = httpx.URL(url) if isinstance(url, str) else url
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return f"{parsed.host.lower()}:{port}"


def _origin(url: httpx.URL) -> str:
    return f"{url.scheme}://{host_key(url)}"


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """`Retry-After` as seconds from now: delta-seconds or an HTTP date; None when absent/invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


# -- internal state ------------------------------------------------------------------------------


@dataclass(slots=True)
class _HostGate:
    """One host's queue: one request at a time, and not before `not_before` (monotonic)."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    not_before: float = 0.0
    crawl_delay: float = 0.0


@dataclass(slots=True)
class _Robots:
    parser: Protego | None  # None with allow_all / unreachable
    allow_all: bool
    unreachable: str | None  # why everything is disallowed, when robots.txt could not be read
    expires_at: float

    def allows(self, url: str) -> bool:
        if self.unreachable is not None:
            return False
        if self.allow_all or self.parser is None:
            return True
        return bool(self.parser.can_fetch(url, ROBOTS_AGENT))


@dataclass(frozen=True, slots=True)
class _Kept:
    """The last kept response of a URL that carried validators."""

    sha256: str
    etag: str | None
    last_modified: str | None
    content_type: str | None


@dataclass(slots=True)
class _Raw:
    """One HTTP exchange, body read."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes
    next_request: httpx.Request | None


# -- the fetcher ---------------------------------------------------------------------------------


class PoliteFetcher:
    """The `Fetcher` every source is given (see the module docstring for what it does).

    `responses` and `validators` accumulate every response fetched through this fetcher and its
    sessions (pass `keep_responses=False` for a long-lived fetcher); `fetch_log` records every
    request sent, robots.txt included, as `LoggedRequest(host, monotonic time, method, url)`.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        policy: FetchPolicy | None = None,
        sources: Iterable[SourceConfig] = (),
        transport: httpx.AsyncBaseTransport | None = None,
        keep_responses: bool = True,
        fetch_log_size: int | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.policy = policy or FetchPolicy()
        self.keep_responses = keep_responses
        self.responses: list[Fetched] = []
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        self.fetch_log: MutableSequence[LoggedRequest] = (
            deque(maxlen=fetch_log_size) if fetch_log_size else []
        )
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._min_intervals: dict[str, float] = {}
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, _Robots] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._kept: dict[str, _Kept] = {}
        self._kept_loaded: asyncio.Lock | None = None
        self._kept_ready = False
        for source in sources:
            self.set_min_interval(source.url, source.min_interval_seconds)

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def user_agent(self) -> str:
        return self.settings.user_agent

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=self.policy.timeout,
                headers={"User-Agent": self.user_agent, "Accept": "*/*", "Accept-Encoding": ACCEPT_ENCODING},
                follow_redirects=False,  # followed by hand: each hop is checked and paced
                # A transport given by a test (httpx.MockTransport) opens no connections to check.
                transport=self._transport or guarded_transport(AllowList.parse(self.settings.allow_hosts)),
                trust_env=False,
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __aenter__(self) -> PoliteFetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def session(self) -> FetchSession:
        """A view recording the responses of one source run, sharing this fetcher's limits."""
        return FetchSession(self)

    # -- politeness settings ------------------------------------------------------------------

    def set_min_interval(self, url_or_host: str, seconds: float) -> None:
        """At least `seconds` between requests to this host; the largest value asked for wins."""
        host = host_key(url_or_host) if "://" in url_or_host else url_or_host.lower()
        self._min_intervals[host] = max(self._min_intervals.get(host, 0.0), float(seconds))

    def min_interval(self, host: str) -> float:
        gate = self._gates.get(host)
        crawl_delay = gate.crawl_delay if gate else 0.0
        return max(self._min_intervals.get(host, self.policy.default_min_interval), crawl_delay)

    def _gate(self, host: str) -> _HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = _HostGate()
        return gate

    def _defer_host(self, host: str, seconds: float) -> None:
        """Nobody sends to `host` for `seconds` (a backoff or Retry-After applies to the host)."""
        gate = self._gate(host)
        gate.not_before = max(gate.not_before, time.monotonic() + seconds)

    # -- the Fetcher protocol -------------------------------------------------------------------

    async def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> Fetched:
        return await self.fetch("GET", url, headers=headers)

    async def post(
        self, url: str, *, json: Any = None, headers: Mapping[str, str] | None = None
    ) -> Fetched:
        return await self.fetch("POST", url, json=json, headers=headers)

    async def fetch(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        session: FetchSession | None = None,
    ) -> Fetched:
        """Fetch one URL politely; every response is kept and recorded (also on `session`)."""
        method = method.upper()
        kept = await self._kept_for(url) if method == "GET" else None
        # Field values carry no surrounding whitespace on the wire (RFC 9110 5.5): an empty bearer
        # token configured as "Bearer " is sent as "Bearer", as browsers do.
        request_headers = {name: value.strip() for name, value in (headers or {}).items()}
        if kept is not None:
            if kept.etag:
                request_headers["If-None-Match"] = kept.etag
            if kept.last_modified:
                request_headers["If-Modified-Since"] = kept.last_modified
        request = self.client.build_request(
            method, url, headers=request_headers, json=json if method != "GET" else None
        )
        raw = await self._send_following(request, session)
        if raw.status == 304 and kept is not None:
            try:
                body = await asyncio.to_thread(self.store.get_raw_body, kept.sha256)
            except StoreError:
                # The kept body is lost: ask again without validators.
                log.warning("kept body %s of %s is missing; fetching it again", kept.sha256, url)
                self._kept.pop(url, None)
                return await self.fetch(method, url, json=json, headers=headers, session=session)
            etag = raw.headers.get("etag") or kept.etag
            last_modified = raw.headers.get("last-modified") or kept.last_modified
            fetched = Fetched(
                url=raw.url,
                status=304,
                content_type=kept.content_type,
                body=body,
                sha256=kept.sha256,
                fetched_at=datetime.now(UTC),
                not_modified=True,
                headers={name.lower(): value for name, value in raw.headers.items()},
            )
            self._record(fetched, (etag, last_modified), session)
            self._kept[url] = _Kept(kept.sha256, etag, last_modified, kept.content_type)
            return fetched
        fetched = await self._keep(raw)
        etag = raw.headers.get("etag")
        last_modified = raw.headers.get("last-modified")
        validators = (etag, last_modified) if method == "GET" and (etag or last_modified) else None
        self._record(fetched, validators, session)
        if 200 <= raw.status < 300:
            if validators is not None:
                self._kept[url] = _Kept(fetched.sha256, etag, last_modified, fetched.content_type)
            return fetched
        if raw.status in GONE_STATUSES:
            raise BoardGone(raw.status, raw.url)
        raise HTTPStatusError(raw.status, raw.url)

    # -- keeping responses ----------------------------------------------------------------------

    async def _keep(self, raw: _Raw) -> Fetched:
        sha = await asyncio.to_thread(self.store.put_raw_body, raw.body)
        return Fetched(
            url=raw.url,
            status=raw.status,
            content_type=raw.headers.get("content-type"),
            body=raw.body,
            sha256=sha,
            fetched_at=datetime.now(UTC),
            headers={name.lower(): value for name, value in raw.headers.items()},
        )

    def _record(
        self,
        fetched: Fetched,
        validators: tuple[str | None, str | None] | None,
        session: FetchSession | None,
    ) -> None:
        if self.keep_responses:
            self.responses.append(fetched)
            if validators is not None:
                self.validators[fetched.url] = validators
        if session is not None:
            session.responses.append(fetched)
            if validators is not None:
                session.validators[fetched.url] = validators

    async def _kept_for(self, url: str) -> _Kept | None:
        """The last kept response of `url` that carried validators (read from the lake once)."""
        if self._kept_loaded is None:
            self._kept_loaded = asyncio.Lock()
        async with self._kept_loaded:
            if not self._kept_ready:
                for url_, kept in (await asyncio.to_thread(self._load_kept)).items():
                    self._kept.setdefault(url_, kept)
                self._kept_ready = True
        return self._kept.get(url)

    def _load_kept(self) -> dict[str, _Kept]:
        rows = kept_validators(self.store)
        return {url: _Kept(sha, etag, modified, ctype) for url, sha, etag, modified, ctype in rows}

    # -- sending ------------------------------------------------------------------------------

    async def _send_following(self, request: httpx.Request, session: FetchSession | None) -> _Raw:
        """Send with retries, following redirects by hand (robots.txt checked at every hop)."""
        original_url = str(request.url)
        for _hop in range(self.policy.max_redirects + 1):
            await self._check_robots(request.url)
            raw = await self._send_with_retries(request, session)
            if raw.status in REDIRECT_STATUSES and raw.next_request is not None:
                log.debug("%s redirects to %s", raw.url, raw.next_request.url)
                request = raw.next_request
                continue
            return raw
        raise TooManyRedirects(
            f"more than {self.policy.max_redirects} redirects from {original_url}", url=original_url
        )

    async def _send_with_retries(self, request: httpx.Request, session: FetchSession | None) -> _Raw:
        policy = self.policy
        url = str(request.url)
        host = host_key(request.url)
        for attempt in range(1, policy.max_attempts + 1):
            last = attempt == policy.max_attempts
            try:
                raw = await self._send_once(request, host)
            except httpx.TimeoutException as exc:
                if last:
                    raise FetchTimeout(
                        f"{type(exc).__name__} fetching {url} ({attempt} attempts)", url=url
                    ) from exc
                delay = policy.backoff(attempt)
                log.info("timeout on %s (attempt %d); retrying in %.1fs", url, attempt, delay)
            except (httpx.LocalProtocolError, httpx.UnsupportedProtocol) as exc:  # our request is wrong
                raise FetchError(f"{type(exc).__name__} fetching {url}: {exc}", url=url) from exc
            except httpx.TransportError as exc:
                if last:
                    raise FetchConnectError(
                        f"{type(exc).__name__} fetching {url} ({attempt} attempts): {exc}", url=url
                    ) from exc
                delay = policy.backoff(attempt)
                log.info("%s on %s (attempt %d); retrying in %.1fs", type(exc).__name__, url, attempt, delay)
            except httpx.HTTPError as exc:  # undecodable body, invalid redirect, ...: not retried
                raise FetchError(f"{type(exc).__name__} fetching {url}: {exc}", url=url) from exc
            else:
                if raw.status not in RETRY_STATUSES:
                    return raw
                retry_after = parse_retry_after(raw.headers.get("retry-after"))
                if retry_after is not None and retry_after > policy.retry_after_cap:
                    # Asked to stay away longer than we are willing to wait: stop for now.
                    self._defer_host(host, policy.retry_after_cap)
                    raise HTTPStatusError(
                        raw.status,
                        url,
                        f"HTTP {raw.status} from {url} with Retry-After {retry_after:.0f}s, "
                        f"over the {policy.retry_after_cap:.0f}s cap",
                    )
                if last:
                    return raw  # the caller keeps the body and raises HTTPStatusError
                self._record(await self._keep(raw), None, session)  # what happened is kept
                delay = retry_after if retry_after is not None else policy.backoff(attempt)
                log.info("HTTP %d from %s (attempt %d); retrying in %.1fs", raw.status, url, attempt, delay)
            self._defer_host(host, delay)
        raise AssertionError("unreachable")

    async def _send_once(self, request: httpx.Request, host: str, *, max_bytes: int | None = None) -> _Raw:
        """One request through the host's gate: queued, paced, streamed under the size cap."""
        gate = self._gate(host)
        cap = self.policy.max_body_bytes if max_bytes is None else max_bytes
        async with gate.lock:
            wait = gate.not_before - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            started = time.monotonic()
            self.fetch_log.append(LoggedRequest(host, started, request.method, str(request.url)))
            try:
                async with asyncio.timeout(self.policy.request_deadline) as deadline:
                    response = await self.client.send(request, stream=True)
                    try:
                        body = await _read_capped(response, cap, truncate=max_bytes is not None)
                    finally:
                        await response.aclose()
            except TimeoutError as exc:
                if not deadline.expired():
                    raise
                raise RequestDeadlineExceeded(
                    f"no complete response within the {self.policy.request_deadline:g}s deadline"
                ) from exc
            except AddressNotAllowed as exc:
                raise AddressRefused(f"not fetching {request.url}: {exc}", url=str(request.url)) from exc
            finally:
                # The interval runs from the end of this exchange, so the host sees at least that
                # much quiet between requests whatever the latency.
                gate.not_before = max(gate.not_before, time.monotonic() + self.min_interval(host))
        return _Raw(str(response.url), response.status_code, response.headers, body, response.next_request)

    # -- robots.txt -----------------------------------------------------------------------------

    async def _check_robots(self, url: httpx.URL) -> None:
        if url.path == "/robots.txt":
            return
        try:
            robots = await self._robots_for(url)
        except AddressRefused as exc:  # refused at robots.txt already: name the page asked for
            raise AddressRefused(f"not fetching {url}: {exc.__cause__}", url=str(url)) from exc.__cause__
        if robots.unreachable is not None:
            raise RobotsDisallowed(
                f"robots.txt of {_origin(url)} could not be read ({robots.unreachable}): "
                f"not fetching {url} this cycle",
                url=str(url),
            )
        if not robots.allows(str(url)):
            raise RobotsDisallowed(f"robots.txt of {_origin(url)} disallows {url}", url=str(url))

    async def _robots_for(self, url: httpx.URL) -> _Robots:
        origin = _origin(url)
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:  # concurrent first requests to an origin fetch robots.txt once
            robots = self._robots.get(origin)
            if robots is None or robots.expires_at <= time.monotonic():
                robots = await self._fetch_robots(url)
                self._robots[origin] = robots
            return robots

    async def _fetch_robots(self, url: httpx.URL) -> _Robots:
        policy = self.policy
        robots_url = url.copy_with(path="/robots.txt", query=None, fragment=None)
        host = host_key(url)
        now = time.monotonic()

        def unreachable(why: str) -> _Robots:
            log.warning("robots.txt of %s unreadable (%s): disallowing the host for now", _origin(url), why)
            return _Robots(None, False, why, now + policy.robots_unreachable_ttl)

        request = self.client.build_request("GET", robots_url)
        try:
            for _hop in range(policy.max_redirects + 1):
                raw = await self._send_once(request, host_key(request.url), max_bytes=ROBOTS_MAX_BYTES)
                if raw.status in REDIRECT_STATUSES and raw.next_request is not None:
                    request = raw.next_request
                    continue
                break
            else:
                return _Robots(None, True, None, now + policy.robots_ttl)  # RFC 9309: as 404
        except httpx.TimeoutException as exc:
            return unreachable(type(exc).__name__)
        except httpx.TransportError as exc:
            return unreachable(f"{type(exc).__name__}: {exc}")
        # robots.txt is not recorded with the run: its responses are what the source's parser reads
        # (gigwatch reparse). A disallow shows in the failed run's error text instead.
        if raw.status >= 500 or raw.status == 429:
            return unreachable(f"HTTP {raw.status}")
        if raw.status >= 400:
            return _Robots(None, True, None, now + policy.robots_ttl)  # no robots.txt: all allowed
        if raw.status >= 300:
            return _Robots(None, True, None, now + policy.robots_ttl)
        parser = Protego.parse(raw.body.decode("utf-8", errors="replace"))
        delay = parser.crawl_delay(ROBOTS_AGENT)
        if delay:
            capped = min(float(delay), policy.crawl_delay_cap)
            if capped < float(delay):
                log.warning("Crawl-delay %ss of %s capped at %ss", delay, _origin(url), capped)
            gate = self._gate(host)
            gate.crawl_delay = capped
            gate.not_before = max(gate.not_before, time.monotonic() + capped)
        return _Robots(parser, False, None, now + policy.robots_ttl)


async def _read_capped(response: httpx.Response, cap: int, *, truncate: bool) -> bytes:
    """The decoded body, aborting (or, with `truncate`, cutting) once it exceeds `cap` bytes.

    Decoded here, a bounded step at a time (httpx would inflate a whole compressed chunk at once):
    `Content-Encoding: gzip, gzip` of a few KiB cannot grow in memory past the cap.
    """
    url = str(response.url)
    declared = response.headers.get("content-length")
    if not truncate and declared and declared.isdigit() and int(declared) > cap:
        raise ResponseTooLarge(f"{url} declares {declared} bytes, over the {cap}-byte cap", url=url)
    encoding = response.headers.get("content-encoding")
    try:
        decoder = BoundedDecoder(encoding)
    except UnsupportedEncoding as exc:
        raise FetchError(f"{url}: {exc}", url=url) from exc
    chunks: list[bytes] = []
    size = 0

    def take(pieces: Iterable[bytes]) -> bool:
        """Keep pieces; True once over the cap."""
        nonlocal size
        for piece in pieces:
            size += len(piece)
            chunks.append(piece)
            if size > cap:
                return True
        return False

    try:
        over = False
        async for raw in response.aiter_raw():
            if take(decoder.feed(raw)):
                over = True
                break
        over = over or take(decoder.finish())
    except zlib.error as exc:
        raise FetchError(f"{url}: the body does not decode as Content-Encoding {encoding!r} ({exc})", url=url) from exc
    if over:
        if truncate:
            return b"".join(chunks)[:cap]
        what = f" (decoded from Content-Encoding {encoding})" if encoding else ""
        raise ResponseTooLarge(f"{url} sent more than the {cap}-byte cap{what}", url=url)
    return b"".join(chunks)


class FetchSession:
    """One source run's view of a `PoliteFetcher`: same limits, its own record of responses.

    The runner saves `responses` (and `validators`, url -> (etag, last_modified)) in the run's
    transaction, whether the run succeeded or not.
    """

    def __init__(self, fetcher: PoliteFetcher) -> None:
        self.fetcher = fetcher
        self.responses: list[Fetched] = []
        self.validators: dict[str, tuple[str | None, str | None]] = {}

    async def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> Fetched:
        return await self.fetcher.fetch("GET", url, headers=headers, session=self)

    async def post(
        self, url: str, *, json: Any = None, headers: Mapping[str, str] | None = None
    ) -> Fetched:
        return await self.fetcher.fetch("POST", url, json=json, headers=headers, session=self)
