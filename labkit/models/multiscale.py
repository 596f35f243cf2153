"""Multi-scale neuron parameters -> a labkit NeuronGroup, its monitors and its I-V curves.

The "mixed-feedback" neuron of Ribar & Sepulchre (2019), models-reference section 1: a
leaky capacitor in parallel with four voltage-controlled current sources, each a saturating
(``tanh``) function of a filtered copy of the voltage, acting as a *local* conductance
around its offset on its own timescale:

====================  ==============  =====================================  ===========
element               gain / offset   conductance (slope near the offset)    timescale
====================  ==============  =====================================  ===========
fast negative         a_fm / d_fm     negative: positive feedback, upstroke  tau_m
slow positive         a_sp / d_sp     positive: repolarises, ends a spike    tau_s
slow negative         a_sm / d_sm     negative: slow bistability, bursts     tau_s
ultra-slow positive   a_up / d_up     positive: ends (and restarts) bursts   tau_u
====================  ==============  =====================================  ===========

Every gain is a magnitude (>= 0) and the sign is written in the equation, so a negative
conductance appears with a ``+`` in ``dV/dt``. Voltage, current and gains are
dimensionless; time is read as milliseconds (tau_m = 1 ms, tau_s = 50 ms, tau_u = 2.5 s).
A spike is an upward crossing of ``V = 0``, counted again only once ``V < -0.5``
(``threshold='V > 0'``, ``refractory='V > -0.5'``, no reset: the spike is part of the
dynamics). Forward Euler at dt = 0.1 ms (the reference's recommendation).

Why per-neuron parameters: every gain, offset and ``I_app`` is a variable of the group, so
one group of N neurons can hold N different neurons (the regime map runs a whole grid as
one group), and a slider changes a value between chunks without recompiling anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labkit import Clock, Network, NeuronGroup, SpikeMonitor, StateMonitor, ms, second
from labkit.models.bursts import Regime, classify

__all__ = [
    "TAU_M", "TAU_S", "TAU_U", "DT", "PARAMETERS", "DEFAULTS", "PRESETS", "SPIKING_ONLY",
    "INITIAL_STATE", "RANGES", "NEUROMODULATOR", "neuromodulated", "THRESHOLD", "REARM",
    "MULTISCALE_EQS", "MODULATED_EQS",
    "multiscale_namespace", "multiscale_group", "multiscale_network", "simulate_multiscale",
    "iv_curves", "equilibria", "negative_slope_windows", "RegimeMap", "regime_map",
]

TAU_M = 1 * ms          #: membrane time constant (the time unit)
TAU_S = 50 * ms         #: slow filter
TAU_U = 2500 * ms       #: ultra-slow filter (50 tau_s)
DT = 0.1 * ms           #: the time step the reference's numbers were checked with

#: The per-neuron parameters, in the order of the table above, then the applied current.
PARAMETERS = ("a_fm", "d_fm", "a_sp", "d_sp", "a_sm", "d_sm", "a_up", "d_up", "I_app")

#: The lesson default (models-reference 1.3): bursting with 7 spikes per burst.
DEFAULTS = dict(a_fm=2.0, d_fm=0.0, a_sp=1.5, d_sp=0.0, a_sm=1.5, d_sm=-1.5, a_up=1.5,
                d_up=-1.5, I_app=-1.0)

#: Named regimes (verified in models-reference 1.4 and tests/models): at I_app = -1 the
#: slow positive gain alone switches between the first three; "excitable" rests, and a
#: pulse (+1 for 10 ms) makes it fire one burst of 6 spikes and rest again.
PRESETS = {
    "tonic": dict(DEFAULTS, a_sp=2.5),          # period ~111 ms
    "bursting": dict(DEFAULTS, a_sp=1.5),       # 7 spikes per burst, every ~1.95 s
    "plateau": dict(DEFAULTS, a_sp=1.0),        # one long depolarised event every ~2.65 s
    "excitable": dict(DEFAULTS, I_app=-1.8),    # rest; a pulse gives one burst
}

#: The "spiking only" circuit (models-reference 1.3, 2.3): no slow negative, no ultra-slow
#: element. Silent at I_app = -1.5, tonic at ~20 Hz at I_app = 0.
SPIKING_ONLY = dict(DEFAULTS, a_sp=2.0, a_sm=0.0, d_sm=0.0, a_up=0.0, d_up=0.0)

#: The course's "neuromodulator": one level from 0 to 1 moves both slow gains together, from
#: the tonic preset towards less slow positive and more slow negative conductance. At
#: I_app = -1 the neuron spikes tonically below ~0.38 and bursts above (30 spikes per burst
#: there, 17 at 1; verified over 0..1 in steps of 0.05).
NEUROMODULATOR = dict(a_sp=(2.5, 1.8), a_sm=(1.5, 1.85))


def neuromodulated(level: float) -> dict:
    """Neuromodulator level (0..1) -> the slow gains ``{'a_sp': ..., 'a_sm': ...}``.

    >>> neuromodulated(0.5)
    {'a_sp': 2.15, 'a_sm': 1.675}
    """
    level = float(level)
    if not 0.0 <= level <= 1.0:
        raise ValueError(f"the neuromodulator level runs from 0 to 1; got {level}")
    return {name: round(lo + level * (hi - lo), 6) for name, (lo, hi) in NEUROMODULATOR.items()}


#: The authors' initial state.
INITIAL_STATE = dict(V=-1.9, Vs=-1.8, Vu=-1.8)

#: Slider ranges of the authors' GUI: gains 0..4, offsets -2..2, I_app -3..3.
RANGES = {name: ((0.0, 4.0) if name.startswith("a_") else
                 (-2.0, 2.0) if name.startswith("d_") else (-3.0, 3.0)) for name in PARAMETERS}

THRESHOLD = "V > 0"     #: a spike: V crosses 0 upwards ...
REARM = "V > -0.5"      #: ... and the next one counts only after V fell below -0.5

_EQS = """
dV/dt = (-V + a_fm*tanh(V - d_fm) - {slow_gain}*tanh(Vs - d_sp)
         + a_sm*tanh(Vs - d_sm) - a_up*tanh(Vu - d_up) + I_app)/tau_m : 1
