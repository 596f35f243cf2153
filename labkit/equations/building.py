"""The sympy half of :class:`~labkit.equations.equations.Equations`: parsing its text,
renaming, combining, ordering subexpressions, substituting them, and its plain lines.

Kept apart so that the Equations class imports without sympy: an object whose recipe was
seen before (:mod:`labkit.equations.plain`) calls into this module only when something
reads its sympy form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

import sympy

from labkit.equations.budget import time_limit
from labkit.equations.expressions import substitute
from labkit.equations.functions import rand, randn
from labkit.equations.grammar import _check_name, parse_equations
from labkit.equations.model import SingleEquation
from labkit.equations.plain import PlainLine
from labkit.equations.printing import expression_str
from labkit.equations.stored import parsed_equations
from labkit.equations.symbols import symbol
from labkit.errors import EquationError, shorten

__all__ = ["CONSTANT_OVER_DT", "added", "checked_index", "dependency_order", "from_recipe",
           "parsed_text", "plain_lines", "renamed", "substituted", "unbound"]

CONSTANT_OVER_DT = "constant over dt"


def parsed_text(text: str) -> tuple[SingleEquation, ...]:
    """Model text -> its lines (parsed, or read back from the parse store)."""
    with time_limit(f"the equations '{shorten(text.strip())}'"):
        return parsed_equations(text, parse_equations)


def checked_index(equations: Iterable[SingleEquation]) -> dict[str, SingleEquation]:
    """Lines -> name -> line, refusing a name defined twice and subexpression cycles."""
    indexed: dict[str, SingleEquation] = {}
    for eq in equations:
        if eq.name in indexed:
            raise EquationError(
                f"'{eq.name}' is defined twice: {indexed[eq.name].source or indexed[eq.name]!s} "
                f"and {eq.source or eq!s}"
            )
        indexed[eq.name] = eq
    for name, eq in indexed.items():
        if eq.kind == "sub" and symbol(name) in eq.expr.free_symbols:
            raise EquationError(f"the subexpression '{name}' refers to itself: {eq.source or eq}")
    dependency_order(indexed)
    return indexed


def unbound(equations: Iterable[SingleEquation], bound: Iterable[str]) -> tuple:
    """``equations``, refusing a value bound (``Equations(..., tau=10*ms)``, or a sum's) to
    a name they define."""
    equations = tuple(equations)
    defined = {eq.name for eq in equations}
    for name in bound:
        if name in defined:
            raise EquationError(f"cannot replace the model variable '{name}' with a value")
    return equations


def from_recipe(recipe, made=None) -> dict[str, SingleEquation]:
    """The recipe of an Equations object made from text (its texts, renames, bound names
    and sums) -> name -> line, as that object's own ``make`` gave them: what an unpickled
    object parses when an expression is read. Its bound values' checks passed when the
    recipe was first made. ``made``: a ``("made", ...)`` part -> its lines (its
    ``remake``'s)."""
    kind = recipe[0]
    if kind == "text":
        return checked_index(parsed_text(recipe[1]))
    if kind == "made" and made is not None:
        return made(recipe)
    if kind == "subs":
        _, inner, renames, _ = recipe
        base = tuple(from_recipe(inner, made).values())
        return checked_index(renamed(base, dict(renames)) if renames else base)
    if kind == "sum":
        return checked_index(added(from_recipe(recipe[1], made).values(),
                                   from_recipe(recipe[2], made).values()))
    raise EquationError(f"an Equations recipe of kind {kind!r} cannot be made again")


def renamed(equations: tuple[SingleEquation, ...], renames: Mapping[str, str]) -> tuple:
    """Lines with the names in ``renames`` renamed everywhere (definitions, symbols, calls)."""
    mapping = {symbol(old): symbol(new) for old, new in renames.items()}
    functions = {sympy.Function(old): sympy.Function(new) for old, new in renames.items()}
    result = []
    for eq in equations:
        new_name = renames.get(eq.name, eq.name)
        if new_name != eq.name:
            _check_name(new_name, f"renaming '{eq.name}'")
        expr = eq.expr
        if expr is not None:
            expr = expr.xreplace(mapping)
            if functions:
                expr = expr.replace(
                    lambda e: isinstance(e, sympy.core.function.AppliedUndef)
                    and e.func in functions,
                    lambda e: functions[e.func](*e.args),
                )
        result.append(replace(eq, name=new_name, expr=expr))
    return tuple(result)


def added(left: Iterable[SingleEquation], right: Iterable[SingleEquation]) -> tuple:
    """The lines of ``left + right``: the right's ``rand()`` call sites numbered after the
    left's, so that the two never share a random number."""
    left, right = tuple(left), tuple(right)
    offset = 1 + max((_random_sites(eq.expr) for eq in left), default=-1)
    shifted = tuple(eq if eq.expr is None else replace(eq, expr=_shift_random(eq.expr, offset))
                    for eq in right)
    return left + shifted


def dependency_order(equations: Mapping[str, SingleEquation]) -> list[str]:
    """Subexpression names, each after the subexpressions it uses (definition order kept)."""
    subs = {name: eq for name, eq in equations.items() if eq.kind == "sub"}
    uses = {
        name: {s.name for s in eq.expr.free_symbols} & subs.keys() - {name}
        for name, eq in subs.items()
    }
    ordered: list[str] = []
    done: set[str] = set()
    while len(ordered) < len(subs):
        ready = [n for n in subs if n not in done and uses[n] <= done]
        if not ready:
            stuck = [n for n in subs if n not in done]
            raise EquationError(
                f"the subexpressions {', '.join(stuck)} refer to each other in a cycle"
            )
        ordered.extend(ready)
        done.update(ready)
    return ordered


def substituted(equations: Mapping[str, SingleEquation],
                include_subexpressions: bool) -> list[tuple[str, sympy.Expr]]:
    """See :meth:`Equations.get_substituted_expressions`."""
    found: dict[sympy.Symbol, sympy.Expr] = {}
    for name in dependency_order(equations):
        eq = equations[name]
        if CONSTANT_OVER_DT not in eq.flags:
            found[symbol(name)] = substitute(eq.expr, found)
    result = [(eq.name, substitute(eq.expr, found)) for eq in equations.values()
              if eq.kind == "diff"]
    if include_subexpressions:
        result += [(name, substitute(equations[name].expr, found))
                   for name in dependency_order(equations)]
    return result


def _uses(expr) -> frozenset:
    if expr is None:
        return frozenset()
    return frozenset({s.name for s in expr.free_symbols} | {
        f.func.__name__ for f in expr.atoms(sympy.core.function.AppliedUndef)})


def plain_lines(equations: Mapping[str, SingleEquation]) -> tuple[PlainLine, ...]:
    """Parsed lines -> their plain form (:class:`~labkit.equations.plain.PlainLine`)."""
    return tuple(PlainLine(eq.kind, eq.name, eq.dim, eq.var_type, frozenset(eq.flags),
                           eq.source, None if eq.expr is None else expression_str(eq.expr),
                           str(eq), _uses(eq.expr))
                 for eq in equations.values())


def _random_sites(expr) -> int:
    """The largest rand()/randn() call-site number in ``expr`` (-1 if none)."""
    if expr is None:
        return -1
    sites = [int(call.args[0]) for call in expr.atoms(rand, randn)]
    return max(sites, default=-1)


def _shift_random(expr: sympy.Expr, offset: int) -> sympy.Expr:
    calls = expr.atoms(rand, randn)
    if not calls or offset == 0:
        return expr
    return expr.xreplace({c: c.func(sympy.Integer(int(c.args[0]) + offset)) for c in calls})
