"""A notebook with authored answers -> the learner's notebook, every marked answer hidden.

Why generated: one authored source cannot drift from what the learner sees, and a test can
prove the two are in sync (the Neuromatch way). Two kinds of notebook go through here:

- a solution notebook (``solutions/NN_name.ipynb``) -> its exercise notebook
  (:func:`make_exercise`): every output is cleared, exercises are for running;
- a lesson with its answers (the executed source) -> the lesson the learner opens
  (:func:`make_lesson`): outputs are kept, except those of the cells that hold a blank.

Markers, each on a line of its own:

- in a code cell, the lines between ``# BEGIN ANSWER`` and ``# END ANSWER`` become a
  ``todo(...)`` call that raises :class:`~labkit.lessons.ExerciseIncomplete` and names the
  exercise (from the cell's ``check("NN.k", ...)``) and the blank. The cell gets the
  ``raises-exception`` tag, so JupyterLab's *Run All* and nbval go on past it; its outputs
  and execution count are cleared, so nbval does not compare them;
- in a markdown cell, the same markers (inside ``<!-- -->`` comments) enclose a model
  answer to a "Think!" question; it is folded into a ``<details>`` block, "Show an answer",
  so the learner thinks first and looks second.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

ANSWER_BEGIN = "# BEGIN ANSWER"
ANSWER_END = "# END ANSWER"
MD_BEGIN = "<!-- BEGIN ANSWER -->"
MD_END = "<!-- END ANSWER -->"
SHOW_ANSWER = "Show an answer"
_RAISES = "raises-exception"

_CODE_REGION = re.compile(
    r"^(?P<indent>[ \t]*)" + re.escape(ANSWER_BEGIN) + r"[^\n]*\n(?P<body>.*?)^[ \t]*"
    + re.escape(ANSWER_END) + r"[^\n]*(\n|$)",
    re.DOTALL | re.MULTILINE,
)
_MD_REGION = re.compile(re.escape(MD_BEGIN) + r"\s*(?P<body>.*?)\s*" + re.escape(MD_END),
                        re.DOTALL)
_CHECK_ID = re.compile(r"""check\(\s*["'](?P<id>[^"']+)["']""")
_HEADING = re.compile(r"^#+\s*(exercise\s+[\w.]+)", re.IGNORECASE | re.MULTILINE)


class MarkerError(ValueError):
    """An answer region that is opened and not closed (or closed and not opened)."""


def _check_balanced(text: str, begin: str, end: str, where: str) -> None:
    if text.count(begin) != text.count(end):
        raise MarkerError(f"{where}: {text.count(begin)} '{begin}' but {text.count(end)} '{end}'"
                          f"; every answer region needs both markers")


def has_answers(notebook: nbformat.NotebookNode) -> bool:
    """Does any cell of ``notebook`` hold an answer region (code or markdown)?"""
    return any(ANSWER_BEGIN in cell.source or MD_BEGIN in cell.source
               for cell in notebook.cells)


def _exercise_name(source: str, heading: str | None, name: str, number: int) -> str:
    """A cell -> what its blank is called: the exercise its ``check("01.2", ...)`` names,
    else the exercise of the heading above it, else the notebook and the cell's number."""
    checked = _CHECK_ID.search(source)
    if checked:
        return f"exercise {checked.group('id')}"
    if heading:
        return f"{name}, {heading}"
    return f"{name}, cell {number}"


def _blank_code(source: str, exercise: str) -> tuple[str, bool]:
    """Answer regions -> ``todo("exercise 01.2")`` blanks; a cell with several blanks
    numbers them ("exercise 01.2, blank 2 of 3")."""
    _check_balanced(source, ANSWER_BEGIN, ANSWER_END, exercise)
    total = len(_CODE_REGION.findall(source))
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        count += 1
        indent = match.group("indent")
        label = exercise if total == 1 else f"{exercise}, blank {count} of {total}"
        return f'{indent}# Your answer here; then run the cell.\n{indent}todo("{label}")\n'

    return _CODE_REGION.sub(replace, source), count > 0


def _fold_markdown(source: str, where: str) -> str:
    _check_balanced(source, MD_BEGIN, MD_END, where)
    return _MD_REGION.sub(
        lambda m: f"<details><summary>{SHOW_ANSWER}</summary>\n\n{m.group('body')}\n\n"
                  f"</details>", source)


def _hide_answers(notebook: nbformat.NotebookNode, name: str,
                  keep_outputs: bool) -> nbformat.NotebookNode:
    learner = copy.deepcopy(notebook)
    heading = None
    for number, cell in enumerate(learner.cells, start=1):
        where = f"{name}, cell {number}"
        if cell.cell_type == "code":
            exercise = _exercise_name(cell.source, heading, name, number)
            cell.source, blanked = _blank_code(cell.source, exercise)
            if blanked or not keep_outputs:
                cell.outputs = []
                cell.execution_count = None
            tags = list(cell.metadata.get("tags", []))     # authored tags stay
            if blanked and _RAISES not in tags:
                tags.append(_RAISES)
            if tags:
                cell.metadata["tags"] = tags
            else:
                cell.metadata.pop("tags", None)
        elif cell.cell_type == "markdown":
            cell.source = _fold_markdown(cell.source, where)
            found = _HEADING.search(cell.source)
            heading = found.group(1).lower() if found else heading
    return learner


def make_exercise(solution: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """A solution notebook -> the exercise notebook (a new object; the input is unchanged).

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     "x = 1\\n# BEGIN ANSWER\\ny = 2 * x\\n# END ANSWER\\ncheck('02.1', y=y)")])
    >>> print(make_exercise(nb, "demo").cells[0].source)
    x = 1
    # Your answer here; then run the cell.
    todo("exercise 02.1")
    check('02.1', y=y)
    """
    return _hide_answers(solution, name, keep_outputs=False)


def make_lesson(answered: nbformat.NotebookNode, name: str = "lesson") -> nbformat.NotebookNode:
    """An executed lesson with its answers -> the learner's lesson: blanks in place of the
    answers (their cells unexecuted), "Think!" answers folded, every other output kept.

    The learner's lesson must run to the end with its blanks raising: a cell after an
    inline exercise may not use what the answer defined (nbval on notebooks/ checks it).
    """
    return _hide_answers(answered, name, keep_outputs=True)


def _exercise_text(solution_path: Path) -> str:
    solution = nbformat.read(solution_path, as_version=4)
    exercise = make_exercise(solution, solution_path.stem)
    return nbformat.writes(exercise) + "\n"


def generate_all(solutions: Path, exercises: Path) -> list[Path]:
    """Write ``exercises/NAME.ipynb`` for every ``solutions/NAME.ipynb``; return the paths."""
    exercises.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(solutions.glob("*.ipynb")):
        target = exercises / path.name
        target.write_text(_exercise_text(path), encoding="utf-8")
        written.append(target)
    return written


def out_of_sync(solutions: Path, exercises: Path) -> list[str]:
    """Names of exercise notebooks that are missing, stale, or have no solution."""
    problems = []
    expected = {p.name: p for p in solutions.glob("*.ipynb")}
    present = {p.name: p for p in exercises.glob("*.ipynb")}
    for name, path in sorted(expected.items()):
        target = present.get(name)
        if target is None:
            problems.append(f"{name}: missing from {exercises}")
        elif target.read_text(encoding="utf-8") != _exercise_text(path):
            problems.append(f"{name}: differs from what its solution generates")
    problems += [f"{name}: has no solution" for name in sorted(set(present) - set(expected))]
    return problems
