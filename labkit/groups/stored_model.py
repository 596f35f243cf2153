"""What building a group needs from its strings, kept on disk without sympy.

Why: a fresh process (each lesson's kernel, each script) spent most of its first model
build importing sympy (0.2-0.25 s of CPU) and reading back its stored parse, although a
group's construction needs only plain facts about its strings: the model's lines (name,
kind, unit, type, flags) and whether a threshold, reset or ``on_pre`` string parses (and
the names a reset writes). Those facts depend only on the text and labkit's code, so they
are kept in :func:`labkit.cache.load_plain`'s store, keyed by the text and
:func:`labkit.cache.source_version`; a text seen before gives them without importing
sympy, and the sympy forms (``G.equations``, a subexpression's ``expr``) are parsed only
when something reads them (a run's planning). A text not seen before, or a damaged entry,
takes the cold path: the full parse, with its errors exactly as before, and the facts are
stored afterwards (only successful parses are stored).
"""

from __future__ import annotations

from dataclasses import dataclass

from labkit.cache import load_plain, save_plain, source_version
from labkit.units.dimension import Dimension

__all__ = ["ModelLine", "checked_code", "checked_condition", "model_lines"]

#: The code whose change invalidates the stored facts (the parser, the units, the
#: structure that checks strings, the groups that use them).
_PACKAGES = ("equations", "units", "plan", "groups", "synapses")


@dataclass(frozen=True)
class ModelLine:
    """One line of a model, as construction sees it (a SingleEquation without ``expr``)."""

    kind: str
    name: str
    dim: Dimension
    var_type: str
    flags: frozenset
    source: str = ""


def _version() -> str:
    return source_version(_PACKAGES)


def lines_of(equations) -> tuple[ModelLine, ...]:
    """Equations -> its lines without the sympy expressions (read from its plain lines:
    an object made before in another process has no sympy form until one is asked for)."""
    return tuple(ModelLine(eq.kind, eq.name, eq.dim, eq.var_type, frozenset(eq.flags),
                           eq.source) for eq in equations.plain_lines())


def _valid_lines(found) -> bool:
    return isinstance(found, tuple) and all(
        isinstance(line, ModelLine) and isinstance(line.dim, Dimension)
        and isinstance(line.flags, frozenset) for line in found)


def model_lines(text: str, parse) -> tuple[ModelLine, ...]:
    """Model text -> its lines, from the plain store when this text was parsed before,
    else ``lines_of(parse(text))`` (the full parse, which may raise), then stored."""
    found = load_plain("model-lines", text, _version(), _valid_lines)
    if found is None:
        found = lines_of(parse(text))
        save_plain("model-lines", text, _version(), found)
    return found


def checked_condition(text: str, context: str) -> None:
    """Parse the condition (or expression) ``text`` unless it parsed before (then
    nothing: a condition that parsed once parses again)."""
    key = f"{context}\0{text}"
    if load_plain("condition", key, _version(), lambda found: found is True) is None:
        from labkit.plan.structure import parse_condition  # loads sympy

        parse_condition(text, context)
        save_plain("condition", key, _version(), True)


def checked_code(text: str, context: str) -> tuple[str, ...]:
    """Statements' text -> the names they assign to, in order: stored, or parsed (which
    may raise)."""
    key = f"{context}\0{text}"
    found = load_plain("code-targets", key, _version(), lambda found: isinstance(
        found, tuple) and all(isinstance(name, str) for name in found))
    if found is None:
        from labkit.plan.structure import parse_code  # loads sympy

        found = tuple(stmt.target for stmt in parse_code(text, context))
        save_plain("code-targets", key, _version(), found)
    return found
