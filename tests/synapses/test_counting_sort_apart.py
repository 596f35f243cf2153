"""The counting sort compiled in another process when the disk cache lacks it
(``labkit.synapses.counting_sort.compiled_apart``): the user's process loads it and never
runs Numba's compiler for it (its memory stayed for the process's life), and when the other
process fails it compiles here, as before, and says why."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("numba")

ROOT = Path(__file__).resolve().parents[2]

#: A fresh process: counting_scatter on a small network, with a compiling process that
#: fails when the argument says so -> JSON: right result, Numba's cache hits and misses.
SCRIPT = """
import json, subprocess, sys
import numpy as np
from labkit.synapses import counting_sort as cs
if sys.argv[1] == "fail":
    def failing(*args, **kwargs):
        return subprocess.CompletedProcess(args, 3, b"", b"no compiler here")
    cs.subprocess.run = failing
sources = np.random.default_rng(1).integers(0, 40, size=3000).astype(np.int32)
values = np.arange(sources.size, dtype=np.int32) * 7
out, ptr = cs.counting_scatter(sources, values, 40)
stats = cs._counting_scatter.stats
right = (np.array_equal(out, values[np.argsort(sources, kind="stable")])
         and np.array_equal(np.diff(ptr), np.bincount(sources, minlength=40)))
print(json.dumps({"right": bool(right),
                  "hits": sum(stats.cache_hits.values()),
                  "misses": sum(stats.cache_misses.values())}))
"""


def _fresh(tmp_path, how: str, fast_start: str = "1") -> tuple[dict, str]:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba"),
           "LABKIT_FAST_START": fast_start,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", SCRIPT, how], env=env, capture_output=True,
                          text=True, timeout=600, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def test_an_empty_cache_is_filled_by_another_process(tmp_path):
    first, _ = _fresh(tmp_path, "ok")
    assert first == {"right": True, "hits": 1, "misses": 0}  # loaded, not compiled here
    again, _ = _fresh(tmp_path, "ok")
    assert again == {"right": True, "hits": 1, "misses": 0}


def test_a_failed_compiling_process_compiles_here_and_says_why(tmp_path):
    result, stderr = _fresh(tmp_path, "fail")
    assert result == {"right": True, "hits": 0, "misses": 1}
    assert "background compilation of the counting sort failed with status 3" in stderr
    assert "no compiler here" in stderr


def test_without_the_fast_start_it_compiles_here(tmp_path):
    result, stderr = _fresh(tmp_path, "ok", fast_start="0")
    assert result == {"right": True, "hits": 0, "misses": 1}
    assert "background compilation" not in stderr


def test_the_compiling_process_compiles_only_the_counting_sort():
    from labkit.synapses.counting_sort import main

    assert main(json.dumps(["os", []])) == 2
