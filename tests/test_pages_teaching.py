"""The four teaching pages, run through the real entry point app.py with AppTest.

Each test opens app.py (so the sidebar, the shared state and the URL code run too),
switches to a page and checks the numbers it shows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from app_support import open_tab

from lstm_core import sigmoid_grad
from lstm_core.presets import SEED_W_F, SEED_W_I

SHAPES, SATURATION = "views/shapes.py", "views/saturation.py"
CHECK, MISCONCEPTIONS = "views/check.py", "views/misconceptions.py"
PAGES = (SHAPES, SATURATION, CHECK, MISCONCEPTIONS)
THREAD = Path(__file__).resolve().parents[2] / "shared" / "reference" / "seed-qa.txt"

AppTestFactory = Callable[..., Any]


def open_page(app_test: AppTestFactory, page: str, query: dict[str, str] | None = None) -> Any:
    at = app_test({"preset": "seed-question"} if query is None else query)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    # app.py's frame ran around the page: its sidebar controls are there
    labels = [w.label for w in at.sidebar.selectbox]
    assert "m (inputs)" in labels and "n (units)" in labels, labels
    return at


def texts(
    at: Any, kinds: tuple[str, ...] = ("title", "markdown", "caption", "latex", "subheader")
) -> str:
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def specs(at: Any) -> list[dict[str, Any]]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def annotations(at: Any) -> list[str]:
    """Every text drawn in the figures: annotations and text labels of traces."""
    notes = [a.get("text", "") for s in specs(at) for a in s["layout"].get("annotations", [])]
    for s in specs(at):
        for trace in s["data"]:
            labels = trace.get("text", [])
            notes += [labels] if isinstance(labels, str) else [str(t) for t in labels]
    return notes


class _Tables(HTMLParser):
    """Cell texts of HTML tables; <sub>t−1</sub> reads back as "_{t−1}", <sup>x</sup> as "^x"."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.script = ""
        self.in_cell = False

    def handle_endtag(self, tag: str) -> None:
        self.in_cell = self.in_cell and tag not in ("td", "th", "tr", "table")

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.tables[-1][-1].append("")
            self.in_cell = True
        elif tag in ("sub", "sup"):
            self.script = "_" if tag == "sub" else "^"

    def handle_data(self, data: str) -> None:
        if self.script:
            data = f"{self.script}{data if len(data) == 1 else '{' + data + '}'}"
            self.script = ""
        if self.in_cell:
            self.tables[-1][-1][-1] += data


def html_tables(at: Any) -> list[pd.DataFrame]:
    """Every table drawn with st.html, first row as the header."""
    parser = _Tables()
    for element in at.get("html"):
        parser.feed(element.proto.body)
    return [pd.DataFrame(t[1:], columns=t[0]) for t in parser.tables if t]


def frame_with(at: Any, column: str) -> pd.DataFrame:
    """The first table with ``column``: st.dataframe, st.table (index as a column) or HTML."""
    frames = [
        d.value if d.value.index.name is None else d.value.reset_index()
        for d in [*at.dataframe, *at.table]
    ]
    for df in [*frames, *html_tables(at)]:
        if column in df.columns:
            return df  # type: ignore[no-any-return]
    raise AssertionError(f"no table with a column {column!r}")


# -- Shapes & dimensions -------------------------------------------------------------------
def test_shapes_counts_84_parameters_for_m_3_n_3(app_test: AppTestFactory) -> None:
    at = open_page(app_test, SHAPES)
    assert at.title[0].value == "Shapes & dimensions"
    counts = frame_with(at, "weights")
    assert counts["total"].tolist() == ["21", "21", "21", "21", "84"]
    assert counts["weights"].iloc[-1] == "72" and counts["biases"].iloc[-1] == "12"
    arrays = frame_with(at, "one column is").set_index("array")
    assert arrays.loc["W_f, W_i, W_c, W_o", "shape"] == "n × (n+m) = 3 × 6"
    assert arrays.loc["W_f, W_i, W_c, W_o", "NumPy .shape"] == "(3, 6)"
    assert arrays.loc["h_{t−1}", "NumPy .shape"] == "(3,)"
    assert arrays.loc["v", "shape"] == "n+m = 6"
    assert "one entry of h_{t−1} or of x_t" in arrays["one entry / row is"].tolist()
    text = texts(at)
    assert r"4n(n+m) + 4n = 4\cdot 3\cdot 6 + 4\cdot 3 = 84" in text
    assert "4·3·6 + 4·3 = 84" in text
    assert not annotations(at)  # the other tabs are drawn when opened
    open_tab(at, "3 × 3 or 3 × 6?")
    assert "claimed: W_f is 3 × 3" in annotations(at)
    assert "needed: W_f is 3 × 6" in annotations(at)


