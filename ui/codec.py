"""The model <-> URL query parameters, exactly and defensively (no Streamlit here).

Each array is written with the shortest text that reads back as the same
float (``format_number``: ``repr``, ``-0`` for -0.0), rows separated by ``;`` and
entries by ``,``. W_f … W_o are always read as matrices, so a one-unit model's
single row (no ``;``) reads back as one row; a trailing ``;`` is also accepted.
Every piece of the link a warning echoes goes through ``quote``: cut and shown as
plain text, never as Markdown, HTML or math.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np

from lstm_core import CONCAT_ORDERS, GATES, CellModel, LSTMParams
from lstm_core.numbers import format_number, parse_number, quote
from lstm_core.precision import cell_arrays, check_range
from lstm_core.presets import PRESETS, load_preset
from lstm_core.sequences import MAX_STEPS, MIN_STEPS
from lstm_core.teaching import SHARED_STAGES
from lstm_core.teaching import STAGES as CHECK_STAGES
from lstm_core.variants import OWN_NAMES, VARIANT_BY_KEY, own_shape

from .lesson_steps import STEPS as LESSON
from .memo import by_value
from .stages import LAST_STAGE, STAGE_OF_GATE, STAGES, VARIANT_STAGES

MIN_SIZE, MAX_EDITABLE = 1, 8  # m and n the app lets you edit (the core allows more)
DTYPES = ("float64", "float32")
MAX_VALUE_CHARS = 8000  # 8 × 16 numbers at 17 digits is about 2,500
DEFAULT_PRESET = "seed-question"
VECTOR_KEYS = {"x": "x_t", "h": "h_t-1", "c": "C_t-1"}
EDIT_PANELS = ("x", "states", "biases", "W", "exact")  # link names of the Edit choices
SHOW_PANELS = ("numbers", "hadamard", "saturation")  # … and of the Show-below choices
PANEL_KEYS = {"pin", "edit", "show", "seq", "seq0"}
LESSON_KEYS = {"step"}
LESSON_STEPS = len(LESSON)
# -- classroom (issue 11): the parts a teacher's link may hide, in the order they are written
HIDE_PARTS = ("sidebar", "nav", "editors", "diagram", "equations", "numbers", "changes", "files")
CLASSROOM_KEYS = {"present", "hide"}
MAX_SEQUENCE_CHARS = MAX_STEPS * MAX_EDITABLE * 26  # T ≤ 64 rows of m ≤ 8 numbers
# Check my calculation's fields in the link, "check.i.z=22, 42, 62": W·v, z and the gate
# value belong to a gate, C_t and h_t do not.
ANSWER_PREFIX = "check."
ANSWER_IDS = tuple(
    f"{g.key}.{s}" for g in GATES for s in CHECK_STAGES if s not in SHARED_STAGES
) + (SHARED_STAGES)
MAX_ANSWER_CHARS = 8 * 26  # n ≤ 8 numbers at 17 digits, with separators


@dataclass(frozen=True)
class View:
    """How the model is looked at; part of the URL so a shared link looks the same."""

    dtype: str = "float64"
    focus: str = "f"
    stage: int = 0
    variant: str = "plain"  # the Variants page's cell; in the URL only when not "plain"
    pin: bool = False  # keep the focus when a stage about another gate is picked
    edit: str = "x"  # the Cell step page's Edit panel (EDIT_PANELS)
    show: str = "numbers"  # the Cell step page's Show-below panel (SHOW_PANELS)
    seq: str = ""  # the Sequence page's inputs x_0 … x_{T-1}, as link text ("" = default)
    seq0: str = ""  # … and its h_0 and C_0, two rows
    # -- classroom (issue 11) --
    present: bool = False  # presentation mode: larger text, sidebar collapsed
    hide: tuple[str, ...] = ()  # parts not drawn (HIDE_PARTS, in that order)
    # -- quiz (issue 11.4) --
    quiz: bool = False  # predict, then reveal: the current stage's values wait for Reveal
    # -- the Lesson page (issue 11) --
    step: int = 1  # the lesson's step, 1..LESSON_STEPS; in the URL only when not 1
    # -- Check my calculation's typed answers: (field id, text), sorted ("i.z", "22, 42, 62")
    answers: tuple[tuple[str, str], ...] = ()
    # -- issue 14: the variants' own numbers ----------------------------------------------
    # (name, link text) of each edited peephole or GRU array, in OWN_NAMES order; an array
    # not listed follows the LSTM (lstm_core.variants). In the URL under its own name.
    own: tuple[tuple[str, str], ...] = ()
    vstage: int = 0  # the Variants walk-through's stage, 0-based; in the URL only when not 0


def with_stage(view: View, k: int) -> View:
    """``view`` at stage k: a stage that computes a gate brings that gate into focus, so
    the panels below show the gate the stage is about, unless the focus is pinned."""
    gates = STAGES[k].gates
    if not view.pin and gates and view.focus not in gates:
        return replace(view, stage=k, focus=gates[0])
    return replace(view, stage=k)


def with_focus(view: View, key: str) -> View:
    """``view`` with gate ``key`` in focus; unless pinned, a stage about another gate moves
    to the stage of this one, so the stage and the focus never disagree."""
    gates = STAGES[view.stage].gates
    if not view.pin and gates and key not in gates:
        return replace(view, focus=key, stage=STAGE_OF_GATE[key])
    return replace(view, focus=key)


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


def encode(model: CellModel, view: View) -> dict[str, str]:
    p = model.params
    q = {
        "m": str(p.n_input),
        "n": str(p.n_hidden),
        "order": p.concat_order,
        "dtype": view.dtype,
        "focus": view.focus,
        "stage": str(view.stage),
    }
    for g in GATES:
        q[g.W] = encode_array(p.W(g.key))
        q[g.b] = encode_array(p.b(g.key))
    if view.variant != View.variant:
        q["variant"] = view.variant
    if view.vstage != View.vstage:
        q["vstage"] = str(view.vstage)
    q["x"] = encode_array(model.x)
    q["h"] = encode_array(model.h_prev)
    q["c"] = encode_array(model.c_prev)
    answers = {ANSWER_PREFIX + k: t for k, t in view.answers if len(t) <= MAX_ANSWER_CHARS}
    classroom = _encode_classroom(view)
    return (
        q
        | _encode_panels(view)
        | _encode_quiz(view)
        | _encode_lesson(view)
        | classroom
        | answers
        | dict(view.own)
    )


def _encode_panels(view: View) -> dict[str, str]:
    """The panel choices, written only when they differ from the defaults (short links)."""
    q, default = {}, View()
    if view.pin:
        q["pin"] = "1"
    if view.edit != default.edit:
        q["edit"] = view.edit
    if view.show != default.show:
        q["show"] = view.show
    for key in ("seq", "seq0"):
        if getattr(view, key):
            q[key] = getattr(view, key)
    return q


# -- classroom (issue 11): present= and hide= -------------------------------------------
def _encode_classroom(view: View) -> dict[str, str]:
    q = {}
    if view.present:
        q["present"] = "1"
    if view.hide:
        q["hide"] = ",".join(view.hide)
    return q


def hide_parts(parts: Iterable[str]) -> tuple[str, ...]:
    """The known parts among ``parts``, once each, in HIDE_PARTS order."""
    asked = set(parts)
    return tuple(p for p in HIDE_PARTS if p in asked)


def _read_classroom(q: dict[str, str], warnings: list[str], view: View) -> View:
    """``view`` with the link's present and hide; unknown values are named and ignored."""
    changes: dict[str, Any] = {}
    _read_flag(q, "present", changes, warnings, "presentation mode is off")
    if "hide" in q:
        asked = [part.strip() for part in q["hide"].split(",") if part.strip()]
        unknown = [part for part in asked if part not in HIDE_PARTS]
        if unknown:
            names = ", ".join(quote(part) for part in unknown[:5])
            warnings.append(
                f"hide: {names} {'is not a part' if len(unknown) == 1 else 'are not parts'} "
                f"the app knows ({', '.join(HIDE_PARTS)}); the others are hidden."
            )
        changes["hide"] = hide_parts(asked)
    return replace(view, **changes)


