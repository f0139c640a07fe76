"""Time lstm_core.run() (full trace) against torch.nn.LSTM in the same process.

CPU, float64, one thread on both sides, batch 1. Prints medians and the
ratio ours / torch (below 1 means lstm_core is faster). Not a test: the
machines are shared and noisy, so read ratios, not absolute times.

    make bench        # or: python benchmarks/bench_core.py
"""

from __future__ import annotations

import os

# One BLAS thread for NumPy, as torch.set_num_threads(1) does for torch.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import paired_times  # noqa: E402

from lstm_core import LSTMParams, run  # noqa: E402
from lstm_core.torch_layout import to_torch_state  # noqa: E402

# (T, m, n) -> the goal for the ratio ours / torch (issue 9)
GOALS = {(1000, 3, 3): 0.8, (1000, 32, 64): 0.8, (200, 128, 256): 1.0}


def main() -> int:
    torch.set_num_threads(1)
    print(f"numpy {np.__version__}, torch {torch.__version__}, float64, 1 thread, batch 1")
    print(f"{'T':>5} {'m':>4} {'n':>4} {'lstm_core ms':>13} {'torch ms':>9} {'ratio':>6} goal")
    missed = []
    for (T, m, n), goal in GOALS.items():
        params = LSTMParams.random(m, n, seed=0)
        xs = np.random.default_rng(1).normal(size=(T, m))
        lstm = torch.nn.LSTM(m, n).double()
        lstm.load_state_dict({k: torch.from_numpy(v) for k, v in to_torch_state(params).items()})
        x_t = torch.from_numpy(xs).unsqueeze(1)  # (T, 1, m)
        repeats = 9 if T * n < 100_000 else 5

        def ours(params: LSTMParams = params, xs: np.ndarray = xs) -> None:
            run(params, xs)

        def theirs(lstm: torch.nn.LSTM = lstm, x_t: torch.Tensor = x_t) -> None:
            with torch.no_grad():
                lstm(x_t)

        t_ours, t_torch = paired_times(ours, theirs, repeats)
        ratio = t_ours / t_torch
        if ratio > goal:
            missed.append(f"T={T}, m={m}, n={n}")
        print(
            f"{T:>5} {m:>4} {n:>4} {t_ours * 1e3:>13.2f} {t_torch * 1e3:>9.2f} {ratio:>6.2f} "
            f"≤ {goal}"
        )
    print("every size meets its goal" if not missed else f"missed at {'; '.join(missed)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
