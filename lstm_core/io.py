"""Read and write LSTM weights (ours, torch's, Keras's) and the whole app model.

NumPy only: torch and Keras are never imported, and nothing is ever unpickled
(``np.load(..., allow_pickle=False)``; a pickled ``.pt``/``.pth`` is refused with
a message that says how to export safetensors instead).

Formats (detected from the content, never from the file name)
-------
safetensors  8-byte little-endian header length, a JSON header, the raw tensors
npz          NumPy's zip of ``.npy`` arrays (``np.savez``)
json         ``{"format": "lstm-explainer/weights", "version": 1, "tensors": {...}}``
             or the whole model, ``{"format": "lstm-explainer/model", "version": 1, ...}``

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
Other tensors in the file are ignored. float16, bfloat16, float32 and float64
tensors become float64 exactly.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np

from .gates import GATES
from .model import CellModel
from .params import CONCAT_ORDERS, Array, ConcatOrder, LSTMParams
from .torch_layout import from_torch_state, to_keras_weights, to_torch_state

Layout = Literal["textbook", "torch", "keras"]
LAYOUTS: tuple[Layout, ...] = ("textbook", "torch", "keras")
Format = Literal["json", "npz", "safetensors"]
FORMATS: tuple[Format, ...] = ("json", "npz", "safetensors")
Precision = Literal["float64", "float32"]
PRECISIONS: tuple[Precision, ...] = ("float64", "float32")

MAX_BYTES = 20 * 2**20  # 20 MiB: a float32 torch LSTM with n = 1000 hidden units and m = 250 inputs
MAX_BYTES_TEXT = "20 MiB"
MAX_UNPACKED = 4 * MAX_BYTES  # what an npz may unpack to (a compressed zip can expand a lot)
WEIGHTS_FORMAT = "lstm-explainer/weights"
MODEL_FORMAT = "lstm-explainer/model"
VERSION = 1

EXPORT_HINT = (
    "export the weights with safetensors instead: "
    'safetensors.torch.save_file(lstm.state_dict(), "lstm.safetensors")'
)
EXPECTED = (
    "expected LSTM weights as .safetensors, .npz or this app's .json, with torch's names "
    "(weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0), Keras's (kernel, recurrent_kernel, "
    "bias) or ours (W_f … W_o, b_f … b_o)"
)

Source = str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes]


# -- reading bytes --------------------------------------------------------------------------


def _too_big(size: int) -> ValueError:
    return ValueError(
        f"the file is {size / 2**20:.1f} MiB, more than the limit of {MAX_BYTES_TEXT}; "
        "an LSTM that fits has at most about a million weights in float32"
    )


def read_source(source: Source) -> bytes:
    """The bytes of a path, a bytes-like object or a binary file object, within MAX_BYTES."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.is_file():
            raise ValueError(f"{str(path)!r} is not a file")
        if (size := path.stat().st_size) > MAX_BYTES:
            raise _too_big(size)
        data = path.read_bytes()
    elif hasattr(source, "read"):
        data = source.read(MAX_BYTES + 1)
        if not isinstance(data, bytes):
            raise ValueError("the file must be opened in binary mode ('rb'), not as text")
    else:
        raise ValueError(
            f"cannot read weights from a {type(source).__name__}: "
            "pass a path, bytes or a file opened with 'rb'"
        )
    if len(data) > MAX_BYTES:
        raise _too_big(len(data))
    if not data:
        raise ValueError(f"the file is empty (0 bytes); {EXPECTED}")
    return data


# -- tensors from each container -------------------------------------------------------------

# A tensor is read lazily, so tensors the LSTM does not use are never converted.
Tensors = dict[str, Callable[[], Array]]


@dataclass(frozen=True)
class Container:
    format: Format | None  # None: a JSON model, which also holds x_t, h_{t-1} and C_{t-1}
    tensors: Tensors
    meta: dict[str, str]


