"""lstm_core.exports: CSV of one step and of a whole sequence, read back exactly."""

from __future__ import annotations

import csv
from typing import Any

import numpy as np
import pytest

from lstm_core import CONCAT_ORDERS, LSTMParams, run, step
from lstm_core.exports import UNIT_QUANTITIES, concat_csv, step_csv, trace_csv
from lstm_core.presets import PRESETS, load_preset


def read(text: str) -> tuple[list[str], list[list[str]], list[str]]:
    """(header, rows, comment lines) of one CSV table."""
    lines = text.splitlines()
    notes = [line for line in lines if line.startswith("#")]
    table = list(csv.reader(line for line in lines if not line.startswith("#")))
    return table[0], table[1:], notes


@pytest.mark.parametrize("name", sorted(PRESETS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_step_csv_reads_back_every_quantity_exactly(name: str, dtype: Any) -> None:
    e = load_preset(name)
    s = step(e.params, e.x, e.h_prev, e.c_prev, dtype=dtype)
    header, rows, notes = read(step_csv(s))
    fields = [q for q, _, _ in UNIT_QUANTITIES]
    assert header == ["unit", *fields]
    assert [int(r[0]) for r in rows] == list(range(e.params.n_hidden))
    for j, field in enumerate(fields, start=1):
        back = np.array([float(r[j]) for r in rows]).astype(dtype)
        assert back.tobytes() == getattr(s, field).tobytes(), field
    assert all(any(f"{q}: " in note for note in notes) for q in fields)
    assert step_csv(s, comments=False).startswith("unit,h_prev,")


@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_concat_csv_labels_every_entry_of_v(order: Any) -> None:
    p = LSTMParams.random(2, 3, seed=0, concat_order=order)
    x, h, c = np.array([-0.0, 5e-324]), np.array([0.1, 1 / 3, -2.5]), np.zeros(3)
    s = step(p, x, h, c)
    header, rows, notes = read(concat_csv(s, p))
    assert header == ["index", "part", "part_index", "v"]
    assert [int(r[0]) for r in rows] == list(range(5))
    parts = {"h": h, "x": x}
    for _, part, j, v in rows:
        assert float(v) == parts[part][int(j)]
        assert np.copysign(1, float(v)) == np.copysign(1, parts[part][int(j)])  # -0.0 kept
    assert [r[1] for r in rows][0] == ("h" if order == "h_first" else "x")
    assert "x_t" in notes[0] and "h_{t-1}" in notes[0]


def test_trace_csv_is_long_format_and_exact() -> None:
    p = LSTMParams.random(2, 3, seed=1)
    xs = np.random.default_rng(1).normal(0, 1, (4, 2))
    trace = run(p, xs, h0=[0.5, -0.0, 1e-310])
    header, rows, notes = read(trace_csv(trace))
    assert header == ["t", "unit", "quantity", "value"]
    assert len(rows) == 4 * (2 + 3 * len(UNIT_QUANTITIES))
    got: dict[tuple[int, str], dict[int, float]] = {}
    for t, r, q, v in rows:
        got.setdefault((int(t), q), {})[int(r)] = float(v)
    for (t, q), by_unit in got.items():
        a = np.asarray(getattr(trace, q))[t]
        back = np.array([by_unit[r] for r in range(len(a))])
        assert back.tobytes() == a.tobytes(), (t, q)
    assert [r[2] for r in rows[:3]] == ["x", "x", "h_prev"]  # x first, with input indices
    assert any("input index" in note for note in notes)
    assert not trace_csv(trace, comments=False).startswith("#")
