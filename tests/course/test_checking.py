"""check(...) tells right from wrong without revealing the answer."""

import pytest

from labkit.errors import ExerciseIncomplete
from labkit.lessons import Verdict, check, checking, expect_close, expect_true, todo
from labkit.units import ms, mV, nA


def _demo_checks():
    def rate_exercise(rate):
        yield expect_close("rate", rate, 1 / (10 * ms), hint="a rate is one over a time")

    def boom(x):
        raise ZeroDivisionError("division by zero")

    return {"02.1": rate_exercise, "02.2": boom}


@pytest.fixture(autouse=True)
def demo_lesson(monkeypatch):
    monkeypatch.setattr(checking, "_lesson_checks", lambda exercise: _demo_checks())


def test_right_answer_passes():
    feedback = check("02.1", rate=100 / (1000 * ms))
    assert feedback.passed and bool(feedback)
    assert "all correct" in str(feedback) and "✓ rate is right" in str(feedback)


def test_wrong_unit_says_so_without_the_answer():
    feedback = check("02.1", rate=100 * mV)
    assert not feedback.passed
    text = str(feedback)
    assert "units of volt" in text and "needs units of hertz" in text
    assert "hint: a rate is one over a time" in text
    assert "100" not in text  # neither the learner's number nor the target is echoed


def test_wrong_value_says_direction_not_target():
    text = str(check("02.1", rate=50 / (1000 * ms)))
    assert "value is off (too small)" in text and "100" not in text


def test_missing_answer_and_crash_become_verdicts():
    assert "could not use your answers" in str(check("02.1", tau=10 * ms))
    assert "raised ZeroDivisionError" in str(check("02.2", x=1))


def test_unknown_exercise_lists_known_ones():
    with pytest.raises(ValueError, match="02.1, 02.2"):
        check("02.9", x=1)


def test_html_view_marks_each_verdict():
    page = check("02.1", rate=3 * nA)._repr_html_()
    assert "✗" in page and "hint:" in page and "not yet" in page


def test_todo_raises_a_helpful_error():
    with pytest.raises(ExerciseIncomplete, match="^Exercise 02.4 is waiting for your answer"):
        todo("exercise 02.4")


def test_expect_helpers():
    assert expect_true(True, "ok", "no") == Verdict(True, "ok")
    assert expect_true(False, "ok", "no", "look").hint == "look"
    assert "shape" in expect_close("x", [1.0, 2.0] * ms, [1.0] * ms).message


def test_bad_exercise_id_format(monkeypatch):
    monkeypatch.undo()
    with pytest.raises(ValueError, match="look like '02.1'"):
        check("lif", x=1)
    with pytest.raises(ValueError, match="no lesson 98"):
        check("98.1", x=1)
