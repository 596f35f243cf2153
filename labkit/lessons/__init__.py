"""Lesson support: answer checkers, and (per lesson) model builders and panels.

``check("02.1", tau=tau)`` finds the checker of exercise 1 of lesson 02 in the module
``labkit.lessons.lesson02`` (its ``CHECKS`` dict), runs it on the learner's answers and
shows what is right, what is wrong and a hint, without revealing the answer.
"""

from labkit.lessons.checking import (
    Feedback,
    Verdict,
    check,
    expect_close,
    expect_true,
    todo,
)

__all__ = ["check", "todo", "Feedback", "Verdict", "expect_close", "expect_true"]
