"""lstm_core.backward against central finite differences, and the identities it must obey."""

from __future__ import annotations

import math

import numpy as np
import pytest
from gradcheck import numgrad, rel_err

from lstm_core import (
    CONCAT_ORDERS,
    GATES,
    LSTMParams,
    backward,
    cell_jacobian,
    gradient_flow,
    jacobian_products,
    last_step_loss,
    run,
    step,
)
from lstm_core.cell import Trace
from lstm_core.params import ConcatOrder

RTOL = 1e-6
T, M, N = 7, 3, 4


class Problem:
    """Seeded params, inputs and a loss L = Σ_t w_t·h_t + w_c·C_{T-1} on every step."""

    def __init__(self, order: ConcatOrder, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.params = LSTMParams.random(M, N, seed=seed, scale=0.9, concat_order=order)
        self.xs = rng.normal(size=(T, M))
        self.h0 = rng.normal(size=N)
        self.c0 = rng.normal(size=N)
        self.dh = rng.normal(size=(T, N))  # the loss's own gradient on each h_t
        self.dc_last = rng.normal(size=N)

    def loss(
        self,
        params: LSTMParams | None = None,
        xs: np.ndarray | None = None,
        h0: np.ndarray | None = None,
        c0: np.ndarray | None = None,
    ) -> float:
        tr = run(
            self.params if params is None else params,
            self.xs if xs is None else xs,
            self.h0 if h0 is None else h0,
            self.c0 if c0 is None else c0,
        )
        return self.loss_of(tr.h, tr.c[-1])

    def loss_of(self, H: np.ndarray, c_last: np.ndarray) -> float:
        return float(np.sum(self.dh * H) + self.dc_last @ c_last)

    def trace(self) -> Trace:
        return run(self.params, self.xs, self.h0, self.c0)


@pytest.mark.parametrize("order", CONCAT_ORDERS)
@pytest.mark.parametrize("seed", [0, 1])
def test_every_gradient_matches_finite_differences(order: ConcatOrder, seed: int) -> None:
    pb = Problem(order, seed)
    g = backward(pb.params, pb.trace(), pb.dh, pb.dc_last)
    checked = 0
    for gate in GATES:
        W, b = pb.params.W(gate.key), pb.params.b(gate.key)
        num_W = numgrad(lambda a, gate=gate: pb.loss(pb.params.replace(**{gate.W: a})), W)
        num_b = numgrad(lambda a, gate=gate: pb.loss(pb.params.replace(**{gate.b: a})), b)
        assert g.dW(gate.key).shape == W.shape
        assert rel_err(g.dW(gate.key), num_W) < RTOL, gate.W
        assert rel_err(g.db(gate.key), num_b) < RTOL, gate.b
        assert np.max(np.abs(num_W)) > 1e-3  # a real gradient, not 0 == 0
        checked += 2
    assert rel_err(g.dx, numgrad(lambda a: pb.loss(xs=a), pb.xs)) < RTOL
    assert rel_err(g.dh0, numgrad(lambda a: pb.loss(h0=a), pb.h0)) < RTOL
    assert rel_err(g.dc0, numgrad(lambda a: pb.loss(c0=a), pb.c0)) < RTOL
    assert checked == 8


def _continue(pb: Problem, t: int, h_t: np.ndarray, c_t: np.ndarray) -> float:
    """The loss when step t's output is replaced by (h_t, C_t) and the run continues."""
    tr = pb.trace()
    H = np.array(tr.h)
    H[t] = h_t
    c_last = c_t
    if t + 1 < T:
        rest = run(pb.params, pb.xs[t + 1 :], h_t, c_t)
        H[t + 1 :] = rest.h
        c_last = rest.c[-1]
    return pb.loss_of(H, c_last)


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_total_dc_and_dh_per_step_match_finite_differences(order: ConcatOrder) -> None:
    """dc[t] perturbs C_t (and so h_t = o_t∘tanh(C_t)); dh[t] perturbs h_t alone."""
    pb = Problem(order, seed=3)
    tr = pb.trace()
    g = backward(pb.params, tr, pb.dh, pb.dc_last)
    for t in (0, 3, T - 1):
        o_t = tr.o[t]
        num_dc = numgrad(lambda c, t=t, o=o_t: _continue(pb, t, o * np.tanh(c), c), tr.c[t])
        num_dh = numgrad(lambda h, t=t: _continue(pb, t, h, tr.c[t]), tr.h[t])
        assert rel_err(g.dc[t], num_dc) < RTOL
        assert rel_err(g.dh[t], num_dh) < RTOL
    # the last step's total gradients are exactly the loss's own ones plus the h path
    np.testing.assert_array_equal(g.dh[-1], pb.dh[-1])
    expected = pb.dc_last + pb.dh[-1] * tr.o[-1] * (1.0 / np.cosh(tr.c[-1]) ** 2)
    np.testing.assert_allclose(g.dc[-1], expected, rtol=1e-14)


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_weight_gradient_columns_follow_concat_order(order: ConcatOrder) -> None:
    """Writing the same cell for the other order moves the gradient's columns the same way."""
    pb = Problem(order, seed=4)
    other: ConcatOrder = "x_first" if order == "h_first" else "h_first"
    p2 = pb.params.with_concat_order(other)
    g1 = backward(pb.params, pb.trace(), pb.dh, pb.dc_last)
    g2 = backward(p2, run(p2, pb.xs, pb.h0, pb.c0), pb.dh, pb.dc_last)
    moved = LSTMParams(
        **{gate.W: g1.dW(gate.key) for gate in GATES},
        **{gate.b: g1.db(gate.key) for gate in GATES},
        concat_order=order,
    ).with_concat_order(other)
    for gate in GATES:
        np.testing.assert_allclose(g2.dW(gate.key), moved.W(gate.key), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(g2.dx, g1.dx, rtol=1e-13)


def test_constant_error_carousel_identity() -> None:
    """No recurrent weights, L = ΣC_{T-1}: ∂L/∂C_0 is exactly the product of the forget gates."""
    T_long = 12
    p = LSTMParams.random(M, N, seed=5, scale=1.5)
    no_rec: dict[str, np.ndarray] = {}
    for gate in GATES:
        W = np.array(p.W(gate.key))
        W[:, :N] = 0.0  # h_first: the W^h columns come first
        no_rec[gate.W] = W
    p = p.replace(**no_rec, b_f=p.b_f + 3.0)  # f near 1, so the product stays readable
    for gate in GATES:
        assert not np.any(p.split(gate.key)[0])
    xs = np.random.default_rng(6).normal(size=(T_long, M))
    tr = run(p, xs, np.ones(N), np.full(N, 0.5))
    g = backward(p, tr, np.zeros((T_long, N)), np.ones(N))

    prod_f = np.prod(tr.f, axis=0)  # ∏_t f_t per unit
    assert np.all(prod_f < 0.9) and np.all(prod_f > 1e-6)  # a real product, not 1 or 0
    np.testing.assert_allclose(g.dc0, prod_f, rtol=2e-15, atol=0)
    same_order = np.ones(N)
    for f in tr.f[::-1]:
        same_order = same_order * f
    np.testing.assert_array_equal(g.dc0, same_order)  # bit for bit in backward's order
    np.testing.assert_array_equal(g.dh0, np.zeros(N))  # no path from h0 at all
    # every step: dc[t] = ∏_{s>t} f_s
    np.testing.assert_allclose(g.dc[0], np.prod(tr.f[1:], axis=0), rtol=2e-15)
    # the three views of the gradient flow coincide when there is no h path
    flow = gradient_flow(p, tr, w_h=np.zeros(N), w_c=np.ones(N))
    np.testing.assert_allclose(flow.dc_direct, g.dc, rtol=2e-15)
    np.testing.assert_allclose(flow.dc_jacobian, g.dc, rtol=2e-15)
    np.testing.assert_allclose(flow.dc0_direct, prod_f, rtol=2e-15)


def test_sigmoid_derivative_stays_accurate_when_saturated() -> None:
    """z_f = 30: σ'(z) ≈ 9.4e-14; g(1-g) from the rounded gate value would be 1e-3 off."""
    z = 30.0
    p = LSTMParams.zeros(1, 1).replace(b_f=[z])
    tr = run(p, [[0.0]], [0.0], [1.0])
    g = backward(p, tr, np.zeros((1, 1)), [1.0])  # L = C_0 = f·1 + i·C̃
    exact = math.exp(-z) / (1.0 + math.exp(-z)) ** 2
    assert g.db_f[0] == pytest.approx(exact, rel=1e-14)
    f = tr.f[0, 0]
    assert abs(f * (1 - f) - exact) / exact > 1e-4  # the naive form really is worse


def _one_step_c(pb: Problem, t: int, c_prev: np.ndarray) -> np.ndarray:
    """C_t as a function of C_{t-1}, with h_{t-1} = o_{t-1}∘tanh(C_{t-1}) (h0 fixed at t=0)."""
    tr = pb.trace()
    h_prev = tr.o[t - 1] * np.tanh(c_prev) if t > 0 else pb.h0
    return step(pb.params, pb.xs[t], h_prev, c_prev).c


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_cell_jacobian_matches_finite_differences(order: ConcatOrder) -> None:
    pb = Problem(order, seed=7)
    tr = pb.trace()
    for t in range(T):
        J = cell_jacobian(pb.params, tr, t)
        num = np.column_stack(
            [
                numgrad(lambda c, t=t, r=r: float(_one_step_c(pb, t, c)[r]), tr.c_prev[t])
                for r in range(N)
            ]
        ).T  # row r: ∂C_t[r]/∂C_{t-1}
        assert J.total.shape == (N, N)
        assert rel_err(J.total, num) < RTOL
        np.testing.assert_array_equal(J.direct, np.diag(tr.f[t]))
        if t == 0:
            np.testing.assert_array_equal(J.through_h, np.zeros((N, N)))
        else:
            assert np.max(np.abs(J.through_h)) > 1e-3  # the h path is really there


def test_jacobian_products_are_products_of_one_step_jacobians() -> None:
    pb = Problem("h_first", seed=8)
    tr = pb.trace()
    P = jacobian_products(pb.params, tr)
    assert P.total.shape == (T, N, N) and P.direct.shape == (T, N)
    np.testing.assert_array_equal(P.total[-1], np.eye(N))
    expected = np.eye(N)
    for t in range(T - 1, 0, -1):
        expected = expected @ cell_jacobian(pb.params, tr, t).total
        np.testing.assert_allclose(P.total[t - 1], expected, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(P.direct[t - 1], np.prod(tr.f[t:], axis=0), rtol=1e-14)
    np.testing.assert_allclose(P.total_c0, expected @ np.diag(tr.f[0]), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(P.direct_c0, np.prod(tr.f, axis=0), rtol=1e-14)


def test_gradient_flow_views() -> None:
    pb = Problem("x_first", seed=9)
    tr = pb.trace()
    w_h = np.random.default_rng(0).normal(size=N)
    flow = gradient_flow(pb.params, tr, w_h=w_h)
    loss = last_step_loss(tr, w_h=w_h)
    g = backward(pb.params, tr, loss.dh, loss.dc_last)
    np.testing.assert_array_equal(flow.dc, g.dc)
    np.testing.assert_array_equal(flow.dh, g.dh)
    np.testing.assert_array_equal(flow.dc0, g.dc0)
    P = jacobian_products(pb.params, tr)
    for t in range(T):
        np.testing.assert_allclose(flow.dc_direct[t], g.dc[-1] * P.direct[t], rtol=1e-13)
        np.testing.assert_allclose(flow.dc_jacobian[t], g.dc[-1] @ P.total[t], rtol=1e-10)
    np.testing.assert_allclose(flow.norm_dc, np.linalg.norm(g.dc, axis=1), rtol=1e-15)
    np.testing.assert_allclose(flow.dc0_jacobian, g.dc[-1] @ P.total_c0, rtol=1e-10)
    # with every W^h in play the Jacobian product is not the exact gradient: it holds o fixed
    assert np.max(np.abs(flow.dc_jacobian[0] - flow.dc[0])) > 1e-6


def test_jacobian_product_is_exact_without_the_output_gates_recurrence() -> None:
    """The only path the one-step Jacobians leave out runs through o_{t+1}'s W_o^h."""
    pb = Problem("h_first", seed=10)
    W_o = np.array(pb.params.W_o)
    W_o[:, :N] = 0.0
    p = pb.params.replace(W_o=W_o)
    tr = run(p, pb.xs, pb.h0, pb.c0)
    flow = gradient_flow(p, tr)
    np.testing.assert_allclose(flow.dc_jacobian, flow.dc, rtol=1e-12, atol=1e-16)
    assert np.max(np.abs(flow.dc_direct - flow.dc)) > 1e-6  # the direct path alone is not


def test_last_step_loss() -> None:
    pb = Problem("h_first", seed=11)
    tr = pb.trace()
    loss = last_step_loss(tr)
    assert loss.value == pytest.approx(float(np.sum(tr.h[-1])), rel=1e-15)
    np.testing.assert_array_equal(loss.dh[:-1], 0.0)
    np.testing.assert_array_equal(loss.dh[-1], np.ones(N))
    np.testing.assert_array_equal(loss.dc_last, np.zeros(N))
    w_c = np.arange(N, dtype=float)
    loss = last_step_loss(tr, w_h=np.zeros(N), w_c=w_c)
    assert loss.value == pytest.approx(float(w_c @ tr.c[-1]), rel=1e-15)
    g = backward(pb.params, tr, loss.dh, loss.dc_last)
    num = numgrad(
        lambda c0: last_step_loss(run(pb.params, pb.xs, pb.h0, c0), np.zeros(N), w_c).value,
        pb.c0,
    )
    assert rel_err(g.dc0, num) < RTOL


def test_bad_upstream_gradients_are_named() -> None:
    pb = Problem("h_first", seed=12)
    tr = pb.trace()
    with pytest.raises(ValueError, match="dh has shape"):
        backward(pb.params, tr, np.zeros((T - 1, N)))
    with pytest.raises(ValueError, match="dc_last"):
        backward(pb.params, tr, np.zeros((T, N)), np.zeros(N + 1))
    bad = np.zeros((T, N))
    bad[2, 1] = np.nan
    with pytest.raises(ValueError, match="row 2, column 1"):
        backward(pb.params, tr, bad)
    other = LSTMParams.random(M, N + 1, seed=0)
    with pytest.raises(ValueError, match="run the same params forward"):
        backward(other, tr, np.zeros((T, N + 1)))
    with pytest.raises(IndexError):
        cell_jacobian(pb.params, tr, T)


def test_float32_trace_is_differentiated_in_float64() -> None:
    pb = Problem("h_first", seed=13)
    tr32 = run(pb.params, pb.xs, pb.h0, pb.c0, dtype=np.float32)
    g32 = backward(pb.params, tr32, pb.dh, pb.dc_last)
    g64 = backward(pb.params, pb.trace(), pb.dh, pb.dc_last)
    assert g32.dW_f.dtype == np.float64
    np.testing.assert_allclose(g32.dW_f, g64.dW_f, rtol=1e-4, atol=1e-5)
