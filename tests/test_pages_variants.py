"""The Variants page through app.py with AppTest, and lstm_core.variants itself."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_pages_teaching import AppTestFactory, open_page, texts

from lstm_core import GRUParams, LSTMParams, gru_step, step
from lstm_core.presets import load_preset
from lstm_core.variants import (
    VARIANTS,
    compare,
    gru_convention_gap,
    gru_from_lstm,
    peepholes,
    variant_params,
)
from ui.fmt import fmt, short_vec

PAGE = "views/variants.py"
KEYS = [v.key for v in VARIANTS]


def _html(at: Any) -> str:
    return "\n".join(str(e.proto.body) for e in at.get("html"))


@pytest.mark.parametrize("key", KEYS)
def test_every_variant_renders_from_its_url(app_test: AppTestFactory, key: str) -> None:
    at = open_page(app_test, PAGE, {"preset": "seed-question", "variant": key})
    assert at.radio(key="var:pick").value == key
    assert not at.warning
    model = load_preset("seed-question")
    chosen = next(o for o in compare(model) if o.variant.key == key)
    html = _html(at)
    assert "▶ " + chosen.variant.title in html
    for o in compare(model):  # the side-by-side h_t are the core's
        assert short_vec(o.h, 4, 8) in html, o.variant.key
    assert str(chosen.n_params) in texts(at)


def test_picking_a_variant_writes_it_to_the_url(app_test: AppTestFactory) -> None:
    at = open_page(app_test, PAGE)
    assert "variant" not in at.query_params  # plain is the default and is not written
    at.radio(key="var:pick").set_value("gru_2014").run()
    assert at.query_params["variant"] == ["gru_2014"] or at.query_params["variant"] == "gru_2014"
    assert "Cho et al. 2014" in texts(at)


def test_a_bad_variant_in_the_url_is_quoted_and_plain_is_used(app_test: AppTestFactory) -> None:
    at = app_test({"preset": "seed-question", "variant": "lstm<b>"})  # shown on the first run
    warnings = "\n".join(str(w.value) for w in at.warning)
    assert "variant `lstm<b>` is unknown" in warnings and "using plain" in warnings
    at.switch_page(PAGE).run()
    assert not at.exception and at.radio(key="var:pick").value == "plain"


@pytest.mark.parametrize("preset", ["random", "seed-question"])
def test_the_gru_card_shows_the_core_gap(app_test: AppTestFactory, preset: str) -> None:
    at = open_page(app_test, PAGE, {"preset": preset, "variant": "gru_torch"})
    gap = gru_convention_gap(load_preset(preset))[2]
    if preset == "random":
        assert gap > 1e-3
        assert f"differ by up to **{fmt(gap, 4)}** per unit" in texts(at)
    else:  # z_t = 1 in every unit: h_t = h_{t-1} in both conventions
        assert gap == 0.0 and "**agree exactly**" in texts(at)


# -- the core behind the page ----------------------------------------------------------------
def test_variant_params_follow_the_lstm() -> None:
    p = LSTMParams.random(3, 4, seed=1)
    assert variant_params(p, "plain").plain
    peep = variant_params(p, "peephole")
    assert isinstance(peep, LSTMParams) and peep.peepholes and not peep.coupled
    np.testing.assert_array_equal(peep.p_o, peepholes(4)["p_o"])
    assert isinstance(variant_params(p, "coupled"), LSTMParams)
    g = variant_params(p, "gru_torch")
    assert isinstance(g, GRUParams) and g.reset_after
    np.testing.assert_array_equal(g.W_z, p.W_f)
    np.testing.assert_array_equal(g.b_n, p.b_c)
    with pytest.raises(ValueError, match="variant 'rnn' is unknown"):
        variant_params(p, "rnn")


def test_compare_matches_step_and_gru_step() -> None:
    model = load_preset("seed-question")
    p = model.params
    out = {o.variant.key: o for o in compare(model)}
    plain = step(p, model.x, model.h_prev, model.c_prev)
    np.testing.assert_array_equal(out["plain"].h, plain.h)
    for reset_after, key in ((True, "gru_torch"), (False, "gru_2014")):
        s = gru_step(gru_from_lstm(p, reset_after), model.x, model.h_prev)
        np.testing.assert_array_equal(out[key].h, s.h)
        assert out[key].c is None and out[key].keeps == "h_t only"
    n, m = p.n_hidden, p.n_input
    assert out["plain"].n_params == 4 * n * (n + m + 1)
    assert out["coupled"].n_params == 3 * n * (n + m + 1)
    assert out["gru_2014"].n_params == 3 * n * (n + m + 1)
    assert out["gru_torch"].n_params == 3 * n * (n + m + 1) + n
    assert out["gru_torch"].n_params_torch == 3 * n * (n + m + 2)
    assert out["plain"].n_params_torch == 4 * n * (n + m + 2)
    assert out["peephole"].n_params_torch is None


# -- the variants' own numbers in the link -------------------------------------------------
def _seed_link(**own: str) -> dict[str, str]:
    from ui.codec import encode
    from ui.view import View

    return encode(load_preset("random"), View(variant="gru_torch")) | own


def test_edited_arrays_in_the_link_change_h_t(app_test: AppTestFactory) -> None:
    model = load_preset("random")
    n = model.params.n_hidden
    link = _seed_link(p_f=",".join(["2"] * n), b_hn=",".join(["0.5"] * n))
    at = open_page(app_test, PAGE, link)
    assert not at.warning, [w.value for w in at.warning]
    own = {"p_f": np.full(n, 2.0), "b_hn": np.full(n, 0.5)}
    html = _html(at)
    for o in compare(model, own):
        assert short_vec(o.h, 4, 8) in html, o.variant.key
    before = {o.variant.key: o.h for o in compare(model)}
    after = {o.variant.key: o.h for o in compare(model, own)}
    assert not np.allclose(before["peephole"], after["peephole"])
    assert not np.allclose(before["gru_torch"], after["gru_torch"])
    np.testing.assert_array_equal(before["gru_2014"], after["gru_2014"])  # it has no b_hn
    assert at.query_params["p_f"] in (link["p_f"], [link["p_f"]])  # written back
    assert "Follow the LSTM again" in [b.label for b in at.button]


@pytest.mark.parametrize(
    ("key", "text", "said"),
    [
        ("p_f", "1,2", "p_f has shape (2,) but needs (3,)"),
        ("W_r", "1,2;3", "W_r's rows differ in length"),
        ("b_z", "1,nan,3", "b_z"),
        ("W_n", "x" * 9000, "W_n in the link is 9000 characters long"),
        ("p_o", "1e39,0,0", "p_o has the value 1e+39"),
    ],
)
def test_a_hostile_own_array_is_named_and_the_lstm_followed(
    app_test: AppTestFactory, key: str, text: str, said: str
) -> None:
    link = _seed_link(**{key: text})
    if key == "p_o":
        link["dtype"] = "float32"
    at = app_test(link)
    warnings = "\n".join(str(w.value) for w in at.warning)
    assert said in warnings and f"{key} in this link could not be read" in warnings, warnings
    at.switch_page(PAGE).run()
    assert not at.exception and key not in at.query_params
    model = load_preset("random")
    assert short_vec(compare(model)[3].h, 4, 8) in _html(at)


def test_a_resize_drops_the_edited_arrays(app_test: AppTestFactory) -> None:
    n = load_preset("random").params.n_hidden
    at = open_page(app_test, PAGE, _seed_link(p_i=",".join(["1"] * n)))
    assert "p_i" in at.query_params
    at.sidebar.selectbox(key="ctl:n").set_value(n + 1).run()
    assert "p_i" not in at.query_params
    shown = [str(e.value) for kind in ("warning", "info") for e in getattr(at, kind)]
    assert any("follow the LSTM again" in t for t in shown), shown


# -- the walk-through: each variant's stages, diagram and numbers --------------------------------
@pytest.mark.parametrize("key", KEYS)
def test_every_stage_of_every_variant_shows_its_numbers(app_test: AppTestFactory, key: str) -> None:
    from ui.latex import vec
    from ui.stages import VARIANT_STAGES

    at = open_page(app_test, PAGE, {"preset": "random", "variant": key})
    o = next(o for o in compare(load_preset("random")) if o.variant.key == key)
    stages = VARIANT_STAGES[key]
    radio = at.radio(key="var:stage:" + ("gru" if o.variant.gru else "lstm"))
    assert len(radio.options) == len(stages)
    for k, stage in enumerate(stages):
        radio.set_value(k).run()
        assert not at.exception
        assert f"{k + 1}. {stage.title}" in texts(at)
        svg = [str(e.proto.body) for e in at.markdown if "var-diagram" in str(e.proto.body)]
        assert len(svg) == 1 and f"diagram, stage {k + 1}" in svg[0]
        for gate in stage.gates:  # each gate's values, as the core computed them
            assert vec(o.step.gate(gate)) in texts(at), (key, gate)  # type: ignore[union-attr]
    assert vec(o.h) in texts(at)  # the last stage ends with h_t


def test_the_diagrams_draw_what_sets_the_variants_apart() -> None:
    from ui.stages import PEEPHOLE_STAGES, STAGES
    from ui.variant_steps import diagram_svg

    model = load_preset("random")
    out = {o.variant.key: o for o in compare(model)}
    plain = diagram_svg("plain", out["plain"], 1)
    peep = diagram_svg("peephole", out["peephole"], 1)
    assert "stroke-dasharray" not in plain and peep.count("stroke-dasharray") == 3
    coupled = diagram_svg("coupled", out["coupled"], 2)
    assert "1−" in coupled and "1−" not in plain
    torch, cho = (diagram_svg(k, out[k], 3) for k in ("gru_torch", "gru_2014"))
    assert "W·h" in torch and "W·h" not in cho and "GRU cell" in torch
    assert len(PEEPHOLE_STAGES) == len(STAGES)


def test_float32_is_refused_while_an_edited_array_does_not_fit(app_test: AppTestFactory) -> None:
    n = load_preset("random").params.n_hidden
    at = open_page(app_test, PAGE, _seed_link(p_o=",".join(["1e20"] * n)))
    at.sidebar.radio(key="ctl:dtype").set_value("float32").run()
    assert at.session_state["view"].dtype == "float64"
    shown = "\n".join(str(w.value) for w in at.warning)
    assert "not switched to float32" in shown and "`p_o[0] = 1e+20`" in shown, shown


def test_the_walk_through_stage_is_in_the_link(app_test: AppTestFactory) -> None:
    from ui.stages import VARIANT_STAGES

    at = open_page(app_test, PAGE, {"preset": "random", "variant": "peephole"})
    last = len(VARIANT_STAGES["peephole"]) - 1
    at.radio(key="var:stage:lstm").set_value(last).run()
    assert at.query_params["vstage"] == str(last)
    link = dict(at.query_params)
    again = open_page(app_test, PAGE, link)  # a reload, or the link shared
    assert again.radio(key="var:stage:lstm").value == last
    assert f"{last + 1}. {VARIANT_STAGES['peephole'][last].title}" in texts(again)
    # a GRU has fewer stages: the picked stage is cut to its last one, in the link too
    again.radio(key="var:pick").set_value("gru_torch").run()
    gru_last = len(VARIANT_STAGES["gru_torch"]) - 1
    assert gru_last < last
    assert again.radio(key="var:stage:gru").value == gru_last
    assert again.query_params["vstage"] == str(gru_last)


@pytest.mark.parametrize("bad", ["9", "-1", "two", "1e3"])
def test_a_bad_walk_through_stage_in_the_link_is_named(app_test: AppTestFactory, bad: str) -> None:
    at = app_test({"preset": "random", "variant": "gru_2014", "vstage": bad})  # warns at once
    shown = "\n".join(str(w.value) for w in at.warning)
    assert f"vstage `{bad}` must be 0 to" in shown and "GRU (2014 convention)" in shown, shown
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.radio(key="var:stage:gru").value == 0
    assert "vstage" not in at.query_params
