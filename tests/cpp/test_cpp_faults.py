"""cpp_standalone under bad luck (issue #20): bad directories, broken or hanging compilers,
two processes in one directory, Ctrl-C during a run."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from labkit import Network, NeuronGroup, StateMonitor, defaultclock, ms, run, set_device
from labkit.devices.cpp import build
from labkit.devices.cpp.place import one_process
from labkit.errors import DeviceError


@pytest.mark.parametrize("where, said", [
    ("a_file", "is a file, not a directory"),
    ("a_file/project", "cannot be created: .*a_file is a file"),
])
def test_a_directory_that_cannot_be_used_is_refused_when_given(tmp_path, where, said):
    # were raw NotADirectoryError / FileNotFoundError / FileExistsError during the build
    (tmp_path / "a_file").write_text("not a directory")
    with pytest.raises(DeviceError, match=f"cpp_standalone: directory=.*{said}.*directory="
                                          "'output'"):
        set_device("cpp_standalone", directory=tmp_path / where)


def _fake_compiler(tmp_path, body: str) -> str:
    path = tmp_path / "fake-g++"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


def test_a_broken_compiler_is_blamed_not_labkit(cpp, tmp_path):
    # was: "This is a bug in labkit's C++ code generation"
    compiler = _fake_compiler(tmp_path, "echo 'x.cpp:1:10: fatal error: cmath: No such file "
                                        "or directory' >&2; exit 1")
    set_device("cpp_standalone", directory=tmp_path / "project", compiler=compiler)
    G = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1")
    G.v = 1
    with pytest.raises(DeviceError, match=r"cannot build even a minimal program, so the fault "
                                          r"is the compiler.*cmath: No such file") as info:
        run(1 * ms)
    assert "bug in labkit" not in str(info.value)
    assert (G.v == 1).all()


def test_a_hanging_compiler_is_stopped_with_its_output(cpp, tmp_path, monkeypatch):
    # was: labkit hung with the compiler
    monkeypatch.setattr(build, "BUILD_TIMEOUT", 1.0)
    compiler = _fake_compiler(tmp_path, "echo 'thinking...'; sleep 60")
    set_device("cpp_standalone", directory=tmp_path / "project", compiler=compiler)
    G = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1")  # noqa: F841 (run() finds it)
    started = time.perf_counter()
    with pytest.raises(DeviceError, match=r"(?s)took more than 1 s and was stopped .*may hang.*"
                                          r"thinking\.\.\..*LABKIT_CPP_BUILD_TIMEOUT"):
        run(1 * ms)
    assert time.perf_counter() - started < 10


def test_a_second_process_waits_for_the_directory(tmp_path):
    # was: two processes building and running in one directory: "Text file busy"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom pathlib import Path\n"
        "from labkit.devices.cpp.place import one_process\n"
        f"with one_process(Path({str(tmp_path)!r})):\n"
        "    print('locked', flush=True)\n    time.sleep(1.5)\n")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    started = time.perf_counter()
    with one_process(tmp_path):
        waited = time.perf_counter() - started
    holder.wait(timeout=30)
    assert waited > 0.5
    with one_process(tmp_path):  # free again: no wait
        pass


@pytest.mark.slow
def test_ctrl_c_during_a_run_leaves_everything_as_before(cpp, tmp_path):
    set_device("cpp_standalone", directory=tmp_path / "project")
    # a sine per neuron and step: the long run below lasts minutes even on a fast idle
    # machine (a bare linear update of 1000 neurons took under a second there)
    G = NeuronGroup(10_000, "dv/dt = (2 - v + 0.1*sin(v))/(10*ms) : 1", method="euler")
    M = StateMonitor(G, "v", record=0)
    net = Network(G, M)
    net.run(1 * ms)  # built now
    v_before, t_before = G.v[:].copy(), float(net.t / ms)
    finished = threading.Event()

    def interrupt():
        # never after the run: a late SIGINT would stop the whole test session instead
        if not finished.wait(1.0):
            os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt, daemon=True).start()
    try:
        with pytest.raises(KeyboardInterrupt):
            net.run(200_000 * ms)
    finally:
        finished.set()
    # nothing was read back: the state, the time and the monitor are those before the run
    assert float(net.t / ms) == t_before and float(defaultclock.t / ms) == t_before
    assert (G.v[:] == v_before).all() and len(M.t) == 10
    net.run(1 * ms)  # and the next run continues from there
    assert float(net.t / ms) == pytest.approx(2) and len(M.t) == 20
