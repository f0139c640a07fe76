"""Lesson: a guided path through one LSTM step, drawn from the table in ui/lesson_steps.py."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lstm_core import CellModel, Step, step
from lstm_core.hand_check import close, parse_vector
from ui import keys, show, state, stepview
from ui.lesson_steps import STEPS, LessonStep, Predict, vec
from ui.stages import STAGES

AT = "lesson:at"  # the step whose model was last loaded
SHOWN = "lesson:shown"  # the step the URL held after the last run of this page
REVEALED = "lesson:revealed"  # steps whose prediction has been revealed since loading


def go(k: int) -> None:
    """Open step k (1-based): part of the view, so of the URL."""
    state.set_view(step=k)


def _go_index(j: int) -> None:
    go(j + 1)  # the step bar counts from 0


def _load(k: int) -> None:
    """Give the page step k's own model, stage and gate."""
    lesson = STEPS[k - 1]
    state.set_model(lesson.model())
    gates = STAGES[lesson.stage].gates
    state.set_view(stage=lesson.stage, **({"focus": gates[0]} if gates else {}))
    st.session_state[AT] = k
    st.session_state[REVEALED] = set()


def _follow_link() -> None:
    """A step link clicked on this page (``?step=K``) reruns with only that in the URL."""
    asked, shown = st.query_params.get("step", "1"), st.session_state.get(SHOWN)
    if shown is not None and asked != shown and asked.isdigit() and 1 <= int(asked) <= len(STEPS):
        go(int(asked))


def _reveal(k: int) -> None:
    st.session_state[REVEALED] = st.session_state[REVEALED] | {k}


def _predict(p: Predict, k: int, model: CellModel, s: Step) -> None:
    """Type a value per unit, then Reveal: each marked right or wrong within the tolerance."""
    answer = np.asarray(p.answer(model, s), dtype=np.float64)
    with st.container(border=True):
        st.markdown(f"**Predict first.** {p.question(model, s)}")
        typed = st.text_input(
            p.name, key=f"lesson:typed:{k}", placeholder=f"{len(answer)} numbers, e.g. 0.5, 1/2"
        )
        if k not in st.session_state[REVEALED]:
            st.button("Reveal", key=f"lesson:reveal:{k}", icon=":material/visibility:",
                      on_click=_reveal, args=(k,), type="primary")  # fmt: skip
            return
        try:
            guesses = parse_vector(typed, p.name, len(answer))
        except ValueError as err:
            st.warning(f"{err}; not scored.", icon=":material/warning:")
            guesses = [None] * len(answer)
        marks = [
            "–" if g is None else ("right" if close(g, a) else "wrong")
            for g, a in zip(guesses, answer, strict=True)
        ]
        st.markdown(
            f"**Answer:** {p.name} = {vec(answer)}"
            + (f" · yours: {', '.join(marks)}" if any(g is not None for g in guesses) else "")
        )
        st.markdown(p.reveal(model, s))


def _try_this(lesson: LessonStep, k: int) -> None:
    base = lesson.model()
    tried = state.model().to_dict() != base.to_dict()
    with st.container(border=True):
        row = st.container(horizontal=True, vertical_alignment="center")
        row.markdown("**Try this**")
        row.button(
            lesson.try_this.label,
            key=f"lesson:try:{k}",
            icon=":material/science:",
            on_click=lambda: state.set_model(lesson.try_this.change(base)),
        )
        row.button(
            "Back",
            key=f"lesson:undo:{k}",
            icon=":material/undo:",
            disabled=not tried,
            on_click=lambda: state.set_model(base),
            help="this step's own model",
        )
        if tried:
            s, before = state.current_step(), step(base.params, base.x, base.h_prev, base.c_prev)
            st.markdown(lesson.try_this.look)
            st.markdown(stepview.changes_md(s, before), unsafe_allow_html=True)


def render() -> None:
    _follow_link()
    k = state.view().step
    if st.session_state.get(AT) != k:
        _load(k)
    lesson, model, s = STEPS[k - 1], state.model(), state.current_step()
    st.title("Lesson")
    middle = keys.step_buttons("lesson", k - 1, len(STEPS), _go_index, noun="step")
    middle.markdown(f"**Step {k} of {len(STEPS)}** · {lesson.title}")
    pending = lesson.predict is not None and k not in st.session_state[REVEALED]
    # before the reveal the diagram shows only the inputs (stage 0), not the answer
    stepview.diagram(s, 0 if pending else lesson.stage, "lesson-diagram", lesson.region)
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(lesson.prose(model, s))
        if lesson.predict is not None:
            _predict(lesson.predict, k, model, s)
        _try_this(lesson, k)
    with right:
        if lesson.figure is not None:
            show.chart(lesson.figure(model, s, state.view().dtype), f"lesson:fig:{k}")
        if not pending:
            st.markdown(f"$$\n{stepview.stage_equation(lesson.stage, s, model.params)}\n$$")
    with st.expander("Every step of the lesson", icon=":material/list:"):
        for j, other in enumerate(STEPS, start=1):
            st.page_link(
                "views/lesson.py",
                label=f"{j}. {other.title}",
                query_params={"step": str(j)},
                icon=":material/arrow_right:" if j == k else ":material/link:",
            )
    st.session_state[SHOWN] = str(k)


render()
