"""Peephole connections and coupled input-forget gates on LSTMParams: forward, backward, data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from gradcheck import numgrad, rel_err

from lstm_core import (
    CONCAT_ORDERS,
    GATES,
    CellModel,
    LSTMParams,
    backward,
    cell_jacobian,
    run,
    step,
)
from lstm_core.gates import PEEPHOLE_GATES
from lstm_core.params import ConcatOrder
from lstm_core.torch_layout import to_keras_weights, to_torch_state

T, M, N = 6, 3, 4
VARIANTS: dict[str, dict[str, Any]] = {
    "peephole": {"peep": True, "coupled": False},
    "coupled": {"peep": False, "coupled": True},
    "both": {"peep": True, "coupled": True},
}


def _params(order: ConcatOrder, seed: int, peep: bool, coupled: bool) -> LSTMParams:
    rng = np.random.default_rng(seed + 100)
    p = LSTMParams.random(M, N, seed=seed, scale=0.9, concat_order=order)
    peepholes = {g.p: rng.uniform(-1, 1, N) for g in PEEPHOLE_GATES} if peep else {}
    return p.replace(**peepholes, coupled=coupled)


def _sigma(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _reference(
    p: dict[str, Any], x: np.ndarray, h: np.ndarray, c: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The equations written out by hand, from the plain dict of to_dict()."""
    W = {k: np.array(p[f"W_{k}"]) for k in "fico"}
    b = {k: np.array(p[f"b_{k}"]) for k in "fico"}
    peep = {k: np.array(p.get(f"p_{k}", np.zeros(len(h)))) for k in "fio"}
    v = np.concatenate([h, x] if p["concat_order"] == "h_first" else [x, h])
    f = _sigma(W["f"] @ v + b["f"] + peep["f"] * c)
    i = 1 - f if p.get("coupled", False) else _sigma(W["i"] @ v + b["i"] + peep["i"] * c)
    c_new = f * c + i * np.tanh(W["c"] @ v + b["c"])
    o = _sigma(W["o"] @ v + b["o"] + peep["o"] * c_new)
    return o * np.tanh(c_new), c_new


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_zero_peepholes_give_exactly_the_plain_lstm(order: ConcatOrder) -> None:
    plain = LSTMParams.random(M, N, seed=2, concat_order=order)
    zeros = plain.replace(**{g.p: np.zeros(N) for g in PEEPHOLE_GATES})
    assert zeros.peepholes and not zeros.plain and plain.plain
    xs = np.random.default_rng(3).normal(size=(T, M))
    a, b = run(plain, xs), run(zeros, xs)
    for name in ("f", "i", "o", "c_tilde", "c", "h", "z_o"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    s0, s1 = step(plain, xs[0], a.h[0], a.c[0]), step(zeros, xs[0], a.h[0], a.c[0])
    for name, value in s0.as_dict().items():
        np.testing.assert_array_equal(value, s1.as_dict()[name])


@pytest.mark.parametrize("order", CONCAT_ORDERS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_step_and_run_match_the_equations_written_by_hand(order: ConcatOrder, variant: str) -> None:
    p = _params(order, 1, **VARIANTS[variant])
    rng = np.random.default_rng(4)
    xs, h, c = rng.normal(size=(T, M)), rng.normal(size=N), rng.normal(size=N)
    tr = run(p, xs, h, c)
    for t in range(T):
        s = step(p, xs[t], h, c)
        h_ref, c_ref = _reference(p.to_dict(), xs[t], h, c)
        np.testing.assert_allclose(s.h, h_ref, rtol=0, atol=1e-14)
        np.testing.assert_allclose(s.c, c_ref, rtol=0, atol=1e-14)
        for name, value in s.as_dict().items():
            np.testing.assert_allclose(getattr(tr, name)[t], value, rtol=0, atol=1e-14)
        h, c = h_ref, c_ref


def test_the_output_peephole_reads_the_new_cell_state() -> None:
    p = _params("h_first", 0, peep=True, coupled=False)
    s = step(p, np.ones(M), np.zeros(N), np.full(N, 0.5))
    no_o = step(p.replace(p_o=None), np.ones(M), np.zeros(N), np.full(N, 0.5))
    np.testing.assert_allclose(s.z_o - no_o.z_o, p.p_o * s.c, rtol=0, atol=1e-15)
    assert not np.allclose(s.c, 0.5)  # so C_t and C_{t-1} really differ here


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_coupled_input_gate_is_one_minus_forget_and_ignores_W_i_b_i(order: ConcatOrder) -> None:
    p = _params(order, 5, peep=False, coupled=True)
    xs = np.random.default_rng(6).normal(size=(T, M))
    tr = run(p, xs)
    np.testing.assert_array_equal(tr.i, 1 - tr.f)
    np.testing.assert_array_equal(tr.z_i, -tr.z_f)
    s = step(p, xs[0], np.zeros(N), np.zeros(N))
    np.testing.assert_array_equal(s.i, 1 - s.f)
    other = p.replace(W_i=p.W_i * -3 + 1, b_i=p.b_i + 7, p_i=np.full(N, 5.0))
    np.testing.assert_array_equal(run(other, xs).h, tr.h)
    np.testing.assert_array_equal(step(other, xs[0], np.zeros(N), np.zeros(N)).h, s.h)
    assert not np.array_equal(run(p.replace(coupled=False), xs).h, tr.h)


class _Problem:
    def __init__(self, params: LSTMParams, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.params = params
        self.xs, self.h0, self.c0 = rng.normal(size=(T, M)), rng.normal(size=N), rng.normal(size=N)
        self.dh, self.dc_last = rng.normal(size=(T, N)), rng.normal(size=N)

    def loss(self, params: LSTMParams | None = None, **inputs: np.ndarray) -> float:
        args = {"xs": self.xs, "h0": self.h0, "c0": self.c0} | inputs
        tr = run(params or self.params, args["xs"], args["h0"], args["c0"])
        return float(np.sum(self.dh * tr.h) + self.dc_last @ tr.c[-1])


@pytest.mark.parametrize("order", CONCAT_ORDERS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_backward_matches_finite_differences_including_peepholes(
    order: ConcatOrder, variant: str
) -> None:
    pb = _Problem(_params(order, 7, **VARIANTS[variant]), seed=8)
    p = pb.params
    g = backward(p, run(p, pb.xs, pb.h0, pb.c0), pb.dh, pb.dc_last)
    names = [gate.W for gate in GATES] + [gate.b for gate in GATES]
    names += [gate.p for gate in PEEPHOLE_GATES if p.p(gate.key) is not None]
    for name in names:
        num = numgrad(lambda a, name=name: pb.loss(p.replace(**{name: a})), getattr(p, name))
        got = getattr(g, "d" + name)
        assert got.shape == num.shape
        assert rel_err(got, num) < 1e-6, name
        if p.coupled and name in ("W_i", "b_i", "p_i"):
            np.testing.assert_array_equal(got, 0.0)  # i_t = 1 − f_t: these do nothing
        else:
            assert np.max(np.abs(num)) > 1e-3, name  # a real gradient, not 0 == 0
    assert rel_err(g.dx, numgrad(lambda a: pb.loss(xs=a), pb.xs)) < 1e-6
    assert rel_err(g.dh0, numgrad(lambda a: pb.loss(h0=a), pb.h0)) < 1e-6
    assert rel_err(g.dc0, numgrad(lambda a: pb.loss(c0=a), pb.c0)) < 1e-6
    assert (g.dp_f is not None) == VARIANTS[variant]["peep"]


def test_plain_grads_have_no_peephole_gradients() -> None:
    p = LSTMParams.random(M, N, seed=0)
    g = backward(p, run(p, np.ones((2, M))), np.ones((2, N)))
    assert g.dp_f is None and g.dp_i is None and g.dp_o is None
    assert not any(name.startswith("dp_") for name in g.as_dict())


def test_cell_jacobian_with_peepholes_matches_finite_differences() -> None:
    """∂C_t/∂C_{t-1} with h_{t-1} = o_{t-1}∘tanh(C_{t-1}), o_{t-1} reading C_{t-1} by p_o."""
    pb = _Problem(_params("x_first", 9, peep=True, coupled=True), seed=10)
    p, tr = pb.params, run(pb.params, pb.xs, pb.h0, pb.c0)
    assert p.p_o is not None
    for t in (1, T - 1):
        z_o_rest = tr.z_o[t - 1] - p.p_o * tr.c[t - 1]  # z_o without its peephole term

        def c_next(c: np.ndarray, t: int = t, z: np.ndarray = z_o_rest) -> np.ndarray:
            h = _sigma(z + p.p_o * c) * np.tanh(c)
            return step(p, pb.xs[t], h, c).c

        num = np.array(
            [numgrad(lambda c, r=r: float(c_next(c)[r]), tr.c_prev[t]) for r in range(N)]
        )
        assert rel_err(cell_jacobian(p, tr, t).total, num) < 1e-6


def test_a_peephole_of_the_wrong_length_names_it_and_n() -> None:
    p = LSTMParams.random(M, N)
    with pytest.raises(ValueError, match=r"p_i has length 2 but must have length 4.*n=4"):
        p.replace(p_i=[1.0, 2.0])
    with pytest.raises(ValueError, match=r"p_o has a non-finite value"):
        p.replace(p_o=[1.0, np.nan, 0, 0])
    with pytest.raises(ValueError, match=r"coupled is 'yes' but must be True"):
        p.replace(coupled="yes")


def test_parameter_counts() -> None:
    n, m = N, M
    plain = LSTMParams.random(m, n)
    assert plain.n_params == 4 * n * (n + m + 1)
    assert plain.replace(coupled=True).n_params == 3 * n * (n + m + 1)
    assert _params("h_first", 0, peep=True, coupled=False).n_params == 4 * n * (n + m + 1) + 3 * n
    assert _params("h_first", 0, peep=True, coupled=True).n_params == 3 * n * (n + m + 1) + 2 * n


@pytest.mark.parametrize("variant", VARIANTS)
def test_dicts_models_and_copies_carry_the_variant(variant: str) -> None:
    p = _params("x_first", 3, **VARIANTS[variant])
    back = LSTMParams.from_dict(p.to_dict())
    assert back.variant_fields().keys() == p.variant_fields().keys()
    xs = np.random.default_rng(0).normal(size=(T, M))
    np.testing.assert_array_equal(run(back, xs).h, run(p, xs).h)
    np.testing.assert_allclose(run(p.with_concat_order("h_first"), xs).h, run(p, xs).h, atol=1e-14)
    model = CellModel(p, xs[0], np.zeros(N), np.ones(N))
    again = CellModel.from_dict(model.to_dict())
    assert again.params.coupled == p.coupled and again.params.peepholes == p.peepholes
    assert model.resized(M + 1, N - 1).params.variant_fields().keys() == p.variant_fields().keys()
    edited = model.with_entry("p_f", (0,), 0.25)
    assert edited.get_array("p_f")[0] == 0.25 and edited.params.coupled == p.coupled
    assert "p_f" not in LSTMParams.random(M, N).to_dict()  # plain dicts are unchanged


@pytest.mark.parametrize("variant", VARIANTS)
def test_torch_and_keras_layouts_refuse_peepholes_and_coupling(variant: str) -> None:
    p = _params("h_first", 0, **VARIANTS[variant])
    for export, name in ((to_torch_state, "torch"), (to_keras_weights, "Keras")):
        with pytest.raises(ValueError, match=f"{name}'s LSTM has no peepholes") as err:
            export(p)
        assert ("coupled gates (i_t" in str(err.value)) == p.coupled
        assert ("p_f" in str(err.value)) == p.peepholes
