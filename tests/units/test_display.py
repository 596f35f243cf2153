"""Display: Brian2-style str and evaluable repr, in the best unit."""

import numpy as np
import pytest

import labkit.units
from labkit.errors import DimensionMismatchError
from labkit.units import *
from labkit.units.display import best_unit, describe, format_in_unit

NAMESPACE: dict = {}
exec("from labkit.units import *", NAMESPACE)


@pytest.mark.parametrize("value, text", [
    (lambda: 2 * amp * 550 * ohm, "1.1 kV"),
    (lambda: 3 * mV, "3. mV"),
    (lambda: -5 * nA, "-5. nA"),
    (lambda: 0.5 * mV, "500. uV"),
    (lambda: 1000 * mV, "1. V"),
    (lambda: 0 * mV, "0. V"),
    (lambda: 3 * kHz, "3. kHz"),
    (lambda: 10 * Mohm, "10. Mohm"),
    (lambda: 3 * nS, "3. nS"),
    (lambda: 3 * mmolar, "3. mM"),
    (lambda: 2 * cmetre, "20. mm"),
    (lambda: 30 * um2, "30. um^2"),
    (lambda: 1 * uF / cm**2, "1. uF/cm^2"),
    (lambda: 10 * msiemens / cm**2, "10. mS/cm^2"),
    (lambda: 3 * mV / ms, "3. V/s"),
    (lambda: 150 * ohm * cm, "150. ohm*cm"),
    (lambda: 3.5 * mV**2, "3.5 mV^2"),
    (lambda: np.array([1, 2, 3]) * mV, "[1. 2. 3.] mV"),
    (lambda: np.array([0.5, 90]) * ms, "[ 0.5 90. ] ms"),
    (lambda: 3 * mV * ms, "3.e-06 m^2 kg s^-2 A^-1"),
])
def test_str(value, text):
    assert str(value()) == text


@pytest.mark.parametrize("value, text", [
    (lambda: 3 * mV, "3. * mvolt"),
    (lambda: 2 * amp * 550 * ohm, "1.1 * kvolt"),
    (lambda: np.array([1.0, 2.0]) * mV, "array([1., 2.]) * mvolt"),
    (lambda: 1 * uF / cm**2, "1. * ufarad / cmetre ** 2"),
    (lambda: 3.5 * mV**2, "3.5 * mvolt ** 2"),
    (lambda: Quantity(3.0), "Quantity(3.)"),
])
def test_repr(value, text):
    assert repr(value()) == text


@pytest.mark.parametrize("make", [
    lambda: 3 * mV, lambda: np.array([1.0, -2.5]) * nA, lambda: 1e-30 * volt,
    lambda: 4.2 * metre**-3 * kilogram, lambda: np.inf * mV, lambda: 5 * siemens / cm**2,
    lambda: np.array([[1.0, 2.0], [3.0, 4.0]]) * ms, lambda: second**0.5 * 2,
    lambda: Quantity([1.0, 2.0]),
])
def test_repr_evaluates_back(make):
    q = make()
    back = eval(repr(q), NAMESPACE)
    assert getattr(back, "dim", DIMENSIONLESS) is q.dim
    np.testing.assert_allclose(np.asarray(back), np.asarray(q), rtol=1e-7)


def test_matches_brian2_for_common_values():
    brian2 = pytest.importorskip("brian2")
    cases = [(3, "mV"), (2.5, "nA"), (100, "pF"), (10, "nS"), (0.1, "ms"), (20, "Hz"),
             (1, "kHz"), (50, "uS"), (3, "mM")]
    for value, unit in cases:
        ours = value * getattr(labkit.units, unit)
        theirs = value * getattr(brian2, unit)
        assert str(ours) == str(theirs)
        assert repr(ours) == repr(theirs)


def test_in_unit():
    assert (3 * mV).in_unit(volt) == "0.003 V"
    assert in_unit(np.array([1, 2]) * ms, second) == "[0.001 0.002] s"
    assert (3 * mV).in_unit(mV, python_code=True) == "3. * mvolt"
    assert (3 * mV).in_unit(mV / ms * ms) == "3. mV"
    with pytest.raises(DimensionMismatchError):
        (3 * mV).in_unit(nA)
    assert format_in_unit(3 * mV / mV, 1) == "3."


def test_in_best_unit():
    assert (0.003 * volt).in_best_unit() == "3. mV"


def test_best_unit_rule():
    assert best_unit(volt.dim, 0.003).text == "mV"
    assert best_unit(volt.dim, 999e-3).text == "mV"
    assert best_unit(volt.dim, [0.0, np.nan]).text == "V"
    assert best_unit(volt.dim, 1e-20).text == "pV"  # smallest display prefix


def test_describe_summarises_long_arrays():
    assert describe(np.zeros(1000) * mV).startswith("<array of shape (1000,)")
    assert describe(3 * mV) == "3. mV"


def test_error_messages_stay_short_for_big_arrays():
    with pytest.raises(DimensionMismatchError) as info:
        np.zeros(10000) * mV + np.zeros(10000) * nA
    assert len(str(info.value)) < 200
