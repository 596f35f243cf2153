"""Brian2's example scripts, run with only the import changed -> ran / error / timeout each.

Why: Brian2's own examples (``examples/`` of brian-team/brian2, about 80 scripts) are the
measure of labkit's subset: a user takes one, changes ``from brian2 import *`` to
``from labkit import *`` and expects it to run. This tool does exactly that for every
example (the compartmental ones too, since ``SpatialNeuron`` joined the subset) and
reports, per script, whether it ran to the end, the exception it stopped with (type,
message, the last frame) or that it ran out of time. It copies nothing into the project:
the examples are read from a checkout given on the command line, and each converted
script runs in a scratch directory, in its own process, with matplotlib's Agg backend and
``show()`` doing nothing (plotting is part of the script; a window is not).

Usage (from the repository root; ``--markdown results.json`` prints a table instead)::

    python tools/brian2_examples.py --examples ~/brian2/examples [--timeout 120]
        [--json results.json] [--compare older.json] [--target brian2] [--wall 2000]
        [--same [--captures DIR]] [NAME ...]

``--same`` runs each example under labkit and under Brian2 and compares what its
monitors hold at the script's end (every SpikeMonitor, EventMonitor, StateMonitor and
PopulationRateMonitor it made, kept alive by a hook put before the script, numpy's global
seed set; a script that keeps no monitor: its NeuronGroups' final values; a script whose
``multiprocessing`` Pool.map or joblib ``Parallel`` returns the results from worker
processes: those results, as plain floats):
"same result" (spike counts per neuron equal and times within one ``dt``; traces within
1% of their range but for at most 1% of the samples, where a spike may fall one ``dt``
apart); "same result in distribution" for a script that draws random numbers, whose
streams differ from Brian2's (total spikes within 5 Poisson standard errors or 5%,
traces' means within 5 standard errors of their independent samples or a tenth of their
spread; failing that, two more runs a side with other seeds, the totals of the three
within 5 standard errors or 5%); "differs: ..."; "not comparable: ..." (one side
did not run; no monitor or group). A deterministic model that differs runs a third time,
on Brian2's numpy target: labkit the same as that, or Brian2's two targets parting too,
is rounding that the model amplifies (chaotic dynamics). ``--captures DIR`` keeps the
captures.
``NAME``s select the examples whose path contains one of them. ``--target brian2`` runs the
scripts unchanged on Brian2 (the reference: which examples Brian2 itself runs here).
``--compare`` prints the examples whose status changed since an earlier ``--json`` file.
A status is ``ran``, ``error``, ``missing-package`` (a package labkit does not provide and
the venv lacks: scipy, sbi, cv2, ...) or ``timeout``. The time limit is CPU time of the
script's process (``--timeout`` seconds; the wall clock gets four times as long), so a busy
machine does not turn a slow example into a timeout; a timeout says which limit it hit
(``limit``: ``cpu``, or ``wall`` when the machine was too busy: rerun that one alone).
The CPU time counts every process the script started, also one still running when the
script ended (labkit's fast start compiles a kernel in a subprocess: the tool adopts it
and waits for it, where Linux lets it), so a cold kernel cache shows in the figure.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

#: Run before each script: no window, no blocking show().
PRELUDE = ('import matplotlib\nmatplotlib.use("Agg")\nimport matplotlib.pyplot as _lk_plt\n'
           '_lk_plt.show = lambda *a, **k: None\n')
#: Files of the examples folder that are helpers of other scripts, not examples.
HELPERS = {"params.py", "plot_utils.py"}

_IMPORTS = [
    (re.compile(r"^(\s*)from brian2 import \*", re.M), r"\1from labkit import *"),
    (re.compile(r"^(\s*)from brian2\.", re.M), r"\1from labkit."),
    (re.compile(r"^(\s*)import brian2 as ", re.M), r"\1import labkit as "),
    (re.compile(r"^(\s*)import brian2\s*$", re.M), r"\1import labkit as brian2"),
    (re.compile(r"^(\s*)from brian2 import", re.M), r"\1from labkit import"),
]


def convert(source: str) -> str:
    """A Brian2 script -> the same script importing labkit (the only change a user makes)."""
    for pattern, replacement in _IMPORTS:
        source = pattern.sub(replacement, source)
    return source


def examples(root: Path) -> list[Path]:
    """The example scripts under ``root``, sorted."""
    return sorted(p for p in root.rglob("*.py") if p.name not in HELPERS)


def classify(stderr: str) -> dict:
    """A failed script's stderr -> status, exception type, message and last frame."""
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    match = re.match(r"^([\w.]+)(?::\s*(.*))?$", last)
    kind, message = (match.group(1), match.group(2) or "") if match else ("?", last)
    where = ""
    for line in lines:
        frame = re.match(r'\s*File "([^"]+)", line (\d+), in (\S+)', line)
        if frame:
            where = f"{os.path.basename(frame.group(1))}:{frame.group(2)} {frame.group(3)}"
    missing = (kind in ("ModuleNotFoundError", "ImportError")
               and "labkit" not in message and "brian2" not in message)
    if "ran out of its CPU time limit" in message:
        # a program the script started (cpp_standalone's) inherited the CPU limit and got
        # SIGXCPU: the limit, as for the script's own process (Stimberg_et_al_2018's
        # example 6 was counted as an error)
        return {"status": "timeout", "limit": "cpu", "type": kind, "where": where}
    return {"status": "missing-package" if missing else "error", "type": kind,
            "message": message[:300], "where": where}


