"""The one way to make a sympy symbol for a model name.

Every stage must build symbols the same way: sympy treats ``Symbol('v')`` and
``Symbol('v', real=True)`` as different objects, and a mix silently breaks substitution.
"""

from __future__ import annotations

import sympy

from labkit.equations.names import NOT_REFRACTORY, TIME, TIMESTEP, is_noise

__all__ = ["NOT_REFRACTORY", "TIME", "TIMESTEP", "dt", "is_noise", "symbol", "t"]


def symbol(name: str) -> sympy.Symbol:
    """The sympy symbol for a model or namespace name (always ``real=True``)."""
    return sympy.Symbol(name, real=True)


t = symbol(TIME)
dt = symbol(TIMESTEP)
