"""cpp_standalone enlarges full SpikeMonitor buffers in the program: one launch per run().

The runtime device returns to Python whenever a spike buffer is full; the C++ program
doubles the buffer itself and writes the larger arrays, which the monitor adopts. Each
test runs the same script on both devices and wants the same spikes, and on
cpp_standalone one start of the program per run() call.
"""

import dataclasses
import json

import numpy as np
import pytest

from labkit import *
from labkit.devices.cpp.io import read_results
from labkit.errors import DeviceError
from labkit.monitors.spike import SpikeMonitor as _SpikeMonitor


def _fast_spikers():
    """10 neurons spiking every one or two steps: 20 ms fill the first buffer (64) 20 times."""
    return NeuronGroup(10, 'dv/dt = (i + 5)/ms : 1', threshold='v > 1', reset='v = 0',
                       method='euler')


def _monitored(device: str, durations=(20 * ms,), source=None, **monitor):
    """``_fast_spikers`` monitored and run on ``device`` -> (monitor, its first capacity)."""
    set_device(device)
    start_scope()
    G = _fast_spikers()
    M = SpikeMonitor(G if source is None else source(G), **monitor)
    capacity = M._i.size
    for duration in durations:
        run(duration)
    return M, capacity


def _same_spikes(cpp, reference='runtime', **options):
    """The script on ``reference`` and on cpp -> (cpp's monitor, launches, first capacity)."""
    expected, _ = _monitored(reference, **options)
    launches = cpp.launch_count
    actual, capacity = _monitored('cpp_standalone', **options)
    np.testing.assert_array_equal(actual.count, expected.count)
    np.testing.assert_array_equal(actual.i, expected.i)
    np.testing.assert_array_equal(actual.t_, expected.t_)
    for var in actual.record_variables:
        np.testing.assert_array_equal(getattr(actual, var + '_'), getattr(expected, var + '_'))
    return actual, cpp.launch_count - launches, capacity


def test_buffer_grows_several_times_in_one_launch(cpp):
    M, launches, capacity = _same_spikes(cpp)
    assert M.num_spikes > 8 * capacity  # at least three doublings
    assert M._i.size >= M.num_spikes and M._t.size == M._i.size
    assert launches == 1


def test_numpy_device_gives_the_same_spikes(cpp):
    _, launches, _ = _same_spikes(cpp, 'numpy')
    assert launches == 1


def test_record_false_keeps_counts_only(cpp):
    M, launches, _ = _same_spikes(cpp, record=False)
    assert M.num_spikes > 1000 and M.i.size == 0 and M.t.size == 0
    assert launches == 1


def test_recorded_variables_grow_with_the_indices(cpp):
    M, launches, capacity = _same_spikes(cpp, variables='v')
    assert M.v.size == M.num_spikes > 8 * capacity
    assert M._v['v'].size == M._i.size
    assert (M.v_ > 1).all()  # recorded after the threshold, before the reset
    assert launches == 1


def test_subgroup_source(cpp):
    M, launches, _ = _same_spikes(cpp, source=lambda G: G[3:7], variables='v')
    assert set(M.i) == {0, 1, 2, 3} and M.count.size == 4
    assert launches == 1


def test_two_runs_append_to_the_grown_buffers(cpp):
    M, launches, _ = _same_spikes(cpp, durations=(10 * ms, 15 * ms))
    assert M.t_[-1] > 0.024 and launches == 2


def test_undeclared_growth_is_refused_and_loads_nothing(cpp, monkeypatch):
    """Only arrays an object declares growable may come back larger than they went in."""
    prepare = _SpikeMonitor._prepare

    def undeclared(self, ctx):  # the buffers as plain arrays, not Growable
        plan = prepare(self, ctx)
        plain = {name: getattr(value, "array", value) for name, value in plan.values.items()}
        return dataclasses.replace(plan, values=plain, growable=())

    monkeypatch.setattr(_SpikeMonitor, '_prepare', undeclared)
    G = _fast_spikers()
    M = SpikeMonitor(G)
    with pytest.raises(DeviceError, match=r"result '_o1__i' has shape \(\d+,\), \d+ values; "
                                          r"expected \(64,\)$"):
        run(20 * ms)
    assert (G.v == 0).all() and M.num_spikes == 0 and M._i.size == 64


def _results(directory, arrays: dict) -> None:
    entries = []
    for name, array in arrays.items():
        array.tofile(directory / f"{name}.bin")
        entries.append({"name": name, "dtype": array.dtype.str[1:],
                        "shape": list(array.shape), "file": f"{name}.bin"})
    (directory / "index.json").write_text(json.dumps({"arrays": entries}))


@pytest.mark.parametrize("shape, axis, grows", [
    ((2, 5), 1, True),    # a queue's D x capacity: more columns
    ((3, 3), 0, True),    # more rows
    ((2, 5), 0, False),   # longer, but not along the declared axis
    ((2, 2), 1, False),   # shorter
    ((2, 5), None, False),  # not declared growable
])
def test_read_results_growth_rules(tmp_path, shape, axis, grows):
    kept, grown = np.arange(4.0), np.zeros((2, 3), dtype=np.int32)
    _results(tmp_path, {"kept": kept + 1, "grown": np.ones(shape, dtype=np.int32)})
    growable = {} if axis is None else {"grown": axis}
    if not grows:
        with pytest.raises(DeviceError, match="result 'grown' has shape"):
            read_results(tmp_path, {"kept": kept, "grown": grown}, growable)
        assert (kept == np.arange(4.0)).all()  # nothing copied: all or nothing
        return
    resized = read_results(tmp_path, {"kept": kept, "grown": grown}, growable)
    assert list(resized) == ["grown"] and resized["grown"].shape == shape
    assert (kept == np.arange(4.0) + 1).all() and (grown == 0).all()
