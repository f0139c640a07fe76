"""ui.handout: the worked step as Markdown+LaTeX, as print-ready HTML, and the diagram as SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lstm_core import GATES, step
from lstm_core.presets import PRESETS, load_preset
from ui.fmt import fmt
from ui.handout import diagram_svg, handout_html, handout_markdown
from ui.latex import num

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def numbers(a: np.ndarray) -> list[str]:
    return [fmt(x, 4) for x in np.asarray(a).ravel()]


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_markdown_has_every_equation_with_its_numbers(name: str) -> None:
    e = load_preset(name)
    s = step(e.params, e.x, e.h_prev, e.c_prev)
    md = handout_markdown(e)
    blocks = re.findall(r"\$\$\n(.*?)\n\$\$", md, flags=re.S)
    assert md.count("$$") == 2 * len(blocks) == 2 * (2 + len(GATES) + 2)
    for tex in blocks:
        assert tex.count("{") == tex.count("}")
        assert tex.count(r"\begin{") == tex.count(r"\end{")
        assert tex.count(r"\left(") == tex.count(r"\right)")
    for g in GATES:
        eq = next(b for b in blocks if b.startswith(f"z_{g.key} = W_{g.key}"))
        values = np.concatenate([s.z(g.key), s.gate(g.key), e.params.b(g.key)])
        for x in values:
            assert num(x, 4) in eq, (g.key, x)
    table = [line for line in md.splitlines() if line.startswith("| ")]
    assert len(table) == 1 + e.params.n_hidden
    assert table[1].split(" | ")[1:3] == [fmt(s.f[0], 4), fmt(s.c_prev[0], 4)]
    assert "<svg" in md and md.rstrip().endswith("</svg>")


def test_markdown_names_sizes_order_and_precision() -> None:
    e = load_preset("seed-question")
    md = handout_markdown(e, np.float32)
    assert "n = 3 cell units, m = 3 inputs, v = [x_t, h_{t-1}], float32" in md
    assert "z_f = W_f \\cdot v + b_f" in md and "92" in md and "177" in md and "136" in md


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs


@pytest.mark.parametrize("name", ["seed-answer", "hadamard", "saturated"])
def test_html_is_standalone_without_scripts_or_fetches(name: str) -> None:
    e = load_preset(name)
    s = step(e.params, e.x, e.h_prev, e.c_prev)
    html = handout_html(e)
    parser = Tags()
    parser.feed(html)
    assert "script" not in parser.tags and "link" not in parser.tags and "img" not in parser.tags
    assert not [a for a in parser.attrs if a[0] in ("src", "href")]
    assert "url(" not in html and "@import" not in html
    assert re.findall(r"https?://[^\"]*", html) == ["http://www.w3.org/2000/svg"]  # a namespace
    assert parser.tags.count("svg") == 1
    for x in numbers(s.h) + numbers(s.c) + numbers(s.z_f):
        assert f"<td>{x}</td>" in html


def test_diagram_svg_is_a_standalone_svg_file() -> None:
    svg = diagram_svg(load_preset("seed-answer"))
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
    root = ET.fromstring(svg.split("\n", 1)[1])
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    w, h = root.get("width"), root.get("height")
    assert root.get("viewBox") == f"0 0 {w} {h}"
    assert "C" in "".join(root.itertext())


def pdf_pages(browser: Any, html: str, name: str) -> int:
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.set_content(html)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    page.close()
    assert requests == [], "the handout fetched something"
    assert b"/MediaBox [0 0 594.95996 841.91998]" in pdf or b"594.96" in pdf  # A4
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"handout-{name}.pdf").write_bytes(pdf)
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_handout_prints_on_at_most_two_a4_pages_at_the_default_size(
    browser: Any, name: str
) -> None:
    assert pdf_pages(browser, handout_html(load_preset(name)), name) <= 2


def test_handout_of_the_largest_editable_cell_prints(browser: Any) -> None:
    e = load_preset("random").resized(8, 8)
    assert 2 <= pdf_pages(browser, handout_html(e), "8x8") <= 4
