"""Small computations behind the teaching pages: shapes, concatenation, framework
layouts, saturation, and the demonstrations that set common wrong claims straight.
Checking a hand calculation lives in :mod:`lstm_core.hand_check` (re-exported here).

Notation as in :mod:`lstm_core.cell`: m inputs, n units, v the concatenation,
z_k = W_k·v + b_k, ∘ the elementwise product.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from .activations import sigmoid
from .cell import cell_update, run
from .gates import GATE_BY_KEY, GATES, TORCH_GATE_ORDER
from .hand_check import (
    CHECK_RTOL,
    PREVIOUS,
    SHARED_STAGES,
    STAGES,
    Check,
    Culprit,
    Entry,
    Stage,
    check,
    close,
    correct_values,
    dropped_term,
    parse_vector,
    tolerance,
)
from .jacobian import jacobian_products
from .model import CellModel
from .params import Array, ConcatOrder, LSTMParams

# -- shapes ----------------------------------------------------------------------


@dataclass(frozen=True)
class ArrayShape:
    name: str  # plain text, e.g. "W_f"
    dims: tuple[str, ...]  # the shape in letters, e.g. ("n", "n+m")
    shape: tuple[int, ...]  # the same for the given m and n, e.g. (3, 6)
    rows: str  # what one entry (vector) or one row (matrix) stands for
    cols: str  # what one column stands for; "" for a vector


def array_shapes(m: int, n: int) -> list[ArrayShape]:
    """Every array of one LSTM step, in the order the step uses them."""
    size = {"m": m, "n": n, "n+m": n + m}

    def arr(name: str, dims: tuple[str, ...], rows: str, cols: str = "") -> ArrayShape:
        return ArrayShape(name, dims, tuple(size[d] for d in dims), rows, cols)

    unit = "one cell unit"
    every = ", ".join  # the four gates share each shape, so they share a row
    return [
        arr("x_t", ("m",), "one input feature"),
        arr("h_{t-1}", ("n",), unit),
        arr("C_{t-1}", ("n",), unit),
        arr("v", ("n+m",), "one entry of h_{t-1} or of x_t"),
        arr(every(g.W for g in GATES), ("n", "n+m"), unit, "one entry of v"),
        arr(every(g.b for g in GATES), ("n",), unit),
        arr(every(g.z for g in GATES), ("n",), unit),
        arr(every(g.plain for g in GATES), ("n",), unit),
        arr("C_t", ("n",), unit),
        arr("h_t", ("n",), unit),
    ]


@dataclass(frozen=True)
class ParamCount:
    gate: str  # e.g. "forget gate (f)"
    weights: int  # n(n+m)
    biases: int  # n

    @property
    def total(self) -> int:
        return self.weights + self.biases


def param_counts(m: int, n: int) -> list[ParamCount]:
    """One row per gate: n(n+m) weights and n biases."""
    return [ParamCount(f"{g.name} ({g.key})", n * (n + m), n) for g in GATES]


def total_params(m: int, n: int) -> int:
    """4n(n+m) + 4n."""
    return sum(c.total for c in param_counts(m, n))


def param_formula(m: int, n: int) -> str:
    """The total written out with the numbers, e.g. '4·3·6 + 4·3 = 84'."""
    k = len(GATES)
    return f"{k}·{n}·{n + m} + {k}·{n} = {total_params(m, n)}"


# -- concatenation order -------------------------------------------------------------


@dataclass(frozen=True)
class ConcatResult:
    case: str  # "as stored", "swapped v, same W", "swapped v, moved columns"
    order: ConcatOrder
    v: Array  # (n+m,)
    Wv: Array  # (n,)
    z: Array  # (n,)


def _concat_result(case: str, ex: CellModel, params: LSTMParams, key: str) -> ConcatResult:
    v = params.concat(ex.x, ex.h_prev)
    Wv = params.W(key) @ v
    return ConcatResult(case, params.concat_order, v, Wv, Wv + params.b(key))


def concat_order_demo(ex: CellModel, key: str) -> list[ConcatResult]:
    """z_key three ways: as stored; v in the other order with W unchanged (a
    different result); v in the other order with W's columns moved to match (the
    same result as stored)."""
    p = ex.params
    other: ConcatOrder = "h_first" if p.concat_order == "x_first" else "x_first"
    return [
        _concat_result("as stored", ex, p, key),
        _concat_result("other order, same W", ex, p.replace(concat_order=other), key),
        _concat_result("other order, columns moved", ex, p.with_concat_order(other), key),
    ]


# -- framework layouts -----------------------------------------------------------------

Framework = Literal["torch", "keras"]
FRAMEWORK_GATE_LETTER: dict[str, dict[str, str]] = {
    "torch": {"i": "i", "f": "f", "c": "g", "o": "o"},
    "keras": {"i": "i", "f": "f", "c": "c", "o": "o"},
}


@dataclass(frozen=True)
class Block:
    gate: str  # textbook key
    part: Literal["x", "h", "b"]  # W^x, W^h or the bias
    start: int  # along the array's gate axis
    stop: int


@dataclass(frozen=True)
class FrameworkArray:
    name: str
    shape: tuple[int, ...]
    gate_axis: int  # the axis along which the four gate blocks are stacked
    blocks: tuple[Block, ...]


def _blocks(part: Literal["x", "h", "b"], n: int) -> tuple[Block, ...]:
    # both frameworks stack the gates in TORCH_GATE_ORDER, i, f, c (torch: g), o
    return tuple(Block(key, part, k * n, (k + 1) * n) for k, key in enumerate(TORCH_GATE_ORDER))


def framework_layout(framework: Framework, m: int, n: int) -> list[FrameworkArray]:
    """The arrays torch.nn.LSTM or Keras's LSTM keeps, with each gate's block.

    torch: weight_ih (4n, m) holds W^x, weight_hh (4n, n) holds W^h, two biases (4n,).
    Keras: kernel (m, 4n) = weight_ihᵀ, recurrent_kernel (n, 4n), one bias (4n,).
    """
    if framework == "torch":
        return [
            FrameworkArray("weight_ih_l0", (4 * n, m), 0, _blocks("x", n)),
            FrameworkArray("weight_hh_l0", (4 * n, n), 0, _blocks("h", n)),
            FrameworkArray("bias_ih_l0", (4 * n,), 0, _blocks("b", n)),
            FrameworkArray("bias_hh_l0", (4 * n,), 0, _blocks("b", n)),
        ]
    if framework == "keras":
        return [
            FrameworkArray("kernel", (m, 4 * n), 1, _blocks("x", n)),
            FrameworkArray("recurrent_kernel", (n, 4 * n), 1, _blocks("h", n)),
            FrameworkArray("bias", (4 * n,), 0, _blocks("b", n)),
        ]
    raise ValueError(f"framework must be 'torch' or 'keras', got {framework!r}")


# -- saturation ----------------------------------------------------------------------


def scale_gate_weights(params: LSTMParams, key: str, scale: float) -> LSTMParams:
    """A copy with W_key multiplied by ``scale`` (the bias is left alone)."""
    return params.replace(**{f"W_{key}": float(scale) * params.W(key)})


def scaled_preactivations(ex: CellModel, key: str, scales: ArrayLike) -> Array:
    """z_key = s·(W_key·v) + b_key for each scale s: shape (len(scales), n)."""
    p = ex.params
    Wv = p.W(key) @ p.concat(ex.x, ex.h_prev)
    s = np.asarray(scales, dtype=np.float64).reshape(-1, 1)
    return s * Wv[None, :] + p.b(key)[None, :]


def derivative_at_scales(ex: CellModel, key: str, scales: ArrayLike) -> Array:
    """The activation's slope at z_key for each scale: shape (len(scales), n)."""
    act = GATE_BY_KEY[key].activation
    return np.asarray(act.grad(scaled_preactivations(ex, key, scales)), dtype=np.float64)


