"""`gigwatch backfill git`: a repository made here, a few commits of a board file, replayed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from collectors.backfill.gitreplay import GitReplayError, backfill_git
from collectors.config import Settings
from collectors.store import LAKE, get_store
from tests.test_backfill_archive import A, B, C, board, job, listings, sources, utc, versions


def commit(repo: Path, when: str, body: bytes | None, message: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "scraper", "GIT_AUTHOR_EMAIL": "s@example.org",
           "GIT_COMMITTER_NAME": "scraper", "GIT_COMMITTER_EMAIL": "s@example.org",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    board_file = repo / "boards" / "acme.json"
    if body is None:
        subprocess.run(["git", "-C", str(repo), "rm", "-q", str(board_file)], check=True, env=env)
    else:
        board_file.parent.mkdir(exist_ok=True)
        board_file.write_bytes(body)
        subprocess.run(["git", "-C", str(repo), "add", str(board_file)], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", message], check=True, env=env)
    out = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, capture_output=True, env=env)
    return out.stdout.decode().strip()


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    repo = tmp_path / "tracker"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    commit(repo, "2025-03-01T06:00:00+00:00", board(job(*A, 45, 55), job(*B, 30, 40)), "scrape")
    commit(repo, "2025-03-08T06:00:00+00:00", board(job(*A, 40, 50), job(*B, 30, 40)), "scrape")
    commit(repo, "2025-03-15T06:00:00+00:00", b"<html>rate limited</html>", "scrape")
    commit(repo, "2025-03-22T06:00:00+00:00", board(job(*A, 40, 50), job(*C, 50, 60)), "scrape")
    commit(repo, "2025-03-29T06:00:00+00:00", None, "the tracker stopped")  # proves nothing: skipped
    return repo


def test_git_replay_makes_one_run_per_commit_and_the_history(lake_settings: Settings, tracker: Path) -> None:
    store = get_store(lake_settings)
    source = sources()[0]
    summary = backfill_git(store, source, tracker, "boards/acme.json")
    assert (summary.found, summary.used, dict(summary.failed)) == (5, 3, {"unparseable file": 1})
    assert summary.skipped == {"the commit deleted the file": 1}
    runs = store.read_rows(
        f"""SELECT started_at, run_kind, status, complete, items_count FROM {LAKE}.collector_runs
            ORDER BY started_at""")
    assert runs == [
        (utc("20250301060000"), "git", "ok", True, 2),
        (utc("20250308060000"), "git", "ok", True, 2),
        (utc("20250315060000"), "git", "failed", False, 0),
        (utc("20250322060000"), "git", "ok", True, 2),
    ]
    assert listings(store, source.name) == [
        ("101", utc("20250301060000"), None, None),
        ("102", utc("20250301060000"), utc("20250308060000"), utc("20250322060000")),
        ("103", utc("20250322060000"), None, None),
    ]
    rows: list[tuple[Any, ...]] = versions(store, source.name)
    assert [(r[0], r[1], r[2], r[4]) for r in rows] == [
        ("101", 1, utc("20250301060000"), 45.0), ("101", 2, utc("20250308060000"), 40.0),
        ("102", 1, utc("20250301060000"), 30.0), ("103", 1, utc("20250322060000"), 50.0),
    ]
    provenance = store.read_rows(
        f"SELECT repo, commit_sha, path, outcome FROM {LAKE}.archive_captures ORDER BY captured_at")
    assert [p[0] for p in provenance] == [str(tracker.resolve())] * 4
    assert all(len(p[1]) == 40 and p[2] == "boards/acme.json" for p in provenance)
    assert [p[3] for p in provenance] == ["used", "used", "unparseable", "used"]
    # Replaying again keeps nothing twice.
    again = backfill_git(store, source, tracker, "boards/acme.json")
    assert (again.already_kept, again.used) == (4, 0)


def test_git_replay_errors_are_plain(lake_settings: Settings, tracker: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    store = get_store(lake_settings)
    with pytest.raises(GitReplayError, match="no commit"):
        backfill_git(store, sources()[0], tracker, "boards/other.json")
    from collectors import cli, runner

    monkeypatch.setattr(runner, "configured_sources", lambda: sources())
    monkeypatch.setattr(cli, "_settings", lambda lake=None: lake_settings)
    result = CliRunner().invoke(cli.app, ["backfill", "git", str(tmp_path / "nowhere"), "--path", "x.json",
                                          "--source", "acme-greenhouse"])
    assert result.exit_code == 1 and "nowhere" in result.output
    ok = CliRunner().invoke(cli.app, ["backfill", "git", str(tracker), "--path", "boards/acme.json",
                                      "--source", "acme-greenhouse"])
    assert ok.exit_code == 0 and "5 capture(s) found, 3 used" in ok.output
