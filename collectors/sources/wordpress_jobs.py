"""Jobs published as a WordPress post type through the standard WP REST API (`/wp-json/wp/v2/<type>`).

Used by OneForma (`https://www.oneforma.com/wp-json/wp/v2/job?per_page=100&_embed=wp:term`), whose
projects are a custom `job` post type. The answer is the standard WP REST posts shape: a JSON
array of posts `{id, date_gmt, modified_gmt, status, link, title: {rendered}, content: {rendered},
excerpt: {rendered}, <taxonomy>: [term ids], acf: {...}}`; with `_embed=wp:term` each post also
carries `_embedded["wp:term"]`, a list (one per taxonomy) of lists of terms `{id, name, slug,
taxonomy, link}`. A single post (`/wp/v2/job/<id>`) is one such object.

Paging: `collect` asks for `&page=1, 2, ...` and stops at the `X-WP-TotalPages` response header
(the one rule of collectors/sources/_paging.py: the declared page count ends the list; an empty
page before it is incomplete). Without the header (a 304 answer, say) a page shorter than
`per_page` ends the list.

Fields: `title.rendered` and `content.rendered` are HTML (entities such as `&#8211;` decoded);
`link` is the public page; `date_gmt` is `posted_at` (naive, read as UTC). Posts whose `status` is
not "publish" are dropped. Terms give the rest, by taxonomy (OneForma's taxonomies: `country`,
`language`, `job_type`, `job_tag`, `domain`): `location` is the location terms joined with "; "
(or "Worldwide"/"Remote" from a tag), `country` is set when exactly one country term names a
known country, `is_remote` is True when a location term or a tag says remote, worldwide or
"work from home" (None otherwise, never a guessed False), `employment_type` the type terms,
`department` the domain terms. Pay: OneForma publishes no pay field; pay comes only from a pay
section or pay sentence in `content` (`find_pay_in_html`), else none.

Options: `per_page` (default: the URL's, else 100); `location_taxonomies` (default
["country", "location", "job_location"]); `type_taxonomy` (default "job_type");
`department_taxonomy` (default "domain"); `tag_taxonomy` (default "job_tag").
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from collectors.records import ListingRecord, ParseError
from collectors.sources import _common as c
from collectors.sources._paging import PageInfo, PageNumber, paginate
from collectors.sources.base import CollectResult, Fetched, Fetcher, SourceConfig

KIND = "wordpress_jobs"
MAX_PAGES = 50
DEFAULT_PER_PAGE = 100
LOCATION_TAXONOMIES = ("country", "location", "job_location")


def _posts(document: Any) -> list[Mapping[str, Any]]:
    if isinstance(document, list):
        return c.require_objects(document, KIND, "posts")
    if isinstance(document, Mapping) and "id" in document and "title" in document:
        return [document]
    if isinstance(document, Mapping) and "code" in document and "message" in document:
        raise ParseError(f"{KIND}: WordPress answered an error: {document.get('code')}: {document.get('message')!r}")
    raise ParseError(f"{KIND}: expected a JSON array of posts (WP REST API); got {c.keys_seen(document)}")


def parse(
    body: bytes, *, url: str | None = None, options: Mapping[str, Any] | None = None
) -> list[ListingRecord]:
    options = options or {}
    posts = _posts(c.load_json(body, KIND))
    return [_record(post, options) for post in posts if _is_published(post)]


def _is_published(post: Mapping[str, Any]) -> bool:
    status = post.get("status")
    return not isinstance(status, str) or status == "publish"


def _rendered(value: Any) -> str | None:
    """`{"rendered": "..."}` (or a bare string) as text with entities decoded."""
    if isinstance(value, Mapping):
        value = value.get("rendered")
    if not isinstance(value, str):
        return None
    text = c.html_to_text(value) if "<" in value else html.unescape(value)
    return " ".join(text.split()) or None


def terms_by_taxonomy(post: Mapping[str, Any]) -> dict[str, list[str]]:
    """The embedded terms' names (entities decoded), by taxonomy, in published order."""
    embedded = post.get("_embedded")
    groups = embedded.get("wp:term") if isinstance(embedded, Mapping) else None
    found: dict[str, list[str]] = {}
    for group in groups if isinstance(groups, list) else []:
        for term in group if isinstance(group, list) else []:
            if not isinstance(term, Mapping):
                continue
            taxonomy, name = c.text_field(term.get("taxonomy")), c.text_field(term.get("name"))
            if taxonomy and name:
                names = found.setdefault(taxonomy, [])
                if html.unescape(name) not in names:
                    names.append(html.unescape(name))
    return found


