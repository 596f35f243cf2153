"""Lesson 06, input-frequency curves and noise: the I-F model, its panel, the checkers.

The panel's model runs two populations, each neuron with its own constant current (input
scaling with the neuron index, from 0 to ``I_max``), and counts spikes over ``duration``:

* the physical LIF of :mod:`labkit.models.lif` (exact rate formula drawn dashed);
* the Traub-Miles cell of :mod:`labkit.models.hh`, integrated with Euler-Maruyama at
  ``dt = 0.02 ms`` (exponential Euler cannot integrate noise).

Both receive the same kind of noise: an Ornstein-Uhlenbeck current with standard deviation
``sigma`` and correlation time ``tau_noise`` (external constants of each run).
"""

from __future__ import annotations

import functools

import numpy as np

from labkit import (
    Hz,
    Network,
    NeuronGroup,
    Quantity,
    SpikeMonitor,
    amp,
    get_dimensions,
    ms,
    nA,
    second,
    seed,
)
from labkit.core.random import get_state, set_state
from labkit.lessons.checking import Verdict, expect_close, expect_true
from labkit.models.hh import traub_miles_namespace, traub_miles_network
from labkit.models.lif import (
    E_L,
    R_M,
    V_TH,
    lif_physical_namespace,
    lif_physical_network,
    lif_physical_rate,
)
from labkit.units.dimension import DIMENSIONLESS
from labkit.widgets import FloatControl, IFCurveView, NetworkModel, Panel, Results

__all__ = ["IFModel", "panel", "CHECKS"]

HH_DT = 0.02 * ms


class IFModel:
    """simulate(sigma, tau_noise) -> Results: ``I``, ``f_lif``, ``f_lif_theory``, ``f_hh``.

    Parameters
    ----------
    I_max : Quantity
        Neuron k of ``n`` receives ``I_max * k / (n - 1)``.
    n : int
        Neurons (inputs) per model.
    duration : Quantity
        Spikes are counted over this time.
    """

    def __init__(self, I_max=0.5 * nA, n: int = 26, duration=1 * second):
        self.currents = Quantity(np.linspace(0, float(I_max), n), dim=amp.dim)
        self.duration = duration
        lif, lif_objects = lif_physical_network(self.currents)
        hh, hh_objects = traub_miles_network(n, self.currents, record=False, noisy=True,
                                             dt=HH_DT)
        self.lif = NetworkModel(lif, duration, namespace=lif_physical_namespace(),
                                monitors=lif_objects["spikes"])
        self.hh = NetworkModel(hh, duration, namespace=traub_miles_namespace(),
                               monitors=hh_objects["spikes"])

    def _rates(self, model, params) -> Quantity:
        results = model.simulate(**params)
        counts = np.bincount(np.asarray(results["spike_i"], dtype=int),
                             minlength=len(self.currents))
        return counts / self.duration

    def simulate(self, sigma=0 * nA, tau_noise=5 * ms) -> Results:
        params = dict(sigma=sigma, tau_noise=tau_noise)
        return Results({"I": self.currents, "f_lif": self._rates(self.lif, params),
                        "f_lif_theory": lif_physical_rate(self.currents),
                        "f_hh": self._rates(self.hh, params)}, sim_time=self.duration)

    def __repr__(self):
        return f"IFModel({len(self.currents)} inputs up to {self.currents[-1]})"


def panel(**kw) -> Panel:
    """sigma, tau_noise -> the I-F curves of the LIF (with its formula) and of the HH cell."""
    controls = [FloatControl("sigma", 0 * nA, 0.2 * nA, 0.1 * nA, unit=nA,
                             label="noise amplitude sigma"),
                FloatControl("tau_noise", 1 * ms, 50 * ms, 5 * ms, log=True, unit=ms,
                             label="noise correlation time tau_noise")]
    views = [IFCurveView("I", "f_lif", x_unit=nA, reference="f_lif_theory",
                         label="simulated, with noise", reference_label="formula, no noise",
                         title="leaky integrate-and-fire"),
             IFCurveView("I", "f_hh", x_unit=nA, title="Hodgkin-Huxley (Traub-Miles)",
                         color="#d62728", label="simulated, with noise", legend=True)]
    return Panel(IFModel(), controls, views, title="Input-frequency curves with noise", **kw)


# -- checkers -------------------------------------------------------------------------------
def _check_rheobase(I_rheo):
    """06.a (inline): the physical LIF's rheobase current, from its parameters."""
    yield expect_close("I_rheo", I_rheo, (V_TH - E_L) / R_M, rtol=1e-6,
                       hint="the neuron fires when its steady state E_L + R_m*I exceeds the "
                            "threshold V_th: solve for I")


@functools.lru_cache(maxsize=1)
def hh_onset_counts() -> tuple[int, ...]:
    """Spike counts of 31 Traub-Miles cells at I = k * 0.01 nA (k = 0..30) over 1 s: the
    reference of exercise 06.3."""
    currents = np.arange(31) * 0.01 * nA
    net, objects = traub_miles_network(31, currents, record=False)
    net.run(1 * second, namespace=traub_miles_namespace())
    return tuple(int(c) for c in objects["spikes"].count)


