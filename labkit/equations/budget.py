"""(what sympy is about to do) -> that work, stopped with a clear error after a time limit.

Why: sympy's evaluation and solving can be exponential in the size of an expression. A
model string of sixty characters (``u = sin(0*log(-g))`` substituted into a condition) kept
it busy for minutes while the user saw nothing. Every place where labkit hands a user's
expressions to sympy runs inside :func:`time_limit`; past :data:`TIME_LIMIT` seconds the
work stops with a :class:`~labkit.errors.SymbolicTimeLimitError` that says what sympy was
doing and how to make it simpler.

The limit uses a real-time interval timer (``SIGALRM``), so it applies in the main thread
of a Unix process (scripts, notebooks, the test suite); elsewhere (a widget's worker
thread, Windows) the work runs unlimited, as before. Nested limits share the outermost
timer; the innermost names the work in the message. A timer someone else armed (e.g. a
test-timeout plugin) is left alone.
"""

from __future__ import annotations

import contextlib
import signal
import threading

from labkit.errors import SymbolicTimeLimitError

#: Seconds of sympy work allowed for one model string or one integration. The course's
#: slowest (Hodgkin-Huxley gates alone, where exact is tried and refused) takes 9 s on a
#: busy 2-core machine with a cold cache; most take well under 1 s.
TIME_LIMIT = 30.0

#: After the limit, the timer fires again this often, in case sympy swallowed the stop.
_REPEAT = 0.2

_state = threading.local()


class _Expired(BaseException):  # noqa: N818 (an internal signal, not an error)
    """Raised by the timer inside sympy; a BaseException so ``except Exception`` in sympy
    cannot swallow it."""


def _on_alarm(signum, frame):
    if not getattr(_state, "active", False):  # late: the limit has ended
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    _state.expired = True
    raise _Expired()


def _can_arm() -> bool:
    return (hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))


@contextlib.contextmanager
def time_limit(what, hint: str = ""):
    """Run the body with sympy's work limited to :data:`TIME_LIMIT` seconds.

    ``what`` says what sympy is doing (``'substituting the subexpressions of "..."'``), or
    is a function that says it: printing a model to say so costs more than the work itself,
    so it is done only when the limit is hit. ``hint`` is the fix to suggest beyond
    simplifying the expression by hand.

    >>> with time_limit("adding two numbers"):
    ...     1 + 1
    2
    """
    depth = getattr(_state, "depth", 0)
    armed = depth == 0 and bool(TIME_LIMIT) and _can_arm()
    if armed:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        _state.expired, _state.active = False, True
        signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT, _REPEAT)
    _state.depth = depth + 1
    try:
        yield
    except BaseException as error:
        # The stop lands anywhere inside sympy or Python (even inside ast, which then
        # raises SystemError): whatever comes out once the time is up is the limit.
        if not (isinstance(error, _Expired) or getattr(_state, "expired", False)) or \
                isinstance(error, SymbolicTimeLimitError):
            raise
        _state.active = False  # the innermost limit reports; stop repeating
        signal.setitimer(signal.ITIMER_REAL, 0)
        _forget_partial_work()
        raise _limit_error(what() if callable(what) else what, hint) from None
    finally:
        _state.depth = depth
        if armed:
            _disarm(previous)


def _disarm(previous) -> None:
    """Stop the timer and put the previous handler back, even if the timer fires while
    this runs (left armed, it kept interrupting code outside any limit)."""
    while True:
        try:
            _state.active = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            _state.expired = False  # a later error, under no limit, is not the limit's
            return
        except _Expired:
            continue


def _forget_partial_work() -> None:
    """Drop sympy's cache: an object whose construction was stopped half-way may be in it."""
    import sys

    cache = sys.modules.get("sympy.core.cache")
    if cache is not None:
        cache.clear_cache()


def _limit_error(what: str, hint: str) -> SymbolicTimeLimitError:
    fix = ("write it more simply by hand (fewer nested functions, no constant parts such "
           "as 0*log(x), conditions as separate subexpressions)")
    if hint:
        fix += f", or {hint}"
    return SymbolicTimeLimitError(
        f"sympy worked on {what} for more than {TIME_LIMIT:g} s and was stopped: {fix}")
