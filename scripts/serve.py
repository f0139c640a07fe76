"""``make serve``: N Streamlit processes of the app behind nginx, in the foreground.

    python scripts/serve.py --workers 2 --port 8500 [--address 0.0.0.0]

- N workers: ``streamlit run app.py`` on free loopback ports, from the repository root
  (so ``.streamlit/config.toml`` applies), each in its own process (one core each).
- nginx (Debian's package; ``scripts/ensure_nginx.sh`` installs it) on ``--address:--port``,
  with websocket upgrade headers and cookie affinity (``deploy/nginx.conf.template``
  explains it): a browser stays on the worker that served its first page.
- ``/healthz``: 200 ``ok`` when every worker answers its ``/_stcore/health`` (checked now,
  through nginx), 503 with the workers that do not.
- Ctrl-C or SIGTERM stops nginx and every worker, and waits for them; if one of them
  dies, the rest are stopped too and the exit status is 1 (let a supervisor restart it).
  The children also get SIGTERM if this process is killed (Linux).

The run directory (nginx's config, logs, pid files, worker logs) is printed at start.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
START_TIMEOUT = 120.0  # s, for every worker to answer its health check


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the parent dies (Linux prctl PR_SET_PDEATHSIG)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def find_nginx() -> str:
    for c in (os.environ.get("NGINX"), "nginx", "/usr/sbin/nginx"):
        if c and shutil.which(c):
            return str(shutil.which(c))
    sys.exit("nginx not found: run `bash scripts/ensure_nginx.sh` (make serve does) or set NGINX")


def nginx_conf(rundir: Path, listen: str, ports: list[int], health_port: int) -> str:
    """deploy/nginx.conf.template with this run's workers, listen address and paths."""
    names = [f"w{i}" for i in range(len(ports))]
    fields = {
        "RUNDIR": str(rundir),
        "LISTEN": listen,
        "HEALTH_PORT": str(health_port),
        "UPSTREAMS": "\n".join(
            f"    upstream {w} {{\n        server 127.0.0.1:{p};\n    }}"
            for w, p in zip(names, ports, strict=True)
        ),
        "ANY_SERVERS": "\n".join(f"        server 127.0.0.1:{p};" for p in ports),
        "COOKIE_MAP": "\n".join(f"        {w} {w};" for w in names),
        "ADDR_MAP": "\n".join(
            f'        "127.0.0.1:{p}" {w};' for w, p in zip(names, ports, strict=True)
        ),
    }
    text = TEMPLATE.read_text()
    for key, value in fields.items():
        text = text.replace(f"@@{key}@@", value)
    return text


