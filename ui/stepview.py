"""One LSTM step as a picture and a story: reused by every page that shows a step.

Each function takes the Step (and params) to show, so the Cell step page and the
Sequence page draw the same components from different sources.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from lstm_core import CONCAT_LATEX, GATE_BY_KEY, Gate, LSTMParams, Step, sigmoid

from . import classroom, fig_step, memo, show, state, tables
from .colours import C_RANGE
from .diagram import PRESENT_LABELS, STEP_LABELS, cell_diagram
from .fmt import NEAR_ONE, fmt
from .keys import step_buttons
from .latex import PX_PER_CHAR, act_tex, chain, vec, vec_width
from .stages import CELL, CONCAT, STAGES, Stage
from .view import with_stage

EQ_WIDTH = 450  # px an equation may take: the explanation column at 1280 px, with a margin
# presentation mode: the story's column at 1280 px (about 430 px) in px of the normal
# equation font, and the rows of text that fit under the stage's title at 720 px
PRESENT_EQ_WIDTH, PRESENT_EQ_ROWS = 310, 15
ROW_VECTOR_MAX = 300  # px; an equation with a wider vector writes its vectors as columns


Term = tuple[str, str, np.ndarray | None]  # (operator, TeX, then the vector if any)
Equation = tuple[str, list[list[Term]]]  # (left-hand side, its steps)


# KaTeX sizes, largest first: an equation that does not fit its box at full size is drawn
# smaller rather than cut off or run off the screen (presentation mode)
SIZES = ((1.0, ""), (0.9, r"\small "), (0.8, r"\footnotesize "), (0.7, r"\scriptsize "))
_LINE = re.compile(r" \\\\ &| \\\\\[6pt\] ")  # between the lines of ``aligned``
_MATRIX = re.compile(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}")


def _lines(
    eqs: tuple[Equation, ...], width: float, column: bool, digits: int, alone: bool = False
) -> list[str]:
    """Each equation's lines; ``alone``: with columns, the formula on a line of its own."""

    def term(op: str, tex: str, a: np.ndarray | None) -> tuple[str, str, float]:
        w = PX_PER_CHAR * 0.6 * len(tex)  # TeX source is longer than what it shows
        if a is None:
            return op, tex, w
        return op, tex + vec(a, digits, column), w + vec_width(a, digits, column)

    def lines(lhs: str, steps: list[list[Term]]) -> str:
        terms = [[term(*t) for t in step] for step in steps]
        if not (column and alone):
            return chain(lhs, PX_PER_CHAR * 3, terms, width, step_lines=not column)
        # the formula on a line of its own; the steps with numbers share lines below it
        return chain(lhs, PX_PER_CHAR * 3, terms[:1], width) + (
            r" \\" + chain("", PX_PER_CHAR * 3, terms[1:], width, step_lines=False)
            if terms[1:]
            else ""
        )

    return [lines(lhs, steps) for lhs, steps in eqs]


def tex_rows(tex: str) -> float:
    """About how tall an ``aligned`` block of ``_eq`` is, in rows of text: a line is as
    tall as its tallest column vector, plus the brackets' margin."""
    return sum(
        0.4 + max([1, *(m.count(r"\\") + 1 for m in _MATRIX.findall(line))])
        for line in _LINE.split(tex)
    )


