"""Read a number the way a student writes it: 0.5, 1/2, -0.25, 1e-3, −3 (Unicode minus).

Also :func:`quote`, the one way a message echoes text that came from outside (a
typed entry, a piece of a link): cut to a readable length and shown as plain text.
"""

from __future__ import annotations

import math
import re
import unicodedata

# Unambiguous on purpose: after the digits only "." or "e" may follow, so a failed
# match backtracks in linear time (the old "\d+\.?\d*" took 15 s on 8,000 digits).
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_FRACTION = re.compile(rf"({_NUMBER})/({_NUMBER})", re.ASCII)
_PLAIN = re.compile(_NUMBER, re.ASCII)
QUOTE_LIMIT = 24  # characters of outside text echoed in a message
# control, format (bidi marks), surrogate, private-use and line/paragraph separators
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}


def quote(text: object, limit: int = QUOTE_LIMIT) -> str:
    """``text`` for a message: at most ``limit`` characters, as a Markdown code span.

    Safe because a code span is shown character for character: Markdown links and
    images, HTML tags, ``$…$`` math and ``:emoji:`` codes inside it stay text. The
    fence is longer than any run of backticks in the text, so the text cannot close
    it; control and format characters (line breaks, right-to-left marks) are
    written as ``\\u202e`` so they can neither end the span nor reorder the message.
    Longer text is cut and its length given: ``1111…`` (7000 characters).
    """
    s = str(text)
    if not s:
        return "(empty)"
    shown = "".join(_visible(ch) for ch in s[:limit]) + ("…" if len(s) > limit else "")
    longest = max((len(run) for run in re.findall("`+", shown)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark drops one space at each end when both ends are spaces: add them back
    both = shown.startswith(" ") and shown.endswith(" ") and shown.strip(" ")
    pad = " " if shown.startswith("`") or shown.endswith("`") or both else ""
    span = f"{fence}{pad}{shown}{pad}{fence}"
    return f"{span} ({len(s)} characters)" if len(s) > limit else span


def _visible(ch: str) -> str:
    """``ch``, or ``\\uXXXX`` for an invisible character that could break a message."""
    return f"\\u{ord(ch):04x}" if unicodedata.category(ch) in _INVISIBLE else ch


def parse_number(text: str, name: str = "value") -> float:
    """The finite float that ``text`` writes, or a ValueError that names ``name``.

    Accepted: decimals (``0.5``, ``-.25``), scientific notation (``1e-3``) and
    fractions of two such numbers (``1/2``, ``-3/4``), written with the digits 0-9.
    NaN, infinity, other scripts' digits (``٣``) and anything else are refused
    with a message saying what was expected; the text is echoed with :func:`quote`.
    """
    s = str(text).strip().replace("−", "-").replace(" ", "")
    if not s:
        raise ValueError(f"{name} is empty: type a number such as 0.5, 1/2 or 1e-3")
    if _PLAIN.fullmatch(s):
        value = float(s)
    elif m := _FRACTION.fullmatch(s):
        num, den = float(m.group(1)), float(m.group(2))
        if den == 0:
            raise ValueError(f"{name}: {quote(text)} divides by zero")
        value = num / den
    elif any(unicodedata.category(ch) == "Nd" and not "0" <= ch <= "9" for ch in s):
        raise ValueError(
            f"{name}: {quote(text)} uses digits other than 0-9; write it with the digits 0 to 9"
        )
    else:
        raise ValueError(
            f"{name}: {quote(text)} is not a number; write it like 0.5, -0.25, 1/2 or 1e-3"
        )
    if not math.isfinite(value):
        raise ValueError(f"{name}: {quote(text)} is too large; use a finite number")
    return value


def format_number(x: float) -> str:
    """Shortest text that reads back as exactly ``x`` ("3" for 3.0, "-0" for -0.0, else repr)."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return "-0" if x == 0 and math.copysign(1.0, x) < 0 else str(int(x))
    return repr(x)
