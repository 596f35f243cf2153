"""sweep on local worker processes: the same numbers as here, kernels compiled once, deaths."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
from sweep_models import logged, mortal, noisy_lif, tagged_lif

from labkit import mV, nA, sweep

HERE = Path(__file__).resolve().parent
GRID = {"I": [0.1, 0.15, 0.2] * nA, "sigma": [1, 4] * mV}


def test_local_pool_gives_the_numbers_of_a_sweep_here():
    here = sweep(noisy_lif, GRID, processes=1, progress=False, seed=11)
    pool = sweep(noisy_lif, GRID, processes=2, progress=False, seed=11)
    assert pool["error"].isna().all(), pool["error"].tolist()
    for column in ("rate [Hz]", "v_mean [mV]", "seed"):
        assert np.array_equal(here[column].to_numpy(), pool[column].to_numpy()), column
    # the pool's points ran in its own worker processes (at most its 2): whether the second
    # takes a point depends on the load (CI: one worker took all 6 while the other still
    # imported labkit), as in test_sweep_readme
    assert here["worker"].nunique() == 1
    assert 1 <= pool["worker"].nunique() <= 2
    assert not set(pool["worker"]) & set(here["worker"])


def test_the_first_point_compiles_and_the_other_worker_loads_from_the_disk_cache():
    tag = uuid.uuid4().hex[:12]  # a kernel no process has seen
    table = sweep(tagged_lif, {"I": np.linspace(0.2, 0.4, 8) * nA, "tag": [tag], "hold": [0.2]},
                  processes=2, progress=False)
    assert table["error"].isna().all(), table["error"].tolist()
    assert table["compiled"].iloc[0] >= 1  # the first point ran alone and compiled
    assert table["compiled"].iloc[1:].sum() == 0  # nobody compiled it again
    first_worker = table["worker"].iloc[0]
    others = table[table["worker"] != first_worker]
    assert len(others) > 0, "the second worker ran no point"
    assert others["loaded"].iloc[0] >= 1  # ... it loaded the machine code instead
    assert np.all(np.diff(table["result [Hz]"].to_numpy()) > 0)


@pytest.mark.slow
def test_a_worker_that_dies_is_retried_once_alone(tmp_path):
    grid = [{"x": x, "marker_dir": str(tmp_path), "die": die}
            for x, die in [(1, "never"), (2, "once"), (3, "never"), (4, "always"), (5, "never")]]
    with pytest.warns(RuntimeWarning, match="1 of 5 points failed"):
        table = sweep(mortal, grid, processes=2, progress=False)
    assert table["error"].iloc[3].startswith("WorkerDied: the worker process running this "
                                             "point died twice")
    # the others, including those that ran beside it, and the point that died only once
    assert table["result [nA]"].iloc[[0, 1, 2, 4]].tolist() == [1, 2, 3, 5]


@pytest.mark.slow
def test_a_sweep_stopped_by_ctrl_c_resumes_from_its_cache(tmp_path):
    cache, log = tmp_path / "points", tmp_path / "computed.txt"
    script = (f"import sys; sys.path.insert(0, {str(HERE)!r})\n"
              "from sweep_models import logged\nfrom labkit import sweep\n"
              f"sweep(logged, {{'x': list(range(16))}}, processes=2, cache={str(cache)!r})\n")
    env = dict(os.environ, SWEEP_TEST_SLOW="0.4")
    child = subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.PIPE,
                             text=True)
    deadline = time.monotonic() + 120
    while len(list(cache.glob("*.pkl"))) < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode != 0 and "KeyboardInterrupt" in stderr, stderr[-2000:]
    finished = len(list(cache.glob("*.pkl")))
    assert 4 <= finished < 16
    os.environ["SWEEP_TEST_LOG"] = str(log)
    try:
        table = sweep(logged, {"x": list(range(16))}, processes=1, progress=False,
                      cache=cache)
    finally:
        del os.environ["SWEEP_TEST_LOG"]
    assert len(log.read_text().split()) == 16 - finished  # only the missing points ran
    assert table["square"].tolist() == [x * x for x in range(16)]
