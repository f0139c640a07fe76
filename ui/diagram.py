"""The classic LSTM cell picture, drawn with live values and the current stage lit; the
geometry, the layout and the drawing that ui/diagram_gru.py's GRU picture shares.

Plain SVG, not a Plotly figure: it is redrawn on every edit, and an SVG string
costs the browser a fraction of a Plotly chart. Only numbers the core computed
and fixed labels go into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from html import escape

import numpy as np

from lstm_core import GATES, Gate, Step
from lstm_core.gates import COUPLED_KEY, PEEPHOLE_GATES

from .colours import GATE_COLOR, HIGHLIGHT, OKABE_ITO, PART_COLOR
from .fmt import short_vec
from .stages import CELL, CONCAT, GATE_STAGES, HIDDEN, STAGE_OF_GATE

DIM = "#B8B8B8"
STATE_INK = OKABE_ITO["black"]  # the cell state and h_t lines
GATE_X = {"f": 4.0, "i": 7.0, "c": 9.5, "o": 13.0}
TANH_X, RIGHT = 15.5, 19.9
GATE_Y = 1.7
LINE_Y, MID_Y, H_Y, BUS_Y = 6.0, 4.3, 2.9, 0.45

# (stage numbers that light it, colour when lit, path as (x, y) points)
F, I, C, O = (STAGE_OF_GATE[k] for k in "fico")  # the stage that computes each gate
Wire = tuple[set[int], str, list[tuple[float, float]]]
Node = tuple[set[int], str, float, float]  # (stages that light it, symbol, x, y)
I_WIRE: Wire = (
    {I},
    GATE_COLOR["i"],
    [(GATE_X["i"], BUS_Y), (GATE_X["i"], MID_Y), (GATE_X["c"], MID_Y)],
)
WIRES: tuple[Wire, ...] = (
    ({CELL}, STATE_INK, [(0.2, LINE_Y), (RIGHT, LINE_Y)]),  # the cell-state line
    ({CONCAT}, PART_COLOR["h"], [(0.2, BUS_Y), (2.5, BUS_Y)]),  # h_{t-1} in
    ({CONCAT}, PART_COLOR["x"], [(2.5, -0.5), (2.5, BUS_Y)]),  # x_t in
    ({CONCAT, *GATE_STAGES}, "#555", [(2.5, BUS_Y), (GATE_X["o"], BUS_Y)]),  # v to every gate
    ({F}, GATE_COLOR["f"], [(GATE_X["f"], BUS_Y), (GATE_X["f"], LINE_Y)]),
    I_WIRE,
    ({C}, GATE_COLOR["c"], [(GATE_X["c"], BUS_Y), (GATE_X["c"], LINE_Y)]),
    ({O}, GATE_COLOR["o"], [(GATE_X["o"], BUS_Y), (GATE_X["o"], H_Y), (TANH_X, H_Y)]),
    ({HIDDEN}, STATE_INK, [(TANH_X, LINE_Y), (TANH_X, H_Y)]),  # C_t down through tanh
    ({HIDDEN}, PART_COLOR["h"], [(TANH_X, H_Y), (RIGHT, H_Y)]),  # h_t out
)
NODES: tuple[Node, ...] = (
    ({F, CELL}, "⊙", GATE_X["f"], LINE_Y),
    ({I, CELL}, "⊙", GATE_X["c"], MID_Y),
    ({CELL}, "+", GATE_X["c"], LINE_Y),
    ({HIDDEN}, "⊙", TANH_X, H_Y),
)

# Parts a text can point at (the Lesson page): name -> box (x0, y0, x1, y1), diagram units
REGIONS: dict[str, tuple[float, float, float, float]] = {
    "inputs": (-0.1, -0.9, 8.2, 1.2),  # x_t and h_{t-1} joining into v, with their labels
    "f": (2.75, 1.05, 4.75, 2.35),
    "ic": (5.45, 1.05, 10.25, 2.35),  # the input gate and the candidate
    "o": (11.85, 1.05, 13.75, 2.35),
    "cell": (0.05, 4.7, 20.05, 7.3),  # the cell-state line, C_{t-1} to C_t
    "hidden": (13.9, 1.7, 20.05, 5.15),  # tanh(C_t) and h_t out
}


# SVG canvas: diagram units to pixels of the viewBox (the picture scales to its column)
K = 45.0
# room above the cell-state line for the labels over it, and below x_t's label
X0, Y_TOP, WIDTH, HEIGHT = -0.2, 7.35, 21.2, 8.3
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
    cls: str = "",
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
    weight += f' class="{cls}"' if cls else ""
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
            f'<rect class="gate" x="{x0}" y="{y0}" width="{2 * half[0] * K}" '
            f'height="{2 * half[1] * K}" rx="5" fill="{fill}" stroke="{stroke}" stroke-width="3"/>'
        )
    ink = text_color or ("white" if lit else color)
    return shape + _text(x, y, text, color=ink, size=19, bold=True)


def _short(a: np.ndarray, chars: int, most: int = 3, digits: int = 3) -> str:
    """``short_vec(a)`` with as many entries (at most ``most``) as fit in ``chars``
    characters, at least one."""
    for k in range(most, 1, -1):
        text = short_vec(a, digits, most=k)
        if len(text) <= chars:
            return text
    return short_vec(a, digits, most=1)


@dataclass(frozen=True, eq=False)
class Layout:
    """One cell's picture: what is drawn where, and at which stages each part lights up."""

    name: str  # for the picture's aria label, e.g. "LSTM cell"
    gates: tuple[tuple[Gate, float, int, str], ...]  # (gate, x, its stage, text in its box)
    colors: dict[str, str]  # by gate key
    wires: tuple[Wire, ...]
    nodes: tuple[Node, ...]
    boxes: tuple[tuple[float, float, int, str], ...]  # operations in boxes: (x, y, stage, text)
    dashed: tuple[Wire, ...] = ()  # drawn dashed: the peepholes
    notes: tuple[tuple[float, float, str, str, str], ...] = ()  # (x, y, text, colour, anchor)


