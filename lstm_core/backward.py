"""Backpropagation through time for the LSTM of :mod:`lstm_core.cell`.

Notation
--------
L           a scalar loss of the whole sequence
dh[t]       ∂L/∂h_t, the TOTAL gradient reaching h_t: the loss's own gradient on h_t
            (row t of the ``dh`` passed in) plus what flows back from step t+1   (n,)
dc[t]       ∂L/∂C_t, total: through h_t = o_t∘tanh(C_t) and through C_{t+1}     (n,)
dz_k        ∂L/∂z_k at step t, the gradient at gate k's pre-activation           (n,)
W^h, W^x    the columns of W_k that multiply h_{t-1} and x_t (``params.split``)
σ'(z)       = σ(z)·σ(-z);   tanh'(z) = 1/cosh²(z)

Equations (step t, from t = T-1 down to 0; dc[T]∘f_T is ``dc_last``, zero by default)
---------
dh[t]  = dh_ext[t] + Σ_k (W_k^h)ᵀ·dz_k[t+1]             (the last term is 0 for t = T-1)
dc[t]  = dc[t+1]∘f_{t+1} + dh[t]∘o_t∘tanh'(C_t)
dz_f   = dc[t]∘C_{t-1}∘σ'(z_f)       because C_t = f_t∘C_{t-1} + i_t∘C̃_t
dz_i   = dc[t]∘C̃_t∘σ'(z_i)
dz_c   = dc[t]∘i_t∘tanh'(z_c)
dz_o   = dh[t]∘tanh(C_t)∘σ'(z_o)     because h_t = o_t∘tanh(C_t)
dW_k   = Σ_t dz_k[t]·v_tᵀ,   db_k = Σ_t dz_k[t]
dx_t   = Σ_k (W_k^x)ᵀ·dz_k[t],   dh0 = Σ_k (W_k^h)ᵀ·dz_k[0],   dc0 = dc[0]∘f_0

Variants. Peepholes add paths from the cell state into the gates, all elementwise:
dc[t]  gains dz_o∘p_o                  (z_o reads C_t)
dc[t]∘f_t (what reaches C_{t-1}) gains dz_f∘p_f + dz_i∘p_i   (z_f, z_i read C_{t-1})
dp_f = Σ_t dz_f∘C_{t-1},  dp_i = Σ_t dz_i∘C_{t-1},  dp_o = Σ_t dz_o∘C_t
Both are folded into the per-step factors before the loop (``dh_to_c``, ``c_to_c_prev``),
so the loop is the same. Coupled gates (i_t = 1 − f_t): C_t = f_t∘C_{t-1} + (1 − f_t)∘C̃_t, so
dz_f = dc[t]∘(C_{t-1} − C̃_t)∘σ'(z_f) and dz_i = 0 (W_i, b_i get zero gradients).

Accuracy: every activation derivative is evaluated at the stored pre-activation z
(``sigmoid_grad``, ``tanh_grad``), never as g(1-g) or 1-g² from the stored value g:
once σ(z) is within a few ulps of 1, 1-σ(z) keeps almost no correct digits, while
σ(z)·σ(-z) stays accurate to the last bit. (torch uses g(1-g); for unsaturated gates
the two agree to ~1e-16.)

Speed: only the recurrence itself is a loop. Every factor that does not depend on the
gradient (C_{t-1}∘σ'(z_f), o_t∘tanh'(C_t), …) is computed for all steps at once before
it; the loop writes dz of every step into one (T, 4n) array, and dW, db and dx are each
one matrix product after it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import ArrayLike

from .activations import tanh_grad
from .cell import Trace, check_trace
from .gates import COUPLED_KEY, COUPLED_TO, GATES, PEEPHOLE_GATES, Gate
from .params import Array, ConcatOrder, LSTMParams, as_matrix, as_vector

# Which Trace field each gate's value multiplies, and which total gradient drives it:
#   C_t = f_t∘C_{t-1} + i_t∘C̃_t        so f is paired with C_{t-1}, i with C̃_t, C̃ with i_t;
#   h_t = o_t∘tanh(C_t)                 so o is paired with tanh(C_t) and driven by dh.
_PARTNER = {"f": "c_prev", "i": "c_tilde", "c": "i", "o": "tanh_c"}
DRIVEN_BY_H = frozenset({"o"})
# Gates driven by dc first, so one multiply per step covers all of them.
_BWD_ORDER: tuple[Gate, ...] = tuple(sorted(GATES, key=lambda g: g.key in DRIVEN_BY_H))
_BWD_KEYS = "".join(g.key for g in _BWD_ORDER)
_N_DRIVEN_BY_C = sum(g.key not in DRIVEN_BY_H for g in GATES)


@dataclass(frozen=True, eq=False)
class Grads:
    """∂L/∂(everything) for one sequence; see the module docstring for the equations.

    The dW_k have the shape and column order of ``params.W_k``, so they follow the
    params' ``concat_order``.
    """

    dW_f: Array  # (n, n+m)
    dW_i: Array
    dW_c: Array
    dW_o: Array
    db_f: Array  # (n,)
    db_i: Array
    db_c: Array
    db_o: Array
    dx: Array  # (T, m)
    dh0: Array  # (n,)
    dc0: Array  # (n,)
    dc: Array  # (T, n) total ∂L/∂C_t
    dh: Array  # (T, n) total ∂L/∂h_t
    dp_f: Array | None = None  # (n,) peephole gradients; None where the params have none
    dp_i: Array | None = None
    dp_o: Array | None = None

    def dW(self, key: str) -> Array:
        """∂L/∂W_key for gate ``key`` ("f", "i", "c", "o")."""
        return getattr(self, f"dW_{key}")

    def db(self, key: str) -> Array:
        return getattr(self, f"db_{key}")

    def dp(self, key: str) -> Array | None:
        """∂L/∂p_key, or None where gate ``key`` has no peephole."""
        return getattr(self, f"dp_{key}", None)

    def as_dict(self) -> dict[str, Array]:
        """The gradients that exist (peephole ones only where the params have peepholes)."""
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) is not None}

    def split(self, key: str, concat_order: ConcatOrder) -> tuple[Array, Array]:
        """(∂L/∂W^h, ∂L/∂W^x) of gate ``key``, as ``LSTMParams.split`` cuts W_key.

        ``concat_order`` is the params' (``grads.split("f", params.concat_order)``):
        the columns of dW_key follow it. m comes from dx, (T, m).
        """
        dW, m = self.dW(key), self.dx.shape[1]
        n = dW.shape[1] - m
        if concat_order == "h_first":
            return dW[:, :n], dW[:, n:]
        return dW[:, m:], dW[:, :m]


def local_factors(trace: Trace, coupled: bool = False) -> dict[str, Array]:
    """Per gate k, the factor in dz_k = (dc or dh)∘factor, for all steps at once: (T, n) each.

    f: C_{t-1}∘σ'(z_f)   i: C̃_t∘σ'(z_i)   c: i_t∘tanh'(z_c)   o: tanh(C_t)∘σ'(z_o)
    ``coupled`` (i_t = 1 − f_t): f: (C_{t-1} − C̃_t)∘σ'(z_f), i: 0.
    """
    partner = {
        k: np.asarray(getattr(trace, name), dtype=np.float64) for k, name in _PARTNER.items()
    }
    if coupled:  # f_t multiplies C_{t-1}, and 1 − f_t multiplies C̃_t
        partner[COUPLED_TO] = partner[COUPLED_TO] - partner[COUPLED_KEY]
        partner[COUPLED_KEY] = np.zeros_like(partner[COUPLED_KEY])
    with np.errstate(over="ignore"):
        return {
            g.key: partner[g.key] * g.activation.grad(np.asarray(trace.z(g.key), dtype=np.float64))
            for g in GATES
        }


def _peephole_terms(params: LSTMParams, factor: dict[str, Array], reads: str) -> Array | float:
    """Σ_k factor_k∘p_k over the gates whose peephole reads ``reads`` ("c_prev" or "c")."""
    return sum(
        (
            factor[g.key] * p
            for g in PEEPHOLE_GATES
            if g.peephole == reads and (p := params.p(g.key)) is not None
        ),
        start=0.0,
    )


def dh_to_c(params: LSTMParams, trace: Trace, factor: dict[str, Array]) -> Array:
    """∂h_t/∂C_t, diagonal, (T, n): o_t∘tanh'(C_t), plus tanh(C_t)∘σ'(z_o)∘p_o with a peephole."""
    with np.errstate(over="ignore"):
        A = np.asarray(trace.o, dtype=np.float64) * tanh_grad(np.asarray(trace.c, np.float64))
    return A + _peephole_terms(params, factor, "c")


def c_to_c_prev(params: LSTMParams, trace: Trace, factor: dict[str, Array]) -> Array:
    """∂C_t/∂C_{t-1} along the diagonal paths, (T, n): f_t, plus the f and i peepholes'
    factor_k∘p_k (a gradient dc[t] reaches C_{t-1} as dc[t]∘this)."""
    F = np.asarray(trace.f, dtype=np.float64)
    return F + _peephole_terms(params, factor, "c_prev")


def backward(
    params: LSTMParams,
    trace: Trace,
    dh: ArrayLike,
    dc_last: ArrayLike | None = None,
) -> Grads:
    """Backpropagate ∂L/∂h_t (``dh``, (T, n)) and ∂L/∂C_{T-1} (``dc_last``) through ``trace``.

    ``dh`` is the loss's own gradient on each h_t; for a loss on the last step only it is
    zero except its last row. ``dc_last`` adds a gradient directly on the last cell state
    (e.g. ones for L = ΣC_{T-1}). Everything is computed in float64.
    """
    check_trace(params, trace)
    T, n = len(trace), params.n_hidden
    dh_ext = as_matrix("dh", dh, (T, n), f"one row ∂L/∂h_t per time step, n={n} entries each")
    dc_end = as_vector("dc_last", np.zeros(n) if dc_last is None else dc_last, n, "∂L/∂C_{T-1}")

    blocks = {g.key: slice(k * n, (k + 1) * n) for k, g in enumerate(_BWD_ORDER)}
    n_c = _N_DRIVEN_BY_C * n
    W_h, W_x, _ = params.stacked(order=_BWD_KEYS)  # (4n, n), (4n, m)

    factor = local_factors(trace, params.coupled)
    K = np.empty((T, 4 * n))  # (T, 4n) local factors in _BWD_ORDER
    for g in _BWD_ORDER:
        K[:, blocks[g.key]] = factor[g.key]
    K_c = K[:, :n_c].reshape(T, _N_DRIVEN_BY_C, n)  # (T, 3, n) view
    K_h = K[:, n_c:]  # (T, n) the o gate's factor
    A = dh_to_c(params, trace, factor)  # (T, n) ∂h_t/∂C_t
    F = c_to_c_prev(params, trace, factor)  # (T, n) ∂C_t/∂C_{t-1} along the direct path

    dZ = np.empty((T, 4 * n))  # (T, 4n) dz of every step, _BWD_ORDER
    dZ_c = dZ[:, :n_c].reshape(T, _N_DRIVEN_BY_C, n)  # views into dZ
    dZ_h = dZ[:, n_c:]
    DH = np.empty((T, n))  # total ∂L/∂h_t
    DC = np.empty((T, n))  # total ∂L/∂C_t
    dh_next = np.zeros(n)  # (W^h)ᵀ·dz[t+1], becomes dh0
    dc_next = dc_end.copy()  # dc[t+1]∘f_{t+1}, becomes dc0
    add, mul, dot = np.add, np.multiply, np.dot

    backwards = (a[::-1] for a in (dh_ext, DH, DC, A, K_c, K_h, F, dZ, dZ_c, dZ_h))
    for dh_e, dh_t, dc_t, a, k_c, k_h, f, dz, dz_c, dz_h in zip(*backwards, strict=True):
        add(dh_e, dh_next, dh_t)  # dh[t]
        mul(dh_t, a, dc_t)
        add(dc_t, dc_next, dc_t)  # dc[t]
        mul(k_c, dc_t, dz_c)  # dz_f, dz_i, dz_c
        mul(k_h, dh_t, dz_h)  # dz_o
        mul(dc_t, f, dc_next)
        dot(dz, W_h, dh_next)

    concat = np.asarray(trace.concat, dtype=np.float64)  # (T, n+m) v_t in params' order
    dW = dZ.T @ concat  # (4n, n+m)
    db = dZ.sum(axis=0)  # (4n,)
    dx = dZ @ W_x  # (T, m)
    cell = {"c_prev": trace.c_prev, "c": trace.c}
    dp = {
        g.p.replace("p", "dp"): (dZ[:, blocks[g.key]] * np.asarray(cell[str(g.peephole)])).sum(0)
        for g in PEEPHOLE_GATES
        if params.p(g.key) is not None
    }
    return Grads(
        **{g.W.replace("W", "dW"): dW[blocks[g.key]] for g in GATES},
        **{g.b.replace("b", "db"): db[blocks[g.key]] for g in GATES},
        dx=dx,
        dh0=dh_next,
        dc0=dc_next,
        dc=DC,
        dh=DH,
        **dp,
    )


# -- losses on the last step -------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LastStepLoss:
    """L = w_h·h_{T-1} + w_c·C_{T-1}, and the upstream gradients that feed :func:`backward`."""

    value: float
    dh: Array  # (T, n) zero except the last row, w_h
    dc_last: Array  # (n,) w_c


def last_step_loss(
    trace: Trace, w_h: ArrayLike | None = None, w_c: ArrayLike | None = None
) -> LastStepLoss:
    """A loss at the last step only: L = w_h·h_{T-1} + w_c·C_{T-1}.

    Defaults: w_h = ones (L = Σh_{T-1}) and w_c = zeros. Use
    ``backward(params, trace, loss.dh, loss.dc_last)``.
    """
    T, n = trace.h.shape
    wh = as_vector("w_h", np.ones(n) if w_h is None else w_h, n, "one weight per unit of h")
    wc = as_vector("w_c", np.zeros(n) if w_c is None else w_c, n, "one weight per unit of C")
    dh = np.zeros((T, n))
    dh[-1] = wh
    value = float(wh @ trace.h[-1] + wc @ trace.c[-1])
    return LastStepLoss(value, dh, wc.copy())


# -- a loss on every step ----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SequenceLoss:
    """L = ½·Σ_t ‖h_t − y_t‖², and its gradient on each h_t, ready for :func:`backward`."""

    value: float
    dh: Array  # (T, n) h_t − y_t, the loss's own ∂L/∂h_t at every step


def sequence_l2_loss(trace: Trace, targets: ArrayLike) -> SequenceLoss:
    """An L2 loss on every step: L = ½·Σ_t Σ_r (h_t[r] − y_t[r])², targets y (T, n).

    ∂L/∂h_t = h_t − y_t for every t (the ½ cancels the square's 2). Then
    ``backward(params, trace, loss.dh)`` gives every gradient; :func:`backward_l2`
    does both in one call.
    """
    T, n = trace.h.shape
    y = as_matrix("targets", targets, (T, n), f"one target y_t per step, n={n} entries each")
    dh = np.asarray(trace.h, dtype=np.float64) - y  # (T, n)
    return SequenceLoss(0.5 * float(np.sum(dh * dh)), dh)


def backward_l2(params: LSTMParams, trace: Trace, targets: ArrayLike) -> tuple[float, Grads]:
    """(L, grads) for L = ½·Σ_t ‖h_t − y_t‖²: :func:`sequence_l2_loss` then :func:`backward`."""
    loss = sequence_l2_loss(trace, targets)
    return loss.value, backward(params, trace, loss.dh)
