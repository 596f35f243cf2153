"""A SpatialNeuron at the start of a run -> its ObjectPlan: a neuron's, plus the cable step.

The channels, threshold and reset are planned as for any NeuronGroup
(:mod:`labkit.plan.neurons`; ``v`` is a parameter there, so gates integrate with the
present ``v``). After them, in the same ``groups`` slot, comes one
:class:`~labkit.codegen.spec.CableUpdate`: the membrane current linearised around ``v``
and the tree's implicit solve. Its values are the tree (:mod:`labkit.spatial.cable`) with
the conductances divided by this run's ``Ri``, work arrays, and a flag that makes a
passive membrane's matrix be factorised again at the first step of every run (Cm, Ri
or a constant parameter may have changed between runs, never during one). The cable
operation comes from the plan store when its structure was planned before (no sympy),
else from :mod:`labkit.plan.cable_ops`.
"""

from __future__ import annotations

import numpy as np

from labkit.codegen.spec import argument
from labkit.plan.externals import external_kinds
from labkit.plan.neurons import plan_neurons
from labkit.plan.objectplan import ObjectPlan
from labkit.plan.stored_ops import external_keys, fetched_operations, model_text

__all__ = ["plan_spatial"]


def _plain_key(group, externals, kinds, prefix, clock) -> str | None:
    """Everything the cable operation depends on, as text (the model by its recipe, which
    names this package's code); None when not all of it is plain (planned every time)."""
    model, found = model_text(getattr(group, "_model", None)), external_keys(externals)
    if model is None or found is None:
        return None
    arrays = tuple(sorted((n, v.shared) for n, v in group.variables.items()
                          if v.array is not None))
    return repr(("cable", model, tuple(sorted(found.items())), tuple(sorted(kinds.items())),
                 prefix, clock, arrays, group._cable_method))


def _cable(group, prefix, clock, externals):
    """The cable operation: from the plan store when planned before, else with sympy."""
    kinds = external_kinds(externals)

    def make():
        from labkit.plan.cable_ops import cable_operation  # loads sympy: the cold path

        return cable_operation(group, prefix, clock, externals), None, None

    key = _plain_key(group, externals, kinds, prefix, clock)
    return fetched_operations(group, key, make)[0]


def plan_spatial(group, ctx) -> ObjectPlan:
    """See the module docstring."""
    plan = plan_neurons(group, ctx)
    prefix, clock = ctx.owner(group), ctx.clock(group)
    key = ("cable", tuple(sorted(external_kinds(plan.externals).items())), prefix, clock)
    cached = group.__dict__.get("_cable_operation")
    if cached is None or cached[0] != key:   # new work only when the structure changed
        cached = (key, _cable(group, prefix, clock, plan.externals))
        object.__setattr__(group, "_cable_operation", cached)
    cable = cached[1]
    # Brian2 runs its cable step after the group's state updater (order 1 in 'groups')
    ops = (*plan.ops, ("groups", group.order + 1, cable, "_spatialstateupdater"))
    tree = group._tree
    ri = float(group.variables["Ri"].array[0])
    values = dict(plan.values)
    unknowns = len(tree.g)
    for part, value in (("g", tree.g / ri), ("gg", (tree.g / ri) ** 2),
                        ("gsum", tree.gsum / ri), ("start", tree.start),
                        ("stop", tree.stop), ("node", tree.node), ("pnode", tree.pnode),
                        ("d", np.zeros(unknowns)), ("b", np.zeros(unknowns)),
                        ("c", np.zeros(unknowns)), ("inv", np.zeros(unknowns)),
                        ("fresh", np.zeros(1, dtype=np.int64))):
        values[argument(prefix, f"hines_{part}", "internal")] = value
    return ObjectPlan(ops, values, plan.buffers, plan.growable, plan.externals, plan.call)
