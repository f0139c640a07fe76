"""The Files section (ui/files.py) in AppTest: uploads become the shared model and the URL
follows; every bad file gets its message and the model stays."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lstm_core import CellModel, LSTMParams
from lstm_core.io import MAX_BYTES, load_weights, weights_bytes
from lstm_core.io_model import model_to_json
from lstm_core.presets import load_preset
from ui.codec import encode
from ui.linktext import MAX_EDITABLE

FIXTURES = Path(__file__).parent / "fixtures" / "io"
PAGES = {"cell": "views/cell_step.py", "seq": "views/sequence.py"}


def upload(at: Any, page: str, name: str, data: bytes) -> Any:
    at.file_uploader(key=f"files:{page}:upload").upload(name, data).run()
    assert not at.exception, at.exception
    return at


def same(a: LSTMParams, b: LSTMParams) -> bool:
    return all(
        np.array_equal(getattr(a, k), getattr(b, k)) for k in ("W_f", "W_i", "W_c", "W_o", "b_f")
    )


def texts(at: Any) -> str:
    return "\n".join(e.value for e in [*at.error, *at.success, *at.text])


@pytest.mark.parametrize("page", PAGES)
def test_a_torch_file_becomes_the_model_and_the_url_follows(app_test, page: str) -> None:
    at = app_test({"preset": "seed-question"})
    if page != "cell":
        at.switch_page(PAGES[page]).run()
    before: CellModel = at.session_state["model"]
    data = (FIXTURES / "torch_1layer.safetensors").read_bytes()
    upload(at, page, "my lstm.safetensors", data)
    model: CellModel = at.session_state["model"]
    assert same(model.params, load_weights(data, concat_order=before.params.concat_order))
    # m = 3 as before: x_t kept; n = 4 instead of 3: h and C start at 0, and it says so
    assert np.array_equal(model.x, before.x)
    assert not model.h_prev.any() and not model.c_prev.any()
    said = texts(at)
    assert "`my lstm.safetensors`" in said and "Set to 0" in said and "h_t-1" in said
    assert dict(at.query_params) == encode(model, at.session_state["view"])
    assert at.sidebar.selectbox(key="ctl:n").value == 4  # the sidebar follows


def test_a_model_json_brings_its_inputs_and_precision(app_test) -> None:
    at = app_test({"preset": "seed-question"})
    saved = load_preset("remember")
    upload(at, "cell", "model.json", model_to_json(saved, np.float32).encode())
    model = at.session_state["model"]
    assert same(model.params, saved.params) and np.array_equal(model.c_prev, saved.c_prev)
    assert at.session_state["view"].dtype == "float32"
    assert dict(at.query_params) == encode(model, at.session_state["view"])


def test_the_layer_picker_loads_the_other_layer(app_test) -> None:
    at = app_test({"preset": "seed-question"})
    data = (FIXTURES / "torch_2layer.npz").read_bytes()
    upload(at, "cell", "two.npz", data)
    at.selectbox(key="files:cell:layer").set_value(1).run()
    order = at.session_state["model"].params.concat_order
    assert same(at.session_state["model"].params, load_weights(data, 1, order))
    assert "layer 1 of 2" in texts(at)


BAD = {
    "junk": (b"\x00\x01 not weights at all \xff" * 10, "not in a format read here"),
    "pickle": ((FIXTURES / "lstm.pt").read_bytes(), "safetensors"),
    "empty": (b"", "empty"),
}


@pytest.mark.parametrize("kind", BAD)
def test_a_bad_file_gets_its_message_and_the_model_stays(app_test, kind: str) -> None:
    at = app_test({"preset": "seed-question"})
    before, url = at.session_state["model"], dict(at.query_params)
    data, reason = BAD[kind]
    upload(at, "cell", f"*{kind}*.safetensors", data)
    assert at.session_state["model"] is before and dict(at.query_params) == url
    assert f"`*{kind}*.safetensors`" in at.error[0].value  # quoted, so * is not emphasis
    assert reason in at.text[-1].value  # the reason as plain text


def test_a_model_over_the_editable_limit_is_refused_by_name(app_test) -> None:
    at = app_test({"preset": "seed-question"})
    before = at.session_state["model"]
    big = LSTMParams.random(2, MAX_EDITABLE + 1, seed=1)
    upload(at, "cell", "big.safetensors", weights_bytes(big, "torch", "safetensors"))
    assert at.session_state["model"] is before
    reason = at.text[-1].value
    assert f"n = {MAX_EDITABLE + 1}" in reason and f"up to {MAX_EDITABLE}" in reason


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(app_test) -> None:
    at = app_test({"preset": "seed-question"})
    before = at.session_state["model"]
    upload(at, "cell", "huge.npz", b"PK\x03\x04" + bytes(MAX_BYTES))
    assert at.session_state["model"] is before
    assert "more than 20 MiB" in at.text[-1].value


def test_a_torch_gru_opens_in_the_gru_view(app_test) -> None:
    from lstm_core import GRUParams, gru_step
    from lstm_core.io_formats import read_container
    from lstm_core.variants import GRU_NAMES, outcome
    from ui.codec import own_arrays

    at = app_test({"preset": "seed-question"})
    data = (FIXTURES / "gru.safetensors").read_bytes()
    upload(at, "cell", "my gru.safetensors", data)
    view = at.session_state["view"]
    assert view.variant == "gru_torch" and at.radio(key="var:pick").value == "gru_torch"
    tensors = read_container(data)[0].tensors
    own, model = own_arrays(view), at.session_state["model"]
    order = model.params.concat_order  # the GRU's columns follow the app's v
    gru = GRUParams.from_torch_state({k: f() for k, f in tensors.items()}, 0, order)
    for name in GRU_NAMES:
        assert np.array_equal(own[name], getattr(gru, name)), name
    assert (model.params.n_input, model.params.n_hidden) == (gru.n_input, gru.n_hidden)
    h = gru_step(gru, model.x, model.h_prev).h
    np.testing.assert_array_equal(outcome(model, "gru_torch", own).h, h)
    assert "a torch.nn.GRU (m = 3 inputs, n = 4 units)" in texts(at)
    assert dict(at.query_params)["W_r"]  # the link holds the GRU


def test_a_gru_of_other_sizes_replaces_the_edited_arrays_quietly(app_test) -> None:
    from ui.codec import own_arrays
    from ui.view import View

    link = encode(load_preset("random"), View()) | {"p_f": "1,2,3"}  # n = 3; the GRU has 4
    at = app_test(link)
    assert "p_f" in own_arrays(at.session_state["view"])
    upload(at, "cell", "gru.safetensors", (FIXTURES / "gru.safetensors").read_bytes())
    own = own_arrays(at.session_state["view"])
    assert "p_f" not in own and own["W_r"].shape == (4, 7)
    assert not any("follow the LSTM again" in str(w.value) for w in at.warning)
