"""lstm_core.io: golden files from a real torch.nn.LSTM (read without torch), round trips
in every format and layout, and every kind of bad file.

The golden files in ``tests/fixtures/io/`` come from ``tests/fixtures/make_golden_io.py``.
"""

from __future__ import annotations

import io
import json
import pickle
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_core import CONCAT_ORDERS, GATES, CellModel, LSTMParams, run
from lstm_core.io import (
    FORMATS,
    LAYOUTS,
    MAX_BYTES,
    MODEL_FORMAT,
    load_weights,
    save_weights,
    weights_bytes,
    weights_dict,
)
from lstm_core.io_model import load_model_or_weights, model_from_json, model_to_json
from lstm_core.presets import PRESETS, load_preset

FIXTURES = Path(__file__).parent / "fixtures" / "io"
GOLDEN: dict[str, Any] = json.loads((FIXTURES / "golden_io.json").read_text())
TOL = 1e-10
NAMES = tuple(g.W for g in GATES) + tuple(g.b for g in GATES)


def same_bits(a: LSTMParams, b: LSTMParams) -> bool:
    """Every array equal bit for bit (so -0.0 differs from 0.0), and the same order."""
    return a.concat_order == b.concat_order and all(
        getattr(a, k).tobytes() == getattr(b, k).tobytes() for k in NAMES
    )


def npz(**arrays: Any) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def safetensors_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    from safetensors.numpy import save

    return save({k: np.ascontiguousarray(v) for k, v in arrays.items()})


def torch_state(m: int = 3, n: int = 2, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "weight_ih_l0": rng.normal(size=(4 * n, m)),
        "weight_hh_l0": rng.normal(size=(4 * n, n)),
        "bias_ih_l0": rng.normal(size=4 * n),
        "bias_hh_l0": rng.normal(size=4 * n),
    }


def refused(data: Any, *words: str, **kwargs: Any) -> str:
    with pytest.raises(ValueError) as e:
        load_weights(data, **kwargs)
    message = str(e.value)
    for w in words:
        assert w in message, f"{w!r} not in: {message}"
    return message


# -- golden files from torch ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLDEN["cases"]))
@pytest.mark.parametrize("order", CONCAT_ORDERS)
def test_golden_file_runs_like_torch(name: str, order: Any) -> None:
    xs = np.array(GOLDEN["xs"])
    for k, expected in enumerate(GOLDEN["cases"][name]["layers"]):
        p = load_weights(FIXTURES / name, layer=k, concat_order=order)
        assert (p.n_input, p.n_hidden, p.concat_order) == (xs.shape[1], 4, order)
        trace = run(p, xs)
        assert np.max(np.abs(trace.h - np.array(expected["h"]))) <= TOL, (name, k)
        assert np.max(np.abs(trace.c_last - np.array(expected["c_last"]))) <= TOL, (name, k)
        xs = np.array(expected["h"])  # the next layer's input


def test_golden_fixtures_cover_the_issue() -> None:
    assert set(GOLDEN["cases"]) == {
        "torch_1layer.safetensors",
        "torch_2layer.npz",
        "keras.npz",
        "half.safetensors",
    }
    assert len(GOLDEN["cases"]["torch_2layer.npz"]["layers"]) == 2
    assert all(f.stat().st_size < 8000 for f in FIXTURES.iterdir())


def test_keras_file_equals_the_torch_file_it_was_built_from() -> None:
    a = load_weights(FIXTURES / "torch_1layer.safetensors")
    b = load_weights((FIXTURES / "keras.npz").read_bytes())
    for k in NAMES:  # the biases are the same float64 sum, the weights widened float32
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k))


def test_sources_path_str_bytes_and_file_object_agree() -> None:
    path = FIXTURES / "torch_2layer.npz"
    with path.open("rb") as f:
        from_file = load_weights(f, layer=1)
    for source in (path, str(path), path.read_bytes(), bytearray(path.read_bytes())):
        assert same_bits(load_weights(source, layer=1), from_file)


def test_format_comes_from_the_content_not_the_name(tmp_path: Path) -> None:
    wrong = tmp_path / "weights.json"
    wrong.write_bytes((FIXTURES / "torch_1layer.safetensors").read_bytes())
    assert same_bits(load_weights(wrong), load_weights(FIXTURES / "torch_1layer.safetensors"))


# -- names ------------------------------------------------------------------------------------


def expected_params(state: dict[str, np.ndarray], order: Any = "h_first") -> LSTMParams:
    from lstm_core.torch_layout import from_torch_state

    return from_torch_state(state, concat_order=order)


