"""lstm_core: a small NumPy LSTM that shows its work.

>>> from lstm_core import LSTMParams, step, run
>>> p = LSTMParams.random(n_input=3, n_hidden=2, seed=0)
>>> s = step(p, x=[1, 2, 3], h_prev=[0, 0], c_prev=[0, 0])
>>> s.f.shape, s.h.shape
((2,), (2,))

No UI library is imported here; the Streamlit app only renders what this
package computes.
"""

from importlib import import_module
from typing import TYPE_CHECKING

from .activations import (
    ACTIVATIONS,
    DEFAULT_SATURATION_FRACTION,
    Activation,
    Saturation,
    rounds_to_one_z,
    saturation,
    saturation_of,
    sigmoid,
    sigmoid_grad,
    tanh,
    tanh_grad,
)
from .backward import (
    Grads,
    LastStepLoss,
    SequenceLoss,
    backward,
    backward_l2,
    last_step_loss,
    sequence_l2_loss,
)
from .cell import CellUpdate, Step, Trace, block_products, cell_update, matvec_terms, run, step
from .concat import W_BLOCKS_LATEX
from .exports import concat_csv, step_csv, trace_csv
from .gates import (
    GATE_BY_KEY,
    GATE_ORDER,
    GATES,
    PEEPHOLE_GATES,
    TORCH_GATE_ORDER,
    Gate,
)
from .gru import GRUGrads, GRUStep, GRUTrace, gru_backward, gru_run, gru_step
from .gru_params import GRU_GATE_BY_KEY, GRU_GATES, GRUParams
from .io import load_weights, save_weights
from .io_model import load_model_or_weights, model_from_json, model_to_json
from .jacobian import (
    CellJacobian,
    GradientFlow,
    JacobianProducts,
    cell_jacobian,
    gradient_flow,
    jacobian_products,
)
from .model import CellModel
from .params import CONCAT_LATEX, CONCAT_ORDERS, MAX_ABS, MAX_DIM, ConcatOrder, LSTMParams
from .rnn import (
    RNNGrads,
    RNNParams,
    RNNTrace,
    rnn_backward,
    rnn_jacobian,
    rnn_last_step_grads,
    rnn_run,
)
from .sequences import LOG_CEIL, LOG_FLOOR

# lstm_core.train is imported on first use, not here, so that `python -m lstm_core.train`
# runs it fresh (runpy warns about a module that its package has already imported).
if TYPE_CHECKING:
    from .train import (
        MemoryTask,
        Progress,
        Readout,
        TrainConfig,
        TrainedModel,
        accuracy,
        forget_during_hold,
        load_trained,
        memory_unit,
        predict,
        train_memory,
    )


def __getattr__(name: str) -> object:
    if name in __all__:  # every exported name not defined above comes from .train
        return getattr(import_module(".train", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ACTIVATIONS",
    "CONCAT_LATEX",
    "W_BLOCKS_LATEX",
    "CONCAT_ORDERS",
    "DEFAULT_SATURATION_FRACTION",
    "GATES",
    "GATE_BY_KEY",
    "GATE_ORDER",
    "LOG_CEIL",
    "LOG_FLOOR",
    "MAX_ABS",
    "MAX_DIM",
    "TORCH_GATE_ORDER",
    "Activation",
    "CellModel",
    "CellUpdate",
    "ConcatOrder",
    "Gate",
    "LSTMParams",
    "Saturation",
    "Step",
    "Trace",
    "block_products",
    "cell_update",
    "matvec_terms",
    "rounds_to_one_z",
    "run",
    "saturation",
    "saturation_of",
    "sigmoid",
    "sigmoid_grad",
    "step",
    "tanh",
    "tanh_grad",
    "concat_csv",
    "step_csv",
    "trace_csv",
    "load_model_or_weights",
    "load_weights",
    "model_from_json",
    "model_to_json",
    "save_weights",
    "CellJacobian",
    "GradientFlow",
    "Grads",
    "JacobianProducts",
    "LastStepLoss",
    "backward",
    "cell_jacobian",
    "gradient_flow",
    "jacobian_products",
    "last_step_loss",
    "GRU_GATES",
    "PEEPHOLE_GATES",
    "GRU_GATE_BY_KEY",
    "GRUGrads",
    "GRUParams",
    "GRUStep",
    "GRUTrace",
    "gru_backward",
    "gru_run",
    "gru_step",
    "SequenceLoss",
    "backward_l2",
    "sequence_l2_loss",
    "RNNGrads",
    "RNNParams",
    "RNNTrace",
    "rnn_backward",
    "rnn_jacobian",
    "rnn_last_step_grads",
    "rnn_run",
    "MemoryTask",
    "Progress",
    "Readout",
    "TrainConfig",
    "TrainedModel",
    "accuracy",
    "forget_during_hold",
    "load_trained",
    "memory_unit",
    "predict",
    "train_memory",
]
