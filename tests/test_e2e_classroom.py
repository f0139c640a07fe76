"""Classroom mode in the real Chromium at 1280×720 with device scale 1.5 (a projector at
150%): font sizes, hidden parts, one screen per stage, nothing wider than its box.

Screenshots (test-artifacts/screenshots/classroom-*.png) are for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
import pytest
from e2e_support import VIEWPORT, AppPage

from lstm_core import CellModel, LSTMParams
from ui.codec import encode
from ui.lesson_steps import STEPS
from ui.view import View

SEED = "/?preset=seed-question"


@pytest.fixture
def projector(browser: Any, streamlit_server: str) -> Iterator[AppPage]:
    """An AppPage at 1280×720, device scale 1.5 (what 150% zoom on a 1920×1080 screen draws)."""
    context = browser.new_context(viewport=dict(VIEWPORT), device_scale_factor=1.5)
    app = AppPage(context.new_page(), streamlit_server)
    yield app
    context.close()


# computed font size (px) of the first element matching each selector, in the main area
SIZES_JS = """(sels) => Object.fromEntries(sels.map(s => {
  const e = [...document.querySelectorAll(s)].find(e => e.textContent.trim());
  return [s, e ? parseFloat(getComputedStyle(e).fontSize) : null];
}))"""
TEXT = {
    "body text": '[data-testid="stMain"] [data-testid="stMarkdownContainer"] p',
    "equation": '[data-testid="stMain"] .katex-display > .katex',
    "table number": '[data-testid="stMain"] table td',
    "widget label": '[data-testid="stMain"] [data-testid="stWidgetLabel"] p',
}


def _sizes(app: AppPage) -> dict[str, float]:
    found = app.page.evaluate(SIZES_JS, list(TEXT.values()))
    return {name: found[sel] for name, sel in TEXT.items()}


def test_presentation_text_is_at_least_1_3_times_larger(projector: AppPage) -> None:
    normal = _sizes(projector.open(SEED))
    present = _sizes(projector.open(SEED + "&present=1"))
    projector.assert_no_traceback()
    assert None not in normal.values() and None not in present.values(), (normal, present)
    for name in TEXT:
        assert present[name] >= 1.3 * normal[name], (name, normal[name], present[name])
    assert min(normal.values()) >= 14, normal  # issue 10, point 8


def _box(app: AppPage, css: str) -> dict[str, float]:
    box = app.page.locator(css).first.bounding_box()
    assert box is not None, f"{css} is not drawn"
    return dict(box)


def _model_8x8() -> CellModel:
    rng = np.random.default_rng(8)
    p = LSTMParams.random(8, 8, seed=8)
    p = p.replace(**{name: getattr(p, name) * 1e3 for name in ("W_f", "W_i", "W_c", "W_o")})
    return CellModel(p, rng.uniform(-1, 1, 8), rng.uniform(-1, 1, 8), rng.uniform(-1, 1, 8))


def _random_8x8() -> CellModel:
    """Random weights of the usual size (±1/√n): values of every sign and many digits."""
    rng = np.random.default_rng(3)
    p = LSTMParams.random(8, 8, seed=3)
    return CellModel(p, rng.uniform(-1, 1, 8), rng.uniform(-1, 1, 8), rng.uniform(-1, 1, 8))


# the diagram's value labels: their smallest size on screen (px), and each one that is cut
# off at the picture's edge or lies on a gate, a node or another label (in viewBox units)
LABELS_JS = """() => {
  const svg = document.querySelector('.cell-diagram svg');
  // the picture keeps its proportions inside the svg's box (max-height may narrow it)
  const vb = svg.viewBox.baseVal, r = svg.getBoundingClientRect();
  const scale = Math.min(r.width / vb.width, r.height / vb.height);
  const box = (e) => { const b = e.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
  const meets = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  const texts = [...svg.querySelectorAll('text.value')];
  const labels = texts.map(e => [e.textContent, box(e)]);
  const shapes = [...svg.querySelectorAll('rect.gate, circle')].map(box);
  const bad = [];
  labels.forEach(([t, b], k) => {
    if (b[0] < 0 || b[1] < 0 || b[2] > vb.width || b[3] > vb.height) bad.push(['cut off', t]);
    if (shapes.some(s => meets(b, s))) bad.push(['on a gate or node', t]);
    labels.slice(k + 1).forEach(([u, c]) => { if (meets(b, c)) bad.push(['on', t, u]); });
  });
  const sizes = texts.map(e => parseFloat(e.getAttribute('font-size')) * scale);
  return {bad, size: Math.min(...sizes), count: labels.length};
}"""


def _tiny() -> CellModel:
    """Small weights and states: every value written with many digits ("-0.00023")."""
    rng = np.random.default_rng(5)
    p = LSTMParams.random(3, 3, seed=5, scale=0.05)
    return CellModel(p, rng.uniform(-1, 1, 3), *rng.uniform(-1e-3, 1e-3, (2, 3)))


MODELS = {
    "seed-question": SEED,
    "random-8x8": "/?" + urlencode(encode(_random_8x8(), View())),
    "tiny": "/?" + urlencode(encode(_tiny(), View())),
}


@pytest.mark.parametrize("model", list(MODELS))
def test_present_diagram_and_equation_on_one_screen(projector: AppPage, model: str) -> None:
    """Every stage at 1280×720: the labels at least 14 px on screen and clear of the gates
    and of each other (issue 10, point 8); in presentation mode also the diagram and the
    stage's equation on screen and the labels at least 1.3× their normal size."""
    for stage in range(6):
        normal = projector.open(f"{MODELS[model]}&stage={stage}").page.evaluate(LABELS_JS)
        assert normal["size"] >= 14 and normal["bad"] == [], (stage, normal)
    for stage in range(6):
        projector.open(f"{MODELS[model]}&present=1&stage={stage}")
        projector.assert_no_traceback()
        for css in (".cell-diagram svg", '[data-testid="stMain"] .katex-display'):
            box = _box(projector, css)
            assert box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"], (
                stage, css, box,
            )  # fmt: skip
            assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"], (css, box)
        labels = projector.page.evaluate(LABELS_JS)
        assert labels["count"] >= 4 and labels["bad"] == [], (stage, labels)
        assert labels["size"] >= 1.3 * normal["size"], (stage, labels["size"], normal["size"])
        projector.shot(f"classroom-present-cell-{model}-stage{stage}")


