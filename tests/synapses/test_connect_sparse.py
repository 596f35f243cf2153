"""Rules whose draw is decided per row cost time in proportion to the synapses they make.

``connect('i<n', p=p)``, ``sample(N_post, p=p)`` and ``sample(..., size=s)`` pick the kept
candidates directly (geometric jumps, rejection of repeats; labkit.synapses.connect_draws).
Checked here: the degrees have the right distributions, conditions hold, both devices give
the same synapses (also when a row needs several chunks of draws), the time does not grow
with the pairs considered, and memory is still checked.
"""

import time

import numpy as np
import pytest

from labkit.errors import LabkitError
from labkit.synapses import connect_draws
from labkit.synapses.connect import generate_connections

DEVICES = ["numba", "numpy"]


def connect(n_source, n_target, seed=1, device="numba", **kwds):
    return generate_connections(n_source, n_target, rng=np.random.default_rng(seed),
                                device=device, **kwds)


def assert_binomial(counts, n, p, sigmas=5):
    """Per-row counts -> their mean and variance are Binomial(n, p)'s."""
    counts = np.asarray(counts, dtype=float)
    mean, var = n * p, n * p * (1 - p)
    assert abs(counts.mean() - mean) < sigmas * np.sqrt(var / len(counts)), counts.mean()
    # the sample variance's standard error is about var * sqrt(2 / rows)
    assert abs(counts.var() - var) < sigmas * var * np.sqrt(2 / len(counts)), counts.var()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("p", [0.004, 0.05, 0.3])  # sparse, sparse, dense rows
def test_p_with_a_row_condition_keeps_binomial_rows(device, p):
    n_source, n_target, n_exc = 3000, 2000, 2400
    i, j = connect(n_source, n_target, device=device, condition="i < n_exc", p=p,
                   namespace={"n_exc": n_exc})
    assert i.max() < n_exc  # the condition holds
    assert_binomial(np.bincount(i, minlength=n_exc), n_target, p)
    # targets are uniform: in-degrees are Binomial(n_exc, p) too
    assert_binomial(np.bincount(j, minlength=n_target), n_exc, p)
    assert np.all(np.diff(i) >= 0) and np.all(np.diff(j)[np.diff(i) == 0] > 0)


@pytest.mark.parametrize("device", DEVICES)
def test_p_with_a_pair_condition_is_applied_to_the_kept_pairs(device):
    i, j = connect(1500, 1500, device=device, condition="i != j and (i + j) % 3 != 0",
                   p=0.01)
    assert np.all(i != j) and np.all((i + j) % 3 != 0)
    pairs = sum(1 for a in range(1500) for b in range(1500) if a != b and (a + b) % 3)
    count, mean = len(i), pairs * 0.01
    assert abs(count - mean) < 5 * np.sqrt(mean)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("size, n_target", [(80, 4000), (80, 900), (5, 5)])
def test_fixed_out_degree_gives_each_source_distinct_uniform_targets(device, size, n_target):
    n_source = 3000
    i, j = connect(n_source, n_target, device=device,
                   j=f"k for k in sample(N_post, size={size})")
    assert np.all(np.bincount(i, minlength=n_source) == size)
    assert len(set(zip(i.tolist(), j.tolist(), strict=True))) == len(i)
    assert np.all(np.diff(j)[np.diff(i) == 0] > 0)  # ordered as the generator
    if size < n_target:  # each target is in a source's sample with probability size/N
        assert_binomial(np.bincount(j, minlength=n_target), n_source, size / n_target)


@pytest.mark.parametrize("device", DEVICES)
def test_fixed_in_degree(device):
    i, j = connect(5000, 2000, device=device, i="k for k in sample(N_pre, size=80)")
    assert np.all(np.bincount(j, minlength=2000) == 80)
    assert_binomial(np.bincount(i, minlength=5000), 2000, 80 / 5000)
    assert np.all(np.diff(j) >= 0)  # ordered by target, as Brian2


