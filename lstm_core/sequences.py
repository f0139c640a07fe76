"""Whole input sequences for the app: generate them, read them from a table, and compare
how the gradient of a last-step loss travels back through an LSTM and a vanilla RNN.

Notation
--------
T          number of steps, 1 ≤ T ≤ MAX_STEPS
m, n       input size and number of units
xs         the inputs, one row x_t per step                        (T, m)
L          a loss on the last step, by default L = Σ_k h_{T-1}[k]

No UI library is imported here; the pages only draw what these functions return.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from .activations import sigmoid
from .cell import Trace, run
from .jacobian import gradient_flow
from .numbers import parse_number
from .params import MAX_ABS, Array, LSTMParams
from .rnn import RNNParams, rnn_last_step_grads, rnn_run

MIN_STEPS, MAX_STEPS = 1, 64
# What a log axis shows: smaller values (and 0) are drawn at LOG_FLOOR and marked "below".
# 1e-300 stays above float64's subnormals (< 2.2e-308), which carry fewer digits.
LOG_FLOOR = 1e-300
LOG_CEIL = 1e300

GeneratorKind = Literal["constant", "step", "sine", "random", "memory"]
GENERATORS: tuple[GeneratorKind, ...] = ("constant", "step", "sine", "random", "memory")
GENERATOR_TEXT: dict[str, str] = {
    "constant": "every x_t the same value",
    "step": "0 until step 'at', then the value",
    "sine": "a sine wave; input j is shifted by a quarter period per j",
    "random": "uniform noise in ±value, reproducible from the seed",
    "memory": "the trained example's task: a signed value with marker 1 at t=0, then noise",
}


def clamp_length(T: float) -> int:
    """T as a whole number of steps within MIN_STEPS..MAX_STEPS."""
    if not math.isfinite(T):
        return MIN_STEPS
    return int(min(max(round(T), MIN_STEPS), MAX_STEPS))


def fit_width(xs: ArrayLike, m: int) -> Array:
    """``xs`` with exactly m columns: extra columns dropped, missing ones filled with 0."""
    a = np.atleast_2d(np.asarray(xs, dtype=np.float64))
    out = np.zeros((a.shape[0], m))
    k = min(m, a.shape[1])
    out[:, :k] = a[:, :k]
    return out


def generate(
    kind: str,
    T: float,
    m: int,
    *,
    value: float = 1.0,
    at: int = 4,
    period: float = 8.0,
    seed: int = 0,
    decimals: int | None = 4,
) -> Array:
    """A (T, m) input sequence of the given kind (see GENERATOR_TEXT); T is clamped, and
    values are rounded to ``decimals`` places so that a student can read and retype them.

    constant  x_t[j] = value
    step      x_t[j] = value for t ≥ at, else 0
    sine      x_t[j] = value·sin(2π·t/period + j·π/2)
    random    x_t[j] ~ U(-value, value), from ``seed``
    memory    MemoryTask(T).sequence(seed): [value_t, marker_t]; fitted to m columns
    """
    xs = _generate(kind, clamp_length(T), m, value, at, period, seed)
    return xs if decimals is None else np.round(xs, decimals) + 0.0  # + 0.0: no -0.0


def _generate(kind: str, T: int, m: int, value: float, at: int, period: float, seed: int) -> Array:
    t = np.arange(T, dtype=np.float64)[:, None]  # (T, 1)
    j = np.arange(m, dtype=np.float64)[None, :]  # (1, m)
    if kind == "constant":
        return np.full((T, m), float(value))
    if kind == "step":
        return np.where(t >= at, float(value), 0.0) * np.ones((1, m))
    if kind == "sine":
        if not period > 0:
            raise ValueError(f"period must be positive, got {period}")
        return float(value) * np.sin(2 * np.pi * t / period + j * np.pi / 2)
    if kind == "random":
        return np.random.default_rng(seed).uniform(-abs(value), abs(value), (T, m))
    if kind == "memory":
        from .train import MemoryTask  # here, so that `python -m lstm_core.train` runs fresh

        xs, _ = MemoryTask(T=T).sequence(seed)
        return fit_width(xs, m)
    raise ValueError(f"unknown generator {kind!r}; choose one of: {', '.join(GENERATORS)}")


def _cell_text(cell: Any) -> str:
    """A table cell as text; empty cells (None, NaN from a new row) become ''."""
    if cell is None:
        return ""
    if isinstance(cell, float) and math.isnan(cell):
        return ""
    return str(cell)


def parse_table(
    rows: Sequence[Sequence[Any]],
    columns: Sequence[str],
    row_names: Sequence[str] | None = None,
    max_rows: int = MAX_STEPS,
    max_abs: float = MAX_ABS,
) -> Array:
    """The numbers of a table typed by a student, (rows, len(columns)), or a ValueError.

    Every cell is read with :func:`lstm_core.numbers.parse_number` (0.5, -1/4, 1e-3);
    the error names the row (``row_names[r]``, default "t=r") and the column. A table
    needs 1..max_rows rows, each with exactly len(columns) cells, and every value must
    lie within ±max_abs (the limit LSTMParams and run() accept).
    """
    names = list(row_names) if row_names is not None else [f"t={r}" for r in range(len(rows))]
    if len(rows) < 1:
        raise ValueError("the table has no rows: it needs at least 1 step")
    if len(rows) > max_rows:
        raise ValueError(f"the table has {len(rows)} rows but at most {max_rows} are allowed")
    width = len(columns)
    out = np.empty((len(rows), width))
    for r, row in enumerate(rows):
        cells = list(row)
        if len(cells) != width:
            raise ValueError(
                f"row {names[r]} has {len(cells)} entries but needs {width}, one per column"
            )
        for c, cell in enumerate(cells):
            where = f"row {names[r]}, column {columns[c]}"
            out[r, c] = parse_number(_cell_text(cell), where)
            if abs(out[r, c]) > max_abs:
                raise ValueError(f"{where}: {out[r, c]:g} is too large; stay within ±{max_abs:g}")
    return out


# -- log axes ------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LogSafe:
    """Values ready for a log axis: ``y`` within [floor, ceil]; ``below`` marks values
    that were smaller than floor (including exact 0), ``above`` those larger than ceil
    or not finite."""

    y: Array
    below: Array  # bool
    above: Array  # bool
    floor: float
    ceil: float


def log_safe(values: ArrayLike, floor: float = LOG_FLOOR, ceil: float = LOG_CEIL) -> LogSafe:
    """Non-negative ``values`` clipped into [floor, ceil] for a log axis, with what was cut."""
    a = np.abs(np.asarray(values, dtype=np.float64))
    finite = np.isfinite(a)
    below = finite & (a < floor)
    above = ~finite | (a > ceil)
    y = np.clip(np.where(finite, a, ceil), floor, ceil)
    return LogSafe(y, below, above, floor, ceil)


# -- gradient flow: LSTM next to a vanilla RNN ----------------------------------------


def shift_forget_bias(params: LSTMParams, delta: float) -> LSTMParams:
    """The same cell with ``delta`` added to every forget-gate bias b_f."""
    return params.replace(b_f=params.b_f + float(delta))


@dataclass(frozen=True, eq=False)
class GradientContrast:
    """Norms over t of the gradients of L = Σ_k h_{T-1}[k], for an LSTM and a tanh RNN.

    lstm_dc           ‖∂L/∂C_t‖, exact (backward)                                  (T,)
    lstm_dh           ‖∂L/∂h_t‖, exact                                             (T,)
    lstm_dc_direct    ‖∂L/∂C_{T-1}∘∏_{s>t} f_s‖: the direct path only               (T,)
    lstm_dc_jacobian  ‖∂L/∂C_{T-1}·J_{T-1}…J_{t+1}‖: product of total one-step
                      Jacobians ∂C_s/∂C_{s-1} (direct path plus the path via h)    (T,)
    rnn_dh            ‖∂L/∂h_t‖ of the RNN h_t = tanh(W_c·v + b_c)                 (T,)
    mean_f            mean forget gate over the units at each step                 (T,)
    """

    trace: Trace
    lstm_dc: Array
    lstm_dh: Array
    lstm_dc_direct: Array
    lstm_dc_jacobian: Array
    rnn_dh: Array
    mean_f: Array

    @property
    def T(self) -> int:
        return len(self.trace)


def gradient_contrast(
    params: LSTMParams,
    xs: ArrayLike,
    h0: ArrayLike | None = None,
    c0: ArrayLike | None = None,
    rnn: RNNParams | None = None,
) -> GradientContrast:
    """Run the LSTM and a vanilla RNN (default: the LSTM's own candidate layer, same size
    and weights, ``RNNParams.from_lstm``) on the same inputs from the same h0, and
    backpropagate L = Σ_k h_{T-1}[k] through both."""
    trace = run(params, xs, h0, c0)
    flow = gradient_flow(params, trace)
    rnn_params = RNNParams.from_lstm(params) if rnn is None else rnn
    rnn_trace = rnn_run(rnn_params, trace.x, trace.h_prev[0])
    rnn_grads = rnn_last_step_grads(rnn_params, rnn_trace)
    return GradientContrast(
        trace=trace,
        lstm_dc=flow.norm_dc,
        lstm_dh=flow.norm_dh,
        lstm_dc_direct=flow.norm_dc_direct,
        lstm_dc_jacobian=flow.norm_dc_jacobian,
        rnn_dh=np.linalg.norm(rnn_grads.dh, axis=1),
        mean_f=np.asarray(trace.f, dtype=np.float64).mean(axis=1),
    )


# -- the trained example ---------------------------------------------------------------


def readout_over_time(w: ArrayLike, b: float, trace: Trace) -> Array:
    """ŷ_t = σ(w·h_t + b) at every step (T,): what the read-out would answer if the
    sequence ended at t. Only the last one, ŷ_{T-1}, is the model's prediction."""
    logits = np.asarray(trace.h, dtype=np.float64) @ np.asarray(w, dtype=np.float64) + b
    return sigmoid(logits)


def flip_first_sign(xs: ArrayLike) -> Array:
    """A copy of ``xs`` with the first value x_0[0] negated: the memory task's label flips."""
    out = np.array(xs, dtype=np.float64)
    out[0, 0] = -out[0, 0]
    return out


def sign_target(xs: ArrayLike) -> float | None:
    """The memory task's label for ``xs``: 1 if the first value x_0[0] is positive, 0 if
    negative, None if it is exactly 0 (no sign to remember)."""
    first = float(np.asarray(xs, dtype=np.float64)[0, 0])
    if first == 0.0:
        return None
    return 1.0 if first > 0 else 0.0
