"""A monitor at the start of a run + the arrays it records into -> its ObjectPlan.

Monitors own their storage (a StateMonitor allocates one chunk of arrays per run, a
SpikeMonitor keeps growable buffers across runs); this module turns a monitor into the
operation that records into them and binds them, with whatever the recorded expressions
need (the source's variables, its subexpressions' constants), to kernel arguments.
"""

from __future__ import annotations

from labkit.codegen import spec as S
from labkit.codegen.spec import argument
from labkit.plan.arguments import bind, event_prefix
from labkit.plan.externals import external_kinds, symbols_for
from labkit.plan.neurons import resolve_externals
from labkit.plan.objectplan import ObjectPlan, operations_for
from labkit.plan.stored_ops import (
    dimension_key,
    external_keys,
    model_text,
    stored_names,
    stored_operations,
)
from labkit.plan.synapse_args import owner_prefix

__all__ = ["plan_state_monitor", "plan_spike_monitor", "plan_rate_monitor"]

def _source_prefix(monitor, ctx, verb: str) -> str:
    owner = monitor.source._owner
    try:
        return ctx.owner(owner)
    except KeyError:
        raise ValueError(f"{type(monitor).__name__} {monitor.name!r} {verb} {owner._label()}, "
                         "which is not part of this run; add it to the network") from None


def _record(monitor, ctx, verb: str, kind, event: str | None = None):
    """The record operation of ``kind`` for ``monitor``'s variables -> (source prefix,
    monitor prefix, the operation, the namespace values its expressions use)."""
    src = _source_prefix(monitor, ctx, verb)
    owner = monitor.source._owner
    prefix = ctx.owner(monitor)
    events_from = src if event is None else event_prefix(owner, src, event)
    if hasattr(owner, "_kind_of"):  # a Synapses: its names index synapses, sources, targets
        return (src, prefix, *_synaptic_record(monitor, ctx, kind, src, prefix))
    names = tuple(monitor.record_variables)
    arrays = {k: ("shared" if v.shared else "array") for k, v in owner.variables.items()
              if v.array is not None}
    found = _stored_record(monitor, ctx, kind, src, prefix, events_from, names, arrays)
    if found is not None:
        return (src, prefix, *found)
    from labkit.plan.monitor_ops import expressions  # loads sympy

    return (src, prefix, *_expression_record(monitor, ctx, kind, src, prefix, events_from,
                                             expressions(owner, names), arrays))


def _stored_record(monitor, ctx, kind, src, prefix, events_from, names, arrays):
    """A record of a group's variables, or of its subexpressions when its model is text ->
    (the operation, the namespace values it reads), from the plan store when planned
    before; None when the plan cannot be said in plain text."""
    owner = monitor.source._owner
    if all(name in arrays for name in names):  # variables only: they read no namespace
        model, used = None, frozenset(names)
    else:
        model = model_text(getattr(owner, "_model", None))
        if model is None or not all(
                name in arrays
                or getattr(owner.variables.get(name), "kind", "") == "subexpression"
                for name in names):
            return None

        def used_names():
            from labkit.plan.monitor_ops import used_names  # loads sympy: the cold path

            return used_names(owner, names)

        used = stored_names("record-names", (type(owner).__name__, model, names),
                            used_names)
    externals = resolve_externals(owner, used, ctx) if model is not None and used else {}
    found = external_keys(externals)
    if found is None:
        return None
    kinds = external_kinds(externals)
    key = repr(("record", kind.__name__, type(owner).__name__, model, names, src,
                events_from, prefix, ctx.clock(monitor),
                tuple((n, arrays.get(n, "")) for n in sorted(used)),
                tuple(sorted((n, kinds[n], found[n]) for n in kinds))))

    def make():
        from labkit.plan.monitor_ops import expressions  # loads sympy: the cold path

        return kind(prefix, ctx.clock(monitor), symbols_for(used, src, arrays, kinds),
                    monitor.name, events_from, expressions(owner, names)), None, None

    return stored_operations(monitor, key, key, make)[0], externals


def _expression_record(monitor, ctx, kind, src, prefix, events_from, exprs: tuple,
                       arrays: dict):
    """A record of subexpressions (they may use namespace values) -> (the operation, the
    namespace values it reads): planned with sympy every time."""
    from labkit.plan.structure import names_in  # loads sympy

    owner = monitor.source._owner
    used = set().union(*(names_in(e) for _, e in exprs)) if exprs else set()
    externals = resolve_externals(owner, used, ctx) if used else {}
    kinds = external_kinds(externals)
    key = (kind, src, events_from, prefix, ctx.clock(monitor), tuple(sorted(kinds.items())))
    op = operations_for(monitor, key, lambda: kind(
        prefix, ctx.clock(monitor), symbols_for(used, src, arrays, kinds), monitor.name,
        events_from, exprs))
    return op, externals


def _synaptic_key(monitor, ctx, kind, src: str, prefix: str) -> str | None:
    """A plain key for a record of a Synapses' variables (its own, its source's or its
    target's, none a subexpression: they read no namespace value); None otherwise."""
    syn = monitor.source._owner
    names = []
    for name in monitor.record_variables:
        var = syn._recordable(name)
        if var is None or var.kind in ("subexpression", "linked"):
            return None
        names.append((name, *syn._kind_of(name), var.shared))
    sides = (owner_prefix(ctx, syn.source, syn, "source"),
             owner_prefix(ctx, syn.target, syn, "target"))
    return repr(("synapse-record", kind.__name__, tuple(names), src, prefix, sides,
                 ctx.clock(monitor)))


