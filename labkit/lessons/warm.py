"""``python -m labkit.lessons.warm [--jobs N] [DIR ...]``: compile every lesson's models ahead
of time.

Why: a Numba kernel compiles in about a second the first time a model structure is run,
and then comes from labkit's disk cache (``~/.cache/labkit``). Binder's ``postBuild`` runs
this once, so that the image ships with the cache warm: a learner's first run of a lesson
and first slider move are fast.

It builds every lesson's panel (headless: a panel runs its model once when built) and, for
each directory given, executes its notebooks with nbclient without saving them, ``--jobs``
kernels at a time (default: one per core, at most four). A panel that fails or a cell
that raises makes it exit with status 1, naming them: a cell that stops a notebook also
keeps the models after it cold, so a build must not pass.

Numba's cache index (one per kernel file) is read, extended and rewritten without a lock;
two kernels saving entries for the same file at once could lose one or pair it with the
other's machine code. The warm-up's kernels therefore run :func:`serialise_numba_saves`
first, which makes every save take a lock file in the cache directory.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import pkgutil
import sys
import time
from pathlib import Path

import labkit.codegen.compile as kernel_compile
import labkit.lessons
from labkit.prefs import prefs

#: What a warm-up kernel runs before the notebook (an IPython ``exec_lines`` entry).
KERNEL_SETUP = "import labkit.lessons.warm as _w; _w.serialise_numba_saves(); del _w"


def lesson_modules() -> list[str]:
    """Names of the ``labkit.lessons.lessonNN`` modules, in order."""
    return sorted(m.name for m in pkgutil.iter_modules(labkit.lessons.__path__)
                  if m.name.startswith("lesson"))


def warm_panels() -> list[str]:
    """Build every lesson's panel -> the failures, one sentence each."""
    failures = []
    for name in lesson_modules():
        module = importlib.import_module(f"labkit.lessons.{name}")
        if hasattr(module, "panel"):
            started = time.perf_counter()
            panel = module.panel()
            status = "ok" if panel.error is None else f"error: {panel.error!r}"
            if panel.error is not None:
                failures.append(f"labkit.lessons.{name}.panel(): {panel.error!r}")
            print(f"{name} panel: {status} ({time.perf_counter() - started:.1f} s)")
    return failures


def serialise_numba_saves() -> None:
    """Make this process's Numba cache saves exclusive across processes (a file lock)."""
    import fcntl

    from numba.core import caching

    cache_dir = kernel_compile.cache_dir

    save = caching.IndexDataCacheFile.save
    lock_path = cache_dir() / ".numba-save.lock"

    def locked_save(self, key, data):
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            save(self, key, data)

    caching.IndexDataCacheFile.save = locked_save


async def _execute(path: Path, slots: asyncio.Semaphore) -> str | None:
    """Run one notebook in a new kernel -> its failure, or None."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    async with slots:
        started = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=600, kernel_name="python3",
                                shutdown_kernel="immediate",
                                extra_arguments=[f"--IPKernelApp.exec_lines={KERNEL_SETUP}"],
                                resources={"metadata": {"path": str(path.parent)}})
        try:
            await client.async_execute()
        except CellExecutionError as error:
            print(f"{path}: FAILED ({error.ename})", flush=True)
            return f"{path}: a cell raised {error.ename}: {error.evalue}"
        print(f"{path}: ran ({time.perf_counter() - started:.1f} s)", flush=True)
        return None


def warm_notebooks(directories: list[Path], jobs: int) -> list[str]:
    """Execute every notebook of ``directories``, ``jobs`` at a time -> the failures."""
    paths = [path for directory in directories for path in sorted(directory.glob("*.ipynb"))]

    async def run_all():
        slots = asyncio.Semaphore(jobs)
        return await asyncio.gather(*(_execute(path, slots) for path in paths))

    return [failure for failure in asyncio.run(run_all()) if failure is not None]


def default_jobs() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cores or 1))


def main(argv=None) -> int:
    cache_dir = kernel_compile.cache_dir

    parser = argparse.ArgumentParser(prog="python -m labkit.lessons.warm",
                                     description=__doc__.split("\n\n")[1])
    parser.add_argument("directories", nargs="*", type=Path, metavar="DIR",
                        help="directories whose notebooks to execute")
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="notebooks executed at a time (default: %(default)s)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    print(f"warming the kernel cache {cache_dir()} ({args.jobs} kernels at a time)")
    # every model compiled, here and in the notebooks' kernels (which inherit the
    # environment): the fast start would run the short ones on numpy and compile nothing
    os.environ["LABKIT_FAST_START"] = "0"
    prefs.devices.runtime.fast_start = False
    failures = warm_panels()
    missing = [d for d in args.directories if not d.is_dir()]
    failures += [f"{d}: no such directory of notebooks" for d in missing]
    failures += warm_notebooks([d for d in args.directories if d.is_dir()], args.jobs)
    for failure in failures:
        print(f"warm: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
