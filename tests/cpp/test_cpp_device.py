"""cpp_standalone: run_args without recompiling, a project anyone can build, threads, errors."""

import json
import os
import shutil
import stat
import subprocess
import time
import warnings

import numpy as np
import pytest

from labkit import *
from labkit.errors import DeviceError, SimulationError

EQS = '''
dv/dt = (I0*gain - v)/tau : 1 (unless refractory)
gain : 1
'''


def lif(n=3, duration=60 * ms, **device_options):
    """A small LIF group on cpp_standalone (one structure: compiled once per session)."""
    set_device('cpp_standalone', **device_options)
    G = NeuronGroup(n, EQS, threshold='v > 1', reset='v = 0', refractory=2 * ms,
                    method='exact', namespace={'I0': 1.5, 'tau': 10 * ms}, name='lif')
    G.gain = 'i/(N - 1.0) + 0.5'
    S = SpikeMonitor(G, name='spikes')
    M = StateMonitor(G, 'v', record=True, name='trace')
    net = Network(G, S, M)
    net.run(duration)
    return net, G, S, M


def test_run_args_rerun_without_compiler(cpp, tmp_path):
    net, G, S, M = lif(directory=tmp_path / 'project')
    counts, trace = np.array(S.count), np.array(M.v)
    binary = tmp_path / 'project' / 'main'
    mtime, compiled = binary.stat().st_mtime_ns, cpp.compile_count
    started = time.perf_counter()
    device.run(run_args={'I0': 3.0})
    took = time.perf_counter() - started
    assert cpp.compile_count == compiled and binary.stat().st_mtime_ns == mtime
    assert took < 1.0, f"re-run took {took:.2f} s"
    assert (S.count > counts).all()  # a stronger drive: more spikes in every neuron
    assert M.v.shape == trace.shape  # started again from the beginning, not appended
    device.run(run_args={G.gain: [0.1, 0.2, 0.3]})  # a variable: below threshold
    assert S.num_spikes == 0 and np.allclose(G.gain, [0.1, 0.2, 0.3])
    device.run()  # no arguments: the original run, bit for bit
    np.testing.assert_array_equal(S.count, counts)
    np.testing.assert_array_equal(M.v, trace)
    assert cpp.compile_count == compiled


def test_run_args_errors(cpp):
    net, G, S, M = lif()
    with pytest.raises(ValueError, match="no constant named 'I1'.*I0, tau"):
        device.run(run_args={'I1': 2.0})
    with pytest.raises(TypeError, match="a group's variable"):
        device.run(run_args={3: 2.0})
    with pytest.raises(DimensionMismatchError):
        device.run(run_args={G.gain: 5 * ms})


def test_brian2s_other_keywords_are_accepted_and_unknown_ones_warned_about(cpp):
    """standalone_multiple_processes passes results_directory=; labkit's results come back
    in memory, so it changes nothing. A misspelt keyword is warned about, as Brian2 does."""
    net, G, S, M = lif()
    counts = np.array(S.count)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        device.run(results_directory='results_1')
        device.build(results_directory='results', debug=False, direct_call=True)
    np.testing.assert_array_equal(S.count, counts)
    with pytest.warns(UserWarning, match=r"device.run\(\): unsupported keyword argument\(s\) "
                                         r"reslts_directory; they are ignored"):
        device.run(reslts_directory='results_1')
    with pytest.warns(UserWarning, match=r"device.build\(\): .* bogus"):
        device.build(bogus=1)


def test_generated_project_builds_with_plain_make(cpp, tmp_path):
    net, G, S, M = lif(directory=tmp_path / 'out')
    out = tmp_path / 'out'
    text = (out / 'objects').glob('*.cpp')
    sources = {p.name: p.read_text() for p in text}
    assert any("Python object 'lif'" in t for t in sources.values()), sources.keys()
    assert 'make' in (out / 'README.md').read_text()
    fresh = tmp_path / 'fresh'
    shutil.copytree(out, fresh, ignore=shutil.ignore_patterns('*.o', 'main', 'results',
                                                              '.labkit-build'))
    subprocess.run(['make', '-j2'], cwd=fresh, check=True, capture_output=True)
    subprocess.run(['./main'], cwd=fresh, check=True, capture_output=True)
    index = json.loads((fresh / 'results' / 'index.json').read_text())
    arrays = {e['name']: e for e in index['arrays']}
    entry = arrays['_o2__v_v']  # the StateMonitor's v: neurons x steps, as M.v
    assert entry['object'] == 'trace' and entry['shape'] == list(M.v.shape)
    v = np.fromfile(fresh / 'results' / entry['file'], dtype=entry['dtype'])
    np.testing.assert_array_equal(v.reshape(entry['shape']), M.v_)
    for name, e in arrays.items():  # every result equal to what labkit loaded
        mine = np.fromfile(out / 'results' / e['file'], dtype=e['dtype'])
        theirs = np.fromfile(fresh / 'results' / e['file'], dtype=e['dtype'])
        np.testing.assert_array_equal(theirs, mine, err_msg=name)


def test_two_threads_same_as_one(cpp):
    results = []
    for threads in (1, 2):
        start_scope()
        net, G, S, M = lif(n=600, duration=30 * ms, threads=threads)
        results.append((np.array(S.i), np.array(S.t), np.array(G.v), np.array(M.v)))
    assert len(results[0][0]) > 100
    for a, b in zip(*results, strict=True):
        np.testing.assert_array_equal(a, b)


