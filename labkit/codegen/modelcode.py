"""An operation's model statements -> the loop-description nodes every operation shares.

After :func:`~labkit.codegen.prepare.prepare` (random draws, TimedArray lookups, per-step
terms, repeated calls), an operation's model code becomes, in order: the per-step head
(hoisted lookups and terms), the random draws for its elements, and per element the
lookups and statements. :func:`scope` says what each name of those statements is in the
loop: an element of an argument array, a constant, the clock's time, a temporary.
"""

from __future__ import annotations

import sympy

from labkit.codegen.loops import Assign, At, Const, Draws, If, Lookup, Model, Name, Scope
from labkit.codegen.prepare import Prepared, temp_name
from labkit.codegen.spec import Operation

__all__ = ["clock_names", "scope", "head", "draws", "lookups", "statements"]


def clock_names(clock: int) -> dict[str, Name]:
    """The locals holding a clock's timestep, dt and t at the current step."""
    return {"timestep": Name(f"_lk_ts{clock}"), "dt": Name(f"_lk_dt{clock}"),
            "t": Name(f"_lk_t{clock}")}


def scope(op: Operation, prepared: Prepared, p: int, element: Name, draw: Name,
          by_kind: dict | None = None) -> Scope:
    """Model names of ``op`` -> their loop expressions.

    ``element`` indexes per-element arrays; ``by_kind`` (synapses) gives the index of each
    kind instead (``'syn'``, ``'pre'``, ``'post'``, see ``SynapticCode.indices``);
    ``draw`` indexes this operation's random-number buffers.
    """
    clock = clock_names(op.clock)
    kinds = dict(getattr(op, "indices", ()))
    names = {}
    for s in op.symbols:
        if s.role == "array":
            index = by_kind[kinds[s.name]] if by_kind and s.name in kinds else element
            names[s.name] = At(s.arg, (index,))
        elif s.role == "shared":
            names[s.name] = At(s.arg, (Const(0),))
        elif s.role in ("scalar", "int"):
            names[s.name] = Name(s.arg)
        elif s.role == "index":
            names[s.name] = element
        elif s.role in clock:
            names[s.name] = clock[s.role]
    for name in _internal_names(prepared):
        if name in names:
            continue
        if name.startswith("_lkrand"):
            names[name] = At(f"_lkr{p}_{name[7:]}", (draw,))
        elif name.startswith(("_lkh", "_lkta")):
            names[name] = Name(f"{name}_{p}")
        elif name.startswith("_"):
            names[name] = Name(temp_name(name))
    return Scope(names)


def _internal_names(prepared: Prepared) -> set[str]:
    names: set[str] = set()
    for stmt in prepared.statements:
        names |= {s.name for s in stmt.expr.free_symbols} | {stmt.target}
    for expr in prepared.expressions:
        names |= {s.name for s in expr.free_symbols}
    for found in prepared.lookups.values():
        for lookup in found:
            names.add(lookup.symbol)
            for a in lookup.args:
                names |= {s.name for s in a.free_symbols}
    for name, expr in prepared.hoisted:
        names |= {s.name for s in expr.free_symbols} | {name}
    names |= {lookup.symbol for lookup in prepared.hoisted_lookups}
    return names


def _lookup(op, sc: Scope, lookup, declare: str) -> Lookup:
    timed = op.roles()[lookup.timed].arg
    column = Model(lookup.args[1], sc) if len(lookup.args) > 1 else None
    return Lookup(sc.names[lookup.symbol], timed, Model(lookup.args[0], sc), column, declare)


def head(op, sc: Scope, prepared: Prepared) -> list:
    """The per-step values: TimedArray lookups and terms the same for every element."""
    out = [_lookup(op, sc, lookup, "const double") for lookup in prepared.hoisted_lookups]
    out += [Assign(sc.names[name], Model(expr, sc), "const double")
            for name, expr in prepared.hoisted]
    return out


def draws(p: int, prepared: Prepared, sc: Scope, size, capacity) -> list:
    """Random numbers for ``size`` elements (``capacity``: the most there can be).

    A kind is ``'rand'``, ``'randn'`` or ``('binomial', n, p)`` with ``n`` and ``p`` as
    loop expressions (they are read where the draws are made, before the loop).
    """
    kinds = tuple(kind if isinstance(kind, str) else (kind[0], *(Model(x, sc) for x in kind[1:]))
                  for kind in prepared.randoms)
    return [Draws(p, kinds, size, capacity)] if kinds else []


def lookups(op, sc: Scope, prepared: Prepared, k: int) -> list:
    """The per-element TimedArray lookups needed before statement ``k`` (-1: after all)."""
    return [_lookup(op, sc, lookup, "const double") for lookup in prepared.lookups.get(k, ())]


def statements(op, sc: Scope, prepared: Prepared, held=frozenset(), guard=None) -> list:
    """The statements, in order, each after its lookups; a ``held`` variable is written
    only where ``guard`` holds (refractoriness)."""
    roles = op.roles()
    out, declared = [], set()
    for k, stmt in enumerate(prepared.statements):
        out += lookups(op, sc, prepared, k)
        target, value = sc.names[stmt.target], Model(stmt.expr, sc)
        if stmt.target in roles:
            assign = Assign(target, value)
            out.append(If(guard, (assign,)) if stmt.target in held else assign)
        elif stmt.target in declared:
            out.append(Assign(target, value))
        else:  # a temporary of the integration method, declared where it is first set
            declared.add(stmt.target)
            kind = "bool" if isinstance(stmt.expr, sympy.logic.boolalg.Boolean) else "double"
            out.append(Assign(target, value, kind))
    return out
