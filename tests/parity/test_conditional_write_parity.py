"""Writes to an ``(unless refractory)`` variable: labkit skips refractory neurons exactly
where Brian2's conditional write does, on both labkit devices (cpp_standalone: tests/cpp).

The cases (``conditional_write_cases``) cover every Brian2 code object that writes such a
variable: state updater, run_regularly, string assignments, on_pre and on_post, PoissonInput
(conditional), the reset and a custom event's code (not conditional), refractory=0*ms.
A summed variable cannot target one: Brian2 requires a parameter, and so does labkit.
"""

from __future__ import annotations

import pytest

pytest.importorskip("brian2")

from conditional_write_cases import CASES  # noqa: E402
from harness import (  # noqa: E402
    LABKIT_DEVICES,
    assert_same,
    reference,
    run_script,
    spike_total,
)

pytestmark = pytest.mark.parity

@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_brian2_reference_spikes(case):
    assert spike_total(reference(case)) >= case.min_spikes


@pytest.mark.parametrize("device", LABKIT_DEVICES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_same_writes_as_brian2(case, device):
    assert_same(case, reference(case), run_script(case, "labkit", device=device))


@pytest.mark.parametrize("module", ["brian2", "labkit"])
def test_a_summed_variable_onto_a_differential_equation_is_refused(module):
    sim = pytest.importorskip(module)
    if module == "brian2":
        sim.start_scope()
    G = sim.NeuronGroup(2, "dv/dt = -v/(10*ms) : volt (unless refractory)",
                        threshold="v > 1*mV", reset="v = 0*mV", refractory=2 * sim.ms,
                        method="exact", namespace={})
    with pytest.raises(ValueError, match="needs a.*parameter 'v'"):
        sim.Synapses(G, G, "v_post = 1*mV : volt (summed)")


def test_a_summed_variable_onto_a_subexpression_is_refused_by_name():
    import labkit as lk

    G = lk.NeuronGroup(2, "dv/dt = -v/tau : 1\ntau = 10*ms : second")
    with pytest.raises(ValueError, match="'tau' is a subexpression there"):
        lk.Synapses(G, G, "tau_post = 1*ms : second (summed)")
    H = lk.NeuronGroup(2, "g : 1\ndv/dt = -v/(10*ms) : 1")
    lk.Synapses(H, H, "g_post = 0.5 : 1 (summed)")  # a parameter: accepted