def test_build_on_run_false_defers_to_build(cpp, tmp_path):
    net, G, S, M = lif(build_on_run=False)
    assert S.num_spikes == 0 and M.t.shape == (0,)  # recorded, not run
    device.build(directory=tmp_path / 'deferred')
    assert (tmp_path / 'deferred' / 'main').exists()
    deferred = np.array(S.count)
    start_scope()
    net, G, S, M = lif()
    np.testing.assert_array_equal(S.count, deferred)


def test_missing_compiler_is_a_clear_error(cpp, tmp_path, monkeypatch):
    set_device('cpp_standalone', directory=tmp_path / 'nocxx')
    monkeypatch.setenv('PATH', str(tmp_path))
    monkeypatch.setenv('CXX', 'no-such-compiler++')
    G = NeuronGroup(2, 'dv/dt = -v/(10*ms) : 1')
    G.v = 1
    with pytest.raises(DeviceError, match=r"cpp_standalone needs a C\+\+ compiler; none was "
                                          r"found \(looked for no-such-compiler\+\+, g\+\+, "
                                          r"clang\+\+\)\. Install one, or use the default"):
        run(1 * ms)
    assert (G.v == 1).all()


def test_compile_error_names_file_and_line(cpp, tmp_path, monkeypatch):
    from labkit.codegen import kernels, operations
    from labkit.codegen import spec as S
    from labkit.codegen.loops import Assign, Const, Name

    def broken(op, p, spec):
        return (Assign(Name("this is not C++"), Const(0)),)

    monkeypatch.setitem(operations.BUILDERS, S.Reset, broken)
    kernels.cpp_code.cache_clear()
    try:
        set_device('cpp_standalone', directory=tmp_path / 'broken')
        G = NeuronGroup(2, 'dv/dt = 1/(10*ms) : 1', threshold='v > 1', reset='v = 0')
        M = SpikeMonitor(G)
        with pytest.raises(DeviceError, match=r"does not compile[\s\S]*objects/o0_neurongroup\w*"
                                              r"\.cpp, line \d+:[\s\S]*this is not C\+\+"):
            run(20 * ms)
        assert (G.v == 0).all() and M.num_spikes == 0  # nothing half-loaded
    finally:
        kernels.cpp_code.cache_clear()


@pytest.mark.parametrize("script, message", [
    ("kill -SEGV $$", r"crashed \(SIGSEGV\)"),
    ("echo 'out of cheese' >&2; exit 3", r"exit code 3.*out of cheese"),
])
def test_crash_of_the_program_loads_nothing(cpp, tmp_path, script, message):
    net, G, S, M = lif(directory=tmp_path / 'crash')
    before = (np.array(G.v), np.array(S.count), net.t_)
    binary = tmp_path / 'crash' / 'main'
    binary.write_text(f"#!/bin/sh\n{script}\n")
    binary.chmod(binary.stat().st_mode | stat.S_IEXEC)
    with pytest.raises(DeviceError, match=message):
        net.run(10 * ms)
    np.testing.assert_array_equal(G.v, before[0])
    np.testing.assert_array_equal(S.count, before[1])


def test_unstable_model_stops_with_the_runtime_message(cpp):
    G = NeuronGroup(3, 'dv/dt = 10*v*(i + 1)/ms : 1', method='euler')
    G.v = 1
    M = StateMonitor(G, 'v', record=True)
    with pytest.raises(SimulationError, match=r"v became inf at t=.* ms \(neuron 2\)"):
        run(100 * ms)
    assert 0 < M.t.shape[0] < 1000  # kept what was recorded up to the step


def test_variable_views_are_dictionary_keys():
    G = NeuronGroup(2, 'dv/dt = -v/tau : 1\ntau : second')
    key = G.tau
    assert {key: 1}[key] == 1
    assert G.tau._lk_origin == (G, 'tau') and G.v_._lk_origin == (G, 'v')
    assert repr(G.v) == 'array([0., 0.])'
    assert type(G.v + 1) is np.ndarray  # arithmetic gives plain arrays


def test_environment_kept(cpp):
    assert os.environ.get('LABKIT_CACHE_DIR')  # projects go to the session's cache
    net, G, S, M = lif()
    assert str(cpp.last_directory).startswith(os.environ['LABKIT_CACHE_DIR'])


class _Sweep:
    """Brian2's standalone_multiple_processes: a network built once, the device's program
    built without running, both pickled to Pool workers with ``self.run``."""

    def __init__(self, directory):
        set_device('cpp_standalone', build_on_run=False)
        self.net, _, _, _ = lif(directory=directory, build_on_run=False)
        self.device = get_device()
        self.device.build(run=False)

    def run(self, gain):
        from labkit.devices import device_module
        device_module.active_device = self.device  # Brian2's workaround, kept harmless
        self.device.run(run_args={self.net['lif'].gain: gain}, results_directory=f'r{gain}')
        return int(self.net['spikes'].num_spikes)


def test_a_pickled_network_and_device_run_in_pool_workers(cpp, tmp_path):
    import multiprocessing
    import pickle
    compiled = cpp.compile_count
    sweep = _Sweep(tmp_path / 'project')
    copy = pickle.loads(pickle.dumps(sweep))  # here: the copy runs, on its own device
    assert copy.run(1.0) > copy.run(0.7) > 0 and sweep.net['spikes'].num_spikes == 0
    with multiprocessing.get_context('fork').Pool(2) as pool:
        counts = pool.map(sweep.run, [0.7, 1.0])
    assert counts == [copy.run(0.7), copy.run(1.0)]  # each worker ran its own copy
    assert cpp.compile_count == compiled + 1  # built once, before the Pool
    assert copy.device.compile_count == compiled + 1  # (a copy of the count) nor here
    assert get_device() is copy.device  # Brian2's workaround, run here: until set_device
    set_device('cpp_standalone')
    assert get_device() is cpp
