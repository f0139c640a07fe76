"""Script time of every page, at the default size and the largest, against the minimal app.

Runs the app through Streamlit's AppTest (no browser, no websocket) and times only the
script's execution inside Streamlit's script thread, as the server would run it:

- each page at the default size (``?preset=seed-question``) and at the largest size the
  app allows (m = n = 8; T = 64 on the sequence pages), a bare rerun of the page (of its
  slowest tab, where a page draws only the open tab);
- the Cell-step ``x_t[0]`` slider moved one step per rerun (p50/p95). AppTest reruns the
  whole script where the server reruns only the page's fragment, so this is an upper
  bound of the server's script time;
- every other page's most-used control (``CONTROLS``) moved once per rerun, the same way
  (p50/p95, and the time in the control's fragment body when it sits in one: what a
  server reruns);
- the reference minimal app (``benchmarks/ref_app.py``: one slider, one Plotly chart)
  measured the same way in the same process, so the ratios hold on a busy machine.

Not a test (the machine is shared and noisy): nothing is asserted. Goals (issue 13):
slider rerun p50 ≤ 18 ms; every page ≤ 0.5 s at every size.

    .venv/bin/python benchmarks/bench_pages.py [--runs 25] [--repeat 3] [--profile]

To compare with an older version, export it (``git archive REV | tar -x -C DIR``), copy
this file into ``DIR/benchmarks/`` and run both, one after the other, more than once.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
os.chdir(ROOT)  # Streamlit reads .streamlit/config.toml from the working directory
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from app_support import every_tab  # noqa: E402

from ui.frame import SECTIONS  # noqa: E402

PAGES = [f for items in SECTIONS.values() for f, _, _ in items]
SEQUENCE = "views/sequence.py"
SEQUENCE_PAGES = (SEQUENCE, "views/gradient_flow.py")  # both use the Sequence page's inputs
MAX_T = 64
TIMEOUT_S = 60


class ScriptTimer:
    """Times each script run in Streamlit's script thread (optionally under cProfile)."""

    def __init__(self) -> None:
        self.runs: list[float] = []
        self.fragments: list[tuple[str, float]] = []  # (body's name, script time)
        self.profile: cProfile.Profile | None = None

    def install(self) -> None:
        import streamlit as st
        from streamlit.runtime.scriptrunner import script_runner

        fragment = st.fragment

        def timed_fragment(func: Any = None, **kw: Any) -> Any:
            """st.fragment, timing the body: what the server runs on a fragment rerun."""
            if func is None:
                return lambda f: timed_fragment(f, **kw)

            @functools.wraps(func)
            def body(*a: Any, **k: Any) -> Any:
                t0 = time.thread_time()
                try:
                    return func(*a, **k)
                finally:
                    self.fragments.append((func.__name__, time.thread_time() - t0))

            return fragment(body, **kw)

        st.fragment = timed_fragment  # type: ignore[assignment]

        original = script_runner.exec_func_with_error_handling

        def timed(*a: Any, **k: Any) -> Any:
            t0 = time.thread_time()
            if self.profile is not None:
                self.profile.enable()
            try:
                return original(*a, **k)
            finally:
                if self.profile is not None:
                    self.profile.disable()
                self.runs.append(time.thread_time() - t0)

        script_runner.exec_func_with_error_handling = timed  # type: ignore[assignment]

    @contextmanager
    def last(
        self, out: list[float], fragments: list[float] | None = None, name: str | None = None
    ) -> Iterator[None]:
        """Appends the script time of the runs made inside the block (their sum), and
        to ``fragments`` the time spent in fragment bodies (only in the one called ``name``
        if given: a server reruns only the fragment whose widget moved)."""
        start, f_start = len(self.runs), len(self.fragments)
        yield
        out.append(sum(self.runs[start:]))
        if fragments is not None:
            fragments.append(
                sum(t for f, t in self.fragments[f_start:] if name is None or f == name)
            )


TIMER = ScriptTimer()


def app(query: dict[str, str] | None = None, path: Path = ROOT / "app.py") -> Any:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(path), default_timeout=TIMEOUT_S)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def checked(at: Any) -> Any:
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return at


