"""The files for running the app for a class: settings, requirements, the nginx template."""

from __future__ import annotations

import inspect
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from e2e_support import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from run_app import preload, warm_first_run  # noqa: E402
from serve import nginx_conf  # noqa: E402


def pins(path: Path) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", path.read_text(), re.MULTILINE)
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in found}


def test_streamlit_settings_for_a_proxy() -> None:
    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]
    assert server["enableXsrfProtection"] is True
    assert 0 < server["maxUploadSize"] <= 20  # MB
    assert 0 < server["websocketPingInterval"] < 60  # under common proxy idle time-outs


def test_requirements_are_the_locked_runtime_versions() -> None:
    runtime, lock = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-dev.lock")
    assert {"streamlit", "numpy", "plotly", "pandas", "safetensors"} <= set(runtime)
    # the same versions as the tests ran against (safetensors may reach the lock later)
    assert {k: v for k, v in runtime.items() if k in lock} == {
        k: lock[k] for k in runtime if k in lock
    }
    assert set(runtime) - set(lock) <= {"safetensors"}
    # nothing that only the tests need
    assert not {"pytest", "playwright", "hypothesis", "mypy", "ruff"} & set(runtime)


def test_nginx_accepts_the_rendered_template(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
    assert nginx, "nginx not found: run `bash scripts/ensure_nginx.sh`"
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_conf(tmp_path, "127.0.0.1:1", [2, 3, 4], 5))
    assert not re.search(r"@@[A-Z_]+@@", conf.read_text())  # every field filled in
    check = subprocess.run(
        [
            nginx,
            "-t",
            "-q",
            "-e",
            str(tmp_path / "error.log"),
            "-p",
            str(tmp_path),
            "-c",
            str(conf),
        ],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


def test_dockerfile_copies_every_folder_the_app_imports() -> None:
    copied = set(re.findall(r"^COPY (\S+?)/? ", (ROOT / "Dockerfile").read_text(), re.M))
    imported = {"ui", "views", "lstm_core"}  # app.py → ui.frame → views/*.py → lstm_core
    assert imported <= copied, imported - copied
    assert all((ROOT / name).is_dir() for name in imported)


def test_every_way_to_start_the_app_imports_it_first() -> None:
    """make run, make serve's workers, the container and the browser tests all start the
    app through scripts/run_app.py, which imports every module before the server is up."""
    names = preload()
    for package in ("ui", "lstm_core"):
        on_disk = {f"{package}.{p.stem}" for p in (ROOT / package).glob("*.py")}
        assert on_disk - {f"{package}.__init__"} <= set(names) <= set(sys.modules)
    assert "$(BIN)/python scripts/run_app.py" in (ROOT / "Makefile").read_text()
    assert 'CMD ["python", "scripts/run_app.py"' in (ROOT / "Dockerfile").read_text()
    assert '"scripts" / "run_app.py"' in (ROOT / "scripts" / "serve.py").read_text()


def test_the_launcher_pays_the_first_runs_one_time_costs() -> None:
    """Pillow (the favicon) is imported, and inspect knows the file of every app module, so
    Streamlit's REPL check on the first element no longer resolves them during a visit."""
    preload()
    warm_first_run()
    assert "PIL.Image" in sys.modules
    cell = os.path.realpath(ROOT / "lstm_core" / "cell.py")
    assert inspect.modulesbyfile.get(cell) == "lstm_core.cell"
    assert "warm_first_run()" in (ROOT / "scripts" / "run_app.py").read_text()
