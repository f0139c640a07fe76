"""Checking a student's hand calculation of one LSTM step, and finding the first slip.

The student types, for one gate k and each unit r, the stages of the step:
  wv  (W_k·v)[r]          z  z_k[r] = (W_k·v)[r] + b_k[r]        a  the gate value act_k(z_k[r])
  c   C_t[r] = f∘C_{t-1} + i∘C̃_t                                 h  h_t[r] = o∘tanh(C_t)
Each typed value is right within :func:`tolerance`; for a wrong one, :func:`check` names
the first term of the correct expansion that the typed values miss (a dropped product,
the bias, the activation, …) and whether the value follows from the student's own
earlier, wrong value ("carried").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from .cell import Step, step
from .gates import GATE_BY_KEY
from .model import CellModel
from .numbers import parse_number, quote
from .params import Array, LSTMParams

CHECK_RTOL = 5e-3
Stage = Literal["wv", "z", "a", "c", "h"]
STAGES: tuple[Stage, ...] = ("wv", "z", "a", "c", "h")
SHARED_STAGES: tuple[Stage, ...] = ("c", "h")  # C_t and h_t: the same whichever gate is checked


def tolerance(correct: float, rtol: float = CHECK_RTOL) -> float:
    """How far a typed value may be from the correct one: rtol·max(1, |correct|)."""
    return rtol * max(1.0, abs(float(correct)))


def close(typed: float, correct: float, rtol: float = CHECK_RTOL) -> bool:
    return abs(float(typed) - float(correct)) <= tolerance(correct, rtol)


_SPLIT = re.compile(r"[,;\s]+")
_DECIMAL_COMMA = re.compile(r"(?<![\d.])(\d+),(\d+)(?![\d.])")  # "0,5": a comma between digits


def parse_vector(text: str, name: str, length: int) -> list[float | None]:
    """A typed vector such as '[22, 42, 62]' or '1/2; 0.25; _'. A '_' or '?' leaves
    that entry unchecked. Empty text means "not typed": all None."""
    body = str(text).strip().strip("[]()").strip()
    if not body:
        return [None] * length
    parts = [p for p in _SPLIT.split(body) if p]
    comma = _DECIMAL_COMMA.search(body)
    # "0,5" with too few or too many entries, or next to entries split by ", " or ";"
    if comma and (len(parts) != length or re.search(r",\s|;", body)):
        meant = f"{comma.group(1)}.{comma.group(2)}"
        raise ValueError(
            f"{name}: did you mean {quote(meant)} for {quote(comma.group(0))}? Use a dot for "
            f"decimals and commas between the {length} entries, e.g. 0.5, 1/2, 1e-3"
        )
    if len(parts) != length:
        got = f"{len(parts)} {'entry' if len(parts) == 1 else 'entries'}"
        raise ValueError(
            f"{name} has {got} but needs {length}, one per unit ({quote(str(text))} was "
            "typed); separate them with commas, e.g. 0.5, 1/2, 1e-3"
        )
    return [
        None if p in ("_", "?") else parse_number(p, f"{name}, entry {k + 1}")
        for k, p in enumerate(parts)
    ]


@dataclass(frozen=True)
class Entry:
    stage: Stage
    unit: int
    typed: float | None
    correct: float
    ok: bool | None  # None: not typed
    carried: bool = False  # wrong, but follows from the student's own earlier value


@dataclass(frozen=True)
class Culprit:
    """Where the correct expansion of one unit first parts from what was typed.

    kind: "product" (term W[r, j]·v[j], ``index`` = j), "sum" (the sum of the
    products as a whole), "bias", "activation", "forget_term", "input_term",
    "tanh" or "output_gate".
    """

    stage: Stage
    kind: str
    index: int | None = None


def dropped_term(terms: ArrayLike, typed: float, rtol: float = CHECK_RTOL) -> int | None:
    """The first nonzero term whose omission from the sum gives ``typed``, if any."""
    t = np.asarray(terms, dtype=np.float64)
    total = float(np.sum(t))
    for j, tj in enumerate(t):
        if tj != 0 and close(typed, total - tj, rtol):
            return j
    return None


def correct_values(s: Step, key: str, W: Array) -> dict[Stage, Array]:
    return {"wv": W @ s.concat, "z": s.z(key), "a": s.gate(key), "c": s.c, "h": s.h}


@dataclass(frozen=True)
class Check:
    key: str
    step: Step
    entries: dict[Stage, list[Entry]]
    culprits: dict[int, list[Culprit]]  # unit -> where each wrong chain first goes wrong

    def wrong_units(self, stage: Stage) -> list[int]:
        return [e.unit for e in self.entries[stage] if e.ok is False]

    def all_right(self) -> bool:
        typed = [e for es in self.entries.values() for e in es if e.ok is not None]
        return bool(typed) and all(e.ok for e in typed)


def _gate_culprit(
    p: LSTMParams,
    s: Step,
    key: str,
    r: int,
    typed: dict[Stage, float | None],
    ok: dict[Stage, bool | None],
) -> Culprit | None:
    products = p.W(key)[r] * s.concat
    if ok["wv"] is False:
        j = dropped_term(products, typed["wv"])  # type: ignore[arg-type]
        return Culprit("wv", "sum" if j is None else "product", j)
    if ok["z"] is False:
        if ok["wv"] is True:
            return Culprit("z", "bias")
        j = dropped_term([*products, p.b(key)[r]], typed["z"])  # type: ignore[arg-type]
        if j is None:
            return Culprit("z", "sum")
        return Culprit("z", "bias") if j == len(products) else Culprit("z", "product", j)
    if ok["a"] is False:
        return Culprit("a", "activation")
    return None


def _cell_culprit(
    s: Step, r: int, typed: dict[Stage, float | None], ok: dict[Stage, bool | None]
) -> Culprit | None:
    if ok["c"] is False:
        terms = [s.forget_term[r], s.input_term[r]]
        j = dropped_term(terms, typed["c"])  # type: ignore[arg-type]
        # leaving out one term means the *other* was the only one added
        kinds = {0: "forget_term", 1: "input_term"}
        return Culprit("c", "sum" if j is None else kinds[j])
    if ok["h"] is False:
        forgot_tanh = close(typed["h"], s.o[r] * s.c[r])  # type: ignore[arg-type]
        return Culprit("h", "tanh" if forgot_tanh else "output_gate")
    return None


PREVIOUS: dict[Stage, Stage] = {"z": "wv", "a": "z", "h": "c"}  # the value each one uses


def _next_value(stage: Stage, u: float, p: LSTMParams, key: str, s: Step, r: int) -> float:
    """What ``stage`` becomes when its previous stage has the value ``u``."""
    if stage == "z":
        return u + float(p.b(key)[r])
    if stage == "a":
        return float(GATE_BY_KEY[key].activation.fn(np.float64(u)))
    return float(s.o[r] * np.tanh(u))


def _carried(
    stage: Stage, p: LSTMParams, key: str, s: Step, r: int, typed: dict[Stage, float | None]
) -> bool:
    """Does a wrong value follow from the student's own previous value?"""
    t, before = typed[stage], typed.get(PREVIOUS.get(stage, stage))
    if stage not in PREVIOUS or t is None or before is None:
        return False
    return close(t, _next_value(stage, before, p, key, s, r))


