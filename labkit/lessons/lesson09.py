"""Lesson 09, neuromodulating synapses: the running pair of neurons, its scope, the
stacked-traces figure and the checkers.

The demo: a presynaptic neuron (switched on and off by a button) drives a modulatory
synapse onto a tonic multi-scale neuron (:mod:`labkit.models.neuromodulation`); the
scope shows, on one time axis, the presynaptic voltage, the synapse's traces ``s`` and
``s_dep``, the modulation ``alpha_mod``, the depression gain ``g`` and the postsynaptic
voltage, with sliders for ``beta``, ``theta``, ``tau_syn``, ``tau_dep`` and ``g0``. One
compiled network serves both kinds of synapse: with "depression" unticked, ``g`` stays at
``g0`` (``beta_dep = 0``, ``theta_dep = -50``), which is the additive synapse.
"""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from labkit import Clock, Hz, Network, SpikeMonitor, StateMonitor, ms, second
from labkit.lessons.checking import expect_close, expect_true
from labkit.lessons.chunks import ChunkedNetwork, RegimeLabel, assign
from labkit.models.bursts import classify
from labkit.models.multiscale import DT, _check_names, multiscale_group, simulate_multiscale
from labkit.models.neuromodulation import (
    DEPRESSIVE_DEFAULTS,
    POST_PARAMS,
    PRE_OFF,
    PRE_ON,
    PRE_PARAMS,
    modulatory_synapses,
    simulate_modulation,
)
from labkit.widgets import CheckControl, FloatControl, Results, Scope, TraceView

__all__ = ["ModulationModel", "ModulationScope", "scope", "plot_protocol", "bursting_time",
           "CHECKS"]

#: The panel's names -> the depressive synapse's variables.
SYNAPSE_NAMES = {"beta": "beta_fac", "theta": "theta_fac", "tau_syn": "tau_fac",
                 "tau_dep": "tau_dep", "g0": "g0"}
DEFAULTS = {name: DEPRESSIVE_DEFAULTS[var] for name, var in SYNAPSE_NAMES.items()}
DEFAULTS["depression"] = True
#: (beta_dep, theta_dep) with depression on, and off (then g = g0 exactly).
DEPRESSION = {True: (DEPRESSIVE_DEFAULTS["beta_dep"], DEPRESSIVE_DEFAULTS["theta_dep"]),
              False: (0 * second, -50.0)}


