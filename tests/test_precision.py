"""float32 range: a value float32 cannot hold is refused by name, and no step shows NaN."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lstm_core import CONCAT_ORDERS, GATES, CellModel, LSTMParams, step
from lstm_core.precision import cell_arrays, check_range, max_abs, out_of_range, range_message
from lstm_core.presets import PRESETS, load_preset
from ui.codec import decode, encode
from ui.view import View

FAST = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
F32_MAX = float(np.finfo(np.float32).max)


def arrays_of(model: CellModel) -> dict[str, np.ndarray]:
    return cell_arrays(model.params, model.x, model.h_prev, model.c_prev)


def finite_step(model: CellModel, dtype: Any) -> bool:
    s = step(model.params, model.x, model.h_prev, model.c_prev, dtype=dtype)
    return all(np.all(np.isfinite(v)) for v in s.as_dict().values())


def test_a_value_beyond_float32_is_named_with_its_position() -> None:
    seed = load_preset("seed-question")
    model = CellModel(
        seed.params.replace(W_o=np.full((3, 6), 2.0)), seed.x, [0, 1e39, 0], seed.c_prev
    )
    assert out_of_range(arrays_of(model), np.float64) == []
    found = out_of_range(arrays_of(model), np.float32)
    assert found == [("h_{t-1}", (1,), 1e39)]
    assert range_message(found, "float32") == (
        "h_{t-1} has the value 1e+39 at entry 1 (counting from 0); in float32 entries must lie "
        "within ±1e+17 so that W·v cannot overflow"
    )
    with pytest.raises(ValueError, match=r"h_\{t-1\} has the value 1e\+39"):
        check_range(arrays_of(model), "float32")


def test_the_float32_message_reads_like_the_float64_one() -> None:
    """The same sentence as the core's own refusal of 1e200 in float64."""
    W = np.zeros((3, 6))
    W[2, 4] = 1e200
    with pytest.raises(ValueError) as core:
        LSTMParams.zeros(3, 3).replace(W_f=W)
    W[2, 4] = 1e39
    ours = range_message(out_of_range({"W_f": W}, np.float32), np.float32)
    assert ours.replace("1e+39", "1e+200").replace("in float32 entries", "entries").replace(
        "±1e+17", "±1e+150"
    ) == str(core.value)


def test_counts_every_entry_that_does_not_fit() -> None:
    W = np.full((2, 3), 2e17)
    found = out_of_range({"W_c": W, "b_c": [np.nan, 1.0]}, "float32")
    assert [f[:2] for f in found] == [("W_c", (r, c)) for r in range(2) for c in range(3)] + [
        ("b_c", (0,))
    ]
    assert range_message(found, "float32").endswith("; 6 other entries too")
    assert out_of_range({"W_c": np.full((2, 3), 1e17)}, "float32") == []  # the bound is in


def test_only_float64_and_float32() -> None:
    assert max_abs("float64") == 1e150 and max_abs(np.float32) == 1e17
    with pytest.raises(ValueError, match="float64 or float32"):
        max_abs(np.float16)


def test_a_float32_link_with_1e39_warns_and_falls_back() -> None:
    seed = load_preset("seed-answer")
    query = encode(seed, View(dtype="float32")) | {
        "W_f": "1e39,2,3,4,5,6;" + "0," * 5 + "0;1,1,1,1,1,1"
    }
    model, view, warnings = decode(query)
    assert view.dtype == "float32"
    assert len(warnings) == 1
    assert "W_f has the value 1e+39 at row 0, column 0" in warnings[0]
    assert "in float32 entries must lie within ±1e+17" in warnings[0]
    assert "Loaded the 'seed-question' example instead" in warnings[0]
    assert finite_step(model, np.float32)
    float64 = decode(query | {"dtype": "float64"})
    assert float64[2] == [] and float64[0].params.W_f[0, 0] == 1e39


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_fits_float32_and_steps_finite(name: str) -> None:
    model = load_preset(name)
    assert out_of_range(arrays_of(model), np.float32) == []
    assert finite_step(model, np.float32)


@st.composite
def models(draw: Callable[..., Any], limit: float) -> CellModel:
    m, n = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    values = st.one_of(
        st.sampled_from([limit, -limit, 1e17, -1e17, F32_MAX, 1e39, -0.0, 5e-324]),
        st.floats(-limit, limit, allow_nan=False, allow_infinity=False),
    )
    kw = {g.W: draw(arrays(np.float64, (n, n + m), elements=values)) for g in GATES}
    kw |= {g.b: draw(arrays(np.float64, (n,), elements=values)) for g in GATES}
    params = LSTMParams(**kw, concat_order=draw(st.sampled_from(CONCAT_ORDERS)))
    x, h, c = (draw(arrays(np.float64, (k,), elements=values)) for k in (m, n, n))
    return CellModel(params, x, h, c)


@FAST
@given(st.one_of(models(1e150), models(1e17)))
def test_float32_never_shows_nan_or_inf(model: CellModel) -> None:
    """Every model the core accepts: float64 steps are finite; float32 ones are, or the
    range check refuses the model first."""
    assert finite_step(model, np.float64)
    if not out_of_range(arrays_of(model), np.float32):
        assert finite_step(model, np.float32)
    else:
        with pytest.raises(ValueError, match="in float32 entries must lie within"):
            check_range(arrays_of(model), np.float32)
