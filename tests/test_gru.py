"""The GRU: a hand-written reference of both conventions, finite differences, run against
step, float32, validation messages and torch's layout. torch's own numbers are in
test_golden_gru.py (and test_parity_gru.py under ``make parity``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from gradcheck import numgrad, rel_err

from lstm_core import (
    CONCAT_ORDERS,
    GRU_GATES,
    GRUParams,
    GRUStep,
    gru_backward,
    gru_run,
    gru_step,
)

CONVENTIONS = [True, False]  # reset_after
RTOL = 1e-6  # central differences: ~1e-10 absolute error, on gradients of size ~1e-2..1


def sigma(a: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-a))


def reference(p: GRUParams, xs: Any, h0: Any, chung: bool = False) -> np.ndarray:
    """The equations written out once, Cho et al.'s W (input) and U (recurrent) per gate.

    ``chung=True`` uses the update as Chung et al. 2014 write it, h = z∘n + (1 − z)∘h_{t-1}.
    """
    (U_r, W_r), (U_z, W_z), (U_n, W_n) = (p.split(k) for k in "rzn")
    h, out = np.asarray(h0, dtype=np.float64), []
    for x in np.asarray(xs, dtype=np.float64):
        r = sigma(W_r @ x + U_r @ h + p.b_r)
        z = sigma(W_z @ x + U_z @ h + p.b_z)
        if p.reset_after:
            assert p.b_hn is not None
            n = np.tanh(W_n @ x + p.b_n + r * (U_n @ h + p.b_hn))
        else:
            n = np.tanh(W_n @ x + U_n @ (r * h) + p.b_n)
        h = z * n + (1 - z) * h if chung else (1 - z) * n + z * h
        out.append(h)
    return np.array(out)


def case(m: int = 3, n: int = 2, T: int = 6, seed: int = 0, **kw: Any) -> tuple[Any, ...]:
    p = GRUParams.random(m, n, seed=seed, **({"scale": 1.0} | kw))
    rng = np.random.default_rng(seed + 1)
    return p, rng.normal(0, 1.5, (T, m)), rng.uniform(-1, 1, n), rng.normal(size=(T, n))


# -- forward --------------------------------------------------------------------------


@pytest.mark.parametrize("order", CONCAT_ORDERS)
@pytest.mark.parametrize("reset_after", CONVENTIONS)
def test_run_matches_the_hand_written_equations(reset_after: bool, order: Any) -> None:
    p, xs, h0, _ = case(4, 3, 9, reset_after=reset_after, concat_order=order)
    np.testing.assert_allclose(gru_run(p, xs, h0).h, reference(p, xs, h0), rtol=0, atol=1e-14)


@pytest.mark.parametrize("reset_after", CONVENTIONS)
def test_run_agrees_with_repeated_steps_field_by_field(reset_after: bool) -> None:
    p, xs, h0, _ = case(5, 4, 7, reset_after=reset_after)
    trace = gru_run(p, xs, h0)
    h = h0
    for t in range(len(trace)):
        s = gru_step(p, xs[t], h)
        for name, value in s.as_dict().items():
            np.testing.assert_allclose(getattr(trace[t], name), value, rtol=0, atol=1e-14)
        h = s.h
    assert isinstance(trace[-1], GRUStep)
    np.testing.assert_array_equal(trace[-1].h, trace.h_last)
    np.testing.assert_array_equal(trace[0].h_prev, h0)
    with pytest.raises(IndexError, match="outside this trace of 7 steps"):
        trace[7]


@pytest.mark.parametrize("reset_after", CONVENTIONS)
def test_step_exposes_every_intermediate_consistently(reset_after: bool) -> None:
    p, xs, h0, _ = case(reset_after=reset_after)
    s = gru_step(p, xs[0], h0)
    for g in GRU_GATES:
        np.testing.assert_array_equal(s.gate(g.key), g.activation.fn(s.pre(g.key)))
    np.testing.assert_array_equal(s.reset_term, s.r * s.reset_in)
    np.testing.assert_array_equal(s.new_term, (1 - s.z) * s.n)
    np.testing.assert_array_equal(s.keep_term, s.z * s.h_prev)
    np.testing.assert_array_equal(s.h, s.new_term + s.keep_term)
    if reset_after:
        W_nh, _ = p.split("n")
        np.testing.assert_allclose(s.reset_in, W_nh @ h0 + p.b_hn, atol=1e-15)
    else:
        np.testing.assert_array_equal(s.reset_in, h0)


def test_the_two_conventions_differ_on_the_same_weights() -> None:
    p, xs, h0, _ = case(3, 3, 1, seed=4)
    cho = p.with_reset_after(False)
    assert cho.b_hn is None and cho.with_reset_after(False) is cho
    np.testing.assert_array_equal(cho.b_n, p.b_n + p.b_hn)  # the bias moves outside r_t
    h_torch, h_cho = gru_step(p, xs[0], h0).h, gru_step(cho, xs[0], h0).h
    assert np.max(np.abs(h_torch - h_cho)) > 1e-3
    np.testing.assert_allclose(h_cho, reference(cho, xs[:1], h0)[0], atol=1e-15)
    back = cho.with_reset_after(True)
    assert back.reset_after and np.all(back.b_hn == 0.0)
    # with r_t = 1 everywhere (huge b_r) and b_hn = 0 the two agree: only r_t's place differs
    opened = back.replace(b_r=np.full(3, 1e3))
    np.testing.assert_allclose(
        gru_step(opened, xs[0], h0).h, gru_step(opened.with_reset_after(False), xs[0], h0).h
    )


def test_chung_et_al_update_is_the_same_cell_with_the_update_gate_negated() -> None:
    """h = z∘n + (1 − z)∘h_{t-1} (Chung et al.) is torch's form with W_z, b_z negated."""
    p, xs, h0, _ = case(3, 4, 8, seed=5)
    flipped = p.replace(W_z=-p.W_z, b_z=-p.b_z)
    np.testing.assert_allclose(gru_run(flipped, xs, h0).h, reference(p, xs, h0, chung=True))


