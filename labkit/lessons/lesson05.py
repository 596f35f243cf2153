"""Lesson 05, Hodgkin-Huxley: the step-protocol model, its panel, the checkers.

The panel's network is one Traub-Miles neuron (:mod:`labkit.models.hh`) driven by the
semi-random step protocol (five 20 ms steps, each at a fixed random fraction of the
amplitude ``I_amp``). The maximal conductances ``g_na``, ``g_kd``, ``gl`` and the amplitude
are external constants of each run, so moving a slider re-runs the compiled kernel.
Lowering ``g_na`` is what tetrodotoxin does: it blocks sodium channels.
"""

from __future__ import annotations

import numpy as np

from labkit import ms, mV, nA, nS, second, uS
from labkit.lessons.checking import expect_close, expect_true
from labkit.lessons.common import WithValues
from labkit.models.hh import (
    EL,
    G_KD,
    G_NA,
    GL,
    VT,
    simulate_step_protocol,
    simulate_traub_miles,
    step_protocol,
    traub_miles_namespace,
    traub_miles_network,
)
from labkit.widgets import FloatControl, NetworkModel, Panel, RasterView, TraceView

__all__ = ["step_model", "panel", "CHECKS", "alpha_m", "h_inf"]

STEP = 20 * ms
N_STEPS = 5


def step_model() -> WithValues:
    """simulate(g_na, g_kd, gl, I_amp) -> Results: ``v``, ``m``, ``h``, ``n``, spikes and the
    stimulus ``I_stim`` (nA) on the same time grid."""
    stim = step_protocol(N_STEPS, STEP)
    net, objects = traub_miles_network(1, record=0)
    model = NetworkModel(net, N_STEPS * STEP, namespace=traub_miles_namespace(stim=stim),
                         monitors=[objects["state"], objects["spikes"]])
    fractions = np.asarray(stim.values)

    def stimulus(params):
        n_t = int(round(float(N_STEPS * STEP) / float(objects["neurons"].dt)))
        t = np.arange(n_t) * float(objects["neurons"].dt)
        index = np.minimum((t / float(STEP)).astype(int), N_STEPS - 1)
        return {"I_stim": fractions[index] * params["I_amp"]}

    return WithValues(model, stimulus)


def panel(**kw) -> Panel:
    """g_na, g_kd, gl, I_amp -> membrane potential, gating variables m, h, n, the stimulus
    and the spikes (v > -40 mV). Linear conductance sliders reach 0: a blocked channel."""
    controls = [FloatControl("g_na", 0 * uS, 30 * uS, G_NA, 0.5 * uS, unit=uS,
                             label="sodium conductance g_na"),
                FloatControl("g_kd", 0 * uS, 12 * uS, G_KD, 0.25 * uS, unit=uS,
                             label="potassium conductance g_kd"),
                FloatControl("gl", 1 * nS, 100 * nS, GL, log=True, unit=nS,
                             label="leak conductance gl"),
                FloatControl("I_amp", 0 * nA, 5 * nA, 2 * nA, 0.1 * nA, unit=nA,
                             label="largest step I_amp")]
    views = [TraceView("v", unit=mV, threshold=-40 * mV,
                       threshold_label="spike detection (-40 mV)", title="membrane potential"),
             TraceView(("m", "h", "n"), y_range=(0, 1), height="180px",
                       title="gating variables: Na activation m, inactivation h; K activation n"),
             TraceView("I_stim", unit=nA, title="input current", height="150px"),
             RasterView(title="spikes", height="110px")]
    presets = {"tetrodotoxin (g_na / 10)": {"g_na": G_NA / 10},
               "no potassium current": {"g_kd": 0 * uS},
               "control": {}}
    return Panel(step_model(), controls, views, presets=presets,
                 title="Hodgkin-Huxley (Traub-Miles) under a step protocol", **kw)


# -- checkers -------------------------------------------------------------------------------
def alpha_m(v):
    """Traub-Miles sodium activation rate (1/s) at membrane potential ``v``."""
    u = float((v - VT) / mV)
    x = (13 - u) / 4
    exprel = 1.0 if abs(x) < 1e-9 else np.expm1(x) / x
    return 1.28 / exprel / ms


def h_inf(v):
    """Steady state of the Traub-Miles sodium inactivation h at membrane potential ``v``."""
    u = float((v - VT) / mV)
    alpha = 0.128 * np.exp((17 - u) / 18)
    beta = 4 / (1 + np.exp((40 - u) / 5))
    return alpha / (alpha + beta)


def _check_h_inf(h_rest):
    """05.a (inline): the steady state of h at rest (v = El = -65 mV)."""
    yield expect_close("h_rest", h_rest, h_inf(EL), rtol=1e-4,
                       hint="dh/dt = alpha_h (1 - h) - beta_h h is zero at "
                            "h = alpha_h / (alpha_h + beta_h); evaluate both rates at v = El")


def _check_alpha(alpha):
    """05.1: alpha_m at v = VT + 13 mV, where the formula reads 0/0."""
    yield expect_close("alpha", alpha, alpha_m(VT + 13 * mV), rtol=1e-3,
                       hint="the limit of x/(exp(x)-1) for x -> 0 is 1; the result is a "
                            "rate, in 1/ms")


def _check_rate(rate):
    """05.2: rate of the Traub-Miles cell at 0.3 nA over 2 s (reference: 49 Hz)."""
    _, spikes = simulate_traub_miles(0.3 * nA, duration=2 * second, record=False)
    yield expect_close("rate", rate, spikes.count[0] / (2 * second), rtol=0.03,
                       hint="count spikes over the whole 2 s and divide by 2 s")


def _check_ttx(g_block, peak_block):
    """05.3: a g_na at which the step protocol (2 nA) evokes no action potential, and the
    highest potential reached with it."""
    yield expect_true(float(g_block) < float(G_NA), "g_block is below the normal g_na",
                      "g_block is not a reduced sodium conductance",
                      "tetrodotoxin blocks sodium channels: lower g_na")
    yield expect_true(float(g_block) >= 0.01 * float(G_NA), "g_block is not simply zero",
                      "g_block is (almost) zero: that blocks every channel",
                      "look for roughly the highest g_na that still prevents spikes")
    state, _ = simulate_step_protocol(2 * nA, N_STEPS, STEP, g_na=g_block)
    peak = np.max(state.v[0])
    yield expect_true(float(peak) < float(-20 * mV), "no action potential is left at g_block",
                      "at g_block the potential still shoots above -20 mV: a spike",
                      "lower g_na further")
    yield expect_close("peak_block", peak_block, peak, rtol=0.01,
                       hint="the maximum of the recorded v over the whole protocol")


CHECKS = {"05.a": _check_h_inf, "05.1": _check_alpha, "05.2": _check_rate, "05.3": _check_ttx}
