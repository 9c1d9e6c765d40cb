"""A micro1 job page (`jobs.micro1.ai/post/<uuid>`): the Next.js RSC data in `self.__next_f.push`.

The page is a Next.js App Router page with no JSON-LD and no `__NEXT_DATA__`: its data is the React
Server Components "flight" stream, sent as `<script>self.__next_f.push([1, "<chunk>"])</script>`
tags (`[0]` starts the stream, `[1, text]` carries it; other tags are ignored). Joined, the chunks
are rows `<hex id>:<payload>\\n`: a JSON payload (often a React element `["$", "div", null,
{props}]`, or tagged `I[...]`, `HL[...]`), or a text row `<id>:T<hex byte length>,<text>` for long
strings (no newline; the length is in UTF-8 bytes). Props refer to other rows with `"$<id>"`,
dates are `"$D<ISO date>"` and a missing value is `"$undefined"`.

The job is the object with `job_id` and `job_name` (and `ideal_hourly_rate: {min, max}`), the same
fields as a row of micro1's portal API, so the record is built by `collectors.sources.micro1`
(same `external_id`, URL and pay rules, including "the text says per task → per task"). Several
copies of one job in the stream give one record; a page with no job object raises ParseError
naming what it did find.

Options: none. `url` is the page URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources import micro1
from collectors.sources._collect import one_get
from collectors.sources.base import CollectResult, Fetcher, SourceConfig

KIND = "micro1_page"

_PUSH = re.compile(r"self\.__next_f\.push\(")
_ROW_ID = re.compile(rb"([0-9a-fA-F]+):")
_TAG = re.compile(r"^[A-Z]{1,2}(?=[\[{\"])")
_REFERENCE = re.compile(r"^\$([0-9a-fA-F]+)$")


def flight_text(html_text: str) -> str:
    """The RSC stream of a page: the text of every `self.__next_f.push([1, "..."])`, in order."""
    decoder = json.JSONDecoder()
    chunks: list[str] = []
    for match in _PUSH.finditer(html_text):
        try:
            value, _ = decoder.raw_decode(html_text, match.end())
        except json.JSONDecodeError:
            continue
        if isinstance(value, list) and len(value) >= 2 and value[0] == 1 and isinstance(value[1], str):
            chunks.append(value[1])
    return "".join(chunks)


def flight_rows(stream: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The stream's JSON rows (id → value) and text rows (id → text). Rows that are not JSON
    (module references and hints the page does not need) are skipped."""
    data = stream.encode("utf-8")
    values: dict[str, Any] = {}
    texts: dict[str, str] = {}
    pos = 0
    while pos < len(data):
        if data[pos:pos + 1] in (b"\n", b"\r", b" "):
            pos += 1
            continue
        match = _ROW_ID.match(data, pos)
        if match is None:  # not a row start: skip to the next line
            newline = data.find(b"\n", pos)
            pos = len(data) if newline < 0 else newline + 1
            continue
        row_id = match.group(1).decode().lower()
        pos = match.end()
        if data[pos:pos + 1] == b"T":
            comma = data.find(b",", pos)
            try:
                length = int(data[pos + 1:comma], 16)
            except ValueError:
                length = -1
            if comma < 0 or length < 0:
                raise ParseError(f"{KIND}: text row {row_id} has no valid length")
            texts[row_id] = data[comma + 1:comma + 1 + length].decode("utf-8", "replace")
            pos = comma + 1 + length
            continue
        newline = data.find(b"\n", pos)
        end = len(data) if newline < 0 else newline
        payload = _TAG.sub("", data[pos:end].decode("utf-8", "replace"), count=1)
        pos = end + 1
        try:
            values[row_id] = json.loads(payload)
        except json.JSONDecodeError:
            continue
    return values, texts


def _resolve(value: Any, texts: Mapping[str, str]) -> Any:
    """A prop value with RSC encodings undone: `$<id>` of a text row → its text, `$D<date>` →
    the date string, `$undefined` → None, `$$…` → `$…`."""
    if isinstance(value, str) and value.startswith("$"):
        if value == "$undefined":
            return None
        if value.startswith("$D"):
            return value[2:]
        if value.startswith("$$"):
            return value[1:]
        reference = _REFERENCE.match(value)
        if reference and reference.group(1).lower() in texts:
            return texts[reference.group(1).lower()]
        return value
    if isinstance(value, Mapping):
        return {key: _resolve(item, texts) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, texts) for item in value]
    return value


def _objects(value: Any) -> Iterator[Mapping[str, Any]]:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            yield node
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    text = body.decode("utf-8", "replace")
    stream = flight_text(text)
    if not stream:
        raise ParseError(f"{KIND}: the page has no self.__next_f.push([1, ...]) chunks (not an RSC page)")
    values, texts = flight_rows(stream)
    jobs: dict[str, Mapping[str, Any]] = {}
    keys_seen: set[str] = set()
    for row_id in values:
        for node in _objects(values[row_id]):
            keys_seen.update(str(k) for k in node)
            if "job_id" in node and "job_name" in node:
                job = _resolve(node, texts)
                jobs.setdefault(c.external_id(job.get("job_id"), KIND, "job_id"), job)
    if not jobs:
        shown = ", ".join(sorted(keys_seen)[:20]) or "none"
        raise ParseError(
            f"{KIND}: no job object (job_id, job_name) in {len(values)} RSC rows; keys seen: {shown}"
        )
    return [micro1.job_record(job) for job in jobs.values()]


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """One GET of the job page at `url`."""
    return await one_get(source, fetcher, parse)
