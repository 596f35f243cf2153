"""Times -> integer time steps (Brian2's ``brian2.core.functions.timestep``).

Why: scripts index a monitor's recording by time (``M.v[:, timestep(t, dt)]``), and a
time that is a multiple of dt must not fall into the step before it because of rounding
(``0.3/0.1`` is 2.9999...). As Brian2 does, the time is shifted by a thousandth of a step
before dividing, so that the step is exactly the one a clock reaching ``t`` acts at.

>>> from labkit.units import ms
>>> timestep(0.3*ms, 0.1*ms)
3
>>> timestep([0, 0.25, 1]*ms, 0.1*ms).tolist()
[0, 2, 10]
"""

from __future__ import annotations

import numpy as np

from labkit.units.helpers import fail_for_dimension_mismatch

__all__ = ["timestep"]


def timestep(t, dt):
    """The time step of time ``t`` for a clock of step ``dt`` (same units, or plain numbers).

    Returns an int for a scalar ``t``, an int64 array otherwise. ``t`` must be finite:
    use a large time instead of infinity.
    """
    fail_for_dimension_mismatch(t, dt, "timestep(t, dt) needs t and dt in the same units "
                                "(e.g. both times)")
    t_, dt_ = np.asarray(t, dtype=np.float64), np.asarray(dt, dtype=np.float64)
    if not np.all(np.isfinite(t_)):
        raise ValueError("timestep(t, dt) cannot convert an infinite or NaN time to a step; "
                         "use a large finite time instead (e.g. 1e4*second)")
    steps = np.array((t_ + 1e-3 * dt_) / dt_, dtype=np.int64)
    return steps.item() if steps.shape == () else steps
