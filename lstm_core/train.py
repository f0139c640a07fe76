"""Train a tiny LSTM in NumPy, with this package's own backward pass and Adam, on a memory task.

The task ("remember the first sign")
--------
Each sequence has T steps of two inputs, x_t = [value_t, marker_t]:
  step 0     value_0 = s·u with a random sign s = ±1 and u ~ U(u_min, 1); marker_0 = 1
  steps ≥ 1  value_t ~ U(-noise, noise), distracting noise;               marker_t = 0
The label is y = 1 if s > 0 else 0, to be reported after the last step.

The model
---------
The LSTM cell (n units) reads the sequence; a read-out outside the cell turns its last
hidden state into a probability:
  ŷ = σ(w·h_{T-1} + b_y),        L = mean over a batch of -[y·log ŷ + (1-y)·log(1-ŷ)]
∂L/∂h_{T-1} = (ŷ - y)·w per sequence, which :func:`lstm_core.backward.backward` carries
back through time. To solve the task the cell must write s into a unit at step 0 and
keep it there, forget gate ≈ 1 and input gate ≈ 0, through all the noise.

Reproduce the shipped weights (``lstm_core/trained_memory.json``) with

    python -m lstm_core.train          # or: make weights
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from .activations import sigmoid
from .backward import backward
from .cell import Trace, run
from .gates import GATES
from .params import Array, ConcatOrder, LSTMParams, as_vector, init_scale

WEIGHTS_PATH = Path(__file__).with_name("trained_memory.json")


# -- the task ---------------------------------------------------------------------


@dataclass(frozen=True)
class MemoryTask:
    """Report the sign of the first input after T-1 steps of noise (module docstring)."""

    T: int = 20  # steps per sequence
    noise: float = 1.0  # later values ~ U(-noise, noise)
    u_min: float = 0.5  # the first value's magnitude ~ U(u_min, 1)

    n_input: ClassVar[int] = 2  # [value_t, marker_t]

    def generate(self, count: int, seed: int | np.random.Generator) -> tuple[Array, Array]:
        """``count`` sequences and labels: xs (count, T, 2) and ys (count,) in {0, 1}."""
        rng = np.random.default_rng(seed)
        s = rng.choice([-1.0, 1.0], size=count)  # (count,)
        xs = np.zeros((count, self.T, self.n_input))
        xs[:, :, 0] = rng.uniform(-self.noise, self.noise, (count, self.T))
        xs[:, 0, 0] = s * rng.uniform(self.u_min, 1.0, count)
        xs[:, 0, 1] = 1.0
        return xs, (s > 0).astype(np.float64)

    def sequence(self, seed: int) -> tuple[Array, float]:
        """One sequence (T, 2) and its label, e.g. for the app's generator."""
        xs, ys = self.generate(1, seed)
        return xs[0], float(ys[0])


# -- the read-out and the model -----------------------------------------------------


@dataclass(frozen=True, eq=False)
class Readout:
    """ŷ = σ(w·h_{T-1} + b): a task-specific layer outside the LSTM cell."""

    w: Array  # (n,)
    b: float

    def logit(self, h_last: ArrayLike) -> float:
        return float(np.asarray(h_last) @ self.w + self.b)


def predict(params: LSTMParams, readout: Readout, xs: ArrayLike) -> float:
    """ŷ, the probability that the first value of ``xs`` (T, 2) was positive."""
    return float(sigmoid(readout.logit(run(params, xs).h[-1])))


def accuracy(params: LSTMParams, readout: Readout, xs: Array, ys: Array) -> float:
    """Share of sequences ``xs`` (count, T, 2) whose rounded ŷ equals the label ``ys``."""
    logits = np.array([readout.logit(run(params, x).h[-1]) for x in xs])
    return float(np.mean((logits > 0) == (ys > 0.5)))


def forget_during_hold(trace: Trace, start: int = 0) -> Array:
    """Per unit, the mean forget gate over the steps after ``start`` (n,): near 1 for a unit
    that keeps what it held at step ``start``, since C_t = f_t∘C_{t-1} + i_t∘C̃_t."""
    T = len(trace)
    if not 0 <= start < T - 1:
        raise ValueError(f"start must leave at least one step to hold over: 0 ≤ start < {T - 1}")
    held: Array = np.asarray(trace.f[start + 1 :], dtype=np.float64).mean(axis=0)
    return held


def memory_unit(trace: Trace, start: int = 0) -> int:
    """The unit whose forget gate stays nearest 1 while the value written at step ``start``
    is held: the argmax of :func:`forget_during_hold`. In the shipped model its cell state
    C_t keeps the sign of the first input to the end."""
    return int(np.argmax(forget_during_hold(trace, start)))


