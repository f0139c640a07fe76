"""The classic LSTM cell picture, drawn with live values and the current stage lit."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from lstm_core import GATES, Step

from .plots import GATE_COLOR, OKABE_ITO, PART_COLOR, _base, fast_figure, short_vec

DIM = "#B8B8B8"
CELL = OKABE_ITO["black"]
GATE_X = {"f": 4.0, "i": 7.0, "c": 9.5, "o": 13.0}
TANH_X, RIGHT = 15.5, 19.9
GATE_Y = 1.7
LINE_Y, MID_Y, H_Y, BUS_Y = 6.0, 4.3, 2.9, 0.45

# (stage numbers that light it, colour when lit, path as (x, y) points)
WIRES: tuple[tuple[set[int], str, list[tuple[float, float]]], ...] = (
    ({3}, CELL, [(0.2, LINE_Y), (RIGHT, LINE_Y)]),  # the cell-state line
    ({0}, PART_COLOR["h"], [(0.2, BUS_Y), (2.5, BUS_Y)]),  # h_{t-1} in
    ({0}, PART_COLOR["x"], [(2.5, -0.5), (2.5, BUS_Y)]),  # x_t in
    ({0, 1, 2, 4}, "#555", [(2.5, BUS_Y), (GATE_X["o"], BUS_Y)]),  # v to every gate
    ({1}, GATE_COLOR["f"], [(GATE_X["f"], BUS_Y), (GATE_X["f"], LINE_Y)]),
    ({2}, GATE_COLOR["i"], [(GATE_X["i"], BUS_Y), (GATE_X["i"], MID_Y), (GATE_X["c"], MID_Y)]),
    ({2}, GATE_COLOR["c"], [(GATE_X["c"], BUS_Y), (GATE_X["c"], LINE_Y)]),
    ({4}, GATE_COLOR["o"], [(GATE_X["o"], BUS_Y), (GATE_X["o"], H_Y), (TANH_X, H_Y)]),
    ({5}, CELL, [(TANH_X, LINE_Y), (TANH_X, H_Y)]),  # C_t down through tanh
    ({5}, PART_COLOR["h"], [(TANH_X, H_Y), (RIGHT, H_Y)]),  # h_t out
)
NODES: tuple[tuple[set[int], str, float, float], ...] = (
    ({1, 3}, "⊙", GATE_X["f"], LINE_Y),
    ({2, 3}, "⊙", GATE_X["c"], MID_Y),
    ({3}, "+", GATE_X["c"], LINE_Y),
    ({5}, "⊙", TANH_X, H_Y),
)
STAGE_OF_GATE = {"f": 1, "i": 2, "c": 2, "o": 4}


def _block(
    kind: str,
    x: float,
    y: float,
    half: tuple[float, float],
    color: str,
    lit: bool,
    text: str,
    outline: str | None = None,
    text_color: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A gate box or an operation node (shape, label), filled while its stage is shown."""
    shape = dict(
        type=kind,
        x0=x - half[0],
        x1=x + half[0],
        y0=y - half[1],
        y1=y + half[1],
        fillcolor=color if lit else "white",
        line=dict(color=outline or color, width=3),
    )
    ink = text_color or ("white" if lit else color)
    label = dict(x=x, y=y, text=f"<b>{text}</b>", showarrow=False, font=dict(size=16, color=ink))
    return shape, label


def cell_diagram(s: Step, stage: int) -> go.Figure:
    wires = [
        dict(
            type="scatter",
            x=[p[0] for p in pts],
            y=[p[1] for p in pts],
            mode="lines",
            hoverinfo="skip",
            line=dict(color=color if stage in stages else DIM, width=5 if stage in stages else 2.5),
        )
        for stages, color, pts in WIRES
    ]
    blocks = [
        _block(
            "rect",
            GATE_X[g.key],
            GATE_Y,
            (0.55, 0.45),
            GATE_COLOR[g.key],
            stage == STAGE_OF_GATE[g.key],
            g.activation.symbol,
        )
        for g in GATES
    ]
    blocks.append(_block("rect", TANH_X, MID_Y, (0.6, 0.4), OKABE_ITO["black"], stage == 5, "tanh"))
    blocks += [
        _block(
            "circle",
            x,
            y,
            (0.32, 0.32),
            OKABE_ITO["yellow"],
            stage in stages,
            sym,
            outline="black",
            text_color="black",
        )
        for stages, sym, x, y in NODES
    ]
    names = [
        dict(
            x=GATE_X[g.key],
            y=GATE_Y - 0.75,
            text=g.plain,
            showarrow=False,
            font=dict(size=14, color=GATE_COLOR[g.key]),
        )
        for g in GATES
    ]
    fx, ix, cx, ox = (GATE_X[k] for k in ("f", "i", "c", "o"))
    # (x, y, text, anchor, stage it belongs to, shown at every stage?)
    labels = (
        (0.2, LINE_Y - 0.45, f"C_t-1 = {short_vec(s.c_prev)}", "left", 3, True),
        (fx + 0.45, LINE_Y + 0.45, f"f∘C_t-1 = {short_vec(s.forget_term)}", "left", 3, False),
        (RIGHT, LINE_Y + 0.45, f"C_t = {short_vec(s.c)}", "right", 3, True),
        (fx + 0.15, 3.9, f"f = {short_vec(s.f)}", "left", 1, False),
        (cx + 0.15, 5.15, f"i∘C̃ = {short_vec(s.input_term)}", "left", 2, False),
        (ix - 0.15, 3.0, f"i = {short_vec(s.i)}", "right", 2, False),
        (cx + 0.15, 3.55, f"C̃ = {short_vec(s.c_tilde)}", "left", 2, False),
        (ox - 0.15, 2.45, f"o = {short_vec(s.o)}", "right", 4, False),
        (TANH_X + 0.75, MID_Y, f"tanh(C_t) =<br>{short_vec(s.tanh_c)}", "left", 5, False),
        (RIGHT, H_Y - 0.45, f"h_t = {short_vec(s.h)}", "right", 5, True),
        (0.2, BUS_Y + 0.75, f"h_t-1 =<br>{short_vec(s.h_prev)}", "left", 0, True),
        (2.65, -0.45, f"x_t = {short_vec(s.x)}", "left", 0, True),
    )
    values = [
        dict(
            x=x,
            y=y,
            text=text,
            xanchor=anchor,
            showarrow=False,
            align=anchor,
            font=dict(size=14, color="black" if st_ == stage else "#555"),
            bgcolor="rgba(255,255,255,0.85)" if st_ == stage else None,
        )
        for x, y, text, anchor, st_, always in labels
        if always or st_ == stage or (stage == 3 and st_ == 2 and "∘" in text)
    ]
    layout = dict(
        shapes=[shape for shape, _ in blocks],
        annotations=[label for _, label in blocks] + names + values,
        xaxis=dict(visible=False, range=[0, RIGHT + 1.0]),
        yaxis=dict(visible=False, range=[-0.8, 6.9]),
        showlegend=False,
    )
    return _base(fast_figure(wires, layout), 380)
