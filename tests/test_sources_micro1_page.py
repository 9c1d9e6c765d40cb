"""micro1 job page (`jobs.micro1.ai/post/<uuid>`): the Next.js RSC flight data in
`self.__next_f.push` chunks."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from collectors.fetch import FetchPolicy
from collectors.records import ParseError
from collectors.runner import run_source
from collectors.sources import micro1_page
from collectors.sources.base import SourceConfig
from collectors.store import Store
from tests.httpserver import LocalHTTPServer, Reply
from tests.sources_fakes import fixture

FAST = FetchPolicy(connect_timeout=2.0, read_timeout=2.0, write_timeout=2.0, pool_timeout=2.0,
                   max_attempts=1, default_min_interval=0.0)
JOB_ID = "3e2d1c0b-9a8f-4e7d-b6c5-a4b3c2d1e0f9"


def test_job_from_the_flight_stream() -> None:
    [job] = micro1_page.parse(fixture("micro1_page", "job_page_hourly.html"))
    assert job.external_id == JOB_ID
    assert job.url == f"https://jobs.micro1.ai/post/{JOB_ID}"
    assert job.title == "Chemistry PhD - AI Trainer"
    assert job.pay is not None
    assert (job.pay.min, job.pay.max, job.pay.currency, job.pay.unit) == (70, 100, "USD", "hour")
    assert job.is_remote is True and job.employment_type == "contract"
    assert job.posted_at == datetime(2026, 11, 12, 16, 40, 2, 118000, tzinfo=UTC)  # "$D..." date
    assert job.description_sha256 is not None  # the "$9" text row was resolved


def test_flight_rows_read_text_rows_by_utf8_length() -> None:
    stream = micro1_page.flight_text(fixture("micro1_page", "job_page_hourly.html").decode())
    values, texts = micro1_page.flight_rows(stream)
    assert "café-style" in texts["9"] and texts["9"].endswith("</ul>")
    assert values["8"][0] == "$" and values["8"][1] == "main"


def test_hourly_range_beside_per_task_text_is_per_task() -> None:
    [job] = micro1_page.parse(fixture("micro1_page", "job_page_per_task.html"))
    assert job.pay is not None
    assert (job.pay.min, job.pay.max, job.pay.unit) == (5, 8, "task")
    assert job.pay_text == "$5–8/task (ideal_hourly_rate; the job's text says pay is per task)"


def test_a_page_without_rsc_data_raises() -> None:
    with pytest.raises(ParseError, match=r"no self\.__next_f\.push"):
        micro1_page.parse(fixture("micro1_page", "not_rsc.html"))
    no_job = b'<script>self.__next_f.push([1,"1:[\\"$\\",\\"div\\",null,{\\"x\\":1}]\\n"])</script>'
    with pytest.raises(ParseError, match="no job object"):
        micro1_page.parse(no_job)


def test_collect_end_to_end_against_a_local_server(store: Store) -> None:
    with LocalHTTPServer() as server:
        server.script(f"/post/{JOB_ID}", Reply(body=fixture("micro1_page", "job_page_hourly.html"),
                                               content_type="text/html; charset=utf-8"))
        source = SourceConfig(name="micro1-page", platform="micro1", kind="micro1_page",
                              url=server.url(f"/post/{JOB_ID}"), min_interval_seconds=0.0)
        run = asyncio.run(run_source(source, store, policy=FAST))
    assert (run.status, run.items_count, run.error) == ("ok", 1, None)
