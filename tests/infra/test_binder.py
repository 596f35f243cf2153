"""Binder's image, built as repo2docker builds it but without a container, then used.

repo2docker installs ``binder/apt.txt`` (checked here: the packages must be present),
creates the Python of ``binder/runtime.txt`` (here: a new venv of it, or of the closest
Python there is), installs ``binder/requirements.txt`` into it, then runs
``binder/postBuild`` from the repository's root as the image's user. A temporary HOME
stands for that user's home, which the image keeps. Sessions then start through
``binder/start``: here, a fresh kernel runs lesson 02 up to its first ``run()``, which must
load its kernels from the cache postBuild warmed (no compilation) and take under 0.5 s of
CPU (the C++ standalone lesson's programs must be in that cache too, built for the same
portable target as Numba's kernels); and JupyterLab, started from that environment with no
option naming a page, must open lesson 00.

The build takes a few minutes (most of it compiling every lesson's models); each step's
time is printed (``pytest -s``).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import binder_lock
import pytest
from lab_server import assert_opens_start_notebook, free_port, server_args, serving

pytestmark = [pytest.mark.slow, pytest.mark.cpp]  # cpp: apt.txt's g++ and make

REPO = Path(__file__).resolve().parents[2]
BINDER = REPO / "binder"

#: What a Binder session's environment does not have (this machine's or the suite's).
#: PYTHONDONTWRITEBYTECODE among them: with it, and pip told not to compile, every kernel
#: would compile sympy's and matplotlib's sources again (about 5 s of CPU each).
NOT_ON_BINDER = ("LABKIT_CACHE_DIR", "XDG_CACHE_HOME", "IPYTHONDIR", "PYTHONPATH",
                 "VIRTUAL_ENV", "NUMBA_CPU_NAME", "NUMBA_CPU_FEATURES", "MPLBACKEND",
                 "PYTHONDONTWRITEBYTECODE")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(command, *, log: Path, timeout: float, **kwargs) -> tuple[float, float]:
    """Run ``command`` with its output in ``log`` -> (wall, CPU) seconds, the CPU time of
    all it started (on a busy machine, what the step would take alone on one core).
    Fails quoting the log."""
    started, cpu = time.perf_counter(), _cpu()
    with open(log, "w") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, timeout=timeout,
                              **kwargs)
    assert done.returncode == 0, f"{command} failed ({done.returncode}):\n{log.read_text()}"
    return time.perf_counter() - started, _cpu() - cpu


def _session_env(home: Path, venv: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in NOT_ON_BINDER and not key.startswith("JUPYTER")}
    env.update(HOME=str(home), PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}")
    return env


def _runtime_interpreter() -> str:
    """binder/runtime.txt's Python, else the one running the tests (the closest there is)."""
    wanted = shutil.which(f"python{binder_lock.runtime_python()}")
    return wanted or getattr(sys, "_base_executable", sys.executable)


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    """The environment postBuild leaves, and how long each build step took."""
    root = tmp_path_factory.mktemp("binder")
    home, venv = root / "home", root / "venv"
    home.mkdir()
    times = {
        "venv": _run([_runtime_interpreter(), "-m", "venv", str(venv)],
                     log=root / "venv.log", timeout=120),
        # --no-compile: no .pyc for every locked distribution up front (half of pip's CPU
        # time); the modules the course uses are compiled at their first import instead.
        "requirements.txt": _run([str(venv / "bin" / "python"), "-m", "pip", "install",
                                  "--quiet", "--disable-pip-version-check", "--no-compile",
                                  "-r", str(BINDER / "requirements.txt")],
                                 log=root / "pip.log", timeout=900),
    }
    env = _session_env(home, venv)
    times["postBuild"] = _run([str(BINDER / "postBuild")], cwd=REPO, env=env,
                              log=root / "postBuild.log", timeout=1200)
    print("\nbinder build (wall / CPU): "
          + ", ".join(f"{k} {wall:.0f} s / {cpu:.0f} s" for k, (wall, cpu) in times.items()))
    return SimpleNamespace(root=root, home=home, venv=venv, env=env, times=times)


def test_apt_packages_are_installed():
    packages = [line.split("#", 1)[0].strip()
                for line in (BINDER / "apt.txt").read_text().splitlines()]
    packages = [p for p in packages if p]
    assert {"g++", "make"} <= set(packages)
    for package in packages:
        done = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                              capture_output=True, text=True)
        assert done.stdout == "install ok installed", (package, done.stdout, done.stderr)


def test_postbuild_installs_this_checkout_and_warms_the_cache_in_home(image):
    where = subprocess.run([str(image.venv / "bin" / "python"), "-c",
                            "import labkit; print(labkit.__file__)"], env=image.env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where) == REPO / "labkit" / "__init__.py"
    kernels = image.home / ".cache" / "labkit" / "kernels"
    assert len(list(kernels.glob("*.py"))) >= 10, sorted(kernels.iterdir())
    assert list(kernels.glob("__pycache__/*.nbi")), "Numba saved no machine code"
    programs = list((image.home / ".cache" / "labkit" / "cpp_standalone").glob("*/main"))
    assert programs, "the C++ standalone lesson's programs were not built into the image"
    started = subprocess.run([str(BINDER / "start"), "env"], env=image.env,
                             capture_output=True, text=True, check=True).stdout.splitlines()
    if "NUMBA_CPU_NAME=x86-64-v3" in started:  # built for the sessions' CPUs, not this one
        assert "ARCH=-march=x86-64-v3" in started
        for program in programs:
            stamp = (program.parent / ".labkit-build").read_text()
            assert stamp.endswith(" -march=x86-64-v3"), (program, stamp)


def _first_run(image, log: Path, **env: str) -> dict:
    """Lesson 02 to its first run(), in a fresh kernel of a session -> first_run.py's report."""
    command = [str(BINDER / "start"), str(image.venv / "bin" / "python"),
               str(Path(__file__).with_name("first_run.py")), "notebooks/02_lif.ipynb"]
    _run(command, cwd=REPO, env={**image.env, **env}, log=log, timeout=300)
    return json.loads(log.read_text().strip().splitlines()[-1])


def test_first_run_of_lesson_02_loads_its_kernel_from_the_warm_cache(image, tmp_path):
    cold = _first_run(image, tmp_path / "cold.log", LABKIT_CACHE_DIR=str(tmp_path / "cold"))
    warm = _first_run(image, tmp_path / "warm.log")
    print(f"\nlesson 02's first run(), fresh kernel:\n  empty cache {cold}\n  image {warm}")
    assert cold["numba_compiled"] > 0, cold  # the counters do see a compilation
    assert warm["cache_dir"] == str(image.home / ".cache" / "labkit" / "kernels")
    assert (warm["numba_compiled"], warm["numba_loaded"] > 0) == (0, True), warm
    assert warm["cpu_seconds"] < 0.5, warm
    started = subprocess.run([str(BINDER / "start"), "env"], env=image.env,
                             capture_output=True, text=True, check=True).stdout
    if "NUMBA_CPU_NAME=x86-64-v3" in started.splitlines():
        assert warm["cpu"][1] == "x86-64-v3", warm  # the cache is the portable one


def test_jupyterlab_from_the_image_opens_lesson_00(image, tmp_path):
    port = free_port()
    command = [str(BINDER / "start"), str(image.venv / "bin" / "jupyter"), "lab",
               *server_args(port, tmp_path)]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = tmp_path / "lab.log"
    with serving(command, cwd=REPO, env=image.env, port=port, log=log) as base:
        assert_opens_start_notebook(base, REPO, log)
