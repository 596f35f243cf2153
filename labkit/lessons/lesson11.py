"""Lesson 11, C++ standalone: the CUBA network the lesson times, a way to run it on a
chosen device without changing the notebook's, the explorer panel and the checkers.

The lesson writes the network in the notebook (the script is what it teaches); :func:`cuba`
is the same network object for object (the same names, equations and constants), so the
notebook's runs and the library's share one compiled program per device. The checkers
recompute on the runtime device what a learner measured on ``cpp_standalone``: CUBA draws
random numbers only while it is built (initial potentials, connections), so with the same
seed every device gives the same spikes.
"""

from __future__ import annotations

import contextlib

import numpy as np

from labkit import Network, NeuronGroup, SpikeMonitor, Synapses, ms, mV, second, seed
from labkit.core.random import get_state, set_state
from labkit.devices import DEVICES as KNOWN_DEVICES
from labkit.errors import DeviceError
from labkit.lessons.checking import Verdict, expect_close, expect_true
from labkit.prefs import prefs
from labkit.widgets import ChoiceControl, FloatControl, Panel, RasterView, RateView, Results

__all__ = ["NEURON_CONSTANTS", "WEIGHTS", "EQUATIONS", "SEED", "cuba", "on_device",
           "cuba_rates", "first_faster", "CubaExplorer", "panel", "CHECKS"]

#: The neurons' constants (Brette et al. 2007, benchmark 2, as Brian2's examples/CUBA.py).
NEURON_CONSTANTS = {"taum": 20 * ms, "taue": 5 * ms, "taui": 10 * ms, "Vt": -50 * mV,
                    "Vr": -60 * mV, "El": -49 * mV}
#: The synaptic weights; given to each run, so that a run can change them.
WEIGHTS = {"we": (60 * 0.27 / 10) * mV, "wi": (-20 * 4.5 / 10) * mV}
EQUATIONS = """
dv/dt  = (ge + gi - (v - El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
"""
#: Synapses each neuron receives, whatever the size (p = 0.02 at N = 4000).
FAN_IN = 80
#: The lesson's seed: the checkers rebuild the lesson's networks with it.
SEED = 11
DEVICES = ("runtime", "numpy", "cpp_standalone")
#: Neurons the explorer's raster shows (one pixel row each; the rate counts them all).
SHOWN = 200
#: Bins of the explorer's population rate (2 ms over its 200 ms).
RATE_BINS = 100


def cuba(N: int):
    """N -> (Network, SpikeMonitor): the lesson's CUBA network, built, not yet run.

    80 % excitatory neurons, each neuron receives about :data:`FAN_IN` synapses, initial
    potentials uniform between reset and threshold. Runs need the weights:
    ``net.run(duration, namespace=WEIGHTS)``.
    """
    N = int(N)
    neurons = NeuronGroup(N, EQUATIONS, threshold="v > Vt", reset="v = Vr",
                          refractory=5 * ms, method="exact", name="neurons",
                          namespace=dict(NEURON_CONSTANTS))
    neurons.v = "Vr + rand() * (Vt - Vr)"
    n_exc = int(0.8 * N)
    exc = Synapses(neurons[:n_exc], neurons, on_pre="ge += we", name="exc")
    inh = Synapses(neurons[n_exc:], neurons, on_pre="gi += wi", name="inh")
    exc.connect(p=min(1.0, FAN_IN / N))
    inh.connect(p=min(1.0, FAN_IN / N))
    spikes = SpikeMonitor(neurons, name="spikes")
    return Network(neurons, exc, inh, spikes), spikes


@contextlib.contextmanager
def on_device(name: str):
    """Run on the device ``name`` inside the block; the notebook's choice (``set_device``)
    is the same afterwards.

    Uses ``prefs.codegen.target``, which wins over ``set_device``. The ``cpp_standalone``
    device keeps its options (directory, threads); it must run each ``run()`` at once.
    """
    if name not in KNOWN_DEVICES:
        raise ValueError(f"unknown device {name!r}; known: {', '.join(KNOWN_DEVICES)}")
    if not getattr(KNOWN_DEVICES[name], "build_on_run", True):
        raise DeviceError(f"the {name} device is set to build_on_run=False (run() is "
                          "recorded for device.build()); call set_device('cpp_standalone') "
                          "to make it run each run() at once")
    before = prefs.codegen.target
    prefs.codegen.target = name
    try:
        yield
    finally:
        prefs.codegen.target = before


