"""Lesson 12, smooth pursuit eye movements: the paper's figure, the running model for the
scope, a view of the retina's receptive fields, and the checkers.

The model is :mod:`labkit.models.eye_movements`. The scope runs it chunk after chunk
(:class:`EyeModel`): the object moves on, the eye follows, and the sliders change the
object's time constant, the muscles' relaxation, the motor weight and the object's noise
while it runs; a checkbox lesions the left motoneuron's projection to the eye. The
receptive-field view shows where the object is on the retina now: which fields it drives
and which motoneuron they excite.
"""

from __future__ import annotations

import html

import numpy as np
from bqplot import Lines

from labkit import Clock, SpikeMonitor, StateMonitor, ms, second, seed
from labkit.core.random import get_state, set_state
from labkit.lessons.checking import Verdict, expect_close, expect_true
from labkit.lessons.chunks import ChunkedNetwork
from labkit.models.eye_movements import (
    CONSTANTS,
    DEFAULTS,
    N_RETINA,
    best_lag,
    eye_movement_network,
    hemifield,
    motor_weights,
    receptive_fields,
    simulate_eye_movements,
)
from labkit.widgets import CheckControl, FloatControl, RasterView, Results, Scope, TraceView
from labkit.widgets.views.base import PALETTE, View, set_marks, set_range

__all__ = ["EyeModel", "where_readout", "ReceptiveFieldView", "controls", "views", "scope",
           "plot_pursuit", "lags_for", "reference_positions", "CHECKS"]

#: Colours of the paper's figure: retina black, left motoneuron blue, right orange, eye
#: black, object green.
RETINA, LEFT, RIGHT, EYE, OBJECT = "#000000", PALETTE[0], PALETTE[3], "#000000", PALETTE[2]
#: The panel's parameters: the model's, with the lesion of the left motoneuron for "left".
PANEL_DEFAULTS = {"tau_object": DEFAULTS["tau_object"], "tau_muscle": DEFAULTS["tau_muscle"],
                  "motor_weight": DEFAULTS["motor_weight"], "sigma": DEFAULTS["sigma"],
                  "lesion": False}
#: Exercise runs last as long as the figure's (about a second of computing each).
EXERCISE_DURATION = 10 * second


class EyeModel(ChunkedNetwork):
    """The smooth-pursuit model, in chunks, with its parameters changeable while it runs.

    Parameters (``set``/``start``): ``tau_object``, ``tau_muscle``, ``motor_weight``,
    ``sigma`` and ``lesion`` (True: the left motoneuron no longer reaches the eye).
    Results: ``t`` (every ``record_dt``), ``x_eye``, ``x_object``; the retina's spikes
    (rows 0-19) and the motoneurons' (rows 20, 21) as ``spike_t``/``spike_i``/``spike_pop``
    with ``populations``; ``offset``, where the object is on the retina at the chunk's end
    (``x_object - x_eye``).

    >>> model = EyeModel()
    >>> chunk = model.advance(200 * ms)
    >>> chunk["x_eye"].shape, chunk["populations"]
    ((200,), ('retina', 'left motoneuron', 'right motoneuron'))
    """

    def __init__(self, duration=10 * second, dt=0.1 * ms, record_dt=1 * ms,
                 seed_value: int | None = None):
        clock = Clock(dt, name="eye_model_clock")
        if seed_value is not None:
            seed(seed_value)
        network, self.objects = eye_movement_network(clock=clock, record=False)
        self.record_clock = Clock(record_dt, name="eye_record_clock")
        super().__init__(network, self._make_monitors, duration)
        self.start()

    def _make_monitors(self) -> dict:
        o = self.objects
        return {"state": StateMonitor(o["eye"], ["x", "x_object"], record=0,
                                      clock=self.record_clock),
                "retina": SpikeMonitor(o["retina"]), "motor": SpikeMonitor(o["motoneurons"])}

    def start(self, **params) -> None:
        self.params = dict(PANEL_DEFAULTS)
        super().start(**{**PANEL_DEFAULTS, **params})

    def set(self, **params) -> None:
        unknown = sorted(set(params) - set(PANEL_DEFAULTS))
        if unknown:
            raise TypeError(f"the eye-movement scope has no parameter "
                            f"{', '.join(map(repr, unknown))}; its parameters are "
                            f"{', '.join(PANEL_DEFAULTS)}")
        self.params.update(params)
        eye = self.objects["eye"]
        for name in ("tau_object", "tau_muscle", "sigma"):
            if name in params:
                setattr(eye, name, params[name])
        self.objects["motor"].w = motor_weights(self.params["motor_weight"],
                                                left=not self.params["lesion"])

    def results(self, monitors) -> Results:
        state, retina, motor = monitors["state"], monitors["retina"], monitors["motor"]
        x, target = np.asarray(state.x_[0]), np.asarray(state.x_object_[0])
        spike_t = np.concatenate([retina.t_, motor.t_])
        motor_i = np.asarray(motor.i_)
        spike_i = np.concatenate([retina.i_, N_RETINA + motor_i])
        pop = np.concatenate([np.zeros(retina.i_.size, int), 1 + motor_i])
        offset = float(np.asarray(self.objects["eye"].x_object_)[0]
                       - np.asarray(self.objects["eye"].x_)[0])
        return Results({"t": state.t, "x_eye": x, "x_object": target,
                        "spike_t": spike_t * second, "spike_i": spike_i, "spike_pop": pop,
                        "populations": ("retina", "left motoneuron", "right motoneuron"),
                        "N": N_RETINA + 2, "offset": offset},
                       sim_time=self.t * second, static=frozenset({"offset"}))