def check(
    ex: CellModel,
    key: str,
    typed: dict[Stage, list[float | None]],
    dtype: type[np.floating] = np.float64,
) -> Check:
    """Mark each typed value right or wrong (within :func:`tolerance`) and find, per
    unit, the first term of the correct expansion that the typed values miss."""
    p = ex.params
    s = step(p, ex.x, ex.h_prev, ex.c_prev, dtype=dtype)
    n = p.n_hidden
    correct = correct_values(s, key, p.W(key).astype(dtype))
    entries: dict[Stage, list[Entry]] = {st: [] for st in STAGES}
    culprits: dict[int, list[Culprit]] = {}
    for r in range(n):
        row: dict[Stage, float | None] = {st: typed.get(st, [None] * n)[r] for st in STAGES}
        ok: dict[Stage, bool | None] = {}
        for st in STAGES:
            t = row[st]
            ok[st] = None if t is None else close(t, correct[st][r])
            carried = ok[st] is False and _carried(st, p, key, s, r, row)
            entries[st].append(Entry(st, r, t, float(correct[st][r]), ok[st], carried))
        found = [_gate_culprit(p, s, key, r, row, ok), _cell_culprit(s, r, row, ok)]
        if any(found):
            culprits[r] = [c for c in found if c is not None]
    return Check(key, s, entries, culprits)
