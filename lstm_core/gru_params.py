"""GRU parameters: the table of its three gates, validation, and torch's layout.

Notation
--------
m, n       input size and hidden size, as for the LSTM (a GRU has no cell state: h_t is all)
v          the concatenation [h_{t-1}, x_t] ("h_first") or [x_t, h_{t-1}] ("x_first")  (n+m,)
W_k        n × (n+m) weights of gate k ∈ {r, z, n}; columns follow v
W_k^h, W_k^x   the columns of W_k that multiply h_{t-1} and x_t (``split``)
b_k        n biases of gate k
b_hn       n biases inside the reset product, only with ``reset_after=True``

Equations (torch.nn.GRU's and Keras's default, ``reset_after=True``)
---------
r_t = σ(W_r·v + b_r)                                   reset gate
z_t = σ(W_z·v + b_z)                                   update gate
n_t = tanh(W_n^x·x_t + b_n + r_t∘(W_n^h·h_{t-1} + b_hn))   candidate
h_t = (1 − z_t)∘n_t + z_t∘h_{t-1}

With ``reset_after=False`` (Cho et al. 2014, arXiv:1406.1078) only the candidate changes:
n_t = tanh(W_n·[r_t∘h_{t-1}, x_t] + b_n)          r_t acts on h_{t-1} BEFORE W_n^h
Keras's GRU docstring traces reset_after=False to version 3 of that paper and
reset_after=True ("the order reversed") to its version 1.

Biases. torch keeps two bias vectors, b_ih = [b_ir, b_iz, b_in] and b_hh = [b_hr, b_hz, b_hn].
For r and z only their sum acts (b_r = b_ir + b_hr), as in the LSTM. For the candidate
with reset_after=True they cannot be summed: b_in = b_n sits outside r_t∘(…) and b_hn
inside, so the textbook form keeps b_hn as a fourth bias. With reset_after=False a bias
inside W_n·[r∘h, x] would just add to b_n, so there is no b_hn (Keras's reset_after=False
likewise has one bias vector). Cho et al. write no biases at all.

The update. h_t = (1 − z_t)∘n_t + z_t∘h_{t-1}: z_t = 1 KEEPS the old state. This is
torch's, Keras's and Cho et al. 2014's own form (h_j = z_j·h_j^{<t-1>} + (1 − z_j)·h̃_j).
Chung et al. 2014 (arXiv:1412.3555), colah's "Understanding LSTM Networks" and Wikipedia
write z and 1 − z the other way round, so there z_t = 1 takes the candidate.
The two are the same model with z_t ↔ 1 − z_t, i.e. W_z and b_z negated (1 − σ(a) = σ(−a)).

Parameter counts: 3n(n+m+1) numbers with reset_after=False, 3n(n+m+1) + n (b_hn) with
reset_after=True; torch's layout stores 3n(n+m+2) (both bias vectors, 3n each).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from .cell_params import GatedParams
from .concat import (
    Array,
    ConcatOrder,
    check_order,
    join_columns,
)
from .gates import Gate
from .params import (
    as_matrix,
    as_numbers,
    as_vector,
    gate_arrays,
    init_scale,
    stack_gates,
    uniform_gates,
)

# The one table of the GRU's gates, in the style of lstm_core.gates.GATES; the math of
# lstm_core.gru and the UI iterate over it. torch_index is the block of torch.nn.GRU's
# weight_ih/hh (order r, z, n); Keras orders its kernel z, r, h instead.
GRU_GATES: tuple[Gate, ...] = (
    Gate(
        key="r",
        name="reset gate",
        symbol="r_t",
        plain="r_t",
        value="r",
        activation_name="sigmoid",
        role="How much of each unit's previous state h_{t-1} the candidate may use: "
        "0 hides it, 1 shows it all.",
        torch_index=0,
    ),
    Gate(
        key="z",
        name="update gate",
        symbol="z_t",
        plain="z_t",
        value="z",
        activation_name="sigmoid",
        role="How much of each unit's previous state h_{t-1} to keep: 1 keeps it, "
        "0 replaces it by the candidate n_t.",
        torch_index=1,
    ),
    Gate(
        key="n",
        name="candidate",
        symbol="n_t",
        plain="n_t",
        value="n",
        activation_name="tanh",
        role="The new value each unit could take, between -1 and 1.",
        torch_index=2,
    ),
)
GRU_GATE_BY_KEY: dict[str, Gate] = {g.key: g for g in GRU_GATES}
CANDIDATE = "n"  # the gate that the reset gate acts inside
GRU_GATE_ORDER = "".join(g.key for g in GRU_GATES)  # "rzn"
GRU_TORCH_ORDER = "".join(g.key for g in sorted(GRU_GATES, key=lambda g: g.torch_index))


@dataclass(frozen=True, eq=False)
class GRUParams(GatedParams):
    """Weights and biases of one GRU cell; see the module docstring for the equations.

    ``b_hn`` is required to be absent (None) with ``reset_after=False``; with
    ``reset_after=True`` it defaults to zeros. Sizes, W(k), b(k), split(k), concat,
    to_dict and from_dict come from :class:`GatedParams`.
    """

    W_r: Array  # (n, n+m)
    W_z: Array
    W_n: Array
    b_r: Array  # (n,)
    b_z: Array
    b_n: Array
    b_hn: Array | None = None  # (n,) only with reset_after=True
    reset_after: bool = True
    concat_order: ConcatOrder = field(default="h_first")

    gate_table: ClassVar[tuple[Gate, ...]] = GRU_GATES

    def __post_init__(self) -> None:
        check_order(self.concat_order)
        if not isinstance(self.reset_after, bool | np.bool_):
            raise ValueError(
                f"reset_after is {self.reset_after!r} but must be True (torch, Keras) "
                "or False (Cho et al. 2014)"
            )
        object.__setattr__(self, "reset_after", bool(self.reset_after))
        arrays, n, _ = gate_arrays(GRU_GATES, self, self.concat_order)
        for name, a in arrays.items():
            object.__setattr__(self, name, a)
        if not self.reset_after:
            if self.b_hn is not None:
                raise ValueError(
                    "b_hn is given but reset_after is False: in n_t = tanh(W_n·[r_t∘h_{t-1}, "
                    "x_t] + b_n) a second candidate bias would only add to b_n; pass b_hn=None"
                )
            return
        b_hn = np.zeros(n) if self.b_hn is None else self.b_hn
        meaning = f"the candidate's bias inside r_t∘(W_n^h·h_{{t-1}} + b_hn), one per unit (n={n})"
        object.__setattr__(self, "b_hn", as_vector("b_hn", b_hn, n, meaning))

    # -- sizes -------------------------------------------------------------
    @property
    def n_params(self) -> int:
        """Numbers this cell has: 3n(n+m+1), plus n for b_hn with reset_after=True."""
        n, m = self.n_hidden, self.n_input
        return 3 * n * (n + m + 1) + (n if self.reset_after else 0)

    @property
    def n_params_torch(self) -> int:
        """Numbers torch.nn.GRU stores for it: 3n(n+m+2), both bias vectors in full."""
        n, m = self.n_hidden, self.n_input
        return 3 * n * (n + m + 2)

    # -- the gates' blocks stacked ------------------------------------------
    def stacked(self, order: str = GRU_GATE_ORDER) -> tuple[Array, Array, Array]:
        """(W^h, W^x, b) of the three gates stacked in ``order`` (default GRU_GATES order
        "rzn", also torch's): (3n, n), (3n, m), (3n,). b_hn is not in b."""
        if sorted(order) != sorted(GRU_GATE_ORDER):
            raise ValueError(f"gate order {order!r} must list each of r, z, n once")
        return stack_gates(self, order)

    # -- constructors and copies ------------------------------------------
    @classmethod
    def zeros(
        cls,
        n_input: int,
        n_hidden: int,
        reset_after: bool = True,
        concat_order: ConcatOrder = "h_first",
    ) -> GRUParams:
        return cls.random(n_input, n_hidden, None, 0.0, reset_after, concat_order)

    @classmethod
    def random(
        cls,
        n_input: int,
        n_hidden: int,
        seed: int | None = 0,
        scale: float | None = None,
        reset_after: bool = True,
        concat_order: ConcatOrder = "h_first",
    ) -> GRUParams:
        """Uniform weights and biases in [-scale, scale]; scale defaults to 1/sqrt(n),
        torch's initialisation."""
        n, rng = n_hidden, np.random.default_rng(seed)
        arrays: dict[str, Any] = uniform_gates(GRU_GATES, n, n_input, rng, scale)
        if reset_after:
            s = init_scale(n, scale)
            arrays["b_hn"] = rng.uniform(-s, s, n)
        return cls(**arrays, reset_after=reset_after, concat_order=concat_order)

    def with_reset_after(self, reset_after: bool) -> GRUParams:
        """The same weights in the other convention: NOT the same cell, h_t changes.

        True → False moves b_hn into b_n (the bias then sits outside r_t); False → True
        starts b_hn at zero. Only the place of r_t differs, which is the point of comparing.
        """
        if reset_after == self.reset_after:
            return self
        if reset_after:
            return self.replace(reset_after=True, b_hn=None)
        assert self.b_hn is not None
        return self.replace(reset_after=False, b_n=self.b_n + self.b_hn, b_hn=None)

    # -- torch.nn.GRU's layout ----------------------------------------------
    @classmethod
    def from_torch_state(
        cls,
        state: Mapping[str, ArrayLike],
        layer: int = 0,
        concat_order: ConcatOrder = "h_first",
    ) -> GRUParams:
        """The textbook parameters of layer ``layer`` of a ``torch.nn.GRU`` state dict.

        weight_ih_l{k} (3n, m) and weight_hh_l{k} (3n, n) hold the W^x and W^h blocks in
        the order r, z, n; bias_ih_l{k}, bias_hh_l{k} (3n,): b_r, b_z are their sums,
        b_n = b_in and b_hn = b_hn. Missing biases (``bias=False``) count as zeros.
        torch computes only reset_after=True, so that is what this returns.
        """
        names = [f"{kind}_l{layer}" for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
        for name in names[:2]:
            if name not in state:
                raise ValueError(
                    f"the state has no {name!r}: torch.nn.GRU names its layer-{layer} "
                    f"weights {names[0]!r} (3n, m) and {names[1]!r} (3n, n)"
                )
        W_x = as_numbers(names[0], state[names[0]])
        W_h = as_numbers(names[1], state[names[1]])
        if W_h.ndim != 2 or W_h.shape[0] != 3 * W_h.shape[1]:
            lstm = (
                " (4n rows: an LSTM's?)"
                if W_h.ndim == 2 and W_h.shape[0] == 4 * W_h.shape[1]
                else ""
            )
            raise ValueError(
                f"{names[1]} has shape {W_h.shape}{lstm} but torch.nn.GRU's is (3n, n): "
                "the r, z and n blocks of n rows each"
            )
        n = W_h.shape[1]
        m = W_x.shape[1] if W_x.ndim == 2 else 0
        W_x = as_matrix(names[0], W_x, (3 * n, m), f"3n={3 * n} rows (r, z, n) and m columns")
        b_ih, b_hh = (
            as_vector(k, state.get(k, np.zeros(3 * n)), 3 * n, f"3n={3 * n} biases (r, z, n)")
            for k in names[2:]
        )
        arrays: dict[str, Any] = {}
        for g in GRU_GATES:
            rows = slice(g.torch_index * n, (g.torch_index + 1) * n)
            arrays[g.W] = join_columns(W_h[rows], W_x[rows], concat_order)
            arrays[g.b] = b_ih[rows] if g.key == CANDIDATE else b_ih[rows] + b_hh[rows]
            if g.key == CANDIDATE:
                arrays["b_hn"] = b_hh[rows]
        return cls(**arrays, reset_after=True, concat_order=concat_order)

    def to_torch_state(self, layer: int = 0) -> dict[str, Array]:
        """A state dict for ``torch.nn.GRU(m, n)`` as NumPy arrays: bias_hh holds only b_hn.

        Only for reset_after=True, the one convention torch computes.
        """
        if not self.reset_after or self.b_hn is None:
            raise ValueError(
                "torch.nn.GRU computes only reset_after=True (r_t applied after W_n^h); "
                "these parameters use reset_after=False"
            )
        W_h, W_x, b_ih = self.stacked(GRU_TORCH_ORDER)  # (3n, n), (3n, m), (3n,)
        b_hh = np.zeros_like(b_ih)
        n = self.n_hidden
        k = GRU_GATE_BY_KEY[CANDIDATE].torch_index
        b_hh[k * n : (k + 1) * n] = self.b_hn
        return {
            f"weight_ih_l{layer}": W_x,
            f"weight_hh_l{layer}": W_h,
            f"bias_ih_l{layer}": b_ih,
            f"bias_hh_l{layer}": b_hh,
        }
