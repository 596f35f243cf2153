"""The features Brian2's examples need give Brian2's results (scripts in example_cases.py).

Same spikes (indices and steps) and traces within 1e-9 for the deterministic scripts, on
every labkit device; spike counts within 4 sigma for the PoissonInput script.
"""

from __future__ import annotations

import pytest

pytest.importorskip("brian2")

from example_cases import CASES, RANDOM_CASES  # noqa: E402
from harness import (  # noqa: E402
    LABKIT_DEVICES,
    assert_same,
    poisson_agree,
    reference,
    run_script,
    spike_total,
)

pytestmark = pytest.mark.parity

@pytest.mark.parametrize("device", LABKIT_DEVICES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_same_spikes_and_traces(case, device):
    expected = reference(case)
    assert spike_total(expected) >= case.min_spikes  # the script does what it is for
    assert_same(case, expected, run_script(case, "labkit", device=device))


@pytest.mark.parametrize("device", LABKIT_DEVICES)
@pytest.mark.parametrize("case", RANDOM_CASES, ids=lambda case: case.name)
def test_same_rates(case, device):
    expected = spike_total(reference(case))
    assert expected >= case.min_spikes
    actual = spike_total(run_script(case, "labkit", device=device))
    assert poisson_agree(expected, actual), (
        f"{case.name}: Brian2 {expected} spikes, labkit ({device}) {actual} spikes")
