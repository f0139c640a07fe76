"""Caches for pure renderings (LaTeX, HTML, URL text) keyed on the exact values of arrays.

An edit changes one number; everything drawn from the arrays it did not touch is found
here instead of being formatted again. Keys are an array's dtype, shape and bytes, so a
hit returns exactly what the function would have returned.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar

import numpy as np

R = TypeVar("R")


class _Key:
    """An array as a hashable key: equal when dtype, shape and bytes are equal."""

    __slots__ = ("a", "key")

    def __init__(self, a: np.ndarray) -> None:
        self.a, self.key = a, (a.dtype.str, a.shape, a.tobytes())

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and self.key == other.key


def by_value(maxsize: int = 512) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """``lru_cache`` for a pure function whose positional arguments may be NumPy arrays."""

    def wrap(fn: Callable[..., R]) -> Callable[..., R]:
        @lru_cache(maxsize=maxsize)
        def cached(*args: Any) -> R:
            return fn(*(x.a if isinstance(x, _Key) else x for x in args))

        @wraps(fn)
        def call(*args: Any) -> R:
            return cached(*(_Key(x) if isinstance(x, np.ndarray) else x for x in args))

        return call

    return wrap
