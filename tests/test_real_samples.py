"""Parsers against real saved responses (../shared/real-samples, see its MANIFEST.md).

The samples are not part of the repository: every test here skips, with the reason, when the
folder is absent. Counts and pay values are those MANIFEST.md states or the files themselves show.
DERIVED CSVs are an upstream scraper's processed output: they check pay extraction, not shapes.
"""

from __future__ import annotations

import csv
import html
import re
import sys
from pathlib import Path

import pytest

from collectors.pay import Pay, parse_pay
from collectors.records import ListingRecord
from collectors.sources import (
    _common,
    alignerr_page,
    ashby,
    greenhouse,
    handshake,
    jsonld,
    lever,
    mercor,
    outlier,
    workable,
)
from tests.sources_fakes import dumps, framer_chunk

REAL_SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "real-samples"

pytestmark = pytest.mark.skipif(
    not REAL_SAMPLES.is_dir(), reason=f"real samples not available at {REAL_SAMPLES}"
)

csv.field_size_limit(sys.maxsize)


def sample(path: str) -> bytes:
    return (REAL_SAMPLES / path).read_bytes()


def rows(path: str) -> list[dict[str, str]]:
    with (REAL_SAMPLES / path).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def pay_tuple(record: ListingRecord) -> tuple[float | None, float | None, str | None, str] | None:
    pay = record.pay
    return None if pay is None else (pay.min, pay.max, pay.currency, pay.unit)


# --- Greenhouse ---------------------------------------------------------------------------------


def test_greenhouse_single_job_scaleai() -> None:
    [job] = greenhouse.parse(sample("greenhouse/scaleai_job_4599700005.json"))
    assert job.external_id == "4599700005"
    assert job.title == "Staff Infrastructure Software Engineer, Enterprise AI"
    assert job.url == "https://job-boards.greenhouse.io/scaleai/jobs/4599700005"
    assert job.location == "New York, NY; San Francisco, CA"
    assert job.department == "Enterprise Engineering"
    assert job.posted_at is not None and job.posted_at.isoformat() == "2025-08-20T19:23:26-04:00"
    # Fetched without pay_transparency (no pay_input_ranges), but the content embeds Greenhouse's
    # pay-transparency block with the annual base salary range.
    assert pay_tuple(job) == (252000, 315000, "USD", "year")
    assert job.pay_text == "$252,000 — $315,000 USD"


def test_greenhouse_board_list_smarterdx() -> None:
    hourly, annual = greenhouse.parse(sample("greenhouse/smarterdx_board_list_trimmed.json"))
    assert (hourly.external_id, annual.external_id) == ("5193736007", "5099964007")
    assert hourly.is_remote is True and hourly.location == "Remote (United States)"
    assert hourly.pay_text == "$34.62/hour"  # under the "Compensation" heading
    assert hourly.pay is not None and (hourly.pay.min, hourly.pay.max, hourly.pay.unit) == (34.62, 34.62, "hour")
    assert annual.pay is not None and (annual.pay.min, annual.pay.max, annual.pay.unit) == (75000, 105000, "year")


def test_alignerr_greenhouse_content_pay_blocks_match_the_raw_spans() -> None:
    """DERIVED CSV: `description_raw` is the raw, entity-escaped Greenhouse `content` of 153 jobs."""
    spans = re.compile(
        r'<div class="pay-range"><span>\$([\d,.]+)(?: USD)?</span><span class="divider">&mdash;</span>'
        r"<span>\$([\d,.]+) USD</span>"
    )
    checked = 0
    for row in rows("other/alignerr_greenhouse_content_derived_2025-06.csv"):
        content = html.unescape(row["description_raw"])
        expected = spans.search(content)
        assert expected, row["id"]
        found = greenhouse.pay_from_content(_common.unescape_if_escaped(row["description_raw"]))
        assert found is not None, row["id"]
        text, pay = found
        low, high = (float(g.replace(",", "")) for g in expected.groups())
        assert (pay.min, pay.max, pay.currency, pay.unit) == (low, high, "USD", "hour"), row["id"]
        assert text.startswith("Pay Range (rate per hour): $")
        checked += 1
    assert checked == 153