@pytest.mark.parametrize("kwds", [
    dict(condition="i < 150", p=0.02),
    dict(condition="i < 150 and i != j", p="0.01 + 0.001 * i"),
    dict(condition="i < 150", p="0.02 + 1e-9 * i"),  # p per row, rows of one chunk size
    dict(condition="i < 150", p=0.02, n="1 + j % 2"),  # n per candidate: room per synapse
    dict(condition="i < 20", p=0.3, n=2),  # a dense row, n per row: room once per row
    dict(j="k for k in sample(N_post, p=0.03) if rand() < 0.5", n="1 + i % 2"),
    dict(j="k for k in sample(3, N_post, 2, size=i % 9) if k != i"),
    dict(j="k for k in sample(N_post, size=40) if rand() < 0.9 and rand() < 0.9"),
    dict(i="k for k in sample(N_pre, size=30)"),
])
@pytest.mark.parametrize("margin", ["usual", "none"])
def test_devices_draw_the_same_synapses(monkeypatch, kwds, margin):
    if margin == "none":  # chunks too small for most rows: many rows draw several chunks
        monkeypatch.setattr(connect_draws, "SIGMAS", 0.0)
        monkeypatch.setattr(connect_draws, "EXTRA", 1)
    a = connect(200, 1300, seed=4, device="numba", **kwds)
    b = connect(200, 1300, seed=4, device="numpy", **kwds)
    assert len(a[0]) > 100
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("kwds", [
    dict(condition="i < 150", p=1e-320),  # 1/log1p(-p) is -inf: every jump leaves the row
    dict(condition="i < 150", p=0.02, n=0),  # one n for all pairs, tested once
    dict(condition="i < 150", p=0.02, n=3),
])
def test_devices_agree_at_the_edges(kwds):
    a = connect(200, 1300, seed=4, device="numba", **kwds)
    b = connect(200, 1300, seed=4, device="numpy", **kwds)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("device", DEVICES)
def test_a_negative_n_for_all_pairs_is_an_error(device):  # one value: tested once
    with pytest.raises(ValueError, match="n=-1 is negative .* for i=0"):
        connect(200, 1300, device=device, condition="i < 150", p=0.02, n="N_pre - 201")


def test_numpy_blocks_split_by_draws_agree_with_numba(monkeypatch):
    from labkit.synapses import connect_run

    monkeypatch.setattr(connect_run, "BLOCK_CANDIDATES", 500)
    kwds = dict(condition="i % 3 != 1", p="0.2 + 0.0005 * i")  # sparse and dense rows
    a = connect(900, 700, seed=2, device="numba", **kwds)
    b = connect(900, 700, seed=2, device="numpy", **kwds)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_seed_reproduces_and_differs():
    a = connect(3000, 3000, seed=9, condition="i < 2000", p=0.01)
    b = connect(3000, 3000, seed=9, condition="i < 2000", p=0.01)
    c = connect(3000, 3000, seed=10, condition="i < 2000", p=0.01)
    np.testing.assert_array_equal(a[1], b[1])
    assert len(a[1]) != len(c[1]) or np.any(a[1] != c[1])


@pytest.mark.parametrize("kwds", [
    dict(condition="i < n_exc", p=1e-4, namespace={"n_exc": 80_000}),
    dict(j="k for k in sample(N_post, size=10)"),
])
def test_time_grows_with_synapses_not_pairs(kwds):
    """10^10 pairs considered would take minutes; the 10^6 synapses take well under 2 s."""
    connect(300, 300, **kwds)  # compile (or load from the disk cache) first
    start = time.perf_counter()
    i, j = connect(100_000, 100_000, **kwds)
    elapsed = time.perf_counter() - start
    assert 0.7e6 < len(i) < 1.1e6
    assert elapsed < 2.0, f"{len(i):,} synapses of 10^10 pairs took {elapsed:.2f} s"


