"""Static matplotlib plots: from arrays (brian2tools signatures), Results and monitors."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from labkit.units import Hz, ms, mV, second  # noqa: E402
from labkit.widgets import Results, plot_raster, plot_rate, plot_state  # noqa: E402
from labkit.widgets.examples import LIFNeuron, LIFPopulation  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_plot_raster_from_arrays_and_results():
    ax = plot_raster(np.array([0, 1, 2]), np.array([1.0, 2.0, 3.0]) * ms)
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [1, 2, 3])
    assert ax.get_xlabel() == "time [ms]" and ax.get_ylabel() == "neuron index"
    results = LIFPopulation(N=20, duration=200 * ms).simulate()
    ax = plot_raster(results)
    assert len(ax.lines[0].get_xdata()) == len(results["spike_t"])
    two = Results({"spike_t": np.array([1.0, 2.0]) * ms, "spike_i": np.array([0, 1]),
                   "spike_pop": np.array([0, 1])})
    assert len(plot_raster(two).lines) == 2                       # one colour per population


def test_plot_state_orients_values_by_time_axis():
    results = LIFNeuron().simulate()
    ax = plot_state(results["t"], results["v"], var_unit=mV, var_name="v")
    assert ax.get_ylabel() == "v [mV]"
    line = ax.lines[0]
    assert len(line.get_xdata()) == 1000 and np.max(line.get_ydata()) <= -50 + 1e-9
    ax2 = plot_state(results["t"], results["v"].T)                 # brian2tools' (n_t, n)
    assert len(ax2.lines) == 1
    ax3 = plot_state(results, "v")
    assert ax3.get_ylabel() == "v [mV]"


def test_plot_rate():
    t = np.arange(10) * ms
    ax = plot_rate(t, np.full(10, 5.0) * Hz)
    assert ax.get_ylabel() == "rate [Hz]"
    ax = plot_rate(Results({"rate_t": t, "rate": np.arange(10) * Hz}), time_unit=second)
    np.testing.assert_allclose(ax.lines[0].get_xdata(), np.arange(10) * 1e-3)