@contextlib.contextmanager
def _own_random_state():
    """The block's seed() leaves labkit's and numpy's generators as they were."""
    labkit_state = get_state()
    numpy_state = np.random.get_state()  # noqa: NPY002 - seed() also seeds numpy's global
    try:
        yield
    finally:
        set_state(labkit_state)
        np.random.set_state(numpy_state)  # noqa: NPY002


def cuba_rates(N: int, duration=200 * ms, seed_value: int = SEED, v0=None, **weights) -> list:
    """The lesson's network (``seed(seed_value)``, then :func:`cuba`) run on the runtime
    device once per value -> mean rates in Hz, one per value.

    ``weights``: one weight by name with a sequence of values (``we=[...]``); the others
    keep :data:`WEIGHTS`. ``v0``: initial potentials instead of the built ones. Each run
    starts from the built state, as ``device.run(run_args=...)`` does. The notebook's
    generators are left as they were.
    """
    (name, values), = weights.items() if weights else (("we", [WEIGHTS["we"]]),)
    rates = []
    with _own_random_state(), on_device("runtime"):
        seed(seed_value)
        net, spikes = cuba(N)
        net.store("built")
        for value in values:
            net.restore("built", restore_random_state=False)
            if v0 is not None:
                spikes.source.v = v0
            net.run(duration, namespace={**WEIGHTS, name: value})
            rates.append(spikes.num_spikes / (N * float(duration / second)))
    return rates


def first_faster(sizes, slower, faster):
    """Sizes and two devices' times -> the first size at which ``faster``'s time is below
    ``slower``'s, or None if it never is."""
    wins = np.flatnonzero(np.asarray(faster, float) < np.asarray(slower, float))
    return None if wins.size == 0 else np.asarray(sizes)[wins[0]].item()


# -- the explorer panel ---------------------------------------------------------------------------
class CubaExplorer:
    """N, we, wi, device -> one run of the CUBA network -> Results (spikes, wall time).

    The network is built (seeded, on the runtime device: connecting is Python's and
    Numba's work whatever runs the loop) once per size and run again from that state, so
    moving a weight costs one run: on ``cpp_standalone`` a launch of the compiled program,
    never a compile after the first.
    """

    def __init__(self, duration=200 * ms):
        self.duration = duration
        self._N, self._net, self._spikes = None, None, None
        self.wall = None

    def _network(self, N: int):
        if N != self._N:
            with _own_random_state(), on_device("runtime"):
                seed(SEED)
                self._net, self._spikes = cuba(N)
            self._net.store("built")
            self._N = N
        return self._net, self._spikes

    def simulate(self, N=1600, we=WEIGHTS["we"], wi=WEIGHTS["wi"], device="runtime"):
        import time

        net, spikes = self._network(int(N))
        net.restore("built", restore_random_state=False)
        started = time.perf_counter()
        with on_device(device):
            net.run(self.duration, namespace={"we": we, "wi": wi})
        self.wall = time.perf_counter() - started
        duration = float(self.duration / second)
        rate = spikes.num_spikes / (int(N) * duration)
        shown = spikes.i_ < SHOWN
        counts, edges = np.histogram(spikes.t_, bins=RATE_BINS, range=(0, duration))
        return Results({"spike_t": spikes.t[shown], "spike_i": spikes.i_[shown],
                        "N": min(SHOWN, int(N)), "rate_t": (edges[:-1] + edges[1:]) / 2,
                        "rate": counts / (int(N) * (edges[1] - edges[0])),
                        "rate_mean": rate, "wall": self.wall}, sim_time=self.duration)

    def __repr__(self):
        return f"CubaExplorer(N={self._N}, duration={self.duration})"


