"""Explore and download: filterable tables of listings, versions, aggregates, events and payment
reports; CSV and Parquet downloads with the data dictionary; a permalink pinned to the snapshot."""

from __future__ import annotations

import io
from collections.abc import Callable
from urllib.parse import quote

import pandas as pd
import streamlit as st

from collectors.categories import CATEGORY_LABELS
from collectors.csvsafe import safe_csv_bytes
from dashboard import common, queries, readme
from dashboard.i18n import N_, _, pgettext

ROW_LIMIT = queries.PREVIEW_ROWS
# Rows sent to the browser at once: a table of 10,000 rows was 4.4 MB per visit. The downloads hold
# all the rows the filters give (up to ROW_LIMIT), built when clicked.
PAGE_ROWS = 250
# Table -> its label (English here, translated where shown: `common.translated`).
DATASETS = {
    "listings": N_("Listings (latest version of each)"),
    "listing_versions": N_("Listing versions (one row per change)"),
    "weekly_pay": N_("Aggregate: weekly advertised hourly pay (USD)"),
    "open_listings_daily": N_("Aggregate: open listings per day"),
    "events": N_("Events (dated, sourced)"),
    "payment_reports": N_("Payment reports: published figures (grouped; no report rows)"),
    "forum_posts": N_("Forum posts with signals (public posts, scrubbed titles)"),
}
# Listing status filter: value (in the URL) -> its label, translated when called.
STATUS_LABELS: dict[str, Callable[[], str]] = {
    "any": lambda: pgettext("listing status", "any"),
    "open": lambda: pgettext("listing status", "open"),
    "closed": lambda: pgettext("listing status", "closed"),
}
# The dictionary of tables that data/README.md does not describe (translated where shown; the column
# names in the first cell of each row are the downloads' own and stay as they are).
AGGREGATE_COLUMNS = {
    # Translators: a Markdown table; keep the column names (week_start, platform_id, ...) and the pipes.
    "weekly_pay": N_(
        "| column | meaning |\n|---|---|\n"
        "| week_start | Monday of the week (UTC) |\n| platform_id | platform |\n"
        "| currency, pay_unit | USD per hour (equivalent) |\n"
        "| n_listings | listings open at the end of the week with time-based pay |\n"
        "| median, p25, p75 | median and quartiles of their hourly USD midpoints |\n"
        "| sampled_at | the moment the week was sampled (week end, or the last collection) |"
    ),
    # Translators: a Markdown table; keep the column names (day, platform_id, open_listings) and the pipes.
    "open_listings_daily": N_(
        "| column | meaning |\n|---|---|\n| day | calendar day (UTC) |\n| platform_id | platform |\n"
        "| open_listings | listings open at the end of the day |"
    ),
    "payment_reports": N_(
        "Grouped figures only, never report rows: one row per grouping (platform, month pay was due, "
        "payment method) and group, with time-to-payment figures over follow-up days binned to 5. Groups "
        "of fewer than 5 independent reports, and groups that would let one be worked out by "
        "subtraction, are suppressed (no numbers, not even the count). Always the latest publication: "
        "a withdrawn report leaves these figures at every snapshot."
    ),
    "forum_posts": N_(
        "Public forum posts that mention late or missing pay, pay cuts or empty queues: a link to the "
        "post, a scrubbed excerpt of its title and the signals found. No usernames are kept. Posts are "
        "signals, not measurements."
    ),
}



def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """The rows as a Parquet file."""
    out = io.BytesIO()
    frame.to_parquet(out, index=False)
    return out.getvalue()


st.title(_("Explore and download"))
st.markdown(
    _("Filter a table, download it as CSV or Parquet with its data dictionary, and cite it with the "
      "permalink at the bottom: it stores the filters and the data snapshot, so the same rows come "
      "back later. For whole tables, `gigwatch export` writes every public table at once.")
)

names = common.platform_names()
dataset = common.param_choice(_("Table"), list(DATASETS), key="table", default="listings",
                              format_func=lambda table: common.translated(DATASETS[table]))
snapshot_id = common.snapshot()
status = common.lake_status()

