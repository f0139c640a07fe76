"""The Variants page's equations and stage-by-stage walk-through, built from the gate tables
(``GATES``, ``GRU_GATES``) and each variant's stage table (``ui.stages.VARIANT_STAGES``)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lstm_core import (
    CONCAT_LATEX,
    GATE_BY_KEY,
    GATES,
    GRU_GATE_BY_KEY,
    GRU_GATES,
    Gate,
    GRUStep,
)
from lstm_core.gates import COUPLED_KEY, COUPLED_TO
from lstm_core.gru_params import CANDIDATE
from lstm_core.variants import VARIANT_BY_KEY, Outcome

from . import state, stepview
from .diagram import cell_diagram
from .diagram_gru import gru_diagram
from .latex import act_tex, vec
from .stages import CELL, CONCAT, GRU_CANDIDATE, GRU_NEW, HIDDEN, RESET_TEXT, VARIANT_STAGES

EXAMPLE = "[1, 2, 3] ∘ [3, 2, 1] = [3, 4, 3]"  # a Hadamard product, for the cell update's text


# -- equations ---------------------------------------------------------------------------------
def lstm_gate(g: Gate, variant: str) -> str:
    """One LSTM gate's equation in ``variant`` ("plain", "peephole" or "coupled")."""
    if variant == "coupled" and g.key == COUPLED_KEY:
        return rf"{g.symbol} = 1 - {GATE_BY_KEY[COUPLED_TO].symbol}"
    peep = rf" + p_{g.key}\odot {g.peephole_symbol}" if variant == "peephole" and g.peephole else ""
    return rf"{g.symbol} = {act_tex(g)}(W_{g.key}\,v + b_{g.key}{peep})"


LSTM_STATE = (r"C_t = f_t\odot C_{t-1} + i_t\odot\tilde{C}_t", r"h_t = o_t\odot\tanh(C_t)")
RESET_IN = {True: r"(W_n^h h_{t-1} + b_{hn})", False: r"h_{t-1}"}  # what r_t scales


def gru_gate(g: Gate, reset_after: bool) -> str:
    if g.key != CANDIDATE:
        return rf"{g.symbol} = {act_tex(g)}(W_{g.key}\,v + b_{g.key})"
    if reset_after:
        inner = r"W_n^x x_t + b_n + r_t\odot" + RESET_IN[True]
    else:
        inner = r"W_n^h\,(r_t\odot h_{t-1}) + W_n^x x_t + b_n"
    return rf"{g.symbol} = {act_tex(g)}({inner})"


GRU_STATE = r"h_t = (1 - z_t)\odot n_t + z_t\odot h_{t-1}"


def gate_equation(variant: str, key: str) -> str:
    """The equation of gate ``key`` in ``variant``."""
    if VARIANT_BY_KEY[variant].gru:
        return gru_gate(GRU_GATE_BY_KEY[key], variant == "gru_torch")
    return lstm_gate(GATE_BY_KEY[key], variant)


def equations(variant: str) -> list[str]:
    """The LaTeX equations of ``variant``, one per gate, then the state update."""
    if VARIANT_BY_KEY[variant].gru:
        return [gate_equation(variant, g.key) for g in GRU_GATES] + [GRU_STATE]
    gates = [g for g in GATES if g.key != "o"] + [g for g in GATES if g.key == "o"]
    lines = [gate_equation(variant, g.key) for g in gates]
    return lines[:3] + [LSTM_STATE[0]] + lines[3:] + [LSTM_STATE[1]]


def aligned(lines: list[str]) -> str:
    """Equations one under the other, their first "=" aligned."""
    return (
        r"\begin{aligned}"
        + r" \\ ".join(x.replace(" = ", " &= ", 1) for x in lines)
        + (r"\end{aligned}")
    )


# -- the walk-through -----------------------------------------------------------------------------
def _stage_lines(variant: str, k: int, o: Outcome) -> list[str]:
    """Stage k's equations, each followed by its numbers."""
    s, n = o.step, len(o.h)

    def v(a: np.ndarray) -> str:
        return vec(a, column=n > 3)

    if k == CONCAT:
        return [f"v = {CONCAT_LATEX[o.params.concat_order]} = {v(s.concat)}"]
    gates = [f"{gate_equation(variant, key)} = {v(s.gate(key))}" for key in _gates(variant, k)]
    if isinstance(s, GRUStep):
        if k == GRU_CANDIDATE:
            reset = rf"r_t\odot{RESET_IN[variant == 'gru_torch']} = {v(s.reset_term)}"
            return [reset, *gates]
        if k == GRU_NEW:
            return [f"{GRU_STATE} = {v(s.new_term)} + {v(s.keep_term)} = {v(s.h)}"]
        return gates
    if k == CELL:
        return [f"{LSTM_STATE[0]} = {v(s.forget_term)} + {v(s.input_term)} = {v(s.c)}"]
    if k == HIDDEN:
        return [f"{LSTM_STATE[1]} = {v(s.h)}"]
    return gates


def _gates(variant: str, k: int) -> tuple[str, ...]:
    return VARIANT_STAGES[variant][k].gates


def diagram_svg(variant: str, o: Outcome, stage: int) -> str:
    """The picture of ``variant``'s cell at ``stage``, with the outcome's numbers."""
    if isinstance(o.step, GRUStep):
        return gru_diagram(o.step, stage, variant == "gru_torch")
    return cell_diagram(o.step, stage, variant)


def walkthrough(variant: str, o: Outcome) -> None:
    """Stage picker, the variant's diagram with the stage lit, and the stage's equations."""
    stages = VARIANT_STAGES[variant]
    gru = VARIANT_BY_KEY[variant].gru
    key = f"var:stage:{'gru' if gru else 'lstm'}"
    k = min(state.view().vstage, len(stages) - 1)
    stepview.stage_controls(k, lambda j: state.set_view(vstage=j), key, keys=False, stages=stages)
    # our own SVG built from numbers; no user text can reach it
    svg = diagram_svg(variant, o, k)
    st.markdown(f'<div class="var-diagram">{svg}</div>', unsafe_allow_html=True)
    p = o.params
    text = stages[k].text.format(
        n=p.n_hidden,
        m=p.n_input,
        width=p.n_hidden + p.n_input,
        example=EXAMPLE,
        reset=RESET_TEXT[variant == "gru_torch"],
    )
    eqs = "".join(f"$$\n{line}\n$$\n\n" for line in _stage_lines(variant, k, o))
    st.markdown(f"#### {k + 1}. {stages[k].title}\n\n{eqs}{text}")
