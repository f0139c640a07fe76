"""The Sequence, Gradient flow and Trained example pages through AppTest, on the real
entry point (app.py, via the ``app_test`` fixture of tests/conftest.py), with the numbers
on the page checked against lstm_core."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from lstm_core import backward, run
from lstm_core.params import LSTMParams
from lstm_core.presets import load_preset
from lstm_core.rnn import RNNParams, rnn_last_step_grads, rnn_run
from lstm_core.sequences import generate, readout_over_time, shift_forget_bias, sign_target
from lstm_core.train import load_trained, memory_unit
from ui import sequence
from ui.sequence import DEFAULT_LENGTH, PLAY_INTERVAL
from ui.stepview import STEP_COLUMNS

SEQ, GRAD, TRAINED = "views/sequence.py", "views/gradient_flow.py", "views/trained.py"
EMPTY_EDIT = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}


def no_exception(at: Any) -> None:
    assert not at.exception, [e.value for e in at.exception]


def open_page(app_test: Any, page: str, preset: str = "random") -> Any:
    at = app_test({"preset": preset})
    at.switch_page(page).run()
    no_exception(at)
    return at


def numbers_table(at: Any) -> pd.DataFrame:
    """The step's 'All values at t' table (one row per unit)."""
    for df in at.dataframe:
        if df.editing_mode == "read_only" and "fₜ" in df.value.columns:
            return df.value
    raise AssertionError("no table of the selected step's values on the page")


def assert_table_is_step(table: pd.DataFrame, s: Any) -> None:
    for field, label in STEP_COLUMNS:
        np.testing.assert_allclose(table[label].to_numpy(float), getattr(s, field), rtol=1e-12)


def errors(at: Any) -> list[str]:
    return [e.value for e in at.error]


# -- Sequence ------------------------------------------------------------------------------
def test_scrubber_selects_the_traces_step(app_test: Any) -> None:
    at = open_page(app_test, SEQ)
    ex = load_preset("random")
    xs = generate("sine", DEFAULT_LENGTH, ex.params.n_input)
    trace = run(ex.params, xs, np.zeros(3), np.zeros(3))
    assert at.slider(key="seq:scrub").value == 0
    assert_table_is_step(numbers_table(at), trace[0])
    for t in (7, DEFAULT_LENGTH - 1):
        at.slider(key="seq:scrub").set_value(t).run()
        no_exception(at)
        assert_table_is_step(numbers_table(at), trace[t])
        heading = [m.value for m in at.markdown if m.value.startswith("#### Step t")]
        x_text = ", ".join(f"{v:.4g}" for v in xs[t])
        assert heading == [f"#### Step t = {t} in detail: $x_t$ = [{x_text}]"]
    at.button(key="seq:prev").click().run()
    assert at.slider(key="seq:scrub").value == DEFAULT_LENGTH - 2
    assert_table_is_step(numbers_table(at), trace[DEFAULT_LENGTH - 2])


def test_bad_cell_names_row_and_column_and_keeps_the_last_valid_sequence(app_test: Any) -> None:
    at = open_page(app_test, SEQ)
    p = load_preset("random").params
    xs = generate("sine", DEFAULT_LENGTH, 3)
    at.slider(key="seq:scrub").set_value(3).run()
    before = numbers_table(at)

    at.session_state["seq:xs:0"] = {**EMPTY_EDIT, "edited_rows": {3: {"x[1]": "abc"}}}
    at.run()
    no_exception(at)
    (msg,) = errors(at)
    assert "Row t=3, column x[1]: `abc` is not a number" in msg
    assert "Still using the last valid sequence (24 steps)" in msg
    np.testing.assert_array_equal(at.session_state["seq:data"].xs, xs)
    pd.testing.assert_frame_equal(numbers_table(at), before)

    at.session_state["seq:xs:0"] = {**EMPTY_EDIT, "edited_rows": {5: {"x[0]": "NaN"}}}
    at.run()
    assert any("Row t=5, column x[0]: `NaN` is not a number" in e for e in errors(at))
    np.testing.assert_array_equal(at.session_state["seq:data"].xs, xs)

    # a valid fraction is taken, and the step shown follows it
    at.session_state["seq:xs:0"] = {**EMPTY_EDIT, "edited_rows": {3: {"x[1]": "-1/4"}}}
    at.run()
    assert errors(at) == []
    edited = xs.copy()
    edited[3, 1] = -0.25
    np.testing.assert_array_equal(at.session_state["seq:data"].xs, edited)
    assert_table_is_step(numbers_table(at), run(p, edited)[3])


