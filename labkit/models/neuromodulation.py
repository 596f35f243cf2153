"""Presynaptic spikes -> a modulation of the postsynaptic slow positive gain, as Synapses.

A modulatory synapse does not inject current: it changes a *parameter* of the postsynaptic
multi-scale neuron (models-reference section 2), its slow positive gain ``a_sp``, and so
switches that neuron between tonic spiking and bursting (lesson 08: a lower ``a_sp``
bursts). Two kinds:

* **additive** (facilitating): a trace ``s`` of the presynaptic rate (each spike adds
  ``1/tau_syn``, then it decays with ``tau_syn``) drives a sigmoid,
  ``alpha_mod = polarity * S(beta*s - theta)`` with ``S(x) = 1/(1 + exp(-x))``, added to
  ``a_sp``. ``polarity = -1``: presynaptic firing lowers ``a_sp`` by up to 1, from 2.5
  (tonic) to 1.5 (bursting, 7-8 spikes per burst).
* **depressive**: the same facilitation times a gain ``g = g0 * S(-beta_dep*s_dep -
  theta_dep)`` driven by a slow trace ``s_dep`` (``tau_dep`` = 5 s): sustained firing first
  switches the neuron to bursting, then ``g`` falls and it returns to tonic spiking
  although the presynaptic neuron keeps firing.

Why this shape in labkit: the traces are ``(clock-driven)`` synaptic variables, the jump
is ``on_pre``, and the modulation reaches the neuron through a ``(summed)`` variable into
the neuron's ``a_mod`` (:data:`~labkit.models.multiscale.MODULATED_EQS`), so the same
code couples N presynaptic to M postsynaptic neurons. The parameters are per-synapse
variables, so sliders change them between runs without recompiling.

Because ``s`` jumps by ``1/tau`` it tracks the presynaptic rate (in Hz): ``beta`` is a time
and ``theta/beta`` is the rate at half modulation (10 Hz here).
"""

from __future__ import annotations

from labkit import Clock, Network, SpikeMonitor, StateMonitor, Synapses, ms, second
from labkit.models.multiscale import PRESETS, SPIKING_ONLY, _check_names, multiscale_group

__all__ = [
    "ADDITIVE_EQS", "ADDITIVE_ON_PRE", "ADDITIVE_DEFAULTS", "DEPRESSIVE_EQS",
    "DEPRESSIVE_ON_PRE", "DEPRESSIVE_DEFAULTS", "KINDS", "PRE_OFF", "PRE_ON", "PRE_PARAMS",
    "POST_PARAMS", "SCHEDULE", "modulatory_synapses", "modulation_network",
    "simulate_modulation",
]

ADDITIVE_EQS = """
ds/dt = -s/tau_syn : Hz (clock-driven)
alpha_mod = polarity/(1 + exp(theta - beta*s)) : 1
a_mod_post = alpha_mod : 1 (summed)
polarity : 1 (constant)
tau_syn : second (constant)
beta : second (constant)
theta : 1 (constant)
"""
ADDITIVE_ON_PRE = "s += 1/tau_syn"
#: models-reference 2.1: half modulation at 10 Hz, none at rest (S(-5) = 0.007).
ADDITIVE_DEFAULTS = dict(polarity=-1.0, tau_syn=200 * ms, beta=0.5 * second, theta=5.0)

DEPRESSIVE_EQS = """
ds_fac/dt = -s_fac/tau_fac : Hz (clock-driven)
ds_dep/dt = -s_dep/tau_dep : Hz (clock-driven)
alpha_mod = polarity/(1 + exp(theta_fac - beta_fac*s_fac)) : 1
g = g0/(1 + exp(beta_dep*s_dep + theta_dep)) : 1
a_mod_post = g*alpha_mod : 1 (summed)
polarity : 1 (constant)
tau_fac : second (constant)
beta_fac : second (constant)
theta_fac : 1 (constant)
tau_dep : second (constant)
beta_dep : second (constant)
theta_dep : 1 (constant)
g0 : 1 (constant)
"""
DEPRESSIVE_ON_PRE = """
s_fac += 1/tau_fac
s_dep += 1/tau_dep
"""
#: models-reference 2.2: g = g0 at rest (theta_dep = -5), halved at a 12.5 Hz trace.
DEPRESSIVE_DEFAULTS = dict(polarity=-1.0, tau_fac=200 * ms, beta_fac=0.5 * second,
                           theta_fac=5.0, tau_dep=5000 * ms, beta_dep=0.4 * second,
                           theta_dep=-5.0, g0=1.0)

