"""Page pieces shared by the Sequence and Trained example pages: the sequence editor
and the time scrubber with Play/Pause (the selected step is drawn by
``stepview.step_detail``).

Each page owns one namespace ``ns`` ("seq" or "trained"); every session_state key used
here starts with it:
  ``{ns}:data``  the last valid sequence (:class:`SeqData`)
  ``{ns}:t``     the selected step
  ``{ns}:play``  None when paused, else the ``clock()`` time of the last automatic step
and the widget keys ``{ns}:scrub`` (the slider), ``{ns}:gen:*``, ``{ns}:xs:<rev>``,
``{ns}:init:<rev>`` and a few buttons.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import streamlit as st

from lstm_core.numbers import format_number
from lstm_core.params import Array
from lstm_core.precision import max_abs
from lstm_core.sequences import (
    GENERATOR_TEXT,
    GENERATORS,
    MAX_STEPS,
    MIN_STEPS,
    fit_width,
    generate,
    parse_table,
)

from . import classroom, keys, state

PLAY_INTERVAL = 0.8  # seconds per step while playing
# Play's clock, in seconds. A test replaces it with a clock it moves by hand, so Play
# can be stepped through without waiting (st.fragment's run_every still uses real time).
clock: Callable[[], float] = time.monotonic
DEFAULT_LENGTH = 24


@dataclass(frozen=True, eq=False)
class SeqData:
    """The page's sequence: the last valid values, and what the editors were built from
    (their edits are kept by Streamlit on top of ``base_*``; ``rev`` renews them)."""

    xs: Array  # (T, m) last valid inputs
    h0: Array  # (n,)
    c0: Array  # (n,)
    base_xs: Array
    base_init: Array  # (2, n): h0, C0
    rev: int = 0
    note: str | None = None  # shown once, e.g. after fitting to a new model size


def default_inputs(m: int) -> Callable[[], Array]:
    """The Sequence page's first sequence (also the Gradient flow page's input)."""
    return lambda: generate("sine", DEFAULT_LENGTH, m)


PAGE_NAMES = {"seq": "Sequence", "trained": "Trained example"}  # by namespace, for messages


def _key(ns: str, name: str) -> str:
    return f"{ns}:{name}"


def _fresh(xs: Array, h0: Array, c0: Array, rev: int, note: str | None = None) -> SeqData:
    return SeqData(xs, h0, c0, xs, np.vstack([h0, c0]), rev, note)


def current(
    ns: str, m: int, n: int, default: Callable[[], Array], init: Array | None = None
) -> SeqData:
    """The page's sequence, created from ``default()`` (and ``init``, the (2, n') rows h0,
    C0, else zeros) the first time and fitted to m inputs and n units when the model's
    size has changed (no widgets drawn)."""
    ss, key = st.session_state, _key(ns, "data")
    data: SeqData | None = ss.get(key)
    if data is None:
        init = np.zeros((2, n)) if init is None else fit_width(init, n)
        data = _fresh(fit_width(default(), m), init[0], init[1], 0)
    elif data.xs.shape[1] != m or data.h0.shape[0] != n:
        h0 = fit_width(data.h0[None, :], n)[0]
        c0 = fit_width(data.c0[None, :], n)[0]
        note = (
            f"The model now has m={m} inputs and n={n} units, so the sequence and h0, C0 "
            "were fitted: extra entries dropped, new ones set to 0."
        )
        data = _fresh(fit_width(data.xs, m), h0, c0, data.rev + 1, note)
    ss[key] = data
    return data


def _store(ns: str, data: SeqData) -> None:
    st.session_state[_key(ns, "data")] = data


def stored_arrays() -> dict[str, Array]:
    """Every page's sequence in this session, by a name for messages ("Sequence inputs")."""
    out: dict[str, Array] = {}
    for key, data in st.session_state.items():
        if isinstance(data, SeqData) and str(key).endswith(":data"):
            page = PAGE_NAMES.get(str(key).removesuffix(":data"), str(key))
            out |= {f"{page} inputs": data.xs, f"{page} h_0": data.h0, f"{page} C_0": data.c0}
    return out


