"""A real HTTP server on loopback for tests, scripted per path and per request count.

    with LocalHTTPServer() as server:
        server.script("/jobs", Reply.json({"jobs": []}), Reply(status=500))
        url = server.url("/jobs")          # the 1st request gets the first reply, the 2nd the
                                           # second, later ones the last again
        ...
        server.requests                    # every request: method, path, headers, body, time, host

Unscripted paths answer 404 (so robots.txt is absent unless scripted). A reply with an `etag`
answers 304 to a request carrying that ETag in If-None-Match, as a real server would. A reply
with `delay` sleeps before answering (to provoke timeouts), `chunked` sends no Content-Length,
`declared_length` lies about it.

Two servers are two hosts for politeness (a host is `host:port`), so rates per host can be checked
with `requests_by_host()`, or across servers with `request_times()`.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Reply:
    """One scripted response."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    etag: str | None = None  # sent as ETag; a matching If-None-Match gets a 304
    last_modified: str | None = None  # sent as Last-Modified
    chunked: bool = False  # Transfer-Encoding: chunked, no Content-Length
    declared_length: int | None = None  # a Content-Length header that differs from the body

    @classmethod
    def json(cls, data: Any, status: int = 200, **kwargs: Any) -> Reply:
        return cls(status=status, body=json.dumps(data).encode(), **kwargs)

    @classmethod
    def text(cls, text: str, status: int = 200, **kwargs: Any) -> Reply:
        kwargs.setdefault("content_type", "text/plain; charset=utf-8")
        return cls(status=status, body=text.encode(), **kwargs)


NOT_FOUND = Reply(status=404, body=b'{"error":"not found"}')


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # with the query string
    headers: dict[str, str]  # header names lower-cased
    body: bytes
    at: float  # time.monotonic() when the request line was read
    host: str  # the Host header, e.g. "127.0.0.1:40123"
    reply_status: int


class LocalHTTPServer:
    """A threaded `http.server` on 127.0.0.1 with a random free port."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._scripts: dict[str, list[Reply]] = {}
        self._counts: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self._httpd = ThreadingHTTPServer((host, 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> LocalHTTPServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() waits for serve_forever, so only if started
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> LocalHTTPServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def host(self) -> str:
        """`host:port`, the unit of politeness and what `RecordedRequest.host` holds."""
        return f"127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- scripting ----------------------------------------------------------------------------

    def script(self, path: str, *replies: Reply) -> None:
        """Requests to `path` (with its query string, or the path alone) get `replies` in turn."""
        if not replies:
            raise ValueError("script at least one reply")
        with self._lock:
            self._scripts[path] = list(replies)
            self._counts[path] = 0

    def reset(self) -> None:
        """Forget every script and recorded request."""
        with self._lock:
            self._scripts.clear()
            self._counts.clear()
            self.requests.clear()

    def _next_reply(self, path_with_query: str) -> Reply:
        with self._lock:
            key = path_with_query if path_with_query in self._scripts else urlsplit(path_with_query).path
            replies = self._scripts.get(key)
            if replies is None:
                return NOT_FOUND
            index = min(self._counts[key], len(replies) - 1)
            self._counts[key] += 1
            return replies[index]

    # -- what was asked -----------------------------------------------------------------------

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """Requests whose path (with query) equals `path`, or whose bare path does."""
        with self._lock:
            return [r for r in self.requests if r.path == path or urlsplit(r.path).path == path]

    def request_times(self) -> list[float]:
        with self._lock:
            return [r.at for r in self.requests]

    def requests_by_host(self) -> dict[str, list[float]]:
        by_host: dict[str, list[float]] = defaultdict(list)
        with self._lock:
            for r in self.requests:
                by_host[r.host].append(r.at)
        return dict(by_host)

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    # -- the handler --------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _serve(self) -> None:
                at = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                reply = server._next_reply(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status = reply.status
                if reply.etag is not None and headers.get("if-none-match") == reply.etag:
                    status = 304
                server._record(
                    RecordedRequest(self.command, self.path, headers, body, at, headers.get("host", ""), status)
                )
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self._write(reply, status)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def _write(self, reply: Reply, status: int) -> None:
                self.send_response(status)
                payload = b"" if status == 304 or self.command == "HEAD" else reply.body
                if reply.content_type and status != 304:
                    self.send_header("Content-Type", reply.content_type)
                if reply.etag is not None:
                    self.send_header("ETag", reply.etag)
                if reply.last_modified is not None:
                    self.send_header("Last-Modified", reply.last_modified)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.chunked and status != 304:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for chunk in _chunks(payload, 16 * 1024):
                        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                    return
                declared = reply.declared_length if reply.declared_length is not None else len(payload)
                if status != 304:
                    self.send_header("Content-Length", str(declared))
                if reply.declared_length is not None:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _serve
            do_POST = _serve
            do_HEAD = _serve

        return Handler


def _chunks(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def robots(*disallowed: str, crawl_delay: float | None = None) -> Reply:
    """A robots.txt disallowing `disallowed` paths to every agent."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed)]
    if crawl_delay is not None:
        lines.append(f"Crawl-delay: {crawl_delay}")
    return Reply.text("\n".join(lines) + "\n")


