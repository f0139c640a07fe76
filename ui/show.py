"""Streamlit display helpers that several pages share."""

from __future__ import annotations

from typing import Any

import streamlit as st


def chart(fig: Any, key: str, where: Any = st) -> None:
    """A figure at full width without Plotly's toolbar (``where``: st or a column)."""
    where.plotly_chart(fig, width="stretch", key=key, config={"displayModeBar": False})
