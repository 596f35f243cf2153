"""Lesson 08: the multi-scale neuron's running model and GUI demo (pulse, presets,
neuromodulator, regime label, I-V curves) and the regime map figure (its checkers are
tried in test_checkers.py)."""

import doctest
import time

import numpy as np
import pytest

import labkit.lessons.lesson08 as lesson08
from labkit import ms, second
from labkit.lessons.lesson08 import MultiScaleModel, plot_regime_map, scope
from labkit.models.multiscale import equilibria, iv_curves, regime_map, simulate_multiscale
from labkit.widgets import SlopeIVView


def test_doctests():
    assert doctest.testmod(lesson08, optionflags=doctest.ELLIPSIS).failed == 0


# -- the running model ------------------------------------------------------------------------
def test_chunks_continue_the_run_and_memory_stays_bounded():
    model = MultiScaleModel(a_sp=2.5)
    first = model.advance(200 * ms)
    second_chunk = model.advance(200 * ms)
    assert len(model.network) == 1                          # monitors gone after each chunk
    t1, t2 = np.asarray(first["t"]), np.asarray(second_chunk["t"])
    assert t1[0] == 0 and t2[0] == pytest.approx(0.2) and model.t == pytest.approx(0.4)
    assert second_chunk.sim_time == pytest.approx(0.4)
    whole = simulate_multiscale(400 * ms, a_sp=2.5)[0].V_[0]
    np.testing.assert_array_equal(np.concatenate([first["V"], second_chunk["V"]]), whole)
    model.start()
    assert model.t == 0 and model.advance(200 * ms)["V"][0] == -1.9


def test_set_changes_the_running_neuron_and_the_label_follows():
    model = MultiScaleModel()                               # bursting, a_sp = 1.5
    model.advance(14 * second)
    assert model.advance(100 * ms)["regime"].startswith("bursting: 7 spikes per burst")
    model.set(a_sp=2.5)
    assert model.group.a_sp_[0] == 2.5 and model.params["a_sp"] == 2.5
    assert model.advance(1 * second)["regime"].startswith("settling")
    chunk = model.advance(12 * second)
    assert chunk["regime"].startswith("tonic: period 11")
    np.testing.assert_allclose(chunk["I_slow"], iv_curves(chunk["iv_V"], a_sp=2.5)[1])
    np.testing.assert_allclose(chunk["V_eq"], equilibria(a_sp=2.5))
    with pytest.raises(TypeError, match="no parameter 'alpha'"):
        model.set(alpha=1.0)


def test_pulse_from_rest_fires_one_burst_on_the_excitable_preset():
    model = MultiScaleModel(I_app=-1.8)
    model.advance(15 * second)
    quiet = model.advance(1 * second)
    assert len(quiet["spike_t"]) == 0
    model.pulse()
    burst = model.advance(3 * second)
    assert len(burst["spike_t"]) == 6 and float(burst["spike_t"][0]) < 16.02
    assert model.params["I_app"] == -1.8 and model.group.I_app_[0] == -1.8   # pulse over
    assert len(model.advance(5 * second)["spike_t"]) == 0                    # rests again


def test_several_neurons_in_one_model():
    model = MultiScaleModel(N=3, a_sp=[1.5, 2.5, 3.0])
    chunk = model.advance(300 * ms)
    assert chunk["V"].shape == (3, 3000)
    assert set(np.asarray(chunk["spike_i"])) <= {0, 1, 2}
    assert model.first_neuron()["a_sp"] == 1.5


