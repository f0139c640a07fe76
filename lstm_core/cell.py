"""One LSTM step, and a whole sequence, with every intermediate kept.

Notation
--------
x_t        input at step t                          (m,)
h_{t-1}    previous hidden state                    (n,)
C_{t-1}    previous cell state                      (n,)
v          concatenation [h_{t-1}, x_t] or [x_t, h_{t-1}] (see ``concat_order``)   (n+m,)
z_k        pre-activation of gate k: W_k·v + b_k    (n,)
∘          elementwise (Hadamard) product

Equations
---------
f_t   = σ(W_f·v + b_f)
i_t   = σ(W_i·v + b_i)
C̃_t   = tanh(W_c·v + b_c)
o_t   = σ(W_o·v + b_o)
C_t   = f_t∘C_{t-1} + i_t∘C̃_t        (forget_term + input_term)
h_t   = o_t∘tanh(C_t)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .gates import GATES
from .params import Array, LSTMParams, _numbers, as_matrix, as_vector

DType = type[np.floating]


def _dtype(dtype: Any) -> np.dtype:
    d = np.dtype(dtype)
    if d not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise ValueError(f"dtype must be float64 or float32, got {d}")
    return d


def check_inputs(
    params: LSTMParams, x: ArrayLike, h_prev: ArrayLike, c_prev: ArrayLike
) -> tuple[Array, Array, Array]:
    """x_t, h_{t-1} and C_{t-1} as float vectors, or a ValueError naming the culprit."""
    n, m = params.n_hidden, params.n_input
    return (
        as_vector("x_t", x, m, f"one entry per input feature (m={m})"),
        as_vector("h_{t-1}", h_prev, n, f"one entry per cell unit (n={n})"),
        as_vector("C_{t-1}", c_prev, n, f"one entry per cell unit (n={n})"),
    )


@dataclass(frozen=True, eq=False)
class Step:
    """Everything one LSTM step computes, in the order it computes it."""

    x: Array  # (m,)
    h_prev: Array  # (n,)
    c_prev: Array  # (n,)
    concat: Array  # (n+m,) v
    z_f: Array  # (n,) pre-activations
    z_i: Array
    z_c: Array
    z_o: Array
    f: Array  # (n,) gate values
    i: Array
    c_tilde: Array
    o: Array
    forget_term: Array  # (n,) f∘C_{t-1}
    input_term: Array  # (n,) i∘C̃_t
    c: Array  # (n,) C_t
    tanh_c: Array  # (n,) tanh(C_t)
    h: Array  # (n,) h_t

    def z(self, key: str) -> Array:
        """Pre-activation of gate ``key`` ("f", "i", "c", "o")."""
        return getattr(self, f"z_{key}")  # type: ignore[no-any-return]

    def gate(self, key: str) -> Array:
        """Value of gate ``key`` after its activation."""
        return getattr(self, next(g.value for g in GATES if g.key == key))  # type: ignore[no-any-return]

    def as_dict(self) -> dict[str, Array]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def step(
    params: LSTMParams,
    x: ArrayLike,
    h_prev: ArrayLike,
    c_prev: ArrayLike,
    dtype: DType | np.dtype = np.float64,
) -> Step:
    """One LSTM step that reads like the equations in the module docstring.

    ``dtype=np.float32`` computes everything in float32, where σ(z) already
    rounds to exactly 1.0 for z ≥ 16.64 (float64: z ≥ 36.74).
    """
    d = _dtype(dtype)
    x, h_prev, c_prev = (a.astype(d) for a in check_inputs(params, x, h_prev, c_prev))
    v = params.concat(x, h_prev)  # (n+m,)
    z: dict[str, Array] = {}
    value: dict[str, Array] = {}
    with np.errstate(over="ignore"):
        for g in GATES:
            z[g.z] = params.W(g.key).astype(d) @ v + params.b(g.key).astype(d)  # (n,)
            value[g.value] = g.activation.fn(z[g.z])  # (n,)
        forget_term = value["f"] * c_prev
        input_term = value["i"] * value["c_tilde"]
        c = forget_term + input_term
        tanh_c = np.tanh(c)
        h = value["o"] * tanh_c
    return Step(
        x,
        h_prev,
        c_prev,
        v,
        **z,
        **value,
        forget_term=forget_term,
        input_term=input_term,
        c=c,
        tanh_c=tanh_c,
        h=h,
    )


def matvec_terms(params: LSTMParams, key: str, v: ArrayLike) -> Array:
    """The products W_key[r, j]·v[j], shape (n, n+m): row r summed, plus b_key[r], is z_key[r]."""
    return params.W(key) * np.asarray(v, dtype=params.W(key).dtype)[None, :]


def block_products(
    params: LSTMParams, key: str, x: ArrayLike, h_prev: ArrayLike
) -> tuple[Array, Array, Array]:
    """(W^h·h_{t-1}, W^x·x_t, W·v) of gate ``key``; the first two add up to the third."""
    W_h, W_x = params.split(key)
    x_, h_ = np.asarray(x, dtype=np.float64), np.asarray(h_prev, dtype=np.float64)
    return W_h @ h_, W_x @ x_, params.W(key) @ params.concat(x_, h_)


# Gates with the same activation sit next to each other in run()'s stacked
# matrices, so one call squashes them all; Step views are cut back out by key.
_RUN_ORDER = tuple(sorted(GATES, key=lambda g: g.activation_name != "sigmoid"))
_SIGMOID_VALUES = tuple(g.value for g in _RUN_ORDER if g.activation_name == "sigmoid")
assert _SIGMOID_VALUES[:2] == ("f", "i"), "run() multiplies [f, i] by [C_{t-1}, C̃] at once"

# run() keeps one step's intermediates side by side in a record of 13n numbers
#   [z_f z_i z_o z_c | f i o | C C̃ | f∘C_{t-1} i∘C̃ | tanh C | h]
# so that σ of the three sigmoid gates is one call, [f, i]∘[C_{t-1}, C̃] is one
# multiply, and keeping the step is one copy. The C and h slots still hold
# C_{t-1} and h_{t-1} until this step overwrites them.
_RECORD = (
    ("z", 4),
    *((v, 1) for v in _SIGMOID_VALUES),
    ("c", 1),
    ("c_tilde", 1),
    ("forget_term", 1),
    ("input_term", 1),
    ("tanh_c", 1),
    ("h", 1),
)

# A W^h larger than this (bytes) no longer stays in one core's L2 cache from one
# step to the next (L2 is 1-2 MiB per core on current x86 CPUs); see run().
_L2_BYTES = 2**20


def _blocks(n: int) -> dict[str, slice]:
    return {g.key: slice(k * n, (k + 1) * n) for k, g in enumerate(_RUN_ORDER)}


def _slots(n: int) -> dict[str, slice]:
    """Where each intermediate sits in run()'s record of one step."""
    ends = np.cumsum([w * n for _, w in _RECORD])
    return {name: slice(int(e) - w * n, int(e)) for (name, w), e in zip(_RECORD, ends, strict=True)}


