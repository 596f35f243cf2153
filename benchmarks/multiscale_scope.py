"""Lesson 08's GUI demo keeps up: one Scope chunk (100 ms of the multi-scale neuron on the
runtime device, plus the update of every view) and the 400-point regime map.

    python benchmarks/multiscale_scope.py            # 100 chunks, Brian2 as context
    python benchmarks/multiscale_scope.py --quick    # 30 chunks, no Brian2

What is timed, in this process, after the first chunk (which compiles):

- ``Scope.step()`` of ``labkit.lessons.lesson08.scope()``: the model runs 100 ms (1000
  steps of 0.1 ms, fresh monitors), the detector reads the spikes, the trace and the three
  I-V views get their data (issue 15's target: median < 20 ms); also split into the run
  alone (``MultiScaleModel.advance``) and the rest;
- the same 100 ms the way the authors' GUI computes it: a forward-Euler loop in plain
  Python, over the same equations (the ratio is labkit's run over it); for one neuron a
  Python loop of 1000 steps is as quick as a compiled run's fixed cost, so the same is
  measured for 400 neurons against a vectorised numpy loop;
- with Brian2 installed (not ``--quick``): the same equations as a Brian2 network run
  chunk by chunk (runtime mode, numpy target, so nothing compiles), for context;
- ``regime_map`` over 16 x 25 points (one NeuronGroup, 25 s, dt 0.5 ms), wall and CPU
  time (target < 10 s on 2 cores; the kernel is single-threaded, so on a shared machine
  the CPU time is what an idle one would wait).
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import numpy as np
from common import fmt_ratio, fmt_seconds, machine_summary, print_table

from labkit import ms, second
from labkit.lessons.lesson08 import MultiScaleModel, scope
from labkit.models.multiscale import DEFAULTS, MULTISCALE_EQS, regime_map


def chunk_times(n: int) -> tuple[list[float], list[float]]:
    """Scope.step() wall and CPU times, after 10 warm-up chunks."""
    demo = scope(start=False)
    for _ in range(10):
        demo.step()
    wall, cpu = [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        if demo.step() is None:
            raise RuntimeError(f"the scope failed: {demo.error!r}")
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return wall, cpu


def model_times(n: int, neurons: int = 1) -> list[float]:
    model = MultiScaleModel(N=neurons)
    model.advance(100 * ms)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        model.advance(100 * ms)
        times.append(time.perf_counter() - started)
    return times


def numpy_euler(n: int, n_steps: int = 1000, dt: float = 0.1) -> float:
    """``n`` neurons the vectorised numpy way: one array operation per term and step."""
    p = DEFAULTS
    V, Vs, Vu = np.full(n, -1.9), np.full(n, -1.8), np.full(n, -1.8)
    trace = np.empty((n, n_steps))
    started = time.perf_counter()
    for k in range(n_steps):
        dV = (-V + p["a_fm"] * np.tanh(V - p["d_fm"]) - p["a_sp"] * np.tanh(Vs - p["d_sp"])
              + p["a_sm"] * np.tanh(Vs - p["d_sm"]) - p["a_up"] * np.tanh(Vu - p["d_up"])
              + p["I_app"])
        V, Vs, Vu = V + dt * dV, Vs + dt / 50 * (V - Vs), Vu + dt / 2500 * (V - Vu)
        trace[:, k] = V
    return time.perf_counter() - started


def python_euler(n_steps: int = 1000, dt: float = 0.1) -> float:
    """The authors' way: a plain-Python forward-Euler loop (their GUI steps like this)."""
    p = DEFAULTS
    V, Vs, Vu, tanh = -1.9, -1.8, -1.8, math.tanh
    started = time.perf_counter()
    trace = []
    for _ in range(n_steps):
        dV = (-V + p["a_fm"] * tanh(V - p["d_fm"]) - p["a_sp"] * tanh(Vs - p["d_sp"])
              + p["a_sm"] * tanh(Vs - p["d_sm"]) - p["a_up"] * tanh(Vu - p["d_up"])
              + p["I_app"])
        V, Vs, Vu = V + dt * dV, Vs + dt / 50 * (V - Vs), Vu + dt / 2500 * (V - Vu)
        trace.append(V)
    return time.perf_counter() - started


def brian2_times(n: int) -> list[float] | None:
    try:
        import brian2 as b2
    except ImportError:
        return None
    b2.prefs.codegen.target = "numpy"
    b2.start_scope()
    group = b2.NeuronGroup(1, MULTISCALE_EQS, threshold="V > 0", refractory="V > -0.5",
                           method="euler",
                           namespace=dict(tau_m=1 * b2.ms, tau_s=50 * b2.ms,
                                          tau_u=2500 * b2.ms))
    for name, value in DEFAULTS.items():
        setattr(group, name, value)
    group.V, group.Vs, group.Vu = -1.9, -1.8, -1.8
    net = b2.Network(group, b2.StateMonitor(group, "V", record=0), b2.SpikeMonitor(group))
    net.run(100 * b2.ms)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        net.run(100 * b2.ms)
        times.append(time.perf_counter() - started)
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 chunks, no Brian2")
    args = parser.parse_args(argv)
    n = 30 if args.quick else 100
    print(f"multi-scale scope: medians of {n} chunks of 100 ms; {machine_summary()}")
    wall, cpu = chunk_times(n)
    run_only = model_times(n)
    python = statistics.median(python_euler() for _ in range(5))
    run_many = statistics.median(model_times(max(10, n // 5), neurons=400))
    vectorised = statistics.median(numpy_euler(400) for _ in range(3))
    target = "meets" if statistics.median(wall) < 0.020 else "MISSES"
    rows = [
        ["Scope.step(): run + detector + views", fmt_seconds(statistics.median(wall)),
         fmt_seconds(statistics.median(cpu)), f"target < 20 ms: {target}"],
        ["  of which the labkit run (advance)", fmt_seconds(statistics.median(run_only)),
         "", ""],
        ["plain-Python Euler loop (authors' GUI)", fmt_seconds(python), "",
         f"labkit run / this: {fmt_ratio(statistics.median(run_only), python)}"],
        ["400 neurons: labkit run (advance)", fmt_seconds(run_many), "", ""],
        ["400 neurons: vectorised numpy Euler", fmt_seconds(vectorised), "",
         f"labkit run / this: {fmt_ratio(run_many, vectorised)}"],
    ]
    b2 = None if args.quick else brian2_times(max(10, n // 5))
    if b2 is not None:
        rows.append(["Brian2 runtime (numpy target), 1 neuron", fmt_seconds(statistics.median(b2)),
                     "", f"this / labkit run: "
                         f"{fmt_ratio(statistics.median(b2), statistics.median(run_only))}"])
    print_table(["100 ms of the neuron", "wall", "cpu", "note"], rows)

    started_wall, started_cpu = time.perf_counter(), time.process_time()
    grid = regime_map(np.arange(0.25, 4.01, 0.25), np.linspace(-3, 1, 25),
                      duration=25 * second)
    wall_map, cpu_map = time.perf_counter() - started_wall, time.process_time() - started_cpu
    kinds = {k: int((grid.kinds == k).sum()) for k in ("rest", "plateau", "tonic", "bursting")}
    print(f"\nregime map, {grid.kinds.size} neurons x 25 s in one run: wall "
          f"{fmt_seconds(wall_map)}, cpu {fmt_seconds(cpu_map)} (target < 10 s: "
          f"{'meets' if cpu_map < 10 else 'MISSES'}); {kinds}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
