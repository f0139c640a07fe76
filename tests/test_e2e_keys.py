"""Keyboard and clicker stepping (ui/keys.py) in a real Chromium at 1280×720, scale 1.5.

N / → / PageDown press Next, P / ← / PageUp press Prev; the arrows are left to a slider
or a field that has focus.
"""

from __future__ import annotations

import pytest
from e2e_support import AppPage

pytestmark = pytest.mark.browser

SEED = "/?preset=seed-question"


def press(app: AppPage, key: str) -> None:
    """Press ``key`` with nothing focused (the page body), and wait for the rerun."""
    app.page.evaluate("() => document.activeElement && document.activeElement.blur()")
    app.rerun(lambda: app.page.keyboard.press(key))


def test_keys_move_the_stage_in_the_url(hidpi_page: AppPage) -> None:
    app = hidpi_page
    app.open(SEED)
    assert app.query()["stage"] == "0"
    stages = []
    for key in ("n", "ArrowRight", "PageDown", "PageDown", "ArrowLeft", "p", "PageUp"):
        press(app, key)
        stages.append(app.query()["stage"])
    assert stages == ["1", "2", "3", "4", "3", "2", "1"]
    app.assert_no_traceback()


def test_keys_stop_at_either_end(hidpi_page: AppPage) -> None:
    app = hidpi_page
    app.open(SEED + "&stage=5")
    app.page.keyboard.press("PageDown")  # Next is disabled: no rerun, no change
    app.page.wait_for_timeout(500)
    app.wait_idle()
    assert app.query()["stage"] == "5"


def test_arrows_move_a_focused_slider_not_the_stage(hidpi_page: AppPage) -> None:
    app = hidpi_page
    app.open(SEED + "&stage=2")
    thumb = app.slider("key=sl:x:0")
    before = thumb.get_attribute("aria-valuetext")
    app.press_slider("key=sl:x:0", "ArrowRight")
    assert thumb.get_attribute("aria-valuetext") != before
    assert app.query()["stage"] == "2"


def test_keys_help_lists_the_shortcuts(hidpi_page: AppPage) -> None:
    app = hidpi_page
    app.open(SEED)
    app.page.get_by_role("button", name="keyboard").click()  # the Keys help's icon
    app.wait_idle()
    app.shot("keys-help")
    text = app.page.locator('[data-testid="stPopoverBody"]').inner_text()
    for key in ("N", "→", "PageDown", "P", "←", "PageUp"):
        assert key in text


def test_keys_step_time_on_sequence(hidpi_page: AppPage) -> None:
    app = hidpi_page
    app.open("/sequence?preset=remember")
    stage = app.query()["stage"]
    heading = app.page.get_by_role("heading", name="in detail")
    assert "t = 0" in heading.inner_text()
    for key, t in (("n", 1), ("ArrowRight", 2), ("PageDown", 3), ("ArrowLeft", 2), ("p", 1)):
        press(app, key)
        assert f"t = {t}" in heading.inner_text(), key
    assert app.query()["stage"] == stage  # time moved, not the stage
    # a focused time slider takes the arrows itself (one step each, one rerun)
    app.press_slider("key=seq:scrub", "ArrowRight")
    assert "t = 2" in heading.inner_text()