dVs/dt = (V - Vs)/tau_s : 1
dVu/dt = (V - Vu)/tau_u : 1
a_fm : 1
d_fm : 1
a_sp : 1
d_sp : 1
a_sm : 1
d_sm : 1
a_up : 1
d_up : 1
I_app : 1
"""

#: The neuron (models-reference 1.5).
MULTISCALE_EQS = _EQS.format(slow_gain="a_sp")

#: The same neuron with a modulation ``a_mod`` of its slow positive gain, written by
#: modulatory synapses (``a_mod_post = ... : 1 (summed)``, :mod:`labkit.models.neuromodulation`).
MODULATED_EQS = _EQS.format(slow_gain="(a_sp + a_mod)") + "a_mod : 1\n"


def multiscale_namespace(tau_m=TAU_M, tau_s=TAU_S, tau_u=TAU_U) -> dict:
    """The time constants the equations refer to (the group carries them)."""
    return dict(tau_m=tau_m, tau_s=tau_s, tau_u=tau_u)


def _check_names(params, known, what: str) -> None:
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise TypeError(f"{what} has no parameter {', '.join(map(repr, unknown))}; its "
                        f"parameters are {', '.join(known)}")


def multiscale_group(N: int = 1, modulated: bool = False, name: str = "multiscale",
                     dt=None, clock=None, namespace=None, **params) -> NeuronGroup:
    """``N`` multi-scale neurons, at the initial state, with :data:`DEFAULTS` overridden by
    ``params`` (each a number or one value per neuron) -> NeuronGroup (not run).

    ``modulated=True`` uses :data:`MODULATED_EQS` (a target for modulatory synapses).
    ``dt`` or ``clock`` give the group its own clock (a Scope runs in a thread and must not
    share ``defaultclock`` with the notebook's own runs).

    >>> G = multiscale_group(3, a_sp=[1.5, 2.0, 2.5])
    >>> G.a_sp[:], G.I_app[:]
    (array([1.5, 2. , 2.5]), array([-1., -1., -1.]))
    >>> multiscale_group(a_pp=1.0)
    Traceback (most recent call last):
    ...
    TypeError: the multi-scale neuron has no parameter 'a_pp'; its parameters are a_fm, ...
    """
    _check_names(params, PARAMETERS, "the multi-scale neuron")
    group = NeuronGroup(N, MODULATED_EQS if modulated else MULTISCALE_EQS,
                        threshold=THRESHOLD, refractory=REARM, method="euler",
                        namespace={**multiscale_namespace(), **(namespace or {})}, name=name,
                        **({"dt": dt} if dt is not None else {}),
                        **({"clock": clock} if clock is not None else {}))
    for var, value in INITIAL_STATE.items():
        setattr(group, var, value)
    for var, value in {**DEFAULTS, **params}.items():
        setattr(group, var, value)
    return group


def multiscale_network(N: int = 1, record=True, record_dt=None, dt=None, **params):
    """Build (do not run) ``N`` neurons with monitors -> (Network, objects dict).

    The dict holds ``"neurons"``, ``"spikes"`` (SpikeMonitor) and, unless ``record`` is
    False, ``"state"`` (StateMonitor of V, Vs, Vu for the neurons in ``record``, every
    ``record_dt``, by default every step).
    """
    clock = Clock(dt, name="multiscale_clock") if dt is not None else None
    group = multiscale_group(N, clock=clock, **params)
    objects = {"neurons": group, "spikes": SpikeMonitor(group)}
    if record is not False:
        objects["state"] = StateMonitor(group, ["V", "Vs", "Vu"], record=record,
                                        **({"dt": record_dt} if record_dt is not None else {}))
    return Network(*objects.values()), objects


def simulate_multiscale(duration=10 * second, record=True, record_dt=None, dt=None,
                        **params):
    """Run multi-scale neuron(s) from the initial state -> (StateMonitor or None, SpikeMonitor).

    A parameter given as a sequence makes one neuron per value (several sequences must
    have the same length).

    >>> _, spikes = simulate_multiscale(2 * second, record=False, a_sp=2.5)
    >>> spikes.num_spikes                  # tonic (faster at first; settles to ~111 ms)
    41
    """
    sizes = {np.size(v) for v in params.values() if np.ndim(v) > 0}
    if len(sizes) > 1:
        raise ValueError(f"parameters given as sequences must have one length; got lengths "
                         f"{sorted(sizes)}")
    net, objects = multiscale_network(sizes.pop() if sizes else 1, record=record,
                                      record_dt=record_dt, dt=dt, **params)
    net.run(duration)
    return objects.get("state"), objects["spikes"]


# -- I-V curves --------------------------------------------------------------------------------
def iv_curves(V, a_fm=DEFAULTS["a_fm"], d_fm=DEFAULTS["d_fm"], a_sp=DEFAULTS["a_sp"],
              d_sp=DEFAULTS["d_sp"], a_sm=DEFAULTS["a_sm"], d_sm=DEFAULTS["d_sm"],
              a_up=DEFAULTS["a_up"], d_up=DEFAULTS["d_up"], **_ignored):
    """Voltage grid + gains/offsets -> (I_fast, I_slow, I_ultra), the steady-state currents
    when the faster variables have settled (models-reference 1.2).

    ``I_fast``: the leak and the fast element (slow and ultra-slow variables frozen);
    ``I_slow`` adds the slow elements at ``Vs = V``; ``I_ultra`` the ultra-slow one too.
    Equilibria of the neuron are where ``I_ultra(V) = I_app``; a negative slope is a
    negative conductance. Other keywords (``I_app``, ...) are ignored, so a whole parameter
    dict can be passed.

    >>> fast, _, _ = iv_curves(np.array([-0.1, 0.0, 0.1]))
    >>> bool(fast[2] < fast[0])            # a_fm = 2 > 1: negative slope at d_fm
    True
    """
    V = np.asarray(V, dtype=float)
    fast = V - a_fm * np.tanh(V - d_fm)
    slow = fast + a_sp * np.tanh(V - d_sp) - a_sm * np.tanh(V - d_sm)
    return fast, slow, slow + a_up * np.tanh(V - d_up)


def _crossings(V, y, level: float) -> np.ndarray:
    """Where the sampled curve ``y(V)`` meets ``level`` (linear interpolation)."""
    d = np.asarray(y, dtype=float) - level
    k = np.nonzero(np.signbit(d[:-1]) != np.signbit(d[1:]))[0]
    return V[k] - d[k] * (V[k + 1] - V[k]) / (d[k + 1] - d[k])


def equilibria(V=None, **params) -> np.ndarray:
    """Parameters -> the voltages where ``I_ultra(V) = I_app`` (the rest points, stable or
    not), found on a grid of ``V`` (default -4..4 in steps of 0.001).

    >>> np.round(equilibria(a_sp=2.5), 2)       # one, unstable: the neuron spikes around it
    array([-0.7])
    """
    p = {**DEFAULTS, **params}
    V = np.linspace(-4.0, 4.0, 8001) if V is None else np.asarray(V, dtype=float)
    return _crossings(V, iv_curves(V, **p)[2], float(p["I_app"]))


def negative_slope_windows(V, I) -> list[tuple[float, float]]:
    """A sampled I-V curve -> the voltage intervals where its slope is negative.

    >>> V = np.linspace(-3, 1, 4001)
    >>> [tuple(round(x, 1) for x in w) for w in negative_slope_windows(V, iv_curves(V)[1])]
    [(-2.2, -0.5)]
    """
    V = np.asarray(V, dtype=float)
    slope = np.gradient(np.asarray(I, dtype=float), V)
    negative = np.concatenate([[False], slope < 0, [False]])
    edges = np.flatnonzero(np.diff(negative.astype(np.int8)))
    return [(float(V[a]), float(V[b - 1])) for a, b in zip(edges[::2], edges[1::2],
                                                             strict=True)]


# -- the regime map ------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegimeMap:
    """The regime of each (a_sp, I_app) pair of a grid (from :func:`regime_map`).

    ``regimes[i][j]`` is the :class:`~labkit.models.bursts.Regime` at ``a_sp[i]``,
    ``I_app[j]``.
    """

    a_sp: np.ndarray
    I_app: np.ndarray
    regimes: tuple

    @property
    def kinds(self) -> np.ndarray:
        """2-D array of ``'rest'``, ``'tonic'``, ``'bursting'``, ``'plateau'``."""
        return np.array([[r.kind for r in row] for row in self.regimes])

    @property
    def spikes_per_burst(self) -> np.ndarray:
        """2-D array: median spikes per burst (1 tonic or plateau, 0 at rest)."""
        return np.array([[r.spikes_per_burst for r in row] for row in self.regimes])

    def at(self, a_sp: float, I_app: float) -> Regime:
        """The regime at the grid point nearest to (a_sp, I_app)."""
        i = int(np.argmin(np.abs(self.a_sp - a_sp)))
        return self.regimes[i][int(np.argmin(np.abs(self.I_app - I_app)))]


def regime_map(a_sp, I_app, duration=25 * second, transient=10 * second, dt=0.5 * ms,
               **params) -> RegimeMap:
    """A grid of slow positive gains x applied currents -> :class:`RegimeMap`, in one run.

    One NeuronGroup holds one neuron per grid point, so the whole map is a single
    simulation (a few seconds for 400 points); spikes after ``transient`` are classified by
    :func:`~labkit.models.bursts.classify`. ``dt = 0.5 ms`` gives the same regimes as
    0.1 ms (models-reference 1.4; the tests check the reference's rows).
    """
    a_sp, I_app = np.atleast_1d(np.asarray(a_sp, float)), np.atleast_1d(np.asarray(I_app, float))
    A, I = np.meshgrid(a_sp, I_app, indexing="ij")
    net, objects = multiscale_network(A.size, record=False, dt=dt, **{**params, "a_sp": A.ravel(),
                                                                      "I_app": I.ravel()})
    net.run(duration)
    spikes = objects["spikes"]
    order = np.argsort(spikes.i_, kind="stable")
    times, owner = spikes.t_[order], spikes.i_[order]
    bounds = np.searchsorted(owner, np.arange(A.size + 1))
    flat = [classify(times[bounds[k]:bounds[k + 1]], start=transient) for k in range(A.size)]
    regimes = tuple(tuple(flat[i * I_app.size:(i + 1) * I_app.size]) for i in range(a_sp.size))
    return RegimeMap(a_sp, I_app, regimes)