def test_length_is_clamped_to_1_to_64(app_test: Any) -> None:
    at = open_page(app_test, SEQ)
    xs = generate("sine", DEFAULT_LENGTH, 3)
    extra = [{"x[0]": "0", "x[1]": "0", "x[2]": "0"}] * (65 - DEFAULT_LENGTH)
    extra[-1] = {"x[0]": "9", "x[1]": "9", "x[2]": "9"}  # row 65: cut off
    at.session_state["seq:xs:0"] = {**EMPTY_EDIT, "added_rows": extra}
    at.run()
    no_exception(at)
    assert [w.value for w in at.warning] == [
        "The table has 65 rows; only the first 64 steps are used."
    ]
    assert errors(at) == []
    clamped = np.vstack([xs, np.zeros((64 - DEFAULT_LENGTH, 3))])
    np.testing.assert_array_equal(at.session_state["seq:data"].xs, clamped)
    assert at.slider(key="seq:scrub").max == 63

    at.session_state["seq:xs:0"] = {**EMPTY_EDIT, "deleted_rows": list(range(DEFAULT_LENGTH))}
    at.run()
    assert any("no rows: it needs at least 1 step" in e for e in errors(at))
    np.testing.assert_array_equal(at.session_state["seq:data"].xs, clamped)  # last valid

    at.session_state["seq:xs:0"] = {**EMPTY_EDIT, "deleted_rows": list(range(1, DEFAULT_LENGTH))}
    at.run()
    no_exception(at)
    assert errors(at) == []
    assert at.session_state["seq:data"].xs.shape == (1, 3)
    assert not at.slider  # one step: no scrubber
    assert_table_is_step(numbers_table(at), run(load_preset("random").params, xs[:1])[0])


def test_generators_and_initial_states(app_test: Any) -> None:
    at = open_page(app_test, SEQ)
    p = load_preset("random").params
    at.selectbox(key="seq:gen:kind").set_value("step").run()
    at.number_input(key="seq:gen:T").set_value(10)
    at.number_input(key="seq:gen:value").set_value(2.0)
    at.number_input(key="seq:gen:at").set_value(6)
    at.button(key="seq:gen:go").click().run()
    no_exception(at)
    xs = generate("step", 10, 3, value=2.0, at=6)
    np.testing.assert_array_equal(at.session_state["seq:data"].xs, xs)
    assert at.slider(key="seq:scrub").max == 9

    at.session_state["seq:init:1"] = {
        **EMPTY_EDIT,
        "edited_rows": {0: {"[1]": "0.5"}, 1: {"[0]": "-2", "[2]": "3/4"}},
    }
    at.run()
    no_exception(at)
    h0, c0 = np.array([0, 0.5, 0]), np.array([-2, 0, 0.75])
    table = numbers_table(at)
    np.testing.assert_array_equal(table["Cₜ₋₁"].to_numpy(float), c0)
    assert_table_is_step(table, run(p, xs, h0, c0)[0])

    at.session_state["seq:init:1"] = {**EMPTY_EDIT, "edited_rows": {1: {"[1]": "one"}}}
    at.run()
    assert any("Row C₀, column [1]: `one` is not a number" in e for e in errors(at))
    assert_table_is_step(numbers_table(at), run(p, xs, h0, c0)[0])

    at.selectbox(key="seq:gen:kind").set_value("memory").run()
    at.number_input(key="seq:gen:T").set_value(12)
    at.number_input(key="seq:gen:seed").set_value(4)
    at.button(key="seq:gen:go").click().run()
    no_exception(at)
    np.testing.assert_array_equal(
        at.session_state["seq:data"].xs, generate("memory", 12, 3, seed=4)
    )


