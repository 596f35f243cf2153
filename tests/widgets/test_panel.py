"""Panel: controls re-run the model, views follow; errors, presets, reset, live switching,
export. All headless: the first run happens in the constructor."""

import time

import numpy as np
import pytest

from labkit.units import Hz, Quantity, amp, ms, mV, nA, second
from labkit.widgets import (
    FloatControl,
    IFCurveView,
    Panel,
    RasterView,
    RateView,
    TraceView,
    live,
    load_npz,
)
from labkit.widgets.examples import LIFNeuron, LIFPopulation, lif_rate


def lif_panel(**kw):
    controls = [FloatControl("I", 0 * nA, 1 * nA, 0.3 * nA),
                FloatControl("tau", 1 * ms, 100 * ms, 10 * ms, log=True),
                FloatControl("v_reset", -80 * mV, -40 * mV, -70 * mV)]
    views = [TraceView("v", unit=mV, threshold="v_th"), RasterView(), RateView(bin=5 * ms)]
    return Panel(LIFNeuron(duration=200 * ms), controls, views, title="LIF", **kw)


class Counting:
    """Wraps a model; counts calls and keeps the parameters it received."""

    def __init__(self, model, delay=0.0, first_delay=None):
        self.model, self.delay, self.first_delay = model, delay, first_delay
        self.calls = []

    def simulate(self, **params):
        self.calls.append(params)
        wait = self.first_delay if (self.first_delay is not None and
                                    len(self.calls) == 1) else self.delay
        time.sleep(wait)
        return self.model.simulate(**params)


def test_headless_first_run_fills_the_marks():
    panel = lif_panel()
    assert panel.error is None and panel.results is not None
    trace, raster, rate = panel.views
    assert trace.line.x.size > 0 and trace.line.y.size == trace.line.x.size
    assert trace.y_axis.label == "v [mV]" and trace.x_axis.label == "t [ms]"
    np.testing.assert_allclose(trace.threshold_line.y, [-50.0, -50.0])
    assert np.all(np.asarray(trace.line.y) <= -50.0 + 1e-9)   # never above threshold
    assert "simulated 200 ms" in panel.status.value
    assert [c.widget for c in panel.controls.values()] == list(panel.controls_box.children)


def test_more_current_means_more_spikes_in_raster_and_higher_rate():
    panel = lif_panel()
    raster, rate = panel.views[1], panel.views[2]
    spikes = [raster.drawn()[0].size]
    rates = [float(np.mean(rate.line.y))]
    for current in (0.4, 0.6, 0.9):
        panel.controls["I"].widget.value = current          # as the browser would
        spikes.append(raster.drawn()[0].size)
        rates.append(float(np.mean(rate.line.y)))
    assert spikes == sorted(spikes) and spikes[0] < spikes[-1]
    assert rates == sorted(rates) and rates[0] < rates[-1]
    # and the numbers are the model's: spikes in 200 ms at 0.9 nA = 200 ms / period
    expected = lif_rate(0.9 * nA) * (200 * ms)
    assert spikes[-1] == int(np.floor(float(expected)))


def test_below_rheobase_no_spikes_and_v_settles_at_e_l_plus_r_i():
    panel = lif_panel()
    panel.controls["I"].value = 0.1 * nA                        # rheobase is 0.2 nA
    assert panel.error is None
    assert panel.views[1].drawn()[0].size == 0
    assert np.asarray(panel.views[0].line.y)[-1] == pytest.approx(-60.0, abs=1e-3)


def test_trace_changes_with_tau():
    panel = lif_panel()
    before = np.array(panel.views[0].line.y, copy=True)
    panel.controls["tau"].value = 50 * ms
    after = np.asarray(panel.views[0].line.y)
    assert not np.array_equal(before, after)


def test_units_reach_the_model_as_quantities():
    model = Counting(LIFNeuron())
    Panel(model, [FloatControl("I", 0 * nA, 1 * nA, 0.3 * nA),
                  FloatControl("tau", 1 * ms, 100 * ms, 10 * ms, log=True)],
          [TraceView("v")])
    params = model.calls[-1]
    assert isinstance(params["I"], Quantity) and params["I"].dim is nA.dim
    assert isinstance(params["tau"], Quantity) and params["tau"].dim is ms.dim
    assert float(params["I"]) == pytest.approx(3e-10)
    assert float(params["tau"]) == pytest.approx(0.01)


def test_an_error_shows_in_the_panel_and_the_next_valid_value_recovers():
    panel = lif_panel()
    good_y = np.array(panel.views[0].line.y, copy=True)
    panel.controls["v_reset"].value = -45 * mV                # above threshold: invalid
    assert isinstance(panel.error, ValueError)
    assert panel.error_box.layout.display != "none"
    assert "ValueError" in panel.error_box.value and "must be below v_th" in panel.error_box.value
    assert "error" in panel.status.value
    np.testing.assert_array_equal(panel.views[0].line.y, good_y)   # last good plot stays
    panel.controls["v_reset"].value = -60 * mV
    assert panel.error is None
    assert panel.error_box.layout.display == "none"
    assert "simulated" in panel.status.value
    assert not np.array_equal(panel.views[0].line.y, good_y)    # new reset, new trace