# -- the scope ------------------------------------------------------------------------------------
def test_scope_layout_controls_and_label():
    demo = scope(start=False)
    assert not demo.running and demo.t == pytest.approx(0.1)
    assert len(demo.controls) == 10                          # 8 gains/offsets, I_app, modulator
    ranges = {n: (c.widget.min, c.widget.max) for n, c in demo.controls.items()}
    assert ranges["a_sp"] == (0, 4) and ranges["d_sm"] == (-2, 2) and ranges["I_app"] == (-3, 3)
    assert demo.controls["a_sp"].widget.description == "slow positive gain a_sp"
    assert all(c.widget.description != name for name, c in demo.controls.items())
    curves = [v for v in demo.views if isinstance(v, SlopeIVView)]
    assert len(curves) == 3
    row = demo.views_box.children[-1]
    assert [w for w in row.children] == [v.widget for v in curves]   # side by side
    assert "regime" in demo.readout_line.value
    assert set(demo.presets) == {"tonic", "bursting", "plateau", "excitable"}


def test_a_slider_redraws_the_iv_curves_and_the_equilibrium():
    demo = scope(start=False)
    curves = {v.curve: v for v in demo.views if isinstance(v, SlopeIVView)}
    slow, ultra = curves["I_slow"], curves["I_ultra"]
    before = np.asarray(slow.lines.y).copy()
    demo.controls["a_sp"].value = 2.5                    # paused: redrawn without a chunk
    assert demo.t == pytest.approx(0.1)
    assert not np.array_equal(np.nan_to_num(before), np.nan_to_num(np.asarray(slow.lines.y)))
    assert np.asarray(ultra.points_mark.x) == pytest.approx(equilibria(a_sp=2.5), abs=1e-9)


def test_neuromodulator_moves_both_slow_gains_and_is_not_a_model_parameter():
    demo = scope(start=False)
    demo.controls["neuromodulator"].value = 1.0
    assert demo.controls["a_sp"].value == pytest.approx(1.8)
    assert demo.controls["a_sm"].value == pytest.approx(1.85)
    assert demo.model.params["a_sp"] == pytest.approx(1.8)
    assert "neuromodulator" not in demo.params()


def test_pulse_button_and_presets():
    demo = scope(start=False)
    demo.apply_preset("excitable")
    assert demo.model.params["I_app"] == pytest.approx(-1.8)
    for _ in range(150):                                      # 15 s: settle at rest
        demo.step()
    assert len(demo.results["spike_t"]) == 0
    demo.pulse_button.click()                                 # paused: runs a chunk now
    for _ in range(10):
        demo.step()
    assert len(demo.results["spike_t"]) == 6


def test_chunk_and_view_update_cost_under_20_ms_of_cpu():
    """The scope keeps up: 100 ms of the neuron plus the view update. CPU time, since the
    test machine is shared (benchmarks/multiscale_scope.py reports the wall time)."""
    demo = scope(start=False)
    for _ in range(20):
        demo.step()
    times = []
    for _ in range(30):
        started = time.process_time()
        demo.step()
        times.append(time.process_time() - started)
    assert np.median(times) < 0.020, f"median {np.median(times) * 1e3:.1f} ms"


def test_scope_runs_in_the_background_and_pauses():
    demo = scope(start=False, speed=None)
    demo.start()
    try:
        deadline = time.monotonic() + 20
        while demo.chunks < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        demo.pause()
    assert demo.chunks >= 8 and not demo.running


def test_regime_map_figure():
    from matplotlib.figure import Figure

    grid = regime_map([1.5, 2.5], [-1.0], duration=12 * second, transient=4 * second)
    ax = Figure().subplots()
    plot_regime_map(grid, ax)
    assert [t.get_text() for t in ax.texts] == ["7"]          # spikes per burst, bursting cell
    assert [t.get_text() for t in ax.get_legend().get_texts()] == \
        ["rest", "plateau", "tonic", "bursting"]


def test_scope_exports_its_window_with_units_and_the_figure(tmp_path):
    from labkit.widgets import load_npz

    demo = scope(start=False)
    for _ in range(4):
        demo.step()
    results, params = load_npz(demo.export_npz(tmp_path / "scope.npz"))
    assert str(results["t"].dim) == str(second.dim) and float(results["t"][-1]) < 0.5
    assert params["a_sp"] == 1.5 and "neuromodulator" not in params
    assert results["regime"] == demo.results["regime"]
    assert demo.export_figure(tmp_path / "scope.png").stat().st_size > 10_000
