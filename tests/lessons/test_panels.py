"""Every lesson's panel, headless: it builds, runs its model, and its marks move the way
the physics says when a control changes (no browser needed)."""

import numpy as np
import pytest

from labkit import ms, mV, nA


def _spikes(panel):
    return len(np.asarray(panel.results["spike_t"]))


def test_00_style_live_decorator_builds_a_panel():
    from labkit import NeuronGroup, SpikeMonitor, StateMonitor, run, start_scope
    from labkit.widgets import live

    @live(tau=(1 * ms, 100 * ms, "log"), drive=(0.5, 3.0), show=False)
    def first_panel(tau=10 * ms, drive=1.2):
        start_scope()
        G = NeuronGroup(1, "dv/dt = (drive - v)/tau : 1", threshold="v > 1",
                        reset="v = 0", method="exact")
        trace, spikes = StateMonitor(G, "v", record=0), SpikeMonitor(G)
        run(100 * ms)
        return trace, spikes

    assert first_panel.error is None
    before = _spikes(first_panel)
    first_panel.set(drive=2.5)
    assert _spikes(first_panel) > before


def test_01_panel_steady_state_follows_R_I():
    from labkit.lessons.lesson01 import panel

    p = panel()
    assert p.error is None
    p.set(R=p.controls["R"].value * 2)                        # 200 MOhm
    v_end = float(np.asarray(p.results["v"])[-1])
    tau = 200e6 * 200e-12                                     # 40 ms; the curve lasts 200 ms
    assert v_end == pytest.approx(-0.070 + 200e6 * 0.15e-9 * (1 - np.exp(-0.2 / tau)))
    line = np.asarray(p.views[0].threshold_line.y)
    assert line[0] == pytest.approx(-70 + 30, abs=1e-6)          # drawn in mV


def test_02_panel_more_input_more_spikes_and_refractoriness_caps():
    from labkit.lessons.lesson02 import panel

    p = panel()
    assert p.error is None and _spikes(p) == 4               # 16, 37, 58, 79 ms
    x0 = p.views[1].drawn()[0].size
    p.set(I=2.5)
    assert _spikes(p) > 4 and p.views[1].drawn()[0].size > x0
    p.set(I=0.7)
    assert _spikes(p) == 0
    p.set(I=3.0, tau_ref=20 * ms)
    assert _spikes(p) <= 5
    p.set(V_r=0.3, tau_ref=5 * ms, I=1.0)                     # starts at V_r
    assert float(np.asarray(p.results["v"])[0][0]) == pytest.approx(0.3)


def test_03_panel_three_monitors():
    from labkit.lessons.lesson03 import panel

    p = panel()
    assert p.error is None
    assert np.asarray(p.results["v"]).shape[0] == 3 and "rate" in p.results
    low = _spikes(p)
    p.set(I_max=3.0)
    assert _spikes(p) > low
    again = _spikes(p)
    p.set(I_max=3.0, sigma=0.2)
    p.set(sigma=0.1)                                          # back: same noise, same spikes
    assert _spikes(p) == again


def test_04_panel_weight_and_delay():
    from labkit.lessons.lesson04 import panel

    p = panel()
    assert p.error is None
    i = np.asarray(p.results["spike_i"])
    assert (i == 0).sum() > 5 and (i == 1).sum() == 2        # w = 0.2: two target spikes
    p.set(w=0.1)
    assert (np.asarray(p.results["spike_i"]) == 1).sum() == 0
    p.set(w=0.5)
    strong = (np.asarray(p.results["spike_i"]) == 1).sum()
    assert strong > 2
    v1 = np.asarray(p.results["v"])[1]
    first_jump = np.flatnonzero(np.diff(v1) > 0.1)[0]
    p.set(delay=5 * ms)
    v1_late = np.asarray(p.results["v"])[1]
    assert np.flatnonzero(np.diff(v1_late) > 0.1)[0] == first_jump + 50   # 5 ms = 50 steps


def test_04_connectivity_panel_rules():
    from labkit.lessons.lesson04 import RULES, connectivity_panel

    p = connectivity_panel()
    assert p.error is None
    sizes = {}
    for rule in RULES:
        p.set(rule=rule)
        assert p.error is None, rule
        sizes[rule] = len(p.results["pre"])
        assert len(np.asarray(p.views[0].dots.x)) == sizes[rule]
    assert sizes["i=0, j=1 (by index)"] == 1
    assert sizes["all to all, no self (condition='i != j')"] == 20 * 19
    assert sizes["one-to-one (j='i')"] == 20
    assert sizes["neighbours (condition='abs(i-j) <= 2 and i != j')"] == 2 * 19 + 2 * 18
    p.set(rule="random (p=0.2)")
    first = np.asarray(p.results["pre"]).copy()
    p.set(rule="one-to-one (j='i')")
    p.set(rule="random (p=0.2)")
    np.testing.assert_array_equal(np.asarray(p.results["pre"]), first)     # seeded


def test_04_connectivity_matrix_is_drawn_square():
    from labkit.lessons.lesson04 import ConnectivityView
    from labkit.widgets.views.base import MARGIN

    figure = ConnectivityView().figure
    width = float(figure.layout.width.removesuffix("px"))
    height = width / figure.max_aspect_ratio
    assert figure.min_aspect_ratio == figure.max_aspect_ratio
    assert width - MARGIN["left"] - MARGIN["right"] == \
        pytest.approx(height - MARGIN["top"] - MARGIN["bottom"])
    assert height == pytest.approx(320)


def test_05_panel_tetrodotoxin_and_current():
    from labkit.lessons.lesson05 import panel
    from labkit.models.hh import G_NA

    p = panel()
    assert p.error is None and _spikes(p) >= 5
    peak = float(np.max(np.asarray(p.results["v"])))
    p.apply_preset("tetrodotoxin (g_na / 10)")
    assert float(np.max(np.asarray(p.results["v"]))) < peak
    p.set(g_na=G_NA / 40)
    assert float(np.max(np.asarray(p.results["v"]))) < float(-20 * mV)
    p.apply_preset("control")
    p.set(I_amp=0 * nA)
    assert _spikes(p) <= 1                                     # gates start at 0: maybe one
    stim = np.asarray(p.results["I_stim"])
    assert stim.shape == np.asarray(p.results["t"]).shape and np.all(stim == 0)


def test_06_panel_noise_smooths_the_lif_curve():
    from labkit.lessons.lesson06 import panel

    p = panel()
    assert p.error is None
    I = np.asarray(p.results["I"])
    below = I < 0.15e-9
    assert np.asarray(p.results["f_lif"])[below].sum() > 0    # opens with noise: it fires
    p.set(sigma=0 * nA)
    r = p.results
    assert np.all(np.asarray(r["f_lif"])[below] == 0)
    np.testing.assert_allclose(np.asarray(r["f_lif"]), np.asarray(r["f_lif_theory"]), atol=1.5)
    assert np.asarray(r["f_hh"])[(I > 0.05e-9)].min() > 0    # HH fires below LIF rheobase
    assert len(np.asarray(p.views[1].line.y)) == len(I)


def test_07_panel_network_operation_and_timed_array_agree():
    from labkit.lessons.lesson07 import panel

    p = panel()
    assert p.error is None
    timed = np.asarray(p.results["spike_t"])
    p.set(use_network_operation=True)
    np.testing.assert_allclose(np.asarray(p.results["spike_t"]), timed)
    p.set(period=20 * ms)
    assert p.error is None
    p.set(use_network_operation=False)
    assert p.error is None and len(np.asarray(p.results["spike_t"])) > 0
