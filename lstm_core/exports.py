"""Every intermediate of a step or a sequence as CSV text (pure functions, text out).

Every number is written as its repr, so reading it back with ``float()`` gives the
same float64 bit for bit (a float32 value is written as the float64 it widens to,
which narrows back exactly). Lines starting with ``#`` document the columns; read
them with ``csv`` after skipping those lines, or ``pandas.read_csv(f, comment="#")``.

Layouts
-------
step_csv     one row per cell unit r = 0 … n-1; one column per quantity of length n,
             in the order the step computes them (``UNIT_QUANTITIES``):
             ``unit,h_prev,c_prev,z_f,z_i,z_c,z_o,f,i,c_tilde,o,forget_term,input_term,c,tanh_c,h``
concat_csv   the other lengths: one row per entry of v (n+m rows):
             ``index,part,part_index,v``; part is h or x, so the x rows are x_t
trace_csv    a whole sequence, long format: ``t,unit,quantity,value``, one row per
             number; for quantity x the unit column is the input index j (0 … m-1)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

import numpy as np

from .cell import Step, Trace
from .params import CONCAT_LATEX, LSTMParams

# (field of Step/Trace, the math, what it is): every quantity with one entry per cell unit
UNIT_QUANTITIES: tuple[tuple[str, str, str], ...] = (
    ("h_prev", "h_{t-1}", "previous hidden state"),
    ("c_prev", "C_{t-1}", "previous cell state"),
    ("z_f", "z_f = W_f·v + b_f", "forget gate pre-activation"),
    ("z_i", "z_i = W_i·v + b_i", "input gate pre-activation"),
    ("z_c", "z_c = W_c·v + b_c", "candidate pre-activation"),
    ("z_o", "z_o = W_o·v + b_o", "output gate pre-activation"),
    ("f", "f_t = σ(z_f)", "forget gate"),
    ("i", "i_t = σ(z_i)", "input gate"),
    ("c_tilde", "C̃_t = tanh(z_c)", "candidate"),
    ("o", "o_t = σ(z_o)", "output gate"),
    ("forget_term", "f_t∘C_{t-1}", "what the cell keeps"),
    ("input_term", "i_t∘C̃_t", "what the cell writes"),
    ("c", "C_t = f_t∘C_{t-1} + i_t∘C̃_t", "new cell state"),
    ("tanh_c", "tanh(C_t)", "squashed cell state"),
    ("h", "h_t = o_t∘tanh(C_t)", "new hidden state"),
)


def num(x: float) -> str:
    """repr of the float: the shortest text that reads back as exactly this float64."""
    return repr(float(x))


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]], notes: Sequence[str]) -> str:
    out = io.StringIO()
    for line in notes:
        out.write(f"# {line}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _quantity_notes() -> list[str]:
    return [f"  {name}: {math}, {what}" for name, math, what in UNIT_QUANTITIES]


def step_csv(s: Step, comments: bool = True) -> str:
    """One row per cell unit, one column per quantity (see the module docstring)."""
    n = len(s.h)
    notes = [
        f"One LSTM step: one row per cell unit r = 0..{n - 1}, one column per quantity,",
        "in the order the step computes them (v = the concatenation; see the v table):",
        *_quantity_notes(),
        "Numbers are exact (Python repr of float64).",
    ]
    columns = [np.asarray(getattr(s, name)) for name, _, _ in UNIT_QUANTITIES]
    rows = ([r, *(num(a[r]) for a in columns)] for r in range(n))
    header = ["unit", *(name for name, _, _ in UNIT_QUANTITIES)]
    return _csv(header, rows, notes if comments else [])


def concat_csv(s: Step, params: LSTMParams, comments: bool = True) -> str:
    """v = the concatenation, one row per entry: which part (h or x) and which entry of it."""
    labels = params.concat_labels()  # e.g. h[0], …, x[0], …
    notes = [
        f"The concatenated vector v = {CONCAT_LATEX[params.concat_order]} of one LSTM step,",
        "one row per entry: index in v, part (h: h_{t-1}, x: x_t), index within the part.",
        "The x rows are x_t. Numbers are exact (Python repr of float64).",
    ]
    rows = (
        [k, lab[0], int(lab[2:-1]), num(v)]
        for k, (lab, v) in enumerate(zip(labels, s.concat, strict=True))
    )
    return _csv(["index", "part", "part_index", "v"], rows, notes if comments else [])


def trace_csv(trace: Trace, comments: bool = True) -> str:
    """A whole sequence in long format: t, unit, quantity, value (one row per number)."""
    T, n = trace.h.shape
    m = trace.x.shape[1]
    notes = [
        f"An LSTM unrolled over T = {T} steps (t = 0..{T - 1}), n = {n} cell units, "
        f"m = {m} inputs;",
        "long format: one row per number, ordered by t, then quantity, then unit.",
        f"  x: x_t, the input; here the unit column is the input index j = 0..{m - 1}",
        *_quantity_notes(),
        "Numbers are exact (Python repr of float64).",
    ]
    quantities = [("x", np.asarray(trace.x))]
    quantities += [(name, np.asarray(getattr(trace, name))) for name, _, _ in UNIT_QUANTITIES]
    rows = (
        [t, r, name, num(a[t, r])]
        for t in range(T)
        for name, a in quantities
        for r in range(a.shape[1])
    )
    return _csv(["t", "unit", "quantity", "value"], rows, notes if comments else [])
