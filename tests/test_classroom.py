"""Classroom mode (issue 11, points 1, 2 and 6): ?present=, ?hide= and Material icons.

AppTest for the link, the warnings and what each hidden part leaves out; the browser
half (font sizes, bounding boxes, screenshots) is tests/test_e2e_classroom.py.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lstm_core.presets import load_preset
from ui import frame
from ui.codec import decode, encode
from ui.view import HIDE_PARTS, View

ROOT = Path(__file__).resolve().parents[1]
SEED = encode(load_preset("seed-question"), View())


# -- the link ---------------------------------------------------------------------------
def test_present_and_hide_read_back() -> None:
    view = View(present=True, hide=("sidebar", "editors"))
    query = encode(load_preset("seed-question"), view)
    assert query["present"] == "1" and query["hide"] == "sidebar,editors"
    assert decode(query)[1:] == (view, [])


def test_the_defaults_leave_the_link_short() -> None:
    assert not {"present", "hide"} & set(SEED)


@pytest.mark.parametrize("raw", ["2", "banana", "", "yes", "<b>1</b>"])
def test_a_bad_present_value_is_named_and_presentation_is_off(raw: str) -> None:
    _, view, warnings = decode(SEED | {"present": raw})
    assert view.present is False
    assert len(warnings) == 1 and "present" in warnings[0] and "must be 0 or 1" in warnings[0]
    assert f"`{raw}`" in warnings[0] if raw else "``" not in warnings[0]


def test_an_unknown_part_is_named_and_the_known_ones_still_apply() -> None:
    _, view, warnings = decode(SEED | {"hide": "editors,banana,sidebar,editors, nav"})
    assert view.hide == ("sidebar", "nav", "editors")
    assert len(warnings) == 1 and "`banana`" in warnings[0]
    for part in HIDE_PARTS:
        assert part in warnings[0]  # the message lists what is known


def test_hostile_hide_text_is_quoted() -> None:
    _, view, warnings = decode(SEED | {"hide": "<script>x</script>,$$x$$"})
    assert view.hide == ()
    assert "`<script>x</script>`" in warnings[0] and "`$$x$$`" in warnings[0]


# -- the app -----------------------------------------------------------------------------
def _markdown(at: Any) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def _html(at: Any) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html"))


def test_flags_survive_edits_and_page_switches(app_test: Callable[..., Any]) -> None:
    at = app_test({"preset": "seed-question", "present": "1", "hide": "editors,changes"})
    assert not at.exception
    at.button(key="ctl:stage:next").click().run()  # an edit of the view
    assert at.query_params["present"] == "1" and at.query_params["hide"] == "editors,changes"
    at.switch_page("views/shapes.py").run()
    assert not at.exception
    assert at.query_params["present"] == "1" and at.query_params["hide"] == "editors,changes"
    at.switch_page("views/cell_step.py").run()
    assert at.query_params["stage"] == "1"


def test_the_sidebar_switch_and_the_way_out(app_test: Callable[..., Any]) -> None:
    at = app_test({"preset": "seed-question"})
    switch = at.sidebar.toggle(key="ctl:present")
    assert switch.value is False and "present" not in at.query_params
    switch.set_value(True).run()
    assert at.query_params["present"] == "1"
    at.button(key="cls:exit").click().run()
    assert "present" not in at.query_params
    assert at.sidebar.toggle(key="ctl:present").value is False


def test_show_hidden_parts_brings_them_back(app_test: Callable[..., Any]) -> None:
    at = app_test({"preset": "seed-question", "hide": "sidebar,editors"})
    assert len(at.sidebar) == 0 and len(at.slider) == 0
    at.button(key="cls:show").click().run()
    assert "hide" not in at.query_params
    assert len(at.sidebar.toggle) == 2 and len(at.slider) > 0  # presentation, quiz


def test_warnings_for_bad_flags_show_on_the_page(app_test: Callable[..., Any]) -> None:
    at = app_test({"preset": "seed-question", "present": "2", "hide": "editors,chalk"})
    texts = [w.value for w in at.warning]
    assert any("`2`" in t for t in texts) and any("`chalk`" in t for t in texts)
    assert len(at.slider) == 0  # editors still hidden
    assert "present" not in at.query_params and at.query_params["hide"] == "editors"


CELL = {"preset": "seed-question"}


def test_hide_editors(app_test: Callable[..., Any]) -> None:
    shown, hidden = app_test(CELL), app_test(CELL | {"hide": "editors"})
    assert len(shown.slider) > 0 and len(hidden.slider) == 0
    assert [s.label for s in hidden.get("segmented_control")] == ["Show below"]
    seq = hidden.switch_page("views/sequence.py").run()
    assert not seq.exception and "Inputs $x_t$" not in _markdown(seq)
    assert "Inputs $x_t$" in _markdown(app_test(CELL).switch_page("views/sequence.py").run())


# what a page may still offer with hide=editors: navigation (stages, the variant, the gate to
# check) and the class's own answers (quiz predictions, Check my calculation's fields)
NOT_EDITORS = re.compile(r"(^|:)stage(:|$)|^var:pick$|^check:|:pick:\d+$|:guess:\d+:\d+$")
EDITOR_KINDS = (
    "slider", "select_slider", "number_input", "text_input", "selectbox", "radio", "toggle",
    "checkbox",
)  # fmt: skip
PAGES = [path for items in frame.SECTIONS.values() for path, *_ in items]


def _editors(at: Any) -> list[str]:
    found = [
        f"{kind} {w.key!r} {w.label!r}"
        for kind in EDITOR_KINDS
        for w in at.main.get(kind)
        if not (w.key and NOT_EDITORS.search(w.key))
    ]
    return found + [f"data_editor {d.key!r}" for d in at.main.data_editor]


@pytest.mark.parametrize("page", PAGES)
def test_hide_editors_on_every_page(app_test: Callable[..., Any], page: str) -> None:
    # show=saturation: Cell step's threshold slider is drawn under the diagram; a peephole
    # LSTM has arrays of its own to edit on Variants
    link = CELL | {"show": "saturation", "variant": "peephole"}
    shown = app_test(link).switch_page(page).run()
    at = app_test(link | {"hide": "editors"}).switch_page(page).run()
    assert not shown.exception and not at.exception, page
    assert _editors(at) == [], page
    if page not in ("views/check.py", "views/lesson.py"):  # their inputs are answers
        assert _editors(shown), page  # the scan finds the editors when they are there


def test_a_hidden_editor_shows_its_value(app_test: Callable[..., Any]) -> None:
    at = app_test(CELL | {"hide": "editors"}).switch_page("views/misconceptions.py").run()
    text = _markdown(at)
    assert "Set every $f_t$ to: **0.9**" in text
    assert "Steps in the sequence ($x_t$ held fixed): **20**" in text
    seq = at.switch_page("views/sequence.py").run()
    assert "Time step t (0 to" in _markdown(seq) and ": **0**" in _markdown(seq)
    seq.button(key="seq:next").click().run()  # the keys' buttons still step time
    assert ": **1**" in _markdown(seq) and len(seq.main.slider) == 0
    sat = at.switch_page("views/saturation.py").run()
    assert not [b for b in sat.main.button if b.key == "sat:apply"]


# -- read-only tables in presentation mode ----------------------------------------------------
TABLE_PAGES = ["views/saturation.py", "views/gradient_flow.py", "views/sequence.py"]


def _grids(at: Any) -> list[Any]:
    return [d for d in at.main.dataframe if d.editing_mode == "read_only"]


@pytest.mark.parametrize("page", TABLE_PAGES)
def test_presentation_draws_plain_tables(app_test: Callable[..., Any], page: str) -> None:
    grid = app_test(CELL).switch_page(page).run()
    plain = app_test(CELL | {"present": "1"}).switch_page(page).run()
    assert not grid.exception and not plain.exception
    assert len(_grids(grid)) > 0 and len(grid.main.table) == 0
    assert len(_grids(plain)) == 0 and len(plain.main.table) == len(_grids(grid))


def test_a_plain_table_keeps_the_number_format(app_test: Callable[..., Any]) -> None:
    at = app_test({"preset": "remember", "present": "1"}).switch_page("views/sequence.py").run()
    values = at.main.table[0].value
    assert list(values.index)[:2] == ["unit 0", "unit 1"]
    cells = values.to_numpy().ravel()
    assert all(isinstance(c, str) and len(c.lstrip("-").replace(".", "")) <= 9 for c in cells)
    grid = app_test({"preset": "remember"}).switch_page("views/sequence.py").run()
    numbers = _grids(grid)[0].value.to_numpy().ravel()
    assert [f"{v:.4g}" for v in numbers] == list(cells)


def test_hide_diagram(app_test: Callable[..., Any]) -> None:
    assert "cell-diagram" in _markdown(app_test(CELL))
    at = app_test(CELL | {"hide": "diagram"})
    assert "cell-diagram" not in _markdown(at) and "Concatenate" in _markdown(at)
    assert "cell-diagram" not in _markdown(at.switch_page("views/sequence.py").run())


def test_hide_equations(app_test: Callable[..., Any]) -> None:
    assert "$$" in _markdown(app_test(CELL))
    at = app_test(CELL | {"hide": "equations"})
    assert "$$" not in _markdown(at) and "Concatenate" in _markdown(at)
    assert "row by row" in _html(app_test(CELL)) and "row by row" not in _html(at)
    assert "<table" in _html(at)  # the tables of numbers stay
    shapes = at.switch_page("views/shapes.py").run()
    assert not shapes.exception and len(shapes.latex) == 0
    assert len(app_test(CELL).switch_page("views/shapes.py").run().latex) > 0


def test_hide_numbers(app_test: Callable[..., Any]) -> None:
    assert "row by row" in _html(app_test(CELL))
    at = app_test(CELL | {"hide": "numbers"})
    assert "row by row" not in _html(at) and "<table" not in _html(at)
    assert [s.label for s in at.get("segmented_control")] == ["Edit"]
    seq = at.switch_page("views/sequence.py").run()
    assert "All values at t" not in _markdown(seq)


def test_hide_sidebar_and_nav(app_test: Callable[..., Any]) -> None:
    at = app_test(CELL | {"hide": "sidebar"})
    assert len(at.sidebar) == 0 and not at.exception
    assert len(app_test(CELL | {"hide": "nav"}).sidebar) > 0


def test_hide_changes_and_files(app_test: Callable[..., Any]) -> None:
    labels = [e.label for e in app_test(CELL).expander]
    assert "What changed with the last edit" in labels
    assert any("Files" in x for x in labels)
    at = app_test(CELL | {"hide": "changes,files"})
    assert not [e.label for e in at.expander if "changed" in e.label or "Files" in e.label]


def test_loading_a_preset_keeps_the_stage(app_test: Callable[..., Any]) -> None:
    at = app_test({"preset": "seed-question", "stage": "3"})
    at.sidebar.selectbox(key="ctl:preset").set_value("remember").run()
    at.sidebar.button[0].click().run()  # Load preset
    assert at.query_params["stage"] == "3" and at.query_params["W_f"] != SEED["W_f"]


# -- icons (issue 11, point 6) -----------------------------------------------------------
MATERIAL = re.compile(r"^:material/[a-z0-9_]+:$")
# pictographs that need a colour-emoji font; text symbols such as ★ ✓ ✗ ∘ stay allowed
EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u2604\u2606-\u26ff\u2705\u270a-\u270f\u274c\u2753-\u2757"
    "\u2b50\u23e9-\u23fa\ufe0f]"
)


def _icon_values() -> list[tuple[str, str]]:
    """(where, value) of every icon=, page_icon= keyword given as a string literal."""
    found = []
    for path in [*ROOT.glob("ui/*.py"), *ROOT.glob("views/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg in ("icon", "page_icon"):
                for const in ast.walk(node.value):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        found.append((f"{path.name}:{node.lineno}", const.value))
    return found


def test_every_icon_is_a_material_icon() -> None:
    icons = _icon_values()
    assert len(icons) > 15  # the scan finds them
    bad = [(where, v) for where, v in icons if not MATERIAL.match(v)]
    assert bad == []
    assert all(MATERIAL.match(icon) for items in frame.SECTIONS.values() for *_, icon in items)


def test_no_emoji_anywhere_in_the_app_source() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{k}: {line.strip()}"
        for path in [*ROOT.glob("ui/*.py"), *ROOT.glob("views/*.py"), ROOT / "app.py"]
        for k, line in enumerate(path.read_text().splitlines(), 1)
        if EMOJI.search(line)
    ]
    assert found == []


def test_the_readme_teacher_links_work(app_test: Callable[..., Any]) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Teaching with a projector", 1)[1].split("\n### ", 1)[0]
    links = re.findall(r"^\| `(/[^`]*)` \|", section, re.M)
    assert len(links) == 3
    for link in links:
        path, _, query = link.partition("?")
        params = dict(part.split("=", 1) for part in query.split("&"))
        assert decode(params)[2] == [], link
        at = app_test(params)
        if path != "/":
            at.switch_page(f"views{path}.py").run()
        assert not at.exception and not at.warning, link
        assert at.query_params["present"] == "1" and at.query_params["hide"] == params["hide"]
