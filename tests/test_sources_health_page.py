"""Sources and health shows a board that answered 404 as "board gone" (a failed run, nothing
closed) and the sources whose endpoint sees only part of the list (data/sources.toml `coverage`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from collectors.config import load_settings
from collectors.fetch import FetchPolicy
from collectors.runner import run_source
from collectors.sources.base import SourceConfig
from collectors.store import get_store, reset_stores
from tests.conftest import LOOPBACK_ALLOWED, app_on_page
from tests.httpserver import LocalHTTPServer, Reply

FAST = FetchPolicy(connect_timeout=2.0, read_timeout=2.0, write_timeout=2.0, pool_timeout=2.0,
                   max_attempts=1, default_min_interval=0.0)


def test_health_page_shows_boards_gone_and_partial_coverage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The board is a loopback server: the fetcher refuses it unless allowed (collectors.netguard).
    settings = load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path), **LOOPBACK_ALLOWED})
    store = get_store(settings)
    try:
        with LocalHTTPServer() as server:
            server.script("/v1/boards/alignerr/jobs", Reply(status=404, body=b'{"status":404,"error":"Job not found"}'))
            source = SourceConfig(name="alignerr-greenhouse", platform="alignerr", kind="greenhouse",
                                  url=server.url("/v1/boards/alignerr/jobs?content=true"),
                                  min_interval_seconds=0.0, options={"board": "alignerr"})
            run = asyncio.run(run_source(source, store, policy=FAST))
        assert run.status == "failed" and (run.error or "").startswith("BoardGone"), run.error
        reset_stores()

        at = app_on_page(settings, monkeypatch, "app_pages/health.py")
        at.run()
        assert not at.exception
        headers = [h.value for h in at.subheader]
        assert "Boards gone" in headers and "Partial coverage" in headers
        assert any("board is gone or was renamed" in w.value for w in at.warning)
        gone = next(df.value for df in at.dataframe if "last_error" in df.value.columns and len(df.value) == 1)
        assert list(gone["source_name"]) == ["alignerr-greenhouse"]
        assert gone["last_error"].iloc[0].startswith("BoardGone: HTTP 404")
        partial = next(df.value for df in at.dataframe if "coverage" in df.value.columns)
        assert list(partial["source_name"]) == ["turing-api"]
        assert partial["coverage"].iloc[0].startswith("Partial: without a signed-in session")
    finally:
        reset_stores()
