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
        sys.executable, "-m", "streamlit", "run", str(DASHBOARD_APP),
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
            "pay": asdict(parsed) if parsed else None,
            "hourly_usd": asdict(hourly) if hourly else None,
        }, ensure_ascii=False))
        return
    if parsed is None:
        typer.echo("no pay stated")
        return
    typer.echo(f"pay:        {format_pay(parsed)}")
    for field in ("min", "max", "currency", "unit", "approximate", "up_to", "at_least"):
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