def test_shapes_concat_order_with_the_seed_w_f(app_test: AppTestFactory) -> None:
    at = open_tab(open_page(app_test, SHAPES), "Concatenation order")
    table = frame_with(at, "z_f = W_f v + b_f")
    assert table["v is"].tolist()[:2] == ["[x_t, h_{t−1}]", "[h_{t−1}, x_t]"]
    assert table["v"].tolist() == ["[1, 2, 3, 4, 5, 6]", "[4, 5, 6, 1, 2, 3]", "[4, 5, 6, 1, 2, 3]"]
    assert table["z_f = W_f v + b_f"].tolist() == [
        "[92, 177, 136]",
        "[65, 150, 109]",
        "[92, 177, 136]",
    ]
    assert table["W_f v"].tolist()[:2] == ["[91, 175, 133]", "[64, 148, 106]"]


def test_shapes_size_pickers_change_the_shared_model(app_test: AppTestFactory) -> None:
    at = open_page(app_test, SHAPES)
    at.selectbox(key="shapes:m").set_value(2).run()
    at.selectbox(key="shapes:n").set_value(4).run()
    assert not at.exception
    assert at.sidebar.selectbox(key="ctl:m").value == 2  # the sidebar follows
    assert at.sidebar.selectbox(key="ctl:n").value == 4
    assert at.query_params["m"] == "2" and at.query_params["n"] == "4"  # and the URL
    assert frame_with(at, "weights")["total"].iloc[-1] == str(4 * 4 * 6 + 4 * 4) == "112"
    notes = annotations(open_tab(at, "torch & Keras"))
    for label in (
        "weight_ih_l0</b><br>16 × 2",
        "weight_hh_l0</b><br>16 × 4",
        "bias_ih_l0</b><br>16",
        "kernel</b><br>2 × 16",
        "recurrent_kernel</b><br>4 × 16",
    ):
        assert any(label in a for a in notes), (label, notes)
    # the textbook blocks inside: W^x is n × m, transposed for Keras
    assert any("W<sub>g</sub><sup>x</sup><br>4×2" in a for a in notes)
    assert any("(W<sub>c</sub><sup>h</sup>)ᵀ<br>4×4" in a for a in notes)


def test_shapes_draws_only_the_open_tab_and_keeps_it_open(app_test: AppTestFactory) -> None:
    at = open_page(app_test, SHAPES)
    assert [len(t.children) > 0 for t in at.tabs] == [True] + [False] * 5
    open_tab(at, "$W = ")
    assert [len(t.children) > 0 for t in at.tabs] == [False, True] + [False] * 4
    at.sidebar.radio(key="ctl:order").set_value("h_first").run()  # the tab's label changes
    assert not at.exception
    assert at.tabs[1].label.startswith("$W = [W^h") and len(at.tabs[1].children) > 0
    at.selectbox(key="shapes:n").set_value(4).run()
    assert len(at.tabs[1].children) > 0  # still open after a resize


def test_the_open_tab_is_in_the_link_and_a_link_opens_it(app_test: AppTestFactory) -> None:
    at = open_tab(open_page(app_test, SHAPES), "torch & Keras")
    assert at.query_params["tab"] == "frameworks"
    shared = app_test(dict(at.query_params))  # the link, opened in a new session
    shared.switch_page(SHAPES).run()
    assert not shared.exception
    assert [len(t.children) > 0 for t in shared.tabs] == [False] * 5 + [True]
    assert dict(shared.query_params) == dict(at.query_params)  # no drift
    assert "tab" not in open_tab(shared, "Every array").query_params  # the first: default


