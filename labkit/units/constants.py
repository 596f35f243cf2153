"""Physical constants as Quantities (Brian2's ``brian2.units.constants``).

Why: models of ion channels write Nernst potentials and temperatures with them
(``T = 34*kelvin + zero_celsius``, ``R*T/F``). As in Brian2 they are not part of the star
import (``e`` stays Euler's number, ``R`` a user's resistance); a script imports them by
name, e.g. ``from labkit.units.constants import faraday_constant as F``. The values are
Brian2's (CODATA 2014), so results agree to the last digit. Building them registers no
display unit: ``coulomb/mole`` printed elsewhere keeps Brian2's display.

>>> from labkit.units import kelvin, mV
>>> from labkit.units.constants import zero_celsius, gas_constant, faraday_constant
>>> print(zero_celsius)
273.15 K
>>> T = 34*kelvin + zero_celsius
>>> print(gas_constant * T / faraday_constant)  # the thermal voltage RT/F
26.46812993 mV
"""

from __future__ import annotations

import numpy as np

from labkit.units.registry import registering_into
from labkit.units.table import UNITS

__all__ = ["avogadro_constant", "boltzmann_constant", "electric_constant", "electron_mass",
           "elementary_charge", "faraday_constant", "gas_constant", "magnetic_constant",
           "molar_mass_constant", "zero_celsius"]

_u = UNITS
with registering_into(None):
    avogadro_constant = 6.022140857e23 / _u["mole"]
    boltzmann_constant = 1.38064852e-23 * _u["joule"] / _u["kelvin"]
    electric_constant = 8.854187817e-12 * _u["farad"] / _u["meter"]
    electron_mass = 9.10938356e-31 * _u["kilogram"]
    elementary_charge = 1.6021766208e-19 * _u["coulomb"]
    faraday_constant = 96485.33289 * _u["coulomb"] / _u["mole"]
    gas_constant = 8.3144598 * _u["joule"] / _u["mole"] / _u["kelvin"]
    magnetic_constant = 4 * np.pi * 1e-7 * _u["newton"] / _u["amp"] ** 2
    molar_mass_constant = 1 * _u["gram"] / _u["mole"]
    zero_celsius = 273.15 * _u["kelvin"]
del _u
