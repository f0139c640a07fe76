"""UI latency: a slider key press to the end of the rerun, Cell step vs a minimal app.

Starts two Streamlit servers from the repo root (same .streamlit/config.toml):
the real app on ``?preset=seed-question`` and ``benchmarks/ref_app.py`` (one
slider, one Plotly chart). Drives each in headless Chromium: focuses a slider
thumb and presses ArrowRight, waiting for the app to settle after each press.

Timestamps are taken inside the page (``performance.now()``), by wrapping the
page's WebSocket before Streamlit's code runs:

- key:      the keydown event on the thumb;
- request:  the rerun request (BackMsg.rerun_script) leaves the page;
- start:    the first message of the run arrives;
- finished: the run's ``script_finished`` arrives (decoded from the protobuf);
- painted:  one animation frame after that;
- settled:  the last DOM change caused by the press (Plotly redraws included),
            found by waiting for 400 ms without any DOM change (the data grid's
            hidden accessibility table, refreshed later on a timer, is ignored).

(The app's ``data-test-script-state`` attribute is not used: React may batch
"running" and "notRunning" into one render when a run is quick, and a fast
reference run then leaves no trace at all.)

Latency = settled − key is the headline; ``painted`` is shown beside it. Each
press must cause exactly one complete run (counted from the websocket), or it
is reported. The websocket messages of each run give the number of elements and
bytes. ``--profile`` adds a CPU profile of the page (Chrome) and of the script
(cProfile through AppTest), to see what dominates.

A third page is Cell step with its diagram, story and tables cut to one line each
(``run_one_line.py``): the same 16 deltas, the same layout and widgets. Its times are
the floor that Streamlit's frontend sets for the page's structure, whatever the content.

Not a test: nothing is asserted. Goals (issue 13), as ratios of Cell step's median to the
reference's: key press → settled ≤ 1.0; key press → end of rerun (``script_finished``) ≤ 1.5.

    .venv/bin/python benchmarks/bench_ui.py [--presses 25] [--profile]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parent))
from e2e_support import (  # noqa: E402
    NO_CHROMIUM,
    VIEWPORT,
    AppPage,
    StreamlitServer,
    chromium_args,
    find_chromium,
    recording,
)

GOAL_SETTLED, GOAL_FINISHED = 1.0, 1.5
ONE_LINE = "one-line"  # Cell step with its content cut to one line each (run_one_line.py)
QUIET_MS = 400

# Installed before the app's own scripts. Wraps the WebSocket to timestamp, in page time,
# the rerun request sent (BackMsg.rerun_script, field 11) and the messages received, and
# spots script_finished (ForwardMsg field 6; status 2 = interrupted by a newer rerun) with
# a tiny protobuf reader. Also records the last DOM change.
BENCH_JS = """(() => {
  if (window.__bench) return;
  const B = window.__bench = {key: [], sent: [], recv: [], finished: [], painted: [], mutation: 0};
  const varint = (b, i) => { let x = 0, s = 1, c;
    do { c = b[i++]; x += (c & 0x7f) * s; s *= 128; } while (c & 0x80 && i < b.length);
    return [x, i]; };
  // value of top-level field `field`: the varint for wire type 0, true for others, or null
  const topField = (buf, field) => {
    const b = new Uint8Array(buf); let i = 0;
    while (i < b.length) {
      let key, v; [key, i] = varint(b, i);
      const f = Math.floor(key / 8), wt = key & 7;
      if (wt === 0) { [v, i] = varint(b, i); if (f === field) return v; }
      else if (wt === 2) { [v, i] = varint(b, i); if (f === field) return true; i += v; }
      else if (wt === 1) i += 8; else if (wt === 5) i += 4; else return null;
    }
    return null; };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const t = performance.now();
        if (!(e.data instanceof ArrayBuffer)) return;
        B.recv.push(t);
        const status = topField(e.data, 6);
        if (status !== null && status !== 2) {
          B.finished.push(t);
          requestAnimationFrame(() => setTimeout(() => B.painted.push(performance.now()), 0));
        }
      });
    }
    send(data) {
      const buf = data instanceof ArrayBuffer ? data : (data && data.buffer);
      if (buf && topField(data instanceof ArrayBuffer ? data : data.buffer.slice(
            data.byteOffset, data.byteOffset + data.byteLength), 11) === true)
        B.sent.push(performance.now());
      return super.send(data);
    }
  };
  document.addEventListener('keydown', () => B.key.push(performance.now()), true);
  // The data grid (st.dataframe) refreshes its hidden accessibility table on a timer,
  // ~100 ms after it has drawn its canvas: those DOM changes are not the rerun.
  new MutationObserver((muts) => {
    for (const m of muts) {
      const n = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      if (n && n.closest && n.closest('table[role="grid"]')) continue;
      B.mutation = performance.now();
      return;
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();"""


@dataclass
class Press:
    key: float
    sent: float  # the rerun request left the page
    start: float  # first message of the run arrived
    done: float  # script_finished arrived
    painted: float  # one frame after it
    settled: float  # last DOM change
    runs: int
    messages: int
    elements: int
    kbytes: float

    @property
    def latency(self) -> float:
        return self.settled - self.key


def measure(app: AppPage, slider: str, presses: int, warmup: int) -> list[Press]:
    """Press ArrowRight ``warmup + presses`` times; time the last ``presses``."""
    page = app.page
    thumb = app.slider(slider)
    thumb.focus()
    results: list[Press] = []
    for k in range(warmup + presses):
        page.evaluate(
            "() => { const B = window.__bench; for (const k of"
            " ['key', 'sent', 'recv', 'finished', 'painted']) B[k] = []; }"
        )
        runs_before = app.runs.finished
        with recording(app.runs) as log:
            page.keyboard.press("ArrowRight")
            # wait for the run to finish, then for QUIET_MS without any DOM change
            try:
                page.wait_for_function(
                    "(quiet) => { const B = window.__bench; return B.painted.length > 0 &&"
                    " performance.now() - B.mutation > quiet; }",
                    arg=QUIET_MS,
                    polling=20,
                    timeout=60_000,
                )
            except Exception:
                state = page.evaluate("() => [window.__bench, performance.now()]")
                raise RuntimeError(f"press {k} never settled: {state}") from None
            app.wait_idle(quiet_ms=QUIET_MS)
            b = page.evaluate("() => window.__bench")
        if k < warmup:
            continue
        deltas = [(t, m, n) for t, m, n in log if m.WhichOneof("type") == "delta"]
        sent = b["sent"][0] if b["sent"] else float("nan")
        results.append(
            Press(
                key=b["key"][0],
                sent=sent,
                start=min((t for t in b["recv"] if t >= sent), default=float("nan")),
                done=b["finished"][-1],
                painted=b["painted"][-1],
                settled=b["mutation"],
                runs=app.runs.finished - runs_before,
                messages=len(log),
                elements=len(deltas),
                kbytes=sum(n for _, _, n in log) / 1024,
            )
        )
    return results


def profile_page(app: AppPage, slider: str, presses: int) -> None:
    """More presses, under Chrome's CPU profiler (not timed: the profiler slows the page)."""
    cdp = app.page.context.new_cdp_session(app.page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 250})
    cdp.send("Profiler.start")
    measure(app, slider, presses, warmup=0)
    print_cpu_profile(cdp.send("Profiler.stop")["profile"], presses)


def print_cpu_profile(profile: dict[str, Any], presses: int, top: int = 10) -> None:
    """Self time of the page's main thread per script file, and the busiest functions."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    self_us: dict[int, float] = defaultdict(float)
    for node_id, dt in zip(profile["samples"], profile["timeDeltas"], strict=False):
        self_us[node_id] += dt
    by_file: dict[str, float] = defaultdict(float)
    by_fn: dict[str, float] = defaultdict(float)
    for node_id, us in self_us.items():
        frame = nodes[node_id]["callFrame"]
        url = frame.get("url") or ""
        name = frame.get("functionName") or "(anonymous)"
        file = url.rsplit("/", 1)[-1].split("?")[0] or name  # (idle), (program), (gc)...
        file = re.sub(r"\.[\w-]{8}\.js$", ".js", file)  # drop Vite's content hash
        by_file[file] += us
        by_fn[f"{name} ({file})"] += us
    busy = sum(v for k, v in by_file.items() if k != "(idle)")
    print(
        f"\nBrowser side: page main thread, CPU profile over {presses} presses: "
        f"{busy / 1000 / presses:.0f} ms busy per press"
    )
    for file, us in sorted(by_file.items(), key=lambda kv: -kv[1])[:top]:
        if file != "(idle)":
            print(f"    {us / 1000 / presses:7.1f} ms/press  {file}")
    print("  busiest functions (self time):")
    for fn, us in sorted(by_fn.items(), key=lambda kv: -kv[1])[: top + 1]:
        if not fn.startswith("(idle)"):
            print(f"    {us / 1000 / presses:7.1f} ms/press  {fn[:90]}")


def browser_cpu(cdp: Any) -> dict[str, float]:
    """The page's cumulative main-thread times in ms (Chrome's Performance domain)."""
    keys = ("TaskDuration", "ScriptDuration", "RecalcStyleDuration", "LayoutDuration")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {k: metrics[k] * 1000 for k in keys}


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def summary(name: str, presses: list[Press]) -> dict[str, float]:
    lat = [p.latency for p in presses]
    row = {
        "median": statistics.median(lat),
        "p95": pct(lat, 95),
        "min": min(lat),
        "painted": statistics.median(p.painted - p.key for p in presses),
        "to_send": statistics.median(p.sent - p.key for p in presses),
        "to_start": statistics.median(p.start - p.sent for p in presses),
        "run": statistics.median(p.done - p.start for p in presses),
        "after_done": statistics.median(p.settled - p.done for p in presses),
        "elements": statistics.median(p.elements for p in presses),
        "kbytes": statistics.median(p.kbytes for p in presses),
    }
    bad = [i for i, p in enumerate(presses) if p.runs != 1]
    print(
        f"{name:<12} median {row['median']:7.1f} ms   p95 {row['p95']:7.1f} ms   "
        f"min {row['min']:6.1f} ms   (to painted frame: median {row['painted']:6.1f} ms)"
    )
    print(
        f"{'':12} key→request {row['to_send']:5.1f} | request→first msg "
        f"{row['to_start']:5.1f} | →script_finished {row['run']:6.1f} | →settled "
        f"{row['after_done']:6.1f} ms | {row['elements']:.0f} deltas, "
        f"{row['kbytes']:.1f} KB per rerun"
    )
    if bad:
        print(f"{'':12} WARNING: presses {bad} did not cause exactly one complete run")
    return row


def profile(runs: int, top: int = 25) -> None:
    """Profile the script runs of the page (AppTest, through app.py): where Python time goes.

    The script runs in Streamlit's script thread, so the profiler is switched on
    around each run inside that thread.
    """
    import cProfile
    import pstats

    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    original_init = PagesManager.__init__

    def init(self: PagesManager, *a: Any, **k: Any) -> None:
        original_init(self, *a, **k)
        # as in the real server after its first run (see tests/test_app_cell.py: the trap)
        PagesManager.uses_pages_directory = False

    prof = cProfile.Profile()
    original_exec = script_runner.exec_func_with_error_handling
    timing = {"on": False, "seconds": 0.0}

    def exec_profiled(*a: Any, **k: Any) -> Any:
        if not timing["on"]:
            return original_exec(*a, **k)
        t0 = time.perf_counter()
        prof.enable()
        try:
            return original_exec(*a, **k)
        finally:
            prof.disable()
            timing["seconds"] += time.perf_counter() - t0

    PagesManager.__init__ = init  # type: ignore[method-assign]
    script_runner.exec_func_with_error_handling = exec_profiled  # type: ignore[assignment]
    at = AppTest.from_file(str(HERE.parent / "app.py"), default_timeout=60)
    at.query_params["preset"] = "seed-question"
    at.run()
    value = 1.0
    timing["on"] = True
    for _ in range(runs):
        value += 0.1
        at.slider(key="sl:x:0").set_value(round(value, 1)).run()
    print(
        f"\nServer side: the script of one rerun takes {timing['seconds'] / runs * 1000:.0f} ms "
        f"under cProfile ({runs} reruns through AppTest; the profiler inflates it)."
    )
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(
        r"(lstm_core|/ui/|/views/|plotly/|streamlit/elements|streamlit/delta|json|_json)", top
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--presses", type=int, default=25)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--port-app", type=int, default=None)
    ap.add_argument("--port-ref", type=int, default=None)
    ap.add_argument("--preset", default="seed-question")
    ap.add_argument("--app-script", default="app.py", help="entry script to compare (variants)")
    ap.add_argument("--profile", action="store_true", help="also profile the page in-process")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    app_srv = StreamlitServer(args.app_script, args.port_app, name="bench-app")
    ref_srv = StreamlitServer("benchmarks/ref_app.py", args.port_ref, name="bench-ref")
    line_srv = StreamlitServer(
        "app.py", None, name="bench-one-line", launcher="benchmarks/run_one_line.py"
    )
    with app_srv, ref_srv, line_srv, sync_playwright() as pw:
        exe = find_chromium(bundled=pw.chromium.executable_path)
        if exe is None:
            sys.exit(NO_CHROMIUM)
        browser = pw.chromium.launch(executable_path=exe, args=chromium_args())
        results, cpu = {}, {}
        for name, srv, path, slider in (
            ("reference", ref_srv, "/", "a"),
            ("cell step", app_srv, f"/?preset={args.preset}", "key=sl:x:0"),
            (ONE_LINE, line_srv, f"/?preset={args.preset}", "key=sl:x:0"),
        ):
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            page.add_init_script(BENCH_JS)
            app = AppPage(page, srv.url, timeout_ms=60_000)
            app.open(path)
            measure(app, slider, args.warmup, warmup=0)
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            before = browser_cpu(cdp)
            results[name] = measure(app, slider, args.presses, warmup=0)
            cpu[name] = {k: (v - before[k]) / args.presses for k, v in browser_cpu(cdp).items()}
            if args.profile and name == "cell step":
                profile_page(app, slider, 10)
            context.close()
        browser.close()

    print(
        f"\nSlider key press → end of rerun, {args.presses} presses each (after "
        f"{args.warmup} warm-up), headless Chromium, {time.strftime('%Y-%m-%d %H:%M')}"
    )
    ref = summary("reference", results["reference"])
    ours = summary("cell step", results["cell step"])
    floor = summary(ONE_LINE, results[ONE_LINE])
    ratio = ours["median"] / ref["median"]
    for name, ms in cpu.items():  # CPU time, so less swayed by other tenants than latency
        print(
            f"{name:<12} browser main thread per press: {ms['TaskDuration']:5.1f} ms busy "
            f"(script {ms['ScriptDuration']:4.1f}, style {ms['RecalcStyleDuration']:4.1f}, "
            f"layout {ms['LayoutDuration']:4.1f})"
        )
    busy = cpu["cell step"]["TaskDuration"] / cpu["reference"]["TaskDuration"]
    print(f"ratio of browser main-thread time per press: {busy:.2f}×")
    to_end = {k: statistics.median(p.done - p.key for p in v) for k, v in results.items()}
    finished = to_end["cell step"] / to_end["reference"]
    for what, value, goal in (
        ("key press → settled", ratio, GOAL_SETTLED),
        ("key press → end of rerun", finished, GOAL_FINISHED),
    ):
        verdict = "met" if value <= goal else "NOT met"
        print(f"ratio cell step / reference, {what}: {value:.2f}× (goal ≤ {goal}×: {verdict})")
    print(f"  (settled p95 ratio {ours['p95'] / ref['p95']:.2f}×)")
    print(
        f"the floor, {ONE_LINE} / reference: settled {floor['median'] / ref['median']:.2f}×, "
        f"end of rerun {to_end[ONE_LINE] / to_end['reference']:.2f}×; what our content adds, "
        f"cell step / {ONE_LINE}: settled {ours['median'] / floor['median']:.2f}×, "
        f"end of rerun {to_end['cell step'] / to_end[ONE_LINE]:.2f}×"
    )
    if args.profile:
        profile(10)


if __name__ == "__main__":
    main()
