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

Variants (see :class:`~lstm_core.params.LSTMParams`): a peephole p_k adds p_k∘C to z_k,
with C = C_{t-1} for f and i and C = C_t for o (so o_t waits for the update); with
``coupled``, i_t = 1 − f_t and z_i = −z_f (1 − σ(z) = σ(−z)).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from .activations import as_float, sigmoid_into
from .cell_params import CellParams
from .gates import COUPLED_KEY, COUPLED_TO, GATE_BY_KEY, GATE_ORDER, GATES, Gate
from .params import Array, LSTMParams, as_matrix, as_numbers, as_vector

DType = type[np.floating]


def float_dtype(dtype: Any) -> np.dtype:
    """``dtype`` as a NumPy dtype; ValueError unless it is float64 or float32."""
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


class GateRecord:
    """What a step's (n,) or a trace's (T, n) intermediates share: a frozen dataclass read
    by gate key through its ``gate_table`` (``Gate.value`` names the field of each gate)."""

    gate_table: ClassVar[tuple[Gate, ...]]

    def gate(self, key: str) -> Array:
        """Value of gate ``key`` after its activation."""
        by_key = {g.key: g for g in self.gate_table}
        return getattr(self, by_key[key].value)

    def as_dict(self) -> dict[str, Array]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False)
class Step(GateRecord):
    """Everything one LSTM step computes, in the order it computes it."""

    gate_table: ClassVar[tuple[Gate, ...]] = GATES

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
        return getattr(self, f"z_{key}")


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
    d = float_dtype(dtype)
    x, h_prev, c_prev = (a.astype(d) for a in check_inputs(params, x, h_prev, c_prev))
    v = params.concat(x, h_prev)  # (n+m,)
    z: dict[str, Array] = {}
    value: dict[str, Array] = {}
    cell = {"c_prev": c_prev}  # the cell states peepholes read; C_t joins after the update

    def gate(g: Gate) -> None:
        z[g.z] = params.W(g.key).astype(d) @ v + params.b(g.key).astype(d)  # (n,)
        if (p := params.p(g.key)) is not None:
            z[g.z] = z[g.z] + p.astype(d) * cell[str(g.peephole)]
        value[g.value] = g.activation.fn(z[g.z])  # (n,)

    after_update = [g for g in GATES if g.peephole == "c" and params.p(g.key) is not None]
    with np.errstate(over="ignore"):
        for g in GATES:
            if g not in after_update:
                gate(g)
        if params.coupled:
            coupled, to = GATE_BY_KEY[COUPLED_KEY], GATE_BY_KEY[COUPLED_TO]
            z[coupled.z] = -z[to.z]
            value[coupled.value] = 1 - value[to.value]
        update = cell_update(value["f"], value["i"], value["c_tilde"], c_prev)
        cell["c"] = update.c
        for g in after_update:
            gate(g)
        tanh_c = np.tanh(update.c)
        h = value["o"] * tanh_c
    return Step(
        x,
        h_prev,
        c_prev,
        v,
        **{g.z: z[g.z] for g in GATES},
        **{g.value: value[g.value] for g in GATES},
        forget_term=update.forget_term,
        input_term=update.input_term,
        c=update.c,
        tanh_c=tanh_c,
        h=h,
    )


@dataclass(frozen=True, eq=False)
class CellUpdate:
    """C_t = f_t∘C_{t-1} + i_t∘C̃_t and its two terms, each (n,)."""

    forget_term: Array  # f∘C_{t-1}: what is kept of the old state
    input_term: Array  # i∘C̃_t: what is written
    c: Array  # C_t


def cell_update(f: ArrayLike, i: ArrayLike, c_tilde: ArrayLike, c_prev: ArrayLike) -> CellUpdate:
    """The cell-state update for gate values given directly (a Step's, a demo's own f, or
    0/1 masks): C_t = f∘C_{t-1} + i∘C̃_t. Keeps float32 inputs in float32."""
    f, i, c_tilde, c_prev = (as_float(a) for a in (f, i, c_tilde, c_prev))
    forget_term = f * c_prev
    input_term = i * c_tilde
    return CellUpdate(forget_term, input_term, forget_term + input_term)


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


# run() stacks the sigmoid gates first, [f i o C̃], so that one call squashes all three.
_RUN_ORDER = "".join(sorted(GATE_ORDER, key=lambda k: GATE_BY_KEY[k].activation_name != "sigmoid"))
assert _RUN_ORDER == "fioc", "run() cuts the stacked gates as [f i o C̃]"


class OverTime:
    """What every trace shares (LSTM, GRU, RNN): a frozen dataclass whose fields are a
    one-step record's, stacked over time, shape (T, ·)."""

    x: Array  # (T, m)
    h: Array  # (T, n) h_t

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def _row(self, t: int) -> dict[str, Array]:
        """Row t of every field: the fields of step t's record."""
        T = len(self)
        if not -T <= t < T:
            raise IndexError(f"step {t} is outside this trace of {T} steps")
        return {f.name: getattr(self, f.name)[t] for f in fields(self)}  # type: ignore[arg-type]

    @property
    def h_last(self) -> Array:
        return self.h[-1]


