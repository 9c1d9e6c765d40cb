"""The `gigwatch` command line: one entry point for setting up, collecting, importing and serving."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from collectors.config import Settings
    from collectors.store import Store

app = typer.Typer(
    help="gigwatch: monitor advertised pay, work availability and payment delays on AI-training platforms.",
    no_args_is_help=True,
    add_completion=False,
)
reports_app = typer.Typer(help="Payment reports: import a union's export.", no_args_is_help=True)
app.add_typer(reports_app, name="reports")
backfill_app = typer.Typer(help="History from before the first live run: web archives, git-scraped archives.", no_args_is_help=True)
app.add_typer(backfill_app, name="backfill")

LakeOption = Annotated[
    str | None,
    typer.Option("--lake", help="Which lake: 'gigwatch' (real data, the default) or 'demo'."),
]
DASHBOARD_APP = Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py"
STREAMLIT_CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def streamlit_flags(path: Path = STREAMLIT_CONFIG) -> list[str]:
    """The production Streamlit settings as `--section.option value` flags (they hold in any cwd)."""
    import tomllib

    flags: list[str] = []
    for section, options in tomllib.loads(path.read_text(encoding="utf-8")).items():
        for name, value in options.items():
            flags += [f"--{section}.{name}", str(value).lower() if isinstance(value, bool) else str(value)]
    return flags


def _settings(lake: str | None = None) -> Settings:
    from collectors.config import ConfigError, load_settings

    try:
        return load_settings(lake=lake)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc)) from exc


def _store(lake: str | None = None) -> Store:
    from collectors.store import get_store

    return get_store(_settings(lake))


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


@app.command()
def init(lake: LakeOption = None) -> None:
    """Create the lake (if needed) and apply pending migrations."""
    from collectors.store import Store

    settings = _settings(lake)
    store = Store(settings)
    applied = store.migrate()
    from collectors.store.reference import load_reference_data

    load_reference_data(store)
    typer.echo(f"lake '{settings.lake}' at {settings.catalog} (files: {settings.files_path})")
    typer.echo(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}")


@app.command()
def demo(
    rebuild: Annotated[bool, typer.Option(help="Delete and rebuild the demo lake.")] = False,
    serve: Annotated[bool, typer.Option(help="Serve the dashboard on the demo lake afterwards.")] = False,
    port: Annotated[int, typer.Option(help="Dashboard port.")] = 8501,
    days: Annotated[int, typer.Option(help="Days of daily history to generate.")] = 600,
) -> None:
    """Build the demo lake (data/demo/: fictional 'Demo' platforms), then optionally serve it."""
    from collectors.demo import build_demo, demo_is_built

    settings = _settings("demo")
    if rebuild and settings.catalog_kind == "sqlite" and settings.lake_dir.exists():
        shutil.rmtree(settings.lake_dir)
    if demo_is_built(settings):
        typer.echo(f"demo lake already built at {settings.lake_dir} (use --rebuild to start over)")
    else:
        summary = build_demo(settings, days=days)
        typer.echo(f"built the demo lake at {settings.lake_dir}: {summary}")
        from collectors.feeds import write_feeds
        from collectors.store import get_store

        feeds = write_feeds(get_store(settings))
        typer.echo(f"wrote {len(feeds)} Atom feeds to {feeds[0].parent}")
    if serve:
        dashboard(lake="demo", port=port)


@app.command()
def dashboard(
    lake: LakeOption = None,
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8501,
    address: Annotated[str, typer.Option(help="Address to bind.")] = "localhost",
) -> None:
    """Serve the Streamlit dashboard."""
    settings = _settings(lake)
    env = {**os.environ, "GIGWATCH_LAKE": settings.lake, "GIGWATCH_DATA_DIR": str(settings.data_dir)}
    from collectors.store import get_store

    get_store(settings)  # migrate before serving, so pages never race to create tables
    typer.echo(f"gigwatch dashboard ({'DEMO data' if settings.is_demo else 'real data'}): http://{address}:{port}")
    command = [
        # `streamlit run dashboard/streamlit_app.py` from a process that imported the pages'
        # modules and opened the lake first (dashboard/serve.py): the first visitor does not wait.
        sys.executable, "-m", "dashboard.serve",
        "--server.port", str(port), "--server.address", address,
        *streamlit_flags(),  # .streamlit/config.toml: viewer toolbar, no error details, XSRF, ...
    ]
    raise typer.Exit(subprocess.call(command, env=env))


@app.command()
def schedule(
    lake: LakeOption = None,
    standby: Annotated[bool, typer.Option(help="Wait to take over when another scheduler leads.")] = False,
) -> None:
    """Run the collectors on their schedule, in the foreground (one scheduler per lake)."""
    from collectors.scheduler import run_scheduler

    raise typer.Exit(run_scheduler(_settings(lake), standby=standby) or 0)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Dashboard port.")] = 8501,
    address: Annotated[str, typer.Option(help="Address to bind.")] = "localhost",
) -> None:
    """The real service: the scheduler and the dashboard on the real lake."""
    settings = _settings("gigwatch")
    _store("gigwatch")
    # --standby: on a PostgreSQL catalog the scheduler rides out a server restart (and waits for
    # another leader to stop) instead of exiting; on SQLite it changes nothing.
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "collectors.cli", "schedule", "--lake", settings.lake, "--standby"]
    )
    try:
        dashboard(lake=settings.lake, port=port, address=address)
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=30)


@app.command()
def collect(
    source: Annotated[list[str] | None, typer.Option("--source", help="Source name (repeatable); default all enabled.")] = None,
    lake: LakeOption = None,
) -> None:
    """Run one collection cycle now and print how each run went."""
    from collectors.runner import UnknownSourceError
    from collectors.runner import collect as run_collect

    try:
        runs = run_collect(source or None, _settings(lake))
    except UnknownSourceError as exc:
        raise _fail(str(exc)) from exc
    failed = 0
    for run in runs:
        line = f"{run.source_name:32} {run.status:10} items={run.items_count:5}"
        if run.error:
            line += f"  {run.error[:160]}"
        typer.echo(line)
        failed += run.status == "failed"
    if runs:  # the Atom feeds follow every collection (collectors/feeds.py); never fails the command
        from collectors.feeds import write_feeds

        try:
            write_feeds(_store(lake))
        except Exception as exc:
            typer.echo(f"the Atom feeds could not be written: {exc}", err=True)
    if failed:
        raise typer.Exit(1)


@app.command()
def reparse(
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    lake: LakeOption = None,
) -> None:
    """Re-derive listing history from the kept raw responses (after a parser fix), idempotently."""
    from collectors.reparse import reparse as run_reparse

    for line in run_reparse(_store(lake), source=source):
        typer.echo(line)


@app.command()
def docs(
    check: Annotated[bool, typer.Option(help="Only check: exit 1 when a generated doc is stale.")] = False,
) -> None:
    """Regenerate the docs written from data/ (the platform list in docs/report-import-format.md)."""
    from collectors.platforms import IMPORT_FORMAT_DOC, render_import_format_doc, write_docs

    if check:
        text = IMPORT_FORMAT_DOC.read_text(encoding="utf-8")
        if render_import_format_doc(text) != text:
            raise _fail(f"{IMPORT_FORMAT_DOC} is stale: run `gigwatch docs`")
        typer.echo(f"{IMPORT_FORMAT_DOC}: up to date")
        return
    changed = write_docs()
    typer.echo(f"{IMPORT_FORMAT_DOC}: {'rewritten' if changed else 'already up to date'}")


@app.command()
def pay(
    text: Annotated[str, typer.Argument(help="Pay as published, e.g. 'Up to $40 per hour'.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    on: Annotated[str | None, typer.Option(help="Date for currency conversion (YYYY-MM-DD); default today.")] = None,
) -> None:
    """Parse a pay string and show its normalisation and hourly USD equivalent."""
    from dataclasses import asdict

    from collectors.pay import format_pay, parse_pay, to_hourly_usd

    parsed = parse_pay(text)
    when = date.fromisoformat(on) if on else date.today()
    hourly = to_hourly_usd(parsed, on=when) if parsed else None
    if as_json:
        typer.echo(json.dumps({
            "text": text,
            "pay": {**asdict(parsed), "unit_kind": parsed.unit_kind} if parsed else None,
            "hourly_usd": asdict(hourly) if hourly else None,
        }, ensure_ascii=False))
        return
    if parsed is None:
        typer.echo("no pay stated")
        return
    typer.echo(f"pay:        {format_pay(parsed)}")
    for field in ("min", "max", "currency", "unit", "unit_kind", "approximate", "up_to", "at_least"):
        typer.echo(f"{field + ':':11} {getattr(parsed, field)}")
    if hourly is None:
        typer.echo("hourly USD: not comparable (per-unit pay or unknown currency)")
    else:
        typer.echo(f"hourly USD: {hourly.min} – {hourly.max}")
        for assumption in hourly.assumptions:
            typer.echo(f"  assumes {assumption}")


@app.command()
def parse(
    kind: Annotated[str, typer.Argument(help="Source format, e.g. greenhouse, lever, ashby, mercor.")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A saved response.")],
    on: Annotated[str | None, typer.Option(help="Date for currency conversion (YYYY-MM-DD).")] = None,
) -> None:
    """Print the records a saved response yields, as JSON lines."""
    from collectors.records import ParseError
    from collectors.sources.cli_parse import parse_file

    try:
        for row in parse_file(kind, file, on=date.fromisoformat(on) if on else None):
            typer.echo(json.dumps(row, ensure_ascii=False, default=str))
    except (ParseError, KeyError) as exc:
        raise _fail(f"{file}: {exc}") from exc


@reports_app.command("import")
def reports_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or JSON export.")],
    lake: LakeOption = None,
) -> None:
    """Import payment reports (CSV or JSON array); prints what happened to each row."""
    from collectors.reports.importer import run_import_cli

    raise typer.Exit(run_import_cli(file, _settings(lake)))


ModeratorOption = Annotated[str, typer.Option("--moderator", help="Your name, recorded in the audit log.")]


@reports_app.command("stats")
def reports_stats(
    platform: Annotated[str | None, typer.Option("--platform", help="Only this platform (its id).")] = None,
    source_class: Annotated[str | None, typer.Option(
        "--source", help="Only one source class: worker_report, union_import or public_record.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    lake: LakeOption = None,
) -> None:
    """Print the figures the Payment delays page shows, with the reason for every missing one."""
    from collectors.report_stats import format_stats, stats_payload

    payload = stats_payload(_store(lake), platform=platform, source_class=source_class)
    if as_json:
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for line in format_stats(payload):
            typer.echo(line)




@reports_app.command("pending")
def reports_pending(
    lake: LakeOption = None,
    import_run: Annotated[str | None, typer.Option("--import-run", help="Only this import run.")] = None,
) -> None:
    """List reports awaiting moderation (id, platform, status, run, review reasons)."""
    from collectors.store.reports import moderation_queue

    queue = moderation_queue(_store(lake), import_run=import_run, limit=10**6)
    for row in queue.itertuples():
        reasons = "; ".join(str(r) for r in (row.review_reasons or [])) or "-"  # type: ignore[union-attr]
        typer.echo(f"{row.report_id}  {row.platform_id}  {row.status}  {row.run_id}  {reasons}")
    typer.echo(f"{len(queue)} pending report(s)")


@reports_app.command("approve")
def reports_approve(
    ids: Annotated[list[str] | None, typer.Argument(help="Report ids to approve.")] = None,
    moderator: ModeratorOption = "",
    import_run: Annotated[str | None, typer.Option("--import-run", help="Approve every pending report of this import run.")] = None,
    lake: LakeOption = None,
) -> None:
    """Approve reports (by id, or a whole import run); writes the audit log."""
    from collectors.store.reports import ReportError, approve, approve_import_run

    if not moderator.strip():
        raise _fail("--moderator NAME is required (it is recorded in the audit log)")
    if bool(ids) == bool(import_run):
        raise _fail("give report ids or --import-run RUN (one of the two)")
    try:
        if import_run:
            count = approve_import_run(_store(lake), import_run, moderator=moderator)
        else:
            count = approve(_store(lake), ids or [], moderator=moderator)
    except ReportError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"approved {count} report(s)")


@reports_app.command("reject")
def reports_reject(
    ids: Annotated[list[str], typer.Argument(help="Report ids to reject (they are erased).")],
    reason: Annotated[str, typer.Option("--reason", help="Why, recorded in the audit log.")] = "",
    moderator: ModeratorOption = "",
    lake: LakeOption = None,
) -> None:
    """Reject reports: erased from the vault; the audit log keeps the decision and the reason."""
    from collectors.store.reports import ReportError, reject

    if not moderator.strip():
        raise _fail("--moderator NAME is required (it is recorded in the audit log)")
    if not reason.strip():
        raise _fail("--reason TEXT is required")
    try:
        count = reject(_store(lake), ids, moderator=moderator, reason=reason)
    except ReportError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"rejected {count} report(s)")


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(help="Where to write the public tables.")],
    lake: LakeOption = None,
    snapshot: Annotated[int | None, typer.Option(help="DuckLake snapshot id to export (default: latest).")] = None,
) -> None:
    """Export the public tables (CSV and Parquet, with the data dictionary); no personal data."""
    from collectors.export import export_public

    try:
        paths = export_public(_store(lake), directory, snapshot_id=snapshot)
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    for path in paths:
        typer.echo(str(path))


@app.command()
def chart(
    name: Annotated[str | None, typer.Argument(help="The chart's name (see --list).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="png or svg (the image), csv or json (its data).")] = "png",
    out: Annotated[Path | None, typer.Option("--out", help="The file to write.")] = None,
    snapshot: Annotated[int | None, typer.Option(help="DuckLake snapshot id (default: latest).")] = None,
    platform: Annotated[list[str] | None, typer.Option("--platform", help="Only this platform (repeatable).")] = None,
    filters: Annotated[list[str] | None, typer.Option("--filter", help="KEY=VALUE, as the dashboard's filters (repeatable).")] = None,
    base_url: Annotated[str, typer.Option(help="The dashboard's public address, for the permalink.")] = "http://localhost:8501",
    list_charts: Annotated[bool, typer.Option("--list", help="List every chart the dashboard draws.")] = False,
    lake: LakeOption = None,
) -> None:
    """Draw a dashboard chart as PNG or SVG (title, filters, source line baked in), or write its data."""
    from dashboard import chart_export, chart_registry

    if list_charts:
        for spec in chart_registry.CHARTS.values():
            typer.echo(f"{spec.name}\t{spec.view}\t{spec.title}\tfilters: {', '.join(spec.filters)}")
        return
    if name is None or out is None:
        raise _fail("give a chart NAME and --out FILE (or --list)", code=2)
    if fmt not in ("png", "svg", "csv", "json"):
        raise _fail(f"--format must be png, svg, csv or json, not {fmt!r}", code=2)
    chosen: dict[str, object] = {}
    for item in filters or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise _fail(f"--filter takes KEY=VALUE, not {item!r}", code=2)
        if key in ("platforms", "categories", "countries"):
            chosen[key] = (*chosen.get(key, ()), value)  # type: ignore[misc]
        else:
            chosen[key] = value
    if platform:
        chosen["platforms"] = tuple(platform)
    try:
        built, meta = chart_registry.draw(_store(lake), name, snapshot_id=snapshot, filters=chosen, base_url=base_url)
    except (KeyError, ValueError) as exc:
        raise _fail(str(exc.args[0] if exc.args else exc)) from exc
    if fmt == "csv":
        out.write_bytes(chart_export.data_csv(built.figure))
        out.with_name(out.stem + ".metadata.json").write_bytes(chart_export.metadata_json(meta))
    elif fmt == "json":
        out.write_bytes(chart_export.data_json(built.figure, meta))
    else:
        out.write_bytes(chart_export.render_image(built.figure, meta, fmt))  # type: ignore[arg-type]
    typer.echo(f"{out}: {meta.title} · {chart_export.source_line(meta)}")


@app.command()
def release(
    directory: Annotated[Path | None, typer.Argument(
        help="Where releases are kept, each in gigwatch-release-N/ (default: dashboard/static/releases/<lake>/, "
             "which the Explore page lists).")] = None,
    lake: LakeOption = None,
    snapshot: Annotated[int | None, typer.Option(help="DuckLake snapshot id to release (default: latest).")] = None,
) -> None:
    """A numbered, reproducible release of the public data: CSV, Parquet, CHANGELOG, CITATION.cff, SHA256SUMS."""
    from collectors.release import make_release, releases_dir

    store = _store(lake)
    try:
        made = make_release(store, directory or releases_dir(store.settings.lake), snapshot_id=snapshot)
    except (ValueError, FileExistsError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"release {made.number} of snapshot {made.snapshot_id}: {made.directory}")


@app.command()
def maintain(
    lake: LakeOption = None,
    expire_older_than_days: Annotated[int | None, typer.Option(help="Also expire snapshots older than N days (breaks permalinks to them).")] = None,
) -> None:
    """Compact the lake: flush inlined rows to Parquet and merge small files (snapshots are kept)."""
    from collectors.store.maintenance import maintain as run_maintain

    for line in run_maintain(_store(lake), expire_older_than_days=expire_older_than_days):
        typer.echo(line)


@app.command("fx-update")
def fx_update(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="ECB eurofxref-hist.csv or .zip.")],
) -> None:
    """Recompute the shipped monthly FX table (data/fx_rates.csv) from ECB's reference-rate history."""
    from collectors.fx import FX_CSV_PATH, update_from_ecb

    rows = update_from_ecb(file, FX_CSV_PATH, origin=f"file {file.name} read {date.today().isoformat()}")
    typer.echo(f"wrote {len(rows)} rows to {FX_CSV_PATH}; run `gigwatch init` to load them into the lake")