def _record(post: Mapping[str, Any], options: Mapping[str, Any]) -> ListingRecord:
    post_id = c.external_id(post.get("id"), KIND)
    title = c.required_text(_rendered(post.get("title")), KIND, f"post {post_id}")
    terms = terms_by_taxonomy(post)
    taxonomies: Sequence[str] = options.get("location_taxonomies", LOCATION_TAXONOMIES)
    places = [name for taxonomy in taxonomies for name in terms.get(taxonomy, [])]
    tags = terms.get(str(options.get("tag_taxonomy", "job_tag")), [])
    remote_words = [name for name in places + tags if c.mentions_remote(name) or "work from home" in name.lower()]
    location = "; ".join(places) or (remote_words[0] if remote_words else None)
    countries = {c.country_code(name) for name in places} - {None}
    content = post.get("content")
    content_html = content.get("rendered") if isinstance(content, Mapping) else content
    content_html = content_html if isinstance(content_html, str) else None
    found = c.find_pay_in_html(content_html)
    link = c.text_field(post.get("link"))
    return ListingRecord(
        external_id=post_id,
        title=title,
        url=link,
        location=location,
        is_remote=True if remote_words else None,
        country=countries.pop() if len(countries) == 1 else None,
        employment_type=", ".join(terms.get(str(options.get("type_taxonomy", "job_type")), [])) or None,
        department=", ".join(terms.get(str(options.get("department_taxonomy", "domain")), [])) or None,
        pay_text=found[0] if found else None,
        pay=found[1] if found else None,
        description_sha256=c.description_sha256(c.html_to_text(content_html)),
        posted_at=c.parse_datetime(post.get("date_gmt") or post.get("date")),
    )


def page_info(body: bytes, headers: Mapping[str, str]) -> PageInfo:
    """The posts in this page, and the page count of `X-WP-TotalPages` when it was sent."""
    count = len(_posts(c.load_json(body, KIND)))
    raw = headers.get("x-wp-totalpages")
    try:
        pages = int(raw) if raw is not None else None
    except ValueError as exc:
        raise ParseError(f"{KIND}: X-WP-TotalPages is {raw!r}, not a number") from exc
    return PageInfo(count=count, pages=pages)


def _page_url(url: str, page: int, per_page: int) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.setdefault("per_page", str(per_page))
    query["page"] = str(page)
    return urlunsplit(parts._replace(query=urlencode(query, safe=":")))


async def collect(source: SourceConfig, fetcher: Fetcher) -> CollectResult:
    """GET `&page=1, 2, ...` until the page count the first answers declare in `X-WP-TotalPages`.

    Completeness follows the one rule of collectors/sources/_paging.py.
    """
    query = dict(parse_qsl(urlsplit(source.url).query))
    per_page = int(source.options.get("per_page", query.get("per_page", DEFAULT_PER_PAGE)))
    last_headers: dict[str, Mapping[str, str]] = {}

    async def request(page: int) -> Fetched:
        fetched = await fetcher.get(_page_url(source.url, page, per_page))
        last_headers["page"] = fetched.headers
        return fetched

    def read(body: bytes) -> PageInfo:
        return page_info(body, last_headers.get("page", {}))

    return await paginate(
        request, PageNumber(per_page), read, parse, source.options, max_pages=MAX_PAGES
    )
