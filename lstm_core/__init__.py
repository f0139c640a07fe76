"""lstm_core: a small NumPy LSTM that shows its work.

>>> from lstm_core import LSTMParams, step, run
>>> p = LSTMParams.random(n_input=3, n_hidden=2, seed=0)
>>> s = step(p, x=[1, 2, 3], h_prev=[0, 0], c_prev=[0, 0])
>>> s.f.shape, s.h.shape
((2,), (2,))

No UI library is imported here; the Streamlit app only renders what this
package computes.
"""

from .activations import (
    ACTIVATIONS,
    DEFAULT_SATURATION_FRACTION,
    Activation,
    rounds_to_one_z,
    saturation,
    sigmoid,
    sigmoid_grad,
    tanh,
    tanh_grad,
)
from .cell import Step, Trace, matvec_terms, run, step
from .backward import (
    CellJacobian,
    GradientFlow,
    Grads,
    JacobianProducts,
    LastStepLoss,
    backward,
    cell_jacobian,
    gradient_flow,
    jacobian_products,
    last_step_loss,
)
from .gates import GATE_BY_KEY, GATES, Gate
from .params import CONCAT_LATEX, CONCAT_ORDERS, ConcatOrder, LSTMParams

__all__ = [
    "ACTIVATIONS",
    "CONCAT_LATEX",
    "CONCAT_ORDERS",
    "DEFAULT_SATURATION_FRACTION",
    "GATES",
    "GATE_BY_KEY",
    "Activation",
    "ConcatOrder",
    "Gate",
    "LSTMParams",
    "Step",
    "Trace",
    "matvec_terms",
    "rounds_to_one_z",
    "run",
    "saturation",
    "sigmoid",
    "sigmoid_grad",
    "step",
    "tanh",
    "tanh_grad",
]
