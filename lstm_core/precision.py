"""Which values a precision can hold: the range check for float32 (and float64).

Notation
--------
B_d    the largest |entry| accepted when the step is computed in dtype d
N      the most terms one z = W·v + b sums: n+m ≤ 2·MAX_DIM products and one bias

Equations
---------
|z| ≤ N·B_d² + B_d, which must stay below d's largest finite value:
float64: B = 1e150 (``params.MAX_ABS``): 8193·1e300 < 1.8e308
float32: B = 1e17:                       8193·1e34  < 3.4e38
Every other quantity of a step (σ, tanh, f·C_{t-1} + i·C̃, o·tanh(C)) is then finite.
A float64 model can hold 1e39 while float32 cannot, so switching to float32 asks first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .gates import GATES
from .params import MAX_ABS, LSTMParams

MAX_ABS_BY_DTYPE: dict[str, float] = {"float64": MAX_ABS, "float32": 1e17}

OutOfRange = tuple[str, tuple[int, ...], float]  # (array name, index, value)


def max_abs(dtype: Any) -> float:
    """B_d: the largest |entry| a step in ``dtype`` accepts (float64 or float32)."""
    name = np.dtype(dtype).name
    if name not in MAX_ABS_BY_DTYPE:
        raise ValueError(f"dtype must be float64 or float32, got {name}")
    return MAX_ABS_BY_DTYPE[name]


def cell_arrays(
    params: LSTMParams, x: ArrayLike, h_prev: ArrayLike, c_prev: ArrayLike
) -> dict[str, np.ndarray]:
    """Every array of one step by its name in messages: W_f … b_o, x_t, h_{t-1}, C_{t-1}."""
    arrays = {g.W: params.W(g.key) for g in GATES} | {g.b: params.b(g.key) for g in GATES}
    vectors = {"x_t": x, "h_{t-1}": h_prev, "C_{t-1}": c_prev}
    return arrays | {k: np.asarray(v, dtype=np.float64) for k, v in vectors.items()}


def out_of_range(arrays: Mapping[str, ArrayLike], dtype: Any) -> list[OutOfRange]:
    """Entries a step in ``dtype`` cannot use: (name, index, value), in order.

    Empty when every entry is finite and within ±B_d; a pure check, nothing is changed.
    """
    limit = max_abs(dtype)
    found: list[OutOfRange] = []
    for name, value in arrays.items():
        a = np.asarray(value, dtype=np.float64)
        bad = ~(np.abs(a) <= limit)  # NaN compares False, so it is caught too
        found += [(name, tuple(int(k) for k in i), float(a[tuple(i)])) for i in np.argwhere(bad)]
    return found


def range_message(found: list[OutOfRange], dtype: Any) -> str:
    """One sentence naming the first entry that does not fit, and how many others."""
    name, index, value = found[0]
    where = f"entry {index[0]}" if len(index) == 1 else f"row {index[0]}, column {index[1]}"
    others = len(found) - 1
    more = "" if not others else f"; {others} other {'entry' if others == 1 else 'entries'} too"
    return f"{name} has the value {value:g} at {where} (counting from 0); {limit_text(dtype)}{more}"


def limit_text(dtype: Any) -> str:
    """'in float32 entries must lie within ±1e+17 so that W·v cannot overflow'."""
    return (
        f"in {np.dtype(dtype).name} entries must lie within ±{max_abs(dtype):g} "
        "so that W·v cannot overflow"
    )


def check_range(arrays: Mapping[str, ArrayLike], dtype: Any) -> None:
    """Raise ValueError with :func:`range_message` if any entry does not fit ``dtype``."""
    if found := out_of_range(arrays, dtype):
        raise ValueError(range_message(found, dtype))