@pytest.mark.parametrize("prefix", ["", "encoder.lstm.", "model.rnn.module."])
def test_torch_names_with_any_prefix_and_other_tensors_ignored(prefix: str) -> None:
    state = torch_state()
    arrays = {prefix + k: v for k, v in state.items()} | {"head.weight": np.ones((2, 2))}
    assert same_bits(load_weights(npz(**arrays)), expected_params(state))


def test_torch_bias_false_means_zero_bias() -> None:
    state = torch_state()
    no_bias = {k: v for k, v in state.items() if k.startswith("weight")}
    p = load_weights(safetensors_bytes(no_bias))
    assert all(np.array_equal(p.b(g.key), np.zeros(2)) for g in GATES)
    only_ih = load_weights(npz(**{k: v for k, v in state.items() if k != "bias_hh_l0"}))
    b = state["bias_ih_l0"]
    assert np.array_equal(only_ih.b_i, b[0:2]) and np.array_equal(only_ih.b_f, b[2:4])


def test_lstm_cell_names_are_layer_0() -> None:
    state = {k.removesuffix("_l0"): v for k, v in torch_state().items()}
    assert same_bits(load_weights(npz(**state)), expected_params(torch_state()))


def test_reverse_direction_is_ignored() -> None:
    state = torch_state()
    both = state | {k + "_reverse": -v for k, v in state.items()}
    assert same_bits(load_weights(npz(**both)), expected_params(state))


@pytest.mark.parametrize(
    "prefix", ["", "lstm/lstm_cell/", "layers.0.cell.", "model/lstm_1/lstm_cell/"]
)
def test_keras_names_with_any_layer_path(prefix: str) -> None:
    p = LSTMParams.random(3, 2, seed=5)
    arrays = {prefix + k: v for k, v in weights_dict(p, "keras").items()}
    assert same_bits(load_weights(npz(**arrays)), p)


def test_keras_names_with_tf_suffix_and_positional_get_weights() -> None:
    p = LSTMParams.random(2, 3, seed=6)
    k = weights_dict(p, "keras")
    assert same_bits(load_weights(npz(**{f"lstm/{n}:0": v for n, v in k.items()})), p)
    positional = npz(arr_0=k["kernel"], arr_1=k["recurrent_kernel"], arr_2=k["bias"])
    assert same_bits(load_weights(positional), p)


def test_keras_layer_counts_lstm_layers_by_name() -> None:
    a, b = LSTMParams.random(3, 2, seed=1), LSTMParams.random(2, 2, seed=2)
    arrays = {f"lstm/lstm_cell/{k}": v for k, v in weights_dict(a, "keras").items()}
    arrays |= {f"lstm_1/lstm_cell/{k}": v for k, v in weights_dict(b, "keras").items()}
    arrays |= {"dense/kernel": np.ones((2, 1)), "dense/bias": np.zeros(1)}
    data = npz(**arrays)
    assert same_bits(load_weights(data, layer=0), a)
    assert same_bits(load_weights(data, layer=1), b)
    refused(data, "layer 2", "lstm/lstm_cell/", "lstm_1/lstm_cell/", layer=2)


def test_integer_arrays_in_an_npz_are_read_as_floats() -> None:
    state = {k: np.round(v * 10).astype(np.int64) for k, v in torch_state().items()}
    assert same_bits(load_weights(npz(**state)), expected_params(state))
    refused(npz(weight_ih_l0=np.full((8, 1), 2**60), weight_hh_l0=np.ones((8, 2))), "2**53")
    refused(npz(weight_ih_l0=np.ones((8, 1), bool), weight_hh_l0=np.ones((8, 2))), "dtype bool")


def test_textbook_names_keep_their_stored_order() -> None:
    p = LSTMParams.random(3, 2, seed=3, concat_order="x_first")
    data = weights_bytes(p, "textbook", "safetensors")
    assert same_bits(load_weights(data, concat_order=None), p)
    assert same_bits(load_weights(data), p.with_concat_order("h_first"))


# -- round trips --------------------------------------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e150, max_value=1e150)
special = st.sampled_from([0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e150, 0.1])


@st.composite
def params_strategy(draw: Any) -> LSTMParams:
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    order = draw(st.sampled_from(CONCAT_ORDERS))
    values = st.one_of(finite, special)
    arrays: dict[str, Any] = {}
    for g in GATES:
        arrays[g.W] = np.array(draw(st.lists(values, min_size=n * (n + m), max_size=n * (n + m))))
        arrays[g.W] = arrays[g.W].reshape(n, n + m)
        arrays[g.b] = np.array(draw(st.lists(values, min_size=n, max_size=n)))
    return LSTMParams(**arrays, concat_order=order)


