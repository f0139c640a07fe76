"""How numbers are written in a link (no Streamlit here): the text both the model's
part of the URL (``codec``) and the view's (``view``) use.

Each array is written with the shortest text that reads back as the same
float (``format_number``: ``repr``, ``-0`` for -0.0), rows separated by ``;`` and
entries by ``,``. Read as a matrix, a text without ``;`` is one row, and a trailing
``;`` is also accepted.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from lstm_core.numbers import format_number, parse_number

from .memo import by_value

MIN_SIZE, MAX_EDITABLE = 1, 8  # m and n the app lets you edit (the core allows more)
MAX_VALUE_CHARS = 8000  # 8 × 16 numbers at 17 digits is about 2,500


@by_value()
def encode_array(a: np.ndarray) -> str:
    if a.ndim == 1:
        return ",".join(format_number(v) for v in a)
    return ";".join(encode_array(row) for row in a)


def decode_array(
    name: str, text: str, matrix: bool = False, limit: int = MAX_VALUE_CHARS
) -> list[Any]:
    """The numbers ``encode_array`` wrote: a list, or a list of rows with ``matrix``.

    A matrix is read as rows even without a ``;`` (one row) and may end with one ``;``.
    """
    if len(text) > limit:
        raise ValueError(f"{name} in the link is {len(text)} characters long, far too long")
    if not matrix and ";" not in text:
        return [parse_number(v, f"{name} entry {c}") for c, v in enumerate(text.split(","))]
    rows = text.removesuffix(";").split(";") if matrix else text.split(";")
    return [
        [parse_number(v, f"{name} row {r}, column {c}") for c, v in enumerate(row.split(","))]
        for r, row in enumerate(rows)
    ]


def whole(raw: str) -> int | None:
    """The whole number written with the digits 0-9 (as ``codec.encode`` writes it), else None."""
    return int(raw) if re.fullmatch("[0-9]{1,4}", raw) else None
