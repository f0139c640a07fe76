"""Gradient flow: how the gradient of a last-step loss travels back through time, in an
LSTM and in a vanilla tanh RNN of the same size on the same inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from lstm_core import LSTMParams, cell_jacobian
from lstm_core.sequences import (
    GradientContrast,
    gradient_contrast,
    log_safe,
    shift_forget_bias,
)
from ui import classroom, colours, fig_time, frame, sequence, show, state
from ui.fmt import sci

NS = "grad"
SEQ_NS = "seq"  # the Sequence page's sequence is used as input
MODELS = ("Random LSTM (seeded)", "The sidebar's model")
C = colours.OKABE_ITO

EXPLANATION = r"""
**Why the cell state keeps the gradient alive (the "constant error carousel")**

To learn from a mistake at the last step, training needs to know how much each earlier
value changed the loss. By the chain rule, that is a product with one factor for every
step in between.

- **Plain RNN.** Each step contributes $\tanh'(z_t)\,W^h$. Since $\tanh'$ is at most 1
  and usually less, with moderate weights the product shrinks by a similar fraction at
  every step: after a few dozen steps almost nothing arrives (the dash-dotted line on the
  right).
- **LSTM, direct path.** $C_t = f_t\circ C_{t-1} + i_t\circ\tilde C_t$, so along the cell
  state the factor from $C_{t-1}$ to $C_t$ is just $f_t$, unit by unit. No activation
  slope is in the way. When $f_t$ stays near 1, the product of the $f$'s stays near 1 and
  the gradient reaches early steps. Move the forget-bias slider to the right and watch the
  dashed green line rise.
- **But not only that path.** $C_{t-1}$ also shapes $h_{t-1} = o_{t-1}\circ\tanh(C_{t-1})$,
  and $h_{t-1}$ feeds every gate at step $t$. So the full one-step Jacobian
  $\partial C_t/\partial C_{t-1}$ is $\mathrm{diag}(f_t)$ **plus** extra terms (the
  off-diagonal entries in the matrix above). The dotted black line multiplies those full
  Jacobians; the blue line is the exact gradient from backpropagation, which also follows
  the paths through the output gate. How close they stay to $\prod f$ depends on the
  weights (compare the lines), but the gradient is **not** exactly a product of forget
  gates.
- $f \approx 1$ keeps the road open; it does not by itself make the network learn the
  right thing.
