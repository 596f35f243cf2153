"""Numba's start-up (import, registries) moves out of the first run() in notebooks only."""

import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("IPython")
pytest.importorskip("numba")


def _fresh(code: str, tmp_path, **env) -> str:
    environment = os.environ | {"LABKIT_CACHE_DIR": str(tmp_path)} | env
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=environment,
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.strip()


BUILD = "G = NeuronGroup(2, 'dv/dt = -v/(10*ms) : 1', method='exact')"


def test_in_ipython_numba_starts_warming_up_when_the_building_cell_ends(tmp_path):
    cell = f"import sys\n{BUILD}\nduring = 'numba' in sys.modules"
    out = _fresh(f"""
        import sys, threading
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        shell.run_cell("from labkit import *")
        shell.run_cell({cell!r})
        during = shell.user_ns['during']
        for thread in threading.enumerate():
            if thread.name == 'labkit-numba-warm-up':
                thread.join(60)
        print(during, 'numba' in sys.modules)
        shell.run_cell("run(1*ms)")
        print(shell.user_ns['G'].v[0] == 0)
    """, tmp_path, LABKIT_WARM_UP="1")
    assert out.splitlines() == ["False True", "True"]


def test_warm_up_is_off_by_default(tmp_path):
    """Opt-in only: the thread's registry refresh deadlocked a notebook's first compile."""
    out = _fresh(f"""
        import sys, threading
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        shell.run_cell("from labkit import *")
        shell.run_cell({BUILD!r})
        shell.run_cell("x = 1")
        print([t.name for t in threading.enumerate()])
    """, tmp_path, LABKIT_WARM_UP="")
    assert "labkit-numba-warm-up" not in out and "MainThread" in out


def test_a_script_gets_no_thread(tmp_path):
    out = _fresh(f"""
        import sys, threading
        from labkit import *
        {BUILD}
        print('numba' in sys.modules, [t.name for t in threading.enumerate()])
    """, tmp_path)
    assert out == "False ['MainThread']"