def adopt_orphans() -> bool:
    """Make this process the parent of its descendants' orphans (Linux's child
    subreaper), so that :func:`run_one` can wait for them and count their CPU time."""
    try:
        import ctypes

        return ctypes.CDLL(None).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):  # not Linux
        return False


def _reap() -> None:
    """Wait for the script's processes still running (adopted orphans), if any."""
    while True:
        try:
            os.wait()
        except ChildProcessError:
            return


def run_one(script: Path, root: Path, scratch: Path, target: str, timeout: float,
            wall: float | None = None, prelude: str = PRELUDE, env: dict | None = None
            ) -> dict:
    """Run one example (converted unless ``target`` is brian2) in ``scratch``; its result."""
    relative = script.relative_to(root)
    work = scratch / relative.parent
    work.mkdir(parents=True, exist_ok=True)
    for helper in script.parent.iterdir():  # data files and helper modules beside it
        if helper.is_file() and helper != script:
            data = helper.read_bytes()
            if helper.suffix == ".py" and target == "labkit":
                data = convert(data.decode()).encode()
            (work / helper.name).write_bytes(data)
    source = script.read_text()
    (work / script.name).write_text(prelude + (convert(source) if target == "labkit"
                                               else source))
    started = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage.ru_utime + usage.ru_stime

    def limit_cpu():  # in the child: SIGXCPU after ``timeout`` CPU seconds
        resource.setrlimit(resource.RLIMIT_CPU, (int(timeout), int(timeout) + 5))

    try:
        done = subprocess.run([sys.executable, script.name], cwd=work, capture_output=True,
                              text=True, timeout=wall or 4 * timeout, preexec_fn=limit_cpu,
                              env={**os.environ, "MPLBACKEND": "Agg", **(env or {})})
        if done.returncode == 0:
            result = {"status": "ran"}
        elif done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            result = {"status": "timeout", "limit": "cpu"}  # SIGKILL: checked below
        else:
            result = classify(done.stderr)
    except subprocess.TimeoutExpired:  # the wall clock: the machine was busy, rerun it
        result = {"status": "timeout", "limit": "wall"}
    _reap()
    result["seconds"] = round(time.perf_counter() - started, 1)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # user and system, as RLIMIT_CPU
    result["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime - before, 1)
    if result.get("limit") == "cpu" and result["cpu_seconds"] < 0.9 * timeout:
        # SIGKILL well under the CPU limit: not the limit's hard kill but another's, such
        # as the kernel's OOM killer (Maass_Natschlaeger_Markram_2002 at 23 GB once)
        result = {**result, "status": "error", "type": "killed (SIGKILL: out of memory?)",
                  "where": ""}
        del result["limit"]
    return result



# --- "same result": the script's monitors under labkit and under Brian2, compared -------

#: Run before the script in ``--same`` mode (after PRELUDE): numpy's global seed (Brian2's
#: runtime draws from it, so its run is repeatable; labkit's generator is its own), and
#: every monitor the script creates kept alive, so that at the script's end (atexit, also
#: after ``sys.exit``) each one's results are written to ``LABKIT_SAME_CAPTURE`` as plain
#: numpy arrays. Monitors made inside a function are kept too; the script is unchanged.
CAPTURE = r'''
def _lk_capture(module_name, path):
    import atexit, importlib, os, pickle
    import numpy as np
    np.random.seed(int(os.environ.get("LABKIT_SAME_SEED", "20261205")))
    simulator = importlib.import_module(module_name.split("-")[0])
    if module_name == "brian2-numpy":  # Brian2's other runtime target: its own rounding
        simulator.prefs.codegen.target = "numpy"
    kinds = {k: getattr(simulator, k) for k in ("StateMonitor", "PopulationRateMonitor",
                                                "SpikeMonitor", "EventMonitor", "NeuronGroup")}
    kept, pid = [], os.getpid()
    SKIP = {"i", "N", "t", "dt", "t_in_timesteps", "lastspike", "not_refractory", "timestep"}

    def raw(m, name):
        try:
            return np.asarray(getattr(m, name + "_"))
        except Exception:
            return np.asarray(getattr(m, name))

    def thin(values, most=4000):  # the same columns on both sides (same steps)
        step = max(1, -(-values.shape[-1] // most))
        return values[..., ::step]

    def summary(m):
        kind = next(k for k, cls in kinds.items() if isinstance(m, cls))
        entry = {"kind": kind, "name": str(getattr(m, "name", "?"))}
        try:
            entry["N"] = len(m.source)
        except Exception:
            entry["N"] = None
        try:
            entry["dt"] = float(m.clock.dt_)
        except Exception:
            entry["dt"] = None
        if kind == "NeuronGroup":  # its variables' final values (SpatialNeuron's too)
            entry["states"] = {}
            for var, values in m.get_states(units=False).items():
                values = np.asarray(values)
                if var in SKIP or values.dtype.kind not in "biuf" or values.ndim != 1:
                    continue
                values = values.astype(float)
                entry["states"][var] = {"values": values[:20000], "n": len(values),
                                        "mean": float(values.mean()) if len(values) else 0.0,
                                        "std": float(values.std()) if len(values) else 0.0}
        elif kind == "StateMonitor":
            entry["n_t"] = len(raw(m, "t"))
            entry["t"] = thin(raw(m, "t"))
            entry["traces"] = {}
            for var in m.record_variables:
                values = np.asarray(raw(m, var), dtype=float)
                values = values.reshape(-1, values.shape[-1]) if values.size else values
                entry["traces"][var] = {
                    "shape": values.shape, "thin": thin(values[:200]),
                    "final": values[:, -1].copy() if values.size else values,
                    "mean": float(values.mean()) if values.size else 0.0,
                    "std": float(values.std()) if values.size else 0.0}
        elif kind == "PopulationRateMonitor":
            entry["rate"] = raw(m, "rate").astype(float)
        else:
            entry["event"] = str(getattr(m, "event", "spike"))
            entry["count"] = np.asarray(m.count[:])
            try:
                entry["i"], entry["t"] = np.asarray(m.i[:]), raw(m, "t").astype(float)
            except Exception:  # record=False: counts only
                pass
        return entry

    def leaves(value, key, out):  # a worker's result -> key -> flat floats (SI values)
        if isinstance(value, (list, tuple)):
            for k, item in enumerate(value):
                leaves(item, f"{key}.{k}", out)
        else:
            try:
                out[key] = np.asarray(value, dtype=float).ravel()
            except (TypeError, ValueError):
                pass
        return out

    def returned(results):  # what the workers of a Pool.map (joblib) gave the script
        # Summaries, not copies: Maass_Natschlaeger_Markram_2002's 8 maps return 8.6 GB of
        # liquid states; kept whole (and pooled once more) they took the script's process
        # to 23 GB and the kernel's OOM killer. Each value keeps its first 20000 values (as
        # a group's final values do), mean, std and count over all; the pooled values a
        # sample of at most 200000 with the extremes (the range is the comparison's scale).
        if isinstance(results, list):
            values = leaves(results, "", {})
            n = sum(len(v) for v in values.values())
            total = sum(float(v.sum()) for v in values.values())
            mean = total / n if n else 0.0
            var = sum(float(((v - mean) ** 2).sum()) for v in values.values()) / n if n \
                else 0.0
            step = max(1, -(-n // 200000))
            sample = [v[::step] for v in values.values() if len(v)]
            sample += [np.array([v.min(), v.max()]) for v in values.values() if len(v)]
            kept.append({"kind": "WorkerResults", "name": f"map #{len(kept)}",
                         "states": {k[1:]: {"values": v[:20000].copy(), "n": len(v),
                                            "mean": float(v.mean()) if len(v) else 0.0,
                                            "std": float(v.std()) if len(v) else 0.0}
                                    for k, v in values.items()},
                         "pooled": {"values": np.concatenate(sample) if sample else
                                    np.zeros(0), "n": n, "mean": mean,
                                    "std": float(np.sqrt(var))}})
        return results

    import multiprocessing.pool
    pool_map = multiprocessing.pool.Pool.map
    multiprocessing.pool.Pool.map = lambda self, *a, **k: returned(pool_map(self, *a, **k))
    import sys
    if "joblib" in open(sys.argv[0]).read():  # multiprocessing/03: joblib's Parallel
        import joblib
        call = joblib.Parallel.__call__
        joblib.Parallel.__call__ = lambda self, *a, **k: returned(call(self, *a, **k))

    def dump():
        if os.getpid() != pid:  # a forked worker's exit
            return
        out = []
        for m in kept:
            if isinstance(m, dict):  # WorkerResults
                out.append(m)
                continue
            try:
                out.append(summary(m))
            except Exception as error:
                out.append({"kind": type(m).__name__, "error": repr(error)[:200]})
        with open(path, "wb") as f:
            pickle.dump(out, f)

    def keep(cls):
        original = cls.__init__

        def __init__(self, *args, **kwargs):
            original(self, *args, **kwargs)
            if not kept:  # after the simulator's own exit hooks: runs before them
                atexit.register(dump)
            if all(o is not self for o in kept):
                kept.append(self)
        cls.__init__ = __init__
    for cls in kinds.values():
        keep(cls)
    atexit.register(dump)  # a script without monitors says so


_lk_capture(@MODULE@, __import__("os").environ["LABKIT_SAME_CAPTURE"])
'''


def capture_prelude(target: str) -> str:
    """The lines put before a script to capture its monitors under ``target``: CAPTURE run
    in a namespace of its own, since the script's star import rebinds builtins (numpy's
    ``all`` takes a generator for true)."""
    return PRELUDE + f"exec({CAPTURE.replace('@MODULE@', repr(target))!r}, {{}})\n"

#: Names in a script (or a helper beside it) that draw random numbers: its result can only
#: agree with Brian2's in distribution (labkit's generator is not Brian2's).
RANDOM = re.compile(r"\brandn?\(|\bxi\b|\bxi_|Poisson|random|binomial|\bp\s*=|shuffle|"
                    r"choice\(|normal\(|uniform\(|randint|permutation|noise")


def is_random(script: Path) -> bool:
    """Whether the script (or a .py beside it) may draw random numbers."""
    sources = [script] + [p for p in script.parent.glob("*.py") if p.name in HELPERS]
    return any(RANDOM.search(p.read_text()) for p in sources)


def _spike_trains(entry):
    order = np.lexsort((entry["t"], entry["i"]))
    return entry["i"][order], entry["t"][order]


def _time(t: float) -> str:
    return f"{t:.4g} s" if t >= 1 else f"{t * 1e3:.4g} ms"


def _first_divergence(a, b, tol):
    """The earliest time at which two monitors' spike trains part (per neuron: a spike
    missing, or more than ``tol`` apart)."""
    ia, ta = _spike_trains(a)
    ib, tb = _spike_trains(b)
    n = max(len(a["count"]), len(b["count"]))
    ba, bb = np.searchsorted(ia, np.arange(n + 1)), np.searchsorted(ib, np.arange(n + 1))
    first = np.inf
    for k in range(n):
        x, y = ta[ba[k]:ba[k + 1]], tb[bb[k]:bb[k + 1]]
        m = min(len(x), len(y))
        bad = np.nonzero(np.abs(x[:m] - y[:m]) > tol)[0]
        if len(bad):
            first = min(first, x[bad[0]], y[bad[0]])
        elif len(x) != len(y):
            first = min(first, (x if len(x) > m else y)[m])
    return first


def _counts_agree(na: float, nb: float) -> tuple[bool, str]:
    """Two spike counts of a random model: within 5 standard errors (Poisson) or 5%."""
    se = np.sqrt(max(na + nb, 1.0))
    ok = abs(na - nb) <= 5 * se or abs(na - nb) <= 0.05 * max(na, nb)
    return ok, f"{na:.0f} vs {nb:.0f} spikes ({abs(na - nb) / se:.1f} SE)"


def compare_spikes(a: dict, b: dict, random: bool) -> str | None:
    """None when the same; else what differs."""
    what = f"{a['kind']} {b['name']}"
    if len(a["count"]) != len(b["count"]):
        return f"{what}: {len(a['count'])} vs {len(b['count'])} neurons"
    na, nb = int(a["count"].sum()), int(b["count"].sum())
    tol = 1.001 * (b["dt"] or 0.0) + 1e-12
    if "t" in a and "t" in b:
        if np.array_equal(a["count"], b["count"]):
            _, ta = _spike_trains(a)
            _, tb = _spike_trains(b)
            if not len(ta) or np.abs(ta - tb).max() <= tol:
                return None
        elif not random:
            first = _first_divergence(a, b, tol)
            return f"{what}: {na} vs {nb} spikes, parting at t = {_time(first)}"
    elif np.array_equal(a["count"], b["count"]):
        return None
    if not random:
        first = _first_divergence(a, b, tol) if "t" in a and "t" in b else np.nan
        return (f"{what}: {na} spikes each, times more than dt apart from "
                f"t = {_time(first)}" if na == nb else f"{what}: {na} vs {nb} spikes")
    ok, text = _counts_agree(na, nb)
    return None if ok else f"{what}: {text}"


def compare_rates(a: dict, b: dict, random: bool) -> str | None:
    what = f"PopulationRateMonitor {b['name']}"
    ra, rb = a["rate"], b["rate"]
    if len(ra) != len(rb):
        return f"{what}: {len(ra)} vs {len(rb)} steps"
    scale = (b["N"] or 1) * (b["dt"] or 1.0)  # rate -> spikes per step
    ca, cb = np.cumsum(ra * scale), np.cumsum(rb * scale)
    total = max(ca[-1], cb[-1]) if len(ca) else 0.0
    if not len(ca) or np.abs(ca - cb).max() <= 0.01 * total + 1:
        return None
    if random:
        ok, text = _counts_agree(ca[-1], cb[-1])
        return None if ok else f"{what}: {text}"
    return f"{what}: {ca[-1]:.0f} vs {cb[-1]:.0f} spikes"


def compare_traces(a: dict, b: dict, random: bool) -> str | None:
    what = f"StateMonitor {b['name']}"
    if a["n_t"] != b["n_t"]:
        return f"{what}: {a['n_t']} vs {b['n_t']} recorded steps"
    for var, y in b["traces"].items():
        x = a["traces"].get(var)
        if x is None or tuple(x["shape"]) != tuple(y["shape"]) and not (
                random and x["thin"].size and y["thin"].size):  # random synapses: other N
            return f"{what}.{var}: shape {x and x['shape']} vs {y['shape']}"
        if not y["thin"].size:
            continue
        scale = float(np.ptp(y["thin"])) or float(np.abs(y["thin"]).max()) or 1.0
        if tuple(x["shape"]) != tuple(y["shape"]):
            if _moments_agree(x, y, _effective_samples(x["thin"]),
                              _effective_samples(y["thin"]), scale):
                continue
            return (f"{what}.{var}: mean {x['mean']:.4g} vs {y['mean']:.4g}, "
                    f"std {x['std']:.4g} vs {y['std']:.4g} ({x['shape'][0]} vs "
                    f"{y['shape'][0]} recorded)")
        off = np.abs(x["thin"] - y["thin"]) > 0.01 * scale  # the spikes' steps may part
        if not random and off.mean() <= 0.01:
            continue
        if random:
            if _moments_agree(x, y, _effective_samples(x["thin"]),
                              _effective_samples(y["thin"]), scale):
                continue
            return (f"{what}.{var}: mean {x['mean']:.4g} vs {y['mean']:.4g}, "
                    f"std {x['std']:.4g} vs {y['std']:.4g}")
        first = b["t"][np.nonzero(off.any(axis=0))[0][0]]
        # how long they agreed to rounding: a late parting after a close start is
        # rounding that the dynamics amplified, an early one a different model
        close = np.nonzero((np.abs(x["thin"] - y["thin"]) > 1e-6 * scale).any(axis=0))[0]
        return (f"{what}.{var}: {100 * off.mean():.1f}% of samples more than 1% of the "
                f"range apart, from t = {_time(first)} (within 1e-6 of the range "
                f"until {_time(b['t'][close[0]])})")
    return None


def _moments_agree(x: dict, y: dict, na: float, nb: float, scale: float) -> bool:
    """Means within 5 standard errors (``na``, ``nb`` effective samples) or a tenth of the
    spread, standard deviations within a third or 5 of their standard errors."""
    spread = max(x["std"], y["std"], 1e-3 * scale)
    se = np.sqrt(x["std"] ** 2 / max(na, 1) + y["std"] ** 2 / max(nb, 1))
    if abs(x["mean"] - y["mean"]) > max(5 * se, 0.1 * spread):
        return False
    low, high = sorted((x["std"], y["std"]))
    return high - low <= max(high / 3, 5 * high / np.sqrt(2 * max(min(na, nb), 1)),
                             1e-9 * scale)


def _effective_samples(thin: np.ndarray) -> float:
    """Samples of recorded traces, counted as independent ones (an AR(1) estimate per
    trace: an Ornstein-Uhlenbeck trace sampled densely holds few independent values)."""
    if thin.ndim != 2 or thin.shape[1] < 3:
        return float(thin.size)
    centred = thin - thin.mean(axis=1, keepdims=True)
    var = (centred ** 2).sum(axis=1)
    rho = np.where(var > 0, (centred[:, 1:] * centred[:, :-1]).sum(axis=1)
                   / np.where(var > 0, var, 1), 0.0)
    rho = np.clip(rho, 0.0, 0.999)
    return float((thin.shape[1] * (1 - rho) / (1 + rho)).sum())


def compare_returned(a: dict, b: dict, random: bool) -> str | None:
    """What a Pool's workers returned: each value as a group's final values; of a random
    model, all of them pooled (a rate per worker is one number: alone it has no spread)."""
    if not random:
        return compare_states(a, b, False)
    x, y = a["pooled"], b["pooled"]
    scale = float(np.ptp(y["values"])) if y["n"] else 1.0
    if x["n"] == y["n"] and _moments_agree(x, y, x["n"], y["n"], scale or 1.0):
        return None
    return (f"results of worker processes: {x['n']} vs {y['n']} values, mean "
            f"{x['mean']:.4g} vs {y['mean']:.4g}, std {x['std']:.4g} vs {y['std']:.4g}")


def compare_states(a: dict, b: dict, random: bool) -> str | None:
    """Two groups' final values: those of the variables both name."""
    what, problems = f"{b['kind']} {b['name']}", []
    for var, y in b["states"].items():
        x = a["states"].get(var)
        if x is None:
            continue
        if x["n"] != y["n"]:
            problems.append(f"{what}.{var}: {x['n']} vs {y['n']} values")
            continue
        if not y["n"]:
            continue
        scale = float(np.ptp(y["values"])) or float(np.abs(y["values"]).max()) or 1.0
        off = np.abs(x["values"] - y["values"]) > 0.01 * scale
        if off.mean() <= 0.01:
            continue
        if random and _moments_agree(x, y, x["n"], y["n"], scale):
            continue
        problems.append(f"{what}.{var}: mean {x['mean']:.4g} vs {y['mean']:.4g}, "
                        f"std {x['std']:.4g} vs {y['std']:.4g}" if random else
                        f"{what}.{var}: {100 * off.mean():.1f}% of the final values more "
                        "than 1% of the range apart")
    return "; ".join(problems) or None  # each variable: rounding() needs to know which


def compare_captures(lab: list, ref: list, random: bool) -> str:
    """Two scripts' captured monitors -> 'same result', 'differs: ...' or
    'not comparable: ...'."""
    if all(any(e["kind"] == "WorkerResults" for e in side) for side in (lab, ref)):
        # the script's results come from its worker processes; the monitors of its own
        # process never ran there (Brian2's standalone cannot even read them)
        lab, ref = ([e for e in side if e["kind"] == "WorkerResults"] for side in (lab, ref))
    broken = [e for e in lab + ref if "error" in e]
    if broken:
        return f"not comparable: a monitor could not be read ({broken[0]['error'][:80]})"
    monitors = [e for e in lab + ref if e["kind"] != "NeuronGroup"]
    if monitors:  # the groups' final values only where the script keeps no monitor
        lab, ref = ([e for e in side if e["kind"] != "NeuronGroup"] for side in (lab, ref))
    if not ref and not lab:
        return "not comparable: no monitor or group (results printed or plotted only)"
    exact = _problems(lab, ref, random=False)
    if not exact:
        return f"same result ({_monitors(ref)})"
    if not random:
        return "differs: " + exact
    loose = _problems(lab, ref, random=True)
    if not loose:
        return f"same result in distribution ({_monitors(ref)}; random model)"
    return "differs: " + loose + " (random model)"


def _monitors(entries: list) -> str:
    counts = {}
    for entry in entries:
        kind = {"NeuronGroup": "final values of NeuronGroup",
                "WorkerResults": "results of worker processes"}.get(entry["kind"],
                                                                     entry["kind"])
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))


