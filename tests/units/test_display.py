"""Display: Brian2-style str and evaluable repr, in the best unit."""

import numpy as np
import pytest

import labkit.units
from labkit.errors import DimensionMismatchError
from labkit.units import *
from labkit.units.display import best_unit, describe, format_in_unit

NAMESPACE: dict = {}
exec("from labkit.units import *", NAMESPACE)
NAMESPACE.update(labkit.units.UNITS)  # repr may name units no star import exports (mvolt2)


# Each expected text is what Brian2 2.9 prints for the same expression in a new process.
@pytest.mark.parametrize("value, text", [
    (lambda: 2 * amp * 550 * ohm, "1.1 kV"),
    (lambda: 3 * mV, "3. mV"),
    (lambda: -5 * nA, "-5. nA"),
    (lambda: 0.5 * mV, "0.5 mV"),
    (lambda: 0.5 * ms, "0.5 ms"),
    (lambda: 1e-15 * amp, "1. fA"),
    (lambda: -0.5 * nA, "-0.5 nA"),
    (lambda: 999 * ms, "0.999 s"),
    (lambda: 1000 * mV, "1. V"),
    (lambda: 0 * mV, "0. V"),
    (lambda: 3 * kHz, "3. kHz"),
    (lambda: 10 * Mohm, "10. Mohm"),
    (lambda: 3 * nS, "3. nS"),
    (lambda: 3 * mmolar, "3. mM"),
    (lambda: 2 * cmetre, "20. mm"),
    (lambda: 30 * um2, "30. um^2"),
    (lambda: 1 * uF / cm**2, "0.01 m^-4 kg^-1 s^4 A^2"),
    (lambda: 10 * msiemens / cm**2, "100. m^-4 kg^-1 s^3 A^2"),
    (lambda: 3 * mV / ms, "3. m^2 kg s^-4 A^-1"),
    (lambda: 150 * ohm * cm, "1.5 m^3 kg s^-3 A^-2"),
    (lambda: 3.5 * mV**2, "3.5 mV^2"),
    (lambda: np.array([1, 2, 3]) * mV, "[1. 2. 3.] mV"),
    (lambda: np.array([0.5, 90]) * ms, "[ 0.5 90. ] ms"),
    (lambda: np.array([0.001, 1]) * mV, "[1.e+00 1.e+03] uV"),
    (lambda: 3 * mV * ms, "3. uWb"),
    (lambda: np.inf * mV, "inf YV"),
    (lambda: np.array([np.nan, 0]) * mV, "[nan  0.] V"),
])
def test_str(value, text):
    assert str(value()) == text


@pytest.mark.parametrize("value, text", [
    (lambda: 3 * mV, "3. * mvolt"),
    (lambda: 2 * amp * 550 * ohm, "1.1 * kvolt"),
    (lambda: 0.5 * ms, "0.5 * msecond"),
    (lambda: np.array([1.0, 2.0]) * mV, "array([1., 2.]) * mvolt"),
    (lambda: 1 * uF / cm**2, "0.01 * metre ** -4 * kilogram ** -1 * second ** 4 * amp ** 2"),
    (lambda: 3.5 * mV**2, "3.5 * mvolt2"),
    (lambda: 3 * kilogram**2, "3. * kilogram2"),
    (lambda: Quantity(3.0), "Quantity(3.)"),
    (lambda: Quantity([1.0, 2.0]), "Quantity(array([1., 2.]))"),
])
def test_repr(value, text):
    assert repr(value()) == text


def test_units_built_from_units_are_units_and_display_candidates():
    slope = 3 * volt / second
    assert str(slope) == "3. m^2 kg s^-4 A^-1"  # no unit of this dimension known yet
    per_ms = mV / ms
    assert isinstance(per_ms, Unit) and str(per_ms) == "mV/ms"
    assert repr(per_ms) == "mvolt / msecond"
    assert str(slope) == "3. mV/ms" and repr(slope) == "3. * mvolt / msecond"
    assert str(1 / ms) == "ms^-1" and repr(ms**2) == "msecond ** 2"
    assert repr(1 / (mV / ms)) == "(mvolt / msecond) ** -1" and str(np.sqrt(ms)) == "ms^0.5"
    assert str(kilogram * metre) == "kg m" and str(siemens / cm**2) == "S/(cm^2)"
    assert isinstance(2 / ms, Quantity) and not isinstance(2 / ms, Unit)
    assert str(ms / ms) == "ms/ms" and ms / ms == 1 and 2 * (ms / ms) == 2.0
    assert type(2 * (ms / ms)) is float  # arithmetic with it gives plain numbers


def test_a_declared_unit_becomes_a_display_unit_as_in_brian2():
    density = 3 * siemens / metre**2
    assert str(density) == "3. m^-4 kg^-1 s^3 A^2"
    NeuronGroup = pytest.importorskip("labkit").NeuronGroup
    NeuronGroup(1, "g : siemens/meter**2")
    assert str(density) == "3. S/(m^2)"


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
    assert (3 * mV).in_unit(mV / ms * ms) == "3. mV/ms ms"  # the unit's own name
    assert (3 * mV).in_unit(2 * mV) == "1.5 m^2 kg s^-3 A^-1"  # a quantity: its dimension
    with pytest.raises(DimensionMismatchError):
        (3 * mV).in_unit(nA)
    assert format_in_unit(3 * mV / mV, 1) == "3."


def test_in_best_unit():
    assert (0.003 * volt).in_best_unit() == "3. mV"


def test_best_unit_rule():
    # the unit that brings the values closest to 10 on a log scale
    assert best_unit(volt.dim, 0.003).text == "mV"
    assert best_unit(volt.dim, 999e-3).text == "V"
    assert best_unit(volt.dim, 0.5e-3).text == "mV" and best_unit(volt.dim, 0.2e-3).text == "uV"
    assert best_unit(volt.dim, [1e-3, 1.0]).text == "mV"  # 1 + 4 (mV) beats 16 + 1 (V)
    assert best_unit(volt.dim, [0.0, np.nan]).text == "V"
    assert best_unit(volt.dim, 1e-20).text == "zV"
    assert best_unit(volt.dim, []).text == "V"


def test_describe_summarises_long_arrays():
    assert describe(np.zeros(1000) * mV).startswith("<array of shape (1000,)")
    assert describe(3 * mV) == "3. mV"


def test_error_messages_stay_short_for_big_arrays():
    with pytest.raises(DimensionMismatchError) as info:
        np.zeros(10000) * mV + np.zeros(10000) * nA
    assert len(str(info.value)) < 200
