"""Views: Results -> mark data, in display units, decimated; one test per view."""

import time

import numpy as np
import pytest

from labkit.lessons.lesson08 import MultiScaleModel
from labkit.units import Hz, ms, mV, second, volt
from labkit.widgets import (
    IFCurveView,
    IVCurveView,
    PhasePlaneView,
    RasterView,
    RateView,
    Results,
    TraceView,
    infer_views,
)
from labkit.widgets.examples import FitzHughNagumo
from labkit.widgets.views.rate import binned_rate


def test_trace_view_decimates_a_million_samples_quickly():
    n = 1_000_000
    t = np.arange(n) * 1e-5 * second
    v = (-70 + 30 * np.sin(np.arange(n) / 5000.0)) * mV
    view = TraceView("v", pixels=800)
    results = Results({"t": t, "v": v})
    view.update(results)                                     # warm-up (unit choice)
    started = time.perf_counter()
    view.update(results)
    elapsed = time.perf_counter() - started
    assert np.asarray(view.line.x).size <= 1600
    assert np.max(view.line.y) == pytest.approx(-40.0, abs=1e-6)   # extremes kept, in mV
    assert np.min(view.line.y) == pytest.approx(-100.0, abs=1e-6)
    assert view.x_axis.label == "t [ms]" and view.y_axis.label == "v [mV]"
    assert elapsed < 0.5, f"updating a 1e6-sample trace took {elapsed:.3f} s"


def test_trace_view_rows_neurons_and_threshold_value():
    t = np.arange(100) * 0.1 * ms
    v = np.outer(np.arange(12), np.ones(100)) * mV
    view = TraceView("v", threshold=-50 * mV, max_lines=10)
    view.update(Results({"t": t, "v": v}))
    assert np.asarray(view.line.y).shape == (10, 100)
    np.testing.assert_allclose(view.threshold_line.y, [-50, -50])
    np.testing.assert_allclose(view.threshold_line.x, [0.0, 9.9])
    chosen = TraceView("v", neurons=[3, 7])
    chosen.update(Results({"t": t, "v": v}))
    np.testing.assert_allclose(np.asarray(chosen.line.y)[:, 0], [3.0, 7.0])
    with pytest.raises(ValueError, match="units"):
        chosen.update(Results({"t": t, "v": v / mV * second}))


def test_raster_view_one_coloured_mark_per_population():
    results = Results({"spike_t": np.array([1.0, 2.0, 3.0, 4.0]) * ms,
                       "spike_i": np.array([0, 5, 10, 12]),
                       "spike_pop": np.array([0, 0, 1, 1]), "populations": ("exc", "inh")})
    view = RasterView()
    view.update(results)
    assert [s.labels[0] for s in view.scatters] == ["exc", "inh"]
    assert view.scatters[0].colors != view.scatters[1].colors
    np.testing.assert_allclose(view.scatters[0].x, [1.0, 2.0])
    np.testing.assert_allclose(view.scatters[1].y, [10.0, 12.0])
    assert list(view.figure.marks) == view.scatters


def test_raster_view_thins_dense_rasters():
    rng = np.random.default_rng(1)
    t = np.sort(rng.uniform(0, 1, 200_000)) * second
    i = rng.integers(0, 1000, t.size)
    view = RasterView(max_spikes=5000, pixels=400)
    view.update(Results({"spike_t": t, "spike_i": i}))
    assert np.asarray(view.scatters[0].x).size == 5000
    small = RasterView(pixels=10)
    small.update(Results({"spike_t": np.array([0.0, 0.01, 0.5, 1.0]) * ms,
                          "spike_i": np.array([0, 0, 0, 1])}))
    assert np.asarray(small.scatters[0].x).size == 3            # two fell on one pixel


def test_rate_view_from_a_monitor_rate_and_from_spikes():
    t = np.arange(1000) * 0.1 * ms
    rate = np.where(np.arange(1000) < 500, 10.0, 50.0) * Hz
    view = RateView()
    view.update(Results({"rate_t": t, "rate": rate}))
    assert view.y_axis.label == "rate [Hz]"
    assert set(np.unique(view.line.y)) == {10.0, 50.0}
    spike_t, n = 0.005 + np.arange(100) * 0.01, 4              # 4 neurons, 100 spikes / s
    centres, binned = binned_rate(spike_t, n, 0.0, 1.0, 0.1)
    np.testing.assert_allclose(binned, 25.0)
    from_spikes = RateView(bin=100 * ms)
    from_spikes.update(Results({"spike_t": spike_t * second, "spike_i": np.arange(100) % n,
                                "N": n}, sim_time=1.0))
    np.testing.assert_allclose(from_spikes.line.y, 25.0)
    np.testing.assert_allclose(from_spikes.line.x, centres * 1e3)


def test_if_curve_view_sorts_inputs_and_marks_them():
    view = IFCurveView(x="I", y="f")
    view.update(Results({"I": np.array([3.0, 1.0, 2.0]), "f": np.array([30.0, 0.0, 10.0]) * Hz}))
    np.testing.assert_allclose(view.line.x, [1, 2, 3])
    np.testing.assert_allclose(view.line.y, [0, 10, 30])
    np.testing.assert_allclose(view.dots.y, [0, 10, 30])


def test_phase_plane_fixed_point_on_both_nullclines():
    results = FitzHughNagumo().simulate(I=0.0)
    view = PhasePlaneView("v", "w")
    view.update(results)
    nx, ny = np.asarray(view.nullcline_lines.x), np.asarray(view.nullcline_lines.y)
    assert nx.shape == ny.shape == (2, 201)
    (fv,), (fw,) = view.points.x, view.points.y
    assert fw == pytest.approx(fv - fv**3 / 3, abs=1e-9)          # v-nullcline at I = 0
    assert fw == pytest.approx((fv + 0.7) / 0.8, abs=1e-9)        # w-nullcline
    v = np.asarray(view.trajectory.x)
    assert abs(v[-1] - fv) < 0.05                                  # I = 0: it comes to rest
    spiking = FitzHughNagumo().simulate(I=0.5)
    view.update(spiking)
    assert np.max(view.trajectory.x) > 1.5                         # a limit cycle


def test_iv_curves_of_the_multiscale_neuron():
    model = MultiScaleModel(duration=100 * ms)
    view = IVCurveView()
    view.update(model.simulate())
    v = np.asarray(view.lines.x)
    fast, slow, ultra = np.asarray(view.lines.y)
    near0 = np.argmin(np.abs(v))
    assert fast[near0 + 1] < fast[near0 - 1]                       # negative fast conductance
    assert [*view.lines.labels] == ["fast", "slow", "ultra-slow"]
    np.testing.assert_allclose(view.level_line.y, [-1.0, -1.0])
    view.update(model.simulate(a_sp=2.5, I_app=0.5))
    fast2, slow2, _ = np.asarray(view.lines.y)
    np.testing.assert_allclose(fast2, fast)                        # a_sp is a slow element
    assert not np.allclose(slow2, slow)
    np.testing.assert_allclose(view.level_line.y, [0.5, 0.5])


def test_infer_views_from_results():
    results = Results({"t": np.arange(10) * ms, "v": np.zeros((2, 10)) * volt,
                       "spike_t": np.zeros(0) * ms, "spike_i": np.zeros(0, int),
                       "rate_t": np.arange(10) * ms, "rate": np.zeros(10) * Hz})
    kinds = [type(v).__name__ for v in infer_views(results)]
    assert kinds == ["TraceView", "RasterView", "RateView"]
    with pytest.raises(ValueError, match="no view fits"):
        infer_views(Results({"x": [1, 2]}))
