"""LSTM weights under torch's, Keras's and our names: read from any of them, written in any.

NumPy only: torch and Keras are never imported. The containers (safetensors, npz,
JSON; read from the content, never unpickled) are :mod:`lstm_core.io_formats`; the
whole app model as JSON is :mod:`lstm_core.io_model`.

Names understood (each with any prefix, e.g. ``encoder.lstm.`` or ``lstm/lstm_cell/``)
-----
torch     weight_ih_l{k} (4n, m), weight_hh_l{k} (4n, n), bias_ih_l{k}, bias_hh_l{k} (4n,),
          gate blocks i, f, g(=C̃), o; the bias is bias_ih + bias_hh, a missing one is 0
          (``bias=False``); ``nn.LSTMCell``'s names without ``_l{k}`` are layer 0;
          ``*_reverse`` (the backward direction of a bidirectional LSTM) is ignored
Keras     kernel (m, 4n), recurrent_kernel (n, 4n), bias (4n,), blocks i, f, c, o;
          ``np.savez(f, *layer.get_weights())``'s arr_0, arr_1, arr_2 too
textbook  W_f, W_i, W_c, W_o (n, n+m) and b_f, b_i, b_c, b_o (n,), columns in the
          stored ``concat_order``
Other tensors in the file are ignored.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np

from .gates import GATES
from .io_formats import (
    EXPECTED,
    EXPORT_HINT,
    FORMATS,
    MAX_BYTES,
    MAX_BYTES_TEXT,
    MODEL_FORMAT,
    VERSION,
    WEIGHTS_FORMAT,
    Container,
    Format,
    Source,
    Tensors,
    encode,
    format_of,
    read_container,
    read_source,
)
from .params import CONCAT_ORDERS, Array, ConcatOrder, LSTMParams
from .torch_layout import from_torch_state, to_keras_weights, to_torch_state

__all__ = [
    "EXPECTED",
    "EXPORT_HINT",
    "FORMATS",
    "LAYOUTS",
    "MAX_BYTES",
    "MAX_BYTES_TEXT",
    "MODEL_FORMAT",
    "VERSION",
    "WEIGHTS_FORMAT",
    "Container",
    "Format",
    "Layout",
    "Source",
    "finite_array",
    "layers_in",
    "load_weights",
    "params_from_tensors",
    "read_container",
    "read_source",
    "save_weights",
    "torch_groups",
    "weights_bytes",
    "weights_dict",
]

Layout = Literal["textbook", "torch", "keras"]
LAYOUTS: tuple[Layout, ...] = ("textbook", "torch", "keras")


# -- names → LSTMParams ---------------------------------------------------------------------

_TORCH = re.compile(
    r"^(?P<prefix>.*?)(?P<kind>weight_ih|weight_hh|bias_ih|bias_hh)(?:_l(?P<k>\d+))?$"
)
_KERAS = re.compile(r"^(?P<prefix>(?:.*[/.])?)(?P<kind>kernel|recurrent_kernel|bias)(?::0)?$")
_TEXTBOOK_NAMES = tuple(g.W for g in GATES) + tuple(g.b for g in GATES)
_TEXTBOOK = re.compile(rf"^(?P<prefix>(?:.*[/.])?)(?P<kind>{'|'.join(_TEXTBOOK_NAMES)})$")
_POSITIONAL = ("arr_0", "arr_1", "arr_2")  # np.savez(f, *layer.get_weights()): Keras's order


def _natural(text: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text)]


def finite_array(name: str, a: Array) -> Array:
    bad = np.argwhere(~np.isfinite(a))
    if bad.size:
        where = tuple(int(k) for k in bad[0])
        raise ValueError(
            f"{name} has a non-finite value ({a[where]}) at index {list(where)}; "
            "every weight must be a finite number"
        )
    return a


def _shape_error(names: dict[str, Array], expected: str) -> ValueError:
    got = ", ".join(f"{k} {tuple(v.shape)}" for k, v in names.items())
    return ValueError(f"the shapes do not agree: {got}; expected {expected}")


def _gate_rows(name: str, rows: int, recurrent: str, n: int, family: str) -> None:
    """4n rows (or columns) of stacked gates; 3n is a GRU, n a plain RNN."""
    if rows == 4 * n:
        return
    if rows == 3 * n:
        raise ValueError(
            f"this looks like a GRU (3 gates): {name} stacks 3n = {rows} rows for the n = {n} "
            f"units of {recurrent}, but an LSTM has 4 gates (4n = {4 * n}); "
            "only LSTM weights can be loaded"
        )
    if rows == n:
        raise ValueError(
            f"this looks like a plain RNN (1 gate): {name} has n = {n} rows, "
            f"but an LSTM stacks 4 gates (4n = {4 * n}); only LSTM weights can be loaded"
        )
    if rows % 4:
        raise ValueError(
            f"{name} stacks {rows} gate rows, which is not a multiple of 4: an LSTM {family} "
            "stacks its 4 gates (i, f, c, o) as 4n rows"
        )
    raise ValueError(
        f"{name} stacks {rows} gate rows, but {recurrent} has n = {n} hidden units, "
        f"so an LSTM needs 4n = {4 * n}"
    )


def _pick(groups: dict[tuple[str, int], dict[str, str]], layer: int, family: str) -> dict[str, str]:
    """The names of one LSTM: the prefix must be unambiguous, the layer must exist."""
    prefixes = sorted({p for p, _ in groups}, key=_natural)
    if len(prefixes) > 1:
        shown = ", ".join(repr(p) for p in prefixes)
        raise ValueError(
            f"the file holds several {family} LSTMs (name prefixes {shown}); "
            "save the one to load on its own"
        )
    layers = sorted(k for _, k in groups)
    if (prefixes[0], layer) not in groups:
        raise ValueError(
            f"layer {layer} is not in the file: it holds {family} LSTM layer(s) "
            f"{', '.join(map(str, layers))}"
        )
    return groups[(prefixes[0], layer)]


def torch_groups(tensors: Tensors) -> dict[tuple[str, int], dict[str, str]]:
    """torch's names by (prefix, layer): {kind: name}."""
    groups: dict[tuple[str, int], dict[str, str]] = {}
    for name in tensors:
        if name.endswith("_reverse"):
            continue
        if m := _TORCH.match(name):
            k = int(m["k"]) if m["k"] is not None else 0
            groups.setdefault((m["prefix"], k), {})[m["kind"]] = name
    return {key: g for key, g in groups.items() if "weight_hh" in g or "weight_ih" in g}


