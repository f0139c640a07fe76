"""All figures, built from lstm_core results; the only module that imports Plotly.

Colour scales are fixed so that the same colour always means the same value:
- gates f, i, o: sequential Cividis over [0, 1];
- C̃_t, h_t, tanh(C_t): diverging RdBu over [-1, 1];
- C_t (unbounded): diverging PuOr over [-C_RANGE, C_RANGE], centred on 0;
  values beyond are drawn at the end colour and labelled with their value.
Categorical colours are the Okabe-Ito palette, which colour-blind readers can
tell apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.colors as pc
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_core import ACTIVATIONS, GATES, Gate, LSTMParams, Step
from lstm_core.activations import rounds_to_one_z
from lstm_core.sequences import LogSafe
from lstm_core.teaching import Block, FrameworkArray

OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
    "black": "#000000",
}
PART_COLOR = {"h": OKABE_ITO["orange"], "x": OKABE_ITO["sky"]}
GATE_COLOR = {
    "f": OKABE_ITO["blue"],
    "i": OKABE_ITO["green"],
    "c": OKABE_ITO["purple"],
    "o": OKABE_ITO["vermillion"],
}
Scale = tuple[tuple[float, str], ...]


def _stops(name: str) -> Scale:
    """A named colour scale as explicit stops, the same in every figure and table.

    Figures built without validation (``fast_figure``) would pass a bare name on to
    plotly.js, which has no PuOr and whose RdBu runs the other way round (blue low,
    red high) from ColorBrewer's RdBu that Plotly for Python uses.
    """
    return tuple((float(at), colour) for at, colour in pc.get_colorscale(name))


GATE_SCALE = _stops("Cividis")  # dark blue 0 → yellow 1
UNIT_SCALE = _stops("RdBu")  # red negative → white 0 → blue positive
CELL_SCALE = _stops("PuOr")  # orange negative → white 0 → purple positive
C_RANGE = 3.0
FONT = dict(size=15)


def scale_for(quantity: str) -> tuple[Scale, float, float]:
    """(colourscale, zmin, zmax) for a Step field name."""
    if quantity in ("f", "i", "o"):
        return GATE_SCALE, 0.0, 1.0
    if quantity in ("c_tilde", "h", "tanh_c", "input_term"):
        return UNIT_SCALE, -1.0, 1.0
    return CELL_SCALE, -C_RANGE, C_RANGE


def fmt(v: float, digits: int = 4) -> str:
    """Short text for a value; integers exactly, others to ``digits`` significant digits."""
    v = float(v)
    if v.is_integer() and abs(v) < 1e12:
        return str(int(v))
    return f"{v:.{digits}g}"


def fmt_gate(v: float) -> str:
    """A gate value with the precision that matters near 1: '1 − 2.79e-10', or '1 (exactly)'."""
    v = float(v)
    if v == 1.0:
        return "1 (exactly)"
    if v > 0.999:
        return f"1 − {1.0 - v:.3g}"
    return fmt(v, 5)


def short_vec(a: np.ndarray, digits: int = 3, most: int = 3) -> str:
    vals = [fmt(v, digits) for v in np.asarray(a)[:most]]
    tail = ", …" if len(a) > most else ""
    return "[" + ", ".join(vals) + tail + "]"


def _base(fig: go.Figure, height: int, title: str | None = None) -> go.Figure:
    """Size, margins and classroom-readable text for every figure."""
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        font=FONT,
        title=dict(text=title, font=dict(size=17)) if title else None,
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    return _readable(fig)


# -- vectors and matrices -------------------------------------------------------
def fast_figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """A figure from plain dicts, without Plotly's per-property validation.

    For the figures redrawn on every edit: validating each trace, shape and
    annotation one call at a time costs more than the rest of a rerun.
    """
    return go.Figure(data=data, layout=layout, _validate=False)


def concat_bar(params: LSTMParams, v: np.ndarray) -> go.Figure:
    """v with its h part and x part in two colours, indexed in order."""
    labels = params.concat_labels()
    names = [f"v[{k}] = {lab}" for k, lab in enumerate(labels)]
    bars = []
    for part, name in (("h", "from h_t-1"), ("x", "from x_t")):
        idx = [k for k, lab in enumerate(labels) if lab.startswith(part)]
        bars.append(
            dict(
                type="bar",
                x=[names[k] for k in idx],
                y=[v[k] for k in idx],
                name=name,
                marker=dict(color=PART_COLOR[part]),
                text=[fmt(v[k]) for k in idx],
                textposition="outside",
                cliponaxis=False,
            )
        )
    layout = dict(
        xaxis=dict(categoryorder="array", categoryarray=names),
        legend=dict(orientation="h", y=1.15),
        bargap=0.15,
    )
    return _base(fast_figure(bars, layout), 260, f"v: {len(v)} entries")


def heat_row(values: np.ndarray, quantity: str, labels: Sequence[str], title: str) -> go.Figure:
    colorscale, lo, hi = scale_for(quantity)
    a = np.asarray(values, dtype=float)
    fig = go.Figure(
        go.Heatmap(
            z=[a],
            x=list(labels),
            y=[""],
            zmin=lo,
            zmax=hi,
            colorscale=colorscale,
            text=[[fmt(v) for v in a]],
            texttemplate="%{text}",
            textfont=dict(size=15),
            colorbar=dict(thickness=12, len=1.0),
        )
    )
    return _base(fig, 130, title)


def block_matrix(params: LSTMParams, key: str) -> go.Figure:
    """W_key drawn with its columns split into the W^h and W^x blocks, in v's order."""
    W = params.W(key)
    n, labels = params.n_hidden, params.concat_labels()
    lim = max(1.0, float(np.max(np.abs(W))))
    heat = dict(
        type="heatmap",
        z=W[::-1],
        x=labels,
        y=[f"unit {r}" for r in range(n)][::-1],
        zmin=-lim,
        zmax=lim,
        colorscale=UNIT_SCALE,
        xgap=2,
        ygap=2,
        text=[[fmt(v) for v in row] for row in W[::-1]],
        texttemplate="%{text}",
        textfont=dict(size=14),
        colorbar=dict(thickness=12, title=dict(text="weight")),
    )
    shapes, notes = [], []
    for part in ("h", "x"):
        cols = [k for k, lab in enumerate(labels) if lab.startswith(part)]
        shapes.append(
            dict(
                type="rect",
                x0=min(cols) - 0.5,
                x1=max(cols) + 0.5,
                y0=-0.5,
                y1=n - 0.5,
                line=dict(color=PART_COLOR[part], width=4),
            )
        )
        notes.append(
            dict(
                x=(min(cols) + max(cols)) / 2,
                y=n - 0.4,
                yanchor="bottom",
                text=f"<b>W<sub>{key}</sub><sup>{part}</sup></b> ({n}×{len(cols)})",
                showarrow=False,
                font=dict(color=PART_COLOR[part], size=15),
            )
        )
    layout = dict(shapes=shapes, annotations=notes, xaxis=dict(side="bottom"))
    title = f"W<sub>{key}</sub>: {n} × {W.shape[1]}"
    return _base(fast_figure([heat], layout), 110 + 42 * n, title)


