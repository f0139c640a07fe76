"""LSTM parameters: four weight matrices and four biases, validated on creation.

Notation
--------
m          input size: x_t has m entries
n          hidden size: h_t, C_t and every gate have n entries (one per cell unit)
v          the concatenated vector, [h_{t-1}, x_t] ("h_first", the textbook
           form) or [x_t, h_{t-1}] ("x_first"); it has n+m entries
W_k        n × (n+m) weights of gate k ∈ {f, i, c, o}; its columns follow v
b_k        n biases of gate k
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .gates import GATES

ConcatOrder = Literal["h_first", "x_first"]
CONCAT_ORDERS: tuple[ConcatOrder, ...] = ("h_first", "x_first")
CONCAT_LATEX = {"h_first": "[h_{t-1}, x_t]", "x_first": "[x_t, h_{t-1}]"}
MAX_ABS = 1e150  # |W|·|v| ≤ 1e300 and a sum of ≤ 8192 such terms stays below float64's 1.8e308
MAX_SIZE = 4096  # a guard against absurd sizes; the app itself uses 1..8

Array = NDArray[Any]


def _numbers(name: str, value: ArrayLike) -> np.ndarray:
    try:
        a = np.array(value, dtype=np.float64)
    except (ValueError, TypeError):
        raise ValueError(
            f"{name} must be numbers in a rectangular layout: every row the same length, "
            "every entry a number"
        ) from None
    return a


def _first(mask: np.ndarray) -> tuple[int, ...] | None:
    where = np.argwhere(mask)
    return tuple(int(k) for k in where[0]) if where.size else None


def _position(a: np.ndarray, where: tuple[int, ...]) -> str:
    return f"entry {where[0]}" if a.ndim == 1 else f"row {where[0]}, column {where[1]}"


def _check_finite(name: str, a: np.ndarray) -> None:
    if (where := _first(~np.isfinite(a))) is not None:
        raise ValueError(
            f"{name} has a non-finite value ({a[where]}) at {_position(a, where)} "
            "(counting from 0); every entry must be a finite number"
        )
    if (where := _first(np.abs(a) > MAX_ABS)) is not None:
        raise ValueError(
            f"{name} has the value {a[where]:g} at {_position(a, where)} (counting from 0); "
            f"entries must lie within ±{MAX_ABS:g} so that W·v cannot overflow"
        )


def as_vector(name: str, value: ArrayLike, length: int, meaning: str) -> Array:
    """``value`` as a read-only float vector of ``length``, or a clear ValueError."""
    a = _numbers(name, value)
    if a.ndim != 1 or a.shape[0] != length:
        got = f"shape {a.shape}" if a.ndim != 1 else f"length {a.shape[0]}"
        raise ValueError(f"{name} has {got} but must have length {length}: {meaning}")
    _check_finite(name, a)
    a.flags.writeable = False
    return a


def as_matrix(name: str, value: ArrayLike, shape: tuple[int, int], meaning: str) -> Array:
    a = _numbers(name, value)
    if a.shape != shape:
        raise ValueError(f"{name} has shape {a.shape} but must be {shape}: {meaning}")
    _check_finite(name, a)
    a.flags.writeable = False
    return a


def _most_common(values: list[int]) -> int:
    return Counter(values).most_common(1)[0][0]


@dataclass(frozen=True, eq=False)
class LSTMParams:
    """Weights and biases of one LSTM cell; see the module docstring for notation.

    Equations (each W_k acts on v, the concatenation in ``concat_order``)
    ---------
    f_t  = σ(W_f·v + b_f)            forget gate
    i_t  = σ(W_i·v + b_i)            input gate
    C̃_t  = tanh(W_c·v + b_c)         candidate
    o_t  = σ(W_o·v + b_o)            output gate
    """

    W_f: Array
    W_i: Array
    W_c: Array
    W_o: Array
    b_f: Array
    b_i: Array
    b_c: Array
    b_o: Array
    concat_order: ConcatOrder = field(default="h_first")

    def __post_init__(self) -> None:
        if self.concat_order not in CONCAT_ORDERS:
            raise ValueError(
                f"concat_order is {self.concat_order!r} but must be 'h_first' "
                "([h_{t-1}, x_t]) or 'x_first' ([x_t, h_{t-1}])"
            )
        raw_W = {g.W: _numbers(g.W, getattr(self, g.W)) for g in GATES}
        raw_b = {g.b: _numbers(g.b, getattr(self, g.b)) for g in GATES}
        # Sizes come from what most arrays agree on, so the message can blame the odd one out.
        rows = [a.shape[0] for a in raw_W.values() if a.ndim == 2]
        rows += [a.shape[0] for a in raw_b.values() if a.ndim == 1]
        cols = [a.shape[1] for a in raw_W.values() if a.ndim == 2]
        if not rows or not cols:
            raise ValueError("W_f, W_i, W_c and W_o must each be a table of numbers (a 2-D array)")
        n, width = _most_common(rows), _most_common(cols)
        m = width - n
        if n < 1 or m < 1:
            raise ValueError(
                f"the weight matrices have {width} columns and the biases {n} entries, but a "
                f"gate's W needs n+m columns with n ≥ 1 hidden units and m ≥ 1 inputs, "
                f"so more columns than bias entries"
            )
        if n > MAX_SIZE or m > MAX_SIZE:
            raise ValueError(f"n={n} and m={m} must each be at most {MAX_SIZE}")
        concat = CONCAT_LATEX[self.concat_order]
        for g in GATES:
            W = as_matrix(
                g.W,
                raw_W[g.W],
                (n, n + m),
                f"n={n} rows, one per cell unit, and n+m={n + m} columns, "
                f"one per entry of {concat}",
            )
            b = as_vector(g.b, raw_b[g.b], n, f"one bias per cell unit (n={n})")
            object.__setattr__(self, g.W, W)
            object.__setattr__(self, g.b, b)

    # -- sizes -------------------------------------------------------------
    @property
    def n_hidden(self) -> int:
        """n: cell units; the size of h_t, C_t and every gate."""
        return int(self.b_f.shape[0])

    @property
    def n_input(self) -> int:
        """m: entries of the input x_t."""
        return int(self.W_f.shape[1]) - self.n_hidden

    # -- views -------------------------------------------------------------
    def W(self, key: str) -> Array:
        """The weight matrix of gate ``key`` ("f", "i", "c" or "o")."""
        return getattr(self, f"W_{key}")  # type: ignore[no-any-return]

    def b(self, key: str) -> Array:
        return getattr(self, f"b_{key}")  # type: ignore[no-any-return]

    def split(self, key: str) -> tuple[Array, Array]:
        """(W^h, W^x): the columns of W_key that multiply h_{t-1} and x_t."""
        W, n, m = self.W(key), self.n_hidden, self.n_input
        if self.concat_order == "h_first":
            return W[:, :n], W[:, n:]
        return W[:, m:], W[:, :m]

    def concat(self, x: Array, h_prev: Array) -> Array:
        parts = (h_prev, x) if self.concat_order == "h_first" else (x, h_prev)
        return np.concatenate(parts, axis=-1)

    def concat_labels(self) -> list[str]:
        """Plain labels of v's entries in order, e.g. ['h[0]', …, 'x[0]', …]."""
        h = [f"h[{k}]" for k in range(self.n_hidden)]
        x = [f"x[{k}]" for k in range(self.n_input)]
        return h + x if self.concat_order == "h_first" else x + h

    # -- constructors and copies ------------------------------------------
    @classmethod
    def zeros(
        cls, n_input: int, n_hidden: int, concat_order: ConcatOrder = "h_first"
    ) -> LSTMParams:
        n, m = n_hidden, n_input
        arrays: dict[str, Any] = {g.W: np.zeros((n, n + m)) for g in GATES}
        arrays |= {g.b: np.zeros(n) for g in GATES}
        return cls(**arrays, concat_order=concat_order)

    @classmethod
    def random(
        cls,
        n_input: int,
        n_hidden: int,
        seed: int | None = 0,
        scale: float | None = None,
        concat_order: ConcatOrder = "h_first",
    ) -> LSTMParams:
        """Uniform weights and biases in [-scale, scale]; scale defaults to
        1/sqrt(n), torch's initialisation."""
        n, m = n_hidden, n_input
        s = 1.0 / np.sqrt(n) if scale is None else float(scale)
        rng = np.random.default_rng(seed)
        arrays: dict[str, Any] = {}
        for g in GATES:
            arrays[g.W] = rng.uniform(-s, s, (n, n + m))
            arrays[g.b] = rng.uniform(-s, s, n)
        return cls(**arrays, concat_order=concat_order)

    def replace(self, **changes: Any) -> LSTMParams:
        """A copy with some arrays (or the concat order) replaced, validated again."""
        current = {f.name: getattr(self, f.name) for f in fields(self)}
        return LSTMParams(**(current | changes))

    def with_concat_order(self, order: ConcatOrder) -> LSTMParams:
        """The same cell written for the other concatenation: columns are moved, so
        every output is unchanged."""
        if order == self.concat_order:
            return self
        moved: dict[str, Any] = {}
        for g in GATES:
            W_h, W_x = self.split(g.key)
            moved[g.W] = np.hstack([W_h, W_x] if order == "h_first" else [W_x, W_h])
        return self.replace(**moved, concat_order=order)

    def to_dict(self) -> dict[str, Any]:
        """Plain lists and strings, e.g. for JSON."""
        d: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in d.items()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LSTMParams:
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ValueError(f"unknown parameter name(s): {', '.join(sorted(unknown))}")
        missing = names - set(d) - {"concat_order"}
        if missing:
            raise ValueError(f"missing parameter(s): {', '.join(sorted(missing))}")
        return cls(**d)

    def stacked(self, dtype: type[np.floating] = np.float64) -> tuple[Array, Array, Array]:
        """(W^h, W^x, b) of all four gates stacked in GATES order: (4n, n), (4n, m), (4n,)."""
        W_h = np.vstack([self.split(g.key)[0] for g in GATES]).astype(dtype)
        W_x = np.vstack([self.split(g.key)[1] for g in GATES]).astype(dtype)
        b = np.concatenate([self.b(g.key) for g in GATES]).astype(dtype)
        return W_h, W_x, b
