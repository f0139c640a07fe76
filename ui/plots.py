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

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_core import ACTIVATIONS, GATES, Gate, LSTMParams, Step
from lstm_core.activations import rounds_to_one_z
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
GATE_SCALE = "Cividis"
UNIT_SCALE = "RdBu"
CELL_SCALE = "PuOr"
C_RANGE = 3.0
FONT = dict(size=15)


def scale_for(quantity: str) -> tuple[str, float, float]:
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


def short_vec(a: np.ndarray, digits: int = 3, most: int = 4) -> str:
    vals = [fmt(v, digits) for v in np.asarray(a)[:most]]
    tail = ", …" if len(a) > most else ""
    return "[" + ", ".join(vals) + tail + "]"


def _base(fig: go.Figure, height: int, title: str | None = None) -> go.Figure:
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        font=FONT,
        title=dict(text=title, font=dict(size=17)) if title else None,
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    return fig


# -- vectors and matrices -------------------------------------------------------
def concat_bar(params: LSTMParams, v: np.ndarray) -> go.Figure:
    """v with its h part and x part in two colours, indexed in order."""
    labels = params.concat_labels()
    fig = go.Figure()
    for part, name in (("h", "from h_{t-1}"), ("x", "from x_t")):
        idx = [k for k, lab in enumerate(labels) if lab.startswith(part)]
        fig.add_bar(
            x=[f"v[{k}] = {labels[k]}" for k in idx],
            y=[v[k] for k in idx],
            name=name,
            marker_color=PART_COLOR[part],
            text=[fmt(v[k]) for k in idx],
            textposition="outside",
            cliponaxis=False,
        )
    fig.update_xaxes(
        categoryorder="array", categoryarray=[f"v[{k}] = {lab}" for k, lab in enumerate(labels)]
    )
    fig.update_layout(legend=dict(orientation="h", y=1.15), bargap=0.15)
    return _base(fig, 260, f"v: {len(v)} entries")


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
    fig = go.Figure(
        go.Heatmap(
            z=W[::-1],
            x=labels,
            y=[f"unit {r}" for r in range(n)][::-1],
            zmin=-lim,
            zmax=lim,
            colorscale=UNIT_SCALE,
            text=[[fmt(v) for v in row] for row in W[::-1]],
            texttemplate="%{text}",
            textfont=dict(size=14),
            colorbar=dict(thickness=12, title=dict(text="weight")),
            xgap=2,
            ygap=2,
        )
    )
    h_cols = [k for k, lab in enumerate(labels) if lab.startswith("h")]
    x_cols = [k for k, lab in enumerate(labels) if lab.startswith("x")]
    for cols, part, name in ((h_cols, "h", "W^h"), (x_cols, "x", "W^x")):
        fig.add_shape(
            type="rect",
            x0=min(cols) - 0.5,
            x1=max(cols) + 0.5,
            y0=-0.5,
            y1=n - 0.5,
            line=dict(color=PART_COLOR[part], width=4),
        )
        fig.add_annotation(
            x=(min(cols) + max(cols)) / 2,
            y=n - 0.4,
            yanchor="bottom",
            text=f"<b>{name}_{key}</b> ({n}×{len(cols)})",
            showarrow=False,
            font=dict(color=PART_COLOR[part], size=15),
        )
    fig.update_xaxes(side="bottom")
    height = 110 + 42 * n
    return _base(fig, height, f"W_{key}: {n} × {W.shape[1]}")