# -- saturation ----------------------------------------------------------------------
def _unit_labels(pos: np.ndarray, shown: np.ndarray, near: float) -> list[str]:
    """'u0', or 'u0,u2' on the leftmost of units drawn closer than ``near`` to each other
    (a chain of close units shares one label), so labels never pile up."""
    labels = [""] * len(pos)
    ks = sorted(np.flatnonzero(shown), key=lambda k: (float(pos[k]), int(k)))
    first, last = -1, -np.inf
    for k in ks:
        if first >= 0 and float(pos[k]) - last < near:
            labels[first] += f",u{k}"
        else:
            first = int(k)
            labels[k] = f"u{k}"
        last = float(pos[k])
    return labels


def saturation_figure(
    gate: Gate, z: np.ndarray, threshold: float, dtype: str = "float64"
) -> go.Figure:
    """The activation (top) and its derivative (bottom), saturated tails shaded, units marked.

    Units beyond the axis are pinned at the edge as triangles, listed with their true z.
    Built as plain dicts and handed to Plotly once, unvalidated: this figure is redrawn
    on every edit, and make_subplots/add_vrect cost about ten times more.
    """
    act = gate.activation
    name = gate.plain.replace("_t", "<sub>t</sub>")  # f_t → f<sub>t</sub>
    span = 10.0 if act.name == "sigmoid" else 5.0
    zz = np.linspace(-span, span, 401)
    z_sat = act.saturation_z(threshold)
    color = GATE_COLOR[gate.key]
    zc = np.clip(z, -span, span)
    inside = np.abs(z) <= span
    symbols = [
        "triangle-right" if v > span else "triangle-left" if v < -span else "circle" for v in z
    ]
    marker = dict(color=color, symbol=symbols, line=dict(color="black", width=1))
    grad = act.grad(z)
    traces = [
        dict(
            type="scatter",
            x=zz,
            y=act.fn(zz),
            mode="lines",
            line=dict(color="#444", width=2),
            hoverinfo="skip",
        ),
        dict(
            type="scatter",
            x=zz,
            y=act.grad(zz),
            mode="lines",
            yaxis="y2",
            line=dict(color="#444", dash="dot"),
            hoverinfo="skip",
        ),
        dict(
            type="scatter",
            x=zc,
            y=act.fn(zc),
            mode="markers+text",
            marker=marker | {"size": 13},
            text=_unit_labels(zc, inside, near=span / 8),
            # up and to the left of a rising curve (down and right near the left edge)
            # is clear of it
            textposition=["top left" if v > -span / 2 else "bottom right" for v in zc],
            textfont=dict(size=13),
            hovertext=[f"unit {k}: z = {fmt(v)}" for k, v in enumerate(z)],
            hoverinfo="text",
        ),
        dict(
            type="scatter",
            x=zc,
            y=grad,
            mode="markers",
            yaxis="y2",
            marker=marker | {"size": 11},
            hovertext=[f"{act.symbol}′({fmt(v)}) = {g:.3g}" for v, g in zip(z, grad, strict=True)],
            hoverinfo="text",
        ),
    ]
    shapes = [
        dict(
            type="rect",
            xref="x",
            yref=f"{axis} domain",
            x0=min(side * z_sat, side * span),
            x1=max(side * z_sat, side * span),
            y0=0,
            y1=1,
            fillcolor=OKABE_ITO["grey"],
            opacity=0.22,
            line=dict(width=0),
        )
        for side in (-1, 1)
        for axis in ("y", "y2")
    ]
    if act.name == "sigmoid":
        z1 = rounds_to_one_z(np.float32 if dtype == "float32" else np.float64)
        if z1 < span:
            shapes.append(
                dict(
                    type="line",
                    xref="x",
                    yref="y domain",
                    x0=z1,
                    x1=z1,
                    y0=0,
                    y1=1,
                    line=dict(color=OKABE_ITO["vermillion"], dash="dash"),
                )
            )
    notes = []
    for side, anchor in ((1, "right"), (-1, "left")):
        off = [k for k in range(len(z)) if side * z[k] > span]
        if off:
            arrow = "→" if side > 0 else "←"
            notes.append(
                dict(
                    x=side * span,
                    y=0.5 if act.name == "sigmoid" else 0.0,
                    xref="x",
                    yref="y",
                    xanchor=anchor,
                    showarrow=False,
                    align=anchor,
                    bgcolor="rgba(255,255,255,0.9)",
                    bordercolor=color,
                    font=dict(size=13),
                    text="<br>".join(f"u{k}: z = {fmt(z[k])} {arrow}" for k in off),
                )
            )
    n_sat = int(np.sum(grad < threshold * act.grad_max))
    layout = dict(
        shapes=shapes,
        annotations=notes,
        showlegend=False,
        xaxis=dict(
            anchor="y2", range=[-span * 1.02, span * 1.02], title=dict(text="pre-activation z")
        ),
        yaxis=dict(domain=[0.42, 1.0], title=dict(text=name)),
        yaxis2=dict(domain=[0.0, 0.34], range=[0, act.grad_max * 1.1], title=dict(text="slope")),
    )
    title = f"{gate.name} {name}: {n_sat} of {len(z)} units saturated (|z| > {z_sat:.3g})"
    return _base(fast_figure(traces, layout), 360, title)


