"""FitzHugh-Nagumo parameters -> trajectory, nullclines and fixed points (numpy, RK4).

Why: the phase-plane view needs a 2-D model whose nullclines are known in closed form:

    dv/dt = (v - v^3/3 - w + I) / tau_v        v-nullcline: w = v - v^3/3 + I
    dw/dt = (v + a - b w) / tau_w              w-nullcline: w = (v + a) / b

``v``, ``w``, ``I``, ``a``, ``b`` are dimensionless; the time constants carry units (ms).
With the classic a = 0.7, b = 0.8, tau_w = 12.5 tau_v, the fixed point is stable for
I = 0 and the model oscillates (a limit cycle) for I around 0.35-1.4.
"""

from __future__ import annotations

import numpy as np

from labkit.units import Quantity, ms, second
from labkit.widgets.results import Results

__all__ = ["FitzHughNagumo"]


class FitzHughNagumo:
    """``simulate(I, a, b, tau_v, tau_w, duration, dt, v0, w0)`` -> phase-plane Results.

    Results keys: ``t``, ``v``, ``w`` (trajectories), ``v_nullcline`` and ``w_nullcline``
    ((2, n): x row, y row), ``fixed_points`` ((2, k)).

    >>> from labkit.units import ms
    >>> r = FitzHughNagumo().simulate(I=0.5, duration=200 * ms)
    >>> bool(r["v"].max() > 1.5)          # it spikes (limit cycle)
    True
    """

    def __init__(self, duration=200 * ms, dt=0.05 * ms, **defaults):
        self.defaults = dict(I=0.5, a=0.7, b=0.8, tau_v=1 * ms, tau_w=12.5 * ms, v0=-1.2,
                             w0=-0.6, duration=duration, dt=dt, **defaults)

    def simulate(self, **params) -> Results:
        p = {**self.defaults, **params}
        I, a, b = float(p["I"]), float(p["a"]), float(p["b"])
        tau_v, tau_w = float(np.asarray(p["tau_v"])), float(np.asarray(p["tau_w"]))
        dt = float(np.asarray(p["dt"]))
        n = int(round(float(np.asarray(p["duration"])) / dt))

        def f(v, w):
            return (v - v**3 / 3 - w + I) / tau_v, (v + a - b * w) / tau_w

        out = np.empty((2, n))
        v, w = float(p["v0"]), float(p["w0"])
        for k in range(n):                       # RK4; a Python loop is fine at 4000 steps
            out[0, k], out[1, k] = v, w
            k1v, k1w = f(v, w)
            k2v, k2w = f(v + dt / 2 * k1v, w + dt / 2 * k1w)
            k3v, k3w = f(v + dt / 2 * k2v, w + dt / 2 * k2w)
            k4v, k4w = f(v + dt * k3v, w + dt * k3w)
            v += dt / 6 * (k1v + 2 * k2v + 2 * k3v + k4v)
            w += dt / 6 * (k1w + 2 * k2w + 2 * k3w + k4w)
        grid = np.linspace(-2.5, 2.5, 201)
        roots = np.roots([-1 / 3, 0.0, 1 - 1 / b, I - a / b])   # v-nullcline = w-nullcline
        fixed_v = np.sort(roots[np.abs(roots.imag) < 1e-9].real)
        return Results({
            "t": Quantity(np.arange(n) * dt, dim=second.dim), "v": out[0], "w": out[1],
            "v_nullcline": np.array([grid, grid - grid**3 / 3 + I]),
            "w_nullcline": np.array([grid, (grid + a) / b]),
            "fixed_points": np.array([fixed_v, (fixed_v + a) / b]),
        }, sim_time=n * dt, static=("v_nullcline", "w_nullcline", "fixed_points"))
