"""Scope: chunks advance, the window rolls, controls change a running model, background
loops (thread and asyncio) advance on their own, errors show and recover."""

import asyncio
import time

import numpy as np
import pytest

from labkit.lessons.lesson08 import MultiScaleModel
from labkit.units import ms, mV, nA, second
from labkit.widgets import FloatControl, IVCurveView, RasterView, Scope, TraceView
from labkit.widgets.examples import LIFNeuron
from labkit.widgets.scope import background_mode


def multiscale_scope(**kw):
    controls = [FloatControl("a_sp", 0, 4, 1.5), FloatControl("I_app", -3, 3, -1)]
    views = [TraceView("V", threshold=0.0), RasterView(), IVCurveView()]
    return Scope(MultiScaleModel(), controls, views, title="multi-scale", **kw)


def test_step_advances_one_chunk_and_the_window_rolls():
    scope = multiscale_scope(window=1 * second, chunk=200 * ms)
    assert scope.t == pytest.approx(0.2) and scope.chunks == 1     # headless first chunk
    for _ in range(9):
        scope.step()
    assert scope.t == pytest.approx(2.0)
    t = np.asarray(scope.results["t"])
    assert t.min() >= 1.0 - 1e-9 and t.max() < 2.0                # only the last second
    trace = scope.views[0]
    assert (trace.x_scale.min, trace.x_scale.max) == pytest.approx((1000.0, 2000.0))
    assert np.min(trace.line.x) >= 1000.0 - 1e-6
    assert "t = 2.000 s" in scope.status.value
    assert "chunk of 200 ms in " in scope.status.value          # exact, as the text says
    scope.pause()
    took = f"{scope.timings[-1] * 1e3:.4g} ms wall"              # the last chunk's, not 0
    assert f"chunk of 200 ms in {took}" in scope.status.value and "paused" in scope.status.value


def test_a_control_changes_the_running_model_without_restarting():
    """Multi-scale neuron (models-reference 1.4): a_sp = 1.5 bursts, 2.5 spikes tonically."""
    scope = multiscale_scope(window=3 * second, chunk=500 * ms)
    for _ in range(23):                                           # settle: ~12 s of bursts
        scope.step()
    bursting = np.diff(np.asarray(scope.results["spike_t"]))
    scope.controls["a_sp"].widget.value = 2.5                     # as the browser would
    t_switch = scope.t
    for _ in range(30):
        scope.step()
    assert scope.t > t_switch                                     # it went on, no restart
    tonic = np.diff(np.asarray(scope.results["spike_t"]))
    assert bursting.max() > 0.5                                   # long pauses between bursts
    assert tonic.max() < 0.2 and tonic.min() > 0.08               # regular spikes, ~9 Hz


def test_restart_goes_back_to_zero_with_current_values():
    scope = multiscale_scope(chunk=100 * ms)
    for _ in range(5):
        scope.step()
    scope.restart_button.click()
    assert scope.t == pytest.approx(0.1)
    assert np.asarray(scope.results["t"]).min() == 0.0


def test_thread_mode_runs_in_the_background_and_pauses():
    scope = multiscale_scope(chunk=20 * ms, speed=None, mode="thread")
    scope.start_button.click()
    try:
        deadline = time.monotonic() + 10
        while scope.chunks < 10 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert scope.running and "running (thread)" in scope.status.value
        scope.controls["I_app"].value = 0.5                      # from the main thread
        seen = scope.chunks
        while scope.chunks < seen + 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert scope.model.params["I_app"] == 0.5                 # applied while running
    finally:
        scope.pause_button.click()
    assert not scope.running and not scope._worker.is_alive()
    assert scope.chunks >= 10
    chunks = scope.chunks
    time.sleep(0.1)
    assert scope.chunks == chunks                                 # really paused
    scope.controls["I_app"].value = -1.0                          # paused: applied at once
    assert scope.model.params["I_app"] == -1.0


def test_a_machine_too_slow_for_the_speed_runs_the_scope_half_the_time(monkeypatch):
    import types

    import labkit.widgets.scope as scope_module

    scope = multiscale_scope(chunk=100 * ms, speed=2.0)          # a chunk every 50 ms
    now = time.perf_counter()  # the clock stands still (on a loaded machine it moved 8 ms)
    monkeypatch.setattr(scope_module, "time", types.SimpleNamespace(perf_counter=lambda: now,
                                                                    sleep=time.sleep))
    assert scope._pause_between(now - 0.01) == pytest.approx(0.04, abs=0.005)   # on time
    assert scope._pause_between(now - 0.2) == pytest.approx(0.2, abs=0.005)     # too slow
    assert multiscale_scope(speed=None)._pause_between(now - 0.2) == 0.005


