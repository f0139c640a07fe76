"""The URL codec reads back every model it writes, bit for bit, at every size.

Models hold entries within ±1e150 (``LSTMParams`` refuses more) and, viewed in
float32, within ±1e17 (``lstm_core.precision``); the array texts themselves
round-trip every finite float, up to 1.8e308.
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lstm_core import CONCAT_ORDERS, GATES, LSTMParams
from lstm_core.precision import max_abs
from lstm_core.presets import CellModel, load_preset
from ui.codec import decode, encode
from ui.linktext import MAX_EDITABLE, MIN_SIZE, decode_array, encode_array
from ui.view import (
    ANSWER_IDS,
    DTYPES,
    EDIT_PANELS,
    HIDE_PARTS,
    LESSON_STEPS,
    MAX_ANSWER_CHARS,
    SHOW_PANELS,
    TAB_NAMES,
    View,
    hide_parts,
    with_stage,
)

FAST = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SIZES = range(MIN_SIZE, MAX_EDITABLE + 1)
TINY = 5e-324  # the smallest subnormal


def special(limit: float) -> list[float]:
    """Floats a text format gets wrong first: signed zeros, subnormals, the range's ends."""
    edge = float(np.nextafter(limit, 0))
    return [
        0.0,
        -0.0,
        TINY,
        -TINY,
        2.2250738585072009e-308,
        sys.float_info.min,
        0.1,
        -1 / 3,
        1e15,
        123456789012345.6,
        limit,
        -limit,
        edge,
        -edge,
    ]


def values(limit: float) -> st.SearchStrategy[float]:
    return st.one_of(
        st.sampled_from(special(limit)),
        st.floats(-limit, limit, allow_nan=False, allow_infinity=False),
    )


def bits(a: np.ndarray) -> bytes:
    """The exact bits (so -0.0 differs from 0.0), with the shape."""
    return np.ascontiguousarray(a, dtype=np.float64).tobytes() + repr(a.shape).encode()


def assert_same(a: CellModel, b: CellModel) -> None:
    assert a.params.concat_order == b.params.concat_order
    for g in GATES:
        assert bits(a.params.W(g.key)) == bits(b.params.W(g.key)), g.W
        assert bits(a.params.b(g.key)) == bits(b.params.b(g.key)), g.b
    for name in ("x", "h_prev", "c_prev"):
        assert bits(getattr(a, name)) == bits(getattr(b, name)), name


def assert_round_trip(model: CellModel, view: View) -> None:
    query = encode(model, view)
    back, back_view, warnings = decode(query)
    assert warnings == []
    assert back_view == view
    assert_same(back, model)
    assert encode(back, back_view) == query  # the link does not drift on a reload


@st.composite
def models(draw: Callable[..., Any]) -> tuple[CellModel, View]:
    m, n = draw(st.sampled_from(SIZES)), draw(st.sampled_from(SIZES))
    dtype = draw(st.sampled_from(DTYPES))
    elements = values(max_abs(dtype))
    kw = {g.W: draw(arrays(np.float64, (n, n + m), elements=elements)) for g in GATES}
    kw |= {g.b: draw(arrays(np.float64, (n,), elements=elements)) for g in GATES}
    params = LSTMParams(**kw, concat_order=draw(st.sampled_from(CONCAT_ORDERS)))
    x, h, c = (draw(arrays(np.float64, (k,), elements=elements)) for k in (m, n, n))
    view = View(
        dtype,
        draw(st.sampled_from([g.key for g in GATES])),
        0,
        pin=draw(st.booleans()),
        edit=draw(st.sampled_from(EDIT_PANELS)),
        show=draw(st.sampled_from(SHOW_PANELS)),
        seq=draw(
            st.sampled_from(
                ["", encode_array(draw(arrays(np.float64, (64, m), elements=elements)))]
            )
        ),
        seq0=draw(
            st.sampled_from(["", encode_array(draw(arrays(np.float64, (2, n), elements=elements)))])
        ),
        tab=draw(st.sampled_from(("", *TAB_NAMES))),
        quiz=draw(st.booleans()),
        step=draw(st.integers(1, LESSON_STEPS)),
        answers=tuple(
            sorted(
                draw(
                    st.dictionaries(
                        st.sampled_from(ANSWER_IDS),
                        st.text(min_size=1, max_size=MAX_ANSWER_CHARS),
                        max_size=4,
                    )
                ).items()
            )
        ),
        # -- classroom (issue 11) --
        present=draw(st.booleans()),
        hide=hide_parts(draw(st.sets(st.sampled_from(HIDE_PARTS)))),
    )
    # a view the app can be in: the focus follows the stage unless pinned
    return CellModel(params, x, h, c), with_stage(view, draw(st.integers(0, 5)))


