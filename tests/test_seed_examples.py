"""The worked examples of ../shared/reference/seed-examples.md, each as its own test.

All numbers are exact: the inputs are small integers, so every pre-activation is
an exactly representable float and can be compared with ``==``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lstm_core import (
    ACTIVATIONS,
    LSTMParams,
    matvec_terms,
    rounds_to_one_z,
    sigmoid,
    sigmoid_grad,
    step,
)

X = [1.0, 2.0, 3.0]  # x_t
H = [4.0, 5.0, 6.0]  # h_{t-1}
C0 = [0.0, 0.0, 0.0]
W_F = [[1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9, 10], [3, 4, 5, 6, 7, 8]]
B_F = [1, 2, 3]
W_I = [[1] * 6, [2] * 6, [3] * 6]
B_I = [1, 1, 1]


def forget_example(order: str) -> LSTMParams:
    return LSTMParams.zeros(3, 3, concat_order=order).replace(W_f=W_F, b_f=B_F)  # type: ignore[arg-type]


def input_example(order: str) -> LSTMParams:
    return LSTMParams.zeros(3, 3, concat_order=order).replace(W_i=W_I, b_i=B_I)  # type: ignore[arg-type]


# -- Example A: the forget gate -------------------------------------------------


def test_forget_gate_x_first_order_as_the_question_computed_it() -> None:
    """[x_t, h_{t-1}] = [1..6]: W_f·v = [91, 175, 133], + b_f = [92, 177, 136], f = 1.0."""
    p = forget_example("x_first")
    s = step(p, X, H, C0)
    np.testing.assert_array_equal(s.concat, [1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(matvec_terms(p, "f", s.concat).sum(axis=1), [91, 175, 133])
    np.testing.assert_array_equal(s.z_f - p.b_f, [91, 175, 133])
    np.testing.assert_array_equal(s.z_f, [92, 177, 136])
    assert s.f.dtype == np.float64
    # σ rounds to exactly 1.0 in float64: the gate is fully open
    assert s.f.tolist() == [1.0, 1.0, 1.0]
    s32 = step(p, X, H, C0, dtype=np.float32)
    assert s32.f.dtype == np.float32
    assert s32.f.tolist() == [1.0, 1.0, 1.0]


def test_forget_gate_h_first_order_as_the_question_wrote_it() -> None:
    """[h_{t-1}, x_t] = [4, 5, 6, 1, 2, 3]: W_f·v = [64, 148, 106], z_f = [65, 150, 109]."""
    p = forget_example("h_first")
    s = step(p, X, H, C0)
    np.testing.assert_array_equal(s.concat, [4, 5, 6, 1, 2, 3])
    np.testing.assert_array_equal(matvec_terms(p, "f", s.concat).sum(axis=1), [64, 148, 106])
    np.testing.assert_array_equal(s.z_f, [65, 150, 109])
    assert s.f.tolist() == [1.0, 1.0, 1.0]


def test_the_two_orders_differ_with_the_same_w_and_agree_once_columns_are_moved() -> None:
    x_first, h_first = forget_example("x_first"), forget_example("h_first")
    assert step(x_first, X, H, C0).z_f.tolist() != step(h_first, X, H, C0).z_f.tolist()
    moved = x_first.with_concat_order("h_first")
    assert moved.concat_order == "h_first"
    np.testing.assert_array_equal(step(moved, X, H, C0).z_f, [92, 177, 136])


def test_forget_gate_shape_is_n_by_n_plus_m_not_n_by_n() -> None:
    """The question claims W_f is 3 × 3 for m = n = 3; it is 3 × 6."""
    p = forget_example("x_first")
    assert p.W_f.shape == (3, 6) == (p.n_hidden, p.n_hidden + p.n_input)
    with pytest.raises(ValueError, match=r"W_f has shape \(3, 3\) but must be \(3, 6\)"):
        p.replace(W_f=np.ones((3, 3)))


def test_one_minus_sigma_92_is_about_1e_minus_40() -> None:
    """1 - σ(92) = σ(-92) = e^-92/(1 + e^-92) ≈ 1.1e-40, invisible next to 1.0."""
    tail = float(sigmoid(-92.0))
    assert tail == pytest.approx(math.exp(-92.0), rel=1e-15)
    assert tail == pytest.approx(1.1089390193121365e-40, rel=1e-14)
    assert 1.0 - float(sigmoid(92.0)) == 0.0  # the subtraction cannot see it


def test_sigmoid_grad_at_92_is_about_1e_minus_40() -> None:
    """σ'(92) ≈ 1.1e-40: almost no gradient flows through this forget gate."""
    g = float(sigmoid_grad(92.0))
    assert g == pytest.approx(math.exp(-92.0), rel=1e-14)
    assert 1.0e-40 < g < 1.2e-40
    # the naive σ(1 - σ) would report exactly zero
    assert float(sigmoid(92.0)) * (1.0 - float(sigmoid(92.0))) == 0.0


