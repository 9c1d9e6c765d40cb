"""Test doubles for source modules: a Fetcher that answers from a dict, and fixture loading.

Real fetching is tested end to end against a local HTTP server elsewhere; these tests check what a
source asks for (paging, list + detail) and how it reads the answers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from collectors.fetch import BoardGone, HTTPStatusError
from collectors.sources.base import Fetched

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sources"


def fixture(kind: str, name: str) -> bytes:
    return (FIXTURES / kind / name).read_bytes()


Answer = bytes | int | tuple[str, bytes]  # a body, an HTTP error status, or (final URL, body)


class FakeFetcher:
    """Answers GETs by URL and POSTs by (URL, JSON body); records every request in order.

    `posts` maps a URL to a list of (expected JSON body, answer) pairs. An int answer raises the
    fetch layer's HTTP error for that status (BoardGone for 404/410); a URL with no answer raises
    AssertionError, so a test fails when a source asks for something unexpected.
    """

    def __init__(
        self,
        gets: Mapping[str, Answer] | None = None,
        posts: Mapping[str, list[tuple[Any, Answer]]] | None = None,
    ) -> None:
        self.gets = dict(gets or {})
        self.posts = {url: list(pairs) for url, pairs in (posts or {}).items()}
        self.requests: list[tuple[str, str, Any]] = []

    async def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> Fetched:
        self.requests.append(("GET", url, dict(headers) if headers else None))
        if url not in self.gets:
            raise AssertionError(f"unexpected GET {url}")
        return self._answer(url, self.gets[url])

    async def post(
        self, url: str, *, json: Any = None, headers: Mapping[str, str] | None = None
    ) -> Fetched:
        self.requests.append(("POST", url, json))
        for expected, answer in self.posts.get(url, []):
            if expected == json:
                return self._answer(url, answer)
        raise AssertionError(f"unexpected POST {url} with {json!r}")

    @staticmethod
    def _answer(url: str, answer: Answer) -> Fetched:
        if isinstance(answer, int):
            if answer in (404, 410):
                raise BoardGone(answer, url)
            raise HTTPStatusError(answer, url)
        final_url, body = answer if isinstance(answer, tuple) else (url, answer)
        return Fetched(
            url=final_url,
            status=200,
            content_type="application/json",
            body=body,
            sha256=hashlib.sha256(body).hexdigest(),
            fetched_at=datetime(2026, 9, 3, tzinfo=UTC),
        )


def dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


def framer_chunk(records: list[dict[str, Any]]) -> bytes:
    """A `.framercms` chunk in the layout collectors/sources/handshake.py reads: per record, the
    opaque field ids followed by 0x0C + uint32 BE length + UTF-8 (strings) or 0x08 + float64 BE
    (numbers). Keys: slug, title, description, pay_max, job_id."""
    import struct

    fields = {"slug": b"Vt3dK5Eel", "title": b"Hi7WvygoG", "description": b"y2vadTbOm"}

    def string(key: bytes, value: str) -> bytes:
        raw = value.encode("utf-8")
        return key + b"\x0c" + struct.pack(">I", len(raw)) + raw

    out = [b"FRCMS\x00\x02" + b"\x00" * 9]
    for record in records:
        out.append(b"\x01\x00\x00\x00\x04")
        for name, key in fields.items():
            if record.get(name) is not None:
                out.append(string(key, str(record[name])))
        if record.get("pay_max") is not None:
            out.append(b"WFQUwsB06\x08" + struct.pack(">d", float(record["pay_max"])))
        if record.get("job_id"):
            out.append(string(b"KxLinkZ1", f"https://app.joinhandshake.com/signup?hai_job_id={record['job_id']}"))
    return b"".join(out)
