"""Physical constants: Brian2's values and display, imported by name only."""

import pytest

import labkit
from labkit import kelvin, mole, mV
from labkit.errors import DimensionMismatchError
from labkit.units import constants
from labkit.units.constants import faraday_constant, gas_constant, zero_celsius


def test_values_are_brian2s_codata_2014():
    assert float(zero_celsius) == 273.15 and zero_celsius.dim is kelvin.dim
    assert float(faraday_constant) == 96485.33289
    assert float(gas_constant) == 8.3144598
    assert float(constants.avogadro_constant * mole) == 6.022140857e23
    assert float(constants.elementary_charge) == 1.6021766208e-19


def test_displayed_as_brian2_displays_them():
    assert str(zero_celsius) == "273.15 K"
    assert str(gas_constant) == "8.3144598 J/(mol K)"
    assert repr(faraday_constant) == "96485.33289 * second * amp * mole ** -1"
    assert str(constants.magnetic_constant) == "1.25663706e-06 H/m"


def test_a_nernst_potential_with_units():
    T = 34 * kelvin + zero_celsius
    thermal = gas_constant * T / faraday_constant
    assert str(thermal) == "26.46812993 mV" and thermal.dim is mV.dim
    with pytest.raises(DimensionMismatchError):
        zero_celsius + 1 * mV  # noqa: B018


def test_not_in_the_star_import_as_in_brian2():
    assert not set(constants.__all__) & set(labkit.__all__)