def test_saturation_keeps_its_open_tab_in_the_link(app_test: AppTestFactory) -> None:
    at = open_page(app_test, SATURATION, {"preset": "seed-question", "tab": "rounding"})
    assert at.session_state["saturation:tab"] == "Rounding to 1"
    assert at.query_params["tab"] == "rounding"
    assert all(len(t.children) > 0 for t in at.tabs)  # every tab is drawn, as before
    # another page's tab in the link opens the first tab, and leaves the link
    other = open_page(app_test, SATURATION, {"preset": "seed-question", "tab": "frameworks"})
    assert other.session_state["saturation:tab"] == "σ and tanh"
    assert "tab" not in other.query_params


def test_an_unknown_tab_in_the_link_is_named_and_the_first_opens(
    app_test: AppTestFactory,
) -> None:
    at = app_test({"preset": "seed-question", "tab": "<b>x</b>"})
    assert any("tab `<b>x</b>` is unknown" in str(w.value) for w in at.warning), at.warning
    at.switch_page(SHAPES).run()
    assert [len(t.children) > 0 for t in at.tabs] == [True] + [False] * 5
    assert "tab" not in at.query_params


def test_shapes_framework_arrays_are_drawn_when_opened(app_test: AppTestFactory) -> None:
    at = open_tab(open_page(app_test, SHAPES), "torch & Keras")
    assert not at.dataframe  # both lists of arrays are closed
    at.session_state["shapes:arrays:torch"] = True
    at.run()
    assert not at.exception
    names = [str(m.value) for m in at.expander[0].markdown]
    assert names == ["`weight_ih_l0` 12 × 3", "`weight_hh_l0` 12 × 3", "`bias_ih_l0` 12",
                     "`bias_hh_l0` 12"]  # fmt: skip
    assert len(at.dataframe) == 4 and at.dataframe[0].value.shape == (12, 3)


# -- Saturation & derivatives --------------------------------------------------------------
def test_saturation_seed_forget_gate_slope_is_1e_minus_40(app_test: AppTestFactory) -> None:
    at = open_page(app_test, SATURATION)
    slopes = frame_with(at, "slope σ′(z)")
    assert slopes["z"].tolist() == ["92", "177", "136"]
    assert slopes["slope σ′(z)"].tolist()[0] == "1.11e-40"
    assert "largest slope of the forget gate here is **1.11e-40**" in texts(at)
    notes = annotations(at)
    assert any("float32: σ = 1.0 from z ≈ 16.64" in a for a in notes), notes
    assert any("float64: σ = 1.0 from z ≈ 36.74" in a for a in notes), notes
    assert any("peak σ′(0) = 0.25" in a for a in notes) and any(
        "peak tanh′(0) = 1" in a for a in notes
    )


def test_saturation_scale_control_and_apply(app_test: AppTestFactory) -> None:
    at = open_page(app_test, SATURATION)
    at.select_slider(key="sat:scale").set_value(0.01).run()
    slopes = frame_with(at, "slope σ′(z)")
    z0 = 0.01 * 91 + 1
    assert slopes["z"].iloc[0] == "1.91"
    assert slopes["slope σ′(z)"].iloc[0] == f"{float(sigmoid_grad(z0)):.3g}"
    at.button(key="sat:apply").click().run()
    assert not at.exception
    np.testing.assert_allclose(at.session_state["model"].params.W_f, 0.01 * np.array(SEED_W_F))
    assert at.select_slider(key="sat:scale").value == 1.0  # the model now has the scale
    assert at.query_params["W_f"].startswith("0.01,0.02,0.03")


def test_saturation_follows_the_gate_in_focus(app_test: AppTestFactory) -> None:
    at = open_page(app_test, SATURATION)
    at.sidebar.selectbox(key="ctl:focus").set_value("c").run()
    assert "Gate in focus: candidate" in at.caption[0].value
    assert "slope tanh′(z)" in frame_with(at, "z").columns


