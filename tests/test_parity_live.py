"""Live parity against an installed torch (``make parity``; deselected by default).

The default run (``-m 'not parity'``) never collects torch: it is imported inside
the tests, so this module also loads without it. ``test_golden.py`` covers the
same ground from committed vectors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lstm_core import CONCAT_ORDERS, LSTMParams, run, step
from lstm_core.torch_layout import from_torch_state, to_torch_state

pytestmark = pytest.mark.parity
TOL = 1e-10
TRIALS = 6


def torch_module() -> Any:
    import torch

    torch.set_num_threads(1)
    return torch


def fresh_seed() -> int:
    return int(np.random.SeedSequence().entropy % 2**32)  # printed on failure


def torch_lstm(torch: Any, state: dict[str, np.ndarray], m: int, n: int) -> tuple[Any, Any]:
    lstm = torch.nn.LSTM(m, n, dtype=torch.float64)
    lstm.load_state_dict({k: torch.tensor(v, dtype=torch.float64) for k, v in state.items()})
    cell = torch.nn.LSTMCell(m, n, dtype=torch.float64)
    cell.load_state_dict(
        {k.removesuffix("_l0"): torch.tensor(v, dtype=torch.float64) for k, v in state.items()}
    )
    return lstm, cell


@pytest.mark.parametrize("order", CONCAT_ORDERS)
@pytest.mark.parametrize("trial", range(TRIALS))
def test_run_matches_torch_on_fresh_random_sizes(order: Any, trial: int) -> None:
    torch = torch_module()
    seed = fresh_seed()
    rng = np.random.default_rng(seed)
    m, n, T = int(rng.integers(1, 9)), int(rng.integers(1, 9)), int(rng.integers(1, 41))
    scale = float(rng.choice([0.3, 1.0, 3.0]))
    p = LSTMParams.random(m, n, seed=seed, scale=scale, concat_order=order)
    state = to_torch_state(p)
    split = rng.uniform(-1, 1, 4 * n)  # only the sum of the two biases may count
    state = state | {"bias_ih_l0": state["bias_ih_l0"] - split, "bias_hh_l0": split}
    lstm, cell = torch_lstm(torch, state, m, n)
    xs, h0, c0 = rng.normal(0, 1.5, (T, m)), rng.uniform(-1, 1, n), rng.normal(0, 1.5, n)
    where = f"seed={seed} m={m} n={n} T={T} scale={scale} order={order}"

    with torch.no_grad():
        out, (h_n, c_n) = lstm(
            torch.tensor(xs)[:, None, :],
            (torch.tensor(h0)[None, None], torch.tensor(c0)[None, None]),
        )
        h1, c1 = cell(torch.tensor(xs[:1]), (torch.tensor(h0)[None], torch.tensor(c0)[None]))
    trace = run(p, xs, h0, c0)
    assert np.max(np.abs(trace.h - out[:, 0, :].numpy())) <= TOL, where
    assert np.max(np.abs(trace.h_last - h_n[0, 0].numpy())) <= TOL, where
    assert np.max(np.abs(trace.c_last - c_n[0, 0].numpy())) <= TOL, where
    s = step(p, xs[0], h0, c0)
    assert np.max(np.abs(s.h - h1[0].numpy())) <= TOL, where
    assert np.max(np.abs(s.c - c1[0].numpy())) <= TOL, where


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_from_torch_state_of_a_torch_initialised_lstm(order: Any) -> None:
    """Start from torch's own random init (both biases nonzero) and import it."""
    torch = torch_module()
    seed = fresh_seed()
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    m, n, T = int(rng.integers(1, 9)), int(rng.integers(1, 9)), int(rng.integers(1, 41))
    lstm = torch.nn.LSTM(m, n, dtype=torch.float64)
    sd = {k: v.detach().numpy().copy() for k, v in lstm.state_dict().items()}
    assert np.any(sd["bias_hh_l0"] != 0)
    p = from_torch_state(sd, concat_order=order)
    assert (p.n_input, p.n_hidden, p.concat_order) == (m, n, order)
    xs = rng.normal(0, 1.0, (T, m))
    with torch.no_grad():
        out, (h_n, c_n) = lstm(torch.tensor(xs)[:, None, :])
    trace = run(p, xs)
    where = f"seed={seed} m={m} n={n} T={T} order={order}"
    assert np.max(np.abs(trace.h - out[:, 0, :].numpy())) <= TOL, where
    assert np.max(np.abs(trace.c_last - c_n[0, 0].numpy())) <= TOL, where
    # and back: the weights come out unchanged, the biases as their sum
    back = to_torch_state(p)
    np.testing.assert_array_equal(back["weight_ih_l0"], sd["weight_ih_l0"])
    np.testing.assert_array_equal(back["weight_hh_l0"], sd["weight_hh_l0"])
    np.testing.assert_allclose(
        back["bias_ih_l0"] + back["bias_hh_l0"], sd["bias_ih_l0"] + sd["bias_hh_l0"], atol=1e-15
    )
    again = from_torch_state(back, concat_order=order)
    for name in ("W_f", "W_i", "W_c", "W_o", "b_f", "b_i", "b_c", "b_o"):
        np.testing.assert_array_equal(getattr(again, name), getattr(p, name))
