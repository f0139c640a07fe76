"""Ready-made cells: the thread's worked examples and a few typical behaviours.

Each preset is a full :class:`~lstm_core.model.CellModel`: parameters plus the inputs of one step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .gates import GATES
from .model import CellModel
from .params import LSTMParams


@dataclass(frozen=True)
class Preset:
    name: str
    summary: str  # one line, shown in the picker and the README
    focus: str  # the gate to look at first
    build: Any  # () -> CellModel


SEED_W_F = [[1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9, 10], [3, 4, 5, 6, 7, 8]]
SEED_B_F = [1, 2, 3]
SEED_W_I = [[1] * 6, [2] * 6, [3] * 6]
SEED_B_I = [1, 1, 1]
SEED_X = [1, 2, 3]
_a = np.asarray  # plain lists -> arrays for CellModel
SEED_H = [4, 5, 6]


def _seed(with_input_gate: bool) -> CellModel:
    p = LSTMParams.zeros(3, 3, concat_order="x_first").replace(W_f=SEED_W_F, b_f=SEED_B_F)
    if with_input_gate:
        p = p.replace(W_i=SEED_W_I, b_i=SEED_B_I)
    return CellModel(p, _a(SEED_X), _a(SEED_H), _a([0.5, -1.0, 2.0]))


def _hadamard() -> CellModel:
    # σ(40) is exactly 1.0, σ(0) exactly 0.5 and σ(-800) exactly 0.0 in float64, so
    # the gates are 1, 0.5 and 0 and every ∘ product can be checked by hand.
    p = LSTMParams.zeros(3, 3, concat_order="x_first").replace(
        b_f=[40, 0, -800], b_i=[-800, 0, 40], b_c=[0.5, -0.5, 1.0], b_o=[40, 40, 40]
    )
    return CellModel(p, _a(SEED_X), _a(SEED_H), _a([1.0, 2.0, 3.0]))


def _behaviour(bias: dict[str, float], seed: int = 7, scale: float = 0.3) -> CellModel:
    p = LSTMParams.random(3, 3, seed=seed, scale=scale)
    p = p.replace(**{f"b_{k}": np.full(3, v) for k, v in bias.items()})
    return CellModel(p, _a([0.5, -1.0, 0.8]), _a([0.2, -0.1, 0.4]), _a([0.9, -0.6, 0.3]))


def _saturated() -> CellModel:
    base = LSTMParams.random(3, 3, seed=3, scale=1.0)
    big = {g.W: 12.0 * base.W(g.key) for g in GATES}
    return CellModel(
        base.replace(**big), _a([1.0, -2.0, 1.5]), _a([0.5, -0.5, 0.9]), _a([0.4, -0.8, 1.2])
    )


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "seed-question",
            "The thread's forget gate: W_f·[x, h] + b_f = [92, 177, 136], so f = 1.0 exactly.",
            "f",
            lambda: _seed(False),
        ),
        Preset(
            "seed-answer",
            "The answer's input gate: W_i·v + b_i = [22, 43, 64] (the thread printed 42, 62).",
            "i",
            lambda: _seed(True),
        ),
        Preset(
            "hadamard",
            "Gates of exactly 1, 0.5 and 0: every ∘ product can be checked by hand.",
            "c",
            _hadamard,
        ),
        Preset(
            "remember",
            "Forget gate ≈ 1, input gate ≈ 0: the cell keeps its old state.",
            "f",
            lambda: _behaviour({"f": 6.0, "i": -6.0}),
        ),
        Preset(
            "overwrite",
            "Forget gate ≈ 0, input gate ≈ 1: the old state is replaced by C̃.",
            "i",
            lambda: _behaviour({"f": -6.0, "i": 6.0}),
        ),
        Preset(
            "output-closed",
            "Output gate ≈ 0: the cell holds a value but h_t stays near 0.",
            "o",
            lambda: _behaviour({"o": -6.0}),
        ),
        Preset(
            "saturated",
            "Large weights push every gate into a flat tail, where σ′ and tanh′ ≈ 0.",
            "f",
            _saturated,
        ),
        Preset(
            "forget-bias-1",
            "Small random weights with b_f = 1, a common initialisation that starts f near 0.73.",
            "f",
            lambda: _behaviour({"f": 1.0, "i": 0.0, "c": 0.0, "o": 0.0}, seed=11, scale=0.2),
        ),
        Preset(
            "zeros",
            "All weights and biases 0: every sigmoid gate is 0.5 and C̃ = 0.",
            "f",
            lambda: CellModel(
                LSTMParams.zeros(3, 3), _a([1, 2, 3]), _a([0, 0, 0]), _a([1, -1, 0.5])
            ),
        ),
        Preset(
            "random",
            "Random weights in ±1/√n (torch's initialisation), seed 0.",
            "f",
            lambda: CellModel(
                LSTMParams.random(3, 3, seed=0),
                _a([0.5, -0.3, 0.9]),
                _a([0.1, 0.2, -0.3]),
                _a([0.4, 0, -0.2]),
            ),
        ),
    )
}


def load_preset(name: str) -> CellModel:
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of: {', '.join(PRESETS)}")
    return PRESETS[name].build()
