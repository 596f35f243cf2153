"""Grid: full products in order, lists of points, random and Latin-hypercube samples."""

import numpy as np
import pytest

from labkit import Grid, ms, mV, nA
from labkit.sweeps.grid import as_grid


def test_product_varies_the_last_parameter_fastest():
    grid = Grid(I=[0.1, 0.2] * nA, sigma=[0, 1, 2] * mV)
    assert len(grid) == 6 and grid.is_product and grid.names == ("I", "sigma")
    pairs = [(float(p["I"] / nA), float(p["sigma"] / mV)) for p in grid.points]
    assert pairs == [(0.1, 0), (0.1, 1), (0.1, 2), (0.2, 0), (0.2, 1), (0.2, 2)]
    assert list(grid.axes) == ["I", "sigma"] and len(grid.axes["sigma"]) == 3


def test_a_dict_is_a_product_and_a_list_of_dicts_is_taken_as_it_is():
    assert as_grid({"a": [1, 2], "b": ["x", "y"]}).is_product
    listed = as_grid([{"a": 1, "b": "x"}, {"a": 5, "b": "y"}])
    assert not listed.is_product and listed.points == ({"a": 1, "b": "x"}, {"a": 5, "b": "y"})
    assert as_grid(listed) is listed


@pytest.mark.parametrize("sampler", [Grid.random, Grid.latin_hypercube])
def test_samples_are_reproducible_in_range_and_keep_units(sampler):
    grid = sampler(40, I=(0.1 * nA, 0.5 * nA), tau=(1 * ms, 100 * ms, "log"), seed=3)
    again = sampler(40, I=(0.1 * nA, 0.5 * nA), tau=(1 * ms, 100 * ms, "log"), seed=3)
    other = sampler(40, I=(0.1 * nA, 0.5 * nA), tau=(1 * ms, 100 * ms, "log"), seed=4)
    currents = np.array([float(p["I"]) for p in grid.points])
    taus = np.array([float(p["tau"]) for p in grid.points])
    assert np.array_equal(currents, [float(p["I"]) for p in again.points])
    assert not np.array_equal(currents, [float(p["I"]) for p in other.points])
    assert currents.min() >= 0.1e-9 and currents.max() < 0.5e-9
    assert taus.min() >= 1e-3 and taus.max() < 0.1
    assert grid.points[0]["I"].dim is nA.dim
    # a log range puts about as many points in each decade
    assert 8 <= np.sum(taus < 1e-2) <= 32


def test_latin_hypercube_puts_one_point_in_each_stratum_of_each_range():
    grid = Grid.latin_hypercube(10, a=(0.0, 1.0), b=(10.0, 20.0), seed=0)
    a = np.array([p["a"] for p in grid.points])
    b = np.array([p["b"] for p in grid.points])
    assert sorted(np.floor(a * 10).astype(int)) == list(range(10))
    assert sorted(np.floor(b - 10).astype(int)) == list(range(10))
    assert "latin_hypercube: 10 points of a, b" in repr(grid)


@pytest.mark.parametrize("call, message", [
    (lambda: Grid(), "at least one parameter"),
    (lambda: Grid(I=0.1 * nA), "must be a list"),
    (lambda: Grid(I=[]), "no values"),
    (lambda: Grid.from_points([{"a": 1}, {"b": 2}]), "same parameters"),
    (lambda: Grid.random(5, I=[1, 2]), "not a range"),
    (lambda: Grid.random(5, I=(1 * mV, 2 * nA)), "different units"),
    (lambda: Grid.random(5, I=(2.0, 1.0)), "low < high"),
    (lambda: Grid.random(5, tau=(0 * ms, 1 * ms, "log")), "needs low > 0"),
    (lambda: Grid.random(0, a=(0, 1)), "positive integer"),
    (lambda: as_grid("I"), "dict of lists"),
])
def test_mistakes_say_what_to_write(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
