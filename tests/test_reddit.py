"""Worker subreddits: parsing Reddit's listing JSON, classifying posts, paging, storing signals
without usernames, and the forum list."""

from __future__ import annotations

import asyncio
import copy
import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from collectors.config import Settings
from collectors.fetch import FetchPolicy, PoliteFetcher
from collectors.records import ParseError
from collectors.reports.forum import classify, stated_amount, stated_days
from collectors.sources.base import SourceConfig
from collectors.sources.reddit import (
    KIND,
    ForumPost,
    collect_forum,
    load_forums,
    page_url,
    parse_listing,
    parse_posts,
)
from collectors.store import LAKE, Store
from collectors.store.listings import RunRecord
from collectors.store.reports import (
    forum_signal_counts,
    forum_signals,
    last_forum_run_at,
    save_forum_run,
)
from tests.httpserver import LocalHTTPServer, Reply
from tests.sources_fakes import FakeFetcher

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reddit"
REAL_SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "real-samples"
SOURCES_MD = REAL_SAMPLES.parent / "sources.md"
URL = "https://www.reddit.com/r/outlier_ai/new.json?limit=100&raw_json=1"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def authors(body: bytes) -> set[str]:
    children = json.loads(body)["data"]["children"]
    names = set()
    for child in children:
        for key in ("author", "author_fullname"):
            value = child["data"].get(key)
            if value and value != "[deleted]":
                names.add(value)
    return names


def as_text(posts: list[ForumPost]) -> str:
    return repr(posts)


# -- parsing -----------------------------------------------------------------------------------


def test_parse_a_listing_page_with_its_cursor() -> None:
    page = parse_listing(fixture("outlier_ai_new_page1.json"))
    assert page.after == "t3_1m6uu3e"
    assert [p.post_id for p in page.posts] == ["1m6zhov", "1m6yq2a", "1m6xk9b", "1m6wz1c", "1m6vv7d", "1m6uu3e"]
    first = page.posts[0]
    permalink = json.loads(fixture("outlier_ai_new_page1.json"))["data"]["children"][0]["data"]["permalink"]
    assert first.url == "https://www.reddit.com" + permalink
    assert first.url.startswith("https://www.reddit.com/r/outlier_ai/comments/1m6zhov/")
    assert first.created_at == datetime.fromtimestamp(1753300000, tz=UTC)
    assert first.subreddit == "outlier_ai" and first.flair == "Payments"
    assert parse_listing(fixture("outlier_ai_new_page2.json")).after is None


def test_signals_platform_amounts_and_days() -> None:
    posts = {p.post_id: p for p in parse_posts(fixture("outlier_ai_new_page1.json"))}
    late = posts["1m6zhov"].signal
    assert late is not None
    assert "late_payment" in late.signals and late.platform_id == "outlier"
    assert late.amount == 450.0 and late.currency == "USD" and late.days_stated == 21
    assert posts["1m6yq2a"].signal is not None and posts["1m6yq2a"].signal.signals == ("empty_queue",)
    cut = posts["1m6xk9b"].signal
    assert cut is not None and cut.signals == ("pay_cut",) and cut.amount == 40.0
    assert posts["1m6wz1c"].signal is None  # onboarding tips: unrelated
    assert posts["1m6uu3e"].signal is None  # removed
    missing = posts["1m6vv7d"].signal
    assert missing is not None and missing.signals == ("missing_payment",)


def test_general_forums_keep_only_posts_about_a_watched_platform() -> None:
    posts = {p.post_id: p for p in parse_posts(fixture("workonline_new.json"))}
    mercor = posts["1k2aa1h"].signal
    assert mercor is not None and mercor.platform_id == "mercor"
    assert mercor.amount == 30000.0 and mercor.currency == "KES" and mercor.days_stated == 30
    assert posts["1k2bb2i"].signal is None  # late pay, but from a survey site gigwatch does not watch
    assert posts["1k2cc3j"].signal is None


