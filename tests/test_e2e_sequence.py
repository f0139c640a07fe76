"""The Sequence, Gradient flow and Trained example pages in a real headless Chromium
(fixtures: tests/conftest.py). Screenshots: test-artifacts/screenshots/through-time-*.png.

Each test starts at "/" and follows the sidebar link, as a student would.
"""

from __future__ import annotations

import re

import pytest
from e2e_support import AppPage
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from ui.sequence import DEFAULT_LENGTH, PLAY_INTERVAL

pytestmark = pytest.mark.browser

T_LABEL = f"Time step t (0 to {DEFAULT_LENGTH - 1})"


def open_page(app: AppPage, title: str) -> None:
    app.open("/?preset=random")
    app.go_to_page(title)
    app.assert_no_traceback()


# The selected step as the page shows it: the scrubber's value when paused, the progress
# bar's text ("…: t = 5, playing") while playing.
T_JS = """(label) => {
  const s = [...document.querySelectorAll('input[type=range]')]
    .find(e => e.getAttribute('aria-label') === label);
  if (s) return Number(s.value);
  for (const p of document.querySelectorAll('[data-testid="stProgress"]')) {
    const m = p.innerText.match(/t = (\\d+), playing/);
    if (m) return Number(m[1]);
  }
  return null;
}"""


def t_now(app: AppPage) -> int:
    value = app.page.evaluate(T_JS, T_LABEL)
    assert value is not None, "neither the scrubber nor the playing progress bar is on the page"
    return int(value)


def wait_for_t(app: AppPage, condition: str, timeout_s: float) -> None:
    """Wait until the shown step ``v`` satisfies ``condition`` (a JS expression)."""
    app.page.wait_for_function(
        f"(label) => {{ const v = ({T_JS})(label); return v !== null && ({condition}); }}",
        arg=T_LABEL,
        timeout=timeout_s * 1000,
        polling=50,
    )


def press_until(app: AppPage, key: str, condition: str) -> None:
    """Press ``key`` on the time slider until the shown step meets ``condition``: a key
    press that lands while the slider is being redrawn after a rerun is lost."""
    for _ in range(3):
        app.slider(T_LABEL).focus()
        app.page.keyboard.press(key)
        try:
            wait_for_t(app, condition, timeout_s=10)
            app.wait_idle(quiet_ms=300)
            return
        except PlaywrightTimeoutError:
            continue
    raise AssertionError(f"{key} on the time slider never gave {condition}")


def test_sequence_scrub_play_pause(app_page: AppPage) -> None:
    app = app_page
    open_page(app, "Sequence")
    assert t_now(app) == 0
    app.press_slider(T_LABEL, "ArrowRight", times=2)
    assert t_now(app) == 2
    assert "Step t = 2 in detail" in app.main_text()
    app.shot("through-time-sequence", tall=True)

    # Play: the index moves on by itself, about one step per PLAY_INTERVAL
    # not app.rerun(...): a playing page never goes idle on a busy machine
    app.page.get_by_role("button", name="Play").click()
    wait_for_t(app, "v >= 4", timeout_s=10 * PLAY_INTERVAL + 20)
    assert "playing" in app.main_text()
    app.shot("through-time-sequence-playing")
    app.page.get_by_role("button", name="Pause").click()
    app.page.get_by_role("button", name="Play").wait_for()
    app.wait_idle(quiet_ms=300)
    paused = t_now(app)
    app.page.wait_for_timeout(2 * PLAY_INTERVAL * 1000)
    assert t_now(app) == paused, "the index kept moving after Pause"
    assert f"Step t = {paused} in detail" in app.main_text()

    # Play near the end runs to the last step and stops there by itself
    press_until(app, "End", f"v === {DEFAULT_LENGTH - 1}")
    press_until(app, "ArrowLeft", f"v === {DEFAULT_LENGTH - 2}")
    assert t_now(app) == DEFAULT_LENGTH - 2
    app.page.get_by_role("button", name="Play").click()
    wait_for_t(app, f"v === {DEFAULT_LENGTH - 1}", timeout_s=4 * PLAY_INTERVAL + 20)
    app.page.get_by_role("button", name="Play").wait_for(timeout=10_000)
    app.wait_idle(quiet_ms=300)
    app.page.wait_for_timeout(2 * PLAY_INTERVAL * 1000)
    assert t_now(app) == DEFAULT_LENGTH - 1
    app.assert_no_traceback()
    app.shot("through-time-sequence-end")


def test_gradient_flow_forget_bias_keeps_gradient(app_page: AppPage) -> None:
    app = app_page
    open_page(app, "Gradient flow")
    text = app.main_text()
    assert "constant error carousel" in text
    assert not re.search(r"\b(nan|inf)\b", text, re.IGNORECASE)
    low = float(re.search(r"mean forget gate f\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    app.press_slider("Added to every forget-gate bias", "End")  # +8
    text = app.main_text()
    high = float(re.search(r"mean forget gate f\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    assert low < 0.6 < 0.99 < high
    assert not re.search(r"\b(nan|inf)\b", text, re.IGNORECASE)
    app.assert_no_traceback()
    app.shot("through-time-gradient-flow", tall=True)


def test_trained_example_and_train_live(app_page: AppPage) -> None:
    app = app_page
    open_page(app, "Trained example")
    text = app.main_text()
    assert "holds the sign" in text and "yes ✓" in text
    app.shot("through-time-trained", tall=True)
    app.rerun(app.page.get_by_role("button", name=re.compile("Train live")).click)
    app.page.get_by_text("trained just now from seed").wait_for(timeout=60_000)
    app.assert_no_traceback()
    assert "Trained just now" in app.main_text()
    app.shot("through-time-trained-live")
