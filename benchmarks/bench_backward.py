"""Time forward + backward (lstm_core.run + lstm_core.backward) against torch autograd.

CPU, float64, one thread on both sides, batch 1, T = 1000, m = 32, n = 64, a loss on
the last step (L = Σh_{T-1}). Both sides compute the gradients of every weight and bias,
of every input x_t, and of h0 and C0. Prints medians and the ratio ours / torch (below
1 means lstm_core is faster). Not a test: read ratios, not absolute times.

    make bench        # or: python benchmarks/bench_backward.py
"""

from __future__ import annotations

import os

# One BLAS thread for NumPy, as torch.set_num_threads(1) does for torch.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import median_time, paired_times  # noqa: E402

from lstm_core import LSTMParams, backward, last_step_loss, run  # noqa: E402
from lstm_core.torch_layout import to_torch_state  # noqa: E402

T, M, N = 1000, 32, 64
GOAL = 1.0


def main() -> int:
    torch.set_num_threads(1)
    print(f"numpy {np.__version__}, torch {torch.__version__}, float64, 1 thread, batch 1")
    params = LSTMParams.random(M, N, seed=0)
    rng = np.random.default_rng(1)
    xs = rng.normal(size=(T, M))
    h0, c0 = rng.normal(size=N), rng.normal(size=N)
    lstm = torch.nn.LSTM(M, N).double()
    lstm.load_state_dict({k: torch.from_numpy(v) for k, v in to_torch_state(params).items()})

    def ours() -> object:
        trace = run(params, xs, h0, c0)
        loss = last_step_loss(trace)
        return backward(params, trace, loss.dh, loss.dc_last)

    def theirs() -> object:
        lstm.zero_grad(set_to_none=True)
        x = torch.from_numpy(xs).unsqueeze(1).requires_grad_(True)  # (T, 1, m)
        h = torch.from_numpy(h0).view(1, 1, N).requires_grad_(True)
        c = torch.from_numpy(c0).view(1, 1, N).requires_grad_(True)
        out, _ = lstm(x, (h, c))
        out[-1].sum().backward()
        return x.grad, h.grad, c.grad

    # Same numbers on both sides before timing anything.
    g = ours()
    dx, dh0, dc0 = theirs()
    assert dx is not None and dh0 is not None and dc0 is not None
    err = max(
        float(np.max(np.abs(g.dx - dx.squeeze(1).numpy()))),  # type: ignore[attr-defined]
        float(np.max(np.abs(g.dh0 - dh0.view(N).numpy()))),  # type: ignore[attr-defined]
        float(np.max(np.abs(g.dc0 - dc0.view(N).numpy()))),  # type: ignore[attr-defined]
    )
    print(f"max |ours - torch| over dx, dh0, dc0: {err:.1e}")

    repeats = 15
    t_ours, t_torch = paired_times(ours, theirs, repeats)
    t_fwd = min(median_time(lambda: run(params, xs, h0, c0), repeats) for _ in range(3))
    ratio = t_ours / t_torch
    print(f"{'T':>5} {'m':>4} {'n':>4} {'ours ms':>9} {'(fwd ms)':>9} {'torch ms':>9} {'ratio':>6}")
    print(
        f"{T:>5} {M:>4} {N:>4} {t_ours * 1e3:>9.2f} {t_fwd * 1e3:>9.2f} "
        f"{t_torch * 1e3:>9.2f} {ratio:>6.2f}"
    )
    verdict = "meets" if ratio <= GOAL else "misses"
    print(f"ratio {ratio:.2f}: {verdict} the goal of at most {GOAL}x torch's time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
