"""LSTMParams.from_blocks / stacked / from_stacked, the framework layouts built on them,
and CellModel (the app's model) with its bit-exact to_dict / from_dict."""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lstm_core import (
    CONCAT_ORDERS,
    GATE_ORDER,
    GATES,
    TORCH_GATE_ORDER,
    CellModel,
    LSTMParams,
    step,
)
from lstm_core.concat import join_columns, split_columns
from lstm_core.presets import PRESETS
from lstm_core.rnn import RNNParams
from lstm_core.torch_layout import (
    from_keras_weights,
    from_torch_state,
    to_keras_weights,
    to_torch_state,
)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SIZES = st.integers(min_value=1, max_value=6)
GATE_ORDERS = st.permutations(list(GATE_ORDER)).map("".join)
# every finite float LSTMParams accepts, subnormals and -0.0 included
EXACT = st.floats(-1e150, 1e150, allow_nan=False, allow_infinity=False, allow_subnormal=True)


def bits(a: Any) -> bytes:
    return np.asarray(a, dtype=np.float64).tobytes()


@st.composite
def params_st(draw: st.DrawFn, elements: st.SearchStrategy[float] = EXACT) -> LSTMParams:
    m, n = draw(SIZES), draw(SIZES)
    order = draw(st.sampled_from(CONCAT_ORDERS))
    W = {g.W: draw(arrays(np.float64, (n, n + m), elements=elements)) for g in GATES}
    b = {g.b: draw(arrays(np.float64, (n,), elements=elements)) for g in GATES}
    return LSTMParams(**W, **b, concat_order=order)


@st.composite
def model_st(draw: st.DrawFn) -> CellModel:
    p = draw(params_st())
    n, m = p.n_hidden, p.n_input
    vec = {
        k: draw(arrays(np.float64, (size,), elements=EXACT))
        for k, size in (("x", m), ("h_prev", n), ("c_prev", n))
    }
    return CellModel(p, **vec)


# -- from_blocks / stacked -------------------------------------------------------------


@FAST
@given(params_st(), GATE_ORDERS, st.sampled_from(CONCAT_ORDERS))
def test_stacked_and_from_stacked_round_trip_in_any_order(
    p: LSTMParams, order: str, concat_order: Any
) -> None:
    W_h, W_x, b = p.stacked(order=order)
    n, m = p.n_hidden, p.n_input
    assert W_h.shape == (4 * n, n) and W_x.shape == (4 * n, m) and b.shape == (4 * n,)
    for j, key in enumerate(order):  # block j is gate order[j]
        rows = slice(j * n, (j + 1) * n)
        assert bits(W_h[rows]) == bits(p.split(key)[0])
        assert bits(W_x[rows]) == bits(p.split(key)[1])
        assert bits(b[rows]) == bits(p.b(key))
    back = LSTMParams.from_stacked(W_h, W_x, b, order, concat_order)
    assert back.concat_order == concat_order
    same = back.with_concat_order(p.concat_order)
    for g in GATES:
        assert bits(same.W(g.key)) == bits(p.W(g.key)) and bits(same.b(g.key)) == bits(p.b(g.key))


@FAST
@given(params_st(), st.sampled_from(CONCAT_ORDERS))
def test_from_blocks_puts_each_block_where_split_finds_it(p: LSTMParams, order: Any) -> None:
    W_h = {g.key: p.split(g.key)[0] for g in GATES}
    W_x = {g.key: p.split(g.key)[1] for g in GATES}
    b = {g.key: p.b(g.key) for g in GATES}
    q = LSTMParams.from_blocks(W_h, W_x, b, concat_order=order)
    for g in GATES:
        assert bits(q.split(g.key)[0]) == bits(W_h[g.key])
        assert bits(q.split(g.key)[1]) == bits(W_x[g.key])
        assert bits(q.b(g.key)) == bits(b[g.key])
    h_part = slice(0, p.n_hidden) if order == "h_first" else slice(p.n_input, None)
    assert bits(q.W_f[:, h_part]) == bits(W_h["f"])


