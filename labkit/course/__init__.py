"""Course tooling: solutions/ (the authored notebooks) -> exercises/ (what learners get).

``python -m labkit.course exercises`` regenerates every exercise notebook; the test suite
fails when a committed exercise differs from what its solution generates.
"""

from labkit.course.exercises import (
    ANSWER_BEGIN,
    ANSWER_END,
    generate_all,
    make_exercise,
    out_of_sync,
)

__all__ = ["ANSWER_BEGIN", "ANSWER_END", "make_exercise", "generate_all", "out_of_sync"]