# -- quiz (issue 11.4): ?quiz=1 -------------------------------------------------------
QUIZ_KEYS = {"quiz"}


def _encode_quiz(view: View) -> dict[str, str]:
    return {"quiz": "1"} if view.quiz else {}


def _read_quiz(q: dict[str, str], warnings: list[str], view: View) -> View:
    """``view`` with the link's quiz flag; anything but 0 or 1 is named and ignored."""
    if "quiz" not in q:
        return view
    if q["quiz"] in ("0", "1"):
        return replace(view, quiz=q["quiz"] == "1")
    warnings.append(f"quiz {quote(q['quiz'])} must be 0 or 1; the quiz is off.")
    return view


# -- the lesson's step ------------------------------------------------------------------------
def _encode_lesson(view: View) -> dict[str, str]:
    return {"step": str(view.step)} if view.step != View.step else {}


def _read_lesson(q: dict[str, str], warnings: list[str], view: View) -> View:
    """``view`` with the link's lesson step; one that is not 1..LESSON_STEPS is named and
    step 1 is shown."""
    if "step" not in q:
        return view
    read = _whole(q["step"])
    if read is None or not 1 <= read <= LESSON_STEPS:
        warnings.append(
            f"Lesson step {quote(q['step'])} does not exist (steps 1 to {LESSON_STEPS}); "
            "showing step 1."
        )
        return replace(view, step=1)
    return replace(view, step=read)