def test_without_presentation_the_equation_starts_on_the_first_screen(
    projector: AppPage,
) -> None:
    """Issue 10, point 7, at 1280×720 with the sidebar open; also no 640 px tall diagram
    at 1920×1080 with the sidebar collapsed."""
    projector.open(SEED)
    assert _box(projector, '[data-testid="stMain"] .katex-display')["y"] < VIEWPORT["height"] - 60
    projector.page.set_viewport_size({"width": 1920, "height": 1080})
    projector.open(SEED + "&hide=sidebar")
    diagram = _box(projector, ".cell-diagram svg")
    assert diagram["height"] <= 0.4 * 1080
    assert _box(projector, '[data-testid="stMain"] .katex-display')["y"] < 1080 - 60


def test_hide_editors_leaves_no_slider(projector: AppPage) -> None:
    projector.open(SEED)
    assert projector.page.locator('[data-testid="stSlider"]:visible').count() > 0
    projector.open(SEED + "&hide=editors")
    assert projector.page.locator('[data-testid="stSlider"]:visible').count() == 0
    projector.rerun(projector.page.get_by_role("button", name="Next").click)  # an edit
    assert projector.page.locator('[data-testid="stSlider"]:visible').count() == 0
    assert projector.query()["hide"] == "editors"


# (part, a selector of what it hides, which must be there without the flag)
PARTS = [
    ("diagram", ".cell-diagram"),
    ("equations", '[data-testid="stMain"] .katex-display'),
    ("numbers", '[data-testid="stMain"] [data-testid="stHtml"] table'),
    ("sidebar", '[data-testid="stSidebar"]:visible'),
    ("nav", '[data-testid="stSidebarNav"]:visible'),
]


@pytest.mark.parametrize(("part", "css"), PARTS, ids=[p for p, _ in PARTS])
def test_each_hidden_part_is_gone(projector: AppPage, part: str, css: str) -> None:
    projector.open(SEED)
    assert projector.page.locator(css).count() > 0, f"{css} is missing without hide"
    projector.open(f"{SEED}&hide={part}")
    projector.assert_no_traceback()
    assert projector.page.locator(css).count() == 0
    assert projector.query()["hide"] == part
    if part == "nav":  # no page links anywhere, not even at the top
        assert projector.page.locator('[data-testid="stTopNav"]').count() == 0


def test_pages_move_to_the_top_bar_without_the_sidebar(projector: AppPage) -> None:
    projector.open(SEED + "&hide=sidebar,editors")
    projector.shot("classroom-hide-editors-sidebar")
    assert projector.page.locator('[data-testid="stSidebar"]').count() == 0
    assert projector.page.locator('[data-testid="stTopNav"]').count() == 1
    projector.rerun(projector.page.get_by_text("Explore", exact=True).click, runs=0)
    link = projector.page.get_by_role("menuitem", name="Shapes & dimensions")
    projector.rerun(link.click)
    assert projector.page.url.split("?")[0].endswith("/shapes")
    assert projector.query()["hide"] == "sidebar,editors"


