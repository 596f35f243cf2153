"""Min/max decimation: output size, extremes kept, samples taken from the input, speed."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from labkit.widgets.decimate import minmax_decimate

finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(y=arrays(np.float64, st.integers(1, 5000), elements=finite),
       columns=st.integers(1, 400))
def test_one_row_keeps_extremes_size_and_order(y, columns):
    x = np.arange(y.size, dtype=float)
    xd, yd = minmax_decimate(x, y, columns)
    assert xd.shape == yd.shape
    assert yd.size <= max(2 * columns, y.size if y.size <= 2 * columns else 0)
    assert yd.max() == y.max() and yd.min() == y.min()
    assert np.all(np.diff(xd) >= 0)                       # still a path in time order
    assert np.array_equal(y[xd.astype(int)], yd)          # every point is a real sample


@settings(max_examples=100, deadline=None)
@given(rows=st.integers(1, 6), n=st.integers(1, 3000), columns=st.integers(1, 200),
       seed=st.integers(0, 2**32 - 1))
def test_several_rows_keep_each_rows_extremes(rows, n, columns, seed):
    y = np.random.default_rng(seed).normal(size=(rows, n))
    x = np.linspace(0.0, 1.0, n)
    xd, yd = minmax_decimate(x, y, columns)
    assert yd.shape == (rows, xd.size)
    assert xd.size <= max(2 * columns, n if n <= 2 * columns else 0)
    np.testing.assert_array_equal(yd.max(axis=1), y.max(axis=1))
    np.testing.assert_array_equal(yd.min(axis=1), y.min(axis=1))
    assert xd[0] == x[0] and xd[-1] == x[-1]              # the path spans the whole range


def test_each_column_keeps_its_own_extremes():
    """Not only the global extremes: every spike in every pixel column survives."""
    n, columns = 100_000, 500
    y = np.zeros(n)
    y[::997] = 1.0                                        # a spike every 997 samples
    xd, yd = minmax_decimate(np.arange(n, dtype=float), y, columns)
    assert yd.size == 2 * columns
    assert np.count_nonzero(yd == 1.0) == y[::997].size


def test_small_input_is_returned_as_it_is():
    x, y = np.arange(10.0), np.arange(10.0) ** 2
    xd, yd = minmax_decimate(x, y, 800)
    np.testing.assert_array_equal(xd, x)
    np.testing.assert_array_equal(yd, y)


def test_million_samples_decimate_fast_to_screen_size():
    n = 1_000_000
    t = np.arange(n) * 1e-4
    y = np.sin(2 * np.pi * 7 * t) + 0.01 * np.random.default_rng(0).normal(size=n)
    minmax_decimate(t, y, 800)                            # warm-up
    started = time.perf_counter()
    xd, yd = minmax_decimate(t, y, 800)
    elapsed = time.perf_counter() - started
    assert yd.size <= 1600
    assert yd.max() == y.max() and yd.min() == y.min()
    assert elapsed < 0.25, f"decimating 1e6 samples took {elapsed:.3f} s"


def test_mismatched_lengths_are_an_error():
    with pytest.raises(ValueError, match="samples"):
        minmax_decimate(np.arange(5.0), np.arange(6.0), 2)
