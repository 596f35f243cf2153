"""A Synapses' strings -> its operations: the sympy part of its plan (the cold path of
:mod:`labkit.plan.synapses`), and what a StateMonitor of it records.

Steps: resolve the external names of its strings in the namespace; build (or fetch) the
checked structure; turn it into kernel operations with argument names derived from
prefixes only (``_o3_w`` for the synaptic ``w``, ``_o0_v`` for the target's ``v``,
``_o3_q0_*`` for the first pathway's queue).
"""

from __future__ import annotations

import sympy

from labkit.codegen import spec as S
from labkit.codegen.spec import argument
from labkit.equations.checks import external_dimension
from labkit.equations.symbols import is_noise
from labkit.errors import UnsupportedFeatureError
from labkit.plan.arguments import event_prefix, is_boolean, symbol
from labkit.plan.objectplan import operations_for
from labkit.plan.structure import constant_functions, names_in, parse_code
from labkit.plan.synapse_args import missing_side_variable, owner_prefix, queues
from labkit.plan.synapse_structure import build_synapses, is_temporary
from labkit.units.dimension import DIMENSIONLESS, get_or_create_dimension

__all__ = ["cold_parts", "pathway_names", "record_parts", "side_names", "used_names"]

SECOND = get_or_create_dimension(s=1)


def _used_names(syn) -> set[str]:
    names = set()
    for eq in syn.equations.values():
        if eq.expr is not None:
            names |= names_in(eq.expr)
    for pathway in syn._pathways:
        names |= pathway_names(syn, pathway)
    return names - set(syn.equations)


def pathway_names(syn, pathway) -> frozenset[str]:
    """Every name one pathway's code reads or writes, as written (``w``, ``v_post``, a
    plain target name, namespace names), its temporaries left out. The plan's names
    (:func:`used_names`) and connect()'s memory estimate (what the pathway's queue keeps,
    through :func:`labkit.plan.synapses.pathway_names`) both come from here."""
    names, temporaries = set(), set()
    for stmt in parse_code(pathway.code, f"on_{pathway.prepost}"):
        names |= names_in(stmt.expr) - temporaries
        if is_temporary(stmt, syn._kind_of(stmt.target)[0] is not None
                        or stmt.target in syn.equations):
            temporaries.add(stmt.target)
        elif stmt.target not in temporaries:
            names.add(stmt.target)
    return frozenset(names)


def _table(syn, externals: dict, links: dict) -> tuple[dict, dict]:
    """name -> (kind, dim, boolean, assignable); plus plain target names -> name_post.
    ``links``: the names standing for another group's variables in a linked
    subexpression (see :func:`_sides`) -> (that group, the variable)."""
    table = {"N": ("int", DIMENSIONLESS, False, False),
             "N_pre": ("int", DIMENSIONLESS, False, False),
             "N_post": ("int", DIMENSIONLESS, False, False),
             "t": ("t", SECOND, False, False), "dt": ("dt", SECOND, False, False)}
    aliases = {}
    for suffix, group in (("_pre", syn.source), ("_post", syn.target)):
        for name, var in group._owner.variables.items():
            if name.startswith("_") or var.kind == "index":
                continue
            writable = var.kind in ("state", "parameter", "internal") and not var.read_only
            kind = suffix[1:] if var.kind != "subexpression" else suffix[1:] + "-sub"
            table[name + suffix] = (kind, var.dim, var.is_boolean, writable)
            if suffix == "_post" and name not in syn.variables and name not in ("N", "t", "dt"):
                aliases[name] = name + suffix
    for name, var in syn.variables.items():
        writable = var.kind in ("state", "parameter", "internal") and not var.read_only
        kind = "syn-sub" if var.kind == "subexpression" else "syn"
        table[name] = (kind, var.dim, var.is_boolean, writable)
    for name, value in externals.items():
        kind = "timed" if hasattr(value, "_kernel_values") else "scalar"
        table[name] = (kind, external_dimension(value), is_boolean(value), False)
    for name, (group, inner) in links.items():
        var = group.variables[inner]
        table[name] = ("linked", var.dim, var.is_boolean, False)
    return table, aliases


