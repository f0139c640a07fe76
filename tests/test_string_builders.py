"""The LaTeX, HTML and SVG strings the pages show, tested directly (no Streamlit).

Expected numbers come from the core's step and the builders' own number format
(``latex.num``, ``fmt.short_vec``), never typed in.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from lstm_core import GATE_BY_KEY, GATES, CellModel, LSTMParams, Step, step
from lstm_core.presets import PRESETS, load_preset
from ui import diagram, latex, tables
from ui.fmt import fmt, short_vec

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE_NAMES = ['<script>alert("x")</script>', "a'b\"c", "<img src=x onerror=alert(1)>", "&amp;"]


def step_of(model: CellModel) -> Step:
    return step(model.params, model.x, model.h_prev, model.c_prev)


def html(fragment: str) -> ET.Element:
    """The fragment parsed as XML: well formed, every tag closed, entities valid."""
    return ET.fromstring(f"<root>{fragment}</root>")


# -- latex ----------------------------------------------------------------------------
def test_vec_is_a_bmatrix_row_or_column_of_num() -> None:
    a = np.array([1.0, -0.25, 3e-9])
    cells = [latex.num(v) for v in a]
    assert latex.vec(a) == r"\begin{bmatrix}" + " & ".join(cells) + r"\end{bmatrix}"
    assert latex.vec(a, column=True) == r"\begin{bmatrix}" + r" \\ ".join(cells) + r"\end{bmatrix}"


@pytest.mark.parametrize("x", [3.0, -2.5, 0.123456, 1.5e-7, -2e20, 6.02e23])
def test_num_writes_e_notation_as_times_ten_to_the(x: float) -> None:
    text = latex.num(x)
    assert "e" not in text.replace(r"\times", "")
    if m := re.fullmatch(r"(-?[\d.]+)\\times10\^\{(-?\d+)\}", text):
        assert float(m[1]) * 10.0 ** int(m[2]) == pytest.approx(x, rel=1e-3)
    else:
        assert float(text) == pytest.approx(x, rel=1e-3)


def terms(count: int, width: float, op: str = "+") -> list[tuple[str, str, float]]:
    return [("=" if k == 0 else op, f"t{k}", width) for k in range(count)]


def line_widths(text: str, lhs: str, widths: dict[str, float]) -> list[float]:
    assert text.startswith(lhs + " &")
    lines = text[len(lhs) + 2 :].split(r" \\ &")
    return [sum(widths[t] + latex.PX_OPERATOR for t in re.findall(r"t\d+", line)) for line in lines]


def test_chain_keeps_every_line_within_the_budget_and_the_terms_in_order() -> None:
    steps = [terms(12, 60.0), terms(3, 40.0, "-")]
    widths = {f"t{k}": 60.0 for k in range(12)} | {f"t{k}": 40.0 for k in range(3)}
    text = latex.chain("z", 30.0, steps, budget=400.0)
    found = re.findall(r"t\d+", text)
    assert found == [f"t{k}" for k in range(12)] + [f"t{k}" for k in range(3)]
    sizes = line_widths(text, "z", {**widths})
    assert len(sizes) > 2 and all(30.0 + w <= 400.0 for w in sizes)
    assert text.split(r" \\ &")[-1].strip().startswith("= t0 - t1")  # the 2nd step: own line


def test_chain_shares_lines_without_step_lines_and_splits_a_too_wide_product() -> None:
    small = [terms(2, 30.0), terms(2, 30.0)]
    assert r"\\" not in latex.chain("a", 10.0, small, budget=500.0, step_lines=False)
    assert latex.chain("a", 10.0, small, budget=500.0).count(r"\\") == 1
    wide = [[("=", "p0", 300.0), ("\\cdot", "p1", 300.0)]]
    assert latex.chain("a", 10.0, wide, budget=400.0) == r"a &= p0 \\ &\cdot p1"


def _row_cells(html: str) -> list[list[str]]:
    """The text of each cell of each row of an HTML table (markup dropped)."""
    rows = re.findall(r"<tr>(.*?)</tr>", html)
    return [
        [
            re.sub(r"<[^>]+>", "", c).replace("&#8201;", "").replace("&#160;", " ")
            for c in re.findall(r"<td[^>]*>(.*?)</td>", r)
        ]
        for r in rows
    ]


def test_the_row_table_adds_up_as_the_core_computes() -> None:
    model = load_preset("random")
    s = step_of(model)
    for g in GATES:
        rows = _row_cells(tables.row_table(model.params, s, g))
        assert len(rows) == model.params.n_hidden
        for r, (unit, products, wv, z, value) in enumerate(rows):
            # the arrows' text: the arrowhead, then the label drawn above it
            z, value = z.removeprefix("→"), value.removeprefix("→")
            assert unit == f"unit {r}:"
            W, v = model.params.W(g.key)[r], s.concat
            pairs = [t.split("·") for t in products.split(" + ")]
            assert len(pairs) == len(v)
            for (w_text, v_text), w, x in zip(pairs, W, v, strict=True):
                for t, x_ in ((w_text, w), (v_text, x)):
                    assert t.startswith("(") == (x_ < 0)  # negatives in brackets
                    number = float(t.strip("()").replace("−", "-"))
                    assert number == pytest.approx(x_, rel=1e-3, abs=1e-12)
            assert float(wv.removeprefix("= ").replace("−", "-")) == pytest.approx(
                s.z(g.key)[r] - model.params.b(g.key)[r], rel=1e-3, abs=1e-9
            )
            b_text = f"+b = {fmt(model.params.b(g.key)[r])}".replace("-", "−")
            assert z.startswith(b_text) and z.endswith(
                f"z = {fmt(s.z(g.key)[r])}".replace("-", "−")
            )
            assert value.startswith(g.activation.symbol)
            assert value.endswith(fmt(s.gate(g.key)[r], 6).replace("-", "−"))


def test_a_long_row_wraps_between_its_terms() -> None:
    model = CellModel(LSTMParams.random(8, 8, seed=1), np.ones(8), np.ones(8), np.zeros(8))
    table = tables.row_table(model.params, step_of(model), GATE_BY_KEY["f"])
    html(table)  # well formed
    products = re.findall(r"<td[^>]*white-space:normal[^>]*>(.*?)</td>", table)
    assert len(products) == 8 and table.count("<tr>") == 8  # a cell per unit, free to wrap...
    terms = products[0].split("&#160;+ ")  # a line may break after a "+", not before it
    assert len(terms) == 16 and all("nowrap" in t for t in terms)  # ...and never in a term


def test_gate_values_near_one_keep_their_digits() -> None:
    s = step_of(load_preset("seed-question"))
    rows = _row_cells(tables.row_table(load_preset("seed-question").params, s, GATE_BY_KEY["f"]))
    assert [r[-1] for r in rows] == ["→σ 1 (exactly)"] * 3
    zero = {k: [[0.0]] for k in "fico"}
    bias = {"f": [20.0], "i": [0.0], "c": [0.0], "o": [0.0]}  # f = σ(20) = 1 − 2.06e-9
    one = CellModel(LSTMParams.from_blocks(zero, zero, bias), [0.0], [0.0], [0.0])
    tiny = tables.row_table(one.params, step_of(one), GATE_BY_KEY["f"])
    html(tiny)  # well formed
    assert "1 − 2.06×10<sup>−9</sup>" in tiny


# -- tables ---------------------------------------------------------------------------
def test_math_html_draws_sub_and_superscripts() -> None:
    assert tables.math_html("h_{t-1}") == "h<sub>t−1</sub>"
    assert tables.math_html("W^x_f") == "W<sup>x</sup><sub>f</sub>"


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_math_html_escapes_tags_and_quotes(name: str) -> None:
    out = tables.math_html(name)
    assert "<" not in out.replace("<sub>", "").replace("</sub>", "")
    assert '"' not in out and "'" not in out
    assert html(out).text == name  # shown as exactly the text typed


def test_math_html_escapes_inside_a_subscript() -> None:
    out = tables.math_html("x_{<b>'}")
    assert out == "x<sub>&lt;b&gt;&#x27;</sub>"


def test_text_table_rows_cells_and_escaping() -> None:
    rows = [["W_f", HOSTILE_NAMES[0]], ["b^x", "plain"]]
    root = html(tables.text_table(["name", "value"], rows, nowrap=1))
    table = root.find("table")
    assert table is not None
    trs = table.findall("tr")
    assert [th.text for th in trs[0].findall("th")] == ["name", "value"]
    cells = [[("".join(td.itertext())) for td in tr.findall("td")] for tr in trs[1:]]
    assert cells == [["Wf", HOSTILE_NAMES[0]], ["bx", "plain"]]
    assert all("nowrap" in tr.findall("td")[0].get("style", "") for tr in trs[1:])
    assert not any("nowrap" in tr.findall("td")[1].get("style", "") for tr in trs[1:])
    assert root.find(".//script") is None


def test_change_table_largest_change_first_then_and_n_more() -> None:
    rows = [(f"W_f[0, {k}]", 0.0, float(k) * (-1) ** k) for k in range(15)]
    rows.append((HOSTILE_NAMES[2], 1.0, 1.5))
    root = html(tables.change_table(rows, most=5))
    trs = root.find("table").findall("tr")  # type: ignore[union-attr]
    body = [["".join(td.itertext()) for td in tr.findall("td")] for tr in trs[1:]]
    assert [r[0] for r in body] == [f"Wf[0, {k}]" for k in (14, 13, 12, 11, 10)]
    assert body[0][1:] == ["0", "14", "+14"] and body[1][1:] == ["0", "-13", "-13"]
    assert "".join(root.find("div").itertext()) == "and 11 more"  # type: ignore[union-attr]
    small = html(tables.change_table(rows[-1:]))
    assert "".join(small.find("table").findall("tr")[1].find("td").itertext()) == HOSTILE_NAMES[2]  # type: ignore[union-attr]
    assert small.find(".//img") is None and small.find("div") is None


# -- diagram --------------------------------------------------------------------------
ALWAYS = ("c_prev", "c", "h", "x")
AT_STAGE = {1: ("f",), 2: ("c_tilde", "input_term"), 3: ("forget_term", "input_term"),
            4: ("o",), 5: ("tanh_c",)}  # fmt: skip
ALLOWED_TAGS = {"svg", "polyline", "rect", "circle", "text", "tspan"}
# "class": names for the tests and CSS to find parts by, nothing to run
ALLOWED_ATTRS = {"viewBox", "width", "height", "role", "aria-label", "style", "points", "fill",
                 "stroke", "stroke-width", "stroke-linejoin", "x", "y", "dy", "rx", "cx", "cy",
                 "r", "text-anchor", "dominant-baseline", "font-size", "font-weight",
                 "class"}  # fmt: skip


def svg_texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("preset", ["random", "hadamard", "saturated"])
@pytest.mark.parametrize("stage", range(6))
def test_cell_diagram_shows_the_values_of_its_stage(preset: str, stage: int) -> None:
    s = step_of(load_preset(preset))
    root = ET.fromstring(diagram.cell_diagram(s, stage))
    assert root.tag == f"{SVG}svg"
    assert root.get("aria-label") == f"LSTM cell diagram, stage {stage + 1}"
    text = "\n".join(svg_texts(root))
    for field in ALWAYS + AT_STAGE.get(stage, ()):
        assert short_vec(getattr(s, field)) in text, (field, stage)
    assert ("f∘C" in text) == (stage == 3) and ("tanh(C" in text) == (stage == 5)
    assert ("o" + "t = " in text) == (stage == 4)


@pytest.mark.parametrize("stage", range(6))
def test_cell_diagram_is_only_drawing(stage: int) -> None:
    """Only shapes and text, only drawing attributes: nothing to click, load or run."""
    for name in PRESETS:
        root = ET.fromstring(diagram.cell_diagram(step_of(load_preset(name)), stage))
        for el in root.iter():
            assert el.tag.removeprefix(SVG) in ALLOWED_TAGS, el.tag
            assert set(el.attrib) <= ALLOWED_ATTRS, el.attrib


def test_cell_diagram_lights_the_gate_of_its_stage() -> None:
    s = step_of(load_preset("random"))
    for stage, keys in {0: "", 1: "f", 2: "ic", 3: "", 4: "o", 5: ""}.items():
        root = ET.fromstring(diagram.cell_diagram(s, stage))
        gates = [r for r in root.iter(f"{SVG}rect")][: len(GATES)]
        lit = {g.key for g, r in zip(GATES, gates, strict=True) if r.get("fill") != "white"}
        assert lit == set(keys), stage