def _eq(*eqs: Equation, width: float = EQ_WIDTH, rows: float | None = None) -> str:
    """Equations ``lhs = … = …`` over as many aligned lines as ``width`` needs.

    Each step (a list of terms, the first with operator "=") starts a line. A term's TeX
    is followed by its vector: a row vector, or a column (one unit per line) when a row
    would be too wide; all vectors of the block get the same shape. With ``rows`` (a
    projector) the block must also fit that many rows of text: the largest size of
    ``SIZES`` at which rows, else columns, fit both ways.
    """
    arrays = [a for _, steps in eqs for step in steps for *_, a in step if a is not None]
    if rows is None:
        column = any(vec_width(a) > ROW_VECTOR_MAX for a in arrays)
        digits = 3 if column else 4  # columns: narrower, so more of them fit on a line
        body = r" \\[6pt] ".join(_lines(eqs, width, column, digits))
        return r"\begin{aligned}" + body + r"\end{aligned}"
    tex = ""
    for scale, size in SIZES:
        for column in (False, True):
            widest = max((vec_width(a, 3, column) for a in arrays), default=0)
            tex = r" \\[6pt] ".join(_lines(eqs, width / scale, column, 3, alone=True))
            if PX_PER_CHAR * 3 + widest <= width / scale and tex_rows(tex) <= rows / scale:
                return size + r"\begin{aligned}" + tex + r"\end{aligned}"
    return SIZES[-1][1] + r"\begin{aligned}" + tex + r"\end{aligned}"


def _gate_eq(key: str, s: Step) -> Equation:
    g, sym = GATE_BY_KEY[key], act_tex(GATE_BY_KEY[key])
    steps: list[list[Term]] = [
        [("=", rf"{sym}(W_{key}\,v + b_{key})", None)],
        [("=", sym, s.z(key))],
        [("=", "", s.gate(key))],
    ]
    return g.symbol, steps


def stage_equation(
    k: int, s: Step, p: LSTMParams, width: float = EQ_WIDTH, rows: float | None = None
) -> str:
    """The equation of stage k with live numbers (LaTeX), in lines of at most ``width`` px;
    ``rows``: at most this many rows of text tall (see ``_eq``)."""
    if k == CONCAT:
        concat: list[list[Term]] = [
            [("=", CONCAT_LATEX[p.concat_order], None)],
            [("=", "", s.concat)],
        ]
        return _eq(("v", concat), width=width, rows=rows)
    if STAGES[k].gates:
        return _eq(*(_gate_eq(key, s) for key in STAGES[k].gates), width=width, rows=rows)
    if k == CELL:
        update: list[list[Term]] = [
            [("=", r"f_t\circ C_{t-1} + i_t\circ\tilde C_t", None)],
            [("=", "", s.f), (r"\circ", "", s.c_prev), ("+", "", s.i), (r"\circ", "", s.c_tilde)],
            [("=", "", s.forget_term), ("+", "", s.input_term)],
            [("=", "", s.c)],
        ]
        return _eq(("C_t", update), width=width, rows=rows)
    hidden: list[list[Term]] = [
        [("=", r"o_t\circ\tanh(C_t)", None)],
        [("=", "", s.o), (r"\circ", r"\tanh", s.c)],
        [("=", "", s.o), (r"\circ", "", s.tanh_c)],
        [("=", "", s.h)],
    ]
    return _eq(("h_t", hidden), width=width, rows=rows)


def stage_prose(k: int, p: LSTMParams) -> str:
    """A few sentences about stage k for a student."""
    a, b = [1, 2, 3], [3, 2, 1]
    example = f"{a} ∘ {b} = {np.multiply(a, b).tolist()}"
    n, m = p.n_hidden, p.n_input
    return STAGES[k].text.format(n=n, m=m, width=n + m, example=example)


def stage_controls(
    stage: int,
    set_stage: Callable[[int], None],
    key: str,
    *,
    keys: bool = True,
    stages: tuple[Stage, ...] = STAGES,
) -> None:
    """Prev / stage picker / Next; ``set_stage`` stores the choice wherever the page keeps it.

    With ``keys`` (one such bar per page) the keyboard and a clicker step the stage too;
    ``stages``: another cell's stage table (ui/stages.py VARIANT_STAGES).
    """
    if st.session_state.get(key) != stage:
        st.session_state[key] = stage
    middle = step_buttons(key, stage, len(stages), set_stage, noun="stage", keys=keys)
    middle.radio(
        "Stage",
        range(len(stages)),
        key=key,
        horizontal=True,
        format_func=lambda k: f"{k + 1} {stages[k].label}",
        on_change=lambda: set_stage(int(st.session_state[key])),
        label_visibility="collapsed",
    )


