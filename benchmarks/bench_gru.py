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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import median_time  # noqa: E402

from lstm_core import GRUParams, gru_backward, gru_run  # noqa: E402

SIZES = [(1000, 3, 3), (1000, 32, 64), (200, 128, 256)]  # as bench_core.py
GOAL = 1.0


def best_of_interleaved(fns: list[Callable[[], Any]], repeats: int) -> list[float]:
    """min over 3 rounds of each function's median, the rounds interleaved over noise."""
    rounds = [[median_time(f, repeats) for f in fns] for _ in range(3)]
    return [min(r[k] for r in rounds) for k in range(len(fns))]


def measure(T: int, m: int, n: int) -> tuple[float, float, float, float]:
    """Best medians (s): forward ours, torch; forward + backward ours, torch."""
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
    repeats = 7 if T * n < 100_000 else 5
    f_ours, f_torch = best_of_interleaved([fwd_ours, fwd_torch], repeats)
    b_ours, b_torch = best_of_interleaved([both_ours, both_torch], max(3, repeats // 2))
    return f_ours, f_torch, b_ours, b_torch


def main() -> int:
    torch.set_num_threads(1)
    print(f"numpy {np.__version__}, torch {torch.__version__}, float64, 1 thread, batch 1")
    head = f"{'T':>5} {'m':>4} {'n':>4} | {'fwd ours':>9} {'torch':>8} {'ratio':>6} |"
    print(head + f" {'fwd+bwd ours':>12} {'torch':>8} {'ratio':>6}   (ms)")
    worst = 0.0
    for T, m, n in SIZES:
        f_ours, f_torch, b_ours, b_torch = measure(T, m, n)
        rf, rb = f_ours / f_torch, b_ours / b_torch
        worst = max(worst, rf, rb)
        print(
            f"{T:>5} {m:>4} {n:>4} | {f_ours * 1e3:>9.2f} {f_torch * 1e3:>8.2f} {rf:>6.2f} |"
            f" {b_ours * 1e3:>12.2f} {b_torch * 1e3:>8.2f} {rb:>6.2f}"
        )
    verdict = "meets" if worst <= GOAL else "misses"
    print(f"worst ratio {worst:.2f}: {verdict} the goal of at most {GOAL}x torch's time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
