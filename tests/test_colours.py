"""One colour means one value everywhere: figures and HTML tables share explicit scales."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lstm_core import LSTMParams, run, step
from lstm_core.presets import load_preset
from ui import colours, fig_step, fig_time, tables


def _figures() -> list[tuple[str, object]]:
    ex = load_preset("seed-question")
    s = step(ex.params, ex.x, ex.h_prev, ex.c_prev)
    tr = run(ex.params, np.random.default_rng(0).normal(size=(6, ex.params.n_input)))
    rows = [(name, name, getattr(tr, name)) for name in ("f", "c_tilde", "c", "h")]
    return [
        ("hadamard", fig_step.hadamard_figure(s)),
        ("block matrix", fig_step.block_matrix(ex.params, "f")),
        ("trace heatmaps", fig_time.trace_heatmaps(rows)),
    ]


@pytest.mark.parametrize(("name", "fig"), _figures())
def test_figures_carry_explicit_colour_stops(name: str, fig: object) -> None:
    known = {json.dumps(s) for s in (colours.GATE_SCALE, colours.UNIT_SCALE, colours.CELL_SCALE)}
    scales = [t["colorscale"] for t in json.loads(fig.to_json())["data"] if "colorscale" in t]  # type: ignore[attr-defined]
    assert scales, name
    for scale in scales:
        # a bare name would reach plotly.js, whose RdBu is reversed and which has no PuOr
        assert isinstance(scale, list), (name, scale)
        assert json.dumps([tuple(stop) for stop in scale]) in known, (name, scale)


def test_tables_and_figures_agree_on_positive_and_negative() -> None:
    top, bottom = colours.UNIT_SCALE[-1][1], colours.UNIT_SCALE[0][1]
    assert top == "rgb(5,48,97)" and bottom == "rgb(103,0,31)"
    # a weight table with one +1 and one −1 colours them with the figures' ends
    p = LSTMParams.zeros(1, 1).replace(W_f=[[1.0, -1.0]])
    html = tables.block_table(p, "f").replace(" ", "")
    assert f"background:{top};color:white" in html  # blue: +1
    assert f"background:{bottom};color:white" in html  # red: −1


def test_cached_figures_are_the_same_figure_and_a_fresh_copy_each_time() -> None:
    from ui import fig_slopes

    first = fig_slopes.rounding_figure()
    first.update_layout(height=999)  # a caller (presentation mode) changes its copy
    again = fig_slopes.rounding_figure()
    assert again.layout.height != 999
    assert json.loads(again.to_json()) == json.loads(fig_slopes.rounding_figure().to_json())
    marked = fig_slopes.activation_panels({"sigmoid": np.array([0.0, 40.0]), "tanh": np.array([])})
    extra = marked.data[len(fig_slopes.activation_panels().data) :]
    assert len(extra) == 1 and list(extra[0].x) == [0.0, 8.0]  # beyond ±8: at the edge
    assert list(extra[0].y) == pytest.approx([0.25, 0.0], abs=1e-16)


def _sent_spec(fig: object) -> object:
    """The JSON spec st.plotly_chart would send for ``fig`` (its own two calls)."""
    import plotly.io as pio
    import plotly.tools

    figure = plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True)
    return json.loads(pio.to_json(figure, validate=False))


def test_a_plain_figure_reaches_streamlit_as_the_same_figure() -> None:
    """``show.plotly_chart`` hands a ``Plain`` figure over without building a go.Figure;
    Streamlit must still send exactly what it sends for the go.Figure of those dicts
    (arrays as base64 included)."""
    from ui import fig_shapes, show

    model = load_preset("random")
    values = np.linspace(-1, 1, 12)[:, None] * np.ones(model.params.n_hidden)  # (T, n)
    figures = [
        fig_time.readout_figure(np.linspace(0.1, 0.9, 12), 1.0, t_mark=3),
        fig_time.jacobian_figure(0.5 * np.eye(3), np.full((3, 3), 0.25), 4),
        fig_shapes.shape_claim_figure(model.params),
        fig_time.trace_heatmaps([("f", "f_t", values), ("c", "C_t", 3 * values)], 4, 1),
    ]
    handed: list[object] = []

    class Where:  # stands in for st or a column
        @staticmethod
        def plotly_chart(fig: object, **_: object) -> None:
            handed.append(fig)

    for plain in figures:
        show.plotly_chart(Where, plain)
        assert _sent_spec(handed[-1]) == _sent_spec(plain.figure())
