"""The Lesson page in a real headless Chromium (fixtures: tests/conftest.py): walked from
the first step to the last with the Next button and the keyboard, one prediction made
and revealed, and screenshots of the first, a middle and the last step
(test-artifacts/screenshots/lesson-*.png)."""

from __future__ import annotations

import numpy as np
import pytest
from e2e_support import AppPage

from lstm_core.presets import SEED_H, SEED_W_F, SEED_X
from ui.fmt import short_vec
from ui.lesson_steps import STEPS

pytestmark = pytest.mark.browser
N = len(STEPS)
MIDDLE = 5  # the cell update: a prediction, the diagram's C line boxed


def step_shown(app: AppPage) -> int:
    text = app.main_text()
    k = int(text.split("Step ", 1)[1].split(" of", 1)[0])
    assert f"Step {k} of {N}" in text and STEPS[k - 1].title in text
    return k


def test_walk_the_lesson_with_next_and_keys(app_page: AppPage) -> None:
    app_page.open("/")
    assert app_page.nav_links()[0] == "Lesson"
    link = app_page.page.get_by_role("link", name="Start the guided lesson")
    app_page.rerun(link.click)
    assert app_page.page.locator("h1").first.inner_text().strip() == "Lesson"
    assert step_shown(app_page) == 1 and "step" not in app_page.query()
    app_page.shot("lesson-step-01")
    for k in range(2, N + 1):
        if k % 2 == 0:
            button = app_page.page.get_by_role("button", name="Next")
            app_page.rerun(button.click)
        else:  # a key, as a clicker or the keyboard sends it, with nothing focused
            app_page.page.locator("h1").first.click()
            app_page.rerun(lambda: app_page.page.keyboard.press("n"))
        assert step_shown(app_page) == k
        assert app_page.query()["step"] == str(k)
        app_page.assert_no_traceback()
        if k == MIDDLE:
            app_page.shot(f"lesson-step-{k:02d}")
    assert app_page.page.get_by_role("button", name="Next").is_disabled()
    app_page.shot(f"lesson-step-{N:02d}")
    app_page.page.locator("h1").first.click()
    app_page.rerun(lambda: app_page.page.keyboard.press("p"))
    assert step_shown(app_page) == N - 1 and app_page.query()["step"] == str(N - 1)


def test_predict_then_reveal(app_page: AppPage) -> None:
    app_page.open("/lesson?step=8")  # W_f·v with the halves of v swapped
    assert step_shown(app_page) == 8
    answer = np.array(SEED_W_F, dtype=float) @ np.concatenate([SEED_H, SEED_X])
    shown = short_vec(answer, 4, 8)
    assert shown not in app_page.page.content()  # not in the page at all, not just hidden
    box = app_page.page.get_by_label("W_f·v")
    app_page.rerun(lambda: (box.fill("64, 148, 107"), box.press("Enter")))
    app_page.rerun(app_page.page.get_by_role("button", name="Reveal").click)
    text = app_page.main_text()
    assert f"W_f·v = {shown}" in text and "yours: right, right, wrong" in text, text
    app_page.assert_no_traceback()
    app_page.shot("lesson-predict-revealed")


def test_a_step_link_opens_its_step(app_page: AppPage) -> None:
    app_page.open("/lesson?step=abc")
    assert any("Lesson step abc does not exist" in a for a in app_page.alerts("warning"))
    assert step_shown(app_page) == 1
    app_page.page.get_by_text("Every step of the lesson").click()
    link = app_page.page.get_by_role("link", name=f"{N}. {STEPS[-1].title}")
    app_page.rerun(link.click)
    assert step_shown(app_page) == N and app_page.query()["step"] == str(N)
