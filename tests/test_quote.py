"""Outside text in messages: cut to a readable length and shown as text, never as markup.

``lstm_core.numbers.quote`` wraps the text in a Markdown code span; these tests read
messages the way CommonMark does (code spans first) and check that nothing of the
hostile text is left outside a span, where Markdown, HTML or KaTeX could act on it.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_core.numbers import QUOTE_LIMIT, parse_number, quote
from lstm_core.presets import load_preset
from ui.codec import decode, encode
from ui.view import View

HOSTILE = [
    "[click me](https://evil.example/p)",
    "![x](https://evil.example/i.png)",
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script>",
    "javascript:alert(1)",
    r"\href{https://evil.example}{x}",
    r"$\href{https://evil.example}{x}$",
    r"$$\includegraphics{https://evil.example/i.png}$$",
    "a\x00b\x07\n\n# evil\r\n",
    "\u202eevil\u200f",
    ":red[evil] :material/home:",
    "``` ` `` evil `",
    "💥🧮",
    "٣",
    "１٫٥",
    "1" * 7000,
]
MARKUP = re.compile(r"evil|<|>|\]\(|!\[|javascript|\\|\$|\n|\r|\x00")
INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}


def split_spans(message: str) -> tuple[list[str], str]:
    """(contents of the code spans, the text outside them), as CommonMark reads them."""
    spans, outside, k = [], [], 0
    while k < len(message):
        run = re.match(r"`+", message[k:])
        if not run:
            outside.append(message[k])
            k += 1
            continue
        fence = run.group()
        close = re.compile(rf"(?<!`){fence}(?!`)").search(message, k + len(fence))
        if close is None:  # an unmatched run is literal text
            outside.append(fence)
            k += len(fence)
            continue
        spans.append(message[k + len(fence) : close.start()])
        k = close.end()
    return spans, "".join(outside)


def assert_shown_as_text(message: str) -> None:
    spans, outside = split_spans(message)
    assert not MARKUP.search(outside), (message[:300], outside)
    assert not any(unicodedata.category(ch) in INVISIBLE for ch in message), message[:300]
    for span in spans:
        assert len(span) <= 6 * QUOTE_LIMIT + 3  # cut: escapes are at most 6 characters


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_quote_is_one_code_span_of_the_text(text: str) -> None:
    quoted = quote(text)
    spans, outside = split_spans(quoted)
    assert len(spans) == 1
    content = spans[0]
    if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
        content = content[1:-1]  # CommonMark's padding
    expected = "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in INVISIBLE else ch
        for ch in text[:QUOTE_LIMIT]
    )
    assert content == expected + ("…" if len(text) > QUOTE_LIMIT else "")
    assert outside == ("" if len(text) <= QUOTE_LIMIT else f" ({len(text)} characters)")
    assert_shown_as_text(quoted)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.integers(1, 40))
def test_quote_never_lets_text_out(text: str, limit: int) -> None:
    quoted = quote(text, limit)
    spans, outside = split_spans(quoted)
    if not text:
        assert quoted == "(empty)"
        return
    assert len(spans) == 1
    assert outside in ("", f" ({len(text)} characters)")
    assert not any(unicodedata.category(ch) in INVISIBLE for ch in quoted)


def test_a_7000_digit_number_is_quoted_by_its_start_and_length() -> None:
    with pytest.raises(ValueError) as err:
        parse_number("7" * 7000, "W_f[0, 0]")
    message = str(err.value)
    assert message.startswith("W_f[0, 0]: `" + "7" * QUOTE_LIMIT + "…` (7000 characters)")
    assert "7" * (QUOTE_LIMIT + 1) not in message and len(message) < 120


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_parse_number_refuses_hostile_text_and_echoes_it_as_text(text: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_number(text, "x_t[1]")
    message = str(err.value)
    assert message.startswith("x_t[1]: `")
    assert_shown_as_text(message)
    assert len(message) < 200


@pytest.mark.parametrize("text", ["٣", "۳", "१", "３", "١٫٥", "١/٢"])
def test_digits_of_other_scripts_are_refused_with_a_clear_message(text: str) -> None:
    with pytest.raises(ValueError, match="uses digits other than 0-9; write it with the digits"):
        parse_number(text, "b_f[0]")


def test_a_slow_pattern_is_not_slow() -> None:
    """8,000 digits and a letter: refused at once (a backtracking pattern took 15 s)."""
    for text in ("1" * 7999 + "x", "1" * 4000 + "/" + "1" * 3998 + "x", "." + "1" * 7998 + "e"):
        with pytest.raises(ValueError, match="is not a number"):
            parse_number(text)


KEYS = ["preset", "dtype", "focus", "stage", "order", "m", "n", "W_f", "b_o", "x", "c"]


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_every_url_key_echoes_hostile_text_as_text(key: str, text: str) -> None:
    base = {} if key == "preset" else encode(load_preset("seed-answer"), View())
    model, _, warnings = decode(base | {key: text})
    assert warnings, f"no warning for {key}={text[:30]!r}"
    for w in warnings:
        assert_shown_as_text(w)
        assert len(w) < 400
    assert model.params.n_hidden == 3  # a model is loaded: seed-answer, or seed-question


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_an_unknown_key_is_echoed_as_text(text: str) -> None:
    _, _, warnings = decode({"preset": "hadamard", text: "1", "another" + text: "2"})
    (warning,) = warnings
    assert warning.startswith("This link has settings the app does not know (")
    assert_shown_as_text(warning)


def test_unicode_digits_are_refused_in_a_link_too() -> None:
    """The same rule for a typed entry and a link: only the digits 0-9."""
    query = encode(load_preset("seed-answer"), View())
    _, _, warnings = decode(query | {"b_f": "١,2,3"})
    assert "b_f entry 0: `١` uses digits other than 0-9" in warnings[0]
    _, _, warnings = decode(query | {"m": "٣"})
    assert "size m=`٣` is not a whole number" in warnings[0]
    _, view, warnings = decode(query | {"stage": "٣"})
    assert warnings == ["stage `٣` must be 0 to 5; using 0."] and view.stage == 0
