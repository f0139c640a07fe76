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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cell import step
from .gates import PEEPHOLE_GATES
from .gru import gru_step
from .gru_params import GRUParams
from .model import CellModel
from .params import Array, LSTMParams

PEEPHOLE_SEED, PEEPHOLE_SCALE = 14, 0.5
GRU_FROM_LSTM = {"r": "o", "z": "f", "n": "c"}  # GRU gate ← the LSTM gate its weights copy


@dataclass(frozen=True)
class Variant:
    key: str  # the URL value, e.g. "gru_torch"
    title: str  # "GRU (torch convention)"
    gru: bool  # a GRU (h only) rather than an LSTM (C and h)
    note: str  # one sentence: what changes


VARIANTS: tuple[Variant, ...] = (
    Variant("plain", "Plain LSTM", False, "Four gates; C_t carries the memory, h_t is shown."),
    Variant(
        "peephole",
        "Peephole LSTM",
        False,
        "The gates also look at the cell state: f and i at C_{t-1}, o at the new C_t.",
    ),
    Variant(
        "coupled",
        "Coupled gates",
        False,
        "i_t = 1 − f_t: a unit writes exactly as much as it forgets; W_i and b_i are unused.",
    ),
    Variant(
        "gru_torch",
        "GRU (torch convention)",
        True,
        "Three gates and no cell state; r_t multiplies W_n^h·h_{t-1} + b_hn (torch, Keras).",
    ),
    Variant(
        "gru_2014",
        "GRU (2014 convention)",
        True,
        "As torch's GRU, but r_t multiplies h_{t-1} before W_n^h (Cho et al. 2014).",
    ),
)
VARIANT_BY_KEY = {v.key: v for v in VARIANTS}


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


def variant_params(params: LSTMParams, key: str) -> LSTMParams | GRUParams:
    """The cell of variant ``key`` built from the plain LSTM ``params`` (module docstring)."""
    if key not in VARIANT_BY_KEY:
        raise ValueError(f"variant {key!r} is unknown; choose one of {', '.join(VARIANT_BY_KEY)}")
    plain = params.replace(p_f=None, p_i=None, p_o=None, coupled=False)
    if key == "peephole":
        return plain.replace(**peepholes(params.n_hidden))
    if key == "coupled":
        return plain.replace(coupled=True)
    if key.startswith("gru"):
        return gru_from_lstm(plain, reset_after=key == "gru_torch")
    return plain


@dataclass(frozen=True, eq=False)
class Outcome:
    """One variant's step on the shared inputs."""

    variant: Variant
    params: LSTMParams | GRUParams
    h: Array  # (n,) h_t
    c: Array | None  # (n,) C_t, None for a GRU
    n_params: int  # the numbers the cell uses
    n_params_torch: int | None  # what torch stores (two bias vectors); None: torch has no such cell

    @property
    def keeps(self) -> str:
        return "h_t only" if self.c is None else "C_t and h_t"


def outcome(model: CellModel, key: str) -> Outcome:
    """Variant ``key`` on the model's x_t, h_{t-1} (and C_{t-1} for the LSTMs)."""
    p = variant_params(model.params, key)
    n, m = model.params.n_hidden, model.params.n_input
    if isinstance(p, GRUParams):
        s = gru_step(p, model.x, model.h_prev)
        torch = p.n_params_torch if p.reset_after else None
        return Outcome(VARIANT_BY_KEY[key], p, s.h, None, p.n_params, torch)
    t = step(p, model.x, model.h_prev, model.c_prev)
    torch = 4 * n * (n + m + 2) if p.plain else None
    return Outcome(VARIANT_BY_KEY[key], p, t.h, t.c, p.n_params, torch)


def compare(model: CellModel) -> list[Outcome]:
    """Every variant on the model's inputs, in ``VARIANTS`` order."""
    return [outcome(model, v.key) for v in VARIANTS]


def gru_convention_gap(model: CellModel) -> tuple[Array, Array, float]:
    """(h_t torch, h_t 2014, max |difference|): the same weights, the two conventions."""
    a, b = outcome(model, "gru_torch").h, outcome(model, "gru_2014").h
    return a, b, float(np.max(np.abs(a - b)))
