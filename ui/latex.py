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


def row_expansion(params: LSTMParams, s: Step, gate: Gate, r: int) -> str:
    """z_{k,r} = W[r,0]·v[0] + … = W·v,  + b = z,  act(z) = value, for unit r."""
    terms = matvec_terms(params, gate.key, s.concat)[r]
    W_row, v = params.W(gate.key)[r], s.concat
    parts = " + ".join(rf"{fmt(w)}\cdot{fmt(x)}" for w, x in zip(W_row, v, strict=True))
    wv = float(np.sum(terms))
    b = float(params.b(gate.key)[r])
    z = float(s.z(gate.key)[r])
    g = float(s.gate(gate.key)[r])
    sym = r"\sigma" if gate.activation_name == "sigmoid" else r"\tanh"
    return (
        rf"\text{{unit {r}:}}\quad {parts} = {fmt(wv)}"
        rf"\;\xrightarrow{{+\,b={fmt(b)}}}\; z = {fmt(z)}"
        rf"\;\xrightarrow{{{sym}}}\; {gate_value(g)}"
    )