def test_a_labkit_error_in_the_model_shows_its_hint_and_the_models_line():
    from labkit.units import volt

    def unit_mistake(I=0.1 * nA):
        return {"x": [0.0, 1.0], "y": [0.0, float((I + 1 * volt) / volt)]}

    panel = Panel(unit_mistake, [FloatControl("I", 0 * nA, 1 * nA, 0.1 * nA)],
                  [IFCurveView("x", "y", y_unit=None)])
    shown = panel.error_box.value
    assert "DimensionMismatchError" in shown and "hint: terms that are added" in shown
    assert "(I + 1 * volt) / volt" in shown                 # the line of the model
    assert "quantity.py" not in shown.split("<details>")[0]  # labkit's frames: in the details
    assert "quantity.py" in shown.split("<details>")[1]


def test_a_panel_whose_first_run_fails_shows_its_views_and_recovers():
    panel = Panel(LIFNeuron(), [FloatControl("v_reset", -80 * mV, -40 * mV, -45 * mV)],
                  [TraceView("v")])
    assert panel.results is None and isinstance(panel.error, ValueError)
    assert list(panel.views_box.children) == [panel.views[0].widget]
    assert panel.views[0].figure in panel.views[0].widget.children
    panel.controls["v_reset"].value = -70 * mV
    assert panel.error is None and np.asarray(panel.views[0].line.x).size == 1000


def test_presets_and_reset_run_the_model_once_each():
    model = Counting(LIFNeuron())
    panel = Panel(model, [FloatControl("I", 0 * nA, 1 * nA, 0.3 * nA),
                          FloatControl("tau", 1 * ms, 100 * ms, 10 * ms, log=True)],
                  [RasterView()], presets={"fast": {"I": 0.9 * nA, "tau": 5 * ms}})
    assert len(model.calls) == 1
    panel.preset_menu.value = "fast"                           # as the browser would
    assert len(model.calls) == 2
    assert float(model.calls[-1]["I"]) == pytest.approx(0.9e-9)
    assert float(model.calls[-1]["tau"]) == pytest.approx(5e-3)
    panel.reset_button.click()
    assert len(model.calls) == 3
    assert float(panel.controls["I"].value) == pytest.approx(0.3e-9)
    assert float(panel.controls["tau"].value) == pytest.approx(0.01)
    with pytest.raises(KeyError, match="no preset"):
        panel.apply_preset("slow")


def test_a_preset_sets_what_it_names_and_resets_the_rest():
    model = Counting(LIFNeuron())
    panel = Panel(model, [FloatControl("I", 0 * nA, 1 * nA, 0.3 * nA),
                          FloatControl("tau", 1 * ms, 100 * ms, 10 * ms, log=True),
                          FloatControl("v_reset", -80 * mV, -50 * mV, -70 * mV)],
                  [RasterView()], presets={"weak": {"I": 0.1 * nA},
                                           "slow": {"tau": 50 * ms}})
    panel.apply_preset("slow")
    panel.preset_menu.value = "weak"                           # as the browser would
    assert float(panel.controls["I"].value) == pytest.approx(0.1e-9)
    assert float(panel.controls["tau"].value) == pytest.approx(0.01)      # back to default
    assert float(model.calls[-1]["tau"]) == pytest.approx(0.01)
    assert len(model.calls) == 3                                # one run per preset
    panel.controls["I"].value = 0.5 * nA                        # no longer the preset
    assert panel.preset_menu.value == "(presets)"
    with pytest.raises(ValueError, match="preset 'bad' names no control g; the controls "
                                         "are I$"):
        Panel(model, [FloatControl("I", 0 * nA, 1 * nA)], [RasterView()],
              presets={"bad": {"g": 1}})


def test_a_long_run_shows_the_busy_line_until_it_ends():
    from labkit.widgets.panel import BUSY_STATUS

    model = Counting(LIFNeuron())
    panel = Panel(model, [FloatControl("I", 0 * nA, 1 * nA, 0.3 * nA)], [TraceView("v")],
                  busy_after=0.1)
    seen = []
    panel.status.observe(lambda change: seen.append(change["new"]), names="value")
    model.delay = 0.5                                           # a model compiling
    panel.controls["I"].value = 0.5 * nA
    assert BUSY_STATUS in seen and not panel.busy
    assert "simulated 100 ms" in panel.status.value
    seen.clear()
    model.delay = 0.0
    panel.controls["I"].value = 0.6 * nA
    time.sleep(0.2)                                             # the timer would have fired
    assert BUSY_STATUS not in seen and "simulated" in panel.status.value


def test_without_threads_there_is_no_busy_line_and_the_panel_still_runs(monkeypatch):
    import labkit.widgets.panel as panel_module

    monkeypatch.setattr(panel_module, "_THREADS", False)      # as in Pyodide
    model = Counting(LIFNeuron(), delay=0.3)
    panel = Panel(model, [FloatControl("I", 0 * nA, 1 * nA, 0.3 * nA)], [TraceView("v")],
                  busy_after=0.05)
    assert panel.error is None and panel._busy_timer is None
    assert "simulated 100 ms" in panel.status.value


