"""preload() leaves a fresh process's first build and run only the loading of its kernel."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.slow  # three fresh processes

MODEL = """
from labkit import *
start_scope()
G = NeuronGroup(1, 'dv/dt = (1.2 - v)/(10*ms) : 1', threshold='v > 1', reset='v = 0',
                method='exact')
S = SpikeMonitor(G)
run(50*ms)
"""


def _fresh(code: str, cache) -> dict:
    env = {**os.environ, "LABKIT_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _first_run(preload: bool, cache) -> dict:
    return _fresh(f"""
        import json, time
        {"from labkit.lessons.preload import preload; preload()" if preload else ""}
        started = time.process_time()
        exec({MODEL!r})
        cpu = time.process_time() - started
        from labkit.codegen.compile import compile_stats
        print(json.dumps({{"cpu": cpu, "compiled": compile_stats().numba_compiled,
                           "spikes": len(S.t)}}))
    """, cache)


def test_after_preload_a_cached_model_builds_and_runs_in_little_cpu_time(tmp_path):
    compiling = _first_run(False, tmp_path)   # fills the cache
    without = _first_run(False, tmp_path)
    with_preload = _first_run(True, tmp_path)
    assert compiling["compiled"] > 0 and without["compiled"] == with_preload["compiled"] == 0
    assert compiling["spikes"] == without["spikes"] == with_preload["spikes"] > 0
    # the imports and Numba's registries moved out of the first run (without preload that
    # run no longer imports sympy for a model seen before, so it costs under 0.5 s too:
    # 0.43 s in CI at 99a5aa1, against 0.014 s with preload; compare the two)
    assert with_preload["cpu"] < 0.5, (with_preload, without)
    assert 3 * with_preload["cpu"] < without["cpu"], (with_preload, without)