def _synaptic_record(monitor, ctx, kind, src: str, prefix: str):
    """A StateMonitor of a Synapses -> (its operation, the namespace values it reads)."""
    def make():
        from labkit.plan.monitor_ops import expressions  # loads sympy
        from labkit.plan.synapse_ops import record_parts

        owner = monitor.source._owner
        exprs = dict(expressions(owner, tuple(monitor.record_variables)))
        exprs, symbols, indices, externals = record_parts(owner, exprs, ctx)
        op = kind(prefix, ctx.clock(monitor), symbols, monitor.name, src,
                  tuple(exprs.items()), indices, argument(src, "pre", "internal"),
                  argument(src, "post", "internal"))
        return op, externals

    key = _synaptic_key(monitor, ctx, kind, src, prefix)
    if key is not None:
        return stored_operations(monitor, key, key, lambda: (make()[0], None, None))[0], {}
    base = _synaptic_expression_base(monitor, ctx, kind, src, prefix)
    if base is None:  # linked variables, a model that is not plain: planned every time
        return make()
    syn, cold = monitor.source._owner, []

    def names():
        cold.append(make())  # the cold path: the operation and the values it reads
        return frozenset(cold[0][1])

    used = stored_names("synapse-record-names", (base,), names)
    externals = cold[0][1] if cold else ctx.namespace_of(syn).resolve(
        used, syn._label(), "a StateMonitor of it", syn._known())
    found = external_keys(externals)
    if found is None:
        return cold[0] if cold else make()
    key = repr((base, tuple(sorted(found.items()))))
    op = stored_operations(monitor, key, key,
                           lambda: ((cold[0] if cold else make())[0], None, None))[0]
    return op, externals


def _synaptic_expression_base(monitor, ctx, kind, src: str, prefix: str) -> str | None:
    """A record of a Synapses that reads subexpressions (its own, or its source's or
    target's through ``x_pre``/``x_post``) -> what its operation depends on besides the
    namespace values' kinds and units, as text: the three models and variables, the
    names recorded, the places; None when not all plain (a model neither text nor
    Equations, linked variables, whose targets are elsewhere)."""
    syn = monitor.source._owner
    owners = (syn, syn.source._owner, syn.target._owner)
    models = tuple(model_text(getattr(o, "_model", None)) for o in owners)
    if any(m is None for m in models) or any(
            v.kind == "linked" for o in owners for v in o.variables.values()):
        return None
    variables = tuple(tuple(sorted(
        (n, v.kind, dimension_key(v.dim), v.shared, v.var_type, str(v.dtype),
         v.array is not None) for n, v in o.variables.items())) for o in owners)
    sides = (owner_prefix(ctx, syn.source, syn, "source"),
             owner_prefix(ctx, syn.target, syn, "target"))
    return repr(("synapse-expression-record", kind.__name__, type(syn).__qualname__,
                 tuple(monitor.record_variables), models, variables, src, prefix, sides,
                 ctx.clock(monitor)))


def plan_state_monitor(monitor, ctx, n, t, recorded: dict) -> ObjectPlan:
    """``n`` (steps written), ``t`` and ``recorded`` (name -> elements x steps): the
    arrays this run fills; the monitor keeps them."""
    src, prefix, op, externals = _record(monitor, ctx, "records", S.StateRecord)
    values = {argument(prefix, "n", "internal"): n, argument(prefix, "t", "internal"): t,
              argument(prefix, "rec", "internal"): monitor.record + monitor.source._start,
              argument(src, "N", "internal"): monitor.source._owner._N}
    values.update({argument(prefix, f"v_{name}", "internal"): array
                   for name, array in recorded.items()})
    values.update(bind(src, externals, monitor.clock.dt_))
    return ObjectPlan(((monitor.when, monitor.order, op),), values, externals=externals)


def plan_spike_monitor(monitor, ctx, buffers: dict) -> ObjectPlan:
    """``buffers``: argument part (``'n'``, ``'count'``, ``'i'``, ``'t'``, ``'v_x'``) ->
    the monitor's arrays (the per-spike ones :class:`~labkit.plan.objectplan.Growable`)."""
    src, prefix, op, externals = _record(monitor, ctx, "listens to", S.SpikeRecord,
                                         monitor.event)
    size = argument(src, "N", "internal")
    values = {size: monitor.source._owner._N,
              argument(prefix, "start", "internal"): monitor.source._start,
              argument(prefix, "stop", "internal"): monitor.source._stop}
    values.update({argument(prefix, part, "internal"): array
                   for part, array in buffers.items()})
    values.update(bind(src, externals, monitor.clock.dt_))
    growing = tuple(argument(prefix, part, "internal") for part in buffers
                    if part not in ("n", "count"))
    return ObjectPlan(((monitor.when, monitor.order, op),), values, buffers=((prefix, size),),
                      growable=(S.Growth(prefix, growing, 0),), externals=externals)


def plan_rate_monitor(monitor, ctx, n, t, rate) -> ObjectPlan:
    """``n``, ``t``, ``rate``: the arrays this run fills; the monitor keeps them."""
    src = _source_prefix(monitor, ctx, "listens to")
    prefix = ctx.owner(monitor)
    op = S.RateRecord(prefix, ctx.clock(monitor), (), monitor.name, src)
    values = {argument(prefix, "n", "internal"): n, argument(prefix, "t", "internal"): t,
              argument(prefix, "rate", "internal"): rate,
              argument(prefix, "start", "internal"): monitor.source._start,
              argument(prefix, "stop", "internal"): monitor.source._stop}
    return ObjectPlan(((monitor.when, monitor.order, op),), values)
