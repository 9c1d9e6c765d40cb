"""Explore and download: filterable tables of listings, versions, aggregates, events and payment
reports; CSV and Parquet downloads with the data dictionary; a permalink pinned to the snapshot."""

from __future__ import annotations

import io
from urllib.parse import quote

import pandas as pd
import streamlit as st

from collectors.categories import CATEGORY_LABELS
from collectors.csvsafe import safe_csv_bytes
from dashboard import common, queries, readme

ROW_LIMIT = queries.PREVIEW_ROWS
DATASETS = {
    "listings": "Listings (latest version of each)",
    "listing_versions": "Listing versions (one row per change)",
    "weekly_pay": "Aggregate: weekly advertised hourly pay (USD)",
    "open_listings_daily": "Aggregate: open listings per day",
    "events": "Events (dated, sourced)",
    "payment_reports": "Payment reports: published figures (grouped; no report rows)",
    "forum_posts": "Forum posts with signals (public posts, scrubbed titles)",
}
AGGREGATE_COLUMNS = {
    "weekly_pay": (
        "| column | meaning |\n|---|---|\n"
        "| week_start | Monday of the week (UTC) |\n| platform_id | platform |\n"
        "| currency, pay_unit | USD per hour (equivalent) |\n"
        "| n_listings | listings open at the end of the week with time-based pay |\n"
        "| median, p25, p75 | median and quartiles of their hourly USD midpoints |\n"
        "| sampled_at | the moment the week was sampled (week end, or the last collection) |"
    ),
    "open_listings_daily": (
        "| column | meaning |\n|---|---|\n| day | calendar day (UTC) |\n| platform_id | platform |\n"
        "| open_listings | listings open at the end of the day |"
    ),
    "payment_reports": (
        "Grouped figures only, never report rows: one row per grouping (platform, month pay was due, "
        "payment method) and group, with time-to-payment figures over follow-up days binned to 5. Groups "
        "of fewer than 5 independent reports, and groups that would let one be worked out by "
        "subtraction, are suppressed (no numbers, not even the count). Always the latest publication: "
        "a withdrawn report leaves these figures at every snapshot."
    ),
    "forum_posts": (
        "Public forum posts that mention late or missing pay, pay cuts or empty queues: a link to the "
        "post, a scrubbed excerpt of its title and the signals found. No usernames are kept. Posts are "
        "signals, not measurements."
    ),
}

st.title("Explore and download")
st.markdown(
    "Filter a table, download it as CSV or Parquet with its data dictionary, and cite it with the "
    "permalink at the bottom: it stores the filters and the data snapshot, so the same rows come "
    "back later. For whole tables, `gigwatch export` writes every public table at once."
)

names = common.platform_names()
dataset = common.param_choice("Table", list(DATASETS), key="table", default="listings", format_func=DATASETS.get)
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
                "Role category", options.loc[options["kind"] == "category", "value"].tolist(), key="category",
                format_func=lambda c: CATEGORY_LABELS.get(c, c),
            )
        with cols[1]:
            listing_status = common.param_choice(
                "Status", ["any", "open", "closed"], key="status", default="any", widget="radio",
            )
        with cols[2]:
            search = common.param_text("Title contains", key="q")
        frame = common.query(queries.listings_table, platforms=tuple(platforms), categories=tuple(chosen_categories),
                             status=listing_status, search=search, limit=ROW_LIMIT)
        total = int(common.query(queries.count_rows, table="listings", platforms=tuple(platforms))["n_rows"].iloc[0])
    elif dataset == "listing_versions":
        key = common.param_text("Listing key (optional)", key="listing", help="e.g. platform|source|external id")
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
        "No rows match.",
        "Clear a filter or pick another table. " + ("" if status.get("n_listings") else common.NO_DATA_TODO),
    )
else:
    config: dict[str, object] = {}
    if "url" in frame:
        config["url"] = st.column_config.LinkColumn("url")
    shown = frame
    if "listing_key" in frame:
        # Each listing links to the kept raw responses behind it (Sources and health); the
        # downloads leave this column out.
        shown = frame.copy()
        shown.insert(1, "raw_responses", ["health?listing=" + quote(k, safe="") for k in frame["listing_key"]])
        config["raw_responses"] = st.column_config.LinkColumn("raw responses", display_text="trace")
    common.frame_table(shown, column_config=config)
    notes = [f"snapshot {snapshot_id}"]
    if total is not None:
        notes.append(f"{total:,} in the table for these platforms")
    if len(frame) >= ROW_LIMIT:
        notes.append(f"only the first {ROW_LIMIT:,} are shown and downloaded: narrow the filters, "
                     "or use `gigwatch export` for everything")
    common.caption(len(frame), "rows", as_of=status.get("as_of"), extra=" · ".join(notes))

    stem = f"gigwatch_{dataset}_snapshot{snapshot_id}"
    parquet = io.BytesIO()
    frame.to_parquet(parquet, index=False)
    cols = st.columns(3)
    with cols[0]:
        st.download_button("Download CSV", safe_csv_bytes(frame), file_name=f"{stem}.csv",
                           mime="text/csv", key="download_csv", width="stretch")
    with cols[1]:
        st.download_button("Download Parquet", parquet.getvalue(), file_name=f"{stem}.parquet",
                           mime="application/vnd.apache.parquet", key="download_parquet", width="stretch")
    with cols[2]:
        st.download_button("Data dictionary (README.md)", readme.read_readme().encode("utf-8"),
                           file_name="gigwatch-data-README.md", mime="text/markdown", key="download_readme",
                           width="stretch")
    if common.store().is_demo:
        st.caption("These rows are fictional demo data: do not cite them.")

st.subheader("Data dictionary", anchor=False)
entry = readme.table_dictionary(readme.read_readme(), "report_figures" if dataset == "payment_reports" else dataset)
common.markdown_with_tables(entry or AGGREGATE_COLUMNS.get(dataset, "See the Methodology page."))

st.subheader("Releases", anchor=False)
common.release_list()

common.permalink_box()
