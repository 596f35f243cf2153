"""A Synapses at the start of a run -> its ObjectPlan: operations + argument values.

Steps: check that the groups it connects take part in the run; resolve the external
names of its strings in the namespace; get its operations -- from memory on a re-run,
from the plan store for a structure planned in an earlier process
(:mod:`labkit.plan.stored_ops`: no sympy), else made by :mod:`labkit.plan.synapse_ops`;
collect the values: per-synapse arrays, indices, delays in steps, the queues; and
declare the queues as growable (the runner widens a full one; cpp_standalone's program
widens it itself).
"""

from __future__ import annotations

from labkit.codegen import spec as S
from labkit.codegen.spec import argument
from labkit.plan.arguments import bind, event_prefix, is_boolean, link_aliases
from labkit.plan.externals import constant_functions
from labkit.plan.objectplan import ObjectPlan
from labkit.plan.stored_ops import (
    dimension_key,
    external_keys,
    model_text,
    stored_names,
    stored_operations,
)
from labkit.plan.synapse_args import missing_side_variable, owner_prefix, queues

__all__ = ["pathway_names", "plan_synapses"]


def _is_noise(name: str) -> bool:
    return name == "xi" or (name.startswith("xi_") and len(name) > 3)


def _variables(variables) -> tuple:
    return tuple(sorted((n, v.kind, dimension_key(v.dim), v.is_boolean, v.shared,
                         v.read_only, v.var_type) for n, v in variables.items()))


def _plain_strings(syn) -> tuple | None:
    """The strings and the names of every variable they may mean, as plain data; None when
    not all plain (a method list). A variable linked to another group's stored variable
    is plain: the code reads it through its own argument, which the run binds to the
    linked array (``link_aliases``), so the operations depend only on its kind, unit and
    sharing, which the key holds; one linked to a subexpression is said by
    :func:`_links`."""
    model = model_text(getattr(syn, "_model", None))
    if model is None or not (syn.method is None or isinstance(syn.method, str)):
        return None
    codes = tuple((p.objname, p.prepost, p.code, p.event) for p in syn._pathways)
    return (type(syn).__qualname__, model, codes, syn.method, tuple(sorted(syn.variables)),
            tuple(sorted(syn.source._owner.variables)),
            tuple(sorted(syn.target._owner.variables)))


def pathway_names(syn, pathway) -> frozenset[str]:
    """The names a pathway's code reads or writes (its temporaries left out), as the plan
    finds them (:func:`labkit.plan.synapse_ops.pathway_names`), stored: no sympy for code
    seen before. ``syn._kind_of`` says what each means. Which names are temporaries
    depends on the names of the synapses', source's and target's variables (a plain
    ``=`` to one of them is a write), so those are part of the key."""
    def make():
        from labkit.plan.synapse_ops import pathway_names  # loads sympy: the cold path

        return pathway_names(syn, pathway)

    parts = (pathway.code, pathway.prepost, tuple(sorted(syn.variables)),
             tuple(sorted(syn.equations)), tuple(sorted(syn.source._owner.variables)),
             tuple(sorted(syn.target._owner.variables)))
    return stored_names("synapse-pathway-names", parts, make)


def _links(syn, ctx) -> tuple | None:
    """The variables linked to one value of another group's subexpression (whose
    expression, with that group's size for ``N``, becomes code reading that group's
    arguments): per variable, its name, that group's model, the subexpression, size,
    variables and prefix in this run; None when one is not plain (planned every time)."""
    rows = []
    for name, var in sorted(syn.variables.items()):
        if var.kind != "linked" or var.array is not None:
            continue
        target = getattr(syn, "_links", {}).get(name)
        if target is None:
            return None
        other = getattr(target.group, "_owner", target.group)
        model = model_text(getattr(other, "_model", None))
        try:
            prefix = ctx.owner(other)
        except KeyError:  # not in the run: the cold path says so
            return None
        if model is None:
            return None
        rows.append((name, model, target.name, other.N, _variables(other.variables), prefix))
    return tuple(rows)


