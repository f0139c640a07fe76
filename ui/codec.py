"""The model <-> URL query parameters, exactly and defensively (no Streamlit here).

The numbers are written as ``linktext`` says, so they read back as the same floats;
W_f … W_o are always read as matrices, so a one-unit model's single row (no ``;``)
reads back as one row. The view's parameters (stage, focus, panels, …) are ``view``'s;
the variants' own arrays are read here, since they must fit the model. Every piece of
the link a warning echoes goes through ``quote``: cut and shown as plain text, never as
Markdown, HTML or math.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Any

import numpy as np

from lstm_core import CONCAT_ORDERS, GATES, CellModel, LSTMParams
from lstm_core.numbers import quote
from lstm_core.precision import cell_arrays, check_range
from lstm_core.presets import PRESETS, load_preset
from lstm_core.variants import OWN_NAMES, own_shape

from .linktext import MAX_EDITABLE, MIN_SIZE, decode_array, encode_array, whole
from .view import ANSWER_PREFIX, VIEW_KEYS, View, encode_view, read_view

DEFAULT_PRESET = "seed-question"
VECTOR_KEYS = {"x": "x_t", "h": "h_t-1", "c": "C_t-1"}


def encode(model: CellModel, view: View) -> dict[str, str]:
    """The link's query parameters, the model's and ``encode_view``'s, in the order links
    have always had: sizes, dtype, focus and stage, the weights, the Variants page's cell,
    the vectors, then the rest of the view."""
    p = model.params
    v = encode_view(view)
    q = {"m": str(p.n_input), "n": str(p.n_hidden), "order": p.concat_order}
    q |= {k: v[k] for k in ("dtype", "focus", "stage")}
    for g in GATES:
        q[g.W] = encode_array(p.W(g.key))
        q[g.b] = encode_array(p.b(g.key))
    q |= {k: v[k] for k in ("variant", "vstage") if k in v}
    q["x"] = encode_array(model.x)
    q["h"] = encode_array(model.h_prev)
    q["c"] = encode_array(model.c_prev)
    return q | v  # keys already in q keep their place


def _size(q: dict[str, str], key: str) -> int:
    raw = q[key]
    v = whole(raw)
    if v is None:
        raise ValueError(f"size {key}={quote(raw)} is not a whole number")
    if not MIN_SIZE <= v <= MAX_EDITABLE:
        raise ValueError(f"size {key}={v} is outside {MIN_SIZE}..{MAX_EDITABLE}")
    return v


def decode(q: dict[str, str]) -> tuple[CellModel, View, list[str]]:
    """A model and view from query parameters, and the warnings to show.

    Never raises: anything unreadable falls back to a sensible model, and each
    fallback is explained in a warning.
    """
    model, view, warnings = _decode_lstm(q)
    return model, _read_own(q, model, view, warnings), warnings


# -- issue 14: the variants' own arrays, checked against the model read from the link ------
def check_own(name: str, text: str, model: CellModel, dtype: str) -> str:
    """The link text of own array ``name`` written again exactly, or a ValueError that
    names it: it must have the model's shape and fit ``dtype``."""
    n, m = model.params.n_hidden, model.params.n_input
    shape = own_shape(name, n, m)
    read = decode_array(name, text, matrix=len(shape) == 2)
    if len({len(row) for row in read if isinstance(row, list)}) > 1:
        raise ValueError(f"{name}'s rows differ in length")
    a = np.array(read, dtype=np.float64)
    if a.shape != shape:
        raise ValueError(f"{name} has shape {a.shape} but needs {shape} for n={n}, m={m}")
    check_range({name: a}, dtype)
    return encode_array(a)


def own_arrays(view: View) -> dict[str, np.ndarray]:
    """The edited arrays of ``view`` by name (their text was checked when it was stored)."""
    return {name: _own_array(name, text) for name, text in view.own}


@lru_cache(maxsize=256)
def _own_array(name: str, text: str) -> np.ndarray:
    a = np.array(decode_array(name, text, matrix=name.startswith("W_")), dtype=np.float64)
    a.flags.writeable = False
    return a


def _read_own(q: dict[str, str], model: CellModel, view: View, warnings: list[str]) -> View:
    own = []
    for name in (k for k in OWN_NAMES if k in q):
        try:
            own.append((name, check_own(name, q[name], model, view.dtype)))
        except ValueError as err:
            warnings.append(f"{name} in this link could not be read ({err}); it follows the LSTM.")
    return replace(view, own=tuple(own))


def _decode_lstm(q: dict[str, str]) -> tuple[CellModel, View, list[str]]:
    """``decode`` without the variants' own arrays."""
    warnings: list[str] = []
    q = {k: str(v) for k, v in q.items()}
    preset = q.get("preset")
    model_keys = {"m", "n", "x", "h", "c", "order"} | {g.W for g in GATES} | {g.b for g in GATES}
    view_keys = {"preset"} | VIEW_KEYS | set(OWN_NAMES)
    unknown = sorted(k for k in set(q) - model_keys - view_keys if not k.startswith(ANSWER_PREFIX))
    if unknown:
        names = ", ".join(quote(k) for k in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        warnings.append(
            f"This link has settings the app does not know ({names}); they were ignored."
        )
    if preset is not None:
        if preset in PRESETS:
            model = load_preset(preset)
            view = View(focus=PRESETS[preset].focus)
            return model, read_view(q, warnings, view), warnings
        warnings.append(
            f"There is no preset called {quote(preset)}. Loaded '{DEFAULT_PRESET}' instead."
        )
    elif model_keys & set(q):
        view_warnings: list[str] = []
        view = read_view(q, view_warnings, View())
        try:
            return _decode_model(q, view.dtype), view, warnings + view_warnings
        except ValueError as err:
            warnings.append(
                f"The model in this link could not be read ({err}). "
                f"Loaded the '{DEFAULT_PRESET}' example instead."
            )
            return load_preset(DEFAULT_PRESET), view, warnings + view_warnings
    return load_preset(DEFAULT_PRESET), read_view(q, warnings, View()), warnings


def _decode_model(q: dict[str, str], dtype: str) -> CellModel:
    missing = [k for k in ("m", "n") if k not in q]
    if missing:
        what = f"the size {missing[0]} is" if len(missing) == 1 else "the sizes m and n are"
        raise ValueError(f"{what} missing")
    m, n = _size(q, "m"), _size(q, "n")
    order = q.get("order", "h_first")
    if order not in CONCAT_ORDERS:
        raise ValueError(f"concat order {quote(order)} must be h_first or x_first")
    arrays: dict[str, Any] = {}
    for g in GATES:
        for name in (g.W, g.b):
            if name not in q:
                raise ValueError(f"{name} is missing")
            arrays[name] = decode_array(name, q[name], matrix=name == g.W)
    vectors = {}
    for key, name in VECTOR_KEYS.items():
        vectors[key] = decode_array(name, q[key]) if key in q else [0.0] * (m if key == "x" else n)
    params = LSTMParams(**arrays, concat_order=order)
    if (params.n_input, params.n_hidden) != (m, n):
        raise ValueError(
            f"the arrays are for m={params.n_input}, n={params.n_hidden} but the link says "
            f"m={m}, n={n}"
        )
    model = CellModel(params, vectors["x"], vectors["h"], vectors["c"])  # type: ignore[arg-type]
    check_range(cell_arrays(params, model.x, model.h_prev, model.c_prev), dtype)
    return model
