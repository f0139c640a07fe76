"""``streamlit run app.py``, with the app's modules imported before the server starts.

Without it the first visit pays for importing NumPy, pandas, Plotly and the app
(about 0.6 s of a 2-core VM's time) before anything is drawn. Imported here first,
they are in ``sys.modules`` when the first script run asks for them; the server then
answers its health check that much later instead. ``make run`` and ``make serve`` start
the app this way; ``streamlit run app.py`` works too, without the head start.

    python scripts/run_app.py [options of streamlit run]
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def preload() -> list[str]:
    """Import every module of ``lstm_core`` and ``ui`` (what every page imports)."""
    sys.path.insert(0, str(ROOT))
    names = []
    for package in ("lstm_core", "ui"):
        pkg = importlib.import_module(package)
        for info in pkgutil.iter_modules(pkg.__path__, f"{package}."):
            importlib.import_module(info.name)
            names.append(info.name)
    return names


def warm_first_run() -> None:
    """Pay now, not during the first visit, for two costs of a process's first script run.

    ``st.set_page_config`` reads the favicon file with Pillow, imported on first use. And
    Streamlit's first element checks whether it runs in a REPL with ``inspect.stack()``,
    which resolves (and caches) the source file of every module imported so far: 0.1-0.2 s
    on this VM, more with every module imported ahead. Done here, the first run's check
    only resolves the modules imported since.
    """
    importlib.import_module("PIL.Image")
    inspect.stack()


if __name__ == "__main__":
    preload()
    warm_first_run()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *sys.argv[1:]]
    sys.exit(cli.main())
