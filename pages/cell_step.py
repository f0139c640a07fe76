"""Cell step: edit every number of one LSTM step and watch every intermediate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from lstm_core import CONCAT_LATEX, GATE_BY_KEY, GATES, sigmoid
from lstm_core.activations import DEFAULT_SATURATION_FRACTION
from ui import plots, state, widgets
from ui.diagram import cell_diagram
from ui.latex import row_expansion, vec

STAGES = (
    ("Concatenate", "v"),
    ("Forget gate", "f"),
    ("Input gate & candidate", "i"),
    ("Cell update", "C"),
    ("Output gate", "o"),
    ("Hidden state", "h"),
)


def _stage_text(k: int, s, p) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    n, m = p.n_hidden, p.n_input
    order = CONCAT_LATEX[p.concat_order]
    if k == 0:
        return (
            rf"v = {order} = {vec(s.concat)}",
            f"Both the previous hidden state (n={n}) and the new input (m={m}) enter every gate "
            f"as one vector v with n+m={n + m} entries. Each weight matrix has one column per "
            "entry of v, in this order, so swapping the order changes what each column multiplies.",
        )
    if k in (1, 2, 4):
        keys = {1: ("f",), 2: ("i", "c"), 4: ("o",)}[k]
        eqs = []
        for key in keys:
            g = GATE_BY_KEY[key]
            sym = r"\sigma" if g.activation_name == "sigmoid" else r"\tanh"
            eqs.append(
                rf"{g.symbol} &= {sym}(W_{key}\,v + b_{key}) = {sym}\left({vec(s.z(key))}\right)"
                rf" = {vec(s.gate(key))}"
            )
        texts = {
            1: "Each unit gets a factor between 0 and 1 for its old memory: 1 keeps C_{t-1} as "
            "it is, 0 wipes it. Nothing random happens here; the same inputs always give the "
            "same f_t.",
            2: "The candidate C̃_t proposes new content between −1 and 1; the input gate i_t "
            "says, unit by unit, how much of that proposal is written.",
            4: "The output gate decides how much of each unit's memory is passed on as h_t, "
            "both to the next step and to whatever reads the LSTM.",
        }
        return r"\begin{aligned}" + r"\\".join(eqs) + r"\end{aligned}", texts[k]
    if k == 3:
        return (
            rf"\begin{{aligned}}C_t &= f_t\circ C_{{t-1}} + i_t\circ\tilde C_t \\"
            rf"&= {vec(s.f)}\circ{vec(s.c_prev)} + {vec(s.i)}\circ{vec(s.c_tilde)} \\"
            rf"&= {vec(s.forget_term)} + {vec(s.input_term)} = {vec(s.c)}\end{{aligned}}",
            "Two elementwise (Hadamard) products and a sum: unit k only ever meets unit k, "
            f"just as [1, 2, 3] ∘ [3, 2, 1] = {np.multiply([1, 2, 3], [3, 2, 1]).tolist()}. "
            "On its way from C_{t-1} to C_t the old memory is only multiplied by f_t, with no "
            "squashing function in between, which is why it can last many steps.",
        )
    return (
        rf"\begin{{aligned}}h_t &= o_t\circ\tanh(C_t) = {vec(s.o)}\circ\tanh{vec(s.c)} \\"
        rf"&= {vec(s.o)}\circ{vec(s.tanh_c)} = {vec(s.h)}\end{{aligned}}",
        f"tanh squeezes C_t into (−1, 1) and o_t scales it. Because the product is elementwise, "
        f"h_t has exactly as many entries as C_t: n={n}.",
    )


def _set_stage(k: int) -> None:
    k = int(np.clip(k, 0, len(STAGES) - 1))
    state.set_view(stage=k)
    st.session_state["ctl:stage"] = k


def _on_stage_pick() -> None:
    state.set_view(stage=int(st.session_state["ctl:stage"]))


def stage_panel(s, p) -> None:  # type: ignore[no-untyped-def]
    v = state.view()
    if st.session_state.get("ctl:stage") != v.stage:
        st.session_state["ctl:stage"] = v.stage
    c1, c2, c3 = st.columns([2, 11, 2], vertical_alignment="center")
    c1.button(
        "◀ Prev", on_click=_set_stage, args=(v.stage - 1,), disabled=v.stage == 0, width="stretch"
    )
    c2.radio(
        "Stage",
        range(len(STAGES)),
        key="ctl:stage",
        horizontal=True,
        format_func=lambda k: f"{k + 1}. {STAGES[k][0]}",
        on_change=_on_stage_pick,
        label_visibility="collapsed",
    )
    c3.button(
        "Next ▶",
        on_click=_set_stage,
        args=(v.stage + 1,),
        disabled=v.stage == len(STAGES) - 1,
        width="stretch",
    )
    st.plotly_chart(
        cell_diagram(s, v.stage), width="stretch", key="diagram", config={"displayModeBar": False}
    )


def stage_explanation(s, p) -> None:  # type: ignore[no-untyped-def]
    k = state.view().stage
    eq, text = _stage_text(k, s, p)
    st.markdown(f"#### {k + 1}. {STAGES[k][0]}")
    st.latex(eq)
    st.markdown(text)


def editors(p) -> None:  # type: ignore[no-untyped-def]
    focus = GATE_BY_KEY[state.view().focus]
    n, m = p.n_hidden, p.n_input
    group = st.segmented_control(
        "Edit",
        ["Inputs", "Biases", f"W_{focus.key} sliders", "Exact entry"],
        default="Inputs",
        key="ctl:editgroup",
    ) or "Inputs"
    if group == "Inputs":
        st.caption(f"x_t: the input, {m} entries")
        widgets.vector_sliders("x", [f"x_t[{k}]" for k in range(m)], columns=min(m, 2))
        st.caption(f"h_{{t-1}}: the previous hidden state, {n} entries")
        widgets.vector_sliders("h_prev", [f"h_t-1[{k}]" for k in range(n)], columns=min(n, 2))
        st.caption(f"C_{{t-1}}: the previous cell state, {n} entries (same size as h)")
        widgets.vector_sliders("c_prev", [f"C_t-1[{k}]" for k in range(n)], columns=min(n, 2))
    elif group == "Biases":
        for g in GATES:
            st.caption(f"{g.b}: {g.name} bias, {n} entries")
            widgets.vector_sliders(g.b, [f"{g.b}[{k}]" for k in range(n)], columns=min(n, 2))
    elif group == "Exact entry":
        st.caption("Type numbers as you would write them: 0.5, -1/4, 1e-3.")
        labels = p.concat_labels()
        units = [f"unit {r}" for r in range(n)]
        for g in GATES:
            st.markdown(f"**{g.W}** ({n} × {n + m})")
            widgets.grid(g.W, units, labels)
        for g in GATES:
            widgets.grid(g.b, [g.b], [f"[{k}]" for k in range(n)])
        widgets.grid("x", ["x_t"], [f"[{k}]" for k in range(m)])
        widgets.grid("h_prev", ["h_{t-1}"], [f"[{k}]" for k in range(n)])
        widgets.grid("c_prev", ["C_{t-1}"], [f"[{k}]" for k in range(n)])
    elif group:
        labels = p.concat_labels()
        for r in range(n):
            st.caption(f"row {r} of {focus.W} (unit {r})")
            cols = st.columns(2)
            for j, lab in enumerate(labels):
                with cols[j % 2]:
                    widgets.slider(focus.W, (r, j), f"{focus.W}[{r},{j}] · {lab}")


def precision_note(s, gate) -> None:  # type: ignore[no-untyped-def]
    if gate.activation_name != "sigmoid":
        return
    z, g = s.z(gate.key), s.gate(gate.key)
    near = [r for r in range(len(z)) if g[r] > 0.999]
    if not near:
        return
    d = state.view().dtype
    lines = []
    for r in near:
        gap = float(sigmoid(-np.float64(z[r])))
        shown = "exactly 1.0" if g[r] == 1.0 else repr(float(g[r]))
        lines.append(
            f"unit {r}: z = {plots.fmt(z[r])}, 1 − {gate.plain} = {gap:.3g}; "
            f"{d} stores {gate.plain} as {shown}"
        )
    st.info("  \n".join(lines), icon="🔎")


def changes(s, before) -> None:  # type: ignore[no-untyped-def]
    rows = []
    for field, value in s.as_dict().items():
        old = getattr(before, field)
        if old.shape != value.shape:
            st.caption("The sizes changed, so there is nothing to compare with.")
            return
        for k in np.flatnonzero(old != value):
            rows.append(
                {
                    "value": f"{field}[{k}]",
                    "before": float(old[k]),
                    "after": float(value[k]),
                    "change": float(value[k] - old[k]),
                }
            )
    if not rows:
        st.caption("Nothing has changed since the last edit.")
        return
    df = pd.DataFrame(rows)
    st.dataframe(
        df,
        hide_index=True,
        width="stretch",
        height=min(38 * len(rows) + 40, 300),
        column_config={
            c: st.column_config.NumberColumn(format="%.6g") for c in ("before", "after", "change")
        },
    )


def render() -> None:
    p, s = state.model().params, state.current_step()
    focus = GATE_BY_KEY[state.view().focus]
    n, m = p.n_hidden, p.n_input
    st.title("One LSTM step, taken apart")
    st.caption(
        f"m = {m} inputs, n = {n} units, v = {CONCAT_LATEX[p.concat_order]}, "
        f"{state.view().dtype}. Drag a slider or type a number: everything below follows."
    )
    stage_panel(s, p)
    left, right = st.columns([4, 7], gap="medium")
    with left:
        editors(p)
    with right:
        stage_explanation(s, p)
        with st.expander("What changed with the last edit", expanded=True):
            changes(s, state.previous_step())
    views = st.segmented_control(
        "Show",
        ["Numbers", "Hadamard table", "Saturation"],
        default="Numbers",
        key="ctl:view",
    ) or "Numbers"
    if views == "Numbers":
        c1, c2 = st.columns([5, 6])
        with c1:
            st.plotly_chart(plots.concat_bar(p, s.concat), width="stretch", key="concat")
        with c2:
            st.plotly_chart(plots.block_matrix(p, focus.key), width="stretch", key="W")
        st.markdown(
            f"**{focus.name.capitalize()}, row by row** — W_{focus.key}·v, then + b, "
            f"then {focus.activation.symbol}"
        )
        for r in range(n):
            st.latex(row_expansion(p, s, focus, r))
        precision_note(s, focus)
    elif views == "Hadamard table":
        st.markdown(
            "One row per unit. Colours: gates on [0, 1]; C̃, tanh(C) and h on [−1, 1]; "
            f"C on [−{plots.C_RANGE:g}, {plots.C_RANGE:g}] (beyond: end colour)."
        )
        st.plotly_chart(plots.hadamard_figure(s), width="stretch", key="hadamard")
    elif views == "Saturation":
        thr = st.slider(
            "Saturated when the slope is below this fraction of its maximum",
            0.001,
            0.5,
            DEFAULT_SATURATION_FRACTION,
            step=0.001,
            format="%.3f",
            key="ctl:threshold",
        )
        cols = st.columns(2)
        for k, g in enumerate(GATES):
            with cols[k % 2]:
                fig = plots.saturation_figure(g, s.z(g.key), thr, state.view().dtype)
                st.plotly_chart(fig, width="stretch", key=f"sat-{g.key}")
        st.caption(
            "Grey: saturated tails, where the slope is below the chosen fraction of its peak "
            "(σ′ peaks at 0.25, tanh′ at 1). Dashed line: where σ rounds to exactly 1.0 in the "
            "chosen precision. Triangles: units off the axis, pinned to the edge."
        )


render()
