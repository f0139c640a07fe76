"""lstm_core.sequences: generators, reading a typed table, log-axis values, and the
LSTM-versus-RNN gradient comparison behind the Gradient flow page."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core import LSTMParams, backward, cell_jacobian, run
from lstm_core.rnn import RNNParams, rnn_backward, rnn_run
from lstm_core.sequences import (
    GENERATORS,
    LOG_FLOOR,
    MAX_STEPS,
    clamp_length,
    fit_width,
    flip_first_sign,
    generate,
    gradient_contrast,
    log_safe,
    parse_table,
    readout_over_time,
    shift_forget_bias,
    sign_target,
)
from lstm_core.train import MemoryTask, load_trained


@pytest.mark.parametrize("kind", GENERATORS)
@pytest.mark.parametrize("T", [1, 7, 64])
def test_generators_have_the_asked_shape_and_are_finite(kind: str, T: int) -> None:
    xs = generate(kind, T, 3, seed=5)
    assert xs.shape == (T, 3)
    assert np.all(np.isfinite(xs))


def test_generator_values() -> None:
    assert np.array_equal(generate("constant", 4, 2, value=-0.5), np.full((4, 2), -0.5))
    step = generate("step", 6, 1, value=2.0, at=3)
    assert step[:, 0].tolist() == [0, 0, 0, 2, 2, 2]
    sine = generate("sine", 8, 2, period=8, decimals=None)
    assert np.allclose(sine[:, 0], np.sin(2 * np.pi * np.arange(8) / 8))
    assert np.allclose(sine[:, 1], np.cos(2 * np.pi * np.arange(8) / 8))
    r1, r2 = generate("random", 5, 2, seed=3), generate("random", 5, 2, seed=3)
    assert np.array_equal(r1, r2) and np.all(np.abs(r1) <= 1.0)
    mem = generate("memory", 20, 2, seed=4, decimals=None)
    assert np.array_equal(mem, MemoryTask(T=20).sequence(4)[0])
    assert generate("memory", 5, 3).shape == (5, 3)  # fitted: third column zeros
    assert np.all(generate("memory", 5, 3)[:, 2] == 0)
    rounded = generate("sine", 8, 1)
    assert np.array_equal(rounded, np.round(rounded, 4))
    with pytest.raises(ValueError, match="unknown generator"):
        generate("sawtooth", 4, 1)


def test_lengths_are_clamped() -> None:
    assert clamp_length(0) == 1
    assert clamp_length(-5) == 1
    assert clamp_length(1000) == MAX_STEPS
    assert clamp_length(float("nan")) == 1
    assert generate("constant", 500, 1).shape == (MAX_STEPS, 1)
    assert generate("constant", 0, 1).shape == (1, 1)


def test_fit_width() -> None:
    a = np.arange(6.0).reshape(3, 2)
    assert fit_width(a, 1).tolist() == [[0], [2], [4]]
    assert fit_width(a, 3).tolist() == [[0, 1, 0], [2, 3, 0], [4, 5, 0]]


def test_parse_table_reads_student_numbers() -> None:
    out = parse_table([["1/2", "-1e-3"], [3, "−2"]], ["x[0]", "x[1]"])
    assert out.tolist() == [[0.5, -0.001], [3.0, -2.0]]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["1", "2"], ["1", "abc"]], r"row t=1, column x\[1\]: `abc` is not a number"),
        ([["nan", "2"]], r"row t=0, column x\[0\]: `nan` is not a number"),
        ([["inf", "2"]], r"row t=0, column x\[0\]: `inf` is not a number"),
        ([["1", None]], r"row t=0, column x\[1\] is empty"),
        ([["1", float("nan")]], r"row t=0, column x\[1\] is empty"),
        ([["1", "1e200"]], r"row t=0, column x\[1\]: 1e\+200 is too large"),
        ([["1", "2", "3"]], r"row t=0 has 3 entries but needs 2"),
        ([], "no rows"),
        ([["1", "2"]] * 65, "65 rows but at most 64"),
    ],
)
def test_parse_table_errors_name_row_and_column(rows: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_table(rows, ["x[0]", "x[1]"])


def test_parse_table_row_names() -> None:
    with pytest.raises(ValueError, match=r"row C0, column \[2\]"):
        parse_table([["0", "0", "0"], ["0", "0", "x"]], ["[0]", "[1]", "[2]"], ["h0", "C0"])


def test_log_safe_never_returns_zero_nan_or_inf() -> None:
    s = log_safe([1.0, 0.0, 1e-320, np.inf, np.nan, 1e301, -2.0])
    assert np.all(np.isfinite(s.y)) and np.all(s.y >= LOG_FLOOR)
    assert s.below.tolist() == [False, True, True, False, False, False, False]
    assert s.above.tolist() == [False, False, False, True, True, True, False]
    assert s.y[0] == 1.0 and s.y[-1] == 2.0


def test_shift_forget_bias_changes_only_b_f() -> None:
    p = LSTMParams.random(2, 3, seed=1)
    q = shift_forget_bias(p, 2.5)
    assert np.allclose(q.b_f, p.b_f + 2.5)
    for name in ("b_i", "b_c", "b_o", "W_f", "W_i", "W_c", "W_o"):
        assert np.array_equal(getattr(q, name), getattr(p, name))


@pytest.mark.parametrize("order", ["h_first", "x_first"])
def test_gradient_contrast_matches_backward(order: str) -> None:
    p = LSTMParams.random(2, 3, seed=4, concat_order=order)  # type: ignore[arg-type]
    xs = generate("random", 15, 2, seed=2)
    h0, c0 = np.array([0.1, -0.2, 0.3]), np.array([0.5, 0.0, -0.5])
    g = gradient_contrast(p, xs, h0, c0)
    trace = run(p, xs, h0, c0)
    dh = np.zeros((15, 3))
    dh[-1] = 1.0
    grads = backward(p, trace, dh)
    assert np.allclose(g.lstm_dc, np.linalg.norm(grads.dc, axis=1), rtol=1e-12)
    assert np.allclose(g.lstm_dh, np.linalg.norm(grads.dh, axis=1), rtol=1e-12)
    F = np.asarray(trace.f)
    direct = [np.linalg.norm(grads.dc[-1] * np.prod(F[t + 1 :], axis=0)) for t in range(15)]
    assert np.allclose(g.lstm_dc_direct, direct, rtol=1e-12)
    rnn = RNNParams.from_lstm(p)
    rg = rnn_backward(rnn, rnn_run(rnn, xs, h0), dh)
    assert np.allclose(g.rnn_dh, np.linalg.norm(rg.dh, axis=1), rtol=1e-12)
    assert np.allclose(g.mean_f, F.mean(axis=1))


def test_forget_bias_keeps_the_lstm_gradient_alive_while_the_rnn_vanishes() -> None:
    p = LSTMParams.random(3, 3, seed=0)
    xs = generate("random", 40, 3, seed=1)
    low = gradient_contrast(p, xs)
    high = gradient_contrast(shift_forget_bias(p, 6.0), xs)
    assert high.mean_f.mean() > 0.99
    assert high.lstm_dc[0] > 1e-2 * high.lstm_dc[-1]  # alive 40 steps back
    assert low.lstm_dc[0] < 1e-6 * low.lstm_dc[-1]
    assert high.rnn_dh[0] < 1e-10 * high.rnn_dh[-1]  # the RNN's has vanished
    assert np.array_equal(low.rnn_dh, high.rnn_dh)  # b_f is not part of the RNN


def test_cell_jacobian_is_diag_f_plus_the_path_through_h() -> None:
    p = LSTMParams.random(2, 3, seed=7)
    trace = run(p, generate("random", 6, 2, seed=1))
    J = cell_jacobian(p, trace, 3)
    direct, total = J.direct, J.total
    assert np.array_equal(direct, np.diag(trace.f[3]))
    assert not np.allclose(total, direct)  # the honest part: extra terms exist
    # zero recurrent weights: no path through h, so the two agree exactly
    zero_h = {f"W_{k}": np.hstack([np.zeros((3, 3)), p.split(k)[1]]) for k in "fico"}
    q = p.replace(**zero_h)
    tq = run(q, generate("random", 6, 2, seed=1))
    Jq = cell_jacobian(q, tq, 3)
    assert np.array_equal(Jq.direct, Jq.total) and not Jq.through_h.any()


def test_readout_over_time_ends_at_the_prediction() -> None:
    model = load_trained()
    xs = generate("memory", 20, 2, seed=3, decimals=None)
    trace = model.run(xs)
    prob = readout_over_time(model.readout.w, model.readout.b, trace)
    assert prob.shape == (20,)
    assert prob[-1] == pytest.approx(model.predict(xs), rel=1e-12)
    assert np.all((prob >= 0) & (prob <= 1))


def test_sign_target_and_flip() -> None:
    xs = np.array([[0.7, 1.0], [0.2, 0.0]])
    assert sign_target(xs) == 1.0
    flipped = flip_first_sign(xs)
    assert sign_target(flipped) == 0.0 and flipped[0, 0] == -0.7 and xs[0, 0] == 0.7
    assert sign_target(np.zeros((2, 2))) is None
