"""Course sources (jupytext percent files) -> notebooks/ and solutions/ (.ipynb, executed).

Why: a notebook is JSON, awkward to write and to review. Each lesson is authored as a plain
text file in ``tools/course/{notebooks,solutions}/NN_name.py`` in jupytext's "percent"
format (``# %%`` starts a code cell, ``# %% [markdown]`` a markdown cell written as
comments, ``tags=["a"]`` after either marker sets cell tags). jupytext reads them; this
script executes them with nbclient so the committed outputs are real, and writes:

- ``tools/course/notebooks/NN.py`` -> ``notebooks/NN.ipynb``, the lesson the learner
  opens: answers of inline exercises blanked, "Think!" answers folded behind a click
  (:func:`labkit.course.make_lesson`); if the lesson has answers, also
  ``solutions/lessons/NN.ipynb``, the lesson as authored, answers shown;
- ``tools/course/solutions/NN.py`` -> ``solutions/NN.ipynb``, then ``exercises/`` from
  ``solutions/`` (:func:`labkit.course.make_exercise`).

``tools/course/`` is authored; ``notebooks/``, ``solutions/`` and ``exercises/`` are
generated: never edit them by hand. An author can open a source in JupyterLab (jupytext's
extension: *Open With -> Jupytext Notebook*); ``tools/course/jupytext.toml`` pairs it with
an untracked ``.ipynb`` beside it that keeps the outputs while editing.

Usage::

    python tools/build_course.py                 # every lesson, executed
    python tools/build_course.py 02_lif 03       # only those (prefix match)
    python tools/build_course.py --no-execute    # write, do not run
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from labkit.course import has_answers, make_lesson

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "tools" / "course"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def read_source(source: Path) -> nbformat.NotebookNode:
    """A percent-format source -> an unexecuted notebook with stable cell ids.

    Only cell tags are kept from the source's metadata (jupytext's own header and any
    pairing information stay with the source), so a notebook changes only when its cells do.
    """
    nb = jupytext.read(source, fmt="py:percent")
    nb.metadata = nbformat.NotebookNode(kernelspec=dict(KERNELSPEC),
                                        language_info={"name": "python"})
    for k, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        cell.metadata = nbformat.NotebookNode({"tags": list(tags)} if tags else {})
        cell["id"] = f"{source.stem[:2]}-{k:03d}"   # stable ids: diffs show real changes
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def execute(nb: nbformat.NotebookNode, directory: Path) -> float:
    """Run every cell of ``nb`` in place (working directory ``directory``); wall seconds."""
    started = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=False,
                   record_timing=False,
                   resources={"metadata": {"path": str(directory)}}).execute()
    nb.metadata.pop("widgets", None)
    return time.perf_counter() - started


def _write(nb: nbformat.NotebookNode, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    print(f"  wrote {target.relative_to(ROOT)}")


def build_lesson(source: Path, run: bool) -> float:
    """tools/course/notebooks/NN.py -> notebooks/NN.ipynb (and solutions/lessons/NN.ipynb)."""
    nb = read_source(source)
    seconds = execute(nb, ROOT / "notebooks") if run else 0.0
    _write(make_lesson(nb, source.stem), ROOT / "notebooks" / f"{source.stem}.ipynb")
    if has_answers(nb):
        _write(nb, ROOT / "solutions" / "lessons" / f"{source.stem}.ipynb")
    return seconds


def build_solution(source: Path, run: bool) -> float:
    """tools/course/solutions/NN.py -> solutions/NN.ipynb."""
    nb = read_source(source)
    seconds = execute(nb, ROOT / "solutions") if run else 0.0
    _write(nb, ROOT / "solutions" / f"{source.stem}.ipynb")
    return seconds


def main(argv=None) -> int:
    # Batch execution gains nothing from labkit's background Numba warm-up, and the warm-up
    # thread can deadlock against the first compile in the kernel (reported; remove this
    # line once labkit.devices.runtime._warm takes numba's locks in the same order as a
    # compile does).
    os.environ.setdefault("LABKIT_WARM_UP", "0")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="lesson name prefixes (default: all)")
    parser.add_argument("--no-execute", action="store_true")
    args = parser.parse_args(argv)
    builders = {"notebooks": build_lesson, "solutions": build_solution}
    for kind, builder in builders.items():
        for source in sorted((SOURCES / kind).glob("*.py")):
            if args.names and not any(source.stem.startswith(n) for n in args.names):
                continue
            seconds = builder(source, not args.no_execute)
            print(f"{kind}/{source.stem}  ({seconds:.1f} s)")
    from labkit.course.__main__ import main as course_main

    return course_main(["exercises", "--root", str(ROOT)])


if __name__ == "__main__":
    sys.exit(main())
