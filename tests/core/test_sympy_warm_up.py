"""In IPython, ``import labkit`` has sympy imported in a thread after the cell
(labkit.core.lazy.import_sympy_after_this_cell); never in scripts."""

import sys
import threading

import pytest

from labkit.core import lazy


class _Events:
    def __init__(self):
        self.callbacks = []

    def register(self, name, callback):
        assert name == "post_run_cell"
        self.callbacks.append(callback)

    def unregister(self, name, callback):
        self.callbacks.remove(callback)


class _Shell:
    def __init__(self):
        self.events = _Events()


@pytest.fixture
def module_to_import(tmp_path, monkeypatch):
    """A module of our own stands for sympy (which the test process has imported)."""
    name = f"labkit_test_warm_{abs(hash(str(tmp_path))) % 10**8}"
    (tmp_path / f"{name}.py").write_text(
        "import threading\nTHREAD = threading.current_thread().name\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(lazy, "BACKGROUND_MODULES", (name,))
    monkeypatch.setattr(lazy, "_registered", threading.Event())
    monkeypatch.delenv("LABKIT_SYMPY_WARM_UP", raising=False)
    yield name
    sys.modules.pop(name, None)


def _wait_for_thread():
    for thread in threading.enumerate():
        if thread.name == "labkit-sympy-import":
            thread.join(10)


def test_the_module_is_imported_in_a_thread_after_the_cell(module_to_import):
    shell = _Shell()
    assert lazy.import_sympy_after_this_cell(shell)
    assert module_to_import not in sys.modules  # not during the cell
    assert not lazy.import_sympy_after_this_cell(shell)  # once per process
    (after_cell,) = shell.events.callbacks
    after_cell(None)
    assert shell.events.callbacks == []  # one cell only
    _wait_for_thread()
    assert sys.modules[module_to_import].THREAD == "labkit-sympy-import"


def test_nothing_happens_outside_ipython_or_when_switched_off(module_to_import, monkeypatch):
    assert not lazy.import_sympy_after_this_cell(object())  # no events: not IPython
    monkeypatch.setenv("LABKIT_SYMPY_WARM_UP", "0")
    assert not lazy.import_sympy_after_this_cell(_Shell())
    assert module_to_import not in sys.modules


def test_no_thread_when_the_cell_imported_it_already(module_to_import):
    shell = _Shell()
    assert lazy.import_sympy_after_this_cell(shell)
    __import__(module_to_import)
    shell.events.callbacks[0](None)
    assert not any(t.name == "labkit-sympy-import" for t in threading.enumerate())
