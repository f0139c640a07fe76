"""The Lesson page's steps: ONE table, from what enters the cell to why C_t carries
gradients. No Streamlit here; ``views/lesson.py`` only renders it.

Each step builds its own model (a preset or exact values), says which stage of the
diagram to light and which part to box (``diagram.REGIONS``), writes its paragraph from
the numbers the core computes for the current model (never typed in), offers one
"try this" change of the model and, on some steps, a prediction to make before the
values are shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lstm_core import CONCAT_LATEX, GATE_BY_KEY, GATES, CellModel, LSTMParams, Step, sigmoid
from lstm_core.activations import DEFAULT_SATURATION_FRACTION, saturation_of
from lstm_core.presets import SEED_H, SEED_W_F, SEED_X, load_preset
from lstm_core.teaching import (
    cell_path,
    concat_order_demo,
    param_formula,
    scale_gate_weights,
)

from . import fig_step, fig_time
from .fig_base import Plain
from .fmt import fmt, fmt_gate, short_vec
from .stages import CELL, CONCAT, FORGET, HIDDEN, INPUT, OUTPUT, Ask

PATH_STEPS = 20  # the sequence the gradient step runs (x_t held fixed)

Prose = Callable[[CellModel, Step], str]


def vec(a: np.ndarray) -> str:
    """A vector for a sentence: every entry (the lesson's cells have at most 8 units)."""
    return short_vec(a, 4, 8)


def gates(a: np.ndarray) -> str:
    """Gate values, keeping visible how close to 1 they are ('1 − 2.5e-3')."""
    return "[" + ", ".join(fmt_gate(v) for v in np.asarray(a)) + "]"


def other_order(p: LSTMParams) -> str:
    return "h_first" if p.concat_order == "x_first" else "x_first"


def set_bias(key: str, value: float) -> Callable[[CellModel], CellModel]:
    """A model change: every entry of b_key set to ``value``."""
    return lambda m: m.with_array(f"b_{key}", np.full(m.params.n_hidden, value))


@dataclass(frozen=True)
class TryThis:
    label: str  # the button
    change: Callable[[CellModel], CellModel]  # applied to the step's own model
    look: str  # what to watch once it is pressed


@dataclass(frozen=True)
class Predict:
    """A prediction the class makes before the step shows its values (ui/quiz.py asks and
    marks it). The question is the stage's own (``Stage.ask``) unless ``ask`` and its
    ``answer`` are given."""

    reveal: Prose  # the explanation shown with the values
    ask: Ask | None = None
    answer: Callable[[CellModel, Step], np.ndarray] | None = None


@dataclass(frozen=True)
class LessonStep:
    title: str
    prose: Prose  # markdown; with a prediction, it must not give the answer away
    model: Callable[[], CellModel]
    stage: int  # the diagram's lit stage, whose equation is shown
    region: str  # the part of the diagram that is boxed (diagram.REGIONS)
    try_this: TryThis
    predict: Predict | None = None
    figure: Callable[[CellModel, Step, str], Plain] | None = None  # (model, step, dtype)


# -- the models -------------------------------------------------------------------------
def _seed_h_first() -> CellModel:
    """The thread's numbers, joined in the textbook order v = [h_{t-1}, x_t]."""
    p = LSTMParams.zeros(3, 3, concat_order="h_first").replace(W_f=SEED_W_F, b_f=[1, 2, 3])
    return CellModel(p, np.array(SEED_X), np.array(SEED_H), np.array([0.5, -1.0, 2.0]))


def _forget_model() -> CellModel:
    """W_f = 0, so z_f is b_f: which units keep their memory can be read off b_f."""
    return load_preset("zeros").with_array("b_f", np.array([2.0, -1.5, 0.5]))


def _update_model() -> CellModel:
    """Gates of exactly 1, 0.5 and 0 (the hadamard preset) and C̃ of exactly ±1: C_t by hand."""
    return load_preset("hadamard").with_array("b_c", np.array([40.0, -40.0, 40.0]))


def _output_model() -> CellModel:
    """W_o = 0, so z_o is b_o: which units pass their memory on can be read off b_o."""
    m = load_preset("output-closed")
    return m.with_array("W_o", np.zeros_like(m.params.W_o)).with_array(
        "b_o", np.array([-4.0, 3.0, -0.5])
    )


def _only_bias(m: CellModel, key: str) -> str:
    """' Here W_key is all zeros, so z_key is b_key = [...].' when it is, else ''."""
    if np.any(m.params.W(key)):
        return ""
    return (
        f" Here every weight of $W_{key}$ is 0, so $z_{key}$ is $b_{key}$ = {vec(m.params.b(key))}."
    )


def _small(m: int, n: int, seed: int) -> CellModel:
    """Small random weights, and inputs spread over (−1, 1)."""
    rng = np.random.default_rng(seed)
    p = LSTMParams.random(m, n, seed=seed, scale=0.5)
    x, h, c = (np.round(rng.uniform(-1, 1, k), 2) for k in (m, n, n))
    return CellModel(p, x, h, c)


# -- the prose ----------------------------------------------------------------------------
def _inputs(m: CellModel, s: Step) -> str:
    p = m.params
    return (
        f"At every time step the cell reads three vectors. The input $x_t$ has m = {p.n_input} "
        f"entries, here {vec(s.x)}. The previous hidden state $h_{{t-1}}$, what the cell put "
        f"out one step earlier, has n = {p.n_hidden}: {vec(s.h_prev)}. The previous cell "
        f"state $C_{{t-1}}$, the cell's memory, also has n = {p.n_hidden}: {vec(s.c_prev)}.\n\n"
        "The gates never look at $x_t$ and $h_{t-1}$ separately: the two are joined end to "
        f"end into one vector $v = {CONCAT_LATEX[p.concat_order]}$ with n + m = "
        f"{p.n_hidden + p.n_input} entries, $v$ = {vec(s.concat)}. $C_{{t-1}}$ does not "
        "enter the gates; it runs along the top line."
    )


def _concat(m: CellModel, s: Step) -> str:
    p = m.params
    n, k = p.n_hidden, p.n_hidden + p.n_input
    return (
        f"Here m = {p.n_input} and n = {n}, so $v$ has {k} entries: {vec(s.concat)}. Each "
        f"gate has its own weight matrix, with one row per unit and one column per entry of "
        f"$v$: $W_f$ is n × (n + m) = {n} × {k}, and so are $W_i$, $W_c$ and $W_o$.\n\n"
        f"Row r of $W_f$ times $v$, plus $b_f$[r], is one number per unit: $z_f = W_f v + b_f$ "
        f"= {vec(s.z_f)}. With a bias of n = {n} per gate the cell has "
        f"{param_formula(p.n_input, n)} parameters."
    )


def _forget(m: CellModel, s: Step) -> str:
    return (
        "The forget gate decides, unit by unit, how much of the old memory $C_{t-1}$ = "
        f"{vec(s.c_prev)} to keep: $f_t = \\sigma(W_f v + b_f)$. The sigmoid σ squeezes any "
        "number into (0, 1), so $f_t$ is a factor, not a yes or no: 1 keeps $C_{t-1}$ as it "
        "is, 0 wipes it. Nothing random happens: the same inputs always give the same $f_t$."
        + _only_bias(m, "f")
    )


def _forget_reveal(m: CellModel, s: Step) -> str:
    return (
        f"$f_t$ = σ({vec(s.z_f)}) = {gates(s.f)}: above one half exactly where $z_f$ > 0. "
        "The cell keeps $f_t \\circ C_{{t-1}}$ = "
        f"{vec(s.forget_term)} of its old memory. σ(0) = {fmt(float(sigmoid(0.0)))}: a gate "
        "that has learned nothing lets half through."
    )


def _input(m: CellModel, s: Step) -> str:
    return (
        "Two things decide what is written into the memory. The candidate "
        "$\\tilde C_t = \\tanh(W_c v + b_c)$ proposes new content between −1 and 1: "
        f"{vec(s.c_tilde)}. The input gate $i_t = \\sigma(W_i v + b_i)$ = {gates(s.i)} says "
        "how much of each proposal goes in. What is added is their elementwise product, "
        f"$i_t \\circ \\tilde C_t$ = {vec(s.input_term)}."
    )


def _update(m: CellModel, s: Step) -> str:
    return (
        "The new memory keeps part of the old and adds part of the new: "
        "$C_t = f_t \\circ C_{t-1} + i_t \\circ \\tilde C_t$. The product ∘ is taken entry by "
        "entry, so unit k only ever meets unit k; no matrix is involved.\n\nHere $f_t$ = "
        f"{vec(s.f)}, $C_{{t-1}}$ = {vec(s.c_prev)}, $i_t$ = {vec(s.i)} and $\\tilde C_t$ = "
        f"{vec(s.c_tilde)}."
    )


def _update_reveal(m: CellModel, s: Step) -> str:
    return (
        f"{vec(s.f)} ∘ {vec(s.c_prev)} + {vec(s.i)} ∘ {vec(s.c_tilde)} = {vec(s.forget_term)} "
        f"+ {vec(s.input_term)} = {vec(s.c)}, one unit at a time."
    )


def _output(m: CellModel, s: Step) -> str:
    return (
        f"The output gate $o_t = \\sigma(W_o v + b_o)$ = {gates(s.o)} chooses how much of the "
        "memory is shown. The memory is first squeezed into (−1, 1), $\\tanh(C_t)$ = "
        f"{vec(s.tanh_c)}, then scaled: $h_t = o_t \\circ \\tanh(C_t)$ = {vec(s.h)}.\n\n"
        "$h_t$ is the cell's output, and the next step's $h_{t-1}$. The memory "
        f"$C_t$ = {vec(s.c)} goes on along the top line whatever $o_t$ is." + _only_bias(m, "o")
    )


def _output_reveal(m: CellModel, s: Step) -> str:
    return (
        f"$o_t$ = σ({vec(s.z_o)}) = {gates(s.o)}: the units with $z_o$ > 0 pass more than half "
        f"of $\\tanh(C_t)$ on, so $h_t$ = {vec(s.h)}."
    )


def _saturation(m: CellModel, s: Step) -> str:
    sat = saturation_of(s.z_f, "sigmoid", DEFAULT_SATURATION_FRACTION)
    peak = GATE_BY_KEY["f"].activation.grad_max
    return (
        "A gate learns through the slope of its activation: the gradient that reaches $W_f$ "
        f"is multiplied by σ′($z_f$). σ′ is largest at z = 0, where it is {fmt(peak)}, and "
        f"falls fast: below {DEFAULT_SATURATION_FRACTION:.0%} of that peak once |z| > "
        f"{fmt(sat.z_limit)}.\n\nLarge weights make large pre-activations: $z_f$ = "
        f"{vec(s.z_f)}, so σ′($z_f$) = {short_vec(sat.slope, 3, 8)}. {sat.count} of "
        f"{len(s.f)} units of the forget gate sit in a flat tail (grey). There $f_t$ hardly "
        "changes when $W_f$ does, so training can barely move it: here $f_t$ = "
        f"{gates(s.f)}."
    )


def _order(m: CellModel, s: Step) -> str:
    p = m.params
    return (
        "Which half of $v$ comes first is a convention, and texts differ: the textbook and "
        "torch join $[h_{t-1}, x_t]$, the thread this app grew from joined $[x_t, h_{t-1}]$. "
        f"This cell uses $v = {CONCAT_LATEX[p.concat_order]}$ = {vec(s.concat)}. The order is "
        "fixed together with W: column j of $W_f$ always multiplies entry j of $v$.\n\n"
        f"Here $W_f v$ = {vec(concat_order_demo(m, 'f')[0].Wv)}. Join the other way, "
        f"$v = {CONCAT_LATEX[other_order(p)]}$ = {vec(concat_order_demo(m, 'f')[1].v)}, "
        "and keep $W_f$ as it is: what is $W_f v$ then?"
    )


def _order_reveal(m: CellModel, s: Step) -> str:
    same, swapped, moved = concat_order_demo(m, "f")
    return (
        f"$W_f v$ = {vec(swapped.Wv)}, not {vec(same.Wv)}: swapping the halves of $v$ "
        "changes which entry each weight meets. Moving W's columns along with $v$ gives "
        f"back {vec(moved.Wv)}, so a W written for one order must be rearranged for the other."
    )


def _size(m: CellModel, s: Step) -> str:
    p = m.params
    return (
        "$h_t = o_t \\circ \\tanh(C_t)$ multiplies entry by entry, so $h_t$ has exactly as "
        "many entries as $C_t$: one per unit. The input size does not enter: here "
        f"m = {p.n_input}, and $h_t$ = {vec(s.h)} and $C_t$ = {vec(s.c)} both have "
        f"n = {p.n_hidden}. (torch's optional `proj_size` is the exception: it shrinks $h_t$ "
        "afterwards with an extra matrix.)"
    )


def _size_reveal(m: CellModel, s: Step) -> str:
    n, k = m.params.n_hidden, m.params.n_hidden + m.params.n_input
    return (
        f"$W_o$ is {n} × {k}: one row per unit, one column per entry of $v$. So $o_t$ has {n} "
        f"entries, like $\\tanh(C_t)$, and their elementwise product $h_t$ has {n} too."
    )


def _gradient(m: CellModel, s: Step) -> str:
    path = cell_path(m, PATH_STEPS)
    k = int(path.k[-1])
    return (
        "Training sends a gradient backwards through time. Along the top line, "
        "$C_t = f_t \\circ C_{t-1} + \\dots$, so one step back multiplies the gradient on "
        "$C_t$ by $f_t$ and by nothing else: no activation slope is in the way. Here $f_t$ = "
        f"{gates(s.f)}.\n\nRun {PATH_STEPS} steps with $x_t$ held fixed: {k} steps back, this "
        f"direct path keeps ∏f = {short_vec(path.direct[-1], 3, 8)} of the gradient, while a "
        f"chain of {k} sigmoid slopes could keep at most $0.25^{{{k}}}$ = "
        f"{fmt(path.sigmoid_bound[-1], 3)}. With the paths through $h_{{t-1}}$ added, the "
        f"largest entry is {fmt(path.total[-1], 3)}."
    )


# -- the lesson ---------------------------------------------------------------------------
STEPS: tuple[LessonStep, ...] = (
    LessonStep(
        "What goes into the cell",
        _inputs,
        _seed_h_first,
        CONCAT,
        "inputs",
        TryThis(
            "Add 1 to xₜ[0]",
            lambda m: m.with_entry("x", (0,), float(m.x[0]) + 1.0),
            "One entry of v changes, the one that holds xₜ[0], and every gate sees it.",
        ),
    ),
    LessonStep(
        "One vector v, one column of W per entry",
        _concat,
        lambda: _small(2, 3, seed=4),
        FORGET,
        "inputs",
        TryThis(
            "Add an input (m + 1)",
            lambda m: m.resized(m.params.n_input + 1, m.params.n_hidden),
            "v and every W gain one column; every gate keeps one entry per unit.",
        ),
    ),
    LessonStep(
        "The forget gate",
        _forget,
        _forget_model,
        FORGET,
        "f",
        TryThis(
            "Set every b_f to 3",
            set_bias("f", 3.0),
            "fₜ moves towards 1, so more of the old memory is kept.",
        ),
        Predict(_forget_reveal),
    ),
    LessonStep(
        "The input gate and the candidate",
        _input,
        lambda: load_preset("overwrite"),
        INPUT,
        "ic",
        TryThis(
            "Close the input gate (every b_i = −6)",
            set_bias("i", -6.0),
            "iₜ drops near 0, and so does iₜ ∘ C̃ₜ: the proposal is ignored.",
        ),
    ),
    LessonStep(
        "The cell update",
        _update,
        _update_model,
        CELL,
        "cell",
        TryThis(
            "Keep all the old memory (every b_f = 40)",
            set_bias("f", 40.0),
            "fₜ becomes 1, so fₜ ∘ Cₜ₋₁ is Cₜ₋₁ itself and only iₜ ∘ C̃ₜ is added.",
        ),
        Predict(_update_reveal),
    ),
    LessonStep(
        "The output gate and hₜ",
        _output,
        _output_model,
        OUTPUT,
        "o",
        TryThis(
            "Open the output gate (every b_o = 6)",
            set_bias("o", 6.0),
            "oₜ rises towards 1 and hₜ follows tanh(Cₜ); Cₜ itself does not change.",
        ),
        Predict(_output_reveal),
    ),
    LessonStep(
        "Saturation: why large weights freeze a gate",
        _saturation,
        lambda: load_preset("saturated"),
        FORGET,
        "f",
        TryThis(
            "Make every W ten times smaller",
            lambda m: CellModel(_scaled(m.params, 0.1), m.x, m.h_prev, m.c_prev),
            "z_f moves towards 0, the slopes grow and the units leave the grey tails.",
        ),
        figure=lambda m, s, dtype: fig_step.saturation_figure(
            GATE_BY_KEY["f"], s.z_f, DEFAULT_SATURATION_FRACTION, dtype
        ),
    ),
    LessonStep(
        "The concat order: h first or x first",
        _order,
        lambda: load_preset("seed-question"),
        FORGET,
        "inputs",
        TryThis(
            "Swap the order, keep W",
            lambda m: CellModel(
                m.params.replace(concat_order=other_order(m.params)), m.x, m.h_prev, m.c_prev
            ),
            "Every gate changes: each weight now multiplies a different entry of v.",
        ),
        Predict(
            _order_reveal,
            Ask("concat", "W_f·v", "number", "Predict $W_f v$ with the halves of $v$ swapped."),
            lambda m, s: concat_order_demo(m, "f")[1].Wv,
        ),
    ),
    LessonStep(
        "h and C have the same size",
        _size,
        lambda: _small(5, 2, seed=9),
        HIDDEN,
        "hidden",
        TryThis(
            "Add a unit (n + 1)",
            lambda m: m.resized(m.params.n_input, m.params.n_hidden + 1),
            "hₜ and Cₜ both gain an entry; xₜ stays as it is.",
        ),
        Predict(
            _size_reveal,
            Ask("h", "W_o.shape", "number", "Predict the shape of $W_o$: rows, then columns."),
            lambda m, s: np.array([m.params.n_hidden, m.params.n_hidden + m.params.n_input]),
        ),
    ),
    LessonStep(
        "Why Cₜ carries gradients across time",
        _gradient,
        lambda: load_preset("remember"),
        CELL,
        "cell",
        TryThis(
            "Let the gate forget (every b_f = 0)",
            set_bias("f", 0.0),
            "∏f now shrinks by a factor fₜ at every step back.",
        ),
        figure=lambda m, s, dtype: fig_time.cell_path_figure(*_path_series(m)),
    ),
)


def _scaled(p: LSTMParams, factor: float) -> LSTMParams:
    for g in GATES:
        p = scale_gate_weights(p, g.key, factor)
    return p


def _path_series(m: CellModel) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    path = cell_path(m, PATH_STEPS)
    return path.k, path.direct, path.total, path.sigmoid_bound
