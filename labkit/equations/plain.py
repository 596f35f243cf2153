"""An Equations object's lines as plain data, kept on disk under the recipe that made it.

Why: lesson 02's ``Equations(text, tau=10*ms) + Equations('I : 1')`` imported sympy in
every process (0.2-0.25 s of CPU) only to parse text that an earlier process had parsed
already, although what building and running a group from it needs is plain: each line's
name, kind, unit, type, flags and printed form. An object made from text is decided by
its *recipe* (the texts, renames, bound names and sums that made it) and labkit's code,
so its lines are kept in :func:`labkit.cache.load_plain`'s store under the recipe; a
recipe seen before gives an object whose sympy form is parsed only when something reads
it (``eqs['v'].expr``, integration on a cold path).
"""

from __future__ import annotations

from dataclasses import dataclass

from labkit.cache import load_plain, save_plain, source_version
from labkit.units.dimension import Dimension

__all__ = ["PlainLine", "load_lines", "store_lines"]

#: The code whose change invalidates stored lines: the parser and the units.
_PACKAGES = ("equations", "units")


@dataclass(frozen=True)
class PlainLine:
    """One line without sympy: a SingleEquation's fields, its expression as printed
    (None for a parameter), the line as printed, and the names its expression uses
    (symbols and called functions)."""

    kind: str
    name: str
    dim: Dimension
    var_type: str
    flags: frozenset
    source: str
    expr_text: str | None
    text: str
    uses: frozenset


def _valid(found) -> bool:
    return isinstance(found, tuple) and all(
        isinstance(line, PlainLine) and isinstance(line.dim, Dimension)
        and isinstance(line.flags, frozenset) and isinstance(line.uses, frozenset)
        for line in found)


def load_lines(recipe) -> tuple[PlainLine, ...] | None:
    """The lines stored for ``recipe`` (plain data), or None (not seen, or unreadable)."""
    return load_plain("equations-lines", repr(recipe), source_version(_PACKAGES), _valid)


def store_lines(recipe, lines: tuple[PlainLine, ...]) -> None:
    """Keep ``lines`` (of an object made successfully, the cold way) under ``recipe``."""
    save_plain("equations-lines", repr(recipe), source_version(_PACKAGES), lines)
