"""Entry point: `streamlit run app.py`. The frame (state, navigation, URL) is in ui/frame.py."""

from ui import frame

frame.run_app()