def test_asyncio_mode_runs_as_a_task_on_the_event_loop():
    async def drive():
        scope = multiscale_scope(chunk=20 * ms, speed=None, mode="asyncio")
        scope.start()
        for _ in range(200):
            await asyncio.sleep(0.01)
            if scope.chunks >= 6:
                break
        scope.pause()
        await asyncio.sleep(0.05)
        return scope

    scope = asyncio.run(drive())
    assert scope.chunks >= 6 and scope._worker.done()


def test_background_mode_detection(monkeypatch):
    assert background_mode() == "thread"
    monkeypatch.setattr("sys.platform", "emscripten")
    assert background_mode() == "asyncio"


def test_scope_errors_show_and_recover():
    controls = [FloatControl("I", 0 * nA, 1 * nA, 0.5 * nA),
                FloatControl("v_reset", -80 * mV, -40 * mV, -70 * mV)]
    scope = Scope(LIFNeuron(), controls, [TraceView("v"), RasterView()], chunk=50 * ms)
    scope.controls["v_reset"].value = -45 * mV
    assert scope.step() is None and isinstance(scope.error, ValueError)
    assert "must be below v_th" in scope.error_box.value
    scope.controls["v_reset"].value = -65 * mV
    assert scope.step() is not None and scope.error is None
    assert scope.error_box.layout.display == "none"


def test_a_readout_line_above_the_views_follows_every_chunk():
    def spikes_so_far(results):
        return f"<b>spikes</b>: {np.asarray(results['spike_t']).size}"

    scope = multiscale_scope(chunk=500 * ms, readout=spikes_so_far)
    assert scope.views_box.children[0] is scope.readout_line
    assert scope.views_box.children[1] is scope.views[0].widget
    for _ in range(4):
        scope.step()
    assert scope.readout_line.value == spikes_so_far(scope.results)
    assert int(scope.readout_line.value.split(": ")[1]) > 0
    plain = multiscale_scope()                                  # no readout: no line
    assert plain.readout_line not in plain.views_box.children
    with pytest.raises(TypeError, match="readout must be a function.*str 'regime'"):
        multiscale_scope(readout="regime")


def test_a_readout_that_fails_is_the_chunks_error_shown_in_the_panel():
    def broken(results):
        return results["no such result"]

    scope = multiscale_scope(readout=broken)
    assert scope.step() is None and isinstance(scope.error, KeyError)
    assert "no such result" in scope.error_box.value


def test_scope_sliders_are_always_live():
    scope = multiscale_scope()
    assert all(c.widget.continuous_update for c in scope.controls.values())
    with pytest.raises(ValueError, match="needs its views"):
        Scope(MultiScaleModel(), [], None)


def test_a_chunk_that_keeps_failing_backs_off_and_says_so():
    # was: about 47 retries a second, each redrawing the same error
    controls = [FloatControl("I", 0 * nA, 1 * nA, 0.5 * nA),
                FloatControl("v_reset", -80 * mV, -40 * mV, -70 * mV)]
    scope = Scope(LIFNeuron(), controls, [TraceView("v"), RasterView()], chunk=5 * ms,
                  speed=None, mode="thread")
    scope.controls["v_reset"].value = -45 * mV                    # every chunk fails
    scope.start()
    try:
        time.sleep(1.6)
        failures = scope.failures
        assert 3 <= failures <= 6                                 # 0.1, 0.2, 0.4, 0.8 s
        assert f"failed {failures} times in a row; retrying every" in scope.status.value
        scope.controls["v_reset"].value = -65 * mV                # a new value: at once
        deadline = time.monotonic() + 5
        while scope.error is not None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert scope.error is None and scope.failures == 0
    finally:
        scope.pause()


def test_a_live_model_that_returns_the_wrong_type_says_what_it_must_return():
    # was: KeyError: 't'
    from labkit.widgets import live

    @live(views=[TraceView("v")])
    def returns_a_number(I=1.0):
        return 5.0

    assert isinstance(returns_a_number.error, TypeError)
    assert "returned a float (5.0); it must return a monitor" in str(returns_a_number.error)

    @live(views=[TraceView("v")])
    def returns_no_times(I=1.0):
        return {"v": [1.0, 2.0]}

    message = str(returns_no_times.error)
    assert isinstance(returns_no_times.error, KeyError)
    assert message.startswith("a plot needs 't' from the model's results, which have: v.")
