"""Object and eye positions -> retina spikes -> two motoneurons -> the eye's muscles: the
closed-loop smooth-pursuit model of Stimberg, Brette and Goodman (2019, eLife, second case
study; models-reference section 4), as groups and synapses.

The loop, a negative feedback: an object off the centre of the eye's view drives the
retina neurons whose Gaussian receptive fields lie on that side (``x_object - x_eye`` near
their ``x_neuron``); each hemifield projects to one motoneuron ("left", index 0, and
"right", index 1), whose spikes make the equilibrium point ``x0`` of the eye's springs jump
that way (``motor_w``: -0.5 and +0.5); ``x0`` relaxes back with ``tau_muscle``, and the eye
follows ``x0`` as a damped spring (``alpha``, ``beta``). The object itself moves on a
low-pass filtered Ornstein-Uhlenbeck walk (``tau_object``, white noise ``xi``).

Why written this way: :func:`eye_movement_network` uses nothing but Brian2's API (the
``sim`` argument is the module that provides it: labkit by default, or ``brian2``), so the
same code builds the model in both simulators and the parity test compares them. The
retina reads the eye's ``x`` and ``x_object`` through ``(linked)`` variables. What a panel
changes while the model runs is a variable of a group (``tau_object``, ``tau_muscle``,
``sigma`` of the eye, ``w`` of the motor synapses), so no change needs new code.
"""

from __future__ import annotations

import numpy as np

import labkit
from labkit import ms, second

__all__ = ["N_RETINA", "SEED", "CONSTANTS", "DEFAULTS", "EYE_EQS", "MOTONEURON_EQS",
           "RETINA_EQS", "receptive_fields", "hemifield", "motor_weights",
           "eye_movement_network", "simulate_eye_movements", "best_lag", "tracking"]

#: Retina neurons (photoreceptors and ganglion cells in one).
N_RETINA = 20
#: The seed of the paper's figure (its Brian2 run: 2406 retina spikes, 56 and 51
#: motoneuron spikes; labkit draws other numbers from the same seed).
SEED = 79620
#: Fixed constants of the model (models-reference 4.1).
CONSTANTS = {"alpha": (1 / (50 * ms)) ** 2, "beta": 1 / (50 * ms), "taum": 20 * ms,
             "width": 2.0 / N_RETINA, "gain": 4.0}
#: What may change between runs, or while a model runs: the object's time constant, the
#: muscles' relaxation, the motor weight (magnitude), the amplitude of the object's noise
#: (1: the paper's) and which motoneurons reach the eye.
DEFAULTS = {"tau_object": 500 * ms, "tau_muscle": 20 * ms, "motor_weight": 0.5,
            "sigma": 1.0, "left": True, "right": True}

EYE_EQS = """
dx/dt = velocity : 1
dvelocity/dt = alpha*(x0 - x) - beta*velocity : 1/second
dx0/dt = -x0/tau_muscle : 1
dx_object/dt = (noise - x_object)/tau_object : 1
dnoise/dt = -noise/tau_object + sigma*tau_object**-0.5*xi : 1
tau_object : second
tau_muscle : second
sigma : 1
"""
MOTONEURON_EQS = "dv/dt = -v/taum : 1"
RETINA_EQS = """
I = gain*exp(-((x_object - x_eye - x_neuron)/width)**2) : 1
x_neuron : 1 (constant)
x_object : 1 (linked)
x_eye : 1 (linked)
dv/dt = (I - (1 + gs)*v)/taum : 1
gs : 1
"""


def receptive_fields(n: int = N_RETINA) -> np.ndarray:
    """n -> the centres ``x_neuron`` of the retina's receptive fields, evenly from -1 to 1."""
    return -1.0 + 2.0 * np.arange(n) / (n - 1)


def hemifield(n: int = N_RETINA) -> np.ndarray:
    """n -> the motoneuron each retina neuron drives: 1 (right) if its field is right of
    the centre, else 0 (left)."""
    return (receptive_fields(n) > 0).astype(int)


def motor_weights(motor_weight=DEFAULTS["motor_weight"], left=True, right=True) -> list:
    """The weight's magnitude and which motoneurons reach the eye -> ``w`` of the motor
    synapses (left pulls ``x0`` down, right up; a lesioned side gives 0)."""
    return [-motor_weight if left else 0.0, motor_weight if right else 0.0]


def _check_names(params, what: str) -> None:
    unknown = sorted(set(params) - set(DEFAULTS))
    if unknown:
        raise TypeError(f"{what} has no parameter {', '.join(map(repr, unknown))}; its "
                        f"parameters are {', '.join(DEFAULTS)}")


def _in_units_of(sim, value):
    """A labkit Quantity -> the same value in ``sim``'s units (Brian2's Quantities are
    other objects); this model's quantities are powers of time."""
    if sim is labkit or not hasattr(value, "dim"):
        return value
    for power in (1, -1, -2):
        if value.dim == (second ** power).dim:
            return float(np.asarray(value / second ** power)) * sim.second ** power
    raise TypeError(f"the eye-movement model has no quantity in units of {value.dim}")