def _link_names(syn, links) -> frozenset[str]:
    """The namespace names the linked subexpressions read (stored under their models)."""
    found = set()
    for name, model, inner, _, variables, _ in links:
        def make(name=name):
            from labkit.plan.synapse_ops import link_names  # loads sympy: the cold path

            return link_names(syn, name)

        found |= stored_names("synapse-link-names", (model, inner, variables), make)
    return frozenset(found)


def _used_names(syn, strings) -> tuple[frozenset[str], tuple] | None:
    """The names the strings use, stored, and what the source's and target's
    subexpressions they read say (:func:`_side_reads`); None when those are not plain
    (planned with sympy every time)."""
    def make():
        from labkit.plan.synapse_ops import used_names  # loads sympy: the cold path

        return used_names(syn)

    used = stored_names("synapse-names", strings, make)
    reads = set()
    for name in used:
        kind, base = syn._kind_of(name)
        if kind in ("pre", "post"):
            group = syn.source if kind == "pre" else syn.target
            var = group._owner.variables.get(base)
            if var is not None and var.kind == "subexpression":
                reads.add((kind, base))
    if not reads:
        return used, ()
    return _side_reads(syn, used, sorted(reads))


def _side_reads(syn, used, reads) -> tuple[frozenset[str], tuple] | None:
    """``reads``: the (side, name) of each subexpression of the source or target the
    strings read (``I_post``): its expression, the group's variables renamed to the
    side's (``v_post``), becomes part of the code, so it is said by its group's model
    (text or recipe) and name, and the names it uses (stored under that model) join
    ``used`` as the cold path's :func:`~labkit.plan.synapse_ops._sides` adds them. None
    when a model is not plain, or when the expression uses ``i`` or ``N`` through a
    subgroup (the cold path refuses that)."""
    rows, found = [], set(used)
    for kind, base in reads:
        group = syn.source if kind == "pre" else syn.target
        owner = group._owner
        model = model_text(getattr(owner, "_model", None))
        if model is None:
            return None
        parts = (type(owner).__qualname__, model, base, _variables(owner.variables))

        def make(owner=owner, base=base):
            from labkit.plan.synapse_ops import side_names  # loads sympy: the cold path

            return side_names(owner, base)

        inner = stored_names("synapse-side-names", parts, make)
        own = {"i": "i" if kind == "pre" else "j", "N": f"N_{kind}"}
        if inner & set(own) and (group._start, group._stop) != (0, owner.N):
            return None
        found |= {own[n] if n in own else f"{n}_{kind}" if n in owner.variables else n
                  for n in inner}
        rows.append((kind, base, parts[:3]))
    return frozenset(found), tuple(rows)


def _plain_key(syn, ctx, strings, externals, prefix, src, tgt) -> str | None:
    """Everything the operations depend on, as text; None when not all plain."""
    found = external_keys(externals)
    if found is None:
        return None
    groups = (syn.source._owner, syn.target._owner)
    conditional = tuple(sorted(
        name + suffix for suffix, group in (("_pre", syn.source), ("_post", syn.target))
        for name in getattr(group, "_conditional_writes", ())))
    sides = tuple(event_prefix(p.source._owner, src if p.prepost == "pre" else tgt, p.event)
                  for p in syn._pathways)
    names = tuple(sorted((n, found[n], is_boolean(v)) for n, v in externals.items()))
    return repr(("synapses", *strings, syn.order, prefix, src, tgt, ctx.clock(syn),
                 *(ctx.clock(g) for g in groups), *(g.order for g in groups),
                 _variables(syn.variables), *(_variables(g.variables) for g in groups),
                 names, conditional, sides, tuple(sorted(syn._summed_schedule.items())),
                 tuple(sorted(constant_functions(externals, syn.clock.dt_)))))


