"""The app's frame: page config, shared state, navigation and the URL, around every page.

The page files live in ``views/``, not ``pages/``: next to an entry script, a folder
called ``pages/`` makes Streamlit (and AppTest) run ``pages/<name>.py`` on its own,
without this frame, on a fresh server's first deep link and on AppTest reruns
(``tests/test_app_cell.py`` shows both folders).
"""

from __future__ import annotations

import streamlit as st

from . import history, state, style, widgets

# (file, title, icon); sections in the order a class would meet them. A page's URL path
# is its file name without ".py" ("/shapes"); the default page is "/".
SECTIONS = {
    "Learn": [
        ("views/lesson.py", "Lesson", ":material/school:"),
    ],
    "Explore": [
        ("views/cell_step.py", "Cell step", "🔬"),
        ("views/shapes.py", "Shapes & dimensions", "📐"),
        ("views/saturation.py", "Saturation & derivatives", "📈"),
        ("views/variants.py", "Variants", ":material/compare_arrows:"),
    ],
    "Practise": [
        ("views/check.py", "Check my calculation", "✅"),
        ("views/misconceptions.py", "Misconceptions", "💡"),
    ],
    "Through time": [
        ("views/sequence.py", "Sequence", "🎞️"),
        ("views/gradient_flow.py", "Gradient flow", "🌊"),
        ("views/trained.py", "Trained example", "🎓"),
    ],
}
DEFAULT_PAGE = "views/cell_step.py"


def run_app() -> None:
    """Everything app.py does: config, state from the URL, navigation, the page, the URL."""
    st.set_page_config(page_title="LSTM, step by step", page_icon="🧮", layout="wide")
    style.apply()
    history.replace_query_changes()
    state.begin_run()
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
