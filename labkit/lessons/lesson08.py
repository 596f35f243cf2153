"""Lesson 08, the multi-scale neuron as a GUI demo: its running model, the scope, the
regime map's figure and the checkers.

The demo redoes Ribar and Sepulchre's GUI on labkit: the neuron of
:mod:`labkit.models.multiscale` runs chunk after chunk in a :class:`Scope` (the trace
scrolls like an oscilloscope), every gain, offset and the applied current are sliders, the
three I-V curves are redrawn as they move (red where the conductance is negative, dots at
the equilibria), a button applies a current pulse, presets and one "neuromodulator" slider
move several gains at once, and a label names the regime the detector
(:mod:`labkit.models.bursts`) sees.
"""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from labkit import Clock, Network, NeuronGroup, SpikeMonitor, StateMonitor, ms, second
from labkit.lessons.checking import Verdict, expect_close, expect_true
from labkit.lessons.chunks import ChunkedNetwork, RegimeLabel, assign
from labkit.models.bursts import classify
from labkit.models.multiscale import (
    DEFAULTS,
    DT,
    PARAMETERS,
    PRESETS,
    RANGES,
    _check_names,
    equilibria,
    iv_curves,
    multiscale_group,
    negative_slope_windows,
    neuromodulated,
    simulate_multiscale,
)
from labkit.widgets import FloatControl, Results, Scope, SlopeIVView, TraceView

__all__ = ["MultiScaleModel", "MultiScaleScope", "scope", "plot_regime_map", "CHECKS"]

#: Where the I-V curves are drawn.
IV_GRID = np.linspace(-3.0, 2.0, 501)


class MultiScaleModel(ChunkedNetwork):
    """Multi-scale neuron(s) on labkit -> chunks for a Scope (``start``/``advance``/``set``)
    and whole runs for a Panel (``simulate``).

    Results: ``t``, ``V``, ``spike_t``, ``spike_i``; the I-V curves ``iv_V``, ``I_fast``,
    ``I_slow``, ``I_ultra``, the level ``I_app`` and the equilibria ``V_eq`` (of neuron 0's
    parameters); ``regime``, the detector's reading of neuron 0's last ``window`` of
    spikes since the last change (:class:`~labkit.lessons.chunks.RegimeLabel`).

    >>> model = MultiScaleModel(a_sp=2.5)
    >>> chunk = model.advance(500 * ms)
    >>> chunk["V"].shape, model.params["a_sp"]
    ((5000,), 2.5)
    """

    def __init__(self, N: int = 1, duration=4 * second, dt=DT, window=10 * second,
                 **defaults):
        _check_names(defaults, PARAMETERS, "the multi-scale neuron")
        self.defaults = {**DEFAULTS, **defaults}
        self.group = multiscale_group(N, clock=Clock(dt, name="multiscale_model_clock"),
                                      name="multiscale_model")
        self.label = RegimeLabel(float(np.asarray(window)))
        self._pulse = None
        self._iv_key, self._iv = None, {}
        super().__init__(Network(self.group), lambda: {
            "state": StateMonitor(self.group, "V", record=True),
            "spikes": SpikeMonitor(self.group)}, duration)
        self.start()

    @property
    def window(self) -> float:
        return self.label.window

    def start(self, **params) -> None:
        """Back to the initial state at t = 0, with the defaults and then ``params``."""
        self.params = {}
        super().start(**{**self.defaults, **params})
        self.label.reset()

    def set(self, **params) -> None:
        """New values for the chunks that follow (the state is kept)."""
        _check_names(params, PARAMETERS, "the multi-scale neuron")
        if assign(self.group, params, self.params):
            self.label.changed()

    def pulse(self, amplitude: float = 1.0, duration=10 * ms) -> None:
        """Add ``amplitude`` to I_app for ``duration`` at the start of the next chunk (the
        authors' GUI: +1 for 10 time units)."""
        self._pulse = (float(amplitude), float(np.asarray(duration)))

    def run(self, duration: float) -> None:
        pulse, self._pulse = self._pulse, None
        if pulse is None:
            super().run(duration)
            return
        amplitude, length = pulse[0], min(pulse[1], duration)
        self.group.I_app = self.params["I_app"] + amplitude
        try:
            super().run(length)
        finally:
            self.group.I_app = self.params["I_app"]
        if duration - length > 0:
            super().run(duration - length)

    def first_neuron(self) -> dict:
        """Neuron 0's parameter values."""
        return {k: float(np.ravel(v)[0]) for k, v in self.params.items()}

    def curves(self) -> dict:
        """The I-V curves, ``I_app`` and the equilibria of neuron 0's current values."""
        p = self.first_neuron()
        key = tuple(sorted(p.items()))
        if key != self._iv_key:                       # recomputed only after a change
            fast, slow, ultra = iv_curves(IV_GRID, **p)
            self._iv_key = key
            self._iv = {"iv_V": IV_GRID, "I_fast": fast, "I_slow": slow, "I_ultra": ultra,
                        "V_eq": equilibria(**p), "I_app": p["I_app"]}
        return self._iv

    def regime(self):
        """The detector's reading of neuron 0 over the last ``window`` since the last change."""
        return self.label.regime()

    def results(self, monitors) -> Results:
        state, spikes = monitors["state"], monitors["spikes"]
        V = state.V_
        label = self.label.update(self.t, spikes.t_[spikes.i_ == 0])
        data = {"t": state.t, "V": V[0] if V.shape[0] == 1 else V, "spike_t": spikes.t,
                "spike_i": spikes.i_, **self.curves(), "regime": label}
        return Results(data, sim_time=self.t * second,
                       static=("iv_V", "I_fast", "I_slow", "I_ultra", "V_eq"))

    def __repr__(self):
        return f"MultiScaleModel(N={self.group.N}, t={self.t:.3f} s)"


