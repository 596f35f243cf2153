"""Per-synapse storage and the memory check before a network is built (issue 22).

A synapse costs its source and target elements (int32 each; ``i``/``j`` are the same
arrays unless the side is a subgroup), its own variables, and ``N_incoming``/``N_outgoing``
only once read. ``connect()`` appends in place into geometrically growing buffers. With
``prefs.core.memory_limit`` set low, a connect() or a monitor that would not fit raises
an error naming the object, the estimate, the limit and a fix, and makes nothing.
All on the numpy device or numpy-sized rules: no kernel to compile.
"""

import numpy as np
import pytest

from labkit import (
    Network,
    NeuronGroup,
    StateMonitor,
    Synapses,
    ms,
    prefs,
    restore,
    run,
    set_device,
    store,
)
from labkit.errors import OutOfMemoryError, SimulationError
from labkit.memory import available_memory, parse_size


@pytest.fixture(autouse=True)
def _no_limit():
    yield
    prefs.core.memory_limit = None


def _cells(n=50):
    return NeuronGroup(n, "v : 1", threshold="v > 1", reset="v = 0")


def test_many_small_connects_grow_buffers_geometrically_and_match_one_connect():
    P = _cells(40)
    S = Synapses(P, P, "w : 1", on_pre="v += w")
    pairs = [(k % 40, (7 * k) % 40) for k in range(300)]
    sizes = set()
    for i, j in pairs:
        S.connect(i=i, j=j)
        sizes.add(S._buffers.get("_pre", S._pre).size)  # the first is adopted
    assert S.i[:].tolist() == [i for i, _ in pairs]
    assert S.j[:].tolist() == [j for _, j in pairs]
    # doubling: about log2(300) reallocations, never more than twice what is used
    assert len(sizes) <= 11 and S._buffers["_pre"].size < 2 * len(S)
    assert S.w[:].shape == (300,) and len(S.delay[:]) == 300
    # i and j are the index arrays themselves: 8 bytes per synapse, not 16
    assert np.shares_memory(S.variables["i"].array, S._pre)
    assert np.shares_memory(S.variables["j"].array, S._post)


def test_subgroup_indices_count_from_its_start_and_counts_follow_connects():
    P = _cells(30)
    S = Synapses(P[10:20], P[5:], on_pre="v += 1")
    S.connect(i=[0, 0, 9], j=[0, 24, 0])
    assert S.i[:].tolist() == [0, 0, 9] and S._pre.tolist() == [10, 10, 19]
    assert S.j[:].tolist() == [0, 24, 0] and S._post.tolist() == [5, 29, 5]
    assert S.N_outgoing[:].tolist() == [2, 2, 1] and S.N_incoming[:].tolist() == [2, 1, 2]
    S.connect(i=9, j=24)  # the counts of earlier synapses change too
    assert S.N_outgoing[:].tolist() == [2, 2, 2, 2] and S.N_incoming[:].tolist() == [2, 2,
                                                                                     2, 2]


def test_subgroup_indices_are_computed_from_the_groups_and_kept_until_connects_change():
    set_device("numpy")
    P = _cells(30)
    P.v = 2.0
    S = Synapses(P[10:20], P[5:], "x : 1", on_pre="x += i + 100 * j")
    S.connect("i < 3 and j < 4")  # connect()'s own array becomes the group's index
    i, j = (S._pre - 10).tolist(), (S._post - 5).tolist()
    assert S.i[:].tolist() == i and S.j[:].tolist() == j and min(S._pre) == 10
    assert not any(np.shares_memory(S.variables[n].array, index)
                   for n in ("i", "j") for index in (S._pre, S._post))
    assert S.variables["i"].array is S.variables["i"].array  # kept while unchanged
    store()
    S.connect(i=9, j=24)
    assert S.i[:].tolist() == [*i, 9] and S.j[:].tolist() == [*j, 24]
    Network(P, S).run(0.1 * ms)  # the code reads i and j of the subgroups
    assert S.x[:].tolist() == [a + 100 * b for a, b in zip([*i, 9], [*j, 24], strict=True)]
    restore()
    assert S.i[:].tolist() == i and S.j[:].tolist() == j