def _span(s: dict[str, slice], first: str, last: str) -> slice:
    return slice(s[first].start, s[last].stop)


def _run_weights(params: LSTMParams, d: np.dtype) -> tuple[Array, Array, Array]:
    """W^h, W^x and b of all gates stacked in _RUN_ORDER, shaped for run().

    W^h comes transposed and cut into k column blocks, shape (k, n, 4n/k), so
    h_{t-1}·W^h[j] gives block j of W^h·h_{t-1} (k is 2 for a W^h bigger than
    _L2_BYTES, else 1; see run()). W^x comes transposed, (m, 4n).

    The loop keeps -z in the sigmoid rows, so that σ(z) = 1/(1 + e^{-z}) needs no
    negation per step: those rows are negated here once. Cached on the (frozen,
    read-only) params, as torch keeps its own stacked layout in the module.
    """
    cache = params.__dict__.setdefault("_run_weights", {})
    if d not in cache:
        n = params.n_hidden
        sign = np.ones(4 * n)
        sign[: 3 * n] = -1.0
        W_h = np.vstack([params.split(g.key)[0] for g in _RUN_ORDER]) * sign[:, None]
        W_x = np.vstack([params.split(g.key)[1] for g in _RUN_ORDER]) * sign[:, None]
        b = np.concatenate([params.b(g.key) for g in _RUN_ORDER]) * sign
        k = 2 if W_h.astype(d).nbytes > _L2_BYTES else 1
        blocks = np.ascontiguousarray(W_h.reshape(k, -1, n).transpose(0, 2, 1), dtype=d)
        if k > 1:
            blocks = _on_huge_page(blocks)
        cache[d] = (blocks, np.ascontiguousarray(W_x.T, dtype=d), b.astype(d))
    return cache[d]  # type: ignore[no-any-return]


