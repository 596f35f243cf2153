"""Lesson 04, synapses: the two-neuron model, a connectivity view, panels, checkers.

Two panels:

* the course's two-neuron script (neuron 0 driven, neuron 1 silent unless neuron 0's
  spikes reach it through a synapse), built once; ``w`` and ``delay`` are set on the
  Synapses object before each run;
* connection rules: a rule (``connect`` arguments) -> the connectivity matrix, drawn by
  :class:`ConnectivityView` (a dot at (source i, target j) for every synapse).
"""

from __future__ import annotations

import numpy as np
from bqplot import LinearScale, Scatter

from labkit import (
    Network,
    NeuronGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    ms,
    seed,
)
from labkit.lessons.checking import Verdict, expect_true
from labkit.widgets import (
    ChoiceControl,
    FloatControl,
    FunctionModel,
    NetworkModel,
    Panel,
    RasterView,
    TraceView,
    View,
)
from labkit.widgets.views.base import MARGIN, integer_ticks, set_marks

__all__ = ["TWO_NEURON_EQS", "two_neuron_network", "two_neuron_model", "panel",
           "connect_rule", "RULES", "ConnectivityView", "connectivity_panel", "CHECKS"]

TWO_NEURON_EQS = """
dv/dt = (-v + I)/tau : 1 (unless refractory)
I : 1
tau : second
"""
NAMESPACE = dict(V_t=0.8, V_r=0.0, tau_ref=5 * ms)


def two_neuron_network(w=0.2, delay=0 * ms):
    """The course's two-neuron script, built, not run -> (Network, objects dict).

    Neuron 0 (I = 2, tau = 10 ms) fires regularly; neuron 1 (I = 0, tau = 100 ms) only
    integrates what the synapse ``v_post += w`` delivers, ``delay`` after each spike.
    """
    G = NeuronGroup(2, TWO_NEURON_EQS, threshold="v > V_t", reset="v = V_r",
                    refractory="tau_ref", method="exact", name="neurons")
    G.v = 0
    G.I = [2, 0]
    G.tau = [10, 100] * ms
    S = Synapses(G, G, "w : 1", on_pre="v_post += w", name="synapses")
    S.connect(i=0, j=1)
    S.w = w
    S.delay = delay
    objects = {"neurons": G, "synapses": S, "state": StateMonitor(G, "v", record=True),
               "spikes": SpikeMonitor(G)}
    return Network(*objects.values()), objects


def two_neuron_model(duration=100 * ms) -> NetworkModel:
    """simulate(w, delay) -> Results: ``v`` of both neurons and their spikes."""
    net, objects = two_neuron_network()
    return NetworkModel(net, duration, targets={"w": "synapses.w", "delay": "synapses.delay"},
                        namespace=NAMESPACE, monitors=[objects["state"], objects["spikes"]])


def panel(**kw) -> Panel:
    """w, delay -> both neurons' traces (neuron 0 blue, neuron 1 red) and the raster."""
    controls = [FloatControl("w", 0.0, 1.0, 0.2, label="synaptic weight w"),
                FloatControl("delay", 0 * ms, 20 * ms, 0 * ms, unit=ms,
                             label="synaptic delay")]
    views = [TraceView("v", threshold=NAMESPACE["V_t"], threshold_label="threshold V_t",
                       labels=["neuron 0 (driven)", "neuron 1 (target)"],
                       title="membrane potentials"),
             RasterView(title="spikes", height="120px")]
    return Panel(two_neuron_model(), controls, views, title="Two neurons, one synapse", **kw)


# -- connection rules ---------------------------------------------------------------------
#: Rule name -> keyword arguments of ``Synapses.connect`` (shown in the panel's menu).
RULES = {
    "i=0, j=1 (by index)": dict(i=0, j=1),
    "all to all, no self (condition='i != j')": dict(condition="i != j"),
    "one-to-one (j='i')": dict(j="i"),
    "neighbours (condition='abs(i-j) <= 2 and i != j')": dict(
        condition="abs(i - j) <= 2 and i != j"),
    "random (p=0.2)": dict(p=0.2),
    "distance-dependent (p='exp(-abs(i-j)/3.0)')": dict(p="exp(-abs(i - j)/3.0)"),
    "generator (j='k for k in range(i-3, i+4) if k != i')": dict(
        j="k for k in range(i-3, i+4) if k != i", skip_if_invalid=True),
}


