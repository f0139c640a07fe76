"""Marking a class's predictions before the values of a stage are revealed.

Two kinds of answer:

- a number per entry (``mark_numbers``): right when |typed − value| ≤ ``atol``
  (``PREDICT_ATOL`` = 0.01, absolute, so a gate read to two decimals counts);
- a choice of units (``mark_units``): "which units have a gate above one half?";
  each unit is right when it was picked exactly if its value is above ``THRESHOLD``.

Text that is not a number is named in ``Mark.error`` and not scored; an empty field
is not scored either. ``score`` counts (right, scored).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .numbers import parse_number

PREDICT_ATOL = 0.01
THRESHOLD = 0.5


@dataclass(frozen=True)
class Mark:
    """One entry's answer: what was typed (or picked), the value, and the verdict."""

    name: str  # e.g. "f_t[0]"
    typed: str  # the text as typed, "" when empty; "yes"/"no" for a choice of units
    value: float  # the correct value
    right: bool | None  # None: not scored (empty, or not a number)
    error: str = ""  # why it was not scored, naming the field


def mark_numbers(
    typed: Sequence[str], correct: ArrayLike, name: str, atol: float = PREDICT_ATOL
) -> list[Mark]:
    """Each typed text against the entry of ``correct`` at the same index."""
    values = np.asarray(correct, dtype=np.float64)  # (n,)
    if len(typed) != len(values):
        raise ValueError(f"{name}: {len(typed)} answers for {len(values)} entries")
    marks = []
    for k, (text, value) in enumerate(zip(typed, values, strict=True)):
        field = f"{name}[{k}]"
        if not text.strip():
            marks.append(Mark(field, "", float(value), None))
            continue
        try:
            guess = parse_number(text, field)
        except ValueError as err:
            marks.append(Mark(field, text, float(value), None, str(err)))
            continue
        marks.append(Mark(field, text, float(value), bool(abs(guess - value) <= atol)))
    return marks


def mark_units(
    picked: Collection[int], correct: ArrayLike, name: str, threshold: float = THRESHOLD
) -> list[Mark]:
    """Per unit: right when it was picked exactly if ``correct[unit] > threshold``."""
    values = np.asarray(correct, dtype=np.float64)  # (n,)
    return [
        Mark(
            f"{name}[{k}]",
            "yes" if k in picked else "no",
            float(value),
            bool((k in picked) == (value > threshold)),
        )
        for k, value in enumerate(values)
    ]


def score(marks: Sequence[Mark]) -> tuple[int, int]:
    """(right, scored): entries that were not scored count in neither."""
    scored = [m.right for m in marks if m.right is not None]
    return sum(scored), len(scored)
