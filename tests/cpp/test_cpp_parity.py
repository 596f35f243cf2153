"""Every deterministic parity script (neurons and synapses) gives the same results on
cpp_standalone as on runtime.

The runtime device is the reference here (it is itself checked against Brian2 in
tests/parity): spikes identical, traces within 1e-9 (in practice equal to the last bit;
the Hodgkin-Huxley test below asserts it). Random models use another generator
in C++, so only their statistics can agree.
"""

import sys
from pathlib import Path

import numpy as np
import pytest
from conditional_write_cases import CASES as CONDITIONAL_WRITE_CASES
from harness import assert_same, poisson_agree, run_script, spike_total
from parity_cases import CASES, NOISY_LIF, POISSON
from synapse_cases import CASES as SYNAPSE_CASES

from labkit.devices import DEVICES
from labkit.errors import DeviceError

PYTHON_CALLS = {"network_operation_clocks_subgroups"}
DETERMINISTIC = ([c for c in CASES if c.name not in PYTHON_CALLS] + list(SYNAPSE_CASES)
                 + list(CONDITIONAL_WRITE_CASES))


@pytest.mark.parametrize("case", DETERMINISTIC, ids=lambda case: case.name)
def test_same_results_as_runtime(case):
    reference = run_script(case, "labkit", device="runtime")
    device = DEVICES["cpp_standalone"]
    compiled = device.compile_count
    actual = run_script(case, "labkit", device="cpp_standalone")
    assert spike_total(actual) >= case.min_spikes
    assert_same(case, reference, actual)
    # one program per structure, however many run() calls the script makes
    assert device.compile_count - compiled <= 1


@pytest.mark.parametrize("case", (NOISY_LIF, POISSON), ids=lambda case: case.name)
def test_random_models_same_statistics(case):
    expected = spike_total(run_script(case, "labkit", device="runtime"))
    first = run_script(case, "labkit", device="cpp_standalone")
    again = run_script(case, "labkit", device="cpp_standalone")
    actual = spike_total(first)
    assert actual >= case.min_spikes
    assert poisson_agree(expected, actual), f"runtime {expected} vs cpp {actual} spikes"
    # seed() makes the C++ generator reproducible too
    for name, (indices, steps) in first.spikes.items():
        assert (indices == again.spikes[name][0]).all()
        assert (steps == again.spikes[name][1]).all()


def test_network_operation_is_refused_by_name():
    case = next(c for c in CASES if c.name in PYTHON_CALLS)
    with pytest.raises(DeviceError, match=r"network_operation 'drive_up'.*set_device\('runtime'\)"):
        run_script(case, "labkit", device="cpp_standalone")


def test_hodgkin_huxley_to_the_last_bit():
    """exp, exprel and small powers are labkit's own in all printers: C++ == runtime, bitwise."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "devices"))
    from test_devices import run_model

    v1, i1, t1 = run_model('hh', 'runtime')
    v2, i2, t2 = run_model('hh', 'cpp_standalone')
    assert i1.size > 0
    assert np.array_equal(i1, i2) and np.array_equal(t1, t2)
    assert np.array_equal(v1, v2)
