"""Panel latency: from a control's value change to the views' marks holding the new data.

    python benchmarks/panel_latency.py            # 30 repeats per case
    python benchmarks/panel_latency.py --quick    # 10 repeats

What is timed is what happens in the kernel when the browser moves a slider: the widget's
``value`` trait is set (as a comm message would), the panel re-runs the model and writes the
new arrays into the bqplot marks (decimated, inside ``hold_sync``). It ends when the setter
returns, with the marks holding the new data. Browser rendering is not included. Values
alternate between two settings so that every change really re-runs. Issue 7's targets:

- (a) a single LIF neuron, 100 ms (trace + raster): median < 20 ms;
- (b) an I-F curve of 1000 LIF neurons over 1 s: median < 200 ms.

Each case runs on the labkit engine (``NeuronGroup`` + ``NetworkModel``: restore, set, run;
compiled once, then re-run) when it is importable, and on the exact numpy models of
``labkit.widgets.examples`` for comparison; the output says which is which.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

from labkit.units import Hz, Mohm, ms, mV, nA, second
from labkit.widgets import FloatControl, IFCurveView, NetworkModel, Panel, RasterView, TraceView
from labkit.widgets.examples import LIFNeuron, LIFPopulation

LIF_EQS = """
dv/dt = (E_L - v + R*I) / tau : volt (unless refractory)
I : amp
"""
CONSTANTS = dict(E_L=-70 * mV, R=100 * Mohm, v_th=-50 * mV, v_reset=-70 * mV)


def engine_available() -> bool:
    try:
        from labkit import Network, NeuronGroup  # noqa: F401
    except ImportError:
        return False
    return True


def engine_single_lif():
    """(a) on the engine: one LIF neuron, StateMonitor + SpikeMonitor, 100 ms."""
    from labkit import Network, NeuronGroup, SpikeMonitor, StateMonitor

    group = NeuronGroup(1, LIF_EQS, threshold="v > v_th", reset="v = v_reset",
                        refractory=2 * ms, method="exact", name="lif")
    group.v = -70 * mV
    net = Network(group, StateMonitor(group, "v", record=0), SpikeMonitor(group))
    return NetworkModel(net, 100 * ms, targets={"I": "lif.I"},
                        namespace={**CONSTANTS, "tau": 10 * ms})


class EngineIFCurve:
    """(b) on the engine: 1000 LIF neurons with graded inputs, spikes counted over 1 s."""

    def __init__(self, n=1000, duration=1 * second):
        from labkit import Network, NeuronGroup, SpikeMonitor

        self.n, self.duration = n, duration
        self.group = NeuronGroup(n, LIF_EQS, threshold="v > v_th", reset="v = v_reset",
                                 refractory=2 * ms, method="exact", name="if_neurons")
        self.group.v = -70 * mV
        self.spikes = SpikeMonitor(self.group)
        self.spread = np.linspace(-1, 1, n)
        self.inner = NetworkModel(Network(self.group, self.spikes), duration,
                                  targets={"I": self._set_currents},
                                  namespace={**CONSTANTS, "tau": 10 * ms})
        self._sigma = 0.2 * nA

    def _set_currents(self, mean):
        self.group.I = mean + self._sigma * self.spread

    def simulate(self, I, tau):
        spikes = self.inner.simulate(I=I, tau=tau)
        counts = np.bincount(np.asarray(spikes["spike_i"]), minlength=self.n)
        return {"I": I + self._sigma * self.spread, "f": counts / self.duration,
                "spike_t": spikes["spike_t"], "spike_i": spikes["spike_i"]}


def lif_controls():
    return [FloatControl("I", 0 * nA, 1 * nA, 0.3 * nA),
            FloatControl("tau", 1 * ms, 100 * ms, 10 * ms, log=True)]


def measure(panel: Panel, values, repeats: int) -> list[float]:
    """Set the I slider (as the browser does) -> seconds until the marks hold new data."""
    widget = panel.controls["I"].widget
    times, seen = [], set()
    for k in range(repeats + 2):                           # two warm-up changes
        started = time.perf_counter()
        widget.value = float(values[k % 2] / nA)
        elapsed = time.perf_counter() - started
        if panel.error is not None:
            raise RuntimeError(f"the model failed: {panel.error!r}")
        seen.add(_fingerprint(panel))
        if k >= 2:
            times.append(elapsed)
    if len(seen) != 2:
        raise RuntimeError("the marks did not change with the value: nothing was re-run")
    return times


def _fingerprint(panel: Panel) -> bytes:
    """The marks' data, to check that each change really put new data in them."""
    mark = panel.views[-1].marks[-1] if not hasattr(panel.views[-1], "line") else \
        panel.views[-1].line
    return np.asarray(mark.y, dtype=float).tobytes()


def report(case: str, backend: str, times: list[float], target: float, first: float) -> None:
    median = statistics.median(times)
    p90 = float(np.percentile(times, 90))
    verdict = "meets" if median < target else "MISSES"
    print(f"{case:<34} {backend:<22} first {first * 1e3:8.1f} ms   median "
          f"{median * 1e3:7.2f} ms   p90 {p90 * 1e3:7.2f} ms   target < {target * 1e3:.0f} ms"
          f" ({verdict})")


def run_case(case, backend, make_panel, values, repeats, target) -> None:
    started = time.perf_counter()
    panel = make_panel()
    first = time.perf_counter() - started                  # build + first run (+ compile)
    if panel.error is not None:
        raise RuntimeError(f"{case} on {backend}: {panel.error!r}")
    report(case, backend, measure(panel, values, repeats), target, first)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 repeats instead of 30")
    args = parser.parse_args(argv)
    repeats = 10 if args.quick else 30
    engine = engine_available()
    print(f"panel latency: control value change -> marks hold new data; median of {repeats}")
    print(f"labkit engine importable: {engine} (numpy example models are always measured)")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}")
    cases = []
    if engine:
        cases += [
            ("(a) single LIF, 100 ms", "labkit engine (numba)",
             lambda: Panel(engine_single_lif(), lif_controls(),
                           [TraceView("v", unit=mV), RasterView()]), 0.020),
            ("(b) I-F curve, 1000 LIF, 1 s", "labkit engine (numba)",
             lambda: Panel(EngineIFCurve(), lif_controls(),
                           [IFCurveView(y_unit=Hz)]), 0.200),
        ]
    cases += [
        ("(a) single LIF, 100 ms", "numpy exact (example)",
         lambda: Panel(LIFNeuron(duration=100 * ms), lif_controls(),
                       [TraceView("v", unit=mV, threshold="v_th"), RasterView()]), 0.020),
        ("(b) I-F curve, 1000 LIF, 1 s", "numpy exact (example)",
         lambda: Panel(LIFPopulation(N=1000, duration=1 * second), lif_controls(),
                       [IFCurveView(y_unit=Hz)]), 0.200),
    ]
    for case, backend, make_panel, target in cases:
        run_case(case, backend, make_panel, (0.45 * nA, 0.8 * nA), repeats, target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
