"""Property tests: dimension algebra laws, mismatches always raise, display round trips."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from labkit.errors import DimensionMismatchError
from labkit.units import *
from labkit.units.dimension import Dimension, get_or_create_dimension
from labkit.units.display import best_unit
from labkit.units.registry import STANDARD
from labkit.units.table import UNITS

NAMESPACE: dict = {}
exec("from labkit.units import *", NAMESPACE)
EXPORTED_NAMES = set(NAMESPACE)
# repr names units as Brian2 does (``mvolt2``, ``yvolt``), beyond what the star import
# exports: every one of them is in the unit table
NAMESPACE.update(UNITS)

exponents = st.lists(st.integers(-4, 4), min_size=7, max_size=7)
dimensions = exponents.map(get_or_create_dimension)
units = st.sampled_from(sorted(UNITS)).map(UNITS.__getitem__)
exported_units = st.sampled_from(sorted(n for n in EXPORTED_NAMES if n in UNITS)).map(
    UNITS.__getitem__)
magnitudes = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False)
signed = st.one_of(magnitudes, magnitudes.map(lambda x: -x))


@given(exponents)
def test_interning_gives_identity(e):
    assert get_or_create_dimension(e) is get_or_create_dimension(list(e))
    assert Dimension(tuple(float(x) for x in e)) is get_or_create_dimension(e)


@given(dimensions, dimensions, dimensions)
def test_multiplication_is_associative_and_commutative(a, b, c):
    assert (a * b) * c is a * (b * c)
    assert a * b is b * a


@given(dimensions)
def test_inverse(a):
    assert a / a is DIMENSIONLESS
    assert a * (DIMENSIONLESS / a) is DIMENSIONLESS
    assert a**0 is DIMENSIONLESS


@given(dimensions, st.integers(-3, 3), st.integers(-3, 3))
def test_power_laws(a, n, m):
    assert (a**n) ** m is a ** (n * m)
    assert a**n * a**m is a ** (n + m)
    assert (a**2) ** 0.5 is a


@given(signed, units, signed, units)
def test_quantity_dimensions_follow_dimension_algebra(x, u, y, v):
    p, q = x * u, y * v
    assert get_dimensions(p * q) is u.dim * v.dim
    assert get_dimensions(p / q) is u.dim / v.dim
    assert get_dimensions(p**2) is u.dim**2


@given(signed, units, signed, units)
def test_mismatches_always_raise(x, u, y, v):
    p, q = x * u, y * v
    if u.dim is v.dim:
        assert get_dimensions(p + q) is u.dim
        return
    for operation in (lambda: p + q, lambda: p - q, lambda: p < q, lambda: p == q,
                      lambda: np.maximum(p, q)):
        with pytest.raises(DimensionMismatchError):
            operation()


@given(dimensions.filter(lambda d: d is not DIMENSIONLESS), signed)
def test_nonzero_plain_numbers_never_match_units(dim, x):
    q = Quantity(1.0, dim=dim)
    with pytest.raises(DimensionMismatchError):
        q + x
    with pytest.raises(DimensionMismatchError):
        assert q > x


@settings(max_examples=200)
@given(signed, exported_units)
def test_repr_round_trip_scalars(x, unit):
    q = x * unit
    back = eval(repr(q), NAMESPACE)
    assert get_dimensions(back) is get_dimensions(q)
    shown = best_unit(get_dimensions(q), np.asarray(q))  # printed with 8 decimals in it
    assert float(np.asarray(back)) == pytest.approx(float(np.asarray(q)), rel=1e-7,
                                                    abs=1e-8 * shown.factor)


@settings(max_examples=100)
@given(st.lists(signed, min_size=1, max_size=6), exported_units, dimensions)
def test_repr_round_trip_arrays(values, unit, extra):
    q = np.array(values) * unit * Quantity(1.0, dim=extra)
    back = eval(repr(q), NAMESPACE)
    assert get_dimensions(back) is get_dimensions(q)
    assume(get_dimensions(q) is not DIMENSIONLESS)  # a plain array: numpy's own repr
    raw = np.asarray(q)
    # numbers are printed with numpy's precision: 8 decimals in the unit shown
    shown = best_unit(q.dim, raw)
    np.testing.assert_allclose(np.asarray(back), raw, rtol=1e-7, atol=1e-8 * shown.factor)


@settings(max_examples=200)
@given(signed, exported_units)
def test_str_round_trip_scalars(x, unit):
    q = x * unit
    # a dimensionless unit (radian) gives a plain float, which has nothing to display
    assume(get_dimensions(q) is not DIMENSIONLESS)
    number, text = str(q).split(" ", 1)
    shown = best_unit(q.dim, np.asarray(q))
    assert text == shown.text
    # numpy prints 8 decimals of the number shown
    assert float(number) * shown.factor == pytest.approx(float(np.asarray(q)), rel=1e-7,
                                                         abs=1e-8 * shown.factor)
    # Brian2's rule: of the standard units of this dimension, the one that puts the value
    # closest to 10 on a log scale
    candidates = STANDARD.get(q.dim)
    if candidates:
        magnitude = abs(float(np.asarray(q)))
        assert shown.factor == min(candidates, key=lambda f: (np.log10(magnitude / f) - 1)**2)
