"""Hostile text typed into the app's fields, in a real browser: shown as text, nothing else.

One page load per kind of field (exact-entry grid, Check field, Sequence table, size
picker), several values each. After every value: a clear message that names the field
and shows the text inside a code element, no element that links or loads from another
host, no request to another host, no dialog, no traceback, and the model unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import pytest
from e2e_support import AppPage
from test_e2e_cell import _type_in_grid
from test_e2e_hostile_links import OUTSIDE

from lstm_core.presets import load_preset
from ui.codec import encode
from ui.view import View

pytestmark = pytest.mark.browser

TYPED = [
    "[click me](https://evil.example/p)",
    "![x](https://evil.example/i.png)",
    "<img src=https://evil.example/x.png onerror=alert(1)>",
    "javascript:alert(1)",
    r"$\href{https://evil.example}{x}$",
    r"\url{https://evil.example}",
    r"$$\includegraphics{https://evil.example/i.png}$$",
    "\u202eevil\u200f\x07",
    "💥🧮",
    "١٫٥",
    "7" * 7000,
]


def seed_query(dtype: str = "float64", **entries: float) -> dict[str, str]:
    model = load_preset("seed-question")
    for name, value in entries.items():
        model = model.with_entry(name, (0, 0), value)
    return encode(model, View(dtype=dtype))


def shown(text: str) -> str:
    """``text`` as ``quote`` shows it in a code element (before it is cut)."""
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)


@pytest.fixture
def watched(app_page: AppPage) -> Iterator[AppPage]:
    """``app_page``, and at the end: no request to another host and no dialog, ever."""
    requests: list[str] = []
    dialogs: list[str] = []
    app_page.page.on("request", lambda r: requests.append(r.url))
    app_page.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield app_page
    host = urlsplit(app_page.base_url).netloc
    assert [u for u in requests if urlsplit(u).netloc not in (host, "")] == []
    assert dialogs == []


def assert_echoed_as_text(app: AppPage, field: str, text: str, model: dict[str, str]) -> None:
    app.assert_no_traceback()
    errors = [e for e in app.alerts("error") if field in e]
    assert errors, (field, text[:40], app.alerts())
    codes = app.page.locator('[data-testid="stAlertContainer"] code').all_inner_texts()
    # the typed text, or the entry of it that is not a number, cut with "…"
    quoted = [c.removesuffix("…") for c in codes]
    assert any(q and q in shown(text) for q in quoted), (shown(text)[:40], codes)
    assert all(len(e) < 400 for e in errors), errors
    assert app.page.evaluate(OUTSIDE) == []
    link = {k: v for k, v in app.query().items() if not k.startswith("check.")}  # answers
    assert link == model, "typed text must not change the model"


def test_exact_entry_grids(watched: AppPage) -> None:
    app = watched
    query = seed_query("float32")
    app.open("/?" + urlencode(query))
    app.choose("Edit", "Exact entry")
    query = app.query()  # the open panel is part of the link (edit=exact)
    assert query["edit"] == "exact"
    for text in TYPED:
        _type_in_grid(app, grid_index=0, row=0, col=0, text=text)  # W_f[0, 0]
        assert_echoed_as_text(app, "W_f[0, 0]", text, query)
    _type_in_grid(app, grid_index=0, row=0, col=0, text="1e39")  # beyond float32
    errors = " ".join(app.alerts("error"))
    assert "W_f has the value 1e+39" in errors and "float32" in errors and "±1e+17" in errors
    assert app.query() == query


def test_check_fields(watched: AppPage) -> None:
    app = watched
    app.open("/check?preset=seed-answer")
    query = app.query()
    box = app.page.get_by_label("W_i·v", exact=True)
    for text in TYPED:
        app.rerun(lambda t=text: (box.fill(t), box.press("Enter")))
        assert_echoed_as_text(app, "W_i·v", text, query)


def test_sequence_table(watched: AppPage) -> None:
    app = watched
    app.open("/sequence?preset=seed-question")
    query = app.query()
    for text in TYPED:
        _type_in_grid(app, 0, row=1, col=0, text=text, dynamic=True)  # row t=1, column x[0]
        assert_echoed_as_text(app, "t=1, column x[0]", text, query)
        assert any("Still using the last valid sequence" in e for e in app.alerts("error"))


def test_an_error_lives_exactly_as_long_as_its_text(app_page: AppPage) -> None:
    app = app_page
    app.open("/?preset=seed-question&edit=exact")
    query = app.query()
    _type_in_grid(app, grid_index=0, row=0, col=0, text="abc")  # W_f[0, 0]
    assert any("W_f[0, 0]" in e for e in app.alerts("error"))
    app.rerun(lambda: app.page.get_by_role("button", name="Next").first.click())
    assert any("W_f[0, 0]" in e for e in app.alerts("error")), "the bad text is still there"
    assert app.query()["stage"] == "1" and app.query()["W_f"] == query["W_f"]
    app.go_to_page("Shapes & dimensions")
    app.go_to_page("Cell step")
    assert app.alerts("error") == [], "the editor was not drawn on the other page"
    _type_in_grid(app, grid_index=0, row=0, col=0, text="xyz")
    assert any("W_f[0, 0]" in e for e in app.alerts("error"))
    sidebar = app.page.locator('[data-testid="stSidebar"]')
    app.rerun(sidebar.get_by_role("button", name="Randomize").click)  # a new model
    assert app.alerts("error") == [], "the grids are redrawn from the model: no stale error"
    assert app.query()["W_f"] != query["W_f"]


def test_size_pickers_offer_1_to_8_only(watched: AppPage) -> None:
    app = watched
    app.open("/shapes?preset=seed-question")
    query = app.query()
    box = app.page.get_by_label("n: cell units")
    for text in ["1e9", "abc", "1e400", "0", "9", "-1", "2.5", *TYPED[:4]]:
        box.click()
        box.fill(text)  # filters the list to nothing: there is nothing to choose
        box.press("Escape")
        app.wait_idle()
        app.assert_no_traceback()
        assert app.page.evaluate(OUTSIDE) == []
        assert app.query() == query, text  # nothing chosen: not resized
    app.rerun(lambda: (box.click(), box.fill("2"), box.press("Enter")))
    assert app.query()["n"] == "2"
    notes = " ".join(app.alerts("warning"))
    assert "n 3 → 2: dropped row 2 of each W" in notes, notes


def test_screenshots_of_a_hostile_link_and_a_refused_switch(watched: AppPage) -> None:
    app = watched
    app.open("/?" + urlencode({"preset": "[click me](https://evil.example/p)"}))
    assert any("click me" in w for w in app.alerts("warning"))
    app.shot("hostile-link-warning")
    query = seed_query(W_f=1e39)
    app.open("/?" + urlencode(query))
    sidebar = app.page.locator('[data-testid="stSidebar"]')
    app.rerun(lambda: sidebar.get_by_text("float32", exact=True).click())
    refusal = " ".join(app.alerts("warning"))
    assert "not switched to float32" in refusal and "W_f[0, 0] = 1e+39" in refusal, refusal
    assert app.query() == query
    app.shot("float32-switch-refused")
