"""Editors for the shared model: sidebar controls, sliders and exact-entry grids.

Every widget writes through ``state.set_model`` in its on_change callback, so
the model is current before the page renders, and a bad entry never replaces
the last valid model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from lstm_core import CONCAT_LATEX, CONCAT_ORDERS, GATES, CellModel, LSTMParams
from lstm_core.model import resize_note
from lstm_core.numbers import format_number, parse_number
from lstm_core.precision import OutOfRange, cell_arrays, check_range, limit_text, out_of_range
from lstm_core.presets import PRESETS, load_preset

from . import classroom, quiz, sequence, state
from .codec import DEFAULT_PRESET, own_arrays
from .linktext import MAX_EDITABLE, MIN_SIZE
from .view import DTYPES, with_focus

FIELD_LABEL = {"x": "x_t", "h_prev": "h_t-1", "c_prev": "C_t-1"}
SLIDER_SPAN = 10.0
SLIDER_WIDTH = 150  # px: two to a row in the editor column at 1280 px


def label(field: str) -> str:
    return FIELD_LABEL.get(field, field)


# -- sidebar -------------------------------------------------------------------
# Sizes are picked from a list, not typed: a whole-number st.number_input reads "1e9" as 1
# and resizes silently, while a list offers 1..8 only (typing filters it; text that
# matches nothing selects nothing, so the model is not resized).
SIZES = tuple(range(MIN_SIZE, MAX_EDITABLE + 1))


def on_size(m_key: str, n_key: str) -> None:
    """Callback: resize the model to the two picked sizes, saying what was dropped."""
    ss, cur = st.session_state, state.model()
    m, n = ss[m_key], ss[n_key]
    if m not in SIZES or n not in SIZES:  # only reachable by a forged widget value
        state.notify(f"Sizes must be whole numbers from {MIN_SIZE} to {MAX_EDITABLE}; not resized.")
        ss[m_key], ss[n_key] = cur.params.n_input, cur.params.n_hidden
        return
    if note := resize_note(cur.params.n_input, cur.params.n_hidden, m, n):
        state.notify(note)
    state.set_model(cur.resized(m, n))


def size_inputs(
    cols: Sequence[Any], keys: tuple[str, str], labels: tuple[str, str], *, page: bool = False
) -> None:
    """Pickers of 1..8 for m and n in two columns; a change resizes the model. ``page``: a
    page's pickers, shown as their values when the link hides editors (the sidebar's go
    with the sidebar)."""
    for col, key, text in zip(cols, keys, labels, strict=True):
        picker: dict[str, Any] = dict(key=key, options=SIZES, on_change=on_size, args=keys)
        if page:
            classroom.control(col.selectbox, text, st.session_state.get(key), **picker)
        else:
            col.selectbox(text, **picker)


def _on_order() -> None:
    cur = state.model()
    p = cur.params.replace(concat_order=st.session_state["ctl:order"])
    state.set_model(CellModel(p, cur.x, cur.h_prev, cur.c_prev))


def _on_dtype() -> None:
    """Switch precision, unless the model holds entries the new one cannot use."""
    ss, cur, wanted = st.session_state, state.model(), st.session_state["ctl:dtype"]
    arrays = cell_arrays(cur.params, cur.x, cur.h_prev, cur.c_prev) | sequence.stored_arrays()
    arrays |= own_arrays(state.view())  # the Variants page's edited arrays must fit too
    found = out_of_range(arrays, wanted)
    if found:
        ss["ctl:dtype"] = state.view().dtype
        state.notify(
            f"Still {state.view().dtype}, not switched to {wanted}: "
            f"{misfits(found)}; {limit_text(wanted)}. "
            f"Make {'it' if len(found) == 1 else 'them'} smaller first."
        )
        return
    state.set_view(dtype=wanted)


def misfits(found: Sequence[OutOfRange], shown: int = 4) -> str:
    """'W_f[0, 0] = 1e+39 and b_i[2] = -2e+20 do not fit': the entries by name."""
    names = [f"`{n}[{', '.join(map(str, i))}] = {v:g}`" for n, i, v in found[:shown]]
    more = [f"{len(found) - shown} more"] if len(found) > shown else []
    items = names + more
    listed = ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]
    return f"{listed} {'does' if len(found) == 1 else 'do'} not fit"


def _on_focus() -> None:
    v = with_focus(state.view(), st.session_state["ctl:focus"])
    state.set_view(stage=v.stage, focus=v.focus)


def _on_pin() -> None:
    state.set_view(pin=bool(st.session_state["ctl:pin"]))


def load(preset: str) -> None:
    """Make ``preset`` the model, with its gate in focus; the stage stays where it is."""
    state.set_model(load_preset(preset))
    state.set_view(focus=PRESETS[preset].focus)
    _sync_controls(preset)


def _on_load() -> None:
    load(st.session_state["ctl:preset"])


def _on_randomize() -> None:
    cur = state.model()
    p, m, n = cur.params, cur.params.n_input, cur.params.n_hidden
    seed = int(st.session_state["ctl:seed"])
    rng = np.random.default_rng(seed)
    new = LSTMParams.random(m, n, seed=seed, concat_order=p.concat_order)
    state.set_model(
        CellModel(new, rng.uniform(-1, 1, m), rng.uniform(-1, 1, n), rng.uniform(-1, 1, n))
    )


def _on_reset() -> None:
    load(DEFAULT_PRESET)


def _sync_controls(preset: str | None = None) -> None:
    """Put the sidebar widgets on the model's values (after a preset or reset)."""
    ss, p, v = st.session_state, state.model().params, state.view()
    ss["ctl:m"], ss["ctl:n"], ss["ctl:order"] = p.n_input, p.n_hidden, p.concat_order
    ss["ctl:dtype"], ss["ctl:focus"] = v.dtype, v.focus
    if preset is not None:
        ss["ctl:preset"] = preset