def test_h0_defaults_to_zeros() -> None:
    p, xs, _, _ = case()
    np.testing.assert_array_equal(gru_run(p, xs).h, gru_run(p, xs, np.zeros(2)).h)


@pytest.mark.parametrize("reset_after", CONVENTIONS)
def test_float32_on_request(reset_after: bool) -> None:
    p, xs, h0, _ = case(4, 3, 20, reset_after=reset_after)
    t32, t64 = gru_run(p, xs, h0, dtype=np.float32), gru_run(p, xs, h0)
    s32 = gru_step(p, xs[0], h0, dtype=np.float32)
    for a in (t32.h, t32.z_n, t32.r, t32.reset_term, s32.h, s32.n):
        assert a.dtype == np.float32
    np.testing.assert_allclose(t32.h, t64.h, atol=1e-5)
    np.testing.assert_allclose(s32.h, t64.h[0], atol=1e-6)
    g = gru_backward(p, t32, np.ones((20, 3)))
    assert g.dx.dtype == np.float64 and np.all(np.isfinite(g.dW_n))
    with pytest.raises(ValueError, match="dtype must be float64 or float32"):
        gru_run(p, xs, dtype=np.float16)


def test_huge_weights_saturate_without_warnings_or_nan() -> None:
    p, xs, h0, _ = case(2, 2, 5, scale=1e6)
    h = gru_run(p, xs * 1e6, h0).h
    assert np.all(np.isfinite(h)) and np.all(np.abs(h) <= 1.0 + 1e-12)


# -- backward ---------------------------------------------------------------------------


@pytest.mark.parametrize("order", CONCAT_ORDERS)
@pytest.mark.parametrize("reset_after", CONVENTIONS)
def test_backward_matches_finite_differences(reset_after: bool, order: Any) -> None:
    p, xs, h0, dh = case(3, 2, 6, seed=7, reset_after=reset_after, concat_order=order)
    g = gru_backward(p, gru_run(p, xs, h0), dh)
    names = [a for gate in GRU_GATES for a in (gate.W, gate.b)] + ["b_hn"] * reset_after

    def loss(params: GRUParams, xs_: Any = xs, h0_: Any = h0) -> float:
        return float(np.sum(dh * reference(params, xs_, h0_)))

    for name in names:
        num = numgrad(lambda a, name=name: loss(p.replace(**{name: a})), getattr(p, name))
        assert rel_err(getattr(g, "d" + name), num) < RTOL, name
    assert rel_err(g.dx, numgrad(lambda a: loss(p, a), xs)) < RTOL
    assert rel_err(g.dh0, numgrad(lambda a: loss(p, xs, a), h0)) < RTOL
    if not reset_after:
        assert g.db_hn is None and g.as_dict()["db_hn"] is None