# --- Lever --------------------------------------------------------------------------------------


def test_lever_single_postings_without_pay() -> None:
    [with_lists] = lever.parse(sample("lever/mistral_posting_3e8b03e7_with_lists.json"))
    assert with_lists.external_id == "3e8b03e7-ff33-4cd1-8042-90b7ac3c4683"
    assert with_lists.title == "AI Developer Advocate - Singapore"
    assert with_lists.country == "SG" and with_lists.employment_type == "Full-time"
    assert with_lists.pay is None  # "What we offer" lists perks ($90 gym allowance), not pay
    [no_lists] = lever.parse(sample("lever/mistral_posting_618c9763_no_lists.json"))
    assert no_lists.external_id == "618c9763-cb22-4343-baca-cf1cf6b05f5c"
    assert no_lists.pay is None  # $120/month transport, $400 meal allowance: not pay


def test_lever_postings_list_palantir() -> None:
    london, palo_alto = lever.parse(sample("lever/palantir_postings_list_trimmed.json"))
    assert london.url == "https://jobs.lever.co/palantir/ac978161-6f46-4f6b-ad9e-a258e642751c"
    assert london.country == "GB" and london.is_remote is False
    assert london.pay is None
    assert palo_alto.pay_text == (
        "The estimated salary range for this position is estimated to be $60,000 - $97,000/year."
    )
    assert palo_alto.pay is not None
    assert (palo_alto.pay.min, palo_alto.pay.max, palo_alto.pay.unit) == (60000, 97000, "year")


# --- Ashby --------------------------------------------------------------------------------------


def test_ashby_mercor_board_annual_salaries() -> None:
    records = ashby.parse(sample("ashby/mercor_posting-api_job-board_2025-10-28.json"))
    assert len(records) == 19
    first = records[0]
    assert first.external_id == "296c4031-5e98-4772-95f5-a9eb5bd7746d"
    assert first.url == "https://jobs.ashbyhq.com/mercor/296c4031-5e98-4772-95f5-a9eb5bd7746d"
    assert pay_tuple(first) == (130000, 500000, "USD", "year")
    assert first.pay_text == "$130K – $500K • Offers Equity"
    with_components = [r for r in records if r.pay is not None and r.pay.currency == "USD"]
    assert len(with_components) == 11
    assert all(r.pay is not None and r.pay.unit == "year" for r in with_components)


def test_ashby_gimlet_hourly_component() -> None:
    records = {r.title: r for r in ashby.parse(sample("ashby/gimlet_posting-api_hourly-comp_2025-10-28.json"))}
    assert len(records) == 9
    for title in ("AI Researcher (Intern)", "Software Engineer (Intern)"):
        assert pay_tuple(records[title]) == (50, 60, "USD", "hour")
        assert records[title].pay_text == "$50.00 – $60.00 per hour"
    assert pay_tuple(records["Chief of Staff"]) == (100000, 250000, "USD", "year")


def test_ashby_empty_compensation_is_no_pay() -> None:
    records = ashby.parse(sample("ashby/ericleerepo_board_list_no-comp.json"))
    assert len(records) == 2
    assert all(r.pay is None and r.pay_text is None for r in records)
    assert records[0].is_remote is False and records[0].country == "US"


# --- JSON-LD ------------------------------------------------------------------------------------


def test_jsonld_mercor_page_hourly_unit_text() -> None:
    [job] = jsonld.parse(
        sample("jsonld/mercor_job_page_generalist-writer_list_AAABm4Xm5vZiwyWXybFBRJJN.html")
    )
    assert job.external_id == "list_AAABm4Xm5vZiwyWXybFBRJJN"
    assert job.title == "Generalist Writer"
    assert job.url == "https://work.mercor.com/jobs/list_AAABm4Xm5vZiwyWXybFBRJJN/generalist-writer"
    assert pay_tuple(job) == (35, 45, "USD", "hour")  # baseSalary, not the "$35-40/hour" prose
    assert job.pay_text == "USD 35–45 per HOURLY"
    assert job.is_remote is True


