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
KEYS = ("n", "ArrowRight", "PageDown")  # keyboard, arrows, a presentation clicker


def press(app: AppPage, key: str) -> None:
    """A key with nothing focused, as a clicker sends it, and wait for the rerun."""
    app.page.evaluate("() => document.activeElement && document.activeElement.blur()")
    app.rerun(lambda: app.page.keyboard.press(key))


def step_shown(app: AppPage) -> int:
    text = app.main_text()
    k = int(text.split("Step ", 1)[1].split(" of", 1)[0])
    assert f"Step {k} of {N}" in text and STEPS[k - 1].title in text
    return k


def test_walk_the_lesson_with_next_and_keys(hidpi_page: AppPage) -> None:
    hidpi_page.open("/")
    assert hidpi_page.nav_links()[0] == "Lesson"
    link = hidpi_page.page.get_by_role("link", name="Start the guided lesson")
    hidpi_page.rerun(link.click)
    assert hidpi_page.page.locator("h1").first.inner_text().strip() == "Lesson"
    assert step_shown(hidpi_page) == 1 and "step" not in hidpi_page.query()
    hidpi_page.shot("lesson-step-01")
    for k in range(2, N + 1):
        if k % 2 == 0:
            button = hidpi_page.page.get_by_role("button", name="Next")
            hidpi_page.rerun(button.click)
        else:
            press(hidpi_page, KEYS[k % len(KEYS)])
        assert step_shown(hidpi_page) == k
        assert hidpi_page.query()["step"] == str(k)
        hidpi_page.assert_no_traceback()
        if k == MIDDLE:
            hidpi_page.shot(f"lesson-step-{k:02d}")
    assert hidpi_page.page.get_by_role("button", name="Next").is_disabled()
    hidpi_page.shot(f"lesson-step-{N:02d}")
    press(hidpi_page, "PageUp")
    assert step_shown(hidpi_page) == N - 1 and hidpi_page.query()["step"] == str(N - 1)


def test_predict_then_reveal(hidpi_page: AppPage) -> None:
    hidpi_page.open("/lesson?step=8")  # W_f·v with the halves of v swapped
    assert step_shown(hidpi_page) == 8
    answer = np.array(SEED_W_F, dtype=float) @ np.concatenate([SEED_H, SEED_X])
    shown = short_vec(answer, 4, 8)
    assert shown not in hidpi_page.page.content()  # not in the page at all, not just hidden
    hidpi_page.shot("lesson-predict-before")
    for r, typed in enumerate(("64", "148", "107")):
        box = hidpi_page.page.get_by_label(f"W_f·v[{r}]")
        hidpi_page.rerun(lambda box=box, typed=typed: (box.fill(typed), box.press("Enter")))
    hidpi_page.rerun(hidpi_page.page.get_by_role("button", name="Reveal", exact=True).click)
    text = hidpi_page.main_text()
    assert f"= {shown}, not" in text and "2 of 3 right at this stage" in text, text
    assert shown in hidpi_page.page.content()
    hidpi_page.assert_no_traceback()
    hidpi_page.shot("lesson-predict-revealed")


def test_a_step_link_opens_its_step(hidpi_page: AppPage) -> None:
    hidpi_page.open("/lesson?step=abc")
    assert any("Lesson step abc does not exist" in a for a in hidpi_page.alerts("warning"))
    assert step_shown(hidpi_page) == 1
    hidpi_page.page.get_by_text("Every step of the lesson").click()
    link = hidpi_page.page.get_by_role("link", name=f"{N}. {STEPS[-1].title}")
    hidpi_page.click_for_rerun(link)
    assert step_shown(hidpi_page) == N and hidpi_page.query()["step"] == str(N)