#: kind -> (model, on_pre, defaults).
KINDS = {"additive": (ADDITIVE_EQS, ADDITIVE_ON_PRE, ADDITIVE_DEFAULTS),
         "depressive": (DEPRESSIVE_EQS, DEPRESSIVE_ON_PRE, DEPRESSIVE_DEFAULTS)}

#: The presynaptic neuron (models-reference 2.3): the spiking-only circuit, silent at
#: ``I_app = PRE_OFF``, firing at ~20 Hz (period 50.6 ms) at ``I_app = PRE_ON``.
PRE_PARAMS = dict(SPIKING_ONLY, I_app=-1.5)
PRE_OFF, PRE_ON = -1.5, 0.0
#: The postsynaptic neuron: tonic at baseline (a_sp = 2.5, I_app = -1).
POST_PARAMS = dict(PRESETS["tonic"])
#: The protocol of models-reference 2.4: (duration, presynaptic neuron on?) pieces.
SCHEDULE = ((8 * second, False), (16 * second, True), (16 * second, False))


def _kind(kind: str):
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown modulatory synapse kind {kind!r}; the kinds are "
                         f"{', '.join(KINDS)}") from None


def modulatory_synapses(pre, post, kind: str = "additive", name: str = "modulation",
                        clock=None, **params) -> Synapses:
    """Modulatory synapses of ``kind`` from every neuron of ``pre`` to every neuron of
    ``post`` (which needs :data:`~labkit.models.multiscale.MODULATED_EQS`) -> Synapses.

    ``params`` override the kind's defaults (:data:`ADDITIVE_DEFAULTS`,
    :data:`DEPRESSIVE_DEFAULTS`).
    """
    model, on_pre, defaults = _kind(kind)
    _check_names(params, defaults, f"the {kind} modulatory synapse")
    if "a_mod" not in post.variables:
        raise ValueError(f"{name}: the postsynaptic group has no variable 'a_mod' to modulate;"
                         " build it with multiscale_group(..., modulated=True)")
    synapses = Synapses(pre, post, model, on_pre=on_pre, method="exact", name=name,
                        **({"clock": clock} if clock is not None else {}))
    synapses.connect()
    for var, value in {**defaults, **params}.items():
        setattr(synapses, var, value)
    return synapses


def modulation_network(kind: str = "additive", record=True, record_dt=1 * ms, dt=None,
                       post=None, **params):
    """A presynaptic neuron (off), a tonic postsynaptic neuron and the synapse between them
    -> (Network, objects dict), not run.

    Objects: ``"pre"``, ``"post"``, ``"synapses"``, ``"pre_spikes"``, ``"post_spikes"`` and,
    unless ``record`` is False, ``"state"`` (the postsynaptic ``V`` and ``a_mod``) and
    ``"traces"`` (the synapse's traces, ``alpha_mod`` and, if depressive, ``g``), every
    ``record_dt``. ``post`` overrides :data:`POST_PARAMS`; ``params`` go to the synapse.
    One clock (``dt``, default 0.1 ms) drives all of them.
    """
    clock = Clock(0.1 * ms if dt is None else dt, name="modulation_clock")
    pre_group = multiscale_group(1, name="pre", clock=clock, **PRE_PARAMS)
    post_group = multiscale_group(1, modulated=True, name="post", clock=clock,
                                  **{**POST_PARAMS, **(post or {})})
    synapses = modulatory_synapses(pre_group, post_group, kind, clock=clock, **params)
    objects = {"pre": pre_group, "post": post_group, "synapses": synapses,
               "pre_spikes": SpikeMonitor(pre_group), "post_spikes": SpikeMonitor(post_group)}
    if record is not False:
        traces = ["s", "alpha_mod"] if kind == "additive" else \
            ["s_fac", "s_dep", "alpha_mod", "g"]
        objects["state"] = StateMonitor(post_group, ["V", "a_mod"], record=0, dt=record_dt)
        objects["traces"] = StateMonitor(synapses, traces, record=0, dt=record_dt)
    return Network(*objects.values()), objects


def simulate_modulation(kind: str = "additive", schedule=SCHEDULE, record=True,
                        record_dt=1 * ms, dt=None, post=None, **params) -> dict:
    """Run :func:`modulation_network` through ``schedule`` -> its objects dict.

    ``schedule``: ``(duration, on)`` pieces; the presynaptic ``I_app`` is :data:`PRE_ON`
    while ``on``, :data:`PRE_OFF` otherwise. The default is models-reference 2.4's protocol:
    off for 8 s, on for 16 s, off for 16 s.
    """
    net, objects = modulation_network(kind, record=record, record_dt=record_dt, dt=dt,
                                      post=post, **params)
    for duration, on in schedule:
        objects["pre"].I_app = PRE_ON if on else PRE_OFF
        net.run(duration)
    return objects
