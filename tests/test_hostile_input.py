"""Hostile typed input, through the real app.py with AppTest: shown as text, never as markup.

The corpus is ``test_quote.HOSTILE`` (Markdown links and images, HTML, ``javascript:``,
KaTeX commands, control and right-to-left characters, emoji, other scripts' digits,
7,000 digits). The browser half (exact-entry grids, the Sequence table, the size
pickers) is tests/test_e2e_hostile_input.py; AppTest cannot type into a data editor.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from app_support import every_tab
from test_quote import HOSTILE, assert_shown_as_text, split_spans

from lstm_core.model import resize_note
from lstm_core.presets import load_preset
from lstm_core.sequences import parse_table
from lstm_core.teaching import STAGES
from ui.codec import decode, encode
from ui.frame import SECTIONS
from ui.linktext import MAX_EDITABLE, MIN_SIZE
from ui.teach import field_key
from ui.view import MAX_ANSWER_CHARS, View

AppTestFactory = Callable[..., Any]
PAGES = [f for items in SECTIONS.values() for f, _, _ in items]
CHECK = "views/check.py"
# what hostile text would do if it escaped its code span
ESCAPED = re.compile(
    r"evil|javascript:|\]\(|!\[|<img|<script|\\href|\\url|\\includegraphics|\\html|\u202e",
    re.I,
)
# KaTeX commands that make links, load images or write HTML attributes
KATEX_ACTIVE = re.compile(r"\\(href|url|includegraphics|html[A-Za-z]*)\b")
NOT_A_NUMBER = re.compile(r"\bnan\b|\binf\b|\binfinity\b", re.I)


def shown_texts(at: Any) -> list[str]:
    """Every text element's source: Markdown, captions, alerts, formulas, HTML and tables."""
    texts = [
        el.value
        for kind in ("markdown", "caption", "error", "warning", "info", "success")
        for el in getattr(at, kind)
    ]
    texts += [el.body for el in at.latex]
    # the tables of numbers, row by row (not the app's own fixed <script> elements)
    texts += [h.proto.body for h in at.get("html") if not h.proto.body.startswith("<script>")]
    for df in at.dataframe:
        value = df.value
        texts.append(value.to_string() if isinstance(value, pd.DataFrame) else str(value))
    return texts


def assert_nothing_escaped(at: Any) -> None:
    assert not at.exception, [e.value for e in at.exception]
    for text in shown_texts(at):
        _, outside = split_spans(text)
        assert not ESCAPED.search(outside), text[:300]
        for math in [*re.findall(r"\$([^$]*)\$", outside), *[el.body for el in at.latex]]:
            assert not KATEX_ACTIVE.search(math), math[:300]


def seed_with(**entries: float) -> dict[str, str]:
    model = load_preset("seed-question")
    for name, value in entries.items():
        model = model.with_entry(name, (0, 0), value)
    return encode(model, View())


# -- the Check page's typed fields ---------------------------------------------------------
CHECK_FIELDS = [field_key("i", stage) for stage in STAGES]  # seed-answer checks the input gate


@pytest.mark.parametrize("start", range(0, len(HOSTILE), len(CHECK_FIELDS)))
def test_check_fields_echo_hostile_text_as_text(app_test: AppTestFactory, start: int) -> None:
    at = app_test({"preset": "seed-answer"})
    at.switch_page(CHECK).run()
    before = dict(at.query_params)
    values = HOSTILE[start : start + len(CHECK_FIELDS)]
    for key, text in zip(CHECK_FIELDS, values, strict=False):
        at.text_input(key=key).input(text)
    at.run()
    assert_nothing_escaped(at)
    assert len(at.error) == len(values), [e.value for e in at.error]
    for err in at.error:
        assert err.value.startswith(("W_i·v", "W_i·v + b_i", "i_t", "C_t", "h_t")), err.value
        assert_shown_as_text(err.value)
    after = dict(at.query_params)
    assert {k: v for k, v in after.items() if not k.startswith("check.")} == before
    # … and the link keeps the typed text as text, to be shown in its field again
    typed = {
        f"check.{k.removeprefix('check:').replace(':', '.')}": t
        for k, t in zip(CHECK_FIELDS, values, strict=False)
    }
    kept = {k: t for k, t in typed.items() if t and len(t) <= MAX_ANSWER_CHARS}
    assert {k: v for k, v in after.items() if k.startswith("check.")} == kept
    shared = app_test(after)
    shared.switch_page(CHECK).run()
    assert_nothing_escaped(shared)
    assert len(shared.error) == len(kept)
    assert {e.value for e in shared.error} <= {e.value for e in at.error}


