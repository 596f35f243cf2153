"""solutions/ -> exercises/: answer regions are stripped, outputs cleared, sync enforced."""

from pathlib import Path

import nbformat
import pytest

from labkit.course import generate_all, has_answers, make_exercise, make_lesson, out_of_sync
from labkit.course.__main__ import main
from labkit.course.exercises import MarkerError

ROOT = Path(__file__).resolve().parents[2]


def _solution():
    code = nbformat.v4.new_code_cell(
        "tau = 10*ms\n# BEGIN ANSWER\nrate = 1/tau\n# END ANSWER\ncheck('02.1', rate=rate)",
        outputs=[nbformat.v4.new_output("stream", text="Exercise 02.1: all correct")],
        execution_count=3,
    )
    indented = nbformat.v4.new_code_cell(
        "def f(x):\n    # BEGIN ANSWER\n    return 2*x\n    # END ANSWER"
    )
    think = nbformat.v4.new_markdown_cell(
        "Why?\n<!-- BEGIN ANSWER -->\nBecause the leak wins.\n<!-- END ANSWER -->"
    )
    plain = nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["keep"]})
    return nbformat.v4.new_notebook(cells=[code, indented, think, plain])


def test_answer_regions_become_todo_calls_that_raise():
    exercise = make_exercise(_solution(), "02_lif")
    code, indented, think, plain = exercise.cells
    assert "rate = 1/tau" not in code.source
    assert 'todo("exercise 02.1")' in code.source
    assert code.source.startswith("tau = 10*ms\n") and code.source.endswith("rate=rate)")
    assert code.metadata["tags"] == ["raises-exception"]
    assert code.outputs == [] and code.execution_count is None
    assert "return 2*x" not in indented.source
    assert '    todo("02_lif, cell 2")' in indented.source      # no check(), no heading
    assert think.source == ("Why?\n<details><summary>Show an answer</summary>\n\n"
                            "Because the leak wins.\n\n</details>")
    assert plain.source == "x = 1" and plain.metadata["tags"] == ["keep"]


def test_a_blank_names_its_exercise_and_its_number_not_a_cell():
    heading = nbformat.v4.new_markdown_cell("## Exercise 3: the rate\nCompute it.")
    two = nbformat.v4.new_code_cell("# BEGIN ANSWER\na = 1\n# END ANSWER\n"
                                    "# BEGIN ANSWER\nb = 2\n# END ANSWER\n")
    checked = nbformat.v4.new_code_cell('# BEGIN ANSWER\nx = 1\n# END ANSWER\ncheck("05.2", x=x)')
    cells = make_exercise(nbformat.v4.new_notebook(cells=[heading, two, checked]),
                          "05_hh").cells
    assert 'todo("05_hh, exercise 3, blank 1 of 2")' in cells[1].source
    assert 'todo("05_hh, exercise 3, blank 2 of 2")' in cells[1].source
    assert 'todo("exercise 05.2")' in cells[2].source


def test_several_blanks_in_one_cell_are_numbered():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "# BEGIN ANSWER\na = 1\n# END ANSWER\n# BEGIN ANSWER\nb = 2\n# END ANSWER\n"
        "check('03.a', a=a, b=b)")])
    source = make_exercise(nb, "03").cells[0].source
    assert 'todo("exercise 03.a, blank 1 of 2")' in source
    assert 'todo("exercise 03.a, blank 2 of 2")' in source


def test_a_lesson_keeps_its_outputs_except_at_the_blanks():
    solution = _solution()
    solution.cells[3].outputs = [nbformat.v4.new_output("stream", text="1")]
    solution.cells[3].execution_count = 4
    lesson = make_lesson(solution, "02_lif")
    code, _, think, plain = lesson.cells
    assert code.outputs == [] and code.execution_count is None      # nbval: not compared
    assert code.metadata["tags"] == ["raises-exception"]            # Run All goes on
    assert plain.outputs[0].text == "1" and plain.execution_count == 4
    assert "<details>" in think.source
    assert has_answers(solution) and not has_answers(lesson)


def test_a_deliberate_error_keeps_its_tag():
    """Lesson 01 raises on purpose in cells tagged by hand; hiding answers keeps the tag."""
    mistake = nbformat.v4.new_code_cell("E_L + 0.15*nA", metadata={"tags": ["raises-exception"]})
    nb = nbformat.v4.new_notebook(cells=[mistake])
    assert make_lesson(nb).cells[0].metadata["tags"] == ["raises-exception"]
    assert make_exercise(nb).cells[0].metadata["tags"] == ["raises-exception"]


def test_solution_is_not_modified():
    solution = _solution()
    before = nbformat.writes(solution)
    make_exercise(solution)
    assert nbformat.writes(solution) == before


def test_unbalanced_markers_are_an_error():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("# BEGIN ANSWER\nx = 1")])
    with pytest.raises(MarkerError, match="cell 1"):
        make_exercise(nb, "bad")


def test_sync_detects_stale_missing_and_orphan(tmp_path):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    nbformat.write(_solution(), solutions / "02_lif.ipynb")
    assert out_of_sync(solutions, exercises) == ["02_lif.ipynb: missing from " + str(exercises)]
    generate_all(solutions, exercises)
    assert out_of_sync(solutions, exercises) == []
    (exercises / "02_lif.ipynb").write_text("{}")
    assert out_of_sync(solutions, exercises) == [
        "02_lif.ipynb: differs from what its solution generates"]
    (exercises / "99_orphan.ipynb").write_text("{}")
    assert "99_orphan.ipynb: has no solution" in out_of_sync(solutions, exercises)


def test_command_line_regenerates_and_checks(tmp_path, capsys):
    (tmp_path / "solutions").mkdir()
    nbformat.write(_solution(), tmp_path / "solutions" / "02_lif.ipynb")
    assert main(["check", "--root", str(tmp_path)]) == 1
    assert main(["exercises", "--root", str(tmp_path)]) == 0
    assert main(["check", "--root", str(tmp_path)]) == 0
    assert "wrote" in capsys.readouterr().out


def test_committed_exercises_match_their_solutions():
    """exercises/ is never edited by hand: regenerate with `python -m labkit.course exercises`."""
    assert out_of_sync(ROOT / "solutions", ROOT / "exercises") == []