def test_jsonld_ashby_extracted_object() -> None:
    [job] = jsonld.parse(sample("jsonld/ashby_confluent_jobposting_ldjson.json"))
    assert job.external_id == "85107937-8f12-4336-abb8-e88f344c6bcc"
    assert job.title == "Principal Engineer, Engineering AI Productivity"
    assert pay_tuple(job) == (285000, 342000, "USD", "year")
    assert job.country == "US" and job.employment_type == "FULL_TIME"


# --- Mercor -------------------------------------------------------------------------------------


def test_mercor_explore_page_first_eight() -> None:
    records = mercor.parse(sample("other/mercor_listings-explore-page_2026-09-03_first8.json"))
    assert len(records) == 8
    assert [(r.pay.min, r.pay.max) for r in records if r.pay] == [
        (15, 20), (45, 65), (87, 87), (138, 138), (150, 156), (100, 120), (100, 120), (100, 120),
    ]
    assert all(r.pay is not None and (r.pay.currency, r.pay.unit) == ("USD", "hour") for r in records)
    assert [r.hours_per_week for r in records] == [40, 10, 20, 20, 20, 6, 13, 20]
    assert records[0].url == "https://work.mercor.com/jobs/list_AAABoGdJ4CbRDb3Q0LxObpT2"
    assert records[1].country == "US"  # eligibleLocation ["USA"]


def test_mercor_public_listings_csv_urls_and_rates() -> None:
    """DERIVED CSV of /work/listings-public: our public URL pattern and rate reading agree."""
    table = rows("other/mercor_listings-public_derived_2025-06.csv")
    assert len(table) == 27
    listings = []
    for row in table:
        match = re.fullmatch(r"\$([\d.]+) - \$([\d.]+) hourly", row["compensation"])
        assert match, row["compensation"]
        low, high = match.groups()
        listings.append({"listingId": row["id"], "title": row["title"], "rateMin": float(low),
                         "rateMax": float(high), "payRateFrequency": "hourly", "location": row["location"]})
    records = mercor.parse(dumps(listings))
    for row, record in zip(table, records, strict=True):
        assert record.url == row["absolute_url"]
        expected = parse_pay(row["compensation"])
        assert expected is not None and record.pay is not None
        assert (record.pay.min, record.pay.max, record.pay.unit) == (expected.min, expected.max, "hour")


# --- Alignerr -----------------------------------------------------------------------------------


def test_alignerr_job_page() -> None:
    [job] = alignerr_page.parse(sample("other/alignerr_job_page_43cc3db4_RECONSTRUCTED.html"))
    assert job.external_id == "bf069570-d33d-4c40-b647-045c7b155c29"  # the variant's masterJobId
    assert job.url == "https://www.alignerr.com/jobs/43cc3db4-ae8e-40d2-bb61-f948318ee41c"
    assert job.title == "Biology Expert (Masters/PhDs)"
    assert pay_tuple(job) == (75, 90, None, "hour")  # a bare "$": USD only as an assumption
    assert job.location == "Vancouver" and job.is_remote is True and job.country is None
    assert job.pay_text == "$75-90/hr"
    assert job.employment_type == "CONTRACT" and job.department == "STEM"


# --- Workable -----------------------------------------------------------------------------------


def test_workable_job_json() -> None:
    [job] = workable.parse(sample("other/workable_gable_job.json"), options={"account": "gable"})
    assert job.external_id == "6EF9ADEAB7"
    assert job.title == "Staff Software Engineer, Infrastructure"
    assert job.url == "https://apply.workable.com/gable/j/6EF9ADEAB7/"
    assert job.country == "US" and job.is_remote is False
    assert job.pay is not None and (job.pay.min, job.pay.max, job.pay.unit) == (210000, 250000, "year")
    assert job.pay_text is not None and job.pay_text.startswith("Base Salary Range: $210K - $250K")


# --- Outlier (DERIVED CSV) ----------------------------------------------------------------------


