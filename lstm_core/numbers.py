"""Read a number the way a student writes it: 0.5, 1/2, -0.25, 1e-3, −3 (Unicode minus)."""

from __future__ import annotations

import math
import re

_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_FRACTION = re.compile(rf"^({_NUMBER})\s*/\s*({_NUMBER})$")
_PLAIN = re.compile(rf"^{_NUMBER}$")


def parse_number(text: str, name: str = "value") -> float:
    """The finite float that ``text`` writes, or a ValueError that names ``name``.

    Accepted: decimals (``0.5``, ``-.25``), scientific notation (``1e-3``) and
    fractions of two such numbers (``1/2``, ``-3/4``). NaN, infinity and
    anything else are refused with a message saying what was expected.
    """
    s = str(text).strip().replace("−", "-").replace(" ", "")
    if not s:
        raise ValueError(f"{name} is empty: type a number such as 0.5, 1/2 or 1e-3")
    if _PLAIN.match(s):
        value = float(s)
    elif m := _FRACTION.match(s):
        num, den = float(m.group(1)), float(m.group(2))
        if den == 0:
            raise ValueError(f"{name}: '{text}' divides by zero")
        value = num / den
    else:
        shown = text if len(str(text)) <= 24 else f"{str(text)[:21]}..."
        raise ValueError(
            f"{name}: '{shown}' is not a number; write it like 0.5, -0.25, 1/2 or 1e-3"
        )
    if not math.isfinite(value):
        raise ValueError(f"{name}: '{text}' is too large; use a finite number")
    return value


def format_number(x: float) -> str:
    """Shortest text that reads back as exactly ``x`` ("3" for 3.0, else repr)."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)
