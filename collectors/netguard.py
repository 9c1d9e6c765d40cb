"""What the fetcher may connect to, and decoding a body without letting it grow past a cap.

A board that redirects to `http://127.0.0.1:8080/` or `http://169.254.169.254/` (a cloud metadata
service), or whose name resolves to a private address, must not make gigwatch fetch and keep an
internal response. The check happens where the connection is made, after DNS resolution, on every
address the name resolves to, and the connection goes to the address that was checked, so a DNS
answer that changes between check and connect (DNS rebinding) cannot swap it. Since gigwatch
follows redirects itself, every hop opens its connection through here.

Refused: loopback, private (RFC 1918, unique-local fc00::/7), link-local, multicast, reserved,
unspecified, shared (100.64.0.0/10) and every other non-global address, for IPv4 and IPv6,
IPv4-mapped and NAT64/6to4-embedded IPv4 judged by the IPv4 address they carry. The only way in is
`Settings.allow_hosts` (`GIGWATCH_ALLOW_HOSTS`, `[collect] allow_hosts`): host names as written
in URLs, `host:port`, addresses or networks (`10.0.0.0/8`).

`BoundedDecoder` decodes `Content-Encoding` (gzip, deflate, identity, stacked in any order and
number) a bounded step at a time, so a compressed bomb stops at the cap instead of inflating in
memory first.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import typing
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import httpcore
import httpx

__all__ = [
    "ACCEPT_ENCODING",
    "AddressNotAllowed",
    "AllowList",
    "BoundedDecoder",
    "UnsupportedEncoding",
    "guarded_transport",
    "is_public_address",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ACCEPT_ENCODING = "gzip, deflate"  # what BoundedDecoder can decode (no brotli/zstd installed)
DECODE_STEP = 64 * 1024  # the most any decoding layer produces at once


class AddressNotAllowed(Exception):
    """A connection to a non-public address that the allow-list does not name (not retried)."""


class UnsupportedEncoding(Exception):
    """A `Content-Encoding` gigwatch cannot decode (it only asks for gzip and deflate)."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in ipaddress.IPv6Network("64:ff9b::/96"):  # NAT64 well-known prefix
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: IPAddress) -> bool:
    """Whether `address` is a global unicast address (what a public job board resolves to)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
    return bool(address.is_global) and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


@dataclass(frozen=True, slots=True)
class AllowList:
    """The hosts and networks allowed although not public (see the module docstring)."""

    hosts: frozenset[str] = frozenset()  # lower-cased names or addresses, any port
    host_ports: frozenset[tuple[str, int]] = frozenset()
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        hosts: set[str] = set()
        host_ports: set[tuple[str, int]] = set()
        networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for raw in entries:
            entry = raw.strip().lower()
            if not entry:
                continue
            if "/" in entry:
                try:
                    networks.append(ipaddress.ip_network(entry, strict=False))
                except ValueError as exc:
                    raise ValueError(f"allow_hosts: {raw!r} is not a network ({exc})") from exc
                continue
            host, port = _split_host_port(entry)
            if port is None:
                hosts.add(host)
            else:
                host_ports.add((host, port))
        return cls(frozenset(hosts), frozenset(host_ports), tuple(networks))

    def allows_name(self, host: str, port: int) -> bool:
        host = host.lower().strip("[]")
        return host in self.hosts or (host, port) in self.host_ports

    def allows_address(self, address: IPAddress, port: int) -> bool:
        if self.allows_name(str(address), port):
            return True
        return any(address.version == net.version and address in net for net in self.networks)


def _split_host_port(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):  # [::1]:8080 or [::1]
        host, _, rest = entry[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else None
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        if port.isdigit():
            return host, int(port)
    return entry, None  # a name, an IPv4 address or a bare IPv6 address


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves the name itself, checks every address, and connects to a checked one."""

    def __init__(self, allow: AllowList) -> None:
        self._allow = allow
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._resolve(host, port, timeout)
        if not self._allow.allows_name(host, port):
            refused = [a for a in addresses if not is_public_address(a) and not self._allow.allows_address(a, port)]
            if refused:  # one bad answer refuses the name: the next lookup could pick it
                shown = ", ".join(sorted({str(a) for a in refused}))
                raise AddressNotAllowed(
                    f"{host}:{port} resolves to {shown}, a non-public address "
                    f"(allow it with GIGWATCH_ALLOW_HOSTS if intended)"
                )
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def _resolve(self, host: str, port: int, timeout: float | None) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            pass
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses: list[IPAddress] = []
        for _family, _type, _proto, _canon, sockaddr in infos:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise httpcore.ConnectError(f"{host} resolves to no address")
        return addresses

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressNotAllowed(f"unix socket {path}: the fetcher only connects over TCP")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport(allow: AllowList, *, ssl_context: ssl.SSLContext | None = None) -> httpx.AsyncHTTPTransport:
    """httpx's own transport, with its connection pool connecting through the address check.

    httpx 0.28 has no public way to give its transport a network backend, so the pool it built is
    replaced by an identical one that has ours (tests/test_fetch_security.py fails if this stops
    taking effect after an upgrade).
    """
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        http1=True,
        http2=False,
        network_backend=_GuardedBackend(allow),
    )
    return transport


# -- bounded decoding ------------------------------------------------------------------------------


class _Layer:
    """One `Content-Encoding` layer, producing at most DECODE_STEP bytes per call."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._raw_deflate_tried = False
        if encoding in ("gzip", "x-gzip"):
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":  # zlib-wrapped as RFC 9110 says, or raw as some servers send
            self._obj = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise UnsupportedEncoding(f"Content-Encoding {encoding!r} is not supported ({ACCEPT_ENCODING} are)")
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        pending = data
        while True:
            try:
                out = self._obj.decompress(pending, DECODE_STEP)
            except zlib.error:
                if self.encoding == "deflate" and not self._started and not self._raw_deflate_tried:
                    self._raw_deflate_tried = True
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise
            self._started = True
            pending = self._obj.unconsumed_tail
            if out:
                yield out
            elif not pending:
                return

    def finish(self) -> Iterator[bytes]:
        yield from self.feed(b"")
        rest = self._obj.flush()
        if rest:
            yield rest


class BoundedDecoder:
    """Decodes a body as its `Content-Encoding` says, one bounded step at a time.

        decoder = BoundedDecoder(response.headers.get("content-encoding"))
        for raw in chunks: for piece in decoder.feed(raw): ...
        for piece in decoder.finish(): ...

    Each piece is at most DECODE_STEP bytes (plus what a final flush returns), so the caller can
    count and stop at its cap before more is decoded.
    """

    def __init__(self, content_encoding: str | None) -> None:
        names = [name.strip().lower() for name in (content_encoding or "").split(",")]
        # Encodings are listed in the order they were applied; they are undone in reverse.
        self._layers = [_Layer(name) for name in reversed(names) if name and name != "identity"]

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._through(0, data)

    def finish(self) -> Iterator[bytes]:
        for index, layer in enumerate(self._layers):
            for piece in layer.finish():
                yield from self._through(index + 1, piece)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._layers):
            if data:
                yield data
            return
        for piece in self._layers[index].feed(data):
            yield from self._through(index + 1, piece)