def eye_movement_network(sim=labkit, n: int = N_RETINA, clock=None, record=True,
                         record_dt=None, **params):
    """The model, built and not run -> (Network, objects dict).

    ``sim``: the module whose ``NeuronGroup``, ``Synapses``, ... build it (``labkit`` or
    ``brian2``). ``params``: :data:`DEFAULTS` overridden. ``clock``: one clock for every
    object (a Scope must not share ``defaultclock`` with the notebook). Objects: ``"eye"``,
    ``"motoneurons"``, ``"retina"``, ``"motor"``, ``"sensorimotor"`` and, unless
    ``record`` is False, ``"state"`` (the eye's ``x``, ``x0`` and ``x_object``, every
    ``record_dt``, default every step), ``"retina_spikes"`` and ``"motor_spikes"``. The
    retina's potentials start uniform in [0, 1) (``rand()``): seed before building.
    """
    _check_names(params, "the eye-movement model")
    p = {name: _in_units_of(sim, value) for name, value in {**DEFAULTS, **params}.items()}
    timing = {} if clock is None else {"clock": clock}
    constants = {name: _in_units_of(sim, value)
                 for name, value in dict(CONSTANTS, width=2.0 / n).items()}
    eye = sim.NeuronGroup(1, EYE_EQS, method="euler", name="eye", namespace=constants,
                          **timing)
    eye.tau_object = p["tau_object"]
    eye.tau_muscle = p["tau_muscle"]
    eye.sigma = p["sigma"]
    motoneurons = sim.NeuronGroup(2, MOTONEURON_EQS, threshold="v > 1", reset="v = 0",
                                  refractory=_in_units_of(sim, 5 * ms), method="exact",
                                  name="motoneurons", namespace=constants, **timing)
    motor = sim.Synapses(motoneurons, eye, "w : 1", on_pre="x0 += w", name="motor",
                         **timing)
    motor.connect()
    motor.w = motor_weights(p["motor_weight"], p["left"], p["right"])
    retina = sim.NeuronGroup(n, RETINA_EQS, threshold="v > 1", reset="v = 0",
                             method="exact", name="retina", namespace=constants, **timing)
    retina.v = "rand()"
    retina.x_eye = sim.linked_var(eye, "x")
    retina.x_object = sim.linked_var(eye, "x_object")
    retina.x_neuron = "-1.0 + 2.0*i/(N - 1)"
    sensorimotor = sim.Synapses(retina, motoneurons, "w : 1 (constant)", on_pre="v += w",
                                name="sensorimotor", **timing)
    sensorimotor.connect(j="int(x_neuron_pre > 0)")
    sensorimotor.w = "20*abs(x_neuron_pre)/N_pre"
    objects = {"eye": eye, "motoneurons": motoneurons, "retina": retina, "motor": motor,
               "sensorimotor": sensorimotor}
    if record:
        every = {} if record_dt is None else {"dt": record_dt}
        objects["state"] = sim.StateMonitor(eye, ["x", "x0", "x_object"], record=0,
                                            name="eye_state", **every)
        objects["retina_spikes"] = sim.SpikeMonitor(retina, name="retina_spikes")
        objects["motor_spikes"] = sim.SpikeMonitor(motoneurons, name="motor_spikes")
    return sim.Network(*objects.values()), objects


def simulate_eye_movements(duration=10 * second, seed_value: int | None = SEED,
                           record_dt=1 * ms, **params) -> dict:
    """``seed(seed_value)``, build with ``params``, run ``duration`` -> the objects dict
    (see :func:`eye_movement_network`; the eye's state recorded every ``record_dt``), on
    the current device."""
    if seed_value is not None:
        labkit.seed(seed_value)
    net, objects = eye_movement_network(record_dt=record_dt, **params)
    net.run(duration)
    return objects


def best_lag(x_eye, x_object, dt, max_lag=500 * ms):
    """Two traces sampled every ``dt`` -> (lag, r): the delay of ``x_eye`` behind
    ``x_object`` (from 0 to ``max_lag``) at which they correlate best, and that correlation.
    A trace that never moves has no correlation: ValueError, saying which.
    """
    eye = np.asarray(x_eye, dtype=float).ravel()
    target = np.asarray(x_object, dtype=float).ravel()
    if eye.size != target.size or eye.size < 3:
        raise ValueError(f"best_lag needs two traces of the same length (at least 3 "
                         f"samples), got {eye.size} and {target.size} samples: pass "
                         "state.x[0] and state.x_object[0] of one run")
    for name, trace in (("x_eye", eye), ("x_object", target)):
        if np.ptp(trace) == 0:
            raise ValueError(f"best_lag: {name} stays at {trace[0]:g} over the whole "
                             "trace, so it correlates with nothing; did the eye move at all "
                             "(motor_weight > 0, a run long enough for the object to go off "
                             "the centre)?")
    step = float(dt / second) if hasattr(dt, "dim") else float(dt)
    most = int(round(float(max_lag / second) / step)) if hasattr(max_lag, "dim") else \
        int(round(float(max_lag) / step))
    most = min(most, eye.size - 2)
    r = np.array([np.corrcoef(eye[k:], target[:target.size - k])[0, 1]
                  for k in range(most + 1)])
    k = int(np.nanargmax(r))
    return k * step * second, float(r[k])


def tracking(objects) -> dict:
    """A run's objects -> how well the eye followed the object: ``r`` (correlation at no
    lag), ``lag`` and ``r_lag`` (:func:`best_lag`), ``rms_error`` and ``rms_object``, and
    the spike counts ``retina`` and ``left``/``right``."""
    state = objects["state"]
    x, target = np.asarray(state.x[0]), np.asarray(state.x_object[0])
    t = np.asarray(state.t / second)
    lag, r_lag = best_lag(x, target, t[1] - t[0])
    counts = np.asarray(objects["motor_spikes"].count[:])
    return {"r": float(np.corrcoef(x, target)[0, 1]), "lag": lag, "r_lag": r_lag,
            "rms_error": float(np.sqrt(np.mean((x - target) ** 2))),
            "rms_object": float(np.sqrt(np.mean(target ** 2))),
            "retina": int(objects["retina_spikes"].num_spikes), "left": int(counts[0]),
            "right": int(counts[1])}
