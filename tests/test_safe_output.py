"""No outside text reaches raw HTML or KaTeX: the reviewed sinks, fed the most hostile values.

The model holds only floats, so what reaches ``unsafe_allow_html`` / ``st.html`` and the
formulas is numbers formatted by the app and the app's own names. A new raw-HTML sink
makes :func:`test_raw_html_sinks_are_the_reviewed_ones` fail until it is reviewed here.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from test_quote import HOSTILE

from lstm_core import GATES, step
from lstm_core.presets import load_preset
from lstm_core.teaching import check
from ui import latex, stepview, tables, teach
from ui.diagram import cell_diagram
from ui.stages import LAST_STAGE

ROOT = Path(__file__).resolve().parents[1]
SINK = re.compile(r"unsafe_allow_html\s*=\s*True|\bst\.html\(|\.html\(")
# file -> raw-HTML sinks in it, each reviewed: what reaches it is named on the right
REVIEWED = {
    "ui/history.py": 1,  # a constant script (same-page URL changes replace the entry)
    "ui/keys.py": 1,  # a constant script (arrow keys and PageUp/PageDown press Prev/Next)
    "ui/style.py": 1,  # the app's CSS, a constant
    "ui/stepview.py": 1,  # cell_diagram(step): numbers through fmt, app labels, escaped
    "views/cell_step.py": 4,  # math_html(gate name); explanation; changes; number tables
    "views/shapes.py": 4,  # parameter counts (ints) and text_table of app texts
    "views/variants.py": 1,  # text_table of variant titles and numbers through fmt
    "views/lesson.py": 1,  # changes_md: Step symbols and numbers through fmt (try this)
    "ui/variant.py": 1,  # math_html of a variant's array name (W_r, W_z, W_n)
    "ui/variant_steps.py": 1,  # the variant diagrams: numbers through fmt, app labels, escaped
}
EXTREME = [1e150, -1e150, -0.0, 5e-324, 1e17, -3.3e-17, 123456789.123456789]
ALLOWED_TAGS = {"div", "span", "b", "i", "sub", "sup", "table", "tr", "th", "td", "br", "svg",
                "g", "rect", "line", "path", "text", "tspan", "circle", "polygon", "marker",
                "defs", "title", "ellipse", "polyline"}  # fmt: skip
KATEX_ACTIVE = re.compile(r"\\(href|url|includegraphics|html[A-Za-z]*)\b")


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.values: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs |= {a for a, _ in attrs}
        self.values += [v or "" for _, v in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(html: str) -> Tags:
    t = Tags()
    t.feed(html)
    t.close()
    return t


def assert_inert(html: str) -> Tags:
    t = parsed(html)
    assert t.tags <= ALLOWED_TAGS, t.tags - ALLOWED_TAGS
    bad = {a for a in t.attrs if a in {"href", "src", "xlink:href", "srcset", "action"}}
    assert not bad and not any(a.startswith("on") for a in t.attrs), t.attrs
    for value in set(t.values) - {"http://www.w3.org/2000/svg"}:  # xmlns: a name, not a load
        assert not re.search(r"url\(|javascript:|evil|//", value, re.I), value
    return t


def test_raw_html_sinks_are_the_reviewed_ones() -> None:
    found = {}
    for path in [
        ROOT / "app.py",
        *sorted((ROOT / "ui").glob("*.py")),
        *sorted((ROOT / "views").glob("*.py")),
    ]:
        count = len(SINK.findall(path.read_text(encoding="utf-8")))
        if count:
            found[str(path.relative_to(ROOT))] = count
    assert found == REVIEWED, "a raw-HTML sink was added or removed: review what reaches it"


def extreme_models() -> list[tuple[object, object]]:
    out = []
    for k, value in enumerate(EXTREME):
        model = load_preset("seed-question")
        for g in GATES:
            model = model.with_entry(g.W, (k % 3, 0), value).with_entry(g.b, (0,), -value)
        model = model.with_entry("x", (1,), value)
        out.append((model, load_preset("seed-question")))
    return out


# float32 takes only the values within its range (the rest is refused: test_hostile_input.py)
@pytest.mark.parametrize(
    "dtype, k",
    [(np.float64, k) for k in range(len(EXTREME))]
    + [(np.float32, k) for k, v in enumerate(EXTREME) if abs(v) <= 1e17],
)
def test_html_of_the_most_extreme_numbers_is_inert(dtype: type, k: int) -> None:
    model, before = extreme_models()[k]
    p = model.params  # type: ignore[attr-defined]
    s = step(p, model.x, model.h_prev, model.c_prev, dtype=dtype)  # type: ignore[attr-defined]
    s0 = step(before.params, before.x, before.h_prev, before.c_prev, dtype=dtype)  # type: ignore[attr-defined]
    for stage in range(LAST_STAGE + 1):
        assert_inert(cell_diagram(s, stage))
        assert_inert(stepview.explanation_md(s, p, stage))
    assert_inert(stepview.changes_md(s, s0))
    assert_inert(tables.concat_table(p, s.concat))
    for g in GATES:
        assert_inert(tables.block_table(p, g.key))
        assert_inert(tables.math_html(g.W))


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_html_builders_escape_any_text(text: str) -> None:
    t = assert_inert(tables.text_table(("name", text), [(text, "1")]))
    assert text.replace("\r\n", "\n").replace("\r", "\n") in "".join(t.text).replace("\r", "\n")


@pytest.mark.parametrize("k", range(len(EXTREME)))
def test_formulas_hold_numbers_and_the_apps_own_commands(k: int) -> None:
    model, _ = extreme_models()[k]
    p = model.params  # type: ignore[attr-defined]
    s = step(p, model.x, model.h_prev, model.c_prev)  # type: ignore[attr-defined]
    typed = {"wv": [float(EXTREME[k]), None, 1.0], "z": [1e300, -0.0, 5e-324]}
    result = check(model, "i", typed)  # type: ignore[arg-type]
    formulas = [stepview.stage_equation(j, s, p) for j in range(LAST_STAGE + 1)]
    formulas += [latex.vec(s.h), latex.num(EXTREME[k]), latex.sci(EXTREME[k] or 1.0)]
    for g in GATES:  # the row-by-row table is HTML: numbers only, never nan or inf
        assert not re.search(r"\bnan\b|\binf\b", tables.row_table(p, s, g), re.I)
    for r, culprits in result.culprits.items():
        for c in culprits:
            formulas.append(teach.gate_expansion(p, s, GATES[1], r, c))
            formulas.append(teach.cell_expansion(s, r, c))
            formulas.append(teach.hidden_expansion(s, r, c))
    for tex in formulas:
        assert not KATEX_ACTIVE.search(tex), tex[:300]
        assert not re.search(r"\bnan\b|\binf\b", tex, re.I), tex[:300]


@pytest.mark.parametrize("k", range(len(EXTREME)))
def test_variant_diagrams_stay_inert_with_extreme_numbers(k: int) -> None:
    from lstm_core.variants import compare
    from ui.stages import VARIANT_STAGES
    from ui.variant_steps import diagram_svg

    model = extreme_models()[k][0]
    for o in compare(model):  # type: ignore[arg-type]
        for stage in range(len(VARIANT_STAGES[o.variant.key])):
            t = assert_inert(diagram_svg(o.variant.key, o, stage))
            assert "nan" not in " ".join(t.text).lower(), (o.variant.key, stage)
