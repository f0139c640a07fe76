"""The containers LSTM weights come in: reading and writing safetensors, npz and JSON.

NumPy only: nothing is ever unpickled (``np.load(..., allow_pickle=False)``; a pickled
``.pt``/``.pth`` is refused with a message that says how to export safetensors instead).
What the tensors are called, and how they become an LSTM, is :mod:`lstm_core.io`.

Formats (detected from the content, never from the file name)
-------
safetensors  8-byte little-endian header length, a JSON header, the raw tensors
npz          NumPy's zip of ``.npy`` arrays (``np.savez``)
json         ``{"format": "lstm-explainer/weights", "version": 1, "tensors": {...}}``
             or the whole model, ``{"format": "lstm-explainer/model", "version": 1, ...}``
float16, bfloat16, float32 and float64 tensors become float64 exactly.
"""

from __future__ import annotations

import io
import json
import math
import os
import struct
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np

from .params import Array

Format = Literal["json", "npz", "safetensors"]
FORMATS: tuple[Format, ...] = ("json", "npz", "safetensors")

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


def too_big(size: int) -> ValueError:
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
            raise too_big(size)
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
        raise too_big(len(data))
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


def json_array(name: str, value: Any) -> Callable[[], Array]:
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


def read_json(data: bytes) -> tuple[Container, dict[str, Any]]:
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
    tensors = {name: json_array(name, value) for name, value in arrays.items()}
    return Container("json" if key == "tensors" else None, tensors, meta), doc


def read_container(data: bytes) -> tuple[Container, dict[str, Any] | None]:
    """The named tensors of a file's bytes (and the JSON document, if it is JSON)."""
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return _read_zip(data), None
    if _is_safetensors(data):  # first: its header length can start with a pickle's bytes
        return _read_safetensors(data), None
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
    if data.lstrip()[:1] == b"{":
        return read_json(data)
    raise ValueError(f"the file is not in a format read here ({len(data)} bytes); {EXPECTED}")


# -- writing ----------------------------------------------------------------------------------


def encode(arrays: Mapping[str, Array], meta: Mapping[str, str], format: Format) -> bytes:
    """A weights file of ``format`` holding ``arrays`` (float64) and ``meta`` (strings).

    JSON writes every float as its repr, so reading it back is exact; npz keeps a
    ``concat_order`` entry of ``meta`` as a string array.
    """
    if format == "json":
        doc: dict[str, Any] = {"format": WEIGHTS_FORMAT, "version": VERSION}
        doc |= {k: v for k, v in meta.items() if k not in ("format", "version")}
        doc["tensors"] = {k: v.tolist() for k, v in arrays.items()}
        return (json.dumps(doc, indent=1) + "\n").encode()
    if format == "npz":
        buf = io.BytesIO()
        extra = {"concat_order": np.array(meta["concat_order"])} if "concat_order" in meta else {}
        savez: Any = np.savez  # its stubs read every keyword as allow_pickle
        savez(buf, **arrays, **extra)
        return buf.getvalue()
    if format == "safetensors":
        from safetensors.numpy import save

        header = {"format": WEIGHTS_FORMAT, "version": str(VERSION), **meta}
        return save(dict(arrays), metadata=header)
    raise ValueError(f"format is {format!r}; expected one of {', '.join(FORMATS)}")


def format_of(target: Any, format: Format | None) -> Format:
    """``format``, or the one named by the extension of the path ``target``."""
    if format is not None:
        return format
    if isinstance(target, str | os.PathLike):
        ext = Path(target).suffix.lower().lstrip(".")
        if ext in FORMATS:
            return ext
        raise ValueError(
            f"cannot tell the format from the extension {Path(target).suffix!r}; "
            "use .json, .npz or .safetensors, or pass format="
        )
    raise ValueError("pass format='json', 'npz' or 'safetensors' when saving to a file object")
