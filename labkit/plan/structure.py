"""A group's strings + the kinds of its external names -> checked, integrated structure.

This is the slow part of building a run (sympy: unit checks, integration), so it is
cached in memory keyed only by structure: the equations, the method, the threshold,
reset and refractory strings, and for each external name whether it is a number or a
TimedArray and its dimension. Values never enter the key, so changing ``tau`` or ``N``
between runs costs a dictionary lookup here.
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass, field

import sympy
from sympy.core.function import AppliedUndef

from labkit.codegen.ir import Statement, UpdateBlock
from labkit.errors import DimensionMismatchError
from labkit.plan.externals import (  # noqa: F401 - kept here for the plans that import them
    constant_functions,
    dimension_of_external,
    external_kinds,
    symbols_for,
)
from labkit.units.dimension import DIMENSIONLESS, get_or_create_dimension, readable

__all__ = ["Structure", "build_structure", "names_in", "symbols_for", "parse_condition",
           "parse_code", "constant_functions"]

SECOND = get_or_create_dimension(s=1)


@functools.lru_cache(maxsize=1024)
def parse_condition(text: str, context: str = "threshold"):
    """Condition or expression text -> sympy (cached: groups are often rebuilt)."""
    from labkit.equations.expressions import parse_expression

    return parse_expression(text, context=context, allow_undefined_functions=True)


@functools.lru_cache(maxsize=1024)
def parse_code(text: str, context: str = "reset"):
    """Statement text -> tuple of parsed statements (cached)."""
    from labkit.equations.statements import parse_statements

    return parse_statements(text, context=context)


def names_in(expr) -> set[str]:
    """Every name an expression uses: symbols and called user functions."""
    return {s.name for s in expr.free_symbols} | {
        f.func.__name__ for f in expr.atoms(AppliedUndef)}


@dataclass(frozen=True)
class Structure:
    """What a neuron-like group runs, in model names (no values, no argument names).

    ``subexpressions`` maps each subexpression to its fully substituted right side.
    """

    block: UpdateBlock | None
    threshold: sympy.Expr | None
    reset: tuple[Statement, ...]
    refractory: str | None  # None, 'time' or 'condition'
    ref_expr: sympy.Expr | None
    subexpressions: tuple[tuple[str, sympy.Expr], ...]
    method: str = ""
    #: When no method was given: (why this one, seconds the choice took), for the INFO line.
    method_choice: tuple[str, float] | None = field(default=None, compare=False)


_cache: dict = {}
_lock = threading.Lock()


def build_structure(key: tuple, label: str, model, variables: dict, externals: dict,
                    method, threshold: str | None, reset: str | None, refractory,
                    boolean_externals: frozenset = frozenset(),
                    constant_functions: frozenset = frozenset()) -> Structure:
    """Check and integrate a group's model; cached under ``key`` (structure only).

    Parameters
    ----------
    key : tuple
        Everything below except values and ``label``; equal keys give equal results.
    label : str
        ``"NeuronGroup 'neurons'"``, for error messages.
    model : Equations
    variables : dict of name -> (Dimension, is_boolean)
        The group's variables (model names plus lastspike, not_refractory, ...).
    externals : dict of name -> Dimension
        Namespace names the strings use (numbers, quantities, TimedArrays).
    method : str or None
    threshold, reset : str or None
    refractory : None, ('time',) or ('string', text)
    boolean_externals : frozenset of str
        The names in ``externals`` whose values are booleans (usable as conditions).
    constant_functions : frozenset of str
        The names in ``externals`` whose calls are constant over a step (see
        :func:`constant_functions`); part of ``key``.
    """
    with _lock:
        found = _cache.get(key)
    if found is not None:
        return found
    result = _build(label, model, variables, externals, method, threshold, reset, refractory,
                    boolean_externals, constant_functions)
    with _lock:
        _cache[key] = result
    return result


def _resolver(model, variables, externals, boolean_externals=frozenset()):
    from labkit.equations.checks import GROUP_NAMES, Resolver, resolver

    base = resolver(model, None)
    dims = dict(base.dims)
    dims.update({name: dim for name, dim in externals.items()})
    dims.update({name: dim for name, (dim, _) in variables.items()})
    booleans = set(base.booleans) | {n for n, (_, b) in variables.items() if b} \
        | set(boolean_externals)
    # the model's own names are assignable only if they are stored (not subexpressions,
    # constants or linked variables)
    stored = base.variables or frozenset()
    assignable = frozenset(n for n in variables if (n not in GROUP_NAMES or n in (
        "lastspike", "not_refractory")) and (n not in model or n in stored)) | stored
    return Resolver(dims, frozenset(booleans), assignable, functions=True)


def _build(label, model, variables, externals, method, threshold, reset, refractory,
           boolean_externals=frozenset(), constant_functions=frozenset()):
    from labkit.equations.checks import (
        check_condition,
        check_dimensions,
        check_statement,
        infer_dimension,
        refuse_noise,
    )
    from labkit.integration import choose_method, integrate
    res = _resolver(model, variables, externals, boolean_externals)
    check_dimensions(model, res)
    subs = {}
    for name, expr in model.get_substituted_expressions(include_subexpressions=True):
        if model[name].kind == "sub":
            subs[name] = expr
    sub_symbols = {sympy.Symbol(n, real=True): e for n, e in subs.items()
                   if "constant over dt" not in model[n].flags}
    block = None
    method_name, method_choice = "", None
    if model.diff_eq_names:
        if method is None:
            start = time.perf_counter()
            method_name, reason = choose_method(model, constant_functions=constant_functions)
            method_choice = (reason, time.perf_counter() - start)
        else:
            method_name = method if isinstance(method, str) else getattr(method, "name", "")
        block = integrate(model, method if method is not None else method_name,
                          constant_functions)
    cond = None
    if threshold is not None:
        where = f"the threshold '{threshold}' of {label}"
        cond = parse_condition(threshold, "threshold")
        check_condition(cond, res, where=where)
        cond = cond.xreplace(sub_symbols)
    statements = []
    if reset:
        for stmt in parse_code(reset, "reset"):
            check_statement(stmt, res, where=f"the reset '{stmt.source or stmt}' of {label}")
            statements.append(Statement(stmt.target, stmt.value.xreplace(sub_symbols)))
    ref_kind, ref_expr = None, None
    if refractory is not None:
        if refractory[0] == "time":
            ref_kind, ref_expr = "time", sympy.Symbol("_refractory", real=True)
        else:
            text = refractory[1]
            where = f"the refractory '{text}' of {label}"
            expr = parse_condition(text, "refractory")
            refuse_noise(expr, where)
            try:
                dim = infer_dimension(expr, res, where=where)
            except DimensionMismatchError:
                raise
            if dim is SECOND:
                ref_kind = "time"
            elif dim is DIMENSIONLESS:
                check_condition(expr, res, where=where + " (a condition, or a time)")
                ref_kind = "condition"
            else:
                raise DimensionMismatchError(
                    f"{where} must be a time (e.g. '5*ms') or a condition (e.g. 'v > -50*mV'),"
                    f" but has units of {readable(dim)}")
            ref_expr = expr.xreplace(sub_symbols)
    return Structure(block, cond, tuple(statements), ref_kind, ref_expr,
                     tuple(subs.items()), method_name, method_choice)