def _problems(lab: list, ref: list, random: bool) -> str:
    """What differs between two captures ('' if nothing), at most two items."""
    problems = problem_list(lab, ref, random)
    more = f" (+{len(problems) - 2} more)" if len(problems) > 2 else ""
    return "; ".join(problems[:2]) + more


def problem_list(lab: list, ref: list, random: bool) -> list[str]:
    """What differs between two captures, each item 'what: how'."""
    problems = []
    for kind in sorted({e["kind"] for e in lab + ref}):
        xs, ys = ([e for e in side if e["kind"] == kind] for side in (lab, ref))
        if len(xs) != len(ys):
            problems.append(f"{len(xs)} vs {len(ys)} {kind}s")
            continue
        for x, y in zip(xs, ys, strict=True):
            check = {"StateMonitor": compare_traces, "NeuronGroup": compare_states,
                     "WorkerResults": compare_returned,
                     "PopulationRateMonitor": compare_rates}.get(kind, compare_spikes)
            problem = check(x, y, random)
            if problem:
                problems.extend(problem.split("; "))
    return problems


def run_same(script: Path, root: Path, scratch: Path, timeout: float,
             wall: float | None = None, keep: Path | None = None) -> dict:
    """Run one example under labkit and under Brian2, capturing and comparing results
    (the captures go to ``keep``, if given, as labkit.pkl and brian2.pkl)."""
    captures, runs = {}, {}
    (keep or scratch).mkdir(parents=True, exist_ok=True)
    for target in ("labkit", "brian2"):
        path = (keep or scratch) / f"{target}.pkl"
        path.unlink(missing_ok=True)
        runs[target] = run_one(script, root, scratch / target, target, timeout, wall,
                               prelude=capture_prelude(target),
                               env={"LABKIT_SAME_CAPTURE": str(path)})
        try:  # a process killed while writing leaves a cut file: nothing captured
            captures[target] = pickle.loads(path.read_bytes())
        except (FileNotFoundError, EOFError, pickle.UnpicklingError):
            pass
    result = dict(runs["labkit"])
    result["brian2"] = runs["brian2"]
    failed = [f"{t} {r['status']}" + (f" ({r['type']})" if r.get("type") else "")
              for t, r in runs.items() if r["status"] != "ran"]
    if failed:
        result["same"] = "not comparable: " + ", ".join(failed)
    elif len(captures) < 2:
        result["same"] = "not comparable: nothing captured at the script's end"
    else:
        random = is_random(script)
        result["same"] = compare_captures(captures["labkit"], captures["brian2"], random)
        if result["same"].startswith("differs") and not random:
            path = (keep or scratch) / "brian2-numpy.pkl"
            run = run_one(script, root, scratch / "numpy", "brian2-numpy", timeout, wall,
                          prelude=capture_prelude("brian2-numpy"),
                          env={"LABKIT_SAME_CAPTURE": str(path)})
            if run["status"] == "ran" and path.exists():
                result["same"] = rounding(result["same"], captures["labkit"],
                                          captures["brian2"], pickle.loads(path.read_bytes()))
        elif result["same"].startswith("differs") and random:
            result["same"] = over_seeds(result["same"], captures, script, root, scratch,
                                        timeout, wall, keep)
    return result


