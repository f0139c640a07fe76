"""Page-wide CSS for a classroom projector: less empty space at the top, larger text.

Static text only: nothing a user types or puts in a URL ever reaches it.
"""

import streamlit as st

_CSS = """
<style>
.block-container {padding-top: 3.8rem; padding-bottom: 2rem;}
h1 {font-size: 2.0rem !important; padding-bottom: 0.2rem;}
.katex {font-size: 1.12em;}
[data-testid="stMarkdownContainer"] p {font-size: 1.02rem;}
/* wide equations scroll inside their own box (m = n = 8, 150% zoom), never past the page */
.katex-display {overflow-x: auto; overflow-y: hidden; max-width: 100%; padding: 2px 0;}
/* the cell diagram keeps its proportions but never takes more than a third of the screen's
   height, so the stage's equation below it stays on screen (1280×720, 1920×1080) */
.cell-diagram svg {max-height: 34vh;}
/* classroom.way_out: "Exit presentation" / "Show hidden parts" in the top bar */
.st-key-classroom-way-out {position: fixed; top: 0.55rem; right: 3.5rem; z-index: 999991;
  width: auto !important; background: white;}
/* at least 14 px for labels and values */
[data-testid="stWidgetLabel"] p {font-size: 0.95rem;}
[data-testid="stSliderThumbValue"], [data-testid="stSliderTickBarMin"],
[data-testid="stSliderTickBarMax"] {font-size: 0.9rem;}
</style>
"""


# presentation mode (?present=1): text and numbers about 1.35× larger for a projector
_PRESENT_CSS = """
<style>
[data-testid="stMainBlockContainer"] {padding-top: 2.2rem;}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li {font-size: 1.35rem;}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] h4 {font-size: 1.6rem;}
[data-testid="stMain"] [data-testid="stCaptionContainer"] p {font-size: 1.15rem;}
[data-testid="stMain"] .katex-display > .katex {font-size: 1.5em;}
[data-testid="stMain"] table th, [data-testid="stMain"] table td {font-size: 1.3rem !important;}
.cell-diagram svg {max-height: 60vh;}
[data-testid="stMain"] [data-testid="stWidgetLabel"] p {font-size: 1.25rem;}
[data-testid="stMain"] [data-testid="stSliderThumbValue"],
[data-testid="stMain"] [data-testid="stSliderTickBar"] {font-size: 1.2rem;}
[data-testid="stMain"] button p {font-size: 1.3rem;}
h1 {font-size: 2.3rem !important;}
</style>
"""


def apply(present: bool = False) -> None:
    st.html(_CSS + (_PRESENT_CSS if present else ""))
