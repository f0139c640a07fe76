"""Files: upload your own LSTM, download the model, its weights, every number and a handout.

One expander, the same on every page that calls :func:`section`. An upload goes through
``lstm_core.io_model`` (content sniffed, never unpickled) and, if it is good, becomes the
shared model (``state.set_model``; the URL follows at the end of the run). A bad file leaves
the model alone and gets a message: the file name quoted, the reason as plain text.

Downloads are built when clicked (``data=`` a function), from the model of that moment
(``state.live``), so a slider rerun costs no file building.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import streamlit as st

from lstm_core import CellModel, GRUParams, LSTMParams, Step, Trace, step
from lstm_core.exports import concat_csv, step_csv, trace_csv
from lstm_core.io import MAX_BYTES, MAX_BYTES_TEXT, layers_in, weights_bytes
from lstm_core.io_gru import load_gru
from lstm_core.io_model import load_model_or_weights, model_to_json
from lstm_core.numbers import quote
from lstm_core.variants import GRU_NAMES

from . import handout, state
from .linktext import MAX_EDITABLE, encode_array

VARIANTS_PAGE = "views/variants.py"

TYPES = ["safetensors", "npz", "json"]
OWN_MODEL_MD = f"""\
**Use your own model.** Save a trained `torch.nn.LSTM` (`lstm`) or Keras LSTM layer
(`layer`) in one line, then upload the file:

```python
safetensors.torch.save_file(lstm.state_dict(), "lstm.safetensors")
np.savez("lstm.npz", *layer.get_weights())
```

The weights replace the cell's (pick the layer of a stacked LSTM); $x_t$, $h_{{t-1}}$ and
$C_{{t-1}}$ stay where the sizes agree, else they start at 0. A model saved here (JSON)
brings its own $x_t$, $h_{{t-1}}$, $C_{{t-1}}$ and precision. A `torch.nn.GRU` opens on
the *Variants* page. Up to {MAX_BYTES_TEXT};
m and n up to {MAX_EDITABLE}. Pickles (`.pt`, `.pth`) are never opened."""


def _key(page: str, name: str) -> str:
    return f"files:{page}:{name}"


# -- upload -----------------------------------------------------------------------------


def _fits(kind: str, m: int, n: int) -> None:
    if max(n, m) > MAX_EDITABLE:
        raise ValueError(
            f"this {kind} has m = {m} inputs and n = {n} units; the app edits and shows models "
            f"with m and n up to {MAX_EDITABLE}, so it is not loaded"
        )


def _loaded(data: bytes, layer: int) -> tuple[CellModel, str | None, str]:
    """(model, its dtype name or None, what happened) of an upload; ValueError if bad."""
    cur = state.model()
    params, whole = load_model_or_weights(data, layer, cur.params.concat_order)
    _fits("LSTM", params.n_input, params.n_hidden)
    if whole is not None:
        model, dtype = whole
        name = np.dtype(dtype).name
        return model, name, f"the whole model, with its x_t, h_t-1, C_t-1 and {name}."
    return _with_inputs(params)


def _with_inputs(params: LSTMParams) -> tuple[CellModel, str | None, str]:
    """The model with ``params``, keeping x_t, h_t-1, C_t-1 where their sizes agree."""
    cur, n, m = state.model(), params.n_hidden, params.n_input
    vectors = {"x_t": (cur.x, m), "h_t-1": (cur.h_prev, n), "C_t-1": (cur.c_prev, n)}
    same = {k: len(v) == size for k, (v, size) in vectors.items()}
    x, h, c = (v if same[k] else np.zeros(size) for k, (v, size) in vectors.items())
    model = CellModel(params, x, h, c)
    what = f"its weights (m = {m} inputs, n = {n} units)."
    if kept := [k for k in vectors if same[k]]:
        what += f" Kept: {', '.join(kept)}."
    if reset := [k for k in vectors if not same[k]]:
        what += f" Set to 0 (their size changed): {', '.join(reset)}."
    return model, None, what


def _load(page: str, layer: int) -> None:
    """Read the uploader's file and make it the model, or say why not (model unchanged)."""
    ss, note = st.session_state, state.upload()
    file = ss.get(_key(page, "upload"))
    note.clear()
    if file is None:
        return
    name = quote(file.name)
    if file.size > MAX_BYTES:  # before reading it
        note["error"] = (
            name,
            f"the file is {file.size / 2**20:.1f} MiB, more than {MAX_BYTES_TEXT}",
        )
        return
    data = file.getvalue()
    try:
        layers = layers_in(data)
        gru = load_gru(data, layer, state.model().params.concat_order)
        if gru is not None:
            _fits("GRU", gru.n_input, gru.n_hidden)
            model, dtype = state.model().resized(gru.n_input, gru.n_hidden), None
            what = (
                f"a torch.nn.GRU (m = {gru.n_input} inputs, n = {gru.n_hidden} units), shown "
                "as the GRU in torch's convention; x_t and h_t-1 are kept where the sizes agree."
            )
        else:
            model, dtype, what = _loaded(data, layer)
    except ValueError as e:
        note["error"] = (name, str(e))
        return
    sizes = (model.params.n_input, model.params.n_hidden)
    if gru is not None and sizes != (state.model().params.n_input, state.model().params.n_hidden):
        state.set_view(own=())  # resized: the old peepholes go, without a note (the GRU's are new)
    state.set_model(model)
    if gru is not None:
        _open_gru(gru)
        note["page"] = note["opened"] = VARIANTS_PAGE
    if dtype is not None:
        state.set_view(dtype=dtype)
    state.errors().clear()
    of = f" (layer {layer} of {len(layers)})" if len(layers) > 1 else ""
    note["ok"] = f"Loaded {name}{of}: {what}"
    note["layers"] = layers


