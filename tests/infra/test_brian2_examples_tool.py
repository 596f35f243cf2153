"""tools/brian2_examples.py counts the CPU time of every process an example started."""

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "brian2_examples.py"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's child subreaper")
def test_the_cpu_time_counts_a_process_the_script_left_running(tmp_path):
    # labkit's fast start leaves a compile job running when a short script ends. The tool
    # runs in a process of its own: it adopts orphans and waits for all its children.
    examples = tmp_path / "examples"
    examples.mkdir()
    (examples / "orphan.py").write_text(
        "import subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c', 'import time\\n"
        "end = time.process_time() + 1.0\\nwhile time.process_time() < end: pass'])\n")
    results = tmp_path / "results.json"
    subprocess.run([sys.executable, str(TOOL), "--examples", str(examples), "--target",
                    "brian2", "--json", str(results)], check=True, capture_output=True,
                   timeout=120)
    result = json.loads(results.read_text())["orphan"]
    assert result["status"] == "ran" and result["cpu_seconds"] >= 1.0


def test_a_program_over_the_inherited_cpu_limit_is_a_timeout():
    # Stimberg_et_al_2018's example 6: its C++ program got SIGXCPU (labkit's DeviceError
    # says so), which is the tool's limit, not an error of the script
    stderr = ("Traceback (most recent call last):\n  File \"x.py\", line 3, in <module>\n"
              "labkit.errors.DeviceError: the compiled simulation in /tmp/p ran out of its "
              "CPU time limit (SIGXCPU, ulimit -t); no results were loaded\n")
    assert _tool().classify(stderr)["status"] == "timeout"
    assert _tool().classify(stderr.replace("ran out of its CPU time limit (SIGXCPU, ulimit "
                                           "-t)", "crashed (SIGSEGV)"))["status"] == "error"


