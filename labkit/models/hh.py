"""Hodgkin-Huxley parameters (Quantities) -> a labkit network -> monitors.

Two conductance-based neurons (models-reference sections 3.1 and 3.2):

* **Traub-Miles** (Brian2's COBAHH and ``IF_curve_Hodgkin_Huxley`` examples): a cortical
  cell of 20 000 um^2, sodium (``g_na``), delayed-rectifier potassium (``g_kd``) and leak
  (``gl``) currents, rate functions shifted by ``VT``. Used in lessons 05 and 06.
* **HH 1952**: the squid giant axon per unit area, in the modern convention (rest -65 mV).

Why heavier than a LIF: four coupled nonlinear equations instead of one linear one, with
fast sodium activation (time constants well under a millisecond); there is no threshold
and reset, the spike *is* the trajectory of ``v``. The quotients ``x/(exp(x)-1)`` in the
rates have removable singularities, written with ``exprel`` as Brian2 does.

The conductances and reversal potentials are *not* written into the equations: they are
external constants passed to ``run(..., namespace=...)`` (see :func:`traub_miles_namespace`),
so a panel can change ``g_na`` and re-run without recompiling.
"""

from __future__ import annotations

import numpy as np

from labkit import (
    Network,
    NeuronGroup,
    Quantity,
    SpikeMonitor,
    StateMonitor,
    TimedArray,
    cm,
    mA,
    ms,
    msiemens,
    mV,
    nA,
    second,
    siemens,
    ufarad,
    umetre,
)

__all__ = [
    "AREA", "CM", "GL", "EL", "EK", "ENA", "G_NA", "G_KD", "VT", "TRAUB_MILES_EQS",
    "traub_miles_namespace", "traub_miles_network", "simulate_traub_miles",
    "step_protocol", "simulate_step_protocol",
    "HH_C", "HH_GNA", "HH_GK", "HH_GL", "HH_ENA", "HH_EK", "HH_EL", "HH1952_EQS",
    "hh1952_namespace", "simulate_hh1952",
]

# -- Traub-Miles (3.1) ----------------------------------------------------------------------
AREA = 20000 * umetre**2                        #: membrane area
CM = 1 * ufarad * cm**-2 * AREA                 #: capacitance, 200 pF
GL = 5e-5 * siemens * cm**-2 * AREA             #: leak conductance, 10 nS (tau_m = 20 ms)
EL = -65 * mV                                   #: leak reversal (the f-I variant of 3.1)
EK = -90 * mV                                   #: potassium reversal
ENA = 50 * mV                                   #: sodium reversal
G_NA = 100 * msiemens * cm**-2 * AREA           #: maximal sodium conductance, 20 uS
G_KD = 30 * msiemens * cm**-2 * AREA            #: maximal K (delayed rectifier), 6 uS
VT = -63 * mV                                   #: shift of all rate functions

_GATES = """
dm/dt = 0.32*(mV**-1)*4*mV/exprel((13.*mV-v+VT)/(4*mV))/ms*(1-m)-0.28*(mV**-1)*5*mV/exprel((v-VT-40.*mV)/(5*mV))/ms*m : 1
dn/dt = 0.032*(mV**-1)*5*mV/exprel((15.*mV-v+VT)/(5.*mV))/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
"""  # noqa: E501 - one rate equation per line reads better than wrapped ones

#: Traub-Miles equations with a per-neuron constant current ``I`` plus ``I_amp*stim(t)``
#: (a TimedArray, see :func:`step_protocol`) and an optional Ornstein-Uhlenbeck noise current
#: ``I_noise`` (``sigma``, ``tau_noise``; only with ``noisy=True``).
TRAUB_MILES_EQS = """
dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I + I_amp*stim(t))/Cm : volt
""" + _GATES + """
I : amp
"""  # noqa: E501

_NOISE = """
dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I + I_noise)/Cm : volt
dI_noise/dt = -I_noise/tau_noise + sigma*sqrt(2/tau_noise)*xi : amp
""" + _GATES + """
I : amp
"""  # noqa: E501


def traub_miles_namespace(**overrides) -> dict:
    """Constants of :data:`TRAUB_MILES_EQS` (Brian2's names) with any of them replaced.

    ``stim`` (no stimulus) and ``I_amp`` (0 nA) are included so the equations always
    resolve; :func:`step_protocol` gives a stimulus.
    """
    base = dict(Cm=CM, gl=GL, El=EL, EK=EK, ENa=ENA, g_na=G_NA, g_kd=G_KD, VT=VT,
                I_amp=0 * nA, stim=TimedArray([0.0], dt=1 * second),
                sigma=0 * nA, tau_noise=5 * ms)
    base.update(overrides)
    return base


