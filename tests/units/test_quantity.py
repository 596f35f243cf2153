"""Quantity: arithmetic follows dimension rules, results collapse, arrays keep their units."""

import copy
import pickle

import numpy as np
import pytest

from labkit.errors import DimensionMismatchError, UnitError
from labkit.units import *
from labkit.units.dimension import get_or_create_dimension

VOLT = get_or_create_dimension(m=2, kg=1, s=-3, A=-1)


def test_values_are_stored_in_si():
    assert np.asarray(3 * mV) == pytest.approx(0.003)
    assert (3 * mV).dim is VOLT
    assert (3 * mV).dimensions is VOLT


def test_ohms_law():
    u = 2 * amp * 550 * ohm
    assert u.dim is VOLT
    assert float(u / volt) == pytest.approx(1100)
    assert str(u) == "1.1 kV"


def test_add_mismatch_names_both_sides():
    with pytest.raises(DimensionMismatchError) as info:
        3 * mV + 2 * nA
    message = str(info.value)
    assert "3. mV + 2. nA" in message
    assert "volt" in message and "amp" in message
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("operation", [
    lambda: 1 * mV - 1 * ms,
    lambda: 1 * mV < 1 * nA,
    lambda: 1 * mV == 1 * second,
    lambda: np.maximum(1 * mV, 1 * nA),
    lambda: 1 * mV + 1,
    lambda: 1 * mV > 1,
    lambda: np.hypot(mV, ms),
])
def test_mismatches_raise(operation):
    with pytest.raises(DimensionMismatchError):
        operation()


def test_plain_zero_fits_any_dimension_as_in_brian2():
    assert 3 * mV > 0
    assert not (-3 * mV > 0)
    assert np.all(([1, -1] * nA > np.zeros(2)) == [True, False])
    assert (3 * mV + 0).dim is VOLT
    assert float(np.maximum(-3 * mV, 0) / mV) == 0


@pytest.mark.parametrize("function", [np.exp, np.log, np.sin, np.cos, np.tanh, np.log10])
def test_transcendental_functions_need_dimensionless(function):
    with pytest.raises(DimensionMismatchError, match="dimensionless"):
        function(3 * mV)
    assert function(3 * mV / mV) == pytest.approx(function(3.0))


def test_sqrt_halves_exponents():
    root = np.sqrt(4 * metre2)
    assert root.dim is metre.dim
    assert float(root / metre) == pytest.approx(2)
    assert np.sqrt(mV * mV).dim is VOLT


def test_power_needs_dimensionless_scalar_exponent():
    assert ((3 * mV) ** 2).dim is VOLT**2
    assert (mV**-1).dim is VOLT**-1
    with pytest.raises(DimensionMismatchError):
        (3 * mV) ** (2 * mV)
    with pytest.raises(TypeError):
        (3 * mV) ** np.array([1, 2])
    with pytest.raises(DimensionMismatchError):
        2 ** (3 * mV)
    assert 2 ** (3 * mV / mV) == pytest.approx(8)


def test_dimensionless_results_collapse():
    ratio = (3 * ms) / (1 * ms)
    assert type(ratio) is float and ratio == pytest.approx(3.0)
    plain = np.array([1, 2]) * ms / ms
    assert type(plain) is np.ndarray
    assert type(3 * mV > 1 * mV) is bool
    assert type([1, 2] * mV > 1 * mV) is np.ndarray


def test_multiply_divide_combine_dimensions():
    assert (mV / ms).dim is VOLT / second.dim
    assert (nA * Mohm).dim is VOLT
    assert (1 / ms).dim is Hz.dim
    assert np.reciprocal(2 * ms).dim is Hz.dim


def test_unary_and_rounding_keep_dimension():
    q = np.array([-1.5, 2.5]) * mV
    for result in (-q, +q, abs(q), np.abs(q), np.floor(q), np.ceil(q), np.negative(q)):
        assert result.dim is VOLT
    assert np.sign(-3 * mV) == -1.0
    assert type(np.isnan(q)) is np.ndarray


def test_float_gives_si_value_as_brian2_does():
    assert float(3 * ms / ms) == 3.0
    assert int(6 * ms / (2 * ms)) == 3
    assert float(3 * ms) == pytest.approx(0.003)
    assert int(3 * second) == 3
    assert float(Quantity(2.5)) == 2.5
    # numpy relies on it when array() gets a list of quantities (Brian2 scripts do this)
    np.testing.assert_allclose(np.array([1 * mV, 2 * mV]), [0.001, 0.002])


def test_raw_values_through_asarray():
    v = np.array([-70.0, -65.0]) * mV
    raw = np.asarray(v)
    assert type(raw) is np.ndarray
    np.testing.assert_allclose(raw, [-0.070, -0.065])


