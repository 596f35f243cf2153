"""LIF parameters (Quantities) -> exact membrane traces, spike times and I-F curves, in numpy.

Why: the widget library is built and tested against models that implement its interfaces
without the simulator (which the widgets must know nothing about). A leaky integrate-and-fire
neuron with a constant input has a closed-form solution, so these models are exact, fast
(vectorised, no time-step loop) and make good references:

    tau dv/dt = E_L - v + R I;   v > v_th -> spike, v = v_reset, held for t_ref

From ``v_start`` the potential relaxes towards ``v_inf = E_L + R I``; it reaches ``v_th``
after ``tau ln((v_inf - v_start) / (v_inf - v_th))`` when ``v_inf > v_th``, so the neuron fires
periodically with period ``t_ref + tau ln((v_inf - v_reset) / (v_inf - v_th))`` and rate
its inverse: the LIF I-F curve.

:class:`LIFNeuron` implements ``simulate`` and the chunked ``start/advance/set`` (for a
Scope); :class:`LIFPopulation` gives the I-F curve and raster of N neurons with graded inputs.
"""

from __future__ import annotations

import numpy as np

from labkit.units import Hz, Mohm, Quantity, amp, ms, mV, nA, second, volt
from labkit.widgets.results import Results

__all__ = ["LIFNeuron", "LIFPopulation", "lif_rate", "LIF_DEFAULTS"]

#: Default parameters (a cortical-ish cell: rheobase 0.2 nA).
LIF_DEFAULTS = dict(tau=10 * ms, R=100 * Mohm, I=0.3 * nA, E_L=-70 * mV, v_th=-50 * mV,
                    v_reset=-70 * mV, t_ref=2 * ms)


def _si(params: dict) -> dict:
    return {k: float(np.asarray(v)) for k, v in params.items()}


def _check(p: dict) -> None:
    """Refuse parameters for which the model means nothing (the panel shows the message)."""
    if p["v_reset"] >= p["v_th"]:
        raise ValueError(f"v_reset ({p['v_reset'] * 1e3:g} mV) must be below v_th "
                         f"({p['v_th'] * 1e3:g} mV), or the neuron fires at every step")
    if p["tau"] <= 0 or p.get("dt", 1.0) <= 0:
        raise ValueError("tau and dt must be positive")


def _time_to_threshold(v_inf, v_start, v_th, tau):
    """Exact time from ``v_start`` to ``v_th`` (inf when never reached); arrays broadcast."""
    v_inf, v_start = np.asarray(v_inf, float), np.broadcast_to(v_start, np.shape(v_inf))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = tau * np.log((v_inf - v_start) / (v_inf - v_th))
    t = np.where(v_inf > v_th, t, np.inf)
    return np.where(v_start >= v_th, 0.0, t)


def lif_rate(I, tau=10 * ms, R=100 * Mohm, E_L=-70 * mV, v_th=-50 * mV, v_reset=-70 * mV,
             t_ref=2 * ms):
    """Input current(s) -> firing rate(s) of the LIF neuron (Quantity in Hz).

    The course's one LIF rate formula: :mod:`labkit.models.lif` computes its rates with it.

    >>> from labkit.units import nA
    >>> print(lif_rate(0.1 * nA))
    0. Hz
    >>> round(float(lif_rate(0.4 * nA)), 2)
    111.96
    """
    p = _si(dict(tau=tau, R=R, E_L=E_L, v_th=v_th, v_reset=v_reset, t_ref=t_ref))
    v_inf = p["E_L"] + p["R"] * np.asarray(I, dtype=float)
    period = p["t_ref"] + _time_to_threshold(v_inf, p["v_reset"], p["v_th"], p["tau"])
    rate = np.where(np.isfinite(period), 1.0 / period, 0.0)
    return Quantity(rate, dim=Hz.dim)


def _spike_trains(first, period, t_end):
    """Per-neuron first spike time and period -> (times, neuron indices) before ``t_end``."""
    first, period = np.atleast_1d(first), np.atleast_1d(period)
    fires = first < t_end
    counts = np.zeros(first.size, dtype=np.int64)
    counts[fires] = np.floor((t_end - first[fires]) / period[fires] - 1e-12).astype(
        np.int64) + 1
    counts = np.maximum(counts, 0)
    neuron = np.repeat(np.arange(first.size), counts)
    k = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return first[neuron] + k * period[neuron], neuron


