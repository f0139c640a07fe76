"""LSTM parameters: four weight matrices and four biases, validated on creation.

Notation
--------
m          input size: x_t has m entries
n          hidden size: h_t, C_t and every gate have n entries (one per cell unit)
v          the concatenated vector, [h_{t-1}, x_t] ("h_first", the textbook
           form) or [x_t, h_{t-1}] ("x_first"); it has n+m entries
W_k        n × (n+m) weights of gate k ∈ {f, i, c, o}; its columns follow v
b_k        n biases of gate k
p_k        n peephole weights of gate k ∈ {f, i, o} (optional): z_k gains p_k∘C, the cell
           state of ``Gate.peephole`` (C_{t-1} for f and i, C_t for o); Gers & Schmidhuber 2000
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from .cell_params import GatedParams
from .cell_params import check_names as check_names  # re-exported: their old home
from .cell_params import plain_fields as plain_fields
from .concat import CONCAT_LATEX as CONCAT_LATEX  # re-exported: the old home of these names
from .concat import CONCAT_ORDERS as CONCAT_ORDERS
from .concat import Array as Array
from .concat import ConcatOrder as ConcatOrder
from .concat import (
    check_order,
    join_columns,
)
from .gates import COUPLED_KEY, GATE_ORDER, GATES, PEEPHOLE_GATES, Gate

MAX_ABS = 1e150  # |W|·|v| ≤ 1e300 and a sum of ≤ 8192 such terms stays below float64's 1.8e308
MAX_DIM = 4096  # a guard against absurd m or n; the app itself uses 1..8


def as_numbers(name: str, value: ArrayLike) -> np.ndarray:
    """``value`` as a float64 array; a ValueError naming ``name`` if it is not numbers."""
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
    a = as_numbers(name, value)
    if a.ndim != 1 or a.shape[0] != length:
        got = f"shape {a.shape}" if a.ndim != 1 else f"length {a.shape[0]}"
        raise ValueError(f"{name} has {got} but must have length {length}: {meaning}")
    _check_finite(name, a)
    a.flags.writeable = False
    return a


def as_matrix(name: str, value: ArrayLike, shape: tuple[int, int], meaning: str) -> Array:
    a = as_numbers(name, value)
    if a.shape != shape:
        raise ValueError(f"{name} has shape {a.shape} but must be {shape}: {meaning}")
    _check_finite(name, a)
    a.flags.writeable = False
    return a


def infer_sizes(raw_W: Mapping[str, Array], raw_b: Mapping[str, Array]) -> tuple[int, int]:
    """(n, m) as most of the weight matrices and biases agree, so a later message can blame
    the odd one out; a ValueError if no sizes can be read or they are impossible."""
    rows = [a.shape[0] for a in raw_W.values() if a.ndim == 2]
    rows += [a.shape[0] for a in raw_b.values() if a.ndim == 1]
    cols = [a.shape[1] for a in raw_W.values() if a.ndim == 2]
    if not rows or not cols:
        names = list(raw_W)
        raise ValueError(
            f"{', '.join(names[:-1])} and {names[-1]} must each be a table of numbers (a 2-D array)"
        )
    n, width = Counter(rows).most_common(1)[0][0], Counter(cols).most_common(1)[0][0]
    m = width - n
    if n < 1 or m < 1:
        raise ValueError(
            f"the weight matrices have {width} columns and the biases {n} entries, but a "
            f"gate's W needs n+m columns with n ≥ 1 hidden units and m ≥ 1 inputs, "
            f"so more columns than bias entries"
        )
    if n > MAX_DIM or m > MAX_DIM:
        raise ValueError(f"n={n} and m={m} must each be at most {MAX_DIM}")
    return n, m


def gate_arrays(
    gates: Sequence[Gate], owner: object, order: ConcatOrder, unit: str = "unit"
) -> tuple[dict[str, Array], int, int]:
    """The validated, read-only W_k (n, n+m) and b_k (n,) of ``gates`` read off ``owner``,
    with (n, m): the shared check of every gated cell's weights. ``unit`` names a row."""
    raw_W = {g.W: as_numbers(g.W, getattr(owner, g.W)) for g in gates}
    raw_b = {g.b: as_numbers(g.b, getattr(owner, g.b)) for g in gates}
    n, m = infer_sizes(raw_W, raw_b)
    concat = CONCAT_LATEX[order]
    out: dict[str, Array] = {}
    for g in gates:
        out[g.W] = as_matrix(
            g.W,
            raw_W[g.W],
            (n, n + m),
            f"n={n} rows, one per {unit}, and n+m={n + m} columns, one per entry of {concat}",
        )
        out[g.b] = as_vector(g.b, raw_b[g.b], n, f"one bias per {unit} (n={n})")
    return out, n, m