# -- generators ------------------------------------------------------------------------
def replace_inputs(ns: str, xs: Array) -> None:
    """Put a new sequence in the page's editor (keeping h0, C0), back at t = 0, paused."""
    ss = st.session_state
    old: SeqData = ss[_key(ns, "data")]
    _store(ns, _fresh(np.asarray(xs, dtype=np.float64), old.h0, old.c0, old.rev + 1))
    ss[_key(ns, "t")] = 0
    ss[_key(ns, "play")] = None


def _on_generate(ns: str, m: int) -> None:
    ss = st.session_state
    kind = ss[_key(ns, "gen:kind")]
    xs = generate(
        kind,
        ss[_key(ns, "gen:T")],
        m,
        value=float(ss[_key(ns, "gen:value")]),
        at=int(ss[_key(ns, "gen:at")]),
        period=float(ss[_key(ns, "gen:period")]),
        seed=int(ss[_key(ns, "gen:seed")]),
    )
    replace_inputs(ns, xs)


def generator_controls(
    ns: str, m: int, kinds: Sequence[str], default_kind: str, length: int = DEFAULT_LENGTH
) -> None:
    ss = st.session_state
    ss.setdefault(_key(ns, "gen:kind"), default_kind)
    kind = st.selectbox(
        "Generator",
        list(kinds),
        key=_key(ns, "gen:kind"),
        format_func=lambda k: k,
        help="\n".join(f"- **{k}**: {GENERATOR_TEXT[k]}" for k in kinds),
    )
    st.caption(GENERATOR_TEXT[kind])
    c1, c2 = st.columns(2)
    c1.number_input(
        f"Length T ({MIN_STEPS}–{MAX_STEPS})",
        MIN_STEPS,
        MAX_STEPS,
        value=length,
        step=1,
        key=_key(ns, "gen:T"),
    )
    c2.number_input(
        "Value",
        -10.0,
        10.0,
        value=1.0,
        step=0.25,
        key=_key(ns, "gen:value"),
        disabled=kind == "memory",
        help="The constant, the step's height, the sine's amplitude, or the noise's range.",
    )
    c3, c4, c5 = st.columns(3)
    c3.number_input(
        "Seed",
        0,
        10**6,
        value=0,
        step=1,
        key=_key(ns, "gen:seed"),
        disabled=kind not in ("random", "memory"),
    )
    c4.number_input(
        "Period",
        2.0,
        64.0,
        value=8.0,
        step=1.0,
        key=_key(ns, "gen:period"),
        disabled=kind != "sine",
    )
    c5.number_input(
        "Step at t",
        0,
        MAX_STEPS - 1,
        value=4,
        step=1,
        key=_key(ns, "gen:at"),
        disabled=kind != "step",
    )
    if kind == "memory" and m != 2:
        st.caption(f"The memory task has 2 inputs [value, marker]; fitted to m={m}.")
    st.button(
        "Generate (replaces the table)",
        key=_key(ns, "gen:go"),
        on_click=_on_generate,
        args=(ns, m),
        type="primary",
        width="stretch",
    )


# -- the tables ------------------------------------------------------------------------
def _text_frame(a: Array, columns: list[str], index: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        [[format_number(v) for v in row] for row in a], columns=columns, index=index
    )


