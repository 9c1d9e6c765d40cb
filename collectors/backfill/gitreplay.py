"""`gigwatch backfill git`: replay every commit of a board file in a git-scraped archive.

As simonw's git-history does for any JSON in git: every commit that changed the file is one
observation at the commit time, parsed with the source's parser (or `--kind`), recorded as a run of
kind `git` with its provenance (repository, commit, path). Works on any local clone; commits
already replayed are skipped. The history is then derived again (replay.py).
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from collectors.backfill import WHOLE_BOARD_KINDS, BackfillSummary
from collectors.backfill.replay import rebuild_history
from collectors.records import ParseError
from collectors.runner import judge, new_run_id
from collectors.sources import get_kind
from collectors.sources.base import SourceConfig
from collectors.store import Store
from collectors.store.archive import (
    BackfilledRun,
    Capture,
    first_live_run_at,
    kept_capture_keys,
    save_backfilled_runs,
)
from collectors.store.listings import RunRecord, RunStatus


class GitReplayError(ValueError):
    """The repository or the file cannot be read with git."""


def _git(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False, timeout=120)
    except FileNotFoundError as exc:
        raise GitReplayError("git is not installed (it is needed to replay a repository)") from exc
    if done.returncode != 0:
        raise GitReplayError(f"git {' '.join(args[:2])} in {repo}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def file_commits(repo: Path, path: str) -> list[tuple[str, datetime]]:
    """(commit, commit time) of every commit that changed `path`, oldest first."""
    out = _git(repo, "log", "--reverse", "--format=%H %cI", "--", path).decode()
    commits = [(sha, datetime.fromisoformat(when)) for sha, when in (line.split(" ", 1) for line in out.splitlines() if line)]
    if not commits:
        raise GitReplayError(f"no commit of {repo} changed {path!r}")
    return commits


def backfill_git(
    store: Store, source: SourceConfig, repo: Path, path: str, *, kind: str | None = None
) -> BackfillSummary:
    """Replay `path` of the clone `repo` as runs of `source`; never raises for a bad commit."""
    repo = repo.resolve()
    if not (repo / ".git").exists() and not _git(repo, "rev-parse", "--git-dir").strip():
        raise GitReplayError(f"{repo} is not a git repository")
    parse_kind = kind or source.kind
    module = get_kind(parse_kind)
    config = replace(source, kind=parse_kind)
    whole_board = parse_kind in WHOLE_BOARD_KINDS
    summary = BackfillSummary(source.name)
    commits = file_commits(repo, path)
    summary.found = len(commits)
    kept = kept_capture_keys(store, source.name)
    first_live = first_live_run_at(store, source.name)
    last_ok: tuple[datetime, int] | None = None
    for sha, committed_at in commits:
        if ("git", sha) in kept:
            summary.already_kept += 1
            continue
        try:
            body = _git(repo, "show", f"{sha}:{path}")
        except GitReplayError:
            summary.skipped["the commit deleted the file"] += 1
            continue
        status: RunStatus = "ok"
        error: str | None = None
        records = []
        try:
            records = module.parse(body, url=source.url, options=config.options)
        except (ParseError, ValueError) as exc:
            status, error = "failed", f"{type(exc).__name__}: {exc}"
            summary.failed["unparseable file"] += 1
        count = len({record.external_id for record in records})
        within_live = first_live is not None and committed_at >= first_live
        complete = status == "ok" and whole_board and not within_live
        if complete:
            status, error = judge(count, last_ok)
            if status == "ok":
                last_ok = (committed_at, count)
        if within_live:
            error = "committed after live collection began: kept, not replayed (the live history stands)"
        run = RunRecord(
            run_id=new_run_id(committed_at), source_name=source.name, platform_id=source.platform,
            started_at=committed_at, finished_at=committed_at, status=status, complete=complete,
            items_count=count, error=error, run_kind="git",
        )
        capture = Capture(
            run_id=run.run_id, source_name=source.name, platform_id=source.platform, capture_kind="git",
            captured_at=committed_at, parse_kind=parse_kind, content_sha256=store.put_raw_body(body),
            whole_board=whole_board, outcome="used" if status != "failed" else "unparseable",
            original_url=source.url, repo=str(repo), commit_sha=sha, path=path,
            error=error if status == "failed" else None,
        )
        save_backfilled_runs(store, [BackfilledRun(run, capture)])
        if status != "failed":
            if within_live:
                summary.after_live += 1
            else:
                summary.used += 1
    if summary.used:
        rebuild_history(store, source)
    return summary
