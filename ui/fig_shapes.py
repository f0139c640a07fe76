"""Figures of array shapes: the claimed and the real size of W, and how torch and Keras
store the four gates' weights."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_core import LSTMParams
from lstm_core.teaching import Block, FrameworkArray

from .colours import GATE_COLOR, INK, OKABE_ITO, PART_COLOR
from .fig_base import Plain, base, plain_from_json


@dataclass
class Layers:
    """Shapes and annotations as plain dicts, added to a figure's layout in one go:
    ``add_shape``/``add_annotation`` validate and copy the whole layout on every call,
    which is quadratic in their number (~290 rectangles at m = n = 8)."""

    shapes: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)

    def json(self, fig: go.Figure) -> str:
        """The figure with these shapes and annotations after its own, as JSON."""
        spec = fig.to_plotly_json()
        layout = spec["layout"]
        layout["shapes"] = [*layout.get("shapes", ()), *self.shapes]
        layout["annotations"] = [*layout.get("annotations", ()), *self.notes]
        return json.dumps(spec)


def shape_claim_figure(params: LSTMParams) -> Plain:
    """The claimed n × n weight matrix next to the real n × (n+m) one, with v's entries
    on top: the n × n matrix has no column for part of v."""
    return plain_from_json(_shape_claim(params.n_hidden, tuple(params.concat_labels())))


@lru_cache(maxsize=64)
def _shape_claim(n: int, labels: tuple[str, ...]) -> str:
    """The figure as JSON for n units and v's labels (cached: it depends on nothing else)."""
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.06,
        subplot_titles=(f"claimed: W_f is {n} × {n}", f"needed: W_f is {n} × {len(labels)}"),
    )
    for col in (1, 2):
        fig.update_xaxes(visible=False, range=[-0.2, len(labels) + 0.2], row=1, col=col)
        fig.update_yaxes(visible=False, range=[-n - 1.2, 1.1], row=1, col=col)
    fig.update_annotations(selector=dict(text=fig.layout.annotations[0].text), font_size=16)
    fig.update_annotations(selector=dict(text=fig.layout.annotations[1].text), font_size=16)
    fig = base(fig, 150 + 40 * n)
    fig.update_layout(margin=dict(t=40))
    out = Layers()
    shapes, notes = out.shapes, out.notes
    for col, width in ((1, n), (2, len(labels))):
        ref = dict(xref=f"x{col if col > 1 else ''}", yref=f"y{col if col > 1 else ''}")
        for c, lab in enumerate(labels):
            shapes.append(
                dict(
                    type="rect",
                    x0=c,
                    x1=c + 1,
                    y0=0.2,
                    y1=1.0,
                    **ref,
                    line=dict(color="#555"),
                    fillcolor=PART_COLOR[lab[0]],
                )
            )
            notes.append(
                dict(
                    x=c + 0.5,
                    y=0.6,
                    text=lab,
                    showarrow=False,
                    **ref,
                    font=dict(size=14, color=INK),
                )
            )
            covered = c < width
            line = dict(color="#555", width=1) if covered else dict(color="#D55E00", dash="dot")
            fill = "#DDDDDD" if covered else "white"
            shapes += [
                dict(
                    type="rect",
                    x0=c,
                    x1=c + 1,
                    y0=-r - 0.2,
                    y1=-r - 1.2,
                    **ref,
                    line=line,
                    fillcolor=fill,
                )
                for r in range(n)
            ]
        text = (
            "✗ no column for these entries of v"
            if width < len(labels)
            else "✓ one column for every entry of v"
        )
        notes.append(
            dict(
                x=len(labels) / 2,
                y=-n - 0.7,
                text=text,
                showarrow=False,
                **ref,
                font=dict(size=15, color="#D55E00" if width < len(labels) else OKABE_ITO["green"]),
            )
        )
    return out.json(fig)


def _block_label(blk: Block, letter: str, m: int, n: int, transposed: bool) -> str:
    if blk.part == "b":
        return f"b<sub>{letter}</sub>"
    width = m if blk.part == "x" else n
    W = f"W<sub>{letter}</sub><sup>{blk.part}</sup>"
    return f"({W})ᵀ<br>{width}×{n}" if transposed else f"{W}<br>{n}×{width}"


