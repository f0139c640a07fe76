"""Helpers shared by the teaching pages: LaTeX with a highlighted term, and the
"thread's example" loader used by both "Check my calculation" and "Misconceptions"."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lstm_core import GATE_BY_KEY, Gate, LSTMParams, Step
from lstm_core.teaching import STAGES, Culprit

from . import state, widgets
from .plots import fmt, fmt_gate

HIGHLIGHT = "#D55E00"  # Okabe-Ito vermillion; the box keeps it visible without colour
THREAD_PRESET = "seed-answer"
THREAD_TYPED = "22, 42, 62"
STAGE_FIELDS = {st_: f"check:{st_}" for st_ in STAGES}


def mark(tex: str, on: bool) -> str:
    return rf"\boxed{{\textcolor{{{HIGHLIGHT}}}{{{tex}}}}}" if on else tex


def act_symbol(gate: Gate) -> str:
    return r"\sigma" if gate.activation_name == "sigmoid" else r"\tanh"


def value_text(v: float, gate_like: bool) -> str:
    """Gate values near 1 keep their tiny gap visible; other values are short."""
    return fmt_gate(v) if gate_like else fmt(v, 6)


def gate_expansion(p: LSTMParams, s: Step, gate: Gate, r: int, culprit: Culprit | None) -> str:
    """Unit r of gate k, term by term, with the culprit boxed:
    W[r,0]·v[0] + … = W·v;  + b = z;  act(z) = value."""
    W_row, v = p.W(gate.key)[r], s.concat
    kind = culprit.kind if culprit else ""
    idx = culprit.index if culprit else None
    products = " + ".join(
        mark(rf"{fmt(w)}\cdot{fmt(x)}", kind == "product" and idx == j)
        for j, (w, x) in enumerate(zip(W_row, v, strict=True))
    )
    wv = float(np.dot(W_row, v))
    sym = act_symbol(gate)
    z, value = float(s.z(gate.key)[r]), float(s.gate(gate.key)[r])
    return (
        rf"\text{{unit {r}:}}\; " + mark(rf"{products} = {fmt(wv)}", kind == "sum")
        + r"\;\to\; " + mark(rf"{fmt(wv)} + {fmt(p.b(gate.key)[r])}", kind == "bias")
        + rf" = {fmt(z)}\;\to\; "
        + mark(rf"{sym}({fmt(z)})", kind == "activation")
        + rf" = \text{{{value_text(value, gate.activation_name == 'sigmoid')}}}"
    )  # fmt: skip


def cell_expansion(s: Step, r: int, culprit: Culprit | None) -> str:
    kind = culprit.kind if culprit else ""
    forget = rf"{fmt(s.f[r])}\cdot{fmt(s.c_prev[r])}"
    write = rf"{fmt(s.i[r])}\cdot{fmt(s.c_tilde[r])}"
    return (
        rf"C_t[{r}] = f\,C_{{t-1}} + i\,\tilde C = "
        + mark(forget, kind == "forget_term") + " + " + mark(write, kind == "input_term")
        + " = " + mark(fmt(s.c[r], 6), kind == "sum")
    )  # fmt: skip


def hidden_expansion(s: Step, r: int, culprit: Culprit | None) -> str:
    kind = culprit.kind if culprit else ""
    return (
        rf"h_t[{r}] = o\cdot\tanh(C_t) = "
        + mark(fmt(s.o[r]), kind == "output_gate") + r"\cdot"
        + mark(rf"\tanh({fmt(s.c[r])})", kind == "tanh")
        + rf" = {fmt(s.o[r])}\cdot{fmt(s.tanh_c[r])} = {fmt(s.h[r], 6)}"
    )  # fmt: skip


def load_thread_check() -> None:
    """Callback: the answer's input gate with its printed sum [22, 42, 62] typed in."""
    widgets.load(THREAD_PRESET)
    state.set_view(focus="i")
    ss = st.session_state
    ss["check:gate"] = "i"
    for stage, key in STAGE_FIELDS.items():
        ss[key] = THREAD_TYPED if stage == "z" else ""


def gate_of_focus() -> Gate:
    return GATE_BY_KEY[state.view().focus]
