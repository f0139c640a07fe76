"""Lesson: a guided path through one LSTM step, drawn from the table in ui/lesson_steps.py."""

from __future__ import annotations

import streamlit as st

from lstm_core import CellModel, Step, step
from ui import classroom, keys, quiz, show, state, stepview
from ui.lesson_steps import STEPS, LessonStep
from ui.stages import STAGES

AT = "lesson:at"  # the step whose model was last loaded
SHOWN = "lesson:shown"  # the step the URL held after the last run of this page


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
    state.quiz().pop(_quiz_key(k), None)  # a step opened again asks again


def _follow_link() -> None:
    """A step link clicked on this page (``?step=K``) reruns with only that in the URL."""
    asked, shown = st.query_params.get("step", "1"), st.session_state.get(SHOWN)
    if shown is not None and asked != shown and asked.isdigit() and 1 <= int(asked) <= len(STEPS):
        go(int(asked))


def _quiz_key(k: int) -> str:
    return f"lesson:{k}"


def _predict(lesson: LessonStep, k: int, model: CellModel, s: Step) -> None:
    """The step's prediction (ui/quiz.py), and once revealed, what the values say."""
    p = lesson.predict
    assert p is not None
    answer = None if p.answer is None else p.answer(model, s)
    quiz.predict_and_reveal(s, lesson.stage, _quiz_key(k), p.ask, answer)
    if quiz.revealed(_quiz_key(k), lesson.stage):
        st.markdown(p.reveal(model, s))


def _try_this(lesson: LessonStep, k: int, pending: bool) -> None:
    """The step's one change of the model, Undo, and what the change did (once the
    prediction, if any, is revealed: the list would give its values away)."""
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
            "Undo",
            key=f"lesson:undo:{k}",
            icon=":material/undo:",
            disabled=not tried,
            on_click=lambda: state.set_model(base),
            help="this step's own model",
        )
        if tried:
            st.markdown(lesson.try_this.look)
            if pending:
                st.caption("What changed shows here after Reveal.")
                return
            before = step(base.params, base.x, base.h_prev, base.c_prev, dtype=state.dtype())
            st.markdown(stepview.changes_md(state.current_step(), before), unsafe_allow_html=True)


def render() -> None:
    _follow_link()
    k = state.view().step
    if st.session_state.get(AT) != k:
        _load(k)
    lesson, model, s = STEPS[k - 1], state.model(), state.current_step()
    st.title("Lesson")
    middle = keys.step_buttons("lesson", k - 1, len(STEPS), _go_index, noun="step")
    middle.markdown(f"**Step {k} of {len(STEPS)}** · {lesson.title}")
    # until a prediction is revealed, the values it asks for are not in the page ("?")
    pending = lesson.predict is not None and not quiz.revealed(_quiz_key(k), lesson.stage)
    drawn = quiz.masked(s, quiz.hidden_fields(lesson.stage, False)) if pending else s
    equation = f"$$\n{stepview.fitted_equation(lesson.stage, drawn, model.params)}\n$$"
    if classroom.present():  # a projector: the diagram beside the prose, on the first screen
        beside, prose = st.columns([3, 2], gap="medium")
        with beside:
            stepview.diagram(drawn, lesson.stage, "lesson-diagram", lesson.region)
        prose.markdown(lesson.prose(model, drawn))
    else:
        stepview.diagram(drawn, lesson.stage, "lesson-diagram", lesson.region)
    left, right = st.columns(2, gap="large")
    with left:
        if not classroom.present():
            st.markdown(lesson.prose(model, drawn))
        if lesson.predict is not None:
            _predict(lesson, k, model, s)
        _try_this(lesson, k, pending)
    with right:
        if lesson.figure is not None:
            show.chart(lesson.figure(model, s, state.view().dtype), f"lesson:fig:{k}")
        st.markdown(equation)
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
