"""connect()'s memory estimate per synapse is what a synapse actually takes.

The estimate (``connect_call._bytes_per_synapse``) is what the "not enough memory" error
projects before anything is allocated. Measured here: every array of one value per
synapse that a Synapses and its Network hold after a run (found by walking the objects,
so an array the estimate does not know of is counted too), plus the delays in steps a
run makes when the delays differ (a temporary of the run's preparation, held while it
runs). Tolerance: the estimate is exactly that plus connect()'s two int32 buffers (8
bytes), which exist while it generates the synapses.
"""

import gc

import numpy as np
import pytest

from labkit import Network, NeuronGroup, Synapses, defaultclock, set_device
from labkit.synapses import queue
from labkit.synapses.connect_call import _bytes_per_synapse

BUFFERS = 8  # connect()'s outer and result int32 arrays while it generates


def held_per_synapse(roots, n: int) -> dict[int, np.ndarray]:
    """Arrays of ``n`` values reachable from ``roots`` -> {data address: array}."""
    seen, found, frontier = set(), {}, list(roots)
    for _ in range(12):
        following = []
        for obj in frontier:
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if isinstance(obj, np.ndarray):
                if obj.ndim == 1 and obj.shape[0] == n:
                    found[obj.__array_interface__["data"][0]] = obj
                continue
            if isinstance(obj, (str, bytes, int, float, type)) or \
                    (type(obj).__module__ or "").startswith(("sympy", "numba")):
                continue
            following.extend(gc.get_referents(obj))
        frontier = following
    return found


CASES = {
    # name: (Synapses keywords, subgroups?, heterogeneous delays?, bytes held per synapse)
    "constant weight (CUBA)": (dict(on_pre="v += 0.1"), False, False, 20),
    "synaptic weight": (dict(model="w : 1", on_pre="v += w"), False, False, 32),
    "two pathways (STDP-like)": (dict(model="w : 1",
                                      on_pre="v_post += w; w = clip(w + 0.01, 0, 1)",
                                      on_post="w = clip(w - 0.01, 0, 1)"), False, False, 44),
    "delays that differ": (dict(on_pre="v += 0.1"), False, True, 28),
    "subgroups": (dict(on_pre="v += 0.1"), True, False, 20),  # i, j computed when read
}


@pytest.mark.parametrize("name", list(CASES))
def test_estimate_is_what_the_synapses_hold(name, monkeypatch):
    kwds, subgroups, delays, expected = CASES[name]
    set_device("numpy")  # the queue's arrays are the same on every device
    made = []
    steps = queue.Pathway.delay_steps

    def recorded(self, dt, n_syn):
        found = steps(self, dt, n_syn)
        made.append(found[0])
        return found

    monkeypatch.setattr(queue.Pathway, "delay_steps", recorded)
    try:
        P = NeuronGroup(300, "dv/dt = -v/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                        method="exact")
        S = Synapses(P[:200], P[100:], **kwds) if subgroups else Synapses(P, P, **kwds)
        S.connect(p=0.07)
        if delays:
            S.delay = "rand() * 2 * ms"
        estimate = _bytes_per_synapse(S)
        net = Network(P, S)
        net.run(defaultclock.dt)
    finally:
        set_device("runtime")
    n = len(S)
    arrays = held_per_synapse([net, S], n)
    arrays.update({a.__array_interface__["data"][0]: a for a in made if a.shape == (n,)})
    held = sum(a.nbytes for a in arrays.values()) / n
    assert held == expected, sorted((a.dtype.str, a.nbytes // n) for a in arrays.values())
    assert estimate == held + BUFFERS


def test_a_pathway_that_reads_synapses_costs_more_than_one_that_does_not():
    P = NeuronGroup(10, "v : 1", threshold="v > 1")
    plain = Synapses(P, P, on_pre="v += 0.1")
    weighted = Synapses(P, P, model="w : 1", on_pre="v += w")
    # 8 bytes for w, 4 for the order the queue keeps to read each event's w
    assert _bytes_per_synapse(weighted) - _bytes_per_synapse(plain) == 12
