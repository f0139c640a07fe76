"""Five recurrent cells on the same x_t and h_{t-1}: the LSTM, its peephole and coupled
variants, and the GRU in torch's and in Cho et al.'s convention.

Notation
--------
m, n      input size and number of units
x_t, h_{t-1}, C_{t-1}   the app model's inputs; a GRU has no C and ignores C_{t-1}

How each variant gets its extra parameters from one LSTM (so that they are comparable):
peephole  the LSTM's weights, plus p_f, p_i, p_o drawn once, uniform in [-0.5, 0.5]
          from seed ``PEEPHOLE_SEED`` (the same for a given n)
coupled   the LSTM's weights with i_t = 1 − f_t: W_i and b_i are unused
GRU       W_z, b_z from the forget gate (both decide how much old state to keep),
          W_n, b_n from the candidate C̃ and W_r, b_r from the output gate; b_hn = 0.
          Both GRU conventions get exactly these weights, so any difference in h_t is
          the convention alone.
Each of these extra arrays can be edited: an edited one (``own``, by name) is used instead
of the one derived from the LSTM; the others keep following the LSTM.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .cell import DType, Step, step
from .gates import PEEPHOLE_GATES
from .gru import GRUStep, gru_step
from .gru_params import GRU_GATES, GRUParams
from .model import CellModel
from .params import Array, LSTMParams

PEEPHOLE_SEED, PEEPHOLE_SCALE = 14, 0.5
GRU_FROM_LSTM = {"r": "o", "z": "f", "n": "c"}  # GRU gate ← the LSTM gate its weights copy


@dataclass(frozen=True)
class Variant:
    key: str  # the URL value, e.g. "gru_torch"
    title: str  # "GRU (torch convention)"
    gru: bool  # a GRU (h only) rather than an LSTM (C and h)
    note: str  # one sentence, Markdown with $math$: what changes


VARIANTS: tuple[Variant, ...] = (
    Variant("plain", "Plain LSTM", False, "Four gates; $C_t$ carries the memory, $h_t$ is shown."),
    Variant(
        "peephole",
        "Peephole LSTM",
        False,
        "The gates also look at the cell state: $f_t$ and $i_t$ at $C_{t-1}$, "
        "$o_t$ at the new $C_t$.",
    ),
    Variant(
        "coupled",
        "Coupled gates",
        False,
        "$i_t = 1 - f_t$: a unit writes exactly as much as it forgets; $W_i$ and $b_i$ are unused.",
    ),
    Variant(
        "gru_torch",
        "GRU (torch convention)",
        True,
        "Three gates and no cell state; $r_t$ multiplies $W_n^h h_{t-1} + b_{hn}$ (torch, Keras).",
    ),
    Variant(
        "gru_2014",
        "GRU (2014 convention)",
        True,
        "As torch's GRU, but $r_t$ multiplies $h_{t-1}$ before $W_n^h$ (Cho et al. 2014).",
    ),
)
VARIANT_BY_KEY = {v.key: v for v in VARIANTS}

# The variants' own arrays, by name: the peepholes, then the GRU's weights and biases
PEEPHOLE_NAMES = tuple(g.p for g in PEEPHOLE_GATES)  # p_f, p_i, p_o
GRU_NAMES = tuple(g.W for g in GRU_GATES) + tuple(g.b for g in GRU_GATES) + ("b_hn",)
OWN_NAMES = PEEPHOLE_NAMES + GRU_NAMES
OWN_OF_VARIANT: dict[str, tuple[str, ...]] = {
    "plain": (),
    "peephole": PEEPHOLE_NAMES,
    "coupled": (),
    "gru_torch": GRU_NAMES,
    "gru_2014": GRU_NAMES[:-1],  # no b_hn: a bias inside W_n·[r∘h, x] would add to b_n
}


def peepholes(n: int) -> dict[str, Array]:
    """The peephole vectors the Variants page uses for n units: p_f, p_i, p_o, (n,) each."""
    rng = np.random.default_rng(PEEPHOLE_SEED)
    s = PEEPHOLE_SCALE
    return {g.p: rng.uniform(-s, s, n) for g in PEEPHOLE_GATES}


def gru_from_lstm(params: LSTMParams, reset_after: bool) -> GRUParams:
    """A GRU whose gates copy the LSTM's weights as ``GRU_FROM_LSTM`` says; b_hn = 0."""
    arrays = {f"W_{k}": params.W(src) for k, src in GRU_FROM_LSTM.items()}
    arrays |= {f"b_{k}": params.b(src) for k, src in GRU_FROM_LSTM.items()}
    return GRUParams(
        **arrays,
        b_hn=np.zeros(params.n_hidden) if reset_after else None,
        reset_after=reset_after,
        concat_order=params.concat_order,
    )


