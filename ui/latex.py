"""LaTeX strings with live numbers, for st.latex."""

from __future__ import annotations

import numpy as np

from lstm_core import Gate, LSTMParams, Step, matvec_terms

from .plots import fmt


def vec(a: np.ndarray, digits: int = 4) -> str:
    return r"\begin{bmatrix}" + " & ".join(fmt(v, digits) for v in np.asarray(a)) + r"\end{bmatrix}"


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
    if g > 0.999:
        return rf"1 - {sci(1.0 - g)}"
    return fmt(g, 6)


def _factor(x: float) -> str:
    """A number as a factor: negatives in parentheses, so 2·(−0.3) never reads as 2·−0.3."""
    text = fmt(x)
    return f"({text})" if text.startswith("-") else text


LINE_BUDGET = 70  # characters of terms per line before the expansion wraps


def row_expansion(params: LSTMParams, s: Step, gate: Gate, r: int) -> str:
    """unit r: W[r,0]·v[0] + … = W·v, then + b = z, then act(z) = value; long sums wrap."""
    terms = matvec_terms(params, gate.key, s.concat)[r]
    W_row, v = params.W(gate.key)[r], s.concat
    products = [rf"{_factor(w)}\cdot{_factor(x)}" for w, x in zip(W_row, v, strict=True)]
    lines, line = [], []
    for term in products:
        if line and sum(len(t) for t in line) + len(term) > LINE_BUDGET:
            lines.append(" + ".join(line))
            line = []
        line.append(term)
    lines.append(" + ".join(line))
    wv = float(terms.sum())  # W·v from the core's products, so the row adds up as shown
    b = float(params.b(gate.key)[r])
    z = float(s.z(gate.key)[r])
    g = float(s.gate(gate.key)[r])
    sym = r"\sigma" if gate.activation_name == "sigmoid" else r"\tanh"
    tail = (
        rf" = {fmt(wv)}\;\xrightarrow{{+\,b={fmt(b)}}}\; z = {fmt(z)}"
        rf"\;\xrightarrow{{{sym}}}\; {gate_value(g)}"
    )
    if len(lines) == 1:
        return rf"\text{{unit {r}:}}\quad {lines[0]}{tail}"
    body = r" \\ & + ".join(lines)
    return rf"\begin{{aligned}}\text{{unit {r}:}}\quad & {body}{tail}\end{{aligned}}"
