"""The frame every Plotly figure shares: size, margins, classroom-readable text.

The figures themselves live in modules by topic: ``fig_step`` (one step), ``fig_time``
(a sequence through time), ``fig_shapes`` (array shapes and framework layouts) and
``fig_slopes`` (activations, slopes and rounding).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

FONT = dict(size=15)
# Floor of the log-axis charts of slopes and products. Lower than the core's LOG_FLOOR
# (1e-300, the gradient charts' floor with "below" markers): these charts have no
# markers, so values down into the subnormal range keep their true place on the axis.
PLOT_FLOOR = 1e-320


def base(fig: go.Figure, height: int, title: str | None = None) -> go.Figure:
    """Size, margins and classroom-readable text for every figure (one layout update:
    each of Plotly's validated calls costs about as much as building the figure)."""
    return fig.update_layout(base_layout(height, title) | _axes_text(fig))


def axis(title: str | None = None, **props: Any) -> dict[str, Any]:
    """An axis with the text ``base`` sets, as a plain dict for ``fast_figure``."""
    text = {"text": title} if title is not None else {}
    return dict(tickfont=dict(size=14), title=dict(text, font=dict(size=15)), **props)


def base_layout(height: int, title: str | None = None) -> dict[str, Any]:
    """What ``base`` sets, as a plain layout dict for ``fast_figure`` (axes: ``axis``)."""
    return dict(
        height=height,
        margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        font=FONT,
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend=dict(font=dict(size=14)),
        **({"title": dict(text=title, font=dict(size=17))} if title else {}),
    )


@dataclass(frozen=True)
class Plain:
    """A figure as the plain dicts Plotly sends, template included; ``show.chart`` hands
    them to Streamlit as they are.

    For the figures only drawn, never changed: a ``go.Figure`` makes an object of every
    trace, shape and annotation and copies its dicts twice (once when built, once when
    Streamlit asks for them), about 1 to 4 ms per chart. ``figure()`` is the same figure
    as a ``go.Figure``, for a caller that changes it. ``arrays``: False when the dicts
    hold no NumPy arrays (read from JSON), which Plotly would send as base64."""

    data: list[dict[str, Any]]
    layout: dict[str, Any]
    arrays: bool = True

    def figure(self) -> go.Figure:
        return go.Figure(data=self.data, layout=self.layout, _validate=False)

    def to_json(self) -> str:
        return str(self.figure().to_json())


def plain_figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> Plain:
    """A figure from plain dicts, without Plotly's per-property validation: for the
    figures redrawn on every edit."""
    # the default template given as a dict: building it from the registry for every
    # figure costs half of the figure (the JSON is the same)
    return Plain(data, {"template": _template(pio.templates.default), **layout})


def fast_figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """``plain_figure`` as a ``go.Figure`` (validating each trace, shape and annotation one
    call at a time costs more than the rest of a rerun)."""
    return plain_figure(data, layout).figure()


@lru_cache(maxsize=4)
def _template(name: str) -> dict[str, Any]:
    """The template Plotly would put in a figure, as a dict (the figure copies it)."""
    return pio.templates[name].to_plotly_json()


def framed_figure(
    data: list[dict[str, Any]], layout: dict[str, Any], height: int, title: str | None = None
) -> Plain:
    """``base(fast_figure(data, layout), height, title)`` as a ``Plain`` figure: the frame
    merged into ``layout`` (the frame wins, as in ``base``), tick text on every axis."""
    axes = {k for k in layout if _AXIS.fullmatch(k)} | {"xaxis", "yaxis"}
    frame = base_layout(height, title) | {a: AXIS_TEXT for a in sorted(axes)}
    return plain_figure(data, merged(layout, frame))


def merged(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """``a`` updated by ``b`` level by level, as Plotly's ``update_layout`` does (new dicts)."""
    out = dict(a)
    for k, v in b.items():  # b's dicts copied too: b may be a shared constant (AXIS_TEXT)
        old = out.get(k)
        out[k] = merged(old if isinstance(old, dict) else {}, v) if isinstance(v, dict) else v
    return out


_AXIS = re.compile(r"[xy]axis\d*")
# every axis's text: 14 px ticks, 15 px title (Streamlit's Plotly theme would draw 12)
AXIS_TEXT: dict[str, Any] = dict(tickfont=dict(size=14), title=dict(font=dict(size=15)))


def _axes_text(fig: go.Figure) -> dict[str, Any]:
    """Tick labels at 14 px on every axis (Streamlit's Plotly theme would draw them at 12)."""
    return {a.plotly_name: AXIS_TEXT for a in (*fig.select_xaxes(), *fig.select_yaxes())}


def figure_from_json(spec_json: str) -> go.Figure:
    """A fresh figure from a figure's JSON (its caller may change it), not validated again."""
    return plain_from_json(spec_json).figure()


def plain_from_json(spec_json: str) -> Plain:
    """A ``Plain`` figure from a figure's JSON (which has its template), in fresh dicts."""
    spec = json.loads(spec_json)
    return Plain(spec["data"], spec["layout"], arrays=False)


def cached_figure(build: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """``build`` (pure, with hashable arguments) kept as JSON per arguments; every call gets
    a fresh figure from it. For figures that do not change with the model: building one
    through Plotly's validated calls costs tens of milliseconds on every rerun."""
    spec = lru_cache(maxsize=64)(lambda *args: build(*args).to_json())

    @wraps(build)
    def fresh(*args: Any) -> go.Figure:
        return figure_from_json(spec(*args))

    return fresh