def test_the_status_line_is_exact_with_and_without_a_duration():
    panel = lif_panel()
    assert "simulated 200 ms in " in panel.status.value
    curve = Panel(lambda a=1.0: {"I": [0.0, 1.0], "f": [0.0, float(a)]},
                  [FloatControl("a", 0.0, 2.0, 1.0)], [IFCurveView("I", "f", y_unit=None)])
    assert "computed in " in curve.status.value and "?" not in curve.status.value


def test_live_while_dragging_only_when_runs_are_fast():
    controls = [FloatControl("I", 0 * nA, 1 * nA, 0.3 * nA)]
    fast = Panel(Counting(LIFNeuron()), controls, [TraceView("v")])
    assert fast.live and fast.controls["I"].widget.continuous_update
    assert "live" in fast.status.value
    slow = Panel(Counting(LIFNeuron(), delay=0.15),
                 [FloatControl("I", 0 * nA, 1 * nA, 0.3 * nA)], [TraceView("v")])
    assert not slow.live and not slow.controls["I"].widget.continuous_update
    assert "on release" in slow.status.value


def test_a_slow_first_run_compiling_does_not_stick():
    model = Counting(LIFNeuron(), first_delay=0.3, delay=0.0)
    panel = Panel(model, [FloatControl("I", 0 * nA, 1 * nA, 0.3 * nA)], [TraceView("v")])
    assert not panel.live                                      # measured the first run
    panel.controls["I"].value = 0.5 * nA
    assert panel.live and panel.controls["I"].widget.continuous_update


def test_if_curve_follows_the_formula():
    model = LIFPopulation(N=200, duration=1 * second)
    panel = Panel(model, [FloatControl("I", 0 * nA, 1 * nA, 0.3 * nA),
                          FloatControl("sigma_I", 0 * nA, 0.5 * nA, 0.2 * nA)],
                  [IFCurveView(reference="f_theory")])
    view = panel.views[0]
    currents = np.asarray(view.line.x) * view.x_unit.factor          # display unit -> amp
    assert view.x_axis.label == "I [nA]" and view.y_axis.label == "rate [Hz]"
    np.testing.assert_allclose(np.asarray(view.line.y),              # counts in 1 s vs formula
                               np.asarray(lif_rate(currents * amp) / Hz), atol=1.01)
    np.testing.assert_allclose(view.reference_line.y, lif_rate(currents * amp) / Hz)
    top = float(np.max(view.line.y))
    panel.controls["I"].value = 0.6 * nA
    assert float(np.max(view.line.y)) > top


def test_export_npz_round_trip_and_figures(tmp_path):
    panel = lif_panel(export_dir=tmp_path)
    path = panel.export_npz(tmp_path / "run.npz")
    results, params = load_npz(path)
    assert set(results) == set(panel.results)
    for key in ("t", "v", "spike_t"):
        assert results[key].dim is panel.results[key].dim
        np.testing.assert_array_equal(np.asarray(results[key]), np.asarray(panel.results[key]))
    assert float(params["I"]) == pytest.approx(0.3e-9) and params["I"].dim is nA.dim
    assert results.sim_time == pytest.approx(0.2)
    for suffix, magic in (("png", b"\x89PNG"), ("svg", b"<?xml")):
        out = panel.export_figure(tmp_path / f"fig.{suffix}")
        assert out.read_bytes().startswith(magic)
    panel.export_buttons["npz"].click()                       # the button writes too
    assert (tmp_path / "LIF.npz").exists() and "wrote" in panel.status.value


def test_live_decorator_builds_controls_from_specs_and_defaults():
    received = {}

    @live(tau=(1 * ms, 100 * ms, "log"), I=(0.0, 1.0), show=False)
    def lif(tau=20 * ms, I=0.5, duration=100 * ms):
        received.update(tau=tau, I=I)
        return LIFNeuron().simulate(tau=tau, I=I * nA, duration=duration)

    assert isinstance(lif, Panel) and lif.title == "lif"
    assert float(received["tau"]) == pytest.approx(0.02) and received["I"] == 0.5
    assert lif.controls["tau"].widget.description == "tau [ms]"
    kinds = [type(v).__name__ for v in lif.views]
    assert kinds == ["TraceView", "RasterView"]                # inferred from the results
    n0 = lif.views[1].drawn()[0].size
    lif.controls["I"].value = 0.9
    assert lif.views[1].drawn()[0].size > n0
    with pytest.raises(TypeError, match="no parameter"):
        live(J=(0, 1), show=False)(lambda I: {})


def test_panel_accepts_a_plain_function_and_spec_mapping():
    panel = Panel(lambda I: LIFNeuron().simulate(I=I), {"I": (0 * nA, 1 * nA)},
                  [RasterView()])
    assert panel.error is None and float(panel.params()["I"]) == pytest.approx(0.5e-9)
