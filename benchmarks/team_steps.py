"""The team kernel's steps as idle cores would run them, measured on a busy machine.

    python benchmarks/team_steps.py                       # CUBA, 4000 neurons
    python benchmarks/team_steps.py --model COBAHH --steps 500 --rounds 20
    python benchmarks/team_steps.py --phases          # and the time of each operation
    python benchmarks/team_steps.py --phases --pin    # the two threads on separate cores

Why (issue 22, README "All cores"): on a machine others use, a whole run on two threads
measures them (the step's barrier waits a time slice whenever a thread is off its core),
so ``benchmarks/threads.py``'s wall times say little about 2 idle cores. Here the runtime
device builds the model (coupled, a SpikeMonitor), the script takes the serial kernel's
arguments from its first call, and runs rounds of ``--steps`` steps from the state the run
left, alternating: the serial kernel, the team kernel on one thread and on two. Both
kernels' generated text gets a time stamp (the CPU's cycle counter) at each step's start,
the team's also around its barrier; the low percentiles of the per-step times are the steps
in which every thread kept its core. Printed per kernel: the 5/10/25/50th percentile of a
step, and for the team on two threads, per thread, its work before the barrier, its wait
there and its work after it (the step's events, reset). The kernels' bits are checked by
``tests/devices/test_runtime_threads.py``, not here (the rounds run on one evolving state).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cobahh  # noqa: E402
import cuba  # noqa: E402
from common import PIN_HELP, pin_threads  # noqa: E402

from labkit.codegen.support_team import lk_cycles as cycles  # noqa: E402

#: What a stamped kernel's text imports besides its own.
STAMPS = "from labkit.codegen.support_team import lk_cycles as cycles  # noqa\n"


def _capture(model: str, n: int):
    """Build ``model`` and run 20 ms on two threads -> (ThreadedKernel, argument list, names)."""
    import labkit.devices.threads as T
    from labkit import set_device

    neurons, synapses = {"CUBA": (cuba.MODEL, cuba.SYNAPSES),
                         "COBAHH": (cobahh.MODEL, cobahh.SYNAPSES)}[model]
    namespace = {"np": np}
    exec("from labkit import *\n" + cuba.network(neurons, synapses, n=n), namespace)
    set_device("runtime", threads=2)
    T.COMPILE_BUDGET, T.ADAPTIVE, T.BACKGROUND = 0.0, False, False
    seen = {}
    called = T.ThreadedKernel.__call__

    def spy(self, *args):
        seen.setdefault("call", (self, list(args)))
        return called(self, *args)

    T.ThreadedKernel.__call__ = spy
    try:
        exec("run(20*ms)", namespace)
    finally:
        T.ThreadedKernel.__call__ = called
    kernel, args = seen["call"]
    at = {name: k for k, name in enumerate(kernel.serial.source.arg_names)}
    args[at["_lk_clock_end"]][:] = 1 << 60  # rounds run past the run's end
    for name, k in at.items():  # room for every round's events and recorded spikes
        if name.endswith("__qdata"):
            args[k] = np.zeros((args[k].shape[0], 1 << 20), dtype=args[k].dtype)
        elif name.endswith(("__i", "__t")) and args[k].ndim == 1:
            args[k] = np.zeros(1 << 20, dtype=args[k].dtype)
    return kernel, args, at


def _stamped(text: str, team: bool, phases: list | None = None) -> str:
    """A kernel's text with a stamp at each step's start (and the team's around its
    barrier) into a last argument ``_lk_stamps[thread, 0/1/2, step]``; with ``phases`` (a
    list, filled with their names), also at each operation's start (its comment line in
    the text: ``_lk_stamps[thread, 3 + k, step]``)."""
    out = []
    member = not team
    for line in text.replace("cache=True", "cache=False").split("\n"):
        stripped = line.lstrip()
        indent = line[:len(line) - len(stripped)]
        if line.startswith(("def _lk_member(", "def _lk_run(")):
            member = line.startswith("def _lk_member(") or not team
            line = line[:-2] + ", _lk_stamps):"
        elif team and stripped.startswith("_lk_member(_lk_t"):
            line = line[:-1] + ", _lk_stamps)"
        t = "_lk_t" if team else "0"
        if member and stripped.startswith("lk_barrier("):
            out += [f"{indent}_lk_stamps[{t}, 1, _lk_s - _lk_s0] = cycles()", line,
                    f"{indent}_lk_stamps[{t}, 2, _lk_s - _lk_s0] = cycles()"]
            continue
        if member and phases is not None and stripped.startswith("# ") and ": " in stripped:
            out.append(f"{indent}_lk_stamps[{t}, {3 + len(phases)}, _lk_s - _lk_s0] = cycles()")
            phases.append(stripped[2:])
        if member and line == "    for _lk_s in range(_lk_s0, _lk_s1):":
            out += [line, f"        _lk_stamps[{t}, 0, _lk_s - _lk_s0] = cycles()"]
            continue
        if member and line in ("    if _lk_t == 0:", "    _lk_status[0] = 0"):
            out.append(f"    _lk_stamps[{t}, 0, _lk_s1 - _lk_s0] = cycles()")
        out.append(line)
    text = "\n".join(out)
    if text.count("_lk_stamps[") < (4 if team else 2):
        raise RuntimeError("the generated kernel's text changed: update _stamped()")
    return STAMPS + text


def _compiled(text: str, name: str, parallel: bool, where: Path):
    import numba

    path = where / f"{name}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return numba.njit(parallel=parallel, error_model="numpy")(module._lk_run)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=("CUBA", "COBAHH"), default="CUBA")
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--steps", type=int, default=2000, help="steps a round")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--phases", action="store_true",
                        help="also time each operation of a step (its mean over the steps "
                             "below the 90th percentile, those without a preemption)")
    parser.add_argument("--pin", action="store_true", help=PIN_HELP)
    args_ = parser.parse_args(argv)
    os.environ.setdefault("LABKIT_FAST_START", "0")
    import numba

    import labkit.devices.threads as device
    from labkit.codegen.support_team import CLOSED, JOIN

    print(f"load average {os.getloadavg()[0]:.1f} at start")
    kernel, args, at = _capture(args_.model, args_.n)
    if args_.pin:
        pin_threads()
    names = {"serial": [], "team": []} if args_.phases else {"serial": None, "team": None}
    with tempfile.TemporaryDirectory() as tmp:
        serial = _compiled(_stamped(kernel.serial.source.text, False, names["serial"]),
                           "stamped_serial", False, Path(tmp))
        team = _compiled(_stamped(kernel.team_kernel().source.text, True, names["team"]),
                         "stamped_team", True, Path(tmp))
        slots = 3 + max(len(n or ()) for n in names.values())
        clock = numba.njit(lambda: cycles())
        clock()
        c0, t0 = clock(), time.perf_counter()
        time.sleep(0.2)
        ghz = (clock() - c0) / (time.perf_counter() - t0) / 1e9
        counts = [k for name, k in at.items() if name.endswith("__n")]
        stamps = {"serial": [], "team, 1 thread": [], "team, 2 threads": []}
        cuts = {}  # round -> the two threads' cuts after it
        for r in range(args_.rounds + 1):  # the first round compiles
            for what in stamps:
                s0 = int(args[at["_lk_clock_ts"]][0])
                for k in counts:
                    args[k][0] = 0
                call = tuple([s0, 0, s0 + args_.steps] + args[3:])
                threads = 2 if what.endswith("2 threads") else 1
                st = np.zeros((threads, slots, args_.steps + 1), dtype=np.int64)
                if what == "serial":
                    serial(*call, st)
                else:
                    kernel.threads = threads
                    numba.set_num_threads(threads)
                    extra = kernel._team_args(call)
                    started = time.perf_counter()
                    team(*call, *extra, st)
                    seconds = time.perf_counter() - started
                    if extra[0][JOIN] >= CLOSED:
                        continue  # the team did not form: nothing ran
                    if threads > 1 and device.REBALANCE:  # the cuts follow the work
                        kernel._rebalance(extra, seconds)
                        cuts[r] = [int(c) for c in extra[3]]
                if args[at["_lk_status"]][0] != 0:
                    raise RuntimeError(f"{what} stopped: status {args[at['_lk_status']]}")
                if r:
                    stamps[what].append(st)
    us = 1e-3 / ghz
    pct = (5, 10, 25, 50)

    def show(values):
        return " ".join(f"{v:6.2f}" for v in np.percentile(np.concatenate(values) * us, pct))

    print(f"{args_.model}, {args_.n} neurons: rounds of {args_.steps} steps, "
          f"{args_.rounds} each; us a step at the {'/'.join(map(str, pct))}th percentile")
    for what, runs in stamps.items():
        print(f"  {what:16s} {show([np.diff(st[0, 0]) for st in runs])}  ({len(runs)} rounds)")
    if cuts:
        print("    cuts after rounds 1, 2, 3 and the last: "
              + ", ".join(str(cuts[r]) for r in sorted(cuts)[:3] + sorted(cuts)[-1:]))
    runs = stamps["team, 2 threads"]
    for t in range(2 if runs else 0):
        before = show([st[t, 1, :-1] - st[t, 0, :-1] for st in runs])
        wait = show([st[t, 2, :-1] - st[t, 1, :-1] for st in runs])
        after = show([st[t, 0, 1:] - st[t, 2, :-1] for st in runs])
        print(f"    thread {t}: before the barrier {before} | wait {wait} | after {after}")
    for what, runs in stamps.items() if args_.phases else ():
        phases = names["serial" if what == "serial" else "team"]
        for t in range(runs[0].shape[0] if runs else 0):
            st = np.concatenate(runs, axis=2)[t]
            step = np.diff(st[0]) * us
            calm = step < np.percentile(step, 90)
            # each phase: from its stamp to the next one (the barrier's, the step's end)
            marks = [(3 + k, name) for k, name in enumerate(phases)]
            if what != "serial":
                marks += [(1, "barrier (waiting)"), (2, "after the barrier")]
            marks.sort(key=lambda m: np.median(st[m[0], :-1] - st[0, :-1]))
            ends = [st[k, :-1] for k, _ in marks[1:]] + [st[0, 1:]]
            parts = [f"{name.split(': ')[-1]} {np.mean(((end - st[k, :-1]) * us)[calm]):.2f}"
                     for (k, name), end in zip(marks, ends, strict=True)]
            print(f"  {what}, thread {t}, us a step (mean below the 90th percentile: "
                  f"{np.mean(step[calm]):.2f}): " + ", ".join(parts))
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
