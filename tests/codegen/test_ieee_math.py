"""Scalar code run as plain Python gets the IEEE values the compiled code gets."""

import math

import numpy as np
import pytest

from labkit.codegen import ieee_math


@pytest.mark.parametrize("name, x, expected", [
    ("log", 0.0, -math.inf), ("log", -1.0, math.nan), ("sqrt", -1.0, math.nan),
    ("exp", 1000.0, math.inf), ("cosh", -1000.0, math.inf), ("sinh", -1000.0, -math.inf),
    ("asin", 2.0, math.nan), ("log1p", -1.0, -math.inf), ("log10", 0.0, -math.inf),
    ("expm1", 800.0, math.inf), ("tan", math.inf, math.nan), ("log", -math.inf, math.nan),
])
def test_where_math_raises_the_ieee_value(name, x, expected):
    with pytest.raises((ValueError, OverflowError)):
        getattr(math, name)(x)
    got = getattr(ieee_math, name)(x)
    assert (math.isnan(got) and math.isnan(expected)) or got == expected


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh",
                                  "tanh", "asin", "acos", "atan", "expm1", "log1p", "log10"])
def test_inside_the_domain_the_bits_of_math(name):
    xs = np.random.default_rng(1).uniform(0.01, 0.99, 50)
    for x in xs:
        assert getattr(ieee_math, name)(float(x)) == getattr(math, name)(float(x))
        assert getattr(ieee_math, name)(np.float64(x)) == getattr(math, name)(float(x))