class ReceptiveFieldView(View):
    """Where the object is on the retina -> the 20 receptive fields (the drive ``I`` each
    neuron gets as a function of ``x_object - x_eye``), coloured by the motoneuron they
    excite, the firing level (``I = 1``) and the object's position now.

    Attributes
    ----------
    fields : bqplot.Lines
        One curve per retina neuron.
    position : bqplot.Lines
        The vertical line at the object's position on the retina (``offset``).
    """

    def __init__(self, title="the retina: receptive fields and the object now",
                 height="200px", pixels: int = 400):
        super().__init__(title=title, height=height, pixels=pixels)
        x = np.linspace(-1.25, 1.25, 501)
        centres = receptive_fields()
        drive = CONSTANTS["gain"] * np.exp(-((x[None, :] - centres[:, None])
                                             / CONSTANTS["width"]) ** 2)
        colors = [RIGHT if side else LEFT for side in hemifield()]
        scales = {"x": self.x_scale, "y": self.y_scale}
        self.fields = Lines(x=x, y=drive, colors=colors, stroke_width=1.2, scales=scales,
                            labels=["fields"])
        self.level = Lines(x=[-1.25, 1.25], y=[1.0, 1.0], colors=["#555555"],
                           line_style="dashed", scales=scales, labels=["firing level"])
        self.position = Lines(x=[0.0, 0.0], y=[0.0, 4.4], colors=[OBJECT], stroke_width=3,
                              scales=scales, labels=["object"])
        self.show_in_legend(self.level, True)
        self.show_in_legend(self.position, True)
        self._figure([self.fields, self.level, self.position],
                     "x_object - x_eye (left < 0 < right)", "drive I")
        set_range(self.x_scale, -1.25, 1.25)
        set_range(self.y_scale, 0.0, 4.4)

    def update(self, results) -> None:
        offset = float(np.clip(results["offset"], -1.25, 1.25))
        set_marks((self.position, {"x": [offset, offset]}))
        self._labels("x_object - x_eye (left < 0 < right)", "drive I")

    def plot_static(self, results, ax) -> None:
        x = np.asarray(self.fields.x)
        for row, color in zip(np.asarray(self.fields.y), self.fields.colors, strict=True):
            ax.plot(x, row, color=color, lw=1)
        ax.axhline(1.0, color="#555555", ls="--", label="firing level")
        ax.axvline(float(results["offset"]), color=OBJECT, lw=2, label="object")
        ax.legend(loc="upper right")
        ax.set(xlabel="x_object - x_eye", ylabel="drive I", title=self.title or "")


def where_readout(results) -> str:
    """The scope's window -> where the object and the eye are now, and how well they
    correlated over the window (n/a while the eye has not moved)."""
    x, target = np.asarray(results["x_eye"]), np.asarray(results["x_object"])
    r = np.corrcoef(x, target)[0, 1] if x.size > 2 and np.std(x) > 0 else np.nan
    return (f"<b>object</b> {float(target[-1]):+.2f} &middot; <b>eye</b> {float(x[-1]):+.2f}"
            f" &middot; <span style='color:#777'>correlation over the window: "
            f"{html.escape(f'{r:.2f}' if np.isfinite(r) else 'n/a')}</span>")


