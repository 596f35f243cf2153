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

import numpy as np

from labkit import Quantity, amp, ms, nA, second
from labkit.lessons.checking import Verdict, expect_close, expect_true
from labkit.models.hh import traub_miles_namespace, traub_miles_network
from labkit.models.lif import lif_physical_namespace, lif_physical_network, lif_physical_rate
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
    controls = [FloatControl("sigma", 0 * nA, 0.2 * nA, 0 * nA, unit=nA),
                FloatControl("tau_noise", 1 * ms, 50 * ms, 5 * ms, log=True)]
    views = [IFCurveView("I", "f_lif", x_unit=nA, reference="f_lif_theory",
                         title="LIF (dashed: formula without noise)"),
             IFCurveView("I", "f_hh", x_unit=nA, title="Hodgkin-Huxley (Traub-Miles)",
                         color="#d62728")]
    return Panel(IFModel(), controls, views, title="Input-frequency curves with noise", **kw)


# -- checkers -------------------------------------------------------------------------------
def _check_if_curve(currents, rates):
    """06.1: 11 physical LIF neurons, I = i * 0.05 nA (i = 0..10), 1 s, no noise."""
    want_I = np.arange(11) * 0.05 * nA
    yield expect_close("currents", currents, want_I, rtol=1e-6,
                       hint="the input of neuron i is i*0.05*nA: a string 'i*0.05*nA'")
    got = np.asarray(rates, dtype=float)
    if got.shape != (11,):
        yield Verdict(False, f"rates has shape {got.shape}; it needs one rate per neuron",
                      "Smon.count / duration")
        return
    theory = np.asarray(lif_physical_rate(want_I))
    yield expect_true(np.all(np.abs(got - theory) <= 0.03 * theory + 1.01),
                      "rates follow the LIF formula (within a spike per second)",
                      "rates are not the firing rates of those neurons",
                      "count spikes per neuron over 1 s; did you start at E_L and run 1 s?")


def _check_noise(rate_quiet, rate_noisy):
    """06.2: LIF at 0.12 nA (below rheobase), 1 s: without noise and with sigma = 0.1 nA."""
    yield expect_close("rate_quiet", rate_quiet, 0 * (1 / second),
                       hint="0.12 nA is below the rheobase R*I < V_th - E_L")
    yield expect_true(np.ndim(rate_noisy) == 0 and 2 < float(rate_noisy) < 80,
                      "rate_noisy: noise makes the neuron fire now and then",
                      "rate_noisy is not the rate of a LIF at 0.12 nA with noise of 0.1 nA",
                      "give sigma and tau_noise (5 ms) to the run and count over 1 s")


CHECKS = {"06.1": _check_if_curve, "06.2": _check_noise}