def _synapses(n, name="S"):
    from labkit import NeuronGroup, Synapses

    G = NeuronGroup(n, "v : 1")
    return Synapses(G, G, "w : 1", name=name)


@pytest.mark.parametrize("device", ["runtime", "numpy"])
@pytest.mark.parametrize("rule", [dict(condition="i < 1500", p=0.2),
                                  dict(j="k for k in sample(N_post, p=0.2)"),
                                  dict(j="k for k in sample(N_post, size=500)")])
def test_a_sparse_rule_stops_as_soon_as_its_rate_would_exhaust_memory(monkeypatch, device,
                                                                     rule):
    from labkit import set_device
    from labkit.synapses import connect_call

    set_device(device)
    monkeypatch.setattr(connect_call, "available_memory", lambda: 8_000_000)  # 2e5 synapses
    S = _synapses(2000)
    with pytest.raises(MemoryError, match=r"was stopped after making [\d,]+ synapses for the "
                       r"first [\d,]+ of 2,000 neurons; at that rate it would make about ") \
            as info:
        S.connect(**rule)
    assert isinstance(info.value, LabkitError) and len(S) == 0


class Coarse:
    """A generator whose uniforms are multiples of 1/``steps`` (ties, repeated
    proposals), drawn from and rewound like a numpy Generator."""

    def __init__(self, seed, steps):
        self._rng = np.random.default_rng(seed)
        self.bit_generator = self._rng.bit_generator
        self.steps = steps

    def random(self, size):
        return np.floor(self._rng.random(size) * self.steps) / self.steps