# -- saturation ----------------------------------------------------------------------
def saturation_figure(
    gate: Gate, z: np.ndarray, threshold: float, dtype: str = "float64"
) -> go.Figure:
    """The activation and its derivative, saturated tails shaded, each unit marked.

    Units beyond the axis are pinned at the edge with an arrow and their true z.
    """
    act = gate.activation
    span = 10.0 if act.name == "sigmoid" else 5.0
    zz = np.linspace(-span, span, 401)
    z_sat = act.saturation_z(threshold)
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.6, 0.4]
    )
    color = GATE_COLOR[gate.key]
    fig.add_scatter(
        x=zz,
        y=act.fn(zz),
        mode="lines",
        line=dict(color="#444", width=2),
        name=f"{act.symbol}(z)",
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=zz,
        y=act.grad(zz),
        mode="lines",
        line=dict(color="#444", dash="dot"),
        name=f"{act.symbol}′(z)",
        row=2,
        col=1,
    )
    for side in (-1, 1):
        x0, x1 = sorted((side * z_sat, side * span))
        for row in (1, 2):
            fig.add_vrect(
                x0=x0,
                x1=x1,
                fillcolor=OKABE_ITO["grey"],
                opacity=0.22,
                line_width=0,
                row=row,
                col=1,
            )
    if act.name == "sigmoid":
        z1 = rounds_to_one_z(np.float32 if dtype == "float32" else np.float64)
        if z1 < span:
            fig.add_vline(x=z1, line=dict(color=OKABE_ITO["vermillion"], dash="dash"), row=1, col=1)
    zc = np.clip(z, -span, span)
    inside = np.abs(z) <= span
    symbols = [
        "triangle-right" if v > span else "triangle-left" if v < -span else "circle" for v in z
    ]
    fig.add_scatter(
        x=zc,
        y=act.fn(zc),
        mode="markers+text",
        name="units",
        marker=dict(size=13, color=color, symbol=symbols, line=dict(color="black", width=1)),
        text=[f"u{k}" if inside[k] else "" for k in range(len(z))],
        textposition="top center",
        textfont=dict(size=13),
        row=1,
        col=1,
        hovertext=[f"unit {k}: z = {fmt(v)}" for k, v in enumerate(z)],
    )
    for side, anchor in ((1, "right"), (-1, "left")):
        off = [k for k in range(len(z)) if side * z[k] > span]
        if off:
            fig.add_annotation(
                x=side * span,
                y=0.5 if act.name == "sigmoid" else 0.0,
                xanchor=anchor,
                text="<br>".join(f"u{k}: z = {fmt(z[k])} {'→' if side > 0 else '←'}" for k in off),
                showarrow=False,
                align=anchor,
                bgcolor="rgba(255,255,255,0.9)",
                bordercolor=color,
                font=dict(size=13),
                row=1,
                col=1,
            )
    fig.add_scatter(
        x=zc,
        y=act.grad(z),
        mode="markers",
        name="derivative at unit",
        marker=dict(size=11, color=color, symbol=symbols, line=dict(color="black", width=1)),
        showlegend=False,
        row=2,
        col=1,
        hovertext=[
            f"{act.symbol}′({fmt(v)}) = {g:.3g}" for v, g in zip(z, act.grad(z), strict=True)
        ],
    )
    n_sat = int(np.sum(act.grad(z) < threshold * act.grad_max))
    fig.update_yaxes(title_text=f"{gate.plain}", row=1, col=1)
    fig.update_yaxes(title_text="slope", range=[0, act.grad_max * 1.1], row=2, col=1)
    fig.update_xaxes(title_text="pre-activation z", range=[-span * 1.02, span * 1.02], row=2, col=1)
    fig.update_layout(showlegend=False)
    title = f"{gate.name} {gate.plain}: {n_sat} of {len(z)} units saturated (|z| > {z_sat:.3g})"
    return _base(fig, 360, title)


# -- the Hadamard table as a picture --------------------------------------------------
HADAMARD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("f", "f_t"),
    ("c_prev", "C_{t-1}"),
    ("forget_term", "f∘C_{t-1}"),
    ("i", "i_t"),
    ("c_tilde", "C̃_t"),
    ("input_term", "i∘C̃_t"),
    ("c", "C_t"),
    ("tanh_c", "tanh(C_t)"),
    ("o", "o_t"),
    ("h", "h_t"),
)