def _from_torch(tensors: Tensors, layer: int, order: ConcatOrder) -> LSTMParams | None:
    groups = torch_groups(tensors)
    if not groups:
        return None
    names = _pick(groups, layer, "torch")
    for kind in ("weight_ih", "weight_hh"):
        if kind not in names:
            raise ValueError(
                f"the file has no {kind} for layer {layer}; an LSTM layer needs both "
                "weight_ih and weight_hh"
            )
    arrays = {kind: finite_array(name, tensors[name]()) for kind, name in names.items()}
    W_x, W_h = arrays["weight_ih"], arrays["weight_hh"]
    shown = {names[k]: a for k, a in arrays.items()}
    if W_x.ndim != 2 or W_h.ndim != 2 or any(a.ndim != 1 for k, a in arrays.items() if "bias" in k):
        raise _shape_error(shown, "weight_ih (4n, m), weight_hh (4n, n) and biases (4n,)")
    n = W_h.shape[1]
    _gate_rows(names["weight_hh"], W_h.shape[0], f"{names['weight_hh']} (n columns)", n, "torch")
    if W_x.shape[0] != W_h.shape[0] or any(
        a.shape != (W_h.shape[0],) for k, a in arrays.items() if "bias" in k
    ):
        raise _shape_error(shown, f"weight_ih (4n, m), weight_hh (4n, n), biases (4n,) with n={n}")
    zero = np.zeros(4 * n)
    state = {
        "weight_ih_l0": W_x,
        "weight_hh_l0": W_h,
        "bias_ih_l0": arrays.get("bias_ih", zero),
        "bias_hh_l0": arrays.get("bias_hh", zero),
    }
    if "bias_ih" in arrays and "bias_hh" not in arrays:
        state["bias_hh_l0"] = np.full(4 * n, -0.0)  # b + (-0.0) is b, bit for bit, even for -0.0
    elif "bias_hh" in arrays and "bias_ih" not in arrays:
        state["bias_ih_l0"] = np.full(4 * n, -0.0)
    return from_torch_state(state, concat_order=order)


