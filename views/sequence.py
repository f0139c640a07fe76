"""Sequence: the cell of the sidebar unrolled over a whole input sequence, step by step."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

from lstm_core import GATES, Trace, run
from ui import classroom, colours, fig_time, files, sequence, show, state, stepview, tables, widgets
from ui.linktext import decode_array, encode_array
from ui.view import MAX_SEQUENCE_CHARS, View

NS = "seq"
# (Trace field, title) of the units × time heatmaps; the gates come from the GATES table
HEATMAPS = tuple((g.value, f"{g.plain}: {g.name}") for g in GATES) + (
    ("c", "C_t: cell state"),
    ("h", "h_t: hidden state"),
)
HEATMAPS = tuple((field, tables.math_html(title)) for field, title in HEATMAPS)  # Plotly: <sub>


def over_time(trace: Trace, t: int) -> None:
    """Heatmaps of every gate, C and h (units × time, one shared time axis), then C_t and
    h_t as lines."""
    rows = [(field, title, getattr(trace, field)) for field, title in HEATMAPS]
    show.chart(fig_time.trace_heatmaps(rows, t_mark=t), f"{NS}:heat")
    st.caption(
        "Fixed colour scales, as on the Cell step page: gates on [0, 1] (Cividis), C̃ and h on "
        f"[−1, 1] (red–blue), C on [−{colours.C_RANGE:g}, {colours.C_RANGE:g}] (purple–orange; "
        "beyond that, the end colour). The black line marks the selected step."
    )
    c1, c2 = st.columns(2)
    show.chart(
        fig_time.unit_lines(trace.c, "C<sub>t</sub> per unit", "C<sub>t</sub>", t_mark=t),
        f"{NS}:lines:c",
        c1,
    )
    show.chart(
        fig_time.unit_lines(
            trace.h, "h<sub>t</sub> per unit", "h<sub>t</sub>", t_mark=t, y_range=(-1, 1)
        ),
        f"{NS}:lines:h",
        c2,
    )


def linked_inputs(v: View, m: int) -> tuple[Callable[[], np.ndarray], np.ndarray | None]:
    """The first sequence and h0, C0: the link's (checked when the link was read), else the
    defaults."""

    def read(text: str) -> np.ndarray:
        return np.array(decode_array("seq", text, matrix=True, limit=MAX_SEQUENCE_CHARS))

    xs = (lambda: read(v.seq)) if v.seq else sequence.default_inputs(m)
    return xs, read(v.seq0) if v.seq0 else None


def render() -> None:
    ex = state.model()
    p = ex.params
    m, n = p.n_input, p.n_hidden
    st.title("A whole sequence, one step at a time")
    st.caption(
        f"The cell from the sidebar (m = {m} inputs, n = {n} units, {state.view().dtype}) reads "
        "$x_0, x_1, …$ in turn. Each step takes $h$ and $C$ from the step before; the first "
        "step takes $h_0$ and $C_0$."
    )
    v = state.view()
    first, init = linked_inputs(v, m)
    if classroom.hidden("editors"):
        data = sequence.current(NS, m, n, first, init)
    else:
        # a projector shows the steps first; the inputs one click away
        with st.expander("Input sequence, $h_0$ and $C_0$", expanded=not classroom.present()):
            data = sequence.editor(NS, m, n, first, init=init)
    state.set_view(  # the link carries the sequence: a shared link shows the same steps
        seq=encode_array(data.xs), seq0=encode_array(np.vstack([data.h0, data.c0]))
    )
    trace = run(p, data.xs, data.h0, data.c0, dtype=state.dtype())
    T = len(trace)
    if not trace.c_tilde.any():
        st.info(
            r"In this cell the candidate $\tilde C_t$ is 0 at every step ($W_c$ and $b_c$ are "
            "all 0), so nothing is ever written into $C$ and the pictures below stay blank.",
            icon=":material/lightbulb:",
        )
        st.button(
            "Load the preset 'remember' instead",
            key=f"{NS}:livelier",
            on_click=widgets.load,
            args=("remember",),
        )

    def body(t: int) -> None:
        over_time(trace, t)
        stepview.step_detail(NS, trace[t], p, t, state.view().dtype)

    sequence.timeline(NS, T, body)
    if not classroom.hidden("files"):
        files.section(NS, trace)


render()
