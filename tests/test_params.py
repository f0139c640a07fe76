"""LSTMParams, step() and run(): construction, validation and the messages a student reads."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import numpy as np
import pytest

from lstm_core import CONCAT_ORDERS, GATES, LSTMParams, run, step

WEIGHTS = [g.W for g in GATES]  # W_f, W_i, W_c, W_o
BIASES = [g.b for g in GATES]


def arrays(m: int = 3, n: int = 3, seed: int = 0) -> dict[str, Any]:
    """Plain nested lists for every array of an m-input, n-unit cell."""
    rng = np.random.default_rng(seed)
    d: dict[str, Any] = {w: rng.uniform(-1, 1, (n, n + m)).tolist() for w in WEIGHTS}
    d |= {b: rng.uniform(-1, 1, n).tolist() for b in BIASES}
    return d


def error_of(**changes: Any) -> str:
    kwargs = arrays() | changes
    with pytest.raises(ValueError) as info:
        LSTMParams(**kwargs)
    return str(info.value)


# -- shapes -----------------------------------------------------------------------


def test_the_issue_example_message() -> None:
    msg = error_of(W_f=np.ones((3, 3)))
    for part in ("W_f", "(3, 3)", "(3, 6)", "n=3", "n+m=6", "[h_{t-1}, x_t]"):
        assert part in msg, (part, msg)


def test_message_follows_the_concat_order() -> None:
    msg = error_of(W_f=np.ones((3, 3)), concat_order="x_first")
    assert "[x_t, h_{t-1}]" in msg


@pytest.mark.parametrize("name", WEIGHTS)
@pytest.mark.parametrize("shape", [(3, 5), (2, 6), (4, 6), (3, 7)])
def test_each_weight_with_a_wrong_shape_is_named(name: str, shape: tuple[int, int]) -> None:
    msg = error_of(**{name: np.zeros(shape)})
    assert msg.startswith(f"{name} has shape {shape} but must be (3, 6)"), msg


@pytest.mark.parametrize("name", WEIGHTS)
def test_a_weight_given_as_a_vector_is_named(name: str) -> None:
    msg = error_of(**{name: [1, 2, 3, 4, 5, 6]})
    assert msg.startswith(f"{name} has shape (6,) but must be (3, 6)"), msg


@pytest.mark.parametrize("name", BIASES)
@pytest.mark.parametrize("length", [2, 4])
def test_each_bias_with_a_wrong_length_is_named(name: str, length: int) -> None:
    msg = error_of(**{name: np.zeros(length)})
    assert msg.startswith(f"{name} has length {length} but must have length 3"), msg
    assert "n=3" in msg


@pytest.mark.parametrize("name", BIASES)
def test_a_bias_given_as_a_matrix_is_named(name: str) -> None:
    msg = error_of(**{name: np.zeros((3, 1))})
    assert msg.startswith(f"{name} has shape (3, 1) but must have length 3"), msg


def test_all_weights_not_matrices() -> None:
    msg = error_of(**{w: [1.0, 2.0] for w in WEIGHTS})
    assert "2-D" in msg and "W_f" in msg


def test_no_room_for_inputs() -> None:
    """n+m columns with n = 3 bias entries: 3 columns would leave m = 0."""
    msg = error_of(**{w: np.zeros((3, 3)) for w in WEIGHTS})
    assert "3 columns" in msg and "m ≥ 1" in msg


def test_absurd_sizes_are_refused() -> None:
    kwargs = {w: np.zeros((1, 5000)) for w in WEIGHTS} | {b: np.zeros(1) for b in BIASES}
    with pytest.raises(ValueError, match=r"m=4999 must each be at most 4096"):
        LSTMParams(**kwargs)


# -- contents ---------------------------------------------------------------------


@pytest.mark.parametrize("name", WEIGHTS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_weight_is_named_with_its_position(name: str, bad: float) -> None:
    W = np.zeros((3, 6))
    W[1, 4] = bad
    msg = error_of(**{name: W})
    assert msg.startswith(f"{name} has a non-finite value ({bad})"), msg
    assert "row 1, column 4" in msg


@pytest.mark.parametrize("name", BIASES)
def test_non_finite_bias_is_named_with_its_position(name: str) -> None:
    msg = error_of(**{name: [0.0, 0.0, float("nan")]})
    assert msg.startswith(f"{name} has a non-finite value (nan) at entry 2"), msg


@pytest.mark.parametrize("name", WEIGHTS)
def test_ragged_weight_rows_are_named(name: str) -> None:
    msg = error_of(**{name: [[1, 2, 3, 4, 5, 6], [1, 2, 3], [1, 2, 3, 4, 5, 6]]})
    assert re.match(rf"{re.escape(name)} must .*rectangular layout", msg), msg


@pytest.mark.parametrize("name", WEIGHTS + BIASES)
def test_text_instead_of_numbers_is_named(name: str) -> None:
    value = [["a"] * 6] * 3 if name.startswith("W") else ["a", "b", "c"]
    msg = error_of(**{name: value})
    assert re.match(rf"{re.escape(name)} must .*numbers", msg), msg


@pytest.mark.parametrize("order", ["y_first", "H_FIRST", "", None])
def test_bad_concat_order(order: Any) -> None:
    msg = error_of(concat_order=order)
    assert msg.startswith(f"concat_order is {order!r}"), msg
    assert "'h_first'" in msg and "'x_first'" in msg


def test_lists_become_read_only_float64_arrays() -> None:
    d = arrays()
    d["W_f"] = [[1, 2, 3, 4, 5, 6]] * 3  # integers
    p = LSTMParams(**d)
    for name in WEIGHTS + BIASES:
        a = getattr(p, name)
        assert isinstance(a, np.ndarray) and a.dtype == np.float64, name
        assert not a.flags.writeable, name
    np.testing.assert_array_equal(p.W_f[0], [1, 2, 3, 4, 5, 6])


def test_arrays_are_read_only_and_copied() -> None:
    W = np.ones((3, 6))
    p = LSTMParams(**(arrays() | {"W_f": W}))
    W[0, 0] = 99.0  # changing the caller's array afterwards changes nothing
    assert p.W_f[0, 0] == 1.0
    with pytest.raises(ValueError, match="read-only"):
        p.W_f[0, 0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        p.b_o[0] = 5.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.W_f = np.zeros((3, 6))  # type: ignore[misc]


# -- sizes and constructors ---------------------------------------------------------


@pytest.mark.parametrize(("m", "n"), [(1, 1), (3, 3), (2, 5), (8, 1), (1, 8)])
def test_sizes(m: int, n: int) -> None:
    p = LSTMParams(**arrays(m, n))
    assert (p.n_input, p.n_hidden) == (m, n)
    assert p.concat_order == "h_first"


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_zeros(order: Any) -> None:
    p = LSTMParams.zeros(n_input=2, n_hidden=4, concat_order=order)
    assert (p.n_input, p.n_hidden, p.concat_order) == (2, 4, order)
    for name in WEIGHTS:
        assert getattr(p, name).shape == (4, 6)
        assert not np.any(getattr(p, name))
    for name in BIASES:
        assert getattr(p, name).shape == (4,)
        assert not np.any(getattr(p, name))
    s = step(p, [1.0, -2.0], [0.5] * 4, [1.0, -1.0, 2.0, 0.0])
    np.testing.assert_array_equal(s.f, [0.5] * 4)  # σ(0)
    np.testing.assert_array_equal(s.c_tilde, [0.0] * 4)  # tanh(0)


def test_random_is_seeded_and_bounded() -> None:
    a = LSTMParams.random(3, 4, seed=7)
    b = LSTMParams.random(3, 4, seed=7)
    c = LSTMParams.random(3, 4, seed=8)
    for name in WEIGHTS + BIASES:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert np.abs(getattr(a, name)).max() <= 0.5  # default scale 1/sqrt(n) = 0.5
    assert not np.array_equal(a.W_f, c.W_f)
    assert (a.n_input, a.n_hidden, a.W_f.shape) == (3, 4, (4, 7))
    # distinct gates get distinct weights
    assert len({getattr(a, name).tobytes() for name in WEIGHTS}) == 4


def test_random_scale_and_order() -> None:
    p = LSTMParams.random(2, 3, seed=1, scale=10.0, concat_order="x_first")
    assert p.concat_order == "x_first"
    W = np.concatenate([p.W(g.key).ravel() for g in GATES])
    assert np.abs(W).max() <= 10.0
    assert np.abs(W).max() > 5.0  # the scale really widens the range


def test_replace_validates_again() -> None:
    p = LSTMParams.random(3, 3, seed=0)
    q = p.replace(b_f=[1, 2, 3])
    np.testing.assert_array_equal(q.b_f, [1, 2, 3])
    np.testing.assert_array_equal(q.W_f, p.W_f)
    with pytest.raises(ValueError, match=r"^b_f has length 2"):
        p.replace(b_f=[1, 2])


# -- concat order, dict round trip ----------------------------------------------------


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_with_concat_order_preserves_outputs(order: Any) -> None:
    p = LSTMParams.random(2, 3, seed=4, scale=2.0, concat_order=order)
    other = "x_first" if order == "h_first" else "h_first"
    q = p.with_concat_order(other)  # type: ignore[arg-type]
    assert q.concat_order == other
    assert p.with_concat_order(order) is p
    x, h, c = [0.3, -1.2], [0.5, -0.4, 0.9], [1.5, -2.0, 0.1]
    sp, sq = step(p, x, h, c), step(q, x, h, c)
    for field in ("z_f", "z_i", "z_c", "z_o", "f", "i", "c_tilde", "o", "c", "h"):
        np.testing.assert_allclose(getattr(sq, field), getattr(sp, field), rtol=1e-14, atol=1e-15)
    assert not np.array_equal(sp.concat, sq.concat)
    # moving the columns back gives the very same arrays
    back = q.with_concat_order(order)
    for name in WEIGHTS + BIASES:
        np.testing.assert_array_equal(getattr(back, name), getattr(p, name))
    xs = np.random.default_rng(0).normal(size=(5, 2))
    np.testing.assert_allclose(run(q, xs).h, run(p, xs).h, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_to_dict_from_dict_round_trip_is_exact(order: Any) -> None:
    p = LSTMParams.random(3, 2, seed=5, concat_order=order)
    d = p.to_dict()
    assert d["concat_order"] == order
    assert isinstance(d["W_f"], list) and isinstance(d["b_o"], list)
    q = LSTMParams.from_dict(json.loads(json.dumps(d)))
    assert q.concat_order == order
    for name in WEIGHTS + BIASES:
        np.testing.assert_array_equal(getattr(q, name), getattr(p, name))


def test_from_dict_defaults_to_h_first() -> None:
    d = LSTMParams.random(2, 2, seed=0).to_dict()
    del d["concat_order"]
    assert LSTMParams.from_dict(d).concat_order == "h_first"


def test_from_dict_rejects_unknown_and_missing_names() -> None:
    d = LSTMParams.random(2, 2, seed=0).to_dict()
    with pytest.raises(ValueError, match="unknown parameter name.*W_g"):
        LSTMParams.from_dict(d | {"W_g": d["W_f"]})
    del d["b_c"], d["W_o"]
    with pytest.raises(ValueError, match="missing parameter.*W_o, b_c"):
        LSTMParams.from_dict(d)


# -- step() input validation ---------------------------------------------------------

P = LSTMParams.random(3, 2, seed=3)  # m = 3, n = 2
GOOD = {"x": [1.0, 2.0, 3.0], "h_prev": [0.1, -0.2], "c_prev": [0.5, 0.0]}
NAMES = {"x": ("x_t", 3), "h_prev": ("h_{t-1}", 2), "c_prev": ("C_{t-1}", 2)}


@pytest.mark.parametrize("arg", list(GOOD))
def test_step_names_a_vector_with_a_wrong_length(arg: str) -> None:
    name, length = NAMES[arg]
    bad = [0.0] * (length + 1)
    with pytest.raises(ValueError) as info:
        step(P, **(GOOD | {arg: bad}))
    msg = str(info.value)
    assert msg.startswith(f"{name} has length {length + 1} but must have length {length}"), msg


@pytest.mark.parametrize("arg", list(GOOD))
def test_step_names_a_matrix_given_for_a_vector(arg: str) -> None:
    name, length = NAMES[arg]
    with pytest.raises(ValueError, match=re.escape(f"{name} has shape (1, {length})")):
        step(P, **(GOOD | {arg: [[0.0] * length]}))


@pytest.mark.parametrize("arg", list(GOOD))
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_step_rejects_non_finite_inputs(arg: str, bad: float) -> None:
    name, length = NAMES[arg]
    value = [0.0] * length
    value[-1] = bad
    with pytest.raises(ValueError) as info:
        step(P, **(GOOD | {arg: value}))
    msg = str(info.value)
    assert msg.startswith(f"{name} has a non-finite value ({bad}) at entry {length - 1}"), msg


@pytest.mark.parametrize("arg", list(GOOD))
def test_step_rejects_ragged_or_text_inputs(arg: str) -> None:
    name, _ = NAMES[arg]
    for bad in ([[1.0], [1.0, 2.0]], ["a", "b"]):
        with pytest.raises(ValueError, match=rf"^{re.escape(name)} must .*numbers"):
            step(P, **(GOOD | {arg: bad}))


@pytest.mark.parametrize("dtype", [np.float16, np.int64, np.complex128])
def test_step_rejects_other_dtypes(dtype: Any) -> None:
    with pytest.raises(ValueError, match="dtype must be float64 or float32"):
        step(P, **GOOD, dtype=dtype)


def test_step_accepts_scalars_in_lists_tuples_and_arrays() -> None:
    a = step(P, (1, 2, 3), np.array([0.1, -0.2]), [0.5, 0])
    b = step(P, **GOOD)
    np.testing.assert_array_equal(a.h, b.h)
    assert a.x.dtype == np.float64


# -- run() input validation ----------------------------------------------------------

XS = [[1.0, 2.0, 3.0], [0.0, -1.0, 0.5]]


@pytest.mark.parametrize(
    ("xs", "pattern"),
    [
        ([1.0, 2.0, 3.0], r"xs has shape \(3,\) but must be \(T, 3\)"),
        (np.zeros((0, 3)), r"xs has shape \(0, 3\) but must be \(T, 3\)"),
        (np.zeros((2, 3, 1)), r"xs has shape \(2, 3, 1\) but must be \(T, 3\)"),
        (5.0, r"xs has shape \(\) but must be \(T, 3\)"),
        ([[1.0, 2.0], [3.0, 4.0]], r"xs has shape \(2, 2\) but must be \(2, 3\)"),
        ([[1.0, 2.0, np.nan]], r"xs has a non-finite value \(nan\) at row 0, column 2"),
        ([[1.0, 2.0, 3.0], [np.inf, 0, 0]], r"xs has a non-finite value \(inf\) at row 1"),
        ([[1.0, 2.0, 3.0], [1.0, 2.0]], r"^xs must .*numbers"),
        ([["a", "b", "c"]], r"^xs must .*numbers"),
    ],
)
def test_run_rejects_bad_sequences(xs: Any, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        run(P, xs)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"h0": [0.0]}, r"h(0|_\{t-1\}) has length 1 but must have length 2"),
        ({"h0": [0.0, np.nan]}, r"h(0|_\{t-1\}) has a non-finite value \(nan\)"),
        ({"c0": [0.0, 0.0, 0.0]}, r"[Cc](0|_\{t-1\}) has length 3 but must have length 2"),
        ({"c0": [np.inf, 0.0]}, r"[Cc](0|_\{t-1\}) has a non-finite value \(inf\)"),
        ({"dtype": np.float16}, r"dtype must be float64 or float32"),
    ],
)
def test_run_rejects_bad_initial_states(kwargs: dict[str, Any], pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        run(P, XS, **kwargs)


def test_run_leaves_its_inputs_alone_and_defaults_to_zeros() -> None:
    xs = np.array(XS)
    t = run(P, xs)
    np.testing.assert_array_equal(xs, XS)
    np.testing.assert_array_equal(t[0].h_prev, [0.0, 0.0])
    np.testing.assert_array_equal(t[0].c_prev, [0.0, 0.0])
    np.testing.assert_array_equal(t.h, run(P, xs, h0=[0, 0], c0=[0, 0]).h)
    assert not np.any(t.h == 0.0)  # the zero start still produces real output


def test_trace_index_out_of_range() -> None:
    t = run(P, XS)
    assert len(t) == 2
    np.testing.assert_array_equal(t[-1].h, t.h[1])
    with pytest.raises(IndexError, match="step 2 is outside this trace of 2 steps"):
        t[2]
    with pytest.raises(IndexError):
        t[-3]
