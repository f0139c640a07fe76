"""The one table of the four LSTM gates.

The math (stacking weights, applying activations) and the UI (labels,
colours, plots, explanations) both iterate over ``GATES``; nothing is written
out once per gate.
"""

from __future__ import annotations

from dataclasses import dataclass

from .activations import ACTIVATIONS, Activation, ActivationName


@dataclass(frozen=True)
class Gate:
    key: str  # "f", "i", "c", "o": the suffix of W_key, b_key, z_key
    name: str  # "forget gate"
    symbol: str  # LaTeX of the value, e.g. "f_t" or "\\tilde{C}_t"
    plain: str  # the value in plain text, e.g. "f_t" or "C̃_t"
    value: str  # the Step field holding the value: "f", "i", "c_tilde", "o"
    activation_name: ActivationName
    role: str  # one sentence for a student
    torch_index: int  # block of torch's weight_ih/hh (order i, f, g, o); Keras uses i, f, c, o too

    @property
    def W(self) -> str:
        return f"W_{self.key}"

    @property
    def b(self) -> str:
        return f"b_{self.key}"

    @property
    def z(self) -> str:
        return f"z_{self.key}"

    @property
    def activation(self) -> Activation:
        return ACTIVATIONS[self.activation_name]


GATES: tuple[Gate, ...] = (
    Gate(
        "f",
        "forget gate",
        "f_t",
        "f_t",
        "f",
        "sigmoid",
        "How much of each unit's old cell state C_{t-1} to keep: 1 keeps it all, 0 erases it.",
        1,
    ),
    Gate(
        "i",
        "input gate",
        "i_t",
        "i_t",
        "i",
        "sigmoid",
        "How much of the new candidate C̃_t to write into each unit: 1 writes it all, 0 none.",
        0,
    ),
    Gate(
        "c",
        "candidate",
        r"\tilde{C}_t",
        "C̃_t",
        "c_tilde",
        "tanh",
        "The new value each unit could store, between -1 and 1.",
        2,
    ),
    Gate(
        "o",
        "output gate",
        "o_t",
        "o_t",
        "o",
        "sigmoid",
        "How much of each unit's squashed cell state tanh(C_t) to show as h_t.",
        3,
    ),
)

GATE_BY_KEY: dict[str, Gate] = {g.key: g for g in GATES}