# -- Check my calculation ------------------------------------------------------------------
def verdicts(at: Any, column: str) -> list[str]:
    return [str(v) for v in frame_with(at, column)[""].tolist()]


def test_check_thread_sum_flags_entries_2_and_3(app_test: AppTestFactory) -> None:
    at = open_page(app_test, CHECK)
    at.button(key="check:thread").click().run()
    assert not at.exception
    table = frame_with(at, "you typed")
    assert table["you typed"].tolist() == ["22", "42", "62"]
    assert table["correct"].tolist() == ["22", "43", "64"]
    assert [v.split()[0] for v in table[""]] == ["✓", "✗", "✗"]
    assert table["entry"].tolist() == ["1 (unit 0)", "2 (unit 1)", "3 (unit 2)"]
    boxed = [t.value for t in at.latex if r"\boxed" in t.value]
    assert len(boxed) == 2
    assert r"\text{unit 1:}" in boxed[0] and r"\boxed{\textcolor{#D55E00}{42 + 1}}" in boxed[0]
    assert r"\text{unit 2:}" in boxed[1] and "= 63}}" in boxed[1]
    # the button loaded the answer's input gate into the shared model
    np.testing.assert_array_equal(at.session_state["model"].params.W_i, SEED_W_I)
    assert at.sidebar.selectbox(key="ctl:focus").value == "i"
    assert at.query_params["focus"] == "i"
    assert "within 0.5% of the correct value" in at.caption[0].value


def test_check_all_right_with_student_number_formats(app_test: AppTestFactory) -> None:
    at = open_page(app_test, CHECK, {"preset": "zeros"})  # every z is 0, every σ is 1/2
    at.text_input(key="check:f:z").input("0, -0, 0.0").run()
    at.text_input(key="check:f:a").input("1/2, 0.5, 5e-1").run()
    assert not at.exception and not at.error
    assert at.success[0].value == "Everything you typed is right."
    assert verdicts(at, "you typed").count("✓ right") == 3


def test_check_bad_input_names_the_field_and_marks_nothing_stale(
    app_test: AppTestFactory,
) -> None:
    at = open_page(app_test, CHECK, {"preset": "seed-answer"})
    at.text_input(key="check:i:wv").input("21, 42, 63").run()
    assert [v.split()[0] for v in frame_with(at, "you typed")[""]] == ["✓"] * 3
    for garbage, expected in (
        ("21, 4x2, 63", "W_i·v, entry 2: `4x2` is not a number"),
        ("21, 42", "W_i·v has 2 entries but needs 3"),
        ("1/0, 2, 3", "W_i·v, entry 1: `1/0` divides by zero"),
        ("nan, 1, 2", "W_i·v, entry 1: `nan` is not a number"),
        ("21, 42,5", "did you mean `42.5`"),
    ):
        at.text_input(key="check:i:wv").input(garbage).run()
        assert not at.exception
        assert len(at.error) == 1 and expected in at.error[0].value, at.error
        # the row shows the error, not a mark of the last valid 21, 42, 63
        assert not at.dataframe, [d.value for d in at.dataframe]
        assert any("Not checked until the field on the left" in w.value for w in at.warning)
        assert "nan" not in texts(at).lower()


def test_check_answers_belong_to_their_gate(app_test: AppTestFactory) -> None:
    at = open_page(app_test, CHECK)
    at.button(key="check:thread").click().run()
    assert frame_with(at, "you typed")["you typed"].tolist() == ["22", "42", "62"]
    at.radio(key="check:gate").set_value("o").run()
    assert not at.exception
    assert not at.dataframe  # the input gate's sum is not marked against W_o
    assert at.text_input(key="check:o:z").value == ""
    assert not any("add them again" in c.value for c in at.caption)
    at.radio(key="check:gate").set_value("i").run()  # and it comes back with its gate
    assert at.text_input(key="check:i:z").value == "22, 42, 62"
    assert frame_with(at, "you typed")["correct"].tolist() == ["22", "43", "64"]


