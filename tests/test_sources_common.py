"""The description reader every format shares: where pay is stated, and where it is not."""

from __future__ import annotations

from datetime import UTC, datetime

from collectors.sources import _common as c


def found(html: str) -> tuple | None:
    result = c.find_pay_in_html(html)
    if result is None:
        return None
    text, pay = result
    return text, pay.min, pay.max, pay.unit


def test_heading_then_amount_even_in_bold() -> None:
    assert found("<h3>Payment</h3><p><strong>$50 per hour</strong></p>") == ("$50 per hour", 50, 50, "hour")


def test_section_stops_at_the_next_heading() -> None:
    html = "<h3>Compensation</h3><p>Competitive.</p><h3>Benefits</h3><p>$120/month gym stipend</p>"
    assert found(html) is None


def test_inline_label() -> None:
    html = "<p><strong>Pay rate:</strong> $25–$35/hr depending on location</p>"
    assert found(html) == ("Pay rate: $25–$35/hr depending on location", 25, 35, "hour")


def test_sentence_with_a_pay_phrase_and_a_nearby_exclusion_only_when_close() -> None:
    assert found("<p>Earn a $200 referral bonus for every friend.</p>") is None
    html = "<p>We support customer teams. Currently, pay rates average USD $12.5 per hour.</p>"
    assert found(html) == ("Currently, pay rates average USD $12.5 per hour.", 12.5, 12.5, "hour")


def test_money_without_a_pay_phrase_is_not_pay() -> None:
    assert found("<p>We raised $100M from top investors.</p>") is None
    assert found("<p>Annual revenue of $5,000,000.</p>") is None


def test_markdown_heading_lines() -> None:
    text = "**5\\. Compensation & Contract Terms**\n\n- $35-40/hour for completed work\n"
    result = c.find_pay_in_text(text)
    assert result is not None and result[0] == "- $35-40/hour for completed work"
    assert (result[1].min, result[1].max) == (35, 40)


def test_unescape_only_when_escaped() -> None:
    assert c.unescape_if_escaped("&lt;p&gt;a &amp;amp; b&lt;/p&gt;") == "<p>a &amp; b</p>"
    assert c.unescape_if_escaped("<p>1 &lt; 2</p>") == "<p>1 &lt; 2</p>"


def test_description_hash_ignores_whitespace_only_edits() -> None:
    assert c.description_sha256("a  b\n c") == c.description_sha256("a b c")
    assert c.description_sha256("a b c") != c.description_sha256("a b d")
    assert c.description_sha256("  ") is None


def test_dates_and_countries() -> None:
    assert c.parse_datetime(1775267699644) == datetime(2026, 4, 4, 1, 54, 59, 644000, tzinfo=UTC)
    assert c.parse_datetime("2026-09-03T12:41:30") == datetime(2026, 9, 3, 12, 41, 30, tzinfo=UTC)
    assert c.parse_datetime("2026-05-13") == datetime(2026, 5, 13, tzinfo=UTC)
    assert c.parse_datetime("next week") is None
    assert c.country_code("USA") == "US" and c.country_code("united kingdom") == "GB"
    assert c.country_code("Atlantis") is None
    assert c.single_country(["USA", "CAN"]) is None