def _on_huge_page(a: Array) -> Array:
    """A copy of ``a`` that starts on a 2 MiB boundary of a buffer of 4 MiB or more.

    NumPy asks Linux to back buffers that large with 2 MiB "huge" pages. run()
    reads all of W^h every step; spread over hundreds of 4 KiB pages that read
    also misses the TLB (the cache of page addresses) every few KiB. Elsewhere
    this is just an aligned copy.
    """
    page = 2**21
    buf = np.empty(max(2 * page, a.nbytes + page), np.uint8)
    start = -buf.ctypes.data % page
    out = buf[start : start + a.nbytes].view(a.dtype).reshape(a.shape)
    out[...] = a
    return out


@dataclass(frozen=True, eq=False)
class Trace:
    """A whole sequence: each field of :class:`Step` stacked over time, shape (T, ·).

    ``trace[t]`` is step t as a :class:`Step`; ``trace[0].h_prev`` is h0.
    """

    x: Array  # (T, m)
    h_prev: Array  # (T, n)
    c_prev: Array  # (T, n)
    concat: Array  # (T, n+m)
    z_f: Array  # (T, n)
    z_i: Array
    z_c: Array
    z_o: Array
    f: Array  # (T, n)
    i: Array
    c_tilde: Array
    o: Array
    forget_term: Array  # (T, n)
    input_term: Array
    c: Array  # (T, n)
    tanh_c: Array
    h: Array  # (T, n)

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def __getitem__(self, t: int) -> Step:
        T = len(self)
        if not -T <= t < T:
            raise IndexError(f"step {t} is outside this trace of {T} steps")
        return Step(**{f.name: getattr(self, f.name)[t] for f in fields(self)})

    def z(self, key: str) -> Array:
        return getattr(self, f"z_{key}")  # type: ignore[no-any-return]

    def gate(self, key: str) -> Array:
        return getattr(self, next(g.value for g in GATES if g.key == key))  # type: ignore[no-any-return]

    @property
    def h_last(self) -> Array:
        return self.h[-1]

    @property
    def c_last(self) -> Array:
        return self.c[-1]


def check_sequence(params: LSTMParams, xs: ArrayLike) -> Array:
    m = params.n_input
    a = _numbers("xs", xs)  # a ValueError naming xs if ragged or not numbers
    T = a.shape[0] if a.ndim >= 1 else 0
    if a.ndim != 2 or T < 1:
        raise ValueError(
            f"xs has shape {a.shape} but must be (T, {m}): one row of m={m} inputs per step"
        )
    return as_matrix("xs", a, (T, m), f"one row per time step, each with m={m} inputs")