# the right edge of every table and display equation, or of the box it scrolls in
OVERFLOW_JS = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const right = main.getBoundingClientRect().right;
  const out = [];
  for (const e of document.querySelectorAll('[data-testid="stMain"] table, .katex-display')) {
    let box = e;
    for (let a = e; a && a !== main; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') { box = a; break; }
    }
    const r = box.getBoundingClientRect().right;
    if (r > right + 1) out.push([e.tagName, e.className, Math.round(r), Math.round(right)]);
  }
  return {out, page: document.documentElement.scrollWidth, tables: document.querySelectorAll(
    '[data-testid="stMain"] table').length};
}"""


ZOOM_150 = {"width": 853, "height": 480}  # what 150% browser zoom leaves of 1280×720, in CSS px


@pytest.mark.parametrize(
    ("present", "viewport"),
    [(False, VIEWPORT), (True, VIEWPORT), (False, ZOOM_150)],
    ids=["normal", "present", "zoom150"],
)
def test_nothing_runs_past_its_box_at_m_n_8(
    projector: AppPage, present: bool, viewport: dict[str, int]
) -> None:
    projector.page.set_viewport_size(viewport)
    query = encode(_model_8x8(), View(stage=3, present=present))
    projector.open("/?" + urlencode(query))
    projector.assert_no_traceback()
    found = projector.page.evaluate(OVERFLOW_JS)
    assert found["tables"] >= 2  # v and W_f
    assert found["out"] == []
    assert found["page"] <= viewport["width"]
    if present:
        projector.shot("classroom-present-cell-8x8")


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("classroom-present-cell", SEED + "&present=1&stage=3"),
        ("classroom-present-sequence", "/sequence?preset=remember&present=1"),
        ("classroom-present-shapes", "/shapes?preset=seed-question&present=1"),
    ],
)
def test_presentation_screenshots(projector: AppPage, name: str, path: str) -> None:
    projector.open(path)
    projector.assert_no_traceback()
    assert projector.page.get_by_role("button", name="Exit presentation").is_visible()
    assert projector.query()["present"] == "1"
    projector.shot(name)


LESSON_STEPS = len(STEPS)
# (name, link, the tab to open first)
SCREENS = [  # (name, link); a link's tab= opens that tab
    *[(f"cell-stage{k}", f"{SEED}&stage={k}") for k in range(6)],
    ("misconceptions", "/misconceptions?preset=seed-question"),
    ("saturation", "/saturation?preset=seed-question&tab=scale"),
    ("saturation-chains", "/saturation?preset=seed-question&tab=chains"),
    ("gradient-flow", "/gradient_flow?preset=seed-question"),
    ("lesson-first", "/lesson?step=1"),
    ("lesson-middle", f"/lesson?step={(LESSON_STEPS + 1) // 2}"),
    ("lesson-last", f"/lesson?step={LESSON_STEPS}"),
]
EDITOR_CSS = ", ".join(
    f'[data-testid="stMain"] [data-testid="{kind}"]:visible'
    for kind in ("stSlider", "stNumberInput", "stSelectbox", "stDataFrame")
)


@pytest.mark.parametrize("hide", ["", "editors"], ids=["all", "hide-editors"])
@pytest.mark.parametrize(("name", "path"), SCREENS, ids=[n for n, _ in SCREENS])
def test_presentation_screens(projector: AppPage, name: str, path: str, hide: str) -> None:
    """Screenshots for a person to look at as the back row would; with hide=editors no
    editor is left in the page."""
    projector.open(f"{path}&present=1" + (f"&hide={hide}" if hide else ""))
    projector.assert_no_traceback()
    if "tab=" in path:  # the link's tab is the one open
        tab = dict(parse_qsl(urlsplit(path).query))["tab"]
        assert projector.query()["tab"] == tab
    if hide:
        assert projector.page.locator(EDITOR_CSS).count() == 0
    projector.shot(f"classroom-present-{name}" + (f"-{hide}" if hide else ""), tall=True)


def test_presentation_quiz_before_and_after_reveal(projector: AppPage) -> None:
    projector.open(f"{SEED}&present=1&quiz=1&stage=1")
    projector.assert_no_traceback()
    projector.shot("classroom-present-quiz-before")
    reveal = projector.page.get_by_role("button", name="Reveal", exact=True)
    projector.rerun(reveal.click)
    projector.assert_no_traceback()
    assert projector.page.get_by_role("button", name="Reveal", exact=True).count() == 0
    projector.shot("classroom-present-quiz-after")


@pytest.mark.parametrize("model", ["seed-question", "random-8x8"])
def test_present_quiz_keeps_the_equation_beside_the_diagram(projector: AppPage, model: str) -> None:
    """With the quiz on a projector the question sits under the diagram: at every stage the
    equation it asks about (its inputs shown, its answer held back) is on the first
    1280×720 screen, even at n = 8, and so is the question's Reveal button, except for v's
    16 entries at n = m = 8 (four rows of fields), where the question starts on screen."""
    for stage in range(6):
        projector.open(f"{MODELS[model]}&present=1&quiz=1&stage={stage}")
        projector.assert_no_traceback()
        equation = _box(projector, '[data-testid="stMain"] .katex-display')
        assert equation["y"] + equation["height"] <= VIEWPORT["height"], (stage, equation)
        reveal = projector.page.get_by_role("button", name="Reveal", exact=True).bounding_box()
        assert reveal is not None, stage
        if model == "random-8x8" and stage == 0:
            question = projector.page.get_by_text("Predict, then reveal.").bounding_box()
            assert question is not None and question["y"] + 80 <= VIEWPORT["height"], question
        else:
            assert reveal["y"] + reveal["height"] <= VIEWPORT["height"], (stage, reveal)
    projector.shot(f"classroom-present-quiz-{model}-stage5")
