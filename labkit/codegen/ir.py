"""The hand-offs between stages, as frozen data: integration -> UpdateBlock -> printers.

An :class:`UpdateBlock` is what an integration method makes of a model: the ordered
assignments (each a :class:`Statement`, ``target = sympy expression``) that advance the
state variables by one time step. It holds no text; the printers in ``codegen`` turn it into
Numba, numpy or C++ source, so every device executes the same statements.

Conventions every producer of an UpdateBlock keeps:

- statements run in order; temporaries start with ``_`` (user names never do), so they
  cannot clash with model variables: ``_v`` is the new value of ``v``, ``__k_1_v`` an
  intermediate value of a method, ``__dW_xi`` the Wiener increment of the noise ``xi``;
- every new value is computed from old values before any state variable is overwritten
  (``v = _v`` lines come last), so coupled equations see a consistent state;
- variables in ``held`` are the ``(unless refractory)`` ones: the statements do not mask
  them; a later layer keeps them unchanged while a neuron is refractory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when printed: operations read back from disk need no sympy
    import sympy


@dataclass(frozen=True)
class Statement:
    """``target = expr``: one assignment of a step.

    >>> from labkit.equations.symbols import symbol
    >>> Statement("_v", symbol("v") + symbol("dt"))
    Statement('_v = dt + v')
    """

    target: str
    expr: sympy.Expr

    def __str__(self) -> str:
        import sympy

        return f"{self.target} = {sympy.sstr(self.expr)}"

    def __repr__(self) -> str:
        return f"Statement({str(self)!r})"

    @property
    def is_temporary(self) -> bool:
        """True for names an integration method made up (they start with ``_``)."""
        return self.target.startswith("_")


@dataclass(frozen=True)
class UpdateBlock:
    """The statements that advance a model's state by one time step ``dt``.

    Parameters
    ----------
    statements : tuple of Statement
        In execution order.
    method : str
        The integration method that produced them (``'exact'``, ``'euler'``, ...).
    held : frozenset of str
        Variables flagged ``(unless refractory)``: a later layer keeps them unchanged while
        the neuron is refractory.
    state : tuple of str
        The differential-equation variables the block advances.
    random : tuple of sympy.Expr
        The random calls (``randn(k)``, ``rand(k)``) in the statements, each one draw per
        element and step.
    """

    statements: tuple[Statement, ...]
    method: str
    held: frozenset[str] = frozenset()
    state: tuple[str, ...] = ()
    random: tuple[sympy.Expr, ...] = ()

    def __str__(self) -> str:
        return "\n".join(str(s) for s in self.statements)

    def __repr__(self) -> str:
        lines = "".join(f"\n    {s}" for s in self.statements)
        held = ", ".join(sorted(self.held))
        return (
            f"UpdateBlock(method={self.method!r}, state={self.state!r}, held={{{held}}},"
            f" random={tuple(str(r) for r in self.random)!r}, statements:{lines})"
        )

    def __iter__(self):
        return iter(self.statements)

    def __len__(self) -> int:
        return len(self.statements)

    @property
    def written(self) -> tuple[str, ...]:
        """Model variables (not temporaries) the block assigns, in order of assignment."""
        seen = dict.fromkeys(s.target for s in self.statements if not s.is_temporary)
        return tuple(seen)
