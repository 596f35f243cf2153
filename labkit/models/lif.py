"""LIF parameters (Quantities) -> a labkit network -> monitors; and the LIF rate formula.

Two versions of the same neuron:

* the course's minimal script (lesson 02): ``v`` and ``I`` dimensionless, in units of a
  distance to rest, ``tau dv/dt = -v + I``; threshold ``V_t = 0.8``, reset ``V_r = 0``;
* a physical one (lesson 06): ``tau dv/dt = E_L - v + R I`` with ``v`` in volts and ``I`` in
  amperes, sized like the Traub-Miles cell of :mod:`labkit.models.hh` (20 ms, 100 MOhm).

With a constant input above threshold the neuron fires periodically: from the reset it
climbs towards ``v_inf = I`` (or ``E_L + R I``) and reaches ``V_t`` after
``tau ln((v_inf - V_r) / (v_inf - V_t))``, then stays refractory for ``tau_ref``. The rate
is the inverse of that period (:func:`lif_rate`); a simulation with step ``dt`` fires on the
step after the crossing, so it agrees within about one step per period.
"""

from __future__ import annotations

import numpy as np

from labkit import (
    Mohm,
    Network,
    NeuronGroup,
    Quantity,
    SpikeMonitor,
    StateMonitor,
    ms,
    mV,
    nA,
)
from labkit.widgets.examples.lif import lif_rate as _formula_rate

__all__ = [
    "TAU", "V_T", "V_R", "TAU_REF", "LIF_EQS", "LIF_NOISY_EQS",
    "TAU_M", "R_M", "E_L", "V_TH", "V_RESET", "T_REF", "LIF_PHYSICAL_EQS",
    "lif_network", "simulate_lif", "lif_physical_network", "lif_rate", "lif_physical_rate",
    "lif_namespace", "lif_physical_namespace",
]

# -- the course's dimensionless LIF (lesson 02) ----------------------------------------------
TAU = 10 * ms       #: membrane time constant
V_T = 0.8           #: threshold (dimensionless: fraction of the distance the input drives)
V_R = 0.0           #: reset
TAU_REF = 5 * ms    #: refractory period

LIF_EQS = """
dv/dt = (-v + I)/tau : 1 (unless refractory)
I : 1
"""

#: The same neuron with white noise: ``sigma`` is the standard deviation of the free
#: membrane potential's fluctuations (an Ornstein-Uhlenbeck process).
LIF_NOISY_EQS = """
dv/dt = (-v + I)/tau + sigma*sqrt(2/tau)*xi : 1 (unless refractory)
I : 1
"""


def lif_namespace(tau=TAU, V_t=V_T, V_r=V_R, tau_ref=TAU_REF, **extra) -> dict:
    """The external constants the LIF equations, threshold and reset refer to."""
    return dict(tau=tau, V_t=V_t, V_r=V_r, tau_ref=tau_ref, **extra)


def lif_network(N: int = 1, I=1.0, record=True, noisy: bool = False, name: str = "neurons"):
    """Build (do not run) ``N`` LIF neurons with input ``I`` -> (Network, objects dict).

    The dict holds ``"neurons"`` (the group), ``"state"`` (StateMonitor of ``v``) and
    ``"spikes"`` (SpikeMonitor).

    The constants (``tau``, ``V_t``, ``V_r``, ``tau_ref``, and ``sigma`` when ``noisy``)
    are not fixed here: pass them to ``run(..., namespace=lif_namespace(...))``, so they
    can change between runs without recompiling. ``refractory='tau_ref'`` is a string for
    the same reason. ``v`` starts at ``V_r = 0``.
    """
    group = NeuronGroup(N, LIF_NOISY_EQS if noisy else LIF_EQS, threshold="v > V_t",
                        reset="v = V_r", refractory="tau_ref",
                        method="euler" if noisy else "exact", name=name)
    group.v = 0
    group.I = I
    state = StateMonitor(group, "v", record=record)
    spikes = SpikeMonitor(group)
    return Network(group, state, spikes), {"neurons": group, "state": state, "spikes": spikes}


