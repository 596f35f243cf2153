"""Course tooling: notebooks with authored answers -> what learners get.

Solutions become exercise notebooks (``python -m labkit.course exercises`` regenerates
them; the test suite fails when a committed exercise differs from what its solution
generates), and lessons become the learner's lesson, inline blanks and folded answers.
"""

from labkit.course.exercises import (
    ANSWER_BEGIN,
    ANSWER_END,
    generate_all,
    has_answers,
    make_exercise,
    make_lesson,
    out_of_sync,
)

__all__ = ["ANSWER_BEGIN", "ANSWER_END", "make_exercise", "make_lesson", "has_answers",
           "generate_all", "out_of_sync"]
