"""Trained example: an LSTM trained (in NumPy, with this project's backward pass) to
remember the sign of its first input through many steps of noise."""

from __future__ import annotations

import time

import streamlit as st

from lstm_core.cell import Trace
from lstm_core.sequences import flip_first_sign, generate, readout_over_time, sign_target
from lstm_core.train import (
    Progress,
    TrainConfig,
    TrainedModel,
    forget_during_hold,
    load_trained,
    memory_unit,
    train_memory,
)
from ui import classroom, fig_time, sequence, show, stepview
from ui.fmt import time_left

NS = "trained"
LIVE_STEPS = 200  # Adam updates for "Train live": a few seconds on a laptop
SHIPPED, LIVE = "Shipped weights", "Trained just now"
KINDS = ("memory", "random", "constant", "step", "sine")


@st.cache_resource
def shipped() -> TrainedModel:
    return load_trained()


def _train_live(seed: int) -> None:
    bar = st.progress(0.0, text="Training…")
    start = time.monotonic()

    def report(p: Progress) -> None:
        if p.step % 5 == 0 or p.step == p.steps:
            bar.progress(
                p.step / p.steps,
                text=f"Adam step {p.step}/{p.steps}: loss {p.loss:.3f}, "
                f"batch accuracy {p.batch_accuracy:.0%}; "
                f"{time_left(p.step, p.steps, time.monotonic() - start)}",
            )

    config = TrainConfig(seed=seed, steps=LIVE_STEPS, batch=16, n_train=512, n_test=300)
    model = train_memory(config=config, progress=report)
    st.session_state[f"{NS}:live"] = model
    st.session_state[f"{NS}:which"] = LIVE


def model_picker() -> TrainedModel:
    ss = st.session_state
    live: TrainedModel | None = ss.get(f"{NS}:live")
    ss.setdefault(f"{NS}:which", SHIPPED)
    c1, c2, c3 = st.columns([3, 1, 2], vertical_alignment="bottom")
    seed = int(
        classroom.control(
            c2.number_input, "Seed", 1, key=f"{NS}:seed", min_value=0, max_value=10**6, value=1,
            step=1,
        )
    )  # fmt: skip
    if not classroom.hidden("editors") and c3.button(
        f"Train live ({LIVE_STEPS} steps)",
        key=f"{NS}:train",
        width="stretch",
        help="Trains a fresh LSTM from this seed with Adam, here and now: a few seconds to "
        "half a minute, depending on how busy the server is. The bar shows the time left.",
    ):
        with st.container():
            _train_live(seed)
        live = ss[f"{NS}:live"]
    if live is None:
        ss[f"{NS}:which"] = SHIPPED
        c1.markdown("**Model:** the shipped weights")
    else:
        classroom.control(
            c1.radio, "Model", SHIPPED, key=f"{NS}:which", options=[SHIPPED, LIVE], horizontal=True
        )
    which = ss[f"{NS}:which"]
    model = live if which == LIVE and live is not None else shipped()
    source = (
        "Shipped weights, trained with this project's own backward pass"
        if which == SHIPPED
        else f"Trained just now from seed {model.config.seed}"
    )
    st.caption(
        f"{source}: n = {model.params.n_hidden} units, {model.config.steps} Adam steps, "
        f"accuracy on {model.config.n_test} held-out sequences **{model.test_accuracy:.1%}**."
    )
    return model


def result(model: TrainedModel, trace: Trace, unit: int | None) -> None:
    xs = trace.x
    target = sign_target(xs)
    prob = readout_over_time(model.readout.w, model.readout.b, trace)
    answer = 1.0 if prob[-1] > 0.5 else 0.0
    c = st.columns(4)
    c[0].metric("first value $x_0[0]$", f"{xs[0, 0]:.4g}")
    c[1].metric(
        "target",
        "none (the first value is 0)"
        if target is None
        else f"{target:g} ({'positive' if target else 'negative'})",
    )
    c[2].metric(
        "prediction ŷ at the last step",
        f"{prob[-1]:.3f}",
        f"says {'positive' if answer else 'negative'}",
        delta_color="off",
        delta_arrow="off",
    )
    if target is None:
        c[3].metric("correct?", "—")
    else:
        c[3].metric("correct?", "yes ✓" if answer == target else "no ✗")
    if unit is not None:
        hold = forget_during_hold(trace)
        st.markdown(
            f"**Unit {unit} holds the sign.** Its forget gate averages **{hold[unit]:.3f}** "
            f"from t = 1 on (highest of all units), so its cell state keeps what step 0 wrote: "
            f"$C_t[{unit}]$ ends at {trace.c[-1, unit]:.3g}. It is outlined and starred (★) below."
        )


def _new_sequence(m: int, T: int) -> None:
    ss = st.session_state
    ss[f"{NS}:draw"] = ss.get(f"{NS}:draw", 0) + 1
    sequence.replace_inputs(NS, generate("memory", T, m, seed=1000 + ss[f"{NS}:draw"]))


def render() -> None:
    st.title("A trained LSTM that remembers")
    noise = shipped().task.T - 1
    st.caption(
        "The task: $x_t$ = [value, marker]. At t = 0 the value is a number of random sign with "
        f"marker 1; after that, {noise} steps of noise with marker 0. After the last step a "
        r"read-out $\hat y = \sigma(w \cdot h_{T-1} + b)$, outside the cell, must say whether "
        "the first value was positive. "
        "To succeed, the cell has to write the sign into a unit at t = 0 and keep it."
    )
    model = model_picker()
    p = model.params
    m, n = p.n_input, p.n_hidden
    first = lambda: generate("memory", model.task.T, m)  # noqa: E731
    if classroom.hidden("editors"):
        data = sequence.current(NS, m, n, first)
    else:
        with st.expander("Input sequence", expanded=False):
            data = sequence.editor(NS, m, n, first, KINDS, "memory", with_init=False)
    b1, b2, _ = st.columns([2, 2, 3])
    b1.button(
        "New sequence",
        icon=":material/casino:",
        key=f"{NS}:new",
        on_click=_new_sequence,
        args=(m, model.task.T),
        width="stretch",
    )
    b2.button(
        "± Flip the first sign",
        key=f"{NS}:flip",
        on_click=lambda: sequence.replace_inputs(NS, flip_first_sign(data.xs)),
        width="stretch",
    )
    trace = model.run(data.xs)
    T = len(trace)
    unit = memory_unit(trace) if T > 1 else None
    result(model, trace, unit)
    prob = readout_over_time(model.readout.w, model.readout.b, trace)
    target = sign_target(data.xs)

    def body(t: int) -> None:
        c1, c2 = st.columns(2, gap="medium")
        rows = [
            ("f", "f<sub>t</sub>: forget gate", trace.f),
            ("c", "C<sub>t</sub>: cell state", trace.c),
        ]
        show.chart(fig_time.trace_heatmaps(rows, t_mark=t, highlight=unit), f"{NS}:heat", c1)
        show.chart(fig_time.readout_figure(prob, target, t), f"{NS}:readout", c2)
        show.chart(
            fig_time.unit_lines(
                trace.c, "C<sub>t</sub> per unit", "C<sub>t</sub>", t_mark=t, highlight=unit
            ),
            f"{NS}:lines:c",
        )
        stepview.step_detail(NS, trace[t], p, t)

    sequence.timeline(NS, T, body)


render()
