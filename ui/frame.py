"""The app's frame: page config, shared state, navigation and the URL, around every page.

The page files live in ``views/``, not ``pages/``: next to an entry script, a folder
called ``pages/`` makes Streamlit (and AppTest) run ``pages/<name>.py`` on its own,
without this frame, on a fresh server's first deep link and on AppTest reruns
(``tests/test_app_cell.py`` shows both folders).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import streamlit as st

from . import classroom, history, state, style, widgets

# (file, title, icon); sections in the order a class would meet them. A page's URL path
# is its file name without ".py" ("/shapes"); the default page is "/".
SECTIONS = {
    "Learn": [
        ("views/lesson.py", "Lesson", ":material/school:"),
    ],
    "Explore": [
        ("views/cell_step.py", "Cell step", ":material/biotech:"),
        ("views/shapes.py", "Shapes & dimensions", ":material/straighten:"),
        ("views/saturation.py", "Saturation & derivatives", ":material/show_chart:"),
        ("views/variants.py", "Variants", ":material/compare_arrows:"),
    ],
    "Practise": [
        ("views/check.py", "Check my calculation", ":material/task_alt:"),
        ("views/misconceptions.py", "Misconceptions", ":material/lightbulb:"),
    ],
    "Through time": [
        ("views/sequence.py", "Sequence", ":material/movie:"),
        ("views/gradient_flow.py", "Gradient flow", ":material/waves:"),
        ("views/trained.py", "Trained example", ":material/model_training:"),
    ],
}
DEFAULT_PAGE = "views/cell_step.py"
FAVICON = Path(__file__).with_name("favicon.png")


def fragment(body: Callable[..., None]) -> Callable[..., None]:
    """``st.fragment`` for the part of a page its controls change: a move reruns only
    ``body``, not the sidebar, the navigation and the rest of the page. A fragment rerun
    ends with ``body``, so the URL is rewritten there, as ``run_app`` does after a page."""

    @wraps(body)
    def run(*args: Any, **kwargs: Any) -> None:
        body(*args, **kwargs)
        state.write_url()

    return st.fragment(run)


def run_app() -> None:
    """Everything app.py does: config, state from the URL, navigation, the page, the URL."""
    state.begin_run()
    st.set_page_config(
        page_title="LSTM, step by step",
        # a file, not a :material/ icon: the browser would fetch that favicon from Google
        page_icon=str(FAVICON),
        layout="wide",
        initial_sidebar_state=classroom.sidebar_state(),  # type: ignore[arg-type]
    )
    style.apply(classroom.present())
    history.replace_query_changes()
    for note in state.take_notices():
        st.warning(note, icon=":material/warning:")
    pages = {
        section: [st.Page(f, title=t, icon=i, default=f == DEFAULT_PAGE) for f, t, i in items]
        for section, items in SECTIONS.items()
    }
    nav = st.navigation(pages, position=classroom.nav_position())  # type: ignore[arg-type]
    if not classroom.hidden("sidebar"):
        widgets.sidebar()
    classroom.way_out()
    nav.run()
    state.write_url()
