"""Classroom mode (issue 11): presentation layout and the parts a teacher's link hides.

The link says it: ``?present=1`` (larger text, sidebar collapsed) and
``?hide=sidebar,editors`` (parts not drawn, ``view.HIDE_PARTS``). Both are part of the
shared view, so they survive edits and page switches and are written back into the URL.

A page asks two questions and draws accordingly::

    if not classroom.hidden("editors"):
        editors(...)
    if classroom.present(): ...

The frame (``ui/frame.py``) does the rest for every page: the page config, the CSS,
the navigation's place, the sidebar switch and the in-page way out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from . import state
from .view import HIDE_PARTS, hide_parts

# what each part is, for the README and the sidebar's help
PART_TEXT = {
    "sidebar": "the sidebar (model controls and presets); the pages move to a top bar",
    "nav": "the list of pages",
    "editors": "every control in a page that edits the model or the page's numbers (sliders, "
    "grids, pickers; the Sequence scrubber too: the keys still step time); each shows its "
    "value instead. The sidebar's controls go with `sidebar`",
    "diagram": "the cell diagram",
    "equations": "every equation with numbers",
    "numbers": "the tables and row-by-row expansions under the diagram",
    "changes": "the 'What changed' list",
    "files": "the Files section (uploads, downloads, handout)",
}
assert set(PART_TEXT) == set(HIDE_PARTS)


def present() -> bool:
    """Presentation mode: larger text, sidebar collapsed, one screen per stage."""
    return state.view().present


def hidden(part: str) -> bool:
    """Whether the link hides ``part`` (one of ``view.HIDE_PARTS``)."""
    if part not in HIDE_PARTS:
        raise ValueError(f"unknown part {part!r}; one of {', '.join(HIDE_PARTS)}")
    return part in state.view().hide


def control(draw: Callable[..., Any], label: str, default: Any, *, key: str, **kwargs: Any) -> Any:
    """An editor of the model or of a page's numbers: ``draw(label, key=key, **kwargs)``
    (``st.slider``, ``column.number_input``, …), or, when the link hides editors, a
    read-only line "label: **value**" in the same place. Returns the value either way:
    the widget's current one, else ``default``."""
    if not hidden("editors"):
        return draw(label, key=key, **kwargs)
    value = st.session_state.get(key, default)
    shown = kwargs.get("format_func", str)(value)
    where = getattr(draw, "__self__", st)  # the column or container the widget would be in
    where.markdown(f"{label}: **{shown}**")  # our own label; the value is a number or option
    return value


def set_present(on: bool) -> None:
    state.set_view(present=on)


def show_all() -> None:
    state.set_view(hide=())


def hide(*parts: str) -> None:
    """Hide ``parts`` as well (unknown names are ignored)."""
    state.set_view(hide=hide_parts((*state.view().hide, *parts)))


def sidebar_state() -> str:
    return "collapsed" if present() or hidden("sidebar") else "auto"


def nav_position() -> str:
    if hidden("nav"):
        return "hidden"
    return "top" if hidden("sidebar") else "sidebar"


def _sync(key: str, value: bool) -> None:
    if st.session_state.get(key) != value:
        st.session_state[key] = value


def sidebar_switch() -> None:
    """The presentation switch, for the sidebar."""
    _sync("ctl:present", present())
    st.toggle(
        ":material/slideshow: Presentation mode",
        key="ctl:present",
        on_change=lambda: set_present(bool(st.session_state["ctl:present"])),
        help="Larger text for a projector, the sidebar collapsed. In the link: present=1. "
        "A link can also hide parts: hide=" + ",".join(HIDE_PARTS) + ".",
    )


def way_out() -> None:
    """A small in-page row to leave presentation mode or show hidden parts again,
    since the sidebar that holds the switch may be collapsed or hidden."""
    if not (present() or state.view().hide):
        return
    # pinned to the top bar by style.py (.st-key-classroom-way-out): no room taken
    row = st.container(key="classroom-way-out", horizontal=True, gap="small")
    if present():
        row.button(
            "Exit presentation",
            icon=":material/close_fullscreen:",
            type="tertiary",
            key="cls:exit",
            on_click=set_present,
            args=(False,),
        )
    if state.view().hide:
        row.button(
            "Show hidden parts",
            icon=":material/visibility:",
            type="tertiary",
            key="cls:show",
            on_click=show_all,
            help="Hidden by this link: " + ", ".join(state.view().hide),
        )
