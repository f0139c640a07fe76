"""Predict, then reveal: the class predicts a stage's values before the page shows them.

While a quiz is on, the values the current stage computes, and those of later stages,
are not in the page at all: the page draws ``shown(s, stage, key)``, a Step whose hidden
fields are NaN, which every formatter writes as "?" (``ui.fmt.HIDDEN``). Values of earlier
stages stay, since they are the inputs of the prediction. ``predict_and_reveal`` asks the
stage's question (``Stage.ask`` in ui/stages.py: one table for every stage), and Reveal
marks each answer (``lstm_core.prediction``), adds it to the session's score and shows
the values. Another stage hides its values again.

API for any page: ``shown(s, stage, key, on=None) -> Step``, ``hidden(stage, key, on=None)``,
``predict_and_reveal(s, stage, key) -> None``, ``hidden_fields``, ``masked``, ``toggle``.
``key`` names one quiz (its widgets and its memory in ``state.quiz()``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import Any

import numpy as np
import streamlit as st
from numpy.typing import ArrayLike

from lstm_core import Step
from lstm_core.numbers import quote
from lstm_core.prediction import PREDICT_ATOL, THRESHOLD, Mark, mark_numbers, mark_units, score

from . import state
from .fmt import fmt
from .stages import STAGES, Ask

TOLERANCE_TEXT = {
    "number": f"An answer is right within ±{PREDICT_ATOL:g} of the value (absolute).",
    "units": f"A unit is right when it is picked exactly if its value is above {THRESHOLD:g}.",
}


RIGHT, WRONG = ":green[:material/check_circle: right]", ":red[:material/cancel: wrong]"


def hidden_fields(stage: int, revealed: bool) -> frozenset[str]:
    """The Step fields the page may not show: this stage's (until revealed) and later ones'."""
    first = stage + 1 if revealed else stage
    return frozenset(field for later in STAGES[first:] for field in later.results)


def masked(s: Step, hidden: Collection[str]) -> Step:
    """``s`` with every ``hidden`` field NaN (drawn as "?")."""
    return replace(s, **{f: np.full_like(getattr(s, f), np.nan) for f in hidden})


def _memory(key: str, stage: int) -> dict[str, Any]:
    """This quiz's memory; a new stage starts it afresh (its values hidden again)."""
    memory = state.quiz()
    mine = memory.get(key)
    if mine is None or mine["stage"] != stage:
        mine = memory[key] = {"stage": stage, "revealed": False, "marks": []}
    return mine


def revealed(key: str, stage: int) -> bool:
    return bool(_memory(key, stage)["revealed"])


def hidden(stage: int, key: str, on: bool | None = None) -> frozenset[str]:
    """The fields held back now: none unless the quiz is ``on`` (default: the view's
    ``quiz`` flag); else those of ``hidden_fields`` for ``key``'s stage."""
    if not (state.view().quiz if on is None else on):
        return frozenset()
    return hidden_fields(stage, revealed(key, stage))


def shown(s: Step, stage: int, key: str, on: bool | None = None) -> Step:
    """The Step the page may draw at ``stage``: ``s`` without the fields held back."""
    return masked(s, hidden(stage, key, on))


def toggle(key: str = "ctl:quiz") -> None:
    """The switch for ``?quiz=1``."""
    ss = st.session_state
    if ss.get(key) != state.view().quiz:
        ss[key] = state.view().quiz
    st.toggle(
        ":material/quiz: Predict, then reveal",
        key=key,
        on_change=lambda: state.set_view(quiz=bool(ss[key])),
        help="On Cell step, each stage's values stay out of the page until you press Reveal. "
        "In the link: quiz=1.",
    )


def _widget(key: str, stage: int, r: int | None = None) -> str:
    return f"{key}:pick:{stage}" if r is None else f"{key}:guess:{stage}:{r}"


