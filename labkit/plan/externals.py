"""A run's names -> their roles in a kernel; namespace values -> what kind of value they are.

Plain helpers (no sympy) shared by the plans of every object: a run of a model seen before
(:mod:`labkit.plan.stored_ops`) needs them, and nothing that parses.
"""

from __future__ import annotations

from labkit.codegen.spec import Symbol
from labkit.plan.arguments import symbol
from labkit.units.dimension import DIMENSIONLESS, Dimension

__all__ = ["constant_functions", "dimension_of_external", "external_kinds", "symbols_for"]


def symbols_for(names, prefix: str, arrays: dict, externals: dict) -> tuple[Symbol, ...]:
    """Model names of one operation -> their roles and kernel arguments.

    ``arrays`` maps the group's stored variables to ``'array'`` or ``'shared'``;
    ``externals`` maps namespace names to ``'scalar'`` or ``'timed'``.
    """
    out = []
    for name in sorted(names):
        if name in ("t", "dt"):
            role = name
        elif name in _SPECIAL_ROLES:
            role = _SPECIAL_ROLES[name]
        elif name in arrays:
            role = arrays[name]
        elif name in externals:
            role = externals[name]
        elif name.startswith("_"):
            continue  # temporaries of the statements
        else:
            raise KeyError(f"internal error: no role for name {name!r}")
        out.append(symbol(name, role, prefix))
    return tuple(out)


_SPECIAL_ROLES = {"t_in_timesteps": "timestep", "i": "index", "N": "int"}


def constant_functions(externals: dict, dt: float) -> frozenset[str]:
    """Namespace values + the group's step -> names of functions constant over a step.

    A function object says so itself (Brian2's ``is_locally_constant(dt)``): a TimedArray
    whose dt is a whole number of steps, for example. Linear integrators then hold its
    calls fixed over the step, as Brian2 does.
    """
    return frozenset(name for name, value in externals.items()
                     if callable(getattr(value, "is_locally_constant", None))
                     and value.is_locally_constant(dt))


def external_kinds(externals: dict) -> dict[str, str]:
    """Namespace values -> their roles: ``'timed'`` for a TimedArray, else ``'scalar'``."""
    return {name: "timed" if hasattr(value, "_kernel_values") else "scalar"
            for name, value in externals.items()}


def dimension_of_external(value) -> Dimension:
    dim = getattr(value, "dim", None)
    return dim if isinstance(dim, Dimension) else DIMENSIONLESS
