"""Names resolve as in Brian2: defaults, then the object's namespace=, then the run's.

One script meets the name ``x`` (and ``e``, which is also a default) in every kind of
string, with different values in the caller's names, the objects' own ``namespace=``
and ``run(namespace=...)``; Brian2 and labkit must use the same value everywhere.
"""

from __future__ import annotations

import pytest

pytest.importorskip("brian2")

from harness import LABKIT_DEVICES, Case, assert_same, run_script  # noqa: E402

pytestmark = pytest.mark.parity

NAMES = Case(
    name="namespace_order",
    script="""
    x = 3.0
    e = 0.5
    G = NeuronGroup(2, '''dv/dt = (x + e)/ms : 1
                          y = x*e : 1''', method='euler', namespace={'x': 2.0})
    H = NeuronGroup(1, 'dv/dt = x/ms : 1', method='euler')
    S = Synapses(H, G, 'dw/dt = x/ms : 1 (clock-driven)', method='euler',
                 namespace={'x': 5.0})
    S.connect(j='i')
    C = Synapses(G, G, 'c : 1', namespace={'x': 0.2})
    C.connect('j - i == int(x*5)')
    C.c = 'x + e'
    D = Synapses(G, G, 'd : 1')
    D.connect('j - i == int(x/3)')
    D.d = 'x'
    G.v = 'x'
    M = StateMonitor(G, 'y', record=True)
    run(0.2*ms, namespace={'x': 1.5, 'e': 0.25})
    """,
    traces=("G.v[:]", "H.v[:]", "S.w[:]", "M.y[:]", "C.c[:]", "D.d[:]"),
    exact=("len(C)", "len(D)"),
    min_spikes=0,
)


@pytest.mark.parametrize("device", LABKIT_DEVICES)
def test_every_string_resolves_names_as_brian2(device):
    expected = run_script(NAMES, "brian2")
    actual = run_script(NAMES, "labkit", device=device)
    assert_same(NAMES, expected, actual)
    assert int(actual.values["len(C)"]) == 1 and int(actual.values["len(D)"]) == 1