# -- sequences and panels ----------------------------------------------------------------
def _read_sequence(
    q: dict[str, str], key: str, rows: tuple[int, int], warnings: list[str], dtype: str
) -> str:
    """The link's sequence text, checked (``rows``: allowed row counts, 1..8 columns, the
    range of ``dtype``) and written again exactly; "" with a warning when it cannot be used."""
    name = {"seq": "the sequence", "seq0": "h_0 and C_0"}[key]
    try:
        read = decode_array(name, q[key], matrix=True, limit=MAX_SEQUENCE_CHARS)
        if len({len(row) for row in read}) != 1 or not rows[0] <= len(read) <= rows[1]:
            raise ValueError(f"{name} needs {rows[0]} to {rows[1]} rows of equal length")
        a = np.array(read, dtype=np.float64)
        if not MIN_SIZE <= a.shape[1] <= MAX_EDITABLE or not np.all(np.isfinite(a)):
            raise ValueError(f"{name} needs {MIN_SIZE} to {MAX_EDITABLE} finite numbers a row")
        check_range({name.capitalize(): a}, dtype)
    except ValueError as err:
        warnings.append(
            f"{name.capitalize()} in this link could not be read ({err}); using the default."
        )
        return ""
    return encode_array(a)


def _read_flag(
    q: dict[str, str], key: str, changes: dict[str, Any], warnings: list[str], otherwise: str
) -> None:
    """``changes[key]``: the link's 0 or 1 as a bool; any other value is named, with what
    happens ``otherwise``."""
    if key in q:
        if q[key] in ("0", "1"):
            changes[key] = q[key] == "1"
        else:
            warnings.append(f"{key} {quote(q[key])} must be 0 or 1; {otherwise}.")


def _read_panels(q: dict[str, str], warnings: list[str], view: View) -> View:
    """``view`` with the link's pin, edit and show; an unknown value is named and ignored."""
    changes: dict[str, Any] = {}
    _read_flag(q, "pin", changes, warnings, "the focus is not pinned")
    for key, allowed in (("edit", EDIT_PANELS), ("show", SHOW_PANELS)):
        if key in q:
            if q[key] in allowed:
                changes[key] = q[key]
            else:
                warnings.append(
                    f"{key} panel {quote(q[key])} is unknown (one of {', '.join(allowed)}); "
                    f"showing {getattr(view, key)}."
                )
    for key, rows in (("seq", (MIN_STEPS, MAX_STEPS)), ("seq0", (2, 2))):
        if key in q:
            changes[key] = _read_sequence(q, key, rows, warnings, view.dtype)
    return replace(view, **changes)


def _whole(raw: str) -> int | None:
    """The whole number written with the digits 0-9 (as ``encode`` writes it), else None."""
    return int(raw) if re.fullmatch("[0-9]{1,4}", raw) else None


