"""The comparison rules themselves: a parity suite that cannot fail proves nothing."""

from __future__ import annotations

import numpy as np
import pytest
from harness import Case, Result, assert_same, poisson_agree

pytestmark = pytest.mark.parity

CASE = Case("synthetic", "", spikes=("S",), traces=("M.v",), exact=("S.count",))


def result(indices=(0, 1, 0), steps=(5, 5, 9), trace=(0.0, 0.5, 1.0), count=(2, 1)):
    return Result(
        "test",
        {"S": (np.array(indices), np.array(steps))},
        {"M.v": np.array(trace, dtype=float), "S.count": np.array(count)},
    )


def test_identical_results_pass():
    assert_same(CASE, result(), result())


def test_order_within_a_step_does_not_matter():
    assert_same(CASE, result(), result(indices=(1, 0, 0), steps=(5, 5, 9)))


def test_a_spike_one_step_late_fails():
    with pytest.raises(AssertionError, match=r"spikes of S differ.*first difference at spike 2"):
        assert_same(CASE, result(), result(steps=(5, 5, 10)))


def test_a_missing_spike_fails():
    with pytest.raises(AssertionError, match="3 vs 2 spikes"):
        assert_same(CASE, result(), result(indices=(0, 1), steps=(5, 5)))


def test_trace_error_above_1e9_fails_and_below_passes():
    assert_same(CASE, result(), result(trace=(0.0, 0.5 * (1 + 1e-10), 1.0)))
    assert_same(CASE, result(), result(trace=(5e-11, 0.5, 1.0)))  # near 0: 1e-10 of scale
    with pytest.raises(AssertionError, match="M.v"):
        assert_same(CASE, result(), result(trace=(0.0, 0.5 * (1 + 1e-8), 1.0)))


def test_trace_shape_mismatch_fails():
    with pytest.raises(AssertionError, match="shape"):
        assert_same(CASE, result(), result(trace=(0.0, 0.5)))


def test_counts_compared_exactly():
    with pytest.raises(AssertionError, match="S.count"):
        assert_same(CASE, result(), result(count=(2, 2)))


def test_poisson_agreement():
    assert poisson_agree(1000, 1100)  # 100 < 4 * sqrt(2100) = 183
    assert not poisson_agree(1000, 1300)