def test_stacked_default_order_dtype_and_copies() -> None:
    p = LSTMParams.random(2, 3, seed=1)
    W_h, W_x, b = p.stacked()
    assert GATE_ORDER == "fico" and TORCH_GATE_ORDER == "ifco"
    np.testing.assert_array_equal(W_h[:3], p.split("f")[0])
    np.testing.assert_array_equal(W_x[9:], p.split("o")[1])
    W_h[0, 0] = 99.0  # a new, writable array: the params are untouched
    assert p.W_f[0, 0] != 99.0
    W32 = p.stacked(dtype=np.float32)[0]
    assert W32.dtype == np.float32 and W32.flags.c_contiguous


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda p: p.stacked(order="fic"), "each of the gate keys"),
        (lambda p: p.stacked(order="ffco"), "each of the gate keys"),
        (lambda p: LSTMParams.from_stacked(*p.stacked(), order="fiox"), "each of the gate keys"),
        (lambda p: LSTMParams.from_stacked(*p.stacked()[:2], np.zeros(7)), "4n numbers"),
        (
            lambda p: LSTMParams.from_blocks({"f": 1}, *[{g.key: 0 for g in GATES}] * 2),
            "W_h must map each gate key",
        ),
        (
            lambda p: LSTMParams.from_blocks(
                {g.key: np.zeros((2, 2)) for g in GATES},
                {g.key: np.zeros((3, 1)) for g in GATES},
                {g.key: np.zeros(2) for g in GATES},
            ),
            r"W_h\['f'\] and W_x\['f'\]",
        ),
    ],
)
def test_bad_blocks_get_a_clear_message(call: Any, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        call(LSTMParams.random(1, 2, seed=0))


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_torch_and_keras_layouts_round_trip(order: Any) -> None:
    p = LSTMParams.random(3, 4, seed=5, concat_order=order)
    state = to_torch_state(p)
    W_h, W_x, b = p.stacked(order="ifco")
    np.testing.assert_array_equal(state["weight_hh_l0"], W_h)
    np.testing.assert_array_equal(state["weight_ih_l0"], W_x)
    keras = to_keras_weights(p)
    np.testing.assert_array_equal(keras["kernel"], W_x.T)
    for back in (from_torch_state(state, order), from_keras_weights(keras, order)):
        for g in GATES:
            np.testing.assert_array_equal(back.W(g.key), p.W(g.key))
            np.testing.assert_array_equal(back.b(g.key), p.b(g.key))


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_one_concat_layout_for_the_lstm_and_the_rnn(order: Any) -> None:
    rng = np.random.default_rng(0)
    W_h, W_x = rng.normal(size=(3, 3)), rng.normal(size=(3, 2))
    W = join_columns(W_h, W_x, order)
    assert [bits(a) for a in split_columns(W, 3, order)] == [bits(W_h), bits(W_x)]
    rnn = RNNParams(W, np.zeros(3), order)
    lstm = LSTMParams.from_blocks(
        *({g.key: a for g in GATES} for a in (W_h, W_x)), {g.key: np.zeros(3) for g in GATES}, order
    )
    np.testing.assert_array_equal(rnn.W, lstm.W_c)
    x, h = rng.normal(size=2), rng.normal(size=3)
    np.testing.assert_array_equal(rnn.concat(x, h), lstm.concat(x, h))


# -- CellModel ---------------------------------------------------------------------------


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_st())
def test_to_dict_from_dict_is_bit_exact_through_json(model: CellModel) -> None:
    d = model.to_dict()
    text = json.dumps(d)  # plain lists, floats and strings only
    back = CellModel.from_dict(json.loads(text))
    assert back.params.concat_order == model.params.concat_order
    for name in ("x", "h_prev", "c_prev", *(g.W for g in GATES), *(g.b for g in GATES)):
        assert bits(back.get_array(name)) == bits(model.get_array(name)), name


