"""The vanilla tanh RNN used for contrast: forward, backward, Jacobian, vanishing gradient."""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import numgrad, rel_err

from lstm_core import (
    CONCAT_ORDERS,
    LSTMParams,
    RNNParams,
    gradient_flow,
    rnn_backward,
    rnn_jacobian,
    rnn_last_step_grads,
    rnn_run,
    run,
)
from lstm_core.params import ConcatOrder

T, M, N = 8, 3, 4


def test_forward_is_the_equation() -> None:
    p = RNNParams.random(M, N, seed=0)
    xs = np.random.default_rng(1).normal(size=(T, M))
    h0 = np.random.default_rng(2).normal(size=N)
    tr = rnn_run(p, xs, h0)
    h = h0
    for t in range(T):
        h = np.tanh(p.W @ np.concatenate([h, xs[t]]) + p.b)
        np.testing.assert_allclose(tr.h[t], h, rtol=1e-14, atol=1e-15)
    np.testing.assert_array_equal(tr.h_prev[0], h0)
    np.testing.assert_array_equal(tr.h_prev[1:], tr.h[:-1])
    assert len(tr) == T


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_gradients_match_finite_differences(order: ConcatOrder) -> None:
    rng = np.random.default_rng(3)
    p = RNNParams.random(M, N, seed=4, scale=0.9, concat_order=order)
    xs, h0, dh = rng.normal(size=(T, M)), rng.normal(size=N), rng.normal(size=(T, N))

    def loss(params: RNNParams = p, xs: np.ndarray = xs, h0: np.ndarray = h0) -> float:
        return float(np.sum(dh * rnn_run(params, xs, h0).h))

    g = rnn_backward(p, rnn_run(p, xs, h0), dh)
    assert rel_err(g.dW, numgrad(lambda a: loss(RNNParams(a, p.b, order)), p.W)) < 1e-6
    assert rel_err(g.db, numgrad(lambda a: loss(RNNParams(p.W, a, order)), p.b)) < 1e-6
    assert rel_err(g.dx, numgrad(lambda a: loss(xs=a), xs)) < 1e-6
    assert rel_err(g.dh0, numgrad(lambda a: loss(h0=a), h0)) < 1e-6
    np.testing.assert_array_equal(g.dh[-1], dh[-1])
    assert np.max(np.abs(g.dW)) > 1e-2


def test_concat_orders_agree() -> None:
    p = RNNParams.random(M, N, seed=5)
    W_h, W_x = p.split()
    q = RNNParams(np.hstack([W_x, W_h]), p.b, "x_first")
    xs = np.random.default_rng(6).normal(size=(T, M))
    np.testing.assert_allclose(rnn_run(q, xs).h, rnn_run(p, xs).h, rtol=1e-14)
    gq, gp = rnn_last_step_grads(q, rnn_run(q, xs)), rnn_last_step_grads(p, rnn_run(p, xs))
    np.testing.assert_allclose(gq.dW, np.hstack([gp.dW[:, N:], gp.dW[:, :N]]), rtol=1e-13)


def test_jacobian_matches_finite_differences() -> None:
    p = RNNParams.random(M, N, seed=7, scale=1.2)
    xs = np.random.default_rng(8).normal(size=(T, M))
    tr = rnn_run(p, xs)
    t = 5
    J = rnn_jacobian(p, tr, t)
    num = np.array(
        [
            numgrad(lambda h, r=r: float(rnn_run(p, xs[t : t + 1], h).h[0, r]), tr.h_prev[t])
            for r in range(N)
        ]
    )
    assert rel_err(J, num) < 1e-6
    with pytest.raises(IndexError):
        rnn_jacobian(p, tr, T)


def test_from_lstm_borrows_the_candidate_layer() -> None:
    lp = LSTMParams.random(M, N, seed=9, concat_order="x_first")
    p = RNNParams.from_lstm(lp)
    np.testing.assert_array_equal(p.W, lp.W_c)
    np.testing.assert_array_equal(p.b, lp.b_c)
    assert p.concat_order == "x_first" and (p.n_input, p.n_hidden) == (M, N)


def test_rnn_gradient_vanishes_where_the_lstm_keeps_it() -> None:
    """Same size, same inputs, same candidate weights: after 60 steps back the RNN's
    gradient is ~1e-27 of its start, the LSTM's (forget bias 3) still ~6% of it."""
    lp = LSTMParams.random(M, N, seed=0)
    lp = lp.replace(b_f=lp.b_f + 3.0)
    xs = np.random.default_rng(1).normal(size=(60, M))
    rp = RNNParams.from_lstm(lp)
    rnn = rnn_last_step_grads(rp, rnn_run(rp, xs))
    rnn_ratio = np.linalg.norm(rnn.dh[0]) / np.linalg.norm(rnn.dh[-1])
    flow = gradient_flow(lp, run(lp, xs))
    lstm_ratio = flow.norm_dc[0] / flow.norm_dc[-1]
    assert rnn_ratio < 1e-20
    assert lstm_ratio > 1e-2
    # the RNN's gradient shrinks at every step by at most max‖diag(tanh')·W^h‖ ≤ ‖W^h‖
    norms = np.linalg.norm(rnn.dh, axis=1)
    bound = np.linalg.norm(rp.split()[0], 2)
    assert np.all(norms[:-1] <= norms[1:] * bound * (1 + 1e-12))
    # ‖W^h‖ alone is about 1 here: the shrinking comes from the tanh' factors
    assert rnn_ratio ** (1 / 59) < 0.5 < bound


def test_bad_input_is_named() -> None:
    with pytest.raises(ValueError, match="W must be n"):
        RNNParams(np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="W has shape"):
        RNNParams(np.zeros((2, 5)), np.zeros(3))
    with pytest.raises(ValueError, match="concat_order"):
        RNNParams(np.zeros((3, 5)), np.zeros(3), "z_first")  # type: ignore[arg-type]
    p = RNNParams.random(M, N, seed=0)
    with pytest.raises(ValueError, match=r"xs has shape"):
        rnn_run(p, np.zeros((T, M + 1)))
    with pytest.raises(ValueError, match="dh has shape"):
        rnn_backward(p, rnn_run(p, np.zeros((T, M))), np.zeros((T, N + 1)))