_SAFETENSORS_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "bf16"}


def _bf16(raw: bytes) -> Array:
    """bfloat16 is the top half of a float32, so widening it is exact."""
    return (np.frombuffer(raw, "<u2").astype(np.uint32) << 16).view(np.float32)


def _safetensors_entry(name: str, info: Any, body: bytes) -> Callable[[], Array]:
    where = f"tensor {name!r} in the safetensors header"
    if not isinstance(info, dict) or not {"dtype", "shape", "data_offsets"} <= set(info):
        raise ValueError(f"{where} has no dtype, shape and data_offsets")
    dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
    if not (isinstance(shape, list) and all(isinstance(s, int) and s >= 0 for s in shape)):
        raise ValueError(f"{where} has the shape {shape!r}; expected a list of sizes")
    if not (
        isinstance(offsets, list)
        and len(offsets) == 2
        and all(isinstance(o, int) for o in offsets)
        and 0 <= offsets[0] <= offsets[1] <= len(body)
    ):
        raise ValueError(
            f"{where} has data_offsets {offsets!r} outside the {len(body)} bytes of data"
        )
    raw = body[offsets[0] : offsets[1]]

    def load() -> Array:
        if dtype not in _SAFETENSORS_DTYPES:
            raise ValueError(
                f"{name} has dtype {dtype}; expected a float tensor "
                f"({', '.join(_SAFETENSORS_DTYPES)})"
            )
        code = _SAFETENSORS_DTYPES[dtype]
        size = 2 if code == "bf16" else np.dtype(code).itemsize
        if len(raw) != math.prod(shape) * size:
            raise ValueError(
                f"{name} has {len(raw)} bytes of data but its shape {tuple(shape)} and dtype "
                f"{dtype} need {math.prod(shape) * size}"
            )
        flat = _bf16(raw) if code == "bf16" else np.frombuffer(raw, code)
        return flat.astype(np.float64).reshape(shape)

    return load


def _is_safetensors(data: bytes) -> bool:
    if len(data) < 10:
        return False
    (size,) = struct.unpack("<Q", data[:8])
    return 2 <= size <= len(data) - 8 and data[8:9] == b"{"


def _read_safetensors(data: bytes) -> Container:
    (size,) = struct.unpack("<Q", data[:8])
    try:
        header = json.loads(data[8 : 8 + size])
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"the safetensors header is not valid JSON ({e})") from None
    if not isinstance(header, dict):
        raise ValueError("the safetensors header is not a JSON object of tensors")
    meta = header.pop("__metadata__", None) or {}
    body = data[8 + size :]
    tensors = {name: _safetensors_entry(name, info, body) for name, info in header.items()}
    return Container("safetensors", tensors, {k: str(v) for k, v in dict(meta).items()})


def _npy_loader(archive: zipfile.ZipFile, member: str, name: str) -> Callable[[], Array]:
    def load() -> Array:
        try:
            a = np.load(io.BytesIO(archive.read(member)), allow_pickle=False)
        except ValueError as e:
            if "allow_pickle" in str(e):
                raise ValueError(
                    f"{name} holds Python objects, which are never unpickled; "
                    "save plain float arrays (np.savez with NumPy arrays)"
                ) from None
            raise ValueError(f"{name} is not a readable .npy array ({e})") from None
        if a.dtype.kind == "U":
            return a
        if a.dtype.kind in "iu" and a.size and np.max(np.abs(a)) > 2**53:
            raise ValueError(f"{name} has integers beyond 2**53, which float64 cannot hold exactly")
        if a.dtype not in (np.float16, np.float32, np.float64) and a.dtype.kind not in "iu":
            raise ValueError(
                f"{name} has dtype {a.dtype}; expected float16, float32, float64 or integers"
            )
        return a.astype(np.float64)

    return load