def _size(q: dict[str, str], key: str) -> int:
    raw = q[key]
    v = _whole(raw)
    if v is None:
        raise ValueError(f"size {key}={quote(raw)} is not a whole number")
    if not MIN_SIZE <= v <= MAX_EDITABLE:
        raise ValueError(f"size {key}={v} is outside {MIN_SIZE}..{MAX_EDITABLE}")
    return v


def _view(q: dict[str, str], warnings: list[str], default: View) -> View:
    dtype, focus, stage = default.dtype, default.focus, default.stage
    if "dtype" in q:
        if q["dtype"] in DTYPES:
            dtype = q["dtype"]
        else:
            warnings.append(f"dtype {quote(q['dtype'])} is unknown; using float64.")
    if "focus" in q:
        if q["focus"] in {g.key for g in GATES}:
            focus = q["focus"]
        else:
            warnings.append(f"focus gate {quote(q['focus'])} is unknown; using f.")
    if "stage" in q:
        read = _whole(q["stage"])
        if read is None or read > LAST_STAGE:
            warnings.append(f"stage {quote(q['stage'])} must be 0 to {LAST_STAGE}; using 0.")
        stage = 0 if read is None or read > LAST_STAGE else read
    variant = default.variant
    if "variant" in q:
        if q["variant"] in VARIANT_BY_KEY:
            variant = q["variant"]
        else:
            known = ", ".join(VARIANT_BY_KEY)
            warnings.append(f"variant {quote(q['variant'])} is unknown ({known}); using plain.")
    vstage = _read_vstage(q, warnings, variant)
    view = _read_panels(q, warnings, View(dtype, focus, stage, variant=variant, vstage=vstage))
    view = _read_lesson(q, warnings, _read_quiz(q, warnings, view))
    view = _read_classroom(q, warnings, view)
    return replace(with_stage(view, view.stage), answers=_read_answers(q, warnings))


def _read_vstage(q: dict[str, str], warnings: list[str], variant: str) -> int:
    """The Variants walk-through's stage from the link: 0 to the variant's last stage."""
    if "vstage" not in q:
        return 0
    last = len(VARIANT_STAGES[variant]) - 1
    read = _whole(q["vstage"])
    if read is None or read > last:
        title = VARIANT_BY_KEY[variant].title
        warnings.append(
            f"vstage {quote(q['vstage'])} must be 0 to {last} for the {title}; using 0."
        )
        return 0
    return read


def _read_answers(q: dict[str, str], warnings: list[str]) -> tuple[tuple[str, str], ...]:
    """The link's typed Check answers, as text (read as numbers only on the Check page)."""
    out = []
    for key in sorted(k for k in q if k.startswith(ANSWER_PREFIX)):
        field, text = key.removeprefix(ANSWER_PREFIX), q[key]
        if field not in ANSWER_IDS:
            warnings.append(f"Check field {quote(key)} is unknown; it was ignored.")
        elif len(text) > MAX_ANSWER_CHARS:
            warnings.append(
                f"{quote(key)} in this link is {len(text)} characters long (at most "
                f"{MAX_ANSWER_CHARS}); it was ignored."
            )
        elif text:
            out.append((field, text))
    return tuple(out)


def decode(q: dict[str, str]) -> tuple[CellModel, View, list[str]]:
    """A model and view from query parameters, and the warnings to show.

    Never raises: anything unreadable falls back to a sensible model, and each
    fallback is explained in a warning.
    """
    model, view, warnings = _decode_lstm(q)
    return model, _read_own(q, model, view, warnings), warnings


# -- issue 14: the variants' own arrays, checked against the model read from the link ------
def check_own(name: str, text: str, model: CellModel, dtype: str) -> str:
    """The link text of own array ``name`` written again exactly, or a ValueError that
    names it: it must have the model's shape and fit ``dtype``."""
    n, m = model.params.n_hidden, model.params.n_input
    shape = own_shape(name, n, m)
    read = decode_array(name, text, matrix=len(shape) == 2)
    if len({len(row) for row in read if isinstance(row, list)}) > 1:
        raise ValueError(f"{name}'s rows differ in length")
    a = np.array(read, dtype=np.float64)
    if a.shape != shape:
        raise ValueError(f"{name} has shape {a.shape} but needs {shape} for n={n}, m={m}")
    check_range({name: a}, dtype)
    return encode_array(a)


