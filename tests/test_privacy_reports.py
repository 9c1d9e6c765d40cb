"""Attacks on reporters' privacy, performed (issue 13, items 1-3, 9b-9d and the audit log of 8).

Each test does what an attacker would: subtract published figures, search every file of the data
directory for a withdrawn report's text, brute-force client addresses against what is stored,
spoof X-Forwarded-For, read import names off public pages.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import random
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from collectors.config import Settings
from collectors.reports.delays import MIN_GROUP_SIZE
from collectors.reports.schema import PaymentReport, validate
from collectors.store import LAKE, Store, get_store, reset_stores
from collectors.store import migrations as migrations_module
from collectors.store import reports as reports_store
from collectors.store.reports import (
    client_address_from,
    client_hash,
    compute_figures,
    import_reports,
    submit_report,
    withdraw_report,
)
from collectors.store.reports.public import BIN_DAYS, compute_public, report_maintenance
from collectors.store.vault import get_vault, report_rows, reset_vaults, vault_path
from dashboard import queries

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=UTC)
MODERATOR = "privacy-test"


def raw_report(**changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "platform": "mercor", "status": "paid_late", "work_period_start": "2025-07-07",
        "work_period_end": "2025-07-13", "expected_pay_date": "2025-07-23", "paid_date": "2025-08-02",
        "amount_expected": "350", "currency": "USD", "payment_method": "stripe", "country": "KE",
        "consent_publish_aggregate": True,
    }
    raw.update(changes)
    return raw


def valid(raw: dict[str, Any]) -> PaymentReport:
    result = validate(raw, now=NOW)
    assert result.report is not None, result.errors
    return result.report


# -- item 1: differencing attacks over every pair of public groupings -------------------------------


def _random_rows(rng: random.Random, n: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        month = rng.choice(["2025-01", "2025-02", "2025-03", "2025-04", None])
        rows.append({
            "report_id": f"r{i}", "platform_id": rng.choice(["mercor", "outlier", "alignerr"]),
            "moderation_status": "approved", "consent_publish_aggregate": rng.random() > 0.1,
            "expected_pay_date": date.fromisoformat(f"{month}-15") if month else None,
            "payment_method": rng.choice(["paypal", "stripe", "wise", None]),
            "followup_days": rng.choice([None, *range(0, 120)]), "paid_in_full": rng.random() > 0.3,
            "event_id": rng.choice([None] * 8 + ["incident-a", "incident-b"]),
            # issue 14's groupings: source class, kind of work, and who gives an effective rate
            "source_class": rng.choice(["worker_report", "union_import", "public_record", None]),
            "work_type": rng.choice(["hourly", "per_task", None]),
            "effective_hourly_usd": rng.choice([None, None, 8.5, 12.0, 21.0]),
        })
    return rows


def _independent_members(rows: list[dict[str, Any]]) -> dict[tuple[str, str, str | None], set[str]]:
    """What the attacker reasons about, computed from the rows (not from the code under test):
    each published cell's independent reports (an incident counts once)."""
    cells: dict[tuple[str, str, str | None], set[str]] = {}
    for r in rows:
        if not (r["consent_publish_aggregate"] and r["moderation_status"] == "approved"):
            continue
        key = f"event:{r['event_id']}" if r["event_id"] else f"report:{r['report_id']}"
        month = r["expected_pay_date"].strftime("%Y-%m") if r["expected_pay_date"] else "unknown"
        for cell in (("platform", r["platform_id"], None), ("month", r["platform_id"], month),
                     ("payment_method", r["platform_id"], r["payment_method"] or "unknown")):
            cells.setdefault(cell, set())
            # Processor holds are not platform lateness: never in the Kaplan-Meier figures.
            held = bool(r.get("processor_hold")) or r.get("delay_reason") == "processor_hold"
            if r["followup_days"] is not None and not held:
                cells[cell].add(key)
        # The interval-censored delay table: every report of the group counts (reasons are shown).
        for cell in (("delay_platform", r["platform_id"], None),
                     ("delay_source_class", r["platform_id"], r.get("source_class") or "worker_report")):
            cells.setdefault(cell, set()).add(key)
        # The effective pay table: reports giving an effective hourly rate.
        for cell in (("pay_platform", r["platform_id"], None),
                     ("pay_work_type", r["platform_id"], r.get("work_type") or "unknown")):
            cells.setdefault(cell, set())
            if r.get("effective_hourly_usd") is not None:
                cells[cell].add(key)
    return cells


PARTITIONS = {"platform": ("month", "payment_method"), "delay_platform": ("delay_source_class",),
              "pay_platform": ("pay_work_type",)}


