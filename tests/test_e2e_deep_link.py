"""A fresh server whose very first visitor deep-links to a page (the pages/ trap).

Before ui/frame.ensure(), this first request ran pages/shapes.py without app.py and
showed a traceback (st.session_state has no attribute "model"). It needs its own
server: the session server has already run app.py, which hides the trap.
"""

from __future__ import annotations

from typing import Any

import pytest
from e2e_support import AppPage, StreamlitServer

TITLES = {"/shapes": "Shapes & dimensions", "/sequence": "A whole sequence, one step at a time"}


@pytest.mark.parametrize("path", ["/shapes?preset=seed-question", "/sequence"])
def test_first_request_to_a_fresh_server_can_be_a_deep_link(browser: Any, path: str) -> None:
    with StreamlitServer("app.py", name=f"fresh-server-{path[1:9]}") as server:
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        try:
            app = AppPage(context.new_page(), server.url).open(path)
            app.assert_no_traceback()
            text = app.main_text()
            titles = app.page.locator('[data-testid="stMain"] h1').all_inner_texts()
            assert [t.strip() for t in titles] == [TITLES[path.split("?")[0]]], titles
            assert "Model" in app.page.locator('[data-testid="stSidebar"]').inner_text()
            if path.startswith("/shapes"):
                assert "84" in text  # 4·3·6 + 4·3 for the seed-question preset
            app.shot(f"deep-link-{path[1:9]}")
        finally:
            context.close()
