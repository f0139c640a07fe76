"""The Cell step page's panels follow the stage's gate unless the focus is pinned; the
bias sliders reach far enough to push a gate to either end; the panels are in the link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lstm_core import step
from lstm_core.presets import load_preset
from ui.codec import decode, encode
from ui.stages import STAGES
from ui.view import View


def _row_heading(at: Any) -> str:
    """The heading of the row-by-row table, from '<b>': "Forget gate, row by row</b>: …"."""
    body = next(h.proto.body for h in at.get("html") if ", row by row</b>" in h.proto.body)
    return body[body.index(", row by row</b>") - 20 :].split("<b>")[-1]


def test_the_panel_follows_the_stage_gate(app_test: Callable[..., Any]) -> None:
    at = app_test({"preset": "seed-question"})
    assert at.session_state["view"].focus == "f"
    for k, stage in enumerate(STAGES):
        at.button(key="ctl:stage:next").click().run() if k else None
        assert not at.exception
        focus = at.session_state["view"].focus
        if stage.gates:
            assert focus in stage.gates, (stage.title, focus)
        heading = _row_heading(at)
        assert heading.startswith(stage.title.split()[0]) or not stage.gates, heading
    # stage 5 (output gate): the row-by-row panel and the sidebar name the output gate
    at.radio(key="ctl:stage").set_value(4).run()
    assert _row_heading(at).startswith("Output gate, row by row</b>")
    assert at.sidebar.selectbox(key="ctl:focus").value == "o"
    assert at.query_params["focus"] == "o"


def test_a_pinned_focus_stays(app_test: Callable[..., Any]) -> None:
    at = app_test({"preset": "seed-question"})
    at.sidebar.checkbox(key="ctl:pin").check().run()
    for k in range(1, len(STAGES)):
        at.radio(key="ctl:stage").set_value(k).run()
        assert _row_heading(at).startswith("Forget gate, row by row</b>")
    assert at.query_params["pin"] == "1"
    at.sidebar.checkbox(key="ctl:pin").uncheck().run()
    at.radio(key="ctl:stage").set_value(2).run()
    assert at.session_state["view"].focus == "i"


def test_the_forget_gate_can_be_pushed_to_zero_on_seed_question(
    app_test: Callable[..., Any],
) -> None:
    at = app_test({"preset": "seed-question"})
    at.segmented_control(key="ctl:editgroup").set_value("biases").run()
    for r in range(3):
        bias = at.slider(key=f"sl:b_f:{r}")
        bias.set_value(bias.min).run()
        assert not at.exception
    m = at.session_state["model"]
    f = step(m.params, m.x, m.h_prev, m.c_prev).f
    assert np.all(f < 1e-4), f  # z_f was 92, 177, 136
    assert at.slider(key="sl:b_f:0").max >= 10  # and still reaches the other way


def test_the_panels_are_in_the_link(app_test: Callable[..., Any]) -> None:
    at = app_test({"preset": "seed-question"})
    at.segmented_control(key="ctl:editgroup").set_value("states").run()
    at.segmented_control(key="ctl:view").set_value("hadamard").run()
    _, view, warnings = decode(dict(at.query_params))
    assert (view.edit, view.show, warnings) == ("states", "hadamard", [])
    fresh = app_test(dict(at.query_params))  # the shared link, in a new session
    assert fresh.segmented_control(key="ctl:editgroup").value == "states"
    assert fresh.segmented_control(key="ctl:view").value == "hadamard"
    assert fresh.slider(key="sl:c_prev:0").value == at.slider(key="sl:c_prev:0").value


def test_a_link_s_focus_follows_its_stage_unless_pinned() -> None:
    query = encode(load_preset("seed-question"), View(focus="f", stage=0)) | {"stage": "4"}
    _, view, warnings = decode(query)
    assert (view.stage, view.focus, warnings) == (4, "o", [])
    _, pinned, _ = decode(query | {"pin": "1"})
    assert (pinned.stage, pinned.focus) == (4, "f")


def test_picking_a_gate_moves_a_gate_stage_to_it(app_test: Callable[..., Any]) -> None:
    at = app_test({"preset": "seed-question", "stage": "1"})
    at.sidebar.selectbox(key="ctl:focus").set_value("o").run()
    assert (at.session_state["view"].stage, at.query_params["stage"]) == (4, "4")
    assert _row_heading(at).startswith("Output gate, row by row</b>")
    at.radio(key="ctl:stage").set_value(0).run()  # the concat stage is about no gate
    at.sidebar.selectbox(key="ctl:focus").set_value("i").run()
    assert (at.session_state["view"].stage, at.session_state["view"].focus) == (0, "i")
