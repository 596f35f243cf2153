"""A SpatialNeuron's cable step as an operation: the sympy half of :mod:`labkit.plan.spatial`
(run on the cold path only: a structure planned before is read from the plan store)."""

from __future__ import annotations

from sympy.core.function import AppliedUndef

from labkit.codegen import spec as S
from labkit.codegen.spec import argument
from labkit.plan.structure import external_kinds, names_in, symbols_for

__all__ = ["cable_operation"]


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


def cable_operation(group, prefix, clock, externals) -> S.CableUpdate:
    """The group's CableUpdate: ``Im = I0 - gtot*v`` (from its model, with sympy) and the
    names they read, bound to this run's arguments."""
    _, gtot, I0 = group._linearised()
    arrays = {n: ("shared" if v.shared else "array") for n, v in group.variables.items()
              if v.array is not None}
    names = names_in(gtot) | names_in(I0) | {"v", "Cm", "area", "Ic"}
    kinds = external_kinds(externals)
    symbols = symbols_for(names, prefix, arrays, kinds)
    return S.CableUpdate(prefix, clock, symbols, f"{group.name} cable", gtot, I0,
                         argument(prefix, "N", "internal"),
                         _constant_during_a_run(group, gtot, kinds),
                         group._cable_method == "crank_nicolson")