def hadamard_figure(s: Step) -> go.Figure:
    """One row per unit, one column per quantity, each coloured on its fixed scale."""
    n = len(s.h)
    fig = go.Figure()
    groups: dict[str, list[int]] = {}
    for col, (field, _) in enumerate(HADAMARD_COLUMNS):
        groups.setdefault(scale_for(field)[0], []).append(col)
    bar_x = {GATE_SCALE: 1.01, UNIT_SCALE: 1.09, CELL_SCALE: 1.17}
    bar_title = {GATE_SCALE: "gates", UNIT_SCALE: "[-1,1]", CELL_SCALE: "C"}
    for colorscale, cols in groups.items():
        _, lo, hi = scale_for(HADAMARD_COLUMNS[cols[0]][0])
        z = np.full((n, len(HADAMARD_COLUMNS)), np.nan)
        text = [["" for _ in HADAMARD_COLUMNS] for _ in range(n)]
        for col in cols:
            vals = np.asarray(getattr(s, HADAMARD_COLUMNS[col][0]), dtype=float)
            z[:, col] = vals
            for r in range(n):
                text[r][col] = fmt(vals[r], 4)
        fig.add_heatmap(
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
                x=bar_x[colorscale], thickness=10, title=dict(text=bar_title[colorscale])
            ),
        )
    fig.update_xaxes(side="top")
    return _base(fig, 80 + 40 * n)


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


def _cell_grid(fig: go.Figure, x0: float, rows: int, cols: int, fill: str, col: int = 1) -> None:
    for r in range(rows):
        for c in range(cols):
            fig.add_shape(type="rect", x0=x0 + c, x1=x0 + c + 1, y0=-r, y1=-r - 1, row=1, col=col,
                          line=dict(color="#555", width=1), fillcolor=fill)  # fmt: skip


def shape_claim_figure(params: LSTMParams) -> go.Figure:
    """The claimed n × n weight matrix next to the real n × (n+m) one, with v's entries
    on top: the n × n matrix has no column for part of v."""
    n, labels = params.n_hidden, params.concat_labels()
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.08, subplot_titles=(
        f"claimed: {n} × {n} (wrong)", f"needed: {n} × {len(labels)}"))  # fmt: skip
    for col, width in ((1, n), (2, len(labels))):
        for c, lab in enumerate(labels):
            part = lab[0]
            covered = c < width
            fig.add_shape(type="rect", x0=c, x1=c + 1, y0=0.3, y1=1.1, row=1, col=col,
                          line=dict(color="#555"), fillcolor=PART_COLOR[part])  # fmt: skip
            fig.add_annotation(x=c + 0.5, y=0.7, text=lab, showarrow=False, row=1, col=col,
                               font=dict(size=14))  # fmt: skip
            fill = "#DDDDDD" if covered else "white"
            for r in range(n):
                line = dict(color="#555", width=1) if covered else dict(color="#D55E00", dash="dot")
                fig.add_shape(type="rect", x0=c, x1=c + 1, y0=-r - 0.1, y1=-r - 1.1, row=1, col=col,
                              line=line, fillcolor=fill)  # fmt: skip
        if width < len(labels):
            fig.add_annotation(x=(width + len(labels)) / 2, y=-n / 2 - 0.6, row=1, col=col,
                               text="no weights:<br>these entries<br>are never used",
                               showarrow=False, font=dict(size=14, color="#D55E00"))  # fmt: skip
    for col in (1, 2):
        fig.update_xaxes(visible=False, range=[-0.2, len(labels) + 0.2], row=1, col=col)
        fig.update_yaxes(visible=False, range=[-n - 0.4, 1.3], scaleanchor=None, row=1, col=col)
    fig.update_annotations(font_size=15)
    return _base(fig, 120 + 34 * n)


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
                       font=dict(size=14))  # fmt: skip


