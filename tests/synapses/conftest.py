"""Fixtures shared by the synapses' plan-store tests."""

import pytest


@pytest.fixture()
def planned(plain_cache, counted):
    """A fresh plan store, the numpy target; the synapses' cold plans, counted."""
    import labkit.plan.synapse_ops
    from labkit import prefs

    prefs.codegen.target = "numpy"
    return counted(labkit.plan.synapse_ops, "cold_parts")