def panel(**kw) -> Panel:
    """N, we, wi and the device -> the CUBA network's raster and population rate; the
    status line says how long each run took."""
    controls = [ChoiceControl("N", [400, 1600, 6400], 1600, label="neurons N"),
                FloatControl("we", 0 * mV, 4 * mV, WEIGHTS["we"], unit=mV, step=0.02 * mV,
                             label="excitatory weight we"),
                FloatControl("wi", -20 * mV, 0 * mV, WEIGHTS["wi"], unit=mV, step=0.1 * mV,
                             label="inhibitory weight wi"),
                ChoiceControl("device", list(DEVICES), "runtime", label="device")]
    views = [RasterView(title=f"spikes of the first {SHOWN} neurons", height="240px"),
             RateView(title="population rate (all neurons)", height="150px")]
    return Panel(CubaExplorer(), controls, views,
                 title="The CUBA network on three devices", **kw)


# -- checkers -------------------------------------------------------------------------------------
def _seconds(values, name):
    """Numbers or times -> float seconds (a Quantity must be a time)."""
    dim = getattr(values, "dim", None)
    if dim is not None and dim != second.dim:
        raise TypeError(f"{name} must be a time or a number of seconds")
    return np.asarray(values / second if dim is not None else values, dtype=float)


def _hertz(rates) -> np.ndarray:
    """Rates (Quantities in Hz, or numbers of Hz) -> a float array."""
    return np.asarray([float(np.asarray(r * second)) if hasattr(r, "dim") else float(r)
                       for r in np.atleast_1d(rates)], dtype=float)


def _check_crossing(table, compile_time, total_numpy, total_cpp, crossing):
    """11.a (inline): one second of simulated time, a fresh script: numpy's time and
    standalone's (its compile once, then the runs), and the first size where standalone
    wins."""
    sizes = np.asarray(table["N"])
    per_run_numpy = _seconds(table["numpy"], "table['numpy']")
    per_run_cpp = _seconds(table["cpp_standalone"], "table['cpp_standalone']")
    compile_s = float(_seconds(compile_time, "compile_time"))
    want_numpy = 10 * per_run_numpy
    want_cpp = compile_s + 10 * per_run_cpp
    got_numpy = _seconds(total_numpy, "total_numpy").ravel()
    got_cpp = _seconds(total_cpp, "total_cpp").ravel()
    yield expect_close("total_numpy", got_numpy, want_numpy, rtol=1e-6,
                       hint="the table's runs last 100 ms; one second is ten of them")
    if got_cpp.shape == want_cpp.shape and np.allclose(got_cpp, 10 * per_run_cpp):
        yield Verdict(False, "total_cpp leaves out the compile",
                      "a fresh script compiles once before its first run: add compile_time")
    else:
        yield expect_close("total_cpp", got_cpp, want_cpp, rtol=1e-6,
                           hint="the compile once, plus ten 100 ms runs")
    want = first_faster(sizes, want_numpy, want_cpp)
    if want is None:
        yield expect_true(crossing is None, "crossing is right: standalone never wins here",
                          "in these measurements standalone is never faster",
                          "crossing = None when no size has total_cpp < total_numpy")
        return
    yield expect_true(crossing is not None and float(crossing) == float(want),
                      "crossing is right",
                      "crossing is not the first size at which total_cpp < total_numpy",
                      "sizes[total_cpp < total_numpy][0]")



def _check_run_args(N, values, rates):
    """11.b (inline): five re-runs of the compiled program with run_args={'we': value}
    (the lesson's network of N neurons, 200 ms, seed 11) -> their mean rates."""
    if isinstance(N, bool) or not isinstance(N, (int, np.integer)) or N < 1:
        yield Verdict(False, f"N must be the network's number of neurons, not {N!r}",
                      "pass the N the lesson's cells use: check('11.b', N=N, ...)")
        return
    values = list(values)
    yield expect_true(len(values) == 5, "five values",
                      f"{len(values)} values; the exercise asks for five",
                      "values = [0.5, 1.0, 1.5, 2.0, 2.5] * mV")
    if len(values) != 5:
        return
    volts = [float(np.asarray(v / mV)) if getattr(v, "dim", None) == mV.dim else None
             for v in values]
    if None in volts:
        yield Verdict(False, "the values of we must be voltages", "multiply by mV")
        return
    yield expect_true(len(set(volts)) == 5, "five different values",
                      "some values are repeated", "five different weights")
    got = _hertz(rates)
    if got.shape != (5,):
        yield Verdict(False, f"rates has {got.size} numbers; it needs one per value",
                      "append spikes.num_spikes / (N * duration) after each device.run")
        return
    want = cuba_rates(int(N), we=[v * mV for v in volts])
    close = np.isclose(got, want, rtol=1e-3, atol=0)
    yield expect_true(bool(close.all()), "every rate matches its value of we",
                      f"{int((~close).sum())} of the 5 rates differ from that network's rate "
                      "at that weight",
                      "each device.run starts from the same initial state; read "
                      "spikes.num_spikes after each one, divided by N neurons * 200 ms")


