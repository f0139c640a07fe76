"""Cell step: edit every number of one LSTM step and watch every intermediate."""

from __future__ import annotations

from html import escape

import numpy as np
import streamlit as st

from lstm_core import GATE_BY_KEY, GATES, LSTMParams, Step
from lstm_core.activations import DEFAULT_SATURATION_FRACTION
from ui import classroom, fig_step, files, quiz, show, state, stepview, tables, widgets
from ui.view import EDIT_PANELS, SHOW_PANELS, View

QUIZ = "cell"  # the key of this page's quiz (ui/quiz.py)
BIAS_REACH = 10  # σ(±10) is within 5e-5 of 0 or 1
CHANGES_HEIGHT = 260  # px: the "What changed" list scrolls inside this box
GRID_SPAN = 740  # px for a W grid's columns (without its row labels) at 1280 px


def bias_span(p: LSTMParams, key: str, r: int) -> float:
    """± range of b_key[r]'s slider: wide enough to move z = W·v + b to ±BIAS_REACH, so
    the gate can be pushed to either end even when W·v is large (z_f = 92 on seed-question)."""
    wv = float(p.W(key)[r] @ p.concat(state.model().x, state.model().h_prev))
    return max(widgets.SLIDER_SPAN, float(np.ceil(abs(wv))) + BIAS_REACH)