def run(
    params: LSTMParams,
    xs: ArrayLike,
    h0: ArrayLike | None = None,
    c0: ArrayLike | None = None,
    dtype: DType | np.dtype = np.float64,
) -> Trace:
    """Unroll the cell over ``xs`` (T, m) from h0, C0 (zeros by default).

    Same equations as :func:`step`, arranged for speed: the input projections
    W^x·x_t + b of all steps are one matrix product before the loop, the four
    gates are one stacked matrix, each step is computed in one small record
    (see _RECORD) with about ten NumPy calls, and the record is copied into a
    preallocated (T, 13n) array whose columns become the trace's fields.
    """
    d = _dtype(dtype)
    n = params.n_hidden
    xs = check_sequence(params, xs).astype(d)
    zeros = np.zeros(n)
    h0v = as_vector("h0", zeros if h0 is None else h0, n, f"one entry per cell unit (n={n})")
    c0v = as_vector("c0", zeros if c0 is None else c0, n, f"one entry per cell unit (n={n})")
    T = xs.shape[0]

    W_hT, W_xT, b = _run_weights(params, d)  # (k, n, 4n/k), (m, 4n), (4n,)
    with np.errstate(over="ignore"):  # huge weights may overflow to ±inf, as in step()
        Zx = np.matmul(xs, W_xT)  # (T, 4n): every input projection at once (sigmoid rows negated)
        Zx += b

    at = _slots(n)
    R = np.empty((T, at["h"].stop), d)  # (T, 13n): R[t] is step t's record
    s = np.zeros(at["h"].stop, d)  # the record being computed
    s[at["c"]], s[at["h"]] = c0v, h0v
    z, z_sig, z_c = s[at["z"]], s[: 3 * n], s[3 * n : 4 * n]
    g_sig, c_tilde = s[_span(at, "f", "o")], s[at["c_tilde"]]
    f_i, c_ctilde, terms = (
        s[_span(at, "f", "i")],
        s[_span(at, "c", "c_tilde")],
        s[_span(at, "forget_term", "input_term")],
    )
    o, c, tanh_c, h = s[at["o"]], s[at["c"]], s[at["tanh_c"]], s[at["h"]]
    forget_term, input_term = s[at["forget_term"]], s[at["input_term"]]
    rec = np.empty(4 * n, d)  # W^h·h_{t-1}

    # A W^h bigger than the L2 cache is read in two halves, in alternating order,
    # so each step starts on the half the previous step read last, still cached.
    parts = list(zip(W_hT, np.split(rec, len(W_hT)), strict=True))
    orders = itertools.cycle((parts, parts[::-1]))
    exp, tanh, mul, add, dot, recip = np.exp, np.tanh, np.multiply, np.add, np.dot, np.reciprocal
    one = np.ones((), d)  # a 0-d array: NumPy converts a Python 1.0 anew on every call

    with np.errstate(over="ignore"):
        for zx, record, order in zip(Zx, R, orders, strict=False):  # orders is endless
            for w, r in order:
                dot(h, w, r)
            add(zx, rec, z)
            exp(z_sig, g_sig)  # σ(z) = 1 / (1 + e^{-z}); the rows hold -z
            add(g_sig, one, g_sig)
            recip(g_sig, g_sig)
            tanh(z_c, c_tilde)
            mul(f_i, c_ctilde, terms)  # [f∘C_{t-1}, i∘C̃]
            add(forget_term, input_term, c)
            tanh(c, tanh_c)
            mul(o, tanh_c, h)
            record[...] = s
    R[:, : 3 * n] *= -1.0

    h_seq, c_seq = R[:, at["h"]], R[:, at["c"]]
    h_prev = np.concatenate([h0v[None].astype(d), h_seq[:-1]])
    c_prev = np.concatenate([c0v[None].astype(d), c_seq[:-1]])
    return Trace(
        x=xs,
        h_prev=h_prev,
        c_prev=c_prev,
        concat=params.concat(xs, h_prev),
        **{f"z_{key}": R[:, blk] for key, blk in _blocks(n).items()},
        **{g.value: R[:, at[g.value]] for g in GATES},
        forget_term=R[:, at["forget_term"]],
        input_term=R[:, at["input_term"]],
        c=c_seq,
        tanh_c=R[:, at["tanh_c"]],
        h=h_seq,
    )
