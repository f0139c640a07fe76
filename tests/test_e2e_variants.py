"""The Variants page in a real headless Chromium: each variant renders from its link and from
the picker, and the side-by-side h_t are the core's. Screenshots: test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from e2e_support import AppPage

from lstm_core.presets import load_preset
from lstm_core.variants import VARIANTS, compare
from ui.fmt import short_vec

pytestmark = pytest.mark.browser

PRESET = "random"  # h_{t-1} ≠ 0 and nothing saturated, so all five h_t differ


def _table_rows(app: AppPage) -> dict[str, str]:
    """The side-by-side table as {variant title: its row's text}."""
    rows = app.page.locator('[data-testid="stMain"] table tr')
    out = {}
    for k in range(rows.count()):
        cells = rows.nth(k).locator("td").all_inner_texts()
        if cells:  # header rows have th only
            out.setdefault(cells[0].removeprefix("▶ ").strip(), "\t".join(cells))
    return out


@pytest.mark.parametrize("variant", [v.key for v in VARIANTS])
def test_each_variant_renders_and_matches_the_core(app_page: AppPage, variant: str) -> None:
    app_page.open(f"/variants?preset={PRESET}&variant={variant}")
    app_page.assert_no_traceback()
    text = app_page.main_text()
    assert "Variants side by side" in text
    rows = _table_rows(app_page)
    for o in compare(load_preset(PRESET)):
        row = rows[o.variant.title]
        assert short_vec(o.h, 4, 8) in row.replace("−", "-"), (o.variant.key, row)
        assert str(o.n_params) in row
    chosen = next(v for v in VARIANTS if v.key == variant)
    assert app_page.page.get_by_role("radio", name=chosen.title).is_checked()
    # the walk-through: this variant's diagram, at the stage a student opens first
    svg = app_page.page.locator(".var-diagram svg")
    assert svg.count() == 1
    label = svg.get_attribute("aria-label") or ""
    assert label.startswith("GRU cell" if chosen.gru else "LSTM cell" if variant == "plain" else "")
    app_page.page.locator(".var-diagram").scroll_into_view_if_needed()
    app_page.page.evaluate("window.scrollBy(0, -120)")
    app_page.shot(f"variants-{variant}")


def test_picking_a_variant_updates_the_url_and_the_equations(app_page: AppPage) -> None:
    app_page.open(f"/variants?preset={PRESET}")
    app_page.rerun(lambda: app_page.page.get_by_text("Peephole LSTM", exact=True).first.click())
    assert "variant=peephole" in app_page.page.url
    assert any(r"p_f\odot C_{t-1}" in tex for tex in app_page.latex())
    app_page.shot("variants-peephole", tall=True)


def _h_row(app: AppPage, title: str) -> str:
    return _table_rows(app)[title].replace("−", "-")


def test_an_edited_peephole_changes_h_t_and_a_bad_one_is_named(app_page: AppPage) -> None:
    from test_e2e_cell import _type_in_grid

    from ui.codec import decode, own_arrays

    app_page.open(f"/variants?preset={PRESET}&variant=peephole")
    before = _h_row(app_page, "Peephole LSTM")
    app_page.page.get_by_text("Edit the numbers of the Peephole LSTM").click()
    grids = app_page.page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]')
    grids.first.wait_for()
    _type_in_grid(app_page, grid_index=0, row=0, col=0, text="3")  # p_f[0]
    model, view, problems = decode(app_page.query())
    assert problems == [] and own_arrays(view)["p_f"][0] == 3.0
    after = _h_row(app_page, "Peephole LSTM")
    assert after != before
    o = next(o for o in compare(model, own_arrays(view)) if o.variant.key == "peephole")
    assert short_vec(o.h, 4, 8) in after  # the core's h_t with the edit
    assert _h_row(app_page, "Plain LSTM") == _table_rows(app_page)["Plain LSTM"].replace("−", "-")

    _type_in_grid(app_page, grid_index=0, row=0, col=1, text="1e400")  # p_f[1]: too big
    errors = app_page.alerts("error")
    assert any("p_f[1]" in e for e in errors), errors
    assert own_arrays(decode(app_page.query())[1])["p_f"][0] == 3.0  # the last valid edit stays
    app_page.assert_no_traceback()
    app_page.page.get_by_text("p_f[1]").first.evaluate("e => e.scrollIntoView({block: 'center'})")
    app_page.shot("variants-peephole-edit-error")


def test_a_torch_gru_upload_opens_the_gru_view(app_page: AppPage) -> None:
    from pathlib import Path

    from test_e2e_files import open_files

    gru = Path(__file__).parent / "fixtures" / "io" / "gru.safetensors"
    open_files(app_page)
    box = app_page.page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    box.set_input_files({"name": "my gru.safetensors", "mimeType": "", "buffer": gru.read_bytes()})
    app_page.page.get_by_text("Variants side by side").wait_for()
    app_page.page.get_by_text("Loaded ").first.wait_for()
    app_page.wait_idle()
    app_page.assert_no_traceback()
    assert "/variants" in app_page.page.url and "variant=gru_torch" in app_page.page.url
    assert app_page.page.get_by_role("radio", name="GRU (torch convention)").is_checked()
    assert "a torch.nn.GRU (m = 3 inputs, n = 4 units)" in app_page.main_text()
    app_page.rerun(app_page.page.get_by_text("4 Candidate").click)
    app_page.wait_idle()
    app_page.page.locator(".var-diagram").scroll_into_view_if_needed()
    app_page.shot("variants-gru-upload", tall=True)
