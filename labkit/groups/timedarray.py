"""TimedArray(values, dt) -> a function of time (and index) usable in model strings.

``I = TimedArray([0, 1, 0]*nA, dt=10*ms)`` makes ``I(t)`` in an equation the value of the
step that contains ``t``; a 2-D array (time x element) is called ``I(t, i)``. The values
become kernel arguments (changing them never recompiles). The time is rounded as Brian2
does: with ``K = 2**ceil(log2(8*dt_values/dt_group))`` (at least 1) and
``eps = dt_values/K``, the row is ``int((t/eps + 0.5)/K)``, clipped to the array.

>>> from labkit.units import ms
>>> ta = TimedArray([1.0, 2.0, 3.0], dt=1*ms)
>>> ta(1.5*ms), ta(10*ms)
(2.0, 3.0)
"""

from __future__ import annotations

import numpy as np

from labkit.core.clock import SECOND, as_seconds, defaultclock
from labkit.core.variables import as_quantity
from labkit.units.dimension import DIMENSIONLESS
from labkit.units.quantity import Quantity

__all__ = ["TimedArray"]


def _rounding(group_dt: float, dt: float) -> tuple[float, float]:
    """(eps, K) of Brian2's rule for a group stepping with ``group_dt``."""
    k = max(int(2 ** np.ceil(np.log2(8 / group_dt * dt))), 1)
    return dt / k, float(k)


class TimedArray:
    """Values on a regular time grid, callable as ``name(t)`` or ``name(t, i)``."""

    def __init__(self, values, dt, name=None):
        dim = getattr(values, "dim", None)
        if dim is None and isinstance(values, (list, tuple)) and values \
                and hasattr(values[0], "dim"):
            values = Quantity(values)
            dim = values.dim
        self.dim = dim if dim is not None else DIMENSIONLESS
        raw = np.asarray(values.view(np.ndarray) if hasattr(values, "dim") else values,
                         dtype=np.float64)
        if raw.ndim not in (1, 2) or raw.shape[0] == 0:
            raise ValueError("TimedArray needs a 1-D array (time) or a 2-D array "
                             "(time x element) with at least one time point")
        self.values_ = np.ascontiguousarray(raw)
        self.dt_ = as_seconds(dt, "dt of a TimedArray")
        self.name = name or "timedarray"

    @property
    def arg_dims(self) -> tuple:
        """What a call takes: a time, and for a 2-D array an index (model strings are
        checked against it: ``stim(v)`` with ``v`` in volt is an error)."""
        return (SECOND,) if self.values_.ndim == 1 else (SECOND, DIMENSIONLESS)

    @property
    def values(self):
        return as_quantity(self.values_, self.dim)

    @property
    def dt(self):
        return Quantity(self.dt_, dim=SECOND)

    def is_locally_constant(self, dt: float) -> bool:
        """Whether calls ``name(t)`` keep their value over a step of ``dt`` seconds.

        As Brian2: when this array's dt is at least ``dt`` and a whole multiple of it, the
        value cannot change within a step, so linear integrators (``exact``) may hold it
        fixed. Brian2's test is an exact floating-point one (``floor(ratio) == ratio``),
        kept so that the same models get the same method.

        >>> from labkit.units import ms
        >>> ta = TimedArray([1.0, 2.0], dt=1*ms)
        >>> ta.is_locally_constant(0.1e-3), ta.is_locally_constant(0.3e-3)
        (True, False)
        """
        if dt > self.dt_:
            return False
        ratio = self.dt_ / float(dt)
        return bool(np.floor(ratio) == ratio)

    def _kernel_values(self, arg: str, group_dt: float) -> dict:
        """Kernel arguments for a group stepping with ``group_dt`` (see ``TIMED_PARTS``)."""
        eps, k = _rounding(group_dt, self.dt_)
        ncols = self.values_.shape[1] if self.values_.ndim == 2 else 1
        return {f"{arg}_values": self.values_.reshape(-1), f"{arg}_eps": eps,
                f"{arg}_K": k, f"{arg}_n": self.values_.shape[0], f"{arg}_ncols": ncols}

    def _numpy_function(self, group_dt: float):
        """A function of raw floats (t[, i]) -> raw values, with the kernels' rounding."""
        eps, k = _rounding(group_dt, self.dt_)
        values, n = self.values_, self.values_.shape[0]

        def lookup(t, i=None):
            row = np.clip((np.asarray(t) / eps + 0.5) / k, 0, None).astype(np.int64)
            row = np.minimum(row, n - 1)
            if values.ndim == 1:
                return values[row]
            return values[row, np.asarray(i, dtype=np.int64)]

        return lookup

    def __call__(self, t, i=None):
        """Value(s) at time ``t`` (a Quantity), rounded with the default clock's dt."""
        seconds = np.asarray(t.view(np.ndarray) if hasattr(t, "dim") else t, dtype=float)
        out = self._numpy_function(defaultclock.dt_)(seconds, i)
        out = np.asarray(out)
        if out.ndim == 0:
            return float(out) if self.dim is DIMENSIONLESS else as_quantity(out, self.dim)
        return as_quantity(out, self.dim)

    def __repr__(self) -> str:
        return f"TimedArray({self.values_.shape} values, dt={self.dt_ * 1e3:g} ms)"
