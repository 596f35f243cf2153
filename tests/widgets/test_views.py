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
from labkit.widgets.views.base import PALETTE
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
    np.testing.assert_allclose(view.threshold_line.x, [0.0, 10.0])   # the simulated window
    chosen = TraceView("v", neurons=[3, 7])
    chosen.update(Results({"t": t, "v": v}))
    np.testing.assert_allclose(np.asarray(chosen.line.y)[:, 0], [3.0, 7.0])
    with pytest.raises(ValueError, match="units"):
        chosen.update(Results({"t": t, "v": v / mV * second}))


def test_trace_view_names_every_line_and_keeps_the_reference_line_inside():
    t = np.arange(100) * 0.1 * ms
    v = np.vstack([np.linspace(-70, -55, 100), np.full(100, -60.0)]) * mV
    view = TraceView("v", neurons=[0, 1], threshold=-50 * mV, threshold_label="V_t")
    view.update(Results({"t": t, "v": v}))
    assert list(view.line.labels) == ["neuron 0", "neuron 1"] and view.in_legend(view.line)
    assert list(view.threshold_line.labels) == ["V_t"] and view.in_legend(view.threshold_line)
    assert not view.line.display_legend                      # bqplot's: over the data
    assert [e[0] for e in view.legend_entries()] == ["neuron 0", "neuron 1", "V_t"]
    assert view.legend_entries()[2][2] == "dashed"
    header = view.header.value                               # above the plot, not inside
    assert all(name in header for name in ("neuron 0", "neuron 1", "V_t"))
    assert list(view.widget.children) == [view.header, view.figure]
    lo, hi = view.y_scale.min, view.y_scale.max              # the line is not on the border
    assert lo < -70 and hi > -50 + 0.05 * (hi - lo)
    named = TraceView("v", labels=["driven", "target"])
    named.update(Results({"t": t, "v": v}))
    assert list(named.line.labels) == ["driven", "target"]
    single = TraceView("v")
    single.update(Results({"t": t, "v": v[0]}))
    assert not single.in_legend(single.line)                 # one line: the axis names it


def test_trace_view_of_several_variables_and_a_fixed_range():
    t = np.arange(50) * 0.1 * ms
    gates = {k: np.full((1, 50), x) for k, x in (("m", 0.1), ("h", 0.6), ("n", 0.3))}
    view = TraceView(("m", "h", "n"), y_range=(0, 1))
    view.update(Results({"t": t, **gates}))
    np.testing.assert_allclose(np.asarray(view.line.y)[:, 0], [0.1, 0.6, 0.3])
    assert list(view.line.labels) == ["m", "h", "n"] and view.in_legend(view.line)
    assert (view.y_scale.min, view.y_scale.max) == (0.0, 1.0)
    assert view.y_axis.label == "m, h, n"
    view.update(Results({"t": t, **{k: 0.5 * g for k, g in gates.items()}}))
    assert (view.y_scale.min, view.y_scale.max) == (0.0, 1.0)   # fixed: a level can move


def test_short_plots_get_fewer_tick_labels_at_nice_values():
    from labkit.widgets.views.base import nice_ticks, tick_count

    t = np.arange(100) * 0.1 * ms
    v = np.linspace(-70, -40, 100) * mV
    short, tall = TraceView("v", height="100px"), TraceView("v", height="300px")
    for view in (short, tall):
        view.update(Results({"t": t, "v": v}))
    assert len(short.y_axis.tick_values) <= tick_count(48) == 2
    assert 5 <= len(tall.y_axis.tick_values) <= tick_count(248)
    np.testing.assert_allclose(tall.y_axis.tick_values, [-70, -65, -60, -55, -50, -45, -40])
    assert tall.y_axis.tick_format == ".0f"
    values, fmt = nice_ticks(-0.05, 0.85, 7)
    np.testing.assert_allclose(values, [0, 0.2, 0.4, 0.6, 0.8])
    assert fmt == ".1f"
    assert tick_count(30) == 2 and tick_count(10_000) == 8


def test_raster_axes_are_the_experiments_window_and_neurons():
    results = Results({"spike_t": np.array([12.0, 30.0]) * ms, "spike_i": np.array([1, 1]),
                       "N": 4}, sim_time=0.1)
    view = RasterView(height="200px")
    view.update(results)
    assert (view.x_scale.min, view.x_scale.max) == (0.0, 100.0)     # not 12..30 ms
    assert (view.y_scale.min, view.y_scale.max) == (-0.5, 3.5)      # neurons 0..3, 0 silent
    np.testing.assert_array_equal(view.y_axis.tick_values, [0, 1, 2, 3])
    assert view.y_axis.tick_format == "d"
    view.update(Results({"spike_t": np.array([50.0]) * ms, "spike_i": np.array([2]),
                         "N": 4}, sim_time=0.1))
    assert (view.x_scale.min, view.x_scale.max) == (0.0, 100.0)     # no jump


