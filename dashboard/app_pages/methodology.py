"""Methodology: what is measured and how, rendered from `data/README.md` (the one source of truth).

The README is English and authoritative and is not translated; a short summary of it ("In brief")
comes first, in the view's language.
"""

from __future__ import annotations

import streamlit as st

from dashboard import common, queries, readme
from dashboard.i18n import _


def in_brief() -> list[str]:
    """The summary of data/README.md, one Markdown paragraph each, in the view's language.

    Keep it faithful to data/README.md: when the method changes there, change it here too."""
    return [
        _("**What is measured.** The pay that AI-training platforms **advertise** on their public "
          "listings (what a platform *offers*, not what workers earn), how much work is available "
          "(listings open each day, how many open and close, how long they stay up), how long workers "
          "report waiting to be paid, and dated pay changes and incidents cited from the press, each "
          "with its source."),
        _("**Collection.** Public listings are collected on a schedule and every response is kept, so "
          "each number can be traced to what the platform published and when. A listing closes only "
          "when it is absent from a successful, complete collection: a failed or suspicious run closes "
          "nothing, so a broken source leaves a gap, not a fall."),
        _("**Hourly pay.** Time-based pay is converted to US dollars per hour: the hours per week the "
          "listing states, otherwise 40; 2,080 hours a year; a month is a twelfth of a year; a day is "
          "8 hours. Other currencies are converted at the monthly reference rate of the month the "
          "listing was seen. Pay per task, per item or per minute of media is **never** turned into an "
          "hourly wage unless the time per unit is known: it is shown apart, in its own unit."),
        _("**Payment delays.** Workers report late or missing pay through the form, and unions import "
          "their cases; a report counts only once a moderator has approved it. Dates are often "
          "approximate, so a report's delay is an interval of days, never a guessed day "
          "(interval-censored), and a report still unpaid counts as unpaid after its last confirmed "
          "day rather than being dropped, which would make delays look shorter. The median and the "
          "shares paid are estimated over these intervals and may be published as a range. The "
          "reports of one mass incident count once."),
        _("**Small groups are suppressed.** A figure that would rest on fewer than {n} independent "
          "reports is not published (no number, not even the count), nor is a group that would let "
          "such a small group be worked out by subtraction. The page says when a figure is suppressed "
          "and why.").format(n=queries.MIN_REPORTS),
        _("**Reports stay private.** Reporters are anonymous. Free text is scrubbed of identifiers and "
          "never shown publicly; the reports themselves are kept in a private vault, apart from the "
          "published data, and only grouped, suppressed aggregates are published. No client address "
          "and no forum username is kept. A withdrawn or rejected report is erased, and the figures "
          "are published again without it."),
        _("**Every figure shows its count and date.** Beside every chart and card: how many rows it "
          "rests on (n) and when the data was last collected (“as of”). Advertised rates are not "
          "earnings, and workers' own reports are claims, not verified facts."),
        _("**Demo data.** The demo lake holds fictional platforms whose names start with “Demo”, "
          "with fictional listings and reports; every page shows a banner when it is served, and it "
          "is never mixed into real data. Do not cite it."),
        _("**How to cite.** Use the permalink under “Cite or share this view”: it stores the filters "
          "and the data snapshot, so it shows exactly the same numbers later. Cite as: gigwatch, the "
          "page, the snapshot number, the date you retrieved it and the permalink, and cite the "
          "platforms' original sources too. Every chart also offers its data (CSV, JSON) and a "
          "ready citation (plain text, BibTeX, CSL-JSON)."),
    ]


text = readme.read_readme()
st.title(_("Methodology"))
with st.container(border=True):
    st.subheader(_("In brief"), anchor="in-brief")
    for paragraph in in_brief():
        st.markdown(paragraph)
    st.markdown(_("*The full methodology below is in English; it is the authoritative version, and this "
                  "summary gives way to it wherever they differ.*"))

if not text:
    common.empty_state(
        _("The methodology file is missing."),
        _("This page renders `data/README.md` from the gigwatch repository; restore that file."),
    )
    st.stop()

preamble, sections = readme.split_sections(text)
intro = readme.strip_title(preamble)
if intro:
    st.markdown(intro)
st.caption(_("Rendered from `data/README.md`, which also ships with every export."))

for section in sections:
    if section.title.lower() == readme.DICTIONARY_SECTION.lower():
        st.header(section.title, anchor="data-dictionary")
        lead, tables = readme.split_sections(section.body, level=3)
        if lead:
            common.markdown_with_tables(lead)
        for table in tables:
            with st.expander(_("Table `{name}`").format(name=table.title)):
                common.markdown_with_tables(table.body)
        continue
    st.header(section.title, anchor=False)
    common.markdown_with_tables(section.body)

st.download_button(
    _("Download the methodology and data dictionary (README.md)"), text.encode("utf-8"),
    file_name="gigwatch-data-README.md", mime="text/markdown", key="readme_download",
)