@app.command()
def bench(
    as_json: Annotated[bool, typer.Option("--json", help="Print figures as JSON.")] = False,
    quick: Annotated[bool, typer.Option(help="A small run to check the benchmark works.")] = False,
) -> None:
    """Measure ingest, query latency, memory, storage growth, collection cycle and pay parsing."""
    try:
        from benchmarks.bench import run_bench
    except ImportError:
        typer.echo("gigwatch bench runs from a source checkout only (`make bench` there): the "
                   "benchmarks/ directory is not part of the installed package", err=True)
        raise typer.Exit(2) from None

    figures = run_bench(quick=quick)
    typer.echo(json.dumps(figures, indent=None if as_json else 2))


# -- moderator accounts ---------------------------------------------------------------------------------

moderators_app = typer.Typer(help="Moderator accounts for the Admin page (argon2 hashes in gigwatch.toml).",
                             no_args_is_help=True)
app.add_typer(moderators_app, name="moderators")


@moderators_app.command("add")
def moderators_add(
    name: Annotated[str, typer.Argument(help="The moderator's name (letters, digits, . _ -).")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line of standard input.")] = False,
) -> None:
    """Add a moderator, or set a new password for one, in gigwatch.toml (or the file GIGWATCH_CONFIG names)."""
    from collectors.config import ConfigError, normalise_moderator_name
    from collectors.moderators import check_new_password, config_path, hash_password, save_moderator

    try:
        name = normalise_moderator_name(name)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt(f"Password for {name}", hide_input=True, confirmation_prompt=True)
        check_new_password(password)
        path = config_path()
        replaced = save_moderator(path, name, hash_password(password))
    except ConfigError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"{'new password for' if replaced else 'added'} moderator {name} in {path}")
    if path.stat().st_mode & 0o077:
        typer.secho(f"note: {path} is readable by other users and now holds password hashes "
                    f"(`chmod 600 {path}`)", err=True, fg=typer.colors.YELLOW)
    shadow = _settings().moderator(name)
    if shadow is not None and shadow.source != "gigwatch.toml":
        typer.secho(f"note: {name} is also set by {shadow.source}, which wins over {path}", err=True,
                    fg=typer.colors.YELLOW)