def controls() -> list:
    return [FloatControl("tau_object", 100 * ms, 1000 * ms, DEFAULTS["tau_object"], unit=ms,
                         step=20 * ms, label="object's time constant tau_object",
                         help="how slowly the object wanders"),
            FloatControl("tau_muscle", 5 * ms, 100 * ms, DEFAULTS["tau_muscle"], unit=ms,
                         step=1 * ms, label="muscle time constant tau_muscle",
                         help="how long a motoneuron's twitch lasts"),
            FloatControl("motor_weight", 0.0, 2.0, DEFAULTS["motor_weight"], step=0.05,
                         label="motor synapses' weight motor_weight",
                         help="how far one motoneuron spike moves the eye's rest point"),
            FloatControl("sigma", 0.0, 2.0, DEFAULTS["sigma"], step=0.05, label="noise",
                         help="amplitude of the object's random walk (1: the paper's)"),
            CheckControl("lesion", False, label="lesion: the left motoneuron is cut")]


def views() -> list:
    return [RasterView(time_unit=second, title="retina (rows 0-19) and motoneurons",
                       height="200px", colors=(RETINA, LEFT, RIGHT)),
            TraceView(("x_eye", "x_object"), labels=["eye", "object"], colors=[EYE, OBJECT],
                      y_range=(-1.25, 1.25), time_unit=second, title="positions",
                      height="200px"),
            ReceptiveFieldView()]


def scope(start: bool = True, window=5 * second, chunk=100 * ms, speed=1.0, **kw):
    """The demo: a running :class:`~labkit.widgets.Scope` with :func:`where_readout`
    (started unless ``start=False``)."""
    demo = Scope(EyeModel(), controls(), views(), title="Smooth pursuit, running",
                 window=window, chunk=chunk, speed=speed, readout=where_readout, **kw)
    if start:
        demo.start()
    return demo