@settings(max_examples=40, deadline=None)
@given(params_strategy(), st.sampled_from(LAYOUTS), st.sampled_from(FORMATS))
def test_every_format_and_layout_round_trips_bit_exactly(
    p: LSTMParams, layout: Any, fmt: Any
) -> None:
    buf = io.BytesIO()
    save_weights(p, buf, layout=layout, format=fmt)
    assert same_bits(load_weights(buf.getvalue(), concat_order=p.concat_order), p)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_save_to_a_path_takes_the_format_from_the_extension(
    tmp_path: Path, fmt: str, layout: Any
) -> None:
    p = LSTMParams.random(2, 3, seed=9)
    path = tmp_path / f"w.{fmt}"
    save_weights(p, path, layout=layout)
    assert same_bits(load_weights(path), p)
    if fmt != "safetensors":  # safetensors orders its header's metadata at random
        assert path.read_bytes() == weights_bytes(p, layout, fmt)  # type: ignore[arg-type]
    with path.open("rb") as f:
        assert f.read(1) == weights_bytes(p, layout, fmt)[:1]  # type: ignore[arg-type]


def test_torch_layout_has_exactly_torchs_names_and_shapes() -> None:
    p = LSTMParams.random(3, 5, seed=1)
    d = weights_dict(p, "torch")
    assert {k: v.shape for k, v in d.items()} == {
        "weight_ih_l0": (20, 3),
        "weight_hh_l0": (20, 5),
        "bias_ih_l0": (20,),
        "bias_hh_l0": (20,),
    }
    assert not np.any(d["bias_hh_l0"])
    assert set(np.load(io.BytesIO(weights_bytes(p, "torch", "npz"))).files) == set(d)


def test_save_refuses_an_unknown_extension_layout_or_missing_format(tmp_path: Path) -> None:
    p = LSTMParams.random(2, 2)
    with pytest.raises(ValueError, match=r"\.pt.*\.json, \.npz or \.safetensors"):
        save_weights(p, tmp_path / "w.pt")
    with pytest.raises(ValueError, match="format="):
        save_weights(p, io.BytesIO())
    with pytest.raises(ValueError, match="textbook, torch, keras"):
        save_weights(p, tmp_path / "w.npz", layout="tf")  # type: ignore[arg-type]


# -- the whole app model ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PRESETS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_model_json_round_trips_every_preset(name: str, dtype: Any) -> None:
    e = load_preset(name)
    text = model_to_json(e, dtype)
    doc = json.loads(text)
    assert (doc["format"], doc["version"], doc["precision"]) == (
        MODEL_FORMAT,
        1,
        np.dtype(dtype).name,
    )
    assert doc["concat_order"] == e.params.concat_order
    back, back_dtype = model_from_json(text)
    assert back_dtype is dtype
    assert same_bits(back.params, e.params)
    for k in ("x", "h_prev", "c_prev"):
        assert getattr(back, k).tobytes() == getattr(e, k).tobytes()
    assert model_to_json(back, back_dtype) == text
    assert same_bits(load_weights(text.encode(), concat_order=None), e.params)


def test_model_json_keeps_negative_zero_subnormals_and_extremes() -> None:
    values = [-0.0, 5e-324, -2.2250738585072014e-308, 1e150, 0.1 + 0.2, 1 / 3]
    p = LSTMParams.zeros(2, 3).replace(b_f=values[:3], b_o=values[3:])
    e = CellModel(p, np.array([-0.0, 5e-324]), np.array(values[3:]), np.array(values[:3]))
    back, _ = model_from_json(model_to_json(e))
    assert back.params.b_f.tobytes() == p.b_f.tobytes()
    assert back.params.b_o.tobytes() == p.b_o.tobytes()
    assert back.x.tobytes() == e.x.tobytes() and back.c_prev.tobytes() == e.c_prev.tobytes()


