"""Shared timing helper for the benchmarks (medians, after one warm-up call)."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np


def median_time(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def paired_times(
    ours: Callable[[], object], theirs: Callable[[], object], repeats: int, rounds: int = 9
) -> tuple[float, float]:
    """The best median of each side over ``rounds`` rounds that take turns.

    On a shared machine another tenant can slow a whole round; taking turns exposes both
    sides to the same slow spells, and the best round of each is the cost of the code
    itself, which is what the ratio compares.
    """
    a, b = [], []
    for _ in range(rounds):
        a.append(median_time(ours, repeats))
        b.append(median_time(theirs, repeats))
    return min(a), min(b)