class MultiScaleScope(Scope):
    """A Scope for :class:`MultiScaleModel`: a pulse button, a neuromodulator slider that
    moves the slow gains, the regime label, the controls in rows of (gain, offset) and the
    three I-V curves side by side under the trace."""

    def __init__(self, model, controls, views, **kw):
        super().__init__(model, controls, views, readout=self._regime, **kw)
        modulator = self.controls.get("neuromodulator")
        if modulator is not None:
            modulator.observe(lambda control: self.set(**neuromodulated(control.value)))
        self._arrange_controls()

    def _extra_buttons(self) -> list:
        self.pulse_button = W.Button(description="pulse", icon="bolt",
                                     tooltip="+1 on I_app for 10 ms",
                                     layout=W.Layout(width="auto"))
        self.pulse_button.on_click(lambda _b: self.pulse())
        return [*super()._extra_buttons(), self.pulse_button]

    def _arrange_controls(self) -> None:
        widgets = {name: c.widget for name, c in self.controls.items()}
        for widget in widgets.values():
            widget.layout.width = "49%"
        rows = [W.HBox([widgets.pop(g), widgets.pop(d)]) for g, d in
                zip(PARAMETERS[0:8:2], PARAMETERS[1:8:2], strict=True)
                if g in widgets and d in widgets]
        self.controls_box.children = [*rows, W.HBox(list(widgets.values()))]

    def _set_views(self, views) -> None:
        self.views = list(views)
        curves = [v.widget for v in self.views if isinstance(v, SlopeIVView)]
        others = [v.widget for v in self.views if not isinstance(v, SlopeIVView)]
        for figure in curves:
            figure.layout.width = f"{100 / len(curves):.0f}%"
        self.views_box.children = [*self._readout_widgets(), *others,
                                   *([W.HBox(curves)] if curves else [])]

    def params(self) -> dict:
        """The controls' values, without the neuromodulator (it acts through the gains)."""
        return {k: v for k, v in super().params().items() if k != "neuromodulator"}

    def _on_control(self, control) -> None:
        super()._on_control(control)
        if not self.running and not self._holding and self.results is not None:
            self._redraw_curves()               # paused: the I-V curves follow at once

    def _redraw_curves(self) -> None:
        with self._lock:
            curves = self.model.curves()
        results = Results({**self.results, **curves}, sim_time=self.results.sim_time,
                          static=self.results.static)
        for view in self.views:
            if isinstance(view, SlopeIVView):
                view.update(results)

    def pulse(self) -> None:
        """+1 on I_app for 10 ms at the next chunk (now, if paused)."""
        with self._lock:
            self.model.pulse()
        if not self.running:
            self.step()

    def _regime(self, results) -> str:
        """The readout: the regime the label found over the model's last window."""
        return (f"<b>regime</b>: {html.escape(results['regime'])} <span style='color:#777'>"
                f"(last {self.model.window:.0f} s)</span>")


#: What each slider does, in the words of the lesson's table (a_fm is alpha_f^-, ...).
LABELS = {"a_fm": "fast negative gain a_fm", "d_fm": "fast negative offset d_fm",
          "a_sp": "slow positive gain a_sp", "d_sp": "slow positive offset d_sp",
          "a_sm": "slow negative gain a_sm", "d_sm": "slow negative offset d_sm",
          "a_up": "ultra-slow positive gain a_up", "d_up": "ultra-slow positive offset d_up",
          "I_app": "applied current I_app"}


