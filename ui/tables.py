"""Coloured HTML tables for vectors and matrices: cheap to redraw on every edit.

Same fixed colour scales as the figures (``colours``). Only numbers and fixed
labels are written into the HTML; ``math_html`` escapes everything else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

import numpy as np
import pandas as pd
import pyarrow as pa

from lstm_core import Gate, LSTMParams, Step, matvec_terms

from .colours import PART_COLOR, UNIT_SCALE, Scale, colour_at
from .fmt import NEAR_ONE, fmt
from .memo import by_value

_CELL = "padding:4px 10px; text-align:center; font-size:16px; min-width:3.2em;"
_HEAD = "padding:3px 8px; text-align:center; font-size:14px; font-weight:600;"
_TEXT = "padding:5px 10px; text-align:left; font-size:15px; border-bottom:1px solid #ddd;"
_SCRIPT = re.compile(r"([_^])(\{[^}]*\}|[A-Za-z0-9])")


def math_html(text: str) -> str:
    """Plain math names as HTML: "h_{t-1}" → h<sub>t−1</sub>, "W^x" → W<sup>x</sup>.

    The text is escaped first, so only the sub- and superscripts become markup.
    """

    def script(m: re.Match[str]) -> str:
        tag = "sub" if m[1] == "_" else "sup"
        return f"<{tag}>{m[2].strip('{}').replace('-', '−')}</{tag}>"

    return _SCRIPT.sub(script, escape(text))


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], nowrap: int = 0) -> str:
    """A plain table of short texts, math names rendered (see ``math_html``).

    The first ``nowrap`` columns never break their lines.
    """
    keep = [" white-space:nowrap;" if j < nowrap else "" for j in range(len(header))]
    head = "".join(
        f'<th style="{_TEXT}{k} font-weight:600">{math_html(h)}</th>'
        for h, k in zip(header, keep, strict=True)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="{_TEXT}{k}">{math_html(c)}</td>' for c, k in zip(row, keep, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    table = '<table style="border-collapse:collapse; margin:2px 0 10px">'
    return f"{table}<tr>{head}</tr>{body}</table>"


@by_value(maxsize=64)
def numbers_frame(a: np.ndarray) -> pa.Table:
    """The entries of ``a`` as text, one row per row (a vector: one column), for
    ``show.table``: as the Arrow table ``st.dataframe`` would make of the DataFrame, so an
    array seen before costs no conversion."""
    a2 = a.reshape(-1, 1) if a.ndim == 1 else a
    return pa.Table.from_pandas(pd.DataFrame([[fmt(v) for v in row] for row in a2]))


def _cell(value: float, scale: Scale, lo: float, hi: float, extra: str = "") -> str:
    bg, ink = colour_at(scale, round((value - lo) / (hi - lo), 3))
    return f'<td style="{_CELL} background:{bg}; color:{ink}; {extra}">{escape(fmt(value))}</td>'


def _part_header(labels: Sequence[str]) -> str:
    return "".join(
        f'<th style="{_HEAD} color:{PART_COLOR[lab[0]]}">{escape(lab)}</th>' for lab in labels
    )


def concat_table(params: LSTMParams, v: np.ndarray) -> str:
    """v as one row, each entry labelled with where it came from (h part orange, x part blue)."""
    labels = params.concat_labels()
    cells = "".join(
        f'<td style="{_CELL} background:{PART_COLOR[lab[0]]}33; '
        f'border-bottom:5px solid {PART_COLOR[lab[0]]}">{escape(fmt(x))}</td>'
        for lab, x in zip(labels, v, strict=True)
    )
    index = "".join(f'<th style="{_HEAD} color:#666">v[{k}]</th>' for k in range(len(v)))
    return (
        f'<table style="border-collapse:collapse; margin:4px 0 10px">'
        f"<tr><th></th>{index}</tr><tr><th></th>{_part_header(labels)}</tr>"
        f'<tr><th style="{_HEAD}">v</th>{cells}</tr></table>'
    )


def block_table(params: LSTMParams, key: str) -> str:
    """W_key with its columns in v's order and a bold line between the W^h and W^x blocks."""
    return _block_table(params.W(key), tuple(params.concat_labels()), key)


@by_value()
def _block_table(W: np.ndarray, labels: tuple[str, ...], key: str) -> str:
    n = W.shape[0]
    lim = max(1.0, float(np.max(np.abs(W))))
    split = next(k for k in range(1, len(labels)) if labels[k][0] != labels[k - 1][0])
    blocks = []
    for part in (labels[0][0], labels[-1][0]):
        width = sum(lab[0] == part for lab in labels)
        blocks.append(
            f'<th colspan="{width}" style="{_HEAD} color:{PART_COLOR[part]}">'
            f"W<sup>{part}</sup><sub>{escape(key)}</sub> ({n}×{width})</th>"
        )
    rows = []
    for r in range(n):
        cells = "".join(
            _cell(
                W[r, j], UNIT_SCALE, -lim, lim, "border-left:4px solid #222;" if j == split else ""
            )
            for j in range(W.shape[1])
        )
        rows.append(f'<tr><th style="{_HEAD}">unit {r}</th>{cells}</tr>')
    return (
        f'<table style="border-collapse:separate; border-spacing:2px; margin:4px 0 6px">'
        f"<tr><th></th>{''.join(blocks)}</tr><tr><th></th>{_part_header(labels)}</tr>"
        f"{''.join(rows)}</table>"
        f'<div style="font-size:14px; color:#555">colour: weight on RdBu over '
        f"[−{fmt(lim)}, {fmt(lim)}], blue positive, red negative</div>"
    )


