"""Grads.split and the L2 loss on every step, against finite differences."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from gradcheck import numgrad, rel_err

from lstm_core import (
    CONCAT_ORDERS,
    GATES,
    LSTMParams,
    backward,
    backward_l2,
    run,
    sequence_l2_loss,
)

TOL = 1e-7


def case(order: Any, m: int = 3, n: int = 4, T: int = 6) -> tuple[LSTMParams, Any, Any]:
    rng = np.random.default_rng(4)
    p = LSTMParams.random(m, n, seed=4, scale=0.8, concat_order=order)
    return p, rng.normal(0, 1, (T, m)), rng.normal(0, 0.5, (T, n))


def loss_of(p: LSTMParams, xs: Any, y: Any) -> float:
    return 0.5 * float(np.sum((run(p, xs).h - y) ** 2))


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_backward_l2_matches_finite_differences(order: Any) -> None:
    p, xs, y = case(order)
    value, grads = backward_l2(p, run(p, xs), y)
    assert value == pytest.approx(loss_of(p, xs, y), rel=1e-15)
    for g in GATES:
        for name, dname in ((g.W, g.W.replace("W", "dW")), (g.b, g.b.replace("b", "db"))):
            num = numgrad(
                lambda a, name=name: loss_of(p.replace(**{name: a}), xs, y), getattr(p, name)
            )
            assert rel_err(getattr(grads, dname), num) < TOL, (order, name)
    num_x = numgrad(lambda a: loss_of(p, a, y), xs)
    assert rel_err(grads.dx, num_x) < TOL


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_grads_split_cuts_like_params_split(order: Any) -> None:
    p, xs, y = case(order, m=2, n=3)
    _, grads = backward_l2(p, run(p, xs), y)
    for g in GATES:
        W_h, W_x = p.split(g.key)
        dW_h, dW_x = grads.split(g.key, p.concat_order)
        assert dW_h.shape == W_h.shape == (3, 3) and dW_x.shape == W_x.shape == (3, 2)

        def loss_h(a: Any, key: str = g.key) -> float:
            return loss_of(from_blocks(p, key, a, p.split(key)[1]), xs, y)

        def loss_x(a: Any, key: str = g.key) -> float:
            return loss_of(from_blocks(p, key, p.split(key)[0], a), xs, y)

        assert rel_err(dW_h, numgrad(loss_h, W_h)) < TOL
        assert rel_err(dW_x, numgrad(loss_x, W_x)) < TOL


def test_split_is_the_same_whatever_the_concat_order() -> None:
    p, xs, y = case("h_first")
    q = p.with_concat_order("x_first")
    _, gp = backward_l2(p, run(p, xs), y)
    _, gq = backward_l2(q, run(q, xs), y)
    for g in GATES:
        for a, b in zip(gp.split(g.key, "h_first"), gq.split(g.key, "x_first"), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)


def test_sequence_l2_loss_values_and_bad_targets() -> None:
    p, xs, y = case("h_first", T=3)
    trace = run(p, xs)
    loss = sequence_l2_loss(trace, y)
    np.testing.assert_array_equal(loss.dh, trace.h - y)
    assert sequence_l2_loss(trace, trace.h).value == 0.0
    same = backward(p, trace, loss.dh)
    _, grads = backward_l2(p, trace, y)
    np.testing.assert_array_equal(same.dW_f, grads.dW_f)
    with pytest.raises(ValueError, match=r"targets has shape \(2, 4\) but must be \(3, 4\)"):
        sequence_l2_loss(trace, y[:2])
    with pytest.raises(ValueError, match="targets has a non-finite value"):
        sequence_l2_loss(trace, np.full((3, 4), np.nan))


def from_blocks(p: LSTMParams, key: str, W_h: Any, W_x: Any) -> LSTMParams:
    blocks = [W_h, W_x] if p.concat_order == "h_first" else [W_x, W_h]
    return p.replace(**{f"W_{key}": np.hstack(blocks)})