def derived(params: LSTMParams) -> dict[str, Array]:
    """Every own array as it follows the LSTM while it is not edited (module docstring)."""
    gru = gru_from_lstm(params, reset_after=True)
    return peepholes(params.n_hidden) | {name: getattr(gru, name) for name in GRU_NAMES}


def own_shape(name: str, n: int, m: int) -> tuple[int, ...]:
    """The shape of own array ``name`` for n units and m inputs: (n, n+m) or (n,)."""
    if name not in OWN_NAMES:
        raise ValueError(f"{name!r} is not a variant's array; one of {', '.join(OWN_NAMES)}")
    return (n, n + m) if name.startswith("W_") else (n,)


def variant_params(
    params: LSTMParams, key: str, own: Mapping[str, ArrayLike] | None = None
) -> LSTMParams | GRUParams:
    """The cell of variant ``key`` built from the plain LSTM ``params`` (module docstring),
    with the edited arrays ``own`` (by name) in place of the derived ones."""
    if key not in VARIANT_BY_KEY:
        raise ValueError(f"variant {key!r} is unknown; choose one of {', '.join(VARIANT_BY_KEY)}")
    plain = params.replace(p_f=None, p_i=None, p_o=None, coupled=False)
    if key == "coupled":
        return plain.replace(coupled=True)
    if key == "plain":
        return plain
    arrays: dict[str, Any] = derived(params) | dict(own or {})
    chosen = {name: arrays[name] for name in OWN_OF_VARIANT[key]}
    if key == "peephole":
        return plain.replace(**chosen)
    return GRUParams(**chosen, reset_after=key == "gru_torch", concat_order=params.concat_order)


@dataclass(frozen=True, eq=False)
class Outcome:
    """One variant's step on the shared inputs."""

    variant: Variant
    params: LSTMParams | GRUParams
    h: Array  # (n,) h_t
    c: Array | None  # (n,) C_t, None for a GRU
    n_params: int  # the numbers the cell uses
    n_params_torch: int | None  # what torch stores (two bias vectors); None: torch has no such cell
    step: Step | GRUStep  # every intermediate of the step

    @property
    def keeps(self) -> str:
        return "h_t only" if self.c is None else "C_t and h_t"


def outcome(
    model: CellModel,
    key: str,
    own: Mapping[str, ArrayLike] | None = None,
    dtype: DType | np.dtype = np.float64,
) -> Outcome:
    """Variant ``key`` on the model's x_t, h_{t-1} (and C_{t-1} for the LSTMs)."""
    p = variant_params(model.params, key, own)
    n, m = model.params.n_hidden, model.params.n_input
    if isinstance(p, GRUParams):
        s = gru_step(p, model.x, model.h_prev, dtype)
        torch = p.n_params_torch if p.reset_after else None
        return Outcome(VARIANT_BY_KEY[key], p, s.h, None, p.n_params, torch, s)
    t = step(p, model.x, model.h_prev, model.c_prev, dtype=dtype)
    torch = 4 * n * (n + m + 2) if p.plain else None
    return Outcome(VARIANT_BY_KEY[key], p, t.h, t.c, p.n_params, torch, t)


def compare(
    model: CellModel,
    own: Mapping[str, ArrayLike] | None = None,
    dtype: DType | np.dtype = np.float64,
) -> list[Outcome]:
    """Every variant on the model's inputs, in ``VARIANTS`` order."""
    return [outcome(model, v.key, own, dtype) for v in VARIANTS]


def gru_convention_gap(
    model: CellModel,
    own: Mapping[str, ArrayLike] | None = None,
    dtype: DType | np.dtype = np.float64,
) -> tuple[Array, Array, float]:
    """(h_t torch, h_t 2014, max |difference|): the same weights, the two conventions."""
    a, b = outcome(model, "gru_torch", own, dtype).h, outcome(model, "gru_2014", own, dtype).h
    return a, b, float(np.max(np.abs(a - b)))