def test_check_answers_are_in_the_link(app_test: AppTestFactory) -> None:
    at = open_page(app_test, CHECK)
    at.button(key="check:thread").click().run()
    at.text_input(key="check:c").input("1, 2, 3").run()
    link = dict(at.query_params)
    assert link["check.i.z"] == "22, 42, 62" and link["check.c"] == "1, 2, 3"
    assert not any(k.startswith("check.i.wv") for k in link)  # empty fields stay out
    shared = open_page(app_test, CHECK, link)  # the shared link shows the same marks
    assert shared.text_input(key="check:i:z").value == "22, 42, 62"
    assert shared.text_input(key="check:c").value == "1, 2, 3"
    assert frame_with(shared, "you typed")["correct"].tolist() == ["22", "43", "64"]
    assert dict(shared.query_params) == link


def test_check_answers_in_a_bad_link_are_named_and_ignored(app_test: AppTestFactory) -> None:
    query = {"preset": "seed-answer", "check.q.z": "1", "check.i.z": "9" * 300, "check.h": "x"}
    at = app_test(query)  # the link's warnings are shown on the first page drawn
    warnings = " ".join(w.value for w in at.warning)
    assert "Check field `check.q.z` is unknown" in warnings, warnings
    assert "`check.i.z` in this link is 300 characters long" in warnings, warnings
    at.switch_page(CHECK).run()
    assert at.text_input(key="check:i:z").value == ""
    assert at.text_input(key="check:h").value == "x"  # text: read as numbers only here
    assert any("h_t (optional)" in e.value and "`x`" in e.value for e in at.error)


def test_check_says_what_c_and_h_need(app_test: AppTestFactory) -> None:
    at = open_page(app_test, CHECK, {"preset": "hadamard"})
    notes = [c.value for c in at.caption if c.value.startswith("Needs the gates")]
    assert len(notes) == 2
    assert "$f_t = " in notes[0] and r"$\tilde{C}_t = " in notes[0] and "C_{t-1}" in notes[0]
    assert "$o_t = " in notes[1] and "your $C_t$" in notes[1]


def test_check_cell_state_and_hidden_state(app_test: AppTestFactory) -> None:
    at = open_page(app_test, CHECK, {"preset": "hadamard"})
    s = at.session_state["model"]
    from lstm_core import step

    st_ = step(s.params, s.x, s.h_prev, s.c_prev)
    at.text_input(key="check:c").input(", ".join(f"{v:.6f}" for v in st_.c)).run()
    at.text_input(key="check:h").input(", ".join(f"{v:.6f}" for v in st_.o * st_.c)).run()
    assert not at.exception
    tables = [d.value for d in at.dataframe]
    assert [v.split()[0] for v in tables[0][""]] == ["✓"] * 3  # C_t
    assert [v.split()[0] for v in tables[1][""]] == ["✗"] * 3  # h_t without tanh
    notes = [c.value for c in at.caption if "tanh is missing" in c.value]
    assert len(notes) == 3


# -- Misconceptions ------------------------------------------------------------------------
def test_misconceptions_has_seven_cards(app_test: AppTestFactory) -> None:
    at = open_page(app_test, MISCONCEPTIONS)
    titles = [h.value for h in at.subheader]
    assert [t.split(".")[0] for t in titles] == [str(k) for k in range(1, 8)]
    claims = [m.value for m in at.markdown if m.value.startswith("**The claim.**")]
    truths = [m.value for m in at.markdown if m.value.startswith("**What is true.**")]
    assert len(claims) == len(truths) == 7
    text = texts(at)
    assert "[22, 43, 64]" in text and "3 × 6" in text and "0.25" in text
    assert "**84** parameters" in text


