"""Every exception labkit raises, in one place (and :func:`suggest`, their "did you mean").

Each subclasses the matching builtin as well as :class:`LabkitError`, so code written for
Brian2 (``except ValueError``) keeps working, and every one pickles (its state lives in
``args``) so errors cross process boundaries such as a widget worker or a test runner.
"""

from __future__ import annotations

import difflib

#: Characters of a user's string an error message shows (a 40 kB expression must not make
#: a 120 kB message); the caret's neighbourhood is what is kept.
SHOWN = 240


def shorten(text: str, limit: int = SHOWN) -> str:
    """``text``, or its start and end around a note of how much was left out.

    >>> shorten("v > " + "1+" * 500 + "1", 40)
    'v > 1+1+1+1+1+1+1+ ... (1005 characters) ... 1+1+1+1+1'
    """
    if len(text) <= limit:
        return text
    head = text[: limit // 2].rstrip()
    tail = text[-(limit // 4):].lstrip()
    return f"{head} ... ({len(text)} characters) ... {tail}"


class LabkitError(Exception):
    """Base of every error labkit raises on purpose."""


class DimensionMismatchError(LabkitError, ValueError):
    """Two quantities that must share a dimension do not.

    ``DimensionMismatchError(description, *dims)``: ``dims`` are the offending
    :class:`~labkit.units.Dimension` objects; they are shown in readable units.
    """

    def __init__(self, description: str, *dims):
        super().__init__(description, *dims)
        self.description = description
        self.dims = dims

    def __str__(self) -> str:
        if not self.dims:
            return self.description
        shown = ", ".join(_readable(d) for d in self.dims)
        if len(self.dims) == 1:
            return f"{self.description} (unit is {shown})"
        return f"{self.description} (units are {shown})"


def _readable(dim) -> str:
    # A Dimension says how a user reads it; errors.py stays below the units package.
    readable = getattr(dim, "readable", None)
    return readable() if callable(readable) else str(dim)


class UnitError(LabkitError, ValueError):
    """A unit string or unit-related argument that cannot be understood."""


class EquationError(LabkitError, ValueError):
    """A model string that does not follow the equation grammar."""


class ExpressionError(LabkitError, SyntaxError):
    """An expression string uses syntax outside the whitelist (or is not valid Python).

    Subclasses SyntaxError because that is what the user wrote; the message quotes the
    string and puts a caret under the offending part.
    """

    def __init__(self, message: str, *rest):
        # SyntaxError's own constructor would reinterpret extra args; keep them as data.
        LabkitError.__init__(self, message, *rest)
        self.msg = message

    def __str__(self) -> str:
        return self.msg


class UnknownNameError(LabkitError, NameError):
    """A name in a string resolves to neither a model variable nor the namespace."""


class IntegrationError(LabkitError, ValueError):
    """The requested integration method cannot integrate these equations."""


class SymbolicTimeLimitError(LabkitError, RuntimeError):
    """sympy's work on a model (substituting, solving, simplifying) took too long and was
    stopped; the message says what it was doing and how to simplify the model."""


class SimulationError(LabkitError, RuntimeError):
    """A run that had to stop: NaN/inf state, a crashed kernel, a refused monitor."""


class OutOfMemoryError(LabkitError, MemoryError):
    """What was asked for (a group, a monitor's records, synapses) would not fit in the
    memory available; raised before allocating, with what would help."""


class DeviceError(LabkitError, RuntimeError):
    """A device that cannot do what was asked (missing compiler, failed build, ...)."""


class ArgumentTypeError(LabkitError, TypeError):
    """An argument of a type the function cannot use; the message says which it needs."""


class ArgumentValueError(LabkitError, ValueError):
    """An argument of the right type whose value the function cannot use (as Brian2, a
    ValueError); the message says what it must be."""


class NotFoundError(LabkitError, KeyError):
    """A name looked up in a collection (a group's variables, stored states) is not there.

    A KeyError, as Brian2 raises, but shown as the plain message (KeyError's own ``str``
    quotes it, escaping every newline and quote).
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownVariableError(LabkitError, AttributeError):
    """Setting an attribute of a group that is not one of its model variables."""


class ExerciseIncomplete(LabkitError, RuntimeError):
    """An exercise cell that still holds its blank (``todo(...)``) instead of an answer."""


class UnsupportedFeatureError(LabkitError, NotImplementedError):
    """A Brian2 feature that labkit does not offer (yet); the message says what to do instead.

    Subclasses NotImplementedError, which is what Brian2 raises for its own gaps.
    """


def suggest(name: str, candidates) -> str:
    """'; did you mean 'tau'?' for the closest candidate, or '' when none is close.

    >>> suggest("tua", ["tau", "v"])
    "; did you mean 'tau'?"
    """
    close = difflib.get_close_matches(name, list(dict.fromkeys(candidates)), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""
