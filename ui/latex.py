"""LaTeX strings with live numbers, for st.latex."""

from __future__ import annotations

import numpy as np

from lstm_core import Gate, LSTMParams, Step, matvec_terms

from .fmt import NEAR_ONE, fmt

ACT_TEX = {"sigmoid": r"\sigma", "tanh": r"\tanh"}  # each activation's name in LaTeX


def act_tex(gate: Gate) -> str:
    """The gate's activation in LaTeX: ``\\sigma`` or ``\\tanh``."""
    return ACT_TEX[gate.activation_name]


def vec(a: np.ndarray, digits: int = 4, column: bool = False) -> str:
    """A row vector in brackets, or a column vector (one entry per line) with ``column``."""
    sep = r" \\ " if column else " & "
    return r"\begin{bmatrix}" + sep.join(num(v, digits) for v in np.asarray(a)) + r"\end{bmatrix}"


def num(x: float, digits: int = 4) -> str:
    """``fmt(x, digits)`` in LaTeX: e-notation as a × 10^{k}."""
    text = fmt(x, digits)
    if "e" not in text:
        return text
    mant, exp = text.split("e")
    return rf"{mant}\times10^{{{int(exp)}}}"


# Rough widths of displayed KaTeX at the app's font size (px): enough to decide where
# a line must break so that an equation never runs past its column.
PX_PER_CHAR, PX_COLUMN_GAP, PX_BRACKETS, PX_OPERATOR = 10, 19, 18, 24


def vec_width(a: np.ndarray, digits: int = 4, column: bool = False) -> float:
    """About how wide ``vec(a, digits, column)`` is on the page, in px."""
    texts = [fmt(v, digits).replace("e", "×10") for v in np.asarray(a)]
    if column:
        return PX_PER_CHAR * max(map(len, texts), default=1) + PX_BRACKETS
    return PX_PER_CHAR * sum(map(len, texts)) + PX_COLUMN_GAP * (len(texts) - 1) + PX_BRACKETS


def chain(
    lhs: str,
    lhs_width: float,
    steps: list[list[tuple[str, str, float]]],
    budget: float,
    step_lines: bool = True,
) -> str:
    """``lhs = step = step …`` as aligned lines (for ``aligned``), none wider than ``budget``.

    A step is a list of (operator, TeX, width in px) terms, the first with operator "=";
    with ``step_lines`` each step starts a line, else steps share lines while they fit.
    A step too wide for one line continues on the next line before a "+" (a product
    stays whole), or before any operator if a product is too wide.
    """
    lines: list[str] = []
    line, width = "", lhs_width
    for step in steps:
        if step_lines and line:
            lines.append(line)
            line, width = "", lhs_width
        groups: list[list[tuple[str, str, float]]] = []
        for t in step:
            if not groups or t[0] in ("+", "-", "="):
                groups.append([])
            groups[-1].append(t)
        for group in groups:
            size = sum(w + PX_OPERATOR for *_, w in group)
            pieces = [[t] for t in group] if lhs_width + size > budget else [group]
            for piece in pieces:
                w = sum(w + PX_OPERATOR for *_, w in piece)
                if line and width + w > budget:
                    lines.append(line)
                    line, width = "", lhs_width
                for op, tex, _ in piece:
                    line += f" {op} {tex}" if line else f"{op} {tex}"
                width += w
    lines.append(line)
    return rf"{lhs} &" + r" \\ &".join(lines)


def sci(x: float, digits: int = 3) -> str:
    """x in LaTeX, as a × 10^{k} when written in e-notation."""
    text = f"{x:.{digits}g}"
    if "e" not in text:
        return text
    mant, exp = text.split("e")
    return rf"{mant}\times10^{{{int(exp)}}}"


def gate_value(g: float) -> str:
    """A gate value in LaTeX, with the digits that matter next to 1."""
    if g == 1.0:
        return r"1\ \text{(exactly)}"
    if g > NEAR_ONE:
        return rf"1 - {sci(1.0 - g)}"
    return fmt(g, 6)


def factor(x: float) -> str:
    """A number as a factor: negatives in parentheses, so 2·(−0.3) never reads as 2·−0.3."""
    text = fmt(x)
    return f"({text})" if text.startswith("-") else text


LINE_BUDGET = 70  # characters of terms per line before the expansion wraps


def row_expansion(params: LSTMParams, s: Step, gate: Gate, r: int) -> str:
    """unit r: W[r,0]·v[0] + … = W·v, then + b = z, then act(z) = value; long sums wrap."""
    terms = matvec_terms(params, gate.key, s.concat)[r]
    W_row, v = params.W(gate.key)[r], s.concat
    products = [rf"{factor(w)}\cdot{factor(x)}" for w, x in zip(W_row, v, strict=True)]
    lines: list[str] = []
    line: list[str] = []
    for term in products:
        if line and sum(len(t) for t in line) + len(term) > LINE_BUDGET:
            lines.append(" + ".join(line))
            line = []
        line.append(term)
    lines.append(" + ".join(line))
    z = float(s.z(gate.key)[r])
    # W·v from the core's products, so the row adds up as shown; held back with z (NaN)
    wv = float(terms.sum()) if not np.isnan(z) else z
    b = float(params.b(gate.key)[r])
    g = float(s.gate(gate.key)[r])
    sym = act_tex(gate)
    tail = (
        rf" = {fmt(wv)}\;\xrightarrow{{+\,b={fmt(b)}}}\; z = {fmt(z)}"
        rf"\;\xrightarrow{{{sym}}}\; {gate_value(g)}"
    )
    if len(lines) == 1:
        return rf"\text{{unit {r}:}}\quad {lines[0]}{tail}"
    body = r" \\ & + ".join(lines)
    # a wrapped sum ends its last line; the result gets a line of its own
    return rf"\begin{{aligned}}\text{{unit {r}:}}\quad & {body} \\ &{tail}\end{{aligned}}"
