"""The core functions that replace math the UI used to write itself: the cell update, the
saturation summary, both paths of the one-step Jacobian, the log floor; and the one
random initialisation that training shares with LSTMParams.random."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lstm_core
from lstm_core import (
    ACTIVATIONS,
    GATES,
    LOG_FLOOR,
    LSTMParams,
    cell_jacobian,
    cell_update,
    run,
    saturation,
    saturation_of,
    step,
)
from lstm_core.sequences import generate, log_safe
from lstm_core.teaching import sample_cell
from lstm_core.train import MemoryTask, TrainConfig, init_params

UNIT = st.floats(0.0, 1.0)
VALUE = st.floats(-1e6, 1e6, allow_nan=False)


FOUR_VECTORS = st.integers(1, 6).flatmap(
    lambda n: st.tuples(*(arrays(np.float64, n, elements=e) for e in (UNIT, UNIT, VALUE, VALUE)))
)


@settings(max_examples=50, deadline=None)
@given(FOUR_VECTORS)
def test_cell_update_is_the_sum_of_its_two_terms(args: tuple[np.ndarray, ...]) -> None:
    f, i, c_tilde, c_prev = args
    u = cell_update(f, i, c_tilde, c_prev)
    np.testing.assert_array_equal(u.forget_term, f * c_prev)
    np.testing.assert_array_equal(u.input_term, i * c_tilde)
    np.testing.assert_array_equal(u.c, f * c_prev + i * c_tilde)


def test_cell_update_is_what_step_computes_in_both_dtypes() -> None:
    p = LSTMParams.random(3, 4, seed=2)
    for dtype in (np.float64, np.float32):
        s = step(p, [0.5, -1, 2], [0.1, 0.2, 0.3, 0.4], [1, -1, 0.5, 2], dtype=dtype)
        u = cell_update(s.f, s.i, s.c_tilde, s.c_prev)
        assert u.c.dtype == dtype
        for name in ("forget_term", "input_term", "c"):
            np.testing.assert_array_equal(getattr(u, name), getattr(s, name), name)


def test_cell_update_takes_plain_lists_and_sampled_masks() -> None:
    u = cell_update([1, 0], [0, 1], [5.0, 7.0], [2.0, 3.0])  # keep unit 0, overwrite unit 1
    assert u.c.tolist() == [2.0, 7.0] and u.c.dtype == np.float64
    draw = sample_cell([1, 0], [0, 1], [5.0, 7.0], [2.0, 3.0], np.random.default_rng(0))
    assert draw.c.tolist() == [2.0, 7.0]


@pytest.mark.parametrize("gate", GATES, ids=lambda g: g.key)
def test_saturation_of_summarises_what_saturation_marks(gate: lstm_core.Gate) -> None:
    z = np.array([-40.0, -6.5, -1.0, 0.0, 2.5, 3.5, 7.0, 800.0])
    act = ACTIVATIONS[gate.activation_name]
    for threshold in (0.01, 0.1, 0.5):
        s = saturation_of(z, gate.activation_name, threshold)
        np.testing.assert_array_equal(s.slope, act.grad(z))
        np.testing.assert_array_equal(s.saturated, saturation(z, gate.activation_name, threshold))
        assert s.count == int(np.sum(act.grad(z) < threshold * act.grad_max))
        assert s.z_limit == act.saturation_z(threshold)
        # a unit is saturated exactly when |z| lies beyond the limit
        assert np.array_equal(s.saturated, np.abs(z) > s.z_limit)
    with pytest.raises(ValueError, match="threshold"):
        saturation_of(z, gate.activation_name, 1.5)


def test_saturation_of_defaults_and_bad_activation() -> None:
    s = saturation_of([0.0, 10.0])
    assert s.saturated.tolist() == [False, True] and s.count == 1
    assert s.z_limit == pytest.approx(5.9864, abs=1e-4)
    with pytest.raises(ValueError, match="'sigmoid' or 'tanh'"):
        saturation_of([0.0], "relu")  # type: ignore[arg-type]


def test_cell_jacobian_splits_the_two_paths() -> None:
    p = LSTMParams.random(2, 3, seed=7)
    trace = run(p, generate("random", 6, 2, seed=1))
    for t in range(1, 6):
        J = cell_jacobian(p, trace, t)
        np.testing.assert_array_equal(J.direct, np.diag(trace.f[t]))
        np.testing.assert_array_equal(J.total, J.direct + J.through_h)
        assert np.max(np.abs(J.through_h)) > 1e-3
    assert not cell_jacobian(p, trace, 0).through_h.any()  # h0 is an input, not a path


def test_log_floor_is_public_and_above_the_subnormals() -> None:
    assert lstm_core.LOG_FLOOR == LOG_FLOOR == 1e-300
    assert LOG_FLOOR > np.finfo(np.float64).smallest_normal
    safe = log_safe([0.0, 1e-320, 1e-5])
    assert safe.y.tolist() == [LOG_FLOOR, LOG_FLOOR, 1e-5]
    assert safe.below.tolist() == [True, True, False]


@pytest.mark.parametrize("order", ["h_first", "x_first"])
def test_training_starts_from_lstm_params_random(order: str) -> None:
    config = TrainConfig(seed=3, n_hidden=5, concat_order=order)  # type: ignore[arg-type]
    params, readout = init_params(MemoryTask(), config)
    rng = np.random.default_rng(np.random.SeedSequence(3).spawn(4)[0])  # the "init" stream
    ref = LSTMParams.random(2, 5, seed=rng, concat_order=order)  # type: ignore[arg-type]
    for g in GATES:
        np.testing.assert_array_equal(params.W(g.key), ref.W(g.key))
        shift = config.forget_bias if g.key == "f" else 0.0
        np.testing.assert_array_equal(params.b(g.key), ref.b(g.key) + shift)
    s = 1 / np.sqrt(5)
    np.testing.assert_array_equal(readout.w, rng.uniform(-s, s, 5))  # next on the same stream
