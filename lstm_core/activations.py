"""The two squashing functions of an LSTM and their derivatives.

Notation
--------
σ(z)   = 1 / (1 + e^{-z})        range (0, 1), σ'(z) = σ(z)·σ(-z)  ≤ 0.25
tanh(z)                            range (-1, 1), tanh'(z) = 1/cosh²(z) ≤ 1

Both are computed so that they stay accurate and silent for any finite z,
even |z| = 1e308: no overflow warning, no NaN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.floating]
ActivationName = Literal["sigmoid", "tanh"]

#: Default saturation threshold: a unit is "saturated" when its activation's
#: derivative is below 1% of that derivative's maximum (|z| > 5.9864 for σ,
#: |z| > 2.9932 for tanh).
DEFAULT_SATURATION_FRACTION = 0.01


def as_float(z: ArrayLike) -> FloatArray:
    """``z`` as an array of floats (its own float type kept; anything else as float64)."""
    a = np.asarray(z)
    return a if np.issubdtype(a.dtype, np.floating) else a.astype(np.float64)


def sigmoid_into(z: FloatArray, out: FloatArray) -> FloatArray:
    """σ(z) written into ``out``; call inside ``np.errstate(over="ignore")``.

    1/(1+e^{-z}) keeps full relative precision on both sides (within a couple
    of roundings): for z ≪ 0, e^{-z} is huge and its reciprocal is accurate;
    for z ≫ 0 the sum rounds to 1. Only e^{-z} may overflow (z < -709.8), to
    inf, and 1/inf = 0 where the true value is a subnormal below 1e-307.
    """
    np.negative(z, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.reciprocal(out, out=out)
    return out


def sigmoid(z: ArrayLike) -> FloatArray:
    """σ(z) = 1 / (1 + e^{-z}), elementwise, stable for every finite z."""
    a = as_float(z)
    out = np.empty_like(a)
    with np.errstate(over="ignore"):
        return sigmoid_into(a, out)


def tanh(z: ArrayLike) -> FloatArray:
    """tanh(z), elementwise (NumPy's tanh never overflows)."""
    return np.tanh(as_float(z))


def sigmoid_grad(z: ArrayLike) -> FloatArray:
    """σ'(z) = σ(z)·σ(-z).

    Not σ(1-σ): once σ(z) rounds to 1 (z > 36.7 in float64) that form is
    exactly 0, and it is already 4% off at z = 36.
    """
    a = as_float(z)
    return sigmoid(a) * sigmoid(-a)


def tanh_grad(z: ArrayLike) -> FloatArray:
    """tanh'(z) = 1/cosh²(z); unlike 1 - tanh², accurate far into the tails."""
    a = as_float(z)
    with np.errstate(over="ignore"):
        return np.reciprocal(np.square(np.cosh(a)))


@dataclass(frozen=True)
class Activation:
    """One squashing function, described once for the math and for the UI."""

    name: ActivationName
    symbol: str  # as shown in formulas
    fn: Callable[[ArrayLike], FloatArray]
    grad: Callable[[ArrayLike], FloatArray]
    grad_max: float  # the derivative's peak, reached at z = 0
    low: float  # the open range (low, high) of the output
    high: float

    def saturation_z(self, fraction: float = DEFAULT_SATURATION_FRACTION) -> float:
        """|z| beyond which the derivative is below ``fraction`` of its peak."""
        if not 0.0 < fraction < 1.0:
            raise ValueError(f"fraction must lie strictly between 0 and 1, got {fraction}")
        if self.name == "sigmoid":
            # σ(1-σ) = q/4 -> σ = (1 + sqrt(1-q))/2 -> z = logit(σ)
            s = (1.0 + np.sqrt(1.0 - fraction)) / 2.0
            return float(np.log(s / (1.0 - s)))
        # sech²(z) = q -> cosh(z) = 1/sqrt(q)
        return float(np.arccosh(1.0 / np.sqrt(fraction)))


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", "σ", sigmoid, sigmoid_grad, 0.25, 0.0, 1.0),
    "tanh": Activation("tanh", "tanh", tanh, tanh_grad, 1.0, -1.0, 1.0),
}


@dataclass(frozen=True, eq=False)
class Saturation:
    """Where units sit on their activation, and which of them pass almost no gradient.

    slope       the derivative at each unit's z                            (n,)
    saturated   slope < threshold × the derivative's peak                  (n,) bool
    z_limit     |z| beyond which a unit counts as saturated
    """

    slope: FloatArray
    saturated: NDArray[np.bool_]
    z_limit: float
    threshold: float

    @property
    def count(self) -> int:
        """How many units are saturated."""
        return int(np.count_nonzero(self.saturated))


def saturation_of(
    z: ArrayLike,
    activation: ActivationName = "sigmoid",
    threshold: float = DEFAULT_SATURATION_FRACTION,
) -> Saturation:
    """Slopes, saturated units and the |z| limit for pre-activations ``z``; see
    :func:`saturation`."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be 'sigmoid' or 'tanh', got {activation!r}")
    act = ACTIVATIONS[activation]
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must lie strictly between 0 and 1, got {threshold}")
    slope = act.grad(z)
    saturated = np.asarray(slope < threshold * act.grad_max)
    return Saturation(slope, saturated, act.saturation_z(threshold), threshold)


def saturation(
    z: ArrayLike,
    activation: ActivationName = "sigmoid",
    threshold: float = DEFAULT_SATURATION_FRACTION,
) -> NDArray[np.bool_]:
    """Per unit: is the derivative below ``threshold`` × its maximum?

    σ' peaks at 0.25 and tanh' at 1, both at z = 0. With the default
    threshold 0.01 a sigmoid unit counts as saturated for |z| > 5.9864 and a
    tanh unit for |z| > 2.9932. A saturated unit passes almost no gradient.
    """
    return saturation_of(z, activation, threshold).saturated


def rounds_to_one_z(dtype: type[np.floating] | np.dtype = np.float64) -> float:
    """The z from which σ(z) rounds to exactly 1.0 in ``dtype``.

    1 + e^{-z} rounds to 1 once e^{-z} ≤ eps/2 = 2^-(p), p the precision in bits:
    z ≥ 24·ln 2 ≈ 16.64 in float32 and z ≥ 53·ln 2 ≈ 36.74 in float64.
    """
    bits = np.finfo(dtype).nmant + 1
    return float(bits * np.log(2.0))
