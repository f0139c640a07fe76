"""The Cell step page through Streamlit's AppTest, on the real entry point app.py.

``app_test`` (tests/conftest.py) builds ``AppTest.from_file("app.py")`` and runs
it once. The reported ``switch_page`` trap is checked at the end of this file.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from e2e_support import ROOT

from lstm_core import step
from lstm_core.presets import PRESETS, load_preset
from ui.codec import decode, encode
from ui.view import View

NUMBER = r"(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)"


def unit_rows(at: Any) -> list[list[str]]:
    """The cells of the row-by-row table as plain text: numbers with '-' and 'e'."""
    rows = []
    for el in at.get("html"):
        if "row by row</b>" not in el.proto.body:
            continue
        body = re.sub(r"×10<sup>(.*?)</sup>", r"e\1", el.proto.body).replace("−", "-")
        table = body[body.index("row by row</b>") :]
        for row in re.findall(r"<tr>(.*?)</tr>", table):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
            rows.append(
                [
                    re.sub(r"<[^>]+>", "", c).replace("&#8201;", "").replace("&#160;", " ")
                    for c in cells
                ]
            )
    return rows


def formulas(at: Any) -> list[str]:
    """Every displayed formula: st.latex bodies, the $$…$$ blocks inside markdown and the
    rows of the row-by-row table."""
    found = [el.body for el in at.latex]
    for el in at.markdown:
        found += re.findall(r"\$\$\n(.*?)\n\$\$", el.value, flags=re.S)
    return found + [" | ".join(cells) for cells in unit_rows(at)]


def row_values(at: Any) -> dict[int, tuple[float, float]]:
    """{unit: (W·v, z)} read from the displayed row-by-row table ("= W·v", "… z = z")."""
    rows = {}
    for unit, _, wv, z, _ in unit_rows(at):
        r = re.fullmatch(r"unit (\d+):", unit)
        wv_m, z_m = re.fullmatch(rf"= {NUMBER}", wv), re.search(rf"z = {NUMBER}$", z)
        assert r and wv_m and z_m, f"cannot read W·v and z from {[unit, wv, z]}"
        rows[int(r.group(1))] = (float(wv_m.group(1)), float(z_m.group(1)))
    return rows


def shown_z(at: Any) -> np.ndarray:
    rows = row_values(at)
    assert rows, f"no row-by-row expansion on the page: {formulas(at)}"
    return np.array([rows[r][1] for r in sorted(rows)])


def shown_wv(at: Any) -> np.ndarray:
    rows = row_values(at)
    return np.array([rows[r][0] for r in sorted(rows)])


def url_model(at: Any) -> tuple[Any, View]:
    model, view, warnings = decode(dict(at.query_params))
    assert warnings == [], warnings
    return model, view


def entry_frame_ran(at: Any) -> bool:
    """app.py's sidebar (the model controls) is only drawn by the entry script."""
    return "ctl:m" in [w.key for w in at.sidebar.selectbox]


def assert_clean(at: Any) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert entry_frame_ran(at), "the page ran without app.py's frame"


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_renders(app_test, preset: str) -> None:
    at = app_test({"preset": preset})
    assert_clean(at)
    assert not at.warning, [w.value for w in at.warning]
    assert [t.value for t in at.title] == ["One LSTM step, taken apart"]
    model = load_preset(preset)
    assert len(row_values(at)) == model.params.n_hidden
    got, _ = url_model(at)
    np.testing.assert_array_equal(got.x, model.x)


@pytest.mark.parametrize("view", ["numbers", "hadamard", "saturation"])
def test_every_view_and_stage_renders(app_test, view: str) -> None:
    at = app_test({"preset": "saturated"})
    at.segmented_control(key="ctl:view").set_value(view).run()
    assert_clean(at)
    for stage in range(6):
        at.radio(key="ctl:stage").set_value(stage).run()
        assert_clean(at)
        assert url_model(at)[1].stage == stage


@pytest.mark.parametrize("group", ["x", "states", "biases", "W", "exact"])
def test_every_editor_group_renders(app_test, group: str) -> None:
    at = app_test({"preset": "seed-question"})
    at.segmented_control(key="ctl:editgroup").set_value(group).run()
    assert_clean(at)
    if group == "exact":
        assert len(at.get("dataframe")) >= 11  # grids for 4 W, 4 b, x, h and C


