"""run()'s fast layout: the record of one step, the halved W^h read and its huge page.

The hypothesis properties cover n ≤ 8, where W^h is small. These tests reach the
sizes where run() reads W^h in alternating halves from a 2 MiB-aligned buffer.
"""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core import LSTMParams, run, step
from lstm_core.cell import _on_huge_page, _run_weights

# n=190: W^h is 4·190·190·8 bytes ≈ 1.1 MiB, above _L2_BYTES; n=5 stays below.
SIZES = [(4, 5), (3, 190)]


@pytest.mark.parametrize(("m", "n"), SIZES)
@pytest.mark.parametrize("order", ["h_first", "x_first"])
def test_run_matches_step_by_step(m: int, n: int, order: str) -> None:
    p = LSTMParams.random(m, n, seed=7, concat_order=order)  # type: ignore[arg-type]
    rng = np.random.default_rng(3)
    xs, h0, c0 = rng.normal(size=(6, m)), rng.normal(size=n), rng.normal(size=n)
    W_hT = _run_weights(p, np.dtype(np.float64))[0]  # (k, n, 4n/k)
    assert W_hT.shape == ((2, n, 2 * n) if n == 190 else (1, n, 4 * n))
    assert n != 190 or W_hT.ctypes.data % 2**21 == 0

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
    # the loop keeps -z in the sigmoid rows; the trace must show z itself
    for key in "fio":
        np.testing.assert_allclose(
            tr.z(key), tr.concat @ p.W(key).T + p.b(key), rtol=1e-12, atol=1e-12
        )
    assert np.all((tr.f > 0) & (tr.f < 1))


def test_run_float32_at_a_large_size() -> None:
    p = LSTMParams.random(3, 190, seed=4)
    xs = np.random.default_rng(5).normal(size=(4, 3))
    t32, t64 = run(p, xs, dtype=np.float32), run(p, xs)
    assert t32.h.dtype == np.float32
    np.testing.assert_allclose(t32.h, t64.h, atol=1e-5)


def test_on_huge_page_is_an_aligned_exact_copy() -> None:
    a = np.random.default_rng(0).normal(size=(760, 190))
    b = _on_huge_page(a)
    assert b.ctypes.data % 2**21 == 0
    assert b.flags.c_contiguous and b.dtype == a.dtype and b.shape == a.shape
    np.testing.assert_array_equal(a, b)
    assert not np.shares_memory(a, b)
