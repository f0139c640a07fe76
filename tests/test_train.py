"""The trained example: the memory task, the training loop, and the shipped weights."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from lstm_core import (
    LSTMParams,
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
    run,
    train_memory,
)
from lstm_core.train import WEIGHTS_PATH, batch_gradients, datasets, main


def test_task_generator() -> None:
    task = MemoryTask(T=15, noise=1.0, u_min=0.5)
    xs, ys = task.generate(500, seed=3)
    assert xs.shape == (500, 15, 2) and ys.shape == (500,)
    np.testing.assert_array_equal(xs[:, 0, 1], 1.0)  # the marker flags step 0 only
    np.testing.assert_array_equal(xs[:, 1:, 1], 0.0)
    np.testing.assert_array_equal(ys, (xs[:, 0, 0] > 0).astype(float))
    assert np.all((np.abs(xs[:, 0, 0]) >= 0.5) & (np.abs(xs[:, 0, 0]) <= 1.0))
    assert np.all(np.abs(xs[:, 1:, 0]) <= 1.0)
    assert 0.4 < ys.mean() < 0.6  # both signs
    # the later values really are noise, uncorrelated with the label
    assert abs(np.corrcoef(xs[:, 1:, 0].sum(axis=1), ys)[0, 1]) < 0.15
    again, _ = task.generate(500, seed=3)
    np.testing.assert_array_equal(again, xs)
    other, _ = task.generate(500, seed=4)
    assert not np.array_equal(other, xs)
    x1, y1 = task.sequence(seed=3)
    np.testing.assert_array_equal(x1, task.generate(1, seed=3)[0][0])
    assert y1 in (0.0, 1.0)


def test_batch_gradients_match_finite_differences() -> None:
    """The training loop's gradients, read-out included, are the loss's."""
    task = MemoryTask(T=6)
    params = LSTMParams.random(2, 3, seed=1)
    readout = Readout(np.array([0.7, -1.1, 0.4]), 0.2)
    xs, ys = task.generate(5, seed=2)
    _, _, grads = batch_gradients(params, readout, xs, ys)
    eps = 1e-6

    def loss(p: LSTMParams, r: Readout) -> float:
        return batch_gradients(p, r, xs, ys)[0]

    cases = [
        ("W_i", params.W_i, lambda a: (params.replace(W_i=a), readout)),
        ("b_f", params.b_f, lambda a: (params.replace(b_f=a), readout)),
        ("w_y", readout.w, lambda a: (params, Readout(a, readout.b))),
    ]
    for name, value, perturbed in cases:
        num = np.zeros(value.shape)
        for idx in np.ndindex(value.shape):
            a = np.array(value)
            a[idx] += eps
            up = loss(*perturbed(a))
            a[idx] -= 2 * eps
            num[idx] = (up - loss(*perturbed(a))) / (2 * eps)
        assert np.max(np.abs(num)) > 1e-3
        np.testing.assert_allclose(grads[name], num, rtol=1e-6, atol=1e-10)
    up = loss(params, Readout(readout.w, readout.b + eps))
    down = loss(params, Readout(readout.w, readout.b - eps))
    assert grads["b_y"][0] == pytest.approx((up - down) / (2 * eps), rel=1e-6)


@pytest.fixture(scope="module")
def trained() -> tuple[TrainedModel, list[Progress]]:
    """Training from the fixed seed with the default settings: 300 Adam steps, a few seconds."""
    seen: list[Progress] = []
    return train_memory(progress=seen.append), seen


def test_training_from_the_fixed_seed_really_learns(
    trained: tuple[TrainedModel, list[Progress]],
) -> None:
    model, seen = trained
    assert model.config == TrainConfig() and model.config.steps == 300
    assert model.test_accuracy >= 0.95
    assert model.train_accuracy >= 0.95
    # held-out means held out: recompute it on the independent test stream
    _, (x_test, y_test) = datasets(model.task, model.config)
    assert accuracy(model.params, model.readout, x_test, y_test) == model.test_accuracy
    # and on fresh sequences from another seed
    xs, ys = model.task.generate(500, seed=987_654)
    assert accuracy(model.params, model.readout, xs, ys) >= 0.95
    # the loss really went down
    losses = np.array(model.losses)
    assert losses[:20].mean() > 0.5 and losses[-50:].mean() < 0.05
    # the progress callback saw every step
    assert [p.step for p in seen] == list(range(1, 301))
    assert all(p.steps == 300 for p in seen)
    assert [p.loss for p in seen] == list(model.losses)


def test_training_reproduces_the_shipped_weights(
    trained: tuple[TrainedModel, list[Progress]],
) -> None:
    """`python -m lstm_core.train` rewrites trained_memory.json bit for bit on the machine
    that made it. Elsewhere BLAS may round differently, and 300 Adam steps amplify that
    (a relative nudge of 1e-15 to W_f moves the final weights by ~3e-4), so compare to 1%."""
    model, _ = trained
    shipped = load_trained()
    assert asdict(shipped.config) == asdict(model.config)
    assert shipped.task == model.task
    for name, value in model.params.to_dict().items():
        if name != "concat_order":
            ref = np.asarray(getattr(shipped.params, name))
            np.testing.assert_allclose(value, ref, rtol=0, atol=1e-2 * np.max(np.abs(ref)))
    ref_w = shipped.readout.w
    np.testing.assert_allclose(model.readout.w, ref_w, rtol=0, atol=1e-2 * np.max(np.abs(ref_w)))
    assert abs(shipped.test_accuracy - model.test_accuracy) <= 0.005


def test_shipped_weights_load_and_score() -> None:
    model = load_trained()
    assert WEIGHTS_PATH.name == "trained_memory.json"
    assert WEIGHTS_PATH.stat().st_size < 20_000
    assert model.params.n_hidden <= 8 and model.params.n_input == 2
    assert model.test_accuracy >= 0.95 and model.train_accuracy >= 0.95
    xs, ys = model.task.generate(1000, seed=2024)
    assert accuracy(model.params, model.readout, xs, ys) >= 0.95
    # the app lets sequences grow to 64 steps: the memory holds that long too
    xs, ys = MemoryTask(T=64).generate(300, seed=64)
    assert accuracy(model.params, model.readout, xs, ys) >= 0.95
    doc = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    assert doc["config"]["seed"] == 0 and doc["task"]["T"] == 20
    assert set(doc) >= {"params", "readout", "task", "config", "train_accuracy", "test_accuracy"}


def test_predict_reports_the_first_sign() -> None:
    model = load_trained()
    rng = np.random.default_rng(5)
    for sign in (-1.0, 1.0):
        xs = np.zeros((30, 2))
        xs[:, 0] = rng.uniform(-1, 1, 30)
        xs[0] = [0.8 * sign, 1.0]
        p = predict(model.params, model.readout, xs)
        assert 0.0 < p < 1.0
        assert (p > 0.5) == (sign > 0)
        assert model.predict(xs) == p
        assert p > 0.9 if sign > 0 else p < 0.1


def test_memory_unit_holds_the_sign_with_its_forget_gate_near_one() -> None:
    model = load_trained()
    xs, ys = model.task.generate(300, seed=77)
    traces = [run(model.params, x) for x in xs]
    units = np.array([memory_unit(tr) for tr in traces])
    u = int(np.bincount(units).argmax())
    assert np.mean(units == u) >= 0.95  # one unit does the job, sequence after sequence
    f_hold = np.array([forget_during_hold(tr)[u] for tr in traces])
    assert f_hold.mean() > 0.97 and f_hold.min() > 0.9
    c_last = np.array([tr.c[-1, u] for tr in traces])
    agree = np.mean((c_last > 0) == (ys > 0.5))
    assert max(agree, 1 - agree) >= 0.95  # its cell state still carries the first sign
    tr = traces[0]
    np.testing.assert_allclose(forget_during_hold(tr, 5), tr.f[6:].mean(axis=0), rtol=1e-15)
    with pytest.raises(ValueError, match="start"):
        forget_during_hold(tr, len(tr) - 1)


def test_command_line_writes_a_loadable_file(tmp_path: Path) -> None:
    out = tmp_path / "w.json"
    assert main(["--out", str(out), "--steps", "3"]) == 0
    model = load_trained(out)
    assert model.config.steps == 3
    assert len(model.readout.w) == model.params.n_hidden
    assert 0.0 <= model.test_accuracy <= 1.0
