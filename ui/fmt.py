"""Numbers as short text, the same on every page (no Streamlit, no Plotly).

Display rules that several modules share live here, named.
"""

from __future__ import annotations

import numpy as np

from lstm_core.sequences import LOG_CEIL, LOG_FLOOR

# A gate above this is shown as "1 − gap", so that how close it is to 1 stays visible
NEAR_ONE = 0.999
# A value the quiz holds back until Reveal is NaN in the Step the page draws (ui/quiz.py)
HIDDEN = "?"


def fmt(v: float, digits: int = 4) -> str:
    """Short text for a value; integers exactly, others to ``digits`` significant digits;
    a value held back (NaN) is ``HIDDEN``."""
    v = float(v)
    if np.isnan(v):
        return HIDDEN
    if v.is_integer() and abs(v) < 1e12:
        return str(int(v))
    return f"{v:.{digits}g}"


def fmt_gate(v: float) -> str:
    """A gate value with the precision that matters near 1: '1 − 2.79e-10', or '1 (exactly)'."""
    v = float(v)
    if v == 1.0:
        return "1 (exactly)"
    if v > NEAR_ONE:
        return f"1 − {1.0 - v:.3g}"
    return fmt(v, 5)


def short_vec(a: np.ndarray, digits: int = 3, most: int = 3) -> str:
    """'[a, b, c, …]': the first ``most`` entries of a vector, each to ``digits`` digits."""
    vals = [fmt(v, digits) for v in np.asarray(a)[:most]]
    tail = ", …" if len(a) > most else ""
    return "[" + ", ".join(vals) + tail + "]"


def sci(v: float, floor: float = LOG_FLOOR, ceil: float = LOG_CEIL) -> str:
    """A non-negative magnitude as text for tables, never 'nan' or 'inf'; beyond the
    bounds of the log charts (``log_safe``) it names the bound instead of digits."""
    v = abs(float(v))
    if not np.isfinite(v) or v > ceil:
        return f"above {ceil:.0e}"
    if v == 0.0:
        return f"0 (below {floor:.0e})"
    if v < floor:
        return f"below {floor:.0e}"
    return f"{v:.4e}"


def time_left(done: int, total: int, elapsed: float) -> str:
    """'about 12 s left' from the pace so far (``done`` of ``total`` in ``elapsed`` s)."""
    if done <= 0:
        return "estimating the time left…"
    left = elapsed / done * (total - done)
    return "almost done" if left < 0.5 else f"about {left:.0f} s left"
