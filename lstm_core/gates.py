"""The one table of the four LSTM gates (and which cell state each gate's peephole reads).

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
    # The cell state a peephole p_key∘C adds to z_key, as the Step field that holds it:
    # "c_prev" (C_{t-1}) for f and i, "c" (C_t, known only after the update) for o; None: none.
    peephole: str | None = None

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
    def p(self) -> str:
        """The name of this gate's peephole vector, e.g. "p_f" (see ``peephole``)."""
        return f"p_{self.key}"

    @property
    def peephole_symbol(self) -> str | None:
        """LaTeX of the state the peephole looks at: "C_{t-1}", "C_t" or None."""
        return None if self.peephole is None else PEEPHOLE_SYMBOLS[self.peephole]

    @property
    def activation(self) -> Activation:
        return ACTIVATIONS[self.activation_name]


GATES: tuple[Gate, ...] = (
    Gate(
        key="f",
        name="forget gate",
        symbol="f_t",
        plain="f_t",
        value="f",
        activation_name="sigmoid",
        role="How much of each unit's old cell state C_{t-1} to keep: 1 keeps it all, 0 erases it.",
        torch_index=1,
        peephole="c_prev",
    ),
    Gate(
        key="i",
        name="input gate",
        symbol="i_t",
        plain="i_t",
        value="i",
        activation_name="sigmoid",
        role="How much of the new candidate C̃_t to write into each unit: 1 writes it all, 0 none.",
        torch_index=0,
        peephole="c_prev",
    ),
    Gate(
        key="c",
        name="candidate",
        symbol=r"\tilde{C}_t",
        plain="C̃_t",
        value="c_tilde",
        activation_name="tanh",
        role="The new value each unit could store, between -1 and 1.",
        torch_index=2,
    ),
    Gate(
        key="o",
        name="output gate",
        symbol="o_t",
        plain="o_t",
        value="o",
        activation_name="sigmoid",
        role="How much of each unit's squashed cell state tanh(C_t) to show as h_t.",
        torch_index=3,
        peephole="c",
    ),
)

PEEPHOLE_SYMBOLS = {"c_prev": "C_{t-1}", "c": "C_t"}
PEEPHOLE_GATES: tuple[Gate, ...] = tuple(g for g in GATES if g.peephole is not None)  # f, i, o
# Coupled gates (LSTMParams.coupled): the input gate is 1 − the forget gate, i_t = 1 − f_t,
# so what is written is exactly what is forgotten; W_i and b_i are then unused.
COUPLED_KEY, COUPLED_TO = "i", "f"

GATE_BY_KEY: dict[str, Gate] = {g.key: g for g in GATES}
GATE_ORDER = "".join(g.key for g in GATES)  # "fico": the order of GATES, as gate keys
TORCH_GATE_ORDER = "".join(sorted(GATE_ORDER, key=lambda k: GATE_BY_KEY[k].torch_index))  # "ifco"
