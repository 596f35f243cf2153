"""connect()'s argument checks, and the cases that need no string: index arrays, False.

Why: ``S.connect(i=0, j=1)`` (the course's first synapse) needs no parsing, yet it went
through :mod:`labkit.synapses.connect`, whose string rules import sympy (~0.25 s of CPU
in a fresh process). These checks and cases are plain; both
:mod:`labkit.synapses.connect_call` (before anything else) and
:func:`labkit.synapses.connect.generate_connections` use them, so the errors and the
synapses are the same whichever called.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Sequence

import numpy as np

from labkit.errors import ArgumentValueError, shorten

__all__ = ["plain_connections"]


def plain_connections(n_source, n_target, *, condition, i, j, p, n, skip_if_invalid, rng):
    """connect()'s arguments checked (Brian2's type rules) -> the (i, j) int32 arrays when
    they need no string (index arrays for both ``i`` and ``j``; ``condition`` False), else
    None (a rule: :func:`labkit.synapses.connect.generate_connections` goes on)."""
    n_source, n_target = _size(n_source, "n_source"), _size(n_target, "n_target")
    _check_types(condition, i, j, p, n)
    if condition is not None:
        if i is None and j is None and (condition is False or condition == "False"):
            return _empty(), _empty()
        return None
    if i is not None and j is not None and not isinstance(i, str) and not isinstance(j, str):
        if skip_if_invalid:
            raise ValueError("skip_if_invalid can only be used with generator strings")
        return _from_arrays(i, j, n, p, n_source, n_target, rng)
    return None


def _empty() -> np.ndarray:
    return np.zeros(0, dtype=np.int32)


def _size(value, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
            or value < 0:
        raise TypeError(f"{name} must be a non-negative integer, not {value!r}")
    return int(value)


def _check_types(condition, i, j, p, n) -> None:
    """Brian2's argument type rules for connect()."""
    if condition is not None and not isinstance(condition, (bool, np.bool_, str)):
        raise TypeError("condition must be a string or a bool; to connect given indices, "
                        "use i=... and j=...")
    for name, value in (("i", i), ("j", j)):
        if value is not None and not isinstance(value, (numbers.Integral, np.ndarray,
                                                        Sequence)):
            raise TypeError(f"{name} must be an int, an array of ints or a string")
    if not isinstance(p, (numbers.Real, str)):
        raise TypeError(f"p must be a number or a string, not {type(p).__name__}")
    if isinstance(condition, str) and re.search(r"\bfor\b", condition):
        raise _generator_as_condition(condition)


def _generator_as_condition(condition: str) -> ArgumentValueError:
    """A loop given as ``condition``: say what a condition is and where a generator goes."""
    text = condition.strip()
    shown = f"connect(condition={shorten(text)!r})"
    if text[:1] in "[({" and text[-1:] in "])}":  # Python's comprehension, not Brian2's syntax
        inner = text[1:-1].strip()
        return ArgumentValueError(
            f"{shown}: a condition is an expression that holds or not for each pair, such "
            "as 'i != j'; a comprehension is not allowed. To give each i a list of targets, "
            f"write the loop without brackets as j: connect(j={shorten(inner)!r})")
    return ArgumentValueError(
        f"{shown}: a condition is an expression that holds or not for each pair, such as "
        f"'i != j'; this is a loop. To give each i a list of targets, write it as j: "
        f"connect(j={shorten(text)!r})")


def _indices(value, name: str, size: int, group: str) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{name} indices must be integers, not {array.dtype}")
    if array.size and (array.min() < 0 or array.max() >= size):
        bad = array.min() if array.min() < 0 else array.max()
        raise IndexError(f"{name}={bad} is outside the {group} group's range 0..{size - 1}")
    return array


def _from_arrays(i, j, n, p, n_source, n_target, rng):
    """Index arrays (broadcast together) -> pairs kept with probability p, repeated n times."""
    sources = _indices(i, "i", n_source, "source")
    targets = _indices(j, "j", n_target, "target")
    if isinstance(n, str):
        raise TypeError("with index arrays, n must be an int or an array of ints")
    counts = np.asarray(n)
    if counts.dtype.kind not in "iu" or (counts.size and counts.min() < 0):
        raise ValueError("n must be a non-negative integer (or array of them)")
    sources, targets, counts = np.broadcast_arrays(sources, targets, counts)
    if sources.ndim > 1:
        raise ValueError("index arrays must be one-dimensional")
    sources, targets, counts = (np.atleast_1d(a) for a in (sources, targets, counts))
    if isinstance(p, str):
        raise TypeError("with index arrays, p must be a number")
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a probability between 0 and 1, not {p!r}")
    if p != 1:
        keep = rng.random(len(sources)) < p
        sources, targets, counts = sources[keep], targets[keep], counts[keep]
    return (sources.repeat(counts).astype(np.int32),
            targets.repeat(counts).astype(np.int32))