def traub_miles_network(N: int = 1, I=0 * nA, record=True, noisy: bool = False,
                        threshold: str = "v > -40*mV", name: str = "hh", dt=None):
    """Build (do not run) ``N`` Traub-Miles neurons -> (Network, objects dict).

    ``v`` starts at ``El`` and the gates at 0, as in Brian2's examples. Spikes are counted
    when ``v`` crosses -40 mV; ``refractory`` is the same condition, so one action
    potential counts once (there is no reset: the spike is part of the dynamics). With
    ``noisy=True`` the cell gets the noise current and Euler-Maruyama integration at the
    group's ``dt`` (exponential Euler cannot integrate noise): use ``dt = 0.01 ms`` then.
    """
    group = NeuronGroup(N, _NOISE if noisy else TRAUB_MILES_EQS, threshold=threshold,
                        refractory=threshold,
                        method="euler" if noisy else "exponential_euler", name=name,
                        **({} if dt is None else {"dt": dt}))
    group.v = EL
    group.I = I
    objects = {"neurons": group, "spikes": SpikeMonitor(group)}
    if record is not False:
        objects["state"] = StateMonitor(group, ["v", "m", "h", "n"], record=record)
    monitors = [o for k, o in objects.items() if k != "neurons"]
    return Network(group, *monitors), objects


def simulate_traub_miles(I=0.5 * nA, duration=200 * ms, record=True, **constants):
    """Constant current(s) ``I`` into Traub-Miles neuron(s) -> (StateMonitor, SpikeMonitor).

    ``constants`` override :func:`traub_miles_namespace` (e.g. ``g_na=0.5*G_NA``).
    """
    I = np.atleast_1d(np.asarray(I, dtype=float))
    net, objects = traub_miles_network(len(I), Quantity(I, dim=nA.dim), record=record)
    net.run(duration, namespace=traub_miles_namespace(**constants))
    return objects.get("state"), objects["spikes"]


def step_protocol(n_steps: int = 5, step=20 * ms, seed: int = 2):
    """A semi-random step current: ``n_steps`` steps of length ``step``, each at a random
    fraction of the amplitude (uniform in [0, 1), a seeded numpy generator) -> TimedArray.

    Brian2's tutorial does the same with a loop of ``group.I = rand()*50*nA; run(10*ms)``;
    a TimedArray gives the same input in one run, and a panel can re-run it with another
    amplitude (``I_amp``) without rebuilding anything.
    """
    fractions = np.random.default_rng(seed).random(n_steps)
    return TimedArray(fractions, dt=step)


def simulate_step_protocol(I_amp=2 * nA, n_steps=5, step=20 * ms, seed=2, **constants):
    """The step protocol into one Traub-Miles neuron -> (StateMonitor, SpikeMonitor)."""
    net, objects = traub_miles_network(1)
    stim = step_protocol(n_steps, step, seed)
    net.run(n_steps * step, namespace=traub_miles_namespace(I_amp=I_amp, stim=stim,
                                                            **constants))
    return objects["state"], objects["spikes"]


# -- Hodgkin-Huxley 1952 (3.2), per unit area --------------------------------------------
HH_C = 1 * ufarad * cm**-2
HH_GNA, HH_GK, HH_GL = 120 * msiemens * cm**-2, 36 * msiemens * cm**-2, 0.3 * msiemens * cm**-2
HH_ENA, HH_EK, HH_EL = 50 * mV, -77 * mV, -54.387 * mV

HH1952_EQS = """
dv/dt = (I - gNa*m**3*h*(v - ENa) - gK*n**4*(v - EK) - gL*(v - EL))/C : volt
dm/dt = 0.1/mV*10*mV/exprel(-(v + 40*mV)/(10*mV))/ms*(1 - m) - 4*exp(-(v + 65*mV)/(18*mV))/ms*m : 1
dh/dt = 0.07*exp(-(v + 65*mV)/(20*mV))/ms*(1 - h) - 1/(1 + exp(-(v + 35*mV)/(10*mV)))/ms*h : 1
dn/dt = 0.01/mV*10*mV/exprel(-(v + 55*mV)/(10*mV))/ms*(1 - n) - 0.125*exp(-(v + 65*mV)/(80*mV))/ms*n : 1
I : amp/meter**2
"""  # noqa: E501


def hh1952_namespace(**overrides) -> dict:
    """Constants of :data:`HH1952_EQS` with any of them replaced."""
    base = dict(C=HH_C, gNa=HH_GNA, gK=HH_GK, gL=HH_GL, ENa=HH_ENA, EK=HH_EK, EL=HH_EL)
    base.update(overrides)
    return base


def simulate_hh1952(I=0.01 * mA / cm**2, duration=200 * ms,
                    record=True, **constants):
    """Current density step(s) from rest -> (StateMonitor, SpikeMonitor); dt = 0.01 ms.

    ``I`` in amp/metre^2 (10 uA/cm^2 by default), one value per neuron. Starts at rest
    (-65 mV, gates at their steady state).
    """
    I = np.atleast_1d(np.asarray(I, dtype=float))
    group = NeuronGroup(len(I), HH1952_EQS, threshold="v > -20*mV",
                        refractory="v > -20*mV", method="exponential_euler", dt=0.01 * ms,
                        name="squid")
    group.v = -65 * mV
    group.m, group.h, group.n = 0.0529, 0.5961, 0.3177
    group.I = Quantity(I, dim=(mA / cm**2).dim)
    spikes = SpikeMonitor(group)
    state = StateMonitor(group, "v", record=record) if record is not False else None
    net = Network(group, spikes, *([state] if state is not None else []))
    net.run(duration, namespace=hh1952_namespace(**constants))
    return state, spikes
