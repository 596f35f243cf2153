"""Statements of user code -> checked statements, split into a scalar and a vector block.

Why: code that runs over a group (``run_regularly``) follows Brian2's rules for abstract
code, which plain resets never needed:

* assigning to a name that is not a variable defines a *temporary*, with the units of
  its value (``w_minus = A*(v/mV - theta)``); temporaries are renamed ``_u_<name>`` so
  that they cannot clash with a variable or with the temporaries of the integrators;
* a statement is *scalar* (run once, before the elements) when its target is a
  ``(shared)`` variable, or a temporary whose value uses only names that are the same for
  every element (shared variables, constants, ``t``, ``dt``, ``N``) and no random number;
  all other statements are *vector* (run for each element). As in Brian2, writes to
  shared variables must come before the first vector statement, and ``rand()`` in a
  scalar statement draws one number for the whole group (``direction = rand()*2*pi``);
* scalar temporaries are substituted into the statements that use them (so that the
  vector block, compiled apart, needs no value from the scalar block but the shared
  variables themselves).

>>> from labkit.equations.checks import resolver
>>> from labkit.equations.statements import parse_statements
>>> code = translate(parse_statements('''
...     direction = rand()*2*pi
...     offset = 2*direction
...     pick = floor(rand()*5)
...     rate = offset*int(pick == i)
... '''), resolver(namespace={"direction": 0.0, "rate": 0.0}),
...     scalar_names={"direction"}, assignable={"direction", "rate"}, where="code")
>>> [str(s) for s in code.scalar]
['direction = 2*pi*rand()']
>>> [str(s) for s in code.vector]
['_u_pick = floor(5*rand())', 'rate = 2*direction*int(_u_pick == i)']
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef

from labkit.equations.checks import Resolver, _Inference, check_statement
from labkit.equations.functions import rand, randn
from labkit.equations.statements import Statement
from labkit.equations.symbols import symbol
from labkit.errors import ExpressionError

__all__ = ["Code", "translate", "TEMPORARY_PREFIX"]

#: What a user's temporary is renamed to: ``w_minus`` -> ``_u_w_minus``.
TEMPORARY_PREFIX = "_u_"


@dataclass(frozen=True)
class Code:
    """``scalar`` statements run once, then ``vector`` ones for each element (in order).

    Targets are variables or renamed temporaries; every statement is ``target = value``.
    """

    scalar: tuple[Statement, ...]
    vector: tuple[Statement, ...]


def _names(expr) -> set[str]:
    return {s.name for s in expr.free_symbols} | {
        f.func.__name__ for f in expr.atoms(AppliedUndef)}


def translate(statements, resolve: Resolver, *, scalar_names, assignable, where: str) -> Code:
    """Check ``statements`` in order and split them (see the module docstring).

    Parameters
    ----------
    statements : sequence of Statement
        As parsed by :func:`~labkit.equations.statements.parse_statements`.
    resolve : Resolver
        Dimensions (and booleans) of every name the code may read.
    scalar_names : set of str
        The names among them that are the same for every element.
    assignable : set of str
        The variables the code may write (``(shared)`` ones among ``scalar_names``).
    where : str
        What the code is, for error messages ("the run_regularly code of ...").
    """
    dims, booleans = dict(resolve.dims), set(resolve.booleans)
    scalar = set(scalar_names)
    writable = set(assignable)
    renamed: dict[str, str] = {}  # user temporary -> its name in the statements
    values: dict[sympy.Symbol, sympy.Expr] = {}  # scalar temporary -> its current value
    stale: set[str] = set()  # scalar temporaries whose inputs changed after them
    scalar_block: list[Statement] = []
    vector_block: list[Statement] = []
    for stmt in statements:
        expr = stmt.expr.xreplace({symbol(n): symbol(r) for n, r in renamed.items()})
        _refuse_stale(expr, stale, where, stmt)
        expr = expr.xreplace(values)
        target = renamed.get(stmt.target, stmt.target)
        known = Resolver(dims, frozenset(booleans), frozenset(writable))
        text = f"'{stmt.source or stmt}' in {where}"
        if target not in dims and stmt.op == "=":  # a new temporary
            target = renamed[stmt.target] = TEMPORARY_PREFIX + stmt.target
            inference = _Inference(known, text, frozenset(booleans))
            dims[target] = inference.dim(expr)
            if inference.is_boolean(expr):
                booleans.add(target)
            writable.add(target)
        else:
            checked = Statement(target, stmt.op, expr, stmt.source)
            check_statement(checked, known, where=text)
        value = Statement(target, stmt.op, expr, stmt.source).value
        is_temporary = target.startswith(TEMPORARY_PREFIX)
        uniform = _names(value) <= scalar and not value.has(rand, randn)
        if is_temporary and uniform:
            values[symbol(target)] = value
            scalar.add(target)
            continue
        if is_temporary:
            scalar.discard(target)
            values.pop(symbol(target), None)
        for temp, temp_value in list(values.items()):
            if target in _names(temp_value):  # substituting it later would be wrong
                stale.add(temp.name)
                del values[temp]
        if target in scalar_names:  # a (shared) variable
            if vector_block:
                raise ExpressionError(
                    f"in {where}: '{stmt.source or stmt}' writes the (shared) variable "
                    f"'{target}' after a statement that runs for each element; write the "
                    "shared variables first (Brian2's rule)")
            scalar_block.append(Statement(target, "=", value, stmt.source))
        else:
            vector_block.append(Statement(target, "=", value, stmt.source))
    return Code(tuple(scalar_block), tuple(vector_block))


def _refuse_stale(expr, stale: set[str], where: str, stmt) -> None:
    """A scalar temporary is substituted where it is used: refuse a use after one of its
    inputs changed (the substituted value would read the new one)."""
    for name in sorted(_names(expr) & stale):
        raise ExpressionError(
            f"in {where}: '{stmt.source or stmt}' uses the temporary "
            f"'{name[len(TEMPORARY_PREFIX):]}' after a variable it was computed from "
            "changed; labkit substitutes such temporaries where they are used, so compute "
            "it again after that change (or keep it in a (shared) variable)")