def test_model_json_keeps_peepholes_and_coupling() -> None:
    p = load_preset("random").params.replace(p_f=[0.1, -0.0, 5e-324], p_o=[1, 2, 3], coupled=True)
    e = CellModel(p, np.zeros(3), np.ones(3), np.full(3, -0.5))
    back, _ = model_from_json(model_to_json(e))
    assert back.params.p_f is not None and back.params.p_f.tobytes() == p.p_f.tobytes()
    assert back.params.p_o is not None and back.params.p_o.tolist() == [1, 2, 3]
    assert back.params.p_i is None and back.params.coupled
    plain, _ = model_from_json(model_to_json(load_preset("random")))
    assert plain.params.p_f is None and not plain.params.coupled
    with pytest.raises(ValueError, match="p_o has length 2"):
        doc = json.loads(model_to_json(e))
        doc["params"]["p_o"] = [1.0, 2.0]
        model_from_json(json.dumps(doc))


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ({"format": "something/else", "version": 1}, ["something/else", MODEL_FORMAT]),
        ({"format": MODEL_FORMAT, "version": 2}, ["version 2", "version 1"]),
        ({"version": 1}, ['"format"']),
        ({"format": MODEL_FORMAT, "version": 1, "params": {}}, ["precision"]),
    ],
)
def test_model_json_refuses_unknown_format_or_version(doc: Any, words: list[str]) -> None:
    with pytest.raises(ValueError) as e:
        model_from_json(json.dumps(doc))
    assert all(w in str(e.value) for w in words), str(e.value)


def test_model_json_refuses_a_weights_file_and_bad_vectors() -> None:
    p = LSTMParams.random(2, 2)
    with pytest.raises(ValueError, match="weights file.*load_weights"):
        model_from_json(weights_bytes(p, "textbook", "json").decode())
    doc = json.loads(model_to_json(load_preset("zeros")))
    doc["x_t"] = [1.0, 2.0]
    with pytest.raises(ValueError, match="x_t has length 2 but must have length 3"):
        model_from_json(json.dumps(doc))
    doc["x_t"] = [1.0, float("nan"), 2.0]
    with pytest.raises(ValueError, match="x_t has a non-finite value"):
        model_from_json(json.dumps(doc))


# -- bad files ------------------------------------------------------------------------------------


def test_empty_file_and_random_bytes(tmp_path: Path) -> None:
    refused(b"", "empty", "expected LSTM weights")
    (tmp_path / "e.safetensors").write_bytes(b"")
    refused(tmp_path / "e.safetensors", "empty")
    noise = np.random.default_rng(0).bytes(3000)
    refused(noise, "not in a format read here", "expected LSTM weights")
    refused(b"   {not json", "not valid JSON")
    refused(b"PK\x03\x04garbage", "zip")


def test_real_torch_pt_file_is_refused_with_the_safetensors_hint() -> None:
    msg = refused(FIXTURES / "lstm.pt", ".pt", "never opened")
    assert 'safetensors.torch.save_file(lstm.state_dict(), "lstm.safetensors")' in msg


def test_gru_weights_are_detected_and_named() -> None:
    refused(FIXTURES / "gru.safetensors", "looks like a GRU (3 gates)", "weight_hh_l0", "n = 4")
    n, m = 3, 2  # Keras GRU: recurrent_kernel (n, 3n), bias (2, 3n) with reset_after
    keras_gru = npz(kernel=np.ones((m, 3 * n)), recurrent_kernel=np.ones((n, 3 * n)))
    refused(keras_gru, "GRU", "recurrent_kernel")
    keras_gru2 = npz(
        kernel=np.ones((m, 3 * n)), recurrent_kernel=np.ones((n, 3 * n)), bias=np.ones((2, 3 * n))
    )
    refused(keras_gru2, "GRU")


def test_non_finite_weights_name_the_tensor() -> None:
    for bad in (np.nan, np.inf, -np.inf):
        state = torch_state()
        state["weight_hh_l0"][3, 1] = bad
        refused(safetensors_bytes(state), "weight_hh_l0", "non-finite", "[3, 1]")
    k = weights_dict(LSTMParams.random(2, 2), "keras")
    k["bias"] = k["bias"].copy()
    k["bias"][0] = np.nan
    refused(npz(**{f"lstm/{n}": v for n, v in k.items()}), "lstm/bias", "non-finite")
    doc = json.loads(weights_bytes(LSTMParams.random(2, 2), "textbook", "json"))
    doc["tensors"]["b_c"][1] = float("inf")
    refused(json.dumps(doc).encode(), "b_c", "non-finite")


