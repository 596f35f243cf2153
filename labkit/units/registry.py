"""Units known for display -> three registries, searched in Brian2's order.

Why: ``str(q)`` shows a quantity in a unit chosen among *known* units of its dimension,
and which units are known is Brian2's rule, so labkit must keep the same three lists:

* ``STANDARD``: every named unit with Brian2's display prefixes, to the powers 1-3
  (``mV``, ``um^2``, ``kHz^2``), filled from the unit table;
* ``USER``: units built from other units (``mV/ms``, ``siemens/cm**2``, ``ms**2``) are
  registered here when they are made, as in Brian2, so that after ``mV/ms`` has been
  written a slope prints as ``3. mV/ms`` instead of in base units;
* ``ADDITIONAL``: a few compound SI units (``Pa s``, ``J/K``, ``F/m``, ...).

For one dimension a registry keeps its units by value, the last registered winning a
value; the first registry with any unit of that dimension is the one display uses.
This module only stores units: the choice among them is :mod:`labkit.units.display`'s.
"""

from __future__ import annotations

from contextlib import contextmanager

from labkit.units.dimension import Dimension

__all__ = ["UnitRegistry", "STANDARD", "USER", "ADDITIONAL", "REGISTRIES", "register_new_unit",
           "registering_into"]


class UnitRegistry:
    """Dimension -> {unit value in SI: unit}, in the order units were first registered."""

    def __init__(self, name: str):
        self.name = name
        self.units_for_dimensions: dict[Dimension, dict[float, object]] = {}

    def add(self, unit) -> None:
        """Know ``unit`` (anything with ``dim`` and a float value) for its dimension."""
        self.units_for_dimensions.setdefault(unit.dim, {})[float(unit)] = unit

    def get(self, dim: Dimension) -> dict[float, object]:
        return self.units_for_dimensions.get(dim, {})

    def __repr__(self) -> str:
        count = sum(len(units) for units in self.units_for_dimensions.values())
        return f"<UnitRegistry {self.name}: {count} units>"


STANDARD = UnitRegistry("standard")
USER = UnitRegistry("user")
ADDITIONAL = UnitRegistry("additional")
#: The order in which display searches them (Brian2's).
REGISTRIES = (STANDARD, USER, ADDITIONAL)

_target: list[UnitRegistry | None] = [USER]


def register_new_unit(unit) -> None:
    """Make ``unit`` a candidate for display (Brian2's ``register_new_unit``).

    Units built from units (``pfarad / mmetre**2``) are registered already; this is for
    units made otherwise. Registration lasts for the process, as in Brian2: after it,
    ``print(2.0 * farad / metre**2)`` shows ``2000000. pF/(mm^2)``.
    """
    if _target[-1] is not None:
        _target[-1].add(unit)


@contextmanager
def registering_into(registry: UnitRegistry | None):
    """Units built inside go to ``registry`` (None: nowhere) instead of ``USER``.

    The unit tables build their compound units inside ``registering_into(None)``, so that
    importing labkit registers nothing a user did not write.
    """
    _target.append(registry)
    try:
        yield
    finally:
        _target.pop()
