"""G.get_states(): Brian2's defaults (no subexpressions, read-only variables included)."""

import numpy as np
import pytest

from labkit import NeuronGroup, mV


def _group():
    return NeuronGroup(3, """dv/dt = (El - v) / (10*ms) : volt
                             I = v / (100*mV) : 1""", namespace={"El": -70 * mV})


def test_the_defaults_leave_out_subexpressions_and_internal_names():
    G = _group()
    G.v = -60 * mV
    states = G.get_states()
    assert "I" not in states and not any(n.startswith("_") for n in states)
    assert set(states) >= {"v", "i"}
    assert np.allclose(states["v"] / mV, -60)


def test_subexpressions_read_only_variables_and_a_list_of_names():
    G = _group()
    G.v = -50 * mV
    assert np.allclose(G.get_states(subexpressions=True)["I"], -0.5)
    assert "i" not in G.get_states(read_only_variables=False)
    plain = G.get_states(["v"], units=False)
    assert list(plain) == ["v"] and np.allclose(plain["v"], -0.05)
    plain["v"][:] = 0  # a copy, as Brian2's
    assert np.allclose(G.v / mV, -50)
    with pytest.raises(ValueError, match="format"):
        G.get_states(format="pandas")