def sidebar() -> None:
    """Sizes, order, precision, presets, randomize and reset: the whole model's controls."""
    ss, p, v = st.session_state, state.model().params, state.view()
    for key, value in (
        ("ctl:m", p.n_input),
        ("ctl:n", p.n_hidden),
        ("ctl:order", p.concat_order),
        ("ctl:dtype", v.dtype),
        ("ctl:focus", v.focus),
        ("ctl:pin", v.pin),
    ):
        if ss.get(key) != value:
            ss[key] = value
    if "ctl:preset" not in ss:
        ss["ctl:preset"] = st.query_params.get("preset", DEFAULT_PRESET)
        if ss["ctl:preset"] not in PRESETS:
            ss["ctl:preset"] = DEFAULT_PRESET
    with st.sidebar:
        classroom.sidebar_switch()
        quiz.toggle()
        st.markdown("### Model")
        c1, c2 = st.columns(2)
        size_inputs((c1, c2), ("ctl:m", "ctl:n"), ("m (inputs)", "n (units)"))
        st.radio(
            "Concatenation v",
            list(CONCAT_ORDERS),
            key="ctl:order",
            on_change=_on_order,
            format_func=lambda o: f"${CONCAT_LATEX[o]}$",
            horizontal=True,
            help="Changing the order keeps W's numbers where they are, so they now multiply "
            "other entries of v and the results change.",
        )
        st.radio(
            "Precision",
            list(DTYPES),
            key="ctl:dtype",
            on_change=_on_dtype,
            horizontal=True,
        )
        st.selectbox(
            "Gate in focus",
            [g.key for g in GATES],
            key="ctl:focus",
            on_change=_on_focus,
            format_func=lambda k: f"{next(g.name for g in GATES if g.key == k)} ({k})",
        )
        st.checkbox(
            ":material/keep: Pin this gate",
            key="ctl:pin",
            on_change=_on_pin,
            help="Unpinned, picking a stage about another gate (forget, input, output) brings "
            "that gate into focus. Pinned, the focus stays on this gate.",
        )
        st.markdown("### Examples")
        st.selectbox(
            "Preset",
            list(PRESETS),
            key="ctl:preset",
            help="The thread is the question-and-answer thread this app grew from; the answer "
            "is its reply, which worked the input gate out by hand.\n\n"
            + "\n".join(f"- **{k}**: {pr.summary}" for k, pr in PRESETS.items()),
        )
        st.button("Load preset", on_click=_on_load, width="stretch")
        c1, c2 = st.columns([1, 1])
        c1.number_input("Seed", 0, 10**6, value=0, step=1, key="ctl:seed")
        c2.button("Randomize", on_click=_on_randomize, width="stretch")
        st.button(f"Reset to {DEFAULT_PRESET}", on_click=_on_reset, width="stretch")


# -- sliders --------------------------------------------------------------------
def fitting(new: CellModel) -> CellModel:
    """``new``, or a ValueError naming the first entry the current precision cannot use."""
    check_range(cell_arrays(new.params, new.x, new.h_prev, new.c_prev), state.dtype())
    return new


def _on_slider(field: str, index: tuple[int, ...]) -> None:
    key = state.slider_key(field, index)
    try:
        new = fitting(state.model().with_entry(field, index, float(st.session_state[key])))
    except ValueError as err:
        st.session_state[key] = float(state.model().get_array(field)[index])
        state.notify(f"{err}. The previous value is still in use.")
        return
    state.set_model(new)


