"""Handshake AI opportunities (`joinhandshake.com/ai/opportunities`), a Framer site.

UNCERTAIN FORMAT. The list is not in the server HTML: the page hydrates it from a Framer CMS
file, `https://framerusercontent.com/cms/<collectionId>/<hash>/<name>-chunk-default-0.framercms`,
whose path is written in one of the page's `modulepreload`ed `.mjs` chunks and changes on every
republish. The `.framercms` format is Framer's own, undocumented binary. What is known (from
growthaudit/humansourcer `scripts/scrape-handshake.mjs`, no saved sample): records carry opaque
per-collection field ids followed by a type byte and a value, `0x0C` + uint32 big-endian length
+ UTF-8 for strings, `0x08` + float64 big-endian for numbers. The field ids for this collection
are title `Hi7WvygoG`, slug `Vt3dK5Eel`, description `y2vadTbOm`, payMax `WFQUwsB06` (a float, the
"up to $X/hr" figure); a record's apply link carries `hai_job_id=<n>`.

`parse` anchors on the slug field id: every occurrence starts a record. It raises ParseError when
no slug field id is found, when no record has a title, or when a string runs past the end of the
file: each of these means the schema or the format changed and the field ids must be re-derived
(grep a fresh chunk for a known title; the ~9-character token just before it is the field id),
then set in `options.fields` without a code change. A JSON body is accepted when its objects are
keyed by the same field ids. The field ids, the record layout and the apply-link pattern are all
inferred, not documented by Framer.

Pay: "Up to $X/hr" rendered from payMax, through `collectors.pay.parse_pay`.
The id is the slug; the URL is the opportunities page (no per-role page is known for 2026).

Options: `fields` (field ids by name: slug, title, description, pay_max), `page_url` (the URL
given to records; `collect` sets it to the source URL), `collection_hint` (default "Opport"),
`max_modules` (default 40).
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

from collectors.pay import parse_pay
from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources._collect import fetch_errors
from collectors.sources.base import CollectResult, Fetched, Fetcher, SourceConfig

KIND = "handshake"
PAGE_URL = "https://joinhandshake.com/ai/opportunities"
FIELDS: dict[str, str] = {
    "slug": "Vt3dK5Eel",
    "title": "Hi7WvygoG",
    "description": "y2vadTbOm",
    "pay_max": "WFQUwsB06",
}
STRING, FLOAT64 = 0x0C, 0x08
MAX_MODULES = 40

_APPLY_ID = re.compile(rb"hai_job_id=(\d+)")
_CMS_URL = re.compile(r"https://framerusercontent\.com/cms/[A-Za-z0-9_\-/]+?\.framercms")
# The module form seen in 2025-26: `.../<collectionId>/<hash>/<name>.js`).href.replace(`/modules/`,`/cms/`)
_CMS_MODULE = re.compile(
    r"([A-Za-z0-9_-]{16,32})/([A-Za-z0-9_-]{16,32})/([A-Za-z0-9_]+)\.js`\)\.href\.replace\("
    r"`/modules/`,\s*`/cms/`\)"
)


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    options = options or {}
    fields = {**FIELDS, **dict(options.get("fields", {}))}
    page_url = str(options.get("page_url") or PAGE_URL)
    if body.lstrip()[:1] in (b"{", b"["):
        raw = list(_json_records(c.load_json(body, KIND), fields))
    else:
        raw = list(_binary_records(body, fields))
    if not raw:
        raise ParseError(
            f"{KIND}: no record with the slug field id {fields['slug']!r} in {len(body)} bytes; "
            "the Framer collection schema or the file format changed (see module docstring)"
        )
    titled = [r for r in raw if r.get("title")]
    if not titled:
        raise ParseError(
            f"{KIND}: {len(raw)} records found by slug but none has the title field id "
            f"{fields['title']!r}; the Framer collection schema changed"
        )
    return [_record(r, page_url) for r in titled]


def _binary_records(body: bytes, fields: Mapping[str, str]) -> Iterator[dict[str, Any]]:
    slug_key = fields["slug"].encode()
    positions = [m.start() for m in re.finditer(re.escape(slug_key), body)]
    for index, start in enumerate(positions):
        end = positions[index + 1] if index + 1 < len(positions) else len(body)
        chunk = body[start:end]
        slug = _read_string(chunk, slug_key)
        if not slug:
            continue
        pay_max = _read_float(chunk, fields["pay_max"].encode())
        apply_id = _APPLY_ID.search(chunk)
        yield {
            "slug": slug,
            "title": _read_string(chunk, fields["title"].encode()),
            "description": _read_string(chunk, fields["description"].encode()),
            "pay_max": pay_max,
            "apply_id": apply_id.group(1).decode() if apply_id else None,
        }


def _value_at(chunk: bytes, key: bytes, tag: int, size: int) -> int | None:
    """Where the value after `key` starts, when `key` is there followed by a `tag` and `size` bytes."""
    at = chunk.find(key)
    if at == -1:
        return None
    p = at + len(key)
    if p + 1 + size > len(chunk) or chunk[p] != tag:
        return None
    return p


def _read_string(chunk: bytes, key: bytes) -> str | None:
    p = _value_at(chunk, key, STRING, 4)
    if p is None:
        return None
    (length,) = struct.unpack(">I", chunk[p + 1 : p + 5])
    if p + 5 + length > len(chunk):
        raise ParseError(
            f"{KIND}: field {key.decode()!r} declares {length} bytes past the end of its record; "
            "the .framercms format changed"
        )
    try:
        return chunk[p + 5 : p + 5 + length].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{KIND}: field {key.decode()!r} is not UTF-8 ({exc})") from exc


def _read_float(chunk: bytes, key: bytes) -> float | None:
    p = _value_at(chunk, key, FLOAT64, 8)
    if p is None:
        return None
    (value,) = struct.unpack(">d", chunk[p + 1 : p + 9])
    return float(value)


def _json_records(document: Any, fields: Mapping[str, str]) -> Iterator[dict[str, Any]]:
    def value(item: Mapping[str, Any], key: str) -> Any:
        found = item.get(fields[key])
        return found.get("value") if isinstance(found, Mapping) else found

    stack = [document]
    while stack:
        node = stack.pop(0)
        if isinstance(node, list):
            stack[:0] = node
        elif isinstance(node, Mapping):
            if fields["slug"] in node:
                pay_max = value(node, "pay_max")
                apply_id = _APPLY_ID.search(json.dumps(node).encode())
                yield {
                    "slug": c.text_field(value(node, "slug")),
                    "title": c.text_field(value(node, "title")),
                    "description": c.text_field(value(node, "description")),
                    "pay_max": c.number(pay_max),
                    "apply_id": apply_id.group(1).decode() if apply_id else None,
                }
            else:
                stack[:0] = list(node.values())


def _record(raw: Mapping[str, Any], page_url: str) -> ListingRecord:
    slug = raw.get("slug")
    if not slug:
        raise ParseError(f"{KIND}: a record has an empty slug")
    pay_text = pay = None
    pay_max = raw.get("pay_max")
    if pay_max:
        pay_text = f"Up to ${pay_max:g}/hr"
        pay = parse_pay(pay_text)
        if pay is None:
            pay_text = None
    return ListingRecord(
        external_id=str(slug),
        title=" ".join(str(raw["title"]).split()),
        url=page_url,
        is_remote=None,
        pay_text=pay_text,
        pay=pay,
        description_sha256=c.description_sha256(raw.get("description")),
    )


def reparse_responses(
    responses: Sequence[tuple[str, bytes]], options: Mapping[str, Any]
) -> list[ListingRecord]:
    """A run's kept responses (page, modules, CMS chunk) to records: only the `.framercms` chunk
    holds the list (used by `collectors.reparse`)."""
    chunks = [(u, b) for u, b in responses if urlsplit(u).path.endswith(".framercms")]
    if not chunks:
        raise ParseError(f"{KIND}: none of the {len(responses)} kept responses is a .framercms chunk")
    url, body = chunks[-1]
    return parse(body, url=url, options=options)


def cms_chunk_urls(module_source: str, module_url: str) -> list[str]:
    """`.framercms` URLs named in one Framer `.mjs` module, direct or in Framer's module form."""
    found = [m.group(0) for m in _CMS_URL.finditer(module_source)]
    for match in _CMS_MODULE.finditer(module_source):
        collection, digest, name = match.groups()
        found.append(
            f"https://framerusercontent.com/cms/{collection}/{digest}/{name}-chunk-default-0.framercms"
        )
    return [urljoin(module_url, u) for u in dict.fromkeys(found)]


