"""lstm_core.io_gru: a torch.nn.GRU in a weights file is found and read; anything else is
left to the LSTM reader, and a GRU that cannot be used is named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lstm_core import GRUParams
from lstm_core.io_formats import encode, read_container
from lstm_core.io_gru import load_gru

FIXTURES = Path(__file__).parent / "fixtures" / "io"


def _state(path: Path) -> dict[str, np.ndarray]:
    return {k: f() for k, f in read_container(path.read_bytes())[0].tensors.items()}


@pytest.mark.parametrize("order", ["h_first", "x_first"])
def test_torchs_gru_file_reads_as_its_state_dict(order: str) -> None:
    got = load_gru(FIXTURES / "gru.safetensors", 0, order)  # type: ignore[arg-type]
    want = GRUParams.from_torch_state(_state(FIXTURES / "gru.safetensors"), 0, order)  # type: ignore[arg-type]
    assert got is not None and got.reset_after and got.concat_order == order
    for name in ("W_r", "W_z", "W_n", "b_r", "b_z", "b_n", "b_hn"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name))


@pytest.mark.parametrize("name", ["torch_1layer.safetensors", "torch_2layer.npz", "keras.npz"])
def test_an_lstm_file_is_not_a_gru(name: str) -> None:
    assert load_gru(FIXTURES / name) is None


def test_a_missing_layer_and_a_bad_number_are_named() -> None:
    state = _state(FIXTURES / "gru.safetensors")
    data = encode(state, {}, "safetensors")
    with pytest.raises(ValueError, match="layer 1 is not in the file: it holds GRU layer"):
        load_gru(data, 1)
    state["weight_hh_l0"] = state["weight_hh_l0"].copy()
    state["weight_hh_l0"][2, 1] = np.nan
    with pytest.raises(ValueError, match="weight_hh_l0 has a non-finite value"):
        load_gru(encode(state, {}, "safetensors"))
    two = {f"a.{k}": v for k, v in state.items()} | {f"b.{k}": v for k, v in state.items()}
    with pytest.raises(ValueError, match="several GRUs"):
        load_gru(encode(two, {}, "npz"))
