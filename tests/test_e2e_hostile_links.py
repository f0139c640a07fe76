"""A hostile link changes nothing but the model: its text is echoed as text, in a real browser.

Each case puts Markdown, HTML, KaTeX or invisible characters into one URL key. The
warning must show the text literally (inside a code element), and the page must
have no element that links or loads from another host, make no request to one,
open no dialog and show no traceback.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from lstm_core.presets import load_preset
from ui.codec import encode
from ui.view import View

MODEL = encode(load_preset("seed-answer"), View())
CASES = {
    "preset-link": {"preset": "[click me](https://evil.example/p)"},
    "preset-image": {"preset": "![x](https://evil.example/i.png)"},
    "unknown-key-image": {"preset": "hadamard", "![k](https://evil.example/k.png)": "1"},
    "matrix-link": MODEL | {"W_f": "[a](https://evil.example/w)"},
    "dtype-html": {
        "preset": "zeros",
        "dtype": "<img src=https://evil.example/x.png onerror=alert(1)>",
    },
    "focus-katex": {"preset": "zeros", "focus": r"$\href{https://evil.example}{x}$"},
    "stage-javascript": {"preset": "zeros", "stage": "javascript:alert(1)"},
    "tab-image": {"preset": "zeros", "tab": "![t](https://evil.example/t.png)"},
    "order-rtl": MODEL | {"order": "\u202eevil\n\n# big"},
    "long-number": MODEL | {"b_f": "9" * 7000 + ",1,1"},
}
OUTSIDE = """() => [...document.querySelectorAll('[href], [src], [xlink\\\\:href]')]
    .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('xlink:href'))
    .filter(u => /evil|javascript:/i.test(u) || new URL(u, location.href).host !== location.host)
    .filter(u => !/^(data|blob|about):/.test(u))"""


@pytest.mark.parametrize("name", CASES)
def test_a_hostile_link_is_echoed_as_text(app_page: Any, name: str) -> None:
    requests: list[str] = []
    dialogs: list[str] = []
    app_page.page.on("request", lambda r: requests.append(r.url))
    app_page.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    app_page.open("/?" + urlencode(CASES[name]))
    app_page.assert_no_traceback()
    warnings = app_page.alerts("warning")
    assert warnings, f"no warning for {name}"
    codes = app_page.page.locator('[data-testid="stAlertContainer"] code').all_inner_texts()
    echoed = [(k if "evil" in k else v)[:20] for k, v in CASES[name].items() if "evil" in k + v]
    echoed += [v[:20] for v in CASES[name].values() if len(v) > 500]
    for piece in echoed:
        shown = piece.replace("\u202e", "\\u202e").replace("\n", "\\u000a")[:20]
        assert any(shown in c for c in codes), (shown, codes)
    assert app_page.page.evaluate(OUTSIDE) == []
    host = urlsplit(app_page.base_url).netloc
    assert [u for u in requests if urlsplit(u).netloc not in (host, "")] == []
    assert dialogs == []
    assert all(len(w) < 400 for w in warnings), warnings
