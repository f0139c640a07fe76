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

from .gates import TORCH_GATE_ORDER
from .params import Array, ConcatOrder, LSTMParams


def check_plain(params: LSTMParams, layout: str) -> None:
    """A ValueError unless ``params`` is a plain LSTM: ``layout`` has no peepholes or coupling."""
    if params.plain:
        return
    what = [name for name in params.variant_fields() if name != "coupled"]
    has = (["peepholes " + ", ".join(what)] if what else []) + (
        ["coupled gates (i_t = 1 − f_t)"] if params.coupled else []
    )
    raise ValueError(
        f"{layout}'s LSTM has no peepholes and no coupled gates, but this cell has "
        f"{' and '.join(has)}: only a plain LSTM can be written in {layout}'s layout"
    )


def to_torch_state(params: LSTMParams) -> dict[str, Array]:
    """A state dict for ``torch.nn.LSTM(m, n)`` (as NumPy arrays); bias_hh is zero.
    Only for a plain LSTM: torch has neither peepholes nor coupled gates."""
    check_plain(params, "torch")
    W_h, W_x, b = params.stacked(order=TORCH_GATE_ORDER)
    return {
        "weight_ih_l0": W_x,
        "weight_hh_l0": W_h,
        "bias_ih_l0": b,
        "bias_hh_l0": np.zeros_like(b),
    }


def from_torch_state(state: dict[str, Array], concat_order: ConcatOrder = "h_first") -> LSTMParams:
    """The textbook parameters of a torch state dict (the two biases are added)."""
    b = np.asarray(state["bias_ih_l0"], dtype=np.float64) + np.asarray(
        state["bias_hh_l0"], dtype=np.float64
    )
    return LSTMParams.from_stacked(
        state["weight_hh_l0"], state["weight_ih_l0"], b, TORCH_GATE_ORDER, concat_order
    )


def to_keras_weights(params: LSTMParams) -> dict[str, Array]:
    """kernel (m, 4n), recurrent_kernel (n, 4n), bias (4n,) in Keras's i, f, c, o order.
    Only for a plain LSTM, like :func:`to_torch_state`."""
    check_plain(params, "Keras")
    W_h, W_x, b = params.stacked(order=TORCH_GATE_ORDER)  # Keras uses torch's gate order
    return {"kernel": W_x.T, "recurrent_kernel": W_h.T, "bias": b}


def from_keras_weights(
    weights: dict[str, Array], concat_order: ConcatOrder = "h_first"
) -> LSTMParams:
    """The textbook parameters of Keras's kernel, recurrent_kernel and bias."""
    W_x, W_h = np.asarray(weights["kernel"]).T, np.asarray(weights["recurrent_kernel"]).T
    return LSTMParams.from_stacked(W_h, W_x, weights["bias"], TORCH_GATE_ORDER, concat_order)
