"""Every page, in both concat orders, names v and W's blocks in the current order only.

The text of every page (titles, Markdown, captions, LaTeX, tab and expander labels) is
collected through AppTest; any mention of the concatenation or of W's column blocks in
the other order is a contradiction of the figures, which always follow the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from app_support import every_tab

from lstm_core import CONCAT_LATEX, W_BLOCKS_LATEX
from lstm_core.train import load_trained
from ui.frame import SECTIONS
from ui.lesson_steps import STEPS

PAGES = [f for items in SECTIONS.values() for f, _, _ in items]
LESSON = "views/lesson.py"
KINDS = ("title", "header", "subheader", "markdown", "caption", "latex", "info", "warning")


def page_text(at: Any) -> str:
    """The text of the page, every tab of it."""
    parts = []
    for shown in every_tab(at):
        parts += [str(e.value) for kind in KINDS for e in getattr(shown, kind)]
        parts += [str(t.label) for t in shown.tabs] + [str(e.label) for e in shown.expander]
    return "\n".join(parts)


def _flat(text: str) -> str:
    """TeX and plain text alike: no spaces, thin spaces or braces around single letters."""
    text = text.replace(r"\mid", "|").replace(r"\,", "").replace(r"\;", "")
    return re.sub(r"\s+", "", text)


def wrong_order(text: str, order: str) -> list[str]:
    """The mentions of v or of W's blocks in the order that is NOT ``order``."""
    other = "x_first" if order == "h_first" else "h_first"
    flat = _flat(text)
    first, second = ("x", "h") if other == "x_first" else ("h", "x")
    term = {"h": r"h_\{t-1\}", "x": r"x_t"}
    patterns = [
        re.escape(_flat(CONCAT_LATEX[other])),
        re.escape(_flat(W_BLOCKS_LATEX[other])),
        re.escape(f"W^{first}|W^{second}"),
        re.escape(f"[{first},{second}]"),
        # a product written out block by block: W^x_k x_t + W^h_k h_{t-1}
        rf"W\^{first}(_\w|_\{{\w+\}})?{term[first]}\+W\^{second}",
    ]
    return [m.group(0) for p in patterns for m in re.finditer(p, flat)]


def open_in_order(app_test: Callable[..., Any], page: str, order: str) -> Any:
    at = app_test({"preset": "seed-question"}, timeout=60)  # seed-question is x_first
    if order != at.sidebar.radio(key="ctl:order").value:
        at.sidebar.radio(key="ctl:order").set_value(order).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    if page != LESSON:  # the lesson loads its step's own model (and order)
        assert at.sidebar.radio(key="ctl:order").value == order
    return at


@pytest.mark.parametrize("order", ["h_first", "x_first"])
@pytest.mark.parametrize("page", PAGES)
def test_no_page_names_the_other_order(app_test: Callable[..., Any], page: str, order: str) -> None:
    text = page_text(open_in_order(app_test, page, order))
    assert text.strip(), f"{page} showed no text"
    if page == "views/trained.py":  # it shows its own trained model, in that model's order
        order = load_trained().params.concat_order
    if page == LESSON:  # step 1's own model
        order = STEPS[0].model().params.concat_order
    assert wrong_order(text, order) == [], f"{page} in {order}: {wrong_order(text, order)}"


@pytest.mark.parametrize("order", ["h_first", "x_first"])
def test_shapes_and_misconceptions_name_the_current_order(
    app_test: Callable[..., Any], order: str
) -> None:
    shapes = _flat(page_text(open_in_order(app_test, "views/shapes.py", order)))
    assert _flat(f"$W = {W_BLOCKS_LATEX[order]}$") in shapes  # the tab's title
    assert _flat(CONCAT_LATEX[order]) in shapes
    misc = _flat(page_text(open_in_order(app_test, "views/misconceptions.py", order)))
    assert _flat(f"$v = {CONCAT_LATEX[order]}$") in misc  # card 3


def test_the_checker_sees_a_fixed_order() -> None:
    """The pattern list itself: it flags what the pages used to say."""
    assert wrong_order(r"$W = [W^h \mid W^x]$", "x_first")
    assert wrong_order("one column per entry of $v = [h_{t-1}, x_t]$", "x_first")
    assert wrong_order(r"W_f\,v = W^h_f\,h_{t-1} + W^x_f\,x_t", "x_first")
    assert wrong_order(r"v = [x_t, h_{t-1}]", "h_first")
    assert not wrong_order(r"$W = [W^x \mid W^h]$, v = [x_t, h_{t-1}]", "x_first")
