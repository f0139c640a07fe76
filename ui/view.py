"""How the model is looked at (``View``) and the view's part of the URL: dtype, focus and
stage, the panels, the classroom's present and hide, the quiz, the lesson's step, the typed
Check answers and the Variants page's cell and stage (no Streamlit here).

``encode_view`` writes it, ``read_view`` reads it back defensively: an unknown or
unreadable value is named in a warning (through ``quote``: cut and shown as plain text)
and the default is used. The model's part of the URL, and the variants' own arrays that
are checked against it, are ``codec``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from lstm_core import GATES
from lstm_core.numbers import quote
from lstm_core.precision import check_range
from lstm_core.sequences import MAX_STEPS, MIN_STEPS
from lstm_core.teaching import SHARED_STAGES
from lstm_core.teaching import STAGES as CHECK_STAGES
from lstm_core.variants import VARIANT_BY_KEY

from .lesson_steps import STEPS as LESSON
from .linktext import MAX_EDITABLE, MIN_SIZE, decode_array, encode_array, whole
from .stages import LAST_STAGE, STAGE_OF_GATE, STAGES, VARIANT_STAGES

DTYPES = ("float64", "float32")
EDIT_PANELS = ("x", "states", "biases", "W", "exact")  # link names of the Edit choices
SHOW_PANELS = ("numbers", "hadamard", "saturation")  # … and of the Show-below choices
PANEL_KEYS = {"pin", "edit", "show", "seq", "seq0", "tab"}
# link names of the tabs of the pages that have them, in the pages' order; one name per tab
# across the app, so that a link's tab= names one tab of one page
PAGE_TABS = {
    "shapes": ("arrays", "blocks", "claim", "order", "same-size", "frameworks"),
    "saturation": ("curves", "scale", "rounding", "chains"),
}
TAB_NAMES = tuple(name for names in PAGE_TABS.values() for name in names)
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
    tab: str = ""  # the open tab's link name (TAB_NAMES) on a page with tabs; "" = its first
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


def encode_view(view: View) -> dict[str, str]:
    """The view's query parameters; all but dtype, focus and stage only when they differ
    from the defaults (short links)."""
    q = {"dtype": view.dtype, "focus": view.focus, "stage": str(view.stage)}
    if view.variant != View.variant:
        q["variant"] = view.variant
    if view.vstage != View.vstage:
        q["vstage"] = str(view.vstage)
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
    for key in ("seq", "seq0", "tab"):
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
    read = whole(q["step"])
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
    """``view`` with the link's pin, edit, show, sequences and tab; an unknown value is
    named and ignored."""
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
    if "tab" in q:
        if q["tab"] in TAB_NAMES:
            changes["tab"] = q["tab"]
        else:
            warnings.append(f"tab {quote(q['tab'])} is unknown; showing the page's first tab.")
    return replace(view, **changes)


# every key read_view reads, but the typed answers' (ANSWER_PREFIX + a field id)
VIEW_KEYS = {"dtype", "focus", "stage", "variant", "vstage"} | PANEL_KEYS | QUIZ_KEYS
VIEW_KEYS |= LESSON_KEYS | CLASSROOM_KEYS


def read_view(q: dict[str, str], warnings: list[str], default: View) -> View:
    """The view the link ``q`` asks for, with ``default``'s dtype, focus, stage and variant
    where the link has none; what cannot be used is named in ``warnings``. The variants'
    own arrays are not read here: they are checked against the model (``codec.decode``)."""
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
        read = whole(q["stage"])
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
    read = whole(q["vstage"])
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
