"""Firing rates of the random CUBA and COBAHH networks over seeds, labkit next to Brian2.

    python benchmarks/rate_spread.py                     # both models, 5 seeds, 1 s
    python benchmarks/rate_spread.py --models cobahh --seeds 8 --duration 0.5

Connectivity and initial values are random, and labkit's generator is not Brian2's, so
one seed gives two different networks: their spike counts need not agree, the spread of
rates over networks must. For each seed, each simulator builds the coupled network
(models-reference 6.1/6.2, the scripts of cuba.py and cobahh.py), runs it and reports
the mean rate; the table gives every rate, the mean and standard deviation per
simulator, and the difference of means in units of its standard error (Welch), so
"agree" has a number: |t| below about 2.5 for these few seeds.

Not a timing benchmark; it lives here because it runs Brian2 and takes minutes.
"""

from __future__ import annotations

import argparse
import math
import statistics

from cobahh import MODEL as COBAHH
from cobahh import SYNAPSES as COBAHH_SYNAPSES
from common import Caches, machine_summary, print_table, run_snippet, versions_summary
from cuba import MODEL as CUBA
from cuba import SYNAPSES as CUBA_SYNAPSES
from cuba import network

MODELS = {"cuba": (CUBA, CUBA_SYNAPSES), "cobahh": (COBAHH, COBAHH_SYNAPSES)}

SNIPPET = """
import numpy as np
{import_line}
{prefs}
{network}
run({duration}*second)
report(rate=s_mon.num_spikes / (N * {duration}))
"""

SIDES = {
    "labkit": {"import_line": "from labkit import *", "prefs": ""},
    "Brian2": {"import_line": "from brian2 import *", "prefs": "brian2_cache_prefs()"},
}


def rates(model: str, side: str, seeds: range, duration: float, caches: Caches) -> list:
    neurons, synapses = MODELS[model]
    out = []
    for s in seeds:
        code = SNIPPET.format(network=network(neurons, synapses, seed=s), duration=duration,
                              **SIDES[side])
        out.append(run_snippet(code, env=caches.env())["rate"])
        print(f"  {model} {side} seed {s}: {out[-1]:.2f} Hz", flush=True)
    return out


def welch_t(a: list, b: list) -> float:
    se = math.sqrt(statistics.variance(a) / len(a) + statistics.variance(b) / len(b))
    return (statistics.mean(a) - statistics.mean(b)) / se if se > 0 else 0.0


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", choices=sorted(MODELS), default=sorted(MODELS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--duration", type=float, default=1.0, help="simulated seconds")
    args = parser.parse_args(argv)
    print(machine_summary())
    print(versions_summary())
    caches = Caches.fresh()
    rows = []
    for model in args.models:
        got = {side: rates(model, side, range(1, args.seeds + 1), args.duration, caches)
               for side in SIDES}
        for side, values in got.items():
            rows.append([model, side, " ".join(f"{v:.1f}" for v in values),
                         f"{statistics.mean(values):.2f}", f"{statistics.stdev(values):.2f}",
                         ""])
        rows[-1][-1] = f"{welch_t(got['labkit'], got['Brian2']):+.2f}"
    print()
    print_table(["model", "simulator", "rate per seed (Hz)", "mean", "sd", "t (Welch)"], rows)


if __name__ == "__main__":
    main()
