"""labkit.units: physical quantities that check their units, Brian2-style.

Values -> :class:`Quantity` (an ndarray in SI base units with a ``dim``); unit names ->
:class:`Unit` objects (``mV``, ``nS``, ``umetre2``, ...; every name is in ``UNITS``);
display in the best unit; unit-aware numpy. ``__all__`` is exactly what ``from labkit import
*`` should bring in; no name in it shadows a Python builtin.

>>> from labkit.units import amp, ohm, mV, ms
>>> print(2 * amp * 550 * ohm)
1.1 kV
>>> (3 * ms) / (1 * ms)
3.0
"""

from labkit.errors import DimensionMismatchError
from labkit.units import functions as _functions
from labkit.units.dimension import DIMENSIONLESS, Dimension, get_or_create_dimension
from labkit.units.functions import arange
from labkit.units.helpers import (
    check_units,
    fail_for_dimension_mismatch,
    get_dimensions,
    get_unit,
    have_same_dimensions,
    in_unit,
    is_dimensionless,
)
from labkit.units.quantity import Quantity, Unit
from labkit.units.table import EXPORTED, UNITS

__all__ = [
    "Quantity", "Unit", "Dimension", "DIMENSIONLESS", "DimensionMismatchError",
    "get_or_create_dimension", "get_dimensions", "have_same_dimensions", "is_dimensionless",
    "get_unit", "in_unit", "check_units", "fail_for_dimension_mismatch", "arange",
]

# Units are data (see table.py): the exported unit names are bound here from UNITS, and the
# numpy names from functions.py, rather than written out one by one.
globals().update({name: UNITS[name] for name in EXPORTED})
globals().update({name: getattr(_functions, name) for name in _functions.__all__})

__all__ += [name for name in _functions.__all__ if name not in __all__]
__all__ += EXPORTED
