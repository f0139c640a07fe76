"""Live parity of lstm_core.gru against an installed torch (``make parity``; deselected by
default). torch is imported inside the tests, so this module also loads without it;
``test_golden_gru.py`` covers the same ground from committed vectors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_parity_live import TOL, TRIALS, torch_module

from lstm_core import CONCAT_ORDERS, GRUParams, gru_backward, gru_run, gru_step

pytestmark = pytest.mark.parity


@pytest.mark.parametrize("order", CONCAT_ORDERS)
@pytest.mark.parametrize("trial", range(TRIALS))
def test_forward_and_backward_match_torch_on_fresh_random_sizes(order: Any, trial: int) -> None:
    torch = torch_module()
    seed = int(np.random.SeedSequence().entropy % 2**32)  # printed on failure
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    m, n, T = int(rng.integers(1, 17)), int(rng.integers(1, 17)), int(rng.integers(1, 41))
    gru = torch.nn.GRU(m, n, dtype=torch.float64)  # torch's own init: both biases nonzero
    with torch.no_grad():
        for p in gru.parameters():
            p.mul_(float(rng.choice([1.0, 3.0])))
    state = {k: v.detach().numpy().copy() for k, v in gru.state_dict().items()}
    params = GRUParams.from_torch_state(state, concat_order=order)
    xs, h0, dh = rng.normal(0, 1.5, (T, m)), rng.uniform(-1, 1, n), rng.normal(size=(T, n))
    where = f"seed={seed} m={m} n={n} T={T} order={order}"

    x = torch.tensor(xs)[:, None, :].requires_grad_(True)
    h = torch.tensor(h0)[None, None].requires_grad_(True)
    out, _ = gru(x, h)
    (out[:, 0, :] * torch.tensor(dh)).sum().backward()
    cell = torch.nn.GRUCell(m, n, dtype=torch.float64)
    cell.load_state_dict({k.removesuffix("_l0"): torch.tensor(v) for k, v in state.items()})
    with torch.no_grad():
        h1 = cell(torch.tensor(xs[:1]), torch.tensor(h0)[None])

    trace = gru_run(params, xs, h0)
    assert np.max(np.abs(trace.h - out[:, 0, :].detach().numpy())) <= TOL, where
    assert np.max(np.abs(gru_step(params, xs[0], h0).h - h1[0].numpy())) <= TOL, where
    g = gru_backward(params, trace, dh)
    assert np.max(np.abs(g.dx - x.grad[:, 0, :].numpy())) <= TOL, where
    assert np.max(np.abs(g.dh0 - h.grad.view(n).numpy())) <= TOL, where
    grads = GRUParams(
        g.dW_r, g.dW_z, g.dW_n, g.db_r, g.db_z, g.db_n, g.db_hn, concat_order=order
    ).to_torch_state()
    tg = {k: v.grad.numpy() for k, v in gru.named_parameters()}
    for k in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0"):
        assert np.max(np.abs(grads[k] - tg[k])) <= TOL * max(1.0, np.max(np.abs(tg[k]))), where
    assert np.max(np.abs(g.db_hn - tg["bias_hh_l0"][2 * n :])) <= TOL, where  # type: ignore[operator]
