"""The whole app model as JSON: params (with a variant's peepholes or coupling), x_t,
h_{t-1}, C_{t-1}, precision and concat order, read back exactly.

NumPy only, like :mod:`lstm_core.io`, which reads the params from the file's tensors (a
weights file is told from a model by its ``format``: :func:`load_model_or_weights`).
"""

from __future__ import annotations

import json
from typing import Any, Literal

import numpy as np

from .gates import PEEPHOLE_GATES
from .io import params_from_tensors
from .io_formats import (
    MAX_BYTES,
    MODEL_FORMAT,
    VERSION,
    Source,
    json_array,
    read_container,
    read_json,
    read_source,
    too_big,
)
from .model import INPUTS, CellModel
from .params import CONCAT_ORDERS, ConcatOrder, LSTMParams

Precision = Literal["float64", "float32"]
PRECISIONS: tuple[Precision, ...] = ("float64", "float32")


def model_to_dict(model: CellModel, dtype: Any = np.float64) -> dict[str, Any]:
    """The app model as plain JSON-ready values (:meth:`CellModel.to_dict`, with the format,
    version, precision and concat order on top); see :func:`model_to_json`."""
    precision = np.dtype(dtype).name
    if precision not in PRECISIONS:
        raise ValueError(f"precision is {precision}; expected float64 or float32")
    d = model.to_dict()
    params = d["params"]
    return {
        "format": MODEL_FORMAT,
        "version": VERSION,
        "precision": precision,
        "concat_order": params.pop("concat_order"),
        "params": params,
        "x_t": d["x"],
        "h_prev": d["h_prev"],
        "c_prev": d["c_prev"],
    }


def model_to_json(model: CellModel, dtype: Any = np.float64) -> str:
    """The app model (params, x_t, h_{t-1}, C_{t-1}, precision, concat order) as JSON.

    Every float is written as its repr, so reading it back is exact (-0.0 and
    subnormals included).
    """
    return json.dumps(model_to_dict(model, dtype), indent=1) + "\n"


def _variant_fields(params: Any) -> dict[str, Any]:
    """Peepholes and ``coupled`` of a saved model (a plain LSTM has neither)."""
    if not isinstance(params, dict):
        return {}
    out: dict[str, Any] = {
        g.p: json_array(g.p, params[g.p])() for g in PEEPHOLE_GATES if g.p in params
    }
    coupled = params.get("coupled", False)
    if not isinstance(coupled, bool):
        raise ValueError(f"coupled is {coupled!r}; expected true or false")
    return out | {"coupled": coupled}


def model_from_json(source: str | Source) -> tuple[CellModel, type[np.floating]]:
    """(model, dtype) of a model saved by :func:`model_to_json`; ValueError if it is not one."""
    data = source.encode() if isinstance(source, str) else read_source(source)
    if len(data) > MAX_BYTES:
        raise too_big(len(data))
    if not data.strip():
        raise ValueError(f"the model file is empty; expected JSON with format {MODEL_FORMAT!r}")
    if data.lstrip()[:1] != b"{":
        raise ValueError(f"this is not a model file: expected JSON with format {MODEL_FORMAT!r}")
    container, doc = read_json(data)
    assert doc is not None
    if doc["format"] != MODEL_FORMAT:
        raise ValueError(
            f"this is a weights file ({doc['format']}), not a whole model; load it with "
            "load_weights, or expect a file with format " + repr(MODEL_FORMAT)
        )
    precision = doc.get("precision")
    if precision not in PRECISIONS:
        raise ValueError(f"precision is {precision!r}; expected 'float64' or 'float32'")
    order = doc.get("concat_order")
    if order not in CONCAT_ORDERS:
        raise ValueError(f"concat_order is {order!r}; expected 'h_first' or 'x_first'")
    params = params_from_tensors(container, 0, order)  # NaN and shapes named per tensor
    params = params.replace(**_variant_fields(doc.get("params")))
    for key in ("x_t", "h_prev", "c_prev"):
        if key not in doc:
            raise ValueError(f"the model has no {key!r}; a model holds x_t, h_prev and c_prev")
    vectors = {key: json_array(key, doc[key])() for key in ("x_t", "h_prev", "c_prev")}
    model = CellModel.from_dict(
        {"params": params.to_dict(), "x": vectors["x_t"], **{k: vectors[k] for k in INPUTS[1:]}}
    )
    return model, (np.float64 if precision == "float64" else np.float32)


def load_model_or_weights(
    source: Source, layer: int = 0, concat_order: ConcatOrder | None = "h_first"
) -> tuple[LSTMParams, tuple[CellModel, type[np.floating]] | None]:
    """(params, (model, dtype) or None) of an upload that may be either kind of file.

    A model saved by :func:`model_to_json` gives its params and the whole model
    (x_t, h_{t-1}, C_{t-1} and the precision; its own concat order); any weights file
    gives its params (as :func:`load_weights`) and None.
    """
    data = read_source(source)
    container, doc = read_container(data)
    if doc is not None and doc["format"] == MODEL_FORMAT:
        model, dtype = model_from_json(data)
        return model.params, (model, dtype)
    return params_from_tensors(container, layer, concat_order), None
