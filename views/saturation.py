"""Saturation & derivatives: why a gate pushed into a flat tail stops learning."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from lstm_core import ACTIVATIONS, DEFAULT_SATURATION_FRACTION, CellModel, rounds_to_one_z, sigmoid
from lstm_core.teaching import (
    chain_products,
    derivative_at_scales,
    one_minus_sigmoid,
    scale_gate_weights,
    scaled_preactivations,
)
from ui import classroom, fig_slopes, fig_step, frame, show, state, teach
from ui.codec import DEFAULT_PRESET
from ui.fmt import fmt, fmt_gate

SCALES = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
K_MAX = 40


def shapes_tab() -> None:
    show.chart(fig_slopes.activation_panels(), "sat:panels")
    sig, tnh = (ACTIVATIONS[a] for a in ("sigmoid", "tanh"))
    st.markdown(
        f"Both curves are steepest at z = 0: σ′(0) = **{sig.grad_max:g}** and tanh′(0) = "
        f"**{tnh.grad_max:g}**. Far from 0 they flatten out, and their slope drops towards 0: "
        f"below 1% of its peak once |z| > {sig.saturation_z():.2f} for σ and "
        f"|z| > {tnh.saturation_z():.2f} for tanh. A unit out there is *saturated*: "
        "changing its weights a little barely changes its output, so the gradient that would "
        "train those weights is tiny."
    )


def _on_apply() -> None:
    ex, key = state.model(), state.view().focus
    scale = float(st.session_state["sat:scale"])
    p = scale_gate_weights(ex.params, key, scale)
    state.set_model(CellModel(p, ex.x, ex.h_prev, ex.c_prev))
    st.session_state["sat:scale"] = 1.0


@frame.fragment
def scale_tab() -> None:
    ex, gate = state.model(), teach.gate_of_focus()
    act = gate.activation
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    scale = classroom.control(
        c1.select_slider,
        f"Scale $W_{gate.key}$ by $s$ (the bias stays): $z = s\\,W_{gate.key} v + b_{gate.key}$",
        1.0,
        key="sat:scale",
        options=SCALES,
        value=1.0,
        help="s = 1 is the current model. Pick the gate in the sidebar (Gate in focus).",
    )
    if not classroom.hidden("editors") and c2.button(
        "Apply to the model",
        on_click=_on_apply,
        width="stretch",
        disabled=scale == 1.0,
        key="sat:apply",
    ):
        st.rerun(scope="app")  # the other tabs show the model too
    z = scaled_preactivations(ex, gate.key, [scale])[0]
    slopes = act.grad(z)
    left, right = st.columns(2, gap="medium")
    with left:
        fig = fig_step.saturation_figure(gate, z, DEFAULT_SATURATION_FRACTION, state.view().dtype)
        show.chart(fig, "sat:curve")
    with right:
        grid = np.linspace(0.0, max(2.0, 1.25 * scale), 161)
        fig = fig_slopes.derivative_scale_figure(
            grid, derivative_at_scales(ex, gate.key, grid), scale, act.symbol
        )
        show.chart(fig, "sat:slopes")
    rows = [
        {
            "unit": r,
            "z": fmt(z[r], 6),
            f"{gate.plain}": fmt_gate(float(act.fn(z[r]))),
            f"slope {act.symbol}′(z)": f"{slopes[r]:.3g}",
            "share of the peak": f"{slopes[r] / act.grad_max:.3g}",
        }
        for r in range(len(z))
    ]
    show.table(pd.DataFrame(rows))
    st.markdown(
        f"The largest slope of the {gate.name} here is **{float(np.max(slopes)):.3g}**. "
        "Scaling the weights up pushes every z away from 0 into a flat tail; the slope, and "
        "with it the gradient for these weights, collapses. With the weights of the "
        f"`{DEFAULT_PRESET}` example the forget gate's slope is about "
        f"{teach.largest_slope(DEFAULT_PRESET, 'f'):.0e}."
    )


def rounding_tab() -> None:
    z_one = {d: rounds_to_one_z(t) for d, t in (("float32", np.float32), ("float64", np.float64))}
    show.chart(fig_slopes.rounding_figure(), "sat:round")
    gate, s = teach.gate_of_focus(), state.current_step()
    if gate.activation_name == "sigmoid":
        zz = s.z(gate.key).astype(np.float64)
        rows = [
            {
                "unit": r,
                "z": fmt(zz[r], 6),
                "1 − σ(z) exactly": f"{sigmoid(-zz[r]):.3g}",
                "float32 stores σ as": fmt_gate(float(1 - one_minus_sigmoid(zz[r], np.float32))),
                "float64 stores σ as": fmt_gate(float(1 - one_minus_sigmoid(zz[r], np.float64))),
            }
            for r in range(len(zz))
        ]
        show.table(pd.DataFrame(rows))
    st.markdown(
        "$\\sigma(z) = 1/(1 + e^{-z})$ is never exactly 1, but a computer keeps only so many "
        "digits. float32 keeps 24 bits, so once $e^{-z}$ is below $2^{-24}$ the sum "
        "$1 + e^{-z}$ is stored as 1 and σ(z) becomes exactly 1.0: from "
        f"z ≈ {z_one['float32']:.2f} (= 24·ln 2). float64 keeps 53 bits: from "
        f"z ≈ {z_one['float64']:.2f} (= 53·ln 2)."
    )


@frame.fragment
def chain_tab() -> None:
    c1, c2 = st.columns([3, 2])
    f = classroom.control(
        c1.slider, "Forget gate value f, the same at every step", 0.95, key="sat:f",
        min_value=0.5, max_value=1.0, value=0.95, step=0.01,
    )  # fmt: skip
    k = np.arange(1, K_MAX + 1, dtype=np.float64)
    series = {
        "0.25<sup>k</sup>: the largest a product of k σ′ can be": chain_products(0.25, K_MAX),
        f"f<sup>k</sup> with f = {f:g}": chain_products(f, K_MAX),
    }
    s, gate = state.current_step(), teach.gate_of_focus()
    best = float(np.max(gate.activation.grad(s.z(gate.key))))
    if best > 1e-3:  # a saturated gate's line would fall off the chart at once
        label = f"{gate.activation.symbol}′<sup>k</sup> at this model's {gate.name} ({best:.3g})"
        series[label] = chain_products(best, K_MAX)
    show.chart(fig_slopes.chain_figure(k, series), "sat:chain")
    c2.markdown(
        f"After {K_MAX} factors: $0.25^{{{K_MAX}}}$ = {0.25**K_MAX:.1e}, but "
        f"${f:g}^{{{K_MAX}}}$ = {f**K_MAX:.3g}."
    )
    if best <= 1e-3:
        st.caption(
            f"This model's {gate.name} has a largest slope of {best:.3g}, so its own "
            "chain drops below the chart after the first factor."
        )
    st.markdown(
        "A gradient that passes k squashing functions in a row is multiplied by k slopes. "
        "With σ each slope is at most 0.25, so the product shrinks at least as fast as $0.25^k$. "
        "Along the LSTM's cell state the factor per step is the forget gate f itself, with no "
        "slope in between, and f close to 1 keeps the product close to 1 for many steps. "
        "The page *Gradient flow* follows this through a whole sequence."
    )


TABS = (
    ("σ and tanh", shapes_tab),
    ("Scale the weights", scale_tab),
    ("Rounding to 1", rounding_tab),
    ("Chains of slopes", chain_tab),
)


def render() -> None:
    gate = teach.gate_of_focus()
    st.title("Saturation & derivatives")
    st.caption(
        f"Gate in focus: {gate.name} (${gate.symbol}$), {state.view().dtype}. Change it in the "
        "sidebar; every tab follows the current model."
    )
    # every tab is drawn (each is cheap); the open one is kept in the link
    labels = [t for t, _ in TABS]
    for tab, (_, body) in zip(show.tabs(labels, "saturation"), TABS, strict=True):
        with tab:
            body()


render()