@pytest.mark.parametrize("value", [-0.0, 5e-324, -2.2250738585072014e-308, 1e150, -1e150, 0.1])
def test_to_dict_keeps_edge_floats(value: float) -> None:
    model = PRESETS["zeros"].build().with_entry("W_o", (1, 2), value).with_entry("x", (0,), value)
    back = CellModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert bits(back.params.W_o[1, 2]) == bits(value)
    assert bits(back.x[0]) == bits(value)


@pytest.mark.parametrize(
    ("d", "pattern"),
    [
        ([1, 2], "must be a mapping"),
        ({"params": {}, "x": [], "h_prev": []}, "missing model field.*c_prev"),
        ({"params": {}, "x": [], "h_prev": [], "c_prev": [], "y": 1}, "unknown model field.*y"),
    ],
)
def test_from_dict_names_what_is_wrong(d: Any, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        CellModel.from_dict(d)


def test_from_dict_names_a_bad_vector() -> None:
    d = PRESETS["random"].build().to_dict()
    d["h_prev"] = [1.0, 2.0]
    with pytest.raises(ValueError, match=r"h_\{t-1\} has length 2 but must have length 3"):
        CellModel.from_dict(d)


def test_editing_helpers_copy_and_validate() -> None:
    model = PRESETS["seed-question"].build()
    edited = model.with_entry("W_f", (0, 1), 0.5).with_entry("h_prev", (2,), -1.0)
    assert edited.params.W_f[0, 1] == 0.5 and edited.h_prev[2] == -1.0
    assert model.params.W_f[0, 1] == 2.0 and model.h_prev[2] == 6.0  # the original is kept
    np.testing.assert_array_equal(edited.with_array("b_i", [1, 2, 3]).get_array("b_i"), [1, 2, 3])
    with pytest.raises(ValueError, match="unknown array 'W_q'"):
        model.get_array("W_q")
    with pytest.raises(ValueError, match="x_t has length 2"):
        model.with_array("x", [1, 2])


@pytest.mark.parametrize("order", CONCAT_ORDERS)
@pytest.mark.parametrize(("m", "n"), [(1, 1), (2, 5), (5, 2), (3, 3)])
def test_resized_keeps_each_entrys_meaning(order: Any, m: int, n: int) -> None:
    model = CellModel(
        LSTMParams.random(3, 3, seed=2, concat_order=order), [1, 2, 3], [4, 5, 6], [7, 8, 9]
    )
    small = model.resized(m, n)
    assert (small.params.n_input, small.params.n_hidden) == (m, n)
    assert small.params.concat_order == order
    k, j = min(n, 3), min(m, 3)
    for g in GATES:
        W_h, W_x = model.params.split(g.key)
        new_h, new_x = small.params.split(g.key)
        np.testing.assert_array_equal(new_h[:k, :k], W_h[:k, :k])
        np.testing.assert_array_equal(new_x[:k, :j], W_x[:k, :j])
        assert not new_h[k:].any() and not new_h[:, k:].any() and not new_x[:, j:].any()
        np.testing.assert_array_equal(small.params.b(g.key)[:k], model.params.b(g.key)[:k])
    np.testing.assert_array_equal(small.x[:j], model.x[:j])
    assert not small.x[j:].any()


def test_every_preset_round_trips_and_steps_identically() -> None:
    for name, preset in PRESETS.items():
        model = preset.build()
        back = CellModel.from_dict(json.loads(json.dumps(model.to_dict())))
        a = step(model.params, model.x, model.h_prev, model.c_prev)
        b = step(back.params, back.x, back.h_prev, back.c_prev)
        for key, value in a.as_dict().items():
            assert bits(value) == bits(getattr(b, key)), (name, key)


def test_gate_orders_cover_every_permutation() -> None:
    p = LSTMParams.random(2, 2, seed=3)
    stacks = {"".join(o): p.stacked(order=o)[2] for o in itertools.permutations(GATE_ORDER)}
    assert len(stacks) == 24
    assert len({s.tobytes() for s in stacks.values()}) == 24  # every order is a new layout
