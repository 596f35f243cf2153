"""binder/ against the project, offline and quick: drift fails here, not on Binder.

The lock must pin every dependency pyproject.toml declares (run ``make binder-lock`` after
adding one), every third-party module labkit and the lesson sources import must come from
a locked distribution, and the scripts repo2docker runs must be executable.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import binder_lock
import pytest
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
BINDER = REPO / "binder"


def test_the_lock_pins_every_dependency_of_pyproject():
    assert binder_lock.check() == []


def test_a_dependency_missing_from_the_lock_is_named(tmp_path):
    lock = tmp_path / "requirements.txt"
    pins = binder_lock.read_lock()
    del pins["numba"]
    pins["sympy"] = "1.0"
    lock.write_text("".join(f"{name}=={version}\n" for name, version in pins.items()))
    problems = binder_lock.check(lock)
    numba = next(r for r in binder_lock.project_requirements() if r.name == "numba")
    sympy = next(r for r in binder_lock.project_requirements() if r.name == "sympy")
    assert problems == [
        f"{lock}: {numba} is not pinned; run `make binder-lock`",
        f"{lock}: {sympy} is pinned at 1.0, outside its range; run `make binder-lock`",
    ]


def test_a_line_that_is_not_an_exact_pin_is_refused(tmp_path):
    lock = tmp_path / "requirements.txt"
    lock.write_text("# a comment\nnumpy==2.0.0\nnumba>=0.59\n")
    with pytest.raises(ValueError, match=r"line 3: 'numba>=0.59' is not an exact pin"):
        binder_lock.read_lock(lock)


def test_the_installed_check_names_what_differs(tmp_path):
    lock = tmp_path / "requirements.txt"
    numpy = metadata.version("numpy")
    lock.write_text(f"numpy=={numpy}\nsympy==0.0.1\nno-such-distribution==1.0\n")
    problems = binder_lock.check_installed(lock)
    assert f"sympy==0.0.1 is locked, but {metadata.version('sympy')} is installed" in problems
    assert "no-such-distribution==1.0 is locked, but it is missing" in problems
    assert not any(p.startswith("numpy") for p in problems)


def test_runtime_python_is_one_labkit_supports():
    python = binder_lock.runtime_python()
    requires = binder_lock.tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert SpecifierSet(requires["requires-python"]).contains(f"{python}.0")


def _imports(tree: ast.AST, *, in_functions: bool):
    """The modules ``tree`` imports (those inside functions only if ``in_functions``)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
        elif in_functions or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from _imports(node, in_functions=in_functions)


def _third_party_imports(root: str, *, in_functions: bool) -> dict[str, str]:
    """Top-level modules imported by the .py files under ``root`` -> a file importing it."""
    found = {}
    for path in sorted((REPO / root).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name in _imports(tree, in_functions=in_functions):
            top = name.split(".")[0]
            if top not in sys.stdlib_module_names and top != "labkit":
                found.setdefault(top, str(path.relative_to(REPO)))
    return found


def test_every_module_labkit_and_the_lessons_import_is_locked():
    """An import that only the test extras satisfy would break on Binder, not here.

    The lessons' imports all count; labkit's only at module level, since an import inside
    a function is how labkit defers a heavy library (locked) or reaches an optional one
    that its own extra declares (dask for sweeps on a cluster)."""
    providers = metadata.packages_distributions()
    locked = set(binder_lock.read_lock())
    imported = {**_third_party_imports("labkit", in_functions=False),
                **_third_party_imports("tools/course", in_functions=True)}
    problems = []
    for module, where in sorted(imported.items()):
        dists = {canonicalize_name(d) for d in providers.get(module, [])}
        if not dists & locked:
            problems.append(f"{where} imports {module} (from {sorted(dists) or 'nowhere'}), "
                            "which binder/requirements.txt does not lock: add it to "
                            "pyproject.toml's dependencies or the course extra, then run "
                            "`make binder-lock`")
    assert problems == []


def test_the_scripts_repo2docker_runs_are_executable():
    for name in ("postBuild", "start"):
        assert os.access(BINDER / name, os.X_OK), name
    assert {"g++", "make"} <= set((BINDER / "apt.txt").read_text().split())


def test_start_runs_the_command_and_keeps_a_chosen_numba_cpu():
    env = {**os.environ, "NUMBA_CPU_NAME": "generic"}
    done = subprocess.run([str(BINDER / "start"), "sh", "-c", "echo $NUMBA_CPU_NAME; exit 3"],
                          env=env, capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stdout) == (3, "generic\n")


def test_the_readme_binder_links_open_lesson_00():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"https://mybinder\.org/v2/gh/[^\s)`]+", readme)
    assert len(links) >= 2, links  # the badge and the link for hosts
    for link in links:
        assert link.endswith("?urlpath=lab/tree/notebooks/00_start_here.ipynb"), link
    assert (REPO / "notebooks" / "00_start_here.ipynb").is_file()
