"""The one place that touches st.session_state for the shared model.

Keys: ``model`` (the current CellModel), ``prev_model`` (the one before the last
edit, for before/after), ``view`` (dtype, focus gate, stage), ``rev`` (bumped on
every model change so grid editors redraw), ``errors`` (inline messages by editor
key), ``notices`` (warnings from the URL, refused switches, resizes) and ``upload``
(what the Files section says about the last upload) and ``quiz`` (predict-then-reveal:
the score and, per quiz, its stage and marks). Widgets write through
:func:`set_model`; the URL is rewritten from the state at the end of each run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lstm_core import CellModel, Step, step

from .codec import decode, encode
from .view import DTYPES, View

SLIDER_PREFIX = "sl:"


def init() -> None:
    """Load the model from the URL once per session (later runs keep the session's)."""
    ss = st.session_state
    if "model" in ss:
        return
    model, view, warnings = decode(st.query_params.to_dict())
    ss.model, ss.prev_model, ss.view = model, model, view
    ss.rev, ss.errors, ss.notices = 0, {}, warnings


def begin_run() -> None:
    """Start of a run: the model loaded, and the errors of editors that are gone dropped.

    An editor not drawn on the last run (another page was shown) has lost its typed
    text; its error must not come back with the fresh editor this run draws.
    """
    init()
    ss = st.session_state
    ss.errors = {k: v for k, v in ss.errors.items() if k in ss}


def _ss() -> Any:
    """session_state, with the shared model loaded on first use."""
    init()
    return st.session_state


def model() -> CellModel:
    return _ss().model


def prev_model() -> CellModel:
    return _ss().prev_model


def view() -> View:
    return _ss().view


def rev() -> int:
    return int(_ss().rev)


def _dtype_of(v: View) -> type[np.floating]:
    return np.float32 if v.dtype == "float32" else np.float64


def dtype() -> type[np.floating]:
    return _dtype_of(view())


def live() -> Callable[[], tuple[CellModel, type[np.floating]]]:
    """A function giving the session's model and dtype when it is called, not now.

    A download button's deferred data runs later, on another thread, and a fragment
    rerun may have changed the model in between; the session's state object is
    thread-safe (it takes a lock), ``st.session_state`` is not usable there.
    """
    ctx = get_script_run_ctx()
    if ctx is None:  # bare mode (no session): what there is now
        now = (model(), dtype())
        return lambda: now
    safe = ctx.session_state
    return lambda: (safe["model"], _dtype_of(safe["view"]))


# The last steps computed, by model object and dtype: a model is never changed in place
# (an edit makes a new one), so last run's current step is this run's previous step.
_STEPS: dict[tuple[int, str], tuple[CellModel, Step]] = {}


def _step_of(m: CellModel) -> Step:
    key = (id(m), view().dtype)
    hit = _STEPS.get(key)
    if hit is not None and hit[0] is m:
        return hit[1]
    s = step(m.params, m.x, m.h_prev, m.c_prev, dtype=dtype())
    if len(_STEPS) >= 256:
        _STEPS.clear()
    _STEPS[key] = (m, s)
    return s


def current_step() -> Step:
    return _step_of(model())


def previous_step() -> Step:
    return _step_of(prev_model())


def set_model(new: CellModel) -> None:
    """Make ``new`` the model; every editor is redrawn from it, so their errors go."""
    ss = _ss()
    ss.prev_model, ss.model = ss.model, new
    ss.rev += 1
    ss.errors.clear()
    _sync_sliders(new)
    old_p, p = ss.prev_model.params, new.params
    if ss.view.own and (old_p.n_input, old_p.n_hidden) != (p.n_input, p.n_hidden):
        ss.view = replace(ss.view, own=())
        notify(
            "The variants' edited peepholes and GRU weights were for the old sizes; they "
            "follow the LSTM again."
        )


def set_view(**changes: Any) -> None:
    v = replace(view(), **changes)
    if v.dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}")
    _ss().view = v


def set_own(own: tuple[tuple[str, str], ...]) -> None:
    """The variants' edited arrays (``View.own``); every editor is redrawn, their errors go."""
    set_view(own=own)
    ss = _ss()
    ss.rev += 1
    ss.errors.clear()


def errors() -> dict[str, str]:
    """Messages by the key of the editor whose typed text they describe.

    One lives exactly as long as that text: until the editor is redrawn (any model
    change, :func:`set_model`) or is not drawn at all (another page).
    """
    ss = _ss()
    ss.errors = {k: v for k, v in ss.errors.items() if k in ss}
    return ss.errors


def set_error(key: str, message: str | None) -> None:
    if message is None:
        _ss().errors.pop(key, None)
    else:
        _ss().errors[key] = message


def notify(message: str) -> None:
    """A message for the top of the next page drawn (a refused switch, a resize)."""
    _ss().notices.append(message)


def upload() -> dict[str, Any]:
    """What the Files section remembers of the last upload (its message, its layers)."""
    ss = _ss()
    if "upload" not in ss:
        ss.upload = {}
    return ss.upload


def quiz() -> dict[str, Any]:
    """Predict-then-reveal's memory for the session: ``score`` [right, scored] and, by
    the key of each quiz, its stage, whether it is revealed and its marks (ui/quiz.py)."""
    ss = _ss()
    if "quiz" not in ss:
        ss.quiz = {"score": [0, 0]}
    return ss.quiz


def take_notices() -> list[str]:
    """URL warnings and :func:`notify` messages, shown once and then forgotten."""
    notes: list[str] = _ss().notices
    st.session_state.notices = []
    return notes


def slider_key(field: str, index: tuple[int, ...]) -> str:
    return SLIDER_PREFIX + field + ":" + ",".join(str(i) for i in index)


def _sync_sliders(new: CellModel) -> None:
    """Move every slider to the model's value, so slider and grid always agree."""
    ss = st.session_state
    for key in [k for k in ss.keys() if str(k).startswith(SLIDER_PREFIX)]:
        field, _, idx = str(key)[len(SLIDER_PREFIX) :].partition(":")
        index = tuple(int(i) for i in idx.split(","))
        try:
            value = float(new.get_array(field)[index])
        except (IndexError, AttributeError):
            del ss[key]
            continue
        if ss[key] != value:  # untouched sliders are not redrawn
            ss[key] = value


def write_url() -> None:
    """Rewrite the query string to the full current model (only when it changed)."""
    wanted = encode(model(), view())
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