def test_indexing_returns_quantities():
    q = np.array([1.0, 2.0, 3.0]) * mV
    assert q[0].dim is VOLT and q[0].ndim == 0
    assert q[1:].dim is VOLT and q[1:].shape == (2,)
    assert q[q > 1.5 * mV].shape == (2,)
    assert [float(x / mV) for x in q] == [1.0, 2.0, 3.0]
    assert all(isinstance(x, Quantity) for x in q.tolist())


def test_setitem_checks_dimensions():
    q = np.array([1.0, 2.0]) * mV
    q[0] = 5 * mV
    q[1] = 0
    assert list(np.asarray(q)) == pytest.approx([0.005, 0.0])
    with pytest.raises(DimensionMismatchError, match="Cannot assign"):
        q[0] = 1 * nA
    with pytest.raises(DimensionMismatchError):
        q[:] = np.array([1.0, 2.0])


def test_inplace_operations_check_units():
    q = np.array([1.0, 2.0]) * mV
    q += 1 * mV
    q *= 2
    assert float(q[0] / mV) == pytest.approx(4)
    with pytest.raises(DimensionMismatchError):
        q += 1 * nA
    with pytest.raises(DimensionMismatchError):
        q *= mV  # would change the units of q in place


def test_units_are_read_only():
    unit = mV
    with pytest.raises(ValueError):
        unit *= 2
    assert float(mV / volt) == pytest.approx(1e-3)


def test_reductions():
    q = np.array([1.0, 2.0, 3.0]) * mV
    for result, expected in ((q.sum(), 6), (q.mean(), 2), (q.min(), 1), (q.max(), 3),
                             (q.std(), np.std([1, 2, 3]))):
        assert result.dim is VOLT
        assert float(result / mV) == pytest.approx(expected)
    assert q.var().dim is VOLT**2
    assert float(q.var() / mV**2) == pytest.approx(np.var([1, 2, 3]))
    assert q.cumsum().dim is VOLT
    assert q.prod().dim is VOLT**3
    assert np.sum(q).dim is VOLT and np.mean(q).dim is VOLT and np.var(q).dim is VOLT**2


def test_shape_methods_keep_units():
    q = np.array([[1.0, 2.0], [3.0, 4.0]]) * nA
    for result in (q.flatten(), q.repeat(2), q.reshape(4), q.T, q.copy(), q.ravel()):
        assert result.dim is nA.dim
    assert copy.deepcopy(q).dim is nA.dim


def test_pickling_keeps_dimensions():
    q = np.array([1.0, 2.0]) * mV
    back = pickle.loads(pickle.dumps(q))
    assert back.dim is VOLT
    np.testing.assert_array_equal(np.asarray(back), np.asarray(q))
    unit = pickle.loads(pickle.dumps(mV))
    assert str(unit) == "mV" and unit.dim is VOLT
    scalar = pickle.loads(pickle.dumps(3 * ms))
    assert scalar.dim is second.dim


def test_constructor():
    q = Quantity([1, 2], dim=VOLT)
    assert q.dim is VOLT and q.dtype == float
    assert Quantity([1 * mV, 2 * mV]).dim is VOLT
    assert Quantity(3 * mV).dim is VOLT
    with pytest.raises(DimensionMismatchError):
        Quantity([1 * mV, 2 * nA])
    with pytest.raises(TypeError):
        Quantity(1, dim="volt")
    assert Quantity(2.0).dim is DIMENSIONLESS


def test_ufunc_methods():
    q = np.array([1.0, 2.0, 3.0]) * mV
    assert float(np.add.reduce(q) / mV) == pytest.approx(6)
    assert np.add.accumulate(q).dim is VOLT
    assert np.multiply.outer(q, q).dim is VOLT**2
    with pytest.raises(UnitError):
        np.multiply.reduce(q)
    target = np.zeros(3) * mV
    np.add.at(target, [0, 0], 1 * mV)
    assert float(target[0] / mV) == pytest.approx(2)


def test_out_argument_checks_units():
    q = np.array([1.0, 2.0]) * mV
    out = np.zeros(2) * mV
    np.add(q, q, out=out)
    assert float(out[1] / mV) == pytest.approx(4)
    wrong = np.zeros(2) * nA
    with pytest.raises(DimensionMismatchError):
        np.add(q, q, out=wrong)


def test_unknown_ufunc_only_for_dimensionless():
    mantissa, exponent = np.frexp(Quantity(8.0))  # a ufunc without a rule
    assert mantissa == 0.5 and exponent == 4
    with pytest.raises(UnitError):
        np.frexp(1 * mV)


def test_comparison_with_none_and_strings():
    assert (3 * mV == None) is False  # noqa: E711
    assert (3 * mV != "text") is True


def test_has_same_dimensions_and_is_dimensionless():
    assert (3 * mV).has_same_dimensions(volt)
    assert not (3 * mV).is_dimensionless
    assert Quantity(1.0).is_dimensionless


def test_format_spec():
    assert f"{3 * mV:.2f}" == "3.00 mV"
    assert f"{3 * mV}" == "3. mV"