def torch_layout_figure(arrays: Sequence[FrameworkArray], m: int, n: int,
                        letters: dict[str, str]) -> go.Figure:  # fmt: skip
    """torch's arrays side by side, drawn to scale; gates stacked down the rows."""
    fig, x0 = go.Figure(), 0.0
    for arr in arrays:
        cols = 1 if len(arr.shape) == 1 else arr.shape[1]
        for blk in arr.blocks:
            text = _block_label(blk, letters[blk.gate], m, n, transposed=False)
            _block(fig, blk, (x0, x0 + cols), (-blk.start, -blk.stop), text)
        dims = " × ".join(str(d) for d in arr.shape)
        fig.add_annotation(x=x0, y=0.2, xanchor="left", yanchor="bottom", showarrow=False,
                           text=f"<b>{arr.name}</b><br>{dims}", font=dict(size=14))  # fmt: skip
        x0 += cols + 2.6
    fig.update_xaxes(visible=False, range=[-0.2, x0 - 1.2])
    fig.update_yaxes(visible=False, range=[-4 * n - 0.3, 2.0])
    return _base(fig, min(640, 110 + 34 * 4 * n))


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
        fig.add_annotation(x=-0.3, y=y - rows / 2, xanchor="right", showarrow=False,
                           text=f"<b>{arr.name}</b><br>{dims}", font=dict(size=14))  # fmt: skip
        y -= rows + 0.8
    fig.update_xaxes(visible=False, range=[-0.45 * 4 * n, 4 * n + 0.2])
    fig.update_yaxes(visible=False, range=[y + 0.5, 0.2])
    return _base(fig, min(640, int(40 + 38 * -y)))


# -- saturation page ---------------------------------------------------------------------
def activation_panels(marks: dict[str, np.ndarray] | None = None) -> go.Figure:
    """σ and tanh (solid) with their derivatives (dotted), side by side; the peaks of the
    derivatives (0.25 and 1) labelled. ``marks`` puts points at given z per activation."""
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.08,
                        subplot_titles=("σ(z) and σ′(z)", "tanh(z) and tanh′(z)"))  # fmt: skip
    zz = np.linspace(-8, 8, 401)
    for col, name in ((1, "sigmoid"), (2, "tanh")):
        act = ACTIVATIONS[name]
        fig.add_scatter(x=zz, y=act.fn(zz), name=f"{act.symbol}(z)", row=1, col=col,
                        line=dict(color=OKABE_ITO["blue"], width=3))  # fmt: skip
        fig.add_scatter(x=zz, y=act.grad(zz), name=f"{act.symbol}′(z)", row=1, col=col,
                        line=dict(color=OKABE_ITO["vermillion"], width=3, dash="dot"))  # fmt: skip
        fig.add_annotation(x=0, y=act.grad_max, text=f"peak {act.symbol}′(0) = {fmt(act.grad_max)}",
                           row=1, col=col, ax=60, ay=-30, font=dict(size=14))  # fmt: skip
        for z in (marks or {}).get(name, np.array([])):
            zc = float(np.clip(z, -8, 8))
            fig.add_scatter(x=[zc], y=[float(act.grad(np.float64(z)))], mode="markers",
                            marker=dict(size=12, color=OKABE_ITO["black"], symbol="x"),
                            showlegend=False, row=1, col=col)  # fmt: skip
        fig.update_xaxes(title_text="z", row=1, col=col)
    fig.update_yaxes(range=[-1.1, 1.15], row=1, col=2)
    fig.update_yaxes(range=[-0.05, 1.1], row=1, col=1)
    fig.update_layout(legend=dict(orientation="h", y=-0.25))
    fig.update_annotations(font_size=15)
    return _base(fig, 330)


