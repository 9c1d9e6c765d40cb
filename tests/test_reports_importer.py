"""Hostile import files are a clear per-file error, never a traceback; and messages for people
speak the form's labels, never internal field names."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from collectors.reports.importer import ImportFormatError, read_rows
from collectors.reports.schema import FIELD_LABELS, validate

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("[" * 200_000 + "]" * 200_000, "nests arrays or objects too deeply"),
    ('[{"platform": "mercor", "amount_expected": ' + "9" * 5000 + "}]", "5,000 digits long"),
    ('[{"platform": ' + "[" * 50 + "]" * 50 + "}]", "more than 8 levels deep"),
])
def test_hostile_json_is_a_clear_per_file_error(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(text)
    with pytest.raises(ImportFormatError, match=expected) as caught:
        read_rows(path)
    assert "Nothing was stored" in str(caught.value) and "hostile.json" in str(caught.value)


def test_a_normal_json_file_with_payments_and_hours_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "ok.json"
    path.write_text('[{"platform": "mercor", "status": "paid_late", "payments": [{"date": "2025-07-10", '
                    '"amount": "100"}], "unpaid_hours": {"waiting": 2}}]')
    rows = read_rows(path).rows
    assert rows[0]["payments"][0]["amount"] == "100" and rows[0]["unpaid_hours"] == {"waiting": 2}


INTERNAL = re.compile(r"\b(" + "|".join(re.escape(n) for n in FIELD_LABELS if "_" in n) + r")\b")


@pytest.mark.parametrize("raw", [
    {"platform": "mercor", "status": "paid_late", "work_period_start": "2025-07-07",
     "work_period_end": "2025-07-13", "paid_date": "2025-07-01"},
    {"platform": "mercor", "status": "unpaid_pending", "work_period_end": "2025-07-13",
     "rate_min": "9", "rate_max": "5", "rate_unit": "hour", "currency": "USD"},
    {"platform": "mercor", "status": "unpaid_pending"},
    {"platform": "mercor", "status": "unpaid_pending", "work_period_end": "13/07/2025",
     "support_contacted": "no", "support_response": "canned"},
    {"platform": "other", "status": "never_paid", "work_period_end": "2025-07"},
])
def test_messages_for_people_use_the_field_labels(raw: dict[str, str]) -> None:
    result = validate(raw, now=NOW)
    assert result.report is None and result.messages
    for message in result.messages:
        assert not INTERNAL.search(message), message
    assert len(result.messages) == len(result.errors)


def test_paid_before_the_work_began_in_words() -> None:
    result = validate({"platform": "mercor", "status": "paid_late", "work_period_start": "2025-07-07",
                       "work_period_end": "2025-07-13", "paid_date": "2025-07-01"}, now=NOW)
    assert result.messages == ["Date you were paid: 2025-07-01 is before the work began (2025-07-07)"]
    assert result.errors == ["paid_date: 2025-07-01 is before the work began (2025-07-07)"]  # for programs