def cold_parts(syn, ctx, prefix: str, src: str, tgt: str):
    """The cold path of :func:`labkit.plan.synapses.plan_synapses`: names looked up,
    structure checked and built (sympy) -> (its operations, the namespace values, the
    names its strings use)."""
    namespace = ctx.namespace_of(syn)
    used = _used_names(syn)
    sides, links = _sides(syn, used)
    used |= set().union(*(names_in(e) for e in sides.values())) - set(links)
    names = {n for n in used if syn._kind_of(n)[0] is None
             and n not in syn.variables and not n.startswith("_") and not is_noise(n)}
    for name in sorted(names):
        if name.endswith(("_pre", "_post")) and name not in namespace:
            missing_side_variable(syn, name)
    externals = namespace.resolve(names, syn._label(), "its model, on_pre or on_post strings",
                                  syn._known())
    table, aliases = _table(syn, externals, links)
    codes = tuple((p.objname, p.prepost, p.code) for p in syn._pathways)
    constants = constant_functions(externals, syn.clock.dt_)
    conditional = frozenset(
        name + suffix for suffix, group in (("_pre", syn.source), ("_post", syn.target))
        for name in getattr(group, "_conditional_writes", ()))
    key = (syn.equations, codes, syn.method, tuple(sorted(table.items())),
           tuple(sorted(aliases.items())), tuple(sorted(constants)), tuple(sorted(conditional)),
           tuple(sorted(sides.items())))
    structure = build_synapses(key, syn._label(), syn.equations, codes, table, syn.method,
                               aliases, constants, conditional, tuple(sorted(sides.items())))
    plan_key = (key, prefix, src, tgt, ctx.clock(syn), ctx.clock(syn.source._owner),
                ctx.clock(syn.target._owner))
    ops = operations_for(syn, plan_key, lambda: _operations(syn, structure, table, ctx,
                                                           prefix, src, tgt, links))
    return ops, externals, used


def link_names(syn, name: str) -> frozenset[str]:
    """The names the subexpression ``syn.name`` is linked to reads that its group does not
    define (namespace names: the cold path looks them up in the synapses' namespace)."""
    other = getattr(syn._links[name].group, "_owner", syn._links[name].group)
    return frozenset(names_in(syn.variables[name].expr) - set(other.variables) - {"i", "N"})


def side_names(group, name: str) -> frozenset[str]:
    """The names ``group``'s subexpression ``name`` uses (its expression, other
    subexpressions substituted), as :func:`_sides` reads them."""
    return frozenset(names_in(group.variables[name].expr))


def used_names(syn) -> frozenset[str]:
    """Every name ``syn``'s strings use (model, on_pre/on_post), its own left out."""
    return frozenset(_used_names(syn))


def record_parts(syn, exprs: dict, ctx) -> tuple[dict, tuple, tuple, dict]:
    """A StateMonitor's expressions over ``syn``'s names -> (the expressions with plain
    target names as ``x_post``, their Symbols, how each is indexed, the namespace values
    they use). Names mean what they mean in ``on_pre``, as Brian2's monitors read them."""
    prefix = ctx.owner(syn)
    src = owner_prefix(ctx, syn.source, syn, "source")
    tgt = owner_prefix(ctx, syn.target, syn, "target")
    used = set().union(*(names_in(e) for e in exprs.values())) if exprs else set()
    sides, links = _sides(syn, used)
    names = {n for n in used.union(*(names_in(e) for e in sides.values()))
             if syn._kind_of(n)[0] is None and not n.startswith("_") and n not in links}
    externals = ctx.namespace_of(syn).resolve(names, syn._label(), "a StateMonitor of it",
                                              syn._known())
    table, aliases = _table(syn, externals, links)
    alias = {sympy.Symbol(k, real=True): sympy.Symbol(v, real=True) for k, v in aliases.items()
             if k in used}
    inline = {sympy.Symbol(k, real=True): v for k, v in sides.items()}
    exprs = {name: expr.xreplace(alias).xreplace(inline) for name, expr in exprs.items()}
    renamed = set().union(*(names_in(e) for e in exprs.values())) if exprs else set()
    symbols, indices = _shared_fix(*_symbols(renamed, table, prefix, src, tgt, links, ctx),
                                   syn)
    return exprs, symbols, indices, externals


