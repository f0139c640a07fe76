"""Figures of one LSTM step: a weight matrix, the Hadamard table, a gate's saturation,
and the gate demonstrations (sampled masks, what f keeps)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from lstm_core import Gate, LSTMParams, Step, saturation_of
from lstm_core.activations import rounds_to_one_z

from .colours import (
    C_RANGE,
    CELL_SCALE,
    GATE_COLOR,
    GATE_SCALE,
    OKABE_ITO,
    PART_COLOR,
    UNIT_SCALE,
    Scale,
    scale_for,
)
from .fig_base import Plain, framed_figure
from .fmt import fmt


def block_matrix(params: LSTMParams, key: str) -> Plain:
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
    return framed_figure([heat], layout, 110 + 42 * n, title)


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


def saturation_figure(gate: Gate, z: np.ndarray, threshold: float, dtype: str = "float64") -> Plain:
    """The activation (top) and its derivative (bottom), saturated tails shaded, units marked.

    Units beyond the axis are pinned at the edge as triangles, listed with their true z.
    Built as plain dicts and handed to Plotly once, unvalidated: this figure is redrawn
    on every edit, and make_subplots/add_vrect cost about ten times more.
    """
    act = gate.activation
    name = gate.plain.replace("_t", "<sub>t</sub>")  # f_t → f<sub>t</sub>
    span = 10.0 if act.name == "sigmoid" else 5.0
    zz = np.linspace(-span, span, 401)
    sat = saturation_of(z, act.name, threshold)
    z_sat = sat.z_limit
    color = GATE_COLOR[gate.key]
    zc = np.clip(z, -span, span)
    inside = np.abs(z) <= span
    symbols = [
        "triangle-right" if v > span else "triangle-left" if v < -span else "circle" for v in z
    ]
    marker = dict(color=color, symbol=symbols, line=dict(color="black", width=1))
    grad = sat.slope
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
            textfont=dict(size=14),
            cliponaxis=False,  # a label above a unit near the top stays whole
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
                    font=dict(size=14),
                    text="<br>".join(f"u{k}: z = {fmt(z[k])} {arrow}" for k in off),
                )
            )
    n_sat = sat.count
    lo, hi = (0.0, 1.0) if act.name == "sigmoid" else (-1.0, 1.0)
    layout = dict(
        shapes=shapes,
        annotations=notes,
        showlegend=False,
        xaxis=dict(
            anchor="y2", range=[-span * 1.02, span * 1.02], title=dict(text="pre-activation z")
        ),
        # room above the curve's top for the unit labels
        yaxis=dict(
            domain=[0.42, 1.0],
            range=[lo - 0.1 * (hi - lo), hi + 0.3 * (hi - lo)],
            title=dict(text=name),
        ),  # fmt: skip
        yaxis2=dict(domain=[0.0, 0.34], range=[0, act.grad_max * 1.1], title=dict(text="slope")),
    )
    title = f"{gate.name} {name}: {n_sat} of {len(z)} units saturated (|z| > {z_sat:.3g})"
    return framed_figure(traces, layout, 360, title)


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


def hadamard_figure(s: Step) -> Plain:
    """One row per unit, one column per quantity, each coloured on its fixed scale."""
    n = len(s.h)
    groups: dict[Scale, list[int]] = {}
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
    fig = framed_figure(heats, dict(xaxis=dict(side="top")), 160 + 40 * n)
    fig.layout["margin"]["b"] = 90  # room for the colour bars
    return fig


# -- misconceptions page --------------------------------------------------------------------
def draws_figure(draws: Sequence[np.ndarray], real: np.ndarray) -> Plain:
    """C_t from each sampled draw (crosses, spread sideways in draw order) against the real
    LSTM's C_t (bars), per unit (plain dicts: it is redrawn on every draw)."""
    n = len(real)
    data: list[dict[str, Any]] = [
        dict(type="bar", x=list(range(n)), y=real, name="real LSTM: same C<sub>t</sub> every time",
             marker=dict(color=OKABE_ITO["sky"]), width=0.7)
    ]  # fmt: skip
    shown = draws[-12:]
    for d, c in enumerate(shown):
        offset = -0.3 + 0.6 * (d + 0.5) / 12
        last = d == len(shown) - 1
        data.append(
            dict(
                type="scatter",
                x=[r + offset for r in range(n)],
                y=c,
                mode="markers",
                name="sampled C<sub>t</sub>, one cross per draw",
                showlegend=d == 0,
                marker=dict(
                    size=13 if last else 10,
                    color=OKABE_ITO["vermillion"],
                    symbol="x",
                    opacity=1.0 if last else 0.45,
                ),
            )
        )
    layout = dict(
        xaxis=dict(tickvals=list(range(n)), ticktext=[f"unit {r}" for r in range(n)]),
        yaxis=dict(title=dict(text="C<sub>t</sub>")),
        legend=dict(orientation="h", y=1.18),
    )
    return framed_figure(data, layout, 300)


def forget_bars(c_prev: np.ndarray, f: np.ndarray) -> Plain:
    """C_{t-1} next to f∘C_{t-1}: f near 1 keeps the bar, f near 0 removes it (plain
    dicts: it is redrawn on every move of f)."""
    units = [f"unit {r}" for r in range(len(c_prev))]
    kept = f * c_prev  # the demo's own f, not a Step: the slider sets it directly
    data = [
        dict(
            type="bar",
            x=units,
            y=values,
            name=name,
            marker=dict(color=color),
            cliponaxis=False,
            text=[fmt(v, 3) for v in values],
            textposition="outside",
        )
        for values, name, color in (
            (c_prev, "C<sub>t−1</sub>", OKABE_ITO["grey"]),
            (kept, "f∘C<sub>t−1</sub> (what is kept)", GATE_COLOR["f"]),
        )
    ]
    layout = dict(barmode="group", legend=dict(orientation="h", y=1.18))
    return framed_figure(data, layout, 280)