def test_shapes_that_disagree_name_tensors_and_shapes() -> None:
    state = torch_state(m=3, n=2)
    state["bias_ih_l0"] = np.zeros(7)
    refused(npz(**state), "do not agree", "bias_ih_l0 (7,)", "weight_hh_l0 (8, 2)")
    state = torch_state(m=3, n=2)
    state["weight_ih_l0"] = np.zeros((12, 3))
    refused(npz(**state), "weight_ih_l0 (12, 3)", "weight_hh_l0 (8, 2)")
    state = torch_state(m=3, n=2)
    state["weight_ih_l0"] = np.zeros(8)
    refused(npz(**state), "weight_ih_l0 (8,)")
    k = weights_dict(LSTMParams.random(3, 2), "keras")
    refused(npz(kernel=k["kernel"][:, :6], recurrent_kernel=k["recurrent_kernel"]), "kernel (3, 6)")
    t = weights_dict(LSTMParams.random(3, 2), "textbook")
    t["W_c"] = np.zeros((2, 4))
    refused(npz(**t), "W_c has shape (2, 4)")


def test_rows_not_a_multiple_of_4_and_plain_rnn() -> None:
    refused(npz(weight_ih_l0=np.ones((10, 3)), weight_hh_l0=np.ones((10, 5))), "multiple of 4")
    refused(npz(weight_ih_l0=np.ones((9, 3)), weight_hh_l0=np.ones((9, 4))), "multiple of 4")
    refused(npz(weight_ih_l0=np.ones((5, 3)), weight_hh_l0=np.ones((5, 5))), "plain RNN")
    refused(npz(weight_ih_l0=np.ones((8, 3)), weight_hh_l0=np.ones((8, 3))), "4n = 12")


def test_missing_layer_says_which_layers_exist() -> None:
    refused(FIXTURES / "torch_2layer.npz", "layer 2 is not in the file", "0, 1", layer=2)
    refused(FIXTURES / "torch_1layer.safetensors", "layer 1", "layer(s) 0", layer=1)


def test_no_lstm_names_lists_what_is_there() -> None:
    refused(npz(foo=np.ones(3), bar=np.ones(2)), "found no LSTM weights", "foo", "weight_ih_l0")
    refused(
        npz(**{"a.weight_ih_l0": np.ones((8, 1)), "b.weight_hh_l0": np.ones((8, 2))}),
        "several torch LSTMs",
        "'a.'",
        "'b.'",
    )
    refused(npz(W_f=np.ones((2, 3))), "b_f", "W_i")


def test_size_limit_is_stated(tmp_path: Path) -> None:
    big = tmp_path / "big.safetensors"
    with big.open("wb") as f:  # sparse: no 20 MiB written to disk
        f.seek(MAX_BYTES)
        f.write(b"\0")
    refused(big, "limit of 20 MiB")
    refused(b"\0" * (MAX_BYTES + 1), "limit of 20 MiB")
    refused(io.BytesIO(b"\0" * (MAX_BYTES + 1)), "limit of 20 MiB")