def test_misconceptions_sampling_varies_but_the_cell_does_not(app_test: AppTestFactory) -> None:
    at = open_page(app_test, MISCONCEPTIONS)
    # seed-question: every f is exactly 1, so the demo starts on the thread's made-up f
    assert at.radio(key="misc:source").value == "thread"
    real = "Real $C_t$:"
    real_before = [c.value for c in at.caption if real in c.value][0].split(real)[1]
    for _ in range(6):
        at.button(key="misc:sample").click().run()
    assert not at.exception
    draws = at.session_state["misc:draws"]
    assert len(draws) == 6
    assert len({tuple(d) for d in draws}) > 1  # masks differ from draw to draw
    real_after = [c.value for c in at.caption if real in c.value][0].split(real)[1]
    assert real_before == real_after == " [0.25, -0.8, 1.8]"  # f∘C_{t-1} + i∘C̃, fixed
    at.button(key="misc:clear").click().run()
    assert at.session_state["misc:draws"] == []


def test_misconceptions_thread_button_opens_check_with_the_sum(app_test: AppTestFactory) -> None:
    at = open_page(app_test, MISCONCEPTIONS)
    at.button(key="misc:thread").click().run()
    assert not at.exception
    assert at.title[0].value == "Check my calculation"
    assert frame_with(at, "you typed")["correct"].tolist() == ["22", "43", "64"]


def test_misconceptions_demos_follow_the_sidebar(app_test: AppTestFactory) -> None:
    at = open_page(app_test, MISCONCEPTIONS)
    at.sidebar.selectbox(key="ctl:n").set_value(4).run()
    assert not at.exception
    assert "4 matrices of 4 × 7 plus 4 biases of 4 give **128** parameters" in texts(at)
    at.number_input(key="misc:k").set_value(5).run()
    assert "An extra task layer, with its own $W_y$ of size 5 × 4:" in texts(at)
    y = [t.value for t in at.latex if r"y_t = \sigma(W_y h_t) =" in t.value]
    assert len(y) == 1 and y[0].count(r" \\ ") == 4  # k = 5 outputs, as a column


# -- all four ---------------------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES)
def test_pages_survive_a_malformed_url(app_test: AppTestFactory, page: str) -> None:
    at = app_test({"m": "three", "W_f": "1,2;x", "focus": "q", "stage": "-1"})
    assert any("could not be read" in w.value for w in at.warning)
    at.switch_page(page).run()
    assert not at.exception
    assert at.session_state["model"].params.n_input == 3  # fell back to seed-question


@pytest.mark.parametrize("page", PAGES)
def test_focus_chosen_on_check_shows_on_every_page(app_test: AppTestFactory, page: str) -> None:
    at = open_page(app_test, CHECK)
    at.radio(key="check:gate").set_value("o").run()
    assert at.query_params["focus"] == "o"
    at.switch_page(page).run()
    assert not at.exception
    assert at.sidebar.selectbox(key="ctl:focus").value == "o"


def _shingles(text: str, k: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[j : j + k]) for j in range(len(words) - k + 1)}


def test_no_sentence_is_copied_from_the_thread(app_test: AppTestFactory) -> None:
    thread = _shingles(THREAD.read_text(encoding="utf-8"))
    for page in PAGES:
        at = open_page(app_test, page)
        prose = texts(at, ("title", "markdown", "caption", "subheader", "info", "error"))
        copied = _shingles(prose) & thread
        assert not copied, (page, sorted(" ".join(c) for c in copied)[:5])


@pytest.mark.parametrize("page", PAGES)
def test_every_preset_and_precision_renders(app_test: AppTestFactory, page: str) -> None:
    from lstm_core.presets import PRESETS

    for k, preset in enumerate(PRESETS):
        dtype = ("float64", "float32")[k % 2]
        at = open_page(app_test, page, {"preset": preset, "dtype": dtype})
        assert at.session_state["view"].dtype == dtype
        assert not at.error, (preset, [e.value for e in at.error])


@pytest.mark.parametrize("page", PAGES)
def test_largest_and_smallest_sizes_render(app_test: AppTestFactory, page: str) -> None:
    at = open_page(app_test, page)
    for m, n in ((8, 8), (1, 1)):
        at.sidebar.selectbox(key="ctl:m").set_value(m).run()
        at.sidebar.selectbox(key="ctl:n").set_value(n).run()
        assert not at.exception, (m, n, at.exception)
        assert at.session_state["model"].params.n_hidden == n