#: Which changes make labkit's cpp_standalone compile again (11.1).
RECOMPILES = {"weight": False, "size": False, "duration": False, "reset": True,
              "monitor": True}
_WHY = {"weight": "a constant's value is an input of the program",
        "size": "N is an input: arrays are sized when the program reads them",
        "duration": "the number of steps is an input",
        "reset": "a new reset string is new code",
        "monitor": "a new object adds its operation to the loop: new code"}


def _check_recompiles(recompiles):
    """11.1: for each change, does labkit's cpp_standalone compile again?"""
    if not isinstance(recompiles, dict):
        yield Verdict(False, "recompiles must be a dict: change -> True/False",
                      "recompiles = {'weight': ..., 'size': ..., ...}")
        return
    missing = sorted(set(RECOMPILES) - set(recompiles))
    if missing:
        yield Verdict(False, f"recompiles has no answer for {', '.join(missing)}",
                      f"the keys are {', '.join(RECOMPILES)}")
        return
    for change, truth in RECOMPILES.items():
        answer = recompiles[change]
        yield expect_true(isinstance(answer, (bool, np.bool_)) and bool(answer) == truth,
                          f"{change}: right", f"{change}: not what labkit does",
                          "watch device.compile_count before and after: " + _WHY[change]
                          if truth else "is it code, or a number the program reads?")


def _check_synchrony(t_first, rate):
    """11.2: every neuron of the N = 2000 network started at Vr (``run_args={neurons.v:
    Vr}``): the predicted time of the first spikes, and the measured mean rate."""
    c = NEURON_CONSTANTS
    want = c["taum"] * np.log((c["El"] - c["Vr"]) / (c["El"] - c["Vt"]))
    yield expect_close("t_first", t_first, want, rtol=0.01,
                       hint="with no input yet, v relaxes from Vr towards El with taum; "
                            "solve v(t) = Vt")
    got = _hertz(rate)
    if got.shape != (1,):
        yield Verdict(False, "rate must be one number (Hz): the mean rate of that run",
                      "spikes.num_spikes / (2000 * 200 * ms)")
        return
    random_start = cuba_rates(2000)[0]
    target = cuba_rates(2000, v0=c["Vr"])[0]
    ok = bool(np.isclose(got[0], target, rtol=1e-3))
    hint = "device.run(run_args={neurons.v: Vr}), then spikes.num_spikes / (2000 * 200 ms)"
    if not ok and np.isclose(got[0], random_start, rtol=1e-3):
        hint = "that is the rate of the random start: pass run_args={neurons.v: Vr}"
    yield expect_true(ok, "rate is right", "rate is not that run's mean rate", hint)


def _check_payoff(run_numpy, run_cpp, payoff):
    """11.3: with a 5 s compile, from how much simulated time on does standalone beat
    numpy? Runs of 100 ms measured at N = 2000 -> that duration."""
    per_numpy = float(_seconds(run_numpy, "run_numpy"))
    per_cpp = float(_seconds(run_cpp, "run_cpp"))
    if per_numpy <= per_cpp:
        yield expect_true(payoff is None, "payoff is None: numpy is not slower here",
                          "in your measurements numpy is not slower than standalone",
                          "payoff = None when standalone never catches up")
        return
    want = 5 * second * (0.1 * second) / ((per_numpy - per_cpp) * second)
    if payoff is None:
        yield Verdict(False, "payoff is None, but numpy is the slower one here",
                      "compile_time / (numpy's - standalone's seconds per simulated second)")
        return
    yield expect_close("payoff", payoff, want, rtol=1e-3,
                       hint="each measurement covers 0.1 s of simulated time: wall seconds "
                            "per simulated second = run / 0.1 s")


CHECKS = {"11.a": _check_crossing, "11.b": _check_run_args, "11.1": _check_recompiles,
          "11.2": _check_synchrony, "11.3": _check_payoff}
