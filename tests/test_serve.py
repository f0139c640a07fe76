"""`make serve`: two Streamlit workers behind nginx, with cookie affinity (scripts/serve.py).

Sessions here are websocket clients that send what Chromium sends (tests/ws_support.py).
nginx names the worker that answered in the X-Lstm-Worker header (deploy/nginx.conf.template).
Needs nginx (``bash scripts/ensure_nginx.sh``; ``make test`` runs it): without it these
tests fail, they are never skipped.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from e2e_support import ROOT, free_port
from ws_support import WsSession, run

SERVE = ROOT / "scripts" / "serve.py"
READY = re.compile(r"nginx pid (\d+).*\nworkers: (.*)\n")


@dataclass
class Served:
    proc: subprocess.Popen[str]
    url: str
    rundir: Path
    nginx: int
    workers: dict[str, int]  # name -> pid
    output: str

    def all_pids(self) -> set[int]:
        """The supervisor, the workers, nginx's master and its worker processes."""
        pids = {self.proc.pid, self.nginx, *self.workers.values()}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.nginx:  # ppid
                pids.add(int(stat.parent.name))
        return pids


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_serve(tmp: Path, workers: int = 2) -> Served:
    """``scripts/serve.py`` on a free loopback port; returns once /healthz answers."""
    if not any(
        os.access(os.path.join(d, "nginx"), os.X_OK)
        for d in [*os.environ.get("PATH", "").split(os.pathsep), "/usr/sbin"]
    ):
        pytest.fail("nginx not found: run `bash scripts/ensure_nginx.sh`", pytrace=False)
    port, rundir = free_port(), tmp / "run"
    proc = subprocess.Popen(
        [sys.executable, str(SERVE), "--workers", str(workers), "--port", str(port),
         "--address", "127.0.0.1", "--rundir", str(rundir)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    output = ""
    deadline = time.monotonic() + 120
    while not (m := READY.search(output)):
        line = proc.stdout.readline()
        if not line or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"serve.py did not start:\n{output}{proc.stdout.read()}", pytrace=False)
        output += line
    workers_pids = {w: int(pid) for w, pid in re.findall(r"(w\d+) pid (\d+)", m.group(2))}
    return Served(proc, f"http://127.0.0.1:{port}", rundir, int(m.group(1)), workers_pids, output)


def stop(served: Served) -> int:
    served.proc.send_signal(signal.SIGTERM)
    return served.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    s = start_serve(tmp_path_factory.mktemp("serve"))
    try:
        yield s
    finally:
        if s.proc.poll() is None:
            stop(s)


def get(url: str, cookie: str = "") -> tuple[int, dict[str, str], str]:
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode()


async def sessions_editing(url: str, n: int, edits: int) -> list[WsSession]:
    """``n`` sessions open Cell step, then each moves x_t[0] ``edits`` times (fragment reruns)."""
    group = [WsSession(url, timeout=60) for _ in range(n)]
    for s in group:  # one after another: nginx's round robin alternates
        await s.open()
    for k in range(edits):
        await asyncio.gather(*(s.edit_and_wait("sl:x:0", 1.0 + 0.1 * (k + 1)) for s in group))
    for s in group:
        await s.close()
    return group


def test_sessions_spread_over_both_workers_and_stay(served: Served) -> None:
    group = run(sessions_editing(served.url, 4, 3))
    for s in group:
        assert s.errors == []
        assert s.runs == 1 + 3  # the page's run, then one fragment rerun per edit
        # the websocket went to the worker that served the page and set the cookie
        assert s.worker == s.cookies["lstm_worker"]
        # every later request of the browser goes there too
        for path in ("/", "/_stcore/health", "/_stcore/host-config"):
            status, headers, _ = get(served.url + path, f"lstm_worker={s.worker}")
            assert (status, headers["X-Lstm-Worker"]) == (200, s.worker), path
    # new browsers alternate between the two processes
    workers = [s.worker for s in group]
    assert all(a != b for a, b in zip(workers, workers[1:], strict=False)), workers
    assert set(workers) == set(served.workers) == {"w0", "w1"}


def test_reconnect_returns_to_the_same_process(served: Served) -> None:
    """A tab that reconnects (same cookie) reaches the process that holds its session."""

    async def twice() -> tuple[str | None, str | None]:
        first = WsSession(served.url)
        await first.open()
        await first.close()
        again = WsSession(served.url, cookies=dict(first.cookies))
        await again.open()
        await again.edit_and_wait("sl:x:0", 1.1)
        await again.close()
        assert first.errors == again.errors == []
        return first.worker, again.worker

    for _ in range(2):  # one browser per worker
        first, again = run(twice())
        assert first == again and first in ("w0", "w1")


def test_unknown_cookie_is_reassigned(served: Served) -> None:
    status, headers, _ = get(served.url + "/", "lstm_worker=w7")
    assert status == 200
    assert headers["X-Lstm-Worker"] in ("w0", "w1")
    assert headers["Set-Cookie"].startswith(f"lstm_worker={headers['X-Lstm-Worker']};")


def test_health_needs_every_worker(served: Served) -> None:
    assert get(served.url + "/healthz")[::2] == (200, "ok 2 workers\n")
    pid = served.workers["w1"]
    os.kill(pid, signal.SIGSTOP)  # w1 stops answering (without dying)
    try:
        status, _, body = get(served.url + "/healthz")
    finally:
        os.kill(pid, signal.SIGCONT)
    assert status == 503 and body.startswith("down: ") and "w1" in body
    deadline = time.monotonic() + 20  # w1 answers again (a busy machine may take a moment)
    while (status := get(served.url + "/healthz")[0]) != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert status == 200


def test_no_request_failed(served: Served) -> None:
    """Every request nginx saw got a 2xx/3xx or the websocket's 101 (the health check's
    deliberate 503 aside), and nginx logged no error."""
    run(sessions_editing(served.url, 2, 1))
    log = (served.rundir / "access.log").read_text()
    statuses = re.findall(r'" (\d{3}) ', log)
    assert statuses and "101" in statuses
    assert [s for s in statuses if s[0] in "45"] == []
    errors = (served.rundir / "error.log").read_text()
    assert not re.search(r"\[(error|crit|alert|emerg)\]", errors), errors


def test_sigterm_stops_every_process(tmp_path: Path) -> None:
    s = start_serve(tmp_path, workers=2)
    pids = s.all_pids()
    assert len(pids) >= 5  # supervisor, 2 workers, nginx master and worker
    assert all(alive(p) for p in pids)
    assert stop(s) == 0
    deadline = time.monotonic() + 5
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p for p in pids if alive(p)] == []
    with pytest.raises(urllib.error.URLError):  # nothing listens on the port any more
        urllib.request.urlopen(s.url + "/healthz", timeout=2)
