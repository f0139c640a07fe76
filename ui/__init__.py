"""The Streamlit side: shared state, editors, figures, tables and text built from
``lstm_core``'s results.

Bottom (no Streamlit, no figures): ``colours``, ``fmt``, ``stages``, the link's
``linktext``, ``view`` and ``codec``, then the string builders ``latex``, ``tables``,
``diagram`` and ``diagram_gru``. Figures (Plotly): ``fig_base`` and one module per topic,
``fig_step``, ``fig_time``, ``fig_shapes``, ``fig_slopes``. Streamlit: ``state``,
``widgets``, ``show``, ``stepview``, ``sequence``, ``teach``, ``style`` and ``frame`` (the
app around every page in ``views/``).
"""
