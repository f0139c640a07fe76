"""One GRU step, a whole sequence, and backpropagation through time, every intermediate kept.

Notation (see :mod:`lstm_core.gru_params` for the parameters and the two conventions)
--------
x_t        input at step t                                          (m,)
h_{t-1}    previous hidden state; a GRU has no separate cell state  (n,)
v          [h_{t-1}, x_t] or [x_t, h_{t-1}] (``concat_order``)       (n+m,)
z_k        pre-activation of gate k ∈ {r, z, n}                      (n,)
           (z_z is the update gate's pre-activation, z_t its value)
∘          elementwise product

Equations
---------
z_r = W_r·v + b_r,   r_t = σ(z_r)                                    reset gate
z_z = W_z·v + b_z,   z_t = σ(z_z)                                    update gate
reset_in   = W_n^h·h_{t-1} + b_hn     (reset_after=True, torch and Keras)
           = h_{t-1}                  (reset_after=False, Cho et al. 2014)
reset_term = r_t∘reset_in             what the reset gate lets through
z_n = W_n^x·x_t + b_n + reset_term    (reset_after=True)
    = W_n·[r_t∘h_{t-1}, x_t] + b_n    (reset_after=False; W_n^h·reset_term + W_n^x·x_t + b_n)
n_t = tanh(z_n)                                                      candidate
new_term  = (1 − z_t)∘n_t
keep_term = z_t∘h_{t-1}
h_t = new_term + keep_term            z_t = 1 keeps the old state, as in torch

Backward (dh[t] is the TOTAL ∂L/∂h_t: the loss's own dh_ext[t] plus what step t+1 sends back)
--------
da_n = dh[t]∘(1 − z_t)∘tanh'(z_n)
da_z = dh[t]∘(h_{t-1} − n_t)∘σ'(z_z)
d_rt = ∂L/∂reset_term = da_n (reset_after=True) or (W_n^h)ᵀ·da_n (reset_after=False)
da_r = d_rt∘reset_in∘σ'(z_r),   d_ri = ∂L/∂reset_in = d_rt∘r_t
dh[t-1] = dh_ext[t-1] + dh[t]∘z_t + (W_r^h)ᵀ·da_r + (W_z^h)ᵀ·da_z
          + (W_n^h)ᵀ·d_ri (reset_after=True) or d_ri (reset_after=False)
dW_r = Σ_t da_r·v_tᵀ (likewise z); db_k = Σ_t da_k; db_hn = Σ_t d_ri (reset_after=True)
dW_n: its x columns Σ_t da_n·x_tᵀ; its h columns Σ_t d_ri·h_{t-1}ᵀ (reset_after=True)
      or Σ_t da_n·(r_t∘h_{t-1})ᵀ (reset_after=False)
dx_t = Σ_k (W_k^x)ᵀ·da_k

As in :mod:`lstm_core.backward`, activation derivatives come from the stored
pre-activations (σ(z)·σ(−z), 1/cosh²(z)), and every factor that does not depend on
the incoming gradient is computed for all steps before the loop.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike

from .activations import sigmoid_into
from .cell import DType, GateRecord, OverTime, check_sequence, check_trace, float_dtype
from .gates import Gate
from .gru_params import CANDIDATE, GRU_GATE_BY_KEY, GRU_GATES, GRUParams
from .params import Array, as_matrix, as_vector

_GATED = tuple(g for g in GRU_GATES if g.key != CANDIDATE)  # r and z: σ(W·v + b)
assert [g.key for g in _GATED] == ["r", "z"] and GRU_GATES[-1].key == CANDIDATE


@dataclass(frozen=True, eq=False)
class GRUStep(GateRecord):
    """Everything one GRU step computes, in the order it computes it."""

    gate_table: ClassVar[tuple[Gate, ...]] = GRU_GATES

    x: Array  # (m,)
    h_prev: Array  # (n,)
    concat: Array  # (n+m,) v, the input of the r and z gates
    z_r: Array  # (n,) pre-activations
    z_z: Array
    z_n: Array
    r: Array  # (n,) gate values
    z: Array
    n: Array
    reset_in: Array  # (n,) what r_t multiplies: W_n^h·h_{t-1} + b_hn, or h_{t-1}
    reset_term: Array  # (n,) r_t∘reset_in
    new_term: Array  # (n,) (1 − z_t)∘n_t
    keep_term: Array  # (n,) z_t∘h_{t-1}
    h: Array  # (n,) h_t

    def pre(self, key: str) -> Array:
        """Pre-activation z_key of gate ``key`` ("r", "z", "n")."""
        return getattr(self, GRU_GATE_BY_KEY[key].z)


def gru_step(
    params: GRUParams,
    x: ArrayLike,
    h_prev: ArrayLike,
    dtype: DType | np.dtype = np.float64,
) -> GRUStep:
    """One GRU step that reads like the equations in the module docstring."""
    d = float_dtype(dtype)
    n, m = params.n_hidden, params.n_input
    x = as_vector("x_t", x, m, f"one entry per input feature (m={m})").astype(d)
    h_prev = as_vector("h_{t-1}", h_prev, n, f"one entry per unit (n={n})").astype(d)
    v = params.concat(x, h_prev)  # (n+m,)
    pre: dict[str, Array] = {}
    value: dict[str, Array] = {}
    with np.errstate(over="ignore"):
        for g in _GATED:
            pre[g.z] = params.W(g.key).astype(d) @ v + params.b(g.key).astype(d)  # (n,)
            value[g.value] = g.activation.fn(pre[g.z])
        r, z = value["r"], value["z"]
        W_nh, W_nx = (a.astype(d) for a in params.split(CANDIDATE))
        b_n = params.b(CANDIDATE).astype(d)
        if params.reset_after:
            assert params.b_hn is not None
            reset_in = W_nh @ h_prev + params.b_hn.astype(d)
            reset_term = r * reset_in
            z_n = W_nx @ x + b_n + reset_term
        else:
            reset_in = h_prev
            reset_term = r * h_prev
            z_n = params.W(CANDIDATE).astype(d) @ params.concat(x, reset_term) + b_n
        candidate = GRU_GATE_BY_KEY[CANDIDATE]
        value[candidate.value] = candidate.activation.fn(z_n)
        pre[candidate.z] = z_n
        new_term = (1 - z) * value[candidate.value]
        keep_term = z * h_prev
    return GRUStep(
        x=x,
        h_prev=h_prev,
        concat=v,
        **pre,
        **value,
        reset_in=reset_in,
        reset_term=reset_term,
        new_term=new_term,
        keep_term=keep_term,
        h=new_term + keep_term,
    )


@dataclass(frozen=True, eq=False)
class GRUTrace(OverTime, GateRecord):
    """A whole sequence: each field of :class:`GRUStep` stacked over time, shape (T, ·).

    ``trace[t]`` is step t as a :class:`GRUStep`; ``trace[0].h_prev`` is h0.
    """

    gate_table: ClassVar[tuple[Gate, ...]] = GRU_GATES

    x: Array  # (T, m)
    h_prev: Array  # (T, n)
    concat: Array  # (T, n+m)
    z_r: Array  # (T, n)
    z_z: Array
    z_n: Array
    r: Array  # (T, n)
    z: Array
    n: Array
    reset_in: Array  # (T, n)
    reset_term: Array
    new_term: Array
    keep_term: Array
    h: Array  # (T, n)

    def __getitem__(self, t: int) -> GRUStep:
        return GRUStep(**self._row(t))

    def pre(self, key: str) -> Array:
        return getattr(self, GRU_GATE_BY_KEY[key].z)


def gru_run(
    params: GRUParams,
    xs: ArrayLike,
    h0: ArrayLike | None = None,
    dtype: DType | np.dtype = np.float64,
) -> GRUTrace:
    """Unroll the GRU over ``xs`` (T, m) from h0 (zeros by default).

    Same equations as :func:`gru_step`, arranged for speed: the input projections
    W^x·x_t + b of all steps and all three gates are one matrix product before the loop,
    the recurrent projections of a step are one product with the stacked W^h, and the
    loop writes straight into preallocated (T, ·) arrays.
    """
    d = float_dtype(dtype)
    n = params.n_hidden
    xs = check_sequence(params, xs).astype(d)
    h0v = as_vector("h0", np.zeros(n) if h0 is None else h0, n, f"one entry per unit (n={n})")
    T = xs.shape[0]
    W_h, W_x, b = (a.astype(d) for a in params.stacked())  # (3n, n), (3n, m), (3n,)
    rz, cand = slice(0, 2 * n), slice(2 * n, 3 * n)  # rows of r and z, and of n, in W_h

    with np.errstate(over="ignore"):  # huge weights may overflow to ±inf, as in gru_step()
        Z = xs @ W_x.T + b  # (T, 3n): z_r, z_z, z_n without their h_{t-1} parts yet
    G = np.empty((T, 3 * n), d)  # r, z, n
    H = np.empty((T + 1, n), d)  # H[0] = h0, H[t+1] = h_t
    H[0] = h0v
    reset_in, reset_term, new_term, keep_term = (np.empty((T, n), d) for _ in range(4))
    one = np.ones((), d)

    hh = np.empty(3 * n, d)  # W^h·h_{t-1} of one step (the n block: see below)
    hh_rz, hh_n = hh[rz], hh[cand]
    if params.reset_after:  # one product gives all three gates' W^h·h_{t-1}
        assert params.b_hn is not None
        W_hT, b_hn = np.ascontiguousarray(W_h.T), params.b_hn.astype(d)  # (n, 3n)
        hh_out = hh
    else:  # r and z first; W_n^h waits for r_t∘h_{t-1}, and hh_n holds W_n^h·(r_t∘h_{t-1})
        W_hT, W_nhT = np.ascontiguousarray(W_h[rz].T), np.ascontiguousarray(W_h[cand].T)
        hh_out = hh_rz

    steps = zip(
        Z[:, rz], Z[:, cand], G[:, rz], G[:, :n], G[:, n : 2 * n], G[:, cand],
        reset_in, reset_term, new_term, keep_term, H[:-1], H[1:], strict=True,
    )  # fmt: skip
    dot, add, mul, sub, tanh = np.dot, np.add, np.multiply, np.subtract, np.tanh
    with np.errstate(over="ignore"):
        for z_rz, z_n, g_rz, r, z, n_t, ri, rt, new, keep, h_prev, h in steps:
            dot(h_prev, W_hT, hh_out)
            add(z_rz, hh_rz, z_rz)
            sigmoid_into(z_rz, g_rz)  # r_t, z_t
            if params.reset_after:
                add(hh_n, b_hn, ri)  # W_n^h·h_{t-1} + b_hn
                mul(r, ri, rt)
                add(z_n, rt, z_n)
            else:
                mul(r, h_prev, rt)
                dot(rt, W_nhT, hh_n)  # W_n^h·(r_t∘h_{t-1})
                add(z_n, hh_n, z_n)
            tanh(z_n, n_t)
            mul(sub(one, z, new), n_t, new)
            mul(z, h_prev, keep)
            add(new, keep, h)

    h_prev_seq = H[:-1]
    return GRUTrace(
        x=xs,
        h_prev=h_prev_seq,
        concat=params.concat(xs, h_prev_seq),
        **{g.z: Z[:, k * n : (k + 1) * n] for k, g in enumerate(GRU_GATES)},
        **{g.value: G[:, k * n : (k + 1) * n] for k, g in enumerate(GRU_GATES)},
        reset_in=reset_in if params.reset_after else h_prev_seq,
        reset_term=reset_term,
        new_term=new_term,
        keep_term=keep_term,
        h=H[1:],
    )


@dataclass(frozen=True, eq=False)
class GRUGrads:
    """∂L/∂(everything) for one sequence; see the module docstring for the equations.

    The dW_k have the shape and column order of ``params.W_k``. ``db_hn`` is None with
    reset_after=False, where b_hn does not exist.
    """

    dW_r: Array  # (n, n+m)
    dW_z: Array
    dW_n: Array
    db_r: Array  # (n,)
    db_z: Array
    db_n: Array
    db_hn: Array | None  # (n,)
    dx: Array  # (T, m)
    dh0: Array  # (n,)
    dh: Array  # (T, n) total ∂L/∂h_t

    def dW(self, key: str) -> Array:
        """∂L/∂W_key for gate ``key`` ("r", "z", "n")."""
        return getattr(self, f"dW_{key}")

    def db(self, key: str) -> Array:
        return getattr(self, f"db_{key}")

    def as_dict(self) -> dict[str, Array | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _f64(trace: GRUTrace, name: str) -> Array:
    return np.asarray(getattr(trace, name), dtype=np.float64)


def gru_backward(params: GRUParams, trace: GRUTrace, dh: ArrayLike) -> GRUGrads:
    """Backpropagate the loss's own gradient on each h_t (``dh``, (T, n)) through ``trace``.

    For a loss on the last step only, ``dh`` is zero except its last row. Everything is
    computed in float64.
    """
    check_trace(params, trace)
    T, n = len(trace), params.n_hidden
    dh_ext = as_matrix("dh", dh, (T, n), f"one row ∂L/∂h_t per time step, n={n} entries each")
    W_h, W_x, _ = params.stacked()  # (3n, n), (3n, m) in GRU_GATES order
    r, z, h_prev = _f64(trace, "r"), _f64(trace, "z"), _f64(trace, "h_prev")
    grad = {g.key: g.activation.grad(_f64(trace, g.z)) for g in GRU_GATES}  # act'(z_k), (T, n)

    # Local factors of all steps at once: da_n = dh∘K_n, da_z = dh∘K_z, da_r = d_rt∘K_r.
    K_n = (1 - z) * grad["n"]
    K_z = (h_prev - _f64(trace, "n")) * grad["z"]
    K_r = _f64(trace, "reset_in") * grad["r"]

    # One row per step: [da_r, da_z, d_ri, da_n]. The recurrent product takes the first
    # three (reset_after=True: W_n^h acts on reset_in) or the first two (False: d_ri
    # reaches h_{t-1} directly).
    D = np.empty((T, 4 * n))
    da_r, da_z, d_ri, da_n = (D[:, k * n : (k + 1) * n] for k in range(4))
    d_rt = da_n if params.reset_after else np.empty((T, n))  # ∂L/∂reset_term
    P = D[:, : 3 * n] if params.reset_after else D[:, : 2 * n]
    W_back = W_h if params.reset_after else np.ascontiguousarray(W_h[: 2 * n])
    W_nh = np.ascontiguousarray(W_h[2 * n :])
    DH = np.empty((T, n))  # total ∂L/∂h_t
    dh_next = np.zeros(n)  # what step t+1 sends back to h_t; becomes dh0
    direct = np.empty(n)  # dh[t]∘z_t, the path that skips every weight
    add, mul, dot = np.add, np.multiply, np.dot

    rows = (dh_ext, DH, da_r, da_z, d_ri, da_n, d_rt, P, K_n, K_z, K_r, r, z)
    backwards = (a[::-1] for a in rows)
    for dh_e, dh_t, dar, daz, dri, dan, drt, p, k_n, k_z, k_r, r_t, z_t in zip(
        *backwards, strict=True
    ):
        add(dh_e, dh_next, dh_t)  # dh[t]
        mul(dh_t, k_n, dan)
        mul(dh_t, k_z, daz)
        if not params.reset_after:
            dot(dan, W_nh, drt)  # (W_n^h)ᵀ·da_n
        mul(drt, k_r, dar)
        mul(drt, r_t, dri)
        dot(p, W_back, dh_next)
        if not params.reset_after:
            add(dh_next, dri, dh_next)
        add(dh_next, mul(dh_t, z_t, direct), dh_next)

    x, v = _f64(trace, "x"), _f64(trace, "concat")
    dW = {"r": da_r.T @ v, "z": da_z.T @ v}
    if params.reset_after:
        dW_nh = d_ri.T @ h_prev  # W_n^h acts on h_{t-1}, inside r_t∘(…)
    else:
        dW_nh = da_n.T @ _f64(trace, "reset_term")  # W_n^h acts on r_t∘h_{t-1}
    dW["n"] = params.concat(da_n.T @ x, dW_nh)
    da = {"r": da_r, "z": da_z, "n": da_n}
    dA = np.hstack([da[g.key] for g in GRU_GATES])  # (T, 3n), rows of W_x
    return GRUGrads(
        **{g.W.replace("W", "dW"): dW[g.key] for g in GRU_GATES},
        **{g.b.replace("b", "db"): da[g.key].sum(axis=0) for g in GRU_GATES},
        db_hn=d_ri.sum(axis=0) if params.reset_after else None,
        dx=dA @ W_x,
        dh0=dh_next,
        dh=DH,
    )
