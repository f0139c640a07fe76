"""Streamlit display helpers that several pages share."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from . import classroom

PRESENT_FONT = 19  # px of a figure's text in presentation mode (ticks: 18)


def chart(fig: Any, key: str, where: Any = st) -> None:
    """A figure at full width without Plotly's toolbar (``where``: st or a column); its
    text larger in presentation mode (on a copy: a figure may be cached and shared)."""
    if classroom.present():
        fig = go.Figure(fig)
        fig.update_layout(font=dict(size=PRESENT_FONT))
        fig.update_xaxes(tickfont=dict(size=PRESENT_FONT - 1))
        fig.update_yaxes(tickfont=dict(size=PRESENT_FONT - 1))
    where.plotly_chart(fig, width="stretch", key=key, config={"displayModeBar": False})


def latex(tex: str) -> None:
    """A display equation, unless the link hides equations (``?hide=equations``)."""
    if not classroom.hidden("equations"):
        st.latex(tex)