def _block(
    out: Layers, blk: Block, x: tuple[float, float], y: tuple[float, float], text: str
) -> None:
    color = GATE_COLOR[blk.gate]
    out.shapes.append(
        dict(
            type="rect",
            x0=x[0],
            x1=x[1],
            y0=y[0],
            y1=y[1],
            fillcolor=color,
            opacity=0.35,
            line=dict(color=color, width=2),
        )
    )
    out.notes.append(
        dict(x=sum(x) / 2, y=sum(y) / 2, text=text, showarrow=False, font=dict(size=14, color=INK))
    )


def torch_layout_figure(
    arrays: Sequence[FrameworkArray], m: int, n: int, letters: dict[str, str]
) -> Plain:
    """torch's arrays side by side, gates stacked down the rows; widths to scale."""
    return plain_from_json(_torch_layout(tuple(arrays), m, n, tuple(letters.items())))


@lru_cache(maxsize=64)
def _torch_layout(
    arrays: tuple[FrameworkArray, ...], m: int, n: int, letter_items: tuple[tuple[str, str], ...]
) -> str:
    letters, out = dict(letter_items), Layers()
    x0 = 0.0
    gap = max(2.5, 0.5 * max(m, n))
    label_height = 0.35 * 4 * n / 3  # two lines of 14 px text, in y units (4n rows)
    raised = False  # two one-column arrays side by side: the second's label goes higher
    previous_cols = 0
    for arr in arrays:
        cols = 1 if len(arr.shape) == 1 else arr.shape[1]
        for blk in arr.blocks:
            text = _block_label(blk, letters[blk.gate], m, n, transposed=False)
            _block(out, blk, (x0, x0 + cols), (-blk.start, -blk.stop), text)
        dims = " × ".join(str(d) for d in arr.shape)
        lift = cols == 1 and previous_cols == 1
        raised |= lift
        out.notes.append(
            dict(
                x=x0 + cols / 2,
                y=0.2 + (label_height if lift else 0.0),
                yanchor="bottom",
                showarrow=False,
                text=f"<b>{arr.name}</b><br>{dims}",
                font=dict(size=14, color=INK),
            )
        )
        x0 += cols + gap
        previous_cols = cols
    fig = go.Figure()
    fig.update_xaxes(visible=False, range=[-gap / 2, x0 - gap / 2])
    top = label_height * (2 if raised else 1) + 0.4
    fig.update_yaxes(visible=False, range=[-4 * n - 0.2, top])
    return out.json(base(fig, 420))


def keras_layout_figure(
    arrays: Sequence[FrameworkArray], m: int, n: int, letters: dict[str, str]
) -> Plain:
    """Keras's arrays one under another, drawn to scale; gates side by side in columns."""
    return plain_from_json(_keras_layout(tuple(arrays), m, n, tuple(letters.items())))


@lru_cache(maxsize=64)
def _keras_layout(
    arrays: tuple[FrameworkArray, ...], m: int, n: int, letter_items: tuple[tuple[str, str], ...]
) -> str:
    letters, out = dict(letter_items), Layers()
    y = 0.0
    for arr in arrays:
        rows = 1 if len(arr.shape) == 1 else arr.shape[0]
        for blk in arr.blocks:
            text = _block_label(blk, letters[blk.gate], m, n, transposed=True)
            _block(out, blk, (blk.start, blk.stop), (y, y - rows), text)
        dims = " × ".join(str(d) for d in arr.shape)
        out.notes.append(
            dict(
                x=-0.3,
                y=y - rows / 2,
                xanchor="right",
                showarrow=False,
                text=f"<b>{arr.name}</b><br>{dims}",
                font=dict(size=14, color=INK),
            )
        )
        y -= rows + 0.8
    fig = go.Figure()
    fig.update_xaxes(visible=False, range=[-0.45 * 4 * n, 4 * n + 0.2])
    fig.update_yaxes(visible=False, range=[y + 0.5, 0.2])
    return out.json(base(fig, 360))
