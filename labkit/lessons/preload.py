"""Kernel start -> the libraries a lesson's first cells use, imported and set up.

Why: ``from labkit import *`` stays quick because labkit imports sympy and Numba only when
a model is built and run. In a fresh kernel that moves about 1.5 s of CPU (the imports,
then Numba filling its typing and target registries) into the lesson's first ``run()``,
even when its kernel comes from a warm cache. Binder's kernels run :func:`preload` as they
start (an IPython startup file that ``binder/postBuild`` writes), while the learner reads
the lesson's introduction, so the first run only loads its compiled loop. It runs in the
kernel's main thread, before any cell: a background thread racing a cell's first compile
can deadlock on Numba's registries (see ``labkit.devices.runtime``).
"""

from __future__ import annotations

import importlib

#: What the lessons' first cells import, then the stages a first build and run import.
MODULES = ("numpy", "matplotlib.pyplot", "sympy", "numba", "labkit", "labkit.equations",
           "labkit.integration", "labkit.codegen.compile", "labkit.devices.runtime")


def preload() -> None:
    """Import :data:`MODULES` and fill Numba's typing and target registries."""
    for name in MODULES:
        importlib.import_module(name)
    from numba.core.compiler_lock import global_compiler_lock
    from numba.core.registry import cpu_target

    with global_compiler_lock:
        cpu_target.typing_context.refresh()
        cpu_target.target_context.refresh()