def test_outlier_payment_section_wins_over_description_sentences() -> None:
    """Rows with a `payment` value: rebuilt as Outlier's detail shape (description, then a
    Payment section), the Payment section is what we read, as the upstream crawler did."""
    checked = 0
    for row in rows("other/outlier_jobs_derived_2025-06.csv"):
        if not row["payment"]:
            continue
        detail = {
            "id": int(row["id"]), "title": row["title"], "location": {"name": row["location"]},
            "content": f"<p>{html.escape(row['description'])}</p><h3>Payment</h3><p>{row['payment']}</p>",
        }
        [record] = outlier.parse(dumps(detail))
        assert record.url == row["url"]
        assert record.pay_text == row["payment"]
        expected = parse_pay(row["payment"])
        assert record.pay == expected and expected is not None and expected.unit == "hour"
        checked += 1
    assert checked == 8


def test_outlier_pay_sentences_found_where_the_upstream_column_is_empty() -> None:
    """The 26 rows with an empty `payment` all state pay in a sentence ("Currently, pay rates ...
    average USD $12.5 per hour"): our description reader finds an hourly USD rate in each."""
    empty = [row for row in rows("other/outlier_jobs_derived_2025-06.csv") if not row["payment"]]
    assert len(empty) == 26
    for row in empty:
        found = _common.find_pay_in_text(row["description"] + "\n" + row["requirements"])
        assert found is not None, row["id"]
        pay: Pay = found[1]
        assert (pay.currency, pay.unit) == ("USD", "hour"), row["id"]
        assert pay.max is not None and 5 <= pay.max <= 60, row["id"]


# --- Handshake (DERIVED CSV) --------------------------------------------------------------------


def test_handshake_pay_text_matches_what_the_site_showed() -> None:
    """The 2025 MOVE pages showed "Up to $X/hr"; a chunk carrying payMax X yields that text."""
    table = rows("other/handshake_move_jobs_derived_2025-06.csv")
    assert len(table) == 33
    chunk = []
    for row in table:
        match = re.fullmatch(r"Up to \$(\d+)/hr", row["pay"])
        assert match, row["pay"]
        chunk.append({"slug": row["url"].rsplit("/", 1)[-1], "title": row["title"],
                      "description": row["overview"], "pay_max": float(match.group(1))})
    records = handshake.parse(framer_chunk(chunk))
    assert len(records) == 33
    for row, record in zip(table, records, strict=True):
        assert record.title == row["title"]
        assert record.pay_text == row["pay"]
        assert record.pay == parse_pay(row["pay"])
        assert record.pay is not None and record.pay.up_to and record.pay.unit == "hour"


def test_every_raw_sample_in_the_manifest_is_covered() -> None:
    manifest = (REAL_SAMPLES / "MANIFEST.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([^`]+)`", manifest, re.M))
    covered = {
        "greenhouse/scaleai_job_4599700005.json", "greenhouse/smarterdx_board_list_trimmed.json",
        "lever/mistral_posting_3e8b03e7_with_lists.json", "lever/mistral_posting_618c9763_no_lists.json",
        "lever/palantir_postings_list_trimmed.json",
        "ashby/mercor_posting-api_job-board_2025-10-28.json",
        "ashby/gimlet_posting-api_hourly-comp_2025-10-28.json", "ashby/ericleerepo_board_list_no-comp.json",
        "jsonld/mercor_job_page_generalist-writer_list_AAABm4Xm5vZiwyWXybFBRJJN.html",
        "jsonld/ashby_confluent_jobposting_ldjson.json",
        "other/mercor_listings-explore-page_2026-09-03_first8.json",
        "other/alignerr_job_page_43cc3db4_RECONSTRUCTED.html", "other/workable_gable_job.json",
        "other/mercor_listings-public_derived_2025-06.csv", "other/outlier_jobs_derived_2025-06.csv",
        "other/handshake_move_jobs_derived_2025-06.csv",
        "other/alignerr_greenhouse_content_derived_2025-06.csv",
    }
    reddit = {name for name in listed if name.startswith("reddit/")}  # another engineer's format
    assert listed - reddit == covered
