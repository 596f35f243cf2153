"""Random connect() rules: statistics, the documented draw order, device agreement, speed."""

import time

import numpy as np
import pytest

from labkit.synapses.connect import generate_connections


def connect(n_source, n_target, seed=1, device="numba", **kwds):
    return generate_connections(n_source, n_target, rng=np.random.default_rng(seed),
                                device=device, **kwds)


def within_4_sigma(count, probabilities):
    mean = probabilities.sum()
    sigma = np.sqrt((probabilities * (1 - probabilities)).sum())
    assert abs(count - mean) < 4 * sigma, (count, mean, sigma)


@pytest.mark.parametrize("device", ["numba", "numpy"])
def test_fixed_p_count_is_binomial(device):
    i, j = connect(1000, 1000, device=device, p=0.02)
    within_4_sigma(len(i), np.full(1000 * 1000, 0.02))
    assert len(set(zip(i.tolist(), j.tolist(), strict=True))) == len(i)  # no pair twice
    assert np.all(np.diff(i) >= 0)  # ordered by i ...
    same_row = np.diff(i) == 0
    assert np.all(np.diff(j)[same_row] > 0)  # ... then by j


def test_string_p_count_and_shape():
    n = 1000
    i, j = connect(n, n, p="abs(i-j)/(1.0*n_neurons)", namespace={"n_neurons": n})
    grid = np.abs(np.subtract.outer(np.arange(n), np.arange(n))) / n
    within_4_sigma(len(i), grid.ravel())
    assert not np.any(i == j)  # p = 0 on the diagonal
    near = np.abs(i - j) < n / 4  # p grows with distance: few synapses are near
    within_4_sigma(near.sum(), grid[grid < 0.25])
    assert near.mean() < 0.2


def test_condition_and_p_combined():
    i, j = connect(600, 600, condition="i != j and j % 2 == 0", p=0.1)
    assert np.all(i != j) and np.all(j % 2 == 0)
    within_4_sigma(len(i), np.full(600 * 300 - 300, 0.1))


def test_sample_p_and_size():
    i, j = connect(800, 500, j="k for k in sample(N_post, p=0.05)")
    within_4_sigma(len(i), np.full(800 * 500, 0.05))
    i, j = connect(50, 40, j="k for k in sample(5, N_post, 2, size=3) if k != i")
    for row in range(50):
        targets = j[i == row]
        assert len(set(targets.tolist())) == len(targets) <= 3
        assert np.all(np.diff(targets) > 0) and np.all(targets % 2 == 1)
        assert np.all((targets >= 5) & (targets != row))


def test_draw_order_is_the_documented_one():
    """Each source i draws rng.random(n_target); candidate j is kept if u[j] < p."""
    n_source, n_target, p = 30, 20, 0.3
    i, j = connect(n_source, n_target, seed=7, p=p)
    rng = np.random.default_rng(7)
    expected = [(a, b) for a in range(n_source)
                for b in np.flatnonzero(rng.random(n_target) < p)]
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == expected
    # a row-level condition that fails draws nothing for that row
    i, j = connect(n_source, n_target, seed=7, p=p, condition="i % 2 == 0")
    rng = np.random.default_rng(7)
    expected = [(a, b) for a in range(0, n_source, 2)
                for b in np.flatnonzero(rng.random(n_target) < p)]
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == expected


@pytest.mark.parametrize("kwds", [
    dict(condition="i != j", p=0.1),
    dict(condition="abs(i-j) < 20", p="0.5*exp(-abs(i-j)/5.0)"),
    dict(condition="rand() < 0.2 and i != j"),
    dict(condition=True, p=0.3, n="int(rand()*3)"),
    dict(condition="x_post > x_pre", p="x_post"),
    dict(j="k for k in sample(N_post, p=0.2) if k != i"),
    dict(j="k for k in sample(i, N_post, size=i % 4) if rand() < 0.7"),
    dict(j="k for k in range(i-5, i+6) if rand() < 0.5", skip_if_invalid=True),
    dict(j="int(rand() * N_post) for _ in range(3)"),
    dict(i="k for k in sample(N_pre, p=0.1)"),
    dict(i=np.arange(60), j=np.arange(60)[::-1], p=0.5),
])
def test_devices_agree_under_the_same_seed(kwds):
    rng = np.random.default_rng(3)
    variables = dict(source_vars={"x": rng.random(60)}, target_vars={"x": rng.random(70)})
    numba = connect(60, 70, seed=5, device="numba", **variables, **kwds)
    numpy = connect(60, 70, seed=5, device="numpy", **variables, **kwds)
    assert len(numba[0]) > 0
    np.testing.assert_array_equal(numba[0], numpy[0])
    np.testing.assert_array_equal(numba[1], numpy[1])


def test_numpy_blocks_agree_with_numba(monkeypatch):
    from labkit.synapses import connect_run

    monkeypatch.setattr(connect_run, "BLOCK_CANDIDATES", 100)  # many small blocks
    kwds = dict(j="k for k in sample(N_post, p=0.3) if rand() < 0.9", n="1 + (i + j) % 2")
    a = connect(90, 110, seed=2, device="numba", **kwds)
    b = connect(90, 110, seed=2, device="numpy", **kwds)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_compiled_4000_by_4000_is_fast():
    connect(50, 50, p=0.02)  # compile (or load from the disk cache) first
    start = time.perf_counter()
    i, j = connect(4000, 4000, p=0.02)
    elapsed = time.perf_counter() - start
    within_4_sigma(len(i), np.full(4000 * 4000, 0.02))
    assert elapsed < 2.0, f"4000 x 4000 at p=0.02 took {elapsed:.2f} s"