class ModulationModel(ChunkedNetwork):
    """Presynaptic neuron -> modulatory synapse -> tonic multi-scale neuron, in chunks.

    Parameters (``set``/``start``): ``beta``, ``theta``, ``tau_syn``, ``tau_dep``, ``g0``
    and ``depression`` (bool); :meth:`presynaptic` switches the presynaptic neuron on or
    off. Results: ``t`` (every ``record_dt``), ``V_pre``, ``s`` (two rows: the
    facilitation trace and the depression trace, in Hz), ``alpha_mod``, ``g``, ``V`` (the
    postsynaptic neuron), ``a_sp`` (its effective slow gain), ``spike_t``/``spike_i`` (its
    spikes), ``regime`` and ``pre_on``.

    >>> model = ModulationModel()
    >>> model.presynaptic(True)
    >>> chunk = model.advance(1 * second)
    >>> chunk["s"].shape, round(float(chunk["a_sp"][-1]), 2)
    ((2, 1000), 1.53)
    """

    def __init__(self, duration=40 * second, dt=DT, record_dt=1 * ms, window=10 * second):
        clock = Clock(dt, name="modulation_model_clock")
        self.pre = multiscale_group(1, name="pre", clock=clock, **PRE_PARAMS)
        self.post = multiscale_group(1, modulated=True, name="post", clock=clock,
                                     **POST_PARAMS)
        self.synapses = modulatory_synapses(self.pre, self.post, "depressive", clock=clock)
        self.record_clock = Clock(record_dt, name="modulation_record_clock")
        self.label = RegimeLabel(float(np.asarray(window)))
        self.pre_on = False
        super().__init__(Network(self.pre, self.post, self.synapses), self._make_monitors,
                         duration)
        self.start()

    def _make_monitors(self) -> dict:
        clock = self.record_clock
        return {"pre": StateMonitor(self.pre, "V", record=0, clock=clock),
                "post": StateMonitor(self.post, ["V", "a_mod"], record=0, clock=clock),
                "synapse": StateMonitor(self.synapses, ["s_fac", "s_dep", "alpha_mod", "g"],
                                        record=0, clock=clock),
                "spikes": SpikeMonitor(self.post)}

    def start(self, **params) -> None:
        """Initial state at t = 0, presynaptic neuron off, defaults then ``params``."""
        self.params = {}
        super().start(**{**DEFAULTS, **params})
        self.presynaptic(False)
        self.label.reset()

    def set(self, **params) -> None:
        _check_names(params, DEFAULTS, "the modulation panel")
        values = {SYNAPSE_NAMES[k]: v for k, v in params.items() if k in SYNAPSE_NAMES}
        changed = assign(self.synapses, values, self.params)
        if "depression" in params:
            on = bool(params["depression"])
            changed |= self.params.get("depression") != on
            self.params["depression"] = on
            self.synapses.beta_dep, self.synapses.theta_dep = DEPRESSION[on]
        if changed:
            self.label.changed()

    def presynaptic(self, on: bool) -> None:
        """Switch the presynaptic neuron on (I_app = 0, ~20 Hz) or off (I_app = -1.5)."""
        self.pre_on = bool(on)
        self.pre.I_app = PRE_ON if self.pre_on else PRE_OFF
        self.label.changed()

    def results(self, monitors) -> Results:
        pre, post, synapse = monitors["pre"], monitors["post"], monitors["synapse"]
        spikes = monitors["spikes"]
        a_mod = post.a_mod_[0]
        data = {"t": post.t, "V_pre": pre.V_[0], "V": post.V_[0],
                "s": np.vstack([synapse.s_fac_[0], synapse.s_dep_[0]]) * Hz,
                "alpha_mod": synapse.alpha_mod_[0], "g": synapse.g_[0],
                "a_sp": POST_PARAMS["a_sp"] + a_mod, "spike_t": spikes.t,
                "spike_i": spikes.i_, "regime": self.label.update(self.t, spikes.t_),
                "pre_on": self.pre_on}
        return Results(data, sim_time=self.t * second)


class ModulationScope(Scope):
    """A Scope for :class:`ModulationModel`: a button that switches the presynaptic neuron,
    the postsynaptic neuron's regime on the readout line, and the traces stacked on one
    time axis."""

    def __init__(self, model, controls, views, **kw):
        super().__init__(model, controls, views, readout=regime_readout, **kw)

    def _extra_buttons(self) -> list:
        self.pre_button = W.ToggleButton(value=False, description="presynaptic neuron: off",
                                         icon="power-off", layout=W.Layout(width="auto"),
                                         tooltip="switch the presynaptic neuron on or off")
        self.pre_button.observe(lambda change: self.presynaptic(change["new"]), names="value")
        return [*super()._extra_buttons(), self.pre_button]

    def presynaptic(self, on: bool) -> None:
        """Switch the presynaptic neuron (at the next chunk; now, if paused)."""
        with self._lock:
            self.model.presynaptic(on)
        self.pre_button.description = f"presynaptic neuron: {'on' if on else 'off'}"
        if self.pre_button.value != bool(on):
            self.pre_button.value = bool(on)
        if not self.running:
            self.step()


def regime_readout(results) -> str:
    """The scope's window -> the postsynaptic neuron's regime and its effective a_sp now."""
    return (f"<b>postsynaptic neuron</b>: {html.escape(results['regime'])} "
            f"<span style='color:#777'>(effective a_sp = "
            f"{float(np.asarray(results['a_sp'])[-1]):.2f})</span>")


def controls() -> list:
    """The modulation's sigmoid (beta, theta), the traces' time constants, the depression
    gain at rest and the depression itself, each named by what it is."""
    return [FloatControl("beta", 0.05 * second, 2 * second, DEFAULTS["beta"], log=True,
                         label="modulation slope beta"),
            FloatControl("theta", 0.0, 10.0, DEFAULTS["theta"], step=0.1,
                         label="modulation threshold theta"),
            FloatControl("tau_syn", 20 * ms, 2 * second, DEFAULTS["tau_syn"], log=True,
                         label="trace time constant tau_syn"),
            FloatControl("tau_dep", 0.5 * second, 20 * second, DEFAULTS["tau_dep"], log=True,
                         label="depression time constant tau_dep"),
            FloatControl("g0", 0.0, 2.0, DEFAULTS["g0"], step=0.01,
                         label="depression gain at rest g0"),
            CheckControl("depression", True, label="synaptic depression")]