class ManualClock:
    """Play's clock, moved by the test instead of by time passing."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def play_clock(monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    clock = ManualClock()
    monkeypatch.setattr(sequence, "clock", clock)
    return clock


def test_play_advances_and_pause_stops(app_test: Any, play_clock: ManualClock) -> None:
    at = open_page(app_test, SEQ)
    at.slider(key="seq:scrub").set_value(DEFAULT_LENGTH - 3).run()
    at.button(key="seq:play_button").click().run()
    assert at.button(key="seq:pause").label == "Pause"
    assert not at.slider  # while playing, a progress bar stands in for the scrubber
    play_clock.advance(0.4 * PLAY_INTERVAL)
    at.run()
    assert at.session_state["seq:t"] == DEFAULT_LENGTH - 3, "moved on before its time"
    seen = []
    for _ in range(4):
        play_clock.advance(PLAY_INTERVAL)
        at.run()
        no_exception(at)
        seen.append(at.session_state["seq:t"])
    assert seen[0] == DEFAULT_LENGTH - 2
    assert seen[-1] == DEFAULT_LENGTH - 1  # stopped at the end ...
    assert at.button(key="seq:play_button").label == "Play"  # ... and paused itself
    assert at.slider(key="seq:scrub").value == DEFAULT_LENGTH - 1
    ex = load_preset("random")
    trace = run(ex.params, generate("sine", DEFAULT_LENGTH, 3))
    assert_table_is_step(numbers_table(at), trace[DEFAULT_LENGTH - 1])
    at.button(key="seq:play_button").click().run()  # Play at the end starts again from 0
    assert at.session_state["seq:t"] == 0
    play_clock.advance(PLAY_INTERVAL)
    at.run()
    assert at.session_state["seq:t"] == 1
    at.button(key="seq:pause").click().run()
    assert at.button(key="seq:play_button").label == "Play"
    play_clock.advance(PLAY_INTERVAL)
    at.run()
    assert at.slider(key="seq:scrub").value == 1
    assert_table_is_step(numbers_table(at), trace[1])


# -- Gradient flow ---------------------------------------------------------------------------
def grad_table(at: Any) -> pd.DataFrame:
    for df in at.dataframe:
        if "‖∂L/∂Cₜ‖" in df.value.columns:
            return df.value
    raise AssertionError("no table of gradient norms on the page")


def as_floats(col: pd.Series) -> np.ndarray:
    return np.array([float(v.split()[0]) for v in col])


def expected_norms(p: LSTMParams, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    trace = run(p, xs)
    dh = np.zeros((len(xs), p.n_hidden))
    dh[-1] = 1.0
    g = backward(p, trace, dh)
    rnn = RNNParams.from_lstm(p)
    rg = rnn_last_step_grads(rnn, rnn_run(rnn, xs))
    return (
        np.linalg.norm(g.dc, axis=1),
        np.linalg.norm(g.dh, axis=1),
        np.linalg.norm(rg.dh, axis=1),
    )


def test_gradient_norms_match_backward(app_test: Any) -> None:
    at = open_page(app_test, GRAD)
    xs = generate("sine", DEFAULT_LENGTH, 3)
    for shift in (0.0, 6.0):
        if shift:
            at.slider(key="grad:shift").set_value(shift).run()
            no_exception(at)
        p = shift_forget_bias(LSTMParams.random(3, 3, seed=0), shift)
        dc, dh, rnn = expected_norms(p, xs)
        table = grad_table(at)
        np.testing.assert_allclose(as_floats(table["‖∂L/∂Cₜ‖"]), dc, rtol=1e-4)
        np.testing.assert_allclose(as_floats(table["‖∂L/∂hₜ‖"]), dh, rtol=1e-4)
        np.testing.assert_allclose(as_floats(table["RNN ‖∂L/∂hₜ‖"]), rnn, rtol=1e-4)
    # with f ≈ 1 the LSTM's gradient survives 24 steps, the RNN's does not
    assert dc[0] > 1e-2 * dc[-1] and rnn[0] < 1e-8 * rnn[-1]
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["LSTM ‖∂L/∂C₀‖"]) == pytest.approx(dc[0], rel=1e-4)


def test_gradient_page_on_the_sidebar_model_shows_no_nan_or_inf(app_test: Any) -> None:
    at = open_page(app_test, GRAD, preset="seed-question")
    at.radio(key="grad:model").set_value("The sidebar's model").run()
    no_exception(at)
    table = grad_table(at)
    text = " ".join(str(v) for v in table.to_numpy().ravel()).lower()
    assert "nan" not in text and "inf" not in text
    # this cell's candidate weights are 0, so the RNN made of them passes nothing back
    assert (table["RNN ‖∂L/∂hₜ‖"].iloc[:-1] == "0 (below 1e-300)").all()
    p = load_preset("seed-question").params
    dc, _, _ = expected_norms(p, generate("sine", DEFAULT_LENGTH, 3))
    np.testing.assert_allclose(as_floats(table["‖∂L/∂Cₜ‖"]), dc, rtol=1e-4)
    at.slider(key="grad:t").set_value(5).run()
    no_exception(at)


# -- Trained example ---------------------------------------------------------------------------
def test_trained_page_steps_through_the_shipped_model(app_test: Any) -> None:
    at = open_page(app_test, TRAINED)
    model = load_trained()
    xs = generate("memory", model.task.T, 2)
    trace = model.run(xs)
    prob = readout_over_time(model.readout.w, model.readout.b, trace)
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["prediction ŷ at the last step"]) == pytest.approx(prob[-1], abs=1e-3)
    assert metrics["target"].startswith(f"{sign_target(xs):g}")
    assert metrics["correct?"] == "yes ✓"
    unit = memory_unit(trace)
    assert any(m.value.startswith(f"**Unit {unit} holds the sign.**") for m in at.markdown)
    at.slider(key="trained:scrub").set_value(5).run()
    no_exception(at)
    assert_table_is_step(numbers_table(at), trace[5])

    at.button(key="trained:flip").click().run()
    no_exception(at)
    flipped = xs.copy()
    flipped[0, 0] *= -1
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["prediction ŷ at the last step"]) == pytest.approx(
        model.predict(flipped), abs=1e-3
    )
    assert metrics["correct?"] == "yes ✓"
    assert at.session_state["trained:t"] == 0


def test_train_live_learns_the_task(app_test: Any) -> None:
    at = open_page(app_test, TRAINED)
    at.button(key="trained:train").click().run(timeout=60)
    no_exception(at)
    assert at.radio(key="trained:which").value == "Trained just now"
    live = at.session_state["trained:live"]
    assert live.config.steps == 200 and live.test_accuracy >= 0.95
    caption = [c.value for c in at.caption if "Trained just now from seed" in c.value]
    assert caption and f"{live.test_accuracy:.1%}" in caption[0]
    at.radio(key="trained:which").set_value("Shipped weights").run()
    no_exception(at)


def test_model_size_change_refits_the_sequence_and_float32_runs(app_test: Any) -> None:
    at = open_page(app_test, SEQ)
    at.slider(key="seq:scrub").set_value(4).run()
    at.selectbox(key="ctl:m").set_value(2).run()
    no_exception(at)
    assert any("now has m=2 inputs" in i.value for i in at.info)
    xs = generate("sine", DEFAULT_LENGTH, 3)[:, :2]
    np.testing.assert_array_equal(at.session_state["seq:data"].xs, xs)
    p = at.session_state["model"].params
    assert p.n_input == 2
    assert_table_is_step(numbers_table(at), run(p, xs)[4])

    at.radio(key="ctl:dtype").set_value("float32").run()
    no_exception(at)
    s32 = run(p, xs, dtype=np.float32)[4]
    table = numbers_table(at)
    for field, label in STEP_COLUMNS:
        np.testing.assert_array_equal(table[label].to_numpy(np.float32), getattr(s32, field))


def test_gradient_log_axis_cannot_make_a_flat_gradient_look_steep(app_test: Any) -> None:
    """Plotly fits a log axis to the data: 0.5–0.9 would fill the whole height."""
    from lstm_core.sequences import log_safe
    from ui.fig_time import MIN_DECADES, gradient_figure

    flat = log_safe(np.linspace(0.5, 0.9, 24))
    fig = gradient_figure([("flat", flat, "black", "solid")], "flat")
    lo, hi = fig.layout.yaxis.range
    assert hi - lo >= MIN_DECADES and lo <= np.log10(0.5) and hi >= np.log10(0.9)
    assert "×10 per gridline" in fig.layout.yaxis.title.text
    at = open_page(app_test, GRAD)  # and the page's own figure has a fixed range too
    ranges = [
        json.loads(c.proto.spec)["layout"]["yaxis"].get("range") for c in at.get("plotly_chart")
    ]
    assert any(r is not None and r[1] - r[0] >= MIN_DECADES for r in ranges), ranges


def test_play_says_what_it_does_and_shows_the_real_pace(
    app_test: Any, play_clock: ManualClock
) -> None:
    at = open_page(app_test, SEQ)
    assert any(f"at most one every {PLAY_INTERVAL:g} s" in c.value for c in at.caption)
    at.button(key="seq:play_button").click().run()
    play_clock.advance(2.5)  # a busy server: 2.5 s per redraw, not 0.8
    at.run()
    no_exception(at)
    bars = [str(p.proto.text) for p in at.get("progress")]
    assert any("t = 1, playing, 2.5 s per step" in b for b in bars), bars


def test_time_left_follows_the_pace() -> None:
    from ui.fmt import time_left

    assert time_left(0, 200, 0.0) == "estimating the time left…"
    assert time_left(50, 200, 5.0) == "about 15 s left"
    assert time_left(200, 200, 18.6) == "almost done"


def test_a_shared_link_carries_the_sequence(app_test: Any) -> None:
    at = open_page(app_test, SEQ)
    at.selectbox(key="seq:gen:kind").set_value("step").run()
    at.number_input(key="seq:gen:T").set_value(10).run()
    at.button(key="seq:gen:go").click().run()
    no_exception(at)
    xs = at.session_state["seq:data"].xs
    assert xs.shape == (10, 3)
    link = dict(at.query_params)
    assert "seq" in link and "seq0" in link
    fresh = app_test(link)  # the link opened in a new session
    fresh.switch_page(SEQ).run()
    no_exception(fresh)
    assert not fresh.warning
    np.testing.assert_array_equal(fresh.session_state["seq:data"].xs, xs)
    bad = app_test(link | {"seq": "1,2;3"})  # a ragged table: named, then the default
    assert any("The sequence in this link could not be read" in w.value for w in bad.warning)


def test_stale_browser_values_never_undo_play_or_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit can deliver a scrubber value or a click again after the page has moved on
    (seen on a busy machine): the slider, absent while playing, must not pause it, and a
    second Play or Pause must leave things as the first left them."""
    ss: dict[str, Any] = {"seq:t": 7, "seq:play": 5.0, "seq:scrub": 2}
    monkeypatch.setattr(sequence.st, "session_state", ss)
    sequence.on_scrub("seq")
    assert ss["seq:t"] == 7 and ss["seq:play"] == 5.0
    sequence.play("seq", DEFAULT_LENGTH)
    assert ss["seq:t"] == 7 and ss["seq:play"] == 5.0
    sequence.pause("seq")
    sequence.pause("seq")
    assert ss["seq:play"] is None and ss["seq:t"] == 7
    sequence.on_scrub("seq")  # paused: the scrubber is drawn, its value is the user's
    assert ss["seq:t"] == 2 and ss["seq:play"] is None