def test_counts_read_by_code_and_monitors_after_store_and_restore():
    set_device("numpy")
    P = _cells(3)
    P.v = [2, 0, 0]
    S = Synapses(P, P, "c : 1", on_pre="c += 1.0/N_incoming")
    S.connect(i=[0, 0, 1], j=[1, 2, 2])
    mon = StateMonitor(S, "N_outgoing", record=True)
    net = Network(P, S, mon)
    net.store()
    net.run(0.3 * ms)
    assert S.c[:].tolist() == [1.0, 0.5, 0.0]  # neuron 0 spiked: 1/1 and 1/2
    assert mon.N_outgoing[:, 0].tolist() == [2, 2, 1]
    net.restore()
    S.connect(i=2, j=0)
    assert S.N_incoming[:].tolist() == [1, 2, 2, 1]


def test_store_restore_keeps_the_index_arrays():
    P = _cells(20)
    S = Synapses(P, P, on_pre="v += 1")
    S.connect(j="k for k in range(i, i + 3) if k < N_post")
    before = (S.i[:].copy(), S.j[:].copy())
    store()
    S.connect(i=0, j=0)
    restore()
    assert S.i[:].tolist() == before[0].tolist() and S.j[:].tolist() == before[1].tolist()
    assert np.shares_memory(S.variables["i"].array, S._pre)
    S.connect(i=1, j=1)
    assert len(S) == len(before[0]) + 1 and S.N_outgoing[:][-1] == 4


@pytest.mark.parametrize("rule", [dict(p=1.0), dict(i="k for k in sample(N_pre, size=190)")])
def test_connect_beyond_the_memory_limit_names_object_estimate_limit_and_fix(rule):
    set_device("numpy")
    prefs.core.memory_limit = "1 MB"
    assert available_memory() == 1_000_000
    P = _cells(200)
    S = Synapses(P, P, on_pre="v += 1", name="wide")
    with pytest.raises(OutOfMemoryError, match=r"Synapses 'wide'.connect\(\) .* about "
                       r"(40|38),\d{3} synapses, which would need [\d.]+ MB .* only 1 MB .*"
                       r"limit: prefs.core.memory_limit.* Connect fewer pairs"):
        S.connect(**rule)
    assert len(S) == 0
    prefs.core.memory_limit = "10 MB"
    S.connect(**rule)
    assert len(S) in (40_000, 38_000)


def test_a_monitor_beyond_the_memory_limit_fails_before_the_run():
    set_device("numpy")
    P = _cells(1000)
    mon = StateMonitor(P, "v", record=True)
    prefs.core.memory_limit = 50_000_000  # 100 ms records 1000 x 1000 values: 8 MB fits
    run(100 * ms)
    assert mon.v.shape == (1000, 1000)
    with pytest.raises(SimulationError, match=r"StateMonitor .* would need 80.\d MB .*"
                       r"limit: prefs.core.memory_limit"):
        run(1000 * ms)


def test_memory_limit_values():
    assert parse_size("2 GB") == 2 * 10**9 and parse_size("512 MiB") == 512 * 2**20
    assert parse_size(12345) == 12345
    prefs.core.memory_limit = "lots"
    with pytest.raises(ValueError, match="memory_limit = 'lots' is not a size.*'2 GB'"):
        available_memory()
    prefs.core.memory_limit = None
    assert available_memory() > 10**6


def test_counting_sort_is_a_stable_argsort():
    pytest.importorskip("numba")
    from labkit.synapses.counting_sort import counting_sort

    sources = np.random.default_rng(3).integers(5, 60, size=5000).astype(np.int32)
    expected = np.argsort(sources, kind="stable")
    order, ptr = counting_sort(sources, 60)
    assert order.dtype == np.int32 and np.array_equal(order, expected)
    assert np.array_equal(np.diff(ptr), np.bincount(sources, minlength=60))


def test_values_computed_from_the_connections_cannot_be_set():
    from labkit import NeuronGroup, Synapses

    G = NeuronGroup(4, "v : 1")
    S = Synapses(G[1:], G, "w : 1")
    S.connect(i=[0, 2], j=[1, 3])
    assert S.i[:].tolist() == [0, 2] and S.N_incoming[:].tolist() == [1, 1]
    for name in ("i", "N_incoming"):
        with pytest.raises(TypeError, match=f"{name} of Synapses .* computed from the "
                                            "connections"):
            S.variables[name].array = np.zeros(2, dtype=np.int32)
    assert S.i[:].tolist() == [0, 2] and S.N_incoming[:].tolist() == [1, 1]
