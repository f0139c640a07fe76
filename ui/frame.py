"""The app's frame: page config, shared state, navigation and the URL, around every page.

A folder called ``pages/`` next to the entry script makes a freshly started
Streamlit (and AppTest) run ``pages/<name>.py`` on its own, without the entry
script, until ``st.navigation`` has been called once. Every page therefore calls
:func:`ensure` first: outside the frame it runs the whole app instead, which
shows the same page inside the frame, and then stops the bare run.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from . import state, style, widgets

# (file, title, icon); sections in the order a class would meet them
SECTIONS = {
    "Explore": [
        ("pages/cell_step.py", "Cell step", "🔬"),
        ("pages/shapes.py", "Shapes & dimensions", "📐"),
        ("pages/saturation.py", "Saturation & derivatives", "📈"),
    ],
    "Practise": [
        ("pages/check.py", "Check my calculation", "✅"),
        ("pages/misconceptions.py", "Misconceptions", "💡"),
    ],
    "Through time": [
        ("pages/sequence.py", "Sequence", "🎞️"),
        ("pages/gradient_flow.py", "Gradient flow", "🌊"),
        ("pages/trained.py", "Trained example", "🎓"),
    ],
}
DEFAULT_PAGE = "pages/cell_step.py"

# Each session's script runs in its own thread, so "inside the frame" is per thread.
_local = threading.local()


@contextmanager
def _entered() -> Iterator[None]:
    _local.active = True
    try:
        yield
    finally:
        _local.active = False


def run_app() -> None:
    """Everything app.py does: config, state from the URL, navigation, the page, the URL."""
    with _entered():
        st.set_page_config(page_title="LSTM, step by step", page_icon="🧮", layout="wide")
        style.apply()
        state.init()
        for note in state.take_notices():
            st.warning(note, icon="⚠️")
        pages = {
            section: [st.Page(f, title=t, icon=i, default=f == DEFAULT_PAGE) for f, t, i in items]
            for section, items in SECTIONS.items()
        }
        nav = st.navigation(pages)
        widgets.sidebar()
        nav.run()
        state.write_url()


def ensure() -> None:
    """Call first in every page: run the page inside the app's frame, never bare."""
    if getattr(_local, "active", False):
        return
    run_app()
    st.stop()