def _keras_lstms(tensors: Tensors) -> dict[str, dict[str, str]]:
    """Keras's names by layer prefix: {kind: name}."""
    groups: dict[tuple[str, int], dict[str, str]] = {}
    for name in tensors:
        if m := _KERAS.match(name):
            groups.setdefault((m["prefix"], 0), {})[m["kind"]] = name
    if not any("recurrent_kernel" in g for g in groups.values()) and set(_POSITIONAL[:2]) <= set(
        tensors
    ):
        kinds = ("kernel", "recurrent_kernel", "bias")
        groups = {("", 0): {k: p for k, p in zip(kinds, _POSITIONAL, strict=True) if p in tensors}}
    lstms = {p: g for (p, _), g in groups.items() if "recurrent_kernel" in g and "kernel" in g}
    return lstms


def _from_keras(tensors: Tensors, layer: int, order: ConcatOrder) -> LSTMParams | None:
    lstms = _keras_lstms(tensors)
    if not lstms:
        return None
    # Keras layers are told apart by their prefix (lstm/…, lstm_1/…): `layer` counts them.
    prefixes = sorted(lstms, key=_natural)
    if not 0 <= layer < len(prefixes):
        held = ", ".join(f"{k} ({p or 'no prefix'})" for k, p in enumerate(prefixes))
        raise ValueError(f"layer {layer} is not in the file: it holds Keras LSTM layer(s) {held}")
    names = lstms[prefixes[layer]]
    arrays = {kind: finite_array(name, tensors[name]()) for kind, name in names.items()}
    shown = {names[k]: a for k, a in arrays.items()}
    K, R = arrays["kernel"], arrays["recurrent_kernel"]
    b = arrays.get("bias")
    if K.ndim != 2 or R.ndim != 2:
        raise _shape_error(shown, "kernel (m, 4n), recurrent_kernel (n, 4n) and bias (4n,)")
    n = R.shape[0]
    if b is not None and b.ndim == 2 and b.shape[0] == 2 and b.shape[1] == 3 * n:
        _gate_rows(names["bias"], b.shape[1], f"{names['recurrent_kernel']} (n rows)", n, "Keras")
    _gate_rows(
        names["recurrent_kernel"], R.shape[1], f"{names['recurrent_kernel']} (n rows)", n, "Keras"
    )
    if K.shape[1] != 4 * n or (b is not None and b.shape != (4 * n,)):
        raise _shape_error(shown, f"kernel (m, 4n), recurrent_kernel (n, 4n), bias (4n,), n={n}")
    bias = np.zeros(4 * n) if b is None else b
    state = {
        "weight_ih_l0": K.T,
        "weight_hh_l0": R.T,
        "bias_ih_l0": bias,
        "bias_hh_l0": np.full(4 * n, -0.0),
    }
    return from_torch_state(state, concat_order=order)


def _from_textbook(
    tensors: Tensors, layer: int, order: ConcatOrder, stored: str
) -> LSTMParams | None:
    groups: dict[tuple[str, int], dict[str, str]] = {}
    for name in tensors:
        if m := _TEXTBOOK.match(name):
            groups.setdefault((m["prefix"], 0), {})[m["kind"]] = name
    if not groups:
        return None
    names = _pick(groups, layer, "textbook")
    missing = [k for k in _TEXTBOOK_NAMES if k not in names]
    if missing:
        raise ValueError(f"the file has some of our names but not {', '.join(missing)}")
    if stored not in CONCAT_ORDERS:
        raise ValueError(f"concat_order is {stored!r}; expected 'h_first' or 'x_first'")
    arrays = {k: finite_array(names[k], tensors[names[k]]()) for k in _TEXTBOOK_NAMES}
    params = LSTMParams(**arrays, concat_order=stored)  # type: ignore[arg-type]
    return params.with_concat_order(order)