def _read_zip(data: bytes) -> Container:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.namelist()
    except (zipfile.BadZipFile, ValueError) as e:
        raise ValueError(f"the file starts like a zip archive but is not one ({e})") from None
    if any(m.endswith("data.pkl") or m.endswith(".pkl") for m in members):
        raise ValueError(
            "this is a PyTorch .pt/.pth file: a pickle, and a pickle can run any code when it "
            f"is loaded, so it is never opened here; {EXPORT_HINT}"
        )
    if "config.json" in members and any(m.endswith(".weights.h5") for m in members):
        raise ValueError(
            "this is a whole .keras model (HDF5 inside a zip), which is not read here; save the "
            'LSTM layer\'s weights instead: np.savez("lstm.npz", *layer.get_weights())'
        )
    if not members or not all(m.endswith(".npy") for m in members):
        shown = ", ".join(members[:5]) or "nothing"
        raise ValueError(
            f"this zip archive is not an .npz of arrays (it holds {shown}); {EXPECTED}"
        )
    if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
        raise ValueError(
            f"this .npz unpacks to more than {MAX_UNPACKED // 2**20} MiB; "
            f"the limit is {MAX_BYTES_TEXT} of weights"
        )
    tensors = {
        m.removesuffix(".npy"): _npy_loader(archive, m, m.removesuffix(".npy")) for m in members
    }
    meta = {}
    if "concat_order" in tensors:
        meta["concat_order"] = str(tensors.pop("concat_order")())
    return Container("npz", tensors, meta)


def _json_array(name: str, value: Any) -> Callable[[], Array]:
    def load() -> Array:
        try:
            return np.array(value, dtype=np.float64)
        except (ValueError, TypeError):
            raise ValueError(
                f"{name} must be numbers in a rectangular layout (lists of equal length)"
            ) from None

    return load


def _check_header(doc: Any) -> dict[str, Any]:
    if not isinstance(doc, dict) or "format" not in doc:
        raise ValueError(
            f'this JSON has no "format" field; expected {MODEL_FORMAT!r} (a model saved by this '
            f"app) or {WEIGHTS_FORMAT!r} (weights)"
        )
    fmt, version = doc["format"], doc.get("version")
    if fmt not in (MODEL_FORMAT, WEIGHTS_FORMAT):
        raise ValueError(
            f"unknown JSON format {fmt!r}; expected {MODEL_FORMAT!r} or {WEIGHTS_FORMAT!r}"
        )
    if version != VERSION:
        raise ValueError(
            f"{fmt} version {version!r} is not one this app reads; expected version {VERSION}"
        )
    return doc