# -- the Hadamard table as a picture --------------------------------------------------
HADAMARD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("f", "f<sub>t</sub>"),
    ("c_prev", "C<sub>t−1</sub>"),
    ("forget_term", "f∘C<sub>t−1</sub>"),
    ("i", "i<sub>t</sub>"),
    ("c_tilde", "C̃<sub>t</sub>"),
    ("input_term", "i∘C̃<sub>t</sub>"),
    ("c", "C<sub>t</sub>"),
    ("tanh_c", "tanh(C<sub>t</sub>)"),
    ("o", "o<sub>t</sub>"),
    ("h", "h<sub>t</sub>"),
)


def hadamard_figure(s: Step) -> go.Figure:
    """One row per unit, one column per quantity, each coloured on its fixed scale."""
    n = len(s.h)
    groups: dict[str, list[int]] = {}
    for col, (field, _) in enumerate(HADAMARD_COLUMNS):
        groups.setdefault(scale_for(field)[0], []).append(col)
    # one horizontal colour bar per scale under the table, side by side, titled on top
    bar_x = {GATE_SCALE: 0.0, UNIT_SCALE: 0.36, CELL_SCALE: 0.72}
    bar_title = {
        GATE_SCALE: "gates f, i, o: 0 to 1",
        UNIT_SCALE: "C̃, i∘C̃, tanh(C), h: −1 to 1",
        CELL_SCALE: f"C<sub>t−1</sub>, f∘C<sub>t−1</sub>, C<sub>t</sub>: ±{C_RANGE:g}",
    }
    heats = []
    for colorscale, cols in groups.items():
        _, lo, hi = scale_for(HADAMARD_COLUMNS[cols[0]][0])
        z = np.full((n, len(HADAMARD_COLUMNS)), np.nan)
        text = [["" for _ in HADAMARD_COLUMNS] for _ in range(n)]
        for col in cols:
            vals = np.asarray(getattr(s, HADAMARD_COLUMNS[col][0]), dtype=float)
            z[:, col] = vals
            for r in range(n):
                text[r][col] = fmt(vals[r], 4)
        heats.append(
            dict(
                type="heatmap",
                z=z[::-1],
                text=text[::-1],
                texttemplate="%{text}",
                textfont=dict(size=14),
                x=[lab for _, lab in HADAMARD_COLUMNS],
                y=[f"unit {r}" for r in range(n)][::-1],
                zmin=lo,
                zmax=hi,
                colorscale=colorscale,
                xgap=2,
                ygap=2,
                hoverongaps=False,
                colorbar=dict(
                    orientation="h",
                    x=bar_x[colorscale],
                    xanchor="left",
                    y=-0.04,
                    yanchor="top",
                    ypad=0,
                    len=0.27,
                    thickness=14,
                    tickfont=dict(size=13),
                    title=dict(text=bar_title[colorscale], side="top", font=dict(size=14)),
                ),
            )
        )
    fig = _base(fast_figure(heats, dict(xaxis=dict(side="top"))), 160 + 40 * n)
    fig.layout.margin.b = 90  # room for the colour bars
    return fig


# -- sequences -------------------------------------------------------------------------
def time_heatmap(
    values: np.ndarray, quantity: str, title: str, t_mark: int | None = None
) -> go.Figure:
    """units × time for one Step field of a Trace, on the field's fixed scale."""
    colorscale, lo, hi = scale_for(quantity)
    a = np.asarray(values, dtype=float).T  # (n, T)
    fig = go.Figure(
        go.Heatmap(
            z=a,
            zmin=lo,
            zmax=hi,
            colorscale=colorscale,
            y=[f"u{r}" for r in range(a.shape[0])],
            colorbar=dict(thickness=10),
        )
    )
    if t_mark is not None:
        fig.add_vline(x=t_mark, line=dict(color="black", width=2))
    fig.update_xaxes(title_text="t")
    return _base(fig, 120 + 18 * a.shape[0], title)


