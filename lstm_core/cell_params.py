"""What every cell's parameters share: sizes, the concatenation v, plain dicts, copies.

Notation
--------
m, n       input size and hidden size: x_t has m entries, h_t has n
v          the concatenation [h_{t-1}, x_t] ("h_first") or [x_t, h_{t-1}] ("x_first")  (n+m,)
W_k, b_k   the n × (n+m) weights and n biases of gate k of a gated cell (LSTM, GRU);
           a plain RNN has one W and one b

Each parameter class is a frozen dataclass that validates its own arrays and keeps only
what is its own (its gate table, extra arrays, flags); :class:`CellParams` (and, for the
gated cells, :class:`GatedParams`) supplies the rest, written once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import MISSING, fields
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import ArrayLike

from .concat import Array, ConcatOrder, concat, concat_labels, split_columns
from .gates import Gate


def plain_fields(obj: Any) -> dict[str, Any]:
    """A dataclass's fields as plain lists, booleans, strings and None, e.g. for JSON."""
    d: dict[str, Any] = {f.name: getattr(obj, f.name) for f in fields(obj)}
    return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in d.items()}


def check_names(cls: Any, d: Mapping[str, Any], optional: set[str]) -> None:
    """A ValueError unless ``d`` is a mapping of ``cls``'s field names with every name that is
    not ``optional``."""
    if not isinstance(d, Mapping):
        raise ValueError(f"params must be a mapping of names to arrays, got {type(d).__name__}")
    names = {f.name for f in fields(cls)}
    if unknown := set(d) - names:
        raise ValueError(f"unknown parameter name(s): {', '.join(sorted(map(str, unknown)))}")
    if missing := names - set(d) - optional:
        raise ValueError(f"missing parameter(s): {', '.join(sorted(missing))}")


class CellParams:
    """The plumbing of a cell's parameters; a subclass is a frozen dataclass with a
    ``concat_order`` field whose ``_sized_by`` gives one W (n, n+m) and its b (n,)."""

    concat_order: ConcatOrder

    def _sized_by(self) -> tuple[Array, Array]:
        """A weight matrix (n, n+m) and its bias (n,): where n and m are read."""
        raise NotImplementedError

    @property
    def n_hidden(self) -> int:
        """n: units; the size of h_t and of every gate (and of C_t in an LSTM)."""
        return int(self._sized_by()[1].shape[0])

    @property
    def n_input(self) -> int:
        """m: entries of the input x_t."""
        return int(self._sized_by()[0].shape[1]) - self.n_hidden

    def concat(self, x: ArrayLike, h_prev: ArrayLike) -> Array:
        """v in this cell's ``concat_order``, for one step or for (T, ·) rows (a GRU's W_n
        also takes r_t∘h_{t-1} in place of h_{t-1})."""
        return concat(x, h_prev, self.concat_order)

    def concat_labels(self) -> list[str]:
        """Plain labels of v's entries in order, e.g. ['h[0]', …, 'x[0]', …]."""
        return concat_labels(self.n_hidden, self.n_input, self.concat_order)

    def replace(self, **changes: Any) -> Self:
        """A copy with some arrays or flags (or the concat order) replaced, validated again."""
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def to_dict(self) -> dict[str, Any]:
        """Plain lists, booleans and strings, e.g. for JSON."""
        return plain_fields(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Self:
        """The inverse of :meth:`to_dict`; the fields with a default may be left out."""
        optional = {
            f.name
            for f in fields(cls)  # type: ignore[arg-type]
            if f.default is not MISSING or f.default_factory is not MISSING
        }
        check_names(cls, d, optional)
        return cls(**d)


class GatedParams(CellParams):
    """A gated cell's parameters: W_k (n, n+m) and b_k (n,) for each gate k of ``gate_table``
    (fields named ``Gate.W`` and ``Gate.b``), read by gate key."""

    gate_table: ClassVar[tuple[Gate, ...]]

    def _sized_by(self) -> tuple[Array, Array]:
        key = self.gate_table[0].key
        return self.W(key), self.b(key)

    def W(self, key: str) -> Array:
        """The weight matrix of gate ``key`` (e.g. "f" for an LSTM, "r" for a GRU)."""
        return getattr(self, f"W_{key}")

    def b(self, key: str) -> Array:
        return getattr(self, f"b_{key}")

    def split(self, key: str) -> tuple[Array, Array]:
        """(W^h, W^x): the columns of W_key that multiply h_{t-1} and x_t."""
        return split_columns(self.W(key), self.n_hidden, self.concat_order)