def _sides(syn, used) -> dict:
    """Names of ``syn``'s strings naming a subexpression of its source or target (``F_pre``,
    ``F_post``, or a plain target name) -> its expression over synaptic names (the group's
    variables with the same suffix; namespace names as they are, looked up in the
    synapses' namespace, as Brian2 does for a referred subexpression)."""
    sides = {}
    for name in used:
        kind, base = syn._kind_of(name)
        group = syn.source if kind == "pre" else syn.target
        var = group._owner.variables.get(base) if kind in ("pre", "post") else None
        if var is None or var.kind != "subexpression":
            continue
        own = {"i": "i" if kind == "pre" else "j", "N": f"N_{kind}"}
        rename = {}
        for inner in names_in(var.expr):
            if inner in own and (group._start, group._stop) != (0, group._owner.N):
                raise UnsupportedFeatureError(
                    f"{syn._label()} reads '{base}_{kind}', a subexpression of "
                    f"{group._owner._label()} that uses '{inner}', through a subgroup: its "
                    f"'{inner}' would not be the subgroup's. Connect the whole group, or write "
                    "the expression out in the synapses' strings")
            if inner in own:
                rename[sympy.Symbol(inner, real=True)] = sympy.Symbol(own[inner], real=True)
            elif inner in group._owner.variables:
                rename[sympy.Symbol(inner, real=True)] = sympy.Symbol(f"{inner}_{kind}",
                                                                      real=True)
        sides[f"{base}_{kind}"] = var.expr.xreplace(rename)
    links = {}
    for name, var in syn.variables.items():  # linked to one value of a subexpression
        if var.kind != "linked" or var.expr is None:
            continue
        target = syn._links[name]
        other = getattr(target.group, "_owner", target.group)
        rename = {sympy.Symbol("i", real=True): sympy.Integer(0),
                  sympy.Symbol("N", real=True): sympy.Integer(other.N)}
        for inner in names_in(var.expr):
            if inner in other.variables and inner not in ("i", "N"):
                alias = f"{inner}_linked_{name}"
                links[alias] = (other, inner)
                rename[sympy.Symbol(inner, real=True)] = sympy.Symbol(alias, real=True)
        sides[name] = var.expr.xreplace(rename)
    return sides, links


def _symbols(names, table, prefix, src, tgt, links, ctx):
    symbols, indices = [], []
    for name in sorted(names):
        if name.startswith("_"):
            continue
        kind = table[name][0]
        if kind == "linked":  # one value of another group (its element 0, or shared)
            group, inner = links[name]
            try:
                owner = ctx.owner(group)
            except KeyError:
                raise ValueError(f"a linked variable of the synapses reads {group._label()}, "
                                 "which is not part of this run; add it to the Network") from None
            symbols.append(symbol(name, "shared", owner, inner))
        elif kind in ("t", "dt"):
            symbols.append(S.Symbol(name, kind))
        elif kind in ("int", "scalar", "timed"):
            symbols.append(symbol(name, kind, prefix))
        elif kind in ("syn", "pre", "post"):
            symbols.append(_array_symbol(name, kind, prefix, src, tgt))
            indices.append((name, kind))
        else:
            # subexpressions are put in place before (_substitutions, _sides)
            raise UnsupportedFeatureError(
                f"internal error: the subexpression '{name}' was not replaced by its "
                "expression in the synapses' code; write out its expression instead")
    return tuple(symbols), tuple(indices)


def _array_symbol(name, kind, prefix, src, tgt):
    """A synaptic, source or target variable -> its array symbol (the owner's argument)."""
    if kind == "syn":
        return symbol(name, "array", prefix)
    base = name[:-4] if kind == "pre" else name[:-5]
    return symbol(name, "array", src if kind == "pre" else tgt, base)


