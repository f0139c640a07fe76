"""AppTest helpers for pages with tabs (``ui.show.tabs``): their open tab is the view's."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from ui.view import PAGE_TABS

LAZY_TABS = ("shapes:tab",)  # the keys of the tabs drawn only when open (show.tabs)


def open_tab(at: Any, start: str) -> Any:
    """``at`` rerun with the tab whose label starts with ``start`` open, as a click leaves
    it: the view's tab set (AppTest cannot click a tab; the browser tests do)."""
    j = next(j for j, t in enumerate(at.tabs) if str(t.label).startswith(start))
    page = next(page for page in PAGE_TABS if f"{page}:tab" in at.session_state)
    at.session_state["view"] = replace(
        at.session_state["view"], tab=PAGE_TABS[page][j] if j else ""
    )
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
