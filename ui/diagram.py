"""The classic LSTM cell picture, drawn with live values and the current stage lit.

Plain SVG, not a Plotly figure: it is redrawn on every edit, and an SVG string
costs the browser a fraction of a Plotly chart. Only numbers the core computed
and fixed labels go into it.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from html import escape

import numpy as np

from lstm_core import GATES, Step

from .colours import GATE_COLOR, HIGHLIGHT, OKABE_ITO, PART_COLOR
from .fmt import short_vec
from .stages import CELL, CONCAT, GATE_STAGES, HIDDEN, STAGE_OF_GATE

DIM = "#B8B8B8"
INK = OKABE_ITO["black"]  # the cell state and h_t lines
GATE_X = {"f": 4.0, "i": 7.0, "c": 9.5, "o": 13.0}
TANH_X, RIGHT = 15.5, 19.9
GATE_Y = 1.7
LINE_Y, MID_Y, H_Y, BUS_Y = 6.0, 4.3, 2.9, 0.45

# (stage numbers that light it, colour when lit, path as (x, y) points)
F, I, C, O = (STAGE_OF_GATE[k] for k in "fico")  # the stage that computes each gate
WIRES: tuple[tuple[set[int], str, list[tuple[float, float]]], ...] = (
    ({CELL}, INK, [(0.2, LINE_Y), (RIGHT, LINE_Y)]),  # the cell-state line
    ({CONCAT}, PART_COLOR["h"], [(0.2, BUS_Y), (2.5, BUS_Y)]),  # h_{t-1} in
    ({CONCAT}, PART_COLOR["x"], [(2.5, -0.5), (2.5, BUS_Y)]),  # x_t in
    ({CONCAT, *GATE_STAGES}, "#555", [(2.5, BUS_Y), (GATE_X["o"], BUS_Y)]),  # v to every gate
    ({F}, GATE_COLOR["f"], [(GATE_X["f"], BUS_Y), (GATE_X["f"], LINE_Y)]),
    ({I}, GATE_COLOR["i"], [(GATE_X["i"], BUS_Y), (GATE_X["i"], MID_Y), (GATE_X["c"], MID_Y)]),
    ({C}, GATE_COLOR["c"], [(GATE_X["c"], BUS_Y), (GATE_X["c"], LINE_Y)]),
    ({O}, GATE_COLOR["o"], [(GATE_X["o"], BUS_Y), (GATE_X["o"], H_Y), (TANH_X, H_Y)]),
    ({HIDDEN}, INK, [(TANH_X, LINE_Y), (TANH_X, H_Y)]),  # C_t down through tanh
    ({HIDDEN}, PART_COLOR["h"], [(TANH_X, H_Y), (RIGHT, H_Y)]),  # h_t out
)
NODES: tuple[tuple[set[int], str, float, float], ...] = (
    ({F, CELL}, "⊙", GATE_X["f"], LINE_Y),
    ({I, CELL}, "⊙", GATE_X["c"], MID_Y),
    ({CELL}, "+", GATE_X["c"], LINE_Y),
    ({HIDDEN}, "⊙", TANH_X, H_Y),
)

# Parts a text can point at (the Lesson page): name -> box (x0, y0, x1, y1), diagram units
REGIONS: dict[str, tuple[float, float, float, float]] = {
    "inputs": (-0.1, -0.75, 2.85, 1.95),  # x_t and h_{t-1} joining into v
    "f": (2.75, 1.05, 4.75, 2.35),
    "ic": (5.45, 1.05, 10.25, 2.35),  # the input gate and the candidate
    "o": (11.85, 1.05, 13.75, 2.35),
    "cell": (0.05, 5.35, 20.05, 6.75),  # the cell-state line, C_{t-1} to C_t
    "hidden": (14.6, 2.2, 20.05, 4.95),  # tanh(C_t) and h_t out
}


# SVG canvas: diagram units to pixels of the viewBox (the picture scales to its column)
K = 45.0
X0, Y_TOP, WIDTH, HEIGHT = -0.2, 6.9, 21.2, 7.7
FONT = "font-family: 'Source Sans Pro', sans-serif"


def _px(x: float, y: float) -> tuple[float, float]:
    return round((x - X0) * K, 1), round((Y_TOP - y) * K, 1)


_SUB = re.compile(r"_\{([^}]*)\}")


def _math(text: str, size: int) -> str:
    """Escaped text with "C_{t−1}" drawn as C and a lowered, smaller "t−1".

    The shift is in px (dy), which every browser supports, and undone after the subscript.
    """
    shift, small = round(0.3 * size, 1), round(0.72 * size, 1)
    parts = _SUB.split(text)  # text, subscript, text, subscript, …
    out = [escape(parts[0])]
    for sub, rest in zip(parts[1::2], parts[2::2], strict=True):
        out.append(f'<tspan dy="{shift}" font-size="{small}">{escape(sub)}</tspan>')
        if rest:  # back on the baseline
            out.append(f'<tspan dy="-{shift}">{escape(rest)}</tspan>')
    return "".join(out)


@lru_cache(maxsize=2048)  # a label whose numbers did not change is the same text
def _text(
    x: float,
    y: float,
    text: str,
    anchor: str = "middle",
    size: int = 16,
    color: str = "#222",
    bold: bool = False,
    halo: bool = False,
) -> str:
    px, py = _px(x, y)
    svg_anchor = {"left": "start", "right": "end", "center": "middle"}.get(anchor, anchor)
    lines = text.split("\n")
    spans = "".join(
        f'<tspan x="{px}" dy="{0 if k == 0 else 1.2}em">{_math(line, size)}</tspan>'
        for k, line in enumerate(lines)
    )
    dy = -0.6 * (len(lines) - 1)
    style = "paint-order: stroke; stroke: white; stroke-width: 5px;" if halo else ""
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{px}" y="{py}" dy="{dy}em" text-anchor="{svg_anchor}" '
        f'dominant-baseline="central" font-size="{size}" fill="{color}"{weight} '
        f'style="{style}">{spans}</text>'
    )


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
) -> str:
    """A gate box or an operation node, filled with ``color`` while its stage is shown."""
    fill = color if lit else "white"
    stroke = outline or color
    if kind == "circle":
        cx, cy = _px(x, y)
        shape = (
            f'<circle cx="{cx}" cy="{cy}" r="{half[0] * K}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="3"/>'
        )
    else:
        x0, y0 = _px(x - half[0], y + half[1])
        shape = (
            f'<rect x="{x0}" y="{y0}" width="{2 * half[0] * K}" height="{2 * half[1] * K}" '
            f'rx="5" fill="{fill}" stroke="{stroke}" stroke-width="3"/>'
        )
    ink = text_color or ("white" if lit else color)
    return shape + _text(x, y, text, color=ink, size=19, bold=True)


def _short(a: np.ndarray, chars: int) -> str:
    """``short_vec(a)`` with as many entries as fit in ``chars`` characters (at least one)."""
    for most in (3, 2):
        text = short_vec(a, most=most)
        if len(text) <= chars:
            return text
    return short_vec(a, most=1)


@cache
def _skeleton(stage: int) -> str:
    """Wires, gates and nodes: the same picture for every step at this stage."""
    parts = []
    for stages, color, pts in WIRES:
        lit = stage in stages
        points = " ".join(f"{px},{py}" for px, py in (_px(x, y) for x, y in pts))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{color if lit else DIM}" '
            f'stroke-width="{6 if lit else 3}" stroke-linejoin="round"/>'
        )
    for g in GATES:
        lit = stage == STAGE_OF_GATE[g.key]
        parts.append(
            _block(
                "rect",
                GATE_X[g.key],
                GATE_Y,
                (0.55, 0.45),
                GATE_COLOR[g.key],
                lit,
                g.activation.symbol,
            )
        )
        parts.append(
            _text(
                GATE_X[g.key] - 0.7,
                GATE_Y,
                g.plain.replace("_t", "_{t}"),
                "right",
                17,
                GATE_COLOR[g.key],
                bold=True,
            )
        )
    parts.append(_block("rect", TANH_X, MID_Y, (0.6, 0.4), INK, stage == HIDDEN, "tanh"))
    for stages, sym, x, y in NODES:
        parts.append(
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
        )
    return "".join(parts)


def highlight_box(region: str) -> str:
    """A dashed box around one of the REGIONS, under the labels."""
    x0, y0, x1, y1 = REGIONS[region]
    (px0, py0), (px1, py1) = _px(x0, y1), _px(x1, y0)
    return (
        f'<rect x="{px0}" y="{py0}" width="{round(px1 - px0, 1)}" height="{round(py1 - py0, 1)}" '
        f'rx="12" fill="none" stroke="{HIGHLIGHT}" stroke-width="5" stroke-dasharray="14 8"/>'
    )


LABEL_SIZE = 19  # px of the viewBox: about 16 px on screen in the 820 px column at 1280 px


def cell_diagram(
    s: Step, stage: int, label_size: int = LABEL_SIZE, *, highlight: str | None = None
) -> str:
    """The cell as an SVG string: wires, gates and nodes, values of the current stage
    (``label_size``: the values' font size in the viewBox's px), and a dashed box around
    the part ``highlight`` names (a key of REGIONS)."""
    parts = [_skeleton(stage)] + ([highlight_box(highlight)] if highlight else [])
    fx, ix, cx, ox = (GATE_X[k] for k in ("f", "i", "c", "o"))
    # (x, y, text, anchor, stage it belongs to, shown at every stage?)
    # math names: "_{…}" is drawn as a subscript (see _math); "−" is a real minus
    labels = (
        (0.2, LINE_Y - 0.45, f"C_{{t−1}} = {short_vec(s.c_prev)}", "left", CELL, True),
        (
            fx + 0.45,
            LINE_Y + 0.45,
            f"f∘C_{{t−1}} = {short_vec(s.forget_term)}",
            "left",
            CELL,
            False,
        ),
        (RIGHT, LINE_Y + 0.45, f"C_{{t}} = {short_vec(s.c)}", "right", CELL, True),
        (fx + 0.15, 3.9, f"f_{{t}} = {short_vec(s.f)}", "left", F, False),
        (cx + 0.15, 5.15, f"i∘C̃ = {short_vec(s.input_term)}", "left", I, False),
        # two short lines between the forget gate's wire and the input gate's
        (ix - 0.15, 3.1, f"i_{{t}} =\n{_short(s.i, 16)}", "right", I, False),
        (cx + 0.15, 3.55, f"C̃_{{t}} = {short_vec(s.c_tilde)}", "left", C, False),
        (ox - 0.15, 2.45, f"o_{{t}} = {short_vec(s.o)}", "right", O, False),
        (TANH_X + 0.75, MID_Y, f"tanh(C_{{t}}) =\n{short_vec(s.tanh_c)}", "left", HIDDEN, False),
        (RIGHT, H_Y - 0.62, f"h_{{t}} = {short_vec(s.h)}", "right", HIDDEN, True),
        (0.2, BUS_Y + 0.75, f"h_{{t−1}} =\n{_short(s.h_prev, 18)}", "left", CONCAT, True),
        (2.65, -0.45, f"x_{{t}} = {short_vec(s.x)}", "left", CONCAT, True),
    )
    for x, y, text, anchor, st_, always in labels:
        # the cell update also shows i∘C̃, computed with the input gate
        if always or st_ == stage or (stage == CELL and st_ == I and "∘" in text):
            current = st_ == stage
            parts.append(
                _text(
                    x,
                    y,
                    text,
                    anchor,
                    label_size,
                    "black" if current else "#444",
                    bold=current,
                    halo=True,
                )
            )
    w, h = WIDTH * K, HEIGHT * K
    return (
        f'<svg viewBox="0 0 {w} {h}" width="100%" role="img" '
        f'aria-label="LSTM cell diagram, stage {stage + 1}" style="{FONT}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )
