"""Helpers shared by the teaching pages: LaTeX with a highlighted term, and the
"thread's example" loader used by both "Check my calculation" and "Misconceptions"."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lstm_core import GATE_BY_KEY, Gate, LSTMParams, Step, matvec_terms, step
from lstm_core.presets import load_preset
from lstm_core.teaching import SHARED_STAGES, STAGES, Culprit

from . import state, widgets
from .colours import HIGHLIGHT
from .fmt import fmt, fmt_gate
from .latex import act_tex, factor

THREAD_PRESET = "seed-answer"
THREAD_TYPED = "22, 42, 62"
SAVED = "check:saved"  # every typed text by field key, kept while its field is not shown


def field_key(gate_key: str, stage: str) -> str:
    """The text field of one stage: W·v, z and the gate value belong to their gate."""
    return f"check:{stage}" if stage in SHARED_STAGES else f"check:{gate_key}:{stage}"


def saved_answers() -> dict[str, str]:
    """Every typed text by field key; first filled from the link's answers (``View``)."""
    ss = st.session_state
    if SAVED not in ss:
        ss[SAVED] = {f"check:{k.replace('.', ':')}": t for k, t in state.view().answers}
    return ss[SAVED]


def keep_answers_in_link() -> None:
    """The typed texts into the view, so the link carries them (``check.i.z=…``)."""
    pairs = tuple(
        sorted(
            (k.removeprefix("check:").replace(":", "."), t) for k, t in saved_answers().items() if t
        )
    )
    if pairs != state.view().answers:
        state.set_view(answers=pairs)


def mark(tex: str, on: bool) -> str:
    return rf"\boxed{{\textcolor{{{HIGHLIGHT}}}{{{tex}}}}}" if on else tex


def value_text(v: float, gate_like: bool) -> str:
    """Gate values near 1 keep their tiny gap visible; other values are short."""
    return fmt_gate(v) if gate_like else fmt(v, 6)


def _wrap(terms: list[str], per_line: int) -> str:
    lines = [" + ".join(terms[k : k + per_line]) for k in range(0, len(terms), per_line)]
    return r" \\ &\quad + ".join(lines)


def gate_expansion(
    p: LSTMParams, s: Step, gate: Gate, r: int, culprit: Culprit | None, per_line: int = 6
) -> str:
    """Unit r of gate k, term by term, on aligned lines, with the culprit boxed:
    W[r,0]·v[0] + … = W·v;  W·v + b = z;  act(z) = value."""
    W_row, v = p.W(gate.key)[r], s.concat
    kind = culprit.kind if culprit else ""
    idx = culprit.index if culprit else None
    products = [
        mark(rf"{factor(w)}\cdot{factor(x)}", kind == "product" and idx == j)
        for j, (w, x) in enumerate(zip(W_row, v, strict=True))
    ]
    wv = float(matvec_terms(p, gate.key, v)[r].sum())
    sym = act_tex(gate)
    z, value = float(s.z(gate.key)[r]), float(s.gate(gate.key)[r])
    shown = value_text(value, gate.activation_name == "sigmoid")
    sum_line = mark(
        rf"{_wrap(products, per_line)} = {fmt(wv)}", kind == "sum" and len(products) <= per_line
    )
    if kind == "sum" and len(products) > per_line:
        sum_line = rf"{_wrap(products, per_line)} = " + mark(fmt(wv), True)
    return (
        r"\begin{aligned}"
        rf"\text{{unit {r}:}}\quad & (W_{gate.key} v)_{r} = {sum_line} \\"
        rf"& z_{r} = "
        + mark(rf"{fmt(wv)} + {factor(p.b(gate.key)[r])}", kind == "bias")
        + rf" = {fmt(z)} \\"
        + rf"& {gate.symbol.replace('_t', '')}_{r} = "
        + mark(rf"{sym}({fmt(z)})", kind == "activation")
        + rf" = \text{{{shown}}}"
        + r"\end{aligned}"
    )


def cell_expansion(s: Step, r: int, culprit: Culprit | None) -> str:
    kind = culprit.kind if culprit else ""
    forget = rf"{fmt(s.f[r])}\cdot{fmt(s.c_prev[r])}"
    write = rf"{fmt(s.i[r])}\cdot{fmt(s.c_tilde[r])}"
    return (
        rf"C_t[{r}] = f\,C_{{t-1}} + i\,\tilde C = "
        + mark(forget, kind == "forget_term")
        + " + "
        + mark(write, kind == "input_term")
        + " = "
        + mark(fmt(s.c[r], 6), kind == "sum")
    )


def hidden_expansion(s: Step, r: int, culprit: Culprit | None) -> str:
    kind = culprit.kind if culprit else ""
    return (
        rf"h_t[{r}] = o\cdot\tanh(C_t) = "
        + mark(fmt(s.o[r]), kind == "output_gate")
        + r"\cdot"
        + mark(rf"\tanh({fmt(s.c[r])})", kind == "tanh")
        + rf" = {fmt(s.o[r])}\cdot{fmt(s.tanh_c[r])} = {fmt(s.h[r], 6)}"
    )


NOTES = {
    "product": "Your value equals the sum with the boxed product left out.",
    "sum": "The sum of the products is where your value first differs: add them again.",
    "bias": "The first difference comes where the bias b is added.",
    "activation": "Your z is right; the difference comes from the activation step.",
    "forget_term": "Your C_t has only the boxed term's partner: both terms must be added.",
    "input_term": "Your C_t has only the boxed term's partner: both terms must be added.",
    "tanh": "Your h_t is o·C_t: the tanh is missing.",
    "output_gate": "Multiply o_t by tanh(C_t), unit by unit.",
}


def load_thread_check() -> None:
    """Callback: the answer's input gate with its printed sum [22, 42, 62] typed in."""
    widgets.load(THREAD_PRESET)  # the preset's focus is the input gate
    ss = st.session_state
    ss["check:gate"] = "i"
    ss[SAVED] = {field_key("i", stage): THREAD_TYPED if stage == "z" else "" for stage in STAGES}
    for key, text in ss[SAVED].items():
        ss[key] = text


def largest_slope(preset: str, key: str) -> float:
    """The largest slope of gate ``key`` over the units of a preset's step."""
    ex, gate = load_preset(preset), GATE_BY_KEY[key]
    s = step(ex.params, ex.x, ex.h_prev, ex.c_prev)
    return float(np.max(gate.activation.grad(s.z(key))))


def gate_of_focus() -> Gate:
    return GATE_BY_KEY[state.view().focus]
