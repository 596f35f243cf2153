"""What a monitor records, as sympy expressions: the cold part of its plan."""

from __future__ import annotations

import sympy

__all__ = ["expressions"]


def expressions(owner, names: tuple[str, ...]) -> tuple:
    """Recorded names -> (name, expression): a subexpression's right side, else the
    variable itself."""
    out = []
    for name in names:
        var = owner.variables.get(name)
        out.append((name, var.expr if var is not None and var.kind == "subexpression"
                    else sympy.Symbol(name, real=True)))
    return tuple(out)