@pytest.mark.parametrize("kind, m, value, sites, steps", [
    ("size", 40, 10, 1, 8),  # dense samples: ties at the threshold
    ("size", 1000, 80, 1, 4096),  # the same among the uniforms under the bound
    ("size", 400, 20, 2, 32),  # sparse samples: too few distinct proposals in a chunk
    ("p", 500, 0.01, 1, 0),  # jumps, chunks too short for most rows
])
def test_matrix_paths_leave_ties_and_short_chunks_to_the_flat_path(monkeypatch, kind, m,
                                                                   value, sites, steps):
    """Each case makes the matrix path give up (checked), and the flat path's result is
    the one returned."""
    if not steps:
        monkeypatch.setattr(connect_draws, "SIGMAS", 0.0)
        monkeypatch.setattr(connect_draws, "EXTRA", 1)
    gave_up = []

    def recording(inner):
        def recorded(*args):
            found = inner(*args)
            gave_up.append(found is None)
            return found
        return recorded

    for name in ("_equal_rows", "_equal_dense_samples", "_equal_sparse_samples"):
        monkeypatch.setattr(connect_draws, name, recording(getattr(connect_draws, name)))
    rng = (lambda: np.random.default_rng(3)) if not steps else (lambda: Coarse(3, steps))
    rows = np.full(30, m)
    values = np.full(30, value)
    got = connect_draws.select(kind, rows, values, sites, rng())
    assert gave_up == [True]
    monkeypatch.setattr(connect_draws, "_equal_rows", lambda *a: None)
    monkeypatch.setattr(connect_draws, "_equal_samples", lambda *a: None)
    flat = connect_draws.select(kind, rows, values, sites, rng())
    for a, b in zip(got[:2], flat[:2], strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(got[2][1:], flat[2][1:])  # the rand() sites


@pytest.mark.parametrize("kind, m, value, sites", [
    ("size", 1000, 80, 1), ("size", 1000, 80, 2), ("size", 3000, 900, 1),
    ("size", 100, 60, 1), ("size", 4000, 80, 3), ("p", 4000, 0.02, 2), ("p", 300, 0.4, 1)])
def test_matrix_paths_draw_what_the_flat_path_draws(monkeypatch, kind, m, value, sites):
    rows = np.full(50, m)
    rows[7] = 0  # a row that draws nothing
    values = np.full(50, value)
    got = connect_draws.select(kind, rows, values, sites, np.random.default_rng(5))
    monkeypatch.setattr(connect_draws, "_equal_rows", lambda *a: None)
    monkeypatch.setattr(connect_draws, "_equal_samples", lambda *a: None)
    flat = connect_draws.select(kind, rows, values, sites, np.random.default_rng(5))
    assert len(got[0]) > 100
    for a, b in zip(got[:2], flat[:2], strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(got[2][1:], flat[2][1:])


def test_the_smallest_of_each_row_are_found_among_those_under_a_bound():
    """A dense sample's ``s`` smallest uniforms per row, found among those under a bound,
    are the whole rows' (``np.partition``); no answer when a row has fewer than ``s``
    under the bound, or when the bound is not small."""
    rng = np.random.default_rng(11)
    first = rng.random((40, 1000))
    at, c, count = connect_draws._smallest_below(first, 80)
    threshold = np.partition(first, 79, axis=1)[:, 79:80]
    rows, cols = np.nonzero(first <= threshold)
    np.testing.assert_array_equal(at, rows)
    np.testing.assert_array_equal(c, cols)
    np.testing.assert_array_equal(count, np.full(40, 80))
    first[17, :] = 0.9  # a row with no uniform under the bound
    first[17, :5] = 0.01
    assert connect_draws._smallest_below(first, 80) is None
    assert connect_draws._smallest_below(rng.random((5, 100)), 60) is None


def _plain(n, **kwds):
    from labkit.synapses.connect_kernels import plain_rule
    from labkit.synapses.connect_rule import build_rule

    rule, values = build_rule(n, n, record={}, **kwds)
    return plain_rule(rule, tuple(sorted(values))), values


@pytest.mark.parametrize("kwds", [
    dict(condition="i < n_exc", p="p_e"),  # p: numpy 22, Numba 16 ns per synapse
    dict(generator="k for k in sample(N_post, size=80)", over="i"),  # out-degree
])
def test_auto_device_loads_a_kernel_only_where_that_pays(monkeypatch, kwds):
    """'auto': numpy while importing Numba and loading the kernel would cost more than
    numpy's extra time (the load counted at most REGRET_NS); a kernel already loaded
    runs where it is faster."""
    from labkit.synapses import connect_run

    def device(n, loaded, imported=True):
        monkeypatch.setattr(connect_run, "in_memory", lambda src: loaded)
        monkeypatch.setattr(connect_run, "_numba_imported", lambda: imported)
        p = kwds.get("p")
        namespace = {"n_exc": int(0.8 * n), "p_e": 80 / n}
        rule, values = _plain(n, namespace=namespace,
                              **({**kwds, "p": namespace["p_e"]} if p else kwds))
        return connect_run._choose(rule, values, n, n)

    assert device(4000, loaded=False, imported=False) == "numpy"
    assert device(4000, loaded=False) == "numpy"
    if "condition" in kwds:
        # Numba's import is not paid to save numpy's extra time (CUBA's Ce at 64 000:
        # numpy 91 ms, the kernel 66 + 30 to load + ~150 to import Numba)
        assert device(64000, loaded=False, imported=False) == "numpy"
        assert device(64000, loaded=False) == "numba"  # regret too large
        assert device(10 ** 6, loaded=False, imported=False) == "numba"  # pays the import
        assert device(4000, loaded=True) == "numba"


def test_auto_device_keeps_the_work_threshold_for_rows_of_different_lengths():
    from labkit.synapses import connect_run

    rule, values = _plain(3000, generator="k for k in sample(i, N_post, size=20)", over="i")
    assert connect_run._costs(rule, values, 3000, 3000) is None
    rule, values = _plain(3000, generator="k for k in sample(N_post, size=20)", over="i")
    assert connect_run._costs(rule, values, 3000, 3000) is not None
