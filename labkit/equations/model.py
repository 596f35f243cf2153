"""The parsed form of a model: Equations, a frozen, ordered collection of SingleEquation.

text -> (grammar, expressions) -> Equations -> integration methods. This module holds only
the data; parsing lives in ``grammar``/``expressions``, dimension checks in ``checks``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from labkit.units.dimension import DIMENSIONLESS, Dimension

if TYPE_CHECKING:  # the class itself needs no sympy: plain lines are read without it
    import sympy

#: ``diff``: dv/dt = expr; ``sub``: name = expr (a subexpression); ``param``: name : unit.
Kind = Literal["diff", "sub", "param"]
VarType = Literal["float", "boolean", "integer"]

#: Flags the grammar accepts, and for which kinds of line each is allowed.
FLAGS: dict[str, frozenset[str]] = {
    "unless refractory": frozenset({"diff"}),
    "constant": frozenset({"param"}),
    "shared": frozenset({"param", "sub"}),
    "constant over dt": frozenset({"sub"}),
    "event-driven": frozenset({"diff"}),
    "clock-driven": frozenset({"diff"}),
    "summed": frozenset({"sub"}),
    "point current": frozenset({"sub", "param"}),
    "linked": frozenset({"param"}),
}


@dataclass(frozen=True)
class SingleEquation:
    """One line of a model.

    ``expr`` is the right-hand side as a sympy expression (``None`` for parameters); for a
    differential equation it is the derivative. ``source`` is the line as the user wrote it,
    quoted by every error about this equation.
    """

    kind: Kind
    name: str
    dim: Dimension = DIMENSIONLESS
    var_type: VarType = "float"
    expr: sympy.Expr | None = None
    flags: frozenset[str] = field(default_factory=frozenset)
    source: str = ""

    def __str__(self) -> str:
        """The line in model-string syntax; parsing it gives this equation back."""
        from labkit.equations.printing import expression_str, unit_str

        unit = unit_str(self.dim) if self.var_type == "float" else self.var_type
        flags = f" ({', '.join(sorted(self.flags))})" if self.flags else ""
        if self.kind == "diff":
            return f"d{self.name}/dt = {expression_str(self.expr)} : {unit}{flags}"
        if self.kind == "sub":
            return f"{self.name} = {expression_str(self.expr)} : {unit}{flags}"
        return f"{self.name} : {unit}{flags}"
