"""Hypothesis: for any finite inputs, the forward pass keeps its invariants.

Entries are drawn from ±1e150, so every product in W·v is at most 1e300 and the
sums of up to 17 of them stay finite: the invariants then hold for every float
in that range, from subnormals to magnitudes that saturate every gate. Beyond
that W·v itself can overflow to ±inf (see ``test_run_is_silent_when_w_v_overflows``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lstm_core import CONCAT_ORDERS, GATES, LSTMParams, run, step

FAST = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SIZES = st.integers(min_value=1, max_value=8)
WIDE = st.floats(-1e150, 1e150, allow_nan=False, allow_infinity=False)
MODERATE = st.floats(-4.0, 4.0, allow_nan=False, allow_infinity=False)
FIELDS_N = [
    "h_prev",
    "c_prev",
    "z_f",
    "z_i",
    "z_c",
    "z_o",
    "f",
    "i",
    "c_tilde",
    "o",
    "forget_term",
    "input_term",
    "c",
    "tanh_c",
    "h",
]


@st.composite
def cells(draw: Callable[..., Any], elements: st.SearchStrategy[float]) -> LSTMParams:
    m, n = draw(SIZES), draw(SIZES)
    order = draw(st.sampled_from(CONCAT_ORDERS))
    kw: dict[str, Any] = {}
    for g in GATES:
        kw[g.W] = draw(arrays(np.float64, (n, n + m), elements=elements))
        kw[g.b] = draw(arrays(np.float64, (n,), elements=elements))
    return LSTMParams(**kw, concat_order=order)


@st.composite
def cell_and_step_inputs(
    draw: Callable[..., Any], elements: st.SearchStrategy[float]
) -> tuple[LSTMParams, np.ndarray, np.ndarray, np.ndarray]:
    p = draw(cells(elements))
    m, n = p.n_input, p.n_hidden
    x = draw(arrays(np.float64, (m,), elements=elements))
    h = draw(arrays(np.float64, (n,), elements=elements))
    c = draw(arrays(np.float64, (n,), elements=elements))
    return p, x, h, c


@st.composite
def cell_and_sequence(
    draw: Callable[..., Any], elements: st.SearchStrategy[float], max_T: int = 6
) -> tuple[LSTMParams, np.ndarray, np.ndarray, np.ndarray]:
    p = draw(cells(elements))
    m, n = p.n_input, p.n_hidden
    T = draw(st.integers(1, max_T))
    xs = draw(arrays(np.float64, (T, m), elements=elements))
    h0 = draw(arrays(np.float64, (n,), elements=elements))
    c0 = draw(arrays(np.float64, (n,), elements=elements))
    return p, xs, h0, c0


def check_step_invariants(p: LSTMParams, s: Any, dtype: type[np.floating]) -> None:
    m, n = p.n_input, p.n_hidden
    assert s.x.shape == (m,)
    assert s.concat.shape == (n + m,)
    for name in FIELDS_N:
        a = getattr(s, name)
        assert a.shape == (n,), name
        assert a.dtype == np.dtype(dtype), name
        assert not np.any(np.isnan(a)), name
    for name in ("f", "i", "o"):
        a = getattr(s, name)
        assert np.all((a >= 0.0) & (a <= 1.0)), (name, a)
    for name in ("c_tilde", "tanh_c", "h"):
        a = getattr(s, name)
        assert np.all((a >= -1.0) & (a <= 1.0)), (name, a)
    # the cell-state update, exactly as the equations write it
    np.testing.assert_array_equal(s.c, s.forget_term + s.input_term)
    np.testing.assert_array_equal(s.forget_term, s.f * s.c_prev)
    np.testing.assert_array_equal(s.input_term, s.i * s.c_tilde)
    np.testing.assert_array_equal(s.h, s.o * s.tanh_c)
    assert np.all(np.isfinite(s.c))
    # v is the concatenation in the cell's order
    first, second = (s.h_prev, s.x) if p.concat_order == "h_first" else (s.x, s.h_prev)
    np.testing.assert_array_equal(s.concat, np.concatenate([first, second]))


@FAST
@given(cell_and_step_inputs(WIDE))
def test_step_invariants_for_any_finite_inputs(
    case: tuple[LSTMParams, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    p, x, h, c = case
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = step(p, x, h, c)
    check_step_invariants(p, s, np.float64)
    np.testing.assert_array_equal(s.x, x)
    np.testing.assert_array_equal(s.c_prev, c)


@FAST
@given(cell_and_step_inputs(st.floats(-(2.0**49), 2.0**49, allow_nan=False, width=32)))
def test_step_invariants_in_float32(
    case: tuple[LSTMParams, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """In float32 (entries up to 2^49 ≈ 5.6e14, so |W·v| < 1e31) every field stays float32."""
    p, x, h, c = case
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = step(p, x, h, c, dtype=np.float32)
    check_step_invariants(p, s, np.float32)
    assert s.x.dtype == s.concat.dtype == np.float32


@FAST
@given(cell_and_step_inputs(MODERATE))
def test_pre_activations_are_w_v_plus_b(
    case: tuple[LSTMParams, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    p, x, h, c = case
    s = step(p, x, h, c)
    for g in GATES:
        np.testing.assert_allclose(s.z(g.key), p.W(g.key) @ s.concat + p.b(g.key), atol=1e-12)
        np.testing.assert_array_equal(s.gate(g.key), g.activation.fn(s.z(g.key)))


@FAST
@given(cell_and_sequence(MODERATE))
def test_run_agrees_with_repeated_step(
    case: tuple[LSTMParams, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    p, xs, h0, c0 = case
    T, n, m = xs.shape[0], p.n_hidden, p.n_input
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = run(p, xs, h0, c0)
    assert len(trace) == T
    np.testing.assert_array_equal(trace[0].h_prev, h0)
    np.testing.assert_array_equal(trace[0].c_prev, c0)
    assert trace.x.shape == (T, m) and trace.concat.shape == (T, n + m)
    h, c = h0, c0
    for t in range(T):
        s = step(p, xs[t], h, c)
        st_ = trace[t]
        for name in ["x", "concat", *FIELDS_N]:
            assert getattr(trace, name).shape[0] == T, name
            np.testing.assert_allclose(
                getattr(st_, name), getattr(s, name), rtol=1e-12, atol=1e-12, err_msg=name
            )
            np.testing.assert_array_equal(getattr(st_, name), getattr(trace, name)[t])
        if t > 0:
            np.testing.assert_array_equal(st_.h_prev, trace.h[t - 1])
            np.testing.assert_array_equal(st_.c_prev, trace.c[t - 1])
        h, c = s.h, s.c
    np.testing.assert_array_equal(trace.h_last, trace.h[-1])
    np.testing.assert_array_equal(trace.c_last, trace.c[-1])


@FAST
@given(cell_and_sequence(WIDE, max_T=4))
def test_run_invariants_for_any_finite_inputs(
    case: tuple[LSTMParams, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    p, xs, h0, c0 = case
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = run(p, xs, h0, c0)
    for t in range(len(trace)):
        check_step_invariants(p, trace[t], np.float64)


@FAST
@given(cell_and_sequence(MODERATE))
def test_run_in_float32_stays_close_to_float64(
    case: tuple[LSTMParams, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    p, xs, h0, c0 = case
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t32 = run(p, xs, h0, c0, dtype=np.float32)
    t64 = run(p, xs, h0, c0)
    for name in ["x", "concat", *FIELDS_N]:
        assert getattr(t32, name).dtype == np.float32, name
    for t in range(len(t32)):
        check_step_invariants(p, t32[t], np.float32)
    np.testing.assert_allclose(t32.h, t64.h, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(t32.c, t64.c, rtol=1e-4, atol=1e-4)


@FAST
@given(cell_and_step_inputs(MODERATE))
def test_concat_order_does_not_change_the_cell(
    case: tuple[LSTMParams, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    p, x, h, c = case
    other = "x_first" if p.concat_order == "h_first" else "h_first"
    a, b = step(p, x, h, c), step(p.with_concat_order(other), x, h, c)  # type: ignore[arg-type]
    for name in FIELDS_N:
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("order", CONCAT_ORDERS)
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_largest_allowed_values_stay_silent(order: Any, sign: float) -> None:
    """At the ±1e150 limit, W·v is ±8e300: huge but finite. σ and tanh still give 0, ±1."""
    big = sign * 1e150
    p = LSTMParams.zeros(2, 2, concat_order=order)
    p = p.replace(**{g.W: np.full((2, 4), big) for g in GATES})
    xs = np.full((3, 2), 1e150)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = run(p, xs, h0=[1e150, 1e150], c0=[1e150, -1e150])
        s = step(p, xs[0], [1e150, 1e150], [1e150, -1e150])
    gate = 1.0 if sign > 0 else 0.0
    np.testing.assert_array_equal(s.f, [gate, gate])
    np.testing.assert_array_equal(trace.f[0], [gate, gate])
    np.testing.assert_array_equal(trace.c_tilde[0], [sign, sign])
    np.testing.assert_array_equal(trace.c[0], s.c)
    np.testing.assert_array_equal(trace.h[0], s.h)
    for t in range(len(trace)):
        check_step_invariants(p, trace[t], np.float64)


@pytest.mark.parametrize("where", ["W_f", "x"])
def test_values_that_could_overflow_are_refused_by_name(where: str) -> None:
    """Beyond ±1e150 a product W·v could overflow to inf, so the value is refused."""
    p = LSTMParams.zeros(2, 2)
    with pytest.raises(ValueError, match=r"within ±1e\+150"):
        if where == "W_f":
            p.replace(W_f=np.full((2, 4), 1e200))
        else:
            run(p, np.full((3, 2), 1e200))