def connect_rule(rule: str = "random (p=0.2)", N: int = 20, seed_value: int = 1):
    """A rule from :data:`RULES` on ``N`` neurons -> {"pre": S.i, "post": S.j, "N": N}."""
    seed(seed_value)
    G = NeuronGroup(N, "v : 1", name="cells")
    S = Synapses(G, G, name="connections")
    S.connect(**RULES[rule])
    return {"pre": np.asarray(S.i[:]), "post": np.asarray(S.j[:]), "N": N}


class ConnectivityView(View):
    """Results ``pre``, ``post`` (and ``N``) -> the connectivity matrix as a dot per synapse."""

    def __init__(self, title=None, height="320px"):
        super().__init__(title=title, height=height)
        self.x_scale, self.y_scale = LinearScale(min=-0.5), LinearScale(min=-0.5)
        self.dots = Scatter(x=np.zeros(0), y=np.zeros(0), marker="square", default_size=40,
                            scales={"x": self.x_scale, "y": self.y_scale}, colors=["#1f77b4"])
        self._figure([self.dots], "source neuron i", "target neuron j")
        # a square matrix: the plot area (the figure less its margins) as wide as it is high
        side = self.plot_pixels
        width = side + MARGIN["left"] + MARGIN["right"]
        self.figure.layout.width = f"{width:g}px"
        self.figure.min_aspect_ratio = self.figure.max_aspect_ratio = \
            width / (side + MARGIN["top"] + MARGIN["bottom"])

    def update(self, results) -> None:
        n = int(results.get("N", 1))
        with self.x_scale.hold_sync(), self.y_scale.hold_sync():
            self.x_scale.max = self.y_scale.max = n - 0.5
        ticks = integer_ticks(n, self.plot_pixels)
        for axis in (self.x_axis, self.y_axis):
            axis.tick_values, axis.tick_format = ticks, "d"
        set_marks((self.dots, {"x": np.asarray(results["pre"], dtype=float),
                               "y": np.asarray(results["post"], dtype=float)}))

    def plot_static(self, results, ax) -> None:
        ax.plot(results["pre"], results["post"], "s", ms=4)
        n = int(results.get("N", 1))
        ax.set(xlim=(-0.5, n - 0.5), ylim=(-0.5, n - 0.5), xlabel="source neuron i",
               ylabel="target neuron j", title=self.title or "")
        ax.set_aspect("equal")


def connectivity_panel(**kw) -> Panel:
    """A choice of connection rule -> the matrix of who connects to whom (20 neurons)."""
    controls = [ChoiceControl("rule", list(RULES), "random (p=0.2)", label="connection rule")]
    return Panel(FunctionModel(connect_rule), controls,
                 [ConnectivityView(title="synapses (i -> j)")],
                 title="Connection rules", **kw)


# -- checkers -------------------------------------------------------------------------------
def _target_spikes(w) -> int:
    net, objects = two_neuron_network(w=w)
    net.run(100 * ms, namespace=NAMESPACE)
    return int(objects["spikes"].count[1])


def _check_expected_count(expected):
    """04.a (inline): connect(p='abs(i-j)/(1.0*n_neurons)') on 20 neurons: the expected
    number of synapses (the sum of the probabilities over all pairs)."""
    index = np.arange(20)
    want = float(np.sum(np.abs(index[:, None] - index[None, :]) / 20.0))
    got = np.asarray(expected, dtype=float)
    yield expect_true(got.size == 1 and abs(float(got.reshape(-1)[0]) - want) < 1e-6,
                      "expected is the mean number of synapses",
                      "expected is not the sum of abs(i-j)/20 over all 400 pairs",
                      "the count is random; its mean is the sum of each pair's probability: "
                      "build a 20 x 20 array of abs(i-j)/20 and sum it (not len(S))")


def _check_weight(w_min):
    """04.1: the smallest weight (a multiple of 0.05) that makes neuron 1 fire in 100 ms."""
    w = float(w_min)
    on_grid = abs(w / 0.05 - round(w / 0.05)) < 1e-6
    yield expect_true(on_grid, "w_min is a multiple of 0.05", "w_min is not a multiple of "
                      "0.05", "try w = 0.05, 0.10, 0.15, ... in a loop")
    fires = _target_spikes(w) > 0
    yield expect_true(fires, "with w_min neuron 1 fires", "with w_min neuron 1 stays silent",
                      "a larger weight: each spike of neuron 0 must push neuron 1 further")
    if fires:
        yield expect_true(_target_spikes(w - 0.05) == 0, "and 0.05 less is not enough: w_min "
                          "is the smallest", "a smaller weight also makes neuron 1 fire",
                          "neuron 1 leaks slowly (tau = 100 ms): small kicks add up")