# -- the Sequence table's cells (the parser the page uses; typing is in the browser test) ---
@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_sequence_cells_echo_hostile_text_as_text(text: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_table([["1", text]], ["x[0]", "x[1]"])
    message = str(err.value)
    assert message.startswith("row t=0, column x[1]: `")
    assert_shown_as_text(message)


def test_sequence_cells_keep_to_the_precision_range() -> None:
    with pytest.raises(ValueError, match=r"row t=0, column x\[0\]: 1e\+39 is too large; stay "):
        parse_table([["1e39"]], ["x[0]"], max_abs=1e17)


# -- float32 --------------------------------------------------------------------------------
def test_switching_to_float32_names_the_entries_that_do_not_fit(app_test: AppTestFactory) -> None:
    query = seed_with(W_f=1e39, W_o=-2e20)
    at = app_test(query)
    at.sidebar.radio(key="ctl:dtype").set_value("float32").run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    for piece in (
        "not switched to float32",
        "W_f[0, 0] = 1e+39",
        "W_o[0, 0] = -2e+20",
        "within ±1e+17",
    ):
        assert piece in warning, warning
    assert at.sidebar.radio(key="ctl:dtype").value == "float64"
    assert dict(at.query_params) == query  # still float64, the model unchanged
    at.run()  # the notice is shown once
    assert not any("not switched" in w.value for w in at.warning)


def test_switching_to_float32_checks_the_sequence_pages_inputs(app_test: AppTestFactory) -> None:
    seq = "1,0,0;1e+39,0,0;2,0,0"  # m = 3
    query = seed_with() | {"seq": seq, "seq0": "0,0,0;-3e20,0,0"}
    at = app_test(query)
    at.switch_page("views/sequence.py").run()
    assert not at.exception and not at.warning
    at.sidebar.radio(key="ctl:dtype").set_value("float32").run()
    warning = " ".join(w.value for w in at.warning)
    for piece in ("not switched to float32", "Sequence inputs[1, 0] = 1e+39", "C_0[0] = -3e+20"):
        assert piece in warning, warning
    assert at.sidebar.radio(key="ctl:dtype").value == "float64"
    assert dict(at.query_params)["seq"] == seq


def test_a_float32_link_with_a_sequence_out_of_range_uses_the_default() -> None:
    query = seed_with() | {"dtype": "float32", "seq": "1,0;1e39,0", "seq0": "0,0,0;0,0,0"}
    _, view, warnings = decode(query)
    assert view.dtype == "float32" and view.seq == "" and view.seq0 == "0,0,0;0,0,0"
    assert len(warnings) == 1 and "The sequence in this link could not be read" in warnings[0]
    assert "1e+39" in warnings[0] and "float32" in warnings[0], warnings


def test_switching_to_float32_works_when_every_entry_fits(app_test: AppTestFactory) -> None:
    at = app_test(seed_with(W_f=1e17))
    at.sidebar.radio(key="ctl:dtype").set_value("float32").run()
    assert not at.warning and decode(dict(at.query_params))[1].dtype == "float32"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("dtype, big", [("float64", 1e150), ("float32", 1e17)])
def test_no_nan_or_inf_is_shown_for_the_largest_values(
    app_test: AppTestFactory, page: str, dtype: str, big: float
) -> None:
    query = seed_with(W_f=big, W_i=-big, W_c=big, W_o=-big) | {"dtype": dtype}
    query |= {"x": f"{big},-{big},{big}", "c": f"{big},-{big},{big}"}
    at = app_test(query)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning, [w.value for w in at.warning]  # the link was read as it is
    for tab in every_tab(at):
        shown = [t for t in shown_texts(tab) if NOT_A_NUMBER.search(t)]
        assert shown == [], [t[:300] for t in shown]


# -- sizes ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "page, keys", [(PAGES[0], ("ctl:m", "ctl:n")), ("views/shapes.py", ("shapes:m", "shapes:n"))]
)
def test_sizes_are_picked_from_1_to_8(app_test: AppTestFactory, page: str, keys: Any) -> None:
    at = app_test({"preset": "seed-question"})
    at.switch_page(page).run()
    for key in keys:
        box = at.selectbox(key=key)
        assert list(box.options) == [str(k) for k in range(MIN_SIZE, MAX_EDITABLE + 1)]


def test_resizing_keeps_what_fits_and_says_what_was_dropped(app_test: AppTestFactory) -> None:
    at = app_test({"preset": "seed-question"})
    before = decode(dict(at.query_params))[0]
    at.sidebar.selectbox(key="ctl:n").set_value(2).run()
    after = decode(dict(at.query_params))[0]
    note = "n 3 → 2: dropped row 2 of each W, entry 2 of each b, the column of h_t-1[2] in each W"
    assert any(note in w.value for w in at.warning), [w.value for w in at.warning]
    kept = [j for j, lab in enumerate(before.params.concat_labels()) if lab != "h[2]"]
    for name in ("W_f", "W_i", "W_c", "W_o"):
        np.testing.assert_array_equal(after.get_array(name), before.get_array(name)[:2][:, kept])
    np.testing.assert_array_equal(after.x, before.x)
    np.testing.assert_array_equal(after.c_prev, before.c_prev[:2])
    at.sidebar.selectbox(key="ctl:n").set_value(3).run()
    assert any(
        "n 2 → 3: the new units' weights, biases and states are 0" in w.value for w in at.warning
    )


@pytest.mark.parametrize(
    "sizes, expected",
    [
        ((3, 3, 3, 3), None),
        (
            (3, 3, 2, 3),
            "m 3 → 2: dropped the column of x_t[2] in each W and entry 2 of x_t; "
            "every other entry is kept.",
        ),
        (
            (2, 4, 2, 1),
            "n 4 → 1: dropped rows 1–3 of each W, entries 1–3 of each b, the "
            "columns of h_t-1[1–3] in each W, and entries 1–3 of h_t-1 and C_t-1; "
            "every other entry is kept.",
        ),
        ((1, 1, 8, 1), "m 1 → 8: the new inputs and their weights are 0."),
    ],
)
def test_resize_note(sizes: tuple[int, int, int, int], expected: str | None) -> None:
    assert resize_note(*sizes) == expected