def diagram(s: Step, stage: int, key: str, highlight: str | None = None) -> None:
    """The cell picture (SVG built from the step's numbers; ``key`` names its container),
    with the part ``highlight`` names (``diagram.REGIONS``) boxed; not drawn when the link
    hides the diagram."""
    if classroom.hidden("diagram"):
        return
    labels = PRESENT_LABELS if classroom.present() else STEP_LABELS
    # our own SVG built from numbers; no user text can reach it
    svg = cell_diagram(s, stage, labels=labels, highlight=highlight)
    st.markdown(
        f'<div class="cell-diagram {key}">{svg}</div>',
        unsafe_allow_html=True,
    )


def beside(
    s: Step,
    stage: int,
    key: str,
    story: Callable[[], None],
    under: Callable[[], None] | None = None,
) -> None:
    """The diagram with ``story`` (the stage's equation and text) to its right, so both fit
    on one 1280×720 screen, and ``under`` it (if given) whatever else must share that
    screen; the story alone when the link hides the diagram."""
    if classroom.hidden("diagram"):
        if under is not None:
            under()
        story()
        return
    left, right = st.columns([3, 2], gap="medium")
    with left:
        diagram(s, stage, key)
        if under is not None:
            under()
    with right:
        story()


def fitted_equation(stage: int, s: Step, p: LSTMParams) -> str:
    """The stage's equation for this page's layout: in presentation mode a narrower column
    and larger symbols, so shorter lines, and no taller than the screen leaves."""
    if classroom.present():
        return stage_equation(stage, s, p, PRESENT_EQ_WIDTH, PRESENT_EQ_ROWS)
    return stage_equation(stage, s, p)


def explanation_md(s: Step, p: LSTMParams, stage: int) -> str:
    """Title, equation with numbers (unless the link hides equations) and a few sentences,
    as one markdown string."""
    eq = fitted_equation(stage, s, p)
    shown = "" if classroom.hidden("equations") else f"$$\n{eq}\n$$\n\n"
    return f"#### {stage + 1}. {STAGES[stage].title}\n\n{shown}{stage_prose(stage, p)}"


def explanation(s: Step, p: LSTMParams, stage: int) -> None:
    st.markdown(explanation_md(s, p, stage))


def hadamard(s: Step, key: str) -> None:
    st.markdown(
        r"One row per unit. Colours: gates on [0, 1]; $\tilde C_t$, $\tanh(C_t)$ and $h_t$ on "
        f"[−1, 1]; $C$ on [−{C_RANGE:g}, {C_RANGE:g}] (beyond: end colour)."
    )
    show.plotly_chart(st, fig_step.hadamard_figure(s), width="stretch", key=key)


def precision_md(s: Step, gate: Gate, dtype: str) -> str:
    """1 − gate for units that look like 1, so the float64/float32 difference is visible."""
    if gate.activation_name != "sigmoid":
        return ""
    z, g = s.z(gate.key), s.gate(gate.key)
    name = f"{gate.key}ₜ"  # f, i, o: Unicode has a subscript t (plain text, no KaTeX to draw)
    lines = []
    for r in (r for r in range(len(z)) if g[r] > NEAR_ONE):
        gap = float(sigmoid(-np.float64(z[r])))  # 1 − σ(z) without cancellation
        shown = "exactly 1.0" if g[r] == 1.0 else repr(float(g[r]))
        lines.append(
            f"unit {r}: z = {fmt(z[r])}, 1 − {name} = {gap:.3g}; {dtype} stores {name} as {shown}"
        )
    return "  \n".join(lines)


def precision_note(s: Step, gate: Gate, dtype: str) -> None:
    if text := precision_md(s, gate, dtype):
        st.info(text, icon=":material/search:")


