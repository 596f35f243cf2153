"""Without numba (Pyodide, an install without it) labkit picks the numpy device itself.

The full check (a venv without numba running lessons 01-04 under nbval) is
``make test-without-numba`` (tools/test_without_numba.py); these are the quick parts.
"""

import logging
import subprocess
import sys
import textwrap

import pytest

import labkit.devices as devices
from labkit import *

CHOICE = sys.modules["labkit.devices.device"]  # where the choice is kept (labkit.devices.device)


@pytest.fixture
def no_numba(monkeypatch):
    monkeypatch.setattr(CHOICE, "_NUMBA", [False])
    monkeypatch.setattr(CHOICE, "_SAID", [])


def test_the_numpy_device_is_chosen_with_one_notice(no_numba, caplog):
    caplog.set_level(logging.INFO, logger="labkit")
    assert get_device().name == "numpy" and get_device().name == "numpy"
    set_device("runtime")  # asked for by name: still the numpy device, nothing else works
    assert get_device().name == "numpy"
    notices = [r.getMessage() for r in caplog.records if "numba" in r.getMessage()]
    assert len(notices) == 1 and "numpy device" in notices[0]
    set_device("cpp_standalone")  # other devices are not affected
    assert get_device().name == "cpp_standalone"


def test_with_numba_the_runtime_device_stays():
    assert devices.numba_available() and get_device().name == "runtime"


def test_a_model_runs_in_a_process_where_numba_cannot_be_imported():
    code = textwrap.dedent("""
        import sys
        sys.modules["numba"] = None  # import numba now raises ImportError
        from labkit import *
        G = NeuronGroup(2, "dv/dt = (1.5 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                        method="exact")
        S = Synapses(G, G, "w : 1", on_pre="v += w")
        S.connect(p=0.5)
        M = SpikeMonitor(G)
        run(50 * ms)
        print(get_device().name, M.count.tolist())
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["numpy", "[4,", "4]"]
    assert done.stderr.count("numba is not installed") == 1
