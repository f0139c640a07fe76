"""Parity with torch without torch: lstm_core against golden vectors from torch.nn.LSTM.

``tests/fixtures/golden_forward.json`` was written by ``tests/fixtures/make_golden.py``
(torch.nn.LSTM and nn.LSTMCell in float64, torch's biases split into two random
parts). Regenerate it with ``make golden``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lstm_core import CONCAT_ORDERS, LSTMParams, run, step
from lstm_core.torch_layout import from_torch_state, to_torch_state

FIXTURE = Path(__file__).parent / "fixtures" / "golden_forward.json"
DATA: dict[str, Any] = json.loads(FIXTURE.read_text())
CASES: list[dict[str, Any]] = DATA["cases"]
TOL = 1e-10


def assert_close(actual: Any, expected: Any, what: str) -> None:
    actual, expected = np.asarray(actual), np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    err = float(np.max(np.abs(actual - expected)))
    assert err <= TOL, f"{what}: max abs error {err:.3g} > {TOL}"


def test_fixture_covers_the_required_ground() -> None:
    """The golden file itself must span the sizes and orders that the issue asks for."""
    assert DATA["dtype"] == "float64"
    assert len(CASES) >= 12
    assert {c["concat_order"] for c in CASES} == set(CONCAT_ORDERS)
    ms, ns, Ts = {c["m"] for c in CASES}, {c["n"] for c in CASES}, {c["T"] for c in CASES}
    assert min(ms) == 1 and max(ms) == 8
    assert min(ns) == 1 and max(ns) == 8
    assert min(Ts) == 1 and max(Ts) == 40
    assert any(c["weight_scale"] is not None and c["weight_scale"] >= 3 for c in CASES)
    assert any(c["h0"] is None for c in CASES)
    # torch's second bias is really used: only the sum of the two may matter
    assert all(np.any(np.asarray(c["torch_bias_hh"]) != 0) for c in CASES)
    assert FIXTURE.stat().st_size < 1_000_000


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_run_matches_torch_lstm(case: dict[str, Any]) -> None:
    p = LSTMParams.from_dict(case["params"])
    assert p.concat_order == case["concat_order"]
    assert (p.n_input, p.n_hidden) == (case["m"], case["n"])
    trace = run(p, case["xs"], case["h0"], case["c0"])
    exp = case["expected"]
    assert len(trace) == case["T"]
    assert_close(trace.h, exp["h"], "h_t over time")
    assert_close(trace.c, exp["c"], "C_t over time")
    assert_close(trace.h_last, exp["h_n"], "final h_n")
    assert_close(trace.c_last, exp["c_n"], "final c_n")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_repeated_step_matches_torch_lstm(case: dict[str, Any]) -> None:
    p = LSTMParams.from_dict(case["params"])
    n = p.n_hidden
    h = np.zeros(n) if case["h0"] is None else np.asarray(case["h0"])
    c = np.zeros(n) if case["c0"] is None else np.asarray(case["c0"])
    hs, cs = [], []
    for x in case["xs"]:
        s = step(p, x, h, c)
        h, c = s.h, s.c
        hs.append(h)
        cs.append(c)
    assert_close(hs, case["expected"]["h"], "h_t from step()")
    assert_close(cs, case["expected"]["c"], "C_t from step()")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_single_step_matches_torch_lstmcell(case: dict[str, Any]) -> None:
    p = LSTMParams.from_dict(case["params"])
    one = case["cell_step"]
    s = step(p, one["x"], one["h_prev"], one["c_prev"])
    assert_close(s.h, one["h"], "LSTMCell h")
    assert_close(s.c, one["c"], "LSTMCell c")
    t = run(p, [one["x"]], one["h_prev"], one["c_prev"])
    assert_close(t.h[0], one["h"], "LSTMCell h via run()")
    assert_close(t.c[0], one["c"], "LSTMCell c via run()")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_from_torch_state_with_split_bias(case: dict[str, Any]) -> None:
    """torch's two biases add up: importing the split state gives back the same cell."""
    p = LSTMParams.from_dict(case["params"])
    state = to_torch_state(p) | {
        "bias_ih_l0": np.asarray(case["torch_bias_ih"]),
        "bias_hh_l0": np.asarray(case["torch_bias_hh"]),
    }
    q = from_torch_state(state, concat_order=p.concat_order)
    for name in ("W_f", "W_i", "W_c", "W_o"):
        np.testing.assert_array_equal(getattr(q, name), getattr(p, name))
    for name in ("b_f", "b_i", "b_c", "b_o"):
        np.testing.assert_allclose(getattr(q, name), getattr(p, name), rtol=0, atol=1e-15)
    trace = run(q, case["xs"], case["h0"], case["c0"])
    assert_close(trace.h, case["expected"]["h"], "h_t after from_torch_state")


def test_seed_question_case_is_saturated_like_the_worked_example() -> None:
    """The golden file also holds the worked example's huge W_f and W_i (x_first)."""
    case = next(c for c in CASES if c["name"].startswith("seed-question"))
    p = LSTMParams.from_dict(case["params"])
    s = step(p, [1, 2, 3], [4, 5, 6], [0, 0, 0])
    np.testing.assert_array_equal(s.z_f, [92.0, 177.0, 136.0])
    np.testing.assert_array_equal(s.z_i, [22.0, 43.0, 64.0])