def totals(capture: list) -> dict:
    """A run's scalar results: each spike monitor's spike count, each rate monitor's
    mean, each recorded variable's mean; without monitors, each group variable's mean (as
    compare_captures compares: Kremer_et_al_2011 keeps no monitor, and its three seeds
    "agreed" on nothing)."""
    out = {}
    for k, entry in enumerate(_monitored(capture)):
        key = f"{entry['kind']} {entry['name']} #{k}"
        if entry["kind"] == "NeuronGroup":
            out.update({f"{key}.{v}": s["mean"] for v, s in entry["states"].items()})
        elif "count" in entry:
            out[key] = float(entry["count"].sum())
        elif "pooled" in entry:
            out[key] = entry["pooled"]["mean"]
        elif "rate" in entry:
            out[key] = float(entry["rate"].mean()) if len(entry["rate"]) else 0.0
        else:
            out.update({f"{key}.{v}": t["mean"] for v, t in entry["traces"].items()})
    return out


def agree_over_seeds(runs: dict) -> str:
    """Three runs a side: each total's means within 5 standard errors (of the larger
    side's spread) or 5% -> '', else the first that is not."""
    for key in runs["brian2"][0]:
        if _gap_over_bound(runs, key) > 1:
            a, b = _over(runs, key)
            return (f"{key}: {a.mean():.4g} +- {a.std(ddof=1):.2g} vs {b.mean():.4g} +- "
                    f"{b.std(ddof=1):.2g} over {len(a)} and {len(b)} seeds")
    return ""


