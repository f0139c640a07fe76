"""A fresh server whose very first visitor deep-links to a page.

With the page files in a folder named ``pages/``, this first request ran
``pages/shapes.py`` without app.py and showed a traceback (st.session_state has no
attribute "model"); the pages now live in ``views/``. It needs its own server: the
session server has already run app.py, which would hide the trap.
"""

from __future__ import annotations

from typing import Any

import pytest
from e2e_support import AppPage, StreamlitServer


@pytest.mark.parametrize(
    ("path", "title", "expected"),
    [
        # 84 parameters: 4·3·6 + 4·3 for the seed-question preset
        ("/shapes?preset=seed-question", "Shapes & dimensions", "84"),
        ("/sequence", "A whole sequence, one step at a time", "Time step t (0 to 23)"),
    ],
)
def test_first_request_to_a_fresh_server_can_be_a_deep_link(
    browser: Any, path: str, title: str, expected: str
) -> None:
    with StreamlitServer("app.py", name=f"fresh-server-{path[1:9]}") as server:
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        try:
            app = AppPage(context.new_page(), server.url).open(path)
            app.assert_no_traceback()
            assert app.page.locator("h1").first.inner_text().strip() == title
            text = app.main_text()
            assert expected in text, text[:300]
            assert "Model" in app.page.locator('[data-testid="stSidebar"]').inner_text()
            app.shot(f"deep-link-{path[1:9]}")
        finally:
            context.close()
