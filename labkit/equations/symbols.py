"""The one way to make a sympy symbol for a model name.

Every stage must build symbols the same way: sympy treats ``Symbol('v')`` and
``Symbol('v', real=True)`` as different objects, and a mix silently breaks substitution.
"""

from __future__ import annotations

import sympy

#: Names with a fixed meaning in every model.
TIME = "t"
TIMESTEP = "dt"
NOT_REFRACTORY = "not_refractory"


def symbol(name: str) -> sympy.Symbol:
    """The sympy symbol for a model or namespace name (always ``real=True``)."""
    return sympy.Symbol(name, real=True)


def is_noise(name: str) -> bool:
    """True for Brian2's white-noise names: ``xi`` and ``xi_<suffix>``."""
    return name == "xi" or (name.startswith("xi_") and len(name) > 3)


t = symbol(TIME)
dt = symbol(TIMESTEP)
