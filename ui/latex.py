"""LaTeX strings with live numbers, for st.latex."""

from __future__ import annotations

import numpy as np

from lstm_core import Gate

from .fmt import fmt

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


def factor(x: float) -> str:
    """A number as a factor: negatives in parentheses, so 2·(−0.3) never reads as 2·−0.3."""
    text = fmt(x)
    return f"({text})" if text.startswith("-") else text