def _over(runs: dict, key: str):
    return (np.array([r.get(key, np.nan) for r in runs[t]]) for t in ("labkit", "brian2"))


def _gap_over_bound(runs: dict, key: str) -> float:
    """A total's gap between the sides over what agree_over_seeds allows (<= 1: agrees)."""
    a, b = _over(runs, key)
    # a script that seeds numpy itself gives Brian2 one network every run (no spread):
    # the larger side's spread stands for both
    var = max(a.var(ddof=1), b.var(ddof=1))
    se = np.sqrt(var / len(a) + var / len(b))
    bound = max(5 * se, 0.05 * max(abs(a.mean()), abs(b.mean())))
    gap = abs(a.mean() - b.mean())
    return gap / bound if bound > 0 else (0.0 if gap == 0 else np.inf)


def over_seeds(verdict: str, captures: dict, script: Path, root: Path, scratch: Path,
               timeout: float, wall: float | None, keep: Path | None) -> str:
    """A random model that differs in one run: two more runs a side (other seeds), and
    the totals compared over the three (one network of a random model can be far from
    the mean of its kind: CUBA's spike count spreads by ~5% over seeds)."""
    runs = {t: [totals(captures[t])] for t in ("labkit", "brian2")}
    for seed in (1, 2):
        for target in ("labkit", "brian2"):
            path = (keep or scratch) / f"{target}-seed{seed}.pkl"
            run = run_one(script, root, scratch / target, target, timeout, wall,
                          prelude=capture_prelude(target),
                          env={"LABKIT_SAME_CAPTURE": str(path), "LABKIT_SAME_SEED": str(seed)})
            if run["status"] != "ran" or not path.exists():
                return f"{verdict}; a run with seed {seed} on {target}: {run['status']}"
            runs[target].append(totals(pickle.loads(path.read_bytes())))
    problem = agree_over_seeds(runs)
    # the total closest to its bound (the first one said nothing when it was a constant)
    key = max(runs["brian2"][0], key=lambda k: _gap_over_bound(runs, k), default="")
    a, b = _over(runs, key)
    return (f"differs: {problem} (random model)" if problem else
            f"same result in distribution over 3 seeds ({key}: {a.mean():.4g} +- "
            f"{a.std(ddof=1):.2g} vs {b.mean():.4g} +- {b.std(ddof=1):.2g}; random model)")


