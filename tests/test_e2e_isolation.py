"""Two students at once: two browsers editing the same server never see each other's edits.

Each key press is sent from both browsers before either rerun is waited for, so the
two sessions' reruns overlap on the server.
"""

from __future__ import annotations

from collections.abc import Callable

from e2e_support import AppPage

SEED = "/?preset=seed-question"  # x_t = [1, 2, 3]


def slider_values(app: AppPage) -> list[float]:
    """x_t as the page's sliders show it."""
    return [
        float(app.slider(f"key=sl:x:{i}").get_attribute("aria-valuetext") or "nan")
        for i in range(3)
    ]


def test_two_sessions_editing_at_once_stay_apart(new_app_page: Callable[[], AppPage]) -> None:
    a, b = new_app_page(), new_app_page()
    a.open(SEED)
    b.open(SEED)
    a.slider("key=sl:x:0").focus()
    b.slider("key=sl:x:1").focus()
    for _ in range(3):
        before = a.runs.finished, b.runs.finished
        a.page.keyboard.press("ArrowRight")  # x_t[0] + 0.1 in a
        b.page.keyboard.press("ArrowLeft")  # x_t[1] − 0.1 in b, while a reruns
        a.wait_for_runs(before[0] + 1)
        b.wait_for_runs(before[1] + 1)

    assert slider_values(a) == [1.3, 2.0, 3.0]
    assert slider_values(b) == [1.0, 1.7, 3.0]
    assert a.query()["x"] == "1.3,2,3"
    assert b.query()["x"] == "1,1.7,3"
    for app in (a, b):
        app.assert_no_traceback()

    # and a third browser opening the server now starts from the preset, untouched
    c = new_app_page().open(SEED)
    assert slider_values(c) == [1.0, 2.0, 3.0]