def sequence_table(ns: str, data: SeqData, m: int) -> SeqData:
    """The editable (T × m) table; a bad cell shows an error and keeps the last valid xs."""
    cols = [f"x[{j}]" for j in range(m)]
    edited = st.data_editor(
        _text_frame(data.base_xs, cols),
        key=_key(ns, f"xs:{data.rev}"),
        num_rows="dynamic",
        width="stretch",
        height=min(35 * (len(data.base_xs) + 1) + 3, 318),
        column_config={c: st.column_config.TextColumn(c) for c in cols},
    )
    rows = edited.to_numpy(dtype=object).tolist()
    if len(rows) > MAX_STEPS:
        st.warning(
            f"The table has {len(rows)} rows; only the first {MAX_STEPS} steps are used.",
            icon=":material/content_cut:",
        )
        rows = rows[:MAX_STEPS]
    try:
        xs = parse_table(rows, cols, max_abs=max_abs(state.dtype()))
    except ValueError as err:
        T = len(data.xs)
        st.error(
            f"{str(err)[:1].upper()}{str(err)[1:]}. Still using the last valid sequence "
            f"({T} step{'s' if T != 1 else ''}).",
            icon=":material/warning:",
        )
        return data
    if xs.shape != data.xs.shape or not np.array_equal(xs, data.xs):
        data = replace(data, xs=xs, note=None)
        _store(ns, data)
    return data


def init_table(ns: str, data: SeqData, n: int) -> SeqData:
    """h0 and C0 as a 2 × n table of text cells."""
    cols = [f"[{k}]" for k in range(n)]
    names = ["h₀", "C₀"]
    edited = st.data_editor(
        _text_frame(data.base_init, cols, names),
        key=_key(ns, f"init:{data.rev}"),
        width="stretch",
        column_config={c: st.column_config.TextColumn(c) for c in cols},
    )
    try:
        init = parse_table(
            edited.to_numpy(dtype=object).tolist(),
            cols,
            names,
            max_rows=2,
            max_abs=max_abs(state.dtype()),
        )
    except ValueError as err:
        st.error(
            f"{str(err)[:1].upper()}{str(err)[1:]}. Still using the last valid h₀ and C₀.",
            icon=":material/warning:",
        )
        return data
    if not (np.array_equal(init[0], data.h0) and np.array_equal(init[1], data.c0)):
        data = replace(data, h0=init[0], c0=init[1])
        _store(ns, data)
    return data


def editor(
    ns: str,
    m: int,
    n: int,
    default: Callable[[], Array],
    kinds: Sequence[str] = GENERATORS,
    default_kind: str = "sine",
    with_init: bool = True,
    init: Array | None = None,
) -> SeqData:
    """Generators on the left, the sequence (and h0, C0) on the right; returns the last
    valid sequence after this run's edits."""
    data = current(ns, m, n, default, init)
    if data.note:
        st.info(data.note, icon=":material/info:")
        data = replace(data, note=None)
        _store(ns, data)
    left, right = st.columns([2, 3], gap="medium")
    with left:
        generator_controls(ns, m, kinds, default_kind, len(data.xs))
    with right:
        st.markdown(
            f"**Inputs $x_t$**, one row per step from t = 0 at the top (T = {len(data.xs)}, "
            f"m = {m}). Type numbers "
            f"like 0.5, -1/4 or 1e-3; add or delete rows at the bottom ({MIN_STEPS} to "
            f"{MAX_STEPS} rows)."
        )
        data = sequence_table(ns, data, m)
        if with_init:
            st.markdown(f"**Initial states** $h_0$ and $C_0$ (n = {n} each)")
            data = init_table(ns, data, n)
    return data


# -- time ----------------------------------------------------------------------------
# The selected step lives in ``{ns}:t`` (not a widget key). The scrubber ``{ns}:scrub`` is
# drawn only while paused: a slider whose value the server moves on every tick would race
# with the value the browser sends back, and a stale one would look like a user's drag.
def pause(ns: str) -> None:
    st.session_state[_key(ns, "play")] = None


def play(ns: str, T: int) -> None:
    """Play (from the start if at the end); a no-op while already playing."""
    ss = st.session_state
    if ss.get(_key(ns, "play")) is None:
        if int(ss.get(_key(ns, "t"), 0)) >= T - 1:
            ss[_key(ns, "t")] = 0
        ss[_key(ns, "play")] = clock()


def _nudge(ns: str, t: int) -> None:
    st.session_state[_key(ns, "t")] = t
    pause(ns)


