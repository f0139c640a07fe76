"""Translate between the textbook layout and torch's / Keras's.

torch.nn.LSTM stores, for gate order (i, f, g, o) with g = C̃:
  weight_ih_l0  (4n, m)   the W^x blocks stacked
  weight_hh_l0  (4n, n)   the W^h blocks stacked
  bias_ih_l0, bias_hh_l0  (4n,) each; only their sum matters
Keras 3's LSTM uses gate order (i, f, c, o) with row-vector weights:
  kernel (m, 4n), recurrent_kernel (n, 4n), bias (4n,)

Plain NumPy arrays only, so torch itself is never imported here.
"""

from __future__ import annotations

import numpy as np

from .gates import GATES
from .params import Array, ConcatOrder, LSTMParams

_TORCH_ORDER = tuple(sorted(GATES, key=lambda g: g.torch_index))  # i, f, c(g), o


def to_torch_state(params: LSTMParams) -> dict[str, Array]:
    """A state dict for ``torch.nn.LSTM(m, n)`` (as NumPy arrays); bias_hh is zero."""
    W_h = np.vstack([params.split(g.key)[0] for g in _TORCH_ORDER])
    W_x = np.vstack([params.split(g.key)[1] for g in _TORCH_ORDER])
    b = np.concatenate([params.b(g.key) for g in _TORCH_ORDER])
    return {
        "weight_ih_l0": W_x,
        "weight_hh_l0": W_h,
        "bias_ih_l0": b,
        "bias_hh_l0": np.zeros_like(b),
    }


def from_torch_state(state: dict[str, Array], concat_order: ConcatOrder = "h_first") -> LSTMParams:
    """The textbook parameters of a torch state dict (the two biases are added)."""
    W_x = np.asarray(state["weight_ih_l0"], dtype=np.float64)
    W_h = np.asarray(state["weight_hh_l0"], dtype=np.float64)
    b = np.asarray(state["bias_ih_l0"], dtype=np.float64) + np.asarray(
        state["bias_hh_l0"], dtype=np.float64
    )
    n = W_h.shape[1]
    arrays: dict[str, Array] = {}
    for g in GATES:
        rows = slice(g.torch_index * n, (g.torch_index + 1) * n)
        blocks = [W_h[rows], W_x[rows]] if concat_order == "h_first" else [W_x[rows], W_h[rows]]
        arrays[g.W] = np.hstack(blocks)
        arrays[g.b] = b[rows]
    return LSTMParams(**arrays, concat_order=concat_order)  # type: ignore[arg-type]


def to_keras_weights(params: LSTMParams) -> dict[str, Array]:
    """kernel (m, 4n), recurrent_kernel (n, 4n), bias (4n,) in Keras's i, f, c, o order."""
    state = to_torch_state(params)  # same gate order as Keras
    return {
        "kernel": state["weight_ih_l0"].T,
        "recurrent_kernel": state["weight_hh_l0"].T,
        "bias": state["bias_ih_l0"],
    }
