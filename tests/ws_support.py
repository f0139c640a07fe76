"""A browser tab without the browser: one Streamlit session over its websocket (no pytest here).

``benchmarks/bench_load.py`` runs hundreds of these at once; ``tests/test_serve.py``
uses a few to check the proxy of ``make serve``. A :class:`WsSession` does what
Chromium does on a page of the app, message for message:

1. ``GET /`` (the HTML: nginx's affinity cookie and Streamlit's XSRF cookie arrive here);
2. opens ``/_stcore/stream`` with those cookies, the same ``Origin`` and the
   ``streamlit`` subprotocol, and sends ``BackMsg.rerun_script`` with the query string
   and no widget state (the first run of the page);
3. keeps every widget's value as the page does (from the widget elements in the
   ``ForwardMsg`` deltas; a value the server sets wins, one the user set stays), the
   current query string (``page_info_changed``), the page (``navigation``) and the
   fragment each widget belongs to (``Delta.fragment_id``);
4. on an edit, sends the ``rerun_script`` Chromium sends when a slider moves: the URL's
   query string, the state of every widget with a value, the page's script hash, the
   widget's fragment id and the context info (the shape was copied from a capture of
   Chromium's frames with Playwright).

A rerun ends with ``script_finished``; ``FINISHED_EARLY_FOR_RERUN`` means a newer rerun
replaced it, and the time of an edit runs until the run that replaced it finishes (what
the student waits for). An exception element, a compile error, a closed socket or a
rerun that never finishes counts as an error.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any, TypeVar
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coro)`` in a thread of its own: works even where an event loop is
    already running (Playwright's sync API keeps one in pytest's thread)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


WORKER_HEADER = "X-Lstm-Worker"  # set by deploy/nginx.conf.template: the upstream's address
_STATUS = ForwardMsg.ScriptFinishedStatus
DONE = {_STATUS.Value("FINISHED_SUCCESSFULLY"), _STATUS.Value("FINISHED_FRAGMENT_RUN_SUCCESSFULLY")}
SUPERSEDED = _STATUS.Value("FINISHED_EARLY_FOR_RERUN")


def widget_state(kind: str, el: Any) -> tuple[str, Any] | None:
    """The WidgetState field and value Chromium sends for a widget element, or None (buttons
    and other triggers have no state until pressed)."""
    if kind == "slider":
        return "double_array_value", list(el.value if el.set_value else el.default)
    if kind == "number_input":
        value = el.value if el.set_value else el.default
        return ("int_value", int(value)) if el.data_type == el.INT else ("double_value", value)
    if kind in ("radio", "selectbox"):
        if el.set_value or el.raw_value:
            return "string_value", el.raw_value
        return "string_value", el.options[el.default] if el.options else ""
    if kind == "button_group":
        if el.set_value:
            return "string_array_value", list(el.raw_values)
        return "string_array_value", [el.options[i].content for i in el.default]
    if kind == "checkbox":
        return "bool_value", bool(el.value if el.set_value else el.default)
    return None


@dataclass
class Edit:
    sent: float
    done: float | None = None


@dataclass
class WsSession:
    """One session of the app at ``base_url`` (``http://host:port``), opened on ``path``."""

    base_url: str
    path: str = "/?preset=seed-question"
    timeout: float = 30.0
    cookies: dict[str, str] = field(default_factory=dict)
    worker: str | None = None  # the upstream that served the websocket (behind the proxy)
    errors: list[str] = field(default_factory=list)
    runs: int = 0  # complete runs (full or fragment)
    superseded: int = 0
    edits: list[Edit] = field(default_factory=list)
    open_seconds: float | None = None
    http_statuses: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.query = urlsplit(self.path).query
        self.widgets: dict[str, tuple[str, Any]] = {}  # id -> (WidgetState field, value)
        self.fragment: dict[str, str] = {}  # widget id -> fragment id ("" outside any)
        self.page_hash = ""
        self._cache: dict[str, ForwardMsg] = {}  # hash -> message, as the browser caches
        self._pending: list[Edit] = []
        self._finished = asyncio.Event()
        self._ws: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._sends: set[asyncio.Future[None]] = set()

    # -- connection ------------------------------------------------------------------------
    def _get(self, path: str) -> bytes:
        """An HTTP GET with this session's cookies; keeps the cookies it sets (like a tab)."""
        req = urllib.request.Request(self.base_url + path)
        if self.cookies:
            req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        with urllib.request.urlopen(req, timeout=self.timeout) as r:
            self.http_statuses.append(r.status)
            for header in r.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                self.cookies.update({k: m.value for k, m in jar.items()})
            return bytes(r.read())

    async def open(self) -> float:
        """Load the page and wait for its first run; returns the seconds it took."""
        t0 = time.perf_counter()
        await asyncio.to_thread(self._get, urlsplit(self.path).path or "/")
        ws_url = "ws" + self.base_url[4:] + "/_stcore/stream"
        headers = {"Origin": self.base_url}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self._ws = await asyncio.wait_for(
            websockets.connect(
                ws_url,
                subprotocols=[websockets.Subprotocol("streamlit")],
                additional_headers=headers,
                max_size=None,
                compression=None,
                open_timeout=self.timeout,
                ping_interval=None,  # the server pings; a browser only answers
            ),
            self.timeout,
        )
        self.worker = self._ws.response.headers.get(WORKER_HEADER)
        self._reader = asyncio.create_task(self._read())
        edit = self._send_rerun(widgets=False, fragment="")
        await self._wait(edit)
        self.open_seconds = time.perf_counter() - t0
        return self.open_seconds

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            try:
                await asyncio.wait_for(self._reader, 5)
            except (TimeoutError, asyncio.CancelledError):
                self._reader.cancel()
        self._ws = None

    # -- edits -----------------------------------------------------------------------------
    def widget_id(self, key: str) -> str:
        """The id of the widget whose key is ``key`` (Streamlit ids end in ``-<key>``), or
        whose label-derived id is the first slider when ``key`` is ``"*slider"``."""
        for wid, (kind, _) in self.widgets.items():
            if wid.endswith(f"-{key}") or (key == "*slider" and kind == "double_array_value"):
                return wid
        raise KeyError(f"no widget with key {key!r} on the page (have {list(self.widgets)})")

    def edit(self, key: str, value: float) -> Edit:
        """Move the slider ``key`` to ``value`` as Chromium does: returns the pending edit."""
        wid = self.widget_id(key)
        self.widgets[wid] = ("double_array_value", [round(value, 10)])
        return self._send_rerun(widgets=True, fragment=self.fragment.get(wid, ""))

    async def edit_and_wait(self, key: str, value: float) -> float:
        """One edit, waiting for its run; returns the seconds from send to script_finished."""
        edit = self.edit(key, value)
        await self._wait(edit)
        assert edit.done is not None
        return edit.done - edit.sent

    def _send_rerun(self, *, widgets: bool, fragment: str) -> Edit:
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query
        rerun.widget_states.SetInParent()
        if widgets:
            for wid, (kind, value) in self.widgets.items():
                state = rerun.widget_states.widgets.add(id=wid)
                target = getattr(state, kind)
                if kind.endswith("_array_value"):
                    target.data.extend(value)
                else:
                    setattr(state, kind, value)
            rerun.page_script_hash = self.page_hash
            if fragment:
                rerun.fragment_id = fragment
        ctx = rerun.context_info
        ctx.timezone, ctx.timezone_offset, ctx.locale = "UTC", 0, "en-US"
        ctx.url, ctx.is_embedded, ctx.color_scheme = self.base_url + "/", False, "light"
        edit = Edit(sent=time.perf_counter())
        self._pending.append(edit)
        self.edits.append(edit)
        self._finished.clear()
        if self._ws is None:
            raise ConnectionError("the session is closed")
        task = asyncio.ensure_future(self._ws.send(msg.SerializeToString()))
        self._sends.add(task)  # keep a reference until it is sent
        task.add_done_callback(self._sends.discard)
        return edit

    async def _wait(self, edit: Edit) -> None:
        deadline = time.perf_counter() + self.timeout
        while edit.done is None:
            remaining = deadline - time.perf_counter()
            if remaining <= 0 or (self._reader is not None and self._reader.done()):
                self.errors.append(f"no script_finished within {self.timeout:.0f} s")
                raise TimeoutError(self.errors[-1])
            try:
                await asyncio.wait_for(self._finished.wait(), remaining)
            except TimeoutError:
                continue
            self._finished.clear()

    # -- messages ----------------------------------------------------------------------------
    async def _read(self) -> None:
        try:
            async for data in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                await self._handle(msg)
        except websockets.ConnectionClosedOK:
            pass
        except Exception as err:  # noqa: BLE001 - any failure of the socket is an error
            self.errors.append(f"websocket: {type(err).__name__}: {err}")
        finally:
            self._finished.set()

    async def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":  # a message this tab has had before: from its cache
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                raw = await asyncio.to_thread(self._get, f"/_stcore/message?hash={msg.ref_hash}")
                cached = ForwardMsg()
                cached.ParseFromString(raw)
            msg, kind = cached, cached.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = msg
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            el_kind = element.WhichOneof("type")
            if el_kind == "exception":
                self.errors.append(f"exception on the page: {element.exception.message[:200]}")
                return
            el = getattr(element, el_kind)
            wid = getattr(el, "id", "")
            state = widget_state(el_kind, el) if wid else None
            if state is not None and (wid not in self.widgets or getattr(el, "set_value", False)):
                self.widgets[wid] = state
            if state is not None:
                self.fragment[wid] = msg.delta.fragment_id
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "new_session" and not self.page_hash:
            self.page_hash = msg.new_session.page_script_hash
        elif kind == "script_finished":
            status = msg.script_finished
            if status == SUPERSEDED:
                self.superseded += 1
                return
            if status not in DONE:
                self.errors.append(f"script finished with status {_STATUS.Name(status)}")
            self.runs += 1
            now = time.perf_counter()
            for edit in self._pending:
                edit.done = now
            self._pending.clear()
            self._finished.set()
