"""Entry point: `streamlit run app.py`. Loads the shared model, then runs the chosen page."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import state, style, widgets

st.set_page_config(page_title="LSTM, step by step", page_icon="🧮", layout="wide")

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
HERE = Path(__file__).parent
PAGES = {
    section: [
        st.Page(f, title=title, icon=icon, default=f == "pages/cell_step.py")
        for f, title, icon in entries
        if (HERE / f).exists()
    ]
    for section, entries in SECTIONS.items()
}


def main() -> None:
    style.apply()
    state.init()
    for note in state.take_notices():
        st.warning(note, icon="⚠️")
    nav = st.navigation(PAGES)
    widgets.sidebar()
    nav.run()
    state.write_url()


main()
