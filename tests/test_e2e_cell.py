"""The Cell step page in a real headless Chromium (fixtures: tests/conftest.py).

Screenshots of every scenario go to test-artifacts/screenshots/cell-*.png.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

import numpy as np
import pytest
from e2e_support import AppPage
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from lstm_core import step
from lstm_core.presets import load_preset
from ui.codec import decode, encode
from ui.view import View

pytestmark = pytest.mark.browser

SEED = "/?preset=seed-question"
# (W_f·v, z_f) per unit of the thread's forget gate
SEED_ROWS = ((91, 92), (175, 177), (133, 136))

# the diagram's label "h_t = [...]"; its subscript is an SVG tspan, so the text reads "ht = [...]"
H_LABEL = re.compile(r"(?<![\w{])ht\s*=\s*\[([^\]]*)\]")
# sliders by widget key: their labels are math ("$x_t[0]$")
X0, C0, H2 = "key=sl:x:0", "key=sl:c_prev:0", "key=sl:h_prev:2"
BMATRIX = re.compile(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}")


def numbers_after_equals(tex: str) -> set[float]:
    return {float(v) for v in re.findall(r"=\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)", tex)}


def shown_h(app: AppPage) -> np.ndarray:
    """h_t as the page shows it: the diagram's "h_t = [...]" label (its first entries, as
    many as fit), else the stage-6 equation."""
    m = H_LABEL.search(app.main_text())
    if m:
        return np.array([float(v) for v in m.group(1).replace("…", "").split(",") if v.strip()])
    for tex in app.latex():
        if tex.lstrip().startswith("h_t") and BMATRIX.search(tex):
            last = BMATRIX.findall(tex)[-1]
            return np.array([float(v) for v in last.split("&")])
    raise AssertionError(
        "h_t is neither in the diagram label 'h_t = [...]' nor in a stage equation 'h_t = ...'"
    )


def model_h(app: AppPage) -> np.ndarray:
    """h_t computed by lstm_core from the model the URL encodes."""
    model, view, warnings = decode(app.query())
    assert not warnings, warnings
    s = step(model.params, model.x, model.h_prev, model.c_prev)
    return np.asarray(s.h)


def assert_seed_numbers(app: AppPage) -> None:
    rows = [numbers_after_equals(t) for t in app.unit_rows()]
    for wv, z in SEED_ROWS:
        assert any({wv, z} <= r for r in rows), (
            f"no row shows W_f·v = {wv} and z = {z}; rows: {app.unit_rows()}"
        )
    text = app.main_text()
    for v in (91, 175, 133, 92, 177, 136):
        assert re.search(rf"(?<![\d.]){v}(?![\d.])", text), f"{v} is not visible on the page"


def test_seed_question_shows_the_thread_numbers(app_page: AppPage) -> None:
    app_page.open(SEED)
    app_page.assert_no_traceback()
    assert_seed_numbers(app_page)
    # the diagram is drawn (a sanitizer that drops SVG would leave an empty box)
    svg = app_page.page.locator(".cell-diagram svg")
    assert svg.count() == 1, "no diagram"
    box = svg.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150, box
    app_page.shot("cell-seed-question", tall=True)


def test_keyboard_on_a_slider_changes_h_t(app_page: AppPage) -> None:
    app_page.open("/?preset=random")
    before = shown_h(app_page)
    assert before.size >= 1
    np.testing.assert_allclose(before, model_h(app_page)[: before.size], rtol=5e-3, atol=1e-3)
    x0 = decode(app_page.query())[0].x[0]

    app_page.press_slider(X0, "ArrowRight", times=3)
    app_page.press_slider(X0, "ArrowLeft")

    model = decode(app_page.query())[0]
    assert model.x[0] == pytest.approx(x0 + 0.2), "two net steps of 0.1 on x_t[0]"
    after = shown_h(app_page)
    assert np.max(np.abs(after - before)) > 1e-3, f"h_t did not change: {before} → {after}"
    np.testing.assert_allclose(after, model_h(app_page)[: after.size], rtol=5e-3, atol=1e-3)
    app_page.assert_no_traceback()
    app_page.shot("cell-after-slider-keys", tall=True)


def test_what_changed_opens_on_the_last_edit_and_follows_the_next(app_page: AppPage) -> None:
    app_page.open(SEED)
    app_page.press_slider(X0, "ArrowRight")  # x_t[0]: 1 → 1.1
    box = app_page.page.get_by_test_id("stExpander").filter(has_text="What changed")
    app_page.click_for_rerun(box.get_by_text("What changed with the last edit"))  # drawn now
    listed = box.locator("table").first
    assert "1.1" in listed.inner_text() and "+0.1" in listed.inner_text()
    app_page.press_slider(X0, "ArrowRight")  # 1.1 → 1.2, with the list open
    assert "1.2" in listed.inner_text() and "+0.1" in listed.inner_text()
    app_page.assert_no_traceback()
    box.scroll_into_view_if_needed()
    app_page.shot("cell-what-changed-open")


def test_copied_url_shows_the_same_view_in_a_fresh_browser(app_page: AppPage, new_app_page) -> None:
    app_page.open(SEED)
    app_page.press_slider(X0, "ArrowRight", times=2)
    app_page.choose("Edit", "States")  # h_t-1 and C_t-1 sliders
    app_page.press_slider(C0, "ArrowLeft")
    url = urlsplit(app_page.page.url)
    formulas, h = app_page.latex() + app_page.unit_rows(), shown_h(app_page)

    fresh = new_app_page()
    fresh.open(f"{url.path}?{url.query}")
    fresh.assert_no_traceback()
    assert fresh.alerts("warning") == []
    assert fresh.query() == app_page.query()
    # the Edit panel is in the URL too: the fresh browser shows the same States sliders
    assert fresh.slider(C0).count() == 1
    assert fresh.latex() + fresh.unit_rows() == formulas
    np.testing.assert_array_equal(shown_h(fresh), h)
    assert numbers_after_equals(" ".join(formulas)) >= {
        91.2,
        92.2,
    }  # 1·1.2 + 2·2 + ... = 91.2, + b = 92.2
    fresh.shot("cell-copied-url-fresh-context")


def _seed_query(**changes: str) -> str:
    q = encode(load_preset("seed-question"), View())
    q.update(changes)
    return "/?" + urlencode(q)


BAD_URLS = {
    "garbage": "/?" + urlencode({"m": "%%%", "n": ";;", "W_f": ")(*", "x": "💥"}),
    "wrong-shape": _seed_query(W_f="1,2;3"),
    "nan-in-x": _seed_query(x="1,NaN,3"),
    "m-1000": _seed_query(m="1000"),
    "m-0": _seed_query(m="0"),
    "unknown-preset": "/?preset=no-such-preset",
    "unknown-order": _seed_query(order="sideways"),
    "unknown-dtype": _seed_query(dtype="float16"),
    "20000-chars": _seed_query(x="1," * 9999 + "1"),
}


@pytest.mark.parametrize("name", list(BAD_URLS))
def test_bad_url_warns_and_loads_a_sensible_model(app_page: AppPage, name: str) -> None:
    app_page.open(BAD_URLS[name])
    app_page.assert_no_traceback()
    warnings = app_page.alerts("warning")
    assert warnings, f"no warning for the bad URL {name!r}"
    assert any(w.strip("⚠️ \n") for w in warnings)
    # a sensible model is loaded, and the URL now encodes it
    model, _, problems = decode(app_page.query())
    assert problems == [], f"the URL was not rewritten to a valid model: {problems}"
    assert app_page.unit_rows(), "the row-by-row expansion is missing"
    if name != "unknown-dtype":  # every fallback is the seed-question example
        assert_seed_numbers(app_page)
    app_page.shot(f"cell-bad-url-{name}")


SELECTED_CELL_IS = """([i, col, row]) => {
  const grid = document.querySelectorAll('[data-testid="stDataFrame"]')[i];
  const cell = grid && grid.querySelector('table[role="grid"] [aria-selected="true"]');
  return cell !== null && cell.id === `glide-cell-${col}-${row}`;
}"""


FOCUS_IN_GRID = """(i) => {
  const grid = document.querySelectorAll('[data-testid="stDataFrame"]')[i];
  return !!grid && grid.contains(document.activeElement);
}"""


def _type_in_grid(
    app: AppPage, grid_index: int, row: int, col: int, text: str, dynamic: bool = False
) -> None:
    """Type ``text`` into cell (row, col) of the ``grid_index``-th data editor, then Enter.

    Glide's grid is a canvas: click the row's index cell, move right with the
    keyboard, open the cell editor with Enter and fill its textarea. A ``dynamic``
    table (``num_rows="dynamic"``) starts with a row-marker column, where a click would
    select the row: there the first data cell itself is clicked.
    """
    grid = app.page.locator('[data-testid="stDataFrame"]').nth(grid_index)
    editor = app.page.locator("textarea.gdg-input")
    row_h = 35  # Streamlit's row height, header included
    for attempt in range(3):
        grid.scroll_into_view_if_needed()
        box = grid.locator("canvas").first.bounding_box()
        assert box is not None
        app.page.mouse.click(
            box["x"] + (70 if dynamic else 8), box["y"] + row_h * (row + 1) + row_h / 2
        )
        try:  # arrows pressed outside the grid would step the page's stage (ui/keys.py)
            app.page.wait_for_function(FOCUS_IN_GRID, arg=grid_index, timeout=5_000)
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            continue  # the click was lost (the grid redrawn under it): click again
        for _ in range(col if dynamic else col + 1):
            app.page.keyboard.press("ArrowRight")
        try:  # the grid's accessibility table names the selected cell (column 0: the index)
            app.page.wait_for_function(
                SELECTED_CELL_IS, arg=[grid_index, col + 1, row], timeout=5_000
            )
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            continue  # a key press was lost on a busy machine: select the cell again
        app.page.keyboard.press("Enter")
        try:
            editor.fill(text, timeout=10_000)
            break
        except PlaywrightTimeoutError:
            # on a busy machine the grid can be redrawn under the click, taking the cell
            # editor away before it is filled: open it again
            if attempt == 2:
                raise
            app.page.keyboard.press("Escape")
    app.rerun(lambda: app.page.keyboard.press("Enter"))


def test_exact_entry_rejects_a_non_number_and_keeps_the_old_value(app_page: AppPage) -> None:
    app_page.open(SEED)
    app_page.choose("Edit", "Exact entry")
    before = app_page.query()
    _type_in_grid(app_page, grid_index=0, row=0, col=0, text="abc")  # W_f[0, 0]

    errors = app_page.alerts("error") + app_page.alerts("warning")
    assert any("W_f[0, 0]" in e and "abc" in e for e in errors), errors
    assert app_page.query() == before, "a bad entry must not change the model"
    assert_seed_numbers(app_page)
    app_page.assert_no_traceback()
    app_page.shot("cell-exact-entry-error")

    _type_in_grid(app_page, grid_index=0, row=0, col=0, text="2")  # a valid entry clears it
    assert decode(app_page.query())[0].params.W_f[0, 0] == 2
    assert not any("W_f[0, 0]" in e for e in app_page.alerts("error"))


def test_reload_keeps_the_state(app_page: AppPage) -> None:
    app_page.open(SEED)
    app_page.press_slider(X0, "ArrowRight")
    query = app_page.query()
    assert decode(query)[0].x[0] == pytest.approx(1.1)

    before = app_page.runs.finished
    app_page.page.reload()
    app_page.wait_for_runs(before + 1)
    app_page.assert_no_traceback()
    assert app_page.query() == query
    assert app_page.slider(X0).get_attribute("aria-valuetext") == "1.10"
    assert any({91.1, 92.1} <= numbers_after_equals(t) for t in app_page.unit_rows())
    app_page.shot("cell-after-reload")


def test_switching_pages_keeps_every_edit(app_page: AppPage) -> None:
    app_page.open(SEED)
    app_page.press_slider(X0, "ArrowRight")
    app_page.choose("Edit", "States")
    app_page.press_slider(H2, "ArrowLeft", times=2)
    edited = decode(app_page.query())[0]

    # the Lesson loads its own step's model, so it is not one of the pages that keep edits
    others = [t for t in app_page.nav_links() if t not in ("Cell step", "Lesson")]
    assert others, f"the sidebar has no other page to switch to: {app_page.nav_links()}"
    for title in others[:1]:  # one other page: the teaching pages have their own tests
        app_page.go_to_page(title)
        app_page.assert_no_traceback()
        slug = re.sub(r"\W+", "-", title.lower()).strip("-")
        app_page.shot(f"cell-then-page-{slug}")
        model = decode(app_page.query())[0]
        np.testing.assert_array_equal(model.x, edited.x, err_msg=f"on page {title}")
        np.testing.assert_array_equal(model.h_prev, edited.h_prev, err_msg=f"on page {title}")

    app_page.go_to_page("Cell step")
    app_page.assert_no_traceback()
    back = decode(app_page.query())[0]
    np.testing.assert_array_equal(back.x, edited.x)
    np.testing.assert_array_equal(back.h_prev, edited.h_prev)
    # the Edit panel is part of the view now: States is still open, no click needed
    assert app_page.slider(H2).get_attribute("aria-valuetext") == "5.80"
    assert back.x[0] == 1.1  # x_t[0] moved one step right, as on its slider before


def test_back_leaves_the_page_after_next_presses(app_page: AppPage) -> None:
    """Stage changes replace the history entry; only a change of page adds one."""
    app_page.open(SEED)
    app_page.go_to_page("Check my calculation")
    app_page.go_to_page("Cell step")
    for _ in range(3):
        app_page.rerun(app_page.page.get_by_role("button", name="Next").click)
    assert app_page.query()["stage"] == "3"
    app_page.page.go_back()
    app_page.page.wait_for_url("**/check*")
    app_page.wait_idle()
    assert urlsplit(app_page.page.url).path.endswith("/check")
    assert app_page.page.get_by_role("heading", name="Check my calculation").count() == 1
    app_page.assert_no_traceback()
