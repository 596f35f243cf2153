"""``python -m labkit.lessons.warm [DIR ...]``: compile every lesson's models ahead of time.

Why: a Numba kernel compiles in about a second the first time a model structure is run,
and then comes from labkit's disk cache (``~/.cache/labkit``). Binder's ``postBuild`` runs
this once, so that the image ships with the cache warm: a learner's first run of a lesson
and first slider move are fast.

It builds every lesson's panel (headless: a panel runs its model once when built) and, for
each directory given, executes its notebooks with nbclient without saving them.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

import labkit.lessons


def lesson_modules() -> list[str]:
    """Names of the ``labkit.lessons.lessonNN`` modules, in order."""
    return sorted(m.name for m in pkgutil.iter_modules(labkit.lessons.__path__)
                  if m.name.startswith("lesson"))


def warm_panels() -> None:
    for name in lesson_modules():
        module = importlib.import_module(f"labkit.lessons.{name}")
        if hasattr(module, "panel"):
            started = time.perf_counter()
            panel = module.panel()
            status = "ok" if panel.error is None else f"error: {panel.error!r}"
            print(f"{name} panel: {status} ({time.perf_counter() - started:.1f} s)")


def warm_notebooks(directory: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    for path in sorted(directory.glob("*.ipynb")):
        started = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        print(f"{path}: ran ({time.perf_counter() - started:.1f} s)")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    warm_panels()
    for directory in argv:
        warm_notebooks(Path(directory))
    return 0


if __name__ == "__main__":
    sys.exit(main())
