"""Helpers: dimensions of objects, SI units of dimensions, checked function calls."""

import numpy as np
import pytest

from labkit.errors import DimensionMismatchError
from labkit.units import *


def test_get_dimensions():
    assert get_dimensions(3 * mV) is volt.dim
    assert get_dimensions(3) is DIMENSIONLESS
    assert get_dimensions(np.ones(3)) is DIMENSIONLESS
    assert get_dimensions(volt.dim) is volt.dim
    with pytest.raises(TypeError):
        get_dimensions("volt")


def test_have_same_dimensions_and_is_dimensionless():
    assert have_same_dimensions(mV, volt)
    assert not have_same_dimensions(mV, nA)
    assert have_same_dimensions(1, 2.5)
    assert is_dimensionless(ms / second)
    assert not is_dimensionless(ms)


@pytest.mark.parametrize("unit, name", [
    (mV, "volt"), (nA, "amp"), (ms, "second"), (kHz, "hertz"), (nS, "siemens"),
    (pF, "farad"), (Mohm, "ohm"), (um, "metre"), (mmolar, "mmolar"), (kgram, "kilogram"),
])
def test_get_unit(unit, name):
    si = get_unit(unit.dim)
    assert repr(si) == name
    assert si.dim is unit.dim
    expected = 1.0 if name != "kilogram" else 1.0
    assert float(np.asarray(si)) == pytest.approx(expected)


def test_get_unit_compound_falls_back_to_base_units():
    unit = get_unit(2 * siemens / metre**2)  # a quantity: no unit S/m^2 was built
    assert float(np.asarray(unit)) == 1.0
    assert str(unit) == "m^-4 kg^-1 s^3 A^2"
    assert eval(repr(unit), {"metre": metre, "kilogram": kilogram, "second": second,
                             "amp": amp}).dim is unit.dim
    # once the unit has been built (as Brian2 does, it registers itself), it is found
    built = siemens / metre**2
    assert get_unit(unit.dim) is built and str(built) == "S/(m^2)"


def test_fail_for_dimension_mismatch():
    assert fail_for_dimension_mismatch(mV, volt) == (volt.dim, volt.dim)
    with pytest.raises(DimensionMismatchError, match="bad"):
        fail_for_dimension_mismatch(mV, nA, "bad")
    with pytest.raises(DimensionMismatchError):
        fail_for_dimension_mismatch(mV)


@check_units(I=amp, R=ohm, result=volt)
def _voltage(I, R):
    return I * R


@check_units(x=1, flag=bool, y="x")
def _flags(x, flag=False, y=None):
    return x


def test_check_units_accepts_right_units():
    assert str(_voltage(2 * amp, 550 * ohm)) == "1.1 kV"
    assert str(_voltage(R=1 * Mohm, I=1 * nA)) == "1. mV"


def test_check_units_rejects_wrong_units():
    with pytest.raises(DimensionMismatchError, match="argument 'I'"):
        _voltage(3 * mV, 2 * ohm)
    with pytest.raises(DimensionMismatchError, match="argument 'R'"):
        _voltage(1 * amp, 2)


def test_check_units_checks_result():
    @check_units(x=volt, result=volt)
    def wrong(x):
        return x / volt

    with pytest.raises(DimensionMismatchError, match="the result"):
        wrong(3 * mV)


def test_check_units_one_bool_and_names():
    assert _flags(3, True) == 3
    assert _flags(3 * mV / mV, flag=np.bool_(False)) == pytest.approx(3)
    with pytest.raises(DimensionMismatchError):
        _flags(3 * mV)
    with pytest.raises(TypeError):
        _flags(3, flag=1)
    assert _flags(2, y=3) == 2
    with pytest.raises(DimensionMismatchError):
        _flags(2, y=3 * mV)


def test_check_units_rejects_unknown_arguments():
    with pytest.raises(TypeError):

        @check_units(J=amp)
        def f(I):
            return I


def test_check_units_keeps_metadata():
    assert _voltage.__name__ == "_voltage"
    assert _voltage._arg_units["I"] is amp