def test_raising_x0_raises_z_f_by_the_first_column_of_W_f(app_test) -> None:
    at = app_test({"preset": "seed-question"})
    np.testing.assert_array_equal(shown_wv(at), [91, 175, 133])
    np.testing.assert_array_equal(shown_z(at), [92, 177, 136])
    assert at.slider(key="sl:x:0").value == 1.0

    at.slider(key="sl:x:0").set_value(2.0).run()
    assert_clean(at)
    W_f = np.array(PRESETS["seed-question"].build().params.W_f)
    np.testing.assert_array_equal(W_f[:, 0], [1, 5, 3])
    np.testing.assert_array_equal(shown_z(at), np.array([92, 177, 136]) + W_f[:, 0])
    np.testing.assert_array_equal(shown_wv(at), np.array([91, 175, 133]) + W_f[:, 0])

    # the URL says the same: x_t[0] = 2, and lstm_core on the URL's model gives the shown z
    model, _ = url_model(at)
    assert model.x[0] == 2.0
    s = step(model.params, model.x, model.h_prev, model.c_prev)
    np.testing.assert_array_equal(s.z("f"), shown_z(at))


def test_lowering_a_bias_lowers_z_by_the_same_amount(app_test) -> None:
    at = app_test({"preset": "seed-question"})
    at.segmented_control(key="ctl:editgroup").set_value("biases").run()
    at.slider(key="sl:b_f:1").set_value(-3.0).run()  # b_f[1]: 2 → -3
    assert_clean(at)
    np.testing.assert_array_equal(shown_z(at), [92, 172, 136])
    assert url_model(at)[0].params.b_f[1] == -3.0


def test_the_query_params_round_trip(app_test) -> None:
    at = app_test({"preset": "random"})
    at.slider(key="sl:x:1").set_value(0.7).run()
    at.segmented_control(key="ctl:editgroup").set_value("states").run()
    at.slider(key="sl:c_prev:2").set_value(-2.5).run()
    at.radio(key="ctl:stage").set_value(3).run()
    assert_clean(at)

    model, view = url_model(at)
    current = at.session_state["model"]
    for field in ("x", "h_prev", "c_prev"):
        np.testing.assert_array_equal(getattr(model, field), getattr(current, field))
    for name in ("W_f", "W_i", "W_c", "W_o", "b_f", "b_i", "b_c", "b_o"):
        np.testing.assert_array_equal(getattr(model.params, name), getattr(current.params, name))
    assert model.params.concat_order == current.params.concat_order
    assert view == at.session_state["view"]
    assert encode(model, view) == dict(at.query_params)  # exact text, no drift

    # the same query in a new session gives the same page
    again = app_test(dict(at.query_params))
    assert_clean(again)
    assert not again.warning
    assert formulas(again) == formulas(at)
    assert dict(again.query_params) == dict(at.query_params)


BAD_QUERIES = {
    "garbage": {"m": "%%%", "n": ";;", "W_f": ")(*"},
    "wrong-shape": {"W_f": "1,2;3"},
    "nan": {"x": "1,NaN,3"},
    "inf": {"x": "1,inf,3"},
    "m-1000": {"m": "1000"},
    "unknown-order": {"order": "sideways"},
    "very-long": {"x": "1," * 9999 + "1"},
}


@pytest.mark.parametrize("name", [*BAD_QUERIES, "unknown-preset"])
def test_a_bad_url_warns_and_loads_the_seed_example(app_test, name: str) -> None:
    if name == "unknown-preset":
        query = {"preset": "no-such-preset"}
    else:
        query = encode(load_preset("seed-question"), View())
        query.update(BAD_QUERIES[name])
    at = app_test(query)
    assert_clean(at)
    assert at.warning, f"no warning for {name}"
    np.testing.assert_array_equal(shown_z(at), [92, 177, 136])
    url_model(at)  # the URL was rewritten to a valid model
    at.run()
    assert not at.warning, "a URL warning is shown once, not on every rerun"


