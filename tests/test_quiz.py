"""Predict, then reveal (ui/quiz.py, lstm_core/prediction.py): marking, the session's
score, what the page holds back before Reveal, the switch and ``?quiz=`` in the link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from lstm_core import step
from lstm_core.prediction import PREDICT_ATOL, mark_numbers, mark_units, score
from lstm_core.presets import load_preset
from ui.fmt import fmt
from ui.quiz import hidden_fields, masked
from ui.stages import CELL, FORGET, HIDDEN, OUTPUT, STAGES

# -- marking (no Streamlit) -------------------------------------------------------------


def test_numbers_are_right_within_the_stated_tolerance() -> None:
    correct = np.array([0.5, -1.0, 2.0, 0.25])
    marks = mark_numbers(["0.505", "-0.98", "", "1/4"], correct, "C_t")
    assert [m.right for m in marks] == [True, False, None, True]
    assert score(marks) == (2, 3)  # the empty field is not scored
    edge = mark_numbers(
        [repr(0.5 + PREDICT_ATOL * 0.999), repr(0.5 + PREDICT_ATOL * 1.01)], [0.5, 0.5], "h_t"
    )
    assert [m.right for m in edge] == [True, False]


def test_text_that_is_not_a_number_is_named_and_not_scored() -> None:
    marks = mark_numbers(["abc", "0.5"], [0.5, 0.5], "h_t")
    assert marks[0].right is None
    assert "h_t[0]" in marks[0].error and "`abc`" in marks[0].error
    assert score(marks) == (1, 1)


def test_a_choice_of_units_is_right_per_unit() -> None:
    marks = mark_units({0, 2}, [0.9, 0.1, 0.3], "f_t")
    assert [m.right for m in marks] == [True, True, False]
    assert [m.typed for m in marks] == ["yes", "no", "yes"]
    assert score(marks) == (2, 3)


def test_wrong_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="2 answers for 3 entries"):
        mark_numbers(["1", "2"], [1.0, 2.0, 3.0], "h_t")


def test_held_back_fields_are_this_stage_and_later_ones() -> None:
    assert hidden_fields(HIDDEN, revealed=True) == frozenset()
    assert hidden_fields(HIDDEN, revealed=False) == {"tanh_c", "h"}
    before_reveal = hidden_fields(FORGET, revealed=False)
    assert {"z_f", "f", "c", "h"} <= before_reveal and "concat" not in before_reveal
    every = {f for stage in STAGES for f in stage.results}
    assert hidden_fields(0, revealed=False) == every
    m = load_preset("random")
    s = masked(step(m.params, m.x, m.h_prev, m.c_prev), hidden_fields(OUTPUT, False))
    assert np.isnan(s.o).all() and np.isnan(s.h).all() and not np.isnan(s.c).any()
    assert fmt(s.o[0]) == "?"


def test_every_stage_asks_about_a_value_it_computes() -> None:
    for stage in STAGES:
        assert stage.ask.field in stage.results, stage.title
        assert stage.ask.kind in ("number", "units")


# -- the page (AppTest) ------------------------------------------------------------------


def _page_text(at: Any) -> str:
    return "\n".join(str(m.value) for m in at.markdown) + "\n".join(
        str(m.value) for m in at.main.get("html")
    )


def test_quiz_holds_back_the_stage_and_reveal_marks_and_scores(
    app_test: Callable[..., Any],
) -> None:
    at = app_test({"preset": "random", "quiz": "1", "stage": str(CELL)})
    assert not at.exception and not at.warning
    m = at.session_state["model"]
    s = step(m.params, m.x, m.h_prev, m.c_prev)
    text = _page_text(at)
    for v in s.c:  # C_t, this stage's result: not in the page
        assert fmt(v) not in text and fmt(v, 3) not in text
    assert fmt(s.c_tilde[0]) in text  # an earlier stage's value stays
    keys = [f"cell:guess:{CELL}:{r}" for r in range(3)]
    at.text_input(key=keys[0]).input(repr(float(s.c[0]) + 0.005)).run()
    at.text_input(key=keys[1]).input("9").run()
    at.text_input(key=keys[2]).input("abc").run()
    errors = [e.value for e in at.error]
    assert any("Cₜ[2]" in e and "`abc`" in e and "not scored" in e for e in errors), errors
    at.button(key=f"cell:reveal:{CELL}").click().run()
    assert not at.exception
    text = _page_text(at)
    assert fmt(s.c[0]) in text and fmt(s.c[1]) in text
    assert "**1 of 2** right at this stage; **1 of 2** this session" in text
    assert f"±{PREDICT_ATOL:g}" in text
    # the next stage holds its values back again; the score stays
    at.button(key="ctl:stage:next").click().run()
    text = _page_text(at)
    assert all(fmt(v) not in text for v in s.o)
    assert at.session_state["quiz"]["score"] == [1, 2]


def test_a_choice_of_units_at_the_forget_gate(app_test: Callable[..., Any]) -> None:
    at = app_test({"preset": "random", "quiz": "1", "stage": str(FORGET)})
    m = at.session_state["model"]
    f = step(m.params, m.x, m.h_prev, m.c_prev).f
    keep = [r for r in range(3) if f[r] > 0.5]
    at.pills(key=f"cell:pick:{FORGET}").set_value(keep).run()
    at.button(key=f"cell:reveal:{FORGET}").click().run()
    assert at.session_state["quiz"]["score"] == [3, 3]
    assert fmt(f[0]) in _page_text(at)


def test_the_switch_writes_the_link(app_test: Callable[..., Any]) -> None:
    at = app_test({"preset": "seed-question"})
    assert "quiz" not in at.query_params
    assert not any("Predict, then reveal." in str(m.value) for m in at.markdown)
    at.toggle(key="ctl:quiz").set_value(True).run()
    assert at.query_params["quiz"] == "1"
    assert any("Predict, then reveal." in str(m.value) for m in at.markdown)
    at.toggle(key="ctl:quiz").set_value(False).run()
    assert "quiz" not in at.query_params


def test_a_bad_quiz_value_warns_and_uses_the_default(app_test: Callable[..., Any]) -> None:
    at = app_test({"preset": "seed-question", "quiz": "banana"})
    assert [w.value for w in at.warning] == ["quiz `banana` must be 0 or 1; the quiz is off."]
    assert at.toggle(key="ctl:quiz").value is False
    assert not at.exception