def on_scrub(ns: str) -> None:
    if playing(ns):  # not drawn while playing: a value now is the browser's stale one
        return
    st.session_state[_key(ns, "t")] = int(st.session_state[_key(ns, "scrub")])
    pause(ns)


def _tick(ns: str, T: int) -> bool:
    """While playing, move one step on once PLAY_INTERVAL has passed; True at the end."""
    ss = st.session_state
    last = ss.get(_key(ns, "play"))
    if last is None:
        return False
    now = clock()
    if now - last >= 0.5 * PLAY_INTERVAL:
        ss[_key(ns, "t")] = min(int(ss.get(_key(ns, "t"), 0)) + 1, T - 1)
        ss[_key(ns, "play")] = now
        ss[_key(ns, "pace")] = now - last  # the real time per step, shown while playing
    if ss[_key(ns, "t")] >= T - 1:
        ss[_key(ns, "play")] = None
        return True
    return False


def playing(ns: str) -> bool:
    return st.session_state.get(_key(ns, "play")) is not None


def selected(ns: str) -> int:
    """The selected step t of the page ``ns`` (0 before the page has drawn its timeline)."""
    return int(st.session_state.get(_key(ns, "t"), 0))


def timeline(ns: str, T: int, body: Callable[[int], None]) -> None:
    """Play/Pause, then a fragment with the scrubber and ``body(t)`` for the selected t.

    While playing, the fragment reruns itself every PLAY_INTERVAL seconds and moves t on
    (a progress bar stands in for the scrubber); at the last step it stops and reruns the
    whole page, so the button reads Play again.
    """
    ss = st.session_state
    tkey = _key(ns, "t")
    ss[tkey] = int(np.clip(ss.get(tkey, 0), 0, T - 1))
    is_playing = playing(ns)
    c1, c2 = st.columns([1, 5], vertical_alignment="center")
    # Two buttons with their own keys, never one whose callback flips: Streamlit can deliver
    # a click twice when a fragment run handles it and then reruns the app, and the second
    # delivery must not undo the first (Pause, then Play again by itself).
    if is_playing:
        c1.button(
            "Pause",
            icon=":material/pause:",
            key=_key(ns, "pause"),
            on_click=pause,
            args=(ns,),
            width="stretch",
        )
    else:
        c1.button(
            "Play",
            icon=":material/play_arrow:",
            key=_key(ns, "play_button"),
            on_click=play,
            args=(ns, T),
            width="stretch",
            help=f"Step through the sequence: one step per redraw, at most one every "
            f"{PLAY_INTERVAL:g} s. A busy server draws more slowly; the bar shows the real pace.",
        )
    c2.caption(
        "Drag the slider, use Prev and Next or the keys N and P to pick a step; every view "
        "below shows that step. "
        f"Play moves on one step at a time, at most one every {PLAY_INTERVAL:g} s (slower when "
        "the server is busy), and stops at the end."
    )

    @st.fragment(run_every=PLAY_INTERVAL if is_playing else None)
    def frame() -> None:
        if is_playing and not playing(ns):  # paused from inside the fragment
            st.rerun(scope="app")
        ended = _tick(ns, T) if is_playing else False
        t = int(ss[tkey])
        middle = keys.step_buttons(
            ns, t, T, functools.partial(_nudge, ns), noun="time step", middle_width="stretch"
        )
        label = f"Time step t (0 to {T - 1})"
        if is_playing:
            pace = ss.get(_key(ns, "pace"))
            shown = f", {pace:.1f} s per step" if pace else ""
            middle.progress(t / max(T - 1, 1), text=f"{label}: t = {t}, playing{shown}")
        elif T > 1:
            ss[_key(ns, "scrub")] = t
            classroom.control(  # hidden with the editors: the keys and Prev/Next still step
                middle.slider, label, t, key=_key(ns, "scrub"), min_value=0, max_value=T - 1,
                on_change=on_scrub, args=(ns,),
            )  # fmt: skip
        else:
            middle.markdown("Time step t = 0 (the sequence has one step)")
        body(t)
        if ended:
            st.rerun(scope="app")

    frame()
