"""labkit.sweep: a 64-point I-F curve here, on a local pool, and on a 2-worker Dask cluster.

    python benchmarks/sweep.py              # 64 points, 1000 neurons, 1 s each
    python benchmarks/sweep.py --quick      # 16 points, 0.25 s each
    python benchmarks/sweep.py --rounds 3   # the three ways three times, interleaved

Each point is one input current given to 1000 noisy LIF neurons (lesson 06's physical LIF,
``sigma = 2 mV``) for 1 s of simulated time; the point returns the population's rate. The
three ways are run in one invocation, each in a fresh process with a warm kernel cache
(a first run fills it), so each pays its own start-up as a user would:

- **sequential**: ``sweep(..., processes=1)``, the points one after another in the process;
- **local pool**: ``sweep(..., processes=2)``: two loky worker processes, started by the call;
- **Dask**: ``sweep(..., client=Client(LocalCluster(n_workers=2, threads_per_worker=1)))``;
  starting the cluster is timed apart (a user starts it once per session).

Each process runs the sweep three times (seeds 0, 1, 2): the first call includes starting
the workers (and, in every way, importing what a first model needs and loading its
kernel); "again" is the faster of the other two, a sweep in a session already under way.
The rates must be identical in the three ways (seeded points); the script fails otherwise.
Target of issue 21: both parallel ways at least 1.7x faster than sequential on 2 cores.
The machine's load average is printed before and after each way. Measure on an idle
machine: Linux's autogroup scheduler (``/proc/sys/kernel/sched_autogroup_enabled``) shares
the cores fairly between sessions, not processes, so while other sessions keep the cores
busy, the two workers of a sweep get together about what one sequential process gets.
On a shared machine, ``--rounds N`` runs sequential, pool and Dask N times in turn, so
that each speed-up compares ways measured within a minute of each other (under the same
load); each round's ratios are printed, then their median.
"""

from __future__ import annotations

import argparse
import os
import statistics

from common import Caches, machine_summary, print_table, run_snippet

SNIPPET = """
import numpy as np
from labkit import *

def if_point(I):
    start_scope()
    tau_m, R_m, E_L, V_th, t_ref, sigma = 20*ms, 100*Mohm, -65*mV, -50*mV, 2*ms, 2*mV
    group = NeuronGroup(NEURONS, '''
        dv/dt = (E_L - v + R_m*I)/tau_m + sigma*sqrt(2/tau_m)*xi : volt (unless refractory)
        ''', threshold='v > V_th', reset='v = E_L', refractory=t_ref, method='euler')
    group.v = E_L
    spikes = SpikeMonitor(group)
    run(DURATION*second)
    return {'rate': spikes.num_spikes / (NEURONS * DURATION*second)}

if __name__ == '__main__':
    grid = {'I': np.linspace(0, 0.5, POINTS) * nA}
    options = dict(processes=MODE_PROCESSES)
    if MODE == 'dask':
        import distributed
        _t = _time.perf_counter()
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None, silence_logs=40)
        client = distributed.Client(cluster)
        client.wait_for_workers(2)
        report(cluster_s=_time.perf_counter() - _t)
        options = dict(client=client)
    times, rates, compiled = [], [], []
    for seed_ in (0, 1, 2):
        _t = _time.perf_counter()
        table = sweep(if_point, grid, progress=False, seed=seed_, **options)
        times.append(_time.perf_counter() - _t)
        assert table['error'].isna().all(), table['error'].dropna().tolist()
        rates.append(table['rate [Hz]'].tolist())
        compiled.append(int(table['compiled'].sum()))
    report(first_s=times[0], again_s=min(times[1:]), rates=rates, compiled=compiled,
           workers=int(table['worker'].nunique()))
"""

MODES = {"sequential": 1, "local pool": 2, "dask": None}


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(mode: str, points: int, neurons: int, duration: float, caches: Caches):
    settings = (f"NEURONS, DURATION, POINTS = {neurons}, {duration!r}, {points}\n"
                f"MODE, MODE_PROCESSES = {mode!r}, {MODES[mode]!r}\n")
    return run_snippet(settings + SNIPPET, env=caches.env())


def one_round(points: int, neurons: int, duration: float, caches: Caches) -> dict:
    """The three ways once, one after another -> {way: timing}; rates checked equal."""
    results = {}
    for mode in MODES:
        results[mode] = measure(mode, points, neurons, duration, caches)
        results[mode].data["load"] = os.getloadavg()[0]
        print(f"  {mode}: done, load average now {load()}", flush=True)
    reference = results["sequential"]
    for mode, timing in results.items():
        if timing["rates"] != reference["rates"]:
            raise SystemExit(f"{mode}: the rates differ from the sequential sweep's")
    return results


def round_rows(results: dict) -> list[list[str]]:
    reference = results["sequential"]
    rows = []
    for mode, timing in results.items():
        first, again = timing["first_s"], timing["again_s"]
        rows.append([mode, f"{first:.2f} s", f"{reference['first_s'] / first:.2f}x",
                     f"{again:.2f} s", f"{reference['again_s'] / again:.2f}x",
                     str(timing["workers"]), str(timing["compiled"][0]),
                     f"{timing['load']:.1f}"])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="16 points of 0.25 s")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run the three ways this many times, interleaved")
    args = parser.parse_args()
    points, neurons, duration = (16, 1000, 0.25) if args.quick else (64, 1000, 1.0)
    print(__doc__.split("\n\n")[0])
    print(machine_summary())
    print(f"{points} points x {neurons} neurons x {duration} s; load average (1/5/15 min) "
          f"before: {load()}")
    caches = Caches.fresh()
    measure("sequential", 2, neurons, 0.01, caches)  # fills the kernel cache
    headers = ["way", "1st sweep", "speed-up", "again", "speed-up", "workers",
               "kernels compiled", "load"]
    rounds = []
    for k in range(args.rounds):
        results = one_round(points, neurons, duration, caches)
        rounds.append(results)
        print(f"round {k + 1} of {args.rounds}:")
        print_table(headers, round_rows(results))
        print(f"Dask LocalCluster start (not in the sweeps): {results['dask']['cluster_s']:.2f} s",
              flush=True)
    if args.rounds > 1:
        print(f"median over {args.rounds} rounds of each round's speed-up:")
        rows = []
        for mode in MODES:
            ratios = {key: statistics.median(r["sequential"][key] / r[mode][key] for r in rounds)
                      for key in ("first_s", "again_s")}
            spread = [r["sequential"]["again_s"] / r[mode]["again_s"] for r in rounds]
            rows.append([mode, f"{ratios['first_s']:.2f}x", f"{ratios['again_s']:.2f}x",
                         f"{min(spread):.2f}-{max(spread):.2f}x"])
        print_table(["way", "1st sweep", "again", "again: range"], rows)
    print(f"identical rates in the three ways: yes; load average after: {load()}")


if __name__ == "__main__":
    main()
