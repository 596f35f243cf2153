"""Multi-scale ("mixed-feedback") neuron parameters -> traces, spikes and I-V curves (numpy).

Why: the multi-scale neuron lesson (models-reference section 1, Ribar & Sepulchre 2019) needs
a GUI-demo panel: a scope that runs on, a slider for the slow positive conductance that
turns tonic spiking into bursting, and the fast / slow / ultra-slow I-V curves beside it.
This model implements both interfaces (``simulate`` and ``start/advance/set``) with forward
Euler at dt = 0.1 ms, as the reference recommends. "Magnitude convention" (every gain >= 0):

    tau_m dV/dt = -V + a_fm tanh(V - d_fm) - a_sp tanh(Vs - d_sp)
                     + a_sm tanh(Vs - d_sm) - a_up tanh(Vu - d_up) + I_app
    tau_s dVs/dt = V - Vs;     tau_u dVu/dt = V - Vu;     (fast filter: V_f = V)

Voltages, gains, offsets and I_app are dimensionless; time constants are in ms (1 unit =
1 ms). A spike is an upward crossing of V = 0, re-armed once V < -0.5.
"""

from __future__ import annotations

import math

import numpy as np

from labkit.units import Quantity, ms, second
from labkit.widgets.results import Results

__all__ = ["MultiScaleNeuron", "MULTISCALE_DEFAULTS", "iv_curves"]

#: Lesson defaults (models-reference 1.3): a_sp = 1.5 bursts (7 spikes/burst), 2.5 is tonic.
MULTISCALE_DEFAULTS = dict(I_app=-1.0, a_fm=2.0, d_fm=0.0, a_sp=1.5, d_sp=0.0, a_sm=1.5,
                           d_sm=-1.5, a_up=1.5, d_up=-1.5, tau_m=1 * ms, tau_s=50 * ms,
                           tau_u=2500 * ms)


def iv_curves(V, a_fm, d_fm, a_sp, d_sp, a_sm, d_sm, a_up, d_up, **_):
    """Voltage grid + gains/offsets -> (I_fast, I_slow, I_ultra) steady-state I-V curves.

    >>> I_fast, _, _ = iv_curves(np.array([-0.1, 0.0, 0.1]), 2, 0, 0, 0, 0, 0, 0, 0)
    >>> bool(I_fast[2] < I_fast[0])      # negative slope at d_fm when a_fm > 1
    True
    """
    fast = V - a_fm * np.tanh(V - d_fm)
    slow = fast + a_sp * np.tanh(V - d_sp) - a_sm * np.tanh(V - d_sm)
    return fast, slow, slow + a_up * np.tanh(V - d_up)


class MultiScaleNeuron:
    """The multi-scale neuron: ``simulate`` for panels, ``start/advance/set`` for a scope.

    Results keys: ``t``, ``V``, ``Vs``, ``Vu``, ``spike_t``, ``spike_i``, and the I-V curves
    ``iv_V``, ``I_fast``, ``I_slow``, ``I_ultra`` with the level ``I_app``.

    >>> from labkit.units import ms
    >>> r = MultiScaleNeuron().simulate(a_sp=2.5, duration=1000 * ms)
    >>> len(r["spike_t"])                 # tonic; the period settles to ~111 ms after ~10 s
    21
    """

    state0 = (-1.9, -1.8, -1.8)

    def __init__(self, duration=2000 * ms, dt=0.1 * ms, **defaults):
        self.defaults = {**MULTISCALE_DEFAULTS, "duration": duration, "dt": dt, **defaults}
        self.iv_grid = np.linspace(-3.0, 1.5, 301)
        self.start()

    def start(self, **params) -> None:
        self.params = {**self.defaults, **params}
        self._state = list(self.state0)
        self._armed = True
        self._t = 0.0

    def set(self, **params) -> None:
        self.params.update(params)

    def _numbers(self):
        p = {k: float(np.asarray(v)) for k, v in self.params.items()}
        for key in ("tau_m", "tau_s", "tau_u", "dt"):       # the equations count in ms
            p[key] = p[key] / 1e-3
        return p

    def advance(self, duration) -> Results:
        """Euler-integrate ``duration`` more -> that chunk's Results."""
        p = self._numbers()
        dt, n = p["dt"], int(round(float(np.asarray(duration)) / 1e-3 / p["dt"]))
        V, Vs, Vu = self._state
        armed, tanh = self._armed, math.tanh
        a_fm, d_fm, a_sp, d_sp = p["a_fm"], p["d_fm"], p["a_sp"], p["d_sp"]
        a_sm, d_sm, a_up, d_up, I_app = p["a_sm"], p["d_sm"], p["a_up"], p["d_up"], p["I_app"]
        km, ks, ku = dt / p["tau_m"], dt / p["tau_s"], dt / p["tau_u"]
        out = np.empty((3, n))
        spikes = []
        for k in range(n):
            out[0, k], out[1, k], out[2, k] = V, Vs, Vu
            dV = (-V + a_fm * tanh(V - d_fm) - a_sp * tanh(Vs - d_sp)
                  + a_sm * tanh(Vs - d_sm) - a_up * tanh(Vu - d_up) + I_app)
            V, Vs, Vu = V + km * dV, Vs + ks * (V - Vs), Vu + ku * (V - Vu)
            if armed and V > 0.0:
                spikes.append(k + 1)
                armed = False
            elif V < -0.5:
                armed = True
        self._state, self._armed = [V, Vs, Vu], armed
        t0, self._t = self._t, self._t + n * dt
        t_ms = t0 + np.arange(n) * dt
        return self._results(t_ms, out, t0 + np.asarray(spikes, dtype=float) * dt, p)

    def _results(self, t_ms, out, spike_ms, p) -> Results:
        fast, slow, ultra = iv_curves(self.iv_grid, **p)
        return Results({
            "t": Quantity(t_ms * 1e-3, dim=second.dim), "V": out[0], "Vs": out[1],
            "Vu": out[2], "spike_t": Quantity(spike_ms * 1e-3, dim=second.dim),
            "spike_i": np.zeros(spike_ms.size, dtype=np.int64),
            "iv_V": self.iv_grid, "I_fast": fast, "I_slow": slow, "I_ultra": ultra,
            "I_app": p["I_app"],
        }, sim_time=self._t * 1e-3, static=("iv_V", "I_fast", "I_slow", "I_ultra"))

    def simulate(self, **params) -> Results:
        """params -> Results of ``duration`` from the initial state."""
        self.start(**params)
        return self.advance(self.params["duration"])
