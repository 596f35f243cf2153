"""connect() makes the same synapses for the same seed as it did before its speed work.

The digests below were taken on main at 5d44ee2 (2026-12-05), before the numpy device's
matrix path for rows of one probability and the Numba kernel's dense-sample change
(issue 22). Every rule shape the draws distinguish is here: a probability with a
condition on ``i`` (sparse and dense rows, rows of unequal length), ``sample`` by size
(dense and sparse, over targets and over sources, a size per row), ``rand()`` call sites,
a pair condition and a ``p`` per pair. A change of any synapse, or of their order, fails.
"""

import hashlib

import numpy as np
import pytest

from labkit.synapses.connect import generate_connections

#: (sizes, connect() arguments) -> (synapses, sha256 of i then j as int32, first 16 hex)
CASES = [
    ((1000, 1000), dict(condition="i < 800", p=0.08), (63714, "55c1b1786fa3c67a")),
    ((4000, 4000), dict(condition="i < 3200", p=0.02), (255965, "2ddb29bbee4a3a1b")),
    ((500, 700), dict(condition="i >= 100", p=0.3), (83904, "652b7f149cd07096")),
    ((1000, 1000), dict(j="k for k in sample(N_post, size=80)"), (80000, "f84e74e6bf28e5b9")),
    ((1000, 1000), dict(i="k for k in sample(N_pre, size=80)"), (80000, "1c839c02af46b2da")),
    ((3000, 3000), dict(j="k for k in sample(N_post, size=40)"),
     (120000, "dc24541ac8adaf81")),
    ((600, 900), dict(j="k for k in sample(N_post, p=0.05) if rand() < 0.5"),
     (13589, "b12250e83b3b17ad")),
    ((600, 900), dict(condition="i != j and rand() < 0.7", p=0.1), (37837, "2b252a6343855eb8")),
    ((300, 300), dict(condition="abs(i - j) < 20", p="0.5 * exp(-abs(i-j)/10.0)"),
     (2529, "94ee1ac68dcc5f7c")),
    ((800, 800), dict(j="k for k in sample(N_post, size=3 + i % 5)"), (4000, "e88600ae3fe967ab")),
]


def digest(n_source, n_target, device, kwds):
    i, j = generate_connections(n_source, n_target, rng=np.random.default_rng(7),
                                device=device, **kwds)
    data = np.asarray(i, np.int32).tobytes() + np.asarray(j, np.int32).tobytes()
    return len(i), hashlib.sha256(data).hexdigest()[:16]


@pytest.mark.parametrize("sizes, kwds, expected", CASES, ids=[str(c[1]) for c in CASES])
def test_numpy_device_makes_the_synapses_it_made_before(sizes, kwds, expected):
    assert digest(*sizes, "numpy", kwds) == expected


@pytest.mark.slow  # a kernel per rule: compiling them cold takes seconds each
@pytest.mark.parametrize("sizes, kwds, expected", CASES, ids=[str(c[1]) for c in CASES])
def test_numba_device_makes_the_synapses_it_made_before(sizes, kwds, expected):
    assert digest(*sizes, "numba", kwds) == expected