def test_zip_bomb_npz_is_refused() -> None:
    buf = io.BytesIO()
    np.savez_compressed(buf, weight_ih_l0=np.zeros((4 * 2**20 * 5 // 8 + 1, 8)))
    assert len(buf.getvalue()) < MAX_BYTES
    refused(buf.getvalue(), "unpacks to more than")


def test_other_files_get_a_pointed_message() -> None:
    refused(b"\x89HDF\r\n\x1a\n" + bytes(100), "HDF5", "np.savez")
    buf = io.BytesIO()
    np.save(buf, np.ones(3))
    refused(buf.getvalue(), "single .npy")
    keras_zip = io.BytesIO()
    with zipfile.ZipFile(keras_zip, "w") as z:
        z.writestr("config.json", "{}")
        z.writestr("model.weights.h5", b"\x89HDF")
    refused(keras_zip.getvalue(), ".keras model")
    refused(npz(W=np.array(["a", "b"])), "found no LSTM weights")
    refused(
        safetensors_bytes(
            {"weight_ih_l0": np.ones((8, 2), np.int32), "weight_hh_l0": np.ones((8, 2))}
        ),
        "dtype I32",
    )


def test_broken_safetensors_headers() -> None:
    entry = {"dtype": "F64", "shape": [8, 2], "data_offsets": [0, 9]}
    header = json.dumps({"weight_ih_l0": entry, "weight_hh_l0": entry})
    data = struct.pack("<Q", len(header)) + header.encode() + bytes(128)
    refused(data, "weight_ih_l0 has 9 bytes", "need 128")
    header = json.dumps({"weight_ih_l0": entry})
    refused(struct.pack("<Q", len(header)) + header.encode() + bytes(9), "no weight_hh")
    header = json.dumps(
        {"weight_ih_l0": {"dtype": "F64", "shape": [8, 2], "data_offsets": [0, 999]}}
    )
    refused(struct.pack("<Q", len(header)) + header.encode() + bytes(16), "outside")
    refused(struct.pack("<Q", 5) + b"{abc}", "not valid JSON")


# -- never unpickle --------------------------------------------------------------------------------


class Boom:
    """Unpickling this would create the file ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> Any:
        return (Path.touch, (self.path,))


def test_a_malicious_pickle_is_never_executed(tmp_path: Path) -> None:
    flag = tmp_path / "pwned"
    payloads = [pickle.dumps(Boom(flag), protocol=k) for k in range(pickle.HIGHEST_PROTOCOL + 1)]
    for k, payload in enumerate(payloads):  # the payload is live: unpickling it would work
        pickle.loads(payload)
        assert flag.exists(), k
        flag.unlink()
    torch_like = io.BytesIO()
    with zipfile.ZipFile(torch_like, "w") as z:
        z.writestr("archive/data.pkl", payloads[2])
        z.writestr("archive/version", "3\n")
    obj = io.BytesIO()
    np.save(obj, np.array([Boom(flag)], dtype=object), allow_pickle=True)
    object_npz = io.BytesIO()
    with zipfile.ZipFile(object_npz, "w") as z:
        z.writestr("weight_ih_l0.npy", obj.getvalue())
        z.writestr("weight_hh_l0.npy", obj.getvalue())
    for data in [*payloads, torch_like.getvalue(), object_npz.getvalue()]:
        with pytest.raises(ValueError) as e:
            load_weights(data)
        assert "pickle" in str(e.value) or "format read here" in str(e.value), str(e.value)
        assert not flag.exists()
        with pytest.raises(ValueError):
            model_from_json(data)
        assert not flag.exists()


# -- uploads of either kind, and what the module imports ----------------------------------------


def test_load_model_or_weights_tells_a_model_from_weights() -> None:
    e = load_preset("seed-answer")
    params, model = load_model_or_weights(model_to_json(e, np.float32).encode(), concat_order=None)
    assert model is not None and model[1] is np.float32
    assert same_bits(params, e.params) and same_bits(model[0].params, e.params)
    params, model = load_model_or_weights(FIXTURES / "torch_2layer.npz", layer=1)
    assert model is None and same_bits(params, load_weights(FIXTURES / "torch_2layer.npz", layer=1))
    with pytest.raises(ValueError, match="GRU"):
        load_model_or_weights(FIXTURES / "gru.safetensors")


@settings(max_examples=30, deadline=None)
@given(params_strategy(), st.data())
def test_model_json_round_trips_any_finite_model(p: LSTMParams, data: Any) -> None:
    values = st.one_of(finite, special)
    n, m = p.n_hidden, p.n_input
    vectors = [np.array(data.draw(st.lists(values, min_size=k, max_size=k))) for k in (m, n, n)]
    e = CellModel(p, *vectors)
    back, dtype = model_from_json(model_to_json(e))
    assert dtype is np.float64 and same_bits(back.params, p)
    assert all(
        getattr(back, k).tobytes() == getattr(e, k).tobytes() for k in ("x", "h_prev", "c_prev")
    )


def test_io_imports_neither_torch_nor_keras_nor_pickle_loaders() -> None:
    code = (
        "import sys, lstm_core, lstm_core.io, lstm_core.exports\n"
        "lstm_core.io.load_weights(sys.argv[1])\n"
        "bad = {'torch', 'tensorflow', 'keras', 'pandas', 'streamlit'} & set(sys.modules)\n"
        "assert not bad, bad\n"
    )
    root = Path(__file__).resolve().parents[1]
    subprocess.run(
        [sys.executable, "-c", code, str(FIXTURES / "torch_1layer.safetensors")],
        check=True,
        cwd=root,
    )


@pytest.mark.parametrize("size", [0x280, 0x380, 0x480, 0x580])
def test_a_safetensors_header_length_that_starts_like_a_pickle_is_read(size: int) -> None:
    """A header of 640 bytes is stored as 80 02 00 …, the first two bytes of a pickle."""
    from safetensors.numpy import save

    state = torch_state()
    for pad in range(size):
        data = save(state, metadata={"note": "x" * pad})
        if struct.unpack("<Q", data[:8])[0] == size:
            break
    else:
        raise AssertionError(f"no padding gives a header of {size} bytes")
    assert data[:1] == b"\x80"
    assert same_bits(load_weights(data), load_weights(safetensors_bytes(state)))
