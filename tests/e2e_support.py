"""Plain helpers for driving the app in a real Chromium (no pytest in here).

``tests/conftest.py`` wraps these in fixtures; ``benchmarks/bench_ui.py`` uses
them directly. Nothing here knows about a particular page of the app.

- :func:`find_chromium` and :data:`CHROMIUM_ARGS`: which browser to launch, and how.
- :class:`StreamlitServer`: ``streamlit run <script>`` on a free port, from the repo root.
- :class:`RunCounter`: counts finished script runs by decoding Streamlit's websocket
  messages, the only signal that cannot miss a fast rerun.
- :class:`AppPage`: a Playwright page plus the waits and look-ups a Streamlit test needs.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

VIEWPORT = {"width": 1280, "height": 720}  # the classroom projector
TALL_VIEWPORT = {"width": 1280, "height": 2400}  # Streamlit scrolls inside a div: no full_page

# The machine running the tests has no network: without these flags Chromium keeps
# trying to reach Google's services and fills the logs with refused connections.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
NO_CHROMIUM = (
    "No Chromium found for the browser tests. Install one with "
    "`bash scripts/ensure_chromium.sh` (Debian's chromium package where apt exists, "
    "`playwright install chromium` elsewhere), or point CHROMIUM_PATH at a Chromium binary."
)


# -- the browser ------------------------------------------------------------------------
def find_chromium(bundled: str | None = None) -> str | None:
    """The Chromium to launch, or None.

    In order: ``$CHROMIUM_PATH``; ``chromium``, ``chromium-browser`` or
    ``google-chrome`` on the PATH; Playwright's own build (``bundled``, i.e.
    ``playwright.chromium.executable_path``) if ``playwright install chromium``
    downloaded it.
    """
    env = os.environ.get("CHROMIUM_PATH")
    if env:
        found = shutil.which(env)
        if found:
            return found
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    if bundled and Path(bundled).is_file():
        return bundled
    return None


def chromium_args() -> list[str]:
    """Command-line flags for Chromium; ``--no-sandbox`` only when running as root."""
    args = list(CHROMIUM_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(0, "--no-sandbox")  # Chromium refuses to sandbox itself as root
    return args


# -- the server ---------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class StreamlitServer:
    """``python -m streamlit run <script>`` from the repo root (so .streamlit/config.toml applies).

    Use as a context manager, or call :meth:`start` and :meth:`stop`. The
    server's output goes to ``log_path`` (default ``test-artifacts/<name>.log``),
    which :meth:`start` quotes if the server dies before answering.
    """

    def __init__(
        self,
        script: str = "app.py",
        port: int | None = None,
        *,
        name: str = "streamlit-server",
        extra_args: tuple[str, ...] = (),
        log_path: Path | None = None,
        launcher: str | None = None,
    ) -> None:
        """``launcher``: a script that starts app.py itself (as scripts/run_app.py does)."""
        self.script, self.port = script, port or free_port()
        self.launcher = launcher
        self.extra_args = extra_args
        self.log_path = log_path or ARTIFACTS / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> str:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        # the app as `make run` starts it: its modules imported before the server is up
        launch = (
            [self.launcher or "scripts/run_app.py"]
            if self.script == "app.py"
            else ["-m", "streamlit", "run", self.script]
        )
        cmd = [
            sys.executable, *launch,
            "--server.headless", "true",
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
            # other people edit the sources while tests run: never reload under a test
            "--server.fileWatcherType", "none",
            "--server.runOnSave", "false",
            *self.extra_args,
        ]  # fmt: skip
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
        self._log = log
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"streamlit run {self.script} exited with {self.proc.returncode}:\n"
                    + self.log_tail()
                )
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self.url
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"streamlit run {self.script} did not answer /_stcore/health within "
            f"{timeout:.0f} s:\n" + self.log_tail()
        )

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> StreamlitServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# -- runs ------------------------------------------------------------------------------------
class RunCounter:
    """Counts Streamlit script runs that reached their end, from the websocket itself.

    A run ends with a ``script_finished`` ForwardMsg; runs interrupted by a newer
    rerun (``FINISHED_EARLY_FOR_RERUN``) are not counted. Each message is also
    kept, with its arrival time, in :attr:`log` while :attr:`recording` is on.
    """

    def __init__(self, page: Any) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._ForwardMsg = ForwardMsg
        self._early = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
        self.finished = 0
        self.recording = False
        self.log: list[tuple[float, Any, int]] = []  # (perf_counter, ForwardMsg, bytes)
        page.on("websocket", self._attach)

    def _attach(self, ws: Any) -> None:
        if "/_stcore/stream" in ws.url:
            ws.on("framereceived", self._frame)

    def _frame(self, payload: bytes | str) -> None:
        if isinstance(payload, str):
            return
        msg = self._ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except Exception:  # noqa: BLE001 - a frame we do not understand is not a run
            return
        if self.recording:
            self.log.append((time.perf_counter(), msg, len(payload)))
        if msg.WhichOneof("type") == "script_finished" and msg.script_finished != self._early:
            self.finished += 1


# -- the page ---------------------------------------------------------------------------------
# Installed in every page before its own scripts: the time of the last DOM change.
QUIET_JS = """(() => {
  if (window.__stQuiet) return;
  window.__stQuiet = {last: performance.now()};
  new MutationObserver(() => { window.__stQuiet.last = performance.now(); }).observe(
    document, {subtree: true, childList: true, characterData: true});
})();"""

# Idle: no script running, every Plotly chart drawn, and no DOM change for `quiet` ms
# (Streamlit loads KaTeX, Plotly, the data grid... lazily after the run has finished).
IDLE_JS = """(quiet) => {
  if (!window.__stQuiet || performance.now() - window.__stQuiet.last < quiet) return false;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  const s = app.getAttribute('data-test-script-state');
  if (s === 'running' || s === 'rerunRequested') return false;
  if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]'))
    return false;
  // every Plotly chart has drawn its SVG
  for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!c.querySelector('svg.main-svg')) return false;
  }
  return true;
}"""


class AppPage:
    """A Playwright ``page`` on the Streamlit app, with waits that know Streamlit.

    - ``open("/?preset=seed-question")``: navigate (a new session) and wait for the run.
    - ``rerun(lambda: ...)``: do something that triggers one rerun, and wait for it.
    - ``press_slider("x_t[0]", "ArrowRight")``: keyboard on a slider thumb, one rerun per key.
    - ``choose("Edit", "Exact entry")``: click an option of a segmented control or radio.
    - ``shot("name")``: ``test-artifacts/screenshots/name.png`` at 1280×720
      (``tall=True`` adds ``name-tall.png`` at 1280×2400).
    - ``assert_no_traceback()``, ``alerts("warning")``, ``latex()``, ``main_text()``, ``query()``.
    """

    def __init__(self, page: Any, base_url: str, timeout_ms: float = 30_000) -> None:
        self.page, self.base_url = page, base_url.rstrip("/")
        self.timeout_ms = timeout_ms
        self.runs = RunCounter(page)
        self.in_flight: set[Any] = set()  # HTTP requests (lazily loaded JS chunks...)
        page.on("request", lambda r: self.in_flight.add(r))
        page.on("requestfinished", lambda r: self.in_flight.discard(r))
        page.on("requestfailed", lambda r: self.in_flight.discard(r))
        page.set_default_timeout(timeout_ms)
        page.add_init_script(QUIET_JS)

    # navigation and waits
    def open(self, path_and_query: str = "/") -> AppPage:
        """Load ``base_url + path_and_query`` (a fresh Streamlit session) and wait for its run."""
        if not path_and_query.startswith("/"):
            path_and_query = "/" + path_and_query
        before = self.runs.finished
        self.page.goto(self.base_url + path_and_query)
        self.page.locator('[data-testid="stApp"]').wait_for()
        self.wait_for_runs(before + 1)
        return self

    def wait_idle(self, quiet_ms: float = 100) -> None:
        """Idle: no script running, no HTTP request pending, no placeholder left, every chart
        drawn, the DOM unchanged for ``quiet_ms``, and one more frame painted."""
        deadline = time.monotonic() + self.timeout_ms / 1000
        while self.in_flight or not self.page.evaluate(IDLE_JS, quiet_ms):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the app did not settle within {self.timeout_ms / 1000:.0f} s")
            self.page.wait_for_timeout(25)
        self.page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")

    def wait_for_runs(self, count: int) -> None:
        """Wait until ``count`` runs have finished (see :class:`RunCounter`), then until idle."""
        deadline = time.monotonic() + self.timeout_ms / 1000
        while self.runs.finished < count:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"Streamlit finished {self.runs.finished} runs, expected {count}, "
                    f"within {self.timeout_ms / 1000:.0f} s"
                )
            self.page.wait_for_timeout(20)  # lets Playwright deliver websocket events
        self.wait_idle()

    def rerun(self, action: Callable[[], object], runs: int = 1) -> None:
        """Run ``action`` (a click, a key press...) and wait for the ``runs`` reruns it causes."""
        before = self.runs.finished
        action()
        self.wait_for_runs(before + runs)

    def click_for_rerun(self, target: Any, tries: int = 3, wait_s: float = 10) -> None:
        """Click ``target`` and wait for the rerun; click again if none starts within
        ``wait_s`` (a click that lands while React replaces the element is lost)."""
        before = self.runs.finished
        for _ in range(tries):
            target.click()
            deadline = time.monotonic() + wait_s
            while self.runs.finished == before and time.monotonic() < deadline:
                self.page.wait_for_timeout(20)
            if self.runs.finished > before:
                break
        self.wait_for_runs(before + 1)

    # widgets
    def slider(self, label: str) -> Any:
        """The thumb of the slider whose label is exactly ``label``, or whose widget key is
        ``label`` = "key=<key>" (for labels drawn as math)."""
        if label.startswith("key="):
            css = re.sub(r"[^A-Za-z0-9_-]", "-", label[4:])  # as Streamlit writes st-key-*
            return self.page.locator(f".st-key-{css}").get_by_role("slider")
        exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
        label_el = self.page.locator('[data-testid="stWidgetLabel"]', has_text=exact)
        box = self.page.locator('[data-testid="stSlider"]').filter(has=label_el)
        return box.get_by_role("slider")

    def press_slider(self, label: str, key: str = "ArrowRight", times: int = 1) -> None:
        """Focus a slider thumb and press ``key`` ``times`` times, one rerun each."""
        thumb = self.slider(label)
        thumb.focus()
        for _ in range(times):
            self.rerun(lambda: self.page.keyboard.press(key))

    def choose(self, group: str, option: str) -> None:
        """Pick ``option`` in the segmented control / radio labelled ``group``, and wait."""
        target = self.page.get_by_role("radiogroup", name=group).get_by_role(
            "radio", name=option, exact=True
        )
        self.rerun(target.click)

    def nav_links(self) -> list[str]:
        """Titles of the pages in the sidebar navigation (without their icons)."""
        links = self.page.locator('[data-testid="stSidebarNav"] a')
        return [t.strip().splitlines()[-1].strip() for t in links.all_inner_texts() if t.strip()]

    def go_to_page(self, title: str) -> None:
        """Click the sidebar navigation link whose text contains ``title``, and wait."""
        link = self.page.locator('[data-testid="stSidebarNav"] a', has_text=title).first
        self.rerun(link.click)

    # reading the page
    def main_text(self) -> str:
        """The visible text of the main area (not the sidebar)."""
        return str(self.page.locator('[data-testid="stMain"]').inner_text())

    def latex(self) -> list[str]:
        """The TeX source of every formula on the page (KaTeX keeps it in an annotation)."""
        return list(
            self.page.evaluate(
                "() => [...document.querySelectorAll('annotation[encoding=\"application/x-tex\"]')]"
                ".map(a => a.textContent)"
            )
        )

    def unit_rows(self) -> list[str]:
        """The text of each row of the Cell step's row-by-row table ('-' for '−')."""
        rows = self.page.locator("table.unit-rows tr").all_inner_texts()
        return [r.replace("−", "-") for r in rows]

    def alerts(self, kind: str | None = None) -> list[str]:
        """Texts of st.warning / st.error / st.info / st.success boxes (``kind`` filters)."""
        boxes = self.page.locator('[data-testid="stAlertContainer"]')
        if kind:
            boxes = self.page.locator(
                f'[data-testid="stAlertContainer"]:has([data-testid="stAlertContent{kind.capitalize()}"])'
            )
        return [t.strip() for t in boxes.all_inner_texts()]

    def query(self) -> dict[str, str]:
        """The current URL's query parameters (the app rewrites them after each run)."""
        return dict(parse_qsl(urlsplit(self.page.url).query, keep_blank_values=True))

    def assert_no_traceback(self) -> None:
        """No Streamlit exception box and no Python traceback text anywhere on the page."""
        exc = self.page.locator('[data-testid="stException"]')
        assert exc.count() == 0, f"exception shown on the page: {exc.first.inner_text()[:2000]}"
        body = self.page.locator("body").inner_text()
        assert "Traceback" not in body, f"traceback text on the page: {body[:2000]}"

    # artifacts
    def shot(self, name: str, tall: bool = False) -> Path:
        """Save ``test-artifacts/screenshots/<name>.png`` at 1280×720 (+ ``-tall``: 1280×2400)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        if tall:
            size = self.page.viewport_size or VIEWPORT
            self.page.set_viewport_size(TALL_VIEWPORT)
            try:
                self.wait_idle()
                self.page.wait_for_timeout(300)  # Plotly redraws on resize
                self.page.screenshot(path=str(SCREENSHOTS / f"{name}-tall.png"))
            finally:
                self.page.set_viewport_size(size)
        return path


@contextmanager
def recording(counter: RunCounter) -> Iterator[list[tuple[float, Any, int]]]:
    """Collect the websocket messages received inside the block."""
    counter.log.clear()
    counter.recording = True
    try:
        yield counter.log
    finally:
        counter.recording = False
