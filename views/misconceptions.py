"""Misconceptions: seven wrong explanations from the original thread, each set straight
with a demonstration on the current model."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

from lstm_core import CONCAT_LATEX, GATE_BY_KEY, GATES, cell_update
from lstm_core.teaching import (
    can_multiply,
    cell_path,
    draws_can_differ,
    readout,
    sample_cell,
    total_params,
)
from ui import classroom, fig_slopes, fig_step, fig_time, frame, show, state, teach
from ui.fmt import fmt, short_vec
from ui.latex import factor, vec

DRAWS = "misc:draws"
THREAD_F = [0.5, 0.8, 0.9]  # the thread's made-up forget gate for n = 3
SOURCES = {
    "model": "f from the current model",
    "thread": f"the thread's made-up f = {THREAD_F}",
}


# -- 1 and 2: gates are multipliers, and f keeps ------------------------------------------
def _gate_values() -> tuple[np.ndarray, np.ndarray, bool]:
    """(f, i) for the sampling demo and whether they are the thread's made-up f."""
    s, n = state.current_step(), state.model().params.n_hidden
    f, i = np.asarray(s.f, dtype=np.float64), np.asarray(s.i, dtype=np.float64)
    if st.session_state.get("misc:source", "model") == "model":
        return f, i, False
    return np.linspace(0.5, 0.9, n) if n != 3 else np.array(THREAD_F), i, True


def _draw() -> None:
    s, ex = state.current_step(), state.model()
    f, i, _ = _gate_values()
    rng = np.random.default_rng(len(st.session_state.get(DRAWS, [])))
    draw = sample_cell(f, i, s.c_tilde, ex.c_prev, rng)
    st.session_state[DRAWS] = [*st.session_state.get(DRAWS, []), draw.c.tolist()]


def _clear() -> None:
    st.session_state[DRAWS] = []


@frame.fragment
def stochastic_demo() -> None:
    s, ex = state.current_step(), state.model()
    stuck = not draws_can_differ(s.f, s.i, s.c_tilde, ex.c_prev)
    if "misc:source" not in st.session_state:
        st.session_state["misc:source"] = "thread" if stuck else "model"
    classroom.control(
        st.radio,
        "Gate values",
        st.session_state["misc:source"],
        key="misc:source",
        options=list(SOURCES),
        horizontal=True,
        on_change=_clear,
        format_func=SOURCES.__getitem__,
    )
    f, i, made_up = _gate_values()
    real = cell_update(f, i, s.c_tilde, ex.c_prev).c
    c1, c2, c3 = st.columns([1.3, 1, 2.2], vertical_alignment="center")
    c1.button(
        "Sample", icon=":material/casino:", on_click=_draw, key="misc:sample", width="stretch"
    )
    c2.button("Clear", on_click=_clear, key="misc:clear", width="stretch")
    draws = [np.asarray(d) for d in st.session_state.get(DRAWS, []) if len(d) == len(real)]
    c3.caption(f"{len(draws)} draws so far. Real $C_t$: {short_vec(real, 4, 8)}")
    show.chart(fig_step.draws_figure(draws, real), "misc:draws-fig")
    if stuck and not made_up:
        st.caption(
            "Every f and i of this model is exactly 0 or 1 (or meets a 0), so even sampled "
            "masks cannot vary. Pick the thread's made-up f to see them jump."
        )


@frame.fragment
def forget_demo() -> None:
    ex, s = state.model(), state.current_step()
    f = classroom.control(
        st.slider, "Set every $f_t$ to", 0.9, key="misc:f", min_value=0.0, max_value=1.0,
        value=0.9, step=0.05,
    )  # fmt: skip
    show.chart(fig_step.forget_bars(ex.c_prev, np.full(len(ex.c_prev), f)), "misc:forget")
    st.caption(
        f"This model's own $f_t$ = {short_vec(s.f, 4, 8)} keeps "
        rf"$f_t \circ C_{{t-1}}$ = {short_vec(s.forget_term, 4, 8)}."
    )


