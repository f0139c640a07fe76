"""The concatenation v of h_{t-1} and x_t, and the matching column layout of W.

Notation
--------
m, n       input size and number of units
v          [h_{t-1}, x_t] ("h_first", the textbook form) or [x_t, h_{t-1}] ("x_first"), (n+m,)
W          weights acting on v, one column per entry of v, (rows, n+m)
W^h, W^x   the columns of W that multiply h_{t-1} and x_t, (rows, n) and (rows, m)

So W·v = W^h·h_{t-1} + W^x·x_t in either order. The LSTM (four gates) and the vanilla
RNN (one layer) both keep their weights in this layout; this module is its one home.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[Any]
ConcatOrder = Literal["h_first", "x_first"]
CONCAT_ORDERS: tuple[ConcatOrder, ...] = ("h_first", "x_first")
CONCAT_LATEX = {"h_first": "[h_{t-1}, x_t]", "x_first": "[x_t, h_{t-1}]"}
# W's column blocks in v's order, as LaTeX: the one place a page names this layout
W_BLOCKS_LATEX = {"h_first": r"[W^h \mid W^x]", "x_first": r"[W^x \mid W^h]"}


def check_order(order: str) -> None:
    if order not in CONCAT_ORDERS:
        raise ValueError(
            f"concat_order is {order!r} but must be 'h_first' ([h_{{t-1}}, x_t]) "
            "or 'x_first' ([x_t, h_{t-1}])"
        )


def concat(x: ArrayLike, h_prev: ArrayLike, order: ConcatOrder) -> Array:
    """v = [h_{t-1}, x_t] or [x_t, h_{t-1}]; works on one step (m,), (n,) or on (T, ·) rows."""
    parts = (h_prev, x) if order == "h_first" else (x, h_prev)
    return np.concatenate(parts, axis=-1)


def join_columns(W_h: ArrayLike, W_x: ArrayLike, order: ConcatOrder) -> Array:
    """W = [W^h | W^x] or [W^x | W^h], (rows, n+m): the columns follow v."""
    parts = (W_h, W_x) if order == "h_first" else (W_x, W_h)
    return np.hstack([np.asarray(p, dtype=np.float64) for p in parts])


def split_columns(W: Array, n: int, order: ConcatOrder) -> tuple[Array, Array]:
    """(W^h, W^x), views of W's columns, for n units: the inverse of :func:`join_columns`."""
    if order == "h_first":
        return W[:, :n], W[:, n:]
    m = W.shape[1] - n
    return W[:, m:], W[:, :m]


def concat_labels(n: int, m: int, order: ConcatOrder) -> list[str]:
    """Plain labels of v's entries in order, e.g. ['h[0]', …, 'x[0]', …]."""
    h = [f"h[{k}]" for k in range(n)]
    x = [f"x[{k}]" for k in range(m)]
    return h + x if order == "h_first" else x + h