def _pairs(i, j) -> list[tuple[int, int]]:
    return list(zip(np.asarray(i, dtype=int).tolist(), np.asarray(j, dtype=int).tolist(),
                    strict=True))


def _check_chain(i, j):
    """04.2: 10 neurons in a chain, each connected to its two neighbours (both directions)."""
    want = {(a, b) for a in range(10) for b in range(10) if abs(a - b) == 1}
    if np.ndim(i) != 1 or np.shape(i) != np.shape(j):
        yield Verdict(False, "i and j are not two arrays of the same length",
                      "pass S.i[:] and S.j[:]")
        return
    pairs = _pairs(i, j)
    got = set(pairs)
    yield expect_true(not (got - want), "every synapse joins neighbours",
                      f"{len(got - want)} synapse(s) join neurons that are not neighbours",
                      "neighbours differ in index by exactly 1")
    yield expect_true(not (want - got), "no neighbour pair is missing",
                      f"{len(want - got)} neighbour pair(s) are not connected",
                      "both directions: i -> i+1 and i+1 -> i")
    yield expect_true(len(pairs) == len(got), "each pair is connected once",
                      f"{len(pairs) - len(got)} synapse(s) repeat a pair already connected",
                      "one connect call with a condition creates each pair once; a second "
                      "connect call adds synapses, it does not replace them")


def _check_random(i, j, N, p):
    """04.3: connect(p=0.1) on 100 x 100 neurons: the synapses' sources and targets.

    The statistics of S.i and S.j must be those of independent draws: a total within the
    binomial spread, each pair at most once, out- and in-degrees spread as binomial counts,
    and no relation between source and target.
    """
    yield expect_true(int(N) == 100 and abs(float(p) - 0.1) < 1e-12, "N and p are as asked",
                      "N should be 100 and p 0.1", "NeuronGroup(100, ...), S.connect(p=0.1)")
    i, j = np.asarray(i), np.asarray(j)
    if i.ndim != 1 or i.shape != j.shape or i.dtype.kind not in "iu" or j.dtype.kind not in "iu":
        yield Verdict(False, "i and j are not two integer arrays of the same length",
                      "pass the synapses' sources and targets: S.i[:] and S.j[:]")
        return
    inside = i.size > 0 and min(i.min(), j.min()) >= 0 and max(i.max(), j.max()) < 100
    yield expect_true(inside, "i and j are neuron indices 0..99",
                      "i or j holds indices outside 0..99", "both groups have 100 neurons")
    if not inside:
        return
    mean, sd = 100 * 100 * 0.1, np.sqrt(100 * 100 * 0.1 * 0.9)
    yield expect_true(abs(i.size - mean) < 4 * sd,
                      "the number of synapses is within the binomial spread of N*N*p",
                      "the number of synapses is far from what p = 0.1 gives on 100 x 100 "
                      "pairs", "each of the N*N pairs is kept with probability p")
    yield expect_true(len(set(_pairs(i, j))) == i.size, "each pair appears at most once",
                      "some pairs are connected more than once", "one connect(p=...) call")
    # Degrees of a random graph are binomial(100, 0.1), variance 9; a regular pattern
    # (every neuron exactly 10 targets) has variance 0, a clumped one far more.
    out_var = np.var(np.bincount(i, minlength=100), ddof=1)
    in_var = np.var(np.bincount(j, minlength=100), ddof=1)
    corr = np.corrcoef(i, j)[0, 1] if i.size > 2 and i.std() > 0 and j.std() > 0 else 1.0
    yield expect_true(4 < out_var < 16 and 4 < in_var < 16 and abs(corr) < 0.15,
                      "sources and targets look drawn at random",
                      "the synapses follow a pattern, not independent draws with p = 0.1",
                      "let connect(p=0.1) draw them; do not build i and j by hand")


CHECKS = {"04.a": _check_expected_count,
          "04.1": _check_weight, "04.2": _check_chain, "04.3": _check_random}