def differencing_leaks(figures: pd.DataFrame, rows: list[dict[str, Any]]) -> list[str]:
    """Every way to get at fewer than MIN_GROUP_SIZE independent reports from the published figures:
    a visible small cell; a visible cell minus a visible cell it contains (any two groupings); a
    platform's figure minus the visible cells of one grouping."""
    members = _independent_members(rows)
    visible = []
    for row in figures.itertuples():
        cell = (row.grouping, row.platform_id, None if row.grouping == "platform" else row.group_value)
        if not row.suppressed:
            visible.append(cell)
            if not pd.isna(row.n_reports):
                assert row.n_reports >= len(members[cell])
    leaks = [f"{c} shows {len(members[c])}" for c in visible if len(members[c]) < MIN_GROUP_SIZE]
    for big in visible:
        for part in visible:
            if big != part and big[1] == part[1] and members[part] <= members[big]:
                left = len(members[big] - members[part])
                if 0 < left < MIN_GROUP_SIZE:
                    leaks.append(f"{big} - {part} = {left}")
    for top, groupings in PARTITIONS.items():
        for platform in {c[1] for c in visible if c[0] == top}:
            for grouping in groupings:
                shown = set().union(*(members[c] for c in visible if c[0] == grouping and c[1] == platform))
                left = len(members[(top, platform, None)] - shown)
                if 0 < left < MIN_GROUP_SIZE:
                    leaks.append(f"{platform} minus its visible {grouping} cells = {left}")
    return leaks


def public_cells(tables: Any) -> pd.DataFrame:
    """Every published cell of every report table (`compute_public`'s), as (grouping,
    platform_id, group_value, suppressed, n_reports): what the attacker subtracts."""
    frames = [tables.figures[["grouping", "platform_id", "group_value", "suppressed", "n_reports"]]]
    for frame, count in ((tables.delays, "n_reports"), (tables.pay, "n_with_hours")):
        if not frame.empty:
            frames.append(frame[["grouping", "platform_id", "group_value", "suppressed", count]]
                          .rename(columns={count: "n_reports"}))
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("seed", range(12))
def test_no_differencing_of_any_two_public_groupings_finds_fewer_than_five(seed: int) -> None:
    rng = random.Random(seed)
    rows = _random_rows(rng, rng.choice([15, 40, 90, 200]))
    figures, risk = compute_figures(rows)
    assert differencing_leaks(figures, rows) == []
    assert (figures["grouping"] == "platform").any()
    # Every table together (issue 14's delay, pay and source-class cells included).
    tables = compute_public(rows)
    everything = public_cells(tables)
    assert differencing_leaks(everything, rows) == []
    assert {"delay_platform", "delay_source_class", "pay_platform", "pay_work_type"} <= set(everything["grouping"])
    hidden_delays = tables.delays[tables.delays["suppressed"].astype(bool)]
    assert hidden_delays[["n_reports", "n_with_delay", "n_no_due_date", "n_tier_self_reported"]].isna().all().all()
    hidden_pay = tables.pay[tables.pay["suppressed"].astype(bool)]
    assert hidden_pay[["n_reports", "n_with_hours", "effective_hourly_usd_median"]].isna().all().all()
    # Suppressed cells carry no number at all, not even their count.
    hidden = figures[figures["suppressed"].astype(bool)]
    assert hidden[["n_reports", "n_independent", "median_days_late"]].isna().all().all()
    # Follow-up days are published binned, never exact.
    assert all(d % BIN_DAYS == 0 for d in risk["days"].dropna())


def test_the_attack_finds_the_leak_without_complementary_suppression() -> None:
    """The attack is real: with small-cell suppression alone, the platform figure minus its
    visible months gives away the suppressed month's reports."""
    from collectors.store.reports import public

    rows = []
    for i in range(8):
        rows.append({**_random_rows(random.Random(i), 1)[0], "report_id": f"r{i}", "platform_id": "mercor",
                     "consent_publish_aggregate": True, "event_id": None, "followup_days": 10 + i,
                     "expected_pay_date": date(2025, 1, 15) if i < 6 else date(2025, 2, 15),
                     "payment_method": "paypal"})
    figures, _ = compute_figures(rows)
    assert differencing_leaks(figures, rows) == []
    months = figures[figures["grouping"] == "month"]
    assert months["suppressed"].all()  # January (6) hidden too, or 8 - 6 would give February's 2 away
    naive = public.suppressed_cells
    try:
        public.suppressed_cells = lambda cells: {c for c, m in cells.items() if len(m) < MIN_GROUP_SIZE}  # type: ignore[assignment]
        leaky, _ = compute_figures(rows)
    finally:
        public.suppressed_cells = naive  # type: ignore[assignment]
    assert differencing_leaks(leaky, rows) != []


