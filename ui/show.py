"""Streamlit display helpers that several pages share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st
from _plotly_utils.utils import is_homogeneous_array, is_skipped_key, to_typed_array_spec
from plotly.basedatatypes import BaseFigure

from . import classroom, state
from .fig_base import Plain
from .view import PAGE_TABS

PRESENT_FONT = 19  # px of a figure's text in presentation mode (ticks: 18)
PRESENT_GROWTH = 1.25  # a figure's height in presentation mode, for its larger text


def chart(fig: Any, key: str, where: Any = st) -> None:
    """A figure (``go.Figure`` or ``Plain``) at full width without Plotly's toolbar
    (``where``: st or a column); its text larger in presentation mode (on a copy: a figure
    may be cached and shared)."""
    if classroom.present():
        fig = fig.figure() if isinstance(fig, Plain) else go.Figure(fig)
        fig.update_layout(font=dict(size=PRESENT_FONT), legend_font_size=PRESENT_FONT - 1)
        if fig.layout.height:  # taller too, or the larger tick labels crowd each other
            fig.update_layout(height=round(fig.layout.height * PRESENT_GROWTH))
        if fig.layout.title.text:
            fig.update_layout(title_font_size=PRESENT_FONT + 2)
        fig.update_annotations(font_size=PRESENT_FONT - 2)  # subplot titles, notes
        axes = dict(tickfont=dict(size=PRESENT_FONT - 1), title_font_size=PRESENT_FONT)
        fig.update_xaxes(**axes)
        fig.update_yaxes(**axes)
    plotly_chart(where, fig, width="stretch", key=key, config={"displayModeBar": False})


def tabs(labels: Sequence[str], page: str) -> list[Any]:
    """``st.tabs`` (key ``"<page>:tab"``) whose tabs know whether they are open
    (``tab.open``), so that a page may draw the open one only: a rerun then costs one tab,
    not all of them. Switching tabs reruns the page. The open tab is part of the view
    (``View.tab``, by its link name in ``PAGE_TABS[page]``), so a shared link or a reload
    opens it, and it stays open when its label changes (a label may name the
    concatenation order)."""
    ss, v, labels = st.session_state, state.view(), list(labels)
    names, key = PAGE_TABS[page], f"{page}:tab"

    def clicked() -> None:
        j = labels.index(ss[key]) if ss.get(key) in labels else 0
        state.set_view(tab=names[j] if j else "")  # the first tab is the default: no tab=

    # The view says which tab is open; the tabs' own state follows it. (Their default is
    # left alone: it is part of the widget's identity, and a new identity would drop the
    # next click.)
    if v.tab not in ("", *names):  # another page's tab
        state.set_view(tab="")
    wanted = labels[names.index(v.tab)] if v.tab in names else labels[0]
    if ss.get(key) != wanted:
        ss[key] = wanted
    return list(st.tabs(labels, key=key, on_change=clicked))


def expander(label: str, key: str, icon: str | None = None) -> Any:
    """``st.expander`` that knows whether it is open (``.open``), so that a page draws its
    contents only while it is: closed, it costs a rerun nothing; opening it reruns."""
    return st.expander(label, icon=icon, key=key, on_change="rerun")


def latex(tex: str) -> None:
    """A display equation, unless the link hides equations (``?hide=equations``)."""
    if not classroom.hidden("equations"):
        st.latex(tex)


def table(
    df: pd.DataFrame | pa.Table,
    *,
    hide_index: bool = True,
    height: int | None = None,
    number_format: str | None = None,
) -> None:
    """A read-only table: the scrollable grid, or in presentation mode a plain table, whose
    text the projector's CSS enlarges (the grid draws on a canvas that CSS cannot reach).
    ``df``: a DataFrame, or the Arrow table of one (``pa.Table.from_pandas``), which the
    grid sends as it is.

    ``number_format``: a printf format for the numeric columns ("%.4g"); ``height``: px,
    beyond which the table scrolls.
    """
    if isinstance(df, pa.Table) and classroom.present():
        df = df.to_pandas()  # st.table formats a DataFrame
    numeric = _numeric_columns(df) if number_format is not None else []
    if classroom.present():
        if number_format is not None:
            df = df.astype({c: object for c in numeric})
            for c in numeric:
                df[c] = [number_format % v if np.isfinite(v) else str(v) for v in df[c]]
        st.table(df, hide_index=hide_index, height=height or "content")
        return
    config = (
        {c: st.column_config.NumberColumn(str(c), format=number_format) for c in numeric}
        if number_format
        else None
    )
    st.dataframe(
        df, hide_index=hide_index, width="stretch", height=height or "auto", column_config=config
    )


def _numeric_columns(df: pd.DataFrame | pa.Table) -> list[Any]:
    if isinstance(df, pa.Table):  # its columns, not the index stored beside them
        index = (df.schema.pandas_metadata or {}).get("index_columns", [])
        kinds = (pa.types.is_integer, pa.types.is_floating, pa.types.is_boolean)
        return [
            f.name for f in df.schema if f.name not in index and any(kind(f.type) for kind in kinds)
        ]
    return [c for c, t in df.dtypes.items() if pd.api.types.is_numeric_dtype(t)]


def plotly_chart(where: Any, fig: Any, **kwargs: Any) -> None:
    """``where.plotly_chart``, taking a ``Plain`` figure as well."""
    where.plotly_chart(_Handed(fig) if isinstance(fig, Plain) else fig, **kwargs)


class _Handed(BaseFigure):  # type: ignore[misc]
    """A ``Plain`` figure as ``st.plotly_chart`` takes it: a Plotly figure, of which it
    only calls ``to_dict``. Plotly's own state is never built (that is the point)."""

    def __init__(self, fig: Plain) -> None:
        self._plain = fig

    def to_dict(self) -> dict[str, Any]:
        if not self._plain.arrays:  # nothing to convert, and Streamlit only reads them
            return {"data": self._plain.data, "layout": self._plain.layout}
        layout = dict(self._plain.layout)
        # the template is Plotly's own plain JSON, which Streamlit only reads: sent as it is
        template = layout.pop("template", None)
        sent = _sent(layout) | ({} if template is None else {"template": template})
        return {"data": _sent(self._plain.data), "layout": sent}


def _sent(obj: Any) -> Any:
    """``obj`` as Plotly's ``to_dict`` returns it: new dicts and lists, NumPy arrays under
    dict keys as typed arrays (base64), as ``convert_to_base64`` leaves them."""
    if isinstance(obj, dict):
        return {k: _sent_value(k, v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_sent(v) for v in obj]
    return obj


_SCALARS = (str, int, float, bool, type(None))


def _sent_value(key: str, v: Any) -> Any:
    # plain scalars first: Plotly's array test is slow, and most of a figure is scalars
    if type(v) in _SCALARS or is_skipped_key(key):
        return v
    return to_typed_array_spec(v) if is_homogeneous_array(v) else _sent(v)
