"""lstm_core.backward against torch autograd's gradients, stored in golden_backward.json.

The file is made by tests/fixtures/make_golden_backward.py (torch 2.13, float64); this
test never imports torch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lstm_core import GATES, LSTMParams, backward, run
from lstm_core.torch_layout import from_torch_state

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "golden_backward.json"
DOC: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = DOC["cases"]
TOL = 1e-10


def close(ours: np.ndarray, theirs: np.ndarray) -> None:
    """Entry by entry within 1e-10 relative, or 1e-10 of the array's largest entry."""
    theirs = np.asarray(theirs, dtype=np.float64)
    assert ours.shape == theirs.shape
    scale = float(np.max(np.abs(theirs)))
    assert scale > 0.0
    np.testing.assert_allclose(ours, theirs, rtol=TOL, atol=TOL * scale)


def test_fixture_is_what_the_generator_writes() -> None:
    assert DOC["generated_by"] == "tests/fixtures/make_golden_backward.py"
    assert DOC["dtype"] == "float64"
    assert len(CASES) == 8
    assert {c["params"]["concat_order"] for c in CASES} == {"h_first", "x_first"}
    assert FIXTURE.stat().st_size < 1_000_000


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_backward_matches_torch_autograd(case: dict[str, Any]) -> None:
    params = LSTMParams.from_dict(case["params"])
    trace = run(params, case["xs"], case["h0"], case["c0"])
    dh, dc_last = np.array(case["dh"]), np.array(case["dc_last"])
    loss = float(np.sum(dh * trace.h) + dc_last @ trace.c[-1])
    assert loss == pytest.approx(case["loss"], rel=1e-12, abs=1e-12)

    g = backward(params, trace, dh, dc_last)
    tg = case["torch_grads"]
    # torch's layout back to the textbook one, with the same code the app uses for import
    expected = from_torch_state(
        {
            "weight_ih_l0": np.array(tg["weight_ih_l0"]),
            "weight_hh_l0": np.array(tg["weight_hh_l0"]),
            "bias_ih_l0": np.array(tg["bias_ih_l0"]),
            "bias_hh_l0": np.zeros(len(tg["bias_ih_l0"])),
        },
        concat_order=params.concat_order,
    )
    for gate in GATES:
        close(g.dW(gate.key), expected.W(gate.key))
        close(g.db(gate.key), expected.b(gate.key))
    close(g.dx, np.array(tg["x"]))
    close(g.dh0, np.array(tg["h0"]))
    close(g.dc0, np.array(tg["c0"]))