def stack_gates(
    params: Any, keys: Sequence[str], dtype: type[np.floating] | np.dtype = np.float64
) -> tuple[Array, Array, Array]:
    """(W^h, W^x, b) of ``params``' gates ``keys``, each block below the previous one: new
    C-contiguous arrays (k·n, n), (k·n, m), (k·n,). ``params`` has ``split`` and ``b``."""
    W_h = np.vstack([params.split(k)[0] for k in keys], dtype=dtype)
    W_x = np.vstack([params.split(k)[1] for k in keys], dtype=dtype)
    b = np.concatenate([params.b(k) for k in keys], dtype=dtype)
    return W_h, W_x, b


def init_scale(n: int, scale: float | None) -> float:
    """``scale``, or torch's default 1/sqrt(n) where it is None: weights are drawn in ±that."""
    return 1.0 / np.sqrt(n) if scale is None else float(scale)


def uniform_gates(
    gates: Sequence[Gate],
    n: int,
    m: int,
    rng: np.random.Generator,
    scale: float | None,
) -> dict[str, Array]:
    """W_k (n, n+m) and b_k (n,) uniform in [-scale, scale] (default 1/sqrt(n), torch's
    initialisation), drawn W_k, b_k gate after gate in the order of ``gates``."""
    s = init_scale(n, scale)
    arrays: dict[str, Array] = {}
    for g in gates:
        arrays[g.W] = rng.uniform(-s, s, (n, n + m))
        arrays[g.b] = rng.uniform(-s, s, n)
    return arrays


