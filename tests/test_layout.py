"""Import/export layouts: torch (i, f, g, o; W^x and W^h apart) and Keras (row vectors)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lstm_core import CONCAT_ORDERS, GATE_BY_KEY, GATES, LSTMParams, run
from lstm_core.torch_layout import from_torch_state, to_keras_weights, to_torch_state

WEIGHTS = [g.W for g in GATES]
BIASES = [g.b for g in GATES]
GATE_CODE = {"f": 1, "i": 2, "c": 3, "o": 4}


def labelled(m: int, n: int, order: Any) -> LSTMParams:
    """W_k[r, j] = 1000·code(k) + 10·r + j (+ 500 for x columns), b_k[r] = 1000·code(k) + r.

    Every entry says which gate, row and input it belongs to, so a moved block
    or a swapped gate shows up in the exported arrays.
    """
    arrays: dict[str, Any] = {}
    for g in GATES:
        code = 1000.0 * GATE_CODE[g.key]
        W_h = code + 10.0 * np.arange(n)[:, None] + np.arange(n)[None, :]
        W_x = code + 500.0 + 10.0 * np.arange(n)[:, None] + np.arange(m)[None, :]
        arrays[g.W] = np.hstack([W_h, W_x] if order == "h_first" else [W_x, W_h])
        arrays[g.b] = code + np.arange(n)
    return LSTMParams(**arrays, concat_order=order)


def test_gate_table() -> None:
    assert [g.key for g in GATES] == ["f", "i", "c", "o"]
    assert {k: g.torch_index for k, g in GATE_BY_KEY.items()} == {"i": 0, "f": 1, "c": 2, "o": 3}
    assert {k: g.activation_name for k, g in GATE_BY_KEY.items()} == {
        "f": "sigmoid",
        "i": "sigmoid",
        "c": "tanh",
        "o": "sigmoid",
    }
    assert [g.value for g in GATES] == ["f", "i", "c_tilde", "o"]


@pytest.mark.parametrize("order", CONCAT_ORDERS)
@pytest.mark.parametrize(("m", "n"), [(1, 1), (3, 2), (2, 5)])
def test_to_torch_state_shapes_and_gate_order(order: Any, m: int, n: int) -> None:
    p = labelled(m, n, order)
    state = to_torch_state(p)
    assert set(state) == {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}
    assert state["weight_ih_l0"].shape == (4 * n, m)
    assert state["weight_hh_l0"].shape == (4 * n, n)
    assert state["bias_ih_l0"].shape == state["bias_hh_l0"].shape == (4 * n,)
    np.testing.assert_array_equal(state["bias_hh_l0"], np.zeros(4 * n))
    for block, key in enumerate("ifco"):  # torch: i, f, g(=C̃), o
        rows = slice(block * n, (block + 1) * n)
        code = 1000.0 * GATE_CODE[key]
        W_h, W_x = p.split(key)
        np.testing.assert_array_equal(state["weight_hh_l0"][rows], W_h)
        np.testing.assert_array_equal(state["weight_ih_l0"][rows], W_x)
        np.testing.assert_array_equal(state["bias_ih_l0"][rows], p.b(key))
        # the labels confirm that split() picked the right columns for this order
        assert state["weight_hh_l0"][rows][0, 0] == code
        assert state["weight_ih_l0"][rows][0, 0] == code + 500.0
        assert state["weight_ih_l0"][rows][-1, -1] == code + 500.0 + 10 * (n - 1) + (m - 1)


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_to_keras_weights_shapes_and_order(order: Any) -> None:
    m, n = 3, 2
    p = labelled(m, n, order)
    k = to_keras_weights(p)
    assert set(k) == {"kernel", "recurrent_kernel", "bias"}
    assert k["kernel"].shape == (m, 4 * n)
    assert k["recurrent_kernel"].shape == (n, 4 * n)
    assert k["bias"].shape == (4 * n,)
    for block, key in enumerate("ifco"):  # Keras: i, f, c, o
        cols = slice(block * n, (block + 1) * n)
        W_h, W_x = p.split(key)
        np.testing.assert_array_equal(k["kernel"][:, cols], W_x.T)
        np.testing.assert_array_equal(k["recurrent_kernel"][:, cols], W_h.T)
        np.testing.assert_array_equal(k["bias"][cols], p.b(key))


def test_keras_row_vector_convention_reproduces_the_pre_activations() -> None:
    """z = x·kernel + h·recurrent_kernel + bias gives z_i, z_f, z_c, z_o side by side."""
    p = LSTMParams.random(3, 2, seed=9, scale=1.5, concat_order="x_first")
    x, h = np.array([0.3, -1.0, 2.0]), np.array([0.7, -0.2])
    k = to_keras_weights(p)
    z = x @ k["kernel"] + h @ k["recurrent_kernel"] + k["bias"]
    t = run(p, [x], h0=h, c0=[0.0, 0.0])
    expected = np.concatenate([t.z_i[0], t.z_f[0], t.z_c[0], t.z_o[0]])
    np.testing.assert_allclose(z, expected, rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("order", CONCAT_ORDERS)
@pytest.mark.parametrize(("m", "n"), [(1, 1), (4, 3), (8, 8)])
def test_from_torch_state_round_trip_is_exact(order: Any, m: int, n: int) -> None:
    p = LSTMParams.random(m, n, seed=m * 10 + n, scale=2.0, concat_order=order)
    q = from_torch_state(to_torch_state(p), concat_order=order)
    assert q.concat_order == order
    for name in WEIGHTS + BIASES:
        np.testing.assert_array_equal(getattr(q, name), getattr(p, name))


def test_from_torch_state_into_the_other_order_moves_columns() -> None:
    p = labelled(2, 3, "x_first")
    q = from_torch_state(to_torch_state(p))  # default order: h_first
    assert q.concat_order == "h_first"
    expected = p.with_concat_order("h_first")
    for name in WEIGHTS + BIASES:
        np.testing.assert_array_equal(getattr(q, name), getattr(expected, name))


def test_from_torch_state_adds_the_two_biases() -> None:
    p = LSTMParams.random(2, 3, seed=1)
    state = to_torch_state(p)
    part = np.arange(12.0)
    state = state | {"bias_ih_l0": state["bias_ih_l0"] - part, "bias_hh_l0": part}
    q = from_torch_state(state)
    for name in BIASES:
        np.testing.assert_allclose(getattr(q, name), getattr(p, name), rtol=0, atol=1e-14)
    # an unbalanced split really changes the cell
    lopsided = state | {"bias_hh_l0": part + 1.0}
    np.testing.assert_allclose(from_torch_state(lopsided).b_f, p.b_f + 1.0, atol=1e-14)


def test_from_torch_state_accepts_lists() -> None:
    p = LSTMParams.random(2, 2, seed=2)
    state = {k: v.tolist() for k, v in to_torch_state(p).items()}
    q = from_torch_state(state)  # type: ignore[arg-type]
    np.testing.assert_array_equal(q.W_o, p.W_o)