def simulate_lif(I=1.0, tau=TAU, V_t=V_T, V_r=V_R, tau_ref=TAU_REF, duration=70 * ms, N=1):
    """Run the course's LIF neuron(s) -> (StateMonitor of v, SpikeMonitor).

    ``I`` may be one number or ``N`` numbers (one per neuron).

    >>> state, spikes = simulate_lif(I=1.0)
    >>> print(spikes.t)
    [16. 37. 58.] ms
    """
    net, objects = lif_network(N, I=I)
    objects["neurons"].v = V_r
    net.run(duration, namespace=lif_namespace(tau, V_t, V_r, tau_ref))
    return objects["state"], objects["spikes"]


def lif_rate(I, tau=TAU, V_t=V_T, V_r=V_R, tau_ref=TAU_REF):
    """Constant input(s) -> firing rate of the course's LIF (Quantity in Hz; 0 below V_t).

    The dimensionless neuron is the physical one with ``E_L = 0`` and ``R = 1``: one formula
    (:func:`labkit.widgets.examples.lif.lif_rate`) serves both.

    >>> print(lif_rate(1.0))
    47.40... Hz
    """
    return _formula_rate(I, tau=tau, R=1.0, E_L=0.0, v_th=V_t, v_reset=V_r, t_ref=tau_ref)


# -- a LIF in physical units (lesson 06) -------------------------------------------------
TAU_M = 20 * ms       #: membrane time constant (C = 200 pF, g_L = 10 nS, as the HH cell)
R_M = 100 * Mohm      #: input resistance
E_L = -65 * mV        #: resting potential
V_TH = -50 * mV       #: threshold
V_RESET = -65 * mV    #: reset
T_REF = 2 * ms        #: refractory period

LIF_PHYSICAL_EQS = """
dv/dt = (E_L - v + R_m*(I + I_noise))/tau_m : volt (unless refractory)
dI_noise/dt = -I_noise/tau_noise + sigma*sqrt(2/tau_noise)*xi : amp
I : amp
"""


def lif_physical_namespace(sigma=0 * nA, tau_noise=5 * ms, **extra) -> dict:
    """External constants of :data:`LIF_PHYSICAL_EQS` (defaults above; override by name)."""
    base = dict(tau_m=TAU_M, R_m=R_M, E_L=E_L, V_th=V_TH, V_reset=V_RESET, t_ref=T_REF,
                sigma=sigma, tau_noise=tau_noise)
    base.update(extra)
    return base


def lif_physical_network(I, name: str = "lif"):
    """One neuron per input current in ``I`` (amp) -> (Network, objects dict).

    Input noise is an Ornstein-Uhlenbeck current ``I_noise`` (standard deviation ``sigma``,
    correlation time ``tau_noise``), both from the run's namespace.
    """
    I = np.atleast_1d(np.asarray(I, dtype=float))
    group = NeuronGroup(len(I), LIF_PHYSICAL_EQS, threshold="v > V_th", reset="v = V_reset",
                        refractory="t_ref", method="euler", name=name)
    group.v = E_L
    group.I = Quantity(I, dim=nA.dim)
    spikes = SpikeMonitor(group)
    return Network(group, spikes), {"neurons": group, "spikes": spikes}


def lif_physical_rate(I, tau_m=TAU_M, R_m=R_M, E_L=E_L, V_th=V_TH, V_reset=V_RESET,
                      t_ref=T_REF):
    """Constant current(s) -> rate of the physical LIF without noise (Hz).

    >>> print(lif_physical_rate(0.1 * nA))
    0. Hz
    """
    return _formula_rate(I, tau=tau_m, R=R_m, E_L=E_L, v_th=V_th, v_reset=V_reset, t_ref=t_ref)
