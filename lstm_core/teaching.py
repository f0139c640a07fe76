"""Small computations behind the teaching pages: shapes, saturation, checking a
hand calculation, and the demonstrations that set common wrong claims straight.

Notation as in :mod:`lstm_core.cell`: m inputs, n units, v the concatenation,
z_k = W_k·v + b_k, ∘ the elementwise product.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from .activations import sigmoid
from .backward import jacobian_products
from .cell import Step, run, step
from .gates import GATE_BY_KEY, GATES
from .numbers import parse_number
from .params import Array, ConcatOrder, LSTMParams
from .presets import Example

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


def _concat_result(case: str, ex: Example, params: LSTMParams, key: str) -> ConcatResult:
    v = params.concat(ex.x, ex.h_prev)
    Wv = params.W(key) @ v
    return ConcatResult(case, params.concat_order, v, Wv, Wv + params.b(key))


def concat_order_demo(ex: Example, key: str) -> list[ConcatResult]:
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
    by_index = sorted(GATES, key=lambda g: g.torch_index)  # i, f, c, o in both frameworks
    return tuple(Block(g.key, part, k * n, (k + 1) * n) for k, g in enumerate(by_index))


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


def scaled_preactivations(ex: Example, key: str, scales: ArrayLike) -> Array:
    """z_key = s·(W_key·v) + b_key for each scale s: shape (len(scales), n)."""
    p = ex.params
    Wv = p.W(key) @ p.concat(ex.x, ex.h_prev)
    s = np.asarray(scales, dtype=np.float64).reshape(-1, 1)
    return s * Wv[None, :] + p.b(key)[None, :]  # type: ignore[no-any-return]


def derivative_at_scales(ex: Example, key: str, scales: ArrayLike) -> Array:
    """The activation's slope at z_key for each scale: shape (len(scales), n)."""
    act = GATE_BY_KEY[key].activation
    return np.asarray(act.grad(scaled_preactivations(ex, key, scales)), dtype=np.float64)


def one_minus_sigmoid(z: ArrayLike, dtype: type[np.floating] = np.float64) -> Array:
    """1 − σ(z) as ``dtype`` stores it: exactly 0 once σ(z) has rounded to 1.0."""
    a = np.asarray(z, dtype=dtype)
    return np.asarray(1.0 - sigmoid(a), dtype=np.float64)


def chain_products(factor: float, k_max: int) -> Array:
    """factor^k for k = 1..k_max: a chain of k equal local slopes."""
    if k_max < 1:
        raise ValueError(f"k_max must be at least 1, got {k_max}")
    return np.asarray(float(factor) ** np.arange(1, k_max + 1, dtype=np.float64))


# -- checking a hand calculation ------------------------------------------------------

CHECK_RTOL = 5e-3
Stage = Literal["wv", "z", "a", "c", "h"]
STAGES: tuple[Stage, ...] = ("wv", "z", "a", "c", "h")


def tolerance(correct: float, rtol: float = CHECK_RTOL) -> float:
    """How far a typed value may be from the correct one: rtol·max(1, |correct|)."""
    return rtol * max(1.0, abs(float(correct)))


def close(typed: float, correct: float, rtol: float = CHECK_RTOL) -> bool:
    return abs(float(typed) - float(correct)) <= tolerance(correct, rtol)


_SPLIT = re.compile(r"[,;\s]+")


def parse_vector(text: str, name: str, length: int) -> list[float | None]:
    """A typed vector such as '[22, 42, 62]' or '1/2; 0.25; _'. A '_' or '?' leaves
    that entry unchecked. Empty text means "not typed": all None."""
    body = str(text).strip().strip("[]()").strip()
    if not body:
        return [None] * length
    parts = [p for p in _SPLIT.split(body) if p]
    if len(parts) != length:
        raise ValueError(
            f"{name} has {len(parts)} entries but needs {length}, one per unit; "
            "separate them with commas, e.g. 0.5, 1/2, 1e-3"
        )
    return [None if p in ("_", "?") else parse_number(p, f"{name}, entry {k + 1}")
            for k, p in enumerate(parts)]  # fmt: skip


@dataclass(frozen=True)
class Entry:
    stage: Stage
    unit: int
    typed: float | None
    correct: float
    ok: bool | None  # None: not typed
    carried: bool = False  # wrong, but follows from the student's own earlier value


@dataclass(frozen=True)
class Culprit:
    """Where the correct expansion of one unit first parts from what was typed.

    kind: "product" (term W[r, j]·v[j], ``index`` = j), "sum" (the sum of the
    products as a whole), "bias", "activation", "forget_term", "input_term",
    "tanh" or "output_gate".
    """

    stage: Stage
    kind: str
    index: int | None = None


def dropped_term(terms: ArrayLike, typed: float, rtol: float = CHECK_RTOL) -> int | None:
    """The first nonzero term whose omission from the sum gives ``typed``, if any."""
    t = np.asarray(terms, dtype=np.float64)
    total = float(np.sum(t))
    for j, tj in enumerate(t):
        if tj != 0 and close(typed, total - tj, rtol):
            return j
    return None


def correct_values(s: Step, key: str, W: Array) -> dict[Stage, Array]:
    return {"wv": W @ s.concat, "z": s.z(key), "a": s.gate(key), "c": s.c, "h": s.h}