def modulepreload_urls(page_html: str, page_url: str) -> list[str]:
    """The `.mjs` chunks a Framer page preloads (`<link rel="modulepreload" href="...mjs">`)."""
    page = c.soup(page_html)
    urls = []
    for link in page.find_all("link"):
        rel = link.get("rel") or []
        rels = rel if isinstance(rel, list) else str(rel).split()
        href = link.get("href")
        if "modulepreload" in rels and isinstance(href, str) and ".mjs" in href:
            urls.append(urljoin(page_url, href))
    for script in page.find_all("script", src=True):
        src = script.get("src")
        if script.get("type") == "module" and isinstance(src, str) and ".mjs" in src:
            urls.append(urljoin(page_url, src))
    return list(dict.fromkeys(urls))


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """GET the page, GET its preloaded modules until one names the CMS chunk, GET and parse it.

    Modules that mention `options.collection_hint` (default "Opport", the Opportunities collection)
    are preferred. A module that fails to fetch is skipped with a warning. No module naming a
    chunk raises ParseError (the page's structure changed); a failing page or chunk propagates.
    """
    hint = str(source.options.get("collection_hint", "Opport"))
    options = {"page_url": source.url, **dict(source.options)}
    page = await fetcher.get(source.url)
    responses: list[Fetched] = [page]
    warnings: list[str] = []
    modules = modulepreload_urls(page.body.decode("utf-8", "replace"), page.url or source.url)
    if not modules:
        raise ParseError(f"{KIND}: no modulepreload .mjs links on {source.url}")
    fallback: list[str] = []
    chunk_url: str | None = None
    for module_url in modules[: int(source.options.get("max_modules", MAX_MODULES))]:
        try:
            module = await fetcher.get(module_url)
        except fetch_errors() as exc:
            warnings.append(f"{module_url}: {type(exc).__name__}: {exc}")
            continue
        responses.append(module)
        text = module.body.decode("utf-8", "replace")
        urls = cms_chunk_urls(text, module_url)
        if urls and hint in text:
            chunk_url = urls[0]
            break
        fallback.extend(urls)
    chunk_url = chunk_url or (fallback[0] if fallback else None)
    if chunk_url is None:
        raise ParseError(
            f"{KIND}: none of {len(modules)} preloaded modules names a framerusercontent.com/cms "
            "chunk; the page's structure changed"
        )
    chunk = await fetcher.get(chunk_url)
    responses.append(chunk)
    return CollectResult(
        records=parse(chunk.body, url=chunk_url, options=options),
        responses=responses,
        warnings=warnings,
    )
