"""Streamlit display helpers that several pages share."""

from __future__ import annotations

from typing import Any

import streamlit as st

from . import classroom


def chart(fig: Any, key: str, where: Any = st) -> None:
    """A figure at full width without Plotly's toolbar (``where``: st or a column)."""
    where.plotly_chart(fig, width="stretch", key=key, config={"displayModeBar": False})


def latex(tex: str) -> None:
    """A display equation, unless the link hides equations (``?hide=equations``)."""
    if not classroom.hidden("equations"):
        st.latex(tex)
