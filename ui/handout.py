"""The current step as a handout: Markdown with LaTeX, print-ready HTML, and the diagram as SVG.

Both documents come from one description of the step (``_sections``): a list of
equations, each a list of lines of terms (a math name, an operator or an array). One
renderer writes the terms as LaTeX, the other as HTML tables and Unicode, so the
HTML needs no KaTeX, no script and no network, and prints as it shows (A4, two pages
at most for the default sizes).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np

from lstm_core import CONCAT_LATEX, GATES, CellModel, LSTMParams, Step, step

from .diagram import cell_diagram
from .fmt import fmt
from .latex import num, vec
from .tables import math_html

DIGITS = 4
BIG = 10  # n+m above which the HTML sets arrays in smaller type, so that W·v fits a line
DIAGRAM_STAGE = 3  # the cell update: the cell-state line and both ∘ products lit


@dataclass(frozen=True)
class Sym:
    """A math name or operator: its LaTeX and its plain text (``math_html`` draws _{…})."""

    tex: str
    plain: str


@dataclass(frozen=True)
class Arr:
    """An array shown with its numbers: a column vector (a row with ``row``), or a matrix."""

    a: np.ndarray
    row: bool = False


Term = Sym | Arr
Line = list[Term]
EQ, PLUS, DOT, HAD = Sym("=", "="), Sym("+", "+"), Sym(r"\cdot", "·"), Sym(r"\circ", "∘")
OPEN, CLOSE = Sym(r"\left(", "("), Sym(r"\right)", ")")


@dataclass(frozen=True)
class Section:
    title: str
    text: str  # one sentence, plain
    equations: list[list[Line]]  # each equation: its lines


def _name(tex: str, plain: str | None = None) -> Sym:
    return Sym(tex, plain if plain is not None else tex)


def _sections(p: LSTMParams, s: Step) -> list[Section]:
    v_tex = CONCAT_LATEX[p.concat_order]
    v_plain = v_tex.replace("{t-1}", "{t−1}")
    h_prev, c_prev = _name("h_{t-1}", "h_{t−1}"), _name("C_{t-1}", "C_{t−1}")
    x_t, v = _name("x_t"), _name("v")
    sections = [
        Section(
            "1. Inputs and concatenation",
            "Every gate sees one vector v: the previous hidden state and the new input, "
            "in this order.",
            [
                [
                    [x_t, EQ, Arr(s.x, row=True)],
                    [h_prev, EQ, Arr(s.h_prev, row=True)],
                    [c_prev, EQ, Arr(s.c_prev, row=True)],
                ],
                [[v, EQ, _name(v_tex, v_plain), EQ, Arr(s.concat, row=True)]],
            ],
        )
    ]
    gates: list[list[Line]] = []
    for g in GATES:
        act = _name(r"\sigma", "σ") if g.activation_name == "sigmoid" else _name(r"\tanh", "tanh")
        z, W, b = _name(f"z_{g.key}"), _name(f"W_{g.key}"), _name(f"b_{g.key}")
        value = _name(g.symbol, g.plain)
        gates.append(
            [
                [
                    z,
                    EQ,
                    W,
                    DOT,
                    v,
                    PLUS,
                    b,
                    EQ,
                    Arr(p.W(g.key)),
                    DOT,
                    Arr(s.concat),
                    PLUS,
                    Arr(p.b(g.key)),
                    EQ,
                    Arr(s.z(g.key)),
                ],
                [value, EQ, act, OPEN, z, CLOSE, EQ, Arr(s.gate(g.key))],
            ]  # fmt: skip
        )
    sections.append(
        Section(
            "2. The four gates",
            "Each gate: a weighted sum of v plus a bias (z), then σ (gates, between 0 and 1) "
            "or tanh (the candidate, between −1 and 1), unit by unit.",
            gates,
        )
    )
    f, i, c_t, o = (_name(g.symbol, g.plain) for g in GATES)
    C, h = _name("C_t"), _name("h_t")
    tanh = _name(r"\tanh", "tanh")
    sections.append(
        Section(
            "3. Cell update and hidden state",
            "∘ multiplies unit by unit (the Hadamard product): the forget gate scales the "
            "old cell state, the input gate scales the candidate.",
            [
                [
                    [
                        C,
                        EQ,
                        f,
                        HAD,
                        c_prev,
                        PLUS,
                        i,
                        HAD,
                        c_t,
                        EQ,
                        Arr(s.f),
                        HAD,
                        Arr(s.c_prev),
                        PLUS,
                        Arr(s.i),
                        HAD,
                        Arr(s.c_tilde),
                    ],
                    [EQ, Arr(s.forget_term), PLUS, Arr(s.input_term), EQ, Arr(s.c)],
                ],
                [
                    [
                        h,
                        EQ,
                        o,
                        HAD,
                        tanh,
                        OPEN,
                        C,
                        CLOSE,
                        EQ,
                        Arr(s.o),
                        HAD,
                        tanh,
                        OPEN,
                        Arr(s.c),
                        CLOSE,
                        EQ,
                        Arr(s.o),
                        HAD,
                        Arr(s.tanh_c),
                        EQ,
                        Arr(s.h),
                    ],
                ],
            ],  # fmt: skip
        )
    )
    return sections


# The Hadamard table: (LaTeX, plain, Step field)
HADAMARD = (
    ("f_t", "f_t", "f"),
    ("C_{t-1}", "C_{t−1}", "c_prev"),
    (r"f_t\circ C_{t-1}", "f_t∘C_{t−1}", "forget_term"),
    ("i_t", "i_t", "i"),
    (r"\tilde{C}_t", "C̃_t", "c_tilde"),
    (r"i_t\circ\tilde{C}_t", "i_t∘C̃_t", "input_term"),
    ("C_t", "C_t", "c"),
    ("o_t", "o_t", "o"),
    (r"\tanh(C_t)", "tanh(C_t)", "tanh_c"),
    ("h_t", "h_t", "h"),
)


def _rows(s: Step) -> Iterator[list[str]]:
    for r in range(len(s.h)):
        yield [str(r), *(fmt(getattr(s, field)[r], DIGITS) for *_, field in HADAMARD)]


def _summary(p: LSTMParams, dtype: Any) -> str:
    return (
        f"n = {p.n_hidden} cell units, m = {p.n_input} inputs, v = {CONCAT_LATEX[p.concat_order]}, "
        f"{np.dtype(dtype).name}. Numbers rounded to {DIGITS} significant digits "
        "(the CSV download holds them exactly)."
    )


def _step(example: CellModel, dtype: Any) -> Step:
    return step(example.params, example.x, example.h_prev, example.c_prev, dtype=dtype)


def diagram_svg(example: CellModel, dtype: Any = np.float64, stage: int = DIAGRAM_STAGE) -> str:
    """The cell diagram alone, as a standalone SVG file (fixed size, XML declaration)."""
    svg = cell_diagram(_step(example, dtype), stage)
    width, height = svg.split('viewBox="0 0 ', 1)[1].split('"', 1)[0].split()
    svg = svg.replace('width="100%"', f'width="{width}" height="{height}"', 1)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n"


# -- Markdown with LaTeX ------------------------------------------------------------------------


def _tex(term: Term) -> str:
    if isinstance(term, Sym):
        return term.tex
    a = np.asarray(term.a)
    if a.ndim == 1:
        return vec(a, DIGITS, column=not term.row)
    rows = [" & ".join(num(x, DIGITS) for x in row) for row in a]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def _tex_equation(lines: Sequence[Line]) -> str:
    """Lines that start with "=" continue the first line (aligned at its "="); other
    lines are equations of their own, set side by side."""
    body = [" ".join(_tex(t) for t in line) for line in lines]
    if all(line[0] != EQ for line in lines):
        return r",\qquad ".join(body)
    first, *rest = body
    lhs, _, rhs = first.partition(" = ")
    text = rf"{lhs} &= {rhs}" + "".join(rf" \\ &{line}" for line in rest)
    return r"\begin{aligned}" + text + r"\end{aligned}"


def handout_markdown(example: CellModel, dtype: Any = np.float64) -> str:
    """The step as Markdown with LaTeX ($$ … $$), a table and the diagram as inline SVG."""
    p, s = example.params, _step(example, dtype)
    out = ["# One LSTM step, worked out", "", _summary(p, dtype), ""]
    for sec in _sections(p, s):
        out += [f"## {sec.title}", "", sec.text, ""]
        for eq in sec.equations:
            out += ["$$", _tex_equation(eq), "$$", ""]
    out += ["## 4. The Hadamard products, unit by unit", ""]
    out.append("| unit | " + " | ".join(f"${tex}$" for tex, _, _ in HADAMARD) + " |")
    out.append("|" + "---:|" * (len(HADAMARD) + 1))
    out += ["| " + " | ".join(row) + " |" for row in _rows(s)]
    out += ["", "## 5. The cell", "", cell_diagram(s, DIAGRAM_STAGE), ""]
    return "\n".join(out)


# -- HTML for print ------------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 12mm 13mm; }
* { box-sizing: border-box; }
body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; font-size: 9.5pt;
       color: #111; margin: 0 auto; max-width: 184mm; line-height: 1.3; }
h1 { font-size: 15pt; margin: 0 0 2pt; }
h2 { font-size: 11pt; margin: 9pt 0 2pt; border-bottom: 1px solid #999; break-after: avoid; }
p { margin: 2pt 0 4pt; }
.summary { color: #333; }
.eqs { display: flex; flex-wrap: wrap; align-items: center; gap: 3pt 22pt; margin: 5pt 0 5pt 8pt;
       font-family: 'DejaVu Serif', 'Liberation Serif', serif; break-inside: avoid; }
.eq { display: flex; flex-wrap: wrap; align-items: center; gap: 2pt 3pt; }
.op { padding: 0 1pt; }
.paren { margin: 0 -2pt; font-size: 110%; }
.m { font-style: italic; }
table.arr { display: inline-table; border-collapse: separate; border-spacing: 0;
            border-left: 1.2px solid #000; border-right: 1.2px solid #000; border-radius: 3px;
            font-family: 'DejaVu Sans Mono', 'Liberation Mono', monospace; font-size: 8.5pt; }
table.arr td { padding: 0 3pt; text-align: right; }
table.had { border-collapse: collapse; font-size: 9pt; break-inside: avoid; }
table.had th, table.had td { border: 1px solid #bbb; padding: 1pt 5pt; text-align: right; }
table.had th { background: #eee; }
.gates { display: grid; grid-template-columns: 1fr; }
figure { margin: 6pt 0 0; break-inside: avoid; }
figure svg { width: 100%; max-height: 80mm; }
body.big table.arr { font-size: 6.5pt; }
body.big table.arr td { padding: 0 1.5pt; }
.foot { font-size: 8pt; color: #555; margin-top: 6pt; }
"""


