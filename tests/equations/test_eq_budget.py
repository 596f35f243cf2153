"""sympy's work on a model is time-limited: a clear labkit error instead of a hang."""

import signal
import time

import pytest

from labkit.equations import Equations, budget
from labkit.errors import SymbolicTimeLimitError
from labkit.integration import integrate

# Four coupled linear equations with symbolic coefficients: sympy's exact solution (a
# symbolic matrix exponential) takes minutes.
COUPLED = """
da/dt = (-a + k1*b + k2*c)/tau : 1
db/dt = (-b + k3*a + k4*c + k5*d)/tau : 1
dc/dt = (-c + k6*a + k7*b)/tau : 1
dd/dt = (-d + k8*a)/tau : 1
"""


def test_a_symbolic_solution_that_takes_too_long_stops_with_the_fix(monkeypatch):
    monkeypatch.setattr(budget, "TIME_LIMIT", 1.0)
    started = time.perf_counter()
    with pytest.raises(SymbolicTimeLimitError, match=r"integrating 'da/dt.*with method "
                       r"'exact' for more than 1 s.*method='euler'"):
        integrate(Equations(COUPLED), "exact")
    assert time.perf_counter() - started < 10
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # the timer is gone
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
    # the same equations integrate with a method that needs no solving
    assert integrate(Equations(COUPLED), "euler").method == "euler"


def test_nested_limits_share_one_timer_and_the_innermost_names_the_work(monkeypatch):
    monkeypatch.setattr(budget, "TIME_LIMIT", 0.5)
    with pytest.raises(SymbolicTimeLimitError, match="the inner work"):
        with budget.time_limit("the outer work"):
            with budget.time_limit("the inner work"):
                while True:
                    pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_someone_elses_timer_is_left_alone(monkeypatch):
    monkeypatch.setattr(budget, "TIME_LIMIT", 0.1)
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    try:
        with budget.time_limit("work"):
            time.sleep(0.2)  # past our limit, which is not armed
        time.sleep(0.3)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert fired == [True]


def test_whatever_escapes_after_the_time_is_up_is_the_limit(monkeypatch):
    # the stop lands anywhere: inside ast it comes out as SystemError ("AST constructor
    # recursion depth mismatch"), inside sympy as TypeError from a half-built object
    monkeypatch.setattr(budget, "TIME_LIMIT", 0.05)
    with pytest.raises(SymbolicTimeLimitError, match="sympy worked on a test"):
        with budget.time_limit("a test"):
            try:
                time.sleep(1)
            except BaseException:
                raise SystemError("what the interrupted code made of it") from None
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with pytest.raises(ValueError, match="a later error"):  # not the limit's any more
        with budget.time_limit("another test"):
            raise ValueError("a later error")


def test_an_alarm_after_the_limit_ended_is_ignored(monkeypatch):
    monkeypatch.setattr(budget, "TIME_LIMIT", 0.05)
    with budget.time_limit("a quick test"):
        previous = signal.getsignal(signal.SIGALRM)
    signal.signal(signal.SIGALRM, previous)   # the handler, left by a stop that came late
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.01)
        time.sleep(0.1)                        # no _Expired here, and the timer is stopped
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