def gate_colors() -> dict[str, str]:
    return {g.key: GATE_COLOR[g.key] for g in GATES}


__all__ = [
    "ACTIVATIONS",
    "C_RANGE",
    "GATE_COLOR",
    "OKABE_ITO",
    "PART_COLOR",
    "block_matrix",
    "concat_bar",
    "fmt",
    "fmt_gate",
    "hadamard_figure",
    "heat_row",
    "saturation_figure",
    "short_vec",
    "time_heatmap",
]


# -- teaching pages: shapes, saturation, misconceptions ---------------------------------
UNIT_COLORS = [OKABE_ITO[c] for c in ("blue", "orange", "green", "vermillion", "purple", "sky",
                                      "black", "yellow")]  # fmt: skip


def unit_color(r: int) -> str:
    return UNIT_COLORS[r % len(UNIT_COLORS)]


INK = "#222222"


def shape_claim_figure(params: LSTMParams) -> go.Figure:
    """The claimed n × n weight matrix next to the real n × (n+m) one, with v's entries
    on top: the n × n matrix has no column for part of v."""
    n, labels = params.n_hidden, params.concat_labels()
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.06, subplot_titles=(
        f"claimed: W_f is {n} × {n}", f"needed: W_f is {n} × {len(labels)}"))  # fmt: skip
    for col, width in ((1, n), (2, len(labels))):
        for c, lab in enumerate(labels):
            fig.add_shape(type="rect", x0=c, x1=c + 1, y0=0.2, y1=1.0, row=1, col=col,
                          line=dict(color="#555"), fillcolor=PART_COLOR[lab[0]])  # fmt: skip
            fig.add_annotation(x=c + 0.5, y=0.6, text=lab, showarrow=False, row=1, col=col,
                               font=dict(size=14, color=INK))  # fmt: skip
            covered = c < width
            for r in range(n):
                line = dict(color="#555", width=1) if covered else dict(color="#D55E00", dash="dot")
                fig.add_shape(type="rect", x0=c, x1=c + 1, y0=-r - 0.2, y1=-r - 1.2, row=1, col=col,
                              line=line, fillcolor="#DDDDDD" if covered else "white")  # fmt: skip
        text = ("✗ no column for these entries of v" if width < len(labels)
                else "✓ one column for every entry of v")  # fmt: skip
        fig.add_annotation(x=len(labels) / 2, y=-n - 0.7, text=text, showarrow=False, row=1,
                           col=col, font=dict(size=15, color="#D55E00" if width < len(labels)
                                              else OKABE_ITO["green"]))  # fmt: skip
    for col in (1, 2):
        fig.update_xaxes(visible=False, range=[-0.2, len(labels) + 0.2], row=1, col=col)
        fig.update_yaxes(visible=False, range=[-n - 1.2, 1.1], row=1, col=col)
    fig.update_annotations(selector=dict(text=fig.layout.annotations[0].text), font_size=16)
    fig.update_annotations(selector=dict(text=fig.layout.annotations[1].text), font_size=16)
    fig = _base(fig, 150 + 40 * n)
    fig.update_layout(margin=dict(t=40))
    return fig


def _block_label(blk: Block, letter: str, m: int, n: int, transposed: bool) -> str:
    if blk.part == "b":
        return f"b<sub>{letter}</sub>"
    width = m if blk.part == "x" else n
    W = f"W<sub>{letter}</sub><sup>{blk.part}</sup>"
    return f"({W})ᵀ<br>{width}×{n}" if transposed else f"{W}<br>{n}×{width}"


def _block(fig: go.Figure, blk: Block, x: tuple[float, float], y: tuple[float, float],
           text: str) -> None:  # fmt: skip
    color = GATE_COLOR[blk.gate]
    fig.add_shape(type="rect", x0=x[0], x1=x[1], y0=y[0], y1=y[1], fillcolor=color,
                  opacity=0.35, line=dict(color=color, width=2))  # fmt: skip
    fig.add_annotation(x=sum(x) / 2, y=sum(y) / 2, text=text, showarrow=False,
                       font=dict(size=14, color=INK))  # fmt: skip


def torch_layout_figure(arrays: Sequence[FrameworkArray], m: int, n: int,
                        letters: dict[str, str]) -> go.Figure:  # fmt: skip
    """torch's arrays side by side, gates stacked down the rows; widths to scale."""
    fig, x0 = go.Figure(), 0.0
    gap = max(2.5, 0.5 * max(m, n))
    for arr in arrays:
        cols = 1 if len(arr.shape) == 1 else arr.shape[1]
        for blk in arr.blocks:
            text = _block_label(blk, letters[blk.gate], m, n, transposed=False)
            _block(fig, blk, (x0, x0 + cols), (-blk.start, -blk.stop), text)
        dims = " × ".join(str(d) for d in arr.shape)
        fig.add_annotation(
            x=x0 + cols / 2,
            y=0.2,
            yanchor="bottom",
            showarrow=False,
            text=f"<b>{arr.name}</b><br>{dims}",
            font=dict(size=14, color=INK),
        )
        x0 += cols + gap
    fig.update_xaxes(visible=False, range=[-gap / 2, x0 - gap / 2])
    fig.update_yaxes(visible=False, range=[-4 * n - 0.2, 0.35 * 4 * n / 3 + 0.4])
    return _base(fig, 420)


