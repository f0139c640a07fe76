"""Time lstm_core's GRU (gru_run, and gru_run + gru_backward) against torch.nn.GRU.

CPU, float64, one thread on both sides, batch 1, torch's convention (reset_after=True).
Forward: gru_run (the full trace) against torch.nn.GRU under no_grad. Forward + backward:
gru_run + gru_backward for a loss on every step, L = Σ_t dh[t]·h_t, against torch's
forward and autograd backward; both sides compute the gradients of every weight and bias,
of every x_t and of h0. Prints medians and the ratios ours / torch (below 1 means lstm_core
is faster). Not a test: the machines are shared and noisy, so read ratios, not times.

    make bench        # or: python benchmarks/bench_gru.py
"""

from __future__ import annotations

import os

# One BLAS thread for NumPy, as torch.set_num_threads(1) does for torch.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from lstm_core import GRUParams, gru_backward, gru_run  # noqa: E402

SIZES = [(1000, 3, 3), (1000, 32, 64), (200, 128, 256)]  # as bench_core.py
GOAL = 1.0
PAIRS = 21


@dataclass(frozen=True)
class Timing:
    ours: float  # median seconds
    torch: float
    ratio: float  # median of ours / torch over back-to-back pairs

    def __str__(self) -> str:
        return f" {self.ours * 1e3:>8.2f} {self.torch * 1e3:>9.2f} {self.ratio:>6.2f}"


def paired(ours: Callable[[], Any], theirs: Callable[[], Any], pairs: int) -> Timing:
    """Time the two back to back, ``pairs`` times, alternating which goes first.

    On a shared machine the load drifts over seconds; a pair sees nearly the same load,
    so the median of the per-pair ratios is steadier than a ratio of two medians.
    """
    ours()  # warm up both
    theirs()
    a, b = [], []
    for k in range(pairs):
        for fn, out in ((ours, a), (theirs, b))[:: 1 if k % 2 == 0 else -1]:
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    ratios = np.array(a) / np.array(b)
    return Timing(float(np.median(a)), float(np.median(b)), float(np.median(ratios)))


def measure(T: int, m: int, n: int) -> tuple[Timing, Timing]:
    """Forward, and forward + backward: ours against torch's."""
    params = GRUParams.random(m, n, seed=0)
    rng = np.random.default_rng(1)
    xs, h0, dh = rng.normal(size=(T, m)), rng.uniform(-1, 1, n), rng.normal(size=(T, n))
    gru = torch.nn.GRU(m, n, dtype=torch.float64)
    gru.load_state_dict({k: torch.from_numpy(v) for k, v in params.to_torch_state().items()})
    x_t, h_t = torch.from_numpy(xs)[:, None], torch.from_numpy(h0)[None, None]
    dh_t = torch.from_numpy(dh)

    def fwd_ours() -> Any:
        return gru_run(params, xs, h0)

    def fwd_torch() -> Any:
        with torch.no_grad():
            return gru(x_t, h_t)

    def both_ours() -> Any:
        return gru_backward(params, gru_run(params, xs, h0), dh)

    def both_torch() -> Any:
        gru.zero_grad(set_to_none=True)
        x = x_t.clone().requires_grad_(True)
        h = h_t.clone().requires_grad_(True)
        out, _ = gru(x, h)
        (out[:, 0] * dh_t).sum().backward()
        return x.grad, h.grad

    # the same numbers on both sides before timing anything
    g = both_ours()
    dx, dh0 = both_torch()
    err = max(
        float(np.max(np.abs(fwd_ours().h - fwd_torch()[0][:, 0].numpy()))),
        float(np.max(np.abs(g.dx - dx[:, 0].numpy()))),
        float(np.max(np.abs(g.dh0 - dh0.view(n).numpy()))),
    )
    assert err < 1e-9, f"ours and torch's differ by {err:.1e} at T={T}, m={m}, n={n}"
    return paired(fwd_ours, fwd_torch, PAIRS), paired(both_ours, both_torch, PAIRS)


def main() -> int:
    torch.set_num_threads(1)
    print(f"numpy {np.__version__}, torch {torch.__version__}, float64, 1 thread, batch 1")
    print(f"medians of {PAIRS} back-to-back pairs; ratio: median of the per-pair ratios")
    head = f"{'T':>5} {'m':>4} {'n':>4} | {'forward':^26} | {'forward + backward':^26}"
    print(head + f"\n{'':16}|" + f" {'ours ms':>8} {'torch ms':>9} {'ratio':>6} |" * 2)
    worst = 0.0
    for T, m, n in SIZES:
        fwd, both = measure(T, m, n)
        worst = max(worst, fwd.ratio, both.ratio)
        print(f"{T:>5} {m:>4} {n:>4} | {fwd} | {both}")
    verdict = "meets" if worst <= GOAL else "misses"
    print(f"worst ratio {worst:.2f}: {verdict} the goal of at most {GOAL}x torch's time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