@pytest.mark.parametrize("name", ["outlier_ai_new_page1.json", "outlier_ai_new_page2.json", "workonline_new.json"])
def test_no_username_survives_parsing(name: str) -> None:
    body = fixture(name)
    text = as_text(parse_posts(body))
    assert authors(body)
    for author in authors(body):
        assert author not in text
    assert "t2_" not in text and "u/" not in text


def test_titles_are_scrubbed_before_they_are_kept() -> None:
    listing = json.loads(fixture("outlier_ai_new_page2.json"))
    child = copy.deepcopy(listing["data"]["children"][0])
    child["data"]["title"] = "Still not paid, u/helpful_mod said email payments.team@outlier.ai or call +1 415 555 0132"
    listing["data"]["children"] = [child]
    post = parse_posts(json.dumps(listing).encode())[0]
    assert post.title_excerpt_scrubbed == "Still not paid, [username] said email [email] or call [phone]"


def test_other_shapes_fail_loudly() -> None:
    with pytest.raises(ParseError, match="not JSON"):
        parse_listing(b"<html>Too Many Requests</html>")
    with pytest.raises(ParseError, match="Listing"):
        parse_listing(b'{"message": "Too Many Requests", "error": 429}')
    with pytest.raises(ParseError, match="Listing"):
        parse_listing(b"[]")  # a comments page is an array of two listings
    with pytest.raises(ParseError, match="children"):
        parse_listing(b'{"kind": "Listing", "data": {}}')


@pytest.mark.parametrize("path", sorted((REAL_SAMPLES / "reddit").glob("*.json")) or [None], ids=lambda p: getattr(p, "name", "none"))
def test_real_samples_parse_without_error_and_without_usernames(path: Path | None) -> None:
    if path is None:
        pytest.skip(f"no real Reddit samples under {REAL_SAMPLES}")
    body = path.read_bytes()
    page = parse_listing(body)
    children = json.loads(body)["data"]["children"]
    assert len(page.posts) == len(children) > 0
    assert page.after and page.after.startswith("t3_")
    text = as_text(page.posts)
    names = authors(body)
    assert names
    for author in names:
        # Usernames can be ordinary words that also occur in titles; check the exact field values
        # are nowhere as whole tokens unless the title itself contains them.
        titles = " ".join(c["data"]["title"] for c in children)
        if not re.search(rf"\b{re.escape(author)}\b", titles):
            assert not re.search(rf"\b{re.escape(author)}\b", text), author
    for post in page.posts:
        assert post.url.startswith("https://www.reddit.com/r/")
        assert not hasattr(post, "author")


# -- paging ------------------------------------------------------------------------------------


SOURCE = SourceConfig(name="reddit-outlier_ai", platform="outlier", kind=KIND, url=URL, min_interval_seconds=6.5)


def test_page_url_sets_after_and_keeps_the_rest() -> None:
    assert page_url(URL, "t3_abc") == f"{URL}&after=t3_abc"
    assert page_url(f"{URL}&after=t3_old", None) == URL


def test_collect_follows_after_to_the_end() -> None:
    fetcher = FakeFetcher(gets={
        URL: fixture("outlier_ai_new_page1.json"),
        page_url(URL, "t3_1m6uu3e"): fixture("outlier_ai_new_page2.json"),
    })
    posts, responses, complete = asyncio.run(collect_forum(SOURCE, fetcher))
    assert complete and len(responses) == 2 and len(posts) == 8
    assert [r[1] for r in fetcher.requests] == [URL, page_url(URL, "t3_1m6uu3e")]


