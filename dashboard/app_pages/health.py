"""Sources and health: every source's last run, status, items, failures and suspicious runs, and
the kept raw responses behind a listing."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from collectors.backfill import archive_mode, not_archivable_reason
from collectors.sources import SourcesError, load_sources
from collectors.store import StoreError
from dashboard import common, i18n, queries
from dashboard.i18n import _

RAW_PREVIEW_CHARS = 20_000

st.title(_("Sources and health"))
st.markdown(
    _("Every source gigwatch collects, how its last run went, and how many runs failed or looked "
      "suspicious (far fewer items than the last good run) in the 30 days before the last collection. "
      "Failed and suspicious runs close no listing, so a broken source leaves a gap, not a fall.")
)
status = common.lake_status()
names = common.platform_names()


@st.cache_data(ttl=600)
def configured_coverage(language: str) -> dict[str, str]:
    """Sources whose endpoint shows only part of the public list (data/sources.toml `coverage`).

    Keyed by the view's language: a warning drawn here is replayed from the cache."""
    try:
        return {source.name: source.coverage for source in load_sources() if source.coverage}
    except SourcesError as exc:
        st.warning(_("data/sources.toml could not be read, so coverage notes are missing: {error}").format(
            error=common.md_escape(exc)))
        return {}


coverage = configured_coverage(i18n.current())

health = common.query(queries.sources_health, window_days=30)
if health.empty:
    common.empty_state(_("No sources have run yet."), common.no_data_todo())
else:
    health = health.assign(platform=[names.get(p, p) for p in health["platform_id"]])
    failing = health[health["last_status"] != "ok"]
    c1, c2, c3 = st.columns(3)
    c1.metric(_("Sources"), common.fmt_number(len(health)))
    c2.metric(_("Last run not ok"), common.fmt_number(len(failing)))
    c3.metric(_("Failed or suspicious runs (30 days)"),
              common.fmt_number(int(health["failed_window"].sum() + health["suspicious_window"].sum())))
    common.frame_table(
        health[["source_name", "platform", "kind", "last_status", "last_run_at", "last_items", "last_ok_at",
                "runs_window", "failed_window", "suspicious_window", "last_error", "url"]],
        column_config={
            # Translators: column headers; "30 d" = the last 30 days.
            "runs_window": st.column_config.NumberColumn(_("runs (30 d)")),
            "failed_window": st.column_config.NumberColumn(_("failed (30 d)")),
            "suspicious_window": st.column_config.NumberColumn(_("suspicious (30 d)")),
            "url": st.column_config.LinkColumn(_("endpoint")),
        },
    )
    common.caption(int(health["runs_total"].sum()), _("runs recorded"), as_of=status.get("as_of"))

    # A 404/410 is recorded as a failed run whose error starts "BoardGone": the board was removed
    # or renamed. A failed run closes nothing, so its listings stay as last seen.
    gone = health[(health["last_status"] == "failed")
                  & health["last_error"].fillna("").str.startswith("BoardGone")]
    if not gone.empty:
        st.subheader(_("Boards gone"), anchor=False)
        st.warning(
            _("The last run of these sources got HTTP 404 or 410: the board is gone or was renamed. "
              "That is recorded as a failed run, not as every listing closing; their listings stay as "
              "last seen until the token is fixed or the entry disabled.")
        )
        common.frame_table(gone[["source_name", "platform", "last_run_at", "last_ok_at", "last_error"]])
        common.caption(len(gone), _("sources whose board is gone"))

if coverage:
    st.subheader(_("Partial coverage"), anchor=False)
    st.info(
        _("These sources see only part of the platform's public list, so their counts, and the "
          "listings they close, describe that part only.")
    )
    common.frame_table(pd.DataFrame({"source_name": list(coverage), "coverage": list(coverage.values())}))
    common.caption(len(coverage), _("sources with partial coverage (from data/sources.toml)"))

st.subheader(_("History from archives"), anchor=False)
st.markdown(
    _("Runs replayed from web-archive captures (`gigwatch backfill archive`) and git-scraped archives "
      "(`gigwatch backfill git`), per source: a capture proves what was published at that moment, "
      "nothing about the gaps between captures (see Methodology).")
)
archive_coverage = common.query(queries.archive_coverage)
if archive_coverage.empty:
    st.info(_("No archive captures yet: `gigwatch backfill archive` adds history from before the first live run."))
else:
    common.frame_table(archive_coverage.assign(platform=[names.get(p, p) for p in archive_coverage["platform_id"]])[
        ["source_name", "platform", "capture_kind", "captures", "used", "unparseable", "first_capture_at",
         "last_capture_at", "live_from"]],
        column_config={"live_from": st.column_config.DatetimeColumn(_("live collection from"))})
    common.caption(int(archive_coverage["captures"].sum()), _("captures and commits kept"))
    captures = common.query(queries.archive_captures)
    with st.expander(_("Every capture used ({n}), with its link").format(n=common.fmt_number(len(captures)))):
        common.frame_table(captures[["captured_at", "source_name", "capture_kind", "link"]],
                           column_config={"link": st.column_config.LinkColumn(_("capture"))})

try:
    unarchivable = [(s.name, not_archivable_reason(s)) for s in load_sources() if archive_mode(s) == "none"]
except SourcesError:
    unarchivable = []
if unarchivable:  # from data/sources.toml (configuration, not user input)
    # The reasons come from collectors.backfill as English text (not translated here).
    st.caption(_("Not in web archives: {sources}").format(
        sources=" · ".join(f"`{name}` ({why})" for name, why in unarchivable)))

st.subheader(_("Failed and suspicious runs"), anchor=False)
problems = common.query(queries.problem_runs, limit=200)
if problems.empty:
    st.success(_("No failed or suspicious runs recorded."))
else:
    common.frame_table(problems)
    common.caption(len(problems), _("runs (newest first, at most {limit})").format(limit=200))

st.subheader(_("Raw responses behind a listing"), anchor=False)
st.markdown(
    _("Every response is kept compressed, by hash, so any number can be traced to what the platform "
      "published and when. Paste a listing key (from Explore) to see the responses of the runs that "
      "recorded each of its versions.")
)
listing_key = common.param_text(_("Listing key"), key="listing", help=_("platform|source|external id"))
if listing_key:
    responses = common.query(queries.listing_raw_responses, listing_key=listing_key)
    if responses.empty:
        st.info(
            _("No kept responses for this listing key. Check the key (Explore → Listings), or note that "
              "generated demo data and imports keep no raw responses.")
        )
    else:
        common.frame_table(responses)
        common.caption(len(responses), _("kept responses"))
        sha = common.param_choice(_("Show a response"), responses["content_sha256"].unique().tolist(), key="raw",
                                  default=str(responses["content_sha256"].iloc[0]))
        try:
            body = common.store().get_raw_body(sha)
        except StoreError as exc:
            st.warning(_("{error}: the file may have been removed by maintenance.").format(error=common.md_escape(exc)))
        else:
            text = body.decode("utf-8", errors="replace")
            shown = text[:RAW_PREVIEW_CHARS]
            st.code(shown, language=None, wrap_lines=True)  # shown as inert text, never rendered
            if len(text) > RAW_PREVIEW_CHARS:
                st.caption(_("Showing the first {shown} of {total} characters.").format(
                    shown=common.fmt_number(RAW_PREVIEW_CHARS), total=common.fmt_number(len(text))))
            st.download_button(_("Download this response"), body, file_name=f"{sha}.raw", key="raw_download")

common.permalink_box()