def _marks(ask: Ask, correct: np.ndarray, key: str, stage: int) -> list[Mark]:
    ss = st.session_state
    if ask.kind == "units":
        return mark_units(ss.get(_widget(key, stage)) or [], correct, ask.name)
    typed = [str(ss.get(_widget(key, stage, r)) or "") for r in range(len(correct))]
    return mark_numbers(typed, correct, ask.name)


def _reveal(key: str, stage: int, correct: np.ndarray, ask: Ask) -> None:
    mine = _memory(key, stage)
    if mine["revealed"]:  # a second click changes nothing
        return
    marks = _marks(ask, correct, key, stage)
    right, scored = score(marks)
    total = state.quiz()["score"]
    total[0], total[1] = total[0] + right, total[1] + scored
    mine.update(revealed=True, marks=marks)


def _mark_line(m: Mark, kind: str) -> str:
    """One answer as a line of markdown (typed text only as a quoted code span)."""
    value = f"{m.name} = {fmt(m.value)}"
    if m.right is None:
        return f"- no answer: {value}"
    verdict = (
        ":green[:material/check_circle: right]" if m.right else ":red[:material/cancel: wrong]"
    )
    if kind == "units":
        unit = m.name[m.name.index("[") + 1 : -1]
        said = "picked" if m.typed == "yes" else "not picked"
        return f"- {verdict}: unit {unit} {said}; {value}"
    return f"- {verdict}: you said {quote(m.typed)}; {value}"


def predict_and_reveal(
    s: Step, stage: int, key: str, ask: Ask | None = None, correct: ArrayLike | None = None
) -> None:
    """The stage's question, then Reveal; after Reveal, each answer marked and the score.

    ``s`` is the whole Step (the answers are marked against it); draw the page from
    ``shown(s, stage, key)``. Another question (the Lesson's) may be given as ``ask`` with
    its ``correct`` values; by default it is the stage's ``Ask`` about ``s``.
    """
    ask, mine = ask or STAGES[stage].ask, _memory(key, stage)
    if ask is None:
        raise ValueError(f"stage {stage} has no question to ask")
    if correct is None:
        correct = getattr(s, ask.field)
    correct = np.asarray(correct, dtype=np.float64)  # (n,) or (n+m,)
    done = bool(mine["revealed"])
    box = st.container(border=True, key=f"{key}:box")
    box.markdown(f"**:material/quiz: Predict, then reveal.** {ask.prompt}")
    # the answers and Reveal on one row: the box stays short enough to sit under the diagram
    row = box.container(horizontal=True, gap="small", vertical_alignment="bottom")
    if ask.kind == "units":
        row.pills(
            ask.prompt,
            range(len(correct)),
            selection_mode="multi",
            format_func=lambda r: f"unit {r}",
            key=_widget(key, stage),
            disabled=done,
            label_visibility="collapsed",
        )
    else:
        for r in range(len(correct)):
            row.text_input(
                f"{ask.name}[{r}]", key=_widget(key, stage, r), placeholder="e.g. 0.5",
                disabled=done, width=100,
            )  # fmt: skip
    if not done:
        row.button(
            "Reveal",
            key=f"{key}:reveal:{stage}",
            icon=":material/visibility:",
            type="primary",
            on_click=_reveal,
            args=(key, stage, correct, ask),
        )
    marks = list(mine["marks"]) if done else _marks(ask, correct, key, stage)
    for m in marks:
        if m.error:
            box.error(f"{m.error}. It is not scored.", icon=":material/error:")
    if not done:
        box.caption(TOLERANCE_TEXT[ask.kind])
        return
    right, scored = score(marks)
    total_right, total_scored = state.quiz()["score"]
    box.markdown(
        "\n".join(_mark_line(m, ask.kind) for m in marks if not m.error)
        + f"\n\n**{right} of {scored}** right at this stage; **{total_right} of "
        f"{total_scored}** this session. {TOLERANCE_TEXT[ask.kind]}"
    )