def test_hidden_and_cell_state_have_the_same_size_n() -> None:
    s = step(forget_example("x_first"), X, H, C0)
    assert s.h.shape == s.c.shape == s.h_prev.shape == s.c_prev.shape == (3,)


# -- Example B: the input gate --------------------------------------------------


@pytest.mark.parametrize("order", ["x_first", "h_first"])
def test_input_gate_sum_is_22_43_64_in_both_orders(order: str) -> None:
    """W_i·v + b_i = [21, 42, 63] + 1 = [22, 43, 64], whatever the concat order
    (every row of W_i is constant, so the order of v cannot matter).

    The source printed [22, 42, 62]: an arithmetic slip, corrected here. Row r of
    W_i is r+1 everywhere, so W_i·v = (r+1)·(1+2+3+4+5+6) = 21·(r+1).
    """
    p = input_example(order)
    s = step(p, X, H, C0)
    np.testing.assert_array_equal(s.z_i - p.b_i, [21, 42, 63])
    np.testing.assert_array_equal(s.z_i, [22, 43, 64])
    assert s.z_i.tolist() != [22, 42, 62]


def test_sigma_22_in_float64_is_not_quite_one() -> None:
    s = step(input_example("x_first"), X, H, C0)
    assert s.i[0] == 0.9999999997210531
    assert float(sigmoid(22.0)) == 0.9999999997210531
    assert 1.0 - s.i[0] == pytest.approx(2.79e-10, rel=1e-3)
    # "closer to 0.999" undersells it: it is within 3e-10 of 1
    assert abs(1.0 - s.i[0]) < 1e-9 < abs(0.999 - s.i[0])
    # σ(43) and σ(64) are exactly 1.0 even in float64
    assert s.i[1] == 1.0 and s.i[2] == 1.0


def test_sigma_22_in_float32_is_exactly_one() -> None:
    assert sigmoid(np.float32(22.0)) == np.float32(1.0)
    assert sigmoid(np.array([22.0], dtype=np.float32)).dtype == np.float32
    s = step(input_example("x_first"), X, H, C0, dtype=np.float32)
    assert s.i.dtype == np.float32
    assert s.i.tolist() == [1.0, 1.0, 1.0]


# -- Example C: the Hadamard product ----------------------------------------------


def test_hadamard_product_1_2_3_times_3_2_1() -> None:
    """[1, 2, 3] ∘ [3, 2, 1] = [3, 4, 3]: the per-entry products of W_f's row and v."""
    p = LSTMParams.zeros(n_input=2, n_hidden=1).replace(W_f=[[1, 2, 3]])
    s = step(p, x=[2, 1], h_prev=[3], c_prev=[0])
    np.testing.assert_array_equal(s.concat, [3, 2, 1])
    np.testing.assert_array_equal(matvec_terms(p, "f", s.concat), [[3, 4, 3]])
    assert s.z_f.tolist() == [10.0]  # the row sum