def one_minus_sigmoid(z: ArrayLike, dtype: type[np.floating] = np.float64) -> Array:
    """1 − σ(z) as ``dtype`` stores it: exactly 0 once σ(z) has rounded to 1.0.

    z beyond ``dtype``'s range is held at its largest value first (σ is 1 or 0 there
    either way), so a float64 z of 1e150 does not overflow the cast to float32.
    """
    big = float(np.finfo(dtype).max)
    a = np.clip(np.asarray(z, dtype=np.float64), -big, big).astype(dtype)
    return np.asarray(1.0 - sigmoid(a), dtype=np.float64)


def chain_products(factor: float, k_max: int) -> Array:
    """factor^k for k = 1..k_max: a chain of k equal local slopes."""
    if k_max < 1:
        raise ValueError(f"k_max must be at least 1, got {k_max}")
    return np.asarray(float(factor) ** np.arange(1, k_max + 1, dtype=np.float64))


# -- misconceptions ---------------------------------------------------------------------


@dataclass(frozen=True)
class SampledCell:
    """One draw of the (wrong) stochastic reading: each gate unit is on (1) when a
    uniform number falls below the gate value, else off (0)."""

    mask_f: Array
    mask_i: Array
    c: Array  # mask_f∘C_{t-1} + mask_i∘C̃_t


