"""Names with a fixed meaning in every model, and Brian2's noise names (plain: no sympy,
so that an Equations object read back from its plain lines answers ``identifiers``)."""

from __future__ import annotations

__all__ = ["FUNCTION_NAMES", "NOT_REFRACTORY", "TIME", "TIMESTEP", "is_noise"]

TIME = "t"
TIMESTEP = "dt"
NOT_REFRACTORY = "not_refractory"

#: The built-in functions' names (:data:`labkit.equations.functions.FUNCTIONS`' keys), for
#: "did you mean" hints where a string's names are looked up without sympy.
FUNCTION_NAMES = ("abs", "arccos", "arcsin", "arctan", "ceil", "clip", "cos", "cosh", "exp",
                  "exprel", "floor", "int", "log", "log10", "rand", "randn", "sign", "sin",
                  "sinh", "sqrt", "tan", "tanh")


def is_noise(name: str) -> bool:
    """True for Brian2's white-noise names: ``xi`` and ``xi_<suffix>``."""
    return name == "xi" or (name.startswith("xi_") and len(name) > 3)