def views() -> list:
    common = dict(time_unit=second, height="130px")
    return [TraceView("V_pre", title="presynaptic V", **common),
            TraceView("s", unit=Hz, labels=["s", "s_dep"], title="synaptic traces",
                      **common),
            TraceView("alpha_mod", title="alpha_mod = polarity S(beta s - theta)", **common),
            TraceView("g", title="depression gain g", **common),
            TraceView("V", threshold=0.0, title="postsynaptic V", time_unit=second,
                      height="200px")]


def scope(start: bool = True, window=20 * second, chunk=100 * ms, speed=2.0, **kw):
    """The demo: a running :class:`ModulationScope` (started unless ``start=False``)."""
    demo = ModulationScope(ModulationModel(), controls(), views(),
                           title="A modulatory synapse", window=window, chunk=chunk,
                           speed=speed, **kw)
    if start:
        demo.start()
    return demo


# -- the lesson's figure --------------------------------------------------------------------------
def plot_protocol(objects, on=(8.0, 24.0), fig=None):
    """:func:`~labkit.models.neuromodulation.simulate_modulation`'s objects -> the traces
    stacked on one time axis (matplotlib), the presynaptic neuron's "on" time shaded."""
    import matplotlib.pyplot as plt

    traces, state = objects["traces"], objects["state"]
    rows = [("s", [("s_fac", "s"), ("s", "s")]), ("s_dep", [("s_dep", "s_dep")]),
            ("alpha_mod", [("alpha_mod", "alpha_mod")]), ("g", [("g", "g")])]
    rows = [(label, [(v, n) for v, n in pairs if v in traces.record_variables])
            for label, pairs in rows]
    rows = [r for r in rows if r[1]]
    fig = fig or plt.figure(figsize=(8, 1.3 * (len(rows) + 2)), layout="constrained")
    axes = fig.subplots(len(rows) + 1, 1, sharex=True,
                        gridspec_kw={"height_ratios": [1] * len(rows) + [2]})
    t = traces.t_
    for ax, (label, pairs) in zip(axes, rows, strict=False):
        for var, _ in pairs:
            ax.plot(t, getattr(traces, f"{var}_")[0], lw=1)
        ax.set_ylabel(label + (" [Hz]" if label.startswith("s") else ""))
    axes[-1].plot(state.t_, state.V_[0], lw=0.5, color="k")
    axes[-1].set(ylabel="V (post)", xlabel="t [s]")
    for ax in axes:
        ax.axvspan(*on, color="#fde4c8", zorder=0)
    return fig


# -- checkers -------------------------------------------------------------------------------------
def bursting_time(spike_times, on=(8.0, 24.0), pause: float = 0.5) -> float:
    """Postsynaptic spike times -> how long after the presynaptic onset the neuron is tonic
    again: from ``on[0]`` to the first spike of the last train without a pause longer
    than ``pause`` seconds before ``on[1]`` (0 when no pause: it never burst).

    >>> bursting_time([8.1, 8.2, 9.5, 9.6, 9.7, 11.0, 11.1, 11.2, 11.3])
    3.0
    """
    t = np.sort(np.asarray(spike_times, dtype=float))
    t = t[(t >= on[0]) & (t < on[1])]
    pauses = np.flatnonzero(np.diff(t) > pause)
    return float(round(t[pauses[-1] + 1] - on[0], 6)) if pauses.size else 0.0


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


def _check_rates(rate_half, alpha_20Hz):
    """09.a (inline): the presynaptic rate of half modulation (theta/beta) and alpha_mod
    for a steady 20 Hz train (s = 20 Hz on average)."""
    beta, theta = DEFAULTS["beta"], DEFAULTS["theta"]
    yield expect_close("rate_half", rate_half, theta / beta, rtol=0.01,
                       hint="alpha_mod is half its maximum where beta*s - theta = 0")
    want = -_sigmoid(float(beta * 20 * Hz) - theta)
    yield expect_close("alpha_20Hz", float(np.asarray(alpha_20Hz)), want, rtol=0.005,
                       hint="polarity * S(beta*s - theta) with s = 20 Hz; polarity is -1")