def slider(
    field: str,
    index: tuple[int, ...],
    text: str,
    span: float = SLIDER_SPAN,
    width: Any = "stretch",
    help: str | None = None,  # noqa: A002 - Streamlit's own parameter name
) -> None:
    key = state.slider_key(field, index)
    value = float(state.model().get_array(field)[index])
    if key not in st.session_state:
        st.session_state[key] = value
    lo = float(min(-span, np.floor(value)))
    hi = float(max(span, np.ceil(value)))
    st.slider(
        text,
        lo,
        hi,
        step=0.1,
        key=key,
        on_change=_on_slider,
        args=(field, index),
        format="%.2f",
        width=width,
        help=help,
    )


def slider_row(
    items: Sequence[tuple[str, tuple[int, ...], str, str]], spans: Sequence[float] | None = None
) -> None:
    """Sliders (field, index, label, help), two to a row in one wrapping container;
    ``spans``: each slider's ± range (default SLIDER_SPAN).

    One container instead of st.columns keeps the number of elements (and so the
    time of every rerun) low.
    """
    spans = [SLIDER_SPAN] * len(items) if spans is None else spans
    with st.container(horizontal=True, wrap=True, gap="small"):
        for (field, index, text, tip), span in zip(items, spans, strict=True):
            slider(field, index, text, span=span, width=SLIDER_WIDTH, help=tip)


# -- exact entry grids ------------------------------------------------------------
GRID_DIGITS = 6  # significant digits a grid shows; the model keeps every digit


def shown(v: float) -> str:
    """A grid cell's text: the exact number when it is short, else rounded to GRID_DIGITS
    (17-digit numbers do not fit a cell)."""
    exact = format_number(v)
    return exact if len(exact.lstrip("-")) <= GRID_DIGITS + 2 else f"{float(v):.{GRID_DIGITS}g}"


# A grid's key carries the model's revision: any model change redraws every grid from
# the model, and the typed text an error describes is gone with it (state.errors).
def _grid_key(field: str) -> str:
    return f"grid:{field}:{state.rev()}"


@dataclass(frozen=True)
class Source:
    """Where a grid reads its array and writes it back: the shared model by default, or a
    variant's own numbers. ``put`` raises a ValueError naming the entry, or stores."""

    get: Callable[[str], np.ndarray]
    put: Callable[[str, np.ndarray], None]


def _put_model(field: str, a: np.ndarray) -> None:
    state.set_model(fitting(state.model().with_array(field, a)))


MODEL = Source(lambda field: state.model().get_array(field), _put_model)


def _on_grid(field: str, key: str, shape: tuple[int, ...], cols: list[str], src: Source) -> None:
    edits = st.session_state[key].get("edited_rows", {})
    a = np.array(src.get(field), dtype=np.float64).reshape(shape)
    a2 = a.reshape(1, -1) if a.ndim == 1 else a
    try:
        for r, row in edits.items():
            for col, text in row.items():
                if col not in cols:  # the row labels: not part of the model
                    continue
                c = cols.index(col)
                if text is not None and str(text).strip() == shown(a2[int(r), c]):
                    continue  # the rounded text given back unchanged: keep the exact value
                where = f"{label(field)}[{c}]" if a.ndim == 1 else f"{label(field)}[{r}, {c}]"
                a2[int(r), c] = parse_number("" if text is None else str(text), where)
        src.put(field, a2.reshape(shape))
    except ValueError as err:
        state.set_error(key, str(err))


def grid(
    field: str,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    col_width: Any = "small",
    src: Source = MODEL,
) -> None:
    """An exact-entry grid; typed text is read like a student writes numbers.

    ``col_width``: "small", "medium", "large" or px, for every column.
    """
    a = np.asarray(src.get(field))
    a2 = a.reshape(1, -1) if a.ndim == 1 else a
    df = pd.DataFrame(
        [[shown(v) for v in row] for row in a2],
        index=list(row_labels),
        columns=[f"{c_}" for c_ in col_labels],
    )
    key = _grid_key(field)
    st.data_editor(
        df,
        key=key,
        on_change=_on_grid,
        args=(field, key, a.shape, list(df.columns), src),
        width="stretch",
        column_config={c_: st.column_config.TextColumn(c_, width=col_width) for c_ in df.columns}
        | {"_index": st.column_config.Column(width=58, disabled=True)},
    )
    if message := state.errors().get(key):
        st.error(f"{message}. The previous value is still in use.", icon=":material/warning:")