# -- training -----------------------------------------------------------------------


@dataclass(frozen=True)
class TrainConfig:
    n_hidden: int = 4
    steps: int = 300  # Adam updates
    batch: int = 32
    lr: float = 0.03
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    clip: float = 5.0  # global gradient-norm clip
    # Added to b_f at initialisation: f ≈ σ(3) ≈ 0.95 from the start, so the gradient of
    # the last step's loss reaches step 0 along the cell state (the constant error carousel).
    forget_bias: float = 3.0
    n_train: int = 1024
    n_test: int = 1000
    seed: int = 0
    concat_order: ConcatOrder = "h_first"


@dataclass(frozen=True)
class Progress:
    """Reported to the callback after each update."""

    step: int  # 1-based
    steps: int
    loss: float  # mean logistic loss of this batch
    batch_accuracy: float


@dataclass(frozen=True, eq=False)
class TrainedModel:
    """A trained cell with its read-out, and how it was made and how well it does."""

    params: LSTMParams
    readout: Readout
    task: MemoryTask
    config: TrainConfig
    train_accuracy: float
    test_accuracy: float
    losses: tuple[float, ...] = field(default=())  # per update

    def run(self, xs: ArrayLike) -> Trace:
        return run(self.params, xs)

    def predict(self, xs: ArrayLike) -> float:
        """ŷ for one sequence ``xs`` (T, 2)."""
        return predict(self.params, self.readout, xs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "description": (
                "LSTM trained by lstm_core.train on the memory task: report the sign of "
                "the first input after T-1 steps of noise. Reproduce: python -m lstm_core.train"
            ),
            "task": asdict(self.task),
            "config": asdict(self.config),
            "params": self.params.to_dict(),
            "readout": {"w": self.readout.w.tolist(), "b": self.readout.b},
            "train_accuracy": self.train_accuracy,
            "test_accuracy": self.test_accuracy,
            "final_loss": self.losses[-1] if self.losses else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainedModel:
        params = LSTMParams.from_dict(d["params"])
        w = as_vector("readout w", d["readout"]["w"], params.n_hidden, "one weight per unit")
        return cls(
            params=params,
            readout=Readout(w, float(d["readout"]["b"])),
            task=MemoryTask(**d["task"]),
            config=TrainConfig(**d["config"]),
            train_accuracy=float(d["train_accuracy"]),
            test_accuracy=float(d["test_accuracy"]),
        )


_STREAMS = ("init", "train", "test", "batches")


def _rng(seed: int, stream: str) -> np.random.Generator:
    """One of the independent random streams of ``seed``: init, train, test or batches."""
    return np.random.default_rng(
        np.random.SeedSequence(seed).spawn(len(_STREAMS))[_STREAMS.index(stream)]
    )


def datasets(
    task: MemoryTask, config: TrainConfig
) -> tuple[tuple[Array, Array], tuple[Array, Array]]:
    """(training set, held-out set), each (xs, ys), from independent streams of the seed."""
    return (
        task.generate(config.n_train, _rng(config.seed, "train")),
        task.generate(config.n_test, _rng(config.seed, "test")),
    )


def init_params(task: MemoryTask, config: TrainConfig) -> tuple[LSTMParams, Readout]:
    """Uniform in ±1/sqrt(n) like torch, plus ``config.forget_bias`` on b_f."""
    rng = _rng(config.seed, "init")
    n = config.n_hidden
    p = LSTMParams.random(task.n_input, n, seed=rng, concat_order=config.concat_order)
    s = init_scale(n, None)  # the read-out's weights come next from the same stream
    return p.replace(b_f=p.b_f + config.forget_bias), Readout(rng.uniform(-s, s, n), 0.0)


def batch_gradients(
    params: LSTMParams, readout: Readout, xs: Array, ys: Array
) -> tuple[float, float, dict[str, Array]]:
    """Mean logistic loss, accuracy and gradients of a batch, one sequence at a time.

    Gradient keys: "W_f" … "b_o" (the LSTM) and "w_y", "b_y" (the read-out).
    """
    B, n = len(xs), params.n_hidden
    grads: dict[str, Array] = {g.W: np.zeros_like(params.W(g.key)) for g in GATES}
    grads |= {g.b: np.zeros(n) for g in GATES}
    grads["w_y"], grads["b_y"] = np.zeros(n), np.zeros(1)
    loss, correct = 0.0, 0
    dh = np.zeros((xs.shape[1], n))
    for x, y in zip(xs, ys, strict=True):
        trace = run(params, x)
        h_last = trace.h[-1]
        logit = readout.logit(h_last)
        p = float(sigmoid(logit))
        # -[y log p + (1-y) log(1-p)] written in logits, stable for any logit
        loss += float(np.logaddexp(0.0, logit) - y * logit)
        correct += int((logit > 0) == (y > 0.5))
        dlogit = (p - y) / B
        dh[-1] = dlogit * readout.w
        g = backward(params, trace, dh)
        for gate in GATES:
            grads[gate.W] += g.dW(gate.key)
            grads[gate.b] += g.db(gate.key)
        grads["w_y"] += dlogit * h_last
        grads["b_y"] += dlogit
    return loss / B, correct / B, grads


def train_memory(
    task: MemoryTask | None = None,
    config: TrainConfig | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> TrainedModel:
    """Train from ``config.seed`` with Adam; deterministic for a given task and config.

    ``progress`` is called after every update, e.g. to move a progress bar.
    """
    task = MemoryTask() if task is None else task
    config = TrainConfig() if config is None else config
    (x_train, y_train), (x_test, y_test) = datasets(task, config)
    params, readout = init_params(task, config)
    theta: dict[str, Array] = {g.W: params.W(g.key).copy() for g in GATES}
    theta |= {g.b: params.b(g.key).copy() for g in GATES}
    theta["w_y"], theta["b_y"] = readout.w.copy(), np.array([readout.b])
    m1 = {k: np.zeros_like(v) for k, v in theta.items()}  # Adam's first moments
    m2 = {k: np.zeros_like(v) for k, v in theta.items()}  # and second moments
    batches = _rng(config.seed, "batches")
    losses: list[float] = []

    for k in range(1, config.steps + 1):
        idx = batches.choice(config.n_train, size=config.batch, replace=False)
        loss, acc, grads = batch_gradients(params, readout, x_train[idx], y_train[idx])
        losses.append(loss)
        norm = float(np.sqrt(sum(float(np.sum(d * d)) for d in grads.values())))
        scale = min(1.0, config.clip / norm) if norm > 0 else 1.0
        for name, d in grads.items():
            d = d * scale  # the clipped gradient
            m1[name] = config.beta1 * m1[name] + (1 - config.beta1) * d
            m2[name] = config.beta2 * m2[name] + (1 - config.beta2) * d * d
            m_hat = m1[name] / (1 - config.beta1**k)
            v_hat = m2[name] / (1 - config.beta2**k)
            theta[name] = theta[name] - config.lr * m_hat / (np.sqrt(v_hat) + config.eps)
        arrays: dict[str, Any] = {g.W: theta[g.W] for g in GATES} | {g.b: theta[g.b] for g in GATES}
        params = LSTMParams(**arrays, concat_order=params.concat_order)
        readout = Readout(theta["w_y"].copy(), float(theta["b_y"][0]))
        if progress is not None:
            progress(Progress(k, config.steps, loss, acc))

    return TrainedModel(
        params=params,
        readout=readout,
        task=task,
        config=config,
        train_accuracy=accuracy(params, readout, x_train, y_train),
        test_accuracy=accuracy(params, readout, x_test, y_test),
        losses=tuple(losses),
    )


def save(model: TrainedModel, path: Path = WEIGHTS_PATH) -> None:
    path.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")


def load_trained(path: Path = WEIGHTS_PATH) -> TrainedModel:
    """The shipped model (params, read-out, task and settings) from ``trained_memory.json``."""
    return TrainedModel.from_dict(json.loads(path.read_text(encoding="utf-8")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH, help="where to write the JSON")
    parser.add_argument("--seed", type=int, default=TrainConfig.seed)
    parser.add_argument("--steps", type=int, default=TrainConfig.steps)
    args = parser.parse_args(argv)
    config = TrainConfig(seed=args.seed, steps=args.steps)
    t0 = time.perf_counter()

    def report(p: Progress) -> None:
        if p.step % 50 == 0 or p.step == p.steps:
            print(
                f"step {p.step:>4}/{p.steps}  loss {p.loss:.4f}  "
                f"batch accuracy {p.batch_accuracy:.2f}"
            )

    model = train_memory(config=config, progress=report)
    save(model, args.out)
    print(
        f"training accuracy {model.train_accuracy:.4f}, "
        f"held-out accuracy {model.test_accuracy:.4f}, "
        f"{time.perf_counter() - t0:.1f} s; wrote {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
