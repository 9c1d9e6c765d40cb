"""Methodology: what is measured and how, rendered from `data/README.md` (the one source of truth)."""

from __future__ import annotations

import streamlit as st

from dashboard import common, readme

text = readme.read_readme()
st.title("Methodology")
if not text:
    common.empty_state(
        "The methodology file is missing.",
        "This page renders `data/README.md` from the gigwatch repository; restore that file.",
    )
    st.stop()

preamble, sections = readme.split_sections(text)
intro = readme.strip_title(preamble)
if intro:
    st.markdown(intro)
st.caption("Rendered from `data/README.md`, which also ships with every export.")

for section in sections:
    if section.title.lower() == readme.DICTIONARY_SECTION.lower():
        st.header(section.title, anchor="data-dictionary")
        lead, tables = readme.split_sections(section.body, level=3)
        if lead:
            common.markdown_with_tables(lead)
        for table in tables:
            with st.expander(f"Table `{table.title}`"):
                common.markdown_with_tables(table.body)
        continue
    st.header(section.title, anchor=False)
    common.markdown_with_tables(section.body)

st.download_button(
    "Download the methodology and data dictionary (README.md)", text.encode("utf-8"),
    file_name="gigwatch-data-README.md", mime="text/markdown", key="readme_download",
)
