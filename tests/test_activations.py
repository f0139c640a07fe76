"""σ, tanh and their derivatives: accurate in the tails, silent at the extremes."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from lstm_core import (
    ACTIVATIONS,
    DEFAULT_SATURATION_FRACTION,
    saturation,
    sigmoid,
    sigmoid_grad,
    tanh,
    tanh_grad,
)

FUNCTIONS = {
    "sigmoid": sigmoid,
    "tanh": tanh,
    "sigmoid_grad": sigmoid_grad,
    "tanh_grad": tanh_grad,
}
EXTREMES = np.array(
    [1e308, -1e308, np.finfo(np.float64).max, -np.finfo(np.float64).max, 1e300, -1e300]
    + [1000.0, -1000.0, 746.0, -746.0, 710.0, -710.0, 5e-324, -5e-324, 0.0]
)


def exact_sigmoid(z: float) -> float:
    """σ from the math module, written so that neither branch cancels or overflows."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def rel_err(a: float, b: float) -> float:
    return abs(a - b) / abs(b)


# -- values ----------------------------------------------------------------------


def test_sigmoid_known_values() -> None:
    assert float(sigmoid(0.0)) == 0.5
    assert float(sigmoid(2.0)) == pytest.approx(0.8807970779778823, rel=1e-15)
    assert float(sigmoid(-2.0)) == pytest.approx(0.11920292202211755, rel=1e-15)
    np.testing.assert_array_equal(sigmoid([-1e308, 1e308]), [0.0, 1.0])


@pytest.mark.parametrize("z", [-709.0, -700.0, -300.0, -50.0, -20.0, -1.0, 0.5, 3.0, 15.0, 30.0])
def test_sigmoid_is_accurate_on_both_sides(z: float) -> None:
    assert rel_err(float(sigmoid(z)), exact_sigmoid(z)) < 4e-16


def test_sigmoid_below_minus_709_is_within_a_subnormal_of_the_truth() -> None:
    """e^{740} overflows, so σ(-740) is 0 instead of the subnormal 4.2e-322."""
    for z in (-740.0, -746.0, -1e5):
        assert 0.0 <= float(sigmoid(z)) <= 1e-307
        assert abs(float(sigmoid(z)) - exact_sigmoid(z)) < 1e-307


@pytest.mark.parametrize("z", [-20.0, -3.0, -0.1, 0.0, 0.7, 5.0, 19.0, 400.0])
def test_tanh_matches_math_tanh(z: float) -> None:
    assert float(tanh(z)) == pytest.approx(math.tanh(z), rel=1e-15, abs=0.0)


def test_sigmoid_grad_at_36_is_accurate_where_the_naive_form_is_4_percent_off() -> None:
    z = 36.0
    exact = math.exp(-z) / (1.0 + math.exp(-z)) ** 2
    ours = float(sigmoid_grad(z))
    assert rel_err(ours, exact) < 1e-12
    s = float(sigmoid(z))
    naive = s * (1.0 - s)
    assert rel_err(naive, exact) > 0.03  # what σ(1-σ) would have given
    assert rel_err(ours, exact) < rel_err(naive, exact) / 1e9


@pytest.mark.parametrize("z", [40.0, 60.0, 100.0, 300.0, 700.0])
def test_sigmoid_grad_far_in_the_tail(z: float) -> None:
    """σ'(z) = e^-z/(1+e^-z)² ≈ e^-z: positive and accurate, where σ(1-σ) is exactly 0."""
    exact = math.exp(-z) / (1.0 + math.exp(-z)) ** 2
    assert rel_err(float(sigmoid_grad(z)), exact) < 1e-12
    assert rel_err(float(sigmoid_grad(-z)), exact) < 1e-12


@pytest.mark.parametrize("z", [0.0, 0.3, 2.0, 10.0, 20.0, 100.0, 350.0])
def test_tanh_grad_is_accurate_in_the_tail(z: float) -> None:
    """tanh'(z) = 4e^{-2z}/(1+e^{-2z})²; 1 - tanh² is exactly 0 from z ≈ 19."""
    e = math.exp(-2.0 * z)
    exact = 4.0 * e / (1.0 + e) ** 2
    assert rel_err(float(tanh_grad(z)), exact) < 1e-12
    assert rel_err(float(tanh_grad(-z)), exact) < 1e-12
    if z >= 20.0:
        assert 1.0 - math.tanh(z) ** 2 == 0.0


def test_derivative_maxima() -> None:
    """σ'(0) = 0.25 is σ's maximum slope, tanh'(0) = 1 (claim 5 of the seed thread)."""
    assert float(sigmoid_grad(0.0)) == 0.25 == ACTIVATIONS["sigmoid"].grad_max
    assert float(tanh_grad(0.0)) == 1.0 == ACTIVATIONS["tanh"].grad_max
    z = np.linspace(-10, 10, 2001)
    assert np.max(sigmoid_grad(z)) == 0.25
    assert np.max(tanh_grad(z)) == 1.0


def test_activation_table() -> None:
    sig, tnh = ACTIVATIONS["sigmoid"], ACTIVATIONS["tanh"]
    assert (sig.low, sig.high, tnh.low, tnh.high) == (0.0, 1.0, -1.0, 1.0)
    assert sig.fn is sigmoid and sig.grad is sigmoid_grad
    assert tnh.fn is tanh and tnh.grad is tanh_grad


