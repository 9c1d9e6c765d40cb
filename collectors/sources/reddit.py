"""Worker subreddits (Reddit's public listing JSON): posts about late or missing pay, pay cuts and
empty queues, kept as signals apart from payment reports.

Format (sources.md 2.6): `GET https://www.reddit.com/r/<name>/new.json?limit=100&raw_json=1`
returns `{"kind": "Listing", "data": {"after": "t3_…"|null, "children": [{"kind": "t3", "data":
{post}}]}}`; the next page is the same URL with `&after=<data.after>`.

Privacy: usernames are never kept. `parse_listing` reads only the fields it needs (id, subreddit,
created_utc, permalink, title, selftext, flair), so `author` and `author_fullname` are dropped at
parse time; the title excerpt is scrubbed (`collectors.reports.scrub`) before it is stored, and
the body is read for classification only, never stored. The link kept is
`https://www.reddit.com` + permalink.

Sources are listed in `data/forums.toml` (same fields as data/sources.toml, `kind = "reddit"`).
The runner collects one with `collect_forum(source, fetcher)` and stores the result with
`collectors.store.reports.save_forum_run`.

Options (`[source.options]`): `subreddit` (defaults to the name in the URL), `max_pages` (default
3: up to 300 newest posts per run; a run stops earlier at a page reaching back to the last
successful run).
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from collectors.records import ParseError
from collectors.reports.forum import ForumSignal, classify
from collectors.reports.scrub import scrub
from collectors.sources._collect import fetch_errors
from collectors.sources._common import load_json
from collectors.sources.base import Fetched, Fetcher, SourceConfig

log = logging.getLogger(__name__)

KIND = "reddit"
RUN_KIND = "forum"
REDDIT = "https://www.reddit.com"
DEFAULT_MAX_PAGES = 3
TITLE_EXCERPT_CHARS = 200
DEFAULT_FORUMS_PATH = Path(__file__).resolve().parents[2] / "data" / "forums.toml"
MIN_INTERVAL_SECONDS = 6.0  # unauthenticated Reddit allows about 10 requests a minute

_POST_ID = re.compile(r"^[a-z0-9]{1,13}$")


@dataclass(frozen=True, slots=True)
class ForumPost:
    """One post as kept: no author, a scrubbed title excerpt, what it signals (None: nothing)."""

    post_id: str  # base36, e.g. "1m6zhov" (the same id on every mirror of the thread)
    subreddit: str
    created_at: datetime  # UTC
    url: str  # https://www.reddit.com/r/<sub>/comments/<id>/<slug>/
    title_excerpt_scrubbed: str
    flair: str | None
    signal: ForumSignal | None


@dataclass(frozen=True, slots=True)
class RedditPage:
    posts: list[ForumPost]
    after: str | None  # the cursor for the next page ("t3_<id>"), None at the end


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def parse_listing(body: bytes, *, subreddit_platform: str | None = None) -> RedditPage:
    """Posts of one Listing page and its `after` cursor. Raises ParseError on another shape."""
    document = load_json(body, KIND)
    if not isinstance(document, Mapping) or document.get("kind") != "Listing":
        raise ParseError(f"{KIND}: expected a Listing object, got {type(document).__name__}"
                         + (f" of kind {document.get('kind')!r}" if isinstance(document, Mapping) else ""))
    data = document.get("data")
    if not isinstance(data, Mapping) or not isinstance(data.get("children"), list):
        raise ParseError(f"{KIND}: Listing has no data.children array")
    after = data.get("after")
    posts: list[ForumPost] = []
    for index, child in enumerate(data["children"]):
        if not isinstance(child, Mapping) or child.get("kind") != "t3":
            continue  # comments (t1) or ads are not posts
        post = child.get("data")
        if not isinstance(post, Mapping):
            raise ParseError(f"{KIND}: children[{index}] has no data object")
        parsed = _post(post, index, subreddit_platform)
        if parsed is not None:
            posts.append(parsed)
    return RedditPage(posts=posts, after=after if isinstance(after, str) and after else None)


def _post(post: Mapping[str, Any], index: int, subreddit_platform: str | None) -> ForumPost | None:
    post_id = _text(post.get("id")).lower()
    if not _POST_ID.match(post_id):
        raise ParseError(f"{KIND}: children[{index}] has no usable id ({post.get('id')!r})")
    created = post.get("created_utc")
    if isinstance(created, bool) or not isinstance(created, int | float):
        raise ParseError(f"{KIND}: post {post_id} has no created_utc")
    subreddit = _text(post.get("subreddit")) or "unknown"
    permalink = _text(post.get("permalink"))
    if not permalink.startswith("/r/"):
        permalink = f"/r/{subreddit}/comments/{post_id}/"
    title = _text(post.get("title"))
    selftext = _text(post.get("selftext"))
    if selftext in ("[removed]", "[deleted]"):
        selftext = ""
    flair = _text(post.get("link_flair_text")) or None
    signal = classify(title, selftext, subreddit=subreddit, flair=flair)
    if signal is not None and signal.platform_id is None and subreddit_platform:
        signal = ForumSignal(signal.signals, subreddit_platform, signal.amount, signal.currency,
                             signal.days_stated)
    return ForumPost(
        post_id=post_id,
        subreddit=subreddit,
        created_at=datetime.fromtimestamp(float(created), tz=UTC),
        url=REDDIT + permalink,
        title_excerpt_scrubbed=scrub(title, max_chars=TITLE_EXCERPT_CHARS),
        flair=(scrub(flair, max_chars=60) or None) if flair else None,
        signal=signal,
    )


def parse_posts(body: bytes) -> list[ForumPost]:
    """Every post of one Listing page (signals or not)."""
    return parse_listing(body).posts


def page_url(url: str, after: str | None) -> str:
    """The listing URL with `after` set (or removed), other parameters kept."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "after"]
    if after:
        query.append(("after", after))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def _platform_of(source: SourceConfig) -> str | None:
    return None if source.platform in ("", "various") else source.platform


