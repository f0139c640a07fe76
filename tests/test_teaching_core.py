"""lstm_core.teaching: the math behind the four teaching pages, with the thread's numbers."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lstm_core import GATES, LSTMParams, rounds_to_one_z, sigmoid, sigmoid_grad, step
from lstm_core.presets import load_preset
from lstm_core.teaching import (
    CHECK_RTOL,
    array_shapes,
    can_multiply,
    cell_path,
    chain_products,
    check,
    concat_order_demo,
    derivative_at_scales,
    draws_can_differ,
    dropped_term,
    framework_layout,
    one_minus_sigmoid,
    param_counts,
    param_formula,
    parse_vector,
    readout,
    sample_cell,
    scale_gate_weights,
    scaled_preactivations,
    tolerance,
    total_params,
)
from lstm_core.torch_layout import to_keras_weights, to_torch_state

sizes = st.integers(min_value=1, max_value=8)


# -- shapes -----------------------------------------------------------------------------
def test_seed_sizes_give_84_parameters() -> None:
    assert total_params(3, 3) == 84
    assert param_formula(3, 3) == "4·3·6 + 4·3 = 84"
    assert [(c.weights, c.biases, c.total) for c in param_counts(3, 3)] == [(18, 3, 21)] * 4


@given(sizes, sizes)
def test_parameter_count_formula(m: int, n: int) -> None:
    assert total_params(m, n) == 4 * n * (n + m) + 4 * n
    p = LSTMParams.zeros(m, n)
    assert total_params(m, n) == sum(p.W(g.key).size + p.b(g.key).size for g in GATES)


def test_every_weight_matrix_is_n_by_n_plus_m() -> None:
    shapes = {a.name: a.shape for a in array_shapes(3, 3)}
    assert shapes["W_f, W_i, W_c, W_o"] == (3, 6)
    assert shapes["v"] == (6,)
    assert shapes["h_t"] == shapes["C_t"] == (3,)
    assert not can_multiply((3, 3), 6)
    assert can_multiply((3, 6), 6)


def test_array_shapes_are_the_shapes_of_the_real_arrays() -> None:
    m, n = 2, 5
    p = LSTMParams.random(m, n, seed=0)
    s = step(p, np.ones(m), np.ones(n), np.ones(n))
    real = {
        "x_t": s.x,
        "h_{t-1}": s.h_prev,
        "C_{t-1}": s.c_prev,
        "v": s.concat,
        "W_f": p.W_f,
        "b_f": p.b_f,
        "z_f": s.z_f,
        "f_t": s.f,
        "C_t": s.c,
        "h_t": s.h,
    }
    rows = array_shapes(m, n)
    assert [a.name.split(",")[0] for a in rows] == list(real)
    for a in rows:
        assert a.shape == real[a.name.split(",")[0]].shape, a.name
    assert [a.dims for a in rows][3:5] == [("n+m",), ("n", "n+m")]


def test_concat_order_with_the_seed_forget_gate() -> None:
    stored, swapped, moved = concat_order_demo(load_preset("seed-question"), "f")
    assert stored.order == "x_first" and stored.v.tolist() == [1, 2, 3, 4, 5, 6]
    assert stored.Wv.tolist() == [91, 175, 133]
    assert stored.z.tolist() == [92, 177, 136]
    assert swapped.order == "h_first" and swapped.v.tolist() == [4, 5, 6, 1, 2, 3]
    assert swapped.Wv.tolist() == [64, 148, 106]
    assert swapped.z.tolist() == [65, 150, 109]
    assert moved.z.tolist() == [92, 177, 136]  # columns follow v: same cell


@pytest.mark.parametrize("order", ["h_first", "x_first"])
@pytest.mark.parametrize(("m", "n"), [(3, 3), (2, 5), (4, 1)])
def test_framework_layouts_match_the_exported_arrays(order: str, m: int, n: int) -> None:
    p = LSTMParams.random(m, n, seed=m * 10 + n, concat_order=order)  # type: ignore[arg-type]
    torch_arrays = {a.name: a for a in framework_layout("torch", m, n)}
    state = to_torch_state(p)
    assert torch_arrays["weight_ih_l0"].shape == (4 * n, m)
    assert torch_arrays["weight_hh_l0"].shape == (4 * n, n)
    assert [b.gate for b in torch_arrays["weight_ih_l0"].blocks] == ["i", "f", "c", "o"]
    for name, arr in torch_arrays.items():
        assert state[name].shape == arr.shape
    for blk in torch_arrays["weight_ih_l0"].blocks:
        np.testing.assert_array_equal(
            state["weight_ih_l0"][blk.start : blk.stop], p.split(blk.gate)[1]
        )
    for blk in torch_arrays["weight_hh_l0"].blocks:
        np.testing.assert_array_equal(
            state["weight_hh_l0"][blk.start : blk.stop], p.split(blk.gate)[0]
        )
    keras_arrays = {a.name: a for a in framework_layout("keras", m, n)}
    weights = to_keras_weights(p)
    assert keras_arrays["kernel"].shape == (m, 4 * n)
    assert keras_arrays["recurrent_kernel"].shape == (n, 4 * n)
    for name, arr in keras_arrays.items():
        assert weights[name].shape == arr.shape
    for blk in keras_arrays["kernel"].blocks:
        np.testing.assert_array_equal(
            weights["kernel"][:, blk.start : blk.stop], p.split(blk.gate)[1].T
        )
    with pytest.raises(ValueError, match="torch' or 'keras"):
        framework_layout("jax", m, n)  # type: ignore[arg-type]


# -- saturation -----------------------------------------------------------------------------
def test_seed_forget_gate_slope_is_about_1e_minus_40() -> None:
    slopes = derivative_at_scales(load_preset("seed-question"), "f", [1.0])[0]
    assert 1.0e-40 < slopes.max() < 1.2e-40
    assert slopes.max() == pytest.approx(float(sigmoid_grad(92.0)))


def test_scaling_the_weights_slides_z_and_keeps_the_bias() -> None:
    ex = load_preset("seed-question")
    z = scaled_preactivations(ex, "f", [0.0, 0.5, 1.0])
    assert z[0].tolist() == [1, 2, 3]  # only b_f is left
    assert z[1].tolist() == [46.5, 89.5, 69.5]
    assert z[2].tolist() == [92, 177, 136]
    slopes = derivative_at_scales(ex, "f", [0.0, 0.01, 0.1, 1.0]).max(axis=1)
    assert np.all(np.diff(slopes) < 0)  # bigger weights, flatter tails
    p = scale_gate_weights(ex.params, "f", 2.0)
    np.testing.assert_array_equal(p.W_f, 2.0 * ex.params.W_f)
    np.testing.assert_array_equal(p.b_f, ex.params.b_f)
    np.testing.assert_array_equal(p.W_i, ex.params.W_i)


@pytest.mark.parametrize(("dtype", "z1"), [(np.float32, 16.64), (np.float64, 36.74)])
def test_sigmoid_rounds_to_one_where_the_plot_says(dtype: type[np.floating], z1: float) -> None:
    assert rounds_to_one_z(dtype) == pytest.approx(z1, abs=0.005)
    assert one_minus_sigmoid(z1 - 0.3, dtype) > 0
    assert one_minus_sigmoid(z1 + 0.3, dtype) == 0


def test_chains_of_slopes() -> None:
    np.testing.assert_allclose(chain_products(0.25, 4), [0.25, 0.0625, 0.015625, 0.00390625])
    assert chain_products(0.95, 40)[-1] == pytest.approx(0.95**40)
    with pytest.raises(ValueError, match="at least 1"):
        chain_products(0.5, 0)


# -- check my calculation --------------------------------------------------------------------
def test_the_threads_sum_is_wrong_in_entries_2_and_3() -> None:
    result = check(load_preset("seed-answer"), "i", {"z": [22, 42, 62]})
    assert result.wrong_units("z") == [1, 2]
    assert [e.correct for e in result.entries["z"]] == [22, 43, 64]
    assert [e.ok for e in result.entries["z"]] == [True, False, False]
    # 42 is W_i·v without the bias; 62 is no simple slip, so the sum itself is flagged
    assert [(c.stage, c.kind) for c in result.culprits[1]] == [("z", "bias")]
    assert [(c.stage, c.kind) for c in result.culprits[2]] == [("z", "sum")]
    assert not result.all_right()


def test_right_answers_within_the_stated_tolerance() -> None:
    ex = load_preset("seed-answer")
    result = check(ex, "i", {"wv": [21, 42, 63], "z": [22, 43.2, 64], "a": [1, 1, 1]})
    assert result.all_right() and not result.culprits
    assert tolerance(43) == pytest.approx(CHECK_RTOL * 43)
    assert tolerance(0.25) == CHECK_RTOL
    assert check(ex, "i", {"z": [22, 42.7, 64]}).wrong_units("z") == [1]


def test_first_differing_term_along_the_chain() -> None:
    ex = load_preset("seed-answer")
    # right W·v, wrong sum with b: the bias is the first difference
    r = check(ex, "i", {"wv": [21, 42, 63], "z": [22, 42, 64]})
    assert [(c.stage, c.kind) for c in r.culprits[1]] == [("z", "bias")]
    # W·v missing the product W[2, 5]·v[5] = 3·6
    r = check(ex, "i", {"wv": [21, 42, 45]})
    assert [(c.stage, c.kind, c.index) for c in r.culprits[2]] == [("wv", "product", 5)]
    assert dropped_term([1, 2, 3], 4) == 1
    assert dropped_term([1, 2, 3], 7) is None


def test_a_wrong_value_that_follows_from_an_earlier_one_is_marked_carried() -> None:
    ex = load_preset("forget-bias-1")
    s_z = check(ex, "f", {}).step.z_f
    wrong_z = [float(z) + 0.5 for z in s_z]
    follows = [float(sigmoid(z)) for z in wrong_z]
    result = check(ex, "f", {"z": wrong_z, "a": follows})
    assert all(e.ok is False and not e.carried for e in result.entries["z"])
    assert all(e.ok is False and e.carried for e in result.entries["a"])
    assert all(c[0].stage == "z" for c in result.culprits.values())  # the first, not the second


def test_a_sum_that_adds_the_bias_to_a_wrong_w_v_is_carried() -> None:
    result = check(load_preset("seed-answer"), "i", {"wv": [21, 41, 63], "z": [22, 42, 64]})
    assert [e.ok for e in result.entries["z"]] == [True, False, True]
    assert result.entries["z"][1].carried  # 41 + 1: the error is in W·v, not in + b
    assert [(c.stage, c.kind) for c in result.culprits[1]] == [("wv", "sum")]


def test_cell_and_hidden_state_checks() -> None:
    ex = load_preset("hadamard")
    s = check(ex, "c", {}).step
    only_forget = s.forget_term.tolist()  # the i∘C̃ term left out
    r = check(ex, "c", {"c": only_forget, "h": (s.o * s.c).tolist()})
    assert all(c.kind == "input_term" for cs in r.culprits.values() for c in cs if c.stage == "c")
    r = check(ex, "c", {"c": s.c.tolist(), "h": (s.o * s.c).tolist()})
    assert {c.kind for cs in r.culprits.values() for c in cs} == {"tanh"}


def test_parse_vector_reads_student_numbers() -> None:
    assert parse_vector("[22, 42, 62]", "z", 3) == [22, 42, 62]
    assert parse_vector("1/2; -0.25 1e-3", "a", 3) == [0.5, -0.25, 0.001]
    assert parse_vector("0.5, _, ?", "a", 3) == [0.5, None, None]
    assert parse_vector("  ", "a", 2) == [None, None]
    with pytest.raises(ValueError, match=r"W_i·v has 2 entries but needs 3"):
        parse_vector("1, 2", "W_i·v", 3)
    with pytest.raises(ValueError, match=r"W_i·v, entry 2: `abc` is not a number"):
        parse_vector("1, abc, 3", "W_i·v", 3)
    with pytest.raises(ValueError, match="divides by zero"):
        parse_vector("1/0, 1, 1", "h_t", 3)


# -- misconceptions ---------------------------------------------------------------------------
def test_sampled_masks_vary_while_the_real_cell_does_not() -> None:
    f, i = np.array([0.5, 0.8, 0.9]), np.array([0.5, 0.5, 0.5])
    c_tilde, c_prev = np.array([0.2, -0.4, 0.6]), np.array([0.5, -1.0, 2.0])
    draws = [sample_cell(f, i, c_tilde, c_prev, np.random.default_rng(k)).c for k in range(8)]
    assert len({tuple(d) for d in draws}) > 1
    for k in range(8):
        d = sample_cell(f, i, c_tilde, c_prev, np.random.default_rng(k))
        assert set(np.unique(np.r_[d.mask_f, d.mask_i])) <= {0.0, 1.0}
        np.testing.assert_array_equal(d.c, d.mask_f * c_prev + d.mask_i * c_tilde)
    assert draws_can_differ(f, i, c_tilde, c_prev)
    ex = load_preset("seed-question")  # f is exactly 1 and C̃ = 0: nothing can vary
    s = check(ex, "f", {}).step
    assert not draws_can_differ(s.f, s.i, s.c_tilde, ex.c_prev)


def test_readout_has_its_own_size() -> None:
    W_y, y = readout([0.1, -0.2, 0.3], 5)
    assert W_y.shape == (5, 3) and y.shape == (5,)
    assert np.all((y > 0) & (y < 1))


def test_cell_path_direct_part_is_the_product_of_f() -> None:
    ex = load_preset("forget-bias-1")
    path = cell_path(ex, 6)
    assert path.k.tolist() == [1, 2, 3, 4, 5]
    np.testing.assert_allclose(path.sigmoid_bound, 0.25**path.k)
    ratios = path.direct[1:] / path.direct[:-1]  # each step back multiplies by one f
    assert np.all((ratios > 0) & (ratios < 1))
    assert np.all(path.total > 0)
    with pytest.raises(ValueError, match="at least 2"):
        cell_path(ex, 1)


def test_cell_path_of_the_seed_keeps_the_gradient() -> None:
    path = cell_path(load_preset("seed-question"), 20)
    assert path.direct[-1].min() > 0.99  # f ≈ 1 on every step
    assert path.sigmoid_bound[-1] < 1e-11


def test_parse_vector_spots_a_decimal_comma() -> None:
    for typed, meant in (("0,5", "0.5"), ("0,5, 1, 2", "0.5"), ("3,14; 1", "3.14")):
        with pytest.raises(ValueError, match=rf"did you mean `{re.escape(meant)}`.*Use a dot"):
            parse_vector(typed, "z", 3)
    with pytest.raises(ValueError) as err:
        parse_vector("1, 2", "z", 3)  # no comma between digits: the plain count message
    assert "did you mean" not in str(err.value)
    assert parse_vector("0,5", "z", 2) == [0, 5]  # the right count: two entries, as typed
