"""Shared fixtures for every test of the app: browser (Playwright) and AppTest.

Browser tests (real headless Chromium, one Streamlit server per test session)
------------------------------------------------------------------------------
``app_page``
    An :class:`e2e_support.AppPage`: a new tab (1280×720) in a browser context shared
    by the session for its HTTP cache; each ``open()`` is a new Streamlit session::

        @pytest.mark.browser
        def test_something(app_page):
            app_page.open("/?preset=seed-question")     # waits for the run to finish
            app_page.press_slider("key=sl:x:0", "ArrowRight")  # waits for the rerun
            assert "91" in app_page.main_text()
            app_page.assert_no_traceback()
            app_page.shot("my-page-seed", tall=True)    # test-artifacts/screenshots/

    Other pages: ``app_page.open("/shapes")`` (the page's url path) or
    ``app_page.go_to_page("Shapes")`` (clicks the sidebar link). See the
    ``AppPage`` docstring for the other helpers (``rerun``, ``choose``,
    ``latex``, ``alerts``, ``query``...).
    A failed test leaves ``test-artifacts/screenshots/FAILED-<test>.png`` (1280×2400).
``shared_context``
    The session's browser context behind ``app_page`` (rarely needed directly).
``new_app_page``
    A factory: ``new_app_page()`` returns another ``AppPage`` in a new browser
    context (no shared cookies or session), e.g. to open a copied URL "in a
    fresh browser".
``streamlit_server``
    The base URL of ``streamlit run app.py``, started once per session from the
    repo root with this interpreter (its log: ``test-artifacts/streamlit-server.log``).
    ``--base-url http://host:port`` runs the tests against an already running app.

pytest-playwright's own ``page``, ``context``, ``browser`` and ``new_context``
fixtures work too: ``browser_type_launch_args`` and ``browser_context_args`` are
overridden here so they launch the system Chromium (never a download) with
``--no-sandbox`` when root and the no-network flags, at 1280×720, with
``base_url`` set to the server (``page.goto("/")``). Do not start a second
``sync_playwright()`` inside the tests: one per process.

If no Chromium exists the browser tests FAIL (they are never skipped); install one
with ``bash scripts/ensure_chromium.sh`` (``make test`` does). Every test that uses
one of these fixtures gets the ``browser`` marker automatically
(``pytest -m "not browser"`` leaves them out).

AppTest (no browser)
--------------------
``app_test``
    A factory for ``AppTest.from_file("app.py")`` on the real entry point::

        def test_page(app_test):
            at = app_test({"preset": "seed-question"})   # runs it once
            at.switch_page("views/shapes.py").run()

    Read :func:`app_test` about why the page files are not in ``pages/``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # e2e_support
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # app modules

from e2e_support import (  # noqa: E402
    NO_CHROMIUM,
    ROOT,
    SCREENSHOTS,
    TALL_VIEWPORT,
    VIEWPORT,
    AppPage,
    StreamlitServer,
    chromium_args,
    find_chromium,
)

BROWSER_FIXTURES = {
    "hidpi_page",
    "app_page",
    "shared_context",
    "new_app_page",
    "streamlit_server",
    "page",
    "context",
    "new_context",
    "browser",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


CALL_FAILED = pytest.StashKey[bool]()


def _failure_shot(request: pytest.FixtureRequest, app: AppPage) -> None:
    """After a failed test, screenshot its page as FAILED-<test>.png (1280×2400)."""
    if not request.node.stash.get(CALL_FAILED, False):
        return
    name = "FAILED-" + re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    try:
        app.page.set_viewport_size(TALL_VIEWPORT)
        app.page.wait_for_timeout(300)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        app.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    except Exception as err:  # noqa: BLE001 - never hide the test's own failure
        print(f"could not save {name}.png: {err}")


# -- server --------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def streamlit_server(pytestconfig: pytest.Config) -> Iterator[str]:
    """Base URL of the app: ``streamlit run app.py`` on a free port, for the whole session."""
    external = pytestconfig.getoption("--base-url", default=None)
    if external:
        yield str(external).rstrip("/")
        return
    server = StreamlitServer("app.py")
    try:
        server.start()
    except RuntimeError as err:
        pytest.fail(str(err), pytrace=False)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def base_url(streamlit_server: str) -> str:
    """pytest-playwright's base_url: ``page.goto("/?preset=zeros")`` reaches the app."""
    return streamlit_server


