"""A SpatialNeuron at the start of a run -> its ObjectPlan: a neuron's, plus the cable step.

The channels, threshold and reset are planned as for any NeuronGroup
(:mod:`labkit.plan.neurons`; ``v`` is a parameter there, so gates integrate with the
present ``v``). After them, in the same ``groups`` slot, comes one
:class:`~labkit.codegen.spec.CableUpdate`: the membrane current linearised around ``v``
and the tree's implicit solve. Its values are the tree (:mod:`labkit.spatial.cable`) with
the conductances divided by this run's ``Ri``, work arrays, and a flag that makes a
passive membrane's matrix be factorised again at the first step of every run (Cm, Ri
or a constant parameter may have changed between runs, never during one).
"""

from __future__ import annotations

import numpy as np
from sympy.core.function import AppliedUndef

from labkit.codegen import spec as S
from labkit.codegen.spec import argument
from labkit.plan.neurons import plan_neurons
from labkit.plan.objectplan import ObjectPlan
from labkit.plan.structure import external_kinds, names_in, symbols_for

__all__ = ["plan_spatial"]


def _constant_during_a_run(group, expr, kinds) -> bool:
    """Whether ``expr`` (gtot) reads only namespace numbers and ``(constant)`` parameters:
    then neither the model nor a synapse can change it during a run."""
    if expr.atoms(AppliedUndef):   # rand(), user functions
        return False
    for name in names_in(expr):
        if name in group.variables:
            eq = group.equations[name] if name in group.equations else None
            if name not in ("i", "N") and (eq is None or "constant" not in eq.flags):
                return False
        elif kinds.get(name) != "scalar" and name != "dt":
            return False
    return True


def _cable_operation(group, prefix, clock, externals):
    arrays = {n: ("shared" if v.shared else "array") for n, v in group.variables.items()
              if v.array is not None}
    names = names_in(group._gtot) | names_in(group._I0) | {"v", "Cm", "area", "Ic"}
    kinds = external_kinds(externals)
    symbols = symbols_for(names, prefix, arrays, kinds)
    return S.CableUpdate(prefix, clock, symbols, f"{group.name} cable", group._gtot,
                         group._I0, argument(prefix, "N", "internal"),
                         _constant_during_a_run(group, group._gtot, kinds),
                         group._cable_method == "crank_nicolson")


def plan_spatial(group, ctx) -> ObjectPlan:
    """See the module docstring."""
    plan = plan_neurons(group, ctx)
    prefix, clock = ctx.owner(group), ctx.clock(group)
    key = ("cable", tuple(sorted(external_kinds(plan.externals).items())), prefix, clock)
    cached = group.__dict__.get("_cable_operation")
    if cached is None or cached[0] != key:   # sympy work only when the structure changed
        cached = (key, _cable_operation(group, prefix, clock, plan.externals))
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