@dataclass(frozen=True)
class Check:
    key: str
    step: Step
    entries: dict[Stage, list[Entry]]
    culprits: dict[int, list[Culprit]]  # unit -> where each wrong chain first goes wrong

    def wrong_units(self, stage: Stage) -> list[int]:
        return [e.unit for e in self.entries[stage] if e.ok is False]

    def all_right(self) -> bool:
        typed = [e for es in self.entries.values() for e in es if e.ok is not None]
        return bool(typed) and all(e.ok for e in typed)


def _gate_culprit(p: LSTMParams, s: Step, key: str, r: int, typed: dict[Stage, float | None],
                  ok: dict[Stage, bool | None]) -> Culprit | None:  # fmt: skip
    products = p.W(key)[r] * s.concat
    if ok["wv"] is False:
        j = dropped_term(products, typed["wv"])  # type: ignore[arg-type]
        return Culprit("wv", "sum" if j is None else "product", j)
    if ok["z"] is False:
        if ok["wv"] is True:
            return Culprit("z", "bias")
        j = dropped_term([*products, p.b(key)[r]], typed["z"])  # type: ignore[arg-type]
        if j is None:
            return Culprit("z", "sum")
        return Culprit("z", "bias") if j == len(products) else Culprit("z", "product", j)
    if ok["a"] is False:
        return Culprit("a", "activation")
    return None


def _cell_culprit(s: Step, r: int, typed: dict[Stage, float | None],
                  ok: dict[Stage, bool | None]) -> Culprit | None:  # fmt: skip
    if ok["c"] is False:
        terms = [s.forget_term[r], s.input_term[r]]
        j = dropped_term(terms, typed["c"])  # type: ignore[arg-type]
        # leaving out one term means the *other* was the only one added
        kinds = {0: "forget_term", 1: "input_term"}
        return Culprit("c", "sum" if j is None else kinds[j])
    if ok["h"] is False:
        forgot_tanh = close(typed["h"], s.o[r] * s.c[r])  # type: ignore[arg-type]
        return Culprit("h", "tanh" if forgot_tanh else "output_gate")
    return None


PREVIOUS: dict[Stage, Stage] = {"z": "wv", "a": "z", "h": "c"}  # the value each one uses


def _next_value(stage: Stage, u: float, p: LSTMParams, key: str, s: Step, r: int) -> float:
    """What ``stage`` becomes when its previous stage has the value ``u``."""
    if stage == "z":
        return u + float(p.b(key)[r])
    if stage == "a":
        return float(GATE_BY_KEY[key].activation.fn(np.float64(u)))
    return float(s.o[r] * np.tanh(u))


def _carried(stage: Stage, p: LSTMParams, key: str, s: Step, r: int,
             typed: dict[Stage, float | None]) -> bool:  # fmt: skip
    """Does a wrong value follow from the student's own previous value?"""
    t, before = typed[stage], typed.get(PREVIOUS.get(stage, stage))
    if stage not in PREVIOUS or t is None or before is None:
        return False
    return close(t, _next_value(stage, before, p, key, s, r))


def check(ex: Example, key: str, typed: dict[Stage, list[float | None]],
          dtype: type[np.floating] = np.float64) -> Check:  # fmt: skip
    """Mark each typed value right or wrong (within :func:`tolerance`) and find, per
    unit, the first term of the correct expansion that the typed values miss."""
    p = ex.params
    s = step(p, ex.x, ex.h_prev, ex.c_prev, dtype=dtype)
    n = p.n_hidden
    correct = correct_values(s, key, p.W(key).astype(dtype))
    entries: dict[Stage, list[Entry]] = {st: [] for st in STAGES}
    culprits: dict[int, list[Culprit]] = {}
    for r in range(n):
        row: dict[Stage, float | None] = {st: typed.get(st, [None] * n)[r] for st in STAGES}
        ok: dict[Stage, bool | None] = {}
        for st in STAGES:
            t = row[st]
            ok[st] = None if t is None else close(t, correct[st][r])
            carried = ok[st] is False and _carried(st, p, key, s, r, row)
            entries[st].append(Entry(st, r, t, float(correct[st][r]), ok[st], carried))
        found = [_gate_culprit(p, s, key, r, row, ok), _cell_culprit(s, r, row, ok)]
        if any(found):
            culprits[r] = [c for c in found if c is not None]
    return Check(key, s, entries, culprits)


# -- misconceptions ---------------------------------------------------------------------


@dataclass(frozen=True)
class SampledCell:
    """One draw of the (wrong) stochastic reading: each gate unit is on (1) when a
    uniform number falls below the gate value, else off (0)."""

    mask_f: Array
    mask_i: Array
    c: Array  # mask_f∘C_{t-1} + mask_i∘C̃_t


def sample_cell(f: ArrayLike, i: ArrayLike, c_tilde: ArrayLike, c_prev: ArrayLike,
                rng: np.random.Generator) -> SampledCell:  # fmt: skip
    f, i = np.asarray(f, dtype=np.float64), np.asarray(i, dtype=np.float64)
    mask_f = (rng.uniform(size=f.shape) < f).astype(np.float64)
    mask_i = (rng.uniform(size=i.shape) < i).astype(np.float64)
    c_prev, c_tilde = np.asarray(c_prev, np.float64), np.asarray(c_tilde, np.float64)
    return SampledCell(mask_f, mask_i, mask_f * c_prev + mask_i * c_tilde)


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


def cell_path(ex: Example, T: int) -> CellPath:
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
    "STAGES",
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