# -- browser (overrides of pytest-playwright's fixtures) ---------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], playwright: Any, browser_name: str | None
) -> dict[str, Any]:
    """Launch the system Chromium with our flags; fail (never skip) when there is none."""
    if browser_name not in (None, "chromium"):
        return browser_type_launch_args
    exe = find_chromium(bundled=playwright.chromium.executable_path)
    if exe is None:
        pytest.fail(NO_CHROMIUM, pytrace=False)
    args = [*browser_type_launch_args.get("args", []), *chromium_args()]
    return {**browser_type_launch_args, "executable_path": exe, "args": args}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": dict(VIEWPORT)}


@pytest.fixture(scope="session")
def shared_context(browser: Any, browser_context_args: dict[str, Any]) -> Iterator[Any]:
    """One browser context for all ``app_page`` tests: its HTTP cache keeps Streamlit's
    JavaScript, so a page opens in about a second instead of several. Each ``open()``
    is still a new Streamlit session (a new websocket): tests do not share app state."""
    context = browser.new_context(**browser_context_args)
    yield context
    context.close()


@pytest.fixture
def app_page(
    shared_context: Any, streamlit_server: str, request: pytest.FixtureRequest
) -> Iterator[AppPage]:
    """An AppPage (see ``e2e_support.AppPage``): a new tab at 1280×720.

    When the test fails, its page is saved as ``screenshots/FAILED-<test>.png``.
    """
    app = AppPage(shared_context.new_page(), streamlit_server)
    yield app
    _failure_shot(request, app)
    app.page.close()


@pytest.fixture
def hidpi_page(
    browser: Any, browser_context_args: dict[str, Any], streamlit_server: str
) -> Iterator[AppPage]:
    """An AppPage at 1280×720 with device scale 1.5 (a projector's laptop), its own context."""
    context = browser.new_context(**browser_context_args, device_scale_factor=1.5)
    app = AppPage(context.new_page(), streamlit_server)
    yield app
    context.close()


@pytest.fixture
def new_app_page(
    browser: Any,
    browser_context_args: dict[str, Any],
    streamlit_server: str,
    request: pytest.FixtureRequest,
) -> Iterator[Callable[[], AppPage]]:
    """``new_app_page()`` → an AppPage in a brand-new browser context: no cookies, no
    storage, no cache, like a fresh browser on another machine."""
    made: list[AppPage] = []
    contexts: list[Any] = []

    def make() -> AppPage:
        contexts.append(browser.new_context(**browser_context_args))
        made.append(AppPage(contexts[-1].new_page(), streamlit_server))
        return made[-1]

    yield make
    for app in made:
        _failure_shot(request, app)
    for context in contexts:
        context.close()


# -- AppTest ---------------------------------------------------------------------------------------
@pytest.fixture
def app_test() -> Callable[..., Any]:
    """``app_test(query=None, timeout=30)`` → ``AppTest.from_file("app.py")``, already run once.

    Exactly what Streamlit does, no patching. The page files live in ``views/``: with
    ``st.navigation`` and a folder named ``pages/``, every AppTest run after the first
    (``switch_page``, a widget's ``set_value(...).run()``, a bare ``run()``) would start
    ``pages/<page>.py`` WITHOUT app.py (tests/test_app_cell.py shows it, Streamlit 1.67).
    Do not add a ``pages/`` folder; a page's test can check ``at.sidebar`` to see that
    app.py's frame ran around it.
    """
    from streamlit.testing.v1 import AppTest

    def make(query: dict[str, str] | None = None, timeout: float = 30) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        for k, v in (query or {}).items():
            at.query_params[k] = v
        return at.run()

    return make