class LIFNeuron:
    """One LIF neuron with constant input, solved exactly on a sampling grid.

    ``simulate(**params)`` -> Results with ``t``, ``v`` (1, n_t), ``spike_t``, ``spike_i``,
    ``v_th``, ``I``. Parameters (Quantities) are those of :data:`LIF_DEFAULTS` plus
    ``duration`` and ``dt`` (the sampling step; the solution itself is exact).

    >>> from labkit.units import nA, ms
    >>> r = LIFNeuron().simulate(I=0.4 * nA, duration=100 * ms)
    >>> len(r["spike_t"])
    11
    """

    def __init__(self, duration=100 * ms, dt=0.1 * ms, **defaults):
        self.defaults = {**LIF_DEFAULTS, "duration": duration, "dt": dt, **defaults}
        self.start()

    # -- chunked interface (Scope) --------------------------------------------------------
    def start(self, **params) -> None:
        """Back to t = 0, v = E_L, with these parameters."""
        self.params = {**self.defaults, **params}
        self._t = 0.0
        self._v = float(np.asarray(self.params["E_L"]))
        self._ref_end = 0.0

    def set(self, **params) -> None:
        """New parameter values for the following chunks; the state is kept."""
        self.params.update(params)

    def advance(self, duration) -> Results:
        """Simulate ``duration`` on from the current state -> that chunk's Results."""
        p = _si(self.params)
        _check(p)
        t0, length = self._t, float(np.asarray(duration))
        n = int(round(length / p["dt"]))
        t = t0 + np.arange(n) * p["dt"]
        v_inf = p["E_L"] + p["R"] * p["I"]
        free_from = max(t0, self._ref_end)                   # end of a refractory carried over
        v_start = p["v_reset"] if self._ref_end > t0 else self._v
        first = free_from + _time_to_threshold(v_inf, v_start, p["v_th"], p["tau"])
        period = p["t_ref"] + _time_to_threshold(v_inf, p["v_reset"], p["v_th"], p["tau"])
        spikes, _ = _spike_trains(first, period, t0 + length)
        self._v = float(self._v_at(np.array([t0 + length]), spikes, free_from, v_start, v_inf,
                                   p)[0])
        v = self._v_at(t, spikes, free_from, v_start, v_inf, p)
        if spikes.size:
            self._ref_end = spikes[-1] + p["t_ref"]
        self._t = t0 + length
        return Results({
            "t": Quantity(t, dim=second.dim), "v": Quantity(v[None, :], dim=volt.dim),
            "spike_t": Quantity(spikes, dim=second.dim),
            "spike_i": np.zeros(spikes.size, dtype=np.int64),
            "v_th": self.params["v_th"], "I": self.params["I"]}, sim_time=self._t)

    @staticmethod
    def _v_at(t, spikes, free_from, v_start, v_inf, p):
        """Exact v at times ``t`` given this chunk's spikes (vectorised)."""
        last = np.searchsorted(spikes, t, side="right") - 1
        previous = spikes[np.maximum(last, 0)] if spikes.size else np.zeros_like(t)
        since = t - np.where(last >= 0, previous, free_from)
        v0 = np.where(last >= 0, p["v_reset"], v_start)
        free = since - np.where(last >= 0, p["t_ref"], 0.0)
        v = v_inf + (v0 - v_inf) * np.exp(-np.maximum(free, 0.0) / p["tau"])
        return np.where((free < 0) | ((last < 0) & (t < free_from)), p["v_reset"], v)

    # -- one-shot interface (Panel) ---------------------------------------------------------
    def simulate(self, **params) -> Results:
        """params -> Results of ``duration`` from rest."""
        self.start(**params)
        return self.advance(self.params["duration"])


class LIFPopulation:
    """N independent LIF neurons with inputs spread around ``I`` -> I-F curve and raster.

    Neuron k receives ``I + sigma_I * (2k/(N-1) - 1)``. ``simulate(**params)`` -> Results with
    ``I`` (N,), ``f`` (measured rate: spikes in ``duration`` / duration), ``f_theory`` (the
    formula), ``spike_t``, ``spike_i`` and ``N``.

    >>> from labkit.units import nA
    >>> r = LIFPopulation(N=5).simulate(I=0.3 * nA, sigma_I=0.2 * nA)
    >>> [round(float(x)) for x in r["f"]]
    [0, 0, 77, 112, 140]
    """

    def __init__(self, N: int = 1000, duration=1 * second, **defaults):
        self.defaults = {**LIF_DEFAULTS, "sigma_I": 0.2 * nA, "duration": duration,
                         "N": N, **defaults}

    def simulate(self, **params) -> Results:
        merged = {**self.defaults, **params}
        n = int(merged.pop("N"))
        p = _si(merged)
        _check(p)
        currents = p["I"] + p["sigma_I"] * (np.linspace(-1, 1, n) if n > 1 else np.zeros(1))
        v_inf = p["E_L"] + p["R"] * currents
        first = _time_to_threshold(v_inf, p["E_L"], p["v_th"], p["tau"])
        period = p["t_ref"] + _time_to_threshold(v_inf, p["v_reset"], p["v_th"], p["tau"])
        spike_t, spike_i = _spike_trains(first, period, p["duration"])
        counts = np.bincount(spike_i, minlength=n)
        theory = lif_rate(currents * amp, **{k: merged[k] for k in
                                             ("tau", "R", "E_L", "v_th", "v_reset", "t_ref")})
        return Results({
            "I": Quantity(currents, dim=amp.dim),
            "f": Quantity(counts / p["duration"], dim=Hz.dim), "f_theory": theory,
            "spike_t": Quantity(spike_t, dim=second.dim), "spike_i": spike_i, "N": n,
        }, sim_time=p["duration"])