# -- extremes: no warnings, no NaN -----------------------------------------------


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_no_warning_and_no_nan_up_to_1e308(name: str) -> None:
    fn = FUNCTIONS[name]
    with warnings.catch_warnings(), np.errstate(over="warn", invalid="warn", divide="warn"):
        warnings.simplefilter("error")
        out = fn(EXTREMES)
    assert out.shape == EXTREMES.shape
    assert not np.any(np.isnan(out)), f"{name} gave NaN at {EXTREMES[np.isnan(out)]}"
    assert np.all(np.isfinite(out))


def test_values_at_the_extremes() -> None:
    big = np.array([1e308, -1e308])
    np.testing.assert_array_equal(sigmoid(big), [1.0, 0.0])
    np.testing.assert_array_equal(tanh(big), [1.0, -1.0])
    np.testing.assert_array_equal(sigmoid_grad(big), [0.0, 0.0])
    np.testing.assert_array_equal(tanh_grad(big), [0.0, 0.0])


def test_global_error_state_is_left_alone() -> None:
    before = np.geterr()
    sigmoid(EXTREMES)
    tanh_grad(EXTREMES)
    sigmoid_grad(EXTREMES)
    assert np.geterr() == before


# -- dtypes -----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_dtype_is_preserved(name: str, dtype: type[np.floating]) -> None:
    z = np.array([-100.0, -3.0, 0.0, 2.5, 100.0], dtype=dtype)
    out = FUNCTIONS[name](z)
    assert out.dtype == np.dtype(dtype)
    assert out.shape == z.shape
    reference = FUNCTIONS[name](z.astype(np.float64))
    np.testing.assert_allclose(out, reference, rtol=1e-6, atol=1e-7)


def test_float32_extremes_are_silent() -> None:
    z = np.array([3e38, -3e38, 100.0, -100.0], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, fn in FUNCTIONS.items():
            out = fn(z)
            assert out.dtype == np.float32, name
            assert np.all(np.isfinite(out)), name


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_integer_and_list_input_become_float64(name: str) -> None:
    out = FUNCTIONS[name]([0, 1, -2])
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, FUNCTIONS[name](np.array([0.0, 1.0, -2.0])), rtol=0, atol=0)


def test_sigmoid_keeps_its_input_untouched() -> None:
    z = np.array([1.0, -2.0, 3.0])
    sigmoid(z)
    sigmoid_grad(z)
    np.testing.assert_array_equal(z, [1.0, -2.0, 3.0])


# -- saturation -------------------------------------------------------------------


def test_default_saturation_fraction_is_one_percent() -> None:
    assert DEFAULT_SATURATION_FRACTION == 0.01
    z = np.array([-7.0, -5.9, 0.0, 5.98, 5.99, 30.0])
    np.testing.assert_array_equal(saturation(z), [True, False, False, False, True, True])
    np.testing.assert_array_equal(saturation(z), saturation(z, "sigmoid", threshold=0.01))


def test_saturation_tanh_default() -> None:
    z = np.array([-3.0, -2.99, 0.0, 2.99, 3.0])
    np.testing.assert_array_equal(saturation(z, "tanh"), [True, False, False, False, True])


@pytest.mark.parametrize(
    ("activation", "threshold", "edge"),
    [("sigmoid", 0.1, 3.6369), ("tanh", 0.1, 1.8184), ("sigmoid", 0.004, 6.9058)],
)
def test_saturation_threshold_parameter(activation: str, threshold: float, edge: float) -> None:
    z = np.array([edge - 1e-3, edge + 1e-3, -(edge + 1e-3), 0.0])
    flags = saturation(z, activation, threshold=threshold)  # type: ignore[arg-type]
    assert flags.dtype == np.bool_
    np.testing.assert_array_equal(flags, [False, True, True, False])
    # a stricter threshold flags fewer units
    assert not np.any(saturation([edge + 1e-3], activation, threshold=threshold / 10))  # type: ignore[arg-type]


def test_saturation_shape_follows_input() -> None:
    z = np.zeros((2, 3))
    z[1, 2] = 50.0
    flags = saturation(z)
    assert flags.shape == (2, 3)
    assert flags.sum() == 1 and flags[1, 2]


@pytest.mark.parametrize("threshold", [0.0, 1.0, -0.1, 1.5])
def test_saturation_rejects_thresholds_outside_0_1(threshold: float) -> None:
    with pytest.raises(ValueError, match="threshold must lie strictly between 0 and 1"):
        saturation([1.0], threshold=threshold)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.5, 2.0])
def test_saturation_z_rejects_fractions_outside_0_1(fraction: float) -> None:
    with pytest.raises(ValueError, match="fraction must lie strictly between 0 and 1"):
        ACTIVATIONS["sigmoid"].saturation_z(fraction)


def test_saturation_z_agrees_with_saturation() -> None:
    for name, act in ACTIVATIONS.items():
        for frac in (0.5, 0.1, 0.01, 1e-4):
            edge = act.saturation_z(frac)
            inside, outside = edge * (1 - 1e-9), edge * (1 + 1e-9)
            assert not saturation([inside], name, threshold=frac)[0], (name, frac)  # type: ignore[arg-type]
            assert saturation([outside], name, threshold=frac)[0], (name, frac)  # type: ignore[arg-type]