def _open_gru(gru: GRUParams) -> None:
    """Make ``gru``'s weights the Variants page's GRU, in torch's convention."""
    kept = tuple((k, t) for k, t in state.view().own if k not in GRU_NAMES)  # the peepholes
    state.set_own(kept + tuple((k, encode_array(getattr(gru, k))) for k in GRU_NAMES))
    state.set_view(variant="gru_torch")


def just_opened() -> str | None:
    """The message of an upload that has just opened its page (a GRU), once; else None."""
    note = state.upload()
    return str(note["ok"]) if note.pop("opened", None) and "ok" in note else None


def _on_upload(page: str) -> None:
    _load(page, 0)


def _on_layer(page: str) -> None:
    _load(page, int(st.session_state[_key(page, "layer")]))


def _upload(page: str) -> None:
    st.file_uploader(
        f"Upload weights or a model (.safetensors, .npz, .json; at most {MAX_BYTES_TEXT})",
        type=TYPES,
        key=_key(page, "upload"),
        on_change=_on_upload,
        args=(page,),
    )
    note = state.upload()
    if note.pop("page", None):  # a GRU: its page shows it (and this note)
        st.switch_page(VARIANTS_PAGE)
    if len(layers := note.get("layers", ())) > 1:
        st.selectbox(
            "Layer of the stacked LSTM",
            layers,
            key=_key(page, "layer"),
            on_change=_on_layer,
            args=(page,),
        )
    if "ok" in note:
        st.success(note["ok"], icon=":material/check_circle:")
    if "error" in note:
        name, reason = note["error"]
        st.error(
            f"Could not load {name}; the current model stays. The reason:", icon=":material/block:"
        )
        st.text(reason)  # plain text: never read as Markdown or HTML


# -- downloads ----------------------------------------------------------------------------


File = tuple[str, str, str, Callable[[], Any]]  # label, file name, MIME type, data


def _step_files(live: Callable[[], tuple[CellModel, type[np.floating]]]) -> list[File]:
    """The files of the current model and step, each built from ``live()`` when clicked."""

    def cur_step() -> tuple[CellModel, Step]:
        model, dtype = live()
        return model, step(model.params, model.x, model.h_prev, model.c_prev, dtype=dtype)

    return [
        ("Model (JSON)", "lstm-model.json", "application/json", lambda: model_to_json(*live())),
        (
            "Weights, torch (.safetensors)",
            "lstm-torch.safetensors",
            "application/octet-stream",
            lambda: weights_bytes(live()[0].params, "torch", "safetensors"),
        ),
        (
            "Weights, Keras (.npz)",
            "lstm-keras.npz",
            "application/octet-stream",
            lambda: weights_bytes(live()[0].params, "keras", "npz"),
        ),
        ("This step, per unit (CSV)", "lstm-step.csv", "text/csv", lambda: step_csv(cur_step()[1])),
        (
            "This step, v (CSV)",
            "lstm-v.csv",
            "text/csv",
            lambda: concat_csv(cur_step()[1], live()[0].params),
        ),
        (
            "Handout (Markdown)",
            "lstm-handout.md",
            "text/markdown",
            lambda: handout.handout_markdown(*live()),
        ),
        (
            "Handout (HTML, print)",
            "lstm-handout.html",
            "text/html",
            lambda: handout.handout_html(*live()),
        ),
        (
            "Diagram (SVG)",
            "lstm-diagram.svg",
            "image/svg+xml",
            lambda: handout.diagram_svg(*live()),
        ),
    ]


def _downloads(page: str, trace: Trace | None) -> None:
    files = _step_files(state.live())
    if trace is not None:  # computed by the page for this run: a snapshot is current
        files.append(
            ("Sequence trace (CSV)", "lstm-trace.csv", "text/csv", lambda: trace_csv(trace))
        )
    st.markdown("**Download** (built when you click)")
    with st.container(horizontal=True, gap="small"):
        for label, name, mime, make in files:
            st.download_button(
                label,
                make,
                file_name=name,
                mime=mime,
                on_click="ignore",
                key=_key(page, name),
            )


def section(page: str, trace: Trace | None = None) -> None:
    """The Files expander: upload on the left, downloads on the right (``trace``: the page's
    sequence, offered as CSV too)."""
    with st.expander("Files: your own model, downloads, handout", icon=":material/folder_open:"):
        left, right = st.columns([6, 5], gap="large")
        with left:
            _upload(page)
            st.markdown(OWN_MODEL_MD)
        with right:
            _downloads(page, trace)