# -- 3 and 4: sizes and sums ------------------------------------------------------------------
def shape_demo() -> None:
    p = state.model().params
    n, m = p.n_hidden, p.n_input
    right = r"\checkmark" if can_multiply((n, n + m), n + m) else r"\times"
    wrong = r"\checkmark" if can_multiply((n, n), n + m) else r"\text{not defined}"
    show.latex(
        rf"\underbrace{{W_f}}_{{{n}\times{n + m}}}\;\underbrace{{v}}_{{{n + m}}} = "
        rf"\underbrace{{W_f v}}_{{{n}}}\;{right}"
        rf"\qquad \underbrace{{W}}_{{{n}\times{n}}}\;\underbrace{{v}}_{{{n + m}}}:\;{wrong}"
    )
    st.markdown(
        f"With the sidebar's m = {m} and n = {n}: 4 matrices of {n} × {n + m} plus "
        f"4 biases of {n} give **{total_params(m, n)}** parameters."
    )
    st.page_link(
        "views/shapes.py", label="Every shape on Shapes & dimensions", icon=":material/straighten:"
    )


TERM_BUDGET = 32  # characters of products per line that fit the card's right column


def _terms_per_line(W: np.ndarray, v: np.ndarray) -> int:
    """How many products w·x fit on one line of the expansion, from the longest one."""
    longest = max(len(factor(w)) for w in W.ravel()) + max(len(factor(x)) for x in v) + 1
    return int(np.clip(TERM_BUDGET // (longest + 3), 1, 4))


def sum_demo() -> None:
    ex, s = state.model(), state.current_step()
    gate = GATE_BY_KEY["i"]
    rows = min(3, ex.params.n_hidden)
    per_line = _terms_per_line(ex.params.W(gate.key)[:rows], s.concat)
    st.caption("The current model's input gate, row by row:")
    for r in range(rows):
        show.latex(teach.gate_expansion(ex.params, s, gate, r, None, per_line=per_line))
    if st.button(
        f"Check [{teach.THREAD_TYPED}] on the thread's example",
        key="misc:thread",
        on_click=teach.load_thread_check,
    ):
        st.switch_page("views/check.py")
    st.caption(
        "Loads the `seed-answer` example, where $W_i v + b_i$ = [22, 43, 64], and opens "
        "Check my calculation with the printed sum typed in."
    )


# -- 5, 6 and 7: slopes, outputs, and the cell-state path ------------------------------------
def slope_demo() -> None:
    s = state.current_step()
    marks: dict[str, np.ndarray] = {}
    for g in GATES:
        marks.setdefault(g.activation_name, np.array([]))
        marks[g.activation_name] = np.concatenate([marks[g.activation_name], s.z(g.key)])
    show.chart(fig_slopes.activation_panels(marks), "misc:slopes")
    st.caption(
        "× marks: this model's units. The axes show z from −8 to 8; a unit whose z lies "
        "beyond ±8 is drawn at the edge."
    )


def _vector(a: np.ndarray) -> str:
    """A vector in LaTeX: a row while it fits the card's column, else a column."""
    if len(a) <= 4:
        return vec(a, 3)
    return r"\begin{bmatrix}" + r" \\ ".join(fmt(v, 3) for v in a) + r"\end{bmatrix}"


@frame.fragment
def output_demo() -> None:
    s = state.current_step()
    n = len(s.h)
    k = classroom.control(
        st.number_input, "Outputs of an extra task layer, k", 2, key="misc:k", min_value=1,
        max_value=8, value=2,
    )  # fmt: skip
    W_y, y = readout(s.h, int(k))
    st.markdown(f"What the LSTM returns, {n} entries:")
    show.latex(rf"h_t = {_vector(s.h)}")
    st.markdown(f"An extra task layer, with its own $W_y$ of size {int(k)} × {n}:")
    show.latex(rf"y_t = \sigma(W_y h_t) = {_vector(y)}")
    st.caption(
        "torch's `nn.LSTM` returns `(output, (h_n, c_n))` where `output` stacks $h_t$ for "
        "every step; Keras returns $h_t$ too. The size k of $y_t$ is chosen by the task, not by "
        "the cell."
    )


@frame.fragment
def path_demo() -> None:
    T = classroom.control(
        st.slider, "Steps in the sequence ($x_t$ held fixed)", 20, key="misc:T", min_value=2,
        max_value=40, value=20,
    )  # fmt: skip
    path = cell_path(state.model(), int(T))
    show.chart(
        fig_time.cell_path_figure(path.k, path.direct, path.total, path.sigmoid_bound), "misc:path"
    )
    st.caption(
        f"After {int(path.k[-1])} steps back: direct path ∏f = "
        f"{short_vec(path.direct[-1], 3, 8)}, all paths ≈ {path.total[-1]:.3g}, "
        f"$0.25^k$ = {path.sigmoid_bound[-1]:.2g}."
    )
    if path.direct.shape[1] > 1 and np.allclose(path.direct, path.direct[:, :1]):
        st.caption("Every unit has the same ∏f here, so their lines lie on top of each other.")


# -- the cards (a demo with controls of its own is a fragment: it reruns alone) ------------
CARDS: tuple[tuple[str, str, str, Callable[[], None]], ...] = (
    (
        "Gates flip coins",
        "A gate makes a random choice: draw a uniform number and switch the unit on when the "
        "number is below the gate's value.",
        "A gate is a number between 0 and 1 that scales its unit. Nothing is drawn: the same "
        "$x_t$, $h_{t-1}$ and $C_{t-1}$ give the same $f_t$, $i_t$ and $C_t$ every time. "
        "Randomness only enters if you add dropout during training. Sample on the right: "
        "coin-flip masks move $C_t$ from draw to draw, the real cell's $C_t$ (bars) never moves.",
        stochastic_demo,
    ),
    (
        "A high $f$ means forget",
        "When the random number falls below $f$, the unit's old memory is forgotten.",
        "It is the other way round. $f_t$ multiplies $C_{t-1}$: $f$ near 1 keeps the old "
        "memory, $f$ near 0 wipes it. Think of the forget gate as a keep gate.",
        forget_demo,
    ),
    (
        "$W_f$ is 3 × 3",
        "With 3 inputs and 3 units, the forget gate's weight matrix is 3 × 3.",
        "$W_f$ has one row per unit and one column per entry of $v = {V}$: "
        "n × (n + m) = 3 × 6. A 3 × 3 matrix would have no weights for half of $v$.",
        shape_demo,
    ),
    (
        "$W_i v + b_i$ = [22, 42, 62]",
        "With the rows of $W_i$ all 1s, 2s and 3s, $v$ = [1, …, 6] and $b_i$ = 1s, the sum is "
        "[22, 42, 62].",
        "Row r of $W_i$ is r + 1 repeated, so its dot product with $v$ is (r + 1)·21 and the "
        "bias adds 1: [22, 43, 64]. The order of $v$ does not matter here because each row is "
        "constant.",
        sum_demo,
    ),
    (
        "σ′ is about 1 in the middle",
        "Both sigmoid and tanh have a slope close to 1 around z = 0.",
        r"Only tanh does: $\tanh'(0) = 1$. The sigmoid's slope is at most 0.25, reached at "
        "z = 0; everywhere else it is smaller. The thread's later comment gives 0.25 correctly.",
        slope_demo,
    ),
    (
        r"The output is $y_t = \sigma(W h_t)$",
        r"The LSTM's real output is $y_t = \sigma(W h_t)$; $h_t$ is only internal.",
        "The cell's output is $h_t$, which also goes on to the next step. A layer such as "
        r"$\sigma(W_y h_t)$ is an extra, optional part chosen for a task, with its own weights "
        "and its own size. (torch's `proj_size` is a different thing: a linear map of $h_t$ "
        "inside the LSTM.)",
        output_demo,
    ),
    (
        "σ and tanh can't go deep",
        "ReLU's slope is 1, so deep ReLU nets train; σ and tanh have varying small slopes, so "
        "how can an LSTM carry gradients far? (The thread left this unanswered.)",
        r"Along the cell state, $C_t = f_t ∘ C_{t-1} + i_t ∘ \tilde C_t$, so the direct "
        "path from $C_{t-1}$ to $C_t$ is multiplied by $f_t$ alone, with no activation slope "
        r"in between. With $f_t \approx 1$ the gradient survives many steps. The paths through "
        r"$h_{t-1}$ add further terms, so the full Jacobian is not exactly $\mathrm{diag}(f_t)$: "
        "the plot shows both, next to $0.25^k$.",
        path_demo,
    ),
)


def card(k: int, title: str, claim: str, truth: str, demo: Callable[[], None]) -> None:
    with st.container(border=True, key=f"misc-card-{k}"):
        st.subheader(f"{k}. {title}")
        left, right = st.columns([2, 3], gap="large")
        with left:
            st.markdown(f"**The claim.** {claim}")
            v = CONCAT_LATEX[state.model().params.concat_order]
            st.markdown(f"**What is true.** {truth.replace('{V}', v)}")
        with right:
            demo()


def render() -> None:
    st.title("Misconceptions")
    st.caption(
        "Seven explanations from the question-and-answer thread this app started from, each "
        "with what is actually true and a demonstration on the current model."
    )
    for k, (title, claim, truth, demo) in enumerate(CARDS, start=1):
        card(k, title, claim, truth, demo)


render()