@dataclass(frozen=True, eq=False)
class LSTMParams(GatedParams):
    """Weights and biases of one LSTM cell; see the module docstring for notation.

    Equations (each W_k acts on v, the concatenation in ``concat_order``)
    ---------
    f_t  = σ(W_f·v + b_f)            forget gate
    i_t  = σ(W_i·v + b_i)            input gate
    C̃_t  = tanh(W_c·v + b_c)         candidate
    o_t  = σ(W_o·v + b_o)            output gate

    Variants. With peepholes p_f, p_i, p_o (each (n,) or None, meaning no peephole):
    f_t = σ(W_f·v + b_f + p_f∘C_{t-1}),  i_t = σ(W_i·v + b_i + p_i∘C_{t-1}),
    o_t = σ(W_o·v + b_o + p_o∘C_t). With ``coupled=True``: i_t = 1 − f_t, and W_i, b_i
    (and p_i) are unused.
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
    p_f: Array | None = None  # (n,) peephole weights; None: no peephole
    p_i: Array | None = None
    p_o: Array | None = None
    coupled: bool = False

    gate_table: ClassVar[tuple[Gate, ...]] = GATES

    def __post_init__(self) -> None:
        check_order(self.concat_order)
        arrays, n, _ = gate_arrays(GATES, self, self.concat_order, unit="cell unit")
        for g in PEEPHOLE_GATES:
            if (p := getattr(self, g.p)) is not None:
                meaning = f"one peephole weight per cell unit (n={n}), on {g.peephole_symbol}"
                arrays[g.p] = as_vector(g.p, p, n, meaning)
        for name, a in arrays.items():
            object.__setattr__(self, name, a)
        if not isinstance(self.coupled, bool | np.bool_):
            raise ValueError(
                f"coupled is {self.coupled!r} but must be True (i_t = 1 − f_t) or False"
            )
        object.__setattr__(self, "coupled", bool(self.coupled))

    # -- sizes and variants (n_hidden, n_input, W, b, split, concat: GatedParams) --
    @property
    def peepholes(self) -> bool:
        """Whether any gate has a peephole vector."""
        return any(getattr(self, g.p) is not None for g in PEEPHOLE_GATES)

    @property
    def plain(self) -> bool:
        """No peepholes and no coupling: the textbook LSTM (and torch's)."""
        return not self.peepholes and not self.coupled

    @property
    def n_params(self) -> int:
        """Numbers the cell uses: n(n+m+1) per gate (three when coupled), n per peephole."""
        n, m = self.n_hidden, self.n_input
        gates = len(GATES) - (1 if self.coupled else 0)
        peeps = [g.p for g in PEEPHOLE_GATES if not (self.coupled and g.key == COUPLED_KEY)]
        return gates * n * (n + m + 1) + n * sum(getattr(self, p) is not None for p in peeps)

    def p(self, key: str) -> Array | None:
        """The peephole vector of gate ``key``, or None (no peephole; always None for "c")."""
        return getattr(self, f"p_{key}", None)

    # -- the gates' blocks, one at a time or stacked -------------------------
    @classmethod
    def from_blocks(
        cls,
        W_h: Mapping[str, ArrayLike],
        W_x: Mapping[str, ArrayLike],
        b: Mapping[str, ArrayLike],
        concat_order: ConcatOrder = "h_first",
    ) -> LSTMParams:
        """The cell whose gate k has W_k^h = ``W_h[k]`` (n, n), W_k^x = ``W_x[k]`` (n, m) and
        b_k = ``b[k]`` (n,); each mapping is keyed by gate key "f", "i", "c", "o".

        The columns are laid out for ``concat_order``, so ``p.split(k)`` gives the blocks back.
        """
        for name, blocks in (("W_h", W_h), ("W_x", W_x), ("b", b)):
            _check_keys(name, blocks)
        check_order(concat_order)
        arrays: dict[str, Any] = {g.b: b[g.key] for g in GATES}
        for g in GATES:
            try:
                arrays[g.W] = join_columns(W_h[g.key], W_x[g.key], concat_order)
            except ValueError:
                raise ValueError(
                    f"W_h[{g.key!r}] and W_x[{g.key!r}] must be tables of numbers with the same "
                    "number of rows (n, one per cell unit)"
                ) from None
        return cls(**arrays, concat_order=concat_order)

    @classmethod
    def from_stacked(
        cls,
        W_h: ArrayLike,
        W_x: ArrayLike,
        b: ArrayLike,
        order: Sequence[str] = GATE_ORDER,
        concat_order: ConcatOrder = "h_first",
    ) -> LSTMParams:
        """The inverse of :meth:`stacked`: W^h (4n, n), W^x (4n, m) and b (4n,) hold the gates'
        blocks one below the other in ``order`` (e.g. "ifco" for torch and Keras)."""
        keys = _gate_order(order)
        stacks = {"W_h": np.asarray(W_h), "W_x": np.asarray(W_x), "b": np.asarray(b)}
        rows = stacks["b"].shape[0] if stacks["b"].ndim == 1 else 0
        if rows == 0 or rows % len(keys):
            raise ValueError(
                f"b must be a vector of 4n numbers (n per gate), got {stacks['b'].shape}"
            )
        n = rows // len(keys)
        blocks = {
            name: {k: a[j * n : (j + 1) * n] for j, k in enumerate(keys)}
            for name, a in stacks.items()
        }
        return cls.from_blocks(blocks["W_h"], blocks["W_x"], blocks["b"], concat_order)

    def stacked(
        self, order: Sequence[str] = GATE_ORDER, dtype: type[np.floating] | np.dtype = np.float64
    ) -> tuple[Array, Array, Array]:
        """(W^h, W^x, b) of all four gates, each gate's block below the previous one in
        ``order`` (default GATES order "fico"; torch and Keras use "ifco"):
        shapes (4n, n), (4n, m), (4n,), new C-contiguous arrays of ``dtype``."""
        return stack_gates(self, _gate_order(order), dtype)

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
        seed: int | np.random.Generator | None = 0,
        scale: float | None = None,
        concat_order: ConcatOrder = "h_first",
    ) -> LSTMParams:
        """Uniform weights and biases in [-scale, scale]; scale defaults to
        1/sqrt(n), torch's initialisation. ``seed`` may be a Generator, which is
        advanced (W_f, b_f, W_i, b_i, … in GATES order)."""
        rng = np.random.default_rng(seed)
        arrays: dict[str, Any] = uniform_gates(GATES, n_hidden, n_input, rng, scale)
        return cls(**arrays, concat_order=concat_order)

    def with_concat_order(self, order: ConcatOrder) -> LSTMParams:
        """The same cell written for the other concatenation: columns are moved, so
        every output is unchanged."""
        if order == self.concat_order:
            return self
        moved = LSTMParams.from_stacked(*self.stacked(), concat_order=order)
        return moved.replace(**self.variant_fields())

    def variant_fields(self) -> dict[str, Any]:
        """The peepholes that are set, and ``coupled`` if True: what a plain LSTM lacks."""
        out: dict[str, Any] = {g.p: getattr(self, g.p) for g in PEEPHOLE_GATES}
        out = {k: v for k, v in out.items() if v is not None}
        return out | ({"coupled": True} if self.coupled else {})

    def to_dict(self) -> dict[str, Any]:
        """Plain lists and strings, e.g. for JSON; peepholes and ``coupled`` only when set."""
        plain = super().to_dict()
        for name in _VARIANT_NAMES - set(self.variant_fields()):
            del plain[name]
        return plain


_VARIANT_NAMES = {g.p for g in PEEPHOLE_GATES} | {"coupled"}


def _gate_order(order: Sequence[str]) -> tuple[str, ...]:
    keys = tuple(order)
    if sorted(keys) != sorted(GATE_ORDER):
        raise ValueError(
            f"gate order {''.join(map(str, keys))!r} must list each of the gate keys "
            f"{', '.join(GATE_ORDER)} once, e.g. {GATE_ORDER!r} or 'ifco'"
        )
    return keys


def _check_keys(name: str, blocks: Mapping[str, Any]) -> None:
    keys = set(blocks) if isinstance(blocks, Mapping) else set()
    if keys != set(GATE_ORDER):
        raise ValueError(
            f"{name} must map each gate key {', '.join(GATE_ORDER)} to its block, "
            f"got keys {sorted(map(str, keys))}"
        )
