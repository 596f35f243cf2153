"""sympy imported out of the learner's way: ``import labkit`` must not import it (0.25 s),
and a model seen before needs none (not even an ``Equations`` object: see
:mod:`labkit.equations.plain`), but a new model's first cell does.

In IPython or Jupyter, ``import labkit`` arranges for sympy to be imported in a background
thread once the cell that imported labkit is done (:func:`import_sympy_after_this_cell`),
so that the learner's first model cell does not wait for it (~0.2 s of CPU, 0.4-0.5 s on
a busy machine) while they read the lesson. Scripts get no thread: with nothing to
overlap, a thread only competes with the model build for the GIL. Only sympy is imported
there (never Numba, whose registries deadlocked with a cell's first compile, see
:mod:`labkit.devices.runtime`); a cell that needs sympy before the thread is done waits
for that import as it would for its own. ``LABKIT_SYMPY_WARM_UP=0`` switches it off.
"""

from __future__ import annotations

import os
import sys
import threading

__all__ = ["import_sympy_after_this_cell"]

#: What the thread imports (a test replaces it).
BACKGROUND_MODULES = ("sympy",)
_registered = threading.Event()


def _import_modules(names) -> None:
    for name in names:
        try:
            __import__(name)
        except Exception:  # noqa: BLE001 - a broken install shows up where it is used
            return


def _start_thread(names) -> threading.Thread | None:
    if all(name in sys.modules for name in names):  # a cell imported them already
        return None
    try:
        thread = threading.Thread(target=_import_modules, args=(names,),
                                  name="labkit-sympy-import", daemon=True)
        thread.start()
    except RuntimeError:  # no threads (Pyodide)
        return None
    return thread


def _current_shell():
    """The running IPython shell, without importing IPython when nobody else has."""
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    return get() if get is not None else None


def import_sympy_after_this_cell(shell=None) -> bool:
    """In IPython/Jupyter: import sympy in a thread once the current cell is done (see
    the module docstring). Once per process; -> whether it was arranged."""
    names = BACKGROUND_MODULES
    if _registered.is_set() or all(name in sys.modules for name in names) \
            or os.environ.get("LABKIT_SYMPY_WARM_UP", "1") == "0":
        return False
    shell = shell if shell is not None else _current_shell()
    events = getattr(shell, "events", None)
    if events is None:
        return False
    _registered.set()

    def after_cell(*_):
        events.unregister("post_run_cell", after_cell)
        _start_thread(names)

    events.register("post_run_cell", after_cell)
    return True