def rounding(verdict: str, lab: list, ref: list, numpy_ref: list) -> str:
    """A deterministic model's 'differs' against Brian2's second runtime target (numpy:
    other rounding than Cython's libm): labkit the same as that one, or Brian2's two
    targets parting from each other too, is rounding that the model amplifies."""
    with_numpy = compare_captures(lab, numpy_ref, False)
    targets = compare_captures(ref, numpy_ref, False)
    if with_numpy.startswith("same result"):
        return ("same result as Brian2's numpy target, which parts from its Cython target "
                f"({targets[9:]}): rounding the model amplifies")
    if targets.startswith("differs"):
        def parts(a, b):
            return {p.split(":")[0] for p in problem_list(_monitored(a), _monitored(b), False)}
        ours, theirs = parts(lab, ref), parts(ref, numpy_ref)
        # final values only where Brian2's targets differ from each other too (a monitor's
        # "where" does not say when: labkit may part earlier than Brian2's targets do)
        if ours <= theirs and all(p.startswith("NeuronGroup") for p in ours):
            return (f"same result but for {', '.join(sorted(ours))}, where Brian2's two "
                    f"targets differ too ({targets[9:]}): rounding the model amplifies")
        return (f"{verdict}; as Brian2's own two targets part ({targets[9:]}): rounding "
                "the model amplifies")
    return verdict