def _wire(stages: set[int], color: str, pts: list[tuple[float, float]], stage: int) -> str:
    lit = stage in stages
    points = " ".join(f"{px},{py}" for px, py in (_px(x, y) for x, y in pts))
    return (
        f'<polyline points="{points}" fill="none" stroke="{color if lit else DIM}" '
        f'stroke-width="{6 if lit else 3}" stroke-linejoin="round"/>'
    )


@cache  # by identity: each Layout is a module constant
def _skeleton(layout: Layout, stage: int) -> str:
    """Wires, gates and nodes of ``layout``: the same picture for every step at this stage."""
    parts = [_wire(*w, stage) for w in layout.wires]
    parts += [_wire(*w, stage).replace("/>", ' stroke-dasharray="7 5"/>') for w in layout.dashed]
    for g, x, home, text in layout.gates:
        parts.append(
            _block("rect", x, GATE_Y, (0.55, 0.45), layout.colors[g.key], stage == home, text)
        )
        parts.append(
            _text(
                x - 0.7,
                GATE_Y,
                g.plain.replace("_t", "_{t}"),
                "right",
                17,
                layout.colors[g.key],
                bold=True,
            )
        )
    for x, y, text, color, anchor in layout.notes:
        parts.append(_text(x, y, text, anchor, 15, color, bold=True, halo=True))
    for x, y, home, text in layout.boxes:
        parts.append(_block("rect", x, y, (0.6, 0.4), STATE_INK, stage == home, text))
    for stages, sym, x, y in layout.nodes:
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


LABEL_SIZE = 19  # px of the viewBox: about 17 px on screen on the Variants page (full width)


Label = tuple[float, float, str, str, int, frozenset[int] | None]
# (x, y, text, anchor, the stage it belongs to, other stages it shows at; None: every stage)
ALWAYS = None


CHAR_EM = 0.5  # a label character's width in em, a little more than Source Sans needs