with st.container(border=True):
    platforms = common.platform_filter()
    frame = pd.DataFrame()
    total: int | None = None
    if dataset == "listings":
        options = common.query(queries.filter_options)
        cols = st.columns(3)
        with cols[0]:
            chosen_categories = common.param_multiselect(
                _("Role category"), options.loc[options["kind"] == "category", "value"].tolist(), key="category",
                # A known category's label (translated once collectors.categories marks it); else the value.
                format_func=lambda c: common.translated(CATEGORY_LABELS[c]) if c in CATEGORY_LABELS else c,
            )
        with cols[1]:
            listing_status = common.param_choice(
                _("Status"), list(STATUS_LABELS), key="status", default="any", widget="radio",
                format_func=lambda value: STATUS_LABELS[value](),
            )
        with cols[2]:
            search = common.param_text(_("Title contains"), key="q")
        frame = common.query(queries.listings_table, platforms=tuple(platforms), categories=tuple(chosen_categories),
                             status=listing_status, search=search, limit=ROW_LIMIT)
        total = int(common.query(queries.count_rows, table="listings", platforms=tuple(platforms))["n_rows"].iloc[0])
    elif dataset == "listing_versions":
        key = common.param_text(_("Listing key (optional)"), key="listing",
                                help=_("e.g. platform|source|external id"))
        frame = common.query(queries.listing_versions_table, platforms=tuple(platforms), listing_key=key, limit=ROW_LIMIT)
        total = int(common.query(queries.count_rows, table="listing_versions", platforms=tuple(platforms))["n_rows"].iloc[0])
    elif dataset == "weekly_pay":
        frame = common.query(queries.weekly_pay, platforms=tuple(platforms))
    elif dataset == "open_listings_daily":
        frame = common.query(queries.open_listings_daily, platforms=tuple(platforms))
    elif dataset == "events":
        frame = common.query(queries.events, platforms=tuple(platforms))
    elif dataset == "payment_reports":
        frame = common.query(queries.payment_reports, platforms=tuple(platforms), limit=ROW_LIMIT)
        total = int(common.query(queries.count_rows, table="payment_reports", platforms=tuple(platforms))["n_rows"].iloc[0])
    else:
        frame = common.query(queries.forum_posts)
        if platforms and not frame.empty and "platform_id" in frame:
            frame = frame[frame["platform_id"].isin(platforms)]

if frame.empty:
    common.empty_state(
        _("No rows match."),
        _("Clear a filter or pick another table.") + ("" if status.get("n_listings") else " " + common.no_data_todo()),
    )
else:
    config: dict[str, object] = {}
    if "url" in frame:
        config["url"] = st.column_config.LinkColumn("url")
    n_pages = -(-len(frame) // PAGE_ROWS)
    page_no = 1
    if n_pages > 1:
        page_no = int(common.param_choice(
            # Translators: the label of a choice of which rows of a long table to show.
            _("Rows shown"), [str(n) for n in range(1, n_pages + 1)], key="rows", default="1",
            # Translators: one choice of rows to show, e.g. "251–500 of 10,000".
            format_func=lambda p: _("{first}–{last} of {n}").format(
                first=common.fmt_number((int(p) - 1) * PAGE_ROWS + 1),
                last=common.fmt_number(min(int(p) * PAGE_ROWS, len(frame))), n=common.fmt_number(len(frame))),
        ))
    shown = frame.iloc[(page_no - 1) * PAGE_ROWS:page_no * PAGE_ROWS]
    if "listing_key" in frame:
        # Each listing links to the kept raw responses behind it (Sources and health); the
        # downloads leave this column out.
        shown = shown.copy()
        shown.insert(1, "raw_responses", ["health?listing=" + quote(k, safe="") for k in shown["listing_key"]])
        # Translators: a column header, and the text of its links (to the responses behind a listing).
        config["raw_responses"] = st.column_config.LinkColumn(_("raw responses"), display_text=_("trace"))
    # Column names stay as they are: the data dictionary below and the downloads use them.
    common.frame_table(shown, column_config=config, translate_headers=False)
    notes = [_("snapshot {snapshot}").format(snapshot=snapshot_id)]
    if total is not None:
        notes.append(_("{n} in the table for these platforms").format(n=common.fmt_number(total)))
    if len(frame) >= ROW_LIMIT:
        notes.append(_("only the first {n} are shown and downloaded: narrow the filters, "
                       "or use `gigwatch export` for everything").format(n=common.fmt_number(ROW_LIMIT)))
    common.caption(len(frame), _("rows"), as_of=status.get("as_of"), extra=" · ".join(notes))

    stem = f"gigwatch_{dataset}_snapshot{snapshot_id}"
    cols = st.columns(3)
    # Built when clicked (on a thread of their own, from the rows in hand), not on every run.
    with cols[0]:
        st.download_button(_("Download CSV"), lambda: safe_csv_bytes(frame), file_name=f"{stem}.csv",
                           mime="text/csv", key="download_csv", on_click="ignore", width="stretch")
    with cols[1]:
        st.download_button(_("Download Parquet"), lambda: parquet_bytes(frame), file_name=f"{stem}.parquet",
                           mime="application/vnd.apache.parquet", key="download_parquet", on_click="ignore",
                           width="stretch")
    with cols[2]:
        st.download_button(_("Data dictionary (README.md)"), lambda: readme.read_readme().encode("utf-8"),
                           file_name="gigwatch-data-README.md", mime="text/markdown", key="download_readme",
                           on_click="ignore", width="stretch")
    if common.store().is_demo:
        st.caption(_("These rows are fictional demo data: do not cite them."))

st.subheader(_("Data dictionary"), anchor=False)
entry = readme.table_dictionary(readme.read_readme(), "report_figures" if dataset == "payment_reports" else dataset)
if entry:  # from data/README.md: English, authoritative (see the Methodology page)
    common.markdown_with_tables(entry)
elif dataset in AGGREGATE_COLUMNS:
    common.markdown_with_tables(common.translated(AGGREGATE_COLUMNS[dataset]))
else:
    common.markdown_with_tables(_("See the Methodology page."))

st.subheader(_("Releases"), anchor=False)
common.release_list()

common.permalink_box()