def _check_half_depression(t_half):
    """09.b (inline): after the presynaptic neuron starts (20 Hz), when does g fall to g0/2?
    s_dep(t) = r (1 - exp(-t/tau_dep)) and g = g0/2 when beta_dep*s_dep + theta_dep = 0."""
    rate = 1 / (50.6 * ms)
    level = -DEPRESSIVE_DEFAULTS["theta_dep"] / DEPRESSIVE_DEFAULTS["beta_dep"]
    want = -DEPRESSIVE_DEFAULTS["tau_dep"] * np.log(1 - float(level / rate))
    yield expect_close("t_half", t_half, want, rtol=0.05,
                       hint="solve r (1 - exp(-t/tau_dep)) = -theta_dep/beta_dep for t")


def _check_tau_dep(tau_dep, duration):
    """09.1: a tau_dep that keeps the neuron bursting for 5 to 6.5 s (bursting_time), and
    the bursting time measured with it."""
    yield expect_true(getattr(tau_dep, "dim", None) is second.dim, "tau_dep is a time",
                      "tau_dep needs units of time", "e.g. tau_dep = 5*second")
    if getattr(tau_dep, "dim", None) is not second.dim:
        return
    measured = bursting_time(simulate_modulation("depressive",
                                                 tau_dep=tau_dep)["post_spikes"].t_)
    yield expect_true(5.0 <= measured <= 6.5, "with this tau_dep the neuron bursts for 5-6.5 s",
                      "with this tau_dep the bursting does not last 5 to 6.5 s",
                      "a longer tau_dep lets the depression build up more slowly; try a few "
                      "values between the default 5 s and 10 s")
    yield expect_close("duration", duration, measured * second, rtol=0.02,
                       hint="bursting_time(objects['post_spikes'].t) with your tau_dep")


def _check_polarity(polarity, during, after):
    """09.2: a bursting neuron (a_sp = 1.5) made tonic while the presynaptic neuron fires:
    the polarity, and the regime kinds during (12-24 s) and after (32-40 s) the firing."""
    yield expect_true(float(polarity) == 1.0, "polarity is right",
                      "with this polarity the presynaptic firing does not raise a_sp",
                      "the neuron bursts at a_sp = 1.5 and spikes tonically at 2.5")
    spikes = simulate_modulation("additive", post={"a_sp": 1.5},
                                 polarity=1.0)["post_spikes"].t_
    for name, got, window in (("during", during, (12, 24)), ("after", after, (32, 40))):
        want = classify(spikes, *window).kind
        yield expect_true(got == want, f"{name} is right",
                          f"{name} ({got!r}) is not what the neuron does then",
                          "classify(spikes.t, start, stop).kind over that window")


def _check_fan_out(kinds):
    """09.3: one presynaptic neuron, modulatory synapses onto three neurons with a_sp = 2.5,
    3.0 and 3.5: the regime kind of each while the presynaptic neuron fires (12-24 s)."""
    got = list(kinds) if not isinstance(kinds, str) else [kinds]
    # the synapse lowers a_sp by S(beta*20 Hz - theta) = 0.993 once the trace is up
    shift = _sigmoid(float(DEFAULTS["beta"] * (1 / (50.6 * ms))) - DEFAULTS["theta"])
    spikes = simulate_multiscale(24 * second, record=False,
                                 a_sp=[2.5 - shift, 3.0 - shift, 3.5 - shift])[1]
    want = [classify(spikes.t_[spikes.i_ == k], 12, 24).kind for k in range(3)]
    yield expect_true(len(got) == 3, "kinds has one entry per neuron",
                      f"kinds has {len(got)} entries; there are three neurons",
                      "[classify(...).kind for each neuron]")
    if len(got) == 3:
        yield expect_true(got == want, "kinds is right",
                          "kinds does not match the three neurons' regimes",
                          "each neuron's effective a_sp is its own a_sp minus about 1")


CHECKS = {"09.a": _check_rates, "09.b": _check_half_depression, "09.1": _check_tau_dep,
          "09.2": _check_polarity, "09.3": _check_fan_out}
