"""Shapes & dimensions: the size and meaning of every array, counted and drawn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import streamlit as st

from lstm_core import CONCAT_LATEX, GATES, W_BLOCKS_LATEX, block_products
from lstm_core.teaching import (
    FRAMEWORK_GATE_LETTER,
    Framework,
    array_shapes,
    can_multiply,
    concat_order_demo,
    framework_layout,
    param_counts,
    param_formula,
    total_params,
)
from lstm_core.torch_layout import to_keras_weights, to_torch_state
from ui import fig_shapes, fig_step, show, state, tables, teach, widgets
from ui.fmt import short_vec
from ui.latex import vec


def _dims_text(dims: tuple[str, ...]) -> str:
    """("n", "n+m") → "n × (n+m)"; a single dimension needs no brackets."""
    return " × ".join(f"({d})" if "+" in d and len(dims) > 1 else d for d in dims)


def size_pickers(m: int, n: int) -> None:
    ss = st.session_state
    for key, value in (("shapes:m", m), ("shapes:n", n)):
        if ss.get(key) != value:
            ss[key] = value
    c1, c2, c3 = st.columns([1, 1, 4])
    widgets.size_inputs(
        (c1, c2), ("shapes:m", "shapes:n"), ("m: inputs", "n: cell units"), page=True
    )
    c3.markdown(
        f"<div style='padding-top:1.9rem'>The whole model has <b>{total_params(m, n)}</b> "
        f"parameters: {param_formula(m, n)}.</div>",
        unsafe_allow_html=True,
    )


def every_array(m: int, n: int) -> None:
    rows = [
        (
            a.name,
            f"{_dims_text(a.dims)} = {' × '.join(map(str, a.shape))}",
            str(a.shape),
            a.rows,
            a.cols or "—",
        )
        for a in array_shapes(m, n)
    ]
    header = ("array", "shape", "NumPy .shape", "one entry / row is", "one column is")
    st.html(tables.text_table(header, rows, nowrap=3))
    per_gate = param_counts(m, n)
    counts = [(c.gate, str(c.weights), str(c.biases), str(c.total)) for c in per_gate]
    counts.append(
        (
            "all four",
            str(sum(c.weights for c in per_gate)),
            str(sum(c.biases for c in per_gate)),
            str(total_params(m, n)),
        )
    )
    left, right = st.columns([1, 1], gap="medium")
    with left:
        st.html(tables.text_table(("gate", "weights", "biases", "total"), counts, nowrap=4))
    with right:
        formula = param_formula(m, n).replace("·", r"\cdot ")
        show.latex(rf"4n(n+m) + 4n = {formula}")
        st.caption(
            f"Per gate: n(n+m) = {n}·{n + m} weights and n = {n} biases. Every gate has the "
            "same shapes: one row of weights per unit, one column per entry of $v$."
        )


def block_matrix_tab() -> None:
    ex, gate = state.model(), teach.gate_of_focus()
    p, key = ex.params, gate.key
    show.chart(fig_step.block_matrix(p, key), "shapes:W")
    from_h, from_x, total = block_products(p, key, ex.x, ex.h_prev)
    # each block's product and sentence, in v's order
    parts = {
        "h": (rf"W^h_{key}\,h_{{t-1}}", vec(from_h), f"{p.n_hidden} × {p.n_hidden} block $W^h$ "
              "meets $h_{t-1}$"),
        "x": (rf"W^x_{key}\,x_t", vec(from_x), f"{p.n_hidden} × {p.n_input} block $W^x$ "
              "meets $x_t$"),
    }  # fmt: skip
    first, second = (parts[k] for k in (("h", "x") if p.concat_order == "h_first" else "xh"))
    show.latex(rf"W_{key}\,v = {first[0]} + {second[0]} = {first[1]} + {second[1]} = {vec(total)}")
    st.markdown(
        f"$W_{key} = {W_BLOCKS_LATEX[p.concat_order]}$: row r holds the weights of unit r. The "
        f"{first[2]}; the {second[2]}. Pick another gate in the sidebar (Gate in focus) to see "
        "its matrix."
    )


def claim_tab() -> None:
    p = state.model().params
    n, width = p.n_hidden, p.n_hidden + p.n_input
    show.chart(fig_shapes.shape_claim_figure(p), "shapes:claim")
    m = width - n
    fits = "fits" if can_multiply((n, width), width) else "does not fit"
    square = "fits" if can_multiply((n, n), width) else "does not fit"
    st.markdown(
        f"A product $W v$ needs one column of $W$ for each entry of $v$. Here $v$ has n + m = "
        f"**{width}** entries, so $W_f$ must be **{n} × {width}** (it {fits}). A {n} × {n} matrix "
        f"{square}: it has {n} columns for {width} entries, so {m} entries of v would have no "
        "weight at all. In the question-and-answer thread this app grew from, $W_f$ had 6 "
        "columns for the 6 entries of its v: already the right shape."
    )


def concat_tab() -> None:
    ex, gate = state.model(), teach.gate_of_focus()
    results = concat_order_demo(ex, gate.key)
    k = gate.key
    header = ("v is", "W", "v", f"W_{k} v", f"z_{k} = W_{k} v + b_{k}")
    rows = [
        (
            CONCAT_LATEX[r.order],
            r.case,
            short_vec(r.v, most=8),
            short_vec(r.Wv, 6, 8),
            short_vec(r.z, 6, 8),
        )
        for r in results
    ]
    st.html(tables.text_table(header, rows))
    same = np.allclose(results[0].z, results[2].z)
    differ = not np.allclose(results[0].z, results[1].z)
    st.markdown(
        "Column j of W multiplies entry j of v, whatever that entry is. Swap the halves of v "
        "and keep W, and every weight now meets a different number: "
        f"z {'changes' if differ else 'happens to stay the same here'}. "
        f"Move W's columns along with v and z {'is the same again' if same else 'changes'}. "
        "So the order of the concatenation is part of the model: W's columns must be written "
        "in the same order. (The sidebar's Concatenation switch swaps v and keeps W.)"
    )


def same_size_tab() -> None:
    s, n = state.current_step(), state.model().params.n_hidden
    show.latex(rf"h_t = o_t\circ\tanh(C_t) = {vec(s.o)}\circ{vec(s.tanh_c)} = {vec(s.h)}")
    st.markdown(
        f"∘ multiplies entry by entry, so $o_t$, $\\tanh(C_t)$ and $h_t$ all have n = **{n}** "
        "entries: $h_t$ and $C_t$ always have the same size. The one exception is outside the "
        "textbook cell: torch's `nn.LSTM(..., proj_size=p)` multiplies $h_t$ by an extra p × n "
        "matrix afterwards, so its $h_t$ has p entries while $C_t$ keeps n."
    )


# (framework, heading, figure helper, export, note under the figure)
FRAMEWORKS: tuple[tuple[Framework, str, Any, Any, str], ...] = (
    (
        "torch",
        "**torch** `nn.LSTM({m}, {n})`: gate order i, f, g, o (g is C̃)",
        fig_shapes.torch_layout_figure,
        to_torch_state,
        "Two biases, both added: only bias_ih + bias_hh matters. Stored values when this "
        "model is exported (bias_hh = 0):",
    ),
    (
        "keras",
        "**Keras** `LSTM({n})` on inputs of size {m}: gate order i, f, c, o",
        fig_shapes.keras_layout_figure,
        to_keras_weights,
        "Keras multiplies row vectors, z = x·kernel + h·recurrent_kernel + bias, so its "
        "matrices are the transposes of torch's.",
    ),
)


def frameworks_tab() -> None:
    p = state.model().params
    m, n = p.n_input, p.n_hidden
    for column, (name, heading, figure, export, note) in zip(
        st.columns(2, gap="medium"), FRAMEWORKS, strict=True
    ):
        with column:
            st.markdown(heading.format(m=m, n=n))
            fig = figure(framework_layout(name, m, n), m, n, FRAMEWORK_GATE_LETTER[name])
            show.chart(fig, f"shapes:{name}")
            st.caption(note)
            arrays = show.expander(
                f"{'torch' if name == 'torch' else 'Keras'} arrays with the current numbers",
                f"shapes:arrays:{name}",
            )
            if arrays.open:
                with arrays:
                    for array_name, a in export(p).items():
                        st.markdown(f"`{array_name}` {' × '.join(str(d) for d in a.shape)}")
                        show.table(tables.numbers_frame(a), hide_index=False)


TABS: tuple[tuple[str, Callable[[int, int], None]], ...] = (
    ("Every array", lambda m, n: every_array(m, n)),
    ("$W = {W_BLOCKS}$", lambda m, n: block_matrix_tab()),
    ("3 × 3 or 3 × 6?", lambda m, n: claim_tab()),
    ("Concatenation order", lambda m, n: concat_tab()),
    ("Why h and C match", lambda m, n: same_size_tab()),
    ("torch & Keras", lambda m, n: frameworks_tab()),
)


def render() -> None:
    p = state.model().params
    m, n = p.n_input, p.n_hidden
    st.title("Shapes & dimensions")
    st.caption(
        f"$x_t$ has m entries; $h_t$ and $C_t$ have n. The gates act on "
        f"$v = {CONCAT_LATEX[p.concat_order]}$ with n + m = {n + m} entries, so each of the "
        f"{len(GATES)} weight matrices is n × (n+m) = {n} × {n + m}."
    )
    size_pickers(m, n)
    labels = [t.replace("{W_BLOCKS}", W_BLOCKS_LATEX[p.concat_order]) for t, _ in TABS]
    for tab, (_, body) in zip(show.tabs(labels, "shapes"), TABS, strict=True):
        if tab.open:
            with tab:
                body(m, n)


render()
