"""A vanilla tanh RNN of the same size as the LSTM, for contrast.

Notation
--------
m, n       input size and hidden size, as for the LSTM
v          the concatenation [h_{t-1}, x_t] or [x_t, h_{t-1}] (``concat_order``)   (n+m,)
W          n × (n+m) weights, columns following v;  b: n biases
W^h, W^x   the columns of W that multiply h_{t-1} and x_t (``split``)

Equations
---------
z_t  = W·v + b
h_t  = tanh(z_t)

Backward (dh[t] is the TOTAL ∂L/∂h_t, dh_ext[t] the loss's own gradient on h_t)
--------
dh[t]  = dh_ext[t] + (W^h)ᵀ·dz[t+1]
dz[t]  = dh[t]∘tanh'(z_t)
dW = Σ_t dz[t]·v_tᵀ,  db = Σ_t dz[t],  dx_t = (W^x)ᵀ·dz[t],  dh0 = (W^h)ᵀ·dz[0]

So ∂h_t/∂h_{t-1} = diag(tanh'(z_t))·W^h: every step multiplies the gradient by a
tanh' ≤ 1 and by W^h. With no path that skips the activation, the gradient of a loss
at the last step shrinks (or blows up) geometrically as it travels back.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
from numpy.typing import ArrayLike

from .activations import tanh_grad
from .cell import OverTime, check_sequence
from .cell_params import CellParams
from .concat import CONCAT_LATEX, Array, ConcatOrder, check_order, split_columns
from .params import LSTMParams, as_matrix, as_numbers, as_vector, init_scale


@dataclass(frozen=True, eq=False)
class RNNParams(CellParams):
    """h_t = tanh(W·v + b); see the module docstring. Sizes, concat and to_dict come from
    :class:`CellParams`."""

    W: Array  # (n, n+m)
    b: Array  # (n,)
    concat_order: ConcatOrder = field(default="h_first")

    def __post_init__(self) -> None:
        check_order(self.concat_order)
        W0, b0 = as_numbers("W", self.W), as_numbers("b", self.b)
        if W0.ndim != 2 or b0.ndim != 1 or W0.shape[1] <= b0.shape[0]:
            raise ValueError(
                f"W has shape {W0.shape} and b {b0.shape}, but W must be n × (n+m), one "
                f"column per entry of {CONCAT_LATEX[self.concat_order]}, and b must have n entries"
            )
        n, width = b0.shape[0], W0.shape[1]
        W = as_matrix("W", W0, (n, width), f"n={n} rows (one per unit) and n+m columns")
        b = as_vector("b", b0, n, f"one bias per unit (n={n})")
        object.__setattr__(self, "W", W)
        object.__setattr__(self, "b", b)

    def _sized_by(self) -> tuple[Array, Array]:
        return self.W, self.b

    def split(self) -> tuple[Array, Array]:
        """(W^h, W^x): the columns of W that multiply h_{t-1} and x_t."""
        return split_columns(self.W, self.n_hidden, self.concat_order)

    @classmethod
    def random(
        cls,
        n_input: int,
        n_hidden: int,
        seed: int | None = 0,
        scale: float | None = None,
        concat_order: ConcatOrder = "h_first",
    ) -> RNNParams:
        """Uniform in [-scale, scale], scale = 1/sqrt(n) by default (as LSTMParams.random)."""
        n, m = n_hidden, n_input
        s = init_scale(n, scale)
        rng = np.random.default_rng(seed)
        return cls(rng.uniform(-s, s, (n, n + m)), rng.uniform(-s, s, n), concat_order)

    @classmethod
    def from_lstm(cls, params: LSTMParams) -> RNNParams:
        """The LSTM's candidate layer C̃_t = tanh(W_c·v + b_c) used as an RNN on its own.

        Same size, same weights, same inputs: only the gates and the cell state are gone.
        """
        return cls(params.W_c, params.b_c, params.concat_order)


@dataclass(frozen=True, eq=False)
class RNNTrace(OverTime):
    """Every intermediate of a sequence, stacked over time (T, ·)."""

    x: Array  # (T, m)
    h_prev: Array  # (T, n)
    concat: Array  # (T, n+m) v_t
    z: Array  # (T, n)
    h: Array  # (T, n)


def rnn_run(params: RNNParams, xs: ArrayLike, h0: ArrayLike | None = None) -> RNNTrace:
    """Unroll h_t = tanh(W·[h_{t-1}, x_t] + b) over ``xs`` (T, m) from h0 (zeros by default)."""
    n = params.n_hidden
    xs = check_sequence(params, xs)
    h0v = as_vector("h0", np.zeros(n) if h0 is None else h0, n, f"n={n} entries")
    T = xs.shape[0]
    W_h, W_x = params.split()
    Z = xs @ W_x.T + params.b  # (T, n) input projections of all steps at once
    H = np.empty((T + 1, n))  # H[0] = h0, H[t+1] = h_t
    H[0] = h0v
    W_hT = np.ascontiguousarray(W_h.T)  # (n, n)
    for t in range(T):
        Z[t] += H[t] @ W_hT
        np.tanh(Z[t], out=H[t + 1])
    return RNNTrace(x=xs, h_prev=H[:-1], concat=params.concat(xs, H[:-1]), z=Z, h=H[1:])


@dataclass(frozen=True, eq=False)
class RNNGrads:
    dW: Array  # (n, n+m), columns in the params' concat order
    db: Array  # (n,)
    dx: Array  # (T, m)
    dh0: Array  # (n,)
    dh: Array  # (T, n) total ∂L/∂h_t

    def as_dict(self) -> dict[str, Array]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def rnn_backward(params: RNNParams, trace: RNNTrace, dh: ArrayLike) -> RNNGrads:
    """Backpropagate the loss's gradient on each h_t (``dh``, (T, n)) through ``trace``."""
    T, n = len(trace), params.n_hidden
    dh_ext = as_matrix("dh", dh, (T, n), f"one row ∂L/∂h_t per time step, n={n} entries each")
    W_h, W_x = params.split()
    with np.errstate(over="ignore"):
        D = tanh_grad(trace.z)  # (T, n) tanh'(z_t), from the pre-activation
    dZ = np.empty((T, n))
    DH = np.empty((T, n))
    dh_next = np.zeros(n)  # (W^h)ᵀ·dz[t+1], becomes dh0
    W_h = np.ascontiguousarray(W_h)
    for t in range(T - 1, -1, -1):
        np.add(dh_ext[t], dh_next, out=DH[t])
        np.multiply(DH[t], D[t], out=dZ[t])
        np.dot(dZ[t], W_h, out=dh_next)
    return RNNGrads(dW=dZ.T @ trace.concat, db=dZ.sum(axis=0), dx=dZ @ W_x, dh0=dh_next, dh=DH)


def rnn_jacobian(params: RNNParams, trace: RNNTrace, t: int) -> Array:
    """∂h_t/∂h_{t-1} = diag(tanh'(z_t))·W^h, (n, n)."""
    T = len(trace)
    if not 0 <= t < T:
        raise IndexError(f"step {t} is outside this trace of {T} steps")
    with np.errstate(over="ignore"):
        return tanh_grad(trace.z[t])[:, None] * params.split()[0]


def rnn_last_step_grads(
    params: RNNParams, trace: RNNTrace, w_h: ArrayLike | None = None
) -> RNNGrads:
    """Gradients of L = w_h·h_{T-1} (default Σh_{T-1}), to set beside the LSTM's."""
    T, n = len(trace), params.n_hidden
    dh = np.zeros((T, n))
    dh[-1] = as_vector("w_h", np.ones(n) if w_h is None else w_h, n, "one weight per unit of h")
    return rnn_backward(params, trace, dh)