def test_dh_is_the_total_gradient_on_each_hidden_state() -> None:
    p, xs, h0, dh = case(2, 3, 5, seed=8)
    g = gru_backward(p, gru_run(p, xs, h0), dh)
    np.testing.assert_array_equal(g.dh[-1], dh[-1])  # nothing comes back from after the end

    def loss_from(t: int, h: np.ndarray) -> float:
        return float(np.sum(dh[t + 1 :] * reference(p, xs[t + 1 :], h)) + dh[t] @ h)

    h2 = gru_run(p, xs, h0).h[2]
    assert rel_err(g.dh[2], numgrad(lambda a: loss_from(2, a), h2)) < RTOL


def test_a_loss_on_the_last_step_only() -> None:
    p, xs, h0, _ = case(3, 3, 12, seed=9, reset_after=False)
    dh = np.zeros((12, 3))
    dh[-1] = 1.0
    g = gru_backward(p, gru_run(p, xs, h0), dh)
    num = numgrad(lambda a: float(np.sum(reference(p, xs, a)[-1])), h0)
    assert rel_err(g.dh0, num) < RTOL


# -- parameters, validation, torch's layout ----------------------------------------------


def arrays(m: int = 3, n: int = 3) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    d: dict[str, Any] = {g.W: rng.uniform(-1, 1, (n, n + m)).tolist() for g in GRU_GATES}
    return d | {g.b: rng.uniform(-1, 1, n).tolist() for g in GRU_GATES}


def error_of(**changes: Any) -> str:
    with pytest.raises(ValueError) as info:
        GRUParams(**(arrays() | changes))
    return str(info.value)


@pytest.mark.parametrize("name", [g.W for g in GRU_GATES])
def test_a_weight_with_a_wrong_shape_is_named(name: str) -> None:
    msg = error_of(**{name: np.zeros((3, 5))})
    assert msg.startswith(f"{name} has shape (3, 5) but must be (3, 6)"), msg
    assert "[h_{t-1}, x_t]" in msg
    assert "[x_t, h_{t-1}]" in error_of(**{name: np.zeros((3, 5))}, concat_order="x_first")


@pytest.mark.parametrize("name", [g.b for g in GRU_GATES] + ["b_hn"])
def test_a_bias_with_a_wrong_length_is_named(name: str) -> None:
    msg = error_of(**{name: [1.0, 2.0]})
    assert msg.startswith(f"{name} has length 2 but must have length 3"), msg


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"b_hn": [0.0] * 3, "reset_after": False}, "b_hn is given but reset_after is False"),
        ({"reset_after": "yes"}, "reset_after is 'yes' but must be True"),
        ({"concat_order": "h_last"}, "concat_order is 'h_last'"),
        ({"W_n": [[1, 2], [3]]}, "W_n must be numbers in a rectangular layout"),
        ({"b_z": [0.0, np.nan, 0.0]}, "b_z has a non-finite value"),
        ({"W_r": np.zeros(3), "W_z": np.zeros(3), "W_n": np.zeros(3)}, "(a 2-D array)"),
    ],
)
def test_bad_parameters_get_a_named_message(changes: dict[str, Any], words: str) -> None:
    assert words in error_of(**changes)