def keras_layout_figure(arrays: Sequence[FrameworkArray], m: int, n: int,
                        letters: dict[str, str]) -> go.Figure:  # fmt: skip
    """Keras's arrays one under another, drawn to scale; gates side by side in columns."""
    fig, y = go.Figure(), 0.0
    for arr in arrays:
        rows = 1 if len(arr.shape) == 1 else arr.shape[0]
        for blk in arr.blocks:
            text = _block_label(blk, letters[blk.gate], m, n, transposed=True)
            _block(fig, blk, (blk.start, blk.stop), (y, y - rows), text)
        dims = " × ".join(str(d) for d in arr.shape)
        fig.add_annotation(
            x=-0.3,
            y=y - rows / 2,
            xanchor="right",
            showarrow=False,
            text=f"<b>{arr.name}</b><br>{dims}",
            font=dict(size=14, color=INK),
        )
        y -= rows + 0.8
    fig.update_xaxes(visible=False, range=[-0.45 * 4 * n, 4 * n + 0.2])
    fig.update_yaxes(visible=False, range=[y + 0.5, 0.2])
    return _base(fig, 360)


# -- saturation page ---------------------------------------------------------------------
def activation_panels(marks: dict[str, np.ndarray] | None = None) -> go.Figure:
    """σ and tanh (solid) with their derivatives (dotted), side by side; the peaks of the
    derivatives (0.25 and 1) labelled. ``marks`` puts points at given z per activation."""
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.15,
                        subplot_titles=("σ(z) and σ′(z)", "tanh(z) and tanh′(z)"))  # fmt: skip
    zz = np.linspace(-8, 8, 401)
    for col, name in ((1, "sigmoid"), (2, "tanh")):
        act = ACTIVATIONS[name]
        first = col == 1  # one legend for both panels
        fig.add_scatter(x=zz, y=act.fn(zz), name="the function", row=1, col=col,
                        showlegend=first, line=dict(color=OKABE_ITO["blue"], width=3))  # fmt: skip
        fig.add_scatter(x=zz, y=act.grad(zz), name="its slope (derivative)", row=1, col=col,
                        showlegend=first,
                        line=dict(color=OKABE_ITO["vermillion"], width=3, dash="dot"))  # fmt: skip
        # labels in empty space, placed in data units so they move with the panel: σ's to the
        # right of its peak (under the curve), tanh's above its peak (the y axis leaves room)
        axis = "" if col == 1 else "2"
        fig.add_annotation(x=0, y=act.grad_max, text=f"peak {act.symbol}′(0) = {fmt(act.grad_max)}",
                           row=1, col=col, axref=f"x{axis}", ayref=f"y{axis}", standoff=4,
                           ax=1.2 if first else 0.0, ay=0.42 if first else 1.22,
                           xanchor="left" if first else "center",
                           yanchor="middle" if first else "bottom",
                           font=dict(size=14, color=INK), arrowcolor=INK)  # fmt: skip
        for z in (marks or {}).get(name, np.array([])):
            zc = float(np.clip(z, -8, 8))
            fig.add_scatter(x=[zc], y=[float(act.grad(np.float64(z)))], mode="markers",
                            marker=dict(size=12, color=OKABE_ITO["black"], symbol="x"),
                            showlegend=False, row=1, col=col)  # fmt: skip
        # a fixed range: autorange would stretch the axis to fit the annotation's text
        fig.update_xaxes(title_text="z", range=[-8.5, 8.5], tickvals=[-8, -4, 0, 4, 8],
                         row=1, col=col)  # fmt: skip
    fig.update_yaxes(range=[-1.1, 1.5], tickvals=[-1, -0.5, 0, 0.5, 1], row=1, col=2)
    fig.update_yaxes(range=[-0.05, 1.1], row=1, col=1)
    fig.update_layout(legend=dict(orientation="h", y=-0.25))
    fig = _base(fig, 340)
    fig.update_layout(margin=dict(t=40))
    return fig


def derivative_scale_figure(scales: np.ndarray, derivs: np.ndarray, current: float,
                            symbol: str) -> go.Figure:  # fmt: skip
    """The slope at each unit's z as the weights are scaled, on a log axis."""
    fig = go.Figure()
    floor = 1e-320
    for r in range(derivs.shape[1]):
        fig.add_scatter(x=scales, y=np.maximum(derivs[:, r], floor), name=f"unit {r}",
                        line=dict(color=unit_color(r), width=3))  # fmt: skip
    fig.add_vline(
        x=current,
        line=dict(color="black", dash="dash"),
        annotation_text=f"s = {fmt(current, 3)}",
        annotation_font_size=14,
        annotation_position="top right",
        annotation_bgcolor="white",
    )
    fig.update_yaxes(type="log", title_text=f"{symbol}′(z) at the unit", exponentformat="power")
    fig.update_xaxes(title_text="weight scale s (z = s·W·v + b)")
    fig.update_layout(legend=dict(orientation="h", y=1.12))
    return _base(fig, 330)


