"""Streamlit-side helpers: shared state, editors, plots. No math lives here."""
