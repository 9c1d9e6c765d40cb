"""The floor page `make bench` measures beside the dashboard: the least a Streamlit page with one
plotly chart (1,000 points) and one 100-row table costs on this machine, by the same method.

Not part of the package: `streamlit run benchmarks/floor_app.py`. The data is fixed (seeded), so
every run draws the same page.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

POINTS = 1_000
TABLE_ROWS = 100

st.set_page_config(page_title="Streamlit floor (benchmark)", layout="wide")
st.title("Floor: one chart, one table")
rng = np.random.default_rng(16)
series = pd.DataFrame({
    "day": pd.date_range("2024-01-01", periods=POINTS, freq="D"),
    "value": rng.normal(size=POINTS).cumsum(),
})
st.plotly_chart(px.line(series, x="day", y="value"), width="stretch")
st.dataframe(series.head(TABLE_ROWS), width="stretch")
