"""lstm_core.gru against torch.nn.GRU without torch: golden vectors in golden_gru.json.

The file is made by tests/fixtures/make_golden_gru.py (torch 2.13, float64; ``make
golden``). torch computes only the reset_after=True convention; test_gru.py covers the
other one with a hand-written reference and finite differences.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lstm_core import GRU_GATES, GRUParams, gru_backward, gru_run, gru_step

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "golden_gru.json"
DOC: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = DOC["cases"]
TOL = 1e-10


def close(ours: Any, theirs: Any) -> None:
    """Entry by entry within 1e-10 relative, or 1e-10 of the array's largest entry."""
    ours, theirs = np.asarray(ours), np.asarray(theirs, dtype=np.float64)
    assert ours.shape == theirs.shape
    scale = max(float(np.max(np.abs(theirs))), 1.0)
    np.testing.assert_allclose(ours, theirs, rtol=TOL, atol=TOL * scale)


def params_of(case: dict[str, Any]) -> GRUParams:
    state = {k: np.array(v) for k, v in case["state"].items()}
    return GRUParams.from_torch_state(state, concat_order=case["concat_order"])


def test_fixture_covers_the_required_ground() -> None:
    assert DOC["generated_by"] == "tests/fixtures/make_golden_gru.py"
    assert DOC["dtype"] == "float64"
    assert len(CASES) == 8
    assert {c["concat_order"] for c in CASES} == {"h_first", "x_first"}
    assert any(c["m"] != c["n"] for c in CASES)
    assert sum(c["T"] >= 5 for c in CASES) >= 6
    # the r and z biases really are split between torch's two vectors, and b_hn is not zero
    for c in CASES:
        n = c["n"]
        assert np.all(np.array(c["state"]["bias_hh_l0"]) != 0.0)
        assert len(c["state"]["bias_hh_l0"]) == 3 * n
    assert FIXTURE.stat().st_size < 1_000_000


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_forward_matches_torch(case: dict[str, Any]) -> None:
    params = params_of(case)
    assert (params.n_input, params.n_hidden, params.reset_after) == (case["m"], case["n"], True)
    trace = gru_run(params, case["xs"], case["h0"])
    close(trace.h, case["torch"]["h"])
    close(trace.h_last, case["torch"]["h_n"])
    close(gru_step(params, case["xs"][0], case["h0"]).h, case["torch"]["cell_h1"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_backward_matches_torch_autograd(case: dict[str, Any]) -> None:
    params = params_of(case)
    trace = gru_run(params, case["xs"], case["h0"])
    dh = np.array(case["dh"])
    assert float(np.sum(dh * trace.h)) == pytest.approx(case["torch"]["loss"], rel=1e-12, abs=1e-12)

    g = gru_backward(params, trace, dh)
    tg = {k: np.array(v) for k, v in case["torch_grads"].items()}
    n = params.n_hidden
    # torch's layout of the gradients: the same blocks as its weights
    for gate in GRU_GATES:
        rows = slice(gate.torch_index * n, (gate.torch_index + 1) * n)
        dW_h, dW_x = params.replace(**{gate.W: g.dW(gate.key)}).split(gate.key)
        close(dW_h, tg["weight_hh_l0"][rows])
        close(dW_x, tg["weight_ih_l0"][rows])
        close(g.db(gate.key), tg["bias_ih_l0"][rows])
        if gate.key != "n":  # b_r = b_ir + b_hr: torch's two gradients are the same
            close(g.db(gate.key), tg["bias_hh_l0"][rows])
    assert g.db_hn is not None
    close(g.db_hn, tg["bias_hh_l0"][2 * n :])
    close(g.dx, tg["x"])
    close(g.dh0, tg["h0"])