def min_gap(times: list[float]) -> float:
    """The smallest gap between consecutive times (inf with fewer than two)."""
    ordered = sorted(times)
    return min((b - a for a, b in itertools.pairwise(ordered)), default=float("inf"))


# -- a tiny listing format for runner tests -------------------------------------------------------


class JsonListKind:
    """A test-only source format served by the local server, shaped like a source module.

    `{"items": [{"id": "a", "title": "...", "pay_min": 20, "pay_max": 30}], "next": "/page2"}`:
    items with hourly USD pay, and an optional `next` path to the following page.
    """

    KIND = "testjson"

    @staticmethod
    def parse(body: bytes, *, url: str | None = None, options: Any = None) -> list[Any]:
        from collectors.pay import Pay
        from collectors.records import ListingRecord, ParseError

        try:
            document = json.loads(body)
        except ValueError as exc:
            raise ParseError(f"testjson: not JSON ({exc})") from exc
        if not isinstance(document, dict) or not isinstance(document.get("items"), list):
            raise ParseError(f"testjson: expected an object with `items`, got keys {sorted(document) if isinstance(document, dict) else type(document).__name__}")
        records = []
        for item in document["items"]:
            pay = Pay(item.get("pay_min"), item.get("pay_max"), "USD", "hour") if "pay_min" in item else None
            records.append(ListingRecord(
                external_id=str(item["id"]), title=item["title"], url=f"https://example.org/jobs/{item['id']}",
                pay_text=None if pay is None else f"${pay.min}-{pay.max}/hr", pay=pay,
            ))
        return records

    @staticmethod
    async def collect(source: Any, fetcher: Any) -> Any:
        from collectors.sources.base import CollectResult

        records: list[Any] = []
        responses: list[Any] = []
        url: str | None = source.url
        while url:
            fetched = await fetcher.get(url)
            responses.append(fetched)
            records.extend(JsonListKind.parse(fetched.body, url=fetched.url))
            following = json.loads(fetched.body).get("next")
            url = urlsplit(source.url)._replace(path=following, query="").geturl() if following else None
        return CollectResult(records=records, responses=responses)


def items(*ids: str, pay: tuple[float, float] = (20, 30), next_path: str | None = None, **reply: Any) -> Reply:
    """A `testjson` page with one item per id (`reply`: more Reply fields, e.g. etag)."""
    return Reply.json({
        "items": [{"id": i, "title": f"AI trainer {i}", "pay_min": pay[0], "pay_max": pay[1]} for i in ids],
        "next": next_path,
    }, **reply)
