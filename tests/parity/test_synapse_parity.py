"""Synapses scripts give Brian2's spikes, traces and final weights on both labkit devices.

Deterministic cases (``synapse_cases.CASES``) must match exactly (traces within 1e-9);
random ones (rand() in on_pre, probabilistic connect) in their statistics (4 sigma).
"""

from __future__ import annotations

import math

import pytest

pytest.importorskip("brian2")

from harness import LABKIT_DEVICES, assert_same, reference, run_script, spike_total  # noqa: E402
from synapse_cases import CASES, RANDOM_CONNECT, RANDOM_ON_PRE  # noqa: E402

pytestmark = pytest.mark.parity

@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_brian2_reference_spikes(case):
    assert spike_total(reference(case)) >= case.min_spikes


@pytest.mark.parametrize("device", LABKIT_DEVICES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_same_spikes_traces_weights(case, device):
    assert_same(case, reference(case), run_script(case, "labkit", device=device))


@pytest.mark.parametrize("device", LABKIT_DEVICES)
def test_rand_in_on_pre_statistics(device):
    """400 events x 50 synapses, each passing with p = 0.3: both near 6000 (4 sigma)."""
    n, p = 400 * 50, 0.3
    sigma = math.sqrt(n * p * (1 - p))
    for result in (reference(RANDOM_ON_PRE), run_script(RANDOM_ON_PRE, "labkit", device=device)):
        total = int(result.values["total"])
        assert abs(total - n * p) <= 4 * sigma, (result.backend, total)


@pytest.mark.parametrize("device", LABKIT_DEVICES)
def test_probabilistic_connection_count(device):
    n, p = 400 * 400, 0.05
    sigma = math.sqrt(n * p * (1 - p))
    for result in (reference(RANDOM_CONNECT), run_script(RANDOM_CONNECT, "labkit", device=device)):
        count = int(result.values["n_syn"])
        assert abs(count - n * p) <= 4 * sigma, (result.backend, count)