def test_bad_inputs_get_a_named_message() -> None:
    p, xs, h0, dh = case(3, 2, 6)
    with pytest.raises(ValueError, match=r"^x_t has length 2 but must have length 3"):
        gru_step(p, [1.0, 2.0], h0)
    with pytest.raises(ValueError, match=r"^h_\{t-1\} has length 3 but must have length 2"):
        gru_step(p, xs[0], [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"^xs has shape \(6, 2\) but must be \(6, 3\)"):
        gru_run(p, xs[:, :2])
    with pytest.raises(ValueError, match=r"^xs has shape \(3,\) but must be \(T, 3\)"):
        gru_run(p, xs[0])
    with pytest.raises(ValueError, match=r"^h0 has length 1 but must have length 2"):
        gru_run(p, xs, [0.0])
    trace = gru_run(p, xs, h0)
    with pytest.raises(ValueError, match=r"^dh has shape \(5, 2\) but must be \(6, 2\)"):
        gru_backward(p, trace, dh[:5])
    with pytest.raises(ValueError, match="run the same params forward first"):
        gru_backward(GRUParams.random(3, 4), trace, dh)


def test_sizes_and_parameter_counts() -> None:
    p = GRUParams.random(5, 3)
    assert (p.n_input, p.n_hidden) == (5, 3)
    assert p.n_params == 3 * 3 * (3 + 5 + 1) + 3  # b_hn is the one extra vector
    assert p.with_reset_after(False).n_params == 3 * 3 * (3 + 5 + 1)
    assert p.n_params_torch == sum(a.size for a in p.to_torch_state().values()) == 3 * 3 * 10
    z = GRUParams.zeros(2, 4, reset_after=False, concat_order="x_first")
    assert z.b_hn is None and z.concat_order == "x_first" and not np.any(z.W_n)
    assert all(not a.flags.writeable for a in (p.W_r, p.b_n, p.b_hn))


@pytest.mark.parametrize("reset_after", CONVENTIONS)
def test_dict_round_trip(reset_after: bool) -> None:
    p = GRUParams.random(2, 3, seed=3, reset_after=reset_after, concat_order="x_first")
    q = GRUParams.from_dict(p.to_dict())
    assert q.to_dict() == p.to_dict()
    with pytest.raises(ValueError, match="unknown parameter name"):
        GRUParams.from_dict(p.to_dict() | {"W_q": []})
    with pytest.raises(ValueError, match="missing parameter"):
        GRUParams.from_dict({k: v for k, v in p.to_dict().items() if k != "W_z"})


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_torch_state_round_trip_is_bit_exact(order: Any) -> None:
    p = GRUParams.random(4, 3, seed=11, concat_order=order)
    state = p.to_torch_state()
    assert {k: v.shape for k, v in state.items()} == {
        "weight_ih_l0": (9, 4),
        "weight_hh_l0": (9, 3),
        "bias_ih_l0": (9,),
        "bias_hh_l0": (9,),
    }
    q = GRUParams.from_torch_state(state, concat_order=order)
    assert q.to_dict() == p.to_dict()
    for name, a in p.to_torch_state(layer=2).items():
        np.testing.assert_array_equal(a, state[name.replace("_l2", "_l0")])
    # a state dict with both bias vectors in use: weights and b_in, b_hn come back exactly
    rng = np.random.default_rng(0)
    full = {k: rng.normal(size=v.shape) for k, v in state.items()}
    back = GRUParams.from_torch_state(full, concat_order=order).to_torch_state()
    for k in ("weight_ih_l0", "weight_hh_l0"):
        np.testing.assert_array_equal(back[k], full[k])
    np.testing.assert_array_equal(back["bias_ih_l0"][6:], full["bias_ih_l0"][6:])
    np.testing.assert_array_equal(back["bias_hh_l0"][6:], full["bias_hh_l0"][6:])
    np.testing.assert_allclose(
        back["bias_ih_l0"][:6] + back["bias_hh_l0"][:6],
        full["bias_ih_l0"][:6] + full["bias_hh_l0"][:6],
        rtol=0,
        atol=1e-15,
    )


def test_from_torch_state_messages() -> None:
    state = GRUParams.random(2, 3).to_torch_state()
    with pytest.raises(ValueError, match="the state has no 'weight_ih_l1'"):
        GRUParams.from_torch_state(state, layer=1)
    lstm = state | {"weight_hh_l0": np.zeros((12, 3))}
    with pytest.raises(ValueError, match=r"weight_hh_l0 has shape \(12, 3\) \(4n rows: an LSTM"):
        GRUParams.from_torch_state(lstm)
    with pytest.raises(ValueError, match=r"^weight_ih_l0 has shape \(6, 2\) but must be \(9, 2\)"):
        GRUParams.from_torch_state(state | {"weight_ih_l0": np.zeros((6, 2))})
    with pytest.raises(ValueError, match="^bias_hh_l0 has length 3 but must have length 9"):
        GRUParams.from_torch_state(state | {"bias_hh_l0": np.zeros(3)})
    no_bias = {k: v for k, v in state.items() if k.startswith("weight")}  # GRU(bias=False)
    assert not np.any(GRUParams.from_torch_state(no_bias).b_hn)
    with pytest.raises(ValueError, match="torch.nn.GRU computes only reset_after=True"):
        GRUParams.random(2, 3, reset_after=False).to_torch_state()
