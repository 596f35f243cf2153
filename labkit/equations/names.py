"""Names with a fixed meaning in every model, and Brian2's noise names (plain: no sympy,
so that an Equations object read back from its plain lines answers ``identifiers``)."""

from __future__ import annotations

__all__ = ["NOT_REFRACTORY", "TIME", "TIMESTEP", "is_noise"]

TIME = "t"
TIMESTEP = "dt"
NOT_REFRACTORY = "not_refractory"


def is_noise(name: str) -> bool:
    """True for Brian2's white-noise names: ``xi`` and ``xi_<suffix>``."""
    return name == "xi" or (name.startswith("xi_") and len(name) > 3)