def _shared_fix(symbols, indices, syn):
    """Shared variables (one value) are read as ``arg[0]``, not indexed per synapse."""
    fixed, kept = [], []
    shared = set()
    for name, kind in indices:
        if kind == "syn":
            var = syn.variables.get(name)
        else:
            group = syn.source if kind == "pre" else syn.target
            var = group._owner.variables.get(name[:-4] if kind == "pre" else name[:-5])
        if var is not None and var.shared:
            shared.add(name)
        else:
            kept.append((name, kind))
    for s in symbols:
        fixed.append(S.Symbol(s.name, "shared", s.arg) if s.name in shared else s)
    return tuple(fixed), tuple(kept)


def _statement_names(statements, extra=()) -> set[str]:
    names = set(extra)
    for s in statements:
        names |= names_in(s.expr) | {s.target}
    return names


def _operations(syn, structure, table, ctx, prefix, src, tgt, links) -> tuple:
    label = syn.name
    common = dict(pre=argument(prefix, "pre", "internal"),
                  post=argument(prefix, "post", "internal"),
                  size=argument(prefix, "N", "internal"))
    ops = []

    def roles(names):
        return _shared_fix(*_symbols(names, table, prefix, src, tgt, links, ctx), syn)

    if structure.update is not None:
        statements = structure.update.statements
        symbols, indices = roles(_statement_names(statements))
        op = S.SynapticCode(prefix, ctx.clock(syn), symbols, f"{label} update", statements,
                            indices, "", **common)
        ops.append(("groups", syn.order, op, "_stateupdater"))
    for q, pathway, statements in zip(queues(prefix, syn), syn._pathways,
                                      structure.pathways, strict=True):
        group = pathway.source._owner
        clock = ctx.clock(group)
        side = event_prefix(group, src if pathway.prepost == "pre" else tgt, pathway.event)
        symbols, indices = roles(_statement_names(statements))
        kinds = dict(indices)
        conflicts = tuple(sorted({kinds[s.target] for s in statements
                                  if kinds.get(s.target) in ("pre", "post")}))
        order = -1 if pathway.prepost == "pre" else 1
        suffix = f"_{pathway.objname}"
        push = S.SpikePush(q, clock, (), f"{label} {pathway.objname} push", side)
        # the other side's elements, read in the queue's order (spec: ``reach``)
        other = "post" if pathway.prepost == "pre" else "pre"
        reach = other if other in kinds.values() else ""
        code = S.SynapticCode(prefix, clock, symbols, f"{label} {pathway.objname}",
                              statements, indices, q, conflicts=conflicts, reach=reach,
                              **common)
        ops.append(("synapses", order, push, suffix))
        ops.append(("synapses", order, code, suffix))
    for k, (name, expr) in enumerate(structure.summed):
        kind = table[name][0]
        group = syn.source if kind == "pre" else syn.target
        symbols, indices = roles(names_in(expr))
        base = name[:-4] if kind == "pre" else name[:-5]
        op = S.SummedVariable(prefix, ctx.clock(group._owner), symbols, f"{label} summed {name}",
                              expr, argument(src if kind == "pre" else tgt, base),
                              common[kind], argument(prefix, f"s{k}_start", "internal"),
                              argument(prefix, f"s{k}_stop", "internal"), indices, **common)
        schedule = syn._summed_schedule.get(name, {})
        # Brian2: the target's order - 1, where a subgroup's order is its group's + 1: onto
        # a subgroup the sum runs at the group's order, ordered by name with the state
        # updates (after 'ee_synapses' own, before 'neurons': Maass_Natschlaeger_Markram_2002)
        target_order = group._owner.order + (group is not group._owner)
        ops.append((schedule.get("when") or "groups",
                    target_order - 1 if schedule.get("order") is None
                    else schedule["order"], op, f"_summed_variable_{name}"))
    return tuple(ops)


