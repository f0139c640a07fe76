"""Cell step: edit every number of one LSTM step and watch every intermediate."""

from __future__ import annotations

import streamlit as st

from lstm_core import CONCAT_LATEX, GATE_BY_KEY, GATES
from lstm_core.activations import DEFAULT_SATURATION_FRACTION
from ui import frame, plots, state, stepview, widgets
from ui.latex import row_expansion

frame.ensure()  # before anything renders (see ui/frame.py)


def _set_stage(k: int) -> None:
    state.set_view(stage=k)


def editors(p) -> None:  # type: ignore[no-untyped-def]
    focus = GATE_BY_KEY[state.view().focus]
    n, m = p.n_hidden, p.n_input
    group = (
        st.segmented_control(
            "Edit",
            ["Inputs", "Biases", focus.W, "Exact entry"],
            default="Inputs",
            key="ctl:editgroup",
        )
        or "Inputs"
    )
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


def render() -> None:
    p, s = state.model().params, state.current_step()
    focus = GATE_BY_KEY[state.view().focus]
    n, m = p.n_hidden, p.n_input
    st.title("One LSTM step, taken apart")
    st.caption(
        f"m = {m} inputs, n = {n} units, v = {CONCAT_LATEX[p.concat_order]}, "
        f"{state.view().dtype}. Drag a slider or type a number: everything below follows."
    )
    stage = state.view().stage
    stepview.stage_controls(stage, _set_stage, key="ctl:stage")
    stepview.diagram(s, stage, key="diagram")
    left, right = st.columns([5, 7], gap="medium")
    with left:
        editors(p)
    with right:
        stepview.explanation(s, p, stage)
        with st.expander("What changed with the last edit", expanded=True):
            stepview.changes(s, state.previous_step())
    views = (
        st.segmented_control(
            "Show",
            ["Numbers", "Hadamard table", "Saturation"],
            default="Numbers",
            key="ctl:view",
        )
        or "Numbers"
    )
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
        stepview.precision_note(s, focus, state.view().dtype)
    elif views == "Hadamard table":
        stepview.hadamard(s, key="hadamard")
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