def test_no_public_view_or_export_has_a_row_per_report(store: Store, tmp_path: Path) -> None:
    from collectors.export import export_public

    ids = [submit_report(store, valid(raw_report(amount_expected=str(300 + 17 * i), paid_date=f"2025-08-{i + 1:02d}")),
                         client_hash=f"c{i}", now=NOW).report_id for i in range(7)]
    reports_store.approve(store, ids, moderator=MODERATOR)
    explore = queries.payment_reports(store)
    written = export_public(store, tmp_path / "export")
    names = {p.name for p in written}
    assert "payment_reports_public.csv" not in names and "payment_report_figures.csv" in names
    exported = pd.read_csv(tmp_path / "export" / "payment_report_figures.csv")
    for frame in (explore, exported):
        assert len(frame) < len(ids)  # grouped: one row per group, not per report
        for column in ("report_id", "days_late", "followup_days", "country", "paid_date", "narrative_scrubbed"):
            assert column not in frame.columns


# -- item 2: withdrawal honoured in history and on disk ---------------------------------------------

TOKEN = "Zqx7TokenWithdrawnPlease"


def _files_containing(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_a_withdrawn_report_leaves_every_snapshot_and_every_file(store: Store, lake_settings: Settings) -> None:
    others = [submit_report(store, valid(raw_report(amount_expected=str(200 + 31 * i))), client_hash=f"o{i}",
                            now=NOW).report_id for i in range(5)]
    mine = submit_report(store, valid(raw_report(amount_expected="777", paid_date="2025-08-29",
                                                 narrative=f"They owe me. {TOKEN} said support.")),
                         client_hash="me", now=NOW)
    reports_store.approve(store, [*others, mine.report_id], moderator=MODERATOR)
    with_mine = store.snapshot_id()
    assert queries.delay_summary(store, with_mine)["n_reports"].iloc[0] == 6
    assert _files_containing(lake_settings.data_dir, TOKEN.encode()) == [vault_path(store)]  # the search works
    withdraw_report(store, mine.code, client_hash="me", now=NOW + timedelta(hours=1))
    report_maintenance(store, now=NOW + timedelta(hours=2))
    # (a) every earlier snapshot's public views no longer count it
    snapshots = [int(r[0]) for r in store.read_rows(f"SELECT snapshot_id FROM ducklake_snapshots('{LAKE}')")]
    assert with_mine in snapshots
    current = queries.delay_summary(store)
    for snapshot in snapshots:
        summary = queries.delay_summary(store, snapshot)
        assert summary["n_reports"].iloc[0] == 5, snapshot
        pd.testing.assert_frame_equal(summary, current)
        assert queries.payment_reports(store, snapshot)["n_reports"].max() == 5
        curves = queries.delay_curves(store, snapshot)
        assert curves["n_reports"].max() == 5
    # (b) no file under the data directory holds its text: vault, its journal, catalog, files, raw archive
    assert _files_containing(lake_settings.data_dir, TOKEN.encode()) == []
    assert _files_containing(lake_settings.data_dir, TOKEN.encode("utf-16-le")) == []
    assert not list(lake_settings.data_dir.rglob("*-wal")) or all(
        TOKEN.encode() not in p.read_bytes() for p in lake_settings.data_dir.rglob("*-wal"))


def test_withdrawn_report_leaves_every_page_at_every_snapshot(store: Store, lake_settings: Settings,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    others = [submit_report(store, valid(raw_report(amount_expected=str(200 + 31 * i), platform="outlier")),
                            client_hash=f"o{i}", now=NOW).report_id for i in range(5)]
    mine = submit_report(store, valid(raw_report(amount_expected="777", platform="outlier")), client_hash="me", now=NOW)
    reports_store.approve(store, [*others, mine.report_id], moderator=MODERATOR)
    old = store.snapshot_id()
    withdraw_report(store, mine.code, client_hash="me", now=NOW)
    report_maintenance(store, now=NOW)
    monkeypatch.setenv("GIGWATCH_DATA_DIR", str(lake_settings.data_dir))
    monkeypatch.setenv("GIGWATCH_LAKE", lake_settings.lake)
    app = Path(__file__).resolve().parents[1] / "dashboard" / "app_pages" / "delays.py"
    at = AppTest.from_file(str(app), default_timeout=60)
    at.query_params["snapshot"] = str(old)
    at.run()
    assert not at.exception
    tables = [t.value for t in at.dataframe] + [t.value for t in getattr(at, "table", [])]
    counts = [int(v) for frame in tables if "n reports" in frame for v in frame["n reports"]]
    assert counts and max(counts) == 5


# -- item 3: reports cannot be linked to client addresses -------------------------------------------


def test_brute_force_over_a_slash_16_cannot_link_a_report_to_its_address(store: Store, lake_settings: Settings) -> None:
    address = "10.1.23.45"
    submit_report(store, valid(raw_report()), client_hash=client_hash(address, store), now=datetime.now(UTC))
    stored_keys = {row[0] for row in get_vault(store).rows("SELECT client_key FROM rate_counters")}
    assert stored_keys
    # Every secret an attacker with the data directory could try: hex strings and 32-byte files.
    candidates: set[bytes] = {b""}
    for path in lake_settings.data_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            candidates.update(bytes.fromhex(h.decode()) for h in re.findall(rb"\b[0-9a-f]{64}\b", data)[:200])
            if len(data) in (32, 64):
                candidates.add(data)
    network = ipaddress.ip_network("10.1.0.0/16")
    linked = []
    for ip in network:
        text = str(ip).encode()
        guesses = {hashlib.sha256(text).hexdigest()[:32]}
        guesses.update(hmac.new(key, text, hashlib.sha256).hexdigest()[:32] for key in candidates if len(candidates) < 8)
        if guesses & stored_keys:
            linked.append(str(ip))
    assert linked == []
    # And no row beside the report carries a timestamp: counters are per clock hour.
    columns = [r[1] for r in get_vault(store).rows("PRAGMA table_info(rate_counters)")]
    assert columns == ["bucket_hour", "client_key", "action", "n"]


def test_rate_counters_are_pruned_after_a_day(store: Store) -> None:
    submit_report(store, valid(raw_report()), client_hash="k", now=NOW)
    report_maintenance(store, now=NOW + timedelta(days=1, hours=2))
    assert get_vault(store).rows("SELECT count(*) FROM rate_counters")[0][0] == 0


# -- item 9b-9d -------------------------------------------------------------------------------------


def test_import_file_names_never_become_public(store: Store) -> None:
    name = "Jane Wanjiru Kamau members Nairobi 2025"
    account = import_reports(store, [raw_report()], source_name=name, now=NOW)
    assert name not in account.source_name and account.source_name.startswith("import-")
    runs = store.read_df(f"SELECT source_name FROM {LAKE}.collector_runs")
    assert not runs["source_name"].str.contains("Wanjiru").any()
    stored = report_rows(get_vault(store))
    assert {r["source_name"] for r in stored} == {account.source_name}


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy() -> None:
    spoofed = {"X-Forwarded-For": "198.51.100.9"}
    assert client_address_from("203.0.113.5", spoofed, []) == "203.0.113.5"
    assert client_address_from("127.0.0.1", spoofed, []) == "127.0.0.1"  # default: trust none
    proxies = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8")]
    chain = {"X-Forwarded-For": "6.6.6.6, 198.51.100.9, 10.0.0.2"}
    assert client_address_from("127.0.0.1", chain, proxies) == "198.51.100.9"
    assert client_address_from(None, spoofed, proxies) == "unknown"
    assert client_address_from("127.0.0.1", {}, proxies) == "unknown"
    from collectors.store.reports import trusted_proxies

    assert trusted_proxies({"GIGWATCH_CONFIG": "/nonexistent"} | {"GIGWATCH_TRUSTED_PROXIES": ""}) == []
    assert [str(n) for n in trusted_proxies({"GIGWATCH_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"})] == [
        "127.0.0.1/32", "10.0.0.0/8"]


def test_one_person_behind_a_silent_proxy_cannot_close_the_form_for_everyone(store: Store) -> None:
    unknown = client_hash("unknown")
    for i in range(80):  # a flood from "unknown"
        submit_report(store, valid(raw_report(amount_expected=str(100 + i))), client_hash=unknown, now=NOW)
    worker = submit_report(store, valid(raw_report(amount_expected="999")), client_hash=unknown, now=NOW)
    assert worker.held_for_review  # stored, for a moderator to look at, not refused


# -- item 8 (part): the audit log and moderation from the command line ------------------------------


def test_cli_moderation_requires_a_name_and_writes_the_audit_log(lake_settings: Settings,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from collectors.cli import app

    store = get_store(lake_settings)
    account = import_reports(store, [raw_report(amount_expected=str(100 + 50 * i)) for i in range(4)],
                             source_name="union", now=NOW)
    ids = [r.report_id for r in account.rows if r.report_id]
    monkeypatch.setenv("GIGWATCH_DATA_DIR", str(lake_settings.data_dir))
    runner = CliRunner()
    pending = runner.invoke(app, ["reports", "pending"])
    assert pending.exit_code == 0 and "4 pending report(s)" in pending.output
    refused = runner.invoke(app, ["reports", "approve", ids[0]])
    assert refused.exit_code != 0 and "--moderator" in refused.output
    assert runner.invoke(app, ["reports", "approve", ids[0], "--moderator", "Amina"]).exit_code == 0
    rejected = runner.invoke(app, ["reports", "reject", ids[1], "--reason", "not a payment", "--moderator", "Amina"])
    assert rejected.exit_code == 0, rejected.output
    whole = runner.invoke(app, ["reports", "approve", "--import-run", account.run_id, "--moderator", "Ben"])
    assert whole.exit_code == 0 and "approved 2 report(s)" in whole.output
    log = reports_store.audit_log(store)
    assert list(zip(log["moderator"], log["action"], strict=True))[::-1] == [
        ("Amina", "approved"), ("Amina", "rejected"), ("Ben", "approved"), ("Ben", "approved")]
    assert json.loads(log.iloc[-1]["before"])["moderation_status"] == "pending"
    assert {r["report_id"] for r in report_rows(get_vault(store))} == {ids[0], ids[2], ids[3]}


# -- existing lakes: the migration moves reports out --------------------------------------------------


def test_migration_moves_reports_out_of_the_lake_and_deletes_their_files(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from collectors.config import load_settings

    settings = load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)})
    names = [m.name for m in migrations_module.MIGRATIONS]
    with monkeypatch.context() as patch:
        patch.setattr(migrations_module, "MIGRATIONS", migrations_module.MIGRATIONS[:names.index("0006_reports_to_vault")])
        old = get_store(settings)
        from collectors.store.reports.base import REPORT_SCHEMA, report_row, rows_to_table

        def write(cur: Any) -> None:
            rows = [report_row(valid(raw_report(amount_expected=str(100 + i), narrative=f"{TOKEN} {i}")),
                               report_id=f"old-{i}", receipt=None, now=NOW, source_name="form", review_reasons=(),
                               is_demo=False, run_id="old") for i in range(6)]
            for row in rows:
                row["moderation_status"] = "approved"
            rows[5]["moderation_status"] = "withdrawn"
            Store.insert_df(cur, "payment_reports", rows_to_table(rows).select(REPORT_SCHEMA.names))

        old.write(write, what="old reports")
        old.write(lambda cur: cur.execute(f"CALL ducklake_flush_inlined_data('{LAKE}')"), what="flush")
        listing_snapshot = old.snapshot_id()
        reset_stores()
        reset_vaults()
    store = get_store(settings)
    assert "0006_reports_to_vault" in store.applied_migrations()
    moved = report_rows(get_vault(store))
    assert {r["report_id"] for r in moved} == {f"old-{i}" for i in range(5)}  # the withdrawn one is erased
    assert not (Path(settings.files_path) / "main" / "payment_reports").exists()
    assert queries.delay_summary(store)["n_reports"].iloc[0] == 5
    assert store.snapshot_exists(listing_snapshot)  # listing permalinks still resolve
    parquet = [p for p in Path(settings.files_path).rglob("*.parquet") if TOKEN.encode() in p.read_bytes()]
    assert parquet == []
    # The catalog kept the dropped tables' min/max text statistics: erased too. Only the vault
    # holds the moved reports' text.
    assert _files_containing(tmp_path, TOKEN.encode()) == [vault_path(store)]
    assert b"Zqx7TokenWithdrawnPlease 5" not in vault_path(store).read_bytes()
    reset_stores()


def test_the_demo_lake_publishes_no_report_rows_and_no_recoverable_small_cell(demo_settings: Settings) -> None:
    """Before: the demo's public report view had 626 rows, 544 unique on their published columns.
    After: grouped figures only, and the differencing attack finds nothing below 5."""
    store = get_store(demo_settings)
    stored = report_rows(get_vault(store))
    figures = reports_store.all_figures(store)
    approved = [r for r in stored if r["moderation_status"] == "approved"]
    assert len(approved) > 300 and len(figures) < len(approved) / 3
    assert differencing_leaks(figures, stored) == []
    assert figures["suppressed"].astype(bool).any() and (~figures["suppressed"].astype(bool)).any()
    print(f"demo: {len(approved)} approved reports -> {len(figures)} figure rows, "
          f"{int(figures['suppressed'].astype(bool).sum())} suppressed")