"""


def _model(p_shared: LSTMParams) -> tuple[LSTMParams, str]:
    ss = st.session_state
    ss.setdefault(f"{NS}:model", MODELS[0])
    c1, c2, c3 = st.columns([3, 1, 4], vertical_alignment="bottom")
    choice = classroom.control(
        c1.radio, "LSTM", MODELS[0], key=f"{NS}:model", options=MODELS, horizontal=True
    )
    seed = int(
        classroom.control(
            c2.number_input, "Seed", 0, key=f"{NS}:seed", min_value=0, max_value=10**6,
            value=0, step=1, disabled=choice != MODELS[0],
        )
    )  # fmt: skip
    shift = float(
        classroom.control(
            c3.slider,
            "Added to every forget-gate bias",
            0.0,
            key=f"{NS}:shift",
            min_value=-4.0,
            max_value=8.0,
            value=0.0,
            step=0.5,
            help=r"A larger bias $b_f$ pushes $f = \sigma(W_f v + b_f)$ towards 1: the cell "
            "keeps more.",
        )
    )
    m, n = p_shared.n_input, p_shared.n_hidden
    base = LSTMParams.random(m, n, seed=seed) if choice == MODELS[0] else p_shared
    label = (
        f"random weights in ±1/√n (seed {seed})" if choice == MODELS[0] else "the sidebar's weights"
    )
    return shift_forget_bias(base, shift), f"{label}, forget-gate biases {shift:+g}"


def _figures(g: GradientContrast) -> None:
    dc, dh = log_safe(g.lstm_dc), log_safe(g.lstm_dh)
    left, right = st.columns(2, gap="medium")
    show.chart(
        fig_time.gradient_plain(
            [
                ("exact ‖∂L/∂C<sub>t</sub>‖ (backprop)", dc, C["blue"], "solid"),
                (
                    "direct path only: ∂L/∂C<sub>T−1</sub> ∘ ∏f",
                    log_safe(g.lstm_dc_direct),
                    C["green"],
                    "dash",
                ),
                (
                    "product of full one-step Jacobians",
                    log_safe(g.lstm_dc_jacobian),
                    C["black"],
                    "dot",
                ),
            ],
            "LSTM: the cell-state gradient three ways",
        ),
        f"{NS}:fig:paths",
        left,
    )
    show.chart(
        fig_time.gradient_plain(
            [
                ("LSTM ‖∂L/∂C<sub>t</sub>‖", dc, C["blue"], "solid"),
                ("LSTM ‖∂L/∂h<sub>t</sub>‖", dh, C["purple"], "dash"),
                ("tanh RNN ‖∂L/∂h<sub>t</sub>‖", log_safe(g.rnn_dh), C["vermillion"], "dashdot"),
            ],
            "LSTM against a plain tanh RNN",
        ),
        f"{NS}:fig:rnn",
        right,
    )


def _jacobian(p: LSTMParams, g: GradientContrast) -> None:
    T = g.T
    if T < 2:
        st.caption("With one step there is no earlier cell state inside the sequence.")
        return
    t = int(
        classroom.control(
            st.slider, "Step t of the one-step Jacobian", T - 1, key=f"{NS}:t", min_value=1,
            max_value=T - 1, value=T - 1,
        )
    )  # fmt: skip
    J = cell_jacobian(p, g.trace, t)
    # from 4 units on, the matrices need the full width for their numbers to fit
    c1, c2 = st.columns([3, 2], gap="medium") if p.n_hidden <= 3 else (st.container(),) * 2
    show.chart(fig_time.jacobian_figure(J.direct, J.total, t), f"{NS}:jac", c1)
    extra = float(np.max(np.abs(J.through_h)))
    c2.markdown(
        "Left: the direct path alone, the forget gate $f_t$ on the diagonal. Right: everything "
        "$C_t$ gets from $C_{t-1}$, including the way through $h_{t-1}$ and the gates. The "
        f"largest difference between the two is **{extra:.3g}**."
    )


def _numbers_table(g: GradientContrast) -> None:
    table = pd.DataFrame(
        {
            "t": np.arange(g.T),
            "mean forget gate": [f"{v:.4f}" for v in g.mean_f],
            "‖∂L/∂Cₜ‖": [sci(v) for v in g.lstm_dc],
            "direct path ∏f": [sci(v) for v in g.lstm_dc_direct],
            "Jacobian product": [sci(v) for v in g.lstm_dc_jacobian],
            "‖∂L/∂hₜ‖": [sci(v) for v in g.lstm_dh],
            "RNN ‖∂L/∂hₜ‖": [sci(v) for v in g.rnn_dh],
        }
    )
    show.table(table, height=min(38 * (g.T + 1), 420))


@frame.fragment
def _explorer() -> None:
    """The controls and everything they change: a move reruns only this."""
    shared = state.model().params
    m, n = shared.n_input, shared.n_hidden
    p, label = _model(shared)
    data = sequence.current(SEQ_NS, m, n, sequence.default_inputs(m))
    g = gradient_contrast(p, data.xs, data.h0, data.c0)
    st.caption(f"LSTM: {label}. Inputs: the Sequence page's sequence (T = {g.T}); edit it there.")
    c = st.columns(4)
    c[0].metric("mean forget gate f", f"{float(np.mean(g.mean_f)):.3f}")
    c[1].metric("LSTM ‖∂L/∂C₀‖", sci(g.lstm_dc[0]))
    c[2].metric("direct path only (∏f) at t = 0", sci(g.lstm_dc_direct[0]))
    c[3].metric("RNN ‖∂L/∂h₀‖", sci(g.rnn_dh[0]))
    _figures(g)
    st.markdown(r"#### One step back: $\partial C_t / \partial C_{t-1}$")
    _jacobian(p, g)
    st.markdown(EXPLANATION)
    with st.expander("The numbers behind the charts"):
        _numbers_table(g)


def render() -> None:
    shared = state.model().params
    m, n = shared.n_input, shared.n_hidden
    st.title("Gradient flow through time")
    st.caption(
        r"The loss sits at the last step: $L = \sum_k h_{T-1}[k]$. How strongly does each "
        "earlier $C_t$ and $h_t$ still affect it? Both networks have the same size "
        rf"(m = {m}, n = {n}) and read the same inputs; the RNN is $h_t = \tanh(W_c v + b_c)$, "
        "the LSTM's own candidate layer without gates or cell state."
    )
    _explorer()
    st.page_link(
        "views/sequence.py",
        label="Edit the input sequence on the Sequence page",
        icon=":material/movie:",
    )


render()