@FAST
@given(models())
def test_every_model_reads_back_bit_for_bit(case: tuple[CellModel, View]) -> None:
    assert_round_trip(*case)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_every_size_reads_back_bit_for_bit(order: str, dtype: str) -> None:
    """Each m, n in 1..8, with the special values and random bits laid over every array."""
    rng = np.random.default_rng(0)
    pool = np.array(special(max_abs(dtype)))
    for m, n in itertools.product(SIZES, SIZES):
        p = LSTMParams.random(m, n, seed=m * 10 + n, concat_order=order)  # type: ignore[arg-type]

        def mix(a: np.ndarray) -> np.ndarray:
            out = a * rng.choice([1.0, 1e-310, 1e16], size=a.shape)
            pick = rng.random(a.shape) < 0.5
            out[pick] = rng.choice(pool, size=int(pick.sum()))
            return out

        p = p.replace(
            **{g.W: mix(p.W(g.key)) for g in GATES}, **{g.b: mix(p.b(g.key)) for g in GATES}
        )
        x, h, c = (mix(rng.standard_normal(k)) for k in (m, n, n))
        assert_round_trip(CellModel(p, x, h, c), View(dtype=dtype))


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 8), st.integers(1, 16)),
        elements=st.floats(allow_nan=False, allow_infinity=False),
    )
)
@FAST
def test_array_text_reads_back_every_finite_float(a: np.ndarray) -> None:
    """Up to 1.8e308 and down to 5e-324, -0.0 included; one-row matrices stay matrices."""
    edges = np.tile([sys.float_info.max, -1e308, -0.0, TINY], (a.shape[0], 1))
    a = np.concatenate([a, edges], axis=1)
    back = np.array(decode_array("W_f", encode_array(a), matrix=True))
    assert bits(back) == bits(a)
    row = a[0]
    assert bits(np.array(decode_array("x_t", encode_array(row)))) == bits(row)


def test_a_one_unit_model_survives_a_reload() -> None:
    """n = 1: each W is one row, written without a ';' (the link format is unchanged)."""
    model = CellModel(LSTMParams.random(3, 1, seed=2), np.array([1.0, 2, 3]), [0.5], [-1.0])
    query = encode(model, View(focus="o", stage=4))
    assert ";" not in query["W_f"] and len(query["W_f"].split(",")) == 4
    assert_round_trip(model, View(focus="o", stage=4))


def test_old_links_still_read() -> None:
    """Links written before: rows joined by ';'; a trailing ';' is accepted too."""
    seed = load_preset("seed-question")
    query = encode(seed, View())
    assert decode(query)[2] == []
    trailing = {k: v + ";" if k in {g.W for g in GATES} else v for k, v in query.items()}
    back, _, warnings = decode(trailing)
    assert warnings == []
    assert_same(back, seed)


def test_a_matrix_of_the_wrong_height_is_named() -> None:
    query = encode(load_preset("seed-question"), View()) | {"W_f": "1,2,3,4,5,6"}
    model, _, warnings = decode(query)
    assert len(warnings) == 1
    assert "could not be read" in warnings[0] and "W_f" in warnings[0], warnings
    assert_same(model, load_preset("seed-question"))


def test_bad_panel_values_are_named_and_ignored() -> None:
    query = encode(load_preset("seed-answer"), View(pin=True, edit="W", show="hadamard"))
    _, view, warnings = decode(query | {"pin": "yes", "show": "<b>x</b>"})
    assert view == View(pin=False, edit="W", show="numbers")
    assert len(warnings) == 2
    assert "pin `yes` must be 0 or 1" in warnings[0]
    assert "show panel `<b>x</b>` is unknown" in warnings[1]


def test_quiz_flag_reads_back_and_a_bad_value_is_named() -> None:
    seed = load_preset("seed-question")
    assert encode(seed, View(quiz=True))["quiz"] == "1"
    assert "quiz" not in encode(seed, View())  # off: not in the link
    _, view, warnings = decode(encode(seed, View(stage=2, focus="i")) | {"quiz": "banana"})
    assert view == View(stage=2, focus="i")
    assert warnings == ["quiz `banana` must be 0 or 1; the quiz is off."]
    _, view, warnings = decode({"preset": "seed-question", "quiz": "1"})
    assert view.quiz and not warnings


# -- issue 14: the variants' own arrays ---------------------------------------------------------
@FAST
@given(models(), st.data())
def test_variant_arrays_read_back_bit_for_bit(case: tuple[CellModel, View], data: Any) -> None:
    from lstm_core.variants import OWN_NAMES, own_shape

    model, view = case
    n, m = model.params.n_hidden, model.params.n_input
    names = data.draw(st.lists(st.sampled_from(OWN_NAMES), unique=True))
    elements = values(max_abs(view.dtype))
    own = tuple(
        (k, encode_array(data.draw(arrays(np.float64, own_shape(k, n, m), elements=elements))))
        for k in OWN_NAMES
        if k in names
    )
    assert_round_trip(model, dataclasses.replace(view, own=own))
