"""Storing payment reports on a real lake: submissions and receipts, updates, rate limits,
imports and their account, hostile input, moderation, the public view, concurrency."""

from __future__ import annotations

import io
import json
import multiprocessing
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectors.config import Settings
from collectors.reports.importer import ImportFormatError, read_rows, run_import_cli
from collectors.reports.schema import PaymentReport, validate
from collectors.store import LAKE, Store, get_store, reset_stores
from collectors.store import reports as reports_store
from collectors.store.reports import (
    SUBMISSIONS_HARD_LIMIT,
    SUBMISSIONS_PER_HOUR,
    UNKNOWN_CLIENT,
    RateLimited,
    ReceiptNotFound,
    ReportError,
    ReportRejected,
    all_figures,
    audit_log,
    client_hash,
    import_reports,
    list_events,
    moderation_queue,
    normalise_receipt,
    submit_report,
    update_report,
    withdraw_report,
)
from collectors.store.reports.submission import BURST_REASON
from collectors.store.vault import get_vault, report_rows
from dashboard import queries

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reports"
NOW = datetime(2025, 9, 1, 12, 0, tzinfo=UTC)


def raw_report(**changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "platform": "mercor",
        "status": "unpaid_pending",
        "work_period_start": "2025-07-07",
        "work_period_end": "2025-07-13",
        "amount_expected": "350",
        "currency": "USD",
        "payment_method": "stripe",
        "country": "KE",
        "narrative": "My lead Sarah Jones said wait. Mail me: kamau@gmail.com",
        "consent_publish_aggregate": True,
    }
    raw.update(changes)
    return raw


def valid(raw: dict[str, Any], now: datetime = NOW) -> PaymentReport:
    result = validate(raw, now=now)
    assert result.report is not None, result.errors
    return result.report


