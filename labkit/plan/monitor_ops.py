"""What a monitor records, as sympy expressions: the cold part of its plan."""

from __future__ import annotations

import sympy

from labkit.plan.structure import names_in

__all__ = ["expressions", "used_names"]


def expressions(owner, names: tuple[str, ...]) -> tuple:
    """Recorded names -> (name, expression): a subexpression's right side, else the
    variable itself."""
    out = []
    for name in names:
        var = owner.variables.get(name)
        out.append((name, var.expr if var is not None and var.kind == "subexpression"
                    else sympy.Symbol(name, real=True)))
    return tuple(out)


def used_names(owner, names: tuple[str, ...]) -> frozenset[str]:
    """Every name the recorded expressions use (a subexpression's, substituted)."""
    return frozenset(set().union(*(names_in(e) for _, e in expressions(owner, names))))