def largest(at: Any, page: str) -> Any:
    """m = n = 8, and T = 64 on the sequence pages."""
    for key in ("ctl:m", "ctl:n"):
        at.sidebar.selectbox(key=key).set_value(8).run()
    if page in SEQUENCE_PAGES:
        at.switch_page(SEQUENCE).run()
        at.number_input(key="seq:gen:T").set_value(MAX_T)
        checked(at.button(key="seq:gen:go").click().run())
        at.switch_page(page).run()
    return checked(at)


def rerun_times(at: Any, runs: int) -> list[float]:
    out: list[float] = []
    for _ in range(runs):
        with TIMER.last(out):
            checked(at.run())
    return out


def page_time(at: Any, repeat: int) -> float:
    """Median rerun time of the page; with tabs drawn only when open, of its slowest tab."""
    return max(statistics.median(rerun_times(shown, repeat)) for shown in every_tab(at))


def slider_times(
    at: Any, find: Callable[[Any], Any], runs: int, lo: float, fragments: list[float] | None = None
) -> list[float]:
    """Moves a slider by one 0.1 step per rerun (back and forth), as a key press would."""
    out: list[float] = []
    for k in range(runs):
        value = round(lo + 0.1 * (k % 10 if k // 10 % 2 == 0 else 10 - k % 10), 1)
        with TIMER.last(out, fragments):
            checked(find(at).set_value(value).run())
    return out


class Control(NamedTuple):
    """A widget (AppTest's kind and key; a button row's keys are ``key:value``), the values
    it goes back and forth through, and the fragment body it sits in (None: not in one)."""

    kind: str
    key: str
    values: tuple[Any, ...]
    fragment: str | None = None


# The control a student moves most on each page, and why that one:
CONTROLS = {
    # the lesson is read step by step: Next (and Prev, on the way back)
    "views/lesson.py": Control("button", "lesson", ("next", "prev")),
    # the page's question is "how big is W?": students try sizes
    "views/shapes.py": Control("selectbox", "shapes:n", (3, 4, 5, 4)),
    # the scale slider is the page's demonstration (the other tabs have none or a fixed one)
    "views/saturation.py": Control(
        "select_slider", "sat:scale", (1.0, 2.0, 5.0, 2.0, 0.5), "scale_tab"
    ),
    # the page compares cells: picking one is what students do
    "views/variants.py": Control(
        "radio", "var:pick", ("peephole", "coupled", "gru_torch", "plain"), "_compared"
    ),
    # checking a calculation gate by gate
    "views/check.py": Control("radio", "check:gate", ("i", "c", "o", "f")),
    # card 2's f slider, the one card whose demo is a slider to play with
    "views/misconceptions.py": Control(
        "slider", "misc:f", (0.5, 0.55, 0.6, 0.65, 0.6, 0.55), "forget_demo"
    ),
    # stepping through time is the whole page
    "views/sequence.py": Control("slider", "seq:scrub", (1, 2, 3, 4, 3, 2), "frame"),
    # the text asks to move the forget bias and watch the lines rise
    "views/gradient_flow.py": Control(
        "slider", "grad:shift", (0.5, 1.0, 1.5, 2.0, 1.5, 1.0), "_explorer"
    ),
    # stepping through the trained model's sequence, to see the unit hold the sign
    "views/trained.py": Control("slider", "trained:scrub", (1, 2, 3, 4, 3, 2), "frame"),
}


def move(at: Any, control: Control, value: Any) -> Any:
    """One move of a control: a button press (``key:value``) or a new value."""
    if control.kind == "button":
        return at.button(key=f"{control.key}:{value}").click()
    return getattr(at, control.kind)(key=control.key).set_value(value)


def control_times(at: Any, control: Control, runs: int, fragments: list[float]) -> list[float]:
    """Script time of ``runs`` reruns, each moving the control to its next value (and to
    ``fragments``, the time in the control's fragment)."""
    out: list[float] = []
    for k in range(runs):
        if control.fragment is None:
            with TIMER.last(out):
                checked(move(at, control, control.values[k % len(control.values)]).run())
        else:
            with TIMER.last(out, fragments, control.fragment):
                checked(move(at, control, control.values[k % len(control.values)]).run())
    return out


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def ms(v: float) -> str:
    return f"{v * 1000:7.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=25, help="slider reruns per round")
    ap.add_argument("--repeat", type=int, default=3, help="reruns per page and size")
    ap.add_argument("--pages", nargs="*", default=PAGES)
    ap.add_argument("--profile", action="store_true", help="cProfile the slider reruns")
    ap.add_argument("--controls", type=int, default=10, help="moves per page's control")
    args = ap.parse_args()
    TIMER.install()

    # the reference and the Cell-step slider, interleaved so both see the same load
    ref = app(path=HERE / "ref_app.py")
    cell = checked(app({"preset": "seed-question"}))
    ref_times: list[float] = []
    cell_times: list[float] = []
    cell_fragment: list[float] = []
    for _ in range(3):
        ref_times += slider_times(ref, lambda at: at.slider[0], args.runs, 1.0)
        if args.profile:
            TIMER.profile = cProfile.Profile()
        cell_times += slider_times(
            cell, lambda at: at.slider(key="sl:x:0"), args.runs, 1.0, cell_fragment
        )
        if TIMER.profile is not None:
            prof, TIMER.profile = TIMER.profile, None
    ref_p50 = statistics.median(ref_times)
    print(f"{'script time, ms':44} {'p50':>7} {'p95':>7}  ratio to the minimal app (p50)")
    rows = (
        ("minimal app: slider rerun", ref_times),
        ("Cell step: x_t[0] slider, whole script", cell_times),
        ("  of which the page's fragment body", cell_fragment),
    )
    for name, t in rows:
        print(
            f"{name:44} {ms(statistics.median(t))} {ms(pct(t, 0.95))}  "
            f"{statistics.median(t) / ref_p50:5.2f}×"
        )

    if args.profile:
        print("\nCell-step slider reruns under cProfile (cumulative):")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(
            r"(lstm_core|/ui/|/views/|plotly/|streamlit/elements|streamlit/delta|json)", 40
        )

    print(
        f"\n{'most-used control (' + str(args.controls) + ' moves), ms':44} {'p50':>7} "
        f"{'p95':>7} {'fragment':>8}  ratios to the minimal app (p50)"
    )
    for page in args.pages:
        if page not in CONTROLS:
            continue
        at = checked(app({"preset": "seed-question"}))
        checked(at.switch_page(page).run())
        frag: list[float] = []
        t = control_times(at, CONTROLS[page], args.controls, frag)
        p50, f50 = statistics.median(t), statistics.median(frag) if frag else None
        name = f"{page} {CONTROLS[page].key}"
        shown = f"{ms(f50)} " if f50 is not None else " " * 9
        ratio = f"{p50 / ref_p50:5.2f}×" + (f" {f50 / ref_p50:5.2f}×" if f50 is not None else "")
        print(f"{name:44} {ms(p50)} {ms(pct(t, 0.95))} {shown} {ratio}")

    print(
        f"\n{'page (median of ' + str(args.repeat) + ' reruns), ms':44} {'default':>7} "
        f"{'largest':>7}  ratios to the minimal app"
    )
    worst = 0.0
    for page in args.pages:
        at = checked(app({"preset": "seed-question"}))
        at.switch_page(page).run()
        default = page_time(checked(at), args.repeat)
        try:
            big = page_time(largest(at, page), args.repeat)
        except RuntimeError as e:  # AppTest's time-out: report it, go on
            print(f"{page:44} {ms(default)}  largest: {e}")
            continue
        worst = max(worst, default, big)
        print(f"{page:44} {ms(default)} {ms(big)}  {default / ref_p50:5.1f}× {big / ref_p50:6.1f}×")
    print(
        f"\nslowest page: {worst * 1000:.0f} ms (goal ≤ 500 ms); "
        f"Cell-step slider p50 {statistics.median(cell_times) * 1000:.1f} ms for the whole "
        f"script, {statistics.median(cell_fragment) * 1000:.1f} ms in the fragment a server "
        "reruns (goal ≤ 18 ms)"
    )


if __name__ == "__main__":
    main()
