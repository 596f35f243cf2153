"""One thread, threads always and adaptive, alternating run() by run() in one process.

    python benchmarks/threads_alternating.py                    # CUBA and COBAHH, 0.5 s runs
    python benchmarks/threads_alternating.py --models CUBA --duration 1 --rounds 9

Why (issue 22, README "All cores"): ``benchmarks/threads.py`` measures each way in a fresh
process, minutes apart; on a machine others use, the load changes between them, and the
ratios measure that. Here one process per model builds the network once, runs it once per
way (compiling both kernels), then ``--rounds`` rounds of one ``run()`` per way, in turn,
each from where the previous one left the network: the ways see the same load and, over the
rounds, the same activity. Per way: the loop's best and median wall time
(``Network._last_run_time``), the best CPU time of the process over the run() (all threads),
the ratios of one thread's best and median to the way's, and the adaptive kernel's probes
(both kernels side by side, a few steps each) and share of steps on threads; and, probed
between the rounds, what the two cores could give a loop that shares nothing
(``cores_now.py``: on the development VM often less than the 1.7x the target asks).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cobahh  # noqa: E402
import cores_now  # noqa: E402
import cuba  # noqa: E402
from common import PIN_HELP, pin_threads  # noqa: E402

WAYS = ("one thread", "threads always", "adaptive")


def measure(model: str, n: int, duration: float, rounds: int, pin: bool = False) -> tuple:
    """-> (per way: [(loop seconds, CPU seconds, probes, share of steps on threads, team
    calls, teams whose threads did not all start, calls after which the team's cuts
    moved), ...] over the rounds; the ratios of ``cores_now.probe_once`` between them)."""
    import labkit.devices.threads as T
    from labkit import set_device
    from labkit.core.magic import magic_network

    neurons, synapses = {"CUBA": (cuba.MODEL, cuba.SYNAPSES),
                         "COBAHH": (cobahh.MODEL, cobahh.SYNAPSES)}[model]
    namespace = {"np": np}
    exec("from labkit import *\n" + cuba.network(neurons, synapses, n=n), namespace)
    T.COMPILE_BUDGET = 0.0  # the threads' kernel from the first call
    T.BACKGROUND = False  # (compiled in this process)

    from labkit.devices import DEVICES

    def counts():
        """-> probes, steps on threads, steps, team calls, teams not formed, team calls
        after which the cuts moved."""
        kernels = DEVICES["runtime"]._threaded.values()
        return np.array([sum(k.probes for k in kernels),
                         sum(k.totals["parallel"][1] for k in kernels),
                         sum(k.totals["serial"][1] + k.totals["parallel"][1]
                             for k in kernels),
                         sum(k.team_calls for k in kernels),
                         sum(k.teams_not_formed for k in kernels),
                         sum(k.rebalances for k in kernels)])

    def run(way):
        set_device("runtime", threads=1 if way == "one thread" else 2)
        T.ADAPTIVE = way == "adaptive"
        before, started = counts(), time.process_time()
        exec(f"run({duration}*second)", namespace)
        cpu = time.process_time() - started
        probes, threaded, steps, teams, not_formed, moved = counts() - before
        return (float(magic_network._last_run_time), cpu, probes,
                threaded / steps if steps else 0.0, teams, not_formed, moved)

    for way in WAYS:  # compiles (threads: the serial kernel's twin too)
        run(way)
    cores_now.probe_once()  # compiles
    if pin:
        pin_threads()
    times, gains = {way: [] for way in WAYS}, []
    for r in range(rounds):  # each way after each other in turn (after threads, TBB's
        for way in WAYS[r % 3:] + WAYS[:r % 3]:  # workers spin on a while)
            times[way].append(run(way))
        gains += list(cores_now.probes(0.3))  # what the cores could give, meanwhile
    return times, np.asarray(gains)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["CUBA", "COBAHH"])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--duration", type=float, default=0.5)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pin", action="store_true", help=PIN_HELP)
    args = parser.parse_args(argv)
    os.environ.setdefault("LABKIT_FAST_START", "0")  # the compiled kernels' loops
    print(f"load average {os.getloadavg()[0]:.1f} at start")
    for model in args.models:
        times, gains = measure(model, args.n, args.duration, args.rounds, args.pin)
        one = np.asarray(times["one thread"])
        print(f"{model}, {args.n} neurons, {args.duration} s a run, {args.rounds} rounds "
              f"(load {os.getloadavg()[0]:.1f})")
        for way, values in times.items():
            values = np.asarray(values)
            best, median = values[:, 0].min(), np.median(values[:, 0])
            print(f"  {way:15s} loop best {1e3 * best:8.1f} ms, median {1e3 * median:8.1f} ms"
                  f" | CPU best {1e3 * values[:, 1].min():8.1f} ms"
                  f" | one thread / this: {one[:, 0].min() / best:.2f}x (best),"
                  f" {np.median(one[:, 0]) / median:.2f}x (median)"
                  f" | probes {int(values[:, 2].sum())},"
                  f" {100 * values[:, 3].mean():.0f} % of steps on threads"
                  f" | team calls {int(values[:, 4].sum())}, not formed"
                  f" {int(values[:, 5].sum())}, cuts moved {int(values[:, 6].sum())}")
        print(f"  the cores meanwhile (benchmarks/cores_now.py): {cores_now.summary(gains)}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