async def collect_forum(
    source: SourceConfig, fetcher: Fetcher, *, since: datetime | None = None
) -> tuple[list[ForumPost], list[Fetched], bool]:
    """Fetch the newest posts, page by page with `after`, up to `max_pages`.

    Stops at the end of the listing, or at a page reaching back to `since` (the start of the
    source's last successful run: older posts were read then). Returns the posts (deduplicated by id), the responses (to keep raw) and
    whether the run saw everything new (False when it stopped at the page bound or a later page
    failed). A failure on the first page raises: the run failed.
    """
    max_pages = int(source.options.get("max_pages", DEFAULT_MAX_PAGES))
    tolerated: tuple[type[BaseException], ...] = (ParseError, *fetch_errors())
    posts: dict[str, ForumPost] = {}
    responses: list[Fetched] = []
    after: str | None = None
    complete = False
    for page in range(max_pages):
        url = page_url(source.url, after)
        try:
            fetched = await fetcher.get(url)
            responses.append(fetched)
            listing = parse_listing(fetched.body, subreddit_platform=_platform_of(source))
        except tolerated as exc:
            if page == 0:
                raise
            log.warning("%s: page %d failed, keeping %d posts: %s", source.name, page + 1, len(posts), exc)
            break
        reached_known = False
        for post in listing.posts:
            if since is not None and post.created_at < since:
                reached_known = True
            posts.setdefault(post.post_id, post)
        after = listing.after
        if after is None or reached_known:
            complete = True
            break
    return list(posts.values()), responses, complete


# -- data/forums.toml --------------------------------------------------------------------------------

_FIELDS = {"name", "platform", "kind", "url", "interval_hours", "min_interval_seconds", "enabled", "options", "notes"}


class ForumsError(ValueError):
    """data/forums.toml has an entry that cannot be used; the message names the entry."""


def load_forums(path: Path | None = None) -> list[SourceConfig]:
    """Every `[[source]]` of data/forums.toml, checked (kind "reddit", a reddit.com listing URL,
    at least MIN_INTERVAL_SECONDS between requests)."""
    path = path or DEFAULT_FORUMS_PATH
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ForumsError(f"{path}: not valid TOML: {exc}") from exc
    forums: list[SourceConfig] = []
    names: set[str] = set()
    for index, entry in enumerate(document.get("source", []), start=1):
        where = f"{path}: [[source]] #{index}"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            raise ForumsError(f"{where}: not a table with a name")
        where += f" ({entry['name']!r})"
        unknown = sorted(set(entry) - _FIELDS)
        if unknown:
            raise ForumsError(f"{where}: unknown field(s) {', '.join(unknown)}")
        if entry.get("kind") != KIND:
            raise ForumsError(f"{where}: kind must be {KIND!r}")
        url = entry.get("url")
        if not isinstance(url, str) or not url.startswith(f"{REDDIT}/r/") or "/new.json" not in url:
            raise ForumsError(f"{where}: url must be {REDDIT}/r/<name>/new.json?...")
        gap = float(entry.get("min_interval_seconds", MIN_INTERVAL_SECONDS))
        if gap < MIN_INTERVAL_SECONDS:
            raise ForumsError(f"{where}: min_interval_seconds must be at least {MIN_INTERVAL_SECONDS:g}")
        if entry["name"] in names:
            raise ForumsError(f"{where}: duplicate name")
        names.add(entry["name"])
        options = entry.get("options", {})
        forums.append(SourceConfig(
            name=entry["name"],
            platform=str(entry.get("platform", "various")),
            kind=KIND,
            url=url,
            interval_hours=float(entry.get("interval_hours", 6.0)),
            min_interval_seconds=gap,
            enabled=bool(entry.get("enabled", True)),
            options=dict(options) if isinstance(options, Mapping) else {},
            notes=str(entry.get("notes", "")),
        ))
    return forums