def test_hadamard_forget_term_is_elementwise() -> None:
    """f∘C_{t-1} with f = [σ(40), σ(0), σ(40)] = [1, 0.5, 1] and C_{t-1} = [3, 8, 3]."""
    p = LSTMParams.zeros(3, 3).replace(b_f=[40, 0, 40])
    s = step(p, X, [0, 0, 0], c_prev=[3, 8, 3])
    assert s.f.tolist() == [1.0, 0.5, 1.0]
    np.testing.assert_array_equal(s.forget_term, [3, 4, 3])
    # with W = 0 and b = 0 elsewhere: i = 0.5, C̃ = 0, so nothing is written
    np.testing.assert_array_equal(s.input_term, [0, 0, 0])
    np.testing.assert_array_equal(s.c, [3, 4, 3])


# -- Saturation and rounding thresholds ----------------------------------------


@pytest.mark.parametrize(
    ("fraction", "sigma_z", "tanh_z"),
    [
        (0.1, 3.6369, 1.8184),  # derivative below 10% of its maximum
        (0.01, 5.9864, 2.9932),  # below 1%
    ],
)
def test_saturation_thresholds_table(fraction: float, sigma_z: float, tanh_z: float) -> None:
    sig, tnh = ACTIVATIONS["sigmoid"], ACTIVATIONS["tanh"]
    assert round(sig.saturation_z(fraction), 4) == sigma_z
    assert round(tnh.saturation_z(fraction), 4) == tanh_z
    # at the threshold the derivative is exactly that fraction of its maximum
    assert float(sig.grad(sig.saturation_z(fraction))) == pytest.approx(0.25 * fraction)
    assert float(tnh.grad(tnh.saturation_z(fraction))) == pytest.approx(1.0 * fraction)


def test_saturation_threshold_absolute_1e_minus_3() -> None:
    """The table's last row: derivative below 1e-3 (σ: 0.4% of 0.25, tanh: 0.1% of 1)."""
    assert round(ACTIVATIONS["sigmoid"].saturation_z(1e-3 / 0.25), 4) == 6.9058
    assert round(ACTIVATIONS["tanh"].saturation_z(1e-3), 4) == 4.1468


@pytest.mark.parametrize(
    ("dtype", "bits", "approx"), [(np.float32, 24, 16.64), (np.float64, 53, 36.74)]
)
def test_rounds_to_one_z(dtype: type[np.floating], bits: int, approx: float) -> None:
    z = rounds_to_one_z(dtype)
    assert z == pytest.approx(bits * math.log(2.0), rel=1e-12)
    assert round(z, 2) == approx
    below = sigmoid(np.array([z - 0.01], dtype=dtype))
    above = sigmoid(np.array([z + 0.01], dtype=dtype))
    assert below.dtype == above.dtype == np.dtype(dtype)
    assert below[0] < 1.0, f"σ({z - 0.01}) already rounds to 1 in {dtype.__name__}"
    assert above[0] == 1.0, f"σ({z + 0.01}) does not round to 1 in {dtype.__name__}"
    # and a whole gate in that dtype
    p = LSTMParams.zeros(1, 2).replace(b_o=[z - 0.01, z + 0.01])
    s = step(p, [0.0], [0.0, 0.0], [0.0, 0.0], dtype=dtype)
    assert s.o[0] < 1.0 and s.o[1] == 1.0


def test_block_products_split_the_seed_sum_into_its_h_and_x_parts() -> None:
    """h_first: W_f = [W^h | W^x], so W^h·h + W^x·x is W_f·v = [64, 148, 106]."""
    from lstm_core import block_products

    W_f = [[1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9, 10], [3, 4, 5, 6, 7, 8]]
    p = LSTMParams.zeros(3, 3, concat_order="h_first").replace(W_f=W_f, b_f=[1, 2, 3])
    from_h, from_x, total = block_products(p, "f", [1, 2, 3], [4, 5, 6])
    np.testing.assert_array_equal(from_h, [32, 92, 62])  # e.g. 1·4 + 2·5 + 3·6 = 32
    np.testing.assert_array_equal(from_x, [32, 56, 44])  # e.g. 4·1 + 5·2 + 6·3 = 32
    np.testing.assert_array_equal(total, [64, 148, 106])
