"""The Variants page's own numbers: the peepholes and the GRU's weights, read from the view
(``View.own``) and edited with the same exact-entry grids and range checks as the LSTM's.

An array that was never edited follows the LSTM (``lstm_core.variants.derived``).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from lstm_core.variants import GRU_FROM_LSTM, OWN_NAMES, OWN_OF_VARIANT, PEEPHOLE_SEED, derived

from . import state, tables, widgets
from .codec import check_own, own_arrays
from .linktext import encode_array


def own() -> dict[str, np.ndarray]:
    """The edited arrays of the session, by name."""
    return own_arrays(state.view())


def arrays() -> dict[str, np.ndarray]:
    """Every variant array as the cells use it: edited, or derived from the LSTM."""
    return derived(state.model().params) | own()


def _put(name: str, a: np.ndarray) -> None:
    """Store an edited array, or raise the ValueError that names what does not fit."""
    text = check_own(name, encode_array(a), state.model(), state.view().dtype)
    edited = dict(state.view().own) | {name: text}
    state.set_own(tuple((k, edited[k]) for k in OWN_NAMES if k in edited))


OWN = widgets.Source(lambda name: arrays()[name], _put)


def _follow(names: tuple[str, ...]) -> None:
    state.set_own(tuple((k, t) for k, t in state.view().own if k not in names))


def origin(name: str) -> str:
    """Where an unedited array comes from, for its caption."""
    if name.startswith("p_"):
        return f"fixed random numbers (seed {PEEPHOLE_SEED})"
    if name == "b_hn":
        return "zeros"
    return f"the LSTM's {name[0]}_{GRU_FROM_LSTM[name[-1]]}"


def editors(variant: str) -> None:
    """Exact-entry grids for the arrays variant ``variant`` has beyond the LSTM's."""
    names = OWN_OF_VARIANT[variant]
    if not names:
        where = "i_t = 1 − f_t, so W_i and b_i are unused; " if variant == "coupled" else ""
        st.caption(f"{where}this cell has only the LSTM's numbers: edit them on *Cell step*.")
        return
    p, edited = state.model().params, own()
    by_origin: dict[str, list[str]] = {}
    for k in (k for k in names if k not in edited):
        by_origin.setdefault(origin(k), []).append(k)
    follow = "; ".join(f"{', '.join(ks)}: {where}" for where, ks in by_origin.items())
    st.caption(
        "Type numbers as you would write them: 0.5, -1/4, 1e-3. "
        + (f"Unedited arrays follow the LSTM ({follow})." if follow else "Every array is edited.")
    )
    n = p.n_hidden
    units = [f"unit {r}" for r in range(n)]
    for name in names:
        if name.startswith("W_"):
            st.markdown(
                f"**{tables.math_html(name)}** ({n} × {n + p.n_input})", unsafe_allow_html=True
            )
            widgets.grid(name, units, p.concat_labels(), src=OWN)
        else:
            widgets.grid(name, [name], [f"[{k}]" for k in range(n)], src=OWN)
    if any(k in edited for k in names):
        st.button(
            "Follow the LSTM again",
            icon=":material/undo:",
            key=f"var:follow:{variant}",
            on_click=_follow,
            args=(names,),
            help="Forget the edits above: these arrays are derived from the LSTM again.",
        )