def _read_json(data: bytes) -> tuple[Container, dict[str, Any]]:
    try:
        doc = _check_header(json.loads(data.decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(
            f"the file starts like JSON but is not valid JSON ({e}); {EXPECTED}"
        ) from None
    key = "params" if doc["format"] == MODEL_FORMAT else "tensors"
    arrays = doc.get(key)
    if not isinstance(arrays, dict):
        raise ValueError(f'{doc["format"]} needs a "{key}" object of named arrays')
    meta = {"concat_order": str(doc.get("concat_order", "h_first"))}
    tensors = {name: _json_array(name, value) for name, value in arrays.items()}
    return Container("json" if key == "tensors" else None, tensors, meta), doc


def read_container(data: bytes) -> tuple[Container, dict[str, Any] | None]:
    """The named tensors of a file's bytes (and the JSON document, if it is JSON)."""
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return _read_zip(data), None
    if data[:1] == b"\x80" and data[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        raise ValueError(
            "this is a pickle (e.g. a legacy PyTorch .pt/.pth file), and a pickle can run any "
            f"code when it is loaded, so it is never opened here; {EXPORT_HINT}"
        )
    if data[:8] == b"\x89HDF\r\n\x1a\n":
        raise ValueError(
            "this is an HDF5 file (Keras .h5), which is not read here; save the LSTM layer's "
            'weights instead: np.savez("lstm.npz", *layer.get_weights())'
        )
    if data[:6] == b"\x93NUMPY":
        raise ValueError(
            "this is a single .npy array, without names; save all of the layer's arrays in one "
            '.npz: np.savez("lstm.npz", *layer.get_weights())'
        )
    if _is_safetensors(data):
        return _read_safetensors(data), None
    if data.lstrip()[:1] == b"{":
        return _read_json(data)
    raise ValueError(f"the file is not in a format read here ({len(data)} bytes); {EXPECTED}")


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


def _finite(name: str, a: Array) -> Array:
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


def _from_torch(tensors: Tensors, layer: int, order: ConcatOrder) -> LSTMParams | None:
    groups: dict[tuple[str, int], dict[str, str]] = {}
    for name in tensors:
        if name.endswith("_reverse"):
            continue
        if m := _TORCH.match(name):
            k = int(m["k"]) if m["k"] is not None else 0
            groups.setdefault((m["prefix"], k), {})[m["kind"]] = name
    groups = {key: g for key, g in groups.items() if "weight_hh" in g or "weight_ih" in g}
    if not groups:
        return None
    names = _pick(groups, layer, "torch")
    for kind in ("weight_ih", "weight_hh"):
        if kind not in names:
            raise ValueError(
                f"the file has no {kind} for layer {layer}; an LSTM layer needs both "
                "weight_ih and weight_hh"
            )
    arrays = {kind: _finite(name, tensors[name]()) for kind, name in names.items()}
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


def _from_keras(tensors: Tensors, layer: int, order: ConcatOrder) -> LSTMParams | None:
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
    if not lstms:
        return None
    # Keras layers are told apart by their prefix (lstm/…, lstm_1/…): `layer` counts them.
    prefixes = sorted(lstms, key=_natural)
    if not 0 <= layer < len(prefixes):
        held = ", ".join(f"{k} ({p or 'no prefix'})" for k, p in enumerate(prefixes))
        raise ValueError(f"layer {layer} is not in the file: it holds Keras LSTM layer(s) {held}")
    names = lstms[prefixes[layer]]
    arrays = {kind: _finite(name, tensors[name]()) for kind, name in names.items()}
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
    arrays = {k: _finite(names[k], tensors[names[k]]()) for k in _TEXTBOOK_NAMES}
    params = LSTMParams(**arrays, concat_order=stored)  # type: ignore[arg-type]
    return params.with_concat_order(order)


def params_from_tensors(
    container: Container, layer: int = 0, concat_order: ConcatOrder | None = "h_first"
) -> LSTMParams:
    """One LSTM layer's parameters from named tensors, whatever their naming convention."""
    if concat_order is not None and concat_order not in CONCAT_ORDERS:
        raise ValueError(f"concat_order is {concat_order!r}; expected 'h_first' or 'x_first'")
    stored = container.meta.get("concat_order", "h_first")
    order: ConcatOrder = concat_order or (stored if stored in CONCAT_ORDERS else "h_first")  # type: ignore[assignment]
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
    arrays = weights_dict(params, layout)
    meta = {"format": WEIGHTS_FORMAT, "version": str(VERSION), "layout": layout}
    if layout == "textbook":
        meta["concat_order"] = params.concat_order
    if format == "json":
        doc = {"format": WEIGHTS_FORMAT, "version": VERSION, "layout": layout}
        if layout == "textbook":
            doc["concat_order"] = params.concat_order
        doc["tensors"] = {k: v.tolist() for k, v in arrays.items()}
        return (json.dumps(doc, indent=1) + "\n").encode()  # floats as repr: exact
    if format == "npz":
        buf = io.BytesIO()
        extra = {"concat_order": np.array(params.concat_order)} if layout == "textbook" else {}
        savez: Any = np.savez  # its stubs read every keyword as allow_pickle
        savez(buf, **arrays, **extra)
        return buf.getvalue()
    if format == "safetensors":
        from safetensors.numpy import save

        return save(arrays, metadata=meta)
    raise ValueError(f"format is {format!r}; expected one of {', '.join(FORMATS)}")


def _format_of(target: Any, format: Format | None) -> Format:
    if format is not None:
        return format
    if isinstance(target, str | os.PathLike):
        ext = Path(target).suffix.lower().lstrip(".")
        if ext in FORMATS:
            return ext  # type: ignore[return-value]
        raise ValueError(
            f"cannot tell the format from the extension {Path(target).suffix!r}; "
            "use .json, .npz or .safetensors, or pass format="
        )
    raise ValueError("pass format='json', 'npz' or 'safetensors' when saving to a file object")


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
    data = weights_bytes(params, layout, _format_of(path_or_file, format))
    if isinstance(path_or_file, str | os.PathLike):
        Path(path_or_file).write_bytes(data)
    else:
        path_or_file.write(data)


# -- the whole app model --------------------------------------------------------------------


def model_to_dict(example: CellModel, dtype: Any = np.float64) -> dict[str, Any]:
    """The app model as plain JSON-ready values; see :func:`model_to_json`."""
    precision = np.dtype(dtype).name
    if precision not in PRECISIONS:
        raise ValueError(f"precision is {precision}; expected float64 or float32")
    params = example.params.to_dict()
    order = params.pop("concat_order")
    return {
        "format": MODEL_FORMAT,
        "version": VERSION,
        "precision": precision,
        "concat_order": order,
        "params": params,
        "x_t": example.x.tolist(),
        "h_prev": example.h_prev.tolist(),
        "c_prev": example.c_prev.tolist(),
    }


def model_to_json(example: CellModel, dtype: Any = np.float64) -> str:
    """The app model (params, x_t, h_{t-1}, C_{t-1}, precision, concat order) as JSON.

    Every float is written as its repr, so reading it back is exact (-0.0 and
    subnormals included).
    """
    return json.dumps(model_to_dict(example, dtype), indent=1) + "\n"


def model_from_json(source: str | Source) -> tuple[CellModel, type[np.floating]]:
    """(example, dtype) of a model saved by :func:`model_to_json`; ValueError if it is not one."""
    data = source.encode() if isinstance(source, str) else read_source(source)
    if len(data) > MAX_BYTES:
        raise _too_big(len(data))
    if not data.strip():
        raise ValueError(f"the model file is empty; expected JSON with format {MODEL_FORMAT!r}")
    if data.lstrip()[:1] != b"{":
        raise ValueError(f"this is not a model file: expected JSON with format {MODEL_FORMAT!r}")
    container, doc = _read_json(data)
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
    params = params_from_tensors(container, 0, order)
    vectors = {}
    for key in ("x_t", "h_prev", "c_prev"):
        if key not in doc:
            raise ValueError(f"the model has no {key!r}; a model holds x_t, h_prev and c_prev")
        vectors[key] = _json_array(key, doc[key])()
    example = CellModel(params, vectors["x_t"], vectors["h_prev"], vectors["c_prev"])
    return example, (np.float64 if precision == "float64" else np.float32)


def load_model_or_weights(
    source: Source, layer: int = 0, concat_order: ConcatOrder | None = "h_first"
) -> tuple[LSTMParams, tuple[CellModel, type[np.floating]] | None]:
    """(params, (example, dtype) or None) of an upload that may be either kind of file.

    A model saved by :func:`model_to_json` gives its params and the whole model
    (x_t, h_{t-1}, C_{t-1} and the precision; its own concat order); any weights file
    gives its params (as :func:`load_weights`) and None.
    """
    data = read_source(source)
    container, doc = read_container(data)
    if doc is not None and doc["format"] == MODEL_FORMAT:
        example, dtype = model_from_json(data)
        return example.params, (example, dtype)
    return params_from_tensors(container, layer, concat_order), None