TRAP_ENTRY = """
import streamlit as st
st.sidebar.write("entry frame")
st.navigation([st.Page("{folder}/one.py", default=True), st.Page("{folder}/two.py")]).run()
"""


@pytest.mark.parametrize(("folder", "trapped"), [("pages", True), ("views", False)])
def test_a_folder_named_pages_runs_its_files_without_the_entry_script(
    tmp_path, folder: str, trapped: bool
) -> None:
    """Why the page files live in ``views/`` (Streamlit 1.67, a minimal app).

    With ``st.navigation`` AND a folder named ``pages/`` next to the entry script,
    ``AppTest`` runs the entry script only on the FIRST run. Every later run
    (``switch_page(...).run()``, and also a widget's ``set_value(...).run()`` or a
    bare ``run()``) executes the page file alone, without the entry script's frame.
    Cause: ``AppTest.run`` resets ``PagesManager.uses_pages_directory`` every time,
    so Streamlit wraps the script in its old "MPA v1" navigation built from
    ``pages/``, which resolves the page hash requested after the first run straight
    to the page file. A real server does the same on the first run of the process
    (a first visitor deep-linking to a page). Any other folder name is not caught.
    """
    from streamlit.testing.v1 import AppTest

    (tmp_path / folder).mkdir()
    (tmp_path / "app.py").write_text(TRAP_ENTRY.format(folder=folder))
    (tmp_path / folder / "one.py").write_text("import streamlit as st\nst.write('one')\n")
    (tmp_path / folder / "two.py").write_text("import streamlit as st\nst.write('two')\n")
    at = AppTest.from_file(str(tmp_path / "app.py"), default_timeout=30).run()
    assert [m.value for m in at.sidebar.markdown] == ["entry frame"]
    at.switch_page(f"{folder}/two.py").run()
    assert [m.value for m in at.main.markdown] == ["two"]
    frame = [] if trapped else ["entry frame"]
    assert [m.value for m in at.sidebar.markdown] == frame, "switch_page"
    at.run()
    assert [m.value for m in at.sidebar.markdown] == frame, "a rerun after the first"


def test_switch_page_and_reruns_keep_the_entry_frame_in_our_app(app_test) -> None:
    """Every page of our app runs inside app.py's frame (state from the URL, sidebar,
    navigation, URL rewrite) after switch_page and widget reruns, through plain AppTest."""
    assert not (ROOT / "pages").exists(), "a pages/ folder would run its files bare"
    at = app_test({"preset": "seed-question"})
    assert_clean(at)
    at.switch_page("views/cell_step.py").run()
    assert_clean(at)
    at.slider(key="sl:x:0").set_value(2.0).run()  # a widget rerun after the first run
    assert_clean(at)
    assert url_model(at)[0].x[0] == 2.0, "the URL is rewritten by the entry frame"
    np.testing.assert_array_equal(shown_z(at), [93, 182, 139])

    for page in sorted((ROOT / "views").glob("*.py")):
        if page.stem == "lesson":  # it loads each step's own model (tests/test_pages_lesson.py)
            continue
        at.switch_page(f"views/{page.name}").run()
        assert entry_frame_ran(at), f"views/{page.name} ran without the entry frame"
        assert not at.exception, [e.value for e in at.exception]
        assert url_model(at)[0].x[0] == 2.0, f"the edit was lost on views/{page.name}"
    at.switch_page("views/cell_step.py").run()
    assert_clean(at)
    np.testing.assert_array_equal(shown_z(at), [93, 182, 139])


def test_what_changed_lists_the_last_edit_once_opened(app_test) -> None:
    at = app_test({"preset": "seed-question"})
    at.slider(key="sl:x:0").set_value(2.0).run()
    box = next(e for e in at.expander if e.label == "What changed with the last edit")
    assert not box.markdown  # closed, it is not drawn (a rerun costs it nothing)
    at.session_state["ctl:changes"] = True  # the student opens it
    at.run()
    assert_clean(at)
    box = next(e for e in at.expander if e.label == "What changed with the last edit")
    listed = "\n".join(str(m.value) for m in box.markdown)
    assert "x<sub>t</sub>[0]" in listed and ">1</td>" in listed and ">2</td>" in listed, listed
