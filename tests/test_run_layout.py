"""run() beyond the hypothesis properties' n ≤ 8, through public behaviour only.

n=5 and n=256 (the benchmark's largest size, where W^h is 2 MiB) in both concatenation
orders and both dtypes, with the weights run() keeps on the params between calls.
"""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core import LSTMParams, run, step

SIZES = [(4, 5), (3, 256)]


@pytest.mark.parametrize(("m", "n"), SIZES)
@pytest.mark.parametrize("order", ["h_first", "x_first"])
def test_run_matches_step_by_step(m: int, n: int, order: str) -> None:
    p = LSTMParams.random(m, n, seed=7, concat_order=order)  # type: ignore[arg-type]
    rng = np.random.default_rng(3)
    xs, h0, c0 = rng.normal(size=(5, m)), rng.normal(size=n), rng.normal(size=n)
    trace = run(p, xs, h0, c0)
    h, c = h0, c0
    for t in range(len(trace)):
        s = step(p, xs[t], h, c)
        for name, want in s.as_dict().items():
            np.testing.assert_allclose(
                getattr(trace[t], name), want, rtol=1e-12, atol=1e-12, err_msg=name
            )
        h, c = s.h, s.c


@pytest.mark.parametrize(("m", "n"), SIZES)
def test_repeated_runs_are_identical(m: int, n: int) -> None:
    """The weights run() keeps on the params after the first call change nothing: run after
    run, and against fresh params, bit for bit."""
    p = LSTMParams.random(m, n, seed=2)
    rng = np.random.default_rng(4)
    for T in (3, 4):
        xs = rng.normal(size=(T, m))
        first, second = run(p, xs), run(p, xs)
        fresh = run(LSTMParams.random(m, n, seed=2), xs)
        for name in ("z_f", "z_i", "z_c", "z_o", "f", "i", "c_tilde", "o", "c", "h"):
            np.testing.assert_array_equal(getattr(first, name), getattr(second, name), name)
            np.testing.assert_array_equal(getattr(first, name), getattr(fresh, name), name)


@pytest.mark.parametrize(("m", "n"), SIZES)
def test_trace_fields_are_consistent_exactly(m: int, n: int) -> None:
    p = LSTMParams.random(m, n, seed=1)
    xs = np.random.default_rng(2).normal(size=(5, m))
    tr = run(p, xs)
    np.testing.assert_array_equal(tr.c, tr.forget_term + tr.input_term)
    np.testing.assert_array_equal(tr.forget_term, tr.f * tr.c_prev)
    np.testing.assert_array_equal(tr.input_term, tr.i * tr.c_tilde)
    np.testing.assert_array_equal(tr.tanh_c, np.tanh(tr.c))
    np.testing.assert_array_equal(tr.h, tr.o * tr.tanh_c)
    np.testing.assert_array_equal(tr.h_prev[1:], tr.h[:-1])
    np.testing.assert_array_equal(tr.c_prev[1:], tr.c[:-1])
    for key in "fico":
        np.testing.assert_allclose(
            tr.z(key), tr.concat @ p.W(key).T + p.b(key), rtol=1e-12, atol=1e-12
        )
    assert np.all((tr.f > 0) & (tr.f < 1))


def test_run_float32_at_a_large_size() -> None:
    p = LSTMParams.random(3, 256, seed=4)
    xs = np.random.default_rng(5).normal(size=(4, 3))
    t32, t64 = run(p, xs, dtype=np.float32), run(p, xs)
    assert t32.h.dtype == np.float32 and t64.h.dtype == np.float64
    np.testing.assert_allclose(t32.h, t64.h, atol=1e-5)
    np.testing.assert_array_equal(run(p, xs, dtype=np.float32).h, t32.h)


def test_run_leaves_the_params_unchanged() -> None:
    p = LSTMParams.random(3, 256, seed=6)
    before = {name: a.copy() for name, a in p.to_dict().items() if name != "concat_order"}
    run(p, np.ones((2, 3)))
    for name, a in before.items():
        np.testing.assert_array_equal(getattr(p, name), a, name)
