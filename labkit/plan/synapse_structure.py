"""A Synapses' strings + the kinds of its names -> checked statements per operation.

Input: the model (Equations), the pathway codes, and a table saying what every name the
strings may use is: a synaptic variable (``'syn'``), a source or target variable
(``'pre'``/``'post'``, with the suffix already in the name), an integer (``N``, ``N_pre``),
the clock's ``t``/``dt``, or an external constant / TimedArray, each with its dimension.
Output: a :class:`SynapseStructure` in model names, cached by that key only, so changing
weights, delays or external values never redoes this (sympy-heavy) work.

Brian2's rules kept here: a plain name in ``on_pre`` that is a target variable (and not a
synaptic one) means ``name_post``; ``(event-driven)`` equations are integrated exactly
over ``t - lastupdate`` before a pathway's code, which ends with ``lastupdate = t``;
``(clock-driven)`` equations are integrated every step; ``(summed)`` subexpressions give
a per-target sum.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import sympy

from labkit.codegen.ir import Statement, UpdateBlock
from labkit.equations.equations import Equations
from labkit.errors import DimensionMismatchError, UnknownNameError, suggest
from labkit.units.dimension import readable

__all__ = ["SynapseStructure", "build_synapses", "split_model"]

#: Brian2's default methods for synaptic (clock-driven) equations.
DEFAULT_METHODS = ("exact", "euler", "heun")


@dataclass(frozen=True)
class SynapseStructure:
    """What a Synapses runs, in model names.

    ``update``: the clock-driven block (or None); ``pathways``: per pathway, its statements
    (event-driven update, the user's code, ``lastupdate = t``); ``summed``: (target name
    such as ``g_post``, expression) per summed variable.
    """

    update: UpdateBlock | None
    pathways: tuple[tuple[Statement, ...], ...]
    summed: tuple[tuple[str, sympy.Expr], ...]


def split_model(model):
    """Equations -> (equations without summed lines, event-driven flag, summed lines)."""
    summed = tuple(eq for eq in model.values() if "summed" in eq.flags)
    base = Equations([eq for eq in model.values() if "summed" not in eq.flags])
    event = any(eq.kind == "diff" and "event-driven" in eq.flags for eq in base.values())
    return base, event, summed


_cache: dict = {}
_lock = threading.Lock()


def build_synapses(key, label: str, model, codes, table: dict, method, aliases: dict,
                   constant_functions: frozenset = frozenset(),
                   conditional: frozenset = frozenset(), sides: tuple = ()) -> SynapseStructure:
    """Check and integrate a Synapses' strings; cached under ``key`` (structure only).

    ``codes``: (pathway name, prepost, code text) per pathway; ``table``: name ->
    (kind, Dimension, is_boolean, assignable); ``aliases``: plain target names ->
    ``name_post``; ``constant_functions``: functions constant over a step (TimedArrays);
    ``conditional``: source/target variables (``v_post``) written only where that neuron
    is not refractory (Brian2's rule for ``(unless refractory)`` variables);
    ``sides``: (``F_post``, its expression over synaptic names) per subexpression of the
    source or target the strings read, put in place of the name after the checks, as
    Brian2 puts a referred subexpression into the code. All are part of ``key``.
    """
    with _lock:
        found = _cache.get(key)
    if found is None:
        found = _build(label, model, codes, table, method, aliases, constant_functions,
                       conditional, sides)
        with _lock:
            _cache[key] = found
    return found


def _resolver(table: dict):
    from labkit.equations.checks import Resolver
    from labkit.equations.unitspec import _unit_tables

    dims = dict(_unit_tables()[1])
    dims.update({name: dim for name, (_, dim, _, _) in table.items()})
    booleans = frozenset(n for n, (_, _, b, _) in table.items() if b)
    assignable = frozenset(n for n, (_, _, _, a) in table.items() if a)
    return Resolver(dims, booleans, assignable, functions=True)


def _substitutions(base) -> dict:
    """Synaptic subexpressions -> their right sides (fully substituted)."""
    subs = {}
    for name, expr in base.get_substituted_expressions(include_subexpressions=True):
        eq = base[name]
        if eq.kind == "sub" and "constant over dt" not in eq.flags:
            subs[sympy.Symbol(name, real=True)] = expr
    return subs


def _build(label, model, codes, table, method, aliases, constant_functions=frozenset(),
           conditional=frozenset(), sides=()) -> SynapseStructure:
    from labkit.equations.checks import (
        Resolver,
        check_dimensions,
        check_statement,
        infer_dimension,
    )
    from labkit.integration import integrate, integrate_event_driven
    from labkit.plan.structure import parse_code
    res = _resolver(table)
    base, event, summed = split_model(model)
    check_dimensions(base, res)
    # a synaptic subexpression may read the other group's (x = w*I_pre): xreplace is one
    # pass, so those are put into its right side first
    side = {sympy.Symbol(name, real=True): expr for name, expr in sides}
    subs = {name: expr.xreplace(side) for name, expr in _substitutions(base).items()}
    subs.update(side)
    alias = {sympy.Symbol(k, real=True): sympy.Symbol(v, real=True) for k, v in aliases.items()}
    update = None
    if any(eq.kind == "diff" and "event-driven" not in eq.flags for eq in base.values()):
        update = integrate(base, method if method is not None else DEFAULT_METHODS,
                           constant_functions)
        if sides:  # the other group's subexpressions, constant over the synapses' step
            update = replace(update, statements=tuple(
                Statement(s.target, s.expr.xreplace(subs)) for s in update.statements))
    event_block = integrate_event_driven(base) if event else None
    pathways = []
    for objname, prepost, code in codes:
        statements = list(event_block.statements) if event_block is not None else []
        local, temps = res, {}  # temporaries: their units are their first value's
        for stmt in parse_code(code, f"on_{prepost}"):
            target = aliases.get(stmt.target, stmt.target)
            expr = stmt.expr.xreplace(alias).xreplace(temps)
            where = f"the on_{prepost} code '{stmt.source or stmt}' of {label}"
            if objname not in ("pre", "post"):
                where += f" (pathway '{objname}')"
            if is_temporary(stmt, target in table) or sympy.Symbol(target, real=True) in temps:
                symbol = temps.setdefault(sympy.Symbol(target, real=True),
                                          sympy.Symbol(_temporary(target), real=True))
                dim = infer_dimension(expr, local, where=where)
                if symbol.name in local.dims and local.dims[symbol.name] is not dim:
                    raise DimensionMismatchError(
                        f"in {where}: '{target}' had units of "
                        f"{readable(local.dims[symbol.name])}, now {readable(dim)}")
                local = Resolver({**local.dims, symbol.name: dim}, local.booleans,
                                 local.variables, local.functions)
                statements.append(Statement(symbol.name, expr.xreplace(subs)))
                continue
            renamed = type(stmt)(target, stmt.op, expr, stmt.source)
            _check_target(target, table, where)
            check_statement(renamed, local, where=where)
            statements.append(_conditional(target, renamed.value.xreplace(subs), conditional))
        if event:
            statements.append(Statement("lastupdate", sympy.Symbol("t", real=True)))
        pathways.append(tuple(statements))
    sums = []
    for eq in summed:
        name = eq.name
        if table.get(name, ("",))[0] not in ("pre", "post") or not name.endswith(
                ("_pre", "_post")):
            raise ValueError(f"{label}: the summed variable '{name}' must name a variable "
                             "of the source or target group with _pre or _post, e.g. "
                             "'g_syn_post = g : siemens (summed)'")
        expr = eq.expr.xreplace(alias)
        got = infer_dimension(expr, res, where=f"the summed variable '{name}' of {label}")
        if got is not table[name][1] or eq.dim is not table[name][1]:
            raise DimensionMismatchError(
                f"{label}: the summed variable '{name}' has units of {readable(eq.dim)} "
                f"(its expression: {readable(got)}), but the group's variable has "
                f"{readable(table[name][1])}")
        sums.append((name, expr.xreplace(subs)))
    return SynapseStructure(update, tuple(pathways), tuple(sums))


def is_temporary(stmt, known: bool) -> bool:
    """Whether ``stmt`` makes a temporary of pathway code (Brian2's abstract code): a plain
    ``=`` to a name that is no variable (``known``: of the synapses, source or target)."""
    return stmt.op == "=" and not known and not stmt.target.endswith(("_pre", "_post"))


def _temporary(name: str) -> str:
    """A temporary's name in the statements: internal (``_``), so code declares it."""
    return f"_lkt_{name}"


def _conditional(target: str, value: sympy.Expr, conditional: frozenset) -> Statement:
    """``v_post = value`` -> written only where the neuron is not refractory, if ``v_post``
    is an ``(unless refractory)`` variable (Brian2 drops such writes during the refractory
    period; the old value is kept, so serial order and summation stay exact)."""
    if target not in conditional:
        return Statement(target, value)
    side = target[target.rindex("_"):]
    free = sympy.Symbol(f"not_refractory{side}", real=True)
    old = sympy.Symbol(target, real=True)
    return Statement(target, sympy.Piecewise((value, free), (old, True)))


def _check_target(target: str, table: dict, where: str) -> None:
    if target in table:
        return
    for suffix, side in (("_post", "target"), ("_pre", "source")):
        if target.endswith(suffix):
            raise UnknownNameError(
                f"in {where}: '{target}' would be the {side} group's variable "
                f"'{target[:-len(suffix)]}', but the {side} group has no such variable; "
                f"declare it in the {side}'s model (e.g. '{target[:-len(suffix)]} : 1') or "
                "correct the name")
    candidates = [n for n, (_, _, _, a) in table.items() if a]
    raise UnknownNameError(f"in {where}: cannot assign to unknown name '{target}'"
                           f"{suggest(target, candidates)}")
