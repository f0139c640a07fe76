"""Predict, then reveal on Cell step in a real Chromium at 1280×720, scale 1.5.

The values of the current stage (and later ones) are absent from the page's HTML until
Reveal, present after it, and absent again at the next stage. Screenshots:
``quiz-before-reveal.png`` and ``quiz-after-reveal.png`` in test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from e2e_support import AppPage

from lstm_core import Step, step
from ui.codec import decode
from ui.fmt import fmt
from ui.stages import CELL, OUTPUT, STAGES

pytestmark = pytest.mark.browser


def model_step(app: AppPage) -> Step:
    model, _, warnings = decode(app.query())
    assert not warnings, warnings
    return step(model.params, model.x, model.h_prev, model.c_prev)


def texts(a: np.ndarray) -> set[str]:
    """How the page would write the entries of ``a`` (diagram: 3 digits, equations: 4)."""
    return {fmt(v, d) for v in np.asarray(a) for d in (3, 4)}


def numbers_in(html: str) -> set[str]:
    """Every number written in the HTML, as whole tokens (so "0.48" is not found in "0.483")."""
    return set(re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?(?![\w.])", html))


def held_back(s: Step, stage: int) -> set[str]:
    """The written values of this stage's and later stages' results, less those that an
    input or an earlier stage also writes (C_{t−1}[k] = 0 gives f∘C_{t−1}[k] = 0 too)."""
    hidden = {f for later in STAGES[stage:] for f in later.results}
    secret = set().union(*(texts(getattr(s, f)) for f in hidden))
    return secret - set().union(*(texts(a) for f, a in s.as_dict().items() if f not in hidden))


def reveal(app: AppPage, stage: int) -> Any:
    return app.page.locator(f".st-key-cell-reveal-{stage} button")


SCROLL_JS = """([css, top]) => {
  const el = document.querySelector(css);
  const box = document.querySelector('[data-testid="stMain"]');  // it scrolls, not the window
  const r = el.getBoundingClientRect();
  box.scrollTop += top ? r.top - 70 : r.bottom - window.innerHeight + 10;  // 70: the header
}"""


def scroll(app: AppPage, css: str, top: bool) -> None:
    """Scroll ``css`` to the top (or the bottom) of the window (typing scrolled the page)."""
    app.page.evaluate(SCROLL_JS, [css, top])
    app.wait_idle()


def guess(app: AppPage, stage: int, r: int, text: str) -> None:
    field = app.page.locator(f".st-key-cell-guess-{stage}-{r} input")
    app.rerun(lambda: (field.fill(text), field.press("Enter")))


def test_values_are_absent_until_reveal_and_hidden_again_at_the_next_stage(
    hidpi_page: AppPage,
) -> None:
    app = hidpi_page
    app.open(f"/?preset=random&quiz=1&stage={CELL}")
    s = model_step(app)
    secret = held_back(s, CELL)
    shown = numbers_in(app.page.content())
    assert not secret & shown, sorted(secret & shown)
    assert texts(s.f) & shown  # the forget gate (an earlier stage) stays
    guess(app, CELL, 0, fmt(s.c[0], 3))
    guess(app, CELL, 1, "0")
    guess(app, CELL, 2, "0.4 or so")
    assert any("Cₜ[2]" in a for a in app.alerts("error"))
    scroll(app, ".st-key-cell-box", top=False)  # the quiz, and the diagram's "?" above it
    app.shot("quiz-before-reveal")

    app.rerun(reveal(app, CELL).click)
    shown = numbers_in(app.page.content())
    assert {fmt(v, 4) for v in s.c} <= shown  # C_t, revealed (its equation: 4 digits)
    later = held_back(s, OUTPUT)
    assert not later & shown, sorted(later & shown)  # o_t and h_t: not yet
    assert "1 of 2" in app.main_text()
    scroll(app, ".diagram svg", top=True)  # C_t on the diagram, then the marks
    app.shot("quiz-after-reveal")

    app.page.evaluate("() => document.activeElement && document.activeElement.blur()")
    app.rerun(lambda: app.page.keyboard.press("n"))
    assert app.query()["stage"] == str(OUTPUT)
    shown = numbers_in(app.page.content())
    assert not later & shown, sorted(later & shown)
    assert reveal(app, OUTPUT).count() == 1
    app.assert_no_traceback()
