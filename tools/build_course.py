"""Course sources (percent-format .py) -> notebooks/ and solutions/ (.ipynb, executed).

Why: a notebook is JSON, awkward to write and to review. Each lesson is authored as a plain
text file in ``tools/course/{notebooks,solutions}/NN_name.py`` with cells separated by
``# %%`` lines (the "percent" format of jupytext, VS Code and Spyder); this script turns
them into notebooks, executes them with nbclient so the committed outputs are real, and
regenerates ``exercises/`` from ``solutions/``.

Cell markers, each on a line of its own:

- ``# %%`` starts a code cell; ``# %% [markdown]`` a markdown cell whose lines are written
  as comments (``# text``; a bare ``#`` is an empty line);
- ``tags=["a", "b"]`` after either marker gives the cell those tags
  (``raises-exception``, ``nbval-ignore-output``, ...).

Usage::

    python tools/build_course.py                 # every lesson, executed
    python tools/build_course.py 02_lif 03       # only those (prefix match)
    python tools/build_course.py --no-execute    # write, do not run
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "tools" / "course"
_MARKER = re.compile(r"^# %%(?P<md> \[markdown\])?(?:\s+tags=(?P<tags>\[.*\]))?\s*$")


def parse(text: str) -> list[nbformat.NotebookNode]:
    """Percent-format text -> notebook cells (text before the first marker is ignored)."""
    cells, kind, tags, lines = [], None, [], []

    def flush():
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(re.sub(r"^# ?", "", line) for line in body.splitlines())
            cell = nbformat.v4.new_markdown_cell(body)
        else:
            cell = nbformat.v4.new_code_cell(body)
        if tags:
            cell.metadata["tags"] = list(tags)
        cells.append(cell)

    for line in text.splitlines():
        match = _MARKER.match(line)
        if match:
            flush()
            kind = "markdown" if match.group("md") else "code"
            tags = json.loads(match.group("tags")) if match.group("tags") else []
            lines = []
        else:
            lines.append(line)
    flush()
    return cells


def build(source: Path, target: Path, execute: bool) -> float:
    """One source file -> one notebook at ``target``; returns the execution wall time."""
    nb = nbformat.v4.new_notebook(cells=parse(source.read_text(encoding="utf-8")))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for k, cell in enumerate(nb.cells):               # stable ids: diffs show real changes
        cell["id"] = f"{source.stem[:2]}-{k:03d}"
    started = time.perf_counter()
    if execute:
        NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=False,
                       resources={"metadata": {"path": str(target.parent)}}).execute()
    nb.metadata.pop("widgets", None)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return time.perf_counter() - started


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
    for kind in ("notebooks", "solutions"):
        for source in sorted((SOURCES / kind).glob("*.py")):
            if args.names and not any(source.stem.startswith(n) for n in args.names):
                continue
            target = ROOT / kind / f"{source.stem}.ipynb"
            seconds = build(source, target, not args.no_execute)
            print(f"{target.relative_to(ROOT)}  ({seconds:.1f} s)")
    from labkit.course.__main__ import main as course_main

    return course_main(["exercises", "--root", str(ROOT)])


if __name__ == "__main__":
    sys.exit(main())