def check_trace(params: CellParams, trace: OverTime) -> None:
    """A ValueError unless ``trace`` was run with parameters of the size of ``params``."""
    n, m = params.n_hidden, params.n_input
    if trace.h.shape[1:] != (n,) or trace.x.shape[1:] != (m,):
        raise ValueError(
            f"the trace has n={trace.h.shape[1]} units and m={trace.x.shape[1]} inputs, "
            f"but the params have n={n} and m={m}: run the same params forward first"
        )


@dataclass(frozen=True, eq=False)
class Trace(OverTime, GateRecord):
    """A whole sequence: each field of :class:`Step` stacked over time, shape (T, ·).

    ``trace[t]`` is step t as a :class:`Step`; ``trace[0].h_prev`` is h0.
    """

    gate_table: ClassVar[tuple[Gate, ...]] = GATES

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

    def __getitem__(self, t: int) -> Step:
        return Step(**self._row(t))

    def z(self, key: str) -> Array:
        return getattr(self, f"z_{key}")

    @property
    def c_last(self) -> Array:
        return self.c[-1]


def check_sequence(params: CellParams, xs: ArrayLike) -> Array:
    m = params.n_input
    a = as_numbers("xs", xs)  # a ValueError naming xs if ragged or not numbers
    T = a.shape[0] if a.ndim >= 1 else 0
    if a.ndim != 2 or T < 1:
        raise ValueError(
            f"xs has shape {a.shape} but must be (T, {m}): one row of m={m} inputs per step"
        )
    return as_matrix("xs", a, (T, m), f"one row per time step, each with m={m} inputs")


def _run_weights(params: LSTMParams, d: np.dtype) -> tuple[Array, Array, Array]:
    """(W^h)ᵀ (n, 4n), W^x (4n, m) and b (4n,) with the gates in _RUN_ORDER, for run().

    (W^h)ᵀ is C-contiguous, as h·(W^h)ᵀ is the faster of NumPy's two matrix-vector forms.
    Kept on the (frozen, read-only) params after the first run, as torch.nn.LSTM keeps its
    stacked weights: stacking copies all 4n(n+m) weights, a fifth of a run at n=256, T=200.
    """
    cache = params.__dict__.setdefault("_run_weights", {})
    if d not in cache:
        W_h, W_x, b = params.stacked(order=_RUN_ORDER, dtype=d)
        cache[d] = (np.ascontiguousarray(W_h.T), W_x, b)
    return cache[d]


def _trace_arrays(T: int, n: int, d: np.dtype) -> tuple[Array, ...]:
    """run()'s arrays, all views of one block:
    Z, G (T, 4n) pre-activations and gates; H, C (T+1, n) h0, h_0 … h_{T-1} and C likewise;
    FC, IC, TC (T, n) f∘C_{t-1}, i∘C̃ and tanh(C_t).

    One block, not seven, because glibc's malloc keeps a freed block of this size for the
    next run, while seven smaller ones go back to the OS and return as fresh pages: about
    1,800 page faults, 16.5 ms against 11.3 ms a run at T=1000, m=32, n=64.
    """
    shapes = [(T, 4 * n)] * 2 + [(T + 1, n)] * 2 + [(T, n)] * 3
    block = np.empty(sum(rows * cols for rows, cols in shapes), d)
    ends = np.cumsum([0] + [rows * cols for rows, cols in shapes])
    return tuple(
        block[a:b].reshape(shape) for a, b, shape in zip(ends[:-1], ends[1:], shapes, strict=True)
    )


def _run_variant(
    params: LSTMParams,
    d: np.dtype,
    W_hT: Array,
    Z: Array,
    G: Array,
    H: Array,
    C: Array,
    FC: Array,
    IC: Array,
    TC: Array,
) -> None:
    """run()'s loop with peepholes or coupled gates, filling the same arrays in place.

    Z and G hold the gates as [f i o C̃] (_RUN_ORDER). Per step: z_f and z_i gain p∘C_{t-1};
    f (and i, or i = 1 − f with z_i = −z_f); C̃; C_t; then z_o gains p_o∘C_t and o follows.
    """
    n = H.shape[1]
    cols = {k: slice(j * n, (j + 1) * n) for j, k in enumerate(_RUN_ORDER)}
    peep = {g.key: p.astype(d) for g in GATES if (p := params.p(g.key)) is not None}
    early = [g.key for g in GATES if g.peephole == "c_prev"]  # f, i: they read C_{t-1}
    early = [k for k in early if not (params.coupled and k == COUPLED_KEY)]
    late = [g.key for g in GATES if g.peephole == "c"]  # o: it reads C_t
    Wh_h = np.empty(4 * n, d)
    for t in range(Z.shape[0]):
        z, g, h_prev, c_prev = Z[t], G[t], H[t], C[t]
        np.dot(h_prev, W_hT, out=Wh_h)
        np.add(z, Wh_h, out=z)  # z_k = W_k·v + b_k, all four gates
        for k in early:
            if k in peep:
                z[cols[k]] += peep[k] * c_prev
            sigmoid_into(z[cols[k]], g[cols[k]])
        if params.coupled:
            np.negative(z[cols[COUPLED_TO]], out=z[cols[COUPLED_KEY]])
            np.subtract(1.0, g[cols[COUPLED_TO]], out=g[cols[COUPLED_KEY]])
        np.tanh(z[cols["c"]], out=g[cols["c"]])
        np.multiply(g[cols["f"]], c_prev, out=FC[t])
        np.multiply(g[cols["i"]], g[cols["c"]], out=IC[t])
        np.add(FC[t], IC[t], out=C[t + 1])  # C_t
        for k in late:
            if k in peep:
                z[cols[k]] += peep[k] * C[t + 1]
            sigmoid_into(z[cols[k]], g[cols[k]])
        np.tanh(C[t + 1], out=TC[t])
        np.multiply(g[cols["o"]], TC[t], out=H[t + 1])  # h_t = o∘tanh(C_t)