def controls() -> list:
    """A slider for every gain and offset (the authors' ranges), I_app and the
    neuromodulator level, each named by what it is."""
    sliders = [FloatControl(name, *RANGES[name], DEFAULTS[name], step=0.01 if
                            name != "I_app" else 0.02, label=LABELS[name])
               for name in PARAMETERS]
    return [*sliders, FloatControl("neuromodulator", 0.0, 1.0, 0.0, step=0.01,
                                   label="neuromodulator level")]


def views() -> list:
    return [TraceView("V", threshold=0.0, time_unit=second, title="membrane potential V",
                      height="240px"),
            SlopeIVView("I_fast", title="fast I-V", height="220px"),
            SlopeIVView("I_slow", title="slow I-V", height="220px"),
            SlopeIVView("I_ultra", points="V_eq", title="ultra-slow I-V (dots: equilibria)",
                        height="220px")]


def scope(start: bool = True, window=6 * second, chunk=100 * ms, speed=1.0, **kw):
    """The GUI demo: a running :class:`MultiScaleScope` (started unless ``start=False``)."""
    presets = {name: dict(values) for name, values in PRESETS.items()}
    demo = MultiScaleScope(MultiScaleModel(), controls(), views(),
                           title="The multi-scale neuron", window=window, chunk=chunk,
                           speed=speed, presets=presets, **kw)
    if start:
        demo.start()
    return demo


# -- the regime map's figure ----------------------------------------------------------------------
KIND_COLORS = {"rest": "#d9d9d9", "plateau": "#9467bd", "tonic": "#1f77b4",
               "bursting": "#ff7f0e"}


def plot_regime_map(grid, ax=None):
    """A :class:`~labkit.models.multiscale.RegimeMap` -> a coloured grid (matplotlib), the
    spikes per burst written in the bursting cells."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    if ax is None:
        ax = plt.figure(figsize=(7, 4.5)).gca()
    kinds = list(KIND_COLORS)
    codes = np.vectorize(kinds.index)(grid.kinds)
    ax.pcolormesh(_edges(grid.a_sp), _edges(grid.I_app), codes.T, vmin=-0.5,
                  vmax=len(kinds) - 0.5, cmap=ListedColormap(list(KIND_COLORS.values())))
    sizes = grid.spikes_per_burst
    for i, a in enumerate(grid.a_sp):
        for j, current in enumerate(grid.I_app):
            if grid.kinds[i, j] == "bursting":
                ax.text(a, current, f"{sizes[i, j]:.0f}", ha="center", va="center",
                        fontsize=6)
    ax.legend(handles=[Patch(color=c, label=k) for k, c in KIND_COLORS.items()],
              loc="upper left", fontsize=8, framealpha=0.9)
    ax.set(xlabel="slow positive gain a_sp", ylabel="applied current I_app",
           title="regime of the multi-scale neuron (numbers: spikes per burst)")
    return ax


def _edges(centres) -> np.ndarray:
    centres = np.asarray(centres, dtype=float)
    if centres.size == 1:
        return centres[0] + np.array([-0.5, 0.5])
    mid = (centres[:-1] + centres[1:]) / 2
    return np.concatenate([[2 * centres[0] - mid[0]], mid, [2 * centres[-1] - mid[-1]]])


# -- checkers -------------------------------------------------------------------------------------
def _spikes_of(a_sp, duration=25 * second, **params):
    _, spikes = simulate_multiscale(duration, record=False, a_sp=a_sp, **params)
    return [spikes.t_[spikes.i_ == k] for k in range(np.size(a_sp))]


def _check_filters(eqs):
    """08.a (inline): the two filter equations completed; the neuron fires as ours."""
    yield expect_true(isinstance(eqs, str), "eqs is a string", "eqs must be the model string",
                      'eqs = """ ... """')
    if not isinstance(eqs, str):
        return
    namespace = {**DEFAULTS, "tau_m": 1 * ms, "tau_s": 50 * ms, "tau_u": 2500 * ms}
    group = NeuronGroup(1, eqs, threshold="V > 0", refractory="V > -0.5", method="euler",
                        namespace=namespace, name="yours")
    group.V, group.Vs, group.Vu = -1.9, -1.8, -1.8
    theirs = SpikeMonitor(group)
    Network(group, theirs).run(3 * second)
    mine = _spikes_of(DEFAULTS["a_sp"], 3 * second)[0]
    yield expect_true(np.array_equal(mine, theirs.t_),
                      "your neuron spikes exactly as the reference one",
                      f"your neuron fires {theirs.num_spikes} spikes in 3 s where the "
                      "reference fires another train",
                      "each filter relaxes towards V: dVs/dt = (V - Vs)/tau_s")


def _check_slow_window(window):
    """08.b (inline): the negative-slope window of the slow I-V curve at a_sp = 2.5."""
    V = np.linspace(-4, 2, 6001)
    (lo, hi), = negative_slope_windows(V, iv_curves(V, a_sp=2.5)[1])
    got = np.asarray(window, dtype=float).ravel()
    if got.shape != (2,):
        yield Verdict(False, f"window has {got.size} numbers; it needs two, (lo, hi)",
                      "window = (V[first negative], V[last negative])")
        return
    yield expect_close("the window's lower end", got[0], lo, rtol=0.03,
                       hint="np.gradient(I_slow, V) < 0 marks the negative slope")
    yield expect_close("the window's upper end", got[1], hi, rtol=0.03,
                       hint="use I_slow (the second curve), with a_sp=2.5")


def _check_detector(regime):
    """08.c (inline): the detector's regime at a_sp = 1.75 after a 10 s transient."""
    want = classify(_spikes_of(1.75)[0], start=10)
    kind, size = getattr(regime, "kind", None), getattr(regime, "spikes_per_burst", None)
    yield expect_true(kind == want.kind, "regime.kind is right",
                      f"regime.kind is {kind!r}, not what this neuron does",
                      "classify(spikes.t, start=10*second) on a 25 s run at a_sp = 1.75")
    yield expect_true(size == want.spikes_per_burst, "spikes_per_burst is right",
                      "spikes_per_burst differs from the detector's on that run",
                      "discard the first 10 s: the ultra-slow variable settles slowly")


