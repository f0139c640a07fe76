"""Central finite differences, shared by the backward-pass tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

EPS = 1e-6  # central differences: error ~EPS² from truncation, ~1e-16/EPS from rounding


def numgrad(f: Callable[[np.ndarray], float], a: np.ndarray, eps: float = EPS) -> np.ndarray:
    """Central differences of the scalar f at a, entry by entry."""
    a = np.array(a, dtype=np.float64)
    g = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        old = a[idx]
        a[idx] = old + eps
        up = f(a)
        a[idx] = old - eps
        down = f(a)
        a[idx] = old
        g[idx] = (up - down) / (2 * eps)
    return g


def rel_err(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """Largest absolute difference, relative to the largest numeric entry."""
    scale = max(float(np.max(np.abs(numeric))), 1e-12)
    return float(np.max(np.abs(analytic - numeric))) / scale