def _check_hh_onset(counts, I_onset):
    """06.3: the Traub-Miles cell at I = k * 0.01 nA, k = 0..30, 1 s: spike counts, and
    the smallest of these currents that makes it fire."""
    want = np.array(hh_onset_counts())
    got = np.asarray(counts)
    if got.shape != want.shape:
        yield Verdict(False, f"counts has shape {got.shape}; it needs one count per current "
                             f"(31)", "one group of 31 neurons, neuron k at k*0.01*nA")
        return
    yield expect_true(np.array_equal(got, want), "counts are right",
                      "counts are not the spike counts of those cells over 1 s",
                      "traub_miles_network(31, currents, record=False), run 1 s with "
                      "traub_miles_namespace(); Smon.count")
    yield expect_close("I_onset", I_onset, np.flatnonzero(want)[0] * 0.01 * nA, rtol=1e-6,
                       hint="the current of the first cell with a spike; far below the "
                            "LIF's rheobase")


def if_counts(currents, duration=1 * second) -> np.ndarray:
    """The physical LIF without noise (exact integration, from E_L), one neuron per current
    -> its spike counts over ``duration``: the reference of exercise 06.1."""
    group = NeuronGroup(len(currents), LIF_PHYSICAL_QUIET_EQS, threshold="v > V_th",
                        reset="v = V_reset", refractory="t_ref", method="exact")
    group.v = E_L
    group.I = currents
    spikes = SpikeMonitor(group)
    Network(group, spikes).run(duration, namespace=lif_physical_namespace())
    return np.asarray(spikes.count)


LIF_PHYSICAL_QUIET_EQS = """
dv/dt = (E_L - v + R_m*I)/tau_m : volt (unless refractory)
I : amp
"""


def _check_if_curve(currents, rates):
    """06.1: 11 physical LIF neurons, I = i * 0.05 nA (i = 0..10), 1 s, no noise.

    The rates are counted spikes over 1 s, so whole numbers of Hz: the formula's values
    (not a simulation) fail; a simulation may differ from the reference by one spike.
    """
    want_I = np.arange(11) * 0.05 * nA
    yield expect_close("currents", currents, want_I, rtol=1e-6,
                       hint="the input of neuron i is i*0.05*nA: a string 'i*0.05*nA'")
    yield expect_true(get_dimensions(rates) is Hz.dim, "rates are in hertz",
                      "rates are not frequencies", "divide the counts by the duration")
    got = np.asarray(rates, dtype=float)
    if got.shape != (11,):
        yield Verdict(False, f"rates has shape {got.shape}; it needs one rate per neuron",
                      "Smon.count / duration")
        return
    reference = np.asarray(if_counts(want_I), dtype=float)
    counted = np.allclose(got, np.round(got), atol=1e-6)
    yield expect_true(counted, "rates are counts over 1 s",
                      "rates are not whole numbers of spikes per second",
                      "simulate and count: Smon.count / (1*second), not the rate formula")
    yield expect_true(counted and np.all(np.abs(got - reference) <= 1),
                      "rates are the firing rates of those neurons",
                      "rates are not the firing rates of those neurons",
                      "count spikes per neuron over 1 s; did you start at E_L and run 1 s?")


@functools.lru_cache(maxsize=1)
def noise_reference(n: int = 200, seed_value: int = 6):
    """Spike counts of ``n`` LIF neurons at 0.12 nA with OU noise (0.1 nA, 5 ms), 1 s ->
    (mean, standard deviation) of a neuron's count: the band exercise 06.2 accepts.

    The learner's random generator is left as it was: checking must not change what their
    next simulation draws.
    """
    state = get_state()
    try:
        seed(seed_value)
        net, objects = lif_physical_network(np.full(n, 0.12e-9))
        net.run(1 * second, namespace=lif_physical_namespace(sigma=0.1 * nA, tau_noise=5 * ms))
    finally:
        set_state(state)
    counts = np.asarray(objects["spikes"].count, dtype=float)
    return float(counts.mean()), float(counts.std())


def _check_noise(rate_quiet, counts_noisy):
    """06.2: 20 LIF neurons at 0.12 nA (below rheobase), 1 s: the rate without noise, and
    each neuron's spike count with OU noise of sigma = 0.1 nA (tau_noise = 5 ms)."""
    yield expect_close("rate_quiet", rate_quiet, 0 * Hz,
                       hint="0.12 nA is below the rheobase R*I < V_th - E_L")
    counts = np.asarray(counts_noisy)
    if counts.shape != (20,) or get_dimensions(counts_noisy) is not DIMENSIONLESS:
        yield Verdict(False, "counts_noisy is not 20 spike counts (one per neuron, no unit)",
                      "Smon.count of the 20 noisy neurons after 1 s")
        return
    mean, sd = noise_reference()
    band = max(4 * sd / np.sqrt(20), 1.0)
    yield expect_true(abs(counts.mean() - mean) < band,
                      "counts_noisy: their mean is what this noise gives",
                      "counts_noisy: their mean is not what noise of 0.1 nA gives at 0.12 nA",
                      "give the run sigma = 0.1*nA and tau_noise = 5*ms, start at E_L, and "
                      "run 1 s with method='euler'")
    yield expect_true(0.4 * sd < counts.std() < 1.8 * sd,
                      "counts_noisy: the neurons differ as independent noisy neurons do",
                      "counts_noisy: the counts do not vary between neurons as independent "
                      "noise makes them", "each neuron needs its own noise: xi in the "
                      "equations of a group of 20")


CHECKS = {"06.a": _check_rheobase, "06.1": _check_if_curve, "06.2": _check_noise,
          "06.3": _check_hh_onset}