# -- the paper's figure ---------------------------------------------------------------------------
def plot_pursuit(objects, fig=None, title=None):
    """A run's objects (:func:`~labkit.models.eye_movements.simulate_eye_movements`) -> the
    paper's figure: the retina's raster with the motoneurons on two extra rows (left blue,
    right orange) above the eye's (black) and the object's (green) positions."""
    import matplotlib.pyplot as plt

    fig = fig or plt.figure(figsize=(8, 4.5), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    retina, motor = objects["retina_spikes"], objects["motor_spikes"]
    n = int(objects["retina"].N)
    top.plot(retina.t_, retina.i_, "|", color=RETINA, ms=3)
    for k, (color, name) in enumerate([(LEFT, "left"), (RIGHT, "right")]):
        times = motor.t_[motor.i_ == k]
        top.plot(times, np.full(times.size, n + k), "|", color=color, ms=5,
                 label=f"{name} motoneuron")
    top.set(ylabel="neuron", ylim=(-1, n + 2), title=title or "")
    top.legend(loc="lower right", fontsize="small")
    state = objects["state"]
    bottom.plot(state.t_, state.x_[0], color=EYE, lw=1, label="eye")
    bottom.plot(state.t_, state.x_object_[0], color=OBJECT, lw=1, label="object")
    reach = max(1.05, float(np.abs(state.x_object_[0]).max()) + 0.05,
                float(np.abs(state.x_[0]).max()) + 0.05)
    bottom.set(xlabel="t [s]", ylim=(-reach, reach), yticks=[-1, 0, 1],
               yticklabels=["left", "0", "right"])
    bottom.legend(loc="upper right", fontsize="small")
    return fig


# -- checkers -------------------------------------------------------------------------------------
_RUNS: dict = {}
#: Reference runs kept (160 kB each for 10 s).
_KEEP_RUNS = 16


def reference_positions(duration=EXERCISE_DURATION, **params) -> tuple[np.ndarray, np.ndarray]:
    """A run of the model (the lesson's seed, ``params`` as for
    :func:`~labkit.models.eye_movements.simulate_eye_movements`) -> the eye's and the
    object's positions, every 1 ms.

    Why kept: a checker is called again and again with the same run as its reference (10 s
    of model each); and checking must not change what the learner's next simulation draws,
    so the learner's random generator is put back as it was.
    """
    key = (repr(duration), tuple(sorted((k, repr(v)) for k, v in params.items())))
    if key not in _RUNS:
        if len(_RUNS) >= _KEEP_RUNS:                 # a learner trying many tau_muscles
            _RUNS.pop(next(iter(_RUNS)))
        state = get_state()
        try:
            monitor = simulate_eye_movements(duration, **params)["state"]
        finally:
            set_state(state)
        _RUNS[key] = (np.asarray(monitor.x_[0]).copy(), np.asarray(monitor.x_object_[0]).copy())
    return _RUNS[key]


def lags_for(tau_muscles, duration=EXERCISE_DURATION) -> list:
    """Muscle time constants -> [(lag, r_lag)], one run of ``duration`` each (the lesson's
    seed), the lag from :func:`~labkit.models.eye_movements.best_lag`."""
    return [best_lag(*reference_positions(duration, tau_muscle=tau), 1 * ms)
            for tau in tau_muscles]


def _check_reach(reach, fired):
    """12.a (inline): how far from its centre a field still makes its neuron fire
    (I > 1), and which retina neurons can fire when the object sits 0.3 right of the eye."""
    want = CONSTANTS["width"] * np.sqrt(np.log(CONSTANTS["gain"]))
    yield expect_close("reach", reach, want, rtol=0.01,
                       hint="solve gain * exp(-(d/width)**2) = 1 for d")
    centres = receptive_fields()
    truth = sorted(np.flatnonzero(np.abs(0.3 - centres) < want).tolist())
    got = np.atleast_1d(np.asarray(fired)) if fired is not None else np.array([])
    indices = got.dtype.kind in "iu" and sorted(got.tolist()) == truth
    yield expect_true(indices, "fired is right",
                      "fired is not the indices of the neurons whose field centre lies "
                      "within reach of 0.3",
                      "indices k with |0.3 - x_neuron[k]| < reach (np.flatnonzero)")


def _check_tracking(r, lag):
    """12.b (inline): the figure's run -> the correlation of eye and object, and the lag.
    The reference is that run computed again; the same computation gives the same number
    to ~1e-12, and the correlation at the best lag differs from ``r`` by only ~1e-3, so
    ``r`` is held to 1e-5. The lag is a whole number of samples (23 of 1 ms): 1 % is a
    quarter of one, so a lag off by a sample fails."""
    x, target = reference_positions()
    yield expect_close("r", r, float(np.corrcoef(x, target)[0, 1]), rtol=1e-5,
                       hint="np.corrcoef(eye, object)[0, 1], with no shift")
    want, _ = best_lag(x, target, 1 * ms)
    yield expect_close("lag", lag, want, rtol=0.01,
                       hint="best_lag(state.x[0], state.x_object[0], 1*ms) returns (lag, r)")


def _check_lesion(r_lesion, lowest):
    """12.1: the left motoneuron cut -> the eye-object correlation, and the eye's lowest
    position (10 s run, the lesson's seed)."""
    x, target = reference_positions(left=False)
    yield expect_close("r_lesion", r_lesion, float(np.corrcoef(x, target)[0, 1]), rtol=1e-5,
                       hint="simulate_eye_movements(10*second, left=False), then "
                            "np.corrcoef of the eye's and the object's x")
    yield expect_close("lowest", lowest, float(x.min()), rtol=1e-4,
                       hint="the minimum of the eye's x in that run")


def _check_flipped(r_flipped, explanation):
    """12.2: the motor weights' signs flipped -> the correlation, and why."""
    x, target = reference_positions(motor_weight=-0.5)
    yield expect_close("r_flipped", r_flipped, float(np.corrcoef(x, target)[0, 1]),
                       rtol=1e-5, hint="motor_weight=-0.5 flips both signs")
    yield expect_true(explanation == "positive", "explanation is right",
                      f"{explanation!r} is not what the flipped loop does",
                      "the eye now moves away from the object: does the error grow or "
                      "shrink? ('negative' or 'positive' feedback)")


def _check_lags(tau_muscles, lags, best):
    """12.3: the lag of the eye behind the object for each muscle time constant (10 s
    runs), and the tau_muscle that tracks best (highest correlation at its lag)."""
    taus = list(tau_muscles)
    if len(taus) < 3 or any(getattr(tau, "dim", None) is not second.dim for tau in taus):
        yield Verdict(False, "tau_muscles must be at least three times",
                      "tau_muscles = [5, 10, 20, 40] * ms")
        return
    got = list(lags)
    if len(got) != len(taus):
        yield Verdict(False, f"lags has {len(got)} entries for {len(taus)} time constants",
                      "one best lag per tau_muscle")
        return
    measured = lags_for(taus)
    close = [abs(float((g - m[0]) / ms)) < 0.5 if getattr(g, "dim", None) is second.dim
             else False for g, m in zip(got, measured, strict=True)]
    yield expect_true(all(close), "every lag matches its run",
                      f"{close.count(False)} of the {len(taus)} lags differ from the run's "
                      "best lag (or have no time unit)",
                      "best_lag(state.x[0], state.x_object[0], 1*ms)[0] for each run")
    want = taus[int(np.argmax([m[1] for m in measured]))]
    yield expect_true(getattr(best, "dim", None) is second.dim and
                      abs(float((best - want) / ms)) < 1e-6, "best is right",
                      "best is not the tau_muscle with the highest correlation at its lag",
                      "compare the correlations best_lag returns")


CHECKS = {"12.a": _check_reach, "12.b": _check_tracking, "12.1": _check_lesion,
          "12.2": _check_flipped, "12.3": _check_lags}
