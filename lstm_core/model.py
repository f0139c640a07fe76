"""The app's model: one LSTM cell's parameters and the inputs of one step.

Notation
--------
m, n       input size and number of units
x_t        the input                      (m,)
h_{t-1}    the previous hidden state      (n,)
C_{t-1}    the previous cell state        (n,)

A :class:`CellModel` is everything :func:`lstm_core.step` needs; the app edits one at a
time (every change is a validated copy) and writes it to the URL and to files through
:meth:`CellModel.to_dict` / :meth:`CellModel.from_dict`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .gates import GATES, PEEPHOLE_GATES
from .params import Array, LSTMParams, as_vector

INPUTS = ("x", "h_prev", "c_prev")  # the fields that are not parameters


@dataclass(frozen=True, eq=False)
class CellModel:
    """Everything one step needs: the cell's parameters and x_t, h_{t-1}, C_{t-1}."""

    params: LSTMParams
    x: Array  # (m,)
    h_prev: Array  # (n,)
    c_prev: Array  # (n,)

    def __post_init__(self) -> None:
        n, m = self.params.n_hidden, self.params.n_input
        object.__setattr__(self, "x", as_vector("x_t", self.x, m, f"m={m} inputs"))
        object.__setattr__(self, "h_prev", as_vector("h_{t-1}", self.h_prev, n, f"n={n} units"))
        object.__setattr__(self, "c_prev", as_vector("C_{t-1}", self.c_prev, n, f"n={n} units"))

    # -- one array at a time ------------------------------------------------------------
    def get_array(self, field: str) -> Array:
        """The array called ``field``: W_k, b_k (k in f, i, c, o), p_k (k in f, i, o; None if
        the cell has no such peephole), x, h_prev or c_prev."""
        owner: Any = self if field in INPUTS else self.params
        return getattr(owner, _known(field))

    def with_array(self, field: str, array: ArrayLike) -> CellModel:
        """A copy with one whole array replaced (validated again)."""
        if field in INPUTS:
            parts: dict[str, Any] = {k: getattr(self, k) for k in INPUTS} | {field: array}
            return CellModel(self.params, **parts)
        return CellModel(
            self.params.replace(**{_known(field): array}), self.x, self.h_prev, self.c_prev
        )

    def with_entry(self, field: str, index: tuple[int, ...], value: float) -> CellModel:
        """A copy with one number changed, e.g. ``("W_f", (0, 2), 0.5)``; a peephole that is
        None starts from zeros."""
        current = self.get_array(field)
        if current is None:
            current = np.zeros(self.params.n_hidden)
        out = np.array(current, dtype=np.float64)
        out[index] = value
        return self.with_array(field, out)

    def resized(self, n_input: int, n_hidden: int) -> CellModel:
        """The same model with m and n changed: overlapping entries are kept, new ones are 0.

        Entries keep their meaning (weight from h[j] or x[j] to unit r, in gate k),
        whatever the concatenation order.
        """
        p, m, n, k = self.params, n_input, n_hidden, len(GATES)
        n0, m0 = p.n_hidden, p.n_input
        W_h, W_x, b = p.stacked()  # (4n, n), (4n, m), (4n,): one block per gate
        params = LSTMParams.from_stacked(
            _fit(W_h.reshape(k, n0, n0), (k, n, n)).reshape(k * n, n),
            _fit(W_x.reshape(k, n0, m0), (k, n, m)).reshape(k * n, m),
            _fit(b.reshape(k, n0), (k, n)).reshape(k * n),
            concat_order=p.concat_order,
        ).replace(
            **{k: _fit(v, (n,)) if k != "coupled" else v for k, v in p.variant_fields().items()}
        )
        return CellModel(
            params, _fit(self.x, (m,)), _fit(self.h_prev, (n,)), _fit(self.c_prev, (n,))
        )

    # -- plain data -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain lists, floats and strings (JSON-ready); :meth:`from_dict` reads it back
        bit for bit, -0.0 and subnormals included."""
        return {"params": self.params.to_dict(), **{k: getattr(self, k).tolist() for k in INPUTS}}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CellModel:
        """The model of :meth:`to_dict`, or a ValueError that names what is missing or wrong."""
        if not isinstance(d, Mapping):
            raise ValueError(f"a model must be a mapping, got {type(d).__name__}")
        expected = {"params", *INPUTS}
        if unknown := set(d) - expected:
            raise ValueError(f"unknown model field(s): {', '.join(sorted(map(str, unknown)))}")
        if missing := expected - set(d):
            raise ValueError(f"missing model field(s): {', '.join(sorted(missing))}")
        return cls(LSTMParams.from_dict(d["params"]), d["x"], d["h_prev"], d["c_prev"])


def resize_note(m0: int, n0: int, m: int, n: int) -> str | None:
    """What :meth:`CellModel.resized` from (m0, n0) to (m, n) drops or adds, in words.

    ``"n 3 → 2: dropped row 2 of each W, entry 2 of each b, the column of h_t-1[2] in each
    W, and entry 2 of h_t-1 and C_t-1; every other entry is kept."`` None when nothing changes.
    """
    parts = []
    if n < n0:
        k = _which(n, n0)
        parts.append(
            f"n {n0} → {n}: dropped {k[0]} of each W, {k[3]} {k[2]} of each b, the {k[1]} "
            f"of h_t-1[{k[2]}] in each W, and {k[3]} {k[2]} of h_t-1 and C_t-1"
        )
    elif n > n0:
        parts.append(f"n {n0} → {n}: the new units' weights, biases and states are 0")
    if m < m0:
        k = _which(m, m0)
        parts.append(
            f"m {m0} → {m}: dropped the {k[1]} of x_t[{k[2]}] in each W and {k[3]} {k[2]} of x_t"
        )
    elif m > m0:
        parts.append(f"m {m0} → {m}: the new inputs and their weights are 0")
    if not parts:
        return None
    return "; ".join(parts) + ("; every other entry is kept." if m < m0 or n < n0 else ".")


def _which(new: int, old: int) -> tuple[str, str, str, str]:
    """('rows 2–3', 'columns', '2–3', 'entries') for the indices new..old-1 (one or more)."""
    one = old - new == 1
    idx = str(new) if one else f"{new}–{old - 1}"
    return (
        f"row {idx}" if one else f"rows {idx}",
        "column" if one else "columns",
        idx,
        "entry" if one else "entries",
    )


def _known(field: str) -> str:
    names = {g.W for g in GATES} | {g.b for g in GATES} | {g.p for g in PEEPHOLE_GATES}
    names |= set(INPUTS)
    if field not in names:
        raise ValueError(f"unknown array {field!r}; choose one of: {', '.join(sorted(names))}")
    return field


def _fit(a: Array, shape: tuple[int, ...]) -> Array:
    """``a`` cut or zero-padded to ``shape``, from the first entry of every axis."""
    out = np.zeros(shape)
    common = tuple(slice(0, min(s, t)) for s, t in zip(a.shape, shape, strict=True))
    out[common] = a[common]
    return out