def sample_cell(
    f: ArrayLike, i: ArrayLike, c_tilde: ArrayLike, c_prev: ArrayLike, rng: np.random.Generator
) -> SampledCell:
    f, i = np.asarray(f, dtype=np.float64), np.asarray(i, dtype=np.float64)
    mask_f = (rng.uniform(size=f.shape) < f).astype(np.float64)
    mask_i = (rng.uniform(size=i.shape) < i).astype(np.float64)
    return SampledCell(mask_f, mask_i, cell_update(mask_f, mask_i, c_tilde, c_prev).c)


def draws_can_differ(f: ArrayLike, i: ArrayLike, c_tilde: ArrayLike, c_prev: ArrayLike) -> bool:
    """Could two sampled draws give different C_t? Only if some gate lies strictly
    between 0 and 1 and multiplies a nonzero value."""
    f, i = np.asarray(f, dtype=np.float64), np.asarray(i, dtype=np.float64)
    open_f = (f > 0) & (f < 1) & (np.asarray(c_prev) != 0)
    open_i = (i > 0) & (i < 1) & (np.asarray(c_tilde) != 0)
    return bool(np.any(open_f | open_i))


def can_multiply(shape: tuple[int, int], length: int) -> bool:
    """W·v is defined only when W has one column per entry of v."""
    return shape[1] == length


def readout(h: ArrayLike, k: int, seed: int = 0) -> tuple[Array, Array]:
    """An optional task layer y = σ(W_y·h_t) with k outputs: (W_y (k, n), y (k,))."""
    h = np.asarray(h, dtype=np.float64)
    W_y = np.random.default_rng(seed).uniform(-1, 1, (k, h.shape[0]))
    return W_y, np.asarray(sigmoid(W_y @ h), dtype=np.float64)


@dataclass(frozen=True)
class CellPath:
    """How a gradient on C_T travels back k steps along the cell state."""

    k: Array  # 1..T-1 steps back
    direct: Array  # (T-1, n): ∏ f over the steps, the diagonal of the direct path
    total: Array  # (T-1,): largest |entry| of the product of full one-step Jacobians
    sigmoid_bound: Array  # 0.25^k: a chain of k sigmoid slopes can be no larger


def cell_path(ex: CellModel, T: int) -> CellPath:
    """Run the current cell T steps with x_t held fixed and compare the direct path
    (∏ f) with the full one-step Jacobian products and with 0.25^k."""
    if T < 2:
        raise ValueError(f"T must be at least 2, got {T}")
    xs = np.tile(ex.x, (T, 1))
    trace = run(ex.params, xs, ex.h_prev, ex.c_prev)
    jp = jacobian_products(ex.params, trace)
    back = np.arange(T - 2, -1, -1)  # trace index t with T-1-t = 1, 2, ... steps back
    k = (T - 1 - back).astype(np.float64)
    total = np.array([np.max(np.abs(jp.total[t])) for t in back])
    return CellPath(k, jp.direct[back], total, 0.25**k)


__all__ = [
    "CHECK_RTOL",
    "PREVIOUS",
    "SHARED_STAGES",
    "STAGES",
    "Stage",
    "close",
    "correct_values",
    "ArrayShape",
    "Block",
    "CellPath",
    "Check",
    "ConcatResult",
    "Culprit",
    "Entry",
    "FrameworkArray",
    "ParamCount",
    "SampledCell",
    "array_shapes",
    "can_multiply",
    "cell_path",
    "chain_products",
    "check",
    "concat_order_demo",
    "derivative_at_scales",
    "draws_can_differ",
    "dropped_term",
    "framework_layout",
    "one_minus_sigmoid",
    "param_counts",
    "param_formula",
    "parse_vector",
    "readout",
    "sample_cell",
    "scale_gate_weights",
    "scaled_preactivations",
    "tolerance",
    "total_params",
]