def test_each_spike_is_a_vertical_tick_in_its_row():
    from labkit.widgets.views.raster import spike_ticks, tick_width

    x, y = spike_ticks([5.0, 7.0], [0, 3])
    np.testing.assert_allclose(x, [5, 5, 5, 7, 7, 7])
    np.testing.assert_allclose(y, [-0.4, 0.4, np.nan, 2.6, 3.4, np.nan])
    one = RasterView(height="120px")
    one.update(Results({"spike_t": np.array([5.0]) * ms, "spike_i": np.array([0]), "N": 1},
                       sim_time=0.1))
    np.testing.assert_array_equal(one.y_axis.tick_values, [0])
    t, i = one.drawn()
    np.testing.assert_allclose(t, [5.0]) and np.testing.assert_allclose(i, [0.0])
    low, high = np.asarray(one.spike_marks[0].y)[:2]
    assert (high - low) * one.plot_pixels == pytest.approx(18)   # a tick, not a bar
    lone = infer_views(Results({"spike_t": np.array([5.0]) * ms, "spike_i": np.array([0]),
                                "N": 1}))
    assert lone[0].height == "110px"                           # a strip for one neuron
    assert one.spike_marks[0].stroke_width == 2.0 and tick_width(1000, 130) == 1.0
    crowded = RasterView(height="200px")
    crowded.update(Results({"spike_t": np.array([5.0]) * ms, "spike_i": np.array([0]),
                            "N": 100}, sim_time=0.1))
    np.testing.assert_array_equal(crowded.y_axis.tick_values, [0, 20, 40, 60, 80])
    assert crowded.spike_marks[0].stroke_width == pytest.approx(1.48)


def test_raster_rows_come_from_the_monitored_group_size():
    from labkit import NeuronGroup, SpikeMonitor, run
    from labkit.widgets import as_results

    group = NeuronGroup(5, "v : 1", threshold="i == 3", reset="")
    spikes = SpikeMonitor(group)
    run(1 * ms)
    results = as_results(spikes)
    assert results["N"] == 5
    view = RasterView()
    view.update(results)
    assert (view.y_scale.min, view.y_scale.max) == (-0.5, 4.5)


def test_raster_view_one_coloured_mark_per_population():
    results = Results({"spike_t": np.array([1.0, 2.0, 3.0, 4.0]) * ms,
                       "spike_i": np.array([0, 5, 10, 12]),
                       "spike_pop": np.array([0, 0, 1, 1]), "populations": ("exc", "inh")})
    view = RasterView()
    view.update(results)
    assert [m.labels[0] for m in view.spike_marks] == ["exc", "inh"]
    assert view.spike_marks[0].colors != view.spike_marks[1].colors
    np.testing.assert_allclose(view.drawn(0)[0], [1.0, 2.0])
    np.testing.assert_allclose(view.drawn(1)[1], [10.0, 12.0])
    assert list(view.figure.marks) == view.spike_marks
    assert [e[0] for e in view.legend_entries()] == ["exc", "inh"]


def test_raster_view_thins_dense_rasters():
    rng = np.random.default_rng(1)
    t = np.sort(rng.uniform(0, 1, 200_000)) * second
    i = rng.integers(0, 1000, t.size)
    view = RasterView(max_spikes=5000, pixels=400)
    view.update(Results({"spike_t": t, "spike_i": i}))
    assert view.drawn()[0].size == 5000
    small = RasterView(pixels=10)
    small.update(Results({"spike_t": np.array([0.0, 0.01, 0.5, 1.0]) * ms,
                          "spike_i": np.array([0, 0, 0, 1])}))
    assert small.drawn()[0].size == 3                            # two fell on one pixel


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
    assert not view.in_legend(view.line)                     # no reference: no legend
    named = IFCurveView(x="I", y="f", label="simulated, with noise", legend=True)
    assert named.legend_entries() == [("simulated, with noise", PALETTE[0], "solid")]
    assert "simulated, with noise" in named.header.value


def test_if_curve_reference_is_named_and_drawn_on_top_of_the_data():
    view = IFCurveView(x="I", y="f", reference="g", reference_label="formula (no noise)")
    same = np.array([0.0, 10.0, 30.0]) * Hz
    view.update(Results({"I": np.array([1.0, 2.0, 3.0]), "f": same, "g": same}))
    marks = list(view.figure.marks)
    assert marks.index(view.reference_line) > marks.index(view.line)
    assert list(view.reference_line.labels) == ["formula (no noise)"]
    assert list(view.line.labels) == ["simulated"] and view.in_legend(view.reference_line)


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
