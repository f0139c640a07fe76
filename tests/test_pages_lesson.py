"""The Lesson page through the real entry point app.py (AppTest): every step, its link,
its model, its numbers, its "try this" and its predictions.

The numbers the prose must show are computed here again with plain NumPy, not with
the functions the page uses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from e2e_support import ROOT
from streamlit.testing.v1 import AppTest

from lstm_core import CellModel
from lstm_core.numbers import quote
from lstm_core.presets import SEED_H, SEED_W_F, SEED_X, load_preset
from ui.codec import decode, encode
from ui.diagram import highlight_box
from ui.fmt import fmt, short_vec
from ui.lesson_steps import PATH_STEPS, STEPS
from ui.view import LESSON_STEPS, View

LESSON = "views/lesson.py"
AppTestFactory = Callable[..., Any]


def sig(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # exp(800) is inf, and 1/inf is the 0 we want
        return 1.0 / (1.0 + np.exp(-z))  # type: ignore[no-any-return]


def open_step(query: dict[str, str]) -> Any:
    """The lesson opened straight from a link (its first run is the lesson's)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(LESSON).run()
    assert not at.exception, at.exception
    assert "m (inputs)" in [w.label for w in at.sidebar.selectbox]  # inside app.py's frame
    return at


def prose(at: Any) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def header(at: Any) -> str:
    return next(str(m.value) for m in at.markdown if str(m.value).startswith("**Step "))


def button(at: Any, label: str) -> Any:
    return next(b for b in at.button if b.label == label)


def test_every_step_renders_and_sets_its_own_model() -> None:
    assert len(STEPS) == LESSON_STEPS >= 10
    at = open_step({})
    seen: list[dict[str, Any]] = []
    for k in range(1, len(STEPS) + 1):
        assert header(at).startswith(f"**Step {k} of {len(STEPS)}**"), header(at)
        assert at.title[0].value == "Lesson"
        model: CellModel = at.session_state["model"]
        assert model.to_dict() == STEPS[k - 1].model().to_dict()
        assert all(model.to_dict() != other for other in seen), f"step {k} repeats a model"
        seen.append(model.to_dict())
        # the part of the diagram the step talks about is boxed
        assert highlight_box(STEPS[k - 1].region) in prose(at)
        assert at.query_params.get("step", "1") == str(k)
        if k < len(STEPS):
            button(at, "Next").click().run()
            assert not at.exception, (k, at.exception)
    assert button(at, "Next").disabled
    button(at, "Prev").click().run()
    assert header(at).startswith(f"**Step {len(STEPS) - 1} of")


@pytest.mark.parametrize("k", range(1, LESSON_STEPS + 1))
def test_step_k_in_the_link_opens_step_k(k: int) -> None:
    at = open_step({"step": str(k)})
    assert header(at).startswith(f"**Step {k} of {LESSON_STEPS}**")
    assert not at.warning
    # the page's own links, one per step
    links = [e.proto for e in at.get("page_link")]
    assert [lk.label.split(".")[0] for lk in links[-LESSON_STEPS:]] == [
        str(j) for j in range(1, LESSON_STEPS + 1)
    ]


@pytest.mark.parametrize("bad", ["0", "999", "abc", "-1", "2.5", "<b>3</b>"])
def test_a_bad_step_is_named_and_step_1_opens(bad: str) -> None:
    at = open_step({"step": bad})
    warnings = [w.value for w in at.warning]
    assert any(f"Lesson step {quote(bad)} does not exist" in w for w in warnings), warnings
    assert header(at).startswith(f"**Step 1 of {LESSON_STEPS}**")


def test_the_step_survives_the_codec() -> None:
    model = load_preset("zeros")
    for k in (1, 2, LESSON_STEPS):
        q = encode(model, View(step=k))
        assert ("step" in q) == (k != 1)
        assert decode(q)[1:] == (View(step=k), [])


def test_the_prose_numbers_are_the_cells() -> None:
    # step 1: v = [h, x] for the thread's numbers
    at = open_step({"step": "1"})
    v = np.concatenate([SEED_H, SEED_X]).astype(float)
    assert f"$v$ = {short_vec(v, 4, 8)}" in prose(at)
    # step 2: 4·n·(n+m) + 4·n parameters
    at = open_step({"step": "2"})
    model = at.session_state["model"]
    m, n = len(model.x), len(model.h_prev)
    assert f"= {4 * n * (n + m) + 4 * n} parameters" in prose(at)
    # step 7: σ′(z_f) = σ(z)(1 − σ(z)) for the saturated preset
    at = open_step({"step": "7"})
    sat = load_preset("saturated")
    z = np.array(sat.params.W_f) @ np.concatenate([sat.h_prev, sat.x]) + sat.params.b_f
    slope = sig(z) * sig(-z)
    assert f"σ′($z_f$) = {short_vec(slope, 3, 8)}" in prose(at), prose(at)
    assert f"{int(np.sum(slope < 0.01 * 0.25))} of 3 units" in prose(at)
    # step 10: ∏ f over the last PATH_STEPS − 1 steps of a run with x held fixed
    at = open_step({"step": "10"})
    rem = load_preset("remember")
    p, h, c, fs = rem.params, rem.h_prev, rem.c_prev, []
    for _ in range(PATH_STEPS):
        v = np.concatenate([h, rem.x])
        f, i = sig(p.W_f @ v + p.b_f), sig(p.W_i @ v + p.b_i)
        c = f * c + i * np.tanh(p.W_c @ v + p.b_c)
        h = sig(p.W_o @ v + p.b_o) * np.tanh(c)
        fs.append(f)
    direct = np.prod(fs[1:], axis=0)
    assert f"keeps ∏f = {short_vec(direct, 3, 8)}" in prose(at), prose(at)
    assert f"{fmt(0.25 ** (PATH_STEPS - 1), 3)}" in prose(at)


def test_try_this_changes_the_model_and_back_restores_it() -> None:
    at = open_step({"step": "4"})
    base = at.session_state["model"].to_dict()
    assert button(at, "Undo").disabled
    button(at, STEPS[3].try_this.label).click().run()
    assert not at.exception
    tried = at.session_state["model"]
    assert np.all(tried.params.b_i == -6.0) and tried.to_dict() != base
    assert STEPS[3].try_this.look in prose(at)
    # the prose follows the new model: i_t = σ(W_i v − 6)
    i = sig(tried.params.W_i @ np.concatenate([tried.h_prev, tried.x]) - 6.0)
    assert f"$i_t = \\sigma(W_i v + b_i)$ = [{', '.join(f'{v:.5g}' for v in i)}]" in prose(at)
    button(at, "Undo").click().run()
    assert at.session_state["model"].to_dict() == base


def page_text(at: Any) -> str:
    """Everything the page wrote: markdown (the diagram and equations too) and inputs."""
    return prose(at) + "\n".join(str(t.value) for t in at.text_input)


def test_a_prediction_is_hidden_then_revealed_and_marked() -> None:
    at = open_step({"step": "8"})  # W_f·v with the halves of v swapped
    answer = np.array(SEED_W_F, dtype=float) @ np.concatenate([SEED_H, SEED_X])
    shown = short_vec(answer, 4, 8)
    assert shown not in page_text(at)
    for box, typed in zip(at.text_input, ("64", "148", "107"), strict=True):
        box.input(typed)
    button(at, "Reveal").click().run()
    assert not at.exception
    text = prose(at)
    assert f"$W_f v$ = {shown}" in text and "**2 of 3** right at this stage" in text, text


def test_the_cell_update_can_be_predicted_by_hand() -> None:
    at = open_step({"step": "5"})
    model = at.session_state["model"]
    f = sig(model.params.b_f)  # W = 0 and h = 0: every z is its bias
    i, c_tilde = sig(model.params.b_i), np.tanh(model.params.b_c)
    c = f * model.c_prev + i * c_tilde
    assert set(np.round(np.concatenate([f, i, c_tilde]), 12)) <= {0.0, 0.5, 1.0, -1.0}
    assert short_vec(c, 4, 8) not in page_text(at)
    at.text_input[0].input("half").run()
    assert any("Cₜ[0]" in e.value and "not scored" in e.value for e in at.error)
    button(at, "Reveal").click().run()
    assert f"= {short_vec(c, 4, 8)}, one unit at a time" in prose(at)


def test_cell_step_leads_to_the_lesson(app_test: AppTestFactory) -> None:
    at = app_test({})
    first = at.get("page_link")[0].proto
    assert first.page.endswith("lesson") or "lesson" in first.page, first


def test_try_this_before_reveal_keeps_the_answer_out() -> None:
    at = open_step({"step": "3"})  # which units keep their memory; try: every b_f = 3
    button(at, STEPS[2].try_this.label).click().run()
    f = fmt(sig(np.array(3.0)), 4)  # W_f = 0: f = σ(3) in every unit
    assert f not in page_text(at)
    assert any("after Reveal" in c.value for c in at.caption)
    button(at, "Reveal").click().run()
    assert f in page_text(at)