def _html(term: Term) -> str:
    if isinstance(term, Sym):
        if term in (OPEN, CLOSE):
            return f'<span class="paren">{term.plain}</span>'
        if term in (EQ, PLUS, DOT, HAD):
            return f'<span class="op">{escape(term.plain)}</span>'
        if term.plain in ("σ", "tanh"):
            return f"<span>{term.plain}</span>"
        return f'<span class="m">{math_html(term.plain)}</span>'
    a = np.asarray(term.a)
    rows = a[:, None] if a.ndim == 1 and not term.row else np.atleast_2d(a)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(fmt(x, DIGITS))}</td>" for x in row) + "</tr>"
        for row in rows
    )
    return f'<table class="arr">{body}</table>'


def _html_equation(lines: Sequence[Line]) -> str:
    """The lines of one equation side by side while they fit, else one under the other."""
    inner = "".join(f'<div class="eq">{"".join(_html(t) for t in line)}</div>' for line in lines)
    return f'<div class="eqs">{inner}</div>'


def handout_html(example: CellModel, dtype: Any = np.float64) -> str:
    """The step as one standalone, print-ready HTML page (A4): no script, no fetches."""
    p, s = example.params, _step(example, dtype)
    parts = [f'<p class="summary">{math_html(_summary(p, dtype))}</p>']
    for sec in _sections(p, s):
        parts.append(f"<h2>{escape(sec.title)}</h2><p>{escape(sec.text)}</p>")
        for eq in sec.equations:
            parts.append(_html_equation(eq))
    head = "".join(f"<th>{math_html(plain)}</th>" for _, plain, _ in HADAMARD)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in _rows(s))
    parts.append(
        "<h2>4. The Hadamard products, unit by unit</h2>"
        f'<table class="had"><tr><th>unit</th>{head}</tr>{body}</table>'
    )
    parts.append(f"<h2>5. The cell</h2><figure>{cell_diagram(s, DIAGRAM_STAGE)}</figure>")
    parts.append('<p class="foot">Made with LSTM, step by step.</p>')
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>One LSTM step, worked out</title>"
        f"<style>{CSS}</style></head>"
        f'<body class="{"big" if p.n_hidden + p.n_input > BIG else ""}">'
        "<h1>One LSTM step, worked out</h1>" + "".join(parts) + "</body></html>\n"
    )