def editors(p: LSTMParams, group: str) -> None:
    focus = GATE_BY_KEY[state.view().focus]
    n, m = p.n_hidden, p.n_input
    if group == "x":
        widgets.slider_row(
            [("x", (k,), f"xₜ[{k}]", f"$x_t$: the input, m = {m} entries") for k in range(m)]
        )
    elif group == "states":
        widgets.slider_row(
            [
                ("h_prev", (k,), f"hₜ₋₁[{k}]", f"$h_{{t-1}}$: previous hidden state, n = {n}")
                for k in range(n)
            ]
            + [
                (
                    "c_prev",
                    (k,),
                    f"Cₜ₋₁[{k}]",
                    f"$C_{{t-1}}$: previous cell state, n = {n}, like $h$",
                )
                for k in range(n)
            ]
        )
    elif group == "biases":
        widgets.slider_row(
            [
                (g.b, (k,), f"$b_{g.key}[{k}]$", f"{g.name} bias, n = {n} entries")
                for g in GATES
                for k in range(n)
            ],
            [bias_span(p, g.key, k) for g in GATES for k in range(n)],
        )
    elif group == "exact":
        st.caption(
            "Type numbers as you would write them: 0.5, -1/4, 1e-3. Long numbers are shown "
            f"to {widgets.GRID_DIGITS} digits; the model and the link keep every digit."
        )
        labels = p.concat_labels()
        units = [f"unit {r}" for r in range(n)]
        # full width, and narrow enough columns that every column of v shows at 1280 px
        width = int(np.clip(GRID_SPAN // (n + m), 46, 75))
        if width < 60:  # "h3" instead of "h[3]": the header keeps room for its edit icon
            labels = [lab.replace("[", "").replace("]", "") for lab in labels]
        for g in GATES:
            st.markdown(f"**{tables.math_html(g.W)}** ({n} × {n + m})", unsafe_allow_html=True)
            widgets.grid(g.W, units, labels, width)
        for g in GATES:
            widgets.grid(g.b, [g.b], [f"[{k}]" for k in range(n)])
        widgets.grid("x", ["x_t"], [f"[{k}]" for k in range(m)])
        widgets.grid("h_prev", ["h_t-1"], [f"[{k}]" for k in range(n)])
        widgets.grid("c_prev", ["C_t-1"], [f"[{k}]" for k in range(n)])
    else:  # the focus gate's W
        labels = p.concat_labels()
        widgets.slider_row(
            [
                (
                    focus.W,
                    (r, j),
                    f"$W_{focus.key}[{r},{j}]\\cdot {lab}$",
                    f"row {r} (unit {r}), column {j}",
                )
                for r in range(n)
                for j, lab in enumerate(labels)
            ]
        )


def render() -> None:
    with st.container(horizontal=True, vertical_alignment="center"):
        st.title("One LSTM step, taken apart", width="content")
        if not classroom.present():  # the first call to action: the guided lesson
            st.page_link(
                "views/lesson.py",
                label="New here? Start the guided lesson",
                icon=":material/school:",
                width="content",
            )
    stepview.stage_controls(state.view().stage, stepview.set_stage, key="ctl:stage")
    _body()
    if not classroom.hidden("files"):
        files.section("cell")


def _panel_controls() -> None:
    """The Edit and Show-below pickers (each left out when the link hides its panels)."""
    focus = GATE_BY_KEY[state.view().focus]
    edit_labels = dict(zip(EDIT_PANELS, ["$x_t$", "States", "Biases", f"${focus.W}$",
                                         "Exact entry"], strict=True))  # fmt: skip
    show_labels = dict(zip(SHOW_PANELS, ["Numbers", "Hadamard table", "Saturation"], strict=True))
    v, ss = state.view(), st.session_state
    for key, value in (("ctl:editgroup", v.edit), ("ctl:view", v.show)):
        if ss.get(key) != value:  # the panels are part of the view, and of the link
            ss[key] = value
    pickers = (  # (label, options, key, View field, option labels, part that hides it)
        ("Edit", EDIT_PANELS, "ctl:editgroup", "edit", edit_labels, "editors"),
        ("Show below", SHOW_PANELS, "ctl:view", "show", show_labels, "numbers"),
    )
    with st.container(horizontal=True, gap="large"):
        for label, options, key, field, labels, part in pickers:
            if not classroom.hidden(part):
                st.segmented_control(
                    label,
                    options,
                    key=key,
                    format_func=labels.__getitem__,
                    on_change=lambda k=key, f=field: state.set_view(
                        **{f: ss[k] or getattr(View(), f)}
                    ),
                )


def _question() -> None:
    quiz.predict_and_reveal(state.current_step(), state.view().stage, QUIZ)


def _story(s: Step, p: LSTMParams, prev: Step, asking: bool) -> None:
    """The stage's title, equation and text (after the quiz's question if ``asking``),
    then what the last edit changed (collapsed, in a box of fixed height, so the first
    edit does not push the page down)."""
    if asking:
        _question()
    # our own text and numbers (no user text reaches it)
    st.markdown(stepview.explanation_md(s, p, state.view().stage), unsafe_allow_html=True)
    if not classroom.hidden("changes"):
        changes = show.expander(
            "What changed with the last edit", "ctl:changes", icon=":material/difference:"
        )
        if changes.open:
            with changes, st.container(height=CHANGES_HEIGHT, border=False):
                st.markdown(stepview.changes_md(s, prev), unsafe_allow_html=True)


# A fragment: an edit made inside it reruns only this body, not the sidebar, the
# navigation and the controls above (which change only on a full rerun). Each
# element costs about a millisecond per rerun, so the body holds as few as it can.
# The URL is rewritten here because a fragment rerun ends here.
@st.fragment
def _body() -> None:
    """The diagram and the stage's story on one screen, then the panel pickers, the
    editors and the Show-below panel (each left out when the link hides it)."""
    p, v = state.model().params, state.view()
    # with the quiz on, this stage's values (and later ones) are not in the page until Reveal
    held_back = quiz.hidden(v.stage, QUIZ)
    s = quiz.masked(state.current_step(), held_back)
    prev = quiz.masked(state.previous_step(), held_back)
    group = None if classroom.hidden("editors") else v.edit
    side_by_side = classroom.present() or group is None  # both on one 1280×720 screen
    if side_by_side:
        # on a projector the question goes under the diagram, so that the equation it asks
        # about stays on the first screen beside the diagram, whatever the size
        under = v.quiz and classroom.present()
        stepview.beside(
            s,
            v.stage,
            "diagram",
            lambda: _story(s, p, prev, asking=v.quiz and not under),
            under=_question if under else None,
        )
    else:
        stepview.diagram(s, v.stage, key="diagram")
    _panel_controls()
    if side_by_side:
        if group is not None:
            editors(p, group)
    elif group == "exact":  # the grids need the whole width: below the story
        _story(s, p, prev, asking=v.quiz)
        editors(p, group)
    elif group is not None:
        left, right = st.columns([5, 7], gap="medium")
        with left:
            editors(p, group)
        with right:
            _story(s, p, prev, asking=v.quiz)
    if not classroom.hidden("numbers"):
        _below(p, s, v.show, held_back)
    state.write_url()


def _below(p: LSTMParams, s: Step, views: str, held_back: frozenset[str]) -> None:
    """The Show-below panel: numbers, the Hadamard table or the saturation plots
    (``held_back``: the quiz's fields not revealed yet)."""
    focus = GATE_BY_KEY[state.view().focus]
    n, m = p.n_hidden, p.n_input
    if views == "numbers":
        # our own HTML (st.html: no markdown parsing, no KaTeX render in the browser):
        # v, the focus gate's W, then each unit's row of W times v
        heading = (
            f"<b>{escape(focus.name.capitalize())}, row by row</b>: each row of weights times "
            f"v, then + b, then {escape(focus.activation.symbol)}"
        )
        rows = (
            ""
            if classroom.hidden("equations")
            else f'<div style="margin-top:18px">{heading}</div>{tables.row_table(p, s, focus)}'
        )
        st.html(
            tables.side_by_side(
                f"<b>v</b>: {n + m} entries{tables.concat_table(p, s.concat)}",
                f"<b>{tables.math_html(focus.W)}</b>: {n} × {n + m}"
                + tables.block_table(p, focus.key),
            )
            + rows
        )
        note = stepview.precision_md(s, focus, state.view().dtype)
        if rows and note:
            st.markdown(f"> :material/search: {note}")
    elif views == "hadamard" and held_back:  # it shows every value of the step
        st.info(
            "The Hadamard table appears once the last stage is revealed.", icon=":material/quiz:"
        )
    elif views == "hadamard":
        stepview.hadamard(s, key="hadamard")
    elif views == "saturation":
        thr = classroom.control(
            st.slider,
            "Saturated when the slope is below this fraction of its maximum",
            DEFAULT_SATURATION_FRACTION,
            key="ctl:threshold",
            min_value=0.001,
            max_value=0.5,
            value=DEFAULT_SATURATION_FRACTION,
            step=0.001,
            format="%.3f",
        )
        cols = st.columns(2)
        for k, g in enumerate(g for g in GATES if g.z not in held_back):
            with cols[k % 2]:
                fig = fig_step.saturation_figure(g, s.z(g.key), thr, state.view().dtype)
                show.chart(fig, f"sat-{g.key}")
        if any(g.z in held_back for g in GATES):
            st.caption("Gates of this stage and later ones appear once their stage is revealed.")
        st.caption(
            "Grey: saturated tails, where the slope is below the chosen fraction of its peak "
            "(σ′ peaks at 0.25, tanh′ at 1). Dashed line: where σ rounds to exactly 1.0 in the "
            "chosen precision. Triangles: units off the axis, pinned to the edge."
        )


render()