class Serve:
    """The workers, nginx and the health endpoint; :meth:`run` until a signal or a death."""

    def __init__(self, workers: int, port: int, address: str, rundir: Path) -> None:
        self.n, self.port, self.address, self.rundir = workers, port, address, rundir
        self.ports = [free_port() for _ in range(workers)]
        self.procs: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.stopping = threading.Event()
        self.health: http.server.ThreadingHTTPServer | None = None

    # -- the pieces ------------------------------------------------------------------------
    def _spawn(self, name: str, cmd: list[str]) -> None:
        log = open(self.rundir / f"{name}.log", "wb")  # noqa: SIM115 - the child keeps it
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches only us; we stop the children in order
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - no threads yet at this point
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        log.close()
        self.procs.append((name, proc))

    def start_workers(self) -> None:
        for i, port in enumerate(self.ports):
            self._spawn(
                f"worker{i}",
                [
                    sys.executable, str(ROOT / "scripts" / "run_app.py"),
                    "--server.headless", "true",
                    "--server.address", "127.0.0.1",
                    "--server.port", str(port),
                ],
            )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        for (name, proc), port in zip(self.procs, self.ports, strict=True):
            while not healthy(f"http://127.0.0.1:{port}/_stcore/health"):
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = (self.rundir / f"{name}.log").read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"{name} (port {port}) did not start:\n{log}")
                time.sleep(0.2)

    def start_health(self) -> int:
        serve = self

        class Health(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                with ThreadPoolExecutor(len(serve.ports)) as pool:
                    ok = list(
                        pool.map(
                            lambda p: healthy(f"http://127.0.0.1:{p}/_stcore/health"),
                            serve.ports,
                        )
                    )
                down = [f"w{i} (port {serve.ports[i]})" for i, up in enumerate(ok) if not up]
                text = f"down: {', '.join(down)}\n" if down else f"ok {len(ok)} workers\n"
                body = text.encode()
                self.send_response(503 if down else 200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.health = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
        threading.Thread(target=self.health.serve_forever, daemon=True).start()
        return int(self.health.server_address[1])

    def start_nginx(self, health_port: int) -> None:
        listen = f"{self.address}:{self.port}"
        if ":" in self.address:  # IPv6
            listen = f"[{self.address}]:{self.port}"
        conf = self.rundir / "nginx.conf"
        conf.write_text(nginx_conf(self.rundir, listen, self.ports, health_port))
        nginx = [find_nginx(), "-e", str(self.rundir / "error.log"), "-p", str(self.rundir)]
        check = subprocess.run(
            [*nginx, "-t", "-q", "-c", str(conf)],
            capture_output=True,
            text=True,
        )
        if check.returncode != 0:
            raise RuntimeError(f"nginx rejected {conf}:\n{check.stderr}")
        self._spawn("nginx", [*nginx, "-c", str(conf)])
        deadline = time.monotonic() + 20
        while not healthy(f"http://{self._local()}:{self.port}/healthz"):
            if self.procs[-1][1].poll() is not None or time.monotonic() > deadline:
                err = (self.rundir / "error.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"nginx did not start on {listen}:\n{err}")
            time.sleep(0.1)

    def _local(self) -> str:
        return "127.0.0.1" if self.address in ("0.0.0.0", "127.0.0.1") else self.address

    # -- running and stopping ----------------------------------------------------------------
    def stop(self) -> None:
        """nginx first (no new requests), then the workers; SIGKILL whatever outlives 10 s."""
        self.stopping.set()
        for _, proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 10
        for _, proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self.health is not None:
            self.health.shutdown()
            self.health.server_close()

    def run(self) -> int:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: self.stopping.set())
        try:
            self.start_workers()
            self.start_nginx(self.start_health())
        except Exception as err:
            self.stop()
            print(f"make serve: {err}", file=sys.stderr)
            return 1
        workers = ", ".join(
            f"w{i} pid {proc.pid} on 127.0.0.1:{port}"
            for i, ((_, proc), port) in enumerate(zip(self.procs, self.ports, strict=False))
        )
        host = self._local() if self.address == "127.0.0.1" else self.address
        print(
            f"serving http://{host}:{self.port}/ (nginx pid {self.procs[-1][1].pid}); "
            f"health http://{host}:{self.port}/healthz\nworkers: {workers}\n"
            f"run directory: {self.rundir}\nCtrl-C stops everything.",
            flush=True,
        )
        status = 0
        while not self.stopping.wait(0.5):
            dead = [(n, p.returncode) for n, p in self.procs if p.poll() is not None]
            if dead:
                print(f"make serve: {dead[0][0]} exited with {dead[0][1]}; stopping", flush=True)
                status = 1
                break
        self.stop()
        print("stopped: nginx and every worker", flush=True)
        return status


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--port", type=int, default=8500)
    ap.add_argument(
        "--address", default="127.0.0.1", help="where nginx listens (0.0.0.0: the class's network)"
    )
    ap.add_argument("--rundir", help="for nginx's config and the logs (default: a new temp dir)")
    args = ap.parse_args()
    if not 1 <= args.workers <= 64:
        ap.error("--workers: expected a whole number from 1 to 64")
    rundir = Path(args.rundir or tempfile.mkdtemp(prefix="lstm-serve-")).resolve()
    rundir.mkdir(parents=True, exist_ok=True)
    rundir.chmod(0o755)  # nginx's workers (user nobody when run as root) use its temp dirs
    sys.exit(Serve(args.workers, args.port, args.address, rundir).run())


if __name__ == "__main__":
    main()