def _monitored(capture: list) -> list:
    """What compare_captures compares: the monitors, or the groups if there are none."""
    monitors = [e for e in capture if e["kind"] != "NeuronGroup"]
    return monitors or capture


def summary(results: dict) -> str:
    counts = {}
    for result in results.values():
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    return f"{counts.get('ran', 0)} of {len(results)} ran ({parts})"


def same_summary(results: dict) -> str:
    counts = {}
    for result in results.values():
        text = result.get("same", "not measured")
        word = next(w for w in ("same result in distribution", "same result", "differs",
                                "not comparable", "") if text.startswith(w)) or text
        counts[word] = counts.get(word, 0) + 1
    return "compared with Brian2: " + ", ".join(f"{n} {w}" for w, n in sorted(counts.items()))


def markdown(results: dict) -> str:
    """The results as the README's table: example, status, and why when it did not run."""
    same = any("same" in result for result in results.values())
    rows = (["| example | result | same result as Brian2 |", "|---|---|---|"] if same
            else ["| example | result |", "|---|---|"])
    for name, result in sorted(results.items()):
        status = result["status"]
        if status == "ran":
            text = "runs"
        elif status == "timeout":
            text = ("runs out of time (wall clock: a busy machine, rerun)"
                    if result.get("limit") == "wall" else "runs out of time (CPU limit)")
        else:
            message = result.get("message", "").replace("|", "\\|")
            text = f"{status}: `{result.get('type', '')}` {message[:110]}"
        if same:
            text += f" | {result.get('same', 'not measured')}"
        rows.append(f"| `{name}` | {text} |")
    return "\n".join(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=Path,
                        help="the examples/ folder of a brian-team/brian2 checkout")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="CPU seconds per script")
    parser.add_argument("--wall", type=float,
                        help="wall-clock seconds per script (default: 4 x --timeout); "
                             "more to rerun a wall-clock timeout on a busy machine")
    parser.add_argument("--target", choices=("labkit", "brian2"), default="labkit")
    parser.add_argument("--same", action="store_true",
                        help="run each example under labkit and Brian2 and compare what "
                             "its monitors hold at the end")
    parser.add_argument("--captures", type=Path,
                        help="with --same: keep each side's capture here (NAME/labkit.pkl)")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--compare", type=Path, help="an earlier --json file")
    parser.add_argument("--markdown", type=Path,
                        help="print this --json file as a markdown table (runs nothing)")
    parser.add_argument("names", nargs="*", help="run only examples whose path has one")
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown(json.loads(args.markdown.read_text())))
        return 0
    if args.examples is None:
        parser.error("--examples is needed to run the examples")
    root = args.examples.resolve()
    scripts = [p for p in examples(root)
               if not args.names or any(n in str(p.relative_to(root)) for n in args.names)]
    results = {}
    adopt_orphans()
    with tempfile.TemporaryDirectory(prefix="lk-examples-") as scratch:
        for script in scripts:
            name = str(script.relative_to(root).with_suffix(""))
            if args.same:
                result = run_same(script, root, Path(scratch) / name, args.timeout,
                                  args.wall, args.captures and args.captures / name)
            else:
                result = run_one(script, root, Path(scratch), args.target, args.timeout,
                                 args.wall)
            results[name] = result
            print(f"{name:58s} {result['status']:15s} {result['cpu_seconds']:6.1f}  "
                  f"{result.get('limit', '')} "
                  f"{result.get('type', '')} {result.get('message', '')[:100]}"
                  f"{' @ ' + result['where'] if result.get('where') else ''}", flush=True)
            if args.same:
                print(f"    brian2 {result['brian2']['status']} "
                      f"{result['brian2']['cpu_seconds']:.1f} s: {result['same']}", flush=True)
            if args.json:  # after each example: a long survey cut short keeps its results
                args.json.write_text(json.dumps(results, indent=1, sort_keys=True))
    print(summary(results))
    if args.same:
        print(same_summary(results))
    if args.compare:
        before = json.loads(args.compare.read_text())
        for name in sorted(results):
            old = before.get(name, {}).get("status", "-")
            if old != results[name]["status"]:
                print(f"  {name}: {old} -> {results[name]['status']}")
        print(f"before: {summary({n: r for n, r in before.items() if n in results})}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