@moderators_app.command("remove")
def moderators_remove(name: Annotated[str, typer.Argument(help="The moderator's name.")]) -> None:
    """Remove a moderator from gigwatch.toml; their open sessions end at their next page view."""
    from collectors.config import ConfigError, normalise_moderator_name
    from collectors.moderators import config_path, delete_moderator

    path = config_path()
    try:
        name = normalise_moderator_name(name)
        removed = delete_moderator(path, name)
    except ConfigError as exc:
        raise _fail(str(exc)) from exc
    still = _settings().moderator(name)
    if not removed:
        where = f"; it is set by {still.source}, which this command does not edit" if still else ""
        raise _fail(f"no moderator {name} in {path}{where}")
    typer.echo(f"removed moderator {name} from {path}")
    if still is not None:
        typer.secho(f"note: {name} is still set by {still.source}", err=True, fg=typer.colors.YELLOW)


@moderators_app.command("list")
def moderators_list(lake: LakeOption = None) -> None:
    """The configured moderators: name, where each is set, hash scheme, and any sign-in lockout."""
    from collectors.moderators import describe
    from collectors.store.auth import LoginThrottle

    settings = _settings(lake)
    if not settings.moderators:
        typer.echo("no moderators: add one with `gigwatch moderators add NAME`")
        return
    throttle = LoginThrottle.for_settings(settings)
    for account in settings.moderators:
        wait = throttle.retry_after(account.name)
        typer.echo(describe(account) + (f"\tlocked for {wait / 60:.0f} min" if wait else ""))


