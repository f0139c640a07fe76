"""Live torch parity of lstm_core.io (``make parity``; deselected by default).

torch and safetensors.torch are imported inside the tests, so the default run never
needs them. ``test_io.py`` covers the same ground from committed golden files.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lstm_core import CONCAT_ORDERS, LSTMParams, run
from lstm_core.io import load_weights, save_weights

pytestmark = pytest.mark.parity
TOL = 1e-10


def torch_module() -> Any:
    import torch

    torch.set_num_threads(1)
    return torch


@pytest.mark.parametrize("order", CONCAT_ORDERS)
@pytest.mark.parametrize("fmt", ["safetensors", "npz"])
def test_torch_layout_loads_into_nn_lstm_unchanged(tmp_path: Path, order: Any, fmt: str) -> None:
    torch = torch_module()
    import safetensors.torch

    seed = int(np.random.SeedSequence().entropy % 2**32)  # printed on failure
    rng = np.random.default_rng(seed)
    m, n, T = int(rng.integers(1, 9)), int(rng.integers(1, 9)), int(rng.integers(1, 30))
    p = LSTMParams.random(m, n, seed=seed, concat_order=order)
    path = tmp_path / f"lstm.{fmt}"
    save_weights(p, path, layout="torch")
    if fmt == "safetensors":
        state = safetensors.torch.load_file(path)
    else:
        state = {k: torch.from_numpy(v) for k, v in np.load(path, allow_pickle=False).items()}
    lstm = torch.nn.LSTM(m, n, dtype=torch.float64)
    lstm.load_state_dict(state)  # strict: exactly torch's names and shapes
    xs = rng.normal(0, 1, (T, m))
    with torch.no_grad():
        out, (_, c_n) = lstm(torch.tensor(xs))
    trace = run(p, xs)
    where = f"seed={seed} m={m} n={n} T={T}"
    assert np.max(np.abs(trace.h - out.numpy())) <= TOL, where
    assert np.max(np.abs(trace.c_last - c_n[0].numpy())) <= TOL, where


@pytest.mark.parametrize("layer", [0, 1, 2])
def test_a_trained_looking_stacked_lstm_exported_as_the_readme_says(layer: int) -> None:
    """A student's model: an LSTM inside a module, float32, exported in one line."""
    torch = torch_module()
    import safetensors.torch

    torch.manual_seed(layer)
    model = torch.nn.Sequential()
    model.add_module("lstm", torch.nn.LSTM(4, 5, num_layers=3))
    model.add_module("head", torch.nn.Linear(5, 1))
    data = safetensors.torch.save(model.state_dict())
    p = load_weights(io.BytesIO(data), layer=layer)
    xs = np.random.default_rng(layer).normal(0, 1, (7, 4 if layer == 0 else 5))
    lstm = model.lstm.double()
    one = torch.nn.LSTM(xs.shape[1], 5, dtype=torch.float64)
    one.load_state_dict(
        {
            f"{k}_l0": getattr(lstm, f"{k}_l{layer}")
            for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        }  # fmt: skip
    )
    with torch.no_grad():
        out, _ = one(torch.tensor(xs))
    assert np.max(np.abs(run(p, xs).h - out.numpy())) <= TOL


def test_keras_layout_matches_torch_through_the_documented_transposes() -> None:
    torch = torch_module()
    p = LSTMParams.random(3, 4, seed=2)
    buf = io.BytesIO()
    save_weights(p, buf, layout="keras", format="npz")
    k = np.load(io.BytesIO(buf.getvalue()), allow_pickle=False)
    lstm = torch.nn.LSTM(3, 4, dtype=torch.float64)
    lstm.load_state_dict(
        {
            "weight_ih_l0": torch.tensor(k["kernel"].T),
            "weight_hh_l0": torch.tensor(k["recurrent_kernel"].T),
            "bias_ih_l0": torch.tensor(k["bias"]),
            "bias_hh_l0": torch.zeros(16, dtype=torch.float64),
        }
    )
    xs = np.random.default_rng(0).normal(0, 1, (9, 3))
    with torch.no_grad():
        out, _ = lstm(torch.tensor(xs))
    assert np.max(np.abs(run(p, xs).h - out.numpy())) <= TOL
