"""labkit without numba (as in Pyodide): a venv without it runs lessons 01-04 under nbval.

``make test`` runs this (target ``test-without-numba``). It keeps ``.venv-nonumba/`` between
runs: the dependencies (every one of ``pyproject.toml``'s except numba, and except
jupyterlab, the notebook front end, which nbval does not use and which would double the
install time; plus what nbval needs) are installed again only when they change; labkit is
reinstalled every time with ``pip install --no-deps`` (a regular install, not editable,
as a user gets it), built from a copy of its sources: ``make test`` runs this while it
installs ``.venv`` (two pip processes, one core each), whose editable install writes
``labkit.egg-info`` in the tree, where an in-tree build would write too. It needs only
the standard library, not ``.venv``. Then, in that venv:

1. numba cannot be imported, ``import labkit`` works, and the first run selects the numpy
   device by itself and says so in one line;
2. ``notebooks/01``-``04`` reproduce their saved outputs under nbval (on the numpy device,
   named explicitly so the notice line does not count as a new output).

Usage: ``python tools/test_without_numba.py`` from the repository root (any Python >= 3.11).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv-nonumba"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".deps-stamp"
LESSONS = ["notebooks/01_units.ipynb", "notebooks/02_lif.ipynb", "notebooks/03_monitors.ipynb",
           "notebooks/04_synapses.ipynb"]
#: Beyond labkit's own dependencies: building labkit, running notebooks under nbval, and
#: the lessons' static figures (the ``course`` extra).
EXTRA = ["setuptools>=77", "wheel", "pytest>=7.4", "nbval>=0.11", "ipykernel",
         "matplotlib>=3.7"]

CHECK = """
import importlib.util, io, logging, sys
assert importlib.util.find_spec("numba") is None, "numba is installed in this venv"
import labkit
from labkit import *
assert "numba" not in sys.modules and labkit.__file__.find("site-packages") > 0, labkit.__file__
stream = io.StringIO()
logging.getLogger("labkit").addHandler(logging.StreamHandler(stream))
G = NeuronGroup(2, "dv/dt = (1.5 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                method="exact")
S = Synapses(G, G, "w : 1", on_pre="v += w")
S.connect(condition="i != j")
M = SpikeMonitor(G)
run(50 * ms)
run(10 * ms)
said = [line for line in stream.getvalue().splitlines() if "numba" in line]
assert get_device().name == "numpy" and len(said) == 1, (get_device(), said)
assert M.count.tolist() == [5, 5], M.count
print("without numba:", said[0])
"""


def _run(*command, cwd=ROOT, **kwargs) -> None:
    print("+", " ".join(str(c) for c in command)[:300], flush=True)
    subprocess.run([str(c) for c in command], check=True, cwd=cwd, **kwargs)


#: Left out of the venv (see the module docstring).
LEFT_OUT = ("numba", "jupyterlab")


def _dependencies() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [d for d in project["dependencies"]
            if not d.replace(" ", "").lower().startswith(LEFT_OUT)]


def _venv() -> None:
    wanted = hashlib.sha256(" ".join(_dependencies() + EXTRA).encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    _run(sys.executable, "-m", "venv", "--clear", VENV)
    _run(PYTHON, "-m", "pip", "install", "--quiet", *_dependencies(), *EXTRA)
    STAMP.write_text(wanted)


def main() -> int:
    started = time.perf_counter()
    _venv()
    with tempfile.TemporaryDirectory(prefix="labkit-src-") as copy:
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(ROOT / name, copy)
        shutil.copytree(ROOT / "labkit", Path(copy) / "labkit",
                        ignore=shutil.ignore_patterns("__pycache__"))
        _run(PYTHON, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
             "--force-reinstall", copy)
    env = {k: v for k, v in os.environ.items() if k not in ("LABKIT_DEVICE", "PYTHONPATH")}
    _run(PYTHON, "-c", CHECK, env=env, cwd=VENV)  # not the source tree: the installed labkit
    _run(PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=-ra",
         "--nbval", "--nbval-current-env", "--nbval-cell-timeout=300", *LESSONS,
         env={**env, "LABKIT_DEVICE": "numpy"})
    print(f"without numba: done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