@moderators_app.command("unlock")
def moderators_unlock(name: Annotated[str, typer.Argument(help="The moderator's name.")], lake: LakeOption = None) -> None:
    """Clear a moderator's failed sign-ins (after someone guessed at their name)."""
    from collectors.store.auth import LoginThrottle

    cleared = LoginThrottle.for_settings(_settings(lake)).unlock(name)
    typer.echo(f"cleared {cleared} failed sign-in(s) for {name.strip().lower()}")


@backfill_app.command("archive")
def backfill_archive(
    source: Annotated[list[str] | None, typer.Option("--source", help="Source name (repeatable); default all enabled.")] = None,
    from_date: Annotated[str | None, typer.Option("--from", help="First capture date, YYYY-MM-DD.")] = None,
    to_date: Annotated[str | None, typer.Option("--to", help="Last capture date, YYYY-MM-DD.")] = None,
    every: Annotated[str, typer.Option("--every", help="At most one capture per: week, month, day or capture.")] = "week",
    archive_url: Annotated[str, typer.Option("--archive-url", help="The Wayback Machine (CDX API and /web/), or a mirror.")] = "https://web.archive.org",
    min_interval: Annotated[float, typer.Option("--min-interval", help="Seconds between requests to the archive host.")] = 4.0,
    lake: LakeOption = None,
) -> None:
    """Replay each source's web-archive captures as dated runs of kind 'archive' (resumable)."""
    from collectors.backfill.archive import backfill_archive as run_backfill
    from collectors.runner import UnknownSourceError, configured_sources, select_sources

    for label, value in (("--from", from_date), ("--to", to_date)):
        if value is not None:
            try:
                date.fromisoformat(value)
            except ValueError as exc:
                raise _fail(f"{label} {value!r} is not a date (YYYY-MM-DD)") from exc
    try:
        chosen = [s for s in select_sources(source or None, configured_sources()) if s.kind != "reddit"]
    except UnknownSourceError as exc:
        raise _fail(str(exc)) from exc
    settings = _settings(lake)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  disable=not sys.stderr.isatty(), console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def advance(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done)

        try:
            summaries = run_backfill(chosen, settings, archive_url=archive_url, from_date=from_date,
                                     to_date=to_date, every=every, min_interval_seconds=min_interval,
                                     progress=advance)
        except ValueError as exc:
            raise _fail(str(exc)) from exc
    for summary in summaries:
        typer.echo(summary.line())
    if any(summary.failed and not summary.used for summary in summaries):
        raise typer.Exit(1)


@backfill_app.command("git")
def backfill_git(
    repo: Annotated[Path, typer.Argument(help="A local clone of a git-scraped archive.")],
    path: Annotated[str, typer.Option("--path", help="The board file in the repository.")],
    source: Annotated[str, typer.Option("--source", help="The source (data/sources.toml) the file is a snapshot of.")],
    kind: Annotated[str | None, typer.Option("--kind", help="Parse with this format instead of the source's.")] = None,
    lake: LakeOption = None,
) -> None:
    """Replay every commit that changed a board file as a dated run of kind 'git' (resumable)."""
    from collectors.backfill.gitreplay import GitReplayError
    from collectors.backfill.gitreplay import backfill_git as run_git
    from collectors.runner import UnknownSourceError, configured_sources, select_sources
    from collectors.sources import UnknownKindError, get_kind

    try:
        (chosen,) = select_sources([source], configured_sources())
        if kind is not None:
            get_kind(kind)
        summary = run_git(_store(lake), chosen, repo, path, kind=kind)
    except (UnknownSourceError, UnknownKindError, GitReplayError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(summary.line())
    if summary.failed and not summary.used:
        raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