def _tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location("brian2_examples_tool", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _captured(tool, tmp_path, body: str, **env) -> list:
    """What --same's capture keeps of ``body`` run as a script under labkit."""
    script, capture = tmp_path / "script.py", tmp_path / "capture.pkl"
    script.write_text(tool.capture_prelude("labkit") + body)
    subprocess.run([sys.executable, str(script)], check=True, capture_output=True,
                   timeout=60, cwd=tmp_path,
                   env={**os.environ, "LABKIT_SAME_CAPTURE": str(capture), **env})
    return pickle.loads(capture.read_bytes())


def test_the_capture_keeps_every_monitor_to_the_scripts_end(tmp_path):
    # --same puts this before the script: monitors made in a function are kept, and the
    # star import's numpy ``all`` (true for a generator) must not break the bookkeeping.
    tool = _tool()
    group, spikes, state = sorted(_captured(tool, tmp_path, (
        "from labkit import *\n"
        "def build():\n"
        "    G = NeuronGroup(3, 'dv/dt = (2 - v) / (10*ms) : 1', threshold='v > 1',\n"
        "                    reset='v = 0', method='exact')\n"
        "    G.v = 'i * 0.3'\n"
        "    S, M = SpikeMonitor(G), StateMonitor(G, 'v', record=[0, 2])\n"
        "    run(20 * ms)\n"
        "    return S.count[:]\n"
        "print(build())\n"), LABKIT_FAST_START="1"),  # 20 ms: no Numba compile
        key=lambda e: e["kind"])
    assert group["kind"] == "NeuronGroup" and group["states"]["v"]["n"] == 3
    assert spikes["kind"] == "SpikeMonitor" and spikes["N"] == 3
    assert spikes["count"].sum() == len(spikes["t"]) > 0
    assert state["kind"] == "StateMonitor" and state["n_t"] == 200
    assert state["traces"]["v"]["shape"] == (2, 200)
    assert tool.compare_captures([group, spikes, state], [group, spikes, state], False) == \
        "same result (1 SpikeMonitor, 1 StateMonitor)"  # the group: only without monitors
    assert tool.compare_captures([group], [group], False) == \
        "same result (1 final values of NeuronGroup)"


def test_what_pool_workers_return_is_captured_and_compared(tmp_path):
    # multiprocessing/01-03, standalone_multiple_processes: the results come from Pool
    # workers (Brian2's main process cannot read its unrun standalone monitors)
    tool = _tool()
    (entry,) = _captured(tool, tmp_path, (
        "import multiprocessing\nimport numpy as np\nfrom labkit import ms\n"
        "def work(tau):\n    return np.arange(3) * tau, tau * ms\n"
        "if __name__ == '__main__':\n"
        "    with multiprocessing.Pool(2) as pool:\n"
        "        print(pool.map(work, [1.0, 2.0]))\n"))
    assert entry["kind"] == "WorkerResults" and entry["pooled"]["n"] == 8
    assert entry["states"]["1.0"]["values"].tolist() == [0.0, 2.0, 4.0]
    assert entry["states"]["1.1"]["values"].tolist() == [0.002]  # in SI units
    unread = {"kind": "SpikeMonitor", "error": "never ran in this process"}
    assert tool.compare_captures([entry, unread], [entry], False) == \
        "same result (1 results of worker processes)"
    other = pickle.loads(pickle.dumps(entry))
    other["states"]["1.0"]["values"] = other["states"]["1.0"]["values"] * 2
    assert tool.compare_captures([other], [entry], False).startswith("differs: Worker")
    other["pooled"] = dict(entry["pooled"], mean=entry["pooled"]["mean"] * 10)
    assert tool.compare_captures([other], [entry], True).startswith(
        "differs: results of worker processes: 8 vs 8 values")



def test_large_worker_results_are_kept_as_bounded_summaries(tmp_path):
    # Maass_Natschlaeger_Markram_2002's maps return 8.6 GB: kept whole, the capture took
    # the script to 23 GB and the OOM killer. Now: 20000 values each, a bounded pooled
    # sample with the extremes, exact counts and moments over all values.
    import numpy as np

    tool = _tool()
    (entry,) = _captured(tool, tmp_path, (
        "import multiprocessing\nimport numpy as np\n"
        "def work(k):\n    return np.linspace(k, k + 1, 150000)\n"
        "if __name__ == '__main__':\n"
        "    with multiprocessing.Pool(2) as pool:\n"
        "        pool.map(work, [0.0, 1.0, 2.0])\n"))
    every = np.concatenate([np.linspace(k, k + 1, 150000) for k in range(3)])
    pooled = entry["pooled"]
    assert pooled["n"] == every.size and len(pooled["values"]) <= 200000 + 6
    assert pooled["mean"] == pytest.approx(every.mean())
    assert pooled["std"] == pytest.approx(every.std())
    assert np.ptp(pooled["values"]) == pytest.approx(np.ptp(every))
    first = entry["states"]["0"]
    assert first["n"] == 150000 and len(first["values"]) == 20000
    assert first["mean"] == pytest.approx(0.5)

def _spikes(i, t, n=2, dt=1e-4):
    import numpy as np

    i, t = np.asarray(i), np.asarray(t, dtype=float)
    return {"kind": "SpikeMonitor", "name": "spikemonitor", "N": n, "dt": dt,
            "count": np.bincount(i, minlength=n), "i": i, "t": t}


def test_same_result_differs_and_not_comparable():
    tool = _tool()
    ref = [_spikes([0, 1, 0], [1e-3, 2e-3, 5e-3])]
    one_step_later = [_spikes([0, 1, 0], [1e-3, 2.1e-3, 5e-3])]
    assert tool.compare_captures(one_step_later, ref, False) == \
        "same result (1 SpikeMonitor)"
    missing = [_spikes([0, 1], [1e-3, 2e-3])]
    verdict = tool.compare_captures(missing, ref, False)
    assert verdict.startswith("differs: SpikeMonitor spikemonitor: 2 vs 3 spikes")
    assert "parting at t = 5 ms" in verdict
    # a random model: the counts, within a few standard errors (or 5 %)
    many = [_spikes([0] * 1000, [k * 1e-4 for k in range(1000)], n=1)]
    near = [_spikes([0] * 1040, [k * 1e-4 for k in range(1040)], n=1)]
    far = [_spikes([0] * 1400, [k * 1e-4 for k in range(1400)], n=1)]
    assert tool.compare_captures(near, many, True).startswith("same result in distribution")
    assert tool.compare_captures(far, many, True).startswith("differs: SpikeMonitor")
    assert tool.compare_captures(near, many, False).startswith("differs")
    assert tool.compare_captures([], [], False).startswith("not comparable")
    assert tool.compare_captures(ref, [], False) == "differs: 1 vs 0 SpikeMonitors"


def test_traces_within_one_percent_of_their_range():
    import numpy as np

    tool = _tool()

    def state(v):
        v = np.asarray(v, dtype=float)[None, :]
        return {"kind": "StateMonitor", "name": "statemonitor", "N": 1, "dt": 1e-4,
                "n_t": v.shape[1], "t": np.arange(v.shape[1]) * 1e-4,
                "traces": {"v": {"shape": v.shape, "thin": v, "final": v[:, -1],
                                 "mean": float(v.mean()), "std": float(v.std())}}}

    v = np.sin(np.arange(1000) / 50)
    assert tool.compare_captures([state(v + 1e-4)], [state(v)], False).startswith("same")
    late = v.copy()
    late[500:] += 0.5
    verdict = tool.compare_captures([state(late)], [state(v)], False)
    assert verdict.startswith("differs: StateMonitor statemonitor.v") and "50 ms" in verdict


def test_a_random_trace_counts_its_independent_samples():
    # one Ornstein-Uhlenbeck trace (tau = 1000 samples): its means part by more than a
    # tenth of its spread between two seeds, within the standard errors of ~10 samples
    import numpy as np

    tool = _tool()
    traces = []
    for seed in (1, 2):
        noise = np.random.default_rng(seed).standard_normal(10000)
        y = np.zeros(10000)
        for k in range(1, 10000):
            y[k] = y[k - 1] * (1 - 1e-3) + np.sqrt(2e-3) * noise[k]
        traces.append(y[None, :])
    assert 5 < tool._effective_samples(traces[0]) < 100
    a, b = ({"mean": float(y.mean()), "std": float(y.std())} for y in traces)
    assert tool._moments_agree(a, b, tool._effective_samples(traces[0]),
                               tool._effective_samples(traces[1]), 1.0)
    assert not tool._moments_agree(a, {"mean": a["mean"] + 5, "std": a["std"]}, 10, 10, 1.0)


def test_a_deterministic_difference_is_checked_against_brian2s_numpy_target():
    tool = _tool()
    cython = [_spikes([0, 1, 0], [1e-3, 2e-3, 5e-3])]
    numpy_ = [_spikes([0, 1, 0, 0], [1e-3, 2e-3, 5e-3, 7e-3])]
    verdict = tool.compare_captures(numpy_, cython, False)
    assert tool.rounding(verdict, numpy_, cython, numpy_).startswith(
        "same result as Brian2's numpy target, which parts from its Cython target")
    other = [_spikes([0, 1], [1e-3, 2e-3])]
    assert "as Brian2's own two targets part" in tool.rounding(
        tool.compare_captures(other, cython, False), other, cython, numpy_)
    assert tool.rounding(verdict, numpy_, cython, cython) == verdict  # Brian2 agrees


def test_a_random_model_is_compared_over_three_seeds():
    tool = _tool()
    runs = {"labkit": [{"n": 23414.0}, {"n": 22100.0}, {"n": 22900.0}],
            "brian2": [{"n": 21582.0}, {"n": 22700.0}, {"n": 22300.0}]}
    assert tool.agree_over_seeds(runs) == ""
    runs["labkit"] = [{"n": 30000.0}, {"n": 30100.0}, {"n": 29900.0}]
    assert tool.agree_over_seeds(runs).startswith("n: 3e+04 +- 1e+02 vs")
    assert tool.totals([_spikes([0, 1, 0], [1e-3, 2e-3, 5e-3])]) == \
        {"SpikeMonitor spikemonitor #0": 3.0}
    # a script without monitors (Kremer_et_al_2011): its groups' means, not nothing
    group = {"kind": "NeuronGroup", "name": "layer23",
             "states": {"v": {"mean": -0.09}, "x": {"mean": 2.0}}}
    assert tool.totals([group]) == {"NeuronGroup layer23 #0.v": -0.09,
                                    "NeuronGroup layer23 #0.x": 2.0}
    assert tool.totals([group, _spikes([0], [1e-3])]) == {"SpikeMonitor spikemonitor #0": 1.0}


def test_a_difference_only_where_brian2s_targets_differ_too_is_rounding():
    import numpy as np

    tool = _tool()

    def group(v, ic):
        return [{"kind": "NeuronGroup", "name": "neurongroup", "states": {
            name: {"values": np.asarray(x, float), "n": len(x), "mean": float(np.mean(x)),
                   "std": float(np.std(x))} for name, x in (("v", v), ("Ic", ic))}}]

    cython, numpy_ = group([1.0, 2.0], [1e-14, -2e-14]), group([1.0, 2.0], [-3e-14, 1e-14])
    ours = group([1.0, 2.0], [2e-14, 3e-14])
    verdict = tool.compare_captures(ours, cython, False)
    assert verdict.startswith("differs: NeuronGroup neurongroup.Ic")
    assert tool.rounding(verdict, ours, cython, numpy_).startswith(
        "same result but for NeuronGroup neurongroup.Ic, where Brian2's two targets differ")
    wrong_v = group([1.5, 2.0], [2e-14, 3e-14])
    assert "as Brian2's own two targets part" in tool.rounding(
        tool.compare_captures(wrong_v, cython, False), wrong_v, cython, numpy_)


def test_random_synapses_recorded_in_other_numbers_compare_by_moments():
    import numpy as np

    tool = _tool()
    rng = np.random.default_rng(3)

    def state(rows):
        v = rng.random((rows, 50))
        return [{"kind": "StateMonitor", "name": "statemonitor", "N": rows, "dt": 1e-4,
                 "n_t": 50, "t": np.arange(50) * 1e-4,
                 "traces": {"x": {"shape": v.shape, "thin": v, "final": v[:, -1],
                                  "mean": float(v.mean()), "std": float(v.std())}}}]

    assert tool.compare_captures(state(40), state(44), True).startswith(
        "same result in distribution")
    assert tool.compare_captures(state(40), state(44), False).startswith(
        "differs: StateMonitor statemonitor.x: shape (40, 50) vs (44, 50)")
