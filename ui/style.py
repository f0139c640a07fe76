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
</style>
"""


def apply() -> None:
    st.html(_CSS)
