"""The README's sweep example runs as shown (local processes) and gives an I-F map."""

import os
import re
from pathlib import Path

import numpy as np

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
    # one worker process per core (this test machine has 2)
    assert table["worker"].nunique() == min(2, len(os.sched_getaffinity(0)))
    assert rates.dims == ("I", "sigma") and rates.shape == (9, 3)
    assert rates.attrs["units"] == "Hz"
    quiet, noisy = rates.values[:, 0], rates.values[:, 2]
    assert np.all(np.diff(quiet) >= 0) and quiet[2] == 0 and quiet[-1] > 20
    assert noisy[2] > 0  # below rheobase (0.15 nA), noise makes the neurons fire
    assert cluster.count("\n") == 2 and "client=Client(" in cluster
