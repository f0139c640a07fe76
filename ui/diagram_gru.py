"""The GRU cell picture, drawn like the LSTM's (ui/diagram.py: its geometry, Layout and
SVG drawing) with live values and the current stage lit.

The GRU: h_t runs along the top (it is the whole memory); r_t acts inside the candidate,
z_t keeps old state on the top line and, as 1 − z_t, lets the candidate in.
"""

from __future__ import annotations

from lstm_core import GRU_GATES, GRUStep
from lstm_core.variants import GRU_FROM_LSTM

from .colours import GATE_COLOR, PART_COLOR
from .diagram import (
    ALWAYS,
    BUS_Y,
    GATE_Y,
    H_Y,
    LINE_Y,
    MID_Y,
    RIGHT,
    STATE_INK,
    Label,
    Layout,
    Node,
    Wire,
    layout_svg,
)
from .fmt import short_vec
from .stages import (
    GRU_CANDIDATE,
    GRU_CONCAT,
    GRU_NEW,
    GRU_RESET,
    GRU_STAGE_OF_GATE,
    GRU_UPDATE,
)

R_X, Z_X, N_X, ONE_MINUS_X, MIX_X = 4.0, 6.5, 10.0, 12.3, 14.0
_GRU_X = {"r": R_X, "z": Z_X, "n": N_X}
_H = PART_COLOR["h"]
# each GRU gate in the colour of the LSTM gate whose part it plays (and whose weights it copies)
GRU_COLOR = {k: GATE_COLOR[src] for k, src in GRU_FROM_LSTM.items()}
GRU_WIRES: tuple[Wire, ...] = (
    ({GRU_NEW}, _H, [(0.2, LINE_Y), (RIGHT, LINE_Y)]),  # h_{t-1} becomes h_t
    ({GRU_CONCAT}, _H, [(1.0, LINE_Y), (1.0, BUS_Y), (2.5, BUS_Y)]),  # h_{t-1} into v
    ({GRU_CONCAT}, PART_COLOR["x"], [(2.5, -0.5), (2.5, BUS_Y)]),  # x_t in
    ({GRU_CONCAT, GRU_RESET, GRU_UPDATE, GRU_CANDIDATE}, "#555", [(2.5, BUS_Y), (N_X, BUS_Y)]),
    ({GRU_RESET}, GRU_COLOR["r"], [(R_X, BUS_Y), (R_X, H_Y), (N_X, H_Y)]),
    ({GRU_CANDIDATE}, _H, [(N_X, LINE_Y), (N_X, H_Y)]),  # what r_t scales comes down
    ({GRU_CANDIDATE}, GRU_COLOR["n"], [(N_X, H_Y), (N_X, GATE_Y)]),
    ({GRU_UPDATE}, GRU_COLOR["z"], [(Z_X, BUS_Y), (Z_X, LINE_Y)]),  # z_t up to the keep node
    ({GRU_UPDATE, GRU_NEW}, GRU_COLOR["z"], [(Z_X, MID_Y), (MIX_X, MID_Y)]),  # … and to 1 − z_t
    ({GRU_CANDIDATE, GRU_NEW}, GRU_COLOR["n"], [(N_X, GATE_Y), (MIX_X, GATE_Y), (MIX_X, MID_Y)]),
    ({GRU_NEW}, STATE_INK, [(MIX_X, MID_Y), (MIX_X, LINE_Y)]),
)
GRU_NODES: tuple[Node, ...] = (
    ({GRU_CANDIDATE}, "⊙", N_X, H_Y),  # r_t ∘ (…)
    ({GRU_NEW}, "⊙", Z_X, LINE_Y),  # z_t ∘ h_{t-1}
    ({GRU_NEW}, "1−", ONE_MINUS_X, MID_Y),
    ({GRU_NEW}, "⊙", MIX_X, MID_Y),  # (1 − z_t) ∘ n_t
    ({GRU_NEW}, "+", MIX_X, LINE_Y),
)
_GRU_GATE_BOXES = tuple(
    (g, _GRU_X[g.key], GRU_STAGE_OF_GATE[g.key], g.activation.symbol) for g in GRU_GATES
)
_W_BOX = (N_X, 5.1, GRU_CANDIDATE, "W·h")  # torch: W_n^h·h_{t-1} + b_hn before r_t
GRU_LAYOUTS: dict[str, Layout] = {
    "gru_torch": Layout("GRU cell", _GRU_GATE_BOXES, GRU_COLOR, GRU_WIRES, GRU_NODES, (_W_BOX,)),
    "gru_2014": Layout("GRU cell", _GRU_GATE_BOXES, GRU_COLOR, GRU_WIRES, GRU_NODES, ()),
}


def _gru_labels(s: GRUStep, reset_after: bool) -> tuple[Label, ...]:
    never: frozenset[int] = frozenset()
    scaled = "(W·h_{t−1}+b)" if reset_after else "h_{t−1}"
    return (
        (0.2, LINE_Y + 0.45, f"h_{{t−1}} = {short_vec(s.h_prev)}", "left", GRU_CONCAT, ALWAYS),
        (RIGHT, LINE_Y + 0.45, f"h_{{t}} = {short_vec(s.h)}", "right", GRU_NEW, ALWAYS),
        (2.65, -0.45, f"x_{{t}} = {short_vec(s.x)}", "left", GRU_CONCAT, ALWAYS),
        (R_X + 0.6, H_Y + 0.4, f"r_{{t}} = {short_vec(s.r)}", "left", GRU_RESET, never),
        (Z_X - 0.15, 5.1, f"z_{{t}} = {short_vec(s.z)}", "right", GRU_UPDATE, never),
        (
            N_X + 0.45,
            H_Y + 0.3,
            f"r∘{scaled} = {short_vec(s.reset_term)}",
            "left",
            GRU_CANDIDATE,
            never,
        ),
        (N_X + 0.7, GATE_Y - 0.5, f"n_{{t}} = {short_vec(s.n)}", "left", GRU_CANDIDATE, never),
        (
            Z_X + 0.45,
            LINE_Y + 0.45,
            f"z∘h_{{t−1}} = {short_vec(s.keep_term)}",
            "left",
            GRU_NEW,
            never,
        ),
        (MIX_X + 0.45, MID_Y, f"(1−z)∘n = {short_vec(s.new_term)}", "left", GRU_NEW, never),
    )


def gru_diagram(s: GRUStep, stage: int, reset_after: bool) -> str:
    """The GRU cell as an SVG string, in torch's convention or in Cho et al.'s 2014 one."""
    key = "gru_torch" if reset_after else "gru_2014"
    return layout_svg(GRU_LAYOUTS[key], _gru_labels(s, reset_after), stage)
