"""The README's sweep example runs as shown (local processes) and gives an I-F map."""

import os
import re
import socket
from pathlib import Path

import numpy as np

from labkit.sweeps.backends import LocalPool, choose_backend

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Parameter sweeps", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.DOTALL)


def test_the_local_example_sweeps_27_points_into_a_9_by_3_array():
    local, cluster = readme_blocks()
    namespace = {"__name__": "readme_example"}  # not importable: sent by value, as a notebook's
    exec(local, namespace)
    table, rates = namespace["table"], namespace["rates"]
    assert len(table) == 27 and table["error"].isna().all()
    # the points ran in worker processes, at most one per core; the pool has one per core
    # (whether the second worker takes a point depends on the load: these 27 points take
    # under a second, and a worker still importing labkit may find the queue empty)
    cores = len(os.sched_getaffinity(0))
    workers = set(table["worker"])
    assert f"{socket.gethostname()}:{os.getpid()}" not in workers
    assert 1 <= len(workers) <= cores
    backend = choose_backend(None, None, len(table))
    assert (backend.workers if isinstance(backend, LocalPool) else 1) == min(cores, 27)
    assert rates.dims == ("I", "sigma") and rates.shape == (9, 3)
    assert rates.attrs["units"] == "Hz"
    quiet, noisy = rates.values[:, 0], rates.values[:, 2]
    assert np.all(np.diff(quiet) >= 0) and quiet[2] == 0 and quiet[-1] > 20
    assert noisy[2] > 0  # below rheobase (0.15 nA), noise makes the neurons fire
    assert cluster.count("\n") == 2 and "client=Client(" in cluster
