"""Prev / Next buttons that a keyboard or a presentation clicker can press.

One bar per page takes the keys (``keys=True``): N or → or PageDown press its Next,
P or ← or PageUp its Prev. N and P are Streamlit's own button shortcuts (they do nothing
while a text field has focus). Streamlit takes one shortcut per button and would fire an
arrow key even while a slider has focus, so the arrows and PageUp/PageDown go through the
small script below: arrows step only when nothing that takes arrows (a slider, a radio,
a field, a table) has focus; PageUp/PageDown (what clickers send) step unless a text
field has focus. Static text only: nothing a user types reaches the script.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

BAR_KEY = "stepkeys"  # the container the script looks for; one per page
NEXT_KEYS, PREV_KEYS = ("N", "→", "PageDown"), ("P", "←", "PageUp")

_SCRIPT = """
<script>
(() => {
  if (window.__stepKeys) return;
  window.__stepKeys = true;
  const STEP = {ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1};
  const TYPING = 'input:not([type="radio"]):not([type="checkbox"]), textarea, select, '
    + '[contenteditable="true"], [contenteditable=""]';
  const TAKES_ARROWS = TYPING + ', input, [role="slider"], [role="radio"], [role="radiogroup"], '
    + '[role="tab"], [role="listbox"], [role="option"], [role="combobox"], '
    + '[role="spinbutton"], [role="grid"], [role="menu"], [role="menuitem"], '
    + '[data-testid="stDataFrame"], [data-testid="stDataFrameResizable"]';
  document.addEventListener("keydown", (e) => {
    const dir = STEP[e.key];
    if (!dir || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const bar = document.querySelector(".st-key-stepkeys");
    if (!bar) return;
    const focus = document.activeElement;
    const busy = e.key.startsWith("Arrow") ? TAKES_ARROWS : TYPING;
    if (focus && focus !== document.body && focus.closest(busy)) return;
    e.preventDefault();
    const buttons = bar.querySelectorAll('[data-testid="stButton"] button');
    const b = dir > 0 ? buttons[buttons.length - 1] : buttons[0];
    if (b && !b.disabled) b.click();
  }, true);
})();
</script>
"""


def step_buttons(
    key: str,
    at: int,
    count: int,
    on_step: Callable[[int], None],
    *,
    noun: str = "stage",
    keys: bool = True,
    middle_width: str = "content",
) -> DeltaGenerator:
    """◀ Prev, a middle slot, Next ▶ (and, with ``keys``, a Keys help) in one row.

    ``at`` is the position shown (0 … count − 1); a press calls ``on_step(at ± 1)``, which
    stores the new position wherever the page keeps it. Returns the middle slot, for what
    the page shows between the buttons (a stage picker, a slider, "Step k of N").
    Widget keys: ``{key}:prev``, ``{key}:next``, ``{key}:keys``. With ``keys`` (one bar
    per page) the bar also answers N/P, ←/→ and PageUp/PageDown.
    """
    if keys:
        st.html(_SCRIPT, unsafe_allow_javascript=True)
    row = st.container(
        key=BAR_KEY if keys else None,
        horizontal=True,
        vertical_alignment="center",
        gap="small",
    )
    row.button(
        "Prev",
        key=f"{key}:prev",
        icon=":material/arrow_back:",
        on_click=on_step,
        args=(max(at - 1, 0),),
        disabled=at <= 0,
        shortcut="P" if keys else None,
        help=f"previous {noun}",
    )
    middle = row.container(width=middle_width)  # type: ignore[arg-type]
    row.button(
        "Next",
        key=f"{key}:next",
        icon=":material/arrow_forward:",
        icon_position="right",
        on_click=on_step,
        args=(min(at + 1, count - 1),),
        disabled=at >= count - 1,
        shortcut="N" if keys else None,
        help=f"next {noun}",
    )
    if keys:
        # an icon only: with a word the bar wraps at 1280 px beside the six stages
        with row.popover(":material/keyboard:", key=f"{key}:keys", help="Keys and clicker"):
            st.markdown(help_md(noun))
    return middle


def help_md(noun: str) -> str:
    """The Keys help: which keys step, and when the arrows are left to a slider."""
    return (
        f"| Key | Moves to |\n|---|---|\n"
        f"| {' or '.join(NEXT_KEYS)} | the next {noun} |\n"
        f"| {' or '.join(PREV_KEYS)} | the previous {noun} |\n\n"
        "A presentation clicker sends PageDown and PageUp. While a slider or a field has "
        "focus, ← and → move the slider or the cursor instead: click an empty part of the "
        "page first."
    )
