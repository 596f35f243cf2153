"""Rallpack 3's axon, integrated independently of labkit, to second order -> reference traces.

Why: labkit (like Brian2) integrates the cable by backward Euler and the gates by
exponential Euler, first order in dt; a fine-step run of the same scheme would only show
that the scheme agrees with itself. This is another method on the same compartments
(1000 of 1 um, sealed ends, the point current into the first): the staggered
Crank-Nicolson scheme of Hines (1984) and NEURON. The gates live at half steps: from
``t - dt/2`` to ``t + dt/2`` each is integrated exactly with ``v`` frozen at ``v(t)``
(a midpoint rule); then the cable, linear in ``v`` once the gates are known, goes from
``t`` to ``t + dt`` by Crank-Nicolson, solved as a backward-Euler half step to
``v(t + dt/2)`` and extrapolated, ``v(t + dt) = 2 v(t + dt/2) - v(t)``. Both parts are
centred, so the whole is second order (the test checks it). Written in plain Numba with
its own Thomas solver and its own rate functions (Hodgkin & Huxley 1952, rates relative
to -65 mV as Rallpack 3 states them), sharing no code with labkit.

SI units throughout.
"""

from __future__ import annotations

import math

import numba
import numpy as np

#: Rallpack 3: 1 mm x 1 um, Cm 0.01 F/m^2, Ri 1 ohm m, Rm 4 ohm m^2 (leak at -65 mV),
#: gNa 1200 and gK 360 S/m^2, ENa 50 mV, EK -77 mV, 0.1 nA into x = 0.
LENGTH, DIAMETER, N = 1e-3, 1e-6, 1000
CM, RI, GL, EL = 0.01, 1.0, 1 / 4.0, -0.065
GNA, GK, ENA, EK = 1200.0, 360.0, 0.050, -0.077
CURRENT = 0.1e-9


@numba.njit(cache=True)
def _x_over_expm1(x):
    """x / (e^x - 1), 1 at x = 0."""
    if abs(x) < 1e-6:
        return 1.0 - x / 2
    return x / math.expm1(x)


@numba.njit(cache=True)
def _rates(v):
    """v (V) -> (alpha, beta) of m, h, n in 1/s."""
    u = (v + 0.065) * 1e3          # mV above rest
    am = 1e3 * _x_over_expm1((25.0 - u) / 10.0)
    bm = 4e3 * math.exp(-u / 18.0)
    ah = 70.0 * math.exp(-u / 20.0)
    bh = 1e3 / (math.exp((30.0 - u) / 10.0) + 1.0)
    an = 0.1e3 * _x_over_expm1((10.0 - u) / 10.0)
    bn = 125.0 * math.exp(-u / 80.0)
    return am, bm, ah, bh, an, bn


@numba.njit(cache=True)
def _relax(x, a, b, dt):
    """dx/dt = a (1 - x) - b x over dt with a, b fixed: exact."""
    inf = a / (a + b)
    return inf + (x - inf) * math.exp(-(a + b) * dt)


@numba.njit(cache=True)
def _run(dt, steps, every, m, h, n, out):
    dx = LENGTH / N
    area = math.pi * DIAMETER * dx
    g = math.pi * DIAMETER ** 2 / (4 * RI * dx)     # between neighbours
    v = np.full(N, EL)
    diag, rhs, cp = np.empty(N), np.empty(N), np.empty(N)
    cap = CM * area / (dt / 2)
    k = 0
    for step in range(steps + 1):
        if step % every == 0:
            out[k, 0], out[k, 1] = v[0], v[N - 1]
            k += 1
        if step == steps:
            break
        for i in range(N):
            am, bm, ah, bh, an, bn = _rates(v[i])
            m[i] = _relax(m[i], am, bm, dt)
            h[i] = _relax(h[i], ah, bh, dt)
            n[i] = _relax(n[i], an, bn, dt)
            gna = GNA * m[i] ** 3 * h[i]
            gk = GK * n[i] ** 4
            neighbours = (i > 0) + (i < N - 1)
            diag[i] = cap + area * (GL + gna + gk) + g * neighbours
            rhs[i] = cap * v[i] + area * (GL * EL + gna * ENA + gk * EK)
        rhs[0] += CURRENT
        # Thomas: off-diagonals all -g
        cp[0] = -g / diag[0]
        rhs[0] = rhs[0] / diag[0]
        for i in range(1, N):
            denom = diag[i] + g * cp[i - 1]
            cp[i] = -g / denom
            rhs[i] = (rhs[i] + g * rhs[i - 1]) / denom
        for i in range(N - 2, -1, -1):
            rhs[i] -= cp[i] * rhs[i + 1]
        for i in range(N):
            v[i] = 2 * rhs[i] - v[i]
    return out


def resting_gates():
    """The gates' steady state at -65 mV (m, h, n)."""
    am, bm, ah, bh, an, bn = _rates(EL)
    return am / (am + bm), ah / (ah + bh), an / (an + bn)


def rallpack3_reference(dt: float, duration: float, sample: float = 50e-6):
    """Step dt, duration (s) -> (times, v at x = 0 and x = L as two rows), every
    ``sample`` s; the gates start at rest, i.e. at t = -dt/2 too."""
    every = int(round(sample / dt))
    steps = int(round(duration / dt))
    if abs(every * dt - sample) > 1e-15 or steps % every:
        raise ValueError(f"dt = {dt} s must divide the sampling step {sample} s and the "
                         f"duration {duration} s")
    gates = [np.full(N, x) for x in resting_gates()]
    out = np.empty((steps // every + 1, 2))
    _run(dt, steps, every, *gates, out)
    return np.arange(len(out)) * sample, out.T.copy()
