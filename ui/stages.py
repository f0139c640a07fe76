"""The six stages of one LSTM step, in the order the step view walks through them.

One table for the step view (titles, picker labels, explanations), the cell diagram
(which gates light up at which stage) and the link's view (which stage numbers exist).
No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Ask:
    """What a class predicts at a stage before its values are revealed (ui/quiz.py)."""

    field: str  # the Step field predicted
    name: str  # its name in plain text (Unicode subscripts), for labels and messages: "fₜ"
    kind: str  # "number": a number per entry; "units": which units are above one half
    prompt: str  # markdown


@dataclass(frozen=True)
class Stage:
    title: str
    label: str  # short, for the stage picker
    gates: tuple[str, ...]  # keys of the gates computed at this stage
    # a few sentences for a student (markdown); {n}, {m}, {width} (= n+m) and {example}
    # (a worked Hadamard product) are filled in by the step view
    text: str
    # the quiz (plain LSTM stages only): the Step fields this stage computes, hidden until
    # revealed, and the question asked first
    results: tuple[str, ...] = ()
    ask: Ask | None = None


STAGES: tuple[Stage, ...] = (
    Stage(
        "Concatenate",
        "Concat",
        (),
        "Both the previous hidden state (n={n}) and the new input (m={m}) enter every gate "
        "as one vector v with n+m={width} entries. Each weight matrix has one column per "
        "entry of v, in this order, so swapping the order changes what each column multiplies.",
        ("concat",),
        Ask("concat", "v", "number", "Type $v$, entry by entry."),
    ),
    Stage(
        "Forget gate",
        "Forget",
        ("f",),
        "Each unit gets a factor between 0 and 1 for its old memory: 1 keeps $C_{{t-1}}$ as "
        "it is, 0 wipes it. Nothing random happens here; the same inputs always give the "
        "same $f_t$.",
        ("z_f", "f"),
        Ask("f", "fₜ", "units", "Which units keep most of their memory ($f_t > 0.5$)?"),
    ),
    Stage(
        "Input gate & candidate",
        "Input",
        ("i", "c"),
        "The candidate $\\tilde C_t$ proposes new content between −1 and 1; the input "
        "gate $i_t$ says, unit by unit, how much of that proposal is written.",
        ("z_i", "i", "z_c", "c_tilde"),
        Ask("c_tilde", "C̃ₜ", "number", r"Predict the candidate $\tilde C_t$, unit by unit."),
    ),
    Stage(
        "Cell update",
        "Cell",
        (),
        "Two elementwise (Hadamard) products and a sum: unit k only ever meets unit k, "
        "just as {example}. On its way from $C_{{t-1}}$ to $C_t$ the old memory is only "
        "multiplied by $f_t$, with no squashing function in between, which is why it can "
        "last many steps.",
        ("forget_term", "input_term", "c"),
        Ask("c", "Cₜ", "number", "Predict the new cell state $C_t$, unit by unit."),
    ),
    Stage(
        "Output gate",
        "Output",
        ("o",),
        "The output gate decides how much of each unit's memory is passed on as $h_t$, "
        "both to the next step and to whatever reads the LSTM.",
        ("z_o", "o"),
        Ask("o", "oₜ", "units", "Which units pass most of their memory on ($o_t > 0.5$)?"),
    ),
    Stage(
        "Hidden state",
        "Hidden",
        (),
        "tanh squeezes $C_t$ into (−1, 1) and $o_t$ scales it. Because the product is "
        "elementwise, $h_t$ has exactly as many entries as $C_t$: n={n}.",
        ("tanh_c", "h"),
        Ask("h", "hₜ", "number", "Predict the new hidden state $h_t$, unit by unit."),
    ),
)
CONCAT, FORGET, INPUT, CELL, OUTPUT, HIDDEN = range(len(STAGES))
LAST_STAGE = len(STAGES) - 1
STAGE_OF_GATE = {key: k for k, stage in enumerate(STAGES) for key in stage.gates}
GATE_STAGES = frozenset(STAGE_OF_GATE.values())  # the stages that compute a gate


# -- the Variants page: one stage table per variant -------------------------------------------
def _with_text(stages: tuple[Stage, ...], extra: dict[int, str]) -> tuple[Stage, ...]:
    """``stages`` with a sentence added to the stages numbered in ``extra``."""
    return tuple(
        replace(s, text=s.text + " " + extra[k]) if k in extra else s for k, s in enumerate(stages)
    )


_PEEP = (
    "With a peephole the gate also sees the cell state: $p_{g}\\odot {state}$ is added to $z_{g}$."
)
PEEPHOLE_STAGES = _with_text(
    STAGES,
    {
        FORGET: _PEEP.format(g="f", state="C_{{t-1}}"),
        INPUT: _PEEP.format(g="i", state="C_{{t-1}}"),
        OUTPUT: _PEEP.format(g="o", state="C_t") + " It reads the new $C_t$, so it comes after "
        "the cell update.",
    },
)
COUPLED_STAGES = tuple(
    replace(
        s,
        title="Coupled input & candidate",
        text="Coupled: there is no input gate of its own. $i_t = 1 - f_t$, so a unit writes "
        "exactly as much new content as it forgets old; $W_i$ and $b_i$ are not used. "
        "The candidate $\\tilde C_t$ proposes new content between −1 and 1.",
    )
    if k == INPUT
    else s
    for k, s in enumerate(STAGES)
)
GRU_STAGES: tuple[Stage, ...] = (
    replace(
        STAGES[CONCAT],
        text="A GRU has no cell state: $h_{{t-1}}$ (n={n}) is its whole memory. It and the "
        "input (m={m}) form v with n+m={width} entries, which the reset and update gates read.",
    ),
    Stage(
        "Reset gate",
        "Reset",
        ("r",),
        "Each unit gets a factor between 0 and 1 that says how much of the old state the "
        "candidate may use: 0 hides $h_{{t-1}}$ from it, 1 shows it all.",
    ),
    Stage(
        "Update gate",
        "Update",
        ("z",),
        "A factor between 0 and 1 per unit: how much of $h_{{t-1}}$ to keep. It plays the "
        "forget gate's part and, as $1 - z_t$, the input gate's.",
    ),
    Stage(
        "Candidate",
        "Candidate",
        ("n",),
        "{reset} The candidate $n_t$ lies between −1 and 1.",
    ),
    Stage(
        "New state",
        "New h",
        (),
        "Two elementwise products and a sum: $z_t$ keeps old state, $1 - z_t$ lets the "
        "candidate in. $z_t = 1$ keeps $h_{{t-1}}$ exactly; in colah's post and on Wikipedia "
        "$z$ and $1 - z$ swap places.",
    ),
)
GRU_CONCAT, GRU_RESET, GRU_UPDATE, GRU_CANDIDATE, GRU_NEW = range(len(GRU_STAGES))
GRU_STAGE_OF_GATE = {key: k for k, stage in enumerate(GRU_STAGES) for key in stage.gates}
RESET_TEXT = {  # {reset} of the candidate stage, by convention (reset_after); filled in as is
    True: "In torch's convention $r_t$ scales $W_n^h h_{t-1} + b_{hn}$, after the weights.",
    False: "In Cho et al.'s 2014 convention $r_t$ scales $h_{t-1}$ before $W_n^h$ multiplies it.",
}
VARIANT_STAGES: dict[str, tuple[Stage, ...]] = {
    "plain": STAGES,
    "peephole": PEEPHOLE_STAGES,
    "coupled": COUPLED_STAGES,
    "gru_torch": GRU_STAGES,
    "gru_2014": GRU_STAGES,
}
