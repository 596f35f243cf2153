"""timestep(t, dt): times -> the step a clock acts at, robust to rounding (Brian2's)."""

import numpy as np
import pytest

from labkit import ms, mV, second
from labkit.core.functions import timestep
from labkit.errors import DimensionMismatchError


def test_multiples_of_dt_land_on_their_own_step():
    assert timestep(0.3 * ms, 0.1 * ms) == 3  # 0.3/0.1 is 2.9999... in floats
    assert isinstance(timestep(0.3 * ms, 0.1 * ms), int)
    steps = timestep(np.arange(1000) * 0.1 * ms, 0.1 * ms)
    assert steps.dtype == np.int64 and np.array_equal(steps, np.arange(1000))


def test_times_between_steps_and_plain_numbers():
    assert timestep(0.25 * ms, 0.1 * ms) == 2
    assert timestep(0.0999999 * ms, 0.1 * ms) == 1  # within a thousandth of a step
    assert timestep(2.5, 1.0) == 2
    assert timestep(40 * ms * 3, 1 * ms) == 120


def test_units_must_match_and_time_be_finite():
    with pytest.raises(DimensionMismatchError, match="same units"):
        timestep(1 * ms, 1 * mV)
    with pytest.raises(DimensionMismatchError):
        timestep(1 * ms, 0.1)
    with pytest.raises(ValueError, match="large finite time"):
        timestep(np.inf * second, 0.1 * ms)
