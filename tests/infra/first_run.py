"""``python first_run.py NOTEBOOK`` -> JSON: how a fresh kernel's first ``run()`` went.

Run by the Python of the environment under test (the Binder test's venv), so that the
kernel is the one a learner's session would start (with that HOME's IPython startup
files). The notebook's code cells run in a new kernel up to and including the first one
that calls ``run(``; that cell is timed in the kernel (wall and CPU time), the kernel's
start and the cells before it from here. A last cell reports labkit's compile counters
(Numba's per-signature cache hits and misses), the kernel cache directory and the CPU
Numba compiled for.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

START = """\
import time as _first_run_time
_first_run_clocks = (_first_run_time.perf_counter(), _first_run_time.process_time())"""
REPORT = """\
_first_run_seconds = _first_run_time.perf_counter() - _first_run_clocks[0]
_first_run_cpu = _first_run_time.process_time() - _first_run_clocks[1]
import json as _json
from numba.core.registry import cpu_target as _cpu_target
from labkit.codegen.compile import cache_dir as _cache_dir, compile_stats as _stats
_s = _stats()
print(_json.dumps({"seconds": _first_run_seconds, "cpu_seconds": _first_run_cpu,
                   "numba_compiled": _s.numba_compiled, "numba_loaded": _s.numba_loaded,
                   "cache_dir": str(_cache_dir()),
                   "cpu": list(_cpu_target.target_context.codegen().magic_tuple()[:2])}))"""


def main(path: str) -> int:
    nb = nbformat.read(path, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    first = next(k for k, cell in enumerate(code) if re.search(r"\brun\(", cell.source))
    nb.cells = code[:first] + [nbformat.v4.new_code_cell(START), code[first],
                               nbformat.v4.new_code_cell(REPORT)]
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(Path(path).parent)}})
    started = time.perf_counter()
    with client.setup_kernel():  # returns once the kernel answers
        kernel_start = cells_before = time.perf_counter() - started
        for index, cell in enumerate(nb.cells):
            cell.outputs = []
            client.execute_cell(cell, index)
            if index < first:
                cells_before = time.perf_counter() - started - kernel_start
    report = json.loads("".join(o.get("text", "") for o in nb.cells[-1].outputs
                                if o.output_type == "stream"))
    report.update(kernel_start=kernel_start, cells_before=cells_before)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