def test_collect_stops_at_posts_already_seen_and_at_the_page_bound() -> None:
    since = datetime.fromtimestamp(1753265000, tz=UTC)  # page 1 reaches back before this
    fetcher = FakeFetcher(gets={URL: fixture("outlier_ai_new_page1.json")})
    posts, _, complete = asyncio.run(collect_forum(SOURCE, fetcher, since=since))
    assert complete and len(posts) == 6 and len(fetcher.requests) == 1
    bounded = SourceConfig(name="b", platform="outlier", kind=KIND, url=URL, options={"max_pages": 1})
    posts, _, complete = asyncio.run(collect_forum(bounded, FakeFetcher(gets={URL: fixture("outlier_ai_new_page1.json")})))
    assert not complete and len(posts) == 6


def test_a_failed_later_page_keeps_the_first_and_a_failed_first_page_raises() -> None:
    fetcher = FakeFetcher(gets={URL: fixture("outlier_ai_new_page1.json"), page_url(URL, "t3_1m6uu3e"): 503})
    posts, responses, complete = asyncio.run(collect_forum(SOURCE, fetcher))
    assert not complete and len(posts) == 6 and len(responses) == 1
    from collectors.fetch import HTTPStatusError

    with pytest.raises(HTTPStatusError):
        asyncio.run(collect_forum(SOURCE, FakeFetcher(gets={URL: 429})))


def test_duplicate_posts_across_pages_are_kept_once() -> None:
    fetcher = FakeFetcher(gets={URL: fixture("outlier_ai_new_page1.json"),
                                page_url(URL, "t3_1m6uu3e"): fixture("outlier_ai_new_page1.json").replace(b'"after": "t3_1m6uu3e"', b'"after": null')})
    posts, _, _ = asyncio.run(collect_forum(SOURCE, fetcher))
    assert len(posts) == len({p.post_id for p in posts}) == 6


# -- end to end: local server, the real fetcher, the store ----------------------------------------------


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as srv:
        yield srv


def _run(source: SourceConfig, started: datetime, posts: list[ForumPost], complete: bool) -> RunRecord:
    return RunRecord(
        run_id=f"forum-{uuid.uuid4().hex[:8]}", source_name=source.name, platform_id=source.platform,
        started_at=started, finished_at=datetime.now(UTC), status="ok", complete=complete,
        items_count=sum(1 for p in posts if p.signal), run_kind="forum",
    )