def own_arrays(view: View) -> dict[str, np.ndarray]:
    """The edited arrays of ``view`` by name (their text was checked when it was stored)."""
    return {name: _own_array(name, text) for name, text in view.own}


@lru_cache(maxsize=256)
def _own_array(name: str, text: str) -> np.ndarray:
    a = np.array(decode_array(name, text, matrix=name.startswith("W_")), dtype=np.float64)
    a.flags.writeable = False
    return a


def _read_own(q: dict[str, str], model: CellModel, view: View, warnings: list[str]) -> View:
    own = []
    for name in (k for k in OWN_NAMES if k in q):
        try:
            own.append((name, check_own(name, q[name], model, view.dtype)))
        except ValueError as err:
            warnings.append(f"{name} in this link could not be read ({err}); it follows the LSTM.")
    return replace(view, own=tuple(own))


def _decode_lstm(q: dict[str, str]) -> tuple[CellModel, View, list[str]]:
    """``decode`` without the variants' own arrays."""
    warnings: list[str] = []
    q = {k: str(v) for k, v in q.items()}
    preset = q.get("preset")
    model_keys = {"m", "n", "x", "h", "c", "order"} | {g.W for g in GATES} | {g.b for g in GATES}
    view_keys = {"preset", "dtype", "focus", "stage", "variant", "vstage"} | PANEL_KEYS | QUIZ_KEYS
    view_keys |= LESSON_KEYS | CLASSROOM_KEYS | set(OWN_NAMES)
    unknown = sorted(k for k in set(q) - model_keys - view_keys if not k.startswith(ANSWER_PREFIX))
    if unknown:
        names = ", ".join(quote(k) for k in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        warnings.append(
            f"This link has settings the app does not know ({names}); they were ignored."
        )
    if preset is not None:
        if preset in PRESETS:
            model = load_preset(preset)
            view = View(focus=PRESETS[preset].focus)
            return model, _view(q, warnings, view), warnings
        warnings.append(
            f"There is no preset called {quote(preset)}. Loaded '{DEFAULT_PRESET}' instead."
        )
    elif model_keys & set(q):
        view_warnings: list[str] = []
        view = _view(q, view_warnings, View())
        try:
            return _decode_model(q, view.dtype), view, warnings + view_warnings
        except ValueError as err:
            warnings.append(
                f"The model in this link could not be read ({err}). "
                f"Loaded the '{DEFAULT_PRESET}' example instead."
            )
            return load_preset(DEFAULT_PRESET), view, warnings + view_warnings
    return load_preset(DEFAULT_PRESET), _view(q, warnings, View()), warnings


def _decode_model(q: dict[str, str], dtype: str) -> CellModel:
    missing = [k for k in ("m", "n") if k not in q]
    if missing:
        what = f"the size {missing[0]} is" if len(missing) == 1 else "the sizes m and n are"
        raise ValueError(f"{what} missing")
    m, n = _size(q, "m"), _size(q, "n")
    order = q.get("order", "h_first")
    if order not in CONCAT_ORDERS:
        raise ValueError(f"concat order {quote(order)} must be h_first or x_first")
    arrays: dict[str, Any] = {}
    for g in GATES:
        for name in (g.W, g.b):
            if name not in q:
                raise ValueError(f"{name} is missing")
            arrays[name] = decode_array(name, q[name], matrix=name == g.W)
    vectors = {}
    for key, name in VECTOR_KEYS.items():
        vectors[key] = decode_array(name, q[key]) if key in q else [0.0] * (m if key == "x" else n)
    params = LSTMParams(**arrays, concat_order=order)  # type: ignore[arg-type]
    if (params.n_input, params.n_hidden) != (m, n):
        raise ValueError(
            f"the arrays are for m={params.n_input}, n={params.n_hidden} but the link says "
            f"m={m}, n={n}"
        )
    model = CellModel(params, vectors["x"], vectors["h"], vectors["c"])  # type: ignore[arg-type]
    check_range(cell_arrays(params, model.x, model.h_prev, model.c_prev), dtype)
    return model
