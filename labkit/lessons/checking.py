"""A learner's answers -> Feedback: one verdict per point checked, with hints.

Why a framework: every exercise ends with the same call, ``check(id, **answers)``, and
gets the same kind of answer: right / wrong / why / a hint, never the solution itself.
Checkers live next to their lesson (``labkit.lessons.lessonNN.CHECKS``) and are imported
only when asked for, so importing labkit stays cheap.
"""

from __future__ import annotations

import html
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from labkit.errors import ExerciseIncomplete
from labkit.units.dimension import DIMENSIONLESS, readable


@dataclass(frozen=True)
class Verdict:
    """One point checked: did it pass, what to tell the learner, and a hint if not."""

    ok: bool
    message: str
    hint: str = ""


@dataclass(frozen=True)
class Feedback:
    """All verdicts of one ``check(...)`` call; shows as text or, in a notebook, as HTML."""

    exercise: str
    verdicts: tuple[Verdict, ...]

    @property
    def passed(self) -> bool:
        return bool(self.verdicts) and all(v.ok for v in self.verdicts)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        head = "all correct" if self.passed else "not yet"
        lines = [f"Exercise {self.exercise}: {head}"]
        for v in self.verdicts:
            lines.append(f"  {'✓' if v.ok else '✗'} {v.message}")
            if not v.ok and v.hint:
                lines.append(f"    hint: {v.hint}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.passed else "#b35900"
        head = "all correct" if self.passed else "not yet"
        items = []
        for v in self.verdicts:
            mark = "✓" if v.ok else "✗"
            hint = f"<br><i>hint: {html.escape(v.hint)}</i>" if (v.hint and not v.ok) else ""
            items.append(f"<li>{mark} {html.escape(v.message)}{hint}</li>")
        return (f'<div style="border-left:4px solid {colour};padding-left:8px">'
                f"<b>Exercise {html.escape(self.exercise)}: {head}</b>"
                f"<ul style='list-style:none;padding-left:0'>{''.join(items)}</ul></div>")


Checker = Callable[..., Iterable[Verdict]]


def todo(where: str = "this exercise"):
    """The blank of an exercise: raises until the learner replaces it with an answer.

    ``where`` names the blank (``"exercise 02.1"``, written by the exercise generator); in
    IPython the error shows short: this message and the learner's line.
    """
    raise ExerciseIncomplete(f"{where[:1].upper()}{where[1:]} is waiting for your answer: "
                             "replace the todo(...) line with your code, then run the cell "
                             "again.")


def _lesson_checks(exercise: str) -> dict[str, Checker]:
    lesson = exercise.split(".", 1)[0]
    if not lesson.isdigit():
        raise ValueError(f"exercise ids look like '02.1' (lesson 02, exercise 1); got {exercise!r}")
    try:
        module = importlib.import_module(f"labkit.lessons.lesson{lesson}")
    except ModuleNotFoundError:
        raise ValueError(f"there is no lesson {lesson} with checked exercises") from None
    return module.CHECKS


def check(exercise: str, **answers) -> Feedback:
    """Run the checker of ``exercise`` on the learner's ``answers``.

    A wrong type or a crash inside the checker is reported as a verdict, not raised: a
    learner's odd answer must get feedback, not a traceback from labkit's internals.
    """
    checks = _lesson_checks(exercise)
    checker = checks.get(exercise)
    if checker is None:
        known = ", ".join(sorted(checks))
        raise ValueError(f"no exercise {exercise!r}; this lesson's exercises are {known}")
    try:
        verdicts = tuple(checker(**answers))
    except TypeError as error:
        verdicts = (Verdict(False, f"the check could not use your answers: {error}",
                            "pass the names the exercise asks for, e.g. check(..., tau=tau)"),)
    except Exception as error:  # noqa: BLE001 - any failure of the answer is feedback
        verdicts = (Verdict(False, f"your answer raised {type(error).__name__}: {error}"),)
    return Feedback(exercise, verdicts)


def _dims(value):
    return getattr(value, "dim", DIMENSIONLESS)


def expect_close(name: str, value, target, *, rtol: float = 1e-3, hint: str = "") -> Verdict:
    """Is ``value`` the quantity ``target`` (same unit, value within ``rtol``)?

    The message says which part is wrong (unit, shape or value) but never shows ``target``.
    """
    got, want = _dims(value), _dims(target)
    if got is not want:
        return Verdict(False, f"{name} has units of {readable(got)}, but it needs units of "
                              f"{readable(want)}", hint)
    a, b = np.asarray(value, dtype=float), np.asarray(target, dtype=float)
    if a.shape != b.shape:
        return Verdict(False, f"{name} has shape {a.shape}; expected shape {b.shape}", hint)
    if np.allclose(a, b, rtol=rtol, atol=0):
        return Verdict(True, f"{name} is right")
    direction = ""
    if a.size == 1 and np.isfinite(a).all():
        direction = " (too large)" if a.item() > b.item() else " (too small)"
    return Verdict(False, f"{name} has the right unit, but its value is off{direction}", hint)


def expect_true(condition: bool, message: str, failure: str, hint: str = "") -> Verdict:
    """A yes/no point: ``message`` when it holds, ``failure`` and ``hint`` when not."""
    return Verdict(True, message) if condition else Verdict(False, failure, hint)