def params_from_tensors(
    container: Container, layer: int = 0, concat_order: ConcatOrder | None = "h_first"
) -> LSTMParams:
    """One LSTM layer's parameters from named tensors, whatever their naming convention."""
    if concat_order is not None and concat_order not in CONCAT_ORDERS:
        raise ValueError(f"concat_order is {concat_order!r}; expected 'h_first' or 'x_first'")
    stored = container.meta.get("concat_order", "h_first")
    order: ConcatOrder = concat_order or (stored if stored in CONCAT_ORDERS else "h_first")
    found = [
        p
        for p in (
            _from_textbook(container.tensors, layer, order, stored),
            _from_torch(container.tensors, layer, order),
            _from_keras(container.tensors, layer, order),
        )
        if p is not None
    ]
    if len(found) > 1:
        raise ValueError(
            "the file holds LSTM weights under more than one naming convention "
            "(torch, Keras, ours); save one LSTM per file"
        )
    if not found:
        names = list(container.tensors)
        shown = ", ".join(names[:8]) + (f" … ({len(names)} in all)" if len(names) > 8 else "")
        raise ValueError(f"found no LSTM weights among the tensors ({shown or 'none'}); {EXPECTED}")
    return found[0]


def layers_in(source: Source) -> tuple[int, ...]:
    """The LSTM layers a weights file holds, for ``load_weights(source, layer)``: torch's k
    of ``_l{k}``, or 0, 1, … for Keras layers; (0,) for a whole model or our own names."""
    container, _ = read_container(read_source(source))
    if groups := torch_groups(container.tensors):
        return tuple(sorted({k for _, k in groups}))
    return tuple(range(len(_keras_lstms(container.tensors)))) or (0,)


def load_weights(
    source: Source, layer: int = 0, concat_order: ConcatOrder | None = "h_first"
) -> LSTMParams:
    """The LSTM parameters stored in ``source`` (a path, bytes or a binary file object).

    The format is detected from the content; ``layer`` picks a layer of a stacked LSTM
    (torch's ``_l{k}``, or the k-th Keras LSTM layer by name); ``concat_order`` is the
    column order of the returned W_k (None: the order stored in one of our files).
    Anything wrong raises a ValueError that says what and what was expected.
    """
    container, _ = read_container(read_source(source))
    return params_from_tensors(container, layer, concat_order)


# -- writing --------------------------------------------------------------------------------


def weights_dict(params: LSTMParams, layout: Layout = "textbook") -> dict[str, Array]:
    """The arrays under the names of ``layout``, C-contiguous float64."""
    if layout == "textbook":
        arrays = {k: getattr(params, k) for k in _TEXTBOOK_NAMES}
    elif layout == "torch":
        arrays = to_torch_state(params)
        arrays["bias_hh_l0"] = np.full_like(arrays["bias_hh_l0"], -0.0)  # b + (-0.0) is b exactly
    elif layout == "keras":
        arrays = to_keras_weights(params)
    else:
        raise ValueError(f"layout is {layout!r}; expected one of {', '.join(LAYOUTS)}")
    return {k: np.ascontiguousarray(v, dtype=np.float64) for k, v in arrays.items()}


def weights_bytes(
    params: LSTMParams, layout: Layout = "textbook", format: Format = "json"
) -> bytes:
    """The file content of ``save_weights``, e.g. for a download button."""
    meta: dict[str, str] = {"layout": layout}
    if layout == "textbook":
        meta["concat_order"] = params.concat_order
    return encode(weights_dict(params, layout), meta, format)


def save_weights(
    params: LSTMParams,
    path_or_file: str | os.PathLike[str] | IO[bytes],
    layout: Layout = "textbook",
    format: Format | None = None,
) -> None:
    """Write ``params`` in ``layout`` ("textbook", "torch" or "keras").

    The format comes from the extension (.json, .npz, .safetensors) or ``format``.
    ``layout="torch"`` writes weight_ih_l0, weight_hh_l0, bias_ih_l0 (the whole bias)
    and bias_hh_l0 (zeros), so ``lstm.load_state_dict(safetensors.torch.load_file(f))``
    works as it is; ``layout="keras"`` writes kernel, recurrent_kernel and bias for
    ``layer.set_weights([...])``. Loading the file back gives the same numbers, bit for bit.
    """
    data = weights_bytes(params, layout, format_of(path_or_file, format))
    if isinstance(path_or_file, str | os.PathLike):
        Path(path_or_file).write_bytes(data)
    else:
        path_or_file.write(data)