def _check_switch(last_bursting, first_tonic):
    """08.1: on a_sp = 1.0, 1.25, ..., 3.0 at I_app = -1, the largest value that bursts and
    the smallest that spikes tonically."""
    grid = np.arange(1.0, 3.01, 0.25)
    kinds = [classify(t, start=10).kind for t in _spikes_of(grid)]
    want_last = max(a for a, k in zip(grid, kinds, strict=True) if k == "bursting")
    want_first = min(a for a, k in zip(grid, kinds, strict=True) if k == "tonic")
    yield expect_close("last_bursting", float(last_bursting), want_last, rtol=1e-6,
                       hint="classify each neuron's spikes after 10 s; a plateau is not "
                            "bursting")
    yield expect_close("first_tonic", float(first_tonic), want_first, rtol=1e-6,
                       hint="one group, one neuron per a_sp value; look for kind 'tonic'")


def _check_slow_negative(spikes_per_burst, prediction):
    """08.2: a_sp = 2.0, I_app = -1, a_sm = 1.5, 1.75, 2.0: spikes per burst, and whether
    more slow negative conductance gives 'more' or 'fewer' spikes per burst."""
    _, spikes = simulate_multiscale(25 * second, record=False, a_sp=2.0,
                                    a_sm=[1.5, 1.75, 2.0])
    want = [classify(spikes.t_[spikes.i_ == k], start=10).spikes_per_burst for k in range(3)]
    got = np.asarray(spikes_per_burst, dtype=float).ravel()
    yield expect_true(got.shape == (3,) and np.array_equal(got, want),
                      "spikes_per_burst is right",
                      "spikes_per_burst does not match those three neurons",
                      "set a_sm per neuron: simulate_multiscale(..., a_sp=2.0, a_sm=[...])")
    yield expect_true(prediction == "more", "prediction is right",
                      "prediction does not describe what the simulation shows",
                      "the slow negative conductance widens the slow bistability: does a "
                      "burst last longer or shorter?")


def _check_equilibrium(V_eq, fast_slope_negative):
    """08.3: the tonic neuron's equilibrium (a_sp = 2.5, I_app = -1) and whether the fast
    I-V curve's slope is negative there (so the neuron cannot rest on it)."""
    want = equilibria(a_sp=2.5)
    yield expect_close("V_eq", float(np.ravel(V_eq)[0]), float(want[0]), rtol=0.01,
                       hint="equilibria(a_sp=2.5) solves I_ultra(V) = I_app")
    slope = np.gradient(iv_curves(IV_GRID, a_sp=2.5)[0], IV_GRID)
    negative = bool(np.interp(float(want[0]), IV_GRID, slope) < 0)
    yield expect_true(bool(fast_slope_negative) is negative, "fast_slope_negative is right",
                      "fast_slope_negative is not what the fast curve's slope says at V_eq",
                      "d I_fast/dV = 1 - a_fm / cosh(V - d_fm)**2")


CHECKS = {"08.a": _check_filters, "08.b": _check_slow_window, "08.c": _check_detector,
          "08.1": _check_switch, "08.2": _check_slow_negative, "08.3": _check_equilibrium}