@dataclass(frozen=True)
class Labels:
    """How the values are written on the diagram."""

    size: int = LABEL_SIZE  # px of the viewBox
    most: int = 3  # entries shown of each vector
    digits: int = 3
    fit: bool = False  # fewer entries where a label's room is short (larger text)


# Cell step and the lesson cap the diagram's height (style.py), so their labels are larger:
STEP_LABELS = Labels(size=22, fit=True)  # at least 14 px on screen at 1280×720 (issue 10, point 8)
PRESENT_LABELS = Labels(size=28, most=2, digits=2, fit=True)  # 1.3× that on screen, projector


def _lstm_labels(s: Step, style: Labels = Labels()) -> tuple[Label, ...]:
    """The LSTM's value labels; with ``style.fit`` each as long as the room beside it
    allows (in diagram units): clear of the gates, the nodes and each other
    (tests/test_e2e_classroom.py measures them in presentation mode)."""
    fx, ix, cx, ox = (GATE_X[k] for k in ("f", "i", "c", "o"))
    never: frozenset[int] = frozenset()
    most, digits = style.most, style.digits

    def v(a: np.ndarray, room: float | None = None, name: str = "", chars: int = 99) -> str:
        """``a`` in the ``room`` beside its ``name`` (with ``fit``), else in ``chars``."""
        if style.fit and room is not None:
            chars = int(room * K / (CHAR_EM * style.size)) - len(_SUB.sub(r"\1", name))
        return _short(a, chars, most, digits)

    # math names: "_{…}" is drawn as a subscript (see _math); "−" is a real minus
    return (
        (0.2, LINE_Y - 0.75, f"C_{{t−1}} = {v(s.c_prev, 9.0, 'C_{t−1} = ')}", "left", CELL,
         ALWAYS),
        # above the line, over the nodes on it: f∘C from the left, C_t from the right
        (fx + 0.45, LINE_Y + 0.8, f"f∘C_{{t−1}} = {v(s.forget_term, 7.4, 'f∘C_{t−1} = ')}",
         "left", CELL, never),
        (RIGHT, LINE_Y + 0.8, f"C_{{t}} = {v(s.c, 7.4, 'C_{t} = ')}", "right", CELL, ALWAYS),
        (fx + 0.15, 3.6, f"f_{{t}} = {v(s.f, 10.0, 'f_{t} = ')}", "left", F, never),
        # the cell update also shows i∘C̃, computed with the input gate
        (cx + 0.15, 5.15, f"i∘C̃ = {v(s.input_term)}", "left", I, frozenset({CELL})),
        # two short lines each, beside the input gate's wire and the candidate's
        (ix - 0.15, 3.25, f"i_{{t}} =\n{v(s.i, 5.0, chars=16)}", "right", I, never),
        (cx + 0.15, 3.3, f"C̃_{{t}} =\n{v(s.c_tilde, 5.1)}", "left", C, never),
        (ox - 0.15, 2.6, f"o_{{t}} = {v(s.o)}", "right", O, never),
        (TANH_X + 0.75, MID_Y, f"tanh(C_{{t}}) =\n{v(s.tanh_c, 4.6)}", "left", HIDDEN, never),
        # right of the output gate
        (RIGHT, H_Y - 0.75, f"h_{{t}} = {v(s.h, 6.2, 'h_{t} = ')}", "right", HIDDEN, ALWAYS),
        # under the forget gate, over the bus that carries v
        (0.2, BUS_Y + 0.38, f"h_{{t−1}} = {v(s.h_prev)}", "left", CONCAT, ALWAYS),
        (2.65, -0.45, f"x_{{t}} = {v(s.x)}", "left", CONCAT, ALWAYS),
    )  # fmt: skip