def test_end_to_end_collect_and_store_signals_without_usernames(
    lake_settings: Settings, store: Store, server: LocalHTTPServer
) -> None:
    path = "/r/outlier_ai/new.json?limit=100&raw_json=1"
    server.script(path, Reply(body=fixture("outlier_ai_new_page1.json")))
    server.script(f"{path}&after=t3_1m6uu3e", Reply(body=fixture("outlier_ai_new_page2.json")))
    source = SourceConfig(name="reddit-outlier_ai", platform="outlier", kind=KIND, url=server.url(path))
    policy = FetchPolicy(max_attempts=1, default_min_interval=0.0, backoff_base=0.01)

    async def go() -> tuple[list[ForumPost], list[Any], bool]:
        async with PoliteFetcher(lake_settings, store, policy=policy, sources=[source]) as fetcher:
            return await collect_forum(source, fetcher)

    started = datetime.now(UTC)
    posts, responses, complete = asyncio.run(go())
    assert complete
    assert save_forum_run(store, _run(source, started, posts, complete), posts, responses) == 5
    stored = forum_signals(store)
    assert sorted(stored["post_id"]) == ["1m6tt8f", "1m6vv7d", "1m6xk9b", "1m6yq2a", "1m6zhov"]
    columns = {r[0] for r in store.read_rows(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND table_name = 'forum_posts'", [LAKE])}
    assert not {"author", "author_fullname", "username", "selftext"} & columns
    dump = stored.to_csv()
    for author in authors(fixture("outlier_ai_new_page1.json")) | authors(fixture("outlier_ai_new_page2.json")):
        assert author not in dump
    assert "kamau.worker@gmail.com" not in dump and "[email]" not in dump  # bodies are never kept
    # A second run sees the same posts: nothing new is stored, the run is recorded.
    again = asyncio.run(go())
    second = _run(source, datetime.now(UTC), again[0], again[2])
    assert save_forum_run(store, second, again[0], again[1]) == 0
    assert len(forum_signals(store)) == 5
    runs = store.read_rows(f"SELECT run_kind, items_count, status FROM {LAKE}.collector_runs ORDER BY started_at")
    assert runs == [("forum", 5, "ok"), ("forum", 5, "ok")]
    responses_stored = store.read_value(f"SELECT count(*) FROM {LAKE}.raw_responses")
    assert responses_stored >= 4
    # The same run saved again (a retried commit, a replayed spool) writes nothing twice.
    assert save_forum_run(store, second, again[0], again[1]) == 0
    assert store.read_value(f"SELECT count(*) FROM {LAKE}.collector_runs") == 2
    assert store.read_value(f"SELECT count(*) FROM {LAKE}.raw_responses") == responses_stored
    assert last_forum_run_at(store, source.name) is not None
    counts = forum_signal_counts(store)
    assert set(counts["signal"]) == {"late_payment", "missing_payment", "pay_cut", "empty_queue"}
    assert counts["n_posts"].sum() == 6  # the first post carries two signals
    from dashboard.queries import forum_signals_weekly

    weekly = forum_signals_weekly(store)  # the availability chart's read: the same posts, by week
    assert set(weekly["signal"]) == set(counts["signal"]) and weekly["n_posts"].sum() == 6


# -- the forum list -------------------------------------------------------------------------------


def test_forums_toml_lists_every_subreddit_of_sources_md_politely() -> None:
    forums = load_forums()
    names = {re.search(r"/r/([^/]+)/", f.url).group(1) for f in forums}  # type: ignore[union-attr]
    assert names == {"outlier_ai", "DataAnnotationTech", "mercor_ai", "alignerr", "RemoteTasks",
                     "TelusInternational", "ProlificAc", "WorkOnline", "beermoney"}
    if SOURCES_MD.exists():
        listed = set(re.findall(r"^- `r/([A-Za-z0-9_]+)`", SOURCES_MD.read_text(), flags=re.MULTILINE))
        assert listed == names
    for forum in forums:
        assert forum.kind == "reddit" and forum.min_interval_seconds >= 6
        assert forum.url.startswith("https://www.reddit.com/r/") and forum.url.endswith("/new.json?limit=100&raw_json=1")


# -- classification on its own ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "body", "subreddit", "signals"),
    [
        ("Payment delayed again", "", "outlier_ai", ("late_payment",)),
        ("Where is my money?", "Invoice from March", "alignerr", ("missing_payment",)),
        ("They cut our rates to $15/hr", "", "DataAnnotationTech", ("pay_cut",)),
        ("Dry spell for a month", "", "DataAnnotationTech", ("empty_queue",)),
        ("Queue is empty", "", "outlier_ai", ("empty_queue",)),
        ("Appen never paid me", "", "beermoney", ("missing_payment",)),
        ("Made $20 a day on Prolific", "", "ProlificAc", None),
        ("Weekly discussion thread", "", "outlier_ai", None),
        ("Late payment from a survey app", "", "beermoney", None),
    ],
)
def test_classify(title: str, body: str, subreddit: str, signals: tuple[str, ...] | None) -> None:
    result = classify(title, body, subreddit=subreddit)
    assert (result.signals if result else None) == signals


def test_amounts_and_days_stated() -> None:
    assert stated_amount("owed $1,250.50 and $20 bonus") == (1250.50, "USD")
    assert stated_amount("KES 3,000 only") == (3000.0, "KES")
    assert stated_amount("about $1.2k") == (1200.0, "USD")
    assert stated_amount("no money here") is None
    assert stated_days("waiting for two weeks, almost a month now") == 30
    assert stated_days("$20 a day") is None
    assert stated_days("paid 3 days ago") is None
