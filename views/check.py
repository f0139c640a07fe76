"""Check my calculation: type what you worked out by hand, see which entries are right."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from lstm_core import CONCAT_LATEX, GATE_BY_KEY, GATES, Gate
from lstm_core.teaching import (
    CHECK_RTOL,
    PREVIOUS,
    SHARED_STAGES,
    Check,
    Entry,
    Stage,
    check,
    parse_vector,
)
from ui import show, state, teach
from ui.fmt import fmt, fmt_gate
from ui.latex import vec
from ui.view import with_focus


def stage_labels(gate: Gate) -> dict[Stage, str]:
    k, sym = gate.key, gate.activation.symbol
    return {
        "wv": f"W_{k}·v",
        "z": f"W_{k}·v + b_{k}",
        "a": f"{gate.plain} = {sym}(W_{k}·v + b_{k})",
        "c": "C_t (optional)",
        "h": "h_t (optional)",
    }


def _on_gate() -> None:
    v = with_focus(state.view(), st.session_state["check:gate"])
    state.set_view(stage=v.stage, focus=v.focus)


def short_name(key: str) -> str:
    return f"{key}: {GATE_BY_KEY[key].name.split()[0]}"


def gate_picker() -> Gate:
    ss, focus = st.session_state, state.view().focus
    if ss.get("check:gate") != focus:
        ss["check:gate"] = focus
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    c1.radio(
        "Gate to check",
        [g.key for g in GATES],
        key="check:gate",
        on_change=_on_gate,
        horizontal=True,
        format_func=short_name,
    )
    c2.button(
        f"Load the thread's sum [{teach.THREAD_TYPED}]",
        on_click=teach.load_thread_check,
        key="check:thread",
        width="stretch",
    )
    return GATE_BY_KEY[str(ss["check:gate"])]


def mat(W: np.ndarray) -> str:
    rows = [" & ".join(fmt(v) for v in row) for row in W]
    return r"\begin{bmatrix}" + r"\\".join(rows) + r"\end{bmatrix}"


def givens(gate: Gate) -> None:
    ex = state.model()
    p, k = ex.params, gate.key
    v = p.concat(ex.x, ex.h_prev)
    c1, c2 = st.columns([1, 1], vertical_alignment="center")
    c1.latex(rf"\text{{Given:}}\quad W_{k} = {mat(p.W(k))}")
    c2.latex(
        rf"\begin{{aligned}}v &= {CONCAT_LATEX[p.concat_order]} = {vec(v)}^\top \\"
        rf"b_{k} &= {vec(p.b(k))}^\top \\ C_{{t-1}} &= {vec(ex.c_prev)}^\top\end{{aligned}}"
    )
    st.caption(
        "The button on the right loads the answer's example from the Q&A thread this tool "
        f"grew from (input gate) and types the sum printed there, [{teach.THREAD_TYPED}], "
        "into $W_i v + b_i$. Two of its entries are off."
    )


def typed_vector(gate: Gate, stage: Stage, label: str, n: int) -> list[float | None] | str:
    """One typed field: its numbers, or the error to show in its place (never a stale mark).

    Each gate keeps its own W·v, z and gate value: a field not shown on this run is
    restored from ``teach.SAVED`` when its gate is picked again.
    """
    ss, key = st.session_state, teach.field_key(gate.key, stage)
    saved = teach.saved_answers()
    if key not in ss:
        ss[key] = saved.get(key, "")
    text = st.text_input(label, key=key, placeholder="e.g. 0.5, 1/2, 1e-3  (leave empty to skip)")
    saved[key] = text
    try:
        return parse_vector(text, label, n)
    except ValueError as err:
        st.error(f"{err}.", icon=":material/warning:")
        return f"{err}."


def needs(stage: Stage) -> None:
    """What C_t and h_t are made of: the other gates, with where to work them out."""
    s, what = state.current_step(), {"c": ("f", "i", "c"), "h": ("o",)}[stage]
    terms = ", ".join(f"${GATE_BY_KEY[k].symbol} = {vec(s.gate(k))}$" for k in what)
    extra = (
        rf" and $C_{{t-1}} = {vec(state.model().c_prev)}$" if stage == "c" else " and your $C_t$"
    )
    st.caption(
        f"Needs the gates {terms}{extra}. Those are the app's values: pick a gate above to "
        "check your own."
    )


def verdict(e: Entry, labels: dict[Stage, str]) -> str:
    if e.ok:
        return "✓ right"
    if e.carried:
        return f"✗ wrong, but it follows from your {labels[PREVIOUS[e.stage]]}"
    return "✗ wrong"


def results_table(
    result: Check, stage: Stage, gate: Gate, labels: dict[Stage, str], error: str | None
) -> None:
    if error is not None:
        st.markdown(f"**{labels[stage]}**")
        st.warning("Not checked until the field on the left is fixed.", icon=":material/warning:")
        return
    entries = [e for e in result.entries[stage] if e.ok is not None]
    if not entries:
        return
    near_one = stage == "a" and gate.activation_name == "sigmoid"
    rows = [
        {
            "entry": f"{e.unit + 1} (unit {e.unit})",
            "you typed": fmt(e.typed, 8),  # type: ignore[arg-type]  # typed: ok is not None
            "correct": fmt_gate(e.correct) if near_one else fmt(e.correct, 8),
            "": verdict(e, labels),
        }
        for e in entries
    ]
    st.markdown(f"**{labels[stage]}**")
    show.table(pd.DataFrame(rows))


def expansions(result: Check, gate: Gate) -> None:
    if not result.culprits:
        return
    p, s = state.model().params, result.step
    st.markdown(
        "**The correct calculation, row by row.** The boxed term is the first place "
        "where your numbers part from it."
    )
    for r, culprits in result.culprits.items():
        for c in culprits:
            if c.stage in ("wv", "z", "a"):
                show.latex(teach.gate_expansion(p, s, gate, r, c))
            elif c.stage == "c":
                show.latex(teach.cell_expansion(s, r, c))
            else:
                show.latex(teach.hidden_expansion(s, r, c))
            st.caption(f"Entry {r + 1} (unit {r}): {teach.NOTES[c.kind]}")


def render() -> None:
    st.title("Check my calculation")
    st.caption(
        "Work out one gate by hand, type your numbers, and compare. Write numbers as you "
        "would on paper (0.5, 1/2, 1e-3, -0.25), separated by commas; leave a field empty, "
        "or an entry as _, to skip it. "
        f"An entry counts as right when it is within {CHECK_RTOL:.1%} of the correct value "
        f"(within {CHECK_RTOL:g} for values smaller than 1)."
    )
    gate = gate_picker()
    n = state.model().params.n_hidden
    labels = stage_labels(gate)
    givens(gate)
    left, right = st.columns([1, 2], gap="medium")
    with left:
        fields = {}
        for stage, label in labels.items():
            fields[stage] = typed_vector(gate, stage, label, n)
            if stage in SHARED_STAGES:
                needs(stage)
    teach.keep_answers_in_link()
    errors = {stage: v for stage, v in fields.items() if isinstance(v, str)}
    blank: list[float | None] = [None] * n  # a field with an error is checked as empty
    typed = {stage: blank if isinstance(v, str) else v for stage, v in fields.items()}
    result = check(state.model(), gate.key, typed, dtype=state.dtype())
    with right:
        if not errors and not any(e.ok is not None for es in result.entries.values() for e in es):
            st.info(
                f"Type at least one vector on the left, e.g. your W_{gate.key}·v.",
                icon=":material/edit:",
            )
            return
        if result.all_right() and not errors:
            st.success("Everything you typed is right.", icon=":material/check_circle:")
        for stage in labels:
            results_table(result, stage, gate, labels, errors.get(stage))
        expansions(result, gate)


render()
