"""Device selection, and the numpy and runtime devices agreeing on every model here."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from labkit import *
from labkit.devices import DEVICES
from labkit.devices.device import reinit_devices, reset_device

# the module (labkit.devices.device, the attribute, is the active device, as in Brian2)
CHOICE = sys.modules["labkit.devices.device"]


def test_selection_by_set_device_prefs_and_environment(monkeypatch):
    set_device('numpy')
    assert get_device() is DEVICES['numpy']
    set_device('runtime')
    prefs.codegen.target = 'numpy'
    assert get_device().name == 'numpy'
    prefs.codegen.target = 'cython'
    assert get_device().name == 'runtime'
    prefs.codegen.target = 'auto'
    monkeypatch.setattr(CHOICE, "_chosen", [])
    monkeypatch.setenv("LABKIT_DEVICE", "numpy")
    assert get_device().name == 'numpy'
    with pytest.raises(ValueError, match="unknown device"):
        set_device('gpu')


def test_reset_device_goes_back_through_earlier_choices(monkeypatch):
    monkeypatch.setattr(CHOICE, "_chosen", [])
    monkeypatch.setattr(CHOICE, "_previous", [])
    monkeypatch.delenv("LABKIT_DEVICE", raising=False)
    set_device('numpy')
    set_device('cpp_standalone', directory=None, with_output=False)
    set_device('runtime')
    reset_device()
    assert get_device().name == 'cpp_standalone'
    assert DEVICES['cpp_standalone'].build_on_run  # its options came back with it
    reset_device()
    assert get_device().name == 'numpy'
    reset_device()  # before any choice: the default device
    assert get_device() is DEVICES['runtime'] and CHOICE._chosen == []
    reset_device()  # nothing left to go back to: still the default
    assert get_device().name == 'runtime'
    reset_device('numpy')
    assert get_device().name == 'numpy'
    with pytest.raises(ValueError, match="unknown device 'gpu'"):
        reset_device('gpu')


def test_reinit_devices_starts_afresh(monkeypatch):
    monkeypatch.setattr(CHOICE, "_previous", [])
    set_device('cpp_standalone', directory=None, threads=2)
    prefs.codegen.target = 'numpy'
    prefs.core.default_float_dtype = np.float32
    defaultclock.dt = 0.5 * ms
    G = NeuronGroup(1, 'v : 1')  # noqa: F841 - in scope before
    reinit_devices()
    assert prefs.codegen.target == 'auto' and prefs.core.default_float_dtype is np.float64
    assert float(defaultclock.dt / ms) == pytest.approx(0.1)
    assert get_device().name == 'cpp_standalone' and get_device().threads == 1
    set_device('runtime')


def test_device_module_active_device_as_brian2(monkeypatch):
    # Brian2's standalone_multiple_processes makes the device it unpickled in a worker the
    # active one: from brian2.devices import device_module; device_module.active_device = d
    from labkit.devices import device_module
    monkeypatch.setattr(CHOICE, "_previous", [])
    set_device('numpy')
    assert device_module is CHOICE and device_module.active_device is DEVICES['numpy']
    mine = type(DEVICES['cpp_standalone'])()
    device_module.active_device = mine
    assert get_device() is mine and device.name == 'cpp_standalone'
    set_device('runtime')  # a new choice replaces it
    assert get_device() is DEVICES['runtime'] is device_module.active_device


HH = '''
dv/dt = (gl*(El - v) - gna*m**3*h*(v - ENa) - gk*n**4*(v - EK) + I)/Cm : volt
dm/dt = 0.32*(mV**-1)*4*mV/exprel((13*mV - v + VT)/(4*mV))/ms*(1 - m)
        - 0.28*(mV**-1)*5*mV/exprel((v - VT - 40*mV)/(5*mV))/ms*m : 1
dn/dt = 0.032*(mV**-1)*5*mV/exprel((15*mV - v + VT)/(5*mV))/ms*(1 - n)
        - 0.5*exp((10*mV - v + VT)/(40*mV))/ms*n : 1
dh/dt = 0.128*exp((17*mV - v + VT)/(18*mV))/ms*(1 - h)
        - 4/(1 + exp((40*mV - v + VT)/(5*mV)))/ms*h : 1
I : amp
'''
HH_NS = dict(gl=10 * nS, El=-60 * mV, gna=20 * uS, ENa=50 * mV, gk=6 * uS, EK=-90 * mV,
             Cm=200 * pF, VT=-63 * mV)  # COBAHH's values for a 20000 um2 membrane


def run_model(name, device):
    start_scope()
    set_device(device)
    seed(1)
    if name == 'hh':
        G = NeuronGroup(5, HH, threshold='v > -20*mV', refractory=3 * ms,
                        method='exponential_euler', namespace=HH_NS)
        G.v = -65 * mV
        G.I = '0.5*i*nA'
    else:  # noise, random reset, random initial values
        G = NeuronGroup(20, 'dv/dt = (0.9 - v)/(10*ms) + 0.3*xi/sqrt(10*ms) : 1',
                        threshold='v > 1', reset='v = 0.2*rand()', method='euler')
        G.v = 'rand()'
    M = StateMonitor(G, 'v', record=True)
    S = SpikeMonitor(G)
    run(20 * ms)
    return M.v_.copy(), S.i.copy(), S.t_.copy()


@pytest.mark.parametrize("name", ["hh", "noisy"])
def test_devices_agree(name):
    v1, i1, t1 = run_model(name, 'runtime')
    v2, i2, t2 = run_model(name, 'numpy')
    assert i1.size > 0
    assert np.array_equal(i1, i2) and np.array_equal(t1, t2)
    if name == 'noisy':  # only arithmetic and libm-free draws: identical
        assert np.array_equal(v1, v2)
    else:  # numpy's exp and expm1 over arrays may differ from labkit's in the last bit
        assert np.allclose(v1, v2, rtol=1e-10, atol=0)


def test_a_new_process_loads_compiled_kernels_from_disk(tmp_path):
    script = textwrap.dedent('''
        from labkit import *
        from labkit.codegen.compile import compile_stats
        G = NeuronGroup(2, 'dv/dt = (1.5 - v)/tau : 1', threshold='v > 1', reset='v = 0',
                        method='exact')
        tau = 7*ms
        S = SpikeMonitor(G)
        run(20*ms)
        stats = compile_stats()
        print(S.num_spikes, stats.numba_compiled, stats.numba_loaded)
    ''')
    env = dict(os.environ, LABKIT_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("LABKIT_DEVICE", None)
    outputs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                              text=True, check=True)
        outputs.append(done.stdout.split())
    assert outputs[0][0] == outputs[1][0] != "0"
    assert outputs[0][1] == "1"  # compiled once
    assert outputs[1][1:] == ["0", "1"]  # loaded, not compiled


def test_a_standalone_program_over_its_cpu_limit_is_reported_as_such(tmp_path):
    # Stimberg_et_al_2018's example 6 under the examples tool's RLIMIT_CPU: the program
    # (which inherits the limit) got SIGXCPU, and the error said it had crashed
    import signal

    from labkit.devices.cpp.kernel import _failure

    over = _failure(subprocess.CompletedProcess([], -signal.SIGXCPU, "", ""), tmp_path)
    assert "ran out of its CPU time limit (SIGXCPU" in over and "crashed" not in over
    crashed = _failure(subprocess.CompletedProcess([], -signal.SIGSEGV, "", ""), tmp_path)
    assert "crashed (SIGSEGV)" in crashed


@pytest.mark.parametrize("device", ["runtime", "numpy"])
def test_threshold_finds_spikes_at_the_edges_of_its_blocks_and_sub_blocks(device):
    """The compiled threshold tests blocks of 256 elements, then sub-blocks of 32 of a
    block that holds a spike (loops.Append): every spike on either side of an edge is
    found once, in index order, and refractory neurons above threshold are not."""
    start_scope()
    set_device(device)
    n = 601  # the last block and sub-block are partial
    above = [0, 31, 32, 33, 63, 64, 200, 255, 256, 287, 288, 511, 512, 543, 576, 599, 600]
    G = NeuronGroup(n, 'v : 1', threshold='v > 0.5', reset='v = 0', refractory=5 * ms)
    v = np.zeros(n)
    v[above] = 1.0
    G.v = v
    S = SpikeMonitor(G)
    run(defaultclock.dt)
    assert list(S.i) == above
    G.v = v  # every neuron above its threshold again, all of them refractory
    G.v[300] = 1.0
    run(defaultclock.dt)
    assert list(S.i) == above + [300]