def derivative_scale_figure(scales: np.ndarray, derivs: np.ndarray, current: float,
                            symbol: str) -> go.Figure:  # fmt: skip
    """The slope at each unit's z as the weights are scaled, on a log axis."""
    fig = go.Figure()
    floor = 1e-320
    for r in range(derivs.shape[1]):
        fig.add_scatter(x=scales, y=np.maximum(derivs[:, r], floor), name=f"unit {r}",
                        line=dict(color=unit_color(r), width=3))  # fmt: skip
    fig.add_vline(x=current, line=dict(color="black", dash="dash"),
                  annotation_text=f"scale {fmt(current, 3)}", annotation_font_size=14)
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
                        text=[f"{dtype}: σ = 1.0 from z ≈ {z1:.2f}"], textposition="middle right",
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
    fig.update_yaxes(type="log", title_text="product", exponentformat="power")
    fig.update_xaxes(title_text="k (steps or layers)")
    fig.update_layout(legend=dict(orientation="h", y=1.15))
    return _base(fig, 330)


# -- misconceptions page --------------------------------------------------------------------
def draws_figure(draws: Sequence[np.ndarray], real: np.ndarray) -> go.Figure:
    """C_t from each sampled draw (dots) against the real LSTM's C_t (bars) per unit."""
    n = len(real)
    units = [f"unit {r}" for r in range(n)]
    fig = go.Figure()
    fig.add_bar(x=units, y=real, name="real LSTM C_t (same every time)",
                marker_color=OKABE_ITO["sky"], text=[fmt(v, 3) for v in real],
                textposition="outside", cliponaxis=False)  # fmt: skip
    for d, c in enumerate(draws):
        fig.add_scatter(x=units, y=c, mode="markers", name="sampled C_t" if d == 0 else None,
                        showlegend=d == 0, marker=dict(size=12, color=OKABE_ITO["vermillion"],
                        symbol="x", opacity=0.4 + 0.6 * (d == len(draws) - 1)))  # fmt: skip
    fig.update_yaxes(title_text="C_t")
    fig.update_layout(legend=dict(orientation="h", y=1.18))
    return _base(fig, 300)


def forget_bars(c_prev: np.ndarray, f: np.ndarray) -> go.Figure:
    """C_{t-1} next to f∘C_{t-1}: f near 1 keeps the bar, f near 0 removes it."""
    units = [f"unit {r}" for r in range(len(c_prev))]
    kept = f * c_prev
    fig = go.Figure()
    fig.add_bar(x=units, y=c_prev, name="C_{t-1}", marker_color=OKABE_ITO["grey"],
                text=[fmt(v, 3) for v in c_prev], textposition="outside", cliponaxis=False)
    fig.add_bar(x=units, y=kept, name="f∘C_{t-1} (what is kept)", marker_color=GATE_COLOR["f"],
                text=[fmt(v, 3) for v in kept], textposition="outside", cliponaxis=False)
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=1.18))
    return _base(fig, 280)


def cell_path_figure(k: np.ndarray, direct: np.ndarray, total: np.ndarray,
                     bound: np.ndarray) -> go.Figure:  # fmt: skip
    """Gradient factor k steps back: direct path ∏f per unit, all paths, and 0.25^k."""
    fig = go.Figure()
    for r in range(direct.shape[1]):
        fig.add_scatter(x=k, y=np.maximum(direct[:, r], 1e-320), name=f"∏ f, unit {r}",
                        line=dict(color=unit_color(r), width=3))  # fmt: skip
    fig.add_scatter(x=k, y=np.maximum(total, 1e-320), name="all paths (largest entry)",
                    line=dict(color="black", width=2, dash="dash"))  # fmt: skip
    fig.add_scatter(x=k, y=bound, name="0.25^k (k sigmoid slopes)",
                    line=dict(color=OKABE_ITO["vermillion"], width=3, dash="dot"))  # fmt: skip
    fig.update_yaxes(type="log", title_text="factor on the gradient", exponentformat="power")
    fig.update_xaxes(title_text="steps back")
    fig.update_layout(legend=dict(orientation="h", y=1.2))
    return _base(fig, 320)