def change_table(rows: Sequence[tuple[str, float, float]], most: int = 12) -> str:
    """(name, before, after) rows as a small table with the change, largest changes first;
    names are drawn as math (``math_html``)."""
    ordered = sorted(rows, key=lambda r: -abs(r[2] - r[1]))
    head = "".join(f'<th style="{_HEAD}">{h}</th>' for h in ("value", "before", "after", "change"))
    body = "".join(
        f'<tr><td style="{_CELL} text-align:left">{math_html(name)}</td>'
        f'<td style="{_CELL}">{escape(fmt(b, 6))}</td><td style="{_CELL}">{escape(fmt(a, 6))}</td>'
        f'<td style="{_CELL}">{"+" if a >= b else ""}{escape(fmt(a - b, 4))}</td></tr>'
        for name, b, a in ordered[:most]
    )
    more = (
        f'<div style="font-size:14px; color:#555">and {len(rows) - most} more</div>'
        if len(rows) > most
        else ""
    )
    return f'<table style="border-collapse:collapse"><tr>{head}</tr>{body}</table>{more}'


def side_by_side(*blocks: str) -> str:
    """Blocks of HTML in a row that wraps on narrow screens."""
    # each block scrolls inside its own box rather than running past the page's edge
    cells = "".join(
        f'<div style="min-width:0; max-width:100%; overflow-x:auto">{b}</div>' for b in blocks
    )
    return (
        f'<div style="display:flex; flex-wrap:wrap; gap:28px; align-items:flex-start">{cells}</div>'
    )


# The look of the app's KaTeX (its fonts are on the page for the equations above), so
# that arithmetic written as HTML reads like the typeset equations next to it.
_MATH = "font-family:KaTeX_Main,'Times New Roman',serif; font-size:1.21em; white-space:nowrap;"
_ROW = "padding:6px 4px; vertical-align:baseline;"


def _num(x: float, digits: int = 4) -> str:
    """A number as in math: a true minus sign, e-notation as × 10 with a superscript."""
    text = fmt(x, digits)
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}×10<sup>{int(exp)}</sup>"
    return text.replace("-", "−")


def _factor(x: float) -> str:
    """A number as a factor: negatives in parentheses, so 2·(−0.3) never reads as 2·−0.3."""
    text = _num(x)
    return f"({text})" if text.startswith("−") else text


def _gate_value(g: float) -> str:
    """A gate value with the digits that matter next to 1 (as ``fmt_gate``, to 3 digits)."""
    if g == 1.0:
        return "1 (exactly)"
    if g > NEAR_ONE:
        return f"1 − {_num(1.0 - g, 3)}"
    return _num(g, 6)


def _arrow(label: str, chars: int) -> str:
    """An arrow with a small label above it, like LaTeX's \\xrightarrow{label}; about as
    wide as the label's ``chars`` characters. Only the arrowhead is text, so the arrow
    sits on the line like a character; the shaft and the label are drawn around it."""
    place = "position:absolute; left:0; white-space:nowrap"
    return (
        '<span style="position:relative; display:inline-block; text-align:right; '
        f'margin:0 0.3em; min-width:{max(1.5, 0.42 * chars):.2f}em">→'
        f'<span style="{place}; right:0.5em; top:52%; border-top:0.06em solid currentColor">'
        f'</span><span style="{place}; right:0; bottom:88%; text-align:center; '
        f'font-size:0.7em; line-height:1">{label}</span></span>'
    )


def row_table(params: LSTMParams, s: Step, gate: Gate) -> str:
    """Each unit r of ``gate``: W[r,0]·v[0] + … = W·v, then + b = z, then act(z) = value.

    One table row per unit, so the results line up; a long sum wraps between its terms,
    inside its column. Numbers only: nothing here comes from outside the app.
    """
    terms = matvec_terms(params, gate.key, s.concat)  # (n, n+m)
    W, v = params.W(gate.key), s.concat  # (n, n+m), (n+m,)
    act = gate.activation.symbol  # σ in italics, as a variable; tanh upright
    act_html = f"<i>{act}</i>" if len(act) == 1 else act
    cell = f'<td style="{_ROW} {_MATH}">'
    rows = []
    for r in range(params.n_hidden):
        products = "&#160;+ ".join(  # a wrapped line ends with "+", never starts with one
            f'<span style="white-space:nowrap">{_factor(w)}&#8201;·&#8201;{_factor(x)}</span>'
            for w, x in zip(W[r], v, strict=True)
        )
        z = float(s.z(gate.key)[r])
        # W·v from the core's products, so the row adds up as shown; held back with z (NaN)
        wv = float(terms[r].sum()) if not np.isnan(z) else z
        b = float(params.b(gate.key)[r])
        plus_b = _arrow(f"+&#8201;<i>b</i> = {_num(b)}", 5 + len(fmt(b)))
        value = _gate_value(float(s.gate(gate.key)[r]))
        rows.append(
            f"<tr>{cell}unit {r}:</td>"
            f'<td style="{_ROW} {_MATH} white-space:normal">{products}</td>'
            f"{cell}= {_num(wv)}</td>{cell}{plus_b} <i>z</i> = {_num(z)}</td>"
            f"{cell}{_arrow(act_html, len(act))} {value}</td></tr>"
        )
    # a narrow screen scrolls the table in its own box rather than the page
    table = '<table class="unit-rows" style="border-collapse:collapse; margin:10px 0 8px">'
    return f'<div style="max-width:100%; overflow-x:auto">{table}{"".join(rows)}</table></div>'
