"""Variants: the same x_t and h_{t-1} through the plain, peephole and coupled LSTM and the GRU
in both of its conventions, side by side."""

from __future__ import annotations

import streamlit as st

from lstm_core import CONCAT_LATEX, GRU_GATES
from lstm_core.variants import (
    VARIANT_BY_KEY,
    VARIANTS,
    Outcome,
    compare,
    gru_convention_gap,
)
from ui import classroom, files, frame, show, state, tables, variant, variant_steps
from ui.fmt import fmt, short_vec
from ui.latex import vec
from ui.stages import VARIANT_STAGES
from ui.variant_steps import aligned, equations, gru_gate

PICK = "var:pick"


def _on_pick() -> None:
    variant = st.session_state[PICK]
    last = len(VARIANT_STAGES[variant]) - 1  # a GRU has fewer stages than an LSTM
    state.set_view(variant=variant, vstage=min(state.view().vstage, last))


def _picker() -> str:
    current = state.view().variant
    if st.session_state.get(PICK) != current:
        st.session_state[PICK] = current
    st.radio(
        "Variant",
        [v.key for v in VARIANTS],
        format_func=lambda k: VARIANT_BY_KEY[k].title,
        horizontal=True,
        key=PICK,
        on_change=_on_pick,
    )
    return current


def equations_table() -> None:
    rows = [f"| **{v.title}** | ${aligned(equations(v.key))}$ |" for v in VARIANTS]
    st.markdown("| variant | equations |\n|---|---|\n" + "\n".join(rows))


# -- the page -----------------------------------------------------------------------------
def _count_formula(o: Outcome) -> str:
    v = o.variant
    if v.gru:
        return "3n(n+m+1) + n (b_{hn})" if v.key == "gru_torch" else "3n(n+m+1)"
    return {"plain": "4n(n+m+1)", "peephole": "4n(n+m+1) + 3n", "coupled": "3n(n+m+1)"}[v.key]


def side_by_side(outcomes: list[Outcome], current: str) -> None:
    header = ["variant", "h_t", "C_t", "parameters", "torch stores", "keeps"]
    rows = [
        [
            ("▶ " if o.variant.key == current else "") + o.variant.title,
            short_vec(o.h, 4, 8),
            "—" if o.c is None else short_vec(o.c, 4, 8),
            f"{o.n_params} = {_count_formula(o)}",
            "no such cell" if o.n_params_torch is None else str(o.n_params_torch),
            o.keeps,
        ]
        for o in outcomes
    ]
    st.html(tables.text_table(header, rows, nowrap=1))


def gru_card() -> None:
    h_torch, h_2014, gap = gru_convention_gap(state.model(), variant.own(), state.dtype())
    with st.container(border=True):
        st.markdown("**Misconception: “a GRU is a GRU”.** Same weights, two conventions:")
        show.latex(r"\text{torch, Keras: }" + gru_gate(GRU_GATES[-1], True))
        show.latex(r"\text{Cho et al. 2014: }" + gru_gate(GRU_GATES[-1], False))
        show.latex(r"h_t^{\text{torch}} = " + vec(h_torch) + r"\qquad h_t^{2014} = " + vec(h_2014))
        if gap > 0:
            st.markdown(
                f"On the current numbers they differ by up to **{fmt(gap, 4)}** per unit. "
                "The only change is where $r_t$ acts, so a hand computation in one convention "
                "does not match a library that uses the other."
            )
        else:
            st.markdown(
                "On the current numbers they happen to **agree exactly**. Where $r_t$ acts "
                "makes no difference in a unit with $r_t = 1$, with $h_{t-1} = 0$ and "
                "$b_{hn} = 0$, or with $z_t = 1$ ($h_t$ keeps $h_{t-1}$). Load the *random* "
                "example to see them differ."
            )


@frame.fragment
def _compared() -> None:
    """The picked variant and everything shown of the variants: picking one or editing
    its numbers reruns only this."""
    model = state.model()
    current = _picker()
    outcomes = compare(model, variant.own(), state.dtype())
    chosen = next(o for o in outcomes if o.variant.key == current)
    st.caption(chosen.variant.note)
    variant_steps.walkthrough(current, chosen)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        show.latex(aligned(equations(current)))
    with right:
        show.latex(r"h_t = " + vec(chosen.h, column=True))
        if chosen.c is not None:
            show.latex(r"C_t = " + vec(chosen.c, column=True))
        count = _count_formula(chosen).replace("b_{hn}", "$b_{hn}$")
        keeps = chosen.keeps.replace("C_t", "$C_t$").replace("h_t", "$h_t$")
        st.markdown(f"**{chosen.n_params}** numbers ({count}); keeps {keeps}.")
    if not classroom.hidden("editors"):
        with st.expander(f"Edit the numbers of the {chosen.variant.title}", icon=":material/edit:"):
            variant.editors(current)
    st.subheader("Side by side")
    side_by_side(outcomes, current)
    st.caption(
        "Torch's GRU and LSTM store two bias vectors, hence their extra 3n or 4n numbers; "
        "torch has no peephole or coupled LSTM."
    )
    st.subheader("What tells them apart")
    equations_table()
    st.subheader("The two GRU conventions")
    gru_card()


def render() -> None:
    st.title("Variants side by side")
    if opened := files.just_opened():  # a torch.nn.GRU was uploaded on another page
        st.success(opened, icon=":material/upload_file:")
    model = state.model()
    p = model.params
    st.markdown(
        f"The same $x_t$ and $h_{{t-1}}$ (and $C_{{t-1}}$ for the LSTMs) as the shared model "
        f"(n = {p.n_hidden}, m = {p.n_input}, $v = {CONCAT_LATEX[p.concat_order]}$) go "
        "through five cells. Edit the LSTM on *Cell step*; each variant's own numbers below."
    )
    _compared()
    if not classroom.hidden("files"):
        files.section("variants")


render()
