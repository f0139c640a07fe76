"""Keyboard stepping (ui/keys.py): one bar per page answers N and P (the browser test
tests/test_e2e_keys.py presses the keys); the Keys help names every key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ui.keys import NEXT_KEYS, PREV_KEYS, help_md


def test_the_help_names_every_key() -> None:
    text = help_md("time step")
    assert all(k in text for k in NEXT_KEYS + PREV_KEYS) and "next time step" in text


def test_one_bar_per_page_answers_n_and_p(app_test: Callable[..., Any]) -> None:
    at = app_test({"preset": "seed-question"})
    assert at.button(key="ctl:stage:next").proto.shortcut == "n"
    assert at.button(key="ctl:stage:prev").proto.shortcut == "p"
    at.switch_page("views/sequence.py").run()
    assert not at.exception
    assert at.button(key="seq:next").proto.shortcut == "n"  # the keys step time here
    assert at.button(key="seq:stage:next").proto.shortcut == ""  # … not the stage
