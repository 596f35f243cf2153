"""Lesson 11: the library's CUBA network is the notebook's, running on a chosen device
leaves the notebook's device and generators alone, and the explorer panel re-runs on every
device (its checkers are tried in test_checkers.py)."""

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import labkit
from labkit import ms, mV, seed, set_device
from labkit.core.random import get_rng
from labkit.errors import DeviceError
from labkit.lessons.lesson11 import (
    WEIGHTS,
    CubaExplorer,
    cuba,
    cuba_rates,
    first_faster,
    on_device,
    panel,
)
from labkit.prefs import prefs

SOURCE = Path(__file__).resolve().parents[2] / "tools" / "course" / "notebooks" / \
    "11_cpp_standalone.py"
needs_compiler = pytest.mark.skipif(not (shutil.which("g++") or shutil.which("clang++"))
                                    or not shutil.which("make"), reason="no C++ compiler")


def _notebook_cuba():
    """The lesson's constants and its cuba(N), executed from the notebook's source ->
    (cuba, the namespace its runs find the constants in)."""
    cells = SOURCE.read_text().split("# %%")
    code = [c for c in cells if "def cuba(N)" in c or "taum, taue, taui =" in c]
    assert any("def cuba(N)" in c for c in code), "the notebook's network cell moved"
    namespace = {}
    exec("from labkit import *", namespace)
    for cell in code:
        exec(cell, namespace)
    return namespace["cuba"], namespace


@pytest.fixture(autouse=True)
def _runtime():
    set_device("runtime")
    yield
    set_device("runtime")


def _spikes(build, namespace, N=500):
    seed(11)
    net, spikes = build(N)
    net.run(100 * ms, namespace=namespace)
    return spikes.i_.copy(), spikes.t_.copy()


def test_the_library_network_is_the_notebooks():
    mine, theirs = _spikes(cuba, WEIGHTS), _spikes(*_notebook_cuba())
    assert mine[0].size > 100
    assert np.array_equal(mine[0], theirs[0]) and np.array_equal(mine[1], theirs[1])


def test_every_neuron_gets_about_80_synapses_whatever_the_size():
    for N in (200, 2000):
        seed(1)
        net, _ = cuba(N)
        synapses = [o for o in net._all_objects() if o.name in ("exc", "inh")]
        per_neuron = sum(len(s) for s in synapses) / N
        assert 70 < per_neuron < 90, (N, per_neuron)


def test_on_device_runs_there_and_gives_the_notebooks_device_back():
    from labkit import get_device

    set_device("numpy")
    with on_device("runtime"):
        assert get_device().name == "runtime"
    assert get_device().name == "numpy" and prefs.codegen.target == "auto"
    with pytest.raises(ValueError, match="unknown device 'gpu'"), on_device("gpu"):
        pass
    set_device("cpp_standalone", build_on_run=False)
    with pytest.raises(DeviceError, match="build_on_run=False"), \
            on_device("cpp_standalone"):
        pass
    labkit.device.reinit()


def test_rates_are_the_lesson_networks_and_leave_the_generators_alone():
    seed(5)
    before, legacy = get_rng().random(), np.random.random()  # noqa: NPY002
    seed(5)
    low, high = cuba_rates(1000, we=[0.5 * mV, 2.5 * mV])
    assert (get_rng().random(), np.random.random()) == (before, legacy)  # noqa: NPY002
    assert 1 < low < high < 30
    seed(11)
    net, spikes = cuba(1000)
    net.run(200 * ms, namespace={**WEIGHTS, "we": 2.5 * mV})
    assert spikes.num_spikes / (1000 * 0.2) == high


def test_first_faster():
    assert first_faster([1, 2, 3], [5, 5, 5], [6, 4, 1]) == 2
    assert first_faster([1, 2, 3], [5, 5, 5], [6, 6, 6]) is None


def test_explorer_builds_once_per_size_and_weights_change_the_rate():
    model = CubaExplorer(duration=100 * ms)
    quiet = model.simulate(N=400, we=0 * mV)
    net = model._net
    busy = model.simulate(N=400, we=3 * mV)
    assert model._net is net and busy["rate_mean"] > 2 * quiet["rate_mean"] > 0
    numpy = model.simulate(N=400, we=3 * mV, device="numpy")
    assert np.array_equal(numpy["spike_t"], busy["spike_t"])
    model.simulate(N=1600)
    assert model._net is not net
    assert set(busy) >= {"spike_t", "spike_i", "N", "rate_t", "rate", "wall"}
    rate = np.asarray(busy["rate"])
    assert rate.size == 100 and rate.mean() == pytest.approx(busy["rate_mean"])


def test_panel_draws_the_raster_and_the_rate():
    p = panel()
    assert p.error is None and p.results["N"] == 200                # the neurons shown
    assert np.asarray(p.results["spike_i"]).max() < 200
    dots = p.views[0].drawn()[0].size
    p.controls["we"].value = 3.5 * mV
    assert p.error is None and p.views[0].drawn()[0].size > dots
    assert np.asarray(p.views[1].line.y).max() > 0
    assert re.search(r"simulated 200 ms in", p.status.value)
    assert p.controls["we"].widget.description == "excitatory weight we [mV]"   # not bare


@needs_compiler
@pytest.mark.cpp
def test_panel_on_cpp_standalone_gives_the_runtime_spikes_and_compiles_once(tmp_path):
    set_device("cpp_standalone", directory=tmp_path / "project")
    set_device("runtime")
    device = labkit.devices.DEVICES["cpp_standalone"]
    p = panel()
    runtime = np.asarray(p.results["spike_t"])
    p.controls["device"].value = "cpp_standalone"
    assert p.error is None and np.array_equal(np.asarray(p.results["spike_t"]), runtime)
    compiles = device.compile_count
    p.controls["we"].value = 2 * mV
    p.controls["N"].value = 400
    assert p.error is None and device.compile_count == compiles
    assert labkit.get_device().name == "runtime"


@needs_compiler
@pytest.mark.cpp
def test_the_notebooks_network_and_the_librarys_share_one_program(tmp_path):
    set_device("cpp_standalone", directory=tmp_path / "project")
    device = labkit.get_device()
    build, namespace = _notebook_cuba()
    theirs = _spikes(build, N=300, namespace=namespace)
    compiles = device.compile_count
    mine = _spikes(cuba, WEIGHTS, N=300)
    assert device.compile_count == compiles and np.array_equal(mine[1], theirs[1])
