"""How a gradient travels back along the cell state (built on :mod:`lstm_core.backward`).

Notation
--------
J_t          ∂C_t/∂C_{t-1}, the one-step Jacobian                               (n, n)
direct       its elementwise path: diag(f_t) (plus the f and i peepholes' terms)
through_h    its path C_{t-1} → h_{t-1} → f_t, i_t, C̃_t → C_t (zero at t = 0)
factor_k[t]  backward's local factor of gate k: dz_k = (dc or dh)∘factor_k

Equations
---------
J_t    = diag(f_t) + [Σ_{k∈f,i,c} diag(factor_k[t])·W_k^h]·diag(o_{t-1}∘tanh'(C_{t-1}))
∏ J    = J_{T-1}·…·J_{t+1} ≈ ∂C_{T-1}/∂C_t   (o held fixed; the exact one is backward's dc)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .backward import DRIVEN_BY_H, backward, c_to_c_prev, dh_to_c, last_step_loss, local_factors
from .cell import Trace, check_trace
from .gates import GATES
from .params import Array, LSTMParams


@dataclass(frozen=True, eq=False)
class CellJacobian:
    """∂C_t/∂C_{t-1} of one step, split into its two paths.

    direct     diag(f_t): C_t = f_t∘C_{t-1} + …, no activation derivative in the way
               (with f and i peepholes also diag(Σ_k factor_k∘p_k): elementwise too)
    through_h  the path C_{t-1} → h_{t-1} = o_{t-1}∘tanh(C_{t-1}) → f_t, i_t, C̃_t → C_t,
               zero at t = 0 where h_{-1} = h0 is an input
    total      direct + through_h
    """

    t: int
    direct: Array  # (n, n)
    through_h: Array  # (n, n)

    @property
    def total(self) -> Array:
        return self.direct + self.through_h


def _through_h(params: LSTMParams, trace: Trace, factor: dict[str, Array], t: int) -> Array:
    """Σ_{k∈f,i,c} diag(factor_k[t])·W_k^h·diag(o_{t-1}∘tanh'(C_{t-1})), (n, n); 0 at t=0."""
    n = params.n_hidden
    if t == 0:
        return np.zeros((n, n))
    M = np.zeros((n, n))  # ∂C_t/∂h_{t-1}
    for g in GATES:
        if g.key not in DRIVEN_BY_H:
            M += factor[g.key][t][:, None] * params.split(g.key)[0]
    dh_dc = dh_to_c(params, trace, factor)[t - 1]  # ∂h_{t-1}/∂C_{t-1}, diagonal
    return M * dh_dc[None, :]


def cell_jacobian(params: LSTMParams, trace: Trace, t: int) -> CellJacobian:
    """The one-step Jacobian ∂C_t/∂C_{t-1} at step ``t`` (0 ≤ t < T), both paths.

    J_t = diag(f_t) + [Σ_{k∈f,i,c} diag(g_k ∘ act_k'(z_k))·W_k^h]·diag(o_{t-1}∘tanh'(C_{t-1}))
    with g_f = C_{t-1}, g_i = C̃_t, g_c = i_t. o_{t-1} is held fixed: it depends on h_{t-2}
    and x_{t-1}, not on C_{t-1}.
    """
    check_trace(params, trace)
    T = len(trace)
    if not 0 <= t < T:
        raise IndexError(f"step {t} is outside this trace of {T} steps")
    factor = local_factors(trace, params.coupled)
    direct = np.diag(c_to_c_prev(params, trace, factor)[t])
    return CellJacobian(t, direct, _through_h(params, trace, factor, t))


@dataclass(frozen=True, eq=False)
class JacobianProducts:
    """Products of one-step Jacobians from C_t to the last cell state C_{T-1}.

    total[t]   J_{T-1}·…·J_{t+1}  ≈ ∂C_{T-1}/∂C_t, (T, n, n); total[T-1] = I
    direct[t]  ∏_{s=t+1}^{T-1} f_s, the diagonal of the direct-path product, (T, n)
    total_c0, direct_c0: the same products continued to the initial state C_{-1} = c0.

    The product of the total one-step Jacobians is not the exact ∂C_{T-1}/∂C_t either:
    it holds each o_{t} fixed, so it leaves out the path C_t → h_t → o_{t+1} → h_{t+1} → ….
    The exact gradient is :func:`backward`'s ``dc``.
    """

    total: Array  # (T, n, n)
    direct: Array  # (T, n)
    total_c0: Array  # (n, n)
    direct_c0: Array  # (n,)


def jacobian_products(params: LSTMParams, trace: Trace) -> JacobianProducts:
    """Both products for every t; memory T·n², meant for the app's sizes (n ≤ 8, T ≤ 64)."""
    check_trace(params, trace)
    T, n = len(trace), params.n_hidden
    factor = local_factors(trace, params.coupled)
    F = c_to_c_prev(params, trace, factor)
    total = np.empty((T, n, n))
    direct = np.empty((T, n))
    total[-1], direct[-1] = np.eye(n), 1.0
    for t in range(T - 1, 0, -1):
        J = np.diag(F[t]) + _through_h(params, trace, factor, t)
        total[t - 1] = total[t] @ J
        direct[t - 1] = direct[t] * F[t]
    return JacobianProducts(total, direct, total[0] * F[0][None, :], direct[0] * F[0])


@dataclass(frozen=True, eq=False)
class GradientFlow:
    """∂L/∂C_t for a loss at the last step, three ways, and the exact ∂L/∂h_t.

    dc        exact total ∂L/∂C_t (:func:`backward`)                              (T, n)
    dc_direct ∂L/∂C_{T-1} carried back along the direct path only: dc[T-1]∘∏f     (T, n)
    dc_jacobian  dc[T-1]·J_{T-1}·…·J_{t+1}, the product of one-step Jacobians     (T, n)
    dh        exact total ∂L/∂h_t                                                 (T, n)
    The *_c0 fields continue each to the initial state c0 (dh0: to h0).
    """

    dc: Array
    dc_direct: Array
    dc_jacobian: Array
    dh: Array
    dc0: Array
    dc0_direct: Array
    dc0_jacobian: Array
    dh0: Array

    @staticmethod
    def _norm(a: Array) -> Array:
        return np.linalg.norm(a, axis=-1)

    @property
    def norm_dc(self) -> Array:
        """‖∂L/∂C_t‖ per step, (T,)."""
        return self._norm(self.dc)

    @property
    def norm_dc_direct(self) -> Array:
        return self._norm(self.dc_direct)

    @property
    def norm_dc_jacobian(self) -> Array:
        return self._norm(self.dc_jacobian)

    @property
    def norm_dh(self) -> Array:
        return self._norm(self.dh)


def gradient_flow(
    params: LSTMParams,
    trace: Trace,
    w_h: ArrayLike | None = None,
    w_c: ArrayLike | None = None,
) -> GradientFlow:
    """Gradients of L = w_h·h_{T-1} + w_c·C_{T-1} (default L = Σh_{T-1}) along the sequence."""
    check_trace(params, trace)
    T, n = len(trace), params.n_hidden
    loss = last_step_loss(trace, w_h, w_c)
    grads = backward(params, trace, loss.dh, loss.dc_last)
    factor = local_factors(trace, params.coupled)
    F = c_to_c_prev(params, trace, factor)
    direct = np.empty((T, n))
    jac = np.empty((T, n))
    direct[-1] = jac[-1] = grads.dc[-1]
    for t in range(T - 1, 0, -1):
        direct[t - 1] = direct[t] * F[t]
        jac[t - 1] = jac[t] * F[t] + jac[t] @ _through_h(params, trace, factor, t)
    return GradientFlow(
        dc=grads.dc,
        dc_direct=direct,
        dc_jacobian=jac,
        dh=grads.dh,
        dc0=grads.dc0,
        dc0_direct=direct[0] * F[0],
        dc0_jacobian=jac[0] * F[0],
        dh0=grads.dh0,
    )