def rows(store: Store, where: str = "TRUE", params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Stored reports, from the vault (`where` is SQL over its core columns)."""
    return report_rows(get_vault(store), where, params or [])


MODERATOR = "tester"


def approve(store: Store, ids: list[str], **kw: Any) -> int:
    return reports_store.approve(store, ids, moderator=MODERATOR, **kw)


def reject(store: Store, ids: list[str], **kw: Any) -> int:
    return reports_store.reject(store, ids, moderator=MODERATOR, **kw)


def merge_duplicates(store: Store, keep: str, ids: list[str], **kw: Any) -> int:
    return reports_store.merge_duplicates(store, keep, ids, moderator=MODERATOR, **kw)


def create_event(store: Store, **kw: Any) -> str:
    return reports_store.create_event(store, moderator=MODERATOR, **kw)


def tag_event(store: Store, ids: list[str], event_id: str | None, **kw: Any) -> int:
    return reports_store.tag_event(store, ids, event_id, moderator=MODERATOR, **kw)


# -- submitting and receipts ------------------------------------------------------------------------


def test_submit_stores_once_with_a_hashed_receipt_and_no_address(any_store: Store) -> None:
    store = any_store
    client = client_hash("203.0.113.7", store)
    receipt = submit_report(store, valid(raw_report()), client_hash=client, now=NOW)
    assert len(normalise_receipt(receipt.code)) == 20
    stored = rows(store)
    assert len(stored) == 1
    row = stored[0]
    assert row["report_id"] == receipt.report_id and row["moderation_status"] == "pending"
    assert row["receipt_hash"] != receipt.code and normalise_receipt(receipt.code) not in row["receipt_hash"]
    assert row["narrative_scrubbed"] == "My lead [name] said wait. Mail me: [email]"
    assert row["days_late"] == (NOW.date() - date(2025, 7, 23)).days
    assert row["expected_pay_date_basis"] == "derived_from_policy" and row["policy_version"] == "mercor-r1"
    # Nothing of the report is in the lake: its tables are gone, the report lives in the vault.
    assert not store.read_value(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name IN ('payment_reports', 'submission_log')",
        [LAKE])
    assert client != "203.0.113.7" and len(client) == 32
    counters = get_vault(store).rows("SELECT client_key, n FROM rate_counters")
    assert [tuple(r) for r in counters] == [(client, 1)]


def test_no_address_or_code_in_any_file_of_the_lake(store: Store, lake_settings: Settings) -> None:
    receipt = submit_report(store, valid(raw_report()), client_hash=client_hash("198.51.100.23", store), now=NOW)
    for path in lake_settings.data_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"198.51.100.23" not in data, path
            assert receipt.code.encode() not in data and normalise_receipt(receipt.code).encode() not in data, path


def test_client_keys_have_no_salt_on_disk_and_change_every_hour(store: Store, lake_settings: Settings) -> None:
    first = client_hash("192.0.2.1", store, now=NOW)
    assert client_hash("192.0.2.1", store, now=NOW) == first != client_hash("192.0.2.2", store, now=NOW)
    assert client_hash("192.0.2.1", store, now=NOW + timedelta(hours=1)) != first
    assert not (lake_settings.lake_dir / "secrets").exists()
    import hashlib

    assert first not in (hashlib.sha256(b"192.0.2.1").hexdigest()[:32], hashlib.md5(b"192.0.2.1").hexdigest())
    assert client_hash("unknown") == client_hash("") == UNKNOWN_CLIENT


def test_bursts_are_held_for_review_and_only_a_flood_is_refused(store: Store) -> None:
    report = valid(raw_report())
    receipts = [submit_report(store, report, client_hash="client-a", now=NOW) for _ in range(SUBMISSIONS_PER_HOUR + 1)]
    assert BURST_REASON not in receipts[SUBMISSIONS_PER_HOUR - 1].review_reasons
    assert BURST_REASON in receipts[SUBMISSIONS_PER_HOUR].review_reasons
    for _ in range(SUBMISSIONS_HARD_LIMIT - SUBMISSIONS_PER_HOUR - 1):
        submit_report(store, report, client_hash="client-a", now=NOW)
    with pytest.raises(RateLimited, match="at most 50 an hour"):
        submit_report(store, report, client_hash="client-a", now=NOW + timedelta(minutes=10))
    # Everyone behind a proxy that forwards no address is "unknown": held, never refused.
    for _ in range(SUBMISSIONS_HARD_LIMIT + 2):
        last = submit_report(store, report, client_hash=UNKNOWN_CLIENT, now=NOW)
    assert last.held_for_review and BURST_REASON in last.review_reasons
    submit_report(store, report, client_hash="client-a", now=NOW + timedelta(hours=1, minutes=1))
    assert len(rows(store)) == 2 * SUBMISSIONS_HARD_LIMIT + 3


def test_a_second_identical_report_is_stored_but_held_as_a_possible_duplicate(store: Store) -> None:
    first = submit_report(store, valid(raw_report()), client_hash="c1", now=NOW)
    second = submit_report(store, valid(raw_report(amount_expected="352", work_period_end="2025-07-14")),
                           client_hash="c2", now=NOW)
    assert not first.held_for_review
    assert second.held_for_review and second.review_reasons == (f"possible duplicate of report {first.report_id[:8]}",)


# -- updating with the receipt code ----------------------------------------------------------------


def test_update_closes_a_waiting_report_and_recomputes_days_late(any_store: Store) -> None:
    store = any_store
    receipt = submit_report(store, valid(raw_report()), client_hash="c", now=NOW)
    approve(store, [receipt.report_id])
    later = NOW + timedelta(days=10)
    code = receipt.code.lower().replace("-", " ")  # typed by hand
    result = update_report(store, code, {"status": "paid_late", "paid_date": "2025-09-05"}, later, client_hash="c")
    assert result.status == "paid_late" and result.days_late == (date(2025, 9, 5) - date(2025, 7, 23)).days
    assert result.moderation_status == "approved"  # only payment facts changed
    row = rows(store)[0]
    assert row["paid_in_full"] and row["followup_days"] == result.days_late
    assert row["submitted_at"] == NOW and row["confirmed_at"] == later
    # A waiting report confirmed again later is censored later.
    other = submit_report(store, valid(raw_report(amount_expected="100")), client_hash="c", now=NOW)
    update_report(store, other.code, {"account_status": "deactivated"}, later, client_hash="c")
    again = rows(store, "report_id = ?", [other.report_id])[0]
    assert again["followup_days"] == (later.date() - date(2025, 7, 23)).days


def test_update_refuses_wrong_codes_other_fields_and_invalid_results(store: Store) -> None:
    receipt = submit_report(store, valid(raw_report()), client_hash="c", now=NOW)
    with pytest.raises(ReceiptNotFound):
        update_report(store, "AAAA-BBBB-CCCC-DDDD-EEEE", {"status": "paid_late"}, NOW, client_hash="c")
    with pytest.raises(ReportRejected, match="platform: cannot be changed"):
        update_report(store, receipt.code, {"platform": "outlier"}, NOW, client_hash="c")
    with pytest.raises(ReportRejected, match=r"paid_date: .* before the work began"):
        update_report(store, receipt.code, {"status": "paid_late", "paid_date": "2025-07-01"}, NOW, client_hash="c")
    assert rows(store)[0]["status"] == "unpaid_pending"


def test_changing_the_narrative_sends_an_approved_report_back_to_moderation(store: Store) -> None:
    receipt = submit_report(store, valid(raw_report()), client_hash="c", now=NOW)
    approve(store, [receipt.report_id])
    result = update_report(store, receipt.code, {"narrative": "Now call me on +254 712 345 678"}, NOW, client_hash="c")
    assert result.moderation_status == "pending"
    assert rows(store)[0]["narrative_scrubbed"] == "Now call me on [phone]"


def test_guessing_codes_is_rate_limited(store: Store) -> None:
    for i in range(20):
        with pytest.raises(ReceiptNotFound):
            update_report(store, f"WRONG-{i:04d}", {"status": "paid_late"}, NOW, client_hash="guesser")
    with pytest.raises(RateLimited):
        update_report(store, "WRONG-9999", {"status": "paid_late"}, NOW, client_hash="guesser")


# -- moderation and the published figures ---------------------------------------------------------


def _submit(store: Store, n: int, **changes: Any) -> list[str]:
    ids = []
    for i in range(n):
        raw = raw_report(amount_expected=str(100 + 37 * i), work_period_end=f"2025-07-{10 + i:02d}", **changes)
        ids.append(submit_report(store, valid(raw), client_hash=f"c{i}-{changes}", now=NOW).report_id)
    return ids


def test_the_lake_holds_no_report_rows_only_published_figures(any_store: Store) -> None:
    store = any_store
    approved = _submit(store, 6)
    _submit(store, 2, country="PH")
    no_consent = _submit(store, 1, consent_publish_aggregate=False)
    approve(store, approved + no_consent)
    tables = {r[0] for r in store.read_rows(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [LAKE])}
    assert not tables & {"payment_reports", "report_events", "submission_log", "report_cells"}
    figures = all_figures(store)
    assert set(figures["grouping"]) == {"platform", "month", "payment_method"}
    platform = figures[figures["grouping"] == "platform"].iloc[0]
    assert platform["n_reports"] == 6 and not platform["suppressed"]  # pending and unconsented ones not counted
    for forbidden in ("narrative_scrubbed", "report_id", "receipt_hash", "days_late", "followup_days", "country"):
        assert forbidden not in figures.columns


def test_withdraw_erases_the_report_and_republishes(store: Store) -> None:
    ids = _submit(store, 5)
    receipt = submit_report(store, valid(raw_report(project_code="aether", amount_expected="999")),
                            client_hash="c", now=NOW)
    approve(store, [*ids, receipt.report_id])
    assert queries.delay_summary(store)["n_reports"].iloc[0] == 6
    withdraw_report(store, receipt.code, client_hash="c", now=NOW)
    assert receipt.report_id not in {r["report_id"] for r in rows(store)}
    assert queries.delay_summary(store)["n_reports"].iloc[0] == 5
    with pytest.raises(ReceiptNotFound):
        update_report(store, receipt.code, {"status": "paid_late", "paid_date": "2025-08-01"}, NOW, client_hash="c")
    log = audit_log(store)
    assert list(log["action"])[:1] == ["withdraw"] and log["moderator"].iloc[0] == "reporter"


def test_reject_erases_and_the_audit_log_keeps_who_and_why(store: Store) -> None:
    ids = _submit(store, 2)
    reject(store, ids[:1], reason="spam <b>")
    assert {r["report_id"] for r in rows(store)} == {ids[1]}
    entry = audit_log(store).iloc[0]
    assert entry["moderator"] == "tester" and entry["action"] == "rejected" and entry["report_id"] == ids[0]
    assert json.loads(entry["before"])["moderation_status"] == "pending"
    assert "spam" in json.loads(entry["after"])["moderation_note"]
    with pytest.raises(ReportError, match="moderator"):
        reports_store.approve(store, ids[1:], moderator="  ")
    vault = get_vault(store)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        vault.write(lambda con: con.execute("DELETE FROM audit_log"))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        vault.write(lambda con: con.execute("UPDATE audit_log SET moderator = 'someone else'"))


def test_one_event_counts_once_for_suppression(store: Store) -> None:
    ids = _submit(store, 6, project_code="valkyrie")
    event = create_event(store, title="Valkyrie cancelled", kind="project_cancelled", platform_id="mercor",
                         event_date=date(2025, 7, 20), now=NOW)
    assert tag_event(store, ids, event) == 6
    approve(store, ids)
    summary = queries.delay_summary(store)
    assert bool(summary["suppressed"].iloc[0]) and summary["n_reports"].isna().all()  # one independent report
    assert list_events(store).iloc[0]["n_reports"] == 6
    with pytest.raises(ReportError, match="already exists"):
        create_event(store, title="Valkyrie cancelled", kind="project_cancelled", platform_id="mercor",
                     event_date=date(2025, 7, 20), now=NOW)
    with pytest.raises(ReportError, match="no event"):
        tag_event(store, ids, "nope")


def test_merge_keeps_one_and_the_others_stop_counting(store: Store) -> None:
    keep, dup1, dup2 = _submit(store, 3)
    assert merge_duplicates(store, keep, [dup1, dup2, keep]) == 2
    approve(store, [keep])
    merged = rows(store, "moderation_status = 'merged'")
    assert {r["report_id"] for r in merged} == {dup1, dup2} and {r["duplicate_of"] for r in merged} == {keep}
    with pytest.raises(ReportError):
        merge_duplicates(store, dup1, [keep])


def test_queue_shows_flagged_reports_first(store: Store) -> None:
    plain = _submit(store, 1)
    big = submit_report(store, valid(raw_report(amount_expected="45000")), client_hash="x", now=NOW)
    queue = moderation_queue(store)
    assert list(queue["report_id"])[:1] == [big.report_id]
    assert plain[0] in set(queue["report_id"])
    with pytest.raises(ReportError, match="do not exist"):
        approve(store, ["no-such-report"])


def test_public_summary_suppresses_small_groups(store: Store) -> None:
    approve(store, _submit(store, 4))
    summary = queries.delay_summary(store)
    assert bool(summary["suppressed"].iloc[0]) and summary["n_reports"].isna().all()
    approve(store, _submit(store, 2, country="PH"))
    summary = queries.delay_summary(store)
    assert not bool(summary["suppressed"].iloc[0]) and summary["n_reports"].iloc[0] == 6


def test_dashboard_figures_are_those_of_the_binned_public_reports(any_store: Store) -> None:
    """The published figures of unsuppressed groups are `delays.delay_summary` of the approved,
    consented reports with follow-up days binned to 5 (suppressed groups carry no numbers)."""
    from collectors.reports import delays
    from collectors.store.reports.public import public_frame

    store = any_store
    raws = []
    for i in range(60):
        paid = i % 3 != 1
        end = date(2025, 6, 2) + timedelta(days=(i * 5) % 70)
        raws.append(raw_report(
            platform=("mercor", "outlier", "alignerr")[i % 3],
            status="paid_late" if paid else "unpaid_pending",
            work_period_start=(end - timedelta(days=6)).isoformat(), work_period_end=end.isoformat(),
            expected_pay_date=(end + timedelta(days=10)).isoformat() if i % 7 else None,
            paid_date=(end + timedelta(days=12 + i % 9)).isoformat() if paid else None,
            payment_method=(None, "paypal", "stripe", "wise")[i % 4],
            amount_expected=str(100 + 13 * i),
            consent_publish_aggregate=i % 11 != 5,
            submitted_at=NOW.isoformat(),  # an undated import row's report date is unknown (issue 14)
        ))
    account = import_reports(store, raws, source_name="union", now=NOW)
    ids = [r.report_id for r in account.rows if r.report_id]
    assert len(ids) == 60
    approve(store, ids[:-3])
    frame = public_frame(rows(store, "moderation_status = 'approved'"))
    for by, keys in (("platform", ["platform_id"]), ("payment_method", ["platform_id", "payment_method"])):
        expected = delays.delay_summary(frame, keys).set_index(keys)
        got = queries.delay_summary(store, by=by).set_index(keys)
        shown = got[~got["suppressed"].astype(bool)]
        assert len(shown) > 0
        for key, row in shown.iterrows():
            assert row["n_reports"] == expected.loc[key, "n_reports"]
            want = expected.loc[key, "median_days_late"]
            assert row["median_days_late"] == want or (pd.isna(row["median_days_late"]) and pd.isna(want))
        assert got.loc[got["suppressed"].astype(bool), "n_reports"].isna().all()
    assert all(d % 5 == 0 for d in queries.delay_curves(store)["days"].dropna())
    assert queries.count_rows(store, table="payment_reports")["n_rows"].iloc[0] == len(all_figures(store))


# -- imports ---------------------------------------------------------------------------------------


def test_import_account_row_by_row(store: Store) -> None:
    parsed = read_rows(FIXTURES / "union_export.csv")
    account = import_reports(store, parsed.rows, source_name="Test Union", labels=parsed.labels, now=NOW)
    outcome = {r.label: r.outcome for r in account.rows}
    assert outcome == {
        "line 2": "stored", "line 3": "stored", "line 4": "stored", "line 5": "rejected",
        "line 6": "held", "line 7": "held", "line 8": "rejected", "line 9": "rejected",
        "line 10": "duplicate", "line 11": "held", "line 12": "held",
    }
    messages = {r.label: r.messages for r in account.rows}
    assert messages["line 5"] == ("paid_date: 2025-07-01 is before the work began (2025-07-07)",)
    assert messages["line 8"][0].startswith("currency: 'XYZ' is not an ISO 4217 currency code")
    assert messages["line 9"][0].startswith("status: required")
    assert messages["line 6"] == ("very long delay: 533 days late",)
    assert messages["line 7"] == ("very large amount: about 45,000 USD",)
    assert messages["line 11"][0].startswith("possible duplicate of report")
    stored = rows(store)
    assert len(stored) == 7 and {r["run_id"] for r in stored} == {account.run_id}
    assert {r["source_kind"] for r in stored} == {"union_import"}
    assert all(r["moderation_status"] == "pending" for r in stored)
    # Nothing of a rejected row is stored.
    assert not rows(store, "json_extract(body, '$.currency') = 'XYZ' OR platform_id IN ('prolific', 'alignerr')")
    run = store.read_rows(f"SELECT run_kind, items_count, status FROM {LAKE}.collector_runs")
    assert run == [("import", 7, "ok")]
    # The same export again, as JSON: every row is a duplicate or rejected; nothing new is stored.
    parsed = read_rows(FIXTURES / "union_export.json")
    again = import_reports(store, parsed.rows, source_name="Test Union", labels=parsed.labels, now=NOW)
    assert again.count("stored") == again.count("held") == 0 and again.count("duplicate") == 8
    assert len(rows(store)) == 7


def test_cli_prints_the_account_and_exit_codes(lake_settings: Settings) -> None:
    out = io.StringIO()
    code = run_import_cli(FIXTURES / "union_export.csv", lake_settings, source_name="Union", out=out)
    text = out.getvalue()
    assert code == 1  # some rows rejected
    assert "line 5: REJECTED, nothing stored:" in text
    assert "    - Date you were paid: 2025-07-01 is before the work began (2025-07-07)" in text  # label words
    assert "line 10: duplicate, not stored again:" in text
    assert "line 6: stored, held for review as report" in text
    assert "11 row(s): 3 stored, 4 held for review, 1 duplicate, 3 rejected." in text
    out = io.StringIO()
    assert run_import_cli(FIXTURES / "union_export.json", lake_settings, source_name="Union", dry_run=True, out=out) == 1
    assert "DRY RUN" in out.getvalue()


def write_csv(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


HEADER = "platform,status,work_period_start,work_period_end,amount_expected,currency,platform_other,project_code,narrative,consent_publish_aggregate\n"


def test_hostile_import_rows_are_rejected_clearly_or_stored_safely(store: Store, lake_settings: Settings, tmp_path: Path) -> None:
    megabyte = "A" * 1_048_576
    lines = [
        'other,unpaid_pending,2025-07-01,2025-07-07,100,USD,<script>alert(1)</script>,,"<img src=x onerror=alert(1)>",yes',
        "mercor,unpaid_pending,2025-07-01,2025-07-07,101,USD,,\"'; DELETE FROM lake.payment_reports; --\",\"Robert'); DROP TABLE lake.payment_reports;--\",yes",
        f"mercor,unpaid_pending,2025-07-01,2025-07-07,102,USD,,,{megabyte},yes",
        "mercor,unpaid_pending,2025-07-01,2025-07-07,103,USD,,,\"right\u202eto\u202cleft \u0000null \u0007bell \u200bzero-width \u0085nel\",yes",
        "mercor,unpaid_pending,2025-07-01,2025-07-07,104,USD,,,too,many,cells,here",
    ]
    path = write_csv(tmp_path, HEADER + "\n".join(lines) + "\n")
    out = io.StringIO()
    assert run_import_cli(path, lake_settings, out=out) == 1
    text = out.getvalue()
    assert "line 4: REJECTED" in text and "What happened, in your words: 1,048,576 characters; at most 2,000 are accepted" in text
    assert "line 6: REJECTED" in text and "quote cells that contain commas" in text
    assert len(text) < 5000  # the megabyte is not echoed back
    stored = {r["amount_expected"]: r for r in rows(store)}
    assert set(stored) == {100, 101, 103}  # the table survived the SQL fragments
    assert stored[100]["platform_other"] == "<script>alert(1)</script>"  # a value, shown inert by the pages
    assert stored[100]["narrative_scrubbed"] == "<img src=x onerror=alert(1)>"
    assert stored[101]["project_code"] == "delete_from_lake_payment_reports"
    assert stored[101]["narrative_scrubbed"] == "Robert'); DROP TABLE lake.payment_reports;--"
    assert stored[103]["narrative_scrubbed"] == "righttoleft null bell zero-width\nnel"


def test_latin1_csv_is_refused_and_nothing_is_stored(store: Store, lake_settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path, HEADER + "other,unpaid_pending,2025-07-01,2025-07-07,100,USD,Caf\u00e9 Tasks,,d\u00e9j\u00e0,yes\n",
                     encoding="latin-1")
    out = io.StringIO()
    assert run_import_cli(path, lake_settings, out=out) == 2
    assert "not UTF-8 (byte 0xE9 on line 2" in out.getvalue() and "Nothing was stored" in out.getvalue()
    assert rows(store) == []
    # UTF-8 with a BOM (Excel's "CSV UTF-8") is fine.
    bom = write_csv(tmp_path, "\ufeff" + HEADER + "other,unpaid_pending,2025-07-01,2025-07-07,100,USD,Caf\u00e9,,,yes\n",
                    name="bom.csv")
    assert run_import_cli(bom, lake_settings, out=io.StringIO()) == 0
    assert rows(store)[0]["platform_other"] == "Caf\u00e9"


def test_utf16_and_malformed_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="UTF-16"):
        read_rows(write_csv(tmp_path, HEADER, encoding="utf-16"))
    with pytest.raises(ImportFormatError, match="array of objects"):
        read_rows(write_csv(tmp_path, '{"platform": "mercor"}', name="x.json"))
    with pytest.raises(ImportFormatError, match="not valid JSON"):
        read_rows(write_csv(tmp_path, "[{", name="y.json"))
    with pytest.raises(ImportFormatError, match="'platform' and 'status'"):
        read_rows(write_csv(tmp_path, "a,b\n1,2\n"))


def test_json_with_junk_items_and_lone_surrogates(store: Store, tmp_path: Path) -> None:
    items = [raw_report(narrative="bad \ud800 surrogate"), "not an object", 42, raw_report(amount_expected=float("nan"))]
    path = tmp_path / "x.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    parsed = read_rows(path)
    account = import_reports(store, parsed.rows, source_name="u", labels=parsed.labels, now=NOW)
    assert [r.outcome for r in account.rows] == ["stored", "rejected", "rejected", "rejected"]
    assert rows(store)[0]["narrative_scrubbed"] == "bad surrogate"
    assert "not a finite number" in account.rows[3].messages[0]


# -- property: nothing invalid is stored, nothing valid is refused ---------------------------------

ROW_VALUES = {
    "platform": st.sampled_from(["mercor", "outlier", "alignerr", "other", "nope", "", None, "<script>"]),
    "status": st.sampled_from(["unpaid_pending", "paid_late", "never_paid", "maybe", None]),
    "work_period_end": st.sampled_from(["2025-07-13", "2025-08-30", "2026-01-01", "13/07/2025", None]),
    "paid_date": st.sampled_from([None, "2025-07-01", "2025-08-15", "2027-01-01"]),
    "amount_expected": st.sampled_from([None, "350", "-3", "1e999", "150000", "45000", "abc"]),
    "currency": st.sampled_from(["USD", "KES", "XYZ", None]),
    "narrative": st.sampled_from([None, "", "ok", "x" * 2500, "email a@b.co", "\u202e\u0000"]),
    "consent_publish_aggregate": st.sampled_from([True, False, "yes", "perhaps", None]),
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries(ROW_VALUES), min_size=1, max_size=6))
def test_property_import_stores_exactly_the_valid_rows(store: Store, batch: list[dict[str, Any]]) -> None:
    before = len(rows(store))
    account = import_reports(store, batch, source_name=f"prop-{time.monotonic_ns()}", now=NOW)
    new = rows(store, "run_id = ?", [account.run_id])
    stored_ids = {r.report_id for r in account.rows if r.outcome in ("stored", "held")}
    assert {r["report_id"] for r in new} == stored_ids
    assert len(rows(store)) == before + len(stored_ids)
    for raw, row in zip(batch, account.rows, strict=True):
        result = validate(raw, now=NOW, source_kind="union_import")
        if result.errors:
            assert row.outcome == "rejected" and row.report_id is None
        else:
            assert row.outcome in ("stored", "held", "duplicate")


# -- concurrency ------------------------------------------------------------------------------------


def _submit_from_process(settings: Settings, worker: int, count: int, start_at: float) -> list[str]:
    store = get_store(settings)
    reports = [
        validate(raw_report(amount_expected=str(1000 + worker * 100 + i), narrative=f"worker {worker} report {i}"),
                 now=datetime.now(UTC)).report
        for i in range(count)
    ]
    while time.time() < start_at:
        time.sleep(0.005)
    ids = []
    for i, report in enumerate(reports):
        assert report is not None
        ids.append(submit_report(store, report, client_hash=f"w{worker}-{i}").report_id)
    reset_stores()
    return ids


@pytest.mark.slow
def test_fifty_reports_from_two_processes_are_all_stored_once(catalog_settings: Settings) -> None:
    store = get_store(catalog_settings)  # migrated before the workers start
    context = multiprocessing.get_context("spawn")
    start_at = time.time() + 4.0
    with context.Pool(2) as pool:
        results = pool.starmap(_submit_from_process, [(catalog_settings, w, 25, start_at) for w in (1, 2)])
    returned = [i for ids in results for i in ids]
    assert len(returned) == 50 and len(set(returned)) == 50
    stored = [tuple(r) for r in get_vault(store).rows("SELECT report_id, count(*) FROM reports GROUP BY report_id")]
    assert len(stored) == 50 and all(n == 1 for _, n in stored)
    assert {r for r, _ in stored} == set(returned)
    assert get_vault(store).rows("SELECT sum(n) FROM rate_counters")[0][0] == 50


def _published_tables(store: Store) -> dict[str, pd.DataFrame]:
    from collectors.store.reports.public import (
        DELAY_TABLE,
        FIGURES_TABLE,
        INCIDENTS_TABLE,
        PAY_TABLE,
        RISK_TABLE,
    )

    return {table: store.read_df(f"SELECT * EXCLUDE (published_at) FROM {LAKE}.{table}").pipe(
                lambda f: f.sort_values(list(f.columns)).reset_index(drop=True))
            for table in (FIGURES_TABLE, RISK_TABLE, DELAY_TABLE, PAY_TABLE, INCIDENTS_TABLE)}


def test_a_decision_publishes_what_a_fresh_read_of_the_vault_publishes(store: Store) -> None:
    """Moderation decisions publish from the rows their vault transaction read (not every body
    again): each publication equals `publish` reading the whole vault afresh."""
    from collectors.store.reports.public import publish

    first = _submit(store, 7)
    second = _submit(store, 6, country="PH", payment_method="paypal")
    later = _submit(store, 3, project_code="later")
    event = create_event(store, title="Later cancelled", kind="project_cancelled", platform_id="mercor",
                         event_date=date(2025, 7, 20), now=NOW)
    steps = [
        lambda: approve(store, first),
        lambda: approve(store, second[:4], note="checked"),
        lambda: merge_duplicates(store, second[0], second[4:]),
        lambda: tag_event(store, later, event),
        lambda: approve(store, later),
        lambda: reject(store, first[:2], reason="spam"),
        lambda: approve(store, [first[2], second[1]]),  # approved again: counted once
    ]
    for step in steps:
        step()
        after_decision = _published_tables(store)
        publish(store)
        fresh = _published_tables(store)
        for table, frame in fresh.items():
            pd.testing.assert_frame_equal(after_decision[table], frame, check_dtype=True, obj=table)


def test_vault_bodies_decode_to_equal_values_and_encode_as_before(store: Store) -> None:
    """The memoised tags (`vault._TAGGERS`, `vault._hook`) give the same text and values as the
    plain ones: equal objects, never a tag dict shared between two encoded values."""
    import gc

    from collectors.reports.dates import ApproxDate
    from collectors.reports.schema import Payment
    from collectors.store import vault

    approve(store, _submit(store, 3))
    for row in rows(store):
        text = vault.encode(row)
        assert vault.decode(text) == row and vault.encode(vault.decode(text)) == text
    day = date(2025, 7, 1)
    value = {"a": ApproxDate.day(day), "b": ApproxDate.day(day), "c": datetime(2025, 7, 1, tzinfo=UTC),
             "d": [day, day], "e": Payment(ApproxDate.day(day), None, "paid"), "f": {"$x": 1}}
    text = vault.encode(value)
    assert text == json.dumps({"a": {"$approx": ApproxDate.day(day).to_json()},
                               "b": {"$approx": ApproxDate.day(day).to_json()},
                               "c": {"$datetime": "2025-07-01T00:00:00+00:00"},
                               "d": [{"$date": "2025-07-01"}, {"$date": "2025-07-01"}],
                               "e": {"$payment": Payment(ApproxDate.day(day), None, "paid").to_json()},
                               "f": {"$x": 1}}, ensure_ascii=False, sort_keys=True)
    assert vault.decode(text) == value
    assert gc.isenabled()
    with vault.paused_gc():
        assert not gc.isenabled()
        with vault.paused_gc():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
