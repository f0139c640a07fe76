"""One colour means one value everywhere: figures and HTML tables share explicit scales."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from lstm_core import run, step
from lstm_core.presets import load_preset
from ui import plots, tables


def _figures() -> list[tuple[str, object]]:
    ex = load_preset("seed-question")
    s = step(ex.params, ex.x, ex.h_prev, ex.c_prev)
    tr = run(ex.params, np.random.default_rng(0).normal(size=(6, ex.params.n_input)))
    rows = [(name, name, getattr(tr, name)) for name in ("f", "c_tilde", "c", "h")]
    return [
        ("hadamard", plots.hadamard_figure(s)),
        ("block matrix", plots.block_matrix(ex.params, "f")),
        ("trace heatmaps", plots.trace_heatmaps(rows)),
    ]


@pytest.mark.parametrize(("name", "fig"), _figures())
def test_figures_carry_explicit_colour_stops(name: str, fig: object) -> None:
    known = {json.dumps(s) for s in (plots.GATE_SCALE, plots.UNIT_SCALE, plots.CELL_SCALE)}
    scales = [t["colorscale"] for t in json.loads(fig.to_json())["data"] if "colorscale" in t]  # type: ignore[attr-defined]
    assert scales, name
    for scale in scales:
        # a bare name would reach plotly.js, whose RdBu is reversed and which has no PuOr
        assert isinstance(scale, list), (name, scale)
        assert json.dumps([tuple(stop) for stop in scale]) in known, (name, scale)


def test_tables_and_figures_agree_on_positive_and_negative() -> None:
    top, bottom = plots.UNIT_SCALE[-1][1], plots.UNIT_SCALE[0][1]
    W = np.zeros((3, 6))
    W[0, 0], W[0, 1] = 1.0, -1.0  # the ends of the table's scale [−1, 1]
    p = load_preset("zeros").params.replace(W_f=W)
    cells = re.findall(r"<td [^>]*background:(rgb\([^)]*\))", tables.block_table(p, "f"))
    assert cells[0].replace(" ", "") == top  # blue: +1
    assert cells[1].replace(" ", "") == bottom  # red: −1
    assert top == "rgb(5,48,97)" and bottom == "rgb(103,0,31)"
