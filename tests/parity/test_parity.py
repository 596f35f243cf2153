"""Brian2 scripts run unchanged on labkit (only the import differs) and give the same spikes.

Every case in ``parity_cases.py`` runs once on Brian2 (numpy target, the reference, cached
for the session) and once per labkit device; spike indices and steps must be identical and traces
agree within 1e-9 relative error. Random models (noise, Poisson input) can only agree in
their statistics.
"""

from __future__ import annotations

import pytest

pytest.importorskip("brian2")

from harness import (  # noqa: E402
    LABKIT_DEVICES,
    assert_same,
    poisson_agree,
    reference,
    run_script,
    spike_total,
)
from parity_cases import CASES, NOISY_LIF, POISSON  # noqa: E402

pytestmark = pytest.mark.parity

@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_brian2_reference_spikes(case):
    """The reference itself is meaningful: the script spikes as intended on Brian2."""
    result = reference(case)
    assert spike_total(result) >= case.min_spikes


@pytest.mark.parametrize("device", LABKIT_DEVICES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_same_spikes_and_traces(case, device):
    expected = reference(case)
    actual = run_script(case, "labkit", device=device)
    assert_same(case, expected, actual)


@pytest.mark.parametrize("device", LABKIT_DEVICES)
@pytest.mark.parametrize("case", (NOISY_LIF, POISSON), ids=lambda case: case.name)
def test_random_models_same_rate(case, device):
    """Different random streams, same statistics: spike counts within 4 sigma (Poisson)."""
    expected = spike_total(reference(case))
    assert expected >= case.min_spikes
    actual = spike_total(run_script(case, "labkit", device=device))
    assert poisson_agree(expected, actual), (
        f"{case.name}: Brian2 {expected} spikes, labkit ({device}) {actual} spikes"
    )
