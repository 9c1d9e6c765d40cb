"""AfterQuery's expert listings API (`experts.afterquery.com/api/jobs/listings`)."""

from __future__ import annotations

import asyncio

import pytest

from collectors.fetch import FetchPolicy
from collectors.records import ParseError
from collectors.runner import run_source
from collectors.sources import afterquery
from collectors.sources.base import SourceConfig
from collectors.store import Store
from tests.httpserver import LocalHTTPServer, Reply
from tests.sources_fakes import fixture


def test_listings_fields_and_pay() -> None:
    coding, finance, fenrir = afterquery.parse(fixture("afterquery", "listings.json"))
    assert coding.external_id == "kQ3vX9bLw2TnR8sYp1Za"  # docId, the stable id
    assert coding.url == "https://experts.afterquery.com/apply/software-engineer-coding-evaluation"
    assert coding.is_remote is True and coding.department == "Software Engineering"
    assert coding.pay is not None and (coding.pay.min, coding.pay.max, coding.pay.unit) == (50, 100, "hour")
    assert coding.pay_text == "$50-$100/hr"
    assert coding.posted_at is None  # no date field; the epoch-like id is not read as one
    assert finance.country == "US" and finance.is_remote is None
    assert fenrir.external_id == "1758000000000" and fenrir.pay is None
    assert fenrir.url == "https://experts.afterquery.com/apply?job=1758000000000"


def test_archived_jobs_are_dropped() -> None:
    ids = [r.external_id for r in afterquery.parse(fixture("afterquery", "listings.json"))]
    assert "Aa1Bb2Cc3Dd4Ee5Ff6Gg" not in ids and len(ids) == 3


def test_other_shapes_raise() -> None:
    with pytest.raises(ParseError, match="expected"):
        afterquery.parse(b'[{"id": 1}]')


def test_vercel_challenge_is_a_failed_run(store: Store) -> None:
    policy = FetchPolicy(connect_timeout=2.0, read_timeout=2.0, write_timeout=2.0, pool_timeout=2.0,
                         max_attempts=1, default_min_interval=0.0)
    with LocalHTTPServer() as server:
        server.script("/api/jobs/listings", Reply(status=429, body=b"<html>Vercel Security Checkpoint</html>",
                                                  content_type="text/html",
                                                  headers={"X-Vercel-Mitigated": "challenge"}))
        source = SourceConfig(name="afterquery-api", platform="afterquery", kind="afterquery",
                              url=server.url("/api/jobs/listings"), min_interval_seconds=0.0)
        run = asyncio.run(run_source(source, store, policy=policy))
        server.script("/api/jobs/listings", Reply(body=fixture("afterquery", "listings.json")))
        ok = asyncio.run(run_source(source, store, policy=policy))
    assert run.status == "failed" and run.error is not None and "429" in run.error
    assert (ok.status, ok.items_count) == ("ok", 3)
