"""The app with Cell step's content cut to one line each: for bench_ui.py only.

Starts the app as ``scripts/run_app.py`` does, after replacing the three large pieces
of Cell step's fragment with a line of text that still changes on every edit: the cell
diagram (SVG), the stage's story (Markdown with KaTeX) and the tables below (HTML).
Every element, container and widget of the page stays where it is, so a key press on
x_t[0] sends the same 16 deltas. What is left is what Streamlit's frontend charges for
the page's structure, whatever its content: a floor that no cheaper rendering of our
content can go below.

    python benchmarks/run_one_line.py [options of streamlit run]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import run_app  # noqa: E402


def one_line(s: Any, *_: Any, **__: Any) -> str:
    return f"x_t[0] = {float(s.x[0]):.2f}"


def cut_content() -> None:
    from ui import stepview, tables

    stepview.cell_diagram = one_line  # type: ignore[assignment]
    stepview.explanation_md = one_line  # type: ignore[assignment]
    tables.concat_table = lambda p, v: f" {float(v[0]):.2f}"  # type: ignore[assignment]
    tables.block_table = lambda *_: ""  # type: ignore[assignment]
    tables.row_table = lambda *_: ""  # type: ignore[assignment]


if __name__ == "__main__":
    run_app.preload()
    cut_content()
    run_app.warm_first_run()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *sys.argv[1:]]
    sys.exit(cli.main())
