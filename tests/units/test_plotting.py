"""Quantities plot with their units: plot(M.t, M.v[0]) draws in ms and mV, labelled so."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from labkit import *  # noqa: E402
from labkit.errors import DimensionMismatchError  # noqa: E402
from labkit.units.plotting import convert, default_units, register  # noqa: E402


@pytest.fixture
def trace():
    register()
    G = NeuronGroup(2, "dv/dt = (20*mV - v)/(10*ms) : volt", method="exact")
    M = StateMonitor(G, "v", record=True)
    run(20 * ms)
    yield M
    plt.close("all")


def test_plot_of_a_trace_is_in_display_units_with_labels(trace):
    fig, ax = plt.subplots()
    (line,) = ax.plot(trace.t, trace.v[0])
    fig.canvas.draw()
    x, y = line.get_xydata().T
    np.testing.assert_allclose(x, np.asarray(trace.t) * 1e3)
    np.testing.assert_allclose(y, np.asarray(trace.v[0]) * 1e3)
    assert ax.xaxis.get_label().get_text() == "ms" and ax.yaxis.get_label().get_text() == "mV"
    ax.axhline(10 * mV)  # scalars convert too
    ax.set_xlim(0, 5)    # plain numbers are in the axis' unit
    assert ax.get_xlim() == (0, 5)


def test_the_star_imports_plot_works_as_in_brian2(trace):
    M = trace
    figure()
    lines = plot(M.t, M.v.T)
    xlabel("time")
    assert len(lines) == 2 and gca().xaxis.get_label().get_text() == "time"


def test_other_units_on_the_same_axis_are_refused(trace):
    fig, ax = plt.subplots()
    ax.plot(trace.t, trace.v[0])
    with pytest.raises(matplotlib.units.ConversionError) as info:
        ax.plot(trace.t, trace.t)
    assert isinstance(info.value.__cause__, DimensionMismatchError)
    assert "axis that shows mV" in str(info.value.__cause__)


def test_converter_pieces():
    unit = default_units([1, 2, 500] * us)
    assert unit.text == "us" and unit.factor == 1e-6
    assert np.allclose(convert([1, 2] * ms, unit), [1000, 2000])
    assert convert([1.0, 2.0], unit) == [1.0, 2.0]
    with pytest.raises(DimensionMismatchError):
        convert(3 * mV, unit)


@pytest.mark.parametrize("order", ["pyplot first", "labkit first"])
def test_pyplot_imported_by_the_user_before_or_after_labkit(order):
    imports = ["import matplotlib.pyplot as plt", "from labkit import *"]
    if order == "labkit first":
        imports.reverse()
    code = "\n".join(imports) + textwrap.dedent("""
        G = NeuronGroup(1, 'dv/dt = (20*mV - v)/(10*ms) : volt', method='exact')
        M = StateMonitor(G, 'v', record=0)
        run(2*ms)
        fig, ax = plt.subplots()
        ax.plot(M.t, M.v[0])
        fig.canvas.draw()
        print(ax.xaxis.get_label().get_text(), ax.yaxis.get_label().get_text())
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, MPLBACKEND="Agg"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ms", "mV"]
