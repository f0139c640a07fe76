"""A ``torch.nn.GRU`` in an uploaded weights file: found by its names and shapes, read as
``GRUParams`` (torch's convention, reset_after=True). NumPy only, like ``io``.

torch names a GRU's tensors as it names an LSTM's (weight_ih_l{k}, weight_hh_l{k},
bias_ih_l{k}, bias_hh_l{k}); the difference is 3n gate rows instead of 4n.
"""

from __future__ import annotations

import numpy as np

from .concat import ConcatOrder
from .gru_params import GRUParams
from .io import finite_array, torch_groups
from .io_formats import Source, read_container, read_source


def load_gru(
    source: Source, layer: int = 0, concat_order: ConcatOrder = "h_first"
) -> GRUParams | None:
    """Layer ``layer`` of the torch.nn.GRU stored in ``source``, or None if it holds no GRU
    (then it may hold an LSTM: ``io_model.load_model_or_weights``). A GRU that cannot be used
    raises a ValueError that says why."""
    container, doc = read_container(read_source(source))
    if doc is not None:  # a model saved as JSON is an LSTM
        return None
    groups = {
        key: names
        for key, names in torch_groups(container.tensors).items()
        if "weight_hh" in names and _rows_per_unit(container.tensors[names["weight_hh"]]()) == 3
    }
    if not groups:
        return None
    prefixes = sorted({p for p, _ in groups})
    if len(prefixes) > 1:
        shown = ", ".join(repr(p) for p in prefixes)
        raise ValueError(f"the file holds several GRUs (name prefixes {shown}); save one alone")
    if (prefixes[0], layer) not in groups:
        layers = ", ".join(str(k) for _, k in sorted(groups))
        raise ValueError(f"layer {layer} is not in the file: it holds GRU layer(s) {layers}")
    names = groups[(prefixes[0], layer)]
    state = {
        f"{kind}_l{layer}": finite_array(name, container.tensors[name]())
        for kind, name in names.items()
    }
    return GRUParams.from_torch_state(state, layer, concat_order)


def _rows_per_unit(W_hh: np.ndarray) -> float:
    """weight_hh's rows per column: 3 for a GRU, 4 for an LSTM, 1 for a plain RNN."""
    shape = W_hh.shape
    return shape[0] / shape[1] if len(shape) == 2 and shape[1] else 0.0
