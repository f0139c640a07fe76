"""The four teaching pages in a real headless Chromium (fixtures: tests/conftest.py).

Each test reaches its page through the sidebar navigation, uses one control, checks
what the page then shows, and saves test-artifacts/screenshots/teaching-*.png.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from e2e_support import AppPage

from lstm_core import sigmoid_grad

pytestmark = pytest.mark.browser

SEED = "/?preset=seed-question"


def visit(app: AppPage, title: str) -> None:
    app.open(SEED)
    app.go_to_page(title)
    app.assert_no_traceback()
    assert app.page.locator("h1").first.inner_text().strip() == title


def tab(app: AppPage, name: str) -> None:
    """Open a tab: switching tabs reruns the page (which writes the tab into the link, and
    on Shapes draws it)."""
    app.click_for_rerun(app.page.get_by_role("tab", name=name, exact=True))
    assert name in app.page.get_by_role("tab", selected=True).inner_text()


def reload_keeps_tab(app: AppPage, name: str, link_name: str) -> None:
    """The link names the open tab, and opening the link (a new session) opens it again."""
    assert app.query()["tab"] == link_name
    app.open(app.page.url.removeprefix(app.base_url))
    assert name in app.page.get_by_role("tab", selected=True).inner_text()


def chart_text(app: AppPage) -> str:
    """Every text Plotly drew (SVG text has no innerText, so textContent)."""
    return str(
        app.page.evaluate(
            "() => [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"] svg text')]"
            ".map(t => t.textContent).join(' ')"
        )
    )


def test_shapes_page(app_page: AppPage) -> None:
    visit(app_page, "Shapes & dimensions")
    assert "84 parameters: 4·3·6 + 4·3 = 84" in app_page.main_text()
    tab(app_page, "3 × 3 or 3 × 6?")  # drawn when opened
    assert "claimed: W_f is 3 × 3" in chart_text(app_page)
    assert "must be 3 × 6 (it fits)" in app_page.main_text()
    app_page.shot("teaching-shapes-claim")
    box = app_page.page.get_by_label("n: cell units")
    app_page.rerun(lambda: (box.fill("4"), box.press("Enter")))
    app_page.assert_no_traceback()
    assert "128 parameters: 4·4·7 + 4·4 = 128" in app_page.main_text()
    assert app_page.query()["n"] == "4"
    tab(app_page, "torch & Keras")
    drawn = chart_text(app_page)
    for label in (
        "weight_ih_l0",
        "16 × 3",
        "weight_hh_l0",
        "16 × 4",
        "kernel",
        "3 × 16",
        "recurrent_kernel",
        "4 × 16",
    ):
        assert label in drawn, (label, drawn)
    arrays = app_page.page.get_by_text("torch arrays with the current numbers")
    app_page.click_for_rerun(arrays)  # drawn when opened
    assert app_page.page.locator('[data-testid="stDataFrame"]').count() == 4
    app_page.shot("teaching-shapes-frameworks")
    reload_keeps_tab(app_page, "torch & Keras", "frameworks")
    tab(app_page, "Concatenation order")
    app_page.shot("teaching-shapes-concat")
    tab(app_page, "Why h and C match")  # two tabs in a row, no other rerun between
    tab(app_page, "Every array")
    assert "tab" not in app_page.query()  # the first tab is the default


def test_saturation_page(app_page: AppPage) -> None:
    visit(app_page, "Saturation & derivatives")
    assert "σ′(0) = 0.25 and tanh′(0) = 1" in app_page.main_text()
    app_page.shot("teaching-saturation-curves")
    tab(app_page, "Scale the weights")
    assert "largest slope of the forget gate here is 1.11e-40" in app_page.main_text()
    app_page.press_slider("key=sat:scale", "ArrowLeft")
    assert app_page.slider("key=sat:scale").get_attribute("aria-valuetext") == "0.5"
    expected = float(np.max(sigmoid_grad(0.5 * np.array([91, 175, 133]) + [1, 2, 3])))
    assert f"largest slope of the forget gate here is {expected:.3g}" in app_page.main_text()
    app_page.assert_no_traceback()
    app_page.shot("teaching-saturation-scale")
    tab(app_page, "Rounding to 1")
    drawn = chart_text(app_page)
    assert "16.64" in drawn and "36.74" in drawn, drawn
    app_page.shot("teaching-saturation-rounding")
    reload_keeps_tab(app_page, "Rounding to 1", "rounding")
    tab(app_page, "Chains of slopes")
    app_page.shot("teaching-saturation-chain")


def test_check_page(app_page: AppPage) -> None:
    visit(app_page, "Check my calculation")
    button = app_page.page.get_by_role("button", name=re.compile(r"Load the thread's sum"))
    app_page.rerun(button.click)
    app_page.page.mouse.move(0, 0)  # no tooltip in the screenshot
    app_page.assert_no_traceback()
    boxed = [t for t in app_page.latex() if r"\boxed" in t]
    assert len(boxed) == 2, app_page.latex()
    assert r"\text{unit 1:}" in boxed[0] and "{42 + 1}" in boxed[0]
    assert r"\text{unit 2:}" in boxed[1] and "= 63" in boxed[1]
    text = app_page.main_text()
    assert "Entry 2 (unit 1)" in text and "Entry 3 (unit 2)" in text
    assert "Entry 1 (unit 0)" not in text
    assert app_page.page.get_by_label("W_i·v + b_i", exact=True).input_value() == "22, 42, 62"
    app_page.shot("teaching-check-thread", tall=True)
    field = app_page.page.get_by_label("W_i·v", exact=True)
    app_page.rerun(lambda: (field.fill("21, 4x2, 63"), field.press("Enter")))
    errors = app_page.alerts("error")
    assert len(errors) == 1 and "W_i·v, entry 2: 4x2 is not a number" in errors[0], errors
    app_page.assert_no_traceback()
    app_page.shot("teaching-check-bad-input")


def test_misconceptions_page(app_page: AppPage) -> None:
    visit(app_page, "Misconceptions")
    text = app_page.main_text()
    for k in range(1, 8):
        assert re.search(rf"^{k}\. ", text, re.M), k
    assert text.count("The claim.") == 7 and text.count("What is true.") == 7
    sample = app_page.page.get_by_role("button", name="Sample")
    for _ in range(3):
        app_page.rerun(sample.click)
    app_page.page.mouse.move(0, 0)
    # "Real $C_t$" is typeset by KaTeX, whose text sits between the two halves
    draws = r"3 draws so far\. Real .{0,40}?: \[0\.25, -0\.8, 1\.8\]"
    assert re.search(draws, app_page.main_text(), re.S)
    app_page.assert_no_traceback()
    app_page.shot("teaching-misconceptions", tall=True)