# Step field -> the symbol the page shows for it; "_{…}" becomes a subscript (math_html)
SYMBOL = {
    "x": "x_{t}",
    "h_prev": "h_{t−1}",
    "c_prev": "C_{t−1}",
    "concat": "v",
    "f": "f_{t}",
    "i": "i_{t}",
    "c_tilde": "C̃_{t}",
    "o": "o_{t}",
    "forget_term": "f∘C_{t−1}",
    "input_term": "i∘C̃_{t}",
    "c": "C_{t}",
    "tanh_c": "tanh(C_{t})",
    "h": "h_{t}",
}


def changes_md(s: Step, before: Step) -> str:
    """Every displayed value that differs from ``before``, with the change (HTML table)."""
    rows = []
    for field, value in s.as_dict().items():
        old = getattr(before, field)
        if old.shape != value.shape:
            return "The sizes changed, so there is nothing to compare with."
        name = SYMBOL.get(field, field)
        shown = (old != value) & ~np.isnan(value)  # NaN: held back by the quiz (ui/quiz.py)
        rows += [(f"{name}[{k}]", float(old[k]), float(value[k])) for k in np.flatnonzero(shown)]
    if not rows:
        return "Nothing has changed since the last edit."
    return tables.change_table(rows)


# -- one step of a sequence ---------------------------------------------------------------
def set_stage(k: int) -> None:
    """Callback of the stage picker: the stage is part of the shared view (and the URL);
    the focus follows it (``view.with_stage``)."""
    v = with_stage(state.view(), k)
    state.set_view(stage=v.stage, focus=v.focus)


# Unicode subscripts: table headers cannot render LaTeX
STEP_COLUMNS: tuple[tuple[str, str], ...] = (
    ("c_prev", "Cₜ₋₁"),
    ("f", "fₜ"),
    ("i", "iₜ"),
    ("c_tilde", "C̃ₜ"),
    ("o", "oₜ"),
    ("c", "Cₜ"),
    ("h", "hₜ"),
)


def step_numbers(s: Step) -> pa.Table:
    """One row per unit: the step's values, for the numbers table (``show.table``)."""
    return _step_numbers(*(np.asarray(getattr(s, field), dtype=float) for field, _ in STEP_COLUMNS))


@memo.by_value(maxsize=256)
def _step_numbers(*columns: np.ndarray) -> pa.Table:
    # as the Arrow table st.dataframe would make: a step seen before costs no conversion
    df = pd.DataFrame(
        {label: a for (_, label), a in zip(STEP_COLUMNS, columns, strict=True)},
        index=[f"unit {r}" for r in range(len(columns[0]))],
    )
    return pa.Table.from_pandas(df)


def step_detail(ns: str, s: Step, params: LSTMParams, t: int, dtype: str = "float64") -> None:
    """The Cell step page's one-step view (stage picker, diagram, equations with numbers)
    for step t of a sequence, with the step's numbers as a table and the Hadamard table
    on request; ``ns`` prefixes its widget keys."""
    stage = state.view().stage
    st.markdown(f"#### Step t = {t} in detail: $x_t$ = {_vec_text(s.x)}")
    stage_controls(stage, set_stage, key=f"{ns}:stage", keys=False)  # keys step time
    if classroom.present():
        beside(s, stage, f"{ns}:diagram", lambda: explanation(s, params, stage))
    else:
        diagram(s, stage, key=f"{ns}:diagram")
        explanation(s, params, stage)
    if classroom.hidden("numbers"):
        return
    precision_note(s, GATE_BY_KEY[state.view().focus], dtype)
    st.markdown(f"**All values at t = {t}**, one row per unit")
    show.table(step_numbers(s), hide_index=False, number_format="%.4g")
    with st.expander("Hadamard table of this step"):
        hadamard(s, key=f"{ns}:hadamard")


def _vec_text(a: np.ndarray) -> str:
    return "[" + ", ".join(f"{float(v):.4g}" for v in np.asarray(a)) + "]"