def layout_svg(
    layout: Layout,
    labels: tuple[Label, ...],
    stage: int,
    label_size: int = LABEL_SIZE,
    highlight: str | None = None,
) -> str:
    """``layout`` as an SVG string at ``stage``, with the ``labels`` that show at it (the
    current stage's in bold) and an optional dashed box around the REGIONS ``highlight``."""
    parts = [_skeleton(layout, stage)] + ([highlight_box(highlight)] if highlight else [])
    for x, y, text, anchor, home, also in labels:
        if also is ALWAYS or home == stage or stage in also:
            current = home == stage
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
                    cls="value",
                )
            )
    w, h = WIDTH * K, HEIGHT * K
    return (
        f'<svg viewBox="0 0 {w} {h}" width="100%" role="img" '
        f'aria-label="{layout.name} diagram, stage {stage + 1}" style="{FONT}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


def cell_diagram(
    s: Step,
    stage: int,
    key: str = "plain",
    *,
    labels: Labels = Labels(),
    highlight: str | None = None,
) -> str:
    """The cell as an SVG string: wires, gates and nodes, values of the current stage.

    ``key``: "plain", or the LSTM variant "peephole" or "coupled" (``s`` is its step);
    ``labels``: how the values are written; ``highlight``: a dashed box around that part
    (a key of REGIONS).
    """
    return layout_svg(LAYOUTS[key], _lstm_labels(s, labels), stage, labels.size, highlight)


# -- the layouts: the LSTM and its variants (the GRU's are in ui/diagram_gru.py) ----------------
_LSTM_GATES = tuple((g, GATE_X[g.key], STAGE_OF_GATE[g.key], g.activation.symbol) for g in GATES)
_TANH_BOX = ((TANH_X, MID_Y, HIDDEN, "tanh"),)
_LINK_Y = 2.3  # coupled: where f_t branches off, to a 1 − node in the input gate's place
_PEEP_TOP = GATE_Y + 0.45  # a peephole ends on its gate's box …
_PEEP_X = {k: GATE_X[k] + dx for k, dx in (("f", -0.3), ("i", 0.3), ("o", 0.3))}  # … on the
# side of its gate's wire that has no value label
LAYOUTS: dict[str, Layout] = {
    "plain": Layout("LSTM cell", _LSTM_GATES, GATE_COLOR, WIRES, NODES, _TANH_BOX),
    # p∘C_{t-1} into f and i, p∘C_t into o: dashed, beside each gate's own wire
    "peephole": Layout(
        "Peephole LSTM cell",
        _LSTM_GATES,
        GATE_COLOR,
        WIRES,
        NODES,
        _TANH_BOX,
        dashed=tuple(
            (
                {STAGE_OF_GATE[g.key]},
                GATE_COLOR[g.key],
                [(_PEEP_X[g.key], LINE_Y), (_PEEP_X[g.key], _PEEP_TOP)],
            )
            for g in PEEPHOLE_GATES
        ),
        notes=tuple(  # the name beside the wire, away from the gate's own wire
            (
                x + 0.12 * side,
                LINE_Y - 0.8,
                f"p_{{{g.key}}}",
                GATE_COLOR[g.key],
                "left" if side > 0 else "right",
            )
            for g in PEEPHOLE_GATES
            for x in [_PEEP_X[g.key]]
            for side in [1 if x > GATE_X[g.key] else -1]
        ),
    ),
    # no input gate: f_t branches to a 1 − node whose output takes the input gate's path
    "coupled": Layout(
        "Coupled LSTM cell",
        tuple(gate for gate in _LSTM_GATES if gate[0].key != COUPLED_KEY),
        GATE_COLOR,
        tuple(
            (
                {I},
                GATE_COLOR["i"],
                [
                    (GATE_X["f"], _LINK_Y),
                    (GATE_X["i"] - 0.6, _LINK_Y),
                    (GATE_X["i"] - 0.6, GATE_Y),
                    (GATE_X["i"], GATE_Y),
                    (GATE_X["i"], MID_Y),
                    (GATE_X["c"], MID_Y),
                ],
            )
            if w is I_WIRE
            else w
            for w in WIRES
        ),
        (({I}, "1−", GATE_X["i"], GATE_Y),) + NODES,
        _TANH_BOX,
    ),
}