def rounding_figure(z: np.ndarray, exact_gap: np.ndarray, z_one: dict[str, float]) -> go.Figure:
    """σ(z) near 1 and, on a log axis, 1 − σ(z); where each precision stores σ as 1.0."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1,
                        row_heights=[0.4, 0.6])  # fmt: skip
    fig.add_scatter(x=z, y=1.0 - exact_gap, name="σ(z)", line=dict(color=OKABE_ITO["blue"],
                    width=3), row=1, col=1)  # fmt: skip
    fig.add_scatter(x=z, y=exact_gap, name="1 − σ(z), exact", line=dict(color=OKABE_ITO["blue"],
                    width=3), row=2, col=1, showlegend=False)  # fmt: skip
    colors = {"float32": OKABE_ITO["vermillion"], "float64": OKABE_ITO["green"]}
    for dtype, z1 in z_one.items():
        gap = float(np.exp(-z1))
        for row in (1, 2):
            fig.add_vline(x=z1, line=dict(color=colors[dtype], dash="dash", width=2), row=row,
                          col=1)  # fmt: skip
        fig.add_scatter(x=[z1], y=[gap], mode="markers+text", row=2, col=1, showlegend=False,
                        marker=dict(size=12, color=colors[dtype], symbol="diamond"),
                        text=[f"{dtype}: σ = 1.0 from z ≈ {z1:.2f}  "],
                        # the curve falls to the right: above it on the right, below on the left
                        textposition="top right" if z1 < z[-1] / 2 else "bottom left",
                        textfont=dict(size=14, color=colors[dtype]))  # fmt: skip
    fig.update_yaxes(title_text="σ(z)", row=1, col=1)
    fig.update_yaxes(type="log", title_text="1 − σ(z)", exponentformat="power", row=2, col=1)
    fig.update_xaxes(title_text="z", row=2, col=1)
    fig.update_layout(showlegend=False)
    return _base(fig, 380)


def chain_figure(k: np.ndarray, series: dict[str, np.ndarray]) -> go.Figure:
    """Products of k local slopes on a log axis, one line per named series."""
    fig = go.Figure()
    palette = [OKABE_ITO[c] for c in ("vermillion", "blue", "green", "purple", "orange")]
    dashes = ["dot", "solid", "dash", "dashdot", "longdash"]
    for j, (name, y) in enumerate(series.items()):
        fig.add_scatter(x=k, y=np.maximum(y, 1e-320), name=name, mode="lines",
                        line=dict(color=palette[j % 5], width=3, dash=dashes[j % 5]))  # fmt: skip
    fig.update_yaxes(type="log", title_text="product", exponentformat="power", range=[-26, 0.3])
    fig.update_xaxes(title_text="k (steps or layers)")
    fig.update_layout(legend=dict(orientation="h", y=1.15))
    return _base(fig, 330)


# -- misconceptions page --------------------------------------------------------------------
def draws_figure(draws: Sequence[np.ndarray], real: np.ndarray) -> go.Figure:
    """C_t from each sampled draw (crosses, spread sideways in draw order) against the real
    LSTM's C_t (bars), per unit."""
    n = len(real)
    fig = go.Figure()
    fig.add_bar(x=list(range(n)), y=real, name="real LSTM: same C<sub>t</sub> every time",
                marker_color=OKABE_ITO["sky"], width=0.7)  # fmt: skip
    for d, c in enumerate(draws[-12:]):
        offset = -0.3 + 0.6 * (d + 0.5) / 12
        last = d == len(draws[-12:]) - 1
        fig.add_scatter(x=[r + offset for r in range(n)], y=c, mode="markers",
                        name="sampled C<sub>t</sub>, one cross per draw", showlegend=d == 0,
                        marker=dict(size=13 if last else 10, color=OKABE_ITO["vermillion"],
                                    symbol="x", opacity=1.0 if last else 0.45))  # fmt: skip
    fig.update_xaxes(tickvals=list(range(n)), ticktext=[f"unit {r}" for r in range(n)])
    fig.update_yaxes(title_text="C<sub>t</sub>")
    fig.update_layout(legend=dict(orientation="h", y=1.18))
    return _base(fig, 300)


def forget_bars(c_prev: np.ndarray, f: np.ndarray) -> go.Figure:
    """C_{t-1} next to f∘C_{t-1}: f near 1 keeps the bar, f near 0 removes it."""
    units = [f"unit {r}" for r in range(len(c_prev))]
    kept = f * c_prev  # the demo's own f, not a Step: the slider sets it directly
    fig = go.Figure()
    for values, name, color in (
        (c_prev, "C<sub>t−1</sub>", OKABE_ITO["grey"]),
        (kept, "f∘C<sub>t−1</sub> (what is kept)", GATE_COLOR["f"]),
    ):
        fig.add_bar(x=units, y=values, name=name, marker_color=color, cliponaxis=False,
                    text=[fmt(v, 3) for v in values], textposition="outside")  # fmt: skip
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=1.18))
    return _base(fig, 280)


def cell_path_figure(k: np.ndarray, direct: np.ndarray, total: np.ndarray,
                     bound: np.ndarray) -> go.Figure:  # fmt: skip
    """Gradient factor k steps back: direct path ∏f per unit, all paths, and 0.25^k."""
    fig = go.Figure()
    n = direct.shape[1]
    # units get a colour, a dash and a marker each; widths shrink so equal lines stay visible
    dashes = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
    symbols = ("circle", "square", "diamond", "triangle-up", "cross", "star", "x", "pentagon")
    for r in range(n):
        color = unit_color(r)
        fig.add_scatter(x=k, y=np.maximum(direct[:, r], 1e-320), name=f"∏f, unit {r}",
                        mode="lines+markers",
                        line=dict(color=color, width=max(2.0, 8.0 - 2.5 * r),
                                  dash=dashes[r % len(dashes)]),
                        marker=dict(symbol=symbols[r % len(symbols)],
                                    size=max(6.0, 14.0 - 3.0 * r), color=color))  # fmt: skip
    fig.add_scatter(x=k, y=np.maximum(total, 1e-320), name="all paths (largest entry)",
                    mode="lines", line=dict(color="black", width=2, dash="dash"))  # fmt: skip
    fig.add_scatter(x=k, y=bound, name="0.25<sup>k</sup> (k sigmoid slopes)", mode="lines",
                    line=dict(color=OKABE_ITO["vermillion"], width=3, dash="dot"))  # fmt: skip
    fig.update_yaxes(type="log", title_text="factor on the gradient", exponentformat="power")
    fig.update_xaxes(title_text="steps back")
    # the legend goes below the plot, clear of the lines at 1
    fig.update_layout(legend=dict(orientation="h", x=0, y=-0.3, yanchor="top", entrywidth=0.5,
                                  entrywidthmode="fraction"))  # fmt: skip
    return _base(fig, 380 + 24 * ((n + 2 + 1) // 2))


# -- sequences through time: Sequence, Gradient flow and Trained example pages -----------
def _readable(fig: go.Figure) -> go.Figure:
    """Tick labels and legends at 14 px (Streamlit's Plotly theme would draw them at 12)."""
    fig.update_xaxes(tickfont=dict(size=14), title_font=dict(size=15))
    fig.update_yaxes(tickfont=dict(size=14), title_font=dict(size=15))
    fig.update_layout(legend=dict(font=dict(size=14)))
    return fig


def trace_heatmaps(
    rows: Sequence[tuple[str, str, np.ndarray]],
    t_mark: int | None = None,
    highlight: int | None = None,
) -> go.Figure:
    """Stacked units × time heatmaps sharing one time axis, each on its quantity's fixed
    scale (``scale_for``). ``rows``: (Step field, title, values (T, n)). A black line marks
    ``t_mark``; ``highlight`` outlines one unit in every row."""
    k = len(rows)
    T, n = np.asarray(rows[0][2]).shape
    row_px, gap_px, top_px, bottom_px = max(60, 24 * n), 34, 30, 60
    plot_px = k * row_px + (k - 1) * gap_px
    fig = make_subplots(
        rows=k,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=gap_px / plot_px,
        subplot_titles=[title for _, title, _ in rows],
    )
    ticks = {GATE_SCALE: [0, 0.5, 1], UNIT_SCALE: [-1, 0, 1], CELL_SCALE: [-C_RANGE, 0, C_RANGE]}
    for r, (field, _, values) in enumerate(rows, start=1):
        colorscale, lo, hi = scale_for(field)
        a = np.asarray(values, dtype=float).T  # (n, T)
        domain = fig.get_subplot(r, 1).yaxis.domain
        fig.add_heatmap(
            z=a,
            x=np.arange(T),
            y=[f"<b>u{u} ★</b>" if u == highlight else f"u{u}" for u in range(n)],
            zmin=lo,
            zmax=hi,
            colorscale=colorscale,
            xgap=1,
            ygap=1,
            hovertemplate="t=%{x}, %{y}: %{z:.4g}<extra></extra>",
            colorbar=dict(
                thickness=12,
                len=(domain[1] - domain[0]),
                y=(domain[0] + domain[1]) / 2,
                yanchor="middle",
                tickvals=ticks[colorscale],
                tickfont=dict(size=14),
            ),
            row=r,
            col=1,
        )
        if highlight is not None:
            fig.add_shape(
                type="rect",
                x0=-0.5,
                x1=T - 0.5,
                y0=highlight - 0.5,
                y1=highlight + 0.5,
                line=dict(color="black", width=3),
                row=r,
                col=1,
            )
    if t_mark is not None:  # black on white, visible on light and dark cells alike
        fig.add_vline(x=t_mark, line=dict(color="white", width=7), row="all", col=1)
        fig.add_vline(x=t_mark, line=dict(color="black", width=3), row="all", col=1)
    fig.update_xaxes(title_text="t", row=k, col=1)
    fig.update_annotations(font=dict(size=15, color="#222222"), x=0, xanchor="left")
    fig = _base(fig, plot_px + top_px + bottom_px)
    fig.update_layout(margin=dict(t=top_px, b=bottom_px))
    return _readable(fig)


def sci(v: float, floor: float = 1e-300, ceil: float = 1e300) -> str:
    """A non-negative magnitude as text for tables, never 'nan' or 'inf'."""
    v = abs(float(v))
    if not np.isfinite(v) or v > ceil:
        return f"above {ceil:.0e}"
    if v == 0.0:
        return f"0 (below {floor:.0e})"
    if v < floor:
        return f"below {floor:.0e}"
    return f"{v:.4e}"


def unit_lines(
    values: np.ndarray,
    title: str,
    y_title: str,
    t_mark: int | None = None,
    highlight: int | None = None,
    y_range: tuple[float, float] | None = None,
) -> go.Figure:
    """One line per unit over t (values (T, n)); ``highlight`` draws one unit thicker."""
    a = np.asarray(values, dtype=float)
    t = np.arange(a.shape[0])
    fig = go.Figure()
    for r in range(a.shape[1]):
        strong = highlight is None or r == highlight
        name = f"unit {r}" + (" (memory)" if r == highlight else "")
        fig.add_scatter(
            x=t,
            y=a[:, r],
            name=name,
            mode="lines+markers",
            line=dict(color=unit_color(r), width=4 if r == highlight else 2),
            marker=dict(size=5),
            opacity=1.0 if strong else 0.45,
        )
    if t_mark is not None:
        fig.add_vline(x=t_mark, line=dict(color="black", width=2, dash="dot"))
    fig.update_xaxes(title_text="t")
    fig.update_yaxes(
        title_text=y_title,
        range=list(y_range) if y_range else None,
        zeroline=True,
        zerolinecolor="#BBBBBB",
    )
    fig.update_layout(legend=dict(orientation="h", y=-0.28, x=0))
    return _readable(_base(fig, 300, title))


def readout_figure(prob: np.ndarray, target: float | None, t_mark: int | None = None) -> go.Figure:
    """ŷ_t = σ(w·h_t + b) over t; the last point is the model's answer."""
    p = np.asarray(prob, dtype=float)
    t = np.arange(len(p))
    fig = go.Figure()
    fig.add_hrect(y0=0.5, y1=1.0, fillcolor=OKABE_ITO["sky"], opacity=0.12, line_width=0)
    fig.add_scatter(
        x=t,
        y=p,
        mode="lines+markers",
        name="ŷ_t if the sequence ended at t",
        line=dict(color=OKABE_ITO["blue"], width=3),
    )
    fig.add_scatter(
        x=[t[-1]],
        y=[p[-1]],
        mode="markers+text",
        name="the answer ŷ",
        marker=dict(size=14, color=OKABE_ITO["vermillion"], symbol="diamond"),
        text=[f"ŷ = {p[-1]:.3f}"],
        textposition="bottom left" if p[-1] > 0.5 else "top left",
        textfont=dict(size=15),
    )
    if target is not None:
        fig.add_hline(
            y=target,
            line=dict(color=OKABE_ITO["green"], dash="dash", width=2),
            annotation_text=f"target {target:g}",
            annotation_position="top left",
            annotation_font_size=14,
        )
    if t_mark is not None:
        fig.add_vline(x=t_mark, line=dict(color="black", width=2, dash="dot"))
    fig.update_yaxes(title_text="P(first value > 0)", range=[-0.05, 1.05])
    fig.update_xaxes(title_text="t")
    fig.update_layout(legend=dict(orientation="h", y=-0.28, x=0))
    return _readable(_base(fig, 300, "The read-out’s answer, step by step"))


def gradient_figure(
    series: Sequence[tuple[str, LogSafe, str, str]], title: str, t_mark: int | None = None
) -> go.Figure:
    """Gradient norms over t on a log axis. ``series``: (name, LogSafe, colour, dash).

    Values below the floor (including exact zeros) are drawn at the floor as open
    triangles, with one legend entry saying so; nothing is NaN or infinite.
    """
    fig = go.Figure()
    marked: set[str] = set()  # each legend entry once
    floor = ceil = None
    for name, safe, color, dash in series:
        y, below, above = safe.y, safe.below, safe.above
        floor, ceil = safe.floor, safe.ceil
        t = np.arange(len(y))
        fig.add_scatter(
            x=t, y=y, name=name, mode="lines", line=dict(color=color, width=3, dash=dash)
        )
        for mask, label, symbol in (
            (below, f"below {floor:.0e} (drawn at {floor:.0e})", "triangle-down-open"),
            (above, f"above {ceil:.0e}", "triangle-up-open"),
        ):
            if mask.any():
                fig.add_scatter(
                    x=t[mask],
                    y=y[mask],
                    mode="markers",
                    showlegend=label not in marked,
                    name=label,
                    marker=dict(symbol=symbol, size=10, color=color),
                )
                marked.add(label)
    if t_mark is not None:
        fig.add_vline(x=t_mark, line=dict(color="black", width=1, dash="dot"))
    fig.update_yaxes(type="log", title_text="norm (log scale)", exponentformat="power")
    fig.update_xaxes(title_text="t (the loss is at the last step)")
    fig.update_layout(legend=dict(orientation="h", y=-0.25, x=0))
    return _readable(_base(fig, 400, title))


def jacobian_figure(direct: np.ndarray, total: np.ndarray, t: int) -> go.Figure:
    """diag(f_t) beside the total ∂C_t/∂C_{t-1}, same colour scale, values written in."""
    n = direct.shape[0]
    lim = max(1.0, float(np.max(np.abs(total))))
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.12,
        subplot_titles=(
            f"direct path: diag(f<sub>t</sub>), t = {t}",
            f"total ∂C<sub>t</sub>/∂C<sub>t−1</sub>, t = {t}",
        ),
    )
    labels_r = [str(r) for r in range(n)][::-1]
    labels_c = [str(k) for k in range(n)]
    for col, M in ((1, direct), (2, total)):
        fig.add_heatmap(
            z=M[::-1],
            x=labels_c,
            y=labels_r,
            zmin=-lim,
            zmax=lim,
            colorscale=UNIT_SCALE,
            text=[[fmt(v, 3 if n <= 4 else 2) for v in row] for row in M[::-1]],
            texttemplate="%{text}",
            textfont=dict(size=14 if n <= 4 else 12),
            xgap=2,
            ygap=2,
            showscale=col == 2,
            colorbar=dict(thickness=10),
            row=1,
            col=col,
        )
    fig.update_xaxes(title_text="unit of C<sub>t−1</sub>", type="category")
    fig.update_yaxes(type="category")
    fig.update_yaxes(title_text="unit of C<sub>t</sub>", row=1, col=1)
    fig.update_yaxes(showticklabels=False, row=1, col=2)
    fig.update_annotations(font_size=15)
    fig = _readable(_base(fig, 190 + 46 * n))
    fig.update_layout(margin=dict(t=45))  # room for the subplot titles
    return fig