def plan_synapses(syn, ctx) -> ObjectPlan:
    """See the module docstring."""
    prefix = ctx.owner(syn)
    src = owner_prefix(ctx, syn.source, syn, "source")
    tgt = owner_prefix(ctx, syn.target, syn, "target")
    if syn._n == 0 and not syn._connect_called:
        raise TypeError(f"{syn._label()} does nothing: it has no synapses. Call "
                        f"{syn.name}.connect(...) before run(), or set {syn.name}.active = "
                        "False")
    strings, links = _plain_strings(syn), _links(syn, ctx)
    found = _used_names(syn, strings) if strings is not None and links is not None else None
    key = None
    if found is not None:
        used, sides = found
        namespace = ctx.namespace_of(syn)
        names = {n for n in used | _link_names(syn, links) if syn._kind_of(n)[0] is None
                 and n not in syn.variables and not n.startswith("_") and not _is_noise(n)}
        for name in sorted(names):
            if name.endswith(("_pre", "_post")) and name not in namespace:
                missing_side_variable(syn, name)
        externals = namespace.resolve(names, syn._label(),
                                      "its model, on_pre or on_post strings", syn._known())
        key = _plain_key(syn, ctx, (*strings, links, sides), externals, prefix, src, tgt)
    if key is None:
        from labkit.plan.synapse_ops import cold_parts  # loads sympy: the cold path

        ops, externals, used = cold_parts(syn, ctx, prefix, src, tgt)
    else:
        def make():
            from labkit.plan.synapse_ops import cold_parts  # loads sympy: the cold path

            return cold_parts(syn, ctx, prefix, src, tgt)[0], None, None

        ops = stored_operations(syn, key, key, make)[0]
    growable = tuple(S.Growth(q, (argument(q, "qdata", "internal"),), 1)
                     for q in queues(prefix, syn))
    codes = [op for _, _, op, *_ in ops if isinstance(op, S.SynapticCode) and op.queue]
    reach = {op.queue for op in codes if op.reach}
    indexed = {op.queue for op in codes if op.reads_synapse}
    return ObjectPlan(ops, _values(syn, ctx, prefix, externals, used, reach, indexed),
                      growable=growable,
                      externals=externals, aliases=link_aliases(syn, ctx))


def _values(syn, ctx, prefix, externals, used, reach, indexed) -> dict:
    """``reach``: the queues whose code reads the other side's elements in queue order;
    ``indexed``: those whose code reads each event's synapse (``q_syn``)."""
    n = syn._n
    values = {argument(prefix, "N", "internal"): n,
              argument(prefix, "N_pre", "internal"): syn.source.N,
              argument(prefix, "N_post", "internal"): syn.target.N,
              argument(prefix, "pre", "internal"): syn._pre,
              argument(prefix, "post", "internal"): syn._post}
    for name, var in syn.variables.items():
        if var.computed_when_read and name not in used \
                and name not in syn._counts_wanted:
            continue  # computed only for the code or monitors that read it
        if var.array is not None:
            values[argument(prefix, name)] = var.array
    values.update(bind(prefix, externals, syn.clock.dt_))
    for q, pathway in zip(queues(prefix, syn), syn._pathways, strict=True):
        sources, reached = (syn._pre, syn._post) if pathway.prepost == "pre" else \
            (syn._post, syn._pre)
        parts = pathway.prepare(pathway.source._owner.clock.dt_, n, sources, syn._version,
                                reached if q in reach else None, q in indexed)
        values.update({argument(q, part, "internal"): value for part, value in parts.items()})
    summed = [line.name for line in syn._lines if "summed" in line.flags]
    for k, name in enumerate(summed):
        group = syn.source if name.endswith("_pre") else syn.target
        values[argument(prefix, f"s{k}_start", "internal")] = group._start
        values[argument(prefix, f"s{k}_stop", "internal")] = group._stop
    return values
