"""The reference for bench_ui.py: the smallest Streamlit app with one slider and one Plotly chart.

Run it from the repository root (``streamlit run benchmarks/ref_app.py``) so it
reads the same ``.streamlit/config.toml`` as the real app.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

a = st.slider("a", -10.0, 10.0, 1.0, step=0.1, format="%.2f")
z = np.linspace(-8, 8, 200)
fig = go.Figure(go.Scatter(x=z, y=1 / (1 + np.exp(-a * z)), mode="lines"))
fig.update_layout(height=300, margin=dict(l=10, r=10, t=10, b=10))
st.plotly_chart(fig, key="chart")
