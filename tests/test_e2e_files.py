"""The Files section in a real headless Chromium: upload a torch file and see its numbers,
download the model JSON and the step CSV, upload junk and see the message. Screenshots:
test-artifacts/screenshots/files-*.png."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from e2e_support import AppPage

from lstm_core import step
from lstm_core.io import load_weights
from lstm_core.io_model import model_from_json
from ui.fmt import fmt

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures" / "io"
TORCH = FIXTURES / "torch_1layer.safetensors"
EXPANDER = "Files: your own model"


def open_files(app: AppPage, page: str | None = None) -> None:
    app.open("/?preset=seed-question")
    if page:
        app.go_to_page(page)
    app.page.get_by_text(EXPANDER).click()
    app.page.locator('[data-testid="stFileUploaderDropzone"]').wait_for()


def upload(app: AppPage, name: str, data: bytes) -> None:
    box = app.page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    before = app.runs.finished
    box.set_input_files({"name": name, "mimeType": "", "buffer": data})
    while app.runs.finished == before:  # the upload's rerun (charts far below may still draw)
        app.page.wait_for_timeout(50)
    app.page.get_by_text("Could not load").or_(app.page.get_by_text("Loaded ")).first.wait_for()


def center(app: AppPage, text: str) -> None:
    """Scroll the message with ``text`` to the middle of the 1280×720 view (screenshots)."""
    app.page.get_by_text(text).first.evaluate("e => e.scrollIntoView({block: 'center'})")
    app.page.wait_for_timeout(300)


def test_upload_a_torch_file_then_download_the_model_and_the_step(app_page: AppPage) -> None:
    open_files(app_page)
    upload(app_page, "my_lstm.safetensors", TORCH.read_bytes())
    app_page.assert_no_traceback()
    order = app_page.query()["order"]  # the app's concat order stays
    params = load_weights(TORCH, concat_order=order)  # type: ignore[arg-type]
    text = app_page.main_text()
    assert "my_lstm.safetensors" in text and "n = 4 units" in text
    focus = app_page.query()["focus"]
    for value in params.W(focus).flat:  # the focus gate's W, every entry, as the page shows it
        assert fmt(value) in text
    center(app_page, "Loaded ")
    app_page.shot("files-cell-after-upload")

    with app_page.page.expect_download() as got:
        app_page.page.get_by_role("button", name="Model (JSON)").click()
    model, _ = model_from_json(Path(got.value.path()).read_bytes())
    assert all(np.array_equal(model.params.W(g), params.W(g)) for g in "fico")
    assert json.loads(Path(got.value.path()).read_text())["format"] == "lstm-explainer/model"

    with app_page.page.expect_download() as got:
        app_page.page.get_by_role("button", name="This step, per unit (CSV)").click()
    rows = list(
        csv.DictReader(
            line for line in io.StringIO(Path(got.value.path()).read_text()) if line[0] != "#"
        )
    )
    s = step(model.params, model.x, model.h_prev, model.c_prev)
    assert [float(r["h"]) for r in rows] == s.h.tolist()  # exact: written as repr
    assert [int(r["unit"]) for r in rows] == [0, 1, 2, 3]


def test_upload_junk_on_sequence_and_see_the_message(app_page: AppPage) -> None:
    open_files(app_page, "Sequence")
    before = app_page.query()
    upload(app_page, "junk.safetensors", b"this is not an LSTM, just some text\n" * 20)
    app_page.assert_no_traceback()
    errors = app_page.alerts("error")
    assert any("Could not load" in e and "junk.safetensors" in e for e in errors), errors
    assert "not in a format read here" in app_page.main_text()
    assert app_page.query() == before
    center(app_page, "Could not load")
    app_page.shot("files-sequence-after-bad-upload")
