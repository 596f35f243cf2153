"""Deterministic connect() rules give Brian2's own S.i[:], S.j[:] (numpy target)."""

import numpy as np
import pytest

from labkit.synapses.connect import generate_connections
from labkit.units.table import UNITS

pytestmark = pytest.mark.parity

N_SOURCE, N_TARGET = 9, 7
V_PRE = np.round(np.random.default_rng(11).uniform(-70, -50, N_SOURCE), 3)
V_POST = np.round(np.random.default_rng(12).uniform(-70, -50, N_TARGET), 3)
X_PRE = np.linspace(0, 1, N_SOURCE)
X_POST = np.linspace(1, 0, N_TARGET)
NAMESPACE = {"width": 2, "v_cut": -60.0 * UNITS["mV"]}


@pytest.fixture(scope="module")
def brian2():
    b2 = pytest.importorskip("brian2")
    b2.prefs.codegen.target = "numpy"
    b2.BrianLogger.suppress_name("unused_brian_object")
    return b2


def brian2_pairs(b2, **kwds):
    eqs = "v : volt\nx : 1"
    G = b2.NeuronGroup(N_SOURCE, eqs)
    H = b2.NeuronGroup(N_TARGET, eqs)
    G.v, G.x = V_PRE * b2.mV, X_PRE
    H.v, H.x = V_POST * b2.mV, X_POST
    S = b2.Synapses(G, H, "w : 1")
    namespace = {"width": 2, "v_cut": -60 * b2.mV}
    S.connect(namespace=namespace, **kwds)
    return np.asarray(S.i[:]), np.asarray(S.j[:])


def labkit_pairs(device, **kwds):
    mV = UNITS["mV"]
    return generate_connections(
        N_SOURCE, N_TARGET, namespace=NAMESPACE, rng=np.random.default_rng(0),
        source_vars={"v": V_PRE * mV, "x": X_PRE},
        target_vars={"v": V_POST * mV, "x": X_POST}, device=device, **kwds)


CASES = [
    dict(),
    dict(condition=True),
    dict(condition="i != j"),
    dict(condition="abs(i-j) > 2 and abs(i-j) < 5"),
    dict(condition="abs(i - j) <= width", n=2),
    dict(condition="i % 3 == 0", n="1 + i % 2"),
    dict(condition="v_pre > v_post"),
    dict(condition="x_pre + x_post > 1 and v_post > v_cut"),
    dict(condition="v > v_cut"),
    dict(j="i", skip_if_invalid=True),
    dict(j="i", n=2, skip_if_invalid=True),
    dict(j="i // 2"),
    dict(j="k for k in range(i-3, i+4) if k != i", skip_if_invalid=True),
    dict(j="k for k in range(i-3, i+4) if k >= 0 and k < N_post and k != i"),
    dict(j="k for k in range(N_post - 1, 0, -2) if k != i"),
    dict(j="k for k in range(i, N_post, 3)"),
    dict(j="i + (-1)**k for k in range(2) if i > 0 and i < N_post - 1"),
    dict(j="k for k in range(N_post) if v_post > v_pre"),
    dict(j="k for k in range(i - 2) if x_post > 0.3"),
    dict(j="k for k in sample(N_post, p=1.0) if k != i"),
    dict(i="k for k in range(N_pre) if k != 3"),
    dict(i=[0, 3, 3, 8], j=[6, 1, 1, 0]),
    dict(i=2, j=np.array([1, 3, 5])),
    dict(i=np.arange(5), j=np.arange(5), n=2),
]


@pytest.mark.parametrize("device", ["numba", "numpy"])
@pytest.mark.parametrize("kwds", CASES, ids=lambda k: repr(k)[1:-1][:60] or "default")
def test_same_pairs_as_brian2(brian2, kwds, device):
    i_ref, j_ref = brian2_pairs(brian2, **kwds)
    i, j = labkit_pairs(device, **kwds)
    assert len(i_ref) > 0
    np.testing.assert_array_equal(i, i_ref)
    np.testing.assert_array_equal(j, j_ref)


@pytest.mark.parametrize("kwds", [
    dict(j="k for k in range(i-3, i+4) if k != i"),
    dict(j="k for k in range(i-1, i+2) if j != i"),
    dict(i=[0, N_SOURCE], j=[1, 2]),
])
def test_same_errors_as_brian2(brian2, kwds):
    with pytest.raises(Exception) as reference:
        brian2_pairs(brian2, **kwds)
    assert "outside" in str(reference.value)
    with pytest.raises(IndexError, match="outside"):
        labkit_pairs("numba", **kwds)
