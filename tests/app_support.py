"""AppTest helpers for pages whose tabs are drawn only when open (``ui.show.tabs``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

LAZY_TABS = ("shapes:tab",)  # the keys of the app's lazy tabs, one page each


def open_tab(at: Any, start: str) -> Any:
    """``at`` rerun with the tab whose label starts with ``start`` open."""
    label = next(str(t.label) for t in at.tabs if str(t.label).startswith(start))
    key = next(k for k in LAZY_TABS if k in at.session_state)
    at.session_state[key] = label
    at.run()
    assert not at.exception, at.exception
    return at


def every_tab(at: Any) -> Iterator[Any]:
    """``at`` with each of its page's tabs open in turn (just ``at`` without lazy tabs)."""
    if not any(k in at.session_state for k in LAZY_TABS):
        yield at
        return
    for label in [str(t.label) for t in at.tabs]:
        yield open_tab(at, label)