def run(
    params: LSTMParams,
    xs: ArrayLike,
    h0: ArrayLike | None = None,
    c0: ArrayLike | None = None,
    dtype: DType | np.dtype = np.float64,
) -> Trace:
    """Unroll the cell over ``xs`` (T, m) from h0, C0 (zeros by default).

    The equations of :func:`step`, with the four gates stacked into one matrix (order
    [f i o C̃]) and W^x·x_t + b of all steps computed before the loop, which only adds
    W^h·h_{t-1}. Every intermediate is written into its place in the trace arrays.
    """
    d = float_dtype(dtype)
    n = params.n_hidden
    xs = check_sequence(params, xs).astype(d)
    zeros = np.zeros(n)
    h0v = as_vector("h0", zeros if h0 is None else h0, n, f"one entry per cell unit (n={n})")
    c0v = as_vector("c0", zeros if c0 is None else c0, n, f"one entry per cell unit (n={n})")
    T = xs.shape[0]

    W_hT, W_x, b = _run_weights(params, d)  # (n, 4n), (4n, m), (4n,)
    Z, G, H, C, FC, IC, TC = _trace_arrays(T, n, d)  # (T, 4n) ×2, (T+1, n) ×2, (T, n) ×3
    H[0], C[0] = h0v, c0v
    with np.errstate(over="ignore"):  # huge weights may overflow to ±inf, as in step()
        np.matmul(xs, W_x.T, out=Z)  # W^x·x_t of every step, then + b; the loop adds W^h·h_{t-1}
        Z += b
    F, I, O, C_tilde = (G[:, j * n : (j + 1) * n] for j in range(4))  # (T, n) views
    sig, c_rows = slice(0, 3 * n), slice(3 * n, 4 * n)  # [f i o] and C̃ in Z and G
    Wh_h = np.empty(4 * n, d)  # W^h·h_{t-1} of the current step
    gate_arrays = (Z, Z[:, sig], Z[:, c_rows], G[:, sig], F, I, O, C_tilde)
    cell_arrays = (H[:-1], C[:-1], FC, IC, C[1:], TC, H[1:])
    rows = zip(*gate_arrays, *cell_arrays, strict=True)  # row t of each: step t's views

    with np.errstate(over="ignore"):
        if not params.plain:  # peepholes or coupled gates: a loop of their own, same arrays
            _run_variant(params, d, W_hT, Z, G, H, C, FC, IC, TC)
            rows = zip()  # nothing left for the plain loop
        for z, z_sig, z_c, g_sig, f, i, o, c_tilde, h_prev, c_prev, fc, ic, c, tanh_c, h in rows:
            np.dot(h_prev, W_hT, out=Wh_h)  # W^h·h_{t-1}
            np.add(z, Wh_h, out=z)  # z_k = W_k·v + b_k, all four gates
            sigmoid_into(z_sig, g_sig)  # f, i, o
            np.tanh(z_c, out=c_tilde)
            np.multiply(f, c_prev, out=fc)
            np.multiply(i, c_tilde, out=ic)
            np.add(fc, ic, out=c)  # C_t = f∘C_{t-1} + i∘C̃
            np.tanh(c, out=tanh_c)
            np.multiply(o, tanh_c, out=h)  # h_t = o∘tanh(C_t)

    h_prev, c_prev = H[:-1], C[:-1]
    return Trace(
        x=xs,
        h_prev=h_prev,
        c_prev=c_prev,
        concat=params.concat(xs, h_prev),
        **{f"z_{key}": Z[:, j * n : (j + 1) * n] for j, key in enumerate(_RUN_ORDER)},
        f=F,
        i=I,
        c_tilde=C_tilde,
        o=O,
        forget_term=FC,
        input_term=IC,
        c=C[1:],
        tanh_c=TC,
        h=H[1:],
    )
