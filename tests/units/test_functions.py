"""Unit-aware numpy: bare names for scripts, and np.xxx(quantity) through the protocols."""

import builtins
import doctest
import importlib

import numpy as np
import pytest

import labkit.units
from labkit.errors import DimensionMismatchError
from labkit.units import *

MODULES = ["quantity", "table", "display", "registry", "helpers", "functions", "arrayfuncs",
           "ufunc_rules", "dimension"]


def test_nothing_exported_shadows_a_builtin():
    assert sorted(set(labkit.units.__all__) & set(dir(builtins))) == []


def test_star_import_gives_exactly_all():
    namespace: dict = {}
    exec("from labkit.units import *", namespace)
    namespace.pop("__builtins__")
    assert sorted(namespace) == sorted(labkit.units.__all__)
    assert len(set(labkit.units.__all__)) == len(labkit.units.__all__)


@pytest.mark.parametrize("module", MODULES)
def test_doctests(module):
    result = doctest.testmod(importlib.import_module(f"labkit.units.{module}"))
    assert result.failed == 0


def test_course_idioms():
    currents = linspace(0, 1, 5) * nA
    assert currents.dim is nA.dim and currents.shape == (5,)
    t = arange(0, 10) * ms
    assert t.dim is ms.dim
    tau = 10 * ms
    decay = exp(-t / tau)
    assert type(decay) is np.ndarray and decay[0] == 1.0
    assert mean(currents).dim is nA.dim


def test_arange_with_units():
    t = arange(0 * ms, 1 * ms, 0.25 * ms)
    np.testing.assert_allclose(np.asarray(t), [0, 0.25e-3, 0.5e-3, 0.75e-3])
    assert arange(0, 5 * ms, 1 * ms).shape == (5,)
    assert arange(3 * ms).dim is ms.dim
    with pytest.raises(DimensionMismatchError):
        arange(0 * ms, 5 * mV, 1 * ms)
    assert type(arange(4)) is np.ndarray


def test_linspace():
    v = linspace(-70 * mV, -50 * mV, 3)
    assert v.dim is mV.dim
    np.testing.assert_allclose(np.asarray(v / mV), [-70, -60, -50])
    with pytest.raises(DimensionMismatchError):
        linspace(0 * mV, 1 * nA, 3)
    values, step = np.linspace(0 * ms, 1 * ms, 3, retstep=True)
    assert step.dim is ms.dim


def test_clip_and_where():
    v = np.array([-80.0, -60.0, 10.0]) * mV
    clipped = clip(v, -70 * mV, 0 * mV)
    np.testing.assert_allclose(np.asarray(clipped / mV), [-70, -60, 0])
    assert clip(v, 0, None).dim is mV.dim
    with pytest.raises(DimensionMismatchError):
        clip(v, 0, 1)
    chosen = where(v > 0 * mV, v, 0 * mV)
    assert chosen.dim is mV.dim
    assert where(v > 0 * mV, v, 0).dim is mV.dim
    with pytest.raises(DimensionMismatchError):
        where(v > 0 * mV, v, 1 * nA)
    assert where(v > 0 * mV)[0].tolist() == [2]


def test_joining_checks_units():
    a, b = np.array([1.0]) * mV, np.array([2.0]) * mV
    for join in (concatenate, hstack, vstack, np.stack):
        assert join([a, b]).dim is mV.dim
    with pytest.raises(DimensionMismatchError):
        concatenate([a, np.array([1.0]) * nA])
    assert np.append(a, b).dim is mV.dim


def test_products_and_integrals():
    v = np.array([1.0, 2.0]) * mV
    i = np.array([1.0, 1.0]) * nA
    assert dot(v, i).dim is (mV * nA).dim
    assert outer(v, i).dim is (mV * nA).dim
    area = np.trapezoid(v, dx=1 * ms)
    assert area.dim is (mV * ms).dim


def test_statistics_keep_units():
    v = np.array([1.0, 2.0, 4.0]) * mV
    for f in (np.mean, median, std, np.max, np.min, np.sum, np.ptp, np.nanmean, np.median):
        assert f(v).dim is mV.dim, f
    assert var(v).dim is (mV**2).dim
    assert np.average(v, weights=[1, 1, 2]).dim is mV.dim
    assert cumsum(v).dim is mV.dim and diff(v).dim is mV.dim


def test_likes_sort_unique_interp_histogram():
    v = np.array([3.0, 1.0, 1.0]) * mV
    # as Brian2: zeros_like/ones_like give plain numbers, empty_like/full_like keep units
    assert type(zeros_like(v)) is np.ndarray and ones_like(v).tolist() == [1.0, 1.0, 1.0]
    assert np.empty_like(v).dim is mV.dim
    assert np.full_like(v, 2 * mV).dim is mV.dim
    assert sort(v).dim is mV.dim and unique(v).shape == (2,)
    assert np.copy(v).dim is mV.dim
    y = interp(1 * ms, np.array([0.0, 2.0]) * ms, np.array([0.0, 2.0]) * mV)
    assert float(y / mV) == pytest.approx(1)
    with pytest.raises(DimensionMismatchError):
        interp(1 * mV, np.array([0.0, 2.0]) * ms, np.array([0.0, 2.0]) * mV)
    counts, edges = histogram(np.array([1.0, 2.0, 3.0]) * ms, bins=2)
    assert edges.dim is ms.dim and counts.sum() == 3


def test_comparisons_helpers():
    v = np.array([1.0, 2.0]) * mV
    assert allclose(v, v)
    assert isclose(v, v + 1e-12 * mV).all()
    with pytest.raises(DimensionMismatchError):
        allclose(v, np.array([1.0, 2.0]) * nA)
    assert not np.array_equal(v, np.array([1.0, 2.0]) * nA)
    assert np.searchsorted(v, 1.5 * mV) == 1
    assert argmax(v) == 1


def test_maximum_minimum_ufuncs():
    assert maximum(1 * mV, 2 * mV).dim is mV.dim
    with pytest.raises(DimensionMismatchError):
        minimum(1 * mV, 2 * nA)


def test_constants():
    assert pi == np.pi and np.isinf(inf) and np.isnan(nan)
