"""labkit.widgets knows nothing of numba, sympy, codegen or devices, and imports quickly."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import labkit.widgets

WIDGETS = Path(labkit.widgets.__file__).parent
FORBIDDEN = ("numba", "sympy", "labkit.codegen", "labkit.devices", "labkit.core",
             "labkit.groups", "labkit.equations", "labkit.integration")

PROBE = """
import json, sys, time
import labkit
before = set(sys.modules)
started = time.perf_counter()
import labkit.widgets
import_time = time.perf_counter() - started
from labkit.widgets import *          # every public name, so every module loads
from labkit.widgets import examples
from labkit.widgets.examples import *
new = sorted(set(sys.modules) - before)
print(json.dumps({"new": new, "all": sorted(sys.modules), "import_time": import_time}))
"""


def _probe():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_no_numba_sympy_codegen_or_devices_in_sys_modules():
    loaded = _probe()
    heavy = [m for m in loaded["all"] if m.split(".")[0] in ("numba", "sympy", "llvmlite")]
    assert heavy == []
    # `import labkit` loads the devices, which load kernels through these plain-Python
    # modules (no numba, no sympy: a model seen before loads its kernel without either),
    # and the run's path: the spec and IR dataclasses (no sympy: a run of a model seen
    # before plans from the plan store, labkit.plan.stored_ops), and the threads' layout of
    # a team's arrays (read from the kernel's text, no sympy); the code generator itself
    # (its printers, loops, kernels) stays out
    codegen = {m for m in loaded["all"] if m.startswith("labkit.codegen")}
    assert codegen <= {"labkit.codegen", "labkit.codegen.compile", "labkit.codegen.support",
                       "labkit.codegen.source_cache", "labkit.codegen.spec",
                       "labkit.codegen.ir", "labkit.codegen.stored_expr",
                       "labkit.codegen.team_layout"}
    # `import labkit` itself loads labkit.devices (the package's __init__, not ours);
    # nothing the widgets add comes from the simulator
    added = [m for m in loaded["new"] if m.startswith(FORBIDDEN)]
    assert added == []
    assert loaded["import_time"] < 2.0


def test_widget_sources_do_not_import_the_simulator():
    offenders = []
    for path in WIDGETS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names if n.startswith(FORBIDDEN)]
    assert offenders == []


def test_public_names_resolve_and_dir_lists_them():
    for name in labkit.widgets.__all__:
        assert getattr(labkit.widgets, name) is not None
    assert set(labkit.widgets.__all__) <= set(dir(labkit.widgets))
    assert callable(labkit.widgets.live) and not isinstance(labkit.widgets.live, type(ast))
